/* hangar-machine-manage.c
 *
 * Deleting, renaming and cloning a machine. Only disks that are volumes of
 * Hangar's own pool are ever deleted or copied: an image file of the user's
 * that a machine uses survives the machine.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hangar-machine-config-private.h"
#include "hangar-machine-name.h"
#include "hangar-machine-private.h"
#include "hangar-pending.h"
#include "hangar-snapshot-files.h"
#include "hangar-storage-pool-private.h"
#include "hangar-storage-volume.h"
#include "hangar-vm-config.h"

/* Everything libvirt keeps beside a definition goes with it. */
#define UNDEFINE_FLAGS (VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_TPM |            \
                        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |                               \
                        VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |                         \
                        VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA)

/* ------------------------------------------------------------------------ */
/* disks                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct
{
  xmlNodePtr  source;   /* the <source> element */
  char       *path;     /* a file or block device, else NULL */
  char       *pool;     /* <disk type='volume'> */
  char       *volume;
  gboolean    readonly;
} Disk;

static void
disk_free (Disk *disk)
{
  g_free (disk->path);
  g_free (disk->pool);
  g_free (disk->volume);
  g_free (disk);
}

static gboolean
is_element (xmlNodePtr  node,
            const char *name)
{
  return node->type == XML_ELEMENT_NODE && xmlStrcmp (node->name, BAD_CAST name) == 0;
}

static xmlDocPtr
parse_xml (const char  *xml,
           const char  *machine,
           GError     **error)
{
  xmlDocPtr doc = xmlReadMemory (xml, (int) strlen (xml), "domain.xml", NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);

  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_FAILED,
                   _("Cannot read the definition of “%s”."), machine);
      if (doc != NULL)
        xmlFreeDoc (doc);
      return NULL;
    }
  return doc;
}

/* The writable hard disks (not CD-ROMs or floppies) of a definition. */
static GPtrArray *
collect_disks (xmlDocPtr doc)
{
  GPtrArray *disks = g_ptr_array_new_with_free_func ((GDestroyNotify) disk_free);
  xmlNodePtr devices = hangar_xml_first_child (xmlDocGetRootElement (doc), "devices");

  for (xmlNodePtr node = devices != NULL ? devices->children : NULL; node != NULL; node = node->next)
    {
      g_autofree char *device = NULL;
      g_autofree char *type = NULL;
      xmlNodePtr source;
      Disk *disk;

      if (!is_element (node, "disk"))
        continue;
      device = hangar_xml_get_prop (node, "device");
      if (device != NULL && g_strcmp0 (device, "disk") != 0)
        continue;
      if ((source = hangar_xml_first_child (node, "source")) == NULL)
        continue;

      type = hangar_xml_get_prop (node, "type");
      disk = g_new0 (Disk, 1);
      disk->source = source;
      disk->readonly = hangar_xml_first_child (node, "readonly") != NULL;
      if (g_strcmp0 (type, "volume") == 0)
        {
          disk->pool = hangar_xml_get_prop (source, "pool");
          disk->volume = hangar_xml_get_prop (source, "volume");
        }
      else if (g_strcmp0 (type, "block") == 0)
        disk->path = hangar_xml_get_prop (source, "dev");
      else
        disk->path = hangar_xml_get_prop (source, "file");
      g_ptr_array_add (disks, disk);
    }
  return disks;
}

/* The disk's volume when it is one of Hangar's pool, else NULL: never a
 * file of the user's, wherever it lies. */
static virStorageVolPtr
hangar_volume_for (virConnectPtr  conn,
                   const Disk    *disk)
{
  virStoragePoolPtr pool = NULL;
  virStorageVolPtr vol = NULL;

  if (disk->volume != NULL)
    {
      if (g_strcmp0 (disk->pool, HANGAR_STORAGE_POOL_NAME) != 0)
        return NULL;
      if ((pool = virStoragePoolLookupByName (conn, HANGAR_STORAGE_POOL_NAME)) != NULL)
        {
          vol = virStorageVolLookupByName (pool, disk->volume);
          virStoragePoolFree (pool);
        }
      return vol;
    }

  if (disk->path == NULL || (vol = virStorageVolLookupByPath (conn, disk->path)) == NULL)
    return NULL;
  return hangar_storage_pool_keep_own (vol);
}

