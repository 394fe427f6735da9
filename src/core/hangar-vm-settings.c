/* hangar-vm-settings.c
 *
 * A new machine's settings, and every rule for their defaults: the figures
 * an OS profile gets on this host, the name a new machine gets, and the
 * limits the host sets on what a user may choose.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-vm-settings.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)
#define GIB (G_GUINT64_CONSTANT (1) << 30)

/* Memory a new machine is rounded to, and what the host keeps for itself
 * when an OS's minimum is more than half of the host's memory. */
#define RAM_STEP_MIB         128
#define HOST_RAM_RESERVE_MIB 1024

G_DEFINE_BOXED_TYPE (HangarVmSettings, hangar_vm_settings,
                     hangar_vm_settings_copy, hangar_vm_settings_free)

GType
hangar_firmware_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { HANGAR_FIRMWARE_BIOS, "HANGAR_FIRMWARE_BIOS", "bios" },
        { HANGAR_FIRMWARE_UEFI, "HANGAR_FIRMWARE_UEFI", "uefi" },
        { HANGAR_FIRMWARE_UEFI_SECURE_BOOT, "HANGAR_FIRMWARE_UEFI_SECURE_BOOT", "uefi-secure-boot" },
        { 0, NULL, NULL },
      };
      g_once_init_leave (&type, g_enum_register_static ("HangarFirmware", values));
    }
  return type;
}

GType
hangar_domain_type_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { HANGAR_DOMAIN_TYPE_KVM, "HANGAR_DOMAIN_TYPE_KVM", "kvm" },
        { HANGAR_DOMAIN_TYPE_QEMU, "HANGAR_DOMAIN_TYPE_QEMU", "qemu" },
        { 0, NULL, NULL },
      };
      g_once_init_leave (&type, g_enum_register_static ("HangarDomainType", values));
    }
  return type;
}

const char *
hangar_firmware_to_string (HangarFirmware firmware)
{
  switch (firmware)
    {
    case HANGAR_FIRMWARE_BIOS: return "bios";
    case HANGAR_FIRMWARE_UEFI: return "uefi";
    case HANGAR_FIRMWARE_UEFI_SECURE_BOOT: return "uefi-secure-boot";
    default: g_return_val_if_reached ("bios");
    }
}

const char *
hangar_domain_type_to_string (HangarDomainType type)
{
  return type == HANGAR_DOMAIN_TYPE_KVM ? "kvm" : "qemu";
}

HangarVmSettings *
hangar_vm_settings_new (void)
{
  HangarVmSettings *s = g_new0 (HangarVmSettings, 1);

  s->arch = g_strdup ("x86_64");
  s->domain_type = HANGAR_DOMAIN_TYPE_QEMU;
  return s;
}

HangarVmSettings *
hangar_vm_settings_copy (const HangarVmSettings *settings)
{
  HangarVmSettings *s;

  g_return_val_if_fail (settings != NULL, NULL);

  s = g_memdup2 (settings, sizeof *settings);
  s->name = g_strdup (settings->name);
  s->title = g_strdup (settings->title);
  s->disk_path = g_strdup (settings->disk_path);
  s->iso_path = g_strdup (settings->iso_path);
  s->arch = g_strdup (settings->arch);
  s->extra_disks = g_strdupv (settings->extra_disks);
  s->description = g_strdup (settings->description);
  return s;
}

void
hangar_vm_settings_free (HangarVmSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->name);
  g_free (settings->title);
  g_free (settings->disk_path);
  g_free (settings->iso_path);
  g_free (settings->arch);
  g_strfreev (settings->extra_disks);
  g_free (settings->description);
  g_free (settings);
}

static guint64
cap_memory (const HangarOsProfile *profile,
            const HangarHostInfo  *host,
            guint64                want)
{
  guint64 half;

  if (host == NULL || host->ram_mib == 0)
    return want;

  half = host->ram_mib / 2 / RAM_STEP_MIB * RAM_STEP_MIB;
  if (want <= half)
    return want;

  /* Less than the OS's minimum would not install: give it its minimum when
   * the host still keeps some memory for itself. */
  if (profile->min_ram_mib > half && profile->min_ram_mib + HOST_RAM_RESERVE_MIB <= host->ram_mib)
    return profile->min_ram_mib;

  return MAX (half, RAM_STEP_MIB);
}

/**
 * hangar_vm_settings_new_for:
 * @profile: the OS profile (exact, guessed or generic)
 * @host: (nullable): the host's figures; %NULL for an unknown host (no caps,
 *   no KVM)
 * @force_emulation: the user's `force-software-emulation` setting
 *
 * A new machine's defaults, with no I/O:
 * - memory, vCPUs and disk from the profile (recommended, else minimum —
 *   already so in the profile — else the generic profile's values);
 * - memory at most half the host's, rounded down to 128 MiB, but the OS's
 *   minimum when that is more and the host keeps 1 GiB for itself;
 * - vCPUs at most the host's processors; disk at most the free space in the
 *   pool less %HANGAR_HOST_DISK_MARGIN_GIB, and at least 1 GiB (the creator's
 *   free-space check then reports a full disk);
 * - UEFI when the OS needs it; UEFI with Secure Boot and a TPM when it wants
 *   them (Windows 11);
 * - domain type kvm when the host can use KVM for this architecture and
 *   emulation is not forced, qemu otherwise.
 *
 * @name is the profile's name (%NULL for the generic one): the creator makes
 * it unique. @iso_path and @disk_path are left for the caller.
 *
 * Returns: (transfer full): the settings
 */
