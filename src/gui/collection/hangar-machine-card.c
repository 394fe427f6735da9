/* hangar-machine-card.c
 *
 * One machine in the collection grid: a thumbnail area, its name, a badge
 * that follows its state, and a menu of what can be done with it now (the
 * machine.* actions its class installs).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine-card"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-machine-card.h"
#include "hangar-machine.h"
#include "hangar-machine-forwards.h"
#include "hangar-machine-action.h"
#include "hangar-machine-health.h"
#include "hangar-thumbnailer.h"

struct _HangarMachineCard
{
  GtkWidget      parent_instance;

  HangarMachine *machine;
  char          *state_class;
  /* Which of card_actions are enabled, bit by row. */
  guint          enabled;
  /* Operations in flight on the machine shown: its actions wait for them. */
  guint          busy;
  HangarThumbnailer *thumbnailer;
  GdkTexture    *texture;
  /* A host port forwarded to the guest's SSH port (0: none), read when the
   * menu opens; and what that read waits on. */
  guint          ssh_port;
  GCancellable  *ssh_cancellable;
  gboolean       selection_mode;

  /* Template widgets */
  GtkWidget     *thumbnail;
  GtkImage      *placeholder;
  GtkPicture    *picture;
  GtkCheckButton *check;
  GtkWidget     *menu_button;
  GtkWidget     *row_menu_button;
  GMenuModel    *machine_menu;
  GtkLabel      *badge;
  GtkWidget     *throwaway_badge;
  GtkImage      *health_badge;
  GCancellable  *health_cancellable;
  guint          health_source;
  GtkLabel      *name_label;
  GtkLabel      *os_label;
  GtkWidget     *labels_box;
};

G_DEFINE_FINAL_TYPE (HangarMachineCard, hangar_machine_card, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MACHINE,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The card's machine.* actions: those of core's table that its menu offers
 * (Restart is not one). The ones that ask for more are the window's to
 * answer (the dialogs, deleting with an undo), for the machine's UUID. */
typedef struct
{
  const char          *name;
  HangarMachineAction  action;
  const char          *asked;    /* NULL: it runs here, through core */
} CardAction;

static const CardAction card_actions[] = {
  { "machine.start", HANGAR_MACHINE_ACTION_START, NULL },
  { "machine.start-throwaway", HANGAR_MACHINE_ACTION_START_THROWAWAY, NULL },
  { "machine.shutdown", HANGAR_MACHINE_ACTION_SHUTDOWN, NULL },
  { "machine.force-off", HANGAR_MACHINE_ACTION_FORCE_OFF, NULL },
  { "machine.pause", HANGAR_MACHINE_ACTION_PAUSE, NULL },
  { "machine.resume", HANGAR_MACHINE_ACTION_RESUME, NULL },
  { "machine.save", HANGAR_MACHINE_ACTION_SAVE, NULL },
  { "machine.delete", HANGAR_MACHINE_ACTION_DELETE, "win.delete-machine" },
  { "machine.rename", HANGAR_MACHINE_ACTION_RENAME, "win.rename" },
  { "machine.clone", HANGAR_MACHINE_ACTION_CLONE, "win.clone" },
  { "machine.snapshots", HANGAR_MACHINE_ACTION_SNAPSHOTS, "win.snapshots" },
  { "machine.properties", HANGAR_MACHINE_ACTION_PROPERTIES, "win.properties" },
};

static const CardAction *
find_card_action (const char *name,
                  guint      *position)
{
  for (guint i = 0; i < G_N_ELEMENTS (card_actions); i++)
    if (g_str_equal (card_actions[i].name, name))
      {
        if (position != NULL)
          *position = i;
        return &card_actions[i];
      }
  return NULL;
}

/* The card's actions follow core's table of what the machine's state
 * allows; an operation in flight holds them all back. */
static void
hangar_machine_card_update_actions (HangarMachineCard *self)
{
  gboolean idle = self->machine != NULL && self->busy == 0;

  self->enabled = 0;
  for (guint i = 0; i < G_N_ELEMENTS (card_actions); i++)
    {
      gboolean enabled = idle && hangar_machine_can_offer (self->machine, card_actions[i].action);

      if (enabled)
        self->enabled |= 1u << i;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), card_actions[i].name, enabled);
    }
}

