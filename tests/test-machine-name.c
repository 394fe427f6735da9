/* test-machine-name.c
 *
 * Names for new machines (hangar-machine-name.c): what a user typed made
 * acceptable to libvirt and readable, and numbered when taken. Pure, no
 * daemon.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hangar-machine-name.h"
#include "hangar-test-utils.h"

static const struct
{
  const char *wish;
  const char *name;
} machine_names[] = {
  { "Fedora 37", "Fedora 37" },
  { "  Fedora \t 37  ", "Fedora 37" },
  { "a\nb", "a b" },
  { "a/b", "a-b" },
  { "../../x", "..-..-x" },
  { "x\u202Ey", "x y" },          /* a right-to-left override */
  { "Fédora ✓ 37", "Fédora ✓ 37" },
  { "\n\t", "" },
  { "", "" },
};

static void
test_normalize_names (void)
{
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autofree char *cut = NULL;
  g_autofree char *invalid = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (machine_names); i++)
    {
      g_autofree char *name = hangar_machine_name_normalize (machine_names[i].wish);

      g_assert_cmpstr (name, ==, machine_names[i].name);
    }

  /* Cut at 100 bytes, between characters. */
  for (guint i = 0; i < 80; i++)
    g_string_append (long_name, "é");
  cut = hangar_machine_name_normalize (long_name->str);
  g_assert_cmpuint (strlen (cut), ==, 100);
  g_assert_true (g_utf8_validate (cut, -1, NULL));

  invalid = hangar_machine_name_normalize ("a\xff" "b");
  g_assert_true (g_utf8_validate (invalid, -1, NULL));
  g_assert_nonnull (strchr (invalid, 'a'));
}

static void
test_pick_names (void)
{
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *gap = NULL;
  g_autofree char *none = NULL;

  first = hangar_machine_name_pick ("Fedora 37", taken);
  g_assert_cmpstr (first, ==, "Fedora 37");
  g_hash_table_add (taken, (gpointer) "Fedora 37");
  second = hangar_machine_name_pick ("Fedora 37", taken);
  g_assert_cmpstr (second, ==, "Fedora 37 2");
  g_hash_table_add (taken, (gpointer) "Fedora 37 2");
  third = hangar_machine_name_pick ("Fedora 37", taken);
  g_assert_cmpstr (third, ==, "Fedora 37 3");

  g_hash_table_remove (taken, "Fedora 37");
  gap = hangar_machine_name_pick ("Fedora 37", taken);
  g_assert_cmpstr (gap, ==, "Fedora 37");

  /* Every number taken: no name rather than a clash. */
  g_hash_table_add (taken, (gpointer) "X");
  {
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 2; i <= 1000; i++)
      {
        char *name = g_strdup_printf ("X %u", i);

        g_ptr_array_add (names, name);
        g_hash_table_add (taken, name);
      }
    none = hangar_machine_name_pick ("X", taken);
    g_assert_null (none);
    g_hash_table_remove_all (taken);
  }
}
int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/machine-name/normalize", test_normalize_names);
  g_test_add_func ("/hangar/machine-name/pick", test_pick_names);

  return g_test_run ();
}
