/* hangar-display.c
 *
 * A GTK4 widget that shows and drives one SPICE session.
 *
 * It knows nothing of libvirt: whoever creates the SpiceSession answers the
 * channels' open-fd requests (Hangar passes descriptors from
 * gvir_domain_open_graphics_fd). The widget connects the display, cursor and
 * inputs channels itself, draws the primary surface through a tiled
 * HangarSpicePaintable, and turns GTK input into SPICE input (see
 * hangar-display-input.c).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-display"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "hangar-display-private.h"

G_DEFINE_FINAL_TYPE (HangarDisplay, hangar_display, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (HangarDisplayState, hangar_display_state,
                    G_DEFINE_ENUM_VALUE (HANGAR_DISPLAY_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (HANGAR_DISPLAY_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (HANGAR_DISPLAY_STATE_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (HANGAR_DISPLAY_STATE_CLOSED, "closed"),
                    G_DEFINE_ENUM_VALUE (HANGAR_DISPLAY_STATE_ERROR, "error"))

G_DEFINE_ENUM_TYPE (HangarDisplayScaling, hangar_display_scaling,
                    G_DEFINE_ENUM_VALUE (HANGAR_DISPLAY_SCALING_FIT, "fit"),
                    G_DEFINE_ENUM_VALUE (HANGAR_DISPLAY_SCALING_ONE_TO_ONE, "one-to-one"))

enum {
  PROP_0,
  PROP_SESSION,
  PROP_STATE,
  PROP_MESSAGE,
  PROP_SCALING,
  PROP_RESIZE_GUEST,
  PROP_SHARE_CLIPBOARD,
  PROP_KEYBOARD_GRABBED,
  PROP_POINTER_GRABBED,
  PROP_AGENT_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_FILES_DROPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The guest asks for nothing smaller; a window can still be made smaller and
 * the frame then scales down. */
#define MIN_GUEST_WIDTH 640
#define MIN_GUEST_HEIGHT 480
#define RESIZE_DELAY_MS 300

/* The guest's frame reaches us as a burst of invalidations, one per drawing
 * operation, spread over several milliseconds while spice-client-glib
 * decodes; a frame clock tick that finds the last one younger than this
 * waits one tick for the rest. HANGAR_DISPLAY_BURST_SETTLE_US overrides it
 * (0 turns the wait off), for the display benchmark. */
#define BURST_SETTLE_US 2000

static gint64
burst_settle_us (void)
{
  static gint64 settle = -1;

  if (settle < 0)
    {
      const char *env = g_getenv ("HANGAR_DISPLAY_BURST_SETTLE_US");

      settle = env != NULL ? g_ascii_strtoll (env, NULL, 10) : BURST_SETTLE_US;
      settle = MAX (0, settle);
    }
  return settle;
}

