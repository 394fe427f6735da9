/* test-vm-config-define.c
 *
 * libvirt 9.0 accepts every machine the domain builder describes: each case
 * of vm-config-cases.c (the same XML the golden files hold) is defined in an
 * isolated session daemon, read back, prepared as far as QEMU's command line
 * (firmware and TPM resolved), and undefined. Nothing is started.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libvirt-gobject/libvirt-gobject.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-connection.h"
#include "hangar-libvirt.h"
#include "hangar-test-utils.h"
#include "hangar-vm-config.h"
#include "vm-config-cases.h"

static GVirConnection *connection;
static gboolean kvm_available;

static GVirConfigDomain *
build (const VmConfigCase *c)
{
  g_autoptr(HangarOsProfile) profile = vm_config_case_profile (c);
  g_autoptr(HangarVmSettings) settings = vm_config_case_settings (c);
  g_autoptr(GError) error = NULL;
  GVirConfigDomain *domain = hangar_vm_config_build (profile, settings, &error);

  g_assert_no_error (error);
  return domain;
}

/* What QEMU would be started with, without starting it. libvirt turns every
 * interface into a tap device for this, which a session cannot open: the
 * network card is left out, the rest (firmware, TPM) is resolved. The XML is
 * edited as text: libvirt-gconfig 4.0 drops devices it has no class for
 * (rng, tpm) when it lists them. NULL with @message set when libvirt refuses. */
static char *
try_qemu_command_line (GVirConfigDomain  *config,
                       char             **message)
{
  g_autoptr(GRegex) interface = g_regex_new ("<interface .*?</interface>", G_REGEX_DOTALL, 0, NULL);
  g_autofree char *xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
  g_autofree char *without = g_regex_replace_literal (interface, xml, -1, 0, "", 0, NULL);
  virConnectPtr handle = NULL;
  char *argv;

  g_assert_nonnull (strstr (xml, "<interface type=\"user\">"));
  g_assert_null (strstr (without, "<interface"));
  g_object_get (connection, "handle", &handle, NULL);
  argv = virConnectDomainXMLToNative (handle, "qemu-argv", without, 0);
  if (argv == NULL)
    *message = g_strdup (virGetLastErrorMessage ());
  virConnectClose (handle);
  return argv;
}

static char *
qemu_command_line (GVirConfigDomain *config)
{
  g_autofree char *message = NULL;
  char *argv = try_qemu_command_line (config, &message);

  if (argv == NULL)
    g_error ("libvirt cannot prepare the domain: %s", message);
  return argv;
}

/* Element text with the indentation libvirt re-formats removed. */
static char *
squeeze (const char *xml)
{
  g_autoptr(GRegex) between = g_regex_new (">\\s+<", 0, 0, NULL);

  return g_regex_replace_literal (between, xml, -1, 0, "><", 0, NULL);
}

static void
test_define (gconstpointer data)
{
  const VmConfigCase *c = data;
  GVirConfigDomain *config = build (c);
  g_autoptr(GError) error = NULL;
  g_autofree char *argv = NULL;
  g_autofree char *hangar = NULL;
  g_autofree char *hangar_built = NULL;
  GVirConfigDomain *defined;
  GVirDomain *domain;
  GList *devices;
  gboolean found_listen_none = FALSE;

  if (c->domain_type == HANGAR_DOMAIN_TYPE_KVM && !kvm_available)
    {
      /* This host's libvirt offers no KVM (no /dev/kvm): it refuses any
       * kvm domain before reading the rest. The golden test still checks
       * this one against the schema. */
      g_test_skip ("KVM is not available to this libvirt session");
      g_object_unref (config);
      return;
    }

  hangar_built = gvir_config_domain_get_custom_xml (config, HANGAR_VM_CONFIG_METADATA_NS);
  domain = gvir_connection_create_domain (connection, config, &error);
  g_assert_no_error (error);
  g_object_unref (config);

  defined = gvir_domain_get_config (domain, GVIR_DOMAIN_XML_INACTIVE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_config_domain_get_name (defined), ==, c->name);
  g_assert_nonnull (gvir_config_domain_get_uuid (defined));

  /* libvirt kept the display portless and Hangar's metadata. */
  devices = gvir_config_domain_get_devices (defined);
  for (GList *l = devices; l != NULL; l = l->next)
    if (GVIR_CONFIG_IS_DOMAIN_GRAPHICS_SPICE (l->data))
      {
        g_autofree char *xml = gvir_config_object_to_xml (l->data);

        g_assert_null (strstr (xml, " port="));
        g_assert_null (strstr (xml, "autoport"));
        found_listen_none = strstr (xml, "<listen type=\"none\"/>") != NULL;
      }
  g_list_free_full (devices, g_object_unref);
  g_assert_true (found_listen_none);
  hangar = gvir_config_domain_get_custom_xml (defined, HANGAR_VM_CONFIG_METADATA_NS);
  {
    g_autofree char *kept = squeeze (hangar);
    g_autofree char *built = squeeze (hangar_built);

    g_assert_cmpstr (kept, ==, built);
  }

  argv = qemu_command_line (defined);
  switch (c->firmware)
    {
    case HANGAR_FIRMWARE_BIOS:
      g_assert_null (strstr (argv, "pflash0"));
      break;
    case HANGAR_FIRMWARE_UEFI:
      g_assert_nonnull (strstr (argv, "pflash0"));
      g_assert_null (strstr (argv, "smm=on"));
      break;
    case HANGAR_FIRMWARE_UEFI_SECURE_BOOT:
      g_assert_nonnull (strstr (argv, "pflash0"));
      g_assert_nonnull (strstr (argv, "smm=on"));
      g_assert_nonnull (strstr (argv, "property=secure,value=on"));
      break;
    default:
      g_assert_not_reached ();
    }
  g_assert_cmpint (strstr (argv, "tpm-crb") != NULL, ==, c->tpm);
  /* TCG runs "max"; see hangar-vm-config.c. */
  if (c->domain_type == HANGAR_DOMAIN_TYPE_QEMU)
    g_assert_nonnull (strstr (argv, "-cpu max"));
  g_object_unref (defined);

  gvir_domain_delete (domain, GVIR_DOMAIN_DELETE_REMOVE_NVRAM | VIR_DOMAIN_UNDEFINE_TPM, &error);
  g_assert_no_error (error);
  g_object_unref (domain);
}

