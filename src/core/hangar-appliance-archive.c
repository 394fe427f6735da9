/* hangar-appliance-archive.c
 *
 * An appliance's files: an OVA (a tar archive) listed member by member with
 * each one's offset, so that qemu-img reads a disk where it lies and nothing
 * is extracted, or an OVF with its files beside it; the manifest's digests
 * checked. Blocking; hangar-import.c runs it in a worker thread.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-appliance"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "hangar-appliance.h"
#include "hangar-appliance-private.h"

#define NS_OVF1 "http://schemas.dmtf.org/ovf/envelope/1"
#define NS_OVF2 "http://schemas.dmtf.org/ovf/envelope/2"

/* Bounds a hostile appliance meets long before a real one does. */
#define MAX_MEMBERS 256

#define TAR_BLOCK 512

/* One file of the appliance: where its bytes are. */
typedef struct
{
  char    *name;
  char    *path;
  guint64  offset;
  guint64  size;
} Member;

static void
member_free (Member *member)
{
  g_free (member->name);
  g_free (member->path);
  g_free (member);
}

static gboolean
read_at (GInputStream  *stream,
         guint64        offset,
         void          *buffer,
         gsize          count,
         GCancellable  *cancellable,
         GError       **error)
{
  gsize got = 0;

  if (!g_seekable_seek (G_SEEKABLE (stream), (goffset) offset, G_SEEK_SET, cancellable, error) ||
      !g_input_stream_read_all (stream, buffer, count, &got, cancellable, error))
    return FALSE;
  if (got != count)
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                       _("The appliance is cut short."));
  return TRUE;
}

static gboolean
tar_octal (const guint8 *field,
           gsize         length,
           guint64      *value)
{
  guint64 v = 0;
  gsize i = 0;

  /* Base-256 sizes (GNU) are for members past 8 GiB: read them too. */
  if (field[0] & 0x80)
    {
      v = field[0] & 0x7f;
      for (i = 1; i < length; i++)
        {
          if (v > (G_MAXUINT64 >> 8))
            return FALSE;
          v = (v << 8) | field[i];
        }
      *value = v;
      return TRUE;
    }
  while (i < length && field[i] == ' ')
    i++;
  for (; i < length && field[i] >= '0' && field[i] <= '7'; i++)
    {
      if (v > (G_MAXUINT64 >> 3))
        return FALSE;
      v = (v << 3) | (guint64) (field[i] - '0');
    }
  if (i < length && field[i] != '\0' && field[i] != ' ')
    return FALSE;
  *value = v;
  return TRUE;
}

/* Lists the archive's regular files (each read once, later, by offset). */
static GPtrArray *
tar_index (const char    *path,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  guint64 total, offset = 0;
  guint8 header[TAR_BLOCK];

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable,
                                         error);
  if (info == NULL)
    return NULL;
  total = (guint64) g_file_info_get_size (info);

  while (offset + TAR_BLOCK <= total)
    {
      g_autofree char *name = NULL;
      char prefix[156] = { 0 }, base[101] = { 0 };
      guint64 size;
      guint8 type;
      gboolean empty = TRUE;

      if (!read_at (G_INPUT_STREAM (stream), offset, header, TAR_BLOCK, cancellable, error))
        return NULL;
      for (guint i = 0; i < TAR_BLOCK && empty; i++)
        empty = header[i] == 0;
      if (empty)
        break;
      if (memcmp (header + 257, "ustar", 5) != 0 || !tar_octal (header + 124, 12, &size))
        {
          hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                      _("The appliance is not a valid OVA archive (a damaged "
                                        "tar header)."));
          return NULL;
        }
      type = header[156];
      memcpy (base, header, 100);
      memcpy (prefix, header + 345, 155);
      name = *prefix != '\0' ? g_strconcat (prefix, "/", base, NULL) : g_strdup (base);
      offset += TAR_BLOCK;
      if (size > total || offset > total - size)
        {
          hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_TOO_LARGE,
                                      _("The appliance declares a file larger than itself "
                                        "(“%s”): it is cut short or damaged."),
                                      g_utf8_validate (name, -1, NULL) ? name : "?");
          return NULL;
        }

      switch (type)
        {
        case '0':
        case '\0':
          if (!hangar_appliance_check_href (name, error))
            return NULL;
          for (guint i = 0; i < members->len; i++)
            if (g_str_equal (((Member *) g_ptr_array_index (members, i))->name, name))
              {
                hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_UNSAFE,
                                            _("The appliance holds “%s” twice."), name);
                return NULL;
              }
          if (members->len >= MAX_MEMBERS)
            {
              hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_TOO_LARGE,
                                          _("The appliance holds too many files."));
              return NULL;
            }
          {
            Member *member = g_new0 (Member, 1);

            member->name = g_steal_pointer (&name);
            member->path = g_strdup (path);
            member->offset = offset;
            member->size = size;
            g_ptr_array_add (members, member);
          }
          break;
        case '5':   /* a folder */
        case 'g':   /* pax headers: the names used are the ustar ones */
        case 'x':
          break;
        default:
          hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_UNSAFE,
                                      _("The appliance holds “%s”, which is a link or a "
                                        "special file. Hangar refuses it."),
                                      g_utf8_validate (name, -1, NULL) ? name : "?");
          return NULL;
        }
      offset += (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
    }

  return g_steal_pointer (&members);
}

