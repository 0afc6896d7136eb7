/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unique memory of a job: what its memory cgroup holds resident, each page
 * once. Shared by the sampled way (memory.stat, user/trace/) and the
 * event-exact way (memcg tracepoints, bpf/unique.bpf.c): both fill the same
 * items in bytes and both sum them with unique_sum(), so the two views can
 * only differ in when they look, never in what they count.
 *
 * Pure arithmetic on plain integers: it compiles as BPF and as plain C.
 */
#ifndef TASKMEM_UNIQUE_H
#define TASKMEM_UNIQUE_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

enum unique_item {
	UNIQUE_ANON,		/* anonymous pages (memory.stat anon / rss) */
	UNIQUE_SHMEM,		/* shmem, tmpfs and memfd pages */
	UNIQUE_FILE_MAPPED,	/* mapped file pages, mapped shmem included */
	UNIQUE_KERNEL_STACK,	/* threads' kernel stacks */
	UNIQUE_PAGETABLES,	/* user page tables */
	UNIQUE_SLAB,		/* unreclaimable slab only */
	UNIQUE_PERCPU,		/* percpu allocations */
	UNIQUE_SOCK,		/* socket buffers */
	UNIQUE_KERNEL_OTHER,	/* sampled v1 only: memory.kmem.usage_in_bytes,
				 * which v1's memory.stat does not split (and
				 * which includes reclaimable slab) */
	UNIQUE_NR_ITEMS,
};

/* JSON and CSV names of the items, in enum order */
#define UNIQUE_ITEM_NAMES { "anon", "shmem", "file_mapped", "kernel_stack", \
	"pagetables", "slab", "percpu", "sock", "kernel_other" }

struct unique_breakdown {
	__u64 item[UNIQUE_NR_ITEMS];	/* bytes */
};

/*
 * Mapped file pages not already counted as shmem. The kernel's mapped-file
 * count includes mapped shmem, and no counter says how much of the shmem is
 * mapped; we take all of it as mapped (memfd and tmpfs regions that a job
 * creates are nearly always mapped). The bound: when a job also holds
 * unmapped shmem, its mapped regular files are under-counted by at most the
 * unmapped shmem.
 */
static __always_inline __u64 unique_file_mapped_only(const struct unique_breakdown *b)
{
	__u64 fm = b->item[UNIQUE_FILE_MAPPED], sh = b->item[UNIQUE_SHMEM];

	return fm > sh ? fm - sh : 0;
}

/* The job's unique memory in bytes: every item once, mapped shmem once. */
static __always_inline __u64 unique_sum(const struct unique_breakdown *b)
{
	return b->item[UNIQUE_ANON] + b->item[UNIQUE_SHMEM] +
	       unique_file_mapped_only(b) + b->item[UNIQUE_KERNEL_STACK] +
	       b->item[UNIQUE_PAGETABLES] + b->item[UNIQUE_SLAB] +
	       b->item[UNIQUE_PERCPU] + b->item[UNIQUE_SOCK] +
	       b->item[UNIQUE_KERNEL_OTHER];
}

/* The RSS part of it (what a sum of RSS counts): anon, shmem, mapped files. */
static __always_inline __u64 unique_rss(const struct unique_breakdown *b)
{
	return b->item[UNIQUE_ANON] + b->item[UNIQUE_SHMEM] +
	       unique_file_mapped_only(b);
}

#endif /* TASKMEM_UNIQUE_H */
