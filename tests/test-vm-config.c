/* test-vm-config.c
 *
 * Unit tests for the pure domain builder: golden XML for every machine in
 * vm-config-cases.c, each validated against libvirt's schema with
 * virt-xml-validate, and the settings it must refuse.
 *
 * Regenerate the golden files after an intended change with
 *   HANGAR_REGENERATE_GOLDEN=1 meson test -C _build vm-config
 * (or test-vm-config --regenerate), then review every changed line.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "hangar-vm-config.h"
#include "hangar-test-utils.h"
#include "vm-config-cases.h"

static gboolean regenerate;

static char *
build_xml (const VmConfigCase *c)
{
  g_autoptr(HangarOsProfile) profile = vm_config_case_profile (c);
  g_autoptr(HangarVmSettings) settings = vm_config_case_settings (c);
  g_autoptr(GError) error = NULL;
  GVirConfigDomain *domain;
  char *xml;
  char *with_newline;

  domain = hangar_vm_config_build (profile, settings, &error);
  g_assert_no_error (error);
  g_assert_true (GVIR_CONFIG_IS_DOMAIN (domain));
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  g_assert_finalize_object (domain);

  with_newline = g_strconcat (xml, "\n", NULL);
  g_free (xml);
  return with_newline;
}

/* libvirt's own schema, as virt-xml-validate (libvirt-clients) checks it. */
static void
assert_valid (const char *xml,
              const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int fd, status;

  fd = g_file_open_tmp ("hangar-vm-config-XXXXXX.xml", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, xml, -1, &error);
  g_assert_no_error (error);

  g_spawn_sync (NULL, (char *[]) { (char *) "virt-xml-validate", path, (char *) "domain", NULL },
                NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("virt-xml-validate rejects %s:\n%s%s", what, out, err);
  g_unlink (path);
}

static void
save_artifact (const char *name,
               const char *contents)
{
  const char *artifacts = g_getenv ("HANGAR_ARTIFACTS_DIR");
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (artifacts == NULL)
    return;
  dir = g_build_filename (artifacts, "vm-config", NULL);
  path = g_build_filename (dir, name, NULL);
  g_mkdir_with_parents (dir, 0755);
  if (g_file_set_contents (path, contents, -1, NULL))
    g_test_message ("Actual XML saved as %s", path);
}

static void
assert_same_as_golden (const char *golden,
                       const char *actual)
{
  g_autofree char *name = g_strconcat (golden, ".xml", NULL);
  g_autofree char *path = g_build_filename (HANGAR_GOLDEN_DIR, name, NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) expected_lines = NULL;
  g_auto(GStrv) actual_lines = NULL;

  if (regenerate)
    {
      g_file_set_contents (path, actual, -1, &error);
      g_assert_no_error (error);
      g_test_message ("Wrote %s", path);
      return;
    }

  if (!g_file_get_contents (path, &expected, NULL, &error))
    g_error ("No golden file for %s (%s): run with HANGAR_REGENERATE_GOLDEN=1 and review it",
             golden, error->message);
  if (g_str_equal (expected, actual))
    return;

  save_artifact (name, actual);
  expected_lines = g_strsplit (expected, "\n", -1);
  actual_lines = g_strsplit (actual, "\n", -1);
  for (guint i = 0; expected_lines[i] != NULL || actual_lines[i] != NULL; i++)
    if (g_strcmp0 (expected_lines[i], actual_lines[i]) != 0)
      g_error ("%s differs from its golden file at line %u:\n  golden: %s\n  built:  %s",
               golden, i + 1,
               expected_lines[i] != NULL ? expected_lines[i] : "(end)",
               actual_lines[i] != NULL ? actual_lines[i] : "(end)");
  g_assert_not_reached ();
}

static void
test_golden (gconstpointer data)
{
  const VmConfigCase *c = data;
  g_autofree char *xml = build_xml (c);
  g_autofree char *again = build_xml (c);
  gboolean installing = strstr (xml, "<hangar:installing>true</hangar:installing>") != NULL;

  /* Pure: the same input, the same bytes. */
  g_assert_cmpstr (xml, ==, again);

  /* libvirt assigns these at define time. */
  g_assert_null (strstr (xml, "<uuid"));
  g_assert_null (strstr (xml, "<mac "));
  /* Never a TCP port for the display. */
  g_assert_nonnull (strstr (xml, "<graphics type=\"spice\">\n      <listen type=\"none\"/>"));
  g_assert_null (strstr (xml, " port="));
  g_assert_null (strstr (xml, "tlsPort="));
  g_assert_null (strstr (xml, "autoport"));
  /* A reboot restarts every machine, an installing one too: nothing may
   * depend on a Hangar process to start it again. */
  g_assert_nonnull (strstr (xml, "<on_reboot>restart</on_reboot>"));
  /* A disk boots before the installer's medium: the blank disk lets the
   * installer start, the installed system comes up after its reboot. */
  if (installing)
    g_assert_nonnull (strstr (xml, "<boot dev=\"hd\"/>\n    <boot dev=\"cdrom\"/>"));

  assert_valid (xml, c->golden);
  assert_same_as_golden (c->golden, xml);
}

typedef void (*Mutate) (HangarOsProfile  *profile,
                        HangarVmSettings *settings);

typedef struct
{
  const char          *path;
  Mutate               mutate;
  HangarVmConfigError  code;
  const char          *message_part;   /* shows the right check refused it */
} ErrorCase;

static void
replace (char       **field,
         const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void no_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, NULL); }
