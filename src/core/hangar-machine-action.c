/* hangar-machine-action.c
 *
 * What can be done with a machine, in which state, and how long it may take:
 * the one table the card, the selection bar, the display page and hangarctl read.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-core"

#include "config.h"

#include "hangar-machine-action.h"
#include "hangar-machine-private.h"

#define STATE(name) (1u << HANGAR_MACHINE_STATE_##name)
#define ANY_STATE (STATE (UNKNOWN) | STATE (STOPPED) | STATE (RUNNING) | STATE (PAUSED) | \
                   STATE (SHUTTING_DOWN) | STATE (SAVED) | STATE (SUSPENDED) | STATE (CRASHED))
/* Shut off with nothing saved: what changing a machine's identity needs. */
#define SHUT_OFF (STATE (STOPPED) | STATE (CRASHED))

typedef struct
{
  const char *nick;
  /* The states in which it can run now. */
  guint       states;
  /* libvirt keeps saved states, snapshots and names only of machines it
   * keeps; a machine being tried goes away by itself when it stops. */
  gboolean    needs_persistent;
  /* It opens a dialog that says why when the state does not allow it yet,
   * so it is offered in every state. */
  gboolean    explains;
  /* How long it waits for the guest, in seconds (0: it does not wait). */
  guint       timeout_s;
  /* The operation, in a worker thread; NULL for the actions that ask for
   * more in a dialog. */
  HangarMachineOpFunc run;
  /* It keeps what the guest wrote (its memory, snapshots of its disks):
   * refused while the machine runs without saving changes. */
  gboolean    keeps_changes;
} ActionRow;

/* How long Shut Down waits: a desktop system may take a while to stop. */
#define SHUTDOWN_TIMEOUT_S 60

static const ActionRow action_table[HANGAR_MACHINE_N_ACTIONS] = {
  [HANGAR_MACHINE_ACTION_START] = {
    "start", STATE (STOPPED) | STATE (SAVED) | STATE (CRASHED), FALSE, FALSE, 0,
    hangar_machine_do_start },
  [HANGAR_MACHINE_ACTION_SHUTDOWN] = {
    /* A paused machine is resumed first: its processors must see the button. */
    "shutdown", STATE (RUNNING) | STATE (PAUSED), FALSE, FALSE, SHUTDOWN_TIMEOUT_S,
    hangar_machine_do_shutdown },
  [HANGAR_MACHINE_ACTION_FORCE_OFF] = {
    "force-off", STATE (RUNNING) | STATE (PAUSED) | STATE (SHUTTING_DOWN) | STATE (SUSPENDED),
    FALSE, FALSE, 0, hangar_machine_do_force_off },
  [HANGAR_MACHINE_ACTION_PAUSE] = {
    "pause", STATE (RUNNING), FALSE, FALSE, 0, hangar_machine_do_pause },
  [HANGAR_MACHINE_ACTION_RESUME] = {
    "resume", STATE (PAUSED), FALSE, FALSE, 0, hangar_machine_do_resume },
  [HANGAR_MACHINE_ACTION_REBOOT] = {
    "reboot", STATE (RUNNING), FALSE, FALSE, 0, hangar_machine_do_reboot },
  [HANGAR_MACHINE_ACTION_SAVE] = {
    "save", STATE (RUNNING) | STATE (PAUSED), TRUE, FALSE, 0, hangar_machine_do_save, TRUE },
  [HANGAR_MACHINE_ACTION_START_THROWAWAY] = {
    /* Not from a saved state: its memory expects the disks it was saved
     * with, and resuming it would be a normal run. libvirt starts only a
     * machine it keeps with the definition of a run (hangar-throwaway.c). */
    "start-throwaway", STATE (STOPPED) | STATE (CRASHED), TRUE, FALSE, 0,
    hangar_machine_do_start_throwaway },
  [HANGAR_MACHINE_ACTION_DELETE] = { "delete", ANY_STATE, TRUE, TRUE, 0, NULL },
  [HANGAR_MACHINE_ACTION_RENAME] = { "rename", SHUT_OFF, TRUE, TRUE, 0, NULL },
  [HANGAR_MACHINE_ACTION_CLONE] = { "clone", SHUT_OFF, TRUE, TRUE, 0, NULL },
  [HANGAR_MACHINE_ACTION_SNAPSHOTS] = { "snapshots", ANY_STATE, TRUE, TRUE, 0, NULL, TRUE },
  [HANGAR_MACHINE_ACTION_PROPERTIES] = { "properties", ANY_STATE, FALSE, TRUE, 0, NULL },
};

