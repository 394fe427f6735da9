/* hangar-storage-pool.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "hangar-connection.h"
#include "hangar-types.h"

G_BEGIN_DECLS

/* The libvirt storage pool every Hangar disk lives in. */
#define HANGAR_STORAGE_POOL_NAME "hangar"

#define HANGAR_STORAGE_ERROR (hangar_storage_error_quark ())

/**
 * HangarStorageError:
 * @HANGAR_STORAGE_ERROR_POOL: the pool could not be found, defined, built or started
 * @HANGAR_STORAGE_ERROR_VOLUME: libvirt could not create or delete a volume
 * @HANGAR_STORAGE_ERROR_NO_SPACE: the disk does not fit (see hangar_storage_check_space())
 * @HANGAR_STORAGE_ERROR_INVALID: a capacity of zero, or one too large to express
 */
typedef enum
{
  HANGAR_STORAGE_ERROR_POOL,
  HANGAR_STORAGE_ERROR_VOLUME,
  HANGAR_STORAGE_ERROR_NO_SPACE,
  HANGAR_STORAGE_ERROR_INVALID,
} HangarStorageError;

#define HANGAR_TYPE_STORAGE_POOL (hangar_storage_pool_get_type ())

G_DECLARE_FINAL_TYPE (HangarStoragePool, hangar_storage_pool, HANGAR, STORAGE_POOL, GObject)

GQuark              hangar_storage_error_quark          (void);

char               *hangar_storage_pool_default_path    (void);
guint64             hangar_storage_required_free_bytes  (guint64              capacity);
gboolean            hangar_storage_check_space          (guint64              capacity,
                                                         guint64              pool_capacity,
                                                         guint64              pool_available,
                                                         GError             **error);

HangarStoragePool  *hangar_storage_pool_new             (HangarConnection    *connection);
HangarConnection   *hangar_storage_pool_get_connection  (HangarStoragePool   *self);
char               *hangar_storage_pool_dup_path        (HangarStoragePool   *self);

/* Blocking: for worker threads. */
GVirStoragePool    *hangar_storage_pool_ensure          (HangarStoragePool   *self,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
gboolean            hangar_storage_pool_refresh         (HangarStoragePool   *self,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
gboolean            hangar_storage_pool_query_space     (HangarStoragePool   *self,
                                                         guint64             *capacity,
                                                         guint64             *available,
                                                         GCancellable        *cancellable,
                                                         GError             **error);

/* The same, run in a GTask thread. */
void                hangar_storage_pool_ensure_async    (HangarStoragePool   *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GVirStoragePool    *hangar_storage_pool_ensure_finish   (HangarStoragePool   *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void                hangar_storage_pool_query_space_async  (HangarStoragePool   *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            hangar_storage_pool_query_space_finish (HangarStoragePool   *self,
                                                            GAsyncResult        *result,
                                                            guint64             *capacity,
                                                            guint64             *available,
                                                            GError             **error);

G_END_DECLS
