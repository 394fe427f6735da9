/* hangar-os-profile.c
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hangar-os-profile.h"

G_DEFINE_BOXED_TYPE (HangarOsProfile, hangar_os_profile,
                     hangar_os_profile_copy, hangar_os_profile_free)

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
