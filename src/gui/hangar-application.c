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
#include "hangar-display-page.h"
#include "hangar-install-tracker.h"
#include "hangar-vm-creator.h"
#include "hangar-machine.h"
#include "hangar-pending.h"
#include "hangar-machine-action.h"
#include "hangar-preferences-window.h"
#include "hangar-quit-saver.h"
#include "hangar-search-provider.h"
#include "hangar-window.h"

struct _HangarApplication
{
  AdwApplication    parent_instance;

  GSettings        *settings;
  HangarConnection *connection;
  HangarCollection *collection;

  /* Machines being tried ("Try it"), by name: their creators can keep them. */
  GHashTable       *try_its;

  /* Ejects installation media after an install's first shutdown or reboot. */
  HangarInstallTracker *install_tracker;

  /* A machine to open (--open, or just created) once the collection lists it. */
  char             *pending_open;
  gboolean          pending_is_new;
  guint             pending_timeout;
  /* The machine to open, listed before its state was read. */
  HangarMachine    *pending_machine;
  gulong            pending_state_id;

  /* Saving the running machines before quitting ("on-quit" is "save"). */
  GtkWindow        *quit_saver;
  gboolean          saved_on_quit;

  /* Machines deleted in some window and waiting for their undo time (or for
   * libvirt to drop them): every window hides them. */
  GHashTable       *deleting;

  /* GNOME Shell's searches, on the app's D-Bus object. */
  HangarSearchProvider *search_provider;
};

enum {
  DELETING_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HangarApplication, hangar_application, ADW_TYPE_APPLICATION)

static HangarWindow *get_window (HangarApplication *self);

HangarApplication *
hangar_application_new (void)
{
  return g_object_new (HANGAR_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
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

/* `hangar FILE`: the assistant, prefilled (an ISO to install, a disk image
 * to import), in the primary instance. */
static void
hangar_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  HangarApplication *self = HANGAR_APPLICATION (app);
  HangarWindow *window = get_window (self);

  for (int i = 0; i < n_files; i++)
    hangar_window_new_machine (window, files[i]);
}

/* Saves the running machines if the setting says so; the saver quits when
 * they are done. Returns whether it runs. */
static gboolean
start_quit_saver (HangarApplication *self)
{
  g_autoptr(GPtrArray) machines = NULL;

  if (self->quit_saver != NULL)
    return TRUE;
  /* Once: machines the saver could not save stay running. */
  if (self->saved_on_quit)
    return FALSE;
  machines = hangar_quit_saver_machines_to_save (self);
  if (machines->len == 0)
    return FALSE;
  self->saved_on_quit = TRUE;
  self->quit_saver = hangar_quit_saver_run (self, machines);
  g_object_add_weak_pointer (G_OBJECT (self->quit_saver), (gpointer *) &self->quit_saver);
  return TRUE;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  HangarApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  hangar_quit_saver_notify_left_running (self);
  if (!start_quit_saver (self))
    {
      g_application_quit (G_APPLICATION (self));
      return;
    }
  /* Only the saver's progress stays. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    if (l->data != (gpointer) self->quit_saver)
      gtk_window_destroy (l->data);
}

/* The last window closing quits the application: that is a quit too. */
static void
hangar_application_window_removed (GtkApplication *app,
                                   GtkWindow      *window)
{
  HangarApplication *self = HANGAR_APPLICATION (app);
  GList *windows = gtk_application_get_windows (app);

  if (windows != NULL && windows->data == (gpointer) window && windows->next == NULL &&
      window != self->quit_saver)
    {
      hangar_quit_saver_notify_left_running (self);
      start_quit_saver (self);
    }

  GTK_APPLICATION_CLASS (hangar_application_parent_class)->window_removed (app, window);
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

static HangarWindow *
get_window (HangarApplication *self)
{
  GtkWindow *window = NULL;

  /* The most recently focused main window (an assistant may be active). */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (HANGAR_IS_WINDOW (l->data))
      {
        window = l->data;
        break;
      }
  if (window == NULL)
    window = GTK_WINDOW (hangar_window_new (self));
  gtk_window_present (window);
  return HANGAR_WINDOW (window);
}

static void
start_for_open_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HangarApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_machine_run_finish (HANGAR_MACHINE (object), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot start “%s”: %s"),
                                                  hangar_machine_get_name (HANGAR_MACHINE (object)),
                                                  error->message);
      hangar_window_add_toast (get_window (self), message);
    }
}

static void
pending_cleaned (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HangarApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) messages = hangar_pending_clean_finish (result, &error);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (error != NULL)
    g_warning ("Cannot look for half-made machines: %s", error->message);
  for (guint i = 0; messages != NULL && messages[i] != NULL; i++)
    {
      g_message ("%s", messages[i]);
      if (HANGAR_IS_WINDOW (window))
        hangar_window_add_toast (HANGAR_WINDOW (window), messages[i]);
    }
}

