/* test-appliance.c
 *
 * OVA/OVF appliances: a VirtualBox-style description read into the machine
 * it describes (disks in order, adapters, EFI, OS, units) with its review
 * notes; VMware's firmware key; hostile input (path traversal in the archive
 * and in references, entities, malformed XML, impossible sizes, a manifest
 * that does not match) refused. Then in a session, an appliance built here
 * with qemu-img and tar imported by hangarctl as one machine.
 *   /hangar/appliance/unit/     no daemon
 *   /hangar/appliance/libvirt/  an isolated session
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "hangar-appliance.h"
#include "hangar-appliance-private.h"
#include "hangar-import.h"
#include "hangar-os-db.h"
#include "hangar-os-profile.h"
#include "hangar-storage-pool.h"
#include "hangar-test-utils.h"

#define MIB (G_GUINT64_CONSTANT (1024) * 1024)

static HangarAppliance *
parse (const char  *text,
       GError     **error)
{
  return hangar_appliance_parse_ovf (text, strlen (text), error);
}

static gboolean
notes_hold (HangarAppliance *appliance,
            const char      *part)
{
  for (guint i = 0; i < appliance->notes->len; i++)
    if (strstr (g_ptr_array_index (appliance->notes, i), part) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_parse_virtualbox (void)
{
  g_autofree char *text = hangar_test_vbox_ovf ("disk2.vmdk", "disk1.vmdk");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarAppliance) appliance = parse (text, &error);
  HangarApplianceDisk *disk;

  g_assert_no_error (error);
  g_assert_cmpstr (appliance->name, ==, "Appliance Test");
  g_assert_cmpstr (appliance->description, ==, "Built by a test");
  g_assert_cmpuint (appliance->vcpus, ==, 1);
  g_assert_cmpuint (appliance->memory_mib, ==, 768);
  g_assert_true (appliance->firmware_declared);
  g_assert_cmpint (appliance->firmware, ==, HANGAR_FIRMWARE_UEFI);
  g_assert_cmpstr (appliance->os_type, ==, "Debian12_64");
  g_assert_cmpstr (appliance->os_id, ==, "debian12");

  /* In the order of their addresses on the controller, not the description's. */
  g_assert_cmpuint (appliance->disks->len, ==, 2);
  disk = g_ptr_array_index (appliance->disks, 0);
  g_assert_cmpstr (disk->href, ==, "disk1.vmdk");
  g_assert_cmpuint (disk->capacity, ==, 64 * MIB);
  g_assert_cmpstr (disk->controller, ==, "SATA");
  disk = g_ptr_array_index (appliance->disks, 1);
  g_assert_cmpstr (disk->href, ==, "disk2.vmdk");
  g_assert_cmpuint (disk->capacity, ==, 32 * MIB);

  /* Both adapters kept as user-mode networking; the host-only one said so. */
  g_assert_cmpuint (appliance->nics, ==, 2);
  g_assert_true (notes_hold (appliance, "Network adapter 2 (HostOnly) becomes user-mode"));
  g_assert_false (notes_hold (appliance, "Network adapter 1"));
  g_assert_true (notes_hold (appliance, "USB controller is not imported"));
  g_assert_true (notes_hold (appliance, "sound card is ignored"));
  g_assert_cmpuint (appliance->notes->len, ==, 3);
}

static void
test_parse_vmware (void)
{
  static const char ovf2[] =
    "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/2\""
    " xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/2\""
    " xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\""
    " xmlns:vmw=\"http://www.vmware.com/schema/ovf\">"
    "<References><File ovf:id=\"f\" ovf:href=\"sub/only.vmdk\"/></References>"
    "<DiskSection><Disk ovf:capacity=\"2\" ovf:capacityAllocationUnits=\"byte * 2^30\""
    " ovf:diskId=\"d\" ovf:fileRef=\"f\"/></DiskSection>"
    "<VirtualSystem ovf:id=\"vm\"><Name>VMware machine</Name>"
    "<OperatingSystemSection ovf:id=\"105\"/>"
    "<VirtualHardwareSection>"
    "<Item><rasd:AllocationUnits>byte * 2^30</rasd:AllocationUnits><rasd:InstanceID>1</rasd:InstanceID>"
    "<rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>3</rasd:VirtualQuantity></Item>"
    "<Item><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType>"
    "<rasd:VirtualQuantity>4</rasd:VirtualQuantity></Item>"
    "<Item><rasd:HostResource>ovf:/disk/d</rasd:HostResource><rasd:InstanceID>3</rasd:InstanceID>"
    "<rasd:ResourceType>17</rasd:ResourceType></Item>"
    "<Item><rasd:Connection>VM Network</rasd:Connection><rasd:InstanceID>4</rasd:InstanceID>"
    "<rasd:ResourceType>10</rasd:ResourceType></Item>"
    "<Item><rasd:InstanceID>5</rasd:InstanceID><rasd:ResourceType>15</rasd:ResourceType></Item>"
    "<vmw:Config ovf:required=\"false\" vmw:key=\"firmware\" vmw:value=\"efi\"/>"
    "</VirtualHardwareSection></VirtualSystem></Envelope>";
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarAppliance) appliance = parse (ovf2, &error);
  HangarApplianceDisk *disk;

  g_assert_no_error (error);
  g_assert_cmpstr (appliance->name, ==, "VMware machine");
  g_assert_cmpuint (appliance->memory_mib, ==, 3072);
  g_assert_cmpuint (appliance->vcpus, ==, 4);
  g_assert_cmpint (appliance->firmware, ==, HANGAR_FIRMWARE_UEFI);
  g_assert_cmpstr (appliance->os_id, ==, "win7");
  disk = g_ptr_array_index (appliance->disks, 0);
  g_assert_cmpstr (disk->href, ==, "sub/only.vmdk");
  g_assert_cmpuint (disk->capacity, ==, 2048 * MIB);
  g_assert_true (notes_hold (appliance, "(VM Network) becomes user-mode"));
  g_assert_true (notes_hold (appliance, "CD/DVD drive is not imported"));
}

