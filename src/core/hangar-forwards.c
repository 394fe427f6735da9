/* hangar-forwards.c
 *
 * Port forwards from the host to a machine, as its domain XML carries them.
 *
 * Debian 12's libvirt 9.0 has passt's <portForward> disabled (it refuses
 * <backend type='passt'/>), and without passt libvirt accepts <portForward>
 * on a user-mode card but silently forwards nothing. So the forwards are
 * QEMU's own (slirp's hostfwd), given on QEMU's command line through
 * libvirt's <qemu:commandline>: the machine's user-mode card leaves
 * <devices> and comes back as a -netdev user,hostfwd=… with a -device that
 * keeps its model, MAC address and PCI slot, so the guest sees the very
 * same card. Removing the last forward puts the <interface> back. The
 * command line is the one record of the forwards: nothing else to drift.
 *
 * The -device is JSON, as libvirt writes its own: QEMU creates JSON devices
 * in order after the others, and the card's PCI port is one of libvirt's.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-forwards"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libxml/tree.h>
#include <libxml/parser.h>

#include "hangar-forwards.h"

#define QEMU_NS    "http://libvirt.org/schemas/domain/qemu/1.0"
#define NETDEV_ID  "hangar-net0"
#define NIC_ID     "hangar-nic0"

G_DEFINE_QUARK (hangar-forward-error-quark, hangar_forward_error)

/* libvirt's card models and QEMU's devices for them. */
static const struct
{
  const char *model;
  const char *driver;
} nic_models[] = {
  { "virtio", "virtio-net-pci" },
  { "e1000e", "e1000e" },
  { "e1000", "e1000" },
  { "rtl8139", "rtl8139" },
};

HangarForward *
hangar_forward_new (const char *address,
                    guint       host_port,
                    guint       guest_port)
{
  HangarForward *forward = g_new0 (HangarForward, 1);

  forward->address = g_strdup (address != NULL ? address : HANGAR_FORWARD_DEFAULT_ADDRESS);
  forward->host_port = host_port;
  forward->guest_port = guest_port;
  return forward;
}

HangarForward *
hangar_forward_copy (const HangarForward *forward)
{
  HangarForward *copy = hangar_forward_new (forward->address, forward->host_port,
                                            forward->guest_port);

  copy->active = forward->active;
  return copy;
}

void
hangar_forward_free (HangarForward *forward)
{
  if (forward == NULL)
    return;
  g_free (forward->address);
  g_free (forward);
}

gboolean
hangar_forward_equal (const HangarForward *a,
                      const HangarForward *b)
{
  return g_strcmp0 (a->address, b->address) == 0 && a->host_port == b->host_port &&
         a->guest_port == b->guest_port;
}

/**
 * hangar_forward_parse_port:
 * @text: what the user wrote: "2222"
 * @port: (out): the port
 * @error: a %HANGAR_FORWARD_ERROR_INVALID with the reason
 *
 * A TCP port, 1 to 65535, digits only: "022", "+22", " 22", "22.0" or
 * "0x16" are refused, never read as something else.
 */
gboolean
hangar_forward_parse_port (const char  *text,
                           guint       *port,
                           GError     **error)
{
  g_autofree char *display = NULL;
  guint64 value = 0;
  const char *p;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (port != NULL, FALSE);

  display = g_utf8_make_valid (text, -1);
  if (text[0] == '\0')
    {
      g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID,
                   _("Say a port: a number from 1 to 65535."));
      return FALSE;
    }
  for (p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        {
          g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID,
                       _("“%s” is not a port: a port is a number from 1 to 65535."), display);
          return FALSE;
        }
      if (value <= 65535)
        value = value * 10 + (guint64) (*p - '0');
    }
  if (text[0] == '0' && text[1] != '\0')
    {
      g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID,
                   _("“%s” is not a port: write it without leading zeros."), display);
      return FALSE;
    }
  if (value < 1 || value > 65535)
    {
      g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID,
                   _("“%s” is not a port: ports go from 1 to 65535."), display);
      return FALSE;
    }
  *port = (guint) value;
  return TRUE;
}

/* An IPv4 address in dotted form, as inet_pton reads it (no "1.2.3", no
 * leading zeros' octal). */
