/* test-display-page.c
 *
 * The display page as a place to work, on a real guest under Xvfb: a click
 * on a stopped machine's card starts it and shows it; the keyboard is the
 * application's until the user clicks the display; the header says when the
 * guest runs no SPICE agent; every power action of the page's menu, checked
 * with virsh.
 *
 * The cases share one guest, in order: booting it costs ~10 s.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <linux/input-event-codes.h>
#include <signal.h>
#include <string.h>
#include <X11/extensions/XTest.h>

#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-display-page.h"
#include "hangar-display.h"
#include "hangar-machine.h"
#include "hangar-quit-choice.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-window.h"

#define DOMAIN_NAME "hangar-dpage"
#define LINE_TIMEOUT_S 30

static struct
{
  HangarApplication *app;
  HangarWindow      *window;
  HangarTestGuest   *guest;
  HangarMachine     *machine;
  HangarDisplayPage *page;
  HangarDisplay     *display;
} f;

/* Helpers ****************************************************************/

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
page_shows (gpointer data)
{
  return g_strcmp0 (hangar_display_page_get_status (f.page), data) == 0;
}

/* Whether the window shows the machine's display page (or went back to the machines). */
static gboolean
page_open (gpointer data)
{
  gboolean open = hangar_display_page_get_machine (f.page) == f.machine &&
                  gtk_widget_get_mapped (GTK_WIDGET (f.page));

  return open == GPOINTER_TO_INT (data);
}

static gboolean
machine_in_state (gpointer data)
{
  return hangar_machine_get_state (f.machine) == GPOINTER_TO_INT (data);
}

static Display *
xdisplay (void)
{
  return gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (f.window)));
}

/* Gives our window the X keyboard focus, as a window manager would. */
static void
focus_window (void)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f.window));

  XSetInputFocus (xdisplay (), gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  XSync (xdisplay (), False);
  pump (200);
}

static void
x_key (guint    evdev,
       gboolean press)
{
  XTestFakeKeyEvent (xdisplay (), evdev + 8, press, CurrentTime);
  XFlush (xdisplay ());
  pump (20);
}

static void
tap (guint evdev)
{
  x_key (evdev, TRUE);
  x_key (evdev, FALSE);
}

/* A click in the middle of the display, through X as a user's. */
static void
click_display (void)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f.window));
  double wx, wy, nx, ny;
  int rx, ry;
  Window child;

  g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (f.display), GTK_WIDGET (f.window),
                                                   gtk_widget_get_width (GTK_WIDGET (f.display)) / 2.0,
                                                   gtk_widget_get_height (GTK_WIDGET (f.display)) / 2.0,
                                                   &wx, &wy));
  gtk_native_get_surface_transform (GTK_NATIVE (f.window), &nx, &ny);
  XTranslateCoordinates (xdisplay (), gdk_x11_surface_get_xid (surface),
                         DefaultRootWindow (xdisplay ()), 0, 0, &rx, &ry, &child);
  XTestFakeMotionEvent (xdisplay (), -1, rx + (int) (nx + wx), ry + (int) (ny + wy), CurrentTime);
  XTestFakeButtonEvent (xdisplay (), 1, True, CurrentTime);
  XTestFakeButtonEvent (xdisplay (), 1, False, CurrentTime);
  XFlush (xdisplay ());
  pump (300);
}

/* The key events the guest printed since @from (a byte offset in its console). */
static GPtrArray *
guest_key_events (gsize from)
{
  g_autoptr(GRegex) regex = g_regex_new ("INPUT key ([0-9]+) (-?[0-9]+)", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *contents = hangar_test_guest_read_console (f.guest);
  gsize length = strlen (contents);
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);

  g_regex_match (regex, contents + MIN (from, length), 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *code = g_match_info_fetch (match, 1);
      g_autofree char *value = g_match_info_fetch (match, 2);

      g_ptr_array_add (events, g_strdup_printf ("%s %s", code, value));
      g_match_info_next (match, NULL);
    }
  return events;
}

static gsize
log_size (void)
{
  g_autofree char *contents = hangar_test_guest_read_console (f.guest);

  return strlen (contents);
}

typedef struct
{
  gsize       from;
  const char *wanted;
} KeyWait;