/* So that a file created since the pool was last read is known as a volume. */
static void
refresh_pool (virConnectPtr conn)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, HANGAR_STORAGE_POOL_NAME);

  if (pool == NULL)
    return;
  hangar_storage_pool_refresh_raw (pool);
  virStoragePoolFree (pool);
}

/* The disk files every other domain uses: those are never deleted. */
static GHashTable *
paths_of_others (virConnectPtr  conn,
                 virDomainPtr   self)
{
  GHashTable *paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  unsigned char uuid[VIR_UUID_BUFLEN], other[VIR_UUID_BUFLEN];
  virDomainPtr *domains = NULL;
  int n;

  virDomainGetUUID (self, uuid);
  n = virConnectListAllDomains (conn, &domains, 0);
  for (int i = 0; i < n; i++)
    {
      char *xml;

      if (virDomainGetUUID (domains[i], other) == 0 && memcmp (uuid, other, sizeof uuid) != 0 &&
          (xml = virDomainGetXMLDesc (domains[i], VIR_DOMAIN_XML_INACTIVE)) != NULL)
        {
          xmlDocPtr doc = parse_xml (xml, "", NULL);

          if (doc != NULL)
            {
              g_autoptr(GPtrArray) disks = collect_disks (doc);

              for (guint j = 0; j < disks->len; j++)
                {
                  Disk *disk = g_ptr_array_index (disks, j);

                  if (disk->path != NULL)
                    g_hash_table_add (paths, g_strdup (disk->path));
                }
              xmlFreeDoc (doc);
            }
          free (xml);
        }
      virDomainFree (domains[i]);
    }
  free (domains);
  return paths;
}

/* ------------------------------------------------------------------------ */
/* delete                                                                   */
/* ------------------------------------------------------------------------ */