static void empty_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, ""); }
static void blank_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, " \t "); }
static void slash_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "../etc/passwd"); }
static void newline_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "two\nlines"); }
static void tab_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "a\tb"); }
static void escape_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "bell\x07"); }
static void del_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "del\x7f"); }
static void line_separator_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "a\u2028b"); }
static void latin1_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "caf\xe9"); }
static void dots_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, ".."); }
static void padded_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, " café "); }

static void
long_name (HangarOsProfile  *p,
           HangarVmSettings *s)
{
  g_free (s->name);
  s->name = g_strnfill (248, 'x');
}

/* 83 three-byte characters: 249 bytes, though only 83 characters. */
static void
long_unicode_name (HangarOsProfile  *p,
                   HangarVmSettings *s)
{
  GString *name = g_string_new (NULL);

  for (guint i = 0; i < 83; i++)
    g_string_append (name, "€");
  g_free (s->name);
  s->name = g_string_free (name, FALSE);
}

/* 19 bytes, then a two-byte character across libvirt's 20-byte cut. */
static void cut_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "Nineteen bytes hereÜ and more"); }
static void cut_emoji_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "Eighteen bytes is 🚀"); }
static void newline_title (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->title, "a\nb"); }
static void no_memory (HangarOsProfile *p, HangarVmSettings *s) { s->memory_mib = 0; }
static void huge_memory (HangarOsProfile *p, HangarVmSettings *s) { s->memory_mib = G_MAXUINT64 / 1024 + 1; }
static void no_vcpus (HangarOsProfile *p, HangarVmSettings *s) { s->vcpus = 0; }
static void disk_without_path (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->disk_path, NULL); }
static void disk_empty_path (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->disk_path, ""); }
static void disk_relative_path (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->disk_path, "images/a.qcow2"); }
static void iso_relative_path (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->iso_path, "Downloads/a.iso"); }
static void iso_latin1_path (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->iso_path, "/tmp/caf\xe9.iso"); }

static void
nothing_to_boot (HangarOsProfile  *p,
                 HangarVmSettings *s)
{
  s->disk_gib = 0;
  replace (&s->disk_path, NULL);
  replace (&s->iso_path, NULL);
}

static void
too_many_disks (HangarOsProfile  *p,
                HangarVmSettings *s)
{
  g_strfreev (s->extra_disks);
  s->extra_disks = g_new0 (char *, 17);
  for (guint i = 0; i < 16; i++)
    s->extra_disks[i] = g_strdup_printf ("/tmp/d%u.qcow2", i);
}

