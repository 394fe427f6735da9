/* hangar-window.c
 *
 * The main window: a header bar, and the machines of the connection, or the
 * loading, empty or error state in their place. Its other concerns live in
 * hangar-window-actions.c (new machine, delete with undo, toasts),
 * hangar-window-display.c (a machine's display), hangar-window-selection.c
 * (selection mode) and hangar-window-view.c (search, sort, grid or list).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <stdio.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-machine-card.h"
#include "hangar-thumbnailer.h"
#include "hangar-window-private.h"

G_DEFINE_FINAL_TYPE (HangarWindow, hangar_window, ADW_TYPE_APPLICATION_WINDOW)

static void
hangar_window_update_page (HangarWindow *self)
{
  HangarConnectionState state = hangar_connection_get_state (self->connection);
  gboolean browsing;
  const char *page;

  switch (state)
    {
    case HANGAR_CONNECTION_CONNECTED:
      if (g_list_model_get_n_items (G_LIST_MODEL (self->collection)) == 0)
        page = "empty";
      else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
        page = "no-results";
      else
        page = "collection";
      break;
    case HANGAR_CONNECTION_FAILED:
      {
        const GError *error = hangar_connection_get_error (self->connection);

        adw_status_page_set_description (self->error_page,
                                         error != NULL ? error->message : NULL);
        page = "error";
      }
      break;
    case HANGAR_CONNECTION_CONNECTING:
      /* A reconnection after a failure keeps the error page, with its Retry
       * button, rather than flashing the spinner every few seconds. */
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") == 0)
        return;
      page = "loading";
      break;
    case HANGAR_CONNECTION_DISCONNECTED:
    default:
      page = "loading";
      break;
    }

  gtk_spinner_set_spinning (self->spinner, g_strcmp0 (page, "loading") == 0);
  gtk_stack_set_visible_child_name (self->stack, page);

  /* Sorting, selecting, switching the view and searching need machines. */
  browsing = g_str_equal (page, "collection") || g_str_equal (page, "no-results");
  gtk_widget_set_sensitive (self->select_button, browsing);
  gtk_widget_set_sensitive (self->sort_button, browsing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->view_button), browsing);
  gtk_widget_set_sensitive (self->search_button, browsing);
}

/**
 * hangar_window_get_visible_page:
 * @self: a #HangarWindow
 *
 * Returns: which page shows: "loading", "empty", "error" or "collection"
 */
const char *
hangar_window_get_visible_page (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_set_spinning (self->spinner, TRUE);
  hangar_application_reconnect (HANGAR_APPLICATION (app));
}

static gboolean
on_drop (HangarWindow  *self,
         const GValue  *value,
         double         x,
         double         y)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) || (files = g_value_get_boxed (value)) == NULL)
    return FALSE;
  hangar_window_new_machine (self, G_FILE (files->data));
  return TRUE;
}

static void
clear_toast (gpointer toast)
{
  if (toast != NULL)
    g_object_unref (toast);
}

/* ------------------------------------------------------------------------ */

/* HANGAR_BENCH_REPORT=PATH, read once when the window is made (for
 * bench/collection-bench): after the first frame that shows the whole
 * collection, that is connected, on the collection (or empty) page, with
 * every card on show (mapped) bound to its machine, one line
 *   collection-painted <CLOCK_MONOTONIC µs> <machines> <cards on show>
 * is appended to PATH from the frame clock's after-paint, once. */
static void
count_cards (GtkWidget *widget,
             guint     *cards,
             guint     *ready)
{
  /* The views keep cards out of sight unmapped. */
  if (!gtk_widget_get_mapped (widget))
    return;
  if (HANGAR_IS_MACHINE_CARD (widget))
    {
      (*cards)++;
      if (hangar_machine_card_get_machine (HANGAR_MACHINE_CARD (widget)) != NULL &&
          gtk_widget_get_width (widget) > 0)
        (*ready)++;
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count_cards (child, cards, ready);
}

static void
bench_after_paint (GdkFrameClock *clock,
                   HangarWindow  *self)
{
  gint64 now = g_get_monotonic_time ();
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  guint machines = g_list_model_get_n_items (G_LIST_MODEL (self->collection));
  guint cards = 0, ready = 0;
  const char *path;
  FILE *report;

  if (hangar_connection_get_state (self->connection) != HANGAR_CONNECTION_CONNECTED)
    return;
  if (g_strcmp0 (page, "collection") == 0)
    {
      count_cards (gtk_stack_get_visible_child (self->collection_stack), &cards, &ready);
      if (cards == 0 || ready != cards)
        return;
    }
  else if (g_strcmp0 (page, "empty") != 0)
    return;

  g_signal_handlers_disconnect_by_func (clock, bench_after_paint, self);
  path = g_object_get_data (G_OBJECT (self), "hangar-bench-report");
  report = fopen (path, "a");
  if (report == NULL)
    {
      g_warning ("HANGAR_BENCH_REPORT: cannot open %s", path);
      return;
    }
  fprintf (report, "collection-painted %" G_GINT64_FORMAT " %u %u\n", now, machines, cards);
  fclose (report);
}

static void
bench_on_realize (HangarWindow *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                           G_CALLBACK (bench_after_paint), self, 0);
}

