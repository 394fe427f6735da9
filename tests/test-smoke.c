/* test-smoke.c
 *
 * End to end, with real parts: a QEMU guest (software emulation) booting the
 * live ISO under the isolated libvirt session, shown as running in the real
 * window under Xvfb, then destroyed and undefined, the window following each
 * step from libvirt's events.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-machine-card.h"
#include "hangar-machine.h"
#include "hangar-test-utils.h"
#include "hangar-window.h"

#define DOMAIN_NAME "hangar-smoke"
#define BANNER "HANGAR_LIVE_READY"
#define BOOT_TIMEOUT_S 150

typedef struct
{
  HangarWindow *window;
  const char   *name;
  const char   *state;
} CardWait;

static gboolean
card_shows (gpointer data)
{
  CardWait *wait = data;
  GtkWidget *card = hangar_window_get_card (wait->window, wait->name);

  if (wait->state == NULL)
    return card == NULL;
  return card != NULL &&
         g_strcmp0 (hangar_machine_card_get_state_text (HANGAR_MACHINE_CARD (card)),
                    wait->state) == 0;
}

static gboolean
connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_CONNECTED;
}

static gboolean
serial_has_banner (gpointer data)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (data, &contents, NULL, NULL))
    return FALSE;
  return strstr (contents, BANNER) != NULL;
}

static char *
domain_xml (const char *iso,
            const char *serial_log)
{
  g_autofree char *iso_esc = g_markup_escape_text (iso, -1);
  g_autofree char *log_esc = g_markup_escape_text (serial_log, -1);

  /* Software emulation: this machine's KVM cannot run ordinary guests, and the
   * app must work without KVM anyway. */
  return g_strdup_printf (
    "<domain type='qemu'>"
    "  <name>" DOMAIN_NAME "</name>"
    "  <memory unit='MiB'>512</memory>"
    "  <vcpu>1</vcpu>"
    "  <os><type arch='x86_64' machine='q35'>hvm</type><boot dev='cdrom'/></os>"
    "  <features><acpi/></features>"
    "  <devices>"
    "    <disk type='file' device='cdrom'>"
    "      <driver name='qemu' type='raw'/>"
    "      <source file='%s'/>"
    "      <target dev='sda' bus='sata'/>"
    "      <readonly/>"
    "    </disk>"
    "    <serial type='file'><source path='%s'/><target port='0'/></serial>"
    "    <graphics type='spice'><listen type='none'/></graphics>"
    "    <video><model type='qxl'/></video>"
    "    <input type='tablet' bus='usb'/>"
    "    <memballoon model='none'/>"
    "  </devices>"
    "</domain>", iso_esc, log_esc);
}

/* Acts on the session the way a user would from a terminal: through virsh, in
 * another process, so the window can only learn of it from libvirt's events. */
static void
virsh (const char *first_arg,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *command = NULL;
  const char *arg;
  va_list args;
  int status;

  g_ptr_array_add (argv, (gpointer) "virsh");
  g_ptr_array_add (argv, (gpointer) "--quiet");
  g_ptr_array_add (argv, (gpointer) "--connect");
  g_ptr_array_add (argv, (gpointer) "qemu:///session");
  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
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
}

static GBytes *
take_screenshot (GVirConnection  *gvir,
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

/* The guest's frame must show something: count the pixels that differ from
 * the most common colour (the background). */
static guint
count_foreground_pixels (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  guint background = 0, background_count = 0, total = (guint) (width * height);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pixels + y * stride + x * channels;
        guint rgb = (p[0] << 16) | (p[1] << 8) | p[2];
        guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (rgb))) + 1;

        g_hash_table_insert (counts, GUINT_TO_POINTER (rgb), GUINT_TO_POINTER (count));
        if (count > background_count)
          {
            background = rgb;
            background_count = count;
          }
      }

  g_test_message ("guest frame %dx%d: %u colours, background #%06x on %u of %u pixels",
                  width, height, g_hash_table_size (counts), background, background_count, total);
  return total - background_count;
}

