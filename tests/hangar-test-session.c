/* hangar-test-session.c
 *
 * Shared test helpers without GTK for the isolated session (and libvirt's
 * test driver): its connections, domains queried behind Hangar's back,
 * machines made and looked at as the app does, an empty session asserted or
 * restored.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-libvirt.h"
#include "hangar-machine.h"
#include "hangar-storage-pool.h"
#include "hangar-test-utils.h"
#include "hangar-vm-creator.h"

/**
 * hangar_test_iso:
 *
 * Returns: (transfer none): the live ISO's path, from $HANGAR_TEST_ISO
 */
const char *
hangar_test_iso (void)
{
  const char *iso = g_getenv ("HANGAR_TEST_ISO");

  /* Without the fixture a test cannot say anything: fail, never skip. */
  g_assert_nonnull (iso);
  g_assert_true (g_file_test (iso, G_FILE_TEST_IS_REGULAR));
  return iso;
}

/**
 * hangar_test_session_setup:
 *
 * Checks that the test runs in the isolated session with the live ISO, has
 * the console of every machine made from now on (by the creator or by
 * hangarctl, which inherits it) logged in the artifacts directory (the
 * creator's HANGAR_TEST_SERIAL_DIR seam), and initialises libvirt. Does
 * nothing the second time.
 *
 * Returns: (transfer none): the live ISO's path
 */
const char *
hangar_test_session_setup (void)
{
  static const char *iso;
  g_autoptr(GError) error = NULL;

  if (iso != NULL)
    return iso;

  g_assert_cmpstr (g_getenv ("HANGAR_URI"), ==, "qemu:///session");
  iso = hangar_test_iso ();
  g_setenv ("HANGAR_TEST_SERIAL_DIR", hangar_test_artifacts_dir (), TRUE);
  g_assert_true (hangar_libvirt_init (&error));
  g_assert_no_error (error);
  return iso;
}

/**
 * hangar_test_session_conn:
 *
 * A bare connection to the session, opened once: a #GVirConnection would
 * receive the events a revert or a rename sends, which libvirt-gobject 4.0
 * meets with g_warn_if_reached(), fatal in a test.
 *
 * Returns: (transfer none): the connection
 */
virConnectPtr
hangar_test_session_conn (void)
{
  static virConnectPtr conn;

  if (conn == NULL)
    {
      hangar_test_session_setup ();
      conn = virConnectOpen ("qemu:///session");
      g_assert_nonnull (conn);
    }
  return conn;
}

static gboolean
open_settled (gpointer data)
{
  return hangar_connection_get_state (data) != HANGAR_CONNECTION_CONNECTING;
}

/**
 * hangar_test_connection_open:
 * @uri: a libvirt URI
 *
 * Opens a #HangarConnection and waits until it is connected, as the app's
 * and hangarctl's are before they create or track machines.
 *
 * Returns: (transfer full): the open connection; close it with
 *   hangar_connection_close()
 */
HangarConnection *
hangar_test_connection_open (const char *uri)
{
  HangarConnection *connection = hangar_connection_new (uri);
  const GError *error;

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  hangar_test_assert_eventually (open_settled, connection, 30, uri);
  error = hangar_connection_get_error (connection);
  g_assert_no_error ((GError *) error);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_CONNECTED);
  return connection;
}

/**
 * hangar_test_session_connection:
 *
 * The session as Hangar opens it, opened once, for what needs one (a
 * creator, an install tracker).
 *
 * Returns: (transfer none): the connection
 */
HangarConnection *
hangar_test_session_connection (void)
{
  static HangarConnection *connection;

  if (connection == NULL)
    {
      hangar_test_session_setup ();
      connection = hangar_test_connection_open ("qemu:///session");
    }
  return connection;
}

/**
 * hangar_test_domain_state:
 *
 * Returns: @name's virDomainState, or -1 when libvirt knows no such domain
 */
