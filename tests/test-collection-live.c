/* test-collection-live.c
 *
 * The collection against real guests in the isolated session, under Xvfb:
 * live thumbnails (checked against `virsh screenshot`), the list view, sort
 * and search, selection mode pausing two machines, and saving running
 * machines on quit; each checked through virsh, the views saved as
 * screenshots.
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
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-window-private.h"

#define LIVE_NAME "Debian Live"
#define FIRMWARE_NAME "Firmware Only"
#define STOPPED_NAME "Fedora Workstation"

/* A running machine that needs no disk and no ISO: QEMU, its firmware and a
 * screen saying there is nothing to boot. Fast to start, pause and save. */
static void
define_small (const char *name,
              const char *metadata)
{
  g_autofree char *file = g_strdup_printf ("%s-domain.xml", name);
  g_autofree char *path = g_build_filename (hangar_test_artifacts_dir (), file, NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;

  xml = g_strdup_printf ("<domain type='qemu'><name>%s</name>"
                         "<metadata>%s</metadata>"
                         "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                         "<os><type arch='x86_64' machine='q35'>hvm</type></os>"
                         "<devices>"
                         "<graphics type='spice'><listen type='none'/></graphics>"
                         "<video><model type='qxl'/></video>"
                         "<memballoon model='none'/>"
                         "</devices></domain>", name, metadata != NULL ? metadata : "");
  g_assert_true (g_file_set_contents (path, xml, -1, &error));
  g_assert_no_error (error);
  hangar_test_virsh ("define", path, NULL);
}

static void
wait_virsh_state (const char *name,
                  const char *state)
{
  hangar_test_wait_virsh_state (name, state, 60);
}

typedef struct
{
  HangarWindow *window;
  const char   *name;
  GdkTexture   *not_this;   /* a thumbnail we have seen already */
} ThumbnailWait;

static HangarMachineCard *
card_of (HangarWindow *window,
         const char   *name)
{
  GtkWidget *card = hangar_window_get_card (window, name);

  return card != NULL ? HANGAR_MACHINE_CARD (card) : NULL;
}

static gboolean
card_has_new_thumbnail (gpointer data)
{
  ThumbnailWait *wait = data;
  HangarMachineCard *card = card_of (wait->window, wait->name);
  GdkTexture *texture = card != NULL ? hangar_machine_card_get_thumbnail (card) : NULL;

  return texture != NULL && texture != wait->not_this;
}

/* RGB bytes of @texture, tightly packed. */
static guchar *
texture_rgb (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *bgra = g_malloc ((gsize) width * height * 4);
  guchar *rgb = g_malloc ((gsize) width * height * 3);

  /* GDK_MEMORY_DEFAULT: B8G8R8A8 premultiplied on little-endian. */
  gdk_texture_download (texture, bgra, (gsize) width * 4);
  for (int i = 0; i < width * height; i++)
    {
      rgb[i * 3 + 0] = bgra[i * 4 + 2];
      rgb[i * 3 + 1] = bgra[i * 4 + 1];
      rgb[i * 3 + 2] = bgra[i * 4 + 0];
    }
  return rgb;
}

/* How many pixels differ from the most common colour (the background). */
static guint
foreground_pixels (const guchar *rgb,
                   int           n_pixels)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  guint background_count = 0;

  for (int i = 0; i < n_pixels; i++)
    {
      guint key = (rgb[i * 3] << 16) | (rgb[i * 3 + 1] << 8) | rgb[i * 3 + 2];
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (key))) + 1;

      g_hash_table_insert (counts, GUINT_TO_POINTER (key), GUINT_TO_POINTER (count));
      background_count = MAX (background_count, count);
    }
  return (guint) n_pixels - background_count;
}

/* The thumbnail is the guest's screen: not uniform, and close to what
 * `virsh screenshot` shows, scaled the same way. */
