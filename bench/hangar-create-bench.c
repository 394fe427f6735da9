/* hangar-create-bench.c: from "ISO chosen" to the guest's first frame, Hangar's path or bare QEMU.
 *
 *   hangar-create-bench [--uri URI] (--try | --disk GIB) [--save-argv FILE] [--save-xml FILE]
 *                       [--watch-pid PID,...] [--timeout S] ISO
 *   hangar-create-bench --floor ARGV-FILE --socket PATH [--disk-image PATH] [--timeout S]
 *   hangar-create-bench --libvirt XML-FILE [--uri URI] [--watch-pid PID,...] [--timeout S]
 *   hangar-create-bench --identify N ISO...
 *
 * Hangar (the default mode) does what the app does once the user has picked
 * ISO, with the OS database already loaded and the connection and collection
 * already open (all three before the clock starts, as at the app's startup):
 * identification and the host probe side by side (as the assistant starts
 * them), hangar_vm_settings_new_for() with software emulation forced (KVM
 * hangs guests on these machines), HangarVmCreator as "Try it" (--try) or with
 * a disk (--disk), then the display as the app opens it: the machine from the
 * collection once it is listed and running, a descriptor from
 * hangar_machine_open_graphics_fd_async() for the main channel and one for
 * each channel HangarDisplay connects (display, cursor, inputs). The clock
 * stops at the first invalidation of the primary surface ("first frame"); the
 * first one with a pixel that is not black is recorded too. Then it cleans up:
 * the machine is stopped, undefined and its disk deleted, untimed.
 *
 * --floor is the same guest without Hangar or libvirt: the command line in
 * ARGV-FILE (NUL-separated, as /proc/PID/cmdline; bench/create-bench-session
 * makes it from the one libvirt ran for Hangar's guest, with SPICE on the unix
 * socket PATH) is executed directly, and a spice-client-glib client that
 * connects the same channels to that socket as soon as it exists times exec
 * to the first frame.
 *
 * --libvirt is the floor of any libvirt application: the domain XML Hangar
 * made, started with one virDomainCreateXML() (no identification, no
 * creator, no collection), and descriptors from gvir_domain_open_graphics_fd()
 * (the main channel's at once, the others' from a worker thread, as Hangar
 * does) for the same client.
 *
 * --identify times hangar_os_db_identify_async() N times per ISO with the
 * database loaded first (its load is timed too, once).
 *
 * Each mode prints one line, "RESULT " and a JSON object: times in
 * milliseconds from the start ("ISO chosen", or the exec of QEMU), the CPU
 * seconds of this process, of QEMU, of --watch-pid (the libvirt daemons) and of
 * the whole machine up to the first frame.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gio/gio.h>
#include <libvirt-gobject/libvirt-gobject.h>
#include <spice-client.h>

#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-vm-settings.h"
#include "hangar-machine.h"
#include "hangar-media.h"
#include "hangar-os-db.h"
#include "hangar-storage-pool.h"
#include "hangar-vm-creator.h"

typedef enum
{
  MARK_IDENTIFIED,
  MARK_PROBED,
  MARK_SETTINGS,
  MARK_STEP_NAME,
  MARK_STEP_POOL,
  MARK_STEP_VOLUME,
  MARK_STEP_CONFIG,
  MARK_STEP_DEFINE,
  MARK_STEP_START,
  MARK_CREATED,
  MARK_LISTED,
  MARK_RUNNING,
  MARK_OPEN,
  MARK_SPAWNED,
  MARK_SOCKET,
  MARK_MAIN_FD,
  MARK_MAIN_OPENED,
  MARK_DISPLAY_OPENED,
  MARK_PRIMARY,
  MARK_FIRST_FRAME,
  MARK_NONBLACK,
  N_MARKS
} Mark;

static const char *mark_names[N_MARKS] = {
  "identified", "probed", "settings", "step_name", "step_pool", "step_volume", "step_config",
  "step_define", "step_start", "created", "listed", "running", "open", "spawned", "socket",
  "main_fd", "main_opened", "display_opened", "primary", "first_frame", "nonblack",
};

typedef struct
{
  /* Options. */
  char              *uri;
  gboolean           try_it;
  gint64             disk_gib;
  char              *save_argv;
  char              *save_xml;
  char              *watch_pids;
  double             timeout;
  char              *floor_argv;
  char              *socket_path;
  char              *disk_image;
  char              *libvirt_xml;
  int                identify_count;
  char             **paths;

  GMainLoop         *loop;
  gboolean           done;
  int                status;
  char              *error;

  gint64             t0;
  gint64             marks[N_MARKS];
  double             cpu_self0, cpu_watch0, busy0;
  double             cpu_self, cpu_watch, cpu_qemu, busy;

  /* Hangar. */
  HangarOsDb        *db;
  HangarConnection  *connection;
  HangarCollection  *collection;
  guint              pending;
  HangarMedia       *media;
  HangarHostInfo    *host;
  HangarVmCreator   *creator;
  GVirDomain        *domain;
  HangarMachine     *machine;
  char              *state_at_created;
  gboolean           created;
  gboolean           opened;
  char              *disk_path;
  double             db_load_ms;

  /* Floors. */
  GVirConnection    *gvir;
  GVirDomain        *plain_domain;
  GSubprocess       *qemu;
  guint              poll_source;

  /* Display. */
  SpiceSession      *session;
  int                width, height;
  guint              invalidations;
  guint              timeout_source;
} Bench;

