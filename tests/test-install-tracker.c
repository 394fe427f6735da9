/* test-install-tracker.c
 *
 * The install tracker's decisions, pure: which definition ends an
 * installation and how, and which stop of a machine ends it, ejecting the
 * medium, and when the machine starts again. Then the tracker itself on
 * libvirt's test driver, following its connection through a reconnection.
 * (test-creator's e2e paths end real installers' runs.)
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "hangar-connection.h"
#include "hangar-install-tracker.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "hangar-vm-config.h"

/* ------------------------------------------------------------------------ */
/* the finished definition                                                  */
/* ------------------------------------------------------------------------ */

#define INSTALLING_DOMAIN \
  "<domain type='qemu'>" \
  "<name>inst</name>" \
  "<metadata><hangar:installing xmlns:hangar='" HANGAR_VM_CONFIG_METADATA_NS "'>" \
  "true</hangar:installing>" \
  "<other:thing xmlns:other='https://example.org/other'>kept</other:thing></metadata>" \
  "<memory unit='KiB'>524288</memory>" \
  "<os><type arch='x86_64' machine='q35'>hvm</type><boot dev='cdrom'/><boot dev='hd'/></os>" \
  "<on_reboot>destroy</on_reboot>" \
  "<devices>" \
  "<disk type='file' device='disk'><source file='/images/inst.qcow2'/>" \
  "<target dev='vda' bus='virtio'/></disk>" \
  "<disk type='file' device='cdrom'><source file='/isos/inst.iso'/>" \
  "<target dev='sda' bus='sata'/><readonly/></disk>" \
  "</devices></domain>"

