/* test-assistant-import.c
 *
 * Importing a disk image through the new machine assistant, in the real app
 * under Xvfb on an isolated libvirt session: `hangar FILE` sends a disk image
 * to the import page and an ISO to the installation flow; the page shows
 * what qemu-img found; a copy shows qemu-img's progress and, stopped, leaves
 * nothing; a finished import opens the new machine. Screenshots of the
 * review, progress and error pages in both styles are saved as artifacts.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-assistant.h"
#include "hangar-display-page.h"
#include "hangar-machine.h"
#include "hangar-storage-pool.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-window.h"

#define MIB (1024 * 1024)

/* A raw disk: an MBR whose one partition is an EFI System Partition (type
 * 0xEF, so firmware detection says UEFI), then @random_mib MiB of random
 * bytes, which qemu-img must copy one by one. */
static char *
make_raw (const char *name,
          guint       size_mib,
          guint       random_mib)
{
  g_autofree guint8 *head = g_malloc0 (MIB);
  g_autofree char *count = g_strdup_printf ("count=%u", random_mib);
  g_autofree char *of = NULL;
  char *path = hangar_test_work_file (name);

  head[446 + 4] = 0xef;
  head[510] = 0x55;
  head[511] = 0xaa;
  g_assert_true (g_file_set_contents (path, (const char *) head, MIB, NULL));
  if (random_mib > 0)
    {
      of = g_strconcat ("of=", path, NULL);
      hangar_test_run ("dd", "if=/dev/urandom", of, "bs=1M", "seek=1", count, "conv=notrunc", "status=none",
           NULL);
    }
  g_assert_cmpint (truncate (path, (goffset) size_mib * MIB), ==, 0);
  return path;
}

static HangarAssistant *
find_assistant (HangarApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_ASSISTANT (l->data))
      return l->data;
  return NULL;
}

/* `hangar PATH`, as the desktop or a terminal gives it. */
static HangarAssistant *
open_path (HangarApplication *app,
           const char        *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GFile *files[1] = { file };
  HangarAssistant *assistant;

  g_application_open (G_APPLICATION (app), files, 1, "");
  assistant = find_assistant (app);
  g_assert_nonnull (assistant);
  return assistant;
}

typedef struct
{
  HangarAssistant *assistant;
  const char      *page;
} PageWait;

static gboolean
page_is (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (hangar_assistant_get_page (wait->assistant), wait->page) == 0;
}

static void
wait_page (HangarAssistant *assistant,
           const char      *page)
{
  PageWait wait = { assistant, page };
  g_autofree char *what = g_strdup_printf ("the assistant's “%s” page", page);

  hangar_test_assert_eventually (page_is, &wait, 60, what);
}

static void
close_assistant (HangarAssistant *assistant)
{
  g_object_add_weak_pointer (G_OBJECT (assistant), (gpointer *) &assistant);
  gtk_window_close (GTK_WINDOW (assistant));
  hangar_test_assert_eventually (hangar_test_pointer_cleared, &assistant, 10,
                                 "the assistant to close");
}

/* The first widget of @type under @root, mapped, whose title is @title (for
 * rows) or any (@title NULL). */
static GtkWidget *
find_mapped (GtkWidget  *root,
             GType       type,
             const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && gtk_widget_get_mapped (child) &&
          (title == NULL ||
           g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0))
        return child;
      if ((found = find_mapped (child, type, title)) != NULL)
        return found;
    }
  return NULL;
}

