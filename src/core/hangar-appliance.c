/* hangar-appliance.c
 *
 * An OVF description read as one machine with libxml2 (never loading a
 * document type or an external entity): its figures, firmware, OS, disks in
 * order and network adapters, and what the machine cannot keep written
 * down as notes for the review. Pure; the archive and the files are
 * hangar-appliance-archive.c's.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-appliance"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hangar-appliance.h"
#include "hangar-appliance-private.h"

#define NS_OVF1 "http://schemas.dmtf.org/ovf/envelope/1"
#define NS_OVF2 "http://schemas.dmtf.org/ovf/envelope/2"
#define NS_RASD "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
#define NS_SASD "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_StorageAllocationSettingData"
#define NS_EPASD "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_EthernetPortAllocationSettingData"
#define NS_VBOX "http://www.virtualbox.org/ovf/machine"
#define NS_VMW "http://www.vmware.com/schema/ovf"

/* Bounds a hostile appliance meets long before a real one does. */
#define MAX_DISKS 16
#define MAX_NICS 8
#define MAX_CAPACITY (G_GUINT64_CONSTANT (64) << 40)   /* 64 TiB */
#define MAX_MEMORY_MIB (G_GUINT64_CONSTANT (16) << 20) /* 16 TiB */
#define MAX_VCPUS 1024


/* CIM resource types (DSP8023) the review speaks of. */
enum
{
  RESOURCE_OTHER = 1,
  RESOURCE_PROCESSOR = 3,
  RESOURCE_MEMORY = 4,
  RESOURCE_IDE = 5,
  RESOURCE_SCSI = 6,
  RESOURCE_ETHERNET = 10,
  RESOURCE_FLOPPY = 14,
  RESOURCE_CD = 15,
  RESOURCE_DVD = 16,
  RESOURCE_DISK = 17,
  RESOURCE_OTHER_STORAGE = 20,
  RESOURCE_SERIAL = 21,
  RESOURCE_PARALLEL = 22,
  RESOURCE_USB = 23,
  RESOURCE_GRAPHICS = 24,
  RESOURCE_SOUND = 35,
};

G_DEFINE_QUARK (hangar-appliance-error-quark, hangar_appliance_error)

/* Where an appliance names its OS, most precise first: VirtualBox's
 * vbox:OSType (without "_64"), VMware's vmw:osType, then the CIM code
 * (CIM_OperatingSystem.OSType) every exporter writes. A family without a
 * version (VirtualBox's "Ubuntu", VMware's "fedora64Guest", CIM's "Linux
 * 64-Bit") gets libosinfo's generic recent Linux: modern devices, no
 * version claimed. */
#define GENERIC_LINUX "linux2022"

static const struct { const char *name; const char *osinfo; } vbox_os_types[] = {
  { "WindowsXP", "winxp" },
  { "WindowsVista", "winvista" },
  { "Windows7", "win7" },
  { "Windows8", "win8" },
  { "Windows81", "win8.1" },
  { "Windows10", "win10" },
  { "Windows11", "win11" },
  { "Debian10", "debian10" },
  { "Debian11", "debian11" },
  { "Debian12", "debian12" },
  { "Ubuntu20_LTS", "ubuntu20.04" },
  { "Ubuntu22_LTS", "ubuntu22.04" },
  { "RedHat7", "rhel7.0" },
  { "RedHat8", "rhel8.0" },
  { "RedHat9", "rhel9.0" },
  { "Debian", GENERIC_LINUX },
  { "Ubuntu", GENERIC_LINUX },
  { "Fedora", GENERIC_LINUX },
  { "RedHat", GENERIC_LINUX },
  { "Linux26", GENERIC_LINUX },
  { "Linux", GENERIC_LINUX },
};

static const struct { const char *name; const char *osinfo; } vmware_os_types[] = {
  { "winXPProGuest", "winxp" },
  { "windows7Guest", "win7" },
  { "windows7_64Guest", "win7" },
  { "windows8Guest", "win8" },
  { "windows8_64Guest", "win8" },
  { "windows9Guest", "win10" },
  { "windows9_64Guest", "win10" },
  { "windows11_64Guest", "win11" },
  { "debian10Guest", "debian10" },
  { "debian10_64Guest", "debian10" },
  { "debian11Guest", "debian11" },
  { "debian11_64Guest", "debian11" },
  { "debian12Guest", "debian12" },
  { "debian12_64Guest", "debian12" },
  { "rhel7_64Guest", "rhel7.0" },
  { "rhel8_64Guest", "rhel8.0" },
  { "rhel9_64Guest", "rhel9.0" },
  { "ubuntuGuest", GENERIC_LINUX },
  { "ubuntu64Guest", GENERIC_LINUX },
  { "fedoraGuest", GENERIC_LINUX },
  { "fedora64Guest", GENERIC_LINUX },
  { "otherLinuxGuest", GENERIC_LINUX },
  { "otherLinux64Guest", GENERIC_LINUX },
  { "other3xLinux64Guest", GENERIC_LINUX },
  { "other4xLinux64Guest", GENERIC_LINUX },
  { "other5xLinux64Guest", GENERIC_LINUX },
  { "other6xLinux64Guest", GENERIC_LINUX },
};

