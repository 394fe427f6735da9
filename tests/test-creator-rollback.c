/* test-creator-rollback.c
 *
 * The creator's steps, and its rollback at each of them: a failure injected
 * after the pool, the volume, the config, the define or the start; a
 * cancellation before or during the work; a start that really fails; a disk
 * too large to fit. After every libvirt test the session must be empty
 * again: no domain, no volume, no file in the pool's directory, no NVRAM.
 *   /hangar/creator-rollback/unit/     the steps' nicks, no daemon
 *   /hangar/creator-rollback/libvirt/  an isolated session
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libvirt/libvirt.h>

#include "hangar-storage-pool.h"
#include "hangar-test-utils.h"
#include "hangar-vm-creator.h"

static void
test_steps (void)
{
  static const char *nicks[] = { "pool", "volume", "config", "define", "start" };

  for (guint i = 0; i < G_N_ELEMENTS (nicks); i++)
    {
      HangarVmCreatorStep step;

      g_assert_true (hangar_vm_creator_step_from_nick (nicks[i], &step));
      g_assert_cmpstr (hangar_vm_creator_step_to_nick (step), ==, nicks[i]);
    }
  {
    HangarVmCreatorStep step = HANGAR_VM_CREATOR_STEP_NONE;

    g_assert_false (hangar_vm_creator_step_from_nick ("nonsense", &step));
    g_assert_false (hangar_vm_creator_step_from_nick (NULL, &step));
  }
}

static void
test_rollback_at (gconstpointer data)
{
  HangarVmCreatorStep step = GPOINTER_TO_INT (data);
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings ("Rollback", 1);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(GError) error = NULL;

  hangar_test_session_setup ();
  hangar_vm_creator_set_fail_step (creator, step);
  g_assert_null (hangar_test_create (creator, TRUE, NULL, &error));
  g_assert_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_INJECTED);
  g_assert_cmpint (hangar_vm_creator_get_step (creator), ==, HANGAR_VM_CREATOR_STEP_FAILED);
  hangar_test_assert_session_empty ();
}

static void
on_step_cancel (HangarVmCreator *creator,
                GParamSpec      *pspec,
                GCancellable    *cancellable)
{
  if (hangar_vm_creator_get_step (creator) == HANGAR_VM_CREATOR_STEP_VOLUME)
    g_cancellable_cancel (cancellable);
}

static void
test_rollback_cancel (void)
{
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings ("Cancelled", 1);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(HangarVmCreator) early = hangar_test_new_creator (settings);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  hangar_test_session_setup ();
  /* Mid-way: once the disk is being made. */
  g_signal_connect (creator, "notify::step", G_CALLBACK (on_step_cancel), cancellable);
  g_assert_null (hangar_test_create (creator, TRUE, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  hangar_test_assert_session_empty ();
  g_clear_error (&error);

  /* Before anything. */
  g_cancellable_cancel (cancelled);
  g_assert_null (hangar_test_create (early, TRUE, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  hangar_test_assert_session_empty ();
}

/* A real failure to start: UEFI, so that libvirt prepares NVRAM, and a
 * medium that is not there. */
static void
test_rollback_real_start_failure (void)
{
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings ("Broken", 1);
  g_autoptr(HangarVmCreator) creator = NULL;
  g_autoptr(GError) error = NULL;

  hangar_test_session_setup ();
  settings->firmware = HANGAR_FIRMWARE_UEFI;
  g_free (settings->iso_path);
  settings->iso_path = g_build_filename (hangar_test_artifacts_dir (), "gone.iso", NULL);
  creator = hangar_test_new_creator (settings);

  g_assert_null (hangar_test_create (creator, TRUE, NULL, &error));
  g_assert_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_START);
  g_test_message ("%s", error->message);
  hangar_test_assert_session_empty ();
}

/* A disk larger than the pool could ever hold: refused before anything is
 * made. */
static void
test_no_space (void)
{
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings ("Huge", 1000000);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(GError) error = NULL;

  hangar_test_session_setup ();
  g_assert_null (hangar_test_create (creator, TRUE, NULL, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_NO_SPACE);
  g_assert_cmpint (hangar_vm_creator_get_step (creator), ==, HANGAR_VM_CREATOR_STEP_FAILED);
  hangar_test_assert_session_empty ();
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/creator-rollback/unit/steps", test_steps);
  g_test_add_data_func ("/hangar/creator-rollback/libvirt/pool",
                        GINT_TO_POINTER (HANGAR_VM_CREATOR_STEP_POOL), test_rollback_at);
  g_test_add_data_func ("/hangar/creator-rollback/libvirt/volume",
                        GINT_TO_POINTER (HANGAR_VM_CREATOR_STEP_VOLUME), test_rollback_at);
  g_test_add_data_func ("/hangar/creator-rollback/libvirt/config",
                        GINT_TO_POINTER (HANGAR_VM_CREATOR_STEP_CONFIG), test_rollback_at);
  g_test_add_data_func ("/hangar/creator-rollback/libvirt/define",
                        GINT_TO_POINTER (HANGAR_VM_CREATOR_STEP_DEFINE), test_rollback_at);
  g_test_add_data_func ("/hangar/creator-rollback/libvirt/start",
                        GINT_TO_POINTER (HANGAR_VM_CREATOR_STEP_START), test_rollback_at);
  g_test_add_func ("/hangar/creator-rollback/libvirt/cancel", test_rollback_cancel);
  g_test_add_func ("/hangar/creator-rollback/libvirt/real-start-failure",
                   test_rollback_real_start_failure);
  g_test_add_func ("/hangar/creator-rollback/libvirt/no-space", test_no_space);

  return g_test_run ();
}
