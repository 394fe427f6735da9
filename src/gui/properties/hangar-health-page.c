/* hangar-health-page.c
 *
 * The Health page of a machine's properties: core's health items
 * (hangar_machine_check_health_async()) as rows with their state, why, a
 * fix button and a help link, and the machine's switch between KVM and
 * software emulation. Checked again when the machine's state or
 * definition changes; every check and fix runs in core's worker threads.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-properties"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-health-page.h"
#include "hangar-machine-config.h"
#include "hangar-machine-health.h"
#include "hangar-storage-pool.h"

/* A start or shutdown passes through several states in a moment. */
#define RECHECK_DELAY_MS 300

struct _HangarHealthPage
{
  AdwPreferencesPage    parent_instance;

  HangarMachine        *machine;
  GCancellable         *cancellable;    /* the current check */
  GCancellable         *life;           /* fixes; cancelled on dispose */
  GSettings            *settings;
  GPtrArray            *items;
  GPtrArray            *rows;
  guint                 recheck_source;
  gboolean              updating;

  AdwPreferencesGroup  *health_group;
  AdwActionRow         *checking_row;
  GtkButton            *recheck_button;
  AdwActionRow         *kvm_row;
  GtkSwitch            *kvm_switch;
};

G_DEFINE_FINAL_TYPE (HangarHealthPage, hangar_health_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  MACHINE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void check (HangarHealthPage *self);

static void
toast (HangarHealthPage *self,
       const char       *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  g_debug ("Toast: %s", message);
  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (message));
}

static gboolean
report (HangarHealthPage *self,
        GError           *error)
{
  if (error == NULL)
    return FALSE;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
  return TRUE;
}

static const char *
state_icon (HangarHealthState state)
{
  switch (state)
    {
    case HANGAR_HEALTH_PROBLEM:
      return "dialog-error-symbolic";
    case HANGAR_HEALTH_WARNING:
      return "dialog-warning-symbolic";
    case HANGAR_HEALTH_OK:
    default:
      return "emblem-ok-symbolic";
    }
}

static const char *
state_class (HangarHealthState state)
{
  switch (state)
    {
    case HANGAR_HEALTH_PROBLEM:
      return "error";
    case HANGAR_HEALTH_WARNING:
      return "warning";
    case HANGAR_HEALTH_OK:
    default:
      return "success";
    }
}

static const char *
state_label (HangarHealthState state)
{
  switch (state)
    {
    case HANGAR_HEALTH_PROBLEM:
      return _("Problem");
    case HANGAR_HEALTH_WARNING:
      return _("Warning");
    case HANGAR_HEALTH_OK:
    default:
      return _("Works");
    }
}

/* ------------------------------------------------------------------------ */
/* fixes                                                                    */
/* ------------------------------------------------------------------------ */

static void
fixed (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(HangarHealthPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (g_cancellable_is_cancelled (self->life))
    return;
  if (g_task_get_source_tag (G_TASK (result)) == hangar_machine_set_acceleration_async)
    done = hangar_machine_set_acceleration_finish (HANGAR_MACHINE (object), result, &error);
  else
    done = hangar_machine_discard_saved_state_finish (HANGAR_MACHINE (object), result, &error);
  if (!done && report (self, error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (done)
    g_signal_emit (self, signals[MACHINE_CHANGED], 0);
  check (self);
}

static void
set_acceleration (HangarHealthPage *self,
                  gboolean          kvm)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->kvm_row), FALSE);
  hangar_machine_set_acceleration_async (self->machine, kvm, self->life, fixed,
                                         g_object_ref (self));
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  HangarHealthPage *self = user_data;

  if (g_strcmp0 (response, "discard") == 0)
    hangar_machine_discard_saved_state_async (self->machine, self->life, fixed,
                                              g_object_ref (self));
}

