/* hangar-import.c
 *
 * Brings an existing disk image in as a new machine: its format read from
 * the file by `qemu-img info` (never from its name), refused when it needs a
 * backing file, is encrypted or is damaged; copied into Hangar's storage as
 * qcow2 by `qemu-img convert` with its progress, or used in place; its
 * firmware guessed from its partition table; then defined by the creator.
 * The original file is only ever read.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-import"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "hangar-appliance.h"
#include "hangar-import.h"
#include "hangar-import-private.h"
#include "hangar-machine-name.h"
#include "hangar-path-task.h"
#include "hangar-media-file.h"
#include "hangar-pending.h"
#include "hangar-storage-pool.h"
#include "hangar-storage-volume.h"
#include "hangar-vm-creator.h"

#define GIB (G_GUINT64_CONSTANT (1) << 30)

/* How much of the bar the copy takes; the definition takes the rest. */
#define CONVERT_SHARE 0.9

/* The first sectors read to find the partition table: the GPT header and
 * its first 128 entries fit in 64 KiB even with 4 KiB sectors. */
#define HEAD_BYTES (64 * 1024)

G_DEFINE_QUARK (hangar-import-error-quark, hangar_import_error)

/* qemu-img's names of the formats Hangar takes. */
static const char * const supported_formats[] = {
  "qcow2", "raw", "vmdk", "vdi", "vpc", "vhdx", NULL
};

/* The EFI System Partition's type GUID, C12A7328-F81F-11D2-BA4B-00A0C93EC93B, as stored. */
static const guint8 esp_guid[16] = {
  0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
  0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b,
};

void
hangar_import_info_free (HangarImportInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->format);
  g_free (info);
}

static gboolean
gpt_has_esp (const guint8 *data,
             gsize         length,
             gsize         sector)
{
  guint64 entries_lba;
  guint32 count, entry_size;

  if (length < 2 * sector || memcmp (data + sector, "EFI PART", 8) != 0)
    return FALSE;

  memcpy (&entries_lba, data + sector + 72, sizeof entries_lba);
  memcpy (&count, data + sector + 80, sizeof count);
  memcpy (&entry_size, data + sector + 84, sizeof entry_size);
  entries_lba = GUINT64_FROM_LE (entries_lba);
  count = GUINT32_FROM_LE (count);
  entry_size = GUINT32_FROM_LE (entry_size);
  if (entry_size < 16 || entries_lba > length / sector)
    return FALSE;

  for (guint32 i = 0; i < count; i++)
    {
      guint64 offset = entries_lba * sector + (guint64) i * entry_size;

      if (offset + 16 > length)
        break;
      if (memcmp (data + offset, esp_guid, sizeof esp_guid) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * hangar_import_firmware_from_sectors:
 * @data: the first bytes of a disk, as the guest sees them
 * @length: how many
 * @detected: (out) (optional): whether a partition table said which
 *
 * A GPT (512-byte or 4 KiB sectors) with an EFI System Partition, or an MBR
 * with one (type 0xEF), boots with UEFI; any other partition table with BIOS.
 *
 * Returns: the firmware the disk needs
 */
HangarFirmware
hangar_import_firmware_from_sectors (const guint8 *data,
                                     gsize         length,
                                     gboolean     *detected)
{
  gboolean found = FALSE;
  HangarFirmware firmware = HANGAR_FIRMWARE_BIOS;

  g_return_val_if_fail (data != NULL || length == 0, HANGAR_FIRMWARE_BIOS);

  if (length >= 512 && data[510] == 0x55 && data[511] == 0xaa)
    {
      found = TRUE;
      if (gpt_has_esp (data, length, 512) || gpt_has_esp (data, length, 4096))
        firmware = HANGAR_FIRMWARE_UEFI;
      for (guint i = 0; i < 4 && firmware == HANGAR_FIRMWARE_BIOS; i++)
        if (data[446 + i * 16 + 4] == 0xef)
          firmware = HANGAR_FIRMWARE_UEFI;
    }

  if (detected != NULL)
    *detected = found;
  return firmware;
}

/* Runs qemu-img to the end; its output (stdout and stderr) in @output. */
static gboolean
run_qemu_img (const char * const  *argv,
              char               **output,
              int                 *status,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) local_error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_MERGE, &local_error);
  if (process == NULL)
    {
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_TOOL,
                   _("Cannot run qemu-img, which reads disk images: %s. Install QEMU’s tools."),
                   local_error->message);
      return FALSE;
    }
  if (!g_subprocess_communicate_utf8 (process, NULL, cancellable, output, NULL, error))
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      return FALSE;
    }
  *status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  return TRUE;
}

