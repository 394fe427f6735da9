/* test-storage-volume.c
 *
 * The disks in Hangar's pool. Two groups of paths:
 *   /hangar/storage-volume/unit/     safe file names (pure), and creating,
 *                                    copying and deleting volumes on
 *                                    libvirt's test driver, in a pool
 *                                    called "hangar" made for the test
 *   /hangar/storage-volume/libvirt/  the files themselves, in an isolated
 *                                    session: private, sparse, copied
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "hangar-connection.h"
#include "hangar-storage-pool.h"
#include "hangar-storage-volume.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"

#define GIB (G_GUINT64_CONSTANT (1) << 30)
#define TEST_URI "test:///default"

/* ------------------------------------------------------------------------ */
/* file names                                                               */
/* ------------------------------------------------------------------------ */

static const struct
{
  const char *machine;
  const char *file;
} volume_names[] = {
  { "Fedora 37", "Fedora-37.qcow2" },
  { "Fedora 37 2", "Fedora-37-2.qcow2" },
  { "../../x", "x.qcow2" },
  { "a/b", "a-b.qcow2" },
  { "a\nb", "a-b.qcow2" },
  { "/etc/passwd", "etc-passwd.qcow2" },
  { "Fédora ✓ 37", "Fedora-37.qcow2" },
  { "日本語", "machine.qcow2" },
  { "", "machine.qcow2" },
  { "...", "machine.qcow2" },
  { ".hidden", "hidden.qcow2" },
  { "-rf *", "rf.qcow2" },
  { "a..b", "a.b.qcow2" },
  { "$(reboot); `id`", "reboot-id.qcow2" },
  { "x.qcow2", "x.qcow2.qcow2" },
};

static gboolean
is_safe_file_name (const char *name)
{
  if (!g_str_has_suffix (name, ".qcow2") || !g_ascii_isalnum (name[0]) ||
      strstr (name, "..") != NULL)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return strlen (name) <= 64 + strlen (".qcow2");
}

static void
test_names (void)
{
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autofree char *long_file = NULL;
  g_autofree char *invalid = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (volume_names); i++)
    {
      g_autofree char *file = hangar_storage_volume_name_for (volume_names[i].machine);

      g_test_message ("“%s” → %s", volume_names[i].machine, file);
      g_assert_cmpstr (file, ==, volume_names[i].file);
      g_assert_true (is_safe_file_name (file));
    }

  for (guint i = 0; i < 300; i++)
    g_string_append (long_name, "é/");
  long_file = hangar_storage_volume_name_for (long_name->str);
  g_assert_true (is_safe_file_name (long_file));

  invalid = hangar_storage_volume_name_for ("a\xff\xfe b");
  g_assert_true (is_safe_file_name (invalid));
}

/* ------------------------------------------------------------------------ */
/* the test driver                                                          */
/* ------------------------------------------------------------------------ */

typedef struct
{
  HangarConnection  *connection;
  virConnectPtr      conn;
  HangarStoragePool *pool;
  char              *dir;       /* the pool's folder, real: taken names are looked up there */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *xml = NULL;
  virStoragePoolPtr pool;

  fixture->connection = hangar_test_connection_open (TEST_URI);
  fixture->conn = hangar_connection_dup_handle (fixture->connection);
  g_assert_nonnull (fixture->conn);
  fixture->dir = hangar_storage_pool_default_path ();
  g_assert_cmpint (g_mkdir_with_parents (fixture->dir, 0700), ==, 0);

  /* The test driver cannot build a directory pool: the test starts it. */
  xml = g_markup_printf_escaped ("<pool type='dir'><name>%s</name>"
                                 "<target><path>%s</path></target></pool>",
                                 HANGAR_STORAGE_POOL_NAME, fixture->dir);
  pool = virStoragePoolDefineXML (fixture->conn, xml, 0);
  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);
  virStoragePoolFree (pool);

  fixture->pool = hangar_storage_pool_new (fixture->connection);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (fixture->conn, HANGAR_STORAGE_POOL_NAME);

  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolDestroy (pool), ==, 0);
  g_assert_cmpint (virStoragePoolUndefine (pool), ==, 0);
  virStoragePoolFree (pool);
  virConnectClose (fixture->conn);
  hangar_test_assert_finalized_eventually (fixture->pool, 5);
  hangar_connection_close (fixture->connection);
  hangar_test_assert_finalized_eventually (fixture->connection, 5);
  hangar_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static virStoragePoolPtr
