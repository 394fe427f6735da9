/* hangar-name-dialog.c
 *
 * A small dialog that asks for a machine's name, to rename it or to clone
 * it: the name is checked as it is typed (valid, not taken), the operation
 * runs in HangarMachine's threads while the dialog shows that it works, and
 * what libvirt refuses is said in the dialog, where the name can be fixed.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "hangar-name-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-collection.h"
#include "hangar-machine-name.h"
#include "hangar-machine.h"
#include "hangar-name-dialog.h"

struct _HangarNameDialog
{
  AdwWindow             parent_instance;

  HangarCollection     *collection;
  HangarMachine        *machine;
  HangarNameDialogMode  mode;
  GCancellable         *cancellable;
  /* Whether the machine's state allows the operation at all. */
  gboolean              allowed;
  gboolean              busy;
  gboolean              can_apply;
  /* libvirt's refusal of the last attempt, shown until the name changes. */
  char                 *failure;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  GtkWidget            *apply_button;
  GtkLabel             *description;
  AdwEntryRow          *name_row;
  GtkLabel             *error_label;
  GtkWidget            *progress_box;
  GtkSpinner           *progress_spinner;
  GtkLabel             *progress_label;
  GtkProgressBar       *progress_bar;
};

G_DEFINE_FINAL_TYPE (HangarNameDialog, hangar_name_dialog, ADW_TYPE_WINDOW)

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_error (HangarNameDialog *self,
           const char       *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
}

/* Checks the name as typed, and says what is wrong with it. */
static void
validate (HangarNameDialog *self)
{
  /* The name exactly as typed: it is used so or refused, never changed. */
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  gboolean can_apply = FALSE;

  /* Typed into before the machine is known (the template's own text). */
  if (self->machine == NULL)
    return;
  if (self->failure != NULL)
    message = g_strdup (self->failure);
  else if (!self->allowed)
    ;
  else if (!hangar_machine_name_check (name, &error))
    message = g_strdup (error->message);
  else if (self->mode == HANGAR_NAME_DIALOG_RENAME &&
           g_strcmp0 (name, hangar_machine_get_name (self->machine)) == 0)
    ;
  else if (self->collection != NULL && hangar_collection_find_by_name (self->collection, name))
    /* Translators: %s is a machine's name */
    message = g_strdup_printf (_("A machine named “%s” already exists."), name);
  else
    can_apply = TRUE;

  set_error (self, message);
  self->can_apply = can_apply;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "name.apply", can_apply && !self->busy);
}

static void
on_name_changed (HangarNameDialog *self)
{
  g_clear_pointer (&self->failure, g_free);
  validate (self);
}

static void
set_busy (HangarNameDialog *self,
          gboolean          busy)
{
  self->busy = busy;
  /* Away from the entry first: made insensitive while focused, its text
   * never hears of losing the focus and keeps blinking the cursor. */
  if (busy)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), self->allowed && !busy);
  gtk_widget_set_visible (self->progress_box, busy);
  gtk_spinner_set_spinning (self->progress_spinner, busy);
  if (!busy)
    gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  validate (self);
}

static void
finish (HangarNameDialog *self,
        const char       *name)
{
  g_signal_emit (self, signals[DONE], 0, name);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
operation_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HangarNameDialog) self = user_data;
  HangarMachine *machine = HANGAR_MACHINE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (self->mode == HANGAR_NAME_DIALOG_CLONE)
    name = hangar_machine_clone_finish (machine, result, &error);
  else if (hangar_machine_rename_finish (machine, result, &error))
    name = g_strdup (hangar_machine_get_name (machine));

  /* Closed meanwhile: nothing to show it in. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    return;

  if (name == NULL)
    {
      g_free (self->failure);
      self->failure = g_strdup (error->message);
      set_busy (self, FALSE);
      return;
    }
  finish (self, name);
}

/* The bar shows once there is something to show: a small disk is copied
 * before the first look. */