static void
set_state (HangarDisplay      *self,
           HangarDisplayState  state,
           const char         *message)
{
  gboolean message_changed = g_strcmp0 (message, self->message) != 0;

  if (message_changed)
    {
      g_free (self->message);
      self->message = g_strdup (message);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (message_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

static void
update_ready (HangarDisplay *self)
{
  if (self->state != HANGAR_DISPLAY_STATE_CONNECTING && self->state != HANGAR_DISPLAY_STATE_READY)
    return;

  if (self->marked && hangar_spice_paintable_has_frame (self->paintable))
    set_state (self, HANGAR_DISPLAY_STATE_READY, NULL);
  else
    set_state (self, HANGAR_DISPLAY_STATE_CONNECTING, NULL);
}

/* Geometry *************************************************************/

/* Where the guest's frame is drawn inside the widget, aligned to device pixels. */
static gboolean
compute_frame_rect (HangarDisplay   *self,
                    graphene_rect_t *rect)
{
  GdkPaintable *paintable = GDK_PAINTABLE (self->paintable);
  int gw = gdk_paintable_get_intrinsic_width (paintable);
  int gh = gdk_paintable_get_intrinsic_height (paintable);
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  int scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  double s, w, h;

  if (gw <= 0 || gh <= 0 || width <= 0 || height <= 0)
    return FALSE;

  if (self->scaling == HANGAR_DISPLAY_SCALING_ONE_TO_ONE)
    s = 1.0 / scale_factor;
  else
    s = MIN (width / gw, height / gh);

  w = gw * s;
  h = gh * s;
  rect->origin.x = MAX (0, floor ((width - w) / 2 * scale_factor) / scale_factor);
  rect->origin.y = MAX (0, floor ((height - h) / 2 * scale_factor) / scale_factor);
  rect->size.width = w;
  rect->size.height = h;
  return TRUE;
}

double
hangar_display_get_scale (HangarDisplay *self)
{
  graphene_rect_t rect;
  int gw = gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (self->paintable));

  if (!compute_frame_rect (self, &rect) || gw <= 0)
    return 1.0;
  return rect.size.width / gw;
}

/* Maps a point in the widget to a guest pixel. Points in the letterbox are
 * outside; the last row and column of the guest stay reachable. */
gboolean
hangar_display_widget_to_guest (HangarDisplay *self,
                                double         x,
                                double         y,
                                int           *gx,
                                int           *gy)
{
  GdkPaintable *paintable = GDK_PAINTABLE (self->paintable);
  int gw = gdk_paintable_get_intrinsic_width (paintable);
  int gh = gdk_paintable_get_intrinsic_height (paintable);
  graphene_rect_t rect;
  double fx, fy;

  if (!compute_frame_rect (self, &rect))
    return FALSE;

  fx = (x - rect.origin.x) * gw / rect.size.width;
  fy = (y - rect.origin.y) * gh / rect.size.height;
  if (fx < 0 || fy < 0 || fx >= gw || fy >= gh)
    return FALSE;

  *gx = CLAMP ((int) floor (fx), 0, gw - 1);
  *gy = CLAMP ((int) floor (fy), 0, gh - 1);
  return TRUE;
}

/* Drawing **************************************************************/

static void
hangar_display_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  HangarDisplay *self = HANGAR_DISPLAY (widget);
  const GdkRGBA black = { 0, 0, 0, 1 };
  double w = gtk_widget_get_width (widget);
  double h = gtk_widget_get_height (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  graphene_rect_t rect;

  hangar_spice_paintable_set_renderer (self->paintable, renderer,
                                       gtk_widget_get_scale_factor (widget));

  if (!compute_frame_rect (self, &rect))
    {
      gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, w, h));
      return;
    }

  /* The guest's tiles are opaque: black only in the letterbox bars, so a
   * software renderer does not fill the whole widget under every frame. */
  if (rect.origin.y > 0)
    gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, w, rect.origin.y));
  if (rect.origin.y + rect.size.height < h)
    gtk_snapshot_append_color (snapshot, &black,
                               &GRAPHENE_RECT_INIT (0, rect.origin.y + rect.size.height,
                                                    w, h - rect.origin.y - rect.size.height));
  if (rect.origin.x > 0)
    gtk_snapshot_append_color (snapshot, &black,
                               &GRAPHENE_RECT_INIT (0, rect.origin.y, rect.origin.x, rect.size.height));
  if (rect.origin.x + rect.size.width < w)
    gtk_snapshot_append_color (snapshot, &black,
                               &GRAPHENE_RECT_INIT (rect.origin.x + rect.size.width, rect.origin.y,
                                                    w - rect.origin.x - rect.size.width,
                                                    rect.size.height));

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &rect.origin);
  gdk_paintable_snapshot (GDK_PAINTABLE (self->paintable), snapshot,
                          rect.size.width, rect.size.height);

  /* In relative mode the host pointer is hidden and the guest draws no
   * cursor of its own: draw the guest's cursor where the guest says it is. */
  if (self->pointer_grabbed && self->cursor_visible && self->cursor_texture != NULL)
    {
      double s = hangar_display_get_scale (self);

      gtk_snapshot_scale (snapshot, s, s);
      gtk_snapshot_append_texture (snapshot, self->cursor_texture,
                                   &GRAPHENE_RECT_INIT (self->cursor_x - self->cursor_hot_x,
                                                        self->cursor_y - self->cursor_hot_y,
                                                        gdk_texture_get_width (self->cursor_texture),
                                                        gdk_texture_get_height (self->cursor_texture)));
    }
  gtk_snapshot_restore (snapshot);
}

static void
hangar_display_unrealize (GtkWidget *widget)
{
  HangarDisplay *self = HANGAR_DISPLAY (widget);

  /* GL textures belong to the window's GL context: let them go with it. */
  hangar_spice_paintable_set_renderer (self->paintable, NULL, 1);
  if (self->repaint_tick != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->repaint_tick);
      self->repaint_tick = 0;
      self->repaint_waited_since = 0;
      gtk_widget_queue_draw (widget);
    }

  GTK_WIDGET_CLASS (hangar_display_parent_class)->unrealize (widget);
}

