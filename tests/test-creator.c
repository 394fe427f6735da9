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
#include "hangar-test-threads.h"

/* ------------------------------------------------------------------------ */
/* unit                                                                     */
/* ------------------------------------------------------------------------ */

static gboolean
is_safe_file_name (const char *name)
{
  if (!g_str_has_suffix (name, ".qcow2") || !g_ascii_isalnum (name[0]) || strstr (name, "..") != NULL)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return strlen (name) <= 64 + strlen (".qcow2");
}

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

typedef struct
{
  HangarConnection *connection;
  virConnectPtr     conn;
  const char       *iso;
} Session;

static Session session;

static void
session_open (void)
{
  g_autoptr(GError) error = NULL;

  if (session.connection != NULL)
    return;

  g_assert_cmpstr (g_getenv ("HANGAR_URI"), ==, "qemu:///session");
  session.iso = g_getenv ("HANGAR_TEST_ISO");
  g_assert_nonnull (session.iso);
  g_assert_true (g_file_test (session.iso, G_FILE_TEST_IS_REGULAR));

  /* Every machine made here gets a console the tests can read (see
   * add_test_serial() in hangar-vm-creator.c); hangarctl inherits it. */
  g_setenv ("HANGAR_TEST_SERIAL_DIR", hangar_test_artifacts_dir (), TRUE);

  g_assert_true (hangar_libvirt_init (&error));
  session.connection = hangar_test_connection_open ("qemu:///session");
  session.conn = hangar_connection_dup_handle (session.connection);
  g_assert_nonnull (session.conn);
}

/* virsh's output, lines without the empty ones. */
static GStrv
virsh_lines (const char *first,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) split = NULL;
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
    {
      g_test_message ("virsh %s: status %d: %s", first, status, err);
      return NULL;
    }
  split = g_strsplit (out, "\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (*g_strstrip (split[i]) != '\0')
      g_strv_builder_add (lines, split[i]);
  return g_strv_builder_end (lines);
}

