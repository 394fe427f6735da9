/* test-collection.c
 *
 * Model tests for HangarConnection, HangarCollection and HangarMachine on
 * libvirt's in-process test driver: fast, no daemon, real libvirt events.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-libvirt.h"
#include "hangar-machine.h"
#include "hangar-machine-action.h"
#include "hangar-test-threads.h"

#define TEST_URI "test:///default"
#define TIMEOUT_S 10

typedef struct
{
  HangarConnection *connection;
  HangarCollection *collection;
  GVirConnection   *gvir;
  GPtrArray        *defined;
} Fixture;

typedef gboolean (*Predicate) (gpointer data);

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_for (Predicate    predicate,
          gpointer     data,
          const char  *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (TIMEOUT_S, timeout_cb, &timed_out);
  /* Some conditions change in worker threads, which wake no main loop. */
  guint tick = g_timeout_add (10, wake_cb, NULL);
  gboolean met;

  while (!(met = predicate (data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  if (!met)
    g_error ("Timed out waiting for %s", what);
  if (!timed_out)
    g_source_remove (id);
}

typedef struct
{
  gboolean  done;
  GError   *error;
} OpenResult;

static void
open_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  OpenResult *open = user_data;
  gboolean ok = hangar_connection_open_finish (HANGAR_CONNECTION (object), result, &open->error);

  g_assert_true (ok == (open->error == NULL));
  open->done = TRUE;
}

/* Waits for the callback itself, not only the state: until it has run, the
 * task still holds a reference on the connection. */
static gboolean
open_finished (gpointer data)
{
  return ((OpenResult *) data)->done;
}

static gboolean
all_states_known (gpointer data)
{
  GListModel *model = data;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (model, i);

      if (hangar_machine_get_state (machine) == HANGAR_MACHINE_STATE_UNKNOWN)
        return FALSE;
    }

  return TRUE;
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Like g_assert_finalize_object(), but a GTask's worker thread drops its
 * reference on the task's source object a moment after the callback ran. */
static void
assert_finalized_eventually (gpointer object)
{
  gpointer weak = object;

  g_autofree char *what = g_strdup_printf ("the %s to be finalized (%u references left)",
                                           G_OBJECT_TYPE_NAME (object),
                                           G_OBJECT (object)->ref_count - 1);

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  wait_for (pointer_cleared, &weak, what);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  OpenResult open = { 0 };

  fixture->connection = hangar_connection_new (TEST_URI);
  fixture->collection = hangar_collection_new (fixture->connection);
  fixture->defined = g_ptr_array_new_with_free_func (g_object_unref);

  hangar_connection_open_async (fixture->connection, NULL, open_done, &open);
  wait_for (open_finished, &open, "the connection to open");
  g_assert_no_error (open.error);
  g_assert_cmpint (hangar_connection_get_state (fixture->connection), ==,
                   HANGAR_CONNECTION_CONNECTED);

  fixture->gvir = hangar_connection_get_gvir (fixture->connection);
  g_assert_nonnull (fixture->gvir);
  wait_for (all_states_known, fixture->collection, "every machine's state");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint i = 0; i < fixture->defined->len; i++)
    {
      GVirDomain *domain = g_ptr_array_index (fixture->defined, i);

      gvir_domain_stop (domain, 0, NULL);
      gvir_domain_delete (domain, 0, NULL);
    }
  g_clear_pointer (&fixture->defined, g_ptr_array_unref);

  hangar_connection_close (fixture->connection);
  g_assert_null (hangar_connection_get_gvir (fixture->connection));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->collection)), ==, 0);

  assert_finalized_eventually (fixture->collection);
  assert_finalized_eventually (fixture->connection);
}

