/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF side of a trace session, shared by cmd_trace.c and attach.c. */
#ifndef TM_TRACER_H
#define TM_TRACER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include "common/cli.h"
#include "model/model.h"
#include "model/timeline.h"

struct taskmem_bpf;
struct ring_buffer;

/*
 * The BPF side of a trace: the loaded programs, the ring buffer of exit
 * records and the signals and events the loop waits on, and the report
 * the records go into. The command's own state (the workload, outputs,
 * why it stopped) is cmd_trace.c's.
 */
struct tracer {
	struct taskmem_bpf *skel;
	struct profiler *prof;	/* memory attribution, NULL when off */
	struct ring_buffer *rb;
	struct tm_report report;	/* exit records land here */
	sigset_t orig_mask;
	int sfd;
	int epfd;
	uint64_t t0_ns;			/* when tracing began */
	uint64_t exit_records;		/* consumed from the ring buffer */
};

#define TRACER_INIT { .sfd = -1, .epfd = -1 }

uint64_t tracer_now_ns(void);
/* Not root, no BTF: one sentence on what to do; 0 or -errno. */
int tracer_check_environment(void);
/* Open, size, load and attach the BPF programs; 0 or -errno. */
int tracer_load(struct tracer *t, const struct trace_opts *o, bool verbose);
/* Block the signals taskmem handles and read them from a signalfd. */
int tracer_setup_signals(struct tracer *t);
/* The ring buffer of exit records and the epoll set; 0 or -errno. */
int tracer_setup_events(struct tracer *t);
/*
 * Stop the world before the final report: detach the programs, wait for
 * those still running, drain the ring buffer. The maps and the tree's
 * sums change no more after it. 0 or -errno.
 */
int tracer_stop(struct tracer *t);
/*
 * Add what is still in the maps (live processes and mms) to r, read in
 * batches; faults: also each process's fault counts from /proc (a file
 * per process: for the final report, not for every interval).
 */
int tracer_collect_live(struct tracer *t, struct tm_report *r, bool faults);
/* The kernel object sizes charged, with the kstack size BPF saw. */
void tracer_kobj_sizes(struct tracer *t, struct kobj_sizes *out);

typedef void (*tracer_sample_fn)(void *ctx, const struct tl_sample *s);
/*
 * A timeline sample at t_s seconds: the tree's into *tree, and with
 * each_proc, one per live process to each_proc. Starts the next window
 * of since-last-sample maxima.
 */
void tracer_sample(struct tracer *t, double t_s, struct tl_sample *tree,
		   tracer_sample_fn each_proc, void *ctx);
void tracer_close(struct tracer *t);

/* attach.c: -p */
int attach_check_targets(const struct trace_opts *o);
int attach_seed(struct tracer *t, const struct trace_opts *o);

#endif /* TM_TRACER_H */
