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
  char            *iso_path;       /* installation / live medium, or NULL: its canonical path */
  char            *iso_identity;   /* the identified file's (hangar_media_get_identity()), or NULL */
  char            *arch;           /* guest architecture, "x86_64" */
  gboolean         tpm;            /* emulated TPM 2.0 (swtpm) */
  char           **extra_disks;    /* qcow2 disks after disk_path, in order (an appliance's) */
  guint            extra_nics;     /* user-mode network adapters after the first */
  char            *description;    /* optional, the domain's <description> */
} HangarVmSettings;

/**
 * HangarVmLimits:
 * @max_memory_mib: the most memory a user may give a machine
 * @max_vcpus: the most processors
 * @max_disk_gib: the largest disk
 * @min_memory_mib: the least memory (%HANGAR_VM_MIN_MEMORY_MIB)
 *
 * What the host lets a user choose for a machine (see
 * hangar_vm_settings_get_limits()); the hangar_vm_limits_check_*()
 * functions hold a choice against them. A machine has at least one
 * processor and a disk at least one byte.
 */
typedef struct
{
  guint64 max_memory_mib;
  guint   max_vcpus;
  guint64 max_disk_gib;
  guint64 min_memory_mib;
} HangarVmLimits;

/* Less memory than this boots no system Hangar knows of. */
#define HANGAR_VM_MIN_MEMORY_MIB 64

/**
 * HangarVmLimitsError:
 * @HANGAR_VM_LIMITS_ERROR_INVALID: not a number, size or count
 * @HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE: a number outside what this host or
 *   machine type can run
 *
 * Errors of the hangar_vm_limits_*() functions; their messages say the
 * limits.
 */
typedef enum
{
  HANGAR_VM_LIMITS_ERROR_INVALID,
  HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE,
} HangarVmLimitsError;

#define HANGAR_VM_LIMITS_ERROR (hangar_vm_limits_error_quark ())
GQuark            hangar_vm_limits_error_quark (void);

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

gboolean          hangar_vm_limits_check_memory (const HangarVmLimits  *limits,
                                                 guint64                memory_mib,
                                                 GError               **error);
gboolean          hangar_vm_limits_check_vcpus  (const HangarVmLimits  *limits,
                                                 guint64                vcpus,
                                                 GError               **error);
gboolean          hangar_vm_limits_check_disk   (const HangarVmLimits  *limits,
                                                 guint64                size_bytes,
                                                 GError               **error);

gboolean          hangar_vm_parse_size          (const char            *text,
                                                 guint64                default_unit,
                                                 guint64                unit,
                                                 guint64               *value,
                                                 GError               **error);
gboolean          hangar_vm_parse_count         (const char            *text,
                                                 guint64               *value,
                                                 GError               **error);
char             *hangar_vm_format_mib          (guint64                mib);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarVmSettings, hangar_vm_settings_free)

G_END_DECLS
