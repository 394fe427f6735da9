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

G_END_DECLS
