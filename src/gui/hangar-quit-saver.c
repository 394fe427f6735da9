/* hangar-quit-saver.c
 *
 * Closing Hangar (its last window, or Quit): every running machine whose
 * choice is to save its state (its own, from Properties, else the one in
 * Preferences) is saved (libvirt's managed save, all at once) while a small
 * window shows the progress; Hangar quits when they are done, or after the
 * user has read which could not be saved (those keep running: nothing is
 * lost). A notification says which machines keep running in the background.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-application"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-machine.h"
#include "hangar-machine-action.h"
#include "hangar-quit-choice.h"
#include "hangar-quit-saver.h"

typedef struct
{
  HangarApplication *application;
  GtkWindow         *window;
  GtkProgressBar    *progress;
  GtkLabel          *status;
  GtkWidget         *box;
  guint              total;
  guint              pending;
  GString           *errors;
} QuitSaver;

/* The machines with a QEMU process: running, paused or on their way down. */
static GPtrArray *
machines_with (HangarApplication *application,
               gboolean           to_save)
{
  GPtrArray *machines = g_ptr_array_new_with_free_func (g_object_unref);
  GSettings *settings = hangar_application_get_settings (application);
  HangarCollection *collection = hangar_application_get_collection (application);

  if (collection == NULL)
    return machines;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (collection)); i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (G_LIST_MODEL (collection), i);
      gboolean saves = hangar_machine_can_run (machine, HANGAR_MACHINE_ACTION_SAVE) &&
                       hangar_quit_choice_saves (settings, hangar_machine_get_uuid (machine));

      if (hangar_machine_is_gone (machine) ||
          !hangar_machine_state_has_screen (hangar_machine_get_state (machine)))
        continue;
      if (saves == to_save)
        g_ptr_array_add (machines, g_steal_pointer (&machine));
    }
  return machines;
}

/**
 * hangar_quit_saver_machines_to_save:
 * @application: the application
 *
 * Returns: (transfer container) (element-type HangarMachine): the machines
 *   that closing Hangar saves: the running and paused machines that libvirt
 *   keeps (a machine being tried goes away when it stops) whose choice (see
 *   hangar_quit_choice_saves()) is to save
 */
GPtrArray *
hangar_quit_saver_machines_to_save (HangarApplication *application)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (application), NULL);

  return machines_with (application, TRUE);
}

/**
 * hangar_quit_saver_notify_left_running:
 * @application: the application, whose last window closes
 *
 * Says in a desktop notification which machines keep running in the
 * background (their choice, or a machine being tried), with a button that
 * brings Hangar back. Nothing when there are none.
 *
 * Returns: how many machines keep running
 */
guint
hangar_quit_saver_notify_left_running (HangarApplication *application)
{
  g_autoptr(GPtrArray) running = NULL;
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;
  GDBusConnection *bus;

  g_return_val_if_fail (HANGAR_IS_APPLICATION (application), 0);

  running = machines_with (application, FALSE);
  if (running->len == 0)
    {
      g_application_withdraw_notification (G_APPLICATION (application), "left-running");
      return 0;
    }

  if (running->len == 1)
    /* Translators: %s is a machine's name */
    body = g_strdup_printf (_("“%s” keeps running in the background."),
                            hangar_machine_get_name (g_ptr_array_index (running, 0)));
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u machine keeps running in the background.",
                                         "%u machines keep running in the background.",
                                         running->len),
                            running->len);
  notification = g_notification_new (_("Machines Keep Running"));
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.new-window");
  g_notification_add_button (notification, _("Open Hangar"), "app.new-window");
  g_application_send_notification (G_APPLICATION (application), "left-running", notification);
  /* Hangar may quit right after: the message must leave first. */
  bus = g_application_get_dbus_connection (G_APPLICATION (application));
  if (bus != NULL)
    g_dbus_connection_flush_sync (bus, NULL, NULL);
  return running->len;
}

static void
quit_saver_finish (QuitSaver *saver)
{
  GApplication *app = G_APPLICATION (saver->application);

  gtk_window_destroy (saver->window);
  g_string_free (saver->errors, TRUE);
  g_application_release (app);
  g_application_quit (app);
  g_object_unref (saver->application);
  g_free (saver);
}

