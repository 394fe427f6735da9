/* hangar-snapshot-files.c
 *
 * The files Hangar keeps beside a UEFI machine's snapshots: a copy of the
 * firmware variables (NVRAM) per snapshot, and the memory of a snapshot taken
 * while the machine ran. libvirt keeps neither (its internal snapshots cover
 * only the qcow2 disks of a UEFI machine): see hangar-machine-snapshots.c.
 *
 * They live in $XDG_DATA_HOME/hangar/snapshots/UUID (0700, files 0600): by
 * UUID, so renaming the machine keeps them; each file is named after the
 * SHA-256 of the snapshot's name, since a name libvirt accepts may still be
 * too long, or hold characters awkward, for a file name with a suffix.
 * Blocking file work: callers run in worker threads.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hangar-snapshot-files.h"

static const char * const suffixes[] = {
  [HANGAR_SNAPSHOT_FILE_NVRAM] = ".nvram",
  [HANGAR_SNAPSHOT_FILE_MEMORY] = ".memory",
  [HANGAR_SNAPSHOT_FILE_RESUME] = ".resume",
};

/**
 * hangar_snapshot_files_default_nvram:
 * @machine: the machine's name
 *
 * Where libvirt's session daemon keeps the firmware variables of a machine
 * whose definition names no file (`<os firmware='efi'>`: libvirt 9.0 puts
 * the path only into the running definition): its nvram folder and
 * `NAME_VARS.fd`, the file it makes at the first start and renames with the
 * machine.
 *
 * Returns: (transfer full): `$XDG_CONFIG_HOME/libvirt/qemu/nvram/NAME_VARS.fd`
 */
char *
hangar_snapshot_files_default_nvram (const char *machine)
{
  g_autofree char *file = NULL;

  g_return_val_if_fail (machine != NULL, NULL);

  file = g_strconcat (machine, "_VARS.fd", NULL);
  return g_build_filename (g_get_user_config_dir (), "libvirt", "qemu", "nvram", file, NULL);
}

/**
 * hangar_snapshot_files_dir:
 * @uuid: the machine's UUID
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/hangar/snapshots/UUID`
 */
char *
hangar_snapshot_files_dir (const char *uuid)
{
  g_return_val_if_fail (uuid != NULL && *uuid != '\0' && strchr (uuid, '/') == NULL, NULL);

  return g_build_filename (g_get_user_data_dir (), "hangar", "snapshots", uuid, NULL);
}

/**
 * hangar_snapshot_files_path:
 * @uuid: the machine's UUID
 * @snapshot: the snapshot's libvirt name
 * @kind: which file
 *
 * Returns: (transfer full): where that file of the snapshot is (it may not exist)
 */
char *
hangar_snapshot_files_path (const char         *uuid,
                            const char         *snapshot,
                            HangarSnapshotFile  kind)
{
  g_autofree char *dir = hangar_snapshot_files_dir (uuid);
  g_autofree char *hash = NULL;
  g_autofree char *file = NULL;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (kind <= HANGAR_SNAPSHOT_FILE_RESUME, NULL);

  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, snapshot, -1);
  file = g_strconcat (hash, suffixes[kind], NULL);
  return g_build_filename (dir, file, NULL);
}

static gboolean fail_errno (GError     **error,
                            int          saved_errno,
                            const char  *format,
                            ...) G_GNUC_PRINTF (3, 4);

/* FORMAT takes the path and the system's message. */
static gboolean
fail_errno (GError     **error,
            int          saved_errno,
            const char  *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), message);
  return FALSE;
}

/**
 * hangar_snapshot_files_ensure_dir:
 *
 * Makes the machine's folder for snapshot files, private to the user.
 */
gboolean
hangar_snapshot_files_ensure_dir (const char  *uuid,
                                  GError     **error)
{
  g_autofree char *dir = hangar_snapshot_files_dir (uuid);
  g_autofree char *parent = g_path_get_dirname (dir);

  if (g_mkdir_with_parents (parent, 0700) < 0 || (g_mkdir (dir, 0700) < 0 && errno != EEXIST))
    return fail_errno (error, errno, _("Cannot make the folder “%s”: %s"), dir, g_strerror (errno));
  if (g_chmod (dir, 0700) < 0)
    return fail_errno (error, errno, _("Cannot make the folder “%s” private: %s"), dir,
                       g_strerror (errno));
  return TRUE;
}

