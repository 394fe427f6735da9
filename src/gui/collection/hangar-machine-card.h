/* hangar-machine-card.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "hangar-types.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_MACHINE_CARD (hangar_machine_card_get_type ())

G_DECLARE_FINAL_TYPE (HangarMachineCard, hangar_machine_card, HANGAR, MACHINE_CARD, GtkWidget)

HangarMachineCard *hangar_machine_card_new            (void);
HangarMachine     *hangar_machine_card_get_machine    (HangarMachineCard *self);
void               hangar_machine_card_set_machine    (HangarMachineCard *self,
                                                       HangarMachine     *machine);
const char        *hangar_machine_card_get_state_text (HangarMachineCard *self);
GtkWidget         *hangar_machine_card_get_health_badge (HangarMachineCard *self);
gboolean           hangar_machine_card_get_action_enabled (HangarMachineCard *self,
                                                           const char        *action_name);
void               hangar_machine_card_set_compact    (HangarMachineCard *self,
                                                       gboolean           compact);
void               hangar_machine_card_popup_menu     (HangarMachineCard *self);
void               hangar_machine_card_set_thumbnailer (HangarMachineCard *self,
                                                        HangarThumbnailer *thumbnailer);
GdkTexture        *hangar_machine_card_get_thumbnail  (HangarMachineCard *self);
void               hangar_machine_card_set_selection_mode (HangarMachineCard *self,
                                                           gboolean           selection_mode,
                                                           gboolean           selected);
gboolean           hangar_machine_card_get_selected   (HangarMachineCard *self);

G_END_DECLS
