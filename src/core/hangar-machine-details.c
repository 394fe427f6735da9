/* hangar-machine-details.c
 *
 * What the collection shows of a machine beyond its state, read in the
 * refresh thread: the OS (libosinfo's metadata, named by osinfo-db's file
 * for it), whether it is installing
 * (Hangar's mark), and when it last started (Hangar's own record, else
 * libvirt's QEMU log).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hangar-machine-private.h"
#include "hangar-media.h"
#include "hangar-media-file.h"
#include "hangar-vm-config.h"

#define LIBOSINFO_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"
/* The tail of the QEMU log read for its last "starting up" line. */
#define LOG_TAIL_BYTES (64 * 1024)

void
hangar_machine_details_clear (HangarMachineDetails *details)
{
  g_clear_pointer (&details->os_id, g_free);
  g_clear_pointer (&details->os_name, g_free);
  details->last_used = 0;
  details->installing = FALSE;
}

static xmlDocPtr
parse (const char *xml)
{
  if (xml == NULL)
    return NULL;
  return xmlReadMemory (xml, (int) strlen (xml), NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static xmlNodePtr
child_element (xmlNodePtr  node,
               const char *name)
{
  for (xmlNodePtr child = node != NULL ? node->children : NULL; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrcmp (child->name, BAD_CAST name) == 0)
      return child;
  return NULL;
}

static char *
child_text (xmlNodePtr  node,
            const char *name)
{
  xmlNodePtr child = child_element (node, name);
  g_autofree char *text = NULL;

  if (child == NULL)
    return NULL;
  text = (char *) xmlNodeGetContent (child);
  return text != NULL ? g_strdup (g_strstrip (text)) : NULL;
}

static char *
attribute (xmlNodePtr  node,
           const char *name)
{
  xmlChar *value = node != NULL ? xmlGetProp (node, BAD_CAST name) : NULL;
  char *copy = value != NULL ? g_strdup ((const char *) value) : NULL;

  xmlFree (value);
  return copy;
}

static char *
get_metadata (virDomainPtr  dom,
              const char   *uri)
{
  char *xml = virDomainGetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT, uri,
                                    VIR_DOMAIN_AFFECT_CONFIG);
  char *copy = g_strdup (xml);

  /* No metadata in that namespace is an error to libvirt; not to us. */
  if (xml == NULL)
    virResetLastError ();
  free (xml);
  return copy;
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  if (text == NULL || *text == '\0')
    return 0;
  time = g_date_time_new_from_iso8601 (text, utc);
  return time != NULL ? g_date_time_to_unix (time) : 0;
}

/* libvirt's QEMU driver starts each run's log with
 * "2026-11-25 11:00:00.123+0000: starting up libvirt version: …". */
static gint64
last_start_from_log (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *buffer = NULL;
  gsize length = 0;
  goffset size;
  const char *found = NULL;
  g_autofree char *stamp = NULL;

  stream = g_file_read (file, NULL, NULL);
  if (stream == NULL)
    return 0;
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  size = info != NULL ? g_file_info_get_size (info) : 0;
  if (size > LOG_TAIL_BYTES &&
      !g_seekable_seek (G_SEEKABLE (stream), size - LOG_TAIL_BYTES, G_SEEK_SET, NULL, NULL))
    return 0;

  buffer = g_malloc (LOG_TAIL_BYTES + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, LOG_TAIL_BYTES, &length,
                                NULL, NULL))
    return 0;
  buffer[length] = '\0';

  for (const char *p = buffer; (p = strstr (p, ": starting up ")) != NULL; p++)
    found = p;
  if (found == NULL)
    return 0;

  /* Back to the start of that line: "YYYY-MM-DD HH:MM:SS.mmm+0000". */
  {
    const char *line = found;

    while (line > buffer && line[-1] != '\n')
      line--;
    stamp = g_strndup (line, (gsize) (found - line));
  }
  if (strlen (stamp) > 10 && stamp[10] == ' ')
    stamp[10] = 'T';
  return parse_time (stamp);
}

