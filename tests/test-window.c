/* test-window.c
 *
 * The real main window under Xvfb, on libvirt's test driver: the collection,
 * empty and error states, dark style and the preferences, each saved as a
 * screenshot artifact.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-display-page.h"
#include "hangar-machine-card.h"
#include "hangar-machine-name.h"
#include "hangar-machine.h"
#include "hangar-name-dialog.h"
#include "hangar-preferences-window.h"
#include "hangar-test-guest.h"
#include "hangar-window-private.h"

/* The app on @uri; its window. */
static HangarApplication *
start_app (const char    *uri,
           HangarWindow **window)
{
  g_setenv ("HANGAR_URI", uri, TRUE);
  return hangar_test_new_app (window);
}

static void
wait_page (HangarWindow *window,
           const char   *page)
{
  hangar_test_wait_window_page (window, page, 15);
}

static void
wait_card (HangarWindow *window,
           const char   *name,
           const char   *state)
{
  hangar_test_wait_card_state (window, name, state, 15);
}

static void
assert_shows (HangarWindow *window,
              const char   *names)
{
  hangar_test_wait_shown (window, names, 15);
}

static void
test_collection_and_empty (void)
{
  HangarWindow *window;
  HangarApplication *app = start_app ("test:///default", &window);
  HangarCollection *collection;
  GVirDomain *domain;
  GtkWidget *card;

  wait_page (window, "collection");
  wait_card (window, "test", "Running");
  card = hangar_window_get_card (window, "test");
  g_assert_true (gtk_widget_get_mapped (card));
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "window-collection");

  /* Removing the last machine behind the app's back leaves the empty state. */
  collection = hangar_application_get_collection (app);
  domain = hangar_machine_get_domain (hangar_collection_find_by_name (collection, "test"));
  g_assert_true (gvir_domain_stop (domain, 0, NULL));
  g_assert_true (gvir_domain_delete (domain, 0, NULL));
  wait_page (window, "empty");
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "window-empty");

  hangar_test_stop_app (app, window);
}

static void
test_error_page (void)
{
  HangarWindow *window;
  HangarApplication *app = start_app ("test:///nonexistent/hangar.xml", &window);
  HangarConnection *connection = hangar_application_get_connection (app);
  HangarConnectionState state;
  const GError *error;

  wait_page (window, "error");
  /* The app retries on its own a second after a failure, and the error page
   * stays up meanwhile: on a loaded machine the retry may already be under
   * way here, so the page, not the instantaneous state, is what is checked. */
  state = hangar_connection_get_state (connection);
  g_assert_true (state == HANGAR_CONNECTION_FAILED || state == HANGAR_CONNECTION_CONNECTING);
  error = hangar_connection_get_error (connection);
  g_assert_error (error, HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "test:///nonexistent/hangar.xml"));
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "window-error");

  /* Retry goes through the real action and lands on the error page again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reconnect", NULL));
  wait_page (window, "error");

  hangar_test_stop_app (app, window);
}

static void
test_preferences (void)
{
  HangarWindow *window;
  HangarApplication *app = start_app ("test:///default", &window);
  GSettings *settings = hangar_application_get_settings (app);
  GtkWindow *preferences;
  GtkWidget *row;

  wait_page (window, "collection");
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);

  preferences = NULL;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_PREFERENCES_WINDOW (l->data))
      preferences = l->data;
  g_assert_nonnull (preferences);
  hangar_test_wait_frames (GTK_WIDGET (preferences), 2);

  /* The switch is bound to the setting both ways. */
  g_assert_false (g_settings_get_boolean (settings, "force-software-emulation"));
  row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                   HANGAR_TYPE_PREFERENCES_WINDOW,
                                                   "software_emulation_switch"));
  g_assert_nonnull (row);
  gtk_switch_set_active (GTK_SWITCH (row), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "force-software-emulation"));

  hangar_test_screenshot_both_styles (GTK_WIDGET (preferences), "preferences");
  gtk_window_destroy (preferences);
  g_settings_reset (settings, "force-software-emulation");

  hangar_test_stop_app (app, window);
}

static void
define_domain (HangarApplication *app,
               const char        *name)
{
  GVirConnection *gvir = hangar_connection_get_gvir (hangar_application_get_connection (app));

  g_object_unref (hangar_test_define_test_domain (gvir, name, NULL));
}

