/* hangar-properties-window.c
 *
 * One machine's properties: name, OS and firmware; memory and processors
 * (live where the machine can take them, else with a "next boot" notice);
 * disk size and the CD/DVD; display; and for troubleshooting the domain
 * XML and QEMU's log. Every read and change runs in HangarMachine's worker
 * threads; this window only shows and dispatches.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-properties"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-health-page.h"
#include "hangar-machine-config.h"
#include "hangar-media-file.h"
#include "hangar-properties-window.h"
#include "hangar-forwards-group.h"
#include "hangar-quit-choice.h"

/* Spin buttons change in steps: wait for the user to stop before applying. */
#define APPLY_DELAY_MS 800

#define GIB (1024.0 * 1024.0 * 1024.0)

struct _HangarPropertiesWindow
{
  AdwPreferencesWindow  parent_instance;

  HangarMachine        *machine;
  GCancellable         *cancellable;
  HangarMachineConfig  *config;
  gboolean              updating;
  gboolean              xml_loaded;
  gboolean              log_loaded;
  gboolean              next_boot;
  guint                 apply_source;
  guint                 busy;
  guint                 reading;
  gboolean              name_edited;

  AdwEntryRow          *name_row;
  AdwActionRow         *name_notice_row;
  AdwActionRow         *os_row;
  AdwActionRow         *firmware_row;
  AdwActionRow         *emulation_row;
  AdwActionRow         *next_boot_row;
  AdwActionRow         *memory_row;
  GtkSpinButton        *memory_spin;
  AdwActionRow         *vcpus_row;
  GtkSpinButton        *vcpus_spin;
  AdwActionRow         *disk_row;
  GtkButton            *grow_button;
  AdwActionRow         *cdrom_row;
  GtkButton            *insert_button;
  GtkButton            *eject_button;
  AdwActionRow         *video_row;
  AdwActionRow         *gl_row;
  GtkSwitch            *gl_switch;
  GtkTextView          *xml_view;
  GtkTextView          *log_view;
  HangarHealthPage     *health_page;
  /* What closing Hangar does to this machine. */
  GSettings            *settings;
  AdwComboRow          *on_quit_row;
};

