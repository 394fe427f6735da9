/* hangar-install-tracker.c
 *
 * Ends installations. A machine created to install an OS is marked with
 * <hangar:installing>, boots from its disk first and its medium second, and
 * restarts when its guest reboots (hangar-vm-config.c). That definition needs
 * no Hangar process: the blank disk boots nothing, so the installer starts
 * from the medium, and after the installer's reboot the installed system
 * starts from the disk, even when no window or hangarctl is running. What a
 * tracker adds, in whichever process runs one, is the tidying-up: when it
 * sees an installing run's guest reboot, the medium is ejected (from the
 * running machine and its definition), the mark dropped and the medium taken
 * out of the boot order; when the guest powers off, the same for its next
 * start. A reboot nobody saw leaves the medium in, behind the disk, until a
 * tracker sees the next reboot or power-off: harmless, which the alternative
 * (<on_reboot>destroy</on_reboot> and a tracker to start the machine again)
 * was not, as it left the machine off whenever no Hangar process watched.
 * Machines defined that way by older versions are still ended and restarted
 * when they stop.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-install"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hangar-connection.h"
#include "hangar-install-tracker.h"
#include "hangar-libvirt.h"
#include "hangar-vm-config.h"

/* What the tracker knows of one run of a machine, from its start to its stop. */
typedef struct
{
  guint            serial;
  HangarInstallRun seen;
} Run;

struct _HangarInstallTracker
{
  GObject           parent_instance;

  HangarConnection *connection;

  /* The libvirt connection watched: the one @connection has open. */
  GVirConnection   *gvir;
  virConnectPtr     handle;
  int               lifecycle_id;
  int               reboot_id;
  int               monitor_id;
  GHashTable       *runs;         /* UUID -> Run */
  guint             next_serial;
  GCancellable     *cancellable;  /* the jobs for @gvir's machines */
};

G_DEFINE_FINAL_TYPE (HangarInstallTracker, hangar_install_tracker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  INSTALL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_element (xmlNodePtr  node,
            const char *name)
{
  return node->type == XML_ELEMENT_NODE && xmlStrcmp (node->name, BAD_CAST name) == 0;
}

static gboolean
in_hangar_ns (xmlNodePtr node)
{
  return node->type == XML_ELEMENT_NODE && node->ns != NULL &&
         xmlStrcmp (node->ns->href, BAD_CAST HANGAR_VM_CONFIG_METADATA_NS) == 0;
}

static xmlNodePtr
first_child (xmlNodePtr  parent,
             const char *name)
{
  for (xmlNodePtr child = parent->children; child != NULL; child = child->next)
    if (is_element (child, name))
      return child;
  return NULL;
}

static gboolean
has_element_children (xmlNodePtr node)
{
  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE)
      return TRUE;
  return FALSE;
}

static void
drop_node (xmlNodePtr node)
{
  xmlUnlinkNode (node);
  xmlFreeNode (node);
}

/* The <hangar:installing>true</hangar:installing> mark, at the top of
 * Hangar's metadata or inside an element of Hangar's namespace. */
static xmlNodePtr
find_installing (xmlNodePtr node)
{
  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      xmlNodePtr found;

      if (!in_hangar_ns (child))
        continue;
      if (xmlStrcmp (child->name, BAD_CAST "installing") == 0)
        {
          g_autofree char *text = (char *) xmlNodeGetContent (child);

          if (text != NULL && g_strcmp0 (g_strstrip (text), "true") == 0)
            return child;
        }
      if ((found = find_installing (child)) != NULL)
        return found;
    }
  return NULL;
}

