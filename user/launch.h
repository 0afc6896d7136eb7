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

struct launch {
	pid_t pid;
	int gate_fd;	/* closing it lets the child exec */
	int status_fd;	/* gets the errno of a failed exec, EOF on success */
};

/*
 * Fork a child that will exec cmd once released, with the signal mask
 * child_mask. Returns 0 or -errno.
 */
int launch_prepare(struct launch *l, char **cmd, const sigset_t *child_mask);

/* Let the child exec. Returns 0 once it has, or the exec's -errno. */
int launch_release(struct launch *l);

/* Close what is left of l; a child never released is killed and reaped. */
void launch_close(struct launch *l);

#endif /* TM_LAUNCH_H */
