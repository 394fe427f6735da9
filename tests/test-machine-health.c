/* test-machine-health.c
 *
 * A machine's health: the rules as a table of facts and the items they
 * give (unit); the check and the KVM switch on libvirt's test driver
 * (unit); each problem provoked in an isolated session and seen through
 * `hangarctl check` (text, --json, exit status), with its fix applied
 * (libvirt); and one real guest for the agent and a saved state made
 * stale (e2e).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "hangar-collection.h"
#include "hangar-connection.h"
#include "hangar-machine-health.h"
#include "hangar-test-guest.h"
#include "hangar-test-utils.h"
#include "machine-health-fixtures.h"

#define TEST_URI "test:///default"
#define TIMEOUT_S 10
#define GIB (G_GUINT64_CONSTANT (1) << 30)
#define STATUS_PROBLEM 3

/* ------------------------------------------------------------------------ */
/* unit: the rules                                                          */
/* ------------------------------------------------------------------------ */

typedef struct
{
  const char        *what;
  HangarHealthFacts  facts;
  const char        *id;          /* the item looked at */
  HangarHealthState  state;
  HangarHealthFix    fix;
  const char        *in_text;     /* in its title or explanation */
} RuleCase;

#define NO_KVM "No KVM here."
#define HEALTHY .disks = TRUE, .disk_free = 100 * GIB, .agent_channel = TRUE