static void
hangar_display_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  HangarDisplay *self = HANGAR_DISPLAY (widget);
  GdkPaintable *paintable = GDK_PAINTABLE (self->paintable);
  int scale_factor = gtk_widget_get_scale_factor (widget);
  int guest = orientation == GTK_ORIENTATION_HORIZONTAL
    ? gdk_paintable_get_intrinsic_width (paintable)
    : gdk_paintable_get_intrinsic_height (paintable);
  int size = (guest + scale_factor - 1) / scale_factor;

  if (self->scaling == HANGAR_DISPLAY_SCALING_ONE_TO_ONE)
    {
      *minimum = *natural = size;
    }
  else
    {
      /* While the guest follows our size, our size must not follow the
       * guest's, or each would chase the other. */
      *minimum = 1;
      *natural = self->resize_guest ? 1 : size;
    }
}

static GtkSizeRequestMode
hangar_display_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

/* Guest resize *********************************************************/

static gboolean
agent_connected (HangarDisplay *self)
{
  gboolean connected = FALSE;

  if (self->main != NULL)
    g_object_get (self->main, "agent-connected", &connected, NULL);
  return connected;
}

static gboolean
send_guest_size (gpointer user_data)
{
  HangarDisplay *self = user_data;
  int scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int width = gtk_widget_get_width (GTK_WIDGET (self)) * scale_factor;
  int height = gtk_widget_get_height (GTK_WIDGET (self)) * scale_factor;

  self->resize_source = 0;

  if (!self->resize_guest || self->main == NULL || !agent_connected (self) ||
      width <= 0 || height <= 0)
    return G_SOURCE_REMOVE;

  /* Even sizes keep every guest driver happy; a floor keeps a tiny window
   * from giving the guest a useless desktop. */
  width = MAX (MIN_GUEST_WIDTH, width) & ~1;
  height = MAX (MIN_GUEST_HEIGHT, height) & ~1;
  g_debug ("Asking the guest for %d×%d", width, height);
  spice_main_channel_update_display_enabled (self->main, 0, TRUE, FALSE);
  spice_main_channel_update_display (self->main, 0, 0, 0, width, height, FALSE);
  spice_main_channel_send_monitor_config (self->main);
  return G_SOURCE_REMOVE;
}

static void
queue_guest_resize (HangarDisplay *self)
{
  if (!self->resize_guest || self->main == NULL)
    return;
  g_clear_handle_id (&self->resize_source, g_source_remove);
  self->resize_source = g_timeout_add (RESIZE_DELAY_MS, send_guest_size, self);
}

static void
hangar_display_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  queue_guest_resize (HANGAR_DISPLAY (widget));
}

/* Cursor ***************************************************************/

void
hangar_display_update_cursor (HangarDisplay *self)
{
  if (self->pointer_grabbed || !self->cursor_visible)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "none");
  else if (self->guest_cursor != NULL)
    gtk_widget_set_cursor (GTK_WIDGET (self), self->guest_cursor);
  else
    gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

/* The shape arrives as the channel's "cursor" property (the cursor-set signal
 * is deprecated in 0.42): RGBA, 4 bytes a pixel, not premultiplied. */
