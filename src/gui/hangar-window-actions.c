/* hangar-window-actions.c
 *
 * What the window does to the machines of its collection: a new one through
 * the assistant; deletion, hidden at once behind an Undo toast and done when
 * the toast goes; the dialogs a page asks for by a machine's UUID (rename,
 * clone, snapshots, properties); and the toasts that report on them,
 * Force Off for a shutdown that timed out among them.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-application.h"
#include "hangar-assistant.h"
#include "hangar-collection.h"
#include "hangar-machine.h"
#include "hangar-name-dialog.h"
#include "hangar-properties-window.h"
#include "hangar-snapshots-dialog.h"
#include "hangar-vm-creator.h"
#include "hangar-window-private.h"

/* The assistant made a machine: it opens once the collection lists it, and a
 * machine being tried stays keepable while it runs. */
static void
on_machine_created (HangarWindow    *self,
                    HangarVmCreator *creator)
{
  if (hangar_vm_creator_get_transient (creator))
    hangar_application_adopt_try_it (self->application, creator);
  hangar_application_open_new_machine (self->application, hangar_vm_creator_get_name (creator));
}

/* An imported disk image's machine opens the same way. */
static void
on_machine_imported (HangarWindow *self,
                     const char   *name)
{
  hangar_application_open_new_machine (self->application, name);
}

/**
 * hangar_window_new_machine:
 * @file: (nullable): an image to start from: an installation medium, or a
 *   disk image to import
 *
 * Opens the new machine assistant over this window.
 *
 * Returns: (transfer none): the assistant
 */
HangarAssistant *
hangar_window_new_machine (HangarWindow *self,
                           GFile        *file)
{
  HangarAssistant *assistant;

  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  assistant = hangar_assistant_new (GTK_WINDOW (self), self->connection, self->settings);
  gtk_window_set_application (GTK_WINDOW (assistant), GTK_APPLICATION (self->application));
  g_signal_connect_object (assistant, "created", G_CALLBACK (on_machine_created), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (assistant, "imported", G_CALLBACK (on_machine_imported), self,
                           G_CONNECT_SWAPPED);
  if (file != NULL)
    hangar_assistant_open_file (assistant, file);
  gtk_window_present (GTK_WINDOW (assistant));
  return assistant;
}

static void
new_machine_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  hangar_window_new_machine (HANGAR_WINDOW (widget), NULL);
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
        /* HangarMachine's message names the machine already. */
        hangar_window_add_toast (self, error->message);
      hangar_application_set_deleting (data->application, machine, FALSE);
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
  AdwToast *toast;
  gboolean keep_disk;

  /* Toasts may say they are dismissed while the window is disposed; an
   * undone deletion is no longer waiting. */
  if (self->pending_deletes == NULL ||
      (toast = g_hash_table_lookup (self->pending_deletes, machine)) == NULL)
    return;

  /* It stays hidden, in the application's set, until libvirt drops it. */
  keep_disk = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (toast), "keep-disk"));
  g_hash_table_remove (self->pending_deletes, machine);
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

      if (!hangar_application_is_deleting (self->application, machine))
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
    {
      g_hash_table_insert (self->pending_deletes, g_object_ref (g_ptr_array_index (deleted, i)),
                           g_object_ref (toast));
      /* Hidden in every window from now on. */
      hangar_application_set_deleting (self->application, g_ptr_array_index (deleted, i), TRUE);
    }
  g_object_set_data_full (G_OBJECT (toast), "machines", g_steal_pointer (&deleted),
                          (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed), self, 0);

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

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  const char *uuid = g_variant_get_string (parameter, NULL);
  g_autoptr(AdwToast) found = NULL;
  g_autoptr(GPtrArray) back = NULL;
  GHashTableIter iter;
  gpointer machine, toast;

  g_hash_table_iter_init (&iter, self->pending_deletes);
  while (g_hash_table_iter_next (&iter, &machine, &toast))
    if (g_strcmp0 (hangar_machine_get_uuid (machine), uuid) == 0)
      {
        found = g_object_ref (toast);
        break;
      }
  if (found == NULL)
    return;

  /* Every machine of that toast comes back, in every window. */
  back = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->pending_deletes);
  while (g_hash_table_iter_next (&iter, &machine, &toast))
    if (toast == (gpointer) found)
      {
        g_ptr_array_add (back, g_object_ref (machine));
        g_hash_table_iter_remove (&iter);
      }
  for (guint i = 0; i < back->len; i++)
    hangar_application_set_deleting (self->application, g_ptr_array_index (back, i), FALSE);
  adw_toast_dismiss (found);
}