static const RuleCase rule_cases[] = {
  { "kvm machine, kvm usable", { HEALTHY, .kvm_domain = TRUE },
    "acceleration", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, "KVM" },
  { "kvm machine, no kvm", { HEALTHY, .kvm_domain = TRUE, .kvm_reason = (char *) NO_KVM },
    "acceleration", HANGAR_HEALTH_PROBLEM, HANGAR_HEALTH_FIX_USE_EMULATION, NO_KVM },
  { "emulated, no kvm", { HEALTHY, .kvm_reason = (char *) NO_KVM },
    "acceleration", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, NO_KVM },
  { "emulated, kvm usable", { HEALTHY },
    "acceleration", HANGAR_HEALTH_WARNING, HANGAR_HEALTH_FIX_USE_KVM, "KVM" },
  { "emulated as the preference asks", { HEALTHY, .force_emulation = TRUE },
    "acceleration", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, "Force Software Emulation" },
  { "no agent port", { .disks = TRUE, .disk_free = 100 * GIB, .running = TRUE },
    "agent", HANGAR_HEALTH_WARNING, HANGAR_HEALTH_FIX_NONE, "no SPICE agent port" },
  { "agent while stopped", { HEALTHY },
    "agent", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, "spice-vdagent" },
  { "agent missing, Linux", { HEALTHY, .running = TRUE },
    "agent", HANGAR_HEALTH_WARNING, HANGAR_HEALTH_FIX_NONE, "spice-vdagent" },
  { "agent missing, Windows", { HEALTHY, .running = TRUE, .windows = TRUE },
    "agent", HANGAR_HEALTH_WARNING, HANGAR_HEALTH_FIX_NONE, "spice-guest-tools" },
  { "agent connected", { HEALTHY, .running = TRUE, .agent_connected = TRUE },
    "agent", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, "clipboard" },
  { "windows on virtio, no drivers", { HEALTHY, .windows = TRUE, .virtio_devices = TRUE },
    "virtio", HANGAR_HEALTH_PROBLEM, HANGAR_HEALTH_FIX_NONE, "virtio-win" },
  { "windows on virtio, drivers disc in", { HEALTHY, .windows = TRUE, .virtio_devices = TRUE,
                                            .virtio_win_medium = TRUE },
    "virtio", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, "virtio" },
  { "windows on virtio, guest tools running", { HEALTHY, .windows = TRUE,
                                                .virtio_devices = TRUE, .running = TRUE,
                                                .agent_connected = TRUE },
    "virtio", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, "virtio" },
  { "windows on sata", { HEALTHY, .windows = TRUE, .other_devices = TRUE },
    "virtio", HANGAR_HEALTH_WARNING, HANGAR_HEALTH_FIX_NONE, "slower" },
  { "linux: no virtio item", { HEALTHY, .virtio_devices = TRUE },
    "virtio", -1, HANGAR_HEALTH_FIX_NONE, NULL },
  { "room to grow", { HEALTHY, .disk_growth = 10 * GIB },
    "disk-space", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, "10.0\xc2\xa0" "GiB" },
  { "no disks", { .agent_channel = TRUE, .disk_free = 1 },
    "disk-space", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, "no disk" },
  { "free space unknown", { .agent_channel = TRUE, .disks = TRUE, .disk_free = G_MAXUINT64 },
    "disk-space", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, "cannot tell" },
  { "may outgrow the free space", { .agent_channel = TRUE, .disks = TRUE, .disk_free = 5 * GIB,
                                    .disk_growth = 20 * GIB },
    "disk-space", HANGAR_HEALTH_WARNING, HANGAR_HEALTH_FIX_SPACE_REPORT, "20.0\xc2\xa0" "GiB" },
  { "nearly full", { .agent_channel = TRUE, .disks = TRUE, .disk_free = GIB / 2,
                     .disk_growth = 20 * GIB },
    "disk-space", HANGAR_HEALTH_PROBLEM, HANGAR_HEALTH_FIX_SPACE_REPORT, "512.0\xc2\xa0" "MiB" },
  { "exactly enough", { .agent_channel = TRUE, .disks = TRUE, .disk_free = GIB / 2,
                        .disk_growth = GIB / 2 },
    "disk-space", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, NULL },
  { "firmware present", { HEALTHY },
    "firmware", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, NULL },
  { "loader missing", { HEALTHY, .missing_loader = (char *) "/gone/OVMF_CODE.fd" },
    "firmware", HANGAR_HEALTH_PROBLEM, HANGAR_HEALTH_FIX_NONE, "/gone/OVMF_CODE.fd" },
  { "nvram missing, remade", { HEALTHY, .missing_nvram = (char *) "/gone/VARS.fd",
                               .nvram_remade = TRUE },
    "firmware", HANGAR_HEALTH_WARNING, HANGAR_HEALTH_FIX_NONE, "/gone/VARS.fd" },
  { "nvram missing, no template", { HEALTHY, .missing_nvram = (char *) "/gone/VARS.fd" },
    "firmware", HANGAR_HEALTH_PROBLEM, HANGAR_HEALTH_FIX_NONE, "no template" },
  { "swtpm missing", { HEALTHY, .tpm_missing = (char *) "swtpm" },
    "firmware", HANGAR_HEALTH_PROBLEM, HANGAR_HEALTH_FIX_NONE, "swtpm-tools" },
  { "no saved state: no item", { HEALTHY },
    "saved-state", -1, HANGAR_HEALTH_FIX_NONE, NULL },
  { "saved state restorable", { HEALTHY, .saved = TRUE },
    "saved-state", HANGAR_HEALTH_OK, HANGAR_HEALTH_FIX_NONE, "resumes" },
  { "saved state refused", { HEALTHY, .saved = TRUE, .saved_refused = (char *) "Bad magic." },
    "saved-state", HANGAR_HEALTH_PROBLEM, HANGAR_HEALTH_FIX_DISCARD_SAVED_STATE, "Bad magic." },
};

static void
test_rules (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rule_cases); i++)
    {
      const RuleCase *c = &rule_cases[i];
      g_autoptr(GPtrArray) items = hangar_health_evaluate (&c->facts);
      const HangarHealthItem *item = hangar_health_find (items, c->id);

      g_test_message ("case: %s", c->what);
      /* The order the page and hangarctl show. */
      g_assert_cmpstr (((HangarHealthItem *) items->pdata[0])->id, ==, "acceleration");
      g_assert_cmpstr (((HangarHealthItem *) items->pdata[1])->id, ==, "agent");
      if ((int) c->state < 0)
        {
          g_assert_null (item);
          continue;
        }
      g_assert_nonnull (item);
      g_assert_cmpint (item->state, ==, c->state);
      g_assert_cmpint (item->fix, ==, c->fix);
      g_assert_cmpint (item->fix_label != NULL, ==, c->fix != HANGAR_HEALTH_FIX_NONE);
      g_assert_nonnull (item->title);
      g_assert_nonnull (item->explanation);
      g_assert_true (g_str_has_prefix (item->help_uri, "help:hangar/machine-health#"));
      g_assert_true (g_str_has_suffix (item->help_uri, c->id));
      if (c->in_text != NULL)
        {
          g_autofree char *text = g_strconcat (item->title, " ", item->explanation, NULL);

          g_test_message ("%s", text);
          g_assert_nonnull (strstr (text, c->in_text));
        }
      g_assert_cmpint (hangar_health_worst (items), >=, item->state);
    }
}

