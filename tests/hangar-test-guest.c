/* hangar-test-guest.c
 *
 * A test guest booting the live ISO in the isolated session: its domain XML,
 * its serial console (a log to read, and optionally a socket to type shell
 * commands into); the app started against the session, and what its windows
 * show, waited for and saved as PNG artifacts.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dlfcn.h>
#include <stdio.h>

#include <string.h>

#include <adwaita.h>
#include <gio/gunixsocketaddress.h>

#include "hangar-application.h"
#include "hangar-connection.h"
#include "hangar-machine-card.h"
#include "hangar-storage-volume.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-window.h"

typedef struct
{
  const char *name;
  const char *state;
} VirshStateWait;

static gboolean
virsh_state_is (gpointer data)
{
  VirshStateWait *wait = data;
  g_autofree char *state = hangar_test_virsh_output ("domstate", "--reason", wait->name, NULL);

  return g_str_equal (state, wait->state);
}

/**
 * hangar_test_wait_virsh_state:
 * @state: what `virsh domstate --reason` says, e.g. "paused (user)"
 *
 * Waits until virsh, another process, sees @name in @state.
 */
void
hangar_test_wait_virsh_state (const char *name,
                              const char *state,
                              guint       timeout_s)
{
  VirshStateWait wait = { name, state };
  g_autofree char *what = g_strdup_printf ("virsh to say “%s” is “%s”", name, state);

  hangar_test_assert_eventually (virsh_state_is, &wait, timeout_s, what);
}

/**
 * hangar_test_remove_machine:
 *
 * Destroys @name if it runs and undefines it (with its saved state) through
 * virsh; its disks stay.
 */
void
hangar_test_remove_machine (const char *name)
{
  g_autofree char *state = hangar_test_virsh_output ("domstate", name, NULL);

  if (!g_str_equal (state, "shut off"))
    hangar_test_virsh ("destroy", name, NULL);
  hangar_test_virsh ("undefine", "--managed-save", name, NULL);
}

/* libvirt-gobject 4.0 meets the events of a rename or a revert
 * (DEFINED_RENAMED, DEFINED_FROM_SNAPSHOT…) with g_warn_if_reached(): its
 * own gap, which the app works around (see docs/ARCHITECTURE.md). */
#define UNKNOWN_EVENT_WARNING "domain_event_cb: code should not be reached"

/* libadwaita's AdwMessageDialog (1.2 up to at least 1.7) measures its
 * heading's height for a width by measuring both of its labels: the one-line
 * heading and the wrapping one it shows instead when the first does not fit
 * (measure_heading () in adw-message-dialog.c), the one-line label also for
 * widths narrower than its text. GTK 4.8 let that pass; GTK 4.18 warns
 * "Trying to measure GtkLabel 0x… for width of 100, but it needs at least
 * 149", fatally under GTest, for any heading wider than a width asked, even
 * "Take Snapshot". Nothing is cut (screenshots show the wrapping label), and
 * no size of ours avoids it. That warning, for that label of that dialog
 * only, becomes a test message; every other warning keeps its course. The
 * test executables export this symbol (see tests/meson.build), so GTK's
 * calls reach it before GLib's. */
#define MEASURE_WARNING "Trying to measure GtkLabel "

static gboolean
is_message_dialog_heading (const char     *log_domain,
                           GLogLevelFlags  log_level,
                           const char     *message)
{
  gpointer widget = NULL;

  if (g_strcmp0 (log_domain, "Gtk") != 0 || !(log_level & G_LOG_LEVEL_WARNING) ||
      !g_str_has_prefix (message, MEASURE_WARNING) || strstr (message, " for width of ") == NULL)
    return FALSE;
  /* GTK names the label it is measuring, alive while it warns. */
  if (sscanf (message + strlen (MEASURE_WARNING), "%p", &widget) != 1 || widget == NULL)
    return FALSE;
  return GTK_IS_LABEL (widget) &&
         gtk_widget_get_ancestor (widget, ADW_TYPE_MESSAGE_DIALOG) != NULL &&
         g_strcmp0 (gtk_buildable_get_buildable_id (widget), "heading_label") == 0;
}