HangarVmSettings *
hangar_vm_settings_new_for (const HangarOsProfile *profile,
                            const HangarHostInfo  *host,
                            gboolean               force_emulation)
{
  g_autoptr(HangarOsProfile) generic = hangar_os_profile_new_generic ();
  HangarVmSettings *settings;
  guint64 memory;
  guint vcpus;
  guint64 disk;

  g_return_val_if_fail (profile != NULL, NULL);

  settings = hangar_vm_settings_new ();
  settings->name = g_strdup (profile->name);
  g_free (settings->arch);
  settings->arch = g_strdup (profile->arch != NULL ? profile->arch : generic->arch);

  memory = profile->ram_mib > 0 ? profile->ram_mib : generic->ram_mib;
  settings->memory_mib = cap_memory (profile, host, memory);

  /* osinfo-db mostly gives a minimum CPU count (1); an idle second vCPU
   * costs nothing and makes installers and desktops much quicker. */
  vcpus = MAX (profile->vcpus, generic->vcpus);
  if (host != NULL && host->cpus > 0)
    vcpus = MIN (vcpus, host->cpus);
  settings->vcpus = MAX (vcpus, 1);

  disk = profile->disk_gib > 0 ? profile->disk_gib : generic->disk_gib;
  if (host != NULL && host->free_bytes != G_MAXUINT64)
    {
      guint64 margin = HANGAR_HOST_DISK_MARGIN_GIB * GIB;
      guint64 room = host->free_bytes > margin ? (host->free_bytes - margin) / GIB : 0;

      disk = MIN (disk, room);
    }
  settings->disk_gib = MAX (disk, 1);

  if (profile->wants_secure_boot)
    settings->firmware = HANGAR_FIRMWARE_UEFI_SECURE_BOOT;
  else if (profile->needs_uefi)
    settings->firmware = HANGAR_FIRMWARE_UEFI;
  else
    settings->firmware = HANGAR_FIRMWARE_BIOS;
  settings->tpm = profile->needs_tpm;

  if (host != NULL && host->kvm_usable && !force_emulation &&
      host->arch != NULL && hangar_host_arch_can_run (host->arch, settings->arch))
    settings->domain_type = HANGAR_DOMAIN_TYPE_KVM;
  else
    settings->domain_type = HANGAR_DOMAIN_TYPE_QEMU;

  return settings;
}

/**
 * hangar_vm_settings_default_name:
 * @profile: the OS profile the machine is made for
 * @guessed_name: (nullable): the name identification guessed for a medium
 *   newer than the OS database ("Fedora 41")
 * @medium_path: (nullable): the installation or live medium
 *
 * The name a new machine gets when the user gives none: the OS's name when
 * it was identified exactly, else the guessed name, else the medium's file
 * name without its extension, else "New Machine". The creator makes it
 * unique ("Fedora 37 2").
 *
 * Returns: (transfer full): the name
 */
char *
hangar_vm_settings_default_name (const HangarOsProfile *profile,
                                 const char            *guessed_name,
                                 const char            *medium_path)
{
  if (profile != NULL && profile->short_id != NULL && !profile->guessed && profile->name != NULL)
    return g_strdup (profile->name);
  if (guessed_name != NULL && *guessed_name != '\0')
    return g_strdup (guessed_name);
  if (medium_path != NULL)
    {
      g_autofree char *base = g_path_get_basename (medium_path);
      char *dot = strrchr (base, '.');

      if (dot != NULL && dot != base)
        *dot = '\0';
      /* A file name need not be UTF-8; a machine's name must be. */
      if (*base != '\0' && g_strcmp0 (base, ".") != 0 && g_strcmp0 (base, G_DIR_SEPARATOR_S) != 0)
        return g_filename_display_name (base);
    }
  return g_strdup (_("New Machine"));
}

/**
 * hangar_vm_settings_get_limits:
 * @host: (nullable): the host's figures; %NULL for an unknown host
 * @limits: (out caller-allocates): where to put the limits
 *
 * What a user may choose for a new machine on @host: at most the host's
 * memory (256 MiB when unknown), its processors (1 when unknown) and the
 * free space of the pool's file system (at least 1 GiB).
 */
void
hangar_vm_settings_get_limits (const HangarHostInfo *host,
                               HangarVmLimits       *limits)
{
  g_return_if_fail (limits != NULL);

  limits->max_memory_mib = MAX (256, host != NULL ? host->ram_mib : 0);
  limits->max_vcpus = MAX (1, host != NULL ? host->cpus : 0);
  limits->max_disk_gib = MAX (1, host != NULL ? host->free_bytes / GIB : 0);
}
