/* hangar-machine-health.h
 *
 * What works in a machine and what does not, why, and the fix: KVM or
 * emulation, the guest agent, Windows' virtio drivers, room for its disks
 * to grow, its firmware and TPM, whether its saved state can be restored.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-machine.h"

G_BEGIN_DECLS

/**
 * HangarHealthState:
 * @HANGAR_HEALTH_OK: works
 * @HANGAR_HEALTH_WARNING: works, but worse than it could
 * @HANGAR_HEALTH_PROBLEM: does not work, or will fail
 *
 * Ordered: the worse, the larger.
 */
typedef enum
{
  HANGAR_HEALTH_OK,
  HANGAR_HEALTH_WARNING,
  HANGAR_HEALTH_PROBLEM,
} HangarHealthState;

/**
 * HangarHealthFix:
 * @HANGAR_HEALTH_FIX_NONE: nothing Hangar can do with one click
 * @HANGAR_HEALTH_FIX_USE_EMULATION: hangar_machine_set_acceleration_async()
 *   with %FALSE
 * @HANGAR_HEALTH_FIX_USE_KVM: hangar_machine_set_acceleration_async() with
 *   %TRUE
 * @HANGAR_HEALTH_FIX_DISCARD_SAVED_STATE:
 *   hangar_machine_discard_saved_state_async(), after the user agreed to
 *   lose the guest's unsaved work
 * @HANGAR_HEALTH_FIX_SPACE_REPORT: show where the space goes (the item's
 *   explanation has the figures)
 */
typedef enum
{
  HANGAR_HEALTH_FIX_NONE,
  HANGAR_HEALTH_FIX_USE_EMULATION,
  HANGAR_HEALTH_FIX_USE_KVM,
  HANGAR_HEALTH_FIX_DISCARD_SAVED_STATE,
  HANGAR_HEALTH_FIX_SPACE_REPORT,
} HangarHealthFix;

/**
 * HangarHealthItem:
 * @id: stable, for scripts: "acceleration", "agent", "virtio", "disk-space",
 *   "firmware", "saved-state"
 * @state: how it is
 * @title: a translated line
 * @explanation: a translated paragraph: why, and what to do
 * @fix: the one-click fix, or %HANGAR_HEALTH_FIX_NONE
 * @fix_label: (nullable): the fix's button, translated
 * @help_uri: a `help:hangar/…` link
 */
typedef struct
{
  char              *id;
  HangarHealthState  state;
  char              *title;
  char              *explanation;
  HangarHealthFix    fix;
  char              *fix_label;
  char              *help_uri;
} HangarHealthItem;

/**
 * HangarHealthFacts:
 * @kvm_domain: the machine's definition asks for KVM (domain type kvm)
 * @kvm_reason: (nullable): why KVM cannot be used here; %NULL when it can
 * @force_emulation: the user's `force-software-emulation` preference
 * @running: it is running or paused
 * @agent_channel: it has the SPICE agent's port (com.redhat.spice.0)
 * @agent_connected: an agent in the guest has that port open
 * @windows: its OS is Windows
 * @virtio_devices: a disk or network card on virtio
 * @other_devices: a disk on SATA/IDE or an emulated network card
 * @virtio_win_medium: a virtio-win disc is in one of its drives
 * @disks: it has a writable disk in a file on this computer
 * @disk_growth: how many more bytes its disks may take on the file system
 *   with the least room
 * @disk_free: the free bytes of that file system; %G_MAXUINT64 when unknown
 * @missing_loader: (nullable): the firmware file its definition names, when
 *   it does not exist
 * @missing_nvram: (nullable): its UEFI variables file, when it does not exist
 * @nvram_remade: libvirt makes @missing_nvram again from a template
 * @tpm_missing: (nullable): the program an emulated TPM needs, when absent
 * @saved: it has a saved state (managed save)
 * @saved_refused: (nullable): why that state cannot be restored
 *
 * What hangar_machine_check_health_async() reads; its rules are
 * hangar_health_evaluate(), a pure function of these.
 */
typedef struct
{
  gboolean  kvm_domain;
  char     *kvm_reason;
  gboolean  force_emulation;
  gboolean  running;
  gboolean  agent_channel;
  gboolean  agent_connected;
  gboolean  windows;
  gboolean  virtio_devices;
  gboolean  other_devices;
  gboolean  virtio_win_medium;
  gboolean  disks;
  guint64   disk_growth;
  guint64   disk_free;
  char     *missing_loader;
  char     *missing_nvram;
  gboolean  nvram_remade;
  char     *tpm_missing;
  gboolean  saved;
  char     *saved_refused;
} HangarHealthFacts;

#define HANGAR_TYPE_HEALTH_ITEM (hangar_health_item_get_type ())

GType              hangar_health_item_get_type   (void);
HangarHealthItem  *hangar_health_item_copy       (const HangarHealthItem  *item);
void               hangar_health_item_free       (HangarHealthItem        *item);
const char        *hangar_health_state_to_nick   (HangarHealthState        state);
const char        *hangar_health_fix_to_nick     (HangarHealthFix          fix);
HangarHealthFix    hangar_health_fix_from_nick   (const char              *nick);

void               hangar_health_facts_clear     (HangarHealthFacts       *facts);
GPtrArray         *hangar_health_evaluate        (const HangarHealthFacts *facts);
HangarHealthState  hangar_health_worst           (GPtrArray               *items);
const HangarHealthItem *
                   hangar_health_find            (GPtrArray               *items,
                                                  const char              *id);

void               hangar_machine_check_health_async  (HangarMachine        *self,
                                                       gboolean              force_emulation,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray         *hangar_machine_check_health_finish (HangarMachine        *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void               hangar_machine_set_acceleration_async  (HangarMachine        *self,
                                                           gboolean              kvm,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean           hangar_machine_set_acceleration_finish (HangarMachine        *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarHealthItem, hangar_health_item_free)

G_END_DECLS
