/* hangar-thumbnailer.c
 *
 * Live thumbnails for the collection: every few seconds, a screenshot of each
 * running machine that a widget on screen shows, decoded and scaled in a
 * worker thread, kept per machine so that a recycled card paints at once.
 * It knows machines and widgets, not what the widgets are: they ask for a
 * machine's texture and hear when it changes.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-thumbnailer"

#include "config.h"

#include "hangar-machine.h"
#include "hangar-thumbnailer.h"

/* How often a visible running machine gets a new thumbnail. */
#define INTERVAL_MS 5000
/* At most this many screenshots at once, whatever the number of machines. */
#define MAX_IN_FLIGHT 2
/* Twice the grid card's 200×150, for scale 2 screens. */
#define THUMBNAIL_WIDTH 400
#define THUMBNAIL_HEIGHT 300

typedef struct
{
  GdkTexture *texture;
  gint64      taken_us;     /* monotonic; 0 for never */
  gboolean    in_flight;
} Entry;

/* A mapped widget and the machine it shows. */
typedef struct
{
  GtkWidget     *widget;    /* not referenced: it unwatches on unmap */
  HangarMachine *machine;
} Viewer;

struct _HangarThumbnailer
{
  GObject       parent_instance;

  GtkWindow    *window;     /* weak */
  GHashTable   *entries;    /* machine UUID → Entry */
  GArray       *viewers;    /* Viewer */
  guint         in_flight;
  guint         n_taken;
  guint         timeout_id;
  guint         idle_id;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (HangarThumbnailer, hangar_thumbnailer, G_TYPE_OBJECT)

enum {
  TEXTURE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void hangar_thumbnailer_tick (HangarThumbnailer *self);

static void
entry_free (Entry *entry)
{
  g_clear_object (&entry->texture);
  g_free (entry);
}

static Entry *
get_entry (HangarThumbnailer *self,
           HangarMachine     *machine)
{
  const char *uuid = hangar_machine_get_uuid (machine);
  Entry *entry = g_hash_table_lookup (self->entries, uuid);

  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (uuid), entry);
    }
  return entry;
}

/* A minimized window shows nothing; an unmapped one has no mapped widgets. */
static gboolean
window_shows (HangarThumbnailer *self)
{
  GdkSurface *surface;

  if (self->window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self->window)))
    return FALSE;
  surface = gtk_native_get_surface (GTK_NATIVE (self->window));
  return surface == NULL || !GDK_IS_TOPLEVEL (surface) ||
         !(gdk_toplevel_get_state (GDK_TOPLEVEL (surface)) & GDK_TOPLEVEL_STATE_MINIMIZED);
}

/* GtkGridView maps a few cards beyond the scrolled area: those wait. */
static gboolean
in_viewport (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (scrolled == NULL)
    return TRUE;
  if (!gtk_widget_compute_bounds (widget, scrolled, &bounds))
    return FALSE;
  return bounds.origin.y + bounds.size.height > 0 &&
         bounds.origin.y < gtk_widget_get_height (scrolled) &&
         bounds.origin.x + bounds.size.width > 0 &&
         bounds.origin.x < gtk_widget_get_width (scrolled);
}

static gboolean
shows_thumbnail (HangarMachine *machine)
{
  /* A paused machine keeps the last one: its screen does not change. */
  return machine != NULL && hangar_machine_get_state (machine) == HANGAR_MACHINE_STATE_RUNNING;
}

typedef struct
{
  HangarThumbnailer *self;
  HangarMachine     *machine;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->self);
  g_clear_object (&request->machine);
  g_free (request);
}

static void
request_finished (Request    *request,
                  GdkTexture *texture)
{
  HangarThumbnailer *self = request->self;
  Entry *entry = get_entry (self, request->machine);

  entry->in_flight = FALSE;
  self->in_flight--;
  if (texture != NULL)
    {
      g_set_object (&entry->texture, texture);
      self->n_taken++;
      g_signal_emit (self, signals[TEXTURE_CHANGED], 0, request->machine);
    }
  /* A slot is free: machines that waited for one go now. */
  if (!g_cancellable_is_cancelled (self->cancellable))
    hangar_thumbnailer_tick (self);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GBytes *bytes = task_data;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;
  double scale;
  int width, height;

  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, &error) ||
      !gdk_pixbuf_loader_close (loader, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "No image");
      return;
    }

  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  scale = MIN (1.0, MIN ((double) THUMBNAIL_WIDTH / width, (double) THUMBNAIL_HEIGHT / height));
  scaled = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int) (width * scale)),
                                    MAX (1, (int) (height * scale)), GDK_INTERP_BILINEAR);
  pixels = gdk_pixbuf_read_pixel_bytes (scaled);
  g_task_return_pointer (task,
                         gdk_memory_texture_new (gdk_pixbuf_get_width (scaled),
                                                 gdk_pixbuf_get_height (scaled),
                                                 gdk_pixbuf_get_has_alpha (scaled)
                                                   ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8,
                                                 pixels, (gsize) gdk_pixbuf_get_rowstride (scaled)),
                         g_object_unref);
}

