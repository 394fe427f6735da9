/* test-machine-action.c
 *
 * The table of what a machine allows in which state: its rows, written out
 * here a second time by hand, and its agreement with what libvirt's test
 * driver lets each operation do.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-machine-action.h"
#include "hangar-test-utils.h"

#define TEST_URI "test:///default"
#define TIMEOUT_S 10

/* One letter a state, in the order of HangarMachineState:
 * Unknown, sTopped, Running, Paused, sHutting down, saVed, sUspended, Crashed. */
static const char state_letters[] = "UTRPHVSC";

static const struct
{
  HangarMachineAction  action;
  const char          *nick;
  /* The states it runs in, for a machine libvirt keeps and for one being tried. */
  const char          *persistent;
  const char          *transient;
  /* The states a menu offers it in (dialogs explain the others). */
  const char          *offered_persistent;
  const char          *offered_transient;
  guint                timeout_s;
  gboolean             changes_state;
} rows[] = {
  { HANGAR_MACHINE_ACTION_START, "start", "TVC", "TVC", "TVC", "TVC", 0, TRUE },
  { HANGAR_MACHINE_ACTION_SHUTDOWN, "shutdown", "RP", "RP", "RP", "RP", 60, TRUE },
  { HANGAR_MACHINE_ACTION_FORCE_OFF, "force-off", "RPHS", "RPHS", "RPHS", "RPHS", 0, TRUE },
  { HANGAR_MACHINE_ACTION_PAUSE, "pause", "R", "R", "R", "R", 0, TRUE },
  { HANGAR_MACHINE_ACTION_RESUME, "resume", "P", "P", "P", "P", 0, TRUE },
  { HANGAR_MACHINE_ACTION_REBOOT, "reboot", "R", "R", "R", "R", 0, TRUE },
  { HANGAR_MACHINE_ACTION_SAVE, "save", "RP", "", "RP", "", 0, TRUE },
  /* Not from a saved state (its memory expects its disks), nor for a
   * machine being tried (libvirt keeps no definition to start again). */
  { HANGAR_MACHINE_ACTION_START_THROWAWAY, "start-throwaway", "TC", "", "TC", "", 0, TRUE },
  { HANGAR_MACHINE_ACTION_DELETE, "delete", "UTRPHVSC", "", "UTRPHVSC", "", 0, FALSE },
  { HANGAR_MACHINE_ACTION_RENAME, "rename", "TC", "", "UTRPHVSC", "", 0, FALSE },
  { HANGAR_MACHINE_ACTION_CLONE, "clone", "TC", "", "UTRPHVSC", "", 0, FALSE },
  { HANGAR_MACHINE_ACTION_SNAPSHOTS, "snapshots", "UTRPHVSC", "", "UTRPHVSC", "", 0, FALSE },
  { HANGAR_MACHINE_ACTION_PROPERTIES, "properties", "UTRPHVSC", "UTRPHVSC", "UTRPHVSC",
    "UTRPHVSC", 0, FALSE },
};

static void
test_table (void)
{
  HangarMachineAction parsed;

  g_assert_cmpuint (G_N_ELEMENTS (rows), ==, HANGAR_MACHINE_N_ACTIONS);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      HangarMachineAction action = rows[i].action;

      g_assert_cmpstr (hangar_machine_action_to_nick (action), ==, rows[i].nick);
      g_assert_true (hangar_machine_action_from_nick (rows[i].nick, &parsed));
      g_assert_cmpint (parsed, ==, action);
      g_assert_cmpuint (hangar_machine_action_get_timeout (action), ==, rows[i].timeout_s);
      g_assert_cmpint (hangar_machine_action_changes_state (action), ==, rows[i].changes_state);

      for (guint s = 0; s < sizeof state_letters - 1; s++)
        {
          char letter = state_letters[s];

          g_test_message ("%s in state %c", rows[i].nick, letter);
          g_assert_cmpint (hangar_machine_action_allows (action, s, TRUE), ==,
                           strchr (rows[i].persistent, letter) != NULL);
          g_assert_cmpint (hangar_machine_action_allows (action, s, FALSE), ==,
                           strchr (rows[i].transient, letter) != NULL);
          g_assert_cmpint (hangar_machine_action_offers (action, s, TRUE), ==,
                           strchr (rows[i].offered_persistent, letter) != NULL);
          g_assert_cmpint (hangar_machine_action_offers (action, s, FALSE), ==,
                           strchr (rows[i].offered_transient, letter) != NULL);
        }
    }

  g_assert_false (hangar_machine_action_from_nick ("launch", &parsed));
  g_assert_false (hangar_machine_action_from_nick ("", &parsed));
  g_assert_false (hangar_machine_action_from_nick (NULL, &parsed));
}

