/* hangar-machine-actions.c
 *
 * What a user does to a machine: shut it down, force it off, pause, resume,
 * reboot, save its state, take a screenshot. Each runs libvirt's call in a
 * GTask thread and says in a sentence what went wrong.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-throwaway.h"
#include "hangar-machine-private.h"

/* How often a shutdown looks whether the guest has stopped. */
#define SHUTDOWN_POLL_US (100 * 1000)

G_DEFINE_QUARK (hangar-machine-error-quark, hangar_machine_error)

static void
op_free (HangarMachineOp *op)
{
  if (op->dom != NULL)
    virDomainFree (op->dom);
  if (op->result != NULL && op->result_free != NULL)
    op->result_free (op->result);
  g_free (op->name);
  g_free (op->arg1);
  g_free (op->arg2);
  g_free (op->mime_type);
  if (op->data != NULL && op->data_free != NULL)
    op->data_free (op->data);
  g_free (op);
}

HangarMachineOp *
hangar_machine_op_new (HangarMachine       *self,
                       HangarMachineOpFunc  func)
{
  HangarMachineOp *op = g_new0 (HangarMachineOp, 1);

  op->func = func;
  op->name = g_strdup (hangar_machine_get_name (self));
  op->dom = hangar_libvirt_dup_domain (hangar_machine_get_domain (self));
  return op;
}

static void
op_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  HangarMachineOp *op = task_data;
  g_autoptr(GError) error = NULL;

  if (op->dom == NULL)
    {
      g_task_return_new_error (task, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_FAILED,
                               _("The connection to libvirt is not open."));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  if (!op->func (op, cancellable, &error))
    {
      g_assert (error != NULL);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else if (op->result_free != NULL)
    g_task_return_pointer (task, g_steal_pointer (&op->result), op->result_free);
  else
    g_task_return_boolean (task, TRUE);
}

/* Takes @op. */
void
hangar_machine_op_run (HangarMachine       *self,
                       HangarMachineOp     *op,
                       gpointer             source_tag,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  /* op_thread checks the cancellable before it starts, and an operation
   * cancelled half-way undoes itself: what it returns is the truth (a clone
   * defined just as the caller gave up is there, and is reported). */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, op_thread);
}

gboolean
hangar_machine_op_finish (HangarMachine  *self,
                          GAsyncResult   *result,
                          gpointer        source_tag,
                          GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  /* Events say most of it; this catches what they do not (a saved image). */
  hangar_machine_queue_refresh (self);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gpointer
hangar_machine_op_finish_pointer (HangarMachine  *self,
                                  GAsyncResult   *result,
                                  gpointer        source_tag,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  hangar_machine_queue_refresh (self);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* libvirt's state (VIR_DOMAIN_RUNNING, …), or -1 with @error set. */
int
hangar_machine_op_get_state (HangarMachineOp  *op,
                             GError          **error)
{
  int state, reason;

  if (virDomainGetState (op->dom, &state, &reason, 0) < 0)
    {
      g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_FAILED,
                   _("Cannot read the state of “%s”: %s"), op->name,
                   hangar_libvirt_last_message ());
      return -1;
    }
  return state;
}

static gboolean
is_active_state (int state)
{
  return state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_NOSTATE;
}

static gboolean
fail_not_running (HangarMachineOp  *op,
                  GError          **error)
{
  g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE,
               _("“%s” is not running."), op->name);
  return FALSE;
}

/* Reads libvirt's state into @state; fails unless the machine has a running
 * (or paused, or suspended) QEMU. */
static gboolean
get_active_state (HangarMachineOp  *op,
                  int              *state,
                  GError          **error)
{
  *state = hangar_machine_op_get_state (op, error);
  if (*state < 0)
    return FALSE;
  if (!is_active_state (*state))
    return fail_not_running (op, error);
  return TRUE;
}

