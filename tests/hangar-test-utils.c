/* hangar-test-utils.c
 *
 * Shared test helpers without GTK: waiting on the main loop with a deadline,
 * async results, running virsh, hangarctl and other tools to their end. The
 * isolated session's machines are in hangar-test-session.c.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "hangar-libvirt.h"
#include "hangar-test-utils.h"

#if defined(__SANITIZE_ADDRESS__)
/* Keep every shared object loaded until exit under AddressSanitizer.
 * Mesa's DRI driver (swrast_dri.so) is dlclose()d when GTK's last GL context
 * goes away; what it still holds then is reported by LeakSanitizer as a leak
 * in an "<unknown module>", which tests/lsan.supp cannot name.  Kept loaded,
 * the driver's allocations stay reachable or are matched by its suppression.
 * The test executables export this symbol (see tests/meson.build), so it
 * takes precedence over libc's for every library in the process. */
int dlclose (void *handle);

int
dlclose (void *handle)
{
  (void) handle;
  return 0;
}
#endif

/**
 * hangar_test_keep_pool_threads:
 *
 * Keeps GLib's worker threads alive until the process exits.
 *
 * By default an idle thread of GLib's thread pools (GTask, GIO) exits after
 * 15 s, and one beyond the two kept spare exits as soon as its job is done.
 * When that exit coincides with LeakSanitizer's check at process exit, the
 * sanitizer's tracer reads the half-destroyed thread's TLS and dies
 * ("Tracer caught signal 11 ... LeakSanitizer has encountered a fatal
 * error"): a test that passed is reported as crashed.  Tests therefore keep
 * every pool thread until exit; the leak check itself is unchanged.
 */
void
hangar_test_keep_pool_threads (void)
{
  g_thread_pool_set_max_unused_threads (-1);
  g_thread_pool_set_max_idle_time (0);
}

/**
 * hangar_test_init:
 *
 * g_test_init() for a test without GTK, with the pool threads kept
 * (hangar_test_keep_pool_threads()).
 */
void
hangar_test_init (int    *argc,
                  char ***argv)
{
  g_test_init (argc, argv, NULL);
  hangar_test_keep_pool_threads ();
}

/**
 * hangar_test_init_libvirt:
 *
 * hangar_test_init() for a test on libvirt, initialised as Hangar does it
 * (hangar_libvirt_init()): its events come through GLib's main loop.
 */
void
hangar_test_init_libvirt (int    *argc,
                          char ***argv)
{
  g_autoptr(GError) error = NULL;

  hangar_test_init (argc, argv);
  if (!hangar_libvirt_init (&error))
    g_error ("Cannot initialise libvirt: %s", error->message);
}

/**
 * hangar_test_artifacts_dir:
 *
 * Where tests put screenshots and logs: the harness's private artifacts
 * directory when run through it, else HANGAR_ARTIFACTS_DIR, else "artifacts".
 */
const char *
hangar_test_artifacts_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      const char *env = g_getenv ("HANGAR_TEST_ARTIFACTS");

      if (env == NULL || *env == '\0')
        env = g_getenv ("HANGAR_ARTIFACTS_DIR");
      dir = g_strdup (env != NULL && *env != '\0' ? env : "artifacts");
      g_mkdir_with_parents (dir, 0700);
    }

  return dir;
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * hangar_test_wait_until:
 * @predicate: checked after every main loop iteration
 * @user_data: data for @predicate
 * @timeout_s: how long to wait at most
 *
 * Runs the default main context until @predicate holds or the time is up.
 *
 * Returns: whether @predicate held in time
 */
