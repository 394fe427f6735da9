/* hangar-spice-paintable.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_SPICE_PAINTABLE (hangar_spice_paintable_get_type ())

G_DECLARE_FINAL_TYPE (HangarSpicePaintable, hangar_spice_paintable,
                      HANGAR, SPICE_PAINTABLE, GObject)

HangarSpicePaintable *hangar_spice_paintable_new             (void);
void                  hangar_spice_paintable_set_primary     (HangarSpicePaintable *self,
                                                              int                   format,
                                                              int                   width,
                                                              int                   height,
                                                              int                   stride,
                                                              const guint8         *data);
void                  hangar_spice_paintable_release_primary (HangarSpicePaintable *self);
void                  hangar_spice_paintable_invalidate      (HangarSpicePaintable *self,
                                                              int                   x,
                                                              int                   y,
                                                              int                   width,
                                                              int                   height);
void                  hangar_spice_paintable_set_area        (HangarSpicePaintable *self,
                                                              int                   x,
                                                              int                   y,
                                                              int                   width,
                                                              int                   height);
void                  hangar_spice_paintable_clear           (HangarSpicePaintable *self);
void                  hangar_spice_paintable_set_renderer    (HangarSpicePaintable *self,
                                                              GskRenderer          *renderer,
                                                              int                   scale_factor);
gboolean              hangar_spice_paintable_has_frame       (HangarSpicePaintable *self);
GdkTexture           *hangar_spice_paintable_get_frame       (HangarSpicePaintable *self);
void                  hangar_spice_paintable_get_stats       (HangarSpicePaintable *self,
                                                              guint64              *invalidations,
                                                              guint64              *frames,
                                                              guint64              *tiles_uploaded);

G_END_DECLS
