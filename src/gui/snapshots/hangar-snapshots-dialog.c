/* hangar-snapshots-dialog.c
 *
 * A machine's snapshots in a dialog: each with its title and when it was
 * taken, the current one marked, and the ways to take, revert to, rename
 * and delete them. Every operation runs in HangarMachine's threads; the
 * dialog only shows that it is busy meanwhile.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-snapshots"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-machine.h"
#include "hangar-machine-name.h"
#include "hangar-snapshots-dialog.h"

/* What libvirt takes as a snapshot's title (HangarMachine checks it too). */

struct _HangarSnapshotsDialog
{
  AdwWindow           parent_instance;

  HangarMachine      *machine;
  /* Cancelled when the dialog closes: nothing lands on it afterwards. */
  GCancellable       *cancellable;
  GPtrArray          *snapshots;     /* HangarSnapshot, oldest first */
  char               *unsupported;   /* why no snapshot can be taken, or NULL */
  gboolean            checked;       /* whether that is known yet */
  guint               busy;          /* operations in flight */
  guint               list_serial;
  guint               tick_source;   /* "5 minutes ago" moves on */

  /* Template widgets */
  AdwToastOverlay    *toast_overlay;
  AdwWindowTitle     *window_title;
  GtkWidget          *take_button;
  GtkSpinner         *busy_spinner;
  GtkStack           *stack;
  GtkSpinner         *loading_spinner;
  AdwStatusPage      *empty_page;
  GtkWidget          *empty_take_button;
  AdwPreferencesGroup *group;
  GtkListBox         *list_box;
};

G_DEFINE_FINAL_TYPE (HangarSnapshotsDialog, hangar_snapshots_dialog, ADW_TYPE_WINDOW)

/**
 * hangar_format_relative_time:
 * @when: a moment in the past
 * @now: the present
 *
 * Returns: (transfer full): @when as people say it: "Just now", "5 minutes
 *   ago", "Yesterday", or a date
 */
char *
hangar_format_relative_time (GDateTime *when,
                             GDateTime *now)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);
  g_autoptr(GDateTime) local_now = g_date_time_to_local (now);
  GTimeSpan span = g_date_time_difference (local_now, local);
  int days;

  if (span < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Just now"));
  if (span < G_TIME_SPAN_HOUR)
    {
      int minutes = (int) (span / G_TIME_SPAN_MINUTE);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago",
                                           minutes), minutes);
    }

  days = g_date_time_get_day_of_year (local_now) - g_date_time_get_day_of_year (local);
  if (g_date_time_get_year (local_now) != g_date_time_get_year (local))
    days = (int) (span / G_TIME_SPAN_DAY) + 1;
  if (days == 0)
    {
      int hours = (int) (span / G_TIME_SPAN_HOUR);

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", hours),
                              hours);
    }
  if (days == 1)
    /* Translators: a time yesterday, in g_date_time_format() notation */
    return g_date_time_format (local, _("Yesterday, %H:%M"));
  if (days < 7)
    /* Translators: a time in the last week: weekday and time, g_date_time_format() notation */
    return g_date_time_format (local, _("%A, %H:%M"));
  if (g_date_time_get_year (local_now) == g_date_time_get_year (local))
    /* Translators: a date this year, in g_date_time_format() notation */
    return g_date_time_format (local, _("%-d %B"));
  /* Translators: a date in another year, in g_date_time_format() notation */
  return g_date_time_format (local, _("%-d %B %Y"));
}

static char *
format_absolute_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);

  /* Translators: when a snapshot was taken, in full, in g_date_time_format() notation */
  return g_date_time_format (local, _("%A %-d %B %Y, %H:%M:%S"));
}

static const HangarSnapshot *
find_snapshot (HangarSnapshotsDialog *self,
               const char            *name)
{
  for (guint i = 0; self->snapshots != NULL && i < self->snapshots->len; i++)
    {
      const HangarSnapshot *snapshot = g_ptr_array_index (self->snapshots, i);

      if (g_strcmp0 (snapshot->name, name) == 0)
        return snapshot;
    }
  return NULL;
}

