/* hangar-os-db.h
 *
 * The libosinfo database, loaded once in a worker thread and shared: media
 * identification, profiles by id, and the list of OSes to pick from by hand.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-media.h"
#include "hangar-os-profile.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_OS_DB (hangar_os_db_get_type ())

G_DECLARE_FINAL_TYPE (HangarOsDb, hangar_os_db, HANGAR, OS_DB, GObject)

HangarOsDb      *hangar_os_db_new              (void);
HangarOsDb      *hangar_os_db_get_default      (void);
gboolean         hangar_os_db_is_loaded        (HangarOsDb          *self);

void             hangar_os_db_load_async       (HangarOsDb          *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean         hangar_os_db_load_finish      (HangarOsDb          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

void             hangar_os_db_identify_async   (HangarOsDb          *self,
                                                const char          *path,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
HangarMedia     *hangar_os_db_identify_finish  (HangarOsDb          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

void             hangar_os_db_list_oses_async  (HangarOsDb          *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray       *hangar_os_db_list_oses_finish (HangarOsDb          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
GPtrArray       *hangar_os_db_list_oses        (HangarOsDb          *self);
HangarOsProfile *hangar_os_db_profile_for_id   (HangarOsDb          *self,
                                                const char          *short_id_or_id);

G_END_DECLS
