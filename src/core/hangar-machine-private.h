/* hangar-machine-private.h
 *
 * What the files of HangarMachine share: one way to run an operation on the
 * domain in a GTask thread.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-libvirt.h"
#include "hangar-machine.h"

G_BEGIN_DECLS

typedef struct _HangarMachineOp HangarMachineOp;

/* Runs in a worker thread; blocking libvirt calls are fine there. On success
 * it may leave a result in op->result (with op->result_free). */
typedef gboolean (*HangarMachineOpFunc) (HangarMachineOp  *op,
                                         GCancellable     *cancellable,
                                         GError          **error);

struct _HangarMachineOp
{
  HangarMachineOpFunc  func;
  virDomainPtr         dom;       /* our own reference */
  char                *name;      /* the machine's name when the operation began */
  guint                number;    /* a timeout, a screen */
  gboolean             flag;      /* keep the disk */
  char                *arg1;
  char                *arg2;
  gpointer             result;
  GDestroyNotify       result_free;
  char                *mime_type;
  gpointer             data;      /* an operation's own, freed with data_free */
  GDestroyNotify       data_free;
};

gboolean         hangar_machine_fail            (GError              **error,
                                                 HangarMachineError    code,
                                                 const char           *format,
                                                 ...) G_GNUC_PRINTF (3, 4);

/* Fails with FORMAT, a translatable "…“%s”…: %s" taking the machine's name
 * and libvirt's message. */
#define FAIL_LIBVIRT(op, format, error)                                            \
  hangar_machine_fail ((error), HANGAR_MACHINE_ERROR_FAILED, (format), (op)->name, \
                       hangar_libvirt_last_message ())

void             hangar_machine_queue_refresh   (HangarMachine        *self);
void             hangar_machine_name_changed    (HangarMachine        *self);
void             hangar_machine_replace_domain  (HangarMachine        *self,
                                                 GVirDomain           *domain);
void             hangar_machine_mark_gone       (HangarMachine        *self);
HangarMachineOp *hangar_machine_op_new          (HangarMachine        *self,
                                                 HangarMachineOpFunc   func);
void             hangar_machine_op_run          (HangarMachine        *self,
                                                 HangarMachineOp      *op,
                                                 gpointer              source_tag,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean         hangar_machine_op_finish       (HangarMachine        *self,
                                                 GAsyncResult         *result,
                                                 gpointer              source_tag,
                                                 GError              **error);
gpointer         hangar_machine_op_finish_pointer (HangarMachine      *self,
                                                   GAsyncResult       *result,
                                                   gpointer            source_tag,
                                                   GError            **error);
int              hangar_machine_op_get_state    (HangarMachineOp      *op,
                                                 GError              **error);

/* The operations of the state-changing actions (hangar-machine-action.c);
 * Shut Down waits op->number seconds. */
gboolean         hangar_machine_do_start        (HangarMachineOp      *op,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
gboolean         hangar_machine_do_shutdown     (HangarMachineOp      *op,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
gboolean         hangar_machine_do_force_off    (HangarMachineOp      *op,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
gboolean         hangar_machine_do_pause        (HangarMachineOp      *op,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
gboolean         hangar_machine_do_resume       (HangarMachineOp      *op,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
gboolean         hangar_machine_do_reboot       (HangarMachineOp      *op,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
gboolean         hangar_machine_do_start_throwaway (HangarMachineOp   *op,
                                                    GCancellable      *cancellable,
                                                    GError           **error);
gboolean         hangar_machine_do_save         (HangarMachineOp      *op,
                                                 GCancellable         *cancellable,
                                                 GError              **error);

/* What hangar-machine-details.c reads in the refresh thread. */
typedef struct
{
  char     *os_id;
  char     *os_name;
  gint64    last_used;    /* seconds since the epoch; 0 when unknown */
  gboolean  installing;
} HangarMachineDetails;

void             hangar_machine_details_read    (virDomainPtr          dom,
                                                 HangarMachineDetails *details);
void             hangar_machine_details_clear   (HangarMachineDetails *details);
gboolean         hangar_machine_stamp_last_started (virDomainPtr   dom,
                                                    gint64         when,
                                                    char         **previous);
gboolean         hangar_machine_record_medium   (virDomainPtr          dom,
                                                 const char           *path,
                                                 const char           *identity);
gboolean         hangar_machine_check_media     (virDomainPtr          dom,
                                                 GError              **error);
void             hangar_machine_restore_last_started (virDomainPtr  dom,
                                                      const char   *previous);

G_END_DECLS
