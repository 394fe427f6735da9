/* hangarctl-snapshot.c
 *
 * `hangarctl snapshot take|list|revert|rename|delete NAME [SNAPSHOT]`: a
 * machine's snapshots, as HangarMachine handles them.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hangarctl-commands.h"
#include "hangarctl-json.h"
#include "hangarctl-session.h"

#define COMMAND "snapshot"

static char *
format_time (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (seconds);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static void
print_snapshots (GPtrArray *snapshots,
                 gboolean   json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < snapshots->len; i++)
        {
          HangarSnapshot *snapshot = g_ptr_array_index (snapshots, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, snapshot->name);
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, snapshot->title);
          json_builder_set_member_name (builder, "created");
          json_builder_add_int_value (builder, snapshot->creation_time);
          json_builder_set_member_name (builder, "state");
          json_builder_add_string_value (builder, hangar_machine_state_to_nick (snapshot->state));
          json_builder_set_member_name (builder, "current");
          json_builder_add_boolean_value (builder, snapshot->current);
          json_builder_set_member_name (builder, "parent");
          if (snapshot->parent != NULL)
            json_builder_add_string_value (builder, snapshot->parent);
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      hangarctl_json_print (builder);
      return;
    }

  /* NAME, TIME, STATE, "current" or "-", TITLE: tab-separated. */
  for (guint i = 0; i < snapshots->len; i++)
    {
      HangarSnapshot *snapshot = g_ptr_array_index (snapshots, i);
      g_autofree char *created = format_time (snapshot->creation_time);

      g_print ("%s\t%s\t%s\t%s\t%s\n", snapshot->name, created,
               hangar_machine_state_to_nick (snapshot->state),
               snapshot->current ? "current" : "-", snapshot->title);
    }
}

static const struct
{
  const char *action;
  int         n_args;      /* after the action: NAME [SNAPSHOT [TITLE]] */
  int         max_args;
  const char *usage;
} actions[] = {
  { "take", 1, 2, N_("take NAME [SNAPSHOT] [--title TITLE]") },
  { "list", 1, 1, N_("list NAME [--json]") },
  { "revert", 2, 2, N_("revert NAME SNAPSHOT") },
  { "rename", 3, 3, N_("rename NAME SNAPSHOT TITLE") },
  { "delete", 2, 2, N_("delete NAME SNAPSHOT") },
};

/**
 * hangarctl_snapshot:
 *
 * `snapshot take NAME [SNAPSHOT] [--title T]` prints the snapshot's name;
 * `snapshot list NAME [--json]` prints one per line (name, time, state,
 * current, title), oldest first; `revert`, `rename` (the title) and
 * `delete` name the snapshot.
 */
int
hangarctl_snapshot (int    argc,
                    char **argv)
{
  g_autofree char *title = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title,
      N_("take: the title users see (by default the name, or the time)"), N_("TITLE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("list: print a JSON array"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) summary = g_string_new (_("A machine’s snapshots:"));
  g_autofree char *help = NULL;
  HangarctlSession session = { 0 };
  const char *action;
  int status = 0;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (actions); i++)
    g_string_append_printf (summary, "\n  %s", _(actions[i].usage));
  help = hangarctl_summary_with_names (summary->str);
  if (!hangarctl_parse_options (COMMAND, N_("take|list|revert|rename|delete NAME [SNAPSHOT]"),
                                help, entries, 1, 4,
                                _("Say what to do: take, list, revert, rename or delete."),
                                &argc, &argv))
    return 2;

  action = argv[1];
  for (i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (action, actions[i].action))
      break;
  if (i == G_N_ELEMENTS (actions))
    {
      g_autofree char *message = g_strdup_printf (_("Unknown action “%s”: take, list, revert, "
                                                    "rename or delete."), action);
      return hangarctl_usage_error (COMMAND, message);
    }
  if (argc - 2 < actions[i].n_args || argc - 2 > actions[i].max_args)
    {
      g_autofree char *message = g_strdup_printf (_("Usage: hangarctl snapshot %s"),
                                                  _(actions[i].usage));
      return hangarctl_usage_error (COMMAND, message);
    }
  if ((title != NULL && !g_str_equal (action, "take")) || (json && !g_str_equal (action, "list")))
    return hangarctl_usage_error (COMMAND, _("--title is for take, --json for list."));

  if (!hangarctl_session_open (&session, COMMAND, argv[2]))
    {
      hangarctl_session_close (&session);
      return 1;
    }

  if (g_str_equal (action, "take"))
    {
      g_autofree char *name = NULL;

      hangar_machine_take_snapshot_async (session.machine, argc > 3 ? argv[3] : NULL, title, NULL,
                                          hangarctl_session_done, &session);
      name = hangar_machine_take_snapshot_finish (session.machine,
                                                  hangarctl_session_wait (&session), &error);
      if (name != NULL)
        g_print ("%s\n", name);
    }
  else if (g_str_equal (action, "list"))
    {
      g_autoptr(GPtrArray) snapshots = NULL;

      hangar_machine_list_snapshots_async (session.machine, NULL, hangarctl_session_done, &session);
      snapshots = hangar_machine_list_snapshots_finish (session.machine,
                                                        hangarctl_session_wait (&session), &error);
      if (snapshots != NULL)
        print_snapshots (snapshots, json);
    }
  else if (g_str_equal (action, "revert"))
    {
      hangar_machine_revert_snapshot_async (session.machine, argv[3], NULL,
                                            hangarctl_session_done, &session);
      hangar_machine_revert_snapshot_finish (session.machine, hangarctl_session_wait (&session),
                                             &error);
    }
  else if (g_str_equal (action, "rename"))
    {
      hangar_machine_rename_snapshot_async (session.machine, argv[3], argv[4], NULL,
                                            hangarctl_session_done, &session);
      hangar_machine_rename_snapshot_finish (session.machine, hangarctl_session_wait (&session),
                                             &error);
    }
  else
    {
      hangar_machine_delete_snapshot_async (session.machine, argv[3], NULL,
                                            hangarctl_session_done, &session);
      hangar_machine_delete_snapshot_finish (session.machine, hangarctl_session_wait (&session),
                                             &error);
    }

  if (error != NULL)
    status = hangarctl_fail (COMMAND, error->message);
  hangarctl_session_close (&session);
  return status;
}
