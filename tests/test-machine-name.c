/* test-machine-name.c
 *
 * Names for new machines: what a user typed made acceptable to libvirt and
 * readable (hangar-machine-name.c), the names a machine may have
 * (hangar_vm_config_check_name()), and unique names picked or held for a
 * creator ("X", "X 2", …). Pure, no daemon.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hangar-machine-name.h"
#include "hangar-test-utils.h"
#include "hangar-vm-config.h"

/* ------------------------------------------------------------------------ */
/* normalize                                                                */
/* ------------------------------------------------------------------------ */

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
  { "a\u200Bb", "a b" },          /* a zero-width space */
  { "a\u2028b", "a b" },          /* a line separator */
  { "a\u00A0\u00A0b", "a b" },    /* no-break spaces, a run of them */
  { "a\x01" "b\x7f" "c", "a b c" },
  { "//", "--" },
  { "日本語", "日本語" },
  { "$(reboot); `id`", "$(reboot); `id`" },  /* libvirt takes it; it is only text */
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

/* What comes out is a name already: normalizing it again changes nothing,
 * and every non-empty one is one a machine may have. */
static void
test_normalize_is_a_name (void)
{
  g_autoptr(GPtrArray) wishes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) spaced = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (machine_names); i++)
    g_ptr_array_add (wishes, g_strdup (machine_names[i].wish));
  /* Long ones, cut at 100 bytes: inside a word, and where a space was. */
  g_ptr_array_add (wishes, g_strnfill (150, 'x'));
  for (guint i = 0; i < 30; i++)
    g_string_append (spaced, "abc ");
  g_ptr_array_add (wishes, g_strdup (spaced->str));
  g_ptr_array_add (wishes, g_strdup ("a\xff\xfe" "b / c"));

  for (guint i = 0; i < wishes->len; i++)
    {
      const char *wish = g_ptr_array_index (wishes, i);
      g_autofree char *name = hangar_machine_name_normalize (wish);
      g_autofree char *again = hangar_machine_name_normalize (name);
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (again, ==, name);
      g_assert_true (g_utf8_validate (name, -1, NULL));
      g_assert_cmpuint (strlen (name), <=, 100);
      g_assert_null (strchr (name, '/'));
      g_assert_false (g_str_has_prefix (name, " "));
      g_assert_false (g_str_has_suffix (name, " "));
      if (*name == '\0')
        continue;
      /* libvirt's 20-byte cut may still fall inside a character (see
       * test_check_name): the creator's check is the last word on that. */
      if (strlen (name) > 20 && (name[20] & 0xc0) == 0x80)
        continue;
      g_assert_true (hangar_vm_config_check_name (name, &error));
      g_assert_no_error (error);
    }
}

/* ------------------------------------------------------------------------ */
/* valid and invalid names                                                  */
/* ------------------------------------------------------------------------ */

static const struct
{
  const char *name;
  gboolean    valid;
} check_cases[] = {
  { "Fedora 37", TRUE },
  { "a", TRUE },
  { "Fédora ✓ 37", TRUE },
  { "日本語", TRUE },
  { "$(reboot); `id`", TRUE },
  { "a-b_c.d (1)", TRUE },
  { "", FALSE },
  { "   ", FALSE },
  { "\u00A0", FALSE },            /* blank is blank, however it is spaced */
  { "a\nb", FALSE },
  { "a\tb", FALSE },
  { "a\u2028b", FALSE },
  { "a/b", FALSE },
  { "a\xff", FALSE },             /* not UTF-8 */
  /* libvirt's first 20 bytes: a cut after a whole character is fine, one
   * inside "é" (bytes 19 and 20) is not. */
  { "aaaaaaaaaaaaaaaaaaaaé", TRUE },
  { "aaaaaaaaaaaaaaaaaaaé", FALSE },
  { "aaaaaaaaaaaaaaaaaaé", TRUE },
};

static void
test_check_name (void)
{
  g_autofree char *longest = g_strnfill (200, 'x');
  g_autofree char *too_long = g_strnfill (201, 'x');
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (check_cases); i++)
    {
      gboolean valid = hangar_vm_config_check_name (check_cases[i].name, &error);

      g_test_message ("check_cases[%u]: %s", i, error != NULL ? error->message : "valid");
      g_assert_cmpint (valid, ==, check_cases[i].valid);
      if (valid)
        g_assert_no_error (error);
      else
        g_assert_error (error, HANGAR_VM_CONFIG_ERROR, HANGAR_VM_CONFIG_ERROR_INVALID);
      g_clear_error (&error);
    }

  g_assert_true (hangar_vm_config_check_name (longest, &error));
  g_assert_no_error (error);
  g_assert_false (hangar_vm_config_check_name (too_long, &error));
  g_assert_error (error, HANGAR_VM_CONFIG_ERROR, HANGAR_VM_CONFIG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (hangar_vm_config_check_name (NULL, &error));
  g_assert_error (error, HANGAR_VM_CONFIG_ERROR, HANGAR_VM_CONFIG_ERROR_INVALID);
}

