/* hangar-assistant.c
 *
 * The new machine assistant: an ISO in (file chooser, Downloads, drag and
 * drop, `hangar PATH.iso`) or a disk image to import (its flow in
 * hangar-assistant-import.c), libosinfo's identification and the host's limits
 * turned into settings the user reviews, then the creator's progress. It
 * composes core objects and decides nothing itself: defaults come from
 * hangar_vm_settings_new_for(), the machine from HangarVmCreator.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-assistant"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hangar-assistant-private.h"
#include "hangar-machine-name.h"
#include "hangar-connection.h"
#include "hangar-host.h"
#include "hangar-local-media.h"
#include "hangar-media.h"
#include "hangar-os-chooser.h"
#include "hangar-os-db.h"
#include "hangar-vm-settings.h"
#include "hangar-storage-pool.h"
#include "hangar-vm-creator.h"

/* How many ISOs from ~/Downloads the source page offers. */
#define MAX_RECENT 5

G_DEFINE_FINAL_TYPE (HangarAssistant, hangar_assistant, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CREATED,
  IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_actions (HangarAssistant *self);
static void show_error (HangarAssistant *self, const char *title, const char *message);

/* "Try it" boots the image without a disk: offered for live systems, and for
 * images nobody recognised, which may well be live ones. */
static gboolean
can_try (HangarAssistant *self)
{
  return self->profile != NULL && (self->profile->live || self->profile->short_id == NULL);
}

static void
show_page (HangarAssistant *self,
           const char      *page)
{
  gboolean review = g_str_equal (page, "review");
  gboolean import = g_str_equal (page, "import");

  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_spinner_set_spinning (self->identifying_spinner, g_str_equal (page, "identifying"));
  gtk_widget_set_visible (self->create_button, review || import);
  gtk_widget_set_visible (self->try_button, review && can_try (self));
  gtk_widget_set_visible (self->back_button,
                          g_str_equal (page, "pick-os"));
  gtk_widget_set_visible (self->cancel_button, !g_str_equal (page, "pick-os"));
  if (g_str_equal (page, "pick-os"))
    gtk_widget_grab_focus (GTK_WIDGET (self->os_chooser));
  else if (review || import)
    gtk_widget_grab_focus (self->create_button);
  update_actions (self);
}

void
hangar_assistant_show_page (HangarAssistant *self,
                            const char      *page)
{
  show_page (self, page);
}

void
hangar_assistant_show_error (HangarAssistant *self,
                             const char      *title,
                             const char      *message)
{
  show_error (self, title, message);
}

void
hangar_assistant_update_actions (HangarAssistant *self)
{
  update_actions (self);
}

void
hangar_assistant_emit_created (HangarAssistant *self,
                               const char      *name)
{
  g_signal_emit (self, signals[IMPORTED], 0, name);
}

static void
show_error (HangarAssistant *self,
            const char      *title,
            const char      *message)
{
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, message);
  show_page (self, "error");
}

static char *
format_mib (guint64 mib)
{
  return g_format_size_full (mib * 1024 * 1024, G_FORMAT_SIZE_IEC_UNITS);
}

/* Settings ***************************************************************/

