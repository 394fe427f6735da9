/* test-snapshots-ui.c
 *
 * The snapshots dialog, the rename and clone dialog and the delete question
 * in the real app, under Xvfb, on an isolated session with machines made as
 * the app makes them (a qcow2 disk in Hangar's pool, the live ISO); each
 * step checked with virsh. One process per case (a GApplication registers
 * once per process):
 *   /hangar/snapshots-ui/snapshots            take (stopped, then running),
 *                                             revert, rename, delete; a
 *                                             machine that cannot have any
 *   /hangar/snapshots-ui/rename-clone-delete  rename (with a taken name
 *                                             first), clone, delete keeping
 *                                             the disk, delete for real
 *   /hangar/snapshots-ui/relative-time        "5 minutes ago" and the like
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-connection.h"
#include "hangar-machine-card.h"
#include "hangar-machine.h"
#include "hangar-name-dialog.h"
#include "hangar-snapshots-dialog.h"
#include "hangar-storage-volume.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-vm-creator.h"
#include "hangar-window.h"

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* The title entry of a take or rename question; its reason label follows it. */
static GtkWidget *
title_entry (AdwMessageDialog *question)
{
  return gtk_widget_get_first_child (adw_message_dialog_get_extra_child (question));
}

static gboolean
domain_listed (const char *name)
{
  g_autofree char *list = hangar_test_virsh_try ("list", "--all", "--name", NULL);
  g_auto(GStrv) names = g_strsplit (list != NULL ? list : "", "\n", -1);

  return g_strv_contains ((const char * const *) names, name);
}

static gboolean
domain_gone (gpointer name)
{
  return !domain_listed (name);
}

/* The file of the machine's first hard disk. */
static char *
disk_of (const char *name)
{
  g_autofree char *out = hangar_test_virsh_try ("domblklist", name, "--details", NULL);
  g_auto(GStrv) lines = g_strsplit (out != NULL ? out : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();

      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0')
          g_ptr_array_add (words, fields[j]);
      /* type, device, target, source */
      if (words->len >= 4 && g_str_equal (g_ptr_array_index (words, 1), "disk"))
        return g_strdup (g_ptr_array_index (words, 3));
    }
  g_error ("No disk in “virsh domblklist %s”: %s", name, out);
  return NULL;
}

static HangarApplication *
start_app (HangarWindow **window)
{
  /* Machines made here get a serial log the tests can read. */
  hangar_test_session_setup ();
  hangar_test_tolerate_unknown_events ();
  return hangar_test_start_app (window);
}

static void
wait_card (HangarWindow *window,
           const char   *name,
           const char   *state)
{
  hangar_test_wait_card_state (window, name, state, 30);
}

/* Activates the action ACTION ("machine.rename"…) of NAME's card, once it
 * shows STATE, as its menu does. */
static void
activate_card_action (HangarWindow *window,
                      const char   *name,
                      const char   *state,
                      const char   *action)
{
  wait_card (window, name, state);
  g_assert_true (gtk_widget_activate_action (hangar_window_get_card (window, name), action, NULL));
}

typedef struct
{
  GType      type;
  GtkWindow *parent;
  GtkWindow *found;
} DialogWait;

static gboolean
dialog_shows (gpointer data)
{
  DialogWait *wait = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  wait->found = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && wait->found == NULL; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      /* Mapped on the X server too: until then its frame clock is frozen,
       * and a screenshot would wait for frames (long, on a loaded machine). */
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, wait->type) &&
          gtk_widget_get_mapped (GTK_WIDGET (window)) &&
          gdk_surface_get_mapped (gtk_native_get_surface (GTK_NATIVE (window))) &&
          (wait->parent == NULL || gtk_window_get_transient_for (window) == wait->parent))
        wait->found = window;
    }
  return wait->found != NULL;
}

/* The dialog of @type over @parent, once it shows. */
static gpointer
wait_dialog (GType      type,
             GtkWindow *parent)
{
  DialogWait wait = { type, parent, NULL };

  hangar_test_assert_eventually (dialog_shows, &wait, 30, g_type_name (type));
  return wait.found;
}

/* ------------------------------------------------------------------------ */
/* snapshots                                                                */
/* ------------------------------------------------------------------------ */

