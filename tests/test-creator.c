/* test-creator.c
 *
 * The machine creator, and the install tracker ending real installations
 * (its decisions: test-install-tracker.c; the pool and its disks:
 * test-storage-pool.c, test-storage-volume.c). Three groups of paths, run
 * by three meson tests:
 *   /hangar/creator/unit/     pure functions, no daemon
 *   /hangar/creator/libvirt/  an isolated session: rollback at every step,
 *                             cancellation, names, free space, hangarctl
 *   /hangar/creator/e2e/      real guests booting the live ISO: hangarctl
 *                             create and --try, an installer's reboot and
 *                             power-off ending the installation
 * After every libvirt test the session must be empty again: no domain, no
 * volume, no file in the pool's directory, no NVRAM.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include <libvirt/libvirt.h>

#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-libvirt.h"
#include "hangar-install-tracker.h"
#include "hangar-machine.h"
#include "hangar-machine-name.h"
#include "hangar-storage-pool.h"
#include "hangar-storage-volume.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-vm-config.h"
#include "hangar-vm-creator.h"

/* ------------------------------------------------------------------------ */
/* unit                                                                     */
/* ------------------------------------------------------------------------ */

static const struct
{
  const char *wish;
  const char *name;
} machine_names[] = {
  { "Fedora 37", "Fedora 37" },
  { "  Fedora \t 37  ", "Fedora 37" },
  { "a\nb", "a b" },
  { "a/b", "a-b" },
  { "../../x", "..-..-x" },
  { "x\u202Ey", "x y" },          /* a right-to-left override */
  { "Fédora ✓ 37", "Fédora ✓ 37" },
  { "\n\t", "" },
  { "", "" },
};

static void
test_normalize_names (void)
{
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autofree char *cut = NULL;
  g_autofree char *invalid = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (machine_names); i++)
    {
      g_autofree char *name = hangar_machine_name_normalize (machine_names[i].wish);

      g_assert_cmpstr (name, ==, machine_names[i].name);
    }

  /* Cut at 100 bytes, between characters. */
  for (guint i = 0; i < 80; i++)
    g_string_append (long_name, "é");
  cut = hangar_machine_name_normalize (long_name->str);
  g_assert_cmpuint (strlen (cut), ==, 100);
  g_assert_true (g_utf8_validate (cut, -1, NULL));

  invalid = hangar_machine_name_normalize ("a\xff" "b");
  g_assert_true (g_utf8_validate (invalid, -1, NULL));
  g_assert_nonnull (strchr (invalid, 'a'));
}

static void
test_pick_names (void)
{
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *gap = NULL;
  g_autofree char *none = NULL;

  first = hangar_machine_name_pick ("Fedora 37", taken);
  g_assert_cmpstr (first, ==, "Fedora 37");
  g_hash_table_add (taken, (gpointer) "Fedora 37");
  second = hangar_machine_name_pick ("Fedora 37", taken);
  g_assert_cmpstr (second, ==, "Fedora 37 2");
  g_hash_table_add (taken, (gpointer) "Fedora 37 2");
  third = hangar_machine_name_pick ("Fedora 37", taken);
  g_assert_cmpstr (third, ==, "Fedora 37 3");

  g_hash_table_remove (taken, "Fedora 37");
  gap = hangar_machine_name_pick ("Fedora 37", taken);
  g_assert_cmpstr (gap, ==, "Fedora 37");

  /* Every number taken: no name rather than a clash. */
  g_hash_table_add (taken, (gpointer) "X");
  {
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 2; i <= 1000; i++)
      {
        char *name = g_strdup_printf ("X %u", i);

        g_ptr_array_add (names, name);
        g_hash_table_add (taken, name);
      }
    none = hangar_machine_name_pick ("X", taken);
    g_assert_null (none);
    g_hash_table_remove_all (taken);
  }
}

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

/* ------------------------------------------------------------------------ */
/* libvirt: helpers                                                         */
/* ------------------------------------------------------------------------ */

static const char *
images_dir (void)
{
  static char *dir;

  if (dir == NULL)
    dir = hangar_storage_pool_default_path ();
  return dir;
}

static HangarVmSettings *
small_settings (const char *name,
                guint64     disk_gib)
{
  HangarVmSettings *settings = hangar_test_vm_settings (name);

  hangar_test_session_setup ();
  settings->disk_gib = disk_gib;
  return settings;
}

/* ------------------------------------------------------------------------ */
/* libvirt: the creator                                                     */
/* ------------------------------------------------------------------------ */

