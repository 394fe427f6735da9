/* hangarctl-session.c
 *
 * The connection and the machine a hangarctl machine command acts on.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <signal.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "hangar-libvirt.h"
#include "hangar-pending.h"
#include "hangarctl-session.h"

/* How long a machine may take to read its state. */
#define STATE_TIMEOUT_S 10

/* Prints "hangarctl COMMAND: MESSAGE", or "hangarctl: MESSAGE" without a
 * command, and returns the exit status of a failure. */
int
hangarctl_fail (const char *command,
                const char *message)
{
  if (command != NULL)
    g_printerr ("hangarctl %s: %s\n", command, message);
  else
    g_printerr ("hangarctl: %s\n", message);
  return 1;
}

/* A command's summary followed by the rule for the names it takes
 * (hangar_name_check()), for --help. */
char *
hangarctl_summary_with_names (const char *summary)
{
  return g_strdup_printf ("%s\n\n%s", summary,
                          _("Names are used exactly as given, or refused with the reason; a "
                            "machine name another machine has is refused, never numbered. A "
                            "name may hold any letters, digits, punctuation, symbols and spaces "
                            "between words, up to 247 bytes (libvirt’s limit). It may not be "
                            "“.” or “..”, hold “/”, start or end with a space (a snapshot’s "
                            "name may not start with “.”), or hold invisible characters: "
                            "controls such as tabs and line breaks, text direction marks "
                            "(U+202E, U+2066–U+2069), zero-width characters, line and "
                            "paragraph separators, unassigned and private-use code points. "
                            "libvirt cuts a machine’s name after 20 bytes for its folders: that "
                            "cut may not fall inside a character. Snapshot titles follow the same "
                            "rule but may hold “/”."));
}

int
hangarctl_usage_error (const char *command,
                       const char *message)
{
  g_printerr ("hangarctl %s: %s\n", command, message);
  return 2;
}

/* GOption stops at "--" but leaves it in argv when an argument after it
 * begins with a dash, where it would count as a machine's name or a file.
 * The first "--" left is always that end of the options: a "--" given as a
 * value comes after it. */
static void
strip_end_of_options (int    *argc,
                      char ***argv)
{
  for (int i = 1; i < *argc; i++)
    if (g_str_equal ((*argv)[i], "--"))
      {
        memmove (&(*argv)[i], &(*argv)[i + 1], (*argc - i) * sizeof (char *));
        (*argc)--;
        return;
      }
}

/* Parses the options and counts the arguments left, for every command: on
 * an error prints it and returns FALSE (exit 2). After "--" every argument
 * is a name or a file, even one that begins with a dash: `hangarctl start --
 * -rf`. Between @min_args and @max_args arguments must remain; otherwise
 * @wrong_count says what to give (and the first extra one is named). */
gboolean
hangarctl_parse_options (const char          *command,
                         const char          *parameters,
                         const char          *summary,
                         const GOptionEntry  *entries,
                         int                  min_args,
                         int                  max_args,
                         const char          *wrong_count,
                         int                 *argc,
                         char              ***argv)
{
  int n_args;

  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, _("Put -- before a name or file that begins with a "
                                               "dash: everything after it is one."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      hangarctl_usage_error (command, error->message);
      return FALSE;
    }
  strip_end_of_options (argc, argv);

  n_args = *argc - 1;
  if (n_args > max_args)
    {
      /* Translators: the first %s is an argument, the second what to give instead */
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”. %s"),
                                                  (*argv)[max_args + 1], wrong_count);

      hangarctl_usage_error (command, message);
      return FALSE;
    }
  if (n_args < min_args)
    {
      hangarctl_usage_error (command, wrong_count);
      return FALSE;
    }
  return TRUE;
}

/* The app's settings, or NULL: hangarctl also works where the app's schema
 * is not installed. */
GSettings *
hangarctl_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL ||
      (schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE)) == NULL)
    return NULL;
  return g_settings_new (APPLICATION_ID);
}

typedef struct
{
  gboolean  done;
  GError   *error;
  GStrv     cleaned;
} ConnectWait;

static void
clean_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ConnectWait *wait = user_data;

  wait->cleaned = hangar_pending_clean_finish (result, &wait->error);
  wait->done = TRUE;
}

static void
connect_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConnectWait *wait = user_data;

  hangar_connection_open_finish (HANGAR_CONNECTION (object), result, &wait->error);
  wait->done = TRUE;
}

/* Opens the connection the app opens (HANGAR_URI, then the settings, then
 * the session) with its machines listed. Prints what went wrong, as
 * "hangarctl COMMAND: …" or, without a command, "hangarctl: …", and returns
 * NULL. */