static const struct { guint code; const char *osinfo; } cim_os_types[] = {
  { 36, GENERIC_LINUX },    /* LINUX */
  { 67, "winxp" },
  { 71, "winxp" },          /* Windows XP 64-Bit */
  { 73, "winvista" },
  { 74, "winvista" },
  { 79, GENERIC_LINUX },    /* RedHat Enterprise Linux */
  { 80, GENERIC_LINUX },
  { 93, GENERIC_LINUX },    /* Ubuntu */
  { 94, GENERIC_LINUX },
  { 95, GENERIC_LINUX },    /* Debian */
  { 96, GENERIC_LINUX },
  { 99, GENERIC_LINUX },    /* Linux 2.6.x */
  { 100, GENERIC_LINUX },
  { 101, GENERIC_LINUX },   /* Linux 64-Bit */
  { 105, "win7" },
  { 113, "win8" },
  { 114, "win8" },
  { 116, "win8.1" },
  { 117, "win8.1" },
  { 119, "win10" },
  { 120, "win10" },
};

const char *
hangar_appliance_os_id_for (const char *vbox_type,
                            const char *vmware_type,
                            guint64     cim_code)
{
  if (vbox_type != NULL)
    {
      gsize len = strlen (vbox_type);

      if (g_str_has_suffix (vbox_type, "_64"))
        len -= 3;
      for (gsize i = 0; i < G_N_ELEMENTS (vbox_os_types); i++)
        if (strlen (vbox_os_types[i].name) == len &&
            strncmp (vbox_type, vbox_os_types[i].name, len) == 0)
          return vbox_os_types[i].osinfo;
    }
  if (vmware_type != NULL)
    for (gsize i = 0; i < G_N_ELEMENTS (vmware_os_types); i++)
      if (g_str_equal (vmware_type, vmware_os_types[i].name))
        return vmware_os_types[i].osinfo;
  for (gsize i = 0; i < G_N_ELEMENTS (cim_os_types); i++)
    if (cim_code == cim_os_types[i].code)
      return cim_os_types[i].osinfo;
  return NULL;
}

void
hangar_appliance_os_ids_foreach (GFunc    func,
                                 gpointer user_data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (vbox_os_types); i++)
    func ((gpointer) vbox_os_types[i].osinfo, user_data);
  for (gsize i = 0; i < G_N_ELEMENTS (vmware_os_types); i++)
    func ((gpointer) vmware_os_types[i].osinfo, user_data);
  for (gsize i = 0; i < G_N_ELEMENTS (cim_os_types); i++)
    func ((gpointer) cim_os_types[i].osinfo, user_data);
}

/**
 * hangar_appliance_signature_text:
 * @appliance: an opened appliance
 *
 * Returns: (transfer full): what the review says of its signature: who
 *   signed it (checked; and whether this computer trusts their certificate),
 *   or that it is not signed
 */
char *
hangar_appliance_signature_text (const HangarAppliance *appliance)
{
  g_return_val_if_fail (appliance != NULL, NULL);

  if (appliance->signer == NULL)
    return g_strdup (_("Not signed"));
  if (appliance->signer_trusted)
    /* Translators: %s is the signer's name from their certificate */
    return g_strdup_printf (_("Signed by %s"), appliance->signer);
  /* Translators: %s is the signer's name from their certificate */
  return g_strdup_printf (_("Signed by %s; no authority this computer trusts vouches for that "
                            "name"), appliance->signer);
}

static void
disk_free (HangarApplianceDisk *disk)
{
  g_free (disk->href);
  g_free (disk->controller);
  g_free (disk->path);
  g_free (disk);
}

