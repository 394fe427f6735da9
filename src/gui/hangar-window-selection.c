/* hangar-window-selection.c
 *
 * Selection mode: machines ticked in the collection instead of opened, and
 * its action bar at work: one operation on several machines at once, each
 * reporting its own failure.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-machine-card.h"
#include "hangar-machine.h"
#include "hangar-machine-action.h"
#include "hangar-window-private.h"

static void
for_each_card (GtkWidget *widget,
               void     (*func) (HangarWindow *self, HangarMachineCard *card),
               HangarWindow *self)
{
  if (HANGAR_IS_MACHINE_CARD (widget))
    {
      func (self, HANGAR_MACHINE_CARD (widget));
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    for_each_card (child, func, self);
}

/* Shows on @card whether selection mode is on, and whether its machine is
 * ticked. */
void
hangar_window_sync_card_selection (HangarWindow      *self,
                                   HangarMachineCard *card)
{
  HangarMachine *machine = hangar_machine_card_get_machine (card);

  hangar_machine_card_set_selection_mode (card, self->selection_mode,
                                          machine != NULL &&
                                          g_hash_table_contains (self->selected, machine));
}

/* What the action bar offers follows what the selected machines can do. */
static void
hangar_window_update_selection (HangarWindow *self)
{
  guint n = g_hash_table_size (self->selected);
  gboolean start = FALSE, shutdown = FALSE, running = FALSE, paused = FALSE, save = FALSE;
  gboolean delete = FALSE;
  GHashTableIter iter;
  gpointer machine;
  g_autofree char *title = NULL;

  g_hash_table_iter_init (&iter, self->selected);
  while (g_hash_table_iter_next (&iter, &machine, NULL))
    {
      start |= hangar_machine_can_run (machine, HANGAR_MACHINE_ACTION_START);
      shutdown |= hangar_machine_can_run (machine, HANGAR_MACHINE_ACTION_SHUTDOWN);
      running |= hangar_machine_can_run (machine, HANGAR_MACHINE_ACTION_PAUSE);
      paused |= hangar_machine_can_run (machine, HANGAR_MACHINE_ACTION_RESUME);
      save |= hangar_machine_can_run (machine, HANGAR_MACHINE_ACTION_SAVE);
      delete |= hangar_machine_can_offer (machine, HANGAR_MACHINE_ACTION_DELETE);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.selection-start", start);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.selection-shutdown", shutdown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.selection-pause", running || paused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.selection-save", save);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.selection-delete", delete);
  /* One button pauses what runs, or else resumes what is paused. */
  gtk_button_set_label (self->selection_pause_button, running || !paused ? _("_Pause")
                                                                         : _("_Resume"));

  if (!self->selection_mode)
    return;
  if (n == 0)
    title = g_strdup (_("Select Machines"));
  else
    /* Translators: the title of the window in selection mode */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Selected", "%u Selected", n), n);
  adw_window_title_set_title (self->window_title, title);
}

/**
 * hangar_window_set_machine_selected:
 * @self: a #HangarWindow
 * @machine: a machine the collection shows
 * @selected: whether it is selected
 *
 * Ticks or unticks @machine in selection mode.
 */
static void
on_selected_gone (HangarMachine *machine,
                  GParamSpec    *pspec,
                  HangarWindow  *self)
{
  hangar_window_set_machine_selected (self, machine, FALSE);
}

void
hangar_window_set_machine_selected (HangarWindow  *self,
                                    HangarMachine *machine,
                                    gboolean       selected)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (HANGAR_IS_MACHINE (machine));

  if (!self->selection_mode || selected == g_hash_table_contains (self->selected, machine))
    return;

  if (selected)
    {
      g_hash_table_add (self->selected, g_object_ref (machine));
      g_signal_connect_object (machine, "notify::state",
                               G_CALLBACK (hangar_window_update_selection), self,
                               G_CONNECT_SWAPPED);
      /* Removed meanwhile (elsewhere, or deleted in another window): the
       * selection's actions must not reach it. */
      g_signal_connect_object (machine, "notify::gone", G_CALLBACK (on_selected_gone), self, 0);
    }
  else
    {
      g_signal_handlers_disconnect_by_func (machine, hangar_window_update_selection, self);
      g_signal_handlers_disconnect_by_func (machine, on_selected_gone, self);
      g_hash_table_remove (self->selected, machine);
    }
  for_each_card (GTK_WIDGET (self->collection_stack), hangar_window_sync_card_selection,
                 self);
  hangar_window_update_selection (self);
}

