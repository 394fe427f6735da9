/* hangar-appliance-private.h
 *
 * Between hangar-appliance.c (the description) and hangar-appliance-archive.c
 * (the files).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-appliance.h"

G_BEGIN_DECLS

/* The largest description read: far above any real one. */
#define HANGAR_APPLIANCE_MAX_OVF_BYTES (4 * 1024 * 1024)

HangarAppliance *hangar_appliance_new_empty  (void);
gboolean         hangar_appliance_set_error  (GError     **error,
                                              int          code,
                                              const char  *format,
                                              ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
