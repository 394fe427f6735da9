/* test-properties.c
 *
 * A machine's properties through HangarMachine and hangarctl, each change
 * checked with virsh. Two groups of paths, run by two meson tests:
 *   /hangar/properties/libvirt/  an isolated session, machines that never
 *                                run: reading, memory and processors for the
 *                                next boot, growing (never shrinking) the
 *                                disk, the CD/DVD, XML, the command line
 *   /hangar/properties/e2e/      one live-ISO guest while it runs: memory
 *                                through the balloon, a processor plugged
 *                                in, more than it booted with for the next
 *                                boot, the CD/DVD, the disk, XML and log
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-libvirt.h"
#include "hangar-machine-config.h"
#include "hangar-storage-pool.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-vm-creator.h"

#define GIB (1024ULL * 1024 * 1024)

static const char *iso;

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

static void
setup (void)
{
  iso = hangar_test_session_setup ();
}

static char *
inactive_xml (const char *name)
{
  return hangar_test_virsh_output ("dumpxml", "--inactive", name, NULL);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” not found in:\n%s", needle, haystack);
}

/* "Capacity:" in `virsh domblkinfo`, in bytes. */
static guint64
blk_capacity (const char *name,
              const char *target)
{
  g_autofree char *info = hangar_test_virsh_output ("domblkinfo", name, target, NULL);
  const char *p = strstr (info, "Capacity:");

  g_assert_nonnull (p);
  return g_ascii_strtoull (p + strlen ("Capacity:"), NULL, 10);
}

