/* hangar-display-page.c
 *
 * The page that shows one machine's display: header bar (hidden in
 * fullscreen, revealed at the top edge), send-key menu, grab indicator, and
 * the states around the display (connecting, not running, unavailable).
 *
 * This is where libvirt meets SPICE: every channel's descriptor comes from
 * gvir_domain_open_graphics_fd, so the display never needs a network port.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-display-page"

#include "config.h"

#include <glib/gi18n.h>
#include <linux/input-event-codes.h>
#include <string.h>
#include <unistd.h>

#include "hangar-display-page.h"
#include "hangar-display-page-media.h"
#include "hangar-machine.h"
#include "hangar-machine-action.h"

#define RECONNECT_DELAY_MS 1000
#define MAX_RECONNECTS 10
#define REVEAL_EDGE 4
#define HIDE_DELAY_MS 1200

struct _HangarDisplayPage
{
  GtkWidget         parent_instance;

  GSettings        *settings;
  HangarMachine    *machine;
  SpiceSession     *session;
  GCancellable     *cancellable;
  char             *error;
  /* Channels (cursor, inputs…) that asked for a descriptor while libvirt was
   * away, with the display itself working: asked again when it is back. */
  GPtrArray        *waiting_channels;
  guint             reconnect_source;
  guint             reconnects;
  guint             hide_source;
  gboolean          fullscreen;
  const char       *status;
  /* Power actions in flight from the menu: the others wait for them. */
  guint             power_busy;
  /* Which of power_actions are enabled, bit by row. */
  guint             power_enabled;

  /* Template widgets */
  GtkOverlay       *overlay;
  GtkRevealer      *header_revealer;
  GtkBox           *content_box;
  AdwHeaderBar     *header_bar;
  AdwWindowTitle   *title;
  GtkWidget        *grab_indicator;
  GtkWidget        *agent_button;
  GtkWidget        *fullscreen_button;
  GtkWidget        *keep_button;
  /* The machine went while being tried (its Keep button showed). */
  gboolean          ended_trying;
  GtkMenuButton    *menu_button;
  GtkStack         *stack;
  GtkRevealer      *throwaway_revealer;
  GtkScrolledWindow *scroller;
  HangarDisplay    *display;
  AdwStatusPage    *status_page;
  GtkSpinner       *spinner;
  GtkButton        *status_button;
  GMenu            *usb_section;
  /* Sound, files and USB (hangar-display-page-media.c). */
  HangarDisplayPageMedia *media;
};

G_DEFINE_FINAL_TYPE (HangarDisplayPage, hangar_display_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The display's own settings, as the page's properties: the view.scaling and
 * view.resize-guest actions of its menu are bound to them. */
enum {
  PROP_0,
  PROP_SCALING,
  PROP_RESIZE_GUEST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void connect_session (HangarDisplayPage *self);
static void update_title (HangarDisplayPage *self);
static void update_power_actions (HangarDisplayPage *self);

/* Status *****************************************************************/

/* No spinner while connecting: spice-client-glib connects its channels from
 * idle callbacks, and an animation that keeps a slow renderer painting every
 * frame (software GL, Xvfb) starves them; the connection then never starts. */
static void
show_status (HangarDisplayPage *self,
             const char        *status,
             const char        *icon_name,
             const char        *title,
             const char        *description,
             const char        *button_label,
             const char        *button_action)
{
  self->status = status;
  /* What the page shows, for a look from outside (G_MESSAGES_DEBUG). */
  g_debug ("The display page of “%s” shows: %s (%s)",
           self->machine != NULL ? hangar_machine_get_name (self->machine) : "", status, title);
  adw_status_page_set_icon_name (self->status_page, icon_name);
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), icon_name == NULL);
  gtk_spinner_set_spinning (self->spinner, icon_name == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->status_button), button_label != NULL);
  if (button_label != NULL)
    {
      gtk_button_set_label (self->status_button, button_label);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->status_button), button_action);
    }
  gtk_stack_set_visible_child_name (self->stack, "status");
  /* Nothing to type into: the keyboard goes back to the desktop. */
  hangar_display_release (self->display);
  update_title (self);
}

