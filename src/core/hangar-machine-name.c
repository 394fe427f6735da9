/* hangar-machine-name.c
 *
 * Names for new machines: what a user typed made acceptable to libvirt and
 * readable, numbered when taken ("Fedora 37", "Fedora 37 2", …), and held
 * for a creator until libvirt knows it.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "hangar-machine-name.h"

/* libvirt keeps a domain's configuration, log and NVRAM in files named after
 * it: a long name fails there, so names are cut, leaving room for " 999". */
#define NAME_MAX_BYTES 100
#define MAX_NAME_ATTEMPTS 1000

/* Names chosen by creators of this process that libvirt does not know yet:
 * two machines made at once never get the same one. */
G_LOCK_DEFINE_STATIC (reserved);
static GHashTable *reserved_names;

/* Characters that show nothing, or move text around: newlines, tabs, bidi
 * overrides, zero-width joiners, unassigned and private code points. */
static gboolean
is_blank (gunichar c)
{
  int type = g_unichar_type (c);

  return g_unichar_isspace (c) ||
         type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT ||
         type == G_UNICODE_UNASSIGNED || type == G_UNICODE_PRIVATE_USE ||
         type == G_UNICODE_SURROGATE || type == G_UNICODE_LINE_SEPARATOR ||
         type == G_UNICODE_PARAGRAPH_SEPARATOR || type == G_UNICODE_SPACE_SEPARATOR;
}

/**
 * hangar_machine_name_normalize:
 * @name: (nullable): what the user typed
 *
 * A name libvirt accepts and a user can read: invalid UTF-8 repaired, runs of
 * blank characters (white space, control and formatting characters such as
 * newlines or bidi overrides) become one space, `/` (never allowed in a
 * domain name) becomes `-`, no space at either end, at most 100 bytes.
 *
 * Returns: (transfer full): the name, possibly empty
 */
char *
hangar_machine_name_normalize (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "", -1);
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean pending_space = FALSE;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_blank (c))
        {
          pending_space = TRUE;
          continue;
        }
      if (pending_space && out->len > 0)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      if (c == '/')
        g_string_append_c (out, '-');
      else
        g_string_append_unichar (out, c);
    }

  if (out->len > NAME_MAX_BYTES)
    {
      const char *end = out->str + NAME_MAX_BYTES;

      /* Cut between characters, never inside one. */
      while (end > out->str && (((guchar) *end) & 0xC0) == 0x80)
        end--;
      g_string_truncate (out, (gsize) (end - out->str));
      while (out->len > 0 && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * hangar_machine_name_pick:
 * @base: the wanted name, normalized
 * @taken: (element-type utf8 utf8): names in use, as keys
 *
 * Returns: (transfer full) (nullable): @base, else "@base 2", "@base 3", …;
 *   %NULL when the first thousand are all taken
 */
char *
hangar_machine_name_pick (const char *base,
                          GHashTable *taken)
{
  g_return_val_if_fail (base != NULL && *base != '\0', NULL);
  g_return_val_if_fail (taken != NULL, NULL);

  if (!g_hash_table_contains (taken, base))
    return g_strdup (base);

  for (guint i = 2; i <= MAX_NAME_ATTEMPTS; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s %u", base, i);

      if (!g_hash_table_contains (taken, candidate))
        return g_steal_pointer (&candidate);
    }

  return NULL;
}

/**
 * hangar_machine_name_reserve:
 * @base: the wanted name, normalized
 * @taken: (element-type utf8 utf8): the names libvirt knows, as keys
 *
 * Like hangar_machine_name_pick(), also avoiding the names other creators of
 * this process hold, and holds the one picked until
 * hangar_machine_name_release(). Thread-safe.
 *
 * Returns: (transfer full) (nullable): the name
 */
char *
hangar_machine_name_reserve (const char *base,
                             GHashTable *taken)
{
  g_autoptr(GHashTable) all = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;
  char *name;

  g_return_val_if_fail (taken != NULL, NULL);

  g_hash_table_iter_init (&iter, taken);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (all, key);

  G_LOCK (reserved);
  if (reserved_names == NULL)
    reserved_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, reserved_names);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (all, key);
  name = hangar_machine_name_pick (base, all);
  if (name != NULL)
    g_hash_table_add (reserved_names, g_strdup (name));
  G_UNLOCK (reserved);

  return name;
}

void
hangar_machine_name_release (const char *name)
{
  g_return_if_fail (name != NULL);

  G_LOCK (reserved);
  if (reserved_names != NULL)
    g_hash_table_remove (reserved_names, name);
  G_UNLOCK (reserved);
}
