/* hangar-test-utils.c
 *
 * Shared test helpers: waiting on the main loop with a deadline, and saving
 * what a real window renders as PNG artifacts.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Longer than any libadwaita/GTK transition (stack crossfades take 200 ms). */
#define SETTLE_USEC (400 * 1000)
/* A hang detector, not a speed check: an ASan build on two loaded cores has
 * taken over 10 s to draw a first frame with llvmpipe. */
#define FRAMES_TIMEOUT_S 60

typedef struct
{
  guint  remaining;
  gint64 not_before;
} FrameWait;

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  FrameWait *wait = user_data;

  if (wait->remaining > 0)
    wait->remaining--;
  if (wait->remaining == 0 && gdk_frame_clock_get_frame_time (clock) < wait->not_before)
    wait->remaining = 1;
  return wait->remaining > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
frames_done (gpointer user_data)
{
  return ((FrameWait *) user_data)->remaining == 0;
}

/**
 * hangar_test_wait_frames:
 * @widget: a mapped widget
 * @n_frames: how many frame clock ticks to wait for, at least
 *
 * Lets layout, painting and running transitions settle, so that what is
 * saved is what shows.
 */
void
hangar_test_wait_frames (GtkWidget *widget,
                         guint      n_frames)
{
  FrameWait wait = { MAX (n_frames, 1), g_get_monotonic_time () + SETTLE_USEC };

  gtk_widget_queue_draw (widget);
  gtk_widget_add_tick_callback (widget, count_frame, &wait, NULL);
  hangar_test_assert_eventually (frames_done, &wait, FRAMES_TIMEOUT_S, "frames to be drawn");
}

static GdkTexture *render_now (GtkWidget *widget);

/**
 * hangar_test_render_widget:
 * @widget: a widget in a mapped window
 *
 * Renders @widget with its window's own renderer, after letting it settle.
 *
 * Returns: (transfer full): what the widget shows
 */
GdkTexture *
hangar_test_render_widget (GtkWidget *widget)
{
  g_assert_true (gtk_widget_get_mapped (widget));
  hangar_test_wait_frames (widget, 3);

  return render_now (widget);
}

/* What @widget shows now, without running the main loop. */
static GdkTexture *
render_now (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int width, height;

  g_assert_true (gtk_widget_get_mapped (widget));

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* Saves @texture as @name in the artifacts directory; returns the path. */
static char *
save_texture (GdkTexture *texture,
              const char *name)
{
  char *path;

  path = g_build_filename (hangar_test_artifacts_dir (), name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%dx%d)", path, gdk_texture_get_width (texture),
                  gdk_texture_get_height (texture));

  return path;
}

/**
 * hangar_test_save_screenshot:
 * @widget: a widget in a mapped window
 * @name: the file name, without directory
 *
 * Renders @widget (hangar_test_render_widget()) and saves it as a PNG in the
 * artifacts directory.
 *
 * Returns: (transfer full): the path written
 */
char *
hangar_test_save_screenshot (GtkWidget  *widget,
                             const char *name)
{
  g_autoptr(GdkTexture) texture = hangar_test_render_widget (widget);

  return save_texture (texture, name);
}

/**
 * hangar_test_save_screenshot_now:
 * @widget: a widget in a mapped window
 * @name: the file name, without directory
 *
 * Like hangar_test_save_screenshot(), but renders what @widget shows now,
 * without letting frames go by: for a widget that may go away at any moment
 * (a dialog that closes when its work is done).
 *
 * Returns: (transfer full): the path written
 */
char *
hangar_test_save_screenshot_now (GtkWidget  *widget,
                                 const char *name)
{
  g_autoptr(GdkTexture) texture = render_now (widget);

  return save_texture (texture, name);
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
 * hangar_test_find_toplevel:
 * @type: the type of window to find
 * @transient_for: (nullable): the window it must belong to, or %NULL for any
 *
 * Returns: (transfer none) (nullable): the first toplevel of @type
 */
gpointer
hangar_test_find_toplevel (GType      type,
                           GtkWindow *transient_for)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) &&
          (transient_for == NULL || gtk_window_get_transient_for (toplevel) == transient_for))
        return toplevel;
    }
  return NULL;
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