static void
ask_discard (HangarHealthPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root),
                                                       _("Discard the Saved State?"),
                                                       NULL));
  adw_message_dialog_format_body (dialog,
                                  _("“%s” then starts afresh, as if switched off: whatever "
                                    "the guest had not saved to its disk is lost."),
                                  hangar_machine_get_name (self->machine));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_space_response (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  g_autofree char *dir = hangar_storage_pool_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;

  if (g_strcmp0 (response, "analyze") != 0)
    return;
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "baobab", dir, NULL);
  if (process == NULL)
    g_warning ("Cannot start the Disk Usage Analyzer: %s", error->message);
}

static void
show_space_report (HangarHealthPage       *self,
                   const HangarHealthItem *item)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *dir = hangar_storage_pool_default_path ();
  g_autofree char *baobab = g_find_program_in_path ("baobab");
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root), _("Disk Usage"),
                                                       NULL));
  adw_message_dialog_format_body (dialog, _("%s\n\nHangar keeps its disks in %s. Deleting "
                                            "machines or snapshots you no longer need, or "
                                            "files elsewhere on the same disk, makes room."),
                                  item->explanation, dir);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  if (baobab != NULL)
    {
      adw_message_dialog_add_response (dialog, "analyze", _("_Open Disk Usage Analyzer"));
      adw_message_dialog_set_response_appearance (dialog, "analyze", ADW_RESPONSE_SUGGESTED);
    }
  adw_message_dialog_set_close_response (dialog, "close");
  g_signal_connect (dialog, "response", G_CALLBACK (on_space_response), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_fix_clicked (GtkButton *button,
                gpointer   user_data)
{
  HangarHealthPage *self = user_data;
  const HangarHealthItem *item = g_object_get_data (G_OBJECT (button), "hangar-health-item");

  g_return_if_fail (item != NULL);

  switch (item->fix)
    {
    case HANGAR_HEALTH_FIX_USE_EMULATION:
    case HANGAR_HEALTH_FIX_USE_KVM:
      set_acceleration (self, item->fix == HANGAR_HEALTH_FIX_USE_KVM);
      break;
    case HANGAR_HEALTH_FIX_DISCARD_SAVED_STATE:
      ask_discard (self);
      break;
    case HANGAR_HEALTH_FIX_SPACE_REPORT:
      show_space_report (self, item);
      break;
    case HANGAR_HEALTH_FIX_NONE:
    default:
      break;
    }
}

static void
on_help_clicked (GtkButton *button,
                 gpointer   user_data)
{
  const char *uri = g_object_get_data (G_OBJECT (button), "hangar-help-uri");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));

  gtk_show_uri (GTK_WINDOW (root), uri, GDK_CURRENT_TIME);
}

/* ------------------------------------------------------------------------ */
/* rows                                                                     */
/* ------------------------------------------------------------------------ */

static GtkWidget *
new_row (HangarHealthPage       *self,
         const HangarHealthItem *item)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (state_icon (item->state));
  GtkWidget *help = gtk_button_new_from_icon_name ("help-about-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), item->title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), item->explanation);
  gtk_widget_set_name (row, item->id);

  gtk_widget_add_css_class (icon, state_class (item->state));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  state_label (item->state), -1);
  gtk_widget_set_tooltip_text (icon, state_label (item->state));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  if (item->fix != HANGAR_HEALTH_FIX_NONE && item->fix_label != NULL)
    {
      GtkWidget *fix = gtk_button_new_with_label (item->fix_label);

      gtk_widget_set_valign (fix, GTK_ALIGN_CENTER);
      gtk_widget_set_name (fix, "fix");
      if (item->fix == HANGAR_HEALTH_FIX_DISCARD_SAVED_STATE)
        gtk_widget_add_css_class (fix, "destructive-action");
      else if (item->state == HANGAR_HEALTH_PROBLEM)
        gtk_widget_add_css_class (fix, "suggested-action");
      g_object_set_data_full (G_OBJECT (fix), "hangar-health-item",
                              hangar_health_item_copy (item),
                              (GDestroyNotify) hangar_health_item_free);
      g_signal_connect_object (fix, "clicked", G_CALLBACK (on_fix_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), fix);
    }

  /* What works needs no further reading: help only where something does not. */
  gtk_widget_set_visible (help, item->state != HANGAR_HEALTH_OK);
  gtk_widget_set_valign (help, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (help, "flat");
  gtk_widget_set_tooltip_text (help, _("Learn More"));
  g_object_set_data_full (G_OBJECT (help), "hangar-help-uri", g_strdup (item->help_uri), g_free);
  g_signal_connect (help, "clicked", G_CALLBACK (on_help_clicked), NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), help);
  return row;
}