static void
test_search (void)
{
  HangarWindow *window;
  HangarApplication *app = start_app ("test:///default", &window);
  GtkSearchBar *search_bar;

  wait_page (window, "collection");
  define_domain (app, "VM 10");
  define_domain (app, "VM 2");
  define_domain (app, "alpha");

  /* Natural name order, case-insensitive. */
  assert_shows (window, "alpha,test,VM 2,VM 10");

  /* Ctrl+F's action opens the search bar. */
  search_bar = GTK_SEARCH_BAR (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                              HANGAR_TYPE_WINDOW, "search_bar"));
  g_assert_false (gtk_search_bar_get_search_mode (search_bar));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  g_assert_true (gtk_search_bar_get_search_mode (search_bar));

  /* Anywhere in the name, any case, in the shown order. */
  hangar_window_set_search_text (window, "vm");
  assert_shows (window, "VM 2,VM 10");
  wait_page (window, "collection");
  g_assert_null (hangar_window_get_card (window, "test"));
  hangar_window_set_search_text (window, "  ALP ");
  assert_shows (window, "alpha");
  hangar_window_set_search_text (window, "st");
  assert_shows (window, "test");
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "window-search");

  /* Nothing found: the No Results page, not the empty collection. */
  hangar_window_set_search_text (window, "no such machine");
  assert_shows (window, "");
  wait_page (window, "no-results");
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "window-no-results");

  /* A machine that appears while searching shows when it matches. */
  define_domain (app, "No such machine 3");
  assert_shows (window, "No such machine 3");
  wait_page (window, "collection");

  /* Ending the search shows everything again. */
  hangar_window_set_search_text (window, NULL);
  g_assert_false (gtk_search_bar_get_search_mode (search_bar));
  assert_shows (window, "alpha,No such machine 3,test,VM 2,VM 10");

  hangar_test_stop_app (app, window);
}

typedef struct
{
  HangarMachineCard *card;
  const char        *enabled;
} ActionsWait;

static const char *const machine_actions[] = {
  "start", "shutdown", "force-off", "pause", "resume", "save", "delete", NULL
};

/* Whether the card's class installs machine.NAME. */
static gboolean
card_has_action (HangarMachineCard *card,
                 const char        *name)
{
  g_autofree char *full = g_strconcat ("machine.", name, NULL);
  const GVariantType *parameter_type;
  const char *property_name;
  const char *installed;
  GType owner;

  /* GTK 4.8 fills every out argument. */
  for (guint i = 0;
       gtk_widget_class_query_action (GTK_WIDGET_GET_CLASS (card), i, &owner, &installed,
                                      &parameter_type, &property_name);
       i++)
    if (g_str_equal (installed, full))
      return TRUE;
  return FALSE;
}

/* The enabled actions of a card, in machine_actions order, comma-separated. */
static char *
enabled_actions (HangarMachineCard *card)
{
  g_autoptr(GString) enabled = g_string_new (NULL);

  for (guint i = 0; machine_actions[i] != NULL; i++)
    {
      g_autofree char *full = g_strconcat ("machine.", machine_actions[i], NULL);

      g_assert_true (card_has_action (card, machine_actions[i]));
      if (!hangar_machine_card_get_action_enabled (card, full))
        continue;
      if (enabled->len > 0)
        g_string_append_c (enabled, ',');
      g_string_append (enabled, machine_actions[i]);
    }
  return g_string_free (g_steal_pointer (&enabled), FALSE);
}

static gboolean
actions_are (gpointer data)
{
  ActionsWait *wait = data;
  g_autofree char *enabled = enabled_actions (wait->card);

  return g_strcmp0 (enabled, wait->enabled) == 0;
}

static void
assert_enabled (HangarMachineCard *card,
                const char        *enabled)
{
  ActionsWait wait = { card, enabled };

  if (!hangar_test_wait_until (actions_are, &wait, 15))
    {
      g_autofree char *shown = enabled_actions (card);

      g_error ("Timed out waiting for the enabled actions “%s”; they are “%s”", enabled, shown);
    }
}