void
g_log_structured_standard (const gchar    *log_domain,
                           GLogLevelFlags  log_level,
                           const gchar    *file,
                           const gchar    *line,
                           const gchar    *func,
                           const gchar    *message_format,
                           ...)
{
  typedef void (*LogFunc) (const gchar *, GLogLevelFlags, const gchar *, const gchar *,
                           const gchar *, const gchar *, ...);
  static LogFunc next;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, message_format);
  message = g_strdup_vprintf (message_format, args);
  va_end (args);

  if (is_message_dialog_heading (log_domain, log_level, message))
    {
      g_test_message ("libadwaita's message dialog heading: %s", message);
      return;
    }
  if (next == NULL)
    next = (LogFunc) dlsym (RTLD_NEXT, "g_log_structured_standard");
  next (log_domain, log_level, file, line, func, "%s", message);
}

static gboolean
tolerate_unknown_events (const char     *log_domain,
                         GLogLevelFlags  log_level,
                         const char     *message,
                         gpointer        user_data)
{
  return strstr (message, UNKNOWN_EVENT_WARNING) == NULL;
}

static void
quiet_unknown_events (const char     *log_domain,
                      GLogLevelFlags  log_level,
                      const char     *message,
                      gpointer        user_data)
{
  if (strstr (message, UNKNOWN_EVENT_WARNING) != NULL)
    g_test_message ("libvirt-gobject: %s", message);
  else
    g_log_default_handler (log_domain, log_level, message, user_data);
}

/**
 * hangar_test_tolerate_unknown_events:
 *
 * Lets libvirt-gobject's warning about events it does not know (a rename,
 * a revert) through, as a test message; every other warning stays fatal.
 */
void
hangar_test_tolerate_unknown_events (void)
{
  g_test_log_set_fatal_handler (tolerate_unknown_events, NULL);
  /* Debian's libvirt-gobject logs without a domain. */
  g_log_set_handler (NULL, G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                     quiet_unknown_events, NULL);
}

/**
 * hangar_test_guest_new:
 * @name: the domain name
 * @interactive: whether the serial console also gets a socket for commands
 *
 * Writes the domain XML for the live ISO ($HANGAR_TEST_ISO) into the
 * artifacts directory. Software emulation: this machine's KVM cannot run
 * ordinary guests, and the app must work without KVM anyway.
 */
