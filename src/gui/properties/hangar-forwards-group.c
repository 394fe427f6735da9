/* hangar-forwards-group.c
 *
 * The properties' port forwards: one row per forward (address and port on
 * this computer, the guest's port, whether the running machine has it),
 * Remove on each, Copy SSH Command on a forward to the guest's port 22, and
 * Add, which asks for the ports and, explicitly, another address than
 * 127.0.0.1, with a warning. Core decides and refuses; this only composes.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-forwards-group.h"
#include "hangar-machine-forwards.h"

#define SSH_PORT 22

struct _HangarForwardsGroup
{
  AdwPreferencesGroup  parent_instance;

  HangarMachine       *machine;
  GCancellable        *cancellable;
  GPtrArray           *rows;        /* the rows shown, for removing them */
  AdwActionRow        *notice_row;  /* errors and "at the next start" */
  GtkButton           *add_button;

  /* The Add dialog's rows while it is open. */
  AdwEntryRow         *host_row;
  AdwEntryRow         *guest_row;
  AdwEntryRow         *address_row;
  GtkLabel            *address_warning;
};

G_DEFINE_FINAL_TYPE (HangarForwardsGroup, hangar_forwards_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_MACHINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload (HangarForwardsGroup *self);

/**
 * hangar_forwards_ssh_command:
 * @host_port: the host port forwarded to the guest's port 22
 *
 * Returns: (transfer full): the command to log into the guest with
 */
char *
hangar_forwards_ssh_command (guint host_port)
{
  return g_strdup_printf ("ssh -p %u localhost", host_port);
}

static void
show_notice (HangarForwardsGroup *self,
             const char          *message,
             gboolean             error)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->notice_row), message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notice_row), message != NULL);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->notice_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->notice_row), "error");
}

static void
clear_rows (HangarForwardsGroup *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
}

static void
on_remove_clicked (GtkButton           *button,
                   HangarForwardsGroup *self);
static void
on_copy_ssh_clicked (GtkButton           *button,
                     HangarForwardsGroup *self);

static GtkWidget *
forward_row (HangarForwardsGroup *self,
             HangarForward       *forward,
             gboolean             running)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;
  g_autofree char *title = NULL;
  GString *subtitle = g_string_new (NULL);

  /* Translators: "127.0.0.1:2222 → guest port 22" */
  title = g_strdup_printf (_("%s:%u → guest port %u"), forward->address, forward->host_port,
                           forward->guest_port);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (!hangar_forward_is_loopback (forward->address))
    g_string_append (subtitle, _("Reachable from other computers"));
  if (running && !forward->active)
    {
      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      g_string_append (subtitle, _("Applies when the machine next starts"));
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  g_string_free (subtitle, TRUE);

  if (forward->guest_port == SSH_PORT)
    {
      button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
      gtk_widget_set_tooltip_text (button, _("Copy SSH Command"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Copy SSH Command"), -1);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      g_object_set_data (G_OBJECT (button), "host-port", GUINT_TO_POINTER (forward->host_port));
      g_signal_connect (button, "clicked", G_CALLBACK (on_copy_ssh_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove"), -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data (G_OBJECT (button), "host-port", GUINT_TO_POINTER (forward->host_port));
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  gtk_widget_set_name (row, "forward-row");
  return row;
}

static void
forwards_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HangarForwardsGroup) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) forwards = hangar_machine_list_forwards_finish (HANGAR_MACHINE (source),
                                                                       result, &error);
  HangarMachineState state;
  gboolean running;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  clear_rows (self);
  if (forwards == NULL)
    {
      show_notice (self, error->message, TRUE);
      return;
    }
  state = hangar_machine_get_state (self->machine);
  running = state == HANGAR_MACHINE_STATE_RUNNING || state == HANGAR_MACHINE_STATE_PAUSED ||
            state == HANGAR_MACHINE_STATE_SHUTTING_DOWN || state == HANGAR_MACHINE_STATE_SUSPENDED;
  if (forwards->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No port forwards"));
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
  for (guint i = 0; i < forwards->len; i++)
    {
      GtkWidget *row = forward_row (self, g_ptr_array_index (forwards, i), running);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
reload (HangarForwardsGroup *self)
{
  if (self->machine == NULL)
    return;
  hangar_machine_list_forwards_async (self->machine, self->cancellable, forwards_listed,
                                      g_object_ref (self));
}

static void
changed (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(HangarForwardsGroup) self = user_data;
  g_autoptr(GError) error = NULL;
  GAsyncReadyCallback tag = g_task_get_source_tag (G_TASK (result));
  gboolean pending = FALSE;
  gboolean ok;

  if (tag == (gpointer) hangar_machine_add_forward_async)
    ok = hangar_machine_add_forward_finish (HANGAR_MACHINE (source), result, &pending, &error);
  else
    ok = hangar_machine_remove_forward_finish (HANGAR_MACHINE (source), result, &pending, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    show_notice (self, error->message, TRUE);
  else
    show_notice (self, pending ? _("The running machine takes the change when it next starts.")
                               : NULL, FALSE);
  reload (self);
}

static void
on_remove_clicked (GtkButton           *button,
                   HangarForwardsGroup *self)
{
  guint port = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "host-port"));

  hangar_machine_remove_forward_async (self->machine, port, self->cancellable, changed,
                                       g_object_ref (self));
}

static void
on_copy_ssh_clicked (GtkButton           *button,
                     HangarForwardsGroup *self)
{
  guint port = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "host-port"));
  g_autofree char *command = hangar_forwards_ssh_command (port);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), command);
  show_notice (self, _("SSH command copied"), FALSE);
}

