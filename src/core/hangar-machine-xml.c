/* hangar-machine-xml.c
 *
 * What the properties' files share: a domain's XML read and searched with
 * libxml2, Hangar's pool volume behind a path, and the "live or next boot"
 * result of a change.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/parser.h>

#include "hangar-machine-config-private.h"
#include "hangar-storage-pool-private.h"

/* ------------------------------------------------------------------------ */
/* XML and volumes                                                          */
/* ------------------------------------------------------------------------ */

gboolean
hangar_machine_is_active_state (int state)
{
  return state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_NOSTATE;
}

char *
hangar_machine_op_dup_xml (HangarMachineOp  *op,
                           unsigned int      flags,
                           GError          **error)
{
  char *raw = virDomainGetXMLDesc (op->dom, flags);
  char *xml;

  if (raw == NULL)
    {
      FAIL_LIBVIRT (op, _("Cannot read the definition of “%s”: %s"), error);
      return NULL;
    }
  xml = g_strdup (raw);
  free (raw);
  return xml;
}

/* The persistent definition when there is one, else the running machine's. */
char *
hangar_machine_op_dup_config_xml (HangarMachineOp  *op,
                                  GError          **error)
{
  unsigned int flags = virDomainIsPersistent (op->dom) == 1 ? VIR_DOMAIN_XML_INACTIVE : 0;

  return hangar_machine_op_dup_xml (op, flags, error);
}

xmlDocPtr
hangar_machine_op_parse_xml (const char       *xml,
                             HangarMachineOp  *op,
                             GError          **error)
{
  xmlDocPtr doc = xmlReadMemory (xml, (int) strlen (xml), "domain.xml", NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);

  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_FAILED,
                   _("Cannot read the definition of “%s”."), op->name);
      if (doc != NULL)
        xmlFreeDoc (doc);
      return NULL;
    }
  return doc;
}

/* The nodes @expr selects; NULL when none. */
xmlXPathObjectPtr
hangar_xml_select (xmlDocPtr   doc,
                   const char *expr)
{
  xmlXPathContextPtr context = xmlXPathNewContext (doc);
  xmlXPathObjectPtr nodes = xmlXPathEvalExpression (BAD_CAST expr, context);

  xmlXPathFreeContext (context);
  if (nodes != NULL && (nodes->nodesetval == NULL || nodes->nodesetval->nodeNr == 0))
    g_clear_pointer (&nodes, xmlXPathFreeObject);
  return nodes;
}

gboolean
hangar_xml_has_node (xmlDocPtr   doc,
                     const char *expr)
{
  xmlXPathObjectPtr nodes = hangar_xml_select (doc, expr);

  if (nodes == NULL)
    return FALSE;
  xmlXPathFreeObject (nodes);
  return TRUE;
}

char *
hangar_xml_get_prop (xmlNodePtr  node,
                     const char *name)
{
  xmlChar *raw = xmlGetProp (node, BAD_CAST name);
  char *value = raw != NULL ? g_strdup ((const char *) raw) : NULL;

  xmlFree (raw);
  return value;
}

xmlNodePtr
hangar_xml_first_child (xmlNodePtr  parent,
                        const char *name)
{
  for (xmlNodePtr child = parent != NULL ? parent->children : NULL; child != NULL;
       child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrcmp (child->name, BAD_CAST name) == 0)
      return child;
  return NULL;
}

/* The <disk> element whose target is @target, or of the first disk of
 * @device ("disk", "cdrom") when @target is NULL. */
xmlNodePtr
hangar_xml_find_disk (xmlDocPtr   doc,
                      const char *device,
                      const char *target)
{
  xmlXPathObjectPtr nodes = hangar_xml_select (doc, "/domain/devices/disk");
  xmlNodePtr found = NULL;

  for (int i = 0; nodes != NULL && i < nodes->nodesetval->nodeNr && found == NULL; i++)
    {
      xmlNodePtr node = nodes->nodesetval->nodeTab[i];
      g_autofree char *kind = hangar_xml_get_prop (node, "device");
      g_autofree char *dev = hangar_xml_get_prop (hangar_xml_first_child (node, "target"), "dev");

      if (g_strcmp0 (kind != NULL ? kind : "disk", device) != 0)
        continue;
      if (target == NULL || g_strcmp0 (dev, target) == 0)
        found = node;
    }
  if (nodes != NULL)
    xmlXPathFreeObject (nodes);
  return found;
}

char *
hangar_xml_node_to_string (xmlNodePtr node)
{
  xmlBufferPtr buffer = xmlBufferCreate ();
  char *text;

  xmlNodeDump (buffer, node->doc, node, 0, 0);
  text = g_strdup ((const char *) xmlBufferContent (buffer));
  xmlBufferFree (buffer);
  return text;
}

/* The volume of Hangar's pool at @path, else NULL: a file of the user's,
 * wherever it lies, is never one. */
virStorageVolPtr
hangar_machine_pool_volume_at (virConnectPtr  conn,
                               const char    *path)
{
  virStorageVolPtr vol = virStorageVolLookupByPath (conn, path);
  virStoragePoolPtr pool;

  if (vol == NULL)
    {
      /* A file made since the pool was last read is not known yet. */
      pool = virStoragePoolLookupByName (conn, HANGAR_STORAGE_POOL_NAME);
      if (pool != NULL)
        {
          if (virStoragePoolIsActive (pool) == 1)
            virStoragePoolRefresh (pool, 0);
          virStoragePoolFree (pool);
        }
      if ((vol = virStorageVolLookupByPath (conn, path)) == NULL)
        return NULL;
    }

  return hangar_storage_pool_keep_own (vol);
}

gboolean
hangar_machine_op_set_live (HangarMachineOp *op,
                            gboolean         live)
{
  gboolean *result = g_new (gboolean, 1);

  *result = live;
  op->result = result;
  op->result_free = g_free;
  return TRUE;
}

gboolean
hangar_machine_finish_live (HangarMachine  *self,
                            GAsyncResult   *result,
                            gpointer        source_tag,
                            gboolean       *live,
                            GError        **error)
{
  g_autofree gboolean *applied = hangar_machine_op_finish_pointer (self, result, source_tag, error);

  if (live != NULL)
    *live = applied != NULL && *applied;
  return applied != NULL;
}
