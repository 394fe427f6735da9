/* test-vm-settings.c
 *
 * A new machine's defaults, with no I/O: the figures a profile gets on a
 * host, the default name, and the limits a host sets on a user's choices.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hangar-vm-settings.h"

#define GIB (G_GUINT64_CONSTANT (1) << 30)

typedef struct
{
  const char      *name;
  /* host; ram 0 = NULL host */
  guint64          host_ram_mib;
  guint            host_cpus;
  guint64          host_free_gib;
  gboolean         kvm;
  gboolean         force_emulation;
  /* profile */
  const char      *arch;
  guint64          ram_mib;
  guint64          min_ram_mib;
  guint            vcpus;
  guint64          disk_gib;
  gboolean         uefi;
  gboolean         win11;
  /* expected */
  guint64          memory_mib;
  guint            want_vcpus;
  guint64          want_disk_gib;
  HangarFirmware   firmware;
  HangarDomainType domain_type;
} SettingsCase;

static const SettingsCase settings_cases[] = {
  { "roomy host, Fedora's figures", 32768, 16, 1000, TRUE, FALSE,
    "x86_64", 2048, 1024, 1, 20, FALSE, FALSE,
    2048, 2, 20, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_KVM },
  { "emulation forced by the setting", 32768, 16, 1000, TRUE, TRUE,
    "x86_64", 2048, 1024, 1, 20, FALSE, FALSE,
    2048, 2, 20, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU },
  { "no KVM on the host", 32768, 16, 1000, FALSE, FALSE,
    "x86_64", 2048, 1024, 1, 20, FALSE, FALSE,
    2048, 2, 20, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU },
  { "small host caps memory at half, CPUs and disk at what it has", 2048, 1, 5, FALSE, FALSE,
    "x86_64", 4096, 2048, 2, 25, FALSE, FALSE,
    1024, 1, 3, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU },
  { "half rounds down to 128 MiB", 24105, 2, 100, TRUE, FALSE,
    "x86_64", 16384, 8192, 4, 40, FALSE, FALSE,
    12032, 2, 40, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_KVM },
  { "Windows 11 keeps its minimum on a 6 GiB host", 6144, 4, 200, TRUE, FALSE,
    "x86_64", 4096, 4096, 2, 64, TRUE, TRUE,
    4096, 2, 64, HANGAR_FIRMWARE_UEFI_SECURE_BOOT, HANGAR_DOMAIN_TYPE_KVM },
  { "Windows 11 on a 4 GiB host cannot have its minimum", 4096, 4, 200, TRUE, FALSE,
    "x86_64", 4096, 4096, 2, 64, TRUE, TRUE,
    2048, 2, 64, HANGAR_FIRMWARE_UEFI_SECURE_BOOT, HANGAR_DOMAIN_TYPE_KVM },
  { "UEFI-only OS", 16384, 8, 500, TRUE, FALSE,
    "x86_64", 2048, 1024, 2, 20, TRUE, FALSE,
    2048, 2, 20, HANGAR_FIRMWARE_UEFI, HANGAR_DOMAIN_TYPE_KVM },
  { "profile without figures takes the generic ones", 16384, 8, 500, TRUE, FALSE,
    "x86_64", 0, 0, 0, 0, FALSE, FALSE,
    2048, 2, 20, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_KVM },
  { "full disk still gives a 1 GiB disk", 16384, 8, 1, TRUE, FALSE,
    "x86_64", 2048, 1024, 1, 20, FALSE, FALSE,
    2048, 2, 1, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_KVM },
  { "32-bit x86 runs under KVM on x86_64", 16384, 8, 500, TRUE, FALSE,
    "i686", 1024, 512, 1, 10, FALSE, FALSE,
    1024, 2, 10, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_KVM },
  { "aarch64 cannot use x86 KVM", 16384, 8, 500, TRUE, FALSE,
    "aarch64", 2048, 1024, 1, 20, FALSE, FALSE,
    2048, 2, 20, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU },
  { "unknown host: the profile's figures, no KVM", 0, 0, 0, FALSE, FALSE,
    "x86_64", 8192, 4096, 4, 60, FALSE, FALSE,
    8192, 4, 60, HANGAR_FIRMWARE_BIOS, HANGAR_DOMAIN_TYPE_QEMU },
};

static void
test_settings_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings_cases); i++)
    {
      const SettingsCase *c = &settings_cases[i];
      g_autoptr(HangarOsProfile) profile = g_new0 (HangarOsProfile, 1);
      g_autoptr(HangarHostInfo) host = NULL;
      g_autoptr(HangarVmSettings) settings = NULL;

      g_test_message ("%s", c->name);
      profile->short_id = g_strdup ("test");
      profile->name = g_strdup ("Test OS");
      profile->arch = g_strdup (c->arch);
      profile->ram_mib = c->ram_mib;
      profile->min_ram_mib = c->min_ram_mib;
      profile->vcpus = c->vcpus;
      profile->disk_gib = c->disk_gib;
      profile->needs_uefi = c->uefi;
      profile->wants_secure_boot = c->win11;
      profile->needs_tpm = c->win11;

      if (c->host_ram_mib > 0)
        {
          host = hangar_host_info_new ();
          host->ram_mib = c->host_ram_mib;
          host->cpus = c->host_cpus;
          host->free_bytes = c->host_free_gib * GIB;
          host->kvm_usable = c->kvm;
          g_free (host->arch);
          host->arch = g_strdup ("x86_64");
        }

      settings = hangar_vm_settings_new_for (profile, host, c->force_emulation);
      g_assert_cmpuint (settings->memory_mib, ==, c->memory_mib);
      g_assert_cmpuint (settings->vcpus, ==, c->want_vcpus);
      g_assert_cmpuint (settings->disk_gib, ==, c->want_disk_gib);
      g_assert_cmpint (settings->firmware, ==, c->firmware);
      g_assert_cmpint (settings->tpm, ==, c->win11);
      g_assert_cmpint (settings->domain_type, ==, c->domain_type);
      g_assert_cmpstr (settings->arch, ==, c->arch);
      g_assert_cmpstr (settings->name, ==, "Test OS");
      g_assert_null (settings->iso_path);
      g_assert_null (settings->disk_path);
    }
}