static void
test_machine_actions (void)
{
  HangarWindow *window;
  HangarApplication *app = start_app ("test:///default", &window);
  HangarMachineCard *card;
  GtkWidget *menu_button;
  GtkWidget *popover;
  g_autofree char *busy = NULL;
  g_autofree char *uuid = NULL;

  wait_page (window, "collection");
  wait_card (window, "test", "Running");
  card = HANGAR_MACHINE_CARD (hangar_window_get_card (window, "test"));
  assert_enabled (card, "shutdown,force-off,pause,save,delete");

  /* While an operation runs, the card offers nothing else. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "machine.pause", NULL));
  busy = enabled_actions (card);
  g_assert_cmpstr (busy, ==, "");
  wait_card (window, "test", "Paused");
  assert_enabled (card, "shutdown,force-off,resume,save,delete");
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "window-paused");

  /* The card's menu (as a right click opens it) offers what the state
   * allows (Resume, not Pause). */
  menu_button = hangar_test_find_widget (GTK_WIDGET (card), GTK_TYPE_MENU_BUTTON, NULL);
  g_assert_nonnull (menu_button);
  hangar_machine_card_popup_menu (card);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button)));
  g_assert_true (gtk_widget_get_visible (popover));
  hangar_test_wait_frames (popover, 2);
  hangar_test_screenshot_both_styles (popover, "card-menu-paused");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "machine.force-off", NULL));
  wait_card (window, "test", "Stopped");
  assert_enabled (card, "start,delete");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "machine.start", NULL));
  wait_card (window, "test", "Running");
  assert_enabled (card, "shutdown,force-off,pause,save,delete");

  /* A shutdown that timed out: the window offers Force Off (the toast's
   * button, win.force-off), which stops the machine. */
  uuid = g_strdup (hangar_machine_get_uuid (hangar_machine_card_get_machine (card)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "win.offer-force-off", "s", uuid));
  hangar_test_wait_frames (GTK_WIDGET (window), 2);
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "window-offer-force-off");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.force-off", "s", uuid));
  wait_card (window, "test", "Stopped");

  hangar_test_stop_app (app, window);
}

/* Activates the action ACTION ("machine.delete"…) of NAME's card, once it
 * shows the machine stopped. */
static void
activate_card_action (HangarWindow *window,
                      const char   *name,
                      const char   *action)
{
  wait_card (window, name, "Stopped");
  g_assert_true (gtk_widget_activate_action (hangar_window_get_card (window, name), action, NULL));
}

/* Deletes through the card's menu, answering its question (disks go). */
static void
delete_from_card (HangarWindow *window,
                  const char   *name)
{
  AdwMessageDialog *question;

  activate_card_action (window, name, "machine.delete");
  question = hangar_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, GTK_WINDOW (window));
  g_assert_nonnull (question);
  g_assert_false (gtk_check_button_get_active (
                    GTK_CHECK_BUTTON (adw_message_dialog_get_extra_child (question))));
  hangar_test_respond (question, "delete");
}

typedef struct
{
  HangarApplication *app;
  HangarMachine     *machine;
} DeletingWait;

static gboolean
deletion_over (gpointer data)
{
  DeletingWait *wait = data;

  return !hangar_application_is_deleting (wait->app, wait->machine);
}

static void
test_delete_undo (void)
{
  HangarWindow *window;
  HangarApplication *app = start_app ("test:///default", &window);
  HangarCollection *collection = hangar_application_get_collection (app);
  DeletingWait kept = { app, NULL };
  HangarMachine *doomed;

  wait_page (window, "collection");
  define_domain (app, "doomed");
  define_domain (app, "kept");
  assert_shows (window, "doomed,kept,test");

  /* Hidden at once, but still there to undo. */
  delete_from_card (window, "doomed");
  assert_shows (window, "kept,test");
  doomed = hangar_collection_find_by_name (collection, "doomed");
  g_assert_nonnull (doomed);
  hangar_test_wait_frames (GTK_WIDGET (window), 2);
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "window-deleted");

  /* Undo (the toast's button action) brings it back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-delete", "s",
                                             hangar_machine_get_uuid (doomed)));
  assert_shows (window, "doomed,kept,test");
  g_assert_true (hangar_collection_find_by_name (collection, "doomed") == doomed);

  /* Without undo, the real deletion runs once the toast goes away by itself.
   * The test driver refuses the undefine flags HangarMachine uses (NVRAM,
   * TPM, checkpoints), so here it fails: the machine comes back, and a
   * toast says why. Deleting for real is covered by the libvirt suite. */
  delete_from_card (window, "doomed");
  assert_shows (window, "kept,test");
  assert_shows (window, "doomed,kept,test");
  g_assert_true (hangar_collection_find_by_name (collection, "doomed") == doomed);
  hangar_test_wait_frames (GTK_WIDGET (window), 2);
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "window-delete-failed");

  /* A deletion still waiting when the window closes is tried then; with
   * no window left, the failure goes to the log. */
  delete_from_card (window, "kept");
  assert_shows (window, "doomed,test");
  kept.machine = hangar_collection_find_by_name (collection, "kept");
  g_assert_nonnull (kept.machine);
  g_test_expect_message ("hangar-window", G_LOG_LEVEL_WARNING, "Could not delete kept: *");
  gtk_window_destroy (GTK_WINDOW (window));
  /* The deletion runs in a thread: its end, not an idle main loop, is when
   * the warning has come. */
  hangar_test_assert_eventually (deletion_over, &kept, 30, "the deletion of kept to fail");
  g_test_assert_expected_messages ();

  hangar_connection_close (hangar_application_get_connection (app));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (app);
}

