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

#include "hangar-xdamage.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define GAP_MS 4

static HangarXDamage xd;

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
      input = hangar_xdamage_wait (&xd, xd.n_watched == 0 ? 20 : 250);
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
            }
        }

      if (input)
        {
          if (fgets (line, sizeof line, stdin) == NULL)
            break;
          print_counts ();
        }
    }

  hangar_xdamage_close (&xd);
  return 0;
}
