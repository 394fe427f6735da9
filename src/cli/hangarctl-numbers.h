/* hangarctl-numbers.h
 *
 * The numbers hangarctl's options take (memory, processors, disk sizes),
 * read by core's one parser and held against core's limits.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "hangar-vm-settings.h"

G_BEGIN_DECLS

/* Sizes without a unit, for the options' help. */
#define HANGARCTL_MEMORY_UNIT (G_GUINT64_CONSTANT (1) << 20)
#define HANGARCTL_DISK_UNIT   (G_GUINT64_CONSTANT (1) << 30)

gboolean hangarctl_parse_size_option  (const char           *command,
                                       const char           *option,
                                       const char           *text,
                                       guint64               unit,
                                       guint64              *value);
gboolean hangarctl_parse_count_option (const char           *command,
                                       const char           *option,
                                       const char           *text,
                                       guint64              *value);
gboolean hangarctl_check_limits       (const char           *command,
                                       const HangarVmLimits *limits,
                                       const char           *memory,
                                       guint64               memory_mib,
                                       const char           *cpus,
                                       guint64               vcpus,
                                       const char           *disk,
                                       guint64               disk_gib);

G_END_DECLS