/* qemu-img's last line, without its program name: what went wrong. */
static char *
tool_message (const char *output)
{
  g_auto(GStrv) lines = g_strsplit (output != NULL ? output : "", "\n", -1);
  const char *last = "";

  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      last = lines[i];
  if (g_str_has_prefix (last, "qemu-img: "))
    last += strlen ("qemu-img: ");
  return g_strdup (last);
}

/* qemu-img check's first error, else its last line. */
static char *
check_message (const char *output)
{
  g_auto(GStrv) lines = g_strsplit (output != NULL ? output : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "ERROR: "))
      return g_strdup (g_strstrip (lines[i] + strlen ("ERROR: ")));
  return tool_message (output);
}

static gboolean
read_head (const char    *path,
           const char    *format,
           gboolean       member,
           GBytes       **head,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *output = NULL;
  g_autofree char *of = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  int status = 0;
  gboolean ok;

  if (g_str_equal (format, "raw") && !member)
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GFileInputStream) stream = g_file_read (file, cancellable, error);
      g_autofree guint8 *buffer = NULL;
      gsize got = 0;

      if (stream == NULL)
        return FALSE;
      buffer = g_malloc (HEAD_BYTES);
      if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, HEAD_BYTES, &got,
                                    cancellable, error))
        return FALSE;
      *head = g_bytes_new (buffer, got);
      return TRUE;
    }

  /* Other formats: the first sectors as the guest sees them, through qemu-img. */
  dir = g_dir_make_tmp ("hangar-import-XXXXXX", error);
  if (dir == NULL)
    return FALSE;
  raw = g_build_filename (dir, "head.raw", NULL);
  of = g_strconcat ("of=", raw, NULL);
  {
    g_autofree char *in = g_strconcat ("if=", path, NULL);
    const char *argv[] = { "qemu-img", "dd", "-f", format, "-O", "raw", "bs=65536", "count=1",
                           in, of, NULL };

    ok = run_qemu_img (argv, &output, &status, cancellable, error);
  }
  if (ok && status == 0 && g_file_get_contents (raw, &contents, &length, NULL))
    *head = g_bytes_new_take (g_steal_pointer (&contents), length);
  else if (ok)
    *head = NULL;
  g_unlink (raw);
  g_rmdir (dir);
  return ok;
}

static gboolean
is_supported (const char *format)
{
  return format != NULL && g_strv_contains (supported_formats, format);
}

/* Every extent of a VMDK must be the file itself: a descriptor naming
 * other files would make an appliance read files outside it. */
static gboolean
extents_are_own (JsonObject *object)
{
  JsonObject *specific = json_object_get_object_member (object, "format-specific");
  JsonObject *data;
  JsonArray *extents;

  if (specific == NULL || !json_object_has_member (specific, "data") ||
      (data = json_object_get_object_member (specific, "data")) == NULL ||
      !json_object_has_member (data, "extents") ||
      (extents = json_object_get_array_member (data, "extents")) == NULL)
    return TRUE;
  for (guint i = 0; i < json_array_get_length (extents); i++)
    {
      JsonObject *extent = json_array_get_object_element (extents, i);
      const char *filename = extent != NULL
                             ? json_object_get_string_member_with_default (extent, "filename", "")
                             : "";

      if (!g_str_has_prefix (filename, "json:"))
        return FALSE;
    }
  return TRUE;
}

/* @source: a path, or for an appliance's disk (@member) qemu-img's json:
 * name of its bytes; @basename: what the user calls it. */
