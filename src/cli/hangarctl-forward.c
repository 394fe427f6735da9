/* hangarctl-forward.c
 *
 * `hangarctl forward add|list|remove NAME …`: a machine's port forwards from
 * the host to its user-mode network, as HangarMachine handles them.
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
#include "hangar-machine-forwards.h"

#define COMMAND "forward"

static void
print_forwards (GPtrArray *forwards,
                gboolean   json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < forwards->len; i++)
        {
          HangarForward *forward = g_ptr_array_index (forwards, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "protocol");
          json_builder_add_string_value (builder, "tcp");
          json_builder_set_member_name (builder, "address");
          json_builder_add_string_value (builder, forward->address);
          json_builder_set_member_name (builder, "host-port");
          json_builder_add_int_value (builder, forward->host_port);
          json_builder_set_member_name (builder, "guest-port");
          json_builder_add_int_value (builder, forward->guest_port);
          json_builder_set_member_name (builder, "active");
          json_builder_add_boolean_value (builder, forward->active);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      hangarctl_json_print (builder);
      return;
    }

  /* ADDRESS:HOST_PORT, GUEST_PORT, "active" or "next-start": tab-separated. */
  for (guint i = 0; i < forwards->len; i++)
    {
      HangarForward *forward = g_ptr_array_index (forwards, i);

      g_print ("%s:%u\t%u\t%s\n", forward->address, forward->host_port, forward->guest_port,
               forward->active ? "active" : "next-start");
    }
}

static gboolean
parse_port (const char *what,
            const char *text,
            guint      *port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (hangar_forward_parse_port (text, port, &error))
    return TRUE;
  /* Translators: %s is "HOST_PORT" or "GUEST_PORT", then the reason */
  message = g_strdup_printf (_("%s: %s"), what, error->message);
  hangarctl_usage_error (COMMAND, message);
  return FALSE;
}

/**
 * hangarctl_forward:
 *
 * `forward add NAME HOST_PORT GUEST_PORT [--address ADDR]`,
 * `forward list NAME [--json]`, `forward remove NAME HOST_PORT`.
 */
int
hangarctl_forward (int    argc,
                   char **argv)
{
  g_autofree char *address = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address,
      N_("add: the host address to listen on (127.0.0.1: this computer only)"), N_("ADDR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("list: print a JSON array"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *help = NULL;
  HangarctlSession session = { 0 };
  const char *action;
  guint host_port = 0, guest_port = 0;
  gboolean pending = FALSE;
  int n_args;
  int status = 0;

  help = hangarctl_summary_with_names (
    _("A machine’s port forwards: a TCP port of this computer that reaches a port of the "
      "guest, through its user-mode network.\n"
      "  add NAME HOST_PORT GUEST_PORT [--address ADDR]\n"
      "  list NAME [--json]     (address:host port, guest port, active or next-start)\n"
      "  remove NAME HOST_PORT\n"
      "Host ports are from 1024 to 65535 and must be free; guest ports from 1 to 65535. "
      "A forward listens on 127.0.0.1 (this computer only) unless --address names another "
      "IPv4 address of this computer, which lets other computers reach the guest. A "
      "running machine takes a change at its next start."));
  if (!hangarctl_parse_options (COMMAND, N_("add|list|remove NAME [HOST_PORT [GUEST_PORT]]"),
                                help, entries, 2, 4,
                                _("Say what to do (add, list or remove) and the machine."),
                                &argc, &argv))
    return 2;

  action = argv[1];
  n_args = argc - 2;
  if (g_str_equal (action, "add"))
    {
      if (n_args != 3)
        return hangarctl_usage_error (COMMAND, _("Usage: hangarctl forward add NAME HOST_PORT "
                                                 "GUEST_PORT [--address ADDR]"));
      if (!parse_port ("HOST_PORT", argv[3], &host_port) ||
          !parse_port ("GUEST_PORT", argv[4], &guest_port))
        return 2;
    }
  else if (g_str_equal (action, "list"))
    {
      if (n_args != 1)
        return hangarctl_usage_error (COMMAND, _("Usage: hangarctl forward list NAME [--json]"));
    }
  else if (g_str_equal (action, "remove"))
    {
      if (n_args != 2)
        return hangarctl_usage_error (COMMAND, _("Usage: hangarctl forward remove NAME "
                                                 "HOST_PORT"));
      if (!parse_port ("HOST_PORT", argv[3], &host_port))
        return 2;
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Unknown action “%s”: add, list or remove."),
                                                  action);
      return hangarctl_usage_error (COMMAND, message);
    }
  if ((address != NULL && !g_str_equal (action, "add")) || (json && !g_str_equal (action, "list")))
    return hangarctl_usage_error (COMMAND, _("--address is for add, --json for list."));
  if (g_str_equal (action, "add") &&
      !hangar_forward_check (address != NULL ? address : HANGAR_FORWARD_DEFAULT_ADDRESS,
                             host_port, guest_port, &error))
    return hangarctl_usage_error (COMMAND, error->message);

  if (!hangarctl_session_open (&session, COMMAND, argv[2]))
    {
      hangarctl_session_close (&session);
      return 1;
    }

  if (g_str_equal (action, "add"))
    {
      hangar_machine_add_forward_async (session.machine, address, host_port, guest_port, NULL,
                                        hangarctl_session_done, &session);
      if (hangar_machine_add_forward_finish (session.machine, hangarctl_session_wait (&session),
                                             &pending, &error))
        {
          if (address != NULL && !hangar_forward_is_loopback (address))
            g_printerr (_("hangarctl forward: warning: %s:%u can be reached from other computers "
                          "that reach this one.\n"), address, host_port);
          g_print ("%s\n", pending ? "next-start" : "done");
        }
    }
  else if (g_str_equal (action, "list"))
    {
      g_autoptr(GPtrArray) forwards = NULL;

      hangar_machine_list_forwards_async (session.machine, NULL, hangarctl_session_done, &session);
      forwards = hangar_machine_list_forwards_finish (session.machine,
                                                      hangarctl_session_wait (&session), &error);
      if (forwards != NULL)
        print_forwards (forwards, json);
    }
  else
    {
      hangar_machine_remove_forward_async (session.machine, host_port, NULL,
                                           hangarctl_session_done, &session);
      if (hangar_machine_remove_forward_finish (session.machine,
                                                hangarctl_session_wait (&session), &pending,
                                                &error))
        g_print ("%s\n", pending ? "next-start" : "done");
    }

  if (error != NULL)
    status = hangarctl_fail (COMMAND, error->message);
  hangarctl_session_close (&session);
  return status;
}
