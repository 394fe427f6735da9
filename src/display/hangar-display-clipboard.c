/* hangar-display-clipboard.c
 *
 * The guest agent's clipboard, bridged to GdkClipboard in both directions.
 *
 * spice-gtk's SpiceGtkSession does this for GTK3 only. Here the guest's
 * offers become a GdkContentProvider whose data is fetched from the guest
 * only when a host application pastes; the host's clipboard is offered to
 * the guest by type and read only when the guest pastes. Everything is
 * asynchronous. Text and PNG images travel; Windows line ends are converted.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-display"

#include "config.h"

#include <spice/vd_agent.h>
#include <string.h>

#include "hangar-display-private.h"

#define N_SELECTIONS 2  /* VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, _PRIMARY */

typedef struct
{
  HangarDisplay    *display;   /* unowned: the display owns us */
  SpiceMainChannel *main;
  GdkClipboard     *clipboards[N_SELECTIONS];
  /* Guest offers waiting for data, per selection: GTasks. */
  GList            *pending[N_SELECTIONS];
  gboolean          host_grabbed[N_SELECTIONS];
} Clipboard;

static const struct {
  guint32     type;
  const char *mime_type;
} mime_types[] = {
  { VD_AGENT_CLIPBOARD_UTF8_TEXT, "text/plain;charset=utf-8" },
  { VD_AGENT_CLIPBOARD_UTF8_TEXT, "text/plain" },
  { VD_AGENT_CLIPBOARD_UTF8_TEXT, "UTF8_STRING" },
  { VD_AGENT_CLIPBOARD_IMAGE_PNG, "image/png" },
  { VD_AGENT_CLIPBOARD_IMAGE_BMP, "image/bmp" },
  { VD_AGENT_CLIPBOARD_IMAGE_TIFF, "image/tiff" },
  { VD_AGENT_CLIPBOARD_IMAGE_JPG, "image/jpeg" },
};

static guint32
type_for_mime (const char *mime_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (mime_types); i++)
    if (g_str_equal (mime_types[i].mime_type, mime_type))
      return mime_types[i].type;
  return VD_AGENT_CLIPBOARD_NONE;
}

static int
selection_of (Clipboard    *self,
              GdkClipboard *clipboard)
{
  for (int i = 0; i < N_SELECTIONS; i++)
    if (self->clipboards[i] == clipboard)
      return i;
  return -1;
}

static gboolean
sharing (Clipboard *self)
{
  return self->main != NULL && hangar_display_get_share_clipboard (self->display);
}

static gboolean
agent_can (Clipboard *self,
           guint32    capability)
{
  return self->main != NULL && spice_main_channel_agent_test_capability (self->main, capability);
}

