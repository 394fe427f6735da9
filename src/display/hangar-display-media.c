/* hangar-display-media.c
 *
 * What a running guest gets beside its screen over one SPICE session: sound
 * (spice-client-glib's GStreamer playback and record, muted on request),
 * files sent through the guest's agent, and the host's USB devices
 * redirected into the machine's redirection slots.
 *
 * It holds no widget: the display page composes it with the display, its
 * menu and its progress.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-display"

#include "config.h"

#include <glib/gi18n.h>
#include <spice/vd_agent.h>
#include <string.h>

#include "hangar-display-media.h"

G_DEFINE_QUARK (hangar-display-media-error-quark, hangar_display_media_error)

struct _HangarDisplayMedia
{
  GObject                parent_instance;

  SpiceSession          *session;
  SpiceMainChannel      *main;
  /* spice-client-glib's transfers in progress (SpiceFileTransferTask). */
  GPtrArray             *transfers;
  GPtrArray             *audio_channels;
  SpiceUsbDeviceManager *usb;
  GError                *usb_error;
  gboolean               muted;
  gboolean               usb_auto_connect;
  guint64                audio_bytes;
};

G_DEFINE_FINAL_TYPE (HangarDisplayMedia, hangar_display_media, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_MUTED,
  PROP_USB_AUTO_CONNECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_USB_CHANGED,
  SIGNAL_USB_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Errors *****************************************************************/

static gboolean
message_has (const GError *error,
             const char   *text)
{
  return error->message != NULL && strstr (error->message, text) != NULL;
}

/**
 * hangar_display_media_usb_error:
 * @spice_error: an error from spice-client-glib's USB device manager
 *
 * Says what stopped a USB redirection in words a user can act on: the host's
 * permissions, the machine's slots, the missing helper. Cancellation passes
 * through unchanged.
 *
 * Returns: (transfer full): a #HANGAR_DISPLAY_MEDIA_ERROR, or a copy of a
 *   cancellation
 */
GError *
hangar_display_media_usb_error (const GError *spice_error)
{
  g_return_val_if_fail (spice_error != NULL, NULL);

  if (g_error_matches (spice_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      spice_error->domain == HANGAR_DISPLAY_MEDIA_ERROR)
    return g_error_copy (spice_error);

  if (spice_error->domain == G_SPAWN_ERROR)
    return g_error_new (HANGAR_DISPLAY_MEDIA_ERROR, HANGAR_DISPLAY_MEDIA_ERROR_USB_HELPER,
                        _("The helper that gives access to USB devices, "
                          "spice-client-glib-usb-acl-helper, could not be started (%s). "
                          "Install it, or ask your administrator to let you use the device."),
                        spice_error->message);

  if (g_error_matches (spice_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
      g_error_matches (spice_error, G_FILE_ERROR, G_FILE_ERROR_ACCES) ||
      g_error_matches (spice_error, G_FILE_ERROR, G_FILE_ERROR_PERM) ||
      message_has (spice_error, "Access denied") ||
      message_has (spice_error, "insufficient permissions") ||
      message_has (spice_error, "Permission denied"))
    return g_error_new_literal (HANGAR_DISPLAY_MEDIA_ERROR, HANGAR_DISPLAY_MEDIA_ERROR_USB_PERMISSION,
                                _("This computer does not let you use the device: you may not "
                                  "open its file in /dev/bus/usb. Ask your administrator for "
                                  "access, or add a udev rule that gives it to you."));

  if (message_has (spice_error, "free USB channel") || message_has (spice_error, "no free"))
    return g_error_new_literal (HANGAR_DISPLAY_MEDIA_ERROR, HANGAR_DISPLAY_MEDIA_ERROR_USB_NO_SLOT,
                                _("Every USB redirection slot of the machine is in use. Return a "
                                  "device to this computer first."));

  if (message_has (spice_error, "helper") || message_has (spice_error, "ACL"))
    return g_error_new (HANGAR_DISPLAY_MEDIA_ERROR, HANGAR_DISPLAY_MEDIA_ERROR_USB_HELPER,
                        _("The helper that gives access to USB devices failed (%s). Install "
                          "spice-client-glib-usb-acl-helper, or ask your administrator to let "
                          "you use the device."),
                        spice_error->message);

  if (g_error_matches (spice_error, SPICE_CLIENT_ERROR, SPICE_CLIENT_ERROR_USB_DEVICE_LOST))
    return g_error_new_literal (HANGAR_DISPLAY_MEDIA_ERROR, HANGAR_DISPLAY_MEDIA_ERROR_USB_LOST,
                                _("The device was unplugged."));

  return g_error_new (HANGAR_DISPLAY_MEDIA_ERROR, HANGAR_DISPLAY_MEDIA_ERROR_USB_REFUSED,
                      _("The device could not be given to the machine: %s"), spice_error->message);
}

/* Sound ******************************************************************/

static void
apply_mute (HangarDisplayMedia *self)
{
  for (guint i = 0; i < self->audio_channels->len; i++)
    g_object_set (self->audio_channels->pdata[i], "mute", self->muted, NULL);
}

static void
on_playback_data (SpicePlaybackChannel *channel,
                  gpointer              data,
                  int                   size,
                  HangarDisplayMedia   *self)
{
  if (size > 0)
    self->audio_bytes += (guint64) size;
}

/* Transfers ***************************************************************/

static void
on_transfer_finished (SpiceFileTransferTask *task,
                      GError                *error,
                      HangarDisplayMedia    *self)
{
  g_signal_handlers_disconnect_by_data (task, self);
  g_ptr_array_remove (self->transfers, task);
}

static void
on_new_file_transfer (SpiceMainChannel   *main,
                      GObject            *task,
                      HangarDisplayMedia *self)
{
  g_ptr_array_add (self->transfers, g_object_ref (task));
  g_signal_connect (task, "finished", G_CALLBACK (on_transfer_finished), self);
}

/* Channels ***************************************************************/

static void
on_channel_new (SpiceSession       *session,
                SpiceChannel       *channel,
                HangarDisplayMedia *self)
{
  if (SPICE_IS_MAIN_CHANNEL (channel))
    {
      g_set_object (&self->main, SPICE_MAIN_CHANNEL (channel));
      g_signal_connect (channel, "new-file-transfer", G_CALLBACK (on_new_file_transfer), self);
    }
  else if (SPICE_IS_PLAYBACK_CHANNEL (channel) || SPICE_IS_RECORD_CHANNEL (channel))
    {
      g_ptr_array_add (self->audio_channels, g_object_ref (channel));
      if (SPICE_IS_PLAYBACK_CHANNEL (channel))
        g_signal_connect_object (channel, "playback-data", G_CALLBACK (on_playback_data), self, 0);
      g_object_set (channel, "mute", self->muted, NULL);
    }
}

static void
on_channel_destroy (SpiceSession       *session,
                    SpiceChannel       *channel,
                    HangarDisplayMedia *self)
{
  if ((gpointer) channel == (gpointer) self->main)
    {
      g_signal_handlers_disconnect_by_data (self->main, self);
      g_clear_object (&self->main);
    }
  else
    g_ptr_array_remove (self->audio_channels, channel);
}

static void
on_usb_changed (SpiceUsbDeviceManager *manager,
                SpiceUsbDevice        *device,
                HangarDisplayMedia    *self)
{
  g_signal_emit (self, signals[SIGNAL_USB_CHANGED], 0);
}

static void
on_usb_device_error (SpiceUsbDeviceManager *manager,
                     SpiceUsbDevice        *device,
                     GError                *error,
                     HangarDisplayMedia    *self)
{
  g_autoptr(GError) mapped = hangar_display_media_usb_error (error);

  if (!g_error_matches (mapped, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[SIGNAL_USB_ERROR], 0, mapped->message);
  g_signal_emit (self, signals[SIGNAL_USB_CHANGED], 0);
}

static void
drop_session (HangarDisplayMedia *self)
{
  if (self->usb != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->usb, self);
      g_clear_object (&self->usb);
    }
  g_clear_error (&self->usb_error);
  if (self->main != NULL)
    g_signal_handlers_disconnect_by_data (self->main, self);
  g_clear_object (&self->main);
  for (guint i = 0; i < self->transfers->len; i++)
    g_signal_handlers_disconnect_by_data (self->transfers->pdata[i], self);
  g_ptr_array_set_size (self->transfers, 0);
  g_ptr_array_set_size (self->audio_channels, 0);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_clear_object (&self->session);
    }
}

/* Public API *************************************************************/

HangarDisplayMedia *
hangar_display_media_new (void)
{
  return g_object_new (HANGAR_TYPE_DISPLAY_MEDIA, NULL);
}

SpiceSession *
hangar_display_media_get_session (HangarDisplayMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_MEDIA (self), NULL);

  return self->session;
}

/**
 * hangar_display_media_set_session:
 * @session: (nullable): a session not yet connected, or %NULL
 *
 * Follows @session: its sound plays (when its `enable-audio` is on) and its
 * USB devices are listed (when `enable-usbredir` is on). Must be given the
 * session before it connects, so the audio and USB channels are seen.
 */
void
hangar_display_media_set_session (HangarDisplayMedia *self,
                                  SpiceSession       *session)
{
  g_autoptr(GList) channels = NULL;
  gboolean audio = FALSE, usbredir = FALSE;

  g_return_if_fail (HANGAR_IS_DISPLAY_MEDIA (self));
  g_return_if_fail (session == NULL || SPICE_IS_SESSION (session));

  if (session == self->session)
    return;
  drop_session (self);
  if (session == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_USB_CHANGED], 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
      return;
    }

  self->session = g_object_ref (session);
  g_signal_connect (session, "channel-new", G_CALLBACK (on_channel_new), self);
  g_signal_connect (session, "channel-destroy", G_CALLBACK (on_channel_destroy), self);

  g_object_get (session, "enable-audio", &audio, "enable-usbredir", &usbredir, NULL);
  /* The session keeps its audio object: the first call makes it, and it
   * plays and records through GStreamer from then on. */
  if (audio && spice_audio_get (session, NULL) == NULL)
    g_warning ("No sound: spice-client-glib has no audio backend");

  if (usbredir)
    {
      self->usb = spice_usb_device_manager_get (session, &self->usb_error);
      if (self->usb != NULL)
        {
          g_object_ref (self->usb);
          g_object_set (self->usb, "auto-connect", self->usb_auto_connect, NULL);
          g_signal_connect (self->usb, "device-added", G_CALLBACK (on_usb_changed), self);
          g_signal_connect (self->usb, "device-removed", G_CALLBACK (on_usb_changed), self);
          g_signal_connect (self->usb, "device-error", G_CALLBACK (on_usb_device_error), self);
          g_signal_connect (self->usb, "auto-connect-failed", G_CALLBACK (on_usb_device_error),
                            self);
        }
    }
  else
    {
      self->usb_error = g_error_new_literal (HANGAR_DISPLAY_MEDIA_ERROR,
                                             HANGAR_DISPLAY_MEDIA_ERROR_USB_UNAVAILABLE,
                                             _("USB redirection is off for this display."));
    }

  channels = spice_session_get_channels (session);
  for (GList *l = channels; l != NULL; l = l->next)
    on_channel_new (session, l->data, self);

  g_signal_emit (self, signals[SIGNAL_USB_CHANGED], 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
hangar_display_media_get_muted (HangarDisplayMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_MEDIA (self), FALSE);

  return self->muted;
}

/**
 * hangar_display_media_set_muted:
 *
 * Silences the guest's sound and microphone, or lets them through again.
 */
void
hangar_display_media_set_muted (HangarDisplayMedia *self,
                                gboolean            muted)
{
  g_return_if_fail (HANGAR_IS_DISPLAY_MEDIA (self));

  muted = !!muted;
  if (self->muted == muted)
    return;
  self->muted = muted;
  apply_mute (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

/**
 * hangar_display_media_get_audio_bytes:
 *
 * Returns: how many bytes of sound the guest played through this object's
 *   sessions (muted or not)
 */
guint64
hangar_display_media_get_audio_bytes (HangarDisplayMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_MEDIA (self), 0);

  return self->audio_bytes;
}

/* Files ******************************************************************/

/* One send: the caller's progress, and the cancel it asked for. */
typedef struct
{
  HangarDisplayMedia    *self;
  GFileProgressCallback  progress;
  gpointer               progress_data;
  gulong                 cancel_handler;
  gboolean               cancel_asked;
  guint                  cancel_source;
} Send;

static void
send_free (gpointer data)
{
  Send *send = data;

  g_clear_handle_id (&send->cancel_source, g_source_remove);
  g_free (send);
}

static void
cancel_transfers (HangarDisplayMedia *self)
{
  g_autoptr(GPtrArray) transfers = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->transfers->len; i++)
    g_ptr_array_add (transfers, g_object_ref (self->transfers->pdata[i]));
  for (guint i = 0; i < transfers->len; i++)
    spice_file_transfer_task_cancel (transfers->pdata[i]);
}

static gboolean
cancel_now (gpointer data)
{
  Send *send = data;

  send->cancel_source = 0;
  cancel_transfers (send->self);
  return G_SOURCE_REMOVE;
}

/* spice-client-glib 0.42 tells the agent of a cancel only when no chunk
 * of the file is being read (otherwise the agent keeps the partial file
 * until the display disconnects): the cancel waits for the next chunk to be
 * sent, whose progress comes before the next read, or a second at most. */
static void
on_send_cancelled (GCancellable *cancellable,
                   Send         *send)
{
  send->cancel_asked = TRUE;
  if (send->cancel_source == 0)
    send->cancel_source = g_timeout_add (1000, cancel_now, send);
}

static void
on_send_progress (goffset  current,
                  goffset  total,
                  gpointer data)
{
  Send *send = data;

  if (send->cancel_asked)
    {
      g_clear_handle_id (&send->cancel_source, g_source_remove);
      cancel_transfers (send->self);
      return;
    }
  if (send->progress != NULL)
    send->progress (current, total, send->progress_data);
}

static void
file_copy_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Send *send = g_task_get_task_data (task);

  if (cancellable != NULL && send->cancel_handler != 0)
    g_cancellable_disconnect (cancellable, send->cancel_handler);
  send->cancel_handler = 0;
  g_clear_handle_id (&send->cancel_source, g_source_remove);
  if (!spice_main_channel_file_copy_finish (SPICE_MAIN_CHANNEL (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, HANGAR_DISPLAY_MEDIA_ERROR,
                                 HANGAR_DISPLAY_MEDIA_ERROR_TRANSFER_DISABLED,
                                 _("The machine did not take the file: %s"), error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * hangar_display_media_send_files_async:
 * @files: (array length=n_files): regular files on this computer
 * @progress: (nullable) (scope call): bytes sent and bytes to send, over all files
 *
 * Copies @files into the guest through its SPICE agent (which puts them in
 * its user's folder for received files). Cancelling stops the transfer and
 * the agent removes what it received of the file.
 */
void
hangar_display_media_send_files_async (HangarDisplayMedia    *self,
                                       GFile                **files,
                                       guint                  n_files,
                                       GCancellable          *cancellable,
                                       GFileProgressCallback  progress,
                                       gpointer               progress_data,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree GFile **sources = NULL;
  gboolean connected = FALSE;
  Send *send;

  g_return_if_fail (HANGAR_IS_DISPLAY_MEDIA (self));
  g_return_if_fail (files != NULL && n_files > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_display_media_send_files_async);

  if (self->main == NULL)
    {
      g_task_return_new_error (task, HANGAR_DISPLAY_MEDIA_ERROR,
                               HANGAR_DISPLAY_MEDIA_ERROR_NO_SESSION,
                               _("The machine’s display is not connected."));
      return;
    }
  g_object_get (self->main, "agent-connected", &connected, NULL);
  if (!connected)
    {
      g_task_return_new_error (task, HANGAR_DISPLAY_MEDIA_ERROR,
                               HANGAR_DISPLAY_MEDIA_ERROR_NO_AGENT,
                               _("Files can only be sent to a machine that runs the SPICE agent. "
                                 "Install spice-vdagent (or the SPICE guest tools on Windows) "
                                 "in the machine."));
      return;
    }
  if (spice_main_channel_agent_test_capability (self->main, VD_AGENT_CAP_FILE_XFER_DISABLED))
    {
      g_task_return_new_error (task, HANGAR_DISPLAY_MEDIA_ERROR,
                               HANGAR_DISPLAY_MEDIA_ERROR_TRANSFER_DISABLED,
                               _("The machine’s SPICE agent is set up to refuse files."));
      return;
    }

  /* A folder would fail inside spice-client-glib with a vague message. */
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *name = g_file_get_parse_name (files[i]);

      if (g_file_query_file_type (files[i], G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_REGULAR)
        {
          g_task_return_new_error (task, HANGAR_DISPLAY_MEDIA_ERROR,
                                   HANGAR_DISPLAY_MEDIA_ERROR_NOT_A_FILE,
                                   /* Translators: %s is a file's path */
                                   _("“%s” is not a file: only files can be sent, not folders."),
                                   name);
          return;
        }
    }

  sources = g_new0 (GFile *, n_files + 1);
  for (guint i = 0; i < n_files; i++)
    sources[i] = files[i];
  send = g_new0 (Send, 1);
  send->self = self;
  send->progress = progress;
  send->progress_data = progress_data;
  g_task_set_task_data (task, send, send_free);
  if (cancellable != NULL)
    send->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_send_cancelled),
                                                  send, NULL);
  spice_main_channel_file_copy_async (self->main, sources, G_FILE_COPY_NONE, NULL,
                                      on_send_progress, send, file_copy_done,
                                      g_steal_pointer (&task));
}

gboolean
hangar_display_media_send_files_finish (HangarDisplayMedia  *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* USB ********************************************************************/

/**
 * hangar_display_media_get_usb_devices:
 *
 * Returns: (transfer container) (element-type SpiceUsbDevice): the host's USB
 *   devices that could be redirected, or %NULL with why there are none
 */
GPtrArray *
hangar_display_media_get_usb_devices (HangarDisplayMedia  *self,
                                      GError             **error)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_MEDIA (self), NULL);

  if (self->usb == NULL)
    {
      if (self->usb_error != NULL)
        g_propagate_error (error, hangar_display_media_usb_error (self->usb_error));
      else
        g_set_error_literal (error, HANGAR_DISPLAY_MEDIA_ERROR,
                             HANGAR_DISPLAY_MEDIA_ERROR_NO_SESSION,
                             _("The machine’s display is not connected."));
      return NULL;
    }
  return spice_usb_device_manager_get_devices (self->usb);
}

/**
 * hangar_display_media_describe_usb:
 *
 * Returns: (transfer full): the device's maker and product, and where it is
 *   plugged in
 */
char *
hangar_display_media_describe_usb (SpiceUsbDevice *device)
{
  g_return_val_if_fail (device != NULL, NULL);

  /* Translators: a USB device in the display's menu: its maker, its product
   * and where it is plugged in (bus-address), e.g. "Logitech USB Receiver (1-4)";
   * keep the numbered conversions */
  return spice_usb_device_get_description (device, _("%1$s %2$s (%4$d-%5$d)"));
}

/**
 * hangar_display_media_usb_id:
 *
 * Returns: (transfer full): an identifier of the device while it stays
 *   plugged in ("BUS-ADDRESS"), for menus and actions
 */
char *
hangar_display_media_usb_id (SpiceUsbDevice *device)
{
  g_return_val_if_fail (device != NULL, NULL);

  /* spice-client-glib fills a description's format with the maker, the
   * product, "[VID:PID]", the bus and the address. */
  return spice_usb_device_get_description (device, "%4$d-%5$d");
}

SpiceUsbDevice *
hangar_display_media_find_usb (HangarDisplayMedia *self,
                               const char         *id)
{
  g_autoptr(GPtrArray) devices = NULL;

  g_return_val_if_fail (HANGAR_IS_DISPLAY_MEDIA (self), NULL);

  devices = hangar_display_media_get_usb_devices (self, NULL);
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      g_autofree char *other = hangar_display_media_usb_id (devices->pdata[i]);

      if (g_strcmp0 (other, id) == 0)
        return g_boxed_copy (spice_usb_device_get_type (), devices->pdata[i]);
    }
  return NULL;
}

gboolean
hangar_display_media_usb_is_redirected (HangarDisplayMedia *self,
                                        SpiceUsbDevice     *device)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_MEDIA (self), FALSE);

  return self->usb != NULL && spice_usb_device_manager_is_device_connected (self->usb, device);
}

