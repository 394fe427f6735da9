/* hangar-install-tracker.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/**
 * HangarInstallRun:
 * @installing_known: the running definition was read
 * @installing: ... and it carries the installing mark
 * @guest_initiated: the guest powered off or reset itself
 * @reboot: ... and it was a reset
 *
 * What the tracker saw of one run of a machine, from its start to its stop.
 */
typedef struct
{
  gboolean installing_known;
  gboolean installing;
  gboolean guest_initiated;
  gboolean reboot;
} HangarInstallRun;

/**
 * HangarInstallAction:
 * @HANGAR_INSTALL_ACTION_NONE: the run did not end an installation
 * @HANGAR_INSTALL_ACTION_FINISH: eject the medium; the machine boots from its
 *   disk next time
 * @HANGAR_INSTALL_ACTION_FINISH_AND_RESTART: the same, and start it again:
 *   its guest asked to reboot
 */
typedef enum
{
  HANGAR_INSTALL_ACTION_NONE,
  HANGAR_INSTALL_ACTION_FINISH,
  HANGAR_INSTALL_ACTION_FINISH_AND_RESTART,
} HangarInstallAction;

#define HANGAR_TYPE_INSTALL_TRACKER (hangar_install_tracker_get_type ())

G_DECLARE_FINAL_TYPE (HangarInstallTracker, hangar_install_tracker, HANGAR, INSTALL_TRACKER, GObject)

/* The tracker's decisions: pure. */
char                 *hangar_install_finish_config_xml  (const char             *domain_xml,
                                                         GError                **error);
void                  hangar_install_run_note_shutdown  (HangarInstallRun       *run,
                                                         int                     detail);
void                  hangar_install_run_note_qemu_shutdown (HangarInstallRun   *run,
                                                             const char         *details);
GPtrArray            *hangar_install_eject_devices_xml  (const char             *domain_xml);
HangarInstallAction   hangar_install_decide             (const HangarInstallRun *run,
                                                         int                     stopped_detail);

HangarInstallTracker *hangar_install_tracker_new        (HangarConnection       *connection);
HangarConnection     *hangar_install_tracker_get_connection (HangarInstallTracker *self);

G_END_DECLS