static gboolean
key_arrived (gpointer data)
{
  KeyWait *wait = data;
  g_autoptr(GPtrArray) events = guest_key_events (wait->from);

  return g_ptr_array_find_with_equal_func (events, wait->wanted, g_str_equal, NULL);
}

static gboolean
action_on (gpointer data)
{
  return hangar_display_page_get_action_enabled (f.page, data);
}

/* Runs a power action from the page's menu: it must be enabled there. */
static void
menu_action (const char *name)
{
  g_test_message ("menu: %s", name);
  /* The previous action may still be finishing after its state arrived. */
  hangar_test_assert_eventually (action_on, (gpointer) name, 10, name);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.page), name, NULL));
}

/* Cases ******************************************************************/

static void
test_card_starts (void)
{
  HangarCollection *collection;
  GListModel *shown;
  guint position = G_MAXUINT;
  gint64 started;

  f.guest = hangar_test_guest_new (DOMAIN_NAME, TRUE);
  f.app = hangar_test_start_app (&f.window);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1000, 760);
  hangar_test_guest_define (f.guest);
  collection = hangar_application_get_collection (f.app);
  hangar_test_wait_card_state (f.window, DOMAIN_NAME, "Stopped", 15);
  f.machine = hangar_collection_find_by_name (collection, DOMAIN_NAME);
  g_assert_nonnull (f.machine);
  f.page = hangar_window_get_display_page (f.window);
  f.display = hangar_display_page_get_display (f.page);

  /* A click on the stopped machine's card: the grid view's activation. */
  shown = G_LIST_MODEL (gtk_grid_view_get_model (GTK_GRID_VIEW (
    gtk_widget_get_template_child (GTK_WIDGET (f.window), HANGAR_TYPE_WINDOW, "grid_view"))));
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (shown, i);

      if (machine == f.machine)
        position = i;
    }
  g_assert_cmpuint (position, !=, G_MAXUINT);
  started = g_get_monotonic_time ();
  g_signal_emit_by_name (gtk_widget_get_template_child (GTK_WIDGET (f.window), HANGAR_TYPE_WINDOW,
                                                        "grid_view"), "activate", position);
  hangar_test_wait_virsh_state (DOMAIN_NAME, "running (booted)", 30);
  hangar_test_assert_eventually (display_ready, NULL, 60, "the display to show the guest");
  g_test_message ("card click → first frame: %.2f s",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);
  g_assert_true (page_open (GINT_TO_POINTER (TRUE)));
  g_free (hangar_test_guest_wait_line (f.guest, HANGAR_TEST_BANNER, 1, HANGAR_TEST_BOOT_TIMEOUT_S));
  g_free (hangar_test_guest_wait_line (f.guest, HANGAR_TEST_SHELL_READY, 1, LINE_TIMEOUT_S));
}

