/* hangar-media.c
 *
 * One medium as identified, and the checks that turn a bad file into an error
 * a user can act on before libosinfo ever reads it.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-media"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <osinfo/osinfo.h>

#include "hangar-host.h"
#include "hangar-media-private.h"

/* ECMA-119: volume descriptors start at logical sector 16, 2048 bytes each. */
#define ISO_SECTOR             2048
#define ISO_FIRST_DESCRIPTOR   16
#define ISO_MAX_DESCRIPTORS    32
#define ISO_TYPE_PRIMARY       1
#define ISO_TYPE_TERMINATOR    255

struct _HangarMedia
{
  GObject          parent_instance;

  char            *path;
  char            *volume_id;
  char            *system_id;
  char            *publisher_id;
  char            *application_id;
  HangarOsProfile *profile;
  gboolean         identified;
  char            *variant_name;
  char            *guessed_name;
  char            *guess_reason;
  gboolean         arch_ok;
  char            *arch_message;
  char            *identity;
  char            *warning;
};

G_DEFINE_FINAL_TYPE (HangarMedia, hangar_media, G_TYPE_OBJECT)

G_DEFINE_QUARK (hangar-media-error-quark, hangar_media_error)

G_DEFINE_ENUM_TYPE (HangarMediaError, hangar_media_error,
  G_DEFINE_ENUM_VALUE (HANGAR_MEDIA_ERROR_NOT_FOUND, "not-found"),
  G_DEFINE_ENUM_VALUE (HANGAR_MEDIA_ERROR_IS_DIRECTORY, "is-directory"),
  G_DEFINE_ENUM_VALUE (HANGAR_MEDIA_ERROR_PERMISSION, "permission"),
  G_DEFINE_ENUM_VALUE (HANGAR_MEDIA_ERROR_EMPTY, "empty"),
  G_DEFINE_ENUM_VALUE (HANGAR_MEDIA_ERROR_TRUNCATED, "truncated"),
  G_DEFINE_ENUM_VALUE (HANGAR_MEDIA_ERROR_CORRUPT, "corrupt"),
  G_DEFINE_ENUM_VALUE (HANGAR_MEDIA_ERROR_NOT_ISO, "not-iso"),
  G_DEFINE_ENUM_VALUE (HANGAR_MEDIA_ERROR_NOT_BOOTABLE, "not-bootable"),
  G_DEFINE_ENUM_VALUE (HANGAR_MEDIA_ERROR_READ, "read"),
  G_DEFINE_ENUM_VALUE (HANGAR_MEDIA_ERROR_DATABASE, "database"),
  G_DEFINE_ENUM_VALUE (HANGAR_MEDIA_ERROR_CHANGED, "changed"))