static gboolean
do_delete (HangarMachineOp  *op,
           GCancellable     *cancellable,
           GError          **error)
{
  virConnectPtr conn = virDomainGetConnect (op->dom);
  g_autoptr(GPtrArray) volumes = g_ptr_array_new_with_free_func ((GDestroyNotify) virStorageVolFree);
  g_autoptr(GHashTable) shared = NULL;
  g_autoptr(GString) left = g_string_new (NULL);
  gboolean persistent = virDomainIsPersistent (op->dom) == 1;
  int active = virDomainIsActive (op->dom);
  char uuid[VIR_UUID_STRING_BUFLEN];
  guint deleted = 0;
  char *xml;

  /* Which disks are Hangar's, read before the definition is gone. */
  if (!op->flag)
    {
      xmlDocPtr doc;
      g_autoptr(GPtrArray) disks = NULL;

      xml = virDomainGetXMLDesc (op->dom, persistent ? VIR_DOMAIN_XML_INACTIVE : 0);
      if (xml == NULL)
        return FAIL_LIBVIRT (op, _("Cannot read the definition of “%s”: %s"), error);
      doc = parse_xml (xml, op->name, error);
      free (xml);
      if (doc == NULL)
        return FALSE;

      refresh_pool (conn);
      shared = paths_of_others (conn, op->dom);
      disks = collect_disks (doc);
      for (guint i = 0; i < disks->len; i++)
        {
          Disk *disk = g_ptr_array_index (disks, i);
          virStorageVolPtr vol = hangar_volume_for (conn, disk);
          char *path;

          if (vol == NULL)
            continue;
          path = virStorageVolGetPath (vol);
          if (path != NULL && g_hash_table_contains (shared, path))
            {
              g_debug ("Keeping %s: another machine uses it", path);
              virStorageVolFree (vol);
            }
          else
            g_ptr_array_add (volumes, vol);
          free (path);
        }
      xmlFreeDoc (doc);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* The definition goes last: whatever fails before leaves a machine the
   * user still sees, and can delete again. */
  if (active == 1 && virDomainDestroy (op->dom) < 0 && virDomainIsActive (op->dom) == 1)
    return FAIL_LIBVIRT (op, _("Cannot stop “%s” to delete it: %s"), error);

  for (guint i = 0; i < volumes->len; i++)
    {
      virStorageVolPtr vol = g_ptr_array_index (volumes, i);

      if (hangar_storage_delete_vol (vol, NULL) < 0)
        {
          /* Taken first: every libvirt call resets the thread's last error. */
          g_autofree char *message = g_strdup (hangar_libvirt_last_message ());
          char *path = virStorageVolGetPath (vol);

          g_string_append_printf (left, "%s%s (%s)", left->len > 0 ? ", " : "",
                                  path != NULL ? path : virStorageVolGetName (vol), message);
          free (path);
        }
      else
        deleted++;
    }
  if (left->len > 0 && deleted > 0)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                _("“%s” is not deleted: some of its disks are, but not %s. "
                                  "Delete the machine again to finish."),
                                op->name, left->str);
  if (left->len > 0)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                _("“%s” is not deleted: its disk cannot be deleted: %s"),
                                op->name, left->str);

  if (persistent && virDomainUndefineFlags (op->dom, UNDEFINE_FLAGS) < 0)
    {
      if (volumes->len > 0)
        return FAIL_LIBVIRT (op, _("The disks of “%s” are deleted, but not the machine: %s. "
                                   "Delete it again to finish."), error);
      return FAIL_LIBVIRT (op, _("Cannot delete “%s”: %s"), error);
    }

  /* The files Hangar kept for its snapshots (a UEFI machine's firmware
   * variables and memory); a kept disk holds its snapshots itself. */
  if (virDomainGetUUIDString (op->dom, uuid) == 0)
    {
      g_autoptr(GError) files_error = NULL;

      if (!hangar_snapshot_files_remove_all (uuid, &files_error))
        return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                    _("“%s” is deleted, but not the files of its snapshots: %s"),
                                    op->name, files_error->message);
    }
  return TRUE;
}

/**
 * hangar_machine_delete_async:
 * @self: a #HangarMachine
 * @keep_disk: keep the disk images
 * @cancellable: (nullable): a #GCancellable; checked before anything is removed
 * @callback: called when the machine is gone
 * @user_data: data for @callback
 *
 * Deletes the machine at once: forces it off when it runs, removes its
 * definition with its saved state, snapshot metadata (and the files Hangar
 * kept for a UEFI machine's snapshots), UEFI variables and TPM state, then (unless @keep_disk) deletes its hard disks that are
 * volumes of Hangar's pool and no other machine uses. CD-ROM images and
 * disks anywhere else are never touched.
 *
 * There is no undo here: the UI offers one by waiting for its toast to
 * expire before it calls this.
 */
void
hangar_machine_delete_async (HangarMachine       *self,
                             gboolean             keep_disk,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_delete);
  op->flag = keep_disk;
  hangar_machine_op_run (self, op, hangar_machine_delete_async, cancellable, callback, user_data);
}

gboolean
hangar_machine_delete_finish (HangarMachine  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  return hangar_machine_op_finish (self, result, hangar_machine_delete_async, error);
}

/* ------------------------------------------------------------------------ */
/* rename                                                                   */
/* ------------------------------------------------------------------------ */

static gboolean
check_new_name (const char  *name,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (hangar_machine_name_check (name, &local_error))
    return TRUE;
  g_set_error_literal (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NAME,
                       local_error->message);
  return FALSE;
}

/* A machine that is shut off, with no saved state: what renaming and
 * cloning need. */