static HangarWindow *
other_window (HangarApplication *app,
              HangarWindow      *except,
              HangarWindow      *except_too)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_WINDOW (l->data) && l->data != (gpointer) except && l->data != (gpointer) except_too)
      return l->data;
  return NULL;
}

static guint
count_windows (HangarApplication *app)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    n += HANGAR_IS_WINDOW (l->data);
  return n;
}

/* Two windows on one collection agree: a deletion hides the machine in
 * both and its undo brings it back in both; a machine's display shows in
 * one window only, and asking again brings that window forward. */
static void
test_two_windows (void)
{
  HangarWindow *first;
  HangarApplication *app = start_app ("test:///default", &first);
  HangarCollection *collection = hangar_application_get_collection (app);
  HangarWindow *second, *third;
  HangarMachine *doomed, *test;

  wait_page (first, "collection");
  define_domain (app, "doomed");
  assert_shows (first, "doomed,test");

  g_action_group_activate_action (G_ACTION_GROUP (app), "new-window", NULL);
  second = other_window (app, first, NULL);
  g_assert_nonnull (second);
  g_assert_cmpuint (count_windows (app), ==, 2);
  wait_page (second, "collection");
  assert_shows (second, "doomed,test");

  /* Deleted in the first window: hidden in both, until the undo; and no
   * longer selected in the second, whose selection acts on what shows. */
  doomed = hangar_collection_find_by_name (collection, "doomed");
  hangar_window_set_selection_mode (second, TRUE);
  hangar_window_set_machine_selected (second, doomed, TRUE);
  {
    g_autoptr(GPtrArray) selected = hangar_window_get_selected (second);

    g_assert_cmpuint (selected->len, ==, 1);
  }
  delete_from_card (first, "doomed");
  assert_shows (first, "test");
  assert_shows (second, "test");

  hangar_test_wait_frames (GTK_WIDGET (second), 2);
  g_free (hangar_test_save_screenshot (GTK_WIDGET (second), "window-second-deleted.png"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "win.undo-delete", "s",
                                             hangar_machine_get_uuid (doomed)));
  assert_shows (first, "doomed,test");
  assert_shows (second, "doomed,test");
  /* Back, but not selected: it was dropped from the selection when hidden. */
  {
    g_autoptr(GPtrArray) selected = hangar_window_get_selected (second);

    g_assert_cmpuint (selected->len, ==, 0);
  }
  hangar_window_set_selection_mode (second, FALSE);

  /* One display per machine: the second window does not take the first's. */
  test = hangar_collection_find_by_name (collection, "test");
  hangar_window_open_machine (first, test);
  g_assert_true (hangar_display_page_get_machine (hangar_window_get_display_page (first)) == test);
  hangar_window_open_machine (second, test);
  g_assert_null (hangar_display_page_get_machine (hangar_window_get_display_page (second)));
  g_assert_true (hangar_application_find_display (app, test) == first);

  /* "Open in New Window" from a card: a third window shows the machine;
   * asked again, no fourth window comes. */
  activate_card_action (second, "doomed", "machine.open-in-new-window");
  g_assert_cmpuint (count_windows (app), ==, 3);
  third = other_window (app, first, second);
  g_assert_nonnull (third);
  g_assert_true (hangar_display_page_get_machine (hangar_window_get_display_page (third)) == doomed);
  activate_card_action (second, "doomed", "machine.open-in-new-window");
  g_assert_cmpuint (count_windows (app), ==, 3);

  /* A window saves its size, but does not follow another's. */
  {
    GSettings *settings = hangar_application_get_settings (app);
    int width, height;

    /* GTK 4.8 wants both out arguments. */
    gtk_window_get_default_size (GTK_WINDOW (first), &width, &height);
    g_settings_set_int (settings, "window-width", width + 123);
    while (g_main_context_iteration (NULL, FALSE))
      ;
    gtk_window_get_default_size (GTK_WINDOW (first), &width, &height);
    g_assert_cmpint (width + 123, ==, g_settings_get_int (settings, "window-width"));
    gtk_window_set_default_size (GTK_WINDOW (second), 777, -1);
    g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 777);
    gtk_window_get_default_size (GTK_WINDOW (first), &width, &height);
    g_assert_cmpint (width, !=, 777);
    g_settings_reset (settings, "window-width");
  }

  /* Closing windows leaves the others (and the application) running. */
  gtk_window_destroy (GTK_WINDOW (third));
  gtk_window_destroy (GTK_WINDOW (second));
  g_assert_cmpuint (count_windows (app), ==, 1);

  /* `hangar --open` while the window shows another machine's display: that
   * display stays, and the machine asked for gets a window of its own. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-machine",
                                  g_variant_new_string ("doomed"));
  g_assert_cmpuint (count_windows (app), ==, 2);
  g_assert_true (hangar_display_page_get_machine (hangar_window_get_display_page (first)) == test);
  second = other_window (app, first, NULL);
  g_assert_true (hangar_display_page_get_machine (hangar_window_get_display_page (second)) == doomed);
  gtk_window_destroy (GTK_WINDOW (second));
  gtk_widget_activate_action (GTK_WIDGET (hangar_window_get_display_page (first)), "display.back", NULL);
  assert_shows (first, "doomed,test");

  hangar_test_stop_app (app, first);
}

static void
test_list_view (void)
{
  HangarWindow *window;
  HangarApplication *app = start_app ("test:///default", &window);
  GSettings *settings = hangar_application_get_settings (app);
  GtkWidget *card;
  g_autofree char *mode = NULL;

  wait_page (window, "collection");
  define_domain (app, "another machine");
  assert_shows (window, "another machine,test");
  wait_card (window, "test", "Running");
  card = hangar_window_get_card (window, "test");
  g_assert_nonnull (gtk_widget_get_ancestor (card, GTK_TYPE_GRID_VIEW));

  /* The header button switches to the list, and the setting remembers it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-view", NULL));
  mode = g_settings_get_string (settings, "view-mode");
  g_assert_cmpstr (mode, ==, "list");
  wait_card (window, "test", "Running");
  card = hangar_window_get_card (window, "test");
  g_assert_nonnull (gtk_widget_get_ancestor (card, GTK_TYPE_LIST_VIEW));
  g_assert_true (gtk_widget_has_css_class (card, "compact"));
  hangar_test_wait_frames (GTK_WIDGET (window), 2);
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "window-list");

  /* The search filters the list too. */
  hangar_window_set_search_text (window, "another");
  assert_shows (window, "another machine");
  g_assert_null (hangar_window_get_card (window, "test"));
  hangar_window_set_search_text (window, NULL);

  /* The setting drives the view, from wherever it changes. */
  g_settings_set_string (settings, "view-mode", "grid");
  wait_card (window, "test", "Running");
  card = hangar_window_get_card (window, "test");
  g_assert_nonnull (gtk_widget_get_ancestor (card, GTK_TYPE_GRID_VIEW));
  g_settings_reset (settings, "view-mode");

  hangar_test_stop_app (app, window);
}

