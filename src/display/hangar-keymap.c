/* hangar-keymap.c
 *
 * The tables that turn the keys GTK reports into the PC scancodes the SPICE
 * inputs channel carries, and send-keys keyvals into keys.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-keymap"

#include <linux/input-event-codes.h>

#include "hangar-keymap.h"

/* Scancodes the keyboard sends after an E0 byte, in the form the SPICE
 * client library takes them (spice_make_scancode() turns 0x100 | code back
 * into E0 code on the wire). */
#define E0(code) (0x100 | (code))

/* Sources, checked key by key (facts only; the table is written here):
 *  - QEMU's keycodemapdb, data/keymaps.csv (commit 22b8996d, 2023-03-03),
 *    columns "Linux Keycode" and "AT set1 keycode". QEMU, the SPICE server,
 *    decodes what we send through that same table (its "qnum" map), and
 *    spice-gtk builds its own client table from it, so following it makes a
 *    guest see exactly what it sees from virt-viewer or QEMU's own windows.
 *  - spice-gtk's channel-inputs.c and spice-util.c (spice_make_scancode()) for
 *    the 0x100 | code convention, and spice-widget.c for how Pause is sent.
 *  - QEMU's ui/spice-input.c (bit 7 of each byte is read as key release) and
 *    hw/input/ps2.c (Hanja/Hangeul press only, Print Screen re-expanded).
 *  - Microsoft's "Keyboard Scan Code Specification" for what PC hardware
 *    sends for Print Screen, Pause and the Korean keys.
 *
 * Where this table leaves keycodemapdb, and why:
 *  - KEY_SYSRQ is E0 37, what the Print Screen key sends, not 0x54, what the
 *    same key sends only while Alt is held. QEMU accepts E0 37 as the same key
 *    (keymap-gen keeps 0xb7 as an alias of 0x54), and Windows guests only see
 *    Print Screen for E0 37.
 *  - KEY_PAUSE is HANGAR_KEYMAP_PAUSE, not E0 46 (what Ctrl+Pause sends), so
 *    the caller sends the real E1 sequence.
 *  - KEY_HANGEUL and KEY_HANJA are 0x72 and 0x71, not 0xf2 and 0xf1. The real
 *    keys send 0xf2/0xf1 on press only, but SPICE has no way to say "press"
 *    with bit 7 set: spice_make_scancode() ORs 0x80 into a release, so 0xf2
 *    would reach QEMU as a release and be dropped. QEMU's own number for these
 *    keys is 0x72/0x71 and its PS/2 model sends 0xf2/0xf1 for that press.
 *  - F13–F24 follow keycodemapdb (F13 is 0x5d, F24 0x6f), not the Microsoft
 *    table's 0x64–0x6e and 0x76: QEMU reads 0x64 as KEY_OPEN and 0x76 as
 *    Zenkaku/Hankaku, which would reach a USB or virtio keyboard as those keys.
 */
