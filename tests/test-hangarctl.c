/* test-hangarctl.c
 *
 * hangarctl's command line, run as a script runs it: usage errors exit 2 with
 * one line naming the command, --help of each command, and `list` (plain and
 * --json) on libvirt's in-process test driver through HANGAR_URI. No daemon.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "hangar-test-utils.h"

#define TEST_URI "test:///default"

/* The first line of `hangarctl --help` and of its usage on errors. */
#define USAGE "Usage: hangarctl COMMAND [OPTIONS…]\n"

static void
test_usage (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* Nothing to do: the usage, on stderr, and a usage error. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { NULL }, &out, &err), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, USAGE));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Asked for: the usage, on stdout, and success. */
  for (guint i = 0; i < 2; i++)
    {
      const char *option = (const char *[]) { "--help", "-h" }[i];

      g_assert_cmpint (hangar_test_ctl ((const char *[]) { option, NULL }, &out, &err), ==, 0);
      g_assert_true (g_str_has_prefix (out, USAGE));
      g_assert_cmpstr (err, ==, "");
      /* It names every command. */
      for (guint j = 0; j < 3; j++)
        {
          const char *command = (const char *[]) { "list", "snapshot", "disk-grow" }[j];

          g_assert_nonnull (strstr (out, command));
        }
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
    }

  /* A command it does not know: said, then the usage. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "frobnicate", NULL }, &out, &err), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "hangarctl: unknown command “frobnicate”\n" USAGE));
}

/* What each command's --help shows first. */
static const struct
{
  const char *command;
  const char *usage;
} help_cases[] = {
  { "list", "list [OPTION…]" },
  { "create", "create [OPTION…] PATH.iso" },
  { "detect", "detect [OPTION…] PATH.iso" },
  { "start", "start [OPTION…] NAME" },
  { "shutdown", "shutdown [OPTION…] NAME" },
  { "force-off", "force-off [OPTION…] NAME" },
  { "pause", "pause [OPTION…] NAME" },
  { "resume", "resume [OPTION…] NAME" },
  { "reboot", "reboot [OPTION…] NAME" },
  { "save", "save [OPTION…] NAME" },
  { "delete", "delete [OPTION…] NAME" },
  { "rename", "rename [OPTION…] OLD NEW" },
  { "clone", "clone [OPTION…] NAME" },
  { "snapshot", "snapshot [OPTION…] take|list|revert|rename|delete NAME [SNAPSHOT]" },
  { "screenshot", "screenshot [OPTION…] NAME OUT.png" },
  { "info", "info [OPTION…] NAME" },
  { "set", "set [OPTION…] NAME" },
  { "cd", "cd [OPTION…] NAME insert PATH.iso | NAME eject" },
  { "disk-grow", "disk-grow [OPTION…] NAME SIZE" },
  { "xml", "xml [OPTION…] NAME" },
  { "log", "log [OPTION…] NAME" },
};

static void
test_command_help (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (help_cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *expected = g_strdup_printf ("Usage:\n  %s\n", help_cases[i].usage);

      g_assert_cmpint (hangar_test_ctl ((const char *[]) { help_cases[i].command, "--help", NULL },
                                        &out, &err), ==, 0);
      g_assert_true (g_str_has_prefix (out, expected));
      /* GOption's own options follow; the command ran nothing. */
      g_assert_nonnull (strstr (out, "--help"));
      g_assert_cmpstr (err, ==, "");
    }
}

/* Wrong command lines: exit status 2, one line on stderr naming the
 * command and what is wrong, nothing on stdout, nothing done. */