enum {
  PROP_0,
  PROP_PATH,
  PROP_VOLUME_ID,
  PROP_SYSTEM_ID,
  PROP_PROFILE,
  PROP_IDENTIFIED,
  PROP_GUESSED_NAME,
  PROP_GUESS_REASON,
  PROP_ARCH_OK,
  PROP_ARCH_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_media_finalize (GObject *object)
{
  HangarMedia *self = HANGAR_MEDIA (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->identity, g_free);
  g_clear_pointer (&self->warning, g_free);
  g_clear_pointer (&self->volume_id, g_free);
  g_clear_pointer (&self->system_id, g_free);
  g_clear_pointer (&self->publisher_id, g_free);
  g_clear_pointer (&self->application_id, g_free);
  g_clear_pointer (&self->profile, hangar_os_profile_free);
  g_clear_pointer (&self->variant_name, g_free);
  g_clear_pointer (&self->guessed_name, g_free);
  g_clear_pointer (&self->guess_reason, g_free);
  g_clear_pointer (&self->arch_message, g_free);

  G_OBJECT_CLASS (hangar_media_parent_class)->finalize (object);
}

static void
hangar_media_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HangarMedia *self = HANGAR_MEDIA (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_VOLUME_ID:
      g_value_set_string (value, self->volume_id);
      break;
    case PROP_SYSTEM_ID:
      g_value_set_string (value, self->system_id);
      break;
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    case PROP_IDENTIFIED:
      g_value_set_boolean (value, self->identified);
      break;
    case PROP_GUESSED_NAME:
      g_value_set_string (value, self->guessed_name);
      break;
    case PROP_GUESS_REASON:
      g_value_set_string (value, self->guess_reason);
      break;
    case PROP_ARCH_OK:
      g_value_set_boolean (value, self->arch_ok);
      break;
    case PROP_ARCH_MESSAGE:
      g_value_set_string (value, self->arch_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_media_class_init (HangarMediaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = hangar_media_finalize;
  object_class->get_property = hangar_media_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_VOLUME_ID] =
    g_param_spec_string ("volume-id", NULL, NULL, NULL, flags);
  properties[PROP_SYSTEM_ID] =
    g_param_spec_string ("system-id", NULL, NULL, NULL, flags);
  properties[PROP_PROFILE] =
    g_param_spec_boxed ("profile", NULL, NULL, HANGAR_TYPE_OS_PROFILE, flags);
  properties[PROP_IDENTIFIED] =
    g_param_spec_boolean ("identified", NULL, NULL, FALSE, flags);
  properties[PROP_GUESSED_NAME] =
    g_param_spec_string ("guessed-name", NULL, NULL, NULL, flags);
  properties[PROP_GUESS_REASON] =
    g_param_spec_string ("guess-reason", NULL, NULL, NULL, flags);
  properties[PROP_ARCH_OK] =
    g_param_spec_boolean ("arch-ok", NULL, NULL, TRUE, flags);
  properties[PROP_ARCH_MESSAGE] =
    g_param_spec_string ("arch-message", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_media_init (HangarMedia *self)
{
  self->arch_ok = TRUE;
}

/*
 * hangar_media_new:
 * @profile: (transfer full): the profile (exact, guessed or generic)
 * @identified: libosinfo matched the medium exactly
 * @variant_name: (nullable): the matched variant's name ("Fedora 37 Workstation")
 * @guessed_name: (nullable): for a guess, what the volume ID says ("Fedora 45")
 * @guess_reason: (nullable): for a guess, a translated sentence saying why
 * @host_arch: the architecture of the machine Hangar runs on
 */
HangarMedia *
hangar_media_new (const char      *path,
                  const char      *volume_id,
                  const char      *system_id,
                  const char      *publisher_id,
                  const char      *application_id,
                  HangarOsProfile *profile,
                  gboolean         identified,
                  const char      *variant_name,
                  const char      *guessed_name,
                  const char      *guess_reason,
                  const char      *host_arch)
{
  HangarMedia *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (host_arch != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_MEDIA, NULL);
  self->path = g_strdup (path);
  self->volume_id = g_strdup (volume_id);
  self->system_id = g_strdup (system_id);
  self->publisher_id = g_strdup (publisher_id);
  self->application_id = g_strdup (application_id);
  self->profile = profile;
  self->identified = identified;
  self->variant_name = g_strdup (variant_name);
  self->guessed_name = g_strdup (guessed_name);
  self->guess_reason = g_strdup (guess_reason);

  if (profile->arch != NULL && !hangar_host_arch_can_run (host_arch, profile->arch))
    {
      self->arch_ok = FALSE;
      /* Translators: the %s are architecture names such as “aarch64” and “x86_64”. */
      self->arch_message = g_strdup_printf (_("This image is for the %s architecture, but this "
                                              "computer’s processor is %s, so it cannot start it. "
                                              "Download the image made for %s instead."),
                                            profile->arch, host_arch, host_arch);
    }

  return self;
}

/**
 * hangar_media_get_path:
 *
 * Returns: the absolute path of the medium
 */
const char *
hangar_media_get_path (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);
  return self->path;
}

/**
 * hangar_media_get_identity:
 *
 * Returns: (nullable): what makes the medium's file the one identified
 *   (hangar_media_file_identity()), to record with its path
 */
const char *
hangar_media_get_identity (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);
  return self->identity;
}

/**
 * hangar_media_get_warning:
 *
 * Returns: (nullable): a translated warning when other users could replace
 *   or change the medium's file (hangar_media_file_warning())
 */
const char *
hangar_media_get_warning (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);
  return self->warning;
}

/*
 * hangar_media_set_file:
 *
 * For HangarOsDb: what hangar_media_file_resolve() said of the file.
 */
void
hangar_media_set_file (HangarMedia *self,
                       const char  *identity,
                       const char  *warning)
{
  g_return_if_fail (HANGAR_IS_MEDIA (self));
  g_free (self->identity);
  self->identity = g_strdup (identity);
  g_free (self->warning);
  self->warning = g_strdup (warning);
}

/**
 * hangar_media_get_volume_id:
 *
 * Returns: (nullable): the ISO 9660 volume ID, as libosinfo read it
 */
const char *
hangar_media_get_volume_id (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);
  return self->volume_id;
}

