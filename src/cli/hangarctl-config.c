/* hangarctl-config.c
 *
 * hangarctl's commands on a machine's properties: `info`, `set` (memory,
 * processors), `cd` (insert, eject), `disk-grow`, and for troubleshooting
 * `xml` and `log`, each the HangarMachine operation the properties window
 * uses.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hangar-machine-config.h"
#include "hangar-media-file.h"
#include "hangarctl-commands.h"
#include "hangarctl-json.h"
#include "hangarctl-numbers.h"
#include "hangarctl-session.h"

/* ------------------------------------------------------------------------ */
/* info                                                                     */
/* ------------------------------------------------------------------------ */

static void
print_json (const HangarMachineConfig *config,
            gboolean                   throwaway)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  hangarctl_json_add_string (builder, "name", config->name);
  hangarctl_json_add_bool (builder, "active", config->active);
  hangarctl_json_add_bool (builder, "persistent", config->persistent);
  hangarctl_json_add_bool (builder, "throwaway", throwaway);
  hangarctl_json_add_string (builder, "domain-type", config->domain_type);
  hangarctl_json_add_string (builder, "machine-type", config->machine_type);
  hangarctl_json_add_string (builder, "os-id", config->os_id);
  hangarctl_json_add_string (builder, "os-name", config->os_name);
  hangarctl_json_add_int (builder, "memory-mib", (gint64) config->memory_mib);
  hangarctl_json_add_int (builder, "max-memory-mib", (gint64) config->max_memory_mib);
  hangarctl_json_add_int (builder, "live-memory-mib", (gint64) config->live_memory_mib);
  hangarctl_json_add_int (builder, "live-max-memory-mib", (gint64) config->live_max_memory_mib);
  hangarctl_json_add_int (builder, "vcpus", config->vcpus);
  hangarctl_json_add_int (builder, "max-vcpus", config->max_vcpus);
  hangarctl_json_add_int (builder, "live-vcpus", config->live_vcpus);
  hangarctl_json_add_int (builder, "live-max-vcpus", config->live_max_vcpus);
  hangarctl_json_add_string (builder, "firmware", hangar_firmware_to_string (config->firmware));
  hangarctl_json_add_bool (builder, "tpm", config->tpm);
  hangarctl_json_add_string (builder, "video", config->video_model);
  hangarctl_json_add_bool (builder, "3d", config->gl);
  json_builder_set_member_name (builder, "disks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < config->disks->len; i++)
    {
      const HangarMachineDisk *disk = g_ptr_array_index (config->disks, i);

      json_builder_begin_object (builder);
      hangarctl_json_add_string (builder, "target", disk->target);
      hangarctl_json_add_string (builder, "device", disk->cdrom ? "cdrom" : "disk");
      hangarctl_json_add_string (builder, "bus", disk->bus);
      hangarctl_json_add_string (builder, "path", disk->path);
      hangarctl_json_add_string (builder, "format", disk->format);
      hangarctl_json_add_int (builder, "capacity", (gint64) disk->capacity);
      hangarctl_json_add_int (builder, "allocation", (gint64) disk->allocation);
      hangarctl_json_add_bool (builder, "readonly", disk->readonly);
      hangarctl_json_add_bool (builder, "in-pool", disk->in_pool);
      hangarctl_json_add_bool (builder, "growable", disk->growable);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  hangarctl_json_print (builder);
}

static void
print_text (const HangarMachineConfig *config,
            gboolean                   throwaway)
{
  g_print ("%s\t%s\n", _("Name:"), config->name);
  if (throwaway)
    g_print ("%s\t%s\n", _("Changes:"), _("discarded when it stops (running without saving)"));
  g_print ("%s\t%s\n", _("OS:"), config->os_name != NULL ? config->os_name
                                  : config->os_id != NULL ? config->os_id : _("unknown"));
  g_print ("%s\t%s\n", _("Firmware:"), hangar_firmware_to_string (config->firmware));
  g_print ("%s\t%s\n", _("TPM:"), config->tpm ? _("yes") : _("no"));
  g_print ("%s\t%" G_GUINT64_FORMAT " MiB", _("Memory:"), config->memory_mib);
  if (config->active)
    g_print (_(" (now %" G_GUINT64_FORMAT " MiB of at most %" G_GUINT64_FORMAT " MiB)"),
             config->live_memory_mib, config->live_max_memory_mib);
  g_print ("\n%s\t%u", _("CPUs:"), config->vcpus);
  if (config->active)
    g_print (_(" (now %u of at most %u)"), config->live_vcpus, config->live_max_vcpus);
  g_print ("\n%s\t%s%s\n", _("Video:"), config->video_model != NULL ? config->video_model : "-",
           config->gl ? _(", 3D") : "");
  for (guint i = 0; i < config->disks->len; i++)
    {
      const HangarMachineDisk *disk = g_ptr_array_index (config->disks, i);
      g_autofree char *size = g_format_size_full (disk->capacity, G_FORMAT_SIZE_IEC_UNITS);

      g_print ("%s\t%s\t%s\t%s\t%s\n", disk->cdrom ? _("CD/DVD:") : _("Disk:"), disk->target,
               disk->path != NULL ? disk->path : _("(empty)"),
               disk->format != NULL ? disk->format : "-",
               disk->path != NULL ? size : "-");
    }
}

/**
 * hangarctl_info:
 *
 * `info NAME [--json]`: the machine's properties.
 */
int
hangarctl_info (int    argc,
                char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarMachineConfig) config = NULL;
  HangarctlSession session = { 0 };
  int status = 0;

  if (!hangarctl_parse_options ("info", N_("NAME"), _("Show a machine’s memory, processors, disks "
                                                      "and firmware"), entries, 1, 1,
                                _("Give the machine’s name."), &argc, &argv))
    return 2;

  if (!hangarctl_session_open (&session, "info", argv[1]))
    status = 1;
  else
    {
      hangar_machine_read_config_async (session.machine, NULL, hangarctl_session_done, &session);
      config = hangar_machine_read_config_finish (session.machine,
                                                  hangarctl_session_wait (&session), &error);
      if (config == NULL)
        status = hangarctl_fail ("info", error->message);
      else if (json)
        print_json (config, hangar_machine_get_throwaway (session.machine));
      else
        print_text (config, hangar_machine_get_throwaway (session.machine));
    }
  hangarctl_session_close (&session);
  return status;
}

