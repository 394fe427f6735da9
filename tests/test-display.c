/* test-display.c
 *
 * The GTK4 SPICE display against a real guest: the live ISO booted under
 * software emulation in the isolated session, shown in Hangar's real window
 * under Xvfb. Input goes in the way a user's does, as X events through XTest,
 * through GTK and the widget; what the guest receives comes back on its serial
 * console (hangar-guest in the ISO logs input events and draws patterns).
 *
 * The cases share one guest, in order: booting it costs ~10 s.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <linux/input-event-codes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <X11/extensions/XTest.h>

#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-display-page.h"
#include "hangar-display.h"
#include "hangar-keymap.h"
#include "hangar-machine.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-window.h"

#define DOMAIN_NAME "hangar-display"
#define LINE_TIMEOUT_S 30

static struct
{
  HangarApplication *app;
  HangarWindow      *window;
  HangarTestGuest   *guest;
  HangarMachine     *machine;
  HangarDisplayPage *page;
  HangarDisplay     *display;
  GVirConnection    *gvir;
} f;

/* Helpers ****************************************************************/

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

static gboolean
machine_in_state (gpointer data)
{
  return hangar_machine_get_state (f.machine) == GPOINTER_TO_INT (data);
}

static void
pump (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
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
  pump (100);
  hangar_display_grab (f.display);
  pump (100);
  g_assert_true (hangar_display_get_keyboard_grabbed (f.display));
}

/* A physical key, by its evdev code: X keycodes are evdev + 8 (Xvfb, evdev rules). */
static void
x_key (guint    evdev,
       gboolean press)
{
  XTestFakeKeyEvent (xdisplay (), evdev + 8, press, CurrentTime);
  XFlush (xdisplay ());
  pump (15);
}

typedef enum
{
  MOD_NONE = 0,
  MOD_SHIFT = 1,
  MOD_ALTGR = 2,
} Mod;

typedef struct
{
  char  c;
  guint evdev;
  Mod   mod;
} KeyChar;

static void
type_key (guint evdev,
          Mod   mod)
{
  if (mod & MOD_SHIFT)
    x_key (KEY_LEFTSHIFT, TRUE);
  if (mod & MOD_ALTGR)
    x_key (KEY_RIGHTALT, TRUE);
  x_key (evdev, TRUE);
  x_key (evdev, FALSE);
  if (mod & MOD_ALTGR)
    x_key (KEY_RIGHTALT, FALSE);
  if (mod & MOD_SHIFT)
    x_key (KEY_LEFTSHIFT, FALSE);
}

/* Where a US keyboard has each character. */
static void
us_position (char   c,
             guint *evdev,
             Mod   *mod)
{
  static const char *const rows[] = {
    "`1234567890-=", "~!@#$%^&*()_+",
    "qwertyuiop[]\\", "QWERTYUIOP{}|",
    "asdfghjkl;'", "ASDFGHJKL:\"",
    "zxcvbnm,./", "ZXCVBNM<>?",
  };
  static const guint first[] = { KEY_GRAVE, KEY_Q, KEY_A, KEY_Z };
  static const guint digits[] = { KEY_GRAVE, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7,
                                  KEY_8, KEY_9, KEY_0, KEY_MINUS, KEY_EQUAL };
  static const guint top[] = { KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O,
                               KEY_P, KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_BACKSLASH };
  static const guint home[] = { KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L,
                                KEY_SEMICOLON, KEY_APOSTROPHE };
  static const guint bottom[] = { KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M, KEY_COMMA,
                                  KEY_DOT, KEY_SLASH };
  static const guint *const codes[] = { digits, top, home, bottom };

  (void) first;
  if (c == ' ')
    {
      *evdev = KEY_SPACE;
      *mod = MOD_NONE;
      return;
    }
  for (guint row = 0; row < G_N_ELEMENTS (rows); row++)
    {
      const char *p = strchr (rows[row], c);

      if (p != NULL)
        {
          *evdev = codes[row / 2][p - rows[row]];
          *mod = (row % 2) ? MOD_SHIFT : MOD_NONE;
          return;
        }
    }
  g_error ("No US key for “%c”", c);
}

static void
type_us (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      guint evdev;
      Mod mod;

      us_position (*p, &evdev, &mod);
      type_key (evdev, mod);
    }
}

