/* hangar-storage-pool-private.h
 *
 * What the files of HangarStoragePool share: the running pool's handle and
 * its space, for the blocking volume operations of hangar-storage-volume.c.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-libvirt.h"
#include "hangar-storage-pool.h"
#include "hangar-storage-volume.h"

G_BEGIN_DECLS

virStoragePoolPtr hangar_storage_pool_ensure_raw  (HangarStoragePool   *self,
                                                   virConnectPtr       *conn_out,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
gboolean          hangar_storage_pool_read_space  (virStoragePoolPtr    pool,
                                                   guint64             *capacity,
                                                   guint64             *available,
                                                   GError             **error);
virStorageVolPtr  hangar_storage_pool_keep_own    (virStorageVolPtr     vol);
gboolean          hangar_storage_pool_refresh_raw (virStoragePoolPtr    pool);
GVirStorageVol   *hangar_storage_pool_create_volume_full (HangarStoragePool        *self,
                                                          const char               *machine_name,
                                                          guint64                   capacity,
                                                          HangarStorageCopyStarted  claimed,
                                                          gpointer                  claimed_data,
                                                          GCancellable             *cancellable,
                                                          GError                  **error);

/* How long a volume's deletion waits for a copy from it to end. */
#define HANGAR_STORAGE_DELETE_TIMEOUT_MS 60000

typedef int (*HangarStorageCall) (gpointer data);

gboolean          hangar_storage_is_busy_error    (int                  code,
                                                   const char          *message);
guint             hangar_storage_busy_delay_ms    (guint                attempt);
void              hangar_storage_lock             (void);
void              hangar_storage_unlock           (void);
int               hangar_storage_call_when_free   (HangarStorageCall    call,
                                                   gpointer             data,
                                                   guint                timeout_ms,
                                                   GCancellable        *cancellable);
int               hangar_storage_delete_vol       (virStorageVolPtr     vol,
                                                   GCancellable        *cancellable);

G_END_DECLS