G_DEFINE_FINAL_TYPE (HangarPropertiesWindow, hangar_properties_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_MACHINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload (HangarPropertiesWindow *self);
static void watch_on_quit (HangarPropertiesWindow *self);

static void
toast (HangarPropertiesWindow *self,
       const char             *message)
{
  AdwToast *toast = adw_toast_new (message);

  g_debug ("Toast: %s", message);

  adw_toast_set_timeout (toast, 6);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

/* A failed operation's message, unless the window is going away. */
static gboolean
report (HangarPropertiesWindow *self,
        GError                 *error)
{
  if (error == NULL)
    return FALSE;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
  return TRUE;
}

static const char *
firmware_label (HangarFirmware firmware)
{
  switch (firmware)
    {
    case HANGAR_FIRMWARE_UEFI:
      return _("UEFI");
    case HANGAR_FIRMWARE_UEFI_SECURE_BOOT:
      return _("UEFI with Secure Boot");
    case HANGAR_FIRMWARE_BIOS:
    default:
      return _("BIOS");
    }
}

static const char *
video_label (const char *model)
{
  if (g_strcmp0 (model, "qxl") == 0)
    return _("QXL (paravirtual, for SPICE)");
  if (g_strcmp0 (model, "virtio") == 0)
    return _("Virtio GPU (paravirtual)");
  if (g_strcmp0 (model, "vga") == 0 || g_strcmp0 (model, "bochs") == 0)
    return _("Standard VGA");
  if (model == NULL)
    return _("None");
  return model;
}

static gboolean
is_stopped (HangarPropertiesWindow *self)
{
  HangarMachineState state = hangar_machine_get_state (self->machine);

  return state == HANGAR_MACHINE_STATE_STOPPED || state == HANGAR_MACHINE_STATE_CRASHED;
}

static void
set_text (GtkTextView *view,
          const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

static char *
get_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* ------------------------------------------------------------------------ */
/* showing                                                                  */
/* ------------------------------------------------------------------------ */

static void
update_state (HangarPropertiesWindow *self)
{
  gboolean stopped = is_stopped (self);
  const HangarMachineDisk *cdrom = self->config != NULL
    ? hangar_machine_config_get_disk (self->config, TRUE) : NULL;

  /* libvirt renames only machines that are shut off. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), stopped && self->busy == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->name_notice_row), !stopped);
  if (stopped)
    self->next_boot = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->next_boot_row), self->next_boot);

  gtk_widget_set_sensitive (GTK_WIDGET (self->insert_button),
                            self->config != NULL && (cdrom != NULL || stopped));
  gtk_widget_set_sensitive (GTK_WIDGET (self->eject_button),
                            cdrom != NULL && cdrom->path != NULL);
  if (self->config != NULL && cdrom == NULL)
    adw_action_row_set_subtitle (self->cdrom_row,
                                 stopped ? _("Insert a disc image to add a drive.")
                                         : _("Shut the machine down to add a drive."));
}

static void
show_disk (HangarPropertiesWindow  *self,
           const HangarMachineDisk *disk)
{
  g_autofree char *capacity = NULL;
  g_autofree char *allocation = NULL;
  g_autofree char *subtitle = NULL;

  if (disk == NULL)
    {
      adw_action_row_set_subtitle (self->disk_row, _("This machine has no disk."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->grow_button), FALSE);
      return;
    }

  capacity = g_format_size_full (disk->capacity, G_FORMAT_SIZE_IEC_UNITS);
  allocation = g_format_size_full (disk->allocation, G_FORMAT_SIZE_IEC_UNITS);
  if (disk->growable)
    /* Translators: a disk's size, then how much of the host's storage it takes */
    subtitle = g_strdup_printf (_("%s, of which %s in use"), capacity, allocation);
  else
    subtitle = g_strdup_printf ("%s — %s", capacity, disk->not_growable_reason);
  adw_action_row_set_subtitle (self->disk_row, subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->grow_button), disk->growable);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->grow_button),
                               disk->growable ? NULL : disk->not_growable_reason);
}

static void
show_cdrom (HangarPropertiesWindow  *self,
            const HangarMachineDisk *cdrom)
{
  g_autofree char *name = NULL;

  if (cdrom == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->cdrom_row),
                                     _("No CD/DVD Drive"));
      return;
    }
  if (cdrom->path == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->cdrom_row), _("Empty"));
      adw_action_row_set_subtitle (self->cdrom_row, _("No disc in the drive"));
      return;
    }
  name = g_path_get_basename (cdrom->path);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->cdrom_row), name);
  adw_action_row_set_subtitle (self->cdrom_row, cdrom->path);
}

