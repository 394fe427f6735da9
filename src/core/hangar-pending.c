/* hangar-pending.c
 *
 * What is being made, written down before it is made: while a creation,
 * clone or import runs, a record in `$XDG_STATE_HOME/hangar/pending/` names
 * the connection, the process (pid, its start time and the boot it runs in),
 * the machine's UUID (chosen by Hangar before the definition) and the disk
 * files it makes in Hangar's pool. The record goes when the operation ends,
 * done or undone. A record whose process is gone (killed, a power cut) marks
 * what nobody will finish: the next Hangar or hangarctl on that connection
 * removes that machine and those files, and says so.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-pending"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hangar-libvirt.h"
#include "hangar-pending.h"
#include "hangar-storage-pool-private.h"
#include "hangar-throwaway.h"

#define GROUP "Pending"
#define SUFFIX ".pending"

/* Everything a machine leaves besides its definition. */
#define UNDEFINE_FLAGS (VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_TPM |            \
                        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |                               \
                        VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |                         \
                        VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA)

struct _HangarPending
{
  char     *path;
  GKeyFile *record;
};

/**
 * hangar_pending_dir:
 *
 * Returns: (transfer full): `$XDG_STATE_HOME/hangar/pending`
 */
char *
hangar_pending_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "hangar", "pending", NULL);
}

/**
 * hangar_pending_boot_id:
 *
 * Returns: (transfer full): the kernel's id of this boot, or "" when unknown
 */
char *
hangar_pending_boot_id (void)
{
  char *contents = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &contents, NULL, NULL))
    return g_strdup ("");
  return g_strstrip (contents);
}

/**
 * hangar_pending_process_start:
 * @pid: a process
 *
 * When @pid started, in clock ticks since boot: with the boot id, what tells
 * a process from a later one that got its number.
 *
 * Returns: the start time, or 0 when there is no such process
 */
guint64
hangar_pending_process_start (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &contents, NULL, NULL) ||
      (after_name = strrchr (contents, ')')) == NULL)
    return 0;
  /* After the name: state (field 3) … starttime (field 22). */
  fields = g_strsplit (after_name + 2, " ", 21);
  if (g_strv_length (fields) < 21)
    return 0;
  return g_ascii_strtoull (fields[19], NULL, 10);
}

/**
 * hangar_pending_owner_alive:
 * @record: a pending record
 *
 * Returns: whether the process that wrote @record still runs: same boot,
 *   same pid, same start time
 */
gboolean
hangar_pending_owner_alive (GKeyFile *record)
{
  g_autofree char *boot = g_key_file_get_string (record, GROUP, "BootId", NULL);
  g_autofree char *this_boot = hangar_pending_boot_id ();
  gint64 pid = g_key_file_get_int64 (record, GROUP, "Pid", NULL);
  guint64 start = g_key_file_get_uint64 (record, GROUP, "ProcessStart", NULL);

  if (boot == NULL || !g_str_equal (boot, this_boot) || pid <= 0 || pid > G_MAXINT)
    return FALSE;
  return hangar_pending_process_start ((GPid) pid) == start && start != 0;
}

static void
save (HangarPending *self)
{
  g_autoptr(GError) error = NULL;

  if (!g_key_file_save_to_file (self->record, self->path, &error))
    g_warning ("Cannot write down what is being made: %s", error->message);
  else
    g_chmod (self->path, 0600);
}

/**
 * hangar_pending_uri_of:
 * @conn: an open connection
 *
 * Returns: (transfer full): the URI the records name @conn by: libvirt's own
 */
char *
hangar_pending_uri_of (virConnectPtr conn)
{
  char *raw = virConnectGetURI (conn);
  char *uri = g_strdup (raw != NULL ? raw : "");

  free (raw);
  return uri;
}

/**
 * hangar_pending_begin:
 * @uri: the connection the machine is made on (hangar_pending_uri_of())
 * @machine: its name, for the message that says it was removed
 *
 * Writes down that this process makes a machine. Blocking.
 *
 * Returns: (transfer full): the record, for hangar_pending_end()
 */
