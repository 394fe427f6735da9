/* hangar-libvirt.h
 *
 * Hangar's one layer over libvirt's C API (see hangar-libvirt.c).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libvirt-gobject/libvirt-gobject.h>

G_BEGIN_DECLS

gboolean          hangar_libvirt_init              (GError         **error);

const char       *hangar_libvirt_last_message      (void);

virConnectPtr     hangar_libvirt_dup_connect       (GVirConnection  *connection);
virDomainPtr      hangar_libvirt_dup_domain        (GVirDomain      *domain);
virStorageVolPtr  hangar_libvirt_dup_volume        (GVirStorageVol  *volume);

/* Blocking: for worker threads. */
GHashTable       *hangar_libvirt_list_domain_names (virConnectPtr    conn);
gboolean          hangar_libvirt_domain_name_taken (virConnectPtr    conn,
                                                    const char      *name);
guint             hangar_libvirt_max_vcpus         (virConnectPtr    conn,
                                                    const char      *emulator,
                                                    const char      *arch,
                                                    const char      *machine,
                                                    const char      *virt_type);

G_END_DECLS
