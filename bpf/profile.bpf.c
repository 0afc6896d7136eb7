// SPDX-License-Identifier: GPL-2.0
/*
 * Memory attribution (taskmem trace --profile/--folded/--flame): the
 * tracer's RSS-event handler samples the tree's RSS growth, one sample per
 * sample_bytes of each mm's, with the user registers and the top of the
 * user stack for unwinding in userspace (profile_sample.bpf.h), at the
 * address of the page fault that grew it (fault_addr.bpf.h). Kernel
 * objects of new threads and processes are sampled here, in the creating
 * task, one per sample_bytes of them.
 * Userspace learns when sampled pages leave (unmap, madvise, brk shrink,
 * mremap, exit, exec) from small notes, and keeps what was resident at the
 * tree's RSS peak. Loaded only when asked for: off, nothing here runs.
 *
 * Which mms belong to the tree is the tracer's `mms` map (keyed by the mm's
 * address); it and the maps of profile_sample.bpf.h are the tracer's, this
 * file being linked into its object.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "taskmem.h"
/* the sample maps are the tracer's: this object is linked into it */
#define PROF_MAPS_EXTERN
#include "profile_sample.bpf.h"

#define CLONE_THREAD 0x00010000ULL
#define MAP_FIXED 0x10

/* madvise advice that takes pages out of RSS (asm-generic values) */
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_PAGEOUT 21
#define MADV_DONTNEED_LOCKED 24

/* the tracer's (taskmem.bpf.c), this object being linked into it */
extern const volatile __u64 sample_bytes;
const volatile __u64 thread_bytes = 0;	/* task_struct + kernel stack */
const volatile __u64 process_bytes = 0;	/* and signal, files, mm */
/* this architecture's syscall numbers, from userspace's headers */
const volatile long nr_mmap = -1;
const volatile long nr_munmap = -1;
const volatile long nr_brk = -1;
const volatile long nr_mremap = -1;
const volatile long nr_madvise = -1;

/* The tracer's map of the tree's mms. */
extern struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct mm_state);
} mms SEC(".maps");

/* Tasks whose creation was sampled: their end is a note. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by userspace before load */
	__uint(map_flags, BPF_F_NO_PREALLOC); /* rarely written: no start-up cost */
	__type(key, __u32);
	__type(value, __u8);
} prof_tasks SEC(".maps");

SEC("tp_btf/task_newtask")
int BPF_PROG(prof_newtask, struct task_struct *task, __u64 clone_flags)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	bool thread = clone_flags & CLONE_THREAD;
	struct mm_state *m;
	__u64 weight, key;
	__u32 tid;
	__u8 one = 1;

	key = (__u64)cur->mm;
	if (!key)
		return 0;
	m = bpf_map_lookup_elem(&mms, &key);
	if (!m)
		return 0;
	weight = countdown(&m->pf_kleft, thread ? thread_bytes : process_bytes,
			   sample_bytes);
	if (!weight)
		return 0;
	tid = task->pid;
	if (bpf_map_update_elem(&prof_tasks, &tid, &one, BPF_ANY))
		PROF_COUNT(lost_tasks);
	sample_emit(ctx, thread ? PROF_THREAD : PROF_PROCESS, key, weight, 0,
		    0, tid);
	return 0;
}

static __always_inline void note_emit(__u32 kind, __u32 pid, __u32 tid,
				      __u64 mm, __u64 addr, __u64 end,
				      __u64 addr2, __u64 end2)
{
	struct prof_note *n;

	n = bpf_ringbuf_reserve(&prof_events, sizeof(*n), 0);
	if (!n) {
		PROF_COUNT(lost_notes);
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
	key = *mm;
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

/*
 * Address-space changes that take pages out of a sampled process's RSS,
 * read at the syscall's exit in the registers it saved (arch.bpf.h). Runs
 * at every syscall exit of the machine while profiling; only these five
 * of a process with samples go further. 32-bit processes number their
 * syscalls from another table: their samples live until they exit.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(prof_sys_exit, struct pt_regs *regs, long ret)
{
	long nr = syscall_nr(regs);
	struct mm_struct *mm;
	__u64 id, a, len, arg3;
	__u32 tgid;

	if (nr != nr_munmap && nr != nr_madvise && nr != nr_brk &&
	    nr != nr_mremap && nr != nr_mmap)
		return 0;
	id = bpf_get_current_pid_tgid();
	tgid = id >> 32;
	if (!bpf_map_lookup_elem(&prof_pids, &tgid))
		return 0;
	mm = bpf_get_current_task_btf()->mm;
	if (!mm || mm_is_compat(mm) || (ret < 0 && ret > -4096))
		return 0;
	a = PT_REGS_PARM1_CORE_SYSCALL(regs);
	len = PT_REGS_PARM2_CORE_SYSCALL(regs);
	arg3 = PT_REGS_PARM3_CORE_SYSCALL(regs);
	if (nr == nr_munmap) {
		note_emit(PROF_UNMAP, tgid, id, (__u64)mm, a, a + len, 0, 0);
	} else if (nr == nr_madvise) {
		if (arg3 == MADV_DONTNEED || arg3 == MADV_FREE ||
		    arg3 == MADV_REMOVE || arg3 == MADV_PAGEOUT ||
		    arg3 == MADV_DONTNEED_LOCKED)
			note_emit(PROF_UNMAP, tgid, id, (__u64)mm, a, a + len,
				  0, 0);
	} else if (nr == nr_mmap) {
		/* a fixed mapping replaces what was there */
		if (PT_REGS_PARM4_CORE_SYSCALL(regs) & MAP_FIXED)
			note_emit(PROF_UNMAP, tgid, id, (__u64)mm, ret,
				  ret + len, 0, 0);
	} else if (nr == nr_brk) {
		note_emit(PROF_BRK, tgid, id, (__u64)mm, ret, 0, 0, 0);
	} else {
		note_emit(PROF_MOVE, tgid, id, (__u64)mm, a, a + len, ret,
			  ret + arg3);
	}
	return 0;
}