/* The one place that says what can be done now. */
static void
update_actions (HangarSnapshotsDialog *self)
{
  gboolean idle = self->busy == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "snapshots.take",
                                 idle && self->checked && self->unsupported == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "snapshots.revert", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "snapshots.rename", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "snapshots.delete", idle);

  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), !idle);
  gtk_spinner_set_spinning (self->busy_spinner, !idle);
}

/* Why the list is empty, or why it cannot grow. */
static void
update_descriptions (HangarSnapshotsDialog *self)
{
  /* A button that can never work is no invitation. */
  gtk_widget_set_visible (self->empty_take_button, self->unsupported == NULL);
  if (self->unsupported != NULL)
    {
      adw_status_page_set_description (self->empty_page, self->unsupported);
      adw_preferences_group_set_description (self->group, self->unsupported);
    }
  else
    {
      adw_status_page_set_description (self->empty_page,
                                       _("A snapshot keeps the machine as it is now, so that "
                                         "you can bring it back to this point later."));
      adw_preferences_group_set_description (self->group, NULL);
    }
}

static GtkWidget *
make_row (HangarSnapshotsDialog *self,
          const HangarSnapshot  *snapshot,
          GDateTime             *now)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (snapshot->creation_time);
  g_autofree char *relative = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;
  GVariant *target = g_variant_new_string (snapshot->name);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;
  GtkWidget *menu_button;

  g_variant_ref_sink (target);
  relative = when != NULL ? hangar_format_relative_time (when, now) : g_strdup ("");
  absolute = when != NULL ? format_absolute_time (when) : NULL;
  /* Translators: a snapshot's subtitle: when it was taken, then the
   * machine's state then ("5 minutes ago · Running") */
  subtitle = g_strdup_printf (C_("snapshot", "%s · %s"), relative,
                              hangar_machine_state_to_label (snapshot->state));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), snapshot->title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (row, absolute);
  g_object_set_data_full (G_OBJECT (row), "snapshot-name", g_strdup (snapshot->name), g_free);

  if (snapshot->current)
    {
      GtkWidget *badge = gtk_label_new (C_("snapshot", "Current"));

      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (badge, "current-badge");
      gtk_widget_add_css_class (badge, "caption-heading");
      gtk_widget_set_tooltip_text (badge, _("The machine’s state comes from this snapshot"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
    }

  button = gtk_button_new_from_icon_name ("edit-undo-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Revert to This Snapshot"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Revert to This Snapshot"), -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "snapshots.revert");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  item = g_menu_item_new (_("_Rename…"), NULL);
  g_menu_item_set_action_and_target_value (item, "snapshots.rename", target);
  g_menu_append_item (menu, item);
  g_clear_object (&item);
  item = g_menu_item_new (_("_Delete"), NULL);
  g_menu_item_set_action_and_target_value (item, "snapshots.delete", target);
  g_menu_append_item (menu, item);

  menu_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (menu_button, _("More"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("More"), -1);
  gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (menu_button), FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu_button);

  g_variant_unref (target);
  return row;
}

static void
show_snapshots (HangarSnapshotsDialog *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  /* Newest first: the one just taken is where the eye starts. */
  for (guint i = self->snapshots->len; i > 0; i--)
    gtk_list_box_append (self->list_box,
                         make_row (self, g_ptr_array_index (self->snapshots, i - 1), now));

  gtk_spinner_set_spinning (self->loading_spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, self->snapshots->len > 0 ? "list" : "empty");
}

static gboolean
on_tick (gpointer user_data)
{
  HangarSnapshotsDialog *self = user_data;

  if (self->snapshots != NULL && self->snapshots->len > 0)
    show_snapshots (self);
  return G_SOURCE_CONTINUE;
}

static void
show_error (HangarSnapshotsDialog *self,
            const GError          *error)
{
  AdwToast *toast;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  toast = adw_toast_new (error->message);
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

typedef struct
{
  HangarSnapshotsDialog *self;
  guint                  serial;
} ListData;

static void
list_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ListData *data = user_data;
  g_autoptr(HangarSnapshotsDialog) self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  guint serial = data->serial;

  g_free (data);
  snapshots = hangar_machine_list_snapshots_finish (HANGAR_MACHINE (object), result, &error);
  self->busy--;
  update_actions (self);
  /* Only the newest listing counts. */
  if (serial != self->list_serial)
    return;
  if (snapshots == NULL)
    {
      show_error (self, error);
      if (self->snapshots == NULL)
        self->snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_snapshot_free);
    }
  else
    {
      g_clear_pointer (&self->snapshots, g_ptr_array_unref);
      self->snapshots = g_steal_pointer (&snapshots);
    }
  show_snapshots (self);
}

static void
reload (HangarSnapshotsDialog *self)
{
  ListData *data = g_new0 (ListData, 1);

  data->self = g_object_ref (self);
  data->serial = ++self->list_serial;
  self->busy++;
  update_actions (self);
  hangar_machine_list_snapshots_async (self->machine, self->cancellable, list_done, data);
}

static void
check_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HangarSnapshotsDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_machine_check_snapshots_finish (HANGAR_MACHINE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, HANGAR_MACHINE_ERROR, HANGAR_MACHINE_ERROR_NOT_SUPPORTED))
        self->unsupported = g_strdup (error->message);
      else
        show_error (self, error);
    }
  self->checked = TRUE;
  self->busy--;
  update_descriptions (self);
  update_actions (self);
}

