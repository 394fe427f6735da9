/* hangar-display-page-media.c
 *
 * The display page's part for sound, files and USB: the "media." and "usb."
 * actions of its menu (Send File…, Mute, the host's USB devices, automatic
 * redirection), files dropped on the guest, and the bar over the guest's
 * screen that shows a transfer's progress, its Cancel button and what went
 * wrong.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-display-page"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-display-page-media.h"

#define SENT_HIDE_DELAY_MS 4000

struct _HangarDisplayPageMedia
{
  GtkWidget          *page;
  HangarDisplay      *display;
  HangarDisplayMedia *media;
  GMenu              *usb_section;
  GSimpleActionGroup *usb_actions;
  GCancellable       *cancellable;
  GCancellable       *usb_cancellable;
  const char         *status;
  char               *message;
  guint               hide_source;

  GtkWidget          *bar;
  GtkLabel           *label;
  GtkProgressBar     *progress;
  GtkButton          *button;
};

/* The transfer bar *******************************************************/

static void
show_bar (HangarDisplayPageMedia *self,
          const char             *status,
          const char             *message,
          gboolean                progress,
          const char             *button_label)
{
  self->status = status;
  g_free (self->message);
  self->message = g_strdup (message);
  g_debug ("Transfer: %s (%s)", status, message != NULL ? message : "");
  g_clear_handle_id (&self->hide_source, g_source_remove);

  gtk_widget_set_visible (self->bar, message != NULL);
  if (message != NULL)
    gtk_label_set_text (self->label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), progress);
  gtk_button_set_label (self->button, button_label);
}

static gboolean
hide_bar (gpointer user_data)
{
  HangarDisplayPageMedia *self = user_data;

  self->hide_source = 0;
  gtk_widget_set_visible (self->bar, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_bar_button (GtkButton              *button,
               HangarDisplayPageMedia *self)
{
  if (g_strcmp0 (self->status, "sending") == 0)
    hangar_display_page_media_cancel (self);
  else
    gtk_widget_set_visible (self->bar, FALSE);
}

static void
on_progress (goffset  current,
             goffset  total,
             gpointer user_data)
{
  HangarDisplayPageMedia *self = user_data;

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress, CLAMP ((double) current / total, 0.0, 1.0));
  else
    gtk_progress_bar_pulse (self->progress);
}

typedef struct
{
  HangarDisplayPageMedia *self;
  GCancellable           *cancellable;
} SendData;

static void
send_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SendData *data = user_data;
  HangarDisplayPageMedia *self = data->self;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = hangar_display_media_send_files_finish (HANGAR_DISPLAY_MEDIA (object), result, &error);

  /* The page went: nothing to show. */
  if (self == NULL || self->cancellable != data->cancellable)
    goto out;

  g_clear_object (&self->cancellable);
  if (ok)
    {
      show_bar (self, "sent", _("Sent. The machine’s agent put the files in its user’s folder "
                                "for received files."), FALSE, _("Close"));
      self->hide_source = g_timeout_add (SENT_HIDE_DELAY_MS, hide_bar, self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      show_bar (self, "cancelled", _("Sending was cancelled. Nothing of the file was kept."),
                FALSE, _("Close"));
      self->hide_source = g_timeout_add (SENT_HIDE_DELAY_MS, hide_bar, self);
    }
  else
    show_bar (self, "failed", error->message, FALSE, _("Close"));

out:
  g_clear_object (&data->cancellable);
  g_free (data);
}

/**
 * hangar_display_page_media_send:
 *
 * Sends @files into the guest, showing the progress over its screen.
 */
void
hangar_display_page_media_send (HangarDisplayPageMedia  *self,
                                GFile                  **files,
                                guint                    n_files)
{
  SendData *data;
  g_autofree char *message = NULL;

  g_return_if_fail (n_files > 0);

  if (self->cancellable != NULL)
    {
      show_bar (self, "sending", self->message, TRUE, _("Cancel"));
      gtk_widget_error_bell (self->page);
      return;
    }

  if (n_files == 1)
    {
      g_autofree char *name = g_file_get_basename (files[0]);

      /* Translators: %s is a file's name */
      message = g_strdup_printf (_("Sending “%s” to the machine…"), name);
    }
  else
    message = g_strdup_printf (ngettext ("Sending %u file to the machine…",
                                         "Sending %u files to the machine…", n_files), n_files);

  self->cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress, 0);
  show_bar (self, "sending", message, TRUE, _("Cancel"));

  data = g_new0 (SendData, 1);
  data->self = self;
  data->cancellable = g_object_ref (self->cancellable);
  g_object_set_data (G_OBJECT (data->cancellable), "hangar-send-data", data);
  hangar_display_media_send_files_async (self->media, files, n_files, self->cancellable,
                                         on_progress, self, send_done, data);
}