HangarTestGuest *
hangar_test_guest_new (const char *name,
                       gboolean    interactive)
{
  const char *iso = g_getenv ("HANGAR_TEST_ISO");
  HangarTestGuest *guest = g_new0 (HangarTestGuest, 1);
  g_autofree char *log_name = g_strdup_printf ("%s-serial.log", name);
  g_autofree char *xml_name = g_strdup_printf ("%s-domain.xml", name);
  g_autofree char *iso_esc = NULL;
  g_autofree char *log_esc = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;

  /* Without the fixture a test cannot say anything: fail, never skip. */
  g_assert_nonnull (iso);
  g_assert_true (g_file_test (iso, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (g_getenv ("HANGAR_URI"), ==, "qemu:///session");

  guest->name = g_strdup (name);
  guest->transcript = g_string_new (NULL);
  guest->serial_cancellable = g_cancellable_new ();
  guest->serial_log = g_build_filename (hangar_test_artifacts_dir (), log_name, NULL);
  guest->xml_path = g_build_filename (hangar_test_artifacts_dir (), xml_name, NULL);
  iso_esc = g_markup_escape_text (iso, -1);
  log_esc = g_markup_escape_text (guest->serial_log, -1);

  if (interactive)
    {
      /* The socket lives in the private runtime directory, never in /tmp. */
      g_autofree char *socket_name = g_strdup_printf ("%s-serial.sock", name);
      g_autofree char *socket_esc = NULL;

      guest->serial_socket = g_build_filename (g_get_user_runtime_dir (), socket_name, NULL);
      socket_esc = g_markup_escape_text (guest->serial_socket, -1);
      serial = g_strdup_printf ("<serial type='unix'><source mode='bind' path='%s'/>"
                                "<log file='%s' append='off'/><target port='0'/></serial>",
                                socket_esc, log_esc);
    }
  else
    {
      serial = g_strdup_printf ("<serial type='file'><source path='%s'/><target port='0'/>"
                                "</serial>", log_esc);
    }

  xml = g_strdup_printf (
    "<domain type='qemu'>"
    "  <name>%s</name>"
    "  <memory unit='MiB'>512</memory>"
    "  <vcpu>1</vcpu>"
    "  <os><type arch='x86_64' machine='q35'>hvm</type><boot dev='cdrom'/></os>"
    "  <features><acpi/></features>"
    "  <on_reboot>restart</on_reboot>"
    "  <devices>"
    "    <disk type='file' device='cdrom'>"
    "      <driver name='qemu' type='raw'/>"
    "      <source file='%s'/>"
    "      <target dev='sda' bus='sata'/>"
    "      <readonly/>"
    "    </disk>"
    "    %s"
    "    <graphics type='spice'><listen type='none'/></graphics>"
    "    <video><model type='qxl'/></video>"
    "    <input type='tablet' bus='usb'/>"
    "    <channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>"
    "    <memballoon model='none'/>"
    "  </devices>"
    "</domain>", name, iso_esc, serial);

  g_assert_true (g_file_set_contents (guest->xml_path, xml, -1, &error));
  g_assert_no_error (error);
  return guest;
}

/**
 * hangar_test_guest_for_machine:
 * @name: a machine made by Hangar's creator (or hangarctl)
 *
 * The console of a machine that the creator wired for tests
 * (hangar_test_session_setup()): a log in the artifacts directory and a
 * socket to type into, both named after its disk.
 */
HangarTestGuest *
hangar_test_guest_for_machine (const char *name)
{
  HangarTestGuest *guest = g_new0 (HangarTestGuest, 1);
  g_autofree char *file = hangar_storage_volume_name_for (name);
  g_autofree char *stem = g_strndup (file, strlen (file) - strlen (".qcow2"));
  g_autofree char *log_name = g_strconcat (stem, "-serial.log", NULL);
  g_autofree char *socket_name = g_strconcat (stem, "-serial.sock", NULL);

  guest->name = g_strdup (name);
  guest->transcript = g_string_new (NULL);
  guest->serial_cancellable = g_cancellable_new ();
  guest->serial_log = g_build_filename (hangar_test_artifacts_dir (), log_name, NULL);
  guest->serial_socket = g_build_filename (g_get_user_runtime_dir (), socket_name, NULL);
  return guest;
}

void
hangar_test_guest_free (HangarTestGuest *guest)
{
  g_free (guest->name);
  g_free (guest->xml_path);
  g_free (guest->serial_log);
  g_free (guest->serial_socket);
  g_cancellable_cancel (guest->serial_cancellable);
  g_clear_object (&guest->serial_cancellable);
  g_clear_object (&guest->serial);
  g_string_free (guest->transcript, TRUE);
  g_free (guest);
}

void
hangar_test_guest_define (HangarTestGuest *guest)
{
  hangar_test_virsh ("define", guest->xml_path, NULL);
}

/* What the serial console printed: since we connected to its socket when we
 * are, else the whole log of this QEMU. GRUB's escape codes are in there too,
 * so matches are substrings, never whole lines. */
static char *
read_log (HangarTestGuest *guest)
{
  char *contents = NULL;

  if (guest->serial != NULL)
    return g_strndup (guest->transcript->str, guest->transcript->len);

  if (!g_file_get_contents (guest->serial_log, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

/**
 * hangar_test_guest_read_console:
 *
 * Returns: (transfer full): what the console printed (see read_log())
 */
char *
hangar_test_guest_read_console (HangarTestGuest *guest)
{
  return read_log (guest);
}

guint
hangar_test_guest_count_in_log (HangarTestGuest *guest,
                                const char      *needle)
{
  g_autofree char *contents = read_log (guest);
  guint count = 0;

  for (const char *p = strstr (contents, needle); p != NULL; p = strstr (p + 1, needle))
    count++;
  return count;
}

typedef struct
{
  HangarTestGuest *guest;
  const char      *prefix;
  guint            nth;
  char            *line;
} LineWait;

static gboolean
line_arrived (gpointer data)
{
  LineWait *wait = data;
  g_autofree char *contents = read_log (wait->guest);
  const char *p = contents;

  for (guint i = 0; i < wait->nth; i++)
    {
      p = strstr (p, wait->prefix);
      if (p == NULL)
        return FALSE;
      if (i + 1 < wait->nth)
        p++;
    }

  {
    const char *end = strpbrk (p, "\r\n");

    /* Only a whole line: the guest may still be writing this one. */
    if (end == NULL)
      return FALSE;
    wait->line = g_strndup (p, (gsize) (end - p));
  }
  return TRUE;
}

/**
 * hangar_test_guest_wait_line:
 * @prefix: what the line starts with
 * @nth: 1 for the first such line, 2 for the second…
 *
 * Returns: (transfer full): the line from @prefix to its end
 */
char *
hangar_test_guest_wait_line (HangarTestGuest *guest,
                             const char      *prefix,
                             guint            nth,
                             guint            timeout_s)
{
  LineWait wait = { guest, prefix, MAX (nth, 1), NULL };
  g_autofree char *what = g_strdup_printf ("“%s” (#%u) on %s's serial console",
                                           prefix, wait.nth, guest->name);

  hangar_test_assert_eventually (line_arrived, &wait, timeout_s, what);
  return wait.line;
}

/**
 * hangar_test_guest_wait_banner:
 * @since: when the command that boots the guest ran (g_get_monotonic_time())
 *
 * Waits for the live ISO's banner on @guest's console, and says how long
 * the boot took.
 */
void
hangar_test_guest_wait_banner (HangarTestGuest *guest,
                               gint64           since)
{
  g_autofree char *banner = hangar_test_guest_wait_line (guest, HANGAR_TEST_BANNER, 1,
                                                         HANGAR_TEST_BOOT_TIMEOUT_S);

  g_test_message ("%s: banner %.1f s after the command: %s", guest->name,
                  (g_get_monotonic_time () - since) / (double) G_USEC_PER_SEC, banner);
}

static void
drain_read (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  HangarTestGuest *guest;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the guest is gone */

  guest = user_data;
  if (n <= 0)
    {
      /* QEMU went away: the next command connects to the new one. */
      g_clear_object (&guest->serial);
      return;
    }
  g_string_append_len (guest->transcript, guest->buffer, n);
  g_input_stream_read_async (G_INPUT_STREAM (object), guest->buffer, sizeof guest->buffer,
                             G_PRIORITY_DEFAULT, guest->serial_cancellable, drain_read, guest);
}

/* QEMU sends the console's output to the connected client as well as to the
 * log, and the guest's UART stalls while that client does not read. The
 * socket's copy is also the exact one: the log now and then doubles a byte
 * while a client is connected. */
static void
start_reading (HangarTestGuest *guest)
{
  g_string_truncate (guest->transcript, 0);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (guest->serial)),
                             guest->buffer, sizeof guest->buffer, G_PRIORITY_DEFAULT,
                             guest->serial_cancellable, drain_read, guest);
}

static gboolean
serial_write (HangarTestGuest *guest,
              const char      *line,
              GError         **error)
{
  if (guest->serial == NULL)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketAddress) address = g_unix_socket_address_new (guest->serial_socket);

      guest->serial = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, error);
      if (guest->serial == NULL)
        return FALSE;
      start_reading (guest);
    }
  return g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (guest->serial)),
                                    line, strlen (line), NULL, NULL, error);
}