static void
on_cursor_shape (SpiceCursorChannel *channel,
                 GParamSpec         *pspec,
                 HangarDisplay      *self)
{
  SpiceCursorShape *shape = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_object_get (channel, "cursor", &shape, NULL);

  g_clear_object (&self->guest_cursor);
  g_clear_object (&self->cursor_texture);
  self->cursor_visible = TRUE;

  if (shape != NULL && shape->data != NULL && shape->width > 0 && shape->height > 0)
    {
      bytes = g_bytes_new (shape->data, (gsize) shape->width * shape->height * 4);
      self->cursor_texture = gdk_memory_texture_new (shape->width, shape->height,
                                                     GDK_MEMORY_R8G8B8A8, bytes,
                                                     (gsize) shape->width * 4);
      self->cursor_hot_x = shape->hot_spot_x;
      self->cursor_hot_y = shape->hot_spot_y;
      self->guest_cursor = gdk_cursor_new_from_texture (self->cursor_texture,
                                                        shape->hot_spot_x, shape->hot_spot_y,
                                                        NULL);
    }
  if (shape != NULL)
    g_boxed_free (SPICE_TYPE_CURSOR_SHAPE, shape);

  hangar_display_update_cursor (self);
  if (self->pointer_grabbed)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_cursor_move (SpiceCursorChannel *channel,
                int                 x,
                int                 y,
                HangarDisplay      *self)
{
  self->cursor_x = x;
  self->cursor_y = y;
  if (self->pointer_grabbed)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_cursor_hide (SpiceCursorChannel *channel,
                HangarDisplay      *self)
{
  self->cursor_visible = FALSE;
  hangar_display_update_cursor (self);
}

static void
on_cursor_reset (SpiceCursorChannel *channel,
                 HangarDisplay      *self)
{
  g_clear_object (&self->guest_cursor);
  g_clear_object (&self->cursor_texture);
  self->cursor_visible = TRUE;
  hangar_display_update_cursor (self);
}

/* Channels *************************************************************/

static void
on_primary_create (SpiceChannel  *channel,
                   int            format,
                   int            width,
                   int            height,
                   int            stride,
                   int            shmid,
                   gpointer       data,
                   HangarDisplay *self)
{
  g_debug ("Primary surface %d×%d, format %d", width, height, format);
  hangar_spice_paintable_set_primary (self->paintable, format, width, height, stride, data);
  update_ready (self);
}

static void
on_primary_destroy (SpiceChannel  *channel,
                    HangarDisplay *self)
{
  hangar_spice_paintable_release_primary (self->paintable);
}

static void
on_invalidate (SpiceChannel  *channel,
               int            x,
               int            y,
               int            width,
               int            height,
               HangarDisplay *self)
{
  self->last_invalidation_us = g_get_monotonic_time ();
  hangar_spice_paintable_invalidate (self->paintable, x, y, width, height);
}

static void
on_mark (SpiceChannel  *channel,
         gboolean       mark,
         HangarDisplay *self)
{
  self->marked = mark;
  update_ready (self);
}

static void
on_monitors (SpiceChannel  *channel,
             GParamSpec    *pspec,
             HangarDisplay *self)
{
  g_autoptr(GArray) monitors = NULL;

  g_object_get (channel, "monitors", &monitors, NULL);
  if (monitors == NULL || monitors->len == 0)
    return;

  {
    SpiceDisplayMonitorConfig *config = &g_array_index (monitors, SpiceDisplayMonitorConfig, 0);

    if (config->surface_id == 0)
      hangar_spice_paintable_set_area (self->paintable, config->x, config->y,
                                       config->width, config->height);
  }
}

static void
on_channel_event (SpiceChannel      *channel,
                  SpiceChannelEvent  event,
                  HangarDisplay     *self)
{
  const GError *error;

  switch (event)
    {
    case SPICE_CHANNEL_OPENED:
      if (SPICE_IS_INPUTS_CHANNEL (channel))
        hangar_display_sync_locks (self);
      break;

    case SPICE_CHANNEL_CLOSED:
    case SPICE_CHANNEL_SWITCHING:
      if (SPICE_IS_MAIN_CHANNEL (channel) && self->state != HANGAR_DISPLAY_STATE_ERROR)
        set_state (self, HANGAR_DISPLAY_STATE_CLOSED, _("The guest closed the display connection."));
      break;

    case SPICE_CHANNEL_ERROR_CONNECT:
    case SPICE_CHANNEL_ERROR_TLS:
    case SPICE_CHANNEL_ERROR_LINK:
    case SPICE_CHANNEL_ERROR_AUTH:
    case SPICE_CHANNEL_ERROR_IO:
      /* Only the main and display channels make the session unusable. */
      if (!SPICE_IS_MAIN_CHANNEL (channel) && !SPICE_IS_DISPLAY_CHANNEL (channel))
        break;
      error = spice_channel_get_error (channel);
      if (event == SPICE_CHANNEL_ERROR_IO && self->state == HANGAR_DISPLAY_STATE_READY)
        set_state (self, HANGAR_DISPLAY_STATE_CLOSED, _("The guest closed the display connection."));
      else
        set_state (self, HANGAR_DISPLAY_STATE_ERROR,
                   error != NULL ? error->message : _("The display connection failed."));
      break;

    case SPICE_CHANNEL_NONE:
    default:
      break;
    }
}

static void
on_mouse_mode (SpiceMainChannel *main,
               GParamSpec       *pspec,
               HangarDisplay    *self)
{
  int mode = 0;

  g_object_get (main, "mouse-mode", &mode, NULL);
  if (mode == self->mouse_mode)
    return;
  self->mouse_mode = mode;
  g_debug ("Mouse mode: %s", mode == SPICE_MOUSE_MODE_CLIENT ? "client (absolute)" : "server (relative)");
  /* Absolute pointing needs no grab. */
  if (mode == SPICE_MOUSE_MODE_CLIENT && self->pointer_grabbed)
    hangar_display_set_grabs (self, self->keyboard_grabbed, FALSE);
}

static void
on_agent_update (SpiceMainChannel *main,
                 HangarDisplay    *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT_CONNECTED]);
  queue_guest_resize (self);
}

