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

#include "hangar-xdamage.h"

#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static HangarXDamage xd;

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
is_viewable (Window w)
{
  XWindowAttributes attrs;

  return XGetWindowAttributes (xd.display, w, &attrs) && attrs.map_state == IsViewable;
}

/* The app's top-level windows, noting when the first of them is mapped. */
static void
find_toplevels (void)
{
  hangar_xdamage_find_toplevels (&xd);
  if (mapped_us == 0)
    for (int i = 0; i < xd.n_toplevels; i++)
      if (is_viewable (xd.toplevels[i]))
        mapped_us = now_us ();
}

static void
print_status (void)
{
  XWindowAttributes attrs;

  hangar_xdamage_biggest_toplevel (&xd, &attrs);
  printf ("%lld %lld %lld %llu %llu %d %d\n", mapped_us, first_damage_us, last_damage_us,
          events, pixels, attrs.width, attrs.height);
}

static void
hash_window (const char *png,
             int         margin)
{
  XWindowAttributes attrs;
  Window w = hangar_xdamage_biggest_toplevel (&xd, &attrs);
  XImage *image;
  uint64_t hash = 14695981039346656037ull;

  if (w == None ||
      (image = XGetImage (xd.display, w, 0, 0, attrs.width, attrs.height, AllPlanes,
                          ZPixmap)) == NULL)
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
  Window w = hangar_xdamage_biggest_toplevel (&xd, &attrs);

  if (w != None)
    {
      XTestFakeMotionEvent (xd.display, -1, attrs.x + x, attrs.y + y, 0);
      for (int i = 0; i < notches; i++)
        {
          XTestFakeButtonEvent (xd.display, 5, True, 0);
          XTestFakeButtonEvent (xd.display, 5, False, 0);
        }
      XFlush (xd.display);
    }
  printf ("ok\n");
}

static void
key (const char *name)
{
  KeySym sym = XStringToKeysym (name);
  KeyCode code = sym != NoSymbol ? XKeysymToKeycode (xd.display, sym) : 0;

  if (code != 0)
    {
      XTestFakeKeyEvent (xd.display, code, True, 0);
      XTestFakeKeyEvent (xd.display, code, False, 0);
      XFlush (xd.display);
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
  if (hangar_xdamage_open (&xd, "hangar-paint-watch", strtoul (argv[1], NULL, 10)) < 0)
    return 1;
  if (!XTestQueryExtension (xd.display, &xtest_event, &xtest_error, &major, &minor))
    fprintf (stderr, "hangar-paint-watch: no XTEST extension: scroll and key do nothing\n");
  setvbuf (stdout, NULL, _IOLBF, 0);

  for (;;)
    {
      int input;

      if (xd.n_toplevels == 0 || mapped_us == 0 || now_us () - last_scan >= 250000)
        {
          find_toplevels ();
          last_scan = now_us ();
        }
      if (xd.n_watched > 0 && !announced)
        {
          printf ("READY\n");
          announced = 1;
        }
      input = hangar_xdamage_wait (&xd, xd.n_toplevels == 0 || mapped_us == 0 ? 5 : 250);
      if (input < 0)
        continue;

      while (XPending (xd.display))
        {
          XEvent ev;
          const XDamageNotifyEvent *d = hangar_xdamage_next_event (&xd, &ev);

          if (d != NULL)
            {
              long long t = now_us ();

              events++;
              pixels += (unsigned long long) d->area.width * d->area.height;
              if (first_damage_us == 0)
                first_damage_us = t;
              last_damage_us = t;
            }
          else if (ev.type == MapNotify)
            {
              Window w = ev.xmap.window;

              if (mapped_us == 0 && ev.xmap.event == DefaultRootWindow (xd.display) &&
                  hangar_xdamage_window_pid (&xd, w) == xd.pid)
                {
                  mapped_us = now_us ();
                  if (!hangar_xdamage_is_toplevel (&xd, w))
                    find_toplevels ();
                }
            }
        }

      if (input)
        {
          if (fgets (line, sizeof line, stdin) == NULL)
            break;
          command (line);
        }
    }

  hangar_xdamage_close (&xd);
  return 0;
}
