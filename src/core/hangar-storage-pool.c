/* hangar-storage-pool.c
 *
 * The directory pool that holds Hangar's disks, found or made on demand in the
 * user's data directory, and its free space: the rule a new disk must meet.
 * Its volumes are in hangar-storage-volume.c.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-storage"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hangar-libvirt.h"
#include "hangar-storage-pool-private.h"

#define GIB (G_GUINT64_CONSTANT (1) << 30)

/* What a fresh installation writes to its disk, at most, before the user can
 * see how much room is left: a qcow2 file starts at a few hundred KiB and
 * grows as the guest writes, so this, not the disk's size, is what must be
 * free now. */
#define INSTALL_ALLOWANCE (10 * GIB)
/* Room the host keeps for itself on top of that. */
#define HOST_MARGIN GIB

/* While libvirt copies or builds a volume, the pool has an "asynchronous
 * job" and refuses to be refreshed, and the volumes involved refuse to be
 * deleted. Another Hangar or hangarctl may be doing that: such a call is
 * tried again, after 50 ms, 100 ms… up to 1 s apart, for a while. */
#define BUSY_FIRST_DELAY_MS 50
#define BUSY_MAX_DELAY_MS 1000

/* How long a refresh waits for the pool. */
#define BUSY_REFRESH_TIMEOUT_MS 3000

/* Within one process, the pool's calls take turns. */
static GRecMutex pool_calls_lock;

struct _HangarStoragePool
{
  GObject           parent_instance;

  HangarConnection *connection;
  GMutex            lock;
  char             *path;   /* the pool's directory: ours by default, libvirt's once read */
};

G_DEFINE_FINAL_TYPE (HangarStoragePool, hangar_storage_pool, G_TYPE_OBJECT)