static void
on_clone_progress (double   fraction,
                   gpointer user_data)
{
  HangarNameDialog *self = user_data;

  /* Closed: its widgets are gone, while the copy under way finishes. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), self->busy);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HangarNameDialog *self = HANGAR_NAME_DIALOG (widget);
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));

  if (!self->can_apply || self->busy)
    return;

  if (self->mode == HANGAR_NAME_DIALOG_CLONE)
    {
      /* Translators: %s is a machine's name */
      g_autofree char *progress = g_strdup_printf (_("Copying the disk of “%s”…"),
                                                   hangar_machine_get_name (self->machine));

      gtk_label_set_label (self->progress_label, progress);
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      set_busy (self, TRUE);
      /* The operation holds a reference on the dialog until it is done, which
       * keeps it valid for the progress too. */
      hangar_machine_clone_async (self->machine, name, on_clone_progress, self,
                                  self->cancellable, operation_done, g_object_ref (self));
    }
  else
    {
      gtk_label_set_label (self->progress_label, _("Renaming…"));
      set_busy (self, TRUE);
      hangar_machine_rename_async (self->machine, name, self->cancellable, operation_done,
                                   g_object_ref (self));
    }
}

static void
on_name_activated (HangarNameDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "name.apply", NULL);
}

/* What the machine's state allows, and the words above the name. */
static void
update_state (HangarNameDialog *self)
{
  HangarMachineState state = hangar_machine_get_state (self->machine);
  const char *name = hangar_machine_get_name (self->machine);
  g_autofree char *text = NULL;
  gboolean rename = self->mode == HANGAR_NAME_DIALOG_RENAME;

  self->allowed = state == HANGAR_MACHINE_STATE_STOPPED || state == HANGAR_MACHINE_STATE_CRASHED;
  if (state == HANGAR_MACHINE_STATE_SAVED)
    /* Translators: %s is a machine's name */
    text = g_strdup_printf (rename ? _("“%s” has a saved state. Start it and shut it down to "
                                       "rename it.")
                                   : _("“%s” has a saved state. Start it and shut it down to "
                                       "clone it."), name);
  else if (!self->allowed)
    text = g_strdup_printf (rename ? _("“%s” is running. Shut it down to rename it.")
                                   : _("“%s” is running. Shut it down to clone it."), name);
  else if (rename)
    text = NULL;
  else
    text = g_strdup_printf (_("The clone is a new machine with a full copy of the disk of "
                              "“%s”, and its own network address."), name);

  gtk_label_set_label (self->description, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->description), text != NULL);
  if (!self->busy)
    gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), self->allowed);
  validate (self);
}

/**
 * hangar_name_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @collection: (nullable): the machines whose names are taken
 * @machine: the machine to rename or clone
 * @mode: which of the two
 *
 * Returns: (transfer none): a new dialog, to present
 */