static void
decode_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = g_task_propagate_pointer (G_TASK (result), &error);
  if (texture == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Cannot read the screenshot of %s: %s",
             hangar_machine_get_name (request->machine), error->message);
  request_finished (request, texture);
  request_free (request);
}

static void
screenshot_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  bytes = hangar_machine_screenshot_finish (HANGAR_MACHINE (object), result, NULL, &error);
  if (bytes == NULL)
    {
      /* Stopped or paused meanwhile: its widget shows its state instead. */
      g_debug ("No screenshot of %s: %s", hangar_machine_get_name (request->machine),
               error->message);
      request_finished (request, NULL);
      request_free (request);
      return;
    }

  task = g_task_new (request->self, request->self->cancellable, decode_done, request);
  g_task_set_source_tag (task, screenshot_done);
  g_task_set_task_data (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, decode_thread);
}

static void
request (HangarThumbnailer *self,
         HangarMachine     *machine,
         Entry             *entry)
{
  Request *request = g_new0 (Request, 1);

  request->self = g_object_ref (self);
  request->machine = g_object_ref (machine);
  entry->in_flight = TRUE;
  entry->taken_us = g_get_monotonic_time ();
  self->in_flight++;
  hangar_machine_screenshot_async (machine, 0, self->cancellable, screenshot_done, request);
}

static void
hangar_thumbnailer_tick (HangarThumbnailer *self)
{
  gint64 now = g_get_monotonic_time ();

  if (!window_shows (self))
    return;

  for (guint i = 0; i < self->viewers->len && self->in_flight < MAX_IN_FLIGHT; i++)
    {
      Viewer *viewer = &g_array_index (self->viewers, Viewer, i);
      HangarMachine *machine = viewer->machine;
      Entry *entry;

      if (!shows_thumbnail (machine) || !in_viewport (viewer->widget))
        continue;
      entry = get_entry (self, machine);
      /* One request per machine; a little slack so that a tick that comes
       * early does not skip a whole interval. */
      if (entry->in_flight ||
          (entry->taken_us != 0 && now - entry->taken_us < (INTERVAL_MS - 500) * 1000))
        continue;
      request (self, machine, entry);
    }
}