gboolean
hangar_machine_fail (GError             **error,
                     HangarMachineError   code,
                     const char          *format,
                     ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (HANGAR_MACHINE_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* shutdown                                                                 */
/* ------------------------------------------------------------------------ */

/* hangar_machine_do_shutdown: hangar_machine_run_async() runs it.
 *
 * Presses the machine's ACPI power button (resuming it first when it is
 * paused) and waits up to op->number seconds (0: not at all) for the guest
 * to power off. When it does not, the error is
 * %HANGAR_MACHINE_ERROR_SHUTDOWN_TIMEOUT and the UI can offer Force Off.
 */
gboolean
hangar_machine_do_shutdown (HangarMachineOp  *op,
                            GCancellable     *cancellable,
                            GError          **error)
{
  gint64 deadline;
  unsigned int run;
  int state;

  if (!get_active_state (op, &state, error))
    return FALSE;
  /* The run being shut down: a machine that stops and is started again
   * between two looks has a new one, and its shutdown is done. */
  run = virDomainGetID (op->dom);

  /* A paused processor cannot see the power button. */
  if (state == VIR_DOMAIN_PAUSED && virDomainResume (op->dom) < 0)
    return FAIL_LIBVIRT (op, _("Cannot resume “%s” to shut it down: %s"), error);

  /* The power button, as on a real computer: every guest with ACPI knows it,
   * and none needs an agent for it. */
  if (virDomainShutdownFlags (op->dom, VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) < 0)
    return FAIL_LIBVIRT (op, _("Cannot shut down “%s”: %s"), error);

  if (op->number == 0)
    return TRUE;

  deadline = g_get_monotonic_time () + (gint64) op->number * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      state = hangar_machine_op_get_state (op, NULL);
      /* Gone (a transient machine) counts as stopped. */
      if (state < 0 || !is_active_state (state) || virDomainGetID (op->dom) != run)
        return TRUE;
      g_usleep (SHUTDOWN_POLL_US);
    }

  g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_SHUTDOWN_TIMEOUT,
               g_dngettext (GETTEXT_PACKAGE,
                            "“%s” did not shut down within %u second. The system in it may be "
                            "busy or may ignore the power button; force it off to stop it.",
                            "“%s” did not shut down within %u seconds. The system in it may be "
                            "busy or may ignore the power button; force it off to stop it.",
                            op->number),
               op->name, op->number);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* force off, pause, resume, reboot                                         */
/* ------------------------------------------------------------------------ */

/* hangar_machine_do_force_off: hangar_machine_run_async() runs it.
 *
 * Stops the machine at once, like pulling its power cord: what the guest had
 * not written to its disk is lost.
 */
gboolean
hangar_machine_do_force_off (HangarMachineOp  *op,
                             GCancellable     *cancellable,
                             GError          **error)
{
  int state;

  if (!get_active_state (op, &state, error))
    return FALSE;
  if (virDomainDestroy (op->dom) < 0)
    return FAIL_LIBVIRT (op, _("Cannot force “%s” off: %s"), error);
  return TRUE;
}

/* hangar_machine_do_pause: hangar_machine_run_async() runs it.
 *
 * Stops the machine's processors; its memory stays. A paused machine is done.
 */
gboolean
hangar_machine_do_pause (HangarMachineOp  *op,
                         GCancellable     *cancellable,
                         GError          **error)
{
  int state = hangar_machine_op_get_state (op, error);

  if (state < 0)
    return FALSE;
  if (state == VIR_DOMAIN_PAUSED)
    return TRUE;
  if (!is_active_state (state))
    return fail_not_running (op, error);
  if (virDomainSuspend (op->dom) < 0)
    return FAIL_LIBVIRT (op, _("Cannot pause “%s”: %s"), error);
  return TRUE;
}

/* hangar_machine_do_resume: hangar_machine_run_async() runs it.
 *
 * Resumes a paused machine. A machine that already runs is done.
 */
gboolean
hangar_machine_do_resume (HangarMachineOp  *op,
                          GCancellable     *cancellable,
                          GError          **error)
{
  int state = hangar_machine_op_get_state (op, error);

  if (state < 0)
    return FALSE;
  if (state == VIR_DOMAIN_RUNNING)
    return TRUE;
  if (state != VIR_DOMAIN_PAUSED)
    {
      g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE,
                   _("“%s” is not paused."), op->name);
      return FALSE;
    }
  if (virDomainResume (op->dom) < 0)
    return FAIL_LIBVIRT (op, _("Cannot resume “%s”: %s"), error);
  return TRUE;
}

/* hangar_machine_do_reboot: hangar_machine_run_async() runs it.
 *
 * Asks the guest to restart; it does so in its own time. A machine that is
 * still installing (its definition says `on_reboot` destroy, so that
 * #HangarInstallTracker sees the installer's restart) stops instead.
 */
gboolean
hangar_machine_do_reboot (HangarMachineOp  *op,
                          GCancellable     *cancellable,
                          GError          **error)
{
  int state = hangar_machine_op_get_state (op, error);

  if (state < 0)
    return FALSE;
  if (state != VIR_DOMAIN_RUNNING)
    {
      g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE,
                   _("“%s” is not running; only a running machine can restart."), op->name);
      return FALSE;
    }
  /* libvirt chooses: the guest agent when there is one, else the power
   * button, after which it starts the machine again. */
  if (virDomainReboot (op->dom, 0) < 0)
    return FAIL_LIBVIRT (op, _("Cannot restart “%s”: %s"), error);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* save state                                                               */
/* ------------------------------------------------------------------------ */

/* hangar_machine_do_save: hangar_machine_run_async() runs it.
 *
 * Writes the running machine's memory to disk and stops it; its state
 * becomes %HANGAR_MACHINE_STATE_SAVED. Start restores it (libvirt resumes
 * from a managed save image when there is one).
 */
gboolean
hangar_machine_do_save (HangarMachineOp  *op,
                        GCancellable     *cancellable,
                        GError          **error)
{
  int state;

  if (!get_active_state (op, &state, error))
    return FALSE;
  if (virDomainIsPersistent (op->dom) != 1)
    {
      g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                   _("“%s” is only being tried out: keep it to save its state."), op->name);
      return FALSE;
    }
  if (hangar_throwaway_is_running (op->dom))
    {
      g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                   _("“%s” runs without saving changes: its state cannot be saved, since "
                     "what it wrote is discarded when it stops."), op->name);
      return FALSE;
    }
  /* libvirt's managed save: the next start restores it. */
  if (virDomainManagedSave (op->dom, 0) < 0)
    return FAIL_LIBVIRT (op, _("Cannot save the state of “%s”: %s"), error);
  return TRUE;
}

