/* hangar-window-display.c
 *
 * A machine’s display in the window: opening it over the collection,
 * closing back to it, and keeping the “try it” machine it shows.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-application.h"
#include "hangar-display-page.h"
#include "hangar-machine.h"
#include "hangar-machine-action.h"
#include "hangar-vm-creator.h"
#include "hangar-window-private.h"

/**
 * hangar_window_open_machine:
 * @self: a #HangarWindow
 * @machine: the machine to show
 *
 * Shows @machine's display in this window; it connects as soon as the machine
 * runs. When another window shows it already, that one comes forward
 * instead.
 */
void
hangar_window_open_machine (HangarWindow  *self,
                            HangarMachine *machine)
{
  HangarApplication *app;
  HangarWindow *showing;

  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (HANGAR_IS_MACHINE (machine));

  /* A guest has one display: SPICE would drop the other window's session. */
  app = HANGAR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  showing = app != NULL ? hangar_application_find_display (app, machine) : NULL;
  if (showing != NULL && showing != self)
    {
      gtk_window_present (GTK_WINDOW (showing));
      return;
    }

  hangar_display_page_set_machine (self->display_page, machine);
  hangar_display_page_set_can_keep (self->display_page,
                                    hangar_application_get_try_it (
                                      app, hangar_machine_get_name (machine)) != NULL);
  gtk_stack_set_visible_child (self->view_stack, GTK_WIDGET (self->display_page));
  gtk_window_set_title (GTK_WINDOW (self), hangar_machine_get_name (machine));
  /* Ctrl+F belongs to the guest while its display shows. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", FALSE);
}

/**
 * hangar_window_open_machine_and_start:
 * @self: a #HangarWindow
 * @machine: the machine to show
 *
 * What a click on a machine's card does: shows its display and, as GNOME
 * Boxes does, starts a machine that is off (a saved one resumes where it
 * was), as the display page's own Start would.
 */
void
hangar_window_open_machine_and_start (HangarWindow  *self,
                                      HangarMachine *machine)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (HANGAR_IS_MACHINE (machine));

  hangar_window_open_machine (self, machine);
  if (hangar_display_page_get_machine (self->display_page) == machine &&
      hangar_machine_can_run (machine, HANGAR_MACHINE_ACTION_START))
    gtk_widget_activate_action (GTK_WIDGET (self->display_page), "display.start", NULL);
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

void
hangar_window_attach_display (HangarWindow *self)
{
  self->display_page = hangar_display_page_new (self->settings);
  gtk_stack_add_named (self->view_stack, GTK_WIDGET (self->display_page), "display");
  g_signal_connect_object (self->display_page, "closed", G_CALLBACK (on_display_closed), self,
                           G_CONNECT_SWAPPED);
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

void
hangar_window_class_init_display (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.keep-machine", NULL, keep_machine_action);
}