static void
update_limits (HangarAssistant *self)
{
  g_autofree char *ram = NULL;
  g_autofree char *free_space = NULL;
  g_autofree char *memory_subtitle = NULL;
  g_autofree char *disk_subtitle = NULL;
  HangarVmLimits limits;

  if (self->host == NULL)
    return;

  hangar_vm_settings_get_limits (self->host, &limits);
  gtk_adjustment_set_lower (self->memory_adjustment, limits.min_memory_mib);
  gtk_adjustment_set_upper (self->memory_adjustment, limits.max_memory_mib);
  gtk_adjustment_set_upper (self->cpus_adjustment, limits.max_vcpus);
  gtk_adjustment_set_upper (self->disk_adjustment, limits.max_disk_gib);

  ram = format_mib (self->host->ram_mib);
  /* Translators: the subtitle of the Memory row: “This computer has 16.0 GiB” */
  memory_subtitle = g_strdup_printf (_("This computer has %s"), ram);
  adw_action_row_set_subtitle (self->memory_row, memory_subtitle);

  free_space = g_format_size_full (self->host->free_bytes, G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: the subtitle of the Disk row: “120 GiB free; used only as the machine fills it” */
  disk_subtitle = g_strdup_printf (_("%s free; used only as the machine fills it"), free_space);
  adw_action_row_set_subtitle (self->disk_row, disk_subtitle);
}

static void
fill_settings (HangarAssistant *self)
{
  g_autoptr(HangarVmSettings) defaults = NULL;
  gboolean force = g_settings_get_boolean (self->settings, "force-software-emulation");

  defaults = hangar_vm_settings_new_for (self->profile, self->host, force);

  self->filling = TRUE;
  update_limits (self);
  gtk_adjustment_set_value (self->memory_adjustment, defaults->memory_mib);
  gtk_adjustment_set_value (self->cpus_adjustment, defaults->vcpus);
  gtk_adjustment_set_value (self->disk_adjustment, MAX (1, defaults->disk_gib));
  adw_combo_row_set_selected (self->firmware_row, defaults->firmware);
  gtk_switch_set_active (self->tpm_switch, defaults->tpm);

  if (defaults->domain_type == HANGAR_DOMAIN_TYPE_KVM)
    adw_action_row_set_subtitle (self->acceleration_row, _("KVM hardware virtualization"));
  else
    {
      g_autofree char *text = NULL;

      if (force)
        text = g_strdup (_("Software emulation, as set in Preferences (slower)"));
      else
        /* Translators: %s says why KVM cannot be used, e.g. “/dev/kvm is missing” */
        text = g_strdup_printf (_("Software emulation (slower): %s"),
                                self->host->kvm_reason != NULL ? self->host->kvm_reason
                                                               : _("KVM is not available"));
      adw_action_row_set_subtitle (self->acceleration_row, text);
    }

  if (!self->name_edited)
    {
      g_autofree char *path = self->file != NULL ? g_file_get_path (self->file) : NULL;
      g_autofree char *guess =
        hangar_vm_settings_default_name (self->profile,
                                         self->media != NULL
                                           ? hangar_media_get_guessed_name (self->media) : NULL,
                                         path);
      /* Hangar's own pick: made a name the rule accepts. */
      g_autofree char *name = hangar_machine_name_from_default (guess);

      gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
    }
  self->filling = FALSE;
}

static void
fill_review (HangarAssistant *self)
{
  g_autofree char *label = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  const HangarOsProfile *p = self->profile;
  gboolean arch_ok = TRUE;

  if (self->media != NULL && p == hangar_media_get_profile (self->media))
    label = hangar_media_dup_label (self->media);
  else
    label = g_strdup (p->short_id != NULL ? p->name : _("Unknown operating system"));
  gtk_label_set_text (self->os_title, label);
  adw_action_row_set_subtitle (self->os_row, label);

  if (p->short_id == NULL)
    g_string_append (subtitle, _("Not recognised: generic settings that suit most systems"));
  else
    {
      if (p->live && p->installer)
        g_string_append (subtitle, _("Live system and installer"));
      else if (p->live)
        g_string_append (subtitle, _("Live system"));
      else
        g_string_append (subtitle, _("Installer"));
      if (p->guessed && self->media != NULL && hangar_media_get_guess_reason (self->media) != NULL)
        g_string_append_printf (subtitle, "\n%s", hangar_media_get_guess_reason (self->media));
    }
  if (self->file != NULL)
    {
      g_autofree char *base = g_file_get_basename (self->file);

      g_string_append_printf (subtitle, "\n%s", base);
    }
  if (self->media != NULL && hangar_media_get_warning (self->media) != NULL)
    g_string_append_printf (subtitle, "\n%s", hangar_media_get_warning (self->media));
  gtk_label_set_text (self->os_subtitle, subtitle->str);

  if (self->media != NULL && !hangar_media_get_arch_ok (self->media))
    {
      arch_ok = FALSE;
      adw_action_row_set_subtitle (self->problem_row, hangar_media_get_arch_message (self->media));
    }
  gtk_widget_set_visible (self->problem_group, !arch_ok);

  fill_settings (self);
  update_actions (self);
}

/* Identification *********************************************************/

static void
pending_done (HangarAssistant *self)
{
  if (--self->pending > 0)
    return;

  if (self->pending_error != NULL)
    {
      g_autoptr(GError) error = g_steal_pointer (&self->pending_error);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("Cannot Use This Image"), error->message);
      return;
    }

  if (self->kind != HANGAR_IMAGE_KIND_MEDIUM)
    {
      hangar_assistant_import_review (self);
      return;
    }
  show_page (self, "review");
  fill_review (self);
}

