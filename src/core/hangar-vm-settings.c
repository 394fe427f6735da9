/* hangar-vm-settings.c
 *
 * A new machine's settings, and every rule for their defaults: the figures
 * an OS profile gets on this host, the name a new machine gets, and the
 * limits the host sets on what a user may choose.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-vm-settings.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)
#define GIB (G_GUINT64_CONSTANT (1) << 30)

/* Memory a new machine is rounded to, and what the host keeps for itself
 * when an OS's minimum is more than half of the host's memory. */
#define RAM_STEP_MIB         128
#define HOST_RAM_RESERVE_MIB 1024

G_DEFINE_BOXED_TYPE (HangarVmSettings, hangar_vm_settings,
                     hangar_vm_settings_copy, hangar_vm_settings_free)

GType
hangar_firmware_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { HANGAR_FIRMWARE_BIOS, "HANGAR_FIRMWARE_BIOS", "bios" },
        { HANGAR_FIRMWARE_UEFI, "HANGAR_FIRMWARE_UEFI", "uefi" },
        { HANGAR_FIRMWARE_UEFI_SECURE_BOOT, "HANGAR_FIRMWARE_UEFI_SECURE_BOOT", "uefi-secure-boot" },
        { 0, NULL, NULL },
      };
      g_once_init_leave (&type, g_enum_register_static ("HangarFirmware", values));
    }
  return type;
}

GType
hangar_domain_type_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { HANGAR_DOMAIN_TYPE_KVM, "HANGAR_DOMAIN_TYPE_KVM", "kvm" },
        { HANGAR_DOMAIN_TYPE_QEMU, "HANGAR_DOMAIN_TYPE_QEMU", "qemu" },
        { 0, NULL, NULL },
      };
      g_once_init_leave (&type, g_enum_register_static ("HangarDomainType", values));
    }
  return type;
}

const char *
hangar_firmware_to_string (HangarFirmware firmware)
{
  switch (firmware)
    {
    case HANGAR_FIRMWARE_BIOS: return "bios";
    case HANGAR_FIRMWARE_UEFI: return "uefi";
    case HANGAR_FIRMWARE_UEFI_SECURE_BOOT: return "uefi-secure-boot";
    default: g_return_val_if_reached ("bios");
    }
}

const char *
hangar_domain_type_to_string (HangarDomainType type)
{
  return type == HANGAR_DOMAIN_TYPE_KVM ? "kvm" : "qemu";
}

HangarVmSettings *
hangar_vm_settings_new (void)
{
  HangarVmSettings *s = g_new0 (HangarVmSettings, 1);

  s->arch = g_strdup ("x86_64");
  s->domain_type = HANGAR_DOMAIN_TYPE_QEMU;
  return s;
}

HangarVmSettings *
hangar_vm_settings_copy (const HangarVmSettings *settings)
{
  HangarVmSettings *s;

  g_return_val_if_fail (settings != NULL, NULL);

  s = g_memdup2 (settings, sizeof *settings);
  s->name = g_strdup (settings->name);
  s->title = g_strdup (settings->title);
  s->disk_path = g_strdup (settings->disk_path);
  s->iso_path = g_strdup (settings->iso_path);
  s->iso_identity = g_strdup (settings->iso_identity);
  s->arch = g_strdup (settings->arch);
  s->extra_disks = g_strdupv (settings->extra_disks);
  s->description = g_strdup (settings->description);
  return s;
}

void
hangar_vm_settings_free (HangarVmSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->name);
  g_free (settings->title);
  g_free (settings->disk_path);
  g_free (settings->iso_path);
  g_free (settings->iso_identity);
  g_free (settings->arch);
  g_strfreev (settings->extra_disks);
  g_free (settings->description);
  g_free (settings);
}

static guint64
cap_memory (const HangarOsProfile *profile,
            const HangarHostInfo  *host,
            guint64                want)
{
  guint64 half;

  if (host == NULL || host->ram_mib == 0)
    return want;

  half = host->ram_mib / 2 / RAM_STEP_MIB * RAM_STEP_MIB;
  if (want <= half)
    return want;

  /* Less than the OS's minimum would not install: give it its minimum when
   * the host still keeps some memory for itself. */
  if (profile->min_ram_mib > half && profile->min_ram_mib + HOST_RAM_RESERVE_MIB <= host->ram_mib)
    return profile->min_ram_mib;

  return MAX (half, RAM_STEP_MIB);
}

