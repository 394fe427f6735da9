/* hangar-install-tracker.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_INSTALL_TRACKER (hangar_install_tracker_get_type ())

G_DECLARE_FINAL_TYPE (HangarInstallTracker, hangar_install_tracker, HANGAR, INSTALL_TRACKER, GObject)

char                 *hangar_install_finish_config_xml  (const char     *domain_xml,
                                                         GError        **error);

HangarInstallTracker *hangar_install_tracker_new        (GVirConnection *connection);
GVirConnection       *hangar_install_tracker_get_connection (HangarInstallTracker *self);

G_END_DECLS
