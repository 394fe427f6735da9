/* hangar-collection.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_COLLECTION (hangar_collection_get_type ())

G_DECLARE_FINAL_TYPE (HangarCollection, hangar_collection, HANGAR, COLLECTION, GObject)

HangarCollection *hangar_collection_new             (HangarConnection *connection);
HangarConnection *hangar_collection_get_connection  (HangarCollection *self);
HangarMachine    *hangar_collection_find_by_name    (HangarCollection *self,
                                                     const char       *name);
HangarMachine    *hangar_collection_find_by_uuid    (HangarCollection *self,
                                                     const char       *uuid);

G_END_DECLS
