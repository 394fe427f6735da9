/* test-lifecycle.c
 *
 * A machine's life through HangarMachine and hangarctl, each step checked
 * with virsh. Two groups of paths, run by two meson tests:
 *   /hangar/lifecycle/libvirt/  an isolated session, machines defined but
 *                               never started: errors for the wrong state,
 *                               names, UEFI snapshots, the command line
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
#include "hangar-storage-pool.h"
#include "hangar-storage-volume.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-vm-creator.h"
#include "hangar-test-threads.h"

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* A bare connection: a GVirConnection would receive the events a revert or
 * a rename sends, which libvirt-gobject 4.0 meets with g_warn_if_reached(),
 * fatal in a test. Machines here read their state when asked. */
typedef struct
{
  virConnectPtr   conn;
  const char     *iso;
} Session;

static Session session;

static void
session_open (void)
{
  g_autoptr(GError) error = NULL;

  if (session.conn != NULL)
    return;

  g_assert_cmpstr (g_getenv ("HANGAR_URI"), ==, "qemu:///session");
  session.iso = g_getenv ("HANGAR_TEST_ISO");
  g_assert_nonnull (session.iso);
  g_assert_true (g_file_test (session.iso, G_FILE_TEST_IS_REGULAR));

  /* Machines made here get a console the tests can read (the creator's
   * test seam); hangarctl inherits it. */
  g_setenv ("HANGAR_TEST_SERIAL_DIR", hangar_test_artifacts_dir (), TRUE);

  g_assert_true (hangar_libvirt_init (&error));
  session.conn = virConnectOpen ("qemu:///session");
  g_assert_nonnull (session.conn);
}

/* virsh's output, stripped; NULL when it failed. */
static char *
virsh (const char *first,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  char *out;
  va_list args;
  int status;

  g_ptr_array_add (argv, (gpointer) "virsh");
  g_ptr_array_add (argv, (gpointer) "--quiet");
  g_ptr_array_add (argv, (gpointer) "--connect");
  g_ptr_array_add (argv, (gpointer) "qemu:///session");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  out = hangar_test_spawn_capture ((const char * const *) argv->pdata, NULL, &status, &err);
  if (status != 0)
    {
      g_test_message ("virsh %s: status %d: %s", first, status, err);
      g_free (out);
      return NULL;
    }
  return g_strstrip (out);
}

