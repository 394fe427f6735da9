/* hangar-test-guest.c
 *
 * A test guest booting the live ISO in the isolated session: its domain XML,
 * virsh, its serial console (a log to read, and optionally a socket to type
 * shell commands into), and the app started against the session.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <string.h>

#include "hangar-application.h"
#include "hangar-connection.h"
#include "hangar-machine-card.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-window.h"

static char *
run_virsh (const char *first_arg,
           va_list     args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *command = NULL;
  const char *arg;
  int status;

  g_ptr_array_add (argv, (gpointer) "virsh");
  g_ptr_array_add (argv, (gpointer) "--quiet");
  g_ptr_array_add (argv, (gpointer) "--connect");
  g_ptr_array_add (argv, (gpointer) "qemu:///session");
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  command = g_strjoinv (" ", (char **) argv->pdata);
  /* Leaving descriptors open lets GLib use posix_spawn: no fork of this
   * multi-threaded (and, in CI, sanitized) process. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_LEAVE_DESCRIPTORS_OPEN,
                               NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", command, error->message, err);
  g_test_message ("%s", command);
  return g_strstrip (g_steal_pointer (&out));
}

/**
 * hangar_test_virsh:
 *
 * Acts on the session the way a user would from a terminal: through virsh,
 * in another process, so the app can only learn of it from libvirt's events.
 * A virsh that fails fails the test.
 */
void
hangar_test_virsh (const char *first_arg,
                   ...)
{
  g_autofree char *out = NULL;
  va_list args;

  va_start (args, first_arg);
  out = run_virsh (first_arg, args);
  va_end (args);
}

/**
 * hangar_test_virsh_output:
 *
 * Like hangar_test_virsh(), and returns what virsh printed, stripped.
 *
 * Returns: (transfer full): virsh's standard output
 */
char *
hangar_test_virsh_output (const char *first_arg,
                          ...)
{
  char *out;
  va_list args;

  va_start (args, first_arg);
  out = run_virsh (first_arg, args);
  va_end (args);
  return out;
}

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
         g_strcmp0 (hangar_machine_card_get_state_text (HANGAR_MACHINE_CARD (card)),
                    wait->state) == 0;
}

/**
 * hangar_test_wait_card_state:
 * @state: the badge's text, e.g. "Running"
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
  g_autofree char *what = g_strdup_printf ("the card of “%s” to say “%s”", name, state);

  hangar_test_assert_eventually (card_state_is, &wait, timeout_s, what);
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
 * Returns: (transfer full): virDomainScreenshot's image (PNG or PPM)
 */
GBytes *
hangar_test_guest_screenshot (GVirConnection  *gvir,
                              GVirDomain      *domain,
                              char           **mime)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  GVirStream *stream = gvir_connection_get_stream (gvir, 0);
  gchar buffer[65536];
  gssize n;

  *mime = gvir_domain_screenshot (domain, stream, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*mime);

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

  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static gboolean
connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_CONNECTED;
}

static gboolean
open_settled (gpointer data)
{
  return hangar_connection_get_state (data) != HANGAR_CONNECTION_CONNECTING;
}

/**
 * hangar_test_connection_open:
 * @uri: a libvirt URI
 *
 * Opens a #HangarConnection and waits until it is connected, as the app's
 * and hangarctl's are before they create or track machines.
 *
 * Returns: (transfer full): the open connection; close it with
 *   hangar_connection_close()
 */
HangarConnection *
hangar_test_connection_open (const char *uri)
{
  HangarConnection *connection = hangar_connection_new (uri);
  const GError *error;

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  hangar_test_assert_eventually (open_settled, connection, 30, uri);
  error = hangar_connection_get_error (connection);
  g_assert_no_error ((GError *) error);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_CONNECTED);
  return connection;
}

/**
 * hangar_test_start_app:
 * @window: (out): the app's window
 *
 * Starts Hangar on the isolated session and waits for its connection.
 */
HangarApplication *
hangar_test_start_app (HangarWindow **window)
{
  g_autoptr(GError) error = NULL;
  HangarApplication *app = hangar_application_new ();

  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  *window = HANGAR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (*window);

  hangar_test_assert_eventually (connected, hangar_application_get_connection (app), 30,
                                 "the session connection");
  return app;
}