static void
test_grab_after_click (void)
{
  KeyWait wait;
  g_autoptr(GPtrArray) before = NULL;

  hangar_test_guest_run (f.guest, "hangar-guest input > /dev/ttyS0 &");
  g_free (hangar_test_guest_wait_line (f.guest, "HANGAR_INPUT_DEVICE", 1, LINE_TIMEOUT_S));
  pump (1000);
  focus_window ();

  /* Shown, focused, but not taken: keys are the application's. */
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (f.display)));
  g_assert_false (hangar_display_get_keyboard_grabbed (f.display));
  wait.from = log_size ();
  tap (KEY_A);
  pump (1500);
  before = guest_key_events (wait.from);
  g_assert_cmpuint (before->len, ==, 0);

  /* Esc goes back to the machines, as the page's shortcut says. */
  tap (KEY_ESC);
  hangar_test_assert_eventually (page_open, GINT_TO_POINTER (FALSE), 5, "the collection after Esc");
  pump (1000);
  before = (g_ptr_array_unref (before), guest_key_events (wait.from));
  g_assert_cmpuint (before->len, ==, 0);

  /* Back to the running machine: opened, not started again, not grabbed. */
  hangar_window_open_machine_and_start (f.window, f.machine);
  hangar_test_assert_eventually (display_ready, NULL, 30, "the display again");
  hangar_test_wait_frames (GTK_WIDGET (f.window), 3);
  g_assert_false (hangar_display_get_keyboard_grabbed (f.display));
  hangar_test_wait_virsh_state (DOMAIN_NAME, "running (booted)", 5);

  /* A click takes the keyboard: keys now reach the guest's kernel. */
  click_display ();
  g_assert_true (hangar_display_get_keyboard_grabbed (f.display));
  wait.from = log_size ();
  tap (KEY_B);
  wait.wanted = "48 1";
  hangar_test_assert_eventually (key_arrived, &wait, LINE_TIMEOUT_S, "B in the guest");
  wait.wanted = "48 0";
  hangar_test_assert_eventually (key_arrived, &wait, LINE_TIMEOUT_S, "B released in the guest");

  /* Esc, now the guest's, stays on the page. */
  tap (KEY_ESC);
  wait.wanted = "1 1";
  hangar_test_assert_eventually (key_arrived, &wait, LINE_TIMEOUT_S, "Esc in the guest");
  g_assert_true (page_open (GINT_TO_POINTER (TRUE)));

  /* Left Ctrl+Alt gives it back. */
  x_key (KEY_LEFTCTRL, TRUE);
  x_key (KEY_LEFTALT, TRUE);
  x_key (KEY_LEFTALT, FALSE);
  x_key (KEY_LEFTCTRL, FALSE);
  pump (200);
  g_assert_false (hangar_display_get_keyboard_grabbed (f.display));
  hangar_test_guest_run (f.guest, "kill %1 2>/dev/null; killall hangar-guest 2>/dev/null; true");
}

static gboolean
notice_visible (gpointer data)
{
  return hangar_display_page_get_agent_notice_visible (f.page) == GPOINTER_TO_INT (data);
}

static void
test_agent_notice (void)
{
  GtkMenuButton *menu_button;

  /* No agent in the guest: the header says so. */
  g_assert_false (hangar_display_get_agent_connected (f.display));
  hangar_test_assert_eventually (notice_visible, GINT_TO_POINTER (TRUE), 5, "the agent notice");

  /* The page with its menu open and the notice, for the designers. */
  menu_button = GTK_MENU_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (f.page),
                                                                HANGAR_TYPE_DISPLAY_PAGE,
                                                                "menu_button"));
  hangar_test_screenshot_both_styles (GTK_WIDGET (f.window), "display-page-no-agent");
  gtk_menu_button_popup (menu_button);
  hangar_test_wait_frames (GTK_WIDGET (f.window), 3);
  hangar_test_screenshot_both_styles (GTK_WIDGET (gtk_menu_button_get_popover (menu_button)),
                                      "display-page-menu");
  gtk_menu_button_popdown (menu_button);

  /* hangar-guest's agent speaks the SPICE agent protocol: the notice goes. */
  hangar_test_guest_run (f.guest, "hangar-guest agent > /dev/ttyS0 &");
  g_free (hangar_test_guest_wait_line (f.guest, "HANGAR_AGENT_READY", 1, LINE_TIMEOUT_S));
  hangar_test_assert_eventually (notice_visible, GINT_TO_POINTER (FALSE), LINE_TIMEOUT_S,
                                 "the agent notice to go");
  g_assert_true (hangar_display_get_agent_connected (f.display));
}

/* Fullscreen ************************************************************/

static gboolean
wm_running (gpointer data)
{
  Atom check = XInternAtom (xdisplay (), "_NET_SUPPORTING_WM_CHECK", False);
  Atom type;
  int format;
  unsigned long n, after;
  unsigned char *value = NULL;
  gboolean running;

  pump (50);
  if (XGetWindowProperty (xdisplay (), DefaultRootWindow (xdisplay ()), check, 0, 1, False,
                          AnyPropertyType, &type, &format, &n, &after, &value) != Success)
    return FALSE;
  running = value != NULL && n == 1;
  if (value != NULL)
    XFree (value);
  return running;
}

static gboolean
is_fullscreen (gpointer data)
{
  return gtk_window_is_fullscreen (GTK_WINDOW (f.window)) == GPOINTER_TO_INT (data);
}