static void
update_title (HangarDisplayPage *self)
{
  const char *subtitle = NULL;
  gboolean showing, grabbed;

  update_power_actions (self);
  if (self->machine == NULL)
    return;

  adw_window_title_set_title (self->title, hangar_machine_get_name (self->machine));
  showing = g_strcmp0 (self->status, "display") == 0;
  grabbed = showing && hangar_display_get_keyboard_grabbed (self->display);
  /* Without the SPICE agent in the guest, say what is missing and how to get it. */
  gtk_widget_set_visible (self->agent_button,
                          showing && !hangar_display_get_agent_connected (self->display));
  if (grabbed)
    subtitle = _("Left Ctrl+Alt releases the keyboard");
  else if (showing && hangar_machine_get_state (self->machine) == HANGAR_MACHINE_STATE_RUNNING)
    subtitle = _("Click to control the machine; Left Ctrl+Alt releases it");
  else if (hangar_machine_is_gone (self->machine))
    subtitle = NULL;
  else if (hangar_machine_get_state (self->machine) != HANGAR_MACHINE_STATE_RUNNING)
    subtitle = hangar_machine_state_to_label (hangar_machine_get_state (self->machine));
  adw_window_title_set_subtitle (self->title, subtitle);
  gtk_widget_set_visible (self->grab_indicator, grabbed);
}

static void
update_status (HangarDisplayPage *self)
{
  HangarMachineState state;

  update_title (self);

  if (self->machine == NULL)
    return;

  /* Deleted, or a machine being tried that stopped: nothing to start. */
  if (hangar_machine_is_gone (self->machine))
    {
      gboolean tried = self->ended_trying;
      const char *name = hangar_machine_get_name (self->machine);
      /* Translators: %s is a machine's name */
      g_autofree char *title = g_strdup_printf (tried ? _("“%s” Has Ended") : _("“%s” Was Removed"),
                                                name);

      show_status (self, "gone", "computer-symbolic", title,
                   tried ? _("It was being tried and was not kept: nothing of it is left.")
                         : _("It was deleted, in Hangar or with another tool."),
                   _("_Back to Machines"), "display.back");
      return;
    }

  state = hangar_machine_get_state (self->machine);
  if (state == HANGAR_MACHINE_STATE_UNKNOWN)
    {
      show_status (self, "connecting", "computer-symbolic", _("Connecting…"), NULL, NULL, NULL);
      return;
    }
  if (!hangar_machine_state_has_screen (state))
    {
      g_autofree char *title = g_strdup_printf (_("“%s” Is Not Running"),
                                                hangar_machine_get_name (self->machine));
      /* Start only where core's table allows it (not for a guest that
       * suspended itself, which wakes on its own terms). */
      gboolean can_start = hangar_machine_can_run (self->machine, HANGAR_MACHINE_ACTION_START);

      show_status (self, "not-running", "system-shutdown-symbolic", title,
                   state == HANGAR_MACHINE_STATE_CRASHED
                     ? _("The machine stopped unexpectedly. Its disk is unchanged.")
                     : NULL,
                   can_start ? _("_Start") : NULL, can_start ? "display.start" : NULL);
      return;
    }

  if (self->error != NULL)
    {
      show_status (self, "error", "dialog-warning-symbolic", _("Cannot Show the Display"),
                   self->error, _("_Reconnect"), "display.reconnect");
      return;
    }

  switch (hangar_display_get_state (self->display))
    {
    case HANGAR_DISPLAY_STATE_READY:
      if (g_strcmp0 (self->status, "display") != 0)
        {
          self->status = "display";
          g_debug ("The display page of “%s” shows: display",
                   hangar_machine_get_name (self->machine));
          gtk_stack_set_visible_child_name (self->stack, "display");
          /* The guest just appeared: the keyboard stays the application's
           * (Esc, F11, Ctrl+W) until the user clicks into the display or
           * moves the focus there. */
          if (gtk_widget_get_mapped (GTK_WIDGET (self)))
            hangar_display_focus (self->display);
        }
      update_title (self);
      break;

    case HANGAR_DISPLAY_STATE_ERROR:
      show_status (self, "error", "dialog-warning-symbolic", _("Cannot Show the Display"),
                   hangar_display_get_message (self->display), _("_Reconnect"),
                   "display.reconnect");
      break;

    case HANGAR_DISPLAY_STATE_IDLE:
    case HANGAR_DISPLAY_STATE_CONNECTING:
    case HANGAR_DISPLAY_STATE_CLOSED:
    default:
      /* A guest that reboots keeps its last frame on screen meanwhile. */
      if (g_strcmp0 (self->status, "display") != 0)
        show_status (self, "connecting", "computer-symbolic", _("Connecting…"), NULL, NULL, NULL);
      break;
    }
}

/* Connection *************************************************************/

typedef struct
{
  HangarDisplayPage *page;
  SpiceChannel      *channel;
} FdRequest;

