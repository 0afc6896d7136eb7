/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Report files: checked before the workload starts (no wasted run) and
 * written atomically (a temporary file renamed into place), so an
 * interrupted run never leaves a half-written report.
 */
#ifndef TM_OUTPUT_H
#define TM_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct output {
	const char *path;	/* NULL: stderr */
	char *tmp;		/* its temporary name, once it has one */
	bool unnamed;		/* O_TMPFILE: no name until output_commit() */
	FILE *f;
	struct out_sink *sink;	/* a file taskmem opened: what f writes to */
};

struct launch_cred;

/*
 * Open path, or use dflt (stdout, stderr) when path is NULL, or stdout
 * when path is "-"; a file
 * taskmem creates goes to owner's user when owner drops root (owner may
 * be NULL). 0 or -errno.
 */
int output_open(struct output *o, const char *path, FILE *dflt,
		const struct launch_cred *owner);
/* Give a new report file to uid:gid (the user behind sudo); 0 or -errno. */
int output_chown(struct output *o, uid_t uid, gid_t gid);
/* Flush and move the report into place; 0 or -errno. */
int output_commit(struct output *o);
/*
 * The reason for err (-errno) of the functions here, as a message says it:
 * a block device refused, a permission through sudo explained.
 */
const char *output_strerror(int err);
/* Drop an uncommitted report (no-op after commit). */
void output_abort(struct output *o);

#endif /* TM_OUTPUT_H */
