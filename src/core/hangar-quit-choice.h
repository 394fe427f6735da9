/* hangar-quit-choice.h
 *
 * What closing Hangar does to a running machine: save its state, or keep it
 * running in the background.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HANGAR_QUIT_CHOICE_SAVE "save"
#define HANGAR_QUIT_CHOICE_LEAVE_RUNNING "leave-running"

gboolean  hangar_quit_choice_saves   (GSettings  *settings,
                                      const char *uuid);
char     *hangar_quit_choice_get_own (GSettings  *settings,
                                      const char *uuid);
void      hangar_quit_choice_set_own (GSettings  *settings,
                                      const char *uuid,
                                      const char *choice);

G_END_DECLS
