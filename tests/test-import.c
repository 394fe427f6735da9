/* test-import.c
 *
 * Importing disk images: every format qemu-img makes here read from the
 * file, whatever its name says; damaged, garbage, encrypted and dependent
 * images refused clearly; the firmware read from a GPT with an EFI System
 * Partition; then in a session, machines defined from copies and links, a
 * copy cancelled halfway and failures leaving nothing behind, the original
 * never changed.
 *   /hangar/import/unit/     no daemon
 *   /hangar/import/libvirt/  an isolated session (QEMU starts briefly)
 *   /hangar/import/small-pool/  the same, the pool on a small filesystem
 *   /hangar/import/e2e/      the live ISO in every format, imported, booting
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "hangar-image-kind.h"
#include "hangar-import.h"
#include "hangar-os-profile.h"
#include "hangar-pending.h"
#include "hangar-storage-pool.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"

#define MIB (1024 * 1024)

static void
write_le32 (guint8  *at,
            guint32  value)
{
  value = GUINT32_TO_LE (value);
  memcpy (at, &value, sizeof value);
}

static void
write_le64 (guint8  *at,
            guint64  value)
{
  value = GUINT64_TO_LE (value);
  memcpy (at, &value, sizeof value);
}

/* A raw disk of @size bytes: an MBR boot sector, and with @esp a protective
 * MBR and a GPT whose one partition is an EFI System Partition (the fields
 * the firmware guess reads; no tool here writes GPTs). Random bytes after
 * the first MiB when @random_mib is set, so a copy takes a while. */
static char *
make_raw_disk (const char *name,
               gsize       size,
               gboolean    esp,
               guint       random_mib)
{
  static const guint8 esp_guid[16] = {
    0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
    0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b,
  };
  g_autofree guint8 *head = g_malloc0 (MIB);
  g_autoptr(GError) error = NULL;
  char *path = hangar_test_work_file (name);
  FILE *file;

  head[510] = 0x55;
  head[511] = 0xaa;
  if (esp)
    {
      head[446 + 4] = 0xee;
      memcpy (head + 512, "EFI PART", 8);
      write_le64 (head + 512 + 72, 2);
      write_le32 (head + 512 + 80, 128);
      write_le32 (head + 512 + 84, 128);
      /* The second entry, as a disk partitioned by hand may have it. */
      memcpy (head + 1024 + 128, esp_guid, sizeof esp_guid);
    }
  else
    head[446 + 4] = 0x83;

  file = g_fopen (path, "wb");
  g_assert_nonnull (file);
  g_assert_cmpuint (fwrite (head, 1, MIB, file), ==, MIB);
  for (guint i = 0; i < random_mib; i++)
    {
      for (gsize j = 0; j < MIB / sizeof (guint32); j++)
        ((guint32 *) head)[j] = g_random_int ();
      g_assert_cmpuint (fwrite (head, 1, MIB, file), ==, MIB);
    }
  g_assert_cmpint (fclose (file), ==, 0);
  g_assert_cmpint (truncate (path, size), ==, 0);
  return path;
}

static void
assert_unchanged (const char *path,
                  const char *checksum)
{
  g_autofree char *now = hangar_test_checksum_file (path);

  g_assert_cmpstr (now, ==, checksum);
}

static HangarImportInfo *
probe (const char  *path,
       GError     **error)
{
  hangar_import_probe_async (path, NULL, hangar_test_async_done, NULL);
  return hangar_import_probe_finish (hangar_test_await (), error);
}

typedef struct
{
  const char *name;       /* the file's name: never what its format is read from */
  const char *format;     /* qemu-img convert -O */
  const char *options;    /* -o, or NULL */
} FormatCase;

static const FormatCase format_cases[] = {
  { "disk.img", "qcow2", NULL },
  { "disk.qcow2", "raw", NULL },
  { "disk.vmdk", "vmdk", NULL },
  { "disk.vdi", "vdi", NULL },
  { "disk.vhd", "vpc", NULL },
  { "disk.vhdx", "vhdx", NULL },
  { "stream.vmdk", "vmdk", "subformat=streamOptimized" },
};

