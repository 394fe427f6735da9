/* test-vm-settings.c
 *
 * A new machine's defaults, with no I/O: the figures a profile gets on a
 * host, the default name, and the limits a host sets on a user's choices.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

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
  g_assert_cmpuint (limits.min_memory_mib, ==, 64);

  /* A machine type that allows fewer processors than the host has. */
  host->max_guest_vcpus = 4;
  hangar_vm_settings_get_limits (host, &limits);
  g_assert_cmpuint (limits.max_vcpus, ==, 4);
  host->max_guest_vcpus = 255;
  hangar_vm_settings_get_limits (host, &limits);
  g_assert_cmpuint (limits.max_vcpus, ==, 8);
}

/* A host of 23.4 GiB (23962 MiB), 8 processors, 120 GiB free. */
static void
example_limits (HangarVmLimits *limits)
{
  g_autoptr(HangarHostInfo) host = hangar_host_info_new ();

  host->ram_mib = 23962;
  host->cpus = 8;
  host->free_bytes = 120 * GIB;
  hangar_vm_settings_get_limits (host, limits);
}

static const struct
{
  guint64     value;
  gboolean    ok;
  const char *message;
} memory_cases[] = {
  { 0, FALSE, "Memory must be between 64 MiB and 23.4 GiB on this computer, not 0 MiB." },
  { 1, FALSE, "Memory must be between 64 MiB and 23.4 GiB on this computer, not 1 MiB." },
  { 63, FALSE, "Memory must be between 64 MiB and 23.4 GiB on this computer, not 63 MiB." },
  { 64, TRUE, NULL },
  { 2048, TRUE, NULL },
  { 23962, TRUE, NULL },
  { 23963, FALSE, NULL },
  { G_MAXUINT64, FALSE, NULL },
};

static void
test_check_memory (void)
{
  HangarVmLimits limits;

  example_limits (&limits);
  for (guint i = 0; i < G_N_ELEMENTS (memory_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = hangar_vm_limits_check_memory (&limits, memory_cases[i].value, &error);

      g_test_message ("%" G_GUINT64_FORMAT " MiB", memory_cases[i].value);
      g_assert_cmpint (ok, ==, memory_cases[i].ok);
      if (ok)
        {
          g_assert_no_error (error);
          continue;
        }
      g_assert_error (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE);
      g_assert_nonnull (strstr (error->message, "between 64 MiB and 23.4 GiB on this computer"));
      if (memory_cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, memory_cases[i].message);
    }
}

static void
test_check_vcpus (void)
{
  static const struct { guint64 value; gboolean ok; } cases[] = {
    { 0, FALSE }, { 1, TRUE }, { 8, TRUE }, { 9, FALSE }, { G_MAXUINT, FALSE },
    { G_MAXUINT64, FALSE },
  };
  HangarVmLimits limits;

  example_limits (&limits);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = hangar_vm_limits_check_vcpus (&limits, cases[i].value, &error);

      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE);
          g_assert_nonnull (strstr (error->message, "between 1 and 8 processors on this computer"));
        }
    }

  /* One processor: said so. */
  limits.max_vcpus = 1;
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (hangar_vm_limits_check_vcpus (&limits, 2, &error));
    g_assert_cmpstr (error->message, ==,
                     "A machine can have only 1 processor on this computer, not 2.");
  }
}

static void
test_check_disk (void)
{
  static const struct { guint64 value; gboolean ok; } cases[] = {
    { 0, FALSE }, { 1, TRUE }, { 20 * GIB, TRUE }, { 120 * GIB, TRUE }, { 120 * GIB + 1, FALSE },
    { 100 * 1024 * GIB, FALSE }, { G_MAXUINT64, FALSE },
  };
  HangarVmLimits limits;

  example_limits (&limits);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = hangar_vm_limits_check_disk (&limits, cases[i].value, &error);

      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_no_error (error);
      else
        g_assert_error (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (hangar_vm_limits_check_disk (&limits, 100 * 1024 * GIB, &error));
    g_assert_cmpstr (error->message, ==,
                     "A disk can be at most 120 GiB on this computer (the free space where "
                     "Hangar keeps disks), not 100 TiB.");
  }
}

#define MIB (G_GUINT64_CONSTANT (1) << 20)