gboolean
hangar_snapshot_files_exists (const char         *uuid,
                              const char         *snapshot,
                              HangarSnapshotFile  kind)
{
  g_autofree char *path = hangar_snapshot_files_path (uuid, snapshot, kind);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Copies @from to @to through a private temporary file renamed over @to,
 * so that @to is either the old file or the whole new one. */
static gboolean
copy_private (const char  *from,
              const char  *to,
              GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (from != NULL && !g_file_get_contents (from, &contents, &length, error))
    return FALSE;
  return g_file_set_contents_full (to, contents != NULL ? contents : "", (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/**
 * hangar_snapshot_files_keep_nvram:
 * @uuid: the machine's UUID
 * @snapshot: the snapshot's name
 * @nvram: (nullable): the machine's firmware variables file; %NULL or a
 *   missing file when the machine has none yet (it was never started)
 * @error: a #GError
 *
 * Keeps a copy of @nvram for @snapshot; an empty copy says there was none.
 */
gboolean
hangar_snapshot_files_keep_nvram (const char  *uuid,
                                  const char  *snapshot,
                                  const char  *nvram,
                                  GError     **error)
{
  g_autofree char *copy = hangar_snapshot_files_path (uuid, snapshot, HANGAR_SNAPSHOT_FILE_NVRAM);

  if (!hangar_snapshot_files_ensure_dir (uuid, error))
    return FALSE;
  if (nvram != NULL && !g_file_test (nvram, G_FILE_TEST_EXISTS))
    nvram = NULL;
  return copy_private (nvram, copy, error);
}

/**
 * hangar_snapshot_files_restore_nvram:
 * @uuid: the machine's UUID
 * @snapshot: the snapshot's name
 * @nvram: the machine's firmware variables file
 * @error: a #GError
 *
 * Puts @snapshot's copy back as @nvram; when the machine had none then,
 * removes @nvram, so that libvirt makes it from its template at the next
 * start as it did the first time. Without a copy (a snapshot taken before
 * Hangar kept them) @nvram stays as it is.
 */
gboolean
hangar_snapshot_files_restore_nvram (const char  *uuid,
                                     const char  *snapshot,
                                     const char  *nvram,
                                     GError     **error)
{
  g_autofree char *copy = hangar_snapshot_files_path (uuid, snapshot, HANGAR_SNAPSHOT_FILE_NVRAM);
  GStatBuf st;

  g_return_val_if_fail (nvram != NULL, FALSE);

  if (g_stat (copy, &st) < 0)
    {
      if (errno == ENOENT)
        return TRUE;
      return fail_errno (error, errno, _("Cannot read “%s”: %s"), copy, g_strerror (errno));
    }
  if (st.st_size == 0)
    {
      if (g_unlink (nvram) < 0 && errno != ENOENT)
        return fail_errno (error, errno, _("Cannot remove “%s”: %s"), nvram, g_strerror (errno));
      return TRUE;
    }
  return copy_private (copy, nvram, error);
}

static gboolean
remove_file (const char  *path,
             GError     **error)
{
  if (g_unlink (path) < 0 && errno != ENOENT)
    return fail_errno (error, errno, _("Cannot remove “%s”: %s"), path, g_strerror (errno));
  return TRUE;
}

/**
 * hangar_snapshot_files_remove:
 *
 * Removes every file kept for @snapshot, and the machine's folder once it
 * is empty.
 */
gboolean
hangar_snapshot_files_remove (const char  *uuid,
                              const char  *snapshot,
                              GError     **error)
{
  g_autofree char *dir = hangar_snapshot_files_dir (uuid);

  for (guint kind = 0; kind < G_N_ELEMENTS (suffixes); kind++)
    {
      g_autofree char *path = hangar_snapshot_files_path (uuid, snapshot, kind);

      if (!remove_file (path, error))
        return FALSE;
    }
  /* Fails while other snapshots' files are there, as it should. */
  g_rmdir (dir);
  return TRUE;
}

/**
 * hangar_snapshot_files_remove_all:
 *
 * Removes the machine's folder of snapshot files and all in it (the files
 * Hangar made: nothing else belongs there).
 */
gboolean
hangar_snapshot_files_remove_all (const char  *uuid,
                                  GError     **error)
{
  g_autofree char *dir = hangar_snapshot_files_dir (uuid);
  g_autoptr(GDir) folder = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  folder = g_dir_open (dir, 0, &local_error);
  if (folder == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!remove_file (path, error))
        return FALSE;
    }
  if (g_rmdir (dir) < 0 && errno != ENOENT)
    return fail_errno (error, errno, _("Cannot remove “%s”: %s"), dir, g_strerror (errno));
  return TRUE;
}
