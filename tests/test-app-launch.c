/* test-app-launch.c
 *
 * A machine run from outside the window, and the real `hangar` launched on
 * it as a process of its own, as a desktop shortcut does. The cases share
 * one guest, an installing machine booting the live ISO, in order:
 *   reboot-without-app  started by hangarctl, rebooted by hangarctl with no
 *                       Hangar process: it runs again (blank disk first,
 *                       then the installer), nothing ejected
 *   open-first-launch   `hangar --open NAME`, no app yet: the display shows,
 *                       no start is tried, no error toast
 *   open-app-running    the same again, forwarded to the running app
 *   reboot-with-app     the guest reboots itself while the app runs: the
 *                       app's install tracker ejects the medium and drops
 *                       the mark; the machine runs on
 * The app's debug messages (G_MESSAGES_DEBUG) say what its pages show and
 * which toasts it raised; screenshots of the X screen are saved as artifacts.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-vm-creator.h"

#define NAME "launched"

static HangarTestGuest *guest;
static GSubprocess     *app;
static char            *app_log;

static const char *
hangar_app (void)
{
  const char *path = g_getenv ("HANGAR_APP");

  g_assert_nonnull (path);
  return path;
}

static char *
read_app_log (void)
{
  char *text = NULL;

  if (!g_file_get_contents (app_log, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

typedef struct
{
  gsize       from;     /* the log's length when the wait began */
  const char *needle;
} LogWait;

static gboolean
log_has (gpointer data)
{
  LogWait *wait = data;
  g_autofree char *text = read_app_log ();

  return strlen (text) > wait->from && strstr (text + wait->from, wait->needle) != NULL;
}

static gsize
app_log_length (void)
{
  g_autofree char *text = read_app_log ();

  return strlen (text);
}

static gboolean
true_after (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static void
settle (guint seconds)
{
  gint64 until = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  hangar_test_wait_until (true_after, &until, seconds + 5);
}

/* The whole X screen, as the user would see it. */
static void
save_screen (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (hangar_test_artifacts_dir (), file, NULL);
  g_autofree char *out = hangar_test_run_tool ((const char *[]) { "import", "-window", "root",
                                                                  path, NULL });

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_test_message ("screenshot: %s", path);
}

static void
assert_boot_order_disk_first (const char *xml)
{
  const char *hd = strstr (xml, "<boot dev='hd'/>");
  const char *cdrom = strstr (xml, "<boot dev='cdrom'/>");

  g_assert_nonnull (hd);
  g_assert_nonnull (cdrom);
  g_assert_true (hd < cdrom);
}

static void
test_reboot_without_app (void)
{
  g_autoptr(HangarVmSettings) settings = hangar_test_vm_settings (NAME, 1);
  g_autoptr(HangarVmCreator) creator = hangar_test_new_creator (settings);
  g_autoptr(GError) error = NULL;
  GVirDomain *domain;
  g_autofree char *defined = NULL;
  g_autofree char *after = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  gint64 since;

  domain = hangar_test_create (creator, FALSE, NULL, &error);
  g_assert_no_error (error);
  defined = hangar_test_domain_xml (NAME, TRUE);
  g_assert_nonnull (strstr (defined, "<hangar:installing>true</hangar:installing>"));
  g_assert_nonnull (strstr (defined, "<on_reboot>restart</on_reboot>"));
  g_assert_nonnull (strstr (defined, hangar_test_iso ()));
  assert_boot_order_disk_first (defined);
  g_object_unref (domain);

  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "start", NAME, NULL }, NULL, NULL), ==, 0);
  first = hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 1,
                                       HANGAR_TEST_BOOT_TIMEOUT_S);

  /* No Hangar process runs: nothing but the definition brings it back. */
  since = g_get_monotonic_time ();
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "reboot", NAME, NULL }, NULL, NULL), ==, 0);
  /* The blank disk boots nothing: the installer comes up again. */
  second = hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 2,
                                        HANGAR_TEST_BOOT_TIMEOUT_S);
  g_test_message ("up again %.1f s after hangarctl reboot",
                  (g_get_monotonic_time () - since) / (double) G_USEC_PER_SEC);
  g_assert_cmpint (hangar_test_domain_state (NAME), ==, VIR_DOMAIN_RUNNING);

  /* Nobody ejected anything: the next tracker to see a reboot will. */
  after = hangar_test_domain_xml (NAME, TRUE);
  g_assert_nonnull (strstr (after, "<hangar:installing>true</hangar:installing>"));
  g_assert_nonnull (strstr (after, hangar_test_iso ()));
  assert_boot_order_disk_first (after);
}

/* The app shows the running machine's display, tries no start and raises
 * no toast. */
