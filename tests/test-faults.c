/* test-faults.c
 *
 * Faults in the middle of operations, in an isolated session, with real
 * hangarctl processes: two clones of one machine at once; a deletion whose
 * disk cannot be deleted; the session daemon killed while hangarctl creates a
 * machine; SIGINT and SIGTERM to hangarctl during create, clone and import.
 * After each, what is left is checked through virsh and the pool's folder.
 *   /hangar/faults/unit/     the busy-pool rule and its backoff, no daemon
 *   /hangar/faults/libvirt/  an isolated session
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "hangar-pending.h"
#include "hangar-storage-pool.h"
#include "hangar-storage-pool-private.h"
#include "hangar-test-utils.h"

#define EXIT_TIMEOUT_S 60
/* What the big disk holds: enough for a copy to take a moment. */
#define BIG_DATA "300M"

/* ------------------------------------------------------------------------ */
/* unit                                                                     */
/* ------------------------------------------------------------------------ */

static void
test_busy_error (void)
{
  static const struct { int code; const char *message; gboolean busy; } cases[] = {
    { VIR_ERR_INTERNAL_ERROR, "internal error: pool 'hangar' has asynchronous jobs running.", TRUE },
    { VIR_ERR_OPERATION_INVALID, "Requested operation is not valid: volume 'a.qcow2' is still in use.", TRUE },
    { VIR_ERR_INTERNAL_ERROR, "internal error: volume 'a.qcow2' is still being allocated.", FALSE },
    { VIR_ERR_OPERATION_INVALID, "volume 'a.qcow2' is still being allocated.", TRUE },
    { VIR_ERR_INTERNAL_ERROR, "internal error: client socket is closed", FALSE },
    { VIR_ERR_NO_STORAGE_VOL, "Storage volume not found", FALSE },
    { VIR_ERR_INTERNAL_ERROR, NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%d %s", cases[i].code, cases[i].message);
      g_assert_cmpint (hangar_storage_is_busy_error (cases[i].code, cases[i].message), ==,
                       cases[i].busy);
    }
}

static void
test_busy_backoff (void)
{
  static const guint expected[] = { 50, 100, 200, 400, 800, 1000, 1000 };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (hangar_storage_busy_delay_ms (i + 1), ==, expected[i]);
  g_assert_cmpuint (hangar_storage_busy_delay_ms (1000), ==, 1000);
}

/* A process that has ended: its pid names nobody (or somebody else). */
static GPid
dead_pid (void)
{
  g_autoptr(GSubprocess) process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, NULL, "true", NULL);
  GPid pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);

  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  return pid;
}

static GKeyFile *
load_only_record (void)
{
  g_autofree char *dir = hangar_pending_dir ();
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autofree char *path = NULL;
  GKeyFile *record = g_key_file_new ();
  GStatBuf st;

  g_assert_nonnull (handle);
  path = g_build_filename (dir, g_dir_read_name (handle), NULL);
  g_assert_null (g_dir_read_name (handle));
  g_assert_true (g_key_file_load_from_file (record, path, G_KEY_FILE_NONE, NULL));
  /* Private, as every file Hangar makes. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  return record;
}

/* A record names its process so that a later one with the same pid, or the
 * same pid after a reboot, is not taken for it. */
static void
test_pending_record (void)
{
  g_autofree char *dir = hangar_pending_dir ();
  HangarPending *pending;
  GKeyFile *record;
  g_auto(GStrv) files = NULL;
  g_autofree char *uuid = NULL;

  g_assert_true (g_str_has_prefix (dir, g_getenv ("XDG_STATE_HOME")));
  pending = hangar_pending_begin ("qemu:///session", "Being Made");
  hangar_pending_set_uuid (pending, "6b2a1c64-2c9e-4b59-9c1e-0d3f3f0e6a11");
  hangar_pending_add_file (pending, "/pool/Being-Made.qcow2");
  hangar_pending_add_file (pending, "/pool/Being-Made-2.qcow2");

  record = load_only_record ();
  g_assert_true (hangar_pending_owner_alive (record));
  files = g_key_file_get_string_list (record, "Pending", "Files", NULL, NULL);
  g_assert_cmpstrv (files, ((const char *[]) { "/pool/Being-Made.qcow2",
                                               "/pool/Being-Made-2.qcow2", NULL }));
  uuid = g_key_file_get_string (record, "Pending", "Uuid", NULL);
  g_assert_cmpstr (uuid, ==, "6b2a1c64-2c9e-4b59-9c1e-0d3f3f0e6a11");

  /* Another process's number, another start time, another boot: gone. */
  g_key_file_set_int64 (record, "Pending", "Pid", dead_pid ());
  g_assert_false (hangar_pending_owner_alive (record));
  g_key_file_set_int64 (record, "Pending", "Pid", getpid ());
  g_key_file_set_uint64 (record, "Pending", "ProcessStart",
                         hangar_pending_process_start (getpid ()) + 1);
  g_assert_false (hangar_pending_owner_alive (record));
  g_key_file_set_uint64 (record, "Pending", "ProcessStart",
                         hangar_pending_process_start (getpid ()));
  g_assert_true (hangar_pending_owner_alive (record));
  g_key_file_set_string (record, "Pending", "BootId", "00000000-0000-0000-0000-000000000000");
  g_assert_false (hangar_pending_owner_alive (record));
  g_key_file_free (record);

  hangar_pending_end (pending);
  {
    g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);

    g_assert_null (g_dir_read_name (handle));
  }
}

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