/* ------------------------------------------------------------------------ */
/* set                                                                      */
/* ------------------------------------------------------------------------ */

/* One line per change, for scripts: what, then "live" or "next-boot". */
static void
print_when (const char *what,
            gboolean    live)
{
  g_print ("%s\t%s\n", what, live ? "live" : "next-boot");
}

/**
 * hangarctl_set:
 *
 * `set NAME [--memory MIB] [--cpus N]`: prints, for each, "memory" or
 * "cpus", a tab, and "live" (the running machine has it now) or "next-boot".
 */
int
hangarctl_set (int    argc,
               char **argv)
{
  g_autofree char *memory_text = NULL;
  g_autofree char *cpus_text = NULL;
  const GOptionEntry entries[] = {
    { "memory", 0, 0, G_OPTION_ARG_STRING, &memory_text,
      N_("Memory: MiB, or with a unit (2G); from 64 MiB to this computer’s memory"),
      N_("SIZE") },
    { "cpus", 0, 0, G_OPTION_ARG_STRING, &cpus_text,
      N_("Virtual processors: from 1 to this computer’s, or fewer when its machine type "
         "allows fewer"), N_("N") },
    { NULL }
  };
  guint64 memory = 0, cpus = 0;
  g_autoptr(GError) error = NULL;
  HangarctlSession session = { 0 };
  gboolean live = FALSE;
  int status = 0;

  if (!hangarctl_parse_options ("set", N_("NAME"), _("Change a machine’s memory or processors: "
                                                     "at once where it can, else from its next "
                                                     "boot"), entries, 1, 1,
                                _("Give the machine’s name."), &argc, &argv))
    return 2;
  if (memory_text == NULL && cpus_text == NULL)
    return hangarctl_usage_error ("set", _("Say what to change: --memory, --cpus or both."));
  if (!hangarctl_parse_size_option ("set", "--memory", memory_text, HANGARCTL_MEMORY_UNIT,
                                    &memory) ||
      !hangarctl_parse_count_option ("set", "--cpus", cpus_text, &cpus))
    return 2;
  /* Core holds them against the machine's limits (0 too): a count too
   * large for core's type is too large for any machine. */
  if (cpus > G_MAXUINT)
    cpus = G_MAXUINT;

  if (!hangarctl_session_open (&session, "set", argv[1]))
    status = 1;
  if (status == 0 && memory_text != NULL)
    {
      hangar_machine_set_memory_async (session.machine, memory, NULL,
                                       hangarctl_session_done, &session);
      if (!hangar_machine_set_memory_finish (session.machine, hangarctl_session_wait (&session),
                                             &live, &error))
        status = hangarctl_fail ("set", error->message);
      else
        print_when ("memory", live);
    }
  if (status == 0 && cpus_text != NULL)
    {
      hangar_machine_set_vcpus_async (session.machine, (guint) cpus, NULL,
                                      hangarctl_session_done, &session);
      if (!hangar_machine_set_vcpus_finish (session.machine, hangarctl_session_wait (&session),
                                            &live, &error))
        status = hangarctl_fail ("set", error->message);
      else
        print_when ("cpus", live);
    }
  hangarctl_session_close (&session);
  return status;
}

