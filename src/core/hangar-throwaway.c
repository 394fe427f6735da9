/* hangar-throwaway.c
 *
 * Runs without saving changes ("throwaway runs").
 *
 * How: libvirt 9.0's <transient/> disks. The machine's persistent definition
 * is never touched: its inactive XML, with <transient/> added to every
 * writable disk, is started with virDomainCreateXML() under the same name
 * and UUID. libvirt accepts that for a defined machine that is shut off and
 * keeps the definition apart from the live one, so when the run ends, in any
 * way, the machine is again exactly what it was; nothing has to be put back,
 * and a crash cannot leave a half-changed definition. For each such disk
 * libvirt makes a qcow2 overlay, DISK.TRANSIENT-NAME beside the disk, that
 * takes every write, and deletes it when QEMU stops: a shutdown, Force Off,
 * QEMU killed (kill -9) or crashed, Hangar quit or killed (the run goes on
 * without it, and ends as any other). libvirt also refuses what would keep
 * the guest's changes (saving its state, snapshots), and Hangar says why
 * first.
 *
 * One case escapes libvirt: when QEMU dies while the session daemon is not
 * running (killed, or the computer lost power), the daemon that starts next
 * finds the machine shut off and leaves the overlay. So Hangar removes
 * leftovers itself: before every start of a machine, and for every machine
 * that is shut off whenever a connection is made (with the other leftovers
 * of hangar-pending.c). A leftover is only removed when it is the overlay
 * libvirt names for that machine's disk, a qcow2 image whose backing file
 * is that disk: never any other file.
 *
 * The guest's UEFI variables (NVRAM) are not disks: a change to them (a boot
 * entry) stays.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hangar-libvirt.h"
#include "hangar-machine.h"
#include "hangar-machine-config-private.h"
#include "hangar-throwaway.h"

/* libvirt 9.0's name for a transient disk's overlay (qemuSnapshotDiskCreate…):
 * beside the disk, its path, this and the domain's name. */
#define OVERLAY_INFIX ".TRANSIENT-"

static xmlDocPtr
parse (const char *xml)
{
  if (xml == NULL)
    return NULL;
  return xmlReadMemory (xml, (int) strlen (xml), "domain.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
}

/* The disks whose writes a run without saving must take: disks (not CD/DVD
 * drives or floppies) that the guest may write. */
static gboolean
is_writable_disk (xmlNodePtr disk)
{
  g_autofree char *device = hangar_xml_get_prop (disk, "device");

  return (device == NULL || g_str_equal (device, "disk")) &&
         hangar_xml_first_child (disk, "readonly") == NULL;
}

static GPtrArray *
list_disks (xmlDocPtr doc)
{
  GPtrArray *disks = g_ptr_array_new ();
  xmlNodePtr devices = hangar_xml_first_child (xmlDocGetRootElement (doc), "devices");

  for (xmlNodePtr node = devices != NULL ? devices->children : NULL; node != NULL;
       node = node->next)
    if (node->type == XML_ELEMENT_NODE && xmlStrcmp (node->name, BAD_CAST "disk") == 0)
      g_ptr_array_add (disks, node);
  return disks;
}

/**
 * hangar_throwaway_domain_xml:
 * @inactive_xml: a machine's persistent definition
 * @name: the machine's name, for messages
 * @error: where to put an error
 *
 * The definition a run without saving starts: @inactive_xml with
 * `<transient/>` on every disk the guest may write. Refused
 * (%HANGAR_MACHINE_ERROR_NOT_SUPPORTED, saying why) when a writable disk is
 * not a file, or is shared with other machines: libvirt cannot put such a
 * disk on an overlay, and a run that kept its writes would not be what the
 * user asked for.
 *
 * Returns: (transfer full) (nullable): the XML to start
 */
char *
hangar_throwaway_domain_xml (const char  *inactive_xml,
                             const char  *name,
                             GError     **error)
{
  xmlDocPtr doc = parse (inactive_xml);
  g_autoptr(GPtrArray) disks = NULL;
  xmlChar *out = NULL;
  int out_len = 0;
  char *result;

  g_return_val_if_fail (name != NULL, NULL);

  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      if (doc != NULL)
        xmlFreeDoc (doc);
      g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_FAILED,
                   _("Cannot read the definition of “%s”."), name);
      return NULL;
    }

  disks = list_disks (doc);
  for (guint i = 0; i < disks->len; i++)
    {
      xmlNodePtr disk = disks->pdata[i];
      g_autofree char *type = hangar_xml_get_prop (disk, "type");

      if (!is_writable_disk (disk) || hangar_xml_first_child (disk, "transient") != NULL)
        continue;
      if (g_strcmp0 (type, "file") != 0)
        {
          g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                       _("“%s” has a disk that is not a file, so its changes cannot be "
                         "discarded: it can only run normally."), name);
          xmlFreeDoc (doc);
          return NULL;
        }
      if (hangar_xml_first_child (disk, "shareable") != NULL)
        {
          g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                       _("“%s” has a disk shared with other machines, so its changes cannot "
                         "be discarded: it can only run normally."), name);
          xmlFreeDoc (doc);
          return NULL;
        }
      xmlNewChild (disk, NULL, BAD_CAST "transient", NULL);
    }

  xmlDocDumpMemory (doc, &out, &out_len);
  result = g_strndup ((const char *) out, (gsize) out_len);
  xmlFree (out);
  xmlFreeDoc (doc);
  return result;
}

