/* hangarctl-create.c
 *
 * `hangarctl create PATH.iso`: makes a machine from a medium, or boots it to
 * try, with the same creator the app uses, and prints the machine's name.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-host.h"
#include "hangar-media.h"
#include "hangar-os-db.h"
#include "hangar-vm-settings.h"
#include "hangar-storage-pool.h"
#include "hangar-vm-creator.h"
#include "hangar-machine-name.h"
#include "hangarctl-commands.h"
#include "hangarctl-numbers.h"
#include "hangarctl-session.h"

typedef struct
{
  char    *name;
  char    *memory;        /* as given; NULL: the default */
  char    *cpus;
  char    *disk;
  guint64  memory_mib;
  guint64  vcpus;
  guint64  disk_gib;      /* 0: no disk, when --disk was given */
  gboolean try_it;
  gboolean no_start;
} CreateOptions;

static void
create_options_clear (CreateOptions *options)
{
  g_clear_pointer (&options->name, g_free);
  g_clear_pointer (&options->memory, g_free);
  g_clear_pointer (&options->cpus, g_free);
  g_clear_pointer (&options->disk, g_free);
}

typedef struct
{
  GMainLoop      *loop;
  guint           pending;
  HangarMedia    *media;
  HangarHostInfo *host;
  GVirDomain     *domain;
  GError         *error;
} CreateContext;

/* The defaults for the identified OS on this host (hangar_vm_settings_new_for()
 * and the default name, as the assistant shows them), overridden by the options. */
static HangarVmSettings *
settings_for (HangarMedia          *media,
              const HangarHostInfo *host,
              gboolean              force_emulation,
              const CreateOptions  *options,
              const char           *iso_path)
{
  const HangarOsProfile *profile = hangar_media_get_profile (media);
  HangarVmSettings *settings = hangar_vm_settings_new_for (profile, host, force_emulation);

  g_free (settings->name);
  if (options->name != NULL)
    settings->name = g_strdup (options->name);
  else
    settings->name = hangar_vm_settings_default_name (profile,
                                                      hangar_media_get_guessed_name (media),
                                                      iso_path);
  settings->name_given = options->name != NULL;
  if (options->memory != NULL)
    settings->memory_mib = options->memory_mib;
  if (options->cpus != NULL)
    settings->vcpus = (guint) options->vcpus;
  if (options->try_it)
    settings->disk_gib = 0;
  else if (options->disk != NULL)
    settings->disk_gib = options->disk_gib;
  /* The very file identified (symlinks resolved), and what makes it that
   * file, checked before each start. */
  settings->iso_path = g_strdup (hangar_media_get_path (media));
  settings->iso_identity = g_strdup (hangar_media_get_identity (media));
  return settings;
}

static void
identify_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  CreateContext *ctx = user_data;

  ctx->media = hangar_os_db_identify_finish (HANGAR_OS_DB (object), result, &ctx->error);
  if (--ctx->pending == 0)
    g_main_loop_quit (ctx->loop);
}

static void
probe_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  CreateContext *ctx = user_data;
  g_autoptr(GError) error = NULL;

  /* Without the host's figures the profile's own stand, uncapped. */
  ctx->host = hangar_host_probe_finish (result, &error);
  if (ctx->host == NULL)
    g_printerr ("hangarctl create: %s\n", error->message);
  if (--ctx->pending == 0)
    g_main_loop_quit (ctx->loop);
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CreateContext *ctx = user_data;

  ctx->domain = hangar_vm_creator_create_finish (HANGAR_VM_CREATOR (object), result, &ctx->error);
  g_main_loop_quit (ctx->loop);
}

/* Identifying the medium cannot be interrupted; nothing is made yet, so a
 * signal or a lost connection ends the wait at once. */
static void
stop_waiting (GCancellable *cancellable,
              gpointer      user_data)
{
  CreateContext *ctx = user_data;

  g_main_loop_quit (ctx->loop);
}

static int
fail (const char *message)
{
  g_printerr ("hangarctl create: %s\n", message);
  return 1;
}

/**
 * hangarctl_create:
 *
 * Creates and starts a machine and prints its name. The installation
 * medium is ejected after the guest's first shutdown only by a running
 * Hangar (its #HangarInstallTracker): hangarctl exits once the machine
 * runs.
 */
