/* identify-bench.c
 *
 * What identifying an ISO costs: the one-time load of libosinfo's database,
 * and HangarOsDb's identification with the database loaded (file checks,
 * libosinfo's header reading, matching, the profile, the thread hop) beside
 * the floor, libosinfo's own create_from_location + identify_media on the
 * same file in this thread. Runs alternate (A B A B …). Prints a Markdown
 * table; --tsv also writes the raw figures. Run through bench/identify-bench.
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <osinfo/osinfo.h>

#include "hangar-os-db.h"

#define TARGET_MS 50.0

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static void
wait_done (Wait *wait)
{
  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

typedef struct
{
  double median, min, max;
} Stats;

static Stats
stats_of (GArray *samples)
{
  Stats s = { 0 };

  g_array_sort (samples, compare_doubles);
  s.min = g_array_index (samples, double, 0);
  s.max = g_array_index (samples, double, samples->len - 1);
  s.median = samples->len % 2
    ? g_array_index (samples, double, samples->len / 2)
    : (g_array_index (samples, double, samples->len / 2 - 1) +
       g_array_index (samples, double, samples->len / 2)) / 2;
  return s;
}

static double
time_load (void)
{
  g_autoptr(HangarOsDb) db = hangar_os_db_new ();
  g_autoptr(GError) error = NULL;
  Wait wait = { 0 };
  double start = now_ms ();
  double elapsed;

  hangar_os_db_load_async (db, NULL, store_result, &wait);
  wait_done (&wait);
  elapsed = now_ms () - start;
  if (!hangar_os_db_load_finish (db, wait.result, &error))
    g_error ("%s", error->message);
  g_object_unref (wait.result);
  return elapsed;
}

static double
time_hangar (HangarOsDb *db,
             const char *path,
             char      **label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarMedia) media = NULL;
  Wait wait = { 0 };
  double start = now_ms ();
  double elapsed;

  hangar_os_db_identify_async (db, path, NULL, store_result, &wait);
  wait_done (&wait);
  elapsed = now_ms () - start;
  media = hangar_os_db_identify_finish (db, wait.result, &error);
  g_object_unref (wait.result);
  if (media == NULL)
    g_error ("%s", error->message);
  if (label != NULL && *label == NULL)
    *label = hangar_media_dup_label (media);
  return elapsed;
}

static double
time_libosinfo (OsinfoDb   *db,
                const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsinfoMedia) media = NULL;
  double start = now_ms ();
  double elapsed;

  media = osinfo_media_create_from_location (path, NULL, &error);
  if (media == NULL)
    g_error ("%s", error->message);
  osinfo_db_identify_media (db, media);
  elapsed = now_ms () - start;
  return elapsed;
}

int
main (int   argc,
      char *argv[])
{
  int runs = 25;
  int load_runs = 5;
  char *tsv_path = NULL;
  const GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Identifications per image and side", "N" },
    { "load-runs", 0, 0, G_OPTION_ARG_INT, &load_runs, "Database loads", "N" },
    { "tsv", 0, 0, G_OPTION_ARG_FILENAME, &tsv_path, "Also write raw figures here", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("ISO…");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) loads = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(OsinfoLoader) loader = NULL;
  g_autoptr(GString) tsv = g_string_new ("what\timage\trun\tms\n");
  HangarOsDb *db = hangar_os_db_get_default ();
  gboolean over_target = FALSE;
  Stats load;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc < 2 || runs < 20)
    {
      g_printerr ("identify-bench: %s\n",
                  error != NULL ? error->message : "give one or more ISO images and --runs ≥ 20");
      return 2;
    }

  for (int i = 0; i < load_runs; i++)
    {
      double ms = time_load ();

      g_array_append_val (loads, ms);
      g_string_append_printf (tsv, "load\t\t%d\t%.3f\n", i, ms);
    }
  load = stats_of (loads);

  /* Both sides with their database loaded before timing. */
  {
    Wait wait = { 0 };

    hangar_os_db_load_async (db, NULL, store_result, &wait);
    wait_done (&wait);
    g_assert_true (hangar_os_db_load_finish (db, wait.result, NULL));
    g_object_unref (wait.result);
  }
  loader = osinfo_loader_new ();
  osinfo_loader_process_default_path (loader, &error);
  g_assert_no_error (error);

  g_print ("| image | OS | Hangar identify, ms: median [min–max] | libosinfo alone (floor) | ratio |\n");
  g_print ("| --- | --- | --- | --- | --- |\n");

  for (int f = 1; f < argc; f++)
    {
      g_autoptr(GArray) ours = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) bare = g_array_new (FALSE, FALSE, sizeof (double));
      g_autofree char *base = g_path_get_basename (argv[f]);
      g_autofree char *label = NULL;
      Stats a, b;

      /* One untimed round each: page cache and lazy initialisations. */
      time_hangar (db, argv[f], &label);
      time_libosinfo (osinfo_loader_get_db (loader), argv[f]);

      for (int i = 0; i < runs; i++)
        {
          double ms_ours = time_hangar (db, argv[f], NULL);
          double ms_floor = time_libosinfo (osinfo_loader_get_db (loader), argv[f]);

          g_array_append_val (ours, ms_ours);
          g_array_append_val (bare, ms_floor);
          g_string_append_printf (tsv, "hangar\t%s\t%d\t%.3f\n", base, i, ms_ours);
          g_string_append_printf (tsv, "libosinfo\t%s\t%d\t%.3f\n", base, i, ms_floor);
        }

      a = stats_of (ours);
      b = stats_of (bare);
      over_target |= a.median > TARGET_MS;
      g_print ("| %s | %s | %.2f [%.2f–%.2f] | %.2f [%.2f–%.2f] | %.2f |\n",
               base, label, a.median, a.min, a.max, b.median, b.min, b.max,
               b.median > 0 ? a.median / b.median : 0.0);
    }

  g_print ("\nDatabase load (once per process, in a worker thread): %.0f ms median [%.0f–%.0f] "
           "over %d loads\n", load.median, load.min, load.max, load_runs);
  g_print ("Target: identification ≤ %.0f ms with the database loaded: %s\n", TARGET_MS,
           over_target ? "MISSED" : "met");

  if (tsv_path != NULL && !g_file_set_contents (tsv_path, tsv->str, tsv->len, &error))
    g_printerr ("identify-bench: %s\n", error->message);
  g_free (tsv_path);

  return over_target ? 1 : 0;
}
