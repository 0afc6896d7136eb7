/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the tree's unique memory comes from: one interface, two ways.
 * The sampled way (unique_sampled.c, the default) reads memory.stat; the
 * event-exact way (--exact-unique) follows the memcg tracepoints in BPF.
 * cmd_trace.c makes the cgroup, picks a source with unique_source_pick(),
 * and calls it around the run; the charged watermark is read by
 * cmd_trace.c itself, for either source.
 */
#ifndef TM_UNIQUE_SOURCE_H
#define TM_UNIQUE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include "common/cli.h"
#include "model/unique_mem.h"
#include "trace/cgroup.h"

struct unique_state;	/* each source's own */

struct unique_source {
	const char *name;
	/*
	 * The cgroup exists, the workload has not started: set up (load
	 * programs, open files) and fill u->source and u->sample_ms. 0, or
	 * -errno with a sentence in why (the run goes on without figures).
	 */
	int (*start)(struct unique_state **st, struct memcg *cg,
		     const struct trace_opts *o, struct unique_result *u,
		     char *why, size_t len);
	/*
	 * From the event loop: at every --memory-sample-ms tick (peak false)
	 * and soon after BPF saw a new tree RSS peak (peak true). May be
	 * NULL (nothing to do while running).
	 */
	void (*poll)(struct unique_state *st, struct unique_result *u,
		     bool peak);
	/* Tracing stopped, the cgroup still exists: the last figures. */
	int (*finish)(struct unique_state *st, struct unique_result *u);
	void (*close)(struct unique_state *st);	/* NULL-safe */
};

extern const struct unique_source unique_sampled;

/* The source for these options (--exact-unique picks the other, where
 * the kernel has its tracepoints); in unique_exact.c, which can tell. */
const struct unique_source *unique_source_pick(const struct trace_opts *o);

#endif /* TM_UNIQUE_SOURCE_H */
