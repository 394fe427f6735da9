/* test-throwaway.c
 *
 * Runs without saving changes. Unit: the definition such a run starts, how
 * a running one is recognised, which leftover files may be removed. e2e: one
 * machine made as the app makes them; its guest writes a marker onto its
 * disk through the serial console during runs that end by a shutdown, by
 * QEMU killed, by the daemon and QEMU killed, and with the app quit in the
 * middle (under Xvfb, with screenshots of the marked card and display
 * page); each time the disk image is byte-identical afterwards and no
 * overlay is left in the pool. A normal run then keeps its marker.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* memmem() */
#define _GNU_SOURCE

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-display-page.h"
#include "hangar-machine-action.h"
#include "hangar-machine-card.h"
#include "hangar-test-guest.h"
#include "hangar-throwaway.h"
#include "hangar-window.h"

/* ------------------------------------------------------------------------ */
/* unit                                                                     */
/* ------------------------------------------------------------------------ */

#define DOMAIN_HEAD "<domain type='qemu'><name>m</name><devices>"
#define DOMAIN_TAIL "</devices></domain>"
#define FILE_DISK(dev) \
  "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>" \
  "<source file='/pool/" dev ".qcow2'/><target dev='" dev "' bus='sata'/></disk>"
#define CDROM \
  "<disk type='file' device='cdrom'><source file='/iso/live.iso'/>" \
  "<target dev='sdc' bus='sata'/><readonly/></disk>"
#define READONLY_DISK \
  "<disk type='file' device='disk'><source file='/pool/ro.qcow2'/>" \
  "<target dev='sdd' bus='sata'/><readonly/></disk>"

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_unit_domain_xml (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;

  /* Both writable disks get an overlay; the CD/DVD and the read-only disk
   * are left as they are. */
  xml = hangar_throwaway_domain_xml (DOMAIN_HEAD FILE_DISK ("sda") FILE_DISK ("sdb") CDROM
                                     READONLY_DISK DOMAIN_TAIL, "m", &error);
  g_assert_no_error (error);
  g_assert_nonnull (xml);
  g_assert_cmpuint (count (xml, "<transient/>"), ==, 2);
  g_assert_true (hangar_throwaway_live_xml_is_throwaway (xml));
  /* The rest is kept: the same disks, sources and the name. */
  g_assert_cmpuint (count (xml, "<disk "), ==, 4);
  g_assert_nonnull (strstr (xml, "<source file=\"/pool/sda.qcow2\"/>"));
  g_assert_nonnull (strstr (xml, "<name>m</name>"));

  /* A machine with nothing to write runs as it is. */
  g_clear_pointer (&xml, g_free);
  xml = hangar_throwaway_domain_xml (DOMAIN_HEAD CDROM DOMAIN_TAIL, "m", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (xml, "<transient/>"), ==, 0);
  g_assert_false (hangar_throwaway_live_xml_is_throwaway (xml));
}

static void
test_unit_domain_xml_refused (void)
{
  static const struct
  {
    const char *devices;
    int         code;
    const char *reason;
  } cases[] = {
    /* A block device: libvirt puts no overlay on it. */
    { FILE_DISK ("sda") "<disk type='block' device='disk'><source dev='/dev/sdz'/>"
      "<target dev='sdb' bus='sata'/></disk>", HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
      "not a file" },
    { "<disk type='network' device='disk'><source protocol='nbd' name='x'/>"
      "<target dev='sdb' bus='sata'/></disk>", HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
      "not a file" },
    /* Shared with other machines: their writes could not be discarded. */
    { "<disk type='file' device='disk'><source file='/pool/shared.img'/>"
      "<target dev='sdb' bus='sata'/><shareable/></disk>", HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
      "shared" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *xml = g_strconcat (DOMAIN_HEAD, cases[i].devices, DOMAIN_TAIL, NULL);
      g_autofree char *result = hangar_throwaway_domain_xml (xml, "Büro “1”", &error);

      g_assert_null (result);
      g_assert_error (error, HANGAR_MACHINE_ERROR, cases[i].code);
      /* The sentence names the machine as given and says why. */
      g_assert_nonnull (strstr (error->message, "Büro “1”"));
      g_assert_nonnull (strstr (error->message, cases[i].reason));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *result = hangar_throwaway_domain_xml ("<domain", "m", &error);

    g_assert_null (result);
    g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_FAILED);
  }
}

