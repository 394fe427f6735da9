/* hangar-machine-snapshots.c
 *
 * A machine's snapshots. Every one is an internal qcow2 snapshot that libvirt
 * keeps the record of: its libvirt name is also its tag inside the qcow2
 * images, so it can never change; what users see and rename is its title,
 * kept as libvirt's description.
 *
 * BIOS machines: libvirt does it all, of a running machine (memory and disks,
 * QEMU's savevm) or a stopped one (disks, qemu-img).
 *
 * UEFI machines: libvirt 9.0 refuses an internal snapshot of a *running*
 * machine whose firmware variables live in a pflash file (QEMU's savevm
 * cannot write into a raw pflash image), and its snapshots of a stopped one
 * leave the variables out. It takes and reverts internal snapshots of a
 * stopped UEFI machine's disks, though; so Hangar adds what is missing and
 * never leaves libvirt's own bookkeeping:
 *   - the firmware variables: a copy of the NVRAM file per snapshot, put back
 *     on revert (hangar-snapshot-files.c; an empty copy: the machine had none
 *     yet, and revert removes the file so that libvirt makes it afresh);
 *   - a running (or paused) machine: its memory is saved with virDomainSave()
 *     into the snapshot's memory file (QEMU exits, so the disks and the
 *     variables are quiet), the disk snapshot and the NVRAM copy are taken,
 *     and the machine is restored from that file at once; the guest stops
 *     for as long as writing its memory takes. Revert stops the machine,
 *     has libvirt revert the disks, puts the variables back and restores the
 *     memory file: running again where it was (paused if it was paused). A
 *     running machine's snapshot is deleted the same way (saved, deleted,
 *     restored), since libvirt deletes only the record of an internal
 *     snapshot in a running UEFI machine and leaves its data in the image.
 * Why not external snapshots (overlays): libvirt 9.0 cannot revert or delete
 * them, so Hangar would run the chain itself (block commits of running
 * machines, an overlay chain per disk and snapshot, a delete that merges),
 * and `hangarctl delete --keep-disk` would have to flatten it; internal
 * snapshots keep one self-contained qcow2 file per disk, the same for BIOS
 * and UEFI. Forward compatibility: only long-standing calls are used
 * (snapshot create/revert/delete of a stopped domain, save, restore); a newer
 * libvirt that snapshots running UEFI machines itself (a qcow2 NVRAM) may
 * record snapshots other tools took running: their revert is left to it.
 * The UEFI steps are in hangar-machine-snapshots-uefi.c.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hangar-machine-config-private.h"
#include "hangar-machine-name.h"
#include "hangar-throwaway.h"
#include "hangar-machine-private.h"
#include "hangar-machine-snapshots-private.h"
#include "hangar-snapshot-files.h"


G_DEFINE_BOXED_TYPE (HangarSnapshot, hangar_snapshot, hangar_snapshot_copy, hangar_snapshot_free)

HangarSnapshot *
hangar_snapshot_copy (const HangarSnapshot *snapshot)
{
  HangarSnapshot *copy;

  g_return_val_if_fail (snapshot != NULL, NULL);

  copy = g_memdup2 (snapshot, sizeof *snapshot);
  copy->name = g_strdup (snapshot->name);
  copy->title = g_strdup (snapshot->title);
  copy->parent = g_strdup (snapshot->parent);
  return copy;
}

void
hangar_snapshot_free (HangarSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_free (snapshot->name);
  g_free (snapshot->title);
  g_free (snapshot->parent);
  g_free (snapshot);
}

static char *
child_text (xmlNodePtr  parent,
            const char *name)
{
  xmlNodePtr node = hangar_xml_first_child (parent, name);
  xmlChar *raw;
  char *text;

  if (node == NULL)
    return NULL;
  raw = xmlNodeGetContent (node);
  text = g_strdup ((const char *) raw);
  xmlFree (raw);
  return text;
}

static HangarMachineState
state_from_snapshot (const char *state)
{
  if (g_strcmp0 (state, "running") == 0 || g_strcmp0 (state, "blocked") == 0)
    return HANGAR_MACHINE_STATE_RUNNING;
  if (g_strcmp0 (state, "paused") == 0)
    return HANGAR_MACHINE_STATE_PAUSED;
  if (g_strcmp0 (state, "pmsuspended") == 0)
    return HANGAR_MACHINE_STATE_SUSPENDED;
  if (g_strcmp0 (state, "crashed") == 0)
    return HANGAR_MACHINE_STATE_CRASHED;
  return HANGAR_MACHINE_STATE_STOPPED;
}

static virDomainSnapshotPtr
lookup_snapshot (HangarMachineOp  *op,
                 const char       *name,
                 GError          **error)
{
  virDomainSnapshotPtr snap = virDomainSnapshotLookupByName (op->dom, name, 0);

  if (snap == NULL)
    {
      if (virGetLastErrorCode () == VIR_ERR_NO_DOMAIN_SNAPSHOT)
        hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_FOUND,
                             _("“%s” has no snapshot called “%s”."), op->name, name);
      else
        hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                             _("Cannot find the snapshot “%s” of “%s”: %s"), name, op->name,
                             hangar_libvirt_last_message ());
    }
  return snap;
}

static HangarSnapshot *
read_snapshot (virDomainSnapshotPtr snap)
{
  HangarSnapshot *snapshot = g_new0 (HangarSnapshot, 1);
  char *xml = virDomainSnapshotGetXMLDesc (snap, 0);
  xmlDocPtr doc = NULL;

  snapshot->name = g_strdup (virDomainSnapshotGetName (snap));
  snapshot->current = virDomainSnapshotIsCurrent (snap, 0) == 1;
  snapshot->state = HANGAR_MACHINE_STATE_STOPPED;

  if (xml != NULL)
    doc = xmlReadMemory (xml, (int) strlen (xml), "snapshot.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
  free (xml);
  if (doc != NULL && xmlDocGetRootElement (doc) != NULL)
    {
      xmlNodePtr root = xmlDocGetRootElement (doc);
      g_autofree char *state = child_text (root, "state");
      g_autofree char *created = child_text (root, "creationTime");

      snapshot->title = child_text (root, "description");
      snapshot->parent = child_text (hangar_xml_first_child (root, "parent"), "name");
      snapshot->state = state_from_snapshot (state);
      snapshot->creation_time = created != NULL ? g_ascii_strtoll (created, NULL, 10) : 0;
    }
  if (doc != NULL)
    xmlFreeDoc (doc);

  if (snapshot->title == NULL || *snapshot->title == '\0')
    {
      g_free (snapshot->title);
      snapshot->title = g_strdup (snapshot->name);
    }
  return snapshot;
}

/* ------------------------------------------------------------------------ */
/* take                                                                     */
/* ------------------------------------------------------------------------ */

