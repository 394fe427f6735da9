/* hangar-window.c
 *
 * The main window: a header bar, and the machines of the connection, or the
 * loading, empty or error state in their place.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "hangar-application.h"
#include "hangar-assistant.h"
#include "hangar-vm-creator.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-machine-card.h"
#include "hangar-display-page.h"
#include "hangar-machine.h"
#include "hangar-snapshots-dialog.h"
#include "hangar-thumbnailer.h"
#include "hangar-window-private.h"
#include "hangar-window.h"

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
  /* Machines deleted from the view: HangarMachine → its Undo toast while
   * undo is possible, NULL once the real deletion runs. */
  GHashTable           *pending_deletes;
  HangarDisplayPage    *display_page;
};

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
 * hangar_window_new_machine:
 * @file: (nullable): an image to start from
 *
 * Opens the new machine assistant over this window.
 *
 * Returns: (transfer none): the assistant
 */
HangarAssistant *
hangar_window_new_machine (HangarWindow *self,
                           GFile        *file)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  HangarAssistant *assistant;

  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  assistant = hangar_assistant_new (HANGAR_APPLICATION (app), GTK_WINDOW (self));
  if (file != NULL)
    hangar_assistant_open_file (assistant, file);
  gtk_window_present (GTK_WINDOW (assistant));
  return assistant;
}

typedef struct
{
  HangarWindow *window;
  char         *name;
} KeepData;

static void
keep_data_free (KeepData *data)
{
  g_clear_object (&data->window);
  g_free (data->name);
  g_free (data);
}

static void
keep_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  KeepData *data = user_data;
  HangarWindow *self = data->window;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!hangar_vm_creator_keep_finish (HANGAR_VM_CREATOR (object), result, &error))
    {
      /* Translators: %s is a machine's name, then why keeping it failed */
      message = g_strdup_printf (_("Could not keep “%s”: %s"), data->name, error->message);
      if (app != NULL)
        hangar_display_page_set_can_keep (self->display_page, TRUE);
    }
  else
    {
      message = g_strdup_printf (_("“%s” is kept: it stays when it stops"), data->name);
      if (app != NULL)
        hangar_application_forget_try_it (HANGAR_APPLICATION (app), data->name);
    }
  hangar_window_add_toast (self, message);
  keep_data_free (data);
}

static void
keep_response (AdwMessageDialog *dialog,
               const char       *response,
               KeepData         *data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (data->window));
  HangarVmCreator *creator = app != NULL
    ? hangar_application_get_try_it (HANGAR_APPLICATION (app), data->name) : NULL;
  guint64 disk_gib = 0;

  if (creator == NULL || g_str_equal (response, "cancel"))
    {
      keep_data_free (data);
      return;
    }
  if (g_str_equal (response, "disk"))
    {
      const HangarOsProfile *profile = hangar_vm_creator_get_profile (creator);

      disk_gib = profile->disk_gib > 0 ? profile->disk_gib : 20;
    }
  hangar_display_page_set_can_keep (data->window->display_page, FALSE);
  hangar_vm_creator_keep_async (creator, disk_gib, NULL, keep_done, data);
}

/* "Try it" to real machine: with a disk to install to, or as it is. */
static void
keep_machine_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarMachine *machine = hangar_display_page_get_machine (self->display_page);
  GtkWidget *dialog;
  KeepData *data;

  if (machine == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);
  /* Translators: %s is a machine's name */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Keep “%s”?"),
                                     hangar_machine_get_name (machine));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("The machine stays in your collection after it stops. Give it a "
                                 "disk to install the system to, or keep it as a live system that "
                                 "starts from its image each time. A new disk is seen from the "
                                 "machine’s next start."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "live", _("Keep _Without Disk"),
                                    "disk", _("Keep With _Disk"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "disk",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "disk");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  data = g_new0 (KeepData, 1);
  data->window = g_object_ref (self);
  data->name = g_strdup (hangar_machine_get_name (machine));
  g_signal_connect (dialog, "response", G_CALLBACK (keep_response), data);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_machine_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  hangar_window_new_machine (HANGAR_WINDOW (widget), NULL);
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

  if (g_hash_table_contains (self->pending_deletes, item))
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

static void
clear_toast (gpointer toast)
{
  if (toast != NULL)
    g_object_unref (toast);
}

typedef struct
{
  GWeakRef           window;
  HangarApplication *application;
} DeleteData;

static void
delete_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  HangarMachine *machine = HANGAR_MACHINE (object);
  DeleteData *data = user_data;
  g_autoptr(HangarWindow) self = g_weak_ref_get (&data->window);
  g_autoptr(GError) error = NULL;

  /* On success the machine stays hidden until the collection drops it. */
  if (!hangar_machine_delete_finish (machine, result, &error))
    {
      /* With the window gone, the log is all that is left to say it. */
      if (self == NULL)
        g_warning ("Could not delete %s: %s", hangar_machine_get_name (machine), error->message);
      else
        {
          g_hash_table_remove (self->pending_deletes, machine);
          gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_LESS_STRICT);
          /* HangarMachine's message names the machine already. */
          hangar_window_add_toast (self, error->message);
        }
    }

  g_application_release (G_APPLICATION (data->application));
  g_object_unref (data->application);
  g_weak_ref_clear (&data->window);
  g_free (data);
}