/**
 * hangar_test_guest_run:
 *
 * Types @command into the command reader on the guest's serial console.
 * The connection stays open: QEMU drops what it has not read yet when its
 * client hangs up, and the UART takes 16 bytes at a time.
 */
void
hangar_test_guest_run (HangarTestGuest *guest,
                       const char      *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strconcat (command, "\n", NULL);

  g_assert_nonnull (guest->serial_socket);
  if (!serial_write (guest, line, &error))
    {
      /* A new QEMU (the guest was restarted) has a new socket. */
      g_test_message ("serial console: %s; connecting again", error->message);
      g_clear_error (&error);
      g_clear_object (&guest->serial);
      serial_write (guest, line, &error);
    }
  g_assert_no_error (error);
  g_test_message ("guest$ %s", command);
}

/**
 * hangar_test_guest_screenshot:
 *
 * Takes @domain's screenshot through libvirt (virDomainScreenshot).
 *
 * Returns: (transfer full): the picture
 */
GdkPixbuf *
hangar_test_guest_screenshot (GVirConnection *gvir,
                              GVirDomain     *domain)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autofree char *mime = NULL;
  GVirStream *stream = gvir_connection_get_stream (gvir, 0);
  gchar buffer[65536];
  gssize n;

  mime = gvir_domain_screenshot (domain, stream, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mime);

  /* The stream is non-blocking: libvirt's event loop (the main context) feeds it. */
  while ((n = gvir_stream_receive (stream, buffer, sizeof buffer, NULL, &error)) != 0)
    {
      if (n > 0)
        {
          g_byte_array_append (data, (const guint8 *) buffer, n);
          continue;
        }
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
      g_clear_error (&error);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_object_unref (stream);

  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&data));
  g_test_message ("gvir_domain_screenshot: %s, %" G_GSIZE_FORMAT " bytes",
                  mime, g_bytes_get_size (bytes));
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 0);
  /* PNG or PPM, whatever libvirt chose. */
  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, bytes, &error));
  g_assert_no_error (error);
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  g_assert_nonnull (gdk_pixbuf_loader_get_pixbuf (loader));
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* Longer than any libadwaita/GTK transition (stack crossfades take 200 ms). */
#define SETTLE_USEC (400 * 1000)
/* A hang detector, not a speed check: an ASan build on two loaded cores has
 * taken over 10 s to draw a first frame with llvmpipe. */
