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
 * holds depends on the renderer:
 *
 * - GTK's GL renderer: each tile owns one GL texture for as long as the
 *   surface keeps its size, made in a GL context of our own that shares
 *   objects with the renderer's (every context of a GdkDisplay does), so
 *   the renderer draws it as it is. An update is one glTexSubImage2D straight
 *   from the channel's buffer into that texture: no copy of ours, no
 *   allocation, no new texture for the driver to set up. The texture has no
 *   alpha channel (GL_RGB8), so SPICE's X byte is dropped on upload and reads
 *   back as opaque. The node wraps it in a new GdkGLTexture (a small object)
 *   so that GTK's diff sees the tile changed. Drawn 1:1 the texture samples
 *   the nearest texel, which is exact and, on a software rasterizer, much
 *   cheaper than filtering.
 * - GTK's cairo renderer: cairo nodes that draw their part of one RGB24
 *   image made on the channel's own buffer. RGB24 is SPICE's xRGB layout, so
 *   pixman composites the guest's pixels straight onto GTK's frame: nothing
 *   is copied, where a GdkTexture would go through GTK 4.8's per-pixel float
 *   conversion on every frame (on a software renderer that conversion alone
 *   costs more than decoding the stream). This is safe because GTK snapshots
 *   and renders in one go on this thread, between two of the channel's
 *   decodes, and because a cairo node holds its image as a copy-on-write
 *   snapshot: when the channel is about to free the buffer, the image is
 *   finished, which makes cairo copy it for every node still holding it, and
 *   the tiles go on from a copy of our own. Formats cairo cannot read as
 *   they are (16 bits a pixel) are converted into two images per tile, the
 *   one the tile's current node does not show written each time.
 * - Any other renderer, or GL we cannot use: a GdkMemoryTexture per update.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-display"

#include "config.h"

#include <epoxy/gl.h>
#include <spice-client.h>
#include <math.h>
#include <string.h>

#include "hangar-spice-paintable.h"

#define TILE_SIZE 128

typedef enum
{
  TILES_MEMORY,
  TILES_CAIRO,
  TILES_GL,
} TileKind;

typedef struct
{
  GskRenderNode   *node;     /* what the snapshot appends */
  GdkTexture      *texture;  /* memory and GL tiles: the node's texture */
  cairo_surface_t *images[2]; /* cairo tiles: RGB24, the node shows images[shown] */
  int              shown;
  guint            gl_id;    /* GL tiles: the texture, kept across updates */
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
  TileKind         kind;
  int              scale_factor;

  /* Cairo tiles: the channel's buffer as an image (while it lasts), or our
   * copy of the last frame after it went. */
  cairo_surface_t *buffer_image;
  cairo_surface_t *kept_image;

  /* GL tiles: our context, shared with the renderer's, made for this surface. */
  GdkGLContext    *gl_context;
  GdkSurface      *gl_surface;    /* not a reference: only compared */
  gboolean         gl_failed;     /* for gl_surface: do not try again */
  gboolean         gl_es;
  int              gl_filter;
  guint32         *scratch;       /* a tile's pixels, where a format needs converting */

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
}

/* Forgets a tile's images too (they are kept across updates). */
static void
clear_tile_images (Tile *tile)
{
  g_clear_pointer (&tile->images[0], cairo_surface_destroy);
  g_clear_pointer (&tile->images[1], cairo_surface_destroy);
}

/* Forgets every tile's content, and the GL textures with it. */
static void
clear_tiles (HangarSpicePaintable *self)
{
  gboolean current = FALSE;

  if (self->tiles == NULL)
    return;
  for (int i = 0; i < self->columns * self->rows; i++)
    {
      Tile *tile = &self->tiles[i];

      clear_tile (tile);
      clear_tile_images (tile);
      if (tile->gl_id != 0)
        {
          if (!current)
            gdk_gl_context_make_current (self->gl_context);
          current = TRUE;
          glDeleteTextures (1, &tile->gl_id);
          tile->gl_id = 0;
        }
    }
}

/* The image on the channel's buffer goes: cairo copies it, once, for the
 * nodes that still show it (GTK may keep an old frame). */
