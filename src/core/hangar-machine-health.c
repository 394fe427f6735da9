/* hangar-machine-health.c
 *
 * A machine's health: the facts read in a worker thread (its definition and
 * running state, the host's KVM, the file systems under its disks, its
 * firmware files, its saved state), then one pure function of them,
 * hangar_health_evaluate(), that says what works, why, and the fix. Also
 * the per-machine switch between KVM and software emulation.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "hangar-host.h"
#include "hangar-machine-config-private.h"
#include "hangar-machine-health.h"

#define HELP_PAGE "help:hangar/machine-health"
#define AGENT_PORT "com.redhat.spice.0"
#define GIB (G_GUINT64_CONSTANT (1) << 30)
/* Less free space than this, and less than the disks may grow: nearly full. */
#define NEARLY_FULL_BYTES (G_GUINT64_CONSTANT (1) << 30)

/* ------------------------------------------------------------------------ */
/* items                                                                    */
/* ------------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (HangarHealthItem, hangar_health_item, hangar_health_item_copy,
                     hangar_health_item_free)

HangarHealthItem *
hangar_health_item_copy (const HangarHealthItem *item)
{
  HangarHealthItem *copy;

  g_return_val_if_fail (item != NULL, NULL);

  copy = g_memdup2 (item, sizeof *item);
  copy->id = g_strdup (item->id);
  copy->title = g_strdup (item->title);
  copy->explanation = g_strdup (item->explanation);
  copy->fix_label = g_strdup (item->fix_label);
  copy->help_uri = g_strdup (item->help_uri);
  return copy;
}

void
hangar_health_item_free (HangarHealthItem *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_free (item->title);
  g_free (item->explanation);
  g_free (item->fix_label);
  g_free (item->help_uri);
  g_free (item);
}

/**
 * hangar_health_state_to_nick:
 * @state: a state
 *
 * Returns: "ok", "warning" or "problem", for scripts
 */
const char *
hangar_health_state_to_nick (HangarHealthState state)
{
  switch (state)
    {
    case HANGAR_HEALTH_OK:
      return "ok";
    case HANGAR_HEALTH_WARNING:
      return "warning";
    case HANGAR_HEALTH_PROBLEM:
      return "problem";
    default:
      g_return_val_if_reached ("ok");
    }
}

static const char * const fix_nicks[] = {
  [HANGAR_HEALTH_FIX_NONE] = "none",
  [HANGAR_HEALTH_FIX_USE_EMULATION] = "use-emulation",
  [HANGAR_HEALTH_FIX_USE_KVM] = "use-kvm",
  [HANGAR_HEALTH_FIX_DISCARD_SAVED_STATE] = "discard-saved-state",
  [HANGAR_HEALTH_FIX_SPACE_REPORT] = "space-report",
};

/**
 * hangar_health_fix_to_nick:
 * @fix: a fix
 *
 * Returns: its name for scripts ("use-emulation", …; "none")
 */
const char *
hangar_health_fix_to_nick (HangarHealthFix fix)
{
  g_return_val_if_fail ((guint) fix < G_N_ELEMENTS (fix_nicks), "none");
  return fix_nicks[fix];
}

/**
 * hangar_health_fix_from_nick:
 * @nick: a fix's name, as hangar_health_fix_to_nick() gives it
 *
 * Returns: the fix; %HANGAR_HEALTH_FIX_NONE for a name it does not know
 */
HangarHealthFix
hangar_health_fix_from_nick (const char *nick)
{
  for (guint i = 0; i < G_N_ELEMENTS (fix_nicks); i++)
    if (g_strcmp0 (nick, fix_nicks[i]) == 0)
      return (HangarHealthFix) i;
  return HANGAR_HEALTH_FIX_NONE;
}

void
hangar_health_facts_clear (HangarHealthFacts *facts)
{
  g_clear_pointer (&facts->kvm_reason, g_free);
  g_clear_pointer (&facts->missing_loader, g_free);
  g_clear_pointer (&facts->missing_nvram, g_free);
  g_clear_pointer (&facts->tpm_missing, g_free);
  g_clear_pointer (&facts->saved_refused, g_free);
}