static void
mark (Bench *bench,
      Mark   m)
{
  if (bench->marks[m] == 0)
    bench->marks[m] = g_get_monotonic_time ();
}

static void
finish (Bench      *bench,
        const char *error)
{
  if (bench->done)
    return;
  bench->done = TRUE;
  if (error != NULL)
    {
      bench->status = 1;
      bench->error = g_strdup (error);
      g_printerr ("hangar-create-bench: %s\n", error);
    }
  g_main_loop_quit (bench->loop);
}

static void
run_until (Bench    *bench,
           gboolean *flag)
{
  while (!*flag && !bench->done)
    g_main_context_iteration (NULL, TRUE);
}

/* CPU figures ***********************************************************/

static double
self_cpu (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static double
pid_cpu (int pid)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *tail;

  if (pid <= 0)
    return 0;
  path = g_strdup_printf ("/proc/%d/stat", pid);
  if (!g_file_get_contents (path, &contents, NULL, NULL) ||
      (tail = strrchr (contents, ')')) == NULL)
    return 0;
  fields = g_strsplit (tail + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

/* CPU seconds all cores spent busy since boot. */
static double
system_busy (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  double busy = 0;

  if (!g_file_get_contents ("/proc/stat", &contents, NULL, NULL))
    return 0;
  *strchr (contents, '\n') = '\0';
  fields = g_strsplit_set (contents, " ", 0);
  for (int i = 1, column = 0; fields[i] != NULL; i++)
    {
      if (*fields[i] == '\0')
        continue;
      /* user nice system idle iowait irq softirq steal */
      if (column != 3 && column != 4 && column < 8)
        busy += g_ascii_strtod (fields[i], NULL);
      column++;
    }
  return busy / sysconf (_SC_CLK_TCK);
}

/* The CPU of the processes in --watch-pid (a comma-separated list). */
static double
watched_cpu (Bench *bench)
{
  g_auto(GStrv) pids = NULL;
  double cpu = 0;

  if (bench->watch_pids == NULL)
    return 0;
  pids = g_strsplit (bench->watch_pids, ",", 0);
  for (int i = 0; pids[i] != NULL; i++)
    cpu += pid_cpu (atoi (pids[i]));
  return cpu;
}

static void
sample_start (Bench *bench)
{
  bench->cpu_self0 = self_cpu ();
  bench->cpu_watch0 = watched_cpu (bench);
  bench->busy0 = system_busy ();
}

static int
qemu_pid (Bench *bench)
{
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  if (bench->qemu != NULL)
    {
      const char *id = g_subprocess_get_identifier (bench->qemu);

      return id != NULL ? atoi (id) : 0;
    }
  if (bench->plain_domain != NULL)
    file = g_strconcat (gvir_domain_get_name (bench->plain_domain), ".pid", NULL);
  else if (bench->creator != NULL && hangar_vm_creator_get_name (bench->creator) != NULL)
    file = g_strconcat (hangar_vm_creator_get_name (bench->creator), ".pid", NULL);
  else
    return 0;
  path = g_build_filename (g_get_user_runtime_dir (), "libvirt", "qemu", "run", file, NULL);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  return atoi (contents);
}

static void
sample_end (Bench *bench)
{
  bench->cpu_self = self_cpu () - bench->cpu_self0;
  bench->cpu_watch = watched_cpu (bench) - bench->cpu_watch0;
  bench->cpu_qemu = pid_cpu (qemu_pid (bench));
  bench->busy = system_busy () - bench->busy0;
}

/* The display, as HangarDisplay connects it ******************************/

static int
connect_socket (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  if (strlen (path) >= sizeof addr.sun_path)
    return -1;
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      int saved = errno;

      close (fd);
      errno = saved;
      return -1;
    }
  return fd;
}

typedef struct
{
  Bench        *bench;
  SpiceChannel *channel;
} FdRequest;

static void
channel_fd_ready (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FdRequest *request = user_data;
  g_autoptr(GError) error = NULL;
  int fd = hangar_machine_open_graphics_fd_finish (HANGAR_MACHINE (object), result, &error);

  if (fd < 0)
    finish (request->bench, error->message);
  else if (!spice_channel_open_fd (request->channel, fd))
    {
      close (fd);
      finish (request->bench, "a channel did not take its descriptor");
    }
  g_object_unref (request->channel);
  g_free (request);
}

/* libvirt alone: the same descriptor from a worker thread, as HangarMachine
 * gets it, so the client waits on libvirt no more than Hangar's does. */
static void
plain_fd_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  int fd = gvir_domain_open_graphics_fd (GVIR_DOMAIN (source_object), 0, 0, &error);

  if (fd < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, fd);
}

