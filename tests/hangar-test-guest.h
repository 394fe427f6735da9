/* hangar-test-guest.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libvirt-gobject/libvirt-gobject.h>

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

void             hangar_test_virsh               (const char      *first_arg,
                                                  ...) G_GNUC_NULL_TERMINATED;
char            *hangar_test_virsh_output        (const char      *first_arg,
                                                  ...) G_GNUC_NULL_TERMINATED;
HangarTestGuest *hangar_test_guest_new           (const char      *name,
                                                  gboolean         interactive);
void             hangar_test_guest_free          (HangarTestGuest *guest);
void             hangar_test_guest_define        (HangarTestGuest *guest);
char            *hangar_test_guest_read_console  (HangarTestGuest *guest);
guint            hangar_test_guest_count_in_log  (HangarTestGuest *guest,
                                                  const char      *needle);
char            *hangar_test_guest_wait_line     (HangarTestGuest *guest,
                                                  const char      *prefix,
                                                  guint            nth,
                                                  guint            timeout_s);
void             hangar_test_guest_run           (HangarTestGuest *guest,
                                                  const char      *command);
GBytes          *hangar_test_guest_screenshot    (GVirConnection  *gvir,
                                                  GVirDomain      *domain,
                                                  char           **mime);
void             hangar_test_wait_virsh_state    (const char      *name,
                                                  const char      *state,
                                                  guint            timeout_s);
void             hangar_test_wait_card_state     (HangarWindow    *window,
                                                  const char      *name,
                                                  const char      *state,
                                                  guint            timeout_s);
void             hangar_test_stop_app            (HangarApplication *app,
                                                  HangarWindow      *window);
void             hangar_test_remove_machine      (const char      *name);
void             hangar_test_tolerate_unknown_events (void);
HangarConnection *hangar_test_connection_open    (const char      *uri);
HangarApplication *hangar_test_start_app         (HangarWindow   **window);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarTestGuest, hangar_test_guest_free)

G_END_DECLS