/* Takes @title and @explanation. */
static HangarHealthItem *
add_item (GPtrArray         *items,
          const char        *id,
          HangarHealthState  state,
          char              *title,
          char              *explanation)
{
  HangarHealthItem *item = g_new0 (HangarHealthItem, 1);

  item->id = g_strdup (id);
  item->state = state;
  item->title = title;
  item->explanation = explanation;
  item->help_uri = g_strdup_printf ("%s#%s", HELP_PAGE, id);
  g_ptr_array_add (items, item);
  return item;
}

static void
set_fix (HangarHealthItem *item,
         HangarHealthFix   fix,
         const char       *label)
{
  item->fix = fix;
  item->fix_label = g_strdup (label);
}

/* ------------------------------------------------------------------------ */
/* the rules                                                                */
/* ------------------------------------------------------------------------ */

static void
evaluate_acceleration (const HangarHealthFacts *facts,
                       GPtrArray               *items)
{
  HangarHealthItem *item;

  if (facts->kvm_domain && facts->kvm_reason != NULL)
    {
      item = add_item (items, "acceleration", HANGAR_HEALTH_PROBLEM,
                       g_strdup (_("Set to use KVM, which is not available")),
                       g_strdup_printf (_("%s This machine cannot start until it uses software "
                                          "emulation: it then runs, much slower."),
                                        facts->kvm_reason));
      set_fix (item, HANGAR_HEALTH_FIX_USE_EMULATION, _("Use Software Emulation"));
    }
  else if (facts->kvm_domain)
    add_item (items, "acceleration", HANGAR_HEALTH_OK,
              g_strdup (_("Hardware virtualization (KVM)")),
              g_strdup (_("The processor runs the guest’s code directly: as fast as it gets.")));
  else if (facts->kvm_reason != NULL)
    add_item (items, "acceleration", HANGAR_HEALTH_OK,
              g_strdup (_("Software emulation")),
              g_strdup_printf (_("Much slower than hardware virtualization, which is not "
                                 "available: %s"), facts->kvm_reason));
  else if (facts->force_emulation)
    add_item (items, "acceleration", HANGAR_HEALTH_OK,
              g_strdup (_("Software emulation")),
              g_strdup (_("Much slower than hardware virtualization, as the preference "
                          "“Force Software Emulation” asks for new machines.")));
  else
    {
      item = add_item (items, "acceleration", HANGAR_HEALTH_WARNING,
                       g_strdup (_("Software emulation, though KVM is available")),
                       g_strdup (_("This machine is set to software emulation, which is "
                                   "much slower than the hardware virtualization (KVM) this "
                                   "computer offers.")));
      set_fix (item, HANGAR_HEALTH_FIX_USE_KVM, _("Use KVM"));
    }
}

static void
evaluate_agent (const HangarHealthFacts *facts,
                GPtrArray               *items)
{
  const char *install = facts->windows
    ? _("Install spice-guest-tools in Windows.")
    : _("Install the spice-vdagent package in the guest.");

  if (!facts->agent_channel)
    add_item (items, "agent", HANGAR_HEALTH_WARNING,
              g_strdup (_("No port for a guest agent")),
              g_strdup (_("This machine has no SPICE agent port, so the guest’s screen cannot "
                          "follow the window’s size, and the clipboard and file transfer do "
                          "not work.")));
  else if (!facts->running)
    add_item (items, "agent", HANGAR_HEALTH_OK,
              g_strdup (_("Guest agent: seen while the machine runs")),
              g_strdup_printf (_("Resizing with the window, the shared clipboard and file "
                                 "transfer need an agent in the guest. %s"), install));
  else if (facts->agent_connected)
    add_item (items, "agent", HANGAR_HEALTH_OK,
              g_strdup (_("Guest agent connected")),
              g_strdup (_("The guest’s screen follows the window’s size; the clipboard and "
                          "file transfer work.")));
  else
    add_item (items, "agent", HANGAR_HEALTH_WARNING,
              g_strdup (_("No guest agent")),
              g_strdup_printf (_("No agent runs in the guest, so its screen does not follow "
                                 "the window’s size, and the clipboard and file transfer do "
                                 "not work. %s"), install));
}