static void
drop_buffer_image (HangarSpicePaintable *self)
{
  if (self->buffer_image == NULL)
    return;
  cairo_surface_finish (self->buffer_image);
  g_clear_pointer (&self->buffer_image, cairo_surface_destroy);
}

/* Cairo can read the channel's buffer as it is. */
static gboolean
buffer_is_rgb24 (HangarSpicePaintable *self)
{
  return (self->format == SPICE_SURFACE_FMT_32_xRGB || self->format == SPICE_SURFACE_FMT_32_ARGB) &&
         G_BYTE_ORDER == G_LITTLE_ENDIAN && self->stride % 4 == 0 &&
         self->stride >= cairo_format_stride_for_width (CAIRO_FORMAT_RGB24, self->width);
}

static void
free_tiles (HangarSpicePaintable *self)
{
  clear_tiles (self);
  drop_buffer_image (self);
  g_clear_pointer (&self->kept_image, cairo_surface_destroy);
  g_clear_pointer (&self->tiles, g_free);
  self->columns = self->rows = 0;
}

/* Drops the GL context (and the tiles' textures in it). */
static void
drop_gl (HangarSpicePaintable *self)
{
  if (self->gl_context == NULL)
    return;
  clear_tiles (self);
  g_clear_object (&self->gl_context);
  gdk_gl_context_clear_current ();
}

/* A GL context for @surface that shares textures with GTK's renderer there;
 * FALSE when GL cannot be had (then the memory tiles serve). */
static gboolean
ensure_gl (HangarSpicePaintable *self,
           GdkSurface           *surface)
{
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;

  if (surface == self->gl_surface && (self->gl_context != NULL || self->gl_failed))
    return self->gl_context != NULL;

  drop_gl (self);
  self->gl_surface = surface;
  self->gl_failed = TRUE;

  context = gdk_surface_create_gl_context (surface, &error);
  if (context == NULL || !gdk_gl_context_realize (context, &error))
    {
      g_debug ("No GL context for the guest's tiles, using memory textures: %s",
               error->message);
      return FALSE;
    }

  self->gl_context = g_steal_pointer (&context);
  self->gl_es = gdk_gl_context_get_use_es (self->gl_context);
  self->gl_failed = FALSE;
  return TRUE;
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

/* 5-6-5 and 5-5-5 pixels differ only in the green's width. Each channel widens to 8 bits by
 * repeating its top bits, so that full intensity stays 0xff. */
static void
convert_row_16 (const guint8 *src,
                guint32      *dst,
                int           count,
                guint         green_bits)
{
  const guint16 *in = (const guint16 *) (gconstpointer) src;

  for (int i = 0; i < count; i++)
    {
      guint32 p = GUINT16_FROM_LE (in[i]);
      guint32 r = (p >> (5 + green_bits)) & 0x1f;
      guint32 g = (p >> 5) & ((1u << green_bits) - 1);
      guint32 b = p & 0x1f;

      r = (r << 3) | (r >> 2);
      g = (g << (8 - green_bits)) | (g >> (2 * green_bits - 8));
      b = (b << 3) | (b >> 2);
      dst[i] = 0xff000000u | (r << 16) | (g << 8) | b;
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
      convert_row_16 (src, dst, count, 6);
      break;

    case SPICE_SURFACE_FMT_16_555:
      convert_row_16 (src, dst, count, 5);
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

/* Rows of a tile in B,G,R,A (or R,G,B,A for GLES), opaque, tightly packed,
 * in the scratch buffer. */
static const guint32 *
convert_tile (HangarSpicePaintable *self,
              const guint8         *src,
              int                   w,
              int                   h,
              gboolean              rgba)
{
  if (self->scratch == NULL)
    self->scratch = g_new (guint32, TILE_SIZE * TILE_SIZE);
  for (int i = 0; i < h; i++)
    {
      guint32 *row = self->scratch + (gsize) i * w;

      convert_row (self->format, src + (gsize) i * self->stride, row, w);
      if (rgba)
        for (int j = 0; j < w; j++)
          row[j] = (row[j] & 0xff00ff00u) | ((row[j] >> 16) & 0xffu) | ((row[j] & 0xffu) << 16);
    }
  return self->scratch;
}

static void
update_gl_tile (HangarSpicePaintable *self,
                Tile                 *tile,
                const guint8         *src,
                int                   w,
                int                   h)
{
  int bpp = bytes_per_pixel (self->format);
  GLenum format = GL_BGRA, type = GL_UNSIGNED_BYTE;
  gboolean direct = !self->gl_es && G_BYTE_ORDER == G_LITTLE_ENDIAN && self->stride % bpp == 0;
  const void *pixels = src;

  if (tile->gl_id == 0)
    {
      glGenTextures (1, &tile->gl_id);
      glBindTexture (GL_TEXTURE_2D, tile->gl_id);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, self->gl_filter);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, self->gl_filter);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
      glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
      /* GLES takes only matching formats: RGBA, made opaque by convert_row. */
      if (self->gl_es)
        glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, NULL);
      else
        glTexImage2D (GL_TEXTURE_2D, 0, GL_RGB8, w, h, 0, GL_BGRA, GL_UNSIGNED_BYTE, NULL);
    }
  else
    glBindTexture (GL_TEXTURE_2D, tile->gl_id);

  if (direct)
    {
      /* Desktop GL reads every SPICE format as it is; the texture keeps no alpha. */
      if (self->format == SPICE_SURFACE_FMT_16_565)
        format = GL_RGB, type = GL_UNSIGNED_SHORT_5_6_5;
      else if (self->format == SPICE_SURFACE_FMT_16_555)
        type = GL_UNSIGNED_SHORT_1_5_5_5_REV;
      glPixelStorei (GL_UNPACK_ALIGNMENT, bpp);
      glPixelStorei (GL_UNPACK_ROW_LENGTH, self->stride / bpp);
    }
  else
    {
      pixels = convert_tile (self, src, w, h, self->gl_es);
      format = self->gl_es ? GL_RGBA : GL_BGRA;
      glPixelStorei (GL_UNPACK_ALIGNMENT, 4);
      if (!self->gl_es)
        glPixelStorei (GL_UNPACK_ROW_LENGTH, 0);
    }
  glTexSubImage2D (GL_TEXTURE_2D, 0, 0, 0, w, h, format, type, pixels);

  tile->texture = gdk_gl_texture_new (self->gl_context, tile->gl_id, w, h, NULL, NULL);
}