/* The visible label under @root that shows an error, or NULL. */
static GtkLabel *
find_error_label (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root) &&
      gtk_widget_has_css_class (root, "error"))
    return GTK_LABEL (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_error_label (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* What the name dialog shows while a name is typed: the rule's reason, the
 * name as typed (never changed), the button off; a good name clears both. */
static const struct
{
  HangarNameDialogMode  mode;
  const char           *typed;
  const char           *reason;    /* NULL: none shown */
  gboolean              can_apply;
  const char           *screenshot;
} dialog_cases[] = {
  { HANGAR_NAME_DIALOG_RENAME, "a/b", "Names cannot contain “/”.", FALSE,
    "name-dialog-slash.png" },
  { HANGAR_NAME_DIALOG_RENAME, " padded", "Names cannot start or end with a space.", FALSE,
    NULL },
  { HANGAR_NAME_DIALOG_RENAME, "x\u202Egnp.exe",
    "Names cannot contain invisible or control characters such as line breaks, tabs or text "
    "direction marks (U+202E).", FALSE, "name-dialog-bidi.png" },
  { HANGAR_NAME_DIALOG_RENAME, "", "The name cannot be empty.", FALSE, NULL },
  { HANGAR_NAME_DIALOG_RENAME, "test", NULL, FALSE, NULL },     /* its own name: nothing to do */
  { HANGAR_NAME_DIALOG_RENAME, "Renamed ✓ 2", NULL, TRUE, NULL },
  { HANGAR_NAME_DIALOG_CLONE, "test", "A machine named “test” already exists.", FALSE,
    "name-dialog-taken.png" },
  { HANGAR_NAME_DIALOG_CLONE, "test ", "Names cannot start or end with a space.", FALSE, NULL },
  { HANGAR_NAME_DIALOG_CLONE, "test copy", NULL, TRUE, NULL },
};

static void
test_name_dialog (void)
{
  HangarWindow *window;
  HangarApplication *app = start_app ("test:///default", &window);
  HangarMachineCard *card;
  HangarMachine *machine;
  g_autofree char *uuid = NULL;

  wait_page (window, "collection");
  wait_card (window, "test", "Running");
  card = HANGAR_MACHINE_CARD (hangar_window_get_card (window, "test"));
  machine = hangar_machine_card_get_machine (card);
  uuid = g_strdup (hangar_machine_get_uuid (machine));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "machine.force-off", NULL));
  wait_card (window, "test", "Stopped");

  for (guint i = 0; i < G_N_ELEMENTS (dialog_cases); i++)
    {
      const char *action = dialog_cases[i].mode == HANGAR_NAME_DIALOG_CLONE ? "win.clone"
                                                                            : "win.rename";
      HangarNameDialog *dialog;
      GtkWidget *entry, *apply;
      GtkLabel *error_label;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, "s", uuid));
      dialog = hangar_test_find_toplevel (HANGAR_TYPE_NAME_DIALOG, GTK_WINDOW (window));
      g_assert_nonnull (dialog);
      entry = hangar_test_find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, NULL);
      apply = hangar_test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "name.apply");
      g_assert_nonnull (entry);
      g_assert_nonnull (apply);

      gtk_editable_set_text (GTK_EDITABLE (entry), dialog_cases[i].typed);
      hangar_test_wait_frames (GTK_WIDGET (dialog), 2);
      g_test_message ("%s “%s”", action, dialog_cases[i].typed);

      /* The text stays as typed. */
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, dialog_cases[i].typed);
      error_label = find_error_label (GTK_WIDGET (dialog));
      if (dialog_cases[i].reason != NULL)
        {
          g_assert_nonnull (error_label);
          g_assert_cmpstr (gtk_label_get_label (error_label), ==, dialog_cases[i].reason);
          g_assert_true (gtk_widget_has_css_class (entry, "error"));
        }
      else
        {
          g_assert_null (error_label);
          g_assert_false (gtk_widget_has_css_class (entry, "error"));
        }
      g_assert_cmpint (gtk_widget_is_sensitive (apply), ==, dialog_cases[i].can_apply);
      if (dialog_cases[i].screenshot != NULL)
        g_free (hangar_test_save_screenshot (GTK_WIDGET (dialog), dialog_cases[i].screenshot));
      gtk_window_destroy (GTK_WINDOW (dialog));
    }

  /* Nothing was applied. */
  g_assert_cmpstr (hangar_machine_get_name (machine), ==, "test");
  hangar_test_stop_app (app, window);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_gui (&argc, &argv);

  /* meson runs each case in a process of its own (-p): a GApplication cannot
   * be registered twice in one process. */
  g_test_add_func ("/hangar/window/preferences", test_preferences);
  g_test_add_func ("/hangar/window/collection-and-empty", test_collection_and_empty);
  g_test_add_func ("/hangar/window/error-page", test_error_page);
  g_test_add_func ("/hangar/window/search", test_search);
  g_test_add_func ("/hangar/window/machine-actions", test_machine_actions);
  g_test_add_func ("/hangar/window/delete-undo", test_delete_undo);
  g_test_add_func ("/hangar/window/two-windows", test_two_windows);
  g_test_add_func ("/hangar/window/list-view", test_list_view);
  g_test_add_func ("/hangar/window/name-dialog", test_name_dialog);

  return g_test_run ();
}