static void
forget_channel (HangarDisplay *self,
                gpointer      *slot)
{
  if (*slot == NULL)
    return;
  g_signal_handlers_disconnect_by_data (*slot, self);
  g_clear_object (slot);
}

static void
on_channel_new (SpiceSession  *session,
                SpiceChannel  *channel,
                HangarDisplay *self)
{
  int id = 0;

  g_object_get (channel, "channel-id", &id, NULL);

  if (SPICE_IS_MAIN_CHANNEL (channel))
    {
      forget_channel (self, (gpointer *) &self->main);
      self->main = g_object_ref (SPICE_MAIN_CHANNEL (channel));
      g_signal_connect (channel, "channel-event", G_CALLBACK (on_channel_event), self);
      g_signal_connect (channel, "notify::mouse-mode", G_CALLBACK (on_mouse_mode), self);
      g_signal_connect (channel, "main-agent-update", G_CALLBACK (on_agent_update), self);
      hangar_display_clipboard_set_main (self->clipboard, self->main);
      on_mouse_mode (self->main, NULL, self);
      return;
    }

  /* One monitor: the first display and cursor channels. */
  if (id != 0)
    return;

  if (SPICE_IS_DISPLAY_CHANNEL (channel))
    {
      SpiceDisplayPrimary primary;

      forget_channel (self, (gpointer *) &self->display_channel);
      self->display_channel = g_object_ref (channel);
      g_signal_connect (channel, "display-primary-create", G_CALLBACK (on_primary_create), self);
      g_signal_connect (channel, "display-primary-destroy", G_CALLBACK (on_primary_destroy), self);
      g_signal_connect (channel, "display-invalidate", G_CALLBACK (on_invalidate), self);
      g_signal_connect (channel, "display-mark", G_CALLBACK (on_mark), self);
      g_signal_connect (channel, "notify::monitors", G_CALLBACK (on_monitors), self);
      g_signal_connect (channel, "channel-event", G_CALLBACK (on_channel_event), self);
      if (spice_display_channel_get_primary (channel, 0, &primary))
        {
          on_primary_create (channel, primary.format, primary.width, primary.height,
                             primary.stride, primary.shmid, primary.data, self);
          on_mark (channel, primary.marked, self);
        }
      spice_channel_connect (channel);
    }
  else if (SPICE_IS_CURSOR_CHANNEL (channel))
    {
      forget_channel (self, (gpointer *) &self->cursor_channel);
      self->cursor_channel = g_object_ref (SPICE_CURSOR_CHANNEL (channel));
      g_signal_connect (channel, "notify::cursor", G_CALLBACK (on_cursor_shape), self);
      g_signal_connect (channel, "cursor-move", G_CALLBACK (on_cursor_move), self);
      g_signal_connect (channel, "cursor-hide", G_CALLBACK (on_cursor_hide), self);
      g_signal_connect (channel, "cursor-reset", G_CALLBACK (on_cursor_reset), self);
      spice_channel_connect (channel);
    }
  else if (SPICE_IS_INPUTS_CHANNEL (channel))
    {
      forget_channel (self, (gpointer *) &self->inputs);
      self->inputs = g_object_ref (SPICE_INPUTS_CHANNEL (channel));
      g_signal_connect (channel, "channel-event", G_CALLBACK (on_channel_event), self);
      spice_channel_connect (channel);
    }
}

static void
on_channel_destroy (SpiceSession  *session,
                    SpiceChannel  *channel,
                    HangarDisplay *self)
{
  if ((gpointer) channel == (gpointer) self->main)
    {
      hangar_display_clipboard_set_main (self->clipboard, NULL);
      forget_channel (self, (gpointer *) &self->main);
    }
  else if (channel == self->display_channel)
    {
      hangar_spice_paintable_release_primary (self->paintable);
      forget_channel (self, (gpointer *) &self->display_channel);
    }
  else if ((gpointer) channel == (gpointer) self->cursor_channel)
    forget_channel (self, (gpointer *) &self->cursor_channel);
  else if ((gpointer) channel == (gpointer) self->inputs)
    forget_channel (self, (gpointer *) &self->inputs);
}

static void
on_disconnected (SpiceSession  *session,
                 HangarDisplay *self)
{
  if (self->state != HANGAR_DISPLAY_STATE_ERROR)
    set_state (self, HANGAR_DISPLAY_STATE_CLOSED, _("The guest closed the display connection."));
}