static const guint16 evdev_to_xt[] = {
  /* Linux numbered the keys of the 83-key XT keyboard after their scancodes,
   * so the first block is the identity. */
  [KEY_ESC] = 0x01,
  [KEY_1] = 0x02, [KEY_2] = 0x03, [KEY_3] = 0x04, [KEY_4] = 0x05, [KEY_5] = 0x06,
  [KEY_6] = 0x07, [KEY_7] = 0x08, [KEY_8] = 0x09, [KEY_9] = 0x0a, [KEY_0] = 0x0b,
  [KEY_MINUS] = 0x0c, [KEY_EQUAL] = 0x0d, [KEY_BACKSPACE] = 0x0e,
  [KEY_TAB] = 0x0f,
  [KEY_Q] = 0x10, [KEY_W] = 0x11, [KEY_E] = 0x12, [KEY_R] = 0x13, [KEY_T] = 0x14,
  [KEY_Y] = 0x15, [KEY_U] = 0x16, [KEY_I] = 0x17, [KEY_O] = 0x18, [KEY_P] = 0x19,
  [KEY_LEFTBRACE] = 0x1a, [KEY_RIGHTBRACE] = 0x1b, [KEY_ENTER] = 0x1c,
  [KEY_LEFTCTRL] = 0x1d,
  [KEY_A] = 0x1e, [KEY_S] = 0x1f, [KEY_D] = 0x20, [KEY_F] = 0x21, [KEY_G] = 0x22,
  [KEY_H] = 0x23, [KEY_J] = 0x24, [KEY_K] = 0x25, [KEY_L] = 0x26,
  [KEY_SEMICOLON] = 0x27, [KEY_APOSTROPHE] = 0x28, [KEY_GRAVE] = 0x29,
  [KEY_LEFTSHIFT] = 0x2a, [KEY_BACKSLASH] = 0x2b,
  [KEY_Z] = 0x2c, [KEY_X] = 0x2d, [KEY_C] = 0x2e, [KEY_V] = 0x2f, [KEY_B] = 0x30,
  [KEY_N] = 0x31, [KEY_M] = 0x32,
  [KEY_COMMA] = 0x33, [KEY_DOT] = 0x34, [KEY_SLASH] = 0x35, [KEY_RIGHTSHIFT] = 0x36,
  [KEY_KPASTERISK] = 0x37, [KEY_LEFTALT] = 0x38, [KEY_SPACE] = 0x39,
  [KEY_CAPSLOCK] = 0x3a,
  [KEY_F1] = 0x3b, [KEY_F2] = 0x3c, [KEY_F3] = 0x3d, [KEY_F4] = 0x3e, [KEY_F5] = 0x3f,
  [KEY_F6] = 0x40, [KEY_F7] = 0x41, [KEY_F8] = 0x42, [KEY_F9] = 0x43, [KEY_F10] = 0x44,
  [KEY_NUMLOCK] = 0x45, [KEY_SCROLLLOCK] = 0x46,
  [KEY_KP7] = 0x47, [KEY_KP8] = 0x48, [KEY_KP9] = 0x49, [KEY_KPMINUS] = 0x4a,
  [KEY_KP4] = 0x4b, [KEY_KP5] = 0x4c, [KEY_KP6] = 0x4d, [KEY_KPPLUS] = 0x4e,
  [KEY_KP1] = 0x4f, [KEY_KP2] = 0x50, [KEY_KP3] = 0x51,
  [KEY_KP0] = 0x52, [KEY_KPDOT] = 0x53,

  /* The 102-key additions and the Japanese, Korean and Brazilian keys. */
  [KEY_ZENKAKUHANKAKU] = 0x76,
  [KEY_102ND] = 0x56,
  [KEY_F11] = 0x57,
  [KEY_F12] = 0x58,
  [KEY_RO] = 0x73,
  [KEY_KATAKANA] = 0x78,
  [KEY_HIRAGANA] = 0x77,
  [KEY_HENKAN] = 0x79,
  [KEY_KATAKANAHIRAGANA] = 0x70,
  [KEY_MUHENKAN] = 0x7b,
  [KEY_KPJPCOMMA] = 0x5c,
  [KEY_KPEQUAL] = 0x59,
  [KEY_KPCOMMA] = 0x7e,
  [KEY_HANGEUL] = 0x72,
  [KEY_HANJA] = 0x71,
  [KEY_YEN] = 0x7d,
  [KEY_LINEFEED] = 0x5b,

  /* The keys the 101-key keyboard added twice over, told apart by E0. */
  [KEY_KPENTER] = E0 (0x1c),
  [KEY_RIGHTCTRL] = E0 (0x1d),
  [KEY_KPSLASH] = E0 (0x35),
  [KEY_SYSRQ] = E0 (0x37),
  [KEY_RIGHTALT] = E0 (0x38),
  [KEY_HOME] = E0 (0x47),
  [KEY_UP] = E0 (0x48),
  [KEY_PAGEUP] = E0 (0x49),
  [KEY_LEFT] = E0 (0x4b),
  [KEY_RIGHT] = E0 (0x4d),
  [KEY_END] = E0 (0x4f),
  [KEY_DOWN] = E0 (0x50),
  [KEY_PAGEDOWN] = E0 (0x51),
  [KEY_INSERT] = E0 (0x52),
  [KEY_DELETE] = E0 (0x53),
  [KEY_LEFTMETA] = E0 (0x5b),
  [KEY_RIGHTMETA] = E0 (0x5c),
  [KEY_COMPOSE] = E0 (0x5d),

  /* Not a scancode: see HANGAR_KEYMAP_PAUSE, special-cased below. */
  [KEY_PAUSE] = 0,

  /* ACPI keys. */
  [KEY_POWER] = E0 (0x5e),
  [KEY_SLEEP] = E0 (0x5f),
  [KEY_WAKEUP] = E0 (0x63),

  /* F13–F24, as keycodemapdb has them (see above). */
  [KEY_F13] = 0x5d,
  [KEY_F14] = 0x5e,
  [KEY_F15] = 0x5f,
  [KEY_F16] = 0x55,
  [KEY_F17] = E0 (0x03),
  [KEY_F18] = E0 (0x77),
  [KEY_F19] = E0 (0x04),
  [KEY_F20] = 0x5a,
  [KEY_F21] = 0x74,
  [KEY_F22] = E0 (0x79),
  [KEY_F23] = 0x6d,
  [KEY_F24] = 0x6f,

  /* Multimedia and internet keyboards, and laptop hotkeys. */
  [KEY_MACRO] = E0 (0x6f),
  [KEY_MUTE] = E0 (0x20),
  [KEY_VOLUMEDOWN] = E0 (0x2e),
  [KEY_VOLUMEUP] = E0 (0x30),
  [KEY_KPPLUSMINUS] = E0 (0x4e),
  [KEY_SCALE] = E0 (0x0b),
  [KEY_STOP] = E0 (0x68),
  [KEY_AGAIN] = E0 (0x05),
  [KEY_PROPS] = E0 (0x06),
  [KEY_UNDO] = E0 (0x07),
  [KEY_FRONT] = E0 (0x0c),
  [KEY_COPY] = E0 (0x78),
  [KEY_OPEN] = 0x64,
  [KEY_PASTE] = 0x65,
  [KEY_FIND] = E0 (0x41),
  [KEY_CUT] = E0 (0x3c),
  [KEY_HELP] = E0 (0x75),
  [KEY_MENU] = E0 (0x1e),
  [KEY_CALC] = E0 (0x21),
  [KEY_SETUP] = 0x66,
  [KEY_FILE] = 0x67,
  [KEY_SENDFILE] = 0x68,
  [KEY_DELETEFILE] = 0x69,
  [KEY_XFER] = E0 (0x13),
  [KEY_PROG1] = E0 (0x1f),
  [KEY_PROG2] = E0 (0x17),
  [KEY_WWW] = E0 (0x02),
  [KEY_MSDOS] = 0x6a,
  [KEY_SCREENLOCK] = E0 (0x12),
  [KEY_DIRECTION] = 0x6b,
  [KEY_CYCLEWINDOWS] = E0 (0x26),
  [KEY_MAIL] = E0 (0x6c),
  [KEY_BOOKMARKS] = E0 (0x66),
  [KEY_COMPUTER] = E0 (0x6b),
  [KEY_BACK] = E0 (0x6a),
  [KEY_FORWARD] = E0 (0x69),
  [KEY_CLOSECD] = E0 (0x23),
  [KEY_EJECTCD] = 0x6c,
  [KEY_EJECTCLOSECD] = E0 (0x7d),
  [KEY_NEXTSONG] = E0 (0x19),
  [KEY_PLAYPAUSE] = E0 (0x22),
  [KEY_PREVIOUSSONG] = E0 (0x10),
  [KEY_STOPCD] = E0 (0x24),
  [KEY_RECORD] = E0 (0x31),
  [KEY_REWIND] = E0 (0x18),
  [KEY_PHONE] = 0x63,
  [KEY_CONFIG] = E0 (0x01),
  [KEY_HOMEPAGE] = E0 (0x32),
  [KEY_REFRESH] = E0 (0x67),
  [KEY_EDIT] = E0 (0x08),
  [KEY_SCROLLUP] = 0x75,
  [KEY_SCROLLDOWN] = E0 (0x0f),
  [KEY_KPLEFTPAREN] = E0 (0x76),
  [KEY_KPRIGHTPAREN] = E0 (0x7b),
  [KEY_NEW] = E0 (0x09),
  [KEY_REDO] = E0 (0x0a),
  [KEY_PLAYCD] = E0 (0x28),
  [KEY_PAUSECD] = E0 (0x29),
  [KEY_PROG3] = E0 (0x2b),
  [KEY_PROG4] = E0 (0x2c),
  [KEY_DASHBOARD] = E0 (0x2d),
  [KEY_SUSPEND] = E0 (0x25),
  [KEY_CLOSE] = E0 (0x2f),
  [KEY_PLAY] = E0 (0x33),
  [KEY_FASTFORWARD] = E0 (0x34),
  [KEY_BASSBOOST] = E0 (0x36),
  [KEY_PRINT] = E0 (0x39),
  [KEY_HP] = E0 (0x3a),
  [KEY_CAMERA] = E0 (0x3b),
  [KEY_SOUND] = E0 (0x3d),
  [KEY_QUESTION] = E0 (0x3e),
  [KEY_EMAIL] = E0 (0x3f),
  [KEY_CHAT] = E0 (0x40),
  [KEY_SEARCH] = E0 (0x65),
  [KEY_CONNECT] = E0 (0x42),
  [KEY_FINANCE] = E0 (0x43),
  [KEY_SPORT] = E0 (0x44),
  [KEY_SHOP] = E0 (0x45),
  [KEY_ALTERASE] = E0 (0x14),
  [KEY_CANCEL] = E0 (0x4a),
  [KEY_BRIGHTNESSDOWN] = E0 (0x4c),
  [KEY_BRIGHTNESSUP] = E0 (0x54),
  [KEY_MEDIA] = E0 (0x6d),
  [KEY_SWITCHVIDEOMODE] = E0 (0x56),
  [KEY_KBDILLUMTOGGLE] = E0 (0x57),
  [KEY_KBDILLUMDOWN] = E0 (0x58),
  [KEY_KBDILLUMUP] = E0 (0x59),
  [KEY_SEND] = E0 (0x5a),
  [KEY_REPLY] = E0 (0x64),
  [KEY_FORWARDMAIL] = E0 (0x0e),
  [KEY_SAVE] = E0 (0x55),
  [KEY_DOCUMENTS] = E0 (0x70),
  [KEY_BATTERY] = E0 (0x71),
  [KEY_BLUETOOTH] = E0 (0x72),
  [KEY_WLAN] = E0 (0x73),
  [KEY_UWB] = E0 (0x74),
};

