/* hangarctl-machine.c
 *
 * hangarctl's commands on one machine: start (also without saving changes), shutdown, force-off, pause,
 * resume, reboot, save, delete, rename, clone and screenshot, each the
 * HangarMachine operation the app uses.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "hangarctl-commands.h"
#include "hangar-machine-action.h"
#include "hangarctl-session.h"

/* The verbs are the actions' own names (hangar_machine_action_to_nick()). */
static const struct
{
  HangarMachineAction  action;
  const char          *summary;
} simple_commands[] = {
  { HANGAR_MACHINE_ACTION_FORCE_OFF, N_("Stop a machine at once, like pulling its power cord") },
  { HANGAR_MACHINE_ACTION_PAUSE, N_("Pause a running machine") },
  { HANGAR_MACHINE_ACTION_RESUME, N_("Resume a paused machine") },
  { HANGAR_MACHINE_ACTION_REBOOT, N_("Ask a running machine to restart") },
  { HANGAR_MACHINE_ACTION_SAVE,
    N_("Save a running machine’s state to disk and stop it; start restores it") },
};

/**
 * hangarctl_machine_simple:
 *
 * `force-off`, `pause`, `resume`, `reboot`, `save`: NAME only.
 */
int
hangarctl_machine_simple (int    argc,
                          char **argv)
{
  const char *command = argv[0];
  g_autoptr(GError) error = NULL;
  HangarctlSession session = { 0 };
  int status = 0;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (simple_commands); i++)
    if (g_str_equal (command, hangar_machine_action_to_nick (simple_commands[i].action)))
      break;
  g_return_val_if_fail (i < G_N_ELEMENTS (simple_commands), 2);

  if (!hangarctl_parse_options (command, N_("NAME"), _(simple_commands[i].summary), NULL,
                                1, 1, _("Give the name of one machine."), &argc, &argv))
    return 2;

  if (!hangarctl_session_open (&session, command, argv[1]))
    status = 1;
  else
    {
      hangar_machine_run_async (session.machine, simple_commands[i].action,
                                HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT, NULL,
                                hangarctl_session_done, &session);
      if (!hangar_machine_run_finish (session.machine, hangarctl_session_wait (&session), &error))
        status = hangarctl_fail (command, error->message);
    }
  hangarctl_session_close (&session);
  return status;
}

/**
 * hangarctl_start:
 *
 * `start NAME [--throwaway]`
 */
int
hangarctl_start (int    argc,
                 char **argv)
{
  gboolean throwaway = FALSE;
  const GOptionEntry entries[] = {
    { "throwaway", 0, 0, G_OPTION_ARG_NONE, &throwaway,
      N_("Run without saving changes: what the machine writes to its disks is discarded when "
         "it stops, however it stops (a machine that is shut off, with no saved state)"),
      NULL },
    { NULL }
  };
  HangarMachineAction action;
  g_autoptr(GError) error = NULL;
  HangarctlSession session = { 0 };
  int status = 0;

  if (!hangarctl_parse_options ("start", N_("NAME"),
                                _("Start a machine; one with a saved state resumes from it"),
                                entries, 1, 1, _("Give the name of one machine."), &argc, &argv))
    return 2;
  action = throwaway ? HANGAR_MACHINE_ACTION_START_THROWAWAY : HANGAR_MACHINE_ACTION_START;

  if (!hangarctl_session_open (&session, "start", argv[1]))
    status = 1;
  else
    {
      hangar_machine_run_async (session.machine, action, HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT,
                                NULL, hangarctl_session_done, &session);
      if (!hangar_machine_run_finish (session.machine, hangarctl_session_wait (&session), &error))
        status = hangarctl_fail ("start", error->message);
    }
  hangarctl_session_close (&session);
  return status;
}

/**
 * hangarctl_shutdown:
 *
 * `shutdown NAME [--timeout S]`: the power button, then waits; exit 1 with
 * a message when the guest did not stop in time.
 */
int
hangarctl_shutdown (int    argc,
                    char **argv)
{
  int timeout_s = (int) hangar_machine_action_get_timeout (HANGAR_MACHINE_ACTION_SHUTDOWN);
  const GOptionEntry entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s,
      N_("Seconds to wait for the machine to stop (0: do not wait)"), N_("S") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  HangarctlSession session = { 0 };
  int status = 0;

  if (!hangarctl_parse_options ("shutdown", N_("NAME"),
                                _("Press a machine’s power button and wait for it to stop"),
                                entries, 1, 1, _("Give the name of one machine."),
                                &argc, &argv))
    return 2;
  if (timeout_s < 0)
    return hangarctl_usage_error ("shutdown", _("The timeout cannot be negative."));

  if (!hangarctl_session_open (&session, "shutdown", argv[1]))
    status = 1;
  else
    {
      hangar_machine_run_async (session.machine, HANGAR_MACHINE_ACTION_SHUTDOWN, timeout_s, NULL,
                                hangarctl_session_done, &session);
      if (!hangar_machine_run_finish (session.machine, hangarctl_session_wait (&session), &error))
        status = hangarctl_fail ("shutdown", error->message);
    }
  hangarctl_session_close (&session);
  return status;
}

/**
 * hangarctl_delete:
 *
 * `delete NAME [--keep-disk]`
 */
