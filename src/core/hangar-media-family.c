/* hangar-media-family.c
 *
 * Families Hangar recognises from a volume ID alone, for media newer than the
 * installed osinfo-db: a distribution names its images in a stable way across
 * releases, so "Fedora-WS-Live-45-1-2" is Fedora even when the database stops
 * at 37. Pure string work; the stand-in OS is chosen in hangar-osinfo.c.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-media"

#include "config.h"

#include <string.h>

#include "hangar-media-private.h"

/* Order matters only where patterns overlap; none do today. A distro holds
 * more than one product (Fedora Silverblue is distro "fedora" too), hence
 * the short-id patterns. Windows images
 * name their edition and architecture ("CCCOMA_X64FRE_EN-US_DV9") but never
 * their version, and servers use other prefixes ("SSS_X64FRE"), so the
 * stand-in is the newest client Windows. */
static const HangarMediaFamily families[] = {
  { "fedora", "Fedora", "^fedora\\d+$", FALSE,
    "^Fedora-.*?-(?<version>\\d+)(-|$)" },
  { "ubuntu", "Ubuntu", "^ubuntu\\d", FALSE,
    "^Ubuntu(-Server)?[ -](?<version>\\d+\\.\\d+)" },
  { "debian", "Debian", "^debian\\d", FALSE,
    "^Debian (?<version>\\d+)(\\.\\d+)* " },
  { "opensuse", "openSUSE Leap", "^opensuse\\d", FALSE,
    "^openSUSE[-_]Leap[-_](?<version>\\d+\\.\\d+)" },
  { "alpinelinux", "Alpine Linux", "^alpinelinux\\d", FALSE,
    "^alpine-[a-z]+ (?<version>\\d+\\.\\d+)" },
  { "centos", "CentOS Stream", "^centos-stream\\d", TRUE,
    "^CentOS-Stream-(?<version>\\d+)-" },
  { "freebsd", "FreeBSD", "^freebsd\\d", FALSE,
    "^(?<version>\\d+_\\d+)_RELEASE_" },
  { "win", "Windows", "^win\\d+(\\.\\d+)?$", FALSE,
    "^(J_)?C[A-Z]{2,6}_(X64|X86|A64)FREV?E?_" },
};

static GRegex *
compile (const char *pattern)
{
  g_autoptr(GError) error = NULL;
  GRegex *regex = g_regex_new (pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &error);

  /* The patterns are ours: a bad one is a programming error. */
  g_assert_no_error (error);
  return regex;
}

static char *
match_version (const HangarMediaFamily *family,
               const char              *volume_id,
               gboolean                *matched)
{
  g_autoptr(GRegex) regex = compile (family->volume_pattern);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *version = NULL;

  *matched = g_regex_match (regex, volume_id, 0, &match);
  if (!*matched)
    return NULL;

  version = g_match_info_fetch_named (match, "version");
  if (version == NULL || *version == '\0')
    return NULL;

  /* FreeBSD writes 14_1 for 14.1. */
  g_strdelimit (version, "_", '.');
  return g_steal_pointer (&version);
}

/*
 * hangar_media_family_guess:
 * @volume_id: an ISO volume ID
 * @version: (out) (optional) (transfer full): the version it shows, or %NULL
 *
 * Returns: (nullable): the family the volume ID belongs to
 */
const HangarMediaFamily *
hangar_media_family_guess (const char  *volume_id,
                           char       **version)
{
  if (version != NULL)
    *version = NULL;
  if (volume_id == NULL || *volume_id == '\0')
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      gboolean matched;
      g_autofree char *found = match_version (&families[i], volume_id, &matched);

      if (matched)
        {
          if (version != NULL)
            *version = g_steal_pointer (&found);
          return &families[i];
        }
    }

  return NULL;
}

/*
 * hangar_media_family_for_distro:
 *
 * Returns: (nullable): the family for libosinfo's @distro, for media that
 *   osinfo-db matched only to a placeholder ("fedora-unknown")
 */
const HangarMediaFamily *
hangar_media_family_for_distro (const char *distro)
{
  if (distro == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    if (g_str_equal (families[i].distro, distro))
      return &families[i];

  return NULL;
}

/*
 * hangar_media_version_from_volume_id:
 *
 * Returns: (nullable) (transfer full): the version @volume_id shows for @family
 */
char *
hangar_media_version_from_volume_id (const HangarMediaFamily *family,
                                     const char              *volume_id)
{
  gboolean matched;

  if (family == NULL || volume_id == NULL)
    return NULL;
  return match_version (family, volume_id, &matched);
}

/*
 * hangar_media_arch_from_volume_id:
 *
 * Images usually name their architecture; an unknown image that says
 * "aarch64" must be reported as such rather than tried on x86_64.
 *
 * Returns: (nullable) (transfer full): libosinfo's name for the architecture
 */
char *
hangar_media_arch_from_volume_id (const char *volume_id)
{
  static const struct {
    const char *pattern;
    const char *arch;
  } arches[] = {
    /* Before x86: "x86_64" contains "x86". */
    { "(aarch64|arm64|_A64FRE)", "aarch64" },
    { "(x86_64|amd64|x64)", "x86_64" },
    { "(i[3-6]86|x86)", "i686" },
    { "(ppc64le|ppc64el|p64el)", "ppc64le" },
    { "s390x", "s390x" },
    { "(armhf|armv7)", "armv7l" },
    { "riscv64", "riscv64" },
  };

  if (volume_id == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (arches); i++)
    {
      g_autoptr(GRegex) regex = compile (arches[i].pattern);

      if (g_regex_match (regex, volume_id, 0, NULL))
        return g_strdup (arches[i].arch);
    }

  return NULL;
}