static void
evaluate_virtio (const HangarHealthFacts *facts,
                 GPtrArray               *items)
{
  /* Other systems bring virtio drivers of their own. */
  if (!facts->windows)
    return;
  if (facts->virtio_devices && !(facts->running && facts->agent_connected) &&
      !facts->virtio_win_medium)
    add_item (items, "virtio", HANGAR_HEALTH_PROBLEM,
              g_strdup (_("Windows needs virtio drivers")),
              g_strdup (_("This machine’s disk or network card is a virtio device, which "
                          "Windows does not know without drivers: it may not find its disk or "
                          "network. Insert the virtio-win disc and install its drivers, or "
                          "spice-guest-tools, which includes them.")));
  else if (facts->other_devices)
    add_item (items, "virtio", HANGAR_HEALTH_WARNING,
              g_strdup (_("Slower emulated devices")),
              g_strdup (_("This Windows machine uses emulated SATA or network devices, which are "
                          "slower than virtio ones. Install virtio-win’s drivers to switch to "
                          "them.")));
  else
    add_item (items, "virtio", HANGAR_HEALTH_OK,
              g_strdup (_("Virtio drivers")),
              g_strdup (_("Its disk and network use fast virtio devices.")));
}

static void
evaluate_disk_space (const HangarHealthFacts *facts,
                     GPtrArray               *items)
{
  g_autofree char *growth = g_format_size_full (facts->disk_growth, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *free_text = NULL;
  HangarHealthItem *item;

  if (!facts->disks)
    {
      add_item (items, "disk-space", HANGAR_HEALTH_OK,
                g_strdup (_("No disk to grow")),
                g_strdup (_("This machine has no disk that takes space on this computer.")));
      return;
    }
  if (facts->disk_free == G_MAXUINT64)
    {
      add_item (items, "disk-space", HANGAR_HEALTH_OK,
                g_strdup (_("Free disk space unknown")),
                g_strdup (_("Hangar cannot tell how much room is left where its disks are.")));
      return;
    }
  free_text = g_format_size_full (facts->disk_free, G_FORMAT_SIZE_IEC_UNITS);
  if (facts->disk_free >= facts->disk_growth)
    {
      add_item (items, "disk-space", HANGAR_HEALTH_OK,
                g_strdup (_("Room for its disks to grow")),
                g_strdup_printf (_("Its disks may still grow by %s; %s is free."), growth,
                                 free_text));
      return;
    }
  if (facts->disk_free < NEARLY_FULL_BYTES)
    item = add_item (items, "disk-space", HANGAR_HEALTH_PROBLEM,
                     g_strdup (_("The disk holding its images is nearly full")),
                     g_strdup_printf (_("Only %s is free where its disks are, and they may "
                                        "grow by %s. When it runs out, the machine is paused "
                                        "until there is room. Free some space."),
                                      free_text, growth));
  else
    item = add_item (items, "disk-space", HANGAR_HEALTH_WARNING,
                     g_strdup (_("Not enough room for its disks to grow")),
                     g_strdup_printf (_("Its disks may grow by %s, but only %s is free where "
                                        "they are. If the guest fills them, the machine is "
                                        "paused until there is room."), growth, free_text));
  set_fix (item, HANGAR_HEALTH_FIX_SPACE_REPORT, _("Show Disk Usage"));
}

static void
evaluate_firmware (const HangarHealthFacts *facts,
                   GPtrArray               *items)
{
  if (facts->missing_loader != NULL)
    add_item (items, "firmware", HANGAR_HEALTH_PROBLEM,
              g_strdup (_("Firmware file missing")),
              g_strdup_printf (_("The firmware file “%s” does not exist: the machine cannot "
                                 "start. Install the package that provides it (ovmf for UEFI)."),
                               facts->missing_loader));
  else if (facts->tpm_missing != NULL)
    add_item (items, "firmware", HANGAR_HEALTH_PROBLEM,
              g_strdup (_("TPM emulator missing")),
              g_strdup_printf (_("This machine has a TPM, which needs the program “%s”: the "
                                 "machine cannot start. Install the swtpm-tools package."),
                               facts->tpm_missing));
  else if (facts->missing_nvram != NULL && facts->nvram_remade)
    add_item (items, "firmware", HANGAR_HEALTH_WARNING,
              g_strdup (_("UEFI settings file missing")),
              g_strdup_printf (_("The file of its UEFI settings, “%s”, does not exist. At the "
                                 "next start it gets fresh settings: boot entries and Secure "
                                 "Boot keys the guest stored there are lost."),
                               facts->missing_nvram));
  else if (facts->missing_nvram != NULL)
    add_item (items, "firmware", HANGAR_HEALTH_PROBLEM,
              g_strdup (_("UEFI settings file missing")),
              g_strdup_printf (_("The file of its UEFI settings, “%s”, does not exist, and "
                                 "its definition names no template to make it again: the "
                                 "machine may not start."), facts->missing_nvram));
  else
    add_item (items, "firmware", HANGAR_HEALTH_OK,
              g_strdup (_("Firmware present")),
              g_strdup (_("The files its firmware needs are there.")));
}

static void
evaluate_saved_state (const HangarHealthFacts *facts,
                      GPtrArray               *items)
{
  HangarHealthItem *item;

  if (!facts->saved)
    return;
  if (facts->saved_refused == NULL)
    {
      add_item (items, "saved-state", HANGAR_HEALTH_OK,
                g_strdup (_("Saved state can be restored")),
                g_strdup (_("The next start resumes the guest where it was saved.")));
      return;
    }
  item = add_item (items, "saved-state", HANGAR_HEALTH_PROBLEM,
                   g_strdup (_("Saved state cannot be restored")),
                   g_strdup_printf (_("%s The machine cannot resume from it. Discarding it "
                                      "lets the machine start afresh, and loses the work "
                                      "the guest had not saved."), facts->saved_refused));
  set_fix (item, HANGAR_HEALTH_FIX_DISCARD_SAVED_STATE, _("Discard Saved State"));
}

/**
 * hangar_health_evaluate:
 * @facts: what was read of a machine and the host
 *
 * The rules of a machine's health, in the order they are shown:
 * acceleration, agent, virtio (Windows only), disk-space, firmware,
 * saved-state (only with a saved state).
 *
 * Returns: (transfer full) (element-type HangarHealthItem): the items
 */
GPtrArray *
hangar_health_evaluate (const HangarHealthFacts *facts)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_health_item_free);

  g_return_val_if_fail (facts != NULL, items);

  evaluate_acceleration (facts, items);
  evaluate_agent (facts, items);
  evaluate_virtio (facts, items);
  evaluate_disk_space (facts, items);
  evaluate_firmware (facts, items);
  evaluate_saved_state (facts, items);
  return items;
}

