/* test-search-provider.c
 *
 * GNOME Shell's search provider, driven through its real D-Bus interface
 * (org.gnome.Shell.SearchProvider2 on the app's object) as the shell calls
 * it, with the real app under Xvfb on an isolated libvirt session holding
 * 50 machines (Debian and Fedora, read from their libosinfo metadata):
 * results for names and OSes, narrower searches, metas with icons, a search
 * made while the app still connects, Search in the app, and a result
 * activated opening (and starting) its machine in the app. The answer time
 * for 50 machines is printed (not asserted: this is no timed test).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <libvirt/libvirt.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-display-page.h"
#include "hangar-machine.h"
#include "hangar-search-provider.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-window.h"

#define N_MACHINES 50
#define IFACE "org.gnome.Shell.SearchProvider2"

static const char domain_xml[] =
  "<domain type='qemu'>"
  "<name>%s</name>"
  "<metadata>"
  "<libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'>"
  "<libosinfo:os id='%s'/>"
  "</libosinfo:libosinfo>"
  "</metadata>"
  "<memory unit='MiB'>64</memory>"
  "<os><type arch='x86_64' machine='q35'>hvm</type></os>"
  "<devices><graphics type='spice'><listen type='none'/></graphics></devices>"
  "</domain>";

/* "Desk 01" … "Desk 50": even ones Fedora 37, odd ones Debian 11. */
static void
define_machines (void)
{
  virConnectPtr conn = hangar_test_session_conn ();

  for (guint i = 1; i <= N_MACHINES; i++)
    {
      g_autofree char *name = g_strdup_printf ("Desk %02u", i);
      g_autofree char *xml = g_strdup_printf (domain_xml, name,
                                              i % 2 == 0 ? "http://fedoraproject.org/fedora/37"
                                                         : "http://debian.org/debian/11");
      virDomainPtr domain = virDomainDefineXML (conn, xml);

      g_assert_nonnull (domain);
      virDomainFree (domain);
    }
}

typedef struct
{
  HangarApplication *app;
  HangarWindow      *window;
  GDBusConnection   *bus;
  char              *path;
} Fixture;

static gboolean
all_listed (gpointer data)
{
  return g_list_model_get_n_items (data) == N_MACHINES;
}

static void
fixture_set_up (Fixture  *f,
                gboolean  wait_connected)
{
  const char *app_path;

  define_machines ();
  f->app = wait_connected ? hangar_test_start_app (&f->window) : hangar_test_new_app (&f->window);
  f->bus = g_application_get_dbus_connection (G_APPLICATION (f->app));
  g_assert_nonnull (f->bus);
  app_path = g_application_get_dbus_object_path (G_APPLICATION (f->app));
  g_assert_nonnull (app_path);
  f->path = g_strconcat (app_path, "/SearchProvider", NULL);
  if (wait_connected)
    hangar_test_assert_eventually (all_listed, hangar_application_get_collection (f->app), 60,
                                   "the machines listed");
}

static void
fixture_tear_down (Fixture *f)
{
  g_free (f->path);
  hangar_test_stop_app (g_steal_pointer (&f->app), f->window);
}

/* Calls @method as the shell does (over the bus, to the app's unique name),
 * waiting for the answer while the app runs; the time it took in @elapsed_us. */
static GVariant *
call (Fixture    *f,
      const char *method,
      GVariant   *parameters,
      gint64     *elapsed_us)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;
  gint64 start = g_get_monotonic_time ();

  g_dbus_connection_call (f->bus, g_dbus_connection_get_unique_name (f->bus), f->path, IFACE,
                          method, parameters, NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL,
                          hangar_test_async_done, NULL);
  reply = g_dbus_connection_call_finish (f->bus, hangar_test_await (), &error);
  if (elapsed_us != NULL)
    *elapsed_us = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  return reply;
}

static GStrv
results (Fixture            *f,
         const char * const *terms,
         const char * const *previous)
{
  g_autoptr(GVariant) reply = NULL;
  GStrv found = NULL;

  if (previous == NULL)
    reply = call (f, "GetInitialResultSet", g_variant_new ("(^as)", terms), NULL);
  else
    reply = call (f, "GetSubsearchResultSet", g_variant_new ("(^as^as)", previous, terms), NULL);
  g_variant_get (reply, "(^as)", &found);
  return found;
}

static const char *
uuid_of (Fixture    *f,
         const char *name)
{
  HangarMachine *machine = hangar_collection_find_by_name (hangar_application_get_collection (f->app),
                                                           name);

  g_assert_nonnull (machine);
  return hangar_machine_get_uuid (machine);
}