static void
show_config (HangarPropertiesWindow *self)
{
  HangarMachineConfig *config = self->config;
  g_autofree char *reason = NULL;
  g_autofree char *firmware = NULL;
  g_autofree char *memory_subtitle = NULL;
  g_autofree char *vcpus_subtitle = NULL;

  self->updating = TRUE;

  /* A name being typed is the user's until applied. */
  if (!self->name_edited)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), config->name);
  gtk_window_set_title (GTK_WINDOW (self), config->name);
  adw_action_row_set_subtitle (self->os_row, config->os_name != NULL ? config->os_name
                                             : config->os_id != NULL ? config->os_id
                                             : _("Unknown"));
  if (config->tpm)
    /* Translators: %s is the firmware, "UEFI with Secure Boot" */
    firmware = g_strdup_printf (_("%s, with TPM"), firmware_label (config->firmware));
  adw_action_row_set_subtitle (self->firmware_row,
                               firmware != NULL ? firmware : firmware_label (config->firmware));
  adw_action_row_set_subtitle (self->emulation_row,
                               g_strcmp0 (config->domain_type, "kvm") == 0
                               ? _("Hardware (KVM)")
                               : _("Software emulation (slower)"));

  /* The bounds are core's limits for this machine on this host; what it
   * has now stays shown even where it is over them. */
  gtk_adjustment_set_lower (gtk_spin_button_get_adjustment (self->memory_spin),
                            (double) config->limits.min_memory_mib);
  gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->memory_spin),
                            (double) MAX (config->limits.max_memory_mib, config->memory_mib));
  gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->vcpus_spin),
                            (double) MAX (config->limits.max_vcpus, config->vcpus));

  /* Never under the user's fingers: a change waiting to apply wins. */
  if (self->apply_source == 0)
    {
      gtk_spin_button_set_value (self->memory_spin, (double) config->memory_mib);
      gtk_spin_button_set_value (self->vcpus_spin, config->vcpus);
    }
  if (config->active)
    {
      memory_subtitle = g_strdup_printf (_("%" G_GUINT64_FORMAT " MiB in use now; up to %"
                                           G_GUINT64_FORMAT " MiB without a restart"),
                                         config->live_memory_mib, config->live_max_memory_mib);
      vcpus_subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%u in use now; up to %u without a restart",
                                                     "%u in use now; up to %u without a restart",
                                                     config->live_vcpus),
                                        config->live_vcpus, config->live_max_vcpus);
      if (config->memory_mib > config->live_max_memory_mib ||
          config->vcpus > config->live_max_vcpus)
        self->next_boot = TRUE;
    }
  adw_action_row_set_subtitle (self->memory_row, memory_subtitle);
  adw_action_row_set_subtitle (self->vcpus_row, vcpus_subtitle);

  show_disk (self, hangar_machine_config_get_disk (config, FALSE));
  show_cdrom (self, hangar_machine_config_get_disk (config, TRUE));

  adw_action_row_set_subtitle (self->video_row, video_label (config->video_model));
  gtk_switch_set_active (self->gl_switch, config->gl);
  /* Never offered until the display can show it: a guest with 3D on would
   * show nothing at all. */
  hangar_host_can_accelerate_3d (&reason);
  adw_action_row_set_subtitle (self->gl_row, reason);
  gtk_widget_set_sensitive (GTK_WIDGET (self->gl_switch), FALSE);

  update_state (self);
  self->updating = FALSE;
}

static void
config_read (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  HangarPropertiesWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  HangarMachineConfig *config;

  config = hangar_machine_read_config_finish (HANGAR_MACHINE (object), result, &error);
  self->reading--;
  if (config == NULL)
    {
      report (self, error);
      g_object_unref (self);
      return;
    }
  g_clear_pointer (&self->config, hangar_machine_config_free);
  self->config = config;
  show_config (self);
  g_object_unref (self);
}

static void
xml_read (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  HangarPropertiesWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = hangar_machine_get_xml_finish (HANGAR_MACHINE (object), result, &error);

  self->reading--;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_text (self->xml_view, xml != NULL ? xml : error->message);
      self->xml_loaded = TRUE;
    }
  g_object_unref (self);
}

static void
log_read (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  HangarPropertiesWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = hangar_machine_read_log_finish (HANGAR_MACHINE (object), result, NULL,
                                                          &error);

  self->reading--;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_text (self->log_view, text != NULL ? text : error->message);
      self->log_loaded = TRUE;
    }
  g_object_unref (self);
}

static void
reload (HangarPropertiesWindow *self)
{
  self->reading += 3;
  hangar_machine_read_config_async (self->machine, self->cancellable, config_read,
                                    g_object_ref (self));
  hangar_machine_get_xml_async (self->machine, FALSE, self->cancellable, xml_read,
                                g_object_ref (self));
  hangar_machine_read_log_async (self->machine, self->cancellable, log_read, g_object_ref (self));
}