static Member *
find_member (GPtrArray  *members,
             const char *name)
{
  for (guint i = 0; i < members->len; i++)
    {
      Member *member = g_ptr_array_index (members, i);

      if (g_str_equal (member->name, name))
        return member;
    }
  return NULL;
}

static char *
read_member (const Member  *member,
             gsize          max,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (member->path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *data = NULL;

  if (member->size > max)
    {
      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_TOO_LARGE,
                                  _("“%s” in the appliance is too large to be a description."),
                                  member->name);
      return NULL;
    }
  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;
  data = g_malloc (member->size + 1);
  if (!read_at (G_INPUT_STREAM (stream), member->offset, data, member->size, cancellable,
                error))
    return NULL;
  data[member->size] = '\0';
  return g_steal_pointer (&data);
}

static gboolean
check_digest (const Member  *member,
              const char    *expected,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (member->path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree guint8 *buffer = NULL;
  const char *colon = strchr (expected, ':');
  GChecksumType type;
  guint64 left = member->size;

  if (g_str_has_prefix (expected, "sha1:"))
    type = G_CHECKSUM_SHA1;
  else if (g_str_has_prefix (expected, "sha256:"))
    type = G_CHECKSUM_SHA256;
  else
    type = G_CHECKSUM_SHA512;
  checksum = g_checksum_new (type);

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL ||
      !g_seekable_seek (G_SEEKABLE (stream), (goffset) member->offset, G_SEEK_SET, cancellable,
                        error))
    return FALSE;
  buffer = g_malloc (1 << 20);
  while (left > 0)
    {
      gsize want = (gsize) MIN (left, 1 << 20);
      gsize got = 0;

      if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, want, &got, cancellable,
                                    error))
        return FALSE;
      if (got != want)
        return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                           _("The appliance is cut short."));
      g_checksum_update (checksum, buffer, got);
      left -= got;
    }

  if (g_ascii_strcasecmp (g_checksum_get_string (checksum), colon + 1) != 0)
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MANIFEST,
                                       _("“%s” does not match the appliance’s manifest: it was "
                                         "changed or damaged. Download the appliance again."),
                                       member->name);
  return TRUE;
}

/* Each file the manifest lists must be there and match; each file the
 * description uses must be listed. */
static gboolean
verify_manifest (HangarAppliance  *appliance,
                 GPtrArray        *members,
                 const Member     *ovf,
                 const Member     *manifest,
                 GCancellable     *cancellable,
                 GError          **error)
{
  g_autofree char *text = read_member (manifest, 1 << 20, cancellable, error);
  g_autoptr(GHashTable) entries = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (text == NULL)
    return FALSE;
  entries = hangar_appliance_parse_manifest (text, error);
  if (entries == NULL)
    return FALSE;

  if (!g_hash_table_contains (entries, ovf->name))
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MANIFEST,
                                       _("The appliance’s manifest does not list “%s”."),
                                       ovf->name);
  for (guint i = 0; i < appliance->disks->len; i++)
    {
      HangarApplianceDisk *disk = g_ptr_array_index (appliance->disks, i);

      if (!g_hash_table_contains (entries, disk->href))
        return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MANIFEST,
                                           _("The appliance’s manifest does not list “%s”."),
                                           disk->href);
    }

  g_hash_table_iter_init (&iter, entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Member *member = find_member (members, key);

      if (member == NULL)
        return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MISSING,
                                           _("“%s”, listed in the appliance’s manifest, is "
                                             "missing."), (const char *) key);
      if (!check_digest (member, value, cancellable, error))
        return FALSE;
    }
  return TRUE;
}

