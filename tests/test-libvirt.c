/* test-libvirt.c
 *
 * Hangar's libvirt layer on libvirt's in-process test driver: libvirt's
 * last error as text (per thread), the names the domains hold, and
 * references on the handles inside libvirt-gobject's objects that outlive
 * those objects.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hangar-libvirt.h"
#include "hangar-test-utils.h"

#define TEST_URI "test:///default"

/* The test driver's own domain, running from the start. */
#define TEST_DOMAIN "test"

#define DOMAIN_XML(name) \
  "<domain type='test'><name>" name "</name><memory>1024</memory>" \
  "<os><type>hvm</type></os></domain>"

typedef struct
{
  GVirConnection *gvir;
  virConnectPtr   conn;
  virDomainPtr    running;   /* TEST_DOMAIN */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->gvir = gvir_connection_new (TEST_URI);
  g_assert_true (gvir_connection_open (fixture->gvir, NULL, &error));
  g_assert_no_error (error);
  fixture->conn = hangar_libvirt_dup_connect (fixture->gvir);
  g_assert_nonnull (fixture->conn);
  fixture->running = virDomainLookupByName (fixture->conn, TEST_DOMAIN);
  g_assert_nonnull (fixture->running);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  virDomainFree (fixture->running);
  gvir_connection_close (fixture->gvir);
  g_assert_finalize_object (fixture->gvir);
  /* The test driver forgets what the test did once its last connection goes. */
  g_assert_cmpint (virConnectClose (fixture->conn), ==, 0);
}

static void
test_init (void)
{
  g_autoptr(GError) error = NULL;

  /* Twice: every tool calls it, and tests call it again. */
  g_assert_true (hangar_libvirt_init (&error));
  g_assert_no_error (error);
  g_assert_true (hangar_libvirt_init (&error));
  g_assert_no_error (error);
}

/* Calls that fail, and what libvirt's message says. Nothing may call
 * libvirt after the failing call, not even a free: every call resets the
 * thread's last error. */
static gboolean
lookup_missing_domain (Fixture *fixture)
{
  virDomainPtr dom = virDomainLookupByName (fixture->conn, "no-such-machine");

  if (dom != NULL)
    virDomainFree (dom);
  return dom == NULL;
}

static gboolean
lookup_missing_pool (Fixture *fixture)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (fixture->conn, "no-such-pool");

  if (pool != NULL)
    virStoragePoolFree (pool);
  return pool == NULL;
}

static gboolean
define_nonsense (Fixture *fixture)
{
  virDomainPtr dom = virDomainDefineXML (fixture->conn,
                                         "<domain type='test'><name>x</name></domain");

  if (dom != NULL)
    virDomainFree (dom);
  return dom == NULL;
}

static gboolean
start_running_domain (Fixture *fixture)
{
  return virDomainCreate (fixture->running) < 0;
}

static const struct
{
  const char *what;
  gboolean  (*fail) (Fixture *fixture);
  const char *mentions;
} failures[] = {
  { "a domain that does not exist", lookup_missing_domain, "Domain not found" },
  { "a pool that does not exist", lookup_missing_pool, "pool not found" },
  { "XML that is not XML", define_nonsense, "expected '>'" },
  { "starting a running domain", start_running_domain, "running" },
};

static void
test_last_message (Fixture       *fixture,
                   gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (failures); i++)
    {
      const char *message;

      g_test_message ("%s", failures[i].what);
      g_assert_true (failures[i].fail (fixture));
      message = hangar_libvirt_last_message ();
      g_test_message ("  %s", message);
      g_assert_nonnull (message);
      g_assert_nonnull (strstr (message, failures[i].mentions));
    }

  /* Any call that works forgets the last error; the text is never NULL. */
  g_assert_nonnull (strstr (hangar_libvirt_last_message (), "running"));
  g_assert_cmpint (virConnectIsAlive (fixture->conn), ==, 1);
  g_assert_nonnull (hangar_libvirt_last_message ());
  g_assert_null (strstr (hangar_libvirt_last_message (), "running"));
}

typedef struct
{
  Fixture *fixture;
  char    *message;
} ThreadFailure;

static gpointer
fail_in_thread (gpointer data)
{
  ThreadFailure *failure = data;

  g_assert_true (lookup_missing_pool (failure->fixture));
  failure->message = g_strdup (hangar_libvirt_last_message ());
  return NULL;
}

/* libvirt keeps the last error per thread: a worker reads its own. */
static void
test_last_message_per_thread (Fixture       *fixture,
                              gconstpointer  data)
{
  ThreadFailure failure = { fixture, NULL };
  GThread *thread;

  g_assert_true (lookup_missing_domain (fixture));
  thread = g_thread_new ("fail", fail_in_thread, &failure);
  g_thread_join (thread);

  g_assert_nonnull (strstr (failure.message, "pool not found"));
  g_assert_nonnull (strstr (hangar_libvirt_last_message (), "Domain not found"));
  g_free (failure.message);
}

