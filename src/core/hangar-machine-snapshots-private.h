/* hangar-machine-snapshots-private.h
 *
 * The steps of a UEFI machine's snapshots, shared by the two halves of
 * hangar-machine-snapshots.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-machine-private.h"

G_BEGIN_DECLS

char     *hangar_snapshot_uuid_of       (HangarMachineOp       *op);
gboolean  hangar_snapshots_uefi_take    (HangarMachineOp       *op,
                                         const char            *name,
                                         const char            *xml,
                                         const char            *nvram,
                                         GError               **error);
gboolean  hangar_snapshots_uefi_revert  (HangarMachineOp       *op,
                                         virDomainSnapshotPtr   snap,
                                         const char            *nvram,
                                         GError               **error);
gboolean  hangar_snapshots_uefi_delete  (HangarMachineOp       *op,
                                         virDomainSnapshotPtr   snap,
                                         GError               **error);

G_END_DECLS