static void
hangar_machine_card_update_name (HangarMachineCard *self)
{
  const char *name = self->machine != NULL ? hangar_machine_get_name (self->machine) : NULL;

  gtk_label_set_label (self->name_label, name != NULL ? name : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), name);
}

/* A machine with a screen (running, paused, shutting down) shows it once
 * there is a thumbnail; any other shows the placeholder, and its old
 * thumbnail is dropped. */
static void
hangar_machine_card_update_thumbnail (HangarMachineCard *self)
{
  HangarMachineState state = self->machine != NULL ? hangar_machine_get_state (self->machine)
                                                   : HANGAR_MACHINE_STATE_UNKNOWN;
  gboolean live = hangar_machine_state_has_screen (state);

  if (!live)
    {
      g_clear_object (&self->texture);
      if (self->thumbnailer != NULL && self->machine != NULL)
        hangar_thumbnailer_forget (self->thumbnailer, self->machine);
    }
  else if (self->texture == NULL && self->thumbnailer != NULL)
    g_set_object (&self->texture, hangar_thumbnailer_lookup (self->thumbnailer, self->machine));

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->texture));
  gtk_widget_set_visible (GTK_WIDGET (self->picture), self->texture != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), self->texture == NULL);
  if (self->texture != NULL)
    gtk_widget_add_css_class (self->thumbnail, "live");
  else
    gtk_widget_remove_css_class (self->thumbnail, "live");

  if (live && self->thumbnailer != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    hangar_thumbnailer_queue_update (self->thumbnailer);
}

/* While mapped, the thumbnailer keeps the screen of the machine shown
 * current. */
static void
hangar_machine_card_update_watch (HangarMachineCard *self)
{
  if (self->thumbnailer == NULL)
    return;
  if (self->machine != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    hangar_thumbnailer_watch (self->thumbnailer, GTK_WIDGET (self), self->machine);
  else
    hangar_thumbnailer_unwatch (self->thumbnailer, GTK_WIDGET (self));
}

static void
on_texture_changed (HangarMachineCard *self,
                    HangarMachine     *machine)
{
  if (machine != self->machine)
    return;
  g_set_object (&self->texture, hangar_thumbnailer_lookup (self->thumbnailer, machine));
  hangar_machine_card_update_thumbnail (self);
}

static void
hangar_machine_card_update_os (HangarMachineCard *self)
{
  const char *os_name = self->machine != NULL ? hangar_machine_get_os_name (self->machine) : NULL;

  gtk_label_set_label (self->os_label, os_name != NULL ? os_name : "");
  gtk_widget_set_visible (GTK_WIDGET (self->os_label), os_name != NULL);
}

static void
hangar_machine_card_update_state (HangarMachineCard *self)
{
  HangarMachineState state = HANGAR_MACHINE_STATE_UNKNOWN;
  const char *label;
  const char *nick;
  const char *name = "";
  g_autofree char *description = NULL;
  gboolean throwaway;

  if (self->machine != NULL)
    {
      state = hangar_machine_get_state (self->machine);
      name = hangar_machine_get_name (self->machine);
    }

  label = hangar_machine_state_to_label (state);
  nick = hangar_machine_state_to_nick (state);
  /* While the installer runs, that is what matters about the machine. */
  if (self->machine != NULL && hangar_machine_get_installing (self->machine) &&
      (state == HANGAR_MACHINE_STATE_RUNNING || state == HANGAR_MACHINE_STATE_PAUSED))
    {
      label = C_("machine state", "Installing");
      nick = "installing";
    }
  gtk_label_set_label (self->badge, label);
  gtk_widget_set_visible (GTK_WIDGET (self->badge), *label != '\0');
  throwaway = self->machine != NULL && hangar_machine_get_throwaway (self->machine) &&
              hangar_machine_state_has_screen (state);
  gtk_widget_set_visible (self->throwaway_badge, throwaway);

  /* One style class per state ("running", "paused", …) colours the badge. */
  if (self->state_class != NULL)
    gtk_widget_remove_css_class (self->thumbnail, self->state_class);
  g_free (self->state_class);
  self->state_class = g_strdup (nick);
  gtk_widget_add_css_class (self->thumbnail, self->state_class);

  hangar_machine_card_update_thumbnail (self);

  /* Translators: the accessible name of a machine in the collection: "Name, State" */
  description = *label != '\0' ? g_strdup_printf (C_("machine card", "%s, %s"), name, label)
                               : g_strdup (name);
  if (throwaway)
    {
      g_autofree char *plain = g_steal_pointer (&description);

      /* Translators: the accessible name of a machine running without saving
       * changes: "Name, State" and the mark on its card */
      description = g_strdup_printf (C_("machine card", "%s, not saving changes"), plain);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);

  hangar_machine_card_update_actions (self);
}

static void
operation_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  HangarMachine *machine = HANGAR_MACHINE (object);
  g_autoptr(HangarMachineCard) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hangar_machine_run_finish (machine, result, &error);

  /* The card may show another machine by now: only its own count changes. */
  if (self->machine == machine && self->busy > 0)
    {
      self->busy--;
      hangar_machine_card_update_actions (self);
    }

  /* The window says it; a card no longer in a window has nowhere to. */
  if (g_error_matches (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_SHUTDOWN_TIMEOUT))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.offer-force-off", "s",
                                hangar_machine_get_uuid (machine));
  else if (!ok)
    {
      /* Translators: %s is a machine's name, then why an action on it failed */
      g_autofree char *message = g_strdup_printf (_("“%s”: %s"), hangar_machine_get_name (machine),
                                                  error->message);

      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", message);
    }
}