static void
check_thumbnail (GdkTexture *texture,
                 const char *name)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *rgb = texture_rgb (texture);
  g_autofree char *file = g_strdup_printf ("%s-virsh-screenshot.png", name);
  g_autofree char *path = g_build_filename (hangar_test_artifacts_dir (), file, NULL);
  g_autofree char *ignored = NULL;
  g_autoptr(GdkPixbuf) full = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GError) error = NULL;
  guint foreground = foreground_pixels (rgb, width * height);
  const guchar *reference;
  guint64 difference = 0;
  double mean;

  g_test_message ("thumbnail of %s: %dx%d, %u pixels not background", name, width, height,
                  foreground);
  g_assert_cmpint (width, <=, 400);
  g_assert_cmpint (height, <=, 300);
  g_assert_cmpint (MAX (width, height), >=, 200);
  g_assert_cmpuint (foreground, >, 100);

  ignored = hangar_test_virsh_output ("screenshot", name, path, NULL);
  full = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  scaled = gdk_pixbuf_scale_simple (full, width, height, GDK_INTERP_BILINEAR);
  reference = gdk_pixbuf_read_pixels (scaled);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        difference += ABS ((int) rgb[(y * width + x) * 3 + c] -
                           (int) reference[y * gdk_pixbuf_get_rowstride (scaled) +
                                           x * gdk_pixbuf_get_n_channels (scaled) + c]);
  mean = (double) difference / (width * height * 3);
  g_test_message ("thumbnail against virsh screenshot: mean difference %.2f of 255", mean);
  /* A blinking cursor or a new line may differ; another picture would not. */
  g_assert_cmpfloat (mean, <, 12.0);
}

static char *
shown_names (HangarWindow *window)
{
  return hangar_test_machine_names (hangar_window_get_machines (window), ",");
}

static void
wait_shown (HangarWindow *window,
            const char   *names)
{
  hangar_test_wait_shown (window, names, 30);
}

/* As a click on the card does in selection mode: the view activates it. */
static void
tick_card (HangarWindow *window,
           const char   *name)
{
  GListModel *shown = hangar_window_get_machines (window);
  HangarMachineCard *card = card_of (window, name);
  GtkCheckButton *check;
  guint position = G_MAXUINT;

  g_assert_nonnull (card);
  check = GTK_CHECK_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (card),
                                                           HANGAR_TYPE_MACHINE_CARD, "check"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (check)));
  g_assert_false (gtk_check_button_get_active (check));
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (shown, i);

      if (g_str_equal (hangar_machine_get_name (machine), name))
        position = i;
    }
  g_assert_cmpuint (position, !=, G_MAXUINT);
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (window), HANGAR_TYPE_WINDOW,
                                                        "grid_view"), "activate", position);
  g_assert_true (gtk_check_button_get_active (check));
  g_assert_true (hangar_machine_card_get_selected (card));
}