/* A run without saving changes (hangar-throwaway.c) writes to overlays that
 * go when it stops: a snapshot of it would keep nothing, or keep what the
 * user asked to discard, and libvirt's own refusal speaks of migration. */
static gboolean
refuse_throwaway (HangarMachineOp  *op,
                  GError          **error)
{
  if (!hangar_throwaway_is_running (op->dom))
    return TRUE;
  return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                              _("“%s” runs without saving changes: snapshots are possible "
                                "again once it has stopped."), op->name);
}

static xmlDocPtr
read_definition (HangarMachineOp  *op,
                 unsigned int      flags,
                 GError          **error)
{
  char *xml = virDomainGetXMLDesc (op->dom, flags);
  xmlDocPtr doc;

  if (xml == NULL)
    {
      FAIL_LIBVIRT (op, _("Cannot read the definition of “%s”: %s"), error);
      return NULL;
    }
  doc = xmlReadMemory (xml, (int) strlen (xml), "domain.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
  free (xml);
  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      if (doc != NULL)
        xmlFreeDoc (doc);
      hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                           _("Cannot read the definition of “%s”."), op->name);
      return NULL;
    }
  return doc;
}

static gboolean
is_uefi (xmlNodePtr os)
{
  xmlChar *loader_type, *firmware;
  xmlNodePtr loader = hangar_xml_first_child (os, "loader");
  gboolean uefi;

  loader_type = loader != NULL ? xmlGetProp (loader, BAD_CAST "type") : NULL;
  firmware = os != NULL ? xmlGetProp (os, BAD_CAST "firmware") : NULL;
  uefi = hangar_xml_first_child (os, "nvram") != NULL ||
         xmlStrcmp (loader_type, BAD_CAST "pflash") == 0 ||
         xmlStrcmp (firmware, BAD_CAST "efi") == 0;
  xmlFree (loader_type);
  xmlFree (firmware);
  return uefi;
}