static const struct
{
  const char *text;
  guint64     default_unit;
  guint64     unit;
  gboolean    ok;
  guint64     value;
  const char *says;     /* a part of the refusal */
} size_cases[] = {
  { "2048", MIB, MIB, TRUE, 2048, NULL },
  { "0", MIB, MIB, TRUE, 0, NULL },          /* a size; the limits refuse it */
  { "2G", MIB, MIB, TRUE, 2048, NULL },
  { "2GiB", MIB, MIB, TRUE, 2048, NULL },
  { "2g", MIB, MIB, TRUE, 2048, NULL },
  { "512M", MIB, MIB, TRUE, 512, NULL },
  { "1T", GIB, GIB, TRUE, 1024, NULL },
  { "20", GIB, GIB, TRUE, 20, NULL },
  { "100T", 1, 1, TRUE, 100 * 1024 * GIB, NULL },
  { "16777215T", 1, 1, TRUE, G_GUINT64_CONSTANT (16777215) << 40, NULL },
  { "16777216T", 1, 1, FALSE, 0, "too large" },
  { "99999999999999999999", MIB, MIB, FALSE, 0, "too large" },
  { "18446744073709551616", 1, 1, FALSE, 0, "too large" },
  { "-1", MIB, MIB, FALSE, 0, "negative" },
  { "-0", MIB, MIB, FALSE, 0, "negative" },
  { "+5", MIB, MIB, FALSE, 0, "not a size" },
  { "", MIB, MIB, FALSE, 0, "not a size" },
  { " 5", MIB, MIB, FALSE, 0, "not a size" },
  { "5 ", MIB, MIB, FALSE, 0, "not a size" },
  { "abc", MIB, MIB, FALSE, 0, "not a size" },
  { "2x", MIB, MIB, FALSE, 0, "not a size" },
  { "2GB", MIB, MIB, FALSE, 0, "not a size" },
  { "2G2", MIB, MIB, FALSE, 0, "not a size" },
  { "1.5G", MIB, MIB, FALSE, 0, "not a size" },
  { "0x10", MIB, MIB, FALSE, 0, "not a size" },
  { "1e3", MIB, MIB, FALSE, 0, "not a size" },
  { "1500K", MIB, MIB, FALSE, 0, "whole number" },
  { "1500M", GIB, GIB, FALSE, 0, "whole number" },
};

static void
test_parse_size (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (size_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 value = 12345;
      gboolean ok = hangar_vm_parse_size (size_cases[i].text, size_cases[i].default_unit,
                                          size_cases[i].unit, &value, &error);

      g_test_message ("“%s”", size_cases[i].text);
      g_assert_cmpint (ok, ==, size_cases[i].ok);
      if (ok)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (value, ==, size_cases[i].value);
        }
      else
        {
          g_assert_error (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_INVALID);
          g_assert_nonnull (strstr (error->message, size_cases[i].says));
          g_assert_cmpuint (value, ==, 12345);
        }
    }
}

static void
test_parse_count (void)
{
  static const struct { const char *text; gboolean ok; guint64 value; } cases[] = {
    { "1", TRUE, 1 }, { "0", TRUE, 0 }, { "64", TRUE, 64 },
    { "18446744073709551615", TRUE, G_MAXUINT64 },
    { "18446744073709551616", FALSE, 0 }, { "99999999999999999999", FALSE, 0 },
    { "-1", FALSE, 0 }, { "", FALSE, 0 }, { "2G", FALSE, 0 }, { "2 ", FALSE, 0 },
    { "two", FALSE, 0 }, { "1.5", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 value = 0;
      gboolean ok = hangar_vm_parse_count (cases[i].text, &value, &error);

      g_test_message ("“%s”", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpuint (value, ==, cases[i].value);
      else
        g_assert_error (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_INVALID);
    }
}

static void
test_format_mib (void)
{
  static const struct { guint64 mib; const char *text; } cases[] = {
    { 64, "64 MiB" }, { 1023, "1023 MiB" }, { 1024, "1 GiB" }, { 2048, "2 GiB" },
    { 23962, "23.4 GiB" }, { 1536, "1.5 GiB" }, { 2047, "1.9 GiB" }, { 1048576, "1 TiB" },
    { 1572864, "1.5 TiB" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = hangar_vm_format_mib (cases[i].mib);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
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
  g_test_add_func ("/hangar/vm-settings/check-memory", test_check_memory);
  g_test_add_func ("/hangar/vm-settings/check-vcpus", test_check_vcpus);
  g_test_add_func ("/hangar/vm-settings/check-disk", test_check_disk);
  g_test_add_func ("/hangar/vm-settings/parse-size", test_parse_size);
  g_test_add_func ("/hangar/vm-settings/parse-count", test_parse_count);
  g_test_add_func ("/hangar/vm-settings/format-mib", test_format_mib);

  return g_test_run ();
}
