/* hangarctl-json.h
 *
 * Members of the JSON objects hangarctl prints.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void hangarctl_json_add_string (JsonBuilder *builder,
                                const char  *name,
                                const char  *value);
void hangarctl_json_add_int    (JsonBuilder *builder,
                                const char  *name,
                                gint64       value);
void hangarctl_json_add_bool   (JsonBuilder *builder,
                                const char  *name,
                                gboolean     value);

void hangarctl_json_print      (JsonBuilder *builder);

G_END_DECLS