static gboolean
check_shut_off (HangarMachineOp  *op,
                gboolean          for_clone,
                GError          **error)
{
  int state = hangar_machine_op_get_state (op, error);
  int saved;

  if (state < 0)
    return FALSE;
  if (state != VIR_DOMAIN_SHUTOFF && for_clone)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_STATE,
                                _("Shut “%s” down to clone it."), op->name);
  if (state != VIR_DOMAIN_SHUTOFF)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_STATE,
                                _("Shut “%s” down to rename it."), op->name);
  if (virDomainIsPersistent (op->dom) != 1)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                _("“%s” is only being tried out: keep it first."), op->name);
  saved = virDomainHasManagedSaveImage (op->dom, 0);
  if (saved < 0)
    return FAIL_LIBVIRT (op, _("Cannot read the state of “%s”: %s"), error);
  if (saved == 1)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_STATE,
                                _("“%s” has a saved state. Start it and shut it down, or discard "
                                  "the saved state, first."), op->name);
  return TRUE;
}

static gboolean
do_rename (HangarMachineOp  *op,
           GCancellable     *cancellable,
           GError          **error)
{
  const char *name = op->arg1;
  int n_snapshots;

  if (!check_new_name (name, error))
    return FALSE;
  if (g_strcmp0 (name, op->name) == 0)
    return TRUE;
  if (!check_shut_off (op, FALSE, error))
    return FALSE;

  n_snapshots = virDomainSnapshotNum (op->dom, 0);
  if (n_snapshots > 0)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                _("“%s” has snapshots, and libvirt cannot rename a machine "
                                  "with snapshots. Delete them to rename it."), op->name);
  if (hangar_libvirt_domain_name_taken (virDomainGetConnect (op->dom), name))
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NAME,
                                _("A machine named “%s” already exists."), name);

  if (virDomainRename (op->dom, name, 0) < 0)
    return FAIL_LIBVIRT (op, _("Cannot rename “%s”: %s"), error);
  return TRUE;
}

/**
 * hangar_machine_rename_async:
 * @self: a #HangarMachine
 * @new_name: the new name exactly as the user gave it: refused with the
 *   reason when hangar_machine_name_check() refuses it or another machine
 *   has it, never changed
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the machine has its new name
 * @user_data: data for @callback
 *
 * Renames a machine that is shut off (libvirt renames only those), has no
 * saved state and no snapshots. Its disk files keep their names. libvirt
 * reports the rename as the old domain undefined and a new one defined.
 */
void
hangar_machine_rename_async (HangarMachine       *self,
                             const char          *new_name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));
  g_return_if_fail (new_name != NULL);

  op = hangar_machine_op_new (self, do_rename);
  op->arg1 = g_strdup (new_name);
  hangar_machine_op_run (self, op, hangar_machine_rename_async, cancellable, callback, user_data);
}