int
hangar_test_domain_state (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (hangar_test_session_conn (), name);
  int state = -1, reason;

  if (dom == NULL)
    return -1;
  if (virDomainGetState (dom, &state, &reason, 0) < 0)
    state = -1;
  virDomainFree (dom);
  return state;
}

gboolean
hangar_test_domain_exists (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (hangar_test_session_conn (), name);

  if (dom == NULL)
    return FALSE;
  virDomainFree (dom);
  return TRUE;
}

gboolean
hangar_test_domain_persistent (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (hangar_test_session_conn (), name);
  gboolean persistent;

  g_assert_nonnull (dom);
  persistent = virDomainIsPersistent (dom) == 1;
  virDomainFree (dom);
  return persistent;
}

/**
 * hangar_test_domain_has_saved_state:
 *
 * Returns: whether @name has a managed save image
 */
gboolean
hangar_test_domain_has_saved_state (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (hangar_test_session_conn (), name);
  int saved;

  g_assert_nonnull (dom);
  saved = virDomainHasManagedSaveImage (dom, 0);
  virDomainFree (dom);
  g_assert_cmpint (saved, >=, 0);
  return saved == 1;
}

/**
 * hangar_test_domain_xml:
 * @inactive: the definition for the next start, rather than the running one
 *
 * Returns: (transfer full): @name's XML, as libvirt has it
 */
char *
hangar_test_domain_xml (const char *name,
                        gboolean    inactive)
{
  virDomainPtr dom = virDomainLookupByName (hangar_test_session_conn (), name);
  char *raw, *xml;

  g_assert_nonnull (dom);
  raw = virDomainGetXMLDesc (dom, inactive ? VIR_DOMAIN_XML_INACTIVE : 0);
  virDomainFree (dom);
  g_assert_nonnull (raw);
  xml = g_strdup (raw);
  free (raw);
  return xml;
}

/**
 * hangar_test_machine_for:
 *
 * A machine for the domain libvirt has now under @name (a rename makes a
 * new one), on the bare connection: it reads its state when asked.
 *
 * Returns: (transfer full): the machine
 */
HangarMachine *
hangar_test_machine_for (const char *name)
{
  virDomainPtr dom = virDomainLookupByName (hangar_test_session_conn (), name);
  GVirDomain *domain;
  HangarMachine *machine;

  g_assert_nonnull (dom);
  domain = g_object_new (GVIR_TYPE_DOMAIN, "handle", dom, NULL);
  virDomainFree (dom);
  machine = hangar_machine_new (domain);
  g_object_unref (domain);
  return machine;
}

/**
 * hangar_test_vm_settings:
 * @disk_gib: the disk's size; 0 for none
 *
 * A small machine as a test wants it: 512 MiB, one processor, BIOS,
 * software emulation, the live ISO in its CD drive.
 *
 * Returns: (transfer full): the settings, for the test to change
 */
HangarVmSettings *
hangar_test_vm_settings (const char *name,
                         guint64     disk_gib)
{
  HangarVmSettings *settings = hangar_vm_settings_new ();

  settings->name = g_strdup (name);
  settings->memory_mib = 512;
  settings->vcpus = 1;
  settings->disk_gib = disk_gib;
  settings->firmware = HANGAR_FIRMWARE_BIOS;
  settings->domain_type = HANGAR_DOMAIN_TYPE_QEMU;
  settings->iso_path = g_strdup (hangar_test_iso ());
  return settings;
}

/**
 * hangar_test_new_creator:
 *
 * Returns: (transfer full): a creator of @settings with the generic profile,
 *   on hangar_test_session_connection()
 */
HangarVmCreator *
hangar_test_new_creator (const HangarVmSettings *settings)
{
  g_autoptr(HangarOsProfile) profile = hangar_os_profile_new_generic ();

  return hangar_vm_creator_new (hangar_test_session_connection (), profile, settings);
}

/**
 * hangar_test_create:
 *
 * Runs @creator to its end.
 *
 * Returns: (transfer full) (nullable): the machine's domain, or %NULL with
 *   @error set
 */
