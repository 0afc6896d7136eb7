/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Starting the workload without missing anything: the child is forked and
 * waits on a pipe until the tracer has put its pid in the tracked set.
 */
#ifndef TM_LAUNCH_H
#define TM_LAUNCH_H

#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <stdbool.h>
#include "common/creds.h"

struct launch {
	pid_t pid;
	int gate_fd;	/* closing it lets the child exec */
	int status_fd;	/* gets what failed in the child, EOF on success */
};

/* What launch_release() reports when the child could not start. */
enum launch_stage {
	LAUNCH_CRED,	/* switching to the user failed */
	LAUNCH_EXEC,	/* execvp failed */
};

/*
 * Fork a child that will exec cmd once released, with the signal mask
 * child_mask and the credentials cred (NULL: taskmem's own). Returns 0
 * or -errno.
 */
int launch_prepare(struct launch *l, char **cmd, const sigset_t *child_mask,
		   const struct launch_cred *cred);

/*
 * Let the child exec. Returns 0 once it has, or -errno with *stage
 * saying what failed.
 */
int launch_release(struct launch *l, enum launch_stage *stage);

/* Close what is left of l; a child never released is killed and reaped. */
void launch_close(struct launch *l);

#endif /* TM_LAUNCH_H */