/* The firmware variables file a definition names, if it names one. */
static char *
nvram_of (xmlDocPtr doc)
{
  xmlNodePtr os = hangar_xml_first_child (xmlDocGetRootElement (doc), "os");
  g_autofree char *path = child_text (os, "nvram");

  if (path != NULL)
    g_strstrip (path);
  return path != NULL && *path != '\0' ? g_steal_pointer (&path) : NULL;
}

static gboolean
is_local_session (HangarMachineOp *op)
{
  char *uri = virConnectGetURI (virDomainGetConnect (op->dom));
  gboolean local = g_strcmp0 (uri, "qemu:///session") == 0;

  free (uri);
  return local;
}

/* Whether the machine can have snapshots at all: every writable disk in
 * qcow2; for UEFI, firmware variables Hangar can copy. Sets @nvram to that
 * file for a UEFI machine (it may not exist yet: the machine never ran),
 * NULL for a BIOS one. */
static gboolean
check_snapshots_possible (HangarMachineOp  *op,
                          char            **nvram,
                          GError          **error)
{
  xmlDocPtr doc;
  xmlNodePtr root, devices;
  gboolean ok = TRUE;

  if (nvram != NULL)
    *nvram = NULL;
  if (!refuse_throwaway (op, error))
    return FALSE;
  doc = read_definition (op, VIR_DOMAIN_XML_INACTIVE, error);
  if (doc == NULL)
    return FALSE;
  root = xmlDocGetRootElement (doc);

  devices = hangar_xml_first_child (root, "devices");
  for (xmlNodePtr disk = devices != NULL ? devices->children : NULL; ok && disk != NULL;
       disk = disk->next)
    {
      xmlChar *device, *format = NULL;
      xmlNodePtr driver;

      if (disk->type != XML_ELEMENT_NODE || xmlStrcmp (disk->name, BAD_CAST "disk") != 0)
        continue;
      device = xmlGetProp (disk, BAD_CAST "device");
      driver = hangar_xml_first_child (disk, "driver");
      if (driver != NULL)
        format = xmlGetProp (driver, BAD_CAST "type");
      if ((device == NULL || xmlStrcmp (device, BAD_CAST "disk") == 0) &&
          hangar_xml_first_child (disk, "readonly") == NULL &&
          (format == NULL || xmlStrcmp (format, BAD_CAST "qcow2") != 0))
        ok = hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                  _("“%s” has a disk that is not in the qcow2 format, and only "
                                    "qcow2 disks hold snapshots."), op->name);
      xmlFree (device);
      xmlFree (format);
    }

  if (ok && is_uefi (hangar_xml_first_child (root, "os")))
    {
      g_autofree char *path = nvram_of (doc);

      /* libvirt 9.0 names the file only in the running definition. */
      if (path == NULL && virDomainIsActive (op->dom) == 1)
        {
          xmlDocPtr live = read_definition (op, 0, NULL);

          if (live != NULL)
            {
              path = nvram_of (live);
              xmlFreeDoc (live);
            }
        }
      if (path == NULL && is_local_session (op))
        path = hangar_snapshot_files_default_nvram (op->name);
      if (path == NULL)
        ok = hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                  _("“%s” starts with UEFI firmware, and Hangar keeps the "
                                    "firmware settings of snapshots only for machines of "
                                    "your own session."), op->name);
      else if (nvram != NULL)
        *nvram = g_steal_pointer (&path);
    }

  xmlFreeDoc (doc);
  return ok;
}

/* The one rule for names (hangar-machine-name.c), for a snapshot's name or
 * title as the user gave it: used exactly or refused with the reason. */