static void
drop_session (HangarDisplay *self)
{
  if (self->session == NULL)
    return;

  hangar_display_set_grabs (self, FALSE, FALSE);
  g_clear_handle_id (&self->resize_source, g_source_remove);
  hangar_display_clipboard_set_main (self->clipboard, NULL);
  forget_channel (self, (gpointer *) &self->main);
  forget_channel (self, (gpointer *) &self->display_channel);
  forget_channel (self, (gpointer *) &self->cursor_channel);
  forget_channel (self, (gpointer *) &self->inputs);
  g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  self->marked = FALSE;
  self->mouse_mode = 0;
}

/* Files dropped on a running guest are for the guest: whoever holds the
 * session sends them (the page, through its agent). */
static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         HangarDisplay *self)
{
  GSList *files;

  if (self->session == NULL || !G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) ||
      (files = g_value_get_boxed (value)) == NULL)
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_FILES_DROPPED], 0, files);
  return TRUE;
}

/* Public API ***********************************************************/

GtkWidget *
hangar_display_new (void)
{
  return g_object_new (HANGAR_TYPE_DISPLAY, NULL);
}

SpiceSession *
hangar_display_get_session (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), NULL);

  return self->session;
}

/**
 * hangar_display_set_session:
 * @session: (nullable): a session, connected or not
 *
 * Shows @session. The previous frame stays until the new session's first one
 * arrives, so a reconnect does not flash.
 */
void
hangar_display_set_session (HangarDisplay *self,
                            SpiceSession  *session)
{
  g_autoptr(GList) channels = NULL;

  g_return_if_fail (HANGAR_IS_DISPLAY (self));
  g_return_if_fail (session == NULL || SPICE_IS_SESSION (session));

  if (session == self->session)
    return;

  drop_session (self);

  if (session == NULL)
    {
      hangar_spice_paintable_clear (self->paintable);
      set_state (self, HANGAR_DISPLAY_STATE_IDLE, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
      return;
    }

  self->session = g_object_ref (session);
  set_state (self, HANGAR_DISPLAY_STATE_CONNECTING, NULL);
  g_signal_connect (session, "channel-new", G_CALLBACK (on_channel_new), self);
  g_signal_connect (session, "channel-destroy", G_CALLBACK (on_channel_destroy), self);
  g_signal_connect (session, "disconnected", G_CALLBACK (on_disconnected), self);

  channels = spice_session_get_channels (session);
  for (GList *l = channels; l != NULL; l = l->next)
    on_channel_new (session, l->data, self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

HangarDisplayState
hangar_display_get_state (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), HANGAR_DISPLAY_STATE_IDLE);

  return self->state;
}

const char *
hangar_display_get_message (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), NULL);

  return self->message;
}

HangarDisplayScaling
hangar_display_get_scaling (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), HANGAR_DISPLAY_SCALING_FIT);

  return self->scaling;
}

void
hangar_display_set_scaling (HangarDisplay        *self,
                            HangarDisplayScaling  scaling)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  if (self->scaling == scaling)
    return;
  self->scaling = scaling;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALING]);
}

gboolean
hangar_display_get_resize_guest (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  return self->resize_guest;
}

void
hangar_display_set_resize_guest (HangarDisplay *self,
                                 gboolean       resize_guest)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  resize_guest = !!resize_guest;
  if (self->resize_guest == resize_guest)
    return;
  self->resize_guest = resize_guest;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  queue_guest_resize (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESIZE_GUEST]);
}

gboolean
hangar_display_get_share_clipboard (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  return self->share_clipboard;
}

void
hangar_display_set_share_clipboard (HangarDisplay *self,
                                    gboolean       share)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  share = !!share;
  if (self->share_clipboard == share)
    return;
  self->share_clipboard = share;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARE_CLIPBOARD]);
}

gboolean
hangar_display_get_keyboard_grabbed (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  return self->keyboard_grabbed;
}

gboolean
hangar_display_get_pointer_grabbed (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  return self->pointer_grabbed;
}

gboolean
hangar_display_get_agent_connected (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  return agent_connected (self);
}

/**
 * hangar_display_get_frame:
 *
 * Returns: (transfer full) (nullable): the guest's current frame, pixel for pixel
 */
GdkTexture *
hangar_display_get_frame (HangarDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), NULL);

  return hangar_spice_paintable_get_frame (self->paintable);
}

/**
 * hangar_display_get_guest_area:
 * @area: (out): where the guest's frame is drawn, in widget coordinates
 */