gboolean
hangar_machine_rename_finish (HangarMachine  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  if (!hangar_machine_op_finish (self, result, hangar_machine_rename_async, error))
    return FALSE;
  hangar_machine_name_changed (self);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* clone                                                                    */
/* ------------------------------------------------------------------------ */

static void
drop_children (xmlNodePtr  parent,
               const char *name)
{
  xmlNodePtr next;

  for (xmlNodePtr child = parent != NULL ? parent->children : NULL; child != NULL; child = next)
    {
      next = child->next;
      if (is_element (child, name))
        {
          xmlUnlinkNode (child);
          xmlFreeNode (child);
        }
    }
}

static char *
volume_stem (const char *machine_name)
{
  g_autofree char *file = hangar_storage_volume_name_for (machine_name);

  return g_strndup (file, strlen (file) - strlen (".qcow2"));
}

/* A socket or log file named after the machine, STEM-what (as the creator
 * names its test console: STEM-serial.sock, STEM-serial.log), would be
 * shared with the original, and two QEMUs cannot bind one socket: the
 * clone's are named after it. */
static void
rename_files_of (xmlNodePtr  devices,
                 const char *new_stem)
{
  for (xmlNodePtr dev = devices != NULL ? devices->children : NULL; dev != NULL; dev = dev->next)
    {
      if (!is_element (dev, "serial") && !is_element (dev, "console") && !is_element (dev, "channel"))
        continue;
      for (xmlNodePtr child = dev->children; child != NULL; child = child->next)
        {
          const char *attr = is_element (child, "source") ? "path" :
                             is_element (child, "log") ? "file" : NULL;
          g_autofree char *value = NULL;
          g_autofree char *base = NULL;
          g_autofree char *dir = NULL;
          g_autofree char *renamed = NULL;
          g_autofree char *path = NULL;
          const char *what;

          if (attr == NULL || (value = hangar_xml_get_prop (child, attr)) == NULL)
            continue;
          base = g_path_get_basename (value);
          if ((what = strrchr (base, '-')) == NULL || what == base)
            continue;
          dir = g_path_get_dirname (value);
          renamed = g_strconcat (new_stem, what, NULL);
          path = g_build_filename (dir, renamed, NULL);
          xmlSetProp (child, BAD_CAST attr, BAD_CAST path);
        }
    }
}

static char *
reserve_clone_name (HangarMachineOp  *op,
                    GError          **error)
{
  g_autoptr(GHashTable) taken = NULL;
  g_autofree char *base = NULL;
  char *name;

  /* A name the user gave is used exactly or refused, never numbered. */
  if (op->arg1 != NULL && !check_new_name (op->arg1, error))
    return NULL;

  taken = hangar_libvirt_list_domain_names (virDomainGetConnect (op->dom));
  if (taken == NULL)
    {
      FAIL_LIBVIRT (op, _("Cannot list the machines to name the clone of “%s”: %s"), error);
      return NULL;
    }

  if (op->arg1 != NULL)
    {
      if (!hangar_machine_name_reserve_exact (op->arg1, taken))
        {
          hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NAME,
                               _("A machine named “%s” already exists."), op->arg1);
          return NULL;
        }
      return g_strdup (op->arg1);
    }

  /* The name Hangar picks: the original's, numbered ("Name" gives
   * "Name 2"), as a new machine's would be. */
  base = hangar_machine_name_from_default (op->name);
  if (*base == '\0' || !check_new_name (base, error))
    {
      if (*base == '\0')
        hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NAME,
                             _("Give the clone of “%s” a name."), op->name);
      return NULL;
    }
  name = hangar_machine_name_reserve (base, taken);
  if (name == NULL)
    hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NAME,
                         _("There are too many machines called “%s”. Choose another name."), base);
  return name;
}

/* How far a clone has got. The worker says which file it writes and how
 * much its source holds; a timer in the main thread looks at how much that
 * file holds so far (qemu-img writes the copy sparse, as the source is). */
typedef struct
{
  gatomicrefcount      ref;
  GMutex               lock;
  HangarPending       *pending;   /* the worker's: what the clone makes, written down */
  char                *target;    /* the copy being written, or NULL */
  guint64              before;    /* what the sources of finished copies hold */
  guint64              current;   /* what the source of @target holds */
  guint64              total;     /* what all the sources hold */

  /* The main thread's. */
  HangarProgressFunc   progress;
  gpointer             progress_data;
  double               reported;
  guint                timer;
  GCancellable        *query;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
} CloneWatch;

#define CLONE_WATCH_INTERVAL_MS 250

static CloneWatch *
clone_watch_ref (CloneWatch *watch)
{
  g_atomic_ref_count_inc (&watch->ref);
  return watch;
}

static void
clone_watch_unref (CloneWatch *watch)
{
  if (!g_atomic_ref_count_dec (&watch->ref))
    return;
  g_assert (watch->timer == 0);
  g_mutex_clear (&watch->lock);
  g_free (watch->target);
  g_clear_object (&watch->query);
  g_free (watch);
}

/* In the worker, as each copy begins. */
static void
clone_copy_started (const char *target_path,
                    guint64     source_bytes,
                    gpointer    user_data)
{
  CloneWatch *watch = user_data;

  hangar_pending_add_file (watch->pending, target_path);
  g_mutex_lock (&watch->lock);
  watch->before += watch->current;
  watch->current = source_bytes;
  g_free (watch->target);
  watch->target = g_strdup (target_path);
  g_mutex_unlock (&watch->lock);
}

