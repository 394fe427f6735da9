/* hangar-throwaway.h
 *
 * Runs without saving changes: every writable disk on a temporary overlay
 * that libvirt deletes when the machine stops, and what a run that nobody
 * saw end left behind.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/* Pure: for the unit tests and the start below. */
char     *hangar_throwaway_domain_xml   (const char    *inactive_xml,
                                         const char    *name,
                                         GError       **error);
gboolean  hangar_throwaway_live_xml_is_throwaway (const char *live_xml);
char     *hangar_throwaway_overlay_path (const char    *disk_path,
                                         const char    *domain_name);
gboolean  hangar_throwaway_is_overlay_of (const char   *overlay_path,
                                          const char   *disk_path);

/* Blocking: for worker threads. */
gboolean  hangar_throwaway_start        (virDomainPtr   dom,
                                         const char    *name,
                                         GError       **error);
gboolean  hangar_throwaway_is_running   (virDomainPtr   dom);
GStrv     hangar_throwaway_clean_domain (virDomainPtr   dom);
GStrv     hangar_throwaway_clean        (virConnectPtr  conn);

G_END_DECLS