static void
on_state_changed (HangarPropertiesWindow *self)
{
  update_state (self);
  /* Live figures come and go with the machine; the log grows at each start. */
  reload (self);
}

/* ------------------------------------------------------------------------ */
/* changing                                                                 */
/* ------------------------------------------------------------------------ */

static void
change_done (HangarPropertiesWindow *self,
             gboolean                ok,
             gboolean                live,
             GError                 *error)
{
  g_assert (self->busy > 0);
  self->busy--;
  report (self, error);
  if (ok && !live && !is_stopped (self))
    self->next_boot = TRUE;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reload (self);
}

static void
memory_set (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HangarPropertiesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean live = FALSE;
  gboolean ok = hangar_machine_set_memory_finish (HANGAR_MACHINE (object), result, &live, &error);

  change_done (self, ok, live, error);
}

static void
vcpus_set (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HangarPropertiesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean live = FALSE;
  gboolean ok = hangar_machine_set_vcpus_finish (HANGAR_MACHINE (object), result, &live, &error);

  change_done (self, ok, live, error);
}

static gboolean
apply_resources (gpointer user_data)
{
  HangarPropertiesWindow *self = user_data;
  guint64 memory = (guint64) gtk_spin_button_get_value_as_int (self->memory_spin);
  guint vcpus = (guint) gtk_spin_button_get_value_as_int (self->vcpus_spin);

  self->apply_source = 0;
  g_debug ("Applying %" G_GUINT64_FORMAT " MiB, %u processors", memory, vcpus);
  if (self->config == NULL)
    return G_SOURCE_REMOVE;

  if (memory != self->config->memory_mib)
    {
      self->busy++;
      hangar_machine_set_memory_async (self->machine, memory, self->cancellable, memory_set,
                                       g_object_ref (self));
    }
  if (vcpus != self->config->vcpus)
    {
      self->busy++;
      hangar_machine_set_vcpus_async (self->machine, vcpus, self->cancellable, vcpus_set,
                                      g_object_ref (self));
    }
  return G_SOURCE_REMOVE;
}

/* The memory spin shows its unit: "2048 MiB". */
static gboolean
on_memory_output (GtkSpinButton *spin)
{
  /* Translators: an amount of memory in mebibytes */
  g_autofree char *text = g_strdup_printf (_("%d MiB"), gtk_spin_button_get_value_as_int (spin));

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
on_memory_input (GtkSpinButton *spin,
                 double        *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  double parsed = g_ascii_strtod (text, &end);

  if (end == text)
    return GTK_INPUT_ERROR;
  *value = parsed;
  return TRUE;
}

static void
on_resources_changed (HangarPropertiesWindow *self)
{
  if (self->updating)
    return;
  g_clear_handle_id (&self->apply_source, g_source_remove);
  self->apply_source = g_timeout_add (APPLY_DELAY_MS, apply_resources, self);
}

static void
renamed (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(HangarPropertiesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hangar_machine_rename_finish (HANGAR_MACHINE (object), result, &error);

  change_done (self, ok, TRUE, error);
}

static void
on_name_changed (HangarPropertiesWindow *self)
{
  if (!self->updating)
    self->name_edited = TRUE;
}

static void
on_name_apply (HangarPropertiesWindow *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));

  self->name_edited = FALSE;

  self->busy++;
  update_state (self);
  hangar_machine_rename_async (self->machine, name, self->cancellable, renamed,
                               g_object_ref (self));
}

static void
disk_grown (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HangarPropertiesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = hangar_machine_grow_disk_finish (HANGAR_MACHINE (object), result, &error);

  change_done (self, ok, TRUE, error);
  if (ok)
    toast (self, _("Disk grown — now grow its partition in the machine"));
}