static gint64
last_start_from_libvirt (virDomainPtr dom)
{
  char *uri = virConnectGetURI (virDomainGetConnect (dom));
  g_autofree char *log_name = g_strconcat (virDomainGetName (dom), ".log", NULL);
  g_autofree char *path = NULL;

  if (uri == NULL)
    {
      virResetLastError ();
      return 0;
    }
  /* The log is only on this computer for local QEMU connections. */
  if (g_str_equal (uri, "qemu:///session"))
    path = g_build_filename (g_get_user_cache_dir (), "libvirt", "qemu", "log", log_name, NULL);
  else if (g_str_equal (uri, "qemu:///system"))
    path = g_build_filename ("/var/log/libvirt/qemu", log_name, NULL);
  free (uri);
  return path != NULL ? last_start_from_log (path) : 0;
}

static gboolean
is_safe_segment (const char *segment)
{
  if (*segment == '\0' || g_str_equal (segment, ".") || g_str_equal (segment, ".."))
    return FALSE;
  for (const char *p = segment; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* osinfo-db keeps each OS in a file named after its id:
 * "http://fedoraproject.org/fedora/37" is in os/fedoraproject.org/fedora-37.xml.
 * Reading that one file spares loading the whole database (tens of MB)
 * just to name the OSes of the collection. */
static char *
os_name_from_file (const char *os_id)
{
  g_autofree char *host = NULL;
  g_autofree char *file = NULL;
  g_auto(GStrv) segments = NULL;
  const char *rest, *slash;
  const char *dirs[4];
  guint n_dirs = 0;

  rest = strstr (os_id, "://");
  if (rest == NULL || (slash = strchr (rest + 3, '/')) == NULL)
    return NULL;
  host = g_strndup (rest + 3, (gsize) (slash - rest - 3));
  segments = g_strsplit (slash + 1, "/", -1);
  if (!is_safe_segment (host))
    return NULL;
  for (guint i = 0; segments[i] != NULL; i++)
    if (!is_safe_segment (segments[i]))
      return NULL;
  {
    g_autofree char *joined = g_strjoinv ("-", segments);

    file = g_strconcat (joined, ".xml", NULL);
  }

  /* libosinfo's order: the user's, the local, the system's database. */
  {
    g_autofree char *user = g_build_filename (g_get_user_config_dir (), "osinfo", NULL);
    const char *system = g_getenv ("OSINFO_SYSTEM_DIR");

    dirs[n_dirs++] = user;
    dirs[n_dirs++] = "/etc/osinfo";
    dirs[n_dirs++] = system != NULL && *system != '\0' ? system : "/usr/share/osinfo";
    dirs[n_dirs] = NULL;

    for (guint i = 0; i < n_dirs; i++)
      {
        g_autofree char *path = g_build_filename (dirs[i], "os", host, file, NULL);
        xmlDocPtr doc;
        xmlNodePtr os;
        char *name = NULL;

        if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
          continue;
        doc = xmlReadFile (path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        os = doc != NULL ? child_element (xmlDocGetRootElement (doc), "os") : NULL;
        for (xmlNodePtr child = os != NULL ? os->children : NULL; child != NULL; child = child->next)
          {
            xmlChar *lang;

            if (child->type != XML_ELEMENT_NODE || xmlStrcmp (child->name, BAD_CAST "name") != 0)
              continue;
            /* The untranslated name, as the database gives it. */
            lang = xmlNodeGetLang (child);
            if (lang == NULL)
              {
                g_autofree char *text = (char *) xmlNodeGetContent (child);

                name = text != NULL ? g_strdup (g_strstrip (text)) : NULL;
              }
            xmlFree (lang);
            if (name != NULL)
              break;
          }
        if (doc != NULL)
          xmlFreeDoc (doc);
        if (name != NULL)
          return name;
      }
  }
  return NULL;
}

static char *
os_name_for (const char *os_id,
             const char *fallback)
{
  char *name = os_name_from_file (os_id);

  return name != NULL ? name : g_strdup (fallback);
}

/* Runs in a worker thread. */
void
hangar_machine_details_read (virDomainPtr          dom,
                             HangarMachineDetails *details)
{
  g_autofree char *osinfo_xml = get_metadata (dom, LIBOSINFO_NS);
  g_autofree char *hangar_xml = get_metadata (dom, HANGAR_VM_CONFIG_METADATA_NS);
  xmlDocPtr osinfo = parse (osinfo_xml);
  xmlDocPtr hangar = parse (hangar_xml);
  xmlNodePtr hangar_root = hangar != NULL ? xmlDocGetRootElement (hangar) : NULL;
  g_autofree char *short_id = NULL;
  g_autofree char *installing = NULL;
  g_autofree char *last_started = NULL;

  if (osinfo != NULL)
    details->os_id = attribute (child_element (xmlDocGetRootElement (osinfo), "os"), "id");
  if (hangar_root != NULL)
    {
      xmlNodePtr os = child_element (hangar_root, "os");

      short_id = attribute (os, "short-id");
      if (details->os_id == NULL)
        details->os_id = attribute (os, "id");
      installing = child_text (hangar_root, "installing");
      last_started = child_text (hangar_root, "last-started");
    }

  if (details->os_id != NULL)
    details->os_name = os_name_for (details->os_id, short_id);
  details->installing = g_strcmp0 (installing, "true") == 0;
  details->last_used = parse_time (last_started);
  if (details->last_used == 0)
    details->last_used = last_start_from_libvirt (dom);

  g_clear_pointer (&osinfo, xmlFreeDoc);
  g_clear_pointer (&hangar, xmlFreeDoc);
}

/* Runs in a worker thread. Records @when (seconds since the epoch; 0 drops
 * the record) as the machine's last start in Hangar's metadata of its
 * persistent definition, keeping the rest of that metadata. @previous gets
 * the record it replaced, for a start that fails. */
gboolean
hangar_machine_stamp_last_started (virDomainPtr   dom,
                                   gint64         when,
                                   char         **previous)
{
  g_autofree char *xml = get_metadata (dom, HANGAR_VM_CONFIG_METADATA_NS);
  xmlDocPtr doc = parse (xml);
  xmlNodePtr root, old;
  xmlNsPtr ns;
  xmlBufferPtr buffer;
  int ret;

  if (doc == NULL)
    {
      doc = xmlNewDoc (BAD_CAST "1.0");
      root = xmlNewDocNode (doc, NULL, BAD_CAST "machine", NULL);
      ns = xmlNewNs (root, BAD_CAST HANGAR_VM_CONFIG_METADATA_NS, NULL);
      xmlSetNs (root, ns);
      xmlDocSetRootElement (doc, root);
    }
  root = xmlDocGetRootElement (doc);

  old = child_element (root, "last-started");
  if (previous != NULL)
    *previous = child_text (root, "last-started");
  if (old != NULL)
    {
      xmlUnlinkNode (old);
      xmlFreeNode (old);
    }
  if (when > 0)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (when);
      g_autofree char *text = g_date_time_format_iso8601 (time);

      xmlNewTextChild (root, root->ns, BAD_CAST "last-started", BAD_CAST text);
    }

  buffer = xmlBufferCreate ();
  xmlNodeDump (buffer, doc, root, 0, 0);
  ret = virDomainSetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT,
                              (const char *) xmlBufferContent (buffer),
                              HANGAR_VM_CONFIG_METADATA_PREFIX, HANGAR_VM_CONFIG_METADATA_NS,
                              VIR_DOMAIN_AFFECT_CONFIG);
  xmlBufferFree (buffer);
  xmlFreeDoc (doc);
  if (ret < 0)
    {
      /* Taken first: every libvirt call resets the thread's last error. */
      g_autofree char *message = g_strdup (hangar_libvirt_last_message ());

      g_debug ("Cannot record when %s started: %s", virDomainGetName (dom), message);
      virResetLastError ();
      return FALSE;
    }
  return TRUE;
}

/* The same, with the text hangar_machine_stamp_last_started() returned. */
void
hangar_machine_restore_last_started (virDomainPtr  dom,
                                     const char   *previous)
{
  hangar_machine_stamp_last_started (dom, parse_time (previous), NULL);
}

/**
 * hangar_machine_fold_search_text:
 * @text: what the user typed, or a name to search in
 *
 * Returns: (transfer full): @text folded so that searches ignore case and
 *   how characters are composed
 */
char *
hangar_machine_fold_search_text (const char *text)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  normalized = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  return normalized != NULL ? g_utf8_casefold (normalized, -1) : g_strdup ("");
}

