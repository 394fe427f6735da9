/* hangar-snapshots-dialog.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SNAPSHOTS_DIALOG (hangar_snapshots_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarSnapshotsDialog, hangar_snapshots_dialog, HANGAR, SNAPSHOTS_DIALOG,
                      AdwWindow)

HangarSnapshotsDialog *hangar_snapshots_dialog_new           (GtkWindow             *parent,
                                                              HangarMachine         *machine);
HangarMachine         *hangar_snapshots_dialog_get_machine   (HangarSnapshotsDialog *self);
GPtrArray             *hangar_snapshots_dialog_get_snapshots (HangarSnapshotsDialog *self);
gboolean               hangar_snapshots_dialog_get_busy      (HangarSnapshotsDialog *self);
const char            *hangar_snapshots_dialog_get_page      (HangarSnapshotsDialog *self);
const char            *hangar_snapshots_dialog_get_unsupported_reason
                                                             (HangarSnapshotsDialog *self);

char                  *hangar_format_relative_time           (GDateTime             *when,
                                                              GDateTime             *now);

G_END_DECLS