/**
 * hangar_media_get_system_id:
 *
 * Returns: (nullable): the ISO 9660 system ID ("LINUX", "FreeBSD", …)
 */
const char *
hangar_media_get_system_id (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);
  return self->system_id;
}

/**
 * hangar_media_get_publisher_id:
 *
 * Returns: (nullable): the ISO 9660 publisher ID
 */
const char *
hangar_media_get_publisher_id (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);
  return self->publisher_id;
}

/**
 * hangar_media_get_application_id:
 *
 * Returns: (nullable): the ISO 9660 application ID
 */
const char *
hangar_media_get_application_id (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);
  return self->application_id;
}

/**
 * hangar_media_get_profile:
 *
 * The OS profile to make a machine from: the exact match, the stand-in for a
 * guess (with @guessed set, and the stand-in's own name), or the generic
 * profile (@short_id %NULL) for unknown media. Never %NULL.
 *
 * Returns: (transfer none): the profile
 */
const HangarOsProfile *
hangar_media_get_profile (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);
  return self->profile;
}

/**
 * hangar_media_is_identified:
 *
 * Returns: %TRUE when libosinfo matched this exact OS version
 */
gboolean
hangar_media_is_identified (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), FALSE);
  return self->identified;
}

/**
 * hangar_media_is_guessed:
 *
 * Returns: %TRUE when the family was recognised but not the version, and the
 *   family's newest known OS stands in
 */
gboolean
hangar_media_is_guessed (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), FALSE);
  return self->profile->guessed;
}

/**
 * hangar_media_is_unknown:
 *
 * Returns: %TRUE when nothing was recognised and the profile is the generic one
 */
gboolean
hangar_media_is_unknown (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), FALSE);
  return self->profile->short_id == NULL;
}

/**
 * hangar_media_get_guessed_name:
 *
 * Returns: (nullable): for a guess, the OS the volume ID names ("Fedora 45",
 *   or just "Fedora" when it shows no version); %NULL otherwise
 */
const char *
hangar_media_get_guessed_name (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);
  return self->guessed_name;
}

/**
 * hangar_media_get_guess_reason:
 *
 * Returns: (nullable): for a guess, a translated sentence saying what was
 *   recognised and which profile stands in; %NULL otherwise
 */
const char *
hangar_media_get_guess_reason (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);
  return self->guess_reason;
}

/**
 * hangar_media_dup_label:
 *
 * The name to show for the medium's OS:
 * - identified: the variant's name when there is one ("Fedora 37
 *   Workstation"), else the OS's ("Fedora 37");
 * - guessed: the guessed name and the stand-in, "Fedora 45 (guessed: newest
 *   known Fedora 37)" — the profile keeps the stand-in's real name — or
 *   "FreeBSD 13.1 (guessed)" when both are the same;
 * - unknown: "Unknown operating system".
 *
 * Returns: (transfer full): a translated label
 */
