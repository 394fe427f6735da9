/* hangar-connection.c
 *
 * Opens the libvirt URI off the UI thread, keeps the domain list current and
 * notices when the daemon goes away, reconnecting with a backoff; and the
 * rule that says which URI every Hangar tool opens.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-connection"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-libvirt.h"

#define RECONNECT_DELAY_MIN_S 1
#define RECONNECT_DELAY_MAX_S 30

struct _HangarConnection
{
  GObject                parent_instance;

  char                  *uri;
  HangarConnectionState  state;
  GError                *error;
  /* Set and cleared on the main thread; gvir_lock lets worker threads take
   * the handle (hangar_connection_dup_handle()). */
  GMutex                 gvir_lock;
  GVirConnection        *gvir;

  /* A reference of our own on the raw connection, for the close callback. */
  virConnectPtr          close_handle;

  GCancellable          *open_cancellable;
  guint                  reconnect_source;
  guint                  reconnect_delay;
  gboolean               auto_reconnect;
};

G_DEFINE_FINAL_TYPE (HangarConnection, hangar_connection, G_TYPE_OBJECT)

G_DEFINE_QUARK (hangar-connection-error-quark, hangar_connection_error)

G_DEFINE_ENUM_TYPE (HangarConnectionState, hangar_connection_state,
  G_DEFINE_ENUM_VALUE (HANGAR_CONNECTION_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONNECTION_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONNECTION_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (HANGAR_CONNECTION_FAILED, "failed"))

enum {
  PROP_0,
  PROP_URI,
  PROP_STATE,
  PROP_GVIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void hangar_connection_schedule_reconnect (HangarConnection *self);

/**
 * hangar_connection_uri_overridden:
 *
 * Returns: whether the `HANGAR_URI` environment variable chooses the URI,
 *   whatever the settings say
 */
gboolean
hangar_connection_uri_overridden (void)
{
  const char *env = g_getenv (HANGAR_URI_ENV);

  return env != NULL && *env != '\0';
}

/**
 * hangar_connection_resolve_uri:
 * @configured: (nullable): the URI from settings
 *
 * The rule every Hangar tool follows: the `HANGAR_URI` environment variable
 * wins over the settings, so that tests and scripts can point every Hangar
 * tool at an isolated daemon; without either, qemu:///session.
 *
 * Returns: (transfer full): the URI to open
 */
char *
hangar_connection_resolve_uri (const char *configured)
{
  if (hangar_connection_uri_overridden ())
    return g_strdup (g_getenv (HANGAR_URI_ENV));
  if (configured != NULL && *configured != '\0')
    return g_strdup (configured);
  return g_strdup (HANGAR_DEFAULT_URI);
}

/**
 * hangar_connection_configured_uri:
 * @settings: (nullable): the application's settings; %NULL where their
 *   schema is not installed (hangarctl can run without it)
 *
 * hangar_connection_resolve_uri() applied to the `connection-uri` setting.
 *
 * Returns: (transfer full): the URI the app and hangarctl open
 */
char *
hangar_connection_configured_uri (GSettings *settings)
{
  g_autofree char *configured = NULL;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  if (settings != NULL)
    configured = g_settings_get_string (settings, HANGAR_CONNECTION_URI_KEY);
  return hangar_connection_resolve_uri (configured);
}

static void
hangar_connection_set_state (HangarConnection      *self,
                             HangarConnectionState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
hangar_connection_drop_close_handle (HangarConnection *self);

static void
hangar_connection_release (HangarConnection *self)
{
  hangar_connection_drop_close_handle (self);

  if (self->gvir != NULL)
    {
      GVirConnection *gvir;

      g_mutex_lock (&self->gvir_lock);
      gvir = g_steal_pointer (&self->gvir);
      g_mutex_unlock (&self->gvir_lock);

      /* Listeners see the connection go before it is closed under them. */
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GVIR]);
      gvir_connection_close (gvir);
      g_object_unref (gvir);
    }
}

typedef struct
{
  HangarConnection *self;
  virConnectPtr     conn;
  int               reason;
} ConnectionLost;

static void
connection_lost_free (ConnectionLost *lost)
{
  g_object_unref (lost->self);
  g_free (lost);
}

static gboolean
connection_lost_cb (gpointer user_data)
{
  ConnectionLost *lost = user_data;
  HangarConnection *self = lost->self;
  const char *why;

  /* Closed on purpose, or opened anew, since libvirt called. */
  if (self->close_handle == NULL || self->close_handle != lost->conn)
    return G_SOURCE_REMOVE;

  switch (lost->reason)
    {
    case VIR_CONNECT_CLOSE_REASON_EOF:
      why = _("The libvirt daemon stopped.");
      break;
    case VIR_CONNECT_CLOSE_REASON_KEEPALIVE:
      why = _("The libvirt daemon stopped answering.");
      break;
    case VIR_CONNECT_CLOSE_REASON_ERROR:
    case VIR_CONNECT_CLOSE_REASON_CLIENT:
    default:
      why = _("The connection to libvirt was closed.");
      break;
    }

  g_message ("Connection to %s lost (reason %d)", self->uri, lost->reason);

  hangar_connection_release (self);
  g_clear_error (&self->error);
  self->error = g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_LOST, "%s", why);
  hangar_connection_set_state (self, HANGAR_CONNECTION_FAILED);
  hangar_connection_schedule_reconnect (self);
  return G_SOURCE_REMOVE;
}

