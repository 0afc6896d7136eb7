/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Accounting of mm counters, the tree's running sums and their peaks.
 * Included by taskmem.bpf.c only: it defines the globals it works on.
 */
#ifndef TREE_BPF_H
#define TREE_BPF_H

#define MAX_CPUS 4096

/* Possible CPUs, for summing per-CPU counter deltas (set before load). */
const volatile __u32 nr_cpus = 1;

const volatile __u32 page_shift = 12;
/* keep the since-last-sample maxima a timeline needs (dead code if not) */
const volatile bool track_window = false;
/* remember when the RSS peak was reached (for memory attribution) */
const volatile bool track_peak_ns = false;
const volatile struct kobj_sizes ksize = {};

/* Running sums and peaks of the tree; userspace reads them from .bss. */
struct tree_state tree = {};

/*
 * Kernel stack of a thread: the arch's default until a new task's stack
 * vm area (CONFIG_VMAP_STACK) says otherwise.
 */
__u64 kstack_bytes = 0;

/*
 * Where each CPU's copy of per-CPU data lives: its address is the __percpu
 * pointer plus cpu_off[cpu]. The kernel's own table (__per_cpu_offset) is
 * not reachable without CONFIG_KALLSYMS_ALL, so it is derived once from a
 * per-CPU array map: the address of CPU c's element minus the map's
 * __percpu pointer. Reading pointers as numbers needs CAP_PERFMON.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cpu_anchor SEC(".maps");

__u64 cpu_off[MAX_CPUS] = {};
bool cpu_off_ready = false;

/* Spill a pointer to memory and load it back: the verifier then sees a number. */
static __always_inline __u64 as_number(void *ptr)
{
	static volatile __u64 slot;

	slot = (__u64)ptr;
	return slot;
}

static __always_inline bool load_cpu_offsets(void)
{
	__u64 base = 0, arr;
	__u32 zero = 0, cpu;

	/* the map's address as a number: arithmetic on map pointers is refused */
	arr = as_number(&cpu_anchor) +
	      bpf_core_field_offset(struct bpf_array, pptrs);
	if (bpf_probe_read_kernel(&base, sizeof(base), (void *)arr) || !base)
		return false;
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		void *elem;

		if (cpu >= nr_cpus)
			break;
		elem = bpf_map_lookup_percpu_elem(&cpu_anchor, &zero, cpu);
		if (!elem)
			return false;
		cpu_off[cpu] = as_number(elem) - base;
	}
	cpu_off_ready = true;
	return true;
}

/* Raise *peak to val; true when this call set a new maximum. */
static __always_inline bool peak_raise(__s64 *peak, __s64 val)
{
	__s64 old = *(volatile __s64 *)peak;
	int i;

	for (i = 0; i < 16 && val > old; i++) {
		__s64 seen = __sync_val_compare_and_swap(peak, old, val);

		if (seen == old)
			return true;
		old = seen;
	}
	return false;
}

static __always_inline void tree_add_threads(__s64 n)
{
	__s64 now = __sync_fetch_and_add(&tree.threads, n) + n;

	if (n > 0) {
		__sync_fetch_and_add(&tree.threads_total, n);
		peak_raise(&tree.peak_threads, now);
	}
}

static __always_inline void tree_add_procs(__s64 n)
{
	__s64 now = __sync_fetch_and_add(&tree.procs, n) + n;

	if (n > 0) {
		__sync_fetch_and_add(&tree.procs_total, n);
		peak_raise(&tree.peak_procs, now);
	}
}

/*
 * The exact value of a percpu_counter: the shared count plus every CPU's
 * pending delta. percpu_counter_read() alone can lag by up to
 * batch * nr_cpus pages, too much for exact peaks on large machines.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/*
 * A CPU's s32 delta, read through an untrusted typed pointer: a plain
 * load guarded by the exception table, far cheaper than a probe_read
 * helper call. refcount_struct is just a named struct holding an int.
 */
static __always_inline __s32 cpu_delta(__u64 addr)
{
	struct refcount_struct *d;

	d = bpf_rdonly_cast((void *)addr,
			    bpf_core_type_id_kernel(struct refcount_struct));
	return d->refs.counter;
}

static __always_inline __s64 counter_sum(struct percpu_counter *pc)
{
	__s64 sum = pc->count;
	__u64 deltas = (__u64)pc->counters;
	__u32 cpu;

	if (!cpu_off_ready && !load_cpu_offsets())
		return sum > 0 ? sum : 0;
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (cpu >= nr_cpus)
			break;
		sum += cpu_delta(deltas + cpu_off[cpu]);
	}
	return sum > 0 ? sum : 0;
}

