/* hangar-media-file.c
 *
 * The very file a medium was identified as. A medium given through a
 * symlink is recorded by the file the link pointed to when it was
 * identified, so that re-pointing the link changes nothing; what makes it
 * that file (device, inode, size, last change) is recorded too, so that a
 * file replaced at that path is noticed before a machine uses it; and a
 * file others can replace or change is pointed out to the user.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-media"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hangar-media.h"
#include "hangar-media-file.h"
#include "hangar-path-task.h"

G_DEFINE_BOXED_TYPE (HangarMediaFile, hangar_media_file, hangar_media_file_copy,
                     hangar_media_file_free)

HangarMediaFile *
hangar_media_file_copy (const HangarMediaFile *file)
{
  HangarMediaFile *copy;

  g_return_val_if_fail (file != NULL, NULL);

  copy = g_new0 (HangarMediaFile, 1);
  copy->path = g_strdup (file->path);
  copy->identity = g_strdup (file->identity);
  copy->warning = g_strdup (file->warning);
  return copy;
}

void
hangar_media_file_free (HangarMediaFile *file)
{
  if (file == NULL)
    return;
  g_free (file->path);
  g_free (file->identity);
  g_free (file->warning);
  g_free (file);
}

static gboolean
set_errno_error (GError     **error,
                 const char  *path,
                 int          saved_errno)
{
  g_autofree char *display = g_filename_display_name (path);

  if (saved_errno == ENOENT || saved_errno == ENOTDIR)
    g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_NOT_FOUND,
                 _("“%s” does not exist. It may have been moved or deleted; choose the image "
                   "again."), display);
  else if (saved_errno == EACCES || saved_errno == EPERM)
    g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_PERMISSION,
                 _("You may not read “%s”."), display);
  else
    g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_READ,
                 _("Cannot read “%s”: %s."), display, g_strerror (saved_errno));
  return FALSE;
}

static char *
identity_of (const struct stat *st)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ":%" G_GINT64_FORMAT
                          ":%" G_GINT64_FORMAT ".%09ld",
                          (guint64) st->st_dev, (guint64) st->st_ino, (gint64) st->st_size,
                          (gint64) st->st_mtim.tv_sec, (long) st->st_mtim.tv_nsec);
}

/**
 * hangar_media_file_identity:
 * @path: a file
 * @error: return location for a %HANGAR_MEDIA_ERROR
 *
 * Blocking. What makes @path (followed) the file it is now: its device,
 * inode, size and time of last change.
 *
 * Returns: (transfer full): the identity, or %NULL
 */
char *
hangar_media_file_identity (const char  *path,
                            GError     **error)
{
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_stat (path, &st) != 0)
    {
      set_errno_error (error, path, errno);
      return NULL;
    }
  return identity_of (&st);
}

/**
 * hangar_media_file_check_identity:
 * @path: the canonical path recorded
 * @identity: the identity recorded with it
 * @error: return location for a %HANGAR_MEDIA_ERROR (%HANGAR_MEDIA_ERROR_CHANGED
 *   when another file is there now, or it was changed)
 *
 * Blocking. Whether @path is still the file that was identified.
 *
 * Returns: %TRUE when it is
 */
gboolean
hangar_media_file_check_identity (const char  *path,
                                  const char  *identity,
                                  GError     **error)
{
  g_autofree char *now = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (identity != NULL, FALSE);

  now = hangar_media_file_identity (path, error);
  if (now == NULL)
    return FALSE;
  if (g_str_equal (now, identity))
    return TRUE;
  display = g_filename_display_name (path);
  g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_CHANGED,
               _("“%s” is no longer the image that was chosen: it was replaced or changed "
                 "since. Choose it again if you trust it."), display);
  return FALSE;
}

static gboolean
trusted_owner (uid_t uid)
{
  return uid == getuid () || uid == 0;
}

/* Why others can replace @child inside @dir, or NULL: @dir belongs to
 * another user, or others may write in it, unless the sticky bit keeps
 * @child (the user's or root's) to its owner. */
static char *
folder_warning (const char *dir,
                const char *child)
{
  g_autofree char *display = g_filename_display_name (dir);
  struct stat st, child_st;

  if (g_stat (dir, &st) != 0)
    return NULL;
  if (!trusted_owner (st.st_uid))
    return g_strdup_printf (_("the folder “%s” belongs to another user"), display);
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) == 0)
    return NULL;
  if (!(st.st_mode & S_ISVTX))
    return g_strdup_printf ((st.st_mode & S_IWOTH)
                            ? _("everyone may change the folder “%s”")
                            : _("the folder “%s” may be changed by its group"), display);
  if (child != NULL && g_lstat (child, &child_st) == 0 && !trusted_owner (child_st.st_uid))
    {
      g_autofree char *child_display = g_filename_display_name (child);

      return g_strdup_printf (_("“%s” belongs to another user"), child_display);
    }
  return NULL;
}