/* A German (de-latin1) keyboard, where it differs from the US positions. */
static const KeyChar de_keys[] = {
  { 'y', KEY_Z, MOD_NONE }, { 'z', KEY_Y, MOD_NONE },
  { 'Y', KEY_Z, MOD_SHIFT }, { 'Z', KEY_Y, MOD_SHIFT },
  { '_', KEY_SLASH, MOD_SHIFT }, { ':', KEY_DOT, MOD_SHIFT },
  { '/', KEY_7, MOD_SHIFT }, { '>', KEY_102ND, MOD_SHIFT },
  { '\'', KEY_BACKSLASH, MOD_SHIFT },
  { '@', KEY_Q, MOD_ALTGR }, { '{', KEY_7, MOD_ALTGR }, { '[', KEY_8, MOD_ALTGR },
  { ']', KEY_9, MOD_ALTGR }, { '}', KEY_0, MOD_ALTGR }, { '\\', KEY_MINUS, MOD_ALTGR },
  { '|', KEY_102ND, MOD_ALTGR }, { '~', KEY_RIGHTBRACE, MOD_ALTGR },
};

static void
type_de (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      guint evdev = 0;
      Mod mod = MOD_NONE;
      gboolean found = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (de_keys); i++)
        if (de_keys[i].c == *p)
          {
            evdev = de_keys[i].evdev;
            mod = de_keys[i].mod;
            found = TRUE;
          }
      if (!found)
        {
          g_assert_true (g_ascii_isalnum (*p) || *p == ' ');
          us_position (*p, &evdev, &mod);
        }
      type_key (evdev, mod);
    }
}

static GdkPixbuf *
guest_framebuffer (void)
{
  return hangar_test_guest_screenshot (f.gvir, hangar_machine_get_domain (f.machine));
}

/* Counts the pixels of @texture's (x, y, width, height) that differ from @pixbuf. */
static guint
count_differences (GdkTexture *texture,
                   int         x,
                   int         y,
                   GdkPixbuf  *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  const guint8 *expected = gdk_pixbuf_read_pixels (pixbuf);
  int tw = gdk_texture_get_width (texture);
  g_autofree guint8 *pixels = g_malloc ((gsize) tw * gdk_texture_get_height (texture) * 4);
  guint differences = 0;

  g_assert_cmpint (x + width, <=, tw);
  g_assert_cmpint (y + height, <=, gdk_texture_get_height (texture));
  gdk_texture_download (texture, pixels, (gsize) tw * 4);

  for (int j = 0; j < height; j++)
    for (int i = 0; i < width; i++)
      {
        const guint8 *e = expected + j * stride + i * channels;
        const guint8 *p = pixels + ((gsize) (y + j) * tw + (x + i)) * 4;   /* B G R A */

        if (p[2] != e[0] || p[1] != e[1] || p[0] != e[2] || p[3] != 0xff)
          {
            if (differences < 5)
              g_test_message ("pixel %d,%d: shown #%02x%02x%02x%02x, guest #%02x%02x%02x",
                              i, j, p[2], p[1], p[0], p[3], e[0], e[1], e[2]);
            differences++;
          }
      }
  return differences;
}

/* Cases ******************************************************************/

static void
test_boot (void)
{
  g_autofree char *banner = NULL;
  g_autofree char *path = NULL;
  gint64 started;

  f.guest = hangar_test_guest_new (DOMAIN_NAME, TRUE);
  f.app = hangar_test_start_app (&f.window);
  f.gvir = hangar_connection_get_gvir (hangar_application_get_connection (f.app));
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1100, 900);

  hangar_test_guest_define (f.guest);

  /* Opened before it runs: the page says so, then connects by itself. */
  {
    HangarCollection *collection = hangar_application_get_collection (f.app);
    gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

    while ((f.machine = hangar_collection_find_by_name (collection, DOMAIN_NAME)) == NULL &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (f.machine);
  }
  hangar_test_assert_eventually (machine_in_state, GINT_TO_POINTER (HANGAR_MACHINE_STATE_STOPPED),
                                 15, "the machine to be stopped");
  hangar_window_open_machine (f.window, f.machine);
  f.page = hangar_window_get_display_page (f.window);
  f.display = hangar_display_page_get_display (f.page);
  hangar_test_assert_eventually (page_shows, (gpointer) "not-running", 10, "“not running”");
  path = hangar_test_save_screenshot (GTK_WIDGET (f.window), "display-not-running.png");

  started = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (f.page), "display.start", NULL);
  hangar_test_assert_eventually (display_ready, NULL, 30, "the display to show the guest");
  g_test_message ("start → first frame in the display: %.2f s",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);

  banner = hangar_test_guest_wait_line (f.guest, HANGAR_TEST_BANNER, 1, HANGAR_TEST_BOOT_TIMEOUT_S);
  g_test_message ("start → banner: %.1f s: %s",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, banner);
  g_free (hangar_test_guest_wait_line (f.guest, HANGAR_TEST_SHELL_READY, 1, LINE_TIMEOUT_S));
  g_free (hangar_test_save_screenshot (GTK_WIDGET (f.window), "display-booted.png"));
}