/* ------------------------------------------------------------------------ */
/* operations                                                               */
/* ------------------------------------------------------------------------ */

typedef enum
{
  OP_TAKE,
  OP_REVERT,
  OP_RENAME,
  OP_DELETE,
} OpKind;

typedef struct
{
  HangarSnapshotsDialog *self;
  OpKind                 kind;
  char                  *title;
} OpData;

static void
op_data_free (OpData *data)
{
  g_clear_object (&data->self);
  g_free (data->title);
  g_free (data);
}

static void
op_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  OpData *data = user_data;
  HangarSnapshotsDialog *self = data->self;
  HangarMachine *machine = HANGAR_MACHINE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *taken = NULL;
  gboolean ok = FALSE;

  switch (data->kind)
    {
    case OP_TAKE:
      taken = hangar_machine_take_snapshot_finish (machine, result, &error);
      ok = taken != NULL;
      break;
    case OP_REVERT:
      ok = hangar_machine_revert_snapshot_finish (machine, result, &error);
      break;
    case OP_RENAME:
      ok = hangar_machine_rename_snapshot_finish (machine, result, &error);
      break;
    case OP_DELETE:
      ok = hangar_machine_delete_snapshot_finish (machine, result, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  self->busy--;
  if (!ok)
    show_error (self, error);
  else if (data->kind == OP_REVERT)
    {
      g_autofree char *message = NULL;

      /* Translators: a machine's name, then a snapshot's title */
      message = g_strdup_printf (_("“%s” is back to “%s”"), hangar_machine_get_name (machine),
                                 data->title);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    reload (self);
  update_actions (self);
  op_data_free (data);
}

static OpData *
op_begin (HangarSnapshotsDialog *self,
          OpKind                 kind,
          const char            *title)
{
  OpData *data = g_new0 (OpData, 1);

  data->self = g_object_ref (self);
  data->kind = kind;
  data->title = g_strdup (title);
  self->busy++;
  update_actions (self);
  return data;
}

static void
on_title_changed (GtkEditable      *entry,
                  AdwMessageDialog *dialog)
{
  const char *response = g_object_get_data (G_OBJECT (dialog), "response");
  GtkLabel *error_label = g_object_get_data (G_OBJECT (dialog), "error-label");
  g_autoptr(GError) error = NULL;
  /* The one rule for names and titles: the title is used exactly as typed,
   * or the reason is shown under it. */
  gboolean valid = hangar_name_check (HANGAR_NAME_KIND_SNAPSHOT_TITLE,
                                      gtk_editable_get_text (entry), &error);

  adw_message_dialog_set_response_enabled (dialog, response, valid);
  gtk_label_set_label (error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (error_label), error != NULL);
  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
}

/* A question with an entry for a title, as the take and rename actions ask it. */
static AdwMessageDialog *
title_dialog_new (HangarSnapshotsDialog *self,
                  const char            *heading,
                  const char            *body,
                  const char            *text,
                  const char            *response,
                  const char            *response_label)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                                         heading, body));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *error_label = gtk_label_new (NULL);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Title"), -1);
  gtk_label_set_wrap (GTK_LABEL (error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (error_label), 0);
  gtk_widget_add_css_class (error_label, "error");
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), error_label);
  adw_message_dialog_set_extra_child (dialog, box);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data (G_OBJECT (dialog), "error-label", error_label);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response, response_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, response);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "response", g_strdup (response), g_free);
  g_signal_connect (entry, "changed", G_CALLBACK (on_title_changed), dialog);
  on_title_changed (GTK_EDITABLE (entry), dialog);
  gtk_widget_grab_focus (entry);
  return dialog;
}

