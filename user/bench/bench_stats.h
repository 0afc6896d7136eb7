/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure part of `taskmem bench`: task lists, command templates, plan
 * lines, failure texts and the statistics of a matrix cell (no I/O).
 */
#ifndef TM_BENCH_STATS_H
#define TM_BENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>

#define BENCH_MAX_TASKS 16		/* task counts in --tasks */
#define BENCH_TASKS_LIMIT 100000000UL	/* the largest N */
#define BENCH_NAME_MAX 48		/* bytes in a program's name */

/* Median, smallest and largest of a cell's runs. */
struct bench_range {
	double median;
	double min;
	double max;
};

/*
 * One line of a plan file: "name<TAB>template[<TAB>unavailable: why]" or
 * "name<TAB>template<TAB>max-tasks: N" (no run above N tasks).
 */
struct bench_plan_line {
	char *name;		/* both point into the parsed line */
	char *template;
	char *unavailable;	/* the reason, or NULL when it can run */
	unsigned long max_tasks;	/* 0: no limit */
};

/*
 * "1,10000,100000": at most BENCH_MAX_TASKS whole numbers from 1 to
 * BENCH_TASKS_LIMIT, sorted ascending into tasks; a repeated one is an
 * error. Returns the count, or -EINVAL with the reason in err.
 */
int bench_parse_tasks(const char *list, unsigned long *tasks, char *err,
		      size_t errlen);

/* The median (mean of the middle two for an even n), min and max. */
int bench_summarize(const double *v, size_t n, struct bench_range *r);

/*
 * The least-squares slope of y over x. -EDOM unless x holds at least
 * two distinct values.
 */
int bench_slope(const double *x, const double *y, size_t n, double *slope);

/*
 * Split a template on spaces and tabs (no quoting: there is no shell) into
 * a NULL-terminated vector in one allocation (free(*words) frees it all).
 * Returns the word count, or -EINVAL for an empty template, -ENOMEM.
 */
int bench_split(const char *tmpl, char ***words);

/* Whether one of the words contains placeholder (e.g. "{n}"). */
bool bench_has_placeholder(char *const *words, int nwords,
			   const char *placeholder);

/*
 * The words with every "{n}" replaced by n and every "{s}" by sleep, as a
 * NULL-terminated vector in one allocation (free(*argv) frees it all).
 * Other braces are kept as they are. 0 or -ENOMEM.
 */
int bench_expand(char *const *words, int nwords, unsigned long n,
		 const char *sleep, char ***argv);

/*
 * Parse one line of a plan file in place. Returns 0 with out filled, 1
 * for a blank line or a '#' comment, or -EINVAL with the reason in err.
 */
int bench_parse_plan_line(char *line, struct bench_plan_line *out, char *err,
			  size_t errlen);

/*
 * A program's name: 1 to BENCH_NAME_MAX bytes of UTF-8 without control
 * characters, not starting or ending with a space.
 */
bool bench_name_ok(const char *name);

/*
 * What a wait status or exit code says: "exit 3" for code 3, "killed by
 * SIGKILL" for code 137 (128 + the signal, as taskmem reports it).
 */
void bench_exit_reason(int code, char *buf, size_t len);

/*
 * The last non-empty line of text (len bytes, not NUL-terminated), at
 * most max bytes of it ending in "..." when longer, with control
 * characters and invalid UTF-8 replaced by '?'; "" when there is none.
 */
void bench_last_line(const char *text, size_t len, size_t max, char *buf,
		     size_t buflen);

#endif /* TM_BENCH_STATS_H */
