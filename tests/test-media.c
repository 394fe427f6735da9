/* test-media.c
 *
 * Media identification against the installed osinfo-db, with ISO images built
 * here by xorriso carrying real distributions' header fields; the errors for
 * files that are not usable images; guesses for releases newer than the
 * database; the host probe; the pure defaults function; `hangarctl detect`.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <osinfo/osinfo.h>
#if defined(__SANITIZE_ADDRESS__)
# include <sanitizer/lsan_interface.h>
#endif

#include "hangar-vm-settings.h"
#include "hangar-media-file.h"
#include "hangar-media-private.h"
#include "hangar-os-db.h"
#include "hangar-test-utils.h"

#define TIMEOUT_S 30
#define MIB (G_GUINT64_CONSTANT (1) << 20)
#define GIB (G_GUINT64_CONSTANT (1) << 30)

/* ECMA-119 primary volume descriptor: sector 16, fields padded with spaces. */
#define PVD_OFFSET          (16 * 2048)
#define PVD_SYSTEM_ID       8
#define PVD_SYSTEM_LEN      32
#define PVD_PUBLISHER_ID    318
#define PVD_PUBLISHER_LEN   128
#define PVD_APPLICATION_ID  574
#define PVD_APPLICATION_LEN 128

static char *tmp_dir;

/* Images ------------------------------------------------------------------ */

static void
write_pvd_field (const char *path,
                 goffset     field,
                 gsize       len,
                 const char *value)
{
  g_autofree char *padded = g_malloc (len);
  int fd = g_open (path, O_WRONLY, 0);

  g_assert_cmpint (fd, >=, 0);
  memset (padded, ' ', len);
  memcpy (padded, value, MIN (strlen (value), len));
  g_assert_cmpint (pwrite (fd, padded, len, PVD_OFFSET + field), ==, (gssize) len);
  close (fd);
}

/*
 * make_iso:
 * @name: the file name in the test directory
 * @volume_id: the volume ID (xorriso keeps its case)
 * @system_id, @publisher_id, @application_id: (nullable): written into the
 *   descriptor afterwards, as the real images have them: xorriso upper-cases
 *   these (“FREEBSD”, “SUSE LINUX GMBH”), and libosinfo matches them with
 *   case-sensitive patterns
 * @bootable: add an El Torito boot record, as every installer has
 * @payload_bytes: size of a filler file, to make an image worth truncating
 *
 * Returns: (transfer full): the image's path
 */
static char *
make_iso (const char *name,
          const char *volume_id,
          const char *system_id,
          const char *publisher_id,
          const char *application_id,
          gboolean    bootable,
          gsize       payload_bytes)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autofree char *src = g_build_filename (tmp_dir, "src", NULL);
  g_autofree char *readme = g_build_filename (src, "README", NULL);
  g_autofree char *boot = g_build_filename (src, "boot.img", NULL);
  g_autofree char *filler = g_build_filename (src, "filler.bin", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *args[16];
  guint n = 0;
  g_autoptr(GError) error = NULL;
  const char *xorriso = g_getenv ("HANGAR_TEST_XORRISO");
  g_auto(GStrv) env = NULL;
  int status;

  g_assert_nonnull (xorriso);
  g_assert_no_errno (g_mkdir_with_parents (src, 0700));
  g_assert_true (g_file_set_contents (readme, "Hangar test image\n", -1, &error));
  if (bootable)
    {
      /* El Torito needs a boot image; its contents do not matter here. */
      g_autofree char *zeros = g_malloc0 (2048);

      g_assert_true (g_file_set_contents (boot, zeros, 2048, &error));
    }
  else
    g_remove (boot);
  g_remove (filler);
  if (payload_bytes > 0)
    {
      g_autofree char *data = g_malloc (payload_bytes);

      for (gsize i = 0; i < payload_bytes; i++)
        data[i] = (char) (i * 7);
      g_assert_true (g_file_set_contents (filler, data, payload_bytes, &error));
    }
  args[n++] = xorriso;
  args[n++] = "-as";
  args[n++] = "mkisofs";
  args[n++] = "-quiet";
  args[n++] = "-V";
  args[n++] = volume_id;
  if (bootable)
    {
      args[n++] = "-b";
      args[n++] = "boot.img";
      args[n++] = "-no-emul-boot";
      args[n++] = "-boot-load-size";
      args[n++] = "4";
    }
  args[n++] = "-o";
  args[n++] = path;
  args[n++] = src;
  args[n++] = NULL;
  g_assert_cmpuint (n, <=, G_N_ELEMENTS (args));

  /* The malloc checks the test environment sets are for Hangar's code;
   * xorriso 1.5.4 died of SIGSEGV in a few of this test's runs while they
   * were set (never when run by hand with them). */
  env = g_get_environ ();
  env = g_environ_unsetenv (env, "MALLOC_PERTURB_");
  env = g_environ_unsetenv (env, "MALLOC_CHECK_");

  /* Should it crash still, a fixture tool's crash is retried and said so in
   * the TAP output; it is not what this test checks. */
  for (guint attempt = 1; ; attempt++)
    {
      g_remove (path);
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      g_assert_true (g_spawn_sync (NULL, (char **) args, env, G_SPAWN_DEFAULT, NULL, NULL,
                                   &out, &err, &status, &error));
      g_assert_no_error (error);
      if (g_spawn_check_wait_status (status, NULL))
        break;
      if (!WIFSIGNALED (status) || attempt == 3)
        g_error ("xorriso failed for “%s”: %s", volume_id, err);
      g_test_message ("xorriso was killed by signal %d for “%s”; running it again",
                      WTERMSIG (status), volume_id);
    }

  if (system_id != NULL)
    write_pvd_field (path, PVD_SYSTEM_ID, PVD_SYSTEM_LEN, system_id);
  if (publisher_id != NULL)
    write_pvd_field (path, PVD_PUBLISHER_ID, PVD_PUBLISHER_LEN, publisher_id);
  if (application_id != NULL)
    write_pvd_field (path, PVD_APPLICATION_ID, PVD_APPLICATION_LEN, application_id);

  return g_steal_pointer (&path);
}

/* Identification helpers ---------------------------------------------------- */

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("Timed out after %d s waiting for %s", TIMEOUT_S, (const char *) data);
  return G_SOURCE_REMOVE;
}