static gboolean
parse_ipv4 (const char     *address,
            struct in_addr *in)
{
  return address != NULL && inet_pton (AF_INET, address, in) == 1;
}

gboolean
hangar_forward_is_loopback (const char *address)
{
  struct in_addr in;

  return parse_ipv4 (address, &in) && (ntohl (in.s_addr) >> 24) == 127;
}

/**
 * hangar_forward_check:
 * @address: the host address to listen on
 * @host_port: the host port
 * @guest_port: the guest port
 * @error: a %HANGAR_FORWARD_ERROR_INVALID with the reason
 *
 * The rules a forward meets whatever else listens: an IPv4 address, a host
 * port from 1024 (below, only the system may listen), a guest port from 1.
 */
gboolean
hangar_forward_check (const char  *address,
                      guint        host_port,
                      guint        guest_port,
                      GError     **error)
{
  struct in_addr in;

  if (!parse_ipv4 (address, &in))
    {
      g_autofree char *display = g_utf8_make_valid (address != NULL ? address : "", -1);

      g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID,
                   _("“%s” is not an IPv4 address of this computer, such as 127.0.0.1."),
                   display);
      return FALSE;
    }
  if (host_port < HANGAR_FORWARD_MIN_HOST_PORT || host_port > 65535)
    {
      g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID,
                   _("The host port %u is below %u: only the system may listen there. "
                     "Choose a port from %u to 65535."),
                   host_port, HANGAR_FORWARD_MIN_HOST_PORT, HANGAR_FORWARD_MIN_HOST_PORT);
      return FALSE;
    }
  if (guest_port < 1 || guest_port > 65535)
    {
      g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID,
                   _("The guest port %u is not a port: ports go from 1 to 65535."), guest_port);
      return FALSE;
    }
  return TRUE;
}

/**
 * hangar_forward_check_free:
 * @address: the host address
 * @host_port: the host port
 * @error: %HANGAR_FORWARD_ERROR_IN_USE when a program listens there,
 *   %HANGAR_FORWARD_ERROR_INVALID when the address is not this computer's
 *
 * Whether the port can be listened on now, by binding it for a moment
 * (blocking: call it in a worker thread).
 */
gboolean
hangar_forward_check_free (const char  *address,
                           guint        host_port,
                           GError     **error)
{
  struct sockaddr_in sin = { 0 };
  int one = 1;
  int fd;
  int saved;

  if (!parse_ipv4 (address, &sin.sin_addr))
    return hangar_forward_check (address, host_port, 1, error);
  sin.sin_family = AF_INET;
  sin.sin_port = htons ((guint16) host_port);
  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_IN_USE,
                   _("Cannot check the port %u: %s"), host_port, g_strerror (saved));
      return FALSE;
    }
  /* As QEMU binds it: a connection of a while ago in TIME_WAIT is no user. */
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &sin, sizeof sin) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved = errno;
  close (fd);
  if (saved == EADDRINUSE)
    g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_IN_USE,
                 _("Another program already uses the port %u on %s. Choose another port."),
                 host_port, address);
  else if (saved == EADDRNOTAVAIL)
    g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID,
                 _("%s is not an address of this computer."), address);
  else
    g_set_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_IN_USE,
                 _("Cannot listen on the port %u of %s: %s"), host_port, address,
                 g_strerror (saved));
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* the domain XML                                                           */
/* ------------------------------------------------------------------------ */

/* The user-mode card, wherever it is: its QEMU device, MAC and PCI place. */
typedef struct
{
  char  *driver;
  char  *mac;
  char  *bus;       /* QEMU's bus id: "pci.1", "pcie.0" */
  char  *addr;      /* "0x0", "0x3.0x1" */
  xmlNodePtr node;  /* the <interface>, when it is libvirt's */
  xmlNodePtr args[4];  /* -netdev VALUE -device VALUE, when they are ours */
} Nic;

static void
nic_clear (Nic *nic)
{
  g_clear_pointer (&nic->driver, g_free);
  g_clear_pointer (&nic->mac, g_free);
  g_clear_pointer (&nic->bus, g_free);
  g_clear_pointer (&nic->addr, g_free);
}

