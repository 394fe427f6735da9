/* hangar-media-private.h
 *
 * What HangarOsDb and the tests use to make and check media: the constructor,
 * the checks a file passes before libosinfo reads it, and the volume-ID
 * family guesses for media newer than the database.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-media.h"

G_BEGIN_DECLS

/*
 * A family Hangar can recognise from a volume ID alone, for media newer than
 * the installed osinfo-db. @distro is libosinfo's distro name; the newest
 * released OS of that distro (whose short-id matches @short_id_pattern, when
 * given) stands in for the unknown version.
 */
typedef struct
{
  const char *distro;            /* "fedora" */
  const char *family_name;       /* a proper name, not translated: "Fedora" */
  const char *short_id_pattern;  /* regex the stand-in's short-id must match, or NULL */
  gboolean    allow_rolling;     /* a rolling release may stand in (CentOS Stream) */
  const char *volume_pattern;    /* case-insensitive; named group "version" when visible */
} HangarMediaFamily;

HangarMedia             *hangar_media_new                  (const char       *path,
                                                            const char       *volume_id,
                                                            const char       *system_id,
                                                            const char       *publisher_id,
                                                            const char       *application_id,
                                                            HangarOsProfile  *profile,
                                                            gboolean          identified,
                                                            const char       *variant_name,
                                                            const char       *guessed_name,
                                                            const char       *guess_reason,
                                                            const char       *host_arch);

void                     hangar_media_set_file             (HangarMedia      *self,
                                                            const char       *identity,
                                                            const char       *warning);
gboolean                 hangar_media_check_file           (const char       *path,
                                                            GError          **error);
void                     hangar_media_set_not_bootable_error (GError    **error,
                                                            const char       *path);
void                     hangar_media_set_error_from_osinfo (GError         **error,
                                                            const char       *path,
                                                            const GError     *osinfo_error);

const HangarMediaFamily *hangar_media_family_guess         (const char       *volume_id,
                                                            char            **version);
const HangarMediaFamily *hangar_media_family_for_distro    (const char       *distro);
char                    *hangar_media_arch_from_volume_id  (const char       *volume_id);
char                    *hangar_media_version_from_volume_id (const HangarMediaFamily *family,
                                                            const char       *volume_id);

G_END_DECLS
