/* hangar-test-guest.h
 *
 * Test helpers for a live-ISO guest and the app: consoles, windows, screenshots.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "hangar-test-utils.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TEST_BANNER "HANGAR_LIVE_READY"
#define HANGAR_TEST_SHELL_READY "HANGAR_SHELL_READY"
#define HANGAR_TEST_BOOT_TIMEOUT_S 150

typedef struct
{
  char *name;
  char *xml_path;
  char *serial_log;
  char *serial_socket;   /* NULL: the serial console only writes to the log */
  GSocketConnection *serial;
  GCancellable      *serial_cancellable;
  GString           *transcript;  /* what the console printed since we connected */
  char               buffer[4096];
} HangarTestGuest;

HangarTestGuest *hangar_test_guest_new           (const char      *name,
                                                  gboolean         interactive);
HangarTestGuest *hangar_test_guest_for_machine   (const char      *name);
void             hangar_test_guest_free          (HangarTestGuest *guest);
void             hangar_test_guest_define        (HangarTestGuest *guest);
char            *hangar_test_guest_read_console  (HangarTestGuest *guest);
guint            hangar_test_guest_count_in_log  (HangarTestGuest *guest,
                                                  const char      *needle);
void             hangar_test_guest_wait_banner   (HangarTestGuest *guest,
                                                  gint64           since);
char            *hangar_test_guest_wait_line     (HangarTestGuest *guest,
                                                  const char      *prefix,
                                                  guint            nth,
                                                  guint            timeout_s);
void             hangar_test_guest_run           (HangarTestGuest *guest,
                                                  const char      *command);
GdkPixbuf       *hangar_test_guest_screenshot    (GVirConnection  *gvir,
                                                  GVirDomain      *domain);
void             hangar_test_wait_virsh_state    (const char      *name,
                                                  const char      *state,
                                                  guint            timeout_s);
void             hangar_test_remove_machine      (const char      *name);
void             hangar_test_tolerate_unknown_events (void);

/* The app and what its windows show */
void             hangar_test_init_gui            (int             *argc,
                                                  char          ***argv);
HangarApplication *hangar_test_new_app           (HangarWindow   **window);
const char       *hangar_test_notifications_sent (void);
void              hangar_test_notifications_clear (void);
HangarApplication *hangar_test_start_app         (HangarWindow   **window);
void             hangar_test_stop_app            (HangarApplication *app,
                                                  HangarWindow      *window);
void             hangar_test_wait_card_state     (HangarWindow    *window,
                                                  const char      *name,
                                                  const char      *state,
                                                  guint            timeout_s);
void             hangar_test_wait_card_gone      (HangarWindow    *window,
                                                  const char      *name,
                                                  guint            timeout_s);
void             hangar_test_wait_shown          (HangarWindow    *window,
                                                  const char      *names,
                                                  guint            timeout_s);
void             hangar_test_wait_window_page    (HangarWindow    *window,
                                                  const char      *page,
                                                  guint            timeout_s);
void             hangar_test_wait_frames         (GtkWidget       *widget,
                                                  guint            n_frames);
GdkTexture      *hangar_test_render_widget       (GtkWidget       *widget);
char            *hangar_test_save_screenshot     (GtkWidget       *widget,
                                                  const char      *name);
char            *hangar_test_save_screenshot_now (GtkWidget       *widget,
                                                  const char      *name);
void             hangar_test_screenshot_both_styles (GtkWidget    *widget,
                                                  const char      *basename);
void             hangar_test_respond             (gpointer         message_dialog,
                                                  const char      *response);
GtkWidget       *hangar_test_find_widget         (GtkWidget       *root,
                                                  GType            type,
                                                  const char      *action_name);
gpointer         hangar_test_find_toplevel       (GType            type,
                                                  GtkWindow       *transient_for);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarTestGuest, hangar_test_guest_free)

G_END_DECLS
