/* hangar-machine.c
 *
 * One libvirt domain as the rest of Hangar sees it: a name and a state that
 * follow libvirt's lifecycle events, re-read off the UI thread.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "hangar-machine-private.h"
#include "hangar-throwaway.h"

struct _HangarMachine
{
  GObject             parent_instance;

  GVirDomain         *domain;
  /* Domains replaced by hangar_machine_replace_domain(), kept until the end:
   * a refresh in a worker thread may still be using one. */
  GPtrArray          *retired_domains;
  char               *sort_key;
  HangarMachineState  state;
  gboolean            persistent;
  /* It runs without saving changes (hangar-throwaway.c). */
  gboolean            throwaway;
  HangarMachineDetails details;
  /* Its domain left libvirt (undefined, or a transient one stopped). */
  gboolean            gone;

  /* Cancelled on dispose, so a refresh never lands on a dead machine. */
  GCancellable       *cancellable;
  guint               refresh_serial;
};

G_DEFINE_FINAL_TYPE (HangarMachine, hangar_machine, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HangarMachineState, hangar_machine_state,
  G_DEFINE_ENUM_VALUE (HANGAR_MACHINE_STATE_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (HANGAR_MACHINE_STATE_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (HANGAR_MACHINE_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (HANGAR_MACHINE_STATE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (HANGAR_MACHINE_STATE_SHUTTING_DOWN, "shutting-down"),
  G_DEFINE_ENUM_VALUE (HANGAR_MACHINE_STATE_SAVED, "saved"),
  G_DEFINE_ENUM_VALUE (HANGAR_MACHINE_STATE_SUSPENDED, "suspended"),
  G_DEFINE_ENUM_VALUE (HANGAR_MACHINE_STATE_CRASHED, "crashed"))

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_NAME,
  PROP_UUID,
  PROP_STATE,
  PROP_STATE_LABEL,
  PROP_OS_NAME,
  PROP_LAST_USED,
  PROP_INSTALLING,
  PROP_GONE,
  PROP_THROWAWAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * hangar_machine_state_to_label:
 * @state: a state
 *
 * Returns: the state as a short translated label for the UI
 */
const char *
hangar_machine_state_to_label (HangarMachineState state)
{
  switch (state)
    {
    case HANGAR_MACHINE_STATE_STOPPED:
      return C_("machine state", "Stopped");
    case HANGAR_MACHINE_STATE_RUNNING:
      return C_("machine state", "Running");
    case HANGAR_MACHINE_STATE_PAUSED:
      return C_("machine state", "Paused");
    case HANGAR_MACHINE_STATE_SHUTTING_DOWN:
      return C_("machine state", "Shutting Down");
    case HANGAR_MACHINE_STATE_SAVED:
      return C_("machine state", "Saved");
    case HANGAR_MACHINE_STATE_SUSPENDED:
      return C_("machine state", "Suspended");
    case HANGAR_MACHINE_STATE_CRASHED:
      return C_("machine state", "Crashed");
    case HANGAR_MACHINE_STATE_UNKNOWN:
    default:
      return "";
    }
}

/**
 * hangar_machine_state_to_nick:
 * @state: a state
 *
 * Returns: a stable, untranslated name for @state (for scripts and CSS)
 */
const char *
hangar_machine_state_to_nick (HangarMachineState state)
{
  GEnumClass *klass = g_type_class_ref (HANGAR_TYPE_MACHINE_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  return value != NULL ? value->value_nick : "unknown";
}

static void
hangar_machine_set_state (HangarMachine      *self,
                          HangarMachineState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_LABEL]);
}

static void
hangar_machine_set_throwaway (HangarMachine *self,
                              gboolean       throwaway)
{
  if (self->throwaway == throwaway)
    return;
  self->throwaway = throwaway;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THROWAWAY]);
}

/* Takes what @details holds. */
static void
hangar_machine_set_details (HangarMachine        *self,
                            HangarMachineDetails *details)
{
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);
  if (g_strcmp0 (self->details.os_name, details->os_name) != 0)
    {
      g_free (self->details.os_name);
      self->details.os_name = g_steal_pointer (&details->os_name);
      g_object_notify_by_pspec (object, properties[PROP_OS_NAME]);
    }
  g_free (self->details.os_id);
  self->details.os_id = g_steal_pointer (&details->os_id);
  if (self->details.last_used != details->last_used)
    {
      self->details.last_used = details->last_used;
      g_object_notify_by_pspec (object, properties[PROP_LAST_USED]);
    }
  if (self->details.installing != details->installing)
    {
      self->details.installing = details->installing;
      g_object_notify_by_pspec (object, properties[PROP_INSTALLING]);
    }
  g_object_thaw_notify (object);
}