void
hangar_assistant_pending_done (HangarAssistant *self)
{
  pending_done (self);
}

static void
identify_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HangarAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarMedia) media = NULL;

  media = hangar_os_db_identify_finish (HANGAR_OS_DB (object), result, &error);
  if (media == NULL)
    {
      if (self->pending_error == NULL)
        self->pending_error = g_steal_pointer (&error);
    }
  else
    {
      g_set_object (&self->media, media);
      g_clear_pointer (&self->profile, hangar_os_profile_free);
      self->profile = hangar_os_profile_copy (hangar_media_get_profile (media));
    }
  pending_done (self);
}

static void
probe_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HangarAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  HangarHostInfo *host = hangar_host_probe_finish (result, &error);

  if (host == NULL)
    {
      if (self->pending_error == NULL)
        self->pending_error = g_steal_pointer (&error);
    }
  else
    {
      g_clear_pointer (&self->host, hangar_host_info_free);
      self->host = host;
    }
  pending_done (self);
}

/* The file's first bytes say which flow it takes: an installation medium is
 * identified by libosinfo, a disk image probed for import; both while the
 * host's limits are read. */
static void
kind_read (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HangarAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *pool_dir = NULL;
  HangarImageKind kind;

  if (!hangar_image_kind_read_finish (result, &kind, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("Cannot Use This Image"), error->message);
      return;
    }

  self->kind = kind;
  path = g_file_get_path (self->file);
  switch (kind)
    {
    case HANGAR_IMAGE_KIND_MEDIUM:
      self->pending = 2;
      hangar_os_db_identify_async (self->db, path, self->cancellable, identify_done,
                                   g_object_ref (self));
      break;
    case HANGAR_IMAGE_KIND_DISK:
    case HANGAR_IMAGE_KIND_APPLIANCE:
    default:
      /* A disk image, an OVA, or an OVF (XML, read as a disk until core's
       * review says what it is). */
      self->pending = 2;
      hangar_assistant_import_open (self, path);
      break;
    }
  pool_dir = hangar_storage_pool_default_path ();
  hangar_host_probe_async (pool_dir, self->connection, self->cancellable, probe_done,
                           g_object_ref (self));
}

/**
 * hangar_assistant_open_file:
 * @file: an installation or live image, or a disk image to import
 *
 * Identifies @file (or probes the disk image) and shows its settings.
 */
