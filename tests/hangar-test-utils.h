/* hangar-test-utils.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*HangarTestPredicate) (gpointer user_data);

const char *hangar_test_artifacts_dir    (void);
gboolean    hangar_test_wait_until       (HangarTestPredicate  predicate,
                                          gpointer             user_data,
                                          guint                timeout_s);
void        hangar_test_wait_frames      (GtkWidget           *widget,
                                          guint                n_frames);
GdkTexture *hangar_test_render_widget    (GtkWidget           *widget);
char       *hangar_test_spawn_capture    (const char * const  *argv,
                                          const char * const  *envp,
                                          int                 *status,
                                          char               **err);
char       *hangar_test_save_screenshot  (GtkWidget           *widget,
                                          const char          *name);
char       *hangar_test_save_screenshot_now (GtkWidget         *widget,
                                            const char        *name);
gpointer    hangar_test_find_toplevel    (GType                type,
                                          GtkWindow           *transient_for);
gboolean    hangar_test_pointer_cleared  (gpointer             weak_pointer);
void        hangar_test_remove_tree      (const char          *path);
char       *hangar_test_isolate_data_dir (void);

#define hangar_test_assert_eventually(predicate, data, timeout_s, what)            \
  G_STMT_START {                                                                    \
    if (!hangar_test_wait_until ((predicate), (data), (timeout_s)))                \
      g_error ("Timed out after %u s waiting for %s", (guint) (timeout_s), (what)); \
  } G_STMT_END

G_END_DECLS