void
hangar_appliance_free (HangarAppliance *appliance)
{
  if (appliance == NULL)
    return;
  g_free (appliance->path);
  g_free (appliance->name);
  g_free (appliance->description);
  g_free (appliance->os_type);
  g_free (appliance->os_id);
  g_free (appliance->signer);
  g_clear_pointer (&appliance->disks, g_ptr_array_unref);
  g_clear_pointer (&appliance->notes, g_ptr_array_unref);
  g_free (appliance);
}


HangarAppliance *
hangar_appliance_copy (const HangarAppliance *appliance)
{
  HangarAppliance *copy;

  g_return_val_if_fail (appliance != NULL, NULL);

  copy = hangar_appliance_new_empty ();
  copy->path = g_strdup (appliance->path);
  copy->ova = appliance->ova;
  copy->name = g_strdup (appliance->name);
  copy->description = g_strdup (appliance->description);
  copy->vcpus = appliance->vcpus;
  copy->memory_mib = appliance->memory_mib;
  copy->firmware = appliance->firmware;
  copy->firmware_declared = appliance->firmware_declared;
  copy->os_type = g_strdup (appliance->os_type);
  copy->os_id = g_strdup (appliance->os_id);
  copy->nics = appliance->nics;
  copy->signer = g_strdup (appliance->signer);
  copy->signer_trusted = appliance->signer_trusted;
  for (guint i = 0; i < appliance->disks->len; i++)
    {
      const HangarApplianceDisk *disk = g_ptr_array_index (appliance->disks, i);
      HangarApplianceDisk *d = g_memdup2 (disk, sizeof *disk);

      d->href = g_strdup (disk->href);
      d->controller = g_strdup (disk->controller);
      d->path = g_strdup (disk->path);
      g_ptr_array_add (copy->disks, d);
    }
  for (guint i = 0; i < appliance->notes->len; i++)
    g_ptr_array_add (copy->notes, g_strdup (g_ptr_array_index (appliance->notes, i)));
  return copy;
}

HangarAppliance *
hangar_appliance_new_empty (void)
{
  HangarAppliance *appliance = g_new0 (HangarAppliance, 1);

  appliance->disks = g_ptr_array_new_with_free_func ((GDestroyNotify) disk_free);
  appliance->notes = g_ptr_array_new_with_free_func (g_free);
  return appliance;
}

/* hangar-appliance-private.h: an appliance error, for both of its files;
 * always FALSE, to return at once. */
gboolean
hangar_appliance_set_error (GError     **error,
                            int          code,
                            const char  *format,
                            ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    {
      g_assert (*error == NULL);
      *error = g_error_new_valist (HANGAR_APPLIANCE_ERROR, code, format, args);
    }
  va_end (args);
  return FALSE;
}

/**
 * hangar_appliance_check_href:
 * @href: a file name from an appliance (a tar member or an OVF reference)
 *
 * A name must stay inside the appliance: not empty, not absolute, no “..”,
 * no backslash, no URL.
 *
 * Returns: whether @href is safe to look up
 */
gboolean
hangar_appliance_check_href (const char  *href,
                             GError     **error)
{
  g_auto(GStrv) parts = NULL;

  if (href == NULL || *href == '\0')
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                       _("The appliance names a file without a name."));
  if (!g_utf8_validate (href, -1, NULL) || g_path_is_absolute (href) ||
      strchr (href, '\\') != NULL || strstr (href, "://") != NULL ||
      g_str_has_prefix (href, "file:"))
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_UNSAFE,
                                       _("The appliance names a file outside itself (“%s”). "
                                         "Hangar refuses it."),
                                       g_utf8_validate (href, -1, NULL) ? href : "?");
  parts = g_strsplit (href, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], ".."))
      return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_UNSAFE,
                                         _("The appliance names a file outside itself (“%s”). "
                                           "Hangar refuses it."), href);
  return TRUE;
}

/* libxml2 helpers: elements by namespace and local name. */

static gboolean
ns_is (const xmlNode *node,
       const char    *ns)
{
  if (node->ns == NULL || node->ns->href == NULL)
    return FALSE;
  if (ns == NULL)   /* either OVF envelope */
    return xmlStrEqual (node->ns->href, BAD_CAST NS_OVF1) ||
           xmlStrEqual (node->ns->href, BAD_CAST NS_OVF2);
  return xmlStrEqual (node->ns->href, BAD_CAST ns);
}

static gboolean
is_element (const xmlNode *node,
            const char    *ns,
            const char    *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE &&
         xmlStrEqual (node->name, BAD_CAST name) && ns_is (node, ns);
}