static const char *
row_subtitle (HangarAssistant *assistant,
              const char      *title)
{
  GtkWidget *row = find_mapped (GTK_WIDGET (assistant), ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static gboolean
row_sensitive (HangarAssistant *assistant,
               const char      *title)
{
  GtkWidget *row = find_mapped (GTK_WIDGET (assistant), ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  return gtk_widget_get_sensitive (row);
}

static void
set_name (HangarAssistant *assistant,
          const char      *name)
{
  GtkWidget *row = find_mapped (GTK_WIDGET (assistant), ADW_TYPE_ENTRY_ROW, "Name");

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), name);
}

/* A VMDK with an EFI System Partition: the page says VMDK, its size, UEFI
 * read from the disk, the file's name as the name, and only a copy (VMDK
 * cannot be used in place). A file that is no disk image, and an archive
 * with no appliance in it, get an error page in plain words. The live ISO goes the installation
 * way. */
static void
test_review (void)
{
  HangarWindow *window = NULL;
  g_autoptr(HangarApplication) app = hangar_test_start_app (&window);
  g_autofree char *raw = make_raw ("esp.raw", 64, 0);
  g_autofree char *vmdk = hangar_test_work_file ("Old Desktop.vmdk");
  g_autofree char *text = hangar_test_work_file ("notes.qcow2");
  g_autofree char *tar = hangar_test_work_file ("appliance.ova");
  HangarAssistant *assistant;

  hangar_test_run ("qemu-img", "convert", "-q", "-f", "raw", "-O", "vmdk", raw, vmdk, NULL);
  assistant = open_path (app, vmdk);
  wait_page (assistant, "import");
  hangar_test_wait_frames (GTK_WIDGET (assistant), 5);

  g_assert_nonnull (strstr (row_subtitle (assistant, "Format"), "VMDK"));
  g_assert_cmpstr (row_subtitle (assistant, "Disk Size"), ==, "64.0\u00a0MiB");
  g_assert_nonnull (strstr (row_subtitle (assistant, "Firmware"), "UEFI"));
  g_assert_nonnull (strstr (row_subtitle (assistant, "Operating System"), "Unknown"));
  g_assert_true (row_sensitive (assistant, "Cop_y into Hangar"));
  g_assert_false (row_sensitive (assistant, "Use in _Place"));
  g_assert_nonnull (strstr (row_subtitle (assistant, "Use in _Place"), "VMDK"));
  {
    GtkWidget *name = find_mapped (GTK_WIDGET (assistant), ADW_TYPE_ENTRY_ROW, "Name");

    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "Old Desktop");
  }
  g_assert_true (gtk_widget_is_visible (hangar_test_find_widget (GTK_WIDGET (assistant),
                                                                 GTK_TYPE_BUTTON,
                                                                 "assistant.create")));
  hangar_test_screenshot_both_styles (GTK_WIDGET (assistant), "assistant-import-review");

  /* An empty name cannot be imported. */
  set_name (assistant, "  ");
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.create", NULL) &&
                  g_strcmp0 (hangar_assistant_get_page (assistant), "import") != 0);
  g_assert_cmpstr (hangar_assistant_get_page (assistant), ==, "import");
  close_assistant (assistant);

  /* Text with a disk image's name: refused for what it is. */
  g_assert_true (g_file_set_contents (text, "not a disk\n", -1, NULL));
  assistant = open_path (app, text);
  wait_page (assistant, "error");
  hangar_test_screenshot_both_styles (GTK_WIDGET (assistant), "assistant-import-error");
  close_assistant (assistant);

  /* A tar archive that is no appliance (no .ovf inside): refused, said so. */
  hangar_test_run ("tar", "-cf", tar, "-C", hangar_test_work_dir (), "esp.raw", NULL);
  assistant = open_path (app, tar);
  wait_page (assistant, "error");
  close_assistant (assistant);

  /* The live ISO takes the installation flow. */
  assistant = open_path (app, g_getenv ("HANGAR_TEST_ISO"));
  wait_page (assistant, "review");
  close_assistant (assistant);

  g_assert_cmpuint (hangar_test_pool_files (), ==, 0);
  hangar_test_stop_app (g_steal_pointer (&app), window);
}

/* A `qemu-img` first on PATH that, for `convert`, writes its pid to
 * PIDFILE and stops itself (SIGSTOP) before it becomes the real qemu-img
 * (exec keeps the pid): the test lets the copy go in slices, so it sees the
 * bar move and takes its screenshots mid-copy however fast the disk is. */
static char *
hold_convert (void)
{
  g_autofree char *bin = hangar_test_work_file ("bin");
  g_autofree char *wrapper = g_build_filename (bin, "qemu-img", NULL);
  g_autofree char *real = g_find_program_in_path ("qemu-img");
  g_autofree char *script = NULL;
  g_autofree char *path = NULL;
  char *pidfile = hangar_test_work_file ("convert.pid");

  g_assert_nonnull (real);
  g_assert_cmpint (g_mkdir_with_parents (bin, 0700), ==, 0);
  script = g_strdup_printf ("#!/bin/sh\n"
                            "if [ \"$1\" = convert ]; then echo $$ > '%s'; kill -STOP $$; fi\n"
                            "exec '%s' \"$@\"\n", pidfile, real);
  g_assert_true (g_file_set_contents (wrapper, script, -1, NULL));
  g_assert_cmpint (g_chmod (wrapper, 0700), ==, 0);
  path = g_strconcat (bin, ":", g_getenv ("PATH"), NULL);
  g_setenv ("PATH", path, TRUE);
  return pidfile;
}

