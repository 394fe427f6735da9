/* hangar-assistant-private.h
 *
 * The assistant's state, shared by its flows: an installation medium
 * (hangar-assistant.c) and a disk image or appliance to import
 * (hangar-assistant-import.c).
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hangar-assistant.h"
#include "hangar-connection.h"
#include "hangar-host.h"
#include "hangar-image-kind.h"
#include "hangar-import.h"
#include "hangar-media.h"
#include "hangar-os-chooser.h"
#include "hangar-os-db.h"
#include "hangar-vm-creator.h"

G_BEGIN_DECLS

struct _HangarAssistant
{
  AdwWindow           parent_instance;

  HangarConnection   *connection;
  GSettings          *settings;
  GCancellable       *cancellable;       /* the window's: cancelled on close */
  GCancellable       *create_cancellable;
  HangarOsDb         *db;
  HangarMedia        *media;
  HangarOsProfile    *profile;
  HangarHostInfo     *host;
  GFile              *file;
  HangarVmCreator    *creator;
  gboolean            name_edited;
  gboolean            filling;
  gboolean            trying;
  int                 pending;           /* identification and host probe */
  GError             *pending_error;

  /* A disk image or appliance being imported (hangar-assistant-import.c). */
  HangarImageKind     kind;
  HangarImportReview *import_data;        /* the file's review: a disk image or an appliance */
  GtkWidget          *import_review;
  GtkLabel           *import_title;
  GtkLabel           *import_subtitle;
  AdwActionRow       *import_format_row;
  AdwActionRow       *import_size_row;
  AdwActionRow       *import_firmware_row;
  AdwActionRow       *import_os_row;
  AdwEntryRow        *import_name_row;
  GtkCheckButton     *import_copy_check;
  GtkCheckButton     *import_link_check;
  AdwActionRow       *import_copy_row;
  AdwActionRow       *import_link_row;
  GtkWidget          *import_problem_group;
  AdwActionRow       *import_problem_row;
  AdwActionRow       *import_description_row;
  AdwActionRow       *import_hardware_row;
  AdwActionRow       *import_disks_row;
  AdwActionRow       *import_nics_row;
  AdwActionRow       *import_signature_row;
  GtkWidget          *import_notes_group;
  AdwActionRow       *import_notes_row;

  /* Template widgets */
  GtkWidget          *cancel_button;
  GtkWidget          *back_button;
  GtkWidget          *create_button;
  GtkWidget          *try_button;
  GtkStack           *stack;
  AdwPreferencesGroup *recent_group;
  GtkListBox         *recent_list;
  GtkSpinner         *identifying_spinner;
  GtkImage           *os_image;
  GtkLabel           *os_title;
  GtkLabel           *os_subtitle;
  GtkWidget          *problem_group;
  AdwActionRow       *problem_row;
  AdwEntryRow        *name_row;
  GtkLabel           *name_error_label;
  AdwActionRow       *os_row;
  GtkAdjustment      *memory_adjustment;
  GtkAdjustment      *cpus_adjustment;
  GtkAdjustment      *disk_adjustment;
  AdwActionRow       *memory_row;
  AdwActionRow       *disk_row;
  AdwComboRow        *firmware_row;
  GtkSwitch          *tpm_switch;
  AdwActionRow       *acceleration_row;
  HangarOsChooser    *os_chooser;
  AdwStatusPage      *progress_page;
  GtkProgressBar     *progress_bar;
  AdwStatusPage      *error_page;
};

void     hangar_assistant_show_page       (HangarAssistant *self,
                                           const char      *page);
void     hangar_assistant_show_error      (HangarAssistant *self,
                                           const char      *title,
                                           const char      *message);
void     hangar_assistant_update_actions  (HangarAssistant *self);
void     hangar_assistant_choose_file     (HangarAssistant    *self,
                                           const char         *title,
                                           const char         *accept,
                                           const char         *filter_name,
                                           const char * const *suffixes,
                                           const char * const *mime_types);
void     hangar_assistant_pending_done    (HangarAssistant *self);
void     hangar_assistant_emit_created    (HangarAssistant *self,
                                           const char      *name);

/* hangar-assistant-import.c */
void     hangar_assistant_import_open     (HangarAssistant *self,
                                           const char      *path);
void     hangar_assistant_import_review   (HangarAssistant *self);
gboolean hangar_assistant_import_can_create (HangarAssistant *self);
void     hangar_assistant_import_start    (HangarAssistant *self);
void     hangar_assistant_import_bind     (GtkWidgetClass  *widget_class);

G_END_DECLS