static gboolean
do_discard_saved_state (HangarMachineOp  *op,
                        GCancellable     *cancellable,
                        GError          **error)
{
  int saved = virDomainHasManagedSaveImage (op->dom, 0);

  if (saved < 0)
    return FAIL_LIBVIRT (op, _("Cannot read the state of “%s”: %s"), error);
  if (saved == 0)
    return TRUE;
  if (virDomainManagedSaveRemove (op->dom, 0) < 0)
    return FAIL_LIBVIRT (op, _("Cannot discard the saved state of “%s”: %s"), error);
  return TRUE;
}

/**
 * hangar_machine_discard_saved_state_async:
 * @self: a #HangarMachine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the saved state is gone
 * @user_data: data for @callback
 *
 * Forgets a saved state: the next start boots afresh.
 */
void
hangar_machine_discard_saved_state_async (HangarMachine       *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_MACHINE (self));

  hangar_machine_op_run (self, hangar_machine_op_new (self, do_discard_saved_state),
                         hangar_machine_discard_saved_state_async, cancellable, callback,
                         user_data);
}

gboolean
hangar_machine_discard_saved_state_finish (HangarMachine  *self,
                                           GAsyncResult   *result,
                                           GError        **error)
{
  return hangar_machine_op_finish (self, result, hangar_machine_discard_saved_state_async, error);
}

/* ------------------------------------------------------------------------ */
/* screenshot                                                               */
/* ------------------------------------------------------------------------ */

static gboolean
do_screenshot (HangarMachineOp  *op,
               GCancellable     *cancellable,
               GError          **error)
{
  virConnectPtr conn = virDomainGetConnect (op->dom);
  g_autoptr(GByteArray) data = g_byte_array_new ();
  virStreamPtr stream;
  char *mime;
  char buffer[65536];
  int n;

  if (!is_active_state (hangar_machine_op_get_state (op, NULL)))
    return fail_not_running (op, error);

  /* A blocking stream: this is a worker thread. */
  stream = virStreamNew (conn, 0);
  if (stream == NULL)
    return FAIL_LIBVIRT (op, _("Cannot take a screenshot of “%s”: %s"), error);
  mime = virDomainScreenshot (op->dom, stream, op->number, 0);
  if (mime == NULL)
    {
      /* Read libvirt's message before the next call resets it. */
      FAIL_LIBVIRT (op, _("Cannot take a screenshot of “%s”: %s"), error);
      virStreamFree (stream);
      return FALSE;
    }

  while ((n = virStreamRecv (stream, buffer, sizeof buffer)) > 0)
    {
      g_byte_array_append (data, (const guint8 *) buffer, (guint) n);
      if (g_cancellable_is_cancelled (cancellable))
        break;
    }
  if (n < 0 || g_cancellable_is_cancelled (cancellable))
    {
      if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        FAIL_LIBVIRT (op, _("Cannot take a screenshot of “%s”: %s"), error);
      virStreamAbort (stream);
      virStreamFree (stream);
      free (mime);
      return FALSE;
    }
  virStreamFinish (stream);
  virStreamFree (stream);

  op->mime_type = g_strdup (mime);
  free (mime);
  op->result = g_byte_array_free_to_bytes (g_steal_pointer (&data));
  return TRUE;
}

/**
 * hangar_machine_screenshot_async:
 * @self: a #HangarMachine
 * @screen: the guest's screen, 0 for the first
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the image
 * @user_data: data for @callback
 *
 * Takes a screenshot of the running machine, in whatever format QEMU gives
 * (PNG with QEMU 7.2 and libvirt 9.0, PPM with older ones).
 */
void
hangar_machine_screenshot_async (HangarMachine       *self,
                                 guint                screen,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_screenshot);
  op->number = screen;
  op->result_free = (GDestroyNotify) g_bytes_unref;
  hangar_machine_op_run (self, op, hangar_machine_screenshot_async, cancellable, callback,
                         user_data);
}

/**
 * hangar_machine_screenshot_finish:
 * @mime_type: (out) (optional) (transfer full): the image's MIME type
 *
 * Returns: (transfer full): the image's bytes, or %NULL with @error set
 */
GBytes *
hangar_machine_screenshot_finish (HangarMachine  *self,
                                  GAsyncResult   *result,
                                  char          **mime_type,
                                  GError        **error)
{
  GBytes *bytes = hangar_machine_op_finish_pointer (self, result, hangar_machine_screenshot_async,
                                                    error);

  if (mime_type != NULL)
    {
      HangarMachineOp *op = g_task_get_task_data (G_TASK (result));

      *mime_type = bytes != NULL ? g_strdup (op->mime_type) : NULL;
    }
  return bytes;
}
