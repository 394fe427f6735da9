/* hangar-machine-snapshots-uefi.c
 *
 * A UEFI machine's snapshots: what Hangar adds to libvirt's internal
 * snapshots of its stopped disks (the firmware variables; a running
 * machine's memory, saved and restored around them). Why this way: the top
 * of hangar-machine-snapshots.c. Runs in worker threads.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hangar-machine-snapshots-private.h"
#include "hangar-snapshot-files.h"

char *
hangar_snapshot_uuid_of (HangarMachineOp *op)
{
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (virDomainGetUUIDString (op->dom, uuid) < 0)
    return NULL;
  return g_strdup (uuid);
}

/* A UEFI machine's memory goes to @path and QEMU exits; the machine is
 * stopped until restore_memory(). */
static gboolean
save_memory (HangarMachineOp  *op,
             const char       *path,
             GError          **error)
{
  if (virDomainSaveFlags (op->dom, path, NULL, 0) < 0)
    {
      /* libvirt removes what it wrote, but not always on every failure. */
      g_autofree char *message = g_strdup (hangar_libvirt_last_message ());

      g_unlink (path);
      return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                  _("Cannot save the memory of “%s”: %s"), op->name, message);
    }
  return TRUE;
}

/* Runs the machine again from the memory in @path, paused if it was paused
 * when saved. The file stays. */
static gboolean
restore_memory (HangarMachineOp  *op,
                const char       *path,
                GError          **error)
{
  virConnectPtr conn = virDomainGetConnect (op->dom);

  if (virDomainRestoreFlags (conn, path, NULL, 0) < 0)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                _("Cannot run “%s” again from its saved memory: %s"), op->name,
                                hangar_libvirt_last_message ());
  return TRUE;
}

/* Whether @state is one whose memory a snapshot keeps. */
static gboolean
state_has_memory (int state)
{
  return state == VIR_DOMAIN_RUNNING || state == VIR_DOMAIN_PAUSED ||
         state == VIR_DOMAIN_BLOCKED;
}

/* A UEFI machine's snapshot (see the top of this file): libvirt's internal
 * snapshot of the stopped machine's disks, a copy of its firmware variables
 * and, if it runs, its memory. Whatever fails undoes the rest, and a running
 * machine runs again. */
gboolean
hangar_snapshots_uefi_take (HangarMachineOp  *op,
                            const char       *name,
                            const char       *xml,
                            const char       *nvram,
                            GError          **error)
{
  g_autofree char *uuid = hangar_snapshot_uuid_of (op);
  g_autofree char *memory = NULL;
  g_autoptr(GError) local_error = NULL;
  virDomainSnapshotPtr snap;
  int state;

  if (uuid == NULL)
    return FAIL_LIBVIRT (op, _("Cannot read the identity of “%s”: %s"), error);
  if ((state = hangar_machine_op_get_state (op, error)) < 0)
    return FALSE;
  if (state == VIR_DOMAIN_PMSUSPENDED)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_STATE,
                                _("“%s” is suspended: wake it up or shut it down to take a "
                                  "snapshot."), op->name);
  if (!hangar_snapshot_files_ensure_dir (uuid, error))
    return FALSE;
  if (state_has_memory (state))
    {
      memory = hangar_snapshot_files_path (uuid, name, HANGAR_SNAPSHOT_FILE_MEMORY);
      if (!save_memory (op, memory, error))
        return FALSE;
    }

  if (!hangar_snapshot_files_keep_nvram (uuid, name, nvram, &local_error))
    hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                         _("Cannot keep the firmware settings of “%s”: %s"), op->name,
                         local_error->message);
  else if ((snap = virDomainSnapshotCreateXML (op->dom, xml, 0)) == NULL)
    hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                         _("Cannot take a snapshot of “%s”: %s"), op->name,
                         hangar_libvirt_last_message ());
  else
    {
      virDomainSnapshotFree (snap);
      if (memory != NULL &&
          virDomainRestoreFlags (virDomainGetConnect (op->dom), memory, NULL, 0) < 0)
        return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                    _("The snapshot “%s” is taken, but “%s” did not run on (%s). "
                                      "Revert to the snapshot to run it again."),
                                    name, op->name, hangar_libvirt_last_message ());
      return TRUE;
    }

  /* Failed: the machine runs again, and nothing of the snapshot stays. */
  if (memory != NULL && !restore_memory (op, memory, NULL))
    {
      g_warning ("“%s” could not run again: its memory stays in %s", op->name, memory);
      return FALSE;
    }
  hangar_snapshot_files_remove (uuid, name, NULL);
  return FALSE;
}

