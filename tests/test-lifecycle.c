/* test-lifecycle.c
 *
 * A machine's life through HangarMachine and hangarctl, each step checked
 * with virsh. Two groups of paths, run by two meson tests:
 *   /hangar/lifecycle/libvirt/  an isolated session, machines defined but
 *                               never started: errors for the wrong state,
 *                               names, a UEFI machine's snapshot, the command line
 *   /hangar/lifecycle/e2e/      one live-ISO guest through its whole life, in
 *                               order: pause, resume, snapshots while running,
 *                               save and restore, a screenshot, a shutdown
 *                               the guest ignores, force off, one it
 *                               obeys, snapshots while stopped, rename, clone
 *                               (which boots; its saved state discarded),
 *                               delete keeping the disk, delete for real (a
 *                               user's own image survives)
 * The e2e cases depend on each other and run in registration order.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-libvirt.h"
#include "hangar-machine.h"
#include "hangar-machine-action.h"
#include "hangar-snapshot-files.h"
#include "hangar-storage-pool.h"
#include "hangar-storage-volume.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-vm-creator.h"

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

static char *
domstate (const char *name)
{
  return hangar_test_virsh_try ("domstate", "--reason", name, NULL);
}

static void
assert_domstate (const char *name,
                 const char *expected)
{
  g_autofree char *state = domstate (name);

  g_assert_cmpstr (state, ==, expected);
}

/* The text of the first "<tag ...attr='VALUE'" in @xml. */
static char *
xml_attr (const char *xml,
          const char *tag,
          const char *attr)
{
  g_autofree char *open = g_strdup_printf ("<%s ", tag);
  g_autofree char *key = g_strdup_printf ("%s='", attr);
  const char *p = strstr (xml, open);
  const char *end;

  g_assert_nonnull (p);
  p = strstr (p, key);
  g_assert_nonnull (p);
  p += strlen (key);
  end = strchr (p, '\'');
  return g_strndup (p, (gsize) (end - p));
}

static char *
uuid_of (const char *xml)
{
  const char *p = strstr (xml, "<uuid>");
  const char *end;

  g_assert_nonnull (p);
  p += strlen ("<uuid>");
  end = strstr (p, "</uuid>");
  return g_strndup (p, (gsize) (end - p));
}

/* Runs one of the actions that change a machine's state, and waits for it;
 * Shut Down waits @timeout_s for the guest. */
static gboolean
run_action_waiting (HangarMachine        *machine,
                    HangarMachineAction   action,
                    int                   timeout_s,
                    GError              **error)
{
  hangar_machine_run_async (machine, action, timeout_s, NULL, hangar_test_async_done, NULL);
  return hangar_machine_run_finish (machine, hangar_test_await (), error);
}

static gboolean
run_action (HangarMachine        *machine,
            HangarMachineAction   action,
            GError              **error)
{
  return run_action_waiting (machine, action, HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT, error);
}

/* Without events, the machine reads its state again until it is @state. */
static void
assert_machine_state (HangarMachine      *machine,
                      HangarMachineState  state)
{
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (TRUE)
    {
      g_autoptr(GError) error = NULL;

      hangar_machine_refresh_async (machine, NULL, hangar_test_async_done, NULL);
      hangar_machine_refresh_finish (machine, hangar_test_await (), &error);
      g_assert_no_error (error);
      if (hangar_machine_get_state (machine) == state)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("The machine is %s, not %s",
                 hangar_machine_state_to_nick (hangar_machine_get_state (machine)),
                 hangar_machine_state_to_nick (state));
      g_usleep (100 * 1000);
    }
}

/* Asks the guest's shell for a line and returns what follows @key. */
static char *
ask_guest (HangarTestGuest *guest,
           const char      *key,
           const char      *command)
{
  g_autofree char *line = NULL;

  hangar_test_guest_run (guest, command);
  line = hangar_test_guest_wait_line (guest, key, 1, 30);
  return g_strdup (line + strlen (key));
}

/* ------------------------------------------------------------------------ */
/* libvirt: a machine that never runs                                       */
/* ------------------------------------------------------------------------ */

static void
on_progress (double   fraction,
             gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, fraction);
}