gboolean
hangar_test_wait_until (HangarTestPredicate predicate,
                        gpointer            user_data,
                        guint               timeout_s)
{
  gboolean timed_out = FALSE;
  guint source = g_timeout_add_seconds (timeout_s, on_timeout, &timed_out);
  /* Some conditions change in worker threads or files, which wake no main loop. */
  guint tick = g_timeout_add (20, on_tick, NULL);
  gboolean met;

  while (!(met = predicate (user_data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  if (!timed_out)
    g_source_remove (source);
  return met;
}

/**
 * hangar_test_assert_finalized_eventually:
 * @object: (transfer full): an object whose last reference this is
 *
 * Like g_assert_finalize_object(), but a GTask's worker thread drops its
 * reference on the task's source object a moment after the callback ran.
 */
void
hangar_test_assert_finalized_eventually (gpointer object,
                                         guint    timeout_s)
{
  gpointer weak = object;
  g_autofree char *what = g_strdup_printf ("the %s to be finalized (%u references left)",
                                           G_OBJECT_TYPE_NAME (object),
                                           G_OBJECT (object)->ref_count - 1);

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  hangar_test_assert_eventually (hangar_test_pointer_cleared, &weak, timeout_s, what);
}

/* Async results, one at a time: the one delivered, and the one handed out
 * last (kept until the next, so that a _finish() call can use it). */
static GAsyncResult *async_pending;
static GAsyncResult *async_last;

/* An operation (a machine's shutdown under a timeout, a clone) takes this
 * long at most, even under the sanitizers. */
#define ASYNC_TIMEOUT_S 120

/**
 * hangar_test_async_done:
 *
 * A #GAsyncReadyCallback (its @user_data is ignored) that keeps @result for
 * hangar_test_await().
 */
void
hangar_test_async_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_assert_null (async_pending);
  async_pending = g_object_ref (result);
}

static gboolean
async_delivered (gpointer data)
{
  return async_pending != NULL;
}

/**
 * hangar_test_await:
 *
 * Runs the main loop until the operation started with
 * hangar_test_async_done() as its callback has finished.
 *
 * Returns: (transfer none): its result, valid until the next call or
 *   hangar_test_async_clear()
 */
GAsyncResult *
hangar_test_await (void)
{
  g_clear_object (&async_last);
  hangar_test_assert_eventually (async_delivered, NULL, ASYNC_TIMEOUT_S,
                                 "an operation to finish");
  async_last = g_steal_pointer (&async_pending);
  return async_last;
}

/**
 * hangar_test_async_clear:
 *
 * Drops the last result, and with it its source object's reference: for a
 * test that checks the object is finalized.
 */
void
hangar_test_async_clear (void)
{
  g_clear_object (&async_last);
}

typedef struct
{
  GString  *out;
  GString  *err;
  guint     open_streams;
  gboolean  exited;
  int       wait_status;
} Child;

typedef struct
{
  Child   *child;
  GString *buffer;
} Stream;

static gboolean
read_stream (int           fd,
             GIOCondition  condition,
             gpointer      data)
{
  Stream *stream = data;
  char buffer[4096];
  gssize n = read (fd, buffer, sizeof buffer);

  if (n > 0)
    {
      g_string_append_len (stream->buffer, buffer, n);
      return G_SOURCE_CONTINUE;
    }
  close (fd);
  stream->child->open_streams--;
  g_free (stream);
  return G_SOURCE_REMOVE;
}

static void
child_exited (GPid     pid,
              int      wait_status,
              gpointer data)
{
  Child *child = data;

  child->wait_status = wait_status;
  child->exited = TRUE;
  g_spawn_close_pid (pid);
}

static gboolean
child_done (gpointer data)
{
  Child *child = data;

  return child->exited && child->open_streams == 0;
}

static void
watch_stream (Child   *child,
              int      fd,
              GString *buffer)
{
  Stream *stream = g_new0 (Stream, 1);

  stream->child = child;
  stream->buffer = buffer;
  child->open_streams++;
  g_unix_fd_add (fd, G_IO_IN | G_IO_HUP | G_IO_ERR, read_stream, stream);
}

/**
 * hangar_test_spawn_capture:
 * @argv: the command
 * @envp: (nullable): its environment; %NULL for this process's
 * @status: (out): its exit status (255 when it did not exit normally)
 * @err: (out) (optional): what it wrote to stderr
 *
 * Runs a command to its end while the main loop runs: the guest's serial
 * console must be read meanwhile, and libvirt's keepalives answered (the
 * daemon drops a client that leaves them unanswered for 30 s, which a few
 * hangarctl runs under the sanitizers take).
 *
 * Returns: (transfer full): what it wrote to stdout
 */
char *
hangar_test_spawn_capture (const char * const *argv,
                           const char * const *envp,
                           int                *status,
                           char              **err)
{
  g_autoptr(GError) error = NULL;
  Child child = { g_string_new (NULL), g_string_new (NULL), 0, FALSE, 0 };
  int out_fd, err_fd;
  GPid pid;

  /* Leaving descriptors open lets GLib use posix_spawn: no fork of this
   * multi-threaded (and, in CI, sanitized) process. */
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, (char **) envp,
                                           G_SPAWN_SEARCH_PATH | G_SPAWN_LEAVE_DESCRIPTORS_OPEN |
                                           G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, &out_fd, &err_fd, &error));
  g_assert_no_error (error);
  watch_stream (&child, out_fd, child.out);
  watch_stream (&child, err_fd, child.err);
  g_child_watch_add (pid, child_exited, &child);
  hangar_test_assert_eventually (child_done, &child, 300, argv[0]);

  *status = g_spawn_check_wait_status (child.wait_status, NULL) ? 0 :
            WIFEXITED (child.wait_status) ? WEXITSTATUS (child.wait_status) : 255;
  if (err != NULL)
    *err = g_string_free (child.err, FALSE);
  else
    g_string_free (child.err, TRUE);
  return g_string_free (child.out, FALSE);
}

