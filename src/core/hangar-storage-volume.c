/* hangar-storage-volume.c
 *
 * The disks in Hangar's pool: qcow2 volumes with safe, unique file names,
 * created, copied and deleted in it, only when the disk can be honoured.
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
#include "hangar-storage-pool-private.h"
#include "hangar-storage-volume.h"

/* File names stay short and readable; the machine's name is the real label. */
#define VOLUME_STEM_MAX 64
#define VOLUME_SUFFIX ".qcow2"
#define MAX_NAME_ATTEMPTS 1000

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

/* Names chosen by this process for volumes still being made: a copy is in
 * libvirt's list only once libvirt starts it. Guarded by the storage lock. */
static GHashTable *claimed_names;

static void
release_volume_name (const char *name)
{
  hangar_storage_lock ();
  if (claimed_names != NULL)
    g_hash_table_remove (claimed_names, name);
  hangar_storage_unlock ();
}

static gboolean
volume_name_taken (virStoragePoolPtr  pool,
                   const char        *dir,
                   const char        *name)
{
  virStorageVolPtr vol;
  g_autofree char *path = NULL;

  if (claimed_names != NULL && g_hash_table_contains (claimed_names, name))
    return TRUE;
  vol = virStorageVolLookupByName (pool, name);

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

/* Both a new disk and a copy must fit in the pool and need a file name nobody holds. */
static char *
claim_volume_name (virStoragePoolPtr   pool,
                   const char         *dir,
                   const char         *machine_name,
                   guint64             needed,
                   GCancellable       *cancellable,
                   GError            **error)
{
  guint64 pool_capacity, pool_available;
  char *name;

  if (!hangar_storage_pool_read_space (pool, &pool_capacity, &pool_available, error) ||
      !hangar_storage_check_space (needed, pool_capacity, pool_available, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* Held until release_volume_name(): two copies at once get two names. */
  hangar_storage_lock ();
  name = unique_volume_name (pool, dir, machine_name);
  if (name != NULL)
    {
      if (claimed_names == NULL)
        claimed_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_add (claimed_names, g_strdup (name));
    }
  hangar_storage_unlock ();
  if (name == NULL)
    g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                 _("Cannot find a free file name for the disk of “%s”."), machine_name);
  return name;
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
  return hangar_storage_pool_create_volume_full (self, machine_name, capacity, NULL, NULL,
                                                 cancellable, error);
}

/* hangar_storage_pool_create_volume(), telling @claimed the new disk's file
 * just before it is made. */
GVirStorageVol *
hangar_storage_pool_create_volume_full (HangarStoragePool         *self,
                                        const char                *machine_name,
                                        guint64                    capacity,
                                        HangarStorageCopyStarted   claimed,
                                        gpointer                   claimed_data,
                                        GCancellable              *cancellable,
                                        GError                   **error)
{
  virConnectPtr conn = NULL;
  virStoragePoolPtr pool = NULL;
  virStorageVolPtr vol = NULL;
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *why = NULL;
  GVirStorageVol *result = NULL;

  g_return_val_if_fail (HANGAR_IS_STORAGE_POOL (self), NULL);
  g_return_val_if_fail (machine_name != NULL, NULL);

  if (capacity == 0)
    {
      g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID,
                           _("A disk needs a size."));
      return NULL;
    }

  if ((pool = hangar_storage_pool_ensure_raw (self, &conn, cancellable, error)) == NULL)
    return NULL;

  dir = hangar_storage_pool_dup_path (self);
  if ((name = claim_volume_name (pool, dir, machine_name, capacity, cancellable, error)) == NULL)
    goto out;

  xml = g_markup_printf_escaped ("<volume type='file'>"
                                 "<name>%s</name>"
                                 "<capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>"
                                 "<allocation unit='bytes'>0</allocation>"
                                 "<target><format type='qcow2'/>"
                                 "<permissions><mode>0600</mode></permissions>"
                                 "</target></volume>",
                                 name, capacity);
  if (claimed != NULL)
    {
      g_autofree char *target = g_build_filename (dir, name, NULL);

      claimed (target, 0, claimed_data);
    }
  hangar_storage_lock ();
  vol = virStorageVolCreateXML (pool, xml, 0);
  hangar_storage_unlock ();
  release_volume_name (name);
  /* Taken first: the next libvirt call resets it. */
  why = vol == NULL ? g_strdup (hangar_libvirt_last_message ()) : NULL;
  if (vol == NULL && virConnectIsAlive (conn) != 1)
    {
      g_autofree char *target = g_build_filename (dir, name, NULL);

      /* The daemon died as it made the disk: a file named here, new. */
      if (g_unlink (target) == 0)
        g_debug ("Removed the unfinished disk %s", target);
    }
  if (vol == NULL)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                   _("Cannot create the disk %s: %s"), name, why);
      goto out;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      if (hangar_storage_delete_vol (vol, NULL) < 0)
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
 * hangar_storage_volume_clone:
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
hangar_storage_volume_clone (virConnectPtr             conn,
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
  g_autofree char *why = NULL;
  GVirStorageVol *result = NULL;

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

  /* A directory pool: its volumes are the files of its directory. What the copy takes now is
   * what the source holds, not its capacity. */
  dir = g_path_get_dirname (source_path);
  name = claim_volume_name (pool, dir, machine_name, MAX (info.allocation, 1), cancellable, error);
  if (name == NULL)
    goto out;

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
  /* Not under the storage lock: the copy takes as long as the disk is large,
   * and the calls that cannot run meanwhile wait or go without (see
   * hangar_storage_call_when_free()). */
  vol = virStorageVolCreateXMLFrom (pool, xml, source, 0);
  release_volume_name (name);
  why = vol == NULL ? g_strdup (hangar_libvirt_last_message ()) : NULL;
  if (vol == NULL && virConnectIsAlive (conn) != 1)
    {
      g_autofree char *target = g_build_filename (dir, name, NULL);

      /* The daemon died during the copy, and left what it had written: a
       * file named here, that did not exist before. */
      if (g_unlink (target) == 0)
        g_debug ("Removed the unfinished copy %s", target);
    }
  if (vol == NULL)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                   _("Cannot copy the disk %s: %s"), source_path, why);
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

static int
delete_call (gpointer data)
{
  return virStorageVolDelete (data, 0);
}

/* Deletes @vol, waiting a while when a copy from it or into it is under way.
 * Blocking; libvirt's last error says why on failure. */
int
hangar_storage_delete_vol (virStorageVolPtr  vol,
                           GCancellable     *cancellable)
{
  const char *fault = g_getenv ("HANGAR_TEST_FAIL_VOLUME_DELETE");
  const char *name = virStorageVolGetName (vol);

  /* For tests: a deletion that fails as a real one would, half-way through
   * deleting a machine. */
  if (fault != NULL && name != NULL && g_str_equal (fault, name))
    {
      virResetLastError ();
      g_warning ("Failure injected: not deleting the disk %s", name);
      return -1;
    }
  return hangar_storage_call_when_free (delete_call, vol, HANGAR_STORAGE_DELETE_TIMEOUT_MS,
                                        cancellable);
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
  ret = vol != NULL ? hangar_storage_delete_vol (vol, NULL) : -1;
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
