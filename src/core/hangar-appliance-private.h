/* hangar-appliance-private.h
 *
 * Between hangar-appliance.c (the description) and hangar-appliance-archive.c
 * (the files).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hangar-appliance.h"

G_BEGIN_DECLS

/* The largest description read: far above any real one. */
#define HANGAR_APPLIANCE_MAX_OVF_BYTES (4 * 1024 * 1024)

HangarAppliance *hangar_appliance_new_empty  (void);
gboolean         hangar_appliance_set_error  (GError     **error,
                                              int          code,
                                              const char  *format,
                                              ...) G_GNUC_PRINTF (3, 4);

const char      *hangar_appliance_os_id_for      (const char *vbox_type,
                                                  const char *vmware_type,
                                                  guint64     cim_code);
void             hangar_appliance_os_ids_foreach (GFunc       func,
                                                  gpointer    user_data);

/* hangar-appliance-signature.c */
gboolean         hangar_appliance_check_signature (const char  *cert,
                                                   gsize        cert_length,
                                                   const char  *manifest_name,
                                                   const char  *manifest,
                                                   gsize        manifest_length,
                                                   char       **signer,
                                                   gboolean    *trusted,
                                                   GError     **error);

G_END_DECLS
