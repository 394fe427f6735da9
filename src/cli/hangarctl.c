/* hangarctl.c
 *
 * Hangar's command-line tool, for scripts and tests: the same core as the app,
 * the same URI (HANGAR_URI, then the settings, then qemu:///session).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-machine.h"
#include "hangarctl-commands.h"
#include "hangarctl-json.h"
#include "hangarctl-session.h"

/* An empty string is no value: null in JSON. */
static const char *
nonempty (const char *value)
{
  return value != NULL && *value != '\0' ? value : NULL;
}

/* ISO 8601 in UTC, or null when never known. */
static void
add_time_or_null (JsonBuilder *builder,
                  const char  *name,
                  gint64       seconds)
{
  g_autoptr(GDateTime) time = seconds > 0 ? g_date_time_new_from_unix_utc (seconds) : NULL;
  g_autofree char *text = time != NULL ? g_date_time_format_iso8601 (time) : NULL;

  hangarctl_json_add_string (builder, name, text);
}

static void
print_list (HangarCollection *collection,
            gboolean          json)
{
  GListModel *model = G_LIST_MODEL (collection);
  guint n = g_list_model_get_n_items (model);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(HangarMachine) machine = g_list_model_get_item (model, i);

          json_builder_begin_object (builder);
          hangarctl_json_add_string (builder, "name", hangar_machine_get_name (machine));
          hangarctl_json_add_string (builder, "uuid", hangar_machine_get_uuid (machine));
          hangarctl_json_add_string (builder, "state",
                                     hangar_machine_state_to_nick (hangar_machine_get_state (machine)));
          hangarctl_json_add_string (builder, "os", nonempty (hangar_machine_get_os_name (machine)));
          hangarctl_json_add_string (builder, "os_id", nonempty (hangar_machine_get_os_id (machine)));
          add_time_or_null (builder, "last_used", hangar_machine_get_last_used (machine));
          hangarctl_json_add_bool (builder, "installing", hangar_machine_get_installing (machine));
          hangarctl_json_add_bool (builder, "throwaway", hangar_machine_get_throwaway (machine));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      hangarctl_json_print (builder);
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (model, i);

      /* A third column only for a run without saving changes: scripts that
       * read two keep working. */
      g_print ("%s\t%s%s\n", hangar_machine_get_name (machine),
               hangar_machine_state_to_nick (hangar_machine_get_state (machine)),
               hangar_machine_get_throwaway (machine) ? "\tthrowaway" : "");
    }
}

static gboolean
wait_for_states (HangarCollection *collection)
{
  GListModel *model = G_LIST_MODEL (collection);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  /* Machines read their state in worker threads; wait until all have. */
  while (g_get_monotonic_time () < deadline)
    {
      gboolean pending = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (model) && !pending; i++)
        {
          g_autoptr(HangarMachine) machine = g_list_model_get_item (model, i);

          pending = hangar_machine_get_state (machine) == HANGAR_MACHINE_STATE_UNKNOWN;
        }
      if (!pending)
        return TRUE;
      g_main_context_iteration (NULL, TRUE);
    }

  return FALSE;
}

static int
cmd_list (int    argc,
          char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array"), NULL },
    { NULL }
  };
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarCollection) collection = NULL;

  if (!hangarctl_parse_options ("list", NULL, _("List the machines"), entries, 0, 0,
                                _("list takes no arguments."), &argc, &argv))
    return 2;

  connection = hangarctl_connect (NULL);
  if (connection == NULL)
    return 1;
  collection = hangar_collection_new (connection);

  if (!wait_for_states (collection))
    g_printerr ("hangarctl: %s\n", _("Timed out reading the machines’ states"));

  print_list (collection, json);

  hangar_connection_close (connection);
  return 0;
}

