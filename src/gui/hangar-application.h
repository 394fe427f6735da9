/* hangar-application.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_APPLICATION (hangar_application_get_type ())

G_DECLARE_FINAL_TYPE (HangarApplication, hangar_application, HANGAR, APPLICATION, AdwApplication)

HangarApplication *hangar_application_new            (void);
GSettings         *hangar_application_get_settings   (HangarApplication *self);
HangarConnection  *hangar_application_get_connection (HangarApplication *self);
HangarCollection  *hangar_application_get_collection (HangarApplication *self);
void               hangar_application_reconnect      (HangarApplication *self);
void               hangar_application_adopt_try_it   (HangarApplication *self,
                                                      HangarVmCreator   *creator);
HangarVmCreator   *hangar_application_get_try_it     (HangarApplication *self,
                                                      const char        *name);
void               hangar_application_forget_try_it  (HangarApplication *self,
                                                      const char        *name);
void               hangar_application_open_new_machine (HangarApplication *self,
                                                        const char        *name);
void               hangar_application_set_deleting   (HangarApplication *self,
                                                      HangarMachine     *machine,
                                                      gboolean           deleting);
gboolean           hangar_application_is_deleting    (HangarApplication *self,
                                                      HangarMachine     *machine);
HangarWindow      *hangar_application_find_display   (HangarApplication *self,
                                                      HangarMachine     *machine);
void               hangar_application_open_in_new_window (HangarApplication *self,
                                                          HangarMachine     *machine);

G_END_DECLS