/* Each time the connection opens: what an interrupted Hangar or hangarctl
 * left half-made is removed, and a toast says so. */
static void
clean_pending (HangarApplication *self)
{
  if (hangar_connection_get_state (self->connection) != HANGAR_CONNECTION_CONNECTED)
    return;
  hangar_pending_clean_async (self->connection, NULL, pending_cleaned, g_object_ref (self));
}

static void try_pending_open (HangarApplication *self);

static void
clear_pending_machine (HangarApplication *self)
{
  if (self->pending_machine != NULL)
    g_clear_signal_handler (&self->pending_state_id, self->pending_machine);
  g_clear_object (&self->pending_machine);
}

/* Waits for @machine's state: the collection lists a machine before its
 * state is read, and whether to start it depends on that state. */
static void
wait_pending_state (HangarApplication *self,
                    HangarMachine     *machine)
{
  if (self->pending_machine == machine)
    return;
  clear_pending_machine (self);
  self->pending_machine = g_object_ref (machine);
  self->pending_state_id = g_signal_connect_swapped (machine, "notify::state",
                                                     G_CALLBACK (try_pending_open), self);
}

/* Opens the pending machine once the connection has listed the machines and
 * the machine's state is known: its display, and a start only where the
 * state allows one (a running machine is shown as it is). */
static void
try_pending_open (HangarApplication *self)
{
  HangarMachine *machine;
  HangarWindow *window;

  if (self->pending_open == NULL ||
      hangar_connection_get_state (self->connection) != HANGAR_CONNECTION_CONNECTED)
    return;

  window = get_window (self);
  machine = hangar_collection_find_by_name (self->collection, self->pending_open);
  if (machine == NULL)
    machine = hangar_collection_find_by_uuid (self->collection, self->pending_open);

  if (machine == NULL && self->pending_is_new)
    return; /* created a moment ago: the collection lists it soon */

  if (machine != NULL && !self->pending_is_new &&
      hangar_machine_get_state (machine) == HANGAR_MACHINE_STATE_UNKNOWN &&
      !hangar_machine_is_gone (machine))
    {
      wait_pending_state (self, machine);
      return;
    }
  clear_pending_machine (self);

  if (machine == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no machine called “%s”"),
                                                  self->pending_open);
      hangar_window_add_toast (window, message);
    }
  else
    {
      HangarMachine *shown = hangar_display_page_get_machine (hangar_window_get_display_page (window));

      /* Another machine on display there stays: this one gets a window of
       * its own. */
      if (shown != NULL && shown != machine)
        hangar_application_open_in_new_window (self, machine);
      else
        hangar_window_open_machine (window, machine);
      /* A machine just created was started by its creator: its state may
       * not have been read yet, but it runs. */
      gboolean start = !self->pending_is_new &&
                       hangar_machine_can_run (machine, HANGAR_MACHINE_ACTION_START);

      g_debug ("Opening “%s”: %s (%s)", hangar_machine_get_name (machine),
               start ? "starting it" : "leaving it as it is",
               hangar_machine_state_to_nick (hangar_machine_get_state (machine)));
      if (start)
        hangar_machine_run_async (machine, HANGAR_MACHINE_ACTION_START,
                                  HANGAR_MACHINE_ACTION_DEFAULT_TIMEOUT, NULL, start_for_open_done,
                                  g_object_ref (self));
    }
  g_clear_pointer (&self->pending_open, g_free);
  self->pending_is_new = FALSE;
  g_clear_handle_id (&self->pending_timeout, g_source_remove);
}