static void
boot_from_disk (xmlNodePtr domain)
{
  xmlNodePtr os = first_child (domain, "os");
  xmlNodePtr first_boot = NULL;
  gboolean has_boot = FALSE, boots_hd = FALSE;
  xmlNodePtr next;

  if (os == NULL)
    return;

  for (xmlNodePtr child = os->children; child != NULL; child = next)
    {
      g_autofree char *dev = NULL;

      next = child->next;
      if (!is_element (child, "boot"))
        continue;
      has_boot = TRUE;
      dev = (char *) xmlGetProp (child, BAD_CAST "dev");
      if (g_strcmp0 (dev, "cdrom") == 0)
        {
          drop_node (child);
          continue;
        }
      if (g_strcmp0 (dev, "hd") == 0)
        boots_hd = TRUE;
      if (first_boot == NULL)
        first_boot = child;
    }

  /* Per-device boot order (no <os><boot>) needs nothing: an empty drive
   * cannot boot, so the firmware moves on to the disk. */
  if (has_boot && !boots_hd)
    {
      xmlNodePtr hd = xmlNewNode (NULL, BAD_CAST "boot");

      xmlNewProp (hd, BAD_CAST "dev", BAD_CAST "hd");
      if (first_boot != NULL)
        xmlAddPrevSibling (first_boot, hd);
      else
        xmlAddChild (os, hd);
    }
}

/**
 * hangar_install_finish_config_xml:
 * @domain_xml: a machine's persistent definition
 * @error: return location for an error
 *
 * The definition of a machine whose installation is over: every CD-ROM drive
 * is emptied (the drive stays, for another medium later), the installing
 * mark is dropped, a reboot restarts the guest again, and it boots from its
 * disk. Pure: no libvirt call.
 *
 * Returns: (transfer full) (nullable): the new definition, or %NULL when the
 *   machine was not installing (then @error is not set) or @domain_xml is
 *   not a domain
 */
char *
hangar_install_finish_config_xml (const char  *domain_xml,
                                  GError     **error)
{
  xmlDocPtr doc;
  xmlNodePtr domain, metadata, installing, parent, devices, on_reboot;
  xmlChar *out = NULL;
  int out_len = 0;
  char *result;

  g_return_val_if_fail (domain_xml != NULL, NULL);

  doc = xmlReadMemory (domain_xml, (int) strlen (domain_xml), "domain.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
  if (doc == NULL || (domain = xmlDocGetRootElement (doc)) == NULL || !is_element (domain, "domain"))
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           _("The machine’s definition cannot be read."));
      xmlFreeDoc (doc);
      return NULL;
    }

  metadata = first_child (domain, "metadata");
  installing = metadata != NULL ? find_installing (metadata) : NULL;
  if (installing == NULL)
    {
      xmlFreeDoc (doc);
      return NULL;
    }

  /* Drop the mark, and what only held it. */
  parent = installing->parent;
  drop_node (installing);
  while (parent != metadata && in_hangar_ns (parent) && !has_element_children (parent))
    {
      xmlNodePtr up = parent->parent;

      drop_node (parent);
      parent = up;
    }
  if (!has_element_children (metadata))
    drop_node (metadata);

  on_reboot = first_child (domain, "on_reboot");
  if (on_reboot != NULL)
    xmlNodeSetContent (on_reboot, BAD_CAST "restart");

  devices = first_child (domain, "devices");
  for (xmlNodePtr disk = devices != NULL ? devices->children : NULL; disk != NULL; disk = disk->next)
    {
      g_autofree char *device = NULL;
      xmlNodePtr source;

      if (!is_element (disk, "disk"))
        continue;
      device = (char *) xmlGetProp (disk, BAD_CAST "device");
      if (g_strcmp0 (device, "cdrom") == 0 && (source = first_child (disk, "source")) != NULL)
        drop_node (source);
    }

  boot_from_disk (domain);

  xmlDocDumpMemory (doc, &out, &out_len);
  result = g_strndup ((const char *) out, out_len);
  xmlFree (out);
  xmlFreeDoc (doc);
  return result;
}

/**
 * hangar_install_eject_devices_xml:
 * @domain_xml: a running machine's live definition
 *
 * The device XML that empties each CD/DVD drive holding a medium, for
 * virDomainUpdateDeviceFlags(). Pure: no libvirt call.
 *
 * Returns: (transfer full) (element-type utf8): one string per drive to
 *   empty; none when @domain_xml cannot be read
 */
