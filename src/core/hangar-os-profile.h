/* hangar-os-profile.h
 *
 * What Hangar knows about the operating system on a medium: the plain value
 * that flows from identification (HangarMedia, HangarOsDb) to a new machine's
 * settings (HangarVmSettings) and the pure domain builder (HangarVmConfig).
 * No I/O here.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * HangarOsProfile:
 *
 * One OS as libosinfo describes it (or the generic profile, with @short_id
 * %NULL). Resource figures are 0 when the database gives none. Device flags
 * say what the OS supports, not what the host has.
 */
typedef struct
{
  char    *short_id;        /* "fedora37"; NULL for the generic profile */
  char    *id;              /* "http://fedoraproject.org/fedora/37" */
  char    *name;            /* "Fedora 37" */
  char    *family;          /* "linux", "winnt", "freebsd", ... */
  char    *distro;          /* "fedora", "win", ... */
  char    *version;         /* "37" */
  char    *variant;         /* "workstation", "netinst", ...; NULL when none */
  char    *arch;            /* architecture of the medium: "x86_64", "i686", "aarch64" */
  char    *logo;            /* logo URI from the database, or NULL */
  gboolean live;            /* the medium boots a live system */
  gboolean installer;       /* the medium installs the OS */
  gboolean unattended;      /* an unattended install script exists for it */
  gboolean guessed;         /* family guessed from the volume ID, not an exact match */

  guint64  ram_mib;         /* recommended, else minimum, else 0 */
  guint64  min_ram_mib;
  guint    vcpus;           /* recommended, else minimum, else 0 */
  guint64  disk_gib;        /* recommended storage, else minimum, else 0 */

  gboolean needs_uefi;      /* the OS only boots with UEFI */
  gboolean wants_secure_boot;
  gboolean needs_tpm;

  gboolean virtio_block;    /* virtio-blk disk */
  gboolean virtio_net;
  gboolean virtio_rng;
  gboolean virtio_balloon;
  gboolean virtio_gpu;
  gboolean virtio_1_0;      /* modern-only virtio (virtio1.0-*) */
  gboolean qxl;
  gboolean usb_tablet;
  gboolean usb_xhci;        /* qemu-xhci (USB 3); else ICH9 EHCI with UHCI companions */
  gboolean ich9_sound;      /* ich9-hda / ich6 */
  gboolean spice_agent;     /* spice-vdagent usable in the guest */
  gboolean q35;             /* the OS runs on the q35 machine type */
} HangarOsProfile;

#define HANGAR_TYPE_OS_PROFILE (hangar_os_profile_get_type ())

GType             hangar_os_profile_get_type  (void);

HangarOsProfile  *hangar_os_profile_new_generic (void);
HangarOsProfile  *hangar_os_profile_copy      (const HangarOsProfile  *profile);
void              hangar_os_profile_free      (HangarOsProfile        *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarOsProfile, hangar_os_profile_free)

G_END_DECLS
