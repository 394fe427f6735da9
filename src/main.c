/* main.c
 *
 * Starts Hangar.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HangarApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Hangar"));

  app = hangar_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