static gboolean
dialog_idle (gpointer data)
{
  return !hangar_snapshots_dialog_get_busy (data) &&
         g_strcmp0 (hangar_snapshots_dialog_get_page (data), "loading") != 0;
}

static void
wait_idle (HangarSnapshotsDialog *dialog)
{
  hangar_test_assert_eventually (dialog_idle, dialog, 120, "the snapshots dialog to be idle");
  hangar_test_wait_frames (GTK_WIDGET (dialog), 2);
}

/* The snapshot shown with @title; NULL when none. */
static const HangarSnapshot *
shown (HangarSnapshotsDialog *dialog,
       const char            *title)
{
  GPtrArray *snapshots = hangar_snapshots_dialog_get_snapshots (dialog);

  for (guint i = 0; snapshots != NULL && i < snapshots->len; i++)
    {
      const HangarSnapshot *snapshot = g_ptr_array_index (snapshots, i);

      if (g_strcmp0 (snapshot->title, title) == 0)
        return snapshot;
    }
  return NULL;
}

/* Takes a snapshot through the dialog's question; NULL @title keeps the
 * title it proposes. Returns the title taken. */
static char *
take_snapshot (HangarSnapshotsDialog *dialog,
               const char            *title)
{
  AdwMessageDialog *question;
  GtkWidget *entry;
  char *taken;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "snapshots.take", NULL));
  question = wait_dialog (ADW_TYPE_MESSAGE_DIALOG, GTK_WINDOW (dialog));
  entry = title_entry (question);
  /* It proposes a title from the time. */
  g_assert_true (g_str_has_prefix (gtk_editable_get_text (GTK_EDITABLE (entry)), "Snapshot of "));
  if (title != NULL)
    gtk_editable_set_text (GTK_EDITABLE (entry), title);
  else
    hangar_test_screenshot_both_styles (GTK_WIDGET (question), "snapshots-take");
  taken = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  hangar_test_respond (question, "take");
  /* The operation runs off the UI thread: the dialog says it is busy. */
  g_assert_true (hangar_snapshots_dialog_get_busy (dialog));
  wait_idle (dialog);
  g_assert_nonnull (shown (dialog, taken));
  return taken;
}

static gboolean
banner_in_log (gpointer path)
{
  g_autofree char *log = NULL;

  return g_file_get_contents (path, &log, NULL, NULL) && strstr (log, HANGAR_TEST_BANNER) != NULL;
}

static gboolean
name_dialog_idle (gpointer data)
{
  return !hangar_name_dialog_get_busy (data);
}