GPtrArray *
hangar_install_eject_devices_xml (const char *domain_xml)
{
  GPtrArray *devices = g_ptr_array_new_with_free_func (g_free);
  xmlDocPtr doc;
  xmlNodePtr domain, list;

  g_return_val_if_fail (domain_xml != NULL, devices);

  doc = xmlReadMemory (domain_xml, (int) strlen (domain_xml), "domain.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
  if (doc == NULL || (domain = xmlDocGetRootElement (doc)) == NULL || !is_element (domain, "domain") ||
      (list = first_child (domain, "devices")) == NULL)
    {
      xmlFreeDoc (doc);
      return devices;
    }

  for (xmlNodePtr disk = list->children; disk != NULL; disk = disk->next)
    {
      g_autofree char *device = NULL;
      xmlNodePtr source;
      xmlBufferPtr buffer;

      if (!is_element (disk, "disk"))
        continue;
      device = (char *) xmlGetProp (disk, BAD_CAST "device");
      if (g_strcmp0 (device, "cdrom") != 0 || (source = first_child (disk, "source")) == NULL)
        continue;
      drop_node (source);
      buffer = xmlBufferCreate ();
      xmlNodeDump (buffer, doc, disk, 0, 0);
      g_ptr_array_add (devices, g_strdup ((const char *) xmlBufferContent (buffer)));
      xmlBufferFree (buffer);
    }
  xmlFreeDoc (doc);
  return devices;
}

/**
 * hangar_install_run_note_shutdown:
 * @run: what was seen of a run so far
 * @detail: the detail of libvirt's %VIR_DOMAIN_EVENT_SHUTDOWN event
 *
 * libvirt says when the guest itself began to shut down.
 */
void
hangar_install_run_note_shutdown (HangarInstallRun *run,
                                  int               detail)
{
  g_return_if_fail (run != NULL);

  if (detail == VIR_DOMAIN_EVENT_SHUTDOWN_GUEST)
    run->guest_initiated = TRUE;
}

/**
 * hangar_install_run_note_qemu_shutdown:
 * @run: what was seen of a run so far
 * @details: (nullable): the JSON details of QEMU's SHUTDOWN event
 *
 * QEMU's SHUTDOWN event tells a guest's power-off ("guest-shutdown") from
 * its reset ("guest-reset"); libvirt's lifecycle events do not. Only the
 * first one of a run counts: QEMU sends another as it exits.
 */
void
hangar_install_run_note_qemu_shutdown (HangarInstallRun *run,
                                       const char       *details)
{
  g_return_if_fail (run != NULL);

  if (details == NULL || strstr (details, "\"guest\":true") == NULL || run->guest_initiated)
    return;

  run->guest_initiated = TRUE;
  run->reboot = strstr (details, "\"guest-reset\"") != NULL;
}

/**
 * hangar_install_decide:
 * @run: (nullable): what was seen of the run that stopped; %NULL when nothing
 * @stopped_detail: the detail of libvirt's %VIR_DOMAIN_EVENT_STOPPED event
 *
 * Whether a machine that stopped has ended its installation. Only a guest
 * that ended its own run did: not a user's "Force Off", a crash or a save.
 * libvirt reports a reset under <on_reboot>destroy</on_reboot> as a
 * shutdown; older versions as a destruction, hence the guest's own word
 * from QEMU. A run whose definition was not read yet may be an
 * installation: the definition decides then (hangar_install_finish_config_xml()).
 *
 * Returns: what the tracker does
 */
HangarInstallAction
hangar_install_decide (const HangarInstallRun *run,
                       int                     stopped_detail)
{
  static const HangarInstallRun unseen = { FALSE, FALSE, FALSE, FALSE };

  if (run == NULL)
    run = &unseen;

  if (run->installing_known && !run->installing)
    return HANGAR_INSTALL_ACTION_NONE;
  if (!(stopped_detail == VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN ||
        (stopped_detail == VIR_DOMAIN_EVENT_STOPPED_DESTROYED && run->guest_initiated)))
    return HANGAR_INSTALL_ACTION_NONE;

  /* A guest that reset itself wants to come back, from its disk now. */
  return run->reboot ? HANGAR_INSTALL_ACTION_FINISH_AND_RESTART : HANGAR_INSTALL_ACTION_FINISH;
}

/**
 * hangar_install_tracker_new:
 * @connection: the connection whose machines to watch; the tracker follows
 *   it through its reconnections
 *
 * Returns: (transfer full): a tracker
 */
HangarInstallTracker *
hangar_install_tracker_new (HangarConnection *connection)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  return g_object_new (HANGAR_TYPE_INSTALL_TRACKER, "connection", connection, NULL);
}