/* hangarctl's exit status; its stdout and stderr when asked. */
static int
ctl (const char * const  *args,
     char               **out,
     char               **err)
{
  const char *path = g_getenv ("HANGAR_CTL");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *command = NULL;
  g_autofree char *local_out = NULL;
  g_autofree char *local_err = NULL;
  gint64 started = g_get_monotonic_time ();
  int status;

  g_assert_nonnull (path);
  g_ptr_array_add (argv, (gpointer) path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  command = g_strjoinv (" ", (char **) argv->pdata + 1);
  local_out = hangar_test_spawn_capture ((const char * const *) argv->pdata, NULL, &status,
                                         &local_err);
  g_test_message ("hangarctl %s → %d in %.1f s\nstdout: %s\nstderr: %s", command, status,
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, local_out,
                  local_err);
  if (out != NULL)
    *out = g_steal_pointer (&local_out);
  if (err != NULL)
    *err = g_steal_pointer (&local_err);
  return status;
}

/* One line on stderr, naming the command. */
static void
assert_one_line_error (const char *err,
                       const char *command)
{
  g_autofree char *prefix = g_strdup_printf ("hangarctl %s: ", command);

  g_assert_true (g_str_has_prefix (err, prefix));
  g_assert_nonnull (strchr (err, '\n'));
  g_assert_cmpint (strchr (err, '\n')[1], ==, '\0');
}

static char *
domstate (const char *name)
{
  return virsh ("domstate", "--reason", name, NULL);
}

static void
assert_domstate (const char *name,
                 const char *expected)
{
  g_autofree char *state = domstate (name);

  g_assert_cmpstr (state, ==, expected);
}

static int
domain_state (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (session.conn, name);
  int state = -1, reason;

  if (dom == NULL)
    return -1;
  if (virDomainGetState (dom, &state, &reason, 0) < 0)
    state = -1;
  virDomainFree (dom);
  return state;
}

static gboolean
has_saved_state (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (session.conn, name);
  int saved;

  g_assert_nonnull (dom);
  saved = virDomainHasManagedSaveImage (dom, 0);
  virDomainFree (dom);
  g_assert_cmpint (saved, >=, 0);
  return saved == 1;
}

static gboolean
domain_exists (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (session.conn, name);

  if (dom == NULL)
    return FALSE;
  virDomainFree (dom);
  return TRUE;
}

static char *
domain_xml (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (session.conn, name);
  char *raw, *xml;

  g_assert_nonnull (dom);
  raw = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  virDomainFree (dom);
  g_assert_nonnull (raw);
  xml = g_strdup (raw);
  free (raw);
  return xml;
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

static char *
pool_file (const char *file)
{
  g_autofree char *dir = hangar_storage_pool_default_path ();

  return g_build_filename (dir, file, NULL);
}

/* The machine for a domain libvirt has now (a rename makes a new one). */
static HangarMachine *
machine_for (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (session.conn, name);
  GVirDomain *domain;
  HangarMachine *machine;

  g_assert_nonnull (dom);
  domain = g_object_new (GVIR_TYPE_DOMAIN, "handle", dom, NULL);
  virDomainFree (dom);
  machine = hangar_machine_new (domain);
  g_object_unref (domain);
  return machine;
}

/* Async results, one at a time. */
static GAsyncResult *pending;
static GAsyncResult *last;

static void
op_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  pending = g_object_ref (result);
}

static gboolean
op_finished (gpointer data)
{
  return pending != NULL;
}

static GAsyncResult *
await_result (void)
{
  g_clear_object (&last);
  hangar_test_assert_eventually (op_finished, NULL, 120, "an operation to finish");
  last = g_steal_pointer (&pending);
  return last;
}

/* Runs one of the actions that change a machine's state, and waits for it;
 * Shut Down waits @timeout_s for the guest. */
static gboolean
run_action_waiting (HangarMachine        *machine,
                    HangarMachineAction   action,
                    int                   timeout_s,
                    GError              **error)
{
  hangar_machine_run_async (machine, action, timeout_s, NULL, op_done, NULL);
  return hangar_machine_run_finish (machine, await_result (), error);
}

static gboolean
run_action (HangarMachine        *machine,
            HangarMachineAction   action,
            GError              **error)
{
  return run_action_waiting (machine, action, HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT, error);
}

static void
refresh_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  hangar_machine_refresh_finish (HANGAR_MACHINE (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Without events, the machine reads its state again until it is @state. */
static void
assert_machine_state (HangarMachine      *machine,
                      HangarMachineState  state)
{
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (TRUE)
    {
      gboolean refreshed = FALSE;

      hangar_machine_refresh_async (machine, NULL, refresh_done, &refreshed);
      hangar_test_assert_eventually (flag_set, &refreshed, 15, "the machine's state");
      if (hangar_machine_get_state (machine) == state)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("The machine is %s, not %s",
                 hangar_machine_state_to_nick (hangar_machine_get_state (machine)),
                 hangar_machine_state_to_nick (state));
      g_usleep (100 * 1000);
    }
}

static HangarVmSettings *
small_settings (const char     *name,
                HangarFirmware  firmware)
{
  HangarVmSettings *settings = hangar_vm_settings_new ();

  settings->name = g_strdup (name);
  settings->memory_mib = 512;
  settings->vcpus = 1;
  settings->disk_gib = 1;
  settings->firmware = firmware;
  settings->domain_type = HANGAR_DOMAIN_TYPE_QEMU;
  settings->iso_path = g_strdup (session.iso);
  return settings;
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GVirDomain **domain = user_data;
  g_autoptr(GError) error = NULL;

  *domain = hangar_vm_creator_create_finish (HANGAR_VM_CREATOR (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
domain_set (gpointer data)
{
  return *(GVirDomain **) data != NULL;
}

/* A machine as the app makes them: a 1 GiB qcow2 disk in the pool, the
 * live ISO in its CD drive. */
static void
create_machine (const char     *name,
                HangarFirmware  firmware,
                gboolean        start)
{
  g_autoptr(HangarVmSettings) settings = small_settings (name, firmware);
  g_autoptr(HangarOsProfile) profile = hangar_os_profile_new_generic ();
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarVmCreator) creator = NULL;
  GVirDomain *domain = NULL;

  /* A connection of its own, closed again: see Session. */
  connection = hangar_test_connection_open ("qemu:///session");
  creator = hangar_vm_creator_new (connection, profile, settings);
  hangar_vm_creator_create_async (creator, start, NULL, create_done, &domain);
  hangar_test_assert_eventually (domain_set, &domain, 60, "the machine to be created");
  g_object_unref (domain);
  g_clear_object (&creator);
  hangar_connection_close (connection);
}

/* The guest's console, as the creator's test seam wires it. */
static HangarTestGuest *
console_for (const char *name)
{
  HangarTestGuest *guest = g_new0 (HangarTestGuest, 1);
  g_autofree char *file = hangar_storage_volume_name_for (name);
  g_autofree char *stem = g_strndup (file, strlen (file) - strlen (".qcow2"));
  g_autofree char *log_name = g_strconcat (stem, "-serial.log", NULL);
  g_autofree char *socket_name = g_strconcat (stem, "-serial.sock", NULL);

  guest->name = g_strdup (name);
  guest->transcript = g_string_new (NULL);
  guest->serial_cancellable = g_cancellable_new ();
  guest->serial_log = g_build_filename (hangar_test_artifacts_dir (), log_name, NULL);
  guest->serial_socket = g_build_filename (g_get_user_runtime_dir (), socket_name, NULL);
  return guest;
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
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GArray) progress = NULL;
  gint64 started, elapsed_ms;
  int status;

  session_open ();
  create_machine ("idle", HANGAR_FIRMWARE_BIOS, FALSE);
  machine = machine_for ("idle");
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
  hangar_machine_rename_async (machine, "  \n ", NULL, op_done, NULL);
  g_assert_false (hangar_machine_rename_finish (machine, await_result (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NAME);
  g_clear_error (&error);

  create_machine ("other", HANGAR_FIRMWARE_BIOS, FALSE);
  hangar_machine_rename_async (machine, "other", NULL, op_done, NULL);
  g_assert_false (hangar_machine_rename_finish (machine, await_result (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NAME);
  g_clear_error (&error);
  g_assert_true (domain_exists ("idle"));

  /* A clone's name, when taken, is numbered as a new machine's. Its disk
   * holds data enough for the copy to take a moment: progress is told as it
   * goes, always growing, and ends at 1. */
  disk = pool_file ("idle.qcow2");
  out = hangar_test_spawn_capture ((const char *[]) { "qemu-io", "-f", "qcow2", "-c",
                                                      "write -P 0x5a 0 192M", disk, NULL },
                                   NULL, &status, &err);
  g_assert_cmpint (status, ==, 0);
  progress = g_array_new (FALSE, FALSE, sizeof (double));
  started = g_get_monotonic_time ();
  hangar_machine_clone_async (machine, "other", on_progress, progress, NULL, op_done, NULL);
  clone = hangar_machine_clone_finish (machine, await_result (), &error);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_no_error (error);
  g_assert_cmpstr (clone, ==, "other 2");
  g_assert_true (domain_exists ("other 2"));
  g_test_message ("clone: %u progress reports in %" G_GINT64_FORMAT " ms", progress->len, elapsed_ms);
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
  hangar_machine_revert_snapshot_async (machine, "nope", NULL, op_done, NULL);
  g_assert_false (hangar_machine_revert_snapshot_finish (machine, await_result (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  hangar_machine_take_snapshot_async (machine, "a/b", NULL, NULL, op_done, NULL);
  g_assert_null (hangar_machine_take_snapshot_finish (machine, await_result (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NAME);
  g_clear_error (&error);

  for (guint i = 0; i < 3; i++)
    {
      const char *name = (const char *[]) { "idle", "other", "other 2" }[i];
      g_autoptr(HangarMachine) doomed = machine_for (name);

      hangar_machine_delete_async (doomed, FALSE, NULL, op_done, NULL);
      g_assert_true (hangar_machine_delete_finish (doomed, await_result (), &error));
      g_assert_no_error (error);
      g_assert_false (domain_exists (name));
    }
  g_clear_pointer (&volumes, g_free);
  volumes = virsh ("vol-list", HANGAR_STORAGE_POOL_NAME, NULL);
  g_assert_cmpstr (volumes, ==, "");
}

/* libvirt 9.0 takes no internal snapshot of a UEFI machine: a clear error,
 * before libvirt fails. */
static void
test_uefi_snapshot (void)
{
  g_autoptr(HangarMachine) machine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *snapshots = NULL;

  session_open ();
  create_machine ("uefi", HANGAR_FIRMWARE_UEFI, FALSE);
  machine = machine_for ("uefi");
  hangar_machine_take_snapshot_async (machine, NULL, NULL, NULL, op_done, NULL);
  g_assert_null (hangar_machine_take_snapshot_finish (machine, await_result (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  snapshots = virsh ("snapshot-list", "uefi", "--name", NULL);
  g_assert_cmpstr (snapshots, ==, "");

  hangar_machine_delete_async (machine, FALSE, NULL, op_done, NULL);
  g_assert_true (hangar_machine_delete_finish (machine, await_result (), &error));
  g_assert_no_error (error);
  g_assert_false (domain_exists ("uefi"));
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

  session_open ();
  for (guint i = 0; i < G_N_ELEMENTS (usage); i++)
    {
      g_autofree char *err = NULL;
      const char *args[5] = { NULL };

      for (guint j = 0; j < 4 && usage[i][j] != NULL; j++)
        args[j] = usage[i][j];
      g_assert_cmpint (ctl (args, NULL, &err), ==, 2);
      g_assert_true (g_str_has_prefix (err, "hangarctl "));
    }

  {
    g_autofree char *err = NULL;

    g_assert_cmpint (ctl ((const char *[]) { "pause", "nobody", NULL }, NULL, &err), ==, 1);
    assert_one_line_error (err, "pause");
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

  session_open ();
  life_guest = console_for (LIFE);
  create_machine (LIFE, HANGAR_FIRMWARE_BIOS, TRUE);
  life = machine_for (LIFE);
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
  hangar_machine_rename_async (life, "elsewhere", NULL, op_done, NULL);
  g_assert_false (hangar_machine_rename_finish (life, await_result (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE);
  g_clear_error (&error);

  g_assert_cmpint (ctl ((const char *[]) { "resume", LIFE, NULL }, NULL, NULL), ==, 0);
  assert_domstate (LIFE, "running (unpaused)");
  assert_machine_state (life, HANGAR_MACHINE_STATE_RUNNING);

  /* Resuming a running machine is done already; the guest still answers. */
  g_assert_cmpint (ctl ((const char *[]) { "resume", LIFE, NULL }, NULL, &err), ==, 0);
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
  hangar_machine_take_snapshot_async (life, "live", NULL, NULL, op_done, NULL);
  name = hangar_machine_take_snapshot_finish (life, await_result (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "live");
  listed = virsh ("snapshot-list", LIFE, "--name", NULL);
  g_assert_cmpstr (listed, ==, "live");
  current = virsh ("snapshot-current", LIFE, "--name", NULL);
  g_assert_cmpstr (current, ==, "live");
  g_assert_cmpint (domain_state (LIFE), ==, VIR_DOMAIN_RUNNING);

  hangar_machine_list_snapshots_async (life, NULL, op_done, NULL);
  snapshots = hangar_machine_list_snapshots_finish (life, await_result (), &error);
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

  g_assert_cmpint (ctl ((const char *[]) { "snapshot", "revert", LIFE, "live", NULL }, NULL, NULL),
                   ==, 0);
  g_clear_pointer (&answer, g_free);
  answer = ask_guest (life_guest, "MARK2=", "echo MARK2=$MARK");
  g_assert_cmpstr (answer, ==, "before");

  /* The command line lists it too. */
  g_assert_cmpint (ctl ((const char *[]) { "snapshot", "list", LIFE, "--json", NULL }, &out, NULL),
                   ==, 0);
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
  g_assert_cmpint (ctl ((const char *[]) { "list", "--json", NULL }, &list, NULL), ==, 0);
  g_assert_nonnull (strstr (list, "\"state\" : \"saved\""));

  g_assert_cmpint (ctl ((const char *[]) { "start", LIFE, NULL }, NULL, NULL), ==, 0);
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

  g_assert_cmpint (ctl ((const char *[]) { "screenshot", LIFE, path, NULL }, NULL, NULL), ==, 0);
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
  g_assert_cmpint (domain_state (LIFE), ==, VIR_DOMAIN_RUNNING);

  g_assert_true (run_action (life, HANGAR_MACHINE_ACTION_FORCE_OFF, &error));
  g_assert_no_error (error);
  assert_domstate (LIFE, "shut off (destroyed)");
  assert_machine_state (life, HANGAR_MACHINE_STATE_STOPPED);
}

/* The snapshot taken while running brings back a guest with acpid: it obeys
 * the power button. */
static void
test_e2e_shutdown (void)
{
  g_autoptr(GError) error = NULL;

  hangar_machine_revert_snapshot_async (life, "live", NULL, op_done, NULL);
  g_assert_true (hangar_machine_revert_snapshot_finish (life, await_result (), &error));
  g_assert_no_error (error);
  assert_domstate (LIFE, "running (from snapshot)");

  g_assert_cmpint (ctl ((const char *[]) { "shutdown", LIFE, "--timeout", "60", NULL }, NULL, NULL),
                   ==, 0);
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

  g_assert_cmpint (ctl ((const char *[]) { "snapshot", "take", LIFE, "off", "--title", "Stopped",
                                           NULL }, &name, NULL), ==, 0);
  g_assert_cmpstr (name, ==, "off\n");
  listed = virsh ("snapshot-list", LIFE, "--name", NULL);
  g_assert_cmpstr (listed, ==, "live\noff");

  hangar_machine_rename_snapshot_async (life, "off", "Clean disk", NULL, op_done, NULL);
  g_assert_true (hangar_machine_rename_snapshot_finish (life, await_result (), &error));
  g_assert_no_error (error);
  description = virsh ("snapshot-dumpxml", LIFE, "off", NULL);
  g_assert_nonnull (strstr (description, "<description>Clean disk</description>"));

  hangar_machine_list_snapshots_async (life, NULL, op_done, NULL);
  snapshots = hangar_machine_list_snapshots_finish (life, await_result (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (snapshots->len, ==, 2);
  snapshot = g_ptr_array_index (snapshots, 1);
  g_assert_cmpstr (snapshot->name, ==, "off");
  g_assert_cmpstr (snapshot->title, ==, "Clean disk");
  g_assert_cmpstr (snapshot->parent, ==, "live");
  g_assert_cmpint (snapshot->state, ==, HANGAR_MACHINE_STATE_STOPPED);
  g_assert_true (snapshot->current);
  g_assert_false (((HangarSnapshot *) g_ptr_array_index (snapshots, 0))->current);

  hangar_machine_revert_snapshot_async (life, "live", NULL, op_done, NULL);
  g_assert_true (hangar_machine_revert_snapshot_finish (life, await_result (), &error));
  g_assert_no_error (error);
  assert_domstate (LIFE, "running (from snapshot)");
  hangar_machine_revert_snapshot_async (life, "off", NULL, op_done, NULL);
  g_assert_true (hangar_machine_revert_snapshot_finish (life, await_result (), &error));
  g_assert_no_error (error);
  assert_domstate (LIFE, "shut off (from snapshot)");

  g_assert_cmpint (ctl ((const char *[]) { "snapshot", "delete", LIFE, "live", NULL }, NULL, NULL),
                   ==, 0);
  hangar_machine_delete_snapshot_async (life, "off", NULL, op_done, NULL);
  g_assert_true (hangar_machine_delete_snapshot_finish (life, await_result (), &error));
  g_assert_no_error (error);
  g_clear_pointer (&listed, g_free);
  listed = virsh ("snapshot-list", LIFE, "--name", NULL);
  g_assert_cmpstr (listed, ==, "");
  g_assert_cmpint (ctl ((const char *[]) { "snapshot", "list", LIFE, NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "");
}

static void
test_e2e_rename (void)
{
  g_autofree char *before = domain_xml (LIFE);
  g_autofree char *uuid = uuid_of (before);
  g_autofree char *xml = NULL;
  g_autofree char *renamed_uuid = NULL;

  g_assert_cmpint (ctl ((const char *[]) { "rename", LIFE, "Life Two", NULL }, NULL, NULL), ==, 0);
  g_assert_false (domain_exists (LIFE));
  g_assert_true (domain_exists ("Life Two"));
  xml = domain_xml ("Life Two");
  renamed_uuid = uuid_of (xml);
  g_assert_cmpstr (renamed_uuid, ==, uuid);
  g_assert_cmpint (domain_state ("Life Two"), ==, VIR_DOMAIN_SHUTOFF);

  g_clear_object (&life);
  life = machine_for ("Life Two");
}

/* A full copy: its own disk, UUID and MAC; it boots; the original's disk
 * is untouched. */
static void
test_e2e_clone (void)
{
  g_autoptr(HangarTestGuest) guest = console_for ("Copy");
  g_autofree char *out = NULL;
  g_autofree char *original = domain_xml ("Life Two");
  g_autofree char *copy = NULL;
  g_autofree char *original_uuid = uuid_of (original);
  g_autofree char *copy_uuid = NULL;
  g_autofree char *original_mac = xml_attr (original, "mac", "address");
  g_autofree char *copy_mac = NULL;
  g_autofree char *copy_disk = NULL;
  g_autofree char *expected_disk = pool_file ("Copy.qcow2");
  g_autofree char *banner = NULL;
  g_autofree char *volumes = NULL;
  g_autoptr(HangarMachine) copy_machine = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (ctl ((const char *[]) { "clone", "Life Two", "--name", "Copy", NULL }, &out, NULL),
                   ==, 0);
  g_assert_cmpstr (out, ==, "Copy\n");
  copy = domain_xml ("Copy");
  copy_uuid = uuid_of (copy);
  copy_mac = xml_attr (copy, "mac", "address");
  copy_disk = xml_attr (copy, "source", "file");
  g_assert_cmpstr (copy_uuid, !=, original_uuid);
  g_assert_cmpstr (copy_mac, !=, original_mac);
  g_assert_cmpstr (copy_disk, ==, expected_disk);
  g_assert_true (g_file_test (expected_disk, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (copy, session.iso));
  volumes = virsh ("vol-list", HANGAR_STORAGE_POOL_NAME, NULL);
  g_assert_nonnull (strstr (volumes, "Copy.qcow2"));
  g_assert_nonnull (strstr (volumes, "life.qcow2"));

  /* It boots to the banner, on a console of its own. */
  g_assert_cmpint (ctl ((const char *[]) { "start", "Copy", NULL }, NULL, NULL), ==, 0);
  banner = hangar_test_guest_wait_line (guest, HANGAR_TEST_BANNER, 1, HANGAR_TEST_BOOT_TIMEOUT_S);
  g_assert_cmpint (domain_state ("Life Two"), ==, VIR_DOMAIN_SHUTOFF);

  /* A saved state can be thrown away: the next start boots afresh. */
  g_assert_cmpint (ctl ((const char *[]) { "save", "Copy", NULL }, NULL, NULL), ==, 0);
  assert_domstate ("Copy", "shut off (saved)");
  g_assert_true (has_saved_state ("Copy"));
  copy_machine = machine_for ("Copy");
  assert_machine_state (copy_machine, HANGAR_MACHINE_STATE_SAVED);
  hangar_machine_discard_saved_state_async (copy_machine, NULL, op_done, NULL);
  g_assert_true (hangar_machine_discard_saved_state_finish (copy_machine, await_result (), &error));
  g_assert_no_error (error);
  g_assert_false (has_saved_state ("Copy"));
  assert_machine_state (copy_machine, HANGAR_MACHINE_STATE_STOPPED);
}

/* Delete, keeping the disk: the machine goes, its file stays. */
static void
test_e2e_delete_keep_disk (void)
{
  g_autofree char *disk = pool_file ("Copy.qcow2");
  g_autofree char *volumes = NULL;
  g_autofree char *deleted = NULL;

  g_assert_cmpint (ctl ((const char *[]) { "delete", "Copy", "--keep-disk", NULL }, NULL, NULL), ==, 0);
  g_assert_false (domain_exists ("Copy"));
  g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
  volumes = virsh ("vol-list", HANGAR_STORAGE_POOL_NAME, NULL);
  g_assert_nonnull (strstr (volumes, "Copy.qcow2"));

  deleted = virsh ("vol-delete", "Copy.qcow2", "--pool", HANGAR_STORAGE_POOL_NAME, NULL);
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
  g_autofree char *disk = pool_file ("life.qcow2");
  g_autofree char *clone = NULL;
  g_autofree char *attached = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_assert_cmpint (g_mkdir_with_parents (user_dir, 0700), ==, 0);
  out = hangar_test_spawn_capture ((const char *[]) { "qemu-img", "create", "-q", "-f", "qcow2",
                                                      user_disk, "16M", NULL },
                                   NULL, &status, &err);
  g_assert_cmpint (status, ==, 0);
  attached = virsh ("attach-disk", "Life Two", user_disk, "vdb", "--config", "--subdriver", "qcow2",
                    NULL);
  g_assert_nonnull (attached);

  hangar_machine_clone_async (life, NULL, NULL, NULL, NULL, op_done, NULL);
  clone = hangar_machine_clone_finish (life, await_result (), &error);
  g_assert_null (clone);
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (domain_exists ("Life Two 2"));

  g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
  hangar_machine_delete_async (life, FALSE, NULL, op_done, NULL);
  g_assert_true (hangar_machine_delete_finish (life, await_result (), &error));
  g_assert_no_error (error);
  g_assert_false (domain_exists ("Life Two"));
  g_assert_false (g_file_test (disk, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (user_disk, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (session.iso, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&out, g_free);
  out = virsh ("vol-list", HANGAR_STORAGE_POOL_NAME, NULL);
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  out = virsh ("list", "--all", "--name", NULL);
  g_assert_cmpstr (out, ==, "");

  g_clear_object (&life);
  g_clear_pointer (&life_guest, hangar_test_guest_free);
  g_clear_object (&last);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_keep_pool_threads ();

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
