/* hangar-osinfo-private.h
 *
 * libosinfo objects to HangarOsProfile, and the choices made over the whole
 * database (a family's newest OS, the hand-pick list). Callers hold
 * HangarOsDb's lock.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <osinfo/osinfo.h>

#include "hangar-media-private.h"
#include "hangar-os-profile.h"

G_BEGIN_DECLS

HangarOsProfile *hangar_osinfo_profile_new        (OsinfoOs                *os,
                                                   OsinfoMedia             *media,
                                                   const char              *arch,
                                                   char                   **variant_name);
void             hangar_osinfo_media_flags        (OsinfoOs                *os,
                                                   const char              *arch,
                                                   int                     *live,
                                                   int                     *installer);
gboolean         hangar_osinfo_os_is_placeholder  (OsinfoOs                *os);
gboolean         hangar_osinfo_os_is_listed       (OsinfoOs                *os);
OsinfoOs        *hangar_osinfo_newest_of_family   (OsinfoDb                *db,
                                                   const char              *distro,
                                                   const HangarMediaFamily *family);

G_END_DECLS