static char *
get_prop (xmlNodePtr  node,
          const char *name)
{
  xmlChar *value = node != NULL ? xmlGetProp (node, BAD_CAST name) : NULL;
  char *copy = g_strdup ((const char *) value);

  xmlFree (value);
  return copy;
}

static xmlNodePtr
child (xmlNodePtr  parent,
       const char *name,
       const char *ns)
{
  for (xmlNodePtr node = parent != NULL ? parent->children : NULL; node != NULL; node = node->next)
    if (node->type == XML_ELEMENT_NODE && xmlStrEqual (node->name, BAD_CAST name) &&
        (ns == NULL ? node->ns == NULL || node->ns->prefix == NULL
                    : node->ns != NULL && xmlStrEqual (node->ns->href, BAD_CAST ns)))
      return node;
  return NULL;
}

static gboolean
fail (GError    **error,
      int         code,
      const char *message)
{
  g_set_error_literal (error, HANGAR_FORWARD_ERROR, code, message);
  return FALSE;
}

/* Our four <qemu:arg>s, if the command line has them. */
static gboolean
find_args (xmlNodePtr  commandline,
           xmlNodePtr  args[4])
{
  xmlNodePtr netdev = NULL;
  xmlNodePtr device = NULL;
  xmlNodePtr previous = NULL;

  for (xmlNodePtr node = commandline != NULL ? commandline->children : NULL; node != NULL;
       node = node->next)
    {
      g_autofree char *value = NULL;
      g_autofree char *before = NULL;

      if (node->type != XML_ELEMENT_NODE || !xmlStrEqual (node->name, BAD_CAST "arg"))
        continue;
      value = get_prop (node, "value");
      before = get_prop (previous, "value");
      if (g_strcmp0 (before, "-netdev") == 0 && value != NULL &&
          g_str_has_prefix (value, "user,id=" NETDEV_ID ","))
        {
          args[0] = previous;
          args[1] = node;
          netdev = node;
        }
      else if (g_strcmp0 (before, "-device") == 0 && value != NULL &&
               strstr (value, "\"netdev\":\"" NETDEV_ID "\"") != NULL)
        {
          args[2] = previous;
          args[3] = node;
          device = node;
        }
      previous = node;
    }
  return netdev != NULL && device != NULL;
}

/* "user,id=hangar-net0,hostfwd=tcp:127.0.0.1:2222-:22,…" */
static GPtrArray *
parse_netdev (const char *value)
{
  g_autoptr(GPtrArray) forwards = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_forward_free);
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) ends = NULL;
      g_auto(GStrv) host = NULL;
      guint host_port, guest_port;

      if (!g_str_has_prefix (parts[i], "hostfwd=tcp:"))
        continue;
      ends = g_strsplit (parts[i] + strlen ("hostfwd=tcp:"), "-:", 2);
      if (g_strv_length (ends) != 2)
        continue;
      host = g_strsplit (ends[0], ":", 2);
      if (g_strv_length (host) != 2 || !hangar_forward_parse_port (host[1], &host_port, NULL) ||
          !hangar_forward_parse_port (ends[1], &guest_port, NULL))
        continue;
      g_ptr_array_add (forwards, hangar_forward_new (host[0], host_port, guest_port));
    }
  return g_steal_pointer (&forwards);
}

static xmlDocPtr
read_doc (const char  *xml,
          GError     **error)
{
  xmlDocPtr doc = xmlReadMemory (xml, (int) strlen (xml), "domain.xml", NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);

  if (doc == NULL || xmlDocGetRootElement (doc) == NULL)
    {
      if (doc != NULL)
        xmlFreeDoc (doc);
      fail (error, HANGAR_FORWARD_ERROR_NOT_SUPPORTED, _("Cannot read the machine’s definition."));
      return NULL;
    }
  return doc;
}

/**
 * hangar_forwards_from_xml:
 * @domain_xml: a domain's XML
 * @error: when the XML cannot be read
 *
 * The forwards of a domain, in the order they were added.
 *
 * Returns: (transfer full) (element-type HangarForward): the forwards
 */
