/* hangar-display-bench.c: Hangar's display widget alone, against a running guest.
 *
 *   hangar-display-bench [--uri URI] [--warmup S] [--seconds S] [--headless] [--stay] DOMAIN
 *
 * Connects to DOMAIN's SPICE display the way Hangar does (a descriptor from
 * gvir_domain_open_graphics_fd for every channel, so no network port), shows
 * it in a plain GtkWindow holding one HangarDisplay (fit scaling, the window's
 * default size the guest's), and once the first frame is in, waits --warmup
 * seconds and measures for --seconds. It prints
 *
 *   BENCH_START                       when the measured interval starts
 *   <one TSV line>                    when it ends, then exits (with --stay, it
 *                                     goes on until SIGTERM or SIGINT)
 *
 * The TSV columns (see HEADER): seconds measured, frames shown (HangarDisplay's
 * own counter: frames in which the widget drew new guest content), the
 * guest's invalidations, the tiles uploaded, this process's CPU seconds
 * (utime + stime), peak RSS (VmHWM) and Pss, both in KiB, the guest's size, and
 * how many repaints waited a frame for the end of a burst of invalidations,
 * and how long in all (µs).
 *
 * --headless makes the floor instead: no window and no GTK drawing, only
 * spice-client-glib receiving and decoding the same stream into its primary
 * surface. Its "frames" are the bursts of invalidations (a new burst after
 * BURST_GAP_US without one), which is what a display could show at most.
 * For the latency of the floor it also watches the pixel in the middle of
 * the surface, and prints, whenever an invalidation turns it white, black or
 * something else,
 *
 *   PROBE <CLOCK_MONOTONIC µs> white|black|other
 *
 * The driver, bench/display-bench, reads BENCH_START to sample the X server's
 * CPU and the X damage counter at the same moments.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <gtk/gtk.h>
#include <libvirt-gobject/libvirt-gobject.h>
#include <signal.h>
#include <spice-client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "hangar-display.h"

#define BURST_GAP_US 8000

#define HEADER "mode\tseconds\tframes\tinvalidations\ttiles\tcpu_s\thwm_kib\tpss_kib\twidth\theight" \
               "\trepaints_waited\trepaint_wait_us"

typedef struct
{
  char             *uri;
  char             *domain_name;
  double            warmup;
  double            seconds;
  gboolean          headless;
  gboolean          stay;
  gboolean          reported;

  GVirConnection   *connection;
  GVirDomain       *domain;
  SpiceSession     *session;
  GtkWidget        *window;
  HangarDisplay    *display;
  GMainLoop        *loop;

  int               width;
  int               height;
  gboolean          first_frame;
  guint             timer;

  /* Headless counters and the probe. */
  const guint8     *data;
  int               format;
  int               stride;
  const char       *probe_color;
  guint64           invalidations;
  guint64           bursts;
  gint64            last_invalidation_us;

  /* At the start of the measured interval. */
  gint64            start_us;
  double            start_cpu;
  guint64           start_frames;
  guint64           start_invalidations;
  guint64           start_tiles;
  guint64           start_waited;
  guint64           start_wait_us;

  int               status;
} Bench;

static double
process_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* A "Name:   value kB" line of a /proc/self file. */
static long
proc_kib (const char *path,
          const char *key)
{
  g_autofree char *contents = NULL;
  const char *p;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return -1;
  for (p = contents; p != NULL && *p != '\0'; p = strchr (p, '\n'), p = p ? p + 1 : NULL)
    if (g_str_has_prefix (p, key) && p[strlen (key)] == ':')
      return strtol (p + strlen (key) + 1, NULL, 10);
  return -1;
}

static void
get_counts (Bench   *bench,
            guint64 *frames,
            guint64 *invalidations,
            guint64 *tiles,
            guint64 *waited,
            guint64 *wait_us)
{
  if (bench->headless)
    {
      *frames = bench->bursts;
      *invalidations = bench->invalidations;
      *tiles = *waited = *wait_us = 0;
    }
  else
    {
      HangarDisplayStats stats;

      hangar_display_get_stats (bench->display, &stats);
      *frames = stats.frames;
      *invalidations = stats.invalidations;
      *tiles = stats.tiles_uploaded;
      *waited = stats.repaints_waited;
      *wait_us = stats.repaint_wait_us;
    }
}