static void
test_unit_live_xml (void)
{
  /* What libvirt 9.0 shows of a running transient disk. */
  g_assert_true (hangar_throwaway_live_xml_is_throwaway (
    DOMAIN_HEAD "<disk type='file' device='disk'><source file='/p/a.qcow2.TRANSIENT-m'/>"
    "<backingStore type='file'><format type='qcow2'/><source file='/p/a.qcow2'/>"
    "</backingStore><target dev='sda'/><transient/></disk>" DOMAIN_TAIL));
  g_assert_false (hangar_throwaway_live_xml_is_throwaway (DOMAIN_HEAD FILE_DISK ("sda")
                                                          DOMAIN_TAIL));
  /* <transient/> elsewhere (a network's) is no disk's. */
  g_assert_false (hangar_throwaway_live_xml_is_throwaway (
    DOMAIN_HEAD "<interface type='user'><transient/></interface>" DOMAIN_TAIL));
  g_assert_false (hangar_throwaway_live_xml_is_throwaway (NULL));
  g_assert_false (hangar_throwaway_live_xml_is_throwaway ("not xml"));
}

static void
qemu_img (const char *first_arg,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "qemu-img");
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  out = hangar_test_run_tool ((const char * const *) argv->pdata);
}

/* Only libvirt's overlay of that very disk may go: never a user's file that
 * happens to have the name, nor a link. */
static void
test_unit_overlay_recognised (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hangar-throwaway-XXXXXX", NULL);
  g_autofree char *disk = g_build_filename (dir, "disk.qcow2", NULL);
  g_autofree char *other = g_build_filename (dir, "other.qcow2", NULL);
  g_autofree char *overlay = hangar_throwaway_overlay_path (disk, "Büro 1");
  g_autofree char *foreign = g_build_filename (dir, "foreign.qcow2", NULL);
  g_autofree char *plain = g_build_filename (dir, "plain", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autofree char *expected = g_strconcat (disk, ".TRANSIENT-Büro 1", NULL);

  g_assert_cmpstr (overlay, ==, expected);
  qemu_img ("create", "-q", "-f", "qcow2", disk, "16M", NULL);
  qemu_img ("create", "-q", "-f", "qcow2", other, "16M", NULL);
  qemu_img ("create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", disk, overlay, NULL);
  qemu_img ("create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", other, foreign, NULL);
  g_assert_true (g_file_set_contents (plain, "a user's notes", -1, NULL));
  g_assert_cmpint (symlink (overlay, link), ==, 0);

  g_assert_true (hangar_throwaway_is_overlay_of (overlay, disk));
  g_assert_false (hangar_throwaway_is_overlay_of (foreign, disk));
  g_assert_false (hangar_throwaway_is_overlay_of (disk, disk));
  g_assert_false (hangar_throwaway_is_overlay_of (plain, disk));
  g_assert_false (hangar_throwaway_is_overlay_of (link, disk));
  g_assert_false (hangar_throwaway_is_overlay_of (dir, disk));
  g_assert_false (hangar_throwaway_is_overlay_of (overlay, other));

  hangar_test_remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* e2e: one machine, runs ended in every way                               */
/* ------------------------------------------------------------------------ */

#define NAME "Throwaway"
#define MARKER_OFFSET_SECTORS "8192"

static char *disk_path;
static char *base_sha;

static char *
sha256_of (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);

  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                      (const guchar *) g_mapped_file_get_contents (file),
                                      g_mapped_file_get_length (file));
}

/* qcow2 keeps data clusters as they are: a marker written to the disk is
 * in the file's bytes. */
static gboolean
file_holds (const char *path,
            const char *marker)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);

  g_assert_no_error (error);
  return g_mapped_file_get_length (file) > 0 &&
         memmem (g_mapped_file_get_contents (file), g_mapped_file_get_length (file),
                 marker, strlen (marker)) != NULL;
}

/* What `find` sees of overlays in the pool directory. */
static char *
overlays_in_pool (void)
{
  g_autofree char *pool = hangar_test_pool_file (NULL);
  const char *argv[] = { "find", pool, "-name", "*.TRANSIENT-*", NULL };

  return g_strstrip (hangar_test_run_tool (argv));
}

static void
assert_no_overlay (void)
{
  g_autofree char *found = overlays_in_pool ();

  g_assert_cmpstr (found, ==, "");
}

static void
assert_disk_untouched (const char *marker)
{
  g_autofree char *sha = sha256_of (disk_path);

  g_assert_cmpstr (sha, ==, base_sha);
  g_assert_false (file_holds (disk_path, marker));
  assert_no_overlay ();
}