static void
on_grow_response (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  HangarPropertiesWindow *self = user_data;
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (dialog), "size-spin");
  const HangarMachineDisk *disk;

  if (!g_str_equal (response, "grow") || self->config == NULL ||
      (disk = hangar_machine_config_get_disk (self->config, FALSE)) == NULL)
    return;

  self->busy++;
  hangar_machine_grow_disk_async (self->machine, disk->target,
                                  (guint64) (gtk_spin_button_get_value (spin) * GIB),
                                  self->cancellable, disk_grown, g_object_ref (self));
}

static void
on_grow_clicked (HangarPropertiesWindow *self)
{
  const HangarMachineDisk *disk;
  GtkWidget *dialog, *spin, *box, *label;
  double next_gib;

  if (self->config == NULL || (disk = hangar_machine_config_get_disk (self->config, FALSE)) == NULL)
    return;

  /* The next whole GiB above the size now. */
  next_gib = (double) (disk->capacity / (guint64) GIB) + 1;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Grow the Disk?"),
                                   _("The disk can only grow, never shrink. The system inside the "
                                     "machine does not use the new space by itself: grow its "
                                     "partition and file system afterwards, with its own disk "
                                     "tool."));
  /* At most what core allows: the size now plus the free space. */
  spin = gtk_spin_button_new_with_range (next_gib,
                                         MAX (next_gib, (double) (disk->capacity / (guint64) GIB +
                                                                  self->config->limits.max_disk_gib)),
                                         1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), next_gib);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  label = gtk_label_new (_("GiB"));
  gtk_widget_add_css_class (label, "dim-label");
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), gtk_label_new (_("New size")));
  gtk_box_append (GTK_BOX (box), spin);
  gtk_box_append (GTK_BOX (box), label);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  g_object_set_data (G_OBJECT (dialog), "size-spin", spin);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "grow", _("_Grow"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "grow",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_grow_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cdrom_set (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HangarPropertiesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean live = FALSE;
  gboolean ok = hangar_machine_set_cdrom_finish (HANGAR_MACHINE (object), result, &live, &error);

  /* A disc changes at once or, when stopped, is there at the next boot: no notice. */
  change_done (self, ok, TRUE, error);
}

/* The file chosen, resolved: a warning when others could replace it, then
 * the very file goes in the drive (core records it by its canonical path). */
static void
medium_resolved (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HangarPropertiesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarMediaFile) file = hangar_media_file_resolve_finish (result, &error);

  if (file == NULL)
    {
      change_done (self, FALSE, TRUE, error);
      return;
    }
  if (file->warning != NULL)
    toast (self, file->warning);
  hangar_machine_set_cdrom_async (self->machine, file->path, self->cancellable, cdrom_set,
                                  g_object_ref (self));
}

static void
on_file_chosen (GtkNativeDialog *chooser,
                int              response,
                gpointer         user_data)
{
  HangarPropertiesWindow *self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL &&
      (path = g_file_get_path (file)) != NULL)
    {
      self->busy++;
      hangar_media_file_resolve_async (path, self->cancellable, medium_resolved,
                                       g_object_ref (self));
    }
  g_object_unref (chooser);
}

static void
on_insert_clicked (HangarPropertiesWindow *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) images = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Insert a Disc Image"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Insert"), _("_Cancel"));
  gtk_file_filter_set_name (images, _("Disc images"));
  gtk_file_filter_add_mime_type (images, "application/x-cd-image");
  gtk_file_filter_add_suffix (images, "iso");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), images);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_file_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_eject_clicked (HangarPropertiesWindow *self)
{
  self->busy++;
  hangar_machine_set_cdrom_async (self->machine, NULL, self->cancellable, cdrom_set,
                                  g_object_ref (self));
}

static void
copy_text (HangarPropertiesWindow *self,
           GtkTextView            *view)
{
  g_autofree char *text = get_text (view);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  toast (self, _("Copied to the clipboard"));
}

static void
on_copy_xml_clicked (HangarPropertiesWindow *self)
{
  copy_text (self, self->xml_view);
}

