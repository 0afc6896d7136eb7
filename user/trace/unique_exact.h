/* SPDX-License-Identifier: GPL-2.0 */
/*
 * taskmem trace --exact-unique: the libbpf glue of bpf/unique.bpf.c, which
 * follows a memory cgroup's statistics through the memcg tracepoints and
 * keeps the peak of its unique memory with the breakdown at that moment.
 * Loaded only when asked for. Part of trace/.
 */
#ifndef TM_UNIQUE_EXACT_H
#define TM_UNIQUE_EXACT_H

#include <linux/types.h>
#include <stdbool.h>
#include <stdint.h>
#include "unique.h"

struct unique_exact;

struct unique_exact_result {
	uint64_t peak;			/* bytes: the peak of unique_sum() */
	struct unique_breakdown at_peak;/* its items at that moment */
	struct unique_breakdown now;	/* the items when read */
	uint64_t events;		/* the job's events applied */
	/*
	 * Events that may be missing: the programs' recursion misses (an
	 * event on a CPU where the same program was already running) and
	 * events of cgroups more than 16 levels below the job's.
	 */
	uint64_t lost;
	uint64_t clamped;		/* times an item went below zero */
};

/*
 * Whether the running kernel has the memcg tracepoints (Linux 6.14); the
 * test hook TASKMEM_MISSING_FEATURE=memcg_tracepoints says no.
 */
bool unique_exact_supported(void);

/*
 * Load and attach the programs for the cgroup directory `dir` of the
 * hierarchy mounted at `root` (the cgroup and its descendants), starting
 * from `seed` (bytes per item: zeros for a cgroup made for this run, its
 * memory.stat for an existing one; NULL for zeros). 0, or -errno after
 * saying what failed.
 */
int unique_exact_start(struct unique_exact **out, const char *root,
		       const char *dir, const struct unique_breakdown *seed,
		       long page_size);
/* The figures so far (consistent: read under the programs' lock). */
int unique_exact_read(const struct unique_exact *u,
		      struct unique_exact_result *r);
/* Detach and free; NULL-safe. */
void unique_exact_free(struct unique_exact *u);

#endif /* TM_UNIQUE_EXACT_H */