/* A node that draws @bounds of @image (in surface coordinates). */
static GskRenderNode *
cairo_tile_node (cairo_surface_t       *image,
                 const graphene_rect_t *bounds)
{
  GskRenderNode *node = gsk_cairo_node_new (bounds);
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);

  cairo_set_source_surface (cr, image, 0, 0);
  /* Scaled, the filter reads past the tile's edge: repeat the edge pixels
   * there (a tile's own image) rather than fading to transparent. */
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_rectangle (cr, bounds->origin.x, bounds->origin.y, bounds->size.width, bounds->size.height);
  cairo_fill (cr);
  cairo_destroy (cr);
  return node;
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

  switch (self->kind)
    {
    case TILES_CAIRO:
      {
        cairo_surface_t *image;
        guint8 *pixels;
        int stride;

        if (buffer_is_rgb24 (self))
          {
            if (self->buffer_image == NULL)
              self->buffer_image = cairo_image_surface_create_for_data ((guint8 *) self->data,
                                                                         CAIRO_FORMAT_RGB24,
                                                                         self->width, self->height,
                                                                         self->stride);
            tile->node = cairo_tile_node (self->buffer_image, &bounds);
            break;
          }

        /* The image the last node did not show: no node records it any
         * more, unless someone else keeps an old frame, and then flushing
         * makes cairo copy it for them before it changes. */
        tile->shown = !tile->shown;
        if (tile->images[tile->shown] == NULL)
          {
            tile->images[tile->shown] = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
            /* Placed where the tile is in the surface. */
            cairo_surface_set_device_offset (tile->images[tile->shown], -x, -y);
          }
        image = tile->images[tile->shown];
        cairo_surface_flush (image);
        pixels = cairo_image_surface_get_data (image);
        stride = cairo_image_surface_get_stride (image);
        for (int i = 0; i < h; i++)
          {
            if (bpp == 4 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
              memcpy (pixels + (gsize) i * stride, src + (gsize) i * self->stride, (gsize) w * 4);
            else
              convert_row (self->format, src + (gsize) i * self->stride,
                           (guint32 *) (gpointer) (pixels + (gsize) i * stride), w);
          }
        cairo_surface_mark_dirty (image);
        tile->node = cairo_tile_node (image, &bounds);
      }
      break;

    case TILES_GL:
      update_gl_tile (self, tile, src, w, h);
      tile->node = gsk_texture_node_new (tile->texture, &bounds);
      break;

    case TILES_MEMORY:
    default:
      {
        g_autoptr(GBytes) bytes = NULL;
        guint32 *pixels = g_new (guint32, (gsize) w * h);

        for (int i = 0; i < h; i++)
          convert_row (self->format, src + (gsize) i * self->stride, pixels + (gsize) i * w, w);
        bytes = g_bytes_new_take (pixels, (gsize) w * h * 4);
        tile->texture = gdk_memory_texture_new (w, h, GDK_MEMORY_DEFAULT, bytes, (gsize) w * 4);
        tile->node = gsk_texture_node_new (tile->texture, &bounds);
      }
      break;
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

  if (self->kind == TILES_GL)
    gdk_gl_context_make_current (self->gl_context);

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

  /* The renderer's context reads the textures next: hand them over. */
  if (self->kind == TILES_GL)
    glFlush ();

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

/* Nearest texel when drawn 1:1 to device pixels (exact, and cheap to
 * rasterize in software), linear filtering when scaled. */
static void
set_gl_filter (HangarSpicePaintable *self,
               int                   filter)
{
  gboolean current = FALSE;

  if (self->gl_filter == filter)
    return;
  self->gl_filter = filter;
  for (int i = 0; self->tiles != NULL && i < self->columns * self->rows; i++)
    if (self->tiles[i].gl_id != 0)
      {
        if (!current)
          gdk_gl_context_make_current (self->gl_context);
        current = TRUE;
        glBindTexture (GL_TEXTURE_2D, self->tiles[i].gl_id);
        glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
        glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
      }
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

  if (a->width <= 0 || a->height <= 0)
    {
      flush (self);
      return;
    }
  sx = width / a->width;
  sy = height / a->height;
  if (self->kind == TILES_GL)
    set_gl_filter (self, sx * self->scale_factor == 1.0 && sy * self->scale_factor == 1.0
                         ? GL_NEAREST : GL_LINEAR);
  flush (self);

  if (self->tiles == NULL)
    return;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (self->kind == TILES_CAIRO && (sx != 1.0 || sy != 1.0))
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
  drop_gl (self);
  g_clear_pointer (&self->scratch, g_free);
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
  self->gl_filter = GL_NEAREST;
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

  if (data != self->data || format != self->format || stride != self->stride)
    drop_buffer_image (self);
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

  if (self->buffer_image != NULL)
    {
      /* The tiles go on from a copy; the nodes GTK may hold from an older
       * frame get theirs from cairo. */
      cairo_t *cr;

      g_clear_pointer (&self->kept_image, cairo_surface_destroy);
      self->kept_image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, self->width, self->height);
      cr = cairo_create (self->kept_image);
      cairo_set_source_surface (cr, self->buffer_image, 0, 0);
      cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
      cairo_paint (cr);
      cairo_destroy (cr);
      for (int row = 0; row < self->rows; row++)
        for (int column = 0; column < self->columns; column++)
          {
            Tile *tile = &self->tiles[row * self->columns + column];
            graphene_rect_t bounds = GRAPHENE_RECT_INIT (column * TILE_SIZE, row * TILE_SIZE,
                                                         MIN (TILE_SIZE, self->width - column * TILE_SIZE),
                                                         MIN (TILE_SIZE, self->height - row * TILE_SIZE));

            if (tile->node == NULL)
              continue;
            gsk_render_node_unref (tile->node);
            tile->node = cairo_tile_node (self->kept_image, &bounds);
          }
      drop_buffer_image (self);
      queue_invalidate (self);
    }

  self->data = NULL;
  cairo_region_destroy (self->dirty);
  self->dirty = cairo_region_create ();
}

/* An update, like the area shown, only counts where it meets the surface. */
static gboolean
clip_to_surface (HangarSpicePaintable  *self,
                 int                    x,
                 int                    y,
                 int                    width,
                 int                    height,
                 cairo_rectangle_int_t *clipped)
{
  cairo_rectangle_int_t r = { x, y, width, height };
  cairo_rectangle_int_t surface = { 0, 0, self->width, self->height };

  return gdk_rectangle_intersect (&r, &surface, clipped);
}

void
hangar_spice_paintable_invalidate (HangarSpicePaintable *self,
                                   int                   x,
                                   int                   y,
                                   int                   width,
                                   int                   height)
{
  cairo_rectangle_int_t r;

  g_return_if_fail (HANGAR_IS_SPICE_PAINTABLE (self));

  self->invalidations++;
  if (self->data == NULL || !clip_to_surface (self, x, y, width, height, &r))
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
  cairo_rectangle_int_t area;

  g_return_if_fail (HANGAR_IS_SPICE_PAINTABLE (self));

  if (!clip_to_surface (self, x, y, width, height, &area) ||
      gdk_rectangle_equal (&area, &self->area))
    return;

  self->area = area;
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

/* GTK's GL renderers draw a GdkGLTexture of a context that shares with
 * theirs as it is: GskGLRenderer (GTK 4.2 onwards) and GskNglRenderer (its
 * alias, and from GTK 4.14 the GL renderer itself). Their headers are not
 * public in every version, hence the names. */
static gboolean
renderer_draws_gl_textures (GskRenderer *renderer)
{
  const char *name = G_OBJECT_TYPE_NAME (renderer);

  return g_str_equal (name, "GskGLRenderer") || g_str_equal (name, "GskNglRenderer");
}

/**
 * hangar_spice_paintable_set_renderer:
 * @renderer: (nullable): the renderer that will draw the paintable, or %NULL
 *   when it is not shown (the GL tiles are then let go)
 * @scale_factor: device pixels per logical pixel where the paintable is drawn
 *
 * Picks the tiles that suit the renderer (see the top of this file). A
 * change redraws every tile from the channel's buffer when it is still there.
 */
void
hangar_spice_paintable_set_renderer (HangarSpicePaintable *self,
                                     GskRenderer          *renderer,
                                     int                   scale_factor)
{
  GdkSurface *surface = renderer != NULL ? gsk_renderer_get_surface (renderer) : NULL;
  TileKind kind = TILES_MEMORY;

  g_return_if_fail (HANGAR_IS_SPICE_PAINTABLE (self));
  g_return_if_fail (renderer == NULL || GSK_IS_RENDERER (renderer));

  self->scale_factor = MAX (1, scale_factor);
  if (renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer))
    kind = TILES_CAIRO;
  else if (renderer != NULL && renderer_draws_gl_textures (renderer) && surface != NULL &&
           ensure_gl (self, surface))
    kind = TILES_GL;

  if (renderer == NULL)
    {
      /* Not shown: the GL textures go with the window they were made for. */
      if (self->kind != TILES_GL)
        return;
      drop_gl (self);
      self->gl_surface = NULL;
      self->gl_failed = FALSE;
    }
  else if (self->kind == kind)
    return;
  else if (self->kind == TILES_GL)
    drop_gl (self);

  self->kind = kind;
  if (self->tiles == NULL)
    return;
  clear_tiles (self);
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

  pixels = g_new0 (guint32, (gsize) a->width * a->height);

  /* While the channel's buffer lasts, the next frame shows it as it is. */
  if (self->data != NULL)
    {
      int bpp = bytes_per_pixel (self->format);

      for (int y = 0; y < a->height; y++)
        convert_row (self->format,
                     self->data + (gsize) (a->y + y) * self->stride + (gsize) a->x * bpp,
                     pixels + (gsize) y * a->width, a->width);
      goto done;
    }

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
            cairo_surface_t *image = tile->images[tile->shown] != NULL ? tile->images[tile->shown]
                                                                        : self->kept_image;
            int ox = image == self->kept_image ? t.x : 0;
            int oy = image == self->kept_image ? t.y : 0;

            if (image == NULL)
              continue;
            cairo_surface_flush (image);
            src_stride = cairo_image_surface_get_stride (image) / 4;
            src = (const guint32 *) (gconstpointer) cairo_image_surface_get_data (image) +
                  (gsize) oy * src_stride + ox;
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

done:
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