static void
test_probe_formats (void)
{
  g_autofree char *raw = make_raw_disk ("base.raw", 8 * MIB, FALSE, 0);
  g_autofree char *sum = hangar_test_checksum_file (raw);

  for (guint i = 0; i < G_N_ELEMENTS (format_cases); i++)
    {
      const FormatCase *c = &format_cases[i];
      g_autofree char *path = hangar_test_work_file (c->name);
      g_autofree char *after = NULL;
      g_autoptr(HangarImportInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s as %s", c->name, c->format);
      if (c->options != NULL)
        hangar_test_run ("qemu-img", "convert", "-f", "raw", "-O", c->format, "-o", c->options, raw, path, NULL);
      else
        hangar_test_run ("qemu-img", "convert", "-f", "raw", "-O", c->format, raw, path, NULL);
      info = probe (path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (info->format, ==, c->format);
      g_assert_cmpuint (info->virtual_size, >=, 8 * MIB);
      g_assert_true (info->firmware_detected);
      g_assert_cmpint (info->firmware, ==, HANGAR_FIRMWARE_BIOS);
      g_unlink (path);
    }

  /* Read, never changed. */
  assert_unchanged (raw, sum);
}

static void
test_probe_gpt_esp (void)
{
  g_autofree char *raw = make_raw_disk ("esp.raw", 8 * MIB, TRUE, 0);
  g_autofree char *qcow2 = hangar_test_work_file ("esp.qcow2");
  g_autoptr(HangarImportInfo) info = NULL;
  g_autoptr(HangarImportInfo) info2 = NULL;
  g_autoptr(GError) error = NULL;

  info = probe (raw, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->format, ==, "raw");
  g_assert_true (info->firmware_detected);
  g_assert_cmpint (info->firmware, ==, HANGAR_FIRMWARE_UEFI);

  /* Through qemu-img for formats other than raw. */
  hangar_test_run ("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, qcow2, NULL);
  info2 = probe (qcow2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info2->firmware, ==, HANGAR_FIRMWARE_UEFI);
}

static void
test_firmware_sectors (void)
{
  guint8 sectors[2048] = { 0 };
  gboolean detected = TRUE;

  g_assert_cmpint (hangar_import_firmware_from_sectors (sectors, sizeof sectors, &detected), ==,
                   HANGAR_FIRMWARE_BIOS);
  g_assert_false (detected);
  g_assert_cmpint (hangar_import_firmware_from_sectors (NULL, 0, &detected), ==,
                   HANGAR_FIRMWARE_BIOS);

  /* An MBR with an EFI System Partition (type 0xEF). */
  sectors[510] = 0x55;
  sectors[511] = 0xaa;
  sectors[446 + 4] = 0xef;
  g_assert_cmpint (hangar_import_firmware_from_sectors (sectors, sizeof sectors, &detected), ==,
                   HANGAR_FIRMWARE_UEFI);
  g_assert_true (detected);

  /* A GPT header whose entries lie past what was read: BIOS, no crash. */
  sectors[446 + 4] = 0xee;
  memcpy (sectors + 512, "EFI PART", 8);
  write_le64 (sectors + 512 + 72, G_MAXUINT64 / 2);
  write_le32 (sectors + 512 + 80, G_MAXUINT32);
  write_le32 (sectors + 512 + 84, 128);
  g_assert_cmpint (hangar_import_firmware_from_sectors (sectors, sizeof sectors, NULL), ==,
                   HANGAR_FIRMWARE_BIOS);
  write_le64 (sectors + 512 + 72, 2);
  write_le32 (sectors + 512 + 84, 0);
  g_assert_cmpint (hangar_import_firmware_from_sectors (sectors, sizeof sectors, NULL), ==,
                   HANGAR_FIRMWARE_BIOS);
}

typedef struct
{
  const char      *what;
  gsize            length;     /* of the head given */
  gsize            offset;     /* where @magic goes */
  const char      *magic;
  HangarImageKind  kind;
} KindCase;

static const KindCase kind_cases[] = {
  { "ISO 9660", HANGAR_IMAGE_KIND_HEAD_BYTES, 32769, "CD001", HANGAR_IMAGE_KIND_MEDIUM },
  { "UDF", HANGAR_IMAGE_KIND_HEAD_BYTES, 32769, "BEA01", HANGAR_IMAGE_KIND_MEDIUM },
  { "tar (OVA)", HANGAR_IMAGE_KIND_HEAD_BYTES, 257, "ustar", HANGAR_IMAGE_KIND_APPLIANCE },
  { "zeros", HANGAR_IMAGE_KIND_HEAD_BYTES, 0, "", HANGAR_IMAGE_KIND_DISK },
  { "qcow2 magic", HANGAR_IMAGE_KIND_HEAD_BYTES, 0, "QFI\xfb", HANGAR_IMAGE_KIND_DISK },
  { "CD001 elsewhere", HANGAR_IMAGE_KIND_HEAD_BYTES, 32768, "CD001", HANGAR_IMAGE_KIND_DISK },
  /* Cut short before the descriptor's end: no medium, no overread. */
  { "short", 32773, 32769, "CD001", HANGAR_IMAGE_KIND_DISK },
  { "empty", 0, 0, "", HANGAR_IMAGE_KIND_DISK },
};

static HangarImageKind
read_kind (const char  *path,
           GError     **error)
{
  HangarImageKind kind = HANGAR_IMAGE_KIND_DISK;

  hangar_image_kind_read_async (path, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_image_kind_read_finish (hangar_test_await (), &kind, error));
  return kind;
}

/* A medium, a disk image and an appliance told apart by their first bytes,
 * in memory and read from files whose names say otherwise. */
static void
test_image_kind (void)
{
  g_autofree char *iso = hangar_test_work_file ("medium.qcow2");
  g_autofree char *qcow2 = hangar_test_work_file ("disk.iso");
  g_autofree char *missing = hangar_test_work_file ("missing.img");
  g_autofree guint8 *head = g_malloc (HANGAR_IMAGE_KIND_HEAD_BYTES);
  g_autoptr(GError) error = NULL;
  HangarImageKind kind;

  for (gsize i = 0; i < G_N_ELEMENTS (kind_cases); i++)
    {
      const KindCase *c = &kind_cases[i];
      g_autofree guint8 *data = g_malloc0 (MAX (c->length, 1));

      g_test_message ("%s", c->what);
      if (c->offset + strlen (c->magic) <= c->length)
        memcpy (data + c->offset, c->magic, strlen (c->magic));
      g_assert_cmpint (hangar_image_kind_from_head (c->length > 0 ? data : NULL, c->length), ==,
                       c->kind);
    }

  memset (head, 0, HANGAR_IMAGE_KIND_HEAD_BYTES);
  head[32768] = 1;
  memcpy (head + 32769, "CD001", 5);
  g_assert_true (g_file_set_contents (iso, (const char *) head, HANGAR_IMAGE_KIND_HEAD_BYTES,
                                      NULL));
  g_assert_cmpint (read_kind (iso, &error), ==, HANGAR_IMAGE_KIND_MEDIUM);
  g_assert_no_error (error);

  hangar_test_run ("qemu-img", "create", "-q", "-f", "qcow2", qcow2, "64M", NULL);
  g_assert_cmpint (read_kind (qcow2, &error), ==, HANGAR_IMAGE_KIND_DISK);
  g_assert_no_error (error);

  hangar_image_kind_read_async (missing, NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_image_kind_read_finish (hangar_test_await (), &kind, &error));
  g_assert_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing.img"));
}

static void
assert_refused (const char *path,
                int         code,
                const char *words)
{
  g_autoptr(HangarImportInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = probe (path, &error);
  g_assert_null (info);
  g_assert_error (error, HANGAR_IMPORT_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_probe_refused (void)
{
  g_autofree char *raw = make_raw_disk ("good.raw", 8 * MIB, FALSE, 2);
  g_autofree char *garbage = hangar_test_work_file ("garbage.qcow2");
  g_autofree char *truncated = hangar_test_work_file ("truncated.qcow2");
  g_autofree char *overlay = hangar_test_work_file ("overlay.qcow2");
  g_autofree char *encrypted = hangar_test_work_file ("encrypted.qcow2");
  g_autofree char *empty = hangar_test_work_file ("empty.vmdk");
  g_autofree guint8 *noise = g_malloc (100000);
  g_autoptr(GError) error = NULL;

  /* Random bytes named like a qcow2: a raw "image" with no boot sector. */
  for (guint i = 0; i < 100000; i++)
    noise[i] = g_random_int_range (0, 256);
  noise[510] = 0;
  g_assert_true (g_file_set_contents (garbage, (char *) noise, 100000, NULL));
  assert_refused (garbage, HANGAR_IMPORT_ERROR_UNSUPPORTED, "not a disk image");

  /* A qcow2 cut short: its tables point past its end. */
  hangar_test_run ("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, truncated, NULL);
  g_assert_cmpint (truncate (truncated, 300 * 1024), ==, 0);
  assert_refused (truncated, HANGAR_IMPORT_ERROR_CORRUPT, "truncated.qcow2");

  hangar_test_run ("qemu-img", "create", "-f", "qcow2", "-F", "raw", "-b", raw, overlay, NULL);
  assert_refused (overlay, HANGAR_IMPORT_ERROR_BACKING_FILE, "good.raw");

  hangar_test_run ("qemu-img", "create", "-f", "qcow2", "--object", "secret,id=s0,data=hangar",
            "-o", "encrypt.format=luks,encrypt.key-secret=s0", encrypted, "8M", NULL);
  assert_refused (encrypted, HANGAR_IMPORT_ERROR_ENCRYPTED, "encrypted");

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  assert_refused (empty, HANGAR_IMPORT_ERROR_CORRUPT, "empty.vmdk");

  assert_refused ("/nonexistent/disk.qcow2", HANGAR_IMPORT_ERROR_NOT_FOUND, "disk.qcow2");
  assert_refused (hangar_test_work_dir (), HANGAR_IMPORT_ERROR_NOT_FOUND, "folder");
  g_clear_error (&error);
}

/* The session */

static void
assert_pool_holds (guint files)
{
  g_assert_cmpuint (hangar_test_pool_files (), ==, files);
}

static void
assert_no_pending_records (void)
{
  g_autofree char *dir = hangar_pending_dir ();
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *entry = listing != NULL ? g_dir_read_name (listing) : NULL;

  if (entry != NULL)
    g_test_message ("left in %s: %s", dir, entry);
  g_assert_null (entry);
}

static void
test_ctl_import (void)
{
  g_autofree char *raw = make_raw_disk ("ctl.raw", 16 * MIB, TRUE, 1);
  g_autofree char *vmdk = hangar_test_work_file ("-dash.vmdk");
  g_autofree char *sum = NULL;
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *info = NULL;

  hangar_test_session_setup ();
  hangar_test_run ("qemu-img", "convert", "-f", "raw", "-O", "vmdk", raw, vmdk, NULL);
  sum = hangar_test_checksum_file (vmdk);

  /* A VMDK copied as qcow2 into the pool; UEFI from its ESP; "--" before a
   * name that starts with a dash. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", "--name", "imported",
                                                       "--no-start", "--", vmdk, NULL },
                                    &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "imported\n");
  g_assert_true (hangar_test_domain_persistent ("imported"));
  g_assert_cmpint (hangar_test_domain_state ("imported"), ==, VIR_DOMAIN_SHUTOFF);
  xml = hangar_test_domain_xml ("imported", TRUE);
  disk = hangar_test_pool_file ("imported.qcow2");
  g_assert_nonnull (strstr (xml, disk));
  g_assert_nonnull (strstr (xml, "type='qcow2'"));
  g_assert_nonnull (strstr (xml, "firmware='efi'"));
  info = hangar_test_run_tool ((const char *[]) { "qemu-img", "info", "--output=json", disk,
                                                  NULL });
  g_assert_nonnull (strstr (info, "\"format\": \"qcow2\""));
  assert_unchanged (vmdk, sum);
  /* Done means its record of work under way is gone: one left behind would
   * have the next command remove the machine as half-made. */
  assert_no_pending_records ();

  /* The same name given again: refused, and its copy removed. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", "--name", "imported",
                                                       "--no-start", "--", vmdk, NULL },
                                    &out2, &err2), ==, 1);
  g_assert_cmpstr (out2, ==, "");
  g_assert_nonnull (strstr (err2, "A machine named “imported” already exists."));
  g_assert_false (hangar_test_domain_exists ("imported 2"));
  assert_pool_holds (1);
  /* A name the rule refuses: refused before anything is copied. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", "--name", "a/b",
                                                       "--no-start", "--", vmdk, NULL },
                                    NULL, &err3), ==, 1);
  g_assert_nonnull (strstr (err3, "Names cannot contain “/”."));
  assert_pool_holds (1);
  hangar_test_clean_session ();
}

static void
test_ctl_refused (void)
{
  g_autofree char *garbage = hangar_test_work_file ("noise.img");
  g_autofree char *raw = make_raw_disk ("link.raw", 8 * MIB, FALSE, 0);
  g_autofree char *vdi = hangar_test_work_file ("link.vdi");
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "HANGAR_TEST_FAIL_STEP", "define",
                                         TRUE);
  g_autofree char *err3 = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;

  hangar_test_session_setup ();
  g_assert_true (g_file_set_contents (garbage, "not a disk at all", -1, NULL));
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", garbage, NULL }, NULL, &err),
                   ==, 1);
  g_assert_nonnull (strstr (err, "not a disk image"));
  g_assert_cmpint (strchr (err, '\n') - err, ==, strlen (err) - 1);
  hangar_test_assert_session_empty ();

  /* Only qcow2 and raw are used in place. */
  hangar_test_run ("qemu-img", "convert", "-f", "raw", "-O", "vdi", raw, vdi, NULL);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", "--link", vdi, NULL }, NULL,
                                    &err2), ==, 1);
  g_assert_nonnull (strstr (err2, "Import a copy"));
  hangar_test_assert_session_empty ();

  /* The definition failing after the copy: the copy goes too. */
  g_assert_cmpint (hangar_test_ctl_with_env ((const char * const *) envp,
                                             (const char *[]) { "import", raw, NULL }, NULL,
                                             &err3), ==, 1);
  g_assert_nonnull (strstr (err3, "Failure injected after the define step"));
  hangar_test_assert_session_empty ();

  /* Usage. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", NULL }, NULL, NULL), ==, 2);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", "--copy", "--link", raw, NULL },
                                    NULL, NULL), ==, 2);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", raw, raw, NULL }, NULL, NULL),
                   ==, 2);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", "--bogus", raw, NULL }, NULL,
                                    NULL), ==, 2);
  hangar_test_assert_session_empty ();
}

static void
test_link_and_start (void)
{
  g_autofree char *raw = make_raw_disk ("start.raw", 8 * MIB, FALSE, 0);
  g_autofree char *qcow2 = hangar_test_work_file ("in-place.qcow2");
  g_autofree char *sum = hangar_test_checksum_file (raw);
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *xml2 = NULL;

  hangar_test_session_setup ();
  hangar_test_run ("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, qcow2, NULL);

  /* A raw image in place keeps its format. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", "--link", "--no-start", raw,
                                                       NULL }, &out2, NULL), ==, 0);
  g_assert_cmpstr (out2, ==, "start\n");
  xml2 = hangar_test_domain_xml ("start", TRUE);
  g_assert_nonnull (strstr (xml2, raw));
  g_assert_nonnull (strstr (xml2, "type='raw'"));
  g_assert_null (strstr (xml2, "type='qcow2'"));
  assert_unchanged (raw, sum);

  /* Used where it is, started under TCG. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", "--link", qcow2, NULL },
                                    &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "in-place\n");
  g_assert_cmpint (hangar_test_domain_state ("in-place"), ==, VIR_DOMAIN_RUNNING);
  xml = hangar_test_domain_xml ("in-place", FALSE);
  g_assert_nonnull (strstr (xml, qcow2));
  g_assert_nonnull (strstr (xml, "type='qcow2'"));
  assert_pool_holds (0);
  hangar_test_clean_session ();
  /* Deleting the machine left the linked file alone. */
  g_assert_true (g_file_test (qcow2, G_FILE_TEST_EXISTS));
}

static void
cancel_on_progress (double   fraction,
                    gpointer user_data)
{
  /* Halfway through the copy, not before it began. */
  if (fraction > 0.1)
    g_cancellable_cancel (user_data);
}

static void
test_cancel (void)
{
  g_autofree char *raw = make_raw_disk ("big.raw", 256 * MIB, FALSE, 200);
  g_autofree char *sum = hangar_test_checksum_file (raw);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(HangarOsProfile) profile = hangar_os_profile_new_generic ();
  g_autoptr(HangarVmSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  char *name;

  hangar_test_session_setup ();
  settings = hangar_test_vm_settings ("cancelled", 0);
  hangar_import_disk_async (hangar_test_session_connection (), raw, profile, settings,
                            HANGAR_IMPORT_NONE, cancel_on_progress, cancellable, cancellable,
                            hangar_test_async_done, NULL);
  name = hangar_import_disk_finish (hangar_test_await (), &error);
  g_assert_null (name);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  hangar_test_async_clear ();
  hangar_test_assert_session_empty ();
  assert_unchanged (raw, sum);
  g_unlink (raw);
}

/* An image whose copy does not fit the pool's filesystem (the harness's
 * small tmpfs, HANGAR_TEST_POOL_FS_SIZE): refused before anything is
 * written, in figures the user can check; a smaller one fits the same
 * filesystem, so the refusal is the rule's, not the filesystem's. */
static void
test_small_pool (void)
{
  const char *pool_fs = g_getenv ("HANGAR_TEST_POOL_FS");
  g_autofree char *big = hangar_test_work_file ("big.qcow2");
  g_autofree char *small = hangar_test_work_file ("small.qcow2");
  g_autofree char *sum = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFileInfo) fs = NULL;

  if (pool_fs == NULL)
    {
      g_test_skip ("The pool's small filesystem is mounted by the session harness as root");
      return;
    }
  hangar_test_session_setup ();
  dir = g_file_new_for_path (pool_fs);
  fs = g_file_query_filesystem_info (dir, G_FILE_ATTRIBUTE_FILESYSTEM_SIZE, NULL, NULL);
  g_assert_nonnull (fs);
  g_test_message ("the pool's filesystem: %" G_GUINT64_FORMAT " bytes",
                  g_file_info_get_attribute_uint64 (fs, G_FILE_ATTRIBUTE_FILESYSTEM_SIZE));

  /* 300 MiB of data: the copy and the host's 1 GiB margin need 1.3 GiB, of
   * the filesystem's 1.2 GiB (sizes in GLib's words, with a no-break space). */
  hangar_test_run ("qemu-img", "create", "-q", "-f", "qcow2", big, "2G", NULL);
  hangar_test_run ("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 300M", big, NULL);
  sum = hangar_test_checksum_file (big);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", "--copy", "--no-start",
                                                       "--name", "Too Big", "--", big, NULL },
                                    NULL, &err), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "Not enough space in Hangar’s storage for the copy: it needs "
                                 "1.3\u00a0GiB, 1.2\u00a0GiB are free."));
  hangar_test_assert_session_empty ();
  assert_pool_holds (0);
  assert_no_pending_records ();
  assert_unchanged (big, sum);

  /* 64 MiB fit. */
  hangar_test_run ("qemu-img", "create", "-q", "-f", "qcow2", small, "2G", NULL);
  hangar_test_run ("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 64M", small, NULL);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", "--copy", "--no-start",
                                                       "--name", "Fits", "--", small, NULL },
                                    NULL, &err2), ==, 0);
  g_assert_true (hangar_test_domain_exists ("Fits"));
  assert_pool_holds (1);
  hangar_test_clean_session ();
  g_unlink (big);
  g_unlink (small);
}