/**
 * hangar_health_worst:
 * @items: (element-type HangarHealthItem): items
 *
 * Returns: the worst state among them; %HANGAR_HEALTH_OK for none
 */
HangarHealthState
hangar_health_worst (GPtrArray *items)
{
  HangarHealthState worst = HANGAR_HEALTH_OK;

  for (guint i = 0; items != NULL && i < items->len; i++)
    worst = MAX (worst, ((HangarHealthItem *) items->pdata[i])->state);
  return worst;
}

/**
 * hangar_health_find:
 * @items: (element-type HangarHealthItem): items
 * @id: an item's id
 *
 * Returns: (transfer none) (nullable): the item, if there
 */
const HangarHealthItem *
hangar_health_find (GPtrArray  *items,
                    const char *id)
{
  for (guint i = 0; items != NULL && i < items->len; i++)
    if (g_strcmp0 (((HangarHealthItem *) items->pdata[i])->id, id) == 0)
      return items->pdata[i];
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* the facts, in a worker thread                                            */
/* ------------------------------------------------------------------------ */

static char *
xpath_text (xmlDocPtr   doc,
            const char *expression)
{
  xmlXPathContextPtr context;
  xmlXPathObjectPtr found;
  char *text = NULL;

  if (doc == NULL)
    return NULL;
  context = xmlXPathNewContext (doc);
  found = xmlXPathEvalExpression (BAD_CAST expression, context);
  if (found != NULL && found->type == XPATH_STRING && found->stringval != NULL &&
      found->stringval[0] != '\0')
    text = g_strdup ((const char *) found->stringval);
  xmlXPathFreeObject (found);
  xmlXPathFreeContext (context);
  return text;
}

typedef struct
{
  guint64 growth;
  guint64 free_bytes;
} FileSystemRoom;

/* The disks' room to grow, per file system; the tightest wins. */
static void
read_disk_space (HangarMachineOp   *op,
                 xmlDocPtr          doc,
                 HangarHealthFacts *facts)
{
  g_autoptr(GHashTable) systems = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         g_free);
  xmlXPathObjectPtr disks = hangar_xml_select (doc, "/domain/devices/disk[@device='disk']");
  GHashTableIter iter;
  gpointer value;
  gboolean first = TRUE;

  facts->disk_growth = 0;
  facts->disk_free = G_MAXUINT64;
  for (int i = 0; disks != NULL && i < disks->nodesetval->nodeNr; i++)
    {
      xmlNodePtr disk = disks->nodesetval->nodeTab[i];
      xmlNodePtr target = hangar_xml_first_child (disk, "target");
      xmlNodePtr source = hangar_xml_first_child (disk, "source");
      g_autofree char *dev = target != NULL ? hangar_xml_get_prop (target, "dev") : NULL;
      g_autofree char *file = source != NULL ? hangar_xml_get_prop (source, "file") : NULL;
      g_autofree char *dir = NULL;
      virDomainBlockInfo info;
      FileSystemRoom *room;
      struct stat st;
      gint64 device;

      if (dev == NULL || file == NULL || hangar_xml_first_child (disk, "readonly") != NULL)
        continue;
      facts->disks = TRUE;
      if (virDomainGetBlockInfo (op->dom, dev, &info, 0) < 0)
        {
          g_debug ("No size for %s of “%s”: %s", dev, op->name, hangar_libvirt_last_message ());
          virResetLastError ();
          continue;
        }
      dir = g_path_get_dirname (file);
      if (stat (dir, &st) != 0)
        continue;
      device = (gint64) st.st_dev;
      room = g_hash_table_lookup (systems, &device);
      if (room == NULL)
        {
          room = g_new0 (FileSystemRoom, 1);
          room->free_bytes = hangar_host_free_bytes_at (dir);
          g_hash_table_insert (systems, g_memdup2 (&device, sizeof device), room);
        }
      if (info.capacity > info.allocation)
        room->growth += info.capacity - info.allocation;
    }
  g_clear_pointer (&disks, xmlXPathFreeObject);

  g_hash_table_iter_init (&iter, systems);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      FileSystemRoom *room = value;
      gint64 margin = (gint64) room->free_bytes - (gint64) room->growth;

      if (room->free_bytes == G_MAXUINT64)
        continue;
      if (first || margin < (gint64) facts->disk_free - (gint64) facts->disk_growth)
        {
          facts->disk_growth = room->growth;
          facts->disk_free = room->free_bytes;
          first = FALSE;
        }
    }
}

