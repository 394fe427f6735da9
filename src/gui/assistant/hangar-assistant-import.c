/* hangar-assistant-import.c
 *
 * The assistant's import flow: a disk image or an OVA/OVF appliance (chosen,
 * dropped, or given as `hangar FILE`) reviewed by core
 * (hangar_import_review_async(): format, sizes, firmware, the appliance's
 * hardware and what of it cannot be kept; refusals in plain words), a review
 * page (name, OS, copy or use in place for a disk image), then
 * hangar_import_async() with one progress over all disks on the progress
 * page and Stop, after which nothing of the import is left.
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
can_link (const HangarImportReview *review)
{
  const HangarImportInfo *info = review != NULL ? review->disk : NULL;

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

/* The appliance's OS, once osinfo is loaded: its profile when osinfo knows
 * it, else the generic one stays. */
static void
os_db_loaded (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HangarAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  const HangarAppliance *appliance = self->import_data != NULL ? self->import_data->appliance
                                                               : NULL;

  if (hangar_os_db_load_finish (HANGAR_OS_DB (object), result, &error) && appliance != NULL &&
      appliance->os_id != NULL)
    {
      HangarOsProfile *profile = hangar_os_db_profile_for_id (self->db, appliance->os_id);

      if (profile != NULL)
        {
          g_clear_pointer (&self->profile, hangar_os_profile_free);
          self->profile = profile;
        }
    }
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("No operating system database for the appliance: %s", error->message);
  hangar_assistant_pending_done (self);
}

static void
review_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HangarAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  HangarImportReview *review = hangar_import_review_finish (result, &error);

  if (review == NULL)
    {
      if (self->pending_error == NULL)
        self->pending_error = g_steal_pointer (&error);
    }
  else
    {
      const char *os_id = review->appliance != NULL ? review->appliance->os_id : NULL;

      g_clear_pointer (&self->import_data, hangar_import_review_free);
      self->import_data = review;
      g_clear_pointer (&self->profile, hangar_os_profile_free);
      self->profile = hangar_os_profile_new_generic ();
      /* The OS an appliance declares, when osinfo knows it; else generic. */
      if (os_id != NULL && self->db != NULL)
        {
          self->pending++;
          hangar_os_db_load_async (self->db, self->cancellable, os_db_loaded,
                                   g_object_ref (self));
        }
    }
  hangar_assistant_pending_done (self);
}

/**
 * hangar_assistant_import_open:
 * @path: a disk image, an OVA, or an OVF with its files beside it
 *
 * Reviews @path; the host probe runs beside it, and the last one done shows
 * the review page (hangar_assistant_import_review()) or the error.
 */
void
hangar_assistant_import_open (HangarAssistant *self,
                              const char      *path)
{
  gtk_check_button_set_active (self->import_copy_check, TRUE);
  show_problem (self, NULL);
  hangar_import_review_async (path, self->cancellable, review_done, g_object_ref (self));
}

/* The settings Create uses: the appliance's memory and processors (or
 * Hangar's for the OS), the name on the page. */
static HangarVmSettings *
import_settings (HangarAssistant *self,
                 GError         **error)
{
  HangarVmSettings *settings;

  settings = hangar_import_review_settings (self->import_data, self->profile, self->host,
                                            g_settings_get_boolean (self->settings,
                                                                    "force-software-emulation"),
                                            0, 0, error);
  if (settings == NULL)
    return NULL;
  g_free (settings->name);
  settings->name = g_strstrip (g_strdup (name_text (self)));
  /* A name the user typed is used as given or refused; Hangar's default
   * (the file's or appliance's name) may be numbered when taken. */
  settings->name_given = self->name_edited;
  return settings;
}

