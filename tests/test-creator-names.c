/* test-creator-names.c
 *
 * The names the creator gives machines in an isolated session: the wish
 * kept, numbered when taken (by a machine or by a transient domain), and
 * hostile names made readable for libvirt and safe for the disk's file.
 * After every test the session is empty again.
 *   /hangar/creator-names/libvirt/
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>

#include "hangar-machine-name.h"
#include "hangar-test-utils.h"
#include "hangar-vm-creator.h"

static void
test_create_define_only (void)
{
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings ("Fedora 37", 1);
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
  disk = hangar_test_pool_file ("Fedora-37.qcow2");
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
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings ("Taken", 0);
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
  g_autofree char *dir = hangar_test_pool_file (NULL);

  hangar_test_session_setup ();
  for (guint i = 0; i < G_N_ELEMENTS (hostile_names); i++)
    {
      g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings (hostile_names[i], 1);
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

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/creator-names/libvirt/define-only", test_create_define_only);
  g_test_add_func ("/hangar/creator-names/libvirt/name-taken-by-transient",
                   test_name_taken_by_transient);
  g_test_add_func ("/hangar/creator-names/libvirt/hostile-names", test_hostile_names);

  return g_test_run ();
}