/**
 * hangar_machine_matches_search:
 * @self: a #HangarMachine
 * @folded_query: a query from hangar_machine_fold_search_text()
 *
 * Returns: whether @folded_query is found in the machine's name or in its
 *   OS's name
 */
gboolean
hangar_machine_matches_search (HangarMachine *self,
                               const char    *folded_query)
{
  const char *os_name;
  g_autofree char *name = NULL;
  g_autofree char *os = NULL;

  g_return_val_if_fail (HANGAR_IS_MACHINE (self), FALSE);
  g_return_val_if_fail (folded_query != NULL, FALSE);

  name = hangar_machine_fold_search_text (hangar_machine_get_name (self));
  if (strstr (name, folded_query) != NULL)
    return TRUE;
  os_name = hangar_machine_get_os_name (self);
  os = os_name != NULL ? hangar_machine_fold_search_text (os_name) : NULL;
  return os != NULL && strstr (os, folded_query) != NULL;
}

/**
 * hangar_machine_compare:
 * @a: a #HangarMachine
 * @b: another
 * @by_last_used: whether the most recently started come first (those never
 *   started last), rather than by name alone
 *
 * The collection's orders; machines used at the same time go by name.
 *
 * Returns: <0, 0 or >0 as @a sorts before, with or after @b
 */
