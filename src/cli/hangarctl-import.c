/* hangarctl-import.c
 *
 * `hangarctl import FILE`: makes a machine from an existing disk image or an
 * OVA/OVF appliance with the same import the app uses: prints the review
 * (what will be made, what cannot be kept) on stderr, then the machine's
 * name.
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
#include "hangar-machine-name.h"
#include "hangar-media-file.h"
#include "hangar-os-db.h"
#include "hangar-os-profile.h"
#include "hangar-storage-pool.h"
#include "hangar-vm-settings.h"
#include "hangarctl-commands.h"
#include "hangarctl-numbers.h"
#include "hangarctl-session.h"

typedef struct
{
  GMainLoop          *loop;
  HangarHostInfo     *host;
  HangarImportReview *review;
  char               *name;
  GError             *error;
  gboolean            tty;
} ImportContext;

static void
review_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ImportContext *ctx = user_data;

  ctx->review = hangar_import_review_finish (result, &ctx->error);
  g_main_loop_quit (ctx->loop);
}

static void
db_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ImportContext *ctx = user_data;

  hangar_os_db_load_finish (HANGAR_OS_DB (object), result, &ctx->error);
  g_main_loop_quit (ctx->loop);
}

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

  ctx->name = hangar_import_finish (result, &ctx->error);
  if (ctx->tty)
    g_printerr ("\r");
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

static int
usage_error (const char *message)
{
  g_printerr ("hangarctl import: %s\n", message);
  return 2;
}

/**
 * hangarctl_import:
 *
 * Imports a disk image (copied into Hangar's storage unless --link) or an
 * appliance (all its disks copied), defines a machine for it, starts it
 * unless --no-start, and prints its name. The review goes to stderr first;
 * --dry-run stops after it.
 */
