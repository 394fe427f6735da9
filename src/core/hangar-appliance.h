/* hangar-appliance.h
 *
 * OVA and OVF appliances read as one machine (see hangar-appliance.c).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-vm-settings.h"

G_BEGIN_DECLS

#define HANGAR_APPLIANCE_ERROR (hangar_appliance_error_quark ())

/**
 * HangarApplianceError:
 * @HANGAR_APPLIANCE_ERROR_INVALID: the archive or its description is malformed
 * @HANGAR_APPLIANCE_ERROR_UNSAFE: a name leaves the appliance, or the
 *   description asks for external entities or a document type
 * @HANGAR_APPLIANCE_ERROR_MISSING: a file the description names is not there
 * @HANGAR_APPLIANCE_ERROR_MANIFEST: a file does not match the manifest
 * @HANGAR_APPLIANCE_ERROR_TOO_LARGE: a declared size is beyond reason
 * @HANGAR_APPLIANCE_ERROR_UNSUPPORTED: something Hangar cannot make at all
 *   (several machines, no disk)
 */
typedef enum
{
  HANGAR_APPLIANCE_ERROR_INVALID,
  HANGAR_APPLIANCE_ERROR_UNSAFE,
  HANGAR_APPLIANCE_ERROR_MISSING,
  HANGAR_APPLIANCE_ERROR_MANIFEST,
  HANGAR_APPLIANCE_ERROR_TOO_LARGE,
  HANGAR_APPLIANCE_ERROR_UNSUPPORTED,
} HangarApplianceError;

/**
 * HangarApplianceDisk:
 * @href: the file's name in the appliance
 * @capacity: the size the guest sees as declared, in bytes (0: not said)
 * @controller: the controller it hangs on as the description says ("SATA",
 *   "IDE", "SCSI"…), or %NULL
 * @path: the file that holds it: the .ova, or the file beside the .ovf
 * @offset: where it starts in @path
 * @size: its bytes in @path
 */
typedef struct
{
  char    *href;
  guint64  capacity;
  char    *controller;
  char    *path;
  guint64  offset;
  guint64  size;
} HangarApplianceDisk;

/**
 * HangarAppliance:
 * @path: the .ova or .ovf file
 * @ova: whether @path is an archive
 * @name: the machine's name as the appliance gives it
 * @description: its annotation, or %NULL
 * @vcpus: processors (0: not said)
 * @memory_mib: memory in MiB (0: not said)
 * @firmware: the firmware it declares
 * @firmware_declared: whether it declared one (else BIOS, by default)
 * @os_type: the OS as written (VirtualBox's type or the CIM code), or %NULL
 * @os_id: the osinfo short id that fits @os_type, or %NULL
 * @disks: (element-type HangarApplianceDisk): the disks, in the order attached
 * @nics: network adapters the machine gets, all user-mode networking
 * @notes: (element-type utf8): what cannot be kept, as sentences to show
 * @signer: who signed the manifest, as the certificate names them, once the
 *   signature is checked; %NULL for an appliance without a signature
 * @signer_trusted: whether an authority this computer trusts vouches for
 *   @signer's certificate
 */
typedef struct
{
  char           *path;
  gboolean        ova;
  char           *name;
  char           *description;
  guint           vcpus;
  guint64         memory_mib;
  HangarFirmware  firmware;
  gboolean        firmware_declared;
  char           *os_type;
  char           *os_id;
  GPtrArray      *disks;
  guint           nics;
  GPtrArray      *notes;
  char           *signer;
  gboolean        signer_trusted;
} HangarAppliance;

GQuark            hangar_appliance_error_quark (void);

void              hangar_appliance_free        (HangarAppliance  *appliance);
HangarAppliance  *hangar_appliance_copy        (const HangarAppliance *appliance);

gboolean          hangar_appliance_sniff       (const char       *path);

HangarAppliance  *hangar_appliance_parse_ovf   (const char       *data,
                                                gsize             length,
                                                GError          **error);
gboolean          hangar_appliance_check_href  (const char       *href,
                                                GError          **error);
GHashTable       *hangar_appliance_parse_manifest (const char    *text,
                                                   GError       **error);

/* Blocking: for worker threads. */
HangarAppliance  *hangar_appliance_open        (const char       *path,
                                                GCancellable     *cancellable,
                                                GError          **error);

char             *hangar_appliance_disk_source (const HangarApplianceDisk *disk);
char             *hangar_appliance_signature_text (const HangarAppliance *appliance);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarAppliance, hangar_appliance_free)

G_END_DECLS