static gboolean
header_revealed (gpointer data)
{
  GtkRevealer *revealer = GTK_REVEALER (gtk_widget_get_template_child (GTK_WIDGET (f.page),
                                                                       HANGAR_TYPE_DISPLAY_PAGE,
                                                                       "header_revealer"));

  return gtk_revealer_get_child_revealed (revealer) == GPOINTER_TO_INT (data) &&
         gtk_revealer_get_reveal_child (revealer) == GPOINTER_TO_INT (data);
}

/* The display fills the whole window, and the window the screen: under
 * openbox GTK 4.8 keeps 5 px of its frame on each side of a fullscreen
 * window (measured: 1590x1190 on a 1600x1200 screen). */
#define FRAME_ALLOWANCE 10

static gboolean
display_fills_screen (gpointer data)
{
  GdkRectangle *screen = data;
  int width = gtk_widget_get_width (GTK_WIDGET (f.display));
  int height = gtk_widget_get_height (GTK_WIDGET (f.display));

  return width == gtk_widget_get_width (GTK_WIDGET (f.window)) &&
         height == gtk_widget_get_height (GTK_WIDGET (f.window)) &&
         width >= screen->width - FRAME_ALLOWANCE && height >= screen->height - FRAME_ALLOWANCE;
}

static void
pointer_to (int x,
            int y)
{
  XTestFakeMotionEvent (xdisplay (), -1, x, y, CurrentTime);
  XFlush (xdisplay ());
  pump (100);
}