/* GtkWindow:application is not a construct property, so the window is wired
 * to the application's model here rather than in constructed(). */
static void
hangar_window_attach (HangarWindow      *self,
                      HangarApplication *app)
{
  GSettings *settings = hangar_application_get_settings (app);
  g_autofree char *icon_name = NULL;
  GtkDropTarget *drop;

  /* Each window starts as the last one was and saves its own changes, but
   * does not follow another window's: maximizing one maximizes only it. */
  g_settings_bind (settings, "window-width", self, "default-width",
                   G_SETTINGS_BIND_SET | G_SETTINGS_BIND_GET | G_SETTINGS_BIND_GET_NO_CHANGES);
  g_settings_bind (settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_SET | G_SETTINGS_BIND_GET | G_SETTINGS_BIND_GET_NO_CHANGES);
  g_settings_bind (settings, "window-maximized", self, "maximized",
                   G_SETTINGS_BIND_SET | G_SETTINGS_BIND_GET | G_SETTINGS_BIND_GET_NO_CHANGES);

  self->application = g_object_ref (app);
  self->connection = g_object_ref (hangar_application_get_connection (app));
  self->collection = g_object_ref (hangar_application_get_collection (app));
  self->settings = g_object_ref (settings);

  hangar_window_attach_view (self);
  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (hangar_window_update_page), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->connection, "notify::state",
                           G_CALLBACK (hangar_window_update_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->collection, "notify::n-items",
                           G_CALLBACK (hangar_window_update_page), self, G_CONNECT_SWAPPED);

  if (g_strcmp0 (hangar_connection_get_uri (self->connection), HANGAR_DEFAULT_URI) != 0)
    adw_window_title_set_subtitle (self->window_title,
                                   hangar_connection_get_uri (self->connection));

  hangar_window_attach_display (self);

  icon_name = g_strconcat (APPLICATION_ID, "-symbolic", NULL);
  adw_status_page_set_icon_name (self->empty_page, icon_name);

  /* An ISO or a disk image dropped on the window starts the assistant with it. */
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  if (g_getenv ("HANGAR_BENCH_REPORT") != NULL && *g_getenv ("HANGAR_BENCH_REPORT") != '\0')
    {
      g_object_set_data_full (G_OBJECT (self), "hangar-bench-report",
                              g_strdup (g_getenv ("HANGAR_BENCH_REPORT")), g_free);
      g_signal_connect (self, "realize", G_CALLBACK (bench_on_realize), NULL);
    }

  hangar_window_update_page (self);
}

HangarWindow *
hangar_window_new (HangarApplication *application)
{
  HangarWindow *self;

  g_return_val_if_fail (HANGAR_IS_APPLICATION (application), NULL);

  self = g_object_new (HANGAR_TYPE_WINDOW, "application", application, NULL);
  hangar_window_attach (self, application);

  return self;
}

static void
hangar_window_dispose (GObject *object)
{
  HangarWindow *self = HANGAR_WINDOW (object);

  /* Deletions still waiting for their undo time happen now. */
  hangar_window_commit_deletes (self);

  /* The views may hold the models a little longer than the window. */
  if (self->filter != NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_WINDOW);
  if (self->selected != NULL)
    hangar_window_clear_selection (self);
  g_clear_pointer (&self->selected, g_hash_table_unref);
  if (self->thumbnailer != NULL)
    g_object_run_dispose (G_OBJECT (self->thumbnailer));
  g_clear_object (&self->thumbnailer);
  if (self->sorter != NULL)
    gtk_custom_sorter_set_sort_func (self->sorter, NULL, NULL, NULL);
  g_clear_object (&self->sorter);
  g_clear_object (&self->selection_model);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->pending_deletes, g_hash_table_unref);
  g_clear_object (&self->collection);
  g_clear_object (&self->application);
  g_clear_object (&self->settings);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (hangar_window_parent_class)->dispose (object);
}

static void
hangar_window_class_init (HangarWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/hangar-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, empty_new_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, grid_view);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, browse_box);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, collection_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, view_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, new_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, select_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, sort_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, cancel_selection_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, action_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, selection_pause_button);

  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);

  hangar_window_class_init_actions (widget_class);
  hangar_window_class_init_display (widget_class);
  hangar_window_class_init_selection (widget_class);
  hangar_window_class_init_view (widget_class);
}

static void
hangar_window_init (HangarWindow *self)
{
  g_type_ensure (HANGAR_TYPE_MACHINE_CARD);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->thumbnailer = hangar_thumbnailer_new (GTK_WINDOW (self));
  self->selected = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.leave-selection", FALSE);
  self->pending_deletes = g_hash_table_new_full (NULL, NULL, g_object_unref,
                                                 clear_toast);
  hangar_window_init_view (self);
}