static HangarImportInfo *
probe_source (const char    *source,
              const char    *basename,
              gboolean       member,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(HangarImportInfo) info = g_new0 (HangarImportInfo, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) head = NULL;
  g_autofree char *output = NULL;
  const char *path = source;
  JsonObject *object;
  JsonNode *root;
  int status = 0;

  {
    const char *argv[] = { "qemu-img", "info", "--output=json", "-U", path, NULL };

    if (!run_qemu_img (argv, &output, &status, cancellable, error))
      return NULL;
  }
  if (status != 0)
    {
      g_autofree char *why = tool_message (output);

      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_CORRUPT,
                   _("“%s” is not a disk image Hangar can read (%s)."), basename, why);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, output, -1, &local_error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_TOOL,
                   _("qemu-img said something Hangar does not understand about “%s”."),
                   basename);
      return NULL;
    }
  object = json_node_get_object (root);
  info->format = g_strdup (json_object_get_string_member_with_default (object, "format", ""));
  info->virtual_size = (guint64) json_object_get_int_member_with_default (object,
                                                                          "virtual-size", 0);

  if (json_object_get_boolean_member_with_default (object, "encrypted", FALSE) ||
      g_str_equal (info->format, "luks"))
    {
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_ENCRYPTED,
                   _("“%s” is encrypted. Decrypt it with the tool that made it, then import "
                     "the decrypted copy."), basename);
      return NULL;
    }
  if (json_object_has_member (object, "backing-filename"))
    {
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_BACKING_FILE,
                   _("“%s” only holds the changes made to another image (%s). Merge them "
                     "into one image first, for example with “qemu-img convert”."), basename,
                   json_object_get_string_member_with_default (object, "backing-filename", ""));
      return NULL;
    }
  if (!is_supported (info->format))
    {
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_UNSUPPORTED,
                   _("“%s” is a %s image. Hangar imports qcow2, raw, VMDK, VDI, VHD and VHDX "
                     "disk images."), basename, info->format);
      return NULL;
    }
  if (info->virtual_size == 0)
    {
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_CORRUPT,
                   _("“%s” is an empty disk."), basename);
      return NULL;
    }

  /* Damage qemu-img can see: 2 is corruption, 3 only leaked clusters, 63 a
   * format it cannot check. */
  if (!g_str_equal (info->format, "raw"))
    {
      const char *argv[] = { "qemu-img", "check", "-U", "-f", info->format, path, NULL };
      g_autofree char *check_output = NULL;

      if (!run_qemu_img (argv, &check_output, &status, cancellable, error))
        return NULL;
      if (status != 0 && status != 3 && status != 63)
        {
          g_autofree char *why = check_message (check_output);

          g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_CORRUPT,
                       _("“%s” is damaged or cut short (%s). Copy it again from where it "
                         "came from."), basename, why);
          return NULL;
        }
    }

  if (member && !extents_are_own (object))
    {
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_BACKING_FILE,
                   _("“%s” names other files for its data. Hangar refuses it in an appliance."),
                   basename);
      return NULL;
    }

  if (!read_head (path, info->format, member, &head, cancellable, error))
    return NULL;
  if (head != NULL)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (head, &length);

      info->firmware = hangar_import_firmware_from_sectors (data, length,
                                                           &info->firmware_detected);
    }

  /* Any file is a raw image to qemu-img: a disk starts with a partition
   * table or a boot sector. */
  if (g_str_equal (info->format, "raw") && !info->firmware_detected)
    {
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_UNSUPPORTED,
                   _("“%s” is not a disk image: it has no partition table and no boot sector."),
                   basename);
      return NULL;
    }

  return g_steal_pointer (&info);
}

/**
 * hangar_import_probe:
 * @path: a disk image
 *
 * Reads what @path is with `qemu-img info` and checks it can be imported:
 * a supported format, no backing file, not encrypted, not damaged (qemu-img
 * check), and a raw image must start with a partition table or a boot
 * sector. Then guesses its firmware from its first sectors.
 *
 * Returns: (transfer full): what the image is
 */
HangarImportInfo *
hangar_import_probe (const char    *path,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *basename = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  basename = g_path_get_basename (path);
  if (g_access (path, R_OK) != 0 || g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      int saved = errno;

      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_NOT_FOUND,
                   _("Cannot read “%s”: %s"), basename,
                   g_file_test (path, G_FILE_TEST_IS_DIR) ? _("it is a folder")
                                                          : g_strerror (saved));
      return NULL;
    }
  return probe_source (path, basename, FALSE, cancellable, error);
}

void
hangar_import_probe_async (const char          *path,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  hangar_path_task_run (hangar_import_probe_async, path, (HangarPathWork) hangar_import_probe,
                        (GDestroyNotify) hangar_import_info_free, cancellable, callback,
                        user_data);
}

HangarImportInfo *
hangar_import_probe_finish (GAsyncResult  *result,
                            GError       **error)
{
  return hangar_path_task_finish (result, hangar_import_probe_async, error);
}