int
hangar_machine_compare (HangarMachine *a,
                        HangarMachine *b,
                        gboolean       by_last_used)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE (a), 0);
  g_return_val_if_fail (HANGAR_IS_MACHINE (b), 0);

  if (by_last_used)
    {
      gint64 a_used = hangar_machine_get_last_used (a);
      gint64 b_used = hangar_machine_get_last_used (b);

      if (a_used != b_used)
        return a_used > b_used ? -1 : 1;
    }
  return g_strcmp0 (hangar_machine_get_sort_key (a), hangar_machine_get_sort_key (b));
}

/* Runs in a worker thread. Hangar's metadata of the persistent definition
 * (a new <machine> when it has none) for @edit to change, then written
 * back. */
static gboolean
edit_metadata (virDomainPtr   dom,
               void         (*edit) (xmlNodePtr root, gpointer data),
               gpointer       data)
{
  g_autofree char *xml = get_metadata (dom, HANGAR_VM_CONFIG_METADATA_NS);
  xmlDocPtr doc = parse (xml);
  xmlNodePtr root;
  xmlBufferPtr buffer;
  int ret;

  if (doc == NULL)
    {
      doc = xmlNewDoc (BAD_CAST "1.0");
      root = xmlNewDocNode (doc, NULL, BAD_CAST "machine", NULL);
      xmlSetNs (root, xmlNewNs (root, BAD_CAST HANGAR_VM_CONFIG_METADATA_NS, NULL));
      xmlDocSetRootElement (doc, root);
    }
  root = xmlDocGetRootElement (doc);
  edit (root, data);

  buffer = xmlBufferCreate ();
  xmlNodeDump (buffer, doc, root, 0, 0);
  ret = virDomainSetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT,
                              (const char *) xmlBufferContent (buffer),
                              HANGAR_VM_CONFIG_METADATA_PREFIX, HANGAR_VM_CONFIG_METADATA_NS,
                              VIR_DOMAIN_AFFECT_CONFIG);
  xmlBufferFree (buffer);
  xmlFreeDoc (doc);
  return ret == 0;
}

typedef struct
{
  const char *path;
  const char *identity;
} MediumRecord;