int
hangarctl_create (int    argc,
                  char **argv)
{
  CreateOptions options = { 0 };
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &options.name, N_("The machine’s name"), N_("NAME") },
    { "memory", 0, 0, G_OPTION_ARG_STRING, &options.memory,
      N_("Memory: MiB, or with a unit (2G); from 64 MiB to this computer’s memory"), N_("SIZE") },
    { "cpus", 0, 0, G_OPTION_ARG_STRING, &options.cpus,
      N_("Virtual processors: from 1 to this computer’s"), N_("N") },
    { "disk", 0, 0, G_OPTION_ARG_STRING, &options.disk,
      N_("Disk size: GiB, or with a unit (20G); at most the free space; 0: no disk"),
      N_("SIZE") },
    { "try", 0, 0, G_OPTION_ARG_NONE, &options.try_it,
      N_("Boot the medium without a disk; nothing is kept when it stops"), NULL },
    { "no-start", 0, 0, G_OPTION_ARG_NONE, &options.no_start, N_("Define the machine only"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) app_settings = NULL;
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarVmCreator) creator = NULL;
  g_autoptr(HangarVmSettings) settings = NULL;
  g_autofree char *iso_path = NULL;
  g_autofree char *pool_dir = NULL;
  CreateContext ctx = { 0 };
  GCancellable *cancellable;
  gulong handler;
  gboolean force_emulation;
  int status = 0;

  g_autofree char *summary =
    hangarctl_summary_with_names (_("Create a machine from an installation or live medium, start "
                                    "it, and print its name"));

  if (!hangarctl_parse_options ("create", N_("PATH.iso"), summary, entries, 1, 1,
                                _("Give one medium, such as an ISO file."), &argc, &argv))
    {
      create_options_clear (&options);
      return 2;
    }
  if (!hangarctl_parse_size_option ("create", "--memory", options.memory, HANGARCTL_MEMORY_UNIT,
                                    &options.memory_mib) ||
      !hangarctl_parse_count_option ("create", "--cpus", options.cpus, &options.vcpus) ||
      !hangarctl_parse_size_option ("create", "--disk", options.disk, HANGARCTL_DISK_UNIT,
                                    &options.disk_gib))
    {
      create_options_clear (&options);
      return 2;
    }
  if (options.try_it && (options.disk_gib > 0 || options.no_start))
    {
      g_printerr ("hangarctl create: %s\n",
                  _("--try boots the medium without a disk, and always starts the machine."));
      create_options_clear (&options);
      return 2;
    }

  /* Before the medium is read: a name the rule refuses fails at once, as
   * the creator would refuse it (a taken one is the creator's to refuse). */
  if (options.name != NULL && !hangar_machine_name_check (options.name, &error))
    {
      create_options_clear (&options);
      return hangarctl_fail ("create", error->message);
    }

  iso_path = g_canonicalize_filename (argv[1], NULL);
  cancellable = hangarctl_cancel_on_signals ();
  connection = hangarctl_connect ("create");
  if (connection == NULL)
    {
      create_options_clear (&options);
      hangarctl_signals_clear ();
      return 1;
    }
  app_settings = hangarctl_settings_new ();
  force_emulation = app_settings != NULL &&
                    g_settings_get_boolean (app_settings, "force-software-emulation");

  /* What the medium is, and what this host offers (KVM as libvirt sees it). */
  ctx.loop = g_main_loop_new (NULL, FALSE);
  pool_dir = hangar_storage_pool_default_path ();
  ctx.pending = 2;
  hangarctl_cancel_on_lost (connection);
  hangar_os_db_identify_async (hangar_os_db_get_default (), iso_path, NULL, identify_done, &ctx);
  hangar_host_probe_async (pool_dir, connection, NULL, probe_done, &ctx);
  handler = g_cancellable_connect (cancellable, G_CALLBACK (stop_waiting), &ctx, NULL);
  if (!g_cancellable_is_cancelled (cancellable))
    g_main_loop_run (ctx.loop);
  g_cancellable_disconnect (cancellable, handler);
  /* Still running, they are left to finish as hangarctl exits: no main
   * loop runs their callbacks any more. */
  if (ctx.pending > 0 && ctx.error == NULL)
    g_cancellable_set_error_if_cancelled (cancellable, &ctx.error);

  if (ctx.error == NULL && !hangar_media_get_arch_ok (ctx.media))
    ctx.error = g_error_new_literal (HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_NOT_BOOTABLE,
                                     hangar_media_get_arch_message (ctx.media));

  /* What was given, against what this host can run: refused before
   * anything is made. Not given is the default, already within them. */
  if (ctx.error == NULL)
    g_cancellable_set_error_if_cancelled (cancellable, &ctx.error);
  if (ctx.error == NULL)
    {
      HangarVmLimits limits;

      hangar_vm_settings_get_limits (ctx.host, &limits);
      if (!hangarctl_check_limits ("create", &limits, options.memory, options.memory_mib,
                                   options.cpus, options.vcpus, options.disk, options.disk_gib))
        status = 1;
    }

  if (ctx.error == NULL && status == 0)
    {
      const HangarOsProfile *profile = hangar_media_get_profile (ctx.media);

      if (hangar_media_get_warning (ctx.media) != NULL)
        g_printerr (_("hangarctl create: warning: %s\n"), hangar_media_get_warning (ctx.media));
      settings = settings_for (ctx.media, ctx.host, force_emulation, &options, iso_path);
      creator = hangar_vm_creator_new (connection, profile, settings);
      hangar_vm_creator_set_transient (creator, options.try_it);
      hangar_vm_creator_create_async (creator, !options.no_start, cancellable, create_done,
                                      &ctx);
      g_main_loop_run (ctx.loop);
    }
  create_options_clear (&options);

  hangarctl_lost_error (&ctx.error);
  if (ctx.error != NULL)
    status = fail (ctx.error->message);
  else if (status == 0)
    g_print ("%s\n", hangar_vm_creator_get_name (creator));

  g_clear_error (&ctx.error);
  g_clear_object (&ctx.domain);
  g_clear_object (&ctx.media);
  g_clear_pointer (&ctx.host, hangar_host_info_free);
  g_clear_object (&creator);
  hangar_connection_close (connection);
  g_main_loop_unref (ctx.loop);
  status = hangarctl_signal_status (status);
  hangarctl_signals_clear ();
  return status;
}
