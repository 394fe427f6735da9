/* hangar-local-media.c
 *
 * The installation images already on this computer: the ISO files of a
 * folder, newest first, listed in a worker thread.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-local-media"

#include "config.h"

#include "hangar-local-media.h"

#define ATTRIBUTES G_FILE_ATTRIBUTE_STANDARD_NAME ","          \
                   G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","  \
                   G_FILE_ATTRIBUTE_STANDARD_TYPE ","          \
                   G_FILE_ATTRIBUTE_STANDARD_SIZE ","          \
                   G_FILE_ATTRIBUTE_TIME_MODIFIED ","          \
                   G_FILE_ATTRIBUTE_ACCESS_CAN_READ

G_DEFINE_BOXED_TYPE (HangarLocalImage, hangar_local_image,
                     hangar_local_image_copy, hangar_local_image_free)

HangarLocalImage *
hangar_local_image_copy (const HangarLocalImage *image)
{
  HangarLocalImage *copy;

  g_return_val_if_fail (image != NULL, NULL);

  copy = g_new0 (HangarLocalImage, 1);
  copy->file = g_object_ref (image->file);
  copy->display_name = g_strdup (image->display_name);
  copy->size = image->size;
  copy->modified = image->modified != NULL ? g_date_time_ref (image->modified) : NULL;
  return copy;
}

void
hangar_local_image_free (HangarLocalImage *image)
{
  if (image == NULL)
    return;

  g_clear_object (&image->file);
  g_free (image->display_name);
  g_clear_pointer (&image->modified, g_date_time_unref);
  g_free (image);
}

/**
 * hangar_local_media_get_default_folder:
 *
 * Returns: (transfer full) (nullable): where downloaded images land: the
 *   user's Downloads folder, or %NULL when there is none
 */
GFile *
hangar_local_media_get_default_folder (void)
{
  const char *dir = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);

  return dir != NULL ? g_file_new_for_path (dir) : NULL;
}

/* Newest first; images of unknown age last; then by name, so that the
 * order never depends on the folder's. */
static int
compare_images (gconstpointer a,
                gconstpointer b)
{
  const HangarLocalImage *ia = *(HangarLocalImage **) a;
  const HangarLocalImage *ib = *(HangarLocalImage **) b;
  g_autofree char *name_a = NULL;
  g_autofree char *name_b = NULL;

  if ((ia->modified == NULL) != (ib->modified == NULL))
    return ia->modified == NULL ? 1 : -1;
  if (ia->modified != NULL)
    {
      int newer = g_date_time_compare (ib->modified, ia->modified);

      if (newer != 0)
        return newer;
    }
  name_a = g_file_get_basename (ia->file);
  name_b = g_file_get_basename (ib->file);
  return g_strcmp0 (name_a, name_b);
}

/* A regular file (a link to one counts) called *.iso, in any case, that
 * this user may read. */
static gboolean
is_image (GFileInfo *info)
{
  g_autofree char *name = g_ascii_strdown (g_file_info_get_name (info), -1);

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || !g_str_has_suffix (name, ".iso"))
    return FALSE;
  return !g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ) ||
         g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ);
}

typedef struct
{
  GFile *folder;
  guint  max_images;
} FindData;

static void
find_data_free (FindData *data)
{
  g_clear_object (&data->folder);
  g_free (data);
}

static void
find_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FindData *data = task_data;
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GError) error = NULL;

  enumerator = g_file_enumerate_children (data->folder, ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                                          cancellable, &error);
  if (enumerator == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  images = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_local_image_free);
  for (;;)
    {
      GFileInfo *info;
      GFile *child;
      HangarLocalImage *image;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (info == NULL)
        break;
      if (!is_image (info))
        continue;

      image = g_new0 (HangarLocalImage, 1);
      image->file = g_object_ref (child);
      image->display_name = g_strdup (g_file_info_get_display_name (info));
      image->size = (guint64) g_file_info_get_size (info);
      if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_TIME_MODIFIED))
        image->modified = g_file_info_get_modification_date_time (info);
      g_ptr_array_add (images, image);
    }

  g_ptr_array_sort (images, compare_images);
  if (data->max_images > 0 && images->len > data->max_images)
    g_ptr_array_set_size (images, data->max_images);
  g_task_return_pointer (task, g_steal_pointer (&images), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * hangar_local_media_find_async:
 * @folder: where to look (not in its subfolders);
 *   see hangar_local_media_get_default_folder()
 * @max_images: how many images at most; 0 for all
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the images are found
 * @user_data: data for @callback
 *
 * Lists the installation images of @folder: its regular files (or links to
 * them) named `*.iso` in any case that can be read, newest first.
 */
void
hangar_local_media_find_async (GFile               *folder,
                               guint                max_images,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FindData *data;

  g_return_if_fail (G_IS_FILE (folder));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_local_media_find_async);
  g_task_set_priority (task, G_PRIORITY_LOW);
  data = g_new0 (FindData, 1);
  data->folder = g_object_ref (folder);
  data->max_images = max_images;
  g_task_set_task_data (task, data, (GDestroyNotify) find_data_free);
  g_task_run_in_thread (task, find_thread);
}

/**
 * hangar_local_media_find_finish:
 * @result: the result passed to the callback
 * @error: return location for a #GError: why @folder could not be listed
 *   (%G_IO_ERROR_NOT_FOUND when it does not exist), or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer container) (element-type HangarLocalImage): the images
 *   found, newest first; %NULL on error
 */
GPtrArray *
hangar_local_media_find_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_local_media_find_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
