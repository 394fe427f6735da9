/* test-local-media.c
 *
 * Unit tests for the images found on this computer: a folder of ISO files of
 * different ages among other files, links and an unreadable image, listed
 * newest first.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <unistd.h>

#include "hangar-local-media.h"
#include "hangar-test-threads.h"

/* Seconds before now. */
typedef struct
{
  const char *name;
  const char *contents;   /* NULL: a folder */
  guint       age_s;
} Entry;

static const Entry entries[] = {
  { "older.iso", "o", 3000 },
  { "Newest.ISO", "nn", 10 },
  { "middle.iso", "mmm", 1000 },
  { "same-age-b.iso", "b", 2000 },
  { "same-age-a.iso", "a", 2000 },
  { "notes.txt", "not an image", 5 },
  { "fedora.iso.part", "still downloading", 1 },
  { "iso", "no suffix", 1 },
  { "folder.iso", NULL, 1 },
};

typedef struct
{
  char  *dir;
  GFile *folder;
} Fixture;

static void
set_age (const char *path,
         guint       age_s)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  guint64 when = (guint64) (g_get_real_time () / G_USEC_PER_SEC) - age_s;

  g_file_set_attribute_uint64 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, when,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *unreadable = NULL;
  g_autofree char *dangling = NULL;
  g_autofree char *linked = NULL;

  f->dir = g_dir_make_tmp ("hangar-local-media-XXXXXX", &error);
  g_assert_no_error (error);
  f->folder = g_file_new_for_path (f->dir);

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, entries[i].name, NULL);

      if (entries[i].contents == NULL)
        g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
      else
        {
          g_file_set_contents (path, entries[i].contents, -1, &error);
          g_assert_no_error (error);
        }
      set_age (path, entries[i].age_s);
    }

  /* A link to an image counts, at its target's age; a dangling one does not. */
  linked = g_build_filename (f->dir, "linked.iso", NULL);
  g_assert_cmpint (symlink ("middle.iso", linked), ==, 0);
  dangling = g_build_filename (f->dir, "dangling.iso", NULL);
  g_assert_cmpint (symlink ("gone.iso", dangling), ==, 0);

  /* The newest of all, but nobody could start a machine from it. */
  unreadable = g_build_filename (f->dir, "unreadable.iso", NULL);
  g_file_set_contents (unreadable, "u", -1, &error);
  g_assert_no_error (error);
  set_age (unreadable, 0);
  g_assert_cmpint (g_chmod (unreadable, 0), ==, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        g_assert_cmpint (g_rmdir (path), ==, 0);
      else
        g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_clear_object (&f->folder);
  g_clear_pointer (&f->dir, g_free);
}

typedef struct
{
  GPtrArray *images;
  GError    *error;
  gboolean   done;
} Result;

static void
found (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  Result *r = user_data;

  g_assert_null (object);
  r->images = hangar_local_media_find_finish (result, &r->error);
  r->done = TRUE;
}

static GPtrArray *
find (GFile         *folder,
      guint          max_images,
      GCancellable  *cancellable,
      GError       **error)
{
  Result r = { NULL, NULL, FALSE };

  hangar_local_media_find_async (folder, max_images, cancellable, found, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.images;
}

/* The names, in order, joined by commas. */
static char *
names (GPtrArray *images)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < images->len; i++)
    {
      HangarLocalImage *image = g_ptr_array_index (images, i);
      g_autofree char *basename = g_file_get_basename (image->file);

      /* The name shown is the file's. */
      g_assert_cmpstr (image->display_name, ==, basename);
      if (i > 0)
        g_string_append_c (joined, ',');
      g_string_append (joined, basename);
    }
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static void
test_newest_first (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *unreadable = g_build_filename (f->dir, "unreadable.iso", NULL);
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listed = NULL;
  const char *expected;
  HangarLocalImage *newest;

  images = find (f->folder, 0, NULL, &error);
  g_assert_no_error (error);
  listed = names (images);
  /* Root reads any file: there the unreadable image is readable. */
  if (access (unreadable, R_OK) == 0)
    expected = "unreadable.iso,Newest.ISO,linked.iso,middle.iso,same-age-a.iso,same-age-b.iso,"
               "older.iso";
  else
    expected = "Newest.ISO,linked.iso,middle.iso,same-age-a.iso,same-age-b.iso,older.iso";
  g_assert_cmpstr (listed, ==, expected);

  newest = g_ptr_array_index (images, access (unreadable, R_OK) == 0 ? 1 : 0);
  g_assert_cmpuint (newest->size, ==, 2);
  g_assert_nonnull (newest->modified);
  g_assert_cmpint (g_date_time_to_unix (newest->modified), <=,
                   g_get_real_time () / G_USEC_PER_SEC - 10);
}

static void
test_at_most (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *unreadable = g_build_filename (f->dir, "unreadable.iso", NULL);
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listed = NULL;
  g_autoptr(HangarLocalImage) copy = NULL;

  g_assert_cmpint (g_unlink (unreadable), ==, 0);
  images = find (f->folder, 2, NULL, &error);
  g_assert_no_error (error);
  listed = names (images);
  g_assert_cmpstr (listed, ==, "Newest.ISO,linked.iso");

  copy = hangar_local_image_copy (g_ptr_array_index (images, 0));
  g_assert_true (g_file_equal (copy->file, ((HangarLocalImage *) images->pdata[0])->file));
  g_assert_cmpuint (copy->size, ==, 2);
}

static void
test_no_images (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GFile) empty = g_file_get_child (f->folder, "folder.iso");
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GError) error = NULL;

  images = find (empty, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (images->len, ==, 0);
}

static void
test_missing_folder (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GFile) missing = g_file_get_child (f->folder, "Downloads");
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GError) error = NULL;

  images = find (missing, 5, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (images);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  images = find (f->folder, 5, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (images);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_keep_pool_threads ();

  g_test_add ("/hangar/local-media/newest-first", Fixture, NULL,
              fixture_set_up, test_newest_first, fixture_tear_down);
  g_test_add ("/hangar/local-media/at-most", Fixture, NULL,
              fixture_set_up, test_at_most, fixture_tear_down);
  g_test_add ("/hangar/local-media/no-images", Fixture, NULL,
              fixture_set_up, test_no_images, fixture_tear_down);
  g_test_add ("/hangar/local-media/missing-folder", Fixture, NULL,
              fixture_set_up, test_missing_folder, fixture_tear_down);
  g_test_add ("/hangar/local-media/cancelled", Fixture, NULL,
              fixture_set_up, test_cancelled, fixture_tear_down);

  return g_test_run ();
}
