/* hangar-machine-disks.c
 *
 * A machine's disks as its properties change them: a hard disk of Hangar's
 * pool grows (never shrinks, never a user's image), the CD/DVD medium is
 * inserted or ejected in the running machine and its definition.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "hangar-machine-config-private.h"
#include "hangar-host.h"
#include "hangar-media.h"
#include "hangar-media-file.h"
#include "hangar-media-private.h"

/* ------------------------------------------------------------------------ */
/* disk size                                                                */
/* ------------------------------------------------------------------------ */

static gboolean
do_grow_disk (HangarMachineOp  *op,
              GCancellable     *cancellable,
              GError          **error)
{
  virConnectPtr conn = virDomainGetConnect (op->dom);
  guint64 asked = g_ascii_strtoull (op->arg2, NULL, 10);
  /* Whole sectors, up; the largest sizes down rather than round to 0. */
  guint64 capacity = asked > G_MAXUINT64 - 511 ? G_MAXUINT64 / 512 * 512
                                               : (asked + 511) / 512 * 512;
  g_autofree char *xml = NULL;
  g_autofree char *target = NULL;
  g_autofree char *path = NULL;
  g_autofree char *format = NULL;
  g_autofree char *size = NULL;
  virStorageVolInfo vol_info;
  virStorageVolPtr vol;
  xmlDocPtr doc;
  xmlNodePtr disk;
  gboolean readonly;
  int state = hangar_machine_op_get_state (op, error);
  gboolean ok;

  if (state < 0)
    return FALSE;
  if (virDomainHasManagedSaveImage (op->dom, 0) == 1)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_STATE,
                                _("“%s” has a saved state, which expects its disk as it is. Start "
                                  "it and shut it down, or discard the saved state, first."),
                                op->name);

  if ((xml = hangar_machine_op_dup_config_xml (op, error)) == NULL ||
      (doc = hangar_machine_op_parse_xml (xml, op, error)) == NULL)
    return FALSE;
  disk = hangar_xml_find_disk (doc, "disk", op->arg1);
  if (disk == NULL)
    {
      xmlFreeDoc (doc);
      if (op->arg1 != NULL)
        return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_FOUND,
                                    _("“%s” has no disk “%s”."), op->name, op->arg1);
      return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_FOUND,
                                  _("“%s” has no disk."), op->name);
    }
  target = hangar_xml_get_prop (hangar_xml_first_child (disk, "target"), "dev");
  path = hangar_xml_get_prop (hangar_xml_first_child (disk, "source"), "file");
  format = hangar_xml_get_prop (hangar_xml_first_child (disk, "driver"), "type");
  readonly = hangar_xml_first_child (disk, "readonly") != NULL;
  xmlFreeDoc (doc);

  if (readonly)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                _("The disk %s of “%s” is read-only."), target, op->name);
  if (path == NULL || (vol = hangar_machine_pool_volume_at (conn, path)) == NULL)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                _("The disk %s of “%s” is not in Hangar’s storage: Hangar grows "
                                  "only its own disks, never an image of yours."),
                                path != NULL ? path : target, op->name);
  if (g_strcmp0 (format, "qcow2") != 0 && g_strcmp0 (format, "raw") != 0)
    {
      virStorageVolFree (vol);
      return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                  _("Hangar grows only qcow2 and raw disk images, and the disk "
                                    "%s of “%s” is neither."), target, op->name);
    }
  if (virStorageVolGetInfo (vol, &vol_info) < 0)
    {
      virStorageVolFree (vol);
      return FAIL_LIBVIRT (op, _("Cannot read the size of the disk of “%s”: %s"), error);
    }

  size = g_format_size_full (vol_info.capacity, G_FORMAT_SIZE_IEC_UNITS);
  if (capacity < vol_info.capacity)
    {
      virStorageVolFree (vol);
      return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                  _("The disk of “%s” is %s and cannot shrink: that would destroy "
                                    "what is stored at its end. Disks only grow."),
                                  op->name, size);
    }
  if (capacity > vol_info.capacity)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_autoptr(GError) limits_error = NULL;
      guint64 free_bytes = hangar_host_free_bytes_at (dir);
      HangarVmLimits limits;

      /* The most a new disk may have (the free space), counting what this
       * disk may already take: a grown disk must fit when the guest fills it. */
      hangar_machine_op_get_limits (op, NULL,
                                    free_bytes > G_MAXUINT64 - vol_info.capacity
                                    ? G_MAXUINT64 : free_bytes + vol_info.capacity,
                                    &limits);
      if (!hangar_vm_limits_check_disk (&limits, capacity, &limits_error))
        {
          virStorageVolFree (vol);
          return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED, "%s",
                                      limits_error->message);
        }
    }
  if (capacity == vol_info.capacity || g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      virStorageVolFree (vol);
      return capacity == vol_info.capacity;
    }

  /* A running QEMU holds the image: it must grow it itself, and tells the
   * guest. Else the volume grows in place. */
  if (hangar_machine_is_active_state (state))
    ok = virDomainBlockResize (op->dom, target, capacity, VIR_DOMAIN_BLOCK_RESIZE_BYTES) == 0;
  else
    ok = virStorageVolResize (vol, capacity, 0) == 0;
  virStorageVolFree (vol);
  if (!ok)
    return FAIL_LIBVIRT (op, _("Cannot grow the disk of “%s”: %s"), error);
  return TRUE;
}