static void
plain_fd_ready (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  FdRequest *request = user_data;
  g_autoptr(GError) error = NULL;
  int fd = g_task_propagate_int (G_TASK (result), &error);

  if (fd < 0)
    finish (request->bench, error->message);
  else if (!spice_channel_open_fd (request->channel, fd))
    {
      close (fd);
      finish (request->bench, "a channel did not take its descriptor");
    }
  g_object_unref (request->channel);
  g_free (request);
}

static void
on_open_fd (SpiceChannel *channel,
            int           with_tls,
            Bench        *bench)
{
  if (bench->qemu != NULL)
    {
      int fd = connect_socket (bench->socket_path);

      if (fd < 0 || !spice_channel_open_fd (channel, fd))
        {
          if (fd >= 0)
            close (fd);
          finish (bench, "cannot connect a channel to QEMU's SPICE socket");
        }
    }
  else if (bench->plain_domain != NULL)
    {
      FdRequest *request = g_new0 (FdRequest, 1);
      g_autoptr(GTask) task = NULL;

      request->bench = bench;
      request->channel = g_object_ref (channel);
      task = g_task_new (bench->plain_domain, NULL, plain_fd_ready, request);
      g_task_run_in_thread (task, plain_fd_thread);
    }
  else
    {
      FdRequest *request = g_new0 (FdRequest, 1);

      request->bench = bench;
      request->channel = g_object_ref (channel);
      hangar_machine_open_graphics_fd_async (bench->machine, NULL, channel_fd_ready, request);
    }
}