static xmlNode *
child (const xmlNode *parent,
       const char    *ns,
       const char    *name)
{
  for (xmlNode *c = parent != NULL ? parent->children : NULL; c != NULL; c = c->next)
    if (is_element (c, ns, name))
      return c;
  return NULL;
}

/* An OVF attribute (ovf:id…), in either envelope namespace. */
static char *
ovf_attr (const xmlNode *node,
          const char    *name)
{
  xmlChar *value = xmlGetNsProp (node, BAD_CAST name, BAD_CAST NS_OVF1);

  if (value == NULL)
    value = xmlGetNsProp (node, BAD_CAST name, BAD_CAST NS_OVF2);
  if (value == NULL)
    return NULL;
  {
    char *copy = g_strdup ((const char *) value);

    xmlFree (value);
    return copy;
  }
}

static char *
text_of (const xmlNode *node)
{
  xmlChar *content;
  char *copy;

  if (node == NULL)
    return NULL;
  content = xmlNodeGetContent (node);
  copy = g_strstrip (g_strdup (content != NULL ? (const char *) content : ""));
  xmlFree (content);
  return copy;
}

/* A resource item's field, in whichever CIM namespace its kind uses. */
static char *
item_field (const xmlNode *item,
            const char    *name)
{
  for (xmlNode *c = item->children; c != NULL; c = c->next)
    if (is_element (c, NS_RASD, name) || is_element (c, NS_SASD, name) ||
        is_element (c, NS_EPASD, name))
      return text_of (c);
  return NULL;
}

static gboolean
parse_uint64 (const char *text,
              guint64    *value)
{
  return text != NULL && g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, value, NULL);
}

/* "byte", "byte * 2^20", "MegaBytes"…: the unit's power of two. */
static gboolean
parse_units (const char *units,
             guint      *shift)
{
  static const struct { const char *word; guint shift; } words[] = {
    { "byte", 0 }, { "bytes", 0 }, { "kilobytes", 10 }, { "megabytes", 20 },
    { "gigabytes", 30 }, { "terabytes", 40 }, { "kb", 10 }, { "mb", 20 }, { "gb", 30 },
  };
  g_autofree char *compact = NULL;
  guint64 power;
  GString *s;

  if (units == NULL || *units == '\0')
    {
      *shift = 0;
      return TRUE;
    }
  s = g_string_new (NULL);
  for (const char *p = units; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (s, g_ascii_tolower (*p));
  compact = g_string_free (s, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (g_str_equal (compact, words[i].word))
      {
        *shift = words[i].shift;
        return TRUE;
      }
  if (g_str_has_prefix (compact, "byte*2^") &&
      g_ascii_string_to_unsigned (compact + strlen ("byte*2^"), 10, 0, 60, &power, NULL))
    {
      *shift = (guint) power;
      return TRUE;
    }
  return FALSE;
}

/* @quantity × @units in bytes, refused past @max. */
static gboolean
scaled_bytes (const char  *quantity,
              const char  *units,
              guint64      max,
              const char  *what,
              guint64     *bytes,
              GError     **error)
{
  guint64 value;
  guint shift;

  if (!parse_uint64 (quantity, &value))
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                       _("The appliance gives its %s as “%s”, which is not a "
                                         "number."), what, quantity != NULL ? quantity : "");
  if (!parse_units (units, &shift))
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                       _("The appliance gives its %s in a unit Hangar does not "
                                         "know (“%s”)."), what, units);
  if (value > (max >> shift))
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_TOO_LARGE,
                                       _("The appliance declares an impossible %s (%s × %s)."),
                                       what, quantity, units != NULL ? units : "byte");
  *bytes = value << shift;
  return TRUE;
}

typedef struct
{
  char    *instance;
  guint    type;
  char    *parent;
  guint64  address;
  guint    index;      /* the item's place in the section */
  xmlNode *node;
} Item;

static void
item_free (Item *item)
{
  g_free (item->instance);
  g_free (item->parent);
  g_free (item);
}

/* VirtualBox and VMware write SATA (AHCI) and NVMe controllers as "other
 * storage" and tell them apart by the subtype. */
static const char *
controller_name (const Item *controller)
{
  g_autofree char *subtype = item_field (controller->node, "ResourceSubType");

  switch (controller->type)
    {
    case RESOURCE_IDE:
      return "IDE";
    case RESOURCE_SCSI:
      return "SCSI";
    case RESOURCE_OTHER_STORAGE:
      if (subtype != NULL && strstr (subtype, "nvme") != NULL)
        return "NVMe";
      return "SATA";
    default:
      return NULL;
    }
}