static gboolean
on_close_request (QuitSaver *saver)
{
  /* Closing while machines are being saved would lose track of them. */
  if (saver->pending > 0)
    return TRUE;
  quit_saver_finish (saver);
  return TRUE;
}

static void
show_errors (QuitSaver *saver)
{
  GtkWidget *label, *button;

  gtk_window_set_title (saver->window, _("Some Machines Were Not Saved"));
  gtk_label_set_label (saver->status, _("These machines could not be saved. They are still "
                                        "running, and nothing was lost."));
  gtk_widget_set_visible (GTK_WIDGET (saver->progress), FALSE);

  label = gtk_label_new (saver->errors->str);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "error");
  gtk_box_append (GTK_BOX (saver->box), label);

  button = gtk_button_new_with_mnemonic (_("_Quit"));
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_add_css_class (button, "pill");
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_close_request), saver);
  gtk_box_append (GTK_BOX (saver->box), button);
  gtk_window_set_deletable (saver->window, TRUE);
  gtk_widget_grab_focus (button);
}

static void
save_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  HangarMachine *machine = HANGAR_MACHINE (object);
  QuitSaver *saver = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_machine_run_finish (machine, result, &error))
    {
      /* HangarMachine's messages name the machine. */
      g_warning ("%s", error->message);
      g_string_append_printf (saver->errors, "%s%s", saver->errors->len > 0 ? "\n" : "",
                              error->message);
    }

  saver->pending--;
  gtk_progress_bar_set_fraction (saver->progress,
                                 (double) (saver->total - saver->pending) / saver->total);
  if (saver->pending > 0)
    return;
  if (saver->errors->len > 0)
    show_errors (saver);
  else
    quit_saver_finish (saver);
}

/**
 * hangar_quit_saver_run:
 * @application: the application, quitting
 * @machines: (element-type HangarMachine): what
 *   hangar_quit_saver_machines_to_save() returned, not empty
 *
 * Saves @machines in parallel, keeping the application alive until they
 * are done, then quits it.
 *
 * Returns: (transfer none): the progress window
 */
GtkWindow *
hangar_quit_saver_run (HangarApplication *application,
                       GPtrArray         *machines)
{
  QuitSaver *saver;
  GtkWidget *title;
  g_autofree char *text = NULL;

  g_return_val_if_fail (HANGAR_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (machines != NULL && machines->len > 0, NULL);

  saver = g_new0 (QuitSaver, 1);
  saver->application = g_object_ref (application);
  saver->total = saver->pending = machines->len;
  saver->errors = g_string_new (NULL);
  g_application_hold (G_APPLICATION (application));

  saver->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_title (saver->window, _("Saving Machines"));
  gtk_window_set_default_size (saver->window, 360, -1);
  gtk_window_set_resizable (saver->window, FALSE);
  gtk_window_set_deletable (saver->window, FALSE);
  gtk_window_set_application (saver->window, GTK_APPLICATION (application));
  g_signal_connect_swapped (saver->window, "close-request", G_CALLBACK (on_close_request), saver);

  saver->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (saver->box, 24);
  gtk_widget_set_margin_bottom (saver->box, 24);
  gtk_widget_set_margin_start (saver->box, 24);
  gtk_widget_set_margin_end (saver->box, 24);
  title = gtk_label_new (_("Saving Machines"));
  gtk_widget_add_css_class (title, "title-3");
  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_box_append (GTK_BOX (saver->box), title);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Hangar quits once the state of %u running machine is "
                                       "saved. It resumes where it was at its next start.",
                                       "Hangar quits once the state of %u running machines is "
                                       "saved. They resume where they were at their next start.",
                                       machines->len),
                          machines->len);
  saver->status = GTK_LABEL (gtk_label_new (text));
  gtk_label_set_wrap (saver->status, TRUE);
  gtk_label_set_xalign (saver->status, 0.0);
  gtk_box_append (GTK_BOX (saver->box), GTK_WIDGET (saver->status));
  saver->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_box_append (GTK_BOX (saver->box), GTK_WIDGET (saver->progress));
  adw_window_set_content (ADW_WINDOW (saver->window), saver->box);

  for (guint i = 0; i < machines->len; i++)
    hangar_machine_run_async (g_ptr_array_index (machines, i), HANGAR_MACHINE_ACTION_SAVE,
                              HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT, NULL, save_done, saver);

  gtk_window_present (saver->window);
  return saver->window;
}