static GSubprocess *
spawn_ctl (const char * const *envp,
           const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  for (guint i = 0; envp != NULL && envp[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (envp[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  g_ptr_array_add (argv, (gpointer) g_getenv ("HANGAR_CTL"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
} Exit;

static void
communicated (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Exit *exit_ = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &exit_->out, &exit_->err,
                                        &error);
  g_assert_no_error (error);
  exit_->done = TRUE;
}

/* hangarctl's exit status, asserted to come within @timeout_s seconds;
 * its stderr in @err. */
static int
wait_exit_full (GSubprocess  *process,
                guint         timeout_s,
                char        **out,
                char        **err)
{
  Exit exit_ = { FALSE, NULL, NULL };
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + timeout_s * G_USEC_PER_SEC;

  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated, &exit_);
  while (!exit_.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  if (!exit_.done)
    {
      g_subprocess_force_exit (process);
      while (!exit_.done)
        g_main_context_iteration (NULL, TRUE);
      g_error ("hangarctl did not exit within %u s", timeout_s);
    }
  g_test_message ("hangarctl exited %d after %.1f s\nstdout: %s\nstderr: %s",
                  g_subprocess_get_exit_status (process),
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
                  exit_.out, exit_.err);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (out != NULL)
    *out = g_steal_pointer (&exit_.out);
  g_free (exit_.out);
  if (err != NULL)
    *err = g_steal_pointer (&exit_.err);
  g_free (exit_.err);
  return g_subprocess_get_exit_status (process);
}

static int
wait_exit (GSubprocess  *process,
           guint         timeout_s,
           char        **err)
{
  return wait_exit_full (process, timeout_s, NULL, err);
}

static gboolean
pool_has_files (gpointer data)
{
  return hangar_test_pool_files () >= GPOINTER_TO_UINT (data);
}

/* Waits, polling often, until the pool's folder holds @n files: an
 * operation's disk has just appeared. */
static void
wait_pool_files (guint n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!pool_has_files (GUINT_TO_POINTER (n)))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (5000);
    }
}

static GPid
daemon_pid (void)
{
  g_autofree char *path = g_build_filename (g_get_user_runtime_dir (), "libvirt", "libvirtd.pid",
                                            NULL);
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return (GPid) g_ascii_strtoll (g_strstrip (contents), NULL, 10);
}

/* A stopped machine whose disk holds @data (qemu-io's size): copying it
 * takes a moment. */
static void
make_big_machine (const char *name,
                  const char *data)
{
  g_autofree char *write = g_strdup_printf ("write -P 0x5a 0 %s", data);
  g_autofree char *file = g_strconcat (name, ".qcow2", NULL);
  g_autofree char *path = hangar_test_pool_file (file);
  g_autofree char *out = NULL;

  hangar_test_create_machine (name, HANGAR_FIRMWARE_BIOS, FALSE);
  out = hangar_test_run_tool ((const char *[]) { "qemu-io", "-f", "qcow2", "-c",
                                                 write, path, NULL });
  hangar_test_virsh ("pool-refresh", HANGAR_STORAGE_POOL_NAME, NULL);
}

static void
assert_only_machines (const char * const *names)
{
  g_auto(GStrv) domains = hangar_test_virsh_lines ("list", "--all", "--name", NULL);
  g_auto(GStrv) volumes = hangar_test_virsh_lines ("vol-list", HANGAR_STORAGE_POOL_NAME, NULL);

  g_assert_cmpuint (g_strv_length (domains), ==, g_strv_length ((char **) names));
  for (guint i = 0; names[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char * const *) domains, names[i]));
  /* One disk each, nothing else in the pool's folder. */
  g_assert_cmpuint (hangar_test_pool_files (), ==, g_strv_length ((char **) names));
}

/* ------------------------------------------------------------------------ */
/* A: the pool                                                              */
/* ------------------------------------------------------------------------ */

/* Two hangarctl clone one machine at once: the second starts while the
 * first copies, when libvirt refuses to refresh the pool. Both succeed. */
static void
test_two_clones (void)
{
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;

  const char *debug[] = { "G_MESSAGES_DEBUG=hangar-storage", NULL };
  g_autofree char *out = NULL;

  hangar_test_session_setup ();
  make_big_machine ("Twin", "1G");
  first = spawn_ctl (NULL, (const char *[]) { "clone", "Twin", "--name", "Twin A", NULL });
  wait_pool_files (2);
  second = spawn_ctl (debug, (const char *[]) { "clone", "Twin", "--name", "Twin B", NULL });
  g_assert_cmpint (wait_exit (first, EXIT_TIMEOUT_S, NULL), ==, 0);
  g_assert_cmpint (wait_exit_full (second, EXIT_TIMEOUT_S, &out, NULL), ==, 0);
  /* The second one did meet the first one's copy (GLib prints debug
   * messages on stdout). */
  g_assert_nonnull (strstr (out, "The storage pool is busy"));
  assert_only_machines ((const char *[]) { "Twin", "Twin A", "Twin B", NULL });
  hangar_test_clean_session ();
}

/* A disk that cannot be deleted: the machine stays, with it, and a second
 * deletion finishes the job. */
static void
test_delete_half_way (void)
{
  g_auto(GStrv) fault = g_environ_setenv (g_get_environ (), "HANGAR_TEST_FAIL_VOLUME_DELETE",
                                          "Half.qcow2", TRUE);
  g_autofree char *err = NULL;

  hangar_test_session_setup ();
  hangar_test_create_machine ("Half", HANGAR_FIRMWARE_BIOS, FALSE);
  g_assert_cmpint (hangar_test_ctl_with_env ((const char * const *) fault,
                                             (const char *[]) { "delete", "Half", NULL },
                                             NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "is not deleted"));
  g_assert_nonnull (strstr (err, "Half.qcow2"));
  assert_only_machines ((const char *[]) { "Half", NULL });

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "delete", "Half", NULL }, NULL, NULL), ==, 0);
  hangar_test_assert_session_empty ();
}

