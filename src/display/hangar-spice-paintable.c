/* hangar-spice-paintable.c
 *
 * The guest's primary surface as a GdkPaintable, drawn from tiles.
 *
 * The channel owns the primary buffer and frees it right after
 * display-primary-destroy, and it changes under us at any time, so no texture
 * may point into it. We keep our own copy, cut in tiles: an invalidated
 * rectangle only marks tiles dirty, and the dirty tiles are copied (fixing the
 * X byte, which SPICE leaves at 0, to opaque) and become new textures at most
 * once per frame, when GTK asks for a snapshot. A text cursor blinking costs
 * one 128×128 upload, not a whole-screen one. While the widget is unmapped no
 * snapshot is taken and damage only accumulates.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-display"

#include "config.h"

#include <spice-client.h>
#include <string.h>

#include "hangar-spice-paintable.h"

#define TILE_SIZE 128

struct _HangarSpicePaintable
{
  GObject          parent_instance;

  /* The channel's buffer: valid from primary-create to primary-destroy. */
  const guint8    *data;
  int              format;
  int              stride;

  /* Size of the surface the tiles cover; kept after the buffer goes, so
   * the last frame stays on screen until the next one. */
  int              width;
  int              height;
  int              columns;
  int              rows;
  GdkTexture     **tiles;

  /* The part of the surface that is shown (a monitor may be a sub-rectangle). */
  cairo_rectangle_int_t area;

  cairo_region_t  *dirty;
  gboolean         invalidate_queued;

  guint64          invalidations;
  guint64          frames;
  guint64          tiles_uploaded;
};

static void hangar_spice_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarSpicePaintable, hangar_spice_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      hangar_spice_paintable_iface_init))

static void
free_tiles (HangarSpicePaintable *self)
{
  if (self->tiles != NULL)
    {
      for (int i = 0; i < self->columns * self->rows; i++)
        g_clear_object (&self->tiles[i]);
      g_clear_pointer (&self->tiles, g_free);
    }
  self->columns = self->rows = 0;
}