static HangarMachineState
state_from_info (GVirDomainState info_state,
                 gboolean        saved)
{
  switch (info_state)
    {
    case GVIR_DOMAIN_STATE_RUNNING:
    case GVIR_DOMAIN_STATE_BLOCKED:
      return HANGAR_MACHINE_STATE_RUNNING;
    case GVIR_DOMAIN_STATE_PAUSED:
      return HANGAR_MACHINE_STATE_PAUSED;
    case GVIR_DOMAIN_STATE_SHUTDOWN:
      return HANGAR_MACHINE_STATE_SHUTTING_DOWN;
    case GVIR_DOMAIN_STATE_CRASHED:
      return HANGAR_MACHINE_STATE_CRASHED;
    case GVIR_DOMAIN_STATE_PMSUSPENDED:
      return HANGAR_MACHINE_STATE_SUSPENDED;
    case GVIR_DOMAIN_STATE_SHUTOFF:
    case GVIR_DOMAIN_STATE_NONE:
    default:
      return saved ? HANGAR_MACHINE_STATE_SAVED : HANGAR_MACHINE_STATE_STOPPED;
    }
}

typedef struct
{
  HangarMachineState state;
  gboolean           persistent;
  gboolean           throwaway;
  guint              serial;
  HangarMachineDetails details;
} RefreshResult;

static void
refresh_result_free (RefreshResult *result)
{
  hangar_machine_details_clear (&result->details);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RefreshResult, refresh_result_free)

static void
refresh_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  HangarMachine *self = source_object;
  g_autoptr(GError) error = NULL;
  RefreshResult *result;
  virDomainPtr dom = NULL;
  int state, reason;

  /* One call gives the state and why: a QEMU that died (killed, out of
   * memory, a bug) leaves the domain shut off for the reason "crashed". */
  dom = hangar_libvirt_dup_domain (self->domain);
  if (dom == NULL || virDomainGetState (dom, &state, &reason, 0) < 0)
    {
      hangar_machine_fail (&error, HANGAR_MACHINE_ERROR_FAILED, "%s",
                           hangar_libvirt_last_message ());
      if (dom != NULL)
        virDomainFree (dom);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result = g_new0 (RefreshResult, 1);
  result->serial = GPOINTER_TO_UINT (task_data);
  result->state = state_from_info ((GVirDomainState) state, gvir_domain_get_saved (self->domain));
  if (result->state == HANGAR_MACHINE_STATE_STOPPED &&
      state == VIR_DOMAIN_SHUTOFF && reason == VIR_DOMAIN_SHUTOFF_CRASHED)
    result->state = HANGAR_MACHINE_STATE_CRASHED;
  result->persistent = gvir_domain_get_persistent (self->domain);
  result->throwaway = hangar_throwaway_is_running (dom);
  hangar_machine_details_read (dom, &result->details);
  virDomainFree (dom);

  g_task_return_pointer (task, result, (GDestroyNotify) refresh_result_free);
}

/**
 * hangar_machine_refresh_async:
 * @self: a #HangarMachine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the state has been re-read
 * @user_data: data for @callback
 *
 * Re-reads the domain's state from libvirt in a worker thread. When several
 * refreshes overlap, only the newest one updates the machine.
 */
void
hangar_machine_refresh_async (HangarMachine       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_machine_refresh_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (++self->refresh_serial), NULL);
  g_task_run_in_thread (task, refresh_thread);
}