/* ------------------------------------------------------------------------ */
/* B: faults during create, clone and import                                */
/* ------------------------------------------------------------------------ */

/* The daemon killed as the new machine's disk appears: hangarctl says so
 * within seconds, and its rollback on a new daemon leaves nothing. */
static void
test_daemon_killed_create (void)
{
  g_autoptr(GSubprocess) ctl = NULL;
  g_autofree char *err = NULL;
  gint64 killed;

  hangar_test_session_setup ();
  ctl = spawn_ctl (NULL, (const char *[]) { "create", "--disk", "1", "--name", "Orphan",
                                            hangar_test_iso (), NULL });
  wait_pool_files (1);
  g_assert_cmpint (kill (daemon_pid (), SIGKILL), ==, 0);
  killed = g_get_monotonic_time ();
  g_assert_cmpint (wait_exit (ctl, 10, &err), ==, 1);
  g_test_message ("exited %.1f s after the daemon died",
                  (g_get_monotonic_time () - killed) / (double) G_USEC_PER_SEC);
  g_assert_nonnull (strstr (err, "hangarctl create: "));
  g_assert_null (strstr (err, "could not undo"));
  /* The next run sees a new daemon and nothing half-made. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "list", NULL }, NULL, NULL), ==, 0);
  hangar_test_assert_session_empty ();
}

static gboolean
definition_written (gpointer data)
{
  g_autofree char *file = g_strconcat ((const char *) data, ".xml", NULL);
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "libvirt", "qemu", file,
                                            NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The daemon killed as the definition appears (the machine about to
 * start): the rollback finds the machine and its disk on a new daemon. */
static void
test_daemon_killed_define (void)
{
  g_autoptr(GSubprocess) ctl = NULL;
  g_autofree char *err = NULL;
  gint64 deadline;

  hangar_test_session_setup ();
  ctl = spawn_ctl (NULL, (const char *[]) { "create", "--disk", "1", "--name", "Halfway",
                                            hangar_test_iso (), NULL });
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!definition_written ((gpointer) "Halfway"))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (2000);
    }
  g_assert_cmpint (kill (daemon_pid (), SIGKILL), ==, 0);
  g_assert_cmpint (wait_exit (ctl, 20, &err), ==, 1);
  g_assert_nonnull (strstr (err, "hangarctl create: "));
  g_assert_null (strstr (err, "could not undo"));
  hangar_test_assert_session_empty ();
}