static gboolean
check_snapshot_text (const char  *text,
                     gboolean     is_name,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (hangar_name_check (is_name ? HANGAR_NAME_KIND_SNAPSHOT : HANGAR_NAME_KIND_SNAPSHOT_TITLE,
                         text, &local_error))
    return TRUE;
  g_set_error_literal (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NAME,
                       local_error->message);
  return FALSE;
}

static gboolean
do_take_snapshot (HangarMachineOp  *op,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *nvram = NULL;
  virDomainSnapshotPtr snap;

  if (op->arg1 != NULL)
    name = g_strdup (op->arg1);
  else
    {
      /* A name from the time, ASCII only: it becomes a tag in the qcow2 image. */
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

      name = g_strdup_printf ("snapshot-%s", stamp);
      for (guint i = 2; i < 100; i++)
        {
          virDomainSnapshotPtr taken = virDomainSnapshotLookupByName (op->dom, name, 0);

          if (taken == NULL)
            break;
          virDomainSnapshotFree (taken);
          g_free (name);
          name = g_strdup_printf ("snapshot-%s-%u", stamp, i);
        }
    }
  /* The time it was taken is the title, unless the user named it. */
  if (op->arg2 != NULL)
    title = g_strdup (op->arg2);
  else if (op->arg1 != NULL)
    title = g_strdup (op->arg1);
  else
    title = g_date_time_format (now, "%c");

  if (!check_snapshot_text (name, TRUE, error) || !check_snapshot_text (title, FALSE, error) ||
      !check_snapshots_possible (op, &nvram, error))
    return FALSE;
  if ((snap = virDomainSnapshotLookupByName (op->dom, name, 0)) != NULL)
    {
      virDomainSnapshotFree (snap);
      return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NAME,
                                  _("“%s” already has a snapshot called “%s”."), op->name, name);
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  xml = g_markup_printf_escaped ("<domainsnapshot><name>%s</name>"
                                 "<description>%s</description></domainsnapshot>",
                                 name, title);
  if (nvram != NULL)
    {
      if (!hangar_snapshots_uefi_take (op, name, xml, nvram, error))
        return FALSE;
      op->result = g_steal_pointer (&name);
      return TRUE;
    }

  /* Internal snapshots: memory and disks of a running machine, disks of a
   * stopped one, all inside its qcow2 images. */
  snap = virDomainSnapshotCreateXML (op->dom, xml, 0);
  if (snap == NULL)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                _("Cannot take a snapshot of “%s”: %s"), op->name,
                                hangar_libvirt_last_message ());
  virDomainSnapshotFree (snap);
  op->result = g_steal_pointer (&name);
  return TRUE;
}

/**
 * hangar_machine_take_snapshot_async:
 * @self: a #HangarMachine
 * @name: (nullable): libvirt's name for it; %NULL for one made from the
 *   time (`snapshot-YYYYMMDD-HHMMSS`)
 * @title: (nullable): what users see; %NULL for @name, or the date and time
 *   when @name is %NULL too
 * @cancellable: (nullable): a #GCancellable; checked before the snapshot starts
 * @callback: called when the snapshot is taken
 * @user_data: data for @callback
 *
 * Takes a snapshot: of memory and disks while the machine runs (QEMU pauses
 * it meanwhile; a UEFI machine's memory is written to a file, and it stops
 * until that is done), of its disks when it is stopped; a UEFI machine's
 * firmware variables too. Machines with disks that are not qcow2 cannot
 * have snapshots (%HANGAR_MACHINE_ERROR_NOT_SUPPORTED).
 */
void
hangar_machine_take_snapshot_async (HangarMachine       *self,
                                    const char          *name,
                                    const char          *title,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_take_snapshot);
  op->arg1 = g_strdup (name);
  op->arg2 = g_strdup (title);
  op->result_free = g_free;
  hangar_machine_op_run (self, op, hangar_machine_take_snapshot_async, cancellable, callback,
                         user_data);
}

/**
 * hangar_machine_take_snapshot_finish:
 *
 * Returns: (transfer full): the snapshot's name, or %NULL with @error set
 */
