/* hangar-paint-watch.c: when an app's windows get painted, as the X server sees it.
 *
 *   hangar-paint-watch PID
 *
 * The same outside view of any X client, GTK 3 (GNOME Boxes) or GTK 4
 * (Hangar): it waits for the top-level windows whose _NET_WM_PID is PID (no
 * window manager: they are children of the root), notes when the first of
 * them is mapped, and asks the X server (XDamage, raw rectangles) for every
 * drawing into them and their descendants, noting the CLOCK_MONOTONIC time of
 * each as it arrives. Commands, one per line on stdin, each answered by one
 * line on stdout:
 *
 *   status        <mapped µs> <first damage µs> <last damage µs> <damage events>
 *                 <damaged pixels> <width> <height>   (times CLOCK_MONOTONIC, 0: not yet;
 *                 the size of the biggest mapped top-level window)
 *   hash [MARGIN] <64-bit FNV-1a of that window's pixels, hex> <width> <height>;
 *                 with MARGIN, leaving out that many pixels at its right (where
 *                 an overlay scrollbar comes and goes)
 *   shot PATH     writes that window's pixels as a PNG; answers like hash
 *   scroll X Y N  moves the pointer to X,Y in that window and turns the wheel
 *                 down N notches (XTest); answers "ok"
 *   key KEYSYM    presses and releases a key (XTest), e.g. End; answers "ok"
 *
 * It prints READY once a window is watched, and exits on end of input.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/XTest.h>
#include <cairo.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

static long long mapped_us, first_damage_us, last_damage_us;
static unsigned long long events, pixels;

static long long
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
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

static int
is_toplevel (Window w)
{
  for (int i = 0; i < n_toplevels; i++)
    if (toplevels[i] == w)
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

static int
is_viewable (Window w)
{
  XWindowAttributes attrs;

  return XGetWindowAttributes (dpy, w, &attrs) && attrs.map_state == IsViewable;
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
    if (!is_toplevel (children[i]) && window_pid (children[i]) == target_pid)
      {
        watch_tree (children[i]);
        if (n_toplevels < MAX_TOPLEVELS)
          toplevels[n_toplevels++] = children[i];
      }
  if (children)
    XFree (children);
  if (mapped_us == 0)
    for (int i = 0; i < n_toplevels; i++)
      if (is_viewable (toplevels[i]))
        mapped_us = now_us ();
}

/* The biggest mapped top-level window: the app's main window. */
static Window
main_window (XWindowAttributes *out)
{
  Window best = None;
  int area = 0;

  memset (out, 0, sizeof *out);
  for (int i = 0; i < n_toplevels; i++)
    {
      XWindowAttributes attrs;

      if (XGetWindowAttributes (dpy, toplevels[i], &attrs) &&
          attrs.map_state == IsViewable && attrs.width * attrs.height > area)
        {
          best = toplevels[i];
          area = attrs.width * attrs.height;
          *out = attrs;
        }
    }
  return best;
}

static void
print_status (void)
{
  XWindowAttributes attrs;

  main_window (&attrs);
  printf ("%lld %lld %lld %llu %llu %d %d\n", mapped_us, first_damage_us, last_damage_us,
          events, pixels, attrs.width, attrs.height);
}

static void
hash_window (const char *png,
             int         margin)
{
  XWindowAttributes attrs;
  Window w = main_window (&attrs);
  XImage *image;
  uint64_t hash = 14695981039346656037ull;

  if (w == None ||
      (image = XGetImage (dpy, w, 0, 0, attrs.width, attrs.height, AllPlanes, ZPixmap)) == NULL)
    {
      printf ("none 0 0\n");
      return;
    }
  for (int y = 0; y < image->height; y++)
    {
      const unsigned char *row = (const unsigned char *) image->data + (size_t) y * image->bytes_per_line;

      for (int x = 0; x < (image->width - margin) * image->bits_per_pixel / 8; x++)
        {
          hash ^= row[x];
          hash *= 1099511628211ull;
        }
    }
  if (png != NULL && image->bits_per_pixel == 32)
    {
      cairo_surface_t *surface =
        cairo_image_surface_create_for_data ((unsigned char *) image->data, CAIRO_FORMAT_RGB24,
                                             image->width, image->height, image->bytes_per_line);

      if (cairo_surface_write_to_png (surface, png) != CAIRO_STATUS_SUCCESS)
        fprintf (stderr, "hangar-paint-watch: cannot write %s\n", png);
      cairo_surface_destroy (surface);
    }
  printf ("%016llx %d %d\n", (unsigned long long) hash, image->width, image->height);
  XDestroyImage (image);
}