static void
test_snapshots (void)
{
  HangarNameDialog *name_dialog;
  const char *description;
  HangarWindow *window = NULL;
  HangarApplication *app;
  HangarSnapshotsDialog *dialog;
  AdwMessageDialog *question;
  const HangarSnapshot *snapshot;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *second_name = NULL;
  g_autofree char *current = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *state = NULL;
  g_autoptr(HangarTestGuest) console = hangar_test_guest_for_machine ("snappy");
  g_autofree char *raw_xml = NULL;
  g_autofree char *raw_path = NULL;

  hangar_test_session_setup ();
  hangar_test_create_machine ("snappy", HANGAR_FIRMWARE_BIOS, FALSE);
  app = start_app (&window);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);

  /* Empty at first, from the card's menu. */
  activate_card_action (window, "snappy", "Stopped", "machine.snapshots");
  dialog = wait_dialog (HANGAR_TYPE_SNAPSHOTS_DIALOG, GTK_WINDOW (window));
  wait_idle (dialog);
  g_assert_cmpstr (hangar_snapshots_dialog_get_page (dialog), ==, "empty");
  g_assert_null (hangar_snapshots_dialog_get_unsupported_reason (dialog));
  hangar_test_screenshot_both_styles (GTK_WIDGET (dialog), "snapshots-empty");

  /* One of the stopped machine (its disk), with a title of the user's. */
  first = take_snapshot (dialog, "Before the update");
  g_assert_cmpstr (hangar_snapshots_dialog_get_page (dialog), ==, "list");
  snapshot = shown (dialog, first);
  g_assert_true (snapshot->current);
  g_assert_cmpint (snapshot->state, ==, HANGAR_MACHINE_STATE_STOPPED);
  first_name = g_strdup (snapshot->name);

  /* One of the running guest (disk and memory), with the proposed title. */
  activate_card_action (window, "snappy", "Stopped", "machine.start");
  hangar_test_assert_eventually (banner_in_log, console->serial_log, HANGAR_TEST_BOOT_TIMEOUT_S,
                                 "the guest's banner");
  /* Made from the ISO and not installed yet: the card says what matters. */
  wait_card (window, "snappy", "Installing");

  /* A running machine cannot be renamed: the dialog says so, offers nothing. */
  activate_card_action (window, "snappy", "Installing", "machine.rename");
  name_dialog = wait_dialog (HANGAR_TYPE_NAME_DIALOG, GTK_WINDOW (window));
  hangar_name_dialog_set_text (name_dialog, "Elsewhere");
  g_assert_false (hangar_name_dialog_get_can_apply (name_dialog));
  description = gtk_label_get_label (GTK_LABEL (gtk_widget_get_template_child (
                  GTK_WIDGET (name_dialog), HANGAR_TYPE_NAME_DIALOG, "description")));
  g_assert_cmpstr (description, ==, "“snappy” is running. Shut it down to rename it.");
  gtk_window_destroy (GTK_WINDOW (name_dialog));

  second = take_snapshot (dialog, NULL);
  snapshot = shown (dialog, second);
  g_assert_true (snapshot->current);
  g_assert_cmpint (snapshot->state, ==, HANGAR_MACHINE_STATE_RUNNING);
  second_name = g_strdup (snapshot->name);
  g_assert_false (shown (dialog, first)->current);
  listed = hangar_test_virsh_try ("snapshot-list", "snappy", "--name", NULL);
  g_assert_nonnull (strstr (listed, first_name));
  g_assert_nonnull (strstr (listed, second_name));
  hangar_test_screenshot_both_styles (GTK_WIDGET (dialog), "snapshots-page");

  /* Back to the first: the question says what is lost; the machine stops,
   * as it was then. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "snapshots.revert", "s",
                                             first_name));
  question = wait_dialog (ADW_TYPE_MESSAGE_DIALOG, GTK_WINDOW (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (question), "unsaved work"));
  hangar_test_screenshot_both_styles (GTK_WIDGET (question), "snapshots-revert");
  hangar_test_respond (question, "revert");
  wait_idle (dialog);
  current = hangar_test_virsh_try ("snapshot-current", "snappy", "--name", NULL);
  g_assert_cmpstr (current, ==, first_name);
  state = hangar_test_virsh_try ("domstate", "snappy", NULL);
  g_assert_cmpstr (state, ==, "shut off");
  g_assert_true (shown (dialog, first)->current);
  wait_card (window, "snappy", "Stopped");

  /* A new title for the second; its name (the tag in the image) stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "snapshots.rename", "s",
                                             second_name));
  question = wait_dialog (ADW_TYPE_MESSAGE_DIALOG, GTK_WINDOW (dialog));
  gtk_editable_set_text (GTK_EDITABLE (title_entry (question)), "  ");
  g_assert_false (adw_message_dialog_get_response_enabled (question, "rename"));
  /* The reason, under the title as typed: nothing is trimmed silently. */
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_widget_get_next_sibling (
                     title_entry (question)))), ==, "Titles cannot start or end with a space.");
  gtk_editable_set_text (GTK_EDITABLE (title_entry (question)), "Guest booted & ready");
  hangar_test_respond (question, "rename");
  wait_idle (dialog);
  g_assert_nonnull (shown (dialog, "Guest booted & ready"));
  xml = hangar_test_virsh_try ("snapshot-dumpxml", "snappy", second_name, NULL);
  g_assert_nonnull (strstr (xml, "<description>Guest booted &amp; ready</description>"));

  /* Deleted: gone from libvirt, the other one stays current. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "snapshots.delete", "s",
                                             second_name));
  hangar_test_respond (wait_dialog (ADW_TYPE_MESSAGE_DIALOG, GTK_WINDOW (dialog)), "delete");
  wait_idle (dialog);
  g_clear_pointer (&listed, g_free);
  listed = hangar_test_virsh_try ("snapshot-list", "snappy", "--name", NULL);
  g_assert_cmpstr (listed, ==, first_name);
  g_assert_cmpuint (hangar_snapshots_dialog_get_snapshots (dialog)->len, ==, 1);
  g_assert_true (shown (dialog, first)->current);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* libvirt renames no machine with snapshots: the refusal shows in the
   * dialog, which stays open to fix things. */
  activate_card_action (window, "snappy", "Stopped", "machine.rename");
  name_dialog = wait_dialog (HANGAR_TYPE_NAME_DIALOG, GTK_WINDOW (window));
  hangar_name_dialog_set_text (name_dialog, "Elsewhere");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (name_dialog), "name.apply", NULL));
  hangar_test_assert_eventually (name_dialog_idle, name_dialog, 60, "the rename to fail");
  g_assert_nonnull (strstr (hangar_name_dialog_get_error (name_dialog), "has snapshots"));
  g_assert_false (hangar_name_dialog_get_can_apply (name_dialog));
  g_assert_true (domain_listed ("snappy"));
  gtk_window_destroy (GTK_WINDOW (name_dialog));

  /* A raw disk holds no snapshot: the dialog says so and offers none. */
  raw_path = g_build_filename (hangar_test_artifacts_dir (), "raw-disk.xml", NULL);
  raw_xml = g_strdup_printf ("<domain type='qemu'><name>rawdisk</name>"
                             "<memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type>"
                             "</os><devices><disk type='file' device='disk'>"
                             "<driver name='qemu' type='raw'/><source file='%s/raw.img'/>"
                             "<target dev='vda' bus='virtio'/></disk></devices></domain>",
                             hangar_test_artifacts_dir ());
  g_assert_true (g_file_set_contents (raw_path, raw_xml, -1, NULL));
  hangar_test_virsh ("define", raw_path, NULL);
  activate_card_action (window, "rawdisk", "Stopped", "machine.snapshots");
  dialog = wait_dialog (HANGAR_TYPE_SNAPSHOTS_DIALOG, GTK_WINDOW (window));
  wait_idle (dialog);
  g_assert_nonnull (strstr (hangar_snapshots_dialog_get_unsupported_reason (dialog), "qcow2"));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (gtk_widget_get_template_child (
                    GTK_WIDGET (dialog), HANGAR_TYPE_SNAPSHOTS_DIALOG, "take_button"))));
  g_assert_cmpstr (hangar_snapshots_dialog_get_page (dialog), ==, "empty");
  hangar_test_screenshot_both_styles (GTK_WIDGET (dialog), "snapshots-unsupported");
  gtk_window_destroy (GTK_WINDOW (dialog));

  hangar_test_stop_app (app, window);
}