guint
hangar_keymap_evdev_to_xt (guint evdev_code)
{
  if (evdev_code == KEY_PAUSE)
    return HANGAR_KEYMAP_PAUSE;
  if (evdev_code >= G_N_ELEMENTS (evdev_to_xt))
    return 0;
  return evdev_to_xt[evdev_code];
}

guint
hangar_keymap_xt_to_evdev (guint xt)
{
  /* Other codes real keyboards send for keys the table gives one code. */
  switch (xt)
    {
    case 0:
      /* Every unmapped slot of the table holds 0. */
      return 0;
    case HANGAR_KEYMAP_PAUSE:
    case E0 (0x46):
      return KEY_PAUSE;
    case 0x54:
      return KEY_SYSRQ;
    case 0xf1:
      return KEY_HANJA;
    case 0xf2:
      return KEY_HANGEUL;
    default:
      break;
    }

  /* A linear scan of 240 entries: this serves tests and send-keys, never a
   * key event, so it is not worth a second table to keep in step. */
  for (guint i = 0; i < G_N_ELEMENTS (evdev_to_xt); i++)
    {
      if (evdev_to_xt[i] == xt)
        return i;
    }

  return 0;
}

typedef struct
{
  guint   keyval;
  guint16 evdev_code;
} KeyvalKey;