static const struct
{
  const char *args[7];
  const char *says;    /* in the message */
} usage_cases[] = {
  /* Options nobody has. */
  { { "list", "--frob", NULL }, "--frob" },
  { { "create", "--frob", NULL }, "--frob" },
  { { "detect", "--frob", NULL }, "--frob" },
  { { "start", "--frob", "test", NULL }, "--frob" },
  { { "info", "test", "--frob", NULL }, "--frob" },
  { { "snapshot", "list", "test", "--frob", NULL }, "--frob" },
  /* Arguments missing, or too many. */
  { { "create", NULL }, "medium" },
  { { "create", "a.iso", "b.iso", NULL }, "medium" },
  { { "detect", NULL }, "image" },
  { { "start", NULL }, "name" },
  { { "start", "--throwaway", NULL }, "name" },
  { { "pause", "a", "b", NULL }, "name" },
  { { "rename", "a", NULL }, "new name" },
  { { "rename", "a", "b", "c", NULL }, "new name" },
  { { "screenshot", "a", NULL }, "image file" },
  { { "snapshot", NULL }, "take, list, revert, rename or delete" },
  /* Values that make no sense. */
  { { "snapshot", "frobnicate", "a", NULL }, "“frobnicate”" },
  { { "snapshot", "list", "a", "--title", "x", NULL }, "--title" },
  { { "shutdown", "a", "--timeout", "-1", NULL }, "negative" },
  { { "create", "a.iso", "--try", "--disk", "3", NULL }, "--try" },
  { { "create", "a.iso", "--memory", "-1", NULL }, "negative" },
  { { "set", "test", NULL }, "--memory" },
  { { "cd", "test", "spin", NULL }, "eject" },
  { { "disk-grow", "test", "big", NULL }, "“big”" },
  /* Every command counts its arguments in the shared parser: the first
   * extra one is named, a missing one said. */
  { { "list", "extra", NULL }, "Unexpected argument “extra”" },
  { { "list", "--json", "a", "b", NULL }, "Unexpected argument “a”" },
  { { "list", "--", "--json", NULL }, "Unexpected argument “--json”" },
  { { "import", NULL }, "disk image" },
  { { "import", "a.qcow2", "b.qcow2", NULL }, "Unexpected argument “b.qcow2”" },
  { { "detect", "a.iso", "b.iso", NULL }, "Unexpected argument “b.iso”" },
  { { "create", "a.iso", "--name", "x", "y", NULL }, "Unexpected argument “y”" },
  { { "start", "a", "b", NULL }, "Unexpected argument “b”" },
  { { "force-off", NULL }, "name" },
  { { "resume", "a", "b", NULL }, "Unexpected argument “b”" },
  { { "reboot", "a", "b", NULL }, "Unexpected argument “b”" },
  { { "save", "a", "b", NULL }, "Unexpected argument “b”" },
  { { "shutdown", "a", "b", NULL }, "Unexpected argument “b”" },
  { { "shutdown", NULL }, "name" },
  { { "delete", "a", "b", NULL }, "Unexpected argument “b”" },
  { { "delete", NULL }, "name" },
  { { "rename", "a", "b", "c", NULL }, "Unexpected argument “c”" },
  { { "rename", NULL }, "new name" },
  { { "clone", "a", "b", NULL }, "Unexpected argument “b”" },
  { { "clone", NULL }, "name" },
  { { "screenshot", "a", "b.png", "c", NULL }, "Unexpected argument “c”" },
  { { "info", NULL }, "name" },
  { { "info", "a", "b", NULL }, "Unexpected argument “b”" },
  { { "set", "a", "b", NULL }, "Unexpected argument “b”" },
  { { "cd", "a", NULL }, "eject" },
  { { "cd", "a", "insert", "b.iso", "c", NULL }, "Unexpected argument “c”" },
  { { "disk-grow", "a", NULL }, "new size" },
  { { "disk-grow", "a", "20G", "b", NULL }, "Unexpected argument “b”" },
  { { "xml", "a", "b", NULL }, "Unexpected argument “b”" },
  { { "log", NULL }, "name" },
  { { "log", "a", "b", NULL }, "Unexpected argument “b”" },
  { { "snapshot", "rename", "a", "b", "c", "d", NULL }, "Unexpected argument “d”" },
  { { "snapshot", "list", "a", "b", NULL }, "snapshot list" },
  { { "snapshot", "take", NULL }, "snapshot take" },
};

static void
test_usage_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (usage_cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (hangar_test_ctl (usage_cases[i].args, &out, &err), ==, 2);
      hangar_test_assert_ctl_error (err, usage_cases[i].args[0]);
      g_assert_nonnull (strstr (err, usage_cases[i].says));
      g_assert_cmpstr (out, ==, "");
    }
}