/* While a machine runs without saving changes, what would keep the guest's
 * writes is refused: saving its state and snapshots. Everything else goes
 * by the table above. */
static void
test_throwaway (void)
{
  static const HangarMachineAction refused[] = {
    HANGAR_MACHINE_ACTION_SAVE, HANGAR_MACHINE_ACTION_SNAPSHOTS,
  };

  for (HangarMachineAction action = 0; action < HANGAR_MACHINE_N_ACTIONS; action++)
    {
      gboolean is_refused = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
        is_refused |= refused[i] == action;
      g_test_message ("%s during a run without saving", hangar_machine_action_to_nick (action));
      g_assert_cmpint (hangar_machine_action_allows_throwaway (action), ==, !is_refused);
    }
}

static void
test_has_screen (void)
{
  static const char with_screen[] = "RPH";

  for (guint s = 0; s < sizeof state_letters - 1; s++)
    g_assert_cmpint (hangar_machine_state_has_screen (s), ==,
                     strchr (with_screen, state_letters[s]) != NULL);
}

/* The agreement case: a persistent domain on the test driver, driven to
 * each state by libvirt itself, then every state-changing action run
 * through HangarMachine. Where the table allows it, it must work; where it
 * does not, the operation must refuse (or change nothing). */

typedef struct
{
  HangarConnection *connection;
  HangarCollection *collection;
  GVirDomain       *domain;
  HangarMachine    *machine;
} Fixture;

static void
refresh_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The machine takes what was read only here. */
  hangar_machine_refresh_finish (HANGAR_MACHINE (object), result, &error);
  g_assert_no_error (error);
}

static void
wait_state (Fixture            *fixture,
            HangarMachineState  state)
{
  hangar_test_wait_machine_state (fixture->collection, "policy", state, TIMEOUT_S);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->connection = hangar_connection_new (TEST_URI);
  fixture->collection = hangar_collection_new (fixture->connection);
  hangar_connection_open_async (fixture->connection, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_connection_open_finish (fixture->connection, hangar_test_await (),
                                                &error));
  g_assert_no_error (error);
  hangar_test_async_clear ();

  fixture->domain =
    hangar_test_define_test_domain (hangar_connection_get_gvir (fixture->connection), "policy",
                                    NULL);
  wait_state (fixture, HANGAR_MACHINE_STATE_STOPPED);
  fixture->machine = g_object_ref (hangar_collection_find_by_name (fixture->collection,
                                                                   "policy"));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  hangar_test_async_clear ();
  gvir_domain_stop (fixture->domain, 0, NULL);
  gvir_domain_delete (fixture->domain, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE, NULL);
  g_clear_object (&fixture->domain);
  g_clear_object (&fixture->machine);
  hangar_connection_close (fixture->connection);
  g_clear_object (&fixture->collection);
  g_clear_object (&fixture->connection);
}

