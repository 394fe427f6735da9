/* test-display-media.c
 *
 * Sound, files and USB of a running machine.
 *
 * unit: the USB errors of spice-client-glib's device manager said in words a
 * user can act on, and the device list of a real SpiceUsbDeviceManager.
 *
 * e2e: the live ISO with the sound card and the two USB redirection slots
 * Hangar gives machines, shown in Hangar's real window under Xvfb. The cases
 * share one guest, in order. hangar-guest's agent receives files (vdagent
 * file transfer) and prints their size and hash on the serial console;
 * hangar-guest tone plays a sine on the guest's HD Audio card, which Hangar
 * receives over SPICE's playback channel.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/utsname.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-display-media.h"
#include "hangar-display-page.h"
#include "hangar-display.h"
#include "hangar-machine.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-window.h"

#define DOMAIN_NAME "hangar-media"
#define LINE_TIMEOUT_S 30
#define TONE_HZ 1000
#define SMALL_SIZE (300 * 1024)
#define BIG_SIZE (96 * 1024 * 1024)

/* Unit *******************************************************************/

typedef struct
{
  const char *what;
  GQuark      domain;
  int         code;
  const char *message;
  int         expected; /* a HangarDisplayMediaError, or -1 for "cancelled, unchanged" */
} UsbErrorCase;

