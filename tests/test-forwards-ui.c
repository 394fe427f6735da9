/* test-forwards-ui.c
 *
 * The properties' Port Forwards group under Xvfb, on a machine of an
 * isolated session that never runs: Add refused for bad ports, the warning
 * for an address other than 127.0.0.1, a forward added (seen by virsh),
 * Copy SSH Command's text on the clipboard, a port taken twice refused in
 * the group, Remove; the card's Copy SSH Command; screenshots light and
 * dark as artifacts.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <adwaita.h>

#include "hangar-forwards-group.h"
#include "hangar-machine-card.h"
#include "hangar-properties-window.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"

#define MACHINE "Web Box"

static guint
free_port (void)
{
  struct sockaddr_in sin = { .sin_family = AF_INET };
  socklen_t len = sizeof sin;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint port;

  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  port = ntohs (sin.sin_port);
  close (fd);
  return port;
}

/* The first widget under @root whose accessible label, tooltip or row title
 * is @text. */
static GtkWidget *
find_titled (GtkWidget  *root,
             GType       type,
             const char *text)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (g_strcmp0 (gtk_widget_get_tooltip_text (root), text) == 0 ||
       (ADW_IS_PREFERENCES_ROW (root) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), text) == 0)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_titled (child, type, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
count_named (GtkWidget  *root,
             const char *name)
{
  guint n = g_strcmp0 (gtk_widget_get_name (root), name) == 0 && gtk_widget_get_visible (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_named (child, name);
  return n;
}

typedef struct
{
  GtkWidget *group;
  guint      rows;
} RowsWait;

static gboolean
rows_shown (gpointer data)
{
  RowsWait *wait = data;

  return count_named (wait->group, "forward-row") == wait->rows &&
         (wait->rows > 0 || find_titled (wait->group, ADW_TYPE_ACTION_ROW, "No port forwards"));
}

static void
set_entry (GtkWidget  *dialog,
           const char *title,
           const char *text)
{
  GtkWidget *row = find_titled (dialog, ADW_TYPE_ENTRY_ROW, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static GtkWidget *
open_add_dialog (GtkWidget *group)
{
  GtkWidget *add = find_titled (group, GTK_TYPE_BUTTON, "Add Port Forward");
  GtkWidget *dialog;

  g_assert_nonnull (add);
  g_signal_emit_by_name (add, "clicked");
  dialog = hangar_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL);
  g_assert_nonnull (dialog);
  return dialog;
}

static gboolean
xml_has (gpointer needle)
{
  g_autofree char *xml = hangar_test_domain_xml (MACHINE, TRUE);

  return strstr (xml, needle) != NULL;
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The group's notice, as an error. */
static gboolean
refusal_shows (gpointer group)
{
  GtkWidget *notice = find_named (group, "forward-notice");

  return notice != NULL && gtk_widget_get_visible (notice) &&
         gtk_widget_has_css_class (notice, "error");
}

static gboolean
card_offers_ssh (gpointer card)
{
  return hangar_machine_card_get_action_enabled (card, "machine.copy-ssh");
}

static void
test_group (void)
{
  g_autoptr(HangarMachine) machine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *hostfwd = NULL;
  g_autofree char *expected_ssh = NULL;
  g_autofree char *copied = NULL;
  GtkWidget *properties;
  GtkWidget *group;
  GtkWidget *dialog;
  GtkWidget *button;
  GtkWidget *card_window;
  GtkWidget *card;
  GtkWidget *popover;
  RowsWait wait;
  guint host_port = free_port ();

  hangar_test_session_setup ();
  hangar_test_create_machine (MACHINE, HANGAR_FIRMWARE_BIOS, FALSE);
  machine = hangar_test_machine_for (MACHINE);

  properties = GTK_WIDGET (hangar_properties_window_new (machine));
  gtk_window_set_default_size (GTK_WINDOW (properties), 640, 560);
  gtk_window_present (GTK_WINDOW (properties));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (properties), "network");
  group = hangar_test_find_widget (properties, HANGAR_TYPE_FORWARDS_GROUP, NULL);
  g_assert_nonnull (group);
  wait = (RowsWait) { group, 0 };
  hangar_test_assert_eventually (rows_shown, &wait, 30, "the empty list");
  hangar_test_screenshot_both_styles (properties, "forwards-empty");

  /* Add: refused until the ports are ports this computer allows. */
  dialog = open_add_dialog (group);
  port = g_strdup_printf ("%u", host_port);
  set_entry (dialog, "Port on This Computer", "80");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  set_entry (dialog, "Port on This Computer", "22x");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  set_entry (dialog, "Port on This Computer", port);
  set_entry (dialog, "Guest Port", "0");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  set_entry (dialog, "Guest Port", "22");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));

  /* Another address: allowed, with the warning in sight. */
  set_entry (dialog, "Address on This Computer", "0.0.0.0");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  g_assert_true (count_named (dialog, "forward-address-warning") == 1);
  hangar_test_screenshot_both_styles (dialog, "forwards-add-warning");
  set_entry (dialog, "Address on This Computer", "localhost");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "add"));
  set_entry (dialog, "Address on This Computer", "127.0.0.1");
  g_assert_true (count_named (dialog, "forward-address-warning") == 0);
  hangar_test_screenshot_both_styles (dialog, "forwards-add");
  hangar_test_respond (dialog, "add");

  hostfwd = g_strdup_printf ("hostfwd=tcp:127.0.0.1:%u-:22", host_port);
  hangar_test_assert_eventually (xml_has, hostfwd, 30, "the forward in the definition");
  wait.rows = 1;
  hangar_test_assert_eventually (rows_shown, &wait, 30, "the forward's row");
  hangar_test_screenshot_both_styles (properties, "forwards-one");

  /* Copy SSH Command, for the forward to the guest's port 22. */
  button = find_titled (group, GTK_TYPE_BUTTON, "Copy SSH Command");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (group), NULL, hangar_test_async_done,
                                 NULL);
  copied = gdk_clipboard_read_text_finish (gtk_widget_get_clipboard (group), hangar_test_await (),
                                           &error);
  g_assert_no_error (error);
  expected_ssh = g_strdup_printf ("ssh -p %u localhost", host_port);
  g_assert_cmpstr (copied, ==, expected_ssh);

  /* The card's menu offers it too, once it has read the forwards. */
  card_window = gtk_window_new ();
  card = GTK_WIDGET (hangar_machine_card_new ());
  hangar_machine_card_set_machine (HANGAR_MACHINE_CARD (card), machine);
  gtk_window_set_child (GTK_WINDOW (card_window), card);
  gtk_window_present (GTK_WINDOW (card_window));
  hangar_test_wait_frames (card, 2);
  g_assert_false (hangar_machine_card_get_action_enabled (HANGAR_MACHINE_CARD (card),
                                                          "machine.copy-ssh"));
  hangar_machine_card_popup_menu (HANGAR_MACHINE_CARD (card));
  hangar_test_assert_eventually (card_offers_ssh, card, 30, "Copy SSH Command in the card's menu");
  gdk_clipboard_set_text (gtk_widget_get_clipboard (card), "");
  g_assert_true (gtk_widget_activate_action (card, "machine.copy-ssh", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (card), NULL, hangar_test_async_done,
                                 NULL);
  g_clear_pointer (&copied, g_free);
  copied = gdk_clipboard_read_text_finish (gtk_widget_get_clipboard (card), hangar_test_await (),
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copied, ==, expected_ssh);
  /* The menu closed before its window goes. */
  popover = hangar_test_find_widget (card, GTK_TYPE_POPOVER, NULL);
  g_assert_nonnull (popover);
  gtk_popover_popdown (GTK_POPOVER (popover));
  hangar_test_wait_frames (card, 2);
  gtk_window_destroy (GTK_WINDOW (card_window));

  /* The same port again: refused, the reason in the group. */
  dialog = open_add_dialog (group);
  set_entry (dialog, "Port on This Computer", port);
  set_entry (dialog, "Guest Port", "80");
  hangar_test_respond (dialog, "add");
  hangar_test_assert_eventually (refusal_shows, group, 30, "the refusal");
  g_test_message ("refused: %s", adw_preferences_row_get_title (
                    ADW_PREFERENCES_ROW (find_named (group, "forward-notice"))));
  hangar_test_screenshot_both_styles (properties, "forwards-refused");
  g_assert_true (count_named (group, "forward-row") == 1);

  /* Remove: the machine's card back in libvirt's devices. */
  button = find_titled (group, GTK_TYPE_BUTTON, "Remove");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  hangar_test_assert_eventually (xml_has, (gpointer) "<interface type='user'>", 30,
                                 "the card back in the definition");
  wait.rows = 0;
  hangar_test_assert_eventually (rows_shown, &wait, 30, "the empty list again");
  g_assert_false (xml_has (hostfwd));

  gtk_window_destroy (GTK_WINDOW (properties));
  g_clear_object (&machine);
  hangar_test_remove_machine (MACHINE);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/forwards-ui/group", test_group);

  return g_test_run ();
}