char *
hangar_machine_take_snapshot_finish (HangarMachine  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return hangar_machine_op_finish_pointer (self, result, hangar_machine_take_snapshot_async, error);
}

static gboolean
do_check_snapshots (HangarMachineOp  *op,
                    GCancellable     *cancellable,
                    GError          **error)
{
  return check_snapshots_possible (op, NULL, error);
}

/**
 * hangar_machine_check_snapshots_async:
 * @self: a #HangarMachine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Finds out whether the machine can have snapshots at all, before anyone
 * asks for one: the UI says why not and offers nothing it would refuse.
 */
void
hangar_machine_check_snapshots_async (HangarMachine       *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_MACHINE (self));

  hangar_machine_op_run (self, hangar_machine_op_new (self, do_check_snapshots),
                         hangar_machine_check_snapshots_async, cancellable, callback, user_data);
}

/**
 * hangar_machine_check_snapshots_finish:
 *
 * Returns: %TRUE when snapshots can be taken; else %FALSE with @error set,
 *   %HANGAR_MACHINE_ERROR_NOT_SUPPORTED saying why (a disk not in qcow2; a
 *   UEFI machine of another connection than the user's own session)
 */
gboolean
hangar_machine_check_snapshots_finish (HangarMachine  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  return hangar_machine_op_finish (self, result, hangar_machine_check_snapshots_async, error);
}

/* ------------------------------------------------------------------------ */
/* list                                                                     */
/* ------------------------------------------------------------------------ */

static int
compare_snapshots (gconstpointer a,
                   gconstpointer b)
{
  const HangarSnapshot *x = *(HangarSnapshot * const *) a;
  const HangarSnapshot *y = *(HangarSnapshot * const *) b;

  if (x->creation_time != y->creation_time)
    return x->creation_time < y->creation_time ? -1 : 1;
  return g_strcmp0 (x->name, y->name);
}

static gboolean
do_list_snapshots (HangarMachineOp  *op,
                   GCancellable     *cancellable,
                   GError          **error)
{
  g_autofree char *uuid = NULL;
  GPtrArray *list;
  virDomainSnapshotPtr *snaps = NULL;
  int n = virDomainListAllSnapshots (op->dom, &snaps, 0);

  if (n < 0)
    return FAIL_LIBVIRT (op, _("Cannot list the snapshots of “%s”: %s"), error);

  uuid = hangar_snapshot_uuid_of (op);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_snapshot_free);
  for (int i = 0; i < n; i++)
    {
      HangarSnapshot *snapshot = read_snapshot (snaps[i]);

      /* libvirt recorded a UEFI machine's snapshot as taken stopped; its
       * memory is Hangar's file. */
      if (uuid != NULL &&
          hangar_snapshot_files_exists (uuid, snapshot->name, HANGAR_SNAPSHOT_FILE_MEMORY))
        snapshot->state = HANGAR_MACHINE_STATE_RUNNING;
      g_ptr_array_add (list, snapshot);
      virDomainSnapshotFree (snaps[i]);
    }
  free (snaps);
  g_ptr_array_sort (list, compare_snapshots);
  op->result = list;
  return TRUE;
}

/**
 * hangar_machine_list_snapshots_async:
 * @self: a #HangarMachine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the list
 * @user_data: data for @callback
 *
 * Reads the machine's snapshots, oldest first.
 */
void
hangar_machine_list_snapshots_async (HangarMachine       *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_list_snapshots);
  op->result_free = (GDestroyNotify) g_ptr_array_unref;
  hangar_machine_op_run (self, op, hangar_machine_list_snapshots_async, cancellable, callback,
                         user_data);
}

/**
 * hangar_machine_list_snapshots_finish:
 *
 * Returns: (transfer container) (element-type HangarSnapshot): the
 *   snapshots, oldest first, or %NULL with @error set
 */
GPtrArray *
hangar_machine_list_snapshots_finish (HangarMachine  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  return hangar_machine_op_finish_pointer (self, result, hangar_machine_list_snapshots_async, error);
}