static gboolean
pending_timeout (gpointer user_data)
{
  HangarApplication *self = user_data;

  self->pending_timeout = 0;
  self->pending_is_new = FALSE;
  try_pending_open (self);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  HangarVmCreator *creator;
  gboolean         listed;   /* seen in the collection */
} TryIt;

static void
try_it_free (gpointer data)
{
  TryIt *try_it = data;

  g_clear_object (&try_it->creator);
  g_free (try_it);
}

/* A machine tried goes away when it stops: forget its creator then. */
static void
prune_try_its (HangarApplication *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->try_its);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TryIt *try_it = value;

      if (hangar_collection_find_by_name (self->collection, key) != NULL)
        try_it->listed = TRUE;
      else if (try_it->listed)
        g_hash_table_iter_remove (&iter);
    }
}

/**
 * hangar_application_adopt_try_it:
 * @creator: the creator of a running "Try it" machine
 *
 * Keeps @creator while its machine runs, so the user can keep the machine.
 */
void
hangar_application_adopt_try_it (HangarApplication *self,
                                 HangarVmCreator   *creator)
{
  TryIt *try_it;

  g_return_if_fail (HANGAR_IS_APPLICATION (self));
  g_return_if_fail (HANGAR_IS_VM_CREATOR (creator));
  g_return_if_fail (hangar_vm_creator_get_name (creator) != NULL);

  try_it = g_new0 (TryIt, 1);
  try_it->creator = g_object_ref (creator);
  g_hash_table_replace (self->try_its, g_strdup (hangar_vm_creator_get_name (creator)), try_it);
}

/**
 * hangar_application_get_try_it:
 *
 * Returns: (transfer none) (nullable): the creator of @name when it is a
 *   machine being tried
 */
HangarVmCreator *
hangar_application_get_try_it (HangarApplication *self,
                               const char        *name)
{
  TryIt *try_it;

  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), NULL);

  try_it = name != NULL ? g_hash_table_lookup (self->try_its, name) : NULL;
  return try_it != NULL ? try_it->creator : NULL;
}

/**
 * hangar_application_forget_try_it:
 *
 * @name is kept, or gone: no longer a machine being tried.
 */
void
hangar_application_forget_try_it (HangarApplication *self,
                                  const char        *name)
{
  g_return_if_fail (HANGAR_IS_APPLICATION (self));

  g_hash_table_remove (self->try_its, name);
}

/**
 * hangar_application_open_new_machine:
 * @name: a machine just created
 *
 * Opens @name's display as soon as the collection lists it (libvirt's event
 * may come a moment after the creation returns).
 */
void
hangar_application_open_new_machine (HangarApplication *self,
                                     const char        *name)
{
  g_return_if_fail (HANGAR_IS_APPLICATION (self));
  g_return_if_fail (name != NULL);

  g_free (self->pending_open);
  self->pending_open = g_strdup (name);
  self->pending_is_new = TRUE;
  g_clear_handle_id (&self->pending_timeout, g_source_remove);
  self->pending_timeout = g_timeout_add_seconds (10, pending_timeout, self);
  try_pending_open (self);
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  HangarApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (hangar_window_new (self)));
}

static void
on_deleting_gone (HangarMachine     *machine,
                  GParamSpec        *pspec,
                  HangarApplication *self)
{
  hangar_application_set_deleting (self, machine, FALSE);
}

/**
 * hangar_application_set_deleting:
 * @self: a #HangarApplication
 * @machine: a machine of the collection
 * @deleting: whether it is being deleted
 *
 * Says that @machine was deleted in a window (it waits for its undo time, or
 * for libvirt to drop it), or that the deletion was undone or failed. Every
 * window hides the machines being deleted. A machine stops being deleted by
 * itself when it is gone (hangar_machine_is_gone()).
 */