static void
test_finish_xml (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *nested_out = NULL;
  g_autofree char *plain_out = NULL;
  g_autofree char *order_out = NULL;
  const char *nested =
    "<domain type='qemu'><name>n</name>"
    "<metadata><hangar:machine xmlns:hangar='" HANGAR_VM_CONFIG_METADATA_NS "'>"
    "<hangar:installing>true</hangar:installing><hangar:os>fedora37</hangar:os>"
    "</hangar:machine></metadata>"
    "<os><type>hvm</type><boot dev='cdrom'/></os><on_reboot>destroy</on_reboot>"
    "<devices><disk type='file' device='cdrom'><source file='/x.iso'/>"
    "<target dev='sda' bus='sata'/><boot order='1'/></disk></devices></domain>";
  const char *per_device =
    "<domain type='qemu'><name>p</name>"
    "<metadata><hangar:installing xmlns:hangar='" HANGAR_VM_CONFIG_METADATA_NS "'>"
    "true</hangar:installing></metadata>"
    "<os><type>hvm</type></os>"
    "<devices><disk type='file' device='cdrom'><source file='/x.iso'/>"
    "<target dev='sda' bus='sata'/><boot order='1'/></disk></devices></domain>";

  out = hangar_install_finish_config_xml (INSTALLING_DOMAIN, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  g_test_message ("%s", out);
  g_assert_null (strstr (out, "installing"));
  g_assert_null (strstr (out, "/isos/inst.iso"));
  g_assert_nonnull (strstr (out, "device=\"cdrom\""));          /* the drive stays, empty */
  g_assert_nonnull (strstr (out, "/images/inst.qcow2"));
  g_assert_nonnull (strstr (out, "<on_reboot>restart</on_reboot>"));
  g_assert_null (strstr (out, "<boot dev=\"cdrom\"/>"));
  g_assert_nonnull (strstr (out, "<boot dev=\"hd\"/>"));
  g_assert_nonnull (strstr (out, "kept"));                      /* others' metadata stays */

  /* Finished once, nothing more to do. */
  g_assert_null (hangar_install_finish_config_xml (out, &error));
  g_assert_no_error (error);

  nested_out = hangar_install_finish_config_xml (nested, &error);
  g_assert_no_error (error);
  g_assert_nonnull (nested_out);
  g_assert_null (strstr (nested_out, "installing"));
  g_assert_nonnull (strstr (nested_out, "fedora37"));
  g_assert_nonnull (strstr (nested_out, "<boot dev=\"hd\"/>"));
  g_assert_null (strstr (nested_out, "/x.iso"));

  order_out = hangar_install_finish_config_xml (per_device, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (order_out, "<metadata"));
  g_assert_null (strstr (order_out, "<boot dev="));              /* per-device order kept as is */

  plain_out = hangar_install_finish_config_xml ("<domain><name>x</name></domain>", &error);
  g_assert_no_error (error);
  g_assert_null (plain_out);

  g_assert_null (hangar_install_finish_config_xml ("not xml <", &error));
  g_assert_nonnull (error);
}

/* A definition as the builder makes it now: disk first, restart on reboot. */
#define INSTALLING_RESTART_DOMAIN \
  "<domain type='qemu'>" \
  "<name>inst</name>" \
  "<metadata><hangar:machine xmlns:hangar='" HANGAR_VM_CONFIG_METADATA_NS "'>" \
  "<hangar:installing>true</hangar:installing></hangar:machine></metadata>" \
  "<os><type arch='x86_64' machine='q35'>hvm</type><boot dev='hd'/><boot dev='cdrom'/></os>" \
  "<on_reboot>restart</on_reboot>" \
  "<devices>" \
  "<disk type='file' device='disk'><source file='/images/inst.qcow2'/>" \
  "<target dev='vda' bus='virtio'/></disk>" \
  "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>" \
  "<source file='/isos/inst.iso'/><target dev='sda' bus='sata'/><readonly/></disk>" \
  "<disk type='file' device='cdrom'><target dev='sdb' bus='sata'/><readonly/></disk>" \
  "</devices></domain>"

static void
test_finish_xml_disk_first (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = hangar_install_finish_config_xml (INSTALLING_RESTART_DOMAIN, &error);
  const char *hd;

  g_assert_no_error (error);
  g_assert_nonnull (out);
  g_assert_null (strstr (out, "installing"));
  g_assert_null (strstr (out, "<metadata"));
  g_assert_null (strstr (out, "/isos/inst.iso"));
  g_assert_nonnull (strstr (out, "<on_reboot>restart</on_reboot>"));
  /* The disk alone in the boot order, once. */
  hd = strstr (out, "<boot dev=\"hd\"/>");
  g_assert_nonnull (hd);
  g_assert_null (strstr (hd + 1, "<boot dev=\"hd\"/>"));
  g_assert_null (strstr (out, "<boot dev=\"cdrom\"/>"));
}

/* What empties a running machine's drives: each drive with a medium, as
 * it is, without its source; empty drives and disks untouched. */
static void
test_eject_devices (void)
{
  g_autoptr(GPtrArray) devices = hangar_install_eject_devices_xml (INSTALLING_RESTART_DOMAIN);
  g_autoptr(GPtrArray) none = hangar_install_eject_devices_xml ("<domain><name>x</name></domain>");
  g_autoptr(GPtrArray) broken = hangar_install_eject_devices_xml ("not xml <");
  const char *drive;

  g_assert_cmpuint (devices->len, ==, 1);
  drive = g_ptr_array_index (devices, 0);
  g_test_message ("%s", drive);
  g_assert_true (g_str_has_prefix (drive, "<disk type=\"file\" device=\"cdrom\">"));
  g_assert_nonnull (strstr (drive, "<target dev=\"sda\" bus=\"sata\"/>"));
  g_assert_nonnull (strstr (drive, "<readonly/>"));
  g_assert_nonnull (strstr (drive, "<driver name=\"qemu\" type=\"raw\"/>"));
  g_assert_null (strstr (drive, "<source"));
  g_assert_null (strstr (drive, "inst.qcow2"));

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (broken->len, ==, 0);
}

/* ------------------------------------------------------------------------ */
/* the decisions                                                            */
/* ------------------------------------------------------------------------ */

/* What the tracker may see of a run before it stops. */
typedef enum
{
  SEEN_END,
  SEEN_READ,        /* the running definition, installing or not */
  SEEN_SHUTDOWN,    /* libvirt's SHUTDOWN lifecycle event, with a detail */
  SEEN_QEMU,        /* QEMU's SHUTDOWN event, with its JSON details */
} SeenKind;

typedef struct
{
  SeenKind    kind;
  int         detail;
  const char *details;
} Seen;

#define READ(installing) { SEEN_READ, (installing), NULL }
#define GUEST_SHUTDOWN { SEEN_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_GUEST, NULL }
#define HOST_SHUTDOWN { SEEN_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_HOST, NULL }
#define QEMU(json) { SEEN_QEMU, 0, (json) }
#define QEMU_POWEROFF QEMU ("{\"guest\":true,\"reason\":\"guest-shutdown\"}")
#define QEMU_RESET QEMU ("{\"guest\":true,\"reason\":\"guest-reset\"}")
#define QEMU_HOST QEMU ("{\"guest\":false,\"reason\":\"host-signal\"}")
#define END { SEEN_END, 0, NULL }

#define NONE HANGAR_INSTALL_ACTION_NONE
#define FINISH HANGAR_INSTALL_ACTION_FINISH
#define RESTART HANGAR_INSTALL_ACTION_FINISH_AND_RESTART

static const struct
{
  const char          *what;
  Seen                 seen[4];
  int                  stopped;
  HangarInstallAction  action;
} runs[] = {
  { "an installer powers off", { READ (TRUE), GUEST_SHUTDOWN, END },
    VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, FINISH },
  { "an installer powers off, QEMU's word", { READ (TRUE), QEMU_POWEROFF, END },
    VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, FINISH },
  { "an installer powers off before its definition is read", { END },
    VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, FINISH },
  { "an installer reboots (a shutdown under on_reboot=destroy)", { READ (TRUE), QEMU_RESET, END },
    VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, RESTART },
  { "an installer reboots (a destruction, older libvirt)", { READ (TRUE), QEMU_RESET, END },
    VIR_DOMAIN_EVENT_STOPPED_DESTROYED, RESTART },
  { "an installer powers off (a destruction)", { QEMU_POWEROFF, END },
    VIR_DOMAIN_EVENT_STOPPED_DESTROYED, FINISH },
  { "only the first word of a run counts", { READ (TRUE), QEMU_RESET, QEMU_POWEROFF, END },
    VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, RESTART },
  { "only the first word of a run counts, libvirt's first", { GUEST_SHUTDOWN, QEMU_RESET, END },
    VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, FINISH },
  { "the user forces an installer off", { READ (TRUE), END },
    VIR_DOMAIN_EVENT_STOPPED_DESTROYED, NONE },
  { "the host stops an installer", { READ (TRUE), HOST_SHUTDOWN, QEMU_HOST, END },
    VIR_DOMAIN_EVENT_STOPPED_DESTROYED, NONE },
  { "an installer crashes", { READ (TRUE), END },
    VIR_DOMAIN_EVENT_STOPPED_CRASHED, NONE },
  { "an installer's state is saved", { READ (TRUE), END },
    VIR_DOMAIN_EVENT_STOPPED_SAVED, NONE },
  { "an installer fails to run", { READ (TRUE), END },
    VIR_DOMAIN_EVENT_STOPPED_FAILED, NONE },
  { "an installer migrates away", { READ (TRUE), END },
    VIR_DOMAIN_EVENT_STOPPED_MIGRATED, NONE },
  { "an installed machine powers off", { READ (FALSE), GUEST_SHUTDOWN, END },
    VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, NONE },
  { "an installed machine reboots", { READ (FALSE), QEMU_RESET, END },
    VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, NONE },
  { "QEMU's details missing", { READ (TRUE), QEMU (NULL), END },
    VIR_DOMAIN_EVENT_STOPPED_DESTROYED, NONE },
};

static void
test_decide (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      HangarInstallRun run = { FALSE, FALSE, FALSE, FALSE };

      g_test_message ("%s", runs[i].what);
      for (const Seen *seen = runs[i].seen; seen->kind != SEEN_END; seen++)
        {
          switch (seen->kind)
            {
            case SEEN_READ:
              run.installing_known = TRUE;
              run.installing = seen->detail;
              break;
            case SEEN_SHUTDOWN:
              hangar_install_run_note_shutdown (&run, seen->detail);
              break;
            case SEEN_QEMU:
              hangar_install_run_note_qemu_shutdown (&run, seen->details);
              break;
            case SEEN_END:
            default:
              g_assert_not_reached ();
            }
        }
      g_assert_cmpint (hangar_install_decide (&run, runs[i].stopped), ==, runs[i].action);
    }

  /* A machine the tracker saw nothing of may be an installation. */
  g_assert_cmpint (hangar_install_decide (NULL, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN), ==, FINISH);
  g_assert_cmpint (hangar_install_decide (NULL, VIR_DOMAIN_EVENT_STOPPED_DESTROYED), ==, NONE);
}