/* Why hangar_name_check() refuses a name whose 20th byte falls inside a
 * character: libvirt names a running machine's private directories after
 * the name's first 20 bytes, and the path goes to QEMU in JSON. libvirt 9.0
 * (yajl) cannot write that JSON and fails; libvirt 11 (json-c) writes the
 * cut bytes as they are, and QEMU 10 refuses to start with them: "JSON parse
 * error, invalid UTF-8 sequence in string". When libvirt cuts between
 * characters, the check can go. */
static void
test_libvirt_cuts_names (void)
{
  GVirConfigDomain *config = build (&vm_config_cases[0]);
  g_autofree char *argv = NULL;
  g_autofree char *cut_argv = NULL;
  g_autofree char *message = NULL;

  /* On a character boundary: fine. */
  gvir_config_domain_set_name (config, "Twenty bytes exactly\u00dc\u00dc");
  argv = qemu_command_line (config);
  g_assert_nonnull (strstr (argv, "-Twenty bytes exactly/master-key.aes"));

  /* Inside one, past the builder's check. */
  gvir_config_domain_set_name (config, "Nineteen bytes here\u00dc and more");
  cut_argv = try_qemu_command_line (config, &message);
  if (cut_argv == NULL)
    {
      g_test_message ("libvirt: %s", message);
      g_assert_nonnull (strstr (message, "yajl"));
    }
  else
    {
      const char *key = strstr (cut_argv, "master-key.aes");

      g_assert_nonnull (key);
      g_autofree char *path = g_strndup (key - 40 > cut_argv ? key - 40 : cut_argv, 54);
      g_autofree char *escaped = g_strescape (path, NULL);

      g_test_message ("libvirt: %s", escaped);
      g_assert_false (g_utf8_validate (cut_argv, -1, NULL));
      g_assert_nonnull (strstr (cut_argv, "-Nineteen bytes here\xc3/master-key.aes"));
    }
  g_object_unref (config);
}

static gboolean
session_offers_kvm (void)
{
  virConnectPtr handle = NULL;
  char *caps;
  gboolean offered;

  g_object_get (connection, "handle", &handle, NULL);
  caps = virConnectGetDomainCapabilities (handle, NULL, "x86_64", NULL, "kvm", 0);
  offered = caps != NULL;

  virConnectClose (handle);
  free (caps);
  return offered;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  int status;

  hangar_test_init_libvirt (&argc, &argv);
  uri = hangar_connection_resolve_uri (NULL);
  connection = gvir_connection_new (uri);
  if (!gvir_connection_open (connection, NULL, &error))
    g_error ("Cannot open %s: %s", uri, error->message);
  kvm_available = session_offers_kvm ();

  for (guint i = 0; i < vm_config_n_cases; i++)
    {
      g_autofree char *path = g_strconcat ("/hangar/vm-config/define/", vm_config_cases[i].golden, NULL);

      g_test_add_data_func (path, &vm_config_cases[i], test_define);
    }

  g_test_add_func ("/hangar/vm-config/define/libvirt-cuts-names", test_libvirt_cuts_names);

  status = g_test_run ();
  gvir_connection_close (connection);
  g_clear_object (&connection);
  return status;
}
