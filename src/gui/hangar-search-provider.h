/* hangar-search-provider.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SEARCH_PROVIDER (hangar_search_provider_get_type ())

G_DECLARE_FINAL_TYPE (HangarSearchProvider, hangar_search_provider, HANGAR, SEARCH_PROVIDER,
                      GObject)

/* How long a search waits for the collection to be listed (connecting). */
#define HANGAR_SEARCH_PROVIDER_WAIT_MS 2000

HangarSearchProvider *hangar_search_provider_new      (HangarApplication *application);
gboolean              hangar_search_provider_export   (HangarSearchProvider *self,
                                                       GDBusConnection      *connection,
                                                       const char           *app_object_path,
                                                       GError              **error);
void                  hangar_search_provider_unexport (HangarSearchProvider *self);
GPtrArray            *hangar_search_provider_find     (HangarCollection     *collection,
                                                       const char * const   *terms,
                                                       const char * const   *among);

G_END_DECLS