static void
test_usb_errors (void)
{
  /* What spice-client-glib 0.42 and libusb say (channel-usbredir.c,
   * usb-device-manager.c, libusb_strerror), and GLib when the ACL helper
   * cannot be spawned. */
  const UsbErrorCase cases[] = {
    { "libusb access", SPICE_CLIENT_ERROR, SPICE_CLIENT_ERROR_FAILED,
      "Could not open usb device: Access denied (insufficient permissions) [-3]",
      HANGAR_DISPLAY_MEDIA_ERROR_USB_PERMISSION },
    { "io permission", G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "Permission denied",
      HANGAR_DISPLAY_MEDIA_ERROR_USB_PERMISSION },
    { "no channel", SPICE_CLIENT_ERROR, SPICE_CLIENT_ERROR_FAILED,
      "There are no free USB channels", HANGAR_DISPLAY_MEDIA_ERROR_USB_NO_SLOT },
    { "helper spawn", G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT,
      "Failed to execute child process “spice-client-glib-usb-acl-helper” (No such file or directory)",
      HANGAR_DISPLAY_MEDIA_ERROR_USB_HELPER },
    { "helper says", SPICE_CLIENT_ERROR, SPICE_CLIENT_ERROR_FAILED,
      "Error setting USB device node ACL: 'Not authorized'", HANGAR_DISPLAY_MEDIA_ERROR_USB_HELPER },
    { "lost", SPICE_CLIENT_ERROR, SPICE_CLIENT_ERROR_USB_DEVICE_LOST, "device disconnected",
      HANGAR_DISPLAY_MEDIA_ERROR_USB_LOST },
    { "rejected", SPICE_CLIENT_ERROR, SPICE_CLIENT_ERROR_USB_DEVICE_REJECTED,
      "rejected by the guest filter", HANGAR_DISPLAY_MEDIA_ERROR_USB_REFUSED },
    { "cancelled", G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) spice = g_error_new_literal (cases[i].domain, cases[i].code,
                                                     cases[i].message);
      g_autoptr(GError) mapped = hangar_display_media_usb_error (spice);

      g_test_message ("%s → %s", cases[i].what, mapped->message);
      if (cases[i].expected < 0)
        {
          g_assert_error (mapped, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          continue;
        }
      g_assert_error (mapped, HANGAR_DISPLAY_MEDIA_ERROR, cases[i].expected);
      /* A sentence, not spice-client-glib's words alone. */
      g_assert_cmpstr (mapped->message, !=, cases[i].message);
      g_assert_cmpuint (strlen (mapped->message), >, 20);
    }
}

static void
test_usb_device_list (void)
{
  g_autoptr(GObject) session_object = G_OBJECT (spice_session_new ());
  g_autoptr(GObject) off_object = G_OBJECT (spice_session_new ());
  SpiceSession *session = SPICE_SESSION (session_object);
  SpiceSession *off = SPICE_SESSION (off_object);
  g_autoptr(HangarDisplayMedia) media = hangar_display_media_new ();
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_signal_connect_swapped (media, "usb-changed", G_CALLBACK (g_atomic_int_inc), &changed);

  /* Without a session: why there is no list. */
  devices = hangar_display_media_get_usb_devices (media, &error);
  g_assert_null (devices);
  g_assert_error (error, HANGAR_DISPLAY_MEDIA_ERROR, HANGAR_DISPLAY_MEDIA_ERROR_NO_SESSION);
  g_clear_error (&error);

  /* A session without USB redirection. */
  g_object_set (off, "enable-usbredir", FALSE, "enable-audio", FALSE, NULL);
  hangar_display_media_set_session (media, off);
  devices = hangar_display_media_get_usb_devices (media, &error);
  g_assert_null (devices);
  g_assert_error (error, HANGAR_DISPLAY_MEDIA_ERROR, HANGAR_DISPLAY_MEDIA_ERROR_USB_UNAVAILABLE);
  g_clear_error (&error);

  /* With it: the host's devices, as spice-client-glib's manager lists them
   * (none on a host without USB, which is no error). */
  g_object_set (session, "enable-usbredir", TRUE, "enable-audio", FALSE, NULL);
  hangar_display_media_set_session (media, session);
  g_assert_cmpuint (changed, >=, 2);
  devices = hangar_display_media_get_usb_devices (media, &error);
  if (devices == NULL)
    {
      g_test_message ("no device manager here: %s", error->message);
      g_assert_true (error->domain == HANGAR_DISPLAY_MEDIA_ERROR);
    }
  else
    {
      g_test_message ("%u USB devices on this host", devices->len);
      for (guint i = 0; i < devices->len; i++)
        {
          g_autofree char *label = hangar_display_media_describe_usb (devices->pdata[i]);
          g_autofree char *id = hangar_display_media_usb_id (devices->pdata[i]);
          SpiceUsbDevice *found = hangar_display_media_find_usb (media, id);

          g_test_message ("  %s: %s", id, label);
          g_assert_nonnull (found);
          g_assert_false (hangar_display_media_usb_is_redirected (media, found));
          g_boxed_free (spice_usb_device_get_type (), found);
        }
      g_assert_null (hangar_display_media_find_usb (media, "999-999"));
    }

  /* The automatic redirection reaches the manager. */
  hangar_display_media_set_usb_auto_connect (media, TRUE);
  if (devices != NULL)
    {
      gboolean auto_connect = FALSE;
      SpiceUsbDeviceManager *manager = spice_usb_device_manager_get (session, NULL);

      g_object_get (manager, "auto-connect", &auto_connect, NULL);
      g_assert_true (auto_connect);
    }
  hangar_display_media_set_session (media, NULL);
}

/* e2e ********************************************************************/

static struct
{
  HangarApplication *app;
  HangarWindow      *window;
  HangarTestGuest   *guest;
  HangarMachine     *machine;
  HangarDisplayPage *page;
  HangarDisplay     *display;
  char              *dir;
  guint              agent_runs;
} f;

static void
pump (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static gboolean
display_ready (gpointer data)
{
  return hangar_display_get_state (f.display) == HANGAR_DISPLAY_STATE_READY &&
         g_strcmp0 (hangar_display_page_get_status (f.page), "display") == 0;
}

static gboolean
machine_in_state (gpointer data)
{
  return hangar_machine_get_state (f.machine) == GPOINTER_TO_INT (data);
}

static gboolean
transfer_is (gpointer data)
{
  return g_strcmp0 (hangar_display_page_get_transfer (f.page, NULL), data) == 0;
}

static gboolean
agent_connected (gpointer data)
{
  return hangar_display_get_agent_connected (f.display);
}

/* FNV-1a 64, as hangar-guest's agent hashes what it receives. */
static char *
fnv1a (GBytes *bytes)
{
  gsize size;
  const guint8 *p = g_bytes_get_data (bytes, &size);
  guint64 hash = G_GUINT64_CONSTANT (14695981039346656037);

  for (gsize i = 0; i < size; i++)
    hash = (hash ^ p[i]) * G_GUINT64_CONSTANT (1099511628211);
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x", hash);
}

static GFile *
make_file (const char *name,
           gsize       size,
           GBytes    **bytes)
{
  g_autofree guint8 *data = g_malloc (size);
  g_autofree char *path = g_build_filename (f.dir, name, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (size);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  g_assert_true (g_file_set_contents (path, (char *) data, size, &error));
  g_assert_no_error (error);
  if (bytes != NULL)
    *bytes = g_bytes_new_take (g_steal_pointer (&data), size);
  return g_file_new_for_path (path);
}

/* The guest's definition: the test guest's, with the sound card and the two
 * USB redirection slots that Hangar's machines have (hangar-vm-config.c). */
static void
add_media_devices (void)
{
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) edited = NULL;

  g_assert_true (g_file_get_contents (f.guest->xml_path, &xml, NULL, &error));
  g_assert_no_error (error);
  edited = g_string_new (xml);
  g_assert_cmpuint (g_string_replace (edited, "<devices>",
                                      "<devices><sound model='ich9'/>"
                                      "<redirdev bus='usb' type='spicevmc'/>"
                                      "<redirdev bus='usb' type='spicevmc'/>", 1), ==, 1);
  g_assert_true (g_file_set_contents (f.guest->xml_path, edited->str, -1, &error));
  g_assert_no_error (error);
}

static void
test_boot (void)
{
  HangarCollection *collection;
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;

  f.dir = g_dir_make_tmp ("hangar-media-XXXXXX", &error);
  g_assert_no_error (error);
  f.guest = hangar_test_guest_new (DOMAIN_NAME, TRUE);
  add_media_devices ();
  f.app = hangar_test_start_app (&f.window);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1000, 760);
  hangar_test_guest_define (f.guest);

  collection = hangar_application_get_collection (f.app);
  while ((f.machine = hangar_collection_find_by_name (collection, DOMAIN_NAME)) == NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (f.machine);
  hangar_test_assert_eventually (machine_in_state, GINT_TO_POINTER (HANGAR_MACHINE_STATE_STOPPED),
                                 15, "the machine to be stopped");
  hangar_window_open_machine (f.window, f.machine);
  f.page = hangar_window_get_display_page (f.window);
  f.display = hangar_display_page_get_display (f.page);
  gtk_widget_activate_action (GTK_WIDGET (f.page), "display.start", NULL);
  hangar_test_assert_eventually (display_ready, NULL, 30, "the display to show the guest");
  g_free (hangar_test_guest_wait_line (f.guest, HANGAR_TEST_SHELL_READY, 1,
                                       HANGAR_TEST_BOOT_TIMEOUT_S));
}

static void
start_agent (void)
{
  f.agent_runs++;
  hangar_test_guest_run (f.guest, "hangar-guest agent > /dev/ttyS0 &");
  g_free (hangar_test_guest_wait_line (f.guest, "HANGAR_AGENT_READY", f.agent_runs,
                                       LINE_TIMEOUT_S));
  hangar_test_assert_eventually (agent_connected, NULL, LINE_TIMEOUT_S,
                                 "the agent, seen by the display");
}

static void
test_no_agent (void)
{
  g_autoptr(GFile) file = make_file ("no-agent.bin", 1000, NULL);
  const char *message = NULL;

  /* Nothing in the guest answers the agent's port yet. */
  g_assert_false (hangar_display_get_agent_connected (f.display));
  hangar_display_page_send_files (f.page, &file, 1);
  hangar_test_assert_eventually (transfer_is, (gpointer) "failed", LINE_TIMEOUT_S,
                                 "the transfer to fail");
  hangar_display_page_get_transfer (f.page, &message);
  g_test_message ("without agent: %s", message);
  g_assert_nonnull (strstr (message, "SPICE agent"));
  g_free (hangar_test_save_screenshot (GTK_WIDGET (f.window), "display-media-no-agent.png"));
}

static void
check_received (const char *name,
                GBytes     *bytes,
                guint       nth)
{
  g_autofree char *line = hangar_test_guest_wait_line (f.guest, "HANGAR_AGENT_FILE ", nth,
                                                       LINE_TIMEOUT_S * 4);
  g_autofree char *hash = fnv1a (bytes);
  g_autofree char *expected = g_strdup_printf ("HANGAR_AGENT_FILE %s %" G_GSIZE_FORMAT " %s",
                                               name, g_bytes_get_size (bytes), hash);

  g_assert_cmpstr (line, ==, expected);
}

static void
test_send_file (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GFile) file = make_file ("sent.bin", g_getenv ("HANGAR_TEST_MEDIA_SIZE") != NULL
                                                   ? (gsize) g_ascii_strtoull (g_getenv ("HANGAR_TEST_MEDIA_SIZE"), NULL, 10)
                                                   : SMALL_SIZE, &bytes);
  gint64 started;

  start_agent ();
  started = g_get_monotonic_time ();
  /* What Send Files… does with the chooser's files. */
  hangar_display_page_send_files (f.page, &file, 1);
  g_assert_cmpstr (hangar_display_page_get_transfer (f.page, NULL), ==, "sending");
  hangar_test_assert_eventually (transfer_is, (gpointer) "sent", LINE_TIMEOUT_S * 4,
                                 "the file to be sent");
  g_test_message ("%" G_GSIZE_FORMAT " KiB sent in %.2f s", g_bytes_get_size (bytes) / 1024,
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  check_received ("sent.bin", bytes, 1);
}

static void
test_drop (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GFile) file = make_file ("dropped.bin", SMALL_SIZE / 3, &bytes);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f.display));
  GtkDropTarget *drop = NULL;
  GValue value = G_VALUE_INIT;
  GSList *files = g_slist_prepend (NULL, file);
  gboolean accepted = FALSE;
  guint toplevels = g_list_model_get_n_items (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && drop == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        drop = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (drop);

  /* What GTK does when files are dropped on the guest's screen. */
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_signal_emit_by_name (drop, "drop", &value, 100.0, 100.0, &accepted);
  g_value_unset (&value);
  g_slist_free (files);
  g_assert_true (accepted);
  /* The drop is the guest's: no assistant opens, the display stays. */
  pump (200);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, toplevels);
  g_assert_true (gtk_stack_get_visible_child (GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (f.page))))
                 == GTK_WIDGET (f.page));

  hangar_test_assert_eventually (transfer_is, (gpointer) "sent", LINE_TIMEOUT_S * 4,
                                 "the dropped file to be sent");
  check_received ("dropped.bin", bytes, 2);
}