gboolean
hangar_display_media_get_usb_auto_connect (HangarDisplayMedia *self)
{
  g_return_val_if_fail (HANGAR_IS_DISPLAY_MEDIA (self), FALSE);

  return self->usb_auto_connect;
}

/**
 * hangar_display_media_set_usb_auto_connect:
 *
 * Gives the machine every USB device plugged into this computer from now on.
 */
void
hangar_display_media_set_usb_auto_connect (HangarDisplayMedia *self,
                                           gboolean            auto_connect)
{
  g_return_if_fail (HANGAR_IS_DISPLAY_MEDIA (self));

  auto_connect = !!auto_connect;
  if (self->usb_auto_connect == auto_connect)
    return;
  self->usb_auto_connect = auto_connect;
  if (self->usb != NULL)
    g_object_set (self->usb, "auto-connect", auto_connect, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USB_AUTO_CONNECT]);
}

static void
usb_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SpiceUsbDeviceManager *manager = SPICE_USB_DEVICE_MANAGER (object);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (GPOINTER_TO_INT (g_task_get_task_data (task)))
    ok = spice_usb_device_manager_disconnect_device_finish (manager, result, &error);
  else
    ok = spice_usb_device_manager_connect_device_finish (manager, result, &error);

  if (g_task_get_source_object (task) != NULL)
    g_signal_emit (g_task_get_source_object (task), signals[SIGNAL_USB_CHANGED], 0);
  if (!ok)
    g_task_return_error (task, hangar_display_media_usb_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * hangar_display_media_toggle_usb_async:
 *
 * Gives @device to the machine, or back to this computer when the machine
 * has it. Errors are #HANGAR_DISPLAY_MEDIA_ERROR: what the host or the
 * machine refused, said so that the user can act.
 */
void
hangar_display_media_toggle_usb_async (HangarDisplayMedia  *self,
                                       SpiceUsbDevice      *device,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gboolean redirected;
  int free_channels = 0;

  g_return_if_fail (HANGAR_IS_DISPLAY_MEDIA (self));
  g_return_if_fail (device != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_display_media_toggle_usb_async);

  if (self->usb == NULL)
    {
      g_autoptr(GPtrArray) none = hangar_display_media_get_usb_devices (self, &error);

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  redirected = spice_usb_device_manager_is_device_connected (self->usb, device);
  g_task_set_task_data (task, GINT_TO_POINTER (redirected), NULL);
  if (redirected)
    {
      spice_usb_device_manager_disconnect_device_async (self->usb, device, cancellable, usb_done,
                                                        g_steal_pointer (&task));
      return;
    }

  /* Said before spice-client-glib tries: no slot is our machine's limit. */
  g_object_get (self->usb, "free-channels", &free_channels, NULL);
  if (free_channels <= 0)
    {
      g_task_return_new_error (task, HANGAR_DISPLAY_MEDIA_ERROR, HANGAR_DISPLAY_MEDIA_ERROR_USB_NO_SLOT,
                               _("Every USB redirection slot of the machine is in use. Return a "
                                 "device to this computer first."));
      return;
    }
  if (!spice_usb_device_manager_can_redirect_device (self->usb, device, &error))
    {
      g_task_return_error (task, hangar_display_media_usb_error (error));
      return;
    }
  spice_usb_device_manager_connect_device_async (self->usb, device, cancellable, usb_done,
                                                 g_steal_pointer (&task));
}

gboolean
hangar_display_media_toggle_usb_finish (HangarDisplayMedia  *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* GObject ****************************************************************/

static void
hangar_display_media_dispose (GObject *object)
{
  drop_session (HANGAR_DISPLAY_MEDIA (object));

  G_OBJECT_CLASS (hangar_display_media_parent_class)->dispose (object);
}

static void
hangar_display_media_finalize (GObject *object)
{
  HangarDisplayMedia *self = HANGAR_DISPLAY_MEDIA (object);

  g_clear_pointer (&self->audio_channels, g_ptr_array_unref);
  g_clear_pointer (&self->transfers, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_display_media_parent_class)->finalize (object);
}

static void
hangar_display_media_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarDisplayMedia *self = HANGAR_DISPLAY_MEDIA (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_USB_AUTO_CONNECT:
      g_value_set_boolean (value, self->usb_auto_connect);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_display_media_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HangarDisplayMedia *self = HANGAR_DISPLAY_MEDIA (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      hangar_display_media_set_session (self, g_value_get_object (value));
      break;
    case PROP_MUTED:
      hangar_display_media_set_muted (self, g_value_get_boolean (value));
      break;
    case PROP_USB_AUTO_CONNECT:
      hangar_display_media_set_usb_auto_connect (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_display_media_class_init (HangarDisplayMediaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_display_media_dispose;
  object_class->finalize = hangar_display_media_finalize;
  object_class->get_property = hangar_display_media_get_property;
  object_class->set_property = hangar_display_media_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SPICE_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MUTED] =
    g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USB_AUTO_CONNECT] =
    g_param_spec_boolean ("usb-auto-connect", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HangarDisplayMedia::usb-changed:
   *
   * A USB device was plugged in or out, or given to or taken from the machine.
   */
  signals[SIGNAL_USB_CHANGED] =
    g_signal_new ("usb-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * HangarDisplayMedia::usb-error:
   * @message: what went wrong, for the user
   *
   * A redirection that nobody asked for just now (automatic) failed, or one
   * in progress stopped.
   */
  signals[SIGNAL_USB_ERROR] =
    g_signal_new ("usb-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
hangar_display_media_init (HangarDisplayMedia *self)
{
  self->audio_channels = g_ptr_array_new_with_free_func (g_object_unref);
  self->transfers = g_ptr_array_new_with_free_func (g_object_unref);
}
