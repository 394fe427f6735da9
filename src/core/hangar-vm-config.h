/* hangar-vm-config.h
 *
 * The pure domain builder: an OS profile and the user's settings become a
 * libvirt-gconfig domain. No I/O, no daemon: golden-tested.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libvirt-gconfig/libvirt-gconfig.h>

#include "hangar-vm-settings.h"

G_BEGIN_DECLS

#define HANGAR_VM_CONFIG_ERROR (hangar_vm_config_error_quark ())

/**
 * HangarVmConfigError:
 * @HANGAR_VM_CONFIG_ERROR_INVALID: the settings cannot make a machine (no name, no memory, …)
 * @HANGAR_VM_CONFIG_ERROR_ARCH: the medium's architecture cannot run on this host
 */
typedef enum
{
  HANGAR_VM_CONFIG_ERROR_INVALID,
  HANGAR_VM_CONFIG_ERROR_ARCH,
} HangarVmConfigError;

/* The XML namespace of Hangar's <metadata> element in a domain. */
#define HANGAR_VM_CONFIG_METADATA_NS "https://hangar.org/xmlns/libvirt/domain/1.0"
#define HANGAR_VM_CONFIG_METADATA_PREFIX "hangar"

GQuark            hangar_vm_config_error_quark (void);

GVirConfigDomain *hangar_vm_config_build       (const HangarOsProfile  *profile,
                                                const HangarVmSettings *settings,
                                                GError                **error);

G_END_DECLS