static __always_inline __s64 mm_counter(struct mm_struct *mm, int member)
{
	switch (member) {
	case TM_FILEPAGES:
		return counter_sum(&mm->rss_stat[TM_FILEPAGES]);
	case TM_ANONPAGES:
		return counter_sum(&mm->rss_stat[TM_ANONPAGES]);
	case TM_SWAPENTS:
		return counter_sum(&mm->rss_stat[TM_SWAPENTS]);
	case TM_SHMEMPAGES:
		return counter_sum(&mm->rss_stat[TM_SHMEMPAGES]);
	}
	return -1;
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
		tree.peak_footprint_ns = bpf_ktime_get_ns();
	fold_max(&m->peak_footprint, (mm_rss(m) << page_shift) + m->kmem);
	if (track_window)
		peak_raise(&tree.win_max_footprint,
			   (rss_pages << page_shift) + kmem);
}

/* The timeline's maxima since the last sample, for the tree and for m. */
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
 */
static __always_inline void mm_set(struct mm_state *m, int member, __s64 val)
{
	__s64 old, delta, total, rss;

	if (member < 0 || member >= TM_NR_COUNTERS)
		return;
	old = __sync_lock_test_and_set(&m->cur[member], val);
	delta = val - old;
	if (!delta || member == TM_SWAPENTS)
		return;

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
			tree.peak_rss_ns = bpf_ktime_get_ns();
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
}

/* Kernel memory of m and the processes and threads on it, in bytes. */
static __always_inline __s64 mm_kmem(struct mm_state *m)
{
	__s64 per_thread = ksize.task_struct + kstack_bytes;

	return m->pgtables + m->tasks * per_thread + m->users * ksize.proc +
	       ksize.mm + m->map_count * ksize.vma;
}

static __always_inline void mm_set_kmem(struct mm_state *m, __s64 kmem)
{
	__s64 old = __sync_lock_test_and_set(&m->kmem, kmem);

	if (old == kmem)
		return;
	__sync_fetch_and_add(&tree.kmem, kmem - old);
	footprint_check(m, *(volatile __s64 *)&tree.rss);
}

static __always_inline void mm_set_pgtables(struct mm_state *m, __s64 bytes)
{
	__s64 old = __sync_lock_test_and_set(&m->pgtables, bytes);
	__s64 total;

	if (old == bytes)
		return;
	total = __sync_fetch_and_add(&tree.pgtables, bytes - old) +
		(bytes - old);
	peak_raise(&tree.peak_pgtables, total);
	fold_max(&m->peak_pgtables, bytes);
}

/* Threads or processes on m changed by n. */
static __always_inline void mm_add_tasks(struct mm_state *m, int threads,
					 int procs)
{
	__sync_fetch_and_add(&m->tasks, threads);
	if (procs)
		__sync_fetch_and_add(&m->users, procs);
	mm_set_kmem(m, mm_kmem(m));
}

static __always_inline void mm_set_vm(struct mm_state *m, __s64 vm)
{
	__s64 old = __sync_lock_test_and_set(&m->vm, vm);
	__s64 total;

	if (old == vm)
		return;
	total = __sync_fetch_and_add(&tree.vm, vm - old) + (vm - old);
	peak_raise(&tree.peak_vm, total);
	fold_max(&m->peak_vm, vm);
}

static __always_inline void mm_sync_counter(struct mm_state *m,
					    struct mm_struct *mm, int member)
{
	mm_set(m, member, mm_counter(mm, member));
}

static __always_inline void mm_sync_vm(struct mm_state *m, struct mm_struct *mm)
{
	__s64 vm = mm->total_vm;

	if (vm != m->vm)
		mm_set_vm(m, vm);
}

/* Page tables and mappings: they change with faults and mmap/munmap. */
static __always_inline void mm_sync_kmem(struct mm_state *m,
					 struct mm_struct *mm)
{
	__s64 pgtables = mm->pgtables_bytes.counter;
	__s64 maps = mm->map_count;

	if (pgtables == m->pgtables && maps == m->map_count)
		return;
	mm_set_pgtables(m, pgtables);
	m->map_count = maps;
	mm_set_kmem(m, mm_kmem(m));
}

static __always_inline void mm_sync_all(struct mm_state *m, struct mm_struct *mm)
{
	mm_sync_counter(m, mm, TM_FILEPAGES);
	mm_sync_counter(m, mm, TM_ANONPAGES);
	mm_sync_counter(m, mm, TM_SWAPENTS);
	mm_sync_counter(m, mm, TM_SHMEMPAGES);
	mm_sync_vm(m, mm);
	mm_sync_kmem(m, mm);
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
 * m is gone (after mm_zero). What it held at the tree's current peak goes
 * to p; a later peak finds it dead, so older deaths are superseded.
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

#endif /* TREE_BPF_H */
