/* test-storage-pool.c
 *
 * Hangar's storage pool and its free space. Two groups of paths:
 *   /hangar/storage-pool/unit/     the space rule (pure), and the pool on
 *                                  libvirt's test driver: found elsewhere,
 *                                  not open, and one that never starts
 *   /hangar/storage-pool/libvirt/  the directory pool made for real in an
 *                                  isolated session (the test driver cannot
 *                                  build one)
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "hangar-connection.h"
#include "hangar-storage-pool.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"

#define GIB (G_GUINT64_CONSTANT (1) << 30)
#define TEST_URI "test:///default"

/* ------------------------------------------------------------------------ */
/* the space rule                                                           */
/* ------------------------------------------------------------------------ */

static const struct
{
  guint64  capacity;
  guint64  pool_capacity;
  guint64  available;
  gboolean ok;
} space_cases[] = {
  { 1 * GIB, 100 * GIB, 50 * GIB, TRUE },
  { 1 * GIB, 100 * GIB, 2 * GIB, TRUE },              /* 1 GiB + 1 GiB margin */
  { 1 * GIB, 100 * GIB, 2 * GIB - 1, FALSE },
  { 64 * GIB, 100 * GIB, 11 * GIB, TRUE },            /* sparse: 10 GiB + margin */
  { 64 * GIB, 100 * GIB, 11 * GIB - 1, FALSE },
  { 100 * GIB, 100 * GIB, 50 * GIB, TRUE },
  { 101 * GIB, 100 * GIB, 99 * GIB, FALSE },          /* larger than the filesystem */
  { G_MAXUINT64, 100 * GIB, 99 * GIB, FALSE },
};

static void
test_space_rule (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (space_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = hangar_storage_check_space (space_cases[i].capacity,
                                                space_cases[i].pool_capacity,
                                                space_cases[i].available, &error);

      g_assert_cmpint (ok, ==, space_cases[i].ok);
      if (ok)
        g_assert_no_error (error);
      else
        g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_NO_SPACE);
    }

  g_assert_cmpuint (hangar_storage_required_free_bytes (1 * GIB), ==, 2 * GIB);
  g_assert_cmpuint (hangar_storage_required_free_bytes (500 * GIB), ==, 11 * GIB);
}

static void
test_default_path (void)
{
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "hangar", "images", NULL);
  g_autofree char *path = hangar_storage_pool_default_path ();

  g_assert_cmpstr (path, ==, expected);
}

/* ------------------------------------------------------------------------ */
/* the test driver                                                          */
/* ------------------------------------------------------------------------ */

