/* hangar-osinfo.c
 *
 * Reads what a new machine needs out of libosinfo: resources, firmware,
 * devices (including those inherited from the OSes an OS derives from), and
 * picks a family's newest OS to stand in for media newer than the database.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-osinfo"

#include "config.h"

#include <string.h>

#include "hangar-osinfo-private.h"

#define MIB (G_GINT64_CONSTANT (1) << 20)
#define GIB (G_GINT64_CONSTANT (1) << 30)

/* derives-from chains are short (fedora37 → … → fedora1 is the longest); the
 * bound only guards against a cycle in a broken database. */
#define MAX_ANCESTRY 64

#define WIN11_ID "http://microsoft.com/win/11"

static gboolean
is_x86 (const char *arch)
{
  return arch != NULL && (g_str_equal (arch, "x86_64") || g_str_equal (arch, "i686") ||
                          g_str_equal (arch, "i386"));
}

/* The OS, then what it derives from, parent first. */
static GPtrArray *
ancestry (OsinfoOs *os)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func (g_object_unref);
  OsinfoProduct *current = OSINFO_PRODUCT (g_object_ref (os));

  while (current != NULL && chain->len < MAX_ANCESTRY)
    {
      OsinfoProductList *parents;

      g_ptr_array_add (chain, current);
      parents = osinfo_product_get_related (current, OSINFO_PRODUCT_RELATIONSHIP_DERIVES_FROM);
      current = osinfo_list_get_length (OSINFO_LIST (parents)) > 0
        ? g_object_ref (OSINFO_PRODUCT (osinfo_list_get_nth (OSINFO_LIST (parents), 0)))
        : NULL;
      g_object_unref (parents);
    }
  g_clear_object (&current);
  return chain;
}

static OsinfoResources *
resources_for_arch (OsinfoResourcesList *list,
                    const char          *arch)
{
  OsinfoResources *any = NULL;

  for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoResources *r = OSINFO_RESOURCES (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *r_arch = osinfo_resources_get_architecture (r);

      if (g_strcmp0 (r_arch, arch) == 0)
        return r;
      if (g_strcmp0 (r_arch, OSINFO_ARCHITECTURE_ALL) == 0)
        any = r;
    }
  return any;
}

typedef struct
{
  gint64 ram;
  gint   n_cpus;
  gint64 storage;
} Figures;

static void
read_figures (OsinfoResources *r,
              Figures         *out)
{
  out->ram = r != NULL ? osinfo_resources_get_ram (r) : -1;
  out->n_cpus = r != NULL ? osinfo_resources_get_n_cpus (r) : -1;
  out->storage = r != NULL ? osinfo_resources_get_storage (r) : -1;
}

/* The figures of the nearest OS in the ancestry that states any for @arch: a
 * release that gives none of its own (FreeBSD 13.1) takes its predecessor's.
 * Figures are never mixed across releases: Windows 11 states only minimums,
 * and an ancestor's recommended memory (Windows 7's) is below them. */
static void
fill_resources (HangarOsProfile *p,
                GPtrArray       *chain,
                const char      *arch)
{
  Figures rec = { -1, -1, -1 };
  Figures min = { -1, -1, -1 };

  for (guint i = 0; i < chain->len; i++)
    {
      OsinfoOs *os = g_ptr_array_index (chain, i);
      OsinfoResourcesList *rec_list = osinfo_os_get_recommended_resources (os);
      OsinfoResourcesList *min_list = osinfo_os_get_minimum_resources (os);
      OsinfoResources *rec_r = resources_for_arch (rec_list, arch);
      OsinfoResources *min_r = resources_for_arch (min_list, arch);
      gboolean found = rec_r != NULL || min_r != NULL;

      read_figures (rec_r, &rec);
      read_figures (min_r, &min);
      g_object_unref (rec_list);
      g_object_unref (min_list);
      if (found)
        break;
    }

  if (min.ram > 0)
    p->min_ram_mib = min.ram / MIB;
  p->ram_mib = rec.ram > 0 ? MAX (rec.ram, MAX (min.ram, 0)) / MIB : p->min_ram_mib;
  p->vcpus = MAX (MAX (rec.n_cpus, min.n_cpus), 0);
  if (rec.storage > 0 || min.storage > 0)
    p->disk_gib = (MAX (rec.storage, min.storage) + GIB - 1) / GIB;
}

/* osinfo-db lists `<firmware type="bios" supported="false"/>` for OSes that
 * boot only with UEFI (Windows 11); an `efi` entry alone means UEFI is
 * possible, not required. */
