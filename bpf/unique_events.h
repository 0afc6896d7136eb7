/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event-exact way of unique memory (taskmem trace --exact-unique), pure
 * arithmetic: which kernel statistics item an event of the memcg
 * tracepoints changes, the running value of each unique item, and the peak
 * of their sum with the breakdown at that moment. No kernel reads, no maps,
 * no helpers: it compiles as BPF (unique.bpf.c) and as plain C
 * (tests/unit/bpf/test_unique_events.c).
 *
 * The memcg tracepoints (Linux 6.14, "memcg: add tracing for memcg stat
 * updates") hand over the memcg, the kernel's item index (enum
 * node_stat_item for mod_memcg_lruvec_state, enum memcg_stat_item, which
 * numbers on after it, for mod_memcg_state) and the change already
 * converted to pages (memcg_state_val_in_pages()): a KiB item
 * (NR_KERNEL_STACK_KB) arrives exactly, since a stack is accounted a page
 * at a time; a byte item (NR_SLAB_UNRECLAIMABLE_B, MEMCG_PERCPU_B) arrives
 * rounded: a change of less than a page counts as one page up, or as
 * floor(bytes / page) down. Slab changes reach the memcg in batches of more
 * than a page (the per-CPU object stock), so each such event is low by less
 * than a page; percpu allocations are small, +1 page each and -1 page when
 * freed, so their sum over a job's life stays near the true count of
 * pages touched, not of bytes. Both are documented in the README.
 *
 * Includes nothing: the includer provides __u64, __s64, __s32 and, for
 * struct unique_exact_value, struct bpf_spin_lock (vmlinux.h in BPF,
 * <linux/bpf.h> in userspace).
 */
#ifndef TASKMEM_UNIQUE_EVENTS_H
#define TASKMEM_UNIQUE_EVENTS_H

#include "unique.h"

/*
 * The running kernel's index of each item we follow, in unique_item order
 * (CO-RE enum values in BPF, fixed numbers in the tests). An item the
 * kernel lacks is -1 and never matches.
 */
struct unique_kidx {
	__s32 idx[UNIQUE_KERNEL_OTHER];
};

/*
 * Everything the event-exact way keeps, in one map value behind one lock
 * (see unique.bpf.c): the events of every CPU apply in one order, so each
 * value the peak is taken from is the sum of a set of events that really
 * happened, and the breakdown at the peak adds up to the peak exactly.
 */
struct unique_exact_state {
	__s64 value[UNIQUE_NR_ITEMS];	/* running bytes, may dip below 0 */
	__u64 peak;			/* largest unique_sum() seen */
	struct unique_breakdown at_peak;
	__u64 events;			/* events of the job's items applied */
	__u64 clamped;			/* times an item went below zero */
};

struct unique_exact_value {
	struct bpf_spin_lock lock;
	__u32 pad;
	struct unique_exact_state s;
};

/* The unique item an event changes, or -1 for items we do not follow. */
static __always_inline int unique_item_of(__s32 kidx,
					  const struct unique_kidx *k)
{
	int i;

	for (i = 0; i < UNIQUE_KERNEL_OTHER; i++)
		if (kidx == k->idx[i])
			return i;
	return -1;
}

/* The running values as a breakdown: an item below zero reads as zero. */
static __always_inline void unique_exact_now(const struct unique_exact_state *s,
					     struct unique_breakdown *b)
{
	int i;

	for (i = 0; i < UNIQUE_NR_ITEMS; i++)
		b->item[i] = s->value[i] > 0 ? (__u64)s->value[i] : 0;
}

/*
 * Apply a change of `pages` pages to item (0 <= item < UNIQUE_NR_ITEMS);
 * true when it set a new peak. unique_sum() never grows when an item
 * shrinks (a shmem page that leaves can at most uncover a mapped-file page
 * it hid), so only growth needs the sum.
 */
static __always_inline bool unique_exact_apply(struct unique_exact_state *s,
					       int item, __s32 pages,
					       __u32 page_shift)
{
	struct unique_breakdown now;
	__u64 sum;
	__s64 v;

	v = s->value[item] + (__s64)pages * ((__s64)1 << page_shift);
	if (v < 0 && s->value[item] >= 0)
		s->clamped++;
	s->value[item] = v;
	s->events++;
	if (pages <= 0)
		return false;
	unique_exact_now(s, &now);
	sum = unique_sum(&now);
	if (sum <= s->peak)
		return false;
	s->peak = sum;
	s->at_peak = now;
	return true;
}

#endif /* TASKMEM_UNIQUE_EVENTS_H */
