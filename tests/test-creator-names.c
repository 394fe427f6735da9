/* test-creator-names.c
 *
 * The names the creator gives machines in an isolated session: a default
 * Hangar picked, numbered when taken (by a machine or by a transient
 * domain); a name the user gave used exactly or refused with the reason and
 * nothing made, taken ones too; the disk's file safe whatever the name.
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

/* A name the user gave: used exactly, or refused with the reason and nothing
 * made. The disk is a plain file in the pool's directory whatever the name. */
static const struct
{
  const char *name;
  int         error;   /* -1: made with exactly this name */
} given_names[] = {
  { "Fédora ✓ 37", -1 },
  { "日本語", -1 },
  { "$(reboot); `id`", -1 },
  { ".hidden", -1 },
  { "<b>&amp;\"'", -1 },
  { "../../x", HANGAR_MACHINE_NAME_ERROR_SLASH },
  { "/etc/passwd", HANGAR_MACHINE_NAME_ERROR_SLASH },
  { "..", HANGAR_MACHINE_NAME_ERROR_DOTS },
  { "a\nb", HANGAR_MACHINE_NAME_ERROR_INVISIBLE },
  { "a\u202Egnp.exe", HANGAR_MACHINE_NAME_ERROR_INVISIBLE },
  { " padded ", HANGAR_MACHINE_NAME_ERROR_SPACE_AT_END },
  { "", HANGAR_MACHINE_NAME_ERROR_EMPTY },
};

static void
test_given_names (void)
{
  g_autofree char *dir = hangar_test_pool_file (NULL);

  hangar_test_session_setup ();
  for (guint i = 0; i < G_N_ELEMENTS (given_names); i++)
    {
      g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings (given_names[i].name, 1);
      g_autoptr(HangarVmCreator) creator = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *disk_dir = NULL;
      g_autofree char *base = NULL;
      g_auto(GStrv) before = hangar_test_virsh_lines ("list", "--all", "--name", NULL);
      g_auto(GStrv) after = NULL;
      const char *disk;
      GVirDomain *domain;

      settings->name_given = TRUE;
      creator = hangar_test_new_creator (settings);
      domain = hangar_test_create (creator, FALSE, NULL, &error);
      g_test_message ("“%s” → %s", given_names[i].name,
                      domain != NULL ? gvir_domain_get_name (domain) : error->message);
      if (given_names[i].error >= 0)
        {
          g_autoptr(GError) expected = NULL;

          g_assert_null (domain);
          g_assert_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_NAME);
          /* The rule's own reason, word for word. */
          g_assert_false (hangar_machine_name_check (given_names[i].name, &expected));
          g_assert_error (expected, HANGAR_MACHINE_NAME_ERROR, given_names[i].error);
          g_assert_cmpstr (error->message, ==, expected->message);
          /* Nothing made. */
          after = hangar_test_virsh_lines ("list", "--all", "--name", NULL);
          g_assert_true (g_strv_equal ((const char * const *) before,
                                       (const char * const *) after));
          continue;
        }

      g_assert_no_error (error);
      g_assert_cmpstr (gvir_domain_get_name (domain), ==, given_names[i].name);
      disk = hangar_vm_creator_get_settings (creator)->disk_path;
      disk_dir = g_path_get_dirname (disk);
      g_assert_cmpstr (disk_dir, ==, dir);
      base = g_path_get_basename (disk);
      g_assert_true (hangar_test_is_safe_volume_name (base));
      g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
      g_object_unref (domain);
    }
  hangar_test_clean_session ();
}

/* A name the user gave that a machine has is refused, never numbered; a
 * default Hangar picked is numbered. */
static void
test_given_name_taken (void)
{
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings ("Mine", 1);
  g_autoptr(HangarVmCreator) first = NULL;
  g_autoptr(HangarVmCreator) second = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  GVirDomain *domain;

  hangar_test_session_setup ();
  settings->name_given = TRUE;
  first = hangar_test_new_creator (settings);
  domain = hangar_test_create (first, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (domain);

  before = hangar_test_virsh_lines ("list", "--all", "--name", NULL);
  second = hangar_test_new_creator (settings);
  domain = hangar_test_create (second, FALSE, NULL, &error);
  g_assert_null (domain);
  g_assert_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_NAME);
  g_assert_cmpstr (error->message, ==, "A machine named “Mine” already exists.");
  after = hangar_test_virsh_lines ("list", "--all", "--name", NULL);
  g_assert_true (g_strv_equal ((const char * const *) before, (const char * const *) after));
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
  g_test_add_func ("/hangar/creator-names/libvirt/given-names", test_given_names);
  g_test_add_func ("/hangar/creator-names/libvirt/given-name-taken", test_given_name_taken);

  return g_test_run ();
}