lookup_pool (Fixture    *fixture,
             const char *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (fixture->conn, name);

  g_assert_nonnull (pool);
  return pool;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The names of the volumes of Hangar's pool, sorted, as one string. */
static char *
volume_list (Fixture *fixture)
{
  virStoragePoolPtr pool = lookup_pool (fixture, HANGAR_STORAGE_POOL_NAME);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  virStorageVolPtr *volumes = NULL;
  int n = virStoragePoolListAllVolumes (pool, &volumes, 0);

  g_assert_cmpint (n, >=, 0);
  for (int i = 0; i < n; i++)
    {
      g_ptr_array_add (names, g_strdup (virStorageVolGetName (volumes[i])));
      virStorageVolFree (volumes[i]);
    }
  free (volumes);
  virStoragePoolFree (pool);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* A volume made without Hangar, holding @allocation bytes. */
static void
make_raw_volume (Fixture    *fixture,
                 const char *pool_name,
                 const char *name,
                 guint64     allocation)
{
  virStoragePoolPtr pool = lookup_pool (fixture, pool_name);
  g_autofree char *xml =
    g_strdup_printf ("<volume><name>%s</name>"
                     "<capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>"
                     "<allocation unit='bytes'>%" G_GUINT64_FORMAT "</allocation>"
                     "</volume>", name, allocation, allocation);
  virStorageVolPtr vol = virStorageVolCreateXML (pool, xml, 0);

  g_assert_nonnull (vol);
  virStorageVolFree (vol);
  virStoragePoolFree (pool);
}

static char *
volume_xml (GVirStorageVol *volume)
{
  virStorageVolPtr vol = hangar_libvirt_dup_volume (volume);
  char *raw = virStorageVolGetXMLDesc (vol, 0);
  char *xml = g_strdup (raw);

  free (raw);
  virStorageVolFree (vol);
  g_assert_nonnull (xml);
  return xml;
}

static void
test_create (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GVirStorageVol *first = NULL;
  GVirStorageVol *second = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = g_build_filename (fixture->dir, "a-b-2.qcow2", NULL);
  g_autofree char *xml = NULL;
  g_autofree char *listed = NULL;

  /* Two machines whose names map to one file name get two files. */
  first = hangar_storage_pool_create_volume (fixture->pool, "a/b", GIB, NULL, &error);
  g_assert_no_error (error);
  second = hangar_storage_pool_create_volume (fixture->pool, "a b", GIB, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_storage_vol_get_name (first), ==, "a-b.qcow2");
  g_assert_cmpstr (gvir_storage_vol_get_name (second), ==, "a-b-2.qcow2");

  path = hangar_storage_volume_dup_path (second, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, expected);

  /* A sparse qcow2 disk of the size asked, for the user only. */
  xml = volume_xml (second);
  g_test_message ("%s", xml);
  g_assert_nonnull (strstr (xml, "<capacity unit='bytes'>1073741824</capacity>"));
  g_assert_nonnull (strstr (xml, "<allocation unit='bytes'>0</allocation>"));
  g_assert_nonnull (strstr (xml, "<format type='qcow2'/>"));
  g_assert_nonnull (strstr (xml, "<mode>0600</mode>"));

  listed = volume_list (fixture);
  g_assert_cmpstr (listed, ==, "a-b-2.qcow2 a-b.qcow2");
  g_assert_true (hangar_storage_pool_delete_volume (fixture->pool, first, &error));
  g_assert_no_error (error);
  g_assert_true (hangar_storage_pool_delete_volume (fixture->pool, second, &error));
  g_assert_no_error (error);
  g_clear_object (&first);
  g_clear_object (&second);
}

/* A file libvirt has not counted yet holds its name too, even a link to
 * nowhere. */
static void
test_file_taken (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GVirStorageVol *volume = NULL;
  g_autofree char *file = g_build_filename (fixture->dir, "x.qcow2", NULL);
  g_autofree char *dangling = g_build_filename (fixture->dir, "x-2.qcow2", NULL);

  g_assert_true (g_file_set_contents (file, "", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (symlink ("/nonexistent", dangling), ==, 0);

  volume = hangar_storage_pool_create_volume (fixture->pool, "x", GIB, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_storage_vol_get_name (volume), ==, "x-3.qcow2");

  g_assert_true (hangar_storage_pool_delete_volume (fixture->pool, volume, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (file), ==, 0);
  g_assert_cmpint (g_unlink (dangling), ==, 0);
  g_clear_object (&volume);
}

typedef enum
{
  REFUSE_AS_IS,
  REFUSE_POOL_FULL,     /* a volume leaves 512 MiB of the driver's 100 GiB */
  REFUSE_CANCELLED,
} RefuseSetup;

static const struct
{
  const char  *what;
  RefuseSetup  setup;
  guint64      capacity;
  GQuark     (*domain) (void);
  int          code;
} refusals[] = {
  { "no size", REFUSE_AS_IS, 0, hangar_storage_error_quark, HANGAR_STORAGE_ERROR_INVALID },
  { "larger than the filesystem", REFUSE_AS_IS, 200 * GIB,
    hangar_storage_error_quark, HANGAR_STORAGE_ERROR_NO_SPACE },
  { "not enough free now", REFUSE_POOL_FULL, 1 * GIB,
    hangar_storage_error_quark, HANGAR_STORAGE_ERROR_NO_SPACE },
  { "cancelled", REFUSE_CANCELLED, 1 * GIB, g_io_error_quark, G_IO_ERROR_CANCELLED },
};

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *listed = NULL;
      GVirStorageVol *volume;

      g_test_message ("%s", refusals[i].what);
      if (refusals[i].setup == REFUSE_POOL_FULL)
        make_raw_volume (fixture, HANGAR_STORAGE_POOL_NAME, "filler.img", 100 * GIB - GIB / 2);
      if (refusals[i].setup == REFUSE_CANCELLED)
        g_cancellable_cancel (cancellable);

      volume = hangar_storage_pool_create_volume (fixture->pool, "refused", refusals[i].capacity,
                                                  cancellable, &error);
      g_assert_null (volume);
      g_assert_error (error, refusals[i].domain (), refusals[i].code);
      g_test_message ("  %s", error->message);

      /* Nothing made. */
      listed = volume_list (fixture);
      g_assert_cmpstr (listed, ==, refusals[i].setup == REFUSE_POOL_FULL ? "filler.img" : "");
      if (refusals[i].setup == REFUSE_POOL_FULL)
        {
          virStoragePoolPtr pool = lookup_pool (fixture, HANGAR_STORAGE_POOL_NAME);
          virStorageVolPtr filler = virStorageVolLookupByName (pool, "filler.img");

          g_assert_cmpint (virStorageVolDelete (filler, 0), ==, 0);
          virStorageVolFree (filler);
          virStoragePoolFree (pool);
        }
    }
}

typedef struct
{
  guint    calls;
  char    *target;
  guint64  source_bytes;
} CopyStarted;

static void
on_copy_started (const char *target_path,
                 guint64     source_bytes,
                 gpointer    user_data)
{
  CopyStarted *started = user_data;

  started->calls++;
  g_free (started->target);
  started->target = g_strdup (target_path);
  started->source_bytes = source_bytes;
}

static void
test_clone (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GVirStorageVol *copy = NULL;
  GVirStorageVol *second = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *source = g_build_filename (fixture->dir, "src.img", NULL);
  g_autofree char *target = g_build_filename (fixture->dir, "Copy.qcow2", NULL);
  g_autofree char *xml = NULL;
  g_autofree char *listed = NULL;
  CopyStarted started = { 0, NULL, 0 };
  GVirStorageVol *refused;

  make_raw_volume (fixture, HANGAR_STORAGE_POOL_NAME, "src.img", GIB);

  copy = hangar_storage_volume_clone (fixture->conn, source, "Copy", on_copy_started, &started,
                                      NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_storage_vol_get_name (copy), ==, "Copy.qcow2");
  g_assert_cmpuint (started.calls, ==, 1);
  g_assert_cmpstr (started.target, ==, target);
  g_assert_cmpuint (started.source_bytes, ==, GIB);
  xml = volume_xml (copy);
  g_assert_nonnull (strstr (xml, "<capacity unit='bytes'>1073741824</capacity>"));
  g_assert_nonnull (strstr (xml, "<format type='qcow2'/>"));
  g_assert_nonnull (strstr (xml, "<mode>0600</mode>"));

  /* Numbered as new disks are; no callback needed. */
  second = hangar_storage_volume_clone (fixture->conn, source, "Copy", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_storage_vol_get_name (second), ==, "Copy-2.qcow2");

  /* Only Hangar's own disks: one of another pool, or no volume at all, is
   * not copied. */
  make_raw_volume (fixture, "default-pool", "other.img", GIB);
  refused = hangar_storage_volume_clone (fixture->conn, "/default-pool/other.img", "Other",
                                         NULL, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME);
  g_clear_error (&error);
  refused = hangar_storage_volume_clone (fixture->conn, "/nowhere/disk.qcow2", "Other",
                                         NULL, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME);
  g_clear_error (&error);

  /* Cancelled before the copy began: nothing copied. */
  g_cancellable_cancel (cancellable);
  started.calls = 0;
  refused = hangar_storage_volume_clone (fixture->conn, source, "Late", on_copy_started, &started,
                                         cancellable, &error);
  g_assert_null (refused);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (started.calls, ==, 0);
  g_clear_error (&error);

  listed = volume_list (fixture);
  g_assert_cmpstr (listed, ==, "Copy-2.qcow2 Copy.qcow2 src.img");

  {
    virStoragePoolPtr other_pool = lookup_pool (fixture, "default-pool");
    virStorageVolPtr other = virStorageVolLookupByName (other_pool, "other.img");

    g_assert_cmpint (virStorageVolDelete (other, 0), ==, 0);
    virStorageVolFree (other);
    virStoragePoolFree (other_pool);
  }
  g_free (started.target);
  g_clear_object (&copy);
  g_clear_object (&second);
}

static void
test_delete (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GVirStorageVol *volume = NULL;
  g_autofree char *listed = NULL;

  volume = hangar_storage_pool_create_volume (fixture->pool, "gone", GIB, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (hangar_storage_pool_delete_volume (fixture->pool, volume, &error));
  g_assert_no_error (error);
  listed = volume_list (fixture);
  g_assert_cmpstr (listed, ==, "");

  /* Deleted is gone: again, or its file, is an error that names the disk. */
  g_assert_false (hangar_storage_pool_delete_volume (fixture->pool, volume, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME);
  g_assert_nonnull (strstr (error->message, "gone.qcow2"));
  g_clear_error (&error);
  g_assert_null (hangar_storage_volume_dup_path (volume, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME);
  g_clear_object (&volume);
}

static void
test_async (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GVirStorageVol *volume = NULL;
  g_autofree char *listed = NULL;

  hangar_storage_pool_create_volume_async (fixture->pool, "Threaded", GIB, NULL,
                                           hangar_test_async_done, NULL);
  volume = hangar_storage_pool_create_volume_finish (fixture->pool, hangar_test_await (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_storage_vol_get_name (volume), ==, "Threaded.qcow2");
  hangar_test_async_clear ();

  hangar_storage_pool_delete_volume_async (fixture->pool, volume, NULL, hangar_test_async_done,
                                           NULL);
  g_assert_true (hangar_storage_pool_delete_volume_finish (fixture->pool, hangar_test_await (),
                                                           &error));
  g_assert_no_error (error);
  hangar_test_async_clear ();

  listed = volume_list (fixture);
  g_assert_cmpstr (listed, ==, "");
  g_clear_object (&volume);
}

/* ------------------------------------------------------------------------ */
/* a real session                                                           */
/* ------------------------------------------------------------------------ */

static void
assert_private_file (const char *path,
                     gboolean    sparse)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  /* Sparse: a fresh qcow2 is a header, not a gigabyte. */
  if (sparse)
    g_assert_cmpint (st.st_blocks * 512, <, 16 * 1024 * 1024);
}

static void
test_session_files (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarStoragePool) pool = NULL;
  GVirStoragePool *ensured = NULL;
  g_autoptr(GError) error = NULL;
  GVirStorageVol *disk = NULL;
  GVirStorageVol *copy = NULL;
  g_autofree char *dir = hangar_storage_pool_default_path ();
  g_autofree char *disk_path = NULL;
  g_autofree char *copy_path = NULL;
  virConnectPtr conn;

  g_assert_cmpstr (g_getenv ("HANGAR_URI"), ==, "qemu:///session");
  connection = hangar_test_connection_open ("qemu:///session");
  conn = hangar_connection_dup_handle (connection);
  pool = hangar_storage_pool_new (connection);
  ensured = hangar_storage_pool_ensure (pool, NULL, &error);
  g_assert_no_error (error);

  disk = hangar_storage_pool_create_volume (pool, "Real Disk", GIB, NULL, &error);
  g_assert_no_error (error);
  disk_path = hangar_storage_volume_dup_path (disk, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (disk_path, dir));
  assert_private_file (disk_path, TRUE);

  /* qemu-img's full copy, as private, and as sparse as its source. */
  copy = hangar_storage_volume_clone (conn, disk_path, "Real Copy", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  copy_path = hangar_storage_volume_dup_path (copy, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_storage_vol_get_name (copy), ==, "Real-Copy.qcow2");
  assert_private_file (copy_path, TRUE);

  g_assert_true (hangar_storage_pool_delete_volume (pool, copy, &error));
  g_assert_no_error (error);
  g_assert_true (hangar_storage_pool_delete_volume (pool, disk, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (disk_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (copy_path, G_FILE_TEST_EXISTS));

  /* The session as it was. */
  hangar_test_virsh ("pool-destroy", HANGAR_STORAGE_POOL_NAME, NULL);
  hangar_test_virsh ("pool-undefine", HANGAR_STORAGE_POOL_NAME, NULL);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  virConnectClose (conn);
  hangar_connection_close (connection);
  g_clear_object (&ensured);
  g_clear_object (&disk);
  g_clear_object (&copy);
}

int
main (int   argc,
      char *argv[])
{
  char *data_dir = hangar_test_init_libvirt_isolated (&argc, &argv);

  g_test_add_func ("/hangar/storage-volume/unit/names", test_names);
  g_test_add ("/hangar/storage-volume/unit/create", Fixture, NULL,
              fixture_setup, test_create, fixture_teardown);
  g_test_add ("/hangar/storage-volume/unit/file-taken", Fixture, NULL,
              fixture_setup, test_file_taken, fixture_teardown);
  g_test_add ("/hangar/storage-volume/unit/refused", Fixture, NULL,
              fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/hangar/storage-volume/unit/clone", Fixture, NULL,
              fixture_setup, test_clone, fixture_teardown);
  g_test_add ("/hangar/storage-volume/unit/delete", Fixture, NULL,
              fixture_setup, test_delete, fixture_teardown);
  g_test_add ("/hangar/storage-volume/unit/async", Fixture, NULL,
              fixture_setup, test_async, fixture_teardown);

  g_test_add_func ("/hangar/storage-volume/libvirt/files", test_session_files);

  return hangar_test_run_isolated (data_dir);
}
