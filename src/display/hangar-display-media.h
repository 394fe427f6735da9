/* hangar-display-media.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <spice-client.h>

G_BEGIN_DECLS

/**
 * HangarDisplayMediaError:
 * @HANGAR_DISPLAY_MEDIA_ERROR_NO_SESSION: the machine's display is not connected
 * @HANGAR_DISPLAY_MEDIA_ERROR_NO_AGENT: the guest runs no SPICE agent, which receives files
 * @HANGAR_DISPLAY_MEDIA_ERROR_TRANSFER_DISABLED: the guest's agent refuses files
 * @HANGAR_DISPLAY_MEDIA_ERROR_NOT_A_FILE: something to send is a folder or not a regular file
 * @HANGAR_DISPLAY_MEDIA_ERROR_USB_UNAVAILABLE: this build or this session has no USB redirection
 * @HANGAR_DISPLAY_MEDIA_ERROR_USB_PERMISSION: the host does not let us open the device
 * @HANGAR_DISPLAY_MEDIA_ERROR_USB_NO_SLOT: every redirection slot of the machine is taken
 * @HANGAR_DISPLAY_MEDIA_ERROR_USB_HELPER: the helper that grants access to the device is missing
 * @HANGAR_DISPLAY_MEDIA_ERROR_USB_REFUSED: the device or the machine refused the redirection
 * @HANGAR_DISPLAY_MEDIA_ERROR_USB_LOST: the device went away
 */
typedef enum
{
  HANGAR_DISPLAY_MEDIA_ERROR_NO_SESSION,
  HANGAR_DISPLAY_MEDIA_ERROR_NO_AGENT,
  HANGAR_DISPLAY_MEDIA_ERROR_TRANSFER_DISABLED,
  HANGAR_DISPLAY_MEDIA_ERROR_NOT_A_FILE,
  HANGAR_DISPLAY_MEDIA_ERROR_USB_UNAVAILABLE,
  HANGAR_DISPLAY_MEDIA_ERROR_USB_PERMISSION,
  HANGAR_DISPLAY_MEDIA_ERROR_USB_NO_SLOT,
  HANGAR_DISPLAY_MEDIA_ERROR_USB_HELPER,
  HANGAR_DISPLAY_MEDIA_ERROR_USB_REFUSED,
  HANGAR_DISPLAY_MEDIA_ERROR_USB_LOST,
} HangarDisplayMediaError;

#define HANGAR_DISPLAY_MEDIA_ERROR (hangar_display_media_error_quark ())
GQuark hangar_display_media_error_quark (void);

#define HANGAR_TYPE_DISPLAY_MEDIA (hangar_display_media_get_type ())

G_DECLARE_FINAL_TYPE (HangarDisplayMedia, hangar_display_media, HANGAR, DISPLAY_MEDIA, GObject)

HangarDisplayMedia *hangar_display_media_new              (void);
void                hangar_display_media_set_session      (HangarDisplayMedia   *self,
                                                           SpiceSession         *session);
SpiceSession       *hangar_display_media_get_session      (HangarDisplayMedia   *self);

gboolean            hangar_display_media_get_muted        (HangarDisplayMedia   *self);
void                hangar_display_media_set_muted        (HangarDisplayMedia   *self,
                                                           gboolean              muted);
guint64             hangar_display_media_get_audio_bytes  (HangarDisplayMedia   *self);

void                hangar_display_media_send_files_async (HangarDisplayMedia   *self,
                                                           GFile               **files,
                                                           guint                 n_files,
                                                           GCancellable         *cancellable,
                                                           GFileProgressCallback progress,
                                                           gpointer              progress_data,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean            hangar_display_media_send_files_finish (HangarDisplayMedia  *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

GPtrArray          *hangar_display_media_get_usb_devices  (HangarDisplayMedia   *self,
                                                           GError              **error);
char               *hangar_display_media_describe_usb     (SpiceUsbDevice       *device);
char               *hangar_display_media_usb_id           (SpiceUsbDevice       *device);
SpiceUsbDevice     *hangar_display_media_find_usb         (HangarDisplayMedia   *self,
                                                           const char           *id);
gboolean            hangar_display_media_usb_is_redirected (HangarDisplayMedia  *self,
                                                           SpiceUsbDevice       *device);
gboolean            hangar_display_media_get_usb_auto_connect (HangarDisplayMedia *self);
void                hangar_display_media_set_usb_auto_connect (HangarDisplayMedia *self,
                                                           gboolean              auto_connect);
void                hangar_display_media_toggle_usb_async (HangarDisplayMedia   *self,
                                                           SpiceUsbDevice       *device,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean            hangar_display_media_toggle_usb_finish (HangarDisplayMedia  *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
GError             *hangar_display_media_usb_error        (const GError         *spice_error);

G_END_DECLS
