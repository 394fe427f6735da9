/* hangar-import-private.h
 *
 * Between hangar-import.c (the copies) and hangar-import-review.c (the entry).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-appliance.h"
#include "hangar-import.h"

G_BEGIN_DECLS

void hangar_import_start (HangarConnection       *connection,
                          const char             *path,
                          HangarAppliance        *appliance,
                          const HangarOsProfile  *profile,
                          const HangarVmSettings *settings,
                          HangarImportFlags       flags,
                          HangarProgressFunc      progress,
                          gpointer                progress_data,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data);

G_END_DECLS