char *
hangar_media_dup_label (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);

  if (self->profile->short_id == NULL)
    return g_strdup (_("Unknown operating system"));

  if (self->profile->guessed && g_strcmp0 (self->guessed_name, self->profile->name) == 0)
    /* Translators: an OS name recognised only from an image's label, “FreeBSD 13.1 (guessed)”. */
    return g_strdup_printf (_("%s (guessed)"), self->profile->name);

  if (self->profile->guessed)
    /* Translators: “Fedora 45 (guessed: newest known Fedora 37)”: the first %s is what the
     * image's label says, the second the newest version Hangar's database knows. */
    return g_strdup_printf (_("%s (guessed: newest known %s)"),
                            self->guessed_name != NULL ? self->guessed_name : self->profile->name,
                            self->profile->name);

  return g_strdup (self->variant_name != NULL ? self->variant_name : self->profile->name);
}

/**
 * hangar_media_get_arch_ok:
 *
 * Returns: %FALSE when this host cannot run the medium's architecture (an
 *   aarch64 image on an x86_64 host); see hangar_media_get_arch_message()
 */
gboolean
hangar_media_get_arch_ok (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), FALSE);
  return self->arch_ok;
}

/**
 * hangar_media_get_arch_message:
 *
 * Returns: (nullable): a translated sentence for an architecture mismatch, or
 *   %NULL when the architecture is fine
 */
const char *
hangar_media_get_arch_message (HangarMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_MEDIA (self), NULL);
  return self->arch_message;
}

static void
set_errno_error (GError     **error,
                 const char  *path,
                 int          saved_errno)
{
  g_autofree char *display = g_filename_display_name (path);

  switch (saved_errno)
    {
    case ENOENT:
    case ENOTDIR:
      g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_NOT_FOUND,
                   _("“%s” does not exist. It may have been moved or deleted; choose the "
                     "image again."), display);
      break;
    case EACCES:
    case EPERM:
      g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_PERMISSION,
                   _("You do not have permission to read “%s”. Change its permissions or "
                     "copy it to a folder of your own."), display);
      break;
    case EISDIR:
      g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_IS_DIRECTORY,
                   _("“%s” is a folder. Choose an ISO image file inside it."), display);
      break;
    default:
      g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_READ,
                   _("“%s” could not be read: %s."), display, g_strerror (saved_errno));
      break;
    }
}

static void
set_not_iso_error (GError     **error,
                   const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_NOT_ISO,
               _("“%s” is not an ISO disc image. Choose the .iso file of an operating "
                 "system’s installer or live system."), display);
}

static void
set_corrupt_error (GError     **error,
                   const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_CORRUPT,
               _("“%s” is a damaged disc image: its headers cannot be read. Download it "
                 "again."), display);
}

/* Reads exactly @len bytes at @offset; FALSE with errno 0 at end of file. */
static gboolean
read_at (int     fd,
         void   *buffer,
         gsize   len,
         goffset offset)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = pread (fd, (char *) buffer + done, len - done, offset + done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = 0;
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint16
le16 (const guint8 *p)
{
  return (guint16) (p[0] | p[1] << 8);
}

/* The primary volume descriptor says how many blocks the volume has: a file
 * shorter than that lost its end (an interrupted download or copy), which
 * libosinfo would not notice since it reads only the headers. */
static gboolean
check_iso_header (int                 fd,
                  const char         *path,
                  const struct stat  *st,
                  GError            **error)
{
  guint8 sector[ISO_SECTOR];

  for (guint i = 0; i < ISO_MAX_DESCRIPTORS; i++)
    {
      goffset offset = (goffset) (ISO_FIRST_DESCRIPTOR + i) * ISO_SECTOR;

      if (!read_at (fd, sector, sizeof sector, offset))
        {
          g_autofree char *display = NULL;

          if (errno != 0)
            {
              set_errno_error (error, path, errno);
              return FALSE;
            }
          if (i > 0)
            {
              display = g_filename_display_name (path);
              g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_TRUNCATED,
                           _("“%s” is incomplete: the disc image ends inside its own headers. "
                             "Download it again."), display);
              return FALSE;
            }
          /* Too short to hold even one descriptor. */
          set_not_iso_error (error, path);
          return FALSE;
        }

      if (memcmp (sector + 1, "CD001", 5) != 0)
        {
          if (i == 0)
            set_not_iso_error (error, path);
          else
            set_corrupt_error (error, path);
          return FALSE;
        }

      if (sector[0] == ISO_TYPE_PRIMARY)
        {
          guint64 blocks = le32 (sector + 80);
          guint block_size = le16 (sector + 128);
          guint64 expected;

          if (blocks == 0 || (block_size != 512 && block_size != 1024 && block_size != 2048))
            {
              set_corrupt_error (error, path);
              return FALSE;
            }

          expected = blocks * block_size;
          if (S_ISREG (st->st_mode) && (guint64) st->st_size < expected)
            {
              g_autofree char *display = g_filename_display_name (path);
              g_autofree char *have = g_format_size (st->st_size);
              g_autofree char *want = g_format_size (expected);

              /* Translators: “the file has 1.2 GB of 2.1 GB”. */
              g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_TRUNCATED,
                           _("“%s” is incomplete: the file has %s of the %s its disc image "
                             "needs. Download it again."), display, have, want);
              return FALSE;
            }
          return TRUE;
        }

      if (sector[0] == ISO_TYPE_TERMINATOR)
        break;
    }

  set_corrupt_error (error, path);
  return FALSE;
}