/**
 * hangar_machine_grow_disk_async:
 * @self: a #HangarMachine
 * @target: (nullable): the disk's target ("vda"); %NULL for the first disk
 * @capacity: its new size in bytes (rounded up to 512 bytes)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the disk has grown
 * @user_data: data for @callback
 *
 * Grows a hard disk that is a qcow2 or raw volume of Hangar's pool: while
 * the machine runs, through QEMU (the guest sees the new size at once); else
 * the image itself. A disk outside Hangar's storage is refused
 * (%HANGAR_MACHINE_ERROR_NOT_SUPPORTED), and so is a smaller size: disks
 * never shrink. The partitions and file systems inside stay as they are:
 * the guest's system must grow them.
 */
void
hangar_machine_grow_disk_async (HangarMachine       *self,
                                const char          *target,
                                guint64              capacity,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_grow_disk);
  op->arg1 = g_strdup (target);
  op->arg2 = g_strdup_printf ("%" G_GUINT64_FORMAT, capacity);
  hangar_machine_op_run (self, op, hangar_machine_grow_disk_async, cancellable, callback,
                         user_data);
}

gboolean
hangar_machine_grow_disk_finish (HangarMachine  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return hangar_machine_op_finish (self, result, hangar_machine_grow_disk_async, error);
}

/* ------------------------------------------------------------------------ */
/* CD/DVD                                                                   */
/* ------------------------------------------------------------------------ */

/* The drive's XML with @path as its medium, or none. */
static char *
cdrom_xml_with (xmlNodePtr  disk,
                const char *path)
{
  xmlNodePtr source;

  while ((source = hangar_xml_first_child (disk, "source")) != NULL)
    {
      xmlUnlinkNode (source);
      xmlFreeNode (source);
    }
  xmlSetProp (disk, BAD_CAST "type", BAD_CAST "file");
  if (path != NULL)
    {
      source = xmlNewNode (NULL, BAD_CAST "source");
      xmlSetProp (source, BAD_CAST "file", BAD_CAST path);
      xmlAddChild (disk, source);
    }
  return hangar_xml_node_to_string (disk);
}

/* A free sdX target for a new SATA drive. */
static char *
free_sata_target (xmlDocPtr doc)
{
  for (char letter = 'a'; letter <= 'z'; letter++)
    {
      g_autofree char *expr = g_strdup_printf ("/domain/devices/disk/target[@dev='sd%c']", letter);

      if (!hangar_xml_has_node (doc, expr))
        return g_strdup_printf ("sd%c", letter);
    }
  return NULL;
}

static gboolean
add_cdrom_drive (HangarMachineOp  *op,
                 xmlDocPtr         doc,
                 const char       *path,
                 GError          **error)
{
  g_autofree char *target = free_sata_target (doc);
  g_autofree char *device = NULL;

  if (target == NULL)
    return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
                                _("“%s” has no room for a CD/DVD drive."), op->name);
  device = g_markup_printf_escaped ("<disk type='file' device='cdrom'>"
                                    "<driver name='qemu' type='raw'/>"
                                    "<source file='%s'/>"
                                    "<target dev='%s' bus='sata'/>"
                                    "<readonly/></disk>", path, target);
  if (virDomainAttachDeviceFlags (op->dom, device, VIR_DOMAIN_AFFECT_CONFIG) < 0)
    return FAIL_LIBVIRT (op, _("Cannot add a CD/DVD drive to “%s”: %s"), error);
  return TRUE;
}

/* The checks a medium passes to create a machine, so that a folder, a pipe,
 * /dev/null or an empty file is refused for what it is, never opened where
 * opening would block. */
static gboolean
check_medium (const char  *path,
              GError     **error)
{
  g_autoptr(GError) media_error = NULL;

  if (hangar_media_check_file (path, &media_error))
    return TRUE;
  g_set_error_literal (error, HANGAR_MACHINE_ERROR,
                       g_error_matches (media_error, HANGAR_MEDIA_ERROR,
                                        HANGAR_MEDIA_ERROR_NOT_FOUND)
                       ? HANGAR_MACHINE_ERROR_NOT_FOUND : HANGAR_MACHINE_ERROR_FAILED,
                       media_error->message);
  return FALSE;
}