static void
got_fd (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  FdRequest *request = user_data;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = hangar_machine_open_graphics_fd_finish (HANGAR_MACHINE (object), result, &error);
  if (fd < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          HangarDisplayPage *self = request->page;

          g_debug ("No descriptor for a display channel: %s", error->message);
          if (hangar_display_get_state (self->display) == HANGAR_DISPLAY_STATE_READY &&
              self->waiting_channels != NULL)
            {
              /* The guest shows: keep it, and ask again after reconnecting. */
              g_ptr_array_add (self->waiting_channels, g_object_ref (request->channel));
            }
          else
            {
              g_free (self->error);
              self->error = g_strdup (error->message);
              update_status (self);
            }
        }
    }
  else if (!spice_channel_open_fd (request->channel, fd))
    {
      close (fd);
    }

  g_object_unref (request->channel);
  g_clear_object (&request->page);
  g_free (request);
}

static void
on_open_fd (SpiceChannel      *channel,
            int                with_tls,
            HangarDisplayPage *self)
{
  FdRequest *request;

  if (self->machine == NULL)
    return;

  request = g_new0 (FdRequest, 1);
  request->page = g_object_ref (self);
  request->channel = g_object_ref (channel);
  hangar_machine_open_graphics_fd_async (self->machine, self->cancellable, got_fd, request);
}

static void
on_channel_new (SpiceSession      *session,
                SpiceChannel      *channel,
                HangarDisplayPage *self)
{
  g_signal_connect_object (channel, "open-fd", G_CALLBACK (on_open_fd), self, 0);
}

static void
disconnect_session (HangarDisplayPage *self)
{
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->waiting_channels != NULL)
    g_ptr_array_set_size (self->waiting_channels, 0);
  if (self->session == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->media != NULL)
    hangar_display_media_set_session (hangar_display_page_media_get_media (self->media), NULL);
  spice_session_disconnect (self->session);
  g_clear_object (&self->session);
}

static gboolean
reconnect_timeout (gpointer user_data)
{
  HangarDisplayPage *self = user_data;

  self->reconnect_source = 0;
  connect_session (self);
  return G_SOURCE_REMOVE;
}

static void
on_display_state (HangarDisplayPage *self)
{
  HangarDisplayState state = hangar_display_get_state (self->display);

  if (state == HANGAR_DISPLAY_STATE_READY)
    self->reconnects = 0;

  /* QEMU went away under a running machine (a restart, a reboot with a new
   * QEMU): try again a few times before saying the display is gone. */
  if (state == HANGAR_DISPLAY_STATE_CLOSED && self->machine != NULL &&
      hangar_machine_get_state (self->machine) == HANGAR_MACHINE_STATE_RUNNING &&
      self->reconnects < MAX_RECONNECTS && self->reconnect_source == 0)
    {
      self->reconnects++;
      self->reconnect_source = g_timeout_add (RECONNECT_DELAY_MS, reconnect_timeout, self);
    }

  update_status (self);
}

static void
main_fd_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HangarDisplayPage) self = user_data;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = hangar_machine_open_graphics_fd_finish (HANGAR_MACHINE (object), result, &error);
  if (fd < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->error = g_strdup (error->message);
      update_status (self);
      return;
    }
  if ((gpointer) object != (gpointer) self->machine || self->session != NULL)
    {
      close (fd);
      return;
    }

  self->session = spice_session_new ();
  /* No GL scanout until a dmabuf path exists. Sound as the preference says;
   * USB devices go only where the user sends them. */
  g_object_set (self->session,
                "enable-audio", g_settings_get_boolean (self->settings, "play-sound"),
                "enable-usbredir", TRUE,
                "gl-scanout", FALSE,
                NULL);
  /* Before the session connects, so it sees the audio and USB channels. */
  hangar_display_media_set_session (hangar_display_page_media_get_media (self->media),
                                    self->session);
  /* Connected before the display's own handler: each channel must be able to
   * ask for its descriptor when the display connects it. */
  g_signal_connect (self->session, "channel-new", G_CALLBACK (on_channel_new), self);
  hangar_display_set_session (self->display, self->session);
  /* The main channel gets its descriptor now: it asks for one before
   * channel-new is emitted, so nobody could answer it. */
  if (!spice_session_open_fd (self->session, fd))
    {
      close (fd);
      self->error = g_strdup (_("The display session could not be started."));
      update_status (self);
    }
}

static void
connect_session (HangarDisplayPage *self)
{
  disconnect_session (self);
  g_clear_pointer (&self->error, g_free);

  if (self->machine == NULL)
    return;

  hangar_machine_open_graphics_fd_async (self->machine, self->cancellable, main_fd_ready,
                                         g_object_ref (self));
}