/* Why libvirt cannot restore the managed save, or %NULL. */
static char *
read_saved_refusal (HangarMachineOp *op)
{
  virConnectPtr conn = virDomainGetConnect (op->dom);
  g_autofree char *xml = NULL;
  g_autofree char *emulator = NULL;
  g_autofree char *arch = NULL;
  g_autofree char *machine = NULL;
  g_autofree char *virt_type = NULL;
  xmlDocPtr doc;
  char *caps;
  char *raw;

  raw = virDomainManagedSaveGetXMLDesc (op->dom, 0);
  if (raw == NULL)
    {
      char *reason = g_strdup_printf (_("libvirt cannot read the saved state (%s)."),
                                      hangar_libvirt_last_message ());

      virResetLastError ();
      return reason;
    }
  xml = g_strdup (raw);
  free (raw);
  doc = hangar_machine_op_parse_xml (xml, op, NULL);
  if (doc == NULL)
    return g_strdup (_("The saved state’s description cannot be read."));
  emulator = xpath_text (doc, "string(/domain/devices/emulator)");
  arch = xpath_text (doc, "string(/domain/os/type/@arch)");
  machine = xpath_text (doc, "string(/domain/os/type/@machine)");
  virt_type = xpath_text (doc, "string(/domain/@type)");
  xmlFreeDoc (doc);

  if (emulator != NULL && !g_file_test (emulator, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup_printf (_("It was saved by “%s”, which is no longer installed."), emulator);
  caps = virConnectGetDomainCapabilities (conn, emulator, arch, machine, virt_type, 0);
  if (caps == NULL)
    {
      char *reason = g_strdup_printf (_("It was saved with machine type “%s”, which this "
                                        "version of QEMU does not offer (%s)."),
                                      machine != NULL ? machine : "?",
                                      hangar_libvirt_last_message ());

      virResetLastError ();
      return reason;
    }
  free (caps);
  return NULL;
}

/* Whether a firmware descriptor QEMU installs (which libvirt reads to find
 * a loader's variables template) names @loader. */
static gboolean
loader_is_described (const char *loader)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", loader);
  g_autofree char *user_dir = g_build_filename (g_get_user_config_dir (), "qemu", "firmware",
                                                NULL);
  const char *dirs[] = { "/usr/share/qemu/firmware", "/etc/qemu/firmware", user_dir };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autoptr(GDir) dir = g_dir_open (dirs[i], 0, NULL);
      const char *entry;

      while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (dirs[i], entry, NULL);
          g_autofree char *contents = NULL;

          if (g_str_has_suffix (entry, ".json") &&
              g_file_get_contents (path, &contents, NULL, NULL) &&
              strstr (contents, quoted) != NULL)
            return TRUE;
        }
    }
  return FALSE;
}