static void
wait_done (Wait       *wait,
           const char *what)
{
  guint id = g_timeout_add_seconds (TIMEOUT_S, timeout_cb, (gpointer) what);

  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static HangarMedia *
identify (const char  *path,
          GError     **error)
{
  HangarOsDb *db = hangar_os_db_get_default ();
  Wait wait = { 0 };
  HangarMedia *media;

  hangar_os_db_identify_async (db, path, NULL, store_result, &wait);
  wait_done (&wait, path);
  media = hangar_os_db_identify_finish (db, wait.result, error);
  g_object_unref (wait.result);
  return media;
}

/* @path's media, which must be identified somehow, if only as unknown. */
static HangarMedia *
identify_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  HangarMedia *media = identify (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (media);
  return media;
}

static void
ensure_loaded (void)
{
  HangarOsDb *db = hangar_os_db_get_default ();
  g_autoptr(GError) error = NULL;
  Wait wait = { 0 };

  hangar_os_db_load_async (db, NULL, store_result, &wait);
  wait_done (&wait, "the database");
  g_assert_true (hangar_os_db_load_finish (db, wait.result, &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
}

/* A roomy host with KVM: the defaults below are then the profile's own. */
static HangarHostInfo *
roomy_host (void)
{
  HangarHostInfo *host = hangar_host_info_new ();

  host->ram_mib = 32768;
  host->cpus = 16;
  host->free_bytes = 1024 * GIB;
  host->kvm_usable = TRUE;
  g_free (host->arch);
  host->arch = g_strdup ("x86_64");
  return host;
}

/* Real OSes ----------------------------------------------------------------- */

/* The database through libosinfo directly ---------------------------------------
 *
 * What osinfo-db says of a medium changes between its releases (Debian 12
 * ships 20221130, Debian 13 20250606): Ubuntu 22.04's desktop image gained a
 * variant, Debian 11's recommended memory doubled, each family got newer
 * versions. The tests read those facts here, from libosinfo itself and not
 * through Hangar's code, and assert what Hangar makes of them: the variant's
 * name as the label, the recommended memory as the default, the newest
 * released version as the stand-in. The tables keep what is the same in
 * every release (which OS an image is, where Hangar's own rules decide). */
static OsinfoDb *
direct_db (void)
{
  static OsinfoDb *db;

  if (db == NULL)
    {
      g_autoptr(OsinfoLoader) loader = osinfo_loader_new ();
      g_autoptr(GError) error = NULL;

      /* libosinfo 1.10 loses a few allocations while loading its database:
       * left out of leak checking, as in hangar-os-db.c. */
#if defined(__SANITIZE_ADDRESS__)
      __lsan_disable ();
#endif
      osinfo_loader_process_default_path (loader, &error);
#if defined(__SANITIZE_ADDRESS__)
      __lsan_enable ();
#endif
      g_assert_no_error (error);
      db = g_object_ref (osinfo_loader_get_db (loader));
    }
  return db;
}

static OsinfoOs *
direct_os (const char *short_id)
{
  OsinfoOs *os = osinfo_db_get_os (direct_db (), short_id);

  if (os == NULL)
    {
      /* By short ID: the database's keys are URIs. */
      g_autoptr(OsinfoOsList) list = osinfo_db_get_os_list (direct_db ());

      for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)) && os == NULL; i++)
        {
          OsinfoOs *candidate = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));

          if (g_strcmp0 (osinfo_product_get_short_id (OSINFO_PRODUCT (candidate)), short_id) == 0)
            os = candidate;
        }
    }
  g_assert_nonnull (os);
  return os;
}

/* The first variant libosinfo matches for these IDs, and its name (NULL, NULL
 * when the medium has none). */
static void
direct_variant (const char  *arch,
                const char  *volume_id,
                const char  *system_id,
                const char  *publisher_id,
                const char  *application_id,
                char       **variant,
                char       **variant_name)
{
  g_autoptr(OsinfoMedia) media = osinfo_media_new ("test:media", arch);
  g_autoptr(OsinfoOsVariantList) variants = NULL;

  *variant = *variant_name = NULL;
  osinfo_entity_set_param (OSINFO_ENTITY (media), OSINFO_MEDIA_PROP_VOLUME_ID, volume_id);
  if (system_id != NULL)
    osinfo_entity_set_param (OSINFO_ENTITY (media), OSINFO_MEDIA_PROP_SYSTEM_ID, system_id);
  if (publisher_id != NULL)
    osinfo_entity_set_param (OSINFO_ENTITY (media), OSINFO_MEDIA_PROP_PUBLISHER_ID, publisher_id);
  if (application_id != NULL)
    osinfo_entity_set_param (OSINFO_ENTITY (media), OSINFO_MEDIA_PROP_APPLICATION_ID,
                             application_id);
  g_assert_true (osinfo_db_identify_media (direct_db (), media));
  variants = osinfo_media_get_os_variants (media);
  if (variants != NULL && osinfo_list_get_length (OSINFO_LIST (variants)) > 0)
    {
      OsinfoEntity *first = osinfo_list_get_nth (OSINFO_LIST (variants), 0);

      *variant = g_strdup (osinfo_entity_get_id (first));
      *variant_name = g_strdup (osinfo_os_variant_get_name (OSINFO_OS_VARIANT (first)));
    }
}

/* The recommended memory libosinfo lists for @short_id on x86_64. */
static guint64
direct_recommended_mib (const char *short_id)
{
  g_autoptr(OsinfoResourcesList) list =
    osinfo_os_get_recommended_resources (direct_os (short_id));
  gint64 ram = -1;

  for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoResources *r = OSINFO_RESOURCES (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *arch = osinfo_resources_get_architecture (r);

      if (g_strcmp0 (arch, "x86_64") == 0 ||
          (ram < 0 && g_strcmp0 (arch, OSINFO_ARCHITECTURE_ALL) == 0))
        ram = osinfo_resources_get_ram (r);
    }
  g_assert_cmpint (ram, >, 0);
  return ram / MIB;
}

/* The newest released OS whose short ID matches @pattern: the latest
 * release date, and among those without one, the highest version (compared
 * number by number). Checked to be no older than @at_least, the stand-in
 * the oldest supported database (20221130) gives. */
static OsinfoOs *
direct_newest (const char *pattern,
               gboolean    rolling,
               const char *at_least)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(OsinfoOsList) list = osinfo_db_get_os_list (direct_db ());
  OsinfoOs *floor = direct_os (at_least);
  OsinfoOs *best = NULL;

  for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *short_id = osinfo_product_get_short_id (OSINFO_PRODUCT (os));
      OsinfoReleaseStatus status = osinfo_os_get_release_status (os);
      const char *date, *best_date;

      if (short_id == NULL || !g_regex_match (regex, short_id, 0, NULL))
        continue;
      if (status != OSINFO_RELEASE_STATUS_RELEASED &&
          !(rolling && status == OSINFO_RELEASE_STATUS_ROLLING))
        continue;
      if (best == NULL)
        {
          best = os;
          continue;
        }
      date = osinfo_product_get_release_date_string (OSINFO_PRODUCT (os));
      best_date = osinfo_product_get_release_date_string (OSINFO_PRODUCT (best));
      if (date != NULL && best_date != NULL && strcmp (date, best_date) != 0)
        {
          if (strcmp (date, best_date) > 0)
            best = os;
        }
      else if (g_strcmp0 (date, best_date) == 0 || date == NULL || best_date == NULL)
        {
          g_auto(GStrv) a = g_strsplit (osinfo_product_get_version (OSINFO_PRODUCT (os)), ".", -1);
          g_auto(GStrv) b = g_strsplit (osinfo_product_get_version (OSINFO_PRODUCT (best)), ".", -1);
          int order = 0;

          for (guint j = 0; order == 0 && (a[j] != NULL || b[j] != NULL); j++)
            order = (a[j] != NULL ? atoi (a[j]) : -1) - (b[j] != NULL ? atoi (b[j]) : -1);
          if (order > 0)
            best = os;
        }
    }
  g_assert_nonnull (best);
  g_assert_true (g_regex_match (regex, at_least, 0, NULL));
  if (best != floor)
    {
      const char *date = osinfo_product_get_release_date_string (OSINFO_PRODUCT (best));
      const char *floor_date = osinfo_product_get_release_date_string (OSINFO_PRODUCT (floor));

      if (date != NULL && floor_date != NULL)
        g_assert_cmpstr (date, >, floor_date);
    }
  return best;
}

typedef struct
{
  const char     *test;
  const char     *volume_id;
  const char     *system_id;
  const char     *publisher_id;
  const char     *application_id;
  /* Expected: the OS every osinfo-db since 20221130 takes this medium for.
   * The variant and the label (the variant's name, else the OS's) are read
   * from the installed database. */
  const char     *short_id;
  gboolean        live;
  gboolean        installer;
  const char     *arch;
  gboolean        arch_ok;
  guint64         memory_mib;   /* on roomy_host (); 0: the OS's recommended memory */
  guint           vcpus;
  guint64         disk_gib;
  HangarFirmware  firmware;
  gboolean        tpm;
  gboolean        virtio;       /* virtio disk and network */
  gboolean        q35;
} OsCase;

