/* hangar-application.c
 *
 * The application: one connection and one collection shared by every window,
 * the app-wide actions and their shortcuts.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-application"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-preferences-window.h"
#include "hangar-window.h"

struct _HangarApplication
{
  AdwApplication    parent_instance;

  GSettings        *settings;
  HangarConnection *connection;
  HangarCollection *collection;
};

G_DEFINE_FINAL_TYPE (HangarApplication, hangar_application, ADW_TYPE_APPLICATION)

HangarApplication *
hangar_application_new (void)
{
  return g_object_new (HANGAR_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

/**
 * hangar_application_get_settings:
 * @self: a #HangarApplication
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
hangar_application_get_settings (HangarApplication *self)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * hangar_application_get_connection:
 * @self: a #HangarApplication
 *
 * Returns: (transfer none) (nullable): the libvirt connection, once started up
 */
HangarConnection *
hangar_application_get_connection (HangarApplication *self)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), NULL);

  return self->connection;
}

/**
 * hangar_application_get_collection:
 * @self: a #HangarApplication
 *
 * Returns: (transfer none) (nullable): the machines of the connection
 */
HangarCollection *
hangar_application_get_collection (HangarApplication *self)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), NULL);

  return self->collection;
}

static void
open_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The window shows the state and the error; here it only goes to the log. */
  if (!hangar_connection_open_finish (HANGAR_CONNECTION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("%s", error->message);
}

/**
 * hangar_application_reconnect:
 * @self: a #HangarApplication
 *
 * Opens the connection again now, without waiting for the automatic retry.
 */
void
hangar_application_reconnect (HangarApplication *self)
{
  g_return_if_fail (HANGAR_IS_APPLICATION (self));
  g_return_if_fail (self->connection != NULL);

  hangar_connection_open_async (self->connection, NULL, open_done, NULL);
}

static void
hangar_application_activate (GApplication *app)
{
  HangarApplication *self = HANGAR_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (hangar_window_new (self));

  gtk_window_present (window);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  HangarApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  HangarPreferencesWindow *preferences = hangar_preferences_window_new (self);

  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
show_help_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("Could not open the help: %s"),
                                                  error->message);

      if (HANGAR_IS_WINDOW (object))
        hangar_window_add_toast (HANGAR_WINDOW (object), message);
      else
        g_warning ("%s", message);
    }
}

static void
help_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_show_uri_full (parent, "help:" PACKAGE_NAME, GDK_CURRENT_TIME, NULL,
                     show_help_done, NULL);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  HangarApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Hangar authors", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Hangar"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The Hangar authors"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Create and run virtual machines"),
                         "website", "https://hangar.org",
                         "issue-url", "https://hangar.org/issues",
                         "copyright", "© 2026 The Hangar authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         /* Translators: put your names here, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "help", help_action },
  { "about", about_action },
};

static void
hangar_application_startup (GApplication *app)
{
  HangarApplication *self = HANGAR_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  g_autofree char *configured = NULL;
  g_autofree char *uri = NULL;

  G_APPLICATION_CLASS (hangar_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help",
                                         (const char *[]) { "F1", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-machine",
                                         (const char *[]) { "<Control>n", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close",
                                         (const char *[]) { "<Control>w", NULL });

  self->settings = g_settings_new (APPLICATION_ID);

  if (!hangar_libvirt_init (&error))
    g_critical ("Cannot initialise libvirt: %s", error->message);

  configured = g_settings_get_string (self->settings, "connection-uri");
  uri = hangar_connection_resolve_uri (configured);
  self->connection = hangar_connection_new (uri);
  hangar_connection_set_auto_reconnect (self->connection, TRUE);
  self->collection = hangar_collection_new (self->connection);

  hangar_application_reconnect (self);
}

static void
hangar_application_shutdown (GApplication *app)
{
  HangarApplication *self = HANGAR_APPLICATION (app);

  if (self->connection != NULL)
    hangar_connection_close (self->connection);

  G_APPLICATION_CLASS (hangar_application_parent_class)->shutdown (app);
}

static void
hangar_application_finalize (GObject *object)
{
  HangarApplication *self = HANGAR_APPLICATION (object);

  g_clear_object (&self->collection);
  g_clear_object (&self->connection);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hangar_application_parent_class)->finalize (object);
}

static void
hangar_application_class_init (HangarApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = hangar_application_finalize;

  app_class->activate = hangar_application_activate;
  app_class->startup = hangar_application_startup;
  app_class->shutdown = hangar_application_shutdown;
}

static void
hangar_application_init (HangarApplication *self)
{
}
