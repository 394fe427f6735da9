/* hangar-search-provider.c
 *
 * GNOME Shell's search provider (org.gnome.Shell.SearchProvider2) on the
 * application's D-Bus object: machines whose name or OS match every term,
 * answered from the collection the app already holds (a search that comes
 * while the app is still connecting waits for the list a bounded time), with
 * their OS and state; activating one opens it as `hangar --open` does
 * (app.open-machine, which starts a stopped machine); Search in the app
 * opens a window with the terms in its search bar. Nothing here opens a
 * display or starts a machine until the user activates a result.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-search-provider"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-machine.h"
#include "hangar-search-provider.h"
#include "hangar-shell-search-provider.h"
#include "hangar-window.h"

struct _HangarSearchProvider
{
  GObject                     parent_instance;

  HangarApplication          *application;   /* unowned: it owns us */
  HangarShellSearchProvider2 *skeleton;
};

G_DEFINE_FINAL_TYPE (HangarSearchProvider, hangar_search_provider, G_TYPE_OBJECT)

/**
 * hangar_search_provider_find:
 * @collection: the machines
 * @terms: what the user typed, split into words
 * @among: (nullable): UUIDs to search among (a narrower search), or %NULL
 *
 * Returns: (transfer full) (element-type utf8): the UUIDs of the machines
 *   (of @among) whose name or OS matches every term, in the collection's order
 */
GPtrArray *
hangar_search_provider_find (HangarCollection   *collection,
                             const char * const *terms,
                             const char * const *among)
{
  GListModel *model = G_LIST_MODEL (collection);
  g_autoptr(GPtrArray) folded = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *results = g_ptr_array_new_with_free_func (g_free);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; terms != NULL && terms[i] != NULL; i++)
    if (*terms[i] != '\0')
      g_ptr_array_add (folded, hangar_machine_fold_search_text (terms[i]));
  if (folded->len == 0)
    return results;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (model, i);
      const char *uuid = hangar_machine_get_uuid (machine);
      gboolean all = TRUE;

      if (hangar_machine_is_gone (machine) ||
          (among != NULL && !g_strv_contains (among, uuid)))
        continue;
      for (guint j = 0; all && j < folded->len; j++)
        all = hangar_machine_matches_search (machine, g_ptr_array_index (folded, j));
      if (all)
        g_ptr_array_add (results, g_strdup (uuid));
    }
  return results;
}

/* A search waiting for the collection ******************************/

typedef struct
{
  HangarSearchProvider  *self;
  GDBusMethodInvocation *invocation;
  char                 **terms;
  char                 **among;
  gboolean               subsearch;
  gulong                 handler;
  guint                  timeout;
} Search;

static void
search_answer (Search *search)
{
  HangarCollection *collection = hangar_application_get_collection (search->self->application);
  g_autoptr(GPtrArray) results = NULL;

  g_clear_signal_handler (&search->handler,
                          hangar_application_get_connection (search->self->application));
  g_clear_handle_id (&search->timeout, g_source_remove);

  results = collection != NULL
              ? hangar_search_provider_find (collection, (const char * const *) search->terms,
                                             (const char * const *) search->among)
              : g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (results, NULL);
  if (search->subsearch)
    hangar_shell_search_provider2_complete_get_subsearch_result_set (
      search->self->skeleton, search->invocation, (const char * const *) results->pdata);
  else
    hangar_shell_search_provider2_complete_get_initial_result_set (
      search->self->skeleton, search->invocation, (const char * const *) results->pdata);

  g_application_release (G_APPLICATION (search->self->application));
  g_object_unref (search->self);
  g_strfreev (search->terms);
  g_strfreev (search->among);
  g_free (search);
}

static gboolean
search_timed_out (gpointer data)
{
  Search *search = data;

  search->timeout = 0;
  search_answer (search);
  return G_SOURCE_REMOVE;
}

static void
on_connection_state (HangarConnection *connection,
                     GParamSpec       *pspec,
                     Search           *search)
{
  if (hangar_connection_get_state (connection) == HANGAR_CONNECTION_CONNECTED)
    search_answer (search);
}

static void
search (HangarSearchProvider  *self,
        GDBusMethodInvocation *invocation,
        const char * const    *terms,
        const char * const    *among,
        gboolean               subsearch)
{
  HangarConnection *connection = hangar_application_get_connection (self->application);
  Search *search = g_new0 (Search, 1);

  /* A service started for the search stays while it answers. */
  g_application_hold (G_APPLICATION (self->application));
  search->self = g_object_ref (self);
  search->invocation = invocation;
  search->terms = g_strdupv ((char **) terms);
  search->among = g_strdupv ((char **) among);
  search->subsearch = subsearch;

  /* Connecting lists the machines with the connection: until then the
   * answer waits, but never long (the shell does not wait either). */
  if (connection != NULL &&
      hangar_connection_get_state (connection) == HANGAR_CONNECTION_CONNECTING)
    {
      search->handler = g_signal_connect (connection, "notify::state",
                                          G_CALLBACK (on_connection_state), search);
      search->timeout = g_timeout_add (HANGAR_SEARCH_PROVIDER_WAIT_MS, search_timed_out, search);
      return;
    }
  search_answer (search);
}

static gboolean
handle_initial (HangarSearchProvider  *self,
                GDBusMethodInvocation *invocation,
                const char * const    *terms)
{
  search (self, invocation, terms, NULL, FALSE);
  return TRUE;
}