static void
on_machine_state (HangarDisplayPage *self)
{
  HangarMachineState state = hangar_machine_get_state (self->machine);

  /* Gone: its page says so, whatever state was read last. */
  if (hangar_machine_is_gone (self->machine))
    {
      update_status (self);
      return;
    }

  /* Not read yet (a machine listed again after libvirt came back): the
   * session to QEMU, which never went through the daemon, stays. */
  if (state == HANGAR_MACHINE_STATE_UNKNOWN && self->session != NULL)
    return;

  if (hangar_machine_state_has_screen (state))
    {
      if (self->session == NULL)
        {
          self->reconnects = 0;
          connect_session (self);
        }
    }
  else
    {
      disconnect_session (self);
      hangar_display_set_session (self->display, NULL);
    }
  update_status (self);
}

/* Actions ****************************************************************/

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HangarDisplayPage *self = HANGAR_DISPLAY_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (GTK_IS_WINDOW (root) && gtk_window_is_fullscreen (GTK_WINDOW (root)))
    gtk_window_unfullscreen (GTK_WINDOW (root));
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

/* display.properties and display.snapshots: the window opens them for the
 * machine shown (win.properties, win.snapshots with its UUID). */
static void
ask_window_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HangarDisplayPage *self = HANGAR_DISPLAY_PAGE (widget);
  g_autofree char *asked = NULL;

  if (self->machine == NULL)
    return;
  asked = g_strconcat ("win.", action_name + strlen ("display."), NULL);
  gtk_widget_activate_action (widget, asked, "s", hangar_machine_get_uuid (self->machine));
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (!GTK_IS_WINDOW (root))
    return;
  if (gtk_window_is_fullscreen (GTK_WINDOW (root)))
    gtk_window_unfullscreen (GTK_WINDOW (root));
  else
    gtk_window_fullscreen (GTK_WINDOW (root));
}

static const struct {
  const char *name;
  guint       codes[3];
  guint       n_codes;
} key_combos[] = {
  { "ctrl-alt-del", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_DELETE }, 3 },
  { "ctrl-alt-backspace", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_BACKSPACE }, 3 },
  { "print", { KEY_SYSRQ }, 1 },
  { "ctrl-alt-f1", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F1 }, 3 },
  { "ctrl-alt-f2", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F2 }, 3 },
  { "ctrl-alt-f3", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F3 }, 3 },
  { "ctrl-alt-f4", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F4 }, 3 },
  { "ctrl-alt-f5", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F5 }, 3 },
  { "ctrl-alt-f6", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F6 }, 3 },
  { "ctrl-alt-f7", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F7 }, 3 },
  { "ctrl-alt-f8", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F8 }, 3 },
  { "ctrl-alt-f9", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F9 }, 3 },
  { "ctrl-alt-f10", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F10 }, 3 },
  { "ctrl-alt-f11", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F11 }, 3 },
  { "ctrl-alt-f12", { KEY_LEFTCTRL, KEY_LEFTALT, KEY_F12 }, 3 },
};

static void
send_keys_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HangarDisplayPage *self = HANGAR_DISPLAY_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (key_combos); i++)
    if (g_str_equal (key_combos[i].name, name))
      {
        hangar_display_send_evdev_keys (self->display, key_combos[i].codes, key_combos[i].n_codes);
        return;
      }
  g_warning ("Unknown key combination “%s”", name);
}

static void
start_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HangarDisplayPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_machine_run_finish (HANGAR_MACHINE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *title = g_strdup_printf (_("Cannot Start “%s”"),
                                                hangar_machine_get_name (HANGAR_MACHINE (object)));

      show_status (self, "error", "dialog-warning-symbolic", title, error->message,
                   _("_Start"), "display.start");
    }
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HangarDisplayPage *self = HANGAR_DISPLAY_PAGE (widget);

  if (self->machine == NULL || !hangar_machine_can_run (self->machine, HANGAR_MACHINE_ACTION_START))
    return;
  show_status (self, "connecting", "computer-symbolic", _("Starting…"), NULL, NULL, NULL);
  hangar_machine_run_async (self->machine, HANGAR_MACHINE_ACTION_START,
                            HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT, self->cancellable, start_done,
                            g_object_ref (self));
}

/* The machine's power, from the menu: what core's table offers in its
 * state, as on its card. */