/* Keyvals outside Latin-1, as X11's keysymdef.h and GDK's gdkkeysyms.h number
 * them (numbers, so that this file needs no GTK headers; the tests check them
 * against GDK's names). */
static const KeyvalKey keyval_keys[] = {
  { 0xffe1, KEY_LEFTSHIFT },      /* Shift_L */
  { 0xffe2, KEY_RIGHTSHIFT },     /* Shift_R */
  { 0xffe3, KEY_LEFTCTRL },       /* Control_L */
  { 0xffe4, KEY_RIGHTCTRL },      /* Control_R */
  { 0xffe5, KEY_CAPSLOCK },       /* Caps_Lock */
  { 0xffe7, KEY_LEFTMETA },       /* Meta_L */
  { 0xffe8, KEY_RIGHTMETA },      /* Meta_R */
  { 0xffe9, KEY_LEFTALT },        /* Alt_L */
  { 0xffea, KEY_RIGHTALT },       /* Alt_R */
  { 0xffeb, KEY_LEFTMETA },       /* Super_L */
  { 0xffec, KEY_RIGHTMETA },      /* Super_R */
  { 0xfe03, KEY_RIGHTALT },       /* ISO_Level3_Shift, what AltGr gives */
  { 0xff7f, KEY_NUMLOCK },        /* Num_Lock */
  { 0xff14, KEY_SCROLLLOCK },     /* Scroll_Lock */

  { 0xff1b, KEY_ESC },            /* Escape */
  { 0xff08, KEY_BACKSPACE },      /* BackSpace */
  { 0xff09, KEY_TAB },            /* Tab */
  { 0xfe20, KEY_TAB },            /* ISO_Left_Tab, what Shift+Tab gives */
  { 0xff0d, KEY_ENTER },          /* Return */
  { 0xff61, KEY_SYSRQ },          /* Print */
  { 0xff15, KEY_SYSRQ },          /* Sys_Req */
  { 0xff13, KEY_PAUSE },          /* Pause */
  { 0xff67, KEY_COMPOSE },        /* Menu */

  { 0xff50, KEY_HOME },           /* Home */
  { 0xff51, KEY_LEFT },           /* Left */
  { 0xff52, KEY_UP },             /* Up */
  { 0xff53, KEY_RIGHT },          /* Right */
  { 0xff54, KEY_DOWN },           /* Down */
  { 0xff55, KEY_PAGEUP },         /* Page_Up */
  { 0xff56, KEY_PAGEDOWN },       /* Page_Down */
  { 0xff57, KEY_END },            /* End */
  { 0xff63, KEY_INSERT },         /* Insert */
  { 0xffff, KEY_DELETE },         /* Delete */

  { 0xffbe, KEY_F1 },             /* F1 */
  { 0xffbf, KEY_F2 },
  { 0xffc0, KEY_F3 },
  { 0xffc1, KEY_F4 },
  { 0xffc2, KEY_F5 },
  { 0xffc3, KEY_F6 },
  { 0xffc4, KEY_F7 },
  { 0xffc5, KEY_F8 },
  { 0xffc6, KEY_F9 },
  { 0xffc7, KEY_F10 },
  { 0xffc8, KEY_F11 },
  { 0xffc9, KEY_F12 },
  { 0xffca, KEY_F13 },
  { 0xffcb, KEY_F14 },
  { 0xffcc, KEY_F15 },
  { 0xffcd, KEY_F16 },
  { 0xffce, KEY_F17 },
  { 0xffcf, KEY_F18 },
  { 0xffd0, KEY_F19 },
  { 0xffd1, KEY_F20 },
  { 0xffd2, KEY_F21 },
  { 0xffd3, KEY_F22 },
  { 0xffd4, KEY_F23 },
  { 0xffd5, KEY_F24 },            /* F24 */

  /* The keypad, with Num Lock on and off. */
  { 0xff8d, KEY_KPENTER },        /* KP_Enter */
  { 0xffaa, KEY_KPASTERISK },     /* KP_Multiply */
  { 0xffab, KEY_KPPLUS },         /* KP_Add */
  { 0xffad, KEY_KPMINUS },        /* KP_Subtract */
  { 0xffae, KEY_KPDOT },          /* KP_Decimal */
  { 0xffaf, KEY_KPSLASH },        /* KP_Divide */
  { 0xffbd, KEY_KPEQUAL },        /* KP_Equal */
  { 0xffb0, KEY_KP0 },            /* KP_0 */
  { 0xffb1, KEY_KP1 },
  { 0xffb2, KEY_KP2 },
  { 0xffb3, KEY_KP3 },
  { 0xffb4, KEY_KP4 },
  { 0xffb5, KEY_KP5 },
  { 0xffb6, KEY_KP6 },
  { 0xffb7, KEY_KP7 },
  { 0xffb8, KEY_KP8 },
  { 0xffb9, KEY_KP9 },            /* KP_9 */
  { 0xff95, KEY_KP7 },            /* KP_Home */
  { 0xff96, KEY_KP4 },            /* KP_Left */
  { 0xff97, KEY_KP8 },            /* KP_Up */
  { 0xff98, KEY_KP6 },            /* KP_Right */
  { 0xff99, KEY_KP2 },            /* KP_Down */
  { 0xff9a, KEY_KP9 },            /* KP_Page_Up */
  { 0xff9b, KEY_KP3 },            /* KP_Page_Down */
  { 0xff9c, KEY_KP1 },            /* KP_End */
  { 0xff9d, KEY_KP5 },            /* KP_Begin */
  { 0xff9e, KEY_KP0 },            /* KP_Insert */
  { 0xff9f, KEY_KPDOT },          /* KP_Delete */

  /* XF86 keys a guest may need sent when the host keeps them for itself. */
  { 0x1008ff12, KEY_MUTE },         /* XF86AudioMute */
  { 0x1008ff11, KEY_VOLUMEDOWN },   /* XF86AudioLowerVolume */
  { 0x1008ff13, KEY_VOLUMEUP },     /* XF86AudioRaiseVolume */
  { 0x1008ff14, KEY_PLAYPAUSE },    /* XF86AudioPlay */
  { 0x1008ff15, KEY_STOPCD },       /* XF86AudioStop */
  { 0x1008ff16, KEY_PREVIOUSSONG }, /* XF86AudioPrev */
  { 0x1008ff17, KEY_NEXTSONG },     /* XF86AudioNext */
  { 0x1008ff2a, KEY_POWER },        /* XF86PowerOff */
  { 0x1008ff2f, KEY_SLEEP },        /* XF86Sleep */
  { 0x1008ff2b, KEY_WAKEUP },       /* XF86WakeUp */
};