typedef struct
{
  HangarConnection  *connection;
  virConnectPtr      conn;
  HangarStoragePool *pool;
  char              *elsewhere;   /* a pool directory that is not the default */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->connection = hangar_test_connection_open (TEST_URI);
  fixture->conn = hangar_connection_dup_handle (fixture->connection);
  g_assert_nonnull (fixture->conn);
  fixture->pool = hangar_storage_pool_new (fixture->connection);
  fixture->elsewhere = g_build_filename (g_get_user_data_dir (), "disks", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (fixture->conn, HANGAR_STORAGE_POOL_NAME);

  if (pool != NULL)
    {
      if (virStoragePoolIsActive (pool) == 1)
        g_assert_cmpint (virStoragePoolDestroy (pool), ==, 0);
      g_assert_cmpint (virStoragePoolUndefine (pool), ==, 0);
      virStoragePoolFree (pool);
    }
  virConnectClose (fixture->conn);
  hangar_test_assert_finalized_eventually (fixture->pool, 5);
  hangar_connection_close (fixture->connection);
  hangar_test_assert_finalized_eventually (fixture->connection, 5);
  g_free (fixture->elsewhere);
}

/* A pool called "hangar" that a user made, in a folder of their own. */
static void
define_pool_elsewhere (Fixture *fixture)
{
  g_autofree char *xml = g_markup_printf_escaped ("<pool type='dir'><name>%s</name>"
                                                  "<target><path>%s</path></target></pool>",
                                                  HANGAR_STORAGE_POOL_NAME,
                                                  fixture->elsewhere);
  virStoragePoolPtr pool = virStoragePoolDefineXML (fixture->conn, xml, 0);

  g_assert_nonnull (pool);
  g_assert_cmpint (virStoragePoolCreate (pool, 0), ==, 0);
  virStoragePoolFree (pool);
}

static void
test_found (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *default_path = hangar_storage_pool_default_path ();
  GVirStoragePool *found, *again;
  virStoragePoolPtr raw;
  guint64 capacity = 0, available = G_MAXUINT64;
  int autostart = 0;

  g_assert_true (hangar_storage_pool_get_connection (fixture->pool) == fixture->connection);
  before = hangar_storage_pool_dup_path (fixture->pool);
  g_assert_cmpstr (before, ==, default_path);

  define_pool_elsewhere (fixture);
  found = hangar_storage_pool_ensure (fixture->pool, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (gvir_storage_pool_get_name (found), ==, HANGAR_STORAGE_POOL_NAME);

  /* The pool's folder is the one libvirt uses, not Hangar's default. */
  after = hangar_storage_pool_dup_path (fixture->pool);
  g_assert_cmpstr (after, ==, fixture->elsewhere);

  /* Marked to start after the next login, as the machines do. */
  raw = virStoragePoolLookupByName (fixture->conn, HANGAR_STORAGE_POOL_NAME);
  g_assert_cmpint (virStoragePoolGetAutostart (raw, &autostart), ==, 0);
  g_assert_cmpint (autostart, ==, 1);
  virStoragePoolFree (raw);

  /* Found, not made again: in a thread too. */
  hangar_storage_pool_ensure_async (fixture->pool, NULL, hangar_test_async_done, NULL);
  again = hangar_storage_pool_ensure_finish (fixture->pool, hangar_test_await (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_storage_pool_get_uuid (again), ==, gvir_storage_pool_get_uuid (found));
  hangar_test_async_clear ();

  /* The test driver's filesystem: 100 GiB. */
  g_assert_true (hangar_storage_pool_query_space (fixture->pool, &capacity, &available, NULL,
                                                  &error));
  g_assert_no_error (error);
  g_assert_cmpuint (capacity, ==, 100 * GIB);
  g_assert_cmpuint (available, <=, capacity);

  capacity = 0;
  hangar_storage_pool_query_space_async (fixture->pool, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_storage_pool_query_space_finish (fixture->pool, hangar_test_await (),
                                                         &capacity, &available, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (capacity, ==, 100 * GIB);
  hangar_test_async_clear ();

  g_object_unref (again);
  g_object_unref (found);
}

static void
test_not_open (void)
{
  g_autoptr(HangarConnection) connection = hangar_connection_new (TEST_URI);
  HangarStoragePool *pool = hangar_storage_pool_new (connection);
  g_autoptr(GError) error = NULL;
  guint64 capacity, available;

  g_assert_null (hangar_storage_pool_ensure (pool, NULL, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_POOL);
  g_clear_error (&error);

  g_assert_false (hangar_storage_pool_query_space (pool, &capacity, &available, NULL, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_POOL);
  g_clear_error (&error);

  hangar_storage_pool_ensure_async (pool, NULL, hangar_test_async_done, NULL);
  g_assert_null (hangar_storage_pool_ensure_finish (pool, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_POOL);
  hangar_test_async_clear ();
  hangar_test_assert_finalized_eventually (pool, 5);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  virStoragePoolPtr pool;

  g_cancellable_cancel (cancellable);
  g_assert_null (hangar_storage_pool_ensure (fixture->pool, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Nothing was defined. */
  pool = virStoragePoolLookupByName (fixture->conn, HANGAR_STORAGE_POOL_NAME);
  g_assert_null (pool);
}

/* The test driver cannot build a directory pool: a pool that never started
 * is not left behind to fail the same way next time. */
static void
test_not_left_behind (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = hangar_storage_pool_default_path ();
  virStoragePoolPtr pool;
  struct stat st;

  hangar_test_remove_tree (dir);
  g_assert_null (hangar_storage_pool_ensure (fixture->pool, NULL, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_POOL);
  g_test_message ("%s", error->message);

  pool = virStoragePoolLookupByName (fixture->conn, HANGAR_STORAGE_POOL_NAME);
  g_assert_null (pool);

  /* Its folder was made first, private. */
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

/* ------------------------------------------------------------------------ */
/* a real session                                                           */
/* ------------------------------------------------------------------------ */

static gboolean
has_line (const char *text,
          const char *line)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  return g_strv_contains ((const char * const *) lines, line);
}

static void
test_session (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarStoragePool) pool = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = hangar_storage_pool_default_path ();
  g_autofree char *path = NULL;
  g_autofree char *info = NULL;
  g_autofree char *stopped = NULL;
  GVirStoragePool *made, *again;
  guint64 capacity = 0, available = 0;
  struct stat st;

  g_assert_cmpstr (g_getenv ("HANGAR_URI"), ==, "qemu:///session");
  connection = hangar_test_connection_open ("qemu:///session");
  pool = hangar_storage_pool_new (connection);

  made = hangar_storage_pool_ensure (pool, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  g_assert_cmpstr (gvir_storage_pool_get_name (made), ==, HANGAR_STORAGE_POOL_NAME);
  path = hangar_storage_pool_dup_path (pool);
  g_assert_cmpstr (path, ==, dir);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  info = hangar_test_virsh_output ("pool-info", HANGAR_STORAGE_POOL_NAME, NULL);
  g_test_message ("%s", info);
  g_assert_true (has_line (info, "State:          running"));
  g_assert_true (has_line (info, "Persistent:     yes"));
  g_assert_true (has_line (info, "Autostart:      yes"));

  /* Found, not made again. */
  again = hangar_storage_pool_ensure (pool, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_storage_pool_get_uuid (again), ==, gvir_storage_pool_get_uuid (made));
  g_object_unref (again);

  g_assert_true (hangar_storage_pool_query_space (pool, &capacity, &available, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (capacity, >, 0);
  g_assert_cmpuint (available, <=, capacity);

  /* A stopped pool is started again. */
  hangar_test_virsh ("pool-destroy", HANGAR_STORAGE_POOL_NAME, NULL);
  stopped = hangar_test_virsh_output ("pool-info", HANGAR_STORAGE_POOL_NAME, NULL);
  g_assert_true (has_line (stopped, "State:          inactive"));
  again = hangar_storage_pool_ensure (pool, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (gvir_storage_pool_get_active (again));
  g_object_unref (again);
  g_object_unref (made);

  /* The session as it was. */
  hangar_test_virsh ("pool-destroy", HANGAR_STORAGE_POOL_NAME, NULL);
  hangar_test_virsh ("pool-undefine", HANGAR_STORAGE_POOL_NAME, NULL);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  hangar_connection_close (connection);
}

int
main (int   argc,
      char *argv[])
{
  char *data_dir = hangar_test_init_libvirt_isolated (&argc, &argv);

  g_test_add_func ("/hangar/storage-pool/unit/space-rule", test_space_rule);
  g_test_add_func ("/hangar/storage-pool/unit/default-path", test_default_path);
  g_test_add ("/hangar/storage-pool/unit/found", Fixture, NULL,
              fixture_setup, test_found, fixture_teardown);
  g_test_add_func ("/hangar/storage-pool/unit/not-open", test_not_open);
  g_test_add ("/hangar/storage-pool/unit/cancelled", Fixture, NULL,
              fixture_setup, test_cancelled, fixture_teardown);
  g_test_add ("/hangar/storage-pool/unit/not-left-behind", Fixture, NULL,
              fixture_setup, test_not_left_behind, fixture_teardown);

  g_test_add_func ("/hangar/storage-pool/libvirt/ensure", test_session);

  return hangar_test_run_isolated (data_dir);
}
