/* hangar-host.c
 *
 * Probes what this computer can give a new machine: memory, processors,
 * free space and KVM.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-host"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hangar-connection.h"
#include "hangar-host.h"
#include "hangar-libvirt.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)

G_DEFINE_BOXED_TYPE (HangarHostInfo, hangar_host_info, hangar_host_info_copy, hangar_host_info_free)

/**
 * hangar_host_info_new:
 *
 * Returns: (transfer full): figures for an unknown host: nothing known, no KVM
 */
HangarHostInfo *
hangar_host_info_new (void)
{
  HangarHostInfo *info = g_new0 (HangarHostInfo, 1);

  info->free_bytes = G_MAXUINT64;
  info->arch = g_strdup (hangar_host_get_arch ());
  return info;
}

HangarHostInfo *
hangar_host_info_copy (const HangarHostInfo *info)
{
  HangarHostInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->kvm_reason = g_strdup (info->kvm_reason);
  copy->arch = g_strdup (info->arch);
  return copy;
}

void
hangar_host_info_free (HangarHostInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->kvm_reason);
  g_free (info->arch);
  g_free (info);
}

/**
 * hangar_host_get_arch:
 *
 * Returns: the architecture Hangar runs on, in libosinfo's terms ("x86_64",
 *   "i686", "aarch64", …)
 */
const char *
hangar_host_get_arch (void)
{
  static const char *arch;

  if (g_once_init_enter (&arch))
    {
      struct utsname name;
      const char *found = "x86_64";

      if (uname (&name) == 0)
        {
          if (g_str_equal (name.machine, "amd64"))
            found = "x86_64";
          else if (g_str_equal (name.machine, "arm64"))
            found = "aarch64";
          else if (g_str_equal (name.machine, "i386") || g_str_equal (name.machine, "i586"))
            found = "i686";
          else
            found = g_intern_string (name.machine);
        }
      g_once_init_leave (&arch, found);
    }
  return arch;
}

/**
 * hangar_host_arch_can_run:
 * @host_arch: the host's architecture
 * @guest_arch: (nullable): a medium's architecture; %NULL when unknown
 *
 * Returns: %TRUE when a guest of @guest_arch runs natively on @host_arch
 *   (the same, or 32-bit x86 on x86_64); an unknown guest is given the
 *   benefit of the doubt
 */
gboolean
hangar_host_arch_can_run (const char *host_arch,
                          const char *guest_arch)
{
  g_return_val_if_fail (host_arch != NULL, FALSE);

  if (guest_arch == NULL || g_str_equal (host_arch, guest_arch))
    return TRUE;
  if (g_str_equal (host_arch, "x86_64"))
    return g_str_equal (guest_arch, "i686") || g_str_equal (guest_arch, "i386");
  return FALSE;
}

/**
 * hangar_host_free_bytes_at:
 * @dir: a directory, which need not exist yet
 *
 * Blocking: for worker threads. The free space for an unprivileged user in
 * @dir's file system. The pool directory is created on demand: until then
 * its nearest existing ancestor is on the file system it will be on.
 *
 * Returns: the free bytes, or %G_MAXUINT64 when unknown
 */
guint64
hangar_host_free_bytes_at (const char *dir)
{
  g_autofree char *path = g_canonicalize_filename (dir, NULL);

  for (;;)
    {
      struct statvfs fs;
      char *parent;

      if (statvfs (path, &fs) == 0)
        return (guint64) fs.f_bavail * fs.f_frsize;
      if (errno != ENOENT && errno != ENOTDIR)
        return G_MAXUINT64;

      parent = g_path_get_dirname (path);
      if (g_str_equal (parent, path))
        {
          g_free (parent);
          return G_MAXUINT64;
        }
      g_free (path);
      path = parent;
    }
}

/**
 * hangar_host_kvm_unusable_reason:
 * @conn: (nullable): an open libvirt connection, to ask whether it offers
 *   domain type kvm for @arch; %NULL checks `/dev/kvm` only
 * @arch: the guest's architecture ("x86_64")
 *
 * Why a machine cannot use KVM here. Blocking: call it in a worker thread.
 *
 * Returns: (transfer full) (nullable): a translated sentence; %NULL when
 *   KVM is usable
 */