/* ------------------------------------------------------------------------ */
/* cd                                                                       */
/* ------------------------------------------------------------------------ */

/* Says, as a warning, when other users could replace or change the
 * medium; FALSE (printed) when there is no such file. */
static gboolean
warn_about_medium (HangarctlSession *session,
                   const char       *path)
{
  g_autoptr(HangarMediaFile) file = NULL;
  g_autoptr(GError) error = NULL;

  hangar_media_file_resolve_async (path, NULL, hangarctl_session_done, session);
  file = hangar_media_file_resolve_finish (hangarctl_session_wait (session), &error);
  if (file == NULL)
    {
      hangarctl_fail ("cd", error->message);
      return FALSE;
    }
  if (file->warning != NULL)
    g_printerr (_("hangarctl cd: warning: %s\n"), file->warning);
  return TRUE;
}

/**
 * hangarctl_cd:
 *
 * `cd NAME insert PATH.iso` or `cd NAME eject`.
 */
int
hangarctl_cd (int    argc,
              char **argv)
{
  g_autoptr(GError) error = NULL;
  HangarctlSession session = { 0 };
  const char *path = NULL;
  gboolean live = FALSE;
  int status = 0;

  if (!hangarctl_parse_options ("cd", N_("NAME insert PATH.iso | NAME eject"),
                                _("Change the medium in a machine’s CD/DVD drive: an ISO "
                                  "disc image, as create takes"),
                                NULL, 2, 3, _("Say “NAME insert PATH.iso” or “NAME eject”."),
                                &argc, &argv))
    return 2;
  if (argc == 4 && g_str_equal (argv[2], "insert"))
    path = argv[3];
  else if (!(argc == 3 && g_str_equal (argv[2], "eject")))
    return hangarctl_usage_error ("cd", _("Say “NAME insert PATH.iso” or “NAME eject”."));

  if (!hangarctl_session_open (&session, "cd", argv[1]))
    status = 1;
  else if (path != NULL && !warn_about_medium (&session, path))
    status = 1;
  else
    {
      hangar_machine_set_cdrom_async (session.machine, path, NULL, hangarctl_session_done,
                                      &session);
      if (!hangar_machine_set_cdrom_finish (session.machine, hangarctl_session_wait (&session),
                                            &live, &error))
        status = hangarctl_fail ("cd", error->message);
    }
  hangarctl_session_close (&session);
  return status;
}

/* ------------------------------------------------------------------------ */
/* disk-grow                                                                */
/* ------------------------------------------------------------------------ */

/* "20G", "20GiB", "512M", "+5G" (more than now), plain bytes: core's one
 * parser of sizes. Sizes are binary: G means GiB, as qemu-img says it. */
static gboolean
parse_grow_size (const char  *text,
                 guint64     *size,
                 gboolean    *relative)
{
  *relative = text[0] == '+';
  return hangarctl_parse_size_option ("disk-grow", _("the size"), *relative ? text + 1 : text,
                                      1, size);
}

/**
 * hangarctl_disk_grow:
 *
 * `disk-grow NAME SIZE [--disk TARGET]`: SIZE is the new size ("20G") or
 * what to add ("+5G").
 */