void
hangar_window_clear_selection (HangarWindow *self)
{
  GHashTableIter iter;
  gpointer machine;

  g_hash_table_iter_init (&iter, self->selected);
  while (g_hash_table_iter_next (&iter, &machine, NULL))
    {
      g_signal_handlers_disconnect_by_func (machine, hangar_window_update_selection, self);
      g_signal_handlers_disconnect_by_func (machine, on_selected_gone, self);
    }
  g_hash_table_remove_all (self->selected);
}

/**
 * hangar_window_set_selection_mode:
 * @self: a #HangarWindow
 * @selection_mode: whether clicking a machine selects it rather than opens it
 *
 * Enters or leaves selection mode; leaving it unselects every machine.
 */
void
hangar_window_set_selection_mode (HangarWindow *self,
                                  gboolean      selection_mode)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));

  selection_mode = !!selection_mode;
  if (self->selection_mode == selection_mode)
    return;
  self->selection_mode = selection_mode;
  if (!selection_mode)
    hangar_window_clear_selection (self);

  gtk_widget_set_visible (self->new_button, !selection_mode);
  gtk_widget_set_visible (self->select_button, !selection_mode);
  gtk_widget_set_visible (self->sort_button, !selection_mode);
  gtk_widget_set_visible (GTK_WIDGET (self->view_button), !selection_mode);
  gtk_widget_set_visible (self->primary_menu_button, !selection_mode);
  gtk_widget_set_visible (self->cancel_selection_button, selection_mode);
  gtk_action_bar_set_revealed (self->action_bar, selection_mode);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.leave-selection", selection_mode);
  if (selection_mode)
    gtk_widget_add_css_class (GTK_WIDGET (self->browse_box), "selection-mode");
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->browse_box), "selection-mode");
      adw_window_title_set_title (self->window_title, _("Hangar"));
    }

  for_each_card (GTK_WIDGET (self->collection_stack), hangar_window_sync_card_selection,
                 self);
  hangar_window_update_selection (self);
}

/**
 * hangar_window_get_selected:
 * @self: a #HangarWindow
 *
 * Returns: (transfer container) (element-type HangarMachine): the selected
 *   machines, in the order the collection shows them
 */
GPtrArray *
hangar_window_get_selected (HangarWindow *self)
{
  GListModel *shown;
  GPtrArray *machines;

  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  shown = G_LIST_MODEL (self->sort_model);
  machines = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; shown != NULL && i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (shown, i);

      if (g_hash_table_contains (self->selected, machine))
        g_ptr_array_add (machines, g_steal_pointer (&machine));
    }
  return machines;
}

static void
select_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  if (gtk_stack_get_visible_child (self->view_stack) != self->browse_box ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "collection") != 0)
    return;
  hangar_window_set_selection_mode (self, TRUE);
}

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  GListModel *shown = G_LIST_MODEL (self->sort_model);

  select_action (widget, action_name, parameter);
  if (!self->selection_mode)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (shown, i);

      hangar_window_set_machine_selected (self, machine, TRUE);
    }
}

static void
leave_selection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  hangar_window_set_selection_mode (HANGAR_WINDOW (widget), FALSE);
}

