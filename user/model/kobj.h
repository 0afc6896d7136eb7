/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sizes of the kernel objects a thread, a process and an mm cost, from
 * /proc/slabinfo (pure: the text is parsed here, read elsewhere).
 */
#ifndef TM_KOBJ_H
#define TM_KOBJ_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "taskmem.h"

/* The slab caches taskmem charges, and the struct each one holds. */
enum kobj_cache {
	KOBJ_TASK_STRUCT,
	KOBJ_MM_STRUCT,
	KOBJ_VMA,
	KOBJ_SIGNAL,
	KOBJ_SIGHAND,
	KOBJ_FILES,
	KOBJ_NR,
};

struct kobj_cache_name {
	const char *slab;	/* in /proc/slabinfo */
	const char *type;	/* in BTF, when slabinfo lacks it */
};

extern const struct kobj_cache_name kobj_caches[KOBJ_NR];

/*
 * Parse /proc/slabinfo's text: objsize[i] gets the object size of cache
 * kobj_caches[i].slab, or stays 0 when absent. Returns how many were found.
 */
int kobj_parse_slabinfo(const char *text, uint64_t objsize[KOBJ_NR]);

/* Fold per-cache sizes into what BPF charges per thread/process/mm. */
void kobj_sizes_from(const uint64_t objsize[KOBJ_NR], uint64_t kstack,
		     struct kobj_sizes *out);

#endif /* TM_KOBJ_H */
