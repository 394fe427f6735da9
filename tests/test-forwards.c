/* test-forwards.c
 *
 * Port forwards from the host to a machine. Three groups of paths:
 *   /hangar/forwards/unit/     the rules on ports and addresses, and the
 *                              domain XML (golden files in golden/forwards)
 *   /hangar/forwards/libvirt/  an isolated session, machines that never run:
 *                              HangarMachine's refusals, hangarctl forward
 *                              with hostile input, the card back as it was
 *   /hangar/forwards/e2e/      a live-ISO guest: its echo service reached
 *                              through 127.0.0.1 only; gone after a restart
 *                              once removed
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gio/gio.h>

#include "hangar-forwards.h"
#include "hangar-machine-forwards.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"

/* ------------------------------------------------------------------------ */
/* unit                                                                     */
/* ------------------------------------------------------------------------ */

static void
test_parse_port (void)
{
  static const struct
  {
    const char *text;
    guint       port;   /* 0: refused */
  } cases[] = {
    { "22", 22 }, { "1", 1 }, { "2222", 2222 }, { "65535", 65535 },
    { "0", 0 }, { "65536", 0 }, { "-1", 0 }, { "+22", 0 }, { "022", 0 }, { " 22", 0 },
    { "22 ", 0 }, { "22x", 0 }, { "0x16", 0 }, { "2.0", 0 }, { "", 0 },
    { "99999999999999999999", 0 }, { "\xd9\xa2\xd9\xa2", 0 /* Arabic-Indic 22 */ },
    { "\xff\xfe", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      guint port = 4242;
      gboolean ok = hangar_forward_parse_port (cases[i].text, &port, &error);
      g_autofree char *shown = g_utf8_make_valid (cases[i].text, -1);

      g_test_message ("“%s”: %s", shown, ok ? "a port" : error->message);
      if (cases[i].port != 0)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (port, ==, cases[i].port);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID);
          g_assert_cmpuint (port, ==, 4242);
        }
    }
}

static void
test_check (void)
{
  static const struct
  {
    const char *address;
    guint       host;
    guint       guest;
    gboolean    ok;
    gboolean    loopback;
  } cases[] = {
    { "127.0.0.1", 2222, 22, TRUE, TRUE },
    { "127.0.0.2", 1024, 1, TRUE, TRUE },
    { "0.0.0.0", 65535, 65535, TRUE, FALSE },
    { "192.168.1.10", 8080, 80, TRUE, FALSE },
    { "127.0.0.1", 1023, 22, FALSE, TRUE },
    { "127.0.0.1", 22, 22, FALSE, TRUE },
    { "127.0.0.1", 65536, 22, FALSE, TRUE },
    { "127.0.0.1", 2222, 0, FALSE, TRUE },
    { "127.0.0.1", 2222, 65536, FALSE, TRUE },
    { "localhost", 2222, 22, FALSE, FALSE },
    { "::1", 2222, 22, FALSE, FALSE },
    { "127.1", 2222, 22, FALSE, FALSE },
    { "1.2.3.256", 2222, 22, FALSE, FALSE },
    { "127.0.0.1,hostfwd=tcp::80-:22", 2222, 22, FALSE, FALSE },
    { "", 2222, 22, FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = hangar_forward_check (cases[i].address, cases[i].host, cases[i].guest, &error);

      g_test_message ("%s:%u -> %u: %s", cases[i].address, cases[i].host, cases[i].guest,
                      ok ? "allowed" : error->message);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        g_assert_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID);
      g_assert_cmpint (hangar_forward_is_loopback (cases[i].address), ==, cases[i].loopback);
    }
}

static char *
golden_path (const char *file)
{
  return g_build_filename (HANGAR_GOLDEN_DIR, file, NULL);
}

