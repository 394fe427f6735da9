/* hangarctl-commands.h
 *
 * The subcommands of hangarctl that live in their own files.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

int hangarctl_create (int argc, char **argv);
