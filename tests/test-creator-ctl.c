/* test-creator-ctl.c
 *
 * `hangarctl create`: failures injected at its steps, a disk too large,
 * bad input and usage errors, each leaving nothing behind; a machine
 * defined only, named as asked or numbered; a medium libosinfo knows; a
 * guest created and booted.
 *   /hangar/creator-ctl/libvirt/  an isolated session
 *   /hangar/creator-ctl/e2e/      a real guest booting the live ISO
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>

#include "hangar-test-guest.h"
#include "hangar-test-utils.h"

/* hangarctl with a failure injected after @fail_step (HANGAR_TEST_FAIL_STEP). */
static int
ctl_failing_at (const char          *fail_step,
                const char * const  *args,
                char               **err)
{
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "HANGAR_TEST_FAIL_STEP", fail_step,
                                         TRUE);

  return hangar_test_ctl_with_env ((const char * const *) envp, args, NULL, err);
}

static void
test_ctl_failures (void)
{
  const char *iso = hangar_test_session_setup ();
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;

  /* Injected failures at the define and start steps: nothing left. */
  g_assert_cmpint (ctl_failing_at ("define", (const char *[]) { "create", iso, "--name", "ctl",
                                                                "--disk", "1", "--memory", "512",
                                                                NULL }, &err), ==, 1);
  g_assert_nonnull (strstr (err, "Failure injected after the define step"));
  hangar_test_assert_session_empty ();

  g_assert_cmpint (ctl_failing_at ("start", (const char *[]) { "create", iso, "--name", "ctl",
                                                               "--disk", "1", "--memory", "512",
                                                               NULL }, NULL), ==, 1);
  hangar_test_assert_session_empty ();

  /* A disk larger than the free space: refused by the limits before
   * anything is made, in one clear line. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", iso, "--disk", "100000000", NULL },
                                    NULL, &err2), ==, 1);
  g_assert_nonnull (strstr (err2, "A disk can be at most"));
  g_assert_cmpint (strchr (err2, '\n') - err2, ==, strlen (err2) - 1);
  hangar_test_assert_session_empty ();

  /* Bad input. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", "/nonexistent.iso", NULL },
                                    NULL, &err3), ==, 1);
  g_assert_nonnull (strstr (err3, "/nonexistent.iso"));
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", iso, "--try", "--disk", "3",
                                                       NULL },
                                    NULL, NULL), ==, 2);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", NULL }, NULL, NULL), ==, 2);
  hangar_test_assert_session_empty ();
}

static void
test_ctl_define_only (void)
{
  const char *iso = hangar_test_session_setup ();
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", iso, "--name", "X", "--disk", "1",
                                                       "--memory", "512", "--cpus", "1",
                                                       "--no-start", NULL },
                                    &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "X\n");
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", iso, "--name", "X", "--disk", "1",
                                                       "--no-start", NULL },
                                    &out2, NULL), ==, 0);
  g_assert_cmpstr (out2, ==, "X 2\n");
  g_assert_cmpint (hangar_test_domain_state ("X"), ==, VIR_DOMAIN_SHUTOFF);
  g_assert_cmpint (hangar_test_domain_state ("X 2"), ==, VIR_DOMAIN_SHUTOFF);
  {
    g_autofree char *xml = hangar_test_domain_xml ("X", TRUE);

    /* Tests force emulation: never KVM here. */
    g_assert_true (g_str_has_prefix (xml, "<domain type='qemu'"));
    g_assert_nonnull (strstr (xml, "<memory unit='KiB'>524288</memory>"));
  }
  hangar_test_clean_session ();
}

/* A medium libosinfo knows: the machine is named and built for its OS. */
static void
test_ctl_identified (void)
{
  g_autofree char *dir = g_build_filename (hangar_test_artifacts_dir (), "fedora-iso", NULL);
  g_autofree char *readme = g_build_filename (dir, "README", NULL);
  g_autofree char *boot = g_build_filename (dir, "boot.img", NULL);
  g_autofree char *zeros = g_malloc0 (2048);
  g_autofree char *iso = g_build_filename (hangar_test_artifacts_dir (), "fedora37.iso", NULL);
  g_autofree char *out = NULL;
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;

  hangar_test_session_setup ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (readme, "not really Fedora\n", -1, NULL));
  /* Bootable (El Torito) like a real one, or it is no installer at all. */
  g_assert_true (g_file_set_contents (boot, zeros, 2048, NULL));
  g_free (hangar_test_run_tool ((const char *[]) { "xorriso", "-as", "mkisofs", "-quiet",
                                                   "-V", "Fedora-WS-Live-37-1-7",
                                                   "-sysid", "LINUX", "-b", "boot.img",
                                                   "-no-emul-boot", "-boot-load-size", "4",
                                                   "-o", iso, dir, NULL }));

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", iso, "--disk", "1", "--no-start",
                                                       NULL },
                                    &out, NULL), ==, 0);
  name = g_strstrip (g_strdup (out));
  g_assert_true (g_str_has_prefix (name, "Fedora"));
  xml = hangar_test_domain_xml (name, TRUE);
  g_assert_nonnull (strstr (xml, "http://fedoraproject.org/fedora/37"));
  hangar_test_clean_session ();
}

static void
test_e2e_ctl_create (void)
{
  const char *iso = hangar_test_session_setup ();
  g_autoptr(HangarTestGuest) guest = hangar_test_guest_for_machine ("hangar-e2e");
  g_autofree char *out = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *disk = NULL;
  gint64 started = g_get_monotonic_time ();

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", iso, "--name", "hangar-e2e",
                                                       "--disk", "1", "--memory", "512",
                                                       "--cpus", "1", NULL },
                                    &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "hangar-e2e\n");
  g_assert_true (hangar_test_domain_persistent ("hangar-e2e"));
  g_assert_cmpint (hangar_test_domain_state ("hangar-e2e"), ==, VIR_DOMAIN_RUNNING);
  xml = hangar_test_domain_xml ("hangar-e2e", FALSE);
  disk = hangar_test_pool_file ("hangar-e2e.qcow2");
  g_assert_nonnull (strstr (xml, disk));
  g_assert_nonnull (strstr (xml, iso));
  hangar_test_guest_wait_banner (guest, started);
  hangar_test_clean_session ();
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/creator-ctl/libvirt/failures", test_ctl_failures);
  g_test_add_func ("/hangar/creator-ctl/libvirt/define-only", test_ctl_define_only);
  g_test_add_func ("/hangar/creator-ctl/libvirt/identified", test_ctl_identified);
  g_test_add_func ("/hangar/creator-ctl/e2e/create", test_e2e_ctl_create);

  return g_test_run ();
}
