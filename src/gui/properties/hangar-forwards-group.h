/* hangar-forwards-group.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-machine.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_FORWARDS_GROUP (hangar_forwards_group_get_type ())

G_DECLARE_FINAL_TYPE (HangarForwardsGroup, hangar_forwards_group, HANGAR, FORWARDS_GROUP,
                      AdwPreferencesGroup)

char *hangar_forwards_ssh_command (guint host_port);

G_END_DECLS