static void
fill_appliance (HangarAssistant       *self,
                const HangarAppliance *appliance)
{
  g_autoptr(GString) disks = g_string_new (NULL);
  g_autoptr(GString) notes = g_string_new (NULL);
  g_autofree char *memory = NULL;
  g_autofree char *hardware = NULL;
  g_autofree char *nics = NULL;
  g_autofree char *count = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *signature = hangar_appliance_signature_text (appliance);
  guint64 total = 0;

  adw_action_row_set_subtitle (self->import_description_row,
                               appliance->description != NULL ? appliance->description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->import_description_row),
                          appliance->description != NULL && *appliance->description != '\0');

  memory = g_format_size_full (appliance->memory_mib << 20, G_FORMAT_SIZE_IEC_UNITS);
  if (appliance->memory_mib > 0 && appliance->vcpus > 0)
    /* Translators: the appliance's hardware, “2 GiB, 2 processors” */
    hardware = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u processor",
                                             "%s, %u processors", appliance->vcpus),
                                memory, appliance->vcpus);
  else
    hardware = g_strdup (_("Not given: Hangar’s defaults for the operating system"));
  adw_action_row_set_subtitle (self->import_hardware_row, hardware);

  for (guint i = 0; i < appliance->disks->len; i++)
    {
      const HangarApplianceDisk *disk = g_ptr_array_index (appliance->disks, i);
      g_autofree char *size = g_format_size_full (disk->capacity, G_FORMAT_SIZE_IEC_UNITS);

      total += disk->capacity;
      if (disks->len > 0)
        g_string_append_c (disks, '\n');
      /* Translators: one disk of an appliance, “Disk 1: web-disk1.vmdk, 64 MiB” */
      g_string_append_printf (disks, _("Disk %u: %s, %s"), i + 1, disk->href,
                              disk->capacity > 0 ? size : _("size unknown"));
    }
  adw_action_row_set_subtitle (self->import_disks_row, disks->str);
  /* Translators: the appliance's disks, “2 disks” */
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u disk", "%u disks",
                                        appliance->disks->len), appliance->disks->len);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->import_disks_row), count);

  total_text = g_format_size_full (total, G_FORMAT_SIZE_IEC_UNITS);
  adw_action_row_set_subtitle (self->import_size_row, total_text);
  adw_action_row_set_subtitle (self->import_format_row,
                               appliance->ova ? _("OVA appliance (Open Virtualization Format)")
                                              : _("OVF appliance (Open Virtualization Format)"));

  if (appliance->nics > 0)
    /* Translators: the appliance's network adapters, “2, each on user-mode networking” */
    nics = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u, on user-mode networking",
                                         "%u, each on user-mode networking", appliance->nics),
                            appliance->nics);
  else
    nics = g_strdup (_("None declared: one on user-mode networking"));
  adw_action_row_set_subtitle (self->import_nics_row, nics);
  adw_action_row_set_subtitle (self->import_signature_row, signature);

  if (appliance->firmware_declared)
    adw_action_row_set_subtitle (self->import_firmware_row,
                                 appliance->firmware == HANGAR_FIRMWARE_BIOS
                                   ? _("BIOS, as the appliance declares")
                                   : _("UEFI, as the appliance declares"));
  else
    adw_action_row_set_subtitle (self->import_firmware_row,
                                 _("Read from the first disk when it is copied"));

  for (guint i = 0; i < appliance->notes->len; i++)
    {
      if (notes->len > 0)
        g_string_append_c (notes, '\n');
      g_string_append (notes, g_ptr_array_index (appliance->notes, i));
    }
  adw_action_row_set_subtitle (self->import_notes_row, notes->str);
  gtk_widget_set_visible (self->import_notes_group, appliance->notes->len > 0);
}

static void
show_appliance_rows (HangarAssistant *self,
                     gboolean         appliance)
{
  gtk_widget_set_visible (GTK_WIDGET (self->import_hardware_row), appliance);
  gtk_widget_set_visible (GTK_WIDGET (self->import_disks_row), appliance);
  gtk_widget_set_visible (GTK_WIDGET (self->import_nics_row), appliance);
  gtk_widget_set_visible (GTK_WIDGET (self->import_signature_row), appliance);
  if (!appliance)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->import_description_row), FALSE);
      gtk_widget_set_visible (self->import_notes_group, FALSE);
    }
}

/**
 * hangar_assistant_import_review:
 *
 * Fills the import page from the probe and the chosen OS, and shows it.
 */
