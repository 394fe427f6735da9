/* test-connection.c
 *
 * HangarConnection: which URI Hangar opens (HANGAR_URI, else the
 * connection-uri setting, else qemu:///session), and opening and closing
 * one on libvirt's in-process test driver. No daemon.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-test-utils.h"

#define TEST_URI "test:///default"
#define TIMEOUT_S 10

/* Sets HANGAR_URI for one case, and puts back what the process had. */
typedef struct
{
  char *saved;
} UriFixture;

static void
uri_fixture_setup (UriFixture    *fixture,
                   gconstpointer  data)
{
  fixture->saved = g_strdup (g_getenv ("HANGAR_URI"));
}

static void
uri_fixture_teardown (UriFixture    *fixture,
                      gconstpointer  data)
{
  if (fixture->saved != NULL)
    g_setenv ("HANGAR_URI", fixture->saved, TRUE);
  else
    g_unsetenv ("HANGAR_URI");
  g_clear_pointer (&fixture->saved, g_free);
}

static void
set_env_uri (const char *uri)
{
  if (uri != NULL)
    g_setenv ("HANGAR_URI", uri, TRUE);
  else
    g_unsetenv ("HANGAR_URI");
}

static const struct
{
  const char *env;          /* NULL: unset */
  const char *configured;   /* the setting; NULL: no settings (hangarctl without the schema) */
  const char *uri;
} uri_cases[] = {
  { NULL, NULL, HANGAR_DEFAULT_URI },
  { NULL, "", HANGAR_DEFAULT_URI },
  { "", "", HANGAR_DEFAULT_URI },
  { NULL, "qemu:///system", "qemu:///system" },
  { "", "qemu:///system", "qemu:///system" },    /* an empty variable is no value */
  { "test:///default", "qemu:///system", "test:///default" },
  { "test:///default", NULL, "test:///default" },
  { "test:///default", "", "test:///default" },
  { "qemu+ssh://host/session", "qemu:///system", "qemu+ssh://host/session" },
};

static void
test_resolve_uri (UriFixture    *fixture,
                  gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (uri_cases); i++)
    {
      g_autofree char *uri = NULL;

      set_env_uri (uri_cases[i].env);
      uri = hangar_connection_resolve_uri (uri_cases[i].configured);
      g_assert_cmpstr (uri, ==, uri_cases[i].uri);
    }
}

/* The app's setting, as the app and hangarctl read it (GSettings' memory
 * backend and the schema of this build, from the test environment). */
static void
test_setting (UriFixture    *fixture,
              gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *configured = NULL;
  g_autofree char *uri = NULL;

  /* The schema's default and the code's agree. */
  set_env_uri (NULL);
  configured = g_settings_get_string (settings, "connection-uri");
  g_assert_cmpstr (configured, ==, HANGAR_DEFAULT_URI);
  uri = hangar_connection_resolve_uri (configured);
  g_assert_cmpstr (uri, ==, HANGAR_DEFAULT_URI);

  g_assert_true (g_settings_set_string (settings, "connection-uri", "qemu:///system"));
  g_clear_pointer (&configured, g_free);
  g_clear_pointer (&uri, g_free);
  configured = g_settings_get_string (settings, "connection-uri");
  uri = hangar_connection_resolve_uri (configured);
  g_assert_cmpstr (uri, ==, "qemu:///system");

  /* The environment wins over the setting. */
  set_env_uri (TEST_URI);
  g_clear_pointer (&uri, g_free);
  uri = hangar_connection_resolve_uri (configured);
  g_assert_cmpstr (uri, ==, TEST_URI);

  g_settings_reset (settings, "connection-uri");
}

/* Every state the connection goes through, space-separated. */
static void
on_state (HangarConnection *connection,
          GParamSpec       *pspec,
          GString          *states)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (HANGAR_TYPE_CONNECTION_STATE);
  GEnumValue *value = g_enum_get_value (klass, hangar_connection_get_state (connection));

  g_string_append_printf (states, "%s%s", states->len > 0 ? " " : "", value->value_nick);
}

static void
test_open_close (void)
{
  HangarConnection *connection = hangar_connection_new (TEST_URI);
  g_autoptr(GString) states = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GVirConnection *gvir;

  g_assert_cmpstr (hangar_connection_get_uri (connection), ==, TEST_URI);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_DISCONNECTED);
  g_assert_null (hangar_connection_get_gvir (connection));
  g_assert_null (hangar_connection_get_error (connection));
  g_signal_connect (connection, "notify::state", G_CALLBACK (on_state), states);

  hangar_connection_open_async (connection, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_connection_open_finish (connection, hangar_test_await (), &error));
  g_assert_no_error (error);
  hangar_test_async_clear ();
  g_assert_cmpstr (states->str, ==, "connecting connected");
  gvir = hangar_connection_get_gvir (connection);
  g_assert_nonnull (gvir);
  g_assert_cmpstr (gvir_connection_get_uri (gvir), ==, TEST_URI);
  g_assert_true (gvir_connection_is_open (gvir));
  g_assert_null (hangar_connection_get_error (connection));

  /* Closed on purpose: no error, nothing left open. */
  hangar_connection_close (connection);
  g_assert_cmpstr (states->str, ==, "connecting connected disconnected");
  g_assert_null (hangar_connection_get_gvir (connection));
  g_assert_null (hangar_connection_get_error (connection));
  g_signal_handlers_disconnect_by_data (connection, states);
  hangar_test_assert_finalized_eventually (connection, TIMEOUT_S);
}

static void
test_open_failure (void)
{
  g_autoptr(HangarConnection) connection = hangar_connection_new ("test:///nonexistent/hangar.xml");
  g_autoptr(HangarCollection) collection = hangar_collection_new (connection);
  g_autoptr(GError) error = NULL;
  const GError *state_error;

  hangar_connection_open_async (connection, NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_connection_open_finish (connection, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_OPEN);
  hangar_test_async_clear ();
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_FAILED);
  state_error = hangar_connection_get_error (connection);
  g_assert_error (state_error, HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_OPEN);
  g_assert_nonnull (strstr (state_error->message, "test:///nonexistent/hangar.xml"));
  g_assert_null (hangar_connection_get_gvir (connection));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (collection)), ==, 0);

  hangar_test_assert_finalized_eventually (g_steal_pointer (&collection), TIMEOUT_S);
  hangar_test_assert_finalized_eventually (g_steal_pointer (&connection), TIMEOUT_S);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_libvirt (&argc, &argv);

  g_test_add ("/hangar/connection/resolve-uri", UriFixture, NULL,
              uri_fixture_setup, test_resolve_uri, uri_fixture_teardown);
  g_test_add ("/hangar/connection/setting", UriFixture, NULL,
              uri_fixture_setup, test_setting, uri_fixture_teardown);
  g_test_add_func ("/hangar/connection/open-close", test_open_close);
  g_test_add_func ("/hangar/connection/open-failure", test_open_failure);

  return g_test_run ();
}