static gboolean
agent_heard_cancel (gpointer data)
{
  return hangar_test_guest_count_in_log (f.guest, "HANGAR_AGENT_FILE_CANCELLED big.bin") > 0;
}

static void
test_cancel (void)
{
  g_autoptr(GFile) file = make_file ("big.bin", BIG_SIZE, NULL);
  g_autofree char *cancelled = NULL;

  hangar_display_page_send_files (f.page, &file, 1);
  g_free (hangar_test_guest_wait_line (f.guest, "HANGAR_AGENT_FILE_START big.bin", 1,
                                       LINE_TIMEOUT_S));
  g_free (hangar_test_save_screenshot (GTK_WIDGET (f.window), "display-media-sending.png"));
  g_assert_cmpstr (hangar_display_page_get_transfer (f.page, NULL), ==, "sending");
  hangar_display_page_cancel_transfer (f.page);
  hangar_test_assert_eventually (transfer_is, (gpointer) "cancelled", LINE_TIMEOUT_S,
                                 "the transfer to be cancelled");
  g_assert_cmpuint (hangar_test_guest_count_in_log (f.guest, "HANGAR_AGENT_FILE big.bin"), ==, 0);

  /* The agent deletes what it received once spice-client-glib tells it.
   * spice-client-glib 0.42 sometimes never does (the cancelled status is
   * lost when the cancel meets its read of the next chunk, although Hangar
   * waits for a chunk to be sent before it cancels): the agent then keeps
   * the partial file until the display disconnects. Said, not hidden. */
  if (!hangar_test_wait_until (agent_heard_cancel, NULL, 15))
    {
      g_test_incomplete ("spice-client-glib did not send the agent the cancelled status: "
                         "the partial file stays in the guest until the display disconnects");
      return;
    }
  cancelled = hangar_test_guest_wait_line (f.guest, "HANGAR_AGENT_FILE_CANCELLED big.bin", 1,
                                           LINE_TIMEOUT_S);
  g_test_message ("%s of %d", cancelled, BIG_SIZE);

  /* Nothing of it is left in the guest. */
  hangar_test_guest_run (f.guest, "ls /tmp/hangar-received | sed 's/^/HANGAR_HAS_/'; "
                                  "echo HANGAR_LS_""DONE");
  g_free (hangar_test_guest_wait_line (f.guest, "HANGAR_LS_DONE", 1, LINE_TIMEOUT_S));
  g_assert_cmpuint (hangar_test_guest_count_in_log (f.guest, "HANGAR_HAS_sent.bin"), ==, 1);
  g_assert_cmpuint (hangar_test_guest_count_in_log (f.guest, "HANGAR_HAS_big.bin"), ==, 0);
}