int
hangarctl_delete (int    argc,
                  char **argv)
{
  gboolean keep_disk = FALSE;
  const GOptionEntry entries[] = {
    { "keep-disk", 0, 0, G_OPTION_ARG_NONE, &keep_disk, N_("Keep the machine’s disk images"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  HangarctlSession session = { 0 };
  int status = 0;

  if (!hangarctl_parse_options ("delete", N_("NAME"),
                                _("Delete a machine (forced off if it runs) and, unless "
                                  "--keep-disk, its disks in Hangar’s storage"),
                                entries, 1, 1, _("Give the name of one machine."),
                                &argc, &argv))
    return 2;

  if (!hangarctl_session_open (&session, "delete", argv[1]))
    status = 1;
  else
    {
      hangar_machine_delete_async (session.machine, keep_disk, NULL, hangarctl_session_done,
                                   &session);
      if (!hangar_machine_delete_finish (session.machine, hangarctl_session_wait (&session), &error))
        status = hangarctl_fail ("delete", error->message);
    }
  hangarctl_session_close (&session);
  return status;
}

/**
 * hangarctl_rename:
 *
 * `rename OLD NEW`
 */
int
hangarctl_rename (int    argc,
                  char **argv)
{
  g_autoptr(GError) error = NULL;
  HangarctlSession session = { 0 };
  int status = 0;

  g_autofree char *summary = hangarctl_summary_with_names (_("Rename a machine that is shut off"));

  if (!hangarctl_parse_options ("rename", N_("OLD NEW"), summary, NULL, 2, 2,
                                _("Give the machine’s name and its new name."),
                                &argc, &argv))
    return 2;

  if (!hangarctl_session_open (&session, "rename", argv[1]))
    status = 1;
  else
    {
      hangar_machine_rename_async (session.machine, argv[2], NULL, hangarctl_session_done,
                                   &session);
      if (!hangar_machine_rename_finish (session.machine, hangarctl_session_wait (&session), &error))
        status = hangarctl_fail ("rename", error->message);
    }
  hangarctl_session_close (&session);
  return status;
}

/* On a terminal, how far the copy is; scripts reading stdout get the name only. */
static void
print_clone_progress (double   fraction,
                      gpointer user_data)
{
  /* Translators: a clone's progress on the terminal; %d is a percentage */
  g_printerr ("\r");
  g_printerr (_("Copying the disks: %d %%"), (int) (fraction * 100));
  if (fraction >= 1.0)
    g_printerr ("\n");
}

/**
 * hangarctl_clone:
 *
 * `clone NAME [--name N]`: prints the clone's name.
 */
int
hangarctl_clone (int    argc,
                 char **argv)
{
  g_autofree char *name = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("The clone’s name, used exactly (refused when taken); by default the original’s, "
         "numbered"),
      N_("NAME") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *clone = NULL;
  HangarctlSession session = { 0 };
  GCancellable *cancellable;
  int status = 0;

  g_autofree char *summary =
    hangarctl_summary_with_names (_("Copy a machine that is shut off, with full copies of its "
                                    "disks; print the copy’s name"));

  if (!hangarctl_parse_options ("clone", N_("NAME"), summary, entries, 1, 1,
                                _("Give the name of one machine."),
                                &argc, &argv))
    return 2;

  cancellable = hangarctl_cancel_on_signals ();
  if (!hangarctl_session_open (&session, "clone", argv[1]))
    status = 1;
  else
    {
      hangarctl_cancel_on_lost (session.connection);
      hangar_machine_clone_async (session.machine, name,
                                  isatty (STDERR_FILENO) ? print_clone_progress : NULL, NULL,
                                  cancellable, hangarctl_session_done, &session);
      clone = hangar_machine_clone_finish (session.machine, hangarctl_session_wait (&session),
                                           &error);
      hangarctl_lost_error (&error);
      if (clone == NULL)
        status = hangarctl_fail ("clone", error->message);
      else
        g_print ("%s\n", clone);
    }
  hangarctl_session_close (&session);
  status = hangarctl_signal_status (status);
  hangarctl_signals_clear ();
  return status;
}

/* QEMU 7.2 gives PNG; older ones PPM, which gdk-pixbuf reads. */
static gboolean
write_png (GBytes      *image,
           const char  *mime_type,
           const char  *path,
           GError     **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  GdkPixbuf *pixbuf;

  if (g_strcmp0 (mime_type, "image/png") == 0)
    return g_file_set_contents (path, g_bytes_get_data (image, NULL),
                                (gssize) g_bytes_get_size (image), error);

  loader = gdk_pixbuf_loader_new ();
  if (!gdk_pixbuf_loader_write_bytes (loader, image, error) ||
      !gdk_pixbuf_loader_close (loader, error))
    return FALSE;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The screenshot (%s) is not an image."), mime_type);
      return FALSE;
    }
  return gdk_pixbuf_save (pixbuf, path, "png", error, NULL);
}

/**
 * hangarctl_screenshot:
 *
 * `screenshot NAME OUT.png`
 */
int
hangarctl_screenshot (int    argc,
                      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autofree char *mime_type = NULL;
  HangarctlSession session = { 0 };
  int status = 0;

  if (!hangarctl_parse_options ("screenshot", N_("NAME OUT.png"),
                                _("Save a running machine’s screen as a PNG image"),
                                NULL, 2, 2, _("Give the machine’s name and the image file."),
                                &argc, &argv))
    return 2;

  if (!hangarctl_session_open (&session, "screenshot", argv[1]))
    status = 1;
  else
    {
      hangar_machine_screenshot_async (session.machine, 0, NULL, hangarctl_session_done, &session);
      image = hangar_machine_screenshot_finish (session.machine, hangarctl_session_wait (&session),
                                                &mime_type, &error);
      if (image == NULL || !write_png (image, mime_type, argv[2], &error))
        status = hangarctl_fail ("screenshot", error->message);
    }
  hangarctl_session_close (&session);
  return status;
}