static gboolean
format_supported (int format)
{
  switch (format)
    {
    case SPICE_SURFACE_FMT_32_xRGB:
    case SPICE_SURFACE_FMT_32_ARGB:
    case SPICE_SURFACE_FMT_16_565:
    case SPICE_SURFACE_FMT_16_555:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Copies one row of @count pixels into opaque B,G,R,A (GDK_MEMORY_DEFAULT on
 * little-endian hosts, so GTK uploads it as it is). */
static void
convert_row (int           format,
             const guint8 *src,
             guint32      *dst,
             int           count)
{
  switch (format)
    {
    case SPICE_SURFACE_FMT_32_xRGB:
    case SPICE_SURFACE_FMT_32_ARGB:
      {
        const guint32 *in = (const guint32 *) (gconstpointer) src;
        for (int i = 0; i < count; i++)
          dst[i] = GUINT32_FROM_LE (in[i]) | 0xff000000u;
      }
      break;

    case SPICE_SURFACE_FMT_16_565:
      {
        const guint16 *in = (const guint16 *) (gconstpointer) src;
        for (int i = 0; i < count; i++)
          {
            guint32 p = GUINT16_FROM_LE (in[i]);
            guint32 r = (p >> 11) & 0x1f, g = (p >> 5) & 0x3f, b = p & 0x1f;
            r = (r << 3) | (r >> 2);
            g = (g << 2) | (g >> 4);
            b = (b << 3) | (b >> 2);
            dst[i] = 0xff000000u | (r << 16) | (g << 8) | b;
          }
      }
      break;

    case SPICE_SURFACE_FMT_16_555:
      {
        const guint16 *in = (const guint16 *) (gconstpointer) src;
        for (int i = 0; i < count; i++)
          {
            guint32 p = GUINT16_FROM_LE (in[i]);
            guint32 r = (p >> 10) & 0x1f, g = (p >> 5) & 0x1f, b = p & 0x1f;
            r = (r << 3) | (r >> 2);
            g = (g << 3) | (g >> 2);
            b = (b << 3) | (b >> 2);
            dst[i] = 0xff000000u | (r << 16) | (g << 8) | b;
          }
      }
      break;

    default:
      memset (dst, 0, (gsize) count * 4);
      break;
    }
}

static int
bytes_per_pixel (int format)
{
  return (format == SPICE_SURFACE_FMT_16_565 || format == SPICE_SURFACE_FMT_16_555) ? 2 : 4;
}

static void
update_tile (HangarSpicePaintable *self,
             int                   column,
             int                   row)
{
  int x = column * TILE_SIZE;
  int y = row * TILE_SIZE;
  int w = MIN (TILE_SIZE, self->width - x);
  int h = MIN (TILE_SIZE, self->height - y);
  int bpp = bytes_per_pixel (self->format);
  g_autoptr(GBytes) bytes = NULL;
  guint32 *pixels;

  pixels = g_new (guint32, (gsize) w * h);
  for (int i = 0; i < h; i++)
    convert_row (self->format,
                 self->data + (gsize) (y + i) * self->stride + (gsize) x * bpp,
                 pixels + (gsize) i * w, w);
  bytes = g_bytes_new_take (pixels, (gsize) w * h * 4);

  g_clear_object (&self->tiles[row * self->columns + column]);
  self->tiles[row * self->columns + column] =
    gdk_memory_texture_new (w, h, GDK_MEMORY_DEFAULT, bytes, (gsize) w * 4);
  self->tiles_uploaded++;
}

/* Brings the dirty tiles up to date from the channel's buffer. */
static gboolean
flush (HangarSpicePaintable *self)
{
  gboolean changed = FALSE;
  int n;

  if (self->data == NULL || self->tiles == NULL || cairo_region_is_empty (self->dirty))
    return FALSE;

  n = cairo_region_num_rectangles (self->dirty);
  for (int i = 0; i < n; i++)
    {
      cairo_rectangle_int_t r;

      cairo_region_get_rectangle (self->dirty, i, &r);
      for (int row = r.y / TILE_SIZE; row <= (r.y + r.height - 1) / TILE_SIZE; row++)
        for (int column = r.x / TILE_SIZE; column <= (r.x + r.width - 1) / TILE_SIZE; column++)
          {
            cairo_rectangle_int_t tile = {
              column * TILE_SIZE, row * TILE_SIZE, TILE_SIZE, TILE_SIZE
            };

            /* Several dirty rectangles may share a tile: copy it once. */
            if (cairo_region_contains_rectangle (self->dirty, &tile) == CAIRO_REGION_OVERLAP_OUT)
              continue;
            update_tile (self, column, row);
            cairo_region_subtract_rectangle (self->dirty, &tile);
            changed = TRUE;
          }
      /* The region changed under the loop: start over on what is left. */
      n = cairo_region_num_rectangles (self->dirty);
      i = -1;
    }

  if (changed)
    self->frames++;
  return changed;
}

static void
hangar_spice_paintable_snapshot (GdkPaintable *paintable,
                                 GdkSnapshot  *snapshot,
                                 double        width,
                                 double        height)
{
  HangarSpicePaintable *self = HANGAR_SPICE_PAINTABLE (paintable);
  const cairo_rectangle_int_t *a = &self->area;

  self->invalidate_queued = FALSE;
  flush (self);

  if (self->tiles == NULL || a->width <= 0 || a->height <= 0)
    return;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_scale (snapshot, width / a->width, height / a->height);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-a->x, -a->y));

  for (int row = a->y / TILE_SIZE; row <= (a->y + a->height - 1) / TILE_SIZE; row++)
    for (int column = a->x / TILE_SIZE; column <= (a->x + a->width - 1) / TILE_SIZE; column++)
      {
        GdkTexture *tile = self->tiles[row * self->columns + column];

        if (tile == NULL)
          continue;
        gtk_snapshot_append_texture (snapshot, tile,
                                     &GRAPHENE_RECT_INIT (column * TILE_SIZE, row * TILE_SIZE,
                                                          gdk_texture_get_width (tile),
                                                          gdk_texture_get_height (tile)));
      }

  gtk_snapshot_pop (snapshot);
  gtk_snapshot_restore (snapshot);
}