HangarPending *
hangar_pending_begin (const char *uri,
                      const char *machine)
{
  HangarPending *self = g_new0 (HangarPending, 1);
  g_autofree char *dir = hangar_pending_dir ();
  g_autofree char *boot = hangar_pending_boot_id ();
  g_autofree char *random = g_uuid_string_random ();
  g_autofree char *file = g_strdup_printf ("%d-%s" SUFFIX, (int) getpid (), random);

  if (g_mkdir_with_parents (dir, 0700) < 0)
    g_warning ("Cannot create %s: %s", dir, g_strerror (errno));
  self->path = g_build_filename (dir, file, NULL);
  self->record = g_key_file_new ();
  g_key_file_set_string (self->record, GROUP, "Uri", uri);
  g_key_file_set_string (self->record, GROUP, "Machine", machine);
  g_key_file_set_int64 (self->record, GROUP, "Pid", getpid ());
  g_key_file_set_string (self->record, GROUP, "BootId", boot);
  g_key_file_set_uint64 (self->record, GROUP, "ProcessStart",
                         hangar_pending_process_start (getpid ()));
  save (self);
  return self;
}

/**
 * hangar_pending_set_uuid:
 *
 * The UUID the machine will have: written down before it is defined.
 */
void
hangar_pending_set_uuid (HangarPending *self,
                         const char    *uuid)
{
  if (self == NULL)
    return;
  g_key_file_set_string (self->record, GROUP, "Uuid", uuid);
  save (self);
}

/**
 * hangar_pending_add_file:
 * @path: a disk file in Hangar's pool that no file had before
 *
 * A disk this operation makes: written down before it is made.
 */
void
hangar_pending_add_file (HangarPending *self,
                         const char    *path)
{
  g_auto(GStrv) files = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  if (self == NULL)
    return;
  files = g_key_file_get_string_list (self->record, GROUP, "Files", NULL, NULL);
  if (files != NULL)
    g_strv_builder_addv (builder, (const char **) files);
  g_strv_builder_add (builder, path);
  updated = g_strv_builder_end (builder);
  g_key_file_set_string_list (self->record, GROUP, "Files", (const char * const *) updated,
                              g_strv_length (updated));
  save (self);
}

/**
 * hangar_pending_end:
 * @self: (transfer full) (nullable): a record
 *
 * The operation is over, done or undone: its record goes.
 */
void
hangar_pending_end (HangarPending *self)
{
  if (self == NULL)
    return;
  if (g_unlink (self->path) < 0 && errno != ENOENT)
    g_warning ("Cannot remove %s: %s", self->path, g_strerror (errno));
  g_key_file_free (self->record);
  g_free (self->path);
  g_free (self);
}

static void
end_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  hangar_pending_end (task_data);
  g_task_return_boolean (task, TRUE);
}

/**
 * hangar_pending_end_async:
 * @self: (transfer full) (nullable): a record
 * @callback: (nullable): called once the record is gone
 * @user_data: data for @callback
 *
 * hangar_pending_end() in a worker thread, for the caller's thread. Say an
 * operation is done only from @callback: until then the record names what
 * it made, and a process exiting before would leave it to be cleaned.
 */
void
hangar_pending_end_async (HangarPending       *self,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (task, hangar_pending_end_async);
  /* Always run: the thread takes it. */
  g_task_set_task_data (task, self, NULL);
  g_task_run_in_thread (task, end_thread);
}

/**
 * hangar_pending_leave:
 * @self: (transfer full) (nullable): a record
 *
 * The operation is over, but left something it could not undo: its record
 * stays for the next start to finish the job.
 */
void
hangar_pending_leave (HangarPending *self)
{
  if (self == NULL)
    return;
  g_key_file_free (self->record);
  g_free (self->path);
  g_free (self);
}

/* The files that records of running processes name: theirs, untouched. */
static GHashTable *
files_of_living (GPtrArray *records)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < records->len; i++)
    {
      GKeyFile *record = g_ptr_array_index (records, i);
      g_auto(GStrv) list = NULL;

      if (!hangar_pending_owner_alive (record))
        continue;
      list = g_key_file_get_string_list (record, GROUP, "Files", NULL, NULL);
      for (guint j = 0; list != NULL && list[j] != NULL; j++)
        g_hash_table_add (files, g_strdup (list[j]));
    }
  return files;
}