/* A failed operation is no usage error: status 1, one line. */
static void
test_failure (void)
{
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "HANGAR_URI",
                                         "test:///nonexistent/hangar.xml", TRUE);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "start", "nobody", NULL }, &out, &err),
                   ==, 1);
  hangar_test_assert_ctl_error (err, "start");
  g_assert_nonnull (strstr (err, "“nobody”"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A URI that cannot be opened is named, on hangarctl's one line (the test
   * driver's XML parser says its own before). */
  g_assert_cmpint (hangar_test_ctl_with_env ((const char * const *) envp,
                                             (const char *[]) { "list", NULL }, &out, &err),
                   ==, 1);
  {
    g_auto(GStrv) lines = g_strsplit (err, "\n", -1);
    guint n = g_strv_length (lines);

    g_assert_cmpuint (n, >=, 2);
    g_assert_cmpstr (lines[n - 1], ==, "");
    g_assert_true (g_str_has_prefix (lines[n - 2], "hangarctl: "));
    g_assert_nonnull (strstr (lines[n - 2], "“test:///nonexistent/hangar.xml”"));
  }
  g_assert_cmpstr (out, ==, "");
}

/* After "--" a name or file that begins with a dash is one, for every
 * command: the test driver has no machine "-rf", so each fails (1) naming it
 * instead of taking it for an option (2). */
static const struct
{
  const char *args[7];
  const char *says;    /* in the message */
} end_of_options_cases[] = {
  { { "start", "--", "-rf", NULL }, "“-rf”" },
  { { "force-off", "--", "-rf", NULL }, "“-rf”" },
  { { "pause", "--", "-rf", NULL }, "“-rf”" },
  { { "resume", "--", "-rf", NULL }, "“-rf”" },
  { { "reboot", "--", "-rf", NULL }, "“-rf”" },
  { { "save", "--", "-rf", NULL }, "“-rf”" },
  { { "shutdown", "--timeout", "1", "--", "-rf", NULL }, "“-rf”" },
  { { "delete", "--keep-disk", "--", "-rf", NULL }, "“-rf”" },
  { { "rename", "--", "-rf", "-x", NULL }, "“-rf”" },
  { { "clone", "--", "-rf", NULL }, "“-rf”" },
  { { "screenshot", "--", "-rf", "-x.png", NULL }, "“-rf”" },
  { { "snapshot", "list", "--", "-rf", NULL }, "“-rf”" },
  { { "snapshot", "take", "--title", "t", "--", "-rf", NULL }, "“-rf”" },
  { { "info", "--", "-rf", NULL }, "“-rf”" },
  { { "set", "--memory", "512", "--", "-rf", NULL }, "“-rf”" },
  { { "cd", "--", "-rf", "eject", NULL }, "“-rf”" },
  { { "disk-grow", "--", "-rf", "+1G", NULL }, "“-rf”" },
  { { "xml", "--", "-rf", NULL }, "“-rf”" },
  { { "log", "--", "-rf", NULL }, "“-rf”" },
  /* A file whose name begins with a dash. */
  { { "detect", "--", "-no-such.iso", NULL }, "-no-such.iso" },
  { { "create", "--no-start", "--", "-no-such.iso", NULL }, "-no-such.iso" },
};

static void
test_end_of_options (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (end_of_options_cases); i++)
    {
      const char * const *args = end_of_options_cases[i].args;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("hangarctl %s … %s", args[0], end_of_options_cases[i].says);
      g_assert_cmpint (hangar_test_ctl (args, &out, &err), ==, 1);
      hangar_test_assert_ctl_error (err, args[0]);
      g_assert_nonnull (strstr (err, end_of_options_cases[i].says));
      g_assert_cmpstr (out, ==, "");
    }
}