static void
test_stopped_errors (void)
{
  g_autoptr(HangarMachine) machine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *clone = NULL;
  g_autofree char *volumes = NULL;
  g_autofree char *disk = NULL;
  g_autoptr(GArray) progress = NULL;
  gint64 started, elapsed_ms;

  hangar_test_session_setup ();
  hangar_test_create_machine ("idle", HANGAR_FIRMWARE_BIOS, FALSE);
  machine = hangar_test_machine_for ("idle");
  assert_machine_state (machine, HANGAR_MACHINE_STATE_STOPPED);

  g_assert_false (run_action (machine, HANGAR_MACHINE_ACTION_PAUSE, &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_false (run_action (machine, HANGAR_MACHINE_ACTION_FORCE_OFF, &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE);
  g_clear_error (&error);

  g_assert_false (run_action_waiting (machine, HANGAR_MACHINE_ACTION_SHUTDOWN, 5, &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE);
  g_clear_error (&error);

  g_assert_false (run_action (machine, HANGAR_MACHINE_ACTION_SAVE, &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE);
  g_clear_error (&error);

  g_assert_false (run_action (machine, HANGAR_MACHINE_ACTION_RESUME, &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE);
  g_clear_error (&error);

  /* Names: invalid, taken. */
  hangar_machine_rename_async (machine, "  \n ", NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_rename_finish (machine, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NAME);
  g_clear_error (&error);

  hangar_test_create_machine ("other", HANGAR_FIRMWARE_BIOS, FALSE);
  hangar_machine_rename_async (machine, "other", NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_rename_finish (machine, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NAME);
  g_clear_error (&error);
  g_assert_true (hangar_test_domain_exists ("idle"));

  /* A clone's name the user gives is used as given: when taken, the clone
   * is refused and nothing is copied. */
  hangar_machine_clone_async (machine, "other", NULL, NULL, NULL, hangar_test_async_done, NULL);
  g_assert_null (hangar_machine_clone_finish (machine, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NAME);
  g_clear_error (&error);
  g_assert_false (hangar_test_domain_exists ("other 2"));

  /* Without a name, Hangar picks one: the machine's, numbered. Its disk
   * holds data enough for the copy to take a moment: progress is told as it
   * goes, always growing, and ends at 1. */
  disk = hangar_test_pool_file ("idle.qcow2");
  g_free (hangar_test_run_tool ((const char *[]) { "qemu-io", "-f", "qcow2", "-c",
                                                   "write -P 0x5a 0 192M", disk, NULL }));
  progress = g_array_new (FALSE, FALSE, sizeof (double));
  started = g_get_monotonic_time ();
  hangar_machine_clone_async (machine, NULL, on_progress, progress, NULL,
                              hangar_test_async_done, NULL);
  clone = hangar_machine_clone_finish (machine, hangar_test_await (), &error);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_no_error (error);
  g_assert_cmpstr (clone, ==, "idle 2");
  g_assert_true (hangar_test_domain_exists ("idle 2"));
  g_test_message ("clone: %u progress reports in %" G_GINT64_FORMAT " ms", progress->len,
                  elapsed_ms);
  g_assert_cmpuint (progress->len, >=, 1);
  for (guint i = 0; i < progress->len; i++)
    {
      double fraction = g_array_index (progress, double, i);

      g_test_message ("  %.3f", fraction);
      g_assert_cmpfloat (fraction, >, 0);
      g_assert_cmpfloat (fraction, <=, 1);
      if (i > 0)
        g_assert_cmpfloat (fraction, >, g_array_index (progress, double, i - 1));
    }
  g_assert_cmpfloat (g_array_index (progress, double, progress->len - 1), ==, 1.0);
  /* A copy that took many looks was seen under way, not only at its end
   * (the margin covers the work before and after the copy, on a loaded
   * machine). */
  if (elapsed_ms > 3000)
    g_assert_cmpuint (progress->len, >=, 2);

  /* Snapshots of an unknown name. */
  hangar_machine_revert_snapshot_async (machine, "nope", NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_revert_snapshot_finish (machine, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  hangar_machine_take_snapshot_async (machine, "a/b", NULL, NULL, hangar_test_async_done, NULL);
  g_assert_null (hangar_machine_take_snapshot_finish (machine, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NAME);
  g_clear_error (&error);

  for (guint i = 0; i < 3; i++)
    {
      const char *name = (const char *[]) { "idle", "other", "idle 2" }[i];
      g_autoptr(HangarMachine) doomed = hangar_test_machine_for (name);

      hangar_machine_delete_async (doomed, FALSE, NULL, hangar_test_async_done, NULL);
      g_assert_true (hangar_machine_delete_finish (doomed, hangar_test_await (), &error));
      g_assert_no_error (error);
      g_assert_false (hangar_test_domain_exists (name));
    }
  g_clear_pointer (&volumes, g_free);
  volumes = hangar_test_virsh_try ("vol-list", HANGAR_STORAGE_POOL_NAME, NULL);
  g_assert_cmpstr (volumes, ==, "");
}

/* A UEFI machine that never ran: a snapshot of its disks and of its (not
 * yet made) firmware variables, kept as an empty copy beside it; revert and
 * delete, and the copy goes with the snapshot. Its running life is in
 * test-snapshots-uefi. */
static void
test_uefi_snapshot (void)
{
  g_autoptr(HangarMachine) machine = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *snapshots = NULL;
  g_autofree char *name = NULL;
  g_autofree char *copy = NULL;
  HangarSnapshot *snapshot;

  hangar_test_session_setup ();
  hangar_test_tolerate_unknown_events ();
  hangar_test_create_machine ("uefi", HANGAR_FIRMWARE_UEFI, FALSE);
  machine = hangar_test_machine_for ("uefi");
  copy = hangar_snapshot_files_path (hangar_machine_get_uuid (machine), "first",
                                     HANGAR_SNAPSHOT_FILE_NVRAM);
  hangar_machine_take_snapshot_async (machine, "first", "Before anything", NULL,
                                      hangar_test_async_done, NULL);
  name = hangar_machine_take_snapshot_finish (machine, hangar_test_await (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "first");
  snapshots = hangar_test_virsh_try ("snapshot-list", "uefi", "--name", NULL);
  g_assert_cmpstr (snapshots, ==, "first");
  g_assert_true (g_file_test (copy, G_FILE_TEST_IS_REGULAR));

  hangar_machine_list_snapshots_async (machine, NULL, hangar_test_async_done, NULL);
  list = hangar_machine_list_snapshots_finish (machine, hangar_test_await (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  snapshot = g_ptr_array_index (list, 0);
  g_assert_cmpstr (snapshot->title, ==, "Before anything");
  g_assert_cmpint (snapshot->state, ==, HANGAR_MACHINE_STATE_STOPPED);

  hangar_machine_revert_snapshot_async (machine, "first", NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_revert_snapshot_finish (machine, hangar_test_await (), &error));
  g_assert_no_error (error);
  g_assert_cmpint (hangar_test_domain_state ("uefi"), ==, VIR_DOMAIN_SHUTOFF);

  hangar_machine_delete_snapshot_async (machine, "first", NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_delete_snapshot_finish (machine, hangar_test_await (), &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_clear_pointer (&snapshots, g_free);
  snapshots = hangar_test_virsh_try ("snapshot-list", "uefi", "--name", NULL);
  g_assert_cmpstr (snapshots, ==, "");

  hangar_machine_delete_async (machine, FALSE, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_delete_finish (machine, hangar_test_await (), &error));
  g_assert_no_error (error);
  g_assert_false (hangar_test_domain_exists ("uefi"));
}

/* The command line: usage errors exit 2, failures 1, one line on stderr. */
static void
test_ctl_errors (void)
{
  static const char * const usage[][4] = {
    { "start", NULL },
    { "rename", "a", NULL },
    { "shutdown", "a", "--timeout", "-1" },
    { "snapshot", NULL },
    { "snapshot", "frobnicate", "a", NULL },
    { "snapshot", "revert", "a", NULL },
    { "snapshot", "list", "a", "--title" },
    { "screenshot", "a", NULL },
  };

  hangar_test_session_setup ();
  for (guint i = 0; i < G_N_ELEMENTS (usage); i++)
    {
      g_autofree char *err = NULL;
      const char *args[5] = { NULL };

      for (guint j = 0; j < 4 && usage[i][j] != NULL; j++)
        args[j] = usage[i][j];
      g_assert_cmpint (hangar_test_ctl (args, NULL, &err), ==, 2);
      g_assert_true (g_str_has_prefix (err, "hangarctl "));
    }

  {
    g_autofree char *err = NULL;

    g_assert_cmpint (hangar_test_ctl ((const char *[]) { "pause", "nobody", NULL },
                                      NULL, &err), ==, 1);
    hangar_test_assert_ctl_error (err, "pause");
    g_assert_nonnull (strstr (err, "nobody"));
  }
}

/* ------------------------------------------------------------------------ */
/* e2e: one guest's life                                                    */
/* ------------------------------------------------------------------------ */

#define LIFE "life"

static HangarTestGuest *life_guest;
static HangarMachine *life;

static void
test_e2e_boot (void)
{
  g_autofree char *ready = NULL;

  hangar_test_session_setup ();
  life_guest = hangar_test_guest_for_machine (LIFE);
  hangar_test_create_machine (LIFE, HANGAR_FIRMWARE_BIOS, TRUE);
  life = hangar_test_machine_for (LIFE);
  ready = hangar_test_guest_wait_line (life_guest, HANGAR_TEST_SHELL_READY, 1,
                                       HANGAR_TEST_BOOT_TIMEOUT_S);
  assert_machine_state (life, HANGAR_MACHINE_STATE_RUNNING);
}

static void
test_e2e_pause_resume (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *answer = NULL;

  g_assert_true (run_action (life, HANGAR_MACHINE_ACTION_PAUSE, &error));
  g_assert_no_error (error);
  assert_domstate (LIFE, "paused (user)");
  assert_machine_state (life, HANGAR_MACHINE_STATE_PAUSED);

  /* Renaming needs a machine that is shut off. */
  hangar_machine_rename_async (life, "elsewhere", NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_rename_finish (life, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE);
  g_clear_error (&error);

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "resume", LIFE, NULL }, NULL, NULL), ==, 0);
  assert_domstate (LIFE, "running (unpaused)");
  assert_machine_state (life, HANGAR_MACHINE_STATE_RUNNING);

  /* Resuming a running machine is done already; the guest still answers. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "resume", LIFE, NULL }, NULL, &err), ==, 0);
  answer = ask_guest (life_guest, "ALIVE=", "echo ALIVE=yes");
  g_assert_cmpstr (answer, ==, "yes");
}

/* A snapshot of the running guest holds its memory: a shell variable set
 * before it is back after the revert. */
static void
test_e2e_snapshot_running (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autofree char *name = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *current = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *out = NULL;
  HangarSnapshot *snapshot;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  hangar_test_guest_run (life_guest, "MARK=before");
  hangar_machine_take_snapshot_async (life, "live", NULL, NULL, hangar_test_async_done, NULL);
  name = hangar_machine_take_snapshot_finish (life, hangar_test_await (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "live");
  listed = hangar_test_virsh_try ("snapshot-list", LIFE, "--name", NULL);
  g_assert_cmpstr (listed, ==, "live");
  current = hangar_test_virsh_try ("snapshot-current", LIFE, "--name", NULL);
  g_assert_cmpstr (current, ==, "live");
  g_assert_cmpint (hangar_test_domain_state (LIFE), ==, VIR_DOMAIN_RUNNING);

  hangar_machine_list_snapshots_async (life, NULL, hangar_test_async_done, NULL);
  snapshots = hangar_machine_list_snapshots_finish (life, hangar_test_await (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (snapshots->len, ==, 1);
  snapshot = g_ptr_array_index (snapshots, 0);
  g_assert_cmpstr (snapshot->name, ==, "live");
  g_assert_cmpstr (snapshot->title, ==, "live");
  g_assert_true (snapshot->current);
  g_assert_cmpint (snapshot->state, ==, HANGAR_MACHINE_STATE_RUNNING);
  g_assert_cmpint (snapshot->creation_time, >=, before);
  g_assert_cmpint (snapshot->creation_time, <=, g_get_real_time () / G_USEC_PER_SEC);

  hangar_test_guest_run (life_guest, "MARK=after");
  answer = ask_guest (life_guest, "MARK1=", "echo MARK1=$MARK");
  g_assert_cmpstr (answer, ==, "after");

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "snapshot", "revert", LIFE, "live", NULL },
                                    NULL, NULL), ==, 0);
  g_clear_pointer (&answer, g_free);
  answer = ask_guest (life_guest, "MARK2=", "echo MARK2=$MARK");
  g_assert_cmpstr (answer, ==, "before");

  /* The command line lists it too. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "snapshot", "list", LIFE, "--json", NULL },
                                    &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"name\" : \"live\""));
  g_assert_nonnull (strstr (out, "\"current\" : true"));
  g_assert_nonnull (strstr (out, "\"state\" : \"running\""));
}

/* Managed save: "saved" for libvirt, the machine and hangarctl list; start
 * restores the memory. */
static void
test_e2e_save_restore (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *list = NULL;
  g_autofree char *answer = NULL;

  hangar_test_guest_run (life_guest, "SAVED=kept");
  g_assert_true (run_action (life, HANGAR_MACHINE_ACTION_SAVE, &error));
  g_assert_no_error (error);
  assert_domstate (LIFE, "shut off (saved)");
  assert_machine_state (life, HANGAR_MACHINE_STATE_SAVED);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "list", "--json", NULL },
                                    &list, NULL), ==, 0);
  g_assert_nonnull (strstr (list, "\"state\" : \"saved\""));

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "start", LIFE, NULL }, NULL, NULL), ==, 0);
  assert_domstate (LIFE, "running (restored)");
  assert_machine_state (life, HANGAR_MACHINE_STATE_RUNNING);
  answer = ask_guest (life_guest, "SAVED=", "echo SAVED=$SAVED");
  g_assert_cmpstr (answer, ==, "kept");
  g_assert_cmpuint (hangar_test_guest_count_in_log (life_guest, HANGAR_TEST_BANNER), ==, 0);
}

static void
test_e2e_screenshot (void)
{
  g_autofree char *path = g_build_filename (hangar_test_artifacts_dir (), "lifecycle-life.png",
                                            NULL);
  g_autofree char *png = NULL;
  gsize length = 0;
  guint32 width, height;
  static const guchar signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "screenshot", LIFE, path, NULL },
                                    NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (path, &png, &length, NULL));
  g_assert_cmpuint (length, >, 33);
  g_assert_cmpmem (png, sizeof signature, signature, sizeof signature);
  /* IHDR: the guest's framebuffer, as GRUB set it up. */
  g_assert_cmpmem (png + 12, 4, "IHDR", 4);
  width = GUINT32_FROM_BE (*(guint32 *) (png + 16));
  height = GUINT32_FROM_BE (*(guint32 *) (png + 20));
  g_test_message ("screenshot %ux%u", width, height);
  g_assert_cmpuint (width, ==, 1024);
  g_assert_cmpuint (height, ==, 768);
}

/* A guest that ignores the power button: the timeout error, then force off. */
static void
test_e2e_shutdown_ignored (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  gint64 started;

  answer = ask_guest (life_guest, "ACPID=", "killall acpid; echo ACPID=$?");
  g_assert_cmpstr (answer, ==, "0");

  started = g_get_monotonic_time ();
  g_assert_false (run_action_waiting (life, HANGAR_MACHINE_ACTION_SHUTDOWN, 3, &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_SHUTDOWN_TIMEOUT);
  g_test_message ("%s", error->message);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 3 * G_USEC_PER_SEC);
  g_clear_error (&error);
  g_assert_cmpint (hangar_test_domain_state (LIFE), ==, VIR_DOMAIN_RUNNING);

  g_assert_true (run_action (life, HANGAR_MACHINE_ACTION_FORCE_OFF, &error));
  g_assert_no_error (error);
  assert_domstate (LIFE, "shut off (destroyed)");
  assert_machine_state (life, HANGAR_MACHINE_STATE_STOPPED);
}

/* The snapshot taken while running brings back a guest with acpid: it obeys
 * the power button, also when it was paused. */
static void
test_e2e_shutdown (void)
{
  g_autoptr(GError) error = NULL;

  hangar_machine_revert_snapshot_async (life, "live", NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_revert_snapshot_finish (life, hangar_test_await (), &error));
  g_assert_no_error (error);
  assert_domstate (LIFE, "running (from snapshot)");

  /* Paused, it is resumed first: its processors must see the button. */
  g_assert_true (run_action (life, HANGAR_MACHINE_ACTION_PAUSE, &error));
  g_assert_no_error (error);
  assert_machine_state (life, HANGAR_MACHINE_STATE_PAUSED);
  g_assert_true (hangar_machine_can_run (life, HANGAR_MACHINE_ACTION_SHUTDOWN));
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "shutdown", LIFE, "--timeout", "60", NULL },
                                    NULL, NULL), ==, 0);
  assert_domstate (LIFE, "shut off (shutdown)");
  g_assert_cmpuint (hangar_test_guest_count_in_log (life_guest, "HANGAR_POWER_BUTTON"), >=, 1);
  assert_machine_state (life, HANGAR_MACHINE_STATE_STOPPED);
}

/* Snapshots of the stopped machine: take (with a title), rename, revert to
 * running and back to stopped, delete. */
static void
test_e2e_snapshot_stopped (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autofree char *name = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *description = NULL;
  g_autofree char *out = NULL;
  HangarSnapshot *snapshot;

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "snapshot", "take", LIFE, "off", "--title",
                                                       "Stopped", NULL }, &name, NULL), ==, 0);
  g_assert_cmpstr (name, ==, "off\n");
  listed = hangar_test_virsh_try ("snapshot-list", LIFE, "--name", NULL);
  g_assert_cmpstr (listed, ==, "live\noff");

  hangar_machine_rename_snapshot_async (life, "off", "Clean disk", NULL, hangar_test_async_done,
                                        NULL);
  g_assert_true (hangar_machine_rename_snapshot_finish (life, hangar_test_await (), &error));
  g_assert_no_error (error);
  description = hangar_test_virsh_try ("snapshot-dumpxml", LIFE, "off", NULL);
  g_assert_nonnull (strstr (description, "<description>Clean disk</description>"));

  hangar_machine_list_snapshots_async (life, NULL, hangar_test_async_done, NULL);
  snapshots = hangar_machine_list_snapshots_finish (life, hangar_test_await (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (snapshots->len, ==, 2);
  snapshot = g_ptr_array_index (snapshots, 1);
  g_assert_cmpstr (snapshot->name, ==, "off");
  g_assert_cmpstr (snapshot->title, ==, "Clean disk");
  g_assert_cmpstr (snapshot->parent, ==, "live");
  g_assert_cmpint (snapshot->state, ==, HANGAR_MACHINE_STATE_STOPPED);
  g_assert_true (snapshot->current);
  g_assert_false (((HangarSnapshot *) g_ptr_array_index (snapshots, 0))->current);

  hangar_machine_revert_snapshot_async (life, "live", NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_revert_snapshot_finish (life, hangar_test_await (), &error));
  g_assert_no_error (error);
  assert_domstate (LIFE, "running (from snapshot)");
  hangar_machine_revert_snapshot_async (life, "off", NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_revert_snapshot_finish (life, hangar_test_await (), &error));
  g_assert_no_error (error);
  assert_domstate (LIFE, "shut off (from snapshot)");

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "snapshot", "delete", LIFE, "live", NULL },
                                    NULL, NULL), ==, 0);
  hangar_machine_delete_snapshot_async (life, "off", NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_delete_snapshot_finish (life, hangar_test_await (), &error));
  g_assert_no_error (error);
  g_clear_pointer (&listed, g_free);
  listed = hangar_test_virsh_try ("snapshot-list", LIFE, "--name", NULL);
  g_assert_cmpstr (listed, ==, "");
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "snapshot", "list", LIFE, NULL },
                                    &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
}

static void
test_e2e_rename (void)
{
  g_autofree char *before = hangar_test_domain_xml (LIFE, TRUE);
  g_autofree char *uuid = uuid_of (before);
  g_autofree char *xml = NULL;
  g_autofree char *renamed_uuid = NULL;

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "rename", LIFE, "Life Two", NULL },
                                    NULL, NULL), ==, 0);
  g_assert_false (hangar_test_domain_exists (LIFE));
  g_assert_true (hangar_test_domain_exists ("Life Two"));
  xml = hangar_test_domain_xml ("Life Two", TRUE);
  renamed_uuid = uuid_of (xml);
  g_assert_cmpstr (renamed_uuid, ==, uuid);
  g_assert_cmpint (hangar_test_domain_state ("Life Two"), ==, VIR_DOMAIN_SHUTOFF);

  g_clear_object (&life);
  life = hangar_test_machine_for ("Life Two");
}

