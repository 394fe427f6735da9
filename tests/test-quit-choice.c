/* test-quit-choice.c
 *
 * What closing Hangar does to a machine: its own choice first, else the
 * application's; saving by default.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "hangar-quit-choice.h"

#define UUID_A "11111111-2222-3333-4444-555555555555"
#define UUID_B "66666666-7777-8888-9999-000000000000"

static GSettings *
new_settings (void)
{
  GSettings *settings = g_settings_new (APPLICATION_ID);

  g_settings_reset (settings, "on-quit");
  g_settings_reset (settings, "machine-on-quit");
  return settings;
}

static void
test_default_saves (void)
{
  g_autoptr(GSettings) settings = new_settings ();

  /* As in GNOME Boxes: closing saves a machine that made no choice. */
  g_assert_true (hangar_quit_choice_saves (settings, UUID_A));
  g_assert_true (hangar_quit_choice_saves (settings, NULL));
  g_assert_null (hangar_quit_choice_get_own (settings, UUID_A));
}

static void
test_own_choice_first (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autofree char *own = NULL;

  hangar_quit_choice_set_own (settings, UUID_A, HANGAR_QUIT_CHOICE_LEAVE_RUNNING);
  g_assert_false (hangar_quit_choice_saves (settings, UUID_A));
  g_assert_true (hangar_quit_choice_saves (settings, UUID_B));

  /* The application keeps machines running: B follows, A's own choice stays. */
  g_settings_set_string (settings, "on-quit", "leave-running");
  hangar_quit_choice_set_own (settings, UUID_B, HANGAR_QUIT_CHOICE_SAVE);
  g_assert_false (hangar_quit_choice_saves (settings, UUID_A));
  g_assert_true (hangar_quit_choice_saves (settings, UUID_B));
  own = hangar_quit_choice_get_own (settings, UUID_A);
  g_assert_cmpstr (own, ==, HANGAR_QUIT_CHOICE_LEAVE_RUNNING);

  /* Changing one machine's choice leaves the other's. */
  hangar_quit_choice_set_own (settings, UUID_A, HANGAR_QUIT_CHOICE_SAVE);
  g_assert_true (hangar_quit_choice_saves (settings, UUID_A));
  g_assert_true (hangar_quit_choice_saves (settings, UUID_B));

  /* No choice of its own: it follows the application again. */
  hangar_quit_choice_set_own (settings, UUID_A, NULL);
  g_assert_false (hangar_quit_choice_saves (settings, UUID_A));
  g_assert_true (hangar_quit_choice_saves (settings, UUID_B));
  {
    g_autoptr(GVariant) map = g_settings_get_value (settings, "machine-on-quit");

    g_assert_cmpuint (g_variant_n_children (map), ==, 1);
  }
}

static void
test_unknown_value (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  GVariantBuilder builder;

  /* A value written by hand that means nothing is no choice at all. */
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&builder, "{ss}", UUID_A, "explode");
  g_settings_set_value (settings, "machine-on-quit", g_variant_builder_end (&builder));
  g_assert_null (hangar_quit_choice_get_own (settings, UUID_A));
  g_assert_true (hangar_quit_choice_saves (settings, UUID_A));
  g_settings_set_string (settings, "on-quit", "leave-running");
  g_assert_false (hangar_quit_choice_saves (settings, UUID_A));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/quit-choice/default-saves", test_default_saves);
  g_test_add_func ("/hangar/quit-choice/own-choice-first", test_own_choice_first);
  g_test_add_func ("/hangar/quit-choice/unknown-value", test_unknown_value);

  return g_test_run ();
}
