/* hangar-machine.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/**
 * HangarMachineState:
 * @HANGAR_MACHINE_STATE_UNKNOWN: not read yet
 * @HANGAR_MACHINE_STATE_STOPPED: shut off
 * @HANGAR_MACHINE_STATE_RUNNING: running (or blocked on a resource)
 * @HANGAR_MACHINE_STATE_PAUSED: paused by the user
 * @HANGAR_MACHINE_STATE_SHUTTING_DOWN: the guest is shutting down
 * @HANGAR_MACHINE_STATE_SAVED: shut off with its state saved to disk
 * @HANGAR_MACHINE_STATE_SUSPENDED: suspended by the guest (power management)
 * @HANGAR_MACHINE_STATE_CRASHED: its QEMU process died
 */
typedef enum
{
  HANGAR_MACHINE_STATE_UNKNOWN,
  HANGAR_MACHINE_STATE_STOPPED,
  HANGAR_MACHINE_STATE_RUNNING,
  HANGAR_MACHINE_STATE_PAUSED,
  HANGAR_MACHINE_STATE_SHUTTING_DOWN,
  HANGAR_MACHINE_STATE_SAVED,
  HANGAR_MACHINE_STATE_SUSPENDED,
  HANGAR_MACHINE_STATE_CRASHED,
} HangarMachineState;

#define HANGAR_TYPE_MACHINE_STATE (hangar_machine_state_get_type ())
#define HANGAR_TYPE_MACHINE (hangar_machine_get_type ())

G_DECLARE_FINAL_TYPE (HangarMachine, hangar_machine, HANGAR, MACHINE, GObject)

GType               hangar_machine_state_get_type      (void);
const char         *hangar_machine_state_to_label      (HangarMachineState  state);
const char         *hangar_machine_state_to_nick       (HangarMachineState  state);

HangarMachine      *hangar_machine_new                 (GVirDomain         *domain);
GVirDomain         *hangar_machine_get_domain          (HangarMachine      *self);
const char         *hangar_machine_get_name            (HangarMachine      *self);
const char         *hangar_machine_get_uuid            (HangarMachine      *self);
HangarMachineState  hangar_machine_get_state           (HangarMachine      *self);
gboolean            hangar_machine_get_persistent      (HangarMachine      *self);
const char         *hangar_machine_get_sort_key        (HangarMachine      *self);

void                hangar_machine_refresh_async       (HangarMachine      *self,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
gboolean            hangar_machine_refresh_finish      (HangarMachine      *self,
                                                        GAsyncResult       *result,
                                                        GError            **error);

void                hangar_machine_open_graphics_fd_async  (HangarMachine       *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
int                 hangar_machine_open_graphics_fd_finish (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
void                hangar_machine_start_async             (HangarMachine       *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            hangar_machine_start_finish            (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

G_END_DECLS
