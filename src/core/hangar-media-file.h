/* hangar-media-file.h
 *
 * The very file a medium was identified as: its canonical path (symlinks
 * resolved), what makes it that file (device, inode, size, time of last
 * change), and a warning when other users can change or replace it.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * HangarMediaFile:
 * @path: the canonical path: absolute, every symlink resolved
 * @identity: "DEVICE:INODE:SIZE:MTIME", what makes it this very file
 * @warning: (nullable): a translated sentence when other users can replace
 *   or change it (a folder on its way that others can write, or an owner
 *   other than the user or root); %NULL when only the user can
 */
typedef struct
{
  char *path;
  char *identity;
  char *warning;
} HangarMediaFile;

#define HANGAR_TYPE_MEDIA_FILE (hangar_media_file_get_type ())

GType            hangar_media_file_get_type       (void);
HangarMediaFile *hangar_media_file_copy           (const HangarMediaFile *file);
void             hangar_media_file_free           (HangarMediaFile       *file);

/* Blocking: for worker threads. */
HangarMediaFile *hangar_media_file_resolve        (const char            *path,
                                                   GError               **error);
char            *hangar_media_file_identity       (const char            *path,
                                                   GError               **error);
gboolean         hangar_media_file_check_identity (const char            *path,
                                                   const char            *identity,
                                                   GError               **error);
char            *hangar_media_file_warning        (const char            *given_path,
                                                   const char            *canonical_path);

void             hangar_media_file_resolve_async  (const char            *path,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
HangarMediaFile *hangar_media_file_resolve_finish (GAsyncResult          *result,
                                                   GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarMediaFile, hangar_media_file_free)

G_END_DECLS
