/* hangar-vm-creator.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "hangar-vm-settings.h"
#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_VM_CREATOR_ERROR (hangar_vm_creator_error_quark ())

/**
 * HangarVmCreatorError:
 * @HANGAR_VM_CREATOR_ERROR_INVALID: the request cannot be met as asked (a
 *   "Try it" machine with a disk, or one that is not started)
 * @HANGAR_VM_CREATOR_ERROR_NAME: no free name was found
 * @HANGAR_VM_CREATOR_ERROR_DEFINE: libvirt refused the machine's definition
 * @HANGAR_VM_CREATOR_ERROR_START: the machine could not be started
 * @HANGAR_VM_CREATOR_ERROR_INJECTED: a failure injected by a test
 *   (hangar_vm_creator_set_fail_step())
 *
 * Storage failures come as %HANGAR_STORAGE_ERROR, builder failures as
 * %HANGAR_VM_CONFIG_ERROR, cancellation as %G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  HANGAR_VM_CREATOR_ERROR_INVALID,
  HANGAR_VM_CREATOR_ERROR_NAME,
  HANGAR_VM_CREATOR_ERROR_DEFINE,
  HANGAR_VM_CREATOR_ERROR_START,
  HANGAR_VM_CREATOR_ERROR_INJECTED,
} HangarVmCreatorError;

/**
 * HangarVmCreatorStep:
 * @HANGAR_VM_CREATOR_STEP_NONE: not started yet
 * @HANGAR_VM_CREATOR_STEP_NAME: choosing a free name
 * @HANGAR_VM_CREATOR_STEP_POOL: finding or making the storage pool
 * @HANGAR_VM_CREATOR_STEP_VOLUME: creating the disk
 * @HANGAR_VM_CREATOR_STEP_CONFIG: building the machine's configuration
 * @HANGAR_VM_CREATOR_STEP_DEFINE: defining the machine
 * @HANGAR_VM_CREATOR_STEP_START: starting it
 * @HANGAR_VM_CREATOR_STEP_DONE: created (and started when asked)
 * @HANGAR_VM_CREATOR_STEP_ROLLBACK: undoing what was done after a failure or
 *   a cancellation
 * @HANGAR_VM_CREATOR_STEP_FAILED: undone; nothing is left
 *
 * A "Try it" machine skips the pool, volume and define steps.
 */
typedef enum
{
  HANGAR_VM_CREATOR_STEP_NONE,
  HANGAR_VM_CREATOR_STEP_NAME,
  HANGAR_VM_CREATOR_STEP_POOL,
  HANGAR_VM_CREATOR_STEP_VOLUME,
  HANGAR_VM_CREATOR_STEP_CONFIG,
  HANGAR_VM_CREATOR_STEP_DEFINE,
  HANGAR_VM_CREATOR_STEP_START,
  HANGAR_VM_CREATOR_STEP_DONE,
  HANGAR_VM_CREATOR_STEP_ROLLBACK,
  HANGAR_VM_CREATOR_STEP_FAILED,
} HangarVmCreatorStep;

#define HANGAR_TYPE_VM_CREATOR_STEP (hangar_vm_creator_step_get_type ())
#define HANGAR_TYPE_VM_CREATOR (hangar_vm_creator_get_type ())

G_DECLARE_FINAL_TYPE (HangarVmCreator, hangar_vm_creator, HANGAR, VM_CREATOR, GObject)

GQuark               hangar_vm_creator_error_quark     (void);
GType                hangar_vm_creator_step_get_type   (void);
const char          *hangar_vm_creator_step_to_nick    (HangarVmCreatorStep      step);
gboolean             hangar_vm_creator_step_from_nick  (const char              *nick,
                                                        HangarVmCreatorStep     *step);

HangarVmCreator     *hangar_vm_creator_new             (HangarConnection        *connection,
                                                        const HangarOsProfile   *profile,
                                                        const HangarVmSettings  *settings);
const HangarOsProfile  *hangar_vm_creator_get_profile  (HangarVmCreator         *self);
const HangarVmSettings *hangar_vm_creator_get_settings (HangarVmCreator         *self);
void                 hangar_vm_creator_set_transient   (HangarVmCreator         *self,
                                                        gboolean                 transient);
gboolean             hangar_vm_creator_get_transient   (HangarVmCreator         *self);
HangarVmCreatorStep  hangar_vm_creator_get_step        (HangarVmCreator         *self);
double               hangar_vm_creator_get_fraction    (HangarVmCreator         *self);
const char          *hangar_vm_creator_get_name        (HangarVmCreator         *self);
GVirDomain          *hangar_vm_creator_get_domain      (HangarVmCreator         *self);

void                 hangar_vm_creator_set_existing_disk (HangarVmCreator    *self,
                                                          const char         *path,
                                                          gboolean            raw);
void                 hangar_vm_creator_set_fail_step   (HangarVmCreator         *self,
                                                        HangarVmCreatorStep      step);

void                 hangar_vm_creator_create_async    (HangarVmCreator         *self,
                                                        gboolean                 start,
                                                        GCancellable            *cancellable,
                                                        GAsyncReadyCallback      callback,
                                                        gpointer                 user_data);
GVirDomain          *hangar_vm_creator_create_finish   (HangarVmCreator         *self,
                                                        GAsyncResult            *result,
                                                        GError                 **error);

void                 hangar_vm_creator_keep_async      (HangarVmCreator         *self,
                                                        guint64                  disk_gib,
                                                        GCancellable            *cancellable,
                                                        GAsyncReadyCallback      callback,
                                                        gpointer                 user_data);
gboolean             hangar_vm_creator_keep_finish     (HangarVmCreator         *self,
                                                        GAsyncResult            *result,
                                                        GError                 **error);

G_END_DECLS