gboolean
hangar_machine_refresh_finish (HangarMachine  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_autoptr(RefreshResult) refreshed = NULL;

  g_return_val_if_fail (HANGAR_IS_MACHINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  refreshed = g_task_propagate_pointer (G_TASK (result), error);
  if (refreshed == NULL)
    return FALSE;

  /* An event may have arrived while we were reading: only the newest read counts. */
  if (refreshed->serial == self->refresh_serial)
    {
      self->persistent = refreshed->persistent;
      hangar_machine_set_details (self, &refreshed->details);
      hangar_machine_set_throwaway (self, refreshed->throwaway);
      hangar_machine_set_state (self, refreshed->state);
    }

  return TRUE;
}

static void
open_graphics_fd_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  HangarMachine *self = source_object;
  g_autoptr(GError) error = NULL;
  int fd;

  fd = gvir_domain_open_graphics_fd (self->domain, 0, 0, &error);
  if (fd < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      close (fd);
      return;
    }
  g_task_return_int (task, fd);
}

/**
 * hangar_machine_open_graphics_fd_async:
 * @self: a #HangarMachine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the descriptor
 * @user_data: data for @callback
 *
 * Asks libvirt for a connected socket to the running guest's first graphics
 * device: the display needs no network port, and nobody else can reach it.
 */
void
hangar_machine_open_graphics_fd_async (HangarMachine       *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_machine_open_graphics_fd_async);
  g_task_run_in_thread (task, open_graphics_fd_thread);
}

/**
 * hangar_machine_open_graphics_fd_finish:
 *
 * Returns: a descriptor the caller owns, or -1 with @error set
 */
int
hangar_machine_open_graphics_fd_finish (HangarMachine  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return (int) g_task_propagate_int (G_TASK (result), error);
}

/* hangar_machine_do_start: hangar_machine_run_async() runs it.
 *
 * Starts the machine (from its saved state when it has one: that is what
 * starting means to a user), or resumes it when it is paused. A machine
 * that runs is done. */
gboolean
hangar_machine_do_start (HangarMachineOp  *op,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_autofree char *previous = NULL;
  gboolean stamped = FALSE;
  int state = hangar_machine_op_get_state (op, error);

  if (state < 0)
    return FALSE;
  if (state == VIR_DOMAIN_RUNNING)
    return TRUE;
  if (state == VIR_DOMAIN_PAUSED)
    {
      if (virDomainResume (op->dom) < 0)
        return FAIL_LIBVIRT (op, _("Cannot resume “%s”: %s"), error);
      return TRUE;
    }

  /* A CD/DVD image replaced since it was chosen would boot another
   * system, or show another of the user's files to the guest. */
  if (virDomainIsPersistent (op->dom) == 1 && !hangar_machine_check_media (op->dom, error))
    return FALSE;

  /* "Last used" is recorded in the definition before the start, so the
   * refresh that the start's event brings reads it back. */
  if (virDomainIsPersistent (op->dom) == 1)
    stamped = hangar_machine_stamp_last_started (op->dom, g_get_real_time () / G_USEC_PER_SEC,
                                                 &previous);
  /* An overlay that an unseen end of a run without saving left would be
   * taken by the next such run (hangar-throwaway.c). */
  g_strfreev (hangar_throwaway_clean_domain (op->dom));
  if (virDomainCreate (op->dom) < 0)
    {
      /* Taken first: every libvirt call resets the thread's last error. */
      g_autofree char *message = g_strdup (hangar_libvirt_last_message ());

      if (stamped)
        hangar_machine_restore_last_started (op->dom, previous);
      return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED, _("Cannot start “%s”: %s"),
                                  op->name, message);
    }
  return TRUE;
}

/* hangar_machine_do_start_throwaway: hangar_machine_run_async() runs it.
 *
 * Starts the machine on overlays that take every write and go when it
 * stops (hangar-throwaway.c). Unlike Start, a machine that runs already is
 * refused: its run keeps what it writes. */
