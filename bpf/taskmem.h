/* SPDX-License-Identifier: GPL-2.0 */
/* Types shared by taskmem.bpf.c and the userspace loader. */
#ifndef TASKMEM_H
#define TASKMEM_H

#define TASK_COMM_LEN 16
/* CPUs whose per-CPU counter deltas can be read (cpu_off's size) */
#define TM_MAX_CPUS 4096

/* Indices of the kernel's mm counters (enum in include/linux/mm_types_task.h). */
#define TM_FILEPAGES 0
#define TM_ANONPAGES 1
#define TM_SWAPENTS 2
#define TM_SHMEMPAGES 3
#define TM_NR_COUNTERS 4

/* proc_info.flags */
#define TM_PROC_ROOT (1U << 0)	 /* the command taskmem started */
#define TM_PROC_EXITED (1U << 1) /* every thread has exited */
#define TM_PROC_EXECED (1U << 2) /* called execve at least once */
#define TM_PROC_ATTACHED (1U << 3) /* already running when tracing began */

/*
 * One thread group of the traced tree. Lives in the procs map while the
 * process runs and is sent once through the ring buffer when it exits.
 * Memory figures are in pages; userspace converts them to bytes.
 */
struct proc_info {
	__u32 pid;
	__u32 ppid;
	__u32 threads;		/* live threads */
	__u32 peak_threads;
	__u32 shared_mm_with;	/* owner of the mm this process shares, or 0 */
	__u32 flags;
	__s32 exit_status;	/* wait(2)-style status of the last thread */
	__u32 pad;
	__u64 start_ns;		/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 end_ns;
	__u64 mm;		/* mm the process runs on (key of mms) */
	__s64 peak_rss;		/* folded from the mms it owned */
	__s64 peak_anon;
	__s64 peak_file;
	__s64 peak_shmem;
	__s64 peak_vm;
	__s64 peak_pgtables;	/* bytes */
	__s64 peak_footprint;	/* bytes: RSS + kernel memory of its mm */
	__u64 min_flt;		/* of exited threads */
	__u64 maj_flt;
	/* RSS of dead owned mms at tree peak generation dead_gen (see mm_state) */
	__s64 dead_gen;
	__s64 dead_val;
	char comm[TASK_COMM_LEN];
};

/*
 * One mm of the tree. A process that shares another's mm (CLONE_VM without
 * CLONE_THREAD, vfork) adds a user, the mm is counted once.
 *
 * At-peak attribution: the tree's peak RSS only ever grows, so its value is
 * the peak's generation. snap_val is this mm's RSS when the tree peak was
 * snap_gen; an mm that has not changed since the current peak still holds
 * the value it had then.
 */
struct mm_state {
	__s64 cur[TM_NR_COUNTERS];
	__s64 vm;
	__s64 kmem;		/* bytes: see mm_kmem() in tree.bpf.h */
	__s64 pgtables;		/* bytes */
	__s64 map_count;
	__s64 peak_rss;
	__s64 peak_anon;
	__s64 peak_file;
	__s64 peak_shmem;
	__s64 peak_vm;
	__s64 peak_pgtables;
	__s64 peak_footprint;	/* bytes */
	__s64 snap_gen;
	__s64 snap_val;
	__s64 win_max_rss;	/* pages, since sample win_gen */
	__u64 win_gen;
	/*
	 * Cache of the last exact sum of each counter (see counter_read in
	 * mm_read.bpf.h): the other CPUs' deltas then, and the CPU, task and
	 * task's migration count of the event that summed them.
	 */
	__s64 others[TM_NR_COUNTERS];
	__u64 sum_task[TM_NR_COUNTERS];
	__u64 sum_mig[TM_NR_COUNTERS];
	__u32 sum_cpu[TM_NR_COUNTERS];
	__u32 owner;
	__s32 users;		/* processes on it */
	__s32 tasks;		/* threads on it */
	/*
	 * Memory attribution, zero when it is off: the countdown of RSS
	 * growth to the next sample (taskmem.bpf.c), the page tables
	 * attributed so far, and the countdown of kernel objects of new
	 * tasks (profile.bpf.c). 0: not started (a random phase first).
	 */
	__s64 pf_left;
	__s64 pf_pgt_mark;
	__s64 pf_kleft;
};

/*
 * Kernel objects charged per thread, per process and per mm, in bytes
 * (slab object sizes, set by userspace before load).
 */
struct kobj_sizes {
	__u64 task_struct;	/* per thread, with the FPU state allocated with it */
	__u64 kstack;		/* per thread; replaced by the vm area's size */
	__u64 proc;		/* per process: signal, sighand, files */
	__u64 mm;		/* per mm: mm_struct */
	__u64 vma;		/* per mapping: vm_area_struct */
};

/* Totals over the live tree, in .bss; updated with atomics. */
struct tree_state {
	__s64 cur[TM_NR_COUNTERS];
	__s64 rss;
	__s64 vm;
	__s64 peak[TM_NR_COUNTERS];
	__s64 peak_rss;		/* also the at-peak generation */
	__s64 peak_vm;
	__s64 pgtables;		/* bytes */
	__s64 peak_pgtables;
	__s64 kmem;		/* bytes: kernel memory (footprint - RSS) */
	__s64 peak_footprint;	/* bytes: of RSS + kmem */
	__s64 threads;
	__s64 peak_threads;
	__s64 procs;
	__s64 peak_procs;
	__u64 procs_total;
	__u64 threads_total;
	/* timeline: maxima since the last sample; userspace resets them */
	__s64 win_max_rss;
	__s64 win_max_footprint;
	__u64 win_gen;		/* bumped by userspace at each sample */
	__u64 peak_footprint_ns; /* when peak_footprint was reached */
	__u64 peak_rss_ns;	/* when peak_rss was reached (track_peak_ns) */
	/* what could not be recorded */
	__u64 lost_procs;	/* procs map full */
	__u64 lost_mms;		/* mms map full */
	__u64 lost_events;	/* ring buffer full */
	__u64 lost_peak_raises;	/* peak_raise gave up after 16 rounds */
};

#endif /* TASKMEM_H */