/* ------------------------------------------------------------------------ */
/* Add                                                                      */
/* ------------------------------------------------------------------------ */

static void
update_add_dialog (HangarForwardsGroup *self,
                   AdwMessageDialog    *dialog)
{
  const char *address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  guint host = 0, guest = 0;
  gboolean ok;

  ok = hangar_forward_parse_port (gtk_editable_get_text (GTK_EDITABLE (self->host_row)), &host,
                                  NULL) &&
       hangar_forward_parse_port (gtk_editable_get_text (GTK_EDITABLE (self->guest_row)), &guest,
                                  NULL) &&
       hangar_forward_check (address, host, guest, NULL);
  adw_message_dialog_set_response_enabled (dialog, "add", ok);
  gtk_widget_set_visible (GTK_WIDGET (self->address_warning),
                          address[0] != '\0' && !hangar_forward_is_loopback (address));
}

static void
on_add_entry_changed (GtkEditable      *editable,
                      AdwMessageDialog *dialog)
{
  HangarForwardsGroup *self = g_object_get_data (G_OBJECT (dialog), "group");

  update_add_dialog (self, dialog);
}

static void
on_add_response (AdwMessageDialog    *dialog,
                 const char          *response,
                 HangarForwardsGroup *self)
{
  g_autoptr(GError) error = NULL;
  guint host = 0, guest = 0;

  if (g_str_equal (response, "add") &&
      hangar_forward_parse_port (gtk_editable_get_text (GTK_EDITABLE (self->host_row)), &host,
                                 &error) &&
      hangar_forward_parse_port (gtk_editable_get_text (GTK_EDITABLE (self->guest_row)), &guest,
                                 &error))
    hangar_machine_add_forward_async (self->machine,
                                      gtk_editable_get_text (GTK_EDITABLE (self->address_row)),
                                      host, guest, self->cancellable, changed,
                                      g_object_ref (self));
  else if (error != NULL)
    show_notice (self, error->message, TRUE);
  self->host_row = self->guest_row = self->address_row = NULL;
  self->address_warning = NULL;
}

static GtkWidget *
entry_row (const char *title,
           const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  return row;
}

