/* hangar-image-kind.c
 *
 * Tells an installation medium from a disk image (and from an appliance
 * archive) by the file's first bytes, never by its name: a hybrid ISO has a
 * boot sector like a disk, and `qemu-img` calls both "raw", so the ISO 9660
 * (or UDF) volume descriptor at 32 KiB decides.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-image-kind"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-image-kind.h"
#include "hangar-import.h"

/* The first volume descriptor of ISO 9660 and of UDF's recognition sequence:
 * sector 16 (of 2048 bytes), its identifier after the type byte. */
#define DESCRIPTOR_OFFSET (16 * 2048)

/* A POSIX tar header's magic, which OVA archives carry. */
#define TAR_MAGIC_OFFSET 257

/**
 * hangar_image_kind_from_head:
 * @data: (array length=length): the file's first bytes
 * @length: how many; fewer than %HANGAR_IMAGE_KIND_HEAD_BYTES for a short file
 *
 * Returns: the kind of image those bytes start
 */
HangarImageKind
hangar_image_kind_from_head (const guint8 *data,
                             gsize         length)
{
  static const char * const medium_ids[] = { "CD001", "BEA01", NULL };

  g_return_val_if_fail (data != NULL || length == 0, HANGAR_IMAGE_KIND_DISK);

  if (length >= DESCRIPTOR_OFFSET + 6)
    for (guint i = 0; medium_ids[i] != NULL; i++)
      if (memcmp (data + DESCRIPTOR_OFFSET + 1, medium_ids[i], 5) == 0)
        return HANGAR_IMAGE_KIND_MEDIUM;

  if (length >= TAR_MAGIC_OFFSET + 5 && memcmp (data + TAR_MAGIC_OFFSET, "ustar", 5) == 0)
    return HANGAR_IMAGE_KIND_APPLIANCE;

  return HANGAR_IMAGE_KIND_DISK;
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree guint8 *head = g_malloc (HANGAR_IMAGE_KIND_HEAD_BYTES);
  g_autoptr(GError) error = NULL;
  gsize got = 0;

  stream = g_file_read (file, cancellable, &error);
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), head, HANGAR_IMAGE_KIND_HEAD_BYTES,
                                &got, cancellable, &error))
    {
      g_autofree char *basename = g_path_get_basename (path);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_NOT_FOUND,
                                 /* Translators: “Cannot read “disk.img”: Permission denied” */
                                 _("Cannot read “%s”: %s"), basename, error->message);
      return;
    }
  g_task_return_int (task, hangar_image_kind_from_head (head, got));
}

/**
 * hangar_image_kind_read_async:
 * @path: a file on this computer
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the kind, or an error if the file cannot be read
 * @user_data: data for @callback
 *
 * Reads the first bytes of @path in a worker thread.
 */
void
hangar_image_kind_read_async (const char          *path,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_image_kind_read_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, read_thread);
}

/**
 * hangar_image_kind_read_finish:
 * @kind: (out): the file's kind
 *
 * Returns: whether the file was read; %HANGAR_IMPORT_ERROR_NOT_FOUND if not
 */
gboolean
hangar_image_kind_read_finish (GAsyncResult     *result,
                               HangarImageKind  *kind,
                               GError          **error)
{
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return FALSE;
  *kind = (HangarImageKind) value;
  return TRUE;
}