/* A UEFI machine back to @snap: stopped, its disks reverted by libvirt, its
 * firmware variables put back, then running from the snapshot's memory if
 * it has one. */
gboolean
hangar_snapshots_uefi_revert (HangarMachineOp       *op,
                              virDomainSnapshotPtr   snap,
                              const char            *nvram,
                              GError               **error)
{
  g_autofree char *uuid = hangar_snapshot_uuid_of (op);
  g_autofree char *memory = NULL;
  g_autoptr(GError) local_error = NULL;

  if (uuid == NULL)
    return FAIL_LIBVIRT (op, _("Cannot read the identity of “%s”: %s"), error);
  memory = hangar_snapshot_files_path (uuid, op->arg1, HANGAR_SNAPSHOT_FILE_MEMORY);

  /* What runs now is given up anyway; stopped, its variables are quiet. */
  if (virDomainIsActive (op->dom) == 1 && virDomainDestroy (op->dom) < 0 &&
      virDomainIsActive (op->dom) == 1)
    return FAIL_LIBVIRT (op, _("Cannot stop “%s” to bring it back to a snapshot: %s"), error);
  if (virDomainRevertToSnapshot (snap, 0) < 0)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                _("Cannot bring “%s” back to the snapshot “%s”: %s"), op->name,
                                op->arg1, hangar_libvirt_last_message ());
  /* A snapshot that libvirt took running itself (a newer libvirt) runs now. */
  if (virDomainIsActive (op->dom) == 1)
    return TRUE;
  if (!hangar_snapshot_files_restore_nvram (uuid, op->arg1, nvram, &local_error))
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                _("The disks of “%s” are back to the snapshot “%s”, but not its "
                                  "firmware settings: %s"), op->name, op->arg1,
                                local_error->message);
  if (g_file_test (memory, G_FILE_TEST_EXISTS))
    return restore_memory (op, memory, error);
  return TRUE;
}

/* Deletes a UEFI machine's snapshot and its files. libvirt deletes only the
 * record of an internal snapshot of a running UEFI machine (QEMU's delvm
 * refuses the pflash drive, and libvirt goes on), so a running machine is
 * saved meanwhile and its disks are stopped while qemu-img deletes it. */
gboolean
hangar_snapshots_uefi_delete (HangarMachineOp       *op,
                              virDomainSnapshotPtr   snap,
                              GError               **error)
{
  g_autofree char *uuid = hangar_snapshot_uuid_of (op);
  g_autofree char *resume = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;
  int state;

  if (uuid == NULL)
    return FAIL_LIBVIRT (op, _("Cannot read the identity of “%s”: %s"), error);
  if ((state = hangar_machine_op_get_state (op, error)) < 0)
    return FALSE;
  if (state == VIR_DOMAIN_PMSUSPENDED)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_STATE,
                                _("“%s” is suspended: wake it up or shut it down to delete a "
                                  "snapshot."), op->name);
  if (state_has_memory (state))
    {
      if (!hangar_snapshot_files_ensure_dir (uuid, error))
        return FALSE;
      resume = hangar_snapshot_files_path (uuid, op->arg1, HANGAR_SNAPSHOT_FILE_RESUME);
      if (!save_memory (op, resume, error))
        return FALSE;
    }

  ok = virDomainSnapshotDelete (snap, 0) == 0;
  if (!ok)
    hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                         _("Cannot delete the snapshot “%s” of “%s”: %s"), op->arg1, op->name,
                         hangar_libvirt_last_message ());

  if (resume != NULL)
    {
      if (!restore_memory (op, resume, ok ? error : NULL))
        {
          /* Its memory stays in the file, for the next try. */
          g_warning ("“%s” could not run again: its memory stays in %s", op->name, resume);
          return FALSE;
        }
      g_unlink (resume);
    }
  if (ok && !hangar_snapshot_files_remove (uuid, op->arg1, &local_error))
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                _("The snapshot “%s” of “%s” is deleted, but not all its "
                                  "files: %s"), op->arg1, op->name, local_error->message);
  return ok;
}