static void
on_copy_log_clicked (HangarPropertiesWindow *self)
{
  copy_text (self, self->log_view);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */
/* ------------------------------------------------------------------------ */

/**
 * hangar_properties_window_new:
 * @machine: the machine to show
 *
 * Returns: (transfer full): a new window; present it
 */
HangarPropertiesWindow *
hangar_properties_window_new (HangarMachine *machine)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (machine), NULL);

  return g_object_new (HANGAR_TYPE_PROPERTIES_WINDOW, "machine", machine, NULL);
}

/**
 * hangar_properties_window_show:
 * @machine: a machine
 * @parent: (nullable): a widget of the window it is opened from
 *
 * Presents @machine's properties: its window when one is open already,
 * else a new one beside @parent's window.
 */
void
hangar_properties_window_show (HangarMachine *machine,
                               GtkWidget     *parent)
{
  GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  HangarPropertiesWindow *window = NULL;

  g_return_if_fail (HANGAR_IS_MACHINE (machine));

  /* Nothing left to show or change. */
  if (hangar_machine_is_gone (machine))
    return;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && window == NULL; i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (HANGAR_IS_PROPERTIES_WINDOW (toplevel) &&
          g_strcmp0 (hangar_machine_get_uuid (HANGAR_PROPERTIES_WINDOW (toplevel)->machine),
                     hangar_machine_get_uuid (machine)) == 0)
        window = HANGAR_PROPERTIES_WINDOW (toplevel);
    }

  if (window == NULL)
    {
      window = hangar_properties_window_new (machine);
      if (GTK_IS_WINDOW (root))
        {
          gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
          gtk_window_set_application (GTK_WINDOW (window),
                                      gtk_window_get_application (GTK_WINDOW (root)));
        }
    }
  gtk_window_present (GTK_WINDOW (window));
}

HangarMachine *
hangar_properties_window_get_machine (HangarPropertiesWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_PROPERTIES_WINDOW (self), NULL);

  return self->machine;
}

/**
 * hangar_properties_window_is_loaded:
 * @self: a #HangarPropertiesWindow
 *
 * Returns: whether the configuration, XML and log have been read, and no
 *   change or new read is under way
 */
gboolean
hangar_properties_window_is_loaded (HangarPropertiesWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_PROPERTIES_WINDOW (self), FALSE);

  return self->config != NULL && self->xml_loaded && self->log_loaded && self->busy == 0 &&
         self->reading == 0 && self->apply_source == 0;
}

static void
update_title (HangarPropertiesWindow *self)
{
  gtk_window_set_title (GTK_WINDOW (self), hangar_machine_get_name (self->machine));
}

