/* hangar-storage-pool.c
 *
 * The directory pool that holds Hangar's disks: found or made on demand in the
 * user's data directory, and qcow2 volumes with safe, unique file names made
 * in it only when the disk can be honoured.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-storage"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include "hangar-libvirt.h"
#include "hangar-storage-pool.h"

#define GIB (G_GUINT64_CONSTANT (1) << 30)

/* What a fresh installation writes to its disk, at most, before the user can
 * see how much room is left: a qcow2 file starts at a few hundred KiB and
 * grows as the guest writes, so this, not the disk's size, is what must be
 * free now. */
#define INSTALL_ALLOWANCE (10 * GIB)
/* Room the host keeps for itself on top of that. */
#define HOST_MARGIN GIB

/* File names stay short and readable; the machine's name is the real label. */
#define VOLUME_STEM_MAX 64
#define VOLUME_SUFFIX ".qcow2"
#define MAX_NAME_ATTEMPTS 1000

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

static gboolean
is_safe_file_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.';
}

/**
 * hangar_storage_volume_name_for:
 * @machine_name: a machine's name, any text a user typed
 *
 * A file name for the machine's disk that cannot leave the pool's directory
 * or surprise a shell: letters are transliterated to ASCII, every other
 * character becomes a dash, runs of dashes collapse, no leading dot or dash,
 * at most 64 characters before the `.qcow2` suffix. `../../x` gives
 * `x.qcow2`; a name with nothing usable gives `machine.qcow2`. Two machines
 * may map to the same name: hangar_storage_pool_create_volume() numbers them.
 *
 * Returns: (transfer full): the file name, with its suffix
 */
