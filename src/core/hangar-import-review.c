/* hangar-import-review.c
 *
 * The one entry for importing any file: what it is and what will be made
 * (a disk image's probe or an appliance's description, with the notes on
 * what cannot be kept), the new machine's settings from it (refused beyond
 * the host), then the import itself (hangar-import.c).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-import"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-appliance.h"
#include "hangar-import.h"
#include "hangar-import-private.h"
#include "hangar-path-task.h"

void
hangar_import_review_free (HangarImportReview *review)
{
  if (review == NULL)
    return;
  g_free (review->path);
  g_clear_pointer (&review->disk, hangar_import_info_free);
  g_clear_pointer (&review->appliance, hangar_appliance_free);
  g_free (review);
}

/**
 * hangar_import_review:
 * @path: any file the user wants to import: a disk image, an .ova or an .ovf
 *
 * Blocking (for worker threads): reads what @path is. An appliance is
 * opened (hangar_appliance_open(): its description, its disks' places, its
 * manifest checked); anything else is probed as a disk image
 * (hangar_import_probe()).
 *
 * Returns: (transfer full): the review, or %NULL with @error set
 */
HangarImportReview *
hangar_import_review (const char    *path,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(HangarImportReview) review = g_new0 (HangarImportReview, 1);
  g_autofree char *lower = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  review->path = g_canonicalize_filename (path, NULL);
  lower = g_ascii_strdown (review->path, -1);
  /* The content decides; the name only for an archive whose description
   * is not its first member, which a disk image's probe would misread. */
  if (hangar_appliance_sniff (review->path) || g_str_has_suffix (lower, ".ova") ||
      g_str_has_suffix (lower, ".ovf"))
    review->appliance = hangar_appliance_open (review->path, cancellable, error);
  else
    review->disk = hangar_import_probe (review->path, cancellable, error);
  if (review->appliance == NULL && review->disk == NULL)
    return NULL;
  return g_steal_pointer (&review);
}

void
hangar_import_review_async (const char          *path,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  hangar_path_task_run (hangar_import_review_async, path, (HangarPathWork) hangar_import_review,
                        (GDestroyNotify) hangar_import_review_free, cancellable, callback,
                        user_data);
}

HangarImportReview *
hangar_import_review_finish (GAsyncResult  *result,
                             GError       **error)
{
  return hangar_path_task_finish (result, hangar_import_review_async, error);
}

/**
 * hangar_import_review_settings:
 * @review: what is imported
 * @profile: the guest's OS profile
 * @host: (nullable): the host's figures
 * @force_emulation: whether the machine must not use KVM
 * @memory_mib: the user's memory in MiB, or 0 for the appliance's
 * @vcpus: the user's processors, or 0 for the appliance's
 *
 * The new machine's settings: an appliance's name, description, memory,
 * processors, firmware and network adapters, or a disk's defaults. Memory
 * and processors beyond what the host can give are refused with the reason,
 * never lowered behind the user's back: the user chooses less.
 *
 * Returns: (transfer full): the settings, or %NULL with @error set
 */
HangarVmSettings *
hangar_import_review_settings (const HangarImportReview *review,
                               const HangarOsProfile    *profile,
                               const HangarHostInfo     *host,
                               gboolean                  force_emulation,
                               guint64                   memory_mib,
                               guint                     vcpus,
                               GError                  **error)
{
  g_autoptr(HangarVmSettings) settings = NULL;
  HangarAppliance *appliance;
  HangarVmLimits limits;

  g_return_val_if_fail (review != NULL, NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  settings = hangar_vm_settings_new_for (profile, host, force_emulation);
  appliance = review->appliance;
  if (appliance != NULL)
    {
      g_free (settings->name);
      settings->name = g_strdup (appliance->name);
      settings->description = g_strdup (appliance->description);
      if (appliance->memory_mib > 0)
        settings->memory_mib = appliance->memory_mib;
      if (appliance->vcpus > 0)
        settings->vcpus = appliance->vcpus;
      settings->firmware = appliance->firmware;
      settings->extra_nics = appliance->nics > 1 ? appliance->nics - 1 : 0;
    }
  if (memory_mib > 0)
    settings->memory_mib = memory_mib;
  if (vcpus > 0)
    settings->vcpus = vcpus;

  if (host == NULL)
    return g_steal_pointer (&settings);
  hangar_vm_settings_get_limits (host, &limits);
  if (settings->memory_mib > limits.max_memory_mib)
    {
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_HOST,
                   _("The machine would need %" G_GUINT64_FORMAT " MiB of memory; this computer "
                     "can give at most %" G_GUINT64_FORMAT " MiB. Give it less memory."),
                   settings->memory_mib, limits.max_memory_mib);
      return NULL;
    }
  if (settings->vcpus > limits.max_vcpus)
    {
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_HOST,
                   _("The machine would need %u processors; this computer has %u. Give it "
                     "fewer processors."), settings->vcpus, limits.max_vcpus);
      return NULL;
    }
  return g_steal_pointer (&settings);
}

/**
 * hangar_import_review_describe:
 * @review: what is imported
 * @settings: the settings it will be made with
 *
 * What the import will make, one sentence a line, for a review before the
 * import (the appliance's notes say what cannot be kept).
 *
 * Returns: (transfer full) (element-type utf8): the lines
 */
