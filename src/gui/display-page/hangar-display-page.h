/* hangar-display-page.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-display.h"
#include "hangar-display-media.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_DISPLAY_PAGE (hangar_display_page_get_type ())

G_DECLARE_FINAL_TYPE (HangarDisplayPage, hangar_display_page, HANGAR, DISPLAY_PAGE, GtkWidget)

HangarDisplayPage *hangar_display_page_new         (GSettings         *settings);
HangarMachine     *hangar_display_page_get_machine (HangarDisplayPage *self);
void               hangar_display_page_set_machine (HangarDisplayPage *self,
                                                    HangarMachine     *machine);
HangarDisplay     *hangar_display_page_get_display (HangarDisplayPage *self);
const char        *hangar_display_page_get_status  (HangarDisplayPage *self);
gboolean           hangar_display_page_get_agent_notice_visible (HangarDisplayPage *self);
gboolean           hangar_display_page_get_action_enabled (HangarDisplayPage *self,
                                                           const char        *action_name);
void               hangar_display_page_set_can_keep (HangarDisplayPage *self,
                                                     gboolean           can_keep);

/* Sound, files and USB (hangar-display-page-media.c) */
HangarDisplayMedia *hangar_display_page_get_media  (HangarDisplayPage *self);
const char        *hangar_display_page_get_transfer (HangarDisplayPage *self,
                                                     const char       **message);
void               hangar_display_page_send_files  (HangarDisplayPage *self,
                                                    GFile            **files,
                                                    guint              n_files);
void               hangar_display_page_cancel_transfer (HangarDisplayPage *self);

G_END_DECLS
