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

#include <string.h>

#include <json-glib/json-glib.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-libvirt.h"
#include "hangar-machine-config.h"
#include "hangar-storage-pool.h"
#include "hangar-test-guest.h"
#include "hangar-test-threads.h"
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
  g_autoptr(GError) error = NULL;

  if (iso != NULL)
    return;
  g_assert_cmpstr (g_getenv ("HANGAR_URI"), ==, "qemu:///session");
  iso = g_getenv ("HANGAR_TEST_ISO");
  g_assert_nonnull (iso);
  g_setenv ("HANGAR_TEST_SERIAL_DIR", hangar_test_artifacts_dir (), TRUE);
  g_assert_true (hangar_libvirt_init (&error));
}

static char *
virsh (const char *first,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  char *out;
  va_list args;
  int status;

  g_ptr_array_add (argv, (gpointer) "virsh");
  g_ptr_array_add (argv, (gpointer) "--quiet");
  g_ptr_array_add (argv, (gpointer) "--connect");
  g_ptr_array_add (argv, (gpointer) "qemu:///session");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  out = hangar_test_spawn_capture ((const char * const *) argv->pdata, NULL, &status, &err);
  if (status != 0)
    g_error ("virsh %s: status %d: %s", first, status, err);
  return g_strstrip (out);
}

static int
ctl (const char * const  *args,
     char               **out,
     char               **err)
{
  const char *path = g_getenv ("HANGAR_CTL");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *local_out = NULL;
  g_autofree char *local_err = NULL;
  int status;

  g_assert_nonnull (path);
  g_ptr_array_add (argv, (gpointer) path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  local_out = hangar_test_spawn_capture ((const char * const *) argv->pdata, NULL, &status,
                                         &local_err);
  g_test_message ("hangarctl %s → %d\nstdout: %s\nstderr: %s", args[0], status, local_out,
                  local_err);
  if (out != NULL)
    *out = g_steal_pointer (&local_out);
  if (err != NULL)
    *err = g_steal_pointer (&local_err);
  return status;
}

/* One line on stderr, naming the command. */
static void
assert_one_line_error (const char *err,
                       const char *command)
{
  g_autofree char *prefix = g_strdup_printf ("hangarctl %s: ", command);

  g_assert_true (g_str_has_prefix (err, prefix));
  g_assert_nonnull (strchr (err, '\n'));
  g_assert_cmpint (strchr (err, '\n')[1], ==, '\0');
}

static char *
inactive_xml (const char *name)
{
  return virsh ("dumpxml", "--inactive", name, NULL);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” not found in:\n%s", needle, haystack);
}

/* The source of @target in `virsh domblklist`, "-" when empty. */
static char *
blk_source (const char *name,
            const char *target)
{
  g_autofree char *list = virsh ("domblklist", name, NULL);
  g_auto(GStrv) lines = g_strsplit (list, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));

      if (g_str_has_prefix (line, target) && g_ascii_isspace (line[strlen (target)]))
        return g_strdup (g_strstrip (line + strlen (target)));
    }
  g_error ("No %s in:\n%s", target, list);
}

/* "Capacity:" in `virsh domblkinfo`, in bytes. */
static guint64
blk_capacity (const char *name,
              const char *target)
{
  g_autofree char *info = virsh ("domblkinfo", name, target, NULL);
  const char *p = strstr (info, "Capacity:");

  g_assert_nonnull (p);
  return g_ascii_strtoull (p + strlen ("Capacity:"), NULL, 10);
}

static HangarMachine *
machine_for (const char *name)
{
  virConnectPtr conn = virConnectOpen ("qemu:///session");
  virDomainPtr dom;
  GVirDomain *domain;
  HangarMachine *machine;

  g_assert_nonnull (conn);
  dom = virDomainLookupByName (conn, name);
  g_assert_nonnull (dom);
  domain = g_object_new (GVIR_TYPE_DOMAIN, "handle", dom, NULL);
  virDomainFree (dom);
  virConnectClose (conn);
  machine = hangar_machine_new (domain);
  g_object_unref (domain);
  return machine;
}

static GAsyncResult *pending;
static GAsyncResult *last;

static void
op_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  pending = g_object_ref (result);
}