static void
fill_firmware (HangarOsProfile *p,
               OsinfoOs        *os,
               const char      *arch)
{
  OsinfoFirmwareList *list = osinfo_os_get_complete_firmware_list (os, NULL);
  gboolean efi = FALSE;
  gboolean no_bios = FALSE;

  for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoFirmware *fw = OSINFO_FIRMWARE (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *type = osinfo_firmware_get_firmware_type (fw);

      if (g_strcmp0 (osinfo_firmware_get_architecture (fw), arch) != 0)
        continue;
      if (g_strcmp0 (type, "efi") == 0 && osinfo_firmware_is_supported (fw))
        efi = TRUE;
      else if (g_strcmp0 (type, "bios") == 0 && !osinfo_firmware_is_supported (fw))
        no_bios = TRUE;
    }
  g_object_unref (list);

  p->needs_uefi = efi && no_bios;
}

/* osinfo-db 20221130 says nothing of Secure Boot or TPMs: Windows 11's setup
 * refuses to install without both, so any OS that is Windows 11 or derives
 * from it (a later Windows) gets them. Windows Server 2022 does not derive
 * from it and needs neither. */
static gboolean
is_windows_11_or_later (GPtrArray *chain)
{
  for (guint i = 0; i < chain->len; i++)
    if (g_strcmp0 (osinfo_entity_get_id (g_ptr_array_index (chain, i)), WIN11_ID) == 0)
      return TRUE;
  return FALSE;
}

static void
fill_devices (HangarOsProfile *p,
              OsinfoOs        *os)
{
  OsinfoDeviceList *devices = osinfo_os_get_all_devices (os, NULL);
  gboolean virtio_console = FALSE;
  gboolean vdagent = FALSE;

  for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (devices)); i++)
    {
      OsinfoDevice *dev = OSINFO_DEVICE (osinfo_list_get_nth (OSINFO_LIST (devices), i));
      const char *name = osinfo_device_get_name (dev);

      if (name == NULL)
        continue;

      if (g_str_has_prefix (name, "virtio1.0-"))
        p->virtio_1_0 = TRUE;

      if (g_str_equal (name, "virtio-block") || g_str_equal (name, "virtio1.0-block"))
        p->virtio_block = TRUE;
      else if (g_str_equal (name, "virtio-net") || g_str_equal (name, "virtio1.0-net"))
        p->virtio_net = TRUE;
      else if (g_str_equal (name, "virtio-rng") || g_str_equal (name, "virtio1.0-rng"))
        p->virtio_rng = TRUE;
      else if (g_str_equal (name, "virtio-balloon") || g_str_equal (name, "virtio1.0-balloon"))
        p->virtio_balloon = TRUE;
      else if (g_str_equal (name, "virtio-gpu") || g_str_equal (name, "virtio1.0-gpu"))
        p->virtio_gpu = TRUE;
      else if (g_str_equal (name, "virtio-console") || g_str_equal (name, "virtio1.0-console"))
        virtio_console = TRUE;
      else if (g_str_equal (name, "qxl"))
        p->qxl = TRUE;
      else if (g_str_equal (name, "tablet"))
        p->usb_tablet = TRUE;
      else if (g_str_equal (name, "ich9-hda") || g_str_equal (name, "ich6"))
        p->ich9_sound = TRUE;
      else if (g_str_equal (name, "qemu-x86-q35"))
        p->q35 = TRUE;
      else if (g_str_equal (name, "spice-vdagent"))
        vdagent = TRUE;
    }
  g_object_unref (devices);

  /* This osinfo-db has no spice-vdagent device; every Linux distribution
   * packages the agent, which talks over a virtio-serial port. Windows needs
   * the separately installed guest tools, so it is not assumed. */
  p->spice_agent = vdagent || (g_strcmp0 (p->family, "linux") == 0 && virtio_console);
}

static const char *
default_arch (OsinfoOs *os)
{
  OsinfoMediaList *media = osinfo_os_get_media_list (os);
  const char *found = NULL;

  for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (media)); i++)
    {
      const char *arch = osinfo_media_get_architecture (OSINFO_MEDIA (osinfo_list_get_nth (
        OSINFO_LIST (media), i)));

      if (g_strcmp0 (arch, "x86_64") == 0)
        {
          found = "x86_64";
          break;
        }
      if (g_strcmp0 (arch, "i686") == 0)
        found = "i686";
    }
  g_object_unref (media);

  return found != NULL ? found : "x86_64";
}

/*
 * hangar_osinfo_profile_new:
 * @os: the OS
 * @media: (nullable): the identified medium, for its architecture, variant,
 *   live/installer flags and install-script support
 * @arch: (nullable): the architecture when there is no @media; %NULL picks
 *   x86_64, or i686 for an OS with only 32-bit media
 * @variant_name: (out) (optional) (transfer full): the variant's name
 */
