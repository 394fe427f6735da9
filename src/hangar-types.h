/* hangar-types.h
 *
 * Forward declarations of Hangar's types, so headers need not include each other.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HangarApplication        HangarApplication;
typedef struct _HangarAssistant          HangarAssistant;
typedef struct _HangarCollection         HangarCollection;
typedef struct _HangarConnection         HangarConnection;
typedef struct _HangarDisplayPage        HangarDisplayPage;
typedef struct _HangarMachine            HangarMachine;
typedef struct _HangarMachineCard        HangarMachineCard;
typedef struct _HangarPreferencesWindow  HangarPreferencesWindow;
typedef struct _HangarThumbnailer        HangarThumbnailer;
typedef struct _HangarVmCreator          HangarVmCreator;
typedef struct _HangarWindow             HangarWindow;

G_END_DECLS