/* libvirt calls this with its close-callback lock held: unregistering the
 * callback (or closing the connection) from here deadlocks. Act from an idle. */
static void
on_libvirt_connection_closed (virConnectPtr  conn,
                              int            reason,
                              void          *opaque)
{
  HangarConnection *self = opaque;
  ConnectionLost *lost;

  g_assert (HANGAR_IS_CONNECTION (self));

  lost = g_new0 (ConnectionLost, 1);
  lost->self = g_object_ref (self);
  lost->conn = conn;
  lost->reason = reason;
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, connection_lost_cb, lost,
                   (GDestroyNotify) connection_lost_free);
}

static void
hangar_connection_drop_close_handle (HangarConnection *self)
{
  if (self->close_handle == NULL)
    return;

  virConnectUnregisterCloseCallback (self->close_handle, on_libvirt_connection_closed);
  virConnectClose (self->close_handle);
  self->close_handle = NULL;
}

static void
hangar_connection_watch_close (HangarConnection *self)
{
  /* A reference of our own on the handle, until drop_close_handle(). */
  virConnectPtr handle = hangar_libvirt_dup_connect (self->gvir);

  if (handle == NULL)
    return;

  if (virConnectRegisterCloseCallback (handle, on_libvirt_connection_closed, self, NULL) < 0)
    {
      g_warning ("Cannot watch %s for a closed connection", self->uri);
      virConnectClose (handle);
      return;
    }

  self->close_handle = handle;
}

/* libvirt-gobject 4.0 leaks the array virConnectListAllDomains() returns when
 * it is empty, so an empty session is not listed at all: the domain events,
 * already registered by then, bring in anything defined afterwards. Asking
 * costs two small calls; on error we list, and the listing reports it. */
static gboolean
session_has_domains (GVirConnection *gvir)
{
  virConnectPtr handle = hangar_libvirt_dup_connect (gvir);
  int active, defined;

  if (handle == NULL)
    return TRUE;
  active = virConnectNumOfDomains (handle);
  defined = virConnectNumOfDefinedDomains (handle);
  virConnectClose (handle);
  return active != 0 || defined != 0;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GVirConnection *gvir = task_data;
  g_autoptr(GError) error = NULL;

  /* Listing the domains in the same thread means the collection never sees a
   * half-filled connection. */
  if (!gvir_connection_open (gvir, cancellable, &error) ||
      (session_has_domains (gvir) &&
       !gvir_connection_fetch_domains (gvir, cancellable, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* libvirt-gobject says "Unable to open URI: why"; the why is what matters. */
static const char *
libvirt_detail (const char *message,
                const char *uri)
{
  g_autofree char *prefix = g_strdup_printf ("Unable to open %s: ", uri);

  if (g_str_has_prefix (message, prefix))
    return message + strlen (prefix);
  return message;
}

static void
open_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  HangarConnection *self = HANGAR_CONNECTION (object);
  g_autoptr(GTask) outer = user_data;
  GVirConnection *gvir = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (self->open_cancellable == g_task_get_cancellable (G_TASK (result)))
    g_clear_object (&self->open_cancellable);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (outer, g_steal_pointer (&error));
          return;
        }

      gvir_connection_close (gvir);
      g_clear_error (&self->error);
      self->error = g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_OPEN,
                                 /* Translators: %s is a libvirt URI, then comes libvirt's own message */
                                 _("Could not connect to “%s”. %s"),
                                 self->uri, libvirt_detail (error->message, self->uri));
      hangar_connection_set_state (self, HANGAR_CONNECTION_FAILED);
      hangar_connection_schedule_reconnect (self);
      g_task_return_error (outer, g_error_copy (self->error));
      return;
    }

  hangar_connection_release (self);
  g_clear_error (&self->error);
  g_mutex_lock (&self->gvir_lock);
  self->gvir = g_object_ref (gvir);
  g_mutex_unlock (&self->gvir_lock);
  self->reconnect_delay = 0;
  hangar_connection_watch_close (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GVIR]);
  hangar_connection_set_state (self, HANGAR_CONNECTION_CONNECTED);
  g_task_return_boolean (outer, TRUE);
}

/**
 * hangar_connection_open_async:
 * @self: a #HangarConnection
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the connection is open and its domains listed, or failed
 * @user_data: data for @callback
 *
 * Opens the URI and fetches its domains in a worker thread. An open already
 * under way is cancelled and replaced.
 */
void
hangar_connection_open_async (HangarConnection    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (HANGAR_IS_CONNECTION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, hangar_connection_open_async);

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  /* Our own cancellable, so that a newer open can supersede this one without
   * cancelling a cancellable that belongs to the caller. */
  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = g_cancellable_new ();

  hangar_connection_set_state (self, HANGAR_CONNECTION_CONNECTING);

  inner = g_task_new (self, self->open_cancellable, open_done, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, open_thread);
  g_task_set_task_data (inner, gvir_connection_new (self->uri), g_object_unref);
  g_task_run_in_thread (inner, open_thread);
}

