/* hangar-storage-volume.h
 *
 * The disks in Hangar's storage pool (see hangar-storage-volume.c).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "hangar-storage-pool.h"

G_BEGIN_DECLS

/**
 * HangarStorageCopyStarted:
 * @target_path: the file the copy is written to
 * @source_bytes: what the source volume holds (its allocation)
 * @user_data: the data given with the function
 *
 * Told, in the copying thread, that a volume copy is about to begin.
 */
typedef void (*HangarStorageCopyStarted) (const char *target_path,
                                          guint64     source_bytes,
                                          gpointer    user_data);

char               *hangar_storage_volume_name_for      (const char          *machine_name);
char               *hangar_storage_volume_dup_path      (GVirStorageVol      *volume,
                                                         GError             **error);

/* Blocking: for worker threads. */
GVirStorageVol     *hangar_storage_pool_create_volume   (HangarStoragePool   *self,
                                                         const char          *machine_name,
                                                         guint64              capacity,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
gboolean            hangar_storage_pool_delete_volume   (HangarStoragePool   *self,
                                                         GVirStorageVol      *volume,
                                                         GError             **error);
GVirStorageVol     *hangar_storage_volume_clone         (virConnectPtr             conn,
                                                         const char               *source_path,
                                                         const char               *machine_name,
                                                         HangarStorageCopyStarted  started,
                                                         gpointer                  started_data,
                                                         GCancellable             *cancellable,
                                                         GError                  **error);

/* The same, run in a GTask thread. */
void                hangar_storage_pool_create_volume_async  (HangarStoragePool   *self,
                                                              const char          *machine_name,
                                                              guint64              capacity,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
GVirStorageVol     *hangar_storage_pool_create_volume_finish (HangarStoragePool   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);
void                hangar_storage_pool_delete_volume_async  (HangarStoragePool   *self,
                                                              GVirStorageVol      *volume,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);
gboolean            hangar_storage_pool_delete_volume_finish (HangarStoragePool   *self,
                                                              GAsyncResult        *result,
                                                              GError             **error);

G_END_DECLS