static void
finish (Bench *bench,
        int    status)
{
  bench->status = status;
  g_main_loop_quit (bench->loop);
}

static gboolean
measure_end (gpointer user_data)
{
  Bench *bench = user_data;
  guint64 frames, invalidations, tiles, waited, wait_us;
  double cpu = process_cpu_seconds ();
  double seconds = (g_get_monotonic_time () - bench->start_us) / 1e6;

  bench->timer = 0;
  get_counts (bench, &frames, &invalidations, &tiles, &waited, &wait_us);
  printf ("%s\t%.3f\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT
          "\t%.3f\t%ld\t%ld\t%d\t%d\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\n",
          bench->headless ? "headless" : "window",
          seconds,
          frames - bench->start_frames,
          invalidations - bench->start_invalidations,
          tiles - bench->start_tiles,
          cpu - bench->start_cpu,
          proc_kib ("/proc/self/status", "VmHWM"),
          proc_kib ("/proc/self/smaps_rollup", "Pss"),
          bench->width, bench->height,
          waited - bench->start_waited, wait_us - bench->start_wait_us);
  fflush (stdout);
  bench->reported = TRUE;
  if (!bench->stay)
    finish (bench, 0);
  return G_SOURCE_REMOVE;
}

static gboolean
measure_start (gpointer user_data)
{
  Bench *bench = user_data;

  bench->start_us = g_get_monotonic_time ();
  bench->start_cpu = process_cpu_seconds ();
  get_counts (bench, &bench->start_frames, &bench->start_invalidations, &bench->start_tiles,
              &bench->start_waited, &bench->start_wait_us);
  printf ("BENCH_START\n");
  fflush (stdout);
  bench->timer = g_timeout_add ((guint) (bench->seconds * 1000), measure_end, bench);
  return G_SOURCE_REMOVE;
}

static void
got_first_frame (Bench *bench)
{
  if (bench->first_frame)
    return;
  bench->first_frame = TRUE;
  g_printerr ("hangar-display-bench: first frame, %dx%d; warming up for %.1f s\n",
              bench->width, bench->height, bench->warmup);
  if (!bench->headless)
    {
      gtk_window_set_default_size (GTK_WINDOW (bench->window), bench->width, bench->height);
      gtk_window_present (GTK_WINDOW (bench->window));
    }
  bench->timer = g_timeout_add ((guint) (bench->warmup * 1000), measure_start, bench);
}

static int
open_fd (Bench *bench)
{
  g_autoptr(GError) error = NULL;
  int fd = gvir_domain_open_graphics_fd (bench->domain, 0, 0, &error);

  if (fd < 0)
    g_printerr ("hangar-display-bench: cannot open the graphics descriptor: %s\n",
                error->message);
  return fd;
}

static void
on_open_fd (SpiceChannel *channel,
            int           with_tls,
            Bench        *bench)
{
  int fd = open_fd (bench);

  if (fd < 0 || !spice_channel_open_fd (channel, fd))
    {
      if (fd >= 0)
        close (fd);
      finish (bench, 1);
    }
}

static void
on_primary_create (SpiceChannel *channel,
                   int           format,
                   int           width,
                   int           height,
                   int           stride,
                   int           shmid,
                   gpointer      imgdata,
                   Bench        *bench)
{
  bench->width = width;
  bench->height = height;
  bench->data = imgdata;
  bench->format = format;
  bench->stride = stride;
}

static void
on_primary_destroy (SpiceChannel *channel,
                    Bench        *bench)
{
  bench->data = NULL;
}

static void
probe (Bench *bench)
{
  int x = bench->width / 2, y = bench->height / 2;
  const char *color;
  guint32 pixel;
  guint r, g, b;

  if (bench->data == NULL || (bench->format != SPICE_SURFACE_FMT_32_xRGB &&
                              bench->format != SPICE_SURFACE_FMT_32_ARGB))
    return;
  memcpy (&pixel, bench->data + (gsize) y * bench->stride + (gsize) x * 4, 4);
  pixel = GUINT32_FROM_LE (pixel);
  r = (pixel >> 16) & 0xff;
  g = (pixel >> 8) & 0xff;
  b = pixel & 0xff;
  if (r >= 0xe0 && g >= 0xe0 && b >= 0xe0)
    color = "white";
  else if (r <= 0x20 && g <= 0x20 && b <= 0x20)
    color = "black";
  else
    color = "other";
  if (color != bench->probe_color)
    {
      printf ("PROBE %" G_GINT64_FORMAT " %s\n", g_get_monotonic_time (), color);
      fflush (stdout);
      bench->probe_color = color;
    }
}

