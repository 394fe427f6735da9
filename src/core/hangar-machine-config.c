/* hangar-machine-config.c
 *
 * A machine's properties: its hardware read off the UI thread, its memory
 * and processors changed live where libvirt allows and always in the
 * definition (the caller learns whether a change takes effect now or at
 * the next boot), and what troubleshooting needs: the domain XML and the
 * QEMU log. Disks and the CD/DVD: hangar-machine-disks.c.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libvirt-gconfig/libvirt-gconfig.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "hangar-machine-config.h"
#include "hangar-machine-config-private.h"
#include "hangar-host.h"
#include "hangar-libvirt.h"
#include "hangar-os-db.h"
#include "hangar-storage-pool.h"

#define LIBOSINFO_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"

/* The QEMU log can grow over many boots; its end is what explains a failure. */
#define LOG_TAIL_BYTES (256 * 1024)

/* ------------------------------------------------------------------------ */
/* boxed types                                                              */
/* ------------------------------------------------------------------------ */

static HangarMachineDisk *
disk_copy (const HangarMachineDisk *disk)
{
  HangarMachineDisk *copy = g_memdup2 (disk, sizeof *disk);

  copy->target = g_strdup (disk->target);
  copy->bus = g_strdup (disk->bus);
  copy->path = g_strdup (disk->path);
  copy->format = g_strdup (disk->format);
  copy->not_growable_reason = g_strdup (disk->not_growable_reason);
  return copy;
}

static void
disk_free (HangarMachineDisk *disk)
{
  g_free (disk->target);
  g_free (disk->bus);
  g_free (disk->path);
  g_free (disk->format);
  g_free (disk->not_growable_reason);
  g_free (disk);
}

static HangarMachineConfig *
config_new (void)
{
  HangarMachineConfig *config = g_new0 (HangarMachineConfig, 1);

  config->disks = g_ptr_array_new_with_free_func ((GDestroyNotify) disk_free);
  return config;
}

HangarMachineConfig *
hangar_machine_config_copy (const HangarMachineConfig *config)
{
  HangarMachineConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_memdup2 (config, sizeof *config);
  copy->name = g_strdup (config->name);
  copy->domain_type = g_strdup (config->domain_type);
  copy->machine_type = g_strdup (config->machine_type);
  copy->video_model = g_strdup (config->video_model);
  copy->os_id = g_strdup (config->os_id);
  copy->os_name = g_strdup (config->os_name);
  copy->disks = g_ptr_array_new_with_free_func ((GDestroyNotify) disk_free);
  for (guint i = 0; i < config->disks->len; i++)
    g_ptr_array_add (copy->disks, disk_copy (g_ptr_array_index (config->disks, i)));
  return copy;
}

void
hangar_machine_config_free (HangarMachineConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->name);
  g_free (config->domain_type);
  g_free (config->machine_type);
  g_free (config->video_model);
  g_free (config->os_id);
  g_free (config->os_name);
  g_ptr_array_unref (config->disks);
  g_free (config);
}

G_DEFINE_BOXED_TYPE (HangarMachineConfig, hangar_machine_config,
                     hangar_machine_config_copy, hangar_machine_config_free)

/**
 * hangar_machine_config_get_disk:
 * @config: a #HangarMachineConfig
 * @cdrom: %TRUE for the first CD/DVD drive, %FALSE for the first hard disk
 *
 * Returns: (nullable) (transfer none): the first disk of that kind
 */
const HangarMachineDisk *
hangar_machine_config_get_disk (const HangarMachineConfig *config,
                                gboolean                   cdrom)
{
  g_return_val_if_fail (config != NULL, NULL);

  for (guint i = 0; i < config->disks->len; i++)
    {
      const HangarMachineDisk *disk = g_ptr_array_index (config->disks, i);

      if (!disk->cdrom == !cdrom)
        return disk;
    }
  return NULL;
}

/**
 * hangar_host_can_accelerate_3d:
 * @reason: (out) (optional) (transfer full): why not, as a translated sentence
 *
 * Whether a machine's display may be 3D accelerated here. It needs a render
 * node on the host, and a display that takes OpenGL scanouts (dmabufs) from
 * SPICE, which Hangar's has not yet: until it has, this says no, because a
 * guest with `<gl enable='yes'>` would show nothing at all.
 *
 * Returns: %TRUE when 3D acceleration would work
 */
