/* hangar-collection.c
 *
 * The machines of one libvirt connection as a GListModel, sorted by name and
 * kept current from libvirt's define/undefine events.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-collection"

#include "config.h"

#include <string.h>

#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-machine.h"

struct _HangarCollection
{
  GObject           parent_instance;

  HangarConnection *connection;
  GVirConnection   *gvir;
  GPtrArray        *machines;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarCollection, hangar_collection, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
hangar_collection_get_item_type (GListModel *model)
{
  return HANGAR_TYPE_MACHINE;
}

static guint
hangar_collection_get_n_items (GListModel *model)
{
  return HANGAR_COLLECTION (model)->machines->len;
}

static gpointer
hangar_collection_get_item (GListModel *model,
                            guint       position)
{
  HangarCollection *self = HANGAR_COLLECTION (model);

  if (position >= self->machines->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->machines, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = hangar_collection_get_item_type;
  iface->get_n_items = hangar_collection_get_n_items;
  iface->get_item = hangar_collection_get_item;
}

static void
hangar_collection_items_changed (HangarCollection *self,
                                 guint             position,
                                 guint             removed,
                                 guint             added)
{
  if (removed == 0 && added == 0)
    return;

  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static int
compare_machines (gconstpointer a,
                  gconstpointer b)
{
  HangarMachine *ma = *(HangarMachine * const *) a;
  HangarMachine *mb = *(HangarMachine * const *) b;
  int cmp = strcmp (hangar_machine_get_sort_key (ma), hangar_machine_get_sort_key (mb));

  /* Names are unique per connection, but keep the order total anyway. */
  return cmp != 0 ? cmp : strcmp (hangar_machine_get_uuid (ma), hangar_machine_get_uuid (mb));
}

static guint
hangar_collection_insertion_point (HangarCollection *self,
                                   HangarMachine    *machine)
{
  guint lo = 0, hi = self->machines->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_machines (&g_ptr_array_index (self->machines, mid), &machine) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static gboolean
hangar_collection_find_domain (HangarCollection *self,
                               GVirDomain       *domain,
                               guint            *position)
{
  const char *uuid = gvir_domain_get_uuid (domain);

  for (guint i = 0; i < self->machines->len; i++)
    {
      HangarMachine *machine = g_ptr_array_index (self->machines, i);

      if (g_strcmp0 (hangar_machine_get_uuid (machine), uuid) == 0)
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static void
machine_refreshed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hangar_machine_refresh_finish (HANGAR_MACHINE (object), result, &error))
    g_debug ("Cannot read the state of a machine: %s", error->message);
}

static void
on_domain_added (GVirConnection   *gvir,
                 GVirDomain       *domain,
                 HangarCollection *self)
{
  g_autoptr(HangarMachine) machine = NULL;
  guint position;

  /* A machine already listed is "added" again when a transient domain is
   * made persistent ("Try it", kept): read it again. */
  if (hangar_collection_find_domain (self, domain, &position))
    {
      hangar_machine_refresh_async (g_ptr_array_index (self->machines, position), NULL,
                                    machine_refreshed, NULL);
      return;
    }

  machine = hangar_machine_new (domain);
  position = hangar_collection_insertion_point (self, machine);
  g_ptr_array_insert (self->machines, position, g_steal_pointer (&machine));
  hangar_collection_items_changed (self, position, 0, 1);
}

static void
on_domain_removed (GVirConnection   *gvir,
                   GVirDomain       *domain,
                   HangarCollection *self)
{
  guint position;

  if (!hangar_collection_find_domain (self, domain, &position))
    return;

  g_ptr_array_remove_index (self->machines, position);
  hangar_collection_items_changed (self, position, 1, 0);
}

static void
hangar_collection_set_gvir (HangarCollection *self,
                            GVirConnection   *gvir)
{
  guint removed = self->machines->len;
  GList *domains;

  if (self->gvir == gvir)
    return;

  if (self->gvir != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->gvir, self);
      g_clear_object (&self->gvir);
    }

  g_ptr_array_set_size (self->machines, 0);

  if (gvir != NULL)
    {
      self->gvir = g_object_ref (gvir);
      g_signal_connect (gvir, "domain-added", G_CALLBACK (on_domain_added), self);
      g_signal_connect (gvir, "domain-removed", G_CALLBACK (on_domain_removed), self);

      domains = gvir_connection_get_domains (gvir);
      for (const GList *l = domains; l != NULL; l = l->next)
        g_ptr_array_add (self->machines, hangar_machine_new (l->data));
      g_list_free_full (domains, g_object_unref);

      g_ptr_array_sort (self->machines, compare_machines);
    }

  hangar_collection_items_changed (self, 0, removed, self->machines->len);
}

