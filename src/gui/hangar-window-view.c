/* hangar-window-view.c
 *
 * The collection as the window shows it: collection → filter (search) →
 * sort → the grid or the list (view-mode), and the cards those views make.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-application.h"
#include "hangar-machine-card.h"
#include "hangar-machine.h"
#include "hangar-window-private.h"

static char *
fold_for_search (const char *text)
{
  return hangar_machine_fold_search_text (text);
}

static gboolean
machine_matches (gpointer item,
                 gpointer user_data)
{
  HangarWindow *self = user_data;

  if (self->application != NULL && hangar_application_is_deleting (self->application, item))
    return FALSE;
  /* Anywhere in the name or the OS's name. */
  return self->query == NULL || hangar_machine_matches_search (HANGAR_MACHINE (item), self->query);
}

/* By name; or most recently used first, then those never used by name. */
static int
compare_machines (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  HangarWindow *self = user_data;

  return hangar_machine_compare (HANGAR_MACHINE ((gpointer) a), HANGAR_MACHINE ((gpointer) b),
                                 self->sort_by_last_used);
}

static void
on_sort_by_changed (HangarWindow *self)
{
  g_autofree char *sort_by = g_settings_get_string (self->settings, "sort-by");
  gboolean last_used = g_strcmp0 (sort_by, "last-used") == 0;

  if (last_used == self->sort_by_last_used)
    return;
  self->sort_by_last_used = last_used;
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
}

/* The models do not watch their items: a machine that starts, or whose OS
 * is found, may move or show up in a search. */
static void
on_machine_last_used (HangarWindow *self)
{
  if (self->sort_by_last_used)
    gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
}

static void
on_machine_os_name (HangarWindow *self)
{
  if (self->query != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_collection_items_changed (HangarWindow *self,
                             guint         position,
                             guint         removed,
                             guint         added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (G_LIST_MODEL (self->collection), i);

      if (g_signal_handler_find (machine, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                                 on_machine_last_used, self) != 0)
        continue;
      g_signal_connect_object (machine, "notify::last-used", G_CALLBACK (on_machine_last_used),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (machine, "notify::os-name", G_CALLBACK (on_machine_os_name),
                               self, G_CONNECT_SWAPPED);
    }
}

static void
on_search_changed (HangarWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autofree char *query = *stripped != '\0' ? fold_for_search (stripped) : NULL;
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (g_strcmp0 (query, self->query) == 0)
    return;

  /* A longer query only hides more; a shorter one only shows more. */
  if (self->query == NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (query == NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else if (strstr (query, self->query) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (strstr (self->query, query) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;

  g_free (self->query);
  self->query = g_steal_pointer (&query);
  gtk_filter_changed (GTK_FILTER (self->filter), change);
}

/* Enter in the search entry opens the first machine found. */
static void
on_search_activate (HangarWindow *self)
{
  g_autoptr(HangarMachine) machine = NULL;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->sort_model)) == 0)
    return;
  machine = g_list_model_get_item (G_LIST_MODEL (self->sort_model), 0);
  hangar_window_open_machine (self, machine);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  if (gtk_stack_get_visible_child (self->view_stack) != self->browse_box)
    return;
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * hangar_window_get_machines:
 * @self: a #HangarWindow
 *
 * Returns: (transfer none): the machines the collection view shows, found by
 *   the search and in their shown order
 */
GListModel *
hangar_window_get_machines (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->sort_model);
}

/**
 * hangar_window_set_search_text:
 * @self: a #HangarWindow
 * @text: (nullable): what to search for; %NULL or "" ends the search
 *
 * Searches the collection as if @text was typed in the search bar.
 */
void
hangar_window_set_search_text (HangarWindow *self,
                               const char   *text)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));

  if (text == NULL || *text == '\0')
    {
      gtk_search_bar_set_search_mode (self->search_bar, FALSE);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
    }
  else
    {
      gtk_search_bar_set_search_mode (self->search_bar, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
    }
  /* Not after the entry's search delay: now. */
  on_search_changed (self);
}

/* A card's check box ticked or unticked (by the user, through
 * accessibility): the selection follows. */
static void
on_card_selected (HangarMachineCard *card,
                  GParamSpec        *pspec,
                  HangarWindow      *self)
{
  HangarMachine *machine = hangar_machine_card_get_machine (card);

  if (machine != NULL)
    hangar_window_set_machine_selected (self, machine, hangar_machine_card_get_selected (card));
}

static HangarMachineCard *
new_card (HangarWindow *self)
{
  HangarMachineCard *card = hangar_machine_card_new ();

  hangar_machine_card_set_thumbnailer (card, self->thumbnailer);
  g_signal_connect_object (card, "notify::selected", G_CALLBACK (on_card_selected), self, 0);
  return card;
}

static void
setup_card (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  gtk_list_item_set_child (item, GTK_WIDGET (new_card (user_data)));
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  HangarMachineCard *card = new_card (user_data);

  hangar_machine_card_set_compact (card, TRUE);
  gtk_list_item_set_child (item, GTK_WIDGET (card));
}

/* The grid or the list, as the view-mode setting says; the button offers
 * the other one. */
static void
hangar_window_update_view (HangarWindow *self)
{
  g_autofree char *mode = g_settings_get_string (self->settings, "view-mode");
  gboolean list = g_strcmp0 (mode, "list") == 0;

  /* Only the view on show has the model: a view makes its cards as soon as
   * it has one, shown or not (a few hundred of them with a long collection). */
  gtk_grid_view_set_model (self->grid_view, list ? NULL : self->selection_model);
  gtk_list_view_set_model (self->list_view, list ? self->selection_model : NULL);
  gtk_stack_set_visible_child_name (self->collection_stack, list ? "list" : "grid");
  gtk_button_set_icon_name (self->view_button, list ? "view-grid-symbolic" : "view-list-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->view_button),
                               list ? _("Show as Grid") : _("Show as List"));
}

static void
toggle_view_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  g_autofree char *mode = g_settings_get_string (self->settings, "view-mode");

  g_settings_set_string (self->settings, "view-mode",
                         g_strcmp0 (mode, "list") == 0 ? "grid" : "list");
}

