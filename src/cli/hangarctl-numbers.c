/* hangarctl-numbers.c
 *
 * The numbers hangarctl's options take: every size and count goes through
 * hangar_vm_parse_size() or hangar_vm_parse_count(), so that "0", "-1",
 * "2x", "1.5" or 99999999999999999999 is refused with its reason, never
 * read as something else; then through the host's limits.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "hangarctl-numbers.h"
#include "hangarctl-session.h"

static gboolean
option_error (const char   *command,
              const char   *option,
              const GError *error)
{
  g_autofree char *message = g_strdup_printf ("%s: %s", option, error->message);

  hangarctl_usage_error (command, message);
  return FALSE;
}

/* Reads @option's @text (NULL when not given: @value is left alone) as a
 * size in @unit (also the unit of a bare number); prints the reason and
 * returns FALSE (a usage error) when it is not one. */
gboolean
hangarctl_parse_size_option (const char *command,
                             const char *option,
                             const char *text,
                             guint64     unit,
                             guint64    *value)
{
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    return TRUE;
  if (hangar_vm_parse_size (text, unit, unit, value, &error))
    return TRUE;
  return option_error (command, option, error);
}

/* The same for a count (processors). */
gboolean
hangarctl_parse_count_option (const char *command,
                              const char *option,
                              const char *text,
                              guint64    *value)
{
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    return TRUE;
  if (hangar_vm_parse_count (text, value, &error))
    return TRUE;
  return option_error (command, option, error);
}

/* Holds the given options (a NULL text: not given) against @limits; prints
 * the first refusal as "hangarctl COMMAND: …" and returns FALSE. */
gboolean
hangarctl_check_limits (const char           *command,
                        const HangarVmLimits *limits,
                        const char           *memory,
                        guint64               memory_mib,
                        const char           *cpus,
                        guint64               vcpus,
                        const char           *disk,
                        guint64               disk_gib)
{
  g_autoptr(GError) error = NULL;

  if ((memory == NULL || hangar_vm_limits_check_memory (limits, memory_mib, &error)) &&
      (cpus == NULL || hangar_vm_limits_check_vcpus (limits, vcpus, &error)) &&
      (disk == NULL || disk_gib == 0 ||
       (disk_gib <= G_MAXUINT64 / HANGARCTL_DISK_UNIT &&
        hangar_vm_limits_check_disk (limits, disk_gib * HANGARCTL_DISK_UNIT, &error))))
    return TRUE;
  if (error == NULL)
    g_set_error (&error, HANGAR_VM_LIMITS_ERROR, HANGAR_VM_LIMITS_ERROR_OUT_OF_RANGE,
                 _("A disk can be at most %" G_GUINT64_FORMAT " GiB on this computer."),
                 limits->max_disk_gib);
  hangarctl_fail (command, error->message);
  return FALSE;
}