static gboolean
handle_subsearch (HangarSearchProvider  *self,
                  GDBusMethodInvocation *invocation,
                  const char * const    *previous,
                  const char * const    *terms)
{
  search (self, invocation, terms, previous, TRUE);
  return TRUE;
}

static gboolean
handle_metas (HangarSearchProvider  *self,
              GDBusMethodInvocation *invocation,
              const char * const    *identifiers)
{
  HangarCollection *collection = hangar_application_get_collection (self->application);
  g_auto(GVariantBuilder) metas = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aa{sv}"));
  g_autoptr(GIcon) icon = g_themed_icon_new_with_default_fallbacks ("computer");

  for (guint i = 0; identifiers != NULL && identifiers[i] != NULL; i++)
    {
      HangarMachine *machine = collection != NULL
                                 ? hangar_collection_find_by_uuid (collection, identifiers[i])
                                 : NULL;
      g_auto(GVariantBuilder) meta = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{sv}"));
      g_autofree char *description = NULL;
      const char *os;
      const char *state;

      if (machine == NULL)
        continue;
      os = hangar_machine_get_os_name (machine);
      state = hangar_machine_state_to_label (hangar_machine_get_state (machine));
      /* Translators: a search result's description: “Fedora 37 — Running” */
      description = os != NULL && *os != '\0' ? g_strdup_printf (_("%s — %s"), os, state)
                                              : g_strdup (state);
      g_variant_builder_add (&meta, "{sv}", "id", g_variant_new_string (identifiers[i]));
      g_variant_builder_add (&meta, "{sv}", "name",
                             g_variant_new_string (hangar_machine_get_name (machine)));
      g_variant_builder_add (&meta, "{sv}", "description", g_variant_new_string (description));
      g_variant_builder_add (&meta, "{sv}", "icon", g_icon_serialize (icon));
      g_variant_builder_add_value (&metas, g_variant_builder_end (&meta));
    }
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(aa{sv})", &metas));
  return TRUE;
}

static gboolean
handle_activate (HangarSearchProvider  *self,
                 GDBusMethodInvocation *invocation,
                 const char            *identifier,
                 const char * const    *terms,
                 guint                  timestamp)
{
  /* The same way as `hangar --open`: a stopped machine starts. */
  g_action_group_activate_action (G_ACTION_GROUP (self->application), "open-machine",
                                  g_variant_new_string (identifier));
  hangar_shell_search_provider2_complete_activate_result (self->skeleton, invocation);
  return TRUE;
}

static gboolean
handle_launch (HangarSearchProvider  *self,
               GDBusMethodInvocation *invocation,
               const char * const    *terms,
               guint                  timestamp)
{
  g_autofree char *text = g_strjoinv (" ", (char **) terms);
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self->application));
  window = gtk_application_get_active_window (GTK_APPLICATION (self->application));
  if (HANGAR_IS_WINDOW (window))
    {
      hangar_window_set_search_text (HANGAR_WINDOW (window), text);
      gtk_window_present_with_time (window, timestamp);
    }
  hangar_shell_search_provider2_complete_launch_search (self->skeleton, invocation);
  return TRUE;
}

static void
hangar_search_provider_dispose (GObject *object)
{
  HangarSearchProvider *self = HANGAR_SEARCH_PROVIDER (object);

  hangar_search_provider_unexport (self);
  g_clear_object (&self->skeleton);

  G_OBJECT_CLASS (hangar_search_provider_parent_class)->dispose (object);
}

static void
hangar_search_provider_class_init (HangarSearchProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hangar_search_provider_dispose;
}

static void
hangar_search_provider_init (HangarSearchProvider *self)
{
  self->skeleton = hangar_shell_search_provider2_skeleton_new ();
  g_signal_connect_swapped (self->skeleton, "handle-get-initial-result-set",
                            G_CALLBACK (handle_initial), self);
  g_signal_connect_swapped (self->skeleton, "handle-get-subsearch-result-set",
                            G_CALLBACK (handle_subsearch), self);
  g_signal_connect_swapped (self->skeleton, "handle-get-result-metas",
                            G_CALLBACK (handle_metas), self);
  g_signal_connect_swapped (self->skeleton, "handle-activate-result",
                            G_CALLBACK (handle_activate), self);
  g_signal_connect_swapped (self->skeleton, "handle-launch-search",
                            G_CALLBACK (handle_launch), self);
}

/**
 * hangar_search_provider_new:
 * @application: the application whose machines are searched; it owns the
 *   provider
 *
 * Returns: (transfer full): a provider, to export
 */
HangarSearchProvider *
hangar_search_provider_new (HangarApplication *application)
{
  HangarSearchProvider *self;

  g_return_val_if_fail (HANGAR_IS_APPLICATION (application), NULL);

  self = g_object_new (HANGAR_TYPE_SEARCH_PROVIDER, NULL);
  self->application = application;
  return self;
}

/**
 * hangar_search_provider_export:
 * @app_object_path: the application's object path; the provider goes
 *   under it, at `/SearchProvider`, as the search provider's .ini says
 */
gboolean
hangar_search_provider_export (HangarSearchProvider  *self,
                               GDBusConnection       *connection,
                               const char            *app_object_path,
                               GError               **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (HANGAR_IS_SEARCH_PROVIDER (self), FALSE);

  path = g_strconcat (app_object_path, "/SearchProvider", NULL);
  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                           path, error);
}

void
hangar_search_provider_unexport (HangarSearchProvider *self)
{
  g_return_if_fail (HANGAR_IS_SEARCH_PROVIDER (self));

  if (self->skeleton != NULL &&
      g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton)))
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
}