static const struct
{
  const char *details;
  gboolean    guest_initiated;
  gboolean    reboot;
} qemu_cases[] = {
  { "{\"guest\":true,\"reason\":\"guest-shutdown\"}", TRUE, FALSE },
  { "{\"guest\":true,\"reason\":\"guest-reset\"}", TRUE, TRUE },
  { "{\"guest\":true,\"reason\":\"guest-panic\"}", TRUE, FALSE },
  { "{\"guest\":false,\"reason\":\"host-qmp-quit\"}", FALSE, FALSE },
  { "{\"guest\":false,\"reason\":\"guest-reset\"}", FALSE, FALSE },
  { "{}", FALSE, FALSE },
  { NULL, FALSE, FALSE },
};

static void
test_qemu_shutdown (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (qemu_cases); i++)
    {
      HangarInstallRun run = { TRUE, TRUE, FALSE, FALSE };

      hangar_install_run_note_qemu_shutdown (&run, qemu_cases[i].details);
      g_assert_cmpint (run.guest_initiated, ==, qemu_cases[i].guest_initiated);
      g_assert_cmpint (run.reboot, ==, qemu_cases[i].reboot);
      /* What the definition said is not QEMU's to change. */
      g_assert_true (run.installing_known);
      g_assert_true (run.installing);
    }
}