/* What VirtualBox 6/7 and VMware Workstation/ESXi exports write for common
 * OSes, and the osinfo id each becomes; an unversioned family is the generic
 * recent Linux, never a guessed version. */
static const struct
{
  const char *vbox;
  const char *vmware;
  guint       cim;
  const char *os_id;
} os_cases[] = {
  { "Windows10_64", NULL, 120, "win10" },
  { "Windows11_64", NULL, 1, "win11" },
  { NULL, "windows9_64Guest", 120, "win10" },
  { NULL, "windows11_64Guest", 1, "win11" },
  { NULL, NULL, 119, "win10" },
  { NULL, NULL, 117, "win8.1" },
  { "Ubuntu_64", NULL, 94, "linux2022" },
  { "Ubuntu22_LTS_64", NULL, 94, "ubuntu22.04" },
  { NULL, "ubuntu64Guest", 94, "linux2022" },
  { NULL, NULL, 94, "linux2022" },
  { "Debian_64", NULL, 96, "linux2022" },
  { "Debian11_64", NULL, 96, "debian11" },
  { NULL, "debian12_64Guest", 96, "debian12" },
  { "Fedora_64", NULL, 101, "linux2022" },
  { NULL, "fedora64Guest", 101, "linux2022" },
  { "RedHat_64", NULL, 80, "linux2022" },
  { "RedHat9_64", NULL, 80, "rhel9.0" },
  { NULL, "rhel8_64Guest", 80, "rhel8.0" },
  { "Linux_64", NULL, 101, "linux2022" },
  { NULL, "other5xLinux64Guest", 101, "linux2022" },
  { NULL, NULL, 101, "linux2022" },
  { NULL, NULL, 36, "linux2022" },
  /* Unknown names fall through to the code; unknown codes give nothing. */
  { "Haiku_64", NULL, 105, "win7" },
  { NULL, "darwin21_64Guest", 1, NULL },
  { "Other_64", NULL, 102, NULL },
  { NULL, NULL, 0, NULL },
};

/* Ids of releases newer than some osinfo-db a supported system has:
 * Debian 12's (20221130) predates Debian 12 itself. Where the database
 * does not know one, the import says so and gives generic devices
 * (test_ctl_appliance). */
static const char * const newer_than_some_db[] = { "debian12", NULL };

static void
assert_known_to_osinfo (gpointer os_id,
                        gpointer db)
{
  g_autoptr(HangarOsProfile) profile = hangar_os_db_profile_for_id (db, os_id);

  if (profile == NULL && g_strv_contains (newer_than_some_db, os_id))
    {
      g_test_message ("%s: newer than this osinfo-db", (const char *) os_id);
      return;
    }
  g_test_message ("%s", (const char *) os_id);
  g_assert_nonnull (profile);
}

