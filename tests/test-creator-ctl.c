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

#include "hangar-machine-name.h"
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
  g_autofree char *err = NULL;

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", iso, "--name", "X", "--disk", "1",
                                                       "--memory", "512", "--cpus", "1",
                                                       "--no-start", NULL },
                                    &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "X\n");
  /* A name given that is taken: refused, never numbered. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", iso, "--name", "X", "--disk", "1",
                                                       "--no-start", NULL },
                                    &out2, &err), ==, 1);
  g_assert_cmpstr (out2, ==, "");
  g_assert_cmpstr (err, ==, "hangarctl create: A machine named “X” already exists.\n");
  g_assert_false (hangar_test_domain_exists ("X 2"));
  g_assert_cmpint (hangar_test_domain_state ("X"), ==, VIR_DOMAIN_SHUTOFF);
  {
    g_autofree char *xml = hangar_test_domain_xml ("X", TRUE);

    /* Tests force emulation: never KVM here. */
    g_assert_true (g_str_has_prefix (xml, "<domain type='qemu'"));
    g_assert_nonnull (strstr (xml, "<memory unit='KiB'>524288</memory>"));
  }
  hangar_test_clean_session ();
}

/* ------------------------------------------------------------------------ */
/* names as given                                                           */
/* ------------------------------------------------------------------------ */

/* Hostile names for create, rename, clone and snapshot: each is used
 * exactly or refused with the rule's reason, exit 1 and nothing changed. */
static const struct
{
  const char *name;
  gboolean    accepted;
  gboolean    create;    /* also through create (each reads the medium: ~1.5 s) */
} ctl_names[] = {
  { "Fédora ✓ 37", TRUE, TRUE },
  { "$(reboot); `id`", TRUE },
  { ".hidden", TRUE },
  { "-rf", TRUE, TRUE },
  { "<b>&amp;\"'", TRUE, TRUE },
  { "a/b", FALSE },
  { "..", FALSE },
  { "a\u202Egnp.exe", FALSE },
  { " padded", FALSE },
  { "tab\there", FALSE },
  { "", FALSE },
};

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* What a refusal may not change: the machines, the pool's files, Mine's
 * snapshots. */
static char *
session_state (void)
{
  g_autofree char *dir = hangar_test_pool_file (NULL);
  g_auto(GStrv) domains = hangar_test_virsh_lines ("list", "--all", "--name", NULL);
  g_auto(GStrv) snapshots = hangar_test_virsh_lines ("snapshot-list", "Mine", "--name", NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) pool = g_dir_open (dir, 0, NULL);
  g_autofree char *domain_text = NULL;
  g_autofree char *snapshot_text = NULL;
  g_autofree char *file_text = NULL;
  const char *file;

  g_assert_nonnull (domains);
  g_assert_nonnull (snapshots);
  while (pool != NULL && (file = g_dir_read_name (pool)) != NULL)
    g_ptr_array_add (files, g_strdup (file));
  g_ptr_array_sort (files, compare_names);
  g_ptr_array_add (files, NULL);
  domain_text = g_strjoinv ("|", domains);
  snapshot_text = g_strjoinv ("|", snapshots);
  file_text = g_strjoinv ("|", (char **) files->pdata);
  return g_strdup_printf ("domains %s; snapshots %s; files %s", domain_text, snapshot_text,
                          file_text);
}

/* Runs hangarctl ARGS… with @name last after "--"; asserts what @accepted
 * says: exit 0, or exit 1 with @reason and nothing changed. */
static void
ctl_named (const char * const *args,
           const char         *name,
           gboolean            accepted,
           const char         *reason,
           char              **out)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *before = session_state ();
  g_autofree char *after = NULL;
  g_autofree char *err = NULL;
  int status;

  g_strv_builder_addv (builder, (const char **) args);
  g_strv_builder_add (builder, name);
  argv = g_strv_builder_end (builder);
  status = hangar_test_ctl ((const char * const *) argv, out, &err);
  g_test_message ("%s “%s”: %d %s", args[0], name, status, err);
  if (accepted)
    {
      g_assert_cmpstr (err, ==, "");
      g_assert_cmpint (status, ==, 0);
      return;
    }
  g_assert_cmpint (status, ==, 1);
  hangar_test_assert_ctl_error (err, args[0]);
  g_assert_nonnull (strstr (err, reason));
  after = session_state ();
  g_assert_cmpstr (after, ==, before);
}

