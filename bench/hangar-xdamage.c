/* hangar-xdamage.c: the X DAMAGE watch shared by the bench tools that look at an app from outside.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hangar-xdamage.h"

#include <X11/Xatom.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int
ignore_errors (Display     *d,
               XErrorEvent *e)
{
  (void) d;
  (void) e;
  return 0;
}

static int
is_watched (HangarXDamage *self,
            Window         w)
{
  for (int i = 0; i < self->n_watched; i++)
    if (self->watched[i] == w)
      return 1;
  return 0;
}

static void
watch (HangarXDamage *self,
       Window         w)
{
  if (self->n_watched == HANGAR_XDAMAGE_MAX_WATCHED || is_watched (self, w))
    return;
  XDamageCreate (self->display, w, XDamageReportRawRectangles);
  /* New children, e.g. a native child window created later. */
  XSelectInput (self->display, w, SubstructureNotifyMask);
  self->watched[self->n_watched++] = w;
}

static void
watch_tree (HangarXDamage *self,
            Window         w)
{
  Window root, parent, *children = NULL;
  unsigned int n = 0;

  watch (self, w);
  if (!XQueryTree (self->display, w, &root, &parent, &children, &n))
    return;
  for (unsigned int i = 0; i < n; i++)
    watch_tree (self, children[i]);
  if (children)
    XFree (children);
}

/* Opens the display and watches the root for top-level windows appearing (and
 * being mapped); on failure says why on stderr, prefixed by program, and
 * returns -1. X errors are ignored from then on: watched windows come and go. */
int
hangar_xdamage_open (HangarXDamage *self,
                     const char    *program,
                     unsigned long  pid)
{
  int damage_error, major, minor;

  memset (self, 0, sizeof *self);
  self->pid = pid;
  self->display = XOpenDisplay (NULL);
  if (self->display == NULL)
    {
      fprintf (stderr, "%s: cannot open the display\n", program);
      return -1;
    }
  if (!XDamageQueryExtension (self->display, &self->damage_event, &damage_error) ||
      !XDamageQueryVersion (self->display, &major, &minor))
    {
      fprintf (stderr, "%s: no DAMAGE extension\n", program);
      return -1;
    }
  XSetErrorHandler (ignore_errors);
  self->net_wm_pid = XInternAtom (self->display, "_NET_WM_PID", False);
  XSelectInput (self->display, DefaultRootWindow (self->display), SubstructureNotifyMask);
  return 0;
}

void
hangar_xdamage_close (HangarXDamage *self)
{
  XCloseDisplay (self->display);
  self->display = NULL;
}

unsigned long
hangar_xdamage_window_pid (HangarXDamage *self,
                           Window         window)
{
  Atom type;
  int format;
  unsigned long n, after;
  unsigned char *data = NULL;
  unsigned long pid = 0;

  if (XGetWindowProperty (self->display, window, self->net_wm_pid, 0, 1, False, XA_CARDINAL,
                          &type, &format, &n, &after, &data) == Success && data != NULL)
    {
      if (type == XA_CARDINAL && format == 32 && n == 1)
        pid = *(unsigned long *) (void *) data;
      XFree (data);
    }
  return pid;
}

int
hangar_xdamage_is_toplevel (HangarXDamage *self,
                            Window         window)
{
  for (int i = 0; i < self->n_toplevels; i++)
    if (self->toplevels[i] == window)
      return 1;
  return 0;
}

/* Watches the process's top-level windows not seen yet, and their descendants;
 * called again and again, as a toolkit may map its real window after others
 * (GTK's client leader has the same _NET_WM_PID too). */
void
hangar_xdamage_find_toplevels (HangarXDamage *self)
{
  Window root, parent, *children = NULL;
  unsigned int n = 0;

  if (!XQueryTree (self->display, DefaultRootWindow (self->display), &root, &parent, &children,
                   &n))
    return;
  for (unsigned int i = 0; i < n; i++)
    /* Past either limit a window can be in one list and not the other. */
    if (!hangar_xdamage_is_toplevel (self, children[i]) && !is_watched (self, children[i]) &&
        hangar_xdamage_window_pid (self, children[i]) == self->pid)
      {
        watch_tree (self, children[i]);
        if (self->n_toplevels < HANGAR_XDAMAGE_MAX_TOPLEVELS)
          self->toplevels[self->n_toplevels++] = children[i];
      }
  if (children)
    XFree (children);
}

/* The biggest mapped top-level window, the app's main one, and its attributes
 * in out (all 0 and None when there is none). */
Window
hangar_xdamage_biggest_toplevel (HangarXDamage     *self,
                                 XWindowAttributes *out)
{
  Window best = None;
  int area = 0;

  memset (out, 0, sizeof *out);
  for (int i = 0; i < self->n_toplevels; i++)
    {
      XWindowAttributes attrs;

      if (XGetWindowAttributes (self->display, self->toplevels[i], &attrs) &&
          attrs.map_state == IsViewable && attrs.width * attrs.height > area)
        {
          best = self->toplevels[i];
          area = attrs.width * attrs.height;
          *out = attrs;
        }
    }
  return best;
}

/* Flushes, then, unless X events are already queued, waits up to timeout_ms
 * for X events or a line on stdin. Returns 1 when stdin is readable (or at its
 * end), 0 when it is not, -1 when poll() failed (then nothing is known). */
int
hangar_xdamage_wait (HangarXDamage *self,
                     int            timeout_ms)
{
  struct pollfd fds[2] = {
    { ConnectionNumber (self->display), POLLIN, 0 },
    { STDIN_FILENO, POLLIN, 0 },
  };

  XFlush (self->display);
  if (!XPending (self->display) && poll (fds, 2, timeout_ms) < 0)
    return -1;
  return (fds[1].revents & (POLLIN | POLLHUP)) != 0;
}

/* Reads the next X event into event, watching the new children of watched
 * windows; returns it as a damage notification when it is one, else NULL (the
 * caller may look at event itself). */
const XDamageNotifyEvent *
hangar_xdamage_next_event (HangarXDamage *self,
                           XEvent        *event)
{
  XNextEvent (self->display, event);
  if (event->type == self->damage_event + XDamageNotify)
    return (const XDamageNotifyEvent *) event;
  if (event->type == CreateNotify && is_watched (self, event->xcreatewindow.parent))
    watch_tree (self, event->xcreatewindow.window);
  return NULL;
}