static void
clear_rows (HangarHealthPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->health_group, self->rows->pdata[i]);
  g_ptr_array_set_size (self->rows, 0);
}

static void
show_items (HangarHealthPage *self)
{
  clear_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self->checking_row), self->items == NULL);
  /* What is wrong first, problems before warnings; core's order within. */
  for (int state = HANGAR_HEALTH_PROBLEM; state >= HANGAR_HEALTH_OK; state--)
    for (guint i = 0; self->items != NULL && i < self->items->len; i++)
      {
        const HangarHealthItem *item = self->items->pdata[i];
        GtkWidget *row;

        if ((int) item->state != state)
          continue;
        row = new_row (self, item);
        adw_preferences_group_add (self->health_group, row);
        g_ptr_array_add (self->rows, row);
      }
}

/* ------------------------------------------------------------------------ */
/* checks                                                                   */
/* ------------------------------------------------------------------------ */

static void
config_read (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HangarHealthPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarMachineConfig) config = NULL;
  HangarMachineState state;

  config = hangar_machine_read_config_finish (HANGAR_MACHINE (object), result, &error);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  if (config == NULL)
    {
      g_debug ("No definition for the health page: %s", error->message);
      return;
    }
  state = hangar_machine_get_state (self->machine);
  self->updating = TRUE;
  gtk_switch_set_active (self->kvm_switch, g_strcmp0 (config->domain_type, "kvm") == 0);
  self->updating = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->kvm_row),
                            config->persistent && (state == HANGAR_MACHINE_STATE_STOPPED ||
                                                   state == HANGAR_MACHINE_STATE_CRASHED));
}

static void
checked (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(HangarHealthPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  items = hangar_machine_check_health_finish (HANGAR_MACHINE (object), result, &error);
  /* A newer check replaced this one, or the page is going away. */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  if (items == NULL)
    {
      report (self, error);
      return;
    }
  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->items = g_steal_pointer (&items);
  show_items (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->recheck_button), TRUE);
}

static void
check (HangarHealthPage *self)
{
  gboolean force_emulation;

  g_clear_handle_id (&self->recheck_source, g_source_remove);
  if (self->machine == NULL || hangar_machine_is_gone (self->machine))
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->recheck_button), FALSE);

  force_emulation = g_settings_get_boolean (self->settings, "force-software-emulation");
  hangar_machine_check_health_async (self->machine, force_emulation, self->cancellable, checked,
                                     g_object_ref (self));
  hangar_machine_read_config_async (self->machine, self->cancellable, config_read,
                                    g_object_ref (self));
}

static gboolean
recheck_now (gpointer user_data)
{
  HangarHealthPage *self = user_data;

  self->recheck_source = 0;
  check (self);
  return G_SOURCE_REMOVE;
}

static void
queue_check (HangarHealthPage *self)
{
  g_clear_handle_id (&self->recheck_source, g_source_remove);
  self->recheck_source = g_timeout_add (RECHECK_DELAY_MS, recheck_now, self);
}

static void
on_recheck_clicked (HangarHealthPage *self)
{
  check (self);
}

static void
on_kvm_switch_active (HangarHealthPage *self)
{
  if (self->updating || self->machine == NULL)
    return;
  set_acceleration (self, gtk_switch_get_active (self->kvm_switch));
}

