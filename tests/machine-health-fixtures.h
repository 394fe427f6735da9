/* machine-health-fixtures.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void hangar_test_define_xml         (const char *name,
                                     const char *xml);
void hangar_test_define_kvm_machine (const char *name);

G_END_DECLS
