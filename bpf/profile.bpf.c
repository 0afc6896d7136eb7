// SPDX-License-Identifier: GPL-2.0
/*
 * Memory attribution (taskmem trace --profile/--folded/--flame): samples
 * the RSS growth of the tree's mms, one sample per sample_bytes with a
 * random phase, in the task that grows it, with its user registers and the
 * top of its user stack for unwinding in userspace. Kernel objects of new
 * threads and processes are sampled the same way in the creating task.
 * Userspace learns when sampled pages leave (unmap, madvise, brk shrink,
 * mremap, exit, exec) from small notes, and keeps what was resident at the
 * tree's RSS peak. Loaded only when asked for: off, nothing here runs.
 *
 * Which mms belong to the tree is the tracer's `mms` map (keyed by the mm's
 * address), shared with this object before load.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "taskmem.h"
#include "profile.h"

#define PF_KTHREAD 0x00200000
#define CLONE_THREAD 0x00010000ULL
#define MAP_FIXED 0x10

/* x86_64 syscall numbers: the raw sys_exit tracepoint gives only these */
#define NR_mmap 9
#define NR_munmap 11
#define NR_brk 12
#define NR_mremap 25
#define NR_madvise 28

/* madvise advice that takes pages out of RSS */
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_PAGEOUT 21
#define MADV_DONTNEED_LOCKED 24

char LICENSE[] SEC("license") = "GPL";

const volatile __u64 sample_bytes = 2 << 20;
const volatile __u32 page_shift = 12;
const volatile __u64 thread_bytes = 0;	/* task_struct + kernel stack */
const volatile __u64 process_bytes = 0;	/* and signal, files, mm */

struct prof_stats stats = {};

/* The tracer's map, reused: only its keys (mm addresses) are read. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, struct mm_state);
} mms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by userspace before load */
	__uint(map_flags, BPF_F_NO_PREALLOC); /* rarely written: no start-up cost */
	__type(key, __u64);
	__type(value, struct prof_mm);
} prof_mms SEC(".maps");

/* Processes with samples (to the mm sampled): unmaps, exits, execs matter. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by userspace before load */
	__uint(map_flags, BPF_F_NO_PREALLOC); /* rarely written: no start-up cost */
	__type(key, __u32);
	__type(value, __u64);
} prof_pids SEC(".maps");

/* Tasks whose creation was sampled: their end is a note. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by userspace before load */
	__uint(map_flags, BPF_F_NO_PREALLOC); /* rarely written: no start-up cost */
	__type(key, __u32);
	__type(value, __u8);
} prof_tasks SEC(".maps");

/*
 * The last user page fault on this CPU: who, where, from which instruction;
 * and the last shared counts seen here, of one mm.
 */
struct fault_slot {
	__u64 pid_tgid;
	__u64 addr;
	__u64 ip;
	__u64 seen_mm;
	__s64 seen[4];		/* by TM_* member; -1: not seen */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fault_slot);
} last_fault SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096); /* sized by userspace before load */
} prof_events SEC(".maps");

static __always_inline __s64 counter_read(struct mm_struct *mm, int member)
{
	/* the shared count: lags the exact sum by a batch per CPU at most */
	switch (member) {
	case TM_FILEPAGES:
		return mm->rss_stat[TM_FILEPAGES].count;
	case TM_ANONPAGES:
		return mm->rss_stat[TM_ANONPAGES].count;
	case TM_SHMEMPAGES:
		return mm->rss_stat[TM_SHMEMPAGES].count;
	}
	return 0;
}

/* A random phase: the first sample after 1..sample_bytes bytes. */
static __always_inline __s64 first_gap(void)
{
	return (__s64)(bpf_get_prandom_u32() % sample_bytes) + 1;
}

