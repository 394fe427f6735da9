/* hangarctl-session.h
 *
 * What hangarctl's machine commands share: the connection opened as the app
 * opens it, one machine found by name, and waiting for an async result.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hangar-connection.h"
#include "hangar-machine.h"

G_BEGIN_DECLS

typedef struct
{
  const char       *command;     /* for messages: "hangarctl COMMAND: …" */
  GMainLoop        *loop;
  HangarConnection *connection;
  HangarMachine    *machine;
  GAsyncResult     *result;
} HangarctlSession;

GSettings        *hangarctl_settings_new (void);
HangarConnection *hangarctl_connect      (const char       *command);

gboolean      hangarctl_session_open    (HangarctlSession  *session,
                                         const char        *command,
                                         const char        *machine_name);
void          hangarctl_session_close   (HangarctlSession  *session);
GAsyncResult *hangarctl_session_wait    (HangarctlSession  *session);
void          hangarctl_session_done    (GObject           *object,
                                         GAsyncResult      *result,
                                         gpointer           user_data);
char         *hangarctl_summary_with_names (const char *summary);
int           hangarctl_fail            (const char        *command,
                                         const char        *message);
int           hangarctl_usage_error     (const char        *command,
                                         const char        *message);
gboolean      hangarctl_parse_options   (const char        *command,
                                         const char        *parameters,
                                         const char        *summary,
                                         const GOptionEntry *entries,
                                         int                min_args,
                                         int                max_args,
                                         const char        *wrong_count,
                                         int               *argc,
                                         char            ***argv);

GCancellable *hangarctl_cancel_on_signals (void);
int           hangarctl_signal_status   (int                status);
void          hangarctl_signals_clear   (void);
void          hangarctl_cancel_on_lost  (HangarConnection  *connection);
void          hangarctl_lost_error      (GError           **error);

G_END_DECLS