static void
test_pixel_exact (void)
{
  g_autoptr(GdkPixbuf) guest = NULL;
  g_autoptr(GdkTexture) shown = NULL;
  g_autoptr(GdkTexture) frame = NULL;
  g_autofree char *line = NULL;
  g_autofree char *path = NULL;
  g_autofree char *guest_path = NULL;
  HangarDisplayStats stats;
  graphene_rect_t area;

  hangar_display_set_scaling (f.display, HANGAR_DISPLAY_SCALING_ONE_TO_ONE);
  hangar_test_guest_run (f.guest, "hangar-guest pattern");
  line = hangar_test_guest_wait_line (f.guest, "HANGAR_PATTERN ", 1, LINE_TIMEOUT_S);
  g_assert_cmpstr (line, ==, "HANGAR_PATTERN 1024x768 bpp=32");

  /* A paused guest changes nothing between the two captures. */
  pump (500);
  hangar_test_virsh ("suspend", DOMAIN_NAME, NULL);
  hangar_test_assert_eventually (machine_in_state, GINT_TO_POINTER (HANGAR_MACHINE_STATE_PAUSED),
                                 15, "the machine to be paused");
  pump (500);

  guest = guest_framebuffer ();
  g_assert_cmpint (gdk_pixbuf_get_width (guest), ==, 1024);
  g_assert_cmpint (gdk_pixbuf_get_height (guest), ==, 768);

  /* QEMU sends the last updates on its own schedule, which a loaded machine
   * (the sanitizers, a busy CI) stretches: the widget must come to show the
   * guest's framebuffer exactly, and stay so. */
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    gint64 waited = g_get_monotonic_time ();
    guint differing;

    for (;;)
      {
        g_clear_object (&shown);
        shown = hangar_test_render_widget (GTK_WIDGET (f.display));
        g_assert_true (hangar_display_get_guest_area (f.display, &area));
        differing = count_differences (shown, (int) area.origin.x, (int) area.origin.y, guest);
        if (differing == 0 || g_get_monotonic_time () > deadline)
          break;
        g_test_message ("%u pixels still differ", differing);
        pump (250);
      }
    g_test_message ("display %dx%d, guest at %.1f,%.1f %.1fx%.1f, equal after %.2f s",
                    gdk_texture_get_width (shown), gdk_texture_get_height (shown),
                    area.origin.x, area.origin.y, area.size.width, area.size.height,
                    (g_get_monotonic_time () - waited) / (double) G_USEC_PER_SEC);
    g_assert_cmpfloat (area.size.width, ==, 1024);
    g_assert_cmpfloat (area.size.height, ==, 768);
    g_assert_cmpuint (differing, ==, 0);
  }

  frame = hangar_display_get_frame (f.display);
  g_assert_cmpuint (count_differences (frame, 0, 0, guest), ==, 0);

  path = g_build_filename (hangar_test_artifacts_dir (), "display-pattern-1to1.png", NULL);
  g_assert_true (gdk_texture_save_to_png (shown, path));
  guest_path = g_build_filename (hangar_test_artifacts_dir (), "display-pattern-guest.png", NULL);
  g_assert_true (gdk_pixbuf_save (guest, guest_path, "png", NULL, NULL));

  hangar_display_get_stats (f.display, &stats);
  g_test_message ("invalidations %" G_GUINT64_FORMAT ", frames drawn %" G_GUINT64_FORMAT
                  ", tiles uploaded %" G_GUINT64_FORMAT ", repaints that waited for the end of "
                  "a burst %" G_GUINT64_FORMAT ", %.1f ms each",
                  stats.invalidations, stats.frames, stats.tiles_uploaded, stats.repaints_waited,
                  stats.repaints_waited > 0
                  ? stats.repaint_wait_us / 1000.0 / stats.repaints_waited : 0.0);
  /* Coalescing: many invalidations, far fewer frames. */
  g_assert_cmpuint (stats.frames, <, stats.invalidations);
}

