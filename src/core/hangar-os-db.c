/* hangar-os-db.c
 *
 * Loads libosinfo's database once, in a worker thread, for every window and
 * tool of the process; identifies media in worker threads against it.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-os-db"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <osinfo/osinfo.h>

#include "hangar-host.h"
#include "hangar-media-file.h"
#include "hangar-os-db.h"
#include "hangar-osinfo-private.h"

/* libosinfo 1.10 loses a few allocations while loading its database, and
 * the copy of the path in every osinfo_media_create_from_location(). GLib's
 * missing frame pointers cut LeakSanitizer's stacks to g_malloc, so no
 * suppression can name libosinfo: under the sanitizer, allocations made
 * inside those two calls alone are left out of leak checking. */
#if defined(__SANITIZE_ADDRESS__)
# include <sanitizer/lsan_interface.h>
# define LIBOSINFO_LEAKS_BEGIN() __lsan_disable ()
# define LIBOSINFO_LEAKS_END() __lsan_enable ()
#else
# define LIBOSINFO_LEAKS_BEGIN() G_STMT_START { } G_STMT_END
# define LIBOSINFO_LEAKS_END() G_STMT_START { } G_STMT_END
#endif

struct _HangarOsDb
{
  GObject       parent_instance;

  /* libosinfo is not documented as thread-safe: every use of the database
   * after loading, from any thread, holds this lock. */
  GMutex        lock;
  OsinfoLoader *loader;
  OsinfoDb     *db;

  gboolean      loading;
  GPtrArray    *load_waiters;   /* GTask *, each from hangar_os_db_load_async() */
  gboolean      listing;
  GPtrArray    *list_waiters;   /* GTask *, each from hangar_os_db_list_oses_async() */
  GPtrArray    *oses;           /* HangarOsProfile *, built once, then read-only */
};