static void
read_firmware_files (xmlDocPtr          doc,
                     HangarHealthFacts *facts)
{
  g_autofree char *loader = xpath_text (doc, "string(/domain/os/loader)");
  g_autofree char *nvram = xpath_text (doc, "string(/domain/os/nvram)");

  if (loader != NULL && !g_file_test (loader, G_FILE_TEST_EXISTS))
    facts->missing_loader = g_steal_pointer (&loader);
  if (nvram != NULL && !g_file_test (nvram, G_FILE_TEST_EXISTS))
    {
      g_autofree char *template = xpath_text (doc, "string(/domain/os/nvram/@template)");

      facts->missing_nvram = g_steal_pointer (&nvram);
      /* libvirt copies the template again; without one it finds the
       * template of firmware it chose itself (firmware='efi') or of a
       * loader a firmware descriptor lists. */
      if (template != NULL)
        facts->nvram_remade = g_file_test (template, G_FILE_TEST_EXISTS);
      else
        facts->nvram_remade = hangar_xml_has_node (doc, "/domain/os[@firmware='efi']") ||
                              (loader != NULL && facts->missing_loader == NULL &&
                               loader_is_described (loader));
    }

  if (hangar_xml_has_node (doc, "/domain/devices/tpm/backend[@type='emulator']"))
    {
      const char *programs[] = { "swtpm", "swtpm_setup" };

      for (guint i = 0; i < G_N_ELEMENTS (programs) && facts->tpm_missing == NULL; i++)
        {
          g_autofree char *path = g_find_program_in_path (programs[i]);

          if (path == NULL)
            facts->tpm_missing = g_strdup (programs[i]);
        }
    }
}