/* Headless: spice-client-glib alone. */

static void
on_invalidate (SpiceChannel *channel,
               int           x,
               int           y,
               int           w,
               int           h,
               Bench        *bench)
{
  gint64 now = g_get_monotonic_time ();

  bench->invalidations++;
  if (bench->last_invalidation_us == 0 || now - bench->last_invalidation_us > BURST_GAP_US)
    bench->bursts++;
  bench->last_invalidation_us = now;
  if (x <= bench->width / 2 && bench->width / 2 < x + w &&
      y <= bench->height / 2 && bench->height / 2 < y + h)
    probe (bench);
}

static void
on_mark (SpiceChannel *channel,
         int           mark,
         Bench        *bench)
{
  if (mark && bench->width > 0 && bench->headless)
    got_first_frame (bench);
}

static void
on_channel_event (SpiceChannel     *channel,
                  SpiceChannelEvent event,
                  Bench            *bench)
{
  switch (event)
    {
    case SPICE_CHANNEL_CLOSED:
    case SPICE_CHANNEL_ERROR_CONNECT:
    case SPICE_CHANNEL_ERROR_TLS:
    case SPICE_CHANNEL_ERROR_LINK:
    case SPICE_CHANNEL_ERROR_AUTH:
    case SPICE_CHANNEL_ERROR_IO:
      if (SPICE_IS_MAIN_CHANNEL (channel) || SPICE_IS_DISPLAY_CHANNEL (channel))
        {
          g_printerr ("hangar-display-bench: channel event %d, stopping\n", event);
          finish (bench, 1);
        }
      break;

    case SPICE_CHANNEL_NONE:
    case SPICE_CHANNEL_OPENED:
    case SPICE_CHANNEL_SWITCHING:
    default:
      break;
    }
}

static void
on_channel_new (SpiceSession *session,
                SpiceChannel *channel,
                Bench        *bench)
{
  int id = 0;

  g_signal_connect (channel, "open-fd", G_CALLBACK (on_open_fd), bench);
  g_signal_connect (channel, "channel-event", G_CALLBACK (on_channel_event), bench);

  g_object_get (channel, "channel-id", &id, NULL);
  if (SPICE_IS_DISPLAY_CHANNEL (channel) && id == 0)
    {
      /* The guest's size, for the window; HangarDisplay connects its own handlers. */
      g_signal_connect (channel, "display-primary-create", G_CALLBACK (on_primary_create), bench);
      if (bench->headless)
        {
          g_signal_connect (channel, "display-invalidate", G_CALLBACK (on_invalidate), bench);
          g_signal_connect (channel, "display-mark", G_CALLBACK (on_mark), bench);
          g_signal_connect (channel, "display-primary-destroy",
                            G_CALLBACK (on_primary_destroy), bench);
          spice_channel_connect (channel);
        }
    }
}

/* Window: HangarDisplay. */

static void
on_display_state (HangarDisplay *display,
                  GParamSpec    *pspec,
                  Bench         *bench)
{
  switch (hangar_display_get_state (display))
    {
    case HANGAR_DISPLAY_STATE_READY:
      got_first_frame (bench);
      break;

    case HANGAR_DISPLAY_STATE_CLOSED:
    case HANGAR_DISPLAY_STATE_ERROR:
      g_printerr ("hangar-display-bench: display stopped: %s\n",
                  hangar_display_get_message (display));
      finish (bench, 1);
      break;

    case HANGAR_DISPLAY_STATE_IDLE:
    case HANGAR_DISPLAY_STATE_CONNECTING:
    default:
      break;
    }
}