char *
hangar_storage_volume_name_for (const char *machine_name)
{
  g_autofree char *valid = NULL;
  g_autofree char *ascii = NULL;
  g_autoptr(GString) stem = g_string_new (NULL);

  valid = g_utf8_make_valid (machine_name != NULL ? machine_name : "", -1);
  ascii = g_str_to_ascii (valid, "C");

  for (const char *p = ascii; *p != '\0' && stem->len < VOLUME_STEM_MAX; p++)
    {
      char c = is_safe_file_char (*p) ? *p : '-';

      /* Dots only inside a name: no ".", "..", hidden files or "x..y". */
      if ((c == '-' || c == '.') &&
          (stem->len == 0 || stem->str[stem->len - 1] == '-' || stem->str[stem->len - 1] == '.'))
        continue;
      g_string_append_c (stem, c);
    }

  while (stem->len > 0 && (stem->str[stem->len - 1] == '-' || stem->str[stem->len - 1] == '.'))
    g_string_truncate (stem, stem->len - 1);

  if (stem->len == 0)
    g_string_assign (stem, "machine");

  g_string_append (stem, VOLUME_SUFFIX);
  return g_string_free (g_steal_pointer (&stem), FALSE);
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

/* Finds or makes the pool and starts it; the caller frees both handles. */
static virStoragePoolPtr
ensure_raw (HangarStoragePool  *self,
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

  if ((pool = ensure_raw (self, &conn, cancellable, error)) == NULL)
    return NULL;

  result = wrap_pool (pool);
  virStoragePoolFree (pool);
  virConnectClose (conn);
  return result;
}

static gboolean
read_space (virStoragePoolPtr   pool,
            guint64            *capacity,
            guint64            *available,
            GError            **error)
{
  virStoragePoolInfo info;

  /* Files come and go behind libvirt's back: count them anew. */
  if (virStoragePoolRefresh (pool, 0) < 0 || virStoragePoolGetInfo (pool, &info) < 0)
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

  if ((pool = ensure_raw (self, &conn, cancellable, error)) == NULL)
    return FALSE;

  ok = read_space (pool, capacity, available, error);
  virStoragePoolFree (pool);
  virConnectClose (conn);
  return ok;
}

static gboolean
volume_name_taken (virStoragePoolPtr  pool,
                   const char        *dir,
                   const char        *name)
{
  virStorageVolPtr vol = virStorageVolLookupByName (pool, name);
  g_autofree char *path = NULL;

  if (vol != NULL)
    {
      virStorageVolFree (vol);
      return TRUE;
    }

  /* A file libvirt has not counted yet is taken too. */
  path = g_build_filename (dir, name, NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK);
}

static char *
unique_volume_name (virStoragePoolPtr  pool,
                    const char        *dir,
                    const char        *machine_name)
{
  g_autofree char *first = hangar_storage_volume_name_for (machine_name);
  g_autofree char *stem = g_strndup (first, strlen (first) - strlen (VOLUME_SUFFIX));

  if (!volume_name_taken (pool, dir, first))
    return g_steal_pointer (&first);

  for (guint i = 2; i <= MAX_NAME_ATTEMPTS; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s-%u%s", stem, i, VOLUME_SUFFIX);

      if (!volume_name_taken (pool, dir, candidate))
        return g_steal_pointer (&candidate);
    }

  return NULL;
}

/**
 * hangar_storage_pool_create_volume:
 * @self: a #HangarStoragePool
 * @machine_name: the machine the disk is for; its file name derives from it
 *   (hangar_storage_volume_name_for()), numbered when taken
 * @capacity: the disk's size in bytes
 * @cancellable: (nullable): a #GCancellable; cancelled while the volume was
 *   being made, the volume is deleted again
 * @error: return location for an error
 *
 * Ensures the pool, checks the free space (hangar_storage_check_space()), and
 * creates a sparse qcow2 volume readable by the user only. Blocking.
 *
 * Returns: (transfer full): the new volume
 */
GVirStorageVol *
hangar_storage_pool_create_volume (HangarStoragePool  *self,
                                   const char         *machine_name,
                                   guint64             capacity,
                                   GCancellable       *cancellable,
                                   GError            **error)
{
  virConnectPtr conn = NULL;
  virStoragePoolPtr pool = NULL;
  virStorageVolPtr vol = NULL;
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *dir = NULL;
  GVirStorageVol *result = NULL;
  guint64 pool_capacity, pool_available;

  g_return_val_if_fail (HANGAR_IS_STORAGE_POOL (self), NULL);
  g_return_val_if_fail (machine_name != NULL, NULL);

  if (capacity == 0)
    {
      g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID,
                           _("A disk needs a size."));
      return NULL;
    }

  if ((pool = ensure_raw (self, &conn, cancellable, error)) == NULL)
    return NULL;

  if (!read_space (pool, &pool_capacity, &pool_available, error) ||
      !hangar_storage_check_space (capacity, pool_capacity, pool_available, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;

  dir = hangar_storage_pool_dup_path (self);
  name = unique_volume_name (pool, dir, machine_name);
  if (name == NULL)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                   _("Cannot find a free file name for the disk of “%s”."), machine_name);
      goto out;
    }

  xml = g_markup_printf_escaped ("<volume type='file'>"
                                 "<name>%s</name>"
                                 "<capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>"
                                 "<allocation unit='bytes'>0</allocation>"
                                 "<target><format type='qcow2'/>"
                                 "<permissions><mode>0600</mode></permissions>"
                                 "</target></volume>",
                                 name, capacity);
  vol = virStorageVolCreateXML (pool, xml, 0);
  if (vol == NULL)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                   _("Cannot create the disk %s: %s"), name, hangar_libvirt_last_message ());
      goto out;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      if (virStorageVolDelete (vol, 0) < 0)
        g_warning ("Cannot delete the disk %s after a cancellation: %s", name,
                   hangar_libvirt_last_message ());
      goto out;
    }

  g_debug ("Created the disk %s/%s, %" G_GUINT64_FORMAT " bytes", dir, name, capacity);
  /* No "pool": libvirt-gobject keeps a bare pointer to it. */
  result = g_object_new (GVIR_TYPE_STORAGE_VOL, "handle", vol, NULL);

out:
  if (vol != NULL)
    virStorageVolFree (vol);
  virStoragePoolFree (pool);
  virConnectClose (conn);
  return result;
}

