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
int hangarctl_import (int    argc,
                      char **argv);

/* On one machine (hangarctl-machine.c, hangarctl-snapshot.c). */
int hangarctl_start          (int    argc,
                              char **argv);
int hangarctl_machine_simple (int    argc,
                              char **argv);
int hangarctl_shutdown       (int    argc,
                              char **argv);
int hangarctl_delete         (int    argc,
                              char **argv);
int hangarctl_rename         (int    argc,
                              char **argv);
int hangarctl_clone          (int    argc,
                              char **argv);
int hangarctl_screenshot     (int    argc,
                              char **argv);
int hangarctl_snapshot       (int    argc,
                              char **argv);
int hangarctl_forward        (int    argc,
                              char **argv);

/* A machine's properties (hangarctl-config.c). */
int hangarctl_info           (int    argc,
                              char **argv);
int hangarctl_set            (int    argc,
                              char **argv);
int hangarctl_cd             (int    argc,
                              char **argv);
int hangarctl_disk_grow      (int    argc,
                              char **argv);
int hangarctl_xml            (int    argc,
                              char **argv);
int hangarctl_log            (int    argc,
                              char **argv);

/* A machine's health (hangarctl-check.c). */
int hangarctl_check          (int    argc,
                              char **argv);

G_END_DECLS