gboolean
hangar_display_get_guest_area (HangarDisplay   *self,
                               graphene_rect_t *area)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  return compute_frame_rect (self, area);
}

void
hangar_display_get_stats (HangarDisplay      *self,
                          HangarDisplayStats *stats)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));
  g_return_if_fail (stats != NULL);

  hangar_spice_paintable_get_stats (self->paintable, &stats->invalidations, &stats->frames,
                                    &stats->tiles_uploaded);
  stats->keys_sent = self->keys_sent;
  stats->repaints_waited = self->repaints_waited;
  stats->repaint_wait_us = self->repaint_wait_us;
}

/* GObject **************************************************************/

static gboolean
repaint_on_tick (GtkWidget     *widget,
                 GdkFrameClock *frame_clock,
                 gpointer       user_data)
{
  HangarDisplay *self = HANGAR_DISPLAY (widget);
  gint64 now = g_get_monotonic_time ();

  /* Still arriving: one more tick, never two, so a guest that never stops
   * drawing is shown at most one frame late. */
  if (self->repaint_waited_since == 0 && now - self->last_invalidation_us < burst_settle_us ())
    {
      self->repaint_waited_since = now;
      self->repaints_waited++;
      return G_SOURCE_CONTINUE;
    }
  if (self->repaint_waited_since != 0)
    self->repaint_wait_us += now - self->repaint_waited_since;
  self->repaint_waited_since = 0;
  self->repaint_tick = 0;
  /* In the frame clock's update phase: painted in this very frame. */
  gtk_widget_queue_draw (widget);
  return G_SOURCE_REMOVE;
}

/* SPICE reports each drawing operation of a guest frame on its own, and
 * a guest frame's operations can straddle a frame clock tick: painting on
 * the first tick would show half a frame and paint again for the rest.
 * The repaint is decided on the tick instead (repaint_on_tick). */
static void
on_paintable_invalidate_contents (HangarDisplay *self)
{
  if (self->repaint_tick != 0)
    return;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      /* No frames tick: nothing is painted before the next map anyway. */
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  self->repaint_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), repaint_on_tick,
                                                     NULL, NULL);
}

static void
on_paintable_invalidate_size (HangarDisplay *self)
{
  gtk_widget_queue_resize (GTK_WIDGET (self));
  update_ready (self);
}

static void
hangar_display_dispose (GObject *object)
{
  HangarDisplay *self = HANGAR_DISPLAY (object);

  drop_session (self);
  g_clear_pointer (&self->clipboard, hangar_display_clipboard_free);

  G_OBJECT_CLASS (hangar_display_parent_class)->dispose (object);
}

static void
hangar_display_finalize (GObject *object)
{
  HangarDisplay *self = HANGAR_DISPLAY (object);

  g_clear_object (&self->paintable);
  g_clear_object (&self->guest_cursor);
  g_clear_object (&self->cursor_texture);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (hangar_display_parent_class)->finalize (object);
}