HangarOsProfile *
hangar_osinfo_profile_new (OsinfoOs     *os,
                           OsinfoMedia  *media,
                           const char   *arch,
                           char        **variant_name)
{
  HangarOsProfile *p = g_new0 (HangarOsProfile, 1);
  OsinfoProduct *product = OSINFO_PRODUCT (os);
  g_autoptr(GPtrArray) chain = ancestry (os);

  if (variant_name != NULL)
    *variant_name = NULL;

  p->short_id = g_strdup (osinfo_product_get_short_id (product));
  p->id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (os)));
  p->name = g_strdup (osinfo_product_get_name (product));
  p->family = g_strdup (osinfo_os_get_family (os));
  p->distro = g_strdup (osinfo_os_get_distro (os));
  p->version = g_strdup (osinfo_product_get_version (product));
  p->logo = g_strdup (osinfo_product_get_logo (product));

  if (media != NULL)
    {
      OsinfoOsVariantList *variants = osinfo_media_get_os_variants (media);

      p->arch = g_strdup (osinfo_media_get_architecture (media));
      p->live = osinfo_media_get_live (media);
      p->installer = osinfo_media_get_installer (media);
      p->unattended = p->installer && osinfo_media_supports_installer_script (media);

      if (variants != NULL && osinfo_list_get_length (OSINFO_LIST (variants)) > 0)
        {
          OsinfoOsVariant *variant =
            OSINFO_OS_VARIANT (osinfo_list_get_nth (OSINFO_LIST (variants), 0));

          p->variant = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (variant)));
          if (variant_name != NULL)
            *variant_name = g_strdup (osinfo_os_variant_get_name (variant));
        }
      g_clear_object (&variants);
    }
  else
    {
      OsinfoInstallScriptList *scripts = osinfo_os_get_install_script_list (os);

      p->installer = TRUE;
      p->unattended = osinfo_list_get_length (OSINFO_LIST (scripts)) > 0;
      g_object_unref (scripts);
    }

  if (p->arch == NULL)
    p->arch = g_strdup (arch != NULL ? arch : default_arch (os));

  fill_resources (p, chain, p->arch);
  fill_firmware (p, os, p->arch);
  fill_devices (p, os);

  if (g_strcmp0 (p->distro, "win") == 0 && is_windows_11_or_later (chain))
    {
      p->needs_uefi = TRUE;
      p->wants_secure_boot = TRUE;
      p->needs_tpm = TRUE;
    }

  return p;
}

/*
 * hangar_osinfo_media_flags:
 * @live: (out): 1 or 0 when all of @os's media for @arch agree, else -1
 * @installer: (out): likewise
 *
 * A guess's stand-in has no medium of the user's; where all of its own agree
 * (every Ubuntu desktop and server image is live), a newer one will too.
 */
void
hangar_osinfo_media_flags (OsinfoOs   *os,
                           const char *arch,
                           int        *live,
                           int        *installer)
{
  OsinfoMediaList *media = osinfo_os_get_media_list (os);

  *live = *installer = -1;
  for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (media)); i++)
    {
      OsinfoMedia *m = OSINFO_MEDIA (osinfo_list_get_nth (OSINFO_LIST (media), i));
      int m_live = osinfo_media_get_live (m) ? 1 : 0;
      int m_installer = osinfo_media_get_installer (m) ? 1 : 0;

      if (g_strcmp0 (osinfo_media_get_architecture (m), arch) != 0)
        continue;

      if (*live == -1 || *live == m_live)
        *live = m_live;
      else
        *live = -2;
      if (*installer == -1 || *installer == m_installer)
        *installer = m_installer;
      else
        *installer = -2;
    }
  g_object_unref (media);

  if (*live < 0)
    *live = -1;
  if (*installer < 0)
    *installer = -1;
}

/*
 * hangar_osinfo_os_is_placeholder:
 *
 * osinfo-db carries entries such as fedora-unknown ("Fedora", version
 * "unknown") that match any release newer than the ones it knows.
 */
gboolean
hangar_osinfo_os_is_placeholder (OsinfoOs *os)
{
  const char *version = osinfo_product_get_version (OSINFO_PRODUCT (os));
  const char *short_id = osinfo_product_get_short_id (OSINFO_PRODUCT (os));

  return g_strcmp0 (version, "unknown") == 0 ||
         (short_id != NULL && g_str_has_suffix (short_id, "-unknown"));
}

