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
 * Each tile is a render node kept until the tile changes, so GTK sees an
 * unchanged tile as the very same node and redraws nothing there. What the node
 * holds depends on the renderer: a GdkTexture for the GL renderer (uploaded
 * once, drawn from video memory), a cairo image surface in RGB24 for the cairo
 * renderer. RGB24 is SPICE's own xRGB layout, so a tile is copied with memcpy
 * and drawn by pixman straight onto the window, where a GdkTexture would go
 * through GTK 4.8's per-pixel float conversion on every frame: on a software
 * renderer that conversion alone costs more than decoding the stream.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-display"

#include "config.h"

#include <spice-client.h>
#include <math.h>
#include <string.h>

#include "hangar-spice-paintable.h"

#define TILE_SIZE 128

typedef struct
{
  GskRenderNode   *node;     /* what the snapshot appends */
  GdkTexture      *texture;  /* GL tiles: the node's texture */
  cairo_surface_t *surface;  /* cairo tiles: the node's RGB24 image */
} Tile;

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
  Tile            *tiles;
  gboolean         cairo_tiles;
  int              scale_factor;

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
clear_tile (Tile *tile)
{
  g_clear_pointer (&tile->node, gsk_render_node_unref);
  g_clear_object (&tile->texture);
  g_clear_pointer (&tile->surface, cairo_surface_destroy);
}

static void
free_tiles (HangarSpicePaintable *self)
{
  if (self->tiles != NULL)
    {
      for (int i = 0; i < self->columns * self->rows; i++)
        clear_tile (&self->tiles[i]);
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
  Tile *tile = &self->tiles[row * self->columns + column];
  int x = column * TILE_SIZE;
  int y = row * TILE_SIZE;
  int w = MIN (TILE_SIZE, self->width - x);
  int h = MIN (TILE_SIZE, self->height - y);
  int bpp = bytes_per_pixel (self->format);
  const guint8 *src = self->data + (gsize) y * self->stride + (gsize) x * bpp;
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (x, y, w, h);

  clear_tile (tile);

  if (self->cairo_tiles)
    {
      guint8 *pixels;
      int stride;
      cairo_t *cr;

      /* A new surface per update, never written again: the cairo node
       * records it by reference, and a surface changed after recording
       * would make cairo copy it whole. */
      tile->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      pixels = cairo_image_surface_get_data (tile->surface);
      stride = cairo_image_surface_get_stride (tile->surface);
      for (int i = 0; i < h; i++)
        {
          if (bpp == 4 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
            memcpy (pixels + (gsize) i * stride, src + (gsize) i * self->stride, (gsize) w * 4);
          else
            convert_row (self->format, src + (gsize) i * self->stride,
                         (guint32 *) (gpointer) (pixels + (gsize) i * stride), w);
        }
      cairo_surface_mark_dirty (tile->surface);

      tile->node = gsk_cairo_node_new (&bounds);
      cr = gsk_cairo_node_get_draw_context (tile->node);
      cairo_set_source_surface (cr, tile->surface, x, y);
      /* Scaled, the filter reads past the tile's edge: repeat the edge
       * pixels there instead of fading to transparent. */
      cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
      cairo_rectangle (cr, x, y, w, h);
      cairo_fill (cr);
      cairo_destroy (cr);
    }
  else
    {
      g_autoptr(GBytes) bytes = NULL;
      guint32 *pixels = g_new (guint32, (gsize) w * h);

      for (int i = 0; i < h; i++)
        convert_row (self->format, src + (gsize) i * self->stride, pixels + (gsize) i * w, w);
      bytes = g_bytes_new_take (pixels, (gsize) w * h * 4);
      tile->texture = gdk_memory_texture_new (w, h, GDK_MEMORY_DEFAULT, bytes, (gsize) w * 4);
      tile->node = gsk_texture_node_new (tile->texture, &bounds);
    }
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

/* A surface coordinate, scaled, rounded to the nearest device pixel. */
static double
snap (int    coordinate,
      double scale,
      int    scale_factor)
{
  return round (coordinate * scale * scale_factor) / scale_factor;
}

static void
hangar_spice_paintable_snapshot (GdkPaintable *paintable,
                                 GdkSnapshot  *snapshot,
                                 double        width,
                                 double        height)
{
  HangarSpicePaintable *self = HANGAR_SPICE_PAINTABLE (paintable);
  const cairo_rectangle_int_t *a = &self->area;
  double sx, sy;

  self->invalidate_queued = FALSE;
  flush (self);

  if (self->tiles == NULL || a->width <= 0 || a->height <= 0)
    return;

  sx = width / a->width;
  sy = height / a->height;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->cairo_tiles && (sx != 1.0 || sy != 1.0))
    {
      /* cairo antialiases the edges of a tile that lands between device
       * pixels, and two such edges let the background show through as a
       * grid. Each tile is scaled to whole device pixels instead (at most
       * half a pixel off), so tiles meet edge to edge. */
      for (int row = a->y / TILE_SIZE; row <= (a->y + a->height - 1) / TILE_SIZE; row++)
        for (int column = a->x / TILE_SIZE; column <= (a->x + a->width - 1) / TILE_SIZE; column++)
          {
            GskRenderNode *node = self->tiles[row * self->columns + column].node;
            int x0 = column * TILE_SIZE, y0 = row * TILE_SIZE;
            int x1 = MIN (x0 + TILE_SIZE, self->width), y1 = MIN (y0 + TILE_SIZE, self->height);
            double dx0 = snap (x0 - a->x, sx, self->scale_factor);
            double dy0 = snap (y0 - a->y, sy, self->scale_factor);
            double dx1 = snap (x1 - a->x, sx, self->scale_factor);
            double dy1 = snap (y1 - a->y, sy, self->scale_factor);

            if (dx1 <= dx0 || dy1 <= dy0)
              continue;
            if (node == NULL)
              {
                gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 1 },
                                           &GRAPHENE_RECT_INIT (dx0, dy0, dx1 - dx0, dy1 - dy0));
                continue;
              }
            gtk_snapshot_save (snapshot);
            gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (dx0, dy0));
            gtk_snapshot_scale (snapshot, (dx1 - dx0) / (x1 - x0), (dy1 - dy0) / (y1 - y0));
            gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-x0, -y0));
            gtk_snapshot_append_node (snapshot, node);
            gtk_snapshot_restore (snapshot);
          }
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_restore (snapshot);
      return;
    }

  gtk_snapshot_scale (snapshot, sx, sy);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-a->x, -a->y));

  for (int row = a->y / TILE_SIZE; row <= (a->y + a->height - 1) / TILE_SIZE; row++)
    for (int column = a->x / TILE_SIZE; column <= (a->x + a->width - 1) / TILE_SIZE; column++)
      {
        GskRenderNode *node = self->tiles[row * self->columns + column].node;

        if (node != NULL)
          gtk_snapshot_append_node (snapshot, node);
        else /* no pixels yet for it: never leave a hole */
          gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 1 },
                                     &GRAPHENE_RECT_INIT (column * TILE_SIZE, row * TILE_SIZE,
                                                          TILE_SIZE, TILE_SIZE));
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
  self->scale_factor = 1;
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
      self->tiles = g_new0 (Tile, (gsize) self->columns * self->rows);
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