static void
test_os_mapping (void)
{
  HangarOsDb *db = hangar_os_db_get_default ();
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (os_cases); i++)
    {
      g_autofree char *section = NULL;
      g_autofree char *text = NULL;
      g_autoptr(HangarAppliance) appliance = NULL;

      g_test_message ("%s %s %u", os_cases[i].vbox, os_cases[i].vmware, os_cases[i].cim);
      g_assert_cmpstr (hangar_appliance_os_id_for (os_cases[i].vbox, os_cases[i].vmware,
                                                   os_cases[i].cim), ==, os_cases[i].os_id);

      /* The same read from a description, as the exporters write it. */
      section = g_strdup_printf ("<OperatingSystemSection ovf:id=\"%u\"%s%s%s>%s%s%s"
                                 "</OperatingSystemSection>", os_cases[i].cim,
                                 os_cases[i].vmware != NULL ? " vmw:osType=\"" : "",
                                 os_cases[i].vmware != NULL ? os_cases[i].vmware : "",
                                 os_cases[i].vmware != NULL ? "\"" : "",
                                 os_cases[i].vbox != NULL ? "<vbox:OSType ovf:required=\"false\">" : "",
                                 os_cases[i].vbox != NULL ? os_cases[i].vbox : "",
                                 os_cases[i].vbox != NULL ? "</vbox:OSType>" : "");
      text = g_strdup_printf ("<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\""
                              " xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\""
                              " xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\""
                              " xmlns:vbox=\"http://www.virtualbox.org/ovf/machine\""
                              " xmlns:vmw=\"http://www.vmware.com/schema/ovf\">"
                              "<References><File ovf:id=\"f\" ovf:href=\"a.vmdk\"/></References>"
                              "<DiskSection><Disk ovf:capacity=\"1\" ovf:capacityAllocationUnits=\"byte * 2^30\""
                              " ovf:diskId=\"d\" ovf:fileRef=\"f\"/></DiskSection>"
                              "<VirtualSystem ovf:id=\"vm\">%s<VirtualHardwareSection>"
                              "<Item><rasd:HostResource>ovf:/disk/d</rasd:HostResource>"
                              "<rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>17</rasd:ResourceType></Item>"
                              "</VirtualHardwareSection></VirtualSystem></Envelope>", section);
      appliance = parse (text, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (appliance->os_id, ==, os_cases[i].os_id);
    }

  /* Every id the tables give names an OS of the installed database. */
  hangar_os_db_load_async (db, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_os_db_load_finish (db, hangar_test_await (), &error));
  g_assert_no_error (error);
  hangar_test_async_clear ();
  hangar_appliance_os_ids_foreach (assert_known_to_osinfo, db);
}

/* VMware's devices: an NVMe controller's disk, its sound card and VMCI
 * device (both "other"), each said. */
static void
test_parse_vmware_devices (void)
{
  static const char ovf[] =
    "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\""
    " xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\""
    " xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\""
    " xmlns:vmw=\"http://www.vmware.com/schema/ovf\">"
    "<References><File ovf:id=\"f\" ovf:href=\"a.vmdk\"/></References>"
    "<DiskSection><Disk ovf:capacity=\"1\" ovf:capacityAllocationUnits=\"byte * 2^30\""
    " ovf:diskId=\"d\" ovf:fileRef=\"f\"/></DiskSection>"
    "<VirtualSystem ovf:id=\"vm\"><VirtualHardwareSection>"
    "<Item><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>vmware.nvme.controller"
    "</rasd:ResourceSubType><rasd:ResourceType>20</rasd:ResourceType></Item>"
    "<Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:HostResource>ovf:/disk/d"
    "</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent>"
    "<rasd:ResourceType>17</rasd:ResourceType></Item>"
    "<Item><rasd:InstanceID>5</rasd:InstanceID><rasd:ResourceSubType>vmware.soundcard.hdaudio"
    "</rasd:ResourceSubType><rasd:ResourceType>1</rasd:ResourceType></Item>"
    "<Item><rasd:InstanceID>6</rasd:InstanceID><rasd:ResourceSubType>vmware.vmci"
    "</rasd:ResourceSubType><rasd:ResourceType>1</rasd:ResourceType></Item>"
    "</VirtualHardwareSection></VirtualSystem></Envelope>";
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarAppliance) appliance = parse (ovf, &error);
  HangarApplianceDisk *disk;

  g_assert_no_error (error);
  disk = g_ptr_array_index (appliance->disks, 0);
  g_assert_cmpstr (disk->controller, ==, "NVMe");
  g_assert_true (notes_hold (appliance, "sound card is ignored"));
  g_assert_true (notes_hold (appliance, "VMCI device has no counterpart"));
  g_assert_cmpuint (appliance->notes->len, ==, 2);
}

static void
assert_parse_refused (const char *text,
                      int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarAppliance) appliance = parse (text, &error);

  g_assert_null (appliance);
  g_assert_error (error, HANGAR_APPLIANCE_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), >, 20);
}

