/* test-keymap.c
 *
 * Unit tests for the evdev, XT scancode and keyval tables the display widget
 * sends keys with: documented pairs, round trips and unmapped codes.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <linux/input-event-codes.h>

/* Only the keyval numbers: the code under test must not need GTK. */
#include <gdk/gdkkeysyms.h>

#include "hangar-keymap.h"
#include "hangar-test-utils.h"

/* How many evdev codes have a scancode. A change is a decision to review,
 * not an accident: update it together with the table. */
#define N_MAPPED 230

typedef struct
{
  guint       code;
  guint       expected;
  const char *name;
} Pair;

/* Scancodes as PC keyboards send them (Microsoft's "Keyboard Scan Code
 * Specification", QEMU's keycodemapdb), written with the E0 prefix as 0x100. */
static const Pair documented[] = {
  /* Letters */
  { KEY_A, 0x1e, "A" }, { KEY_B, 0x30, "B" }, { KEY_C, 0x2e, "C" }, { KEY_D, 0x20, "D" },
  { KEY_E, 0x12, "E" }, { KEY_F, 0x21, "F" }, { KEY_G, 0x22, "G" }, { KEY_H, 0x23, "H" },
  { KEY_I, 0x17, "I" }, { KEY_J, 0x24, "J" }, { KEY_K, 0x25, "K" }, { KEY_L, 0x26, "L" },
  { KEY_M, 0x32, "M" }, { KEY_N, 0x31, "N" }, { KEY_O, 0x18, "O" }, { KEY_P, 0x19, "P" },
  { KEY_Q, 0x10, "Q" }, { KEY_R, 0x13, "R" }, { KEY_S, 0x1f, "S" }, { KEY_T, 0x14, "T" },
  { KEY_U, 0x16, "U" }, { KEY_V, 0x2f, "V" }, { KEY_W, 0x11, "W" }, { KEY_X, 0x2d, "X" },
  { KEY_Y, 0x15, "Y" }, { KEY_Z, 0x2c, "Z" },

  /* Digit row and the rest of the main block */
  { KEY_ESC, 0x01, "Escape" },
  { KEY_1, 0x02, "1" }, { KEY_2, 0x03, "2" }, { KEY_3, 0x04, "3" }, { KEY_4, 0x05, "4" },
  { KEY_5, 0x06, "5" }, { KEY_6, 0x07, "6" }, { KEY_7, 0x08, "7" }, { KEY_8, 0x09, "8" },
  { KEY_9, 0x0a, "9" }, { KEY_0, 0x0b, "0" },
  { KEY_MINUS, 0x0c, "Minus" }, { KEY_EQUAL, 0x0d, "Equal" },
  { KEY_BACKSPACE, 0x0e, "Backspace" }, { KEY_TAB, 0x0f, "Tab" },
  { KEY_LEFTBRACE, 0x1a, "[" }, { KEY_RIGHTBRACE, 0x1b, "]" }, { KEY_ENTER, 0x1c, "Enter" },
  { KEY_LEFTCTRL, 0x1d, "Left Ctrl" }, { KEY_SEMICOLON, 0x27, ";" },
  { KEY_APOSTROPHE, 0x28, "'" }, { KEY_GRAVE, 0x29, "`" }, { KEY_LEFTSHIFT, 0x2a, "Left Shift" },
  { KEY_BACKSLASH, 0x2b, "\\" }, { KEY_COMMA, 0x33, "," }, { KEY_DOT, 0x34, "." },
  { KEY_SLASH, 0x35, "/" }, { KEY_RIGHTSHIFT, 0x36, "Right Shift" },
  { KEY_LEFTALT, 0x38, "Left Alt" }, { KEY_SPACE, 0x39, "Space" },
  { KEY_CAPSLOCK, 0x3a, "Caps Lock" }, { KEY_102ND, 0x56, "102nd key (ISO <>)" },

  /* Function keys */
  { KEY_F1, 0x3b, "F1" }, { KEY_F2, 0x3c, "F2" }, { KEY_F3, 0x3d, "F3" },
  { KEY_F4, 0x3e, "F4" }, { KEY_F5, 0x3f, "F5" }, { KEY_F6, 0x40, "F6" },
  { KEY_F7, 0x41, "F7" }, { KEY_F8, 0x42, "F8" }, { KEY_F9, 0x43, "F9" },
  { KEY_F10, 0x44, "F10" }, { KEY_F11, 0x57, "F11" }, { KEY_F12, 0x58, "F12" },
  /* keycodemapdb's F13-F24, the ones QEMU decodes as F13-F24 */
  { KEY_F13, 0x5d, "F13" }, { KEY_F16, 0x55, "F16" }, { KEY_F17, 0x103, "F17" },
  { KEY_F24, 0x6f, "F24" },

  /* Keypad */
  { KEY_NUMLOCK, 0x45, "Num Lock" }, { KEY_SCROLLLOCK, 0x46, "Scroll Lock" },
  { KEY_KP7, 0x47, "KP 7" }, { KEY_KP8, 0x48, "KP 8" }, { KEY_KP9, 0x49, "KP 9" },
  { KEY_KPMINUS, 0x4a, "KP -" }, { KEY_KP4, 0x4b, "KP 4" }, { KEY_KP5, 0x4c, "KP 5" },
  { KEY_KP6, 0x4d, "KP 6" }, { KEY_KPPLUS, 0x4e, "KP +" }, { KEY_KP1, 0x4f, "KP 1" },
  { KEY_KP2, 0x50, "KP 2" }, { KEY_KP3, 0x51, "KP 3" }, { KEY_KP0, 0x52, "KP 0" },
  { KEY_KPDOT, 0x53, "KP ." }, { KEY_KPASTERISK, 0x37, "KP *" },
  { KEY_KPEQUAL, 0x59, "KP =" }, { KEY_KPENTER, 0x11c, "KP Enter" },
  { KEY_KPSLASH, 0x135, "KP /" },

  /* The E0 block */
  { KEY_RIGHTCTRL, 0x11d, "Right Ctrl" }, { KEY_SYSRQ, 0x137, "Print Screen" },
  { KEY_RIGHTALT, 0x138, "AltGr" }, { KEY_HOME, 0x147, "Home" }, { KEY_UP, 0x148, "Up" },
  { KEY_PAGEUP, 0x149, "Page Up" }, { KEY_LEFT, 0x14b, "Left" },
  { KEY_RIGHT, 0x14d, "Right" }, { KEY_END, 0x14f, "End" }, { KEY_DOWN, 0x150, "Down" },
  { KEY_PAGEDOWN, 0x151, "Page Down" }, { KEY_INSERT, 0x152, "Insert" },
  { KEY_DELETE, 0x153, "Delete" }, { KEY_LEFTMETA, 0x15b, "Left Windows" },
  { KEY_RIGHTMETA, 0x15c, "Right Windows" }, { KEY_COMPOSE, 0x15d, "Menu" },
  { KEY_POWER, 0x15e, "Power" }, { KEY_SLEEP, 0x15f, "Sleep" }, { KEY_WAKEUP, 0x163, "Wake" },

  /* Pause has no scancode of its own */
  { KEY_PAUSE, HANGAR_KEYMAP_PAUSE, "Pause" },

  /* Multimedia and internet keys */
  { KEY_MUTE, 0x120, "Mute" }, { KEY_CALC, 0x121, "Calculator" },
  { KEY_PLAYPAUSE, 0x122, "Play/Pause" }, { KEY_STOPCD, 0x124, "Stop" },
  { KEY_VOLUMEDOWN, 0x12e, "Volume Down" }, { KEY_VOLUMEUP, 0x130, "Volume Up" },
  { KEY_HOMEPAGE, 0x132, "WWW Home" }, { KEY_NEXTSONG, 0x119, "Next Track" },
  { KEY_PREVIOUSSONG, 0x110, "Previous Track" }, { KEY_MAIL, 0x16c, "Mail" },
  { KEY_SEARCH, 0x165, "WWW Search" }, { KEY_BOOKMARKS, 0x166, "WWW Favorites" },
  { KEY_REFRESH, 0x167, "WWW Refresh" }, { KEY_STOP, 0x168, "WWW Stop" },
  { KEY_FORWARD, 0x169, "WWW Forward" }, { KEY_BACK, 0x16a, "WWW Back" },
  { KEY_COMPUTER, 0x16b, "My Computer" }, { KEY_MEDIA, 0x16d, "Media Select" },

  /* Japanese, Korean and Brazilian keys */
  { KEY_RO, 0x73, "Ro" }, { KEY_KATAKANAHIRAGANA, 0x70, "Katakana/Hiragana" },
  { KEY_HENKAN, 0x79, "Henkan" }, { KEY_MUHENKAN, 0x7b, "Muhenkan" },
  { KEY_YEN, 0x7d, "Yen" }, { KEY_KPCOMMA, 0x7e, "KP , (Brazil)" },
  { KEY_ZENKAKUHANKAKU, 0x76, "Zenkaku/Hankaku" },
  /* 0xf2/0xf1 on the wire of a real keyboard; see hangar-keymap.c for why
   * SPICE has to carry them as 0x72/0x71 */
  { KEY_HANGEUL, 0x72, "Hangeul" }, { KEY_HANJA, 0x71, "Hanja" },
};

