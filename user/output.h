/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Report files: checked before the workload starts (no wasted run) and
 * written atomically (a temporary file renamed into place), so an
 * interrupted run never leaves a half-written report.
 */
#ifndef TM_OUTPUT_H
#define TM_OUTPUT_H

#include <stdio.h>

struct output {
	const char *path;	/* NULL: stderr */
	char *tmp;		/* temporary file next to path */
	FILE *f;
};

/* Open the report's destination; 0 or -errno. */
int output_open(struct output *o, const char *path);
/* Flush and move the report into place; 0 or -errno. */
int output_commit(struct output *o);
/* Drop an uncommitted report (no-op after commit). */
void output_abort(struct output *o);

#endif /* TM_OUTPUT_H */
