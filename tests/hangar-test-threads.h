/* hangar-test-threads.h
 *
 * Copyright 2026 The Hangar authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Keep GLib's worker threads alive until the process exits.
 *
 * By default an idle thread of GLib's thread pools (GTask, GIO) exits after
 * 15 s, and one beyond the two kept spare exits as soon as its job is done.
 * When that exit coincides with LeakSanitizer's check at process exit, the
 * sanitizer's tracer reads the half-destroyed thread's TLS and dies
 * ("Tracer caught signal 11 ... LeakSanitizer has encountered a fatal
 * error"): a test that passed is reported as crashed.  Tests therefore keep
 * every pool thread until exit; the leak check itself is unchanged.
 */
static inline void
hangar_test_keep_pool_threads (void)
{
  g_thread_pool_set_max_unused_threads (-1);
  g_thread_pool_set_max_idle_time (0);
}

G_END_DECLS
