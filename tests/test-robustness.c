/* test-robustness.c
 *
 * What dies under Hangar, in the isolated session under Xvfb: the libvirt
 * session daemon killed (twice: while a machine's display shows, and while
 * the collection shows), and a guest's QEMU killed. Hangar reconnects by
 * itself, the display stays, the collection shows the truth (checked through
 * virsh), and a crashed machine's disk is left as it was. Then virsh and
 * hangarctl act on machines the window shows, a rename included.
 * Screenshots of each state are saved as artifacts.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-display-page.h"
#include "hangar-machine-card.h"
#include "hangar-machine.h"
#include "hangar-machine-action.h"
#include "hangar-properties-window.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-window.h"

#define RECONNECT_TIMEOUT_S 60

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

static void
wait_card (HangarWindow *window,
           const char   *name,
           const char   *state)
{
  hangar_test_wait_card_state (window, name, state, RECONNECT_TIMEOUT_S);
}

static void
wait_virsh (const char *name,
            const char *state)
{
  hangar_test_wait_virsh_state (name, state, RECONNECT_TIMEOUT_S);
}

static void
wait_page (HangarWindow *window,
           const char   *page)
{
  hangar_test_wait_window_page (window, page, RECONNECT_TIMEOUT_S);
}

static gboolean
connection_in (gpointer data)
{
  gpointer *args = data;

  return hangar_connection_get_state (args[0]) == GPOINTER_TO_INT (args[1]);
}

static void
wait_connection (HangarConnection      *connection,
                 HangarConnectionState  state,
                 const char            *what)
{
  gpointer args[] = { connection, GINT_TO_POINTER (state) };

  hangar_test_assert_eventually (connection_in, args, RECONNECT_TIMEOUT_S, what);
}

/* Every state the connection goes through, space-separated, with the page
 * the window shows at each (the window updates before this runs). */
typedef struct
{
  HangarWindow *window;
  GString      *states;
} StateLog;

static void
on_connection_state (HangarConnection *connection,
                     GParamSpec       *pspec,
                     StateLog         *log)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (HANGAR_TYPE_CONNECTION_STATE);
  GEnumValue *value = g_enum_get_value (klass, hangar_connection_get_state (connection));

  g_string_append_printf (log->states, "%s%s(%s)", log->states->len > 0 ? " " : "",
                          value->value_nick, hangar_window_get_visible_page (log->window));
}

static gboolean
log_has (gpointer data)
{
  gpointer *args = data;
  StateLog *log = args[0];

  return strstr (log->states->str, args[1]) != NULL;
}

