/* hangarctl-check.c
 *
 * `hangarctl check NAME [--json] [--fix FIX]`: a machine's health, as its
 * properties show it, and the fixes that need no question beyond the
 * command itself.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hangar-machine-health.h"
#include "hangarctl-commands.h"
#include "hangarctl-json.h"
#include "hangarctl-session.h"

/* Exit status when an item is a problem: not 1 (the check failed) nor 2. */
#define STATUS_PROBLEM 3

static void
print_json (GPtrArray *items)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      const HangarHealthItem *item = items->pdata[i];

      json_builder_begin_object (builder);
      hangarctl_json_add_string (builder, "id", item->id);
      hangarctl_json_add_string (builder, "state", hangar_health_state_to_nick (item->state));
      hangarctl_json_add_string (builder, "title", item->title);
      hangarctl_json_add_string (builder, "explanation", item->explanation);
      hangarctl_json_add_string (builder, "fix", hangar_health_fix_to_nick (item->fix));
      hangarctl_json_add_string (builder, "help", item->help_uri);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  hangarctl_json_print (builder);
}

static void
print_text (GPtrArray *items)
{
  for (guint i = 0; i < items->len; i++)
    {
      const HangarHealthItem *item = items->pdata[i];

      /* The state's nick and the id stay English: scripts read them. */
      g_print ("%s\t%s\t%s\n", hangar_health_state_to_nick (item->state), item->id, item->title);
      g_print ("\t%s\n", item->explanation);
      if (item->fix != HANGAR_HEALTH_FIX_NONE)
        g_print ("\t%s %s\n", _("Fix:"), hangar_health_fix_to_nick (item->fix));
    }
}

static gboolean
run_fix (HangarctlSession  *session,
         HangarHealthFix    fix,
         GError           **error)
{
  switch (fix)
    {
    case HANGAR_HEALTH_FIX_USE_EMULATION:
    case HANGAR_HEALTH_FIX_USE_KVM:
      hangar_machine_set_acceleration_async (session->machine,
                                             fix == HANGAR_HEALTH_FIX_USE_KVM, NULL,
                                             hangarctl_session_done, session);
      return hangar_machine_set_acceleration_finish (session->machine,
                                                     hangarctl_session_wait (session), error);
    case HANGAR_HEALTH_FIX_DISCARD_SAVED_STATE:
      hangar_machine_discard_saved_state_async (session->machine, NULL, hangarctl_session_done,
                                                session);
      return hangar_machine_discard_saved_state_finish (session->machine,
                                                        hangarctl_session_wait (session), error);
    case HANGAR_HEALTH_FIX_NONE:
    case HANGAR_HEALTH_FIX_SPACE_REPORT:
    default:
      g_assert_not_reached ();
    }
}

/**
 * hangarctl_check:
 *
 * `check NAME [--json] [--fix FIX]`: one line per item (state, id, title),
 * its explanation and fix indented below; exit 0 when no item is a
 * problem, 3 when one is, 1 when the check itself failed.
 */
int
hangarctl_check (int    argc,
                 char **argv)
{
  gboolean json = FALSE;
  g_autofree char *fix_text = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array"), NULL },
    { "fix", 0, 0, G_OPTION_ARG_STRING, &fix_text,
      N_("First apply a fix: use-emulation, use-kvm (the machine shut off) or "
         "discard-saved-state (loses the guest’s unsaved work)"), N_("FIX") },
    { NULL }
  };
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  HangarctlSession session = { 0 };
  HangarHealthFix fix = HANGAR_HEALTH_FIX_NONE;
  gboolean force_emulation;
  int status = 0;

  if (!hangarctl_parse_options ("check", N_("NAME"),
                                _("Show what works in a machine and what does not, why, and "
                                  "the fix. Exit status 0 when nothing is a problem (warnings "
                                  "allowed), 3 when something is, 1 when the check failed."),
                                entries, 1, 1, _("Give the machine’s name."), &argc, &argv))
    return 2;
  if (fix_text != NULL)
    {
      fix = hangar_health_fix_from_nick (fix_text);
      if (fix == HANGAR_HEALTH_FIX_NONE || fix == HANGAR_HEALTH_FIX_SPACE_REPORT)
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is not a fix hangarctl can apply: use use-emulation, "
                               "use-kvm or discard-saved-state."), fix_text);

          return hangarctl_usage_error ("check", message);
        }
    }

  settings = hangarctl_settings_new ();
  force_emulation = settings != NULL &&
                    g_settings_get_boolean (settings, "force-software-emulation");
  if (!hangarctl_session_open (&session, "check", argv[1]))
    status = 1;
  else if (fix != HANGAR_HEALTH_FIX_NONE && !run_fix (&session, fix, &error))
    status = hangarctl_fail ("check", error->message);
  else
    {
      hangar_machine_check_health_async (session.machine, force_emulation, NULL,
                                         hangarctl_session_done, &session);
      items = hangar_machine_check_health_finish (session.machine,
                                                  hangarctl_session_wait (&session), &error);
      if (items == NULL)
        status = hangarctl_fail ("check", error->message);
      else
        {
          if (json)
            print_json (items);
          else
            print_text (items);
          if (hangar_health_worst (items) == HANGAR_HEALTH_PROBLEM)
            status = STATUS_PROBLEM;
        }
    }
  hangarctl_session_close (&session);
  return status;
}