int
hangarctl_import (int    argc,
                  char **argv)
{
  g_autofree char *name = NULL;
  gboolean copy = FALSE;
  gboolean link = FALSE;
  gboolean no_start = FALSE;
  gboolean dry_run = FALSE;
  g_autofree char *os_id = NULL;
  const char *guessed_os = NULL;
  g_autofree char *memory_text = NULL;
  g_autofree char *cpus_text = NULL;
  guint64 memory_mib = 0, cpus = 0;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The machine’s name"), N_("NAME") },
    { "copy", 0, 0, G_OPTION_ARG_NONE, &copy,
      N_("Copy the image into Hangar’s storage as qcow2 (the default)"), NULL },
    { "link", 0, 0, G_OPTION_ARG_NONE, &link,
      N_("Use a qcow2 or raw image where it is; the machine then changes it"), NULL },
    { "no-start", 0, 0, G_OPTION_ARG_NONE, &no_start, N_("Define the machine only"), NULL },
    { "memory", 0, 0, G_OPTION_ARG_STRING, &memory_text,
      N_("Memory instead of the appliance’s or the default: MiB, or with a unit (2G); from "
         "64 MiB to this computer’s memory"), N_("SIZE") },
    { "cpus", 0, 0, G_OPTION_ARG_STRING, &cpus_text,
      N_("Virtual processors instead of the appliance’s or the default: from 1 to this "
         "computer’s"), N_("N") },
    { "os", 0, 0, G_OPTION_ARG_STRING, &os_id,
      N_("The guest’s operating system as an osinfo id (e.g. debian11), when it is not "
         "recognised"), N_("OSINFO_ID") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Only print what would be made, what cannot be kept and who signed it"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) app_settings = NULL;
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarOsProfile) profile = NULL;
  g_autoptr(HangarVmSettings) settings = NULL;
  g_autofree char *pool_dir = NULL;
  g_autofree char *path = NULL;
  ImportContext ctx = { 0 };
  GCancellable *cancellable;
  HangarImportFlags flags = HANGAR_IMPORT_NONE;
  gboolean force_emulation;
  int status = 0;

  g_autofree char *summary =
    hangarctl_summary_with_names (_("Make a machine from a disk image (qcow2, raw, VMDK, VDI, VHD "
                                    "or VHDX) or an OVA/OVF appliance (all its disks, memory, "
                                    "processors, firmware and network adapters), start it, and "
                                    "print its name. What will be made and what cannot be kept "
                                    "is printed first, on standard error, with who signed an "
                                    "appliance (its signature checked; one that does not match "
                                    "is refused)."));

  if (!hangarctl_parse_options ("import", N_("FILE"), summary, entries, 1, 1,
                                _("Give one disk image or appliance file."), &argc, &argv))
    return 2;
  if (copy && link)
    return usage_error (_("Choose --copy or --link, not both."));
  if (!hangarctl_parse_size_option ("import", "--memory", memory_text, HANGARCTL_MEMORY_UNIT,
                                    &memory_mib) ||
      !hangarctl_parse_count_option ("import", "--cpus", cpus_text, &cpus))
    return 2;
  /* Before the image is read: a name the rule refuses fails at once. */
  if (name != NULL && !hangar_machine_name_check (name, &error))
    return hangarctl_fail ("import", error->message);

  path = g_canonicalize_filename (argv[1], NULL);
  cancellable = hangarctl_cancel_on_signals ();
  connection = hangarctl_connect ("import");
  if (connection == NULL)
    {
      hangarctl_signals_clear ();
      return 1;
    }
  app_settings = hangarctl_settings_new ();
  force_emulation = app_settings != NULL &&
                    g_settings_get_boolean (app_settings, "force-software-emulation");

  ctx.loop = g_main_loop_new (NULL, FALSE);
  ctx.tty = isatty (STDERR_FILENO);
  pool_dir = hangar_storage_pool_default_path ();
  hangar_host_probe_async (pool_dir, connection, NULL, probe_done, &ctx);
  g_main_loop_run (ctx.loop);

  /* What was given, against what this host can run: refused before the
   * image is read. Not given is the appliance's or the default. */
  {
    HangarVmLimits limits;

    hangar_vm_settings_get_limits (ctx.host, &limits);
    if (!hangarctl_check_limits ("import", &limits, memory_text, memory_mib, cpus_text, cpus,
                                 NULL, 0))
      {
        status = 1;
        goto done;
      }
  }

  /* An image used in place: say when others could replace or change it. */
  if (link)
    {
      g_autoptr(HangarMediaFile) file = resolve_medium (path);

      if (file != NULL && file->warning != NULL)
        g_printerr (_("hangarctl import: warning: %s\n"), file->warning);
    }

  hangar_import_review_async (path, NULL, review_done, &ctx);
  g_main_loop_run (ctx.loop);
  if (ctx.review == NULL)
    goto done;

  guessed_os = os_id == NULL && ctx.review->appliance != NULL ? ctx.review->appliance->os_id
                                                                : NULL;
  if (os_id != NULL || guessed_os != NULL)
    {
      HangarOsDb *db = hangar_os_db_get_default ();
      const char *wanted = os_id != NULL ? os_id : guessed_os;

      hangar_os_db_load_async (db, NULL, db_done, &ctx);
      g_main_loop_run (ctx.loop);
      if (ctx.error != NULL)
        goto done;
      profile = hangar_os_db_profile_for_id (db, wanted);
      if (profile == NULL && os_id != NULL)
        {
          g_set_error (&ctx.error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_UNSUPPORTED,
                       _("“%s” is not an operating system osinfo knows. “osinfo-query os” "
                         "lists them."), os_id);
          goto done;
        }
      if (profile == NULL)
        g_printerr (_("The appliance’s operating system (%s) is not known on this computer: "
                      "the machine gets generic devices. Choose one with --os.\n"), wanted);
    }
  if (profile == NULL)
    profile = hangar_os_profile_new_generic ();

  settings = hangar_import_review_settings (ctx.review, profile, ctx.host, force_emulation,
                                            memory_mib, (guint) cpus, &ctx.error);
  if (settings == NULL)
    goto done;
  if (name != NULL)
    {
      g_free (settings->name);
      settings->name = g_steal_pointer (&name);
      settings->name_given = TRUE;
    }
  else if (ctx.review->appliance == NULL)
    g_clear_pointer (&settings->name, g_free);

  {
    g_autoptr(GPtrArray) lines = hangar_import_review_describe (ctx.review, settings);

    for (guint i = 0; i < lines->len; i++)
      g_printerr ("%s\n", (const char *) g_ptr_array_index (lines, i));
    if (ctx.review->appliance != NULL && ctx.review->appliance->notes->len > 0)
      {
        g_printerr ("%s\n", _("Not kept:"));
        for (guint i = 0; i < ctx.review->appliance->notes->len; i++)
          g_printerr ("  %s\n", (const char *) g_ptr_array_index (ctx.review->appliance->notes,
                                                                    i));
      }
  }
  if (dry_run)
    goto done;

  if (link)
    flags |= HANGAR_IMPORT_LINK;
  if (!no_start)
    flags |= HANGAR_IMPORT_START;
  hangarctl_cancel_on_lost (connection);
  if (!g_cancellable_set_error_if_cancelled (cancellable, &ctx.error))
    {
      hangar_import_async (connection, ctx.review, profile, settings, flags, progress, &ctx,
                           cancellable, import_done, &ctx);
      g_main_loop_run (ctx.loop);
    }

done:
  hangarctl_lost_error (&ctx.error);
  if (ctx.error != NULL)
    {
      g_printerr ("hangarctl import: %s\n", ctx.error->message);
      status = 1;
    }
  else if (ctx.name != NULL)
    g_print ("%s\n", ctx.name);

  g_clear_error (&ctx.error);
  g_clear_pointer (&ctx.review, hangar_import_review_free);
  g_free (ctx.name);
  g_clear_pointer (&ctx.host, hangar_host_info_free);
  hangar_connection_close (connection);
  g_main_loop_unref (ctx.loop);
  status = hangarctl_signal_status (status);
  hangarctl_signals_clear ();
  return status;
}