static __always_inline struct prof_mm *mm_state_get(struct mm_struct *mm)
{
	__u64 key = (__u64)mm;
	struct prof_mm fresh = {};
	struct prof_mm *s;

	/* an mm's address is reused after it dies: the tree's map decides */
	if (!bpf_map_lookup_elem(&mms, &key))
		return NULL;
	s = bpf_map_lookup_elem(&prof_mms, &key);
	if (s)
		return s;
	fresh.cur[TM_FILEPAGES] = counter_read(mm, TM_FILEPAGES);
	fresh.cur[TM_ANONPAGES] = counter_read(mm, TM_ANONPAGES);
	fresh.cur[TM_SHMEMPAGES] = counter_read(mm, TM_SHMEMPAGES);
	fresh.left = first_gap();
	fresh.kleft = first_gap();
	fresh.pgt = mm->pgtables_bytes.counter;
	if (bpf_map_update_elem(&prof_mms, &key, &fresh, BPF_NOEXIST) &&
	    !bpf_map_lookup_elem(&prof_mms, &key)) {
		__sync_fetch_and_add(&stats.lost_mms, 1);
		return NULL;
	}
	return bpf_map_lookup_elem(&prof_mms, &key);
}

/*
 * Take bytes off a countdown; the weight of the samples it crossed (a
 * multiple of sample_bytes), or 0.
 */
static __always_inline __u64 countdown(__s64 *left, __s64 bytes)
{
	__s64 now = __sync_fetch_and_add(left, -bytes) - bytes;
	__u64 n;

	if (now > 0 || now + bytes <= 0)
		return 0; /* not crossed here (or another CPU crossed it) */
	n = 1 + (__u64)(-now) / sample_bytes;
	__sync_fetch_and_add(left, n * sample_bytes);
	return n * sample_bytes;
}

static __always_inline void note_submit(struct prof_note *n, bool wake)
{
	bpf_ringbuf_submit(n, wake ? BPF_RB_FORCE_WAKEUP : 0);
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

static __always_inline void copy_regs(struct prof_sample *s, struct pt_regs *r)
{
	/* DWARF register numbers of x86_64 */
	s->regs[0] = r->ax;
	s->regs[1] = r->dx;
	s->regs[2] = r->cx;
	s->regs[3] = r->bx;
	s->regs[4] = r->si;
	s->regs[5] = r->di;
	s->regs[6] = r->bp;
	s->regs[7] = r->sp;
	s->regs[8] = r->r8;
	s->regs[9] = r->r9;
	s->regs[10] = r->r10;
	s->regs[11] = r->r11;
	s->regs[12] = r->r12;
	s->regs[13] = r->r13;
	s->regs[14] = r->r14;
	s->regs[15] = r->r15;
	s->regs[16] = r->ip;
}

/* Remember that tgid has samples on mm; true the first time. */
static __always_inline bool pid_mark(__u32 tgid, __u64 mm)
{
	return !bpf_map_update_elem(&prof_pids, &tgid, &mm, BPF_NOEXIST);
}

/* One sample of the current task's user stack. */
static __always_inline void sample_emit(void *ctx, __u32 kind, __u64 mm,
					__u64 weight, __u64 addr, __u32 tid)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	struct prof_sample *s;
	struct pt_regs *regs;
	long n;

	s = bpf_ringbuf_reserve(&prof_events, sizeof(*s), 0);
	if (!s) {
		__sync_fetch_and_add(&stats.lost_samples, 1);
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
		copy_regs(s, regs);
		n = bpf_get_stack(ctx, s->ips, sizeof(s->ips), BPF_F_USER_STACK);
		if (n > 0)
			s->nr_ips = n / sizeof(__u64);
		s->stack_len = copy_stack(s, regs->sp,
					  BPF_CORE_READ(task, mm, start_stack));
	}
	__sync_fetch_and_add(&stats.samples, 1);
	note_submit(&s->h, s->h.pad);
}

/* Where the current task's last page fault was, if this is that fault. */
static __always_inline __u64 fault_addr(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fault_slot *f;
	__u32 zero = 0;

	f = bpf_map_lookup_elem(&last_fault, &zero);
	if (!f || f->pid_tgid != bpf_get_current_pid_tgid())
		return 0;
	/* a syscall's RSS growth (populate, GUP) has another user ip */
	if (f->ip != ((struct pt_regs *)bpf_task_pt_regs(task))->ip)
		return 0;
	return f->addr;
}