/* hangarctl killed with SIGKILL as the definition appears: nothing could
 * undo it, but it was written down, and the next hangarctl removes it and
 * says so. A dead record naming a file outside the pool (a user's image)
 * never costs that file. */
static void
test_killed_create (void)
{
  g_autoptr(GSubprocess) ctl = NULL;
  g_autofree char *err = NULL;
  g_autofree char *user_image = g_build_filename (g_get_user_cache_dir (), "mine.qcow2", NULL);
  g_autofree char *dir = hangar_pending_dir ();
  g_autofree char *fake = g_build_filename (dir, "1-fake.pending", NULL);
  g_autofree char *contents = NULL;
  gint64 deadline;

  hangar_test_session_setup ();
  ctl = spawn_ctl (NULL, (const char *[]) { "create", "--disk", "1", "--name", "Killed",
                                            hangar_test_iso (), NULL });
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!definition_written ((gpointer) "Killed"))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (2000);
    }
  g_subprocess_send_signal (ctl, SIGKILL);
  g_assert_true (g_subprocess_wait (ctl, NULL, NULL));
  g_assert_true (hangar_test_domain_exists ("Killed"));

  /* Someone else's file, named by a record of a dead process. */
  g_assert_true (g_file_set_contents (user_image, "not Hangar's", -1, NULL));
  contents = g_strdup_printf ("[Pending]\nUri=qemu:///session\nMachine=Other\nPid=%d\n"
                              "BootId=x\nProcessStart=1\nFiles=%s;\n", (int) dead_pid (),
                              user_image);
  g_assert_true (g_file_set_contents (fake, contents, -1, NULL));

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "list", NULL }, NULL, &err), ==, 0);
  g_assert_nonnull (strstr (err, "Removed “Killed”, which an interrupted Hangar left half-made."));
  hangar_test_assert_session_empty ();
  g_assert_true (g_file_test (user_image, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_unlink (user_image), ==, 0);

  /* Nothing is left to say the next time. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "list", NULL }, NULL, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  {
    g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);

    g_assert_null (g_dir_read_name (handle));
  }
}

/* hangarctl killed with SIGKILL during a clone's copy, which libvirt goes
 * on making: the next hangarctl waits for it, and removes it. */
static void
test_killed_clone (void)
{
  g_autoptr(GSubprocess) ctl = NULL;
  g_autofree char *err = NULL;

  hangar_test_session_setup ();
  make_big_machine ("Source", BIG_DATA);
  ctl = spawn_ctl (NULL, (const char *[]) { "clone", "Source", NULL });
  wait_pool_files (2);
  g_subprocess_send_signal (ctl, SIGKILL);
  g_assert_true (g_subprocess_wait (ctl, NULL, NULL));

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "list", NULL }, NULL, &err), ==, 0);
  g_assert_nonnull (strstr (err, "Removed “Source 2”"));
  assert_only_machines ((const char *[]) { "Source", NULL });
  hangar_test_clean_session ();
}