/* One import, from the caller's thread to the worker and back. */
typedef struct
{
  HangarConnection   *connection;
  HangarStoragePool  *pool;
  char               *path;
  HangarOsProfile    *profile;
  HangarVmSettings   *settings;
  HangarImportFlags   flags;
  HangarProgressFunc  progress;
  gpointer            progress_data;
  GMainContext       *context;
  GTask              *task;      /* unowned: the task holding this */

  HangarImportInfo   *info;
  char               *disk;      /* the machine's disk */
  gboolean            copied;    /* whether @disk is ours to delete */
  double              fraction;
  HangarVmCreator    *creator;
  HangarPending      *pending;   /* @copies, written down (hangar-pending.c) */

  HangarAppliance    *appliance; /* an appliance's import, else NULL */
  GPtrArray          *copies;    /* every file the import made: deleted on failure */
  GPtrArray          *extra;     /* an appliance's further disks, in order */
} Import;

static void
import_free (Import *import)
{
  g_clear_object (&import->connection);
  g_clear_object (&import->pool);
  g_clear_object (&import->creator);
  /* Still there: the copy could not be deleted; the next start does it. */
  g_clear_pointer (&import->pending, hangar_pending_leave);
  g_clear_pointer (&import->profile, hangar_os_profile_free);
  g_clear_pointer (&import->settings, hangar_vm_settings_free);
  g_clear_pointer (&import->info, hangar_import_info_free);
  g_clear_pointer (&import->context, g_main_context_unref);
  g_clear_pointer (&import->appliance, hangar_appliance_free);
  g_clear_pointer (&import->copies, g_ptr_array_unref);
  g_clear_pointer (&import->extra, g_ptr_array_unref);
  g_free (import->path);
  g_free (import->disk);
  g_free (import);
}

typedef struct
{
  GTask  *task;
  double  fraction;
} Tick;

static void
tick_free (Tick *tick)
{
  g_object_unref (tick->task);
  g_free (tick);
}

static gboolean
apply_tick (gpointer data)
{
  Tick *tick = data;
  Import *import = g_task_get_task_data (tick->task);

  if (tick->fraction > import->fraction)
    {
      import->fraction = tick->fraction;
      if (import->progress != NULL)
        import->progress (import->fraction, import->progress_data);
    }
  return G_SOURCE_REMOVE;
}

/* From any thread: the caller hears it on its own. */
static void
report (Import *import,
        double  fraction)
{
  Tick *tick = g_new0 (Tick, 1);

  tick->task = g_object_ref (import->task);
  tick->fraction = CLAMP (fraction, 0.0, 1.0);
  g_main_context_invoke_full (import->context, G_PRIORITY_DEFAULT, apply_tick, tick,
                              (GDestroyNotify) tick_free);
}

/* "    (12.34/100%)\r": the last such figure in @text, or -1. */
static double
parse_progress (const char *text)
{
  const char *open = strrchr (text, '(');
  char *end = NULL;
  double value;

  if (open == NULL)
    return -1;
  value = g_ascii_strtod (open + 1, &end);
  if (end == open + 1 || !g_str_has_prefix (end, "/100%)"))
    return -1;
  return value / 100.0;
}

/* In the copy's child, before qemu-img runs: the copy dies with the thread
 * that waits for it, so a process killed with SIGKILL leaves no copy going on
 * into the pool behind the record that says to remove it. Only
 * async-signal-safe calls here. */
static void
die_with_parent (gpointer user_data)
{
  pid_t parent = (pid_t) GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* The parent may have died before the line above. */
  if (getppid () != parent)
    _exit (1);
}