static void
test_documented (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (documented); i++)
    {
      const Pair *pair = &documented[i];
      guint xt = hangar_keymap_evdev_to_xt (pair->code);

      if (xt != pair->expected)
        g_error ("%s (evdev %u): scancode 0x%x, expected 0x%x",
                 pair->name, pair->code, xt, pair->expected);
    }
}

static void
test_round_trip (void)
{
  guint mapped = 0;

  for (guint code = 0; code <= KEY_MAX; code++)
    {
      guint xt = hangar_keymap_evdev_to_xt (code);

      if (xt == 0)
        continue;
      mapped++;
      if (hangar_keymap_xt_to_evdev (xt) != code)
        g_error ("evdev %u → 0x%x → evdev %u", code, xt, hangar_keymap_xt_to_evdev (xt));
    }

  g_assert_cmpuint (mapped, ==, N_MAPPED);
}

/* Every value is a scancode spice_inputs_channel_key_press() can send: one
 * byte without the release bit, or the same after E0; or the Pause sentinel. */
static void
test_shape (void)
{
  for (guint code = 0; code <= KEY_MAX; code++)
    {
      guint xt = hangar_keymap_evdev_to_xt (code);
      guint byte = xt & ~0x100u;

      if (xt == 0 || xt == HANGAR_KEYMAP_PAUSE)
        continue;
      if (xt > 0x1ff || byte == 0 || byte > 0x7f)
        g_error ("evdev %u has scancode 0x%x, which SPICE cannot send", code, xt);
    }
}