/* The pid a daemon or QEMU wrote in our private runtime directory. */
static GPid
read_pid_file (const char *relative)
{
  g_autofree char *path = g_build_filename (g_get_user_runtime_dir (), relative, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gint64 pid;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  pid = g_ascii_strtoll (g_strstrip (contents), NULL, 10);
  g_assert_cmpint (pid, >, 1);
  return (GPid) pid;
}

static gboolean
process_gone (gpointer data)
{
  GPid pid = GPOINTER_TO_INT (data);

  return kill (pid, 0) < 0 && errno == ESRCH;
}

/* SIGKILL: no goodbye, no clean shutdown. Its parent reaps it. */
static void
kill_hard (GPid        pid,
           const char *what)
{
  g_autofree char *gone = g_strdup_printf ("%s (pid %d) to be gone", what, (int) pid);

  g_test_message ("killing %s, pid %d", what, (int) pid);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  hangar_test_assert_eventually (process_gone, GINT_TO_POINTER (pid), 30, gone);
}

static gboolean
page_shows_display (gpointer data)
{
  return g_strcmp0 (hangar_display_page_get_status (data), "display") == 0;
}

static gboolean
machine_paused (gpointer data)
{
  HangarMachine *machine = hangar_display_page_get_machine (data);

  return machine != NULL && hangar_machine_get_state (machine) == HANGAR_MACHINE_STATE_PAUSED;
}

/* Forces @machine off through Hangar, as its menu does. */
static void
force_off (HangarMachine *machine)
{
  g_autoptr(GError) error = NULL;

  hangar_machine_run_async (machine, HANGAR_MACHINE_ACTION_FORCE_OFF,
                            HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT, NULL, hangar_test_async_done,
                            NULL);
  g_assert_true (hangar_machine_run_finish (machine, hangar_test_await (), &error));
  g_assert_no_error (error);
}

static gboolean
properties_loaded (gpointer data)
{
  return hangar_properties_window_is_loaded (data);
}

static gboolean
two_vcpus_defined (gpointer data)
{
  g_autofree char *xml = hangar_test_virsh_output ("dumpxml", "--inactive", (const char *) data,
                                                   NULL);

  return strstr (xml, ">2</vcpu>") != NULL;
}

/* ------------------------------------------------------------------------ */
/* the libvirt daemon killed                                                */
/* ------------------------------------------------------------------------ */

static void
test_daemon_killed (void)
{
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_new ("Survivor", FALSE);
  g_autoptr(HangarTestGuest) bystander = hangar_test_guest_new ("Bystander", FALSE);
  AdwStyleManager *style = adw_style_manager_get_default ();
  HangarConnection *connection;
  HangarCollection *collection;
  HangarDisplayPage *page;
  HangarApplication *app;
  HangarWindow *window;
  HangarPropertiesWindow *properties;
  HangarMachine *shown;
  g_autofree char *banner = NULL;
  GPid daemon, second_daemon, third_daemon;
  StateLog log;

  hangar_test_guest_define (guest);
  hangar_test_guest_define (bystander);
  hangar_test_virsh ("start", "Survivor", NULL);

  app = hangar_test_start_app (&window);
  connection = hangar_application_get_connection (app);
  collection = hangar_application_get_collection (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 560);
  wait_card (window, "Survivor", "Running");
  wait_card (window, "Bystander", "Stopped");
  banner = hangar_test_guest_wait_line (guest, HANGAR_TEST_BANNER, 1, HANGAR_TEST_BOOT_TIMEOUT_S);

  /* 1. The daemon dies while the guest's display shows. SPICE goes straight
   *    to QEMU, so the display stays, and so does the machine behind it. */
  shown = hangar_collection_find_by_name (collection, "Survivor");
  hangar_window_open_machine (window, shown);
  page = hangar_window_get_display_page (window);
  hangar_test_assert_eventually (page_shows_display,
                                 page, 60, "the guest's display");

  /* A properties window open across the restart goes on working. */
  hangar_properties_window_show (hangar_collection_find_by_name (collection, "Bystander"),
                                 GTK_WIDGET (window));
  properties = hangar_test_find_toplevel (HANGAR_TYPE_PROPERTIES_WINDOW, NULL);
  g_assert_nonnull (properties);
  hangar_test_assert_eventually (properties_loaded, properties, 60, "the properties to load");

  log.window = window;
  log.states = g_string_new (NULL);
  g_signal_connect (connection, "notify::state", G_CALLBACK (on_connection_state), &log);
  daemon = read_pid_file ("libvirt/libvirtd.pid");
  kill_hard (daemon, "the libvirt session daemon");

  /* No Retry needed: Hangar reconnects by itself, which starts a new daemon;
   * meanwhile the collection says what happened, and the display stays. */
  {
    gpointer args[] = { &log, (gpointer) "failed(error) connecting(error) connected(collection)" };

    hangar_test_assert_eventually (log_has, args, RECONNECT_TIMEOUT_S,
                                   "Hangar to lose the daemon and reconnect by itself");
  }
  g_test_message ("connection states: %s", log.states->str);
  g_assert_cmpstr (log.states->str, ==, "failed(error) connecting(error) connected(collection)");
  g_signal_handlers_disconnect_by_func (connection, on_connection_state, &log);
  g_string_free (log.states, TRUE);
  g_assert_cmpstr (hangar_display_page_get_status (page), ==, "display");
  second_daemon = read_pid_file ("libvirt/libvirtd.pid");
  g_assert_cmpint (second_daemon, !=, daemon);
  wait_card (window, "Survivor", "Running");
  /* Listed again, it is the same machine: whatever holds it goes on. */
  g_assert_true (hangar_collection_find_by_name (collection, "Survivor") == shown);
  g_assert_true (hangar_display_page_get_machine (page) == shown);
  g_assert_true (hangar_properties_window_get_machine (properties) ==
                 hangar_collection_find_by_name (collection, "Bystander"));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (properties),
                                                                             HANGAR_TYPE_PROPERTIES_WINDOW,
                                                                             "vcpus_spin")), 2);
  hangar_test_assert_eventually (two_vcpus_defined, (gpointer) "Bystander", 30,
                                 "the properties window's change to reach the new daemon");
  hangar_test_assert_eventually (properties_loaded, properties, 30, "the properties to reload");
  gtk_window_destroy (GTK_WINDOW (properties));
  g_assert_cmpstr (hangar_display_page_get_status (page), ==, "display");
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "robustness-display-kept.png"));

  /* The new daemon's events reach the new machine: the display page follows. */
  hangar_test_virsh ("suspend", "Survivor", NULL);
  hangar_test_assert_eventually (machine_paused, page, 60,
                                 "the display page to say the guest is paused");
  hangar_test_virsh ("resume", "Survivor", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "display.back", NULL));
  wait_card (window, "Survivor", "Running");
  wait_card (window, "Bystander", "Stopped");

  /* 2. The daemon dies while the collection shows. With the automatic retry
   *    held back, the error page stays for a look; its Retry reconnects,
   *    and the collection comes back with every machine as it is. */
  hangar_connection_set_auto_reconnect (connection, FALSE);
  kill_hard (second_daemon, "the second libvirt session daemon");
  wait_connection (connection, HANGAR_CONNECTION_FAILED, "Hangar to notice the daemon is gone");
  wait_page (window, "error");
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "robustness-daemon-lost.png"));
  hangar_connection_set_auto_reconnect (connection, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reconnect", NULL));
  wait_connection (connection, HANGAR_CONNECTION_CONNECTED, "Hangar to reconnect again");
  third_daemon = read_pid_file ("libvirt/libvirtd.pid");
  g_assert_cmpint (third_daemon, !=, second_daemon);
  wait_page (window, "collection");
  wait_card (window, "Survivor", "Running");
  wait_card (window, "Bystander", "Stopped");
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "robustness-reconnected.png"));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "robustness-reconnected-dark.png"));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);

  /* What others do on the new daemon shows, and what Hangar does lands. */
  hangar_test_virsh ("start", "Bystander", NULL);
  wait_card (window, "Bystander", "Running");
  force_off (hangar_collection_find_by_name (collection, "Bystander"));
  wait_virsh ("Bystander", "shut off (destroyed)");
  wait_card (window, "Bystander", "Stopped");
  wait_virsh ("Survivor", "running (unpaused)");

  hangar_test_stop_app (app, window);
  hangar_test_remove_machine ("Survivor");
  hangar_test_remove_machine ("Bystander");
}