/* ------------------------------------------------------------------------ */
/* rename, clone, delete                                                    */
/* ------------------------------------------------------------------------ */

static void
apply_name (HangarNameDialog *dialog)
{
  gpointer watch = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &watch);
  g_assert_true (hangar_name_dialog_get_can_apply (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "name.apply", NULL));
  g_assert_true (hangar_name_dialog_get_busy (dialog));
  hangar_test_assert_eventually (hangar_test_pointer_cleared, &watch, 120, "the dialog to finish");
}

static void
delete_machine (HangarWindow *window,
                const char   *name,
                gboolean      keep_disk,
                const char   *screenshot)
{
  AdwMessageDialog *question;

  activate_card_action (window, name, "Stopped", "machine.delete");
  question = wait_dialog (ADW_TYPE_MESSAGE_DIALOG, GTK_WINDOW (window));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (adw_message_dialog_get_extra_child (question)),
                               keep_disk);
  if (screenshot != NULL)
    hangar_test_screenshot_both_styles (GTK_WIDGET (question), screenshot);
  hangar_test_respond (question, "delete");
  /* Hidden at once; deleted for real when the Undo toast goes. */
  g_assert_null (hangar_window_get_card (window, name));
  g_assert_true (domain_listed (name));
  hangar_test_assert_eventually (domain_gone, (gpointer) name, 60, "the domain to go");
}

