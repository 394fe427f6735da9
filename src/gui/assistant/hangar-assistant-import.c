/* hangar-assistant-import.c
 *
 * The assistant's import flow: a disk image (chosen, dropped, or given as
 * `hangar FILE`) probed by core (format, size, firmware; refusals in plain
 * words), a review page (name, OS, copy or use in place), then
 * hangar_import_disk_async() with qemu-img's progress on the progress page
 * and Stop, after which nothing of the import is left.
 *
 * What is imported is the file's kind (HangarImageKind) with what its probe
 * found: an appliance, when core reads one, is another kind with its own
 * probe and rows on the same page.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-assistant"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-assistant-private.h"
#include "hangar-machine-name.h"
#include "hangar-os-profile.h"
#include "hangar-vm-settings.h"

/* qemu-img's names of formats, as people know them. */
static const struct
{
  const char *format;
  const char *label;
} format_labels[] = {
  { "qcow2", "QCOW2" },
  { "raw", N_("Raw") },
  { "vmdk", "VMDK (VMware)" },
  { "vdi", "VDI (VirtualBox)" },
  { "vpc", "VHD (Hyper-V, Virtual PC)" },
  { "vhdx", "VHDX (Hyper-V)" },
};

static const char *
format_label (const char *format)
{
  for (gsize i = 0; i < G_N_ELEMENTS (format_labels); i++)
    if (g_str_equal (format_labels[i].format, format))
      return g_str_equal (format, "raw") ? _(format_labels[i].label) : format_labels[i].label;
  return format;
}

/* Core uses qcow2 and raw images where they are; others are converted. */
static gboolean
can_link (const HangarImportInfo *info)
{
  return info != NULL && (g_str_equal (info->format, "qcow2") || g_str_equal (info->format, "raw"));
}

static const char *
name_text (HangarAssistant *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->import_name_row));
}

static void
show_problem (HangarAssistant *self,
              const char      *message)
{
  adw_action_row_set_subtitle (self->import_problem_row, message != NULL ? message : "");
  gtk_widget_set_visible (self->import_problem_group, message != NULL);
}

static void
probe_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HangarAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  HangarImportInfo *info = hangar_import_probe_finish (result, &error);

  if (info == NULL)
    {
      if (self->pending_error == NULL)
        self->pending_error = g_steal_pointer (&error);
    }
  else
    {
      g_clear_pointer (&self->import_info, hangar_import_info_free);
      self->import_info = info;
      g_clear_pointer (&self->profile, hangar_os_profile_free);
      self->profile = hangar_os_profile_new_generic ();
    }
  hangar_assistant_pending_done (self);
}

/**
 * hangar_assistant_import_open:
 * @path: a disk image
 *
 * Probes @path; the host probe runs beside it, and the last one done shows
 * the review page (hangar_assistant_import_review()) or the error.
 */
void
hangar_assistant_import_open (HangarAssistant *self,
                              const char      *path)
{
  gtk_check_button_set_active (self->import_copy_check, TRUE);
  show_problem (self, NULL);
  hangar_import_probe_async (path, self->cancellable, probe_done, g_object_ref (self));
}

/**
 * hangar_assistant_import_review:
 *
 * Fills the import page from the probe and the chosen OS, and shows it.
 */
void
hangar_assistant_import_review (HangarAssistant *self)
{
  const HangarImportInfo *info = self->import_info;
  g_autofree char *path = g_file_get_path (self->file);
  g_autofree char *basename = g_file_get_basename (self->file);
  g_autofree char *display = g_filename_display_name (basename);
  g_autofree char *size = NULL;
  g_autofree char *format = NULL;
  g_autofree char *link_subtitle = NULL;
  const char *firmware;

  g_return_if_fail (info != NULL && self->profile != NULL);

  gtk_label_set_text (self->import_title, display);
  gtk_label_set_text (self->import_subtitle, _("A disk image to import as a new machine"));

  format = g_strdup (format_label (info->format));
  adw_action_row_set_subtitle (self->import_format_row, format);
  size = g_format_size_full (info->virtual_size, G_FORMAT_SIZE_IEC_UNITS);
  adw_action_row_set_subtitle (self->import_size_row, size);

  if (info->firmware == HANGAR_FIRMWARE_BIOS)
    firmware = info->firmware_detected ? _("BIOS, as the disk’s partitions show")
                                       : _("BIOS: the disk has no EFI System Partition");
  else
    firmware = info->firmware_detected ? _("UEFI: the disk has an EFI System Partition")
                                       : _("UEFI");
  adw_action_row_set_subtitle (self->import_firmware_row, firmware);

  adw_action_row_set_subtitle (self->import_os_row,
                               self->profile->short_id != NULL
                                 ? self->profile->name
                                 : _("Unknown: generic settings that suit most systems"));

  if (can_link (info))
    link_subtitle = g_strdup (_("No copy is made: the machine starts sooner and writes to this "
                                "file, which must stay where it is"));
  else
    /* Translators: %s is a disk image format, e.g. “VMDK (VMware)” */
    link_subtitle = g_strdup_printf (_("Only QCOW2 and raw images can be used in place; this one "
                                       "is %s"), format);
  adw_action_row_set_subtitle (self->import_link_row, link_subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_link_row), can_link (info));
  if (!can_link (info))
    gtk_check_button_set_active (self->import_copy_check, TRUE);

  if (!self->name_edited)
    {
      g_autofree char *name = NULL;

      self->filling = TRUE;
      /* The file's name, unless the user picked an OS: imported disks are
       * often named after what they hold. */
      name = hangar_vm_settings_default_name (NULL, NULL, path);
      gtk_editable_set_text (GTK_EDITABLE (self->import_name_row), name);
      self->filling = FALSE;
    }

  hangar_assistant_show_page (self, "import");
}

