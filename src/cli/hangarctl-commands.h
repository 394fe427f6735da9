/* hangarctl-commands.h
 *
 * hangarctl's commands that live in files of their own. Each takes the
 * arguments from its own name on and returns the process's exit status.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int hangarctl_create (int    argc,
                      char **argv);
int hangarctl_detect (int    argc,
                      char **argv);

G_END_DECLS
