/* hangar-machine-forwards.c
 *
 * A machine's port forwards (hangar-forwards.c says how the XML carries
 * them): listed from its definition, with whether the running machine has
 * each; added after the rules, every other machine's forwards and what
 * listens on the host; removed. A running machine's QEMU takes a change at
 * its next start: libvirt cannot change a -netdev of QEMU's command line,
 * and QEMU's monitor (hostfwd_add) would taint the machine and last one run.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-machine-config-private.h"
#include "hangar-machine-forwards.h"

static gboolean
check_persistent (HangarMachineOp  *op,
                  GError          **error)
{
  if (virDomainIsPersistent (op->dom) != 1)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                _("“%s” is a trial run: keep it before forwarding ports to it."),
                                op->name);
  return TRUE;
}

/* The running machine's forwards; an empty list when it is off. */
static GPtrArray *
running_forwards (HangarMachineOp *op)
{
  g_autofree char *xml = NULL;

  if (virDomainIsActive (op->dom) != 1 ||
      (xml = hangar_machine_op_dup_xml (op, 0, NULL)) == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_forward_free);
  return hangar_forwards_from_xml (xml, NULL);
}

static gboolean
contains (GPtrArray           *forwards,
          const HangarForward *forward)
{
  for (guint i = 0; forwards != NULL && i < forwards->len; i++)
    if (hangar_forward_equal (g_ptr_array_index (forwards, i), forward))
      return TRUE;
  return FALSE;
}

static GPtrArray *
config_forwards (HangarMachineOp  *op,
                 char            **xml_out,
                 GError          **error)
{
  g_autofree char *xml = hangar_machine_op_dup_config_xml (op, error);
  GPtrArray *forwards;

  if (xml == NULL)
    return NULL;
  forwards = hangar_forwards_from_xml (xml, error);
  if (xml_out != NULL)
    *xml_out = g_steal_pointer (&xml);
  return forwards;
}

static gboolean
do_list_forwards (HangarMachineOp  *op,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(GPtrArray) forwards = config_forwards (op, NULL, error);
  g_autoptr(GPtrArray) running = NULL;

  if (forwards == NULL)
    return FALSE;
  running = running_forwards (op);
  for (guint i = 0; i < forwards->len; i++)
    {
      HangarForward *forward = g_ptr_array_index (forwards, i);

      forward->active = contains (running, forward);
    }
  op->result = g_steal_pointer (&forwards);
  op->result_free = (GDestroyNotify) g_ptr_array_unref;
  return TRUE;
}

/**
 * hangar_machine_list_forwards_async:
 * @self: a #HangarMachine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the forwards
 * @user_data: data for @callback
 *
 * The machine's port forwards as its definition has them, each marked
 * active when the running machine has it now.
 */
void
hangar_machine_list_forwards_async (HangarMachine       *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_MACHINE (self));

  hangar_machine_op_run (self, hangar_machine_op_new (self, do_list_forwards),
                         hangar_machine_list_forwards_async, cancellable, callback, user_data);
}

/**
 * hangar_machine_list_forwards_finish:
 *
 * Returns: (transfer full) (element-type HangarForward): the forwards, or
 *   %NULL with @error set
 */
GPtrArray *
hangar_machine_list_forwards_finish (HangarMachine  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return hangar_machine_op_finish_pointer (self, result, hangar_machine_list_forwards_async,
                                           error);
}

/* Another machine of the connection that forwards @host_port, if any. */
static char *
other_machine_forwarding (HangarMachineOp *op,
                          guint            host_port)
{
  virConnectPtr conn = virDomainGetConnect (op->dom);
  virDomainPtr *domains = NULL;
  unsigned char uuid[VIR_UUID_BUFLEN];
  unsigned char other[VIR_UUID_BUFLEN];
  char *found = NULL;
  int n;

  if (virDomainGetUUID (op->dom, uuid) < 0 ||
      (n = virConnectListAllDomains (conn, &domains, 0)) < 0)
    return NULL;
  for (int i = 0; i < n; i++)
    {
      for (unsigned int flags = 0; found == NULL && flags <= VIR_DOMAIN_XML_INACTIVE;
           flags += VIR_DOMAIN_XML_INACTIVE)
        {
          char *xml;
          g_autoptr(GPtrArray) forwards = NULL;

          if (virDomainGetUUID (domains[i], other) < 0 || memcmp (uuid, other, sizeof uuid) == 0 ||
              (xml = virDomainGetXMLDesc (domains[i], flags)) == NULL)
            break;
          forwards = hangar_forwards_from_xml (xml, NULL);
          free (xml);
          for (guint j = 0; found == NULL && forwards != NULL && j < forwards->len; j++)
            if (((HangarForward *) g_ptr_array_index (forwards, j))->host_port == host_port)
              found = g_strdup (virDomainGetName (domains[i]));
        }
      virDomainFree (domains[i]);
    }
  free (domains);
  return found;
}