gboolean
hangar_host_can_accelerate_3d (char **reason)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev/dri", 0, NULL);
  gboolean render_node = FALSE;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    render_node |= g_str_has_prefix (name, "renderD");

  if (reason != NULL)
    {
      if (render_node)
        *reason = g_strdup (_("Hangar’s display cannot show 3D-accelerated screens yet."));
      else
        *reason = g_strdup (_("This computer has no graphics device for 3D acceleration, and "
                              "Hangar’s display cannot show 3D-accelerated screens yet."));
    }
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* read                                                                     */
/* ------------------------------------------------------------------------ */

static HangarFirmware
read_firmware (xmlDocPtr doc)
{
  gboolean efi = hangar_xml_has_node (doc, "/domain/os[@firmware='efi']") ||
                 hangar_xml_has_node (doc, "/domain/os/loader[@type='pflash']");

  if (!efi)
    return HANGAR_FIRMWARE_BIOS;
  if (hangar_xml_has_node (doc, "/domain/os/firmware/feature"
                                "[@name='secure-boot' and @enabled='yes']") ||
      hangar_xml_has_node (doc, "/domain/os/loader[@secure='yes']"))
    return HANGAR_FIRMWARE_UEFI_SECURE_BOOT;
  if (hangar_xml_has_node (doc, "/domain/os/firmware/feature"
                                "[@name='secure-boot' and @enabled='no']") ||
      hangar_xml_has_node (doc, "/domain/os/loader[@secure='no']") ||
      hangar_xml_has_node (doc, "/domain/os/loader"))
    return HANGAR_FIRMWARE_UEFI;
  /* Nothing said: libvirt picks Secure Boot firmware first. */
  return HANGAR_FIRMWARE_UEFI_SECURE_BOOT;
}

/* The enum's name in libvirt's XML ("qcow2", "sata", "qxl"), or NULL. */
static const char *
enum_nick (GType type,
           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = g_enum_get_value (klass, value);

  return found != NULL ? found->value_nick : NULL;
}

static void
read_disk (HangarMachineOp         *op,
           GVirConfigDomainDisk    *gdisk,
           xmlDocPtr                doc,
           HangarMachineConfig     *config)
{
  virConnectPtr conn = virDomainGetConnect (op->dom);
  GVirConfigDomainDiskGuestDeviceType device =
    gvir_config_domain_disk_get_guest_device_type (gdisk);
  GVirConfigDomainDiskDriver *driver = gvir_config_domain_disk_get_driver (gdisk);
  HangarMachineDisk *disk;
  const char *source;
  xmlNodePtr node;

  if (device != GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK &&
      device != GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM)
    return;

  disk = g_new0 (HangarMachineDisk, 1);
  disk->cdrom = device == GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM;
  disk->target = g_strdup (gvir_config_domain_disk_get_target_dev (gdisk));
  if (driver != NULL)
    {
      disk->format = g_strdup (enum_nick (GVIR_CONFIG_TYPE_DOMAIN_DISK_FORMAT,
                                          gvir_config_domain_disk_driver_get_format (driver)));
      g_object_unref (driver);
    }
  source = gvir_config_domain_disk_get_source (gdisk);
  if (source != NULL && *source != '\0')
    disk->path = g_strdup (source);

  /* libvirt-gconfig 4.0 has no getter for these. */
  node = hangar_xml_find_disk (doc, disk->cdrom ? "cdrom" : "disk", disk->target);
  disk->readonly = disk->cdrom ||
                   (node != NULL && hangar_xml_first_child (node, "readonly") != NULL);
  /* libvirt-gconfig 4.0 reads every bus as "ide". */
  disk->bus = hangar_xml_get_prop (hangar_xml_first_child (node, "target"), "bus");
  if (disk->path == NULL && node != NULL)
    {
      xmlNodePtr src = hangar_xml_first_child (node, "source");
      g_autofree char *pool = hangar_xml_get_prop (src, "pool");
      g_autofree char *volume = hangar_xml_get_prop (src, "volume");

      if (pool != NULL && volume != NULL)
        disk->path = g_strdup_printf ("%s/%s", pool, volume);
    }

  if (disk->path != NULL && disk->target != NULL)
    {
      virDomainBlockInfo info;
      virStorageVolPtr vol = disk->path[0] == '/'
                             ? hangar_machine_pool_volume_at (conn, disk->path) : NULL;

      disk->in_pool = vol != NULL;
      /* The running QEMU's figures, else the image's own. */
      if (virDomainGetBlockInfo (op->dom, disk->target, &info, 0) == 0)
        {
          disk->capacity = info.capacity;
          disk->allocation = info.allocation;
        }
      else
        {
          virStorageVolInfo vol_info;

          g_debug ("No block info for %s of %s: %s", disk->target, op->name,
                   hangar_libvirt_last_message ());
          if (vol != NULL && virStorageVolGetInfo (vol, &vol_info) == 0)
            {
              disk->capacity = vol_info.capacity;
              disk->allocation = vol_info.allocation;
            }
        }
      if (vol != NULL)
        virStorageVolFree (vol);
    }

  if (disk->cdrom)
    disk->not_growable_reason = g_strdup (_("A CD/DVD cannot grow."));
  else if (disk->readonly)
    disk->not_growable_reason = g_strdup (_("The disk is read-only."));
  else if (!disk->in_pool)
    disk->not_growable_reason = g_strdup (_("The disk is not in Hangar’s storage: Hangar grows "
                                            "only its own disks, never an image of yours."));
  else if (g_strcmp0 (disk->format, "qcow2") != 0 && g_strcmp0 (disk->format, "raw") != 0)
    disk->not_growable_reason = g_strdup (_("Hangar grows only qcow2 and raw disk images."));
  else
    disk->growable = TRUE;

  g_ptr_array_add (config->disks, disk);
}

