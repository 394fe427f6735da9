/* hangar-xdamage.h: the X DAMAGE watch shared by the bench tools that look at an app from outside.
 *
 * Finds the top-level windows whose _NET_WM_PID is a given process (no window
 * manager: they are children of the root), asks the X server for every drawing
 * into them and their descendants (XDamage, raw rectangles), follows new child
 * windows, and waits on the X connection and stdin together. Used by
 * hangar-xdamage-count and hangar-paint-watch.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>

#define HANGAR_XDAMAGE_MAX_WATCHED 4096
#define HANGAR_XDAMAGE_MAX_TOPLEVELS 64

typedef struct
{
  Display *display;
  unsigned long pid;
  Atom net_wm_pid;
  int damage_event;
  Window watched[HANGAR_XDAMAGE_MAX_WATCHED];
  int n_watched;
  Window toplevels[HANGAR_XDAMAGE_MAX_TOPLEVELS];
  int n_toplevels;
} HangarXDamage;

int                       hangar_xdamage_open             (HangarXDamage     *self,
                                                           const char        *program,
                                                           unsigned long      pid);
void                      hangar_xdamage_close            (HangarXDamage     *self);
unsigned long             hangar_xdamage_window_pid       (HangarXDamage     *self,
                                                           Window             window);
int                       hangar_xdamage_is_toplevel      (HangarXDamage     *self,
                                                           Window             window);
void                      hangar_xdamage_find_toplevels   (HangarXDamage     *self);
Window                    hangar_xdamage_biggest_toplevel (HangarXDamage     *self,
                                                           XWindowAttributes *out);
int                       hangar_xdamage_wait             (HangarXDamage     *self,
                                                           int                timeout_ms);
const XDamageNotifyEvent *hangar_xdamage_next_event       (HangarXDamage     *self,
                                                           XEvent            *event);