/* Converts CRLF to LF (guest to host) or LF to CRLF (host to a Windows guest). */
static GBytes *
convert_line_ends (const guint8 *data,
                   gsize         size,
                   gboolean      to_crlf)
{
  GString *out = g_string_sized_new (size + 16);

  for (gsize i = 0; i < size; i++)
    {
      if (data[i] == '\0')
        break;
      if (!to_crlf && data[i] == '\r' && i + 1 < size && data[i + 1] == '\n')
        continue;
      if (to_crlf && data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
        g_string_append_c (out, '\r');
      g_string_append_c (out, (char) data[i]);
    }
  return g_string_free_to_bytes (out);
}

/* Guest → host: a content provider for what the guest offers ***************/

#define HANGAR_TYPE_GUEST_CONTENT (hangar_guest_content_get_type ())
G_DECLARE_FINAL_TYPE (HangarGuestContent, hangar_guest_content, HANGAR, GUEST_CONTENT,
                      GdkContentProvider)

struct _HangarGuestContent
{
  GdkContentProvider parent_instance;
  Clipboard         *clipboard;   /* NULL once the display is gone */
  int                selection;
  GArray            *types;
};

G_DEFINE_FINAL_TYPE (HangarGuestContent, hangar_guest_content, GDK_TYPE_CONTENT_PROVIDER)

static GdkContentFormats *
hangar_guest_content_ref_formats (GdkContentProvider *provider)
{
  HangarGuestContent *self = HANGAR_GUEST_CONTENT (provider);
  GdkContentFormatsBuilder *builder = gdk_content_formats_builder_new ();

  for (guint t = 0; t < self->types->len; t++)
    for (guint i = 0; i < G_N_ELEMENTS (mime_types); i++)
      if (mime_types[i].type == g_array_index (self->types, guint32, t))
        gdk_content_formats_builder_add_mime_type (builder, mime_types[i].mime_type);

  return gdk_content_formats_builder_free_to_formats (builder);
}

static void
hangar_guest_content_write_mime_type_async (GdkContentProvider  *provider,
                                            const char          *mime_type,
                                            GOutputStream       *stream,
                                            int                  io_priority,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  HangarGuestContent *self = HANGAR_GUEST_CONTENT (provider);
  g_autoptr(GTask) task = NULL;
  guint32 type = type_for_mime (mime_type);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_guest_content_write_mime_type_async);
  g_task_set_priority (task, io_priority);

  if (self->clipboard == NULL || !sharing (self->clipboard) || type == VD_AGENT_CLIPBOARD_NONE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "The guest's clipboard is not available");
      return;
    }

  g_object_set_data_full (G_OBJECT (task), "stream", g_object_ref (stream), g_object_unref);
  g_object_set_data (G_OBJECT (task), "type", GUINT_TO_POINTER (type));
  self->clipboard->pending[self->selection] =
    g_list_append (self->clipboard->pending[self->selection], g_steal_pointer (&task));
  spice_main_channel_clipboard_selection_request (self->clipboard->main,
                                                  (guint) self->selection, type);
}

