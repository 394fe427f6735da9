/* hangar-local-media.h
 *
 * The installation images already on this computer: the newest ISO files of
 * a folder (the Downloads folder by default), found off the UI thread.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * HangarLocalImage:
 * @file: the image
 * @display_name: its name as the user sees it
 * @size: its size in bytes
 * @modified: (nullable): when it last changed (its download finished)
 *
 * One image found by hangar_local_media_find_async().
 */
typedef struct
{
  GFile     *file;
  char      *display_name;
  guint64    size;
  GDateTime *modified;
} HangarLocalImage;

#define HANGAR_TYPE_LOCAL_IMAGE (hangar_local_image_get_type ())

GType             hangar_local_image_get_type          (void);
HangarLocalImage *hangar_local_image_copy              (const HangarLocalImage *image);
void              hangar_local_image_free              (HangarLocalImage       *image);

GFile            *hangar_local_media_get_default_folder (void);
void              hangar_local_media_find_async        (GFile                  *folder,
                                                        guint                   max_images,
                                                        GCancellable           *cancellable,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                user_data);
GPtrArray        *hangar_local_media_find_finish       (GAsyncResult           *result,
                                                        GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarLocalImage, hangar_local_image_free)

G_END_DECLS
