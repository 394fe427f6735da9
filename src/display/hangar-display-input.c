/* hangar-display-input.c
 *
 * Keyboard and pointer for HangarDisplay: GTK events in, SPICE input out.
 *
 * Keys travel as positions, never as characters: GDK's hardware keycode is the
 * evdev code + 8 on Linux (X11 and Wayland alike), the keymap turns that into
 * a PC AT scancode, and the guest's own layout decides what it means. The
 * pointer is absolute when the guest has a tablet or agent (SPICE client
 * mode) and relative with a grab otherwise.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-display"

#include "config.h"

#include <linux/input-event-codes.h>
#include <math.h>
#include <string.h>

#include "hangar-display-private.h"
#include "hangar-keymap.h"

static gboolean
is_pressed (HangarDisplay *self,
            guint          code)
{
  return code < HANGAR_DISPLAY_MAX_KEYS && (self->pressed[code / 8] & (1u << (code % 8))) != 0;
}

static void
set_pressed (HangarDisplay *self,
             guint          code,
             gboolean       pressed)
{
  if (code >= HANGAR_DISPLAY_MAX_KEYS)
    return;
  if (pressed)
    self->pressed[code / 8] |= (guint8) (1u << (code % 8));
  else
    self->pressed[code / 8] &= (guint8) ~(1u << (code % 8));
}

/* Pause is the one key whose PC scancodes (E1 1D 45 E1 9D C5, press only)
 * SPICE cannot carry. QEMU, the SPICE server, numbers it E0 46 (its "qnum")
 * and makes the guest's keyboard send the real sequence itself. */
static void
send_pause (HangarDisplay *self)
{
  spice_inputs_channel_key_press (self->inputs, 0x100 | 0x46);
  spice_inputs_channel_key_release (self->inputs, 0x100 | 0x46);
  self->keys_sent++;
}

void
hangar_display_press_evdev (HangarDisplay *self,
                            guint          code,
                            gboolean       press)
{
  guint xt = hangar_keymap_evdev_to_xt (code);

  if (self->inputs == NULL || xt == 0 || code >= HANGAR_DISPLAY_MAX_KEYS)
    return;

  if (xt == HANGAR_KEYMAP_PAUSE)
    {
      if (press)
        send_pause (self);
      return;
    }

  if (press)
    {
      set_pressed (self, code, TRUE);
      spice_inputs_channel_key_press (self->inputs, xt);
    }
  else
    {
      if (!is_pressed (self, code))
        return;
      set_pressed (self, code, FALSE);
      spice_inputs_channel_key_release (self->inputs, xt);
    }
  self->keys_sent++;
}

/* Leaves no key held down in the guest (focus lost, grab released). */
void
hangar_display_release_all_keys (HangarDisplay *self)
{
  for (guint code = 0; code < HANGAR_DISPLAY_MAX_KEYS; code++)
    if (is_pressed (self, code))
      hangar_display_press_evdev (self, code, FALSE);
  memset (self->pressed, 0, sizeof self->pressed);
  self->release_armed = FALSE;
}

void
hangar_display_sync_locks (HangarDisplay *self)
{
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (GTK_WIDGET (self)));
  GdkDevice *keyboard = seat != NULL ? gdk_seat_get_keyboard (seat) : NULL;
  guint locks = 0;

  if (self->inputs == NULL || keyboard == NULL)
    return;

  if (gdk_device_get_caps_lock_state (keyboard))
    locks |= SPICE_INPUTS_CAPS_LOCK;
  if (gdk_device_get_num_lock_state (keyboard))
    locks |= SPICE_INPUTS_NUM_LOCK;
  if (gdk_device_get_scroll_lock_state (keyboard))
    locks |= SPICE_INPUTS_SCROLL_LOCK;
  spice_inputs_channel_set_key_locks (self->inputs, locks);
}

static guint
evdev_from_keycode (guint keycode)
{
  return keycode >= 8 ? keycode - 8 : 0;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HangarDisplay         *self)
{
  guint code = evdev_from_keycode (keycode);

  if (!self->keyboard_grabbed)
    return GDK_EVENT_PROPAGATE;

  /* Left Ctrl + left Alt gives keyboard and pointer back to the desktop. The
   * first of the two has reached the guest already; releasing the grab
   * releases it there too. */
  if ((code == KEY_LEFTCTRL && is_pressed (self, KEY_LEFTALT)) ||
      (code == KEY_LEFTALT && is_pressed (self, KEY_LEFTCTRL)))
    {
      hangar_display_set_grabs (self, FALSE, FALSE);
      return GDK_EVENT_STOP;
    }

  hangar_display_press_evdev (self, code, TRUE);
  return GDK_EVENT_STOP;
}

static void
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 HangarDisplay         *self)
{
  hangar_display_press_evdev (self, evdev_from_keycode (keycode), FALSE);
}