/* Whether any defined or running machine names @path in its definition. */
static gboolean
used_by_a_machine (virConnectPtr  conn,
                   const char    *path)
{
  virDomainPtr *domains = NULL;
  int n = virConnectListAllDomains (conn, &domains, 0);
  gboolean used = n < 0;   /* unknown: used */
  g_autofree char *escaped = g_markup_escape_text (path, -1);

  for (int i = 0; i < n; i++)
    {
      char *xml = virDomainGetXMLDesc (domains[i], VIR_DOMAIN_XML_INACTIVE);

      if (xml == NULL || strstr (xml, escaped) != NULL)
        used = TRUE;
      free (xml);
      virDomainFree (domains[i]);
    }
  free (domains);
  return used;
}

/* The machine of a dead record: stopped and undefined. */
static gboolean
clean_machine (virConnectPtr  conn,
               const char    *uuid,
               GString       *why)
{
  virDomainPtr domain = virDomainLookupByUUIDString (conn, uuid);
  gboolean ok = TRUE;

  if (domain == NULL)
    {
      if (virGetLastErrorCode () == VIR_ERR_NO_DOMAIN)
        return TRUE;
      g_string_append (why, hangar_libvirt_last_message ());
      return FALSE;
    }
  if (virDomainIsActive (domain) == 1 && virDomainDestroy (domain) < 0 &&
      virDomainIsActive (domain) != 0)
    ok = FALSE;
  if (ok && virDomainIsPersistent (domain) == 1 &&
      virDomainUndefineFlags (domain, UNDEFINE_FLAGS) < 0)
    ok = FALSE;
  if (!ok)
    g_string_append (why, hangar_libvirt_last_message ());
  virDomainFree (domain);
  return ok;
}

/* A disk file of a dead record, when it is in Hangar's pool and nobody
 * uses it: the volume, or the bare file libvirt does not list yet. */
static gboolean
clean_file (virConnectPtr  conn,
            const char    *path,
            const char    *pool_dir,
            GHashTable    *living,
            GString       *why)
{
  virStorageVolPtr vol;
  g_autofree char *dir = g_path_get_dirname (path);
  gboolean ok = TRUE;

  if (!g_file_test (path, G_FILE_TEST_EXISTS) || g_hash_table_contains (living, path))
    return TRUE;
  /* Never a file outside Hangar's pool, nor one a machine uses. */
  if (pool_dir == NULL || !g_str_equal (dir, pool_dir) || used_by_a_machine (conn, path))
    return TRUE;

  vol = hangar_storage_pool_keep_own (virStorageVolLookupByPath (conn, path));
  if (vol != NULL)
    {
      if (hangar_storage_delete_vol (vol, NULL) < 0)
        {
          g_string_append (why, hangar_libvirt_last_message ());
          ok = FALSE;
        }
      virStorageVolFree (vol);
    }
  else if (g_unlink (path) < 0 && errno != ENOENT)
    {
      g_string_append (why, g_strerror (errno));
      ok = FALSE;
    }
  return ok;
}

static char *
read_pool_dir (virConnectPtr conn)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, HANGAR_STORAGE_POOL_NAME);
  char *xml;
  char *dir = NULL;
  const char *start, *end;

  if (pool == NULL)
    return NULL;
  hangar_storage_pool_refresh_raw (pool);
  xml = virStoragePoolGetXMLDesc (pool, 0);
  /* <target><path>DIR</path>: the one path element of a directory pool. */
  if (xml != NULL && (start = strstr (xml, "<target>")) != NULL &&
      (start = strstr (start, "<path>")) != NULL && (end = strstr (start, "</path>")) != NULL)
    dir = g_strndup (start + strlen ("<path>"), end - start - strlen ("<path>"));
  free (xml);
  virStoragePoolFree (pool);
  return dir;
}

