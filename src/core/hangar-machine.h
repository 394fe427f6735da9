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

#define HANGAR_MACHINE_ERROR (hangar_machine_error_quark ())

/**
 * HangarMachineError:
 * @HANGAR_MACHINE_ERROR_FAILED: libvirt refused the operation; the message says why
 * @HANGAR_MACHINE_ERROR_STATE: the machine is not in a state that allows the
 *   operation (running when it must be shut off, or the reverse)
 * @HANGAR_MACHINE_ERROR_SHUTDOWN_TIMEOUT: the guest did not stop within the
 *   time given to Shut Down (hangar_machine_run_async()); it may still be running,
 *   and forcing it off is the way out
 * @HANGAR_MACHINE_ERROR_NAME: a new name is not valid, or already taken
 * @HANGAR_MACHINE_ERROR_NOT_SUPPORTED: the machine cannot do this at all
 *   (a snapshot of a disk not in qcow2, a clone of a disk outside Hangar's pool)
 * @HANGAR_MACHINE_ERROR_NOT_FOUND: no such snapshot
 *
 * Cancellation comes as %G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  HANGAR_MACHINE_ERROR_FAILED,
  HANGAR_MACHINE_ERROR_STATE,
  HANGAR_MACHINE_ERROR_SHUTDOWN_TIMEOUT,
  HANGAR_MACHINE_ERROR_NAME,
  HANGAR_MACHINE_ERROR_NOT_SUPPORTED,
  HANGAR_MACHINE_ERROR_NOT_FOUND,
} HangarMachineError;

/**
 * HangarSnapshot:
 * @name: libvirt's name for the snapshot: its identity, fixed when taken
 *   (internal qcow2 snapshots carry it inside the disk image; the files
 *   kept for a UEFI machine's snapshot are named after it)
 * @title: what users see and may change (hangar_machine_rename_snapshot_async());
 *   kept as the snapshot's description
 * @creation_time: when it was taken, in seconds since the epoch
 * @state: the machine's state when it was taken: %HANGAR_MACHINE_STATE_RUNNING
 *   and %HANGAR_MACHINE_STATE_PAUSED snapshots hold the memory too (a UEFI
 *   machine's, taken running or paused, says %HANGAR_MACHINE_STATE_RUNNING;
 *   reverting brings back either)
 * @current: whether it is the snapshot the machine's state derives from
 * @parent: (nullable): the name of the snapshot it was taken after
 *
 * One snapshot of a machine, as hangar_machine_list_snapshots_finish() reads it.
 */
typedef struct
{
  char               *name;
  char               *title;
  gint64              creation_time;
  HangarMachineState  state;
  gboolean            current;
  char               *parent;
} HangarSnapshot;

/**
 * HangarProgressFunc:
 * @fraction: how much of the work is done, from 0 to 1; never less than the
 *   last time
 * @user_data: the data given with the function
 *
 * Told, in the main thread, how a long operation goes.
 */
typedef void (*HangarProgressFunc) (double   fraction,
                                    gpointer user_data);

#define HANGAR_TYPE_SNAPSHOT (hangar_snapshot_get_type ())
#define HANGAR_TYPE_MACHINE_STATE (hangar_machine_state_get_type ())
#define HANGAR_TYPE_MACHINE (hangar_machine_get_type ())

G_DECLARE_FINAL_TYPE (HangarMachine, hangar_machine, HANGAR, MACHINE, GObject)

GQuark              hangar_machine_error_quark         (void);
GType               hangar_machine_state_get_type      (void);
GType               hangar_snapshot_get_type           (void);
HangarSnapshot     *hangar_snapshot_copy               (const HangarSnapshot *snapshot);
void                hangar_snapshot_free               (HangarSnapshot     *snapshot);
const char         *hangar_machine_state_to_label      (HangarMachineState  state);
const char         *hangar_machine_state_to_nick       (HangarMachineState  state);

HangarMachine      *hangar_machine_new                 (GVirDomain         *domain);
GVirDomain         *hangar_machine_get_domain          (HangarMachine      *self);
const char         *hangar_machine_get_name            (HangarMachine      *self);
const char         *hangar_machine_get_uuid            (HangarMachine      *self);
HangarMachineState  hangar_machine_get_state           (HangarMachine      *self);
gboolean            hangar_machine_get_persistent      (HangarMachine      *self);
const char         *hangar_machine_get_sort_key        (HangarMachine      *self);
const char         *hangar_machine_get_os_name         (HangarMachine      *self);
const char         *hangar_machine_get_os_id           (HangarMachine      *self);
gint64              hangar_machine_get_last_used       (HangarMachine      *self);
gboolean            hangar_machine_get_installing      (HangarMachine      *self);
gboolean            hangar_machine_get_throwaway       (HangarMachine      *self);
gboolean            hangar_machine_is_gone             (HangarMachine      *self);
char               *hangar_machine_fold_search_text    (const char         *text);
gboolean            hangar_machine_matches_search      (HangarMachine      *self,
                                                        const char         *folded_query);
int                 hangar_machine_compare             (HangarMachine      *a,
                                                        HangarMachine      *b,
                                                        gboolean            by_last_used);

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
void                hangar_machine_discard_saved_state_async (HangarMachine       *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            hangar_machine_discard_saved_state_finish (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void                hangar_machine_delete_async            (HangarMachine       *self,
                                                            gboolean             keep_disk,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            hangar_machine_delete_finish           (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void                hangar_machine_rename_async            (HangarMachine       *self,
                                                            const char          *new_name,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            hangar_machine_rename_finish           (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void                hangar_machine_clone_async             (HangarMachine       *self,
                                                            const char          *name,
                                                            HangarProgressFunc   progress,
                                                            gpointer             progress_data,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
char *              hangar_machine_clone_finish            (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void                hangar_machine_screenshot_async        (HangarMachine       *self,
                                                            guint                screen,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
GBytes *            hangar_machine_screenshot_finish       (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            char               **mime_type,
                                                            GError             **error);

void                hangar_machine_take_snapshot_async     (HangarMachine       *self,
                                                            const char          *name,
                                                            const char          *title,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
char *              hangar_machine_take_snapshot_finish    (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void                hangar_machine_check_snapshots_async   (HangarMachine       *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            hangar_machine_check_snapshots_finish  (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void                hangar_machine_list_snapshots_async    (HangarMachine       *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
GPtrArray *         hangar_machine_list_snapshots_finish   (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void                hangar_machine_revert_snapshot_async   (HangarMachine       *self,
                                                            const char          *name,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            hangar_machine_revert_snapshot_finish  (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void                hangar_machine_rename_snapshot_async   (HangarMachine       *self,
                                                            const char          *name,
                                                            const char          *title,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            hangar_machine_rename_snapshot_finish  (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void                hangar_machine_delete_snapshot_async   (HangarMachine       *self,
                                                            const char          *name,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean            hangar_machine_delete_snapshot_finish  (HangarMachine       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarSnapshot, hangar_snapshot_free)

G_END_DECLS