static char *
read_golden (const char *file)
{
  g_autofree char *path = golden_path (file);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

/* HANGAR_UPDATE_GOLDEN=1 writes the files instead (then read them). */
static void
assert_golden (const char *text,
               const char *file)
{
  g_autofree char *expected = NULL;
  g_autofree char *with_newline = g_strconcat (text, "\n", NULL);

  if (g_getenv ("HANGAR_UPDATE_GOLDEN") != NULL)
    {
      g_autofree char *path = golden_path (file);

      g_assert_true (g_file_set_contents (path, with_newline, -1, NULL));
    }
  expected = read_golden (file);
  g_assert_cmpstr (with_newline, ==, expected);
}

static GPtrArray *
forwards_of (const HangarForward *list,
             guint                n)
{
  GPtrArray *forwards = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_forward_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (forwards, hangar_forward_copy (&list[i]));
  return forwards;
}

static void
test_xml (void)
{
  const HangarForward two[] = {
    { (char *) "127.0.0.1", 2222, 22, FALSE },
    { (char *) "0.0.0.0", 8080, 80, FALSE },
  };
  g_autofree char *machine = read_golden ("machine.xml");
  g_autoptr(GPtrArray) forwards = forwards_of (two, G_N_ELEMENTS (two));
  g_autoptr(GPtrArray) none = forwards_of (NULL, 0);
  g_autoptr(GPtrArray) read = NULL;
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *with = NULL;
  g_autofree char *fewer = NULL;
  g_autofree char *without = NULL;
  g_autofree char *unchanged = NULL;

  /* A machine without forwards has none, and stays as it is without. */
  read = hangar_forwards_from_xml (machine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 0);
  unchanged = hangar_forwards_apply_xml (machine, none, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unchanged, ==, machine);

  /* The card moves to QEMU's command line, its MAC and PCI place kept. */
  with = hangar_forwards_apply_xml (machine, forwards, &error);
  g_assert_no_error (error);
  assert_golden (with, "two-forwards.xml");
  g_assert_null (strstr (with, "<interface"));
  g_clear_pointer (&read, g_ptr_array_unref);
  read = hangar_forwards_from_xml (with, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_true (hangar_forward_equal (g_ptr_array_index (read, i), &two[i]));

  /* One removed: the other stays, the card where it was. */
  one = forwards_of (two, 1);
  fewer = hangar_forwards_apply_xml (with, one, &error);
  g_assert_no_error (error);
  assert_golden (fewer, "one-forward.xml");

  /* None left: libvirt's <interface> again, the same card. */
  without = hangar_forwards_apply_xml (fewer, none, &error);
  g_assert_no_error (error);
  assert_golden (without, "restored.xml");
  g_assert_null (strstr (without, "qemu:commandline"));
  g_assert_nonnull (strstr (without, "<mac address=\"52:54:00:ab:cd:ef\"/>"));
  g_assert_nonnull (strstr (without, "<model type=\"virtio\"/>"));
  g_assert_nonnull (strstr (without, "bus=\"0x01\" slot=\"0x00\" function=\"0x0\""));
}

static void
test_xml_refusals (void)
{
  static const struct
  {
    const char *from;
    const char *to;
  } edits[] = {
    /* no user-mode card */
    { "<interface type='user'>", "<interface type='network'>" },
    /* a model QEMU's command line would not keep */
    { "<model type='virtio'/>", "<model type='ne2k_pci'/>" },
    /* libvirt's own forwards (passt, on newer systems) */
    { "<model type='virtio'/>", "<model type='virtio'/><backend type='passt'/>" },
    /* not on PCI */
    { "<address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>",
      "<address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/>" },
  };
  const HangarForward forward = { (char *) "127.0.0.1", 2222, 22, FALSE };
  g_autofree char *machine = read_golden ("machine.xml");
  g_autoptr(GPtrArray) forwards = forwards_of (&forward, 1);

  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_auto(GStrv) parts = g_strsplit (machine, edits[i].from, 2);
      g_autofree char *edited = g_strjoinv (edits[i].to, parts);
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;

      g_assert_cmpuint (g_strv_length (parts), ==, 2);
      out = hangar_forwards_apply_xml (edited, forwards, &error);
      g_assert_null (out);
      g_assert_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_NOT_SUPPORTED);
      g_test_message ("%s: %s", edits[i].to, error->message);
    }
}

/* ------------------------------------------------------------------------ */
/* a session                                                                */
/* ------------------------------------------------------------------------ */

/* A port of 127.0.0.1 nothing listens on now, from the kernel. */
static guint
free_port (void)
{
  struct sockaddr_in sin = { .sin_family = AF_INET };
  socklen_t len = sizeof sin;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint port;

  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &sin, sizeof sin), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  port = ntohs (sin.sin_port);
  close (fd);
  g_assert_cmpuint (port, >=, 1024);
  return port;
}

static char *
port_text (guint port)
{
  return g_strdup_printf ("%u", port);
}

static gboolean
add_forward (HangarMachine  *machine,
             const char     *address,
             guint           host,
             guint           guest,
             gboolean       *pending,
             GError        **error)
{
  hangar_machine_add_forward_async (machine, address, host, guest, NULL, hangar_test_async_done,
                                    NULL);
  return hangar_machine_add_forward_finish (machine, hangar_test_await (), pending, error);
}

