/* hangar-vm-creator.c
 *
 * Makes a machine from an OS profile and the user's settings: a free name, the
 * storage pool, a disk, the configuration from the pure builder, the
 * definition and the first start, all in one worker thread, and undoes every
 * step done so far when any step fails or the caller cancels. "Try it"
 * machines are transient domains with no disk, gone when they stop.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-creator"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include "hangar-connection.h"
#include "hangar-libvirt.h"
#include "hangar-machine-name.h"
#include "hangar-pending.h"
#include "hangar-storage-pool-private.h"
#include "hangar-storage-volume.h"
#include "hangar-vm-config.h"
#include "hangar-vm-creator.h"
#include "hangar-media-file.h"

#define GIB (G_GUINT64_CONSTANT (1) << 30)

/* How many times the rollback tries to connect again after the daemon died. */
#define REOPEN_ATTEMPTS 5

/* Everything a machine leaves besides its definition. */
#define UNDEFINE_FLAGS (VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_TPM |            \
                        VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |                               \
                        VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |                         \
                        VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA)

struct _HangarVmCreator
{
  GObject              parent_instance;

  HangarConnection    *connection;
  HangarStoragePool   *pool;
  HangarOsProfile     *profile;
  HangarVmSettings    *settings;
  gboolean             transient;
  gboolean             busy;

  HangarVmCreatorStep  step;
  double               fraction;
  HangarVmCreatorStep  fail_step;
  char                *name;
  GVirDomain          *domain;
  char                *existing_disk;
  gboolean             existing_raw;
};

G_DEFINE_FINAL_TYPE (HangarVmCreator, hangar_vm_creator, G_TYPE_OBJECT)

G_DEFINE_QUARK (hangar-vm-creator-error-quark, hangar_vm_creator_error)

G_DEFINE_ENUM_TYPE (HangarVmCreatorStep, hangar_vm_creator_step,
  G_DEFINE_ENUM_VALUE (HANGAR_VM_CREATOR_STEP_NONE, "none"),
  G_DEFINE_ENUM_VALUE (HANGAR_VM_CREATOR_STEP_NAME, "name"),
  G_DEFINE_ENUM_VALUE (HANGAR_VM_CREATOR_STEP_POOL, "pool"),
  G_DEFINE_ENUM_VALUE (HANGAR_VM_CREATOR_STEP_VOLUME, "volume"),
  G_DEFINE_ENUM_VALUE (HANGAR_VM_CREATOR_STEP_CONFIG, "config"),
  G_DEFINE_ENUM_VALUE (HANGAR_VM_CREATOR_STEP_DEFINE, "define"),
  G_DEFINE_ENUM_VALUE (HANGAR_VM_CREATOR_STEP_START, "start"),
  G_DEFINE_ENUM_VALUE (HANGAR_VM_CREATOR_STEP_DONE, "done"),
  G_DEFINE_ENUM_VALUE (HANGAR_VM_CREATOR_STEP_ROLLBACK, "rollback"),
  G_DEFINE_ENUM_VALUE (HANGAR_VM_CREATOR_STEP_FAILED, "failed"))

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_TRANSIENT,
  PROP_STEP,
  PROP_FRACTION,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
hangar_vm_creator_step_to_nick (HangarVmCreatorStep step)
{
  GEnumClass *klass = g_type_class_ref (HANGAR_TYPE_VM_CREATOR_STEP);
  GEnumValue *value = g_enum_get_value (klass, step);

  g_type_class_unref (klass);
  return value != NULL ? value->value_nick : "none";
}

gboolean
hangar_vm_creator_step_from_nick (const char          *nick,
                                  HangarVmCreatorStep *step)
{
  GEnumClass *klass;
  GEnumValue *value;

  g_return_val_if_fail (step != NULL, FALSE);

  if (nick == NULL)
    return FALSE;
  klass = g_type_class_ref (HANGAR_TYPE_VM_CREATOR_STEP);
  value = g_enum_get_value_by_nick (klass, nick);
  if (value != NULL)
    *step = value->value;
  g_type_class_unref (klass);
  return value != NULL;
}

static double
step_fraction (HangarVmCreatorStep step)
{
  switch (step)
    {
    case HANGAR_VM_CREATOR_STEP_NAME: return 0.05;
    case HANGAR_VM_CREATOR_STEP_POOL: return 0.1;
    case HANGAR_VM_CREATOR_STEP_VOLUME: return 0.2;
    case HANGAR_VM_CREATOR_STEP_CONFIG: return 0.4;
    case HANGAR_VM_CREATOR_STEP_DEFINE: return 0.5;
    case HANGAR_VM_CREATOR_STEP_START: return 0.6;
    case HANGAR_VM_CREATOR_STEP_DONE: return 1.0;
    case HANGAR_VM_CREATOR_STEP_NONE:
    case HANGAR_VM_CREATOR_STEP_ROLLBACK:
    case HANGAR_VM_CREATOR_STEP_FAILED:
    default:
      return 0.0;
    }
}

