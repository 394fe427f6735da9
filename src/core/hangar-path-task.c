/* hangar-path-task.c
 *
 * A blocking piece of work on one file, run in a worker thread as a GTask:
 * the one shape of the _async/_finish pairs that probe, review or resolve a
 * file the user named.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hangar-path-task.h"

typedef struct
{
  char           *path;
  HangarPathWork  work;
  GDestroyNotify  result_free;
} PathTask;

static void
path_task_free (PathTask *data)
{
  g_free (data->path);
  g_free (data);
}

static void
path_task_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  PathTask *data = task_data;
  GError *error = NULL;
  gpointer result = data->work (data->path, cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, data->result_free);
}

/**
 * hangar_path_task_run:
 * @source_tag: the public _async function, checked by the _finish
 * @path: the file
 * @work: what to do with it, blocking
 * @result_free: frees what @work returns when nobody takes it
 * @cancellable: (nullable): passed to @work
 * @callback: called on the caller's main context with the result
 * @user_data: data for @callback
 *
 * Runs @work on @path in a worker thread.
 */
void
hangar_path_task_run (gpointer             source_tag,
                      const char          *path,
                      HangarPathWork       work,
                      GDestroyNotify       result_free,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PathTask *data;

  g_return_if_fail (path != NULL);
  g_return_if_fail (work != NULL);

  data = g_new0 (PathTask, 1);
  data->path = g_strdup (path);
  data->work = work;
  data->result_free = result_free;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) path_task_free);
  g_task_run_in_thread (task, path_task_thread);
}

/**
 * hangar_path_task_finish:
 * @result: the #GAsyncResult given to the callback
 * @source_tag: the _async function that started it
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what the work returned, or %NULL with @error set
 */
gpointer
hangar_path_task_finish (GAsyncResult  *result,
                         gpointer       source_tag,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