static gboolean
remove_forward (HangarMachine  *machine,
                guint           host,
                gboolean       *pending,
                GError        **error)
{
  hangar_machine_remove_forward_async (machine, host, NULL, hangar_test_async_done, NULL);
  return hangar_machine_remove_forward_finish (machine, hangar_test_await (), pending, error);
}

static GPtrArray *
list_forwards (HangarMachine *machine)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *forwards;

  hangar_machine_list_forwards_async (machine, NULL, hangar_test_async_done, NULL);
  forwards = hangar_machine_list_forwards_finish (machine, hangar_test_await (), &error);
  g_assert_no_error (error);
  return forwards;
}

static void
assert_ctl (int          status,
            const char  *expected_err,
            const char **args)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (hangar_test_ctl (args, &out, &err), ==, status);
  g_test_message ("hangarctl %s %s %s: %d %s", args[0], args[1], args[2], status, err);
  if (expected_err != NULL)
    g_assert_nonnull (strstr (err, expected_err));
  if (status != 0)
    hangar_test_assert_ctl_error (err, "forward");
}

static void
test_rules (void)
{
  g_autoptr(HangarMachine) one = NULL;
  g_autoptr(HangarMachine) two = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) forwards = NULL;
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocketAddress) taken = NULL;
  g_autofree char *before = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *mac = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  g_autofree char *hostfwd = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *line = NULL;
  g_autofree char *p3 = NULL;
  gboolean pending = TRUE;
  guint port1 = free_port ();
  guint port2;
  const char *mac_start;

  hangar_test_session_setup ();
  hangar_test_create_machine ("fw one", HANGAR_FIRMWARE_BIOS, FALSE);
  hangar_test_create_machine ("fw two", HANGAR_FIRMWARE_BIOS, FALSE);
  one = hangar_test_machine_for ("fw one");
  two = hangar_test_machine_for ("fw two");
  before = hangar_test_domain_xml ("fw one", TRUE);
  mac_start = strstr (before, "<mac address='");
  g_assert_nonnull (mac_start);
  mac = g_strndup (mac_start, strlen ("<mac address='52:54:00:00:00:00'/>"));

  /* Added to a machine that is off: in its definition, as libvirt keeps it. */
  g_assert_true (add_forward (one, NULL, port1, 22, &pending, &error));
  g_assert_no_error (error);
  g_assert_false (pending);
  xml = hangar_test_domain_xml ("fw one", TRUE);
  hostfwd = g_strdup_printf ("hostfwd=tcp:127.0.0.1:%u-:22", port1);
  g_assert_nonnull (strstr (xml, hostfwd));
  g_assert_null (strstr (xml, "<interface type='user'>"));
  /* The card's MAC address, on QEMU's command line now. */
  g_autofree char *mac_json = g_strdup_printf ("mac&quot;:&quot;%.17s&quot;",
                                               mac + strlen ("<mac address='"));
  g_assert_nonnull (strstr (xml, mac_json));
  forwards = list_forwards (one);
  g_assert_cmpuint (forwards->len, ==, 1);
  g_assert_cmpstr (((HangarForward *) forwards->pdata[0])->address, ==, "127.0.0.1");
  g_assert_false (((HangarForward *) forwards->pdata[0])->active);

  /* The same host port again, here or on another machine. */
  g_assert_false (add_forward (one, NULL, port1, 80, NULL, &error));
  g_assert_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_IN_USE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (add_forward (two, NULL, port1, 22, NULL, &error));
  g_assert_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_IN_USE);
  g_assert_nonnull (strstr (error->message, "fw one"));
  g_clear_error (&error);

  /* A port another program listens on. */
  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                           &error);
  g_assert_no_error (error);
  taken = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_assert_true (g_socket_bind (listener, taken, FALSE, &error));
  g_assert_true (g_socket_listen (listener, &error));
  g_clear_object (&taken);
  taken = g_socket_get_local_address (listener, &error);
  port2 = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (taken));
  g_assert_false (add_forward (two, NULL, port2, 22, NULL, &error));
  g_assert_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_IN_USE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Below 1024, and an address not of this computer. */
  g_assert_false (add_forward (two, NULL, 80, 80, NULL, &error));
  g_assert_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (add_forward (two, "192.0.2.1", free_port (), 22, NULL, &error));
  g_assert_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* hangarctl: the forward, hostile numbers and names. */
  p1 = port_text (port1);
  p2 = port_text (port2);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "forward", "list", "fw one", NULL },
                                    &out, &err), ==, 0);
  line = g_strdup_printf ("127.0.0.1:%u\t22\tnext-start\n", port1);
  g_assert_cmpstr (out, ==, line);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hangar_test_ctl ((const char *[]) { "forward", "list", "fw one", "--json",
                                                       NULL }, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "\"guest-port\" : 22"));

  assert_ctl (1, "fw one", (const char *[]) { "forward", "add", "fw two", p1, "22", NULL });
  assert_ctl (1, "Another program", (const char *[]) { "forward", "add", "fw two", p2, "22",
                                                       NULL });
  assert_ctl (2, "below 1024", (const char *[]) { "forward", "add", "fw two", "22", "22", NULL });
  assert_ctl (2, "not a port", (const char *[]) { "forward", "add", "fw two", "22x", "22", NULL });
  assert_ctl (2, "65535", (const char *[]) { "forward", "add", "fw two", "65536", "22", NULL });
  assert_ctl (2, "not a port", (const char *[]) { "forward", "add", "fw two", "4000", "0x16",
                                                  NULL });
  assert_ctl (2, "leading zeros", (const char *[]) { "forward", "add", "fw two", "04000", "22",
                                                     NULL });
  assert_ctl (2, "not a port", (const char *[]) { "forward", "add", "--", "fw two", "-4000", "22",
                                                  NULL });
  assert_ctl (2, "not a port", (const char *[]) { "forward", "add", "fw two", "\xd9\xa2\xd9\xa2",
                                                  "22", NULL });
  assert_ctl (2, "IPv4", (const char *[]) { "forward", "add", "fw two", "4000", "22",
                                            "--address", "localhost", NULL });
  assert_ctl (2, "IPv4", (const char *[]) { "forward", "add", "fw two", "4000", "22",
                                            "--address", "127.0.0.1,hostfwd=tcp::4001-:22",
                                            NULL });
  assert_ctl (2, NULL, (const char *[]) { "forward", "add", "fw two", "4000", NULL });
  assert_ctl (2, "Unknown action", (const char *[]) { "forward", "open", "fw two", NULL });
  assert_ctl (2, "--json", (const char *[]) { "forward", "add", "fw two", "4000", "22", "--json",
                                              NULL });
  assert_ctl (1, NULL, (const char *[]) { "forward", "list", "--", "-no such machine", NULL });
  assert_ctl (1, "no forward", (const char *[]) { "forward", "remove", "fw two", p1, NULL });
  /* Nothing of that reached the definition. */
  g_clear_pointer (&xml, g_free);
  xml = hangar_test_domain_xml ("fw two", TRUE);
  g_assert_null (strstr (xml, "hostfwd"));
  g_assert_nonnull (strstr (xml, "<interface type='user'>"));

  /* Another address of this computer, said out loud: a warning. */
  p3 = port_text (free_port ());
  assert_ctl (0, "other computers", (const char *[]) { "forward", "add", "fw two", p3, "80",
                                                       "--address", "0.0.0.0", NULL });
  assert_ctl (0, NULL, (const char *[]) { "forward", "remove", "fw two", p3, NULL });

  /* Removed: the card back in <devices>, with its MAC. */
  g_assert_true (remove_forward (one, port1, &pending, &error));
  g_assert_no_error (error);
  g_assert_false (pending);
  g_clear_pointer (&xml, g_free);
  xml = hangar_test_domain_xml ("fw one", TRUE);
  g_assert_null (strstr (xml, "hostfwd"));
  g_assert_null (strstr (xml, "qemu:commandline"));
  g_assert_nonnull (strstr (xml, "<interface type='user'>"));
  g_assert_nonnull (strstr (xml, mac));
  g_assert_false (remove_forward (one, port1, NULL, &error));
  g_assert_error (error, HANGAR_FORWARD_ERROR, HANGAR_FORWARD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_clear_object (&one);
  g_clear_object (&two);
  hangar_test_remove_machine ("fw one");
  hangar_test_remove_machine ("fw two");
}