/* The title typed, when the dialog was answered with its own response rather than closed. */
static char *
accepted_title (AdwMessageDialog *dialog,
                const char       *response)
{
  GtkWidget *entry = g_object_get_data (G_OBJECT (dialog), "entry");

  if (!g_str_equal (response, g_object_get_data (G_OBJECT (dialog), "response")))
    return NULL;
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
take_response (AdwMessageDialog      *dialog,
               const char            *response,
               HangarSnapshotsDialog *self)
{
  g_autofree char *title = accepted_title (dialog, response);

  if (title == NULL)
    return;
  hangar_machine_take_snapshot_async (self->machine, NULL, title, self->cancellable, op_done,
                                      op_begin (self, OP_TAKE, title));
}

static void
take_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HangarSnapshotsDialog *self = HANGAR_SNAPSHOTS_DIALOG (widget);
  HangarMachineState state = hangar_machine_get_state (self->machine);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  /* Translators: a new snapshot's title, in g_date_time_format() notation */
  g_autofree char *title = g_date_time_format (now, _("Snapshot of %-d %B %Y, %H:%M:%S"));
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (state == HANGAR_MACHINE_STATE_RUNNING || state == HANGAR_MACHINE_STATE_PAUSED)
    /* Translators: %s is a machine's name */
    body = g_strdup_printf (_("The snapshot keeps the disk and the memory of “%s”. The machine "
                              "pauses while it is taken."), hangar_machine_get_name (self->machine));
  else
    body = g_strdup_printf (_("The snapshot keeps the disk of “%s” as it is now."),
                            hangar_machine_get_name (self->machine));

  dialog = title_dialog_new (self, _("Take Snapshot"), body, title, "take", _("_Take"));
  g_signal_connect_object (dialog, "response", G_CALLBACK (take_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Reverting and deleting lose something for good: the safe answer is the default. The dialog keeps
 * the snapshot's name for @on_response. */
static void
present_confirmation (HangarSnapshotsDialog *self,
                      const char            *name,
                      const char            *heading,
                      const char            *body,
                      const char            *response,
                      const char            *response_label,
                      GCallback              on_response)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                                         heading, body));

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response, response_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "snapshot-name", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", on_response, self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
revert_response (AdwMessageDialog      *dialog,
                 const char            *response,
                 HangarSnapshotsDialog *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "snapshot-name");
  const HangarSnapshot *snapshot = find_snapshot (self, name);

  if (!g_str_equal (response, "revert") || snapshot == NULL)
    return;
  hangar_machine_revert_snapshot_async (self->machine, name, self->cancellable, op_done,
                                        op_begin (self, OP_REVERT, snapshot->title));
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarSnapshotsDialog *self = HANGAR_SNAPSHOTS_DIALOG (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  const HangarSnapshot *snapshot = find_snapshot (self, name);
  const char *machine_name = hangar_machine_get_name (self->machine);
  HangarMachineState state = hangar_machine_get_state (self->machine);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  if (snapshot == NULL)
    return;

  if (state == HANGAR_MACHINE_STATE_RUNNING || state == HANGAR_MACHINE_STATE_PAUSED)
    /* Translators: %s is a machine's name */
    body = g_strdup_printf (_("“%s” goes back to how it was when the snapshot was taken. "
                              "Everything since is lost, including any unsaved work in the "
                              "running machine."), machine_name);
  else
    body = g_strdup_printf (_("“%s” goes back to how it was when the snapshot was taken. "
                              "Everything since is lost."), machine_name);

  /* Translators: %s is a snapshot's title */
  heading = g_strdup_printf (_("Revert to “%s”?"), snapshot->title);
  present_confirmation (self, name, heading, body, "revert", _("_Revert"),
                        G_CALLBACK (revert_response));
}

static void
rename_response (AdwMessageDialog      *dialog,
                 const char            *response,
                 HangarSnapshotsDialog *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "snapshot-name");
  g_autofree char *title = accepted_title (dialog, response);

  if (title == NULL)
    return;
  hangar_machine_rename_snapshot_async (self->machine, name, title, self->cancellable, op_done,
                                        op_begin (self, OP_RENAME, title));
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarSnapshotsDialog *self = HANGAR_SNAPSHOTS_DIALOG (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  const HangarSnapshot *snapshot = find_snapshot (self, name);
  AdwMessageDialog *dialog;

  if (snapshot == NULL)
    return;

  dialog = title_dialog_new (self, _("Rename Snapshot"), NULL, snapshot->title, "rename",
                             _("_Rename"));
  g_object_set_data_full (G_OBJECT (dialog), "snapshot-name", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rename_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_response (AdwMessageDialog      *dialog,
                 const char            *response,
                 HangarSnapshotsDialog *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "snapshot-name");

  if (!g_str_equal (response, "delete"))
    return;
  hangar_machine_delete_snapshot_async (self->machine, name, self->cancellable, op_done,
                                        op_begin (self, OP_DELETE, NULL));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HangarSnapshotsDialog *self = HANGAR_SNAPSHOTS_DIALOG (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  const HangarSnapshot *snapshot = find_snapshot (self, name);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  if (snapshot == NULL)
    return;

  /* Translators: %s is a snapshot's title */
  heading = g_strdup_printf (_("Delete “%s”?"), snapshot->title);
  /* Translators: %s is a machine's name */
  body = g_strdup_printf (_("The snapshot is deleted for good. “%s” stays as it is now."),
                          hangar_machine_get_name (self->machine));
  present_confirmation (self, name, heading, body, "delete", _("_Delete"),
                        G_CALLBACK (delete_response));
}

/* ------------------------------------------------------------------------ */
/* the dialog                                                               */
/* ------------------------------------------------------------------------ */

static void
update_title (HangarSnapshotsDialog *self)
{
  adw_window_title_set_subtitle (self->window_title, hangar_machine_get_name (self->machine));
}

/**
 * hangar_snapshots_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @machine: the machine whose snapshots it shows
 *
 * Returns: (transfer none): a new dialog, to present; it reads the
 *   snapshots at once
 */
HangarSnapshotsDialog *
hangar_snapshots_dialog_new (GtkWindow     *parent,
                             HangarMachine *machine)
{
  HangarSnapshotsDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HANGAR_IS_MACHINE (machine), NULL);

  self = g_object_new (HANGAR_TYPE_SNAPSHOTS_DIALOG, "transient-for", parent, NULL);
  self->machine = g_object_ref (machine);
  g_signal_connect_object (machine, "notify::name", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  /* Deleted, here or elsewhere: nothing left to show or change. */
  g_signal_connect_object (machine, "notify::gone", G_CALLBACK (gtk_window_close), self,
                           G_CONNECT_SWAPPED);
  update_title (self);
  update_descriptions (self);

  self->busy++;
  hangar_machine_check_snapshots_async (machine, self->cancellable, check_done,
                                        g_object_ref (self));
  reload (self);
  return self;
}

/**
 * hangar_snapshots_dialog_get_machine:
 *
 * Returns: (transfer none): the machine whose snapshots it shows
 */
HangarMachine *
hangar_snapshots_dialog_get_machine (HangarSnapshotsDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_SNAPSHOTS_DIALOG (self), NULL);

  return self->machine;
}

/**
 * hangar_snapshots_dialog_get_snapshots:
 *
 * Returns: (transfer none) (nullable) (element-type HangarSnapshot): the
 *   snapshots shown, oldest first; %NULL before they were first read
 */
GPtrArray *
hangar_snapshots_dialog_get_snapshots (HangarSnapshotsDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_SNAPSHOTS_DIALOG (self), NULL);

  return self->snapshots;
}

/**
 * hangar_snapshots_dialog_get_busy:
 *
 * Returns: whether an operation (or a reading of the list) is under way
 */
gboolean
hangar_snapshots_dialog_get_busy (HangarSnapshotsDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_SNAPSHOTS_DIALOG (self), FALSE);

  return self->busy > 0;
}

