/* hangar-display-private.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-display.h"
#include "hangar-spice-paintable.h"

G_BEGIN_DECLS

#define HANGAR_DISPLAY_MAX_KEYS 768

struct _HangarDisplay
{
  GtkWidget             parent_instance;

  SpiceSession         *session;
  SpiceMainChannel     *main;
  SpiceChannel         *display_channel;
  SpiceCursorChannel   *cursor_channel;
  SpiceInputsChannel   *inputs;

  HangarSpicePaintable *paintable;
  /* One repaint per burst of invalidations (see on_paintable_invalidate_contents). */
  guint                 repaint_tick;
  gint64                last_invalidation_us;
  gint64                repaint_waited_since;
  guint64               repaints_waited;
  guint64               repaint_wait_us;
  HangarDisplayState    state;
  char                 *message;
  gboolean              marked;

  HangarDisplayScaling  scaling;
  gboolean              resize_guest;
  gboolean              share_clipboard;
  guint                 resize_source;

  /* Input */
  gboolean              keyboard_grabbed;
  gboolean              pointer_grabbed;
  gboolean              shortcuts_inhibited;
  int                   mouse_mode;
  guint                 button_mask;
  /* Evdev codes currently held down in the guest, so none stays stuck. */
  guint8                pressed[HANGAR_DISPLAY_MAX_KEYS / 8];
  gboolean              release_armed;
  /* Whether focus entering the display takes the keyboard: not after
   * hangar_display_focus(), nor when the window comes back to a display the
   * user had not taken. */
  gboolean              grab_on_focus;
  double                last_x;
  double                last_y;
  gboolean              have_last;
  double                rel_rest_x;
  double                rel_rest_y;
  double                scroll_rest;
  guint64               keys_sent;

  /* Guest cursor */
  GdkCursor            *guest_cursor;
  GdkTexture           *cursor_texture;
  int                   cursor_hot_x;
  int                   cursor_hot_y;
  int                   cursor_x;
  int                   cursor_y;
  gboolean              cursor_visible;

  /* Clipboard bridge */
  gpointer              clipboard;
};

/* hangar-display.c */
gboolean hangar_display_widget_to_guest   (HangarDisplay *self,
                                           double         x,
                                           double         y,
                                           int           *gx,
                                           int           *gy);
double   hangar_display_get_scale         (HangarDisplay *self);
void     hangar_display_set_grabs         (HangarDisplay *self,
                                           gboolean       keyboard,
                                           gboolean       pointer);
void     hangar_display_update_cursor     (HangarDisplay *self);

/* hangar-display-input.c */
void     hangar_display_input_init        (HangarDisplay *self);
void     hangar_display_release_all_keys  (HangarDisplay *self);
void     hangar_display_sync_locks        (HangarDisplay *self);
void     hangar_display_press_evdev       (HangarDisplay *self,
                                           guint          code,
                                           gboolean       press);

/* hangar-display-clipboard.c */
gpointer hangar_display_clipboard_new     (HangarDisplay *self);
void     hangar_display_clipboard_free    (gpointer       clipboard);
void     hangar_display_clipboard_set_main (gpointer      clipboard,
                                           SpiceMainChannel *main);

G_END_DECLS