static const struct {
  const char          *name;
  HangarMachineAction  action;
} power_actions[] = {
  { "display.shutdown", HANGAR_MACHINE_ACTION_SHUTDOWN },
  { "display.force-off", HANGAR_MACHINE_ACTION_FORCE_OFF },
  { "display.pause", HANGAR_MACHINE_ACTION_PAUSE },
  { "display.resume", HANGAR_MACHINE_ACTION_RESUME },
  { "display.reboot", HANGAR_MACHINE_ACTION_REBOOT },
  { "display.save", HANGAR_MACHINE_ACTION_SAVE },
};

static void
update_power_actions (HangarDisplayPage *self)
{
  gboolean idle = self->machine != NULL && self->power_busy == 0;

  self->power_enabled = 0;
  for (guint i = 0; i < G_N_ELEMENTS (power_actions); i++)
    {
      gboolean enabled = idle && hangar_machine_can_offer (self->machine, power_actions[i].action);

      if (enabled)
        self->power_enabled |= 1u << i;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), power_actions[i].name, enabled);
    }
}

static void
power_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HangarMachine *machine = HANGAR_MACHINE (object);
  g_autoptr(HangarDisplayPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hangar_machine_run_finish (machine, result, &error);

  if (self->power_busy > 0)
    self->power_busy--;
  update_power_actions (self);

  /* As for the card: the window offers Force Off for a machine that did not
   * stop in time, and says why anything else failed. */
  if (g_error_matches (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_SHUTDOWN_TIMEOUT))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.offer-force-off", "s",
                                hangar_machine_get_uuid (machine));
  else if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s is a machine's name, then why an action on it failed */
      g_autofree char *message = g_strdup_printf (_("“%s”: %s"), hangar_machine_get_name (machine),
                                                  error->message);

      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message);
    }
}

static void
power_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HangarDisplayPage *self = HANGAR_DISPLAY_PAGE (widget);

  if (self->machine == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (power_actions); i++)
    if (g_str_equal (power_actions[i].name, action_name))
      {
        if (!hangar_machine_can_run (self->machine, power_actions[i].action))
          return;
        self->power_busy++;
        update_power_actions (self);
        /* Not the page's cancellable: an action asked for goes on when the
         * page shows another machine, as it would from the card. */
        hangar_machine_run_async (self->machine, power_actions[i].action,
                                  HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT, NULL, power_done,
                                  g_object_ref (self));
        return;
      }
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HangarDisplayPage *self = HANGAR_DISPLAY_PAGE (widget);

  self->reconnects = 0;
  connect_session (self);
  update_status (self);
}

static void
scaling_changed (HangarDisplayPage *self)
{
  gboolean one_to_one = hangar_display_get_scaling (self->display) == HANGAR_DISPLAY_SCALING_ONE_TO_ONE;

  /* Actual size scrolls when the guest is larger than the window. */
  gtk_scrolled_window_set_policy (self->scroller,
                                  one_to_one ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER,
                                  one_to_one ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALING]);
}

static void
resize_guest_changed (HangarDisplayPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESIZE_GUEST]);
}

/* Fullscreen *************************************************************/