static void
test_fullscreen (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) wm = NULL;
  GdkMonitor *monitor;
  GdkRectangle screen;

  /* X11 has fullscreen only through a window manager, as on a desktop. */
  wm = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                         &error, "openbox", "--sm-disable", NULL);
  g_assert_no_error (error);
  hangar_test_assert_eventually (wm_running, NULL, 15, "the window manager");
  pump (1000);
  focus_window ();
  g_assert_false (hangar_display_get_keyboard_grabbed (f.display));
  monitor = gdk_display_get_monitor_at_surface (gtk_widget_get_display (GTK_WIDGET (f.window)),
                                                gtk_native_get_surface (GTK_NATIVE (f.window)));
  gdk_monitor_get_geometry (monitor, &screen);
  g_test_message ("screen %dx%d", screen.width, screen.height);

  /* F11, while the keyboard is the application's: the display fills the
   * screen, the header bar hidden above it. */
  tap (KEY_F11);
  hangar_test_assert_eventually (is_fullscreen, GINT_TO_POINTER (TRUE), 10, "fullscreen");
  hangar_test_wait_until (display_fills_screen, &screen, 10);
  g_test_message ("display %dx%d, window %dx%d", gtk_widget_get_width (GTK_WIDGET (f.display)),
                    gtk_widget_get_height (GTK_WIDGET (f.display)),
                    gtk_widget_get_width (GTK_WIDGET (f.window)),
                    gtk_widget_get_height (GTK_WIDGET (f.window)));
  g_assert_true (display_fills_screen (&screen));
  g_assert_true (header_revealed (GINT_TO_POINTER (FALSE)));

  /* The pointer at the top edge reveals the header bar over the guest, and
   * it goes again when the pointer leaves it. */
  {
    /* The top row of the page (the top of the screen, but for the frame). */
    GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f.window));
    double wx, wy, nx, ny;
    int rx, ry;
    Window child;

    g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (f.page), GTK_WIDGET (f.window),
                                                     0, 0, &wx, &wy));
    gtk_native_get_surface_transform (GTK_NATIVE (f.window), &nx, &ny);
    XTranslateCoordinates (xdisplay (), gdk_x11_surface_get_xid (surface),
                           DefaultRootWindow (xdisplay ()), 0, 0, &rx, &ry, &child);
    g_test_message ("page top at %d on the screen", ry + (int) (ny + wy));
    pointer_to (screen.x + screen.width / 2, ry + (int) (ny + wy) + 1);
  }
  hangar_test_assert_eventually (header_revealed, GINT_TO_POINTER (TRUE), 5, "the header bar");
  g_assert_true (display_fills_screen (&screen));
  g_free (hangar_test_save_screenshot (GTK_WIDGET (f.window), "display-page-fullscreen.png"));
  pointer_to (screen.x + screen.width / 2, screen.y + screen.height / 2);
  hangar_test_assert_eventually (header_revealed, GINT_TO_POINTER (FALSE), 5,
                                 "the header bar to hide");

  /* F11 again leaves fullscreen: the window manager's focus changes gave
   * the guest no keyboard. */
  g_assert_false (hangar_display_get_keyboard_grabbed (f.display));
  tap (KEY_F11);
  hangar_test_assert_eventually (is_fullscreen, GINT_TO_POINTER (FALSE), 10, "a window again");
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (f.display)), <, screen.height);

  /* The button's action enters it; Esc leaves it, and the page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f.page), "display.fullscreen", NULL));
  hangar_test_assert_eventually (is_fullscreen, GINT_TO_POINTER (TRUE), 10, "fullscreen again");
  focus_window ();
  tap (KEY_ESC);
  hangar_test_assert_eventually (is_fullscreen, GINT_TO_POINTER (FALSE), 10, "Esc to leave it");
  hangar_test_assert_eventually (page_open, GINT_TO_POINTER (FALSE), 5, "the collection");

  g_subprocess_send_signal (wm, SIGTERM);
  g_subprocess_wait (wm, NULL, NULL);
  pump (500);
  hangar_window_open_machine_and_start (f.window, f.machine);
  hangar_test_assert_eventually (display_ready, NULL, 30, "the display again");
}

static void
test_power (void)
{
  static const char *const power[] = {
    "display.shutdown", "display.force-off", "display.pause", "display.resume",
    "display.reboot", "display.save",
  };

  /* Pause and Resume: only one of them is offered at a time. */
  g_assert_false (hangar_display_page_get_action_enabled (f.page, "display.resume"));
  menu_action ("display.pause");
  hangar_test_wait_virsh_state (DOMAIN_NAME, "paused (user)", 30);
  hangar_test_assert_eventually (machine_in_state, GINT_TO_POINTER (HANGAR_MACHINE_STATE_PAUSED),
                                 10, "the machine paused");
  g_assert_false (hangar_display_page_get_action_enabled (f.page, "display.pause"));
  g_assert_false (hangar_display_page_get_action_enabled (f.page, "display.reboot"));
  g_assert_true (hangar_display_page_get_action_enabled (f.page, "display.force-off"));
  menu_action ("display.resume");
  hangar_test_wait_virsh_state (DOMAIN_NAME, "running (unpaused)", 30);
  hangar_test_assert_eventually (machine_in_state, GINT_TO_POINTER (HANGAR_MACHINE_STATE_RUNNING),
                                 10, "the machine running");

  /* Restart: the guest boots again (its console prints the banner anew). */
  {
    guint banners = hangar_test_guest_count_in_log (f.guest, HANGAR_TEST_BANNER);

    menu_action ("display.reboot");
    g_free (hangar_test_guest_wait_line (f.guest, HANGAR_TEST_BANNER, banners + 1,
                                         HANGAR_TEST_BOOT_TIMEOUT_S));
    g_free (hangar_test_guest_wait_line (f.guest, HANGAR_TEST_SHELL_READY, banners + 1,
                                         LINE_TIMEOUT_S));
  }

  /* Save State: stopped with its memory saved; Start restores it. */
  menu_action ("display.save");
  hangar_test_wait_virsh_state (DOMAIN_NAME, "shut off (saved)", 60);
  g_assert_true (hangar_test_domain_has_saved_state (DOMAIN_NAME));
  hangar_test_assert_eventually (page_shows, (gpointer) "not-running", 15, "“not running”");
  gtk_widget_activate_action (GTK_WIDGET (f.page), "display.start", NULL);
  hangar_test_wait_virsh_state (DOMAIN_NAME, "running (restored)", 60);
  hangar_test_assert_eventually (display_ready, NULL, 30, "the display after restoring");

  /* Shut Down: the guest obeys the power button. */
  menu_action ("display.shutdown");
  hangar_test_wait_virsh_state (DOMAIN_NAME, "shut off (shutdown)", 60);
  hangar_test_assert_eventually (page_shows, (gpointer) "not-running", 15, "“not running”");
  /* Stopped: no power action but Start (the page's button). */
  for (guint i = 0; i < G_N_ELEMENTS (power); i++)
    g_assert_false (hangar_display_page_get_action_enabled (f.page, power[i]));

  /* Force Off, on a machine started again. */
  gtk_widget_activate_action (GTK_WIDGET (f.page), "display.start", NULL);
  hangar_test_wait_virsh_state (DOMAIN_NAME, "running (booted)", 30);
  hangar_test_assert_eventually (display_ready, NULL, 30, "the display after starting");
  menu_action ("display.force-off");
  hangar_test_wait_virsh_state (DOMAIN_NAME, "shut off (destroyed)", 30);
  hangar_test_assert_eventually (page_shows, (gpointer) "not-running", 15, "“not running”");
}