static char *
xpath_string (xmlDocPtr   doc,
              const char *expression)
{
  xmlXPathContextPtr context = xmlXPathNewContext (doc);
  xmlXPathObjectPtr found = xmlXPathEvalExpression (BAD_CAST expression, context);
  char *text = NULL;

  if (found != NULL && found->type == XPATH_STRING && found->stringval != NULL &&
      found->stringval[0] != '\0')
    text = g_strdup ((const char *) found->stringval);
  xmlXPathFreeObject (found);
  xmlXPathFreeContext (context);
  return text;
}

/**
 * hangar_machine_op_get_limits:
 * @op: the operation, in its worker thread
 * @doc: (nullable): the machine's definition; %NULL leaves its machine
 *   type's processors out
 * @disk_room: the free space a disk may take, in bytes; 0 for the free
 *   space where Hangar keeps disks
 * @limits: (out caller-allocates): the limits
 *
 * What this machine may have on this host, by the rules a new machine's
 * choices meet (hangar_vm_settings_get_limits()): the host's memory and
 * processors as libvirt sees them, and the processors its own machine type
 * allows (libvirt's domain capabilities for its emulator, architecture,
 * machine type and domain type).
 */
void
hangar_machine_op_get_limits (HangarMachineOp *op,
                              xmlDocPtr        doc,
                              guint64          disk_room,
                              HangarVmLimits  *limits)
{
  virConnectPtr conn = virDomainGetConnect (op->dom);
  g_autoptr(HangarHostInfo) host = hangar_host_info_new ();
  virNodeInfo node;

  if (virNodeGetInfo (conn, &node) == 0)
    {
      host->ram_mib = node.memory / 1024;
      host->cpus = node.cpus;
    }
  else
    {
      g_debug ("Cannot read the host's figures: %s", hangar_libvirt_last_message ());
      virResetLastError ();
    }
  if (doc != NULL)
    {
      g_autofree char *emulator = xpath_string (doc, "string(/domain/devices/emulator)");
      g_autofree char *arch = xpath_string (doc, "string(/domain/os/type/@arch)");
      g_autofree char *machine = xpath_string (doc, "string(/domain/os/type/@machine)");
      g_autofree char *virt_type = xpath_string (doc, "string(/domain/@type)");

      host->max_guest_vcpus = hangar_libvirt_max_vcpus (conn, emulator, arch, machine,
                                                        virt_type);
    }
  if (disk_room > 0)
    host->free_bytes = disk_room;
  else
    {
      g_autofree char *pool_dir = hangar_storage_pool_default_path ();

      host->free_bytes = hangar_host_free_bytes_at (pool_dir);
    }
  hangar_vm_settings_get_limits (host, limits);
}