static GVirDomain *
define_domain (Fixture    *fixture,
               const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = g_strdup_printf ("<domain type='test'><name>%s</name>"
                                          "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                                          "<os><type>hvm</type></os></domain>", name);
  /* libvirt-gconfig has no autoptr cleanups on Debian 12's version. */
  GVirConfigDomain *config = gvir_config_domain_new_from_xml (xml, &error);
  GVirDomain *domain;

  g_assert_no_error (error);
  domain = gvir_connection_create_domain (fixture->gvir, config, &error);
  g_object_unref (config);
  g_assert_no_error (error);
  g_assert_nonnull (domain);
  g_ptr_array_add (fixture->defined, domain);

  return domain;
}

typedef struct
{
  HangarCollection   *collection;
  const char         *name;
  HangarMachineState  state;
} MachineWait;

static gboolean
machine_in_state (gpointer data)
{
  MachineWait *wait = data;
  HangarMachine *machine = hangar_collection_find_by_name (wait->collection, wait->name);

  return machine != NULL && hangar_machine_get_state (machine) == wait->state;
}

static gboolean
machine_gone (gpointer data)
{
  MachineWait *wait = data;

  return hangar_collection_find_by_name (wait->collection, wait->name) == NULL;
}

static void
wait_state (Fixture            *fixture,
            const char         *name,
            HangarMachineState  state)
{
  MachineWait wait = { fixture->collection, name, state };
  g_autofree char *what = g_strdup_printf ("“%s” to be %s", name,
                                           hangar_machine_state_to_nick (state));

  wait_for (machine_in_state, &wait, what);
}

static char *
names (GListModel *model)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (model, i);

      g_string_append_printf (s, "%s%s", i > 0 ? "|" : "", hangar_machine_get_name (machine));
    }

  return g_string_free (s, FALSE);
}

static void
test_initial_list (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (fixture->collection);
  g_autoptr(HangarMachine) machine = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_true (g_list_model_get_item_type (model) == HANGAR_TYPE_MACHINE);
  g_assert_null (g_list_model_get_item (model, 1));

  machine = g_list_model_get_item (model, 0);
  g_assert_cmpstr (hangar_machine_get_name (machine), ==, "test");
  g_assert_cmpint (hangar_machine_get_state (machine), ==, HANGAR_MACHINE_STATE_RUNNING);
  g_assert_true (hangar_collection_find_by_uuid (fixture->collection,
                                                 hangar_machine_get_uuid (machine)) == machine);
  g_assert_cmpstr (hangar_machine_state_to_nick (HANGAR_MACHINE_STATE_RUNNING), ==, "running");
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GString    *log)
{
  g_string_append_printf (log, "%u-%u+%u;", position, removed, added);
}

static void
test_sorted_and_live (Fixture       *fixture,
                      gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (fixture->collection);
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *order = NULL;
  MachineWait gone = { fixture->collection, "VM 2", 0 };
  g_autoptr(HangarMachine) vm2_machine = NULL;
  GVirDomain *vm2;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), log);

  /* Defined out of order and with mixed case: the model sorts them as people
   * read them, "VM 2" before "VM 10". */
  define_domain (fixture, "VM 10");
  vm2 = define_domain (fixture, "VM 2");
  define_domain (fixture, "Alpha");
  wait_state (fixture, "Alpha", HANGAR_MACHINE_STATE_STOPPED);
  wait_state (fixture, "VM 2", HANGAR_MACHINE_STATE_STOPPED);
  wait_state (fixture, "VM 10", HANGAR_MACHINE_STATE_STOPPED);

  order = names (model);
  g_assert_cmpstr (order, ==, "Alpha|test|VM 2|VM 10");
  g_assert_cmpstr (log->str, ==, "1-0+1;1-0+1;0-0+1;");

  /* Lifecycle changes made behind our back arrive as events. */
  g_assert_true (gvir_domain_start (vm2, 0, NULL));
  wait_state (fixture, "VM 2", HANGAR_MACHINE_STATE_RUNNING);
  g_assert_true (gvir_domain_suspend (vm2, NULL));
  wait_state (fixture, "VM 2", HANGAR_MACHINE_STATE_PAUSED);
  g_assert_true (gvir_domain_resume (vm2, NULL));
  wait_state (fixture, "VM 2", HANGAR_MACHINE_STATE_RUNNING);
  g_assert_true (gvir_domain_stop (vm2, 0, NULL));
  wait_state (fixture, "VM 2", HANGAR_MACHINE_STATE_STOPPED);

  g_string_truncate (log, 0);
  vm2_machine = g_object_ref (hangar_collection_find_by_name (fixture->collection, "VM 2"));
  g_assert_false (hangar_machine_is_gone (vm2_machine));
  g_assert_true (gvir_domain_delete (vm2, 0, NULL));
  wait_for (machine_gone, &gone, "“VM 2” to leave the collection");
  g_assert_cmpstr (log->str, ==, "2-1+0;");
  /* Whatever still holds it hears that it is gone for good. */
  g_assert_true (hangar_machine_is_gone (vm2_machine));
  g_clear_pointer (&order, g_free);
  order = names (model);
  g_assert_cmpstr (order, ==, "Alpha|test|VM 10");

  g_signal_handlers_disconnect_by_data (model, log);
}