static void
card_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (widget);
  const CardAction *row = find_card_action (action_name, NULL);

  g_return_if_fail (row != NULL);

  if (self->machine == NULL)
    return;

  if (row->asked != NULL)
    {
      gtk_widget_activate_action (widget, row->asked, "s", hangar_machine_get_uuid (self->machine));
      return;
    }

  self->busy++;
  hangar_machine_card_update_actions (self);
  hangar_machine_run_async (self->machine, row->action, HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT,
                            NULL, operation_done, g_object_ref (self));
}

/* ------------------------------------------------------------------------ */
/* Copy SSH Command                                                         */
/* ------------------------------------------------------------------------ */

static gboolean
is_windows (HangarMachine *machine)
{
  const char *os = hangar_machine_get_os_id (machine);

  return os != NULL && strstr (os, "microsoft.com/win") != NULL;
}

static void
set_ssh_port (HangarMachineCard *self,
              guint              port)
{
  self->ssh_port = port;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "machine.copy-ssh", port != 0);
}

static void
ssh_forwards_listed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HangarMachineCard) self = user_data;
  g_autoptr(GPtrArray) forwards = hangar_machine_list_forwards_finish (HANGAR_MACHINE (source),
                                                                       result, NULL);
  guint port = 0;

  if (forwards == NULL || self->machine != HANGAR_MACHINE (source))
    return;
  for (guint i = 0; port == 0 && i < forwards->len; i++)
    {
      HangarForward *forward = g_ptr_array_index (forwards, i);

      if (forward->guest_port == 22)
        port = forward->host_port;
    }
  set_ssh_port (self, is_windows (self->machine) ? 0 : port);
}

/* The forwards change in the properties, hangarctl or virsh: read them
 * each time the menu opens rather than for every card of a collection. */
static void
on_menu_shown (HangarMachineCard *self)
{
  if (self->machine == NULL)
    return;
  g_cancellable_cancel (self->ssh_cancellable);
  g_clear_object (&self->ssh_cancellable);
  self->ssh_cancellable = g_cancellable_new ();
  hangar_machine_list_forwards_async (self->machine, self->ssh_cancellable, ssh_forwards_listed,
                                      g_object_ref (self));
}

static void
copy_ssh_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (widget);
  g_autofree char *command = NULL;

  if (self->ssh_port == 0)
    return;
  command = g_strdup_printf ("ssh -p %u localhost", self->ssh_port);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), command);
  gtk_widget_activate_action (widget, "win.show-toast", "s", _("SSH command copied"));
}

/* Its display in a window of its own, beside the one with the collection. */
static void
open_in_new_window_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (widget);

  if (self->machine != NULL)
    gtk_widget_activate_action (widget, "app.open-in-new-window", "s",
                                hangar_machine_get_uuid (self->machine));
}