typedef struct
{
  Item    *item;
  guint    controller_index;
} DiskSlot;

static int
compare_slots (gconstpointer a,
               gconstpointer b)
{
  const DiskSlot *x = *(DiskSlot * const *) a;
  const DiskSlot *y = *(DiskSlot * const *) b;

  if (x->controller_index != y->controller_index)
    return x->controller_index < y->controller_index ? -1 : 1;
  if (x->item->address != y->item->address)
    return x->item->address < y->item->address ? -1 : 1;
  return x->item->index < y->item->index ? -1 : x->item->index > y->item->index;
}

static void
note (HangarAppliance *appliance,
      const char      *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
note (HangarAppliance *appliance,
      const char      *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (appliance->notes, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
read_os (HangarAppliance *appliance,
         const xmlNode   *system)
{
  xmlNode *section = child (system, NULL, "OperatingSystemSection");
  g_autofree char *code_text = NULL;
  g_autofree char *vbox = NULL;
  xmlChar *vmware = NULL;
  const char *os_id;
  guint64 code = 0;

  if (section == NULL)
    return;
  code_text = ovf_attr (section, "id");
  vbox = text_of (child (section, NS_VBOX, "OSType"));
  vmware = xmlGetNsProp (section, BAD_CAST "osType", BAD_CAST NS_VMW);
  if (!parse_uint64 (code_text, &code))
    code = 0;

  if (vbox != NULL && *vbox != '\0')
    appliance->os_type = g_strdup (vbox);
  else if (vmware != NULL && *vmware != '\0')
    appliance->os_type = g_strdup ((const char *) vmware);
  else if (code != 0)
    appliance->os_type = g_strdup_printf ("CIM %" G_GUINT64_FORMAT, code);
  os_id = hangar_appliance_os_id_for (vbox, (const char *) vmware, code);
  appliance->os_id = g_strdup (os_id);
  xmlFree (vmware);
}

/* Inside vbox:Machine, VirtualBox writes its settings unprefixed: they take
 * the document's default namespace, whichever it is. */
static xmlNode *
child_by_name (const xmlNode *parent,
               const char    *name)
{
  for (xmlNode *c = parent != NULL ? parent->children : NULL; c != NULL; c = c->next)
    if (c->type == XML_ELEMENT_NODE && xmlStrEqual (c->name, BAD_CAST name))
      return c;
  return NULL;
}

/* VirtualBox's own description, then VMware's configuration keys. */
static void
read_firmware (HangarAppliance *appliance,
               const xmlNode   *system,
               const xmlNode   *hardware)
{
  xmlNode *machine = child (system, NS_VBOX, "Machine");
  xmlNode *vbox_hardware = child_by_name (machine, "Hardware");
  xmlNode *firmware = child_by_name (vbox_hardware, "Firmware");

  if (firmware != NULL)
    {
      xmlChar *type = xmlGetProp (firmware, BAD_CAST "type");

      appliance->firmware_declared = TRUE;
      if (type != NULL && g_ascii_strncasecmp ((const char *) type, "EFI", 3) == 0)
        appliance->firmware = HANGAR_FIRMWARE_UEFI;
      xmlFree (type);
    }

  for (xmlNode *c = hardware != NULL ? hardware->children : NULL; c != NULL; c = c->next)
    if (is_element (c, NS_VMW, "Config"))
      {
        xmlChar *key = xmlGetNsProp (c, BAD_CAST "key", BAD_CAST NS_VMW);
        xmlChar *value = xmlGetNsProp (c, BAD_CAST "value", BAD_CAST NS_VMW);

        if (key != NULL && value != NULL && xmlStrEqual (key, BAD_CAST "firmware"))
          {
            appliance->firmware_declared = TRUE;
            appliance->firmware = g_ascii_strcasecmp ((const char *) value, "efi") == 0
                                  ? HANGAR_FIRMWARE_UEFI : HANGAR_FIRMWARE_BIOS;
          }
        xmlFree (key);
        xmlFree (value);
      }
}

static gboolean
read_hardware (HangarAppliance *appliance,
               const xmlNode   *envelope,
               const xmlNode   *hardware,
               GError         **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func (g_free);
  xmlNode *references = child (envelope, NULL, "References");
  xmlNode *disk_section = child (envelope, NULL, "DiskSection");
  guint index = 0;
  guint nics = 0;

  if (disk_section == NULL)
    disk_section = child (envelope, NULL, "VirtualDiskDesc");

  for (xmlNode *c = hardware->children; c != NULL; c = c->next)
    {
      g_autofree char *type_text = NULL;
      g_autofree char *address = NULL;
      Item *item;
      guint64 type = 0;

      if (!is_element (c, NULL, "Item") && !is_element (c, NULL, "StorageItem") &&
          !is_element (c, NULL, "EthernetPortItem"))
        continue;
      type_text = item_field (c, "ResourceType");
      if (!parse_uint64 (type_text, &type))
        return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                           _("A device in the appliance has no valid resource "
                                             "type."));
      item = g_new0 (Item, 1);
      item->type = (guint) MIN (type, G_MAXUINT);
      item->instance = item_field (c, "InstanceID");
      item->parent = item_field (c, "Parent");
      address = item_field (c, "AddressOnParent");
      if (!parse_uint64 (address, &item->address))
        item->address = 0;
      item->index = index++;
      item->node = c;
      g_ptr_array_add (items, item);
    }

  for (guint i = 0; i < items->len; i++)
    {
      Item *item = g_ptr_array_index (items, i);
      g_autofree char *quantity = item_field (item->node, "VirtualQuantity");
      g_autofree char *units = item_field (item->node, "AllocationUnits");

      switch (item->type)
        {
        case RESOURCE_PROCESSOR:
          {
            guint64 count;

            if (!parse_uint64 (quantity, &count) || count == 0)
              return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                                 _("The appliance gives its processors as "
                                                   "“%s”, which is not a number."),
                                                 quantity != NULL ? quantity : "");
            if (count > MAX_VCPUS)
              return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_TOO_LARGE,
                                                 _("The appliance declares an impossible "
                                                   "number of processors (%s)."), quantity);
            appliance->vcpus = (guint) count;
          }
          break;

        case RESOURCE_MEMORY:
          {
            guint64 bytes;

            if (!scaled_bytes (quantity, units != NULL ? units : "MegaBytes",
                               MAX_MEMORY_MIB << 20, _("memory"), &bytes, error))
              return FALSE;
            appliance->memory_mib = (bytes + (1 << 20) - 1) >> 20;
            if (appliance->memory_mib == 0)
              return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                                 _("The appliance gives its machine no memory."));
          }
          break;

        case RESOURCE_DISK:
          {
            DiskSlot *slot = g_new0 (DiskSlot, 1);

            slot->item = item;
            slot->controller_index = G_MAXUINT;
            for (guint j = 0; j < items->len && item->parent != NULL; j++)
              {
                Item *other = g_ptr_array_index (items, j);

                if (other->instance != NULL && g_str_equal (other->instance, item->parent))
                  slot->controller_index = other->index;
              }
            g_ptr_array_add (slots, slot);
          }
          break;

        case RESOURCE_ETHERNET:
          {
            g_autofree char *connection = item_field (item->node, "Connection");

            nics++;
            if (nics > MAX_NICS)
              note (appliance, _("Network adapter %u is dropped: a machine has at most %u."),
                    nics, MAX_NICS);
            else if (connection == NULL || g_ascii_strcasecmp (connection, "NAT") != 0)
              note (appliance, _("Network adapter %u (%s) becomes user-mode networking."), nics,
                    connection != NULL && *connection != '\0' ? connection : _("not connected"));
          }
          break;

        case RESOURCE_CD:
        case RESOURCE_DVD:
          note (appliance, _("The CD/DVD drive is not imported; add one in the machine’s "
                             "properties if needed."));
          break;
        case RESOURCE_FLOPPY:
          note (appliance, _("The floppy drive is not imported."));
          break;
        case RESOURCE_USB:
          note (appliance, _("The USB controller is not imported: the machine gets its own."));
          break;
        case RESOURCE_SOUND:
          note (appliance, _("The sound card is ignored: the machine gets its own."));
          break;
        case RESOURCE_SERIAL:
        case RESOURCE_PARALLEL:
          note (appliance, _("Serial and parallel ports are not imported."));
          break;
        case RESOURCE_OTHER:
          {
            /* VMware's sound cards and its VMCI device are "other" devices. */
            g_autofree char *subtype = item_field (item->node, "ResourceSubType");

            if (subtype != NULL && g_str_has_prefix (subtype, "vmware.soundcard"))
              note (appliance, _("The sound card is ignored: the machine gets its own."));
            else if (subtype != NULL && g_str_equal (subtype, "vmware.vmci"))
              note (appliance, _("VMware’s VMCI device has no counterpart and is not imported."));
            else
              note (appliance, _("A device of CIM type %u is not imported."), item->type);
          }
          break;
        case RESOURCE_IDE:
        case RESOURCE_SCSI:
        case RESOURCE_OTHER_STORAGE:
        case RESOURCE_GRAPHICS:
          break;
        default:
          note (appliance, _("A device of CIM type %u is not imported."), item->type);
          break;
        }
    }
  appliance->nics = MIN (nics, MAX_NICS);

  g_ptr_array_sort (slots, compare_slots);
  if (slots->len > MAX_DISKS)
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_TOO_LARGE,
                                       _("The appliance has %u disks; Hangar attaches at most "
                                         "%u."), slots->len, MAX_DISKS);

  for (guint i = 0; i < slots->len; i++)
    {
      DiskSlot *slot = g_ptr_array_index (slots, i);
      g_autofree char *host_resource = item_field (slot->item->node, "HostResource");
      g_autofree char *file_ref = NULL;
      g_autofree char *capacity = NULL;
      g_autofree char *capacity_units = NULL;
      const char *disk_id = NULL;
      xmlNode *disk_node = NULL;
      HangarApplianceDisk *disk;

      if (host_resource != NULL)
        {
          disk_id = strrchr (host_resource, '/');
          disk_id = disk_id != NULL ? disk_id + 1 : host_resource;
        }
      for (xmlNode *c = disk_section != NULL ? disk_section->children : NULL;
           c != NULL && disk_id != NULL; c = c->next)
        {
          g_autofree char *id = NULL;

          if (!is_element (c, NULL, "Disk"))
            continue;
          id = ovf_attr (c, "diskId");
          if (id != NULL && g_str_equal (id, disk_id))
            disk_node = c;
        }
      if (disk_node == NULL)
        return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MISSING,
                                           _("Disk %u of the appliance (“%s”) is not described "
                                             "in it."),
                                           i + 1, host_resource != NULL ? host_resource : "");

      file_ref = ovf_attr (disk_node, "fileRef");
      if (file_ref == NULL)
        {
          note (appliance, _("Disk %u is an empty disk in the appliance and is not created."),
                i + 1);
          continue;
        }

      disk = g_new0 (HangarApplianceDisk, 1);
      g_ptr_array_add (appliance->disks, disk);
      for (xmlNode *c = references != NULL ? references->children : NULL; c != NULL; c = c->next)
        {
          g_autofree char *id = NULL;

          if (!is_element (c, NULL, "File"))
            continue;
          id = ovf_attr (c, "id");
          if (id != NULL && g_str_equal (id, file_ref) && disk->href == NULL)
            disk->href = ovf_attr (c, "href");
        }
      if (disk->href == NULL)
        return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MISSING,
                                           _("Disk %u of the appliance names a file it does "
                                             "not list (“%s”)."), i + 1, file_ref);
      if (!hangar_appliance_check_href (disk->href, error))
        return FALSE;

      capacity = ovf_attr (disk_node, "capacity");
      capacity_units = ovf_attr (disk_node, "capacityAllocationUnits");
      if (capacity != NULL &&
          !scaled_bytes (capacity, capacity_units, MAX_CAPACITY, _("disk size"),
                         &disk->capacity, error))
        return FALSE;

      for (guint j = 0; j < items->len; j++)
        {
          Item *other = g_ptr_array_index (items, j);

          if (slot->item->parent != NULL && other->instance != NULL &&
              g_str_equal (other->instance, slot->item->parent))
            disk->controller = g_strdup (controller_name (other));
        }
    }

  return TRUE;
}