/**
 * hangar_test_pointer_cleared:
 * @weak_pointer: the address of a weak pointer (g_object_add_weak_pointer())
 *
 * A #HangarTestPredicate: whether the object it watched is finalized.
 */
gboolean
hangar_test_pointer_cleared (gpointer weak_pointer)
{
  return *(gpointer *) weak_pointer == NULL;
}

/**
 * hangar_test_run_tool:
 * @argv: a command that must succeed (qemu-img, xorriso, …)
 *
 * Runs @argv to its end (hangar_test_spawn_capture()); a failure fails the
 * test.
 *
 * Returns: (transfer full): what it wrote to stdout
 */
char *
hangar_test_run_tool (const char * const *argv)
{
  g_autofree char *err = NULL;
  char *out;
  int status;

  out = hangar_test_spawn_capture (argv, NULL, &status, &err);
  if (status != 0)
    g_error ("%s failed (%d): %s%s", argv[0], status, out, err);
  return out;
}

/* virsh on the isolated session; its output, stripped. When it fails: a
 * failed test if it @must_succeed, else %NULL and its error as a message. */
static char *
run_virsh (gboolean    must_succeed,
           const char *first_arg,
           va_list     args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *command = NULL;
  g_autofree char *err = NULL;
  char *out;
  int status;

  g_ptr_array_add (argv, (gpointer) "virsh");
  g_ptr_array_add (argv, (gpointer) "--quiet");
  g_ptr_array_add (argv, (gpointer) "--connect");
  g_ptr_array_add (argv, (gpointer) "qemu:///session");
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  command = g_strjoinv (" ", (char **) argv->pdata);
  out = hangar_test_spawn_capture ((const char * const *) argv->pdata, NULL, &status, &err);
  if (status != 0)
    {
      if (must_succeed)
        g_error ("%s failed (status %d): %s", command, status, err);
      g_test_message ("%s: status %d: %s", command, status, err);
      g_free (out);
      return NULL;
    }
  g_test_message ("%s", command);
  return g_strstrip (out);
}

/**
 * hangar_test_virsh:
 *
 * Acts on the session the way a user would from a terminal: through virsh,
 * in another process, so the app can only learn of it from libvirt's events.
 * A virsh that fails fails the test.
 */
void
hangar_test_virsh (const char *first_arg,
                   ...)
{
  g_autofree char *out = NULL;
  va_list args;

  va_start (args, first_arg);
  out = run_virsh (TRUE, first_arg, args);
  va_end (args);
}

/**
 * hangar_test_virsh_output:
 *
 * Like hangar_test_virsh(), and returns what virsh printed.
 *
 * Returns: (transfer full): virsh's standard output, stripped
 */