static gboolean
define (HangarMachineOp  *op,
        const char       *xml,
        GPtrArray        *forwards,
        GError          **error)
{
  g_autofree char *changed = hangar_forwards_apply_xml (xml, forwards, error);
  virDomainPtr defined;
  g_autoptr(GPtrArray) running = NULL;
  gboolean pending = FALSE;

  if (changed == NULL)
    return FALSE;
  if ((defined = virDomainDefineXML (virDomainGetConnect (op->dom), changed)) == NULL)
    return FAIL_LIBVIRT (op, _("Cannot change the port forwards of “%s”: %s"), error);
  virDomainFree (defined);

  /* Whether the running machine now differs from its definition. */
  running = running_forwards (op);
  if (virDomainIsActive (op->dom) == 1)
    {
      pending = running->len != forwards->len;
      for (guint i = 0; !pending && i < forwards->len; i++)
        pending = !contains (running, g_ptr_array_index (forwards, i));
    }
  return hangar_machine_op_set_live (op, pending);
}

static gboolean
do_add_forward (HangarMachineOp  *op,
                GCancellable     *cancellable,
                GError          **error)
{
  g_autoptr(HangarForward) forward = hangar_forward_new (op->arg1, op->number,
                                                         GPOINTER_TO_UINT (op->data));
  g_autofree char *xml = NULL;
  g_autofree char *other = NULL;
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(GPtrArray) running = NULL;

  if (!hangar_forward_check (forward->address, forward->host_port, forward->guest_port, error) ||
      !check_persistent (op, error) ||
      (forwards = config_forwards (op, &xml, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < forwards->len; i++)
    {
      HangarForward *existing = g_ptr_array_index (forwards, i);

      if (existing->host_port == forward->host_port)
        {
          g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_IN_USE,
                       _("The host port %u already forwards to the port %u of “%s”."),
                       existing->host_port, existing->guest_port, op->name);
          return FALSE;
        }
    }
  if ((other = other_machine_forwarding (op, forward->host_port)) != NULL)
    {
      g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_IN_USE,
                   _("The host port %u already forwards to “%s”."), forward->host_port, other);
      return FALSE;
    }
  /* The running machine's own listener, from a forward removed and added
   * again, is no other program. */
  running = running_forwards (op);
  if (!contains (running, forward) &&
      !hangar_forward_check_free (forward->address, forward->host_port, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  g_ptr_array_add (forwards, g_steal_pointer (&forward));
  return define (op, xml, forwards, error);
}

/**
 * hangar_machine_add_forward_async:
 * @self: a #HangarMachine
 * @address: (nullable): the host address to listen on; %NULL for 127.0.0.1
 * @host_port: the host's TCP port, 1024 or more
 * @guest_port: the guest's TCP port
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the forward is in the definition
 * @user_data: data for @callback
 *
 * Forwards @address:@host_port on the host to @guest_port of the guest's
 * user-mode network. Refused with the reason (%HANGAR_FORWARD_ERROR): a
 * port below 1024 or not a port, an address that is not IPv4 or not this
 * computer's, a host port this or another machine forwards already, or one
 * another program listens on. A running machine takes it at its next start.
 */
void
hangar_machine_add_forward_async (HangarMachine       *self,
                                  const char          *address,
                                  guint                host_port,
                                  guint                guest_port,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_add_forward);
  op->arg1 = g_strdup (address != NULL ? address : HANGAR_FORWARD_DEFAULT_ADDRESS);
  op->number = host_port;
  op->data = GUINT_TO_POINTER (guest_port);
  hangar_machine_op_run (self, op, hangar_machine_add_forward_async, cancellable, callback,
                         user_data);
}

/**
 * hangar_machine_add_forward_finish:
 * @pending: (out) (optional): %TRUE when the machine runs and takes the
 *   change at its next start
 */
gboolean
hangar_machine_add_forward_finish (HangarMachine  *self,
                                   GAsyncResult   *result,
                                   gboolean       *pending,
                                   GError        **error)
{
  return hangar_machine_finish_live (self, result, hangar_machine_add_forward_async, pending,
                                     error);
}

static gboolean
do_remove_forward (HangarMachineOp  *op,
                   GCancellable     *cancellable,
                   GError          **error)
{
  g_autofree char *xml = NULL;
  g_autoptr(GPtrArray) forwards = NULL;

  if (!check_persistent (op, error) || (forwards = config_forwards (op, &xml, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < forwards->len; i++)
    if (((HangarForward *) g_ptr_array_index (forwards, i))->host_port == op->number)
      {
        g_ptr_array_remove_index (forwards, i);
        if (g_cancellable_set_error_if_cancelled (cancellable, error))
          return FALSE;
        return define (op, xml, forwards, error);
      }
  g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_NOT_FOUND,
               _("“%s” has no forward from the host port %u."), op->name, op->number);
  return FALSE;
}

/**
 * hangar_machine_remove_forward_async:
 * @self: a #HangarMachine
 * @host_port: the host port of the forward
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the forward is gone from the definition
 * @user_data: data for @callback
 *
 * Removes the forward from @host_port (%HANGAR_FORWARD_ERROR_NOT_FOUND when
 * there is none). A running machine keeps listening until it stops.
 */
void
hangar_machine_remove_forward_async (HangarMachine       *self,
                                     guint                host_port,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_remove_forward);
  op->number = host_port;
  hangar_machine_op_run (self, op, hangar_machine_remove_forward_async, cancellable, callback,
                         user_data);
}

gboolean
hangar_machine_remove_forward_finish (HangarMachine  *self,
                                      GAsyncResult   *result,
                                      gboolean       *pending,
                                      GError        **error)
{
  return hangar_machine_finish_live (self, result, hangar_machine_remove_forward_async, pending,
                                     error);
}