/* ------------------------------------------------------------------------ */
/* QEMU killed                                                              */
/* ------------------------------------------------------------------------ */

#define CRASH_NAME "Crasher"

static char *
disk_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "crasher-disk.qcow2", NULL);
}

/* The live guest, with a qcow2 disk holding a known pattern. */
static void
define_with_disk (HangarTestGuest *guest)
{
  g_autofree char *disk = disk_path ();
  g_autofree char *disk_esc = g_markup_escape_text (disk, -1);
  g_autofree char *xml = NULL;
  g_autofree char *disk_xml = NULL;
  g_autofree char *with_disk = NULL;
  g_autoptr(GError) error = NULL;
  const char *create[] = { "qemu-img", "create", "-q", "-f", "qcow2", disk, "32M", NULL };
  const char *write[] = { "qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 1M", disk, NULL };
  char *at;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  g_free (hangar_test_run_tool (create));
  g_free (hangar_test_run_tool (write));

  g_assert_true (g_file_get_contents (guest->xml_path, &xml, NULL, &error));
  g_assert_no_error (error);
  at = strstr (xml, "<graphics");
  g_assert_nonnull (at);
  disk_xml = g_strdup_printf ("<disk type='file' device='disk'>"
                              "<driver name='qemu' type='qcow2'/><source file='%s'/>"
                              "<target dev='sdb' bus='sata'/></disk>", disk_esc);
  with_disk = g_strdup_printf ("%.*s%s%s", (int) (at - xml), xml, disk_xml, at);
  g_assert_true (g_file_set_contents (guest->xml_path, with_disk, -1, &error));
  g_assert_no_error (error);
  hangar_test_guest_define (guest);
}

