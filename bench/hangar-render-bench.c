/* hangar-render-bench.c: what GTK costs to show the guest's frames, without a guest.
 *
 *   hangar-render-bench [--frames N] [--width W] [--height H] [--x-pid PID] [--part P]
 *
 * Shows a HangarDisplay in a window the size of a fake guest surface (xRGB, as
 * SPICE hands it over) and, on every frame clock tick, changes the top P
 * (0 < P <= 1) of the surface and invalidates it, as a guest redrawing that
 * much of its screen every frame would, for N ticks after 30 of warm-up. It
 * prints the renderer, the frames the display drew with new content meanwhile
 * (HangarDisplayStats), and the CPU milliseconds per such frame of this
 * process and, with --x-pid, of the X server:
 *
 *   <renderer> <frames drawn> <ms per frame, this process> <ms per frame, X server>
 *
 * No SPICE, no decoding, no QEMU: the toolkit's and the driver's share of the
 * display's cost (the paintable's uploads included), alone on the machine's
 * CPU. Run it under each renderer (GSK_RENDERER=cairo GDK_DEBUG=gl-disable
 * for the app's path without a GPU).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>
#include <spice-client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "hangar-display-private.h"

#define WARMUP_FRAMES 30

typedef struct
{
  int             frames;
  int             width;
  int             height;
  int             x_pid;
  double          part;
  guint32        *pixels;
  HangarDisplay  *display;
  int             frame;
  double          start_cpu;
  double          start_x_cpu;
  guint64         start_frames;
} Bench;

static guint64
frames_drawn (Bench *bench)
{
  HangarDisplayStats stats;

  hangar_display_get_stats (bench->display, &stats);
  return stats.frames;
}

static double
process_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* utime + stime of another process, from /proc/PID/stat. */
static double
other_cpu_seconds (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (pid <= 0 || !g_file_get_contents (path, &contents, NULL, NULL) ||
      (end = strrchr (contents, ')')) == NULL)
    return 0;
  fields = g_strsplit (end + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

/* Outside the frame clock's dispatch, as the channel's decoding is. */
static gboolean
change (gpointer user_data)
{
  Bench *bench = user_data;
  int rows = MAX (1, (int) (bench->height * bench->part));

  /* Every pixel of the part changes, as in the guest's flood. */
  for (int y = 0; y < rows; y++)
    for (int x = 0; x < bench->width; x++)
      bench->pixels[(gsize) y * bench->width + x] =
        (guint32) ((x + bench->frame) & 0xff) << 16 | (guint32) ((y + bench->frame) & 0xff) << 8 |
        (guint32) (((x ^ y) * 7 + bench->frame) & 0xff);
  hangar_spice_paintable_invalidate (bench->display->paintable, 0, 0, bench->width, rows);
  return G_SOURCE_REMOVE;
}

static gboolean
tick (GtkWidget     *widget,
      GdkFrameClock *frame_clock,
      gpointer       user_data)
{
  Bench *bench = user_data;

  if (bench->frame == WARMUP_FRAMES)
    {
      bench->start_cpu = process_cpu_seconds ();
      bench->start_x_cpu = other_cpu_seconds (bench->x_pid);
      bench->start_frames = frames_drawn (bench);
    }
  else if (bench->frame == WARMUP_FRAMES + bench->frames)
    {
      GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
      guint64 drawn = MAX (1, frames_drawn (bench) - bench->start_frames);

      printf ("%s\t%" G_GUINT64_FORMAT "\t%.2f\t%.2f\n", G_OBJECT_TYPE_NAME (renderer), drawn,
              (process_cpu_seconds () - bench->start_cpu) * 1000 / drawn,
              (other_cpu_seconds (bench->x_pid) - bench->start_x_cpu) * 1000 / drawn);
      exit (0);
    }

  g_idle_add_full (G_PRIORITY_DEFAULT, change, bench, NULL);
  bench->frame++;
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  Bench bench = { .frames = 300, .width = 1024, .height = 768, .part = 1.0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &bench.frames, "frames measured (300)", "N" },
    { "width", 0, 0, G_OPTION_ARG_INT, &bench.width, "surface width (1024)", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &bench.height, "surface height (768)", "H" },
    { "x-pid", 0, 0, G_OPTION_ARG_INT, &bench.x_pid, "the X server, to count its CPU too", "PID" },
    { "part", 0, 0, G_OPTION_ARG_DOUBLE, &bench.part, "part of the surface changed (1)", "P" },
    { NULL }
  };
  GtkWidget *window;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "What GTK costs to show a guest's frames, without a guest.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || bench.frames <= 0 ||
      bench.width <= 0 || bench.height <= 0 || bench.part <= 0 || bench.part > 1)
    {
      g_printerr ("hangar-render-bench: %s\n", error != NULL ? error->message : "bad arguments");
      return 2;
    }

  gtk_init ();
  bench.pixels = g_new0 (guint32, (gsize) bench.width * bench.height);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), bench.width, bench.height);
  bench.display = HANGAR_DISPLAY (hangar_display_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (bench.display));
  hangar_spice_paintable_set_primary (bench.display->paintable, SPICE_SURFACE_FMT_32_xRGB,
                                      bench.width, bench.height, bench.width * 4,
                                      (const guint8 *) bench.pixels);
  gtk_widget_add_tick_callback (GTK_WIDGET (bench.display), tick, &bench, NULL);
  gtk_window_present (GTK_WINDOW (window));

  for (;;)
    g_main_context_iteration (NULL, TRUE);
}
