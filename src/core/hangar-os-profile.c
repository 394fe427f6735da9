/* hangar-os-profile.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hangar-os-profile.h"

G_DEFINE_BOXED_TYPE (HangarOsProfile, hangar_os_profile,
                     hangar_os_profile_copy, hangar_os_profile_free)
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

/* Unknown media: a machine that suits any current x86_64 OS. Modern Linux
 * and BSD have virtio; the generic profile still picks devices every OS
 * drives, so an unknown OS installs, and says in the UI that it is generic. */
HangarOsProfile *
hangar_os_profile_new_generic (void)
{
  HangarOsProfile *p = g_new0 (HangarOsProfile, 1);

  p->arch = g_strdup ("x86_64");
  p->installer = TRUE;
  p->ram_mib = 2048;
  p->min_ram_mib = 1024;
  p->vcpus = 2;
  p->disk_gib = 20;
  p->usb_tablet = TRUE;
  p->usb_xhci = TRUE;
  p->ich9_sound = TRUE;
  p->qxl = TRUE;
  p->q35 = TRUE;
  return p;
}

HangarOsProfile *
hangar_os_profile_copy (const HangarOsProfile *profile)
{
  HangarOsProfile *p;

  g_return_val_if_fail (profile != NULL, NULL);

  p = g_memdup2 (profile, sizeof *profile);
  p->short_id = g_strdup (profile->short_id);
  p->id = g_strdup (profile->id);
  p->name = g_strdup (profile->name);
  p->family = g_strdup (profile->family);
  p->distro = g_strdup (profile->distro);
  p->version = g_strdup (profile->version);
  p->variant = g_strdup (profile->variant);
  p->arch = g_strdup (profile->arch);
  p->logo = g_strdup (profile->logo);
  return p;
}

void
hangar_os_profile_free (HangarOsProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->short_id);
  g_free (profile->id);
  g_free (profile->name);
  g_free (profile->family);
  g_free (profile->distro);
  g_free (profile->version);
  g_free (profile->variant);
  g_free (profile->arch);
  g_free (profile->logo);
  g_free (profile);
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
  g_free (settings);
}
