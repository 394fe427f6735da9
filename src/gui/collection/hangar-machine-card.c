/* hangar-machine-card.c
 *
 * One machine in the collection grid: a thumbnail area, its name, and a badge
 * that follows its state.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-machine-card"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-machine-card.h"
#include "hangar-machine.h"

struct _HangarMachineCard
{
  GtkWidget      parent_instance;

  HangarMachine *machine;
  char          *state_class;

  /* Template widgets */
  GtkWidget     *thumbnail;
  GtkLabel      *badge;
  GtkLabel      *name_label;
};

G_DEFINE_FINAL_TYPE (HangarMachineCard, hangar_machine_card, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MACHINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_machine_card_update_state (HangarMachineCard *self)
{
  HangarMachineState state = HANGAR_MACHINE_STATE_UNKNOWN;
  const char *label;
  const char *name = "";
  g_autofree char *description = NULL;

  if (self->machine != NULL)
    {
      state = hangar_machine_get_state (self->machine);
      name = hangar_machine_get_name (self->machine);
    }

  label = hangar_machine_state_to_label (state);
  gtk_label_set_label (self->badge, label);
  gtk_widget_set_visible (GTK_WIDGET (self->badge), *label != '\0');

  /* One style class per state ("running", "paused", …) colours the badge. */
  if (self->state_class != NULL)
    gtk_widget_remove_css_class (self->thumbnail, self->state_class);
  g_free (self->state_class);
  self->state_class = g_strdup (hangar_machine_state_to_nick (state));
  gtk_widget_add_css_class (self->thumbnail, self->state_class);

  /* Translators: the accessible name of a machine in the collection: "Name, State" */
  description = *label != '\0' ? g_strdup_printf (C_("machine card", "%s, %s"), name, label)
                               : g_strdup (name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
}

HangarMachineCard *
hangar_machine_card_new (void)
{
  return g_object_new (HANGAR_TYPE_MACHINE_CARD, NULL);
}

/**
 * hangar_machine_card_get_machine:
 * @self: a #HangarMachineCard
 *
 * Returns: (transfer none) (nullable): the machine shown
 */
HangarMachine *
hangar_machine_card_get_machine (HangarMachineCard *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE_CARD (self), NULL);

  return self->machine;
}

/**
 * hangar_machine_card_get_state_text:
 * @self: a #HangarMachineCard
 *
 * Returns: the state as the card shows it
 */
const char *
hangar_machine_card_get_state_text (HangarMachineCard *self)
{
  g_return_val_if_fail (HANGAR_IS_MACHINE_CARD (self), NULL);

  return gtk_label_get_label (self->badge);
}

void
hangar_machine_card_set_machine (HangarMachineCard *self,
                                 HangarMachine     *machine)
{
  g_return_if_fail (HANGAR_IS_MACHINE_CARD (self));
  g_return_if_fail (!machine || HANGAR_IS_MACHINE (machine));

  if (self->machine == machine)
    return;

  if (self->machine != NULL)
    g_signal_handlers_disconnect_by_data (self->machine, self);

  g_set_object (&self->machine, machine);

  if (machine != NULL)
    {
      gtk_label_set_label (self->name_label, hangar_machine_get_name (machine));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label),
                                   hangar_machine_get_name (machine));
      g_signal_connect_swapped (machine, "notify::state",
                                G_CALLBACK (hangar_machine_card_update_state), self);
    }
  else
    {
      gtk_label_set_label (self->name_label, "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), NULL);
    }

  hangar_machine_card_update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MACHINE]);
}

static void
hangar_machine_card_dispose (GObject *object)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (object);

  hangar_machine_card_set_machine (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_MACHINE_CARD);

  G_OBJECT_CLASS (hangar_machine_card_parent_class)->dispose (object);
}

static void
hangar_machine_card_finalize (GObject *object)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (object);

  g_clear_pointer (&self->state_class, g_free);

  G_OBJECT_CLASS (hangar_machine_card_parent_class)->finalize (object);
}

static void
hangar_machine_card_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_object (value, self->machine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_machine_card_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HangarMachineCard *self = HANGAR_MACHINE_CARD (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      hangar_machine_card_set_machine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_machine_card_class_init (HangarMachineCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_machine_card_dispose;
  object_class->finalize = hangar_machine_card_finalize;
  object_class->get_property = hangar_machine_card_get_property;
  object_class->set_property = hangar_machine_card_set_property;

  properties[PROP_MACHINE] =
    g_param_spec_object ("machine", NULL, NULL, HANGAR_TYPE_MACHINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/collection/hangar-machine-card.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, badge);
  gtk_widget_class_bind_template_child (widget_class, HangarMachineCard, name_label);
  gtk_widget_class_set_css_name (widget_class, "machinecard");
}

static void
hangar_machine_card_init (HangarMachineCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
