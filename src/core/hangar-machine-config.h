/* hangar-machine-config.h
 *
 * A machine's hardware as its properties show it, and the changes a user
 * may make to it: memory, processors, disk size, the CD/DVD medium. Also
 * what troubleshooting needs: the domain XML and the QEMU log.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-machine.h"
#include "hangar-vm-settings.h"

G_BEGIN_DECLS

/**
 * HangarMachineDisk:
 * @target: the guest's name for the drive ("vda", "sda")
 * @bus: its bus ("virtio", "sata")
 * @path: (nullable): the image: a file, a block device or "POOL/VOLUME";
 *   %NULL for an empty CD/DVD drive
 * @format: (nullable): the image format ("qcow2", "raw")
 * @capacity: the size the guest sees, in bytes; 0 when unknown
 * @allocation: the bytes the image takes on the host; 0 when unknown
 * @cdrom: a CD/DVD drive
 * @readonly: the guest cannot write to it
 * @in_pool: the image is a volume of Hangar's storage pool
 * @growable: hangar_machine_grow_disk_async() may grow it (a writable qcow2
 *   or raw hard disk in Hangar's pool); else @not_growable_reason says why
 * @not_growable_reason: (nullable): a translated sentence
 */
typedef struct
{
  char     *target;
  char     *bus;
  char     *path;
  char     *format;
  guint64   capacity;
  guint64   allocation;
  gboolean  cdrom;
  gboolean  readonly;
  gboolean  in_pool;
  gboolean  growable;
  char     *not_growable_reason;
} HangarMachineDisk;

/**
 * HangarMachineConfig:
 * @name: the machine's name
 * @active: it was running (or paused) when read: the live figures are set
 * @persistent: it has a definition that outlives a shutdown
 * @domain_type: "kvm" or "qemu" (software emulation)
 * @machine_type: (nullable): "q35", "pc-q35-7.2", …
 * @memory_mib: the memory it boots with (<currentMemory>)
 * @max_memory_mib: the most it may have while running (<memory>)
 * @live_memory_mib: what it has now; 0 when stopped
 * @live_max_memory_mib: the most it can have until it stops; 0 when stopped
 * @vcpus: the processors it boots with
 * @max_vcpus: the most it may have while running
 * @live_vcpus: the processors it has now; 0 when stopped
 * @live_max_vcpus: the most it can have until it stops; 0 when stopped
 * @firmware: BIOS, UEFI or UEFI with Secure Boot
 * @tpm: it has a TPM
 * @video_model: (nullable): "qxl", "virtio", "vga", …
 * @gl: 3D acceleration (SPICE OpenGL) is on in its definition
 * @os_id: (nullable): libosinfo's id of its OS, from the metadata
 * @os_name: (nullable): the OS's name, when the OS database knows @os_id
 * @disks: (element-type HangarMachineDisk): its hard disks and CD/DVD drives
 * @limits: what it may have on this host: memory, processors (also as its
 *   machine type allows), the largest new disk (the same rules as a new
 *   machine's, hangar_vm_settings_get_limits())
 *
 * What hangar_machine_read_config_finish() gives: the persistent definition's
 * figures, plus the running machine's where they differ.
 */
typedef struct
{
  char           *name;
  gboolean        active;
  gboolean        persistent;
  char           *domain_type;
  char           *machine_type;
  guint64         memory_mib;
  guint64         max_memory_mib;
  guint64         live_memory_mib;
  guint64         live_max_memory_mib;
  guint           vcpus;
  guint           max_vcpus;
  guint           live_vcpus;
  guint           live_max_vcpus;
  HangarFirmware  firmware;
  gboolean        tpm;
  char           *video_model;
  gboolean        gl;
  char           *os_id;
  char           *os_name;
  GPtrArray      *disks;
  HangarVmLimits  limits;
} HangarMachineConfig;

#define HANGAR_TYPE_MACHINE_CONFIG (hangar_machine_config_get_type ())

GType                hangar_machine_config_get_type  (void);
HangarMachineConfig *hangar_machine_config_copy      (const HangarMachineConfig *config);
void                 hangar_machine_config_free      (HangarMachineConfig       *config);
const HangarMachineDisk *
                     hangar_machine_config_get_disk  (const HangarMachineConfig *config,
                                                      gboolean                   cdrom);
gboolean             hangar_host_can_accelerate_3d   (char                     **reason);

void                 hangar_machine_read_config_async  (HangarMachine        *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
HangarMachineConfig *hangar_machine_read_config_finish (HangarMachine        *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

void                 hangar_machine_set_memory_async   (HangarMachine        *self,
                                                        guint64               memory_mib,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean             hangar_machine_set_memory_finish  (HangarMachine        *self,
                                                        GAsyncResult         *result,
                                                        gboolean             *live,
                                                        GError              **error);

void                 hangar_machine_set_vcpus_async    (HangarMachine        *self,
                                                        guint                 vcpus,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean             hangar_machine_set_vcpus_finish   (HangarMachine        *self,
                                                        GAsyncResult         *result,
                                                        gboolean             *live,
                                                        GError              **error);

void                 hangar_machine_grow_disk_async    (HangarMachine        *self,
                                                        const char           *target,
                                                        guint64               capacity,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean             hangar_machine_grow_disk_finish   (HangarMachine        *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

void                 hangar_machine_set_cdrom_async    (HangarMachine        *self,
                                                        const char           *path,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean             hangar_machine_set_cdrom_finish   (HangarMachine        *self,
                                                        GAsyncResult         *result,
                                                        gboolean             *live,
                                                        GError              **error);

void                 hangar_machine_get_xml_async      (HangarMachine        *self,
                                                        gboolean              inactive,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
char                *hangar_machine_get_xml_finish     (HangarMachine        *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

void                 hangar_machine_read_log_async     (HangarMachine        *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
char                *hangar_machine_read_log_finish    (HangarMachine        *self,
                                                        GAsyncResult         *result,
                                                        char                **path,
                                                        GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarMachineConfig, hangar_machine_config_free)

G_END_DECLS