static void
check_guest_screenshot (GVirConnection *gvir,
                        GVirDomain     *domain)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mime = NULL;
  g_autoptr(GBytes) bytes = take_screenshot (gvir, domain, &mime);
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autofree char *path = g_build_filename (hangar_test_artifacts_dir (),
                                            "smoke-guest-frame.png", NULL);
  GdkPixbuf *pixbuf;
  guint foreground;

  g_test_message ("gvir_domain_screenshot: %s, %" G_GSIZE_FORMAT " bytes",
                  mime, g_bytes_get_size (bytes));
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 0);

  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, bytes, &error));
  g_assert_no_error (error);
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_nonnull (pixbuf);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), >=, 640);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), >=, 400);

  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);

  /* A text console with the banner on it is a few thousand pixels of glyphs. */
  foreground = count_foreground_pixels (pixbuf);
  g_assert_cmpuint (foreground, >, 500);
}

static void
test_smoke_boot (void)
{
  const char *iso = g_getenv ("HANGAR_TEST_ISO");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarApplication) app = NULL;
  g_autofree char *xml_path = NULL;
  g_autofree char *path2 = NULL;
  HangarMachine *machine;
  g_autofree char *serial_log = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *path = NULL;
  HangarConnection *connection;
  HangarWindow *window;
  GVirConnection *gvir;
  GVirDomain *domain;
  CardWait wait;
  gint64 started;

  /* Without the fixture this test cannot say anything: fail, never skip. */
  g_assert_nonnull (iso);
  g_assert_true (g_file_test (iso, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (g_getenv ("HANGAR_URI"), ==, "qemu:///session");

  app = hangar_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = HANGAR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);

  connection = hangar_application_get_connection (app);
  hangar_test_assert_eventually (connected, connection, 30, "the session connection");
  gvir = hangar_connection_get_gvir (connection);
  g_assert_cmpstr (gvir_connection_get_uri (gvir), ==, "qemu:///session");

  serial_log = g_build_filename (hangar_test_artifacts_dir (), "smoke-serial.log", NULL);
  xml = domain_xml (iso, serial_log);
  xml_path = g_build_filename (hangar_test_artifacts_dir (), "smoke-domain.xml", NULL);
  g_assert_true (g_file_set_contents (xml_path, xml, -1, &error));
  g_assert_no_error (error);

  /* Defined behind the app's back: the card must appear from the event alone. */
  virsh ("define", xml_path, NULL);
  wait = (CardWait) { window, DOMAIN_NAME, "Stopped" };
  hangar_test_assert_eventually (card_shows, &wait, 15, "the new machine's card, stopped");
  machine = hangar_collection_find_by_name (hangar_application_get_collection (app), DOMAIN_NAME);
  g_assert_nonnull (machine);
  domain = g_object_ref (hangar_machine_get_domain (machine));

  started = g_get_monotonic_time ();
  virsh ("start", DOMAIN_NAME, NULL);
  wait.state = "Running";
  hangar_test_assert_eventually (card_shows, &wait, 15, "the card to show Running");

  hangar_test_assert_eventually (serial_has_banner, serial_log, BOOT_TIMEOUT_S,
                                 "the guest's banner on the serial console");
  g_test_message ("boot-to-banner: %.1f s (start → banner, software emulation)",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);

  check_guest_screenshot (gvir, domain);

  path = hangar_test_save_screenshot (GTK_WIDGET (window), "smoke-collection-running.png");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* Force off, then undefine: the window follows both. */
  virsh ("destroy", DOMAIN_NAME, NULL);
  wait.state = "Stopped";
  hangar_test_assert_eventually (card_shows, &wait, 15, "the card to show Stopped");
  path2 = hangar_test_save_screenshot (GTK_WIDGET (window), "smoke-collection-stopped.png");

  virsh ("undefine", DOMAIN_NAME, NULL);
  wait.state = NULL;
  hangar_test_assert_eventually (card_shows, &wait, 15, "the card to go away");
  g_assert_null (hangar_collection_find_by_name (hangar_application_get_collection (app),
                                                 DOMAIN_NAME));
  g_object_unref (domain);

  gtk_window_destroy (GTK_WINDOW (window));
  hangar_connection_close (connection);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/hangar/e2e/smoke-boot", test_smoke_boot);

  return g_test_run ();
}