static void
check_disk_intact (void)
{
  g_autofree char *disk = disk_path ();
  const char *check[] = { "qemu-img", "check", "-f", "qcow2", disk, NULL };
  const char *read[] = { "qemu-io", "-f", "qcow2", "-c", "read -P 0x5a 0 1M", disk, NULL };
  g_autofree char *checked = NULL;
  g_autofree char *read_back = NULL;

  g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
  checked = hangar_test_run_tool (check);
  g_test_message ("qemu-img check: %s", checked);
  g_assert_nonnull (strstr (checked, "No errors were found"));
  /* qemu-io says "Pattern verification failed" (and still exits 0) on a mismatch. */
  read_back = hangar_test_run_tool (read);
  g_test_message ("qemu-io: %s", read_back);
  g_assert_null (strstr (read_back, "failed"));
  g_assert_nonnull (strstr (read_back, "read 1048576/1048576 bytes"));
}

static void
test_qemu_killed (void)
{
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_new (CRASH_NAME, FALSE);
  HangarCollection *collection;
  HangarDisplayPage *page;
  HangarApplication *app;
  HangarWindow *window;
  HangarMachine *machine;
  g_autofree char *banner = NULL;
  g_autofree char *banner_again = NULL;
  g_autofree char *listed = NULL;
  GPid qemu;

  define_with_disk (guest);
  hangar_test_virsh ("start", CRASH_NAME, NULL);

  app = hangar_test_start_app (&window);
  collection = hangar_application_get_collection (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 560);
  wait_card (window, CRASH_NAME, "Running");
  banner = hangar_test_guest_wait_line (guest, HANGAR_TEST_BANNER, 1, HANGAR_TEST_BOOT_TIMEOUT_S);

  qemu = read_pid_file ("libvirt/qemu/run/" CRASH_NAME ".pid");
  kill_hard (qemu, "the guest's QEMU");

  /* Stopped, and said why: libvirt's reason, shown on the card. */
  wait_card (window, CRASH_NAME, "Crashed");
  wait_virsh (CRASH_NAME, "shut off (crashed)");
  machine = hangar_collection_find_by_name (collection, CRASH_NAME);
  g_assert_cmpint (hangar_machine_get_state (machine), ==, HANGAR_MACHINE_STATE_CRASHED);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "list", "--json", NULL }, &listed, NULL),
                   ==, 0);
  g_test_message ("hangarctl list --json: %s", listed);
  g_assert_nonnull (strstr (listed, "\"state\" : \"crashed\""));
  g_clear_pointer (&listed, g_free);
  check_disk_intact ();
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "robustness-crashed.png"));

  /* Its display page says so, and starts it again. */
  hangar_window_open_machine (window, machine);
  page = hangar_window_get_display_page (window);
  g_assert_cmpstr (hangar_display_page_get_status (page), ==, "not-running");
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "robustness-crashed-display.png"));

  /* The console log starts anew with the new QEMU. */
  g_assert_cmpint (g_unlink (guest->serial_log), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "display.start", NULL));
  wait_virsh (CRASH_NAME, "running (booted)");
  banner_again = hangar_test_guest_wait_line (guest, HANGAR_TEST_BANNER, 1,
                                              HANGAR_TEST_BOOT_TIMEOUT_S);
  hangar_test_assert_eventually (page_shows_display,
                                 page, 60, "the display of the restarted guest");

  /* Forced off this time: stopped, not crashed. */
  force_off (machine);
  wait_virsh (CRASH_NAME, "shut off (destroyed)");
  g_assert_cmpint (hangar_machine_get_state (machine), !=, HANGAR_MACHINE_STATE_CRASHED);
  check_disk_intact ();

  hangar_test_stop_app (app, window);
  hangar_test_remove_machine (CRASH_NAME);
  listed = hangar_test_virsh_output ("list", "--all", "--name", NULL);
  g_assert_null (strstr (listed, CRASH_NAME));
  {
    g_autofree char *disk = disk_path ();

    /* undefine leaves a disk alone: it is the user's, not libvirt's. */
    g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
  }
}