/* ------------------------------------------------------------------------ */
/* the tracker on the test driver                                           */
/* ------------------------------------------------------------------------ */

#define TEST_URI "test:///default"

#define TRACKED_DOMAIN(name) \
  "<domain type='test'>" \
  "<name>" name "</name>" \
  "<memory unit='KiB'>524288</memory>" \
  "<metadata><hangar:installing xmlns:hangar='" HANGAR_VM_CONFIG_METADATA_NS "'>" \
  "true</hangar:installing></metadata>" \
  "<os><type>hvm</type><boot dev='cdrom'/><boot dev='hd'/></os>" \
  "<on_reboot>destroy</on_reboot>" \
  "<devices>" \
  "<disk type='file' device='disk'><source file='/images/" name ".qcow2'/>" \
  "<target dev='vda' bus='virtio'/></disk>" \
  "<disk type='file' device='cdrom'><source file='/isos/live.iso'/>" \
  "<target dev='hdc' bus='ide'/><readonly/></disk>" \
  "</devices></domain>"

typedef struct
{
  guint     finished;
  char     *name;
  gboolean  restarted;
  guint     stopped;     /* STOPPED events seen by the test's own callback */
} Watch;

static void
on_install_finished (HangarInstallTracker *tracker,
                     const char           *uuid,
                     const char           *name,
                     gboolean              restarted,
                     Watch                *watch)
{
  g_assert_nonnull (uuid);
  watch->finished++;
  watch->restarted = restarted;
  g_free (watch->name);
  watch->name = g_strdup (name);
}

static int
on_lifecycle (virConnectPtr  conn,
              virDomainPtr   dom,
              int            event,
              int            detail,
              void          *opaque)
{
  Watch *watch = opaque;

  if (event == VIR_DOMAIN_EVENT_STOPPED)
    watch->stopped++;
  return 0;
}

static gboolean
finished_once (gpointer data)
{
  return ((Watch *) data)->finished == 1;
}

static gboolean
stopped_once (gpointer data)
{
  return ((Watch *) data)->stopped == 1;
}

static gboolean
connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_CONNECTED;
}