static void
test_nicks (void)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();

  g_assert_cmpstr (hangar_health_state_to_nick (HANGAR_HEALTH_OK), ==, "ok");
  g_assert_cmpstr (hangar_health_state_to_nick (HANGAR_HEALTH_WARNING), ==, "warning");
  g_assert_cmpstr (hangar_health_state_to_nick (HANGAR_HEALTH_PROBLEM), ==, "problem");
  for (HangarHealthFix fix = HANGAR_HEALTH_FIX_NONE; fix <= HANGAR_HEALTH_FIX_SPACE_REPORT; fix++)
    g_assert_cmpint (hangar_health_fix_from_nick (hangar_health_fix_to_nick (fix)), ==, fix);
  g_assert_cmpint (hangar_health_fix_from_nick ("reboot"), ==, HANGAR_HEALTH_FIX_NONE);
  g_assert_cmpint (hangar_health_worst (none), ==, HANGAR_HEALTH_OK);
  g_assert_null (hangar_health_find (none, "agent"));
}

/* ------------------------------------------------------------------------ */
/* unit: on libvirt's test driver                                           */
/* ------------------------------------------------------------------------ */

static gboolean
machine_stopped (gpointer data)
{
  return hangar_machine_get_state (data) == HANGAR_MACHINE_STATE_STOPPED;
}