static gboolean
op_finished (gpointer data)
{
  return pending != NULL;
}

static GAsyncResult *
await_result (void)
{
  g_clear_object (&last);
  hangar_test_assert_eventually (op_finished, NULL, 120, "an operation to finish");
  last = g_steal_pointer (&pending);
  return last;
}

static HangarMachineConfig *
read_config (HangarMachine *machine)
{
  g_autoptr(GError) error = NULL;
  HangarMachineConfig *config;

  hangar_machine_read_config_async (machine, NULL, op_done, NULL);
  config = hangar_machine_read_config_finish (machine, await_result (), &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GVirDomain **domain = user_data;
  g_autoptr(GError) error = NULL;

  *domain = hangar_vm_creator_create_finish (HANGAR_VM_CREATOR (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
domain_set (gpointer data)
{
  return *(GVirDomain **) data != NULL;
}

/* A machine as the app makes them: 512 MiB, one processor, a 1 GiB qcow2
 * disk in the pool (sda), the live ISO in its CD drive (sdb). */
static void
create_machine (const char     *name,
                HangarFirmware  firmware)
{
  g_autoptr(HangarVmSettings) settings = hangar_vm_settings_new ();
  g_autoptr(HangarOsProfile) profile = hangar_os_profile_new_generic ();
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarVmCreator) creator = NULL;
  GVirDomain *domain = NULL;

  settings->name = g_strdup (name);
  settings->memory_mib = 512;
  settings->vcpus = 1;
  settings->disk_gib = 1;
  settings->firmware = firmware;
  settings->domain_type = HANGAR_DOMAIN_TYPE_QEMU;
  settings->iso_path = g_strdup (iso);

  connection = hangar_test_connection_open ("qemu:///session");
  creator = hangar_vm_creator_new (connection, profile, settings);
  hangar_vm_creator_create_async (creator, FALSE, NULL, create_done, &domain);
  hangar_test_assert_eventually (domain_set, &domain, 60, "the machine to be created");
  g_object_unref (domain);
  g_clear_object (&creator);
  hangar_connection_close (connection);
}

static void
delete_machine (const char *name)
{
  g_autoptr(HangarMachine) machine = machine_for (name);
  g_autoptr(GError) error = NULL;

  hangar_machine_delete_async (machine, FALSE, NULL, op_done, NULL);
  g_assert_true (hangar_machine_delete_finish (machine, await_result (), &error));
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
  create_machine ("props", HANGAR_FIRMWARE_BIOS);
  machine = machine_for ("props");

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
  hangar_machine_set_memory_async (machine, 768, NULL, op_done, NULL);
  g_assert_true (hangar_machine_set_memory_finish (machine, await_result (), &live, &error));
  g_assert_no_error (error);
  g_assert_false (live);
  hangar_machine_set_vcpus_async (machine, 2, NULL, op_done, NULL);
  g_assert_true (hangar_machine_set_vcpus_finish (machine, await_result (), &live, &error));
  g_assert_no_error (error);
  g_assert_false (live);
  xml = inactive_xml ("props");
  assert_contains (xml, "<memory unit='KiB'>786432</memory>");
  assert_contains (xml, "<currentMemory unit='KiB'>786432</currentMemory>");
  assert_contains (xml, "<vcpu placement='static'>2</vcpu>");
  g_clear_pointer (&xml, g_free);

  hangar_machine_set_memory_async (machine, 16, NULL, op_done, NULL);
  g_assert_false (hangar_machine_set_memory_finish (machine, await_result (), NULL, &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* The disk grows, and never shrinks. */
  hangar_machine_grow_disk_async (machine, NULL, 2 * GIB, NULL, op_done, NULL);
  g_assert_true (hangar_machine_grow_disk_finish (machine, await_result (), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (blk_capacity ("props", "sda"), ==, 2 * GIB);
  hangar_machine_grow_disk_async (machine, "sda", GIB, NULL, op_done, NULL);
  g_assert_false (hangar_machine_grow_disk_finish (machine, await_result (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (blk_capacity ("props", "sda"), ==, 2 * GIB);
  hangar_machine_grow_disk_async (machine, "sdb", 2 * GIB, NULL, op_done, NULL);
  g_assert_false (hangar_machine_grow_disk_finish (machine, await_result (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* CD/DVD: eject, insert, a file that is not there. */
  hangar_machine_set_cdrom_async (machine, NULL, NULL, op_done, NULL);
  g_assert_true (hangar_machine_set_cdrom_finish (machine, await_result (), &live, &error));
  g_assert_no_error (error);
  g_assert_false (live);
  source = blk_source ("props", "sdb");
  g_assert_cmpstr (source, ==, "-");
  g_clear_pointer (&source, g_free);
  hangar_machine_set_cdrom_async (machine, iso, NULL, op_done, NULL);
  g_assert_true (hangar_machine_set_cdrom_finish (machine, await_result (), &live, &error));
  g_assert_no_error (error);
  source = blk_source ("props", "sdb");
  g_assert_cmpstr (source, ==, iso);
  g_clear_pointer (&source, g_free);
  missing = g_build_filename (hangar_test_artifacts_dir (), "missing.iso", NULL);
  hangar_machine_set_cdrom_async (machine, missing, NULL, op_done, NULL);
  g_assert_false (hangar_machine_set_cdrom_finish (machine, await_result (), NULL, &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Without a drive, a stopped machine gets one. */
  g_free (virsh ("detach-disk", "props", "sdb", "--config", NULL));
  hangar_machine_set_cdrom_async (machine, iso, NULL, op_done, NULL);
  g_assert_true (hangar_machine_set_cdrom_finish (machine, await_result (), NULL, &error));
  g_assert_no_error (error);
  source = blk_source ("props", "sdb");
  g_assert_cmpstr (source, ==, iso);
  xml = inactive_xml ("props");
  assert_contains (xml, "device='cdrom'");
  g_clear_pointer (&xml, g_free);

  /* Troubleshooting: the XML; no log before the first start. */
  hangar_machine_get_xml_async (machine, TRUE, NULL, op_done, NULL);
  xml = hangar_machine_get_xml_finish (machine, await_result (), &error);
  g_assert_no_error (error);
  assert_contains (xml, "<name>props</name>");
  assert_contains (xml, "<memory unit='KiB'>786432</memory>");
  hangar_machine_read_log_async (machine, NULL, op_done, NULL);
  text = hangar_machine_read_log_finish (machine, await_result (), NULL, &error);
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
  create_machine ("props uefi", HANGAR_FIRMWARE_UEFI);
  machine = machine_for ("props uefi");
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
  JsonObject *object;
  JsonArray *disks;

  setup ();
  create_machine ("ctl props", HANGAR_FIRMWARE_BIOS);

  g_assert_cmpint (ctl ((const char *[]) { "info", "ctl props", "--json", NULL }, &out, NULL), ==, 0);
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

  g_assert_cmpint (ctl ((const char *[]) { "info", "ctl props", NULL }, &out, NULL), ==, 0);
  assert_contains (out, "512 MiB");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (ctl ((const char *[]) { "set", "ctl props", "--memory", "640", "--cpus", "3",
                                           NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "memory\tnext-boot\ncpus\tnext-boot\n");
  g_clear_pointer (&out, g_free);
  xml = inactive_xml ("ctl props");
  assert_contains (xml, "<memory unit='KiB'>655360</memory>");
  assert_contains (xml, "<vcpu placement='static'>3</vcpu>");
  g_clear_pointer (&xml, g_free);

  g_assert_cmpint (ctl ((const char *[]) { "disk-grow", "ctl props", "+1G", NULL }, NULL, NULL), ==, 0);
  g_assert_cmpuint (blk_capacity ("ctl props", "sda"), ==, 2 * GIB);
  g_assert_cmpint (ctl ((const char *[]) { "disk-grow", "ctl props", "1G", NULL }, NULL, &err), ==, 1);
  assert_one_line_error (err, "disk-grow");
  assert_contains (err, "cannot shrink");
  g_clear_pointer (&err, g_free);
  g_assert_cmpuint (blk_capacity ("ctl props", "sda"), ==, 2 * GIB);

  g_assert_cmpint (ctl ((const char *[]) { "cd", "ctl props", "eject", NULL }, NULL, NULL), ==, 0);
  source = blk_source ("ctl props", "sdb");
  g_assert_cmpstr (source, ==, "-");
  g_clear_pointer (&source, g_free);
  g_assert_cmpint (ctl ((const char *[]) { "cd", "ctl props", "insert", iso, NULL }, NULL, NULL), ==, 0);
  source = blk_source ("ctl props", "sdb");
  g_assert_cmpstr (source, ==, iso);

  g_assert_cmpint (ctl ((const char *[]) { "xml", "ctl props", "--inactive", NULL }, &out, NULL), ==, 0);
  assert_contains (out, "<name>ctl props</name>");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl ((const char *[]) { "log", "ctl props", NULL }, NULL, &err), ==, 1);
  assert_one_line_error (err, "log");
  g_clear_pointer (&err, g_free);

  /* Wrong command lines: status 2. */
  g_assert_cmpint (ctl ((const char *[]) { "set", "ctl props", NULL }, NULL, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl ((const char *[]) { "disk-grow", "ctl props", "big", NULL }, NULL, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl ((const char *[]) { "cd", "ctl props", "spin", NULL }, NULL, &err), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl ((const char *[]) { "info", "nobody", NULL }, NULL, &err), ==, 1);
  assert_one_line_error (err, "info");

  delete_machine ("ctl props");
}

/* ------------------------------------------------------------------------ */
/* e2e: a running guest                                                     */
/* ------------------------------------------------------------------------ */

static gboolean
domain_running (gpointer name)
{
  g_autofree char *state = virsh ("domstate", (const char *) name, NULL);

  return g_str_equal (state, "running");
}

static guint64
used_memory_kib (const char *name)
{
  g_autofree char *info = virsh ("dominfo", name, NULL);
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
  create_machine ("live props", HANGAR_FIRMWARE_BIOS);

  /* Room to move while it runs: a balloon (the generic profile has none)
   * and a second processor to plug in. */
  xml = inactive_xml ("live props");
  g_assert_nonnull (strstr (xml, "<memballoon model='none'/>"));
  parts = g_strsplit (xml, "<memballoon model='none'/>", 2);
  edited = g_strjoinv ("<memballoon model='virtio'/>", parts);
  xml_path = g_build_filename (hangar_test_artifacts_dir (), "live-props.xml", NULL);
  g_assert_true (g_file_set_contents (xml_path, edited, -1, &error));
  g_free (virsh ("define", xml_path, NULL));
  g_free (virsh ("setvcpus", "live props", "2", "--config", "--maximum", NULL));
  g_free (virsh ("setvcpus", "live props", "1", "--config", NULL));
  g_free (virsh ("start", "live props", NULL));
  hangar_test_assert_eventually (domain_running, (gpointer) "live props", 30, "the guest to run");

  machine = machine_for ("live props");
  config = read_config (machine);
  g_assert_true (config->active);
  g_assert_cmpuint (config->live_max_memory_mib, ==, 512);
  g_assert_cmpuint (config->live_vcpus, ==, 1);
  g_assert_cmpuint (config->live_max_vcpus, ==, 2);

  /* Within what it booted with: at once. */
  hangar_machine_set_memory_async (machine, 384, NULL, op_done, NULL);
  g_assert_true (hangar_machine_set_memory_finish (machine, await_result (), &live, &error));
  g_assert_no_error (error);
  g_assert_true (live);
  xml = (g_free (xml), inactive_xml ("live props"));
  assert_contains (xml, "<memory unit='KiB'>393216</memory>");
  g_test_message ("Used memory after the balloon: %" G_GUINT64_FORMAT " KiB",
                  used_memory_kib ("live props"));

  hangar_machine_set_vcpus_async (machine, 2, NULL, op_done, NULL);
  g_assert_true (hangar_machine_set_vcpus_finish (machine, await_result (), &live, &error));
  g_assert_no_error (error);
  g_assert_true (live);
  count = virsh ("vcpucount", "live props", "--live", "--active", NULL);
  g_assert_cmpstr (count, ==, "2");
  g_clear_pointer (&count, g_free);
  count = virsh ("vcpucount", "live props", "--config", "--active", NULL);
  g_assert_cmpstr (count, ==, "2");
  g_clear_pointer (&count, g_free);

  /* Beyond it: from the next boot. */
  hangar_machine_set_memory_async (machine, 1024, NULL, op_done, NULL);
  g_assert_true (hangar_machine_set_memory_finish (machine, await_result (), &live, &error));
  g_assert_no_error (error);
  g_assert_false (live);
  g_assert_cmpuint (used_memory_kib ("live props"), <=, 512 * 1024);
  xml = (g_free (xml), inactive_xml ("live props"));
  assert_contains (xml, "<memory unit='KiB'>1048576</memory>");
  g_assert_cmpint (ctl ((const char *[]) { "set", "live props", "--cpus", "4", NULL }, &out, NULL),
                   ==, 0);
  g_assert_cmpstr (out, ==, "cpus\tnext-boot\n");
  g_clear_pointer (&out, g_free);
  count = virsh ("vcpucount", "live props", "--live", "--active", NULL);
  g_assert_cmpstr (count, ==, "2");
  g_clear_pointer (&count, g_free);
  count = virsh ("vcpucount", "live props", "--config", "--maximum", NULL);
  g_assert_cmpstr (count, ==, "4");
  g_clear_pointer (&count, g_free);

  /* The CD/DVD while it runs: the guest and the definition both. */
  hangar_machine_set_cdrom_async (machine, NULL, NULL, op_done, NULL);
  g_assert_true (hangar_machine_set_cdrom_finish (machine, await_result (), &live, &error));
  g_assert_no_error (error);
  g_assert_true (live);
  source = blk_source ("live props", "sdb");
  g_assert_cmpstr (source, ==, "-");
  g_clear_pointer (&source, g_free);
  xml = (g_free (xml), inactive_xml ("live props"));
  g_assert_null (strstr (xml, iso));
  hangar_machine_set_cdrom_async (machine, iso, NULL, op_done, NULL);
  g_assert_true (hangar_machine_set_cdrom_finish (machine, await_result (), &live, &error));
  g_assert_no_error (error);
  g_assert_true (live);
  source = blk_source ("live props", "sdb");
  g_assert_cmpstr (source, ==, iso);
  xml = (g_free (xml), inactive_xml ("live props"));
  assert_contains (xml, iso);

  /* The disk grows under the running guest. */
  hangar_machine_grow_disk_async (machine, "sda", 3 * GIB, NULL, op_done, NULL);
  g_assert_true (hangar_machine_grow_disk_finish (machine, await_result (), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (blk_capacity ("live props", "sda"), ==, 3 * GIB);
  hangar_machine_grow_disk_async (machine, "sda", 2 * GIB, NULL, op_done, NULL);
  g_assert_false (hangar_machine_grow_disk_finish (machine, await_result (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_cmpuint (blk_capacity ("live props", "sda"), ==, 3 * GIB);

  /* Troubleshooting: the running machine's XML, QEMU's log. */
  hangar_machine_get_xml_async (machine, FALSE, NULL, op_done, NULL);
  xml = (g_free (xml), hangar_machine_get_xml_finish (machine, await_result (), &error));
  g_assert_no_error (error);
  assert_contains (xml, "<domain type='qemu' id=");
  hangar_machine_read_log_async (machine, NULL, op_done, NULL);
  log = hangar_machine_read_log_finish (machine, await_result (), &log_path, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (log_path, "/libvirt/qemu/log/live props.log"));
  g_assert_true (g_str_has_prefix (log_path, g_get_user_cache_dir ()));
  assert_contains (log, "starting up libvirt version");
  assert_contains (log, "guest=live props");
  g_assert_cmpint (ctl ((const char *[]) { "log", "live props", NULL }, &out, NULL), ==, 0);
  assert_contains (out, "starting up libvirt version");
  g_clear_pointer (&out, g_free);

  g_clear_object (&last);
  g_clear_object (&machine);
  delete_machine ("live props");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_keep_pool_threads ();

  g_test_add_func ("/hangar/properties/libvirt/stopped", test_stopped);
  g_test_add_func ("/hangar/properties/libvirt/uefi", test_uefi);
  g_test_add_func ("/hangar/properties/libvirt/hangarctl", test_ctl);
  g_test_add_func ("/hangar/properties/e2e/running", test_running);

  return g_test_run ();
}