int
hangarctl_disk_grow (int    argc,
                     char **argv)
{
  g_autofree char *target = NULL;
  const GOptionEntry entries[] = {
    { "disk", 0, 0, G_OPTION_ARG_STRING, &target, N_("The disk (“vda”); by default the first"),
      N_("TARGET") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  HangarctlSession session = { 0 };
  gboolean relative = FALSE;
  guint64 size = 0;
  int status = 0;

  if (!hangarctl_parse_options ("disk-grow", N_("NAME SIZE"),
                                _("Grow a machine’s disk to SIZE (20G), or by +SIZE; the system "
                                  "in it must then grow its partition"), entries, 2, 2,
                                _("Give the machine’s name and the disk’s new size."),
                                &argc, &argv))
    return 2;
  if (!parse_grow_size (argv[2], &size, &relative))
    return 2;

  if (!hangarctl_session_open (&session, "disk-grow", argv[1]))
    status = 1;
  if (status == 0 && relative)
    {
      g_autoptr(HangarMachineConfig) config = NULL;
      const HangarMachineDisk *disk = NULL;

      hangar_machine_read_config_async (session.machine, NULL, hangarctl_session_done, &session);
      config = hangar_machine_read_config_finish (session.machine,
                                                  hangarctl_session_wait (&session), &error);
      for (guint i = 0; config != NULL && i < config->disks->len && disk == NULL; i++)
        {
          const HangarMachineDisk *d = g_ptr_array_index (config->disks, i);

          if (!d->cdrom && (target == NULL || g_strcmp0 (d->target, target) == 0))
            disk = d;
        }
      if (config == NULL)
        status = hangarctl_fail ("disk-grow", error->message);
      else if (disk == NULL || disk->capacity == 0)
        status = hangarctl_fail ("disk-grow", _("Cannot read the disk’s size."));
      else if (size > G_MAXUINT64 - disk->capacity)
        status = hangarctl_fail ("disk-grow", _("That size is too large a number."));
      else
        size += disk->capacity;
    }
  if (status == 0)
    {
      hangar_machine_grow_disk_async (session.machine, target, size, NULL,
                                      hangarctl_session_done, &session);
      if (!hangar_machine_grow_disk_finish (session.machine, hangarctl_session_wait (&session),
                                            &error))
        status = hangarctl_fail ("disk-grow", error->message);
    }
  hangarctl_session_close (&session);
  return status;
}

/* ------------------------------------------------------------------------ */
/* xml, log                                                                 */
/* ------------------------------------------------------------------------ */

/**
 * hangarctl_xml:
 *
 * `xml NAME [--inactive]`: the domain XML, as `virsh dumpxml`.
 */
int
hangarctl_xml (int    argc,
               char **argv)
{
  gboolean inactive = FALSE;
  const GOptionEntry entries[] = {
    { "inactive", 0, 0, G_OPTION_ARG_NONE, &inactive,
      N_("The definition it boots with next, not the running machine’s"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  HangarctlSession session = { 0 };
  int status = 0;

  if (!hangarctl_parse_options ("xml", N_("NAME"), _("Print a machine’s libvirt XML"), entries,
                                1, 1, _("Give the machine’s name."), &argc, &argv))
    return 2;

  if (!hangarctl_session_open (&session, "xml", argv[1]))
    status = 1;
  else
    {
      hangar_machine_get_xml_async (session.machine, inactive, NULL, hangarctl_session_done,
                                    &session);
      xml = hangar_machine_get_xml_finish (session.machine, hangarctl_session_wait (&session),
                                           &error);
      if (xml == NULL)
        status = hangarctl_fail ("xml", error->message);
      else
        g_print ("%s", xml);
    }
  hangarctl_session_close (&session);
  return status;
}

/**
 * hangarctl_log:
 *
 * `log NAME`: the end of QEMU's log of the machine.
 */
int
hangarctl_log (int    argc,
               char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  HangarctlSession session = { 0 };
  int status = 0;

  if (!hangarctl_parse_options ("log", N_("NAME"), _("Print the end of QEMU’s log of a machine"),
                                NULL, 1, 1, _("Give the machine’s name."), &argc, &argv))
    return 2;

  if (!hangarctl_session_open (&session, "log", argv[1]))
    status = 1;
  else
    {
      hangar_machine_read_log_async (session.machine, NULL, hangarctl_session_done, &session);
      text = hangar_machine_read_log_finish (session.machine, hangarctl_session_wait (&session),
                                             NULL, &error);
      if (text == NULL)
        status = hangarctl_fail ("log", error->message);
      else
        g_print ("%s", text);
    }
  hangarctl_session_close (&session);
  return status;
}