static void
test_test_driver (void)
{
  g_autoptr(HangarConnection) connection = hangar_connection_new (TEST_URI);
  g_autoptr(HangarCollection) collection = hangar_collection_new (connection);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  const HangarHealthItem *item;
  GVirDomain *domain;
  HangarMachine *machine;

  hangar_connection_open_async (connection, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_connection_open_finish (connection, hangar_test_await (), &error));
  g_assert_no_error (error);
  hangar_test_async_clear ();
  domain = hangar_test_define_test_domain (hangar_connection_get_gvir (connection), "checked",
                                           NULL);
  hangar_test_wait_machine_state (collection, "checked", HANGAR_MACHINE_STATE_STOPPED,
                                  TIMEOUT_S);
  machine = hangar_collection_find_by_name (collection, "checked");
  g_assert_nonnull (machine);

  /* HANGAR_FORCE_EMULATION=1 in the tests' environment: no KVM. */
  hangar_machine_check_health_async (machine, FALSE, NULL, hangar_test_async_done, NULL);
  items = hangar_machine_check_health_finish (machine, hangar_test_await (), &error);
  g_assert_no_error (error);
  hangar_test_async_clear ();
  item = hangar_health_find (items, "acceleration");
  g_assert_nonnull (item);
  g_assert_cmpint (item->state, ==, HANGAR_HEALTH_OK);
  g_assert_nonnull (strstr (item->explanation, "HANGAR_FORCE_EMULATION"));
  item = hangar_health_find (items, "agent");
  g_assert_cmpint (item->state, ==, HANGAR_HEALTH_WARNING);
  g_assert_nonnull (hangar_health_find (items, "disk-space"));
  g_assert_nonnull (hangar_health_find (items, "firmware"));
  g_assert_null (hangar_health_find (items, "saved-state"));
  g_clear_pointer (&items, g_ptr_array_unref);

  /* KVM where there is none: refused with the reason, nothing changed. */
  hangar_machine_set_acceleration_async (machine, TRUE, NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_set_acceleration_finish (machine, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "HANGAR_FORCE_EMULATION"));
  g_clear_error (&error);
  hangar_test_async_clear ();

  /* Running: refused, it must be shut off. */
  g_assert_true (gvir_domain_start (domain, 0, &error));
  g_assert_no_error (error);
  hangar_test_wait_machine_state (collection, "checked", HANGAR_MACHINE_STATE_RUNNING, TIMEOUT_S);
  hangar_machine_set_acceleration_async (machine, FALSE, NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_set_acceleration_finish (machine, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE);
  g_clear_error (&error);
  hangar_test_async_clear ();

  /* The test driver keeps a saved state it cannot describe: libvirt's
   * refusal is the problem, and discarding it the fix. */
  g_assert_true (gvir_domain_save (domain, 0, &error));
  g_assert_no_error (error);
  hangar_test_wait_machine_state (collection, "checked", HANGAR_MACHINE_STATE_SAVED, TIMEOUT_S);
  hangar_machine_check_health_async (machine, FALSE, NULL, hangar_test_async_done, NULL);
  items = hangar_machine_check_health_finish (machine, hangar_test_await (), &error);
  g_assert_no_error (error);
  hangar_test_async_clear ();
  item = hangar_health_find (items, "saved-state");
  g_assert_nonnull (item);
  g_test_message ("%s", item->explanation);
  g_assert_cmpint (item->state, ==, HANGAR_HEALTH_PROBLEM);
  g_assert_cmpint (item->fix, ==, HANGAR_HEALTH_FIX_DISCARD_SAVED_STATE);
  g_assert_cmpint (hangar_health_worst (items), ==, HANGAR_HEALTH_PROBLEM);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* A saved machine cannot switch: its state resumes only as it was. */
  hangar_machine_set_acceleration_async (machine, FALSE, NULL, hangar_test_async_done, NULL);
  g_assert_false (hangar_machine_set_acceleration_finish (machine, hangar_test_await (), &error));
  g_assert_error (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_STATE);
  g_clear_error (&error);
  hangar_test_async_clear ();

  hangar_machine_discard_saved_state_async (machine, NULL, hangar_test_async_done, NULL);
  g_assert_true (hangar_machine_discard_saved_state_finish (machine, hangar_test_await (),
                                                            &error));
  g_assert_no_error (error);
  hangar_test_async_clear ();
  hangar_test_assert_eventually (machine_stopped, machine, TIMEOUT_S, "the machine to stop");
  hangar_machine_check_health_async (machine, FALSE, NULL, hangar_test_async_done, NULL);
  items = hangar_machine_check_health_finish (machine, hangar_test_await (), &error);
  g_assert_no_error (error);
  hangar_test_async_clear ();
  g_assert_null (hangar_health_find (items, "saved-state"));

  gvir_domain_delete (domain, 0, NULL);
  g_object_unref (domain);
  hangar_connection_close (connection);
}

/* ------------------------------------------------------------------------ */
/* libvirt: hangarctl check in an isolated session                          */
/* ------------------------------------------------------------------------ */

/* Runs `hangarctl check NAME [--json] [ARG]`; returns its exit status. */
static int
ctl_check (const char  *name,
           gboolean     json,
           const char  *extra,
           char       **out)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int status;

  g_ptr_array_add (args, (gpointer) "check");
  if (json)
    g_ptr_array_add (args, (gpointer) "--json");
  if (extra != NULL)
    g_ptr_array_add (args, (gpointer) extra);
  /* After "--" every word is the name. */
  g_ptr_array_add (args, (gpointer) "--");
  g_ptr_array_add (args, (gpointer) name);
  g_ptr_array_add (args, NULL);
  status = hangar_test_ctl ((const char * const *) args->pdata, out, &err);
  g_test_message ("hangarctl check %s: %d\n%s%s", name, status, *out, err);
  if (status == 1 || status == 2)
    g_error ("hangarctl check failed: %s", err);
  return status;
}

/* The state and fix `--json` gives item @id; NULL when it is not there. */
static char *
json_item (const char  *json,
           const char  *id,
           char       **fix)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);

      g_assert_true (json_object_has_member (item, "title"));
      g_assert_true (json_object_has_member (item, "explanation"));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (item, "help"),
                                       "help:hangar/machine-health#"));
      if (g_strcmp0 (json_object_get_string_member (item, "id"), id) != 0)
        continue;
      if (fix != NULL)
        *fix = g_strdup (json_object_get_string_member (item, "fix"));
      return g_strdup (json_object_get_string_member (item, "state"));
    }
  return NULL;
}

