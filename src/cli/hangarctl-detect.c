/* hangarctl-detect.c
 *
 * `hangarctl detect PATH.iso`: what Hangar takes an image for and the new
 * machine's defaults on this host, as one JSON object. Needs no libvirt
 * daemon: KVM is judged from /dev/kvm alone.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hangar-vm-settings.h"
#include "hangar-os-db.h"
#include "hangar-storage-pool.h"
#include "hangarctl-commands.h"
#include "hangarctl-json.h"
#include "hangarctl-session.h"

typedef struct
{
  GMainLoop      *loop;
  guint           pending;
  HangarMedia    *media;
  HangarHostInfo *host;
  GError         *error;
} Detect;

static void
identify_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Detect *d = user_data;

  d->media = hangar_os_db_identify_finish (HANGAR_OS_DB (object), result, &d->error);
  if (--d->pending == 0)
    g_main_loop_quit (d->loop);
}

static void
probe_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Detect *d = user_data;
  g_autoptr(GError) error = NULL;

  d->host = hangar_host_probe_finish (result, &error);
  if (d->host == NULL)
    g_warning ("Cannot probe the host: %s", error->message);
  if (--d->pending == 0)
    g_main_loop_quit (d->loop);
}

static gboolean
settings_force_emulation (void)
{
  g_autoptr(GSettings) settings = hangarctl_settings_new ();

  return settings != NULL && g_settings_get_boolean (settings, "force-software-emulation");
}

static void
add_os (JsonBuilder *builder,
        HangarMedia *media)
{
  const HangarOsProfile *profile = hangar_media_get_profile (media);
  g_autofree char *label = hangar_media_dup_label (media);

  json_builder_set_member_name (builder, "os");
  if (hangar_media_is_unknown (media))
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  hangarctl_json_add_string (builder, "short-id", profile->short_id);
  hangarctl_json_add_string (builder, "id", profile->id);
  hangarctl_json_add_string (builder, "name", profile->name);
  hangarctl_json_add_string (builder, "label", label);
  hangarctl_json_add_string (builder, "family", profile->family);
  hangarctl_json_add_string (builder, "distro", profile->distro);
  hangarctl_json_add_string (builder, "version", profile->version);
  hangarctl_json_add_string (builder, "variant", profile->variant);
  hangarctl_json_add_bool (builder, "live", profile->live);
  hangarctl_json_add_bool (builder, "installer", profile->installer);
  hangarctl_json_add_bool (builder, "unattended", profile->unattended);
  hangarctl_json_add_string (builder, "arch", profile->arch);
  if (profile->guessed)
    {
      hangarctl_json_add_bool (builder, "guess", TRUE);
      hangarctl_json_add_string (builder, "guessed-name", hangar_media_get_guessed_name (media));
      hangarctl_json_add_string (builder, "guess-reason", hangar_media_get_guess_reason (media));
    }
  json_builder_end_object (builder);
}

static char *
to_json (HangarMedia            *media,
         const HangarVmSettings *settings,
         const HangarHostInfo   *host,
         gboolean                forced)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *emulation_reason = NULL;

  json_builder_begin_object (builder);
  hangarctl_json_add_string (builder, "path", hangar_media_get_path (media));
  hangarctl_json_add_string (builder, "volume-id", hangar_media_get_volume_id (media));
  hangarctl_json_add_string (builder, "system-id", hangar_media_get_system_id (media));
  add_os (builder, media);
  hangarctl_json_add_bool (builder, "arch-ok", hangar_media_get_arch_ok (media));
  if (!hangar_media_get_arch_ok (media))
    hangarctl_json_add_string (builder, "arch-message", hangar_media_get_arch_message (media));

  hangarctl_json_add_int (builder, "memory-mib", settings->memory_mib);
  hangarctl_json_add_int (builder, "vcpus", settings->vcpus);
  hangarctl_json_add_int (builder, "disk-gib", settings->disk_gib);
  hangarctl_json_add_string (builder, "firmware", hangar_firmware_to_string (settings->firmware));
  hangarctl_json_add_bool (builder, "tpm", settings->tpm);
  hangarctl_json_add_string (builder, "domain-type", hangar_domain_type_to_string (settings->domain_type));

  if (settings->domain_type == HANGAR_DOMAIN_TYPE_QEMU)
    {
      if (host != NULL && host->kvm_reason != NULL)
        emulation_reason = host->kvm_reason;
      else if (forced)
        emulation_reason = _("Software emulation is forced in Hangar’s preferences.");
      else if (!hangar_media_get_arch_ok (media))
        emulation_reason = hangar_media_get_arch_message (media);
      else
        emulation_reason = _("The host could not be probed.");
      hangarctl_json_add_string (builder, "emulation-reason", emulation_reason);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

int
hangarctl_detect (int    argc,
                  char **argv)
{
  g_autoptr(HangarVmSettings) settings = NULL;
  g_autofree char *pool_dir = NULL;
  g_autofree char *json = NULL;
  gboolean forced;
  Detect d = { 0 };

  if (!hangarctl_parse_options ("detect", N_("PATH.iso"),
                                _("Identify an ISO image and print the operating system and a "
                                  "new machine’s defaults as JSON"),
                                NULL, 1, 1, _("Give exactly one image file."), &argc, &argv))
    return 2;

  d.loop = g_main_loop_new (NULL, FALSE);
  d.pending = 2;
  pool_dir = hangar_storage_pool_default_path ();
  hangar_os_db_identify_async (hangar_os_db_get_default (), argv[1], NULL, identify_done, &d);
  hangar_host_probe_async (pool_dir, NULL, NULL, probe_done, &d);
  g_main_loop_run (d.loop);
  g_main_loop_unref (d.loop);

  if (d.error != NULL)
    {
      g_printerr ("hangarctl detect: %s\n", d.error->message);
      g_clear_error (&d.error);
      g_clear_pointer (&d.host, hangar_host_info_free);
      return 1;
    }

  forced = settings_force_emulation ();
  settings = hangar_vm_settings_new_for (hangar_media_get_profile (d.media), d.host, forced);
  json = to_json (d.media, settings, d.host, forced);
  g_print ("%s\n", json);

  if (!hangar_media_get_arch_ok (d.media))
    g_printerr ("hangarctl detect: %s\n", hangar_media_get_arch_message (d.media));

  g_clear_object (&d.media);
  g_clear_pointer (&d.host, hangar_host_info_free);
  return 0;
}
