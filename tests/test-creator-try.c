/* test-creator-try.c
 *
 * "Try it": a transient machine without a disk, destroyed when it fails,
 * kept as a machine of its own on request; from hangarctl, a guest that
 * boots, shows in the collection while it runs and leaves nothing behind.
 *   /hangar/creator-try/libvirt/  an isolated session
 *   /hangar/creator-try/e2e/      a real guest booting the live ISO
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>

#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-vm-creator.h"

static void
test_try_needs_no_disk (void)
{
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings ("Try", 1);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(GError) error = NULL;

  hangar_test_session_setup ();
  hangar_vm_creator_set_transient (creator, TRUE);
  g_assert_null (hangar_test_create (creator, TRUE, NULL, &error));
  g_assert_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_INVALID);
  hangar_test_assert_session_empty ();
}

/* A "Try it" machine that fails once started is destroyed: nothing left. */
static void
test_try_rollback (void)
{
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings ("Try", 0);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(GError) error = NULL;

  hangar_vm_creator_set_transient (creator, TRUE);
  hangar_vm_creator_set_fail_step (creator, HANGAR_VM_CREATOR_STEP_START);
  g_assert_null (hangar_test_create (creator, TRUE, NULL, &error));
  g_assert_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_INJECTED);
  hangar_test_assert_session_empty ();
}

/* "Try it", then keep it: the guest runs on, as a machine of its own. */
static void
test_try_then_keep (void)
{
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings ("Kept", 0);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *xml = NULL;
  GVirDomain *domain;

  hangar_test_session_setup ();
  hangar_vm_creator_set_transient (creator, TRUE);
  domain = hangar_test_create (creator, TRUE, NULL, &error);
  g_assert_no_error (error);
  uuid = g_strdup (gvir_domain_get_uuid (domain));
  g_assert_false (hangar_test_domain_persistent ("Kept"));
  g_assert_cmpint (hangar_test_domain_state ("Kept"), ==, VIR_DOMAIN_RUNNING);

  hangar_vm_creator_keep_async (creator, 1, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_vm_creator_keep_finish (creator, hangar_test_await (), &error));
  g_assert_no_error (error);
  g_assert_true (hangar_test_domain_persistent ("Kept"));
  g_assert_false (hangar_vm_creator_get_transient (creator));
  g_assert_cmpint (hangar_test_domain_state ("Kept"), ==, VIR_DOMAIN_RUNNING);

  /* Its next start has the disk; this one runs on, and stops into the collection. */
  hangar_test_virsh ("destroy", "Kept", NULL);
  g_assert_cmpint (hangar_test_domain_state ("Kept"), ==, VIR_DOMAIN_SHUTOFF);
  xml = hangar_test_domain_xml ("Kept", TRUE);
  g_assert_nonnull (strstr (xml, uuid));
  g_assert_nonnull (strstr (xml, hangar_vm_creator_get_settings (creator)->disk_path));

  g_object_unref (domain);
  hangar_test_clean_session ();
}

typedef struct
{
  HangarCollection *collection;
  const char       *name;
  gboolean          present;
} CollectionWait;

static gboolean
collection_shows (gpointer data)
{
  CollectionWait *wait = data;

  return (hangar_collection_find_by_name (wait->collection, wait->name) != NULL) == wait->present;
}

static gboolean
connection_ready (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_CONNECTED;
}

static gboolean
domain_gone (gpointer data)
{
  return hangar_test_domain_state (data) == -1;
}

/* "Try it" from the command line: a transient machine boots; the app's
 * collection shows it while it runs; after a force-off nothing remains. */
static void
test_e2e_ctl_try (void)
{
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_for_machine ("hangar-try");
  g_autoptr(HangarConnection) connection = hangar_connection_new ("qemu:///session");
  g_autoptr(HangarCollection) collection = hangar_collection_new (connection);
  g_autofree char *out = NULL;
  CollectionWait wait = { collection, "hangar-try", TRUE };
  gint64 started = g_get_monotonic_time ();

  hangar_test_session_setup ();
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  hangar_test_assert_eventually (connection_ready, connection, 30, "the collection's connection");

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", hangar_test_iso (), "--try",
                                                       "--name", "hangar-try", "--memory", "512",
                                                       "--cpus", "1", NULL },
                                    &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "hangar-try\n");
  g_assert_false (hangar_test_domain_persistent ("hangar-try"));
  hangar_test_assert_eventually (collection_shows, &wait, 15,
                                 "the try-it machine in the collection");
  hangar_test_guest_wait_banner (guest, started);

  hangar_test_virsh ("destroy", "hangar-try", NULL);
  hangar_test_assert_eventually (domain_gone, (gpointer) "hangar-try", 15, "the domain to go");
  wait.present = FALSE;
  hangar_test_assert_eventually (collection_shows, &wait, 15, "the collection to drop it");
  hangar_test_assert_session_empty ();
  hangar_connection_close (connection);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/creator-try/libvirt/needs-no-disk", test_try_needs_no_disk);
  g_test_add_func ("/hangar/creator-try/libvirt/rollback", test_try_rollback);
  g_test_add_func ("/hangar/creator-try/libvirt/then-keep", test_try_then_keep);
  g_test_add_func ("/hangar/creator-try/e2e/ctl-try", test_e2e_ctl_try);

  return g_test_run ();
}
