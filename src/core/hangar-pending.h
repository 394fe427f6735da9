/* hangar-pending.h
 *
 * Records of machines and disks being made, so that what a killed process
 * could not undo is recognised and removed by the next one.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"

G_BEGIN_DECLS

typedef struct _HangarPending HangarPending;

char          *hangar_pending_dir            (void);
char          *hangar_pending_boot_id        (void);
guint64        hangar_pending_process_start  (GPid              pid);
gboolean       hangar_pending_owner_alive    (GKeyFile         *record);

/* Blocking: for the worker threads that make things. */
char          *hangar_pending_uri_of         (virConnectPtr     conn);
HangarPending *hangar_pending_begin          (const char       *uri,
                                              const char       *machine);
void           hangar_pending_set_uuid       (HangarPending    *self,
                                              const char       *uuid);
void           hangar_pending_add_file       (HangarPending    *self,
                                              const char       *path);
void           hangar_pending_end            (HangarPending    *self);
void           hangar_pending_leave          (HangarPending    *self);
void           hangar_pending_end_async      (HangarPending       *self,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);

/* Blocking: removes what dead processes left on @conn; the sentences say what. */
GStrv          hangar_pending_clean          (virConnectPtr     conn);

void           hangar_pending_clean_async    (HangarConnection    *connection,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GStrv          hangar_pending_clean_finish   (GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