gboolean
hangar_machine_do_start_throwaway (HangarMachineOp  *op,
                                   GCancellable     *cancellable,
                                   GError          **error)
{
  g_autofree char *previous = NULL;
  gboolean stamped;
  int saved;
  int state = hangar_machine_op_get_state (op, error);

  if (state < 0)
    return FALSE;
  if (state != VIR_DOMAIN_SHUTOFF)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_STATE,
                                _("“%s” is running already: only a machine that is shut off "
                                  "can start without saving changes."), op->name);
  if (virDomainIsPersistent (op->dom) != 1)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                _("“%s” is only being tried out: its changes are discarded "
                                  "anyway."), op->name);
  saved = virDomainHasManagedSaveImage (op->dom, 0);
  if (saved < 0)
    return FAIL_LIBVIRT (op, _("Cannot read the state of “%s”: %s"), error);
  if (saved > 0)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_STATE,
                                _("“%s” has a saved state, which only a normal start can "
                                  "resume: discard the saved state first to start it without "
                                  "saving changes."), op->name);
  /* The install tracker would take the installer's reboot for the end of an
   * installation whose writes are then discarded, and leave a machine with
   * an empty disk and no installer. */
  {
    HangarMachineDetails details = { 0 };
    gboolean installing;

    hangar_machine_details_read (op->dom, &details);
    installing = details.installing;
    hangar_machine_details_clear (&details);
    if (installing)
      return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                  _("“%s” is installing its system: an installation run "
                                    "without saving changes would be lost. Start it normally "
                                    "to finish it."), op->name);
  }
  if (!hangar_machine_check_media (op->dom, error))
    return FALSE;

  stamped = hangar_machine_stamp_last_started (op->dom, g_get_real_time () / G_USEC_PER_SEC,
                                               &previous);
  if (!hangar_throwaway_start (op->dom, op->name, error))
    {
      if (stamped)
        hangar_machine_restore_last_started (op->dom, previous);
      return FALSE;
    }
  return TRUE;
}

static void
refresh_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hangar_machine_refresh_finish (HANGAR_MACHINE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Cannot read the state of a machine: %s", error->message);
}

void
hangar_machine_queue_refresh (HangarMachine *self)
{
  hangar_machine_refresh_async (self, self->cancellable, refresh_done, NULL);
}

static void
on_domain_started (HangarMachine *self)
{
  hangar_machine_set_state (self, HANGAR_MACHINE_STATE_RUNNING);
  hangar_machine_queue_refresh (self);
}

static void
on_domain_stopped (GVirDomain    *domain,
                   HangarMachine *self)
{
  /* The signal's detail says why; the new state (saved, crashed, stopped) is
   * read back rather than guessed from it. */
  hangar_machine_queue_refresh (self);
}

static void
on_domain_suspended (HangarMachine *self)
{
  hangar_machine_set_state (self, HANGAR_MACHINE_STATE_PAUSED);
  hangar_machine_queue_refresh (self);
}

static void
on_domain_changed (HangarMachine *self)
{
  hangar_machine_queue_refresh (self);
}

HangarMachine *
hangar_machine_new (GVirDomain *domain)
{
  g_return_val_if_fail (GVIR_IS_DOMAIN (domain), NULL);

  return g_object_new (HANGAR_TYPE_MACHINE, "domain", domain, NULL);
}

/**
 * hangar_machine_get_domain:
 * @self: a #HangarMachine
 *
 * Returns: (transfer none): the libvirt-gobject domain
 */
GVirDomain *
hangar_machine_get_domain (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), NULL);

  return self->domain;
}

const char *
hangar_machine_get_name (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), NULL);

  return gvir_domain_get_name (self->domain);
}

const char *
hangar_machine_get_uuid (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), NULL);

  return gvir_domain_get_uuid (self->domain);
}

HangarMachineState
hangar_machine_get_state (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), HANGAR_MACHINE_STATE_UNKNOWN);

  return self->state;
}

gboolean
hangar_machine_get_persistent (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), FALSE);

  return self->persistent;
}

