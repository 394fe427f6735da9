/* test-snapshots-uefi.c
 *
 * Snapshots of UEFI machines. Two groups of paths, run by two meson tests:
 *   /hangar/snapshots-uefi/files/  the files kept beside them (firmware
 *                                  variables, memory): names, privacy,
 *                                  restore, removal; no daemon
 *   /hangar/snapshots-uefi/e2e/    one UEFI live-ISO guest, in order: a
 *                                  snapshot while stopped (the disk and the
 *                                  firmware variables come back), one while
 *                                  running (its memory comes back), rename,
 *                                  delete (its files go), delete the machine
 *                                  keeping its disk (every snapshot file
 *                                  goes; the disk stays whole)
 * The e2e cases depend on each other and run in registration order.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "hangar-machine.h"
#include "hangar-snapshot-files.h"
#include "hangar-storage-pool.h"
#include "hangar-storage-volume.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"

#define UUID "0a1b2c3d-0000-4000-8000-123456789abc"

/* ------------------------------------------------------------------------ */
/* files                                                                    */
/* ------------------------------------------------------------------------ */

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
write_file (const char *path,
            const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* Where they go: by UUID, named by a hash of the snapshot's name, so that
 * any name libvirt takes makes a file name. */
static void
test_files_paths (void)
{
  g_autofree char *dir = hangar_snapshot_files_dir (UUID);
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "hangar", "snapshots",
                                                UUID, NULL);
  g_autofree char *nvram = hangar_snapshot_files_path (UUID, "a/../b", HANGAR_SNAPSHOT_FILE_NVRAM);
  g_autofree char *memory = hangar_snapshot_files_path (UUID, "a/../b",
                                                        HANGAR_SNAPSHOT_FILE_MEMORY);
  g_autofree char *other = hangar_snapshot_files_path (UUID, "a/../c", HANGAR_SNAPSHOT_FILE_NVRAM);
  g_autofree char *long_name = g_strnfill (300, 'x');
  g_autofree char *long_path = hangar_snapshot_files_path (UUID, long_name,
                                                           HANGAR_SNAPSHOT_FILE_MEMORY);
  g_autofree char *nvram_default = hangar_snapshot_files_default_nvram ("Win 11");
  g_autofree char *nvram_expected = g_build_filename (g_get_user_config_dir (), "libvirt", "qemu",
                                                      "nvram", "Win 11_VARS.fd", NULL);
  g_autofree char *base = NULL;

  g_assert_cmpstr (dir, ==, expected);
  g_assert_true (g_str_has_prefix (nvram, dir));
  base = g_path_get_basename (nvram);
  g_assert_cmpuint (strlen (base), ==, 64 + strlen (".nvram"));
  g_assert_true (g_str_has_suffix (nvram, ".nvram"));
  g_assert_true (g_str_has_suffix (memory, ".memory"));
  g_assert_cmpstr (nvram, !=, other);
  g_assert_cmpuint (strlen (long_path) - strlen (dir), <, 80);
  g_assert_cmpstr (nvram_default, ==, nvram_expected);
}

/* A copy of the variables is private and exact; revert puts it back; an
 * empty copy (no variables yet) removes the file on revert; without a copy
 * the file stays as it is. */
