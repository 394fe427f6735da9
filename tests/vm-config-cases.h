/* vm-config-cases.h
 *
 * The machines the domain builder's tests describe: OS profiles written by
 * hand as libosinfo describes them, with the settings a user would choose.
 * Shared by the golden tests (unit) and the define test (libvirt).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-vm-settings.h"

G_BEGIN_DECLS

typedef struct
{
  const char       *golden;       /* tests/golden/vm-config/GOLDEN.xml, and the GTest path */
  const char       *short_id;     /* NULL: hangar_os_profile_new_generic () */
  const char       *id;
  const char       *os_name;
  const char       *family;
  const char       *distro;
  const char       *version;
  const char       *variant;
  const char       *media_arch;
  guint             flags;        /* VmConfigCaseFlags */
  guint64           ram_mib;
  guint             vcpus;
  guint64           disk_gib;

  const char       *name;         /* the settings */
  const char       *title;
  guint64           memory_mib;
  guint             cpus;
  guint64           disk;         /* GiB; 0: "Try it" */
  HangarFirmware    firmware;
  HangarDomainType  domain_type;
  const char       *iso;          /* file name in ~/Downloads, or NULL */
  gboolean          tpm;
  const char       *guest_arch;   /* NULL: x86_64 */
  guint             extra_disks;  /* an appliance's disks after the first */
  guint             extra_nics;   /* its network adapters after the first */
  const char       *description;
} VmConfigCase;

extern const VmConfigCase vm_config_cases[];
extern const guint vm_config_n_cases;

HangarOsProfile  *vm_config_case_profile  (const VmConfigCase *c);
HangarVmSettings *vm_config_case_settings (const VmConfigCase *c);

G_END_DECLS