/**
 * hangar_machine_card_popup_menu:
 * @self: a #HangarMachineCard
 *
 * Opens the card's menu of machine actions, as a right click or a long
 * press on the card does.
 */
void
hangar_machine_card_popup_menu (HangarMachineCard *self)
{
  g_return_if_fail (HANGAR_IS_MACHINE_CARD (self));

  gtk_menu_button_popup (GTK_MENU_BUTTON (gtk_widget_get_visible (self->menu_button)
                                          ? self->menu_button : self->row_menu_button));
}

static void
on_secondary_click (GtkGestureClick   *gesture,
                    int                n_press,
                    double             x,
                    double             y,
                    HangarMachineCard *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  hangar_machine_card_popup_menu (self);
}

static void
on_long_press (GtkGestureLongPress *gesture,
               double               x,
               double               y,
               HangarMachineCard   *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  hangar_machine_card_popup_menu (self);
}

/**
 * hangar_machine_card_set_compact:
 * @self: a #HangarMachineCard
 * @compact: whether the card is a row of the list view
 *
 * Lays the card out as a list row: a small thumbnail, the name, and the
 * menu at the end rather than over the thumbnail.
 */
void
hangar_machine_card_set_compact (HangarMachineCard *self,
                                 gboolean           compact)
{
  GtkLayoutManager *layout;

  g_return_if_fail (HANGAR_IS_MACHINE_CARD (self));

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout),
                                  compact ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), compact ? 12 : 8);
  gtk_widget_set_size_request (self->thumbnail, compact ? 96 : 200, compact ? 72 : 150);
  gtk_widget_set_visible (self->menu_button, !compact && !self->selection_mode);
  gtk_widget_set_visible (self->row_menu_button, compact && !self->selection_mode);
  /* Small, and above the state badge rather than under it. */
  gtk_image_set_pixel_size (self->placeholder, compact ? 24 : 64);
  gtk_widget_set_valign (GTK_WIDGET (self->placeholder), compact ? GTK_ALIGN_START : GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (GTK_WIDGET (self->placeholder), compact ? 12 : 0);
  gtk_widget_set_halign (GTK_WIDGET (self->name_label), compact ? GTK_ALIGN_START : GTK_ALIGN_FILL);
  gtk_widget_set_hexpand (self->labels_box, compact);
  gtk_label_set_xalign (self->name_label, compact ? 0.0 : 0.5);
  gtk_label_set_xalign (self->os_label, compact ? 0.0 : 0.5);
  if (compact)
    gtk_widget_add_css_class (GTK_WIDGET (self), "compact");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "compact");
}

/**
 * hangar_machine_card_get_action_enabled:
 * @self: a #HangarMachineCard
 * @action_name: one of the card's actions, "machine.start" for instance
 *
 * Returns: whether the card (its menu) offers @action_name now: start,
 *   shutdown, force-off, pause, resume, save, delete, rename, clone,
 *   snapshots and properties as core's table allows for the machine's
 *   state, none while an operation runs; open-in-new-window always
 */
gboolean
hangar_machine_card_get_action_enabled (HangarMachineCard *self,
                                        const char        *action_name)
{
  guint i;

  g_return_val_if_fail (HANGAR_IS_MACHINE_CARD (self), FALSE);
  g_return_val_if_fail (action_name != NULL, FALSE);

  if (g_str_equal (action_name, "machine.open-in-new-window"))
    return TRUE;
  if (g_str_equal (action_name, "machine.copy-ssh"))
    return self->ssh_port != 0;
  if (find_card_action (action_name, &i) == NULL)
    return FALSE;
  return (self->enabled & (1u << i)) != 0;
}

/**
 * hangar_machine_card_set_thumbnailer:
 * @self: a #HangarMachineCard
 * @thumbnailer: (nullable): where the card's live thumbnails come from
 *
 * While mapped, the card shows a running machine's screen from @thumbnailer.
 */
