/* SPDX-License-Identifier: GPL-2.0 */
/* Types shared by profile.bpf.c and its loader (user/profile/). */
#ifndef PROFILE_H
#define PROFILE_H

/* Bytes of the user stack copied from the stack pointer up. */
#define PROF_STACK_BYTES 8192
/* Return addresses of the frame-pointer walk. */
#define PROF_MAX_IPS 64
/*
 * The user registers a sample carries, by DWARF number: what unwinding
 * starts from. PROF_REG_SP and PROF_REG_IP index the stack pointer and the
 * instruction; the first PROF_NR_DWARF_REGS are handed to the unwinder.
 */
#if defined(__TARGET_ARCH_x86) || (!defined(__bpf__) && defined(__x86_64__))
#define PROF_NR_REGS 17		/* rax..r15 and rip (16) */
#define PROF_NR_DWARF_REGS 17
#define PROF_REG_SP 7
#define PROF_REG_IP 16
#elif defined(__TARGET_ARCH_arm64) || (!defined(__bpf__) && defined(__aarch64__))
#define PROF_NR_REGS 33		/* x0..x30, sp (31) and pc */
#define PROF_NR_DWARF_REGS 32
#define PROF_REG_SP 31
#define PROF_REG_IP 32
#else
#error "taskmem: no register layout for memory attribution on this architecture"
#endif

/* Sizes of the shared maps while profiling (userspace sets them). */
#define PROF_RINGBUF_BYTES (8U << 20)
#define PROF_MAX_PIDS 65536
#define PROF_MAX_TASKS 65536
/* How often userspace drains the ring buffer while profiling. */
#define PROF_DRAIN_MS 50

/* prof_event.kind */
#define PROF_FAULT 1	/* weight bytes of RSS growth; stack of the faulting task;
			 * addr is the page fault's address */
#define PROF_THREAD 2	/* weight bytes of kernel objects of new threads */
#define PROF_PROCESS 3	/* weight bytes of kernel objects of new processes */
#define PROF_PGTABLE 4	/* page tables the faulting task grew: a PROF_FAULT's
			 * pgtables; they live as its fault's range does */
#define PROF_LAST_SAMPLE PROF_PGTABLE	/* kinds above are notes */
#define PROF_UNMAP 5	/* [addr, end) of mm left RSS (munmap, madvise...) */
#define PROF_MOVE 6	/* mremap: [addr, end) of mm now at addr2 */
#define PROF_BRK 7	/* the brk of mm is now addr */
#define PROF_GONE 8	/* process pid exited or exec'ed: its mm is gone */
#define PROF_TASK_END 9	/* thread or process tid (sampled by a kernel event) ended */

/* prof_note.pad: the first sample of a process (read its maps now) */
#define PROF_FIRST 1

/* Small events: everything but the two sample kinds. */
struct prof_note {
	__u32 kind;
	__u32 pid;
	__u32 tid;
	__u32 pad;
	__u64 ts;		/* bpf_ktime_get_ns */
	__u64 mm;
	__u64 addr;
	__u64 end;
	__u64 addr2;		/* PROF_MOVE: the range's new place */
	__u64 end2;
};

/*
 * One sample: the bytes it stands for, the user registers and a copy of
 * the top of the user stack (DWARF unwinding in userspace) and the
 * frame-pointer walk where frame pointers exist.
 */
struct prof_sample {
	struct prof_note h;	/* addr: faulting address or 0; tid: new task */
	__u64 weight;		/* bytes */
	__u64 pgtables;		/* PROF_FAULT: bytes of page tables grown since
				 * the mm's last sample, by the same stack */
	__u32 nr_ips;
	__u32 stack_len;	/* bytes valid in stack[] */
	__u32 ppid;		/* the process's parent */
	__u32 pad2;
	__u64 regs[PROF_NR_REGS];
	__u64 ips[PROF_MAX_IPS];
	char comm[16];		/* the process's (its leader's) */
	__u8 stack[PROF_STACK_BYTES];
};

/*
 * What was and could not be recorded: the one element of the prof_counters
 * array (profile_sample.bpf.h).
 */
struct prof_stats {
	__u64 samples;
	__u64 lost_samples;	/* ring buffer full */
	__u64 lost_notes;
	__u64 lost_tasks;	/* task map full */
	__u64 no_fault;		/* growth samples not from a page fault */
};

#endif /* PROFILE_H */