/**
 * hangar_storage_clone_volume:
 * @conn: an open libvirt connection
 * @source_path: the file of a volume of Hangar's pool
 * @machine_name: the machine the copy is for; its file name derives from it,
 *   numbered when taken (as in hangar_storage_pool_create_volume())
 * @started: (nullable) (scope call): told the copy's file just before the
 *   copy begins, so that its progress can be watched
 * @started_data: data for @started
 * @cancellable: (nullable): a #GCancellable; checked before the copy starts
 * @error: return location for an error
 *
 * Makes a full, independent qcow2 copy of a volume of Hangar's pool, in the
 * pool (libvirt's virStorageVolCreateXMLFrom(): a backing chain is
 * flattened), readable by the user only. The copy needs the source's
 * allocation free, plus the margin of hangar_storage_required_free_bytes().
 * Blocking. It takes a bare connection because machines do not hold a
 * #GVirConnection, and a second one on the same handle would deregister
 * the first one's events when it goes.
 *
 * Returns: (transfer full): the new volume
 */
GVirStorageVol *
hangar_storage_clone_volume (virConnectPtr             conn,
                             const char               *source_path,
                             const char               *machine_name,
                             HangarStorageCopyStarted  started,
                             gpointer                  started_data,
                             GCancellable             *cancellable,
                             GError                  **error)
{
  virStoragePoolPtr pool = NULL;
  virStorageVolPtr source = NULL;
  virStorageVolPtr vol = NULL;
  virStorageVolInfo info;
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *dir = NULL;
  GVirStorageVol *result = NULL;
  guint64 pool_capacity, pool_available;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (source_path != NULL, NULL);
  g_return_val_if_fail (machine_name != NULL, NULL);

  source = virStorageVolLookupByPath (conn, source_path);
  if (source != NULL)
    pool = virStoragePoolLookupByVolume (source);
  if (pool == NULL || g_strcmp0 (virStoragePoolGetName (pool), HANGAR_STORAGE_POOL_NAME) != 0)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                   _("The disk %s is not in Hangar’s storage."), source_path);
      goto out;
    }
  if (virStorageVolGetInfo (source, &info) < 0)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                   _("Cannot read the disk %s: %s"), source_path, hangar_libvirt_last_message ());
      goto out;
    }

  /* What the copy takes now is what the source holds, not its capacity. */
  if (!read_space (pool, &pool_capacity, &pool_available, error) ||
      !hangar_storage_check_space (MAX (info.allocation, 1), pool_capacity, pool_available, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;

  /* A directory pool: its volumes are the files of its directory. */
  dir = g_path_get_dirname (source_path);
  name = unique_volume_name (pool, dir, machine_name);
  if (name == NULL)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                   _("Cannot find a free file name for the disk of “%s”."), machine_name);
      goto out;
    }

  xml = g_markup_printf_escaped ("<volume type='file'>"
                                 "<name>%s</name>"
                                 "<capacity unit='bytes'>%llu</capacity>"
                                 "<target><format type='qcow2'/>"
                                 "<permissions><mode>0600</mode></permissions>"
                                 "</target></volume>",
                                 name, info.capacity);
  if (started != NULL)
    {
      g_autofree char *target = g_build_filename (dir, name, NULL);

      started (target, info.allocation, started_data);
    }
  vol = virStorageVolCreateXMLFrom (pool, xml, source, 0);
  if (vol == NULL)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                   _("Cannot copy the disk %s: %s"), source_path, hangar_libvirt_last_message ());
      goto out;
    }

  g_debug ("Copied the disk %s to %s/%s", source_path, dir, name);
  result = g_object_new (GVIR_TYPE_STORAGE_VOL, "handle", vol, NULL);

out:
  if (vol != NULL)
    virStorageVolFree (vol);
  if (source != NULL)
    virStorageVolFree (source);
  if (pool != NULL)
    virStoragePoolFree (pool);
  return result;
}

/**
 * hangar_storage_pool_delete_volume:
 * @self: a #HangarStoragePool
 * @volume: a volume of the pool
 * @error: return location for an error
 *
 * Deletes the volume and its file. Blocking.
 */