static void
test_create_define_only (void)
{
  g_autoptr(HangarVmSettings) settings = small_settings ("Fedora 37", 1);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(HangarVmCreator) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *disk = NULL;
  GVirDomain *domain, *domain2;

  hangar_test_session_setup ();
  domain = hangar_test_create (creator, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (domain);
  g_assert_cmpstr (gvir_domain_get_name (domain), ==, "Fedora 37");
  g_assert_cmpstr (hangar_vm_creator_get_name (creator), ==, "Fedora 37");
  g_assert_cmpint (hangar_vm_creator_get_step (creator), ==, HANGAR_VM_CREATOR_STEP_DONE);
  g_assert_cmpfloat (hangar_vm_creator_get_fraction (creator), ==, 1.0);
  g_assert_cmpint (hangar_test_domain_state ("Fedora 37"), ==, VIR_DOMAIN_SHUTOFF);
  g_assert_true (hangar_test_domain_persistent ("Fedora 37"));

  /* The disk is in the pool, and the machine uses it. */
  disk = g_build_filename (images_dir (), "Fedora-37.qcow2", NULL);
  g_assert_cmpstr (hangar_vm_creator_get_settings (creator)->disk_path, ==, disk);
  g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
  xml = hangar_test_domain_xml ("Fedora 37", TRUE);
  g_assert_nonnull (strstr (xml, disk));

  /* The same wish again: numbered. */
  second = hangar_test_new_creator (settings);
  domain2 = hangar_test_create (second, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_domain_get_name (domain2), ==, "Fedora 37 2");
  g_assert_cmpstr (hangar_vm_creator_get_settings (second)->disk_path, !=, disk);

  g_object_unref (domain);
  g_object_unref (domain2);
  hangar_test_clean_session ();
}

static void
test_name_taken_by_transient (void)
{
  g_autoptr(HangarVmSettings) settings = small_settings ("Taken", 0);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(GError) error = NULL;
  g_autofree char *xml_path = g_build_filename (hangar_test_artifacts_dir (), "taken.xml", NULL);
  GVirDomain *domain;

  hangar_test_session_setup ();
  /* A transient domain, running only, started behind Hangar's back. */
  g_assert_true (g_file_set_contents (xml_path,
                                      "<domain type='qemu'><name>Taken</name>"
                                      "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                                      "<os><type arch='x86_64' machine='q35'>hvm</type></os>"
                                      "<devices><memballoon model='none'/></devices></domain>",
                                      -1, NULL));
  hangar_test_virsh ("create", xml_path, NULL);
  g_assert_false (hangar_test_domain_persistent ("Taken"));

  domain = hangar_test_create (creator, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_domain_get_name (domain), ==, "Taken 2");
  g_object_unref (domain);
  hangar_test_clean_session ();
}

static const char *hostile_names[] = {
  "../../x",
  "a/b",
  "a\nb",
  "/etc/passwd",
  "Fédora ✓ 37",
  "日本語",
  "$(reboot)",
  "\n",
};

static void
test_hostile_names (void)
{
  const char *dir = images_dir ();

  hangar_test_session_setup ();
  for (guint i = 0; i < G_N_ELEMENTS (hostile_names); i++)
    {
      g_autoptr(HangarVmSettings) settings = small_settings (hostile_names[i], 1);
      g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = hangar_machine_name_normalize (hostile_names[i]);
      g_autofree char *disk_dir = NULL;
      const char *disk;
      GVirDomain *domain;

      domain = hangar_test_create (creator, FALSE, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("“%s” → “%s”, %s", hostile_names[i], gvir_domain_get_name (domain),
                      hangar_vm_creator_get_settings (creator)->disk_path);
      if (*expected == '\0')
        g_assert_cmpstr (gvir_domain_get_name (domain), ==, "New Machine");
      else
        g_assert_cmpstr (gvir_domain_get_name (domain), ==, expected);

      /* The disk is a plain file right in the pool's directory. */
      disk = hangar_vm_creator_get_settings (creator)->disk_path;
      disk_dir = g_path_get_dirname (disk);
      g_assert_cmpstr (disk_dir, ==, dir);
      {
        g_autofree char *base = g_path_get_basename (disk);

        g_assert_true (hangar_test_is_safe_volume_name (base));
      }
      g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
      g_object_unref (domain);
    }
  hangar_test_clean_session ();
}

static void
test_no_space (void)
{
  g_autoptr(HangarVmSettings) settings = small_settings ("Huge", 1000000);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(GError) error = NULL;

  hangar_test_session_setup ();
  g_assert_null (hangar_test_create (creator, TRUE, NULL, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_NO_SPACE);
  g_assert_cmpint (hangar_vm_creator_get_step (creator), ==, HANGAR_VM_CREATOR_STEP_FAILED);
  hangar_test_assert_session_empty ();
}

static void
test_rollback_at (gconstpointer data)
{
  HangarVmCreatorStep step = GPOINTER_TO_INT (data);
  g_autoptr(HangarVmSettings) settings = small_settings ("Rollback", 1);
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
  g_autoptr(HangarVmSettings) settings = small_settings ("Cancelled", 1);
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
  g_autoptr(HangarVmSettings) settings = small_settings ("Broken", 1);
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

static void
test_try_needs_no_disk (void)
{
  g_autoptr(HangarVmSettings) settings = small_settings ("Try", 1);
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
  g_autoptr(HangarVmSettings) settings = small_settings ("Try", 0);
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
  g_autoptr(HangarVmSettings) settings = small_settings ("Kept", 0);
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

/* ------------------------------------------------------------------------ */
/* libvirt: hangarctl                                                       */
/* ------------------------------------------------------------------------ */

/* hangarctl with a failure injected after @fail_step, when not %NULL. */
static int
run_ctl (const char * const  *args,
         const char          *fail_step,
         char               **out,
         char               **err)
{
  g_auto(GStrv) envp = g_get_environ ();

  if (fail_step != NULL)
    envp = g_environ_setenv (envp, "HANGAR_TEST_FAIL_STEP", fail_step, TRUE);
  return hangar_test_ctl_with_env ((const char * const *) envp, args, out, err);
}

static void
test_ctl_failures (void)
{
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;

  hangar_test_session_setup ();

  /* Injected failures at the define and start steps: nothing left. */
  g_assert_cmpint (run_ctl ((const char *[]) { "create", hangar_test_iso (), "--name", "ctl", "--disk", "1",
                                               "--memory", "512", NULL },
                            "define", NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "Failure injected after the define step"));
  hangar_test_assert_session_empty ();

  g_assert_cmpint (run_ctl ((const char *[]) { "create", hangar_test_iso (), "--name", "ctl", "--disk", "1",
                                               "--memory", "512", NULL },
                            "start", NULL, NULL), ==, 1);
  hangar_test_assert_session_empty ();

  /* A disk larger than this whole machine: one clear line, nothing left. */
  g_assert_cmpint (run_ctl ((const char *[]) { "create", hangar_test_iso (), "--disk", "100000000", NULL },
                            NULL, NULL, &err2), ==, 1);
  g_assert_nonnull (strstr (err2, "larger than the whole storage"));
  g_assert_cmpint (strchr (err2, '\n') - err2, ==, strlen (err2) - 1);
  hangar_test_assert_session_empty ();

  /* Bad input. */
  g_assert_cmpint (run_ctl ((const char *[]) { "create", "/nonexistent.iso", NULL }, NULL, NULL, &err3),
                   ==, 1);
  g_assert_nonnull (strstr (err3, "/nonexistent.iso"));
  g_assert_cmpint (run_ctl ((const char *[]) { "create", hangar_test_iso (), "--try", "--disk", "3", NULL },
                            NULL, NULL, NULL), ==, 2);
  g_assert_cmpint (run_ctl ((const char *[]) { "create", NULL }, NULL, NULL, NULL), ==, 2);
  hangar_test_assert_session_empty ();
}

static void
test_ctl_define_only (void)
{
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;

  hangar_test_session_setup ();
  g_assert_cmpint (run_ctl ((const char *[]) { "create", hangar_test_iso (), "--name", "X", "--disk", "1",
                                               "--memory", "512", "--cpus", "1", "--no-start", NULL },
                            NULL, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "X\n");
  g_assert_cmpint (run_ctl ((const char *[]) { "create", hangar_test_iso (), "--name", "X", "--disk", "1",
                                               "--no-start", NULL },
                            NULL, &out2, NULL), ==, 0);
  g_assert_cmpstr (out2, ==, "X 2\n");
  g_assert_cmpint (hangar_test_domain_state ("X"), ==, VIR_DOMAIN_SHUTOFF);
  g_assert_cmpint (hangar_test_domain_state ("X 2"), ==, VIR_DOMAIN_SHUTOFF);
  {
    g_autofree char *xml = hangar_test_domain_xml ("X", TRUE);

    /* Tests force emulation: never KVM here. */
    g_assert_true (g_str_has_prefix (xml, "<domain type='qemu'"));
    g_assert_nonnull (strstr (xml, "<memory unit='KiB'>524288</memory>"));
  }
  hangar_test_clean_session ();
}

/* A medium libosinfo knows: the machine is named and built for its OS. */
static void
test_ctl_identified (void)
{
  g_autofree char *dir = g_build_filename (hangar_test_artifacts_dir (), "fedora-iso", NULL);
  g_autofree char *readme = g_build_filename (dir, "README", NULL);
  g_autofree char *boot = g_build_filename (dir, "boot.img", NULL);
  g_autofree char *zeros = g_malloc0 (2048);
  g_autofree char *iso = g_build_filename (hangar_test_artifacts_dir (), "fedora37.iso", NULL);
  g_autofree char *out = NULL;
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;

  hangar_test_session_setup ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (readme, "not really Fedora\n", -1, NULL));
  /* Bootable (El Torito) like a real one, or it is no installer at all. */
  g_assert_true (g_file_set_contents (boot, zeros, 2048, NULL));
  g_free (hangar_test_run_tool ((const char *[]) { "xorriso", "-as", "mkisofs", "-quiet",
                                                   "-V", "Fedora-WS-Live-37-1-7",
                                                   "-sysid", "LINUX", "-b", "boot.img",
                                                   "-no-emul-boot", "-boot-load-size", "4",
                                                   "-o", iso, dir, NULL }));

  g_assert_cmpint (run_ctl ((const char *[]) { "create", iso, "--disk", "1", "--no-start", NULL },
                            NULL, &out, NULL), ==, 0);
  name = g_strstrip (g_strdup (out));
  g_assert_true (g_str_has_prefix (name, "Fedora"));
  xml = hangar_test_domain_xml (name, TRUE);
  g_assert_nonnull (strstr (xml, "http://fedoraproject.org/fedora/37"));
  hangar_test_clean_session ();
}

/* ------------------------------------------------------------------------ */
/* e2e: real guests                                                         */
/* ------------------------------------------------------------------------ */

static void
test_e2e_ctl_create (void)
{
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_for_machine ("hangar-e2e");
  g_autofree char *out = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *disk = NULL;
  gint64 started = g_get_monotonic_time ();

  hangar_test_session_setup ();
  g_assert_cmpint (run_ctl ((const char *[]) { "create", hangar_test_iso (), "--name", "hangar-e2e",
                                               "--disk", "1", "--memory", "512", "--cpus", "1", NULL },
                            NULL, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "hangar-e2e\n");
  g_assert_true (hangar_test_domain_persistent ("hangar-e2e"));
  g_assert_cmpint (hangar_test_domain_state ("hangar-e2e"), ==, VIR_DOMAIN_RUNNING);
  xml = hangar_test_domain_xml ("hangar-e2e", FALSE);
  disk = g_build_filename (images_dir (), "hangar-e2e.qcow2", NULL);
  g_assert_nonnull (strstr (xml, disk));
  g_assert_nonnull (strstr (xml, hangar_test_iso ()));
  hangar_test_guest_wait_banner (guest, started);
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

  g_assert_cmpint (run_ctl ((const char *[]) { "create", hangar_test_iso (), "--try", "--name", "hangar-try",
                                               "--memory", "512", "--cpus", "1", NULL },
                            NULL, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "hangar-try\n");
  g_assert_false (hangar_test_domain_persistent ("hangar-try"));
  hangar_test_assert_eventually (collection_shows, &wait, 15, "the try-it machine in the collection");
  hangar_test_guest_wait_banner (guest, started);

  hangar_test_virsh ("destroy", "hangar-try", NULL);
  hangar_test_assert_eventually (domain_gone, (gpointer) "hangar-try", 15, "the domain to go");
  wait.present = FALSE;
  hangar_test_assert_eventually (collection_shows, &wait, 15, "the collection to drop it");
  hangar_test_assert_session_empty ();
  hangar_connection_close (connection);
}

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
 * installing mark dropped; a reboot starts the machine again. */
static void
test_e2e_install_end (gconstpointer data)
{
  const char *command = data;
  gboolean reboot = g_str_equal (command, "reboot -f");
  const char *name = reboot ? "install-reboot" : "install-poweroff";
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_for_machine (name);
  g_autoptr(HangarVmSettings) settings = small_settings (name, 1);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(HangarInstallTracker) tracker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *ready = NULL;
  FinishWait wait = { FALSE, FALSE, NULL };
  GVirDomain *domain;

  hangar_test_session_setup ();
  tracker = hangar_install_tracker_new (hangar_test_session_connection ());
  g_signal_connect (tracker, "install-finished", G_CALLBACK (on_install_finished), &wait);

  domain = hangar_test_create (creator, TRUE, NULL, &error);
  g_assert_no_error (error);
  before = hangar_test_domain_xml (name, TRUE);
  g_assert_nonnull (strstr (before, "installing"));
  g_assert_nonnull (strstr (before, "<on_reboot>destroy</on_reboot>"));
  g_assert_nonnull (strstr (before, hangar_test_iso ()));

  ready = hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 1, HANGAR_TEST_BOOT_TIMEOUT_S);
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
  g_assert_cmpint (hangar_test_domain_state (name), ==, reboot ? VIR_DOMAIN_RUNNING : VIR_DOMAIN_SHUTOFF);

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
  g_autoptr(HangarVmSettings) settings = small_settings ("kept-live", 0);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(HangarInstallTracker) tracker = hangar_install_tracker_new (hangar_test_session_connection ());
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *after = NULL;
  FinishWait finish = { FALSE, FALSE, NULL };
  GVirDomain *domain;
  gint64 settle;

  g_signal_connect (tracker, "install-finished", G_CALLBACK (on_install_finished), &finish);
  hangar_vm_creator_set_transient (creator, TRUE);
  domain = hangar_test_create (creator, TRUE, NULL, &error);
  g_assert_no_error (error);
  ready = hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 1, HANGAR_TEST_BOOT_TIMEOUT_S);

  hangar_vm_creator_keep_async (creator, 1, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_vm_creator_keep_finish (creator, hangar_test_await (), &error));
  g_assert_no_error (error);

  hangar_test_guest_run (guest, "poweroff -f");
  hangar_test_assert_eventually (domain_shut_off, (gpointer) "kept-live", 60, "the guest to power off");
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

  g_test_add_func ("/hangar/creator/unit/normalize-names", test_normalize_names);
  g_test_add_func ("/hangar/creator/unit/pick-names", test_pick_names);
  g_test_add_func ("/hangar/creator/unit/steps", test_steps);

  g_test_add_func ("/hangar/creator/libvirt/define-only", test_create_define_only);
  g_test_add_func ("/hangar/creator/libvirt/name-taken-by-transient", test_name_taken_by_transient);
  g_test_add_func ("/hangar/creator/libvirt/hostile-names", test_hostile_names);
  g_test_add_func ("/hangar/creator/libvirt/no-space", test_no_space);
  g_test_add_data_func ("/hangar/creator/libvirt/rollback-pool",
                        GINT_TO_POINTER (HANGAR_VM_CREATOR_STEP_POOL), test_rollback_at);
  g_test_add_data_func ("/hangar/creator/libvirt/rollback-volume",
                        GINT_TO_POINTER (HANGAR_VM_CREATOR_STEP_VOLUME), test_rollback_at);
  g_test_add_data_func ("/hangar/creator/libvirt/rollback-config",
                        GINT_TO_POINTER (HANGAR_VM_CREATOR_STEP_CONFIG), test_rollback_at);
  g_test_add_data_func ("/hangar/creator/libvirt/rollback-define",
                        GINT_TO_POINTER (HANGAR_VM_CREATOR_STEP_DEFINE), test_rollback_at);
  g_test_add_data_func ("/hangar/creator/libvirt/rollback-start",
                        GINT_TO_POINTER (HANGAR_VM_CREATOR_STEP_START), test_rollback_at);
  g_test_add_func ("/hangar/creator/libvirt/rollback-cancel", test_rollback_cancel);
  g_test_add_func ("/hangar/creator/libvirt/rollback-real-start-failure",
                   test_rollback_real_start_failure);
  g_test_add_func ("/hangar/creator/libvirt/try-needs-no-disk", test_try_needs_no_disk);
  g_test_add_func ("/hangar/creator/libvirt/try-rollback", test_try_rollback);
  g_test_add_func ("/hangar/creator/libvirt/try-then-keep", test_try_then_keep);
  g_test_add_func ("/hangar/creator/libvirt/ctl-failures", test_ctl_failures);
  g_test_add_func ("/hangar/creator/libvirt/ctl-define-only", test_ctl_define_only);
  g_test_add_func ("/hangar/creator/libvirt/ctl-identified", test_ctl_identified);

  g_test_add_func ("/hangar/creator/e2e/ctl-create", test_e2e_ctl_create);
  g_test_add_func ("/hangar/creator/e2e/ctl-try", test_e2e_ctl_try);
  g_test_add_data_func ("/hangar/creator/e2e/install-reboot", "reboot -f", test_e2e_install_end);
  g_test_add_data_func ("/hangar/creator/e2e/install-poweroff", "poweroff -f", test_e2e_install_end);
  g_test_add_func ("/hangar/creator/e2e/keep-live-run", test_e2e_keep_live_run);

  return g_test_run ();
}