/**
 * hangar_vm_creator_new:
 * @connection: the connection to make the machine on; it must be open when
 *   a creation or a keep begins
 * @profile: the OS to make a machine for (hangar_os_profile_new_generic() when unknown)
 * @settings: the user's choices; a name the user gave (@name_given) is used
 *   exactly or refused with the reason, one Hangar picked is numbered when
 *   taken; the disk path is decided here
 *
 * Returns: (transfer full): a creator for one machine
 */
HangarVmCreator *
hangar_vm_creator_new (HangarConnection       *connection,
                       const HangarOsProfile  *profile,
                       const HangarVmSettings *settings)
{
  HangarVmCreator *self;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (settings != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_VM_CREATOR, "connection", connection, NULL);
  self->profile = hangar_os_profile_copy (profile);
  self->settings = hangar_vm_settings_copy (settings);
  return self;
}

const HangarOsProfile *
hangar_vm_creator_get_profile (HangarVmCreator *self)
{
  g_return_val_if_fail (HANGAR_IS_VM_CREATOR (self), NULL);

  return self->profile;
}

/**
 * hangar_vm_creator_get_settings:
 *
 * Returns: the settings; after a creation, with the name and disk path used
 */
const HangarVmSettings *
hangar_vm_creator_get_settings (HangarVmCreator *self)
{
  g_return_val_if_fail (HANGAR_IS_VM_CREATOR (self), NULL);

  return self->settings;
}

/**
 * hangar_vm_creator_set_transient:
 * @transient: %TRUE for "Try it"
 *
 * A transient machine ("Try it") is started with no disk and no definition:
 * libvirt forgets it when it stops. The settings' disk size must then be 0,
 * and the creation must start it.
 */
void
hangar_vm_creator_set_transient (HangarVmCreator *self,
                                 gboolean         transient)
{
  g_return_if_fail (HANGAR_IS_VM_CREATOR (self));

  transient = !!transient;
  if (self->transient == transient)
    return;
  self->transient = transient;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSIENT]);
}

gboolean
hangar_vm_creator_get_transient (HangarVmCreator *self)
{
  g_return_val_if_fail (HANGAR_IS_VM_CREATOR (self), FALSE);

  return self->transient;
}

HangarVmCreatorStep
hangar_vm_creator_get_step (HangarVmCreator *self)
{
  g_return_val_if_fail (HANGAR_IS_VM_CREATOR (self), HANGAR_VM_CREATOR_STEP_NONE);

  return self->step;
}

/**
 * hangar_vm_creator_get_fraction:
 *
 * Returns: how far the creation is, from 0 to 1, for a progress bar
 */
double
hangar_vm_creator_get_fraction (HangarVmCreator *self)
{
  g_return_val_if_fail (HANGAR_IS_VM_CREATOR (self), 0.0);

  return self->fraction;
}

/**
 * hangar_vm_creator_get_name:
 *
 * Returns: (nullable): the machine's name, once chosen
 */
const char *
hangar_vm_creator_get_name (HangarVmCreator *self)
{
  g_return_val_if_fail (HANGAR_IS_VM_CREATOR (self), NULL);

  return self->name;
}

/**
 * hangar_vm_creator_get_domain:
 *
 * Returns: (transfer none) (nullable): the machine made, once made
 */
GVirDomain *
hangar_vm_creator_get_domain (HangarVmCreator *self)
{
  g_return_val_if_fail (HANGAR_IS_VM_CREATOR (self), NULL);

  return self->domain;
}

/**
 * hangar_vm_creator_set_existing_disk:
 * @path: (nullable): the full path of a disk, or %NULL to make one
 * @raw: whether @path is a raw image rather than qcow2
 *
 * The machine takes @path as its disk instead of a new volume: an imported
 * disk. The creator never deletes it, not even in a rollback; the settings'
 * disk size only says how large it is.
 */
void
hangar_vm_creator_set_existing_disk (HangarVmCreator *self,
                                     const char      *path,
                                     gboolean         raw)
{
  g_return_if_fail (HANGAR_IS_VM_CREATOR (self));
  g_return_if_fail (path == NULL || g_path_is_absolute (path));

  g_free (self->existing_disk);
  self->existing_disk = g_strdup (path);
  self->existing_raw = path != NULL && raw;
}

/**
 * hangar_vm_creator_set_fail_step:
 * @step: the step to fail, or %HANGAR_VM_CREATOR_STEP_NONE
 *
 * For tests: the step does its work, then fails with
 * %HANGAR_VM_CREATOR_ERROR_INJECTED, so the rollback has that step's work to
 * undo too. Without a call, the environment variable `HANGAR_TEST_FAIL_STEP`
 * (`pool`, `volume`, `config`, `define` or `start`) does the same, for tests
 * that drive `hangarctl`.
 */
void
hangar_vm_creator_set_fail_step (HangarVmCreator     *self,
                                 HangarVmCreatorStep  step)
{
  g_return_if_fail (HANGAR_IS_VM_CREATOR (self));

  self->fail_step = step;
}

static void
hangar_vm_creator_set_step (HangarVmCreator     *self,
                            HangarVmCreatorStep  step)
{
  double fraction;

  if (self->step == step)
    return;

  self->step = step;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);

  /* Undoing keeps the bar where it was; the end of it empties the bar. */
  fraction = step == HANGAR_VM_CREATOR_STEP_ROLLBACK ? self->fraction : step_fraction (step);
  if (fraction != self->fraction)
    {
      self->fraction = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
}