/**
 * hangar_install_tracker_get_connection:
 *
 * Returns: (transfer none): the connection whose machines are tracked
 */
HangarConnection *
hangar_install_tracker_get_connection (HangarInstallTracker *self)
{
  g_return_val_if_fail (HANGAR_IS_INSTALL_TRACKER (self), NULL);

  return self->connection;
}

static Run *
lookup_run (HangarInstallTracker *self,
            virDomainPtr          dom,
            gboolean              create)
{
  char uuid[VIR_UUID_STRING_BUFLEN];
  Run *run;

  if (virDomainGetUUIDString (dom, uuid) < 0)
    return NULL;
  run = g_hash_table_lookup (self->runs, uuid);
  if (run == NULL && create)
    {
      run = g_new0 (Run, 1);
      run->serial = ++self->next_serial;
      g_hash_table_insert (self->runs, g_strdup (uuid), run);
    }
  return run;
}

static void
forget_run (HangarInstallTracker *self,
            virDomainPtr          dom)
{
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (virDomainGetUUIDString (dom, uuid) == 0)
    g_hash_table_remove (self->runs, uuid);
}

/* Jobs hold the tracker weakly: a tracker goes, and its event callbacks with
 * it, as soon as its owner drops it, even with a job in flight. libvirt
 * allows one registration of a callback per connection. */
typedef struct
{
  GWeakRef     tracker;
  virDomainPtr dom;
  guint        serial;
  gboolean     reboot;
  /* results */
  gboolean     installing;
  gboolean     finished;
  gboolean     restarted;
  char        *name;
  char         uuid[VIR_UUID_STRING_BUFLEN];
} DomainJob;

static void
domain_job_free (DomainJob *job)
{
  g_weak_ref_clear (&job->tracker);
  virDomainFree (job->dom);
  g_free (job->name);
  g_free (job);
}

static DomainJob *
domain_job_new (HangarInstallTracker *self,
                virDomainPtr          dom)
{
  DomainJob *job = g_new0 (DomainJob, 1);

  g_weak_ref_init (&job->tracker, self);
  virDomainRef (dom);
  job->dom = dom;
  if (virDomainGetUUIDString (dom, job->uuid) < 0)
    job->uuid[0] = '\0';
  return job;
}

static void
read_run_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DomainJob *job = task_data;
  char *xml;

  /* The running definition says whether this run is an installation: a
   * machine kept from "Try it" with a disk is marked in its persistent
   * definition only, and its live session must not eject the medium. */
  xml = virDomainGetXMLDesc (job->dom, 0);
  if (xml != NULL)
    {
      g_autofree char *finished = hangar_install_finish_config_xml (xml, NULL);

      job->installing = finished != NULL;
      free (xml);
    }
  g_task_return_boolean (task, xml != NULL);
}

static void
read_run_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  DomainJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(HangarInstallTracker) self = g_weak_ref_get (&job->tracker);
  Run *run;

  if (!g_task_propagate_boolean (G_TASK (result), NULL) || self == NULL)
    return;

  /* Only for the run it was read for. */
  run = g_hash_table_lookup (self->runs, job->uuid);
  if (run != NULL && run->serial == job->serial)
    {
      run->seen.installing_known = TRUE;
      run->seen.installing = job->installing;
    }
}

/* Defines the machine without its installation medium and mark. Returns
 * the domain defined, or %NULL: on an error, or (without one) when there was
 * nothing to finish. */