static void
test_fit_geometry (void)
{
  g_autoptr(GdkTexture) shown = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autofree char *path = NULL;
  graphene_rect_t area;
  int width, height;

  hangar_display_set_scaling (f.display, HANGAR_DISPLAY_SCALING_FIT);
  gtk_widget_set_size_request (GTK_WIDGET (f.display), -1, -1);
  gtk_window_set_default_size (GTK_WINDOW (f.window), 900, 500);
  hangar_test_wait_frames (GTK_WIDGET (f.window), 5);

  shown = hangar_test_render_widget (GTK_WIDGET (f.display));
  width = gdk_texture_get_width (shown);
  height = gdk_texture_get_height (shown);
  g_assert_true (hangar_display_get_guest_area (f.display, &area));
  g_test_message ("fit: widget %dx%d, guest at %.1f,%.1f %.1fx%.1f", width, height,
                  area.origin.x, area.origin.y, area.size.width, area.size.height);

  /* Aspect kept, as large as fits, centred: letterbox left and right here. */
  g_assert_cmpfloat_with_epsilon (area.size.width / area.size.height, 1024.0 / 768.0, 0.01);
  g_assert_cmpfloat_with_epsilon (area.size.height, height, 0.5);
  /* The left bar is rounded down to a whole device pixel. */
  g_assert_cmpfloat_with_epsilon (area.origin.x * 2 + area.size.width, width, 2.0);

  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (shown, pixels, (gsize) width * 4);
  /* The bars are black; the guest's pattern starts at the area's edge. */
  g_assert_cmpuint (pixels[((gsize) (height / 2) * width + 1) * 4 + 0], ==, 0);
  g_assert_cmpuint (pixels[((gsize) (height / 2) * width + 1) * 4 + 1], ==, 0);
  g_assert_cmpuint (pixels[((gsize) (height / 2) * width + 1) * 4 + 2], ==, 0);
  path = g_build_filename (hangar_test_artifacts_dir (), "display-pattern-fit.png", NULL);
  g_assert_true (gdk_texture_save_to_png (shown, path));
  g_free (hangar_test_save_screenshot (GTK_WIDGET (f.window), "display-page-fit.png"));

  hangar_test_virsh ("resume", DOMAIN_NAME, NULL);
  hangar_test_assert_eventually (machine_in_state, GINT_TO_POINTER (HANGAR_MACHINE_STATE_RUNNING),
                                 15, "the machine to run again");
}

static void
test_keyboard_us (void)
{
  /* Letters, digits, shifted symbols, then keypad operators (the same with
   * Num Lock on or off), all through X, GTK and the widget. */
  const char *text = "HANGAR_TYPED:aZ09!@#%^&*()_+{}|:\"<>?~";
  g_autofree char *expected = g_strconcat (text, "*-+/", NULL);
  g_autofree char *line = NULL;

  focus_window ();
  type_us ("echo '");
  type_us (text);
  type_key (KEY_KPASTERISK, MOD_NONE);
  type_key (KEY_KPMINUS, MOD_NONE);
  type_key (KEY_KPPLUS, MOD_NONE);
  type_key (KEY_KPSLASH, MOD_NONE);
  type_us ("' >/dev/ttyS0");
  type_key (KEY_KPENTER, MOD_NONE);

  line = hangar_test_guest_wait_line (f.guest, "HANGAR_TYPED:", 1, LINE_TIMEOUT_S);
  g_assert_cmpstr (line, ==, expected);
}

static void
test_keyboard_de (void)
{
  g_autofree char *line = NULL;
  g_autofree char *ok = NULL;

  hangar_test_guest_run (f.guest, "loadkmap < /etc/keymaps/de.kmap && echo HANGAR_KMAP_DE");
  ok = hangar_test_guest_wait_line (f.guest, "HANGAR_KMAP_DE", 1, LINE_TIMEOUT_S);

  /* The same physical keys now mean what a German keyboard says: Y and Z
   * swap places, AltGr reaches @ { [ ] } \ | ~ on the keys a German user
   * presses. */
  focus_window ();
  type_de ("echo 'HANGAR_DE:yzYZ@{[]}\\|~' >/dev/ttyS0");
  type_key (KEY_ENTER, MOD_NONE);

  line = hangar_test_guest_wait_line (f.guest, "HANGAR_DE:", 1, LINE_TIMEOUT_S);
  g_assert_cmpstr (line, ==, "HANGAR_DE:yzYZ@{[]}\\|~");

  hangar_test_guest_run (f.guest, "loadkmap < /etc/keymaps/us.kmap");
}

/* The input events the guest printed since @from (a byte offset in what its
 * console printed): key events as "code value", or with @with_motion every
 * event as "kind code value". */
