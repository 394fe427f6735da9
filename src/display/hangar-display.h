/* hangar-display.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <spice-client.h>

G_BEGIN_DECLS

/**
 * HangarDisplayState:
 * @HANGAR_DISPLAY_STATE_IDLE: no session
 * @HANGAR_DISPLAY_STATE_CONNECTING: waiting for the guest's first frame
 * @HANGAR_DISPLAY_STATE_READY: showing the guest
 * @HANGAR_DISPLAY_STATE_CLOSED: the other end closed the connection (the guest stopped)
 * @HANGAR_DISPLAY_STATE_ERROR: the connection failed; see #HangarDisplay:message
 */
typedef enum
{
  HANGAR_DISPLAY_STATE_IDLE,
  HANGAR_DISPLAY_STATE_CONNECTING,
  HANGAR_DISPLAY_STATE_READY,
  HANGAR_DISPLAY_STATE_CLOSED,
  HANGAR_DISPLAY_STATE_ERROR,
} HangarDisplayState;

/**
 * HangarDisplayScaling:
 * @HANGAR_DISPLAY_SCALING_FIT: fit the widget, keeping the aspect ratio
 * @HANGAR_DISPLAY_SCALING_ONE_TO_ONE: one guest pixel per device pixel
 */
typedef enum
{
  HANGAR_DISPLAY_SCALING_FIT,
  HANGAR_DISPLAY_SCALING_ONE_TO_ONE,
} HangarDisplayScaling;

/**
 * HangarDisplayStats:
 * @invalidations: regions the guest reported as changed
 * @frames: frames in which the widget drew new guest content
 * @tiles_uploaded: textures rebuilt for those frames
 * @keys_sent: scancodes sent to the guest
 * @repaints_waited: repaints that waited a frame for the guest's burst of
 *   changes to end
 * @repaint_wait_us: the time they waited, in all
 */
typedef struct
{
  guint64 invalidations;
  guint64 frames;
  guint64 tiles_uploaded;
  guint64 keys_sent;
  guint64 repaints_waited;
  guint64 repaint_wait_us;
} HangarDisplayStats;

#define HANGAR_TYPE_DISPLAY (hangar_display_get_type ())
#define HANGAR_TYPE_DISPLAY_STATE (hangar_display_state_get_type ())
#define HANGAR_TYPE_DISPLAY_SCALING (hangar_display_scaling_get_type ())

G_DECLARE_FINAL_TYPE (HangarDisplay, hangar_display, HANGAR, DISPLAY, GtkWidget)

GType                hangar_display_state_get_type     (void);
GType                hangar_display_scaling_get_type   (void);

GtkWidget           *hangar_display_new                (void);
SpiceSession        *hangar_display_get_session        (HangarDisplay        *self);
void                 hangar_display_set_session        (HangarDisplay        *self,
                                                        SpiceSession         *session);
HangarDisplayState   hangar_display_get_state          (HangarDisplay        *self);
const char          *hangar_display_get_message        (HangarDisplay        *self);
HangarDisplayScaling hangar_display_get_scaling        (HangarDisplay        *self);
void                 hangar_display_set_scaling        (HangarDisplay        *self,
                                                        HangarDisplayScaling  scaling);
gboolean             hangar_display_get_resize_guest   (HangarDisplay        *self);
void                 hangar_display_set_resize_guest   (HangarDisplay        *self,
                                                        gboolean              resize_guest);
gboolean             hangar_display_get_share_clipboard (HangarDisplay       *self);
void                 hangar_display_set_share_clipboard (HangarDisplay       *self,
                                                         gboolean             share);
gboolean             hangar_display_get_keyboard_grabbed (HangarDisplay      *self);
gboolean             hangar_display_get_pointer_grabbed (HangarDisplay       *self);
gboolean             hangar_display_get_agent_connected (HangarDisplay       *self);
void                 hangar_display_grab               (HangarDisplay        *self);
void                 hangar_display_focus              (HangarDisplay        *self);
void                 hangar_display_release            (HangarDisplay        *self);
void                 hangar_display_send_keys          (HangarDisplay        *self,
                                                        const guint          *keyvals,
                                                        guint                 n_keyvals);
void                 hangar_display_send_evdev_keys    (HangarDisplay        *self,
                                                        const guint          *codes,
                                                        guint                 n_codes);
GdkTexture          *hangar_display_get_frame          (HangarDisplay        *self);
gboolean             hangar_display_get_guest_area     (HangarDisplay        *self,
                                                        graphene_rect_t      *area);
void                 hangar_display_get_stats          (HangarDisplay        *self,
                                                        HangarDisplayStats   *stats);

G_END_DECLS
