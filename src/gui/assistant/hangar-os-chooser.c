/* hangar-os-chooser.c
 *
 * The operating system picked by hand: libosinfo's systems by name, searched
 * as typed; a click or Enter on the first one found picks it.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-assistant"

#include "config.h"

#include "hangar-os-chooser.h"
#include "hangar-os-profile.h"

struct _HangarOsChooser
{
  GtkWidget        parent_instance;

  GPtrArray       *oses;     /* HangarOsProfile */
  GtkStringFilter *filter;

  /* Template widgets */
  GtkSearchEntry  *search_entry;
  GtkListView     *list_view;
};

G_DEFINE_FINAL_TYPE (HangarOsChooser, hangar_os_chooser, GTK_TYPE_WIDGET)

enum {
  OS_PICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_search_changed (HangarOsChooser *self)
{
  if (self->filter != NULL)
    gtk_string_filter_set_search (self->filter,
                                  gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
pick_at (HangarOsChooser *self,
         guint            position)
{
  GtkSelectionModel *selection = gtk_list_view_get_model (self->list_view);
  g_autoptr(GtkStringObject) item = NULL;
  const char *name;

  if (selection == NULL)
    return;
  item = g_list_model_get_item (G_LIST_MODEL (selection), position);
  if (item == NULL)
    return;
  name = gtk_string_object_get_string (item);
  for (guint i = 0; i < self->oses->len; i++)
    {
      const HangarOsProfile *profile = g_ptr_array_index (self->oses, i);

      if (g_strcmp0 (profile->name, name) == 0)
        {
          g_signal_emit (self, signals[OS_PICKED], 0, profile);
          return;
        }
    }
}

static void
on_list_activate (HangarOsChooser *self,
                  guint            position)
{
  pick_at (self, position);
}

/* Enter picks the first system found. */
static void
on_search_activate (HangarOsChooser *self)
{
  GtkSelectionModel *selection = gtk_list_view_get_model (self->list_view);

  if (selection != NULL && g_list_model_get_n_items (G_LIST_MODEL (selection)) > 0)
    pick_at (self, 0);
}

static void
setup_item (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_item (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (string));
}

/**
 * hangar_os_chooser_set_oses:
 * @self: a #HangarOsChooser
 * @oses: (element-type HangarOsProfile): the systems to pick from, as
 *   hangar_os_db_list_oses_finish() gives them
 *
 * Fills the list, once: later lists are ignored.
 */
void
hangar_os_chooser_set_oses (HangarOsChooser *self,
                            GPtrArray       *oses)
{
  g_autoptr(GtkSelectionModel) selection = NULL;
  GtkStringList *names;
  GtkFilterListModel *filtered;

  g_return_if_fail (HANGAR_IS_OS_CHOOSER (self));
  g_return_if_fail (oses != NULL);

  if (self->oses != NULL)
    return;

  self->oses = g_ptr_array_ref (oses);
  names = gtk_string_list_new (NULL);
  for (guint i = 0; i < oses->len; i++)
    {
      const HangarOsProfile *profile = g_ptr_array_index (oses, i);

      gtk_string_list_append (names, profile->name);
    }
  self->filter = gtk_string_filter_new (gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL,
                                                                     "string"));
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (names),
                                        GTK_FILTER (g_object_ref (self->filter)));
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (filtered)));
  gtk_list_view_set_model (self->list_view, selection);
  on_search_changed (self);
}

/**
 * hangar_os_chooser_reset:
 * @self: a #HangarOsChooser
 *
 * Empties the search: every system shows again.
 */
void
hangar_os_chooser_reset (HangarOsChooser *self)
{
  g_return_if_fail (HANGAR_IS_OS_CHOOSER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* The search entry takes the focus: typing searches at once. */
static gboolean
hangar_os_chooser_grab_focus (GtkWidget *widget)
{
  HangarOsChooser *self = HANGAR_OS_CHOOSER (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

HangarOsChooser *
hangar_os_chooser_new (void)
{
  return g_object_new (HANGAR_TYPE_OS_CHOOSER, NULL);
}

static void
hangar_os_chooser_dispose (GObject *object)
{
  HangarOsChooser *self = HANGAR_OS_CHOOSER (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_OS_CHOOSER);
  /* The search bar and the scrolled window are not bound to the template. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->filter);
  g_clear_pointer (&self->oses, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_os_chooser_parent_class)->dispose (object);
}

static void
hangar_os_chooser_class_init (HangarOsChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_os_chooser_dispose;
  widget_class->grab_focus = hangar_os_chooser_grab_focus;

  /**
   * HangarOsChooser::os-picked:
   * @self: the chooser
   * @profile: the system picked
   *
   * The user picked @profile.
   */
  signals[OS_PICKED] =
    g_signal_new ("os-picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE,
                  1, HANGAR_TYPE_OS_PROFILE | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/assistant/hangar-os-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarOsChooser, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HangarOsChooser, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
}

static void
hangar_os_chooser_init (HangarOsChooser *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (factory, "setup", G_CALLBACK (setup_item), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
}