char *
hangar_test_virsh_output (const char *first_arg,
                          ...)
{
  char *out;
  va_list args;

  va_start (args, first_arg);
  out = run_virsh (TRUE, first_arg, args);
  va_end (args);
  return out;
}

/**
 * hangar_test_virsh_try:
 *
 * Like hangar_test_virsh_output(), for a command that may fail: a domain
 * that may be gone, a pool that may not be there.
 *
 * Returns: (transfer full) (nullable): virsh's standard output, stripped, or
 *   %NULL when virsh failed
 */
char *
hangar_test_virsh_try (const char *first_arg,
                       ...)
{
  char *out;
  va_list args;

  va_start (args, first_arg);
  out = run_virsh (FALSE, first_arg, args);
  va_end (args);
  return out;
}

/**
 * hangar_test_virsh_lines:
 *
 * Like hangar_test_virsh_try(), in lines.
 *
 * Returns: (transfer full) (nullable): the lines virsh printed, stripped,
 *   without the empty ones; %NULL when virsh failed
 */
GStrv
hangar_test_virsh_lines (const char *first_arg,
                         ...)
{
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();
  g_autofree char *out = NULL;
  g_auto(GStrv) split = NULL;
  va_list args;

  va_start (args, first_arg);
  out = run_virsh (FALSE, first_arg, args);
  va_end (args);
  if (out == NULL)
    return NULL;
  split = g_strsplit (out, "\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (*g_strstrip (split[i]) != '\0')
      g_strv_builder_add (lines, split[i]);
  return g_strv_builder_end (lines);
}

/**
 * hangar_test_disk_source:
 * @name: a domain
 * @target: one of its disks' targets ("sda", "vdb", …)
 *
 * Returns: (transfer full): the disk's source in `virsh domblklist`, "-" when
 *   empty (a CD/DVD drive without a medium)
 */
char *
hangar_test_disk_source (const char *name,
                         const char *target)
{
  g_autofree char *list = hangar_test_virsh_output ("domblklist", name, NULL);
  g_auto(GStrv) lines = g_strsplit (list, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));

      if (g_str_has_prefix (line, target) && g_ascii_isspace (line[strlen (target)]))
        return g_strdup (g_strstrip (line + strlen (target)));
    }
  g_error ("No %s in:\n%s", target, list);
}

/**
 * hangar_test_ctl_with_env:
 * @envp: (nullable): hangarctl's environment; %NULL for this process's
 * @args: hangarctl's arguments, %NULL-terminated
 * @out: (out) (optional): what it wrote to stdout
 * @err: (out) (optional): what it wrote to stderr
 *
 * Runs the hangarctl that $HANGAR_CTL names, as a script would.
 *
 * Returns: its exit status
 */
int
hangar_test_ctl_with_env (const char * const  *envp,
                          const char * const  *args,
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
  local_out = hangar_test_spawn_capture ((const char * const *) argv->pdata, envp, &status,
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

/**
 * hangar_test_ctl:
 *
 * hangar_test_ctl_with_env() in this process's environment.
 *
 * Returns: hangarctl's exit status
 */
int
hangar_test_ctl (const char * const  *args,
                 char               **out,
                 char               **err)
{
  return hangar_test_ctl_with_env (NULL, args, out, err);
}

/**
 * hangar_test_assert_ctl_error:
 * @err: what hangarctl wrote to stderr
 * @command: its command ("pause", "info", …)
 *
 * Asserts that @err is one line, naming the command.
 */
void
hangar_test_assert_ctl_error (const char *err,
                              const char *command)
{
  g_autofree char *prefix = g_strdup_printf ("hangarctl %s: ", command);

  g_assert_true (g_str_has_prefix (err, prefix));
  g_assert_nonnull (strchr (err, '\n'));
  g_assert_cmpint (strchr (err, '\n')[1], ==, '\0');
}

/**
 * hangar_test_remove_tree:
 * @path: a file or folder
 *
 * Removes @path and, for a folder, everything in it; a link is removed,
 * never followed.
 */
void
hangar_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) &&
      (dir = g_dir_open (path, 0, NULL)) != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        hangar_test_remove_tree (child);
      }
  g_remove (path);
}