static void
on_add_clicked (GtkButton           *button,
                HangarForwardsGroup *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *list = gtk_list_box_new ();

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root), _("Add Port Forward"),
                                                       _("A port of this computer that reaches "
                                                         "a port of the guest.")));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  self->guest_row = ADW_ENTRY_ROW (entry_row (_("Guest Port"), "22"));
  self->host_row = ADW_ENTRY_ROW (entry_row (_("Port on This Computer"), "2222"));
  self->address_row = ADW_ENTRY_ROW (entry_row (_("Address on This Computer"),
                                                HANGAR_FORWARD_DEFAULT_ADDRESS));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->guest_row));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->host_row));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->address_row));
  gtk_box_append (GTK_BOX (box), list);

  self->address_warning = GTK_LABEL (gtk_label_new (
    _("Other computers that can reach this one through this address can reach the guest’s "
      "port. Only 127.0.0.1 keeps it to this computer.")));
  gtk_label_set_wrap (self->address_warning, TRUE);
  gtk_label_set_xalign (self->address_warning, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->address_warning), "warning");
  gtk_widget_set_name (GTK_WIDGET (self->address_warning), "forward-address-warning");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->address_warning));
  adw_message_dialog_set_extra_child (dialog, box);

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "add", _("_Add"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "add");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "group", self);
  g_signal_connect (self->guest_row, "changed", G_CALLBACK (on_add_entry_changed), dialog);
  g_signal_connect (self->host_row, "changed", G_CALLBACK (on_add_entry_changed), dialog);
  g_signal_connect (self->address_row, "changed", G_CALLBACK (on_add_entry_changed), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_add_response), self, 0);
  update_add_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */

static void
on_state_changed (HangarForwardsGroup *self)
{
  reload (self);
}

static void
hangar_forwards_group_set_machine (HangarForwardsGroup *self,
                                   HangarMachine       *machine)
{
  if (machine == self->machine)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->machine != NULL)
    g_signal_handlers_disconnect_by_func (self->machine, on_state_changed, self);
  g_set_object (&self->machine, machine);
  if (machine != NULL)
    g_signal_connect_object (machine, "notify::state", G_CALLBACK (on_state_changed), self,
                             G_CONNECT_SWAPPED);
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MACHINE]);
}

static void
hangar_forwards_group_dispose (GObject *object)
{
  HangarForwardsGroup *self = HANGAR_FORWARDS_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->machine);
  G_OBJECT_CLASS (hangar_forwards_group_parent_class)->dispose (object);
}

static void
hangar_forwards_group_finalize (GObject *object)
{
  HangarForwardsGroup *self = HANGAR_FORWARDS_GROUP (object);

  g_ptr_array_unref (self->rows);
  G_OBJECT_CLASS (hangar_forwards_group_parent_class)->finalize (object);
}

static void
hangar_forwards_group_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarForwardsGroup *self = HANGAR_FORWARDS_GROUP (object);

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
hangar_forwards_group_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HangarForwardsGroup *self = HANGAR_FORWARDS_GROUP (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      hangar_forwards_group_set_machine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_forwards_group_class_init (HangarForwardsGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_forwards_group_dispose;
  object_class->finalize = hangar_forwards_group_finalize;
  object_class->get_property = hangar_forwards_group_get_property;
  object_class->set_property = hangar_forwards_group_set_property;

  properties[PROP_MACHINE] =
    g_param_spec_object ("machine", NULL, NULL, HANGAR_TYPE_MACHINE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_forwards_group_init (HangarForwardsGroup *self)
{
  GtkWidget *row;

  self->rows = g_ptr_array_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Port Forwards"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("Reach a port of the guest from this computer, "
                                           "through its user-mode network. A running machine "
                                           "takes changes when it next starts."));
  self->add_button = GTK_BUTTON (gtk_button_new_from_icon_name ("list-add-symbolic"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->add_button), _("Add Port Forward"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Add Port Forward"), -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->add_button), "flat");
  gtk_widget_set_valign (GTK_WIDGET (self->add_button), GTK_ALIGN_CENTER);
  g_signal_connect (self->add_button, "clicked", G_CALLBACK (on_add_clicked), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self),
                                           GTK_WIDGET (self->add_button));

  row = adw_action_row_new ();
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_visible (row, FALSE);
  gtk_widget_set_name (row, "forward-notice");
  self->notice_row = ADW_ACTION_ROW (row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
}