GPtrArray *
hangar_forwards_from_xml (const char  *domain_xml,
                          GError     **error)
{
  xmlDocPtr doc = read_doc (domain_xml, error);
  xmlNodePtr args[4] = { NULL };
  GPtrArray *forwards;

  if (doc == NULL)
    return NULL;
  if (find_args (child (xmlDocGetRootElement (doc), "commandline", QEMU_NS), args))
    {
      g_autofree char *value = get_prop (args[1], "value");

      forwards = parse_netdev (value);
    }
  else
    forwards = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_forward_free);
  xmlFreeDoc (doc);
  return forwards;
}

/* The card from our -device's JSON. */
static gboolean
nic_from_args (Nic         *nic,
               xmlNodePtr   args[4])
{
  g_autofree char *value = get_prop (args[3], "value");
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  if (!json_parser_load_from_data (parser, value, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  object = json_node_get_object (json_parser_get_root (parser));
  nic->driver = g_strdup (json_object_get_string_member_with_default (object, "driver", NULL));
  nic->mac = g_strdup (json_object_get_string_member_with_default (object, "mac", NULL));
  nic->bus = g_strdup (json_object_get_string_member_with_default (object, "bus", NULL));
  nic->addr = g_strdup (json_object_get_string_member_with_default (object, "addr", NULL));
  memcpy (nic->args, args, sizeof nic->args);
  return nic->driver != NULL;
}

static gboolean
parse_hex (const char *text,
           guint64     max,
           guint      *value)
{
  guint64 number;
  char *end = NULL;

  if (text == NULL || !g_str_has_prefix (text, "0x") || !g_ascii_isxdigit (text[2]))
    return FALSE;
  number = g_ascii_strtoull (text + 2, &end, 16);
  if (*end != '\0' || number > max)
    return FALSE;
  *value = (guint) number;
  return TRUE;
}

/* The card from libvirt's first <interface type='user'>. */
static gboolean
nic_from_interface (Nic         *nic,
                    xmlNodePtr   root,
                    GError     **error)
{
  xmlNodePtr devices = child (root, "devices", NULL);
  xmlNodePtr iface = NULL;
  xmlNodePtr address;
  g_autofree char *model = NULL;
  g_autofree char *type = NULL;
  g_autofree char *bus = NULL;
  g_autofree char *slot = NULL;
  g_autofree char *function = NULL;
  g_autofree char *machine = NULL;
  guint bus_n, slot_n, function_n;

  for (xmlNodePtr node = devices != NULL ? devices->children : NULL; node != NULL;
       node = node->next)
    {
      g_autofree char *kind = NULL;

      if (node->type != XML_ELEMENT_NODE || !xmlStrEqual (node->name, BAD_CAST "interface"))
        continue;
      kind = get_prop (node, "type");
      if (g_strcmp0 (kind, "user") == 0)
        {
          iface = node;
          break;
        }
    }
  if (iface == NULL)
    return fail (error, HANGAR_FORWARD_ERROR_NOT_SUPPORTED,
                 _("The machine has no user-mode network, the only kind Hangar forwards "
                   "ports to."));
  if (child (iface, "backend", NULL) != NULL || child (iface, "portForward", NULL) != NULL)
    return fail (error, HANGAR_FORWARD_ERROR_NOT_SUPPORTED,
                 _("The machine’s network card has settings of its own (a backend or "
                   "libvirt’s port forwards): Hangar leaves it as it is."));

  model = get_prop (child (iface, "model", NULL), "type");
  for (guint i = 0; i < G_N_ELEMENTS (nic_models); i++)
    if (g_strcmp0 (model, nic_models[i].model) == 0)
      nic->driver = g_strdup (nic_models[i].driver);
  if (nic->driver == NULL)
    return fail (error, HANGAR_FORWARD_ERROR_NOT_SUPPORTED,
                 _("The machine’s network card is not one Hangar can forward ports to "
                   "(virtio, e1000e, e1000 or rtl8139)."));

  nic->mac = get_prop (child (iface, "mac", NULL), "address");
  address = child (iface, "address", NULL);
  if (address != NULL)
    {
      type = get_prop (address, "type");
      bus = get_prop (address, "bus");
      slot = get_prop (address, "slot");
      function = get_prop (address, "function");
      if (g_strcmp0 (type, "pci") != 0 || !parse_hex (bus, 255, &bus_n) ||
          !parse_hex (slot, 31, &slot_n) || !parse_hex (function, 7, &function_n))
        return fail (error, HANGAR_FORWARD_ERROR_NOT_SUPPORTED,
                     _("The machine’s network card is not on a PCI bus Hangar knows."));
      machine = get_prop (child (child (root, "os", NULL), "type", NULL), "machine");
      /* libvirt names its PCI controllers pci.N; bus 0 is the root's. */
      if (bus_n != 0)
        nic->bus = g_strdup_printf ("pci.%u", bus_n);
      else
        nic->bus = g_strdup (machine != NULL && strstr (machine, "q35") != NULL ? "pcie.0"
                                                                                : "pci.0");
      nic->addr = function_n != 0 ? g_strdup_printf ("0x%x.0x%x", slot_n, function_n)
                                  : g_strdup_printf ("0x%x", slot_n);
    }
  nic->node = iface;
  return TRUE;
}

static char *
netdev_value (GPtrArray *forwards)
{
  GString *value = g_string_new ("user,id=" NETDEV_ID);

  for (guint i = 0; i < forwards->len; i++)
    {
      HangarForward *forward = g_ptr_array_index (forwards, i);

      g_string_append_printf (value, ",hostfwd=tcp:%s:%u-:%u", forward->address,
                              forward->host_port, forward->guest_port);
    }
  return g_string_free (value, FALSE);
}

static char *
device_value (Nic *nic)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "driver");
  json_builder_add_string_value (builder, nic->driver);
  json_builder_set_member_name (builder, "netdev");
  json_builder_add_string_value (builder, NETDEV_ID);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, NIC_ID);
  if (nic->mac != NULL)
    {
      json_builder_set_member_name (builder, "mac");
      json_builder_add_string_value (builder, nic->mac);
    }
  if (nic->bus != NULL && nic->addr != NULL)
    {
      json_builder_set_member_name (builder, "bus");
      json_builder_add_string_value (builder, nic->bus);
      json_builder_set_member_name (builder, "addr");
      json_builder_add_string_value (builder, nic->addr);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* libvirt's <interface> for the card again, as it was. */
static void
add_interface (xmlNodePtr  root,
               Nic        *nic)
{
  xmlNodePtr devices = child (root, "devices", NULL);
  xmlNodePtr iface;
  xmlNodePtr node;
  const char *model = NULL;

  if (devices == NULL)
    devices = xmlNewChild (root, NULL, BAD_CAST "devices", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (nic_models); i++)
    if (g_strcmp0 (nic->driver, nic_models[i].driver) == 0)
      model = nic_models[i].model;

  iface = xmlNewChild (devices, NULL, BAD_CAST "interface", NULL);
  xmlNewProp (iface, BAD_CAST "type", BAD_CAST "user");
  if (nic->mac != NULL)
    {
      node = xmlNewChild (iface, NULL, BAD_CAST "mac", NULL);
      xmlNewProp (node, BAD_CAST "address", BAD_CAST nic->mac);
    }
  if (model != NULL)
    {
      node = xmlNewChild (iface, NULL, BAD_CAST "model", NULL);
      xmlNewProp (node, BAD_CAST "type", BAD_CAST model);
    }
  if (nic->bus != NULL && nic->addr != NULL)
    {
      g_auto(GStrv) place = g_strsplit (nic->addr, ".", 2);
      const char *dot = strrchr (nic->bus, '.');
      guint bus_n = 0, slot_n = 0, function_n = 0;
      g_autofree char *bus = NULL;
      g_autofree char *slot = NULL;
      g_autofree char *function = NULL;

      if (dot != NULL)
        bus_n = (guint) g_ascii_strtoull (dot + 1, NULL, 10);
      parse_hex (place[0], 31, &slot_n);
      if (place[0] != NULL && place[1] != NULL)
        parse_hex (place[1], 7, &function_n);
      bus = g_strdup_printf ("0x%02x", bus_n);
      slot = g_strdup_printf ("0x%02x", slot_n);
      function = g_strdup_printf ("0x%x", function_n);
      node = xmlNewChild (iface, NULL, BAD_CAST "address", NULL);
      xmlNewProp (node, BAD_CAST "type", BAD_CAST "pci");
      xmlNewProp (node, BAD_CAST "domain", BAD_CAST "0x0000");
      xmlNewProp (node, BAD_CAST "bus", BAD_CAST bus);
      xmlNewProp (node, BAD_CAST "slot", BAD_CAST slot);
      xmlNewProp (node, BAD_CAST "function", BAD_CAST function);
    }
}

static void
add_arg (xmlNodePtr  commandline,
         xmlNsPtr    ns,
         const char *value)
{
  xmlNodePtr arg = xmlNewChild (commandline, ns, BAD_CAST "arg", NULL);

  xmlNewProp (arg, BAD_CAST "value", BAD_CAST value);
}

/**
 * hangar_forwards_apply_xml:
 * @domain_xml: a domain's (inactive) XML
 * @forwards: (element-type HangarForward): all the forwards it should have
 * @error: %HANGAR_FORWARD_ERROR_NOT_SUPPORTED when the machine has no
 *   user-mode card Hangar can forward to
 *
 * The domain's XML with exactly @forwards: its user-mode card moves to
 * QEMU's command line with them, or back to libvirt's <interface> when
 * there are none. Pure: nothing is defined.
 *
 * Returns: (transfer full): the new XML
 */
char *
hangar_forwards_apply_xml (const char  *domain_xml,
                           GPtrArray   *forwards,
                           GError     **error)
{
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlNodePtr commandline;
  xmlNsPtr ns;
  Nic nic = { NULL };
  xmlBufferPtr buffer;
  char *out;

  g_return_val_if_fail (domain_xml != NULL, NULL);
  g_return_val_if_fail (forwards != NULL, NULL);

  if ((doc = read_doc (domain_xml, error)) == NULL)
    return NULL;
  root = xmlDocGetRootElement (doc);
  commandline = child (root, "commandline", QEMU_NS);

  if (!find_args (commandline, nic.args) || !nic_from_args (&nic, nic.args))
    {
      nic_clear (&nic);
      memset (nic.args, 0, sizeof nic.args);
      if (forwards->len == 0)
        {
          /* Nothing to undo: the machine keeps its card as it is. */
          xmlFreeDoc (doc);
          return g_strdup (domain_xml);
        }
      if (!nic_from_interface (&nic, root, error))
        {
          nic_clear (&nic);
          xmlFreeDoc (doc);
          return NULL;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (nic.args); i++)
    if (nic.args[i] != NULL)
      {
        xmlUnlinkNode (nic.args[i]);
        xmlFreeNode (nic.args[i]);
      }

  if (forwards->len == 0)
    {
      add_interface (root, &nic);
    }
  else
    {
      g_autofree char *netdev = netdev_value (forwards);
      g_autofree char *device = device_value (&nic);

      if (nic.node != NULL)
        {
          xmlUnlinkNode (nic.node);
          xmlFreeNode (nic.node);
        }
      ns = xmlSearchNsByHref (doc, root, BAD_CAST QEMU_NS);
      if (ns == NULL)
        ns = xmlNewNs (root, BAD_CAST QEMU_NS, BAD_CAST "qemu");
      if (commandline == NULL)
        commandline = xmlNewChild (root, ns, BAD_CAST "commandline", NULL);
      add_arg (commandline, ns, "-netdev");
      add_arg (commandline, ns, netdev);
      add_arg (commandline, ns, "-device");
      add_arg (commandline, ns, device);
    }

  /* A command line of ours alone goes with its last argument. */
  if (commandline != NULL && child (commandline, "arg", QEMU_NS) == NULL &&
      child (commandline, "env", QEMU_NS) == NULL)
    {
      gboolean empty = TRUE;

      for (xmlNodePtr node = commandline->children; node != NULL; node = node->next)
        empty &= node->type != XML_ELEMENT_NODE;
      if (empty)
        {
          xmlUnlinkNode (commandline);
          xmlFreeNode (commandline);
        }
    }

  buffer = xmlBufferCreate ();
  xmlNodeDump (buffer, doc, root, 0, 0);
  out = g_strdup ((const char *) xmlBufferContent (buffer));
  xmlBufferFree (buffer);
  nic_clear (&nic);
  xmlFreeDoc (doc);
  return out;
}