static void
hangar_vm_creator_set_name (HangarVmCreator *self,
                            const char      *name)
{
  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/* The work of one creation, owned by the worker thread. */
typedef struct
{
  HangarVmCreator     *self;           /* the task's source object */
  GMainContext        *context;
  gboolean             start;
  gboolean             transient;
  HangarVmCreatorStep  fail_step;
  HangarVmSettings    *settings;
  char                *existing_disk;  /* a disk the machine takes as it is */
  gboolean             existing_raw;   /* … in raw format, not qcow2 */
  guint64              keep_disk_gib;  /* keep: the disk to add */
  char                *keep_uuid;      /* keep: the running domain */

  /* What was done, for the rollback. */
  char                *reserved;
  GVirStorageVol      *volume;
  virDomainPtr         domain;
  char                 uuid[VIR_UUID_STRING_BUFLEN];
  HangarPending       *pending;        /* what is being made, written down */
  gboolean             defined;
  gboolean             started;
} Job;

static void
release_name (Job *job)
{
  if (job->reserved == NULL)
    return;

  hangar_machine_name_release (job->reserved);
  g_clear_pointer (&job->reserved, g_free);
}

static void
job_free (Job *job)
{
  release_name (job);
  g_clear_pointer (&job->pending, hangar_pending_end);
  g_clear_object (&job->volume);
  if (job->domain != NULL)
    virDomainFree (job->domain);
  g_clear_pointer (&job->settings, hangar_vm_settings_free);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job->keep_uuid);
  g_free (job->existing_disk);
  g_free (job);
}

typedef struct
{
  HangarVmCreator     *self;
  HangarVmCreatorStep  step;
  char                *name;
} Progress;

static void
progress_free (Progress *progress)
{
  g_object_unref (progress->self);
  g_free (progress->name);
  g_free (progress);
}

static gboolean
apply_progress (gpointer data)
{
  Progress *progress = data;

  if (progress->name != NULL)
    hangar_vm_creator_set_name (progress->self, progress->name);
  hangar_vm_creator_set_step (progress->self, progress->step);
  return G_SOURCE_REMOVE;
}

/* From the worker: properties change on the caller's thread only. */
static void
report (Job                 *job,
        HangarVmCreatorStep  step,
        const char          *name)
{
  Progress *progress = g_new0 (Progress, 1);

  g_debug ("Step: %s", hangar_vm_creator_step_to_nick (step));
  progress->self = g_object_ref (job->self);
  progress->step = step;
  progress->name = g_strdup (name);
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, apply_progress, progress,
                              (GDestroyNotify) progress_free);
}

/* After a step did its work: an injected failure, or a cancellation, makes
 * it the last one. */
static gboolean
step_done (Job                  *job,
           HangarVmCreatorStep   step,
           GCancellable         *cancellable,
           GError              **error)
{
  if (job->fail_step == step)
    {
      g_set_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_INJECTED,
                   "Failure injected after the %s step", hangar_vm_creator_step_to_nick (step));
      return FALSE;
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static virConnectPtr
dup_handle (HangarVmCreator  *self,
            GError          **error)
{
  virConnectPtr conn = hangar_connection_dup_handle (self->connection);

  if (conn == NULL)
    g_set_error_literal (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_DEFINE,
                         _("The connection to libvirt is not open."));
  return conn;
}

static char *
choose_name (Job            *job,
             virConnectPtr   conn,
             GError        **error)
{
  const HangarOsProfile *profile = job->self->profile;
  const HangarVmSettings *settings = job->settings;
  g_autoptr(GHashTable) taken = NULL;
  g_autoptr(GError) name_error = NULL;
  g_autofree char *base = NULL;
  char *name;

  if (settings->name_given && !hangar_machine_name_check (settings->name, &name_error))
    {
      g_set_error_literal (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_NAME,
                           name_error->message);
      return NULL;
    }

  /* Every domain, defined or running only (transient), holds its name. */
  taken = hangar_libvirt_list_domain_names (conn);
  if (taken == NULL)
    {
      g_set_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_NAME,
                   _("Cannot list the machines to choose a free name: %s"),
                   hangar_libvirt_last_message ());
      return NULL;
    }

  if (settings->name_given)
    {
      if (!hangar_machine_name_reserve_exact (settings->name, taken))
        {
          g_set_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_NAME,
                       _("A machine named “%s” already exists."), settings->name);
          return NULL;
        }
      job->reserved = g_strdup (settings->name);
      return g_strdup (settings->name);
    }

  /* A name Hangar picked: made acceptable and numbered when taken. */
  base = hangar_machine_name_from_default (settings->name);
  if (*base == '\0')
    {
      g_autofree char *fallback = hangar_vm_settings_default_name (profile, NULL, NULL);

      g_free (base);
      base = hangar_machine_name_from_default (fallback);
    }

  name = hangar_machine_name_reserve (base, taken);
  if (name == NULL)
    {
      g_set_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_NAME,
                   _("There are too many machines called “%s”. Choose another name."), base);
      return NULL;
    }

  job->reserved = g_strdup (name);
  return name;
}