void
hangar_assistant_import_review (HangarAssistant *self)
{
  const HangarImportReview *review = self->import_data;
  const HangarImportInfo *info = review != NULL ? review->disk : NULL;
  const HangarAppliance *appliance = review != NULL ? review->appliance : NULL;
  g_autofree char *path = g_file_get_path (self->file);
  g_autofree char *basename = g_file_get_basename (self->file);
  g_autofree char *display = g_filename_display_name (basename);
  g_autofree char *size = NULL;
  g_autofree char *format = NULL;
  g_autofree char *link_subtitle = NULL;
  const char *firmware;

  g_return_if_fail ((info != NULL || appliance != NULL) && self->profile != NULL);

  show_appliance_rows (self, appliance != NULL);
  gtk_label_set_text (self->import_title, appliance != NULL && appliance->name != NULL
                                            ? appliance->name : display);
  adw_action_row_set_subtitle (self->import_os_row,
                               self->profile->short_id != NULL
                                 ? self->profile->name
                                 : _("Unknown: generic settings that suit most systems"));
  if (appliance != NULL && self->profile->short_id == NULL &&
      (appliance->os_type != NULL || appliance->os_id != NULL))
    {
      g_autofree char *os = NULL;

      /* Translators: %s is the OS an appliance declares, e.g. “Debian12_64” */
      os = g_strdup_printf (_("The appliance says “%s”, which this computer does not know: "
                              "generic settings. Choose the system with Change…"),
                            appliance->os_type != NULL ? appliance->os_type : appliance->os_id);
      adw_action_row_set_subtitle (self->import_os_row, os);
    }
  if (appliance != NULL)
    {
      gtk_label_set_text (self->import_subtitle,
                          _("An appliance to import as a new machine; its disks are copied "
                            "into Hangar"));
      fill_appliance (self, appliance);
      /* An appliance's disks are converted out of the archive (or its
       * folder): there is nothing to use in place. */
      adw_action_row_set_subtitle (self->import_link_row,
                                   _("Not for appliances: their disks are always converted "
                                     "into Hangar’s storage"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->import_link_row), FALSE);
      gtk_check_button_set_active (self->import_copy_check, TRUE);
      if (!self->name_edited)
        {
          self->filling = TRUE;
          /* The appliance's own name, as hangarctl keeps it. */
          gtk_editable_set_text (GTK_EDITABLE (self->import_name_row),
                                 appliance->name != NULL ? appliance->name : "");
          if (appliance->name == NULL)
            {
              g_autofree char *name = hangar_vm_settings_default_name (NULL, NULL, path);

              gtk_editable_set_text (GTK_EDITABLE (self->import_name_row), name);
            }
          self->filling = FALSE;
        }
      hangar_assistant_show_page (self, "import");
      return;
    }

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

  if (can_link (review))
    link_subtitle = g_strdup (_("No copy is made: the machine starts sooner and writes to this "
                                "file, which must stay where it is"));
  else
    /* Translators: %s is a disk image format, e.g. “VMDK (VMware)” */
    link_subtitle = g_strdup_printf (_("Only QCOW2 and raw images can be used in place; this one "
                                       "is %s"), format);
  adw_action_row_set_subtitle (self->import_link_row, link_subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_link_row), can_link (review));
  if (!can_link (review))
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

  return self->import_data != NULL && self->profile != NULL && self->host != NULL &&
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
  g_autofree char *name = hangar_import_finish (result, &error);

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
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *basename = g_file_get_basename (self->file);
  g_autofree char *display = g_filename_display_name (basename);
  g_autofree char *description = NULL;
  gboolean link = gtk_check_button_get_active (self->import_link_check) &&
                  can_link (self->import_data);
  HangarImportFlags flags = HANGAR_IMPORT_START | (link ? HANGAR_IMPORT_LINK : 0);

  if (!hangar_assistant_import_can_create (self))
    return;
  if (hangar_connection_get_state (self->connection) != HANGAR_CONNECTION_CONNECTED)
    {
      show_problem (self, _("Hangar is not connected to the virtualization service. Check the "
                            "main window."));
      return;
    }

  settings = import_settings (self, &error);
  if (settings == NULL)
    {
      show_problem (self, error->message);
      return;
    }

  show_problem (self, NULL);
  /* Translators: the progress page's title, “Importing “Debian””… */
  title = g_strdup_printf (_("Importing “%s”…"), settings->name);
  adw_status_page_set_title (self->progress_page, title);
  /* Translators: %s is the disk image's file name */
  if (self->import_data->appliance != NULL)
    /* Translators: %u is how many disks an appliance has, %s its file name */
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "Copying %u disk of “%s” into Hangar’s storage",
                                                "Copying %u disks of “%s” into Hangar’s storage",
                                                self->import_data->appliance->disks->len),
                                   self->import_data->appliance->disks->len, display);
  else
    description = link ? g_strdup_printf (_("Setting up a machine on “%s”, where it is"), display)
                       : g_strdup_printf (_("Copying “%s” into Hangar’s storage"), display);
  adw_status_page_set_description (self->progress_page, description);
  on_import_progress (0, self);
  hangar_assistant_show_page (self, "progress");

  self->create_cancellable = g_cancellable_new ();
  hangar_assistant_update_actions (self);
  hangar_import_async (self->connection, self->import_data, self->profile, settings, flags,
                       on_import_progress, self, self->create_cancellable, import_done,
                       g_object_ref (self));
}

static void
choose_disk_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  static const char * const suffixes[] = { "qcow2", "qcow", "img", "raw", "vmdk", "vdi", "vhd",
                                           "vhdx", "ova", "ovf", NULL };
  static const char * const mime_types[] = { "application/x-qemu-disk", "application/x-vmdk-disk",
                                             "application/x-virtualbox-vdi",
                                             "application/x-virtualbox-vhd",
                                             "application/x-virtualbox-vhdx",
                                             "application/x-raw-disk-image",
                                             "application/x-virtualbox-ova",
                                             "application/x-virtualbox-ovf", NULL };

  hangar_assistant_choose_file (HANGAR_ASSISTANT (widget),
                                _("Import a Disk Image or Appliance"), _("_Import"),
                                /* Translators: a file chooser's filter */
                                _("Disk Images and Appliances (QCOW2, raw, VMDK, VDI, VHD, VHDX, "
                                  "OVA, OVF)"), suffixes, mime_types);
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
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_description_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_hardware_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_disks_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_nics_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_signature_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_notes_group);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, import_notes_row);

  gtk_widget_class_install_action (widget_class, "assistant.choose-disk", NULL,
                                   choose_disk_action);
}
