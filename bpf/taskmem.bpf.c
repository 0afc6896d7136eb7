// SPDX-License-Identifier: GPL-2.0
/*
 * Follows a process tree and keeps its memory peaks exact: every change of
 * a tracked mm's RSS counters (kmem:rss_stat fires on each one) updates the
 * mm, the tree's running sums and their maxima. Processes are tracked from
 * the thread that creates them, so reparenting does not lose them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "taskmem.h"
#include "pidns.bpf.h"

#define PF_KTHREAD 0x00200000
#define EEXIST 17
#define MAX_ANCESTORS 64

#define CLONE_VM 0x00000100ULL
#define CLONE_THREAD 0x00010000ULL

char LICENSE[] SEC("license") = "GPL";

/* Possible CPUs, for calibrate_cpus (set before load). */
const volatile __u32 nr_cpus = 1;
const volatile __u32 page_shift = 12;
/* keep the since-last-sample maxima a timeline needs (dead code if not) */
const volatile bool track_window = false;
/* note when the RSS peak was reached (memory attribution) */
const volatile bool track_peak_ns = false;
/* memory attribution: sample the RSS growth of page faults */
const volatile bool profile_faults = false;
/* with it, one sample per this many bytes of an mm's RSS growth */
const volatile __u64 sample_bytes = 2 << 20;
const volatile struct kobj_sizes ksize = {};

/* Running sums and peaks of the tree; userspace reads them from .bss. */
struct tree_state tree = {};

/*
 * Kernel stack of a thread: the arch's default until a new task's stack
 * vm area (CONFIG_VMAP_STACK) says otherwise.
 */
__u64 kstack_bytes = 0;

/* Per-CPU data's addresses: see calibrate_cpu_offsets() in mm_read.bpf.h. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cpu_anchor SEC(".maps");

__u64 cpu_off[TM_MAX_CPUS] = {};
/* CPUs whose cpu_off is known; 0: read the approximate count only */
__u32 cpus_ready = 0;
__u64 number_slot = 0;

static __always_inline __u64 acct_now_ns(void)
{
	return bpf_ktime_get_ns();
}

#include "accounting.h"
#include "profile_sample.bpf.h"
#include "fault_addr.bpf.h"
#include "mm_read.bpf.h"

/*
 * The hash maps allocate entries as they are inserted: preallocating
 * --max-procs entries would lock about 35 MB of kernel memory by default
 * (2 GB at the maximum) whatever the tree's size.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by userspace before load */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct proc_info);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by userspace before load */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct mm_state);
} mms SEC(".maps");

/* Processes to attach to (-p): they and their descendants are seeded. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by userspace before load */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u8);
} targets SEC(".maps");

/* One record per exited process, so the procs map only holds live ones. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096); /* sized from --max-procs before load */
} exits SEC(".maps");

/*
 * Start tracking a process; false if it is not new. A process that is
 * already there (the attach's seeding raced with its creation) is not a
 * loss; a full map or no memory is.
 */
static __always_inline bool proc_insert(struct proc_info *fresh)
{
	long err = bpf_map_update_elem(&procs, &fresh->pid, fresh, BPF_NOEXIST);

	if (err && err != -EEXIST)
		__sync_fetch_and_add(&tree.lost_procs, 1);
	return !err;
}

static __always_inline void proc_set_comm(struct proc_info *p,
					  struct task_struct *task)
{
	bpf_probe_read_kernel_str(p->comm, sizeof(p->comm), task->comm);
}

/*
 * Where a new mm's state is built before its insert: on the stack it took
 * 280 of the 512 bytes, and with the accounting's global functions called
 * from the seeding iterator the frames came to more than 512.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mm_state);
} mm_scratch SEC(".maps");

/* Start counting mm for process p, seeded with its current counters. */
static __always_inline void mm_track(struct proc_info *p, struct mm_struct *mm)
{
	__u64 key = (__u64)mm;
	struct mm_state *fresh, *m;
	__u32 zero = 0;

	if (!mm)
		return;
	fresh = bpf_map_lookup_elem(&mm_scratch, &zero);
	if (!fresh) {
		__sync_fetch_and_add(&tree.lost_mms, 1);
		return;
	}
	mm_init(fresh, p->pid, p->threads);
	if (bpf_map_update_elem(&mms, &key, fresh, BPF_NOEXIST)) {
		m = bpf_map_lookup_elem(&mms, &key);
		if (!m) {
			__sync_fetch_and_add(&tree.lost_mms, 1);
			return;
		}
		/* already tracked (a sharer got there first): one more user */
		if (m->owner != p->pid)
			p->shared_mm_with = m->owner;
		mm_add_tasks(m, p->threads, 1);
		return;
	}
	m = bpf_map_lookup_elem(&mms, &key);
	if (!m)
		return;
	mm_sync_all(m, mm);
}