static gboolean
os_read (gpointer data)
{
  Fixture *f = data;
  GListModel *model = G_LIST_MODEL (hangar_application_get_collection (f->app));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HangarMachine) machine = g_list_model_get_item (model, i);

      if (hangar_machine_get_os_name (machine) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Names and OSes, several terms, narrower searches and metas. */
static void
test_results (void)
{
  Fixture f = { 0 };
  g_auto(GStrv) desk_07 = NULL;
  g_auto(GStrv) fedora = NULL;
  g_auto(GStrv) narrower = NULL;
  g_auto(GStrv) none = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) metas = NULL;
  g_autoptr(GVariantDict) meta = NULL;
  g_autoptr(GVariant) icon_value = NULL;
  g_autoptr(GIcon) icon = NULL;
  const char *name = NULL;
  const char *description = NULL;
  const char *ids[] = { NULL, NULL };
  gint64 times[20];
  gint64 total = 0;

  fixture_set_up (&f, TRUE);
  hangar_test_assert_eventually (os_read, &f, 60, "every machine's OS read");

  /* The .ini GNOME Shell reads names this object and this app. */
  {
    g_autoptr(GKeyFile) ini = g_key_file_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *desktop_id = g_strconcat (APPLICATION_ID, ".desktop", NULL);
    g_autofree char *bus_name = NULL;
    g_autofree char *object_path = NULL;
    g_autofree char *desktop = NULL;

    g_assert_nonnull (g_getenv ("HANGAR_SEARCH_PROVIDER_INI"));
    g_assert_true (g_key_file_load_from_file (ini, g_getenv ("HANGAR_SEARCH_PROVIDER_INI"),
                                              G_KEY_FILE_NONE, &error));
    g_assert_no_error (error);
    bus_name = g_key_file_get_string (ini, "Shell Search Provider", "BusName", NULL);
    object_path = g_key_file_get_string (ini, "Shell Search Provider", "ObjectPath", NULL);
    desktop = g_key_file_get_string (ini, "Shell Search Provider", "DesktopId", NULL);
    g_assert_cmpstr (bus_name, ==, APPLICATION_ID);
    g_assert_cmpstr (object_path, ==, f.path);
    g_assert_cmpstr (desktop, ==, desktop_id);
    g_assert_cmpint (g_key_file_get_integer (ini, "Shell Search Provider", "Version", NULL), ==, 2);
  }

  /* A name, in two words and any case. */
  desk_07 = results (&f, (const char *[]) { "desk", "07", NULL }, NULL);
  g_assert_cmpuint (g_strv_length (desk_07), ==, 1);
  g_assert_cmpstr (desk_07[0], ==, uuid_of (&f, "Desk 07"));

  /* An OS: the 25 Fedora machines. */
  fedora = results (&f, (const char *[]) { "FEDORA", NULL }, NULL);
  g_assert_cmpuint (g_strv_length (fedora), ==, N_MACHINES / 2);
  for (guint i = 0; fedora[i] != NULL; i++)
    g_assert_cmpint (g_strv_contains ((const char * const *) fedora,
                                      uuid_of (&f, "Desk 02")), ==, TRUE);

  /* Narrower, among the previous results: Fedora ones with a 1 in the name
   * (Desk 10, 12, 14, 16, 18; the Debian 11 ones are not among them). */
  narrower = results (&f, (const char *[]) { "fedora", "1", NULL },
                      (const char * const *) fedora);
  g_assert_cmpuint (g_strv_length (narrower), ==, 5);
  for (guint i = 0; narrower[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char * const *) fedora, narrower[i]));
  g_assert_true (g_strv_contains ((const char * const *) narrower, uuid_of (&f, "Desk 14")));

  none = results (&f, (const char *[]) { "windows", NULL }, NULL);
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  /* Metas: name, OS and state, an icon the shell can load; unknown ids
   * are left out. */
  ids[0] = uuid_of (&f, "Desk 07");
  reply = call (&f, "GetResultMetas",
                g_variant_new ("(^as)", (const char *[]) { ids[0], "no-such-id", NULL }), NULL);
  metas = g_variant_get_child_value (reply, 0);
  g_assert_cmpuint (g_variant_n_children (metas), ==, 1);
  meta = g_variant_dict_new (g_variant_get_child_value (metas, 0));
  g_assert_true (g_variant_dict_lookup (meta, "name", "&s", &name));
  g_assert_cmpstr (name, ==, "Desk 07");
  g_assert_true (g_variant_dict_lookup (meta, "description", "&s", &description));
  g_test_message ("description: %s", description);
  g_assert_nonnull (strstr (description, "Debian"));
  g_assert_nonnull (strstr (description, "Stopped"));
  icon_value = g_variant_dict_lookup_value (meta, "icon", NULL);
  g_assert_nonnull (icon_value);
  icon = g_icon_deserialize (icon_value);
  g_assert_true (G_IS_ICON (icon));

  /* The answer time with 50 machines, as the shell sees it (over the bus). */
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autoptr(GVariant) r = call (&f, "GetInitialResultSet",
                                    g_variant_new ("(^as)", (const char *[]) { "fedora", NULL }),
                                    &times[i]);
      total += times[i];
    }
  {
    g_autoptr(GVariant) r = call (&f, "GetResultMetas",
                                  g_variant_new ("(^as)", (const char * const *) fedora), &times[0]);

    g_test_message ("GetResultMetas for 25 machines: %.2f ms", times[0] / 1000.0);
  }
  g_test_message ("GetInitialResultSet over 50 machines: %.2f ms on average over %u calls",
                  total / 1000.0 / G_N_ELEMENTS (times), (guint) G_N_ELEMENTS (times));
  {
    g_autoptr(GString) all = g_string_new (NULL);

    for (guint i = 1; i < G_N_ELEMENTS (times); i++)
      g_string_append_printf (all, " %.1f", times[i] / 1000.0);
    g_test_message ("each call, ms:%s", all->str);
  }
  {
    gint64 start = g_get_monotonic_time ();
    g_autoptr(GPtrArray) found = hangar_search_provider_find (
      hangar_application_get_collection (f.app), (const char *[]) { "fedora", NULL }, NULL);

    g_test_message ("the search itself: %.3f ms", (g_get_monotonic_time () - start) / 1000.0);
    g_assert_cmpuint (found->len, ==, N_MACHINES / 2);
  }

  fixture_tear_down (&f);
}

