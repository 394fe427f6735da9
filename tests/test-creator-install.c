/* test-creator-install.c
 *
 * Installations the creator starts, ended on real guests by
 * HangarInstallTracker: an installer's reboot or power-off ejects the
 * medium and drops the installing mark; the live run of a "Try it" guest
 * kept with a disk is no installation's end. An installing machine boots
 * its blank disk first: the installer must still come up, with BIOS (the
 * reboot case) and OVMF (the power-off case). (The same reboot with no
 * Hangar process: test-app-launch.c.) (The tracker's decisions on
 * their own: test-install-tracker.c.)
 *   /hangar/creator-install/e2e/  real guests booting the live ISO
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>

#include "hangar-install-tracker.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-vm-creator.h"

typedef struct
{
  gboolean  finished;
  gboolean  restarted;
  char     *name;
} FinishWait;

static void
on_install_finished (HangarInstallTracker *tracker,
                     const char           *uuid,
                     const char           *name,
                     gboolean              restarted,
                     FinishWait           *wait)
{
  wait->finished = TRUE;
  wait->restarted = restarted;
  g_free (wait->name);
  wait->name = g_strdup (name);
}

static gboolean
install_finished (gpointer data)
{
  return ((FinishWait *) data)->finished;
}

/* An installer's first reboot or power-off: the medium is ejected and the
 * installing mark dropped. QEMU restarts a rebooting machine itself; the
 * tracker takes the medium out of it as well. */
static void
test_e2e_install_end (gconstpointer data)
{
  const char *command = data;
  gboolean reboot = g_str_equal (command, "reboot -f");
  const char *name = reboot ? "install-reboot" : "install-poweroff";
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_for_machine (name);
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings (name, 1);
  g_autoptr(HangarVmCreator) creator = NULL;
  g_autoptr(HangarInstallTracker) tracker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *ready = NULL;
  FinishWait wait = { FALSE, FALSE, NULL };
  g_autofree char *live = NULL;
  GVirDomain *domain;
  const char *hd, *cdrom;

  hangar_test_session_setup ();
  tracker = hangar_install_tracker_new (hangar_test_session_connection ());
  g_signal_connect (tracker, "install-finished", G_CALLBACK (on_install_finished), &wait);

  /* OVMF, too, must pass over the blank disk to the installer (Secure
   * Boot off: the live ISO's GRUB is unsigned). */
  if (!reboot)
    settings->firmware = HANGAR_FIRMWARE_UEFI;
  creator = hangar_test_new_creator (settings);
  domain = hangar_test_create (creator, TRUE, NULL, &error);
  g_assert_no_error (error);
  before = hangar_test_domain_xml (name, TRUE);
  g_assert_nonnull (strstr (before, "installing"));
  g_assert_nonnull (strstr (before, "<on_reboot>restart</on_reboot>"));
  g_assert_nonnull (strstr (before, hangar_test_iso ()));
  hd = strstr (before, "<boot dev='hd'/>");
  cdrom = strstr (before, "<boot dev='cdrom'/>");
  g_assert_true (hd != NULL && cdrom != NULL && hd < cdrom);

  ready = hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 1,
                                       HANGAR_TEST_BOOT_TIMEOUT_S);
  hangar_test_guest_run (guest, command);
  hangar_test_assert_eventually (install_finished, &wait, 60, "the installation to end");
  g_assert_cmpstr (wait.name, ==, name);
  g_assert_cmpint (wait.restarted, ==, reboot);

  after = hangar_test_domain_xml (name, TRUE);
  g_test_message ("after: %s", after);
  g_assert_null (strstr (after, "installing"));
  g_assert_null (strstr (after, hangar_test_iso ()));
  g_assert_nonnull (strstr (after, "<on_reboot>restart</on_reboot>"));
  g_assert_nonnull (strstr (after, "device='cdrom'"));
  g_assert_nonnull (strstr (after, hangar_vm_creator_get_settings (creator)->disk_path));
  g_assert_cmpint (hangar_test_domain_state (name), ==,
                   reboot ? VIR_DOMAIN_RUNNING : VIR_DOMAIN_SHUTOFF);
  if (reboot)
    {
      /* Gone from the running machine as well. */
      live = hangar_test_domain_xml (name, FALSE);
      g_assert_null (strstr (live, hangar_test_iso ()));
    }

  g_free (wait.name);
  g_object_unref (domain);
  hangar_test_clean_session ();
}

static gboolean
domain_shut_off (gpointer data)
{
  return hangar_test_domain_state (data) == VIR_DOMAIN_SHUTOFF;
}

static gboolean
true_after (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

/* A "Try it" guest kept with a disk: its persistent definition is an
 * installation, but the live run that ends now is not one, so the medium
 * stays in for the installation to come. */
static void
test_e2e_keep_live_run (void)
{
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_for_machine ("kept-live");
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings ("kept-live", 0);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(HangarInstallTracker) tracker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *after = NULL;
  FinishWait finish = { FALSE, FALSE, NULL };
  GVirDomain *domain;
  gint64 settle;

  hangar_test_session_setup ();
  tracker = hangar_install_tracker_new (hangar_test_session_connection ());
  g_signal_connect (tracker, "install-finished", G_CALLBACK (on_install_finished), &finish);
  hangar_vm_creator_set_transient (creator, TRUE);
  domain = hangar_test_create (creator, TRUE, NULL, &error);
  g_assert_no_error (error);
  ready = hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 1,
                                       HANGAR_TEST_BOOT_TIMEOUT_S);

  hangar_vm_creator_keep_async (creator, 1, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_vm_creator_keep_finish (creator, hangar_test_await (), &error));
  g_assert_no_error (error);

  hangar_test_guest_run (guest, "poweroff -f");
  hangar_test_assert_eventually (domain_shut_off, (gpointer) "kept-live", 60,
                                 "the guest to power off");
  /* Long enough for the tracker's thread to have acted, had it wanted to. */
  settle = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  hangar_test_wait_until (true_after, &settle, 5);
  g_assert_false (finish.finished);

  after = hangar_test_domain_xml ("kept-live", TRUE);
  g_assert_nonnull (strstr (after, "installing"));
  g_assert_nonnull (strstr (after, hangar_test_iso ()));
  g_assert_nonnull (strstr (after, hangar_vm_creator_get_settings (creator)->disk_path));

  g_object_unref (domain);
  hangar_test_clean_session ();
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_data_func ("/hangar/creator-install/e2e/reboot", "reboot -f",
                        test_e2e_install_end);
  g_test_add_data_func ("/hangar/creator-install/e2e/poweroff", "poweroff -f",
                        test_e2e_install_end);
  g_test_add_func ("/hangar/creator-install/e2e/keep-live-run", test_e2e_keep_live_run);

  return g_test_run ();
}