/**
 * hangar_machine_get_sort_key:
 * @self: a #HangarMachine
 *
 * Returns: a key that sorts names as people expect ("VM 2" before "VM 10",
 *   case-insensitively), compared with strcmp()
 */
const char *
hangar_machine_get_sort_key (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), NULL);

  return self->sort_key;
}

/**
 * hangar_machine_get_os_name:
 * @self: a #HangarMachine
 *
 * Returns: (nullable): the name of the machine's OS ("Fedora 37"), from the
 *   libosinfo metadata of its definition, or %NULL when it names none
 */
const char *
hangar_machine_get_os_name (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), NULL);

  return self->details.os_name;
}

/**
 * hangar_machine_get_os_id:
 * @self: a #HangarMachine
 *
 * Returns: (nullable): the libosinfo id of the machine's OS
 */
const char *
hangar_machine_get_os_id (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), NULL);

  return self->details.os_id;
}

/**
 * hangar_machine_get_last_used:
 * @self: a #HangarMachine
 *
 * When the machine last started: as Hangar recorded it in the machine's
 * metadata when it started it, else as libvirt's QEMU log says.
 *
 * Returns: seconds since the epoch, or 0 when unknown
 */
gint64
hangar_machine_get_last_used (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), 0);

  return self->details.last_used;
}

/**
 * hangar_machine_is_gone:
 * @self: a #HangarMachine
 *
 * Returns: whether its domain has left libvirt for good: undefined (here or
 *   elsewhere), or a transient one that stopped. A machine whose daemon is
 *   only away is not gone. Windows showing a gone machine close.
 */
gboolean
hangar_machine_is_gone (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), FALSE);

  return self->gone;
}

/* Said by the collection, which sees domains leave. */
void
hangar_machine_mark_gone (HangarMachine *self)
{
  g_return_if_fail (HANGAR_IS_MACHINE (self));

  if (self->gone)
    return;
  self->gone = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GONE]);
}

/**
 * hangar_machine_get_installing:
 * @self: a #HangarMachine
 *
 * Returns: whether the machine boots its OS installer: its definition holds
 *   the mark that #HangarInstallTracker drops when the installation ends
 */
gboolean
hangar_machine_get_installing (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), FALSE);

  return self->details.installing;
}

/**
 * hangar_machine_get_throwaway:
 * @self: a #HangarMachine
 *
 * Returns: whether the machine runs without saving changes
 *   (%HANGAR_MACHINE_ACTION_START_THROWAWAY): what the guest writes to its
 *   disks is discarded when it stops
 */
gboolean
hangar_machine_get_throwaway (HangarMachine *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), FALSE);

  return self->throwaway;
}

static void
update_sort_key (HangarMachine *self)
{
  g_autofree char *folded = g_utf8_casefold (gvir_domain_get_name (self->domain), -1);

  g_free (self->sort_key);
  self->sort_key = g_utf8_collate_key_for_filename (folded, -1);
}

/* After a rename through this machine's own domain handle, whose name
 * libvirt's client updates: libvirt-gobject 4.0 signals nothing for it. */