void
hangar_assistant_open_file (HangarAssistant *self,
                            GFile           *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (HANGAR_IS_ASSISTANT (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_error (self, _("Cannot Use This Image"),
                  _("Only images on this computer can be used. Download the image first."));
      return;
    }

  g_set_object (&self->file, file);
  g_clear_object (&self->media);
  g_clear_pointer (&self->profile, hangar_os_profile_free);
  g_clear_pointer (&self->import_data, hangar_import_review_free);
  g_clear_error (&self->pending_error);
  self->name_edited = FALSE;

  show_page (self, "identifying");
  hangar_image_kind_read_async (path, self->cancellable, kind_read, g_object_ref (self));
}

/* The source page ********************************************************/

static void
on_recent_row_activated (HangarAssistant *self,
                         GtkListBoxRow   *row)
{
  GFile *file = g_object_get_data (G_OBJECT (row), "hangar-file");

  if (file != NULL)
    hangar_assistant_open_file (self, file);
}

static void
downloads_found (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HangarAssistant) self = user_data;
  g_autoptr(GPtrArray) images = NULL;

  /* No Downloads folder, or unreadable: the group stays hidden. */
  images = hangar_local_media_find_finish (result, NULL);
  if (images == NULL)
    return;

  for (guint i = 0; i < images->len; i++)
    {
      HangarLocalImage *image = g_ptr_array_index (images, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *size = g_format_size (image->size);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), image->display_name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), size);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("media-optical-symbolic"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "hangar-file", g_object_ref (image->file),
                              g_object_unref);
      gtk_list_box_append (self->recent_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), images->len > 0);
}

static void
find_downloads (HangarAssistant *self)
{
  g_autoptr(GFile) downloads = hangar_local_media_get_default_folder ();

  if (downloads != NULL)
    hangar_local_media_find_async (downloads, MAX_RECENT, self->cancellable, downloads_found,
                                   g_object_ref (self));
}