static const ActionRow *
get_row (HangarMachineAction action)
{
  g_return_val_if_fail ((guint) action < HANGAR_MACHINE_N_ACTIONS, NULL);

  return &action_table[action];
}

/**
 * hangar_machine_action_to_nick:
 * @action: an action
 *
 * Returns: its stable, untranslated name: the hangarctl verb and the name
 *   of the card's action ("start", "force-off", …)
 */
const char *
hangar_machine_action_to_nick (HangarMachineAction action)
{
  const ActionRow *row = get_row (action);

  return row != NULL ? row->nick : NULL;
}

/**
 * hangar_machine_action_from_nick:
 * @nick: a name from hangar_machine_action_to_nick()
 * @action: (out): where to put the action
 *
 * Returns: whether @nick names an action
 */
gboolean
hangar_machine_action_from_nick (const char          *nick,
                                 HangarMachineAction *action)
{
  g_return_val_if_fail (action != NULL, FALSE);

  if (nick == NULL)
    return FALSE;
  for (guint i = 0; i < HANGAR_MACHINE_N_ACTIONS; i++)
    if (g_str_equal (nick, action_table[i].nick))
      {
        *action = (HangarMachineAction) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * hangar_machine_action_changes_state:
 * @action: an action
 *
 * Returns: whether @action runs through hangar_machine_run_async() (the
 *   others open a dialog or window that asks for more)
 */
gboolean
hangar_machine_action_changes_state (HangarMachineAction action)
{
  const ActionRow *row = get_row (action);

  return row != NULL && row->run != NULL;
}

/**
 * hangar_machine_action_get_timeout:
 * @action: an action
 *
 * Returns: how many seconds @action waits for the guest by default; 0 when
 *   it does not wait for the guest at all
 */
guint
hangar_machine_action_get_timeout (HangarMachineAction action)
{
  const ActionRow *row = get_row (action);

  return row != NULL ? row->timeout_s : 0;
}

/**
 * hangar_machine_action_allows:
 * @action: an action
 * @state: a machine's state
 * @persistent: whether libvirt keeps the machine (%FALSE for one being tried)
 *
 * The rule itself, without a machine: whether @action can run now on a
 * machine in @state.
 *
 * Returns: whether it can
 */
gboolean
hangar_machine_action_allows (HangarMachineAction action,
                              HangarMachineState  state,
                              gboolean            persistent)
{
  const ActionRow *row = get_row (action);

  if (row == NULL || (row->needs_persistent && !persistent))
    return FALSE;
  return (row->states & (1u << state)) != 0;
}

/**
 * hangar_machine_action_allows_throwaway:
 * @action: an action
 *
 * Whether @action can run while the machine runs without saving changes
 * (%HANGAR_MACHINE_ACTION_START_THROWAWAY), in the states
 * hangar_machine_action_allows() says. Saving its state and snapshots would
 * keep what the guest wrote, so they cannot.
 *
 * Returns: whether it can
 */
gboolean
hangar_machine_action_allows_throwaway (HangarMachineAction action)
{
  const ActionRow *row = get_row (action);

  return row != NULL && !row->keeps_changes;
}

/**
 * hangar_machine_action_offers:
 * @action: an action
 * @state: a machine's state
 * @persistent: whether libvirt keeps the machine
 *
 * Whether a menu offers @action. An action whose dialog says why the state
 * does not allow it yet (rename, clone, …) is offered in every state; the
 * others only when hangar_machine_action_allows() says they can run.
 *
 * Returns: whether to offer it
 */
gboolean
hangar_machine_action_offers (HangarMachineAction action,
                              HangarMachineState  state,
                              gboolean            persistent)
{
  const ActionRow *row = get_row (action);

  if (row == NULL)
    return FALSE;
  if (row->explains)
    return persistent || !row->needs_persistent;
  return hangar_machine_action_allows (action, state, persistent);
}

/**
 * hangar_machine_state_has_screen:
 * @state: a machine's state
 *
 * Returns: whether a machine in @state has a QEMU process with a screen to
 *   show (running, paused, or on its way down)
 */
gboolean
hangar_machine_state_has_screen (HangarMachineState state)
{
  return state == HANGAR_MACHINE_STATE_RUNNING || state == HANGAR_MACHINE_STATE_PAUSED ||
         state == HANGAR_MACHINE_STATE_SHUTTING_DOWN;
}

/**
 * hangar_machine_can_run:
 * @self: a #HangarMachine
 * @action: an action
 *
 * Returns: whether @action can run on @self in the state last read (and,
 *   during a run without saving changes, whether it may then); never for a
 *   machine that is gone
 */
gboolean
hangar_machine_can_run (HangarMachine       *self,
                        HangarMachineAction  action)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), FALSE);

  return !hangar_machine_is_gone (self) &&
         hangar_machine_action_allows (action, hangar_machine_get_state (self),
                                       hangar_machine_get_persistent (self)) &&
         (!hangar_machine_get_throwaway (self) || hangar_machine_action_allows_throwaway (action));
}