/**
 * hangar_appliance_parse_ovf:
 * @data: an OVF description (XML)
 * @length: its bytes
 *
 * Reads one machine from an OVF 1.x or 2.x envelope: its name, annotation,
 * processors, memory (with its allocation units), firmware (VirtualBox's
 * `vbox:Machine` or VMware's `vmw:Config firmware`), OS (VirtualBox's type
 * or the CIM code, mapped to osinfo where one id fits), disks in the order
 * of their controllers and addresses, and network adapters; what the machine
 * cannot keep goes to the notes. A document type (and so any entity) is
 * refused: nothing outside @data is ever read. The disks' files are not
 * looked for here (see hangar_appliance_open()).
 *
 * Returns: (transfer full): the appliance, or %NULL with @error set
 */
HangarAppliance *
hangar_appliance_parse_ovf (const char  *data,
                            gsize        length,
                            GError     **error)
{
  g_autoptr(HangarAppliance) appliance = hangar_appliance_new_empty ();
  xmlDoc *doc;
  xmlNode *envelope, *system, *hardware, *annotation;
  g_autofree char *name = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length > HANGAR_APPLIANCE_MAX_OVF_BYTES || length > G_MAXINT)
    {
      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_TOO_LARGE,
                                  _("The appliance’s description is too large to be one."));
      return NULL;
    }
  /* No entity substitution, no DTD loading, no network: the defaults
   * without XML_PARSE_NOENT/DTDLOAD, spelt out. */
  doc = xmlReadMemory (data, (int) length, "appliance.ovf", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    {
      const xmlError *xml_error = xmlGetLastError ();
      g_autofree char *why = g_strdup (xml_error != NULL && xml_error->message != NULL
                                       ? xml_error->message : "?");

      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                  _("The appliance’s description is not valid XML (line %d: "
                                    "%s)."),
                                  xml_error != NULL ? xml_error->line : 0, g_strstrip (why));
      return NULL;
    }

  if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_UNSAFE,
                                  _("The appliance’s description declares a document type or "
                                    "entities. Hangar refuses it, as no real appliance needs "
                                    "them."));
      goto out;
    }

  envelope = xmlDocGetRootElement (doc);
  if (!is_element (envelope, NULL, "Envelope"))
    {
      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                  _("The file is not an OVF description (its root is not an "
                                    "OVF Envelope)."));
      goto out;
    }
  if (child (envelope, NULL, "VirtualSystemCollection") != NULL)
    {
      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_UNSUPPORTED,
                                  _("The appliance holds several machines; Hangar imports one "
                                    "at a time."));
      goto out;
    }
  system = child (envelope, NULL, "VirtualSystem");
  hardware = child (system, NULL, "VirtualHardwareSection");
  if (system == NULL || hardware == NULL)
    {
      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                  _("The appliance describes no machine."));
      goto out;
    }

  name = text_of (child (system, NULL, "Name"));
  if (name == NULL || *name == '\0')
    {
      g_free (name);
      name = ovf_attr (system, "id");
    }
  if (name != NULL && *name != '\0' && g_utf8_validate (name, -1, NULL))
    appliance->name = g_steal_pointer (&name);

  annotation = child (child (system, NULL, "AnnotationSection"), NULL, "Annotation");
  appliance->description = text_of (annotation);
  if (appliance->description != NULL && *appliance->description == '\0')
    g_clear_pointer (&appliance->description, g_free);

  read_os (appliance, system);
  read_firmware (appliance, system, hardware);
  if (!read_hardware (appliance, envelope, hardware, error))
    goto out;
  if (appliance->disks->len == 0)
    {
      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_UNSUPPORTED,
                                  _("The appliance has no disk to import."));
      goto out;
    }
  ok = TRUE;