/* For tests: the builder gives machines no serial port, and a test needs the
 * guest's console. HANGAR_TEST_SERIAL_DIR=DIR gives each machine one that
 * logs to DIR/STEM-serial.log and listens on a socket in the runtime
 * directory, $XDG_RUNTIME_DIR/STEM-serial.sock, where STEM is the machine's
 * disk file name without its suffix (hangar_storage_volume_name_for()). */
static gboolean
add_test_serial (GVirConfigDomain  *config,
                 const char        *name,
                 GError           **error)
{
  const char *dir = g_getenv ("HANGAR_TEST_SERIAL_DIR");
  GVirConfigDomainSerial *serial;
  g_autofree char *file = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *log_name = NULL;
  g_autofree char *socket_name = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *socket_path = NULL;
  g_autofree char *xml = NULL;

  if (dir == NULL || *dir == '\0')
    return TRUE;

  file = hangar_storage_volume_name_for (name);
  stem = g_strndup (file, strlen (file) - strlen (".qcow2"));
  log_name = g_strconcat (stem, "-serial.log", NULL);
  socket_name = g_strconcat (stem, "-serial.sock", NULL);
  log_path = g_build_filename (dir, log_name, NULL);
  socket_path = g_build_filename (g_get_user_runtime_dir (), socket_name, NULL);
  xml = g_markup_printf_escaped ("<serial type='unix'>"
                                 "<source mode='bind' path='%s'/>"
                                 "<log file='%s' append='off'/>"
                                 "<target port='0'/>"
                                 "</serial>", socket_path, log_path);
  serial = gvir_config_domain_serial_new_from_xml (xml, error);
  if (serial == NULL)
    return FALSE;
  gvir_config_domain_add_device (config, GVIR_CONFIG_DOMAIN_DEVICE (serial));
  g_object_unref (serial);
  return TRUE;
}

/* The builder's disks are qcow2; an existing raw disk says what it is. The
 * devices share the domain's XML nodes: nothing else is rewritten. */