static gboolean
hide_header (gpointer user_data)
{
  HangarDisplayPage *self = user_data;

  self->hide_source = 0;
  if (self->fullscreen)
    gtk_revealer_set_reveal_child (self->header_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

static gboolean
menu_open (HangarDisplayPage *self)
{
  GtkPopover *popover = gtk_menu_button_get_popover (self->menu_button);

  return popover != NULL && gtk_widget_get_visible (GTK_WIDGET (popover));
}

static void
on_page_motion (GtkEventControllerMotion *controller,
                double                    x,
                double                    y,
                HangarDisplayPage        *self)
{
  gboolean over_header;

  if (!self->fullscreen)
    return;

  over_header = gtk_revealer_get_child_revealed (self->header_revealer) &&
                y <= gtk_widget_get_height (GTK_WIDGET (self->header_bar));
  if (y <= REVEAL_EDGE || over_header)
    {
      g_clear_handle_id (&self->hide_source, g_source_remove);
      gtk_revealer_set_reveal_child (self->header_revealer, TRUE);
    }
  else if (gtk_revealer_get_reveal_child (self->header_revealer) && self->hide_source == 0 &&
           !menu_open (self))
    {
      self->hide_source = g_timeout_add (HIDE_DELAY_MS, hide_header, self);
    }
}

static void
set_fullscreen (HangarDisplayPage *self,
                gboolean           fullscreen)
{
  GtkWidget *header = GTK_WIDGET (self->header_bar);

  if (self->fullscreen == fullscreen)
    return;
  self->fullscreen = fullscreen;

  /* In fullscreen the header floats over the guest instead of taking rows
   * from it, so the guest's size does not change when it shows. */
  g_object_ref (header);
  if (fullscreen)
    {
      gtk_box_remove (self->content_box, header);
      gtk_revealer_set_child (self->header_revealer, header);
      gtk_revealer_set_reveal_child (self->header_revealer, FALSE);
      gtk_button_set_icon_name (GTK_BUTTON (self->fullscreen_button), "view-restore-symbolic");
      gtk_widget_set_tooltip_text (self->fullscreen_button, _("Leave Fullscreen"));
    }
  else
    {
      g_clear_handle_id (&self->hide_source, g_source_remove);
      gtk_revealer_set_child (self->header_revealer, NULL);
      gtk_box_prepend (self->content_box, header);
      gtk_button_set_icon_name (GTK_BUTTON (self->fullscreen_button), "view-fullscreen-symbolic");
      gtk_widget_set_tooltip_text (self->fullscreen_button, _("Fullscreen"));
    }
  g_object_unref (header);
}

static void
on_fullscreened (GtkWindow         *window,
                 GParamSpec        *pspec,
                 HangarDisplayPage *self)
{
  set_fullscreen (self, gtk_window_is_fullscreen (window));
}

static void
hangar_display_page_root (GtkWidget *widget)
{
  HangarDisplayPage *self = HANGAR_DISPLAY_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (hangar_display_page_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    {
      g_signal_connect_object (root, "notify::fullscreened", G_CALLBACK (on_fullscreened), self, 0);
      set_fullscreen (self, gtk_window_is_fullscreen (GTK_WINDOW (root)));
    }
}

static void
hangar_display_page_unroot (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (root != NULL)
    g_signal_handlers_disconnect_by_func (root, on_fullscreened, widget);

  GTK_WIDGET_CLASS (hangar_display_page_parent_class)->unroot (widget);
}

/* Public API *************************************************************/

HangarDisplayPage *
hangar_display_page_new (GSettings *settings)
{
  HangarDisplayPage *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (HANGAR_TYPE_DISPLAY_PAGE, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "display-scaling", self->display, "scaling", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "display-resize-guest", self->display, "resize-guest",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "share-clipboard", self->display, "share-clipboard",
                   G_SETTINGS_BIND_DEFAULT);
  return self;
}

/**
 * hangar_display_page_set_can_keep:
 *
 * Shows the Keep button (win.keep-machine), for a machine the user is
 * trying.
 */
void
hangar_display_page_set_can_keep (HangarDisplayPage *self,
                                  gboolean           can_keep)
{
  g_return_if_fail (HANGAR_IS_DISPLAY_PAGE (self));

  gtk_widget_set_visible (self->keep_button, can_keep);
}

HangarMachine *
hangar_display_page_get_machine (HangarDisplayPage *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_PAGE (self), NULL);

  return self->machine;
}

/* The machine was listed again after libvirt's daemon restarted: display
 * channels that could not get a socket meanwhile ask again. The SPICE session
 * itself goes to QEMU directly, so the display stayed. */
static void
on_machine_domain (HangarDisplayPage *self)
{
  g_autoptr(GPtrArray) waiting = NULL;

  if (self->session == NULL || self->waiting_channels->len == 0)
    return;

  waiting = g_steal_pointer (&self->waiting_channels);
  self->waiting_channels = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiting->len; i++)
    on_open_fd (g_ptr_array_index (waiting, i), FALSE, self);
}

static void
on_machine_gone (HangarDisplayPage *self)
{
  self->ended_trying = gtk_widget_get_visible (self->keep_button);
  /* Nothing left to keep. */
  gtk_widget_set_visible (self->keep_button, FALSE);
  disconnect_session (self);
  hangar_display_set_session (self->display, NULL);
  update_status (self);
}

/* A run without saving changes says so above the screen while it lasts. */
static void
update_throwaway (HangarDisplayPage *self)
{
  gboolean throwaway = self->machine != NULL && !hangar_machine_is_gone (self->machine) &&
                       hangar_machine_get_throwaway (self->machine) &&
                       hangar_machine_state_has_screen (hangar_machine_get_state (self->machine));

  gtk_revealer_set_reveal_child (self->throwaway_revealer, throwaway);
}

/* Follows self->machine's state, name and domain, and acts on its state now. */
static void
watch_machine (HangarDisplayPage *self)
{
  g_signal_connect_swapped (self->machine, "notify::state", G_CALLBACK (on_machine_state), self);
  g_signal_connect_swapped (self->machine, "notify::domain", G_CALLBACK (on_machine_domain), self);
  g_signal_connect_swapped (self->machine, "notify::gone", G_CALLBACK (on_machine_gone), self);
  g_signal_connect_swapped (self->machine, "notify::name", G_CALLBACK (update_title), self);
  g_signal_connect_swapped (self->machine, "notify::throwaway", G_CALLBACK (update_throwaway),
                            self);
  g_signal_connect_swapped (self->machine, "notify::state", G_CALLBACK (update_throwaway), self);
  update_throwaway (self);
  on_machine_state (self);
}

/**
 * hangar_display_page_set_machine:
 * @machine: (nullable): the machine to show
 *
 * Shows @machine's display, connecting when it runs and again whenever it
 * starts. %NULL closes the display.
 */
void
hangar_display_page_set_machine (HangarDisplayPage *self,
                                 HangarMachine     *machine)
{
  g_return_if_fail (HANGAR_IS_DISPLAY_PAGE (self));
  g_return_if_fail (machine == NULL || HANGAR_IS_MACHINE (machine));

  if (self->machine == machine)
    return;

  disconnect_session (self);
  hangar_display_set_session (self->display, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->error, g_free);
  if (self->machine != NULL)
    g_signal_handlers_disconnect_by_data (self->machine, self);
  g_set_object (&self->machine, machine);
  self->status = NULL;
  self->ended_trying = FALSE;
  self->power_busy = 0;
  update_power_actions (self);

  if (machine == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  watch_machine (self);
}

HangarDisplay *
hangar_display_page_get_display (HangarDisplayPage *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_PAGE (self), NULL);

  return self->display;
}

/**
 * hangar_display_page_get_action_enabled:
 * @action_name: one of the page's power actions, "display.pause" for instance
 *
 * Returns: whether the page's menu offers @action_name now, as core's table
 *   allows for the machine's state; none while one runs
 */
gboolean
hangar_display_page_get_action_enabled (HangarDisplayPage *self,
                                        const char        *action_name)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_PAGE (self), FALSE);
  g_return_val_if_fail (action_name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (power_actions); i++)
    if (g_str_equal (power_actions[i].name, action_name))
      return (self->power_enabled & (1u << i)) != 0;
  return FALSE;
}