static const OsCase os_cases[] = {
  /* fedora-37.xml: live workstation media, recommended 2 GiB / 20 GiB, minimum 1 CPU. */
  { "fedora", "Fedora-WS-Live-37-1-7", "LINUX", NULL, NULL,
    "fedora37", TRUE, TRUE, "x86_64", TRUE,
    0, 2, 20, HANGAR_FIRMWARE_BIOS, FALSE, TRUE, TRUE },
  /* ubuntu-22.04.xml: the desktop image is live (a "desktop" variant from 2025);
   * recommended 4 GiB / 25 GiB. */
  { "ubuntu", "Ubuntu 22.04.1 LTS amd64", "LINUX", NULL, NULL,
    "ubuntu22.04", TRUE, TRUE, "x86_64", TRUE,
    0, 2, 25, HANGAR_FIRMWARE_BIOS, FALSE, TRUE, TRUE },
  /* debian-11.xml: the netinst image; recommended 1 GiB (2 GiB from 2025) / 20 GiB. */
  { "debian", "Debian 11.5.0 amd64 n", "LINUX", NULL, NULL,
    "debian11", FALSE, TRUE, "x86_64", TRUE,
    0, 2, 20, HANGAR_FIRMWARE_BIOS, FALSE, TRUE, TRUE },
  /* opensuse-15.4.xml: the DVD needs the publisher "SUSE LINUX GmbH"; 2 GiB / 16 GiB. */
  { "opensuse", "openSUSE-Leap-15.4-DVD-x86_64", "LINUX", "SUSE LINUX GmbH", NULL,
    "opensuse15.4", FALSE, TRUE, "x86_64", TRUE,
    0, 2, 16, HANGAR_FIRMWARE_BIOS, FALSE, TRUE, TRUE },
  /* The GNOME live image of the same release. */
  { "opensuse-live", "openSUSE_Leap_15.4_GNOME_Live", "LINUX", "SUSE LINUX GMBH", NULL,
    "opensuse15.4", TRUE, TRUE, "x86_64", TRUE,
    0, 2, 16, HANGAR_FIRMWARE_BIOS, FALSE, TRUE, TRUE },
  /* alpinelinux-3.17.xml: the "virt" image is the virtual variant; 768 MiB / 4 GiB. */
  { "alpine", "alpine-virt 3.17.0 x86_64", "LINUX", NULL, NULL,
    "alpinelinux3.17", FALSE, TRUE, "x86_64", TRUE,
    0, 2, 4, HANGAR_FIRMWARE_BIOS, FALSE, TRUE, TRUE },
  /* win-10.xml: Enterprise, x86_64 minimum 2 GiB / 20 GiB, BIOS allowed. */
  { "windows-10", "CENNA_X64FREV_EN-US_DV5", NULL, "MICROSOFT CORPORATION", NULL,
    "win10", FALSE, TRUE, "x86_64", TRUE,
    2048, 2, 20, HANGAR_FIRMWARE_BIOS, FALSE, FALSE, TRUE },
  /* win-11.xml: minimum 2 CPUs, 4 GiB, 64 GiB; BIOS unsupported; Secure Boot and a TPM. */
  { "windows-11", "CCCOMA_X64FRE_EN-US_DV9", NULL, "MICROSOFT CORPORATION", NULL,
    "win11", FALSE, TRUE, "x86_64", TRUE,
    4096, 2, 64, HANGAR_FIRMWARE_UEFI_SECURE_BOOT, TRUE, FALSE, TRUE },
  /* freebsd-13.1.xml: system ID "FreeBSD"; no resources in the family: generic ones. */
  { "freebsd", "13_1_RELEASE_AMD64_CD", "FreeBSD", NULL, NULL,
    "freebsd13.1", FALSE, TRUE, "x86_64", TRUE,
    2048, 2, 20, HANGAR_FIRMWARE_BIOS, FALSE, TRUE, FALSE },
  /* centos-stream-9.xml: the netinst and full images share a volume ID; libosinfo takes the
   * first listed, netinst. 1.5 GiB / 20 GiB. */
  { "centos-stream", "CentOS-Stream-9-BaseOS-x86_64", "LINUX", NULL, NULL,
    "centos-stream9", FALSE, TRUE, "x86_64", TRUE,
    0, 2, 20, HANGAR_FIRMWARE_BIOS, FALSE, TRUE, TRUE },
  /* An ARM image: identified, and reported as unusable on this host. */
  { "aarch64-mismatch", "Fedora-S-dvd-aarch64-37", "LINUX", NULL, NULL,
    "fedora37", FALSE, TRUE, "aarch64", FALSE,
    2048, 2, 20, HANGAR_FIRMWARE_BIOS, FALSE, TRUE, TRUE },
};