/* The undo time is over: delete for real. The application stays until it is
 * done, even when this window closed in the meantime. */
static void
commit_delete (HangarWindow  *self,
               HangarMachine *machine)
{
  DeleteData *data;
  gpointer toast = NULL;
  gboolean keep_disk;

  /* Toasts may say they are dismissed while the window is disposed. */
  if (self->pending_deletes == NULL ||
      !g_hash_table_lookup_extended (self->pending_deletes, machine, NULL, &toast) ||
      toast == NULL)
    return;

  keep_disk = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (toast), "keep-disk"));
  g_hash_table_insert (self->pending_deletes, g_object_ref (machine), NULL);
  data = g_new0 (DeleteData, 1);
  g_weak_ref_init (&data->window, self);
  data->application = g_object_ref (self->application);
  g_application_hold (G_APPLICATION (data->application));
  hangar_machine_delete_async (machine, keep_disk, NULL, delete_done, data);
}

static void
on_delete_toast_dismissed (AdwToast     *toast,
                           HangarWindow *self)
{
  GPtrArray *machines = g_object_get_data (G_OBJECT (toast), "machines");

  for (guint i = 0; i < machines->len; i++)
    commit_delete (self, g_ptr_array_index (machines, i));
}

/**
 * hangar_window_delete_machines:
 * @self: a #HangarWindow
 * @machines: (element-type HangarMachine): machines of the collection
 * @keep_disk: whether their disk images stay
 *
 * Hides @machines from the view at once and offers to undo in one toast;
 * they (and their disks, unless @keep_disk) are deleted when the toast goes
 * away without undo, or when the window closes first.
 */
void
hangar_window_delete_machines (HangarWindow *self,
                               GPtrArray    *machines,
                               gboolean      keep_disk)
{
  g_autoptr(GPtrArray) deleted = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *message = NULL;
  AdwToast *toast;

  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (machines != NULL);

  for (guint i = 0; i < machines->len; i++)
    {
      HangarMachine *machine = g_ptr_array_index (machines, i);

      if (!g_hash_table_contains (self->pending_deletes, machine))
        g_ptr_array_add (deleted, g_object_ref (machine));
    }
  if (deleted->len == 0)
    return;

  if (deleted->len == 1 && keep_disk)
    /* Translators: %s is a machine's name */
    message = g_strdup_printf (_("“%s” deleted, its disk kept"),
                               hangar_machine_get_name (g_ptr_array_index (deleted, 0)));
  else if (deleted->len == 1)
    /* Translators: %s is a machine's name */
    message = g_strdup_printf (_("“%s” deleted"),
                               hangar_machine_get_name (g_ptr_array_index (deleted, 0)));
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u machine deleted",
                                            "%u machines deleted", deleted->len),
                               deleted->len);
  toast = adw_toast_new (message);
  g_object_set_data (G_OBJECT (toast), "keep-disk", GINT_TO_POINTER (keep_disk));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_button_label (toast, _("_Undo"));
  /* Undo finds the toast by any of its machines, and brings them all back. */
  adw_toast_set_action_name (toast, "win.undo-delete");
  adw_toast_set_action_target_value (toast, g_variant_new_string (
                                       hangar_machine_get_uuid (g_ptr_array_index (deleted, 0))));
  for (guint i = 0; i < deleted->len; i++)
    g_hash_table_insert (self->pending_deletes, g_object_ref (g_ptr_array_index (deleted, i)),
                         g_object_ref (toast));
  g_object_set_data_full (G_OBJECT (toast), "machines", g_steal_pointer (&deleted),
                          (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed), self, 0);

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_MORE_STRICT);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * hangar_window_delete_machine:
 * @self: a #HangarWindow
 * @machine: a machine of the collection
 *
 * Hides @machine from the view at once and offers to undo in a toast; the
 * machine and its disks are deleted when the toast goes away without undo,
 * or when the window closes first.
 */