/* Asserts item @id's state and fix through --json, and the exit status. */
static void
assert_check (const char *name,
              const char *id,
              const char *state,
              const char *fix)
{
  g_autofree char *out = NULL;
  g_autofree char *got_fix = NULL;
  g_autofree char *got = NULL;
  int status = ctl_check (name, TRUE, NULL, &out);

  got = json_item (out, id, &got_fix);
  g_assert_cmpstr (got, ==, state);
  if (state != NULL)
    g_assert_cmpstr (got_fix, ==, fix);
  if (g_strcmp0 (state, "problem") == 0)
    g_assert_cmpint (status, ==, STATUS_PROBLEM);
}

static void
test_acceleration (void)
{
  g_autofree char *out = NULL;
  g_autofree char *xml = NULL;

  hangar_test_session_setup ();

  /* Usage errors: exit 2, one line naming the command. */
  {
    const char *no_name[] = { "check", NULL };
    const char *bad_fix[] = { "check", "--fix=space-report", "--", "kvm box", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (hangar_test_ctl (no_name, &out, &err), ==, 2);
    hangar_test_assert_ctl_error (err, "check");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (hangar_test_ctl (bad_fix, &out, &err), ==, 2);
    hangar_test_assert_ctl_error (err, "check");
    g_assert_nonnull (strstr (err, "discard-saved-state"));
    g_clear_pointer (&out, g_free);
  }

  hangar_test_define_kvm_machine ("kvm box");
  xml = hangar_test_virsh_output ("dumpxml", "--inactive", "kvm box", NULL);
  g_assert_nonnull (strstr (xml, "<domain type='kvm'"));

  /* The text form: one line per item, the fix below a problem. */
  g_assert_cmpint (ctl_check ("kvm box", FALSE, NULL, &out), ==, STATUS_PROBLEM);
  g_assert_true (g_str_has_prefix (out, "problem\tacceleration\t"));
  g_assert_nonnull (strstr (out, "HANGAR_FORCE_EMULATION"));
  g_assert_nonnull (strstr (out, "Fix: use-emulation"));
  g_clear_pointer (&out, g_free);
  assert_check ("kvm box", "acceleration", "problem", "use-emulation");

  /* The fix: software emulation, with a processor model TCG has. */
  g_assert_cmpint (ctl_check ("kvm box", FALSE, "--fix=use-emulation", &out), ==, 0);
  g_assert_true (g_str_has_prefix (out, "ok\tacceleration\t"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&xml, g_free);
  xml = hangar_test_virsh_output ("dumpxml", "--inactive", "kvm box", NULL);
  g_assert_nonnull (strstr (xml, "<domain type='qemu'"));
  g_assert_nonnull (strstr (xml, "<cpu mode='maximum'"));
  g_assert_null (strstr (xml, "host-passthrough"));
  assert_check ("kvm box", "acceleration", "ok", "none");

  /* Back to KVM is refused here, with the reason; nothing changes. */
  {
    const char *args[] = { "check", "--fix=use-kvm", "--", "kvm box", NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (hangar_test_ctl (args, &out, &err), ==, 1);
    hangar_test_assert_ctl_error (err, "check");
    g_assert_nonnull (strstr (err, "HANGAR_FORCE_EMULATION"));
  }
  g_clear_pointer (&xml, g_free);
  xml = hangar_test_virsh_output ("dumpxml", "--inactive", "kvm box", NULL);
  g_assert_nonnull (strstr (xml, "<domain type='qemu'"));

  hangar_test_virsh ("undefine", "kvm box", NULL);
}

/* A UEFI machine with firmware and variables files of its own. */
static void
test_firmware (void)
{
  const char *code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
  const char *vars = "/usr/share/OVMF/OVMF_VARS_4M.fd";
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "health-firmware", NULL);
  g_autofree char *my_code = g_build_filename (dir, "CODE.fd", NULL);
  g_autofree char *my_vars = g_build_filename (dir, "VARS.fd", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  hangar_test_session_setup ();
  g_assert_true (g_file_test (code, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (code, &contents, &size, &error));
  g_assert_true (g_file_set_contents (my_code, contents, size, &error));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (vars, &contents, &size, &error));
  g_assert_true (g_file_set_contents (my_vars, contents, size, &error));
  g_assert_no_error (error);

  xml = g_strdup_printf (
    "<domain type='qemu'><name>uefi box</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
    "<os><type arch='x86_64' machine='q35'>hvm</type>"
    "<loader readonly='yes' type='pflash'>%s</loader><nvram>%s</nvram></os>"
    "<features><acpi/></features>"
    "<devices><graphics type='spice'><listen type='none'/></graphics></devices></domain>",
    my_code, my_vars);
  hangar_test_define_xml ("uefi box", xml);
  assert_check ("uefi box", "firmware", "ok", "none");

  /* Its variables gone, with no template named: it may not start. */
  g_assert_cmpint (g_unlink (my_vars), ==, 0);
  assert_check ("uefi box", "firmware", "problem", "none");
  /* The firmware itself gone: it cannot start. */
  g_assert_cmpint (g_unlink (my_code), ==, 0);
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (ctl_check ("uefi box", FALSE, NULL, &out), ==, STATUS_PROBLEM);
    g_assert_nonnull (strstr (out, "problem\tfirmware\tFirmware file missing"));
    g_assert_nonnull (strstr (out, my_code));
  }
  hangar_test_virsh ("undefine", "--nvram", "uefi box", NULL);

  /* The system's firmware, its variables gone: libvirt makes them again
   * from the template its firmware descriptor names (libvirt 9.0 does),
   * which forgets the guest's boot entries: a warning. */
  g_clear_pointer (&xml, g_free);
  xml = g_strdup_printf (
    "<domain type='qemu'><name>uefi system</name><memory unit='MiB'>128</memory>"
    "<vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type>"
    "<loader readonly='yes' type='pflash'>%s</loader><nvram>%s</nvram></os>"
    "<features><acpi/></features>"
    "<devices><graphics type='spice'><listen type='none'/></graphics></devices></domain>",
    code, my_vars);
  hangar_test_define_xml ("uefi system", xml);
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (ctl_check ("uefi system", FALSE, NULL, &out), ==, 0);
    g_assert_nonnull (strstr (out, "warning\tfirmware\tUEFI settings file missing"));
  }
  hangar_test_virsh ("undefine", "uefi system", NULL);
  g_rmdir (dir);
}

/* A disk that may grow far past the free space. A nearly full file system
 * (the problem, under 1 GiB free) needs one of its own: the harness gives
 * none, and mounting one needs root; the rule is a unit case above. */
static void
test_disk_space (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "health-disk", NULL);
  g_autofree char *image = g_build_filename (dir, "huge.qcow2", NULL);
  g_autofree char *xml = NULL;
  g_autofree char *out = NULL;
  g_autofree char *tool = NULL;
  const char *create[] = { "qemu-img", "create", "-q", "-f", "qcow2", image, "512T", NULL };

  hangar_test_session_setup ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  tool = hangar_test_run_tool (create);
  xml = g_strdup_printf (
    "<domain type='qemu'><name>huge disk</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
    "<os><type arch='x86_64' machine='q35'>hvm</type></os><devices>"
    "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
    "<source file='%s'/><target dev='vda' bus='virtio'/></disk>"
    "<graphics type='spice'><listen type='none'/></graphics></devices></domain>", image);
  hangar_test_define_xml ("huge disk", xml);

  g_assert_cmpint (ctl_check ("huge disk", FALSE, NULL, &out), ==, 0);
  g_assert_nonnull (strstr (out, "warning\tdisk-space\t"));
  g_assert_nonnull (strstr (out, "512.0\xc2\xa0" "TiB"));
  g_assert_nonnull (strstr (out, "Fix: space-report"));
  assert_check ("huge disk", "disk-space", "warning", "space-report");
  /* The user's image is only read. */
  g_assert_true (g_file_test (image, G_FILE_TEST_IS_REGULAR));

  hangar_test_virsh ("undefine", "huge disk", NULL);
  g_unlink (image);
  g_rmdir (dir);
}

