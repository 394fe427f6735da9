/* hangar-machine-name.c
 *
 * Names of machines and snapshots: the one rule for what a user may give
 * (used exactly as given or refused with the reason, never changed), names
 * Hangar picks itself numbered when taken ("Fedora 37", "Fedora 37 2", …),
 * and a name held for a creator until libvirt knows it.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-machine-name.h"

/* Room left by hangar_machine_name_from_default() for " 999". */
#define DEFAULT_NAME_MAX_BYTES (HANGAR_MACHINE_NAME_MAX_BYTES - 4)
#define MAX_NAME_ATTEMPTS 1000

/* libvirt 9.0 names a running machine's private directories (and QEMU's
 * master key file in its JSON command line) after the first 20 bytes of its
 * name. An auto-started session daemon runs with LC_ALL=C, so these bytes
 * are counted without regard for UTF-8: a cut inside a character makes a
 * path that is not UTF-8, and the machine can never start: libvirt 9.0
 * fails to write the JSON ("failed to convert virJSONValue to yajl data");
 * libvirt 11 writes it and QEMU 10 refuses it ("invalid UTF-8 sequence in
 * string"). */
#define LIBVIRT_SHORT_NAME_BYTES 20

G_DEFINE_QUARK (hangar-machine-name-error-quark, hangar_machine_name_error)

/* Names chosen by creators of this process that libvirt does not know yet:
 * two machines made at once never get the same one. */
G_LOCK_DEFINE_STATIC (reserved);
static GHashTable *reserved_names;

/* What a name may hold, decided against libvirt 9.0's session driver:
 *
 * - libvirt itself refuses "/", "." and ".." (they would be paths), names
 *   over 247 bytes (NAME.xml.new must fit in 255), code points XML cannot
 *   carry (U+FFFE, U+FFFF) and snapshot names that start with ".": refused
 *   here first, with the reason.
 * - libvirt accepts control characters (tab, newline), format characters
 *   (bidirectional overrides and isolates such as U+202E and U+2066–U+2069,
 *   zero-width spaces and joiners, the soft hyphen), line and paragraph
 *   separators, and leading or trailing spaces. A list showing such a name
 *   lies about it: "a\u202Egnp.exe" shows as "aexe.png", a zero-width space
 *   makes two names that look the same, a trailing space cannot be seen.
 *   Refused here, like unassigned, private-use and noncharacter code points,
 *   which show as nothing or as a box.
 * - Everything else is taken exactly as given: any letters, digits, marks,
 *   punctuation and symbols, spaces (of any width) between words, a leading
 *   dot, shell and XML metacharacters (names only ever reach libvirt as
 *   escaped XML or as arguments, never through a shell). */
static gboolean
is_invisible (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:      /* includes the noncharacters U+FDD0… and U+xFFFE/F */
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return TRUE;
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
    case G_UNICODE_CURRENCY_SYMBOL:
    case G_UNICODE_MODIFIER_SYMBOL:
    case G_UNICODE_MATH_SYMBOL:
    case G_UNICODE_OTHER_SYMBOL:
    case G_UNICODE_SPACE_SEPARATOR:
    default:
      /* Noncharacters GLib may class otherwise. */
      return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
    }
}

static gboolean
fail (GError              **error,
      HangarMachineNameError code,
      const char           *message)
{
  g_set_error_literal (error, HANGAR_MACHINE_NAME_ERROR, code, message);
  return FALSE;
}

/* "U+202E" for a code point users cannot see. */
static char *
describe (gunichar c)
{
  return g_strdup_printf ("U+%04X", (guint) c);
}

/**
 * hangar_name_check:
 * @kind: what @name names
 * @name: (nullable): a name exactly as the user gave it
 * @error: return location for a %HANGAR_MACHINE_NAME_ERROR
 *
 * The one rule for names users give machines and snapshots (see the
 * comment above is_invisible() for what is accepted and why). A name is
 * used exactly as given or refused with a reason the user can act on; it is
 * never changed. Titles follow the same rule, except that they may hold
 * “/” and “.”, and libvirt's 20-byte rule is for machines only.
 *
 * Returns: %TRUE when @name can be used as it is
 */
