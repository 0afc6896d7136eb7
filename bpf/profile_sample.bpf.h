/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Samples of memory attribution, emitted from two files of the tracer's
 * object: its RSS-event handler (RSS growth at a page fault, page tables)
 * and profile.bpf.c (kernel objects of new tasks), which is linked into
 * it and declares these maps extern. When attribution is off they are
 * sized to nothing and no code here runs.
 */
#ifndef PROFILE_SAMPLE_BPF_H
#define PROFILE_SAMPLE_BPF_H

#include "profile.h"
#include "arch.bpf.h"

#ifndef PF_KTHREAD
#define PF_KTHREAD 0x00200000
#endif

/* defined by the tracer's object, declared by the objects linked into it */
#ifdef PROF_MAPS_EXTERN
#define PROF_MAP extern
#else
#define PROF_MAP
#endif

PROF_MAP struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096); /* sized by userspace before load */
} prof_events SEC(".maps");

/* Processes with samples (to the mm sampled): unmaps, exits, execs matter. */
PROF_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by userspace before load */
	__uint(map_flags, BPF_F_NO_PREALLOC); /* rarely written: no start-up cost */
	__type(key, __u32);
	__type(value, __u64);
} prof_pids SEC(".maps");

PROF_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct prof_stats);
} prof_counters SEC(".maps");

static __always_inline struct prof_stats *prof_stats_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&prof_counters, &zero);
}

#define PROF_COUNT(field)                                             \
	do {                                                          \
		struct prof_stats *st_ = prof_stats_get();            \
		if (st_)                                              \
			__sync_fetch_and_add(&st_->field, 1);         \
	} while (0)

/*
 * Submit without waking the reader, who drains every PROF_DRAIN_MS: a
 * wakeup per record is an interrupt and a cross-CPU wake in the faulting
 * task, tens of microseconds under virtualization. Only what cannot wait
 * wakes it: a process's first sample (its mappings are read while it
 * lives) and a ring more than half full.
 */
static __always_inline void note_submit(void *rec, bool wake)
{
	if (!wake && bpf_ringbuf_query(&prof_events, BPF_RB_AVAIL_DATA) >
			     bpf_ringbuf_query(&prof_events, BPF_RB_RING_SIZE) / 2)
		wake = true;
	bpf_ringbuf_submit(rec, wake ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/*
 * Copy the top of the user stack, as much of it as is mapped: whole pages
 * above the stack pointer's, fewer as reads fail (a stack's top is near).
 * A failed read costs a fault and the clearing of the buffer: on the main
 * thread, whose frames end at the mm's start_stack, read only up to the
 * end of that page (the stack's mapping goes at least that far).
 */
static __always_inline __u32 copy_stack(struct prof_sample *s, __u64 sp,
					__u64 start_stack)
{
	__u32 first = 4096 - (sp & 4095), n;
	int i;

	if (sp < start_stack && start_stack - sp < PROF_STACK_BYTES) {
		n = ((start_stack | 4095) + 1 - sp) & (PROF_STACK_BYTES * 2 - 1);
		if (n > PROF_STACK_BYTES)
			n = PROF_STACK_BYTES;
		if (n && !bpf_probe_read_user(s->stack, n, (void *)sp))
			return n;
	}
	for (i = PROF_STACK_BYTES / 4096 - 1; i >= 0; i--) {
		n = first + i * 4096;
		if (n > PROF_STACK_BYTES)
			n = PROF_STACK_BYTES;
		if (!bpf_probe_read_user(s->stack, n, (void *)sp))
			return n;
	}
	return 0;
}

/* A random phase: the first sample after 1..every bytes. */
static __always_inline __s64 first_gap(__u64 every)
{
	return (__s64)(bpf_get_prandom_u32() % every) + 1;
}

/*
 * Take bytes off a countdown to the next sample, one every `every` bytes;
 * the weight of the samples it crossed (a multiple of every), or 0. A
 * countdown at 0 has not started: it starts at a random phase. (Once
 * started it never rests at 0: a crossing leaves it above.)
 */
static __always_inline __u64 countdown(__s64 *left, __s64 bytes, __u64 every)
{
	__s64 now;
	__u64 n;

	if (!*left)
		__sync_val_compare_and_swap(left, 0, first_gap(every));
	now = __sync_fetch_and_add(left, -bytes) - bytes;

	if (now > 0 || now + bytes <= 0)
		return 0; /* not crossed here (or another CPU crossed it) */
	n = 1 + (__u64)(-now) / every;
	__sync_fetch_and_add(left, n * every);
	return n * every;
}

/* Remember that tgid has samples on mm; true the first time. */
static __always_inline bool pid_mark(__u32 tgid, __u64 mm)
{
	return !bpf_map_update_elem(&prof_pids, &tgid, &mm, BPF_NOEXIST);
}

/* One sample of the current task's user stack. */
static __always_inline void sample_emit(void *ctx, __u32 kind, __u64 mm,
					__u64 weight, __u64 pgtables,
					__u64 addr, __u32 tid)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	struct prof_sample *s;
	struct pt_regs *regs;
	long n;

	s = bpf_ringbuf_reserve(&prof_events, sizeof(*s), 0);
	if (!s) {
		PROF_COUNT(lost_samples);
		return;
	}
	s->h.kind = kind;
	s->h.pid = id >> 32;
	s->h.tid = tid;
	s->h.pad = pid_mark(id >> 32, mm) ? PROF_FIRST : 0;
	s->h.ts = bpf_ktime_get_ns();
	s->h.mm = mm;
	s->h.addr = addr;
	s->h.end = 0;
	s->h.addr2 = 0;
	s->h.end2 = 0;
	s->weight = weight;
	s->pgtables = pgtables;
	s->nr_ips = 0;
	s->stack_len = 0;
	s->ppid = BPF_CORE_READ(task, real_parent, tgid);
	s->pad2 = 0;
	bpf_probe_read_kernel_str(s->comm, sizeof(s->comm),
				  task->group_leader->comm);
	if (task->flags & PF_KTHREAD) {
		__builtin_memset(s->regs, 0, sizeof(s->regs));
	} else {
		regs = (struct pt_regs *)bpf_task_pt_regs(task);
		regs_copy(s->regs, regs);
		n = bpf_get_stack(ctx, s->ips, sizeof(s->ips), BPF_F_USER_STACK);
		if (n > 0)
			s->nr_ips = n / sizeof(__u64);
		s->stack_len = copy_stack(s, user_sp(regs),
					  BPF_CORE_READ(task, mm, start_stack));
	}
	PROF_COUNT(samples);
	note_submit(&s->h, s->h.pad);
}

#endif /* PROFILE_SAMPLE_BPF_H */