/**
 * hangar_snapshots_dialog_get_page:
 *
 * Returns: what shows: "loading", "empty" or "list"
 */
const char *
hangar_snapshots_dialog_get_page (HangarSnapshotsDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_SNAPSHOTS_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * hangar_snapshots_dialog_get_unsupported_reason:
 *
 * Returns: (nullable): why the machine cannot have snapshots, as the dialog
 *   says it; %NULL when it can (or while that is not known)
 */
const char *
hangar_snapshots_dialog_get_unsupported_reason (HangarSnapshotsDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_SNAPSHOTS_DIALOG (self), NULL);

  return self->unsupported;
}

static gboolean
hangar_snapshots_dialog_close_request (GtkWindow *window)
{
  HangarSnapshotsDialog *self = HANGAR_SNAPSHOTS_DIALOG (window);

  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (hangar_snapshots_dialog_parent_class)->close_request (window);
}

static void
hangar_snapshots_dialog_dispose (GObject *object)
{
  HangarSnapshotsDialog *self = HANGAR_SNAPSHOTS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_SNAPSHOTS_DIALOG);
  g_clear_object (&self->machine);

  G_OBJECT_CLASS (hangar_snapshots_dialog_parent_class)->dispose (object);
}

static void
hangar_snapshots_dialog_finalize (GObject *object)
{
  HangarSnapshotsDialog *self = HANGAR_SNAPSHOTS_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->snapshots, g_ptr_array_unref);
  g_clear_pointer (&self->unsupported, g_free);

  G_OBJECT_CLASS (hangar_snapshots_dialog_parent_class)->finalize (object);
}

