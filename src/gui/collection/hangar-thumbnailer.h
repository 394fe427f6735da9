/* hangar-thumbnailer.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_THUMBNAILER (hangar_thumbnailer_get_type ())

G_DECLARE_FINAL_TYPE (HangarThumbnailer, hangar_thumbnailer, HANGAR, THUMBNAILER, GObject)

HangarThumbnailer *hangar_thumbnailer_new          (GtkWindow         *window);
void               hangar_thumbnailer_watch        (HangarThumbnailer *self,
                                                    GtkWidget         *widget,
                                                    HangarMachine     *machine);
void               hangar_thumbnailer_unwatch      (HangarThumbnailer *self,
                                                    GtkWidget         *widget);
void               hangar_thumbnailer_queue_update (HangarThumbnailer *self);
GdkTexture        *hangar_thumbnailer_lookup       (HangarThumbnailer *self,
                                                    HangarMachine     *machine);
void               hangar_thumbnailer_forget       (HangarThumbnailer *self,
                                                    HangarMachine     *machine);
guint              hangar_thumbnailer_get_n_taken  (HangarThumbnailer *self);

G_END_DECLS