/**
 * hangar_window_commit_deletes:
 * @self: a #HangarWindow
 *
 * Deletions still waiting for their undo time happen now (the window is
 * closing).
 */
void
hangar_window_commit_deletes (HangarWindow *self)
{
  g_autoptr(GPtrArray) waiting = NULL;
  GHashTableIter iter;
  gpointer machine;

  if (self->pending_deletes == NULL)
    return;

  waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->pending_deletes);
  while (g_hash_table_iter_next (&iter, &machine, NULL))
    g_ptr_array_add (waiting, g_object_ref (machine));
  for (guint i = 0; i < waiting->len; i++)
    commit_delete (self, g_ptr_array_index (waiting, i));
}

void
hangar_window_add_toast (HangarWindow *self,
                         const char   *message)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));

  g_debug ("Toast: %s", message);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* What pages ask of the window ****************************************
 *
 * A page (a card, the display) names the machine by its UUID; one that left
 * the collection meanwhile is left alone. */

static HangarMachine *
lookup_machine (HangarWindow *self,
                GVariant     *uuid)
{
  return hangar_collection_find_by_uuid (self->collection, g_variant_get_string (uuid, NULL));
}

/* win.delete-machine('UUID'): asks whether to keep the disk, then hides
 * the machine and offers to undo before deleting it. */
static void
delete_machine_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarMachine *machine = lookup_machine (self, parameter);

  if (machine != NULL)
    hangar_window_confirm_delete_machine (self, machine);
}

static void
on_clone_done (HangarWindow *self,
               const char   *name)
{
  /* Translators: %s is the new machine's name */
  g_autofree char *message = g_strdup_printf (_("“%s” is ready"), name);

  hangar_window_add_toast (self, message);
}

/* win.rename('UUID') and win.clone('UUID'): the name is checked against
 * the window's collection as it is typed. */
static void
name_dialog_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarMachine *machine = lookup_machine (self, parameter);
  gboolean clone = g_str_equal (action_name, "win.clone");
  HangarNameDialog *dialog;

  if (machine == NULL)
    return;
  dialog = hangar_name_dialog_new (GTK_WINDOW (self), self->collection, machine,
                                   clone ? HANGAR_NAME_DIALOG_CLONE : HANGAR_NAME_DIALOG_RENAME);
  if (clone)
    g_signal_connect_object (dialog, "done", G_CALLBACK (on_clone_done), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* win.snapshots('UUID') */
static void
snapshots_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarMachine *machine = lookup_machine (self, parameter);

  if (machine != NULL)
    gtk_window_present (GTK_WINDOW (hangar_snapshots_dialog_new (GTK_WINDOW (self), machine)));
}

/* win.properties('UUID'): its window, beside this one or already open. */
static void
properties_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarMachine *machine = lookup_machine (self, parameter);

  if (machine != NULL)
    hangar_properties_window_show (machine, widget);
}

/* win.force-off('UUID'): the button of the toast below. */
static void
force_off_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarMachine *machine = lookup_machine (self, parameter);
  g_autoptr(GPtrArray) machines = g_ptr_array_new ();

  if (machine == NULL)
    return;
  g_ptr_array_add (machines, machine);
  hangar_window_run_on_machines (self, "force-off", machines);
}

/* win.offer-force-off('UUID'): a machine did not shut down in time. The
 * toast stays until it is answered. */
static void
offer_force_off_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarMachine *machine = lookup_machine (self, parameter);
  g_autofree char *message = NULL;
  AdwToast *toast;

  if (machine == NULL)
    return;
  /* Translators: %s is a machine's name */
  message = g_strdup_printf (_("“%s” did not shut down"), hangar_machine_get_name (machine));
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Force Off"));
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_action_name (toast, "win.force-off");
  adw_toast_set_action_target_value (toast,
                                     g_variant_new_string (hangar_machine_get_uuid (machine)));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* win.show-toast('message') */
static void
show_toast_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  hangar_window_add_toast (HANGAR_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

void
hangar_window_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-machine", NULL, new_machine_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", "s", undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.delete-machine", "s",
                                   delete_machine_action);
  gtk_widget_class_install_action (widget_class, "win.rename", "s", name_dialog_action);
  gtk_widget_class_install_action (widget_class, "win.clone", "s", name_dialog_action);
  gtk_widget_class_install_action (widget_class, "win.snapshots", "s", snapshots_action);
  gtk_widget_class_install_action (widget_class, "win.properties", "s", properties_action);
  gtk_widget_class_install_action (widget_class, "win.show-toast", "s", show_toast_action);
  gtk_widget_class_install_action (widget_class, "win.offer-force-off", "s",
                                   offer_force_off_action);
  gtk_widget_class_install_action (widget_class, "win.force-off", "s", force_off_action);
}
