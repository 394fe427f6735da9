/* hangarctl-session.c
 *
 * The connection and the machine a hangarctl machine command acts on.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-libvirt.h"
#include "hangarctl-session.h"

/* How long a machine may take to read its state. */
#define STATE_TIMEOUT_S 10

int
hangarctl_fail (const char *command,
                const char *message)
{
  g_printerr ("hangarctl %s: %s\n", command, message);
  return 1;
}

int
hangarctl_usage_error (const char *command,
                       const char *message)
{
  g_printerr ("hangarctl %s: %s\n", command, message);
  return 2;
}

/* Parses the options; on an error prints it and returns FALSE (exit 2). */
gboolean
hangarctl_parse_options (const char          *command,
                         const char          *parameters,
                         const char          *summary,
                         const GOptionEntry  *entries,
                         int                 *argc,
                         char              ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      hangarctl_usage_error (command, error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
settings_uri (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  /* hangarctl also works where the app's schema is not installed. */
  if (source == NULL || (schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE)) == NULL)
    return NULL;

  settings = g_settings_new (APPLICATION_ID);
  return g_settings_get_string (settings, "connection-uri");
}

void
hangarctl_session_done (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  HangarctlSession *session = user_data;

  session->result = g_object_ref (result);
  g_main_loop_quit (session->loop);
}

/* Runs the main loop until hangarctl_session_done() got a result. */
GAsyncResult *
hangarctl_session_wait (HangarctlSession *session)
{
  g_clear_object (&session->result);
  while (session->result == NULL)
    g_main_loop_run (session->loop);
  return session->result;
}

static gboolean
state_known (HangarMachine *machine)
{
  return hangar_machine_get_state (machine) != HANGAR_MACHINE_STATE_UNKNOWN;
}

/* Opens the connection (HANGAR_URI, then the settings, then the session)
 * and finds the machine. Prints what went wrong and returns FALSE. */
gboolean
hangarctl_session_open (HangarctlSession *session,
                        const char       *command,
                        const char       *machine_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *configured = NULL;
  g_autofree char *uri = NULL;
  GVirDomain *domain;
  gint64 deadline;

  session->command = command;
  if (!hangar_libvirt_init (&error))
    {
      hangarctl_fail (command, error->message);
      return FALSE;
    }

  configured = settings_uri ();
  uri = hangar_connection_resolve_uri (configured);
  session->loop = g_main_loop_new (NULL, FALSE);
  session->connection = hangar_connection_new (uri);
  hangar_connection_set_auto_reconnect (session->connection, FALSE);
  hangar_connection_open_async (session->connection, NULL, hangarctl_session_done, session);
  if (!hangar_connection_open_finish (session->connection, hangarctl_session_wait (session), &error))
    {
      hangarctl_fail (command, error->message);
      return FALSE;
    }

  domain = gvir_connection_find_domain_by_name (hangar_connection_get_gvir (session->connection),
                                                machine_name);
  if (domain == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no machine called “%s”."),
                                                  machine_name);

      hangarctl_fail (command, message);
      return FALSE;
    }

  /* Start and resume depend on the state the machine reads in a thread. */
  session->machine = hangar_machine_new (domain);
  g_object_unref (domain);
  deadline = g_get_monotonic_time () + STATE_TIMEOUT_S * G_USEC_PER_SEC;
  while (!state_known (session->machine) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (g_main_loop_get_context (session->loop), TRUE);
  if (!state_known (session->machine))
    {
      hangarctl_fail (command, _("Timed out reading the machine’s state."));
      return FALSE;
    }
  return TRUE;
}

void
hangarctl_session_close (HangarctlSession *session)
{
  g_clear_object (&session->result);
  g_clear_object (&session->machine);
  if (session->connection != NULL)
    hangar_connection_close (session->connection);
  g_clear_object (&session->connection);
  g_clear_pointer (&session->loop, g_main_loop_unref);
}