static void
file_chosen (GtkNativeDialog *dialog,
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

/**
 * hangar_assistant_choose_file:
 * @title: the chooser's title
 * @accept: its button's label
 * @filter_name: what @suffixes and @mime_types are
 * @suffixes: (array zero-terminated=1): file name endings
 * @mime_types: (array zero-terminated=1): content types
 *
 * Shows a file chooser whose first filter is @filter_name, then All Files;
 * the chosen file goes to hangar_assistant_open_file(), which takes each
 * kind of file its own way.
 */
void
hangar_assistant_choose_file (HangarAssistant    *self,
                              const char         *title,
                              const char         *accept,
                              const char         *filter_name,
                              const char * const *suffixes,
                              const char * const *mime_types)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) wanted = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  /* GTK 4.8 has no GtkFileDialog; the native chooser goes through the
   * portal inside a sandbox. */
  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         accept, _("_Cancel"));
  gtk_file_filter_set_name (wanted, filter_name);
  for (guint i = 0; suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (wanted, suffixes[i]);
  for (guint i = 0; mime_types[i] != NULL; i++)
    gtk_file_filter_add_mime_type (wanted, mime_types[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), wanted);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_signal_connect (chooser, "response", G_CALLBACK (file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
choose_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  static const char * const suffixes[] = { "iso", NULL };
  static const char * const mime_types[] = { "application/x-cd-image",
                                             "application/x-iso9660-image", NULL };

  hangar_assistant_choose_file (HANGAR_ASSISTANT (widget), _("Open ISO File"), _("_Open"),
                                _("Disk Images"), suffixes, mime_types);
}

static gboolean
on_drop (GtkDropTarget   *target,
         const GValue    *value,
         double           x,
         double           y,
         HangarAssistant *self)
{
  GSList *files;

  /* Only while nothing is being created. */
  if (self->creator != NULL || !G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = g_value_get_boxed (value);
  if (files == NULL)
    return FALSE;
  hangar_assistant_open_file (self, G_FILE (files->data));
  return TRUE;
}

/* Picking the OS by hand *************************************************/

static void
on_os_picked (HangarAssistant       *self,
              const HangarOsProfile *profile)
{
  g_clear_pointer (&self->profile, hangar_os_profile_free);
  self->profile = hangar_os_profile_copy (profile);
  if (self->kind != HANGAR_IMAGE_KIND_MEDIUM)
    {
      hangar_assistant_import_review (self);
      return;
    }
  show_page (self, "review");
  fill_review (self);
}

static void
pick_os_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HangarAssistant *self = HANGAR_ASSISTANT (widget);

  hangar_os_chooser_reset (self->os_chooser);
  show_page (self, "pick-os");
}

/* Creating ***************************************************************/

static const char *
step_text (HangarVmCreatorStep step,
           gboolean            transient)
{
  switch (step)
    {
    case HANGAR_VM_CREATOR_STEP_NAME: return _("Choosing a name");
    case HANGAR_VM_CREATOR_STEP_POOL: return _("Preparing the storage");
    case HANGAR_VM_CREATOR_STEP_VOLUME: return _("Creating the disk");
    case HANGAR_VM_CREATOR_STEP_CONFIG:
    case HANGAR_VM_CREATOR_STEP_DEFINE: return _("Setting up the machine");
    case HANGAR_VM_CREATOR_STEP_START: return transient ? _("Booting the live system")
                                                        : _("Starting the machine");
    case HANGAR_VM_CREATOR_STEP_DONE: return _("Done");
    case HANGAR_VM_CREATOR_STEP_ROLLBACK: return _("Stopping and cleaning up");
    case HANGAR_VM_CREATOR_STEP_NONE:
    case HANGAR_VM_CREATOR_STEP_FAILED:
    default: return "";
    }
}

static void
on_creator_progress (HangarAssistant *self)
{
  HangarVmCreatorStep step = hangar_vm_creator_get_step (self->creator);

  gtk_progress_bar_set_fraction (self->progress_bar, hangar_vm_creator_get_fraction (self->creator));
  gtk_progress_bar_set_text (self->progress_bar, step_text (step, self->trying));
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HangarAssistant) self = user_data;
  g_autoptr(HangarVmCreator) creator = g_steal_pointer (&self->creator);
  GVirDomain *domain;
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->create_cancellable);
  /* libvirt-gobject 4.0 declares no autoptr for its types. */
  domain = hangar_vm_creator_create_finish (creator, result, &error);
  g_clear_object (&domain);
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Stopped by the user: everything is rolled back; back to the settings. */
          if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
            show_page (self, "review");
          return;
        }
      show_error (self, _("Could Not Create the Machine"), error->message);
      return;
    }

  g_signal_emit (self, signals[CREATED], 0, creator);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_creation (HangarAssistant *self,
                gboolean         try_it)
{
  HangarConnection *connection = self->connection;
  g_autoptr(HangarVmSettings) s = NULL;
  g_autofree char *title = NULL;
  g_autofree char *path = NULL;

  if (hangar_connection_get_state (connection) != HANGAR_CONNECTION_CONNECTED)
    {
      show_error (self, _("Could Not Create the Machine"),
                  _("Hangar is not connected to the virtualization service. Check the main window."));
      return;
    }

  s = hangar_vm_settings_new_for (self->profile, self->host,
                                  g_settings_get_boolean (self->settings,
                                                          "force-software-emulation"));
  g_free (s->name);
  /* Exactly as shown: a name the user typed is used so or refused, never
   * changed; the default Hangar filled in is numbered when taken. */
  s->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  s->name_given = self->name_edited;
  s->memory_mib = (guint64) gtk_adjustment_get_value (self->memory_adjustment);
  s->vcpus = (guint) gtk_adjustment_get_value (self->cpus_adjustment);
  s->disk_gib = try_it ? 0 : (guint64) gtk_adjustment_get_value (self->disk_adjustment);
  s->firmware = adw_combo_row_get_selected (self->firmware_row);
  s->tpm = gtk_switch_get_active (self->tpm_switch);
  /* The very file identified (symlinks resolved) and what makes it that
   * file: a link re-pointed since changes nothing. */
  if (self->media != NULL)
    {
      path = g_strdup (hangar_media_get_path (self->media));
      s->iso_identity = g_strdup (hangar_media_get_identity (self->media));
    }
  else
    path = g_file_get_path (self->file);
  g_free (s->iso_path);
  s->iso_path = g_steal_pointer (&path);

  self->trying = try_it;
  self->creator = hangar_vm_creator_new (connection, self->profile, s);
  hangar_vm_creator_set_transient (self->creator, try_it);
  g_signal_connect_object (self->creator, "notify::step", G_CALLBACK (on_creator_progress), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->creator, "notify::fraction", G_CALLBACK (on_creator_progress),
                           self, G_CONNECT_SWAPPED);

  /* Translators: the progress page's title, “Creating “Fedora 37”…” */
  title = g_strdup_printf (try_it ? _("Starting “%s”…") : _("Creating “%s”…"), s->name);
  adw_status_page_set_title (self->progress_page, title);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, "");
  show_page (self, "progress");

  self->create_cancellable = g_cancellable_new ();
  hangar_vm_creator_create_async (self->creator, TRUE, self->create_cancellable, create_done,
                                  g_object_ref (self));
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarAssistant *self = HANGAR_ASSISTANT (widget);

  if (self->kind != HANGAR_IMAGE_KIND_MEDIUM)
    hangar_assistant_import_start (self);
  else
    start_creation (self, FALSE);
}

