/* machine-health-fixtures.c
 *
 * Machines that are unwell in an isolated session, shared by the health
 * tests of hangarctl and of the window.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "hangar-test-utils.h"
#include "machine-health-fixtures.h"

void
hangar_test_define_xml (const char *name,
            const char *xml)
{
  g_autofree char *file = g_strdup_printf ("%s.xml", name);
  g_autofree char *path = g_build_filename (hangar_test_artifacts_dir (), file, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, xml, -1, &error));
  g_assert_no_error (error);
  hangar_test_virsh ("define", path, NULL);
}

static gboolean
process_gone (gpointer data)
{
  return kill (GPOINTER_TO_INT (data), 0) != 0;
}

/* A machine made where KVM worked, on a computer where it no longer does:
 * libvirt refuses to define type kvm without KVM, so the session daemon is
 * stopped, the definition it keeps edited as if made elsewhere, and the
 * daemon started again by the next client (it loads definitions without
 * checking them against the host). */
void
hangar_test_define_kvm_machine (const char *name)
{
  g_autofree char *run_dir = g_build_filename (g_get_user_runtime_dir (), "libvirt", NULL);
  g_autofree char *file = g_strdup_printf ("%s.xml", name);
  g_autofree char *kept = g_build_filename (g_get_user_config_dir (), "libvirt", "qemu", file,
                                            NULL);
  g_autofree char *xml = g_strdup_printf (
    "<domain type='qemu'><name>%s</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
    "<os><type arch='x86_64' machine='q35'>hvm</type></os><cpu mode='maximum'/>"
    "<devices><channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/>"
    "</channel><graphics type='spice'><listen type='none'/></graphics></devices></domain>",
    name);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GString) edited = NULL;
  const char *entry;
  guint stopped = 0;

  hangar_test_define_xml (name, xml);
  dir = g_dir_open (run_dir, 0, &error);
  g_assert_no_error (error);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *pid_file = g_build_filename (run_dir, entry, NULL);
      g_autofree char *pid_text = NULL;
      int pid;

      if (!g_str_has_suffix (entry, ".pid") ||
          !g_file_get_contents (pid_file, &pid_text, NULL, NULL))
        continue;
      pid = atoi (pid_text);
      if (pid <= 1 || kill (pid, SIGTERM) != 0)
        continue;
      hangar_test_assert_eventually (process_gone, GINT_TO_POINTER (pid), 30,
                                     "the session daemon to stop");
      stopped++;
    }
  g_assert_cmpuint (stopped, >, 0);

  g_assert_true (g_file_get_contents (kept, &contents, NULL, &error));
  g_assert_no_error (error);
  edited = g_string_new (contents);
  g_assert_cmpuint (g_string_replace (edited, "type='qemu'", "type='kvm'", 1), ==, 1);
  g_assert_cmpuint (g_string_replace (edited, "mode='maximum'", "mode='host-passthrough'", 1),
                    ==, 1);
  g_assert_true (g_file_set_contents (kept, edited->str, -1, &error));
  g_assert_no_error (error);
}