static gboolean
do_read_config (HangarMachineOp  *op,
                GCancellable     *cancellable,
                GError          **error)
{
  g_autoptr(HangarMachineConfig) config = config_new ();
  GVirConfigDomain *domain;
  GVirConfigDomainOs *os;
  g_autofree char *xml = NULL;
  g_autofree char *live_xml = NULL;
  g_autofree char *osinfo = NULL;
  g_autoptr(GError) local_error = NULL;
  xmlDocPtr doc, live_doc = NULL;
  GList *devices;
  int state = hangar_machine_op_get_state (op, error);
  int vcpus;

  if (state < 0)
    return FALSE;
  config->name = g_strdup (op->name);
  config->active = hangar_machine_is_active_state (state);
  config->persistent = virDomainIsPersistent (op->dom) == 1;

  if ((xml = hangar_machine_op_dup_config_xml (op, error)) == NULL)
    return FALSE;
  domain = gvir_config_domain_new_from_xml (xml, &local_error);
  if (domain == NULL)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                _("Cannot read the definition of “%s”: %s"), op->name,
                                local_error->message);
  if ((doc = hangar_machine_op_parse_xml (xml, op, error)) == NULL)
    {
      g_object_unref (domain);
      return FALSE;
    }

  config->domain_type = g_strdup (gvir_config_domain_get_virt_type (domain) ==
                                  GVIR_CONFIG_DOMAIN_VIRT_KVM ? "kvm" : "qemu");
  config->max_memory_mib = gvir_config_domain_get_memory (domain) / 1024;
  config->memory_mib = gvir_config_domain_get_current_memory (domain) / 1024;
  if (config->memory_mib == 0)
    config->memory_mib = config->max_memory_mib;

  os = gvir_config_domain_get_os (domain);
  if (os != NULL)
    {
      config->machine_type = g_strdup (gvir_config_domain_os_get_machine (os));
      g_object_unref (os);
    }

  vcpus = virDomainGetVcpusFlags (op->dom, (config->persistent ? VIR_DOMAIN_AFFECT_CONFIG
                                            : VIR_DOMAIN_AFFECT_LIVE) | VIR_DOMAIN_VCPU_MAXIMUM);
  config->max_vcpus = vcpus > 0 ? (guint) vcpus : (guint) gvir_config_domain_get_vcpus (domain);
  vcpus = virDomainGetVcpusFlags (op->dom, config->persistent ? VIR_DOMAIN_AFFECT_CONFIG
                                                              : VIR_DOMAIN_AFFECT_LIVE);
  config->vcpus = vcpus > 0 ? (guint) vcpus : config->max_vcpus;

  if (config->active)
    {
      virDomainInfo info;

      if (virDomainGetInfo (op->dom, &info) == 0)
        {
          config->live_memory_mib = info.memory / 1024;
          config->live_max_memory_mib = info.maxMem / 1024;
        }
      vcpus = virDomainGetVcpusFlags (op->dom, VIR_DOMAIN_AFFECT_LIVE);
      config->live_vcpus = vcpus > 0 ? (guint) vcpus : 0;
      vcpus = virDomainGetVcpusFlags (op->dom, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_VCPU_MAXIMUM);
      config->live_max_vcpus = vcpus > 0 ? (guint) vcpus : 0;
      /* The running machine's XML says which firmware libvirt picked. */
      if ((live_xml = hangar_machine_op_dup_xml (op, 0, NULL)) != NULL)
        live_doc = hangar_machine_op_parse_xml (live_xml, op, NULL);
    }

  hangar_machine_op_get_limits (op, doc, 0, &config->limits);
  config->firmware = read_firmware (live_doc != NULL ? live_doc : doc);
  config->tpm = hangar_xml_has_node (doc, "/domain/devices/tpm");
  config->gl = hangar_xml_has_node (doc, "/domain/devices/graphics/gl[@enable='yes']");

  /* libvirt-gconfig 4.0 leaves <tpm> out of the device list; disks and
   * video are there. */
  devices = gvir_config_domain_get_devices (domain);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      if (GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        read_disk (op, l->data, doc, config);
      else if (GVIR_CONFIG_IS_DOMAIN_VIDEO (l->data) && config->video_model == NULL)
        config->video_model =
          g_strdup (enum_nick (GVIR_CONFIG_TYPE_DOMAIN_VIDEO_MODEL,
                               gvir_config_domain_video_get_model (l->data)));
    }
  g_list_free_full (devices, g_object_unref);

  osinfo = gvir_config_domain_get_custom_xml (domain, LIBOSINFO_NS);
  if (osinfo != NULL)
    {
      xmlDocPtr meta = xmlReadMemory (osinfo, (int) strlen (osinfo), "metadata.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
      xmlNodePtr root = meta != NULL ? xmlDocGetRootElement (meta) : NULL;

      for (xmlNodePtr child = root != NULL ? root->children : NULL; child != NULL;
           child = child->next)
        if (child->type == XML_ELEMENT_NODE && xmlStrcmp (child->name, BAD_CAST "os") == 0)
          config->os_id = hangar_xml_get_prop (child, "id");
      if (meta != NULL)
        xmlFreeDoc (meta);
    }

  g_object_unref (domain);
  xmlFreeDoc (doc);
  if (live_doc != NULL)
    xmlFreeDoc (live_doc);
  op->result = g_steal_pointer (&config);
  return TRUE;
}