static void
test_grid (void)
{
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_new (LIVE_NAME, FALSE);
  AdwStyleManager *style = adw_style_manager_get_default ();
  HangarApplication *app;
  HangarWindow *window;
  GSettings *settings;
  g_autofree char *banner = NULL;
  g_autofree char *names = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  g_autoptr(GdkTexture) first = NULL;
  HangarMachineCard *card;
  HangarCollection *collection;
  ThumbnailWait wait;

  hangar_test_guest_define (guest);
  define_small (FIRMWARE_NAME, NULL);
  define_small (STOPPED_NAME,
                "<libosinfo:libosinfo xmlns:libosinfo="
                "'http://libosinfo.org/xmlns/libvirt/domain/1.0'>"
                "<libosinfo:os id='http://fedoraproject.org/fedora/37'/></libosinfo:libosinfo>");
  hangar_test_virsh ("start", LIVE_NAME, NULL);
  hangar_test_virsh ("start", FIRMWARE_NAME, NULL);

  app = hangar_test_start_app (&window);
  settings = hangar_application_get_settings (app);
  collection = hangar_application_get_collection (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 560);
  hangar_test_wait_card_state (window, LIVE_NAME, "Running", 30);
  hangar_test_wait_card_state (window, STOPPED_NAME, "Stopped", 30);

  /* A thumbnail of the guest's screen comes before its banner is up... */
  wait = (ThumbnailWait) { window, LIVE_NAME, NULL };
  hangar_test_assert_eventually (card_has_new_thumbnail, &wait, 30, "a first thumbnail");
  banner = hangar_test_guest_wait_line (guest, HANGAR_TEST_BANNER, 1, HANGAR_TEST_BOOT_TIMEOUT_S);
  /* ...and the next ones follow the screen, every few seconds. */
  card = card_of (window, LIVE_NAME);
  first = g_object_ref (hangar_machine_card_get_thumbnail (card));
  wait.not_this = first;
  hangar_test_assert_eventually (card_has_new_thumbnail, &wait, 20, "a newer thumbnail");
  check_thumbnail (hangar_machine_card_get_thumbnail (card_of (window, LIVE_NAME)), LIVE_NAME);

  wait = (ThumbnailWait) { window, FIRMWARE_NAME, NULL };
  hangar_test_assert_eventually (card_has_new_thumbnail, &wait, 30, "the firmware's thumbnail");
  /* A stopped machine shows the placeholder. */
  g_assert_null (hangar_machine_card_get_thumbnail (card_of (window, STOPPED_NAME)));

  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "collection-grid.png"));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "collection-grid-dark.png"));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);

  /* Sort: machines started by virsh have their start from QEMU's log. */
  names = shown_names (window);
  g_assert_cmpstr (names, ==, LIVE_NAME "," STOPPED_NAME "," FIRMWARE_NAME);
  g_clear_pointer (&names, g_free);
  g_assert_cmpint (hangar_machine_get_last_used (hangar_collection_find_by_name (collection,
                                                                                 LIVE_NAME)),
                   >, 0);
  g_assert_cmpint (hangar_machine_get_last_used (hangar_collection_find_by_name (collection,
                                                                                 STOPPED_NAME)),
                   ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort-by", "s",
                                             "last-used"));
  {
    g_autofree char *sort_by = g_settings_get_string (settings, "sort-by");

    g_assert_cmpstr (sort_by, ==, "last-used");
  }
  names = shown_names (window);
  g_assert_true (g_str_has_suffix (names, "," STOPPED_NAME));
  g_clear_pointer (&names, g_free);
  g_settings_set_string (settings, "sort-by", "name");

  /* Search: by the OS's name, which comes from the OS database. */
  hangar_window_set_search_text (window, "fedora linux");
  wait_shown (window, STOPPED_NAME);
  hangar_window_set_search_text (window, NULL);
  wait_shown (window, LIVE_NAME "," STOPPED_NAME "," FIRMWARE_NAME);

  /* The list view shows the same thumbnails and badges, at once. */
  g_settings_set_string (settings, "view-mode", "list");
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  hangar_test_wait_card_state (window, LIVE_NAME, "Running", 10);
  g_assert_nonnull (hangar_machine_card_get_thumbnail (card_of (window, LIVE_NAME)));
  hangar_test_wait_card_state (window, STOPPED_NAME, "Stopped", 10);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "collection-list.png"));
  g_settings_set_string (settings, "view-mode", "grid");
  hangar_test_wait_frames (GTK_WIDGET (window), 3);

  /* Selection mode: tick two running machines, pause both. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.select", NULL));
  hangar_test_wait_frames (GTK_WIDGET (window), 2);
  tick_card (window, LIVE_NAME);
  tick_card (window, FIRMWARE_NAME);
  selected = hangar_window_get_selected (window);
  g_assert_cmpuint (selected->len, ==, 2);
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (
                     gtk_widget_get_template_child (GTK_WIDGET (window), HANGAR_TYPE_WINDOW,
                                                    "window_title"))), ==, "2 Selected");
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "collection-selection.png"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.selection-pause", NULL));
  wait_virsh_state (LIVE_NAME, "paused (user)");
  wait_virsh_state (FIRMWARE_NAME, "paused (user)");
  hangar_test_wait_card_state (window, FIRMWARE_NAME, "Paused", 15);
  /* Paused machines keep their last picture. */
  g_assert_nonnull (hangar_machine_card_get_thumbnail (card_of (window, LIVE_NAME)));

  /* The same button resumes them now; Escape leaves selection mode. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.selection-pause", NULL));
  wait_virsh_state (LIVE_NAME, "running (unpaused)");
  wait_virsh_state (FIRMWARE_NAME, "running (unpaused)");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.leave-selection", NULL));
  g_clear_pointer (&selected, g_ptr_array_unref);
  selected = hangar_window_get_selected (window);
  g_assert_cmpuint (selected->len, ==, 0);
  g_assert_false (gtk_widget_get_visible (
    GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (card_of (window, LIVE_NAME)),
                                               HANGAR_TYPE_MACHINE_CARD, "check"))));

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  hangar_test_stop_app (app, window);
  hangar_test_remove_machine (LIVE_NAME);
  hangar_test_remove_machine (FIRMWARE_NAME);
  hangar_test_remove_machine (STOPPED_NAME);
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (data)) == NULL;
}

static void
test_save_on_quit (void)
{
  HangarApplication *app;
  HangarWindow *window;
  g_autofree char *info = NULL;

  define_small (FIRMWARE_NAME, NULL);
  define_small (STOPPED_NAME, NULL);
  hangar_test_virsh ("start", FIRMWARE_NAME, NULL);

  app = hangar_test_start_app (&window);
  hangar_test_wait_card_state (window, FIRMWARE_NAME, "Running", 30);
  hangar_test_wait_card_state (window, STOPPED_NAME, "Stopped", 30);

  g_settings_set_string (hangar_application_get_settings (app), "on-quit", "save");
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  /* The main window is gone; the progress stays until the save is done. */
  g_assert_false (HANGAR_IS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app))));
  g_assert_nonnull (gtk_application_get_windows (GTK_APPLICATION (app)));
  hangar_test_assert_eventually (no_windows, app, 60, "the saver to finish");

  wait_virsh_state (FIRMWARE_NAME, "shut off (saved)");
  info = hangar_test_virsh_output ("dominfo", FIRMWARE_NAME, NULL);
  g_assert_nonnull (strstr (info, "Managed save:   yes"));
  /* A stopped machine stays as it was. */
  wait_virsh_state (STOPPED_NAME, "shut off (unknown)");

  hangar_connection_close (hangar_application_get_connection (app));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (app);
  hangar_test_remove_machine (FIRMWARE_NAME);
  hangar_test_remove_machine (STOPPED_NAME);
}