static gboolean
on_close_request (GtkWindow *window,
                  Bench     *bench)
{
  finish (bench, 1);
  return FALSE;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Bench *bench = user_data;

  finish (bench, bench->reported ? 0 : 1);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_args (Bench  *bench,
            int    *argc,
            char ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "uri", 0, 0, G_OPTION_ARG_STRING, &bench->uri, "libvirt URI (qemu:///session)", "URI" },
    { "warmup", 0, 0, G_OPTION_ARG_DOUBLE, &bench->warmup,
      "seconds between the first frame and the measurement (3)", "S" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &bench->seconds, "seconds measured (10)", "S" },
    { "headless", 0, 0, G_OPTION_ARG_NONE, &bench->headless,
      "no window: spice-client-glib alone (the floor)", NULL },
    { "stay", 0, 0, G_OPTION_ARG_NONE, &bench->stay,
      "keep running after the result, until SIGTERM or SIGINT", NULL },
    { NULL }
  };

  context = g_option_context_new ("DOMAIN");
  g_option_context_set_summary (context, "Measure Hangar's display against a running guest.\n"
                                "Output columns: " HEADER);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("hangar-display-bench: %s\n", error->message);
      return FALSE;
    }
  if (*argc != 2 || bench->warmup < 0 || bench->seconds <= 0)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_printerr ("%s", help);
      return FALSE;
    }
  bench->domain_name = g_strdup ((*argv)[1]);
  if (bench->uri == NULL)
    bench->uri = g_strdup ("qemu:///session");
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  Bench bench = { .warmup = 3, .seconds = 10, .status = 1 };
  g_autoptr(GError) error = NULL;
  int fd;

  if (!parse_args (&bench, &argc, &argv))
    return 2;

  if (!bench.headless)
    gtk_init ();
  if (!gvir_init_object_check (NULL, NULL, &error))
    {
      g_printerr ("hangar-display-bench: %s\n", error->message);
      return 1;
    }

  bench.connection = gvir_connection_new (bench.uri);
  if (!gvir_connection_open (bench.connection, NULL, &error) ||
      !gvir_connection_fetch_domains (bench.connection, NULL, &error))
    {
      g_printerr ("hangar-display-bench: %s: %s\n", bench.uri, error->message);
      return 1;
    }
  bench.domain = gvir_connection_find_domain_by_name (bench.connection, bench.domain_name);
  if (bench.domain == NULL)
    {
      g_printerr ("hangar-display-bench: no domain %s on %s\n", bench.domain_name, bench.uri);
      return 1;
    }

  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.session = spice_session_new ();
  /* As Hangar's display page sets it up. */
  g_object_set (bench.session,
                "enable-audio", FALSE,
                "enable-usbredir", FALSE,
                "gl-scanout", FALSE,
                NULL);
  /* Before the display's own handler: each channel asks for its descriptor
   * when it is connected. */
  g_signal_connect (bench.session, "channel-new", G_CALLBACK (on_channel_new), &bench);

  if (!bench.headless)
    {
      bench.window = gtk_window_new ();
      gtk_window_set_title (GTK_WINDOW (bench.window), "hangar-display-bench");
      bench.display = HANGAR_DISPLAY (hangar_display_new ());
      hangar_display_set_scaling (bench.display, HANGAR_DISPLAY_SCALING_FIT);
      hangar_display_set_resize_guest (bench.display, FALSE);
      hangar_display_set_share_clipboard (bench.display, FALSE);
      gtk_window_set_child (GTK_WINDOW (bench.window), GTK_WIDGET (bench.display));
      g_signal_connect (bench.display, "notify::state", G_CALLBACK (on_display_state), &bench);
      g_signal_connect (bench.window, "close-request", G_CALLBACK (on_close_request), &bench);
      hangar_display_set_session (bench.display, bench.session);
    }

  fd = open_fd (&bench);
  if (fd < 0)
    return 1;
  /* The main channel asks for its descriptor before channel-new. */
  if (!spice_session_open_fd (bench.session, fd))
    {
      close (fd);
      g_printerr ("hangar-display-bench: the SPICE session could not be started\n");
      return 1;
    }

  g_unix_signal_add (SIGTERM, on_quit_signal, &bench);
  g_unix_signal_add (SIGINT, on_quit_signal, &bench);
  g_main_loop_run (bench.loop);

  g_clear_handle_id (&bench.timer, g_source_remove);
  if (bench.display != NULL)
    hangar_display_set_session (bench.display, NULL);
  spice_session_disconnect (bench.session);
  g_clear_object (&bench.session);
  if (bench.window != NULL)
    gtk_window_destroy (GTK_WINDOW (bench.window));
  g_clear_object (&bench.domain);
  g_clear_object (&bench.connection);
  g_main_loop_unref (bench.loop);
  g_free (bench.uri);
  g_free (bench.domain_name);
  return bench.status;
}