/**
 * hangar_throwaway_live_xml_is_throwaway:
 * @live_xml: (nullable): a running machine's live XML
 *
 * Returns: whether the run discards its changes: a disk of it is transient
 */
gboolean
hangar_throwaway_live_xml_is_throwaway (const char *live_xml)
{
  xmlDocPtr doc = parse (live_xml);
  g_autoptr(GPtrArray) disks = NULL;
  gboolean throwaway = FALSE;

  if (doc == NULL)
    return FALSE;
  disks = list_disks (doc);
  for (guint i = 0; i < disks->len && !throwaway; i++)
    throwaway = hangar_xml_first_child (disks->pdata[i], "transient") != NULL;
  xmlFreeDoc (doc);
  return throwaway;
}

/**
 * hangar_throwaway_overlay_path:
 * @disk_path: a disk's file
 * @domain_name: its machine's name in libvirt
 *
 * Returns: (transfer full): where libvirt puts the disk's overlay during a
 *   run without saving
 */
char *
hangar_throwaway_overlay_path (const char *disk_path,
                               const char *domain_name)
{
  return g_strconcat (disk_path, OVERLAY_INFIX, domain_name, NULL);
}

/**
 * hangar_throwaway_is_overlay_of:
 * @overlay_path: a file
 * @disk_path: a disk's file
 *
 * Blocking. Reads no more than the qcow2 header and the backing file's name.
 *
 * Returns: whether @overlay_path is a regular file (not a link) holding a
 *   qcow2 image whose backing file is @disk_path: what a run without saving
 *   makes, and nothing a user keeps
 */
gboolean
hangar_throwaway_is_overlay_of (const char *overlay_path,
                                const char *disk_path)
{
  guint8 header[20];
  guint64 offset;
  guint32 size;
  g_autofree char *backing = NULL;
  gboolean same = FALSE;
  int fd;

  fd = open (overlay_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  {
    struct stat st;

    if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) ||
        pread (fd, header, sizeof header, 0) != (ssize_t) sizeof header ||
        memcmp (header, "QFI\xfb", 4) != 0)
      goto out;
  }
  memcpy (&offset, header + 8, sizeof offset);
  memcpy (&size, header + 16, sizeof size);
  offset = GUINT64_FROM_BE (offset);
  size = GUINT32_FROM_BE (size);
  /* qcow2 limits the name to 1023 bytes. */
  if (offset == 0 || size == 0 || size > 1023 || offset > G_MAXINT64)
    goto out;
  backing = g_malloc0 (size + 1);
  if (pread (fd, backing, size, (off_t) offset) != (ssize_t) size)
    goto out;
  same = g_str_equal (backing, disk_path);

out:
  close (fd);
  return same;
}

/**
 * hangar_throwaway_start:
 * @dom: a machine that is shut off, with no saved state
 * @name: its name, for messages
 * @error: where to put an error
 *
 * Blocking. Starts @dom without saving changes (see the top of this file);
 * removes what an earlier run left first.
 *
 * Returns: whether it runs
 */