static HangarMachineConfig *
read_config (HangarMachine *machine)
{
  g_autoptr(GError) error = NULL;
  HangarMachineConfig *config;

  hangar_machine_read_config_async (machine, NULL, hangar_test_async_done, NULL);
  config = hangar_machine_read_config_finish (machine, hangar_test_await (), &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

static void
delete_machine (const char *name)
{
  g_autoptr(HangarMachine) machine = hangar_test_machine_for (name);
  g_autoptr(GError) error = NULL;

  hangar_machine_delete_async (machine, FALSE, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_delete_finish (machine, hangar_test_await (), &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------ */
/* libvirt: a machine that never runs                                       */
/* ------------------------------------------------------------------------ */

static void
test_stopped (void)
{
  g_autoptr(HangarMachine) machine = NULL;
  g_autoptr(HangarMachineConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *source = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *text = NULL;
  const HangarMachineDisk *disk, *cdrom;
  gboolean live = TRUE;

  setup ();
  hangar_test_create_machine ("props", HANGAR_FIRMWARE_BIOS, FALSE);
  machine = hangar_test_machine_for ("props");

  config = read_config (machine);
  g_assert_cmpstr (config->name, ==, "props");
  g_assert_false (config->active);
  g_assert_true (config->persistent);
  g_assert_cmpstr (config->domain_type, ==, "qemu");
  g_assert_cmpuint (config->memory_mib, ==, 512);
  g_assert_cmpuint (config->max_memory_mib, ==, 512);
  g_assert_cmpuint (config->live_memory_mib, ==, 0);
  g_assert_cmpuint (config->vcpus, ==, 1);
  g_assert_cmpuint (config->max_vcpus, ==, 1);
  g_assert_cmpint (config->firmware, ==, HANGAR_FIRMWARE_BIOS);
  g_assert_false (config->tpm);
  g_assert_false (config->gl);
  g_assert_cmpstr (config->video_model, ==, "qxl");
  disk = hangar_machine_config_get_disk (config, FALSE);
  g_assert_nonnull (disk);
  g_assert_cmpstr (disk->target, ==, "sda");
  g_assert_cmpstr (disk->bus, ==, "sata");
  g_assert_cmpstr (disk->format, ==, "qcow2");
  g_assert_cmpuint (disk->capacity, ==, GIB);
  g_assert_true (disk->in_pool);
  g_assert_true (disk->growable);
  cdrom = hangar_machine_config_get_disk (config, TRUE);
  g_assert_nonnull (cdrom);
  g_assert_cmpstr (cdrom->target, ==, "sdb");
  g_assert_cmpstr (cdrom->path, ==, iso);
  g_assert_false (cdrom->growable);
  g_assert_nonnull (cdrom->not_growable_reason);

  /* Memory and processors: the definition, for the next boot. */
  hangar_machine_set_memory_async (machine, 768, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_set_memory_finish (machine, hangar_test_await (), &live, &error));
  g_assert_no_error (error);
  g_assert_false (live);
  hangar_machine_set_vcpus_async (machine, 2, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_set_vcpus_finish (machine, hangar_test_await (), &live, &error));
  g_assert_no_error (error);
  g_assert_false (live);
  xml = inactive_xml ("props");
  assert_contains (xml, "<memory unit='KiB'>786432</memory>");
  assert_contains (xml, "<currentMemory unit='KiB'>786432</currentMemory>");
  assert_contains (xml, "<vcpu placement='static'>2</vcpu>");
  g_clear_pointer (&xml, g_free);

  hangar_machine_set_memory_async (machine, 16, NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_set_memory_finish (machine, hangar_test_await (), NULL, &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* The disk grows, and never shrinks. */
  hangar_machine_grow_disk_async (machine, NULL, 2 * GIB, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_grow_disk_finish (machine, hangar_test_await (), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (blk_capacity ("props", "sda"), ==, 2 * GIB);
  hangar_machine_grow_disk_async (machine, "sda", GIB, NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_grow_disk_finish (machine, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (blk_capacity ("props", "sda"), ==, 2 * GIB);
  hangar_machine_grow_disk_async (machine, "sdb", 2 * GIB, NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_grow_disk_finish (machine, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* CD/DVD: eject, insert, a file that is not there. */
  hangar_machine_set_cdrom_async (machine, NULL, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_set_cdrom_finish (machine, hangar_test_await (), &live, &error));
  g_assert_no_error (error);
  g_assert_false (live);
  source = hangar_test_disk_source ("props", "sdb");
  g_assert_cmpstr (source, ==, "-");
  g_clear_pointer (&source, g_free);
  hangar_machine_set_cdrom_async (machine, iso, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_set_cdrom_finish (machine, hangar_test_await (), &live, &error));
  g_assert_no_error (error);
  source = hangar_test_disk_source ("props", "sdb");
  g_assert_cmpstr (source, ==, iso);
  g_clear_pointer (&source, g_free);
  missing = g_build_filename (hangar_test_artifacts_dir (), "missing.iso", NULL);
  hangar_machine_set_cdrom_async (machine, missing, NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_set_cdrom_finish (machine, hangar_test_await (), NULL, &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Without a drive, a stopped machine gets one. */
  hangar_test_virsh ("detach-disk", "props", "sdb", "--config", NULL);
  hangar_machine_set_cdrom_async (machine, iso, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_set_cdrom_finish (machine, hangar_test_await (), NULL, &error));
  g_assert_no_error (error);
  source = hangar_test_disk_source ("props", "sdb");
  g_assert_cmpstr (source, ==, iso);
  xml = inactive_xml ("props");
  assert_contains (xml, "device='cdrom'");
  g_clear_pointer (&xml, g_free);

  /* Troubleshooting: the XML; no log before the first start. */
  hangar_machine_get_xml_async (machine, TRUE, NULL, hangar_test_async_done, NULL);
  xml = hangar_machine_get_xml_finish (machine, hangar_test_await (), &error);
  g_assert_no_error (error);
  assert_contains (xml, "<name>props</name>");
  assert_contains (xml, "<memory unit='KiB'>786432</memory>");
  hangar_machine_read_log_async (machine, NULL, hangar_test_async_done, NULL);
  text = hangar_machine_read_log_finish (machine, hangar_test_await (), NULL, &error);
  g_assert_null (text);
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_clear_object (&machine);
  delete_machine ("props");
}

static void
test_uefi (void)
{
  g_autoptr(HangarMachine) machine = NULL;
  g_autoptr(HangarMachineConfig) config = NULL;

  setup ();
  hangar_test_create_machine ("props uefi", HANGAR_FIRMWARE_UEFI, FALSE);
  machine = hangar_test_machine_for ("props uefi");
  config = read_config (machine);
  g_assert_cmpint (config->firmware, ==, HANGAR_FIRMWARE_UEFI);
  g_clear_object (&machine);
  delete_machine ("props uefi");
}

static void
test_ctl (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *source = NULL;
  g_autofree char *host_cpus = g_strdup_printf ("%u", g_get_num_processors ());
  g_autofree char *vcpu_element = g_strdup_printf ("<vcpu placement='static'>%u</vcpu>",
                                                   g_get_num_processors ());
  JsonObject *object;
  JsonArray *disks;

  setup ();
  hangar_test_create_machine ("ctl props", HANGAR_FIRMWARE_BIOS, FALSE);

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "info", "ctl props", "--json", NULL },
                                    &out, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "ctl props");
  g_assert_cmpint (json_object_get_int_member (object, "memory-mib"), ==, 512);
  g_assert_cmpint (json_object_get_int_member (object, "vcpus"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "firmware"), ==, "bios");
  disks = json_object_get_array_member (object, "disks");
  g_assert_cmpuint (json_array_get_length (disks), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (disks, 0),
                                               "capacity"), ==, (gint64) GIB);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "info", "ctl props", NULL },
                                    &out, NULL), ==, 0);
  assert_contains (out, "512 MiB");
  g_clear_pointer (&out, g_free);

  /* As many processors as the host has: the most a machine may have. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "set", "ctl props", "--memory", "640",
                                                       "--cpus", host_cpus, NULL }, &out, NULL),
                   ==, 0);
  g_assert_cmpstr (out, ==, "memory\tnext-boot\ncpus\tnext-boot\n");
  g_clear_pointer (&out, g_free);
  xml = inactive_xml ("ctl props");
  assert_contains (xml, "<memory unit='KiB'>655360</memory>");
  assert_contains (xml, vcpu_element);
  g_clear_pointer (&xml, g_free);

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "disk-grow", "ctl props", "+1G", NULL },
                                    NULL, NULL), ==, 0);
  g_assert_cmpuint (blk_capacity ("ctl props", "sda"), ==, 2 * GIB);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "disk-grow", "ctl props", "1G", NULL },
                                    NULL, &err), ==, 1);
  hangar_test_assert_ctl_error (err, "disk-grow");
  assert_contains (err, "cannot shrink");
  g_clear_pointer (&err, g_free);
  g_assert_cmpuint (blk_capacity ("ctl props", "sda"), ==, 2 * GIB);

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "cd", "ctl props", "eject", NULL },
                                    NULL, NULL), ==, 0);
  source = hangar_test_disk_source ("ctl props", "sdb");
  g_assert_cmpstr (source, ==, "-");
  g_clear_pointer (&source, g_free);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "cd", "ctl props", "insert", iso, NULL },
                                    NULL, NULL), ==, 0);
  source = hangar_test_disk_source ("ctl props", "sdb");
  g_assert_cmpstr (source, ==, iso);

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "xml", "ctl props", "--inactive", NULL },
                                    &out, NULL), ==, 0);
  assert_contains (out, "<name>ctl props</name>");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "log", "ctl props", NULL },
                                    NULL, &err), ==, 1);
  hangar_test_assert_ctl_error (err, "log");
  g_clear_pointer (&err, g_free);

  /* Wrong command lines: status 2. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "set", "ctl props", NULL },
                                    NULL, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "disk-grow", "ctl props", "big", NULL },
                                    NULL, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "cd", "ctl props", "spin", NULL },
                                    NULL, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "info", "nobody", NULL },
                                    NULL, &err), ==, 1);
  hangar_test_assert_ctl_error (err, "info");

  delete_machine ("ctl props");
}

/* ------------------------------------------------------------------------ */
/* e2e: a running guest                                                     */
/* ------------------------------------------------------------------------ */

static gboolean
domain_running (gpointer name)
{
  g_autofree char *state = hangar_test_virsh_output ("domstate", (const char *) name, NULL);

  return g_str_equal (state, "running");
}

static guint64
used_memory_kib (const char *name)
{
  g_autofree char *info = hangar_test_virsh_output ("dominfo", name, NULL);
  const char *p = strstr (info, "Used memory:");

  g_assert_nonnull (p);
  return g_ascii_strtoull (p + strlen ("Used memory:"), NULL, 10);
}

static void
test_running (void)
{
  g_autoptr(HangarMachine) machine = NULL;
  g_autoptr(HangarMachineConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *edited = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *xml_path = NULL;
  g_autofree char *count = NULL;
  g_autofree char *source = NULL;
  g_autofree char *log = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *out = NULL;
  gboolean live = FALSE;

  setup ();
  hangar_test_create_machine ("live props", HANGAR_FIRMWARE_BIOS, FALSE);

  /* Room to move while it runs: a balloon (the generic profile has none)
   * and a second processor to plug in. */
  xml = inactive_xml ("live props");
  g_assert_nonnull (strstr (xml, "<memballoon model='none'/>"));
  parts = g_strsplit (xml, "<memballoon model='none'/>", 2);
  edited = g_strjoinv ("<memballoon model='virtio'/>", parts);
  xml_path = g_build_filename (hangar_test_artifacts_dir (), "live-props.xml", NULL);
  g_assert_true (g_file_set_contents (xml_path, edited, -1, &error));
  hangar_test_virsh ("define", xml_path, NULL);
  hangar_test_virsh ("setvcpus", "live props", "2", "--config", "--maximum", NULL);
  hangar_test_virsh ("setvcpus", "live props", "1", "--config", NULL);
  hangar_test_virsh ("start", "live props", NULL);
  hangar_test_assert_eventually (domain_running, (gpointer) "live props", 30, "the guest to run");

  machine = hangar_test_machine_for ("live props");
  config = read_config (machine);
  g_assert_true (config->active);
  g_assert_cmpuint (config->live_max_memory_mib, ==, 512);
  g_assert_cmpuint (config->live_vcpus, ==, 1);
  g_assert_cmpuint (config->live_max_vcpus, ==, 2);

  /* Within what it booted with: at once. */
  hangar_machine_set_memory_async (machine, 384, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_set_memory_finish (machine, hangar_test_await (), &live, &error));
  g_assert_no_error (error);
  g_assert_true (live);
  xml = (g_free (xml), inactive_xml ("live props"));
  assert_contains (xml, "<memory unit='KiB'>393216</memory>");
  g_test_message ("Used memory after the balloon: %" G_GUINT64_FORMAT " KiB",
                  used_memory_kib ("live props"));

  hangar_machine_set_vcpus_async (machine, 2, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_set_vcpus_finish (machine, hangar_test_await (), &live, &error));
  g_assert_no_error (error);
  g_assert_true (live);
  count = hangar_test_virsh_output ("vcpucount", "live props", "--live", "--active", NULL);
  g_assert_cmpstr (count, ==, "2");
  g_clear_pointer (&count, g_free);
  count = hangar_test_virsh_output ("vcpucount", "live props", "--config", "--active", NULL);
  g_assert_cmpstr (count, ==, "2");
  g_clear_pointer (&count, g_free);

  /* Beyond it: from the next boot. */
  hangar_machine_set_memory_async (machine, 1024, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_set_memory_finish (machine, hangar_test_await (), &live, &error));
  g_assert_no_error (error);
  g_assert_false (live);
  g_assert_cmpuint (used_memory_kib ("live props"), <=, 512 * 1024);
  xml = (g_free (xml), inactive_xml ("live props"));
  assert_contains (xml, "<memory unit='KiB'>1048576</memory>");
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "set", "live props", "--cpus", "4", NULL },
                                    &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "cpus\tnext-boot\n");
  g_clear_pointer (&out, g_free);
  count = hangar_test_virsh_output ("vcpucount", "live props", "--live", "--active", NULL);
  g_assert_cmpstr (count, ==, "2");
  g_clear_pointer (&count, g_free);
  count = hangar_test_virsh_output ("vcpucount", "live props", "--config", "--maximum", NULL);
  g_assert_cmpstr (count, ==, "4");
  g_clear_pointer (&count, g_free);

  /* The CD/DVD while it runs: the guest and the definition both. */
  hangar_machine_set_cdrom_async (machine, NULL, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_set_cdrom_finish (machine, hangar_test_await (), &live, &error));
  g_assert_no_error (error);
  g_assert_true (live);
  source = hangar_test_disk_source ("live props", "sdb");
  g_assert_cmpstr (source, ==, "-");
  g_clear_pointer (&source, g_free);
  xml = (g_free (xml), inactive_xml ("live props"));
  g_assert_null (strstr (xml, iso));
  hangar_machine_set_cdrom_async (machine, iso, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_set_cdrom_finish (machine, hangar_test_await (), &live, &error));
  g_assert_no_error (error);
  g_assert_true (live);
  source = hangar_test_disk_source ("live props", "sdb");
  g_assert_cmpstr (source, ==, iso);
  xml = (g_free (xml), inactive_xml ("live props"));
  assert_contains (xml, iso);

  /* The disk grows under the running guest. */
  hangar_machine_grow_disk_async (machine, "sda", 3 * GIB, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_grow_disk_finish (machine, hangar_test_await (), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (blk_capacity ("live props", "sda"), ==, 3 * GIB);
  hangar_machine_grow_disk_async (machine, "sda", 2 * GIB, NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_grow_disk_finish (machine, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_cmpuint (blk_capacity ("live props", "sda"), ==, 3 * GIB);

  /* Troubleshooting: the running machine's XML, QEMU's log. */
  hangar_machine_get_xml_async (machine, FALSE, NULL, hangar_test_async_done, NULL);
  xml = (g_free (xml), hangar_machine_get_xml_finish (machine, hangar_test_await (), &error));
  g_assert_no_error (error);
  assert_contains (xml, "<domain type='qemu' id=");
  hangar_machine_read_log_async (machine, NULL, hangar_test_async_done, NULL);
  log = hangar_machine_read_log_finish (machine, hangar_test_await (), &log_path, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (log_path, "/libvirt/qemu/log/live props.log"));
  g_assert_true (g_str_has_prefix (log_path, g_get_user_cache_dir ()));
  assert_contains (log, "starting up libvirt version");
  assert_contains (log, "guest=live props");
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "log", "live props", NULL },
                                    &out, NULL), ==, 0);
  assert_contains (out, "starting up libvirt version");
  g_clear_pointer (&out, g_free);

  hangar_test_async_clear ();
  g_clear_object (&machine);
  delete_machine ("live props");
}

/* ------------------------------------------------------------------------ */
/* libvirt: numbers a machine can never run, refused at once                */
/* ------------------------------------------------------------------------ */

/* hangarctl COMMAND… must fail with @status, saying @says. */
static void
assert_ctl_refuses (const char * const *args,
                    int                 status,
                    const char         *says)
{
  g_autofree char *err = NULL;

  g_test_message ("hangarctl %s %s %s %s", args[0], args[1], args[2] != NULL ? args[2] : "",
                  args[2] != NULL && args[3] != NULL ? args[3] : "");
  g_assert_cmpint (hangar_test_ctl (args, NULL, &err), ==, status);
  hangar_test_assert_ctl_error (err, args[0]);
  if (says != NULL)
    assert_contains (err, says);
}

static void
test_limits (void)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  setup ();
  hangar_test_create_machine ("limits props", HANGAR_FIRMWARE_BIOS, FALSE);
  before = inactive_xml ("limits props");

  /* set: refused when asked, against this host and the machine's type. */
  assert_ctl_refuses ((const char *[]) { "set", "limits props", "--memory", "0", NULL }, 1,
                      "Memory must be between 64 MiB and ");
  assert_ctl_refuses ((const char *[]) { "set", "limits props", "--memory", "1", NULL }, 1,
                      "not 1 MiB");
  assert_ctl_refuses ((const char *[]) { "set", "limits props", "--memory", "63", NULL }, 1,
                      "on this computer");
  assert_ctl_refuses ((const char *[]) { "set", "limits props", "--memory", "100T", NULL }, 1,
                      "not 100 TiB");
  assert_ctl_refuses ((const char *[]) { "set", "limits props", "--cpus", "0", NULL }, 1,
                      "on this computer, not 0");
  assert_ctl_refuses ((const char *[]) { "set", "limits props", "--cpus", "100000", NULL }, 1,
                      "not 100000");
  assert_ctl_refuses ((const char *[]) { "set", "limits props", "--cpus", "99999999999999999999",
                                         NULL }, 2, "too large a number");
  assert_ctl_refuses ((const char *[]) { "set", "limits props", "--memory", "-5", NULL }, 2,
                      "negative");
  assert_ctl_refuses ((const char *[]) { "set", "limits props", "--memory", "1.5G", NULL }, 2,
                      "not a size");
  assert_ctl_refuses ((const char *[]) { "set", "limits props", "--cpus", "2x", NULL }, 2,
                      "not a number");

  /* disk-grow: no more than the free space allows; never smaller. */
  assert_ctl_refuses ((const char *[]) { "disk-grow", "limits props", "100T", NULL }, 1,
                      "A disk can be at most");
  assert_ctl_refuses ((const char *[]) { "disk-grow", "limits props", "+100T", NULL }, 1,
                      "A disk can be at most");
  assert_ctl_refuses ((const char *[]) { "disk-grow", "limits props", "0", NULL }, 1,
                      "cannot shrink");
  assert_ctl_refuses ((const char *[]) { "disk-grow", "limits props", "99999999999999999999",
                                         NULL }, 2, "too large a number");
  g_assert_cmpuint (blk_capacity ("limits props", "sda"), ==, 1 * GIB);

  /* Nothing of it reached the definition. */
  after = inactive_xml ("limits props");
  g_assert_cmpstr (after, ==, before);

  /* Within the limits, with a unit: taken as given. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "set", "limits props", "--memory", "1G",
                                                       NULL }, NULL, NULL), ==, 0);
  g_clear_pointer (&after, g_free);
  after = inactive_xml ("limits props");
  assert_contains (after, "<memory unit='KiB'>1048576</memory>");
  delete_machine ("limits props");
}

static void
test_create_limits (void)
{
  static const struct { const char *option; const char *value; int status; const char *says; }
  cases[] = {
    { "--memory", "0", 1, "Memory must be between 64 MiB and " },
    { "--memory", "1", 1, "not 1 MiB" },
    { "--memory", "63M", 1, "not 63 MiB" },
    { "--memory", "100T", 1, "on this computer" },
    { "--cpus", "0", 1, "on this computer, not 0" },
    { "--cpus", "100000", 1, "not 100000" },
    { "--disk", "100T", 1, "A disk can be at most" },
    { "--memory", "-1", 2, "negative" },
    { "--memory", "99999999999999999999", 2, "too large a number" },
    { "--memory", "2x", 2, "not a size" },
    { "--cpus", "1.5", 2, "not a number" },
    { "--disk", "1500M", 2, "whole number" },
  };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      assert_ctl_refuses ((const char *[]) { "create", "--name", "refused", "--no-start",
                                             cases[i].option, cases[i].value, iso, NULL },
                          cases[i].status, cases[i].says);
      g_assert_false (hangar_test_domain_exists ("refused"));
    }
  hangar_test_assert_session_empty ();
}

/* ------------------------------------------------------------------------ */
/* libvirt: a medium through a symlink                                      */
/* ------------------------------------------------------------------------ */

static void
test_symlinked_medium (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hangar-test-links-XXXXXX", &error);
  g_autofree char *link = g_build_filename (dir, "live.iso", NULL);
  g_autofree char *decoy = g_build_filename (dir, "decoy.iso", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy.iso", NULL);
  g_autofree char *iso_real = NULL;
  g_autofree char *copy_real = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *source = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_no_error (error);
  setup ();
  iso_real = realpath (iso, NULL);
  g_assert_true (g_file_set_contents (decoy, "not the image that was chosen", -1, &error));
  g_assert_no_errno (symlink (iso, link));

  /* A folder everyone may write in: a warning, not a refusal. */
  g_assert_no_errno (chmod (dir, 0777));
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", "--name", "linked", "--no-start",
                                                       link, NULL }, &out, &err), ==, 0);
  g_assert_no_errno (chmod (dir, 0700));
  assert_contains (err, "hangarctl create: warning: Other users could replace or change");
  g_clear_pointer (&err, g_free);

  /* The very file is recorded, with what makes it that file. */
  source = hangar_test_disk_source ("linked", "sdb");
  g_assert_cmpstr (source, ==, iso_real);
  xml = inactive_xml ("linked");
  assert_contains (xml, "<hangar:medium path=");
  g_clear_pointer (&source, g_free);

  /* Re-pointed: the machine still has, and starts from, the file chosen. */
  g_assert_no_errno (g_unlink (link));
  g_assert_no_errno (symlink (decoy, link));
  source = hangar_test_disk_source ("linked", "sdb");
  g_assert_cmpstr (source, ==, iso_real);
  g_clear_pointer (&source, g_free);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "start", "linked", NULL }, NULL, NULL),
                   ==, 0);
  source = hangar_test_disk_source ("linked", "sdb");
  g_assert_cmpstr (source, ==, iso_real);
  g_clear_pointer (&source, g_free);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "force-off", "linked", NULL }, NULL, NULL),
                   ==, 0);

  /* A medium inserted through a link is recorded by its file too; another
   * file put at that path is refused at the next start, with the reason. */
  g_assert_true (g_file_get_contents (iso, &contents, &length, &error));
  g_assert_true (g_file_set_contents (copy, contents, (gssize) length, &error));
  copy_real = realpath (copy, NULL);
  g_assert_no_errno (g_unlink (link));
  g_assert_no_errno (symlink (copy, link));
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "cd", "linked", "insert", link, NULL },
                                    NULL, &err), ==, 0);
  g_clear_pointer (&err, g_free);
  source = hangar_test_disk_source ("linked", "sdb");
  g_assert_cmpstr (source, ==, copy_real);
  g_assert_no_errno (g_rename (decoy, copy));
  assert_ctl_refuses ((const char *[]) { "start", "linked", NULL }, 1,
                      "is no longer the image that was chosen");
  g_assert_cmpint (hangar_test_domain_state ("linked"), ==, VIR_DOMAIN_SHUTOFF);

  /* Chosen again: it starts. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "cd", "linked", "insert", iso, NULL },
                                    NULL, NULL), ==, 0);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "start", "linked", NULL }, NULL, NULL),
                   ==, 0);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "force-off", "linked", NULL }, NULL, NULL),
                   ==, 0);
  delete_machine ("linked");
  hangar_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/properties/libvirt/stopped", test_stopped);
  g_test_add_func ("/hangar/properties/libvirt/uefi", test_uefi);
  g_test_add_func ("/hangar/properties/libvirt/hangarctl", test_ctl);
  g_test_add_func ("/hangar/properties/libvirt/limits", test_limits);
  g_test_add_func ("/hangar/properties/libvirt/create-limits", test_create_limits);
  g_test_add_func ("/hangar/properties/libvirt/symlinked-medium", test_symlinked_medium);
  g_test_add_func ("/hangar/properties/e2e/running", test_running);

  return g_test_run ();
}