/* Closing ****************************************************************/

static gboolean
notification_sent (gpointer data)
{
  return strstr (hangar_test_notifications_sent (), data) != NULL;
}

static void
test_close (void)
{
  GSettings *settings = hangar_application_get_settings (f.app);
  const char *uuid = hangar_machine_get_uuid (f.machine);
  HangarWindow *window;

  /* Saved while a display may still be connecting to it (the new window's
   * thumbnails and display): spice-client-glib's one warning then. */
  hangar_test_allow_spice_link_cut ();
  /* hangar_test_new_app() gave the session a notification server. */
  hangar_test_notifications_clear ();

  gtk_widget_activate_action (GTK_WIDGET (f.page), "display.start", NULL);
  hangar_test_wait_virsh_state (DOMAIN_NAME, "running (booted)", 30);
  hangar_test_assert_eventually (display_ready, NULL, 30, "the display after starting");

  /* The application saves; this machine's own choice keeps it running. */
  g_settings_set_string (settings, "on-quit", "save");
  hangar_quit_choice_set_own (settings, uuid, HANGAR_QUIT_CHOICE_LEAVE_RUNNING);
  g_assert_false (hangar_quit_choice_saves (settings, uuid));
  gtk_window_destroy (GTK_WINDOW (f.window));
  f.window = NULL;
  hangar_test_assert_eventually (notification_sent, (gpointer) "keeps running in the background",
                                 10, "the notification that it keeps running");
  g_assert_true (notification_sent ((gpointer) DOMAIN_NAME));
  g_assert_true (notification_sent ((gpointer) "app.new-window"));
  g_test_message ("sent: %s", hangar_test_notifications_sent ());
  pump (2000);
  hangar_test_wait_virsh_state (DOMAIN_NAME, "running (booted)", 5);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (f.app)));

  /* The notification's action brings a window back; the machine now follows
   * the application's choice, and closing saves it. */
  g_action_group_activate_action (G_ACTION_GROUP (f.app), "new-window", NULL);
  window = HANGAR_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f.app)));
  g_assert_true (HANGAR_IS_WINDOW (window));
  hangar_test_wait_card_state (window, DOMAIN_NAME, "Running", 15);
  hangar_quit_choice_set_own (settings, uuid, NULL);
  g_assert_true (hangar_quit_choice_saves (settings, uuid));
  hangar_test_notifications_clear ();
  gtk_window_destroy (GTK_WINDOW (window));
  hangar_test_wait_virsh_state (DOMAIN_NAME, "shut off (saved)", 60);
  g_assert_true (hangar_test_domain_has_saved_state (DOMAIN_NAME));
  pump (500);
  /* Nothing keeps running: no notification says so. */
  g_assert_false (notification_sent ((gpointer) "keeps running"));

  hangar_connection_close (hangar_application_get_connection (f.app));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f.app);
  hangar_test_remove_machine (DOMAIN_NAME);
  g_clear_pointer (&f.guest, hangar_test_guest_free);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/display-page/card-starts", test_card_starts);
  g_test_add_func ("/hangar/display-page/grab-after-click", test_grab_after_click);
  g_test_add_func ("/hangar/display-page/agent-notice", test_agent_notice);
  g_test_add_func ("/hangar/display-page/fullscreen", test_fullscreen);
  g_test_add_func ("/hangar/display-page/power", test_power);
  g_test_add_func ("/hangar/display-page/close", test_close);

  return g_test_run ();
}