GVirDomain *
hangar_test_create (HangarVmCreator  *creator,
                    gboolean          start,
                    GCancellable     *cancellable,
                    GError          **error)
{
  hangar_vm_creator_create_async (creator, start, cancellable, hangar_test_async_done, NULL);
  return hangar_vm_creator_create_finish (creator, hangar_test_await (), error);
}

/**
 * hangar_test_create_machine:
 *
 * Makes a machine as the app makes them (hangar_test_vm_settings(), the
 * generic profile): a qcow2 disk in Hangar's pool, the live ISO in its CD
 * drive; a console for the test after hangar_test_session_setup(). Through
 * a connection of its own, closed again: see hangar_test_session_conn().
 */
void
hangar_test_create_machine (const char     *name,
                            HangarFirmware  firmware,
                            gboolean        start)
{
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings (name, 1);
  g_autoptr(HangarOsProfile) profile = hangar_os_profile_new_generic ();
  g_autoptr(HangarConnection) connection = hangar_test_connection_open ("qemu:///session");
  g_autoptr(HangarVmCreator) creator = NULL;
  g_autoptr(GError) error = NULL;
  GVirDomain *domain;

  settings->firmware = firmware;
  creator = hangar_vm_creator_new (connection, profile, settings);
  domain = hangar_test_create (creator, start, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (domain);
  g_clear_object (&creator);
  hangar_test_async_clear ();
  hangar_connection_close (connection);
}

/**
 * hangar_test_pool_file:
 * @file: (nullable): a file name
 *
 * Returns: (transfer full): the path of @file in Hangar's pool directory, or
 *   of the directory itself for %NULL
 */
char *
hangar_test_pool_file (const char *file)
{
  g_autofree char *dir = hangar_storage_pool_default_path ();

  return g_build_filename (dir, file, NULL);
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

/**
 * hangar_test_pool_files:
 *
 * Returns: how many files Hangar's pool directory holds (0 before it exists)
 */
guint
hangar_test_pool_files (void)
{
  g_autofree char *dir = hangar_storage_pool_default_path ();

  return count_files (dir);
}

/**
 * hangar_test_assert_session_empty:
 *
 * Asserts that the session holds nothing but, maybe, Hangar's pool: no
 * domain, no volume, no file in the pool's directory, no NVRAM.
 */
void
hangar_test_assert_session_empty (void)
{
  g_auto(GStrv) domains = hangar_test_virsh_lines ("list", "--all", "--name", NULL);
  g_auto(GStrv) volumes = hangar_test_virsh_lines ("vol-list", HANGAR_STORAGE_POOL_NAME, NULL);
  g_autofree char *images = hangar_storage_pool_default_path ();
  g_autofree char *nvram = g_build_filename (g_get_user_config_dir (), "libvirt", "qemu", "nvram",
                                             NULL);

  g_assert_nonnull (domains);
  g_assert_cmpstrv (domains, (const char *[]) { NULL });
  /* No pool at all is nothing left too. */
  if (volumes != NULL)
    g_assert_cmpstrv (volumes, (const char *[]) { NULL });
  g_assert_cmpuint (count_files (images), ==, 0);
  g_assert_cmpuint (count_files (nvram), ==, 0);
}

/**
 * hangar_test_clean_session:
 *
 * Leaves the session empty for the next test, whatever this one did, and
 * asserts it is (hangar_test_assert_session_empty()).
 */
void
hangar_test_clean_session (void)
{
  g_auto(GStrv) domains = hangar_test_virsh_lines ("list", "--all", "--name", NULL);

  for (guint i = 0; domains != NULL && domains[i] != NULL; i++)
    {
      g_free (hangar_test_virsh_try ("destroy", domains[i], NULL));
      g_free (hangar_test_virsh_try ("undefine", domains[i], "--nvram", "--remove-all-storage",
                                     NULL));
    }
  hangar_test_assert_session_empty ();
}

/**
 * hangar_test_is_safe_volume_name:
 * @file: a disk's file name in Hangar's pool
 *
 * Returns: whether @file is a plain, short file name that no shell, path or
 *   option parser reads as more: ASCII letters, digits, "-", "_" and single
 *   dots, starting with a letter or digit, ending in ".qcow2"
 */
gboolean
hangar_test_is_safe_volume_name (const char *file)
{
  if (!g_str_has_suffix (file, ".qcow2") || !g_ascii_isalnum (file[0]) ||
      strstr (file, "..") != NULL)
    return FALSE;
  for (const char *p = file; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return strlen (file) <= 64 + strlen (".qcow2");
}

typedef struct
{
  HangarCollection   *collection;
  const char         *name;
  HangarMachineState  state;
} MachineWait;

static gboolean
machine_in_state (gpointer data)
{
  MachineWait *wait = data;
  HangarMachine *machine = hangar_collection_find_by_name (wait->collection, wait->name);

  return machine != NULL && hangar_machine_get_state (machine) == wait->state;
}

/**
 * hangar_test_wait_machine_state:
 *
 * Waits until @collection holds a machine @name in @state.
 */
void
hangar_test_wait_machine_state (HangarCollection   *collection,
                                const char         *name,
                                HangarMachineState  state,
                                guint               timeout_s)
{
  MachineWait wait = { collection, name, state };

  if (!hangar_test_wait_until (machine_in_state, &wait, timeout_s))
    {
      HangarMachine *machine = hangar_collection_find_by_name (collection, name);

      g_error ("Timed out after %u s waiting for “%s” to be %s; it is %s", timeout_s, name,
               hangar_machine_state_to_nick (state),
               machine != NULL ? hangar_machine_state_to_nick (hangar_machine_get_state (machine))
                               : "not in the collection");
    }
}

static gboolean
machine_gone (gpointer data)
{
  MachineWait *wait = data;

  return hangar_collection_find_by_name (wait->collection, wait->name) == NULL;
}

/**
 * hangar_test_wait_machine_gone:
 *
 * Waits until @collection holds no machine @name.
 */
void
hangar_test_wait_machine_gone (HangarCollection *collection,
                               const char       *name,
                               guint             timeout_s)
{
  MachineWait wait = { collection, name, HANGAR_MACHINE_STATE_UNKNOWN };
  g_autofree char *what = g_strdup_printf ("“%s” to leave the collection", name);

  hangar_test_assert_eventually (machine_gone, &wait, timeout_s, what);
}

/**
 * hangar_test_machine_names:
 * @machines: (element-type HangarMachine): a collection, or what a view shows
 *
 * Returns: (transfer full): the machines' names, in order, joined by @separator
 */
char *
hangar_test_machine_names (GListModel *machines,
                           const char *separator)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (machines); i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (machines, i);

      if (i > 0)
        g_string_append (names, separator);
      g_string_append (names, hangar_machine_get_name (machine));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/**
 * hangar_test_define_test_domain:
 * @gvir: a connection to libvirt's test driver
 * @metadata: (nullable): what the domain's <metadata> holds
 *
 * Defines a small domain on the test driver.
 *
 * Returns: (transfer full): its domain
 */
GVirDomain *
hangar_test_define_test_domain (GVirConnection *gvir,
                                const char     *name,
                                const char     *metadata)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = g_strdup_printf ("<domain type='test'><name>%s</name>"
                                          "<metadata>%s</metadata>"
                                          "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                                          "<os><type>hvm</type></os></domain>", name,
                                          metadata != NULL ? metadata : "");
  /* libvirt-gconfig has no autoptr cleanups on Debian 12's version. */
  GVirConfigDomain *config = gvir_config_domain_new_from_xml (xml, &error);
  GVirDomain *domain;

  g_assert_no_error (error);
  domain = gvir_connection_create_domain (gvir, config, &error);
  g_object_unref (config);
  g_assert_no_error (error);
  g_assert_nonnull (domain);
  return domain;
}