static void
on_channel_event (SpiceChannel      *channel,
                  SpiceChannelEvent  event,
                  Bench             *bench)
{
  switch (event)
    {
    case SPICE_CHANNEL_OPENED:
      if (SPICE_IS_MAIN_CHANNEL (channel))
        mark (bench, MARK_MAIN_OPENED);
      else if (SPICE_IS_DISPLAY_CHANNEL (channel))
        mark (bench, MARK_DISPLAY_OPENED);
      break;

    case SPICE_CHANNEL_CLOSED:
    case SPICE_CHANNEL_ERROR_CONNECT:
    case SPICE_CHANNEL_ERROR_TLS:
    case SPICE_CHANNEL_ERROR_LINK:
    case SPICE_CHANNEL_ERROR_AUTH:
    case SPICE_CHANNEL_ERROR_IO:
      if (SPICE_IS_MAIN_CHANNEL (channel) || SPICE_IS_DISPLAY_CHANNEL (channel))
        finish (bench, "a SPICE channel closed or failed");
      break;

    case SPICE_CHANNEL_NONE:
    case SPICE_CHANNEL_SWITCHING:
    default:
      break;
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
  mark (bench, MARK_PRIMARY);
  bench->width = width;
  bench->height = height;
}

/* Whether a rectangle of the primary surface holds a pixel that is not black. */
static gboolean
has_color (SpiceChannel *channel,
           int           x,
           int           y,
           int           w,
           int           h)
{
  SpiceDisplayPrimary primary;
  int bpp;

  if (!spice_display_channel_get_primary (channel, 0, &primary) || primary.data == NULL)
    return FALSE;
  bpp = primary.format == SPICE_SURFACE_FMT_32_xRGB || primary.format == SPICE_SURFACE_FMT_32_ARGB
        ? 4 : primary.format == SPICE_SURFACE_FMT_8_A ? 1 : 2;
  x = CLAMP (x, 0, primary.width);
  y = CLAMP (y, 0, primary.height);
  w = MIN (w, primary.width - x);
  h = MIN (h, primary.height - y);
  for (int row = y; row < y + h; row++)
    {
      const guint8 *p = primary.data + (gsize) row * primary.stride + (gsize) x * bpp;

      for (int i = 0; i < w; i++, p += bpp)
        /* 32 bits: the high byte (x or alpha) says nothing of the color. */
        if (p[0] != 0 || (bpp > 1 && p[1] != 0) || (bpp > 2 && p[2] != 0))
          return TRUE;
    }
  return FALSE;
}

static void
on_invalidate (SpiceChannel *channel,
               int           x,
               int           y,
               int           w,
               int           h,
               Bench        *bench)
{
  bench->invalidations++;
  mark (bench, MARK_FIRST_FRAME);
  if (bench->marks[MARK_NONBLACK] == 0 && has_color (channel, x, y, w, h))
    {
      mark (bench, MARK_NONBLACK);
      sample_end (bench);
      finish (bench, NULL);
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
  if (SPICE_IS_MAIN_CHANNEL (channel))
    return;

  g_object_get (channel, "channel-id", &id, NULL);
  if (id != 0)
    return;
  if (SPICE_IS_DISPLAY_CHANNEL (channel))
    {
      g_signal_connect (channel, "display-primary-create", G_CALLBACK (on_primary_create), bench);
      g_signal_connect (channel, "display-invalidate", G_CALLBACK (on_invalidate), bench);
      spice_channel_connect (channel);
    }
  else if (SPICE_IS_CURSOR_CHANNEL (channel) || SPICE_IS_INPUTS_CHANNEL (channel))
    spice_channel_connect (channel);
}

static void
open_session (Bench *bench,
              int    fd)
{
  bench->session = spice_session_new ();
  /* As Hangar's display page sets it up. */
  g_object_set (bench->session,
                "enable-audio", FALSE,
                "enable-usbredir", FALSE,
                "gl-scanout", FALSE,
                NULL);
  g_signal_connect (bench->session, "channel-new", G_CALLBACK (on_channel_new), bench);
  if (!spice_session_open_fd (bench->session, fd))
    {
      close (fd);
      finish (bench, "the SPICE session could not be started");
    }
}

static gboolean
on_timeout (gpointer user_data)
{
  Bench *bench = user_data;

  bench->timeout_source = 0;
  if (bench->marks[MARK_FIRST_FRAME] != 0)
    {
      /* A first frame, but never a pixel of color: report what there is. */
      sample_end (bench);
      finish (bench, NULL);
    }
  else
    finish (bench, "no first frame before the timeout");
  return G_SOURCE_REMOVE;
}

/* Hangar's path *********************************************************/

static void
main_fd_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  int fd = hangar_machine_open_graphics_fd_finish (HANGAR_MACHINE (object), result, &error);

  if (fd < 0)
    {
      finish (bench, error->message);
      return;
    }
  mark (bench, MARK_MAIN_FD);
  open_session (bench, fd);
}

/* What the app does once the creation is done: the new machine's display
 * page, which connects when the collection lists the machine as running. */
static void
maybe_open (Bench *bench)
{
  if (!bench->created || bench->machine == NULL || bench->opened ||
      hangar_machine_get_state (bench->machine) != HANGAR_MACHINE_STATE_RUNNING)
    return;

  bench->opened = TRUE;
  mark (bench, MARK_OPEN);
  hangar_machine_open_graphics_fd_async (bench->machine, NULL, main_fd_ready, bench);
}

static void
on_machine_state (HangarMachine *machine,
                  GParamSpec    *pspec,
                  Bench         *bench)
{
  if (hangar_machine_get_state (machine) == HANGAR_MACHINE_STATE_RUNNING)
    mark (bench, MARK_RUNNING);
  maybe_open (bench);
}

static void
find_machine (Bench *bench)
{
  const char *name;
  HangarMachine *machine;

  if (bench->machine != NULL || bench->creator == NULL ||
      (name = hangar_vm_creator_get_name (bench->creator)) == NULL ||
      (machine = hangar_collection_find_by_name (bench->collection, name)) == NULL)
    return;

  mark (bench, MARK_LISTED);
  bench->machine = g_object_ref (machine);
  g_signal_connect (machine, "notify::state", G_CALLBACK (on_machine_state), bench);
  on_machine_state (machine, NULL, bench);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Bench      *bench)
{
  find_machine (bench);
}

static void
on_creator_step (HangarVmCreator *creator,
                 GParamSpec      *pspec,
                 Bench           *bench)
{
  switch (hangar_vm_creator_get_step (creator))
    {
    case HANGAR_VM_CREATOR_STEP_NAME: mark (bench, MARK_STEP_NAME); break;
    case HANGAR_VM_CREATOR_STEP_POOL: mark (bench, MARK_STEP_POOL); break;
    case HANGAR_VM_CREATOR_STEP_VOLUME: mark (bench, MARK_STEP_VOLUME); break;
    case HANGAR_VM_CREATOR_STEP_CONFIG: mark (bench, MARK_STEP_CONFIG); break;
    case HANGAR_VM_CREATOR_STEP_DEFINE: mark (bench, MARK_STEP_DEFINE); break;
    case HANGAR_VM_CREATOR_STEP_START: mark (bench, MARK_STEP_START); break;
    case HANGAR_VM_CREATOR_STEP_NONE:
    case HANGAR_VM_CREATOR_STEP_DONE:
    case HANGAR_VM_CREATOR_STEP_ROLLBACK:
    case HANGAR_VM_CREATOR_STEP_FAILED:
    default:
      break;
    }
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;

  bench->domain = hangar_vm_creator_create_finish (HANGAR_VM_CREATOR (object), result, &error);
  if (bench->domain == NULL)
    {
      finish (bench, error->message);
      return;
    }
  mark (bench, MARK_CREATED);
  bench->created = TRUE;
  g_free (bench->disk_path);
  bench->disk_path = g_strdup (hangar_vm_creator_get_settings (bench->creator)->disk_path);
  find_machine (bench);
  bench->state_at_created = g_strdup (bench->machine == NULL
                                      ? "unlisted"
                                      : hangar_machine_state_to_nick (
                                          hangar_machine_get_state (bench->machine)));
  maybe_open (bench);
}

/* Both identification and the probe are in: the review page's defaults, then
 * "Create" (or "Try it") at once. */
static void
start_creation (Bench *bench)
{
  const HangarOsProfile *profile = hangar_media_get_profile (bench->media);
  g_autoptr(HangarVmSettings) settings = NULL;

  if (!hangar_media_get_arch_ok (bench->media))
    {
      finish (bench, hangar_media_get_arch_message (bench->media));
      return;
    }
  settings = hangar_vm_settings_new_for (profile, bench->host, TRUE);
  settings->iso_path = g_strdup (hangar_media_get_path (bench->media));
  if (bench->try_it)
    settings->disk_gib = 0;
  else if (bench->disk_gib > 0)
    settings->disk_gib = (guint64) bench->disk_gib;
  mark (bench, MARK_SETTINGS);

  bench->creator = hangar_vm_creator_new (bench->connection, profile, settings);
  hangar_vm_creator_set_transient (bench->creator, bench->try_it);
  g_signal_connect (bench->creator, "notify::step", G_CALLBACK (on_creator_step), bench);
  g_signal_connect_swapped (bench->creator, "notify::name", G_CALLBACK (find_machine), bench);
  hangar_vm_creator_create_async (bench->creator, TRUE, NULL, create_done, bench);
}

static void
identify_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;

  bench->media = hangar_os_db_identify_finish (HANGAR_OS_DB (object), result, &error);
  mark (bench, MARK_IDENTIFIED);
  if (bench->media == NULL)
    {
      finish (bench, error->message);
      return;
    }
  if (--bench->pending == 0)
    start_creation (bench);
}