static void
test_identify_os (gconstpointer data)
{
  const OsCase *c = data;
  g_autofree char *name = g_strconcat (c->test, ".iso", NULL);
  g_autofree char *path = make_iso (name, c->volume_id, c->system_id, c->publisher_id,
                                    c->application_id, TRUE, 0);
  g_autoptr(HangarHostInfo) host = roomy_host ();
  g_autoptr(HangarVmSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autofree char *variant = NULL;
  g_autofree char *variant_name = NULL;
  const HangarOsProfile *p;
  HangarMedia *media;
  gint64 start = g_get_monotonic_time ();

  /* The host this runs on must be x86_64 for the architecture cases. */
  if (!g_str_equal (hangar_host_get_arch (), "x86_64"))
    {
      g_test_skip ("The expectations are for an x86_64 host");
      return;
    }

  media = identify_ok (path);
  g_test_message ("%s identified in %.1f ms", c->volume_id,
                  (g_get_monotonic_time () - start) / 1000.0);

  p = hangar_media_get_profile (media);
  g_test_message ("%s: %s (%s) live=%d installer=%d unattended=%d arch=%s ram=%" G_GUINT64_FORMAT
                  "/%" G_GUINT64_FORMAT " vcpus=%u disk=%" G_GUINT64_FORMAT " uefi=%d sb=%d "
                  "tpm=%d virtio-blk=%d net=%d rng=%d balloon=%d gpu=%d v1.0=%d qxl=%d "
                  "tablet=%d sound=%d agent=%d q35=%d",
                  c->volume_id, p->short_id, p->name, p->live, p->installer, p->unattended,
                  p->arch, p->ram_mib, p->min_ram_mib, p->vcpus, p->disk_gib, p->needs_uefi,
                  p->wants_secure_boot, p->needs_tpm, p->virtio_block, p->virtio_net,
                  p->virtio_rng, p->virtio_balloon, p->virtio_gpu, p->virtio_1_0, p->qxl,
                  p->usb_tablet, p->ich9_sound, p->spice_agent, p->q35);

  g_assert_true (hangar_media_is_identified (media));
  g_assert_false (hangar_media_is_guessed (media));
  g_assert_false (hangar_media_is_unknown (media));
  g_assert_cmpstr (hangar_media_get_volume_id (media), ==, c->volume_id);
  if (c->system_id != NULL)
    g_assert_cmpstr (hangar_media_get_system_id (media), ==, c->system_id);
  g_assert_cmpstr (p->short_id, ==, c->short_id);
  direct_variant (c->arch, c->volume_id, c->system_id, c->publisher_id, c->application_id,
                  &variant, &variant_name);
  g_test_message ("libosinfo: variant %s", variant != NULL ? variant_name : "none");
  g_assert_cmpstr (p->variant, ==, variant);
  g_assert_cmpint (p->live, ==, c->live);
  g_assert_cmpint (p->installer, ==, c->installer);
  g_assert_cmpstr (p->arch, ==, c->arch);
  g_assert_false (p->guessed);
  g_assert_cmpint (hangar_media_get_arch_ok (media), ==, c->arch_ok);
  if (c->arch_ok)
    g_assert_null (hangar_media_get_arch_message (media));
  else
    g_assert_nonnull (strstr (hangar_media_get_arch_message (media), c->arch));

  label = hangar_media_dup_label (media);
  g_assert_cmpstr (label, ==, variant_name != NULL ? variant_name
                   : osinfo_product_get_name (OSINFO_PRODUCT (direct_os (c->short_id))));

  g_assert_cmpint (p->virtio_block, ==, c->virtio);
  g_assert_cmpint (p->virtio_net, ==, c->virtio);
  g_assert_cmpint (p->q35, ==, c->q35);
  g_assert_cmpint (p->needs_tpm, ==, c->tpm);

  settings = hangar_vm_settings_new_for (p, host, FALSE);
  g_assert_cmpuint (settings->memory_mib, ==,
                    c->memory_mib != 0 ? c->memory_mib : direct_recommended_mib (c->short_id));
  g_assert_cmpuint (settings->vcpus, ==, c->vcpus);
  g_assert_cmpuint (settings->disk_gib, ==, c->disk_gib);
  g_assert_cmpint (settings->firmware, ==, c->firmware);
  g_assert_cmpint (settings->tpm, ==, c->tpm);
  g_assert_cmpstr (settings->arch, ==, c->arch);
  /* KVM only for what the host's processor runs. */
  g_assert_cmpint (settings->domain_type, ==,
                   c->arch_ok ? HANGAR_DOMAIN_TYPE_KVM : HANGAR_DOMAIN_TYPE_QEMU);

  g_assert_finalize_object (media);
}

/* Device support read through derives-from: Fedora 37 lists no devices of
 * its own, only what it inherits. */
static void
test_devices_inherited (void)
{
  HangarOsDb *db = hangar_os_db_get_default ();
  g_autoptr(HangarOsProfile) fedora = NULL;
  g_autoptr(HangarOsProfile) win7 = NULL;
  g_autoptr(HangarOsProfile) dos = NULL;

  ensure_loaded ();
  fedora = hangar_os_db_profile_for_id (db, "fedora37");
  g_assert_nonnull (fedora);
  g_assert_true (fedora->virtio_block && fedora->virtio_net && fedora->virtio_rng);
  g_assert_true (fedora->virtio_balloon && fedora->virtio_1_0 && fedora->virtio_gpu);
  g_assert_true (fedora->qxl && fedora->usb_tablet && fedora->ich9_sound && fedora->q35);
  g_assert_true (fedora->spice_agent);

  /* Windows 7 drives no virtio device without extra drivers, and the SPICE
   * agent needs Windows guest tools: not assumed. */
  win7 = hangar_os_db_profile_for_id (db, "win7");
  g_assert_nonnull (win7);
  g_assert_false (win7->virtio_block);
  g_assert_false (win7->spice_agent);
  g_assert_false (win7->needs_uefi);
  g_assert_false (win7->needs_tpm);

  dos = hangar_os_db_profile_for_id (db, "msdos6.22");
  g_assert_nonnull (dos);
  g_assert_false (dos->virtio_block || dos->qxl || dos->q35 || dos->spice_agent);
}

/* Newer than the database ---------------------------------------------------- */

typedef struct
{
  const char *test;
  const char *volume_id;
  const char *system_id;
  const char *family;         /* the stand-ins' short IDs */
  gboolean    rolling;        /* a rolling release may stand in */
  const char *short_id;       /* the stand-in osinfo-db 20221130 gives */
  const char *guessed_name;
  gboolean    live;
} GuessCase;

/* Versions far past any database, so that they stay guesses; the stand-in is
 * the family's newest in the installed database (direct_newest ()). */
static const GuessCase guess_cases[] = {
  /* Matched by osinfo-db's fedora-unknown placeholder, live media. */
  { "fedora-99", "Fedora-WS-Live-99-1-2", "LINUX", "^fedora[0-9]+$", FALSE, "fedora37",
    "Fedora 99", TRUE },
  /* Nothing in the database matches: the volume ID names the family. */
  { "ubuntu-98.04", "Ubuntu 98.04 LTS amd64", "LINUX", "^ubuntu[0-9]+\\.[0-9]+$", FALSE,
    "ubuntu22.04", "Ubuntu 98.04", TRUE },
  { "debian-99", "Debian 99.1.0 amd64 n", "LINUX", "^debian[0-9]+$", FALSE, "debian11",
    "Debian 99", FALSE },
  /* Matched by opensuse-unknown. Leap 42.3 came before 15.0: the release
   * dates order them. */
  { "opensuse-99", "openSUSE-Leap-99.0-DVD-x86_64", "LINUX", "^opensuse(15|42)\\.[0-9]+$", FALSE,
    "opensuse15.4", "openSUSE Leap 99.0", FALSE },
  { "alpine-3.99", "alpine-virt 3.99.0 x86_64", "LINUX", "^alpinelinux3\\.[0-9]+$", FALSE,
    "alpinelinux3.17", "Alpine Linux 3.99", FALSE },
  { "freebsd-99", "99_3_RELEASE_AMD64_CD", "FreeBSD", "^freebsd[0-9]+\\.[0-9]+$", FALSE,
    "freebsd13.1", "FreeBSD 99.3", FALSE },
  /* A rolling family: CentOS Stream 9 has no release date, 8 has one. */
  { "centos-stream-99", "CentOS-Stream-99-BaseOS-x86_64", "LINUX", "^centos-stream[0-9]+$", TRUE,
    "centos-stream9", "CentOS Stream 99", FALSE },
  /* A Windows image without Microsoft's publisher ID (rebuilt by a tool):
   * its label shows no version, the newest client Windows stands in (not
   * Windows Server 2022). */
  { "windows-rebuilt", "CCCOMA_X64FRE_EN-US_DV9", NULL, "^win(7|8|8\\.1|10|11)$", FALSE, "win11",
    "Windows", FALSE },
};

static void
test_identify_guess (gconstpointer data)
{
  const GuessCase *c = data;
  g_autofree char *name = g_strconcat (c->test, ".iso", NULL);
  g_autofree char *path = make_iso (name, c->volume_id, c->system_id, NULL, NULL, TRUE, 0);
  HangarMedia *media = identify_ok (path);
  const HangarOsProfile *p = hangar_media_get_profile (media);
  g_autofree char *label = NULL;
  g_autofree char *expected = NULL;
  OsinfoOs *newest;

  g_assert_false (hangar_media_is_identified (media));
  g_assert_true (hangar_media_is_guessed (media));
  g_assert_false (hangar_media_is_unknown (media));
  g_assert_true (p->guessed);
  newest = direct_newest (c->family, c->rolling, c->short_id);
  g_test_message ("libosinfo's newest: %s", osinfo_product_get_short_id (OSINFO_PRODUCT (newest)));
  g_assert_cmpstr (p->short_id, ==, osinfo_product_get_short_id (OSINFO_PRODUCT (newest)));
  g_assert_cmpstr (hangar_media_get_guessed_name (media), ==, c->guessed_name);
  label = hangar_media_dup_label (media);
  expected = g_strdup_printf ("%s (guessed: newest known %s)", c->guessed_name,
                              osinfo_product_get_name (OSINFO_PRODUCT (newest)));
  g_assert_cmpstr (label, ==, expected);
  /* The profile keeps the stand-in's own name; the reason names both. */
  g_assert_nonnull (strstr (label, p->name));
  g_assert_nonnull (strstr (hangar_media_get_guess_reason (media), c->volume_id));
  g_assert_nonnull (strstr (hangar_media_get_guess_reason (media), p->name));
  g_assert_cmpint (p->live, ==, c->live);
  g_assert_true (p->installer);
  g_assert_false (p->unattended);
  g_assert_cmpstr (p->arch, ==, "x86_64");
  g_assert_true (hangar_media_get_arch_ok (media));

  g_assert_finalize_object (media);
}

static void
test_identify_unknown (void)
{
  g_autofree char *path = make_iso ("unknown.iso", "MY_OWN_DISC_2026", "LINUX", NULL, NULL,
                                    TRUE, 0);
  g_autofree char *arm = make_iso ("unknown-arm.iso", "homebrew-os-arm64", NULL, NULL, NULL,
                                   TRUE, 0);
  g_autoptr(HangarOsProfile) generic = hangar_os_profile_new_generic ();
  HangarMedia *media = identify_ok (path);
  const HangarOsProfile *p = hangar_media_get_profile (media);
  g_autofree char *label = NULL;

  g_assert_true (hangar_media_is_unknown (media));
  g_assert_false (hangar_media_is_identified (media));
  g_assert_false (hangar_media_is_guessed (media));
  g_assert_null (p->short_id);
  g_assert_null (hangar_media_get_guess_reason (media));
  g_assert_cmpuint (p->ram_mib, ==, generic->ram_mib);
  g_assert_cmpuint (p->vcpus, ==, generic->vcpus);
  g_assert_cmpuint (p->disk_gib, ==, generic->disk_gib);
  g_assert_cmpstr (p->arch, ==, "x86_64");
  g_assert_true (hangar_media_get_arch_ok (media));
  label = hangar_media_dup_label (media);
  g_assert_cmpstr (label, ==, "Unknown operating system");
  g_assert_finalize_object (media);

  /* Unknown, but the label says ARM: the mismatch is still reported. */
  media = identify_ok (arm);
  g_assert_true (hangar_media_is_unknown (media));
  g_assert_cmpstr (hangar_media_get_profile (media)->arch, ==, "aarch64");
  if (g_str_equal (hangar_host_get_arch (), "x86_64"))
    g_assert_false (hangar_media_get_arch_ok (media));
  g_assert_finalize_object (media);
}

/* Bad input ----------------------------------------------------------------- */

static void
assert_media_error (const char       *path,
                    HangarMediaError  code)
{
  g_autoptr(GError) error = NULL;
  HangarMedia *media = identify (path, &error);
  g_autofree char *display = g_filename_display_basename (path);

  g_assert_null (media);
  g_assert_error (error, HANGAR_MEDIA_ERROR, (int) code);
  g_test_message ("%s: %s", display, error->message);
  /* One sentence naming the file, for a dialog or one line of stderr. */
  g_assert_nonnull (strstr (error->message, display));
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_error_missing (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "no-such-image.iso", NULL);

  assert_media_error (path, HANGAR_MEDIA_ERROR_NOT_FOUND);
}

static void
test_error_directory (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "a-folder.iso", NULL);

  g_assert_no_errno (g_mkdir_with_parents (path, 0700));
  assert_media_error (path, HANGAR_MEDIA_ERROR_IS_DIRECTORY);
}

