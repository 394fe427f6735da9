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

#include <glib/gstdio.h>

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

static guint
count_pool_files (void)
{
  g_autofree char *dir = hangar_test_pool_file (NULL);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (handle != NULL && g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

static gboolean
pool_has_files (gpointer data)
{
  return count_pool_files () >= GPOINTER_TO_UINT (data);
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
  g_assert_cmpuint (count_pool_files (), ==, g_strv_length ((char **) names));
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
  g_autofree char *out = NULL;

  hangar_test_session_setup ();
  out = hangar_test_run_tool ((const char *[]) { "qemu-img", "create", "-q", "-f", "qcow2",
                                                 image, "1G", NULL });
  g_free (out);
  out = hangar_test_run_tool ((const char *[]) { "qemu-io", "-f", "qcow2", "-c",
                                                 "write -P 0x33 0 " BIG_DATA, image, NULL });
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
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/faults/unit/busy-error", test_busy_error);
  g_test_add_func ("/hangar/faults/unit/busy-backoff", test_busy_backoff);
  g_test_add_func ("/hangar/faults/libvirt/two-clones", test_two_clones);
  g_test_add_func ("/hangar/faults/libvirt/delete-half-way", test_delete_half_way);
  g_test_add_func ("/hangar/faults/libvirt/daemon-killed-create", test_daemon_killed_create);
  g_test_add_func ("/hangar/faults/libvirt/daemon-killed-define", test_daemon_killed_define);
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

  return g_test_run ();
}