static void
hangar_properties_window_constructed (GObject *object)
{
  HangarPropertiesWindow *self = HANGAR_PROPERTIES_WINDOW (object);

  G_OBJECT_CLASS (hangar_properties_window_parent_class)->constructed (object);

  update_title (self);
  g_signal_connect_object (self->machine, "notify::state", G_CALLBACK (on_state_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->machine, "notify::name", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  /* Deleted, here or elsewhere: nothing left to show or change. */
  g_signal_connect_object (self->machine, "notify::gone", G_CALLBACK (gtk_window_close), self,
                           G_CONNECT_SWAPPED);
  update_state (self);
  watch_on_quit (self);
  reload (self);
  hangar_health_page_set_machine (self->health_page, self->machine);
  /* KVM or emulation, shown on the General page. */
  g_signal_connect_object (self->health_page, "machine-changed", G_CALLBACK (reload), self,
                           G_CONNECT_SWAPPED);
}

/* Closing Hangar ******************************************************* */

/* The on-quit row's items, in order: the application's choice, then the
 * machine's own. */
static const char * const on_quit_choices[] = {
  NULL, HANGAR_QUIT_CHOICE_SAVE, HANGAR_QUIT_CHOICE_LEAVE_RUNNING,
};

static void
update_on_quit (HangarPropertiesWindow *self)
{
  g_autofree char *own = hangar_quit_choice_get_own (self->settings,
                                                     hangar_machine_get_uuid (self->machine));
  guint selected = 0;

  for (guint i = 1; i < G_N_ELEMENTS (on_quit_choices); i++)
    if (g_strcmp0 (own, on_quit_choices[i]) == 0)
      selected = i;
  if (adw_combo_row_get_selected (self->on_quit_row) != selected)
    adw_combo_row_set_selected (self->on_quit_row, selected);
}

static void
on_quit_selected (HangarPropertiesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->on_quit_row);
  g_autofree char *own = hangar_quit_choice_get_own (self->settings,
                                                     hangar_machine_get_uuid (self->machine));

  if (selected >= G_N_ELEMENTS (on_quit_choices) ||
      g_strcmp0 (own, on_quit_choices[selected]) == 0)
    return;
  hangar_quit_choice_set_own (self->settings, hangar_machine_get_uuid (self->machine),
                              on_quit_choices[selected]);
}

static void
watch_on_quit (HangarPropertiesWindow *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
  update_on_quit (self);
  g_signal_connect_object (self->settings, "changed::machine-on-quit",
                           G_CALLBACK (update_on_quit), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->on_quit_row, "notify::selected",
                           G_CALLBACK (on_quit_selected), self, G_CONNECT_SWAPPED);
}

static void
hangar_properties_window_dispose (GObject *object)
{
  HangarPropertiesWindow *self = HANGAR_PROPERTIES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->apply_source, g_source_remove);

  G_OBJECT_CLASS (hangar_properties_window_parent_class)->dispose (object);
}

static void
hangar_properties_window_finalize (GObject *object)
{
  HangarPropertiesWindow *self = HANGAR_PROPERTIES_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->machine);
  g_clear_pointer (&self->config, hangar_machine_config_free);

  G_OBJECT_CLASS (hangar_properties_window_parent_class)->finalize (object);
}

static void
hangar_properties_window_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  HangarPropertiesWindow *self = HANGAR_PROPERTIES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_object (value, self->machine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_properties_window_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  HangarPropertiesWindow *self = HANGAR_PROPERTIES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      self->machine = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_properties_window_class_init (HangarPropertiesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (HANGAR_TYPE_FORWARDS_GROUP);
  object_class->constructed = hangar_properties_window_constructed;
  object_class->dispose = hangar_properties_window_dispose;
  object_class->finalize = hangar_properties_window_finalize;
  object_class->get_property = hangar_properties_window_get_property;
  object_class->set_property = hangar_properties_window_set_property;

  properties[PROP_MACHINE] =
    g_param_spec_object ("machine", NULL, NULL, HANGAR_TYPE_MACHINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HANGAR_TYPE_HEALTH_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH
                                               "/properties/hangar-properties-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, health_page);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, name_notice_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, os_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, firmware_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, emulation_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, next_boot_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, memory_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, memory_spin);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, vcpus_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, vcpus_spin);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, disk_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, grow_button);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, cdrom_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, insert_button);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, eject_button);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, video_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, gl_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, gl_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, xml_view);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, log_view);
  gtk_widget_class_bind_template_child (widget_class, HangarPropertiesWindow, on_quit_row);
  gtk_widget_class_bind_template_callback (widget_class, on_name_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_resources_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_memory_output);
  gtk_widget_class_bind_template_callback (widget_class, on_memory_input);
  gtk_widget_class_bind_template_callback (widget_class, on_grow_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_insert_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_eject_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_xml_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_log_clicked);
}

/**
 * hangar_properties_window_get_health_page:
 * @self: a #HangarPropertiesWindow
 *
 * Returns: (transfer none): its Health page (a #HangarHealthPage)
 */
GtkWidget *
hangar_properties_window_get_health_page (HangarPropertiesWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_PROPERTIES_WINDOW (self), NULL);

  return GTK_WIDGET (self->health_page);
}

static void
hangar_properties_window_init (HangarPropertiesWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