/* Whether the focus moved to another widget of the window (Tab, a click on
 * a button) rather than the window losing the focus (it keeps the display
 * as its focus widget then) or a menu opening for a while (the focus comes
 * back when it closes). */
static gboolean
focus_moved_away (HangarDisplay *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && focus != GTK_WIDGET (self) &&
         gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) == NULL;
}

/* The keyboard goes to the guest when the user moves the focus into the
 * display (Tab), not when the application puts it there
 * (hangar_display_focus()); a window coming back to the front gives the
 * guest the keyboard only if it had it when the window went. */
static void
on_focus_enter (GtkEventControllerFocus *controller,
                HangarDisplay           *self)
{
  if (self->grab_on_focus)
    hangar_display_set_grabs (self, TRUE, self->pointer_grabbed);
}

/* Shown anew (its page opened): GTK may hand it the focus by itself, which
 * is not the user's move into it. */
static void
on_map (HangarDisplay *self)
{
  self->grab_on_focus = FALSE;
}

static void
on_focus_leave (GtkEventControllerFocus *controller,
                HangarDisplay           *self)
{
  self->grab_on_focus = focus_moved_away (self) || self->keyboard_grabbed;
  hangar_display_set_grabs (self, FALSE, FALSE);
}

/* Pointer ****************************************************************/

static void
button_to_spice (guint  gdk_button,
                 int   *button,
                 guint *mask)
{
  switch (gdk_button)
    {
    case GDK_BUTTON_PRIMARY:
      *button = SPICE_MOUSE_BUTTON_LEFT;
      *mask = SPICE_MOUSE_BUTTON_MASK_LEFT;
      break;
    case GDK_BUTTON_MIDDLE:
      *button = SPICE_MOUSE_BUTTON_MIDDLE;
      *mask = SPICE_MOUSE_BUTTON_MASK_MIDDLE;
      break;
    case GDK_BUTTON_SECONDARY:
      *button = SPICE_MOUSE_BUTTON_RIGHT;
      *mask = SPICE_MOUSE_BUTTON_MASK_RIGHT;
      break;
    case 8:
      *button = SPICE_MOUSE_BUTTON_SIDE;
      *mask = SPICE_MOUSE_BUTTON_MASK_SIDE;
      break;
    case 9:
      *button = SPICE_MOUSE_BUTTON_EXTRA;
      *mask = SPICE_MOUSE_BUTTON_MASK_EXTRA;
      break;
    default:
      *button = 0;
      *mask = 0;
      break;
    }
}

static void
send_motion (HangarDisplay *self,
             double         x,
             double         y)
{
  int gx, gy;

  if (self->inputs == NULL)
    return;

  if (self->mouse_mode == SPICE_MOUSE_MODE_CLIENT)
    {
      if (!hangar_display_widget_to_guest (self, x, y, &gx, &gy))
        {
          graphene_rect_t area;

          /* Dragging out of the frame keeps the guest's pointer on its edge. */
          if (self->button_mask == 0 || !hangar_display_get_guest_area (self, &area))
            return;
          x = CLAMP (x, area.origin.x, area.origin.x + area.size.width - 0.01);
          y = CLAMP (y, area.origin.y, area.origin.y + area.size.height - 0.01);
          if (!hangar_display_widget_to_guest (self, x, y, &gx, &gy))
            return;
        }
      spice_inputs_channel_position (self->inputs, gx, gy, 0, (int) self->button_mask);
    }
  else if (self->pointer_grabbed)
    {
      double scale = hangar_display_get_scale (self);
      int dx, dy;

      if (!self->have_last)
        {
          self->last_x = x;
          self->last_y = y;
          self->have_last = TRUE;
          return;
        }
      /* Guest pixels, keeping the fractions so slow motion is not lost. */
      self->rel_rest_x += (x - self->last_x) / scale;
      self->rel_rest_y += (y - self->last_y) / scale;
      self->last_x = x;
      self->last_y = y;
      dx = (int) trunc (self->rel_rest_x);
      dy = (int) trunc (self->rel_rest_y);
      self->rel_rest_x -= dx;
      self->rel_rest_y -= dy;
      if (dx != 0 || dy != 0)
        spice_inputs_channel_motion (self->inputs, dx, dy, (int) self->button_mask);
    }
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           HangarDisplay            *self)
{
  send_motion (self, x, y);
}

static void
on_pointer_leave (GtkEventControllerMotion *controller,
                  HangarDisplay            *self)
{
  self->have_last = FALSE;
}