void
hangar_machine_card_set_thumbnailer (HangarMachineCard *self,
                                     HangarThumbnailer *thumbnailer)
{
  g_return_if_fail (HANGAR_IS_MACHINE_CARD (self));
  g_return_if_fail (!thumbnailer || HANGAR_IS_THUMBNAILER (thumbnailer));

  if (self->thumbnailer == thumbnailer)
    return;
  if (self->thumbnailer != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->thumbnailer, on_texture_changed, self);
      hangar_thumbnailer_unwatch (self->thumbnailer, GTK_WIDGET (self));
    }
  g_set_object (&self->thumbnailer, thumbnailer);
  if (self->thumbnailer != NULL)
    g_signal_connect_swapped (self->thumbnailer, "texture-changed",
                              G_CALLBACK (on_texture_changed), self);
  hangar_machine_card_update_watch (self);
  hangar_machine_card_update_thumbnail (self);
}

/**
 * hangar_machine_card_get_thumbnail:
 * @self: a #HangarMachineCard
 *
 * Returns: (transfer none) (nullable): the machine's screen as the card
 *   shows it, or %NULL while it shows the placeholder
 */
GdkTexture *
hangar_machine_card_get_thumbnail (HangarMachineCard *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE_CARD (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->picture)) ? self->texture : NULL;
}

/**
 * hangar_machine_card_set_selection_mode:
 * @self: a #HangarMachineCard
 * @selection_mode: whether the collection is selecting machines
 * @selected: whether this card's machine is selected
 *
 * Shows the card's check box, ticked as @selected says.
 */
void
hangar_machine_card_set_selection_mode (HangarMachineCard *self,
                                        gboolean           selection_mode,
                                        gboolean           selected)
{
  g_return_if_fail (HANGAR_IS_MACHINE_CARD (self));

  self->selection_mode = selection_mode;
  gtk_widget_set_visible (GTK_WIDGET (self->check), selection_mode);
  gtk_check_button_set_active (self->check, selection_mode && selected);
  gtk_widget_set_visible (self->menu_button, !selection_mode &&
                          !gtk_widget_has_css_class (GTK_WIDGET (self), "compact"));
  gtk_widget_set_visible (self->row_menu_button, !selection_mode &&
                          gtk_widget_has_css_class (GTK_WIDGET (self), "compact"));
  if (selection_mode && selected)
    gtk_widget_add_css_class (GTK_WIDGET (self), "selected");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "selected");
}

/**
 * hangar_machine_card_get_selected:
 * @self: a #HangarMachineCard
 *
 * Returns: whether the card's check box is ticked
 */
gboolean
hangar_machine_card_get_selected (HangarMachineCard *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE_CARD (self), FALSE);

  return self->selection_mode && gtk_check_button_get_active (self->check);
}

/* The check box is ticked only in selection mode: each toggle changes
 * hangar_machine_card_get_selected(). */
static void
on_check_toggled (HangarMachineCard *self)
{
  if (gtk_check_button_get_active (self->check))
    gtk_widget_add_css_class (GTK_WIDGET (self), "selected");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "selected");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
hangar_machine_card_map (GtkWidget *widget)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (widget);

  GTK_WIDGET_CLASS (hangar_machine_card_parent_class)->map (widget);
  hangar_machine_card_update_watch (self);
}

static void
hangar_machine_card_unmap (GtkWidget *widget)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (widget);

  if (self->thumbnailer != NULL)
    hangar_thumbnailer_unwatch (self->thumbnailer, widget);
  GTK_WIDGET_CLASS (hangar_machine_card_parent_class)->unmap (widget);
}

HangarMachineCard *
hangar_machine_card_new (void)
{
  return g_object_new (HANGAR_TYPE_MACHINE_CARD, NULL);
}

/**
 * hangar_machine_card_get_machine:
 * @self: a #HangarMachineCard
 *
 * Returns: (transfer none) (nullable): the machine shown
 */
HangarMachine *
hangar_machine_card_get_machine (HangarMachineCard *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE_CARD (self), NULL);

  return self->machine;
}

/**
 * hangar_machine_card_get_state_text:
 * @self: a #HangarMachineCard
 *
 * Returns: the state as the card shows it
 */
const char *
hangar_machine_card_get_state_text (HangarMachineCard *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE_CARD (self), NULL);

  return gtk_label_get_label (self->badge);
}

/* ------------------------------------------------------------------------ */
/* health badge                                                             */
/* ------------------------------------------------------------------------ */

/* A start or shutdown passes through several states in a moment. */
#define HEALTH_DELAY_MS 500

static GSettings *
health_settings (void)
{
  static GSettings *settings;

  if (settings == NULL)
    settings = g_settings_new (APPLICATION_ID);
  return settings;
}