static void
extra_disk_relative (HangarOsProfile  *p,
                     HangarVmSettings *s)
{
  g_strfreev (s->extra_disks);
  s->extra_disks = g_strsplit ("/tmp/a.qcow2,b.qcow2", ",", -1);
}

static void too_many_nics (HangarOsProfile *p, HangarVmSettings *s) { s->extra_nics = 8; }

static void no_arch (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->arch, NULL); }
static void aarch64_guest (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->arch, "aarch64"); }
static void ppc64le_guest (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->arch, "ppc64le"); }
static void aarch64_medium (HangarOsProfile *p, HangarVmSettings *s) { replace (&p->arch, "aarch64"); }

static void
x86_64_medium_on_i686 (HangarOsProfile  *p,
                       HangarVmSettings *s)
{
  replace (&s->arch, "i686");
  s->firmware = HANGAR_FIRMWARE_BIOS;
}

static void
uefi_on_i686 (HangarOsProfile  *p,
              HangarVmSettings *s)
{
  replace (&p->arch, "i686");
  replace (&s->arch, "i686");
  s->firmware = HANGAR_FIRMWARE_UEFI;
}

static void
secure_boot_on_pc (HangarOsProfile  *p,
                   HangarVmSettings *s)
{
  p->q35 = FALSE;
  s->firmware = HANGAR_FIRMWARE_UEFI_SECURE_BOOT;
}

static const ErrorCase error_cases[] = {
  { "no-name", no_name, HANGAR_VM_CONFIG_ERROR_INVALID, "cannot be empty" },
  { "empty-name", empty_name, HANGAR_VM_CONFIG_ERROR_INVALID, "cannot be empty" },
  { "blank-name", blank_name, HANGAR_VM_CONFIG_ERROR_INVALID, "control characters" },  /* a tab */
  { "slash-in-name", slash_name, HANGAR_VM_CONFIG_ERROR_INVALID, "“/”" },
  { "dots-name", dots_name, HANGAR_VM_CONFIG_ERROR_INVALID, "“.” or “..”" },
  { "padded-name", padded_name, HANGAR_VM_CONFIG_ERROR_INVALID, "start or end with a space" },
  { "newline-in-name", newline_name, HANGAR_VM_CONFIG_ERROR_INVALID, "control characters" },
  { "tab-in-name", tab_name, HANGAR_VM_CONFIG_ERROR_INVALID, "control characters" },
  { "bell-in-name", escape_name, HANGAR_VM_CONFIG_ERROR_INVALID, "control characters" },
  { "del-in-name", del_name, HANGAR_VM_CONFIG_ERROR_INVALID, "control characters" },
  { "line-separator-in-name", line_separator_name, HANGAR_VM_CONFIG_ERROR_INVALID, "control characters" },
  { "latin1-name", latin1_name, HANGAR_VM_CONFIG_ERROR_INVALID, "not valid text" },
  { "long-name", long_name, HANGAR_VM_CONFIG_ERROR_INVALID, "longer than 247 bytes" },
  { "long-unicode-name", long_unicode_name, HANGAR_VM_CONFIG_ERROR_INVALID, "longer than 247 bytes" },
  { "name-cut-inside-character", cut_name, HANGAR_VM_CONFIG_ERROR_INVALID, "inside “Ü”" },
  { "name-cut-inside-emoji", cut_emoji_name, HANGAR_VM_CONFIG_ERROR_INVALID, "inside “🚀”" },
  { "newline-in-title", newline_title, HANGAR_VM_CONFIG_ERROR_INVALID, "title" },
  { "no-memory", no_memory, HANGAR_VM_CONFIG_ERROR_INVALID, "memory" },
  { "huge-memory", huge_memory, HANGAR_VM_CONFIG_ERROR_INVALID, "that much memory" },
  { "no-vcpus", no_vcpus, HANGAR_VM_CONFIG_ERROR_INVALID, "processor" },
  { "disk-without-path", disk_without_path, HANGAR_VM_CONFIG_ERROR_INVALID, "disk has no file" },
  { "disk-empty-path", disk_empty_path, HANGAR_VM_CONFIG_ERROR_INVALID, "disk has no file" },
  { "disk-relative-path", disk_relative_path, HANGAR_VM_CONFIG_ERROR_INVALID, "full path" },
  { "iso-relative-path", iso_relative_path, HANGAR_VM_CONFIG_ERROR_INVALID, "full path" },
  { "iso-latin1-path", iso_latin1_path, HANGAR_VM_CONFIG_ERROR_INVALID, "not valid text" },
  { "nothing-to-boot", nothing_to_boot, HANGAR_VM_CONFIG_ERROR_INVALID, "neither a disk nor" },
  { "too-many-disks", too_many_disks, HANGAR_VM_CONFIG_ERROR_INVALID, "more disks" },
  { "extra-disk-relative-path", extra_disk_relative, HANGAR_VM_CONFIG_ERROR_INVALID, "full path" },
  { "too-many-nics", too_many_nics, HANGAR_VM_CONFIG_ERROR_INVALID, "network adapters" },
  { "no-arch", no_arch, HANGAR_VM_CONFIG_ERROR_ARCH, "cannot run unknown machines" },
  { "aarch64-guest", aarch64_guest, HANGAR_VM_CONFIG_ERROR_ARCH, "cannot run aarch64 machines" },
  { "ppc64le-guest", ppc64le_guest, HANGAR_VM_CONFIG_ERROR_ARCH, "cannot run ppc64le machines" },
  { "aarch64-medium", aarch64_medium, HANGAR_VM_CONFIG_ERROR_ARCH, "for aarch64 computers" },
  { "x86_64-medium-on-i686", x86_64_medium_on_i686, HANGAR_VM_CONFIG_ERROR_ARCH, "64-bit" },
  { "uefi-on-i686", uefi_on_i686, HANGAR_VM_CONFIG_ERROR_INVALID, "UEFI" },
  { "secure-boot-on-pc", secure_boot_on_pc, HANGAR_VM_CONFIG_ERROR_INVALID, "Secure Boot" },
};

