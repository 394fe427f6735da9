/* hangar-quit-choice.c
 *
 * What closing Hangar does to a running machine: the machine's own choice
 * (the "machine-on-quit" setting, a UUID → choice map set from its
 * Properties) comes first, else the application's ("on-quit", from
 * Preferences; saving by default, as GNOME Boxes does).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-core"

#include "config.h"

#include "hangar-quit-choice.h"

static gboolean
is_choice (const char *choice)
{
  return g_strcmp0 (choice, HANGAR_QUIT_CHOICE_SAVE) == 0 ||
         g_strcmp0 (choice, HANGAR_QUIT_CHOICE_LEAVE_RUNNING) == 0;
}

/**
 * hangar_quit_choice_get_own:
 * @settings: Hangar's settings
 * @uuid: a machine's UUID
 *
 * Returns: (transfer full) (nullable): the machine's own choice,
 *   %HANGAR_QUIT_CHOICE_SAVE or %HANGAR_QUIT_CHOICE_LEAVE_RUNNING, or %NULL
 *   when it follows the application's
 */
char *
hangar_quit_choice_get_own (GSettings  *settings,
                            const char *uuid)
{
  g_autoptr(GVariant) choices = NULL;
  g_autofree char *choice = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  if (uuid == NULL)
    return NULL;
  choices = g_settings_get_value (settings, "machine-on-quit");
  /* A value written by hand that means nothing is no choice. */
  if (!g_variant_lookup (choices, uuid, "s", &choice) || !is_choice (choice))
    return NULL;
  return g_steal_pointer (&choice);
}

/**
 * hangar_quit_choice_saves:
 * @settings: Hangar's settings
 * @uuid: (nullable): a machine's UUID
 *
 * The one rule of what closing Hangar does to a machine.
 *
 * Returns: %TRUE when closing saves its state, %FALSE when it keeps running
 *   in the background
 */
gboolean
hangar_quit_choice_saves (GSettings  *settings,
                          const char *uuid)
{
  g_autofree char *choice = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);

  choice = hangar_quit_choice_get_own (settings, uuid);
  if (choice == NULL)
    choice = g_settings_get_string (settings, "on-quit");
  return g_strcmp0 (choice, HANGAR_QUIT_CHOICE_SAVE) == 0;
}

/**
 * hangar_quit_choice_set_own:
 * @settings: Hangar's settings
 * @uuid: a machine's UUID
 * @choice: (nullable): %HANGAR_QUIT_CHOICE_SAVE,
 *   %HANGAR_QUIT_CHOICE_LEAVE_RUNNING, or %NULL to follow the application's
 *
 * Sets what closing Hangar does to one machine; the others keep theirs.
 */
void
hangar_quit_choice_set_own (GSettings  *settings,
                            const char *uuid,
                            const char *choice)
{
  g_autoptr(GVariant) old = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key, *value;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (uuid != NULL);
  g_return_if_fail (choice == NULL || is_choice (choice));

  old = g_settings_get_value (settings, "machine-on-quit");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (!g_str_equal (key, uuid))
      g_variant_builder_add (&builder, "{ss}", key, value);
  if (choice != NULL)
    g_variant_builder_add (&builder, "{ss}", uuid, choice);
  g_settings_set_value (settings, "machine-on-quit", g_variant_builder_end (&builder));
}
