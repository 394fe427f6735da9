/* hangar-window-selection.c
 *
 * The selection mode's action bar at work: one operation on several
 * machines at once, each reporting its own failure.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-machine.h"
#include "hangar-window-private.h"

/* How long Shut Down waits for a guest; the card's menu offers Force Off. */
#define SHUTDOWN_TIMEOUT_S 60

typedef enum
{
  OP_START,
  OP_SHUTDOWN,
  OP_PAUSE,
  OP_RESUME,
  OP_SAVE,
} Op;

typedef struct
{
  GWeakRef window;
  Op       op;
} OpData;

static void
op_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  HangarMachine *machine = HANGAR_MACHINE (object);
  OpData *data = user_data;
  g_autoptr(HangarWindow) self = g_weak_ref_get (&data->window);
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  switch (data->op)
    {
    case OP_START:
      ok = hangar_machine_start_finish (machine, result, &error);
      break;
    case OP_SHUTDOWN:
      ok = hangar_machine_shutdown_finish (machine, result, &error);
      break;
    case OP_PAUSE:
      ok = hangar_machine_pause_finish (machine, result, &error);
      break;
    case OP_RESUME:
      ok = hangar_machine_resume_finish (machine, result, &error);
      break;
    case OP_SAVE:
      ok = hangar_machine_save_finish (machine, result, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok && self != NULL)
    {
      /* Translators: %s is a machine's name, then why an action on it failed */
      g_autofree char *message = g_strdup_printf (_("“%s”: %s"), hangar_machine_get_name (machine),
                                                  error->message);

      hangar_window_add_toast (self, message);
    }
  else if (!ok)
    g_warning ("%s: %s", hangar_machine_get_name (machine), error->message);

  g_weak_ref_clear (&data->window);
  g_free (data);
}

static gboolean
applies (Op                 op,
         HangarMachineState state,
         gboolean           persistent)
{
  switch (op)
    {
    case OP_START:
      return state == HANGAR_MACHINE_STATE_STOPPED || state == HANGAR_MACHINE_STATE_SAVED ||
             state == HANGAR_MACHINE_STATE_CRASHED;
    case OP_SHUTDOWN:
    case OP_PAUSE:
      return state == HANGAR_MACHINE_STATE_RUNNING;
    case OP_RESUME:
      return state == HANGAR_MACHINE_STATE_PAUSED;
    case OP_SAVE:
      return persistent && (state == HANGAR_MACHINE_STATE_RUNNING ||
                            state == HANGAR_MACHINE_STATE_PAUSED);
    default:
      return FALSE;
    }
}

/**
 * hangar_window_run_on_machines:
 * @self: a #HangarWindow
 * @verb: "start", "shutdown", "pause" (which resumes paused machines when
 *   none of @machines runs) or "save"
 * @machines: (element-type HangarMachine): the machines
 *
 * Runs the operation, in parallel, on each of @machines whose state allows
 * it; the others are left alone. Failures show as toasts.
 */
void
hangar_window_run_on_machines (HangarWindow *self,
                               const char   *verb,
                               GPtrArray    *machines)
{
  Op op;

  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (verb != NULL && machines != NULL);

  if (g_str_equal (verb, "start"))
    op = OP_START;
  else if (g_str_equal (verb, "shutdown"))
    op = OP_SHUTDOWN;
  else if (g_str_equal (verb, "save"))
    op = OP_SAVE;
  else if (g_str_equal (verb, "pause"))
    {
      op = OP_RESUME;
      for (guint i = 0; i < machines->len; i++)
        if (hangar_machine_get_state (g_ptr_array_index (machines, i)) ==
            HANGAR_MACHINE_STATE_RUNNING)
          op = OP_PAUSE;
    }
  else
    g_return_if_reached ();

  for (guint i = 0; i < machines->len; i++)
    {
      HangarMachine *machine = g_ptr_array_index (machines, i);
      OpData *data;

      if (!applies (op, hangar_machine_get_state (machine),
                    hangar_machine_get_persistent (machine)))
        continue;

      data = g_new0 (OpData, 1);
      g_weak_ref_init (&data->window, self);
      data->op = op;
      switch (op)
        {
        case OP_START:
          hangar_machine_start_async (machine, NULL, op_done, data);
          break;
        case OP_SHUTDOWN:
          hangar_machine_shutdown_async (machine, SHUTDOWN_TIMEOUT_S, NULL, op_done, data);
          break;
        case OP_PAUSE:
          hangar_machine_pause_async (machine, NULL, op_done, data);
          break;
        case OP_RESUME:
          hangar_machine_resume_async (machine, NULL, op_done, data);
          break;
        case OP_SAVE:
          hangar_machine_save_async (machine, NULL, op_done, data);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}