static virDomainPtr
define_finished (DomainJob  *job,
                 GError    **error)
{
  g_autofree char *finished = NULL;
  virDomainPtr defined;
  char *xml;

  xml = virDomainGetXMLDesc (job->dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if (xml == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", hangar_libvirt_last_message ());
      return NULL;
    }
  finished = hangar_install_finish_config_xml (xml, error);
  free (xml);
  if (finished == NULL)
    return NULL;

  defined = virDomainDefineXML (virDomainGetConnect (job->dom), finished);
  if (defined == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", hangar_libvirt_last_message ());
      return NULL;
    }
  job->finished = TRUE;
  job->name = g_strdup (virDomainGetName (defined));
  g_debug ("Installation of %s over: medium ejected", job->name);
  return defined;
}

/* A run that stopped (a power-off; a reboot of a machine defined with
 * <on_reboot>destroy</on_reboot>). */
static void
finish_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DomainJob *job = task_data;
  g_autoptr(GError) error = NULL;
  virDomainPtr defined;

  /* "Try it" machines leave nothing to finish. */
  if (virDomainIsPersistent (job->dom) != 1)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  defined = define_finished (job, &error);
  if (defined == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  /* The user may have started it already. */
  if (job->reboot)
    {
      if (virDomainCreate (defined) == 0)
        job->restarted = TRUE;
      else
        {
          /* Taken first: the next libvirt call resets it. */
          g_autofree char *why = g_strdup (hangar_libvirt_last_message ());

          if (virDomainIsActive (defined) != 1)
            g_warning ("Cannot restart %s after its installation: %s", job->name, why);
        }
    }
  virDomainFree (defined);
  g_task_return_boolean (task, TRUE);
}

/* A running machine's guest rebooted, and QEMU restarted it in place: it
 * boots from its disk now (the disk comes first), so the medium can go from
 * the running machine as well as from its definition. */
static void
reboot_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DomainJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autofree char *unmarked = NULL;
  virDomainPtr defined;
  char *live;

  if (virDomainIsPersistent (job->dom) != 1)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Only an installation's run ends one: a "Try it" machine kept with a
   * disk runs unmarked until its next start. */
  live = virDomainGetXMLDesc (job->dom, 0);
  if (live == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               hangar_libvirt_last_message ());
      return;
    }
  unmarked = hangar_install_finish_config_xml (live, NULL);
  if (unmarked == NULL)
    {
      free (live);
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Once per installation: the definition loses its mark, the live run
   * keeps it until it stops. */
  defined = define_finished (job, &error);
  if (defined == NULL)
    {
      free (live);
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }
  virDomainFree (defined);

  devices = hangar_install_eject_devices_xml (live);
  free (live);
  for (guint i = 0; i < devices->len; i++)
    if (virDomainUpdateDeviceFlags (job->dom, g_ptr_array_index (devices, i),
                                    VIR_DOMAIN_AFFECT_LIVE) < 0)
      g_warning ("Cannot eject the installation medium of %s: %s", job->name,
                 hangar_libvirt_last_message ());
  job->restarted = TRUE;
  g_task_return_boolean (task, TRUE);
}

static void
finish_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  DomainJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(HangarInstallTracker) self = g_weak_ref_get (&job->tracker);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot end the installation of a machine: %s", error->message);
      return;
    }

  if (job->finished && self != NULL)
    g_signal_emit (self, signals[INSTALL_FINISHED], 0, job->uuid, job->name, job->restarted);
}

static void
on_stopped (HangarInstallTracker *self,
            virDomainPtr          dom,
            int                   detail)
{
  g_autoptr(GTask) task = NULL;
  DomainJob *job;
  Run *run = lookup_run (self, dom, FALSE);
  HangarInstallAction action = hangar_install_decide (run != NULL ? &run->seen : NULL, detail);

  forget_run (self, dom);
  if (action == HANGAR_INSTALL_ACTION_NONE)
    return;

  job = domain_job_new (self, dom);
  job->reboot = action == HANGAR_INSTALL_ACTION_FINISH_AND_RESTART;
  task = g_task_new (NULL, self->cancellable, finish_done, NULL);
  g_task_set_source_tag (task, on_stopped);
  g_task_set_task_data (task, job, (GDestroyNotify) domain_job_free);
  g_task_run_in_thread (task, finish_thread);
}