/* The live ISO is a hybrid image that boots as a disk too: made by
 * qemu-img into each format it writes, each imported by hangarctl boots to
 * the guest's banner (one after another, each destroyed once it has), and
 * neither the ISO nor any image changes. */
static void
test_every_format_boots (void)
{
  static const char * const formats[] = { "qcow2", "raw", "vmdk", "vdi", "vhdx" };
  const char *iso = hangar_test_session_setup ();
  g_autofree char *iso_sum = hangar_test_checksum_file (iso);
  g_autofree char *iso_after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *file = g_strconcat ("live.", formats[i], NULL);
      g_autofree char *image = hangar_test_work_file (file);
      g_autofree char *name = g_strconcat ("boot-", formats[i], NULL);
      g_autoptr(HangarTestGuest) guest = hangar_test_guest_for_machine (name);
      g_autofree char *sum = NULL;
      g_autofree char *out = NULL;
      g_autofree char *info = NULL;
      g_autofree char *expected = g_strdup_printf ("\"format\": \"%s\"", formats[i]);
      gint64 started;

      hangar_test_run ("qemu-img", "convert", "-f", "raw", "-O", formats[i], iso, image, NULL);
      info = hangar_test_run_tool ((const char *[]) { "qemu-img", "info", "--output=json",
                                                      image, NULL });
      g_assert_nonnull (strstr (info, expected));
      sum = hangar_test_checksum_file (image);
      started = g_get_monotonic_time ();
      g_assert_cmpint (hangar_test_ctl ((const char *[]) { "import", "--copy", "--name", name,
                                                           "--memory", "512", "--cpus", "1",
                                                           "--", image, NULL },
                                        &out, NULL), ==, 0);
      g_assert_true (g_str_has_prefix (out, name));
      g_assert_cmpstr (out + strlen (name), ==, "\n");
      hangar_test_guest_wait_banner (guest, started);
      hangar_test_virsh ("destroy", name, NULL);
      assert_unchanged (image, sum);
      g_unlink (image);
    }
  hangar_test_clean_session ();
  iso_after = hangar_test_checksum_file (iso);
  g_assert_cmpstr (iso_after, ==, iso_sum);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/import/unit/probe-formats", test_probe_formats);
  g_test_add_func ("/hangar/import/unit/probe-gpt-esp", test_probe_gpt_esp);
  g_test_add_func ("/hangar/import/unit/firmware-sectors", test_firmware_sectors);
  g_test_add_func ("/hangar/import/unit/probe-refused", test_probe_refused);
  g_test_add_func ("/hangar/import/unit/image-kind", test_image_kind);
  g_test_add_func ("/hangar/import/libvirt/ctl", test_ctl_import);
  g_test_add_func ("/hangar/import/libvirt/ctl-refused", test_ctl_refused);
  g_test_add_func ("/hangar/import/libvirt/link-and-start", test_link_and_start);
  g_test_add_func ("/hangar/import/libvirt/cancel", test_cancel);
  g_test_add_func ("/hangar/import/small-pool/refused", test_small_pool);
  g_test_add_func ("/hangar/import/e2e/every-format", test_every_format_boots);

  status = g_test_run ();
  hangar_test_work_dir_remove ();
  return status;
}