static gboolean
has_x86_media (OsinfoOs *os,
               gboolean *has_any)
{
  OsinfoMediaList *media = osinfo_os_get_media_list (os);
  OsinfoTreeList *trees = osinfo_os_get_tree_list (os);
  gboolean x86 = FALSE;

  *has_any = osinfo_list_get_length (OSINFO_LIST (media)) > 0 ||
             osinfo_list_get_length (OSINFO_LIST (trees)) > 0;

  for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (media)) && !x86; i++)
    x86 = is_x86 (osinfo_media_get_architecture (
      OSINFO_MEDIA (osinfo_list_get_nth (OSINFO_LIST (media), i))));
  for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (trees)) && !x86; i++)
    x86 = is_x86 (osinfo_tree_get_architecture (
      OSINFO_TREE (osinfo_list_get_nth (OSINFO_LIST (trees), i))));

  g_object_unref (media);
  g_object_unref (trees);
  return x86;
}

/*
 * hangar_osinfo_os_is_listed:
 *
 * Whether the OS belongs in the hand-pick list: a real release (no
 * placeholder, no CI snapshot) that runs on x86 — its media or install trees
 * say so, or it lists none (cloud-image-only and old entries).
 */
gboolean
hangar_osinfo_os_is_listed (OsinfoOs *os)
{
  gboolean has_any;

  if (hangar_osinfo_os_is_placeholder (os))
    return FALSE;
  if (osinfo_os_get_release_status (os) == OSINFO_RELEASE_STATUS_SNAPSHOT)
    return FALSE;
  if (osinfo_product_get_name (OSINFO_PRODUCT (os)) == NULL ||
      osinfo_product_get_short_id (OSINFO_PRODUCT (os)) == NULL)
    return FALSE;

  return has_x86_media (os, &has_any) || !has_any;
}

/* > 0 when @a is newer: by release date where both have one, else by version. */
static int
compare_age (OsinfoOs *a,
             OsinfoOs *b)
{
  const char *date_a = osinfo_product_get_release_date_string (OSINFO_PRODUCT (a));
  const char *date_b = osinfo_product_get_release_date_string (OSINFO_PRODUCT (b));

  /* ISO 8601 dates order as strings. Where one has no date (CentOS Stream 9
   * has none, 8 has one), the versions decide. */
  if (date_a != NULL && date_b != NULL && strcmp (date_a, date_b) != 0)
    return strcmp (date_a, date_b);

  {
    /* Natural order: "3.9" before "3.17". */
    g_autofree char *key_a =
      g_utf8_collate_key_for_filename (osinfo_product_get_version (OSINFO_PRODUCT (a)), -1);
    g_autofree char *key_b =
      g_utf8_collate_key_for_filename (osinfo_product_get_version (OSINFO_PRODUCT (b)), -1);

    return strcmp (key_a, key_b);
  }
}

/*
 * hangar_osinfo_newest_of_family:
 * @distro: libosinfo's distro name
 * @family: (nullable): the family's rules (short-id pattern, rolling allowed)
 *
 * The newest released OS of @distro with a numeric version: no placeholder,
 * no "rawhide" or "testing", and no prerelease.
 *
 * Returns: (transfer full) (nullable): the stand-in
 */
OsinfoOs *
hangar_osinfo_newest_of_family (OsinfoDb                *db,
                                const char              *distro,
                                const HangarMediaFamily *family)
{
  OsinfoOsList *list = osinfo_db_get_os_list (db);
  g_autoptr(GRegex) short_id_regex = NULL;
  OsinfoOs *best = NULL;

  if (family != NULL && family->short_id_pattern != NULL)
    short_id_regex = g_regex_new (family->short_id_pattern, 0, 0, NULL);

  for (gint i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *version = osinfo_product_get_version (OSINFO_PRODUCT (os));
      const char *short_id = osinfo_product_get_short_id (OSINFO_PRODUCT (os));
      int status = osinfo_os_get_release_status (os);

      if (g_strcmp0 (osinfo_os_get_distro (os), distro) != 0)
        continue;
      if (version == NULL || !g_ascii_isdigit (version[0]) || short_id == NULL)
        continue;
      if (hangar_osinfo_os_is_placeholder (os))
        continue;
      if (status != OSINFO_RELEASE_STATUS_RELEASED &&
          !(status == OSINFO_RELEASE_STATUS_ROLLING && family != NULL && family->allow_rolling))
        continue;
      if (short_id_regex != NULL && !g_regex_match (short_id_regex, short_id, 0, NULL))
        continue;

      if (best == NULL || compare_age (os, best) > 0)
        best = os;
    }

  if (best != NULL)
    g_object_ref (best);
  g_object_unref (list);
  return best;
}