/* Writes @size of data at the start of a stopped machine's qcow2 disk. */
static void
fill_disk (const char *disk,
           const char *size)
{
  g_autofree char *command = g_strdup_printf ("write -P 0x5a 0 %s", size);

  g_free (hangar_test_run_tool ((const char *[]) { "qemu-io", "-f", "qcow2", "-c", command, disk,
                                                   NULL }));
}

typedef struct
{
  HangarNameDialog *dialog;   /* weak */
  GtkWidget        *bar;
  guint             frames;
} CloneWatch;

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  ((CloneWatch *) data)->frames++;
  return G_SOURCE_CONTINUE;
}

static gboolean
frames_drawn_or_done (gpointer data)
{
  CloneWatch *watch = data;

  return watch->dialog == NULL || watch->frames >= 3;
}

static gboolean
bar_shows_or_done (gpointer data)
{
  CloneWatch *watch = data;

  return watch->dialog == NULL || gtk_widget_get_mapped (watch->bar);
}

/* Applies a clone dialog; a copy that lasts shows its progress bar on the
 * way, which is kept as a screenshot. */
static void
clone_with_progress (HangarNameDialog *dialog)
{
  CloneWatch watch = { dialog, NULL };
  gint64 started = g_get_monotonic_time ();
  gint64 elapsed_ms;
  gboolean seen = FALSE;

  watch.bar = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                         HANGAR_TYPE_NAME_DIALOG, "progress_bar"));
  g_assert_nonnull (watch.bar);
  g_assert_false (gtk_widget_get_visible (watch.bar));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &watch.dialog);
  g_assert_true (hangar_name_dialog_get_can_apply (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "name.apply", NULL));
  g_assert_true (hangar_name_dialog_get_busy (dialog));

  hangar_test_assert_eventually (bar_shows_or_done, &watch, 120, "the clone to show progress");
  if (watch.dialog != NULL)
    {
      double fraction = gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (watch.bar));

      seen = TRUE;
      g_test_message ("clone progress shown at %.3f", fraction);
      g_assert_cmpfloat (fraction, >, 0);
      g_assert_cmpfloat (fraction, <, 1);
      /* The dialog closes when the copy is done, maybe before the bar is
       * drawn: a few frames, then the picture at once; or none. */
      guint tick = gtk_widget_add_tick_callback (GTK_WIDGET (watch.dialog), count_frame, &watch,
                                                 NULL);

      gtk_widget_queue_draw (GTK_WIDGET (watch.dialog));
      hangar_test_assert_eventually (frames_drawn_or_done, &watch, 60, "the bar to be drawn");
      if (watch.dialog != NULL)
        {
          gtk_widget_remove_tick_callback (GTK_WIDGET (watch.dialog), tick);
          g_free (hangar_test_save_screenshot_now (GTK_WIDGET (watch.dialog),
                                                   "clone-dialog-progress.png"));
        }
      else
        g_test_message ("the clone was done before its progress could be pictured");
    }
  hangar_test_assert_eventually (hangar_test_pointer_cleared,
                                 &watch.dialog, 120, "the dialog to finish");
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_test_message ("clone took %" G_GINT64_FORMAT " ms; progress %s", elapsed_ms,
                  seen ? "seen" : "not seen");
  /* Looks come four times a second: a copy that lasted was seen going
   * (the margin covers the work around the copy on a loaded machine). */
  if (elapsed_ms > 3000)
    g_assert_true (seen);
}