void
hangar_application_set_deleting (HangarApplication *self,
                                 HangarMachine     *machine,
                                 gboolean           deleting)
{
  g_return_if_fail (HANGAR_IS_APPLICATION (self));
  g_return_if_fail (HANGAR_IS_MACHINE (machine));

  if (deleting == g_hash_table_contains (self->deleting, machine))
    return;
  if (deleting)
    {
      g_hash_table_add (self->deleting, g_object_ref (machine));
      g_signal_connect_object (machine, "notify::gone", G_CALLBACK (on_deleting_gone), self, 0);
    }
  else
    {
      g_signal_handlers_disconnect_by_func (machine, on_deleting_gone, self);
      /* Held until the signal is out. */
      g_hash_table_steal (self->deleting, machine);
    }
  g_signal_emit (self, signals[DELETING_CHANGED], 0, machine);
  if (!deleting)
    g_object_unref (machine);
}

gboolean
hangar_application_is_deleting (HangarApplication *self,
                                HangarMachine     *machine)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), FALSE);

  return g_hash_table_contains (self->deleting, machine);
}

/**
 * hangar_application_find_display:
 * @self: a #HangarApplication
 * @machine: a machine
 *
 * Returns: (transfer none) (nullable): the window whose display page shows
 *   @machine: a guest's display shows in one window at a time
 */
HangarWindow *
hangar_application_find_display (HangarApplication *self,
                                 HangarMachine     *machine)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (HANGAR_IS_WINDOW (l->data) &&
        hangar_display_page_get_machine (hangar_window_get_display_page (l->data)) == machine)
      return l->data;
  return NULL;
}

/**
 * hangar_application_open_in_new_window:
 * @self: a #HangarApplication
 * @machine: a machine of the collection
 *
 * Shows @machine's display in a new window; or, when a window shows it
 * already, brings that one forward.
 */
void
hangar_application_open_in_new_window (HangarApplication *self,
                                       HangarMachine     *machine)
{
  HangarWindow *window;

  g_return_if_fail (HANGAR_IS_APPLICATION (self));
  g_return_if_fail (HANGAR_IS_MACHINE (machine));

  window = hangar_application_find_display (self, machine);
  if (window == NULL)
    {
      window = hangar_window_new (self);
      hangar_window_open_machine (window, machine);
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
open_machine_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  HangarApplication *self = user_data;

  g_free (self->pending_open);
  self->pending_open = g_variant_dup_string (parameter, NULL);
  get_window (self);
  try_pending_open (self);
}

/* app.open-in-new-window('UUID'): a machine's display in a window of its own. */
static void
open_in_new_window_action (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  HangarApplication *self = user_data;
  HangarMachine *machine = hangar_collection_find_by_uuid (self->collection,
                                                           g_variant_get_string (parameter, NULL));

  if (machine != NULL)
    hangar_application_open_in_new_window (self, machine);
}

static const GActionEntry app_actions[] = {
  { "open-machine", open_machine_action, "s" },
  { "open-in-new-window", open_in_new_window_action, "s" },
  { "new-window", new_window_action },
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "help", help_action },
  { "about", about_action },
};

static void
on_install_finished (HangarApplication *self,
                     const char        *uuid,
                     const char        *name,
                     gboolean           restarted)
{
  g_autofree char *message = NULL;

  if (restarted)
    /* Translators: %s is a machine's name */
    message = g_strdup_printf (_("“%s” is installed and starts from its disk now"), name);
  else
    message = g_strdup_printf (_("“%s” is installed; it will start from its disk"), name);
  hangar_window_add_toast (get_window (self), message);
}

static void
hangar_application_startup (GApplication *app)
{
  HangarApplication *self = HANGAR_APPLICATION (app);
  g_autoptr(GError) error = NULL;
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
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new-window",
                                         (const char *[]) { "<Control><Shift>n", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close",
                                         (const char *[]) { "<Control>w", NULL });

  self->settings = g_settings_new (APPLICATION_ID);

  if (!hangar_libvirt_init (&error))
    g_critical ("Cannot initialise libvirt: %s", error->message);

  uri = hangar_connection_configured_uri (self->settings);
  self->connection = hangar_connection_new (uri);
  hangar_connection_set_auto_reconnect (self->connection, TRUE);
  self->collection = hangar_collection_new (self->connection);
  self->install_tracker = hangar_install_tracker_new (self->connection);
  g_signal_connect_object (self->install_tracker, "install-finished",
                           G_CALLBACK (on_install_finished), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::state", G_CALLBACK (try_pending_open),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::state", G_CALLBACK (clean_pending),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->collection, "items-changed", G_CALLBACK (try_pending_open),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->collection, "items-changed", G_CALLBACK (prune_try_its),
                           self, G_CONNECT_SWAPPED);

  hangar_application_reconnect (self);
}