static gboolean
do_check_health (HangarMachineOp  *op,
                 GCancellable     *cancellable,
                 GError          **error)
{
  HangarHealthFacts facts = { 0 };
  g_autofree char *xml = NULL;
  g_autofree char *live_xml = NULL;
  g_autofree char *arch = NULL;
  g_autofree char *virt_type = NULL;
  xmlDocPtr doc, live_doc = NULL, now;
  int state = hangar_machine_op_get_state (op, error);
  int saved;

  if (state < 0)
    return FALSE;
  facts.running = hangar_machine_is_active_state (state);
  facts.force_emulation = op->flag;
  if ((xml = hangar_machine_op_dup_config_xml (op, error)) == NULL)
    return FALSE;
  if ((doc = hangar_machine_op_parse_xml (xml, op, error)) == NULL)
    return FALSE;
  if (facts.running && (live_xml = hangar_machine_op_dup_xml (op, 0, NULL)) != NULL)
    live_doc = hangar_machine_op_parse_xml (live_xml, op, NULL);
  /* The running machine's firmware paths are the ones libvirt chose. */
  now = live_doc != NULL ? live_doc : doc;

  virt_type = xpath_text (doc, "string(/domain/@type)");
  arch = xpath_text (doc, "string(/domain/os/type/@arch)");
  facts.kvm_domain = g_strcmp0 (virt_type, "kvm") == 0;
  facts.kvm_reason = hangar_host_kvm_unusable_reason (virDomainGetConnect (op->dom),
                                                      arch != NULL ? arch : "x86_64");

  facts.agent_channel = hangar_xml_has_node (doc, "/domain/devices/channel/target"
                                                  "[@name='" AGENT_PORT "']");
  facts.agent_connected = live_doc != NULL &&
                          hangar_xml_has_node (live_doc, "/domain/devices/channel/target"
                                                         "[@name='" AGENT_PORT "']"
                                                         "[@state='connected']");
  facts.windows = hangar_xml_has_node (doc, "/domain/metadata/*[local-name()='libosinfo']"
                                            "/*[local-name()='os']"
                                            "[contains(@id, 'microsoft.com/win')]");
  facts.virtio_devices =
    hangar_xml_has_node (doc, "/domain/devices/disk[@device='disk']/target[@bus='virtio']") ||
    hangar_xml_has_node (doc, "/domain/devices/interface/model[@type='virtio']");
  facts.other_devices =
    hangar_xml_has_node (doc, "/domain/devices/disk[@device='disk']/target"
                              "[@bus='sata' or @bus='ide']") ||
    hangar_xml_has_node (doc, "/domain/devices/interface/model"
                              "[@type='e1000' or @type='e1000e' or @type='rtl8139']");
  facts.virtio_win_medium =
    hangar_xml_has_node (now, "/domain/devices/disk[@device='cdrom']/source"
                              "[contains(@file, 'virtio-win')]");

  read_disk_space (op, doc, &facts);
  read_firmware_files (now, &facts);

  saved = facts.running ? 0 : virDomainHasManagedSaveImage (op->dom, 0);
  if (saved < 0)
    {
      g_debug ("No saved state known for “%s”: %s", op->name, hangar_libvirt_last_message ());
      virResetLastError ();
    }
  facts.saved = saved > 0;
  if (facts.saved)
    facts.saved_refused = read_saved_refusal (op);

  xmlFreeDoc (doc);
  if (live_doc != NULL)
    xmlFreeDoc (live_doc);
  op->result = hangar_health_evaluate (&facts);
  op->result_free = (GDestroyNotify) g_ptr_array_unref;
  hangar_health_facts_clear (&facts);
  return TRUE;
}

/**
 * hangar_machine_check_health_async:
 * @self: a #HangarMachine
 * @force_emulation: the user's `force-software-emulation` preference
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the items
 * @user_data: data for @callback
 *
 * Reads what decides a machine's health, in a worker thread, and applies
 * hangar_health_evaluate() to it.
 */
void
hangar_machine_check_health_async (HangarMachine       *self,
                                   gboolean             force_emulation,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_check_health);
  op->flag = force_emulation;
  hangar_machine_op_run (self, op, hangar_machine_check_health_async, cancellable, callback,
                         user_data);
}

/**
 * hangar_machine_check_health_finish:
 * @self: a #HangarMachine
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type HangarHealthItem): the items, or
 *   %NULL with @error set
 */
GPtrArray *
hangar_machine_check_health_finish (HangarMachine  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_machine_check_health_async, NULL);

  /* Not hangar_machine_op_finish_pointer(): a check changes nothing, and
   * a refresh after it would make a card that checks on refresh loop. */
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* KVM or emulation                                                         */
/* ------------------------------------------------------------------------ */

