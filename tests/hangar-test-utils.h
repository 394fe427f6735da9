/* hangar-test-utils.h
 *
 * Test helpers without GTK: waits, async results, tools, the isolated session.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>
#include <libvirt-gobject/libvirt-gobject.h>

#include "hangar-machine.h"
#include "hangar-types.h"
#include "hangar-vm-settings.h"

G_BEGIN_DECLS

typedef gboolean (*HangarTestPredicate) (gpointer user_data);

void          hangar_test_init              (int                  *argc,
                                             char               ***argv);
void          hangar_test_init_libvirt      (int                  *argc,
                                             char               ***argv);
char         *hangar_test_init_libvirt_isolated (int              *argc,
                                             char               ***argv);
int           hangar_test_run_isolated      (char                 *data_dir);
void          hangar_test_keep_pool_threads (void);
const char   *hangar_test_artifacts_dir     (void);

gboolean      hangar_test_wait_until        (HangarTestPredicate   predicate,
                                             gpointer              user_data,
                                             guint                 timeout_s);
gboolean      hangar_test_pointer_cleared   (gpointer              weak_pointer);
void          hangar_test_assert_finalized_eventually (gpointer    object,
                                             guint                 timeout_s);

void          hangar_test_async_done        (GObject              *source,
                                             GAsyncResult         *result,
                                             gpointer              user_data);
GAsyncResult *hangar_test_await             (void);
void          hangar_test_async_clear       (void);

char         *hangar_test_spawn_capture     (const char * const   *argv,
                                             const char * const   *envp,
                                             int                  *status,
                                             char                **err);
char         *hangar_test_run_tool          (const char * const   *argv);
void          hangar_test_virsh             (const char           *first_arg,
                                             ...) G_GNUC_NULL_TERMINATED;
char         *hangar_test_virsh_output      (const char           *first_arg,
                                             ...) G_GNUC_NULL_TERMINATED;
char         *hangar_test_virsh_try         (const char           *first_arg,
                                             ...) G_GNUC_NULL_TERMINATED;
char         *hangar_test_disk_source       (const char           *name,
                                             const char           *target);
GStrv         hangar_test_virsh_lines       (const char           *first_arg,
                                             ...) G_GNUC_NULL_TERMINATED;
int           hangar_test_ctl               (const char * const   *args,
                                             char                **out,
                                             char                **err);
int           hangar_test_ctl_with_env      (const char * const   *envp,
                                             const char * const   *args,
                                             char                **out,
                                             char                **err);
void          hangar_test_assert_ctl_error  (const char           *err,
                                             const char           *command);
void          hangar_test_remove_tree       (const char           *path);
char         *hangar_test_work_file         (const char           *name);
const char   *hangar_test_work_dir          (void);
void          hangar_test_work_dir_remove   (void);
void          hangar_test_run               (const char           *first,
                                             ...) G_GNUC_NULL_TERMINATED;
char         *hangar_test_checksum_file     (const char           *path);
char         *hangar_test_isolate_data_dir  (void);

/* The isolated session (tests/harness/hangar-test-session) */
const char       *hangar_test_iso                    (void);
const char       *hangar_test_session_setup          (void);
virConnectPtr     hangar_test_session_conn           (void);
HangarConnection *hangar_test_connection_open        (const char          *uri);
HangarConnection *hangar_test_session_connection     (void);
int               hangar_test_domain_state           (const char          *name);
gboolean          hangar_test_domain_exists          (const char          *name);
gboolean          hangar_test_domain_persistent      (const char          *name);
gboolean          hangar_test_domain_has_saved_state (const char          *name);
char             *hangar_test_domain_xml             (const char          *name,
                                                      gboolean             inactive);
HangarMachine    *hangar_test_machine_for            (const char          *name);
HangarVmSettings *hangar_test_vm_settings            (const char          *name,
                                                      guint64              disk_gib);
HangarVmCreator  *hangar_test_new_creator            (const HangarVmSettings *settings);
GVirDomain       *hangar_test_create                 (HangarVmCreator     *creator,
                                                      gboolean             start,
                                                      GCancellable        *cancellable,
                                                      GError             **error);
void              hangar_test_create_machine         (const char          *name,
                                                      HangarFirmware       firmware,
                                                      gboolean             start);
char             *hangar_test_pool_file              (const char          *file);
guint             hangar_test_pool_files             (void);
void              hangar_test_assert_session_empty   (void);
void              hangar_test_clean_session          (void);
gboolean          hangar_test_is_safe_volume_name    (const char          *file);
void              hangar_test_wait_machine_state     (HangarCollection    *collection,
                                                      const char          *name,
                                                      HangarMachineState   state,
                                                      guint                timeout_s);
void              hangar_test_wait_machine_gone      (HangarCollection    *collection,
                                                      const char          *name,
                                                      guint                timeout_s);
char             *hangar_test_machine_names          (GListModel          *machines,
                                                      const char          *separator);
GVirDomain       *hangar_test_define_test_domain     (GVirConnection      *gvir,
                                                      const char          *name,
                                                      const char          *metadata);

#define hangar_test_assert_eventually(predicate, data, timeout_s, what)            \
  G_STMT_START {                                                                    \
    if (!hangar_test_wait_until ((predicate), (data), (timeout_s)))                \
      g_error ("Timed out after %u s waiting for %s", (guint) (timeout_s), (what)); \
  } G_STMT_END

/* A VirtualBox-style two-disk appliance (EFI, two adapters, USB and sound
 * not kept): its OVF, and parent/name.ova built with qemu-img and tar. */
char         *hangar_test_vbox_ovf          (const char           *disk2,
                                             const char           *disk1);
char         *hangar_test_build_ova         (const char           *parent,
                                             const char           *name,
                                             gboolean              corrupt,
                                             guint                 noise_mib);
char         *hangar_test_sign_ova          (const char           *parent,
                                             const char           *name,
                                             gboolean              bad);

void          hangar_test_allow_spice_link_cut (void);

G_END_DECLS