static void
reopen (Fixture *fixture)
{
  OpenResult open = { 0 };

  hangar_connection_open_async (fixture->connection, NULL, open_done, &open);
  wait_for (open_finished, &open, "the connection to open again");
  g_assert_no_error (open.error);
  fixture->gvir = hangar_connection_get_gvir (fixture->connection);
  g_assert_nonnull (fixture->gvir);
}

static void
on_name_notified (HangarMachine *machine,
                  GParamSpec    *pspec,
                  guint         *count)
{
  (*count)++;
}

/* The connection lost and made again (the daemon restarted): the machines
 * listed again are the very objects held before, so a display or a
 * properties window on one goes on; what changed meanwhile shows. */
static void
test_reconnect_keeps_machines (Fixture       *fixture,
                               gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (fixture->collection);
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *order = NULL;
  g_autofree char *keeper_uuid = NULL;
  HangarMachine *keeper, *leaver, *test;
  virConnectPtr other;
  virDomainPtr kept, gone;
  guint renamed = 0;

  /* A plain libvirt connection of our own keeps the test driver's state
   * while Hangar's is closed, and acts while Hangar is away. */
  other = virConnectOpen (TEST_URI);
  g_assert_nonnull (other);

  define_domain (fixture, "Keeper");
  define_domain (fixture, "Leaver");
  wait_state (fixture, "Keeper", HANGAR_MACHINE_STATE_STOPPED);
  wait_state (fixture, "Leaver", HANGAR_MACHINE_STATE_STOPPED);
  keeper = g_object_ref (hangar_collection_find_by_name (fixture->collection, "Keeper"));
  keeper_uuid = g_strdup (hangar_machine_get_uuid (keeper));
  test = g_object_ref (hangar_collection_find_by_name (fixture->collection, "test"));
  leaver = g_object_ref (hangar_collection_find_by_name (fixture->collection, "Leaver"));
  g_signal_connect (keeper, "notify::name", G_CALLBACK (on_name_notified), &renamed);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), log);

  hangar_connection_close (fixture->connection);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpstr (log->str, ==, "0-3+0;");
  /* Away is not gone. */
  g_assert_false (hangar_machine_is_gone (keeper));
  g_assert_false (hangar_machine_is_gone (leaver));

  /* Meanwhile, elsewhere: one renamed and started, one removed. */
  kept = virDomainLookupByName (other, "Keeper");
  g_assert_nonnull (kept);
  g_assert_cmpint (virDomainRename (kept, "Kept", 0), ==, 0);
  g_assert_cmpint (virDomainCreate (kept), ==, 0);
  virDomainFree (kept);
  gone = virDomainLookupByName (other, "Leaver");
  g_assert_nonnull (gone);
  g_assert_cmpint (virDomainUndefine (gone), ==, 0);
  virDomainFree (gone);

  g_string_truncate (log, 0);
  reopen (fixture);
  g_assert_cmpstr (log->str, ==, "0-0+2;");
  define_domain (fixture, "Newcomer");

  g_assert_true (hangar_collection_find_by_uuid (fixture->collection, keeper_uuid) == keeper);
  g_assert_true (hangar_collection_find_by_name (fixture->collection, "test") == test);
  g_assert_cmpstr (hangar_machine_get_name (keeper), ==, "Kept");
  g_assert_cmpuint (renamed, ==, 1);
  wait_state (fixture, "Kept", HANGAR_MACHINE_STATE_RUNNING);
  order = names (model);
  g_assert_cmpstr (order, ==, "Kept|Newcomer|test");
  g_assert_null (hangar_collection_find_by_uuid (fixture->collection,
                                                 hangar_machine_get_uuid (leaver)));
  g_assert_true (hangar_machine_is_gone (leaver));
  g_assert_false (hangar_machine_is_gone (keeper));
  g_assert_false (hangar_machine_is_gone (test));

  g_signal_handlers_disconnect_by_data (model, log);
  g_signal_handlers_disconnect_by_data (keeper, &renamed);
  g_object_unref (keeper);
  g_object_unref (test);
  assert_finalized_eventually (leaver);
  virConnectClose (other);
}