void
hangar_machine_name_changed (HangarMachine *self)
{
  update_sort_key (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

static void
connect_domain (HangarMachine *self)
{
  g_signal_connect_object (self->domain, "started", G_CALLBACK (on_domain_started),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->domain, "resumed", G_CALLBACK (on_domain_started),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->domain, "stopped", G_CALLBACK (on_domain_stopped),
                           self, 0);
  g_signal_connect_object (self->domain, "suspended", G_CALLBACK (on_domain_suspended),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->domain, "pmsuspended", G_CALLBACK (on_domain_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->domain, "updated", G_CALLBACK (on_domain_changed),
                           self, G_CONNECT_SWAPPED);
}

/**
 * hangar_machine_replace_domain:
 * @self: a #HangarMachine
 * @domain: libvirt-gobject's new object for the same domain
 *
 * Follows @domain from now on: libvirt-gobject listed its domains anew (after
 * a rename made elsewhere, which it does not track), and sends the domain's
 * events to the new object. The name is read again, and the state.
 */
void
hangar_machine_replace_domain (HangarMachine *self,
                               GVirDomain    *domain)
{
  gboolean renamed;

  g_return_if_fail (HANGAR_IS_MACHINE (self));
  g_return_if_fail (GVIR_IS_DOMAIN (domain));
  g_return_if_fail (g_strcmp0 (gvir_domain_get_uuid (domain), gvir_domain_get_uuid (self->domain)) == 0);

  if (domain == self->domain)
    return;

  renamed = g_strcmp0 (gvir_domain_get_name (domain), gvir_domain_get_name (self->domain)) != 0;
  g_signal_handlers_disconnect_by_data (self->domain, self);
  g_ptr_array_add (self->retired_domains, g_steal_pointer (&self->domain));
  self->domain = g_object_ref (domain);
  connect_domain (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOMAIN]);
  if (renamed)
    hangar_machine_name_changed (self);
  hangar_machine_queue_refresh (self);
}

static void
hangar_machine_constructed (GObject *object)
{
  HangarMachine *self = HANGAR_MACHINE (object);

  G_OBJECT_CLASS (hangar_machine_parent_class)->constructed (object);

  update_sort_key (self);
  connect_domain (self);
  hangar_machine_queue_refresh (self);
}

static void
hangar_machine_dispose (GObject *object)
{
  HangarMachine *self = HANGAR_MACHINE (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (hangar_machine_parent_class)->dispose (object);
}

static void
hangar_machine_finalize (GObject *object)
{
  HangarMachine *self = HANGAR_MACHINE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->domain);
  g_clear_pointer (&self->retired_domains, g_ptr_array_unref);
  g_clear_pointer (&self->sort_key, g_free);
  hangar_machine_details_clear (&self->details);

  G_OBJECT_CLASS (hangar_machine_parent_class)->finalize (object);
}

static void
hangar_machine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HangarMachine *self = HANGAR_MACHINE (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_object (value, self->domain);
      break;
    case PROP_NAME:
      g_value_set_string (value, hangar_machine_get_name (self));
      break;
    case PROP_UUID:
      g_value_set_string (value, hangar_machine_get_uuid (self));
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STATE_LABEL:
      g_value_set_string (value, hangar_machine_state_to_label (self->state));
      break;
    case PROP_OS_NAME:
      g_value_set_string (value, self->details.os_name);
      break;
    case PROP_LAST_USED:
      g_value_set_int64 (value, self->details.last_used);
      break;
    case PROP_INSTALLING:
      g_value_set_boolean (value, self->details.installing);
      break;
    case PROP_GONE:
      g_value_set_boolean (value, self->gone);
      break;
    case PROP_THROWAWAY:
      g_value_set_boolean (value, self->throwaway);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_machine_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HangarMachine *self = HANGAR_MACHINE (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      self->domain = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_machine_class_init (HangarMachineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hangar_machine_constructed;
  object_class->dispose = hangar_machine_dispose;
  object_class->finalize = hangar_machine_finalize;
  object_class->get_property = hangar_machine_get_property;
  object_class->set_property = hangar_machine_set_property;

  properties[PROP_DOMAIN] =
    g_param_spec_object ("domain", NULL, NULL, GVIR_TYPE_DOMAIN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       HANGAR_TYPE_MACHINE_STATE, HANGAR_MACHINE_STATE_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE_LABEL] =
    g_param_spec_string ("state-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OS_NAME] =
    g_param_spec_string ("os-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_USED] =
    g_param_spec_int64 ("last-used", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INSTALLING] =
    g_param_spec_boolean ("installing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GONE] =
    g_param_spec_boolean ("gone", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_THROWAWAY] =
    g_param_spec_boolean ("throwaway", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_machine_init (HangarMachine *self)
{
  self->cancellable = g_cancellable_new ();
  self->retired_domains = g_ptr_array_new_with_free_func (g_object_unref);
  self->persistent = TRUE;
}
