/* hangar-libvirt.c
 *
 * Hangar's one layer over libvirt's C API: initialisation, libvirt's last
 * error as text, references on the handles inside libvirt-gobject's
 * objects, and the names the domains of a connection hold.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-libvirt"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "hangar-libvirt.h"

/* libvirt-gobject 4.0 meets lifecycle events it does not know (a domain
 * renamed, or defined from a snapshot) with g_warn_if_reached(): a warning
 * on the terminal at every rename or revert, that nobody can act on. Only
 * that one goes; a fatal one still aborts. */
static GLogWriterOutput
quiet_unknown_events (GLogLevelFlags   level,
                      const GLogField *fields,
                      gsize            n_fields,
                      gpointer         user_data)
{
  /* Debian's libvirt-gobject logs without a domain: the message says it. */
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0 && g_str_equal (fields[i].key, "MESSAGE") &&
        strstr (fields[i].value, "libvirt-gobject-connection.c") != NULL &&
        strstr (fields[i].value, "domain_event_cb: code should not be reached") != NULL &&
        !(level & G_LOG_FLAG_FATAL))
      return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/**
 * hangar_libvirt_init:
 * @error: return location for an error
 *
 * Initialises libvirt-gobject and hooks libvirt's event loop into GLib's
 * default main context, so that domain events arrive on the UI thread; and
 * keeps libvirt-gobject's warning about events it does not know off the
 * terminal. Safe to call more than once.
 *
 * Returns: whether libvirt can be used
 */
gboolean
hangar_libvirt_init (GError **error)
{
  static gsize quieted = 0;

  if (g_once_init_enter (&quieted))
    {
      g_log_set_writer_func (quiet_unknown_events, NULL, NULL);
      g_once_init_leave (&quieted, 1);
    }
  return gvir_init_object_check (NULL, NULL, error);
}

/**
 * hangar_libvirt_last_message:
 *
 * libvirt keeps the last error of each thread: this is its text, for a
 * sentence that says what failed ("Cannot start “%s”: %s"). Call it in the
 * thread that made the failing call, before any other libvirt call.
 *
 * Returns: (transfer none): libvirt's message, never %NULL
 */
const char *
hangar_libvirt_last_message (void)
{
  const char *message = virGetLastErrorMessage ();

  return message != NULL ? message : _("unknown error");
}

/**
 * hangar_libvirt_dup_connect:
 * @connection: (nullable): a libvirt-gobject connection
 *
 * A reference of the caller's own on the connection's handle, which stays
 * valid when @connection is closed or finalized. Release it with
 * virConnectClose().
 *
 * Returns: (transfer full) (nullable): the handle, or %NULL when @connection
 *   is %NULL or not open
 */
virConnectPtr
hangar_libvirt_dup_connect (GVirConnection *connection)
{
  virConnectPtr conn = NULL;

  g_return_val_if_fail (connection == NULL || GVIR_IS_CONNECTION (connection), NULL);

  /* The boxed getter takes a reference. */
  if (connection != NULL)
    g_object_get (connection, "handle", &conn, NULL);
  return conn;
}

/**
 * hangar_libvirt_dup_domain:
 * @domain: (nullable): a libvirt-gobject domain
 *
 * A reference of the caller's own on the domain's handle. Release it with
 * virDomainFree().
 *
 * Returns: (transfer full) (nullable): the handle, or %NULL
 */
virDomainPtr
hangar_libvirt_dup_domain (GVirDomain *domain)
{
  virDomainPtr dom = NULL;

  g_return_val_if_fail (domain == NULL || GVIR_IS_DOMAIN (domain), NULL);

  if (domain != NULL)
    g_object_get (domain, "handle", &dom, NULL);
  return dom;
}

/**
 * hangar_libvirt_dup_volume:
 * @volume: (nullable): a libvirt-gobject storage volume
 *
 * A reference of the caller's own on the volume's handle. Release it with
 * virStorageVolFree().
 *
 * Returns: (transfer full) (nullable): the handle, or %NULL
 */