static void
health_checked (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GString) tooltip = g_string_new (NULL);
  g_autoptr(HangarMachineCard) self = user_data;
  HangarHealthState worst;

  items = hangar_machine_check_health_finish (HANGAR_MACHINE (object), result, &error);
  /* A check made for a machine the card no longer shows, or for a card
   * going away. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  if (items == NULL)
    {
      g_debug ("No health for a card: %s", error->message);
      return;
    }
  worst = hangar_health_worst (items);
  for (guint i = 0; i < items->len; i++)
    {
      const HangarHealthItem *item = items->pdata[i];

      if (item->state != worst)
        continue;
      if (tooltip->len > 0)
        g_string_append_c (tooltip, '\n');
      g_string_append (tooltip, item->title);
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->health_badge), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->health_badge), "problem");
  gtk_widget_set_visible (GTK_WIDGET (self->health_badge), worst != HANGAR_HEALTH_OK);
  if (worst == HANGAR_HEALTH_OK)
    return;
  gtk_image_set_from_icon_name (self->health_badge, worst == HANGAR_HEALTH_PROBLEM
                                                    ? "dialog-error-symbolic"
                                                    : "dialog-warning-symbolic");
  gtk_widget_add_css_class (GTK_WIDGET (self->health_badge),
                            hangar_health_state_to_nick (worst));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->health_badge), tooltip->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->health_badge),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip->str, -1);
}

static gboolean
health_check_now (gpointer user_data)
{
  HangarMachineCard *self = user_data;

  self->health_source = 0;
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  if (self->machine == NULL || hangar_machine_is_gone (self->machine))
    return G_SOURCE_REMOVE;
  self->health_cancellable = g_cancellable_new ();
  hangar_machine_check_health_async (self->machine,
                                     g_settings_get_boolean (health_settings (),
                                                             "force-software-emulation"),
                                     self->health_cancellable, health_checked,
                                     g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
hangar_machine_card_queue_health (HangarMachineCard *self)
{
  g_clear_handle_id (&self->health_source, g_source_remove);
  self->health_source = g_timeout_add (HEALTH_DELAY_MS, health_check_now, self);
}

static void
hangar_machine_card_watch_health (HangarMachineCard *self,
                                  HangarMachine     *machine)
{
  g_cancellable_cancel (self->health_cancellable);
  g_clear_handle_id (&self->health_source, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->health_badge), FALSE);
  if (machine == NULL)
    return;
  g_signal_connect_swapped (machine, "notify::state",
                            G_CALLBACK (hangar_machine_card_queue_health), self);
  g_signal_connect_object (hangar_machine_get_domain (machine), "updated",
                           G_CALLBACK (hangar_machine_card_queue_health), self,
                           G_CONNECT_SWAPPED);
  hangar_machine_card_queue_health (self);
}

/**
 * hangar_machine_card_get_health_badge:
 * @self: a #HangarMachineCard
 *
 * Returns: (transfer none): the badge shown when something is wrong with
 *   the machine; its tooltip says what
 */
GtkWidget *
hangar_machine_card_get_health_badge (HangarMachineCard *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE_CARD (self), NULL);

  return GTK_WIDGET (self->health_badge);
}

void
hangar_machine_card_set_machine (HangarMachineCard *self,
                                 HangarMachine     *machine)
{
  g_return_if_fail (HANGAR_IS_MACHINE_CARD (self));
  g_return_if_fail (!machine || HANGAR_IS_MACHINE (machine));

  if (self->machine == machine)
    return;

  if (self->machine != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->machine, self);
      g_signal_handlers_disconnect_by_data (hangar_machine_get_domain (self->machine), self);
    }

  g_set_object (&self->machine, machine);
  self->busy = 0;
  g_cancellable_cancel (self->ssh_cancellable);
  set_ssh_port (self, 0);
  /* A recycled card paints the new machine's last thumbnail at once. */
  g_clear_object (&self->texture);

  if (machine != NULL)
    {
      g_signal_connect_swapped (machine, "notify::state",
                                G_CALLBACK (hangar_machine_card_update_state), self);
      g_signal_connect_swapped (machine, "notify::name",
                                G_CALLBACK (hangar_machine_card_update_name), self);
      g_signal_connect_swapped (machine, "notify::name",
                                G_CALLBACK (hangar_machine_card_update_state), self);
      g_signal_connect_swapped (machine, "notify::installing",
                                G_CALLBACK (hangar_machine_card_update_state), self);
      g_signal_connect_swapped (machine, "notify::throwaway",
                                G_CALLBACK (hangar_machine_card_update_state), self);
      g_signal_connect_swapped (machine, "notify::os-name",
                                G_CALLBACK (hangar_machine_card_update_os), self);
    }

  hangar_machine_card_update_watch (self);
  hangar_machine_card_update_name (self);
  hangar_machine_card_update_os (self);
  hangar_machine_card_update_state (self);
  hangar_machine_card_watch_health (self, machine);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MACHINE]);
}