/* Sound ******************************************************************/

typedef struct
{
  GByteArray *pcm;     /* S16 interleaved */
  int         channels;
  gboolean    record;
} Capture;

static void
on_playback_start (SpicePlaybackChannel *channel,
                   int                   format,
                   int                   channels,
                   int                   rate,
                   Capture              *capture)
{
  g_test_message ("playback: format %d, %d channels, %d Hz", format, channels, rate);
  capture->channels = channels;
}

static void
on_playback_data (SpicePlaybackChannel *channel,
                  gpointer              data,
                  int                   size,
                  Capture              *capture)
{
  if (capture->record)
    g_byte_array_append (capture->pcm, data, size);
}

static SpiceChannel *
session_channel (GType type)
{
  g_autoptr(GList) channels = spice_session_get_channels (hangar_display_get_session (f.display));

  for (GList *l = channels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      return l->data;
  return NULL;
}

static gboolean
have_audio (gpointer data)
{
  Capture *capture = data;

  /* Half a second of 48 kHz stereo. */
  return capture->pcm->len >= 48000 * 2 * 2 / 2;
}

static void
test_sound (void)
{
  HangarDisplayMedia *media = hangar_display_page_get_media (f.page);
  SpiceChannel *playback = session_channel (SPICE_TYPE_PLAYBACK_CHANNEL);
  Capture capture = { g_byte_array_new (), 2, FALSE };
  const gint16 *samples;
  guint frames, crossings = 0, skip;
  double sum = 0, rms, hz;
  gboolean muted = FALSE;
  GLogLevelFlags always_fatal;
  g_autofree char *cmd = NULL;

  g_assert_nonnull (playback);
  g_signal_connect (playback, "playback-start", G_CALLBACK (on_playback_start), &capture);
  g_signal_connect (playback, "playback-data", G_CALLBACK (on_playback_data), &capture);

  cmd = g_strdup_printf ("hangar-guest tone %d 4 > /dev/ttyS0 &", TONE_HZ);
  hangar_test_guest_run (f.guest, cmd);
  g_free (hangar_test_guest_wait_line (f.guest, "HANGAR_TONE_START", 1, LINE_TIMEOUT_S));
  /* The first period may carry the card's start; listen from then on. */
  pump (300);
  capture.record = TRUE;
  hangar_test_assert_eventually (have_audio, &capture, LINE_TIMEOUT_S, "the guest's tone");
  capture.record = FALSE;

  /* The left channel's zero crossings give the frequency; its RMS says it
   * is no silence. Skip the first 50 ms. */
  samples = (const gint16 *) capture.pcm->data;
  frames = capture.pcm->len / 2 / capture.channels;
  skip = 48000 / 20;
  g_assert_cmpuint (frames, >, skip * 2);
  for (guint i = skip; i + 1 < frames; i++)
    {
      gint16 a = samples[i * capture.channels];
      gint16 b = samples[(i + 1) * capture.channels];

      sum += (double) a * a;
      if ((a < 0 && b >= 0) || (a >= 0 && b < 0))
        crossings++;
    }
  rms = sqrt (sum / (frames - skip));
  hz = crossings / 2.0 / ((frames - skip) / 48000.0);
  g_test_message ("playback received %u frames: %.1f Hz, RMS %.0f (bytes counted by Hangar: %"
                  G_GUINT64_FORMAT ")", frames, hz, rms, hangar_display_media_get_audio_bytes (media));
  g_assert_cmpfloat (rms, >, 1000);
  g_assert_cmpfloat (fabs (hz - TONE_HZ), <, TONE_HZ * 0.05);
  g_assert_cmpuint (hangar_display_media_get_audio_bytes (media), >=, capture.pcm->len);

  /* Mute, from the display's menu: the playback and record channels that
   * spice-client-glib's GStreamer backend plays through are muted. */
  /* Under Xvfb there is no sound server: autoaudiosink falls back to a sink
   * without a volume, and spice-client-glib warns that it cannot mute it. */
  always_fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
  gtk_widget_activate_action (GTK_WIDGET (f.page), "media.mute", NULL);
  g_assert_true (hangar_display_media_get_muted (media));
  g_object_get (playback, "mute", &muted, NULL);
  g_assert_true (muted);
  gtk_widget_activate_action (GTK_WIDGET (f.page), "media.mute", NULL);
  g_assert_false (hangar_display_media_get_muted (media));
  /* With a sink that has no volume (here) spice-client-glib keeps the
   * channel muted; a desktop's pulsesink has one. Reported, not asserted. */
  g_object_get (playback, "mute", &muted, NULL);
  g_test_message ("after unmuting, the playback channel says mute=%d", muted);
  g_log_set_always_fatal (always_fatal);

  g_signal_handlers_disconnect_by_data (playback, &capture);
  g_byte_array_unref (capture.pcm);
  g_free (hangar_test_guest_wait_line (f.guest, "HANGAR_TONE_DONE", 1, LINE_TIMEOUT_S));
}

/* USB ********************************************************************/

static void
test_usb (void)
{
  HangarDisplayMedia *media = hangar_display_page_get_media (f.page);
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *usbip = NULL;
  GtkMenuButton *menu_button;
  struct utsname host;

  devices = hangar_display_media_get_usb_devices (media, &error);
  if (devices != NULL)
    {
      SpiceUsbDeviceManager *manager =
        spice_usb_device_manager_get (hangar_display_get_session (f.display), NULL);
      int free_channels = 0;

      /* The machine's two redirection slots reached the manager. */
      g_object_get (manager, "free-channels", &free_channels, NULL);
      g_test_message ("%u host devices, %d free redirection slots", devices->len, free_channels);
      g_assert_cmpint (free_channels, ==, 2);
    }
  else
    g_test_message ("USB: %s", error->message);

  /* The menu, with its USB devices, light and dark. */
  menu_button = GTK_MENU_BUTTON (hangar_test_find_widget (GTK_WIDGET (f.page), GTK_TYPE_MENU_BUTTON,
                                                          NULL));
  g_assert_nonnull (menu_button);
  gtk_menu_button_popup (menu_button);
  pump (300);
  hangar_test_screenshot_both_styles (GTK_WIDGET (gtk_menu_button_get_popover (menu_button)),
                                      "display-media-menu");
  gtk_menu_button_popdown (menu_button);

  /* A real device for the guest needs one on this host: a virtual one
   * (usbip's vhci-hcd, or a gadget through dummy_hcd) when there is none. */
  g_assert_cmpint (uname (&host), ==, 0);
  usbip = g_build_filename ("/lib/modules", host.release, "kernel/drivers/usb/usbip", NULL);
  if (devices == NULL || devices->len == 0)
    {
      g_autofree char *reason =
        g_strdup_printf ("no USB device on this host to redirect, and no way to make one: "
                         "kernel %s has %s usbip/vhci-hcd and no dummy_hcd/gadget modules "
                         "(looked in /lib/modules/%s)",
                         host.release, g_file_test (usbip, G_FILE_TEST_IS_DIR) ? "" : "no",
                         host.release);
      g_test_skip (reason);
      return;
    }
  g_test_skip ("redirecting one of this host's own devices would take it from the host");
}

static void
test_shutdown (void)
{
  hangar_test_virsh ("destroy", DOMAIN_NAME, NULL);
  hangar_test_assert_eventually (machine_in_state, GINT_TO_POINTER (HANGAR_MACHINE_STATE_STOPPED),
                                 30, "the machine to stop");
  hangar_test_virsh ("undefine", DOMAIN_NAME, NULL);
  hangar_test_stop_app (g_steal_pointer (&f.app), f.window);
  g_clear_pointer (&f.guest, hangar_test_guest_free);
  if (f.dir != NULL)
    {
      const char *names[] = { "no-agent.bin", "sent.bin", "dropped.bin", "big.bin" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *path = g_build_filename (f.dir, names[i], NULL);

          g_remove (path);
        }
      g_rmdir (f.dir);
      g_clear_pointer (&f.dir, g_free);
    }
}

int
main (int   argc,
      char *argv[])
{
  /* The unit cases run without a display server. */
  if (g_getenv ("HANGAR_TEST_MEDIA_UNIT") != NULL)
    {
      hangar_test_init (&argc, &argv);
      g_test_add_func ("/hangar/display-media/unit/usb-errors", test_usb_errors);
      g_test_add_func ("/hangar/display-media/unit/usb-device-list", test_usb_device_list);
      return g_test_run ();
    }

  hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/display-media/e2e/boot", test_boot);
  g_test_add_func ("/hangar/display-media/e2e/no-agent", test_no_agent);
  g_test_add_func ("/hangar/display-media/e2e/send-file", test_send_file);
  g_test_add_func ("/hangar/display-media/e2e/drop", test_drop);
  g_test_add_func ("/hangar/display-media/e2e/cancel", test_cancel);
  g_test_add_func ("/hangar/display-media/e2e/sound", test_sound);
  g_test_add_func ("/hangar/display-media/e2e/usb", test_usb);
  g_test_add_func ("/hangar/display-media/e2e/shutdown", test_shutdown);

  return g_test_run ();
}