/* The .cert's signature over the manifest, checked with its certificate's
 * key: the appliance then says who signed it. */
static gboolean
verify_signature (HangarAppliance  *appliance,
                  const Member     *manifest,
                  const Member     *cert,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autofree char *cert_text = NULL;
  g_autofree char *manifest_text = NULL;

  if (manifest == NULL)
    return hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MANIFEST,
                                       _("The appliance has a signature but no manifest for it "
                                         "to sign."));
  cert_text = read_member (cert, 1 << 20, cancellable, error);
  manifest_text = cert_text != NULL ? read_member (manifest, 1 << 20, cancellable, error) : NULL;
  if (manifest_text == NULL)
    return FALSE;
  return hangar_appliance_check_signature (cert_text, cert->size, manifest->name, manifest_text,
                                           manifest->size, &appliance->signer,
                                           &appliance->signer_trusted, error);
}

/* The files beside an .ovf, as members: only the names it can use. */
static GPtrArray *
folder_members (const char    *ovf_path,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  g_autofree char *dir = g_path_get_dirname (ovf_path);
  g_autofree char *base = g_path_get_basename (ovf_path);
  g_autofree char *stem = g_strndup (base, strrchr (base, '.') != NULL
                                           ? (gsize) (strrchr (base, '.') - base)
                                           : strlen (base));
  g_autofree char *mf = g_strconcat (stem, ".mf", NULL);
  g_autofree char *cert = g_strconcat (stem, ".cert", NULL);
  const char *names[] = { base, mf, cert };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      GStatBuf st;
      Member *member;

      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        {
          if (i > 0)
            continue;
          hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MISSING, _("Cannot read “%s”."), base);
          return NULL;
        }
      member = g_new0 (Member, 1);
      member->name = g_strdup (names[i]);
      member->path = g_steal_pointer (&path);
      member->size = (guint64) st.st_size;
      g_ptr_array_add (members, member);
    }
  return g_steal_pointer (&members);
}

static gboolean
add_folder_file (GPtrArray   *members,
                 const char  *dir,
                 const char  *href)
{
  g_autofree char *path = g_build_filename (dir, href, NULL);
  GStatBuf st;
  Member *member;

  if (find_member (members, href) != NULL)
    return TRUE;
  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  member = g_new0 (Member, 1);
  member->name = g_strdup (href);
  member->path = g_steal_pointer (&path);
  member->size = (guint64) st.st_size;
  g_ptr_array_add (members, member);
  return TRUE;
}

/* A ustar archive by its first header, whatever its name. */
static gboolean
is_tar (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);
  guint8 header[TAR_BLOCK];
  gsize got = 0;

  return stream != NULL &&
         g_input_stream_read_all (G_INPUT_STREAM (stream), header, sizeof header, &got, NULL,
                                  NULL) &&
         got == sizeof header && memcmp (header + 257, "ustar", 5) == 0;
}

/**
 * hangar_appliance_sniff:
 * @path: a file
 *
 * Whether @path looks like an appliance from its first bytes: a tar archive
 * whose first file is an .ovf, or an XML file with an OVF envelope. Cheap;
 * hangar_appliance_open() decides.
 *
 * Returns: %TRUE for an appliance
 */
gboolean
hangar_appliance_sniff (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);
  char head[4097] = { 0 };
  gsize got = 0;

  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), head, sizeof head - 1, &got, NULL,
                                NULL))
    return FALSE;
  if (got >= TAR_BLOCK && memcmp (head + 257, "ustar", 5) == 0)
    {
      char name[101] = { 0 };

      memcpy (name, head, 100);
      return g_str_has_suffix (name, ".ovf") || g_str_has_suffix (name, ".OVF");
    }
  head[got] = '\0';
  return strstr (head, "Envelope") != NULL &&
         (strstr (head, NS_OVF1) != NULL || strstr (head, NS_OVF2) != NULL);
}

/**
 * hangar_appliance_open:
 * @path: an .ova archive or an .ovf description with its files beside it
 *
 * Lists an archive's files (their offsets; nothing is extracted), parses the
 * description (hangar_appliance_parse_ovf()), finds each disk's bytes and
 * checks the manifest when there is one: every file it lists must match its
 * digest; and a signature when there is one (the .cert): it must be the
 * certificate key's over the manifest.
 *
 * Returns: (transfer full): the appliance, or %NULL with @error set
 */