static char *work_dir;

/**
 * hangar_test_work_dir:
 *
 * A private folder for the files a test makes (images, appliances), made on
 * first use; hangar_test_work_dir_remove() removes it.
 *
 * Returns: (transfer none): its path
 */
const char *
hangar_test_work_dir (void)
{
  if (work_dir == NULL)
    {
      g_autofree char *program = g_path_get_basename (g_get_prgname ());
      g_autofree char *template = g_strdup_printf ("hangar-%s-XXXXXX", program);

      work_dir = g_dir_make_tmp (template, NULL);
      g_assert_nonnull (work_dir);
    }
  return work_dir;
}

/**
 * hangar_test_work_file:
 * @name: a file name
 *
 * Returns: (transfer full): @name's path in hangar_test_work_dir()
 */
char *
hangar_test_work_file (const char *name)
{
  return g_build_filename (hangar_test_work_dir (), name, NULL);
}

/**
 * hangar_test_work_dir_remove:
 *
 * Removes hangar_test_work_dir() and what it holds, if it was made.
 */
void
hangar_test_work_dir_remove (void)
{
  if (work_dir != NULL)
    hangar_test_remove_tree (work_dir);
  g_clear_pointer (&work_dir, g_free);
}

/**
 * hangar_test_run:
 * @first: the program, then its arguments, %NULL-terminated
 *
 * hangar_test_run_tool() for a command whose output does not matter.
 */
void
hangar_test_run (const char *first,
                 ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_free (hangar_test_run_tool ((const char * const *) argv->pdata));
}

/**
 * hangar_test_checksum_file:
 * @path: a file
 *
 * Reads @path in pieces, so an image of any size fits.
 *
 * Returns: (transfer full): the SHA-256 of @path's contents, in hex
 */
char *
hangar_test_checksum_file (const char *path)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buffer = g_malloc (1 << 20);
  FILE *file = g_fopen (path, "rb");
  size_t got;

  g_assert_nonnull (file);
  while ((got = fread (buffer, 1, 1 << 20, file)) > 0)
    g_checksum_update (checksum, buffer, got);
  g_assert_false (ferror (file));
  fclose (file);
  return g_strdup (g_checksum_get_string (checksum));
}

/**
 * hangar_test_isolate_data_dir:
 *
 * Points `$XDG_DATA_HOME` at a new empty folder, for a test that writes
 * there without the harness's private session. Call it before anything
 * reads the folder (GLib keeps the first answer). GLib 2.74's
 * %G_TEST_OPTION_ISOLATE_DIRS would do more, but leaks from the second
 * test of a process on, which fails the sanitized builds.
 *
 * Returns: (transfer full): the folder; remove it with
 *   hangar_test_remove_tree() when the tests are done
 */
char *
hangar_test_isolate_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("hangar-test-data-XXXXXX", &error);

  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  return dir;
}

/**
 * hangar_test_init_libvirt_isolated:
 *
 * hangar_test_init_libvirt() for a test that runs on the in-process test
 * driver and in the isolated session both: on the test driver (no
 * `HANGAR_URI`), the paths it makes get a data folder of their own
 * (hangar_test_isolate_data_dir()); a session keeps the one the harness
 * made.
 *
 * Returns: (transfer full) (nullable): the folder made, for
 *   hangar_test_remove_tree() when the tests are done
 */
char *
hangar_test_init_libvirt_isolated (int    *argc,
                                   char ***argv)
{
  char *data_dir = NULL;

  if (g_getenv ("HANGAR_URI") == NULL)
    data_dir = hangar_test_isolate_data_dir ();
  hangar_test_init_libvirt (argc, argv);
  return data_dir;
}

/**
 * hangar_test_run_isolated:
 * @data_dir: (transfer full) (nullable): what
 *   hangar_test_init_libvirt_isolated() returned
 *
 * Runs the tests (g_test_run()), then removes @data_dir.
 *
 * Returns: the status for main() to return
 */