/* Latin-1 keyvals equal their character codes, so the printable ASCII range
 * is indexed by character: the key that types it on a US layout, shifted or
 * not. */
static const guint8 ascii_keys[0x7f] = {
  [' '] = KEY_SPACE,
  ['a'] = KEY_A, ['b'] = KEY_B, ['c'] = KEY_C, ['d'] = KEY_D, ['e'] = KEY_E,
  ['f'] = KEY_F, ['g'] = KEY_G, ['h'] = KEY_H, ['i'] = KEY_I, ['j'] = KEY_J,
  ['k'] = KEY_K, ['l'] = KEY_L, ['m'] = KEY_M, ['n'] = KEY_N, ['o'] = KEY_O,
  ['p'] = KEY_P, ['q'] = KEY_Q, ['r'] = KEY_R, ['s'] = KEY_S, ['t'] = KEY_T,
  ['u'] = KEY_U, ['v'] = KEY_V, ['w'] = KEY_W, ['x'] = KEY_X, ['y'] = KEY_Y,
  ['z'] = KEY_Z,
  ['A'] = KEY_A, ['B'] = KEY_B, ['C'] = KEY_C, ['D'] = KEY_D, ['E'] = KEY_E,
  ['F'] = KEY_F, ['G'] = KEY_G, ['H'] = KEY_H, ['I'] = KEY_I, ['J'] = KEY_J,
  ['K'] = KEY_K, ['L'] = KEY_L, ['M'] = KEY_M, ['N'] = KEY_N, ['O'] = KEY_O,
  ['P'] = KEY_P, ['Q'] = KEY_Q, ['R'] = KEY_R, ['S'] = KEY_S, ['T'] = KEY_T,
  ['U'] = KEY_U, ['V'] = KEY_V, ['W'] = KEY_W, ['X'] = KEY_X, ['Y'] = KEY_Y,
  ['Z'] = KEY_Z,
  ['1'] = KEY_1, ['2'] = KEY_2, ['3'] = KEY_3, ['4'] = KEY_4, ['5'] = KEY_5,
  ['6'] = KEY_6, ['7'] = KEY_7, ['8'] = KEY_8, ['9'] = KEY_9, ['0'] = KEY_0,
  ['!'] = KEY_1, ['@'] = KEY_2, ['#'] = KEY_3, ['$'] = KEY_4, ['%'] = KEY_5,
  ['^'] = KEY_6, ['&'] = KEY_7, ['*'] = KEY_8, ['('] = KEY_9, [')'] = KEY_0,
  ['`'] = KEY_GRAVE, ['~'] = KEY_GRAVE,
  ['-'] = KEY_MINUS, ['_'] = KEY_MINUS,
  ['='] = KEY_EQUAL, ['+'] = KEY_EQUAL,
  ['['] = KEY_LEFTBRACE, ['{'] = KEY_LEFTBRACE,
  [']'] = KEY_RIGHTBRACE, ['}'] = KEY_RIGHTBRACE,
  ['\\'] = KEY_BACKSLASH, ['|'] = KEY_BACKSLASH,
  [';'] = KEY_SEMICOLON, [':'] = KEY_SEMICOLON,
  ['\''] = KEY_APOSTROPHE, ['"'] = KEY_APOSTROPHE,
  [','] = KEY_COMMA, ['<'] = KEY_COMMA,
  ['.'] = KEY_DOT, ['>'] = KEY_DOT,
  ['/'] = KEY_SLASH, ['?'] = KEY_SLASH,
};

guint
hangar_keymap_keyval_to_evdev (guint keyval)
{
  if (keyval < G_N_ELEMENTS (ascii_keys))
    return ascii_keys[keyval];

  for (guint i = 0; i < G_N_ELEMENTS (keyval_keys); i++)
    {
      if (keyval_keys[i].keyval == keyval)
        return keyval_keys[i].evdev_code;
    }

  return 0;
}