/**
 * hangar_display_page_get_agent_notice_visible:
 *
 * Returns: whether the header says that the guest runs no SPICE agent
 *   (no automatic resize, shared clipboard or file transfer)
 */
gboolean
hangar_display_page_get_agent_notice_visible (HangarDisplayPage *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->agent_button);
}

/**
 * hangar_display_page_get_status:
 *
 * Returns: what the page shows: "display", "connecting", "not-running" or "error"
 */
const char *
hangar_display_page_get_status (HangarDisplayPage *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_PAGE (self), NULL);

  return self->status;
}

/**
 * hangar_display_page_get_media:
 *
 * Returns: (transfer none): the sound, files and USB of the machine shown
 */
HangarDisplayMedia *
hangar_display_page_get_media (HangarDisplayPage *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_PAGE (self), NULL);

  return hangar_display_page_media_get_media (self->media);
}

/**
 * hangar_display_page_get_transfer:
 * @message: (out) (optional) (transfer none): what the transfer bar says
 *
 * Returns: the state of the last file transfer: "idle", "sending", "sent",
 *   "cancelled", "failed" or "usb-failed" (for a look from tests)
 */
const char *
hangar_display_page_get_transfer (HangarDisplayPage  *self,
                                  const char        **message)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_PAGE (self), NULL);

  if (message != NULL)
    *message = hangar_display_page_media_get_message (self->media);
  return hangar_display_page_media_get_status (self->media);
}

/**
 * hangar_display_page_send_files:
 *
 * Sends @files into the machine, as Send File… does once they are chosen.
 */
void
hangar_display_page_send_files (HangarDisplayPage  *self,
                                GFile             **files,
                                guint               n_files)
{
  g_return_if_fail (HANGAR_IS_DISPLAY_PAGE (self));

  hangar_display_page_media_send (self->media, files, n_files);
}

/**
 * hangar_display_page_cancel_transfer:
 *
 * Cancels the file transfer, as the bar's Cancel button does.
 */
void
hangar_display_page_cancel_transfer (HangarDisplayPage *self)
{
  g_return_if_fail (HANGAR_IS_DISPLAY_PAGE (self));

  hangar_display_page_media_cancel (self->media);
}

/* GObject ****************************************************************/