int
hangar_test_run_isolated (char *data_dir)
{
  int status = g_test_run ();

  if (data_dir != NULL)
    hangar_test_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}

/* Appliances *************************************************************/

#define OVA_MIB (1024 * 1024)

/* A VirtualBox-style OVF: disk 2 described first, attached second; a NAT
 * and a host-only adapter; EFI; USB and sound. %s: the disks' hrefs. */
static const char vbox_ovf[] =
  "<?xml version=\"1.0\"?>\n"
  "<Envelope ovf:version=\"1.0\" xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\"\n"
  " xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\"\n"
  " xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\"\n"
  " xmlns:vssd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData\"\n"
  " xmlns:vbox=\"http://www.virtualbox.org/ovf/machine\">\n"
  " <References>\n"
  "  <File ovf:id=\"file2\" ovf:href=\"%s\"/>\n"
  "  <File ovf:id=\"file1\" ovf:href=\"%s\"/>\n"
  " </References>\n"
  " <DiskSection><Info>Disks</Info>\n"
  "  <Disk ovf:capacity=\"32\" ovf:capacityAllocationUnits=\"byte * 2^20\" ovf:diskId=\"vmdisk2\""
  " ovf:fileRef=\"file2\" ovf:format=\"http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized\"/>\n"
  "  <Disk ovf:capacity=\"67108864\" ovf:diskId=\"vmdisk1\" ovf:fileRef=\"file1\""
  " ovf:format=\"http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized\"/>\n"
  " </DiskSection>\n"
  " <NetworkSection><Info>Networks</Info><Network ovf:name=\"NAT\"/>"
  "<Network ovf:name=\"HostOnly\"/></NetworkSection>\n"
  " <VirtualSystem ovf:id=\"Appliance Test\">\n"
  "  <Info>A machine</Info>\n"
  "  <AnnotationSection><Info>Note</Info><Annotation>Built by a test</Annotation></AnnotationSection>\n"
  "  <OperatingSystemSection ovf:id=\"96\"><Info>OS</Info><Description>Debian_64</Description>"
  "<vbox:OSType ovf:required=\"false\">Debian12_64</vbox:OSType></OperatingSystemSection>\n"
  "  <VirtualHardwareSection><Info>Hardware</Info>\n"
  "   <System><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>virtualbox-2.2</vssd:VirtualSystemType></System>\n"
  "   <Item><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>\n"
  "   <Item><rasd:AllocationUnits>MegaBytes</rasd:AllocationUnits><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>768</rasd:VirtualQuantity></Item>\n"
  "   <Item><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceType>20</rasd:ResourceType><rasd:ResourceSubType>AHCI</rasd:ResourceSubType></Item>\n"
  "   <Item><rasd:InstanceID>4</rasd:InstanceID><rasd:ResourceType>23</rasd:ResourceType></Item>\n"
  "   <Item><rasd:InstanceID>5</rasd:InstanceID><rasd:ResourceType>35</rasd:ResourceType></Item>\n"
  "   <Item><rasd:AddressOnParent>1</rasd:AddressOnParent><rasd:HostResource>/disk/vmdisk2</rasd:HostResource><rasd:InstanceID>7</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>\n"
  "   <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:HostResource>/disk/vmdisk1</rasd:HostResource><rasd:InstanceID>6</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>\n"
  "   <Item><rasd:AutomaticAllocation>true</rasd:AutomaticAllocation><rasd:Connection>NAT</rasd:Connection><rasd:InstanceID>8</rasd:InstanceID><rasd:ResourceSubType>E1000</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>\n"
  "   <Item><rasd:AutomaticAllocation>true</rasd:AutomaticAllocation><rasd:Connection>HostOnly</rasd:Connection><rasd:InstanceID>9</rasd:InstanceID><rasd:ResourceSubType>E1000</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>\n"
  "  </VirtualHardwareSection>\n"
  "  <vbox:Machine ovf:required=\"false\" name=\"Appliance Test\"><ovf:Info>VirtualBox</ovf:Info>"
  "<Hardware><Firmware type=\"EFI\"/></Hardware></vbox:Machine>\n"
  " </VirtualSystem>\n"
  "</Envelope>\n";