/* A domain with metadata as Hangar's builder and other tools write it. */
static GVirDomain *
define_domain_with_metadata (Fixture    *fixture,
                             const char *name,
                             const char *metadata)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = g_strdup_printf ("<domain type='test'><name>%s</name>"
                                          "<metadata>%s</metadata>"
                                          "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                                          "<os><type>hvm</type></os></domain>", name, metadata);
  GVirConfigDomain *config = gvir_config_domain_new_from_xml (xml, &error);
  GVirDomain *domain;

  g_assert_no_error (error);
  domain = gvir_connection_create_domain (fixture->gvir, config, &error);
  g_object_unref (config);
  g_assert_no_error (error);
  g_ptr_array_add (fixture->defined, domain);
  return domain;
}

typedef struct
{
  HangarCollection *collection;
  const char       *name;
  const char       *os_name;
  gint64            min_last_used;
} DetailsWait;

static gboolean
details_read (gpointer data)
{
  DetailsWait *wait = data;
  HangarMachine *machine = hangar_collection_find_by_name (wait->collection, wait->name);

  return machine != NULL &&
         g_strcmp0 (hangar_machine_get_os_name (machine), wait->os_name) == 0 &&
         hangar_machine_get_last_used (machine) >= wait->min_last_used;
}

static void
wait_details (Fixture    *fixture,
              const char *name,
              const char *os_name,
              gint64      min_last_used)
{
  DetailsWait wait = { fixture->collection, name, os_name, min_last_used };
  g_autofree char *what = g_strdup_printf ("“%s” to show OS “%s”, used after %" G_GINT64_FORMAT,
                                           name, os_name, min_last_used);

  wait_for (details_read, &wait, what);
}

static int
compare_for_test (gconstpointer a,
                  gconstpointer b,
                  gpointer      by_last_used)
{
  return hangar_machine_compare (*(HangarMachine **) a, *(HangarMachine **) b,
                                 GPOINTER_TO_INT (by_last_used));
}

static char *
sorted_names (Fixture  *fixture,
              gboolean  by_last_used)
{
  g_autoptr(GPtrArray) machines = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model = G_LIST_MODEL (fixture->collection);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (machines, g_list_model_get_item (model, i));
  g_ptr_array_sort_with_data (machines, compare_for_test, GINT_TO_POINTER (by_last_used));
  for (guint i = 0; i < machines->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? "|" : "",
                            hangar_machine_get_name (g_ptr_array_index (machines, i)));
  return g_string_free (s, FALSE);
}