static void
test_rename_clone_delete (void)
{
  HangarWindow *window = NULL;
  HangarApplication *app;
  HangarNameDialog *dialog;
  g_autoptr(HangarTestGuest) other = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *clone_disk = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *renamed = NULL;

  hangar_test_create_machine ("namer", HANGAR_FIRMWARE_BIOS, FALSE);
  uuid = hangar_test_virsh_try ("domuuid", "namer", NULL);
  other = hangar_test_guest_new ("other", FALSE);
  hangar_test_guest_define (other);
  disk = disk_of ("namer");
  app = start_app (&window);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);

  /* Rename: a taken name is refused as it is typed, then a free one. */
  activate_card_action (window, "namer", "Stopped", "machine.rename");
  dialog = wait_dialog (HANGAR_TYPE_NAME_DIALOG, GTK_WINDOW (window));
  g_assert_false (hangar_name_dialog_get_can_apply (dialog));
  hangar_name_dialog_set_text (dialog, "other");
  g_assert_false (hangar_name_dialog_get_can_apply (dialog));
  g_assert_cmpstr (hangar_name_dialog_get_error (dialog), ==,
                   "A machine named “other” already exists.");
  hangar_test_screenshot_both_styles (GTK_WIDGET (dialog), "rename-dialog-taken");
  /* Refused as typed, never trimmed. */
  hangar_name_dialog_set_text (dialog, "  Web Server ");
  g_assert_false (hangar_name_dialog_get_can_apply (dialog));
  g_assert_cmpstr (hangar_name_dialog_get_error (dialog), ==,
                   "Names cannot start or end with a space.");
  hangar_name_dialog_set_text (dialog, "Web Server");
  g_assert_null (hangar_name_dialog_get_error (dialog));
  hangar_test_screenshot_both_styles (GTK_WIDGET (dialog), "rename-dialog");
  apply_name (dialog);
  g_assert_true (domain_listed ("Web Server"));
  g_assert_false (domain_listed ("namer"));
  renamed = hangar_test_virsh_try ("domname", uuid, NULL);
  g_assert_cmpstr (renamed, ==, "Web Server");
  wait_card (window, "Web Server", "Stopped");
  g_assert_null (hangar_window_get_card (window, "namer"));

  /* Clone: a full copy of the disk in a file of its own. The disk holds
   * 900 MiB, so that the copy takes a moment: the dialog shows how far it is. */
  fill_disk (disk, "900M");
  activate_card_action (window, "Web Server", "Stopped", "machine.clone");
  dialog = wait_dialog (HANGAR_TYPE_NAME_DIALOG, GTK_WINDOW (window));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_template_child (
                     GTK_WIDGET (dialog), HANGAR_TYPE_NAME_DIALOG, "name_row"))), ==,
                   "Web Server 2");
  clone_with_progress (dialog);
  g_assert_true (domain_listed ("Web Server 2"));
  clone_disk = disk_of ("Web Server 2");
  g_assert_cmpstr (clone_disk, !=, disk);
  g_assert_true (g_file_test (clone_disk, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
  wait_card (window, "Web Server 2", "Stopped");

  /* Delete the clone, keeping its disk; then the original, with its disk. */
  delete_machine (window, "Web Server 2", TRUE, "delete-confirm");
  g_assert_true (g_file_test (clone_disk, G_FILE_TEST_IS_REGULAR));
  delete_machine (window, "Web Server", FALSE, NULL);
  g_assert_false (g_file_test (disk, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (clone_disk, G_FILE_TEST_IS_REGULAR));

  hangar_test_stop_app (app, window);
}

/* ------------------------------------------------------------------------ */
/* times                                                                    */
/* ------------------------------------------------------------------------ */

static void
test_relative_time (void)
{
  /* TZ=UTC in the test environment: local time is UTC. */
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 25, 14, 30, 0);
  static const struct
  {
    GTimeSpan   ago;
    const char *expected;
  } cases[] = {
    { 0, "Just now" },
    { 59 * G_TIME_SPAN_SECOND, "Just now" },
    { G_TIME_SPAN_MINUTE, "1 minute ago" },
    { 5 * G_TIME_SPAN_MINUTE, "5 minutes ago" },
    { G_TIME_SPAN_HOUR, "1 hour ago" },
    { 14 * G_TIME_SPAN_HOUR, "14 hours ago" },
    { 15 * G_TIME_SPAN_HOUR, "Yesterday, 23:30" },
    { 3 * G_TIME_SPAN_DAY, "Sunday, 14:30" },
    { 30 * G_TIME_SPAN_DAY, "26 October" },
    { 400 * G_TIME_SPAN_DAY, "21 October 2025" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) when = g_date_time_add (now, -cases[i].ago);
      g_autofree char *text = hangar_format_relative_time (when, now);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/snapshots-ui/snapshots", test_snapshots);
  g_test_add_func ("/hangar/snapshots-ui/rename-clone-delete", test_rename_clone_delete);
  g_test_add_func ("/hangar/snapshots-ui/relative-time", test_relative_time);

  return g_test_run ();
}