static gboolean
hangar_guest_content_write_mime_type_finish (GdkContentProvider  *provider,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
hangar_guest_content_finalize (GObject *object)
{
  HangarGuestContent *self = HANGAR_GUEST_CONTENT (object);

  g_clear_pointer (&self->types, g_array_unref);

  G_OBJECT_CLASS (hangar_guest_content_parent_class)->finalize (object);
}

static void
hangar_guest_content_class_init (HangarGuestContentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GdkContentProviderClass *provider_class = GDK_CONTENT_PROVIDER_CLASS (klass);

  object_class->finalize = hangar_guest_content_finalize;
  provider_class->ref_formats = hangar_guest_content_ref_formats;
  provider_class->write_mime_type_async = hangar_guest_content_write_mime_type_async;
  provider_class->write_mime_type_finish = hangar_guest_content_write_mime_type_finish;
}

static void
hangar_guest_content_init (HangarGuestContent *self)
{
  self->types = g_array_new (FALSE, FALSE, sizeof (guint32));
}

static void
on_written (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_guest_data (SpiceMainChannel *main,
               guint             selection,
               guint             type,
               gpointer          data,
               guint             size,
               Clipboard        *self)
{
  GList *ready = NULL;

  if (selection >= N_SELECTIONS)
    return;

  for (GList *l = self->pending[selection]; l != NULL;)
    {
      GList *next = l->next;

      if (GPOINTER_TO_UINT (g_object_get_data (l->data, "type")) == type)
        {
          self->pending[selection] = g_list_remove_link (self->pending[selection], l);
          ready = g_list_concat (ready, l);
        }
      l = next;
    }

  for (GList *l = ready; l != NULL; l = l->next)
    {
      GTask *task = l->data;
      GOutputStream *stream = g_object_get_data (G_OBJECT (task), "stream");
      GBytes *bytes;
      gconstpointer out;
      gsize out_size;

      if (type == VD_AGENT_CLIPBOARD_UTF8_TEXT)
        bytes = convert_line_ends (data, size, FALSE);
      else
        bytes = g_bytes_new (data, size);
      /* The task keeps the bytes alive for as long as the write runs. */
      g_object_set_data_full (G_OBJECT (task), "bytes", bytes, (GDestroyNotify) g_bytes_unref);
      out = g_bytes_get_data (bytes, &out_size);
      g_output_stream_write_all_async (stream, out, out_size, g_task_get_priority (task),
                                       g_task_get_cancellable (task), on_written, task);
    }
  g_list_free (ready);
}

static void
fail_pending (Clipboard *self,
              int        selection)
{
  GList *pending = g_steal_pointer (&self->pending[selection]);

  for (GList *l = pending; l != NULL; l = l->next)
    {
      g_autoptr(GTask) task = l->data;

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "The guest withdrew its clipboard");
    }
  g_list_free (pending);
}

static gboolean
on_guest_grab (SpiceMainChannel *main,
               guint             selection,
               gpointer          types,
               guint             n_types,
               Clipboard        *self)
{
  g_autoptr(HangarGuestContent) content = NULL;

  if (selection >= N_SELECTIONS || !sharing (self))
    return TRUE;

  fail_pending (self, (int) selection);
  content = g_object_new (HANGAR_TYPE_GUEST_CONTENT, NULL);
  content->clipboard = self;
  content->selection = (int) selection;
  g_array_append_vals (content->types, types, n_types);

  self->host_grabbed[selection] = FALSE;
  gdk_clipboard_set_content (self->clipboards[selection], GDK_CONTENT_PROVIDER (content));
  return TRUE;
}

static void
on_guest_release (SpiceMainChannel *main,
                  guint             selection,
                  Clipboard        *self)
{
  GdkClipboard *clipboard;

  if (selection >= N_SELECTIONS)
    return;

  fail_pending (self, (int) selection);
  clipboard = self->clipboards[selection];
  if (HANGAR_IS_GUEST_CONTENT (gdk_clipboard_get_content (clipboard)))
    gdk_clipboard_set_content (clipboard, NULL);
}

/* Host → guest ***********************************************************/

static void
on_host_changed (GdkClipboard *clipboard,
                 Clipboard    *self)
{
  int selection = selection_of (self, clipboard);
  GdkContentFormats *formats;
  guint32 types[2];
  guint n_types = 0;

  /* What the guest offered is already the guest's; anything else, even
   * something copied inside Hangar itself, goes to the guest. */
  if (selection < 0 || !sharing (self) ||
      HANGAR_IS_GUEST_CONTENT (gdk_clipboard_get_content (clipboard)))
    return;
  if (!agent_can (self, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND))
    return;
  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD &&
      !agent_can (self, VD_AGENT_CAP_CLIPBOARD_SELECTION))
    return;

  formats = gdk_clipboard_get_formats (clipboard);
  if (gdk_content_formats_contain_gtype (formats, G_TYPE_STRING) ||
      gdk_content_formats_contain_mime_type (formats, "text/plain;charset=utf-8") ||
      gdk_content_formats_contain_mime_type (formats, "text/plain"))
    types[n_types++] = VD_AGENT_CLIPBOARD_UTF8_TEXT;
  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE) ||
      gdk_content_formats_contain_mime_type (formats, "image/png"))
    types[n_types++] = VD_AGENT_CLIPBOARD_IMAGE_PNG;

  if (n_types == 0)
    {
      if (self->host_grabbed[selection])
        spice_main_channel_clipboard_selection_release (self->main, (guint) selection);
      self->host_grabbed[selection] = FALSE;
      return;
    }

  spice_main_channel_clipboard_selection_grab (self->main, (guint) selection, types, (int) n_types);
  self->host_grabbed[selection] = TRUE;
}

typedef struct
{
  SpiceMainChannel *main;
  guint             selection;
  gboolean          crlf;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->main);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
on_host_text (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gconstpointer data;
  gsize size;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  if (text == NULL)
    {
      g_debug ("Cannot read the clipboard for the guest: %s", error->message);
      text = g_strdup ("");
    }
  bytes = request->crlf ? convert_line_ends ((const guint8 *) text, strlen (text), TRUE)
                        : g_bytes_new (text, strlen (text));
  data = g_bytes_get_data (bytes, &size);
  spice_main_channel_clipboard_selection_notify (request->main, request->selection,
                                                 VD_AGENT_CLIPBOARD_UTF8_TEXT, data, size);
}

