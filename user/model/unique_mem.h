/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tree's unique memory and its charged peak, whichever way they were
 * measured (memory.stat samples, or memcg events in BPF): the items of
 * bpf/unique.h at the moment their sum peaked, the kernel's peak of
 * everything charged, and where the figures came from. Pure.
 */
#ifndef TM_UNIQUE_MEM_H
#define TM_UNIQUE_MEM_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>
#include "unique.h"		/* bpf/unique.h: the items and their sum */

#define UNIQUE_SOURCE_LEN 256

struct unique_result {
	struct unique_breakdown at_peak; /* bytes, when peak_unique was seen */
	uint64_t peak_unique;	/* unique_sum(&at_peak) */
	uint64_t cur_unique;	/* the latest sum seen (-i, status line);
				 * 0: not known while running */
	uint64_t peak_charged;	/* everything charged to the job, page cache
				 * included: the kernel's watermark */
	/* a cgroup that existed before (--cgroup, -p): peak_charged is the
	 * highest sampled charge, this the kernel's watermark since the
	 * cgroup was made; 0 for a cgroup made for the run */
	uint64_t charged_watermark;
	uint64_t shared_at_peak; /* set by unique_finish(): the tree's peak
				  * RSS minus unique_rss(&at_peak), >= 0 */
	/* "memcg-v1-sampled", "memcg-v2-events", "none: <why>" */
	char source[UNIQUE_SOURCE_LEN];
	uint64_t sample_ms;	/* the sampling period; 0: not sampled */
	bool valid;		/* at_peak and the peaks hold figures */
};

/* No figures, and why (printf-style): source becomes "none: <why>". */
void unique_none(struct unique_result *u, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A breakdown seen now: kept (with valid set) when its sum is the largest
 * so far. True when it was kept.
 */
bool unique_offer(struct unique_result *u, const struct unique_breakdown *b);

/* A charged figure: the largest one wins. */
void unique_offer_charged(struct unique_result *u, uint64_t bytes);

/* The shared part once the tree's peak RSS (bytes) is known. */
void unique_finish(struct unique_result *u, uint64_t tree_peak_rss);

#endif /* TM_UNIQUE_MEM_H */
