/* hangar-window.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_WINDOW (hangar_window_get_type ())

G_DECLARE_FINAL_TYPE (HangarWindow, hangar_window, HANGAR, WINDOW, AdwApplicationWindow)

HangarWindow *hangar_window_new               (HangarApplication *application);
const char   *hangar_window_get_visible_page  (HangarWindow      *self);
GtkWidget    *hangar_window_get_card          (HangarWindow      *self,
                                               const char        *name);
void          hangar_window_open_machine_and_start (HangarWindow *self,
                                                    HangarMachine *machine);
void          hangar_window_open_machine      (HangarWindow      *self,
                                               HangarMachine     *machine);
HangarDisplayPage *hangar_window_get_display_page (HangarWindow  *self);
GdkTexture   *hangar_window_lookup_thumbnail  (HangarWindow      *self,
                                               HangarMachine     *machine);
void          hangar_window_add_toast         (HangarWindow      *self,
                                               const char        *message);
HangarAssistant *hangar_window_new_machine    (HangarWindow      *self,
                                               GFile             *file);
GListModel   *hangar_window_get_machines      (HangarWindow      *self);
void          hangar_window_set_search_text   (HangarWindow      *self,
                                               const char        *text);
void          hangar_window_delete_machine    (HangarWindow      *self,
                                               HangarMachine     *machine);
void          hangar_window_delete_machine_full (HangarWindow    *self,
                                                 HangarMachine   *machine,
                                                 gboolean         keep_disk);
AdwMessageDialog *hangar_window_confirm_delete_machine (HangarWindow  *self,
                                                        HangarMachine *machine);

G_END_DECLS