static void
resolve_os_name (HangarMachineConfig *config)
{
  HangarOsDb *db = hangar_os_db_get_default ();
  g_autoptr(HangarOsProfile) profile = NULL;

  if (config->os_id == NULL || !hangar_os_db_is_loaded (db))
    return;
  profile = hangar_os_db_profile_for_id (db, config->os_id);
  if (profile != NULL && profile->short_id != NULL)
    {
      g_free (config->os_name);
      config->os_name = g_strdup (profile->name);
    }
}

static void
os_db_loaded (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  HangarMachineConfig *config = g_task_get_task_data (task);

  /* Without the database the OS is shown by its id: not a failure. */
  if (!hangar_os_db_load_finish (HANGAR_OS_DB (object), result, &error))
    g_debug ("No OS database for a machine's properties: %s", error->message);
  resolve_os_name (config);
  g_task_return_pointer (task, hangar_machine_config_copy (config),
                         (GDestroyNotify) hangar_machine_config_free);
}

static void
config_read (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  HangarMachineConfig *config;

  config = hangar_machine_op_finish_pointer (HANGAR_MACHINE (object), result,
                                             hangar_machine_read_config_async, &error);
  if (config == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_set_task_data (task, config, (GDestroyNotify) hangar_machine_config_free);
  if (config->os_id != NULL && !hangar_os_db_is_loaded (hangar_os_db_get_default ()))
    {
      hangar_os_db_load_async (hangar_os_db_get_default (), g_task_get_cancellable (task),
                               os_db_loaded, g_steal_pointer (&task));
      return;
    }
  resolve_os_name (config);
  g_task_return_pointer (task, hangar_machine_config_copy (config),
                         (GDestroyNotify) hangar_machine_config_free);
}

/**
 * hangar_machine_read_config_async:
 * @self: a #HangarMachine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the machine's configuration
 * @user_data: data for @callback
 *
 * Reads the machine's memory, processors, disks and their sizes, firmware,
 * TPM, video and OS in a worker thread, from its definition (and from the
 * running machine where that differs). The OS's name comes from the OS
 * database, which this loads when it is not yet.
 */
void
hangar_machine_read_config_async (HangarMachine       *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_machine_read_config_async);
  op = hangar_machine_op_new (self, do_read_config);
  op->result_free = (GDestroyNotify) hangar_machine_config_free;
  hangar_machine_op_run (self, op, hangar_machine_read_config_async, cancellable, config_read,
                         task);
}

/**
 * hangar_machine_read_config_finish:
 *
 * Returns: (transfer full): the configuration, or %NULL with @error set
 */
HangarMachineConfig *
hangar_machine_read_config_finish (HangarMachine  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_machine_read_config_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* memory and processors                                                    */
/* ------------------------------------------------------------------------ */

static gboolean
fail_transient (HangarMachineOp  *op,
                GError          **error)
{
  return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                              _("“%s” is only being tried out and cannot take this change while "
                                "it runs: keep it first."), op->name);
}

/* Holds @number, memory in MiB or (@vcpus) processors, against what this
 * machine can run on this host, so that a change it could never start with
 * is refused now, not at its next start. */