static void
on_started (HangarInstallTracker *self,
            virDomainPtr          dom)
{
  g_autoptr(GTask) task = NULL;
  DomainJob *job;
  Run *run;

  forget_run (self, dom);
  run = lookup_run (self, dom, TRUE);
  if (run == NULL)
    return;

  job = domain_job_new (self, dom);
  job->serial = run->serial;
  task = g_task_new (NULL, self->cancellable, read_run_done, NULL);
  g_task_set_source_tag (task, on_started);
  g_task_set_task_data (task, job, (GDestroyNotify) domain_job_free);
  g_task_run_in_thread (task, read_run_thread);
}

static void
on_rebooted (virConnectPtr  conn,
             virDomainPtr   dom,
             void          *opaque)
{
  HangarInstallTracker *self = opaque;
  g_autoptr(GTask) task = NULL;
  DomainJob *job = domain_job_new (self, dom);
  Run *run;

  /* What the guest said before its reset belongs to the run that ended. */
  forget_run (self, dom);
  if ((run = lookup_run (self, dom, TRUE)) != NULL)
    run->seen.installing_known = TRUE;

  task = g_task_new (NULL, self->cancellable, finish_done, NULL);
  g_task_set_source_tag (task, on_rebooted);
  g_task_set_task_data (task, job, (GDestroyNotify) domain_job_free);
  g_task_run_in_thread (task, reboot_thread);
}

static int
on_lifecycle (virConnectPtr  conn,
              virDomainPtr   dom,
              int            event,
              int            detail,
              void          *opaque)
{
  HangarInstallTracker *self = opaque;
  Run *run;

  switch (event)
    {
    case VIR_DOMAIN_EVENT_STARTED:
      if (detail == VIR_DOMAIN_EVENT_STARTED_BOOTED)
        on_started (self, dom);
      break;
    case VIR_DOMAIN_EVENT_SHUTDOWN:
      if ((run = lookup_run (self, dom, TRUE)) != NULL)
        hangar_install_run_note_shutdown (&run->seen, detail);
      break;
    case VIR_DOMAIN_EVENT_STOPPED:
      on_stopped (self, dom, detail);
      break;
    case VIR_DOMAIN_EVENT_UNDEFINED:
    case VIR_DOMAIN_EVENT_DEFINED:
    case VIR_DOMAIN_EVENT_SUSPENDED:
    case VIR_DOMAIN_EVENT_RESUMED:
    case VIR_DOMAIN_EVENT_PMSUSPENDED:
    case VIR_DOMAIN_EVENT_CRASHED:
    default:
      break;
    }
  return 0;
}

static void
on_qemu_shutdown (virConnectPtr  conn,
                  virDomainPtr   dom,
                  const char    *event,
                  long long      seconds,
                  unsigned int   micros,
                  const char    *details,
                  void          *opaque)
{
  HangarInstallTracker *self = opaque;
  Run *run = lookup_run (self, dom, TRUE);

  if (run != NULL)
    hangar_install_run_note_qemu_shutdown (&run->seen, details);
}

/* Stops watching the libvirt connection: its events, its runs, and the
 * jobs for its machines go. */
static void
hangar_install_tracker_unwatch (HangarInstallTracker *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_hash_table_remove_all (self->runs);
  if (self->handle != NULL)
    {
      if (self->lifecycle_id >= 0)
        virConnectDomainEventDeregisterAny (self->handle, self->lifecycle_id);
      if (self->reboot_id >= 0)
        virConnectDomainEventDeregisterAny (self->handle, self->reboot_id);
      if (self->monitor_id >= 0)
        virConnectDomainQemuMonitorEventDeregister (self->handle, self->monitor_id);
      virConnectClose (self->handle);
      self->handle = NULL;
    }
  self->lifecycle_id = self->reboot_id = self->monitor_id = -1;
  g_clear_object (&self->gvir);
}