static void
probe_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;

  /* The assistant goes on without the host's figures too. */
  bench->host = hangar_host_probe_finish (result, &error);
  mark (bench, MARK_PROBED);
  if (--bench->pending == 0 && bench->media != NULL)
    start_creation (bench);
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static gboolean
load_db (Bench *bench)
{
  g_autoptr(GError) error = NULL;
  Wait wait = { 0 };
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  bench->db = g_object_ref (hangar_os_db_get_default ());
  hangar_os_db_load_async (bench->db, NULL, store_result, &wait);
  run_until (bench, &wait.done);
  ok = hangar_os_db_load_finish (bench->db, wait.result, &error);
  g_object_unref (wait.result);
  bench->db_load_ms = (g_get_monotonic_time () - start) / 1000.0;
  if (!ok)
    g_printerr ("hangar-create-bench: the OS database: %s\n", error->message);
  return ok;
}

/* Untimed, after the measurement. */
static void
save_files (Bench *bench)
{
  g_autoptr(GError) error = NULL;

  if (bench->save_argv != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/cmdline", qemu_pid (bench));
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, &error) ||
          !g_file_set_contents (bench->save_argv, contents, length, &error))
        g_printerr ("hangar-create-bench: QEMU's command line: %s\n", error->message);
      g_clear_error (&error);
    }
  if (bench->save_xml != NULL && bench->domain != NULL)
    {
      GVirConfigDomain *config = gvir_domain_get_config (bench->domain, 0, &error);
      g_autofree char *xml = NULL;

      if (config != NULL)
        {
          xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
          g_object_unref (config);
        }
      if (xml == NULL || !g_file_set_contents (bench->save_xml, xml, -1, &error))
        g_printerr ("hangar-create-bench: the domain's XML: %s\n",
                    error != NULL ? error->message : "none");
    }
}

static gboolean
cleanup_hangar (Bench *bench)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (bench->domain == NULL)
    return TRUE;
  if (gvir_domain_get_persistent (bench->domain))
    {
      if (!gvir_domain_stop (bench->domain, 0, &error))
        g_clear_error (&error);  /* perhaps not running any more */
      if (!gvir_domain_delete (bench->domain, GVIR_DOMAIN_DELETE_SAVED_STATE, &error))
        {
          g_printerr ("hangar-create-bench: cannot undefine the machine: %s\n", error->message);
          g_clear_error (&error);
          ok = FALSE;
        }
    }
  else if (!gvir_domain_stop (bench->domain, 0, &error))
    {
      g_printerr ("hangar-create-bench: cannot stop the machine: %s\n", error->message);
      g_clear_error (&error);
      ok = FALSE;
    }

  if (bench->disk_path != NULL)
    {
      g_autoptr(HangarStoragePool) pool = hangar_storage_pool_new (bench->connection);
      GVirStoragePool *gpool = hangar_storage_pool_ensure (pool, NULL, &error);
      g_autofree char *volume_name = g_path_get_basename (bench->disk_path);
      GVirStorageVol *volume = NULL;

      if (gpool != NULL && gvir_storage_pool_refresh (gpool, NULL, &error))
        volume = gvir_storage_pool_get_volume (gpool, volume_name);
      if (volume == NULL || !gvir_storage_vol_delete (volume, 0, &error))
        {
          g_printerr ("hangar-create-bench: cannot delete %s: %s\n", bench->disk_path,
                      error != NULL ? error->message : "no such volume");
          ok = FALSE;
        }
      g_clear_object (&volume);
      g_clear_object (&gpool);
    }
  return ok;
}