void
hangar_window_delete_machine (HangarWindow  *self,
                              HangarMachine *machine)
{
  hangar_window_delete_machine_full (self, machine, FALSE);
}

/**
 * hangar_window_delete_machine_full:
 * @self: a #HangarWindow
 * @machine: a machine of the collection
 * @keep_disk: whether its disk images stay
 *
 * Like hangar_window_delete_machine(); with @keep_disk, only the machine
 * goes and its disk images stay where they are.
 */
void
hangar_window_delete_machine_full (HangarWindow  *self,
                                   HangarMachine *machine,
                                   gboolean       keep_disk)
{
  g_autoptr(GPtrArray) machines = g_ptr_array_new ();

  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (HANGAR_IS_MACHINE (machine));

  g_ptr_array_add (machines, machine);
  hangar_window_delete_machines (self, machines, keep_disk);
}

static void
confirm_delete_response (AdwMessageDialog *dialog,
                         const char       *response,
                         HangarWindow     *self)
{
  HangarMachine *machine = g_object_get_data (G_OBJECT (dialog), "machine");
  GtkWidget *keep = adw_message_dialog_get_extra_child (dialog);

  if (g_str_equal (response, "delete"))
    hangar_window_delete_machine_full (self, machine,
                                       gtk_check_button_get_active (GTK_CHECK_BUTTON (keep)));
}

/**
 * hangar_window_confirm_delete_machine:
 * @self: a #HangarWindow
 * @machine: a machine of the collection
 *
 * Asks whether to delete @machine, and whether its disk images stay; then
 * deletes it as hangar_window_delete_machine_full() does, with an undo.
 *
 * Returns: (transfer none): the question, presented
 */
AdwMessageDialog *
hangar_window_confirm_delete_machine (HangarWindow  *self,
                                      HangarMachine *machine)
{
  GtkWidget *dialog;
  GtkWidget *keep;

  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  g_return_val_if_fail (HANGAR_IS_MACHINE (machine), NULL);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL,
                                   _("The machine, its saved state and its snapshots are "
                                     "deleted. You can undo this for a few seconds."));
  /* Translators: %s is a machine's name */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"),
                                     hangar_machine_get_name (machine));
  /* Unticked: a machine's disk is what deleting it usually means to free. */
  keep = gtk_check_button_new_with_mnemonic (_("_Keep the disk image"));
  gtk_widget_set_halign (keep, GTK_ALIGN_CENTER);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), keep);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "machine", g_object_ref (machine), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return ADW_MESSAGE_DIALOG (dialog);
}

/* The snapshots of the machine whose display shows. */
static void
snapshots_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarMachine *machine = hangar_display_page_get_machine (self->display_page);

  if (machine != NULL)
    gtk_window_present (GTK_WINDOW (hangar_snapshots_dialog_new (GTK_WINDOW (self), machine)));
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  const char *uuid = g_variant_get_string (parameter, NULL);
  g_autoptr(AdwToast) found = NULL;
  GHashTableIter iter;
  gpointer machine, toast;

  g_hash_table_iter_init (&iter, self->pending_deletes);
  while (g_hash_table_iter_next (&iter, &machine, &toast))
    if (toast != NULL && g_strcmp0 (hangar_machine_get_uuid (machine), uuid) == 0)
      {
        found = g_object_ref (toast);
        break;
      }
  if (found == NULL)
    return;

  /* Every machine of that toast comes back. */
  g_hash_table_iter_init (&iter, self->pending_deletes);
  while (g_hash_table_iter_next (&iter, &machine, &toast))
    if (toast == (gpointer) found)
      g_hash_table_iter_remove (&iter);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_LESS_STRICT);
  adw_toast_dismiss (found);
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

/* Selection mode --------------------------------------------------------- */