/**
 * hangar_machine_can_offer:
 * @self: a #HangarMachine
 * @action: an action
 *
 * Returns: whether a menu offers @action for @self (see
 *   hangar_machine_action_offers()); never for a machine that is gone
 */
gboolean
hangar_machine_can_offer (HangarMachine       *self,
                          HangarMachineAction  action)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), FALSE);

  const ActionRow *row = get_row (action);

  /* A dialog that explains says why during a run without saving too. */
  return !hangar_machine_is_gone (self) &&
         hangar_machine_action_offers (action, hangar_machine_get_state (self),
                                       hangar_machine_get_persistent (self)) &&
         (row == NULL || row->explains || !hangar_machine_get_throwaway (self) ||
          hangar_machine_action_allows_throwaway (action));
}

/**
 * hangar_machine_run_async:
 * @self: a #HangarMachine
 * @action: an action for which hangar_machine_action_changes_state() holds
 * @timeout_s: how long to wait for the guest, in seconds, where @action
 *   waits (Shut Down); %HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT for the
 *   table's figure
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the action is done or failed
 * @user_data: data for @callback
 *
 * Runs @action on @self through the machine's own operation. The state is
 * checked again where it changes, in libvirt: a refusal comes as
 * %HANGAR_MACHINE_ERROR_STATE with a sentence that says why.
 */
void
hangar_machine_run_async (HangarMachine       *self,
                          HangarMachineAction  action,
                          int                  timeout_s,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));
  g_return_if_fail (hangar_machine_action_changes_state (action));
  g_return_if_fail (timeout_s >= HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT);

  op = hangar_machine_op_new (self, get_row (action)->run);
  op->number = timeout_s < 0 ? get_row (action)->timeout_s : (guint) timeout_s;
  hangar_machine_op_run (self, op, hangar_machine_run_async, cancellable, callback, user_data);
}

/**
 * hangar_machine_run_finish:
 * @self: a #HangarMachine
 * @result: the result given to the callback
 * @error: where to put an error
 *
 * Returns: whether the action was done
 */
gboolean
hangar_machine_run_finish (HangarMachine  *self,
                           GAsyncResult   *result,
                           GError        **error)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (self), FALSE);

  return hangar_machine_op_finish (self, result, hangar_machine_run_async, error);
}