static gboolean
do_set_cdrom (HangarMachineOp  *op,
              GCancellable     *cancellable,
              GError          **error)
{
  const char *path = op->arg1;
  g_autoptr(HangarMediaFile) file = NULL;
  gboolean persistent = virDomainIsPersistent (op->dom) == 1;
  int state = hangar_machine_op_get_state (op, error);
  g_autofree char *target = NULL;
  gboolean active;

  if (state < 0)
    return FALSE;
  active = hangar_machine_is_active_state (state);
  if (path != NULL && !check_medium (path, error))
    return FALSE;
  /* The drive gets the very file checked, by its canonical path: a symlink
   * re-pointed later changes nothing, and a file replaced at that path is
   * refused at the next start (hangar_machine_check_media()). */
  if (path != NULL)
    {
      g_autoptr(GError) media_error = NULL;

      file = hangar_media_file_resolve (path, &media_error);
      if (file == NULL)
        return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_NOT_FOUND, "%s",
                                    media_error->message);
      path = file->path;
    }

  /* The running machine first: if the guest keeps its tray locked, the
   * definition is left alone too. */
  if (active)
    {
      g_autofree char *xml = hangar_machine_op_dup_xml (op, 0, error);
      g_autofree char *device = NULL;
      xmlDocPtr doc;
      xmlNodePtr disk;
      unsigned int flags = VIR_DOMAIN_AFFECT_LIVE;

      if (xml == NULL || (doc = hangar_machine_op_parse_xml (xml, op, error)) == NULL)
        return FALSE;
      disk = hangar_xml_find_disk (doc, "cdrom", NULL);
      if (disk == NULL)
        {
          xmlFreeDoc (doc);
          if (path == NULL)
            return hangar_machine_op_set_live (op, TRUE);
          return hangar_machine_fail (error, HANGAR_MACHINE_ERROR_STATE,
                                      _("“%s” has no CD/DVD drive. Shut it down to add one."),
                                      op->name);
        }
      target = hangar_xml_get_prop (hangar_xml_first_child (disk, "target"), "dev");
      device = cdrom_xml_with (disk, path);
      xmlFreeDoc (doc);
      /* An eject the guest would refuse (a locked tray) is forced: the user asked. */
      if (path == NULL)
        flags |= VIR_DOMAIN_DEVICE_MODIFY_FORCE;
      if (virDomainUpdateDeviceFlags (op->dom, device, flags) < 0)
        return path != NULL
          ? FAIL_LIBVIRT (op, _("Cannot change the CD/DVD of “%s”: %s"), error)
          : FAIL_LIBVIRT (op, _("Cannot eject the CD/DVD of “%s”: %s"), error);
    }

  if (persistent)
    {
      g_autofree char *xml = hangar_machine_op_dup_xml (op, VIR_DOMAIN_XML_INACTIVE, error);
      g_autofree char *device = NULL;
      xmlDocPtr doc;
      xmlNodePtr disk;

      if (xml == NULL || (doc = hangar_machine_op_parse_xml (xml, op, error)) == NULL)
        return FALSE;
      disk = hangar_xml_find_disk (doc, "cdrom", target);
      if (disk == NULL)
        {
          gboolean ok = path == NULL || add_cdrom_drive (op, doc, path, error);

          xmlFreeDoc (doc);
          if (ok)
            hangar_machine_record_medium (op->dom, path, file != NULL ? file->identity : NULL);
          return ok ? hangar_machine_op_set_live (op, active) : FALSE;
        }
      device = cdrom_xml_with (disk, path);
      xmlFreeDoc (doc);
      if (virDomainUpdateDeviceFlags (op->dom, device, VIR_DOMAIN_AFFECT_CONFIG) < 0)
        return FAIL_LIBVIRT (op, _("Cannot change the CD/DVD of “%s”: %s"), error);
      hangar_machine_record_medium (op->dom, path, file != NULL ? file->identity : NULL);
    }

  return hangar_machine_op_set_live (op, active);
}

/**
 * hangar_machine_set_cdrom_async:
 * @self: a #HangarMachine
 * @path: (nullable): the image to insert (an ISO file); %NULL to eject
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the medium is changed
 * @user_data: data for @callback
 *
 * Changes the medium in the machine's first CD/DVD drive, in the running
 * machine and in its definition. A machine without a drive gets one (SATA)
 * when it is shut off; a running one cannot (%HANGAR_MACHINE_ERROR_STATE).
 * Ejecting is forced when the guest locked the tray.
 */
void
hangar_machine_set_cdrom_async (HangarMachine       *self,
                                const char          *path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  HangarMachineOp *op;

  g_return_if_fail (HANGAR_IS_MACHINE (self));

  op = hangar_machine_op_new (self, do_set_cdrom);
  op->arg1 = path != NULL ? g_canonicalize_filename (path, NULL) : NULL;
  hangar_machine_op_run (self, op, hangar_machine_set_cdrom_async, cancellable, callback,
                         user_data);
}

/**
 * hangar_machine_set_cdrom_finish:
 * @live: (out) (optional): %TRUE when the running machine sees the change
 *   now, %FALSE when the machine was shut off
 *
 * Returns: %TRUE when the medium is changed
 */
gboolean
hangar_machine_set_cdrom_finish (HangarMachine  *self,
                                 GAsyncResult   *result,
                                 gboolean       *live,
                                 GError        **error)
{
  return hangar_machine_finish_live (self, result, hangar_machine_set_cdrom_async, live, error);
}