gboolean
hangar_storage_pool_delete_volume (HangarStoragePool  *self,
                                   GVirStorageVol     *volume,
                                   GError            **error)
{
  virStorageVolPtr vol;
  int ret;

  g_return_val_if_fail (HANGAR_IS_STORAGE_POOL (self), FALSE);
  g_return_val_if_fail (GVIR_IS_STORAGE_VOL (volume), FALSE);

  /* Through the handle: libvirt-gobject's own delete goes through the
   * volume's pool object, which it does not keep alive. */
  vol = hangar_libvirt_dup_volume (volume);
  ret = vol != NULL ? virStorageVolDelete (vol, 0) : -1;
  if (ret < 0)
    {
      /* Taken first: reading the volume's name resets libvirt's last error. */
      g_autofree char *why = g_strdup (vol != NULL ? hangar_libvirt_last_message ()
                                                   : _("unknown volume"));

      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                   _("Cannot delete the disk %s: %s"), gvir_storage_vol_get_name (volume), why);
    }
  if (vol != NULL)
    virStorageVolFree (vol);
  return ret == 0;
}

/**
 * hangar_storage_volume_dup_path:
 * @volume: a volume
 * @error: return location for an error
 *
 * The volume's file. Blocking. (gvir_storage_vol_get_path() leaks the
 * string libvirt returns.)
 *
 * Returns: (transfer full): a path
 */
char *
hangar_storage_volume_dup_path (GVirStorageVol  *volume,
                                GError         **error)
{
  virStorageVolPtr vol;
  char *raw = NULL;
  char *path = NULL;

  g_return_val_if_fail (GVIR_IS_STORAGE_VOL (volume), NULL);

  vol = hangar_libvirt_dup_volume (volume);
  if (vol != NULL && (raw = virStorageVolGetPath (vol)) != NULL)
    path = g_strdup (raw);
  else
    {
      /* Taken first: reading the volume's name resets libvirt's last error. */
      g_autofree char *why = g_strdup (vol != NULL ? hangar_libvirt_last_message ()
                                                   : _("unknown volume"));

      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                   _("Cannot find the file of the disk %s: %s"),
                   gvir_storage_vol_get_name (volume), why);
    }
  free (raw);
  if (vol != NULL)
    virStorageVolFree (vol);
  return path;
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

typedef struct
{
  char    *machine_name;
  guint64  capacity;
} VolumeRequest;

static void
volume_request_free (VolumeRequest *request)
{
  g_free (request->machine_name);
  g_free (request);
}

static void
create_volume_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  VolumeRequest *request = task_data;
  GError *error = NULL;
  GVirStorageVol *volume;

  volume = hangar_storage_pool_create_volume (source_object, request->machine_name,
                                              request->capacity, cancellable, &error);
  if (volume == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, volume, g_object_unref);
}

void
hangar_storage_pool_create_volume_async (HangarStoragePool   *self,
                                         const char          *machine_name,
                                         guint64              capacity,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VolumeRequest *request;

  g_return_if_fail (HANGAR_IS_STORAGE_POOL (self));
  g_return_if_fail (machine_name != NULL);

  request = g_new0 (VolumeRequest, 1);
  request->machine_name = g_strdup (machine_name);
  request->capacity = capacity;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_storage_pool_create_volume_async);
  g_task_set_task_data (task, request, (GDestroyNotify) volume_request_free);
  /* A volume made just as the caller gave up is deleted by the thread, and a
   * finished one is the caller's to delete: never report success as cancelled. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, create_volume_thread);
}

/**
 * hangar_storage_pool_create_volume_finish:
 *
 * Returns: (transfer full): the new volume
 */
GVirStorageVol *
hangar_storage_pool_create_volume_finish (HangarStoragePool  *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
delete_volume_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;

  if (!hangar_storage_pool_delete_volume (source_object, task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
hangar_storage_pool_delete_volume_async (HangarStoragePool   *self,
                                         GVirStorageVol      *volume,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_STORAGE_POOL (self));
  g_return_if_fail (GVIR_IS_STORAGE_VOL (volume));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_storage_pool_delete_volume_async);
  g_task_set_task_data (task, g_object_ref (volume), g_object_unref);
  g_task_run_in_thread (task, delete_volume_thread);
}

gboolean
hangar_storage_pool_delete_volume_finish (HangarStoragePool  *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
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