static void
test_parse_hostile (void)
{
  g_autofree char *traversal = hangar_test_vbox_ovf ("disk2.vmdk", "../../etc/passwd");
  g_autofree char *absolute = hangar_test_vbox_ovf ("/etc/passwd", "disk1.vmdk");
  g_autofree char *url = hangar_test_vbox_ovf ("http://example.com/d.vmdk", "disk1.vmdk");
  g_autofree char *xxe = NULL;
  g_autofree char *huge = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *body = hangar_test_vbox_ovf ("disk2.vmdk", "disk1.vmdk");
  char *root = strstr (body, "<Envelope");

  assert_parse_refused (traversal, HANGAR_APPLIANCE_ERROR_UNSAFE);
  assert_parse_refused (absolute, HANGAR_APPLIANCE_ERROR_UNSAFE);
  assert_parse_refused (url, HANGAR_APPLIANCE_ERROR_UNSAFE);

  /* An external entity: refused with its document type, never read. */
  xxe = g_strconcat ("<?xml version=\"1.0\"?>\n"
                     "<!DOCTYPE Envelope [<!ENTITY leak SYSTEM \"file:///etc/passwd\">]>\n",
                     root, NULL);
  {
    char *annotation = strstr (xxe, "Built by a test");

    memcpy (annotation, "&leak;         ", strlen ("Built by a test"));
  }
  assert_parse_refused (xxe, HANGAR_APPLIANCE_ERROR_UNSAFE);

  assert_parse_refused ("<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\"><Virtual",
                        HANGAR_APPLIANCE_ERROR_INVALID);
  assert_parse_refused ("", HANGAR_APPLIANCE_ERROR_INVALID);
  assert_parse_refused ("<Envelope xmlns=\"urn:not-ovf\"/>", HANGAR_APPLIANCE_ERROR_INVALID);

  huge = g_strdup (body);
  {
    char *capacity = strstr (huge, "ovf:capacity=\"67108864\"");

    memcpy (capacity, "ovf:capacity=\"99999999\"", strlen ("ovf:capacity=\"99999999\""));
  }
  {
    g_autofree char *units = NULL;
    g_auto(GStrv) parts = g_strsplit (huge, "ovf:capacity=\"99999999\"", 2);

    units = g_strjoin ("ovf:capacity=\"99999999\" ovf:capacityAllocationUnits=\"byte * 2^40\"",
                       parts[0], parts[1], NULL);
    assert_parse_refused (units, HANGAR_APPLIANCE_ERROR_TOO_LARGE);
  }
  {
    g_auto(GStrv) parts = g_strsplit (body, ">768<", 2);

    memory = g_strjoin (">notanumber<", parts[0], parts[1], NULL);
    assert_parse_refused (memory, HANGAR_APPLIANCE_ERROR_INVALID);
  }
}

/* A ustar archive written here, so that hostile names are possible. */
static void
tar_add (GString    *tar,
         const char *name,
         const char *data,
         gsize       length,
         guint64     declared)
{
  guint8 header[512] = { 0 };
  guint sum = 0;

  g_assert_cmpuint (strlen (name), <, 100);
  memcpy (header, name, strlen (name));
  memcpy (header + 100, "0000600", 7);
  g_snprintf ((char *) header + 124, 12, "%011" G_GINT64_MODIFIER "o", declared);
  memset (header + 148, ' ', 8);
  header[156] = '0';
  memcpy (header + 257, "ustar", 6);
  memcpy (header + 263, "00", 2);
  for (guint i = 0; i < 512; i++)
    sum += header[i];
  g_snprintf ((char *) header + 148, 8, "%06o", sum);
  g_string_append_len (tar, (const char *) header, 512);
  g_string_append_len (tar, data, length);
  if (length % 512 != 0)
    {
      gsize pad = 512 - length % 512;
      g_autofree char *zeros = g_malloc0 (pad);

      g_string_append_len (tar, zeros, pad);
    }
}

static char *
write_tar (const char *name,
           GString    *tar)
{
  char *path = hangar_test_work_file (name);
  char end[1024] = { 0 };

  g_string_append_len (tar, end, sizeof end);
  g_assert_true (g_file_set_contents (path, tar->str, tar->len, NULL));
  return path;
}

static void
assert_open_refused (const char *path,
                     int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarAppliance) appliance = hangar_appliance_open (path, NULL, &error);

  g_assert_null (appliance);
  g_assert_error (error, HANGAR_APPLIANCE_ERROR, code);
}