/**
 * hangar_test_vbox_ovf:
 * @disk2: the second disk's href, described first
 * @disk1: the first disk's href
 *
 * Returns: (transfer full): a VirtualBox-style OVF naming those files
 */
char *
hangar_test_vbox_ovf (const char *disk2,
                      const char *disk1)
{
  /* One template for every case: the hrefs are what they vary. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  return g_strdup_printf (vbox_ovf, disk2, disk1);
#pragma GCC diagnostic pop
}

static void
ova_run (const char * const *argv)
{
  g_free (hangar_test_run_tool (argv));
}

/* @mib of noise, which no format compresses: a copy that takes a while. */
static void
write_noise (const char *path,
             guint       mib)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree guint32 *block = g_new (guint32, OVA_MIB / 4);
  FILE *file = g_fopen (path, "wb");

  g_assert_nonnull (file);
  for (guint i = 0; i < mib; i++)
    {
      for (guint j = 0; j < OVA_MIB / 4; j++)
        block[j] = g_rand_int (rand);
      g_assert_cmpuint (fwrite (block, 1, OVA_MIB, file), ==, OVA_MIB);
    }
  g_assert_cmpint (fclose (file), ==, 0);
}

/* Builds parent/name.ova with tar: disk1 64 MiB, disk2 32 MiB (or @noise_mib
 * of noise), both streamOptimized VMDK; @corrupt breaks disk2's digest in
 * the manifest. The folder keeps the .ovf and its files. */
char *
hangar_test_build_ova (const char *parent,
                       const char *name,
                       gboolean    corrupt,
                       guint       noise_mib)
{
  g_autofree char *dir = g_build_filename (parent, name, NULL);
  g_autofree char *ova = g_strconcat (dir, ".ova", NULL);
  g_autofree char *raw1 = g_build_filename (dir, "one.raw", NULL);
  g_autofree char *raw2 = g_build_filename (dir, "two.raw", NULL);
  g_autofree char *vmdk1 = g_build_filename (dir, "disk1.vmdk", NULL);
  g_autofree char *vmdk2 = g_build_filename (dir, "disk2.vmdk", NULL);
  g_autofree char *ovf_path = g_build_filename (dir, "a.ovf", NULL);
  g_autofree char *mf_path = g_build_filename (dir, "a.mf", NULL);
  g_autofree char *ovf = hangar_test_vbox_ovf ("disk2.vmdk", "disk1.vmdk");
  g_autofree char *mf = NULL;
  g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  ova_run ((const char *[]) { "qemu-img", "create", "-f", "raw", raw1, "64M", NULL });
  if (noise_mib > 0)
    write_noise (raw2, noise_mib);
  else
    ova_run ((const char *[]) { "qemu-img", "create", "-f", "raw", raw2, "32M", NULL });
  ova_run ((const char *[]) { "qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o",
                          "subformat=streamOptimized", raw1, vmdk1, NULL });
  ova_run ((const char *[]) { "qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o",
                          "subformat=streamOptimized", raw2, vmdk2, NULL });
  g_assert_true (g_file_set_contents (ovf_path, ovf, -1, NULL));
  s1 = hangar_test_checksum_file (ovf_path);
  s2 = hangar_test_checksum_file (vmdk1);
  s3 = corrupt ? g_strdup (s1) : hangar_test_checksum_file (vmdk2);
  mf = g_strdup_printf ("SHA256(a.ovf)= %s\nSHA256(disk1.vmdk)= %s\nSHA256(disk2.vmdk)= %s\n",
                        s1, s2, s3);
  g_assert_true (g_file_set_contents (mf_path, mf, -1, NULL));
  ova_run ((const char *[]) { "tar", "--format=ustar", "-C", dir, "-cf", ova, "a.ovf", "a.mf",
                          "disk1.vmdk", "disk2.vmdk", NULL });
  g_unlink (raw1);
  g_unlink (raw2);
  return g_steal_pointer (&ova);
}