static void
ctl_ok (const char *first,
        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *err = NULL;
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  if (hangar_test_ctl ((const char * const *) args->pdata, NULL, &err) != 0)
    g_error ("hangarctl %s failed: %s", first, err);
}

/* The guest's shell, on the console of the QEMU that just started (its log
 * starts anew with each QEMU). */
static HangarTestGuest *
wait_shell (void)
{
  HangarTestGuest *guest = hangar_test_guest_for_machine (NAME);
  g_autofree char *ready = hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 1,
                                                        HANGAR_TEST_BOOT_TIMEOUT_S);
  return guest;
}

/* Writes @marker onto the guest's disk, past its first sectors, and has it
 * reach QEMU. */
static void
write_marker (HangarTestGuest *guest,
              const char      *marker)
{
  g_autofree char *command = NULL;
  g_autofree char *done = NULL;
  g_autofree char *key = g_strdup_printf ("WROTE_%s=", marker);

  command = g_strdup_printf ("echo %s | dd of=/dev/sda bs=512 seek=" MARKER_OFFSET_SECTORS
                             " conv=fsync 2>/dev/null; sync; echo %s$(dd if=/dev/sda bs=512 "
                             "skip=" MARKER_OFFSET_SECTORS " count=1 2>/dev/null | head -c %u)",
                             marker, key, (guint) strlen (marker));
  hangar_test_guest_run (guest, command);
  done = hangar_test_guest_wait_line (guest, key, 1, 60);
  /* The guest reads back what it wrote: the disk is there and writable. */
  g_assert_cmpstr (done + strlen (key), ==, marker);
}

/* @reason: why, as virsh says it ("shutdown", "destroyed", "crashed") */
static void
wait_shut_off (const char *reason)
{
  g_autofree char *state = g_strdup_printf ("shut off (%s)", reason);

  hangar_test_wait_virsh_state (NAME, state, 60);
}

static GPid
read_pid (const char *path)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return (GPid) g_ascii_strtoll (g_strstrip (contents), NULL, 10);
}

static void
test_e2e_setup (void)
{
  g_autofree char *pool = NULL;
  g_autofree char *err = NULL;

  hangar_test_session_setup ();
  hangar_test_create_machine (NAME, HANGAR_FIRMWARE_BIOS, FALSE);
  disk_path = hangar_test_disk_source (NAME, "sda");
  pool = hangar_test_pool_file (NULL);
  g_assert_true (g_str_has_prefix (disk_path, pool));
  base_sha = sha256_of (disk_path);
  g_test_message ("%s: sha256 %s", disk_path, base_sha);

  /* Made to install a system: refused, saying why (the installation would
   * be lost). Without the mark, it is a machine like any other. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "start", "--throwaway", NAME, NULL },
                                    NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "installing"));
  g_assert_cmpint (hangar_test_domain_state (NAME), ==, VIR_DOMAIN_SHUTOFF);
  hangar_test_virsh ("metadata", NAME, "https://hangar.org/xmlns/libvirt/domain/1.0",
                     "--config", "--remove", NULL);
}

/* Shut down from the guest's side of things (the power button): the usual
 * end. While it runs, hangarctl says so, and refuses to save its state or
 * take a snapshot, saying why. */
static void
test_e2e_shutdown (void)
{
  g_autoptr(HangarTestGuest) guest = NULL;
  g_autofree char *list = NULL;
  g_autofree char *info = NULL;
  g_autofree char *err = NULL;
  g_autofree char *found = NULL;
  g_autofree char *expected_list = g_strdup_printf ("%s\trunning\tthrowaway", NAME);
  g_autofree char *live = NULL;
  gint64 start = g_get_monotonic_time ();

  ctl_ok ("start", "--throwaway", NAME, NULL);
  g_test_message ("hangarctl start --throwaway took %.2f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
  guest = wait_shell ();

  /* The definition is the machine's own; the run's has the overlays. */
  live = hangar_test_domain_xml (NAME, FALSE);
  g_assert_nonnull (strstr (live, "<transient/>"));
  g_free (live);
  live = hangar_test_domain_xml (NAME, TRUE);
  g_assert_null (strstr (live, "transient"));
  g_assert_true (hangar_test_domain_persistent (NAME));

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "list", NULL }, &list, NULL), ==, 0);
  g_assert_nonnull (strstr (list, expected_list));
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "info", NAME, NULL }, &info, NULL), ==, 0);
  g_assert_nonnull (strstr (info, "discarded when it stops"));

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "save", NAME, NULL }, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "without saving changes"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "snapshot", "take", NAME, NULL },
                                    NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "without saving changes"));
  g_clear_pointer (&err, g_free);
  /* Already running: a second start without saving is refused. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "start", "--throwaway", NAME, NULL },
                                    NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "running already"));

  write_marker (guest, "MARK_SHUTDOWN");
  /* The writes go to the overlay beside the disk, not to the disk. */
  found = overlays_in_pool ();
  g_assert_true (g_str_has_suffix (found, ".TRANSIENT-" NAME));
  g_assert_true (file_holds (found, "MARK_SHUTDOWN"));

  ctl_ok ("shutdown", NAME, NULL);
  wait_shut_off ("shutdown");
  assert_disk_untouched ("MARK_SHUTDOWN");
}

