/* test-machine-name.c
 *
 * Names of machines and snapshots (hangar-machine-name.c): the one rule,
 * as a table of hostile names each accepted exactly or refused with its
 * error; defaults Hangar picks made acceptable; unique names picked or held
 * for a creator ("X", "X 2", …). Pure, no daemon.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hangar-machine-name.h"
#include "hangar-test-utils.h"

/* ------------------------------------------------------------------------ */
/* the rule: accepted exactly, or refused with which error                  */
/* ------------------------------------------------------------------------ */

#define OK (-1)
#define E(code) HANGAR_MACHINE_NAME_ERROR_##code

/* Hostile and ordinary names; each is accepted as it is or refused with one
 * error. @snapshot is the answer for a snapshot's name where it differs
 * (only libvirt's 20-byte rule is a machine's own); @title for a title. */
static const struct
{
  const char *what;
  const char *name;
  int         machine;
  int         snapshot;
  int         title;
} name_cases[] = {
  /* Taken exactly. */
  { "plain", "Fedora 37", OK, OK, OK },
  { "one letter", "a", OK, OK, OK },
  { "accents and symbols", "Fédora ✓ 37", OK, OK, OK },
  { "CJK", "日本語", OK, OK, OK },
  { "right-to-left letters", "שלום", OK, OK, OK },
  { "emoji", "🚀 rocket", OK, OK, OK },
  { "combining mark", "e\u0301", OK, OK, OK },
  { "shell metacharacters", "$(reboot); `id` | & > *", OK, OK, OK },
  { "XML metacharacters", "<a href='x'>&amp;\"", OK, OK, OK },
  { "punctuation", "a-b_c.d (1) [2] {3} #4 %5 @6 !7 ?8 ,9", OK, OK, OK },
  { "leading dot", ".hidden", OK, E (DOTS), OK },   /* libvirt refuses it for snapshots */
  { "dots inside", "a..b", OK, OK, OK },
  { "three dots", "...", OK, E (DOTS), OK },
  { "backslash", "a\\b", OK, OK, OK },
  { "double space inside", "a  b", OK, OK, OK },
  { "no-break space inside", "a\u00A0b", OK, OK, OK },
  { "ideographic space inside", "日\u3000本", OK, OK, OK },
  { "dash first", "-rf", OK, OK, OK },
  { "double dash", "--", OK, OK, OK },
  /* libvirt's 20 bytes: a cut after a whole character is fine, one inside
   * "é" (bytes 19 and 20) stops a machine, not a snapshot. */
  { "20-byte cut after é", "aaaaaaaaaaaaaaaaaaaaé", OK, OK, OK },
  { "20-byte cut inside é", "aaaaaaaaaaaaaaaaaaaé", E (CUT), OK, OK },
  { "20-byte cut before é", "aaaaaaaaaaaaaaaaaaé", OK, OK, OK },
  /* Refused: nothing, not text, paths. */
  { "empty", "", E (EMPTY), E (EMPTY), E (EMPTY) },
  { "invalid UTF-8", "a\xff", E (NOT_TEXT), E (NOT_TEXT), E (NOT_TEXT) },
  { "overlong UTF-8 slash", "a\xc0\xaf" "b", E (NOT_TEXT), E (NOT_TEXT), E (NOT_TEXT) },
  { "slash", "a/b", E (SLASH), E (SLASH), OK },
  { "path escape", "../../x", E (SLASH), E (SLASH), OK },
  { "only a slash", "/", E (SLASH), E (SLASH), OK },
  { "dot", ".", E (DOTS), E (DOTS), OK },
  { "dot dot", "..", E (DOTS), E (DOTS), OK },
  /* Refused: white space at an end. */
  { "only spaces", "   ", E (SPACE_AT_END), E (SPACE_AT_END), E (SPACE_AT_END) },
  { "leading space", " a", E (SPACE_AT_END), E (SPACE_AT_END), E (SPACE_AT_END) },
  { "trailing space", "a ", E (SPACE_AT_END), E (SPACE_AT_END), E (SPACE_AT_END) },
  { "trailing no-break space", "a\u00A0", E (SPACE_AT_END), E (SPACE_AT_END),
    E (SPACE_AT_END) },
  { "leading em space", "\u2003a", E (SPACE_AT_END), E (SPACE_AT_END), E (SPACE_AT_END) },
  /* Refused: C0, DEL and C1 controls. */
  { "newline", "a\nb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "trailing newline", "a\n", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "carriage return", "a\rb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "tab", "a\tb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "escape", "a\x1b[31mred", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "bell", "a\x07", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "delete", "a\x7f" "b", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "C1 next line", "a\xc2\x85" "b", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  /* Refused: format characters, bidirectional controls among them. */
  { "right-to-left override", "a\u202Egnp.exe", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "left-to-right override", "a\u202Db", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "pop directional formatting", "a\u202Cb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "left-to-right isolate", "a\u2066b", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "right-to-left isolate", "a\u2067b", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "first strong isolate", "a\u2068b", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "pop directional isolate", "a\u2069b", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "right-to-left mark", "a\u200Fb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "arabic letter mark", "a\u061Cb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "zero-width space", "a\u200Bb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "zero-width non-joiner", "a\u200Cb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "zero-width joiner", "a\u200Db", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "word joiner", "a\u2060b", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "byte order mark", "\uFEFFa", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "soft hyphen", "a\u00ADb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "tag character", "a\U000E0041", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  /* Refused: separators that break lines. */
  { "line separator", "a\u2028b", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "paragraph separator", "a\u2029b", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  /* Refused: noncharacters, private use, unassigned. */
  { "noncharacter U+FFFE", "a\uFFFEb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "noncharacter U+FFFF", "a\uFFFFb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "noncharacter U+FDD0", "a\uFDD0b", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "noncharacter U+1FFFE", "a\U0001FFFEb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "private use", "a\uE000b", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
  { "unassigned", "a\U0003FFFDb", E (INVISIBLE), E (INVISIBLE), E (INVISIBLE) },
};

static void
check_one (HangarNameKind kind,
           const char    *what,
           const char    *name,
           int            expected)
{
  g_autoptr(GError) error = NULL;
  gboolean valid = hangar_name_check (kind, name, &error);

  g_test_message ("%s (kind %d): %s", what, kind, error != NULL ? error->message : "accepted");
  if (expected == OK)
    {
      g_assert_no_error (error);
      g_assert_true (valid);
    }
  else
    {
      g_assert_false (valid);
      g_assert_error (error, HANGAR_MACHINE_NAME_ERROR, expected);
      /* A sentence, and for invisible characters the one it is. */
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 10);
      if (expected == HANGAR_MACHINE_NAME_ERROR_INVISIBLE)
        g_assert_nonnull (strstr (error->message, "U+"));
    }
}

static void
test_check_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      check_one (HANGAR_NAME_KIND_MACHINE, name_cases[i].what, name_cases[i].name,
                 name_cases[i].machine);
      check_one (HANGAR_NAME_KIND_SNAPSHOT, name_cases[i].what, name_cases[i].name,
                 name_cases[i].snapshot);
      check_one (HANGAR_NAME_KIND_SNAPSHOT_TITLE, name_cases[i].what, name_cases[i].name,
                 name_cases[i].title);
    }
}

/* Messages name the problem. */
static const struct
{
  const char *name;
  const char *message;
} message_cases[] = {
  { "a/b", "Names cannot contain “/”." },
  { " a", "Names cannot start or end with a space." },
  { "..", "Names cannot be “.” or “..”." },
  { "a\u202Eb", "Names cannot contain invisible or control characters such as line breaks, "
                "tabs or text direction marks (U+202E)." },
  { "", "The name cannot be empty." },
};

static void
test_check_messages (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (message_cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (hangar_machine_name_check (message_cases[i].name, &error));
      g_assert_cmpstr (error->message, ==, message_cases[i].message);
    }
}

/* libvirt's real limit, 247 bytes, counted in bytes: "é" takes two. */
static void
test_check_length (void)
{
  g_autofree char *longest = g_strnfill (HANGAR_MACHINE_NAME_MAX_BYTES, 'x');
  g_autofree char *too_long = g_strnfill (HANGAR_MACHINE_NAME_MAX_BYTES + 1, 'x');
  g_autoptr(GString) accents = g_string_new ("xxxxxxxxxxxxxxxxxxxx");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (HANGAR_MACHINE_NAME_MAX_BYTES, ==, 247);
  for (HangarNameKind kind = HANGAR_NAME_KIND_MACHINE; kind <= HANGAR_NAME_KIND_SNAPSHOT_TITLE;
       kind++)
    {
      g_assert_true (hangar_name_check (kind, longest, &error));
      g_assert_no_error (error);
      g_assert_false (hangar_name_check (kind, too_long, &error));
      g_assert_error (error, HANGAR_MACHINE_NAME_ERROR, HANGAR_MACHINE_NAME_ERROR_TOO_LONG);
      g_assert_nonnull (strstr (error->message, "247"));
      g_assert_nonnull (strstr (error->message, "248"));
      g_clear_error (&error);
    }

  /* 20 + 114 × 2 = 248 bytes in 134 characters. */
  for (guint i = 0; i < 114; i++)
    g_string_append (accents, "é");
  g_assert_false (hangar_machine_name_check (accents->str, &error));
  g_assert_error (error, HANGAR_MACHINE_NAME_ERROR, HANGAR_MACHINE_NAME_ERROR_TOO_LONG);
  g_clear_error (&error);
  g_string_truncate (accents, accents->len - 2);
  g_assert_true (hangar_machine_name_check (accents->str, &error));
  g_assert_no_error (error);

  g_assert_false (hangar_machine_name_check (NULL, &error));
  g_assert_error (error, HANGAR_MACHINE_NAME_ERROR, HANGAR_MACHINE_NAME_ERROR_EMPTY);
}

/* ------------------------------------------------------------------------ */
/* names Hangar picks itself                                                */
/* ------------------------------------------------------------------------ */

static const struct
{
  const char *text;
  const char *name;
} default_cases[] = {
  { "Fedora 37", "Fedora 37" },
  { "  Fedora \t 37  ", "Fedora 37" },
  { "a/b", "a-b" },
  { "x\u202Ey", "x y" },
  { "a\u200Bb", "a b" },
  { ".", "" },
  { "..", "" },
  { "\n\t", "" },
  { "日本語", "日本語" },
};

/* A default (an OS's or a file's name) is made into a name the rule takes,
 * short enough to be numbered; only these are ever changed. */
static void
test_from_default (void)
{
  g_autofree char *long_name = g_strnfill (400, 'x');
  g_autofree char *cut = NULL;
  g_autofree char *invalid = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (default_cases); i++)
    {
      g_autofree char *name = hangar_machine_name_from_default (default_cases[i].text);
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (name, ==, default_cases[i].name);
      if (*name != '\0')
        {
          g_assert_true (hangar_machine_name_check (name, &error));
          g_assert_no_error (error);
        }
    }

  cut = hangar_machine_name_from_default (long_name);
  g_assert_cmpuint (strlen (cut), ==, HANGAR_MACHINE_NAME_MAX_BYTES - 4);
  invalid = hangar_machine_name_from_default ("a\xff" "b");
  g_assert_true (hangar_machine_name_check (invalid, NULL));
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

/* A name the user gave is held exactly, or not at all: never numbered. */
static void
test_reserve_exact (void)
{
  g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *numbered = NULL;

  g_hash_table_add (taken, (gpointer) "Libvirt's");
  g_assert_false (hangar_machine_name_reserve_exact ("Libvirt's", taken));
  g_assert_true (hangar_machine_name_reserve_exact ("Mine", taken));
  /* Another creator of this process holds it now. */
  g_assert_false (hangar_machine_name_reserve_exact ("Mine", taken));
  /* A name Hangar picks steps around it. */
  numbered = hangar_machine_name_reserve ("Mine", taken);
  g_assert_cmpstr (numbered, ==, "Mine 2");
  hangar_machine_name_release ("Mine");
  g_assert_true (hangar_machine_name_reserve_exact ("Mine", taken));
  hangar_machine_name_release ("Mine");
  hangar_machine_name_release (numbered);
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

  g_test_add_func ("/hangar/machine-name/check-table", test_check_table);
  g_test_add_func ("/hangar/machine-name/check-messages", test_check_messages);
  g_test_add_func ("/hangar/machine-name/check-length", test_check_length);
  g_test_add_func ("/hangar/machine-name/from-default", test_from_default);
  g_test_add_func ("/hangar/machine-name/pick", test_pick_names);
  g_test_add_func ("/hangar/machine-name/pick-table", test_pick_table);
  g_test_add_func ("/hangar/machine-name/reserve", test_reserve);
  g_test_add_func ("/hangar/machine-name/reserve-exact", test_reserve_exact);
  g_test_add_func ("/hangar/machine-name/reserve-threads", test_reserve_threads);

  return g_test_run ();
}