static GPtrArray *
guest_input_events (gsize    from,
                    gboolean with_motion)
{
  g_autoptr(GRegex) regex = g_regex_new (with_motion ? "INPUT (key|abs|rel) ([0-9]+) (-?[0-9]+)"
                                                     : "INPUT (key) ([0-9]+) (-?[0-9]+)",
                                         0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *contents = hangar_test_guest_read_console (f.guest);
  gsize length = strlen (contents);
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);

  if (from > length)
    from = length;
  g_regex_match (regex, contents + from, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *kind = g_match_info_fetch (match, 1);
      g_autofree char *code = g_match_info_fetch (match, 2);
      g_autofree char *value = g_match_info_fetch (match, 3);

      if (with_motion)
        g_ptr_array_add (events, g_strdup_printf ("%s %s %s", kind, code, value));
      else
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
  gsize from;
  guint wanted;
} EventsWait;

static gboolean
enough_key_events (gpointer data)
{
  EventsWait *wait = data;
  g_autoptr(GPtrArray) events = guest_input_events (wait->from, FALSE);

  return events->len >= wait->wanted;
}

/* The keys of a 105-key PC keyboard, its Japanese, Brazilian and Korean
 * extras that QEMU's PS/2 model carries, Pause and Print Screen, and the
 * common media keys. */
static gboolean
on_pc_keyboard (guint code)
{
  static const guint extras[] = {
    KEY_102ND, KEY_F11, KEY_F12, KEY_RO, KEY_HIRAGANA, KEY_HENKAN,
    KEY_KATAKANAHIRAGANA, KEY_MUHENKAN, KEY_KPENTER, KEY_RIGHTCTRL, KEY_KPSLASH,
    KEY_SYSRQ, KEY_RIGHTALT, KEY_HOME, KEY_UP, KEY_PAGEUP, KEY_LEFT, KEY_RIGHT, KEY_END, KEY_DOWN,
    KEY_PAGEDOWN, KEY_INSERT, KEY_DELETE, KEY_MUTE, KEY_VOLUMEDOWN, KEY_VOLUMEUP, KEY_KPEQUAL,
    KEY_PAUSE, KEY_KPCOMMA, KEY_YEN, KEY_LEFTMETA, KEY_RIGHTMETA, KEY_COMPOSE, KEY_STOP,
    KEY_CALC, KEY_MAIL, KEY_BOOKMARKS, KEY_COMPUTER, KEY_BACK, KEY_FORWARD, KEY_NEXTSONG,
    KEY_PLAYPAUSE, KEY_PREVIOUSSONG, KEY_STOPCD, KEY_HOMEPAGE, KEY_REFRESH, KEY_MEDIA,
  };

  if (code >= KEY_ESC && code <= KEY_KPDOT)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (extras); i++)
    if (extras[i] == code)
      return TRUE;
  return FALSE;
}

static void
test_keys_round_trip (void)
{
  g_autofree char *device = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) must = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GString) unmapped = g_string_new (NULL);
  EventsWait wait;

  /* Every key of the table, through the widget, must arrive in the guest's
   * kernel as the same evdev code: the guest's atkbd is the judge. */
  hangar_test_guest_run (f.guest, "hangar-guest input > /dev/ttyS0 &");
  device = hangar_test_guest_wait_line (f.guest, "HANGAR_INPUT_DEVICE", 1, LINE_TIMEOUT_S);
  pump (1000);
  wait.from = log_size ();

  for (guint code = 1; code < 256; code++)
    {
      guint xt = hangar_keymap_evdev_to_xt (code);

      /* Keys that would power the guest off or suspend it stay out. */
      if (xt == 0 || code == KEY_POWER || code == KEY_SLEEP || code == KEY_WAKEUP ||
          code == KEY_SUSPEND)
        continue;

      hangar_display_send_evdev_keys (f.display, &code, 1);
      /* Pause has no release scancode; the guest's kernel releases it itself. */
      g_ptr_array_add (expected, g_strdup_printf ("%u 1", code));
      g_ptr_array_add (expected, g_strdup_printf ("%u 0", code));
      if (on_pc_keyboard (code))
        {
          g_ptr_array_add (must, g_strdup_printf ("%u 1", code));
          g_ptr_array_add (must, g_strdup_printf ("%u 0", code));
        }
      pump (20);
    }

  wait.wanted = must->len;
  hangar_test_wait_until (enough_key_events, &wait, LINE_TIMEOUT_S);
  pump (1000);
  events = guest_input_events (wait.from, FALSE);

  for (guint i = 0; i < must->len; i++)
    if (!g_ptr_array_find_with_equal_func (events, must->pdata[i], g_str_equal, NULL))
      g_string_append_printf (missing, " [%s]", (char *) must->pdata[i]);
  for (guint i = 0; i < expected->len; i++)
    if (!g_ptr_array_find_with_equal_func (events, expected->pdata[i], g_str_equal, NULL) &&
        g_str_has_suffix (expected->pdata[i], " 1"))
      g_string_append_printf (unmapped, " %.*s", (int) strlen (expected->pdata[i]) - 2,
                              (char *) expected->pdata[i]);
  g_test_message ("%u key events sent, %u arrived; of the %u a PC keyboard has, missing:%s",
                  expected->len, events->len, must->len, missing->len > 0 ? missing->str : " none");
  /* QEMU's PS/2 keyboard, or the guest kernel's default atkbd table, has no
   * code for these rarer keys; a USB or virtio keyboard would carry them. */
  g_test_message ("not carried by the guest's PS/2 keyboard:%s", unmapped->str);
  g_assert_cmpstr (missing->str, ==, "");
  g_assert_cmpuint (events->len, >=, must->len);

  /* In order: each key's press, then its release, then the next key. */
  {
    guint j = 0;

    for (guint i = 0; i < events->len && j < must->len; i++)
      if (g_str_equal (events->pdata[i], must->pdata[j]))
        j++;
    g_assert_cmpuint (j, ==, must->len);
  }
}