/* ------------------------------------------------------------------------ */
/* e2e: a guest's echo service                                              */
/* ------------------------------------------------------------------------ */

#define ECHO_PORT 7777

/* Sends a line to 127.0.0.1:@port and reads it back; NULL while nothing
 * answers yet (slirp accepts, then drops what the guest refuses). */
static char *
echo_through (const char *address,
              guint       port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  const char *line = "hangar-forward-echo\n";
  char *reply;

  g_socket_client_set_timeout (client, 5);
  connection = g_socket_client_connect_to_host (client, address, port, NULL, NULL);
  if (connection == NULL)
    return NULL;
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), line,
                                  strlen (line), NULL, NULL, NULL))
    return NULL;
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  reply = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  return reply;
}

static char *
listening (void)
{
  const char *argv[] = { "ss", "-Hltn", NULL };

  return hangar_test_run_tool (argv);
}

static gboolean
listens_on (const char *needle)
{
  g_autofree char *ss = listening ();

  return strstr (ss, needle) != NULL;
}

static void
test_echo (void)
{
  g_autoptr(HangarMachine) machine = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) forwards = NULL;
  g_autofree char *local = NULL;
  g_autofree char *any = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *ss = NULL;
  HangarTestGuest *guest;
  gboolean pending = FALSE;
  guint port = free_port ();
  gint64 start;
  gint64 reached;

  hangar_test_session_setup ();
  hangar_test_create_machine ("fw echo", HANGAR_FIRMWARE_BIOS, FALSE);
  machine = hangar_test_machine_for ("fw echo");
  g_assert_true (add_forward (machine, NULL, port, ECHO_PORT, &pending, &error));
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  hangar_test_virsh ("start", "fw echo", NULL);
  guest = hangar_test_guest_for_machine ("fw echo");
  hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 1, HANGAR_TEST_BOOT_TIMEOUT_S);
  hangar_test_guest_run (guest, "ifconfig eth0 | grep -o 'inet addr:[0-9.]*'; "
                                "nc -ll -p 7777 -e cat </dev/null >/dev/null 2>&1 &");
  g_free (hangar_test_guest_wait_line (guest, "inet addr:10.0.2.15", 1, 30));

  /* QEMU listens on 127.0.0.1 alone. */
  local = g_strdup_printf ("127.0.0.1:%u ", port);
  any = g_strdup_printf ("*:%u ", port);
  ss = listening ();
  g_test_message ("ss -ltn:\n%s", ss);
  g_assert_nonnull (strstr (ss, local));
  g_assert_null (strstr (ss, any));
  g_clear_pointer (&ss, g_free);
  any = (g_free (any), g_strdup_printf ("0.0.0.0:%u ", port));
  g_assert_false (listens_on (any));

  /* The guest's echo answers through the forward. */
  for (int tries = 0; reply == NULL && tries < 60; tries++)
    {
      reply = echo_through ("127.0.0.1", port);
      if (reply == NULL)
        g_usleep (G_USEC_PER_SEC / 2);
    }
  reached = g_get_monotonic_time ();
  g_assert_cmpstr (reply, ==, "hangar-forward-echo");
  g_test_message ("echo through 127.0.0.1:%u after %.1f s from start", port,
                  (reached - start) / 1e6);
  forwards = list_forwards (machine);
  g_assert_cmpuint (forwards->len, ==, 1);
  g_assert_true (((HangarForward *) forwards->pdata[0])->active);

  /* Removed while it runs: it keeps listening until the next start. */
  g_assert_true (remove_forward (machine, port, &pending, &error));
  g_assert_no_error (error);
  g_assert_true (pending);
  g_assert_true (listens_on (local));
  hangar_test_virsh ("destroy", "fw echo", NULL);
  hangar_test_virsh ("start", "fw echo", NULL);
  g_assert_false (listens_on (local));
  g_clear_pointer (&reply, g_free);
  reply = echo_through ("127.0.0.1", port);
  g_assert_null (reply);

  hangar_test_guest_free (guest);
  hangar_test_virsh ("destroy", "fw echo", NULL);
  g_clear_object (&machine);
  hangar_test_remove_machine ("fw echo");
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init (&argc, &argv);

  g_test_add_func ("/hangar/forwards/unit/parse-port", test_parse_port);
  g_test_add_func ("/hangar/forwards/unit/check", test_check);
  g_test_add_func ("/hangar/forwards/unit/xml", test_xml);
  g_test_add_func ("/hangar/forwards/unit/xml-refusals", test_xml_refusals);
  g_test_add_func ("/hangar/forwards/libvirt/rules", test_rules);
  g_test_add_func ("/hangar/forwards/e2e/echo", test_echo);

  return g_test_run ();
}