/* Copies @source into @target as qcow2; the bar goes from @start over @share. */
static gboolean
convert_source (Import        *import,
                const char    *format,
                const char    *source,
                const char    *label,
                const char    *target,
                double         start,
                double         share,
                GCancellable  *cancellable,
                GError       **error)
{
  const char *argv[] = { "qemu-img", "convert", "-p", "-f", format,
                         "-O", "qcow2", source, target, NULL };
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  GInputStream *stdout_pipe;
  char buffer[512];
  gssize got;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent,
                                         GINT_TO_POINTER ((int) getpid ()), NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &local_error);
  if (process == NULL)
    {
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_TOOL,
                   _("Cannot run qemu-img, which copies disk images: %s. Install QEMU’s tools."),
                   local_error->message);
      return FALSE;
    }

  /* A cancellation interrupts the read; the copy is then stopped. */
  stdout_pipe = g_subprocess_get_stdout_pipe (process);
  while ((got = g_input_stream_read (stdout_pipe, buffer, sizeof buffer - 1, cancellable,
                                     &local_error)) > 0)
    {
      double fraction;

      buffer[got] = '\0';
      g_string_append (output, buffer);
      fraction = parse_progress (output->str);
      if (fraction >= 0)
        report (import, start + fraction * share);
      /* Only the end matters for the next figure and for errors. */
      if (output->len > 4096)
        g_string_erase (output, 0, output->len - 1024);
    }

  if (got < 0)
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!g_subprocess_wait (process, cancellable, error))
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      return FALSE;
    }
  if (!g_subprocess_get_successful (process))
    {
      g_autofree char *why = NULL;

      /* Progress figures end with \r, not a line end. */
      g_strdelimit (output->str, "\r", '\n');
      why = tool_message (output->str);
      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_CORRUPT,
                   _("Cannot copy “%s”: %s"), label, why);
      return FALSE;
    }
  return TRUE;
}

static gboolean
convert (Import        *import,
         const char    *target,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autofree char *basename = g_path_get_basename (import->path);

  return convert_source (import, import->info->format, import->path, basename, target, 0.0,
                         CONVERT_SHARE, cancellable, error);
}

