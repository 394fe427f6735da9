/* hangar-path-task.h
 *
 * A blocking piece of work on one file, run in a worker thread as a GTask.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Reads @path, returns a new result or %NULL with @error set. */
typedef gpointer (*HangarPathWork) (const char    *path,
                                    GCancellable  *cancellable,
                                    GError       **error);

void     hangar_path_task_run    (gpointer             source_tag,
                                  const char          *path,
                                  HangarPathWork       work,
                                  GDestroyNotify       result_free,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
gpointer hangar_path_task_finish (GAsyncResult        *result,
                                  gpointer             source_tag,
                                  GError             **error);

G_END_DECLS