static const char *
images_dir (void)
{
  static char *dir;

  if (dir == NULL)
    dir = hangar_storage_pool_default_path ();
  return dir;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  if (handle == NULL)
    return 0;
  while (g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

/* The session holds nothing but, maybe, the pool itself. */
static void
assert_nothing_left (void)
{
  g_auto(GStrv) domains = virsh_lines ("list", "--all", "--name", NULL);
  g_auto(GStrv) volumes = virsh_lines ("vol-list", HANGAR_STORAGE_POOL_NAME, NULL);
  const char *dir = images_dir ();
  g_autofree char *nvram = g_build_filename (g_get_user_config_dir (), "libvirt", "qemu", "nvram", NULL);

  g_assert_nonnull (domains);
  g_assert_cmpstrv (domains, (const char *[]) { NULL });
  /* No pool at all is nothing left too. */
  if (volumes != NULL)
    g_assert_cmpstrv (volumes, (const char *[]) { NULL });
  g_assert_cmpuint (count_files (dir), ==, 0);
  g_assert_cmpuint (count_files (nvram), ==, 0);
}

/* Leaves the session empty for the next test, whatever this one did. */
static void
clean_session (void)
{
  g_auto(GStrv) domains = virsh_lines ("list", "--all", "--name", NULL);

  for (guint i = 0; domains != NULL && domains[i] != NULL; i++)
    {
      g_auto(GStrv) a = virsh_lines ("destroy", domains[i], NULL);
      g_auto(GStrv) b = virsh_lines ("undefine", domains[i], "--nvram", "--remove-all-storage", NULL);
    }
  assert_nothing_left ();
}

static HangarVmSettings *
small_settings (const char *name,
                guint64     disk_gib)
{
  HangarVmSettings *settings = hangar_vm_settings_new ();

  session_open ();
  settings->name = g_strdup (name);
  settings->memory_mib = 512;
  settings->vcpus = 1;
  settings->disk_gib = disk_gib;
  settings->firmware = HANGAR_FIRMWARE_BIOS;
  settings->domain_type = HANGAR_DOMAIN_TYPE_QEMU;
  settings->iso_path = g_strdup (session.iso);
  return settings;
}

static HangarVmCreator *
new_creator (const HangarVmSettings *settings)
{
  g_autoptr(HangarOsProfile) profile = hangar_os_profile_new_generic ();

  return hangar_vm_creator_new (session.connection, profile, settings);
}

typedef struct
{
  gboolean      done;
  GVirDomain   *domain;
  GError       *error;
} CreateWait;

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CreateWait *wait = user_data;

  wait->domain = hangar_vm_creator_create_finish (HANGAR_VM_CREATOR (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
create_finished (gpointer data)
{
  return ((CreateWait *) data)->done;
}

static GVirDomain *
create_sync (HangarVmCreator  *creator,
             gboolean          start,
             GCancellable     *cancellable,
             GError          **error)
{
  CreateWait wait = { FALSE, NULL, NULL };

  hangar_vm_creator_create_async (creator, start, cancellable, create_done, &wait);
  hangar_test_assert_eventually (create_finished, &wait, 60, "the creation to end");
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.domain;
}

static char *
domain_xml (const char *name,
            gboolean    inactive)
{
  virDomainPtr dom = virDomainLookupByName (session.conn, name);
  char *raw, *xml;

  g_assert_nonnull (dom);
  raw = virDomainGetXMLDesc (dom, inactive ? VIR_DOMAIN_XML_INACTIVE : 0);
  virDomainFree (dom);
  g_assert_nonnull (raw);
  xml = g_strdup (raw);
  free (raw);
  return xml;
}

static int
domain_state (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (session.conn, name);
  int state = -1, reason;

  if (dom == NULL)
    return -1;
  if (virDomainGetState (dom, &state, &reason, 0) < 0)
    state = -1;
  virDomainFree (dom);
  return state;
}

static gboolean
domain_persistent (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (session.conn, name);
  gboolean persistent;

  g_assert_nonnull (dom);
  persistent = virDomainIsPersistent (dom) == 1;
  virDomainFree (dom);
  return persistent;
}

/* ------------------------------------------------------------------------ */
/* libvirt: the creator                                                     */
/* ------------------------------------------------------------------------ */

static void
test_create_define_only (void)
{
  g_autoptr(HangarVmSettings) settings = small_settings ("Fedora 37", 1);
  g_autoptr(HangarVmCreator) creator = new_creator (settings);
  g_autoptr(HangarVmCreator) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *disk = NULL;
  GVirDomain *domain, *domain2;

  session_open ();
  domain = create_sync (creator, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (domain);
  g_assert_cmpstr (gvir_domain_get_name (domain), ==, "Fedora 37");
  g_assert_cmpstr (hangar_vm_creator_get_name (creator), ==, "Fedora 37");
  g_assert_cmpint (hangar_vm_creator_get_step (creator), ==, HANGAR_VM_CREATOR_STEP_DONE);
  g_assert_cmpfloat (hangar_vm_creator_get_fraction (creator), ==, 1.0);
  g_assert_cmpint (domain_state ("Fedora 37"), ==, VIR_DOMAIN_SHUTOFF);
  g_assert_true (domain_persistent ("Fedora 37"));

  /* The disk is in the pool, and the machine uses it. */
  disk = g_build_filename (images_dir (), "Fedora-37.qcow2", NULL);
  g_assert_cmpstr (hangar_vm_creator_get_settings (creator)->disk_path, ==, disk);
  g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
  xml = domain_xml ("Fedora 37", TRUE);
  g_assert_nonnull (strstr (xml, disk));

  /* The same wish again: numbered. */
  second = new_creator (settings);
  domain2 = create_sync (second, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_domain_get_name (domain2), ==, "Fedora 37 2");
  g_assert_cmpstr (hangar_vm_creator_get_settings (second)->disk_path, !=, disk);

  g_object_unref (domain);
  g_object_unref (domain2);
  clean_session ();
}

static void
test_name_taken_by_transient (void)
{
  g_autoptr(HangarVmSettings) settings = small_settings ("Taken", 0);
  g_autoptr(HangarVmCreator) creator = new_creator (settings);
  g_autoptr(GError) error = NULL;
  g_autofree char *xml_path = g_build_filename (hangar_test_artifacts_dir (), "taken.xml", NULL);
  g_auto(GStrv) created = NULL;
  GVirDomain *domain;

  session_open ();
  /* A transient domain, running only, started behind Hangar's back. */
  g_assert_true (g_file_set_contents (xml_path,
                                      "<domain type='qemu'><name>Taken</name>"
                                      "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                                      "<os><type arch='x86_64' machine='q35'>hvm</type></os>"
                                      "<devices><memballoon model='none'/></devices></domain>",
                                      -1, NULL));
  created = virsh_lines ("create", xml_path, NULL);
  g_assert_nonnull (created);
  g_assert_false (domain_persistent ("Taken"));

  domain = create_sync (creator, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_domain_get_name (domain), ==, "Taken 2");
  g_object_unref (domain);
  clean_session ();
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

  session_open ();
  for (guint i = 0; i < G_N_ELEMENTS (hostile_names); i++)
    {
      g_autoptr(HangarVmSettings) settings = small_settings (hostile_names[i], 1);
      g_autoptr(HangarVmCreator) creator = new_creator (settings);
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = hangar_machine_name_normalize (hostile_names[i]);
      g_autofree char *disk_dir = NULL;
      const char *disk;
      GVirDomain *domain;

      domain = create_sync (creator, FALSE, NULL, &error);
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

        g_assert_true (is_safe_file_name (base));
      }
      g_assert_true (g_file_test (disk, G_FILE_TEST_IS_REGULAR));
      g_object_unref (domain);
    }
  clean_session ();
}

static void
test_no_space (void)
{
  g_autoptr(HangarVmSettings) settings = small_settings ("Huge", 1000000);
  g_autoptr(HangarVmCreator) creator = new_creator (settings);
  g_autoptr(GError) error = NULL;

  session_open ();
  g_assert_null (create_sync (creator, TRUE, NULL, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_NO_SPACE);
  g_assert_cmpint (hangar_vm_creator_get_step (creator), ==, HANGAR_VM_CREATOR_STEP_FAILED);
  assert_nothing_left ();
}

static void
test_rollback_at (gconstpointer data)
{
  HangarVmCreatorStep step = GPOINTER_TO_INT (data);
  g_autoptr(HangarVmSettings) settings = small_settings ("Rollback", 1);
  g_autoptr(HangarVmCreator) creator = new_creator (settings);
  g_autoptr(GError) error = NULL;

  session_open ();
  hangar_vm_creator_set_fail_step (creator, step);
  g_assert_null (create_sync (creator, TRUE, NULL, &error));
  g_assert_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_INJECTED);
  g_assert_cmpint (hangar_vm_creator_get_step (creator), ==, HANGAR_VM_CREATOR_STEP_FAILED);
  assert_nothing_left ();
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
  g_autoptr(HangarVmCreator) creator = new_creator (settings);
  g_autoptr(HangarVmCreator) early = new_creator (settings);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  session_open ();
  /* Mid-way: once the disk is being made. */
  g_signal_connect (creator, "notify::step", G_CALLBACK (on_step_cancel), cancellable);
  g_assert_null (create_sync (creator, TRUE, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_nothing_left ();
  g_clear_error (&error);

  /* Before anything. */
  g_cancellable_cancel (cancelled);
  g_assert_null (create_sync (early, TRUE, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_nothing_left ();
}

/* A real failure to start: UEFI, so that libvirt prepares NVRAM, and a
 * medium that is not there. */
static void
test_rollback_real_start_failure (void)
{
  g_autoptr(HangarVmSettings) settings = small_settings ("Broken", 1);
  g_autoptr(HangarVmCreator) creator = NULL;
  g_autoptr(GError) error = NULL;

  session_open ();
  settings->firmware = HANGAR_FIRMWARE_UEFI;
  g_free (settings->iso_path);
  settings->iso_path = g_build_filename (hangar_test_artifacts_dir (), "gone.iso", NULL);
  creator = new_creator (settings);

  g_assert_null (create_sync (creator, TRUE, NULL, &error));
  g_assert_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_START);
  g_test_message ("%s", error->message);
  assert_nothing_left ();
}

static void
test_try_needs_no_disk (void)
{
  g_autoptr(HangarVmSettings) settings = small_settings ("Try", 1);
  g_autoptr(HangarVmCreator) creator = new_creator (settings);
  g_autoptr(GError) error = NULL;

  session_open ();
  hangar_vm_creator_set_transient (creator, TRUE);
  g_assert_null (create_sync (creator, TRUE, NULL, &error));
  g_assert_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_INVALID);
  assert_nothing_left ();
}

/* A "Try it" machine that fails once started is destroyed: nothing left. */
static void
test_try_rollback (void)
{
  g_autoptr(HangarVmSettings) settings = small_settings ("Try", 0);
  g_autoptr(HangarVmCreator) creator = new_creator (settings);
  g_autoptr(GError) error = NULL;

  hangar_vm_creator_set_transient (creator, TRUE);
  hangar_vm_creator_set_fail_step (creator, HANGAR_VM_CREATOR_STEP_START);
  g_assert_null (create_sync (creator, TRUE, NULL, &error));
  g_assert_error (error, HANGAR_VM_CREATOR_ERROR, HANGAR_VM_CREATOR_ERROR_INJECTED);
  assert_nothing_left ();
}

typedef struct
{
  gboolean done;
  GError  *error;
} KeepWait;

static void
keep_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  KeepWait *wait = user_data;

  hangar_vm_creator_keep_finish (HANGAR_VM_CREATOR (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
keep_finished (gpointer data)
{
  return ((KeepWait *) data)->done;
}

/* "Try it", then keep it: the guest runs on, as a machine of its own. */
static void
test_try_then_keep (void)
{
  g_autoptr(HangarVmSettings) settings = small_settings ("Kept", 0);
  g_autoptr(HangarVmCreator) creator = new_creator (settings);
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *xml = NULL;
  g_auto(GStrv) destroyed = NULL;
  KeepWait wait = { FALSE, NULL };
  GVirDomain *domain;

  session_open ();
  hangar_vm_creator_set_transient (creator, TRUE);
  domain = create_sync (creator, TRUE, NULL, &error);
  g_assert_no_error (error);
  uuid = g_strdup (gvir_domain_get_uuid (domain));
  g_assert_false (domain_persistent ("Kept"));
  g_assert_cmpint (domain_state ("Kept"), ==, VIR_DOMAIN_RUNNING);

  hangar_vm_creator_keep_async (creator, 1, NULL, keep_done, &wait);
  hangar_test_assert_eventually (keep_finished, &wait, 60, "keeping the machine");
  g_assert_no_error (wait.error);
  g_assert_true (domain_persistent ("Kept"));
  g_assert_false (hangar_vm_creator_get_transient (creator));
  g_assert_cmpint (domain_state ("Kept"), ==, VIR_DOMAIN_RUNNING);

  /* Its next start has the disk; this one runs on, and stops into the collection. */
  destroyed = virsh_lines ("destroy", "Kept", NULL);
  g_assert_nonnull (destroyed);
  g_assert_cmpint (domain_state ("Kept"), ==, VIR_DOMAIN_SHUTOFF);
  xml = domain_xml ("Kept", TRUE);
  g_assert_nonnull (strstr (xml, uuid));
  g_assert_nonnull (strstr (xml, hangar_vm_creator_get_settings (creator)->disk_path));

  g_object_unref (domain);
  clean_session ();
}

/* ------------------------------------------------------------------------ */
/* libvirt: hangarctl                                                       */
/* ------------------------------------------------------------------------ */

static int
run_ctl (const char * const  *args,
         const char          *fail_step,
         char               **out,
         char               **err)
{
  const char *ctl = g_getenv ("HANGAR_CTL");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *command = NULL;
  g_autofree char *local_out = NULL;
  g_autofree char *local_err = NULL;
  int status;

  g_assert_nonnull (ctl);
  g_ptr_array_add (argv, (gpointer) ctl);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  if (fail_step != NULL)
    envp = g_environ_setenv (envp, "HANGAR_TEST_FAIL_STEP", fail_step, TRUE);

  command = g_strjoinv (" ", (char **) argv->pdata);
  local_out = hangar_test_spawn_capture ((const char * const *) argv->pdata,
                                         (const char * const *) envp, &status, &local_err);
  g_test_message ("%s → %d\nstdout: %s\nstderr: %s", command, status, local_out, local_err);
  if (out != NULL)
    *out = g_steal_pointer (&local_out);
  if (err != NULL)
    *err = g_steal_pointer (&local_err);
  return status;
}

static void
test_ctl_failures (void)
{
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;

  session_open ();

  /* Injected failures at the define and start steps: nothing left. */
  g_assert_cmpint (run_ctl ((const char *[]) { "create", session.iso, "--name", "ctl", "--disk", "1",
                                               "--memory", "512", NULL },
                            "define", NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "Failure injected after the define step"));
  assert_nothing_left ();

  g_assert_cmpint (run_ctl ((const char *[]) { "create", session.iso, "--name", "ctl", "--disk", "1",
                                               "--memory", "512", NULL },
                            "start", NULL, NULL), ==, 1);
  assert_nothing_left ();

  /* A disk larger than this whole machine: one clear line, nothing left. */
  g_assert_cmpint (run_ctl ((const char *[]) { "create", session.iso, "--disk", "100000000", NULL },
                            NULL, NULL, &err2), ==, 1);
  g_assert_nonnull (strstr (err2, "larger than the whole storage"));
  g_assert_cmpint (strchr (err2, '\n') - err2, ==, strlen (err2) - 1);
  assert_nothing_left ();

  /* Bad input. */
  g_assert_cmpint (run_ctl ((const char *[]) { "create", "/nonexistent.iso", NULL }, NULL, NULL, &err3),
                   ==, 1);
  g_assert_nonnull (strstr (err3, "/nonexistent.iso"));
  g_assert_cmpint (run_ctl ((const char *[]) { "create", session.iso, "--try", "--disk", "3", NULL },
                            NULL, NULL, NULL), ==, 2);
  g_assert_cmpint (run_ctl ((const char *[]) { "create", NULL }, NULL, NULL, NULL), ==, 2);
  assert_nothing_left ();
}

static void
test_ctl_define_only (void)
{
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;

  session_open ();
  g_assert_cmpint (run_ctl ((const char *[]) { "create", session.iso, "--name", "X", "--disk", "1",
                                               "--memory", "512", "--cpus", "1", "--no-start", NULL },
                            NULL, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "X\n");
  g_assert_cmpint (run_ctl ((const char *[]) { "create", session.iso, "--name", "X", "--disk", "1",
                                               "--no-start", NULL },
                            NULL, &out2, NULL), ==, 0);
  g_assert_cmpstr (out2, ==, "X 2\n");
  g_assert_cmpint (domain_state ("X"), ==, VIR_DOMAIN_SHUTOFF);
  g_assert_cmpint (domain_state ("X 2"), ==, VIR_DOMAIN_SHUTOFF);
  {
    g_autofree char *xml = domain_xml ("X", TRUE);

    /* Tests force emulation: never KVM here. */
    g_assert_true (g_str_has_prefix (xml, "<domain type='qemu'"));
    g_assert_nonnull (strstr (xml, "<memory unit='KiB'>524288</memory>"));
  }
  clean_session ();
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
  g_autofree char *err = NULL;
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;
  int status;

  session_open ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (readme, "not really Fedora\n", -1, NULL));
  /* Bootable (El Torito) like a real one, or it is no installer at all. */
  g_assert_true (g_file_set_contents (boot, zeros, 2048, NULL));
  g_free (hangar_test_spawn_capture ((const char *[]) { "xorriso", "-as", "mkisofs", "-quiet",
                                                        "-V", "Fedora-WS-Live-37-1-7",
                                                        "-sysid", "LINUX", "-b", "boot.img",
                                                        "-no-emul-boot", "-boot-load-size", "4",
                                                        "-o", iso, dir, NULL },
                                     NULL, &status, &err));
  g_assert_cmpint (status, ==, 0);

  g_assert_cmpint (run_ctl ((const char *[]) { "create", iso, "--disk", "1", "--no-start", NULL },
                            NULL, &out, NULL), ==, 0);
  name = g_strstrip (g_strdup (out));
  g_assert_true (g_str_has_prefix (name, "Fedora"));
  xml = domain_xml (name, TRUE);
  g_assert_nonnull (strstr (xml, "http://fedoraproject.org/fedora/37"));
  clean_session ();
}

/* ------------------------------------------------------------------------ */
/* e2e: real guests                                                         */
/* ------------------------------------------------------------------------ */

/* The guest's console, as the creator's test seam (HANGAR_TEST_SERIAL_DIR)
 * wires it: a log in the artifacts directory and a socket to type into. */
static HangarTestGuest *
console_for (const char *name)
{
  HangarTestGuest *guest = g_new0 (HangarTestGuest, 1);
  g_autofree char *file = hangar_storage_volume_name_for (name);
  g_autofree char *stem = g_strndup (file, strlen (file) - strlen (".qcow2"));
  g_autofree char *log_name = g_strconcat (stem, "-serial.log", NULL);
  g_autofree char *socket_name = g_strconcat (stem, "-serial.sock", NULL);

  guest->name = g_strdup (name);
  guest->transcript = g_string_new (NULL);
  guest->serial_cancellable = g_cancellable_new ();
  guest->serial_log = g_build_filename (hangar_test_artifacts_dir (), log_name, NULL);
  guest->serial_socket = g_build_filename (g_get_user_runtime_dir (), socket_name, NULL);
  return guest;
}

static void
wait_banner (HangarTestGuest *guest,
             gint64           started)
{
  g_autofree char *banner = hangar_test_guest_wait_line (guest, HANGAR_TEST_BANNER, 1,
                                                         HANGAR_TEST_BOOT_TIMEOUT_S);

  g_test_message ("%s: banner %.1f s after the command: %s", guest->name,
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, banner);
}

static void
test_e2e_ctl_create (void)
{
  g_autoptr(HangarTestGuest) guest = console_for ("hangar-e2e");
  g_autofree char *out = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *disk = NULL;
  gint64 started = g_get_monotonic_time ();

  session_open ();
  g_assert_cmpint (run_ctl ((const char *[]) { "create", session.iso, "--name", "hangar-e2e",
                                               "--disk", "1", "--memory", "512", "--cpus", "1", NULL },
                            NULL, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "hangar-e2e\n");
  g_assert_true (domain_persistent ("hangar-e2e"));
  g_assert_cmpint (domain_state ("hangar-e2e"), ==, VIR_DOMAIN_RUNNING);
  xml = domain_xml ("hangar-e2e", FALSE);
  disk = g_build_filename (images_dir (), "hangar-e2e.qcow2", NULL);
  g_assert_nonnull (strstr (xml, disk));
  g_assert_nonnull (strstr (xml, session.iso));
  wait_banner (guest, started);
  clean_session ();
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
  return domain_state (data) == -1;
}

/* "Try it" from the command line: a transient machine boots; the app's
 * collection shows it while it runs; after a force-off nothing remains. */
static void
test_e2e_ctl_try (void)
{
  g_autoptr(HangarTestGuest) guest = console_for ("hangar-try");
  g_autoptr(HangarConnection) connection = hangar_connection_new ("qemu:///session");
  g_autoptr(HangarCollection) collection = hangar_collection_new (connection);
  g_autofree char *out = NULL;
  g_auto(GStrv) destroyed = NULL;
  CollectionWait wait = { collection, "hangar-try", TRUE };
  gint64 started = g_get_monotonic_time ();

  session_open ();
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  hangar_test_assert_eventually (connection_ready, connection, 30, "the collection's connection");

  g_assert_cmpint (run_ctl ((const char *[]) { "create", session.iso, "--try", "--name", "hangar-try",
                                               "--memory", "512", "--cpus", "1", NULL },
                            NULL, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "hangar-try\n");
  g_assert_false (domain_persistent ("hangar-try"));
  hangar_test_assert_eventually (collection_shows, &wait, 15, "the try-it machine in the collection");
  wait_banner (guest, started);

  destroyed = virsh_lines ("destroy", "hangar-try", NULL);
  g_assert_nonnull (destroyed);
  hangar_test_assert_eventually (domain_gone, (gpointer) "hangar-try", 15, "the domain to go");
  wait.present = FALSE;
  hangar_test_assert_eventually (collection_shows, &wait, 15, "the collection to drop it");
  assert_nothing_left ();
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
  g_autoptr(HangarTestGuest) guest = console_for (name);
  g_autoptr(HangarVmSettings) settings = small_settings (name, 1);
  g_autoptr(HangarVmCreator) creator = new_creator (settings);
  g_autoptr(HangarInstallTracker) tracker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *ready = NULL;
  FinishWait wait = { FALSE, FALSE, NULL };
  GVirDomain *domain;

  session_open ();
  tracker = hangar_install_tracker_new (session.connection);
  g_signal_connect (tracker, "install-finished", G_CALLBACK (on_install_finished), &wait);

  domain = create_sync (creator, TRUE, NULL, &error);
  g_assert_no_error (error);
  before = domain_xml (name, TRUE);
  g_assert_nonnull (strstr (before, "installing"));
  g_assert_nonnull (strstr (before, "<on_reboot>destroy</on_reboot>"));
  g_assert_nonnull (strstr (before, session.iso));

  ready = hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 1, HANGAR_TEST_BOOT_TIMEOUT_S);
  hangar_test_guest_run (guest, command);
  hangar_test_assert_eventually (install_finished, &wait, 60, "the installation to end");
  g_assert_cmpstr (wait.name, ==, name);
  g_assert_cmpint (wait.restarted, ==, reboot);

  after = domain_xml (name, TRUE);
  g_test_message ("after: %s", after);
  g_assert_null (strstr (after, "installing"));
  g_assert_null (strstr (after, session.iso));
  g_assert_nonnull (strstr (after, "<on_reboot>restart</on_reboot>"));
  g_assert_nonnull (strstr (after, "device='cdrom'"));
  g_assert_nonnull (strstr (after, hangar_vm_creator_get_settings (creator)->disk_path));
  g_assert_cmpint (domain_state (name), ==, reboot ? VIR_DOMAIN_RUNNING : VIR_DOMAIN_SHUTOFF);

  g_free (wait.name);
  g_object_unref (domain);
  clean_session ();
}

static gboolean
domain_shut_off (gpointer data)
{
  return domain_state (data) == VIR_DOMAIN_SHUTOFF;
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
  g_autoptr(HangarTestGuest) guest = console_for ("kept-live");
  g_autoptr(HangarVmSettings) settings = small_settings ("kept-live", 0);
  g_autoptr(HangarVmCreator) creator = new_creator (settings);
  g_autoptr(HangarInstallTracker) tracker = hangar_install_tracker_new (session.connection);
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *after = NULL;
  FinishWait finish = { FALSE, FALSE, NULL };
  KeepWait keep = { FALSE, NULL };
  GVirDomain *domain;
  gint64 settle;

  g_signal_connect (tracker, "install-finished", G_CALLBACK (on_install_finished), &finish);
  hangar_vm_creator_set_transient (creator, TRUE);
  domain = create_sync (creator, TRUE, NULL, &error);
  g_assert_no_error (error);
  ready = hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 1, HANGAR_TEST_BOOT_TIMEOUT_S);

  hangar_vm_creator_keep_async (creator, 1, NULL, keep_done, &keep);
  hangar_test_assert_eventually (keep_finished, &keep, 60, "keeping the machine");
  g_assert_no_error (keep.error);

  hangar_test_guest_run (guest, "poweroff -f");
  hangar_test_assert_eventually (domain_shut_off, (gpointer) "kept-live", 60, "the guest to power off");
  /* Long enough for the tracker's thread to have acted, had it wanted to. */
  settle = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  hangar_test_wait_until (true_after, &settle, 5);
  g_assert_false (finish.finished);

  after = domain_xml ("kept-live", TRUE);
  g_assert_nonnull (strstr (after, "installing"));
  g_assert_nonnull (strstr (after, session.iso));
  g_assert_nonnull (strstr (after, hangar_vm_creator_get_settings (creator)->disk_path));

  g_object_unref (domain);
  clean_session ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_keep_pool_threads ();

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