GPtrArray *
hangar_import_review_describe (const HangarImportReview *review,
                               const HangarVmSettings   *settings)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  HangarAppliance *appliance;
  g_autofree char *memory = NULL;

  g_return_val_if_fail (review != NULL && settings != NULL, lines);

  appliance = review->appliance;
  memory = g_format_size_full (settings->memory_mib << 20, G_FORMAT_SIZE_IEC_UNITS);
  g_ptr_array_add (lines, g_strdup_printf (_("Machine: %s"),
                                           settings->name != NULL ? settings->name : "?"));
  g_ptr_array_add (lines, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "%u processor, %s of memory",
                                                        "%u processors, %s of memory",
                                                        settings->vcpus),
                                           settings->vcpus, memory));
  if (appliance != NULL)
    {
      g_ptr_array_add (lines, g_strdup (appliance->firmware_declared
                                        ? (appliance->firmware == HANGAR_FIRMWARE_BIOS
                                           ? _("Firmware: BIOS") : _("Firmware: UEFI"))
                                        : _("Firmware: read from the first disk")));
      if (appliance->os_id != NULL)
        g_ptr_array_add (lines, g_strdup_printf (_("Operating system: %s (%s)"),
                                                 appliance->os_id, appliance->os_type));
      else if (appliance->os_type != NULL)
        g_ptr_array_add (lines, g_strdup_printf (_("Operating system: %s, not recognised; "
                                                   "generic devices"), appliance->os_type));
      {
        g_autofree char *signature = hangar_appliance_signature_text (appliance);

        g_ptr_array_add (lines, g_strdup_printf (_("Signature: %s"), signature));
      }
      for (guint i = 0; i < appliance->disks->len; i++)
        {
          HangarApplianceDisk *disk = g_ptr_array_index (appliance->disks, i);
          g_autofree char *size = g_format_size_full (disk->capacity, G_FORMAT_SIZE_IEC_UNITS);

          g_ptr_array_add (lines, g_strdup_printf (_("Disk %u: %s (%s), copied as qcow2"), i + 1,
                                                   disk->href,
                                                   disk->capacity > 0 ? size : _("size unknown")));
        }
      for (guint i = 0; i < MAX (appliance->nics, 1); i++)
        g_ptr_array_add (lines, g_strdup_printf (_("Network adapter %u: user-mode networking"),
                                                 i + 1));
    }
  else if (review->disk != NULL)
    {
      g_autofree char *size = g_format_size_full (review->disk->virtual_size,
                                                  G_FORMAT_SIZE_IEC_UNITS);

      g_ptr_array_add (lines, g_strdup_printf (_("Disk 1: %s image of %s"), review->disk->format,
                                               size));
      g_ptr_array_add (lines, g_strdup (review->disk->firmware == HANGAR_FIRMWARE_BIOS
                                        ? _("Firmware: BIOS") : _("Firmware: UEFI")));
    }
  return lines;
}

/**
 * hangar_import_async:
 * @connection: an open connection
 * @review: what to import, from hangar_import_review_async()
 * @profile: (nullable): the guest's OS, or %NULL for the generic profile
 * @settings: the machine's settings (see hangar_import_review_settings())
 * @flags: copy or link (a disk image only), start or not
 * @progress: (nullable): told how far the import is, over all disks
 * @progress_data: data for @progress
 * @cancellable: (nullable): stops the copies and deletes them: nothing is left
 * @callback: called when the machine exists, or nothing of the import does
 * @user_data: data for @callback
 *
 * The one entry for any importable file. A disk image goes through
 * hangar_import_disk_async(). An appliance's disks are each read where they
 * are in the archive and copied once into Hangar's storage as qcow2, in
 * order, after checking the space they need; the machine gets them all, the
 * appliance's firmware (else the first disk's) and its network adapters as
 * user-mode networking. On failure or cancellation every copy is deleted.
 */
void
hangar_import_async (HangarConnection         *connection,
                     const HangarImportReview *review,
                     const HangarOsProfile    *profile,
                     const HangarVmSettings   *settings,
                     HangarImportFlags         flags,
                     HangarProgressFunc        progress,
                     gpointer                  progress_data,
                     GCancellable             *cancellable,
                     GAsyncReadyCallback       callback,
                     gpointer                  user_data)
{
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));
  g_return_if_fail (review != NULL);
  g_return_if_fail (settings != NULL);

  if (review->appliance != NULL && (flags & HANGAR_IMPORT_LINK))
    {
      g_task_report_new_error (NULL, callback, user_data, hangar_import_disk_async,
                               HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_LINK,
                               _("An appliance’s disks are always copied: they cannot be used "
                                 "inside the archive."));
      return;
    }
  hangar_import_start (connection, review->path,
                       review->appliance != NULL ? hangar_appliance_copy (review->appliance)
                                                 : NULL,
                       profile, settings, flags, progress, progress_data, cancellable, callback,
                       user_data);
}

/**
 * hangar_import_finish:
 *
 * Returns: (transfer full): the new machine's name, or %NULL with @error set
 */
char *
hangar_import_finish (GAsyncResult  *result,
                      GError       **error)
{
  return hangar_import_disk_finish (result, error);
}
