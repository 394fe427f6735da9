/* test-host.c
 *
 * What the host can give a new machine: the probe (memory, processors, free
 * space, KVM) and which guest architectures run natively.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "hangar-connection.h"
#include "hangar-host.h"
#include "hangar-test-utils.h"

static HangarHostInfo *
probe (const char       *pool_dir,
       HangarConnection *connection)
{
  g_autoptr(GError) error = NULL;
  HangarHostInfo *info;

  hangar_host_probe_async (pool_dir, connection, NULL, hangar_test_async_done, NULL);
  info = hangar_host_probe_finish (hangar_test_await (), &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_test_message ("host: %" G_GUINT64_FORMAT " MiB, %u CPUs, %" G_GUINT64_FORMAT " bytes free, "
                  "arch %s, KVM %d (%s)", info->ram_mib, info->cpus, info->free_bytes, info->arch,
                  info->kvm_usable, info->kvm_reason);
  return info;
}

/* The pool does not exist yet: its nearest existing ancestor answers. */
static void
test_probe (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("hangar-host-XXXXXX", NULL);
  g_autofree char *pool = g_build_filename (tmp, "not", "created", "yet", NULL);
  g_autoptr(HangarHostInfo) info = NULL;

  /* The test environment forces emulation, as guests here must not use KVM. */
  g_assert_cmpstr (g_getenv (HANGAR_FORCE_EMULATION_ENV), ==, "1");

  info = probe (pool, NULL);
  g_assert_cmpuint (info->ram_mib, >, 0);
  g_assert_cmpuint (info->cpus, ==, g_get_num_processors ());
  g_assert_cmpuint (info->free_bytes, !=, G_MAXUINT64);
  g_assert_cmpuint (info->free_bytes, >, 0);
  g_assert_cmpstr (info->arch, ==, hangar_host_get_arch ());
  g_assert_false (info->kvm_usable);
  g_assert_nonnull (strstr (info->kvm_reason, HANGAR_FORCE_EMULATION_ENV));
  /* Nothing was made on the way. */
  g_assert_false (g_file_test (pool, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_rmdir (tmp), ==, 0);
}

/* With a connection, libvirt's own view counts too; forced emulation still wins. */
static void
test_probe_with_connection (void)
{
  g_autoptr(HangarConnection) connection = hangar_test_connection_open ("test:///default");
  g_autoptr(HangarHostInfo) info = probe (g_get_tmp_dir (), connection);

  g_assert_false (info->kvm_usable);
  g_assert_nonnull (info->kvm_reason);
  g_assert_cmpuint (info->cpus, >, 0);
  hangar_connection_close (connection);
}

static const struct
{
  const char *host;
  const char *guest;
  gboolean    runs;
} arch_cases[] = {
  { "x86_64", "x86_64", TRUE },
  { "x86_64", "i686", TRUE },
  { "x86_64", "i386", TRUE },
  { "x86_64", NULL, TRUE },
  { "x86_64", "aarch64", FALSE },
  { "x86_64", "ppc64le", FALSE },
  { "aarch64", "aarch64", TRUE },
  { "aarch64", "x86_64", FALSE },
  { "aarch64", "i686", FALSE },
};

static void
test_arch_can_run (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (arch_cases); i++)
    {
      g_test_message ("%s on %s", arch_cases[i].guest, arch_cases[i].host);
      g_assert_cmpint (hangar_host_arch_can_run (arch_cases[i].host, arch_cases[i].guest), ==,
                       arch_cases[i].runs);
    }
}

static void
test_info_copy (void)
{
  g_autoptr(HangarHostInfo) info = hangar_host_info_new ();
  g_autoptr(HangarHostInfo) copy = NULL;

  /* Unknown: nothing known, no KVM. */
  g_assert_cmpuint (info->ram_mib, ==, 0);
  g_assert_cmpuint (info->free_bytes, ==, G_MAXUINT64);
  g_assert_false (info->kvm_usable);

  info->ram_mib = 4096;
  info->kvm_reason = g_strdup ("because");
  copy = hangar_host_info_copy (info);
  g_assert_cmpuint (copy->ram_mib, ==, 4096);
  g_assert_cmpstr (copy->kvm_reason, ==, "because");
  g_assert_true (copy->kvm_reason != info->kvm_reason);
  g_assert_cmpstr (copy->arch, ==, info->arch);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_keep_pool_threads ();
  g_assert_true (hangar_libvirt_init (NULL));

  g_test_add_func ("/hangar/host/probe", test_probe);
  g_test_add_func ("/hangar/host/probe-with-connection", test_probe_with_connection);
  g_test_add_func ("/hangar/host/arch-can-run", test_arch_can_run);
  g_test_add_func ("/hangar/host/info-copy", test_info_copy);

  return g_test_run ();
}
