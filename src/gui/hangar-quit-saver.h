/* hangar-quit-saver.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

GPtrArray *hangar_quit_saver_machines_to_save (HangarApplication *application);
guint      hangar_quit_saver_notify_left_running (HangarApplication *application);
GtkWindow *hangar_quit_saver_run              (HangarApplication *application,
                                               GPtrArray         *machines);

G_END_DECLS