static gboolean
check_limits (HangarMachineOp  *op,
              guint64           number,
              gboolean          vcpus,
              GError          **error)
{
  g_autofree char *xml = hangar_machine_op_dup_config_xml (op, error);
  g_autoptr(GError) limits_error = NULL;
  HangarVmLimits limits;
  xmlDocPtr doc;

  if (xml == NULL || (doc = hangar_machine_op_parse_xml (xml, op, error)) == NULL)
    return FALSE;
  hangar_machine_op_get_limits (op, doc, 0, &limits);
  xmlFreeDoc (doc);
  if (vcpus ? hangar_vm_limits_check_vcpus (&limits, number, &limits_error)
            : hangar_vm_limits_check_memory (&limits, number, &limits_error))
    return TRUE;
  return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED, "%s",
                              limits_error->message);
}

static gboolean
do_set_memory (HangarMachineOp  *op,
               GCancellable     *cancellable,
               GError          **error)
{
  guint64 memory_mib = g_ascii_strtoull (op->arg2, NULL, 10);
  unsigned long kib = (unsigned long) MIN (memory_mib, G_MAXULONG / 1024) * 1024;
  int state = hangar_machine_op_get_state (op, error);
  gboolean persistent = virDomainIsPersistent (op->dom) == 1;
  gboolean live = FALSE;

  if (state < 0 || !check_limits (op, memory_mib, FALSE, error))
    return FALSE;

  if (hangar_machine_is_active_state (state))
    {
      virDomainInfo info;

      /* The balloon moves within what the machine booted with; more needs a
       * new boot. Without a balloon (or its driver) libvirt refuses: then
       * too the change waits for the next boot. */
      if (virDomainGetInfo (op->dom, &info) == 0 && kib <= info.maxMem)
        {
          if (virDomainSetMemoryFlags (op->dom, kib, VIR_DOMAIN_AFFECT_LIVE) == 0)
            live = TRUE;
          else
            g_debug ("Cannot change the memory of %s live: %s", op->name,
                     hangar_libvirt_last_message ());
        }
    }

  if (!persistent)
    return live ? hangar_machine_op_set_live (op, TRUE) : fail_transient (op, error);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  /* The definition boots with what was asked: its maximum and its current
   * memory both, as a new machine's. Current must never exceed maximum. */
  if (virDomainSetMemoryFlags (op->dom, kib,
                               VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_MEM_MAXIMUM) < 0 ||
      virDomainSetMemoryFlags (op->dom, kib, VIR_DOMAIN_AFFECT_CONFIG) < 0)
    return FAIL_LIBVIRT (op, _("Cannot change the memory of “%s”: %s"), error);

  return hangar_machine_op_set_live (op, live);
}

/**
 * hangar_machine_set_memory_async:
 * @self: a #HangarMachine
 * @memory_mib: the memory the machine should have, in MiB
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the change is made
 * @user_data: data for @callback
 *
 * Gives the machine @memory_mib of memory: in its definition (from its next
 * boot on) and, when it runs and @memory_mib is within what it booted with,
 * at once through its memory balloon. hangar_machine_set_memory_finish()
 * says which.
 */
void
hangar_machine_set_memory_async (HangarMachine       *self,
                                 guint64              memory_mib,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_set_memory);
  /* As asked, however large: the limits refuse it with its own figure. */
  op->arg2 = g_strdup_printf ("%" G_GUINT64_FORMAT, memory_mib);
  hangar_machine_op_run (self, op, hangar_machine_set_memory_async, cancellable, callback,
                         user_data);
}

/**
 * hangar_machine_set_memory_finish:
 * @live: (out) (optional): %TRUE when the running machine's balloon took
 *   the new amount now (the system inside hands memory back only if it has
 *   a balloon driver), %FALSE when it takes effect at the next boot
 *
 * Returns: %TRUE when the change is made
 */
gboolean
hangar_machine_set_memory_finish (HangarMachine  *self,
                                  GAsyncResult   *result,
                                  gboolean       *live,
                                  GError        **error)
{
  return hangar_machine_finish_live (self, result, hangar_machine_set_memory_async, live, error);
}