static void
on_connection_gvir_changed (HangarCollection *self)
{
  hangar_collection_set_gvir (self, hangar_connection_get_gvir (self->connection));
}

HangarCollection *
hangar_collection_new (HangarConnection *connection)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  return g_object_new (HANGAR_TYPE_COLLECTION, "connection", connection, NULL);
}

/**
 * hangar_collection_get_connection:
 * @self: a #HangarCollection
 *
 * Returns: (transfer none): the connection whose machines this lists
 */
HangarConnection *
hangar_collection_get_connection (HangarCollection *self)
{
  g_return_val_if_fail (HANGAR_IS_COLLECTION (self), NULL);

  return self->connection;
}

/**
 * hangar_collection_find_by_name:
 * @self: a #HangarCollection
 * @name: a domain name
 *
 * Returns: (transfer none) (nullable): the machine called @name
 */
HangarMachine *
hangar_collection_find_by_name (HangarCollection *self,
                                const char       *name)
{
  g_return_val_if_fail (HANGAR_IS_COLLECTION (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->machines->len; i++)
    {
      HangarMachine *machine = g_ptr_array_index (self->machines, i);

      if (g_strcmp0 (hangar_machine_get_name (machine), name) == 0)
        return machine;
    }

  return NULL;
}

/**
 * hangar_collection_find_by_uuid:
 * @self: a #HangarCollection
 * @uuid: a domain UUID
 *
 * Returns: (transfer none) (nullable): the machine with @uuid
 */
HangarMachine *
hangar_collection_find_by_uuid (HangarCollection *self,
                                const char       *uuid)
{
  g_return_val_if_fail (HANGAR_IS_COLLECTION (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  for (guint i = 0; i < self->machines->len; i++)
    {
      HangarMachine *machine = g_ptr_array_index (self->machines, i);

      if (g_ascii_strcasecmp (hangar_machine_get_uuid (machine), uuid) == 0)
        return machine;
    }

  return NULL;
}

static void
hangar_collection_constructed (GObject *object)
{
  HangarCollection *self = HANGAR_COLLECTION (object);

  G_OBJECT_CLASS (hangar_collection_parent_class)->constructed (object);

  g_signal_connect_object (self->connection, "notify::gvir",
                           G_CALLBACK (on_connection_gvir_changed), self, G_CONNECT_SWAPPED);
  on_connection_gvir_changed (self);
}

static void
hangar_collection_dispose (GObject *object)
{
  HangarCollection *self = HANGAR_COLLECTION (object);

  if (self->gvir != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->gvir, self);
      g_clear_object (&self->gvir);
    }
  if (self->machines != NULL)
    g_ptr_array_set_size (self->machines, 0);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (hangar_collection_parent_class)->dispose (object);
}

static void
hangar_collection_finalize (GObject *object)
{
  HangarCollection *self = HANGAR_COLLECTION (object);

  g_clear_pointer (&self->machines, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_collection_parent_class)->finalize (object);
}

static void
hangar_collection_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HangarCollection *self = HANGAR_COLLECTION (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->machines->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_collection_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HangarCollection *self = HANGAR_COLLECTION (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_collection_class_init (HangarCollectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hangar_collection_constructed;
  object_class->dispose = hangar_collection_dispose;
  object_class->finalize = hangar_collection_finalize;
  object_class->get_property = hangar_collection_get_property;
  object_class->set_property = hangar_collection_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_collection_init (HangarCollection *self)
{
  self->machines = g_ptr_array_new_with_free_func (g_object_unref);
}