void
hangar_display_page_media_cancel (HangarDisplayPageMedia *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

const char *
hangar_display_page_media_get_status (HangarDisplayPageMedia *self)
{
  return self->status;
}

const char *
hangar_display_page_media_get_message (HangarDisplayPageMedia *self)
{
  return self->message;
}

HangarDisplayMedia *
hangar_display_page_media_get_media (HangarDisplayPageMedia *self)
{
  return self->media;
}

static void
on_files_dropped (HangarDisplay          *display,
                  GSList                 *files,
                  HangarDisplayPageMedia *self)
{
  g_autoptr(GPtrArray) array = g_ptr_array_new ();

  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (array, l->data);
  if (array->len > 0)
    hangar_display_page_media_send (self, (GFile **) array->pdata, array->len);
}

static void
on_chooser_response (GtkNativeDialog        *chooser,
                     int                     response,
                     HangarDisplayPageMedia *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      if (array->len > 0)
        hangar_display_page_media_send (self, (GFile **) array->pdata, array->len);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
send_file_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  HangarDisplayPageMedia *self = user_data;
  GtkRoot *root = gtk_widget_get_root (self->page);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Send Files to the Machine"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Send"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* USB ********************************************************************/

static void
usb_toggled (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GCancellable) cancellable = user_data;
  HangarDisplayPageMedia *self = g_object_get_data (G_OBJECT (cancellable), "hangar-page-media");
  g_autoptr(GError) error = NULL;

  if (!hangar_display_media_toggle_usb_finish (HANGAR_DISPLAY_MEDIA (object), result, &error) &&
      self != NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_bar (self, "usb-failed", error->message, FALSE, _("Close"));
}

static void
usb_device_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  HangarDisplayPageMedia *self = user_data;
  const char *id = g_object_get_data (G_OBJECT (action), "hangar-usb-id");
  SpiceUsbDevice *device = hangar_display_media_find_usb (self->media, id);

  if (device == NULL)
    {
      show_bar (self, "usb-failed", _("The device was unplugged."), FALSE, _("Close"));
      return;
    }
  hangar_display_media_toggle_usb_async (self->media, device, self->usb_cancellable,
                                         usb_toggled, g_object_ref (self->usb_cancellable));
  g_boxed_free (spice_usb_device_get_type (), device);
}

/* The menu's USB section: one check item per device of the host, in the
 * "usb." group, rebuilt whenever a device comes, goes or changes hands; or
 * one insensitive line saying why there is none. */
static void
rebuild_usb (HangarDisplayPageMedia *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = hangar_display_media_get_usb_devices (self->media, &error);
  g_auto(GStrv) names = g_action_group_list_actions (G_ACTION_GROUP (self->usb_actions));

  for (guint i = 0; names[i] != NULL; i++)
    g_action_map_remove_action (G_ACTION_MAP (self->usb_actions), names[i]);
  g_menu_remove_all (self->usb_section);

  if (devices == NULL || devices->len == 0)
    {
      g_menu_append (self->usb_section,
                     devices == NULL ? error->message : _("No USB devices are plugged in"), NULL);
      return;
    }

  for (guint i = 0; i < devices->len; i++)
    {
      SpiceUsbDevice *device = devices->pdata[i];
      g_autofree char *id = hangar_display_media_usb_id (device);
      g_autofree char *label = hangar_display_media_describe_usb (device);
      g_autofree char *name = g_strdup_printf ("device-%s", id);
      g_autofree char *detailed = g_strdup_printf ("usb.%s", name);
      gboolean redirected = hangar_display_media_usb_is_redirected (self->media, device);
      g_autoptr(GSimpleAction) action =
        g_simple_action_new_stateful (name, NULL, g_variant_new_boolean (redirected));

      g_object_set_data_full (G_OBJECT (action), "hangar-usb-id", g_strdup (id), g_free);
      g_signal_connect (action, "activate", G_CALLBACK (usb_device_activated), self);
      g_action_map_add_action (G_ACTION_MAP (self->usb_actions), G_ACTION (action));
      g_menu_append (self->usb_section, label, detailed);
    }
}

static void
on_usb_error (HangarDisplayMedia     *media,
              const char             *message,
              HangarDisplayPageMedia *self)
{
  show_bar (self, "usb-failed", message, FALSE, _("Close"));
}

/* Life *******************************************************************/

HangarDisplayPageMedia *
hangar_display_page_media_new (GtkWidget     *page,
                               GtkOverlay    *overlay,
                               HangarDisplay *display,
                               GMenu         *usb_section)
{
  HangarDisplayPageMedia *self = g_new0 (HangarDisplayPageMedia, 1);
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GPropertyAction) mute = NULL;
  g_autoptr(GPropertyAction) auto_connect = NULL;
  g_autoptr(GSimpleAction) send = NULL;
  GtkWidget *box;

  self->page = page;
  self->display = display;
  self->media = hangar_display_media_new ();
  self->usb_section = g_object_ref (usb_section);
  self->usb_actions = g_simple_action_group_new ();
  self->usb_cancellable = g_cancellable_new ();
  g_object_set_data (G_OBJECT (self->usb_cancellable), "hangar-page-media", self);
  self->status = "idle";

  mute = g_property_action_new ("mute", self->media, "muted");
  auto_connect = g_property_action_new ("usb-auto-connect", self->media, "usb-auto-connect");
  send = g_simple_action_new ("send-file", NULL);
  g_signal_connect (send, "activate", G_CALLBACK (send_file_activated), self);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (mute));
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (auto_connect));
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (send));
  gtk_widget_insert_action_group (page, "media", G_ACTION_GROUP (group));
  gtk_widget_insert_action_group (page, "usb", G_ACTION_GROUP (self->usb_actions));

  /* The bar over the bottom of the guest's screen. */
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (box, "app-notification");
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (box, GTK_ALIGN_END);
  gtk_widget_set_margin_bottom (box, 18);
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_width_chars (self->label, 30);
  gtk_label_set_max_width_chars (self->label, 60);
  gtk_label_set_xalign (self->label, 0);
  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->progress), GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (GTK_WIDGET (self->progress), 160, -1);
  self->button = GTK_BUTTON (gtk_button_new_with_label (_("Cancel")));
  gtk_widget_set_valign (GTK_WIDGET (self->button), GTK_ALIGN_CENTER);
  g_signal_connect (self->button, "clicked", G_CALLBACK (on_bar_button), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->progress));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->button));
  gtk_widget_set_visible (box, FALSE);
  gtk_overlay_add_overlay (overlay, box);
  self->bar = box;

  g_signal_connect (display, "files-dropped", G_CALLBACK (on_files_dropped), self);
  g_signal_connect_swapped (self->media, "usb-changed", G_CALLBACK (rebuild_usb), self);
  g_signal_connect (self->media, "usb-error", G_CALLBACK (on_usb_error), self);
  rebuild_usb (self);
  return self;
}

static void
forget_send (gpointer data)
{
  ((SendData *) data)->self = NULL;
}

void
hangar_display_page_media_free (HangarDisplayPageMedia *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->hide_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->display, self);
  g_signal_handlers_disconnect_by_data (self->media, self);
  if (self->cancellable != NULL)
    {
      forget_send (g_object_get_data (G_OBJECT (self->cancellable), "hangar-send-data"));
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
  g_object_set_data (G_OBJECT (self->usb_cancellable), "hangar-page-media", NULL);
  g_cancellable_cancel (self->usb_cancellable);
  g_clear_object (&self->usb_cancellable);
  hangar_display_media_set_session (self->media, NULL);
  g_clear_object (&self->media);
  g_clear_object (&self->usb_actions);
  g_clear_object (&self->usb_section);
  g_free (self->message);
  g_free (self);
}
