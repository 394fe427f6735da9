/* hangar-os-chooser.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_OS_CHOOSER (hangar_os_chooser_get_type ())

G_DECLARE_FINAL_TYPE (HangarOsChooser, hangar_os_chooser, HANGAR, OS_CHOOSER, GtkWidget)

HangarOsChooser *hangar_os_chooser_new      (void);
void             hangar_os_chooser_set_oses (HangarOsChooser *self,
                                             GPtrArray       *oses);
void             hangar_os_chooser_reset    (HangarOsChooser *self);

G_END_DECLS