/**
 * hangar_assistant_import_can_create:
 *
 * Returns: whether the import page holds all Create needs
 */
gboolean
hangar_assistant_import_can_create (HangarAssistant *self)
{
  g_autoptr(GError) error = NULL;
  /* The one rule for names (hangar_machine_name_check()), said on the row. */
  gboolean named = hangar_machine_name_check (name_text (self), &error);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->import_name_row),
                               error != NULL ? error->message : NULL);
  if (named)
    gtk_widget_remove_css_class (GTK_WIDGET (self->import_name_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->import_name_row), "error");

  return self->import_info != NULL && self->profile != NULL && self->host != NULL &&
         self->create_cancellable == NULL && named;
}

static void
on_import_progress (double   fraction,
                    gpointer user_data)
{
  HangarAssistant *self = user_data;
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  /* Translators: the import's progress, “42 %” */
  text = g_strdup_printf (_("%.0f %%"), fraction * 100);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
import_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HangarAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = hangar_import_disk_finish (result, &error);

  g_clear_object (&self->create_cancellable);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  if (name == NULL)
    {
      /* Stopped: core deleted the copy and defined nothing; the page is as
       * the user left it. An error shows there, the choices kept. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_problem (self, error->message);
      hangar_assistant_show_page (self, "import");
      return;
    }

  hangar_assistant_emit_created (self, name);
  gtk_window_destroy (GTK_WINDOW (self));
}

/**
 * hangar_assistant_import_start:
 *
 * Imports the disk image as the page says, showing qemu-img's progress.
 */
void
hangar_assistant_import_start (HangarAssistant *self)
{
  g_autoptr(HangarVmSettings) settings = NULL;
  g_autofree char *path = g_file_get_path (self->file);
  g_autofree char *title = NULL;
  g_autofree char *basename = g_file_get_basename (self->file);
  g_autofree char *display = g_filename_display_name (basename);
  g_autofree char *description = NULL;
  gboolean link = gtk_check_button_get_active (self->import_link_check) &&
                  can_link (self->import_info);
  HangarImportFlags flags = HANGAR_IMPORT_START | (link ? HANGAR_IMPORT_LINK : 0);

  if (!hangar_assistant_import_can_create (self))
    return;
  if (hangar_connection_get_state (self->connection) != HANGAR_CONNECTION_CONNECTED)
    {
      show_problem (self, _("Hangar is not connected to the virtualization service. Check the "
                            "main window."));
      return;
    }

  settings = hangar_vm_settings_new_for (self->profile, self->host,
                                         g_settings_get_boolean (self->settings,
                                                                 "force-software-emulation"));
  g_free (settings->name);
  settings->name = g_strstrip (g_strdup (name_text (self)));
  /* A name the user typed is used as given or refused; Hangar's default
   * (the file's name) may be numbered when taken. */
  settings->name_given = self->name_edited;

  show_problem (self, NULL);
  /* Translators: the progress page's title, “Importing “Debian””… */
  title = g_strdup_printf (_("Importing “%s”…"), settings->name);
  adw_status_page_set_title (self->progress_page, title);
  /* Translators: %s is the disk image's file name */
  description = link ? g_strdup_printf (_("Setting up a machine on “%s”, where it is"), display)
                     : g_strdup_printf (_("Copying “%s” into Hangar’s storage"), display);
  adw_status_page_set_description (self->progress_page, description);
  on_import_progress (0, self);
  hangar_assistant_show_page (self, "progress");

  self->create_cancellable = g_cancellable_new ();
  hangar_assistant_update_actions (self);
  hangar_import_disk_async (self->connection, path, self->profile, settings, flags,
                            on_import_progress, self, self->create_cancellable, import_done,
                            g_object_ref (self));
}

static void
disk_chosen (GtkNativeDialog *dialog,
             int              response,
             gpointer         user_data)
{
  HangarAssistant *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        hangar_assistant_open_file (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_disk_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  static const char * const suffixes[] = { "qcow2", "qcow", "img", "raw", "vmdk", "vdi", "vhd",
                                           "vhdx", NULL };
  static const char * const mime_types[] = { "application/x-qemu-disk", "application/x-vmdk-disk",
                                             "application/x-virtualbox-vdi",
                                             "application/x-virtualbox-vhd",
                                             "application/x-virtualbox-vhdx",
                                             "application/x-raw-disk-image", NULL };
  HangarAssistant *self = HANGAR_ASSISTANT (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) disks = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import a Disk Image"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"),
                                         _("_Cancel"));
  /* Translators: a file chooser's filter */
  gtk_file_filter_set_name (disks, _("Disk Images (QCOW2, raw, VMDK, VDI, VHD, VHDX)"));
  for (guint i = 0; suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (disks, suffixes[i]);
  for (guint i = 0; mime_types[i] != NULL; i++)
    gtk_file_filter_add_mime_type (disks, mime_types[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), disks);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_signal_connect (chooser, "response", G_CALLBACK (disk_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/**
 * hangar_assistant_import_bind:
 *
 * The import page's widgets and actions, for the class.
 */
void
hangar_assistant_import_bind (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_review);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_title);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_subtitle);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_format_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_size_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_firmware_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_os_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_copy_check);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_link_check);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_copy_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_link_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_problem_group);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_problem_row);

  gtk_widget_class_install_action (widget_class, "assistant.choose-disk", NULL,
                                   choose_disk_action);
}