static void
hangar_machine_card_dispose (GObject *object)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (object);

  hangar_machine_card_set_machine (self, NULL);
  hangar_machine_card_set_thumbnailer (self, NULL);
  g_clear_object (&self->texture);
  g_clear_object (&self->ssh_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_MACHINE_CARD);

  G_OBJECT_CLASS (hangar_machine_card_parent_class)->dispose (object);
}

static void
hangar_machine_card_finalize (GObject *object)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (object);

  g_clear_pointer (&self->state_class, g_free);
  g_clear_object (&self->health_cancellable);

  G_OBJECT_CLASS (hangar_machine_card_parent_class)->finalize (object);
}

static void
hangar_machine_card_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_object (value, self->machine);
      break;
    case PROP_SELECTED:
      g_value_set_boolean (value, hangar_machine_card_get_selected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_machine_card_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      hangar_machine_card_set_machine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_machine_card_class_init (HangarMachineCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_machine_card_dispose;
  object_class->finalize = hangar_machine_card_finalize;
  object_class->get_property = hangar_machine_card_get_property;
  object_class->set_property = hangar_machine_card_set_property;
  widget_class->map = hangar_machine_card_map;
  widget_class->unmap = hangar_machine_card_unmap;

  properties[PROP_MACHINE] =
    g_param_spec_object ("machine", NULL, NULL, HANGAR_TYPE_MACHINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * HangarMachineCard:selected:
   *
   * Whether the card's check box is ticked (in selection mode); see
   * hangar_machine_card_get_selected().
   */
  properties[PROP_SELECTED] =
    g_param_spec_boolean ("selected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/collection/hangar-machine-card.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, badge);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, throwaway_badge);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, health_badge);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, placeholder);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, picture);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, check);
  gtk_widget_class_bind_template_callback (widget_class, on_check_toggled);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, menu_button);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, row_menu_button);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, machine_menu);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, os_label);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, labels_box);
  gtk_widget_class_set_css_name (widget_class, "machinecard");

  gtk_widget_class_install_action (widget_class, "machine.open-in-new-window", NULL,
                                   open_in_new_window_action);
  for (guint i = 0; i < G_N_ELEMENTS (card_actions); i++)
    gtk_widget_class_install_action (widget_class, card_actions[i].name, NULL, card_action);
  gtk_widget_class_install_action (widget_class, "machine.copy-ssh", NULL, copy_ssh_action);
}

/* A menu button's popover is made when it first opens: a GtkPopoverMenu with
 * its items costs more memory than the rest of the card, and a collection
 * makes hundreds of cards. */
static void
create_menu (GtkMenuButton *button,
             gpointer       user_data)
{
  HangarMachineCard *self = user_data;

  if (gtk_menu_button_get_popover (button) == NULL)
    {
      gtk_menu_button_set_menu_model (button, self->machine_menu);
      g_signal_connect_swapped (gtk_menu_button_get_popover (button), "show",
                                G_CALLBACK (on_menu_shown), self);
    }
}

static void
hangar_machine_card_init (HangarMachineCard *self)
{
  GtkGesture *click;
  GtkGesture *long_press;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->menu_button), create_menu,
                                         self, NULL);
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->row_menu_button), create_menu,
                                         self, NULL);

  hangar_machine_card_update_actions (self);
  set_ssh_port (self, 0);

  /* The menu is also a context menu. */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  long_press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect (long_press, "pressed", G_CALLBACK (on_long_press), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (long_press));
}