virStorageVolPtr
hangar_libvirt_dup_volume (GVirStorageVol *volume)
{
  virStorageVolPtr vol = NULL;

  g_return_val_if_fail (volume == NULL || GVIR_IS_STORAGE_VOL (volume), NULL);

  if (volume != NULL)
    g_object_get (volume, "handle", &vol, NULL);
  return vol;
}

/**
 * hangar_libvirt_list_domain_names:
 * @conn: an open connection
 *
 * The names every domain of @conn holds, defined or running only
 * (transient): the names a new machine, a clone or a renamed machine
 * cannot take. Blocking.
 *
 * Returns: (transfer full) (element-type utf8 utf8) (nullable): a set of
 *   names (as keys), or %NULL when libvirt cannot list the domains; then
 *   hangar_libvirt_last_message() says why
 */
GHashTable *
hangar_libvirt_list_domain_names (virConnectPtr conn)
{
  GHashTable *names;
  virDomainPtr *domains = NULL;
  int n;

  g_return_val_if_fail (conn != NULL, NULL);

  n = virConnectListAllDomains (conn, &domains, 0);
  if (n < 0)
    return NULL;

  names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < n; i++)
    {
      g_hash_table_add (names, g_strdup (virDomainGetName (domains[i])));
      virDomainFree (domains[i]);
    }
  free (domains);
  return names;
}

/**
 * hangar_libvirt_domain_name_taken:
 * @conn: an open connection
 * @name: a domain name
 *
 * Blocking.
 *
 * Returns: whether a domain of @conn, defined or transient, is called @name
 */
gboolean
hangar_libvirt_domain_name_taken (virConnectPtr  conn,
                                  const char    *name)
{
  virDomainPtr other;

  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  other = virDomainLookupByName (conn, name);
  if (other == NULL)
    return FALSE;
  virDomainFree (other);
  return TRUE;
}

/**
 * hangar_libvirt_max_vcpus:
 * @conn: a connection
 * @emulator: (nullable): the emulator's path; %NULL for libvirt's default
 * @arch: (nullable): the guest architecture
 * @machine: (nullable): the machine type ("q35", "pc-q35-7.2")
 * @virt_type: (nullable): "kvm" or "qemu"
 *
 * Blocking: for worker threads. The most processors a machine of this type
 * can have, as libvirt's domain capabilities say (`<vcpu max='…'/>`).
 *
 * Returns: the maximum, or 0 when libvirt cannot say
 */
guint
hangar_libvirt_max_vcpus (virConnectPtr  conn,
                          const char    *emulator,
                          const char    *arch,
                          const char    *machine,
                          const char    *virt_type)
{
  char *xml;
  xmlDocPtr doc;
  xmlXPathContextPtr context;
  xmlXPathObjectPtr found;
  guint64 max = 0;

  g_return_val_if_fail (conn != NULL, 0);

  xml = virConnectGetDomainCapabilities (conn, emulator, arch, machine, virt_type, 0);
  if (xml == NULL)
    {
      g_debug ("No domain capabilities for %s: %s", machine != NULL ? machine : "(default)",
               hangar_libvirt_last_message ());
      virResetLastError ();
      return 0;
    }
  doc = xmlReadMemory (xml, (int) strlen (xml), "domcapabilities.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  free (xml);
  if (doc == NULL)
    return 0;
  context = xmlXPathNewContext (doc);
  found = xmlXPathEvalExpression (BAD_CAST "string(/domainCapabilities/vcpu/@max)", context);
  if (found != NULL && found->type == XPATH_STRING && found->stringval != NULL)
    max = g_ascii_strtoull ((const char *) found->stringval, NULL, 10);
  xmlXPathFreeObject (found);
  xmlXPathFreeContext (context);
  xmlFreeDoc (doc);
  return (guint) MIN (max, G_MAXUINT);
}