typedef struct
{
  gsize       from;
  const char *wanted;
} EventWait;

static gboolean
event_arrived (gpointer data)
{
  EventWait *wait = data;
  g_autoptr(GPtrArray) events = guest_input_events (wait->from, TRUE);

  return g_ptr_array_find_with_equal_func (events, wait->wanted, g_str_equal, NULL);
}

static void
test_mouse (void)
{
  /* Newer kernels add high resolution wheel events (REL_WHEEL_HI_RES) beside
   * the classic ones; the sequence below is what must be there, in order. */
  const char *wanted[] = {
    "key 272 1", "key 272 0",   /* BTN_LEFT */
    "key 273 1", "key 273 0",   /* BTN_RIGHT */
    "rel 8 -1",                 /* REL_WHEEL, one step down */
  };
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f.window));
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *abs_x = NULL;
  g_autofree char *abs_y = NULL;
  graphene_rect_t area;
  double wx, wy, nx, ny;
  int rx, ry, sx, sy, gx, gy;
  EventWait wait;
  guint j = 0;
  Window child;

  /* Where the guest's frame is on the X screen. */
  g_assert_true (hangar_display_get_guest_area (f.display, &area));
  g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (f.display), GTK_WIDGET (f.window),
                                                   area.origin.x, area.origin.y, &wx, &wy));
  gtk_native_get_surface_transform (GTK_NATIVE (f.window), &nx, &ny);
  XTranslateCoordinates (xdisplay (), gdk_x11_surface_get_xid (surface),
                         DefaultRootWindow (xdisplay ()), 0, 0, &rx, &ry, &child);
  sx = rx + (int) (nx + wx);
  sy = ry + (int) (ny + wy);

  /* A point three quarters across and a quarter down the guest's screen:
   * the tablet reports it in 0..32767 on each axis. */
  gx = (int) (area.size.width * 3 / 4);
  gy = (int) (area.size.height / 4);
  wait.from = log_size ();
  XTestFakeMotionEvent (xdisplay (), -1, sx + gx, sy + gy, CurrentTime);
  XFlush (xdisplay ());
  wait.wanted = NULL;
  pump (300);
  {
    /* The guest pixel under the pointer, and the value the tablet must report. */
    double fx = gx / area.size.width * 1024, fy = gy / area.size.height * 768;
    int vx = (int) (floor (fx) * 32767 / 1023), vy = (int) (floor (fy) * 32767 / 767);
    gint64 deadline = g_get_monotonic_time () + LINE_TIMEOUT_S * G_USEC_PER_SEC;

    while (g_get_monotonic_time () < deadline)
      {
        g_autoptr(GPtrArray) now = guest_input_events (wait.from, TRUE);

        for (guint i = 0; i < now->len; i++)
          {
            if (g_str_has_prefix (now->pdata[i], "abs 0 "))
              {
                g_free (abs_x);
                abs_x = g_strdup ((char *) now->pdata[i] + 6);
              }
            if (g_str_has_prefix (now->pdata[i], "abs 1 "))
              {
                g_free (abs_y);
                abs_y = g_strdup ((char *) now->pdata[i] + 6);
              }
          }
        if (abs_x != NULL && abs_y != NULL)
          break;
        pump (50);
      }
    g_assert_nonnull (abs_x);
    g_assert_nonnull (abs_y);
    g_test_message ("pointer at guest %.0f,%.0f: tablet %s,%s (expected about %d,%d)",
                    fx, fy, abs_x, abs_y, vx, vy);
    /* Within three guest pixels: the X pointer lands on whole screen pixels of a scaled frame. */
    g_assert_cmpint (ABS (atoi (abs_x) - vx), <=, 3 * 32767 / 1023);
    g_assert_cmpint (ABS (atoi (abs_y) - vy), <=, 3 * 32767 / 767);
  }

  wait.from = log_size ();
  XTestFakeButtonEvent (xdisplay (), 1, True, CurrentTime);
  XTestFakeButtonEvent (xdisplay (), 1, False, CurrentTime);
  XTestFakeButtonEvent (xdisplay (), 3, True, CurrentTime);
  XTestFakeButtonEvent (xdisplay (), 3, False, CurrentTime);
  XTestFakeButtonEvent (xdisplay (), 5, True, CurrentTime);
  XTestFakeButtonEvent (xdisplay (), 5, False, CurrentTime);
  XFlush (xdisplay ());

  wait.wanted = wanted[G_N_ELEMENTS (wanted) - 1];
  hangar_test_assert_eventually (event_arrived, &wait, LINE_TIMEOUT_S, "the wheel step in the guest");
  events = guest_input_events (wait.from, TRUE);
  for (guint i = 0; i < events->len && j < G_N_ELEMENTS (wanted); i++)
    if (g_str_equal (events->pdata[i], wanted[j]))
      j++;
  g_assert_cmpuint (j, ==, G_N_ELEMENTS (wanted));
}