gboolean
hangar_connection_open_finish (HangarConnection  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
reconnect_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hangar_connection_open_finish (HANGAR_CONNECTION (object), result, &error))
    g_debug ("Reconnecting failed: %s", error->message);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  HangarConnection *self = user_data;

  self->reconnect_source = 0;
  hangar_connection_open_async (self, NULL, reconnect_done, NULL);
  return G_SOURCE_REMOVE;
}

static void
hangar_connection_schedule_reconnect (HangarConnection *self)
{
  if (!self->auto_reconnect || self->reconnect_source != 0)
    return;

  self->reconnect_delay = CLAMP (self->reconnect_delay * 2,
                                 RECONNECT_DELAY_MIN_S, RECONNECT_DELAY_MAX_S);
  self->reconnect_source = g_timeout_add_seconds (self->reconnect_delay, reconnect_cb, self);
}

/**
 * hangar_connection_close:
 * @self: a #HangarConnection
 *
 * Closes the connection and stops any pending open or reconnection.
 */
void
hangar_connection_close (HangarConnection *self)
{
  g_return_if_fail (HANGAR_IS_CONNECTION (self));

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  hangar_connection_release (self);
  hangar_connection_set_state (self, HANGAR_CONNECTION_DISCONNECTED);
}

HangarConnection *
hangar_connection_new (const char *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return g_object_new (HANGAR_TYPE_CONNECTION, "uri", uri, NULL);
}

const char *
hangar_connection_get_uri (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  return self->uri;
}

HangarConnectionState
hangar_connection_get_state (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), HANGAR_CONNECTION_DISCONNECTED);

  return self->state;
}

/**
 * hangar_connection_get_error:
 * @self: a #HangarConnection
 *
 * Returns: (nullable): why the connection is in the failed state
 */
const GError *
hangar_connection_get_error (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  return self->error;
}

/**
 * hangar_connection_get_gvir:
 * @self: a #HangarConnection
 *
 * For the main thread, which sets it: workers take
 * hangar_connection_dup_handle().
 *
 * Returns: (transfer none) (nullable): the open libvirt-gobject connection
 */
GVirConnection *
hangar_connection_get_gvir (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  return self->gvir;
}

/**
 * hangar_connection_dup_handle:
 * @self: a #HangarConnection
 *
 * The raw libvirt connection, for blocking calls in a worker thread:
 * callable from any thread. The reference stays valid when the main thread
 * closes or reopens the connection meanwhile.
 *
 * Returns: (transfer full) (nullable): a reference of the caller's own
 *   (release it with virConnectClose()), or %NULL when not open
 */
virConnectPtr
hangar_connection_dup_handle (HangarConnection *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  locker = g_mutex_locker_new (&self->gvir_lock);
  return hangar_libvirt_dup_connect (self->gvir);
}

/**
 * hangar_connection_set_auto_reconnect:
 * @self: a #HangarConnection
 * @auto_reconnect: whether to retry after a failure
 *
 * With auto-reconnect on, a failed or lost connection is retried after 1 s,
 * then with a doubling delay up to 30 s.
 */
void
hangar_connection_set_auto_reconnect (HangarConnection *self,
                                      gboolean          auto_reconnect)
{
  g_return_if_fail (HANGAR_IS_CONNECTION (self));

  self->auto_reconnect = !!auto_reconnect;
  if (!self->auto_reconnect)
    g_clear_handle_id (&self->reconnect_source, g_source_remove);
}

static void
hangar_connection_dispose (GObject *object)
{
  HangarConnection *self = HANGAR_CONNECTION (object);

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->open_cancellable != NULL)
    g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  hangar_connection_release (self);

  G_OBJECT_CLASS (hangar_connection_parent_class)->dispose (object);
}

static void
hangar_connection_finalize (GObject *object)
{
  HangarConnection *self = HANGAR_CONNECTION (object);

  g_clear_pointer (&self->uri, g_free);
  g_clear_error (&self->error);
  g_mutex_clear (&self->gvir_lock);

  G_OBJECT_CLASS (hangar_connection_parent_class)->finalize (object);
}

static void
hangar_connection_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HangarConnection *self = HANGAR_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_GVIR:
      g_value_set_object (value, self->gvir);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_connection_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HangarConnection *self = HANGAR_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_connection_class_init (HangarConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_connection_dispose;
  object_class->finalize = hangar_connection_finalize;
  object_class->get_property = hangar_connection_get_property;
  object_class->set_property = hangar_connection_set_property;

  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, HANGAR_DEFAULT_URI,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       HANGAR_TYPE_CONNECTION_STATE, HANGAR_CONNECTION_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_GVIR] =
    g_param_spec_object ("gvir", NULL, NULL, GVIR_TYPE_CONNECTION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_connection_init (HangarConnection *self)
{
  self->auto_reconnect = FALSE;
  g_mutex_init (&self->gvir_lock);
}