static void
on_host_texture (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  gconstpointer data = NULL;
  gsize size = 0;

  texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (object), result, &error);
  if (texture == NULL)
    g_debug ("Cannot read the clipboard image for the guest: %s", error->message);
  else
    png = gdk_texture_save_to_png_bytes (texture);
  if (png != NULL)
    data = g_bytes_get_data (png, &size);
  spice_main_channel_clipboard_selection_notify (request->main, request->selection,
                                                 VD_AGENT_CLIPBOARD_IMAGE_PNG, data, size);
}

static gboolean
on_guest_request (SpiceMainChannel *main,
                  guint             selection,
                  guint             type,
                  Clipboard        *self)
{
  Request *request;

  if (selection >= N_SELECTIONS || !sharing (self))
    return FALSE;

  request = g_new0 (Request, 1);
  request->main = g_object_ref (main);
  request->selection = selection;
  request->crlf = agent_can (self, VD_AGENT_CAP_GUEST_LINEEND_CRLF);

  if (type == VD_AGENT_CLIPBOARD_UTF8_TEXT)
    gdk_clipboard_read_text_async (self->clipboards[selection], NULL, on_host_text, request);
  else if (type == VD_AGENT_CLIPBOARD_IMAGE_PNG)
    gdk_clipboard_read_texture_async (self->clipboards[selection], NULL, on_host_texture, request);
  else
    {
      request_free (request);
      return FALSE;
    }
  return TRUE;
}

static void
on_host_changed_all (Clipboard *self)
{
  for (int i = 0; i < N_SELECTIONS; i++)
    on_host_changed (self->clipboards[i], self);
}

/* Life cycle *************************************************************/

gpointer
hangar_display_clipboard_new (HangarDisplay *display)
{
  Clipboard *self = g_new0 (Clipboard, 1);
  GdkDisplay *gdk_display = gtk_widget_get_display (GTK_WIDGET (display));

  self->display = display;
  self->clipboards[VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD] =
    g_object_ref (gdk_display_get_clipboard (gdk_display));
  self->clipboards[VD_AGENT_CLIPBOARD_SELECTION_PRIMARY] =
    g_object_ref (gdk_display_get_primary_clipboard (gdk_display));
  for (int i = 0; i < N_SELECTIONS; i++)
    g_signal_connect (self->clipboards[i], "changed", G_CALLBACK (on_host_changed), self);
  return self;
}

void
hangar_display_clipboard_set_main (gpointer          clipboard,
                                   SpiceMainChannel *main)
{
  Clipboard *self = clipboard;

  if (self->main == main)
    return;

  if (self->main != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->main, self);
      for (int i = 0; i < N_SELECTIONS; i++)
        {
          fail_pending (self, i);
          self->host_grabbed[i] = FALSE;
          /* What the guest offered can no longer be fetched. */
          if (HANGAR_IS_GUEST_CONTENT (gdk_clipboard_get_content (self->clipboards[i])))
            gdk_clipboard_set_content (self->clipboards[i], NULL);
        }
      g_clear_object (&self->main);
    }

  if (main == NULL)
    return;

  self->main = g_object_ref (main);
  g_signal_connect (main, "main-clipboard-selection-grab", G_CALLBACK (on_guest_grab), self);
  g_signal_connect (main, "main-clipboard-selection-release", G_CALLBACK (on_guest_release), self);
  g_signal_connect (main, "main-clipboard-selection-request", G_CALLBACK (on_guest_request), self);
  g_signal_connect (main, "main-clipboard-selection", G_CALLBACK (on_guest_data), self);
  /* When the agent comes up, offer it what the host already holds. */
  g_signal_connect_swapped (main, "main-agent-update", G_CALLBACK (on_host_changed_all), self);
}

void
hangar_display_clipboard_free (gpointer clipboard)
{
  Clipboard *self = clipboard;

  hangar_display_clipboard_set_main (self, NULL);
  for (int i = 0; i < N_SELECTIONS; i++)
    {
      GdkContentProvider *content = gdk_clipboard_get_content (self->clipboards[i]);

      if (HANGAR_IS_GUEST_CONTENT (content))
        HANGAR_GUEST_CONTENT (content)->clipboard = NULL;
      g_signal_handlers_disconnect_by_data (self->clipboards[i], self);
      g_clear_object (&self->clipboards[i]);
    }
  g_free (self);
}