#define FRAMES_TIMEOUT_S 60

typedef struct
{
  guint  remaining;
  gint64 not_before;
} FrameWait;

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  FrameWait *wait = user_data;

  if (wait->remaining > 0)
    wait->remaining--;
  if (wait->remaining == 0 && gdk_frame_clock_get_frame_time (clock) < wait->not_before)
    wait->remaining = 1;
  return wait->remaining > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
frames_done (gpointer user_data)
{
  return ((FrameWait *) user_data)->remaining == 0;
}

/**
 * hangar_test_wait_frames:
 * @widget: a mapped widget
 * @n_frames: how many frame clock ticks to wait for, at least
 *
 * Lets layout, painting and running transitions settle, so that what is
 * saved is what shows.
 */
void
hangar_test_wait_frames (GtkWidget *widget,
                         guint      n_frames)
{
  FrameWait wait = { MAX (n_frames, 1), g_get_monotonic_time () + SETTLE_USEC };

  gtk_widget_queue_draw (widget);
  gtk_widget_add_tick_callback (widget, count_frame, &wait, NULL);
  hangar_test_assert_eventually (frames_done, &wait, FRAMES_TIMEOUT_S, "frames to be drawn");
}

static GdkTexture *render_now (GtkWidget *widget);

/**
 * hangar_test_render_widget:
 * @widget: a widget in a mapped window
 *
 * Renders @widget with its window's own renderer, after letting it settle.
 *
 * Returns: (transfer full): what the widget shows
 */