static gboolean
agent_connected (gpointer data)
{
  return hangar_display_get_agent_connected (f.display);
}

static gboolean
clipboard_offers_text (gpointer data)
{
  GdkContentFormats *formats = gdk_clipboard_get_formats (data);

  return gdk_content_formats_contain_mime_type (formats, "text/plain;charset=utf-8");
}

static void
test_agent (void)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f.display));
  g_autofree char *monitors = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *pasted = NULL;
  g_autofree char *received = NULL;
  g_autofree char *sent = NULL;
  g_autoptr(GError) error = NULL;
  int scale, width, height;

  /* hangar-guest's agent speaks the SPICE agent protocol on the guest's
   * virtio port, through QEMU's spicevmc and spice-server, as spice-vdagent
   * does: enough to see what Hangar sends and accepts, without Xorg. */
  hangar_display_set_resize_guest (f.display, TRUE);
  hangar_test_guest_run (f.guest, "hangar-guest agent --offer HANGAR_CLIP_GUEST > /dev/ttyS0 &");
  g_free (hangar_test_guest_wait_line (f.guest, "HANGAR_AGENT_READY", 1, LINE_TIMEOUT_S));
  hangar_test_assert_eventually (agent_connected, NULL, LINE_TIMEOUT_S, "the agent, seen by the display");

  /* Guest resize: the window's size, in device pixels, reaches the guest. */
  gtk_window_set_default_size (GTK_WINDOW (f.window), 1000, 760);
  hangar_test_wait_frames (GTK_WIDGET (f.window), 5);
  pump (500);
  scale = gtk_widget_get_scale_factor (GTK_WIDGET (f.display));
  width = MAX (640, gtk_widget_get_width (GTK_WIDGET (f.display)) * scale) & ~1;
  height = MAX (480, gtk_widget_get_height (GTK_WIDGET (f.display)) * scale) & ~1;
  expected = g_strdup_printf ("HANGAR_AGENT_MONITORS 1 %dx%d", width, height);
  {
    gint64 deadline = g_get_monotonic_time () + LINE_TIMEOUT_S * G_USEC_PER_SEC;
    guint nth = 1;

    /* The first requests may carry sizes from before the window settled. */
    while (g_get_monotonic_time () < deadline)
      {
        g_free (monitors);
        monitors = hangar_test_guest_wait_line (f.guest, "HANGAR_AGENT_MONITORS", nth, LINE_TIMEOUT_S);
        if (g_str_equal (monitors, expected))
          break;
        nth++;
      }
  }
  g_test_message ("guest resize: %s", monitors);
  g_assert_cmpstr (monitors, ==, expected);

  /* Guest → host: the guest's offer becomes the desktop's clipboard, and
   * pasting fetches the text from the guest. */
  g_free (hangar_test_guest_wait_line (f.guest, "HANGAR_AGENT_OFFERED", 1, LINE_TIMEOUT_S));
  hangar_test_assert_eventually (clipboard_offers_text, clipboard, LINE_TIMEOUT_S,
                                 "the guest's text on the clipboard");
  gdk_clipboard_read_text_async (clipboard, NULL, hangar_test_async_done, NULL);
  pasted = gdk_clipboard_read_text_finish (clipboard, hangar_test_await (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pasted, ==, "HANGAR_CLIP_GUEST");
  sent = hangar_test_guest_wait_line (f.guest, "HANGAR_AGENT_SENT", 1, LINE_TIMEOUT_S);

  /* Host → guest: what is copied on the desktop is offered to the guest,
   * which asks for it. */
  gdk_clipboard_set_text (clipboard, "HANGAR_CLIP_HOST two\nlines");
  received = hangar_test_guest_wait_line (f.guest, "HANGAR_AGENT_CLIPBOARD", 1, LINE_TIMEOUT_S);
  g_assert_cmpstr (received, ==, "HANGAR_AGENT_CLIPBOARD HANGAR_CLIP_HOST two\\nlines");

  /* Sharing off: nothing more reaches the guest. */
  hangar_display_set_share_clipboard (f.display, FALSE);
  gdk_clipboard_set_text (clipboard, "HANGAR_CLIP_SECRET");
  pump (3000);
  g_assert_cmpuint (hangar_test_guest_count_in_log (f.guest, "HANGAR_CLIP_SECRET"), ==, 0);
  hangar_display_set_share_clipboard (f.display, TRUE);
}