static void
hangar_display_page_dispose (GObject *object)
{
  HangarDisplayPage *self = HANGAR_DISPLAY_PAGE (object);

  hangar_display_page_set_machine (self, NULL);
  g_clear_pointer (&self->waiting_channels, g_ptr_array_unref);
  g_clear_handle_id (&self->hide_source, g_source_remove);
  g_clear_pointer (&self->media, hangar_display_page_media_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_DISPLAY_PAGE);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hangar_display_page_parent_class)->dispose (object);
}

static void
hangar_display_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarDisplayPage *self = HANGAR_DISPLAY_PAGE (object);
  g_autoptr(GEnumClass) scalings = g_type_class_ref (HANGAR_TYPE_DISPLAY_SCALING);

  /* The display goes with the template, in dispose. */
  if (self->display == NULL)
    return;

  switch (prop_id)
    {
    case PROP_SCALING:
      g_value_set_string (value, g_enum_get_value (scalings, hangar_display_get_scaling (
                                                     self->display))->value_nick);
      break;
    case PROP_RESIZE_GUEST:
      g_value_set_boolean (value, hangar_display_get_resize_guest (self->display));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_display_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HangarDisplayPage *self = HANGAR_DISPLAY_PAGE (object);
  g_autoptr(GEnumClass) scalings = g_type_class_ref (HANGAR_TYPE_DISPLAY_SCALING);
  GEnumValue *scaling;

  if (self->display == NULL)
    return;

  switch (prop_id)
    {
    case PROP_SCALING:
      scaling = g_enum_get_value_by_nick (scalings, g_value_get_string (value));
      if (scaling != NULL)
        hangar_display_set_scaling (self->display, scaling->value);
      break;
    case PROP_RESIZE_GUEST:
      hangar_display_set_resize_guest (self->display, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_display_page_class_init (HangarDisplayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_display_page_dispose;
  object_class->get_property = hangar_display_page_get_property;
  object_class->set_property = hangar_display_page_set_property;
  widget_class->root = hangar_display_page_root;
  widget_class->unroot = hangar_display_page_unroot;

  /**
   * HangarDisplayPage:scaling:
   *
   * How the display scales the guest: a nick of #HangarDisplayScaling.
   */
  properties[PROP_SCALING] =
    g_param_spec_string ("scaling", NULL, NULL, "fit",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * HangarDisplayPage:resize-guest:
   *
   * Whether the guest's screen follows the display's size.
   */
  properties[PROP_RESIZE_GUEST] =
    g_param_spec_boolean ("resize-guest", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/display-page/hangar-display-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, overlay);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, header_revealer);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, content_box);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, header_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, title);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, grab_indicator);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, agent_button);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, fullscreen_button);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, menu_button);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, usb_section);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, throwaway_revealer);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, display);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, status_button);

  gtk_widget_class_bind_template_child (widget_class, HangarDisplayPage, keep_button);
  gtk_widget_class_install_action (widget_class, "display.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "display.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "display.properties", NULL, ask_window_action);
  gtk_widget_class_install_action (widget_class, "display.snapshots", NULL, ask_window_action);
  gtk_widget_class_install_action (widget_class, "display.send-keys", "s", send_keys_action);
  gtk_widget_class_install_action (widget_class, "display.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "display.reconnect", NULL, reconnect_action);
  for (guint i = 0; i < G_N_ELEMENTS (power_actions); i++)
    gtk_widget_class_install_action (widget_class, power_actions[i].name, NULL, power_action);
  gtk_widget_class_install_property_action (widget_class, "view.scaling", "scaling");
  gtk_widget_class_install_property_action (widget_class, "view.resize-guest", "resize-guest");

  /* Only reach the page while the keyboard is not grabbed by the guest. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "display.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "display.back", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hangar-display-page");
}

static void
hangar_display_page_init (HangarDisplayPage *self)
{
  GtkEventController *motion;

  g_type_ensure (HANGAR_TYPE_DISPLAY);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->waiting_channels = g_ptr_array_new_with_free_func (g_object_unref);
  self->media = hangar_display_page_media_new (GTK_WIDGET (self), self->overlay, self->display,
                                               self->usb_section);
  update_power_actions (self);

  g_signal_connect_object (self->display, "notify::state", G_CALLBACK (on_display_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->display, "notify::message", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->display, "notify::keyboard-grabbed", G_CALLBACK (update_title),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->display, "notify::agent-connected", G_CALLBACK (update_title),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->display, "notify::scaling", G_CALLBACK (scaling_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->display, "notify::resize-guest",
                           G_CALLBACK (resize_guest_changed), self, G_CONNECT_SWAPPED);

  motion = gtk_event_controller_motion_new ();
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  g_signal_connect (motion, "motion", G_CALLBACK (on_page_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}