G_DEFINE_FINAL_TYPE (HangarOsDb, hangar_os_db, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_os_db_finalize (GObject *object)
{
  HangarOsDb *self = HANGAR_OS_DB (object);

  /* A load in progress holds a reference: no waiters can be left. */
  g_assert (self->load_waiters->len == 0 && self->list_waiters->len == 0);
  g_ptr_array_unref (self->load_waiters);
  g_ptr_array_unref (self->list_waiters);
  g_clear_pointer (&self->oses, g_ptr_array_unref);
  g_clear_object (&self->loader);
  self->db = NULL;
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (hangar_os_db_parent_class)->finalize (object);
}

static void
hangar_os_db_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HangarOsDb *self = HANGAR_OS_DB (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, hangar_os_db_is_loaded (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_os_db_class_init (HangarOsDbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_os_db_finalize;
  object_class->get_property = hangar_os_db_get_property;

  /**
   * HangarOsDb:loaded:
   *
   * Whether the database has been loaded; notified once.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_os_db_init (HangarOsDb *self)
{
  g_mutex_init (&self->lock);
  self->load_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->list_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * hangar_os_db_new:
 *
 * A database of its own, not yet loaded. Most callers want
 * hangar_os_db_get_default(); tests make their own to measure a load.
 *
 * Returns: (transfer full): a new database
 */
HangarOsDb *
hangar_os_db_new (void)
{
  return g_object_new (HANGAR_TYPE_OS_DB, NULL);
}

/**
 * hangar_os_db_get_default:
 *
 * The process's database, shared by every window and tool: loading costs
 * hundreds of milliseconds and tens of megabytes, so it happens once.
 *
 * Returns: (transfer none): the shared database (loaded or not)
 */
HangarOsDb *
hangar_os_db_get_default (void)
{
  static HangarOsDb *default_db;

  if (g_once_init_enter (&default_db))
    g_once_init_leave (&default_db, hangar_os_db_new ());
  return default_db;
}

/**
 * hangar_os_db_is_loaded:
 *
 * Returns: %TRUE once a load has succeeded
 */
gboolean
hangar_os_db_is_loaded (HangarOsDb *self)
{
  g_return_val_if_fail (HANGAR_IS_OS_DB (self), FALSE);
  return self->db != NULL;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(OsinfoLoader) loader = osinfo_loader_new ();
  g_autoptr(OsinfoOsList) oses = NULL;
  g_autoptr(GError) error = NULL;

  LIBOSINFO_LEAKS_BEGIN ();
  osinfo_loader_process_default_path (loader, &error);
  LIBOSINFO_LEAKS_END ();
  if (error != NULL)
    {
      g_task_return_new_error (task, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_DATABASE,
                               _("The operating system database could not be loaded (%s). "
                                 "Reinstall the osinfo-db package."), error->message);
      return;
    }

  oses = osinfo_db_get_os_list (osinfo_loader_get_db (loader));
  if (osinfo_list_get_length (OSINFO_LIST (oses)) == 0)
    {
      g_task_return_new_error (task, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_DATABASE,
                               _("The operating system database is empty. Install the "
                                 "osinfo-db package."));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&loader), g_object_unref);
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  HangarOsDb *self = HANGAR_OS_DB (object);
  g_autoptr(GPtrArray) waiters = NULL;
  g_autoptr(GError) error = NULL;
  OsinfoLoader *loader;

  loader = g_task_propagate_pointer (G_TASK (result), &error);
  self->loading = FALSE;
  if (loader != NULL)
    {
      g_mutex_lock (&self->lock);
      self->loader = loader;
      self->db = osinfo_loader_get_db (loader);
      g_mutex_unlock (&self->lock);
    }
  else
    g_warning ("%s", error->message);

  /* Waiters may start another load from their callbacks. */
  waiters = g_steal_pointer (&self->load_waiters);
  self->load_waiters = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_boolean (waiter, TRUE);
    }

  if (loader != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

/**
 * hangar_os_db_load_async:
 *
 * Loads the database in a worker thread. Calls made while a load runs wait
 * for the same load; calls after it succeeded complete at once. Cancelling
 * one caller's @cancellable stops its wait, not the load others share. A
 * failed load is tried again by the next call.
 */
void
hangar_os_db_load_async (HangarOsDb          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_OS_DB (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_os_db_load_async);

  if (self->db != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_ptr_array_add (self->load_waiters, g_steal_pointer (&task));

  if (!self->loading)
    {
      g_autoptr(GTask) load = g_task_new (self, NULL, load_done, NULL);

      self->loading = TRUE;
      g_task_set_source_tag (load, load_thread);
      g_task_run_in_thread (load, load_thread);
    }
}

/**
 * hangar_os_db_load_finish:
 *
 * Returns: %TRUE when the database is loaded; %FALSE with
 *   %HANGAR_MEDIA_ERROR_DATABASE or %G_IO_ERROR_CANCELLED
 */
gboolean
hangar_os_db_load_finish (HangarOsDb    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (HANGAR_IS_OS_DB (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_os_db_load_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Identification ---------------------------------------------------------- */

typedef struct
{
  char *path;
} IdentifyData;

static void
identify_data_free (IdentifyData *data)
{
  g_free (data->path);
  g_free (data);
}

static char *
dup_nonempty (const char *s)
{
  return s != NULL && *s != '\0' ? g_strdup (s) : NULL;
}

static gboolean
says_live (const char *volume_id)
{
  g_autofree char *folded = volume_id != NULL ? g_ascii_strdown (volume_id, -1) : NULL;

  return folded != NULL && strstr (folded, "live") != NULL;
}

/* Media newer than the database: the family's newest OS stands in, marked as
 * a guess. @placeholder_media is the medium matched to a placeholder entry
 * (fedora-unknown), whose live/installer flags and architecture hold. */
static HangarOsProfile *
guess_profile (HangarOsDb               *self,
               const char               *distro,
               const char               *family_name,
               const HangarMediaFamily  *family,
               const char               *volume_id,
               OsinfoMedia              *placeholder_media,
               char                    **guessed_name,
               char                    **guess_reason)
{
  g_autoptr(OsinfoOs) newest = hangar_osinfo_newest_of_family (self->db, distro, family);
  g_autofree char *version = hangar_media_version_from_volume_id (family, volume_id);
  g_autofree char *arch = NULL;
  HangarOsProfile *profile;

  if (newest == NULL)
    return NULL;

  if (placeholder_media != NULL)
    arch = g_strdup (osinfo_media_get_architecture (placeholder_media));
  if (arch == NULL)
    arch = hangar_media_arch_from_volume_id (volume_id);

  profile = hangar_osinfo_profile_new (newest, NULL, arch, NULL);
  profile->guessed = TRUE;
  /* The stand-in's install scripts were written for another release. */
  profile->unattended = FALSE;
  if (placeholder_media != NULL)
    {
      profile->live = osinfo_media_get_live (placeholder_media);
      profile->installer = osinfo_media_get_installer (placeholder_media);
    }
  else
    {
      int live, installer;

      hangar_osinfo_media_flags (newest, profile->arch, &live, &installer);
      profile->live = live >= 0 ? live : says_live (volume_id);
      profile->installer = installer >= 0 ? installer : TRUE;
    }

  *guessed_name = version != NULL ? g_strdup_printf ("%s %s", family_name, version)
                                  : g_strdup (family_name);
  /* Translators: the first %s is an ISO image's label, such as “Fedora-WS-Live-45-1-2”;
   * the second what Hangar takes it for (“Fedora 45”), the third an OS name (“Fedora 37”). */
  *guess_reason = g_strdup_printf (_("The image’s label “%s” names %s, which is newer than this "
                                     "computer’s operating system database. Hangar uses the "
                                     "settings of %s, the newest version it knows."),
                                   volume_id, *guessed_name, profile->name);
  return profile;
}

static void
identify_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  HangarOsDb *self = HANGAR_OS_DB (source_object);
  IdentifyData *data = task_data;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(OsinfoMedia) media = NULL;
  g_autoptr(OsinfoOs) os = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *volume_id = NULL;
  g_autofree char *system_id = NULL;
  g_autofree char *publisher_id = NULL;
  g_autofree char *application_id = NULL;
  g_autofree char *variant_name = NULL;
  g_autofree char *guessed_name = NULL;
  g_autofree char *guess_reason = NULL;
  g_autoptr(HangarMediaFile) file = NULL;
  HangarMedia *result;
  HangarOsProfile *profile = NULL;
  gboolean identified = FALSE;

  /* The very file the path leads to now is the one identified and
   * recorded: a symlink re-pointed later changes nothing. A path that
   * leads nowhere gets check_file()'s reasons. */
  file = hangar_media_file_resolve (data->path, NULL);
  if (file != NULL)
    {
      g_free (data->path);
      data->path = g_strdup (file->path);
    }
  if (!hangar_media_check_file (data->path, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The synchronous libosinfo call runs a main loop on the thread-default
   * context: without one of our own it would iterate the UI thread's. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  LIBOSINFO_LEAKS_BEGIN ();
  media = osinfo_media_create_from_location (data->path, cancellable, &error);
  LIBOSINFO_LEAKS_END ();
  g_main_context_pop_thread_default (context);

  if (media == NULL)
    {
      g_autoptr(GError) ours = NULL;

      hangar_media_set_error_from_osinfo (&ours, data->path, error);
      g_task_return_error (task, g_steal_pointer (&ours));
      return;
    }

  if (!osinfo_media_is_bootable (media))
    {
      g_autoptr(GError) ours = NULL;

      hangar_media_set_not_bootable_error (&ours, data->path);
      g_task_return_error (task, g_steal_pointer (&ours));
      return;
    }

  /* Matching fills the medium with the database entry's patterns: keep what
   * the image itself says first. */
  volume_id = dup_nonempty (osinfo_media_get_volume_id (media));
  system_id = dup_nonempty (osinfo_media_get_system_id (media));
  publisher_id = dup_nonempty (osinfo_media_get_publisher_id (media));
  application_id = dup_nonempty (osinfo_media_get_application_id (media));

  g_mutex_lock (&self->lock);

  if (osinfo_db_identify_media (self->db, media))
    os = osinfo_media_get_os (media);

  if (os != NULL && hangar_osinfo_os_is_placeholder (os))
    {
      const char *distro = osinfo_os_get_distro (os);
      const HangarMediaFamily *family = hangar_media_family_for_distro (distro);
      const char *family_name = family != NULL ? family->family_name
                                               : osinfo_product_get_name (OSINFO_PRODUCT (os));

      profile = guess_profile (self, distro, family_name, family, volume_id, media,
                               &guessed_name, &guess_reason);
    }
  else if (os != NULL)
    {
      profile = hangar_osinfo_profile_new (os, media, NULL, &variant_name);
      identified = TRUE;
    }
  else
    {
      const HangarMediaFamily *family = hangar_media_family_guess (volume_id, NULL);

      if (family != NULL)
        profile = guess_profile (self, family->distro, family->family_name, family, volume_id,
                                 NULL, &guessed_name, &guess_reason);
    }

  g_mutex_unlock (&self->lock);

  if (profile == NULL)
    {
      g_autofree char *arch = hangar_media_arch_from_volume_id (volume_id);

      profile = hangar_os_profile_new_generic ();
      if (arch != NULL)
        {
          g_free (profile->arch);
          profile->arch = g_steal_pointer (&arch);
        }
      profile->live = says_live (volume_id);
    }

  if (g_task_return_error_if_cancelled (task))
    {
      hangar_os_profile_free (profile);
      return;
    }

  result = hangar_media_new (data->path, volume_id, system_id, publisher_id, application_id,
                             profile, identified, variant_name, guessed_name, guess_reason,
                             hangar_host_get_arch ());
  if (file != NULL)
    hangar_media_set_file (result, file->identity, file->warning);
  g_task_return_pointer (task, result, g_object_unref);
}

static void
identify_loaded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_os_db_load_finish (HANGAR_OS_DB (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_run_in_thread (task, identify_thread);
}

/**
 * hangar_os_db_identify_async:
 * @path: a file (an ISO image) or block device
 *
 * Identifies a medium in a worker thread, loading the database first if
 * needed: the file's checks (hangar_media_check_file()), libosinfo's reading
 * of its headers, the match, and the profile.
 */
void
hangar_os_db_identify_async (HangarOsDb          *self,
                             const char          *path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  IdentifyData *data;

  g_return_if_fail (HANGAR_IS_OS_DB (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (IdentifyData, 1);
  data->path = g_canonicalize_filename (path, NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_os_db_identify_async);
  g_task_set_task_data (task, data, (GDestroyNotify) identify_data_free);

  if (self->db != NULL)
    g_task_run_in_thread (task, identify_thread);
  else
    hangar_os_db_load_async (self, cancellable, identify_loaded, g_steal_pointer (&task));
}

/**
 * hangar_os_db_identify_finish:
 *
 * Returns: (transfer full): the medium — identified, guessed, or unknown with
 *   the generic profile — or %NULL with a %HANGAR_MEDIA_ERROR (or
 *   %G_IO_ERROR_CANCELLED)
 */
HangarMedia *
hangar_os_db_identify_finish (HangarOsDb    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (HANGAR_IS_OS_DB (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_os_db_identify_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Profiles ---------------------------------------------------------------- */

static int
compare_profiles (gconstpointer a,
                  gconstpointer b,
                  gpointer      keys)
{
  const HangarOsProfile *pa = *(HangarOsProfile * const *) a;
  const HangarOsProfile *pb = *(HangarOsProfile * const *) b;

  return strcmp (g_hash_table_lookup (keys, pa), g_hash_table_lookup (keys, pb));
}

/* Some 800 profiles take the better part of a second: the lock is taken per
 * OS, so identifications running meanwhile wait for one profile at most. */
static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HangarOsDb *self = HANGAR_OS_DB (source_object);
  g_autoptr(GHashTable) keys = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GPtrArray) oses =
    g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_os_profile_free);
  g_autoptr(OsinfoOsList) list = NULL;
  gint n;

  g_mutex_lock (&self->lock);
  list = osinfo_db_get_os_list (self->db);
  g_mutex_unlock (&self->lock);
  n = osinfo_list_get_length (OSINFO_LIST (list));

  for (gint i = 0; i < n; i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));
      HangarOsProfile *profile = NULL;

      g_mutex_lock (&self->lock);
      if (hangar_osinfo_os_is_listed (os))
        profile = hangar_osinfo_profile_new (os, NULL, NULL, NULL);
      g_mutex_unlock (&self->lock);

      if (profile == NULL)
        continue;
      g_hash_table_insert (keys, profile, g_utf8_collate_key_for_filename (profile->name, -1));
      g_ptr_array_add (oses, profile);
    }

  g_ptr_array_sort_with_data (oses, compare_profiles, keys);
  g_task_return_pointer (task, g_steal_pointer (&oses), (GDestroyNotify) g_ptr_array_unref);
}

static void
return_list (HangarOsDb   *self,
             const GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->list_waiters);

  self->list_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_pointer (waiter, g_ptr_array_ref (self->oses),
                               (GDestroyNotify) g_ptr_array_unref);
    }
}

static void
list_built (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HangarOsDb *self = HANGAR_OS_DB (object);

  self->listing = FALSE;
  self->oses = g_task_propagate_pointer (G_TASK (result), NULL);
  g_assert (self->oses != NULL);
  return_list (self, NULL);
}

static void
list_loaded (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  HangarOsDb *self = HANGAR_OS_DB (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) build = NULL;

  if (!hangar_os_db_load_finish (self, result, &error))
    {
      self->listing = FALSE;
      return_list (self, error);
      return;
    }

  build = g_task_new (self, NULL, list_built, NULL);
  g_task_set_source_tag (build, list_thread);
  g_task_run_in_thread (build, list_thread);
}

/**
 * hangar_os_db_list_oses_async:
 *
 * Builds, in a worker thread and once for the process, the OSes a user can
 * pick by hand when a medium is not recognised: every released, rolling or
 * prerelease x86 OS in the database (no placeholders, no CI snapshots),
 * sorted by name as a person would ("Fedora 9" before "Fedora 10"). Loads
 * the database first if needed. Callers while it is built share the build.
 */
void
hangar_os_db_list_oses_async (HangarOsDb          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_OS_DB (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_os_db_list_oses_async);

  if (self->oses != NULL)
    {
      g_task_return_pointer (task, g_ptr_array_ref (self->oses),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  g_ptr_array_add (self->list_waiters, g_steal_pointer (&task));
  if (!self->listing)
    {
      self->listing = TRUE;
      hangar_os_db_load_async (self, NULL, list_loaded, NULL);
    }
}

/**
 * hangar_os_db_list_oses_finish:
 *
 * Returns: (transfer container) (element-type HangarOsProfile): the
 *   profiles, shared and not to be modified; %NULL with an error
 */
GPtrArray *
hangar_os_db_list_oses_finish (HangarOsDb    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (HANGAR_IS_OS_DB (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_os_db_list_oses_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hangar_os_db_list_oses:
 *
 * The list hangar_os_db_list_oses_async() built, without waiting.
 *
 * Returns: (transfer container) (element-type HangarOsProfile) (nullable):
 *   the profiles, or %NULL until built
 */
GPtrArray *
hangar_os_db_list_oses (HangarOsDb *self)
{
  g_return_val_if_fail (HANGAR_IS_OS_DB (self), NULL);

  return self->oses != NULL ? g_ptr_array_ref (self->oses) : NULL;
}

static OsinfoOs *
find_os (OsinfoDb   *db,
         const char *short_id_or_id)
{
  g_autoptr(OsinfoOsList) list = NULL;
  OsinfoOs *os = osinfo_db_get_os (db, short_id_or_id);

  if (os != NULL)
    return g_object_ref (os);

  list = osinfo_db_get_os_list (db);
  for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoProduct *product = OSINFO_PRODUCT (osinfo_list_get_nth (OSINFO_LIST (list), i));
      g_autoptr(GList) short_ids = osinfo_product_get_short_id_list (product);

      for (GList *l = short_ids; l != NULL; l = l->next)
        if (g_strcmp0 (l->data, short_id_or_id) == 0)
          return g_object_ref (OSINFO_OS (product));
    }

  return NULL;
}

/**
 * hangar_os_db_profile_for_id:
 * @short_id_or_id: a short-id ("fedora37", or an alias such as
 *   "ubuntujammy") or a full id ("http://fedoraproject.org/fedora/37")
 *
 * The profile of an OS picked by hand, for its x86_64 media (i686 for an OS
 * with only 32-bit media), not live, an installer.
 *
 * Returns: (transfer full) (nullable): the profile, or %NULL for an unknown
 *   id or before the database is loaded
 */
HangarOsProfile *
hangar_os_db_profile_for_id (HangarOsDb *self,
                             const char *short_id_or_id)
{
  g_autoptr(OsinfoOs) os = NULL;
  HangarOsProfile *profile = NULL;

  g_return_val_if_fail (HANGAR_IS_OS_DB (self), NULL);
  g_return_val_if_fail (short_id_or_id != NULL, NULL);

  if (self->db == NULL)
    return NULL;

  g_mutex_lock (&self->lock);
  os = find_os (self->db, short_id_or_id);
  if (os != NULL)
    profile = hangar_osinfo_profile_new (os, NULL, NULL, NULL);
  g_mutex_unlock (&self->lock);

  return profile;
}
