/* hangar-name-dialog.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/**
 * HangarNameDialogMode:
 * @HANGAR_NAME_DIALOG_RENAME: give the machine a new name
 * @HANGAR_NAME_DIALOG_CLONE: make a copy of the machine under a new name
 */
typedef enum
{
  HANGAR_NAME_DIALOG_RENAME,
  HANGAR_NAME_DIALOG_CLONE,
} HangarNameDialogMode;

#define HANGAR_TYPE_NAME_DIALOG (hangar_name_dialog_get_type ())

G_DECLARE_FINAL_TYPE (HangarNameDialog, hangar_name_dialog, HANGAR, NAME_DIALOG, AdwWindow)

HangarNameDialog *hangar_name_dialog_new       (GtkWindow            *parent,
                                                HangarCollection     *collection,
                                                HangarMachine        *machine,
                                                HangarNameDialogMode  mode);
void              hangar_name_dialog_set_text  (HangarNameDialog     *self,
                                                const char           *text);
gboolean          hangar_name_dialog_get_can_apply (HangarNameDialog *self);
const char       *hangar_name_dialog_get_error (HangarNameDialog     *self);
gboolean          hangar_name_dialog_get_busy  (HangarNameDialog     *self);

G_END_DECLS
