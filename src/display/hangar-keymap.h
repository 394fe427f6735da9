/* hangar-keymap.h
 *
 * Translation of Linux evdev key codes, PC XT scancodes and keyvals for the
 * SPICE inputs channel.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * HANGAR_KEYMAP_PAUSE:
 *
 * What [func@keymap_evdev_to_xt] returns for `KEY_PAUSE`. Pause has no
 * scancode of its own: a PC keyboard sends `E1 1D 45 E1 9D C5` when it is
 * pressed and nothing when it is released, so the caller sends that sequence
 * on press and nothing on release. The value spells the first three bytes and
 * is far above any real scancode, so it cannot be confused with one.
 */
#define HANGAR_KEYMAP_PAUSE 0xe11d45

/**
 * hangar_keymap_evdev_to_xt:
 * @evdev_code: a Linux evdev key code (`KEY_*` in `linux/input-event-codes.h`)
 *
 * Finds the XT (PC AT set 1) scancode of a key, in the form
 * `spice_inputs_channel_key_press()` takes: `0x01`–`0x7f` for plain keys and
 * `0x100 | code` for keys sent with the `E0` prefix.
 *
 * Returns: the scancode, %HANGAR_KEYMAP_PAUSE for `KEY_PAUSE`, or 0 when the
 *   key has no scancode
 */
guint hangar_keymap_evdev_to_xt     (guint evdev_code);

/**
 * hangar_keymap_xt_to_evdev:
 * @xt: a scancode in the form [func@keymap_evdev_to_xt] returns
 *
 * The inverse of [func@keymap_evdev_to_xt], for tests and for sending keys
 * named by scancode. It also accepts the other codes real keyboards send for
 * a few keys: `0x54` (Alt+SysRq) and `E0 46` (Ctrl+Break) for SysRq and Pause,
 * and `0xf1`/`0xf2` for Hanja and Hangeul.
 *
 * Returns: the evdev key code, or 0 when the scancode is unknown
 */
guint hangar_keymap_xt_to_evdev     (guint xt);

/**
 * hangar_keymap_keyval_to_evdev:
 * @keyval: a GDK keyval
 *
 * Finds the key that types @keyval on a US layout, for sending keys when the
 * host's keymap cannot map a keyval: modifiers, function, editing and
 * navigation keys, the keypad, letters, digits, space and US punctuation.
 * Shifted symbols give their unshifted key (`A` and `a` both give `KEY_A`,
 * `!` gives `KEY_1`); pressing Shift is up to the caller.
 *
 * Returns: the evdev key code, or 0 when @keyval is unknown
 */
guint hangar_keymap_keyval_to_evdev (guint keyval);

G_END_DECLS