/* ------------------------------------------------------------------------ */
/* revert, rename, delete                                                   */
/* ------------------------------------------------------------------------ */

typedef enum
{
  SNAPSHOT_REVERT,
  SNAPSHOT_DELETE,
} SnapshotChange;

/* Sets @nvram for a UEFI machine (as check_snapshots_possible() does),
 * leaves it NULL for a BIOS one. A machine whose disks changed format since
 * still reverts and deletes what it has: only taking needs the check. */
static gboolean
is_uefi_machine (HangarMachineOp  *op,
                 char            **nvram,
                 GError          **error)
{
  g_autoptr(GError) local_error = NULL;

  if (check_snapshots_possible (op, nvram, &local_error) || *nvram != NULL)
    return TRUE;
  if (g_error_matches (local_error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED))
    {
      xmlDocPtr doc = read_definition (op, VIR_DOMAIN_XML_INACTIVE, error);
      gboolean uefi;

      if (doc == NULL)
        return FALSE;
      uefi = is_uefi (hangar_xml_first_child (xmlDocGetRootElement (doc), "os"));
      xmlFreeDoc (doc);
      if (!uefi)
        return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Reverting and deleting both act on the snapshot op->arg1 names; libvirt's message must be read
 * before the snapshot is freed, which clears it. */
static gboolean
change_snapshot (HangarMachineOp  *op,
                 SnapshotChange    change,
                 GError          **error)
{
  virDomainSnapshotPtr snap = lookup_snapshot (op, op->arg1, error);
  g_autofree char *nvram = NULL;
  gboolean ok;

  if (snap == NULL)
    return FALSE;
  if (!is_uefi_machine (op, &nvram, error))
    ok = FALSE;
  else if (nvram != NULL && change == SNAPSHOT_REVERT)
    ok = hangar_snapshots_uefi_revert (op, snap, nvram, error);
  else if (nvram != NULL)
    ok = hangar_snapshots_uefi_delete (op, snap, error);
  else if (change == SNAPSHOT_REVERT)
    {
      ok = virDomainRevertToSnapshot (snap, 0) == 0;
      if (!ok)
        hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                             _("Cannot bring “%s” back to the snapshot “%s”: %s"), op->name,
                             op->arg1, hangar_libvirt_last_message ());
    }
  else
    {
      ok = virDomainSnapshotDelete (snap, 0) == 0;
      if (!ok)
        hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                             _("Cannot delete the snapshot “%s” of “%s”: %s"), op->arg1, op->name,
                             hangar_libvirt_last_message ());
    }
  virDomainSnapshotFree (snap);
  return ok;
}

/* Starts an operation on the snapshot called @name, which do_…_snapshot finds in op->arg1. */
static void
run_on_snapshot (HangarMachine       *self,
                 const char          *name,
                 HangarMachineOpFunc  func,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  HangarMachineOp *op = hangar_machine_op_new (self, func);

  op->arg1 = g_strdup (name);
  hangar_machine_op_run (self, op, source_tag, cancellable, callback, user_data);
}

static gboolean
do_revert_snapshot (HangarMachineOp  *op,
                    GCancellable     *cancellable,
                    GError          **error)
{
  if (!refuse_throwaway (op, error))
    return FALSE;
  return change_snapshot (op, SNAPSHOT_REVERT, error);
}

/**
 * hangar_machine_revert_snapshot_async:
 * @self: a #HangarMachine
 * @name: the snapshot's name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the machine is back to the snapshot
 * @user_data: data for @callback
 *
 * Brings the machine back to a snapshot: running if it was taken running
 * (the machine starts, or its memory is replaced), stopped if it was taken
 * stopped (a running machine stops). What happened since is lost.
 */
void
hangar_machine_revert_snapshot_async (HangarMachine       *self,
                                      const char          *name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_MACHINE (self));
  g_return_if_fail (name != NULL);

  run_on_snapshot (self, name, do_revert_snapshot, hangar_machine_revert_snapshot_async,
                   cancellable, callback, user_data);
}

gboolean
hangar_machine_revert_snapshot_finish (HangarMachine  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  return hangar_machine_op_finish (self, result, hangar_machine_revert_snapshot_async, error);
}