/* ------------------------------------------------------------------------ */
/* e2e: one real guest                                                      */
/* ------------------------------------------------------------------------ */

#define GUEST "health guest"
#define LINE_TIMEOUT_S 60

static gboolean
agent_ok (gpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *state = NULL;

  ctl_check (GUEST, TRUE, NULL, &out);
  state = json_item (out, "agent", NULL);
  return g_strcmp0 (state, "ok") == 0;
}

static void
test_guest (void)
{
  g_autoptr(HangarTestGuest) guest = NULL;
  g_autofree char *save = NULL;
  g_autofree char *file = g_strdup_printf ("%s.save", GUEST);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  gint64 since;

  hangar_test_session_setup ();
  guest = hangar_test_guest_new (GUEST, TRUE);
  hangar_test_guest_define (guest);
  since = g_get_monotonic_time ();
  hangar_test_virsh ("start", GUEST, NULL);
  hangar_test_guest_wait_banner (guest, since);
  g_free (hangar_test_guest_wait_line (guest, HANGAR_TEST_SHELL_READY, 1, LINE_TIMEOUT_S));

  /* Running without an agent: a warning, saying what to install. */
  g_assert_cmpint (ctl_check (GUEST, FALSE, NULL, &out), ==, 0);
  g_assert_nonnull (strstr (out, "warning\tagent\tNo guest agent"));
  g_assert_nonnull (strstr (out, "spice-vdagent"));
  g_clear_pointer (&out, g_free);

  /* hangar-guest's agent opens the SPICE agent port, as spice-vdagent. */
  hangar_test_guest_run (guest, "hangar-guest agent > /dev/ttyS0 &");
  hangar_test_assert_eventually (agent_ok, NULL, LINE_TIMEOUT_S, "the agent to be seen");

  /* Saved: restorable. */
  {
    const char *args[] = { "save", "--", GUEST, NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (hangar_test_ctl (args, &out, &err), ==, 0);
    g_clear_pointer (&out, g_free);
  }
  assert_check (GUEST, "saved-state", "ok", "none");

  /* The saved file replaced by something QEMU never wrote: a problem, and
   * its fix leaves a machine that starts afresh. */
  save = g_build_filename (g_get_user_config_dir (), "libvirt", "qemu", "save", file, NULL);
  g_assert_true (g_file_test (save, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_set_contents (save, "not a saved state\n", -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ctl_check (GUEST, FALSE, NULL, &out), ==, STATUS_PROBLEM);
  g_assert_nonnull (strstr (out, "problem\tsaved-state\tSaved state cannot be restored"));
  g_assert_nonnull (strstr (out, "Fix: discard-saved-state"));
  g_clear_pointer (&out, g_free);
  assert_check (GUEST, "saved-state", "problem", "discard-saved-state");

  g_assert_cmpint (ctl_check (GUEST, FALSE, "--fix=discard-saved-state", &out), ==, 0);
  g_assert_null (strstr (out, "saved-state"));
  g_assert_false (hangar_test_domain_has_saved_state (GUEST));
  g_assert_false (g_file_test (save, G_FILE_TEST_EXISTS));

  /* And it starts: QEMU runs (its boot was seen above). */
  hangar_test_virsh ("start", GUEST, NULL);
  g_assert_cmpint (hangar_test_domain_state (GUEST), ==, VIR_DOMAIN_RUNNING);
  hangar_test_virsh ("destroy", GUEST, NULL);
  hangar_test_virsh ("undefine", GUEST, NULL);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_init_libvirt (&argc, &argv);

  g_test_add_func ("/hangar/machine-health/unit/rules", test_rules);
  g_test_add_func ("/hangar/machine-health/unit/nicks", test_nicks);
  g_test_add_func ("/hangar/machine-health/unit/test-driver", test_test_driver);
  g_test_add_func ("/hangar/machine-health/libvirt/acceleration", test_acceleration);
  g_test_add_func ("/hangar/machine-health/libvirt/firmware", test_firmware);
  g_test_add_func ("/hangar/machine-health/libvirt/disk-space", test_disk_space);
  g_test_add_func ("/hangar/machine-health/e2e/guest", test_guest);

  return g_test_run ();
}