/* Process p stops using the mm it runs on (exec or exit). */
static __always_inline void mm_release(struct proc_info *p)
{
	__u64 key = p->mm;
	struct proc_info *owner;
	struct mm_state *m;

	p->mm = 0;
	m = bpf_map_lookup_elem(&mms, &key);
	if (!m)
		return;
	if (!mm_leave(p, m))
		return;
	/* the at-peak share of a dead mm belongs to its owner's row */
	owner = p;
	if (m->owner != p->pid) {
		owner = bpf_map_lookup_elem(&procs, &m->owner);
		if (!owner)
			owner = p;
	}
	proc_fold_dead(owner, m);
	bpf_map_delete_elem(&mms, &key);
}

/* A thread of p starts (n = 1) or ends (n = -1). */
static __always_inline __u32 proc_add_thread(struct proc_info *p, int n)
{
	__u32 now = __sync_fetch_and_add(&p->threads, n) + n;
	__u64 key = p->mm;
	struct mm_state *m;

	if (n > 0 && now > p->peak_threads)
		p->peak_threads = now;
	tree_add_threads(n);
	m = bpf_map_lookup_elem(&mms, &key);
	if (m)
		mm_add_tasks(m, n, 0);
	return now;
}

static __always_inline void proc_add(struct task_struct *task, __u32 ppid,
				     __u64 clone_flags)
{
	struct mm_struct *mm = task_fields(task)->mm;
	struct proc_info fresh = {};
	struct mm_state *m;
	struct proc_info *p;
	__u64 mm_key;

	fresh.pid = view_tgid(task);
	fresh.ppid = ppid;
	fresh.threads = 1;
	fresh.peak_threads = 1;
	fresh.start_ns = bpf_ktime_get_ns();
	proc_set_comm(&fresh, task);
	if (!proc_insert(&fresh))
		return;
	p = bpf_map_lookup_elem(&procs, &fresh.pid);
	if (!p)
		return;
	tree_add_procs(1);
	tree_add_threads(1);

	mm_key = (__u64)mm;
	p->mm = mm_key;
	if (!(clone_flags & CLONE_VM)) {
		mm_track(p, mm);
		return;
	}
	/* shares its creator's mm: counted once, in the owner's row */
	p->shared_mm_with = ppid;
	m = bpf_map_lookup_elem(&mms, &mm_key);
	if (!m)
		return;
	p->shared_mm_with = m->owner;
	mm_add_tasks(m, 1, 1);
}

/*
 * Waking taskmem for every exit costs about 10 us each (a fork storm
 * felt it); userspace drains the buffer at least every 200 ms anyway, so
 * wake it only when the buffer is half full.
 */
static __always_inline __u64 exit_wakeup(void)
{
	__u64 used = bpf_ringbuf_query(&exits, BPF_RB_AVAIL_DATA);
	__u64 size = bpf_ringbuf_query(&exits, BPF_RB_RING_SIZE);

	return used > size / 2 ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* Last thread of p has exited: hand its record to userspace. */
static __always_inline void proc_finish(struct proc_info *p,
					struct task_struct *task)
{
	struct proc_info *rec;

	p->exit_status = task->exit_code;
	p->end_ns = bpf_ktime_get_ns();
	p->flags |= TM_PROC_EXITED;
	mm_release(p);
	tree_add_procs(-1);

	rec = bpf_ringbuf_reserve(&exits, sizeof(*rec), 0);
	if (rec) {
		__builtin_memcpy(rec, p, sizeof(*rec));
		bpf_ringbuf_submit(rec, exit_wakeup());
	} else {
		__sync_fetch_and_add(&tree.lost_events, 1);
	}
	bpf_map_delete_elem(&procs, &p->pid);
}

/* Is task one of the targets, or a descendant of one? */
static __always_inline bool in_target_tree(struct task_struct *task)
{
	int i;

	for (i = 0; i < MAX_ANCESTORS && task; i++) {
		__u32 tgid = view_tgid_of(task);

		if (bpf_map_lookup_elem(&targets, &tgid))
			return true;
		if (tgid <= 1)
			return false;
		task = BPF_CORE_READ(task, real_parent);
	}
	return false;
}

/*
 * Attach: start tracking a process that already runs, from the kernel's
 * own state. Events that raced with this find it tracked from now on.
 */
static __always_inline void proc_seed(struct task_struct *task)
{
	struct proc_info fresh = {};
	struct mm_struct *mm;
	struct proc_info *p;
	__s64 threads;

	fresh.pid = view_tgid(task);
	fresh.ppid = view_tgid_of(BPF_CORE_READ(task, real_parent));
	threads = BPF_CORE_READ(task, signal, nr_threads);
	fresh.threads = threads;
	fresh.peak_threads = threads;
	fresh.flags = TM_PROC_ATTACHED;
	fresh.start_ns = bpf_ktime_get_ns();
	proc_set_comm(&fresh, task);
	if (!proc_insert(&fresh))
		return;
	p = bpf_map_lookup_elem(&procs, &fresh.pid);
	if (!p)
		return;
	tree_add_procs(1);
	tree_add_threads(threads);
	mm = task_fields(task)->mm;
	p->mm = (__u64)mm;
	mm_track(p, mm);
}

SEC("iter/task")
int seed_targets(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;

	/* one visit per process: its leader; taskmem is never traced */
	if (!task || task->pid != task->tgid || (task->flags & PF_KTHREAD) ||
	    view_tgid(task) == self_tgid)
		return 0;
	if (in_target_tree(task))
		proc_seed(task);
	return 0;
}

SEC("tp_btf/task_newtask")
int BPF_PROG(on_newtask, struct task_struct *task, __u64 clone_flags)
{
	__u32 creator = view_current_tgid();
	struct proc_info *parent;

	parent = bpf_map_lookup_elem(&procs, &creator);
	if (!parent)
		return 0;
	note_kstack(task);
	if (clone_flags & CLONE_THREAD)
		proc_add_thread(parent, 1);
	else
		proc_add(task, creator, clone_flags);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	__u32 tgid = view_tgid(task);
	struct mm_struct *mm;
	struct proc_info *p;

	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p)
		return 0;
	p->flags |= TM_PROC_EXECED;
	proc_set_comm(p, task);
	mm_release(p);
	p->shared_mm_with = 0;
	mm = task_fields(task)->mm;
	p->mm = (__u64)mm;
	mm_track(p, mm);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task)
{
	__u32 tgid = view_tgid(task);
	struct proc_info *p;

	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p)
		return 0;
	__sync_fetch_and_add(&p->min_flt, task->min_flt);
	__sync_fetch_and_add(&p->maj_flt, task->maj_flt);
	if (proc_add_thread(p, -1) == 0)
		proc_finish(p, task);
	return 0;
}

