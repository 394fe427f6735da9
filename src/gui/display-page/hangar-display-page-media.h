/* hangar-display-page-media.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hangar-display.h"
#include "hangar-display-media.h"

G_BEGIN_DECLS

typedef struct _HangarDisplayPageMedia HangarDisplayPageMedia;

HangarDisplayPageMedia *hangar_display_page_media_new         (GtkWidget              *page,
                                                               GtkOverlay             *overlay,
                                                               HangarDisplay          *display,
                                                               GMenu                  *usb_section);
void                    hangar_display_page_media_free        (HangarDisplayPageMedia *self);
HangarDisplayMedia     *hangar_display_page_media_get_media   (HangarDisplayPageMedia *self);
void                    hangar_display_page_media_send        (HangarDisplayPageMedia *self,
                                                               GFile                 **files,
                                                               guint                   n_files);
void                    hangar_display_page_media_cancel      (HangarDisplayPageMedia *self);
const char             *hangar_display_page_media_get_status  (HangarDisplayPageMedia *self);
const char             *hangar_display_page_media_get_message (HangarDisplayPageMedia *self);

G_END_DECLS