static void
test_reboot (void)
{
  g_autofree char *banner = NULL;

  /* A reboot inside the guest keeps QEMU and the SPICE connection; the
   * display follows the new primary surfaces. */
  hangar_test_guest_run (f.guest, "reboot -f");
  /* Still connected to the console: this counts from the reboot on. */
  banner = hangar_test_guest_wait_line (f.guest, HANGAR_TEST_BANNER, 1, HANGAR_TEST_BOOT_TIMEOUT_S);
  g_free (hangar_test_guest_wait_line (f.guest, HANGAR_TEST_SHELL_READY, 1, LINE_TIMEOUT_S));
  hangar_test_assert_eventually (display_ready, NULL, 30, "the display after the reboot");
  g_free (hangar_test_save_screenshot (GTK_WIDGET (f.window), "display-after-reboot.png"));
}

static void
test_restart (void)
{
  /* QEMU itself goes away and comes back: the page shows the machine
   * stopped, then reconnects by itself when it runs again. */
  hangar_test_virsh ("destroy", DOMAIN_NAME, NULL);
  hangar_test_assert_eventually (page_shows, (gpointer) "not-running", 15, "“not running”");
  g_assert_cmpint (hangar_display_get_state (f.display), ==, HANGAR_DISPLAY_STATE_IDLE);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (f.window), "display-stopped.png"));

  hangar_test_virsh ("start", DOMAIN_NAME, NULL);
  hangar_test_assert_eventually (display_ready, NULL, 30, "the display after a restart");
  /* QEMU started anew: its serial log starts empty. */
  g_free (hangar_test_guest_wait_line (f.guest, HANGAR_TEST_SHELL_READY, 1,
                                       HANGAR_TEST_BOOT_TIMEOUT_S));
}

static void
test_guest_shutdown (void)
{
  hangar_test_guest_run (f.guest, "poweroff -f");
  hangar_test_assert_eventually (machine_in_state, GINT_TO_POINTER (HANGAR_MACHINE_STATE_STOPPED),
                                 30, "the machine to stop");
  hangar_test_assert_eventually (page_shows, (gpointer) "not-running", 15, "“not running”");

  /* Undefined elsewhere: the page says it is gone, with no Start. */
  hangar_test_virsh ("undefine", DOMAIN_NAME, NULL);
  hangar_test_assert_eventually (page_shows, (gpointer) "gone", 15, "“removed”");
  g_free (hangar_test_save_screenshot (GTK_WIDGET (f.window), "display-gone.png"));
  gtk_widget_activate_action (GTK_WIDGET (f.page), "display.back", NULL);
  g_assert_cmpstr (hangar_window_get_visible_page (f.window), !=, NULL);

  hangar_test_stop_app (g_steal_pointer (&f.app), f.window);
  g_clear_pointer (&f.guest, hangar_test_guest_free);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/display/boot", test_boot);
  g_test_add_func ("/hangar/display/pixel-exact", test_pixel_exact);
  g_test_add_func ("/hangar/display/fit-geometry", test_fit_geometry);

  /* The run under another renderer checks the pixels only. */
  if (g_getenv ("HANGAR_TEST_DISPLAY_PIXELS_ONLY") != NULL)
    {
      g_test_add_func ("/hangar/display/guest-shutdown", test_guest_shutdown);
      return g_test_run ();
    }

  g_test_add_func ("/hangar/display/keyboard-us", test_keyboard_us);
  g_test_add_func ("/hangar/display/keyboard-altgr-de", test_keyboard_de);
  g_test_add_func ("/hangar/display/keys-round-trip", test_keys_round_trip);
  g_test_add_func ("/hangar/display/mouse", test_mouse);
  g_test_add_func ("/hangar/display/agent", test_agent);
  g_test_add_func ("/hangar/display/reboot", test_reboot);
  g_test_add_func ("/hangar/display/restart", test_restart);
  g_test_add_func ("/hangar/display/guest-shutdown", test_guest_shutdown);

  return g_test_run ();
}