static void
try_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  start_creation (HANGAR_ASSISTANT (widget), TRUE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarAssistant *self = HANGAR_ASSISTANT (widget);

  /* Creating: stop, and let the creator roll back before anything closes. */
  if (self->create_cancellable != NULL)
    {
      g_cancellable_cancel (self->create_cancellable);
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HangarAssistant *self = HANGAR_ASSISTANT (widget);

  show_page (self, self->kind != HANGAR_IMAGE_KIND_MEDIUM ? "import" : "review");
}

static void
restart_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  show_page (HANGAR_ASSISTANT (widget), "source");
}

static void
on_name_changed (HangarAssistant *self)
{
  if (!self->filling)
    self->name_edited = TRUE;
  update_actions (self);
}

static void
update_actions (HangarAssistant *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autoptr(GError) error = NULL;
  /* The one rule for names; a taken one is refused by the creator, which
   * knows every machine (a default Hangar filled in is numbered instead). */
  gboolean name_ok = hangar_machine_name_check (name, &error);
  gboolean can = self->profile != NULL && self->host != NULL && self->creator == NULL &&
                 (self->media == NULL || hangar_media_get_arch_ok (self->media)) && name_ok;

  if (self->kind != HANGAR_IMAGE_KIND_MEDIUM)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.create",
                                     hangar_assistant_import_can_create (self));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.try", FALSE);
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.create", can);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assistant.try", can && can_try (self));
  gtk_label_set_label (self->name_error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->name_error_label), error != NULL);
  if (!name_ok)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
}

/* While creating, closing the window means stopping: the creator rolls back
 * first, then the window goes. */
static gboolean
hangar_assistant_close_request (GtkWindow *window)
{
  HangarAssistant *self = HANGAR_ASSISTANT (window);

  if (self->create_cancellable != NULL)
    {
      g_cancellable_cancel (self->create_cancellable);
      return TRUE;
    }
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (hangar_assistant_parent_class)->close_request (window);
}

/**
 * hangar_assistant_get_os_label:
 *
 * Returns: what the review page calls the image's operating system
 */
const char *
hangar_assistant_get_os_label (HangarAssistant *self)
{
  g_return_val_if_fail (HANGAR_IS_ASSISTANT (self), NULL);

  return gtk_label_get_text (self->os_title);
}

/**
 * hangar_assistant_set_name:
 *
 * Types @name into the Name row, as the user would.
 */