static const struct
{
  const char *what;
  /* profile: NULL short id = the generic one */
  const char *short_id;
  const char *name;
  gboolean    guessed;
  const char *guessed_name;
  const char *path;
  const char *expected;
} name_cases[] = {
  { "identified OS: its name", "fedora37", "Fedora 37", FALSE, NULL, "/isos/Fedora-WS.iso",
    "Fedora 37" },
  { "identified OS wins over the file name", "fedora37", "Fedora 37", FALSE, "Fedora 41",
    "/isos/x.iso", "Fedora 37" },
  { "newer than the database: the guessed name", "fedora37", "Fedora 37", TRUE, "Fedora 41",
    "/isos/f41.iso", "Fedora 41" },
  { "unknown medium: the file name without its extension", NULL, NULL, FALSE, NULL,
    "/home/me/Downloads/my-distro-1.2.iso", "my-distro-1.2" },
  { "a dot file keeps its dot", NULL, NULL, FALSE, NULL, "/isos/.hidden", ".hidden" },
  { "no extension", NULL, NULL, FALSE, NULL, "/isos/medium", "medium" },
  { "guessed profile without a guessed name: the file name", "fedora37", "Fedora 37", TRUE, NULL,
    "/isos/weird.iso", "weird" },
  { "an empty guessed name does not count", NULL, NULL, FALSE, "", "/isos/a.b.iso", "a.b" },
  { "nothing known", NULL, NULL, FALSE, NULL, NULL, "New Machine" },
  { "the root directory is no name", NULL, NULL, FALSE, NULL, "/", "New Machine" },
};

static void
test_default_name (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      g_autoptr(HangarOsProfile) profile = hangar_os_profile_new_generic ();
      g_autofree char *name = NULL;

      g_test_message ("%s", name_cases[i].what);
      if (name_cases[i].short_id != NULL)
        {
          g_free (profile->short_id);
          profile->short_id = g_strdup (name_cases[i].short_id);
          g_free (profile->name);
          profile->name = g_strdup (name_cases[i].name);
          profile->guessed = name_cases[i].guessed;
        }
      name = hangar_vm_settings_default_name (profile, name_cases[i].guessed_name,
                                              name_cases[i].path);
      g_assert_cmpstr (name, ==, name_cases[i].expected);
    }
}

/* A file name that is not UTF-8 still gives a valid UTF-8 machine name. */
static void
test_default_name_not_utf8 (void)
{
  g_autoptr(HangarOsProfile) profile = hangar_os_profile_new_generic ();
  g_autofree char *name = hangar_vm_settings_default_name (profile, NULL, "/isos/caf\xe9.iso");

  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_true (g_str_has_prefix (name, "caf"));
}

static void
test_limits (void)
{
  g_autoptr(HangarHostInfo) host = hangar_host_info_new ();
  HangarVmLimits limits;

  /* Unknown host: the smallest sensible upper bounds. */
  hangar_vm_settings_get_limits (NULL, &limits);
  g_assert_cmpuint (limits.max_memory_mib, ==, 256);
  g_assert_cmpuint (limits.max_vcpus, ==, 1);
  g_assert_cmpuint (limits.max_disk_gib, ==, 1);

  host->ram_mib = 16384;
  host->cpus = 8;
  host->free_bytes = 120 * GIB + 5;
  hangar_vm_settings_get_limits (host, &limits);
  g_assert_cmpuint (limits.max_memory_mib, ==, 16384);
  g_assert_cmpuint (limits.max_vcpus, ==, 8);
  g_assert_cmpuint (limits.max_disk_gib, ==, 120);

  /* A full disk still allows the 1 GiB the defaults give. */
  host->free_bytes = 0;
  hangar_vm_settings_get_limits (host, &limits);
  g_assert_cmpuint (limits.max_disk_gib, ==, 1);
}

static void
test_copy (void)
{
  g_autoptr(HangarVmSettings) settings = hangar_vm_settings_new ();
  g_autoptr(HangarVmSettings) copy = NULL;

  settings->name = g_strdup ("A");
  settings->iso_path = g_strdup ("/a.iso");
  settings->firmware = HANGAR_FIRMWARE_UEFI;
  copy = hangar_vm_settings_copy (settings);
  g_assert_cmpstr (copy->name, ==, "A");
  g_assert_true (copy->name != settings->name);
  g_assert_cmpstr (copy->iso_path, ==, "/a.iso");
  g_assert_cmpstr (copy->arch, ==, "x86_64");
  g_assert_cmpint (copy->firmware, ==, HANGAR_FIRMWARE_UEFI);
  g_assert_cmpstr (hangar_firmware_to_string (copy->firmware), ==, "uefi");
  g_assert_cmpstr (hangar_domain_type_to_string (copy->domain_type), ==, "qemu");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/vm-settings/defaults-table", test_settings_table);
  g_test_add_func ("/hangar/vm-settings/default-name", test_default_name);
  g_test_add_func ("/hangar/vm-settings/default-name-not-utf8", test_default_name_not_utf8);
  g_test_add_func ("/hangar/vm-settings/limits", test_limits);
  g_test_add_func ("/hangar/vm-settings/copy", test_copy);

  return g_test_run ();
}