/* libvirt's events belong to one libvirt connection: after a reconnection
 * the tracker watches the new one. */
static void
hangar_install_tracker_follow (HangarInstallTracker *self)
{
  GVirConnection *gvir = hangar_connection_get_gvir (self->connection);

  if (gvir == self->gvir)
    return;
  hangar_install_tracker_unwatch (self);
  if (gvir == NULL)
    return;

  self->gvir = g_object_ref (gvir);
  self->cancellable = g_cancellable_new ();
  self->handle = hangar_libvirt_dup_connect (gvir);
  if (self->handle == NULL)
    {
      g_warning ("The install tracker needs an open connection");
      return;
    }

  self->lifecycle_id =
    virConnectDomainEventRegisterAny (self->handle, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      VIR_DOMAIN_EVENT_CALLBACK (on_lifecycle), self, NULL);
  if (self->lifecycle_id < 0)
    g_warning ("Cannot watch the machines for finished installations: %s",
               hangar_libvirt_last_message ());

  self->reboot_id =
    virConnectDomainEventRegisterAny (self->handle, NULL, VIR_DOMAIN_EVENT_ID_REBOOT,
                                      VIR_DOMAIN_EVENT_CALLBACK (on_rebooted), self, NULL);
  if (self->reboot_id < 0)
    g_warning ("Cannot watch the machines for reboots: %s", hangar_libvirt_last_message ());

  /* Not every driver speaks QEMU's protocol: without it, a reset is taken
   * for a power-off and the machine is left off. */
  self->monitor_id =
    virConnectDomainQemuMonitorEventRegister (self->handle, NULL, "SHUTDOWN", on_qemu_shutdown,
                                              self, NULL, 0);
  if (self->monitor_id < 0)
    g_debug ("No QEMU events on this connection: %s", hangar_libvirt_last_message ());
}

static void
hangar_install_tracker_constructed (GObject *object)
{
  HangarInstallTracker *self = HANGAR_INSTALL_TRACKER (object);

  G_OBJECT_CLASS (hangar_install_tracker_parent_class)->constructed (object);

  g_signal_connect_object (self->connection, "notify::gvir",
                           G_CALLBACK (hangar_install_tracker_follow), self, G_CONNECT_SWAPPED);
  hangar_install_tracker_follow (self);
}

static void
hangar_install_tracker_dispose (GObject *object)
{
  HangarInstallTracker *self = HANGAR_INSTALL_TRACKER (object);

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  hangar_install_tracker_unwatch (self);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (hangar_install_tracker_parent_class)->dispose (object);
}

static void
hangar_install_tracker_finalize (GObject *object)
{
  HangarInstallTracker *self = HANGAR_INSTALL_TRACKER (object);

  g_clear_pointer (&self->runs, g_hash_table_unref);

  G_OBJECT_CLASS (hangar_install_tracker_parent_class)->finalize (object);
}

static void
hangar_install_tracker_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  HangarInstallTracker *self = HANGAR_INSTALL_TRACKER (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_install_tracker_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  HangarInstallTracker *self = HANGAR_INSTALL_TRACKER (object);

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
hangar_install_tracker_class_init (HangarInstallTrackerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hangar_install_tracker_constructed;
  object_class->dispose = hangar_install_tracker_dispose;
  object_class->finalize = hangar_install_tracker_finalize;
  object_class->get_property = hangar_install_tracker_get_property;
  object_class->set_property = hangar_install_tracker_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HangarInstallTracker::install-finished:
   * @self: the tracker
   * @uuid: the machine's UUID
   * @name: its name
   * @restarted: whether it was started again (its guest had asked to reboot)
   *
   * A machine's installation medium was ejected; it boots from its disk now.
   */
  signals[INSTALL_FINISHED] =
    g_signal_new ("install-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
}

static void
hangar_install_tracker_init (HangarInstallTracker *self)
{
  self->lifecycle_id = self->reboot_id = self->monitor_id = -1;
  self->runs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