static gboolean
pid_written (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_IS_REGULAR);
}

static void
test_copy_cancel (void)
{
  /* Made before the app starts: writing it takes a while. */
  g_autofree char *raw = make_raw ("big.raw", 1024, 640);
  g_autofree char *pidfile = hold_convert ();
  g_autofree char *pid_text = NULL;
  g_autofree char *before = hangar_test_checksum_file (raw);
  g_autofree char *after = NULL;
  HangarWindow *window = NULL;
  g_autoptr(HangarApplication) app = hangar_test_start_app (&window);
  HangarAssistant *assistant;
  GtkProgressBar *bar;
  GPid convert;
  double first;

  assistant = open_path (app, raw);
  wait_page (assistant, "import");
  g_assert_true (row_sensitive (assistant, "Use in _Place"));
  set_name (assistant, "Import Stopped");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.create", NULL));
  if (g_strcmp0 (hangar_assistant_get_page (assistant), "progress") != 0)
    g_test_message ("problem: %s", row_subtitle (assistant, "The machine could not be created"));
  g_assert_cmpstr (hangar_assistant_get_page (assistant), ==, "progress");

  bar = GTK_PROGRESS_BAR (find_mapped (GTK_WIDGET (assistant), GTK_TYPE_PROGRESS_BAR, NULL));
  g_assert_nonnull (bar);

  /* qemu-img convert stopped itself (hold_convert()): let go in short
   * slices until the bar moves. */
  hangar_test_assert_eventually (pid_written, pidfile, 60, "qemu-img convert to start");
  g_assert_true (g_file_get_contents (pidfile, &pid_text, NULL, NULL));
  convert = atoi (pid_text);
  g_assert_cmpint (convert, >, 0);
  for (guint slice = 0; gtk_progress_bar_get_fraction (bar) < 0.05 && slice < 2000; slice++)
    {
      g_assert_cmpint (kill (convert, SIGCONT), ==, 0);
      g_usleep (5000);
      g_assert_cmpint (kill (convert, SIGSTOP), ==, 0);
      for (gint64 end = g_get_monotonic_time () + 50000; g_get_monotonic_time () < end;)
        g_main_context_iteration (NULL, FALSE);
    }
  first = gtk_progress_bar_get_fraction (bar);
  g_test_message ("progress: %.3f", first);
  g_assert_cmpfloat (first, >=, 0.05);
  g_assert_cmpfloat (first, <, 0.9);
  hangar_test_screenshot_both_styles (GTK_WIDGET (assistant), "assistant-import-progress");
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), ==, first);

  /* Let go a little more, in slices again: the figure grows. */
  for (guint slice = 0; gtk_progress_bar_get_fraction (bar) <= first && slice < 2000; slice++)
    {
      g_assert_cmpint (kill (convert, SIGCONT), ==, 0);
      g_usleep (5000);
      g_assert_cmpint (kill (convert, SIGSTOP), ==, 0);
      for (gint64 end = g_get_monotonic_time () + 50000; g_get_monotonic_time () < end;)
        g_main_context_iteration (NULL, FALSE);
    }
  g_test_message ("then: %.3f", gtk_progress_bar_get_fraction (bar));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), >, first);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), <, 0.9);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.cancel", NULL));
  wait_page (assistant, "import");
  g_assert_false (hangar_test_domain_exists ("Import Stopped"));
  g_assert_cmpuint (hangar_test_pool_files (), ==, 0);
  {
    GtkWidget *name = find_mapped (GTK_WIDGET (assistant), ADW_TYPE_ENTRY_ROW, "Name");

    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "Import Stopped");
  }
  close_assistant (assistant);

  after = hangar_test_checksum_file (raw);
  g_assert_cmpstr (after, ==, before);
  g_unlink (raw);
  hangar_test_stop_app (g_steal_pointer (&app), window);
}