HangarNameDialog *
hangar_name_dialog_new (GtkWindow            *parent,
                        HangarCollection     *collection,
                        HangarMachine        *machine,
                        HangarNameDialogMode  mode)
{
  HangarNameDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (!collection || HANGAR_IS_COLLECTION (collection), NULL);
  g_return_val_if_fail (HANGAR_IS_MACHINE (machine), NULL);

  self = g_object_new (HANGAR_TYPE_NAME_DIALOG, "transient-for", parent, NULL);
  self->collection = collection != NULL ? g_object_ref (collection) : NULL;
  self->machine = g_object_ref (machine);
  self->mode = mode;

  if (mode == HANGAR_NAME_DIALOG_CLONE)
    {
      g_autoptr(GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *base = hangar_machine_name_from_default (hangar_machine_get_name (machine));
      g_autofree char *suggested = NULL;
      guint n = collection != NULL ? g_list_model_get_n_items (G_LIST_MODEL (collection)) : 0;

      /* The first free "Name 2", "Name 3"…, as a new machine's would be. */
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(HangarMachine) other = g_list_model_get_item (G_LIST_MODEL (collection), i);

          g_hash_table_add (taken, (gpointer) hangar_machine_get_name (other));
        }
      g_hash_table_add (taken, (gpointer) hangar_machine_get_name (machine));
      suggested = *base != '\0' ? hangar_machine_name_pick (base, taken) : NULL;
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), suggested != NULL ? suggested : "");
      gtk_window_set_title (GTK_WINDOW (self), _("Clone Machine"));
      adw_window_title_set_title (self->window_title, _("Clone Machine"));
      gtk_button_set_label (GTK_BUTTON (self->apply_button), _("_Clone"));
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), hangar_machine_get_name (machine));
      gtk_window_set_title (GTK_WINDOW (self), _("Rename Machine"));
      adw_window_title_set_title (self->window_title, _("Rename Machine"));
      gtk_button_set_label (GTK_BUTTON (self->apply_button), _("_Rename"));
    }

  g_signal_connect_object (machine, "notify::state", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  /* Deleted elsewhere: nothing left to rename or clone. */
  g_signal_connect_object (machine, "notify::gone", G_CALLBACK (gtk_window_close), self,
                           G_CONNECT_SWAPPED);
  update_state (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  return self;
}

/**
 * hangar_name_dialog_set_text:
 * @text: a name, as if typed
 */
void
hangar_name_dialog_set_text (HangarNameDialog *self,
                             const char       *text)
{
  g_return_if_fail (HANGAR_IS_NAME_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), text);
}

/**
 * hangar_name_dialog_get_can_apply:
 *
 * Returns: whether the name typed can be given
 */
gboolean
hangar_name_dialog_get_can_apply (HangarNameDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_NAME_DIALOG (self), FALSE);

  return self->can_apply;
}

/**
 * hangar_name_dialog_get_error:
 *
 * Returns: (nullable): what the dialog says is wrong with the name
 */
const char *
hangar_name_dialog_get_error (HangarNameDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_NAME_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
           ? gtk_label_get_label (self->error_label) : NULL;
}

/**
 * hangar_name_dialog_get_busy:
 *
 * Returns: whether the rename or clone is under way
 */
gboolean
hangar_name_dialog_get_busy (HangarNameDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_NAME_DIALOG (self), FALSE);

  return self->busy;
}

/* Closing stops a clone between two disks; HangarMachine removes the copies. */
static gboolean
hangar_name_dialog_close_request (GtkWindow *window)
{
  HangarNameDialog *self = HANGAR_NAME_DIALOG (window);

  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (hangar_name_dialog_parent_class)->close_request (window);
}

static void
hangar_name_dialog_dispose (GObject *object)
{
  HangarNameDialog *self = HANGAR_NAME_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_NAME_DIALOG);
  g_clear_object (&self->machine);
  g_clear_object (&self->collection);

  G_OBJECT_CLASS (hangar_name_dialog_parent_class)->dispose (object);
}

static void
hangar_name_dialog_finalize (GObject *object)
{
  HangarNameDialog *self = HANGAR_NAME_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->failure, g_free);

  G_OBJECT_CLASS (hangar_name_dialog_parent_class)->finalize (object);
}

static void
hangar_name_dialog_class_init (HangarNameDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hangar_name_dialog_dispose;
  object_class->finalize = hangar_name_dialog_finalize;
  window_class->close_request = hangar_name_dialog_close_request;

  /**
   * HangarNameDialog::done:
   * @name: the machine's new name, or the clone's
   *
   * The rename or clone succeeded; the dialog closes.
   */
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/collection/hangar-name-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarNameDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarNameDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, HangarNameDialog, description);
  gtk_widget_class_bind_template_child (widget_class, HangarNameDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarNameDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, HangarNameDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, HangarNameDialog, progress_spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarNameDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, HangarNameDialog, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_name_activated);

  gtk_widget_class_install_action (widget_class, "name.apply", NULL, apply_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_name_dialog_init (HangarNameDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "name.apply", FALSE);
}