static void
clone_watch_report (CloneWatch *watch,
                    double      fraction)
{
  if (watch->progress == NULL || fraction <= watch->reported)
    return;
  watch->reported = fraction;
  watch->progress (fraction, watch->progress_data);
}

static void
clone_watch_queried (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  CloneWatch *watch = user_data;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (object), result, NULL);
  gboolean cancelled = g_cancellable_is_cancelled (watch->query);

  g_clear_object (&watch->query);
  if (info != NULL && !cancelled)
    {
      guint64 written = g_file_info_get_attribute_uint64 (info,
                                                          G_FILE_ATTRIBUTE_STANDARD_ALLOCATED_SIZE);
      guint64 before, current, total;

      g_mutex_lock (&watch->lock);
      before = watch->before;
      current = watch->current;
      total = watch->total;
      g_mutex_unlock (&watch->lock);

      /* The copy's metadata can make it hold a little more than its
       * source: it is done only when libvirt says so. */
      if (total > 0)
        clone_watch_report (watch, MIN ((before + MIN (written, current)) / (double) total, 0.99));
    }
  clone_watch_unref (watch);
}

static gboolean
clone_watch_tick (gpointer user_data)
{
  CloneWatch *watch = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *target = NULL;

  /* One look at a time. */
  if (watch->query != NULL)
    return G_SOURCE_CONTINUE;

  g_mutex_lock (&watch->lock);
  target = g_strdup (watch->target);
  g_mutex_unlock (&watch->lock);
  if (target == NULL)
    return G_SOURCE_CONTINUE;

  file = g_file_new_for_path (target);
  watch->query = g_cancellable_new ();
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_ALLOCATED_SIZE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_LOW, watch->query, clone_watch_queried,
                           clone_watch_ref (watch));
  return G_SOURCE_CONTINUE;
}

/* The clone is over: the watch stops before the caller hears, so progress
 * is never told after the callback. */
static void
clone_ready (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CloneWatch *watch = user_data;

  g_clear_handle_id (&watch->timer, g_source_remove);
  if (watch->query != NULL)
    g_cancellable_cancel (watch->query);
  if (!g_task_had_error (G_TASK (result)))
    clone_watch_report (watch, 1.0);
  watch->progress = NULL;

  watch->callback (object, result, watch->user_data);
  clone_watch_unref (watch);
}

/* Clone, step 1: the original's definition, with what libvirt keeps
 * secret in it. */
static xmlDocPtr
clone_read_definition (HangarMachineOp  *op,
                       GError          **error)
{
  xmlDocPtr doc;
  char *xml;

  xml = virDomainGetXMLDesc (op->dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if (xml == NULL)
    {
      FAIL_LIBVIRT (op, _("Cannot read the definition of “%s”: %s"), error);
      return NULL;
    }
  doc = parse_xml (xml, op->name, error);
  free (xml);
  return doc;
}

/* Clone, step 2: every hard disk must be Hangar's to copy, since two
 * machines writing one image of the user's would ruin it. Each writable
 * disk's file is looked up, and what it holds counted for the progress.
 *
 * Returns: the writable and read-only hard disks, or NULL */
static GPtrArray *
clone_check_disks (HangarMachineOp  *op,
                   virConnectPtr     conn,
                   xmlDocPtr         doc,
                   CloneWatch       *watch,
                   GError          **error)
{
  g_autoptr(GPtrArray) disks = NULL;

  refresh_pool (conn);
  disks = collect_disks (doc);
  for (guint i = 0; i < disks->len; i++)
    {
      Disk *disk = g_ptr_array_index (disks, i);
      virStorageVolPtr vol = disk->readonly ? NULL : hangar_volume_for (conn, disk);

      if (vol != NULL)
        {
          char *path = virStorageVolGetPath (vol);
          virStorageVolInfo info;

          if (virStorageVolGetInfo (vol, &info) == 0)
            {
              g_mutex_lock (&watch->lock);
              watch->total += info.allocation;
              g_mutex_unlock (&watch->lock);
            }

          g_free (disk->path);
          disk->path = g_strdup (path);
          free (path);
          virStorageVolFree (vol);
        }
      else if (!disk->readonly)
        {
          hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                               _("“%s” uses the disk %s, which is not in Hangar’s storage: "
                                 "Hangar clones only its own disks."), op->name,
                               disk->path != NULL ? disk->path : disk->volume);
          return NULL;
        }
    }
  return g_steal_pointer (&disks);
}

