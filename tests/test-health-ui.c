/* test-health-ui.c
 *
 * A machine's health in the window under Xvfb, in an isolated session: the
 * card's badge on a machine set to KVM where there is none and on one whose
 * firmware file is gone, the Health page of its properties with the items
 * and their fixes, the fix clicked and seen by virsh, the per-machine KVM
 * switch; screenshots light and dark as artifacts.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "hangar-application.h"
#include "hangar-connection.h"
#include "hangar-health-page.h"
#include "hangar-machine-card.h"
#include "hangar-machine-health.h"
#include "hangar-properties-window.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-window.h"
#include "machine-health-fixtures.h"

#define KVM_BOX "KVM Box"
#define FIRMWARE_BOX "Firmware Box"
#define SAVED_BOX "Saved Box"
#define TIMEOUT_S 30

typedef struct
{
  HangarWindow *window;
  const char   *name;
  const char   *css;      /* the badge's class; NULL: no badge */
} BadgeWait;

static gboolean
badge_shows (gpointer data)
{
  BadgeWait *wait = data;
  GtkWidget *card = hangar_window_get_card (wait->window, wait->name);
  GtkWidget *badge;

  if (card == NULL)
    return FALSE;
  badge = hangar_machine_card_get_health_badge (HANGAR_MACHINE_CARD (card));
  if (wait->css == NULL)
    return !gtk_widget_get_visible (badge);
  return gtk_widget_get_visible (badge) && gtk_widget_has_css_class (badge, wait->css);
}

static gboolean
page_checked (gpointer data)
{
  return hangar_health_page_is_checked (data);
}

static gboolean
item_in_state (HangarHealthPage  *page,
               const char        *id,
               HangarHealthState  state)
{
  const HangarHealthItem *item = hangar_health_find (hangar_health_page_get_items (page), id);

  return item != NULL && item->state == state && hangar_health_page_is_checked (page);
}

static gboolean
acceleration_ok (gpointer data)
{
  return item_in_state (data, "acceleration", HANGAR_HEALTH_OK);
}

static gboolean
defined_as_qemu (gpointer data)
{
  g_autofree char *xml = hangar_test_virsh_output ("dumpxml", "--inactive", KVM_BOX, NULL);

  return strstr (xml, "<domain type='qemu'") != NULL;
}

static gboolean
saved_state_gone (gpointer data)
{
  return !hangar_test_domain_has_saved_state (SAVED_BOX);
}

static gboolean
general_says_emulation (gpointer data)
{
  GObject *row = gtk_widget_get_template_child (data, HANGAR_TYPE_PROPERTIES_WINDOW,
                                                "emulation_row");
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));

  return subtitle != NULL && strstr (subtitle, "KVM") == NULL;
}

static HangarPropertiesWindow *
open_properties (HangarWindow *window,
                 const char   *name)
{
  GtkWidget *card = hangar_window_get_card (window, name);
  HangarPropertiesWindow *properties = NULL;
  GList *toplevels;

  g_assert_nonnull (card);
  g_assert_true (gtk_widget_activate_action (card, "machine.properties", NULL));
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (HANGAR_IS_PROPERTIES_WINDOW (l->data) &&
        g_str_equal (gtk_window_get_title (l->data), name))
      properties = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (properties);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (properties), "health");
  return properties;
}