/* What qemu-img says a copy of @source as qcow2 needs, in bytes. */
static gboolean
measure (const char    *format,
         const char    *source,
         guint64       *bytes,
         GCancellable  *cancellable,
         GError       **error)
{
  const char *argv[] = { "qemu-img", "measure", "--output=json", "-f", format, "-O", "qcow2",
                         source, NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *output = NULL;
  JsonNode *root;
  int status = 0;

  if (!run_qemu_img (argv, &output, &status, cancellable, error))
    return FALSE;
  if (status != 0 || !json_parser_load_from_data (parser, output, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autofree char *why = tool_message (output);

      g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_TOOL,
                   _("qemu-img cannot say how much space the copy needs (%s)."), why);
      return FALSE;
    }
  *bytes = (guint64) json_object_get_int_member_with_default (json_node_get_object (root),
                                                              "required", 0);
  return TRUE;
}

/* The copies need @required bytes; the host keeps its margin. */
static gboolean
check_free_space (const char  *pool_dir,
                  guint64      required,
                  GError     **error)
{
  g_autoptr(GFile) dir = g_file_new_for_path (pool_dir);
  g_autoptr(GFileInfo) fs = NULL;
  guint64 free_bytes, need;

  fs = g_file_query_filesystem_info (dir, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
  if (fs == NULL || !g_file_info_has_attribute (fs, G_FILE_ATTRIBUTE_FILESYSTEM_FREE))
    return TRUE;
  free_bytes = g_file_info_get_attribute_uint64 (fs, G_FILE_ATTRIBUTE_FILESYSTEM_FREE);
  need = required + hangar_storage_required_free_bytes (0);
  if (free_bytes < need)
    {
      g_autofree char *need_text = g_format_size_full (need, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *free_text = g_format_size_full (free_bytes, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_NO_SPACE,
                   _("Not enough space in Hangar’s storage for the copy: it needs %s, %s are "
                     "free. Free some space, or use the image where it is."),
                   need_text, free_text);
      return FALSE;
    }
  return TRUE;
}

/* A file name in the pool no file has yet, from the machine's wished name. */
static char *
free_target (const char *pool_dir,
             const char *name)
{
  g_autofree char *file = hangar_storage_volume_name_for (name);
  g_autofree char *stem = g_strndup (file, strlen (file) - strlen (".qcow2"));

  for (guint i = 1; i < 1000; i++)
    {
      g_autofree char *candidate = i == 1 ? g_strdup (file)
                                          : g_strdup_printf ("%s-%u.qcow2", stem, i);
      char *path = g_build_filename (pool_dir, candidate, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
  return NULL;
}

/* A file the import makes, before it is made: deleted on failure, and
 * written down in case this process dies (hangar-pending.c). Blocking. */
static void
note_copy (Import     *import,
           const char *path)
{
  if (import->pending == NULL)
    {
      virConnectPtr conn = hangar_connection_dup_handle (import->connection);
      g_autofree char *uri = conn != NULL ? hangar_pending_uri_of (conn) : NULL;

      if (conn != NULL)
        virConnectClose (conn);
      import->pending = hangar_pending_begin (uri != NULL ? uri : "", import->settings->name);
    }
  hangar_pending_add_file (import->pending, path);
  g_ptr_array_add (import->copies, g_strdup (path));
}

static void
delete_copy (Import *import)
{
  gboolean all = TRUE;

  for (guint i = 0; import->copied && i < import->copies->len; i++)
    {
      const char *copy = g_ptr_array_index (import->copies, i);

      if (g_unlink (copy) != 0 && errno != ENOENT)
        {
          g_warning ("Cannot delete the copy %s: %s", copy, g_strerror (errno));
          all = FALSE;
        }
    }
  g_ptr_array_set_size (import->copies, 0);
  /* What could not be deleted stays written down, for the next start. */
  if (all)
    g_clear_pointer (&import->pending, hangar_pending_end);
  import->copied = FALSE;
}

static gboolean
disk_steps (Import        *import,
            GCancellable  *cancellable,
            GError       **error)
{
  GVirStoragePool *pool;
  g_autofree char *pool_dir = NULL;
  gboolean ok;

  /* A linked image is used by its canonical path: the very file probed,
   * whatever a symlink to it points at later. */
  if (import->flags & HANGAR_IMPORT_LINK)
    {
      g_autoptr(HangarMediaFile) file = hangar_media_file_resolve (import->path, NULL);

      if (file != NULL)
        {
          g_free (import->path);
          import->path = g_strdup (file->path);
        }
    }
  import->info = hangar_import_probe (import->path, cancellable, error);
  if (import->info == NULL)
    return FALSE;
  report (import, 0.02);

  if (import->flags & HANGAR_IMPORT_LINK)
    {
      if (!g_str_equal (import->info->format, "qcow2") &&
          !g_str_equal (import->info->format, "raw"))
        {
          g_set_error (error, HANGAR_IMPORT_ERROR, HANGAR_IMPORT_ERROR_LINK,
                       _("Only a qcow2 or raw image can be used where it is; this one is %s. "
                         "Import a copy instead."), import->info->format);
          return FALSE;
        }
      import->disk = g_strdup (import->path);
      return TRUE;
    }

  pool = hangar_storage_pool_ensure (import->pool, cancellable, error);
  if (pool == NULL)
    return FALSE;
  pool_dir = hangar_storage_pool_dup_path (import->pool);
  import->disk = free_target (pool_dir, import->settings->name);
  if (import->disk == NULL)
    {
      g_object_unref (pool);
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                   _("There are too many disks called “%s”. Choose another name."),
                   import->settings->name);
      return FALSE;
    }

  {
    guint64 required = 0;

    if (!measure (import->info->format, import->path, &required, cancellable, error) ||
        !check_free_space (pool_dir, required, error))
      {
        g_object_unref (pool);
        return FALSE;
      }
  }

  import->copied = TRUE;
  note_copy (import, import->disk);
  /* libvirt learns of the new file, so deleting the machine deletes it. */
  ok = convert (import, import->disk, cancellable, error) &&
       hangar_storage_pool_refresh (import->pool, cancellable, error);
  g_object_unref (pool);
  return ok;
}

/* An appliance's disks, each read in place (in the archive) and copied
 * once into the pool, in order; the space for all checked first. */
static gboolean
appliance_steps (Import        *import,
                 GCancellable  *cancellable,
                 GError       **error)
{
  HangarAppliance *appliance = import->appliance;
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               hangar_import_info_free);
  g_autofree char *pool_dir = NULL;
  GVirStoragePool *pool;
  guint64 required = 0, total = 0, done = 0;
  const double first = 0.02;
  gboolean ok;

  for (guint i = 0; i < appliance->disks->len; i++)
    {
      HangarApplianceDisk *disk = g_ptr_array_index (appliance->disks, i);
      char *source = hangar_appliance_disk_source (disk);
      HangarImportInfo *info;
      guint64 need = 0;

      g_ptr_array_add (sources, source);
      info = probe_source (source, disk->href, TRUE, cancellable, error);
      if (info == NULL)
        return FALSE;
      g_ptr_array_add (infos, info);
      if (!measure (info->format, source, &need, cancellable, error))
        return FALSE;
      required += need;
      total += info->virtual_size;
    }
  report (import, first);

  pool = hangar_storage_pool_ensure (import->pool, cancellable, error);
  if (pool == NULL)
    return FALSE;
  pool_dir = hangar_storage_pool_dup_path (import->pool);
  if (!check_free_space (pool_dir, required, error))
    {
      g_object_unref (pool);
      return FALSE;
    }

  import->copied = TRUE;
  for (guint i = 0; i < appliance->disks->len; i++)
    {
      HangarApplianceDisk *disk = g_ptr_array_index (appliance->disks, i);
      HangarImportInfo *info = g_ptr_array_index (infos, i);
      g_autofree char *stem = i == 0 ? g_strdup (import->settings->name)
                                     : g_strdup_printf ("%s-disk%u", import->settings->name,
                                                        i + 1);
      char *target = free_target (pool_dir, stem);
      double share = (CONVERT_SHARE - first) * (double) info->virtual_size / (double) total;

      if (target == NULL)
        {
          g_object_unref (pool);
          g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_VOLUME,
                       _("There are too many disks called “%s”. Choose another name."), stem);
          return FALSE;
        }
      note_copy (import, target);
      if (i == 0)
        import->disk = target;
      else
        g_ptr_array_add (import->extra, target);
      if (!convert_source (import, info->format, g_ptr_array_index (sources, i), disk->href,
                           target,
                           first + (CONVERT_SHARE - first) * (double) done / (double) total,
                           share, cancellable, error))
        {
          g_object_unref (pool);
          return FALSE;
        }
      done += info->virtual_size;
    }
  import->info = g_ptr_array_steal_index (infos, 0);

  ok = hangar_storage_pool_refresh (import->pool, cancellable, error);
  g_object_unref (pool);
  return ok;
}

static void
disk_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Import *import = task_data;
  GError *error = NULL;

  if (!(import->appliance != NULL ? appliance_steps (import, cancellable, &error)
                                  : disk_steps (import, cancellable, &error)))
    {
      delete_copy (import);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* After the creator failed: the copy, which libvirt already lists, goes
 * from the disk and from the pool's list. */
static void
forget_copy_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Import *import = task_data;

  delete_copy (import);
  hangar_storage_pool_refresh (import->pool, NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
forget_copy_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = g_object_steal_data (G_OBJECT (task), "hangar-import-error");

  g_task_return_error (task, error);
}

static void
pending_ended (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Import *import = g_task_get_task_data (task);

  report (import, 1.0);
  g_task_return_pointer (task, g_strdup (hangar_vm_creator_get_name (import->creator)), g_free);
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Import *import = g_task_get_task_data (task);
  GVirDomain *domain;
  GError *error = NULL;

  domain = hangar_vm_creator_create_finish (HANGAR_VM_CREATOR (object), result, &error);
  if (domain == NULL)
    {
      g_autoptr(GTask) forget = NULL;

      if (!import->copied)
        {
          g_task_return_error (task, error);
          return;
        }
      g_object_set_data (G_OBJECT (task), "hangar-import-error", error);
      forget = g_task_new (NULL, NULL, forget_copy_done, g_object_ref (task));
      g_task_set_source_tag (forget, hangar_import_disk_async);
      g_task_set_task_data (forget, import, NULL);
      g_task_run_in_thread (forget, forget_copy_thread);
      return;
    }

  g_object_unref (domain);
  /* The machine holds the copy now: its record goes before the import is
   * said to be done, or a process that exits at once (hangarctl) leaves
   * it, and the next start removes the machine as half-made. */
  hangar_pending_end_async (g_steal_pointer (&import->pending), pending_ended,
                            g_steal_pointer (&task));
}

static void
disk_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Import *import = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  report (import, CONVERT_SHARE);
  if (import->appliance != NULL && import->appliance->firmware_declared)
    import->settings->firmware = import->appliance->firmware;
  else
    import->settings->firmware = import->info->firmware;
  g_clear_pointer (&import->settings->extra_disks, g_strfreev);
  if (import->extra->len > 0)
    {
      g_ptr_array_add (import->extra, NULL);
      import->settings->extra_disks = g_strdupv ((char **) import->extra->pdata);
      g_ptr_array_remove_index (import->extra, import->extra->len - 1);
    }
  import->settings->disk_gib = MAX ((import->info->virtual_size + GIB - 1) / GIB, 1);
  g_clear_pointer (&import->settings->iso_path, g_free);
  import->creator = hangar_vm_creator_new (import->connection, import->profile, import->settings);
  hangar_vm_creator_set_existing_disk (import->creator, import->disk,
                                       !import->copied &&
                                       g_str_equal (import->info->format, "raw"));
  hangar_vm_creator_create_async (import->creator, (import->flags & HANGAR_IMPORT_START) != 0,
                                  g_task_get_cancellable (task), create_done,
                                  g_object_ref (task));
}

/**
 * hangar_import_disk_async:
 * @connection: an open connection
 * @path: the disk image to import; only read
 * @profile: (nullable): the guest's OS, or %NULL for the generic profile
 * @settings: the machine's name (a wish), memory, processors and domain type;
 *   its disk, medium and firmware are decided here
 * @flags: copy or link, start or not
 * @progress: (nullable): told how far the import is, on the caller's thread
 * @progress_data: data for @progress
 * @cancellable: (nullable): stops the copy and deletes it: nothing is left
 * @callback: called when the machine exists, or nothing of the import does
 * @user_data: data for @callback
 *
 * Reads the image (hangar_import_probe()), copies it into Hangar's storage
 * pool as qcow2 (or, with %HANGAR_IMPORT_LINK, uses a qcow2 or raw image
 * where it is), and defines a machine with the firmware the disk needs through
 * #HangarVmCreator. On failure or cancellation the copy is deleted.
 */
void
hangar_import_disk_async (HangarConnection       *connection,
                          const char             *path,
                          const HangarOsProfile  *profile,
                          const HangarVmSettings *settings,
                          HangarImportFlags       flags,
                          HangarProgressFunc      progress,
                          gpointer                progress_data,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));
  g_return_if_fail (path != NULL);
  g_return_if_fail (settings != NULL);

  hangar_import_start (connection, path, NULL, profile, settings, flags, progress,
                       progress_data, cancellable, callback, user_data);
}

