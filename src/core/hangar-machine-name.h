/* hangar-machine-name.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest name libvirt 9.0's session driver can store, in bytes: it
 * writes NAME.xml.new in its configuration folder, and a file name holds at
 * most 255 bytes. Measured: 247 bytes define, 248 fail. */
#define HANGAR_MACHINE_NAME_MAX_BYTES 247

#define HANGAR_MACHINE_NAME_ERROR (hangar_machine_name_error_quark ())

/**
 * HangarMachineNameError:
 * @HANGAR_MACHINE_NAME_ERROR_EMPTY: no name at all
 * @HANGAR_MACHINE_NAME_ERROR_NOT_TEXT: not valid UTF-8
 * @HANGAR_MACHINE_NAME_ERROR_SLASH: holds “/”
 * @HANGAR_MACHINE_NAME_ERROR_DOTS: is “.” or “..”, or a snapshot's name starts with “.”
 * @HANGAR_MACHINE_NAME_ERROR_SPACE_AT_END: begins or ends with white space
 * @HANGAR_MACHINE_NAME_ERROR_TOO_LONG: longer than %HANGAR_MACHINE_NAME_MAX_BYTES
 * @HANGAR_MACHINE_NAME_ERROR_INVISIBLE: holds a control, format, bidirectional,
 *   separator, unassigned, private-use or noncharacter code point
 * @HANGAR_MACHINE_NAME_ERROR_CUT: libvirt's 20-byte short name would end
 *   inside a character
 * @HANGAR_MACHINE_NAME_ERROR_TAKEN: another machine (or snapshot) has it
 */
typedef enum
{
  HANGAR_MACHINE_NAME_ERROR_EMPTY,
  HANGAR_MACHINE_NAME_ERROR_NOT_TEXT,
  HANGAR_MACHINE_NAME_ERROR_SLASH,
  HANGAR_MACHINE_NAME_ERROR_DOTS,
  HANGAR_MACHINE_NAME_ERROR_SPACE_AT_END,
  HANGAR_MACHINE_NAME_ERROR_TOO_LONG,
  HANGAR_MACHINE_NAME_ERROR_INVISIBLE,
  HANGAR_MACHINE_NAME_ERROR_CUT,
  HANGAR_MACHINE_NAME_ERROR_TAKEN,
} HangarMachineNameError;

/**
 * HangarNameKind:
 * @HANGAR_NAME_KIND_MACHINE: a machine's name (libvirt's domain name)
 * @HANGAR_NAME_KIND_SNAPSHOT: a snapshot's name (libvirt's, and the qcow2 tag)
 * @HANGAR_NAME_KIND_SNAPSHOT_TITLE: a snapshot's title (its description)
 */
typedef enum
{
  HANGAR_NAME_KIND_MACHINE,
  HANGAR_NAME_KIND_SNAPSHOT,
  HANGAR_NAME_KIND_SNAPSHOT_TITLE,
} HangarNameKind;

GQuark   hangar_machine_name_error_quark (void);

gboolean hangar_machine_name_check    (const char     *name,
                                       GError        **error);
gboolean hangar_name_check            (HangarNameKind  kind,
                                       const char     *name,
                                       GError        **error);

char *hangar_machine_name_from_default (const char *text);
char *hangar_machine_name_pick      (const char *base,
                                     GHashTable *taken);
char *hangar_machine_name_reserve   (const char *base,
                                     GHashTable *taken);
gboolean hangar_machine_name_reserve_exact (const char *name,
                                            GHashTable *taken);
void  hangar_machine_name_release   (const char *name);

G_END_DECLS