/* "--" itself is no name; one after the end of the options is. */
static void
test_end_of_options_count (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "start", "--", NULL }, &out, &err), ==, 2);
  hangar_test_assert_ctl_error (err, "start");
  g_assert_nonnull (strstr (err, "name"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "info", "--", "--", NULL }, &out, &err),
                   ==, 1);
  g_assert_nonnull (strstr (err, "“--”"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Without "--" a dash-name is still an option nobody has. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "info", "-rf", NULL }, &out, &err), ==, 2);
  hangar_test_assert_ctl_error (err, "info");
}

/* `cd NAME insert` takes only what could create a machine: each of these is
 * refused for what it is (status 1), a FIFO without blocking on it. */
static void
test_cd_not_a_medium (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hangarctl-cd-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe.iso", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.iso", NULL);
  g_autofree char *text = g_build_filename (dir, "text.iso", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.iso", NULL);
  const struct
  {
    const char *path;
    const char *says;
  } cases[] = {
    { dir, "is a folder" },
    { fifo, "is not an ISO disc image" },
    { "/dev/null", "is not an ISO disc image" },
    { empty, "is empty" },
    { text, "is not an ISO disc image" },
    { missing, "does not exist" },
  };

  g_assert_nonnull (dir);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (text, "not a disc\n", -1, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("cd test insert %s", cases[i].path);
      g_assert_cmpint (hangar_test_ctl ((const char *[]) { "cd", "test", "insert", cases[i].path,
                                                           NULL }, &out, &err), ==, 1);
      hangar_test_assert_ctl_error (err, "cd");
      g_assert_nonnull (strstr (err, cases[i].says));
      g_assert_cmpstr (out, ==, "");
    }

  for (guint i = 1; i < G_N_ELEMENTS (cases) - 1; i++)
    if (g_str_has_prefix (cases[i].path, dir))
      g_assert_cmpint (g_unlink (cases[i].path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_list (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* The test driver's one machine, "test", runs. */
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "list", NULL }, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "test\trunning\n");
  g_assert_cmpstr (err, ==, "");
}

static void
test_list_json (void)
{
  static const char *members[] = {
    "name", "uuid", "state", "os", "os_id", "last_used", "installing", "throwaway", NULL
  };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonNode *root;
  JsonArray *machines;
  JsonObject *machine;

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "list", "--json", NULL }, &out, &err),
                   ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  machines = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (machines), ==, 1);
  machine = json_array_get_object_element (machines, 0);
  g_assert_nonnull (machine);

  /* What scripts may rely on: these members, and no others. */
  g_assert_cmpuint (json_object_get_size (machine), ==, g_strv_length ((char **) members));
  for (guint i = 0; members[i] != NULL; i++)
    g_assert_true (json_object_has_member (machine, members[i]));

  g_assert_cmpstr (json_object_get_string_member (machine, "name"), ==, "test");
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (machine, "uuid")));
  g_assert_cmpstr (json_object_get_string_member (machine, "state"), ==, "running");
  /* Nothing known is null, never "". */
  g_assert_true (json_object_get_null_member (machine, "os"));
  g_assert_true (json_object_get_null_member (machine, "os_id"));
  g_assert_true (json_object_get_null_member (machine, "last_used"));
  g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (machine, "installing")));
  g_assert_false (json_object_get_boolean_member (machine, "installing"));
  g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (machine, "throwaway")));
  g_assert_false (json_object_get_boolean_member (machine, "throwaway"));
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  /* Every run here is on the in-process test driver, never a session. */
  g_setenv ("HANGAR_URI", TEST_URI, TRUE);

  g_test_add_func ("/hangar/hangarctl/usage", test_usage);
  g_test_add_func ("/hangar/hangarctl/command-help", test_command_help);
  g_test_add_func ("/hangar/hangarctl/usage-errors", test_usage_errors);
  g_test_add_func ("/hangar/hangarctl/failure", test_failure);
  g_test_add_func ("/hangar/hangarctl/end-of-options", test_end_of_options);
  g_test_add_func ("/hangar/hangarctl/end-of-options-count", test_end_of_options_count);
  g_test_add_func ("/hangar/hangarctl/cd-not-a-medium", test_cd_not_a_medium);
  g_test_add_func ("/hangar/hangarctl/list", test_list);
  g_test_add_func ("/hangar/hangarctl/list-json", test_list_json);

  return g_test_run ();
}