static void
set_disk_raw (GVirConfigDomain *config)
{
  GList *devices = gvir_config_domain_get_devices (config);

  for (GList *l = devices; l != NULL; l = l->next)
    {
      GVirConfigDomainDisk *disk;
      GVirConfigDomainDiskDriver *driver;

      if (!GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        continue;
      disk = l->data;
      if (gvir_config_domain_disk_get_guest_device_type (disk) !=
          GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK)
        continue;
      driver = gvir_config_domain_disk_get_driver (disk);
      if (driver != NULL)
        {
          gvir_config_domain_disk_driver_set_format (driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW);
          g_object_unref (driver);
        }
    }
  g_list_free_full (devices, g_object_unref);
}

/* The configuration as XML: the builder's, with the UUID of a running
 * domain to adopt, and the test serial port. */
static char *
build_config (Job         *job,
              const char  *uuid,
              GError     **error)
{
  GVirConfigDomain *config;
  char *xml = NULL;

  /* The medium must still be the file identified: the user may have
   * reviewed the settings for a while, and a file replaced meanwhile would
   * boot another system. */
  if (job->settings->iso_path != NULL && job->settings->iso_identity != NULL)
    {
      g_autoptr(GError) media_error = NULL;

      if (!hangar_media_file_check_identity (job->settings->iso_path,
                                             job->settings->iso_identity, &media_error))
        {
          g_set_error_literal (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_INVALID,
                               media_error->message);
          return NULL;
        }
    }

  config = hangar_vm_config_build (job->self->profile, job->settings, error);
  if (config == NULL)
    return NULL;
  if (uuid != NULL)
    gvir_config_domain_set_uuid (config, uuid);
  if (job->existing_raw)
    set_disk_raw (config);
  if (add_test_serial (config, job->settings->name, error))
    xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
  g_object_unref (config);
  return xml;
}

/* The machine of a failed creation, stopped and undefined; FALSE with @left
 * told why when it could not be. */
static gboolean
undo_domain (virDomainPtr  domain,
             gboolean      stop,
             gboolean      undefine,
             GString      *left)
{
  int active = stop ? virDomainIsActive (domain) : 0;
  int persistent;

  /* -1: the connection is gone, and nothing is known. */
  if (active < 0)
    {
      g_string_append_printf (left, _("The machine may still be running: %s"),
                              hangar_libvirt_last_message ());
      return FALSE;
    }
  if (active == 1 && virDomainDestroy (domain) < 0 && virDomainIsActive (domain) != 0)
    {
      g_string_append_printf (left, _("The machine is still running: %s"),
                              hangar_libvirt_last_message ());
      return FALSE;
    }

  persistent = undefine ? virDomainIsPersistent (domain) : 0;
  if (persistent != 0 &&
      (persistent < 0 || virDomainUndefineFlags (domain, UNDEFINE_FLAGS) < 0) &&
      virDomainIsPersistent (domain) != 0)
    {
      g_string_append_printf (left, _("The machine is still defined: %s"),
                              hangar_libvirt_last_message ());
      return FALSE;
    }
  return TRUE;
}

/* Undoes, on a connection of its own, what a lost connection left: the
 * session's daemon starts again on demand, and the machine and disk are
 * found by their UUID and file. */
static gboolean
undo_on_new_connection (Job        *job,
                        gboolean    domain_left,
                        gboolean    volume_left,
                        GString    *left)
{
  const char *uri = hangar_connection_get_uri (job->self->connection);
  virConnectPtr conn = NULL;
  gboolean ok = TRUE;

  /* A session daemon is started again on demand; a system one may take a
   * moment to be back. */
  for (guint attempt = 0; conn == NULL && attempt < REOPEN_ATTEMPTS; attempt++)
    {
      if (attempt > 0)
        g_usleep (G_USEC_PER_SEC);
      conn = virConnectOpen (uri);
    }
  if (conn == NULL)
    {
      g_debug ("Cannot connect again to undo the creation: %s", hangar_libvirt_last_message ());
      return FALSE;
    }
  g_debug ("Undoing a creation again on a new connection to %s", uri);
  if (domain_left && job->uuid[0] != '\0')
    {
      virDomainPtr domain = virDomainLookupByUUIDString (conn, job->uuid);

      if (domain != NULL)
        {
          /* Found by the UUID this creation chose: its own machine, which
           * a new daemon may have found running. */
          ok = undo_domain (domain, TRUE, TRUE, left);
          virDomainFree (domain);
        }
      else if (virGetLastErrorCode () != VIR_ERR_NO_DOMAIN)
        ok = FALSE;
    }
  if (ok && volume_left && job->settings->disk_path != NULL)
    {
      virStorageVolPtr vol = virStorageVolLookupByPath (conn, job->settings->disk_path);

      /* Only the disk this job made in Hangar's pool, never a file of the user's. */
      vol = hangar_storage_pool_keep_own (vol);
      if (vol != NULL)
        {
          if (hangar_storage_delete_vol (vol, NULL) < 0)
            {
              g_string_append_printf (left, _("Cannot delete the disk %s: %s"),
                                      job->settings->disk_path, hangar_libvirt_last_message ());
              ok = FALSE;
            }
          virStorageVolFree (vol);
        }
    }
  virConnectClose (conn);
  return ok;
}

/* Undoes what the job did, newest first. Failures here are reported, never
 * silent: a user must know what was left. Returns whether all was undone. */
static gboolean
rollback (Job           *job,
          virConnectPtr  conn,
          GError       **error)
{
  g_autoptr(GString) left = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  gboolean domain_left = FALSE, volume_left = FALSE;

  report (job, HANGAR_VM_CREATOR_STEP_ROLLBACK, NULL);

  if (job->domain != NULL && (job->started || job->defined))
    domain_left = !undo_domain (job->domain, job->started, job->defined, left);
  /* Sent, but the daemon died before it answered: the machine may be there. */
  else if (job->domain == NULL && job->uuid[0] != '\0' && virConnectIsAlive (conn) != 1)
    domain_left = TRUE;

  if (job->volume != NULL && !domain_left && virConnectIsAlive (conn) == 1 &&
      !hangar_storage_pool_delete_volume (job->self->pool, job->volume, &local_error))
    {
      if (left->len > 0)
        g_string_append (left, " ");
      g_string_append (left, local_error->message);
      volume_left = TRUE;
    }
  else if (job->volume != NULL && (domain_left || virConnectIsAlive (conn) != 1))
    volume_left = TRUE;

  /* The daemon went away under the creation: a new one undoes the rest. */
  if ((domain_left || volume_left) && virConnectIsAlive (conn) != 1)
    {
      g_autoptr(GString) again = g_string_new (NULL);

      if (undo_on_new_connection (job, domain_left, volume_left, again))
        g_string_truncate (left, 0);
      else if (again->len > 0)
        g_string_assign (left, again->str);
    }

  if (left->len > 0 && error != NULL && *error != NULL)
    {
      g_autofree char *message = (*error)->message;

      g_warning ("Rollback incomplete: %s", left->str);
      (*error)->message = g_strdup_printf (_("%s (Hangar could not undo everything: %s)"),
                                           message, left->str);
    }
  return left->len == 0;
}

/* Before a disk is made: written down, in case this process dies. */
static void
note_file (const char *path,
           guint64     size,
           gpointer    user_data)
{
  hangar_pending_add_file (user_data, path);
}

static gboolean
create_volume (Job           *job,
               const char    *name,
               guint64        disk_gib,
               GCancellable  *cancellable,
               GError       **error)
{
  GVirStoragePool *pool;
  char *path;

  if (disk_gib > G_MAXUINT64 / GIB)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID,
                   _("A disk of %" G_GUINT64_FORMAT " GiB is too large."), disk_gib);
      return FALSE;
    }

  report (job, HANGAR_VM_CREATOR_STEP_POOL, NULL);
  pool = hangar_storage_pool_ensure (job->self->pool, cancellable, error);
  if (pool == NULL)
    return FALSE;
  g_object_unref (pool);
  if (!step_done (job, HANGAR_VM_CREATOR_STEP_POOL, cancellable, error))
    return FALSE;

  report (job, HANGAR_VM_CREATOR_STEP_VOLUME, NULL);
  job->volume = hangar_storage_pool_create_volume_full (job->self->pool, name, disk_gib * GIB,
                                                        note_file, job->pending, cancellable,
                                                        error);
  if (job->volume == NULL)
    return FALSE;
  path = hangar_storage_volume_dup_path (job->volume, error);
  if (path == NULL)
    return FALSE;
  g_free (job->settings->disk_path);
  job->settings->disk_path = path;
  job->settings->disk_gib = disk_gib;
  return step_done (job, HANGAR_VM_CREATOR_STEP_VOLUME, cancellable, error);
}

