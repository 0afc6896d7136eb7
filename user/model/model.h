/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/model/: the report model (this file: BPF records, in pages with raw
 * wait statuses, turned into per-process rows and tree totals in bytes),
 * the timeline series (timeline.h) and kernel object sizes (kobj.h).
 * Pure: no libbpf, no I/O but what it is given. It may use common/ and
 * bpf/taskmem.h (the types shared with BPF), nothing above.
 */
#ifndef TM_MODEL_H
#define TM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "taskmem.h"
#include "model/timeline.h"
#include "model/unique_mem.h"

struct tm_proc {
	uint32_t pid;
	uint32_t ppid;
	char comm[TASK_COMM_LEN];
	uint64_t peak_rss;
	uint64_t peak_anon;
	uint64_t peak_file;
	uint64_t peak_shmem;
	uint64_t peak_vm;
	uint64_t peak_pgtables;
	uint64_t peak_kstack;
	uint64_t peak_task_struct;
	uint64_t peak_footprint;
	uint64_t peak_threads;
	uint64_t rss_at_tree_peak;
	uint64_t min_flt;
	uint64_t maj_flt;
	int exit_code;		/* -1 while alive */
	bool alive;		/* still running when tracing stopped */
	bool root;
	bool attached;		/* already running when tracing began (-p) */
	uint64_t kernel_vmhwm;	/* VmHWM since it started (-p); 0: unknown */
	uint64_t cur_rss;	/* at the end (interim reports: now) */
	uint64_t cur_footprint;
	uint64_t cur_threads;
	uint32_t shared_mm_with;
	double start_s;		/* since the root started */
	double end_s;		/* 0 while alive */
	/* raw at-peak data, resolved by model_finish() */
	int64_t dead_gen;
	int64_t dead_val;
};

struct tm_tree {
	uint64_t peak_rss;
	uint64_t peak_anon;
	uint64_t peak_file;
	uint64_t peak_shmem;
	uint64_t peak_vm;
	uint64_t peak_pgtables;
	uint64_t peak_kstack;
	uint64_t peak_task_struct;
	uint64_t peak_footprint;
	uint64_t peak_threads;
	uint64_t peak_processes;
	uint64_t processes_total;
	uint64_t threads_total;
	uint64_t minor_faults;
	uint64_t major_faults;
	uint64_t cur_rss;	/* at the end (interim reports: now) */
	uint64_t cur_footprint;
	uint64_t cur_threads;
	uint64_t cur_processes;
};

/* The kernel's own peaks of the workload's memory cgroup (--cgroup-check). */
struct cgroup_peaks {
	int version;		/* 0: no check was made */
	uint64_t usage;		/* v1 memory.max_usage_in_bytes, v2 memory.peak */
	uint64_t kmem;		/* v1 memory.kmem.max_usage_in_bytes */
	bool has_kmem;
};

struct tm_hwm {
	uint32_t pid;
	uint64_t bytes;
};

struct tm_report {
	char **command;		/* NULL when attached (-p) */
	int command_argc;
	const int *targets;	/* -p pids */
	int ntargets;
	const char *stop_reason;
	int exit_code;
	double duration_s;
	uint64_t kernel_maxrss;
	uint64_t lost_events;	/* every record that could not be kept */
	uint64_t lost_procs;	/* of which: processes not tracked */
	uint64_t lost_mms;	/* of which: mms not tracked (mms map full) */
	uint64_t lost_ring;	/* of which: exit records the ring buffer dropped */
	uint64_t lost_peak_raises; /* peak raises given up: a peak may be low */
	/* 0: counters exact; else how far each can be off (pages) */
	uint64_t counter_error_pages;
	struct tm_tree tree;
	struct tm_proc *procs;
	size_t nprocs;
	size_t cap;
	struct mm_state *mms;	/* mms still alive at the end */
	size_t nmms;
	size_t mms_cap;
	uint64_t page_size;
	uint64_t t0_ns;		/* bpf_ktime of the root's start */
	struct kobj_sizes ksize; /* kernel objects charged, in bytes */
	struct cgroup_peaks cgroup; /* the kernel's own peaks (--cgroup-check) */
	struct unique_result unique; /* the memory cgroup's view of the tree */
	const struct timeline *timeline; /* when sampled, else NULL */
	unsigned long sample_ms;
	double peak_footprint_s; /* when the tree's footprint peaked (timeline) */
	bool all_processes;	/* table: a row per process, never grouped */
	struct tm_hwm *hwm;	/* VmHWM of attached processes */
	size_t nhwm;
	size_t hwm_cap;
};

void model_init(struct tm_report *r, uint64_t page_size, uint64_t t0_ns);
/* Kernel object sizes, for the per-thread kernel columns. */
void model_set_kobj(struct tm_report *r, const struct kobj_sizes *k);
void model_free(struct tm_report *r);

/* A process record from BPF: exited (ring buffer) or live (map). */
int model_add_proc(struct tm_report *r, const struct proc_info *pi);
/* An mm still tracked at the end: its peaks belong to its owner's row. */
int model_add_mm(struct tm_report *r, const struct mm_state *m);

/* Remember the kernel's VmHWM of pid (the latest reading wins). */
int model_set_vmhwm(struct tm_report *r, uint32_t pid, uint64_t bytes);

/* An mm's RSS in pages: file + anon + shmem (swap entries are not RSS). */
int64_t model_mm_rss(const struct mm_state *m);

/* A wait(2)-style status as a shell exit code (128+N for signal N). */
int model_exit_code(int status);

/*
 * Fold the live mms into their owners, resolve who held what at the
 * tree's peak, copy the tree totals and sort the rows by start time.
 */
void model_finish(struct tm_report *r, const struct tree_state *t);

#endif /* TM_MODEL_H */