static gboolean
display_shows (gpointer data)
{
  Fixture *f = data;
  HangarDisplayPage *page = hangar_window_get_display_page (f->window);
  HangarMachine *machine = hangar_display_page_get_machine (page);

  return machine != NULL && g_strcmp0 (hangar_machine_get_name (machine), "Desk 02") == 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (page));
}

/* spice-client-glib warns when the guest's SPICE server closes a link it
 * was opening (the display connecting while QEMU starts or stops): said as
 * a test message, as test-assistant does; any other warning stays fatal. */
static gboolean
spice_link_cut (const char     *log_domain,
                GLogLevelFlags  log_level,
                const char     *message,
                gpointer        user_data)
{
  return !(g_strcmp0 (log_domain, "GSpice") == 0 && (log_level & G_LOG_LEVEL_WARNING) &&
           strstr (message, "incomplete link header") != NULL);
}

static void
say_spice_link_cut (const char     *log_domain,
                    GLogLevelFlags  log_level,
                    const char     *message,
                    gpointer        user_data)
{
  if (strstr (message, "incomplete link header") != NULL)
    g_test_message ("spice-client-glib: %s", message);
  else
    g_log_default_handler (log_domain, log_level, message, user_data);
}

/* A search made before the app is connected waits for the machines; then
 * Search in the app fills the window's search, and activating a result
 * opens its machine's display in the app and starts it (as `hangar --open`);
 * searching started nothing. */
static void
test_activate (void)
{
  Fixture f = { 0 };
  g_auto(GStrv) found = NULL;
  g_autoptr(GVariant) launched = NULL;
  g_autoptr(GVariant) activated = NULL;

  g_test_log_set_fatal_handler (spice_link_cut, NULL);
  g_log_set_handler ("GSpice", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL, say_spice_link_cut, NULL);
  fixture_set_up (&f, FALSE);
  found = results (&f, (const char *[]) { "desk", "02", NULL }, NULL);
  g_assert_cmpuint (g_strv_length (found), ==, 1);
  g_assert_cmpint (hangar_test_domain_state ("Desk 02"), ==, VIR_DOMAIN_SHUTOFF);
  g_assert_cmpstr (hangar_window_get_visible_page (f.window), !=, "display");

  launched = call (&f, "LaunchSearch",
                   g_variant_new ("(^asu)", (const char *[]) { "debian", NULL }, 0), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_window_get_machines (f.window)), ==,
                    N_MACHINES / 2);

  activated = call (&f, "ActivateResult",
                    g_variant_new ("(s^asu)", found[0], (const char *[]) { "desk", "02", NULL }, 0),
                    NULL);
  hangar_test_assert_eventually (display_shows, &f, 60, "Desk 02's display page");
  hangar_test_wait_machine_state (hangar_application_get_collection (f.app), "Desk 02",
                                  HANGAR_MACHINE_STATE_RUNNING, 60);
  g_assert_cmpint (hangar_test_domain_state ("Desk 03"), ==, VIR_DOMAIN_SHUTOFF);

  fixture_tear_down (&f);
  hangar_test_virsh ("destroy", "Desk 02", NULL);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/search-provider/results", test_results);
  g_test_add_func ("/hangar/search-provider/activate", test_activate);

  return g_test_run ();
}
