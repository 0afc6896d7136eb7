/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a trace records over time: the bounded timeline kept for the JSON
 * report and the plot, the --timeline CSV and the --perfetto trace, both
 * streamed as samples come. No libbpf.
 */
#ifndef TM_RECORDER_H
#define TM_RECORDER_H

#include <stdbool.h>
#include "common/cli.h"
#include "trace/launch.h"
#include "model/model.h"
#include "output/file.h"
#include "output/perfetto.h"
#include "model/timeline.h"

struct recorder {
	bool on;		/* sampling at all */
	bool per_process;	/* samples of each process are wanted */
	bool csv_per_process;	/* --per-process: in the CSV too */
	struct timeline tl;
	struct output csv;
	struct output trace;
	struct output plot;
	struct perfetto pf;
	const struct launch_cred *cred;
};

/*
 * Open the outputs o asks for (checked before the workload starts) and
 * give them to cred's user; 0, or -errno with *what naming the file.
 */
int recorder_open(struct recorder *rc, const struct trace_opts *o,
		  const struct launch_cred *cred, const char **what);
/* A sample of the tree. */
void recorder_tree(struct recorder *rc, const struct tl_sample *s);
/* A sample of one process (a tracer_sample_fn). */
void recorder_proc(void *rc, const struct tl_sample *s);
/*
 * Finish and commit the outputs but the chart, which waits for
 * recorder_commit_plot() once the report is out; 0, or -errno with *what.
 */
int recorder_finish(struct recorder *rc, const struct tm_report *r,
		    const char **what);
/* Draw and commit the --plot chart; 0 or -errno. */
int recorder_commit_plot(struct recorder *rc, const struct tm_report *r);
void recorder_close(struct recorder *rc);

#endif /* TM_RECORDER_H */