/**
 * hangar_vm_settings_new_for:
 * @profile: the OS profile (exact, guessed or generic)
 * @host: (nullable): the host's figures; %NULL for an unknown host (no caps,
 *   no KVM)
 * @force_emulation: the user's `force-software-emulation` setting
 *
 * A new machine's defaults, with no I/O:
 * - memory, vCPUs and disk from the profile (recommended, else minimum —
 *   already so in the profile — else the generic profile's values);
 * - memory at most half the host's, rounded down to 128 MiB, but the OS's
 *   minimum when that is more and the host keeps 1 GiB for itself;
 * - vCPUs at most the host's processors; disk at most the free space in the
 *   pool less %HANGAR_HOST_DISK_MARGIN_GIB, and at least 1 GiB (the creator's
 *   free-space check then reports a full disk);
 * - UEFI when the OS needs it; UEFI with Secure Boot and a TPM when it wants
 *   them (Windows 11);
 * - domain type kvm when the host can use KVM for this architecture and
 *   emulation is not forced, qemu otherwise.
 *
 * @name is the profile's name (%NULL for the generic one): the creator makes
 * it unique. @iso_path and @disk_path are left for the caller.
 *
 * Returns: (transfer full): the settings
 */
HangarVmSettings *
hangar_vm_settings_new_for (const HangarOsProfile *profile,
                            const HangarHostInfo  *host,
                            gboolean               force_emulation)
{
  g_autoptr(HangarOsProfile) generic = hangar_os_profile_new_generic ();
  HangarVmSettings *settings;
  guint64 memory;
  guint vcpus;
  guint64 disk;

  g_return_val_if_fail (profile != NULL, NULL);

  settings = hangar_vm_settings_new ();
  settings->name = g_strdup (profile->name);
  g_free (settings->arch);
  settings->arch = g_strdup (profile->arch != NULL ? profile->arch : generic->arch);

  memory = profile->ram_mib > 0 ? profile->ram_mib : generic->ram_mib;
  settings->memory_mib = cap_memory (profile, host, memory);

  /* osinfo-db mostly gives a minimum CPU count (1); an idle second vCPU
   * costs nothing and makes installers and desktops much quicker. */
  vcpus = MAX (profile->vcpus, generic->vcpus);
  if (host != NULL && host->cpus > 0)
    vcpus = MIN (vcpus, host->cpus);
  settings->vcpus = MAX (vcpus, 1);

  disk = profile->disk_gib > 0 ? profile->disk_gib : generic->disk_gib;
  if (host != NULL && host->free_bytes != G_MAXUINT64)
    {
      guint64 margin = HANGAR_HOST_DISK_MARGIN_GIB * GIB;
      guint64 room = host->free_bytes > margin ? (host->free_bytes - margin) / GIB : 0;

      disk = MIN (disk, room);
    }
  settings->disk_gib = MAX (disk, 1);

  if (profile->wants_secure_boot)
    settings->firmware = HANGAR_FIRMWARE_UEFI_SECURE_BOOT;
  else if (profile->needs_uefi)
    settings->firmware = HANGAR_FIRMWARE_UEFI;
  else
    settings->firmware = HANGAR_FIRMWARE_BIOS;
  settings->tpm = profile->needs_tpm;

  if (host != NULL && host->kvm_usable && !force_emulation &&
      host->arch != NULL && hangar_host_arch_can_run (host->arch, settings->arch))
    settings->domain_type = HANGAR_DOMAIN_TYPE_KVM;
  else
    settings->domain_type = HANGAR_DOMAIN_TYPE_QEMU;

  return settings;
}