static char *
search (Fixture    *fixture,
        const char *text)
{
  g_autofree char *query = hangar_machine_fold_search_text (text);
  GListModel *model = G_LIST_MODEL (fixture->collection);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (model, i);

      if (hangar_machine_matches_search (machine, query))
        g_string_append_printf (s, "%s%s", s->len > 0 ? "|" : "", hangar_machine_get_name (machine));
    }
  return g_string_free (s, FALSE);
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
start_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hangar_machine_run_finish (HANGAR_MACHINE (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* OS names from libosinfo's metadata, "last used" from Hangar's or from a
 * start through HangarMachine, the installing mark; then the collection's
 * two orders and the search by name or OS. */
static void
test_details_sort_search (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *order = NULL;
  g_autofree char *found = NULL;
  g_autofree char *xml = NULL;
  HangarMachine *zulu;
  GVirDomain *yankee;
  gboolean started = FALSE;
  gint64 before;

  define_domain_with_metadata (fixture, "Alpha",
                               "<libosinfo:libosinfo xmlns:libosinfo="
                               "'http://libosinfo.org/xmlns/libvirt/domain/1.0'>"
                               "<libosinfo:os id='http://fedoraproject.org/fedora/37'/>"
                               "</libosinfo:libosinfo>");
  /* 2026-01-02T03:04:05Z */
  yankee = define_domain_with_metadata (fixture, "Yankee",
                                        "<hangar:machine xmlns:hangar="
                                        "'https://hangar.org/xmlns/libvirt/domain/1.0'>"
                                        "<hangar:os id='http://debian.org/debian/11' "
                                        "short-id='debian11'/>"
                                        "<hangar:installing>true</hangar:installing>"
                                        "<hangar:last-started>2026-01-02T03:04:05Z"
                                        "</hangar:last-started></hangar:machine>");
  define_domain (fixture, "Zulu");
  wait_state (fixture, "Zulu", HANGAR_MACHINE_STATE_STOPPED);
  /* An id is never a way out of osinfo-db's directory. */
  define_domain_with_metadata (fixture, "Xray",
                               "<libosinfo:libosinfo xmlns:libosinfo="
                               "'http://libosinfo.org/xmlns/libvirt/domain/1.0'>"
                               "<libosinfo:os id='http://fedoraproject.org/../../../etc/passwd'/>"
                               "</libosinfo:libosinfo>");
  wait_state (fixture, "Xray", HANGAR_MACHINE_STATE_STOPPED);

  /* Named from osinfo-db's file for the OS; Yankee's from Hangar's own mark. */
  wait_details (fixture, "Alpha", "Fedora Linux 37", 0);
  wait_details (fixture, "Yankee", "Debian 11", 1767323045);
  g_assert_cmpstr (hangar_machine_get_os_id (hangar_collection_find_by_name (fixture->collection,
                                                                             "Alpha")),
                   ==, "http://fedoraproject.org/fedora/37");
  g_assert_true (hangar_machine_get_installing (hangar_collection_find_by_name (fixture->collection,
                                                                                "Yankee")));
  zulu = hangar_collection_find_by_name (fixture->collection, "Zulu");
  g_assert_null (hangar_machine_get_os_name (zulu));
  g_assert_false (hangar_machine_get_installing (zulu));
  /* The test driver has no QEMU log: never started is unknown. */
  g_assert_cmpint (hangar_machine_get_last_used (zulu), ==, 0);
  /* "test" runs, but nothing says since when. */
  g_assert_cmpint (hangar_machine_get_last_used (hangar_collection_find_by_name (
                     fixture->collection, "test")), ==, 0);

  {
    HangarMachine *xray = hangar_collection_find_by_name (fixture->collection, "Xray");

    g_assert_cmpstr (hangar_machine_get_os_id (xray), ==,
                     "http://fedoraproject.org/../../../etc/passwd");
    g_assert_null (hangar_machine_get_os_name (xray));
    g_assert_true (gvir_domain_delete (hangar_machine_get_domain (xray), 0, NULL));
    wait_for (machine_gone, &(MachineWait) { fixture->collection, "Xray", 0 },
              "“Xray” to leave the collection");
  }

  order = sorted_names (fixture, FALSE);
  g_assert_cmpstr (order, ==, "Alpha|test|Yankee|Zulu");
  g_clear_pointer (&order, g_free);
  order = sorted_names (fixture, TRUE);
  g_assert_cmpstr (order, ==, "Yankee|Alpha|test|Zulu");
  g_clear_pointer (&order, g_free);

  /* Starting through Hangar records the time, in Hangar's metadata. */
  before = g_get_real_time () / G_USEC_PER_SEC;
  hangar_machine_run_async (zulu, HANGAR_MACHINE_ACTION_START,
                            HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT, NULL, start_done, &started);
  wait_for (flag_set, &started, "“Zulu” to start");
  wait_details (fixture, "Zulu", NULL, before);
  g_assert_cmpint (hangar_machine_get_last_used (zulu), <=, g_get_real_time () / G_USEC_PER_SEC);
  order = sorted_names (fixture, TRUE);
  g_assert_cmpstr (order, ==, "Zulu|Yankee|Alpha|test");

  /* The record keeps what else Hangar's metadata held. */
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (gvir_domain_get_config (yankee, 0, NULL)));
  g_assert_nonnull (strstr (xml, "installing"));
  g_clear_pointer (&xml, g_free);
  {
    g_autoptr(GError) error = NULL;
    GVirConfigDomain *config = gvir_domain_get_config (
      hangar_machine_get_domain (zulu), GVIR_DOMAIN_XML_INACTIVE, &error);

    g_assert_no_error (error);
    xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
    g_object_unref (config);
    g_assert_nonnull (strstr (xml, "last-started>"));
  }

  /* Search: the name or the OS, any case. */
  found = search (fixture, "fedora");
  g_assert_cmpstr (found, ==, "Alpha");
  g_clear_pointer (&found, g_free);
  found = search (fixture, "DEBIAN 11");
  g_assert_cmpstr (found, ==, "Yankee");
  g_clear_pointer (&found, g_free);
  found = search (fixture, "ZU");
  g_assert_cmpstr (found, ==, "Zulu");
  g_clear_pointer (&found, g_free);
  found = search (fixture, "linux");
  g_assert_cmpstr (found, ==, "Alpha");
  g_clear_pointer (&found, g_free);
  found = search (fixture, "37");
  g_assert_cmpstr (found, ==, "Alpha");
}

static void
test_open_failure (void)
{
  g_autoptr(HangarConnection) connection = hangar_connection_new ("test:///nonexistent/hangar.xml");
  g_autoptr(HangarCollection) collection = hangar_collection_new (connection);
  OpenResult open = { 0 };
  const GError *state_error;

  hangar_connection_open_async (connection, NULL, open_done, &open);
  wait_for (open_finished, &open, "the connection to fail");

  g_assert_error (open.error, HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_OPEN);
  g_clear_error (&open.error);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_FAILED);
  state_error = hangar_connection_get_error (connection);
  g_assert_error (state_error, HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_OPEN);
  g_assert_nonnull (strstr (state_error->message, "test:///nonexistent/hangar.xml"));
  g_assert_null (hangar_connection_get_gvir (connection));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 0);

  assert_finalized_eventually (g_steal_pointer (&collection));
  assert_finalized_eventually (g_steal_pointer (&connection));
}

