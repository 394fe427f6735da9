/* hangar-xdamage-count.c: frames a viewer puts on the X screen, as X sees them.
 *
 *   hangar-xdamage-count PID
 *
 * Waits for the top-level windows whose _NET_WM_PID is PID, asks the X server
 * (XDamage, raw rectangles) for every drawing into them and their
 * descendants, and counts frames: a frame is a burst of damage, a new one
 * starting when the server timestamp moved more than GAP_MS since the last
 * damage (a viewer's frame reaches the window in one go, its copy from the
 * back buffer or its GL present, and viewers draw at most 60 frames a second).
 * The same measure serves GTK3 (spice-gtk, drawn by the X server) and GTK4
 * (Hangar, drawn in-process and presented).
 *
 * On each line read from stdin it prints the counts so far:
 *   <frames> <damage events> <damaged pixels> <windows watched> <width> <height>
 * the last two the size of its biggest mapped top-level window, and it exits
 * on end of input. It prints READY once a window is watched.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define GAP_MS 4
#define MAX_WATCHED 4096
#define MAX_TOPLEVELS 64

static Display *dpy;
static Atom net_wm_pid;
static unsigned long target_pid;
static Window watched[MAX_WATCHED];
static int n_watched;
static Window toplevels[MAX_TOPLEVELS];
static int n_toplevels;
static int damage_event, damage_error;

static unsigned long long frames, events, pixels;
static Time last_time;
static int have_last;

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
ignore_errors (Display     *d,
               XErrorEvent *e)
{
  (void) d;
  (void) e;
  return 0;
}

static int
is_watched (Window w)
{
  for (int i = 0; i < n_watched; i++)
    if (watched[i] == w)
      return 1;
  return 0;
}

static void
watch (Window w)
{
  if (n_watched == MAX_WATCHED || is_watched (w))
    return;
  XDamageCreate (dpy, w, XDamageReportRawRectangles);
  /* New children, e.g. a native child window created later. */
  XSelectInput (dpy, w, SubstructureNotifyMask);
  watched[n_watched++] = w;
}

static void
watch_tree (Window w)
{
  Window root, parent, *children = NULL;
  unsigned int n = 0;

  watch (w);
  if (!XQueryTree (dpy, w, &root, &parent, &children, &n))
    return;
  for (unsigned int i = 0; i < n; i++)
    watch_tree (children[i]);
  if (children)
    XFree (children);
}

static unsigned long
window_pid (Window w)
{
  Atom type;
  int format;
  unsigned long n, after;
  unsigned char *data = NULL;
  unsigned long pid = 0;

  if (XGetWindowProperty (dpy, w, net_wm_pid, 0, 1, False, XA_CARDINAL, &type, &format, &n,
                          &after, &data) == Success && data != NULL)
    {
      if (type == XA_CARDINAL && format == 32 && n == 1)
        pid = *(unsigned long *) (void *) data;
      XFree (data);
    }
  return pid;
}

/* Top-level windows of the process (children of the root: no window manager). */
static void
find_toplevels (void)
{
  Window root, parent, *children = NULL;
  unsigned int n = 0;

  if (!XQueryTree (dpy, DefaultRootWindow (dpy), &root, &parent, &children, &n))
    return;
  for (unsigned int i = 0; i < n; i++)
    if (!is_watched (children[i]) && window_pid (children[i]) == target_pid)
      {
        watch_tree (children[i]);
        if (n_toplevels < MAX_TOPLEVELS)
          toplevels[n_toplevels++] = children[i];
      }
  if (children)
    XFree (children);
}

static void
print_counts (void)
{
  int width = 0, height = 0;

  /* The biggest mapped top-level window: the viewer's. */
  for (int i = 0; i < n_toplevels; i++)
    {
      XWindowAttributes attrs;

      if (XGetWindowAttributes (dpy, toplevels[i], &attrs) &&
          attrs.map_state == IsViewable && attrs.width * attrs.height > width * height)
        {
          width = attrs.width;
          height = attrs.height;
        }
    }
  printf ("%llu %llu %llu %d %d %d\n", frames, events, pixels, n_watched, width, height);
}

int
main (int    argc,
      char **argv)
{
  int major, minor;
  int announced = 0;
  long long last_scan = -1000;
  char line[256];

  if (argc != 2)
    {
      fprintf (stderr, "usage: hangar-xdamage-count PID\n");
      return 2;
    }
  target_pid = strtoul (argv[1], NULL, 10);
  dpy = XOpenDisplay (NULL);
  if (dpy == NULL)
    {
      fprintf (stderr, "hangar-xdamage-count: cannot open the display\n");
      return 1;
    }
  if (!XDamageQueryExtension (dpy, &damage_event, &damage_error) ||
      !XDamageQueryVersion (dpy, &major, &minor))
    {
      fprintf (stderr, "hangar-xdamage-count: no DAMAGE extension\n");
      return 1;
    }
  XSetErrorHandler (ignore_errors);
  net_wm_pid = XInternAtom (dpy, "_NET_WM_PID", False);
  /* Top-level windows appearing. */
  XSelectInput (dpy, DefaultRootWindow (dpy), SubstructureNotifyMask);
  setvbuf (stdout, NULL, _IOLBF, 0);

  for (;;)
    {
      struct pollfd fds[2] = {
        { ConnectionNumber (dpy), POLLIN, 0 },
        { STDIN_FILENO, POLLIN, 0 },
      };

      /* Again and again: a toolkit may map its real window after others
       * (GTK's client leader has our _NET_WM_PID too). */
      if (n_watched == 0 || now_ms () - last_scan >= 250)
        {
          find_toplevels ();
          last_scan = now_ms ();
        }
      if (n_watched > 0 && !announced)
        {
          printf ("READY\n");
          announced = 1;
        }
      XFlush (dpy);
      if (!XPending (dpy) && poll (fds, 2, n_watched == 0 ? 20 : 250) < 0)
        continue;

      while (XPending (dpy))
        {
          XEvent ev;

          XNextEvent (dpy, &ev);
          if (ev.type == damage_event + XDamageNotify)
            {
              XDamageNotifyEvent *d = (XDamageNotifyEvent *) &ev;

              events++;
              pixels += (unsigned long long) d->area.width * d->area.height;
              if (!have_last || d->timestamp - last_time > GAP_MS)
                frames++;
              last_time = d->timestamp;
              have_last = 1;
            }
          else if (ev.type == CreateNotify)
            {
              if (is_watched (ev.xcreatewindow.parent))
                watch_tree (ev.xcreatewindow.window);
            }
        }

      if (fds[1].revents & (POLLIN | POLLHUP))
        {
          if (fgets (line, sizeof line, stdin) == NULL)
            break;
          print_counts ();
        }
    }

  XCloseDisplay (dpy);
  return 0;
}