static void
test_error (gconstpointer data)
{
  const ErrorCase *e = data;
  g_autoptr(HangarOsProfile) profile = vm_config_case_profile (&vm_config_cases[0]);
  g_autoptr(HangarVmSettings) settings = vm_config_case_settings (&vm_config_cases[0]);
  g_autoptr(GError) error = NULL;
  GVirConfigDomain *domain;

  e->mutate (profile, settings);
  domain = hangar_vm_config_build (profile, settings, &error);
  g_assert_null (domain);
  g_assert_error (error, HANGAR_VM_CONFIG_ERROR, (int) e->code);
  if (strstr (error->message, e->message_part) == NULL)
    g_error ("“%s” does not say “%s”", error->message, e->message_part);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* Settings near the limits that must still make a machine. */
static void name_247_bytes (HangarOsProfile *p, HangarVmSettings *s) { g_free (s->name); s->name = g_strnfill (247, 'y'); }
static void spaces_and_unicode (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "Ma  machine à café ☕"); }
static void cut_between_characters (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "Twenty bytes exactlyÜÜ"); }
static void short_unicode_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "ÜÜÜÜÜÜÜÜÜÜ"); }
static void dots_inside_name (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->name, "a..b"); }
static void i686_medium_on_x86_64 (HangarOsProfile *p, HangarVmSettings *s) { replace (&p->arch, "i686"); }
static void noarch_medium (HangarOsProfile *p, HangarVmSettings *s) { replace (&p->arch, NULL); }
static void empty_title (HangarOsProfile *p, HangarVmSettings *s) { replace (&s->title, ""); }