/* A full copy: its own disk, UUID and MAC; it boots; the original's disk
 * is untouched. */
static void
test_e2e_clone (void)
{
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_for_machine ("Copy");
  g_autofree char *out = NULL;
  g_autofree char *original = hangar_test_domain_xml ("Life Two", TRUE);
  g_autofree char *copy = NULL;
  g_autofree char *original_uuid = uuid_of (original);
  g_autofree char *copy_uuid = NULL;
  g_autofree char *original_mac = xml_attr (original, "mac", "address");
  g_autofree char *copy_mac = NULL;
  g_autofree char *copy_disk = NULL;
  g_autofree char *expected_disk = hangar_test_pool_file ("Copy.qcow2");
  g_autofree char *banner = NULL;
  g_autofree char *volumes = NULL;
  g_autoptr(HangarMachine) copy_machine = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "clone", "Life Two", "--name", "Copy",
                                                       NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Copy\n");
  copy = hangar_test_domain_xml ("Copy", TRUE);
  copy_uuid = uuid_of (copy);
  copy_mac = xml_attr (copy, "mac", "address");
  copy_disk = xml_attr (copy, "source", "file");
  g_assert_cmpstr (copy_uuid, !=, original_uuid);
  g_assert_cmpstr (copy_mac, !=, original_mac);
  g_assert_cmpstr (copy_disk, ==, expected_disk);
  g_assert_true (g_file_test (expected_disk, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (copy, hangar_test_iso ()));
  volumes = hangar_test_virsh_try ("vol-list", HANGAR_STORAGE_POOL_NAME, NULL);
  g_assert_nonnull (strstr (volumes, "Copy.qcow2"));
  g_assert_nonnull (strstr (volumes, "life.qcow2"));

  /* It boots to the banner, on a console of its own. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "start", "Copy", NULL }, NULL, NULL), ==, 0);
  banner = hangar_test_guest_wait_line (guest, HANGAR_TEST_BANNER, 1, HANGAR_TEST_BOOT_TIMEOUT_S);
  g_assert_cmpint (hangar_test_domain_state ("Life Two"), ==, VIR_DOMAIN_SHUTOFF);

  /* A saved state can be thrown away: the next start boots afresh. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "save", "Copy", NULL }, NULL, NULL), ==, 0);
  assert_domstate ("Copy", "shut off (saved)");
  g_assert_true (hangar_test_domain_has_saved_state ("Copy"));
  copy_machine = hangar_test_machine_for ("Copy");
  assert_machine_state (copy_machine, HANGAR_MACHINE_STATE_SAVED);
  hangar_machine_discard_saved_state_async (copy_machine, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_discard_saved_state_finish (copy_machine, hangar_test_await (),
                                                            &error));
  g_assert_no_error (error);
  g_assert_false (hangar_test_domain_has_saved_state ("Copy"));
  assert_machine_state (copy_machine, HANGAR_MACHINE_STATE_STOPPED);
}

/* Delete, keeping the disk: the machine goes, its file stays. */
static void
test_e2e_delete_keep_disk (void)
{
  g_autofree char *disk = hangar_test_pool_file ("Copy.qcow2");
  g_autofree char *volumes = NULL;
  g_autofree char *deleted = NULL;

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "delete", "Copy", "--keep-disk", NULL },
                                    NULL, NULL), ==, 0);
  g_assert_false (hangar_test_domain_exists ("Copy"));
  g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
  volumes = hangar_test_virsh_try ("vol-list", HANGAR_STORAGE_POOL_NAME, NULL);
  g_assert_nonnull (strstr (volumes, "Copy.qcow2"));

  deleted = hangar_test_virsh_try ("vol-delete", "Copy.qcow2", "--pool", HANGAR_STORAGE_POOL_NAME,
                                   NULL);
  g_assert_nonnull (deleted);
}

