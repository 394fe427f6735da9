/* hangar-health-page.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-machine.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_HEALTH_PAGE (hangar_health_page_get_type ())

G_DECLARE_FINAL_TYPE (HangarHealthPage, hangar_health_page, HANGAR, HEALTH_PAGE,
                      AdwPreferencesPage)

void        hangar_health_page_set_machine (HangarHealthPage *self,
                                            HangarMachine    *machine);
gboolean    hangar_health_page_is_checked  (HangarHealthPage *self);
GPtrArray  *hangar_health_page_get_items   (HangarHealthPage *self);
GtkWidget  *hangar_health_page_get_row     (HangarHealthPage *self,
                                            const char       *id);

G_END_DECLS