static gboolean
display_shown (gpointer data)
{
  HangarDisplayPage *page = hangar_window_get_display_page (data);

  return gtk_widget_get_mapped (GTK_WIDGET (page));
}

/* The guest's first frame is on the screen: the imported firmware ran. */
static gboolean
display_ready (gpointer data)
{
  HangarDisplayPage *page = hangar_window_get_display_page (data);
  HangarDisplay *display = hangar_display_page_get_display (page);

  return display != NULL && hangar_display_get_state (display) == HANGAR_DISPLAY_STATE_READY;
}

/* A qcow2 copied in: the machine exists with its own disk in the pool, is
 * started, and its display opens in the window. */
static void
test_copy_and_open (void)
{
  HangarWindow *window = NULL;
  g_autoptr(HangarApplication) app = hangar_test_start_app (&window);
  g_autofree char *qcow2 = hangar_test_work_file ("small.qcow2");
  g_autofree char *xml = NULL;
  g_autofree char *copy = NULL;
  HangarAssistant *assistant;

  /* The display connects while QEMU starts, and may meet a link it cut. */
  hangar_test_allow_spice_link_cut ();
  hangar_test_run ("qemu-img", "create", "-q", "-f", "qcow2", qcow2, "64M", NULL);
  assistant = open_path (app, qcow2);
  wait_page (assistant, "import");
  g_assert_nonnull (strstr (row_subtitle (assistant, "Firmware"), "BIOS"));
  set_name (assistant, "Imported");
  g_object_add_weak_pointer (G_OBJECT (assistant), (gpointer *) &assistant);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.create", NULL));
  hangar_test_assert_eventually (hangar_test_pointer_cleared, &assistant, 120,
                                 "the import to finish");

  hangar_test_wait_machine_state (hangar_application_get_collection (app), "Imported",
                                  HANGAR_MACHINE_STATE_RUNNING, 60);
  hangar_test_assert_eventually (display_shown, window, 60, "the new machine's display");
  copy = hangar_test_pool_file (NULL);
  xml = hangar_test_virsh_output ("dumpxml", "Imported", NULL);
  g_assert_nonnull (strstr (xml, copy));
  g_assert_true (g_file_test (qcow2, G_FILE_TEST_IS_REGULAR));

  hangar_test_virsh ("destroy", "Imported", NULL);
  hangar_test_virsh ("undefine", "--nvram", "--remove-all-storage", "Imported", NULL);
  hangar_test_stop_app (g_steal_pointer (&app), window);
}

/* The test suite's two-disk VirtualBox-style OVA: the page shows the
 * appliance's name, hardware, both disks and what is not kept, offers no use
 * in place; Create makes one machine with both disks in the appliance's
 * order, UEFI, started with its display shown. */