static void
test_archive (void)
{
  g_autofree char *ovf = hangar_test_vbox_ovf ("disk2.vmdk", "disk1.vmdk");
  g_autofree char *ovf_sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, ovf, -1);
  g_autofree char *d1_sum = g_compute_checksum_for_string (G_CHECKSUM_SHA1, "one", -1);
  g_autofree char *d2_sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "two", -1);
  g_autofree char *mf = g_strdup_printf ("SHA256(a.ovf)= %s\nSHA1(disk1.vmdk)= %s\n"
                                         "SHA256(disk2.vmdk)= %s\n", ovf_sum, d1_sum, d2_sum);
  g_autofree char *bad_mf = g_strdup_printf ("SHA256(a.ovf)= %s\nSHA1(disk1.vmdk)= %s\n"
                                             "SHA256(disk2.vmdk)= %s\n", ovf_sum, d1_sum,
                                             ovf_sum);
  g_autoptr(GString) good = g_string_new (NULL);
  g_autoptr(GString) bad = g_string_new (NULL);
  g_autoptr(GString) evil = g_string_new (NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GString) liar = g_string_new (NULL);
  g_autofree char *good_path = NULL;
  g_autofree char *bad_path = NULL;
  g_autofree char *evil_path = NULL;
  g_autofree char *missing_path = NULL;
  g_autofree char *liar_path = NULL;
  g_autofree char *source = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarAppliance) appliance = NULL;
  HangarApplianceDisk *disk;

  tar_add (good, "a.ovf", ovf, strlen (ovf), strlen (ovf));
  tar_add (good, "a.mf", mf, strlen (mf), strlen (mf));
  tar_add (good, "disk1.vmdk", "one", 3, 3);
  tar_add (good, "disk2.vmdk", "two", 3, 3);
  good_path = write_tar ("good.ova", good);
  g_assert_true (hangar_appliance_sniff (good_path));

  /* Each disk found where it lies in the archive; the manifest matches. */
  appliance = hangar_appliance_open (good_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (appliance->ova);
  disk = g_ptr_array_index (appliance->disks, 0);
  g_assert_cmpstr (disk->path, ==, good_path);
  g_assert_cmpuint (disk->offset, ==, 512 * 3 + (strlen (ovf) + 511) / 512 * 512 +
                                      (strlen (mf) + 511) / 512 * 512);
  g_assert_cmpuint (disk->size, ==, 3);
  source = hangar_appliance_disk_source (disk);
  g_assert_true (g_str_has_prefix (source, "json:{\"file\":{\"driver\":\"raw\""));
  g_assert_nonnull (strstr (source, good_path));

  /* A disk changed after the manifest was written: refused. */
  tar_add (bad, "a.ovf", ovf, strlen (ovf), strlen (ovf));
  tar_add (bad, "a.mf", bad_mf, strlen (bad_mf), strlen (bad_mf));
  tar_add (bad, "disk1.vmdk", "one", 3, 3);
  tar_add (bad, "disk2.vmdk", "two", 3, 3);
  bad_path = write_tar ("bad.ova", bad);
  assert_open_refused (bad_path, HANGAR_APPLIANCE_ERROR_MANIFEST);

  /* A member that would land outside the folder it is extracted to. */
  tar_add (evil, "a.ovf", ovf, strlen (ovf), strlen (ovf));
  tar_add (evil, "../disk1.vmdk", "one", 3, 3);
  evil_path = write_tar ("evil.ova", evil);
  assert_open_refused (evil_path, HANGAR_APPLIANCE_ERROR_UNSAFE);

  /* A disk the description names but the archive lacks. */
  tar_add (missing, "a.ovf", ovf, strlen (ovf), strlen (ovf));
  tar_add (missing, "disk1.vmdk", "one", 3, 3);
  missing_path = write_tar ("missing.ova", missing);
  assert_open_refused (missing_path, HANGAR_APPLIANCE_ERROR_MISSING);

  /* A member declaring more bytes than the archive has. */
  tar_add (liar, "a.ovf", ovf, strlen (ovf), strlen (ovf));
  tar_add (liar, "disk1.vmdk", "one", 3, G_GUINT64_CONSTANT (07777777777));
  liar_path = write_tar ("liar.ova", liar);
  assert_open_refused (liar_path, HANGAR_APPLIANCE_ERROR_TOO_LARGE);
}

/* An .ovf with its files beside it, and an archive whose description
 * comes after another member. */
static void
test_folder_and_order (void)
{
  g_autofree char *ovf = hangar_test_vbox_ovf ("disk2.vmdk", "disk1.vmdk");
  g_autofree char *ovf_sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, ovf, -1);
  g_autofree char *d1_sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "one", -1);
  g_autofree char *d2_sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "two", -1);
  g_autofree char *mf = g_strdup_printf ("SHA256(a.ovf)= %s\nSHA256(disk1.vmdk)= %s\n"
                                         "SHA256(disk2.vmdk)= %s\n", ovf_sum, d1_sum, d2_sum);
  g_autofree char *dir = hangar_test_work_file ("folder");
  g_autofree char *ovf_path = g_build_filename (dir, "a.ovf", NULL);
  g_autofree char *mf_path = g_build_filename (dir, "a.mf", NULL);
  g_autofree char *d1 = g_build_filename (dir, "disk1.vmdk", NULL);
  g_autofree char *d2 = g_build_filename (dir, "disk2.vmdk", NULL);
  g_autoptr(GString) late = g_string_new (NULL);
  g_autofree char *late_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarAppliance) appliance = NULL;
  g_autoptr(HangarImportReview) review = NULL;
  HangarApplianceDisk *disk;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (ovf_path, ovf, -1, NULL));
  g_assert_true (g_file_set_contents (mf_path, mf, -1, NULL));
  g_assert_true (g_file_set_contents (d1, "one", -1, NULL));
  g_assert_true (g_file_set_contents (d2, "two", -1, NULL));
  g_assert_true (hangar_appliance_sniff (ovf_path));

  appliance = hangar_appliance_open (ovf_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (appliance->ova);
  disk = g_ptr_array_index (appliance->disks, 1);
  g_assert_cmpstr (disk->path, ==, d2);
  g_assert_cmpuint (disk->offset, ==, 0);
  g_assert_cmpuint (disk->size, ==, 3);
  g_clear_pointer (&appliance, hangar_appliance_free);

  /* Changed beside its manifest: refused; gone: missing. */
  g_assert_true (g_file_set_contents (d2, "TWO", -1, NULL));
  assert_open_refused (ovf_path, HANGAR_APPLIANCE_ERROR_MANIFEST);
  g_assert_cmpint (g_unlink (d2), ==, 0);
  assert_open_refused (ovf_path, HANGAR_APPLIANCE_ERROR_MISSING);

  /* The manifest first: not sniffed, still an appliance by its name. */
  tar_add (late, "a.mf", mf, strlen (mf), strlen (mf));
  tar_add (late, "a.ovf", ovf, strlen (ovf), strlen (ovf));
  tar_add (late, "disk1.vmdk", "one", 3, 3);
  tar_add (late, "disk2.vmdk", "two", 3, 3);
  late_path = write_tar ("late.ova", late);
  g_assert_false (hangar_appliance_sniff (late_path));
  review = hangar_import_review (late_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (review->appliance);
  g_assert_null (review->disk);
  g_assert_cmpuint (review->appliance->disks->len, ==, 2);
}

static void
test_manifest (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) entries = NULL;

  entries = hangar_appliance_parse_manifest ("SHA1(a.ovf)= 00ff\nSHA256(b c.vmdk) = 11\n\n",
                                             &error);
  g_assert_null (entries);
  g_clear_error (&error);
  entries = hangar_appliance_parse_manifest ("SHA1(a.ovf)= 00ff\r\nSHA256(b c.vmdk)= 11\n",
                                             &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (entries, "a.ovf"), ==, "sha1:00ff");
  g_assert_cmpstr (g_hash_table_lookup (entries, "b c.vmdk"), ==, "sha256:11");
  g_clear_pointer (&entries, g_hash_table_unref);

  g_assert_null (hangar_appliance_parse_manifest ("MD5(a.ovf)= 00\n", &error));
  g_assert_error (error, HANGAR_APPLIANCE_ERROR, HANGAR_APPLIANCE_ERROR_MANIFEST);
  g_clear_error (&error);
  g_assert_null (hangar_appliance_parse_manifest ("SHA1(../a.ovf)= 00\n", &error));
  g_assert_error (error, HANGAR_APPLIANCE_ERROR, HANGAR_APPLIANCE_ERROR_UNSAFE);
}

