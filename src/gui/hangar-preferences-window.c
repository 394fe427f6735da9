/* hangar-preferences-window.c
 *
 * The preferences: settings bound straight to GSettings.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-application.h"
#include "hangar-connection.h"
#include "hangar-preferences-window.h"

struct _HangarPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkSwitch            *software_emulation_switch;
  AdwActionRow         *uri_row;
  GtkSwitch            *share_clipboard_switch;
  GtkSwitch            *play_sound_switch;
  GtkSwitch            *resize_guest_switch;
  AdwComboRow          *on_quit_row;
};

G_DEFINE_FINAL_TYPE (HangarPreferencesWindow, hangar_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

/* The combo row's items, in order, are the values of the "on-quit" key. */
static const char * const on_quit_values[] = { "leave-running", "save" };

static gboolean
on_quit_to_row (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (on_quit_values); i++)
    if (g_str_equal (nick, on_quit_values[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
row_to_on_quit (const GValue       *value,
                const GVariantType *expected_type,
                gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (on_quit_values))
    return NULL;
  return g_variant_new_string (on_quit_values[selected]);
}

HangarPreferencesWindow *
hangar_preferences_window_new (HangarApplication *application)
{
  HangarPreferencesWindow *self;
  HangarConnection *connection;
  const char *uri;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (HANGAR_IS_APPLICATION (application), NULL);

  self = g_object_new (HANGAR_TYPE_PREFERENCES_WINDOW, NULL);

  g_settings_bind (hangar_application_get_settings (application), "force-software-emulation",
                   self->software_emulation_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (hangar_application_get_settings (application), "share-clipboard",
                   self->share_clipboard_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (hangar_application_get_settings (application), "play-sound",
                   self->play_sound_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (hangar_application_get_settings (application), "display-resize-guest",
                   self->resize_guest_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (hangar_application_get_settings (application), "on-quit",
                                self->on_quit_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                on_quit_to_row, row_to_on_quit, NULL, NULL);

  connection = hangar_application_get_connection (application);
  uri = connection != NULL ? hangar_connection_get_uri (connection) : HANGAR_DEFAULT_URI;
  if (hangar_connection_uri_overridden ())
    /* Translators: %s is a libvirt URI such as qemu:///session */
    subtitle = g_strdup_printf (_("%s (set by the HANGAR_URI environment variable)"), uri);
  else
    subtitle = g_strdup (uri);
  adw_action_row_set_subtitle (self->uri_row, subtitle);

  return self;
}

static void
hangar_preferences_window_class_init (HangarPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/hangar-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarPreferencesWindow,
                                        software_emulation_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarPreferencesWindow, uri_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPreferencesWindow,
                                        share_clipboard_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarPreferencesWindow, play_sound_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarPreferencesWindow,
                                        resize_guest_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarPreferencesWindow, on_quit_row);
}

static void
hangar_preferences_window_init (HangarPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