static void
assert_open_shows_display (gsize from)
{
  g_autofree char *text = NULL;
  LogWait opened = { from, "Opening “" NAME "”" };
  LogWait shown = { 0, "The display page of “" NAME "” shows: display" };

  hangar_test_assert_eventually (log_has, &opened, 60, "the app to open " NAME);
  hangar_test_assert_eventually (log_has, &shown, 60, "the display of " NAME);
  /* A start refused by libvirt answers within this. */
  settle (5);

  text = read_app_log ();
  g_test_message ("app's log since the launch:\n%s", text + from);
  g_assert_null (strstr (text + from, "Toast:"));
  g_assert_null (strstr (text, "already running"));
  g_assert_nonnull (strstr (text + from, "Opening “" NAME "”: leaving it as it is (running)"));
  g_assert_cmpint (hangar_test_domain_state (NAME), ==, VIR_DOMAIN_RUNNING);
}

static void
test_open_first_launch (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (hangar_test_domain_state (NAME), ==, VIR_DOMAIN_RUNNING);

  /* GLib writes debug messages to stdout, warnings to stderr: one file. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG",
                                "hangar-application hangar-window hangar-display-page", TRUE);
  g_subprocess_launcher_set_stdout_file_path (launcher, app_log);
  app = g_subprocess_launcher_spawn (launcher, &error, hangar_app (), "--open", NAME, NULL);
  g_assert_no_error (error);

  assert_open_shows_display (0);
  save_screen ("app-launch-first");
}

static void
test_open_app_running (void)
{
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GError) error = NULL;
  gsize from = app_log_length ();

  g_assert_nonnull (app);
  /* Forwarded to the app that runs, then gone. */
  second = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, hangar_app (), "--open", NAME, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (second, NULL, &error));
  g_assert_no_error (error);

  assert_open_shows_display (from);
  save_screen ("app-launch-running");
}

static gboolean
installation_over (gpointer data)
{
  g_autofree char *xml = hangar_test_domain_xml (NAME, TRUE);

  return strstr (xml, "installing") == NULL;
}

static gboolean
medium_out_of_running_machine (gpointer data)
{
  g_autofree char *live = hangar_test_domain_xml (NAME, FALSE);

  return strstr (live, hangar_test_iso ()) == NULL;
}

static void
test_reboot_with_app (void)
{
  g_autofree char *defined = NULL;
  g_autofree char *live = NULL;
  LogWait toast = { app_log_length (), "Toast: “" NAME "” is installed" };

  g_assert_nonnull (app);
  /* As an installer does at its end. */
  hangar_test_guest_run (guest, "reboot -f");
  hangar_test_assert_eventually (installation_over, NULL, 60, "the app to end the installation");
  hangar_test_assert_eventually (log_has, &toast, 30, "the app to say so");

  defined = hangar_test_domain_xml (NAME, TRUE);
  g_test_message ("after: %s", defined);
  g_assert_null (strstr (defined, hangar_test_iso ()));
  g_assert_null (strstr (defined, "<boot dev='cdrom'/>"));
  g_assert_nonnull (strstr (defined, "<boot dev='hd'/>"));
  g_assert_nonnull (strstr (defined, "device='cdrom'"));
  g_assert_nonnull (strstr (defined, "<on_reboot>restart</on_reboot>"));
  /* Out of the running machine too (the tracker may eject it there after
   * the definition has changed): it went on from its disk. */
  hangar_test_assert_eventually (medium_out_of_running_machine, NULL, 30,
                                 "the installer medium out of the running machine");
  live = hangar_test_domain_xml (NAME, FALSE);
  g_assert_null (strstr (live, hangar_test_iso ()));
  g_assert_cmpint (hangar_test_domain_state (NAME), ==, VIR_DOMAIN_RUNNING);
  save_screen ("app-launch-installed");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hangar_test_init (&argc, &argv);
  hangar_test_session_setup ();
  guest = hangar_test_guest_for_machine (NAME);
  app_log = g_build_filename (hangar_test_artifacts_dir (), "app-launch-hangar.log", NULL);
  g_unlink (app_log);

  g_test_add_func ("/hangar/app-launch/e2e/reboot-without-app", test_reboot_without_app);
  g_test_add_func ("/hangar/app-launch/e2e/open-first-launch", test_open_first_launch);
  g_test_add_func ("/hangar/app-launch/e2e/open-app-running", test_open_app_running);
  g_test_add_func ("/hangar/app-launch/e2e/reboot-with-app", test_reboot_with_app);
  status = g_test_run ();

  if (app != NULL)
    {
      g_subprocess_send_signal (app, SIGTERM);
      g_subprocess_wait (app, NULL, NULL);
      g_clear_object (&app);
    }
  hangar_test_guest_free (guest);
  hangar_test_clean_session ();
  g_free (app_log);
  return status;
}