HangarAppliance *
hangar_appliance_open (const char    *path,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(HangarAppliance) appliance = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *ovf_text = NULL;
  g_autofree char *dir = NULL;
  Member *ovf = NULL;
  Member *manifest = NULL;
  Member *cert = NULL;
  gboolean ova;

  g_return_val_if_fail (path != NULL, NULL);

  basename = g_path_get_basename (path);
  ova = is_tar (path);
  dir = g_path_get_dirname (path);
  members = ova ? tar_index (path, cancellable, error) : folder_members (path, cancellable, error);
  if (members == NULL)
    return NULL;

  /* Beside an .ovf: the file itself, then its manifest and signature if
   * there are. */
  if (!ova)
    ovf = g_ptr_array_index (members, 0);
  for (guint i = ova ? 0 : 1; i < members->len; i++)
    {
      Member *member = g_ptr_array_index (members, i);

      if (g_str_has_suffix (member->name, ".cert"))
        cert = member;
      else if (!ova)
        manifest = member;
      else if (g_str_has_suffix (member->name, ".ovf") || g_str_has_suffix (member->name, ".OVF"))
        {
          if (ovf != NULL)
            {
              hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_UNSUPPORTED,
                                          _("“%s” holds several descriptions; Hangar imports "
                                            "one machine at a time."), basename);
              return NULL;
            }
          ovf = member;
        }
      else if (g_str_has_suffix (member->name, ".mf"))
        manifest = member;
    }
  if (ovf == NULL)
    {
      hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_INVALID,
                                  _("“%s” holds no OVF description: it is not an appliance."),
                                  basename);
      return NULL;
    }

  ovf_text = read_member (ovf, HANGAR_APPLIANCE_MAX_OVF_BYTES, cancellable, error);
  if (ovf_text == NULL)
    return NULL;
  appliance = hangar_appliance_parse_ovf (ovf_text, ovf->size, error);
  if (appliance == NULL)
    return NULL;
  appliance->path = g_strdup (path);
  appliance->ova = ova;
  if (appliance->name == NULL)
    {
      char *dot = strrchr (basename, '.');

      appliance->name = dot != NULL && dot != basename ? g_strndup (basename, dot - basename)
                                                       : g_strdup (basename);
    }

  for (guint i = 0; i < appliance->disks->len; i++)
    {
      HangarApplianceDisk *disk = g_ptr_array_index (appliance->disks, i);
      Member *member;

      if (!ova)
        add_folder_file (members, dir, disk->href);
      member = find_member (members, disk->href);
      if (member == NULL)
        {
          hangar_appliance_set_error (error, HANGAR_APPLIANCE_ERROR_MISSING,
                                      _("Disk %u of the appliance, “%s”, is missing from it."),
                                      i + 1, disk->href);
          return NULL;
        }
      disk->path = g_strdup (member->path);
      disk->offset = member->offset;
      disk->size = member->size;
    }

  if (manifest != NULL)
    {
      if (!ova)
        {
          /* Whatever the manifest lists must be beside it. */
          g_autofree char *text = read_member (manifest, 1 << 20, cancellable, error);
          g_autoptr(GHashTable) entries = NULL;
          GHashTableIter iter;
          gpointer key;

          if (text == NULL || (entries = hangar_appliance_parse_manifest (text, error)) == NULL)
            return NULL;
          g_hash_table_iter_init (&iter, entries);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            add_folder_file (members, dir, key);
        }
      if (!verify_manifest (appliance, members, ovf, manifest, cancellable, error))
        return NULL;
    }
  if (cert != NULL && !verify_signature (appliance, manifest, cert, cancellable, error))
    return NULL;

  return g_steal_pointer (&appliance);
}

/**
 * hangar_appliance_disk_source:
 * @disk: a disk of an opened appliance
 *
 * Returns: (transfer full): what qemu-img reads the disk as: its file, or
 *   for a disk inside an archive a `json:` name of its bytes there (the
 *   format still probed from them)
 */
char *
hangar_appliance_disk_source (const HangarApplianceDisk *disk)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  g_return_val_if_fail (disk != NULL && disk->path != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "driver");
  json_builder_add_string_value (builder, "raw");
  json_builder_set_member_name (builder, "offset");
  json_builder_add_int_value (builder, (gint64) disk->offset);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) disk->size);
  json_builder_set_member_name (builder, "file");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "driver");
  json_builder_add_string_value (builder, "file");
  json_builder_set_member_name (builder, "filename");
  json_builder_add_string_value (builder, disk->path);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  return g_strconcat ("json:", json, NULL);
}