GdkTexture *
hangar_test_render_widget (GtkWidget *widget)
{
  g_assert_true (gtk_widget_get_mapped (widget));
  hangar_test_wait_frames (widget, 3);

  return render_now (widget);
}

/* What @widget shows now, without running the main loop. */
static GdkTexture *
render_now (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int width, height;

  g_assert_true (gtk_widget_get_mapped (widget));

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* Saves @texture as @name in the artifacts directory; returns the path. */
static char *
save_texture (GdkTexture *texture,
              const char *name)
{
  char *path;

  path = g_build_filename (hangar_test_artifacts_dir (), name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%dx%d)", path, gdk_texture_get_width (texture),
                  gdk_texture_get_height (texture));

  return path;
}

/**
 * hangar_test_save_screenshot:
 * @widget: a widget in a mapped window
 * @name: the file name, without directory
 *
 * Renders @widget (hangar_test_render_widget()) and saves it as a PNG in the
 * artifacts directory.
 *
 * Returns: (transfer full): the path written
 */
char *
hangar_test_save_screenshot (GtkWidget  *widget,
                             const char *name)
{
  g_autoptr(GdkTexture) texture = hangar_test_render_widget (widget);

  return save_texture (texture, name);
}

/**
 * hangar_test_save_screenshot_now:
 * @widget: a widget in a mapped window
 * @name: the file name, without directory
 *
 * Like hangar_test_save_screenshot(), but renders what @widget shows now,
 * without letting frames go by: for a widget that may go away at any moment
 * (a dialog that closes when its work is done).
 *
 * Returns: (transfer full): the path written
 */
char *
hangar_test_save_screenshot_now (GtkWidget  *widget,
                                 const char *name)
{
  g_autoptr(GdkTexture) texture = render_now (widget);

  return save_texture (texture, name);
}

/**
 * hangar_test_respond:
 * @message_dialog: an #AdwMessageDialog
 * @response: one of its responses, enabled
 *
 * Answers @message_dialog as its button would, and closes it.
 */
void
hangar_test_respond (gpointer    message_dialog,
                     const char *response)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (message_dialog);

  g_assert_true (adw_message_dialog_get_response_enabled (dialog, response));
  g_object_ref (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

/**
 * hangar_test_find_widget:
 * @root: where to look, itself included
 * @type: the type of widget to find
 * @action_name: (nullable): the action it must activate, or %NULL for any
 *
 * Returns: (transfer none) (nullable): the first widget of @type in @root,
 *   depth first
 */
GtkWidget *
hangar_test_find_widget (GtkWidget  *root,
                         GType       type,
                         const char *action_name)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (action_name == NULL ||
       (GTK_IS_ACTIONABLE (root) &&
        g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action_name) == 0)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = hangar_test_find_widget (child, type, action_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * hangar_test_find_toplevel:
 * @type: the type of window to find
 * @transient_for: (nullable): the window it must belong to, or %NULL for any
 *
 * Returns: (transfer none) (nullable): the first toplevel of @type
 */
gpointer
hangar_test_find_toplevel (GType      type,
                           GtkWindow *transient_for)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) &&
          (transient_for == NULL || gtk_window_get_transient_for (toplevel) == transient_for))
        return toplevel;
    }
  return NULL;
}

/**
 * hangar_test_screenshot_both_styles:
 * @basename: the file name without ".png"
 *
 * Saves @widget in the light style as @basename.png and in the dark style as
 * @basename-dark.png.
 */