static void
bind_card (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  HangarMachineCard *card = HANGAR_MACHINE_CARD (gtk_list_item_get_child (item));

  hangar_machine_card_set_machine (card, gtk_list_item_get_item (item));
  hangar_window_sync_card_selection (user_data, card);
}

static void
unbind_card (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  HangarMachineCard *card = HANGAR_MACHINE_CARD (gtk_list_item_get_child (item));

  hangar_machine_card_set_machine (card, NULL);
}

static GtkWidget *
find_card (GtkWidget  *widget,
           const char *name)
{
  if (HANGAR_IS_MACHINE_CARD (widget))
    {
      HangarMachine *machine = hangar_machine_card_get_machine (HANGAR_MACHINE_CARD (widget));

      if (machine != NULL && g_strcmp0 (hangar_machine_get_name (machine), name) == 0)
        return widget;
      return NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_card (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * hangar_window_get_card:
 * @self: a #HangarWindow
 * @name: a machine name
 *
 * Returns: (transfer none) (nullable): the card showing the machine called
 *   @name, if it is in view
 */
GtkWidget *
hangar_window_get_card (HangarWindow *self,
                        const char   *name)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return find_card (gtk_stack_get_visible_child (self->collection_stack), name);
}

static void
on_view_activate (GtkWidget    *view,
                  guint         position,
                  HangarWindow *self)
{
  g_autoptr(HangarMachine) machine =
    g_list_model_get_item (G_LIST_MODEL (self->sort_model), position);

  if (machine == NULL)
    return;
  if (self->selection_mode)
    hangar_window_set_machine_selected (self, machine,
                                        !g_hash_table_contains (self->selected, machine));
  else
    hangar_window_open_machine_and_start (self, machine);
}

/* The views' factories and the search, which need the template. */
void
hangar_window_init_view (HangarWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkListItemFactory) row_factory = NULL;

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_card), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_card), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_card), NULL);
  gtk_grid_view_set_factory (self->grid_view, factory);
  g_signal_connect (self->grid_view, "activate", G_CALLBACK (on_view_activate), self);

  row_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (row_factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (row_factory, "bind", G_CALLBACK (bind_card), self);
  g_signal_connect (row_factory, "unbind", G_CALLBACK (unbind_card), NULL);
  gtk_list_view_set_factory (self->list_view, row_factory);
  g_signal_connect (self->list_view, "activate", G_CALLBACK (on_view_activate), self);

  self->filter = gtk_custom_filter_new (machine_matches, self, NULL);
  /* Typing anywhere in the collection (not over a machine's display) searches. */
  gtk_search_bar_set_key_capture_widget (self->search_bar, self->browse_box);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
}

/* The models over the application's collection, once the window has it
 * (and its settings). */
static void
on_deleting_changed (HangarWindow  *self,
                     HangarMachine *machine)
{
  gboolean deleting = hangar_application_is_deleting (self->application, machine);

  /* Hidden, so not selected either: the selection acts on what shows. */
  if (deleting)
    hangar_window_set_machine_selected (self, machine, FALSE);
  gtk_filter_changed (GTK_FILTER (self->filter),
                      deleting ? GTK_FILTER_CHANGE_MORE_STRICT : GTK_FILTER_CHANGE_LESS_STRICT);
}

void
hangar_window_attach_view (HangarWindow *self)
{
  GSettings *settings = self->settings;

  /* HangarCollection is already in name order; the sort model is where
   * another order (last used, once machines record it) plugs in. */
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->collection)),
                                                  GTK_FILTER (g_object_ref (self->filter)));
  self->sorter = gtk_custom_sorter_new (compare_machines, self, NULL);
  self->sort_model =
    gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                             GTK_SORTER (g_object_ref (self->sorter)));
  self->selection_model =
    GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model))));

  /* Deleted in this window or another: hidden while the undo is offered. */
  g_signal_connect_object (self->application, "deleting-changed",
                           G_CALLBACK (on_deleting_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::view-mode",
                           G_CALLBACK (hangar_window_update_view), self, G_CONNECT_SWAPPED);
  hangar_window_update_view (self);
  {
    g_autoptr(GAction) sort_by = g_settings_create_action (settings, "sort-by");

    g_action_map_add_action (G_ACTION_MAP (self), sort_by);
  }
  g_signal_connect_object (settings, "changed::sort-by",
                           G_CALLBACK (on_sort_by_changed), self, G_CONNECT_SWAPPED);
  on_sort_by_changed (self);
  g_signal_connect_object (self->collection, "items-changed",
                           G_CALLBACK (on_collection_items_changed), self, G_CONNECT_SWAPPED);
  on_collection_items_changed (self, 0, 0,
                               g_list_model_get_n_items (G_LIST_MODEL (self->collection)));
}

void
hangar_window_class_init_view (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-view", NULL, toggle_view_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
}
