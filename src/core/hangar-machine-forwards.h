/* hangar-machine-forwards.h
 *
 * A machine's port forwards, listed, added and removed in its definition.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-forwards.h"
#include "hangar-machine.h"

G_BEGIN_DECLS

void       hangar_machine_list_forwards_async   (HangarMachine        *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray *hangar_machine_list_forwards_finish  (HangarMachine        *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
void       hangar_machine_add_forward_async     (HangarMachine        *self,
                                                 const char           *address,
                                                 guint                 host_port,
                                                 guint                 guest_port,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean   hangar_machine_add_forward_finish    (HangarMachine        *self,
                                                 GAsyncResult         *result,
                                                 gboolean             *pending,
                                                 GError              **error);
void       hangar_machine_remove_forward_async  (HangarMachine        *self,
                                                 guint                 host_port,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean   hangar_machine_remove_forward_finish (HangarMachine        *self,
                                                 GAsyncResult         *result,
                                                 gboolean             *pending,
                                                 GError              **error);

G_END_DECLS