/* ------------------------------------------------------------------------ */
/* unique names                                                             */
/* ------------------------------------------------------------------------ */

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

static const struct
{
  const char *base;
  const char *taken[5];
  const char *picked;
} pick_cases[] = {
  { "X", { NULL }, "X" },
  { "X", { "X", NULL }, "X 2" },
  { "X", { "X", "X 2", NULL }, "X 3" },
  { "X", { "X", "X 3", NULL }, "X 2" },           /* the first free number */
  { "X", { "X", "X 2", "X 4", NULL }, "X 3" },
  { "X", { "X 2", "X 3", NULL }, "X" },           /* the name itself, when free */
  { "X", { "X", "X2", "X 02", NULL }, "X 2" },    /* only "X N" counts */
  { "X 2", { "X 2", NULL }, "X 2 2" },            /* a number in the wish is the wish's */
  { "x", { "X", NULL }, "x" },                    /* libvirt's names are case-sensitive */
  { "Fédora", { "Fédora", NULL }, "Fédora 2" },
};

static void
test_pick_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (pick_cases); i++)
    {
      g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *picked = NULL;

      for (guint j = 0; pick_cases[i].taken[j] != NULL; j++)
        g_hash_table_add (taken, (gpointer) pick_cases[i].taken[j]);
      picked = hangar_machine_name_pick (pick_cases[i].base, taken);
      g_assert_cmpstr (picked, ==, pick_cases[i].picked);
      /* Picking does not take: the same answer again. */
      g_clear_pointer (&picked, g_free);
      picked = hangar_machine_name_pick (pick_cases[i].base, taken);
      g_assert_cmpstr (picked, ==, pick_cases[i].picked);
    }
}

/* Reserved names are avoided like taken ones until released. */
static void
test_reserve (void)
{
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *again = NULL;
  g_autofree char *picked = NULL;

  first = hangar_machine_name_reserve ("Held", taken);
  g_assert_cmpstr (first, ==, "Held");
  second = hangar_machine_name_reserve ("Held", taken);
  g_assert_cmpstr (second, ==, "Held 2");
  g_hash_table_add (taken, (gpointer) "Held 3");
  third = hangar_machine_name_reserve ("Held", taken);
  g_assert_cmpstr (third, ==, "Held 4");

  /* Picking alone knows only what is taken. */
  picked = hangar_machine_name_pick ("Held", taken);
  g_assert_cmpstr (picked, ==, "Held");

  hangar_machine_name_release (first);
  again = hangar_machine_name_reserve ("Held", taken);
  g_assert_cmpstr (again, ==, "Held");

  hangar_machine_name_release (again);
  hangar_machine_name_release (second);
  hangar_machine_name_release (third);
  /* Releasing a name nobody holds is harmless. */
  hangar_machine_name_release ("Never held");
}

#define N_RESERVERS 8

typedef struct
{
  GHashTable *taken;   /* read only */
  char       *name;
} Reserver;

static gpointer
reserve_in_thread (gpointer data)
{
  Reserver *reserver = data;

  reserver->name = hangar_machine_name_reserve ("Parallel", reserver->taken);
  return NULL;
}

/* Creators started at once get names of their own. */
static void
test_reserve_threads (void)
{
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  Reserver reservers[N_RESERVERS];
  GThread *threads[N_RESERVERS];

  g_hash_table_add (taken, (gpointer) "Parallel");
  for (guint i = 0; i < N_RESERVERS; i++)
    {
      reservers[i] = (Reserver) { taken, NULL };
      threads[i] = g_thread_new ("reserve", reserve_in_thread, &reservers[i]);
    }
  for (guint i = 0; i < N_RESERVERS; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < N_RESERVERS; i++)
    {
      g_assert_nonnull (reservers[i].name);
      g_assert_true (g_hash_table_add (names, reservers[i].name));
    }
  /* "Parallel 2" to "Parallel 9": each once. */
  for (guint i = 2; i < 2 + N_RESERVERS; i++)
    {
      g_autofree char *expected = g_strdup_printf ("Parallel %u", i);

      g_assert_true (g_hash_table_contains (names, expected));
    }
  for (guint i = 0; i < N_RESERVERS; i++)
    {
      hangar_machine_name_release (reservers[i].name);
      g_free (reservers[i].name);
    }
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/machine-name/normalize", test_normalize_names);
  g_test_add_func ("/hangar/machine-name/normalize-is-a-name", test_normalize_is_a_name);
  g_test_add_func ("/hangar/machine-name/check", test_check_name);
  g_test_add_func ("/hangar/machine-name/pick", test_pick_names);
  g_test_add_func ("/hangar/machine-name/pick-table", test_pick_table);
  g_test_add_func ("/hangar/machine-name/reserve", test_reserve);
  g_test_add_func ("/hangar/machine-name/reserve-threads", test_reserve_threads);

  return g_test_run ();
}