/*
 * Page tables grow with the faults that need them (a PTE page per 2 MiB
 * touched, more levels further apart): their growth since the last RSS
 * growth of this mm is kernel memory of the stack that faulted, sampled
 * on the same countdown as new threads' kernel objects.
 */
static __always_inline __u64 pgtables_grown(struct mm_struct *mm,
					    struct prof_mm *s)
{
	__s64 now = mm->pgtables_bytes.counter;
	__s64 old = __sync_lock_test_and_set(&s->pgt, now);

	if (now <= old)
		return 0;
	return countdown(&s->kleft, now - old);
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(prof_page_fault, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	struct fault_slot *f;
	__u32 zero = 0;

	f = bpf_map_lookup_elem(&last_fault, &zero);
	if (!f)
		return 0;
	f->pid_tgid = bpf_get_current_pid_tgid();
	f->addr = address;
	f->ip = regs->ip;
	return 0;
}

/*
 * True when this CPU last saw the same shared count of this counter: the
 * count moves only when a CPU's batch is folded into it (every 32 pages or
 * more), so most events end here, before any hash lookup. Skipping them
 * loses no growth: the next change is measured from the last value stored
 * in the mm's state, whichever CPU stored it.
 */
static __always_inline bool count_unchanged(struct mm_struct *mm, int member,
					    __s64 val)
{
	struct fault_slot *f;
	__u32 zero = 0;

	f = bpf_map_lookup_elem(&last_fault, &zero);
	if (!f)
		return false;
	if (f->seen_mm != (__u64)mm) {
		f->seen_mm = (__u64)mm;
		f->seen[TM_FILEPAGES] = -1;
		f->seen[TM_ANONPAGES] = -1;
		f->seen[TM_SHMEMPAGES] = -1;
	}
	/* constant indices: the verifier cannot bound member in a map value */
	if (member == TM_FILEPAGES) {
		if (f->seen[TM_FILEPAGES] == val)
			return true;
		f->seen[TM_FILEPAGES] = val;
	} else if (member == TM_ANONPAGES) {
		if (f->seen[TM_ANONPAGES] == val)
			return true;
		f->seen[TM_ANONPAGES] = val;
	} else {
		if (f->seen[TM_SHMEMPAGES] == val)
			return true;
		f->seen[TM_SHMEMPAGES] = val;
	}
	return false;
}

SEC("tp_btf/rss_stat")
int BPF_PROG(prof_rss_stat, struct mm_struct *mm, int member)
{
	struct prof_mm *s;
	__s64 val, old;
	__u64 weight, kweight, addr;

	if (member != TM_FILEPAGES && member != TM_ANONPAGES &&
	    member != TM_SHMEMPAGES)
		return 0;
	val = counter_read(mm, member);
	if (count_unchanged(mm, member, val))
		return 0;
	s = mm_state_get(mm);
	if (!s)
		return 0;
	/* constant indices: the verifier cannot bound member in a map value */
	if (member == TM_FILEPAGES)
		old = __sync_lock_test_and_set(&s->cur[TM_FILEPAGES], val);
	else if (member == TM_ANONPAGES)
		old = __sync_lock_test_and_set(&s->cur[TM_ANONPAGES], val);
	else
		old = __sync_lock_test_and_set(&s->cur[TM_SHMEMPAGES], val);
	if (val <= old)
		return 0;
	weight = countdown(&s->left, (val - old) << page_shift);
	kweight = pgtables_grown(mm, s);
	if (!weight && !kweight)
		return 0;
	addr = fault_addr();
	if (!addr)
		__sync_fetch_and_add(&stats.no_addr, 1);
	if (weight)
		sample_emit(ctx, PROF_FAULT, (__u64)mm, weight, addr, 0);
	if (kweight)
		sample_emit(ctx, PROF_PGTABLE, (__u64)mm, kweight, addr, 0);
	return 0;
}

SEC("tp_btf/task_newtask")
int BPF_PROG(prof_newtask, struct task_struct *task, __u64 clone_flags)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	bool thread = clone_flags & CLONE_THREAD;
	struct prof_mm *s;
	__u64 weight;
	__u32 tid;
	__u8 one = 1;