static void
for_each_card (GtkWidget *widget,
               void     (*func) (HangarMachineCard *card, HangarWindow *self),
               HangarWindow *self)
{
  if (HANGAR_IS_MACHINE_CARD (widget))
    {
      func (HANGAR_MACHINE_CARD (widget), self);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    for_each_card (child, func, self);
}

static void
sync_card_selection (HangarMachineCard *card,
                     HangarWindow      *self)
{
  HangarMachine *machine = hangar_machine_card_get_machine (card);

  hangar_machine_card_set_selection_mode (card, self->selection_mode,
                                          machine != NULL &&
                                          g_hash_table_contains (self->selected, machine));
}

static gboolean
can_start (HangarMachineState state)
{
  return state == HANGAR_MACHINE_STATE_STOPPED || state == HANGAR_MACHINE_STATE_SAVED ||
         state == HANGAR_MACHINE_STATE_CRASHED;
}

/* What the action bar offers follows what the selected machines can do. */
static void
hangar_window_update_selection (HangarWindow *self)
{
  guint n = g_hash_table_size (self->selected);
  gboolean start = FALSE, running = FALSE, paused = FALSE, save = FALSE, delete = FALSE;
  GHashTableIter iter;
  gpointer machine;
  g_autofree char *title = NULL;

  g_hash_table_iter_init (&iter, self->selected);
  while (g_hash_table_iter_next (&iter, &machine, NULL))
    {
      HangarMachineState state = hangar_machine_get_state (machine);
      gboolean persistent = hangar_machine_get_persistent (machine);

      start |= can_start (state);
      running |= state == HANGAR_MACHINE_STATE_RUNNING;
      paused |= state == HANGAR_MACHINE_STATE_PAUSED;
      save |= persistent && (state == HANGAR_MACHINE_STATE_RUNNING ||
                             state == HANGAR_MACHINE_STATE_PAUSED);
      delete |= persistent;
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.selection-start", start);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.selection-shutdown", running);
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
    }
  else
    {
      g_signal_handlers_disconnect_by_func (machine, hangar_window_update_selection, self);
      g_hash_table_remove (self->selected, machine);
    }
  for_each_card (GTK_WIDGET (self->collection_stack), sync_card_selection, self);
  hangar_window_update_selection (self);
}

static void
clear_selection (HangarWindow *self)
{
  GHashTableIter iter;
  gpointer machine;

  g_hash_table_iter_init (&iter, self->selected);
  while (g_hash_table_iter_next (&iter, &machine, NULL))
    g_signal_handlers_disconnect_by_func (machine, hangar_window_update_selection, self);
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
    clear_selection (self);

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

  for_each_card (GTK_WIDGET (self->collection_stack), sync_card_selection, self);
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

      /* A machine that is not kept goes away by itself when it stops. */
      for (guint i = 0; i < machines->len; i++)
        if (hangar_machine_get_persistent (g_ptr_array_index (machines, i)))
          g_ptr_array_add (kept, g_ptr_array_index (machines, i));
      hangar_window_delete_machines (self, kept, FALSE);
      hangar_window_set_selection_mode (self, FALSE);
      return;
    }
  hangar_window_run_on_machines (self, verb, machines);
}

/* ------------------------------------------------------------------------ */

