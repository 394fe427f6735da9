/* hangar-vm-settings.h
 *
 * A new machine's settings, and every rule for their defaults: the figures
 * an OS profile gets on this host, the name a new machine gets, and the
 * limits the host sets on what a user may choose. No I/O here.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "hangar-host.h"
#include "hangar-os-profile.h"

G_BEGIN_DECLS

typedef enum
{
  HANGAR_FIRMWARE_BIOS,
  HANGAR_FIRMWARE_UEFI,
  HANGAR_FIRMWARE_UEFI_SECURE_BOOT,
} HangarFirmware;

typedef enum
{
  HANGAR_DOMAIN_TYPE_KVM,
  HANGAR_DOMAIN_TYPE_QEMU,
} HangarDomainType;

/**
 * HangarVmSettings:
 *
 * The user's choices for one new machine, plus the paths the creator decided.
 */
typedef struct
{
  char            *name;
  gboolean         name_given;     /* the user gave @name: used exactly or refused, never
                                    * numbered; otherwise Hangar picked it and numbers it */
  char            *title;          /* optional display title; NULL = name */
  guint64          memory_mib;
  guint            vcpus;
  guint64          disk_gib;       /* 0: no disk ("Try it") */
  HangarFirmware   firmware;
  HangarDomainType domain_type;
  char            *disk_path;      /* qcow2 volume path; NULL when disk_gib is 0 */
  char            *iso_path;       /* installation / live medium, or NULL */
  char            *arch;           /* guest architecture, "x86_64" */
  gboolean         tpm;            /* emulated TPM 2.0 (swtpm) */
  char           **extra_disks;    /* qcow2 disks after disk_path, in order (an appliance's) */
  guint            extra_nics;     /* user-mode network adapters after the first */
  char            *description;    /* optional, the domain's <description> */
} HangarVmSettings;

/**
 * HangarVmLimits:
 * @max_memory_mib: the most memory a user may give a new machine
 * @max_vcpus: the most processors
 * @max_disk_gib: the largest disk
 *
 * What the host lets a user choose for a new machine (see
 * hangar_vm_settings_get_limits()).
 */
typedef struct
{
  guint64 max_memory_mib;
  guint   max_vcpus;
  guint64 max_disk_gib;
} HangarVmLimits;

#define HANGAR_TYPE_VM_SETTINGS (hangar_vm_settings_get_type ())
#define HANGAR_TYPE_FIRMWARE (hangar_firmware_get_type ())
#define HANGAR_TYPE_DOMAIN_TYPE (hangar_domain_type_get_type ())

GType             hangar_vm_settings_get_type  (void);
GType             hangar_firmware_get_type     (void);
GType             hangar_domain_type_get_type  (void);

const char       *hangar_firmware_to_string    (HangarFirmware          firmware);   /* "bios", "uefi", "uefi-secure-boot" */
const char       *hangar_domain_type_to_string (HangarDomainType        type);       /* "kvm", "qemu" */

HangarVmSettings *hangar_vm_settings_new       (void);
HangarVmSettings *hangar_vm_settings_copy      (const HangarVmSettings *settings);
void              hangar_vm_settings_free      (HangarVmSettings       *settings);

HangarVmSettings *hangar_vm_settings_new_for   (const HangarOsProfile  *profile,
                                                const HangarHostInfo   *host,
                                                gboolean                force_emulation);
char             *hangar_vm_settings_default_name (const HangarOsProfile *profile,
                                                   const char            *guessed_name,
                                                   const char            *medium_path);
void              hangar_vm_settings_get_limits (const HangarHostInfo  *host,
                                                 HangarVmLimits        *limits);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarVmSettings, hangar_vm_settings_free)

G_END_DECLS