static void
test_resolve_uri (void)
{
  g_autofree char *from_settings = NULL;
  g_autofree char *fallback = NULL;
  g_autofree char *from_env = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("HANGAR_URI"));

  g_unsetenv ("HANGAR_URI");
  from_settings = hangar_connection_resolve_uri ("qemu:///system");
  fallback = hangar_connection_resolve_uri ("");
  g_assert_cmpstr (from_settings, ==, "qemu:///system");
  g_assert_cmpstr (fallback, ==, HANGAR_DEFAULT_URI);

  g_setenv ("HANGAR_URI", "test:///default", TRUE);
  from_env = hangar_connection_resolve_uri ("qemu:///system");
  g_assert_cmpstr (from_env, ==, "test:///default");

  if (saved != NULL)
    g_setenv ("HANGAR_URI", saved, TRUE);
  else
    g_unsetenv ("HANGAR_URI");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  hangar_test_keep_pool_threads ();

  if (!hangar_libvirt_init (&error))
    g_error ("Cannot initialise libvirt: %s", error->message);

  g_test_add_func ("/hangar/connection/resolve-uri", test_resolve_uri);
  g_test_add_func ("/hangar/connection/open-failure", test_open_failure);
  g_test_add ("/hangar/collection/initial-list", Fixture, NULL,
              fixture_setup, test_initial_list, fixture_teardown);
  g_test_add ("/hangar/collection/sorted-and-live", Fixture, NULL,
              fixture_setup, test_sorted_and_live, fixture_teardown);
  g_test_add ("/hangar/collection/details-sort-search", Fixture, NULL,
              fixture_setup, test_details_sort_search, fixture_teardown);
  g_test_add ("/hangar/collection/reconnect-keeps-machines", Fixture, NULL,
              fixture_setup, test_reconnect_keeps_machines, fixture_teardown);

  return g_test_run ();
}
