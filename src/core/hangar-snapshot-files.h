/* hangar-snapshot-files.h
 *
 * The files Hangar keeps beside a UEFI machine's snapshots.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * HangarSnapshotFile:
 * @HANGAR_SNAPSHOT_FILE_NVRAM: the firmware variables as they were when the
 *   snapshot was taken (empty: the machine had none yet)
 * @HANGAR_SNAPSHOT_FILE_MEMORY: the running machine's memory, a libvirt save
 *   image
 * @HANGAR_SNAPSHOT_FILE_RESUME: a running machine's memory kept only while
 *   its disks change under it (deleting a snapshot)
 */
typedef enum
{
  HANGAR_SNAPSHOT_FILE_NVRAM,
  HANGAR_SNAPSHOT_FILE_MEMORY,
  HANGAR_SNAPSHOT_FILE_RESUME,
} HangarSnapshotFile;

char     *hangar_snapshot_files_default_nvram (const char          *machine);
char     *hangar_snapshot_files_dir           (const char          *uuid);
char     *hangar_snapshot_files_path          (const char          *uuid,
                                               const char          *snapshot,
                                               HangarSnapshotFile   kind);
gboolean  hangar_snapshot_files_ensure_dir    (const char          *uuid,
                                               GError             **error);
gboolean  hangar_snapshot_files_exists        (const char          *uuid,
                                               const char          *snapshot,
                                               HangarSnapshotFile   kind);
gboolean  hangar_snapshot_files_keep_nvram    (const char          *uuid,
                                               const char          *snapshot,
                                               const char          *nvram,
                                               GError             **error);
gboolean  hangar_snapshot_files_restore_nvram (const char          *uuid,
                                               const char          *snapshot,
                                               const char          *nvram,
                                               GError             **error);
gboolean  hangar_snapshot_files_remove        (const char          *uuid,
                                               const char          *snapshot,
                                               GError             **error);
gboolean  hangar_snapshot_files_remove_all    (const char          *uuid,
                                               GError             **error);

G_END_DECLS