static gboolean
on_legacy_event (GtkEventControllerLegacy *controller,
                 GdkEvent                 *event,
                 HangarDisplay            *self)
{
  GdkEventType type = gdk_event_get_event_type (event);
  int button;
  guint mask;

  if (type != GDK_BUTTON_PRESS && type != GDK_BUTTON_RELEASE)
    return GDK_EVENT_PROPAGATE;

  button_to_spice (gdk_button_event_get_button (event), &button, &mask);

  if (type == GDK_BUTTON_PRESS)
    {
      /* A click into the display takes the keyboard; in relative mode the
       * first click only takes the pointer, it does not reach the guest. */
      if (!self->keyboard_grabbed)
        hangar_display_grab (self);
      if (self->mouse_mode != SPICE_MOUSE_MODE_CLIENT && !self->pointer_grabbed)
        {
          hangar_display_set_grabs (self, TRUE, TRUE);
          return GDK_EVENT_STOP;
        }
      if (button == 0 || self->inputs == NULL)
        return GDK_EVENT_STOP;
      self->button_mask |= mask;
      spice_inputs_channel_button_press (self->inputs, button, (int) self->button_mask);
    }
  else
    {
      if (button == 0 || self->inputs == NULL || (self->button_mask & mask) == 0)
        return GDK_EVENT_STOP;
      self->button_mask &= ~mask;
      spice_inputs_channel_button_release (self->inputs, button, (int) self->button_mask);
    }
  return GDK_EVENT_STOP;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           HangarDisplay            *self)
{
  if (self->inputs == NULL)
    return GDK_EVENT_PROPAGATE;

  /* Smooth scrolling adds up to whole wheel clicks; the rest waits. */
  self->scroll_rest += dy;
  while (fabs (self->scroll_rest) >= 1.0)
    {
      int button = self->scroll_rest > 0 ? SPICE_MOUSE_BUTTON_DOWN : SPICE_MOUSE_BUTTON_UP;
      guint mask = self->scroll_rest > 0 ? SPICE_MOUSE_BUTTON_MASK_DOWN : SPICE_MOUSE_BUTTON_MASK_UP;

      spice_inputs_channel_button_press (self->inputs, button, (int) (self->button_mask | mask));
      spice_inputs_channel_button_release (self->inputs, button, (int) self->button_mask);
      self->scroll_rest += self->scroll_rest > 0 ? -1.0 : 1.0;
    }
  return GDK_EVENT_STOP;
}

static void
on_scroll_end (GtkEventControllerScroll *controller,
               HangarDisplay            *self)
{
  self->scroll_rest = 0;
}

void
hangar_display_input_init (HangarDisplay *self)
{
  GtkEventController *controller;

  controller = gtk_event_controller_key_new ();
  /* Capture phase: Tab, F10 and mnemonics belong to the guest, not to GTK. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (controller, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_focus_enter), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_pointer_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_legacy_new ();
  g_signal_connect (controller, "event", G_CALLBACK (on_legacy_event), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  g_signal_connect (controller, "scroll-end", G_CALLBACK (on_scroll_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/**
 * hangar_display_send_evdev_keys:
 * @codes: (array length=n_codes): Linux evdev key codes
 *
 * Presses the keys in order, then releases them in reverse order, as a
 * person pressing a combination would.
 */
void
hangar_display_send_evdev_keys (HangarDisplay *self,
                                const guint   *codes,
                                guint          n_codes)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));
  g_return_if_fail (codes != NULL || n_codes == 0);

  for (guint i = 0; i < n_codes; i++)
    hangar_display_press_evdev (self, codes[i], TRUE);
  for (guint i = n_codes; i > 0; i--)
    hangar_display_press_evdev (self, codes[i - 1], FALSE);
}

/**
 * hangar_display_send_keys:
 * @keyvals: (array length=n_keyvals): GDK key values, e.g. Control_L, Alt_L, Delete
 *
 * Sends a key combination by key values, mapped to positions through the
 * host's keymap (or a US layout when the host cannot type one).
 */
void
hangar_display_send_keys (HangarDisplay *self,
                          const guint   *keyvals,
                          guint          n_keyvals)
{
  GdkDisplay *display;
  g_autofree guint *codes = NULL;

  g_return_if_fail (HANGAR_IS_DISPLAY (self));
  g_return_if_fail (keyvals != NULL || n_keyvals == 0);

  display = gtk_widget_get_display (GTK_WIDGET (self));
  codes = g_new0 (guint, n_keyvals + 1);
  for (guint i = 0; i < n_keyvals; i++)
    {
      g_autofree GdkKeymapKey *keys = NULL;
      int n_keys = 0;

      codes[i] = hangar_keymap_keyval_to_evdev (keyvals[i]);
      if (codes[i] == 0 && gdk_display_map_keyval (display, keyvals[i], &keys, &n_keys) &&
          n_keys > 0)
        codes[i] = evdev_from_keycode (keys[0].keycode);
    }
  hangar_display_send_evdev_keys (self, codes, n_keyvals);
}
