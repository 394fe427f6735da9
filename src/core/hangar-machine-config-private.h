/* hangar-machine-config-private.h
 *
 * What hangar-machine-config.c and hangar-machine-disks.c share
 * (hangar-machine-xml.c): the domain's XML read and searched with libxml2,
 * Hangar's pool volume behind a path, and a change's "live or next boot".
 * All of it runs in HangarMachine's worker threads.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "hangar-machine-config.h"
#include "hangar-machine-private.h"

G_BEGIN_DECLS

gboolean          hangar_machine_is_active_state   (int               state);
char             *hangar_machine_op_dup_xml        (HangarMachineOp  *op,
                                                    unsigned int      flags,
                                                    GError          **error);
char             *hangar_machine_op_dup_config_xml (HangarMachineOp  *op,
                                                    GError          **error);
xmlDocPtr         hangar_machine_op_parse_xml      (const char       *xml,
                                                    HangarMachineOp  *op,
                                                    GError          **error);
gboolean          hangar_machine_op_set_live       (HangarMachineOp  *op,
                                                    gboolean          live);
gboolean          hangar_machine_finish_live       (HangarMachine    *self,
                                                    GAsyncResult     *result,
                                                    gpointer          source_tag,
                                                    gboolean         *live,
                                                    GError          **error);
virStorageVolPtr  hangar_machine_pool_volume_at    (virConnectPtr     conn,
                                                    const char       *path);
void              hangar_machine_op_get_limits     (HangarMachineOp  *op,
                                                    xmlDocPtr         doc,
                                                    guint64           disk_room,
                                                    HangarVmLimits   *limits);

xmlXPathObjectPtr hangar_xml_select                (xmlDocPtr         doc,
                                                    const char       *expr);
gboolean          hangar_xml_has_node              (xmlDocPtr         doc,
                                                    const char       *expr);
char             *hangar_xml_get_prop              (xmlNodePtr        node,
                                                    const char       *name);
xmlNodePtr        hangar_xml_first_child           (xmlNodePtr        parent,
                                                    const char       *name);
xmlNodePtr        hangar_xml_find_disk             (xmlDocPtr         doc,
                                                    const char       *device,
                                                    const char       *target);
char             *hangar_xml_node_to_string        (xmlNodePtr        node);

G_END_DECLS