static void
scroll (int x,
        int y,
        int notches)
{
  XWindowAttributes attrs;
  Window w = main_window (&attrs);

  if (w != None)
    {
      XTestFakeMotionEvent (dpy, -1, attrs.x + x, attrs.y + y, 0);
      for (int i = 0; i < notches; i++)
        {
          XTestFakeButtonEvent (dpy, 5, True, 0);
          XTestFakeButtonEvent (dpy, 5, False, 0);
        }
      XFlush (dpy);
    }
  printf ("ok\n");
}

static void
key (const char *name)
{
  KeySym sym = XStringToKeysym (name);
  KeyCode code = sym != NoSymbol ? XKeysymToKeycode (dpy, sym) : 0;

  if (code != 0)
    {
      XTestFakeKeyEvent (dpy, code, True, 0);
      XTestFakeKeyEvent (dpy, code, False, 0);
      XFlush (dpy);
    }
  printf (code != 0 ? "ok\n" : "unknown key\n");
}

static void
command (char *line)
{
  char path[4096];
  char name[64];
  int x, y, n;

  line[strcspn (line, "\n")] = '\0';
  if (strcmp (line, "status") == 0 || line[0] == '\0')
    print_status ();
  else if (strcmp (line, "hash") == 0)
    hash_window (NULL, 0);
  else if (sscanf (line, "hash %d", &n) == 1)
    hash_window (NULL, n > 0 ? n : 0);
  else if (sscanf (line, "shot %4095s", path) == 1)
    hash_window (path, 0);
  else if (sscanf (line, "scroll %d %d %d", &x, &y, &n) == 3)
    scroll (x, y, n);
  else if (sscanf (line, "key %63s", name) == 1)
    key (name);
  else
    printf ("error: unknown command\n");
}

int
main (int    argc,
      char **argv)
{
  int major, minor, xtest_event, xtest_error;
  int announced = 0;
  long long last_scan = -1000000;
  char line[4200];

  if (argc != 2)
    {
      fprintf (stderr, "usage: hangar-paint-watch PID\n");
      return 2;
    }
  target_pid = strtoul (argv[1], NULL, 10);
  dpy = XOpenDisplay (NULL);
  if (dpy == NULL)
    {
      fprintf (stderr, "hangar-paint-watch: cannot open the display\n");
      return 1;
    }
  if (!XDamageQueryExtension (dpy, &damage_event, &damage_error) ||
      !XDamageQueryVersion (dpy, &major, &minor))
    {
      fprintf (stderr, "hangar-paint-watch: no DAMAGE extension\n");
      return 1;
    }
  if (!XTestQueryExtension (dpy, &xtest_event, &xtest_error, &major, &minor))
    fprintf (stderr, "hangar-paint-watch: no XTEST extension: scroll and key do nothing\n");
  XSetErrorHandler (ignore_errors);
  net_wm_pid = XInternAtom (dpy, "_NET_WM_PID", False);
  /* Top-level windows appearing and being mapped. */
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
      if (n_toplevels == 0 || mapped_us == 0 || now_us () - last_scan >= 250000)
        {
          find_toplevels ();
          last_scan = now_us ();
        }
      if (n_watched > 0 && !announced)
        {
          printf ("READY\n");
          announced = 1;
        }
      XFlush (dpy);
      if (!XPending (dpy) && poll (fds, 2, n_toplevels == 0 || mapped_us == 0 ? 5 : 250) < 0)
        continue;

      while (XPending (dpy))
        {
          XEvent ev;

          XNextEvent (dpy, &ev);
          if (ev.type == damage_event + XDamageNotify)
            {
              XDamageNotifyEvent *d = (XDamageNotifyEvent *) &ev;
              long long t = now_us ();

              events++;
              pixels += (unsigned long long) d->area.width * d->area.height;
              if (first_damage_us == 0)
                first_damage_us = t;
              last_damage_us = t;
            }
          else if (ev.type == CreateNotify)
            {
              if (is_watched (ev.xcreatewindow.parent))
                watch_tree (ev.xcreatewindow.window);
            }
          else if (ev.type == MapNotify)
            {
              Window w = ev.xmap.window;

              if (mapped_us == 0 && ev.xmap.event == DefaultRootWindow (dpy) &&
                  window_pid (w) == target_pid)
                {
                  mapped_us = now_us ();
                  if (!is_toplevel (w))
                    find_toplevels ();
                }
            }
        }

      if (fds[1].revents & (POLLIN | POLLHUP))
        {
          if (fgets (line, sizeof line, stdin) == NULL)
            break;
          command (line);
        }
    }

  XCloseDisplay (dpy);
  return 0;
}
