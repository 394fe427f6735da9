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
#include "hangar-machine.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-window.h"

#define DOMAIN_NAME "hangar-smoke"

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

/* Takes the guest's screenshot and returns how many pixels are not
 * background; saves it as an artifact. */
static guint
guest_foreground (GVirConnection *gvir,
                  GVirDomain     *domain)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = hangar_test_guest_screenshot (gvir, domain);
  g_autofree char *path = g_build_filename (hangar_test_artifacts_dir (),
                                            "smoke-guest-frame.png", NULL);

  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), >=, 640);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), >=, 400);

  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);

  return count_foreground_pixels (pixbuf);
}

static void
check_guest_screenshot (GVirConnection *gvir,
                        GVirDomain     *domain)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint foreground;

  /* A text console with the banner on it is a few thousand pixels of glyphs.
   * The serial line can be ahead of the framebuffer console: retry a while. */
  while ((foreground = guest_foreground (gvir, domain)) <= 500 &&
         g_get_monotonic_time () < deadline)
    hangar_test_wait_until ((HangarTestPredicate) g_main_context_pending, NULL, 1);
  g_assert_cmpuint (foreground, >, 500);
}

static void
test_smoke_boot (void)
{
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_new (DOMAIN_NAME, FALSE);
  g_autoptr(HangarApplication) app = NULL;
  g_autofree char *banner = NULL;
  g_autofree char *path = NULL;
  g_autofree char *path2 = NULL;
  HangarConnection *connection;
  HangarMachine *machine;
  HangarWindow *window;
  GVirConnection *gvir;
  GVirDomain *domain;
  gint64 started;

  app = hangar_test_start_app (&window);
  connection = hangar_application_get_connection (app);
  gvir = hangar_connection_get_gvir (connection);
  g_assert_cmpstr (gvir_connection_get_uri (gvir), ==, "qemu:///session");

  /* Defined behind the app's back: the card must appear from the event alone. */
  hangar_test_guest_define (guest);
  hangar_test_wait_card_state (window, DOMAIN_NAME, "Stopped", 15);
  machine = hangar_collection_find_by_name (hangar_application_get_collection (app), DOMAIN_NAME);
  g_assert_nonnull (machine);
  domain = g_object_ref (hangar_machine_get_domain (machine));

  started = g_get_monotonic_time ();
  hangar_test_virsh ("start", DOMAIN_NAME, NULL);
  hangar_test_wait_card_state (window, DOMAIN_NAME, "Running", 15);

  banner = hangar_test_guest_wait_line (guest, HANGAR_TEST_BANNER, 1, HANGAR_TEST_BOOT_TIMEOUT_S);
  g_test_message ("boot-to-banner: %.1f s (start → banner, software emulation): %s",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, banner);

  check_guest_screenshot (gvir, domain);

  path = hangar_test_save_screenshot (GTK_WIDGET (window), "smoke-collection-running.png");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  /* Force off, then undefine: the window follows both. */
  hangar_test_virsh ("destroy", DOMAIN_NAME, NULL);
  hangar_test_wait_card_state (window, DOMAIN_NAME, "Stopped", 15);
  path2 = hangar_test_save_screenshot (GTK_WIDGET (window), "smoke-collection-stopped.png");

  hangar_test_virsh ("undefine", DOMAIN_NAME, NULL);
  hangar_test_wait_card_gone (window, DOMAIN_NAME, 15);
  g_assert_null (hangar_collection_find_by_name (hangar_application_get_collection (app),
                                                 DOMAIN_NAME));
  g_object_unref (domain);

  hangar_test_stop_app (g_steal_pointer (&app), window);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/e2e/smoke-boot", test_smoke_boot);

  return g_test_run ();
}