static gboolean
do_set_vcpus (HangarMachineOp  *op,
              GCancellable     *cancellable,
              GError          **error)
{
  unsigned int n = op->number;
  int state = hangar_machine_op_get_state (op, error);
  gboolean persistent = virDomainIsPersistent (op->dom) == 1;
  gboolean live = FALSE;
  int max;

  if (state < 0 || !check_limits (op, n, TRUE, error))
    return FALSE;

  if (hangar_machine_is_active_state (state))
    {
      /* Processors plug in and out up to the maximum it booted with. */
      max = virDomainGetVcpusFlags (op->dom, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_VCPU_MAXIMUM);
      if (max > 0 && n <= (unsigned int) max)
        {
          if (virDomainSetVcpusFlags (op->dom, n, VIR_DOMAIN_AFFECT_LIVE) == 0)
            live = TRUE;
          else
            g_debug ("Cannot change the processors of %s live: %s", op->name,
                     hangar_libvirt_last_message ());
        }
    }

  if (!persistent)
    return live ? hangar_machine_op_set_live (op, TRUE) : fail_transient (op, error);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  max = virDomainGetVcpusFlags (op->dom, VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM);
  if (max < 0)
    return FAIL_LIBVIRT (op, _("Cannot read the processors of “%s”: %s"), error);
  /* A maximum above the count leaves room to plug more in while it runs;
   * only a count above it moves it. */
  if (n > (unsigned int) max &&
      virDomainSetVcpusFlags (op->dom, n, VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM) < 0)
    return FAIL_LIBVIRT (op, _("Cannot change the processors of “%s”: %s"), error);
  if (virDomainSetVcpusFlags (op->dom, n, VIR_DOMAIN_AFFECT_CONFIG) < 0)
    return FAIL_LIBVIRT (op, _("Cannot change the processors of “%s”: %s"), error);

  return hangar_machine_op_set_live (op, live);
}

/**
 * hangar_machine_set_vcpus_async:
 * @self: a #HangarMachine
 * @vcpus: the number of virtual processors
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the change is made
 * @user_data: data for @callback
 *
 * Gives the machine @vcpus processors: in its definition (raising its
 * maximum when needed) and, when it runs and @vcpus is within the maximum
 * it booted with, at once by plugging processors in or out.
 * hangar_machine_set_vcpus_finish() says which.
 */
void
hangar_machine_set_vcpus_async (HangarMachine       *self,
                                guint                vcpus,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_set_vcpus);
  op->number = vcpus;
  hangar_machine_op_run (self, op, hangar_machine_set_vcpus_async, cancellable, callback,
                         user_data);
}

/**
 * hangar_machine_set_vcpus_finish:
 * @live: (out) (optional): %TRUE when the running machine has them now,
 *   %FALSE when they take effect at the next boot
 *
 * Returns: %TRUE when the change is made
 */
gboolean
hangar_machine_set_vcpus_finish (HangarMachine  *self,
                                 GAsyncResult   *result,
                                 gboolean       *live,
                                 GError        **error)
{
  return hangar_machine_finish_live (self, result, hangar_machine_set_vcpus_async, live, error);
}

/* ------------------------------------------------------------------------ */
/* troubleshooting                                                          */
/* ------------------------------------------------------------------------ */

static gboolean
do_get_xml (HangarMachineOp  *op,
            GCancellable     *cancellable,
            GError          **error)
{
  unsigned int flags = op->flag && virDomainIsPersistent (op->dom) == 1
                       ? VIR_DOMAIN_XML_INACTIVE : 0;
  char *xml = hangar_machine_op_dup_xml (op, flags, error);

  if (xml == NULL)
    return FALSE;
  op->result = xml;
  op->result_free = g_free;
  return TRUE;
}

/**
 * hangar_machine_get_xml_async:
 * @self: a #HangarMachine
 * @inactive: the definition it boots with next, rather than the running
 *   machine's (as `virsh dumpxml --inactive`)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the XML
 * @user_data: data for @callback
 *
 * Reads the machine's libvirt domain XML, without secrets.
 */
void
hangar_machine_get_xml_async (HangarMachine       *self,
                              gboolean             inactive,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_get_xml);
  op->flag = inactive;
  hangar_machine_op_run (self, op, hangar_machine_get_xml_async, cancellable, callback, user_data);
}

/**
 * hangar_machine_get_xml_finish:
 *
 * Returns: (transfer full): the XML, or %NULL with @error set
 */
char *
hangar_machine_get_xml_finish (HangarMachine  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  return hangar_machine_op_finish_pointer (self, result, hangar_machine_get_xml_async, error);
}

typedef struct
{
  char *text;
  char *path;
} LogResult;

