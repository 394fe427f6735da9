/* hangar-image-kind.h
 *
 * What kind of image a file is, read from its content (see hangar-image-kind.c).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * HangarImageKind:
 * @HANGAR_IMAGE_KIND_MEDIUM: an installation or live medium (ISO 9660 or UDF):
 *   the new machine boots it and gets a new disk
 * @HANGAR_IMAGE_KIND_DISK: anything else: a disk image to import, which
 *   hangar_import_probe() accepts or refuses with its reason
 * @HANGAR_IMAGE_KIND_APPLIANCE: a tar archive, as an OVA appliance is
 *
 * Which way into a new machine a file takes.
 */
typedef enum
{
  HANGAR_IMAGE_KIND_MEDIUM,
  HANGAR_IMAGE_KIND_DISK,
  HANGAR_IMAGE_KIND_APPLIANCE,
} HangarImageKind;

/* The bytes hangar_image_kind_from_head() needs from the file's start. */
#define HANGAR_IMAGE_KIND_HEAD_BYTES (32 * 1024 + 2048)

HangarImageKind hangar_image_kind_from_head   (const guint8        *data,
                                               gsize                length);

void            hangar_image_kind_read_async  (const char          *path,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        hangar_image_kind_read_finish (GAsyncResult        *result,
                                               HangarImageKind     *kind,
                                               GError             **error);

G_END_DECLS