static void
test_files_nvram (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = hangar_snapshot_files_dir (UUID);
  g_autofree char *vars = g_build_filename (g_get_user_data_dir (), "vars.fd", NULL);
  g_autofree char *copy = hangar_snapshot_files_path (UUID, "one", HANGAR_SNAPSHOT_FILE_NVRAM);
  g_autofree char *none = hangar_snapshot_files_path (UUID, "none", HANGAR_SNAPSHOT_FILE_NVRAM);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  write_file (vars, "variables as they were");
  before = file_checksum (vars);

  g_assert_true (hangar_snapshot_files_keep_nvram (UUID, "one", vars, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (dir), ==, 0700);
  g_assert_cmpuint (file_mode (copy), ==, 0600);
  after = file_checksum (copy);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (hangar_snapshot_files_exists (UUID, "one", HANGAR_SNAPSHOT_FILE_NVRAM));
  g_assert_false (hangar_snapshot_files_exists (UUID, "one", HANGAR_SNAPSHOT_FILE_MEMORY));

  write_file (vars, "variables changed since");
  g_assert_true (hangar_snapshot_files_restore_nvram (UUID, "one", vars, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_free);
  after = file_checksum (vars);
  g_assert_cmpstr (after, ==, before);

  /* The machine had no variables yet. */
  g_assert_true (hangar_snapshot_files_keep_nvram (UUID, "none", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (none, G_FILE_TEST_IS_REGULAR));
  g_assert_true (hangar_snapshot_files_restore_nvram (UUID, "none", vars, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (vars, G_FILE_TEST_EXISTS));

  /* No copy at all: nothing is touched. */
  write_file (vars, "left alone");
  g_assert_true (hangar_snapshot_files_restore_nvram (UUID, "never", vars, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_free);
  after = file_checksum (vars);
  g_clear_pointer (&before, g_free);
  before = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "left alone", -1);
  g_assert_cmpstr (after, ==, before);

  /* One snapshot's files go; the folder stays for the other's. */
  g_assert_true (hangar_snapshot_files_remove (UUID, "one", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (none, G_FILE_TEST_EXISTS));
  g_assert_true (hangar_snapshot_files_remove (UUID, "none", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_unlink (vars), ==, 0);
}

/* A machine's deletion takes every file there; nothing there is fine. */
static void
test_files_remove_all (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = hangar_snapshot_files_dir (UUID);
  g_autofree char *memory = hangar_snapshot_files_path (UUID, "m", HANGAR_SNAPSHOT_FILE_MEMORY);
  g_autofree char *stray = g_build_filename (dir, "left by a crash", NULL);

  g_assert_true (hangar_snapshot_files_remove_all (UUID, &error));
  g_assert_no_error (error);
  g_assert_true (hangar_snapshot_files_keep_nvram (UUID, "m", NULL, &error));
  g_assert_no_error (error);
  write_file (memory, "memory");
  write_file (stray, "partial");
  g_assert_true (hangar_snapshot_files_remove_all (UUID, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* ------------------------------------------------------------------------ */
/* e2e: one UEFI guest                                                      */
/* ------------------------------------------------------------------------ */

#define NAME "efi snaps"
/* A sector of the disk that nothing else uses: the disk is blank. */
#define MARK_SECTOR "4096"
#define MARK_SECTOR_END "4097"

static HangarTestGuest *guest;
static HangarMachine *machine;
static char *uuid;
static guint question;

static gboolean
answered (gpointer data)
{
  return hangar_test_guest_count_in_log (guest, data) > 0;
}

/* Asks the guest's shell for $((40+2)) under a fresh key until it answers
 * (the guest may still be booting): no typed text matches the answer. */
static void
wait_shell (void)
{
  g_autofree char *key = g_strdup_printf ("UP%u=", ++question);
  g_autofree char *answer = g_strconcat (key, "42", NULL);
  g_autofree char *command = g_strdup_printf ("echo %s$((40+2))", key);
  gint64 start = g_get_monotonic_time ();

  while (TRUE)
    {
      hangar_test_guest_run (guest, command);
      if (hangar_test_wait_until (answered, answer, 5))
        break;
      g_assert_cmpint (g_get_monotonic_time () - start, <,
                       HANGAR_TEST_BOOT_TIMEOUT_S * G_USEC_PER_SEC);
    }
  g_test_message ("the shell answered %.1f s after the start",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

/* Runs @command in the guest; returns what it echoed after a fresh key. */
static char *
ask (const char *command)
{
  g_autofree char *key = g_strdup_printf ("A%u=", ++question);
  g_autofree char *full = g_strdup_printf ("echo %s$(%s)", key, command);
  g_autofree char *line = NULL;

  hangar_test_guest_run (guest, full);
  line = hangar_test_guest_wait_line (guest, key, 1, 60);
  /* The key appears once the shell runs the line: its $(…) is gone by then. */
  return g_strdup (line + strlen (key));
}

static char *
read_mark (void)
{
  return ask ("dd if=/dev/sda bs=512 skip=" MARK_SECTOR " count=1 2>/dev/null | tr -dc A-Z0-9-");
}

static char *
nvram_path (void)
{
  return hangar_snapshot_files_default_nvram (NAME);
}

static HangarSnapshot *
find_snapshot (GPtrArray  *snapshots,
               const char *name)
{
  for (guint i = 0; i < snapshots->len; i++)
    {
      HangarSnapshot *snapshot = g_ptr_array_index (snapshots, i);

      if (g_strcmp0 (snapshot->name, name) == 0)
        return snapshot;
    }
  return NULL;
}

static GPtrArray *
list_snapshots (void)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *snapshots;

  hangar_machine_list_snapshots_async (machine, NULL, hangar_test_async_done, NULL);
  snapshots = hangar_machine_list_snapshots_finish (machine, hangar_test_await (), &error);
  g_assert_no_error (error);
  return snapshots;
}

static void
take (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *taken = NULL;
  gint64 start = g_get_monotonic_time ();

  hangar_machine_take_snapshot_async (machine, name, NULL, NULL, hangar_test_async_done, NULL);
  taken = hangar_machine_take_snapshot_finish (machine, hangar_test_await (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (taken, ==, name);
  g_test_message ("snapshot “%s” taken in %.1f s", name,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

static void
revert (const char *name)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  hangar_machine_revert_snapshot_async (machine, name, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_revert_snapshot_finish (machine, hangar_test_await (), &error));
  g_assert_no_error (error);
  g_test_message ("reverted to “%s” in %.1f s", name,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

/* Every file under the pool, the NVRAM folder and Hangar's snapshot files. */
static char *
find_files (void)
{
  g_autofree char *pool = hangar_test_pool_file (NULL);
  g_autofree char *nvram_dir = g_build_filename (g_get_user_config_dir (), "libvirt", "qemu",
                                                 "nvram", NULL);
  g_autofree char *snapshots = g_build_filename (g_get_user_data_dir (), "hangar", "snapshots",
                                                 NULL);

  g_assert_cmpint (g_mkdir_with_parents (snapshots, 0700), ==, 0);
  return hangar_test_run_tool ((const char *[]) { "find", pool, nvram_dir, snapshots, "-type",
                                                  "f", NULL });
}

static void
test_e2e_boot (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *nvram = NULL;
  char buffer[VIR_UUID_STRING_BUFLEN];
  virDomainPtr dom;

  hangar_test_session_setup ();
  hangar_test_tolerate_unknown_events ();
  guest = hangar_test_guest_for_machine (NAME);
  hangar_test_create_machine (NAME, HANGAR_FIRMWARE_UEFI, TRUE);
  machine = hangar_test_machine_for (NAME);
  g_free (hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 1,
                                       HANGAR_TEST_BOOT_TIMEOUT_S));
  dom = virDomainLookupByName (hangar_test_session_conn (), NAME);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainGetUUIDString (dom, buffer), ==, 0);
  virDomainFree (dom);
  uuid = g_strdup (buffer);

  /* The guest sees its SATA disk, blank where the marks go. */
  disk = ask ("ls /dev/sda");
  g_assert_cmpstr (disk, ==, "/dev/sda");
  g_clear_pointer (&disk, g_free);
  disk = read_mark ();
  g_assert_cmpstr (disk, ==, "");
  nvram = nvram_path ();
  g_assert_true (g_file_test (nvram, G_FILE_TEST_IS_REGULAR));

  /* The snapshots dialog and hangarctl offer snapshots of it. */
  hangar_machine_check_snapshots_async (machine, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_check_snapshots_finish (machine, hangar_test_await (), &error));
  g_assert_no_error (error);
}

/* Stopped: the disk and the firmware variables come back, byte for byte. */
static void
test_e2e_stopped (void)
{
  g_autofree char *nvram = nvram_path ();
  g_autofree char *at_snapshot = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *reverted = NULL;
  g_autofree char *copy = hangar_snapshot_files_path (uuid, "clean", HANGAR_SNAPSHOT_FILE_NVRAM);
  g_autofree char *wrote = NULL;
  g_autofree char *mark = NULL;
  g_autofree char *tags = NULL;
  g_autofree char *disk = hangar_test_disk_source (NAME, "sda");
  g_autoptr(GPtrArray) snapshots = NULL;
  HangarSnapshot *snapshot;
  FILE *file;

  hangar_test_virsh ("destroy", NAME, NULL);
  at_snapshot = file_checksum (nvram);
  take ("clean");
  g_assert_cmpint (hangar_test_domain_state (NAME), ==, VIR_DOMAIN_SHUTOFF);
  g_assert_cmpuint (file_mode (copy), ==, 0600);
  snapshots = list_snapshots ();
  snapshot = find_snapshot (snapshots, "clean");
  g_assert_nonnull (snapshot);
  g_assert_cmpint (snapshot->state, ==, HANGAR_MACHINE_STATE_STOPPED);
  g_assert_true (snapshot->current);

  /* The guest writes a mark onto its disk. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "start", NAME, NULL }, NULL, NULL), ==, 0);
  wait_shell ();
  wrote = ask ("echo DISKMARK-7 | dd of=/dev/sda bs=512 seek=" MARK_SECTOR
               " conv=fsync 2>/dev/null; sync; echo done");
  g_assert_cmpstr (wrote, ==, "done");
  mark = read_mark ();
  g_assert_cmpstr (mark, ==, "DISKMARK-7");
  hangar_test_virsh ("destroy", NAME, NULL);

  /* The variables change too: one byte of the file, while it is stopped. */
  file = g_fopen (nvram, "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, -1, SEEK_END), ==, 0);
  g_assert_cmpint (fputc (0x5a, file), !=, EOF);
  g_assert_cmpint (fclose (file), ==, 0);
  changed = file_checksum (nvram);
  g_assert_cmpstr (changed, !=, at_snapshot);

  revert ("clean");
  g_assert_cmpint (hangar_test_domain_state (NAME), ==, VIR_DOMAIN_SHUTOFF);
  reverted = file_checksum (nvram);
  g_assert_cmpstr (reverted, ==, at_snapshot);
  tags = hangar_test_run_tool ((const char *[]) { "qemu-img", "snapshot", "-l", "-U", disk,
                                                  NULL });
  g_assert_nonnull (strstr (tags, "clean"));

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "start", NAME, NULL }, NULL, NULL), ==, 0);
  wait_shell ();
  g_clear_pointer (&mark, g_free);
  mark = read_mark ();
  g_assert_cmpstr (mark, ==, "");
}

/* Running: the memory comes back, and the machine runs on after the
 * snapshot and after the revert. */
static void
test_e2e_running (void)
{
  g_autofree char *memory = hangar_snapshot_files_path (uuid, "live",
                                                        HANGAR_SNAPSHOT_FILE_MEMORY);
  g_autofree char *answer = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  HangarSnapshot *snapshot;

  hangar_test_guest_run (guest, "MARK=before");
  take ("live");
  g_assert_cmpint (hangar_test_domain_state (NAME), ==, VIR_DOMAIN_RUNNING);
  g_assert_cmpuint (file_mode (memory), ==, 0600);
  g_assert_true (hangar_snapshot_files_exists (uuid, "live", HANGAR_SNAPSHOT_FILE_NVRAM));
  /* The guest ran on from where it was. */
  answer = ask ("echo $MARK");
  g_assert_cmpstr (answer, ==, "before");

  snapshots = list_snapshots ();
  snapshot = find_snapshot (snapshots, "live");
  g_assert_nonnull (snapshot);
  g_assert_cmpint (snapshot->state, ==, HANGAR_MACHINE_STATE_RUNNING);
  g_assert_cmpstr (snapshot->parent, ==, "clean");
  g_assert_true (snapshot->current);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "snapshot", "list", NAME, "--json", NULL },
                                    &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"state\" : \"running\""));

  hangar_test_guest_run (guest, "MARK=after");
  g_free (ask ("echo DISKMARK-8 | dd of=/dev/sda bs=512 seek=" MARK_SECTOR
               " conv=fsync 2>/dev/null; sync; echo done"));
  g_clear_pointer (&answer, g_free);
  answer = read_mark ();
  g_assert_cmpstr (answer, ==, "DISKMARK-8");

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "snapshot", "revert", NAME, "live", NULL },
                                    NULL, NULL), ==, 0);
  g_assert_cmpint (hangar_test_domain_state (NAME), ==, VIR_DOMAIN_RUNNING);
  g_clear_pointer (&answer, g_free);
  answer = ask ("echo $MARK");
  g_assert_cmpstr (answer, ==, "before");
  /* The guest's cache forgets the sector, so the disk itself answers. */
  g_free (ask ("echo 3 > /proc/sys/vm/drop_caches; echo dropped"));
  g_clear_pointer (&answer, g_free);
  answer = read_mark ();
  g_assert_cmpstr (answer, ==, "");
}

/* A title changes; the name, and so the files, stay. */
static void
test_e2e_rename (void)
{
  g_autoptr(GPtrArray) snapshots = NULL;

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "snapshot", "rename", NAME, "live",
                                                       "Before the update", NULL },
                                    NULL, NULL), ==, 0);
  snapshots = list_snapshots ();
  g_assert_cmpstr (find_snapshot (snapshots, "live")->title, ==, "Before the update");
  g_assert_cmpint (find_snapshot (snapshots, "live")->state, ==, HANGAR_MACHINE_STATE_RUNNING);
  g_assert_true (hangar_snapshot_files_exists (uuid, "live", HANGAR_SNAPSHOT_FILE_MEMORY));
}

/* Deleting a snapshot of the running machine: its files and its data in the
 * disk go, the machine runs on. */
static void
test_e2e_delete_snapshot (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *disk = hangar_test_disk_source (NAME, "sda");
  g_autofree char *tags = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *answer = NULL;

  hangar_machine_delete_snapshot_async (machine, "live", NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_delete_snapshot_finish (machine, hangar_test_await (), &error));
  g_assert_no_error (error);
  g_assert_false (hangar_snapshot_files_exists (uuid, "live", HANGAR_SNAPSHOT_FILE_MEMORY));
  g_assert_false (hangar_snapshot_files_exists (uuid, "live", HANGAR_SNAPSHOT_FILE_NVRAM));
  g_assert_false (hangar_snapshot_files_exists (uuid, "live", HANGAR_SNAPSHOT_FILE_RESUME));
  listed = hangar_test_virsh_try ("snapshot-list", NAME, "--name", NULL);
  g_assert_cmpstr (listed, ==, "clean");
  tags = hangar_test_run_tool ((const char *[]) { "qemu-img", "snapshot", "-l", "-U", disk,
                                                  NULL });
  g_assert_null (strstr (tags, "live"));
  g_assert_nonnull (strstr (tags, "clean"));
  g_assert_cmpint (hangar_test_domain_state (NAME), ==, VIR_DOMAIN_RUNNING);
  answer = ask ("echo $MARK");
  g_assert_cmpstr (answer, ==, "before");

  /* One with memory again, for the machine's deletion to find. */
  take ("last");
}

/* Deleting the machine, keeping its disk: every snapshot file goes, and the
 * disk is whole and stands alone (no backing file; the guest's last mark in
 * it, and the snapshots inside it that a new machine can revert to). */
static void
test_e2e_delete_machine (void)
{
  g_autofree char *disk = hangar_test_disk_source (NAME, "sda");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *info = NULL;
  g_autofree char *check = NULL;
  g_autofree char *sector = g_build_filename (g_get_user_runtime_dir (), "sector", NULL);
  g_autofree char *of = g_strconcat ("of=", sector, NULL);
  g_autofree char *iff = g_strconcat ("if=", disk, NULL);
  g_autofree char *contents = NULL;
  g_autofree char *dir = hangar_snapshot_files_dir (uuid);
  g_autofree char *nvram = nvram_path ();
  g_auto(GStrv) lines = NULL;

  g_free (ask ("echo DISKMARK-9 | dd of=/dev/sda bs=512 seek=" MARK_SECTOR
               " conv=fsync 2>/dev/null; sync; echo done"));
  before = find_files ();
  g_test_message ("before:\n%s", before);
  g_assert_nonnull (strstr (before, dir));
  g_assert_nonnull (strstr (before, ".memory"));
  g_assert_nonnull (strstr (before, nvram));

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "delete", NAME, "--keep-disk", NULL },
                                    NULL, NULL), ==, 0);
  g_assert_false (hangar_test_domain_exists (NAME));
  after = find_files ();
  g_test_message ("after:\n%s", after);
  lines = g_strsplit (g_strstrip (after), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_cmpstr (lines[0], ==, disk);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  info = hangar_test_run_tool ((const char *[]) { "qemu-img", "info", disk, NULL });
  g_assert_nonnull (strstr (info, "file format: qcow2"));
  g_assert_null (strstr (info, "backing file"));
  check = hangar_test_run_tool ((const char *[]) { "qemu-img", "check", disk, NULL });
  g_assert_nonnull (strstr (check, "No errors were found"));
  /* qemu-img dd counts its count from the start of the image, not from skip. */
  g_free (hangar_test_run_tool ((const char *[]) { "qemu-img", "dd", "-f", "qcow2", "-O", "raw",
                                                   "bs=512", "skip=" MARK_SECTOR,
                                                   "count=" MARK_SECTOR_END, iff, of, NULL }));
  g_assert_true (g_file_get_contents (sector, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "DISKMARK-9\n"));
  g_assert_cmpint (g_unlink (sector), ==, 0);
  g_assert_cmpint (g_unlink (disk), ==, 0);

  g_clear_object (&machine);
  g_clear_pointer (&guest, hangar_test_guest_free);
  g_clear_pointer (&uuid, g_free);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/snapshots-uefi/files/paths", test_files_paths);
  g_test_add_func ("/hangar/snapshots-uefi/files/nvram", test_files_nvram);
  g_test_add_func ("/hangar/snapshots-uefi/files/remove-all", test_files_remove_all);

  /* In this order: each case goes on from where the one before left the guest. */
  g_test_add_func ("/hangar/snapshots-uefi/e2e/1-boot", test_e2e_boot);
  g_test_add_func ("/hangar/snapshots-uefi/e2e/2-stopped", test_e2e_stopped);
  g_test_add_func ("/hangar/snapshots-uefi/e2e/3-running", test_e2e_running);
  g_test_add_func ("/hangar/snapshots-uefi/e2e/4-rename", test_e2e_rename);
  g_test_add_func ("/hangar/snapshots-uefi/e2e/5-delete-snapshot", test_e2e_delete_snapshot);
  g_test_add_func ("/hangar/snapshots-uefi/e2e/6-delete-machine", test_e2e_delete_machine);

  return g_test_run ();
}