/* A user's image holding BIG_DATA, for an import's copy to take a moment. */
static void
make_big_image (const char *image)
{
  hangar_test_run ("qemu-img", "create", "-q", "-f", "qcow2", image, "1G", NULL);
  hangar_test_run ("qemu-io", "-f", "qcow2", "-c", "write -P 0x33 0 " BIG_DATA, image, NULL);
}

/* Whether a qemu-img process still writes into the pool. */
static gboolean
pool_copy_running (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *pool = hangar_test_pool_file (NULL);
  const char *entry;

  while (proc != NULL && (entry = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", entry, "cmdline", NULL);
      g_autofree char *cmdline = NULL;
      gsize len = 0;

      if (!g_ascii_isdigit (entry[0]) || !g_file_get_contents (path, &cmdline, &len, NULL))
        continue;
      /* Arguments are separated by NULs: join them to search. */
      for (gsize i = 0; i + 1 < len; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (strstr (cmdline, "qemu-img") != NULL && strstr (cmdline, pool) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
pool_copy_stopped (gpointer user_data)
{
  return !pool_copy_running ();
}

/* hangarctl killed with SIGKILL during an import's copy: the copy dies with
 * it, and the next hangarctl removes the half-made copy it wrote down. No
 * volume, no machine; the original is untouched. */
static void
test_killed_import (void)
{
  g_autoptr(GSubprocess) ctl = NULL;
  g_autofree char *image = g_build_filename (g_get_user_cache_dir (), "import-me.qcow2", NULL);
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *dir = hangar_pending_dir ();

  hangar_test_session_setup ();
  make_big_image (image);
  before = hangar_test_checksum_file (image);
  ctl = spawn_ctl (NULL, (const char *[]) { "import", "--copy", "--no-start", "--name", "Killed",
                                            "--", image, NULL });
  wait_pool_files (1);
  g_assert_true (pool_copy_running ());
  g_subprocess_send_signal (ctl, SIGKILL);
  g_assert_true (g_subprocess_wait (ctl, NULL, NULL));
  /* The copy does not go on writing into the pool for nobody. */
  g_assert_true (hangar_test_wait_until (pool_copy_stopped, NULL, 5));
  g_assert_cmpuint (hangar_test_pool_files (), ==, 1);

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "list", NULL }, NULL, &err), ==, 0);
  g_assert_nonnull (strstr (err, "Removed “Killed”, which an interrupted Hangar left half-made."));
  hangar_test_assert_session_empty ();
  {
    g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);

    g_assert_true (handle == NULL || g_dir_read_name (handle) == NULL);
  }
  after = hangar_test_checksum_file (image);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (g_unlink (image), ==, 0);
}

/* Whether @process holds a socket: hangarctl's first is its libvirt
 * connection. */
static gboolean
has_socket (GSubprocess *process)
{
  g_autofree char *dir = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (process));
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL && g_str_has_prefix (target, "socket:"))
        return TRUE;
    }
  return FALSE;
}

/* The daemon killed while hangarctl still identifies the medium, before
 * anything is made: it says so at once instead of going on. */
static void
test_daemon_killed_identify (void)
{
  g_autoptr(GSubprocess) ctl = NULL;
  g_autofree char *err = NULL;
  gint64 deadline;

  hangar_test_session_setup ();
  ctl = spawn_ctl (NULL, (const char *[]) { "create", "--disk", "1", "--name", "Early",
                                            hangar_test_iso (), NULL });
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!has_socket (ctl))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (2000);
    }
  /* Connected (and soon cleaning up after others, then identifying). */
  g_usleep (200000);
  g_assert_cmpint (kill (daemon_pid (), SIGKILL), ==, 0);
  g_assert_cmpint (wait_exit (ctl, 5, &err), ==, 1);
  g_assert_nonnull (strstr (err, "hangarctl create: "));
  hangar_test_assert_session_empty ();
}

static void
test_signal_create (gconstpointer data)
{
  int signum = GPOINTER_TO_INT (data);
  g_autoptr(GSubprocess) ctl = NULL;

  hangar_test_session_setup ();
  ctl = spawn_ctl (NULL, (const char *[]) { "create", "--disk", "1", "--name", "Stopped",
                                            hangar_test_iso (), NULL });
  wait_pool_files (1);
  g_subprocess_send_signal (ctl, signum);
  g_assert_cmpint (wait_exit (ctl, EXIT_TIMEOUT_S, NULL), ==, 128 + signum);
  hangar_test_assert_session_empty ();
}

