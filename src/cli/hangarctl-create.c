/* hangarctl-create.c
 *
 * `hangarctl create PATH.iso`: makes a machine from a medium, or boots it to
 * try, with the same creator the app uses, and prints the machine's name.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hangar-connection.h"
#include "hangar-os-profile.h"
#include "hangar-vm-creator.h"
#include "hangarctl-commands.h"

typedef struct
{
  char    *name;
  gint64   memory_mib;
  int      cpus;
  gint64   disk_gib;      /* -1: the profile's */
  gboolean try_it;
  gboolean no_start;
} CreateOptions;

typedef struct
{
  GMainLoop  *loop;
  GVirDomain *domain;
  GError     *error;
} CreateContext;

static char *
settings_uri (gboolean *force_emulation)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  *force_emulation = FALSE;
  /* hangarctl also works where the app's schema is not installed. */
  if (source == NULL || (schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE)) == NULL)
    return NULL;

  settings = g_settings_new (APPLICATION_ID);
  *force_emulation = g_settings_get_boolean (settings, "force-software-emulation");
  return g_settings_get_string (settings, "connection-uri");
}

/* KVM only where this user can open it and nobody asked for emulation. */
static HangarDomainType
pick_domain_type (gboolean force_emulation)
{
  if (force_emulation || g_strcmp0 (g_getenv ("HANGAR_FORCE_EMULATION"), "1") == 0)
    return HANGAR_DOMAIN_TYPE_QEMU;
  if (g_access ("/dev/kvm", R_OK | W_OK) == 0)
    return HANGAR_DOMAIN_TYPE_KVM;
  return HANGAR_DOMAIN_TYPE_QEMU;
}

/* What the medium is. Without identification, the generic profile: the
 * settings below come from whatever profile this returns. */
static HangarOsProfile *
profile_for_medium (const char  *iso_path,
                    GError     **error)
{
  return hangar_os_profile_new_generic ();
}

/* The profile's defaults, overridden by the options. */
static HangarVmSettings *
settings_for (const HangarOsProfile *profile,
              const CreateOptions   *options,
              const char            *iso_path,
              HangarDomainType       domain_type)
{
  HangarVmSettings *settings = hangar_vm_settings_new ();

  settings->name = g_strdup (options->name);
  settings->memory_mib = options->memory_mib > 0 ? (guint64) options->memory_mib
                         : profile->ram_mib > 0 ? profile->ram_mib : 2048;
  settings->vcpus = options->cpus > 0 ? (guint) options->cpus
                    : profile->vcpus > 0 ? profile->vcpus : 2;
  if (options->try_it)
    settings->disk_gib = 0;
  else if (options->disk_gib >= 0)
    settings->disk_gib = (guint64) options->disk_gib;
  else
    settings->disk_gib = profile->disk_gib > 0 ? profile->disk_gib : 20;
  if (profile->wants_secure_boot)
    settings->firmware = HANGAR_FIRMWARE_UEFI_SECURE_BOOT;
  else if (profile->needs_uefi)
    settings->firmware = HANGAR_FIRMWARE_UEFI;
  else
    settings->firmware = HANGAR_FIRMWARE_BIOS;
  settings->domain_type = domain_type;
  settings->iso_path = g_strdup (iso_path);
  if (profile->arch != NULL)
    {
      g_free (settings->arch);
      settings->arch = g_strdup (profile->arch);
    }
  settings->tpm = profile->needs_tpm;
  return settings;
}

static void
open_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  CreateContext *ctx = user_data;

  hangar_connection_open_finish (HANGAR_CONNECTION (object), result, &ctx->error);
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

static gboolean
check_medium (const char  *path,
              GError     **error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "%s: %s",
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode) && !S_ISBLK (st.st_mode))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("%s: not a disc image"), path);
      return FALSE;
    }
  return TRUE;
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
  CreateOptions options = { NULL, 0, 0, -1, FALSE, FALSE };
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &options.name, N_("The machine’s name"), N_("NAME") },
    { "memory", 0, 0, G_OPTION_ARG_INT64, &options.memory_mib, N_("Memory in MiB"), N_("MIB") },
    { "cpus", 0, 0, G_OPTION_ARG_INT, &options.cpus, N_("Virtual processors"), N_("N") },
    { "disk", 0, 0, G_OPTION_ARG_INT64, &options.disk_gib, N_("Disk size in GiB (0: none)"), N_("GIB") },
    { "try", 0, 0, G_OPTION_ARG_NONE, &options.try_it,
      N_("Boot the medium without a disk; nothing is kept when it stops"), NULL },
    { "no-start", 0, 0, G_OPTION_ARG_NONE, &options.no_start, N_("Define the machine only"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) option_context = g_option_context_new (N_("PATH.iso"));
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(HangarVmCreator) creator = NULL;
  g_autoptr(HangarOsProfile) profile = NULL;
  g_autoptr(HangarVmSettings) settings = NULL;
  g_autofree char *iso_path = NULL;
  g_autofree char *configured = NULL;
  g_autofree char *uri = NULL;
  CreateContext ctx = { 0 };
  gboolean force_emulation;
  int status = 0;

  g_option_context_set_summary (option_context,
                                _("Create a machine from an installation or live medium, start "
                                  "it, and print its name"));
  g_option_context_set_translation_domain (option_context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    {
      g_printerr ("hangarctl create: %s\n", error->message);
      g_free (options.name);
      return 2;
    }

  if (argc != 2)
    {
      g_printerr ("hangarctl create: %s\n", _("Give one medium, such as an ISO file."));
      g_free (options.name);
      return 2;
    }
  if (options.try_it && (options.disk_gib > 0 || options.no_start))
    {
      g_printerr ("hangarctl create: %s\n",
                  _("--try boots the medium without a disk, and always starts the machine."));
      g_free (options.name);
      return 2;
    }
  if (options.memory_mib < 0 || options.cpus < 0 || options.disk_gib < -1)
    {
      g_printerr ("hangarctl create: %s\n", _("Sizes and counts cannot be negative."));
      g_free (options.name);
      return 2;
    }

  iso_path = g_canonicalize_filename (argv[1], NULL);
  if (!check_medium (iso_path, &error) ||
      (profile = profile_for_medium (iso_path, &error)) == NULL ||
      !hangar_libvirt_init (&error))
    {
      g_free (options.name);
      return fail (error->message);
    }

  configured = settings_uri (&force_emulation);
  uri = hangar_connection_resolve_uri (configured);
  settings = settings_for (profile, &options, iso_path, pick_domain_type (force_emulation));
  g_free (options.name);

  ctx.loop = g_main_loop_new (NULL, FALSE);
  connection = hangar_connection_new (uri);
  hangar_connection_open_async (connection, NULL, open_done, &ctx);
  g_main_loop_run (ctx.loop);

  if (ctx.error == NULL)
    {
      creator = hangar_vm_creator_new (hangar_connection_get_gvir (connection), profile, settings);
      hangar_vm_creator_set_transient (creator, options.try_it);
      hangar_vm_creator_create_async (creator, !options.no_start, NULL, create_done, &ctx);
      g_main_loop_run (ctx.loop);
    }

  if (ctx.error != NULL)
    status = fail (ctx.error->message);
  else
    g_print ("%s\n", hangar_vm_creator_get_name (creator));

  g_clear_error (&ctx.error);
  g_clear_object (&ctx.domain);
  g_clear_object (&creator);
  hangar_connection_close (connection);
  g_main_loop_unref (ctx.loop);
  return status;
}
