/* hangar-media.h
 *
 * One installation or live medium as Hangar understood it: the ISO header's
 * identifiers, the OS profile libosinfo matched (or guessed, or the generic
 * one) and whether this host can run it. Made by HangarOsDb.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "hangar-os-profile.h"

G_BEGIN_DECLS

#define HANGAR_MEDIA_ERROR (hangar_media_error_quark ())

/**
 * HangarMediaError:
 * @HANGAR_MEDIA_ERROR_NOT_FOUND: no file at the path
 * @HANGAR_MEDIA_ERROR_IS_DIRECTORY: the path is a folder
 * @HANGAR_MEDIA_ERROR_PERMISSION: the file exists but may not be read (EACCES, EPERM)
 * @HANGAR_MEDIA_ERROR_EMPTY: the file has zero bytes
 * @HANGAR_MEDIA_ERROR_TRUNCATED: an ISO 9660 image shorter than its own header says
 *   (an interrupted download or copy)
 * @HANGAR_MEDIA_ERROR_CORRUPT: an ISO 9660 signature, but headers libosinfo cannot read
 * @HANGAR_MEDIA_ERROR_NOT_ISO: not an ISO 9660 image (another kind of file, a pipe, …)
 * @HANGAR_MEDIA_ERROR_NOT_BOOTABLE: a valid ISO image without a boot record (a data disc)
 * @HANGAR_MEDIA_ERROR_READ: any other input/output error while reading
 * @HANGAR_MEDIA_ERROR_DATABASE: the libosinfo database could not be loaded
 * @HANGAR_MEDIA_ERROR_CHANGED: another file is at the path recorded, or the
 *   file was changed, since it was identified
 *
 * Why a file cannot be used as a medium. Every message is a translated
 * sentence that names the file and says what the user can do.
 */
typedef enum
{
  HANGAR_MEDIA_ERROR_NOT_FOUND,
  HANGAR_MEDIA_ERROR_IS_DIRECTORY,
  HANGAR_MEDIA_ERROR_PERMISSION,
  HANGAR_MEDIA_ERROR_EMPTY,
  HANGAR_MEDIA_ERROR_TRUNCATED,
  HANGAR_MEDIA_ERROR_CORRUPT,
  HANGAR_MEDIA_ERROR_NOT_ISO,
  HANGAR_MEDIA_ERROR_NOT_BOOTABLE,
  HANGAR_MEDIA_ERROR_READ,
  HANGAR_MEDIA_ERROR_DATABASE,
  HANGAR_MEDIA_ERROR_CHANGED,
} HangarMediaError;

#define HANGAR_TYPE_MEDIA_ERROR (hangar_media_error_get_type ())
#define HANGAR_TYPE_MEDIA (hangar_media_get_type ())

G_DECLARE_FINAL_TYPE (HangarMedia, hangar_media, HANGAR, MEDIA, GObject)

GQuark                 hangar_media_error_quark        (void);
GType                  hangar_media_error_get_type     (void);

const char            *hangar_media_get_path           (HangarMedia *self);
const char            *hangar_media_get_volume_id      (HangarMedia *self);
const char            *hangar_media_get_system_id      (HangarMedia *self);
const char            *hangar_media_get_publisher_id   (HangarMedia *self);
const char            *hangar_media_get_application_id (HangarMedia *self);

const HangarOsProfile *hangar_media_get_profile        (HangarMedia *self);
gboolean               hangar_media_is_identified      (HangarMedia *self);
gboolean               hangar_media_is_guessed         (HangarMedia *self);
gboolean               hangar_media_is_unknown         (HangarMedia *self);
const char            *hangar_media_get_guessed_name   (HangarMedia *self);
const char            *hangar_media_get_guess_reason   (HangarMedia *self);
char                  *hangar_media_dup_label          (HangarMedia *self);

const char            *hangar_media_get_identity       (HangarMedia *self);
const char            *hangar_media_get_warning        (HangarMedia *self);

gboolean               hangar_media_get_arch_ok        (HangarMedia *self);
const char            *hangar_media_get_arch_message   (HangarMedia *self);

G_END_DECLS