/* Clone, step 4 (after the name): a full copy of each writable disk,
 * named after @name, and the definition's disks pointed at the copies,
 * which are added to @copies as they are made. */
static gboolean
clone_copy_disks (virConnectPtr     conn,
                  GPtrArray        *disks,
                  const char       *name,
                  CloneWatch       *watch,
                  GPtrArray        *copies,
                  GCancellable     *cancellable,
                  GError          **error)
{
  for (guint i = 0; i < disks->len; i++)
    {
      Disk *disk = g_ptr_array_index (disks, i);
      GVirStorageVol *copy;
      g_autofree char *path = NULL;

      if (disk->readonly)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      copy = hangar_storage_volume_clone (conn, disk->path, name, clone_copy_started, watch,
                                          cancellable, error);
      if (copy == NULL)
        return FALSE;
      g_ptr_array_add (copies, copy);
      if ((path = hangar_storage_volume_dup_path (copy, error)) == NULL)
        return FALSE;
      if (disk->volume != NULL)
        xmlSetProp (disk->source, BAD_CAST "volume", BAD_CAST gvir_storage_vol_get_name (copy));
      else
        xmlSetProp (disk->source, BAD_CAST "file", BAD_CAST path);
    }
  return TRUE;
}

/* Clone, step 5: the new machine's identity. libvirt makes a new UUID, new
 * MAC addresses and fresh UEFI variables (from the firmware's template)
 * for what is left out. */
static void
clone_rewrite_identity (xmlDocPtr   doc,
                        const char *name,
                        const char *uuid)
{
  xmlNodePtr root = xmlDocGetRootElement (doc);
  xmlNodePtr devices = hangar_xml_first_child (root, "devices");
  g_autofree char *new_stem = volume_stem (name);

  xmlNodeSetContent (hangar_xml_first_child (root, "name"), NULL);
  xmlNodeAddContent (hangar_xml_first_child (root, "name"), BAD_CAST name);
  drop_children (root, "uuid");
  xmlNewTextChild (root, NULL, BAD_CAST "uuid", BAD_CAST uuid);
  drop_children (hangar_xml_first_child (root, "os"), "nvram");
  for (xmlNodePtr dev = devices != NULL ? devices->children : NULL; dev != NULL; dev = dev->next)
    if (is_element (dev, "interface"))
      drop_children (dev, "mac");
  rename_files_of (devices, new_stem);
}

/* Clone, step 6: the new machine defined. */
static gboolean
clone_define (HangarMachineOp  *op,
              virConnectPtr     conn,
              xmlDocPtr         doc,
              GCancellable     *cancellable,
              GError          **error)
{
  xmlChar *out = NULL;
  virDomainPtr clone;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  xmlDocDumpMemory (doc, &out, NULL);
  clone = virDomainDefineXML (conn, (const char *) out);
  xmlFree (out);
  if (clone == NULL)
    return FAIL_LIBVIRT (op, _("Cannot define the clone of “%s”: %s"), error);
  virDomainFree (clone);
  return TRUE;
}

/* Clone, undone: the copies go when the clone could not be made. Returns
 * whether all went. */
static gboolean
clone_delete_copies (GPtrArray *copies)
{
  gboolean ok = TRUE;

  for (guint i = 0; i < copies->len; i++)
    {
      virStorageVolPtr vol = hangar_libvirt_dup_volume (g_ptr_array_index (copies, i));

      if (vol == NULL || hangar_storage_delete_vol (vol, NULL) < 0)
        {
          g_warning ("Cannot delete a copied disk after a failed clone: %s",
                     hangar_libvirt_last_message ());
          ok = FALSE;
        }
      if (vol != NULL)
        virStorageVolFree (vol);
    }
  return ok;
}