static gboolean
create_steps (Job           *job,
              virConnectPtr  conn,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;

  report (job, HANGAR_VM_CREATOR_STEP_NAME, NULL);
  name = choose_name (job, conn, error);
  if (name == NULL)
    return FALSE;
  g_free (job->settings->name);
  job->settings->name = g_strdup (name);
  if (!job->transient)
    {
      g_autofree char *uri = hangar_pending_uri_of (conn);

      job->pending = hangar_pending_begin (uri, name);
    }
  report (job, HANGAR_VM_CREATOR_STEP_NAME, name);
  if (!step_done (job, HANGAR_VM_CREATOR_STEP_NAME, cancellable, error))
    return FALSE;

  g_clear_pointer (&job->settings->disk_path, g_free);
  if (job->existing_disk != NULL)
    {
      /* Not the creator's: a rollback leaves it to its owner. */
      job->settings->disk_path = g_strdup (job->existing_disk);
      job->settings->disk_gib = MAX (job->settings->disk_gib, 1);
    }
  else if (job->settings->disk_gib > 0 &&
           !create_volume (job, name, job->settings->disk_gib, cancellable, error))
    return FALSE;

  report (job, HANGAR_VM_CREATOR_STEP_CONFIG, NULL);
  {
    /* Chosen here, so that a machine whose definition the daemon took just
     * as it died is found again for the rollback. */
    g_autofree char *uuid = g_uuid_string_random ();

    xml = build_config (job, uuid, error);
    if (xml != NULL)
      {
        g_strlcpy (job->uuid, uuid, sizeof job->uuid);
        hangar_pending_set_uuid (job->pending, uuid);
      }
  }
  if (xml == NULL || !step_done (job, HANGAR_VM_CREATOR_STEP_CONFIG, cancellable, error))
    return FALSE;

  if (job->transient)
    {
      report (job, HANGAR_VM_CREATOR_STEP_START, NULL);
      job->domain = virDomainCreateXML (conn, xml, 0);
      if (job->domain == NULL)
        {
          g_set_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_START,
                       _("Cannot start “%s”: %s"), name, hangar_libvirt_last_message ());
          return FALSE;
        }
      job->started = TRUE;
      return step_done (job, HANGAR_VM_CREATOR_STEP_START, cancellable, error);
    }

  report (job, HANGAR_VM_CREATOR_STEP_DEFINE, NULL);
  job->domain = virDomainDefineXML (conn, xml);
  if (job->domain == NULL)
    {
      g_set_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_DEFINE,
                   _("Cannot create the machine “%s”: %s"), name, hangar_libvirt_last_message ());
      return FALSE;
    }
  job->defined = TRUE;
  if (!step_done (job, HANGAR_VM_CREATOR_STEP_DEFINE, cancellable, error))
    return FALSE;

  if (!job->start)
    return TRUE;

  report (job, HANGAR_VM_CREATOR_STEP_START, NULL);
  if (virDomainCreate (job->domain) < 0)
    {
      g_set_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_START,
                   _("Cannot start “%s”: %s"), name, hangar_libvirt_last_message ());
      return FALSE;
    }
  job->started = TRUE;
  return step_done (job, HANGAR_VM_CREATOR_STEP_START, cancellable, error);
}

typedef gboolean (*JobSteps) (Job           *job,
                              virConnectPtr  conn,
                              GCancellable  *cancellable,
                              GError       **error);