char *
hangar_host_kvm_unusable_reason (virConnectPtr  conn,
                                 const char    *arch)
{
  const char *forced = g_getenv (HANGAR_FORCE_EMULATION_ENV);
  int fd;

  if (forced != NULL && g_str_equal (forced, "1"))
    return g_strdup (_("Software emulation is forced by the HANGAR_FORCE_EMULATION environment "
                       "variable."));

  fd = g_open ("/dev/kvm", O_RDWR | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENODEV || saved_errno == ENXIO)
        return g_strdup (_("This computer offers no hardware virtualization (/dev/kvm is "
                           "missing). Turn it on in the firmware settings, if the processor "
                           "has it."));
      if (saved_errno == EACCES || saved_errno == EPERM)
        return g_strdup (_("You may not use hardware virtualization (/dev/kvm). Add your "
                           "account to the “kvm” group, then log in again."));
      return g_strdup_printf (_("Hardware virtualization (/dev/kvm) cannot be used: %s."),
                              g_strerror (saved_errno));
    }
  close (fd);

  if (conn != NULL)
    {
      /* libvirt fails the query when the emulator cannot run this type. */
      char *caps = virConnectGetDomainCapabilities (conn, NULL, arch, NULL, "kvm", 0);

      if (caps == NULL)
        {
          char *reason = g_strdup_printf (_("libvirt does not offer hardware virtualization "
                                            "(KVM) here (%s)."),
                                          hangar_libvirt_last_message ());

          virResetLastError ();
          return reason;
        }
      free (caps);
    }

  return NULL;
}

typedef struct
{
  char           *pool_dir;
  GVirConnection *connection;
} ProbeData;

static void
probe_data_free (ProbeData *data)
{
  g_free (data->pool_dir);
  g_clear_object (&data->connection);
  g_free (data);
}

static void
probe_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ProbeData *data = task_data;
  g_autoptr(HangarHostInfo) info = hangar_host_info_new ();
  long pages = sysconf (_SC_PHYS_PAGES);
  long page_size = sysconf (_SC_PAGESIZE);

  if (pages > 0 && page_size > 0)
    info->ram_mib = (guint64) pages * (guint64) page_size / MIB;
  info->cpus = g_get_num_processors ();
  if (data->pool_dir != NULL)
    info->free_bytes = hangar_host_free_bytes_at (data->pool_dir);

  if (data->connection != NULL)
    {
      virConnectPtr conn = hangar_libvirt_dup_connect (data->connection);

      info->kvm_reason = hangar_host_kvm_unusable_reason (conn, info->arch);
      info->kvm_usable = info->kvm_reason == NULL;
      /* New machines are q35 (hangar-vm-config.c). */
      if (conn != NULL)
        {
          info->max_guest_vcpus = hangar_libvirt_max_vcpus (conn, NULL, info->arch, "q35",
                                                            info->kvm_usable ? "kvm" : "qemu");
          virConnectClose (conn);
        }
    }
  else
    {
      info->kvm_reason = hangar_host_kvm_unusable_reason (NULL, info->arch);
      info->kvm_usable = info->kvm_reason == NULL;
    }

  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_steal_pointer (&info), (GDestroyNotify) hangar_host_info_free);
}

/**
 * hangar_host_probe_async:
 * @pool_dir: (nullable): the storage pool's directory (need not exist yet);
 *   %NULL leaves the free space unknown
 * @connection: (nullable): the connection whose domain capabilities must
 *   offer KVM when it is open; %NULL, or a connection not open, checks
 *   `/dev/kvm` only (hangarctl detect)
 *
 * Probes the host in a worker thread.
 */
void
hangar_host_probe_async (const char          *pool_dir,
                         HangarConnection    *connection,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GVirConnection *gvir;
  ProbeData *data;

  g_return_if_fail (connection == NULL || HANGAR_IS_CONNECTION (connection));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (ProbeData, 1);
  data->pool_dir = g_strdup (pool_dir);
  gvir = connection != NULL ? hangar_connection_get_gvir (connection) : NULL;
  data->connection = gvir != NULL ? g_object_ref (gvir) : NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_host_probe_async);
  g_task_set_task_data (task, data, (GDestroyNotify) probe_data_free);
  g_task_run_in_thread (task, probe_thread);
}

/**
 * hangar_host_probe_finish:
 *
 * Returns: (transfer full): the host's figures, or %NULL when cancelled
 */
HangarHostInfo *
hangar_host_probe_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_host_probe_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