gboolean
hangar_name_check (HangarNameKind  kind,
                   const char     *name,
                   GError        **error)
{
  gboolean title = kind == HANGAR_NAME_KIND_SNAPSHOT_TITLE;
  gsize length;
  gunichar first, last;

  if (name == NULL || *name == '\0')
    return fail (error, HANGAR_MACHINE_NAME_ERROR_EMPTY,
                 title ? _("The title cannot be empty.") : _("The name cannot be empty."));
  if (!g_utf8_validate (name, -1, NULL))
    return fail (error, HANGAR_MACHINE_NAME_ERROR_NOT_TEXT,
                 title ? _("The title is not valid text. Type it again.")
                       : _("The name is not valid text. Type it again."));

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_invisible (c))
        {
          g_autofree char *code = describe (c);

          /* Translators: %s is a code point such as “U+202E” */
          g_set_error (error, HANGAR_MACHINE_NAME_ERROR, HANGAR_MACHINE_NAME_ERROR_INVISIBLE,
                       title ? _("Titles cannot contain invisible or control characters such as "
                                 "line breaks, tabs or text direction marks (%s).")
                             : _("Names cannot contain invisible or control characters such as "
                                 "line breaks, tabs or text direction marks (%s)."),
                       code);
          return FALSE;
        }
      if (c == '/' && !title)
        return fail (error, HANGAR_MACHINE_NAME_ERROR_SLASH, _("Names cannot contain “/”."));
    }

  first = g_utf8_get_char (name);
  last = g_utf8_get_char (g_utf8_find_prev_char (name, name + strlen (name)));
  if (g_unichar_isspace (first) || g_unichar_isspace (last))
    return fail (error, HANGAR_MACHINE_NAME_ERROR_SPACE_AT_END,
                 title ? _("Titles cannot start or end with a space.")
                       : _("Names cannot start or end with a space."));
  if (!title && (g_str_equal (name, ".") || g_str_equal (name, "..")))
    return fail (error, HANGAR_MACHINE_NAME_ERROR_DOTS, _("Names cannot be “.” or “..”."));
  if (kind == HANGAR_NAME_KIND_SNAPSHOT && name[0] == '.')
    return fail (error, HANGAR_MACHINE_NAME_ERROR_DOTS,
                 _("Snapshot names cannot start with “.”."));

  length = strlen (name);
  if (length > HANGAR_MACHINE_NAME_MAX_BYTES)
    {
      g_set_error (error, HANGAR_MACHINE_NAME_ERROR, HANGAR_MACHINE_NAME_ERROR_TOO_LONG,
                   /* Translators: the first %u is the limit, the second the name's size */
                   title ? _("Titles cannot be longer than %u bytes; this one has %u (letters "
                             "outside English take 2 to 4 bytes each).")
                         : _("Names cannot be longer than %u bytes; this one has %u (letters "
                             "outside English take 2 to 4 bytes each)."),
                   (guint) HANGAR_MACHINE_NAME_MAX_BYTES, (guint) length);
      return FALSE;
    }

  if (kind == HANGAR_NAME_KIND_MACHINE && length > LIBVIRT_SHORT_NAME_BYTES &&
      (name[LIBVIRT_SHORT_NAME_BYTES] & 0xc0) == 0x80)
    {
      const char *cut = g_utf8_find_prev_char (name, name + LIBVIRT_SHORT_NAME_BYTES);
      char character[7] = { 0 };

      g_unichar_to_utf8 (g_utf8_get_char (cut), character);
      g_set_error (error, HANGAR_MACHINE_NAME_ERROR, HANGAR_MACHINE_NAME_ERROR_CUT,
                   _("A machine with this name could not start: libvirt would cut the name "
                     "inside “%s”. Replace that character or one before it."),
                   character);
      return FALSE;
    }

  return TRUE;
}

/**
 * hangar_machine_name_check:
 * @name: (nullable): a machine's name exactly as the user gave it
 * @error: return location for a %HANGAR_MACHINE_NAME_ERROR
 *
 * hangar_name_check() for a machine's name.
 *
 * Returns: %TRUE when @name can name a machine
 */
gboolean
hangar_machine_name_check (const char  *name,
                           GError     **error)
{
  return hangar_name_check (HANGAR_NAME_KIND_MACHINE, name, error);
}

/**
 * hangar_machine_name_from_default:
 * @text: (nullable): a name Hangar chose (an OS's name, a file's name, an
 *   original's name for its clone), never one a user typed
 *
 * Makes a name Hangar picked acceptable to hangar_machine_name_check():
 * invalid UTF-8 repaired, runs of invisible characters and white space
 * become one space, `/` becomes `-`, no space at either end, short enough
 * to be numbered.
 *
 * Returns: (transfer full): the name, possibly empty
 */
char *
hangar_machine_name_from_default (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean pending_space = FALSE;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_invisible (c) || g_unichar_isspace (c))
        {
          pending_space = TRUE;
          continue;
        }
      if (pending_space && out->len > 0)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_unichar (out, c == '/' ? '-' : c);
    }

  if (out->len > DEFAULT_NAME_MAX_BYTES)
    {
      const char *end = out->str + DEFAULT_NAME_MAX_BYTES;

      /* Cut between characters, never inside one. */
      while (end > out->str && (((guchar) *end) & 0xC0) == 0x80)
        end--;
      g_string_truncate (out, (gsize) (end - out->str));
      while (out->len > 0 && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
    }
  if (g_str_equal (out->str, ".") || g_str_equal (out->str, ".."))
    g_string_truncate (out, 0);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * hangar_machine_name_pick:
 * @base: a name Hangar picked (hangar_machine_name_from_default()), never
 *   one the user typed: those are refused when taken
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
 * @base: a name Hangar picked (see hangar_machine_name_pick())
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

/**
 * hangar_machine_name_reserve_exact:
 * @name: a name the user gave, checked
 * @taken: (element-type utf8 utf8): the names libvirt knows, as keys
 *
 * Holds @name, exactly, until hangar_machine_name_release(), unless libvirt
 * or another creator of this process has it. Thread-safe.
 *
 * Returns: %TRUE when @name is now held
 */
gboolean
hangar_machine_name_reserve_exact (const char *name,
                                   GHashTable *taken)
{
  gboolean free_;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (taken != NULL, FALSE);

  if (g_hash_table_contains (taken, name))
    return FALSE;

  G_LOCK (reserved);
  if (reserved_names == NULL)
    reserved_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  free_ = !g_hash_table_contains (reserved_names, name);
  if (free_)
    g_hash_table_add (reserved_names, g_strdup (name));
  G_UNLOCK (reserved);

  return free_;
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
