/* hangar-import.h
 *
 * Bringing an existing disk image in as a new machine (see hangar-import.c).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-appliance.h"
#include "hangar-connection.h"
#include "hangar-host.h"
#include "hangar-machine.h"
#include "hangar-os-profile.h"
#include "hangar-vm-settings.h"

G_BEGIN_DECLS

#define HANGAR_IMPORT_ERROR (hangar_import_error_quark ())

/**
 * HangarImportError:
 * @HANGAR_IMPORT_ERROR_NOT_FOUND: the file cannot be read
 * @HANGAR_IMPORT_ERROR_UNSUPPORTED: the file is not a disk image Hangar can take
 * @HANGAR_IMPORT_ERROR_BACKING_FILE: the image depends on another file
 * @HANGAR_IMPORT_ERROR_ENCRYPTED: the image is encrypted
 * @HANGAR_IMPORT_ERROR_CORRUPT: the image is damaged or cut short
 * @HANGAR_IMPORT_ERROR_LINK: the image cannot be used in place (only qcow2 can)
 * @HANGAR_IMPORT_ERROR_TOOL: qemu-img is missing or failed
 * @HANGAR_IMPORT_ERROR_HOST: the machine asks for more than this computer has
 *
 * An appliance's own faults come as %HANGAR_APPLIANCE_ERROR.
 * Storage failures come as %HANGAR_STORAGE_ERROR, the machine's definition's
 * as %HANGAR_VM_CREATOR_ERROR, cancellation as %G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  HANGAR_IMPORT_ERROR_NOT_FOUND,
  HANGAR_IMPORT_ERROR_UNSUPPORTED,
  HANGAR_IMPORT_ERROR_BACKING_FILE,
  HANGAR_IMPORT_ERROR_ENCRYPTED,
  HANGAR_IMPORT_ERROR_CORRUPT,
  HANGAR_IMPORT_ERROR_LINK,
  HANGAR_IMPORT_ERROR_TOOL,
  HANGAR_IMPORT_ERROR_HOST,
} HangarImportError;

/**
 * HangarImportFlags:
 * @HANGAR_IMPORT_NONE: copy the image into Hangar's storage, define the machine only
 * @HANGAR_IMPORT_LINK: use the image where it is instead of a copy
 * @HANGAR_IMPORT_START: start the machine once defined
 */
typedef enum
{
  HANGAR_IMPORT_NONE  = 0,
  HANGAR_IMPORT_LINK  = 1 << 0,
  HANGAR_IMPORT_START = 1 << 1,
} HangarImportFlags;

/**
 * HangarImportInfo:
 * @format: qemu-img's name of the format read from the file ("qcow2", "vpc", …)
 * @virtual_size: the size the guest sees, in bytes
 * @firmware: the firmware the disk boots with
 * @firmware_detected: whether @firmware was read from the disk (else BIOS, guessed)
 */
typedef struct
{
  char           *format;
  guint64         virtual_size;
  HangarFirmware  firmware;
  gboolean        firmware_detected;
} HangarImportInfo;

/**
 * HangarImportReview:
 * @path: the file, canonical
 * @disk: what a disk image is, or %NULL for an appliance
 * @appliance: what an appliance holds, or %NULL for a disk image
 *
 * What one file brings, read before anything is made: the GUI and hangarctl
 * show it (hangar_import_review_describe() and the appliance's notes), then
 * pass it to hangar_import_async().
 */
typedef struct
{
  char             *path;
  HangarImportInfo *disk;
  HangarAppliance  *appliance;
} HangarImportReview;

GQuark            hangar_import_error_quark      (void);

void              hangar_import_info_free        (HangarImportInfo  *info);

HangarFirmware    hangar_import_firmware_from_sectors (const guint8 *data,
                                                       gsize         length,
                                                       gboolean     *detected);

/* Blocking: for worker threads. */
HangarImportInfo *hangar_import_probe            (const char        *path,
                                                  GCancellable      *cancellable,
                                                  GError           **error);

void              hangar_import_probe_async      (const char          *path,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
HangarImportInfo *hangar_import_probe_finish     (GAsyncResult        *result,
                                                  GError             **error);

void              hangar_import_disk_async       (HangarConnection       *connection,
                                                  const char             *path,
                                                  const HangarOsProfile  *profile,
                                                  const HangarVmSettings *settings,
                                                  HangarImportFlags       flags,
                                                  HangarProgressFunc      progress,
                                                  gpointer                progress_data,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
char             *hangar_import_disk_finish      (GAsyncResult           *result,
                                                  GError                **error);

/* The one entry for any importable file (disk image, .ova, .ovf): review, then import. */
HangarImportReview *hangar_import_review         (const char             *path,
                                                  GCancellable           *cancellable,
                                                  GError                **error);
void              hangar_import_review_async     (const char             *path,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
HangarImportReview *hangar_import_review_finish  (GAsyncResult           *result,
                                                  GError                **error);
void              hangar_import_review_free      (HangarImportReview     *review);
HangarVmSettings *hangar_import_review_settings  (const HangarImportReview *review,
                                                  const HangarOsProfile  *profile,
                                                  const HangarHostInfo   *host,
                                                  gboolean                force_emulation,
                                                  guint64                 memory_mib,
                                                  guint                   vcpus,
                                                  GError                **error);
GPtrArray        *hangar_import_review_describe  (const HangarImportReview *review,
                                                  const HangarVmSettings *settings);

void              hangar_import_async            (HangarConnection       *connection,
                                                  const HangarImportReview *review,
                                                  const HangarOsProfile  *profile,
                                                  const HangarVmSettings *settings,
                                                  HangarImportFlags       flags,
                                                  HangarProgressFunc      progress,
                                                  gpointer                progress_data,
                                                  GCancellable           *cancellable,
                                                  GAsyncReadyCallback     callback,
                                                  gpointer                user_data);
char             *hangar_import_finish           (GAsyncResult           *result,
                                                  GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarImportInfo, hangar_import_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarImportReview, hangar_import_review_free)

G_END_DECLS