/**
 * hangar_health_page_set_machine:
 * @self: a #HangarHealthPage
 * @machine: the machine to check
 *
 * Checks @machine now, and again whenever its state or definition changes.
 */
void
hangar_health_page_set_machine (HangarHealthPage *self,
                                HangarMachine    *machine)
{
  g_return_if_fail (HANGAR_IS_HEALTH_PAGE (self));
  g_return_if_fail (HANGAR_IS_MACHINE (machine));
  g_return_if_fail (self->machine == NULL);

  self->machine = g_object_ref (machine);
  g_signal_connect_object (machine, "notify::state", G_CALLBACK (queue_check), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (hangar_machine_get_domain (machine), "updated",
                           G_CALLBACK (queue_check), self, G_CONNECT_SWAPPED);
  check (self);
}

/**
 * hangar_health_page_is_checked:
 * @self: a #HangarHealthPage
 *
 * Returns: whether a check's items are shown
 */
gboolean
hangar_health_page_is_checked (HangarHealthPage *self)
{
  g_return_val_if_fail (HANGAR_IS_HEALTH_PAGE (self), FALSE);

  return self->items != NULL && gtk_widget_get_sensitive (GTK_WIDGET (self->recheck_button));
}

/**
 * hangar_health_page_get_items:
 * @self: a #HangarHealthPage
 *
 * Returns: (transfer none) (nullable) (element-type HangarHealthItem): the
 *   items shown
 */
GPtrArray *
hangar_health_page_get_items (HangarHealthPage *self)
{
  g_return_val_if_fail (HANGAR_IS_HEALTH_PAGE (self), NULL);

  return self->items;
}

/**
 * hangar_health_page_get_row:
 * @self: a #HangarHealthPage
 * @id: an item's id
 *
 * Returns: (transfer none) (nullable): the item's row
 */
GtkWidget *
hangar_health_page_get_row (HangarHealthPage *self,
                            const char       *id)
{
  g_return_val_if_fail (HANGAR_IS_HEALTH_PAGE (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    if (g_strcmp0 (gtk_widget_get_name (self->rows->pdata[i]), id) == 0)
      return self->rows->pdata[i];
  return NULL;
}

static void
hangar_health_page_dispose (GObject *object)
{
  HangarHealthPage *self = HANGAR_HEALTH_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->life);
  g_clear_handle_id (&self->recheck_source, g_source_remove);

  G_OBJECT_CLASS (hangar_health_page_parent_class)->dispose (object);
}

static void
hangar_health_page_finalize (GObject *object)
{
  HangarHealthPage *self = HANGAR_HEALTH_PAGE (object);

  g_clear_object (&self->machine);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->life);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_health_page_parent_class)->finalize (object);
}

static void
hangar_health_page_class_init (HangarHealthPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_health_page_dispose;
  object_class->finalize = hangar_health_page_finalize;

  /**
   * HangarHealthPage::machine-changed:
   *
   * A fix changed the machine (its definition or its saved state): what
   * other pages show of it may be out of date.
   */
  signals[MACHINE_CHANGED] = g_signal_new ("machine-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH
                                               "/properties/hangar-health-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarHealthPage, health_group);
  gtk_widget_class_bind_template_child (widget_class, HangarHealthPage, checking_row);
  gtk_widget_class_bind_template_child (widget_class, HangarHealthPage, recheck_button);
  gtk_widget_class_bind_template_child (widget_class, HangarHealthPage, kvm_row);
  gtk_widget_class_bind_template_child (widget_class, HangarHealthPage, kvm_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_recheck_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_kvm_switch_active);
}

static void
hangar_health_page_init (HangarHealthPage *self)
{
  self->life = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  self->settings = g_settings_new (APPLICATION_ID);
  gtk_widget_init_template (GTK_WIDGET (self));
}
