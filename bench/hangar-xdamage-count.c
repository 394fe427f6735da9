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
 * On each empty line read from stdin it prints the counts so far:
 *   <frames> <damage events> <damaged pixels> <windows watched> <width> <height>
 * the last two the size of its biggest mapped top-level window, and it exits
 * on end of input. It prints READY once a window is watched.
 *
 * For latency, the line "probe" starts watching the pixel on the screen at the
 * middle of that window (read from the root window, so it is what the screen
 * shows, after any compositing), after every damage event and every PROBE_MS:
 * each time it turns white, black or something else, the CLOCK_MONOTONIC time
 * is noted. The line "probes" prints those changes since the last "probes",
 *   PROBE <µs> white|black|other
 * one a line, then END.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hangar-xdamage.h"

#include <X11/Xutil.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GAP_MS 4
#define PROBE_MS 2
#define MAX_PROBES 256

static HangarXDamage xd;

static unsigned long long frames, events, pixels;
static Time last_time;
static int have_last;

static int probing;
static const char *probe_color;
static struct { long long us; const char *color; } probes[MAX_PROBES];
static int n_probes;

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Reads the screen's pixel at the middle of the viewer's window and notes
 * when its colour class changes. */
static void
probe (void)
{
  XWindowAttributes attrs;
  Window window = hangar_xdamage_biggest_toplevel (&xd, &attrs);
  Window child;
  int x, y;
  XImage *image;
  const char *color;

  if (window == None ||
      !XTranslateCoordinates (xd.display, window, attrs.root, attrs.width / 2, attrs.height / 2,
                              &x, &y, &child))
    return;
  image = XGetImage (xd.display, attrs.root, x, y, 1, 1, AllPlanes, ZPixmap);
  if (image == NULL)
    return;
  {
    unsigned long pixel = XGetPixel (image, 0, 0);
    unsigned r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff;

    if (r >= 0xe0 && g >= 0xe0 && b >= 0xe0)
      color = "white";
    else if (r <= 0x20 && g <= 0x20 && b <= 0x20)
      color = "black";
    else
      color = "other";
  }
  XDestroyImage (image);
  if (color != probe_color && n_probes < MAX_PROBES)
    {
      probes[n_probes].us = now_us ();
      probes[n_probes].color = color;
      n_probes++;
    }
  probe_color = color;
}

static void
print_counts (void)
{
  XWindowAttributes attrs;

  /* The biggest mapped top-level window: the viewer's. */
  hangar_xdamage_biggest_toplevel (&xd, &attrs);
  printf ("%llu %llu %llu %d %d %d\n", frames, events, pixels, xd.n_watched, attrs.width,
          attrs.height);
}

int
main (int    argc,
      char **argv)
{
  int announced = 0;
  long long last_scan = -1000;
  char line[256];

  if (argc != 2)
    {
      fprintf (stderr, "usage: hangar-xdamage-count PID\n");
      return 2;
    }
  if (hangar_xdamage_open (&xd, "hangar-xdamage-count", strtoul (argv[1], NULL, 10)) < 0)
    return 1;
  setvbuf (stdout, NULL, _IOLBF, 0);

  for (;;)
    {
      int input;

      if (xd.n_watched == 0 || now_ms () - last_scan >= 250)
        {
          hangar_xdamage_find_toplevels (&xd);
          last_scan = now_ms ();
        }
      if (xd.n_watched > 0 && !announced)
        {
          printf ("READY\n");
          announced = 1;
        }
      input = hangar_xdamage_wait (&xd, xd.n_watched == 0 ? 20 : probing ? PROBE_MS : 250);
      if (input < 0)
        continue;

      while (XPending (xd.display))
        {
          XEvent ev;
          const XDamageNotifyEvent *d = hangar_xdamage_next_event (&xd, &ev);

          if (d != NULL)
            {
              events++;
              pixels += (unsigned long long) d->area.width * d->area.height;
              if (!have_last || d->timestamp - last_time > GAP_MS)
                frames++;
              last_time = d->timestamp;
              have_last = 1;
              if (probing)
                probe ();
            }
        }
      if (probing)
        probe ();

      if (input)
        {
          if (fgets (line, sizeof line, stdin) == NULL)
            break;
          if (strcmp (line, "probe\n") == 0)
            {
              probing = 1;
              probe_color = NULL;
              probe ();
            }
          else if (strcmp (line, "probes\n") == 0)
            {
              for (int i = 0; i < n_probes; i++)
                printf ("PROBE %lld %s\n", probes[i].us, probes[i].color);
              n_probes = 0;
              printf ("END\n");
            }
          else
            print_counts ();
        }
    }

  hangar_xdamage_close (&xd);
  return 0;
}