/* QEMU killed (kill -9) while the daemon watches: libvirt ends the run. */
static void
test_e2e_qemu_killed (void)
{
  g_autoptr(HangarTestGuest) guest = NULL;
  g_autofree char *pid_file = g_build_filename (g_get_user_runtime_dir (), "libvirt", "qemu",
                                                "run", NAME ".pid", NULL);

  ctl_ok ("start", "--throwaway", NAME, NULL);
  guest = wait_shell ();
  write_marker (guest, "MARK_KILLED");
  g_assert_cmpint (kill (read_pid (pid_file), SIGKILL), ==, 0);
  wait_shut_off ("crashed");
  assert_disk_untouched ("MARK_KILLED");
}

/* The daemon killed, then QEMU while no daemon runs: the next daemon finds
 * the machine shut off and leaves the overlay (libvirt 9.0); the next
 * connection of Hangar or hangarctl removes it. */
static void
test_e2e_daemon_and_qemu_killed (void)
{
  g_autoptr(HangarTestGuest) guest = NULL;
  g_autofree char *run = g_build_filename (g_get_user_runtime_dir (), "libvirt", NULL);
  g_autofree char *qemu_pid = g_build_filename (run, "qemu", "run", NAME ".pid", NULL);
  g_autofree char *daemon_pid = g_build_filename (run, "libvirtd.pid", NULL);
  g_autofree char *left = NULL;
  g_autofree char *err = NULL;
  GPid qemu;

  ctl_ok ("start", "--throwaway", NAME, NULL);
  guest = wait_shell ();
  write_marker (guest, "MARK_ORPHAN");
  qemu = read_pid (qemu_pid);
  g_assert_cmpint (kill (read_pid (daemon_pid), SIGKILL), ==, 0);
  g_assert_cmpint (kill (qemu, SIGKILL), ==, 0);
  /* Gone for good before a daemon looks for it. */
  while (kill (qemu, 0) == 0)
    g_usleep (G_USEC_PER_SEC / 20);

  left = overlays_in_pool ();
  g_assert_cmpstr (left, !=, "");
  /* virsh starts the next daemon, which finds QEMU gone. */
  wait_shut_off ("crashed");
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "list", NULL }, NULL, &err), ==, 0);
  /* Said on stderr, like every leftover removed. */
  g_assert_nonnull (strstr (err, "without saving"));
  assert_disk_untouched ("MARK_ORPHAN");
}

static gboolean
page_shows_display (gpointer data)
{
  return g_strcmp0 (hangar_display_page_get_status (data), "display") == 0;
}