out:
  xmlFreeDoc (doc);
  return ok ? g_steal_pointer (&appliance) : NULL;
}

/**
 * hangar_appliance_parse_manifest:
 * @text: a manifest (.mf): lines like `SHA256(disk1.vmdk)= 0a1b…`
 *
 * Returns: (transfer full): file name → "sha1:hex"/"sha256:hex"/"sha512:hex",
 *   or %NULL with @error set on a line Hangar cannot read
 */
GHashTable *
hangar_appliance_parse_manifest (const char  *text,
                                 GError     **error)
{
  g_autoptr(GHashTable) entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      const char *open, *close;
      g_autofree char *algorithm = NULL;
      g_autofree char *file = NULL;
      const char *digest;

      if (*line == '\0')
        continue;
      open = strchr (line, '(');
      close = strstr (line, ")=");
      if (open == NULL || close == NULL || close < open)
        {
          hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MANIFEST,
                                      _("The appliance’s manifest has a line Hangar cannot "
                                        "read (line %u)."), i + 1);
          return NULL;
        }
      algorithm = g_ascii_strdown (line, open - line);
      file = g_strndup (open + 1, close - open - 1);
      digest = close + 2;
      while (g_ascii_isspace (*digest))
        digest++;
      if (!g_str_equal (algorithm, "sha1") && !g_str_equal (algorithm, "sha256") &&
          !g_str_equal (algorithm, "sha512"))
        {
          hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MANIFEST,
                                      _("The appliance’s manifest uses a digest Hangar cannot "
                                        "check (%s)."), algorithm);
          return NULL;
        }
      if (!hangar_appliance_check_href (file, error))
        return NULL;
      g_hash_table_replace (entries, g_steal_pointer (&file),
                            g_strconcat (algorithm, ":", digest, NULL));
    }
  return g_steal_pointer (&entries);
}