static void
test_error_empty (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "empty.iso", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "", 0, &error));
  assert_media_error (path, HANGAR_MEDIA_ERROR_EMPTY);
}

static void
truncate_file (const char *path,
               goffset     size)
{
  g_assert_no_errno (truncate (path, size));
}

static void
test_error_truncated (void)
{
  /* A 2 MiB image cut in half: the header still reads, the end is gone. */
  g_autofree char *half = make_iso ("truncated.iso", "Fedora-WS-Live-37-1-7", "LINUX", NULL, NULL,
                                    TRUE, 2 * MIB);
  g_autofree char *headers = make_iso ("truncated-headers.iso", "Fedora-WS-Live-37-1-7", "LINUX",
                                       NULL, NULL, TRUE, 0);
  struct stat st;

  g_assert_no_errno (g_stat (half, &st));
  truncate_file (half, st.st_size / 2);
  assert_media_error (half, HANGAR_MEDIA_ERROR_TRUNCATED);

  /* Cut inside the volume descriptors. */
  truncate_file (headers, PVD_OFFSET + 2048 + 100);
  assert_media_error (headers, HANGAR_MEDIA_ERROR_TRUNCATED);
}

static void
test_error_corrupt (void)
{
  g_autofree char *path = make_iso ("corrupt.iso", "Fedora-WS-Live-37-1-7", "LINUX", NULL, NULL,
                                    TRUE, 0);
  const guint8 zeros[8] = { 0 };
  int fd = g_open (path, O_WRONLY, 0);

  /* A primary volume descriptor of zero blocks. */
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, zeros, sizeof zeros, PVD_OFFSET + 80), ==, sizeof zeros);
  close (fd);
  assert_media_error (path, HANGAR_MEDIA_ERROR_CORRUPT);
}

static void
test_error_not_iso (void)
{
  g_autofree char *random = g_build_filename (tmp_dir, "random.iso", NULL);
  g_autofree char *text = g_build_filename (tmp_dir, "notes.iso", NULL);
  g_autofree char *fifo = g_build_filename (tmp_dir, "pipe.iso", NULL);
  g_autofree guint8 *data = g_malloc (MIB);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < MIB; i++)
    data[i] = g_rand_int_range (rand, 0, 256);
  g_assert_true (g_file_set_contents (random, (const char *) data, MIB, &error));
  assert_media_error (random, HANGAR_MEDIA_ERROR_NOT_ISO);

  /* Too short for a volume descriptor. */
  g_assert_true (g_file_set_contents (text, "not a disc image\n", -1, &error));
  assert_media_error (text, HANGAR_MEDIA_ERROR_NOT_ISO);

  /* Opening a pipe for reading would block: it is refused unopened. */
  g_assert_no_errno (mkfifo (fifo, 0600));
  assert_media_error (fifo, HANGAR_MEDIA_ERROR_NOT_ISO);
}

static void
test_error_not_bootable (void)
{
  /* A valid image of files only: no El Torito boot record. */
  g_autofree char *path = make_iso ("data.iso", "Fedora-WS-Live-37-1-7", "LINUX", NULL, NULL,
                                    FALSE, 0);

  assert_media_error (path, HANGAR_MEDIA_ERROR_NOT_BOOTABLE);
}

/* Root reads any file whatever its mode, through CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH. Dropping both from the effective set of a child
 * process, before it starts any thread (threads inherit the set), makes a
 * mode-000 file as unreadable to it as to any user. */
static void
drop_dac_capabilities (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];

  g_assert_no_errno (syscall (SYS_capget, &header, caps));
  caps[CAP_DAC_OVERRIDE / 32].effective &= ~(1u << (CAP_DAC_OVERRIDE % 32));
  caps[CAP_DAC_READ_SEARCH / 32].effective &= ~(1u << (CAP_DAC_READ_SEARCH % 32));
  g_assert_no_errno (syscall (SYS_capset, &header, caps));
}

static void
make_unreadable_and_check (gboolean drop_capabilities)
{
  g_autofree char *path = make_iso ("unreadable.iso", "Fedora-WS-Live-37-1-7", "LINUX", NULL,
                                    NULL, TRUE, 0);
  int fd;

  g_assert_no_errno (g_chmod (path, 0));
  if (drop_capabilities)
    drop_dac_capabilities ();

  /* Make sure the premise holds for this process before blaming Hangar. */
  fd = g_open (path, O_RDONLY, 0);
  g_assert_cmpint (fd, <, 0);
  g_assert_cmpint (errno, ==, EACCES);

  assert_media_error (path, HANGAR_MEDIA_ERROR_PERMISSION);
}