static void
selection_operation_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  g_autoptr(GPtrArray) machines = hangar_window_get_selected (self);
  const char *verb = action_name + strlen ("win.selection-");

  if (g_str_equal (verb, "delete"))
    {
      g_autoptr(GPtrArray) kept = g_ptr_array_new ();

      for (guint i = 0; i < machines->len; i++)
        if (hangar_machine_can_offer (g_ptr_array_index (machines, i),
                                      HANGAR_MACHINE_ACTION_DELETE))
          g_ptr_array_add (kept, g_ptr_array_index (machines, i));
      hangar_window_delete_machines (self, kept, FALSE);
      hangar_window_set_selection_mode (self, FALSE);
      return;
    }
  hangar_window_run_on_machines (self, verb, machines);
}

typedef struct
{
  GWeakRef window;
} OpData;

static void
op_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  HangarMachine *machine = HANGAR_MACHINE (object);
  OpData *data = user_data;
  g_autoptr(HangarWindow) self = g_weak_ref_get (&data->window);
  g_autoptr(GError) error = NULL;

  if (!hangar_machine_run_finish (machine, result, &error) && self != NULL &&
      g_error_matches (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_SHUTDOWN_TIMEOUT))
    /* As from a card: the window offers Force Off. */
    gtk_widget_activate_action (GTK_WIDGET (self), "win.offer-force-off", "s",
                                hangar_machine_get_uuid (machine));
  else if (error != NULL && self != NULL)
    {
      /* Translators: %s is a machine's name, then why an action on it failed */
      g_autofree char *message = g_strdup_printf (_("“%s”: %s"), hangar_machine_get_name (machine),
                                                  error->message);

      hangar_window_add_toast (self, message);
    }
  else if (error != NULL)
    g_warning ("%s: %s", hangar_machine_get_name (machine), error->message);

  g_weak_ref_clear (&data->window);
  g_free (data);
}

/**
 * hangar_window_run_on_machines:
 * @self: a #HangarWindow
 * @verb: "start", "shutdown", "force-off", "pause" (which resumes paused
 *   machines when none of @machines runs) or "save"
 * @machines: (element-type HangarMachine): the machines
 *
 * Runs the operation, in parallel, on each of @machines whose state allows
 * it; the others are left alone. Failures show as toasts.
 */
void
hangar_window_run_on_machines (HangarWindow *self,
                               const char   *verb,
                               GPtrArray    *machines)
{
  HangarMachineAction action;

  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (verb != NULL && machines != NULL);
  g_return_if_fail (hangar_machine_action_from_nick (verb, &action) &&
                    hangar_machine_action_changes_state (action));

  /* Pause pauses what runs, or else resumes what is paused. */
  if (action == HANGAR_MACHINE_ACTION_PAUSE)
    {
      action = HANGAR_MACHINE_ACTION_RESUME;
      for (guint i = 0; i < machines->len; i++)
        if (hangar_machine_can_run (g_ptr_array_index (machines, i), HANGAR_MACHINE_ACTION_PAUSE))
          action = HANGAR_MACHINE_ACTION_PAUSE;
    }

  for (guint i = 0; i < machines->len; i++)
    {
      HangarMachine *machine = g_ptr_array_index (machines, i);
      OpData *data;

      if (!hangar_machine_can_run (machine, action))
        continue;

      data = g_new0 (OpData, 1);
      g_weak_ref_init (&data->window, self);
      hangar_machine_run_async (machine, action, HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT, NULL,
                                op_done, data);
    }
}

void
hangar_window_class_init_selection (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.select", NULL, select_action);
  gtk_widget_class_install_action (widget_class, "win.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "win.leave-selection", NULL,
                                   leave_selection_action);
  gtk_widget_class_install_action (widget_class, "win.selection-start", NULL,
                                   selection_operation_action);
  gtk_widget_class_install_action (widget_class, "win.selection-shutdown", NULL,
                                   selection_operation_action);
  gtk_widget_class_install_action (widget_class, "win.selection-pause", NULL,
                                   selection_operation_action);
  gtk_widget_class_install_action (widget_class, "win.selection-save", NULL,
                                   selection_operation_action);
  gtk_widget_class_install_action (widget_class, "win.selection-delete", NULL,
                                   selection_operation_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK,
                                       "win.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "win.leave-selection", NULL);
}