static void
usage (FILE *out)
{
  fprintf (out, "%s\n\n  %s\n  %s\n  %s\n  %s\n%s\n%s\n\n%s\n%s\n",
           _("Usage: hangarctl COMMAND [OPTIONS…]"),
           _("list [--json]    List the machines and their states (“throwaway” after a machine\n"
             "                   running without saving changes)"),
           _("create PATH.iso [--name N] [--memory SIZE] [--cpus C] [--disk SIZE] [--try] [--no-start]\n"
             "                   Create a machine from a medium, start it, print its name"),
           _("import FILE [--name N] [--copy|--link] [--no-start] [--dry-run] [--memory SIZE]\n"
             "                   [--cpus C] [--os OSINFO_ID]\n"
             "                   Make a machine from a disk image or an OVA/OVF appliance, start\n"
             "                   it, print its name"),
           _("detect PATH.iso  Identify an image; print its OS and a new machine’s defaults as JSON"),
           _("  start NAME [--throwaway]\n"
             "                   Start a machine (a saved one resumes); with --throwaway,\n"
             "                   what it writes to its disks is discarded when it stops\n"
             "  shutdown NAME [--timeout S]\n"
             "                   Press its power button, wait up to S seconds (60) for it to stop\n"
             "  force-off NAME   Stop it at once\n"
             "  pause NAME, resume NAME, reboot NAME\n"
             "  save NAME        Save its state to disk and stop it\n"
             "  delete NAME [--keep-disk]\n"
             "                   Delete it, and its disks in Hangar’s storage unless --keep-disk\n"
             "  rename OLD NEW   Rename a machine that is shut off\n"
             "  clone NAME [--name N]\n"
             "                   Copy a machine that is shut off, print the copy’s name\n"
             "  snapshot take|list [--json]|revert|rename|delete NAME [SNAPSHOT]\n"
             "                   A machine’s snapshots\n"
             "  forward add NAME HOST_PORT GUEST_PORT [--address ADDR] | list NAME [--json] |\n"
             "          remove NAME HOST_PORT\n"
             "                   Reach a guest’s TCP port from this computer (127.0.0.1)\n"
             "  screenshot NAME OUT.png\n"
             "                   Save a running machine’s screen"),
           _("  info NAME [--json]\n"
             "                   Show its memory, processors, disks and firmware\n"
             "  set NAME [--memory SIZE] [--cpus N]\n"
             "                   Change them; prints “live” or “next-boot” for each\n"
             "  cd NAME insert PATH.iso | cd NAME eject\n"
             "                   Change the medium in its CD/DVD drive\n"
             "  disk-grow NAME SIZE [--disk TARGET]\n"
             "                   Grow its disk to SIZE (20G) or by +SIZE; never shrinks\n"
             "  xml NAME [--inactive], log NAME\n"
             "                   Print its libvirt XML, the end of its QEMU log\n"
             "  check NAME [--json] [--fix FIX]\n"
             "                   What works in it and what does not, why, and the fix; exit 3\n"
             "                   when something is a problem"),
           _("Sizes are whole numbers, binary, with an optional unit: 2048 (memory in MiB), "
             "512M, 2G, 1T; a disk’s size without a unit is in GiB. Memory is from 64 MiB to "
             "this computer’s memory, processors from 1 to its processors (fewer when the "
             "machine type allows fewer), a disk at most the free space where Hangar keeps "
             "disks. 0, a negative number, a fraction or other text is refused; an option "
             "not given takes the default.\n\n"
             "The connection is HANGAR_URI if set, else the app’s setting, else qemu:///session. "
             "Errors go to stderr; the exit status is 1 when an operation failed, 2 for a "
             "wrong command line. Put -- before a name or file that begins with a dash: "
             "hangarctl start -- -rf. Names are used exactly as given or refused with the "
             "reason (see “hangarctl rename --help”)."),
           _("Ctrl+C (SIGINT) or SIGTERM during create, clone or import undoes what was made, "
             "then exits 130 or 143. Each command first removes what an interrupted Hangar or "
             "hangarctl left half-made, with a line on stderr for each."));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }

  if (g_str_equal (argv[1], "list"))
    return cmd_list (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "create"))
    return hangarctl_create (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "import"))
    return hangarctl_import (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "detect"))
    return hangarctl_detect (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "start"))
    return hangarctl_start (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "force-off") ||
      g_str_equal (argv[1], "pause") || g_str_equal (argv[1], "resume") ||
      g_str_equal (argv[1], "reboot") || g_str_equal (argv[1], "save"))
    return hangarctl_machine_simple (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "shutdown"))
    return hangarctl_shutdown (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "delete"))
    return hangarctl_delete (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "rename"))
    return hangarctl_rename (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "clone"))
    return hangarctl_clone (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "snapshot"))
    return hangarctl_snapshot (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "forward"))
    return hangarctl_forward (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "screenshot"))
    return hangarctl_screenshot (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "info"))
    return hangarctl_info (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "set"))
    return hangarctl_set (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "cd"))
    return hangarctl_cd (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "disk-grow"))
    return hangarctl_disk_grow (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "xml"))
    return hangarctl_xml (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "log"))
    return hangarctl_log (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "check"))
    return hangarctl_check (argc - 1, argv + 1);

  g_printerr (_("hangarctl: unknown command “%s”\n"), argv[1]);
  usage (stderr);
  return 2;
}