	if (!cur->mm)
		return 0;
	s = mm_state_get(cur->mm);
	if (!s)
		return 0;
	weight = countdown(&s->kleft, thread ? thread_bytes : process_bytes);
	if (!weight)
		return 0;
	tid = task->pid;
	if (bpf_map_update_elem(&prof_tasks, &tid, &one, BPF_ANY))
		__sync_fetch_and_add(&stats.lost_tasks, 1);
	sample_emit(ctx, thread ? PROF_THREAD : PROF_PROCESS, (__u64)cur->mm,
		    weight, 0, tid);
	return 0;
}

static __always_inline void note_emit(__u32 kind, __u32 pid, __u32 tid,
				      __u64 mm, __u64 addr, __u64 end,
				      __u64 addr2, __u64 end2)
{
	struct prof_note *n;

	n = bpf_ringbuf_reserve(&prof_events, sizeof(*n), 0);
	if (!n) {
		__sync_fetch_and_add(&stats.lost_notes, 1);
		return;
	}
	n->kind = kind;
	n->pid = pid;
	n->tid = tid;
	n->pad = 0;
	n->ts = bpf_ktime_get_ns();
	n->mm = mm;
	n->addr = addr;
	n->end = end;
	n->addr2 = addr2;
	n->end2 = end2;
	note_submit(n, false);
}

/* tgid stopped using the mm its samples were taken on. */
static __always_inline void pid_gone(__u32 tgid)
{
	__u64 *mm = bpf_map_lookup_elem(&prof_pids, &tgid);
	__u64 key;

	if (!mm)
		return;
	/* its address may come back as another mm: sample that one afresh */
	key = *mm;
	bpf_map_delete_elem(&prof_mms, &key);
	bpf_map_delete_elem(&prof_pids, &tgid);
	note_emit(PROF_GONE, tgid, 0, key, 0, 0, 0, 0);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(prof_exit, struct task_struct *task, bool group_dead)
{
	__u32 tid = task->pid;

	if (!bpf_map_delete_elem(&prof_tasks, &tid))
		note_emit(PROF_TASK_END, task->tgid, tid, 0, 0, 0, 0, 0);
	if (group_dead)
		pid_gone(task->tgid);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(prof_exec, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	pid_gone(task->tgid);
	return 0;
}

/* Address-space changes that take pages out of a sampled process's RSS. */
SEC("tp_btf/sys_exit")
int BPF_PROG(prof_sys_exit, struct pt_regs *regs, long ret)
{
	long nr = regs->orig_ax;
	__u64 id, a = regs->di, len = regs->si, mm;
	__u32 tgid;

	if (nr != NR_munmap && nr != NR_madvise && nr != NR_brk &&
	    nr != NR_mremap && nr != NR_mmap)
		return 0;
	id = bpf_get_current_pid_tgid();
	tgid = id >> 32;
	if (!bpf_map_lookup_elem(&prof_pids, &tgid))
		return 0;
	mm = (__u64)bpf_get_current_task_btf()->mm;
	if (ret < 0 && ret > -4096)
		return 0;
	switch (nr) {
	case NR_munmap:
		note_emit(PROF_UNMAP, tgid, id, mm, a, a + len, 0, 0);
		break;
	case NR_madvise:
		if (regs->dx == MADV_DONTNEED || regs->dx == MADV_FREE ||
		    regs->dx == MADV_REMOVE || regs->dx == MADV_PAGEOUT ||
		    regs->dx == MADV_DONTNEED_LOCKED)
			note_emit(PROF_UNMAP, tgid, id, mm, a, a + len, 0, 0);
		break;
	case NR_mmap:
		/* a fixed mapping replaces what was there */
		if (regs->r10 & MAP_FIXED)
			note_emit(PROF_UNMAP, tgid, id, mm, ret, ret + len, 0, 0);
		break;
	case NR_brk:
		note_emit(PROF_BRK, tgid, id, mm, ret, 0, 0, 0);
		break;
	case NR_mremap:
		note_emit(PROF_MOVE, tgid, id, mm, a, a + len, ret,
			  ret + regs->dx);
		break;
	}
	return 0;
}