/*
 * Run once by userspace after load, before anything is attached, from
 * taskmem's own thread: per-CPU data's addresses, and the level of
 * taskmem's pid namespace. 0, or -1 when that level was not found.
 */
SEC("syscall")
int calibrate_cpus(void *ctx)
{
	calibrate_cpu_offsets();
	return calibrate_view_level();
}

static __always_inline __s64 mm_rss_pages(const struct mm_state *m)
{
	return m->cur[TM_FILEPAGES] + m->cur[TM_ANONPAGES] +
	       m->cur[TM_SHMEMPAGES];
}

/*
 * Memory attribution: one sample per sample_bytes of this mm's RSS growth
 * (a countdown with a random phase), weighed by the bytes it stands for,
 * at the address of the page fault that grew it (fault_addr.bpf.h), with
 * the page tables this mm grew since its last sample, attributed to the
 * same stack and address. Growth that is not a page fault has no address
 * to leave from: counted, not sampled.
 */
static __noinline void prof_sample(void *ctx, struct mm_struct *mm,
				   struct mm_state *m, __u64 weight)
{
	__u64 addr;
	__s64 pgt;

	addr = fault_address(ctx, mm);
	if (!addr) {
		PROF_COUNT(no_fault);
		return;
	}
	/* page tables before the first sample are nobody's */
	if (!m->pf_pgt_mark)
		m->pf_pgt_mark = m->pgtables;
	pgt = m->pgtables - m->pf_pgt_mark;
	if (pgt > 0)
		m->pf_pgt_mark = m->pgtables;
	sample_emit(ctx, PROF_FAULT, (__u64)mm, weight, pgt > 0 ? pgt : 0, addr,
		    0);
}

/* Page tables freed: what grows again is attributed again. */
static __always_inline void prof_pgt_shrunk(struct mm_state *m)
{
	if (m->pgtables < m->pf_pgt_mark)
		m->pf_pgt_mark = m->pgtables;
}

/* The hot path: one event per change of any mm's RSS counter. */
SEC("tp_btf/rss_stat")
int BPF_PROG(on_rss_stat, struct mm_struct *mm, int member)
{
	__u64 key = (__u64)mm;
	struct mm_state *m;
	__s64 before = 0;

	m = bpf_map_lookup_elem(&mms, &key);
	if (!m)
		return 0;
	if (profile_faults)
		before = mm_rss_pages(m);
	mm_sync_counter(m, mm, member);
	mm_sync_vm(m, mm);
	mm_sync_kmem(m, mm);
	if (profile_faults) {
		__s64 grown = mm_rss_pages(m) - before;
		__u64 weight;

		if (grown > 0) {
			weight = countdown(&m->pf_left, grown << page_shift,
					   sample_bytes);
			if (weight)
				prof_sample(ctx, mm, m, weight);
		}
		prof_pgt_shrunk(m);
	}
	return 0;
}

/*
 * Virtual size and mappings: mmap, munmap, brk and mremap change them
 * under the mm's mmap_lock, often without touching a page (so without an
 * rss_stat event). Every such change ends with releasing the lock: a write
 * unlock, or a read unlock after munmap downgraded it (total_vm drops
 * after the downgrade). Page faults take per-VMA locks, not this one, so
 * this runs far less often than a per-syscall hook would, on every
 * architecture.
 */
SEC("tp_btf/mmap_lock_released")
int BPF_PROG(on_mmap_unlock, struct mm_struct *mm, bool write)
{
	__u64 key = (__u64)mm;
	struct mm_state *m;

	m = bpf_map_lookup_elem(&mms, &key);
	if (!m)
		return 0;
	mm_sync_vm(m, mm);
	mm_sync_kmem(m, mm);
	if (profile_faults)
		prof_pgt_shrunk(m);
	return 0;
}