static int
hangar_spice_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return HANGAR_SPICE_PAINTABLE (paintable)->area.width;
}

static int
hangar_spice_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return HANGAR_SPICE_PAINTABLE (paintable)->area.height;
}

static void
hangar_spice_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = hangar_spice_paintable_snapshot;
  iface->get_intrinsic_width = hangar_spice_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = hangar_spice_paintable_get_intrinsic_height;
}

static void
hangar_spice_paintable_finalize (GObject *object)
{
  HangarSpicePaintable *self = HANGAR_SPICE_PAINTABLE (object);

  free_tiles (self);
  g_clear_pointer (&self->dirty, cairo_region_destroy);

  G_OBJECT_CLASS (hangar_spice_paintable_parent_class)->finalize (object);
}

static void
hangar_spice_paintable_class_init (HangarSpicePaintableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_spice_paintable_finalize;
}

static void
hangar_spice_paintable_init (HangarSpicePaintable *self)
{
  self->dirty = cairo_region_create ();
}

HangarSpicePaintable *
hangar_spice_paintable_new (void)
{
  return g_object_new (HANGAR_TYPE_SPICE_PAINTABLE, NULL);
}

static void
queue_invalidate (HangarSpicePaintable *self)
{
  if (self->invalidate_queued)
    return;
  self->invalidate_queued = TRUE;
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

/**
 * hangar_spice_paintable_set_primary:
 * @data: the channel's buffer; it must stay valid until
 *   hangar_spice_paintable_release_primary()
 *
 * Starts showing a new primary surface. The whole surface is dirty.
 */
void
hangar_spice_paintable_set_primary (HangarSpicePaintable *self,
                                    int                   format,
                                    int                   width,
                                    int                   height,
                                    int                   stride,
                                    const guint8         *data)
{
  gboolean resized;

  g_return_if_fail (HANGAR_IS_SPICE_PAINTABLE (self));
  g_return_if_fail (width > 0 && height > 0 && data != NULL);

  if (!format_supported (format))
    {
      g_warning ("Unsupported SPICE surface format %d", format);
      return;
    }

  resized = width != self->width || height != self->height;
  if (resized)
    {
      free_tiles (self);
      self->width = width;
      self->height = height;
      self->columns = (width + TILE_SIZE - 1) / TILE_SIZE;
      self->rows = (height + TILE_SIZE - 1) / TILE_SIZE;
      self->tiles = g_new0 (GdkTexture *, (gsize) self->columns * self->rows);
      self->area = (cairo_rectangle_int_t) { 0, 0, width, height };
    }

  self->data = data;
  self->format = format;
  self->stride = stride;

  cairo_region_destroy (self->dirty);
  self->dirty = cairo_region_create_rectangle (&(cairo_rectangle_int_t) { 0, 0, width, height });

  if (resized)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  queue_invalidate (self);
}

/**
 * hangar_spice_paintable_release_primary:
 *
 * The channel is about to free its buffer: take what is still pending from it
 * now, and keep showing the last frame.
 */
void
hangar_spice_paintable_release_primary (HangarSpicePaintable *self)
{
  g_return_if_fail (HANGAR_IS_SPICE_PAINTABLE (self));

  if (flush (self))
    queue_invalidate (self);
  self->data = NULL;
  cairo_region_destroy (self->dirty);
  self->dirty = cairo_region_create ();
}

void
hangar_spice_paintable_invalidate (HangarSpicePaintable *self,
                                   int                   x,
                                   int                   y,
                                   int                   width,
                                   int                   height)
{
  cairo_rectangle_int_t r = { x, y, width, height };
  cairo_rectangle_int_t surface = { 0, 0, self->width, self->height };

  g_return_if_fail (HANGAR_IS_SPICE_PAINTABLE (self));

  self->invalidations++;
  if (self->data == NULL || !gdk_rectangle_intersect (&r, &surface, &r))
    return;

  cairo_region_union_rectangle (self->dirty, &r);
  queue_invalidate (self);
}

/**
 * hangar_spice_paintable_set_area:
 *
 * Shows only this part of the surface (the guest's monitor may be smaller
 * than surface 0).
 */
void
hangar_spice_paintable_set_area (HangarSpicePaintable *self,
                                 int                   x,
                                 int                   y,
                                 int                   width,
                                 int                   height)
{
  cairo_rectangle_int_t r = { x, y, width, height };
  cairo_rectangle_int_t surface = { 0, 0, self->width, self->height };

  g_return_if_fail (HANGAR_IS_SPICE_PAINTABLE (self));

  if (!gdk_rectangle_intersect (&r, &surface, &r))
    return;
  if (gdk_rectangle_equal (&r, &self->area))
    return;

  self->area = r;
  gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

/**
 * hangar_spice_paintable_clear:
 *
 * Forgets the last frame (the session ended).
 */
void
hangar_spice_paintable_clear (HangarSpicePaintable *self)
{
  g_return_if_fail (HANGAR_IS_SPICE_PAINTABLE (self));

  self->data = NULL;
  free_tiles (self);
  self->width = self->height = 0;
  self->area = (cairo_rectangle_int_t) { 0, 0, 0, 0 };
  cairo_region_destroy (self->dirty);
  self->dirty = cairo_region_create ();
  gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

gboolean
hangar_spice_paintable_has_frame (HangarSpicePaintable *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_PAINTABLE (self), FALSE);

  return self->tiles != NULL;
}

/**
 * hangar_spice_paintable_get_frame:
 *
 * Returns: (transfer full) (nullable): the shown area as one texture, as it
 *   will be on screen after the next frame
 */
GdkTexture *
hangar_spice_paintable_get_frame (HangarSpicePaintable *self)
{
  const cairo_rectangle_int_t *a = &self->area;
  g_autoptr(GBytes) bytes = NULL;
  guint32 *pixels;

  g_return_val_if_fail (HANGAR_IS_SPICE_PAINTABLE (self), NULL);

  if (self->tiles == NULL || a->width <= 0 || a->height <= 0)
    return NULL;

  flush (self);

  pixels = g_new0 (guint32, (gsize) a->width * a->height);
  for (int row = a->y / TILE_SIZE; row <= (a->y + a->height - 1) / TILE_SIZE; row++)
    for (int column = a->x / TILE_SIZE; column <= (a->x + a->width - 1) / TILE_SIZE; column++)
      {
        GdkTexture *tile = self->tiles[row * self->columns + column];
        cairo_rectangle_int_t t, visible;
        g_autofree guint32 *tile_pixels = NULL;

        if (tile == NULL)
          continue;
        t = (cairo_rectangle_int_t) { column * TILE_SIZE, row * TILE_SIZE,
                                      gdk_texture_get_width (tile), gdk_texture_get_height (tile) };
        if (!gdk_rectangle_intersect (&t, a, &visible))
          continue;
        tile_pixels = g_new (guint32, (gsize) t.width * t.height);
        gdk_texture_download (tile, (guchar *) tile_pixels, (gsize) t.width * 4);
        for (int y = visible.y; y < visible.y + visible.height; y++)
          memcpy (pixels + (gsize) (y - a->y) * a->width + (visible.x - a->x),
                  tile_pixels + (gsize) (y - t.y) * t.width + (visible.x - t.x),
                  (gsize) visible.width * 4);
      }

  bytes = g_bytes_new_take (pixels, (gsize) a->width * a->height * 4);
  return gdk_memory_texture_new (a->width, a->height, GDK_MEMORY_DEFAULT, bytes,
                                 (gsize) a->width * 4);
}

void
hangar_spice_paintable_get_stats (HangarSpicePaintable *self,
                                  guint64              *invalidations,
                                  guint64              *frames,
                                  guint64              *tiles_uploaded)
{
  g_return_if_fail (HANGAR_IS_SPICE_PAINTABLE (self));

  if (invalidations)
    *invalidations = self->invalidations;
  if (frames)
    *frames = self->frames;
  if (tiles_uploaded)
    *tiles_uploaded = self->tiles_uploaded;
}
