/* hangar-window-private.h
 *
 * What the files of HangarWindow share, and what its tests reach.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-window.h"

G_BEGIN_DECLS

void       hangar_window_set_selection_mode   (HangarWindow  *self,
                                               gboolean       selection_mode);
void       hangar_window_set_machine_selected (HangarWindow  *self,
                                               HangarMachine *machine,
                                               gboolean       selected);
GPtrArray *hangar_window_get_selected         (HangarWindow  *self);
void       hangar_window_delete_machines      (HangarWindow  *self,
                                               GPtrArray     *machines,
                                               gboolean       keep_disk);
void       hangar_window_run_on_machines      (HangarWindow  *self,
                                               const char    *verb,
                                               GPtrArray     *machines);

G_END_DECLS
