/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The results of `taskmem bench` and their forms: the table, markdown,
 * CSV, JSON and SVG charts (pure: writes to a FILE, runs nothing).
 */
#ifndef TM_BENCH_REPORT_H
#define TM_BENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "bench/bench_stats.h"

#define BENCH_RUNS_MAX 100	/* runs per cell */
#define BENCH_SOURCE_LEN 256	/* bytes of a run's memory_source */

enum bench_format {
	BENCH_TABLE,
	BENCH_MARKDOWN,
	BENCH_CSV,
	BENCH_JSON,
};

/* One traced run: the figures of its JSON report. */
struct bench_run {
	double footprint;
	double rss;
	double threads;
	double procs;
	double wall_s;
	double lost;
	double kstack;
	double exit_code;
	bool has_unique;	/* false: memory_source says why */
	double unique;		/* peak_unique_bytes: each page once */
	/* "memcg-v2-sampled", "none: <why>"; "" when the report has none */
	char source[BENCH_SOURCE_LEN];
};

enum bench_cell_state {
	BENCH_NOT_RUN,		/* interrupted before it ran */
	BENCH_OK,
	BENCH_FAILED,		/* a run failed; the rest were skipped */
	BENCH_UNAVAILABLE,	/* the plan says the program cannot run */
};

/* One program at one task count. */
struct bench_cell {
	enum bench_cell_state state;
	int nruns;			/* runs that succeeded */
	struct bench_run *runs;
	char reason[80];		/* a failed run's: "exit 1", "not found" */
	char detail[160];		/* the last line it printed on stderr */
	/* bench_cell_finish(): over the runs */
	struct bench_range fp, rss, wall;
	double threads, procs, lost, kstack;
	bool has_unique;		/* every run had unique memory */
	struct bench_range uniq;
	/* the memory_source of the first run without unique memory, else
	 * of the first run; points into runs[] */
	const char *source;
};

struct bench_program {
	const char *name;
	char **words;			/* the command, {n} and {s} unexpanded */
	int nwords;
	const char *unavailable;	/* why it cannot run, or NULL */
	unsigned long max_tasks;	/* the plan's max-tasks, 0: none */
	char *owned[3];			/* what a plan line allocated */
	struct bench_cell cells[BENCH_MAX_TASKS];
	/* bench_fit(): bytes per task */
	bool has_slope;
	double fp_slope, rss_slope;
	bool has_unique_slope;		/* over the cells with unique memory */
	double unique_slope;
};

struct bench_results {
	unsigned long tasks[BENCH_MAX_TASKS];	/* ascending */
	int ntasks;
	unsigned long runs;		/* per cell */
	const char *sleep;		/* what {s} stood for */
	struct bench_program *progs;
	int nprogs;
	double elapsed_s;
	bool interrupted;		/* cells not run yet say so */
};

/* The medians, smallest and largest of a cell whose runs all succeeded. */
void bench_cell_finish(struct bench_cell *c);

/* A program's cost per task: the slopes over N of its cells that ran. */
void bench_fit(const struct bench_results *r, struct bench_program *p);

/* A duration as "4:05" or "1:02:03". */
void bench_clock(double s, char *buf, size_t len);

/* The results in fmt; long_form adds rows to table and markdown. */
int bench_write(FILE *f, const struct bench_results *r, enum bench_format fmt,
		bool long_form);

/*
 * SVG chart i: the peaks at task count tasks[i], or for i == ntasks the
 * cost per task. 0 or -errno.
 */
int bench_chart(FILE *f, const struct bench_results *r, int i);

#endif /* TM_BENCH_REPORT_H */