/* ------------------------------------------------------------------------ */
/* others acting on the same machines                                       */
/* ------------------------------------------------------------------------ */

static void
test_outside_changes (void)
{
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_new ("Alpha", FALSE);
  g_autoptr(HangarTestGuest) other = hangar_test_guest_new ("Mike", FALSE);
  HangarCollection *collection;
  HangarApplication *app;
  HangarWindow *window;
  HangarMachine *alpha;
  HangarMachine *mike;
  HangarPropertiesWindow *properties;
  g_autofree char *names = NULL;

  hangar_test_tolerate_unknown_events ();
  hangar_test_guest_define (guest);
  hangar_test_guest_define (other);

  app = hangar_test_start_app (&window);
  collection = hangar_application_get_collection (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 560);
  wait_card (window, "Alpha", "Stopped");
  wait_card (window, "Mike", "Stopped");
  alpha = hangar_collection_find_by_name (collection, "Alpha");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 2);
  g_assert_true (g_list_model_get_item (G_LIST_MODEL (collection), 0) == g_object_ref (alpha));
  g_object_unref (alpha);
  g_object_unref (alpha);

  /* Renamed by virsh: the same machine, under its new name, in its new place. */
  hangar_test_virsh ("domrename", "Alpha", "Zulu", NULL);
  wait_card (window, "Zulu", "Stopped");
  hangar_test_wait_card_gone (window, "Alpha", 30);
  g_assert_true (hangar_collection_find_by_name (collection, "Zulu") == alpha);
  g_assert_cmpstr (hangar_machine_get_name (alpha), ==, "Zulu");
  {
    g_autoptr(HangarMachine) last = g_list_model_get_item (G_LIST_MODEL (collection), 1);

    g_assert_true (last == alpha);
  }

  /* Its events still arrive: started by virsh, paused by hangarctl (another
   * Hangar process), each seen on the card and agreed by virsh. */
  hangar_test_virsh ("start", "Zulu", NULL);
  wait_card (window, "Zulu", "Running");
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "pause", "Zulu", NULL }, NULL, NULL), ==, 0);
  wait_card (window, "Zulu", "Paused");
  wait_virsh ("Zulu", "paused (user)");
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "force-off", "Zulu", NULL }, NULL, NULL),
                   ==, 0);
  wait_card (window, "Zulu", "Stopped");
  wait_virsh ("Zulu", "shut off (destroyed)");

  /* Defined and undefined elsewhere. A properties window open on the
   * machine undefined closes: there is nothing left to change. */
  mike = g_object_ref (hangar_collection_find_by_name (collection, "Mike"));
  hangar_properties_window_show (mike, GTK_WIDGET (window));
  properties = hangar_test_find_toplevel (HANGAR_TYPE_PROPERTIES_WINDOW, NULL);
  g_assert_nonnull (properties);
  g_object_add_weak_pointer (G_OBJECT (properties), (gpointer *) &properties);
  hangar_test_assert_eventually (properties_loaded, properties, 60, "the properties to load");
  hangar_test_virsh ("undefine", "Mike", NULL);
  hangar_test_wait_card_gone (window, "Mike", 30);
  g_assert_true (hangar_machine_is_gone (mike));
  hangar_test_assert_eventually (hangar_test_pointer_cleared, &properties, 30,
                                 "the properties window of the undefined machine to close");
  g_clear_object (&mike);
  hangar_test_guest_define (other);
  wait_card (window, "Mike", "Stopped");
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "robustness-outside-changes.png"));

  hangar_test_stop_app (app, window);
  hangar_test_remove_machine ("Zulu");
  hangar_test_remove_machine ("Mike");
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/robustness/daemon-killed", test_daemon_killed);
  g_test_add_func ("/hangar/robustness/qemu-killed", test_qemu_killed);
  g_test_add_func ("/hangar/robustness/outside-changes", test_outside_changes);

  return g_test_run ();
}
