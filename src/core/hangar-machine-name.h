/* hangar-machine-name.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *hangar_machine_name_normalize (const char *name);
char *hangar_machine_name_pick      (const char *base,
                                     GHashTable *taken);
char *hangar_machine_name_reserve   (const char *base,
                                     GHashTable *taken);
void  hangar_machine_name_release   (const char *name);

G_END_DECLS