/* The visible label showing @text under @root. */
static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_get_visible (child) &&
          g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), text) == 0)
        return child;
      if ((found = find_label (child, text)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
machine_throwaway (gpointer data)
{
  return hangar_machine_get_throwaway (data);
}

static gboolean
banner_shown (gpointer data)
{
  GtkWidget *label = find_label (data, "Running without saving changes: they will be "
                                       "discarded when it stops");

  return label != NULL && gtk_widget_get_mapped (label);
}

/* Started from the card's menu in the app; the card and the display page
 * say what kind of run it is (screenshots); the app quits with on-quit =
 * save, which leaves this run alone (its state cannot be saved). The run
 * goes on without Hangar, and ends later as any other. */
static void
test_e2e_app_quit (void)
{
  g_autoptr(HangarTestGuest) guest = NULL;
  HangarApplication *app;
  HangarWindow *window;
  HangarMachine *machine;
  HangarMachineCard *card;
  HangarDisplayPage *page;
  GtkWidget *badge;
  g_autofree char *state = NULL;
  g_autofree char *info = NULL;

  app = hangar_test_start_app (&window);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  /* The last run ended with QEMU killed. */
  hangar_test_wait_card_state (window, NAME, "Crashed", 30);
  card = HANGAR_MACHINE_CARD (hangar_window_get_card (window, NAME));
  g_assert_true (hangar_machine_card_get_action_enabled (card, "machine.start-throwaway"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "machine.start-throwaway",
                                             NULL));
  hangar_test_wait_card_state (window, NAME, "Running", 60);
  machine = hangar_machine_card_get_machine (card);
  hangar_test_assert_eventually (machine_throwaway, machine, 30, "the run to be known");
  guest = wait_shell ();

  /* The card: the mark, and no Save State nor a second such start. */
  badge = find_label (GTK_WIDGET (card), "Not Saving Changes");
  g_assert_nonnull (badge);
  g_assert_true (gtk_widget_get_mapped (badge));
  g_assert_false (hangar_machine_card_get_action_enabled (card, "machine.save"));
  g_assert_false (hangar_machine_card_get_action_enabled (card, "machine.start-throwaway"));
  g_assert_false (hangar_machine_can_run (machine, HANGAR_MACHINE_ACTION_SNAPSHOTS));
  hangar_test_wait_frames (GTK_WIDGET (window), 2);
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "throwaway-card");

  hangar_window_open_machine (window, machine);
  page = hangar_window_get_display_page (window);
  hangar_test_assert_eventually (page_shows_display, page, 60, "the guest's display");
  hangar_test_assert_eventually (banner_shown, page, 10, "the page's banner");
  hangar_test_wait_frames (GTK_WIDGET (window), 4);
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "throwaway-display-page");

  write_marker (guest, "MARK_QUIT");
  g_settings_set_string (hangar_application_get_settings (app), "on-quit", "save");
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  hangar_connection_close (hangar_application_get_connection (app));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (app);

  /* Hangar is gone; the run is not, and was not saved. */
  /* Through virsh: this process's own connection went with the daemon
   * killed in the case before. */
  state = hangar_test_virsh_output ("domstate", NAME, NULL);
  g_assert_cmpstr (state, ==, "running");
  info = hangar_test_virsh_output ("dominfo", NAME, NULL);
  g_assert_nonnull (strstr (info, "Managed save:   no"));
  ctl_ok ("force-off", NAME, NULL);
  wait_shut_off ("destroyed");
  assert_disk_untouched ("MARK_QUIT");
}

/* The proof that the checks above could fail: a normal run keeps what the
 * guest writes, in the very file they looked at. */
static void
test_e2e_normal_run_keeps (void)
{
  g_autoptr(HangarTestGuest) guest = NULL;
  g_autofree char *sha = NULL;

  ctl_ok ("start", NAME, NULL);
  guest = wait_shell ();
  write_marker (guest, "MARK_KEPT");
  ctl_ok ("force-off", NAME, NULL);
  wait_shut_off ("destroyed");
  sha = sha256_of (disk_path);
  g_assert_cmpstr (sha, !=, base_sha);
  g_assert_true (file_holds (disk_path, "MARK_KEPT"));
  assert_no_overlay ();

  hangar_test_remove_machine (NAME);
  g_clear_pointer (&disk_path, g_free);
  g_clear_pointer (&base_sha, g_free);
}

int
main (int   argc,
      char *argv[])
{
  gboolean unit = FALSE;

  for (int i = 1; i < argc; i++)
    unit |= strstr (argv[i], "/unit") != NULL;
  if (unit)
    hangar_test_init (&argc, &argv);
  else
    hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/throwaway/unit/domain-xml", test_unit_domain_xml);
  g_test_add_func ("/hangar/throwaway/unit/domain-xml-refused", test_unit_domain_xml_refused);
  g_test_add_func ("/hangar/throwaway/unit/live-xml", test_unit_live_xml);
  g_test_add_func ("/hangar/throwaway/unit/overlay-recognised", test_unit_overlay_recognised);
  /* In order, on one machine. */
  g_test_add_func ("/hangar/throwaway/e2e/setup", test_e2e_setup);
  g_test_add_func ("/hangar/throwaway/e2e/shutdown", test_e2e_shutdown);
  g_test_add_func ("/hangar/throwaway/e2e/qemu-killed", test_e2e_qemu_killed);
  g_test_add_func ("/hangar/throwaway/e2e/daemon-and-qemu-killed",
                   test_e2e_daemon_and_qemu_killed);
  g_test_add_func ("/hangar/throwaway/e2e/app-quit", test_e2e_app_quit);
  g_test_add_func ("/hangar/throwaway/e2e/normal-run-keeps", test_e2e_normal_run_keeps);

  return g_test_run ();
}
