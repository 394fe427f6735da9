/* hangar-host.h
 *
 * What this computer can give a new machine (memory, cores, free space, KVM),
 * probed off the UI thread; hangar-vm-settings.h turns it and an OS profile
 * into a new machine's defaults.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "hangar-os-profile.h"
#include "hangar-types.h"

G_BEGIN_DECLS

/* Set to 1 to make hangar_host_probe_async() report KVM as unusable. */
#define HANGAR_FORCE_EMULATION_ENV "HANGAR_FORCE_EMULATION"

/* Free space a new disk leaves in its pool's file system. */
#define HANGAR_HOST_DISK_MARGIN_GIB 2

/**
 * HangarHostInfo:
 * @ram_mib: total physical memory; 0 when unknown
 * @cpus: online processors; 0 when unknown
 * @free_bytes: free space for an unprivileged user in the pool's file system
 *   (its nearest existing ancestor when the pool does not exist yet);
 *   %G_MAXUINT64 when unknown
 * @kvm_usable: `/dev/kvm` can be opened for reading and writing, libvirt
 *   offers domain type kvm for x86_64 (when a connection was given), and
 *   `HANGAR_FORCE_EMULATION=1` is not set
 * @kvm_reason: (nullable): a translated sentence saying why KVM is not
 *   usable; %NULL when it is
 * @arch: the host's architecture, as libosinfo names it ("x86_64")
 * @max_guest_vcpus: the most processors libvirt's domain capabilities allow
 *   the machine type new machines get (q35); 0 when unknown
 *
 * The GSettings key `force-software-emulation` is not read here: callers pass
 * it to hangar_vm_settings_new_for().
 */
typedef struct
{
  guint64   ram_mib;
  guint     cpus;
  guint64   free_bytes;
  gboolean  kvm_usable;
  char     *kvm_reason;
  char     *arch;
  guint     max_guest_vcpus;
} HangarHostInfo;

#define HANGAR_TYPE_HOST_INFO (hangar_host_info_get_type ())

GType             hangar_host_info_get_type  (void);
HangarHostInfo   *hangar_host_info_new       (void);
HangarHostInfo   *hangar_host_info_copy      (const HangarHostInfo *info);
void              hangar_host_info_free      (HangarHostInfo       *info);

const char       *hangar_host_get_arch       (void);
gboolean          hangar_host_arch_can_run   (const char           *host_arch,
                                              const char           *guest_arch);

guint64           hangar_host_free_bytes_at  (const char           *dir);
char             *hangar_host_kvm_unusable_reason (virConnectPtr   conn,
                                                   const char     *arch);

void              hangar_host_probe_async    (const char           *pool_dir,
                                              HangarConnection     *connection,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
HangarHostInfo   *hangar_host_probe_finish   (GAsyncResult         *result,
                                              GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarHostInfo, hangar_host_info_free)

G_END_DECLS