static void
hangar_snapshots_dialog_class_init (HangarSnapshotsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hangar_snapshots_dialog_dispose;
  object_class->finalize = hangar_snapshots_dialog_finalize;
  window_class->close_request = hangar_snapshots_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/snapshots/hangar-snapshots-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarSnapshotsDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HangarSnapshotsDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarSnapshotsDialog, take_button);
  gtk_widget_class_bind_template_child (widget_class, HangarSnapshotsDialog, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarSnapshotsDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarSnapshotsDialog, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarSnapshotsDialog, empty_page);
  gtk_widget_class_bind_template_child (widget_class, HangarSnapshotsDialog, empty_take_button);
  gtk_widget_class_bind_template_child (widget_class, HangarSnapshotsDialog, group);
  gtk_widget_class_bind_template_child (widget_class, HangarSnapshotsDialog, list_box);

  gtk_widget_class_install_action (widget_class, "snapshots.take", NULL, take_action);
  gtk_widget_class_install_action (widget_class, "snapshots.revert", "s", revert_action);
  gtk_widget_class_install_action (widget_class, "snapshots.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "snapshots.delete", "s", delete_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "snapshots.take", NULL);
}

static void
hangar_snapshots_dialog_init (HangarSnapshotsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_spinner_set_spinning (self->loading_spinner, TRUE);
  update_actions (self);
  self->tick_source = g_timeout_add_seconds (60, on_tick, self);
}