void
hangar_test_screenshot_both_styles (GtkWidget  *widget,
                                    const char *basename)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *light = g_strdup_printf ("%s.png", basename);
  g_autofree char *dark = g_strdup_printf ("%s-dark.png", basename);
  g_autofree char *light_path = NULL;
  g_autofree char *dark_path = NULL;

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  light_path = hangar_test_save_screenshot (widget, light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style));
  dark_path = hangar_test_save_screenshot (widget, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  g_assert_true (g_file_test (light_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (dark_path, G_FILE_TEST_IS_REGULAR));
}

/**
 * hangar_test_init_gui:
 *
 * hangar_test_init() for a test that shows windows: GTK and libadwaita too.
 */
void
hangar_test_init_gui (int    *argc,
                      char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  hangar_test_keep_pool_threads ();
  adw_init ();
}

typedef struct
{
  HangarWindow *window;
  const char   *name;
  const char   *state;
} CardStateWait;

static gboolean
card_state_is (gpointer data)
{
  CardStateWait *wait = data;
  GtkWidget *card = hangar_window_get_card (wait->window, wait->name);

  return card != NULL &&
         (wait->state == NULL ||
          g_strcmp0 (hangar_machine_card_get_state_text (HANGAR_MACHINE_CARD (card)),
                     wait->state) == 0);
}

/**
 * hangar_test_wait_card_state:
 * @state: (nullable): the badge's text, e.g. "Running"; %NULL for any
 *
 * Waits until @window shows a card for @name whose badge says @state.
 */
void
hangar_test_wait_card_state (HangarWindow *window,
                             const char   *name,
                             const char   *state,
                             guint         timeout_s)
{
  CardStateWait wait = { window, name, state };
  g_autofree char *what = state != NULL ?
    g_strdup_printf ("the card of “%s” to say “%s”", name, state) :
    g_strdup_printf ("a card for “%s”", name);

  hangar_test_assert_eventually (card_state_is, &wait, timeout_s, what);
}

static gboolean
card_gone (gpointer data)
{
  CardStateWait *wait = data;

  return hangar_window_get_card (wait->window, wait->name) == NULL;
}

/**
 * hangar_test_wait_card_gone:
 *
 * Waits until @window shows no card for @name.
 */
void
hangar_test_wait_card_gone (HangarWindow *window,
                            const char   *name,
                            guint         timeout_s)
{
  CardStateWait wait = { window, name, NULL };
  g_autofree char *what = g_strdup_printf ("the card of “%s” to go", name);

  hangar_test_assert_eventually (card_gone, &wait, timeout_s, what);
}

typedef struct
{
  HangarWindow *window;
  const char   *names;
} ShownWait;

static gboolean
shows_names (gpointer data)
{
  ShownWait *wait = data;
  g_autofree char *names = hangar_test_machine_names (hangar_window_get_machines (wait->window),
                                                      ",");

  return g_str_equal (names, wait->names);
}

/**
 * hangar_test_wait_shown:
 * @names: the names the view should show, in order, comma-separated
 *
 * Waits until @window's collection view shows exactly @names.
 */
void
hangar_test_wait_shown (HangarWindow *window,
                        const char   *names,
                        guint         timeout_s)
{
  ShownWait wait = { window, names };

  if (!hangar_test_wait_until (shows_names, &wait, timeout_s))
    {
      g_autofree char *shown = hangar_test_machine_names (hangar_window_get_machines (window),
                                                          ",");

      g_error ("Timed out after %u s waiting for the view to show “%s”; it shows “%s”",
               timeout_s, names, shown);
    }
}

typedef struct
{
  HangarWindow *window;
  const char   *page;
} PageWait;

/* The page shows, and the crossfade to it is over (screenshots see no ghost
 * of the page before). */
static gboolean
page_is (gpointer data)
{
  PageWait *wait = data;
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (wait->window),
                                                              HANGAR_TYPE_WINDOW, "stack"));

  return g_strcmp0 (hangar_window_get_visible_page (wait->window), wait->page) == 0 &&
         !gtk_stack_get_transition_running (stack);
}

/**
 * hangar_test_wait_window_page:
 * @page: "loading", "empty", "error", "collection"…
 *
 * Waits until @window shows @page, its transition over.
 */
void
hangar_test_wait_window_page (HangarWindow *window,
                              const char   *page,
                              guint         timeout_s)
{
  PageWait wait = { window, page };
  g_autofree char *what = g_strdup_printf ("the window to show its “%s” page", page);

  hangar_test_assert_eventually (page_is, &wait, timeout_s, what);
}