/* Drives the domain, with libvirt's own calls, from shut off to @state. */
static void
drive_to (Fixture            *fixture,
          HangarMachineState  state)
{
  g_autoptr(GError) error = NULL;

  if (hangar_machine_get_state (fixture->machine) != HANGAR_MACHINE_STATE_STOPPED)
    {
      virDomainPtr dom = NULL;

      /* Fails harmlessly on a domain that is not running. */
      gvir_domain_stop (fixture->domain, 0, NULL);
      /* A saved state would make the next start a restore. */
      g_object_get (fixture->domain, "handle", &dom, NULL);
      virDomainManagedSaveRemove (dom, 0);
      virDomainFree (dom);
      /* Removing a saved state sends no event. */
      hangar_machine_refresh_async (fixture->machine, NULL, refresh_done, NULL);
      wait_state (fixture, HANGAR_MACHINE_STATE_STOPPED);
    }
  if (state == HANGAR_MACHINE_STATE_STOPPED)
    return;

  gvir_domain_start (fixture->domain, 0, &error);
  g_assert_no_error (error);
  if (state == HANGAR_MACHINE_STATE_PAUSED)
    gvir_domain_suspend (fixture->domain, &error);
  else if (state == HANGAR_MACHINE_STATE_SAVED)
    gvir_domain_save (fixture->domain, 0, &error);
  g_assert_no_error (error);
  wait_state (fixture, state);
}

static void
test_agrees_with_libvirt (Fixture       *fixture,
                          gconstpointer  data)
{
  static const HangarMachineState states[] = {
    HANGAR_MACHINE_STATE_STOPPED, HANGAR_MACHINE_STATE_RUNNING,
    HANGAR_MACHINE_STATE_PAUSED, HANGAR_MACHINE_STATE_SAVED,
  };
  guint allowed = 0, refused = 0;

  for (guint s = 0; s < G_N_ELEMENTS (states); s++)
    for (HangarMachineAction action = 0; action < HANGAR_MACHINE_N_ACTIONS; action++)
      {
        g_autoptr(GError) error = NULL;
        gboolean can_run, ok;

        /* The test driver knows no ACPI power button (Shut Down's flag):
         * test-lifecycle shuts a real guest down instead. */
        if (!hangar_machine_action_changes_state (action) ||
            action == HANGAR_MACHINE_ACTION_SHUTDOWN)
          continue;
        drive_to (fixture, states[s]);
        can_run = hangar_machine_can_run (fixture->machine, action);
        g_test_message ("%s on a %s machine: the table says %s",
                        hangar_machine_action_to_nick (action),
                        hangar_machine_state_to_nick (states[s]), can_run ? "yes" : "no");

        hangar_machine_run_async (fixture->machine, action, HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT,
                                  NULL, hangar_test_async_done, NULL);
        ok = hangar_machine_run_finish (fixture->machine, hangar_test_await (), &error);
        if (can_run)
          {
            g_assert_no_error (error);
            g_assert_true (ok);
            allowed++;
          }
        else if (!ok)
          {
            g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE);
            refused++;
          }
        else
          {
            /* Allowed by the operation but not offered by the table: a
             * no-op (Start on a running machine), or Start on a paused
             * machine, which resumes it as Start's operation promises (the
             * menus offer Resume there). */
            gboolean resumes = action == HANGAR_MACHINE_ACTION_START &&
                               states[s] == HANGAR_MACHINE_STATE_PAUSED;

            hangar_machine_refresh_async (fixture->machine, NULL, refresh_done, NULL);
            wait_state (fixture, resumes ? HANGAR_MACHINE_STATE_RUNNING : states[s]);
            refused++;
          }
      }

  /* 4 states x the 7 actions but Shut Down; each of them runs in one state at least. */
  g_assert_cmpuint (allowed + refused, ==, 4 * 7);
  g_assert_cmpuint (allowed, >=, 7);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_libvirt (&argc, &argv);

  g_test_add_func ("/hangar/machine-action/table", test_table);
  g_test_add_func ("/hangar/machine-action/has-screen", test_has_screen);
  g_test_add_func ("/hangar/machine-action/throwaway", test_throwaway);
  g_test_add ("/hangar/machine-action/agrees-with-libvirt", Fixture, NULL, fixture_setup,
              test_agrees_with_libvirt, fixture_teardown);

  return g_test_run ();
}