static void
test_appliance (void)
{
  HangarWindow *window = NULL;
  g_autoptr(HangarApplication) app = hangar_test_start_app (&window);
  g_autofree char *ova = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *ovf = NULL;
  g_autofree char *disk1 = NULL, *disk2 = NULL;
  const char *disks, *notes, *first, *second;
  HangarAssistant *assistant;
  GtkWidget *name;

  hangar_test_allow_spice_link_cut ();
  g_free (hangar_test_build_ova (hangar_test_work_dir (), "vbox", FALSE, 0));
  ova = hangar_test_sign_ova (hangar_test_work_dir (), "vbox", FALSE);
  assistant = open_path (app, ova);
  wait_page (assistant, "import");
  hangar_test_wait_frames (GTK_WIDGET (assistant), 5);

  name = find_mapped (GTK_WIDGET (assistant), ADW_TYPE_ENTRY_ROW, "Name");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "Appliance Test");
  g_assert_nonnull (strstr (row_subtitle (assistant, "Format"), "OVA"));
  g_assert_cmpstr (row_subtitle (assistant, "Disk Size"), ==, "96.0\u00a0MiB");
  g_assert_cmpstr (row_subtitle (assistant, "Description"), ==, "Built by a test");
  g_assert_nonnull (strstr (row_subtitle (assistant, "Memory and Processors"), "768"));
  g_assert_nonnull (strstr (row_subtitle (assistant, "Memory and Processors"), "1 processor"));
  g_assert_nonnull (strstr (row_subtitle (assistant, "Firmware"), "UEFI"));
  g_assert_nonnull (strstr (row_subtitle (assistant, "Network Adapters"), "2"));
  /* Signed with a certificate made by the test, which no authority here
   * vouches for: the signature checked, the signer named, the doubt said. */
  g_assert_cmpstr (row_subtitle (assistant, "Signature"), ==,
                   "Signed by Hangar Test Signer; no authority this computer trusts vouches for "
                   "that name");
  /* The OS the appliance declares (VirtualBox's Debian12_64): osinfo's
   * profile when this computer's database knows it, else said as declared. */
  g_assert_nonnull (strstr (row_subtitle (assistant, "Operating System"), "Debian"));
  disks = row_subtitle (assistant, "2 disks");
  g_test_message ("disks: %s", disks);
  first = strstr (disks, "Disk 1: disk1.vmdk, 64.0\u00a0MiB");
  second = strstr (disks, "Disk 2: disk2.vmdk, 32.0\u00a0MiB");
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  notes = row_subtitle (assistant, "Left Out");
  g_test_message ("notes: %s", notes);
  g_assert_nonnull (strstr (notes, "USB"));
  g_assert_false (row_sensitive (assistant, "Use in _Place"));
  g_assert_nonnull (strstr (row_subtitle (assistant, "Use in _Place"), "appliances"));
  hangar_test_screenshot_both_styles (GTK_WIDGET (assistant), "assistant-import-appliance");
  /* The page's lower half: the disks and what is not kept. */
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (find_mapped (GTK_WIDGET (assistant),
                                                                ADW_TYPE_ACTION_ROW, "Left Out"),
                                                   GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment;

    g_assert_nonnull (scrolled);
    adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  }
  hangar_test_wait_frames (GTK_WIDGET (assistant), 5);
  hangar_test_screenshot_both_styles (GTK_WIDGET (assistant), "assistant-import-appliance-notes");
  close_assistant (assistant);

  /* The same appliance as its .ovf with the disks beside it. */
  ovf = hangar_test_work_file ("vbox/a.ovf");
  assistant = open_path (app, ovf);
  wait_page (assistant, "import");
  g_assert_nonnull (strstr (row_subtitle (assistant, "Format"), "OVF"));
  g_assert_nonnull (row_subtitle (assistant, "2 disks"));
  close_assistant (assistant);

  assistant = open_path (app, ova);
  wait_page (assistant, "import");

  g_object_add_weak_pointer (G_OBJECT (assistant), (gpointer *) &assistant);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.create", NULL));
  hangar_test_assert_eventually (hangar_test_pointer_cleared, &assistant, 180,
                                 "the appliance's import to finish");
  hangar_test_wait_machine_state (hangar_application_get_collection (app), "Appliance Test",
                                  HANGAR_MACHINE_STATE_RUNNING, 60);
  hangar_test_assert_eventually (display_shown, window, 60, "the new machine's display");
  hangar_test_assert_eventually (display_ready, window, 120, "the firmware's first frame");

  xml = hangar_test_virsh_output ("dumpxml", "--inactive", "Appliance Test", NULL);
  g_assert_nonnull (strstr (xml, "firmware='efi'"));
  /* Both disks, in the appliance's order (disk 1 attached first). */
  disk1 = hangar_test_pool_file ("Appliance-Test.qcow2");
  disk2 = hangar_test_pool_file ("Appliance-Test-disk2.qcow2");
  first = strstr (xml, disk1);
  second = strstr (xml, disk2);
  if (first == NULL || second == NULL)
    g_test_message ("%s", xml);
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_true (first < second);
  g_assert_cmpuint (hangar_test_pool_files (), ==, 2);

  hangar_test_virsh ("destroy", "Appliance Test", NULL);
  hangar_test_virsh ("undefine", "--nvram", "--remove-all-storage", "Appliance Test", NULL);
  g_assert_cmpuint (hangar_test_pool_files (), ==, 0);
  hangar_test_stop_app (g_steal_pointer (&app), window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  hangar_test_init_gui (&argc, &argv);

  g_test_add_func ("/hangar/assistant-import/review", test_review);
  g_test_add_func ("/hangar/assistant-import/copy-cancel", test_copy_cancel);
  g_test_add_func ("/hangar/assistant-import/copy-and-open", test_copy_and_open);
  g_test_add_func ("/hangar/assistant-import/appliance", test_appliance);

  status = g_test_run ();
  hangar_test_work_dir_remove ();
  return status;
}