static void
hangar_application_shutdown (GApplication *app)
{
  HangarApplication *self = HANGAR_APPLICATION (app);

  g_clear_object (&self->install_tracker);
  if (self->connection != NULL)
    hangar_connection_close (self->connection);

  G_APPLICATION_CLASS (hangar_application_parent_class)->shutdown (app);
}

static void
hangar_application_finalize (GObject *object)
{
  HangarApplication *self = HANGAR_APPLICATION (object);

  g_clear_object (&self->search_provider);
  g_clear_object (&self->install_tracker);
  g_clear_pointer (&self->try_its, g_hash_table_unref);
  g_clear_pointer (&self->deleting, g_hash_table_unref);
  g_clear_object (&self->collection);
  g_clear_object (&self->connection);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->pending_open, g_free);
  g_clear_handle_id (&self->pending_timeout, g_source_remove);
  clear_pending_machine (self);

  G_OBJECT_CLASS (hangar_application_parent_class)->finalize (object);
}

/* Runs @action in the primary instance, this one or the one running already,
 * so that `hangar --open NAME` and `hangar --new-window` (a desktop shortcut,
 * the launcher's New Window) work either way. */
static int
run_in_primary (GApplication *app,
                const char   *action,
                GVariant     *parameter)
{
  g_autoptr(GError) error = NULL;

  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_action_group_activate_action (G_ACTION_GROUP (app), action, parameter);
  if (g_application_get_is_remote (app))
    return 0;
  /* This is the primary instance: the action has its window; keep running. */
  g_application_hold (app);
  g_application_release (app);
  return -1;
}

static int
hangar_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  const char *name = NULL;

  if (g_variant_dict_contains (options, "new-window"))
    return run_in_primary (app, "new-window", NULL);
  if (g_variant_dict_lookup (options, "open", "&s", &name))
    return run_in_primary (app, "open-machine", g_variant_new_string (name));
  return -1;
}

static gboolean
hangar_application_dbus_register (GApplication     *app,
                                  GDBusConnection  *connection,
                                  const char       *object_path,
                                  GError          **error)
{
  HangarApplication *self = HANGAR_APPLICATION (app);

  if (!G_APPLICATION_CLASS (hangar_application_parent_class)->dbus_register (app, connection,
                                                                           object_path, error))
    return FALSE;

  if (self->search_provider == NULL)
    self->search_provider = hangar_search_provider_new (self);
  return hangar_search_provider_export (self->search_provider, connection, object_path, error);
}

static void
hangar_application_dbus_unregister (GApplication    *app,
                                    GDBusConnection *connection,
                                    const char      *object_path)
{
  HangarApplication *self = HANGAR_APPLICATION (app);

  if (self->search_provider != NULL)
    hangar_search_provider_unexport (self->search_provider);

  G_APPLICATION_CLASS (hangar_application_parent_class)->dbus_unregister (app, connection,
                                                                        object_path);
}

static void
hangar_application_class_init (HangarApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->finalize = hangar_application_finalize;

  app_class->activate = hangar_application_activate;
  app_class->open = hangar_application_open;
  app_class->startup = hangar_application_startup;
  app_class->shutdown = hangar_application_shutdown;
  app_class->handle_local_options = hangar_application_handle_local_options;
  app_class->dbus_register = hangar_application_dbus_register;
  app_class->dbus_unregister = hangar_application_dbus_unregister;
  gtk_app_class->window_removed = hangar_application_window_removed;

  /**
   * HangarApplication::deleting-changed:
   * @machine: the machine
   *
   * @machine started or stopped being deleted
   * (hangar_application_set_deleting()).
   */
  signals[DELETING_CHANGED] =
    g_signal_new ("deleting-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HANGAR_TYPE_MACHINE);
}

static void
hangar_application_init (HangarApplication *self)
{
  static const GOptionEntry entries[] = {
    { "open", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
      N_("Open the display of the machine NAME (or UUID), starting it if needed"), N_("NAME") },
    { "new-window", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Open a new window"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);

  self->try_its = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, try_it_free);
  self->deleting = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}