static void
assert_names (GHashTable          *names,
              const char * const  *expected)
{
  g_assert_nonnull (names);
  g_assert_cmpuint (g_hash_table_size (names), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_true (g_hash_table_contains (names, expected[i]));
}

static void
test_domain_names (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GHashTable) gone = NULL;
  virDomainPtr defined, transient;

  before = hangar_libvirt_list_domain_names (fixture->conn);
  assert_names (before, (const char *[]) { TEST_DOMAIN, NULL });

  /* A defined domain and a running-only (transient) one hold names too. */
  defined = virDomainDefineXML (fixture->conn, DOMAIN_XML ("Fedora 37"));
  g_assert_nonnull (defined);
  transient = virDomainCreateXML (fixture->conn, DOMAIN_XML ("Tried"), 0);
  g_assert_nonnull (transient);

  after = hangar_libvirt_list_domain_names (fixture->conn);
  assert_names (after, (const char *[]) { TEST_DOMAIN, "Fedora 37", "Tried", NULL });

  {
    static const struct
    {
      const char *name;
      gboolean    taken;
    } cases[] = {
      { TEST_DOMAIN, TRUE },
      { "Fedora 37", TRUE },
      { "Tried", TRUE },
      { "fedora 37", FALSE },   /* libvirt's names are case-sensitive */
      { "Fedora 37 2", FALSE },
      { "", FALSE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      g_assert_cmpint (hangar_libvirt_domain_name_taken (fixture->conn, cases[i].name), ==,
                       cases[i].taken);
  }

  /* Names go with their domains. */
  g_assert_cmpint (virDomainUndefine (defined), ==, 0);
  g_assert_cmpint (virDomainDestroy (transient), ==, 0);
  virDomainFree (defined);
  virDomainFree (transient);
  gone = hangar_libvirt_list_domain_names (fixture->conn);
  assert_names (gone, (const char *[]) { TEST_DOMAIN, NULL });
  g_assert_false (hangar_libvirt_domain_name_taken (fixture->conn, "Tried"));
}

/* What the caller dups stays usable after libvirt-gobject's object is gone:
 * workers rely on it when the main thread reconnects under them. */
static void
test_dup_handles (void)
{
  g_autoptr(GError) error = NULL;
  GVirConnection *gvir = gvir_connection_new (TEST_URI);
  GVirDomain *domain;
  GVirStorageVol *volume;
  virStoragePoolPtr pool;
  virStorageVolPtr made;
  virConnectPtr conn;
  virDomainPtr dom;
  virStorageVolPtr vol;

  /* Nothing to take from nothing, or from a connection not open. */
  g_assert_null (hangar_libvirt_dup_connect (NULL));
  g_assert_null (hangar_libvirt_dup_domain (NULL));
  g_assert_null (hangar_libvirt_dup_volume (NULL));
  g_assert_null (hangar_libvirt_dup_connect (gvir));

  g_assert_true (gvir_connection_open (gvir, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (gvir_connection_fetch_domains (gvir, NULL, &error));
  g_assert_no_error (error);
  conn = hangar_libvirt_dup_connect (gvir);
  g_assert_nonnull (conn);

  domain = gvir_connection_find_domain_by_name (gvir, TEST_DOMAIN);
  g_assert_nonnull (domain);
  dom = hangar_libvirt_dup_domain (domain);
  g_assert_nonnull (dom);

  pool = virStoragePoolLookupByName (conn, "default-pool");
  g_assert_nonnull (pool);
  made = virStorageVolCreateXML (pool,
                                 "<volume><name>disk.img</name>"
                                 "<capacity unit='bytes'>1048576</capacity></volume>", 0);
  g_assert_nonnull (made);
  volume = g_object_new (GVIR_TYPE_STORAGE_VOL, "handle", made, NULL);
  virStorageVolFree (made);
  vol = hangar_libvirt_dup_volume (volume);
  g_assert_nonnull (vol);

  g_assert_finalize_object (volume);
  /* The connection holds its domains until it closes. */
  g_object_add_weak_pointer (G_OBJECT (domain), (gpointer *) &domain);
  g_object_unref (domain);
  gvir_connection_close (gvir);
  g_assert_finalize_object (gvir);
  g_assert_null (domain);

  g_assert_cmpint (virConnectIsAlive (conn), ==, 1);
  g_assert_cmpstr (virDomainGetName (dom), ==, TEST_DOMAIN);
  g_assert_cmpstr (virStorageVolGetName (vol), ==, "disk.img");
  g_assert_cmpint (virStorageVolDelete (vol, 0), ==, 0);

  virStorageVolFree (vol);
  virStoragePoolFree (pool);
  virDomainFree (dom);
  g_assert_cmpint (virConnectClose (conn), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_libvirt (&argc, &argv);

  g_test_add_func ("/hangar/libvirt/init", test_init);
  g_test_add ("/hangar/libvirt/last-message", Fixture, NULL,
              fixture_setup, test_last_message, fixture_teardown);
  g_test_add ("/hangar/libvirt/last-message-per-thread", Fixture, NULL,
              fixture_setup, test_last_message_per_thread, fixture_teardown);
  g_test_add ("/hangar/libvirt/domain-names", Fixture, NULL,
              fixture_setup, test_domain_names, fixture_teardown);
  g_test_add_func ("/hangar/libvirt/dup-handles", test_dup_handles);

  return g_test_run ();
}