gboolean
hangar_throwaway_start (virDomainPtr   dom,
                        const char    *name,
                        GError       **error)
{
  g_auto(GStrv) cleaned = NULL;
  g_autofree char *xml = NULL;
  char *inactive;
  virDomainPtr started;

  inactive = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if (inactive == NULL)
    {
      g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_FAILED,
                   _("Cannot read the definition of “%s”: %s"), name,
                   hangar_libvirt_last_message ());
      return FALSE;
    }
  xml = hangar_throwaway_domain_xml (inactive, name, error);
  free (inactive);
  if (xml == NULL)
    return FALSE;

  /* A leftover overlay would be taken for this run's: libvirt refuses to
   * start on an existing one. */
  cleaned = hangar_throwaway_clean_domain (dom);
  for (guint i = 0; cleaned != NULL && cleaned[i] != NULL; i++)
    g_message ("%s", cleaned[i]);

  started = virDomainCreateXML (virDomainGetConnect (dom), xml, 0);
  if (started == NULL)
    {
      g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_FAILED,
                   _("Cannot start “%s” without saving changes: %s"), name,
                   hangar_libvirt_last_message ());
      return FALSE;
    }
  virDomainFree (started);
  return TRUE;
}

/**
 * hangar_throwaway_is_running:
 * @dom: a machine
 *
 * Blocking.
 *
 * Returns: whether @dom runs without saving changes now
 */
gboolean
hangar_throwaway_is_running (virDomainPtr dom)
{
  char *xml;
  gboolean throwaway;

  if (virDomainIsActive (dom) != 1)
    return FALSE;
  xml = virDomainGetXMLDesc (dom, 0);
  throwaway = hangar_throwaway_live_xml_is_throwaway (xml);
  free (xml);
  return throwaway;
}

/**
 * hangar_throwaway_clean_domain:
 * @dom: a machine
 *
 * Blocking. When @dom is shut off, removes the overlays a run without
 * saving left beside its disks (see the top of this file).
 *
 * Returns: (transfer full) (nullable): a sentence for each file removed,
 *   or for one that could not be
 */
GStrv
hangar_throwaway_clean_domain (virDomainPtr dom)
{
  g_autoptr(GStrvBuilder) said = g_strv_builder_new ();
  g_autoptr(GPtrArray) disks = NULL;
  const char *name = virDomainGetName (dom);
  xmlDocPtr doc;
  char *xml;

  if (name == NULL || virDomainIsActive (dom) != 0)
    return NULL;
  xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  doc = parse (xml);
  free (xml);
  if (doc == NULL)
    return NULL;

  disks = list_disks (doc);
  for (guint i = 0; i < disks->len; i++)
    {
      xmlNodePtr source_node = hangar_xml_first_child (disks->pdata[i], "source");
      g_autofree char *source = hangar_xml_get_prop (source_node, "file");
      g_autofree char *overlay = NULL;
      g_autofree char *sentence = NULL;

      if (source == NULL || !g_path_is_absolute (source))
        continue;
      overlay = hangar_throwaway_overlay_path (source, name);
      if (!hangar_throwaway_is_overlay_of (overlay, source))
        continue;
      if (g_unlink (overlay) == 0)
        sentence = g_strdup_printf (_("Removed the changes that a run of “%s” without saving "
                                      "left in “%s”."), name, overlay);
      else
        sentence = g_strdup_printf (_("Cannot remove the changes that a run of “%s” without "
                                      "saving left in “%s”: %s"), name, overlay,
                                    g_strerror (errno));
      g_strv_builder_add (said, sentence);
    }
  xmlFreeDoc (doc);
  return g_strv_builder_end (said);
}

/**
 * hangar_throwaway_clean:
 * @conn: a connection
 *
 * Blocking. hangar_throwaway_clean_domain() for every machine of @conn
 * that is shut off.
 *
 * Returns: (transfer full): a sentence for each file removed or not
 */
GStrv
hangar_throwaway_clean (virConnectPtr conn)
{
  g_autoptr(GStrvBuilder) said = g_strv_builder_new ();
  virDomainPtr *domains = NULL;
  int n;

  n = virConnectListAllDomains (conn, &domains,
                                VIR_CONNECT_LIST_DOMAINS_INACTIVE |
                                VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
  for (int i = 0; i < n; i++)
    {
      g_auto(GStrv) cleaned = hangar_throwaway_clean_domain (domains[i]);

      if (cleaned != NULL)
        g_strv_builder_addv (said, (const char **) cleaned);
      virDomainFree (domains[i]);
    }
  free (domains);
  return g_strv_builder_end (said);
}
