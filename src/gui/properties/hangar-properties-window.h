/* hangar-properties-window.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-machine.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_PROPERTIES_WINDOW (hangar_properties_window_get_type ())

G_DECLARE_FINAL_TYPE (HangarPropertiesWindow, hangar_properties_window,
                      HANGAR, PROPERTIES_WINDOW, AdwPreferencesWindow)

HangarPropertiesWindow *hangar_properties_window_new         (HangarMachine          *machine);
void                    hangar_properties_window_show        (HangarMachine          *machine,
                                                              GtkWidget              *parent);
HangarMachine          *hangar_properties_window_get_machine (HangarPropertiesWindow *self);
gboolean                hangar_properties_window_is_loaded   (HangarPropertiesWindow *self);
GtkWidget              *hangar_properties_window_get_health_page (HangarPropertiesWindow *self);

G_END_DECLS