/*
 * hangar_media_check_file:
 *
 * Blocking: call from a worker thread. Turns every way a path can fail to be
 * an ISO image into a HANGAR_MEDIA_ERROR, before libosinfo reads it (whose own
 * errors say "no descriptors" for a zero-byte file and cannot tell a folder
 * from a damaged image). A FIFO or socket is refused without being opened,
 * which would block; block devices (a real optical drive) pass.
 */
gboolean
hangar_media_check_file (const char  *path,
                         GError     **error)
{
  struct stat st;
  int fd;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      set_errno_error (error, path, errno);
      return FALSE;
    }

  if (S_ISDIR (st.st_mode))
    {
      set_errno_error (error, path, EISDIR);
      return FALSE;
    }

  if (!S_ISREG (st.st_mode) && !S_ISBLK (st.st_mode))
    {
      set_not_iso_error (error, path);
      return FALSE;
    }

  if (S_ISREG (st.st_mode) && st.st_size == 0)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_EMPTY,
                   _("“%s” is empty (zero bytes). If it is a download, it has not finished or "
                     "failed: download it again."), display);
      return FALSE;
    }

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      set_errno_error (error, path, errno);
      return FALSE;
    }

  ok = check_iso_header (fd, path, &st, error);
  close (fd);
  return ok;
}

void
hangar_media_set_not_bootable_error (GError     **error,
                                     const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_NOT_BOOTABLE,
               _("“%s” is a disc image that cannot start a computer: it holds only files. "
                 "Choose an operating system’s installer or live image."), display);
}

/*
 * hangar_media_set_error_from_osinfo:
 *
 * libosinfo's reasons, for a file that passed hangar_media_check_file() and
 * still could not be read.
 */
void
hangar_media_set_error_from_osinfo (GError       **error,
                                    const char    *path,
                                    const GError  *osinfo_error)
{
  g_return_if_fail (osinfo_error != NULL);

  if (g_error_matches (osinfo_error, OSINFO_MEDIA_ERROR, OSINFO_MEDIA_ERROR_NOT_BOOTABLE))
    hangar_media_set_not_bootable_error (error, path);
  else if (osinfo_error->domain == OSINFO_MEDIA_ERROR)
    set_corrupt_error (error, path);
  else if (g_error_matches (osinfo_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, osinfo_error->message);
  else if (g_error_matches (osinfo_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    set_errno_error (error, path, EACCES);
  else if (g_error_matches (osinfo_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    set_errno_error (error, path, ENOENT);
  else
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, HANGAR_MEDIA_ERROR, HANGAR_MEDIA_ERROR_READ,
                   _("“%s” could not be read: %s."), display, osinfo_error->message);
    }
}
