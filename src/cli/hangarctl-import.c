/* hangarctl-import.c
 *
 * `hangarctl import FILE`: makes a machine from an existing disk image with
 * the same import the app uses, and prints the machine's name.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-host.h"
#include "hangar-import.h"
#include "hangar-media-file.h"
#include "hangar-os-profile.h"
#include "hangar-storage-pool.h"
#include "hangar-vm-settings.h"
#include "hangarctl-commands.h"
#include "hangarctl-numbers.h"
#include "hangarctl-session.h"

typedef struct
{
  GMainLoop      *loop;
  HangarHostInfo *host;
  char           *name;
  GError         *error;
  gboolean        tty;
} ImportContext;

static void
probe_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ImportContext *ctx = user_data;
  g_autoptr(GError) error = NULL;

  /* Without the host's figures the profile's own stand, uncapped. */
  ctx->host = hangar_host_probe_finish (result, &error);
  if (ctx->host == NULL)
    g_printerr ("hangarctl import: %s\n", error->message);
  g_main_loop_quit (ctx->loop);
}

static void
resolve_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The file @path leads to, resolved in a worker thread; NULL when there is
 * none (the import then says why). */
static HangarMediaFile *
resolve_medium (const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;

  hangar_media_file_resolve_async (path, NULL, resolve_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return hangar_media_file_resolve_finish (result, NULL);
}

static void
progress (double   fraction,
          gpointer user_data)
{
  ImportContext *ctx = user_data;

  if (ctx->tty)
    g_printerr ("\r%3.0f %%", fraction * 100.0);
}

static void
import_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ImportContext *ctx = user_data;

  ctx->name = hangar_import_disk_finish (result, &ctx->error);
  if (ctx->tty)
    g_printerr ("\r");
  g_main_loop_quit (ctx->loop);
}

static int
usage_error (const char *message)
{
  g_printerr ("hangarctl import: %s\n", message);
  return 2;
}

/**
 * hangarctl_import:
 *
 * Imports a disk image (copied into Hangar's storage unless --link), defines
 * a machine for it, starts it unless --no-start, and prints its name.
 */
int
hangarctl_import (int    argc,
                  char **argv)
{
  g_autofree char *name = NULL;
  gboolean copy = FALSE;
  gboolean link = FALSE;
  gboolean no_start = FALSE;
  g_autofree char *memory_text = NULL;
  g_autofree char *cpus_text = NULL;
  guint64 memory_mib = 0, vcpus = 0;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The machine’s name"), N_("NAME") },
    { "memory", 0, 0, G_OPTION_ARG_STRING, &memory_text,
      N_("Memory: MiB, or with a unit (2G); from 64 MiB to this computer’s memory"),
      N_("SIZE") },
    { "cpus", 0, 0, G_OPTION_ARG_STRING, &cpus_text,
      N_("Virtual processors: from 1 to this computer’s"), N_("N") },
    { "copy", 0, 0, G_OPTION_ARG_NONE, &copy,
      N_("Copy the image into Hangar’s storage as qcow2 (the default)"), NULL },
    { "link", 0, 0, G_OPTION_ARG_NONE, &link,
      N_("Use a qcow2 or raw image where it is; the machine then changes it"), NULL },
    { "no-start", 0, 0, G_OPTION_ARG_NONE, &no_start, N_("Define the machine only"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) option_context = g_option_context_new (N_("FILE"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) app_settings = NULL;
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarOsProfile) profile = NULL;
  g_autoptr(HangarVmSettings) settings = NULL;
  g_autofree char *pool_dir = NULL;
  g_autofree char *path = NULL;
  ImportContext ctx = { 0 };
  HangarImportFlags flags = HANGAR_IMPORT_NONE;
  gboolean force_emulation;
  int status = 0;

  g_option_context_set_summary (option_context,
                                _("Make a machine from a disk image (qcow2, raw, VMDK, VDI, VHD "
                                  "or VHDX), start it, and print its name"));
  g_option_context_set_translation_domain (option_context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return usage_error (error->message);

  /* "--" ends the options: a file may start with a dash. */
  if (argc == 3 && g_str_equal (argv[1], "--"))
    {
      argv[1] = argv[2];
      argc = 2;
    }
  if (argc != 2)
    return usage_error (_("Give one disk image file."));
  if (copy && link)
    return usage_error (_("Choose --copy or --link, not both."));
  if (!hangarctl_parse_size_option ("import", "--memory", memory_text, HANGARCTL_MEMORY_UNIT,
                                    &memory_mib) ||
      !hangarctl_parse_count_option ("import", "--cpus", cpus_text, &vcpus))
    return 2;

  path = g_canonicalize_filename (argv[1], NULL);
  connection = hangarctl_connect ("import");
  if (connection == NULL)
    return 1;
  app_settings = hangarctl_settings_new ();
  force_emulation = app_settings != NULL &&
                    g_settings_get_boolean (app_settings, "force-software-emulation");

  ctx.loop = g_main_loop_new (NULL, FALSE);
  ctx.tty = isatty (STDERR_FILENO);
  pool_dir = hangar_storage_pool_default_path ();
  hangar_host_probe_async (pool_dir, connection, NULL, probe_done, &ctx);
  g_main_loop_run (ctx.loop);

  {
    HangarVmLimits limits;

    hangar_vm_settings_get_limits (ctx.host, &limits);
    if (!hangarctl_check_limits ("import", &limits, memory_text, memory_mib, cpus_text, vcpus,
                                 NULL, 0))
      {
        g_clear_pointer (&ctx.host, hangar_host_info_free);
        hangar_connection_close (connection);
        g_main_loop_unref (ctx.loop);
        return 1;
      }
  }

  /* An image used in place: say when others could replace or change it. */
  if (link)
    {
      g_autoptr(HangarMediaFile) file = resolve_medium (path);

      if (file != NULL && file->warning != NULL)
        g_printerr (_("hangarctl import: warning: %s\n"), file->warning);
    }

  profile = hangar_os_profile_new_generic ();
  settings = hangar_vm_settings_new_for (profile, ctx.host, force_emulation);
  g_free (settings->name);
  settings->name = g_steal_pointer (&name);
  if (memory_text != NULL)
    settings->memory_mib = memory_mib;
  if (cpus_text != NULL)
    settings->vcpus = (guint) vcpus;
  if (link)
    flags |= HANGAR_IMPORT_LINK;
  if (!no_start)
    flags |= HANGAR_IMPORT_START;
  hangar_import_disk_async (connection, path, profile, settings, flags, progress, &ctx, NULL,
                            import_done, &ctx);
  g_main_loop_run (ctx.loop);

  if (ctx.error != NULL)
    {
      g_printerr ("hangarctl import: %s\n", ctx.error->message);
      status = 1;
    }
  else
    g_print ("%s\n", ctx.name);

  g_clear_error (&ctx.error);
  g_free (ctx.name);
  g_clear_pointer (&ctx.host, hangar_host_info_free);
  hangar_connection_close (connection);
  g_main_loop_unref (ctx.loop);
  return status;
}