/**
 * hangar_vm_settings_default_name:
 * @profile: the OS profile the machine is made for
 * @guessed_name: (nullable): the name identification guessed for a medium
 *   newer than the OS database ("Fedora 41")
 * @medium_path: (nullable): the installation or live medium
 *
 * The name a new machine gets when the user gives none: the OS's name when
 * it was identified exactly, else the guessed name, else the medium's file
 * name without its extension, else "New Machine". The creator makes it
 * unique ("Fedora 37 2").
 *
 * Returns: (transfer full): the name
 */
char *
hangar_vm_settings_default_name (const HangarOsProfile *profile,
                                 const char            *guessed_name,
                                 const char            *medium_path)
{
  if (profile != NULL && profile->short_id != NULL && !profile->guessed && profile->name != NULL)
    return g_strdup (profile->name);
  if (guessed_name != NULL && *guessed_name != '\0')
    return g_strdup (guessed_name);
  if (medium_path != NULL)
    {
      g_autofree char *base = g_path_get_basename (medium_path);
      char *dot = strrchr (base, '.');

      if (dot != NULL && dot != base)
        *dot = '\0';
      /* A file name need not be UTF-8; a machine's name must be. */
      if (*base != '\0' && g_strcmp0 (base, ".") != 0 && g_strcmp0 (base, G_DIR_SEPARATOR_S) != 0)
        return g_filename_display_name (base);
    }
  return g_strdup (_("New Machine"));
}

/**
 * hangar_vm_settings_get_limits:
 * @host: (nullable): the host's figures; %NULL for an unknown host
 * @limits: (out caller-allocates): where to put the limits
 *
 * What a user may choose for a machine on @host: from
 * %HANGAR_VM_MIN_MEMORY_MIB to the host's memory (256 MiB when unknown),
 * from one processor to the host's processors (1 when unknown) or fewer when
 * the machine type allows fewer (@host's max_guest_vcpus), and a disk as
 * large as the free space of the pool's file system (at least 1 GiB).
 */
void
hangar_vm_settings_get_limits (const HangarHostInfo *host,
                               HangarVmLimits       *limits)
{
  g_return_if_fail (limits != NULL);

  limits->min_memory_mib = HANGAR_VM_MIN_MEMORY_MIB;
  limits->max_memory_mib = MAX (256, host != NULL ? host->ram_mib : 0);
  limits->max_vcpus = MAX (1, host != NULL ? host->cpus : 0);
  if (host != NULL && host->max_guest_vcpus > 0)
    limits->max_vcpus = MIN (limits->max_vcpus, host->max_guest_vcpus);
  limits->max_disk_gib = MAX (1, host != NULL ? host->free_bytes / GIB : 0);
}

G_DEFINE_QUARK (hangar-vm-limits-error-quark, hangar_vm_limits_error)

/**
 * hangar_vm_format_mib:
 * @mib: an amount of memory in MiB
 *
 * Returns: (transfer full): "64 MiB", "2 GiB" or "23.4 GiB", as the limits'
 *   messages say them
 */