/* The session: an appliance as VirtualBox exports one. */

/* The shared two-disk appliance, in this test's folder. */
static char *
build_ova (const char *name,
           gboolean    corrupt,
           guint       noise_mib)
{
  return hangar_test_build_ova (hangar_test_work_dir (), name, corrupt, noise_mib);
}

/* A signed appliance: the signature checked over the manifest with the
 * certificate's key, the signer named (a test-made certificate, which no
 * authority here vouches for); a spoiled signature refused like a manifest
 * mismatch; an unsigned one said to be so. The check itself on text. */
static void
test_signature (void)
{
  g_autofree char *ova = hangar_test_build_ova (hangar_test_work_dir (), "sig", FALSE, 0);
  g_autofree char *signed_ova = hangar_test_sign_ova (hangar_test_work_dir (), "sig", FALSE);
  g_autofree char *bad_ova = hangar_test_sign_ova (hangar_test_work_dir (), "sig", TRUE);
  g_autofree char *cert_path = hangar_test_work_file ("sig/a.cert");
  g_autofree char *mf_path = hangar_test_work_file ("sig/a.mf");
  g_autofree char *cert = NULL;
  g_autofree char *mf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *signer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarAppliance) appliance = NULL;
  gsize cert_length, mf_length;
  gboolean trusted = TRUE;

  appliance = hangar_appliance_open (signed_ova, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (appliance->signer, ==, "Hangar Test Signer");
  g_assert_false (appliance->signer_trusted);
  text = hangar_appliance_signature_text (appliance);
  g_assert_cmpstr (text, ==, "Signed by Hangar Test Signer; no authority this computer trusts "
                             "vouches for that name");
  g_clear_pointer (&appliance, hangar_appliance_free);
  g_clear_pointer (&text, g_free);

  g_assert_null (hangar_appliance_open (bad_ova, NULL, &error));
  g_assert_error (error, HANGAR_APPLIANCE_ERROR, HANGAR_APPLIANCE_ERROR_MANIFEST);
  g_assert_nonnull (strstr (error->message, "signature does not match its manifest"));
  g_clear_error (&error);

  appliance = hangar_appliance_open (ova, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (appliance->signer);
  text = hangar_appliance_signature_text (appliance);
  g_assert_cmpstr (text, ==, "Not signed");

  /* a.cert now holds the spoiled signature; sign again for the good one. */
  g_free (hangar_test_sign_ova (hangar_test_work_dir (), "sig", FALSE));
  g_assert_true (g_file_get_contents (cert_path, &cert, &cert_length, NULL));
  g_assert_true (g_file_get_contents (mf_path, &mf, &mf_length, NULL));
  g_assert_true (hangar_appliance_check_signature (cert, cert_length, "a.mf", mf, mf_length,
                                                   &signer, &trusted, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (signer, ==, "Hangar Test Signer");
  g_assert_false (trusted);

  /* One byte of the manifest changed. */
  changed = g_strdup (mf);
  changed[0] = 'X';
  g_assert_false (hangar_appliance_check_signature (cert, cert_length, "a.mf", changed,
                                                    mf_length, &signer, &trusted, &error));
  g_assert_error (error, HANGAR_APPLIANCE_ERROR, HANGAR_APPLIANCE_ERROR_MANIFEST);
  g_clear_error (&error);
  /* A signature over another file than the manifest. */
  g_assert_false (hangar_appliance_check_signature (cert, cert_length, "b.mf", mf, mf_length,
                                                    &signer, &trusted, &error));
  g_assert_error (error, HANGAR_APPLIANCE_ERROR, HANGAR_APPLIANCE_ERROR_MANIFEST);
  g_assert_nonnull (strstr (error->message, "is over “a.mf”, not its manifest “b.mf”"));
  g_clear_error (&error);
  /* No signature line; a signature line and no certificate. */
  g_assert_false (hangar_appliance_check_signature ("just text", 9, "a.mf", mf, mf_length,
                                                    &signer, &trusted, &error));
  g_assert_error (error, HANGAR_APPLIANCE_ERROR, HANGAR_APPLIANCE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hangar_appliance_check_signature ("SHA256(a.mf)= 00ff\n", 19, "a.mf", mf,
                                                    mf_length, &signer, &trusted, &error));
  g_assert_error (error, HANGAR_APPLIANCE_ERROR, HANGAR_APPLIANCE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no certificate"));
}

/* hangarctl, whose stderr is shown when it does not exit with @expected. */
static void
ctl (const char * const  *args,
     int                  expected,
     char               **out,
     char               **err)
{
  g_autofree char *my_err = NULL;
  int status = hangar_test_ctl (args, out, &my_err);

  if (status != expected)
    g_printerr ("hangarctl stderr: %s\n", my_err);
  g_assert_cmpint (status, ==, expected);
  if (err != NULL)
    *err = g_steal_pointer (&my_err);
}

static void
test_ctl_appliance (void)
{
  g_autofree char *ova = build_ova ("appliance", FALSE, 0);
  g_autofree char *bad = build_ova ("tampered", TRUE, 0);
  g_autofree char *ovf = hangar_test_work_file ("appliance/a.ovf");
  g_autofree char *ovf_out = NULL;
  g_autofree char *ovf_xml = NULL;
  g_autofree char *out = NULL, *err = NULL, *dry = NULL, *bad_err = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *disk1 = NULL, *disk2 = NULL, *info2 = NULL;
  const char *at1, *at2, *nic1, *nic2;

  hangar_test_session_setup ();

  /* The review alone: what will be made and what is not kept; nothing made. */
  ctl ((const char *[]) { "import", "--dry-run", ova, NULL }, 0, &dry, &err);
  g_assert_cmpstr (dry, ==, "");
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "Machine: Appliance Test"));
  g_assert_nonnull (strstr (err, "Disk 1: disk1.vmdk (64.0"));
  g_assert_nonnull (strstr (err, "Disk 2: disk2.vmdk (32.0"));
  g_assert_nonnull (strstr (err, "Network adapter 2 (HostOnly) becomes user-mode networking"));
  g_assert_nonnull (strstr (err, "Operating system: debian12"));
  g_assert_nonnull (strstr (err, "Signature: Not signed"));
  hangar_test_assert_session_empty ();
  g_assert_cmpuint (hangar_test_pool_files (), ==, 0);
  g_clear_pointer (&err, g_free);

  /* Signed: the signer named, its signature checked; spoiled: refused. */
  {
    g_autofree char *signed_ova = hangar_test_sign_ova (hangar_test_work_dir (), "appliance", FALSE);
    g_autofree char *bad_ova = hangar_test_sign_ova (hangar_test_work_dir (), "appliance", TRUE);
    g_autofree char *signed_out = NULL;

    ctl ((const char *[]) { "import", "--dry-run", signed_ova, NULL }, 0, &signed_out, &err);
    g_assert_nonnull (strstr (err, "Signature: Signed by Hangar Test Signer; no authority this "
                                   "computer trusts vouches for that name"));
    g_clear_pointer (&err, g_free);
    ctl ((const char *[]) { "import", "--no-start", bad_ova, NULL }, 1, NULL, &err);
    g_assert_nonnull (strstr (err, "The appliance’s signature does not match its manifest"));
    hangar_test_assert_session_empty ();
    g_assert_cmpuint (hangar_test_pool_files (), ==, 0);
    g_clear_pointer (&err, g_free);
    /* The spoiled a.cert, beside the .ovf, counts there too. */
    {
      g_autofree char *cert = hangar_test_work_file ("appliance/a.cert");

      ctl ((const char *[]) { "import", "--dry-run", ovf, NULL }, 1, NULL, &err);
      g_assert_nonnull (strstr (err, "The appliance’s signature does not match its manifest"));
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (g_unlink (cert), ==, 0);
    }
  }

  /* A digest that does not match: refused, nothing in the pool. */
  ctl ((const char *[]) { "import", "--no-start", bad, NULL }, 1, NULL, &bad_err);
  g_assert_nonnull (strstr (bad_err, "does not match the appliance’s manifest"));
  hangar_test_assert_session_empty ();
  g_assert_cmpuint (hangar_test_pool_files (), ==, 0);

  /* Beyond the host: refused with the reason. */
  ctl ((const char *[]) { "import", "--cpus", "100000", ova, NULL }, 1, NULL, &err);
  g_assert_nonnull (strstr (err, "processors"));
  hangar_test_assert_session_empty ();
  g_clear_pointer (&err, g_free);

  /* The import: one machine, both disks in order, EFI, two user-mode NICs. */
  ctl ((const char *[]) { "import", "--no-start", "--memory", "512", ova, NULL }, 0, &out, &err);
  g_assert_cmpstr (out, ==, "Appliance Test\n");
  g_assert_true (hangar_test_domain_persistent ("Appliance Test"));
  xml = hangar_test_domain_xml ("Appliance Test", TRUE);
  disk1 = hangar_test_pool_file ("Appliance-Test.qcow2");
  disk2 = hangar_test_pool_file ("Appliance-Test-disk2.qcow2");
  at1 = strstr (xml, disk1);
  at2 = strstr (xml, disk2);
  if (at1 == NULL || at2 == NULL)
    g_test_message ("%s\n%s", xml, err);
  g_assert_nonnull (at1);
  g_assert_nonnull (at2);
  g_assert_true (at1 < at2);
  g_assert_nonnull (strstr (xml, "firmware='efi'"));
  g_assert_nonnull (strstr (xml, "<memory unit='KiB'>524288</memory>"));
  g_assert_nonnull (strstr (xml, "<vcpu placement='static'>1</vcpu>"));
  g_assert_nonnull (strstr (xml, "<description>Built by a test</description>"));
  nic1 = strstr (xml, "<interface type='user'>");
  g_assert_nonnull (nic1);
  nic2 = strstr (nic1 + 1, "<interface type='user'>");
  g_assert_nonnull (nic2);
  g_assert_null (strstr (nic2 + 1, "<interface"));
  info2 = hangar_test_run_tool ((const char *[]) { "qemu-img", "info", "--output=json", disk2,
                                                   NULL });
  g_assert_nonnull (strstr (info2, "\"format\": \"qcow2\""));
  g_assert_nonnull (strstr (info2, "\"virtual-size\": 33554432"));
  g_assert_cmpuint (hangar_test_pool_files (), ==, 2);

  /* The same appliance as an .ovf with its files beside it. */
  ctl ((const char *[]) { "import", "--no-start", "--name", "from-ovf", "--memory", "512",
                          ovf, NULL }, 0, &ovf_out, NULL);
  g_assert_cmpstr (ovf_out, ==, "from-ovf\n");
  ovf_xml = hangar_test_domain_xml ("from-ovf", TRUE);
  g_assert_nonnull (strstr (ovf_xml, "from-ovf-disk2.qcow2"));
  g_assert_cmpuint (hangar_test_pool_files (), ==, 4);

  hangar_test_clean_session ();
}

static void
cancel_on_progress (double   fraction,
                    gpointer user_data)
{
  /* Into the second disk's copy: the first is already whole. */
  if (fraction > 0.45)
    g_cancellable_cancel (user_data);
}

static void
test_cancel (void)
{
  g_autofree char *ova = build_ova ("noisy", FALSE, 96);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(HangarOsProfile) profile = hangar_os_profile_new_generic ();
  g_autoptr(HangarImportReview) review = NULL;
  g_autoptr(HangarVmSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  char *name;

  hangar_test_session_setup ();
  hangar_import_review_async (ova, NULL, hangar_test_async_done, NULL);
  review = hangar_import_review_finish (hangar_test_await (), &error);
  g_assert_no_error (error);
  hangar_test_async_clear ();
  g_assert_nonnull (review->appliance);
  settings = hangar_import_review_settings (review, profile, NULL, TRUE, 256, 1, &error);
  g_assert_no_error (error);

  hangar_import_async (hangar_test_session_connection (), review, profile, settings,
                       HANGAR_IMPORT_NONE, cancel_on_progress, cancellable, cancellable,
                       hangar_test_async_done, NULL);
  name = hangar_import_finish (hangar_test_await (), &error);
  g_assert_null (name);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  hangar_test_async_clear ();
  hangar_test_assert_session_empty ();
  g_assert_cmpuint (hangar_test_pool_files (), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/appliance/unit/parse-virtualbox", test_parse_virtualbox);
  g_test_add_func ("/hangar/appliance/unit/parse-vmware", test_parse_vmware);
  g_test_add_func ("/hangar/appliance/unit/parse-vmware-devices", test_parse_vmware_devices);
  g_test_add_func ("/hangar/appliance/unit/os-mapping", test_os_mapping);
  g_test_add_func ("/hangar/appliance/unit/parse-hostile", test_parse_hostile);
  g_test_add_func ("/hangar/appliance/unit/archive", test_archive);
  g_test_add_func ("/hangar/appliance/unit/folder-and-order", test_folder_and_order);
  g_test_add_func ("/hangar/appliance/unit/manifest", test_manifest);
  g_test_add_func ("/hangar/appliance/unit/signature", test_signature);
  g_test_add_func ("/hangar/appliance/libvirt/ctl", test_ctl_appliance);
  g_test_add_func ("/hangar/appliance/libvirt/cancel", test_cancel);

  status = g_test_run ();
  hangar_test_work_dir_remove ();
  return status;
}
