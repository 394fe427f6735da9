/* main.c
 *
 * Starts Hangar.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "hangar-application.h"

/* Without a GPU render node, GTK's GL is Mesa's software rasteriser: on such
 * a machine GTK 4.8 spends most of Hangar's start compiling shaders with LLVM
 * and carries ~130 MiB of Mesa and LLVM for it, where cairo draws the same
 * window faster (bench/README.md, "Collection"). Then Hangar draws with cairo
 * and loads no GL. GSK_RENDERER or GDK_DEBUG set by the user win. */
static void
prefer_cairo_without_gpu (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_getenv ("GSK_RENDERER") != NULL || g_getenv ("GDK_DEBUG") != NULL)
    return;

  if (g_getenv ("LIBGL_ALWAYS_SOFTWARE") == NULL &&
      (dir = g_dir_open ("/dev/dri", 0, NULL)) != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = NULL;

          if (!g_str_has_prefix (name, "renderD"))
            continue;
          path = g_build_filename ("/dev/dri", name, NULL);
          if (access (path, R_OK | W_OK) == 0)
            return;
        }
    }

  g_debug ("No GPU render node: drawing with cairo, without GL");
  g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HangarApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Hangar"));
  prefer_cairo_without_gpu ();

  app = hangar_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
