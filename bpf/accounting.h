/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tree's accounting, pure arithmetic: running sums of the mms' counters,
 * their peaks, which mm held what at the tree's peak, and the timeline's
 * maxima since the last sample. No kernel reads, no maps, no helpers: it
 * compiles as BPF (taskmem.bpf.c) and as plain C (tests/unit/bpf/), so the
 * rules below are unit-tested with sequences of events.
 *
 * The includer defines the globals it works on, before including it:
 *   struct tree_state tree;            running sums and peaks
 *   const volatile __u32 page_shift;   pages to bytes
 *   const volatile bool track_window;  keep the since-last-sample maxima
 *   const volatile bool track_peak_ns; note when the RSS peak was reached
 *   const volatile struct kobj_sizes ksize;
 *   __u64 kstack_bytes;                a thread's kernel stack
 *   __u64 acct_now_ns(void);           a monotonic clock
 */
#ifndef ACCOUNTING_H
#define ACCOUNTING_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/*
 * The entry points that handlers call from several places are BPF global
 * functions (neither static nor inlined): the verifier checks each one
 * once per program, where inlined copies were checked at every call site
 * (exec alone held a dozen copies of mm_set, and verifying them was most
 * of taskmem's start-up). A call costs a few ns. To the verifier their
 * pointer arguments may be NULL, so each checks. Compiled as plain C (the
 * unit tests), they are ordinary static functions.
 */
#ifdef __bpf__
#define ACCT_GLOBAL __attribute__((noinline))
#else
#define ACCT_GLOBAL static inline
#endif

/*
 * Raise *peak to val; true when this call set a new maximum. Another CPU
 * that raises it between our read and our swap makes us retry with what it
 * stored; after 16 such rounds we give up (the verifier wants a bound) and
 * count it, so a report can say a peak may be low. The rounds are a global
 * function: the verifier walks all 16 of them, and inlined at each of the
 * nine call sites that was a third of what it checked.
 */
ACCT_GLOBAL int peak_raise_rounds(__s64 *peak, __s64 val)
{
	__s64 old;
	int i;

	if (!peak)
		return 0;
	old = *(volatile __s64 *)peak;
	for (i = 0; i < 16 && val > old; i++) {
		__s64 seen = __sync_val_compare_and_swap(peak, old, val);

		if (seen == old)
			return 1;
		old = seen;
	}
	if (val > old)
		__sync_fetch_and_add(&tree.lost_peak_raises, 1);
	return 0;
}

/* The common case, no new peak, costs no call. */
static __always_inline bool peak_raise(__s64 *peak, __s64 val)
{
	if (val <= *(volatile __s64 *)peak)
		return false;
	return peak_raise_rounds(peak, val);
}

ACCT_GLOBAL int tree_add_threads(__s64 n)
{
	__s64 now = __sync_fetch_and_add(&tree.threads, n) + n;

	if (n > 0) {
		__sync_fetch_and_add(&tree.threads_total, n);
		peak_raise(&tree.peak_threads, now);
	}
	return 0;
}

ACCT_GLOBAL int tree_add_procs(__s64 n)
{
	__s64 now = __sync_fetch_and_add(&tree.procs, n) + n;

	if (n > 0) {
		__sync_fetch_and_add(&tree.procs_total, n);
		peak_raise(&tree.peak_procs, now);
	}
	return 0;
}

static __always_inline __s64 mm_rss(struct mm_state *m)
{
	return m->cur[TM_FILEPAGES] + m->cur[TM_ANONPAGES] +
	       m->cur[TM_SHMEMPAGES];
}

/*
 * Per-mm peaks are plain stores: only threads of one mm race on them, and
 * such a race can lose at most the concurrent change (a page), where an
 * atomic on every fault would cost more than the rest of the hot path.
 */
static __always_inline void fold_max(__s64 *into, __s64 val)
{
	if (val > *into)
		*into = val;
}

/*
 * The tree's footprint is its RSS plus its kernel memory, kept apart so
 * that a fault (which changes RSS only) costs no extra atomic sum.
 */
static __always_inline void footprint_check(struct mm_state *m, __s64 rss_pages)
{
	__s64 kmem = *(volatile __s64 *)&tree.kmem;

	if (peak_raise(&tree.peak_footprint, (rss_pages << page_shift) + kmem) &&
	    track_window)
		tree.peak_footprint_ns = acct_now_ns();
	fold_max(&m->peak_footprint, (mm_rss(m) << page_shift) + m->kmem);
	if (track_window)
		peak_raise(&tree.win_max_footprint,
			   (rss_pages << page_shift) + kmem);
}

/*
 * The timeline's maxima since the last sample, for the tree and for m.
 * win_gen: userspace bumps tree.win_gen at each sample (after resetting the
 * tree's maxima to the current values). An mm whose win_gen is older has
 * not changed in this window yet, so its stale maximum is restarted from
 * its current RSS instead of being carried over (userspace cannot reset
 * every mm cheaply; it reads m->win_max_rss only when m->win_gen matches).
 */
static __always_inline void window_check(struct mm_state *m, __s64 total,
					 __s64 rss)
{
	__u64 gen = *(volatile __u64 *)&tree.win_gen;

	peak_raise(&tree.win_max_rss, total);
	if (m->win_gen != gen) {
		m->win_gen = gen;
		m->win_max_rss = rss;
	} else {
		fold_max(&m->win_max_rss, rss);
	}
}

/*
 * Set one of m's counters to val and carry the change into the tree.
 * The exchange makes every change land in the sums exactly once, even
 * when threads of one mm fault on several CPUs at once.
 *
 * snap_gen/snap_val, the at-peak attribution: the tree's peak RSS only
 * ever grows, so its value names the peak (its "generation"). snap_val is
 * m's RSS when the tree peak was snap_gen. Before m's first change after
 * the current peak was set, m still holds what it held at that peak: that
 * is saved (the value before this change) and stamped with the peak, so a
 * later reader knows m's share of the current peak without any walk over
 * the mms when the peak moves. When this very change sets a new peak, m's
 * new RSS is its share of it.
 */
ACCT_GLOBAL int mm_set(struct mm_state *m, int member, __s64 val)
{
	__s64 old, delta, total, rss;

	if (!m || member < 0 || member >= TM_NR_COUNTERS)
		return 0;
	old = __sync_lock_test_and_set(&m->cur[member], val);
	delta = val - old;
	if (!delta || member == TM_SWAPENTS)
		return 0;

	/* first change since the tree's current peak: remember what m held */
	total = *(volatile __s64 *)&tree.peak_rss;
	if (m->snap_gen < total) {
		m->snap_val = mm_rss(m) - delta;
		m->snap_gen = total;
	}

	total = __sync_fetch_and_add(&tree.cur[member], delta) + delta;
	peak_raise(&tree.peak[member], total);
	total = __sync_fetch_and_add(&tree.rss, delta) + delta;
	rss = mm_rss(m);
	if (peak_raise(&tree.peak_rss, total)) {
		m->snap_val = rss;
		m->snap_gen = total;
		if (track_peak_ns)
			tree.peak_rss_ns = acct_now_ns();
	}
	fold_max(&m->peak_rss, rss);
	footprint_check(m, total);
	if (track_window)
		window_check(m, total, rss);
	switch (member) {
	case TM_FILEPAGES:
		fold_max(&m->peak_file, val);
		break;
	case TM_ANONPAGES:
		fold_max(&m->peak_anon, val);
		break;
	case TM_SHMEMPAGES:
		fold_max(&m->peak_shmem, val);
		break;
	}
	return 0;
}

/* Kernel memory of m and the processes and threads on it, in bytes. */
static __always_inline __s64 mm_kmem(struct mm_state *m)
{
	__s64 per_thread = ksize.task_struct + kstack_bytes;

	return m->pgtables + m->tasks * per_thread + m->users * ksize.proc +
	       ksize.mm + m->map_count * ksize.vma;
}

ACCT_GLOBAL int mm_set_kmem(struct mm_state *m, __s64 kmem)
{
	__s64 old;

	if (!m)
		return 0;
	old = __sync_lock_test_and_set(&m->kmem, kmem);
	if (old == kmem)
		return 0;
	__sync_fetch_and_add(&tree.kmem, kmem - old);
	footprint_check(m, *(volatile __s64 *)&tree.rss);
	return 0;
}

ACCT_GLOBAL int mm_set_pgtables(struct mm_state *m, __s64 bytes)
{
	__s64 old, total;

	if (!m)
		return 0;
	old = __sync_lock_test_and_set(&m->pgtables, bytes);
	if (old == bytes)
		return 0;
	total = __sync_fetch_and_add(&tree.pgtables, bytes - old) +
		(bytes - old);
	peak_raise(&tree.peak_pgtables, total);
	fold_max(&m->peak_pgtables, bytes);
	return 0;
}

/* Page tables and mapping count of m, read from its mm. */
static __always_inline void mm_set_maps(struct mm_state *m, __s64 pgtables,
					__s64 maps)
{
	if (pgtables == m->pgtables && maps == m->map_count)
		return;
	mm_set_pgtables(m, pgtables);
	m->map_count = maps;
	mm_set_kmem(m, mm_kmem(m));
}

/* Threads or processes on m changed by n. */
ACCT_GLOBAL int mm_add_tasks(struct mm_state *m, int threads, int procs)
{
	if (!m)
		return 0;
	__sync_fetch_and_add(&m->tasks, threads);
	if (procs)
		__sync_fetch_and_add(&m->users, procs);
	mm_set_kmem(m, mm_kmem(m));
	return 0;
}

ACCT_GLOBAL int mm_set_vm(struct mm_state *m, __s64 vm)
{
	__s64 old, total;

	if (!m)
		return 0;
	old = __sync_lock_test_and_set(&m->vm, vm);
	if (old == vm)
		return 0;
	total = __sync_fetch_and_add(&tree.vm, vm - old) + (vm - old);
	peak_raise(&tree.peak_vm, total);
	fold_max(&m->peak_vm, vm);
	return 0;
}

/* Take m out of the tree's sums: its process has gone or exec'd. */
static __always_inline void mm_zero(struct mm_state *m)
{
	mm_set(m, TM_FILEPAGES, 0);
	mm_set(m, TM_ANONPAGES, 0);
	mm_set(m, TM_SWAPENTS, 0);
	mm_set(m, TM_SHMEMPAGES, 0);
	mm_set_vm(m, 0);
	mm_set_pgtables(m, 0);
	mm_set_kmem(m, 0);
}

/* A fresh mm for process owner running threads threads. */
static __always_inline void mm_init(struct mm_state *m, __u32 owner,
				    __s32 threads)
{
	__builtin_memset(m, 0, sizeof(*m));
	m->owner = owner;
	m->users = 1;
	m->tasks = threads;
	/* it held nothing at the tree's current peak */
	m->snap_gen = tree.peak_rss;
}

static __always_inline void proc_fold_peaks(struct proc_info *p,
					    struct mm_state *m)
{
	fold_max(&p->peak_rss, m->peak_rss);
	fold_max(&p->peak_anon, m->peak_anon);
	fold_max(&p->peak_file, m->peak_file);
	fold_max(&p->peak_shmem, m->peak_shmem);
	fold_max(&p->peak_vm, m->peak_vm);
	fold_max(&p->peak_pgtables, m->peak_pgtables);
	fold_max(&p->peak_footprint, m->peak_footprint);
}

/*
 * Process p stops using m (exec or exit). True when p was its last user:
 * m is then out of the tree's sums, and the caller folds what it held at
 * the peak into its owner's row (proc_fold_dead) and forgets it.
 */
ACCT_GLOBAL int mm_leave(struct proc_info *p, struct mm_state *m)
{
	if (!p || !m)
		return 0;
	if (m->owner == p->pid)
		proc_fold_peaks(p, m);
	if (__sync_fetch_and_add(&m->users, -1) > 1) {
		mm_add_tasks(m, -(int)p->threads, 0);
		return false;
	}
	mm_zero(m);
	return true;
}

/*
 * m is gone (after mm_zero). What it held at the tree's current peak goes
 * to p, stamped dead_gen = that peak; dead mms of one owner at the same
 * peak add up. When the tree later sets a new peak, those dead mms held
 * nothing at it, so the userspace model ignores a dead_gen older than the
 * final peak, and the next death here replaces it.
 */
static __always_inline void proc_fold_dead(struct proc_info *p,
					   struct mm_state *m)
{
	__s64 gen = *(volatile __s64 *)&tree.peak_rss;
	__s64 val = m->snap_gen >= gen ? m->snap_val : 0;

	if (p->dead_gen == gen) {
		p->dead_val += val;
	} else if (p->dead_gen < gen) {
		p->dead_gen = gen;
		p->dead_val = val;
	}
}

#endif /* ACCOUNTING_H */