/**
 * hangar_test_sign_ova:
 * @parent: the folder hangar_test_build_ova() was given
 * @name: the name it was given
 * @bad: whether the signature is spoiled (one byte changed)
 *
 * Signs the appliance's manifest as exporters do, with a key and a
 * self-signed certificate for "Hangar Test Signer" made here by openssl:
 * a.cert holds "SHA256(a.mf)= HEX" and the certificate, and goes into
 * parent/name-signed.ova after the manifest.
 *
 * Returns: (transfer full): the signed archive's path
 */
char *
hangar_test_sign_ova (const char *parent,
                      const char *name,
                      gboolean    bad)
{
  g_autofree char *dir = g_build_filename (parent, name, NULL);
  g_autofree char *signed_name = g_strconcat (name, bad ? "-badsig.ova" : "-signed.ova", NULL);
  g_autofree char *ova = g_build_filename (parent, signed_name, NULL);
  g_autofree char *key = g_build_filename (dir, "signer.key", NULL);
  g_autofree char *crt = g_build_filename (dir, "signer.crt", NULL);
  g_autofree char *mf = g_build_filename (dir, "a.mf", NULL);
  g_autofree char *sig = g_build_filename (dir, "a.sig", NULL);
  g_autofree char *cert_path = g_build_filename (dir, "a.cert", NULL);
  g_autofree guint8 *signature = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(GString) cert = g_string_new ("SHA256(a.mf)= ");
  gsize length = 0;

  if (!g_file_test (key, G_FILE_TEST_EXISTS))
    ova_run ((const char *[]) { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                                "-keyout", key, "-out", crt, "-days", "2", "-subj",
                                "/O=Hangar Tests/CN=Hangar Test Signer", NULL });
  ova_run ((const char *[]) { "openssl", "dgst", "-sha256", "-sign", key, "-out", sig, mf,
                              NULL });
  g_assert_true (g_file_get_contents (sig, (char **) &signature, &length, NULL));
  g_assert_cmpuint (length, >, 0);
  if (bad)
    signature[length / 2] ^= 0x01;
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (cert, "%02x", signature[i]);
  g_string_append_c (cert, '\n');
  g_assert_true (g_file_get_contents (crt, &pem, NULL, NULL));
  g_string_append (cert, pem);
  g_assert_true (g_file_set_contents (cert_path, cert->str, cert->len, NULL));
  ova_run ((const char *[]) { "tar", "--format=ustar", "-C", dir, "-cf", ova, "a.ovf", "a.mf",
                              "a.cert", "disk1.vmdk", "disk2.vmdk", NULL });
  g_unlink (sig);
  return g_steal_pointer (&ova);
}

/* Displays ******************************************************************/

/* spice-client-glib warns when the guest's SPICE server closes a link it
 * was opening (the display connecting while QEMU starts or stops): said as
 * a test message; any other warning stays fatal. */
static gboolean
spice_link_cut (const char     *log_domain,
                GLogLevelFlags  log_level,
                const char     *message,
                gpointer        user_data)
{
  return !(g_strcmp0 (log_domain, "GSpice") == 0 && (log_level & G_LOG_LEVEL_WARNING) &&
           strstr (message, "incomplete link header") != NULL);
}

static void
say_spice_link_cut (const char     *log_domain,
                    GLogLevelFlags  log_level,
                    const char     *message,
                    gpointer        user_data)
{
  if (strstr (message, "incomplete link header") != NULL)
    g_test_message ("spice-client-glib: %s", message);
  else
    g_log_default_handler (log_domain, log_level, message, user_data);
}

/**
 * hangar_test_allow_spice_link_cut:
 *
 * For tests whose machines stop while their display is connecting: the
 * one warning that brings is said as a test message, not fatal.
 */
void
hangar_test_allow_spice_link_cut (void)
{
  g_test_log_set_fatal_handler (spice_link_cut, NULL);
  g_log_set_handler ("GSpice", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL, say_spice_link_cut, NULL);
}