static void
test_error_unreadable (void)
{
  if (g_test_subprocess ())
    {
      make_unreadable_and_check (TRUE);
      return;
    }

  if (geteuid () != 0)
    {
      g_test_message ("Not root: a mode-000 file is checked in this process");
      make_unreadable_and_check (FALSE);
      return;
    }

  g_test_message ("Root: a mode-000 file is checked in a child process without "
                  "CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The database --------------------------------------------------------------- */

typedef struct
{
  guint     done;
  gboolean  ok[2];
  GError   *error[2];
} TwoLoads;

static void
load_one (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  TwoLoads *loads = user_data;
  guint i = loads->done++;

  loads->ok[i] = hangar_os_db_load_finish (HANGAR_OS_DB (object), result, &loads->error[i]);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static gboolean
two_done (gpointer data)
{
  return ((TwoLoads *) data)->done == 2;
}

static void
test_db_shared_load (void)
{
  HangarOsDb *db = hangar_os_db_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  TwoLoads loads = { 0 };
  guint notified = 0;
  gint64 start = g_get_monotonic_time ();
  guint id = g_timeout_add_seconds (TIMEOUT_S, timeout_cb, (gpointer) "two loads");

  g_signal_connect (db, "notify::loaded", G_CALLBACK (count_notify), &notified);
  g_assert_false (hangar_os_db_is_loaded (db));
  g_assert_null (hangar_os_db_list_oses (db));

  /* Two callers while one load runs; the second gives up waiting. */
  hangar_os_db_load_async (db, NULL, load_one, &loads);
  hangar_os_db_load_async (db, cancellable, load_one, &loads);
  g_cancellable_cancel (cancellable);
  while (!two_done (&loads))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  g_test_message ("Loading the database took %.0f ms",
                  (g_get_monotonic_time () - start) / 1000.0);

  g_assert_true (loads.ok[0]);
  g_assert_no_error (loads.error[0]);
  g_assert_false (loads.ok[1]);
  g_assert_error (loads.error[1], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&loads.error[1]);
  g_assert_true (hangar_os_db_is_loaded (db));
  g_assert_cmpuint (notified, ==, 1);

  /* Once loaded, a load completes at once and loads nothing again. */
  loads.done = 1;
  hangar_os_db_load_async (db, NULL, load_one, &loads);
  while (!two_done (&loads))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (loads.ok[1]);
  g_assert_cmpuint (notified, ==, 1);

  /* The worker thread lets go of its task (and so of the database) just
   * after the result reaches this thread: wait for it, briefly. */
  {
    GObject *weak = G_OBJECT (db);
    gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;

    g_object_add_weak_pointer (weak, (gpointer *) &weak);
    g_object_unref (db);
    while (weak != NULL && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
    g_assert_null (weak);
  }
}

static void
test_db_list_oses (void)
{
  HangarOsDb *db = hangar_os_db_get_default ();
  g_autoptr(GPtrArray) oses = NULL;
  gboolean fedora37 = FALSE, win11 = FALSE;
  gint64 start;

  g_autoptr(GError) error = NULL;
  Wait wait = { 0 };

  ensure_loaded ();
  start = g_get_monotonic_time ();
  hangar_os_db_list_oses_async (db, NULL, store_result, &wait);
  /* Built in a worker thread: this thread stays free meanwhile. */
  g_assert_false (wait.done);
  g_assert_null (hangar_os_db_list_oses (db));
  wait_done (&wait, "the OS list");
  oses = hangar_os_db_list_oses_finish (db, wait.result, &error);
  g_object_unref (wait.result);
  g_assert_no_error (error);
  g_test_message ("Listing %u OSes took %.0f ms in a worker thread", oses->len,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (oses->len, >, 200);

  for (guint i = 0; i < oses->len; i++)
    {
      const HangarOsProfile *p = g_ptr_array_index (oses, i);

      g_assert_nonnull (p->short_id);
      g_assert_nonnull (p->name);
      g_assert_false (g_str_has_suffix (p->short_id, "-unknown"));
      g_assert_true (g_str_equal (p->arch, "x86_64") || g_str_equal (p->arch, "i686"));
      fedora37 |= g_str_equal (p->short_id, "fedora37");
      win11 |= g_str_equal (p->short_id, "win11");

      if (i > 0)
        {
          const HangarOsProfile *prev = g_ptr_array_index (oses, i - 1);
          g_autofree char *a = g_utf8_collate_key_for_filename (prev->name, -1);
          g_autofree char *b = g_utf8_collate_key_for_filename (p->name, -1);

          g_assert_cmpint (strcmp (a, b), <=, 0);
        }
    }
  g_assert_true (fedora37);
  g_assert_true (win11);

  /* ARM-only entries stay out. */
  for (guint i = 0; i < oses->len; i++)
    g_assert_cmpstr (((HangarOsProfile *) g_ptr_array_index (oses, i))->short_id, !=,
                     "ubuntu-core-arm");

  /* The same list, built once; now also without waiting. */
  {
    g_autoptr(GPtrArray) again = hangar_os_db_list_oses (db);
    g_autoptr(GPtrArray) again_async = NULL;

    g_assert_true (again == oses);
    wait.done = FALSE;
    hangar_os_db_list_oses_async (db, NULL, store_result, &wait);
    wait_done (&wait, "the OS list again");
    again_async = hangar_os_db_list_oses_finish (db, wait.result, &error);
    g_object_unref (wait.result);
    g_assert_true (again_async == oses);
  }
}

static void
test_db_profile_for_id (void)
{
  HangarOsDb *db = hangar_os_db_get_default ();
  g_autoptr(HangarOsProfile) by_short = NULL;
  g_autoptr(HangarOsProfile) by_alias = NULL;
  g_autoptr(HangarOsProfile) by_id = NULL;
  g_autoptr(HangarOsProfile) win11 = NULL;

  ensure_loaded ();
  by_short = hangar_os_db_profile_for_id (db, "ubuntu22.04");
  by_alias = hangar_os_db_profile_for_id (db, "ubuntujammy");
  by_id = hangar_os_db_profile_for_id (db, "http://ubuntu.com/ubuntu/22.04");
  g_assert_nonnull (by_short);
  g_assert_nonnull (by_alias);
  g_assert_nonnull (by_id);
  g_assert_cmpstr (by_short->id, ==, "http://ubuntu.com/ubuntu/22.04");
  g_assert_cmpstr (by_alias->id, ==, by_short->id);
  g_assert_cmpstr (by_id->short_id, ==, "ubuntu22.04");
  g_assert_cmpstr (by_short->arch, ==, "x86_64");
  g_assert_true (by_short->installer);
  g_assert_false (by_short->live);
  g_assert_cmpuint (by_short->ram_mib, ==, 4096);
  g_assert_cmpuint (by_short->min_ram_mib, ==, 2048);

  win11 = hangar_os_db_profile_for_id (db, "win11");
  g_assert_true (win11->needs_uefi && win11->wants_secure_boot && win11->needs_tpm);
  g_assert_cmpuint (win11->min_ram_mib, ==, 4096);

  g_assert_null (hangar_os_db_profile_for_id (db, "no-such-os"));
}

/* Volume-ID families (pure) ---------------------------------------------------- */

static void
test_family_guess (void)
{
  static const struct {
    const char *volume_id;
    const char *distro;   /* NULL: no family */
    const char *version;
    const char *arch;
  } cases[] = {
    { "Fedora-WS-Live-45-1-2", "fedora", "45", NULL },
    { "Fedora-S-dvd-x86_64-44", "fedora", "44", "x86_64" },
    { "Fedora-E-dvd-aarch64-46", "fedora", "46", "aarch64" },
    { "Ubuntu 26.04 LTS amd64", "ubuntu", "26.04", "x86_64" },
    { "Ubuntu-Server 24.04.2 LTS arm64", "ubuntu", "24.04", "aarch64" },
    { "Debian 14.0.0 amd64 n", "debian", "14", "x86_64" },
    { "openSUSE-Leap-16.0-DVD-x86_64", "opensuse", "16.0", "x86_64" },
    { "alpine-std 3.22.1 x86", "alpinelinux", "3.22", "i686" },
    { "CCCOMA_X64FRE_EN-US_DV9", "win", NULL, "x86_64" },
    { "CCCOMA_A64FRE_EN-US_DV9", "win", NULL, "aarch64" },
    { "14_3_RELEASE_AMD64_CD", "freebsd", "14.3", "x86_64" },
    { "CentOS-Stream-10-BaseOS-x86_64", "centos", "10", "x86_64" },
    { "MY_OWN_DISC", NULL, NULL, NULL },
    { "", NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *version = NULL;
      g_autofree char *arch = hangar_media_arch_from_volume_id (cases[i].volume_id);
      const HangarMediaFamily *family = hangar_media_family_guess (cases[i].volume_id, &version);

      g_test_message ("%s", cases[i].volume_id);
      g_assert_cmpstr (family != NULL ? family->distro : NULL, ==, cases[i].distro);
      g_assert_cmpstr (version, ==, cases[i].version);
      g_assert_cmpstr (arch, ==, cases[i].arch);
    }
}

/* The host ------------------------------------------------------------------ */

/* hangarctl detect ------------------------------------------------------------- */

static int
run_detect (const char  *path,
            JsonObject **out,
            char       **err_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out_text = NULL;
  int status;

  status = hangar_test_ctl ((const char *[]) { "detect", path, NULL }, &out_text, err_out);
  if (out != NULL)
    {
      g_assert_true (json_parser_load_from_data (parser, out_text, -1, &error));
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      *out = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }

  return status;
}

static void
test_detect_exact (void)
{
  g_autofree char *path = make_iso ("detect-fedora.iso", "Fedora-WS-Live-37-1-7", "LINUX", NULL,
                                    NULL, TRUE, 0);
  g_autoptr(JsonObject) json = NULL;
  g_autofree char *err = NULL;
  JsonObject *os;

  g_assert_cmpint (run_detect (path, &json, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  os = json_object_get_object_member (json, "os");
  g_assert_nonnull (os);
  g_assert_cmpstr (json_object_get_string_member (os, "short-id"), ==, "fedora37");
  g_assert_cmpstr (json_object_get_string_member (os, "id"), ==,
                   "http://fedoraproject.org/fedora/37");
  g_assert_cmpstr (json_object_get_string_member (os, "name"), ==, "Fedora Linux 37");
  g_assert_cmpstr (json_object_get_string_member (os, "variant"), ==, "workstation");
  g_assert_true (json_object_get_boolean_member (os, "live"));
  g_assert_true (json_object_get_boolean_member (os, "installer"));
  g_assert_cmpstr (json_object_get_string_member (os, "arch"), ==, "x86_64");
  g_assert_false (json_object_has_member (os, "guess"));
  g_assert_cmpstr (json_object_get_string_member (json, "volume-id"), ==,
                   "Fedora-WS-Live-37-1-7");
  /* Capped by this host, so compare with its own figures. */
  g_assert_cmpint (json_object_get_int_member (json, "memory-mib"), <=, 2048);
  g_assert_cmpint (json_object_get_int_member (json, "memory-mib"), >, 0);
  /* Two vCPUs unless this host has fewer. */
  g_assert_cmpint (json_object_get_int_member (json, "vcpus"), ==, MIN (2, g_get_num_processors ()));
  g_assert_cmpint (json_object_get_int_member (json, "disk-gib"), <=, 20);
  g_assert_cmpstr (json_object_get_string_member (json, "firmware"), ==, "bios");
  g_assert_false (json_object_get_boolean_member (json, "tpm"));
  /* HANGAR_FORCE_EMULATION=1 in the test environment. */
  g_assert_cmpstr (json_object_get_string_member (json, "domain-type"), ==, "qemu");
  g_assert_true (json_object_get_boolean_member (json, "arch-ok"));
}

static void
test_detect_windows_11 (void)
{
  g_autofree char *path = make_iso ("detect-win11.iso", "CCCOMA_X64FRE_EN-US_DV9", NULL,
                                    "MICROSOFT CORPORATION", NULL, TRUE, 0);
  g_autoptr(JsonObject) json = NULL;
  g_autofree char *err = NULL;
  JsonObject *os;

  g_assert_cmpint (run_detect (path, &json, &err), ==, 0);
  os = json_object_get_object_member (json, "os");
  g_assert_cmpstr (json_object_get_string_member (os, "short-id"), ==, "win11");
  g_assert_true (json_object_get_null_member (os, "variant"));
  g_assert_false (json_object_get_boolean_member (os, "live"));
  g_assert_cmpstr (json_object_get_string_member (json, "firmware"), ==, "uefi-secure-boot");
  g_assert_true (json_object_get_boolean_member (json, "tpm"));
}

static void
test_detect_guess (void)
{
  g_autofree char *path = make_iso ("detect-ubuntu.iso", "Ubuntu 98.04 LTS amd64", "LINUX", NULL,
                                    NULL, TRUE, 0);
  OsinfoOs *newest = direct_newest (guess_cases[1].family, FALSE, "ubuntu22.04");
  g_autoptr(JsonObject) json = NULL;
  g_autofree char *err = NULL;
  JsonObject *os;

  g_assert_cmpint (run_detect (path, &json, &err), ==, 0);
  os = json_object_get_object_member (json, "os");
  g_assert_cmpstr (json_object_get_string_member (os, "short-id"), ==,
                   osinfo_product_get_short_id (OSINFO_PRODUCT (newest)));
  g_assert_cmpstr (json_object_get_string_member (os, "name"), ==,
                   osinfo_product_get_name (OSINFO_PRODUCT (newest)));
  g_assert_true (json_object_get_boolean_member (os, "guess"));
  g_assert_nonnull (strstr (json_object_get_string_member (os, "guess-reason"),
                            "Ubuntu 98.04 LTS amd64"));
  g_assert_cmpstr (json_object_get_string_member (os, "guessed-name"), ==, "Ubuntu 98.04");
}

static void
test_detect_unknown (void)
{
  g_autofree char *path = make_iso ("detect-unknown.iso", "MY_OWN_DISC_2026", NULL, NULL, NULL,
                                    TRUE, 0);
  g_autoptr(HangarOsProfile) generic = hangar_os_profile_new_generic ();
  g_autoptr(JsonObject) json = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_detect (path, &json, &err), ==, 0);
  g_assert_true (json_object_has_member (json, "os"));
  g_assert_true (json_object_get_null_member (json, "os"));
  g_assert_cmpstr (json_object_get_string_member (json, "volume-id"), ==, "MY_OWN_DISC_2026");
  g_assert_cmpint (json_object_get_int_member (json, "memory-mib"), <=, (gint64) generic->ram_mib);
  g_assert_cmpint (json_object_get_int_member (json, "vcpus"), <=, generic->vcpus);
  g_assert_cmpstr (json_object_get_string_member (json, "firmware"), ==, "bios");
}

static void
test_detect_bad_input (void)
{
  g_autofree char *missing = g_build_filename (tmp_dir, "detect-missing.iso", NULL);
  g_autofree char *empty = g_build_filename (tmp_dir, "detect-empty.iso", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_detect (missing, NULL, &err), ==, 1);
  hangar_test_assert_ctl_error (err, "detect");
  g_assert_nonnull (strstr (err, "detect-missing.iso"));
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (empty, "", 0, &error));
  g_assert_cmpint (run_detect (empty, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "empty"));
  g_clear_pointer (&err, g_free);

  /* No path: a usage error. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "detect", NULL }, NULL, NULL), ==, 2);
}

/* A medium given through a symlink is identified and recorded as the file
 * the link pointed to; a link re-pointed later changes nothing of it. */
static void
test_symlink_canonical (void)
{
  g_autofree char *fedora = make_iso ("link-fedora.iso", "Fedora-WS-Live-37-1-7", "LINUX", NULL,
                                      NULL, TRUE, 0);
  g_autofree char *other = make_iso ("link-other.iso", "MY_OWN_DISC_2026", NULL, NULL, NULL,
                                     TRUE, 0);
  g_autofree char *dir = g_build_filename (tmp_dir, "links", NULL);
  g_autofree char *link = g_build_filename (dir, "current.iso", NULL);
  g_autofree char *fedora_real = realpath (fedora, NULL);
  g_autofree char *other_real = realpath (other, NULL);
  g_autoptr(HangarMedia) media = NULL;
  g_autoptr(HangarMediaFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = NULL;

  g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
  g_assert_no_errno (symlink (fedora, link));

  media = identify_ok (link);
  g_assert_cmpstr (hangar_media_get_path (media), ==, fedora_real);
  g_assert_nonnull (hangar_media_get_identity (media));
  g_assert_null (hangar_media_get_warning (media));
  g_assert_cmpstr (hangar_media_get_profile (media)->short_id, ==, "fedora37");

  file = hangar_media_file_resolve (link, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (file->path, ==, fedora_real);
  g_assert_cmpstr (file->identity, ==, hangar_media_get_identity (media));
  g_assert_true (hangar_media_file_check_identity (file->path, file->identity, &error));
  g_assert_no_error (error);

  /* Re-pointed: the recorded file is still the one identified … */
  g_assert_no_errno (g_unlink (link));
  g_assert_no_errno (symlink (other, link));
  g_assert_true (hangar_media_file_check_identity (fedora_real, file->identity, &error));
  g_assert_no_error (error);
  /* … and the link's file now is another one. */
  identity = hangar_media_file_identity (link, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (identity, !=, file->identity);
  g_clear_pointer (&file, hangar_media_file_free);
  file = hangar_media_file_resolve (link, &error);
  g_assert_cmpstr (file->path, ==, other_real);

  /* A dangling link is not found, and says so. */
  g_assert_no_errno (g_unlink (other));
  g_clear_pointer (&file, hangar_media_file_free);
  file = hangar_media_file_resolve (link, &error);
  g_assert_null (file);
  g_assert_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_NOT_FOUND);
}

/* Another file at the recorded path, or the file changed: refused. */
static void
test_replaced_detected (void)
{
  g_autofree char *path = make_iso ("replaced.iso", "Fedora-WS-Live-37-1-7", "LINUX", NULL, NULL,
                                    TRUE, 0);
  g_autofree char *other = make_iso ("replacement.iso", "MY_OWN_DISC_2026", NULL, NULL, NULL,
                                     TRUE, 0);
  g_autoptr(HangarMediaFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = hangar_media_file_resolve (path, &error);
  g_assert_no_error (error);
  g_assert_no_errno (g_rename (other, path));
  g_assert_false (hangar_media_file_check_identity (file->path, file->identity, &error));
  g_assert_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_CHANGED);
  g_assert_nonnull (strstr (error->message, "replaced.iso"));
  g_clear_error (&error);

  g_assert_no_errno (g_unlink (path));
  g_assert_false (hangar_media_file_check_identity (file->path, file->identity, &error));
  g_assert_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_NOT_FOUND);
}

/* Folders others may write in are pointed out; a sticky folder around the
 * user's own file, or a private one, is not. */
static void
test_writable_folder_warning (void)
{
  static const struct { const char *name; mode_t mode; gboolean warns; const char *says; } cases[] = {
    { "private", 0700, FALSE, NULL },
    { "readable", 0755, FALSE, NULL },
    { "world-writable", 0777, TRUE, "everyone may change the folder" },
    { "group-writable", 0775, TRUE, "may be changed by its group" },
    { "sticky", 01777, FALSE, NULL },
  };
  g_autofree char *iso = make_iso ("warn.iso", "MY_OWN_DISC_2026", NULL, NULL, NULL, TRUE, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = g_build_filename (tmp_dir, cases[i].name, NULL);
      g_autofree char *copy = g_build_filename (dir, "disc.iso", NULL);
      g_autofree char *contents = NULL;
      g_autoptr(HangarMediaFile) file = NULL;
      g_autoptr(HangarMedia) media = NULL;
      g_autoptr(GError) error = NULL;
      gsize length;

      g_test_message ("%s", cases[i].name);
      g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
      g_assert_true (g_file_get_contents (iso, &contents, &length, &error));
      g_assert_true (g_file_set_contents (copy, contents, (gssize) length, &error));
      g_assert_no_errno (chmod (dir, cases[i].mode));

      file = hangar_media_file_resolve (copy, &error);
      g_assert_no_error (error);
      if (!cases[i].warns)
        g_assert_null (file->warning);
      else
        {
          g_assert_nonnull (file->warning);
          g_assert_nonnull (strstr (file->warning, cases[i].says));
          g_assert_nonnull (strstr (file->warning, "Other users could replace or change"));
        }

      /* A symlink in a private folder to it: the same warning. */
      media = identify_ok (copy);
      g_assert_cmpstr (hangar_media_get_warning (media), ==, file->warning);
      g_assert_no_errno (chmod (dir, 0700));
    }

  /* The symlink's own folder counts too: others could re-point it. */
  {
    g_autofree char *dir = g_build_filename (tmp_dir, "shared-links", NULL);
    g_autofree char *link = g_build_filename (dir, "disc.iso", NULL);
    g_autoptr(HangarMediaFile) file = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
    g_assert_no_errno (symlink (iso, link));
    g_assert_no_errno (chmod (dir, 0777));
    file = hangar_media_file_resolve (link, &error);
    g_assert_no_error (error);
    g_assert_nonnull (file->warning);
    g_assert_nonnull (strstr (file->warning, "shared-links"));
    g_assert_no_errno (chmod (dir, 0700));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  hangar_test_init (&argc, &argv);

  tmp_dir = g_dir_make_tmp ("hangar-test-media-XXXXXX", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (os_cases); i++)
    {
      g_autofree char *test_path = g_strconcat ("/hangar/media/identify-", os_cases[i].test, NULL);

      g_test_add_data_func (test_path, &os_cases[i], test_identify_os);
    }
  g_test_add_func ("/hangar/media/devices-inherited", test_devices_inherited);
  for (guint i = 0; i < G_N_ELEMENTS (guess_cases); i++)
    {
      g_autofree char *test_path = g_strconcat ("/hangar/media/guess-", guess_cases[i].test, NULL);

      g_test_add_data_func (test_path, &guess_cases[i], test_identify_guess);
    }
  g_test_add_func ("/hangar/media/unknown", test_identify_unknown);
  g_test_add_func ("/hangar/media/symlink-canonical", test_symlink_canonical);
  g_test_add_func ("/hangar/media/replaced-detected", test_replaced_detected);
  g_test_add_func ("/hangar/media/writable-folder-warning", test_writable_folder_warning);
  g_test_add_func ("/hangar/media/error-missing", test_error_missing);
  g_test_add_func ("/hangar/media/error-directory", test_error_directory);
  g_test_add_func ("/hangar/media/error-empty", test_error_empty);
  g_test_add_func ("/hangar/media/error-truncated", test_error_truncated);
  g_test_add_func ("/hangar/media/error-corrupt", test_error_corrupt);
  g_test_add_func ("/hangar/media/error-not-iso", test_error_not_iso);
  g_test_add_func ("/hangar/media/error-not-bootable", test_error_not_bootable);
  g_test_add_func ("/hangar/media/error-unreadable", test_error_unreadable);
  g_test_add_func ("/hangar/media/db-shared-load", test_db_shared_load);
  g_test_add_func ("/hangar/media/db-list-oses", test_db_list_oses);
  g_test_add_func ("/hangar/media/db-profile-for-id", test_db_profile_for_id);
  g_test_add_func ("/hangar/media/family-guess", test_family_guess);
  g_test_add_func ("/hangar/media/detect-exact", test_detect_exact);
  g_test_add_func ("/hangar/media/detect-windows-11", test_detect_windows_11);
  g_test_add_func ("/hangar/media/detect-guess", test_detect_guess);
  g_test_add_func ("/hangar/media/detect-unknown", test_detect_unknown);
  g_test_add_func ("/hangar/media/detect-bad-input", test_detect_bad_input);

  status = g_test_run ();

  hangar_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