static gboolean
do_rename_snapshot (HangarMachineOp  *op,
                    GCancellable     *cancellable,
                    GError          **error)
{
  virDomainSnapshotPtr snap, redefined;
  unsigned int flags = VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE;
  xmlDocPtr doc = NULL;
  xmlNodePtr root, description;
  xmlChar *out = NULL;
  char *xml;

  if (!check_snapshot_text (op->arg2, FALSE, error) ||
      (snap = lookup_snapshot (op, op->arg1, error)) == NULL)
    return FALSE;

  if (virDomainSnapshotIsCurrent (snap, 0) == 1)
    flags |= VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT;
  xml = virDomainSnapshotGetXMLDesc (snap, VIR_DOMAIN_SNAPSHOT_XML_SECURE);
  virDomainSnapshotFree (snap);
  if (xml != NULL)
    doc = xmlReadMemory (xml, (int) strlen (xml), "snapshot.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
  free (xml);
  if (doc == NULL || (root = xmlDocGetRootElement (doc)) == NULL)
    {
      if (doc != NULL)
        xmlFreeDoc (doc);
      return FAIL_LIBVIRT (op, _("Cannot read a snapshot of “%s”: %s"), error);
    }

  /* The title is the description: libvirt redefines that in place. */
  if ((description = hangar_xml_first_child (root, "description")) == NULL)
    description = xmlNewChild (root, NULL, BAD_CAST "description", NULL);
  xmlNodeSetContent (description, NULL);
  xmlNodeAddContent (description, BAD_CAST op->arg2);
  xmlDocDumpMemory (doc, &out, NULL);
  xmlFreeDoc (doc);

  redefined = virDomainSnapshotCreateXML (op->dom, (const char *) out, flags);
  xmlFree (out);
  if (redefined == NULL)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                _("Cannot rename the snapshot “%s” of “%s”: %s"), op->arg1,
                                op->name, hangar_libvirt_last_message ());
  virDomainSnapshotFree (redefined);
  return TRUE;
}

/**
 * hangar_machine_rename_snapshot_async:
 * @self: a #HangarMachine
 * @name: the snapshot's name
 * @title: its new title
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the snapshot has its new title
 * @user_data: data for @callback
 *
 * Gives a snapshot a new title. Its libvirt name stays: for an internal
 * snapshot it is also the tag inside the qcow2 image, which neither libvirt
 * nor QEMU can rename, and reverting finds the snapshot by it.
 */
void
hangar_machine_rename_snapshot_async (HangarMachine       *self,
                                      const char          *name,
                                      const char          *title,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (title != NULL);

  op = hangar_machine_op_new (self, do_rename_snapshot);
  op->arg1 = g_strdup (name);
  op->arg2 = g_strdup (title);
  hangar_machine_op_run (self, op, hangar_machine_rename_snapshot_async, cancellable, callback,
                         user_data);
}

gboolean
hangar_machine_rename_snapshot_finish (HangarMachine  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  return hangar_machine_op_finish (self, result, hangar_machine_rename_snapshot_async, error);
}

static gboolean
do_delete_snapshot (HangarMachineOp  *op,
                    GCancellable     *cancellable,
                    GError          **error)
{
  return change_snapshot (op, SNAPSHOT_DELETE, error);
}

/**
 * hangar_machine_delete_snapshot_async:
 * @self: a #HangarMachine
 * @name: the snapshot's name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the snapshot is gone
 * @user_data: data for @callback
 *
 * Deletes a snapshot, its data in the images too. Snapshots taken after it
 * stay, attached to its parent.
 */
void
hangar_machine_delete_snapshot_async (HangarMachine       *self,
                                      const char          *name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_MACHINE (self));
  g_return_if_fail (name != NULL);

  run_on_snapshot (self, name, do_delete_snapshot, hangar_machine_delete_snapshot_async,
                   cancellable, callback, user_data);
}

gboolean
hangar_machine_delete_snapshot_finish (HangarMachine  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  return hangar_machine_op_finish (self, result, hangar_machine_delete_snapshot_async, error);
}