/* The first reason along @path's folders, from the top. */
static char *
path_warning (const char *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_free);

  for (char *p = g_strdup (absolute);; )
    {
      char *parent = g_path_get_dirname (p);

      g_ptr_array_add (chain, p);
      if (g_str_equal (parent, p))
        {
          g_free (parent);
          break;
        }
      p = parent;
    }
  /* chain: the path, its folder, …, "/" */
  for (guint i = chain->len - 1; i > 0; i--)
    {
      char *reason = folder_warning (g_ptr_array_index (chain, i),
                                     g_ptr_array_index (chain, i - 1));

      if (reason != NULL)
        return reason;
    }
  return NULL;
}

/**
 * hangar_media_file_warning:
 * @given_path: the path the user gave (perhaps a symlink)
 * @canonical_path: the file it is
 *
 * Blocking. Whether other users could replace or change the medium: a
 * folder on the way to the symlink or the file that others may write in
 * (world- or group-writable without the sticky bit, or with it around an
 * entry of theirs), a folder of another user's, or a file another user
 * owns. Root is trusted.
 *
 * Returns: (transfer full) (nullable): a translated warning, or %NULL
 */
char *
hangar_media_file_warning (const char *given_path,
                           const char *canonical_path)
{
  g_autofree char *reason = NULL;
  g_autofree char *display = NULL;
  struct stat st;

  g_return_val_if_fail (given_path != NULL, NULL);
  g_return_val_if_fail (canonical_path != NULL, NULL);

  reason = path_warning (canonical_path);
  if (reason == NULL && g_strcmp0 (given_path, canonical_path) != 0)
    reason = path_warning (given_path);
  if (reason == NULL && g_stat (canonical_path, &st) == 0 && !trusted_owner (st.st_uid))
    {
      g_autofree char *file_display = g_filename_display_name (canonical_path);

      reason = g_strdup_printf (_("“%s” belongs to another user"), file_display);
    }
  if (reason == NULL)
    return NULL;
  display = g_filename_display_name (canonical_path);
  /* Translators: the second %s is a reason: “everyone may change the folder “/srv/isos”” */
  return g_strdup_printf (_("Other users could replace or change “%s”: %s. Hangar uses this "
                            "very file and checks it is unchanged before a machine starts "
                            "from it."), display, reason);
}

/**
 * hangar_media_file_resolve:
 * @path: a medium's path as given: relative, or through symlinks
 * @error: return location for a %HANGAR_MEDIA_ERROR
 *
 * Blocking. The file @path is now: its canonical path, its identity, and a
 * warning when others can replace it.
 *
 * Returns: (transfer full): the file, or %NULL when @path leads to none
 */
HangarMediaFile *
hangar_media_file_resolve (const char  *path,
                           GError     **error)
{
  g_autoptr(HangarMediaFile) file = NULL;
  g_autofree char *absolute = NULL;
  char *real;

  g_return_val_if_fail (path != NULL, NULL);

  absolute = g_canonicalize_filename (path, NULL);
  real = realpath (absolute, NULL);
  if (real == NULL)
    {
      set_errno_error (error, absolute, errno);
      return NULL;
    }
  file = g_new0 (HangarMediaFile, 1);
  file->path = g_strdup (real);
  free (real);
  file->identity = hangar_media_file_identity (file->path, error);
  if (file->identity == NULL)
    return NULL;
  file->warning = hangar_media_file_warning (absolute, file->path);
  return g_steal_pointer (&file);
}

/* hangar_media_file_resolve() as a HangarPathWork. */
static gpointer
resolve_work (const char    *path,
              GCancellable  *cancellable,
              GError       **error)
{
  return hangar_media_file_resolve (path, error);
}

/**
 * hangar_media_file_resolve_async:
 * @path: a medium's path as given
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * hangar_media_file_resolve() in a worker thread.
 */
void
hangar_media_file_resolve_async (const char          *path,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  hangar_path_task_run (hangar_media_file_resolve_async, path, resolve_work,
                        (GDestroyNotify) hangar_media_file_free, cancellable, callback,
                        user_data);
}

/**
 * hangar_media_file_resolve_finish:
 *
 * Returns: (transfer full): the file, or %NULL with @error set
 */
HangarMediaFile *
hangar_media_file_resolve_finish (GAsyncResult  *result,
                                  GError       **error)
{
  return hangar_path_task_finish (result, hangar_media_file_resolve_async, error);
}
