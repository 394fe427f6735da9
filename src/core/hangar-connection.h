/* hangar-connection.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "hangar-libvirt.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_DEFAULT_URI "qemu:///session"
/* Chooses the URI over the settings (hangar_connection_resolve_uri()). */
#define HANGAR_URI_ENV "HANGAR_URI"
/* The settings key holding the user's URI. */
#define HANGAR_CONNECTION_URI_KEY "connection-uri"

/**
 * HangarConnectionState:
 * @HANGAR_CONNECTION_DISCONNECTED: not opened yet, or closed on purpose
 * @HANGAR_CONNECTION_CONNECTING: opening the URI and listing the domains
 * @HANGAR_CONNECTION_CONNECTED: open; the domain list is current
 * @HANGAR_CONNECTION_FAILED: opening failed or the daemon went away; see
 *   hangar_connection_get_error()
 */
typedef enum
{
  HANGAR_CONNECTION_DISCONNECTED,
  HANGAR_CONNECTION_CONNECTING,
  HANGAR_CONNECTION_CONNECTED,
  HANGAR_CONNECTION_FAILED,
} HangarConnectionState;

#define HANGAR_CONNECTION_ERROR (hangar_connection_error_quark ())

/**
 * HangarConnectionError:
 * @HANGAR_CONNECTION_ERROR_OPEN: the URI could not be opened
 * @HANGAR_CONNECTION_ERROR_LOST: an open connection was closed by the other side
 */
typedef enum
{
  HANGAR_CONNECTION_ERROR_OPEN,
  HANGAR_CONNECTION_ERROR_LOST,
} HangarConnectionError;

#define HANGAR_TYPE_CONNECTION_STATE (hangar_connection_state_get_type ())
#define HANGAR_TYPE_CONNECTION (hangar_connection_get_type ())

G_DECLARE_FINAL_TYPE (HangarConnection, hangar_connection, HANGAR, CONNECTION, GObject)

GQuark                 hangar_connection_error_quark      (void);
GType                  hangar_connection_state_get_type   (void);

gboolean               hangar_connection_uri_overridden   (void);
char                  *hangar_connection_resolve_uri      (const char          *configured);
char                  *hangar_connection_configured_uri   (GSettings           *settings);

HangarConnection      *hangar_connection_new              (const char          *uri);
const char            *hangar_connection_get_uri          (HangarConnection    *self);
HangarConnectionState  hangar_connection_get_state        (HangarConnection    *self);
const GError          *hangar_connection_get_error        (HangarConnection    *self);
GVirConnection        *hangar_connection_get_gvir         (HangarConnection    *self);
virConnectPtr          hangar_connection_dup_handle       (HangarConnection    *self);
void                   hangar_connection_set_auto_reconnect (HangarConnection  *self,
                                                             gboolean           auto_reconnect);

void                   hangar_connection_open_async       (HangarConnection    *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean               hangar_connection_open_finish      (HangarConnection    *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);
void                   hangar_connection_close            (HangarConnection    *self);

G_END_DECLS