/* hangar-import-private.h: a disk image's import or, with @appliance
 * (taken), an appliance's. */
void
hangar_import_start (HangarConnection       *connection,
                     const char             *path,
                     HangarAppliance        *appliance,
                     const HangarOsProfile  *profile,
                     const HangarVmSettings *settings,
                     HangarImportFlags       flags,
                     HangarProgressFunc      progress,
                     gpointer                progress_data,
                     GCancellable           *cancellable,
                     GAsyncReadyCallback     callback,
                     gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  g_autoptr(GError) name_error = NULL;
  Import *import;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_import_disk_async);

  /* Before anything is copied: a name the user gave is used exactly or
   * refused (the creator refuses a taken one, and removes the copy). */
  if (settings->name_given && !hangar_machine_name_check (settings->name, &name_error))
    {
      g_task_return_error (task, g_steal_pointer (&name_error));
      return;
    }

  import = g_new0 (Import, 1);
  import->copies = g_ptr_array_new_with_free_func (g_free);
  import->extra = g_ptr_array_new_with_free_func (g_free);
  import->connection = g_object_ref (connection);
  import->pool = hangar_storage_pool_new (connection);
  import->path = g_canonicalize_filename (path, NULL);
  import->profile = profile != NULL ? hangar_os_profile_copy (profile)
                                    : hangar_os_profile_new_generic ();
  import->settings = hangar_vm_settings_copy (settings);
  /* No name: the file's, as a default (an appliance's settings carry the
   * name its description gives). */
  if (!import->settings->name_given &&
      (import->settings->name == NULL || *import->settings->name == '\0'))
    {
      g_autofree char *basename = g_path_get_basename (path);
      char *dot = strrchr (basename, '.');

      if (dot != NULL && dot != basename)
        *dot = '\0';
      g_free (import->settings->name);
      import->settings->name = g_strdup (basename);
    }
  import->appliance = appliance;
  import->flags = flags;
  import->progress = progress;
  import->progress_data = progress_data;
  import->context = g_main_context_ref_thread_default ();
  import->task = task;
  g_task_set_task_data (task, import, (GDestroyNotify) import_free);

  worker = g_task_new (NULL, cancellable, disk_done, g_object_ref (task));
  g_task_set_source_tag (worker, hangar_import_disk_async);
  g_task_set_task_data (worker, import, NULL);
  g_task_run_in_thread (worker, disk_thread);
}

/**
 * hangar_import_disk_finish:
 *
 * Returns: (transfer full): the new machine's name, or %NULL with @error set
 */
char *
hangar_import_disk_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