static int
run_hangar (Bench *bench)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pool_dir = NULL;
  Wait wait = { 0 };
  gboolean ok;

  if (!hangar_libvirt_init (&error))
    {
      g_printerr ("hangar-create-bench: %s\n", error->message);
      return 1;
    }

  /* What the app has done by the time a user has picked a file. */
  if (!load_db (bench))
    return 1;
  bench->connection = hangar_connection_new (bench->uri);
  hangar_connection_open_async (bench->connection, NULL, store_result, &wait);
  run_until (bench, &wait.done);
  ok = hangar_connection_open_finish (bench->connection, wait.result, &error);
  g_object_unref (wait.result);
  if (!ok)
    {
      g_printerr ("hangar-create-bench: %s: %s\n", bench->uri, error->message);
      return 1;
    }
  bench->collection = hangar_collection_new (bench->connection);
  g_signal_connect (bench->collection, "items-changed", G_CALLBACK (on_items_changed), bench);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  pool_dir = hangar_storage_pool_default_path ();

  /* "ISO chosen". */
  bench->t0 = g_get_monotonic_time ();
  sample_start (bench);
  bench->timeout_source = g_timeout_add ((guint) (bench->timeout * 1000), on_timeout, bench);
  bench->pending = 2;
  hangar_os_db_identify_async (bench->db, bench->paths[0], NULL, identify_done, bench);
  hangar_host_probe_async (pool_dir, bench->connection, NULL, probe_done, bench);
  g_main_loop_run (bench->loop);
  return bench->status;
}

/* The floor of libvirt applications ************************************/

static int
run_libvirt (Bench *bench)
{
  g_autoptr(GError) error = NULL;
  GVirConfigDomain *config = NULL;  /* libvirt-gconfig 4.0 declares no autoptr */
  g_autofree char *xml = NULL;
  int fd;

  if (!hangar_libvirt_init (&error) ||
      !g_file_get_contents (bench->libvirt_xml, &xml, NULL, &error) ||
      (config = gvir_config_domain_new_from_xml (xml, &error)) == NULL)
    {
      g_printerr ("hangar-create-bench: %s\n", error->message);
      g_clear_object (&config);
      return 1;
    }
  bench->gvir = gvir_connection_new (bench->uri);
  if (!gvir_connection_open (bench->gvir, NULL, &error))
    {
      g_printerr ("hangar-create-bench: %s: %s\n", bench->uri, error->message);
      g_object_unref (config);
      return 1;
    }

  bench->t0 = g_get_monotonic_time ();
  sample_start (bench);
  bench->timeout_source = g_timeout_add ((guint) (bench->timeout * 1000), on_timeout, bench);
  bench->plain_domain = gvir_connection_start_domain (bench->gvir, config, 0, &error);
  g_object_unref (config);
  if (bench->plain_domain == NULL)
    {
      finish (bench, error->message);
      return 1;
    }
  mark (bench, MARK_CREATED);
  fd = gvir_domain_open_graphics_fd (bench->plain_domain, 0, 0, &error);
  if (fd < 0)
    {
      finish (bench, error->message);
      return 1;
    }
  mark (bench, MARK_MAIN_FD);
  open_session (bench, fd);
  if (!bench->done)
    g_main_loop_run (bench->loop);
  return bench->status;
}

static void
cleanup_libvirt (Bench *bench)
{
  g_autoptr(GError) error = NULL;

  if (bench->plain_domain != NULL && !gvir_domain_stop (bench->plain_domain, 0, &error))
    g_printerr ("hangar-create-bench: cannot stop the machine: %s\n", error->message);
}

/* The floor *************************************************************/

static gboolean
poll_socket (gpointer user_data)
{
  Bench *bench = user_data;
  int fd = connect_socket (bench->socket_path);

  if (fd < 0)
    {
      if (errno == ENOENT || errno == ECONNREFUSED)
        return G_SOURCE_CONTINUE;
      finish (bench, g_strerror (errno));
      bench->poll_source = 0;
      return G_SOURCE_REMOVE;
    }
  mark (bench, MARK_SOCKET);
  bench->poll_source = 0;
  open_session (bench, fd);
  return G_SOURCE_REMOVE;
}

static void
qemu_exited (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Bench *bench = user_data;

  if (!bench->done)
    finish (bench, "QEMU exited before the first frame (see its log)");
}

static int
run_floor (Bench *bench)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *log_path = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  gsize length;

  if (!g_file_get_contents (bench->floor_argv, &contents, &length, &error))
    {
      g_printerr ("hangar-create-bench: %s\n", error->message);
      return 1;
    }
  for (gsize i = 0; i < length; i += strlen (contents + i) + 1)
    g_ptr_array_add (argv, contents + i);
  g_ptr_array_add (argv, NULL);
  if (argv->len < 2)
    {
      g_printerr ("hangar-create-bench: %s holds no command line\n", bench->floor_argv);
      return 1;
    }
  unlink (bench->socket_path);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  log_path = g_strconcat (bench->socket_path, ".log", NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, log_path);

  bench->t0 = g_get_monotonic_time ();
  sample_start (bench);
  bench->qemu = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                              &error);
  if (bench->qemu == NULL)
    {
      g_printerr ("hangar-create-bench: %s\n", error->message);
      return 1;
    }
  mark (bench, MARK_SPAWNED);
  g_subprocess_wait_async (bench->qemu, NULL, qemu_exited, bench);
  bench->timeout_source = g_timeout_add ((guint) (bench->timeout * 1000), on_timeout, bench);
  /* QEMU makes the socket early in its start; a client tries every 2 ms. */
  bench->poll_source = g_timeout_add (2, poll_socket, bench);
  g_main_loop_run (bench->loop);
  return bench->status;
}

static void
cleanup_floor (Bench *bench)
{
  if (bench->qemu == NULL)
    return;
  g_subprocess_send_signal (bench->qemu, SIGTERM);
  g_subprocess_wait (bench->qemu, NULL, NULL);
  unlink (bench->socket_path);
}