static void
replace_media (xmlNodePtr root,
               gpointer   data)
{
  const MediumRecord *record = data;
  xmlNodePtr old;

  while ((old = child_element (root, "medium")) != NULL)
    {
      xmlUnlinkNode (old);
      xmlFreeNode (old);
    }
  if (record->path != NULL && record->identity != NULL)
    {
      xmlNodePtr medium = xmlNewChild (root, root->ns, BAD_CAST "medium", NULL);

      xmlSetProp (medium, BAD_CAST "path", BAD_CAST record->path);
      xmlSetProp (medium, BAD_CAST "identity", BAD_CAST record->identity);
    }
}

/* Runs in a worker thread. Records @path (canonical) and @identity as the
 * medium in the machine's CD/DVD drive, in place of any before; %NULL
 * drops the record (an eject). */
gboolean
hangar_machine_record_medium (virDomainPtr  dom,
                              const char   *path,
                              const char   *identity)
{
  MediumRecord record = { path, identity };

  if (edit_metadata (dom, replace_media, &record))
    return TRUE;
  g_debug ("Cannot record the medium of %s: %s", virDomainGetName (dom),
           hangar_libvirt_last_message ());
  virResetLastError ();
  return FALSE;
}

static gboolean
drive_holds (xmlDocPtr   doc,
             const char *path)
{
  xmlNodePtr domain = xmlDocGetRootElement (doc);
  xmlNodePtr devices = child_element (domain, "devices");

  for (xmlNodePtr disk = devices != NULL ? devices->children : NULL; disk != NULL;
       disk = disk->next)
    {
      g_autofree char *file = NULL;
      xmlChar *device;
      gboolean cdrom;

      if (disk->type != XML_ELEMENT_NODE || xmlStrcmp (disk->name, BAD_CAST "disk") != 0)
        continue;
      device = xmlGetProp (disk, BAD_CAST "device");
      cdrom = device != NULL && xmlStrcmp (device, BAD_CAST "cdrom") == 0;
      xmlFree (device);
      if (!cdrom || child_element (disk, "source") == NULL)
        continue;
      file = attribute (child_element (disk, "source"), "file");
      if (g_strcmp0 (file, path) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Runs in a worker thread, before a start. Refuses, with the reason, when
 * a medium Hangar recorded (<hangar:medium path identity>) is in a CD/DVD
 * drive of the definition and is no longer the file identified: another
 * file was put at its path, or it was changed. */
gboolean
hangar_machine_check_media (virDomainPtr   dom,
                            GError       **error)
{
  g_autofree char *meta_xml = get_metadata (dom, HANGAR_VM_CONFIG_METADATA_NS);
  g_autofree char *dom_xml = NULL;
  xmlDocPtr meta = parse (meta_xml);
  xmlDocPtr doc = NULL;
  xmlNodePtr root;
  gboolean ok = TRUE;

  if (meta == NULL)
    return TRUE;
  root = xmlDocGetRootElement (meta);
  for (xmlNodePtr medium = root != NULL ? root->children : NULL; ok && medium != NULL;
       medium = medium->next)
    {
      g_autofree char *path = NULL;
      g_autofree char *identity = NULL;
      g_autoptr(GError) media_error = NULL;

      if (medium->type != XML_ELEMENT_NODE || xmlStrcmp (medium->name, BAD_CAST "medium") != 0)
        continue;
      path = attribute (medium, "path");
      identity = attribute (medium, "identity");
      if (path == NULL || identity == NULL)
        continue;
      if (doc == NULL)
        {
          char *xml = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);

          dom_xml = g_strdup (xml);
          free (xml);
          if ((doc = parse (dom_xml)) == NULL)
            break;
        }
      if (!drive_holds (doc, path))
        continue;
      if (!hangar_media_file_check_identity (path, identity, &media_error) &&
          g_error_matches (media_error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_CHANGED))
        {
          g_set_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_FAILED,
                       _("Cannot start “%s”: %s"), virDomainGetName (dom), media_error->message);
          ok = FALSE;
        }
    }
  if (doc != NULL)
    xmlFreeDoc (doc);
  xmlFreeDoc (meta);
  return ok;
}