char *
hangar_vm_format_mib (guint64 mib)
{
  guint64 whole, tenths;

  if (mib < 1024)
    return g_strdup_printf (_("%" G_GUINT64_FORMAT " MiB"), mib);
  if (mib < 1024 * 1024)
    {
      whole = mib / 1024;
      /* Rounded down, so that a limit said is never more than the limit. */
      tenths = mib % 1024 * 10 / 1024;
      if (mib % 1024 == 0)
        return g_strdup_printf (_("%" G_GUINT64_FORMAT " GiB"), whole);
      return g_strdup_printf (_("%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT " GiB"), whole, tenths);
    }
  whole = mib / (1024 * 1024);
  tenths = mib % (1024 * 1024) * 10 / (1024 * 1024);
  if (mib % (1024 * 1024) == 0)
    return g_strdup_printf (_("%" G_GUINT64_FORMAT " TiB"), whole);
  return g_strdup_printf (_("%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT " TiB"), whole, tenths);
}

/* A size in bytes as the messages say it: whole MiB and more as
 * hangar_vm_format_mib() does, else in bytes. */
static char *
format_bytes (guint64 bytes)
{
  if (bytes % MIB == 0 || bytes >= GIB)
    return hangar_vm_format_mib (bytes / MIB);
  return g_strdup_printf (_("%" G_GUINT64_FORMAT " bytes"), bytes);
}

/**
 * hangar_vm_limits_check_memory:
 * @limits: the limits of this host (and machine)
 * @memory_mib: the memory asked for; 0 is refused, never taken for a default
 * @error: return location for a %HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE
 *
 * Returns: %TRUE when a machine can run with @memory_mib here
 */
gboolean
hangar_vm_limits_check_memory (const HangarVmLimits  *limits,
                               guint64                memory_mib,
                               GError               **error)
{
  g_autofree char *low = NULL;
  g_autofree char *high = NULL;
  g_autofree char *asked = NULL;

  g_return_val_if_fail (limits != NULL, FALSE);

  if (memory_mib >= limits->min_memory_mib && memory_mib <= limits->max_memory_mib)
    return TRUE;
  low = hangar_vm_format_mib (limits->min_memory_mib);
  high = hangar_vm_format_mib (limits->max_memory_mib);
  asked = hangar_vm_format_mib (memory_mib);
  g_set_error (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE,
               _("Memory must be between %s and %s on this computer, not %s."),
               low, high, asked);
  return FALSE;
}

/**
 * hangar_vm_limits_check_vcpus:
 * @limits: the limits of this host and machine type
 * @vcpus: the processors asked for; 0 is refused
 * @error: return location for a %HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE
 *
 * Returns: %TRUE when a machine can run with @vcpus processors here
 */
gboolean
hangar_vm_limits_check_vcpus (const HangarVmLimits  *limits,
                              guint64                vcpus,
                              GError               **error)
{
  g_return_val_if_fail (limits != NULL, FALSE);

  if (vcpus >= 1 && vcpus <= limits->max_vcpus)
    return TRUE;
  if (limits->max_vcpus == 1)
    g_set_error (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE,
                 _("A machine can have only 1 processor on this computer, not %" G_GUINT64_FORMAT
                   "."), vcpus);
  else
    g_set_error (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE,
                 _("A machine can have between 1 and %u processors on this computer, not %"
                   G_GUINT64_FORMAT "."), limits->max_vcpus, vcpus);
  return FALSE;
}

/**
 * hangar_vm_limits_check_disk:
 * @limits: the limits of this host
 * @size_bytes: the disk's size; 0 is refused
 * @error: return location for a %HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE
 *
 * A disk may be as large as the free space where Hangar keeps disks: more
 * would fill the file system while the guest writes, and stop every machine
 * on it.
 *
 * Returns: %TRUE when a disk of @size_bytes fits
 */
gboolean
hangar_vm_limits_check_disk (const HangarVmLimits  *limits,
                             guint64                size_bytes,
                             GError               **error)
{
  g_autofree char *high = NULL;
  g_autofree char *asked = NULL;

  g_return_val_if_fail (limits != NULL, FALSE);

  if (size_bytes > 0 && size_bytes / GIB <= limits->max_disk_gib &&
      (size_bytes / GIB < limits->max_disk_gib || size_bytes % GIB == 0))
    return TRUE;
  high = g_strdup_printf (_("%" G_GUINT64_FORMAT " GiB"), limits->max_disk_gib);
  asked = format_bytes (size_bytes);
  if (size_bytes == 0)
    g_set_error_literal (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE,
                         _("A disk cannot have a size of 0."));
  else
    g_set_error (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE,
                 _("A disk can be at most %s on this computer (the free space where Hangar "
                   "keeps disks), not %s."), high, asked);
  return FALSE;
}

static gboolean set_invalid (GError     **error,
                             const char  *format,
                             ...) G_GNUC_PRINTF (2, 3);

static gboolean
set_invalid (GError     **error,
             const char  *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_INVALID, message);
  return FALSE;
}

/* Digits only, no sign, no space, no fraction; FALSE when it overflows. */
static gboolean
parse_digits (const char  *text,
              guint64     *value,
              const char **end)
{
  guint64 v = 0;
  const char *p = text;

  for (; g_ascii_isdigit (*p); p++)
    {
      guint digit = (guint) (*p - '0');

      if (v > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      v = v * 10 + digit;
    }
  *value = v;
  *end = p;
  return TRUE;
}

/**
 * hangar_vm_parse_size:
 * @text: what the user wrote: "2048", "512M", "2G", "2GiB", "1T"
 * @default_unit: bytes per unit of a number without one (%MIB for memory)
 * @unit: the unit the result is in; @text must be a whole number of them
 * @value: (out): the size in @unit
 * @error: return location for a %HANGAR_VM_LIMITS_ERROR_INVALID
 *
 * The one parser of the sizes a user gives (hangarctl's options). Units are
 * binary and case-insensitive: B, K/KiB, M/MiB, G/GiB, T/TiB. A sign, a
 * space, a fraction, another unit, trailing text or a number too large is
 * refused with a message that says so; the size is never rounded.
 *
 * Returns: %TRUE when @text is a size
 */
gboolean
hangar_vm_parse_size (const char  *text,
                      guint64      default_unit,
                      guint64      unit,
                      guint64     *value,
                      GError     **error)
{
  static const struct { const char *suffix; guint64 factor; } units[] = {
    { "B", 1 },
    { "K", 1ULL << 10 }, { "KiB", 1ULL << 10 },
    { "M", 1ULL << 20 }, { "MiB", 1ULL << 20 },
    { "G", 1ULL << 30 }, { "GiB", 1ULL << 30 },
    { "T", 1ULL << 40 }, { "TiB", 1ULL << 40 },
  };
  g_autofree char *display = NULL;
  const char *end = NULL;
  guint64 number, factor = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (default_unit > 0 && unit > 0, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  display = g_utf8_make_valid (text, -1);
  if (text[0] == '-')
    return set_invalid (error, _("“%s” is not a size: sizes cannot be negative."), display);
  if (!g_ascii_isdigit (text[0]))
    return set_invalid (error, _("“%s” is not a size: say 2048, 512M or 2G."), display);
  if (!parse_digits (text, &number, &end))
    return set_invalid (error, _("“%s” is too large a number."), display);
  if (*end == '\0')
    factor = default_unit;
  for (guint i = 0; factor == 0 && i < G_N_ELEMENTS (units); i++)
    if (g_ascii_strcasecmp (end, units[i].suffix) == 0)
      factor = units[i].factor;
  if (factor == 0)
    return set_invalid (error,
                             _("“%s” is not a size: say 2048, 512M or 2G (sizes are whole "
                               "numbers; units are K, M, G and T)."), display);
  if (number > G_MAXUINT64 / factor)
    return set_invalid (error, _("“%s” is too large a number."), display);
  number *= factor;
  if (number % unit != 0)
    {
      g_autofree char *whole = format_bytes (unit);

      g_set_error (error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_INVALID,
                   _("“%s” is not a whole number of %s."), display, whole);
      return FALSE;
    }
  *value = number / unit;
  return TRUE;
}

/**
 * hangar_vm_parse_count:
 * @text: what the user wrote: "4"
 * @value: (out): the count
 * @error: return location for a %HANGAR_VM_LIMITS_ERROR_INVALID
 *
 * A whole number of 0 or more, digits only, as hangar_vm_parse_size() reads
 * one (the limits then refuse 0 where it is not allowed).
 *
 * Returns: %TRUE when @text is a count
 */
gboolean
hangar_vm_parse_count (const char  *text,
                       guint64     *value,
                       GError     **error)
{
  g_autofree char *display = NULL;
  const char *end = NULL;
  guint64 number;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  display = g_utf8_make_valid (text, -1);

  if (text[0] == '-')
    return set_invalid (error, _("“%s” is not a number: counts cannot be negative."), display);
  if (!g_ascii_isdigit (text[0]))
    return set_invalid (error, _("“%s” is not a number: say 1, 2, 4…"), display);
  if (!parse_digits (text, &number, &end))
    return set_invalid (error, _("“%s” is too large a number."), display);
  if (*end != '\0')
    return set_invalid (error, _("“%s” is not a number: say 1, 2, 4…"), display);
  *value = number;
  return TRUE;
}