/**
 * hangar_pending_clean:
 * @conn: an open connection
 *
 * Removes what processes that are gone left half-made on @uri: the machine
 * their record names by UUID, and the files it names that are in Hangar's
 * pool and no machine uses. A record stays when something could not be
 * removed. Also the overlays that runs without saving changes left
 * (hangar_throwaway_clean()). Blocking.
 *
 * Returns: (transfer full): one sentence per record or overlay handled, for
 *   the user
 */
GStrv
hangar_pending_clean (virConnectPtr conn)
{
  g_autofree char *uri = hangar_pending_uri_of (conn);
  g_autofree char *dir = hangar_pending_dir ();
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_key_file_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GStrvBuilder) messages = g_strv_builder_new ();
  g_autoptr(GHashTable) living = NULL;
  g_autofree char *pool_dir = NULL;
  g_auto(GStrv) overlays = NULL;
  const char *name;

  /* Runs without saving changes whose end libvirt missed (hangar-throwaway.c). */
  overlays = hangar_throwaway_clean (conn);
  g_strv_builder_addv (messages, (const char **) overlays);

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GKeyFile *record = g_key_file_new ();

      if (!g_str_has_suffix (name, SUFFIX) ||
          !g_key_file_load_from_file (record, path, G_KEY_FILE_NONE, NULL))
        {
          g_key_file_free (record);
          continue;
        }
      g_ptr_array_add (records, record);
      g_ptr_array_add (paths, g_steal_pointer (&path));
    }
  if (records->len == 0)
    return g_strv_builder_end (messages);

  living = files_of_living (records);
  for (guint i = 0; i < records->len; i++)
    {
      GKeyFile *record = g_ptr_array_index (records, i);
      g_autofree char *record_uri = g_key_file_get_string (record, GROUP, "Uri", NULL);
      g_autofree char *machine = g_key_file_get_string (record, GROUP, "Machine", NULL);
      g_autofree char *uuid = g_key_file_get_string (record, GROUP, "Uuid", NULL);
      g_auto(GStrv) files = g_key_file_get_string_list (record, GROUP, "Files", NULL, NULL);
      g_autoptr(GString) why = g_string_new (NULL);
      g_autofree char *message = NULL;
      gboolean ok = TRUE;

      if (g_strcmp0 (record_uri, uri) != 0 || hangar_pending_owner_alive (record))
        continue;

      if (pool_dir == NULL)
        pool_dir = read_pool_dir (conn);
      if (uuid != NULL)
        ok = clean_machine (conn, uuid, why);
      for (guint j = 0; ok && files != NULL && files[j] != NULL; j++)
        ok = clean_file (conn, files[j], pool_dir, living, why);

      if (ok)
        {
          g_unlink (g_ptr_array_index (paths, i));
          message = g_strdup_printf (_("Removed “%s”, which an interrupted Hangar left "
                                       "half-made."), machine != NULL ? machine : "");
        }
      else
        message = g_strdup_printf (_("Cannot remove “%s”, which an interrupted Hangar left "
                                     "half-made: %s"), machine != NULL ? machine : "", why->str);
      g_strv_builder_add (messages, message);
    }
  return g_strv_builder_end (messages);
}

static void
clean_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  HangarConnection *connection = task_data;
  virConnectPtr conn = hangar_connection_dup_handle (connection);

  if (conn == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The connection to libvirt is not open."));
      return;
    }
  g_task_return_pointer (task, hangar_pending_clean (conn), (GDestroyNotify) g_strfreev);
  virConnectClose (conn);
}

/**
 * hangar_pending_clean_async:
 * @connection: an open connection
 *
 * hangar_pending_clean() in a worker thread.
 */
void
hangar_pending_clean_async (HangarConnection    *connection,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_CONNECTION (connection));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_pending_clean_async);
  g_task_set_task_data (task, g_object_ref (connection), g_object_unref);
  g_task_run_in_thread (task, clean_thread);
}

/**
 * hangar_pending_clean_finish:
 *
 * Returns: (transfer full): what was removed, or could not be, one sentence each
 */
GStrv
hangar_pending_clean_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