/* Runs @steps on a connection of the job's own; on failure undoes all they did. */
static gboolean
run_steps (Job           *job,
           JobSteps       steps,
           GCancellable  *cancellable,
           GError       **error)
{
  virConnectPtr conn;
  gboolean ok;

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      (conn = dup_handle (job->self, error)) == NULL)
    return FALSE;

  ok = steps (job, conn, cancellable, error);
  /* What could not be undone stays written down: the next Hangar or
   * hangarctl removes it (hangar-pending.c). */
  if (!ok && !rollback (job, conn, error) && job->pending != NULL)
    {
      g_debug ("Leaving the record of what is left to the next start");
      g_clear_pointer (&job->pending, hangar_pending_leave);
    }
  virConnectClose (conn);
  return ok;
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;

  if (!run_steps (job, create_steps, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* libvirt knows the name now. */
  release_name (job);
  g_task_return_boolean (task, TRUE);
}

/* A wrapper on the connection's own object when its events made one: the
 * collection and the caller then watch the same object. */
static GVirDomain *
wrap_domain (HangarVmCreator *self,
             virDomainPtr     handle)
{
  GVirConnection *gvir = hangar_connection_get_gvir (self->connection);
  char uuid[VIR_UUID_STRING_BUFLEN];
  GVirDomain *domain = NULL;

  if (gvir != NULL && virDomainGetUUIDString (handle, uuid) == 0)
    domain = gvir_connection_get_domain (gvir, uuid);
  if (domain == NULL)
    domain = g_object_new (GVIR_TYPE_DOMAIN, "handle", handle, NULL);
  return domain;
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  HangarVmCreator *self = HANGAR_VM_CREATOR (object);
  g_autoptr(GTask) outer = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_debug ("Creation failed: %s", error->message);
      hangar_vm_creator_set_step (self, HANGAR_VM_CREATOR_STEP_FAILED);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  hangar_vm_settings_free (self->settings);
  self->settings = hangar_vm_settings_copy (job->settings);
  g_clear_object (&self->domain);
  self->domain = wrap_domain (self, job->domain);
  hangar_vm_creator_set_name (self, job->settings->name);
  hangar_vm_creator_set_step (self, HANGAR_VM_CREATOR_STEP_DONE);
  g_task_return_pointer (outer, g_object_ref (self->domain), g_object_unref);
}

static HangarVmCreatorStep
fail_step_for (HangarVmCreator *self)
{
  HangarVmCreatorStep step = HANGAR_VM_CREATOR_STEP_NONE;

  if (self->fail_step != HANGAR_VM_CREATOR_STEP_NONE)
    return self->fail_step;
  if (!hangar_vm_creator_step_from_nick (g_getenv ("HANGAR_TEST_FAIL_STEP"), &step))
    return HANGAR_VM_CREATOR_STEP_NONE;
  return step;
}

static Job *
job_new (HangarVmCreator *self)
{
  Job *job = g_new0 (Job, 1);

  job->self = self;
  job->context = g_main_context_ref_thread_default ();
  job->transient = self->transient;
  job->fail_step = fail_step_for (self);
  job->settings = hangar_vm_settings_copy (self->settings);
  job->existing_disk = g_strdup (self->existing_disk);
  job->existing_raw = self->existing_raw;
  return job;
}

/**
 * hangar_vm_creator_create_async:
 * @self: a #HangarVmCreator
 * @start: whether to start the machine once defined (a "Try it" machine
 *   always starts)
 * @cancellable: (nullable): cancels the creation: whatever was done is undone
 * @callback: called when the machine exists, or nothing of it does
 * @user_data: data for @callback
 *
 * Chooses a free name (the wished one, else "Name 2", "Name 3", … against
 * every domain of the connection, defined or transient), makes the storage
 * pool and a qcow2 disk when the settings ask for one, builds the
 * configuration with hangar_vm_config_build(), defines the machine and starts
 * it. Progress shows in #HangarVmCreator:step and #HangarVmCreator:fraction.
 * On any failure or cancellation every step done is undone: the machine is
 * stopped, undefined with its NVRAM and TPM state, and its disk deleted. The
 * storage pool stays: it is shared by all machines.
 *
 * A creator makes one machine at a time.
 */
void
hangar_vm_creator_create_async (HangarVmCreator     *self,
                                gboolean             start,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  Job *job;

  g_return_if_fail (HANGAR_IS_VM_CREATOR (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, hangar_vm_creator_create_async);
  /* A machine made is the caller's, cancelled or not: the thread decides. */
  g_task_set_check_cancellable (outer, FALSE);

  if (self->busy)
    {
      g_task_return_new_error (outer, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_INVALID,
                               "%s", _("This machine is already being created."));
      return;
    }
  if (self->transient && (self->settings->disk_gib > 0 || !start))
    {
      g_task_return_new_error (outer, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_INVALID,
                               "%s", _("A machine to try has no disk and always starts."));
      return;
    }

  self->busy = TRUE;
  job = job_new (self);
  job->start = start || self->transient;

  inner = g_task_new (self, cancellable, create_done, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, create_thread);
  g_task_set_check_cancellable (inner, FALSE);
  g_task_set_task_data (inner, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (inner, create_thread);
}

/**
 * hangar_vm_creator_create_finish:
 *
 * Returns: (transfer full): the machine's domain; a transient one for "Try it"
 */
GVirDomain *
hangar_vm_creator_create_finish (HangarVmCreator  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (HANGAR_IS_VM_CREATOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_vm_creator_create_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
keep_steps (Job           *job,
            virConnectPtr  conn,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *xml = NULL;

  g_clear_pointer (&job->settings->disk_path, g_free);
  job->settings->disk_gib = 0;
  if (job->keep_disk_gib > 0 &&
      !create_volume (job, job->settings->name, job->keep_disk_gib, cancellable, error))
    return FALSE;

  report (job, HANGAR_VM_CREATOR_STEP_CONFIG, NULL);
  xml = build_config (job, job->keep_uuid, error);
  if (xml == NULL || !step_done (job, HANGAR_VM_CREATOR_STEP_CONFIG, cancellable, error))
    return FALSE;

  /* Same name and UUID: libvirt makes the running domain persistent, with
   * this configuration from its next start on. */
  report (job, HANGAR_VM_CREATOR_STEP_DEFINE, NULL);
  job->domain = virDomainDefineXML (conn, xml);
  if (job->domain == NULL)
    {
      g_set_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_DEFINE,
                   _("Cannot keep “%s”: %s"), job->settings->name, hangar_libvirt_last_message ());
      return FALSE;
    }
  job->defined = TRUE;
  return step_done (job, HANGAR_VM_CREATOR_STEP_DEFINE, cancellable, error);
}

static void
keep_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;

  /* Undefining a running domain makes it transient again: the rollback
   * leaves the guest as it was, running. */
  if (!run_steps (job, keep_steps, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
keep_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  HangarVmCreator *self = HANGAR_VM_CREATOR (object);
  g_autoptr(GTask) outer = user_data;
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* The guest still runs, as a machine to try. */
      hangar_vm_creator_set_step (self, HANGAR_VM_CREATOR_STEP_DONE);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  hangar_vm_settings_free (self->settings);
  self->settings = hangar_vm_settings_copy (job->settings);
  hangar_vm_creator_set_transient (self, FALSE);
  hangar_vm_creator_set_step (self, HANGAR_VM_CREATOR_STEP_DONE);
  g_task_return_boolean (outer, TRUE);
}

/**
 * hangar_vm_creator_keep_async:
 * @self: a #HangarVmCreator whose "Try it" machine runs
 * @disk_gib: the size of a disk to give the machine, or 0 for none
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the machine is kept, or stays a machine to try
 * @user_data: data for @callback
 *
 * Makes the running "Try it" machine a real one: it is defined with the same
 * name and UUID, so it stays in the collection when it stops, and the guest
 * goes on running untouched. Its definition is the builder's for the same
 * profile and settings. With @disk_gib 0 the machine has no disk and boots
 * its medium every time: a live system kept. With a disk, the disk is
 * created in the pool and is part of the machine from its next start on (the
 * running guest cannot see it yet), with the medium still in and the machine
 * marked as installing, as a new machine is: once the guest installed to it
 * and shuts down or reboots from that next start, #HangarInstallTracker
 * ejects the medium. On failure or cancellation the disk is deleted and the
 * machine stays one to try.
 */
void
hangar_vm_creator_keep_async (HangarVmCreator     *self,
                              guint64              disk_gib,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  Job *job;

  g_return_if_fail (HANGAR_IS_VM_CREATOR (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, hangar_vm_creator_keep_async);
  g_task_set_check_cancellable (outer, FALSE);

  if (self->busy || !self->transient || self->domain == NULL)
    {
      g_task_return_new_error (outer, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_INVALID,
                               "%s", _("Only a running machine to try can be kept."));
      return;
    }

  self->busy = TRUE;
  job = job_new (self);
  job->keep_disk_gib = disk_gib;
  job->keep_uuid = g_strdup (gvir_domain_get_uuid (self->domain));

  inner = g_task_new (self, cancellable, keep_done, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, keep_thread);
  g_task_set_check_cancellable (inner, FALSE);
  g_task_set_task_data (inner, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (inner, keep_thread);
}

gboolean
hangar_vm_creator_keep_finish (HangarVmCreator  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (HANGAR_IS_VM_CREATOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_vm_creator_keep_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
hangar_vm_creator_constructed (GObject *object)
{
  HangarVmCreator *self = HANGAR_VM_CREATOR (object);

  G_OBJECT_CLASS (hangar_vm_creator_parent_class)->constructed (object);

  self->pool = hangar_storage_pool_new (self->connection);
}

static void
hangar_vm_creator_finalize (GObject *object)
{
  HangarVmCreator *self = HANGAR_VM_CREATOR (object);

  g_clear_object (&self->domain);
  g_clear_object (&self->pool);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->profile, hangar_os_profile_free);
  g_clear_pointer (&self->settings, hangar_vm_settings_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->existing_disk, g_free);

  G_OBJECT_CLASS (hangar_vm_creator_parent_class)->finalize (object);
}

static void
hangar_vm_creator_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HangarVmCreator *self = HANGAR_VM_CREATOR (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_TRANSIENT:
      g_value_set_boolean (value, self->transient);
      break;
    case PROP_STEP:
      g_value_set_enum (value, self->step);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_vm_creator_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HangarVmCreator *self = HANGAR_VM_CREATOR (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    case PROP_TRANSIENT:
      hangar_vm_creator_set_transient (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_vm_creator_class_init (HangarVmCreatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hangar_vm_creator_constructed;
  object_class->finalize = hangar_vm_creator_finalize;
  object_class->get_property = hangar_vm_creator_get_property;
  object_class->set_property = hangar_vm_creator_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRANSIENT] =
    g_param_spec_boolean ("transient", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * HangarVmCreator:step:
   *
   * The step the creation is at; notified on the thread that started it.
   */
  properties[PROP_STEP] =
    g_param_spec_enum ("step", NULL, NULL, HANGAR_TYPE_VM_CREATOR_STEP,
                       HANGAR_VM_CREATOR_STEP_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_vm_creator_init (HangarVmCreator *self)
{
  self->fail_step = HANGAR_VM_CREATOR_STEP_NONE;
}
