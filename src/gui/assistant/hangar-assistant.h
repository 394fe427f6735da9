/* hangar-assistant.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_ASSISTANT (hangar_assistant_get_type ())

G_DECLARE_FINAL_TYPE (HangarAssistant, hangar_assistant, HANGAR, ASSISTANT, AdwWindow)

HangarAssistant *hangar_assistant_new        (GtkWindow         *parent,
                                              HangarConnection  *connection,
                                              GSettings         *settings);
void             hangar_assistant_open_file  (HangarAssistant   *self,
                                              GFile             *file);
const char      *hangar_assistant_get_page   (HangarAssistant   *self);
const char      *hangar_assistant_get_os_label (HangarAssistant *self);
void             hangar_assistant_set_name   (HangarAssistant   *self,
                                              const char        *name);

G_END_DECLS