HangarConnection *
hangarctl_connect (const char *command)
{
  g_autoptr(GSettings) settings = hangarctl_settings_new ();
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  ConnectWait wait = { FALSE, NULL, NULL };

  if (!hangar_libvirt_init (&error))
    {
      hangarctl_fail (command, error->message);
      return NULL;
    }

  uri = hangar_connection_configured_uri (settings);
  connection = hangar_connection_new (uri);
  hangar_connection_open_async (connection, NULL, connect_done, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  if (wait.error != NULL)
    {
      hangarctl_fail (command, wait.error->message);
      g_error_free (wait.error);
      return NULL;
    }

  /* What an interrupted Hangar or hangarctl left half-made goes first. */
  wait.done = FALSE;
  hangar_pending_clean_async (connection, NULL, clean_done, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  if (wait.error != NULL)
    {
      hangarctl_fail (command, wait.error->message);
      g_clear_error (&wait.error);
    }
  for (guint i = 0; wait.cleaned != NULL && wait.cleaned[i] != NULL; i++)
    hangarctl_fail (NULL, wait.cleaned[i]);
  g_strfreev (wait.cleaned);
  return g_steal_pointer (&connection);
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

/* Opens the connection (hangarctl_connect()) and finds the machine. Prints
 * what went wrong and returns FALSE. */
gboolean
hangarctl_session_open (HangarctlSession *session,
                        const char       *command,
                        const char       *machine_name)
{
  GVirDomain *domain;
  gint64 deadline;

  session->command = command;
  session->loop = g_main_loop_new (NULL, FALSE);
  session->connection = hangarctl_connect (command);
  if (session->connection == NULL)
    return FALSE;

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

/* SIGINT and SIGTERM while an operation runs: the operation's cancellable is
 * cancelled, exactly as the app's Stop does, so that its rollback runs; the
 * command then exits with 128 + the signal's number. */
static GCancellable *signal_cancellable;
static int           signal_received;
static guint         signal_sources[2];

static gboolean
on_signal (gpointer user_data)
{
  int signum = GPOINTER_TO_INT (user_data);

  if (signal_received == 0)
    {
      signal_received = signum;
      /* Translators: hangarctl was interrupted; what it made is being removed */
      g_printerr ("%s\n", _("Interrupted: undoing what was done…"));
    }
  if (signal_cancellable != NULL)
    g_cancellable_cancel (signal_cancellable);
  return G_SOURCE_CONTINUE;
}

/**
 * hangarctl_cancel_on_signals:
 *
 * From now on, SIGINT and SIGTERM cancel the returned cancellable instead of
 * killing hangarctl; a second signal changes nothing, the rollback goes on.
 *
 * Returns: (transfer none): the cancellable to give the operation
 */
GCancellable *
hangarctl_cancel_on_signals (void)
{
  if (signal_cancellable == NULL)
    {
      signal_cancellable = g_cancellable_new ();
      signal_sources[0] = g_unix_signal_add (SIGINT, on_signal, GINT_TO_POINTER (SIGINT));
      signal_sources[1] = g_unix_signal_add (SIGTERM, on_signal, GINT_TO_POINTER (SIGTERM));
    }
  return signal_cancellable;
}

/**
 * hangarctl_signal_status:
 * @status: the command's exit status so far
 *
 * Returns: 130 after SIGINT, 143 after SIGTERM, else @status
 */
int
hangarctl_signal_status (int status)
{
  return signal_received != 0 ? 128 + signal_received : status;
}

void
hangarctl_signals_clear (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (signal_sources); i++)
    g_clear_handle_id (&signal_sources[i], g_source_remove);
  g_clear_object (&signal_cancellable);
}

static gboolean connection_lost;

static void
on_connection_state (HangarConnection *connection,
                     GParamSpec       *pspec,
                     gpointer          user_data)
{
  if (hangar_connection_get_state (connection) != HANGAR_CONNECTION_FAILED || connection_lost)
    return;
  connection_lost = TRUE;
  if (signal_cancellable != NULL)
    g_cancellable_cancel (signal_cancellable);
}

/**
 * hangarctl_cancel_on_lost:
 * @connection: the open connection
 *
 * From now on, losing @connection cancels what hangarctl_cancel_on_signals()
 * returned: what waits on libvirt stops at once, and what was made is undone
 * (on a new connection where the daemon comes back).
 */
void
hangarctl_cancel_on_lost (HangarConnection *connection)
{
  g_signal_connect (connection, "notify::state", G_CALLBACK (on_connection_state), NULL);
}

/**
 * hangarctl_lost_error:
 * @error: (inout): an operation's error
 *
 * A cancellation that the lost connection caused says so.
 */
void
hangarctl_lost_error (GError **error)
{
  if (!connection_lost || signal_received != 0 || error == NULL || *error == NULL ||
      !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (strstr ((*error)->message, "(") != NULL)
    {
      /* The rollback's own account of what it could not undo stays. */
      g_autofree char *message = (*error)->message;

      (*error)->message = g_strdup_printf (_("The connection to libvirt was lost: %s"),
                                           message);
      return;
    }
  g_clear_error (error);
  g_set_error_literal (error, HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_LOST,
                       _("The connection to libvirt was lost."));
}
