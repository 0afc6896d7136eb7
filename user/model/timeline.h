/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tree's memory over time: samples kept in a bounded series (thinned
 * by merging neighbours, maxima preserved). output/timeline_csv.h writes
 * them as CSV rows.
 * Pure: no libbpf.
 */
#ifndef TM_TIMELINE_H
#define TM_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One sample of the tree (pid 0) or of one process. Sizes in bytes. */
struct tl_sample {
	double t;		/* seconds since the start */
	uint32_t pid;		/* 0: the whole tree */
	char comm[16];
	uint64_t processes;
	uint64_t threads;
	uint64_t rss;
	uint64_t anon;
	uint64_t file;
	uint64_t shmem;
	uint64_t max_rss;	/* highest RSS since the previous sample */
	uint64_t footprint;
	uint64_t max_footprint;	/* highest footprint since the previous sample */
	uint64_t kmem;		/* footprint - RSS */
	uint64_t unique;	/* tree samples: unique memory from the memory
				 * cgroup (memory.stat read for the sample);
				 * 0: not measured */
};

#define TL_MAX_POINTS 4096

struct timeline {
	struct tl_sample *s;
	size_t n;
	size_t cap;
	size_t merge;		/* raw samples per kept sample (power of 2) */
	size_t folded;		/* raw samples in the last kept one */
	uint64_t samples;	/* raw samples taken */
};

/* 0 or -ENOMEM; cap is the most samples kept (older ones get merged). */
int timeline_init(struct timeline *tl, size_t cap);
void timeline_free(struct timeline *tl);

/* Keep one more tree sample, merging neighbours when the series is full. */
void timeline_add(struct timeline *tl, const struct tl_sample *s);

/* Fold b (later) into a: b's current values, the larger maxima. */
void timeline_merge(struct tl_sample *a, const struct tl_sample *b);

#endif /* TM_TIMELINE_H */