G_DEFINE_QUARK (hangar-storage-error-quark, hangar_storage_error)

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * hangar_storage_pool_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/hangar/images`
 */
char *
hangar_storage_pool_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "hangar", "images", NULL);
}

/**
 * hangar_storage_required_free_bytes:
 * @capacity: the disk's size in bytes
 *
 * The free space a new disk of @capacity needs now: qcow2 files are sparse,
 * so not the whole capacity, but what an installation writes first (the
 * capacity itself up to 10 GiB) plus 1 GiB the host keeps for itself.
 *
 * Returns: bytes
 */
guint64
hangar_storage_required_free_bytes (guint64 capacity)
{
  return MIN (capacity, INSTALL_ALLOWANCE) + HOST_MARGIN;
}

/**
 * hangar_storage_check_space:
 * @capacity: the disk's size in bytes
 * @pool_capacity: the size of the filesystem the pool lives on
 * @pool_available: its free bytes
 * @error: return location for a %HANGAR_STORAGE_ERROR_NO_SPACE error
 *
 * The rule for creating a disk. A sparse disk may promise more than is free
 * (every desktop virtualisation tool overcommits), but a guest that fills a
 * full host filesystem is paused with an I/O error, so: the disk may not be
 * larger than the whole filesystem, which can never hold it, and what
 * hangar_storage_required_free_bytes() asks for must be free now.
 *
 * Returns: whether the disk may be created
 */
gboolean
hangar_storage_check_space (guint64   capacity,
                            guint64   pool_capacity,
                            guint64   pool_available,
                            GError  **error)
{
  guint64 required = hangar_storage_required_free_bytes (capacity);

  if (capacity > pool_capacity)
    {
      g_autofree char *size = g_format_size_full (capacity, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *whole = g_format_size_full (pool_capacity, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_NO_SPACE,
                   _("A disk of %s is larger than the whole storage it would live on (%s). "
                     "Choose a smaller disk."), size, whole);
      return FALSE;
    }

  if (pool_available < required)
    {
      g_autofree char *need = g_format_size_full (required, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *have = g_format_size_full (pool_available, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_NO_SPACE,
                   _("Not enough free space for a new disk: %s are needed, %s are free. "
                     "Free some space or choose a smaller disk."), need, have);
      return FALSE;
    }

  return TRUE;
}

/**
 * hangar_storage_is_busy_error:
 * @code: a libvirt error code (virErrorNumber)
 * @message: (nullable): libvirt's message
 *
 * Whether libvirt refused a pool or volume call only because another
 * operation on the pool is under way (a volume being copied or built): the
 * call will work once it ends.
 *
 * Returns: %TRUE for a busy pool or volume
 */
gboolean
hangar_storage_is_busy_error (int         code,
                              const char *message)
{
  if (message == NULL)
    return FALSE;
  switch (code)
    {
    case VIR_ERR_INTERNAL_ERROR:
      return strstr (message, "asynchronous jobs running") != NULL;
    case VIR_ERR_OPERATION_INVALID:
    case VIR_ERR_OPERATION_FAILED:
      return strstr (message, "is still in use") != NULL ||
             strstr (message, "is still being allocated") != NULL ||
             strstr (message, "asynchronous jobs running") != NULL;
    default:
      return FALSE;
    }
}

/**
 * hangar_storage_busy_delay_ms:
 * @attempt: how many times the call failed so far, from 1
 *
 * Returns: how long to wait before trying a busy pool again: 50 ms,
 *   doubled each time, at most 1 s
 */
guint
hangar_storage_busy_delay_ms (guint attempt)
{
  guint delay = BUSY_FIRST_DELAY_MS;

  for (guint i = 1; i < attempt && delay < BUSY_MAX_DELAY_MS; i++)
    delay *= 2;
  return MIN (delay, BUSY_MAX_DELAY_MS);
}

void
hangar_storage_lock (void)
{
  g_rec_mutex_lock (&pool_calls_lock);
}

void
hangar_storage_unlock (void)
{
  g_rec_mutex_unlock (&pool_calls_lock);
}

/* Blocking: calls @call (under the process's pool lock) until it works, fails
 * for another reason than a busy pool, @timeout_ms passed or @cancellable
 * is cancelled. libvirt's last error is the call's when it returns < 0. */
int
hangar_storage_call_when_free (HangarStorageCall  call,
                               gpointer           data,
                               guint              timeout_ms,
                               GCancellable      *cancellable)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (guint attempt = 1;; attempt++)
    {
      int ret;
      guint delay;

      hangar_storage_lock ();
      ret = call (data);
      hangar_storage_unlock ();
      if (ret >= 0 || !hangar_storage_is_busy_error (virGetLastErrorCode (),
                                                     virGetLastErrorMessage ()))
        return ret;

      delay = hangar_storage_busy_delay_ms (attempt);
      if (g_get_monotonic_time () + (gint64) delay * 1000 > deadline ||
          g_cancellable_is_cancelled (cancellable))
        return ret;
      g_debug ("The storage pool is busy (%s); trying again in %u ms",
               virGetLastErrorMessage (), delay);
      g_usleep ((gulong) delay * 1000);
    }
}

/**
 * hangar_storage_pool_new:
 * @connection: the connection the pool lives on; its blocking calls use
 *   whatever libvirt connection it has open at the time
 *
 * Returns: (transfer full): Hangar's pool on @connection
 */
HangarStoragePool *
hangar_storage_pool_new (HangarConnection *connection)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  return g_object_new (HANGAR_TYPE_STORAGE_POOL, "connection", connection, NULL);
}

/**
 * hangar_storage_pool_get_connection:
 *
 * Returns: (transfer none): the connection the pool lives on
 */
HangarConnection *
hangar_storage_pool_get_connection (HangarStoragePool *self)
{
  g_return_val_if_fail (HANGAR_IS_STORAGE_POOL (self), NULL);

  return self->connection;
}

/**
 * hangar_storage_pool_dup_path:
 *
 * The pool's directory: hangar_storage_pool_default_path() until the pool was
 * ensured, then the directory libvirt's pool really uses (a user may have
 * defined a pool called `hangar` elsewhere).
 *
 * Returns: (transfer full): a directory
 */
char *
hangar_storage_pool_dup_path (HangarStoragePool *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (HANGAR_IS_STORAGE_POOL (self), NULL);

  locker = g_mutex_locker_new (&self->lock);
  return g_strdup (self->path);
}

/**
 * hangar_storage_pool_keep_own:
 * @vol: (transfer full) (nullable): a volume
 *
 * A volume found by its path may lie in any pool; only one in Hangar's own is Hangar's to delete
 * or copy.
 *
 * Returns: (transfer full) (nullable): @vol when it is in Hangar's pool; else %NULL, @vol freed
 */
virStorageVolPtr
hangar_storage_pool_keep_own (virStorageVolPtr vol)
{
  virStoragePoolPtr pool = vol != NULL ? virStoragePoolLookupByVolume (vol) : NULL;

  if (pool == NULL || g_strcmp0 (virStoragePoolGetName (pool), HANGAR_STORAGE_POOL_NAME) != 0)
    g_clear_pointer (&vol, virStorageVolFree);
  if (pool != NULL)
    virStoragePoolFree (pool);
  return vol;
}

static virConnectPtr
dup_handle (HangarStoragePool  *self,
            GError            **error)
{
  virConnectPtr conn = hangar_connection_dup_handle (self->connection);

  if (conn == NULL)
    g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_POOL,
                         _("The connection to libvirt is not open."));
  return conn;
}

static void
read_pool_path (HangarStoragePool *self,
                virStoragePoolPtr  pool)
{
  GVirConfigStoragePool *config;
  GVirConfigStoragePoolTarget *target;
  char *xml = virStoragePoolGetXMLDesc (pool, 0);

  if (xml == NULL)
    return;
  config = gvir_config_storage_pool_new_from_xml (xml, NULL);
  free (xml);
  if (config == NULL)
    return;

  target = gvir_config_storage_pool_get_target (config);
  if (target != NULL)
    {
      g_mutex_lock (&self->lock);
      g_free (self->path);
      self->path = g_strdup (gvir_config_storage_pool_target_get_path (target));
      g_mutex_unlock (&self->lock);
      g_object_unref (target);
    }
  g_object_unref (config);
}

static virStoragePoolPtr
define_pool (HangarStoragePool  *self,
             virConnectPtr       conn,
             GError            **error)
{
  g_autofree char *path = hangar_storage_pool_dup_path (self);
  g_autofree char *xml = NULL;
  virStoragePoolPtr pool;

  /* Our own directory, private: disk images hold everything a guest has. */
  if (g_mkdir_with_parents (path, 0700) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_POOL,
                   _("Cannot create the folder for disks, %s: %s"), path, g_strerror (saved_errno));
      return NULL;
    }

  xml = g_markup_printf_escaped ("<pool type='dir'>"
                                 "<name>%s</name>"
                                 "<target><path>%s</path>"
                                 "<permissions><mode>0700</mode></permissions>"
                                 "</target></pool>",
                                 HANGAR_STORAGE_POOL_NAME, path);
  pool = virStoragePoolDefineXML (conn, xml, 0);
  if (pool != NULL)
    {
      g_debug ("Defined the storage pool %s in %s", HANGAR_STORAGE_POOL_NAME, path);
      return pool;
    }

  /* Another creator (another Hangar, say) may have just defined it. */
  pool = virStoragePoolLookupByName (conn, HANGAR_STORAGE_POOL_NAME);
  if (pool == NULL)
    g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_POOL,
                 _("Cannot set up the storage for disks in %s: %s"), path,
                 hangar_libvirt_last_message ());
  return pool;
}

/* Finds or makes the pool and starts it; the caller frees both handles.
 * Blocking. */
virStoragePoolPtr
hangar_storage_pool_ensure_raw (HangarStoragePool  *self,
                                virConnectPtr      *conn_out,
                                GCancellable       *cancellable,
                                GError            **error)
{
  virConnectPtr conn;
  virStoragePoolPtr pool;
  gboolean defined_here = FALSE;
  int autostart = 0;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if ((conn = dup_handle (self, error)) == NULL)
    return NULL;

  pool = virStoragePoolLookupByName (conn, HANGAR_STORAGE_POOL_NAME);
  if (pool == NULL && virGetLastErrorCode () != VIR_ERR_NO_STORAGE_POOL)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_POOL,
                   _("Cannot find the storage for disks: %s"), hangar_libvirt_last_message ());
      virConnectClose (conn);
      return NULL;
    }
  if (pool == NULL)
    {
      if ((pool = define_pool (self, conn, error)) == NULL)
        {
          virConnectClose (conn);
          return NULL;
        }
      defined_here = TRUE;
    }

  if (virStoragePoolIsActive (pool) != 1 &&
      virStoragePoolCreate (pool, VIR_STORAGE_POOL_CREATE_WITH_BUILD) < 0 &&
      virStoragePoolIsActive (pool) != 1)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_POOL,
                   _("Cannot start the storage for disks: %s"), hangar_libvirt_last_message ());
      /* A pool that never worked is not left behind to fail the same way. */
      if (defined_here)
        virStoragePoolUndefine (pool);
      virStoragePoolFree (pool);
      virConnectClose (conn);
      return NULL;
    }

  /* Disks must be there when the machines are, after the next login too. */
  if (virStoragePoolIsPersistent (pool) == 1 &&
      virStoragePoolGetAutostart (pool, &autostart) == 0 && !autostart &&
      virStoragePoolSetAutostart (pool, 1) < 0)
    g_warning ("Cannot mark the storage pool %s to start automatically: %s",
               HANGAR_STORAGE_POOL_NAME, hangar_libvirt_last_message ());

  read_pool_path (self, pool);
  *conn_out = conn;
  return pool;
}

static GVirStoragePool *
wrap_pool (virStoragePoolPtr pool)
{
  return g_object_new (GVIR_TYPE_STORAGE_POOL, "handle", pool, NULL);
}

/**
 * hangar_storage_pool_ensure:
 * @self: a #HangarStoragePool
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Finds the pool called `hangar`, or defines it as a directory pool in
 * hangar_storage_pool_default_path() (created with mode 0700), builds and
 * starts it, and marks it to start automatically. Blocking: call it from a
 * worker thread, or use hangar_storage_pool_ensure_async().
 *
 * Returns: (transfer full): the running pool
 */
GVirStoragePool *
hangar_storage_pool_ensure (HangarStoragePool  *self,
                            GCancellable       *cancellable,
                            GError            **error)
{
  virConnectPtr conn = NULL;
  virStoragePoolPtr pool;
  GVirStoragePool *result;

  g_return_val_if_fail (HANGAR_IS_STORAGE_POOL (self), NULL);

  if ((pool = hangar_storage_pool_ensure_raw (self, &conn, cancellable, error)) == NULL)
    return NULL;

  result = wrap_pool (pool);
  virStoragePoolFree (pool);
  virConnectClose (conn);
  return result;
}

static int
refresh_call (gpointer data)
{
  return virStoragePoolRefresh (data, 0);
}

/* Counts the pool's files anew, waiting a while for another operation on the
 * pool to end; FALSE when it could not (libvirt's counts then stand, and
 * libvirt keeps its own volumes counted). Blocking. */
gboolean
hangar_storage_pool_refresh_raw (virStoragePoolPtr pool)
{
  if (virStoragePoolIsActive (pool) != 1)
    return FALSE;
  if (hangar_storage_call_when_free (refresh_call, pool, BUSY_REFRESH_TIMEOUT_MS, NULL) < 0)
    {
      g_debug ("Cannot refresh the storage pool: %s", hangar_libvirt_last_message ());
      return FALSE;
    }
  return TRUE;
}

/**
 * hangar_storage_pool_refresh:
 * @self: a #HangarStoragePool
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Has libvirt count the pool's files anew, so that it lists a file made
 * beside it (a copy qemu-img wrote). Unlike the counts taken before reading
 * the free space, this one must happen: it waits as long as a volume's
 * deletion would for another operation on the pool to end, and fails with
 * %HANGAR_STORAGE_ERROR_POOL when it cannot. Blocking.
 *
 * Returns: whether libvirt counted the files
 */
gboolean
hangar_storage_pool_refresh (HangarStoragePool  *self,
                             GCancellable       *cancellable,
                             GError            **error)
{
  virConnectPtr conn = NULL;
  virStoragePoolPtr pool;
  int ret;

  g_return_val_if_fail (HANGAR_IS_STORAGE_POOL (self), FALSE);

  if ((pool = hangar_storage_pool_ensure_raw (self, &conn, cancellable, error)) == NULL)
    return FALSE;
  ret = hangar_storage_call_when_free (refresh_call, pool, HANGAR_STORAGE_DELETE_TIMEOUT_MS,
                                       cancellable);
  if (ret < 0)
    {
      if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_POOL,
                     _("Cannot count the files in the storage for disks: %s"),
                     hangar_libvirt_last_message ());
    }
  virStoragePoolFree (pool);
  virConnectClose (conn);
  return ret >= 0;
}

/* The pool's filesystem: its size and free bytes, counted anew. Blocking. */
gboolean
hangar_storage_pool_read_space (virStoragePoolPtr   pool,
                                guint64            *capacity,
                                guint64            *available,
                                GError            **error)
{
  virStoragePoolInfo info;
  int ret;

  /* Files come and go behind libvirt's back: count them anew. While
   * another operation copies a disk into the pool, libvirt refuses that, but
   * counts what it makes itself: its figures then stand. */
  hangar_storage_pool_refresh_raw (pool);
  hangar_storage_lock ();
  ret = virStoragePoolGetInfo (pool, &info);
  hangar_storage_unlock ();
  if (ret < 0)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_POOL,
                   _("Cannot read how much space is free for disks: %s"),
                   hangar_libvirt_last_message ());
      return FALSE;
    }

  *capacity = info.capacity;
  *available = info.available;
  return TRUE;
}

/**
 * hangar_storage_pool_query_space:
 * @self: a #HangarStoragePool
 * @capacity: (out): the size of the pool's filesystem, in bytes
 * @available: (out): its free bytes
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Ensures the pool and reads its space. Blocking.
 */
gboolean
hangar_storage_pool_query_space (HangarStoragePool  *self,
                                 guint64            *capacity,
                                 guint64            *available,
                                 GCancellable       *cancellable,
                                 GError            **error)
{
  virConnectPtr conn = NULL;
  virStoragePoolPtr pool;
  gboolean ok;

  g_return_val_if_fail (HANGAR_IS_STORAGE_POOL (self), FALSE);
  g_return_val_if_fail (capacity != NULL && available != NULL, FALSE);

  if ((pool = hangar_storage_pool_ensure_raw (self, &conn, cancellable, error)) == NULL)
    return FALSE;

  ok = hangar_storage_pool_read_space (pool, capacity, available, error);
  virStoragePoolFree (pool);
  virConnectClose (conn);
  return ok;
}

static void
ensure_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  GVirStoragePool *pool = hangar_storage_pool_ensure (source_object, cancellable, &error);

  if (pool == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pool, g_object_unref);
}

void
hangar_storage_pool_ensure_async (HangarStoragePool   *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_STORAGE_POOL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_storage_pool_ensure_async);
  g_task_run_in_thread (task, ensure_thread);
}

/**
 * hangar_storage_pool_ensure_finish:
 *
 * Returns: (transfer full): the running pool
 */
GVirStoragePool *
hangar_storage_pool_ensure_finish (HangarStoragePool  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  guint64 capacity;
  guint64 available;
} Space;

static void
query_space_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  Space *space = g_new0 (Space, 1);

  if (!hangar_storage_pool_query_space (source_object, &space->capacity, &space->available,
                                        cancellable, &error))
    {
      g_free (space);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, space, g_free);
}

void
hangar_storage_pool_query_space_async (HangarStoragePool   *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_STORAGE_POOL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_storage_pool_query_space_async);
  g_task_run_in_thread (task, query_space_thread);
}

gboolean
hangar_storage_pool_query_space_finish (HangarStoragePool  *self,
                                        GAsyncResult       *result,
                                        guint64            *capacity,
                                        guint64            *available,
                                        GError            **error)
{
  g_autofree Space *space = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  space = g_task_propagate_pointer (G_TASK (result), error);
  if (space == NULL)
    return FALSE;
  if (capacity != NULL)
    *capacity = space->capacity;
  if (available != NULL)
    *available = space->available;
  return TRUE;
}

static void
hangar_storage_pool_finalize (GObject *object)
{
  HangarStoragePool *self = HANGAR_STORAGE_POOL (object);

  g_clear_object (&self->connection);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (hangar_storage_pool_parent_class)->finalize (object);
}

static void
hangar_storage_pool_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarStoragePool *self = HANGAR_STORAGE_POOL (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_storage_pool_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HangarStoragePool *self = HANGAR_STORAGE_POOL (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_storage_pool_class_init (HangarStoragePoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_storage_pool_finalize;
  object_class->get_property = hangar_storage_pool_get_property;
  object_class->set_property = hangar_storage_pool_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_storage_pool_init (HangarStoragePool *self)
{
  g_mutex_init (&self->lock);
  self->path = hangar_storage_pool_default_path ();
}
