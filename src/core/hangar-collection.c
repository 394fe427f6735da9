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
#include "hangar-machine-private.h"

struct _HangarCollection
{
  GObject           parent_instance;

  HangarConnection *connection;
  GVirConnection   *gvir;
  GPtrArray        *machines;
  /* The machines of a connection that was lost, until the next one lists
   * its domains: those listed again are the same objects, so whatever holds
   * one (a display, a properties window, a selection) goes on with it. */
  GPtrArray        *detached;

  /* libvirt-gobject 4.0 ignores renames (DEFINED_RENAMED and
   * UNDEFINED_RENAMED): our own lifecycle callback hears them, and the
   * domains are listed again. */
  virConnectPtr     event_conn;
  int               event_callback;
  GCancellable     *relist_cancellable;
  guint             relist_source;
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

/* A machine renamed (here or elsewhere) moves to its place in the order. */
static void
on_machine_name (HangarMachine    *machine,
                 GParamSpec       *pspec,
                 HangarCollection *self)
{
  guint from, to;

  if (!g_ptr_array_find (self->machines, machine, &from))
    return;

  g_object_ref (machine);
  g_ptr_array_remove_index (self->machines, from);
  to = hangar_collection_insertion_point (self, machine);
  g_ptr_array_insert (self->machines, to, machine);
  if (from == to)
    {
      hangar_collection_items_changed (self, from, 1, 1);
      return;
    }
  hangar_collection_items_changed (self, from, 1, 0);
  hangar_collection_items_changed (self, to, 0, 1);
}

static HangarMachine *
hangar_collection_adopt (HangarCollection *self,
                         GVirDomain       *domain)
{
  HangarMachine *machine = hangar_machine_new (domain);

  g_signal_connect_object (machine, "notify::name", G_CALLBACK (on_machine_name), self, 0);
  return machine;
}

/* A new machine for @domain, in its sorted place. */
static void
hangar_collection_insert (HangarCollection *self,
                          GVirDomain       *domain)
{
  g_autoptr(HangarMachine) machine = hangar_collection_adopt (self, domain);
  guint position = hangar_collection_insertion_point (self, machine);

  g_ptr_array_insert (self->machines, position, g_steal_pointer (&machine));
  hangar_collection_items_changed (self, position, 0, 1);
}

static void
on_domain_added (GVirConnection   *gvir,
                 GVirDomain       *domain,
                 HangarCollection *self)
{
  guint position;

  /* A machine already listed is "added" again when a transient domain is
   * made persistent ("Try it", kept): read it again. */
  if (hangar_collection_find_domain (self, domain, &position))
    {
      hangar_machine_refresh_async (g_ptr_array_index (self->machines, position), NULL,
                                    machine_refreshed, NULL);
      return;
    }

  hangar_collection_insert (self, domain);
}

/* The machine at @position left libvirt: out of the list, and gone for
 * whoever still holds it. */
static void
hangar_collection_remove_gone (HangarCollection *self,
                               guint             position)
{
  g_autoptr(HangarMachine) machine = g_ptr_array_steal_index (self->machines, position);

  hangar_collection_items_changed (self, position, 1, 0);
  hangar_machine_mark_gone (machine);
}

static void
on_domain_removed (GVirConnection   *gvir,
                   GVirDomain       *domain,
                   HangarCollection *self)
{
  guint position;

  if (hangar_collection_find_domain (self, domain, &position))
    hangar_collection_remove_gone (self, position);
}

static void
relisted (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GVirConnection *gvir = GVIR_CONNECTION (object);
  g_autoptr(HangarCollection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  GList *domains;

  if (!gvir_connection_fetch_domains_finish (gvir, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Cannot list the domains again: %s", error->message);
      return;
    }
  if (gvir != self->gvir)
    return;

  /* Machines keep their identity: each follows libvirt-gobject's new object
   * for its domain (and its name); gone ones go, new ones come. A renamed
   * machine moves in the array as it is renamed, so walk a copy. */
  listed = g_ptr_array_copy (self->machines, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  g_ptr_array_set_free_func (listed, g_object_unref);
  for (guint i = 0; i < listed->len; i++)
    {
      HangarMachine *machine = g_ptr_array_index (listed, i);
      GVirDomain *domain = gvir_connection_get_domain (gvir, hangar_machine_get_uuid (machine));
      guint position;

      if (domain != NULL)
        {
          hangar_machine_replace_domain (machine, domain);
          g_object_unref (domain);
        }
      else if (g_ptr_array_find (self->machines, machine, &position))
        hangar_collection_remove_gone (self, position);
    }

  domains = gvir_connection_get_domains (gvir);
  for (const GList *l = domains; l != NULL; l = l->next)
    {
      guint position;

      if (!hangar_collection_find_domain (self, l->data, &position))
        hangar_collection_insert (self, l->data);
    }
  g_list_free_full (domains, g_object_unref);
}

static gboolean
relist_cb (gpointer user_data)
{
  HangarCollection *self = user_data;

  self->relist_source = 0;
  if (self->gvir == NULL)
    return G_SOURCE_REMOVE;

  g_cancellable_cancel (self->relist_cancellable);
  g_clear_object (&self->relist_cancellable);
  self->relist_cancellable = g_cancellable_new ();
  gvir_connection_fetch_domains_async (self->gvir, self->relist_cancellable, relisted,
                                       g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static int
on_lifecycle_event (virConnectPtr  conn,
                    virDomainPtr   dom,
                    int            event,
                    int            detail,
                    void          *opaque)
{
  HangarCollection *self = opaque;

  if ((event == VIR_DOMAIN_EVENT_DEFINED && detail == VIR_DOMAIN_EVENT_DEFINED_RENAMED) ||
      (event == VIR_DOMAIN_EVENT_UNDEFINED && detail == VIR_DOMAIN_EVENT_UNDEFINED_RENAMED))
    {
      /* Both halves of a rename arrive together: list once, after them. */
      if (self->relist_source == 0)
        self->relist_source = g_idle_add (relist_cb, self);
    }
  return 0;
}

static void
hangar_collection_unwatch (HangarCollection *self)
{
  g_clear_handle_id (&self->relist_source, g_source_remove);
  g_cancellable_cancel (self->relist_cancellable);
  g_clear_object (&self->relist_cancellable);
  if (self->event_conn == NULL)
    return;
  if (self->event_callback >= 0)
    virConnectDomainEventDeregisterAny (self->event_conn, self->event_callback);
  self->event_callback = -1;
  virConnectClose (self->event_conn);
  self->event_conn = NULL;
}

static void
hangar_collection_watch (HangarCollection *self)
{
  /* A reference of our own, until hangar_collection_unwatch(). */
  virConnectPtr conn = hangar_libvirt_dup_connect (self->gvir);

  if (conn == NULL)
    return;
  self->event_conn = conn;
  self->event_callback =
    virConnectDomainEventRegisterAny (conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      VIR_DOMAIN_EVENT_CALLBACK (on_lifecycle_event), self, NULL);
  if (self->event_callback < 0)
    g_debug ("No rename events on this connection: %s", hangar_libvirt_last_message ());
}

/* @domain's machine from the lost connection, following @domain now; or a
 * new machine if it was not listed then. */
static HangarMachine *
hangar_collection_reattach (HangarCollection *self,
                            GHashTable       *detached,
                            GVirDomain       *domain)
{
  g_autofree char *uuid = NULL;
  HangarMachine *machine = NULL;

  if (detached != NULL && g_hash_table_steal_extended (detached, gvir_domain_get_uuid (domain),
                                                       (gpointer *) &uuid, (gpointer *) &machine))
    {
      hangar_machine_replace_domain (machine, domain);
      return machine;
    }
  return hangar_collection_adopt (self, domain);
}

static void
hangar_collection_set_gvir (HangarCollection *self,
                            GVirConnection   *gvir)
{
  guint removed = self->machines->len;
  g_autoptr(GHashTable) detached = NULL;
  GList *domains;

  if (self->gvir == gvir)
    return;

  hangar_collection_unwatch (self);
  if (self->gvir != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->gvir, self);
      g_clear_object (&self->gvir);
    }

  g_ptr_array_extend_and_steal (self->detached, g_steal_pointer (&self->machines));
  self->machines = g_ptr_array_new_with_free_func (g_object_unref);

  if (gvir != NULL)
    {
      self->gvir = g_object_ref (gvir);
      g_signal_connect (gvir, "domain-added", G_CALLBACK (on_domain_added), self);
      g_signal_connect (gvir, "domain-removed", G_CALLBACK (on_domain_removed), self);

      if (self->detached->len > 0)
        {
          detached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
          for (guint i = 0; i < self->detached->len; i++)
            {
              HangarMachine *machine = g_ptr_array_index (self->detached, i);

              g_hash_table_replace (detached, g_strdup (hangar_machine_get_uuid (machine)),
                                    g_object_ref (machine));
            }
          g_ptr_array_set_size (self->detached, 0);
        }

      hangar_collection_watch (self);
      domains = gvir_connection_get_domains (gvir);
      for (const GList *l = domains; l != NULL; l = l->next)
        g_ptr_array_add (self->machines, hangar_collection_reattach (self, detached, l->data));
      g_list_free_full (domains, g_object_unref);

      g_ptr_array_sort (self->machines, compare_machines);
    }

  hangar_collection_items_changed (self, 0, removed, self->machines->len);

  /* Those not listed again were removed while the daemon was away. */
  if (detached != NULL)
    {
      GHashTableIter iter;
      gpointer machine;

      g_hash_table_iter_init (&iter, detached);
      while (g_hash_table_iter_next (&iter, NULL, &machine))
        hangar_machine_mark_gone (machine);
    }
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

  hangar_collection_unwatch (self);
  if (self->gvir != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->gvir, self);
      g_clear_object (&self->gvir);
    }
  if (self->machines != NULL)
    g_ptr_array_set_size (self->machines, 0);
  if (self->detached != NULL)
    g_ptr_array_set_size (self->detached, 0);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (hangar_collection_parent_class)->dispose (object);
}

static void
hangar_collection_finalize (GObject *object)
{
  HangarCollection *self = HANGAR_COLLECTION (object);

  g_clear_pointer (&self->machines, g_ptr_array_unref);
  g_clear_pointer (&self->detached, g_ptr_array_unref);

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
  self->detached = g_ptr_array_new_with_free_func (g_object_unref);
  self->event_callback = -1;
}