static const ErrorCase accepted_cases[] = {
  { "name-247-bytes", name_247_bytes },
  { "spaces-and-unicode", spaces_and_unicode },
  { "dots-inside-name", dots_inside_name },
  { "name-cut-between-characters", cut_between_characters },
  { "short-unicode-name", short_unicode_name },
  { "i686-medium-on-x86_64", i686_medium_on_x86_64 },
  { "medium-without-arch", noarch_medium },
  { "empty-title", empty_title },
};

static void
test_accepted (gconstpointer data)
{
  const ErrorCase *e = data;
  g_autoptr(HangarOsProfile) profile = vm_config_case_profile (&vm_config_cases[0]);
  g_autoptr(HangarVmSettings) settings = vm_config_case_settings (&vm_config_cases[0]);
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  GVirConfigDomain *domain;

  e->mutate (profile, settings);
  domain = hangar_vm_config_build (profile, settings, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_config_domain_get_name (domain), ==, settings->name);
  if (settings->title != NULL && *settings->title == '\0')
    g_assert_null (gvir_config_domain_get_title (domain));
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  assert_valid (xml, e->path);
  g_assert_finalize_object (domain);
}

/* What the creator and other tools read back through libvirt-gconfig. */
static void
test_read_back (void)
{
  const VmConfigCase *c = &vm_config_cases[0];
  g_autoptr(HangarOsProfile) profile = vm_config_case_profile (c);
  g_autoptr(HangarVmSettings) settings = vm_config_case_settings (c);
  g_autoptr(GError) error = NULL;
  g_autofree char *hangar = NULL;
  g_autofree char *osinfo = NULL;
  GVirConfigDomain *domain;

  settings->title = g_strdup ("Fedora for testing");
  domain = hangar_vm_config_build (profile, settings, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (gvir_config_domain_get_name (domain), ==, "Fedora Linux 37");
  g_assert_cmpstr (gvir_config_domain_get_title (domain), ==, "Fedora for testing");
  g_assert_cmpuint (gvir_config_domain_get_memory (domain), ==, 2048 * 1024);
  g_assert_cmpuint (gvir_config_domain_get_current_memory (domain), ==, 2048 * 1024);
  g_assert_cmpuint (gvir_config_domain_get_vcpus (domain), ==, 2);
  g_assert_cmpint (gvir_config_domain_get_virt_type (domain), ==, GVIR_CONFIG_DOMAIN_VIRT_QEMU);

  hangar = gvir_config_domain_get_custom_xml (domain, HANGAR_VM_CONFIG_METADATA_NS);
  g_assert_nonnull (strstr (hangar, "short-id=\"fedora37\""));
  g_assert_nonnull (strstr (hangar, ">true</hangar:installing>"));
  osinfo = gvir_config_domain_get_custom_xml (domain, "http://libosinfo.org/xmlns/libvirt/domain/1.0");
  g_assert_nonnull (strstr (osinfo, "<libosinfo:os id=\"http://fedoraproject.org/fedora/37\"/>"));

  g_assert_finalize_object (domain);
}

int
main (int   argc,
      char *argv[])
{
  int kept = 1;

  /* Ours, before GTest sees the arguments. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--regenerate"))
        regenerate = TRUE;
      else
        argv[kept++] = argv[i];
    }
  argc = kept;
  argv[argc] = NULL;
  if (g_strcmp0 (g_getenv ("HANGAR_REGENERATE_GOLDEN"), "1") == 0)
    regenerate = TRUE;

  hangar_test_init (&argc, &argv);

  for (guint i = 0; i < vm_config_n_cases; i++)
    {
      g_autofree char *path = g_strconcat ("/hangar/vm-config/golden/", vm_config_cases[i].golden, NULL);

      g_test_add_data_func (path, &vm_config_cases[i], test_golden);
    }
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/hangar/vm-config/error/", error_cases[i].path, NULL);

      g_test_add_data_func (path, &error_cases[i], test_error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/hangar/vm-config/accepted/", accepted_cases[i].path, NULL);

      g_test_add_data_func (path, &accepted_cases[i], test_accepted);
    }
  g_test_add_func ("/hangar/vm-config/read-back", test_read_back);

  return g_test_run ();
}