static void
test_signal_clone (gconstpointer data)
{
  int signum = GPOINTER_TO_INT (data);
  g_autoptr(GSubprocess) ctl = NULL;

  hangar_test_session_setup ();
  make_big_machine ("Original", BIG_DATA);
  ctl = spawn_ctl (NULL, (const char *[]) { "clone", "Original", NULL });
  wait_pool_files (2);
  g_subprocess_send_signal (ctl, signum);
  g_assert_cmpint (wait_exit (ctl, EXIT_TIMEOUT_S, NULL), ==, 128 + signum);
  assert_only_machines ((const char *[]) { "Original", NULL });
  hangar_test_clean_session ();
}

static void
test_signal_import (gconstpointer data)
{
  int signum = GPOINTER_TO_INT (data);
  g_autoptr(GSubprocess) ctl = NULL;
  g_autofree char *image = g_build_filename (g_get_user_cache_dir (), "import-me.qcow2", NULL);

  hangar_test_session_setup ();
  make_big_image (image);
  ctl = spawn_ctl (NULL, (const char *[]) { "import", "--copy", "--no-start", "--name", "Imported",
                                            "--", image, NULL });
  wait_pool_files (1);
  g_subprocess_send_signal (ctl, signum);
  g_assert_cmpint (wait_exit (ctl, EXIT_TIMEOUT_S, NULL), ==, 128 + signum);
  hangar_test_assert_session_empty ();
  /* The user's image is untouched. */
  g_assert_true (g_file_test (image, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_unlink (image), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = NULL;

  /* The unit tests' records in a folder of their own; the session harness
   * gives the libvirt ones a private home already. */
  if (g_getenv ("XDG_STATE_HOME") == NULL || g_getenv ("HANGAR_CTL") == NULL)
    {
      state = g_dir_make_tmp ("hangar-faults-XXXXXX", NULL);
      g_setenv ("XDG_STATE_HOME", state, TRUE);
    }
  hangar_test_init (&argc, &argv);
  /* The tests kill the daemon under the test's own libvirt connection: its
   * next write must fail, not kill the test. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/hangar/faults/unit/busy-error", test_busy_error);
  g_test_add_func ("/hangar/faults/unit/busy-backoff", test_busy_backoff);
  g_test_add_func ("/hangar/faults/unit/pending-record", test_pending_record);
  g_test_add_func ("/hangar/faults/libvirt/killed-create", test_killed_create);
  g_test_add_func ("/hangar/faults/libvirt/killed-clone", test_killed_clone);
  g_test_add_func ("/hangar/faults/libvirt/killed-import", test_killed_import);
  g_test_add_func ("/hangar/faults/libvirt/two-clones", test_two_clones);
  g_test_add_func ("/hangar/faults/libvirt/delete-half-way", test_delete_half_way);
  g_test_add_func ("/hangar/faults/libvirt/daemon-killed-create", test_daemon_killed_create);
  g_test_add_func ("/hangar/faults/libvirt/daemon-killed-define", test_daemon_killed_define);
  g_test_add_func ("/hangar/faults/libvirt/daemon-killed-identify", test_daemon_killed_identify);
  g_test_add_data_func ("/hangar/faults/libvirt/sigint-create", GINT_TO_POINTER (SIGINT),
                        test_signal_create);
  g_test_add_data_func ("/hangar/faults/libvirt/sigterm-create", GINT_TO_POINTER (SIGTERM),
                        test_signal_create);
  g_test_add_data_func ("/hangar/faults/libvirt/sigint-clone", GINT_TO_POINTER (SIGINT),
                        test_signal_clone);
  g_test_add_data_func ("/hangar/faults/libvirt/sigterm-clone", GINT_TO_POINTER (SIGTERM),
                        test_signal_clone);
  g_test_add_data_func ("/hangar/faults/libvirt/sigint-import", GINT_TO_POINTER (SIGINT),
                        test_signal_import);
  g_test_add_data_func ("/hangar/faults/libvirt/sigterm-import", GINT_TO_POINTER (SIGTERM),
                        test_signal_import);

  {
    int status = g_test_run ();

    if (state != NULL)
      hangar_test_remove_tree (state);
    return status;
  }
}