static gboolean
true_after (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static char *
inactive_xml (virDomainPtr dom)
{
  char *raw = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  char *xml = g_strdup (raw);

  free (raw);
  g_assert_nonnull (xml);
  return xml;
}

/* Runs a machine marked as installing and ends its run by a shutdown of
 * its guest's own (@by_shutdown) or a destruction; returns how often the
 * tracker said an installation was over. */
static guint
run_and_stop (HangarConnection *connection,
              const char       *xml,
              gboolean          by_shutdown,
              Watch            *watch)
{
  virConnectPtr conn = hangar_connection_dup_handle (connection);
  g_autofree char *after = NULL;
  virDomainPtr dom;
  int callback;

  g_assert_nonnull (conn);
  watch->finished = watch->stopped = 0;
  callback = virConnectDomainEventRegisterAny (conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                               VIR_DOMAIN_EVENT_CALLBACK (on_lifecycle), watch,
                                               NULL);
  g_assert_cmpint (callback, >=, 0);

  dom = virDomainDefineXML (conn, xml);
  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  if (by_shutdown)
    {
      /* The test driver's guest obeys at once: a shutdown of its own. */
      g_assert_cmpint (virDomainShutdown (dom), ==, 0);
      hangar_test_assert_eventually (finished_once, watch, 10, "the installation to end");
      g_assert_false (watch->restarted);
      g_assert_cmpstr (watch->name, ==, virDomainGetName (dom));
    }
  else
    {
      gint64 settle;

      /* A user's Force Off: the tracker has its event, and does nothing. */
      g_assert_cmpint (virDomainDestroy (dom), ==, 0);
      hangar_test_assert_eventually (stopped_once, watch, 10, "the machine to stop");
      settle = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
      hangar_test_wait_until (true_after, &settle, 5);
    }

  after = inactive_xml (dom);
  g_test_message ("%s", after);
  if (watch->finished > 0)
    {
      g_assert_null (strstr (after, "installing"));
      g_assert_null (strstr (after, "/isos/live.iso"));
      g_assert_nonnull (strstr (after, "<on_reboot>restart</on_reboot>"));
    }
  else
    {
      g_assert_nonnull (strstr (after, "installing"));
      g_assert_nonnull (strstr (after, "/isos/live.iso"));
    }
  g_assert_cmpint (virDomainIsActive (dom), ==, 0);

  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  g_assert_cmpint (virConnectDomainEventDeregisterAny (conn, callback), ==, 0);
  virConnectClose (conn);
  return watch->finished;
}

static void
test_follows_connection (void)
{
  g_autoptr(HangarConnection) connection = hangar_connection_new (TEST_URI);
  HangarInstallTracker *tracker = hangar_install_tracker_new (connection);
  Watch watch = { 0 };

  g_assert_true (hangar_install_tracker_get_connection (tracker) == connection);
  g_signal_connect (tracker, "install-finished", G_CALLBACK (on_install_finished), &watch);

  /* Made before the connection opened, it watches what opens. */
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  hangar_test_assert_eventually (connected, connection, 10, "the connection");
  g_assert_cmpuint (run_and_stop (connection, TRACKED_DOMAIN ("first"), TRUE, &watch), ==, 1);
  g_assert_cmpstr (watch.name, ==, "first");
  g_assert_cmpuint (run_and_stop (connection, TRACKED_DOMAIN ("forced"), FALSE, &watch), ==, 0);

  /* A new libvirt connection, as after the daemon came back: the same
   * tracker watches it. */
  hangar_connection_close (connection);
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  hangar_test_assert_eventually (connected, connection, 10, "the connection again");
  g_assert_cmpuint (run_and_stop (connection, TRACKED_DOMAIN ("second"), TRUE, &watch), ==, 1);
  g_assert_cmpstr (watch.name, ==, "second");

  hangar_connection_close (connection);
  g_object_add_weak_pointer (G_OBJECT (tracker), (gpointer *) &tracker);
  g_object_unref (tracker);
  /* Its jobs' threads let go of it a moment after their last callback. */
  hangar_test_assert_eventually (hangar_test_pointer_cleared, &tracker, 5,
                                 "the tracker to be finalized");
  g_free (watch.name);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_libvirt (&argc, &argv);

  g_test_add_func ("/hangar/install-tracker/finish-xml", test_finish_xml);
  g_test_add_func ("/hangar/install-tracker/finish-xml-disk-first", test_finish_xml_disk_first);
  g_test_add_func ("/hangar/install-tracker/eject-devices", test_eject_devices);
  g_test_add_func ("/hangar/install-tracker/decide", test_decide);
  g_test_add_func ("/hangar/install-tracker/qemu-shutdown", test_qemu_shutdown);
  g_test_add_func ("/hangar/install-tracker/follows-connection", test_follows_connection);

  return g_test_run ();
}