static void
setup_card (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  HangarWindow *self = user_data;
  HangarMachineCard *card = hangar_machine_card_new ();

  hangar_machine_card_set_thumbnailer (card, self->thumbnailer);
  gtk_list_item_set_child (item, GTK_WIDGET (card));
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  HangarWindow *self = user_data;
  HangarMachineCard *card = hangar_machine_card_new ();

  hangar_machine_card_set_compact (card, TRUE);
  hangar_machine_card_set_thumbnailer (card, self->thumbnailer);
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
  sync_card_selection (card, user_data);
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

void
hangar_window_add_toast (HangarWindow *self,
                         const char   *message)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/**
 * hangar_window_show_toast:
 * @self: a #HangarWindow
 * @toast: (transfer full): a toast
 *
 * Shows @toast over the window.
 */
void
hangar_window_show_toast (HangarWindow *self,
                          AdwToast     *toast)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * hangar_window_open_machine:
 * @self: a #HangarWindow
 * @machine: the machine to show
 *
 * Shows @machine's display in this window; it connects as soon as the machine
 * runs.
 */
void
hangar_window_open_machine (HangarWindow  *self,
                            HangarMachine *machine)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (HANGAR_IS_MACHINE (machine));

  hangar_display_page_set_machine (self->display_page, machine);
  hangar_display_page_set_can_keep (self->display_page,
                                    hangar_application_get_try_it (
                                      HANGAR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                                      hangar_machine_get_name (machine)) != NULL);
  gtk_stack_set_visible_child (self->view_stack, GTK_WIDGET (self->display_page));
  gtk_window_set_title (GTK_WINDOW (self), hangar_machine_get_name (machine));
  /* Ctrl+F belongs to the guest while its display shows. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", FALSE);
}

/**
 * hangar_window_get_display_page:
 *
 * Returns: (transfer none): the page that shows a machine's display
 */
HangarDisplayPage *
hangar_window_get_display_page (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  return self->display_page;
}

static void
on_display_closed (HangarWindow *self)
{
  gtk_stack_set_visible_child_name (self->view_stack, "browse");
  hangar_display_page_set_machine (self->display_page, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", TRUE);
  gtk_window_set_title (GTK_WINDOW (self), _("Hangar"));
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
    hangar_window_open_machine (self, machine);
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

  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  self->application = g_object_ref (app);
  self->connection = g_object_ref (hangar_application_get_connection (app));
  self->collection = g_object_ref (hangar_application_get_collection (app));

  /* HangarCollection is already in name order; the sort model is where
   * another order (last used, once machines record it) plugs in. */
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->collection)),
                                                  GTK_FILTER (g_object_ref (self->filter)));
  self->settings = g_object_ref (settings);
  self->sorter = gtk_custom_sorter_new (compare_machines, self, NULL);
  self->sort_model =
    gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                             GTK_SORTER (g_object_ref (self->sorter)));
  self->selection_model =
    GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model))));

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
  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (hangar_window_update_page), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->connection, "notify::state",
                           G_CALLBACK (hangar_window_update_page), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->collection, "notify::n-items",
                           G_CALLBACK (hangar_window_update_page), self, G_CONNECT_SWAPPED);

  if (g_strcmp0 (hangar_connection_get_uri (self->connection), HANGAR_DEFAULT_URI) != 0)
    adw_window_title_set_subtitle (self->window_title,
                                   hangar_connection_get_uri (self->connection));

  self->display_page = hangar_display_page_new (settings);
  gtk_stack_add_named (self->view_stack, GTK_WIDGET (self->display_page), "display");
  g_signal_connect_object (self->display_page, "closed", G_CALLBACK (on_display_closed), self,
                           G_CONNECT_SWAPPED);

  icon_name = g_strconcat (APPLICATION_ID, "-symbolic", NULL);
  adw_status_page_set_icon_name (self->empty_page, icon_name);

  /* An ISO dropped on the window starts the assistant with it. */
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
  if (self->pending_deletes != NULL)
    {
      g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func (g_object_unref);
      GHashTableIter iter;
      gpointer machine, toast;

      g_hash_table_iter_init (&iter, self->pending_deletes);
      while (g_hash_table_iter_next (&iter, &machine, &toast))
        if (toast != NULL)
          g_ptr_array_add (waiting, g_object_ref (machine));
      for (guint i = 0; i < waiting->len; i++)
        commit_delete (self, g_ptr_array_index (waiting, i));
    }

  /* The views may hold the models a little longer than the window. */
  if (self->filter != NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_WINDOW);
  if (self->selected != NULL)
    clear_selection (self);
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
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);

  gtk_widget_class_install_action (widget_class, "win.new-machine", NULL, new_machine_action);
  gtk_widget_class_install_action (widget_class, "win.keep-machine", NULL, keep_machine_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-view", NULL, toggle_view_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", "s", undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.snapshots", NULL, snapshots_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
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

static void
hangar_window_init (HangarWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkListItemFactory) row_factory = NULL;

  g_type_ensure (HANGAR_TYPE_MACHINE_CARD);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->thumbnailer = hangar_thumbnailer_new (GTK_WINDOW (self));
  self->selected = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.leave-selection", FALSE);

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

  self->pending_deletes = g_hash_table_new_full (NULL, NULL, g_object_unref,
                                                 clear_toast);
  self->filter = gtk_custom_filter_new (machine_matches, self, NULL);
  /* Typing anywhere in the collection (not over a machine's display) searches. */
  gtk_search_bar_set_key_capture_widget (self->search_bar, self->browse_box);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
}