static void
log_result_free (LogResult *log)
{
  g_free (log->text);
  g_free (log->path);
  g_free (log);
}

/* Where libvirt's QEMU driver writes the machine's log, when this process
 * can read it: the session daemon runs as the user, with the user's cache
 * directory. */
static char *
log_path_for (HangarMachineOp  *op,
              GError          **error)
{
  char *uri = virConnectGetURI (virDomainGetConnect (op->dom));
  g_autofree char *file = g_strconcat (op->name, ".log", NULL);
  char *path = NULL;

  if (uri == NULL)
    {
      FAIL_LIBVIRT (op, _("Cannot find the log of “%s”: %s"), error);
      return NULL;
    }
  if (g_str_equal (uri, "qemu:///session"))
    path = g_build_filename (g_get_user_cache_dir (), "libvirt", "qemu", "log", file, NULL);
  else if (g_str_equal (uri, "qemu:///system"))
    path = g_build_filename ("/var/log/libvirt/qemu", file, NULL);
  else
    hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                         _("The log of “%s” is not on this computer (the connection is %s)."),
                         op->name, uri);
  free (uri);
  return path;
}

static gboolean
do_read_log (HangarMachineOp  *op,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autofree char *path = log_path_for (op, error);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *buffer = NULL;
  goffset size, start;
  gsize n_read = 0;
  LogResult *log;
  char *text;

  if (path == NULL)
    return FALSE;
  file = g_file_new_for_path (path);
  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_FOUND,
                                _("“%s” has no log yet: it is written when the machine starts."),
                                op->name);
  if (stream == NULL)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                _("Cannot read the log of “%s”: %s"), op->name,
                                local_error->message);

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  size = info != NULL ? g_file_info_get_size (info) : 0;
  start = size > LOG_TAIL_BYTES ? size - LOG_TAIL_BYTES : 0;
  if (start > 0 && !g_seekable_seek (G_SEEKABLE (stream), start, G_SEEK_SET, cancellable, NULL))
    start = 0;
  buffer = g_malloc (LOG_TAIL_BYTES + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, LOG_TAIL_BYTES, &n_read,
                                cancellable, &local_error))
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_FAILED,
                                _("Cannot read the log of “%s”: %s"), op->name,
                                local_error->message);
  buffer[n_read] = '\0';

  text = buffer;
  /* Cut into the middle of the file: start at a whole line. */
  if (start > 0 && strchr (text, '\n') != NULL)
    text = strchr (text, '\n') + 1;

  log = g_new0 (LogResult, 1);
  log->text = g_utf8_make_valid (text, -1);
  log->path = g_steal_pointer (&path);
  op->result = log;
  op->result_free = (GDestroyNotify) log_result_free;
  return TRUE;
}

/**
 * hangar_machine_read_log_async:
 * @self: a #HangarMachine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the log
 * @user_data: data for @callback
 *
 * Reads QEMU's log of the machine as libvirt keeps it (for qemu:///session
 * in `$XDG_CACHE_HOME/libvirt/qemu/log/NAME.log`): each start's command line
 * and what QEMU said, its last 256 KiB. A machine that never ran has none
 * (%HANGAR_MACHINE_ERROR_NOT_FOUND); a remote connection's is out of reach
 * (%HANGAR_MACHINE_ERROR_NOT_SUPPORTED).
 */
void
hangar_machine_read_log_async (HangarMachine       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_MACHINE (self));

  hangar_machine_op_run (self, hangar_machine_op_new (self, do_read_log),
                         hangar_machine_read_log_async, cancellable, callback, user_data);
}

/**
 * hangar_machine_read_log_finish:
 * @path: (out) (optional) (transfer full): the log file's path
 *
 * Returns: (transfer full): the log's text (valid UTF-8), or %NULL with
 *   @error set
 */
char *
hangar_machine_read_log_finish (HangarMachine  *self,
                                GAsyncResult   *result,
                                char          **path,
                                GError        **error)
{
  LogResult *log = hangar_machine_op_finish_pointer (self, result, hangar_machine_read_log_async,
                                                     error);
  char *text;

  if (log == NULL)
    return NULL;
  text = g_steal_pointer (&log->text);
  if (path != NULL)
    *path = g_steal_pointer (&log->path);
  log_result_free (log);
  return text;
}
