/* hangar-forwards.h
 *
 * Port forwards from the host to a machine's user-mode network: the rules a
 * forward must meet and the domain XML that carries them (pure).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HANGAR_FORWARD_ERROR (hangar_forward_error_quark ())

/**
 * HangarForwardError:
 * @HANGAR_FORWARD_ERROR_INVALID: a port or address that is not one, or a
 *   host port below 1024 (only the system may listen there)
 * @HANGAR_FORWARD_ERROR_IN_USE: the host port is forwarded already, or
 *   another program listens on it
 * @HANGAR_FORWARD_ERROR_NOT_FOUND: no forward from that host port
 * @HANGAR_FORWARD_ERROR_NOT_SUPPORTED: the machine has no user-mode network
 *   card Hangar can forward to
 */
typedef enum
{
  HANGAR_FORWARD_ERROR_INVALID,
  HANGAR_FORWARD_ERROR_IN_USE,
  HANGAR_FORWARD_ERROR_NOT_FOUND,
  HANGAR_FORWARD_ERROR_NOT_SUPPORTED,
} HangarForwardError;

GQuark hangar_forward_error_quark (void);

/* The lowest host port an unprivileged user may listen on. */
#define HANGAR_FORWARD_MIN_HOST_PORT 1024
#define HANGAR_FORWARD_DEFAULT_ADDRESS "127.0.0.1"

/**
 * HangarForward:
 * @address: the host address QEMU listens on (an IPv4 address)
 * @host_port: the host's TCP port
 * @guest_port: the guest's TCP port it reaches
 * @active: %TRUE when the running machine has this forward now; %FALSE
 *   when the machine is off or the forward applies at its next start
 *
 * One TCP port forward.
 */
typedef struct
{
  char     *address;
  guint     host_port;
  guint     guest_port;
  gboolean  active;
} HangarForward;

HangarForward *hangar_forward_new              (const char     *address,
                                                guint           host_port,
                                                guint           guest_port);
HangarForward *hangar_forward_copy             (const HangarForward *forward);
void           hangar_forward_free             (HangarForward  *forward);
gboolean       hangar_forward_equal            (const HangarForward *a,
                                                const HangarForward *b);

gboolean       hangar_forward_parse_port       (const char     *text,
                                                guint          *port,
                                                GError        **error);
gboolean       hangar_forward_check            (const char     *address,
                                                guint           host_port,
                                                guint           guest_port,
                                                GError        **error);
gboolean       hangar_forward_is_loopback      (const char     *address);
gboolean       hangar_forward_check_free       (const char     *address,
                                                guint           host_port,
                                                GError        **error);

GPtrArray     *hangar_forwards_from_xml        (const char     *domain_xml,
                                                GError        **error);
char          *hangar_forwards_apply_xml       (const char     *domain_xml,
                                                GPtrArray      *forwards,
                                                GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarForward, hangar_forward_free)

G_END_DECLS