/* Identification alone **************************************************/

static void
json_string (GString    *out,
             const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s != NULL ? s : ""; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static int
run_identify (Bench *bench)
{
  g_autoptr(GString) out = g_string_new ("RESULT {");

  if (!load_db (bench))
    return 1;
  g_string_append_printf (out, "\"db_load_ms\": %.3f, \"isos\": [", bench->db_load_ms);
  for (int i = 0; bench->paths[i] != NULL; i++)
    {
      g_autoptr(HangarMedia) media = NULL;
      g_autofree char *label = NULL;
      const HangarOsProfile *profile;

      g_string_append_printf (out, "%s{\"path\": ", i > 0 ? ", " : "");
      json_string (out, bench->paths[i]);
      g_string_append (out, ", \"ms\": [");
      for (int n = 0; n < bench->identify_count; n++)
        {
          g_autoptr(GError) error = NULL;
          Wait wait = { 0 };
          gint64 start = g_get_monotonic_time ();

          hangar_os_db_identify_async (bench->db, bench->paths[i], NULL, store_result, &wait);
          run_until (bench, &wait.done);
          g_clear_object (&media);
          media = hangar_os_db_identify_finish (bench->db, wait.result, &error);
          g_object_unref (wait.result);
          if (media == NULL)
            {
              g_printerr ("hangar-create-bench: %s: %s\n", bench->paths[i], error->message);
              return 1;
            }
          g_string_append_printf (out, "%s%.3f", n > 0 ? ", " : "",
                                  (g_get_monotonic_time () - start) / 1000.0);
        }
      profile = hangar_media_get_profile (media);
      label = hangar_media_dup_label (media);
      g_string_append (out, "], \"volume_id\": ");
      json_string (out, hangar_media_get_volume_id (media));
      g_string_append (out, ", \"label\": ");
      json_string (out, label);
      g_string_append (out, ", \"short_id\": ");
      json_string (out, profile->short_id);
      g_string_append_printf (out, ", \"identified\": %s, \"guessed\": %s}",
                              hangar_media_is_identified (media) ? "true" : "false",
                              hangar_media_is_guessed (media) ? "true" : "false");
    }
  g_string_append (out, "]}");
  printf ("%s\n", out->str);
  return 0;
}

/* Output ****************************************************************/

static void
print_result (Bench *bench)
{
  g_autoptr(GString) out = g_string_new ("RESULT {");

  g_string_append (out, "\"mode\": ");
  json_string (out, bench->floor_argv != NULL ? "floor" : bench->libvirt_xml != NULL ? "libvirt"
                    : bench->try_it ? "try" : "disk");
  g_string_append (out, ", \"ok\": ");
  g_string_append (out, bench->status == 0 ? "true" : "false");
  if (bench->error != NULL)
    {
      g_string_append (out, ", \"error\": ");
      json_string (out, bench->error);
    }
  for (int m = 0; m < N_MARKS; m++)
    if (bench->marks[m] != 0)
      g_string_append_printf (out, ", \"%s\": %.3f", mark_names[m],
                              (bench->marks[m] - bench->t0) / 1000.0);
  g_string_append_printf (out, ", \"width\": %d, \"height\": %d, \"invalidations\": %u",
                          bench->width, bench->height, bench->invalidations);
  g_string_append_printf (out, ", \"cpu_self\": %.3f, \"cpu_qemu\": %.3f, \"cpu_watch\": %.3f, "
                          "\"busy\": %.3f", bench->cpu_self, bench->cpu_qemu, bench->cpu_watch,
                          bench->busy);
  if (bench->floor_argv == NULL && bench->libvirt_xml == NULL)
    {
      g_string_append_printf (out, ", \"db_load_ms\": %.3f", bench->db_load_ms);
      if (bench->creator != NULL)
        {
          const HangarVmSettings *s = hangar_vm_creator_get_settings (bench->creator);

          g_string_append (out, ", \"name\": ");
          json_string (out, hangar_vm_creator_get_name (bench->creator));
          g_string_append_printf (out, ", \"memory_mib\": %" G_GUINT64_FORMAT
                                  ", \"vcpus\": %u, \"disk_gib\": %" G_GUINT64_FORMAT
                                  ", \"domain_type\": ",
                                  s->memory_mib, s->vcpus, s->disk_gib);
          json_string (out, hangar_domain_type_to_string (s->domain_type));
        }
      if (bench->media != NULL)
        {
          g_autofree char *label = hangar_media_dup_label (bench->media);

          g_string_append (out, ", \"os\": ");
          json_string (out, label);
        }
      if (bench->state_at_created != NULL)
        {
          g_string_append (out, ", \"state_at_created\": ");
          json_string (out, bench->state_at_created);
        }
    }
  g_string_append (out, "}");
  printf ("%s\n", out->str);
  fflush (stdout);
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
    { "try", 0, 0, G_OPTION_ARG_NONE, &bench->try_it, "\"Try it\": no disk, a transient machine",
      NULL },
    { "disk", 0, 0, G_OPTION_ARG_INT64, &bench->disk_gib, "a machine with a disk of GIB", "GIB" },
    { "save-argv", 0, 0, G_OPTION_ARG_FILENAME, &bench->save_argv,
      "write the guest's QEMU command line (NUL-separated) to FILE", "FILE" },
    { "save-xml", 0, 0, G_OPTION_ARG_FILENAME, &bench->save_xml,
      "write the guest's domain XML to FILE", "FILE" },
    { "watch-pid", 0, 0, G_OPTION_ARG_STRING, &bench->watch_pids,
      "also count the CPU of these processes (the libvirt daemons)", "PID,…" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &bench->timeout, "give up after S seconds (120)",
      "S" },
    { "floor", 0, 0, G_OPTION_ARG_FILENAME, &bench->floor_argv,
      "run the QEMU command line in FILE directly (the floor)", "FILE" },
    { "socket", 0, 0, G_OPTION_ARG_FILENAME, &bench->socket_path,
      "the floor's SPICE unix socket", "PATH" },
    { "disk-image", 0, 0, G_OPTION_ARG_FILENAME, &bench->disk_image,
      "the floor's disk, deleted afterwards", "PATH" },
    { "libvirt", 0, 0, G_OPTION_ARG_FILENAME, &bench->libvirt_xml,
      "start the domain XML in FILE with libvirt alone (the floor of libvirt apps)", "FILE" },
    { "identify", 0, 0, G_OPTION_ARG_INT, &bench->identify_count,
      "time N identifications of each ISO", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &bench->paths, NULL, "ISO" },
    { NULL }
  };

  context = g_option_context_new ("ISO…");
  g_option_context_set_summary (context, "From \"ISO chosen\" to the guest's first frame, "
                                "Hangar's path or bare QEMU (--floor).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("hangar-create-bench: %s\n", error->message);
      return FALSE;
    }
  if (bench->floor_argv != NULL)
    {
      if (bench->socket_path == NULL || bench->paths != NULL)
        goto usage;
    }
  else if (bench->identify_count > 0)
    {
      if (bench->paths == NULL)
        goto usage;
    }
  else if (bench->libvirt_xml != NULL)
    {
      if (bench->paths != NULL)
        goto usage;
    }
  else if (bench->paths == NULL || g_strv_length (bench->paths) != 1 ||
           bench->try_it == (bench->disk_gib > 0))
    goto usage;
  if (bench->uri == NULL)
    bench->uri = g_strdup ("qemu:///session");
  if (bench->timeout <= 0)
    bench->timeout = 120;
  return TRUE;

usage:
  {
    g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

    g_printerr ("%s", help);
    return FALSE;
  }
}