static gboolean
on_timeout (gpointer user_data)
{
  hangar_thumbnailer_tick (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_idle (gpointer user_data)
{
  HangarThumbnailer *self = user_data;

  self->idle_id = 0;
  hangar_thumbnailer_tick (self);
  return G_SOURCE_REMOVE;
}

/**
 * hangar_thumbnailer_queue_update:
 * @self: a #HangarThumbnailer
 *
 * Looks soon (not now: many cards may be changing at once) for machines on
 * screen whose thumbnail is missing or old.
 */
void
hangar_thumbnailer_queue_update (HangarThumbnailer *self)
{
  g_return_if_fail (HANGAR_IS_THUMBNAILER (self));

  if (self->idle_id == 0)
    self->idle_id = g_idle_add_full (G_PRIORITY_LOW, on_idle, self, NULL);
}

static int
find_viewer (HangarThumbnailer *self,
             GtkWidget         *widget)
{
  for (guint i = 0; i < self->viewers->len; i++)
    if (g_array_index (self->viewers, Viewer, i).widget == widget)
      return (int) i;
  return -1;
}

static void
viewer_clear (Viewer *viewer)
{
  g_clear_object (&viewer->machine);
}

/**
 * hangar_thumbnailer_watch:
 * @self: a #HangarThumbnailer
 * @widget: a mapped widget
 * @machine: the machine @widget shows
 *
 * While @machine runs and @widget is in view, keeps @machine's texture
 * current (#HangarThumbnailer::texture-changed says when it is new). A
 * widget that shows another machine now calls this again.
 */
void
hangar_thumbnailer_watch (HangarThumbnailer *self,
                          GtkWidget         *widget,
                          HangarMachine     *machine)
{
  int i;

  g_return_if_fail (HANGAR_IS_THUMBNAILER (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (HANGAR_IS_MACHINE (machine));

  i = find_viewer (self, widget);
  if (i >= 0)
    g_set_object (&g_array_index (self->viewers, Viewer, i).machine, machine);
  else
    {
      Viewer viewer = { widget, g_object_ref (machine) };

      g_array_append_val (self->viewers, viewer);
    }
  if (self->timeout_id == 0)
    self->timeout_id = g_timeout_add (INTERVAL_MS, on_timeout, self);
  hangar_thumbnailer_queue_update (self);
}

/**
 * hangar_thumbnailer_unwatch:
 * @self: a #HangarThumbnailer
 * @widget: a widget being unmapped, or showing no machine now
 *
 * Forgets @widget; with no widget watched (the window hidden, or showing a
 * machine's display), nothing runs.
 */
void
hangar_thumbnailer_unwatch (HangarThumbnailer *self,
                            GtkWidget         *widget)
{
  int i;

  g_return_if_fail (HANGAR_IS_THUMBNAILER (self));

  i = find_viewer (self, widget);
  if (i >= 0)
    g_array_remove_index_fast (self->viewers, (guint) i);
  if (self->viewers->len == 0)
    g_clear_handle_id (&self->timeout_id, g_source_remove);
}

/**
 * hangar_thumbnailer_lookup:
 * @self: a #HangarThumbnailer
 * @machine: a machine
 *
 * Returns: (transfer none) (nullable): the last thumbnail taken of @machine
 */
GdkTexture *
hangar_thumbnailer_lookup (HangarThumbnailer *self,
                           HangarMachine     *machine)
{
  Entry *entry;

  g_return_val_if_fail (HANGAR_IS_THUMBNAILER (self), NULL);
  g_return_val_if_fail (HANGAR_IS_MACHINE (machine), NULL);

  entry = g_hash_table_lookup (self->entries, hangar_machine_get_uuid (machine));
  return entry != NULL ? entry->texture : NULL;
}

/**
 * hangar_thumbnailer_forget:
 * @self: a #HangarThumbnailer
 * @machine: a machine that stopped
 *
 * Drops @machine's thumbnail: its next run starts from a new one.
 */
void
hangar_thumbnailer_forget (HangarThumbnailer *self,
                           HangarMachine     *machine)
{
  Entry *entry;

  g_return_if_fail (HANGAR_IS_THUMBNAILER (self));
  g_return_if_fail (HANGAR_IS_MACHINE (machine));

  entry = g_hash_table_lookup (self->entries, hangar_machine_get_uuid (machine));
  if (entry != NULL)
    {
      g_clear_object (&entry->texture);
      entry->taken_us = 0;
    }
}

/**
 * hangar_thumbnailer_get_n_taken:
 * @self: a #HangarThumbnailer
 *
 * Returns: how many thumbnails were taken so far (for tests)
 */
guint
hangar_thumbnailer_get_n_taken (HangarThumbnailer *self)
{
  g_return_val_if_fail (HANGAR_IS_THUMBNAILER (self), 0);

  return self->n_taken;
}

HangarThumbnailer *
hangar_thumbnailer_new (GtkWindow *window)
{
  HangarThumbnailer *self;

  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);

  self = g_object_new (HANGAR_TYPE_THUMBNAILER, NULL);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  return self;
}

static void
hangar_thumbnailer_dispose (GObject *object)
{
  HangarThumbnailer *self = HANGAR_THUMBNAILER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  g_array_set_size (self->viewers, 0);

  G_OBJECT_CLASS (hangar_thumbnailer_parent_class)->dispose (object);
}

static void
hangar_thumbnailer_finalize (GObject *object)
{
  HangarThumbnailer *self = HANGAR_THUMBNAILER (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->viewers, g_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hangar_thumbnailer_parent_class)->finalize (object);
}

static void
hangar_thumbnailer_class_init (HangarThumbnailerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_thumbnailer_dispose;
  object_class->finalize = hangar_thumbnailer_finalize;

  /**
   * HangarThumbnailer::texture-changed:
   * @self: the thumbnailer
   * @machine: the machine with a new texture
   *
   * A new picture of @machine's screen was taken: hangar_thumbnailer_lookup()
   * gives it.
   */
  signals[TEXTURE_CHANGED] =
    g_signal_new ("texture-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HANGAR_TYPE_MACHINE);
}

static void
hangar_thumbnailer_init (HangarThumbnailer *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) entry_free);
  self->viewers = g_array_new (FALSE, FALSE, sizeof (Viewer));
  g_array_set_clear_func (self->viewers, (GDestroyNotify) viewer_clear);
  self->cancellable = g_cancellable_new ();
}