static void
test_ctl_names (void)
{
  const char *iso = hangar_test_session_setup ();
  g_autofree char *out = NULL;

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", iso, "--name", "Mine", "--disk",
                                                       "1", "--no-start", NULL }, NULL, NULL),
                   ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (ctl_names); i++)
    {
      const char *name = ctl_names[i].name;
      gboolean accepted = ctl_names[i].accepted;
      gboolean snapshot_ok;
      g_autoptr(GError) machine_error = NULL;
      g_autoptr(GError) snapshot_error = NULL;
      const char *machine_reason = NULL;
      const char *snapshot_reason = NULL;
      g_autofree char *created = NULL;
      g_autofree char *cloned = NULL;
      g_autofree char *expected = g_strconcat (name, "\n", NULL);

      /* The expected reason is the rule's own, word for word. */
      g_assert_cmpint (hangar_machine_name_check (name, &machine_error), ==, accepted);
      snapshot_ok = hangar_name_check (HANGAR_NAME_KIND_SNAPSHOT, name, &snapshot_error);
      if (!accepted)
        machine_reason = machine_error->message;
      if (!snapshot_ok)
        snapshot_reason = snapshot_error->message;

      /* Refused names fail before the medium is read: always cheap. */
      if (!accepted || ctl_names[i].create)
        ctl_named ((const char *[]) { "create", iso, "--disk", "1", "--no-start", "--name",
                                      NULL }, name, accepted, machine_reason, &created);
      if (accepted && ctl_names[i].create)
        {
          g_assert_cmpstr (created, ==, expected);
          g_assert_true (hangar_test_domain_exists (name));
          g_assert_cmpint (hangar_test_ctl ((const char *[]) { "delete", "--", name, NULL },
                                            NULL, NULL), ==, 0);
          g_assert_false (hangar_test_domain_exists (name));
        }

      ctl_named ((const char *[]) { "rename", "Mine", "--", NULL }, name, accepted,
                 machine_reason, NULL);
      if (accepted)
        {
          g_assert_true (hangar_test_domain_exists (name));
          g_assert_false (hangar_test_domain_exists ("Mine"));
          g_assert_cmpint (hangar_test_ctl ((const char *[]) { "rename", "--", name, "Mine",
                                                               NULL }, NULL, NULL), ==, 0);
        }

      ctl_named ((const char *[]) { "clone", "Mine", "--name", NULL }, name, accepted,
                 machine_reason, &cloned);
      if (accepted)
        {
          g_assert_cmpstr (cloned, ==, expected);
          g_assert_true (hangar_test_domain_exists (name));
          g_assert_cmpint (hangar_test_ctl ((const char *[]) { "delete", "--", name, NULL },
                                            NULL, NULL), ==, 0);
        }

      /* libvirt refuses snapshot names that start with ".": so does the rule. */
      ctl_named ((const char *[]) { "snapshot", "take", "Mine", "--", NULL }, name, snapshot_ok,
                 snapshot_reason, NULL);
      if (snapshot_ok)
        {
          g_auto(GStrv) snapshots = hangar_test_virsh_lines ("snapshot-list", "Mine", "--name",
                                                             NULL);

          g_assert_cmpuint (g_strv_length (snapshots), ==, 1);
          g_assert_cmpstr (snapshots[0], ==, name);
          /* Rename refuses a machine with snapshots: the next name needs none. */
          g_assert_cmpint (hangar_test_ctl ((const char *[]) { "snapshot", "delete", "Mine", "--",
                                                               name, NULL }, NULL, NULL), ==, 0);
        }
    }

  /* A snapshot title is the rule's too. */
  ctl_named ((const char *[]) { "snapshot", "take", "Mine", "s1", "--title", NULL }, "x\u200By",
             FALSE, "U+200B", NULL);

  /* Names given that are taken: refused for create, rename and clone. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "create", iso, "--name", "Other", "--disk",
                                                       "1", "--no-start", NULL }, NULL, NULL),
                   ==, 0);
  ctl_named ((const char *[]) { "create", iso, "--disk", "1", "--no-start", "--name", NULL },
             "Mine", FALSE, "A machine named “Mine” already exists.", NULL);
  ctl_named ((const char *[]) { "rename", "Other", NULL }, "Mine", FALSE,
             "A machine named “Mine” already exists.", NULL);
  ctl_named ((const char *[]) { "clone", "Mine", "--name", NULL }, "Other", FALSE,
             "A machine named “Other” already exists.", NULL);
  /* Without a name, clone picks one itself: numbered. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "clone", "Mine", NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Mine 2\n");

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
  g_test_add_func ("/hangar/creator-ctl/libvirt/names", test_ctl_names);
  g_test_add_func ("/hangar/creator-ctl/e2e/create", test_e2e_ctl_create);

  return g_test_run ();
}