static gboolean
do_clone (HangarMachineOp  *op,
          GCancellable     *cancellable,
          GError          **error)
{
  virConnectPtr conn = virDomainGetConnect (op->dom);
  CloneWatch *watch = op->data;
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) disks = NULL;
  g_autofree char *name = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  xmlDocPtr doc;
  gboolean ok;

  if (!check_shut_off (op, TRUE, error) || (doc = clone_read_definition (op, error)) == NULL)
    return FALSE;

  /* Step 3 reserves the name: no other clone or new machine takes it
   * until libvirt knows it. */
  ok = (disks = clone_check_disks (op, conn, doc, watch, error)) != NULL &&
       (name = reserve_clone_name (op, error)) != NULL;
  if (ok)
    {
      g_autofree char *uri = hangar_pending_uri_of (conn);

      /* Written down before anything is made, for the next start to remove
       * should this process die (hangar-pending.c). */
      watch->pending = hangar_pending_begin (uri, name);
      hangar_pending_set_uuid (watch->pending, uuid);
      ok = clone_copy_disks (conn, disks, name, watch, copies, cancellable, error);
    }
  if (ok)
    {
      clone_rewrite_identity (doc, name, uuid);
      ok = clone_define (op, conn, doc, cancellable, error);
    }

  /* A copy that could not be deleted stays written down, for the next
   * start to remove. */
  if (!ok && !clone_delete_copies (copies))
    g_clear_pointer (&watch->pending, hangar_pending_leave);
  g_clear_pointer (&watch->pending, hangar_pending_end);
  if (name != NULL)
    hangar_machine_name_release (name);
  if (ok)
    op->result = g_steal_pointer (&name);
  xmlFreeDoc (doc);
  return ok;
}

/**
 * hangar_machine_clone_async:
 * @self: a #HangarMachine
 * @name: (nullable): the clone's name exactly as the user gave it (refused
 *   when invalid or taken, never changed); %NULL for the original's,
 *   numbered ("Name 2")
 * @progress: (nullable): told how much of the disks is copied, a few times a
 *   second, and 1 on success; never after @callback
 * @progress_data: data for @progress, valid until @callback is called
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the clone is defined
 * @user_data: data for @callback
 *
 * Defines a new machine like this one, which must be shut off without a
 * saved state: a full copy of each of its hard disks (all must be volumes of
 * Hangar's pool), a new name, UUID, MAC addresses and UEFI variables. On
 * failure, the copies made so far are deleted. Snapshots are not copied.
 */
void
hangar_machine_clone_async (HangarMachine       *self,
                            const char          *name,
                            HangarProgressFunc   progress,
                            gpointer             progress_data,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  HangarMachineOp *op;
  CloneWatch *watch;

  g_return_if_fail (HANGAR_IS_MACHINE (self));
  g_return_if_fail (callback != NULL);

  watch = g_new0 (CloneWatch, 1);
  g_atomic_ref_count_init (&watch->ref);
  g_mutex_init (&watch->lock);
  watch->progress = progress;
  watch->progress_data = progress_data;
  watch->callback = callback;
  watch->user_data = user_data;
  if (progress != NULL)
    watch->timer = g_timeout_add (CLONE_WATCH_INTERVAL_MS, clone_watch_tick, watch);

  op = hangar_machine_op_new (self, do_clone);
  op->arg1 = g_strdup (name);
  op->result_free = g_free;
  op->data = clone_watch_ref (watch);
  op->data_free = (GDestroyNotify) clone_watch_unref;
  hangar_machine_op_run (self, op, hangar_machine_clone_async, cancellable, clone_ready, watch);
}

/**
 * hangar_machine_clone_finish:
 *
 * Returns: (transfer full): the clone's name, or %NULL with @error set
 */
char *
hangar_machine_clone_finish (HangarMachine  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  return hangar_machine_op_finish_pointer (self, result, hangar_machine_clone_async, error);
}