/* The row's fix button (named "fix"), or NULL. */
static GtkWidget *
find_fix (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) && g_str_equal (gtk_widget_get_name (root), "fix"))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_fix (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
fix_button (GtkWidget *row)
{
  GtkWidget *button = find_fix (row);

  g_assert_nonnull (button);
  return button;
}

static gboolean
switch_off (gpointer data)
{
  return !gtk_switch_get_active (data);
}

static void
test_window (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "health-ui", NULL);
  g_autofree char *code = g_build_filename (dir, "CODE.fd", NULL);
  g_autofree char *xml = NULL;
  g_autofree char *path = NULL;
  HangarWindow *window = NULL;
  g_autoptr(HangarApplication) app = NULL;
  HangarPropertiesWindow *properties;
  HangarHealthPage *page;
  BadgeWait wait;
  GtkWidget *row, *card, *badge;
  GtkSwitch *kvm_switch;

  hangar_test_session_setup ();
  /* A saved state QEMU never wrote: the daemon finds it when it starts
   * again, below. */
  hangar_test_define_xml (SAVED_BOX,
                          "<domain type='qemu'><name>" SAVED_BOX "</name>"
                          "<memory unit='MiB'>128</memory><vcpu>1</vcpu>"
                          "<os><type arch='x86_64' machine='q35'>hvm</type></os>"
                          "<devices><channel type='spicevmc'>"
                          "<target type='virtio' name='com.redhat.spice.0'/></channel>"
                          "<graphics type='spice'><listen type='none'/></graphics>"
                          "</devices></domain>");
  {
    g_autofree char *save_dir = g_build_filename (g_get_user_config_dir (), "libvirt", "qemu",
                                                  "save", NULL);
    g_autofree char *save = g_build_filename (save_dir, SAVED_BOX ".save", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (g_mkdir_with_parents (save_dir, 0700), ==, 0);
    g_assert_true (g_file_set_contents (save, "not a saved state\n", -1, &error));
    g_assert_no_error (error);
  }
  /* Before the app connects: the daemon is restarted under it. */
  hangar_test_define_kvm_machine (KVM_BOX);
  g_assert_true (hangar_test_domain_has_saved_state (SAVED_BOX));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  xml = g_strdup_printf (
    "<domain type='qemu'><name>" FIRMWARE_BOX "</name><memory unit='MiB'>128</memory>"
    "<vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type>"
    "<loader readonly='yes' type='pflash'>%s</loader></os><features><acpi/></features>"
    "<devices><channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/>"
    "</channel><graphics type='spice'><listen type='none'/></graphics></devices></domain>",
    code);
  hangar_test_define_xml (FIRMWARE_BOX, xml);

  app = hangar_test_start_app (&window);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 560);

  /* Both cards carry the error badge, its tooltip saying what is wrong. */
  wait = (BadgeWait) { window, KVM_BOX, "problem" };
  hangar_test_assert_eventually (badge_shows, &wait, TIMEOUT_S, "the KVM machine's badge");
  wait = (BadgeWait) { window, FIRMWARE_BOX, "problem" };
  hangar_test_assert_eventually (badge_shows, &wait, TIMEOUT_S, "the firmware machine's badge");
  card = hangar_window_get_card (window, FIRMWARE_BOX);
  badge = hangar_machine_card_get_health_badge (HANGAR_MACHINE_CARD (card));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (badge), ==, "Firmware file missing");
  card = hangar_window_get_card (window, KVM_BOX);
  badge = hangar_machine_card_get_health_badge (HANGAR_MACHINE_CARD (card));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (badge), ==,
                   "Set to use KVM, which is not available");
  hangar_test_wait_frames (GTK_WIDGET (window), 4);
  hangar_test_screenshot_both_styles (GTK_WIDGET (window), "health-cards");

  /* The firmware machine's Health page: the item, with no fix but help. */
  properties = open_properties (window, FIRMWARE_BOX);
  page = HANGAR_HEALTH_PAGE (hangar_properties_window_get_health_page (properties));
  hangar_test_assert_eventually (page_checked, page, TIMEOUT_S, "the health check");
  g_assert_true (item_in_state (page, "firmware", HANGAR_HEALTH_PROBLEM));
  row = hangar_health_page_get_row (page, "firmware");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   "Firmware file missing");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), code));
  g_assert_null (find_fix (row));
  hangar_test_wait_frames (GTK_WIDGET (properties), 4);
  hangar_test_screenshot_both_styles (GTK_WIDGET (properties), "health-page-firmware");
  gtk_window_destroy (GTK_WINDOW (properties));

  /* The KVM machine's: the problem and its fix, clicked. */
  properties = open_properties (window, KVM_BOX);
  page = HANGAR_HEALTH_PAGE (hangar_properties_window_get_health_page (properties));
  hangar_test_assert_eventually (page_checked, page, TIMEOUT_S, "the health check");
  g_assert_true (item_in_state (page, "acceleration", HANGAR_HEALTH_PROBLEM));
  kvm_switch = GTK_SWITCH (hangar_test_find_widget (GTK_WIDGET (page), GTK_TYPE_SWITCH, NULL));
  g_assert_nonnull (kvm_switch);
  g_assert_true (gtk_switch_get_active (kvm_switch));
  hangar_test_wait_frames (GTK_WIDGET (properties), 4);
  hangar_test_screenshot_both_styles (GTK_WIDGET (properties), "health-page-kvm");

  row = hangar_health_page_get_row (page, "acceleration");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (fix_button (row))), ==,
                   "Use Software Emulation");
  g_signal_emit_by_name (fix_button (row), "clicked");
  hangar_test_assert_eventually (defined_as_qemu, NULL, TIMEOUT_S, "the machine to be emulated");
  hangar_test_assert_eventually (acceleration_ok, page, TIMEOUT_S, "the item to be fixed");
  /* The switch follows the definition, read beside the check. */
  hangar_test_assert_eventually (switch_off, kvm_switch, TIMEOUT_S, "the switch to turn off");
  hangar_test_assert_eventually (general_says_emulation, properties, TIMEOUT_S,
                                 "the General page to say so");
  wait = (BadgeWait) { window, KVM_BOX, NULL };
  hangar_test_assert_eventually (badge_shows, &wait, TIMEOUT_S, "the card's badge to go");
  hangar_test_wait_frames (GTK_WIDGET (properties), 4);
  path = hangar_test_save_screenshot (GTK_WIDGET (properties), "health-page-fixed.png");
  g_test_message ("screenshot: %s", path);

  /* The switch back to KVM is refused here: a toast says why, and the
   * machine stays emulated. */
  gtk_switch_set_active (kvm_switch, TRUE);
  hangar_test_wait_frames (GTK_WIDGET (properties), 10);
  hangar_test_assert_eventually (page_checked, page, TIMEOUT_S, "the page to check again");
  hangar_test_assert_eventually (switch_off, kvm_switch, TIMEOUT_S, "the switch to show the truth");
  g_assert_true (defined_as_qemu (NULL));

  gtk_window_destroy (GTK_WINDOW (properties));

  /* A saved state libvirt cannot restore: discarding it asks first. */
  wait = (BadgeWait) { window, SAVED_BOX, "problem" };
  hangar_test_assert_eventually (badge_shows, &wait, TIMEOUT_S, "the saved machine's badge");
  properties = open_properties (window, SAVED_BOX);
  page = HANGAR_HEALTH_PAGE (hangar_properties_window_get_health_page (properties));
  hangar_test_assert_eventually (page_checked, page, TIMEOUT_S, "the health check");
  g_assert_true (item_in_state (page, "saved-state", HANGAR_HEALTH_PROBLEM));
  row = hangar_health_page_get_row (page, "saved-state");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "libvirt"));
  /* Problems come first (before the hidden "Checking…" row there is none). */
  for (GtkWidget *before = gtk_widget_get_prev_sibling (row); before != NULL;
       before = gtk_widget_get_prev_sibling (before))
    g_assert_false (gtk_widget_get_visible (before));
  hangar_test_wait_frames (GTK_WIDGET (properties), 4);
  hangar_test_screenshot_both_styles (GTK_WIDGET (properties), "health-page-saved");
  for (guint i = 0; i < 2; i++)
    {
      AdwMessageDialog *dialog;

      g_signal_emit_by_name (fix_button (row), "clicked");
      dialog = hangar_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL);
      g_assert_nonnull (dialog);
      g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "lost"));
      if (i == 0)
        {
          hangar_test_wait_frames (GTK_WIDGET (dialog), 4);
          g_free (path);
          path = hangar_test_save_screenshot (GTK_WIDGET (dialog), "health-discard-dialog.png");
          g_test_message ("screenshot: %s", path);
          /* Cancelled: nothing is lost. */
          adw_message_dialog_response (dialog, "cancel");
          hangar_test_wait_frames (GTK_WIDGET (properties), 4);
          g_assert_true (hangar_test_domain_has_saved_state (SAVED_BOX));
        }
      else
        adw_message_dialog_response (dialog, "discard");
    }
  hangar_test_assert_eventually (saved_state_gone, NULL, TIMEOUT_S, "the saved state to go");
  wait = (BadgeWait) { window, SAVED_BOX, NULL };
  hangar_test_assert_eventually (badge_shows, &wait, TIMEOUT_S, "the card's badge to go");
  gtk_window_destroy (GTK_WINDOW (properties));

  gtk_window_destroy (GTK_WINDOW (window));
  hangar_connection_close (hangar_application_get_connection (app));
  hangar_test_virsh ("undefine", SAVED_BOX, NULL);
  hangar_test_virsh ("undefine", KVM_BOX, NULL);
  hangar_test_virsh ("undefine", FIRMWARE_BOX, NULL);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/health-ui/window", test_window);

  return g_test_run ();
}
