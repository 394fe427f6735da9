/* hangar-window-private.h
 *
 * What the files of HangarWindow share, and what its tests reach.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-window.h"

G_BEGIN_DECLS

struct _HangarWindow
{
  AdwApplicationWindow  parent_instance;

  HangarConnection     *connection;
  HangarCollection     *collection;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *empty_page;
  GtkWidget            *empty_new_button;
  AdwStatusPage        *error_page;
  GtkGridView          *grid_view;
  GtkListView          *list_view;
  GtkSelectionModel    *selection_model;
  GtkStack             *collection_stack;
  GtkButton            *view_button;
  GSettings            *settings;
  GtkStack             *view_stack;
  GtkWidget            *browse_box;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  AdwStatusPage        *no_results_page;
  GtkWidget            *new_button;
  GtkWidget            *select_button;
  GtkWidget            *sort_button;
  GtkWidget            *search_button;
  GtkWidget            *primary_menu_button;
  GtkWidget            *cancel_selection_button;
  GtkActionBar         *action_bar;
  GtkButton            *selection_pause_button;

  /* collection → filter (search) → sort → the views */
  GtkCustomFilter      *filter;
  GtkFilterListModel   *filter_model;
  GtkSortListModel     *sort_model;
  GtkCustomSorter      *sorter;
  gboolean              sort_by_last_used;
  char                 *query;

  /* Live thumbnails for the cards on screen */
  HangarThumbnailer    *thumbnailer;

  /* Selection mode: the machines ticked, each referenced */
  gboolean              selection_mode;
  GHashTable           *selected;

  HangarApplication    *application;
  /* Machines deleted in this window whose Undo is still offered:
   * HangarMachine → its toast. Hiding them is the application's
   * (hangar_application_set_deleting()), in every window. */
  GHashTable           *pending_deletes;
  HangarDisplayPage    *display_page;
};

/* hangar-window-actions.c */
void       hangar_window_class_init_actions   (GtkWidgetClass *widget_class);
void       hangar_window_delete_machines      (HangarWindow  *self,
                                               GPtrArray     *machines,
                                               gboolean       keep_disk);
void       hangar_window_commit_deletes       (HangarWindow  *self);

/* hangar-window-display.c */
void       hangar_window_class_init_display   (GtkWidgetClass *widget_class);
void       hangar_window_attach_display       (HangarWindow  *self);

/* hangar-window-selection.c */
void       hangar_window_class_init_selection (GtkWidgetClass *widget_class);
void       hangar_window_set_selection_mode   (HangarWindow  *self,
                                               gboolean       selection_mode);
void       hangar_window_set_machine_selected (HangarWindow  *self,
                                               HangarMachine *machine,
                                               gboolean       selected);
GPtrArray *hangar_window_get_selected         (HangarWindow  *self);
void       hangar_window_clear_selection      (HangarWindow  *self);
void       hangar_window_sync_card_selection  (HangarWindow      *self,
                                               HangarMachineCard *card);
void       hangar_window_run_on_machines      (HangarWindow  *self,
                                               const char    *verb,
                                               GPtrArray     *machines);

/* hangar-window-view.c */
void       hangar_window_class_init_view      (GtkWidgetClass *widget_class);
void       hangar_window_init_view            (HangarWindow  *self);
void       hangar_window_attach_view          (HangarWindow  *self);

G_END_DECLS