/* Delete for real: the pool's disk goes; a disk image of the user's that
 * the machine also used, and the ISO, stay. A machine using a disk outside
 * the pool cannot be cloned. */
static void
test_e2e_delete (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *user_dir = g_build_filename (g_get_home_dir (), "images", NULL);
  g_autofree char *user_disk = g_build_filename (user_dir, "mine.qcow2", NULL);
  g_autofree char *disk = hangar_test_pool_file ("life.qcow2");
  g_autofree char *clone = NULL;
  g_autofree char *attached = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (g_mkdir_with_parents (user_dir, 0700), ==, 0);
  g_free (hangar_test_run_tool ((const char *[]) { "qemu-img", "create", "-q", "-f", "qcow2",
                                                   user_disk, "16M", NULL }));
  attached = hangar_test_virsh_try ("attach-disk", "Life Two", user_disk, "vdb", "--config",
                                    "--subdriver", "qcow2",
                                    NULL);
  g_assert_nonnull (attached);

  hangar_machine_clone_async (life, NULL, NULL, NULL, NULL, hangar_test_async_done, NULL);
  clone = hangar_machine_clone_finish (life, hangar_test_await (), &error);
  g_assert_null (clone);
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (hangar_test_domain_exists ("Life Two 2"));

  g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
  hangar_machine_delete_async (life, FALSE, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_delete_finish (life, hangar_test_await (), &error));
  g_assert_no_error (error);
  g_assert_false (hangar_test_domain_exists ("Life Two"));
  g_assert_false (g_file_test (disk, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (user_disk, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (hangar_test_iso (), G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&out, g_free);
  out = hangar_test_virsh_try ("vol-list", HANGAR_STORAGE_POOL_NAME, NULL);
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  out = hangar_test_virsh_try ("list", "--all", "--name", NULL);
  g_assert_cmpstr (out, ==, "");

  g_clear_object (&life);
  g_clear_pointer (&life_guest, hangar_test_guest_free);
  hangar_test_async_clear ();
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/lifecycle/libvirt/stopped-errors", test_stopped_errors);
  g_test_add_func ("/hangar/lifecycle/libvirt/uefi-snapshot", test_uefi_snapshot);
  g_test_add_func ("/hangar/lifecycle/libvirt/ctl-errors", test_ctl_errors);

  /* In this order: each case goes on from where the one before left the guest. */
  g_test_add_func ("/hangar/lifecycle/e2e/1-boot", test_e2e_boot);
  g_test_add_func ("/hangar/lifecycle/e2e/2-pause-resume", test_e2e_pause_resume);
  g_test_add_func ("/hangar/lifecycle/e2e/3-snapshot-running", test_e2e_snapshot_running);
  g_test_add_func ("/hangar/lifecycle/e2e/4-save-restore", test_e2e_save_restore);
  g_test_add_func ("/hangar/lifecycle/e2e/5-screenshot", test_e2e_screenshot);
  g_test_add_func ("/hangar/lifecycle/e2e/6-shutdown-ignored", test_e2e_shutdown_ignored);
  g_test_add_func ("/hangar/lifecycle/e2e/7-shutdown", test_e2e_shutdown);
  g_test_add_func ("/hangar/lifecycle/e2e/8-snapshot-stopped", test_e2e_snapshot_stopped);
  g_test_add_func ("/hangar/lifecycle/e2e/9-rename", test_e2e_rename);
  g_test_add_func ("/hangar/lifecycle/e2e/10-clone", test_e2e_clone);
  g_test_add_func ("/hangar/lifecycle/e2e/11-delete-keep-disk", test_e2e_delete_keep_disk);
  g_test_add_func ("/hangar/lifecycle/e2e/12-delete", test_e2e_delete);

  return g_test_run ();
}