/* On the test driver: Ctrl+A selects what the window shows; deleting the
 * selection hides all of it behind one Undo, which brings all of it back. */
static void
test_select_delete (void)
{
  HangarApplication *app;
  HangarWindow *window;
  g_autoptr(GPtrArray) selected = NULL;
  g_autofree char *title = NULL;
  HangarMachine *machine;
  GVirConnection *gvir;
  GVirDomain *installer;
  ThumbnailWait wait;

  g_setenv ("HANGAR_URI", "test:///default", TRUE);
  app = hangar_test_start_app (&window);
  gvir = hangar_connection_get_gvir (hangar_application_get_connection (app));
  g_object_unref (hangar_test_define_test_domain (gvir, "alpha", NULL));
  g_object_unref (hangar_test_define_test_domain (gvir, "beta", NULL));
  wait_shown (window, "alpha,beta,test");
  hangar_test_wait_card_state (window, "beta", "Stopped", 15);

  /* The test driver's screenshot is a fixed picture: the running "test"
   * shows it. */
  wait = (ThumbnailWait) { window, "test", NULL };
  hangar_test_assert_eventually (card_has_new_thumbnail, &wait, 15, "test's thumbnail");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.select-all", NULL));
  selected = hangar_window_get_selected (window);
  g_assert_cmpuint (selected->len, ==, 3);
  g_clear_pointer (&selected, g_ptr_array_unref);
  hangar_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (hangar_machine_card_get_selected (card_of (window, "beta")));

  /* Clicking a card in selection mode unticks it rather than opening it. */
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (window), HANGAR_TYPE_WINDOW,
                                                        "grid_view"), "activate", 2);
  selected = hangar_window_get_selected (window);
  g_assert_cmpuint (selected->len, ==, 2);
  g_clear_pointer (&selected, g_ptr_array_unref);
  g_assert_false (hangar_machine_card_get_selected (card_of (window, "test")));
  g_object_get (gtk_widget_get_template_child (GTK_WIDGET (window), HANGAR_TYPE_WINDOW,
                                               "window_title"), "title", &title, NULL);
  g_assert_cmpstr (title, ==, "2 Selected");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.selection-delete", NULL));
  wait_shown (window, "test");
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "collection-deleted-two.png"));
  /* Selection mode is over; one Undo, by either machine, brings both back. */
  selected = hangar_window_get_selected (window);
  g_assert_cmpuint (selected->len, ==, 0);
  machine = hangar_collection_find_by_name (hangar_application_get_collection (app), "beta");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-delete", "s",
                                             hangar_machine_get_uuid (machine)));
  wait_shown (window, "alpha,beta,test");

  /* A machine that runs its installer says so, in the grid and the list. */
  installer = hangar_test_define_test_domain (gvir, "gamma",
                                              "<hangar:machine xmlns:hangar="
                                              "'https://hangar.org/xmlns/libvirt/domain/1.0'>"
                                              "<hangar:installing>true</hangar:installing>"
                                              "</hangar:machine>");
  g_assert_true (gvir_domain_start (installer, 0, NULL));
  hangar_test_wait_card_state (window, "gamma", "Installing", 15);
  g_settings_set_string (hangar_application_get_settings (app), "view-mode", "list");
  hangar_test_wait_card_state (window, "gamma", "Installing", 15);
  hangar_test_wait_frames (GTK_WIDGET (window), 3);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (window), "collection-installing-list.png"));
  g_assert_true (gvir_domain_stop (installer, 0, NULL));
  hangar_test_wait_card_state (window, "gamma", "Stopped", 15);
  g_object_unref (installer);

  hangar_test_stop_app (app, window);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/collection-live/grid", test_grid);
  g_test_add_func ("/hangar/collection-live/save-on-quit", test_save_on_quit);
  g_test_add_func ("/hangar/collection-live/select-delete", test_select_delete);

  return g_test_run ();
}