int
main (int    argc,
      char **argv)
{
  Bench bench = { 0 };
  int status;

  if (!parse_args (&bench, &argc, &argv))
    return 2;
  bench.loop = g_main_loop_new (NULL, FALSE);

  if (bench.identify_count > 0)
    status = run_identify (&bench);
  else if (bench.floor_argv != NULL)
    {
      status = run_floor (&bench);
      if (bench.marks[MARK_FIRST_FRAME] != 0 || bench.error != NULL)
        print_result (&bench);
      cleanup_floor (&bench);
    }
  else if (bench.libvirt_xml != NULL)
    {
      status = run_libvirt (&bench);
      if (bench.marks[MARK_FIRST_FRAME] != 0 || bench.error != NULL)
        print_result (&bench);
    }
  else
    {
      status = run_hangar (&bench);
      if (bench.marks[MARK_FIRST_FRAME] != 0 || bench.error != NULL)
        print_result (&bench);
      save_files (&bench);
    }

  g_clear_handle_id (&bench.timeout_source, g_source_remove);
  g_clear_handle_id (&bench.poll_source, g_source_remove);
  if (bench.session != NULL)
    {
      spice_session_disconnect (bench.session);
      g_clear_object (&bench.session);
    }
  if (bench.libvirt_xml != NULL)
    cleanup_libvirt (&bench);
  else if (bench.floor_argv == NULL && bench.identify_count == 0 && !cleanup_hangar (&bench))
    status = 1;
  if (bench.disk_image != NULL)
    unlink (bench.disk_image);

  g_clear_object (&bench.machine);
  g_clear_object (&bench.domain);
  g_clear_object (&bench.creator);
  g_clear_object (&bench.media);
  g_clear_pointer (&bench.host, hangar_host_info_free);
  g_clear_object (&bench.collection);
  if (bench.connection != NULL)
    hangar_connection_close (bench.connection);
  g_clear_object (&bench.connection);
  g_clear_object (&bench.qemu);
  g_clear_object (&bench.plain_domain);
  g_clear_object (&bench.gvir);
  g_clear_object (&bench.db);
  g_main_loop_unref (bench.loop);
  g_free (bench.uri);
  g_free (bench.save_argv);
  g_free (bench.save_xml);
  g_free (bench.floor_argv);
  g_free (bench.socket_path);
  g_free (bench.disk_image);
  g_free (bench.libvirt_xml);
  g_free (bench.watch_pids);
  g_free (bench.disk_path);
  g_free (bench.state_at_created);
  g_free (bench.error);
  g_strfreev (bench.paths);
  return status;
}