/* The table has no aliases: two keys sharing a scancode would be one key to
 * the guest. (The only aliases are in the other direction, below.) */
static void
test_unique (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint code = 0; code <= KEY_MAX; code++)
    {
      guint xt = hangar_keymap_evdev_to_xt (code);
      gpointer other;

      if (xt == 0)
        continue;
      if (g_hash_table_lookup_extended (seen, GUINT_TO_POINTER (xt), NULL, &other))
        g_error ("evdev %u and %u both map to 0x%x", GPOINTER_TO_UINT (other), code, xt);
      g_hash_table_insert (seen, GUINT_TO_POINTER (xt), GUINT_TO_POINTER (code));
    }
}

/* Codes a real keyboard sends for a key besides the one the table gives it:
 * xt_to_evdev() reads them, evdev_to_xt() never produces them. */
static void
test_inverse_aliases (void)
{
  static const Pair aliases[] = {
    { 0x54, KEY_SYSRQ, "SysRq (Alt+Print Screen)" },
    { 0x146, KEY_PAUSE, "Break (Ctrl+Pause)" },
    { 0xf1, KEY_HANJA, "Hanja as a keyboard sends it" },
    { 0xf2, KEY_HANGEUL, "Hangeul as a keyboard sends it" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    {
      const Pair *alias = &aliases[i];

      if (hangar_keymap_xt_to_evdev (alias->code) != alias->expected)
        g_error ("%s: 0x%x gives evdev %u, expected %u", alias->name, alias->code,
                 hangar_keymap_xt_to_evdev (alias->code), alias->expected);
      for (guint code = 0; code <= KEY_MAX; code++)
        g_assert_cmpuint (hangar_keymap_evdev_to_xt (code), !=, alias->code);
    }
}

static void
test_unmapped (void)
{
  static const guint evdev_codes[] = {
    0, KEY_RESERVED, 84 /* no name in Linux */, KEY_ISO, KEY_UNKNOWN, KEY_MICMUTE,
    KEY_ALS_TOGGLE, KEY_MAX, KEY_MAX + 1, G_MAXUINT,
  };
  static const guint scancodes[] = {
    0, 0x7f, 0x80, 0xff, 0x100, 0x17f, 0x180, 0x1ff, 0x200, 0x2ff, G_MAXUINT,
  };

  for (guint i = 0; i < G_N_ELEMENTS (evdev_codes); i++)
    g_assert_cmpuint (hangar_keymap_evdev_to_xt (evdev_codes[i]), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (scancodes); i++)
    g_assert_cmpuint (hangar_keymap_xt_to_evdev (scancodes[i]), ==, 0);
}

static void
test_keyval (void)
{
  static const Pair keyvals[] = {
    { GDK_KEY_Control_L, 29, "Control_L" },
    { GDK_KEY_Control_R, KEY_RIGHTCTRL, "Control_R" },
    { GDK_KEY_Alt_L, 56, "Alt_L" },
    { GDK_KEY_Alt_R, KEY_RIGHTALT, "Alt_R" },
    { GDK_KEY_ISO_Level3_Shift, KEY_RIGHTALT, "ISO_Level3_Shift" },
    { GDK_KEY_Shift_L, KEY_LEFTSHIFT, "Shift_L" },
    { GDK_KEY_Shift_R, KEY_RIGHTSHIFT, "Shift_R" },
    { GDK_KEY_Super_L, KEY_LEFTMETA, "Super_L" },
    { GDK_KEY_Super_R, KEY_RIGHTMETA, "Super_R" },
    { GDK_KEY_Meta_L, KEY_LEFTMETA, "Meta_L" },
    { GDK_KEY_Caps_Lock, KEY_CAPSLOCK, "Caps_Lock" },
    { GDK_KEY_Num_Lock, KEY_NUMLOCK, "Num_Lock" },
    { GDK_KEY_Scroll_Lock, KEY_SCROLLLOCK, "Scroll_Lock" },
    { GDK_KEY_Delete, 111, "Delete" },
    { GDK_KEY_BackSpace, 14, "BackSpace" },
    { GDK_KEY_Tab, KEY_TAB, "Tab" },
    { GDK_KEY_ISO_Left_Tab, KEY_TAB, "ISO_Left_Tab" },
    { GDK_KEY_Return, KEY_ENTER, "Return" },
    { GDK_KEY_Escape, KEY_ESC, "Escape" },
    { GDK_KEY_Print, 99, "Print" },
    { GDK_KEY_Sys_Req, KEY_SYSRQ, "Sys_Req" },
    { GDK_KEY_Pause, KEY_PAUSE, "Pause" },
    { GDK_KEY_Menu, KEY_COMPOSE, "Menu" },
    { GDK_KEY_Home, KEY_HOME, "Home" },
    { GDK_KEY_End, KEY_END, "End" },
    { GDK_KEY_Page_Up, KEY_PAGEUP, "Page_Up" },
    { GDK_KEY_Page_Down, KEY_PAGEDOWN, "Page_Down" },
    { GDK_KEY_Insert, KEY_INSERT, "Insert" },
    { GDK_KEY_Left, KEY_LEFT, "Left" },
    { GDK_KEY_Right, KEY_RIGHT, "Right" },
    { GDK_KEY_Up, KEY_UP, "Up" },
    { GDK_KEY_Down, KEY_DOWN, "Down" },
    { GDK_KEY_F1, 59, "F1" },
    { GDK_KEY_F10, KEY_F10, "F10" },
    { GDK_KEY_F11, KEY_F11, "F11" },
    { GDK_KEY_F12, 88, "F12" },
    { GDK_KEY_F13, KEY_F13, "F13" },
    { GDK_KEY_F24, KEY_F24, "F24" },
    { GDK_KEY_KP_Enter, KEY_KPENTER, "KP_Enter" },
    { GDK_KEY_KP_0, KEY_KP0, "KP_0" },
    { GDK_KEY_KP_9, KEY_KP9, "KP_9" },
    { GDK_KEY_KP_Home, KEY_KP7, "KP_Home" },
    { GDK_KEY_KP_Delete, KEY_KPDOT, "KP_Delete" },
    { GDK_KEY_KP_Divide, KEY_KPSLASH, "KP_Divide" },
    { GDK_KEY_KP_Multiply, KEY_KPASTERISK, "KP_Multiply" },
    { GDK_KEY_AudioMute, KEY_MUTE, "XF86AudioMute" },
    { GDK_KEY_AudioRaiseVolume, KEY_VOLUMEUP, "XF86AudioRaiseVolume" },
    { GDK_KEY_PowerOff, KEY_POWER, "XF86PowerOff" },
    { GDK_KEY_a, 30, "a" },
    { GDK_KEY_A, 30, "A" },
    { GDK_KEY_z, KEY_Z, "z" },
    { GDK_KEY_Q, KEY_Q, "Q" },
    { GDK_KEY_0, KEY_0, "0" },
    { GDK_KEY_1, KEY_1, "1" },
    { GDK_KEY_exclam, KEY_1, "exclam" },
    { GDK_KEY_at, KEY_2, "at" },
    { GDK_KEY_parenright, KEY_0, "parenright" },
    { GDK_KEY_space, KEY_SPACE, "space" },
    { GDK_KEY_grave, KEY_GRAVE, "grave" },
    { GDK_KEY_asciitilde, KEY_GRAVE, "asciitilde" },
    { GDK_KEY_minus, KEY_MINUS, "minus" },
    { GDK_KEY_underscore, KEY_MINUS, "underscore" },
    { GDK_KEY_equal, KEY_EQUAL, "equal" },
    { GDK_KEY_plus, KEY_EQUAL, "plus" },
    { GDK_KEY_bracketleft, KEY_LEFTBRACE, "bracketleft" },
    { GDK_KEY_braceright, KEY_RIGHTBRACE, "braceright" },
    { GDK_KEY_backslash, KEY_BACKSLASH, "backslash" },
    { GDK_KEY_bar, KEY_BACKSLASH, "bar" },
    { GDK_KEY_semicolon, KEY_SEMICOLON, "semicolon" },
    { GDK_KEY_colon, KEY_SEMICOLON, "colon" },
    { GDK_KEY_apostrophe, KEY_APOSTROPHE, "apostrophe" },
    { GDK_KEY_quotedbl, KEY_APOSTROPHE, "quotedbl" },
    { GDK_KEY_comma, KEY_COMMA, "comma" },
    { GDK_KEY_less, KEY_COMMA, "less" },
    { GDK_KEY_period, KEY_DOT, "period" },
    { GDK_KEY_greater, KEY_DOT, "greater" },
    { GDK_KEY_slash, KEY_SLASH, "slash" },
    { GDK_KEY_question, KEY_SLASH, "question" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keyvals); i++)
    {
      const Pair *pair = &keyvals[i];
      guint code = hangar_keymap_keyval_to_evdev (pair->code);

      if (code != pair->expected)
        g_error ("%s (keyval 0x%x): evdev %u, expected %u",
                 pair->name, pair->code, code, pair->expected);
    }
}

/* Every character a user can type on a US layout can be sent, and every key
 * the keyval table names has a scancode to send it with. */
static void
test_keyval_sendable (void)
{
  static const guint unknown[] = {
    0, GDK_KEY_VoidSymbol, GDK_KEY_eacute, GDK_KEY_EuroSign, GDK_KEY_dead_acute,
    GDK_KEY_Hyper_L, 0x7f /* DEL is not a keyval */, G_MAXUINT,
  };

  for (guint c = 0x20; c <= 0x7e; c++)
    {
      guint code = hangar_keymap_keyval_to_evdev (c);

      if (code == 0 || hangar_keymap_evdev_to_xt (code) == 0)
        g_error ("'%c' cannot be sent (evdev %u)", c, code);
    }
  for (guint keyval = 0xfe00; keyval <= 0xffff; keyval++)
    {
      guint code = hangar_keymap_keyval_to_evdev (keyval);

      if (code != 0 && hangar_keymap_evdev_to_xt (code) == 0)
        g_error ("keyval 0x%x gives evdev %u, which has no scancode", keyval, code);
    }
  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    g_assert_cmpuint (hangar_keymap_keyval_to_evdev (unknown[i]), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/keymap/documented", test_documented);
  g_test_add_func ("/hangar/keymap/round-trip", test_round_trip);
  g_test_add_func ("/hangar/keymap/shape", test_shape);
  g_test_add_func ("/hangar/keymap/unique", test_unique);
  g_test_add_func ("/hangar/keymap/inverse-aliases", test_inverse_aliases);
  g_test_add_func ("/hangar/keymap/unmapped", test_unmapped);
  g_test_add_func ("/hangar/keymap/keyval", test_keyval);
  g_test_add_func ("/hangar/keymap/keyval-sendable", test_keyval_sendable);

  return g_test_run ();
}