/**
 * hangar_test_stop_app:
 *
 * Closes @window and the app's connection, and lets go of @app.
 */
void
hangar_test_stop_app (HangarApplication *app,
                      HangarWindow      *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  hangar_connection_close (hangar_application_get_connection (app));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (app);
}

/* A notification server on the session bus, as every desktop has: what
 * Hangar sends (a machine kept running after its window closed) reaches it as
 * it would reach GNOME Shell, and tests read what arrived. Without one, GLib
 * warns that it cannot send, and a test's warnings are fatal. */
static GString *sent_notifications;

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/>"
  "<arg type='i' direction='in'/><arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "</interface></node>";

static void
on_notifications_call (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *object_path,
                       const char            *interface_name,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  g_autofree char *text = g_variant_print (parameters, FALSE);

  g_string_append_printf (sent_notifications, "%s %s\n", method_name, text);
  if (g_str_equal (method_name, "Notify"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", 1));
  else if (g_str_equal (method_name, "GetCapabilities"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new_parsed ("(['actions', 'body'],)"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notifications_vtable = { on_notifications_call, NULL, NULL };

static void
on_notifications_name (GDBusConnection *connection,
                       const char      *name,
                       gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Once per process: every app of a test shares the session bus connection. */
static void
serve_notifications (GApplication *app)
{
  static gboolean served, owned;
  GDBusConnection *bus = g_application_get_dbus_connection (app);
  g_autoptr(GDBusNodeInfo) node = NULL;

  if (served || bus == NULL)
    return;
  served = TRUE;
  sent_notifications = g_string_new (NULL);
  node = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_assert_nonnull (node);
  g_assert_cmpuint (g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications",
                                                       node->interfaces[0],
                                                       &notifications_vtable,
                                                       NULL, NULL, NULL), !=, 0);
  g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications",
                                G_BUS_NAME_OWNER_FLAGS_NONE, on_notifications_name, NULL,
                                &owned, NULL);
  hangar_test_assert_eventually (flag_is_set, &owned, 10, "the notification server's name");
}

/**
 * hangar_test_notifications_sent:
 *
 * Returns: what reached the session's notification server since the last
 *   hangar_test_notifications_clear(): a line per call, "METHOD (ARGS)"
 */
const char *
hangar_test_notifications_sent (void)
{
  g_assert_nonnull (sent_notifications);
  return sent_notifications->str;
}

void
hangar_test_notifications_clear (void)
{
  g_assert_nonnull (sent_notifications);
  g_string_truncate (sent_notifications, 0);
}

/**
 * hangar_test_new_app:
 * @window: (out): the app's window
 *
 * Starts Hangar on the URI that $HANGAR_URI names.
 */
HangarApplication *
hangar_test_new_app (HangarWindow **window)
{
  g_autoptr(GError) error = NULL;
  HangarApplication *app = hangar_application_new ();
  GApplicationFlags flags = g_application_get_flags (G_APPLICATION (app));

  g_application_set_flags (G_APPLICATION (app), flags | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  serve_notifications (G_APPLICATION (app));
  /* Closing the window saves running machines by default; tests not about
   * closing keep their guests as they are (those about it set it again). */
  g_settings_set_string (hangar_application_get_settings (app), "on-quit", "leave-running");
  g_application_activate (G_APPLICATION (app));
  *window = HANGAR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_true (HANGAR_IS_WINDOW (*window));
  return app;
}

static gboolean
connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_CONNECTED;
}

/**
 * hangar_test_start_app:
 * @window: (out): the app's window
 *
 * Starts Hangar (hangar_test_new_app()) and waits for its connection.
 */
HangarApplication *
hangar_test_start_app (HangarWindow **window)
{
  HangarApplication *app = hangar_test_new_app (window);

  hangar_test_assert_eventually (connected, hangar_application_get_connection (app), 30,
                                 "the session connection");
  return app;
}