static void
hangar_display_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HangarDisplay *self = HANGAR_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_SCALING:
      g_value_set_enum (value, self->scaling);
      break;
    case PROP_RESIZE_GUEST:
      g_value_set_boolean (value, self->resize_guest);
      break;
    case PROP_SHARE_CLIPBOARD:
      g_value_set_boolean (value, self->share_clipboard);
      break;
    case PROP_KEYBOARD_GRABBED:
      g_value_set_boolean (value, self->keyboard_grabbed);
      break;
    case PROP_POINTER_GRABBED:
      g_value_set_boolean (value, self->pointer_grabbed);
      break;
    case PROP_AGENT_CONNECTED:
      g_value_set_boolean (value, agent_connected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_display_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HangarDisplay *self = HANGAR_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      hangar_display_set_session (self, g_value_get_object (value));
      break;
    case PROP_SCALING:
      hangar_display_set_scaling (self, g_value_get_enum (value));
      break;
    case PROP_RESIZE_GUEST:
      hangar_display_set_resize_guest (self, g_value_get_boolean (value));
      break;
    case PROP_SHARE_CLIPBOARD:
      hangar_display_set_share_clipboard (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_display_class_init (HangarDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_display_dispose;
  object_class->finalize = hangar_display_finalize;
  object_class->get_property = hangar_display_get_property;
  object_class->set_property = hangar_display_set_property;

  widget_class->snapshot = hangar_display_snapshot;
  widget_class->unrealize = hangar_display_unrealize;
  widget_class->measure = hangar_display_measure;
  widget_class->get_request_mode = hangar_display_get_request_mode;
  widget_class->size_allocate = hangar_display_size_allocate;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SPICE_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, HANGAR_TYPE_DISPLAY_STATE, HANGAR_DISPLAY_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALING] =
    g_param_spec_enum ("scaling", NULL, NULL, HANGAR_TYPE_DISPLAY_SCALING,
                       HANGAR_DISPLAY_SCALING_FIT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESIZE_GUEST] =
    g_param_spec_boolean ("resize-guest", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHARE_CLIPBOARD] =
    g_param_spec_boolean ("share-clipboard", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEYBOARD_GRABBED] =
    g_param_spec_boolean ("keyboard-grabbed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POINTER_GRABBED] =
    g_param_spec_boolean ("pointer-grabbed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AGENT_CONNECTED] =
    g_param_spec_boolean ("agent-connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HangarDisplay::files-dropped:
   * @files: (element-type GFile): the files
   *
   * Files were dropped on the guest's screen while a session was shown.
   */
  signals[SIGNAL_FILES_DROPPED] =
    g_signal_new ("files-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, GDK_TYPE_FILE_LIST);

  gtk_widget_class_set_css_name (widget_class, "hangar-display");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hangar_display_init (HangarDisplay *self)
{
  self->paintable = hangar_spice_paintable_new ();
  self->cursor_visible = TRUE;
  self->share_clipboard = TRUE;
  g_signal_connect_swapped (self->paintable, "invalidate-contents",
                            G_CALLBACK (on_paintable_invalidate_contents), self);
  g_signal_connect_swapped (self->paintable, "invalidate-size",
                            G_CALLBACK (on_paintable_invalidate_size), self);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  self->grab_on_focus = TRUE;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Guest display"), -1);

  hangar_display_input_init (self);
  self->clipboard = hangar_display_clipboard_new (self);

  {
    GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

    g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }
}

void
hangar_display_set_grabs (HangarDisplay *self,
                          gboolean       keyboard,
                          gboolean       pointer)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;

  keyboard = !!keyboard;
  pointer = !!pointer;

  if (keyboard != self->keyboard_grabbed)
    {
      if (!keyboard)
        hangar_display_release_all_keys (self);

      /* System shortcuts (Alt+Tab, Super) go to the guest while grabbed; the
       * compositor may still refuse, and X11 only honours it with a grab. */
      if (surface != NULL && GDK_IS_TOPLEVEL (surface))
        {
          if (keyboard && !self->shortcuts_inhibited)
            {
              gdk_toplevel_inhibit_system_shortcuts (GDK_TOPLEVEL (surface), NULL);
              self->shortcuts_inhibited = TRUE;
            }
          else if (!keyboard && self->shortcuts_inhibited)
            {
              gdk_toplevel_restore_system_shortcuts (GDK_TOPLEVEL (surface));
              self->shortcuts_inhibited = FALSE;
            }
        }
      self->keyboard_grabbed = keyboard;
      if (keyboard)
        hangar_display_sync_locks (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYBOARD_GRABBED]);
    }

  if (pointer != self->pointer_grabbed)
    {
      self->pointer_grabbed = pointer;
      self->have_last = FALSE;
      self->rel_rest_x = self->rel_rest_y = 0;
      hangar_display_update_cursor (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POINTER_GRABBED]);
    }
}

/**
 * hangar_display_grab:
 *
 * Sends the keyboard (and, in relative mode, the pointer) to the guest.
 */
void
hangar_display_grab (HangarDisplay *self)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  gtk_widget_grab_focus (GTK_WIDGET (self));
  hangar_display_set_grabs (self, TRUE, self->pointer_grabbed);
}

/**
 * hangar_display_focus:
 *
 * Gives the display the keyboard focus without sending the keyboard to the
 * guest: keys still reach the application's shortcuts (Esc, F11, Ctrl+W)
 * until the user clicks the display or moves the focus into it with the
 * keyboard.
 */
void
hangar_display_focus (HangarDisplay *self)
{
  GtkRoot *root;

  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  root = gtk_widget_get_root (GTK_WIDGET (self));
  self->grab_on_focus = FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  /* Where the focus could not go, a later Tab into the display takes it. */
  if (root == NULL || gtk_root_get_focus (root) != GTK_WIDGET (self))
    self->grab_on_focus = TRUE;
}

/**
 * hangar_display_release:
 *
 * Gives keyboard and pointer back to the desktop, as Ctrl+Alt does.
 */
void
hangar_display_release (HangarDisplay *self)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  hangar_display_set_grabs (self, FALSE, FALSE);
}
