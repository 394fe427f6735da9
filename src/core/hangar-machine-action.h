/* hangar-machine-action.h
 *
 * What can be done with a machine, in which state, and how long it may take:
 * the one table the card, the selection bar, the display page and hangarctl read.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-machine.h"

G_BEGIN_DECLS

/**
 * HangarMachineAction:
 * @HANGAR_MACHINE_ACTION_START: start it, or resume it from its saved state
 * @HANGAR_MACHINE_ACTION_SHUTDOWN: press its power button and wait for it to stop
 * @HANGAR_MACHINE_ACTION_FORCE_OFF: stop it at once, like pulling the power cord
 * @HANGAR_MACHINE_ACTION_PAUSE: pause a running machine
 * @HANGAR_MACHINE_ACTION_RESUME: resume a paused machine
 * @HANGAR_MACHINE_ACTION_REBOOT: ask a running machine to restart
 * @HANGAR_MACHINE_ACTION_SAVE: save its memory to disk and stop it
 * @HANGAR_MACHINE_ACTION_START_THROWAWAY: start it without saving changes:
 *   whatever the guest writes to its disks is discarded when it stops
 * @HANGAR_MACHINE_ACTION_DELETE: delete it (asks first)
 * @HANGAR_MACHINE_ACTION_RENAME: give it another name (a dialog)
 * @HANGAR_MACHINE_ACTION_CLONE: copy it under a new name (a dialog)
 * @HANGAR_MACHINE_ACTION_SNAPSHOTS: list, take and revert snapshots (a dialog)
 * @HANGAR_MACHINE_ACTION_PROPERTIES: show and change its settings (a window)
 *
 * Everything a user can do to one machine. The first eight change its
 * state and run through hangar_machine_run_async(); the others open a
 * dialog or window that asks for more.
 */
typedef enum
{
  HANGAR_MACHINE_ACTION_START,
  HANGAR_MACHINE_ACTION_SHUTDOWN,
  HANGAR_MACHINE_ACTION_FORCE_OFF,
  HANGAR_MACHINE_ACTION_PAUSE,
  HANGAR_MACHINE_ACTION_RESUME,
  HANGAR_MACHINE_ACTION_REBOOT,
  HANGAR_MACHINE_ACTION_SAVE,
  HANGAR_MACHINE_ACTION_START_THROWAWAY,
  HANGAR_MACHINE_ACTION_DELETE,
  HANGAR_MACHINE_ACTION_RENAME,
  HANGAR_MACHINE_ACTION_CLONE,
  HANGAR_MACHINE_ACTION_SNAPSHOTS,
  HANGAR_MACHINE_ACTION_PROPERTIES,
} HangarMachineAction;

#define HANGAR_MACHINE_N_ACTIONS (HANGAR_MACHINE_ACTION_PROPERTIES + 1)

/**
 * HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT:
 *
 * For hangar_machine_run_async(): wait as long as the action's table row says.
 */
#define HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT (-1)

const char         *hangar_machine_action_to_nick       (HangarMachineAction  action);
gboolean            hangar_machine_action_from_nick     (const char          *nick,
                                                         HangarMachineAction *action);
gboolean            hangar_machine_action_changes_state (HangarMachineAction  action);
guint               hangar_machine_action_get_timeout   (HangarMachineAction  action);
gboolean            hangar_machine_action_allows        (HangarMachineAction  action,
                                                         HangarMachineState   state,
                                                         gboolean             persistent);
gboolean            hangar_machine_action_allows_throwaway (HangarMachineAction action);
gboolean            hangar_machine_action_offers        (HangarMachineAction  action,
                                                         HangarMachineState   state,
                                                         gboolean             persistent);
gboolean            hangar_machine_state_has_screen     (HangarMachineState   state);

gboolean            hangar_machine_can_run              (HangarMachine       *self,
                                                         HangarMachineAction  action);
gboolean            hangar_machine_can_offer            (HangarMachine       *self,
                                                         HangarMachineAction  action);
void                hangar_machine_run_async            (HangarMachine       *self,
                                                         HangarMachineAction  action,
                                                         int                  timeout_s,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            hangar_machine_run_finish           (HangarMachine       *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