static void
replace_cpu (xmlNodePtr  root,
             const char *mode)
{
  xmlNodePtr cpu = hangar_xml_first_child (root, "cpu");
  xmlNodePtr fresh = xmlNewNode (NULL, BAD_CAST "cpu");

  xmlNewProp (fresh, BAD_CAST "mode", BAD_CAST mode);
  if (cpu != NULL)
    {
      xmlReplaceNode (cpu, fresh);
      xmlFreeNode (cpu);
    }
  else
    xmlAddChild (root, fresh);
}

static gboolean
do_set_acceleration (HangarMachineOp  *op,
                     GCancellable     *cancellable,
                     GError          **error)
{
  gboolean kvm = op->flag;
  g_autofree char *xml = NULL;
  g_autofree char *arch = NULL;
  xmlChar *text = NULL;
  xmlNodePtr root, features;
  xmlDocPtr doc;
  virDomainPtr defined;
  int state = hangar_machine_op_get_state (op, error);
  int size = 0;

  if (state < 0)
    return FALSE;
  if (hangar_machine_is_active_state (state))
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_STATE,
                                _("Shut down “%s” before switching between KVM and software "
                                  "emulation."), op->name);
  if (virDomainHasManagedSaveImage (op->dom, 0) > 0)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_STATE,
                                _("“%s” has a saved state, which only the same kind of "
                                  "machine can resume: start and shut it down, or discard "
                                  "the saved state, before switching."), op->name);
  if (virDomainIsPersistent (op->dom) != 1)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                _("“%s” has no definition to change."), op->name);

  /* Secure: a definition written back keeps what only it holds (a
   * display's password). */
  xml = hangar_machine_op_dup_xml (op, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE, error);
  if (xml == NULL)
    return FALSE;
  if ((doc = hangar_machine_op_parse_xml (xml, op, error)) == NULL)
    return FALSE;
  arch = xpath_text (doc, "string(/domain/os/type/@arch)");
  if (kvm)
    {
      g_autofree char *reason =
        hangar_host_kvm_unusable_reason (virDomainGetConnect (op->dom),
                                         arch != NULL ? arch : "x86_64");

      if (reason != NULL)
        {
          xmlFreeDoc (doc);
          return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                      _("“%s” cannot use KVM: %s"), op->name, reason);
        }
    }

  root = xmlDocGetRootElement (doc);
  xmlSetProp (root, BAD_CAST "type", BAD_CAST (kvm ? "kvm" : "qemu"));
  /* As a new machine gets it (hangar-vm-config.c): the host's processor
   * under KVM, every feature TCG emulates without; QEMU offers Hyper-V's
   * enlightenments only under KVM. */
  replace_cpu (root, kvm ? "host-passthrough" : "maximum");
  features = hangar_xml_first_child (root, "features");
  if (!kvm && features != NULL)
    {
      xmlNodePtr hyperv = hangar_xml_first_child (features, "hyperv");

      if (hyperv != NULL)
        {
          xmlUnlinkNode (hyperv);
          xmlFreeNode (hyperv);
        }
    }
  xmlDocDumpMemory (doc, &text, &size);
  xmlFreeDoc (doc);

  defined = virDomainDefineXML (virDomainGetConnect (op->dom), (const char *) text);
  xmlFree (text);
  if (defined == NULL)
    return FAIL_LIBVIRT (op, _("Cannot change how “%s” runs: %s"), error);
  virDomainFree (defined);
  return TRUE;
}

/**
 * hangar_machine_set_acceleration_async:
 * @self: a #HangarMachine, shut off and without a saved state
 * @kvm: %TRUE for hardware virtualization (refused where KVM cannot be
 *   used), %FALSE for software emulation
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the definition is changed
 * @user_data: data for @callback
 *
 * Switches a machine between KVM and software emulation: its domain type
 * and its processor model, as a new machine would have them.
 */
void
hangar_machine_set_acceleration_async (HangarMachine       *self,
                                       gboolean             kvm,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_set_acceleration);
  op->flag = kvm;
  hangar_machine_op_run (self, op, hangar_machine_set_acceleration_async, cancellable, callback,
                         user_data);
}

gboolean
hangar_machine_set_acceleration_finish (HangarMachine  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  return hangar_machine_op_finish (self, result, hangar_machine_set_acceleration_async, error);
}