/**
 * hangar_spice_paintable_set_render_hints:
 * @cairo_tiles: whether the renderer is GTK's cairo renderer
 * @scale_factor: device pixels per logical pixel where the paintable is drawn
 *
 * Picks the tiles that suit the renderer (see the top of this file). A
 * change redraws every tile from the channel's buffer when it is still there.
 */
void
hangar_spice_paintable_set_render_hints (HangarSpicePaintable *self,
                                         gboolean              cairo_tiles,
                                         int                   scale_factor)
{
  g_return_if_fail (HANGAR_IS_SPICE_PAINTABLE (self));

  self->scale_factor = MAX (1, scale_factor);
  cairo_tiles = !!cairo_tiles;
  if (self->cairo_tiles == cairo_tiles)
    return;
  self->cairo_tiles = cairo_tiles;
  if (self->tiles == NULL)
    return;
  for (int i = 0; i < self->columns * self->rows; i++)
    clear_tile (&self->tiles[i]);
  if (self->data != NULL)
    {
      cairo_region_destroy (self->dirty);
      self->dirty = cairo_region_create_rectangle (&(cairo_rectangle_int_t) {
                                                     0, 0, self->width, self->height });
      queue_invalidate (self);
    }
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
        Tile *tile = &self->tiles[row * self->columns + column];
        cairo_rectangle_int_t t, visible;
        g_autofree guint32 *tile_pixels = NULL;
        const guint32 *src;
        int src_stride; /* in pixels */

        if (tile->node == NULL)
          continue;
        t = (cairo_rectangle_int_t) { column * TILE_SIZE, row * TILE_SIZE,
                                      MIN (TILE_SIZE, self->width - column * TILE_SIZE),
                                      MIN (TILE_SIZE, self->height - row * TILE_SIZE) };
        if (!gdk_rectangle_intersect (&t, a, &visible))
          continue;
        if (tile->texture != NULL)
          {
            tile_pixels = g_new (guint32, (gsize) t.width * t.height);
            gdk_texture_download (tile->texture, (guchar *) tile_pixels, (gsize) t.width * 4);
            src = tile_pixels;
            src_stride = t.width;
          }
        else
          {
            cairo_surface_flush (tile->surface);
            src = (const guint32 *) (gconstpointer) cairo_image_surface_get_data (tile->surface);
            src_stride = cairo_image_surface_get_stride (tile->surface) / 4;
          }
        for (int y = visible.y; y < visible.y + visible.height; y++)
          {
            guint32 *out = pixels + (gsize) (y - a->y) * a->width + (visible.x - a->x);
            const guint32 *in = src + (gsize) (y - t.y) * src_stride + (visible.x - t.x);

            /* RGB24 leaves the X byte as SPICE sent it: the frame is opaque. */
            for (int i = 0; i < visible.width; i++)
              out[i] = in[i] | 0xff000000u;
          }
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