void
hangar_assistant_set_name (HangarAssistant *self,
                           const char      *name)
{
  g_return_if_fail (HANGAR_IS_ASSISTANT (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
}

const char *
hangar_assistant_get_page (HangarAssistant *self)
{
  g_return_val_if_fail (HANGAR_IS_ASSISTANT (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

static void
oses_listed (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HangarAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) oses = hangar_os_db_list_oses_finish (HANGAR_OS_DB (object), result,
                                                             &error);

  /* A database that fails to load is reported by identification. */
  if (oses == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("%s", error->message);
      return;
    }
  hangar_os_chooser_set_oses (self->os_chooser, oses);
}

static void
hangar_assistant_dispose (GObject *object)
{
  HangarAssistant *self = HANGAR_ASSISTANT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->creator);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_ASSISTANT);

  G_OBJECT_CLASS (hangar_assistant_parent_class)->dispose (object);
}

static void
hangar_assistant_finalize (GObject *object)
{
  HangarAssistant *self = HANGAR_ASSISTANT (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->create_cancellable);
  g_clear_object (&self->media);
  g_clear_object (&self->file);
  g_clear_pointer (&self->profile, hangar_os_profile_free);
  g_clear_pointer (&self->host, hangar_host_info_free);
  g_clear_pointer (&self->import_data, hangar_import_review_free);
  g_clear_error (&self->pending_error);
  g_clear_object (&self->connection);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hangar_assistant_parent_class)->finalize (object);
}

static void
hangar_assistant_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HangarAssistant *self = HANGAR_ASSISTANT (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_assistant_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HangarAssistant *self = HANGAR_ASSISTANT (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_assistant_class_init (HangarAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hangar_assistant_dispose;
  object_class->finalize = hangar_assistant_finalize;
  object_class->get_property = hangar_assistant_get_property;
  object_class->set_property = hangar_assistant_set_property;
  window_class->close_request = hangar_assistant_close_request;

  /**
   * HangarAssistant:connection:
   *
   * The connection the new machine is made on.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * HangarAssistant:settings:
   *
   * The application's settings (`force-software-emulation`).
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HangarAssistant::created:
   * @self: the assistant
   * @creator: the creator of the new machine, done
   *
   * A machine was created (and started); the assistant closes next. A
   * transient one ("Try it") can still be kept through @creator.
   */
  signals[CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HANGAR_TYPE_VM_CREATOR);

  /**
   * HangarAssistant::imported:
   * @self: the assistant
   * @name: the new machine's name
   *
   * A disk image was imported as a new machine (and started); the assistant
   * closes next.
   */
  signals[IMPORTED] =
    g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/assistant/hangar-assistant.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, back_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, create_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, try_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, recent_group);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, recent_list);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, identifying_spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, os_image);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, os_title);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, os_subtitle);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, problem_group);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, problem_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, name_error_label);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, os_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, memory_adjustment);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, cpus_adjustment);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, disk_adjustment);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, memory_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, disk_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, firmware_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, tpm_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, acceleration_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, os_chooser);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, progress_page);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarAssistant, error_page);
  hangar_assistant_import_bind (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_os_picked);

  gtk_widget_class_install_action (widget_class, "assistant.choose-file", NULL, choose_file_action);
  gtk_widget_class_install_action (widget_class, "assistant.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "assistant.try", NULL, try_action);
  gtk_widget_class_install_action (widget_class, "assistant.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "assistant.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "assistant.restart", NULL, restart_action);
  gtk_widget_class_install_action (widget_class, "assistant.pick-os", NULL, pick_os_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "assistant.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "assistant.choose-file", NULL);
}

static void
hangar_assistant_init (HangarAssistant *self)
{
  GtkDropTarget *drop;

  g_type_ensure (HANGAR_TYPE_OS_CHOOSER);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->db = hangar_os_db_get_default ();

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  /* The database loads, and the list to pick an OS from is built, while the
   * user picks a file: identification is then quick. */
  hangar_os_db_list_oses_async (self->db, self->cancellable, oses_listed, g_object_ref (self));
  find_downloads (self);
  show_page (self, "source");
}

/**
 * hangar_assistant_new:
 * @parent: (nullable): the window it opens over
 * @connection: the connection to make the machine on
 * @settings: the application's settings
 *
 * Returns: (transfer none): a new assistant, to present; it says through
 *   #HangarAssistant::created when the machine is made
 */
HangarAssistant *
hangar_assistant_new (GtkWindow        *parent,
                      HangarConnection *connection,
                      GSettings        *settings)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (HANGAR_TYPE_ASSISTANT,
                       "transient-for", parent,
                       "connection", connection,
                       "settings", settings,
                       NULL);
}
