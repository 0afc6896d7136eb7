// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
#include "common/errors.h"
#include "trace/launch.h"

struct child_failure {
	int stage;
	int err;
};

/* Become the invoking user, with that user's groups, HOME and USER. */
static int drop_privileges(const struct launch_cred *c)
{
	if (!c || !c->drop)
		return 0;
	if ((c->ngroups >= 0 ? setgroups(c->ngroups, c->groups) :
			       initgroups(c->user, c->gid)) ||
	    setgid(c->gid) || setuid(c->uid))
		return -errno;
	/* no way back: a workload must not regain root (unless it is root) */
	if (c->uid != 0 && setuid(0) == 0)
		return -EPERM;
	setenv("HOME", c->home, 1);
	setenv("USER", c->user, 1);
	setenv("LOGNAME", c->user, 1);
	return 0;
}

static void child_exec(int gate, int status, char **cmd,
		       const sigset_t *mask, const struct launch_cred *cred)
{
	struct child_failure fail;
	char c;

	sigprocmask(SIG_SETMASK, mask, NULL);
	/* returns on EOF: the tracer has closed its end */
	while (read(gate, &c, 1) < 0 && errno == EINTR)
		;
	close(gate);
	fail.stage = LAUNCH_CRED;
	fail.err = -drop_privileges(cred);
	if (!fail.err) {
		execvp(cmd[0], cmd);
		fail.stage = LAUNCH_EXEC;
		fail.err = errno;
	}
	if (write(status, &fail, sizeof(fail)) < 0)
		_exit(TM_EXIT_FAIL);
	if (fail.stage == LAUNCH_CRED)
		_exit(TM_EXIT_FAIL);
	_exit(fail.err == ENOENT ? TM_EXIT_NOTFOUND : TM_EXIT_NOEXEC);
}

int launch_prepare(struct launch *l, char **cmd, const sigset_t *child_mask,
		   const struct launch_cred *cred)
{
	int gate[2] = { -1, -1 }, status[2] = { -1, -1 };
	int err;

	l->pid = -1;
	l->gate_fd = l->status_fd = -1;
	if (pipe2(gate, O_CLOEXEC) || pipe2(status, O_CLOEXEC)) {
		err = -errno;
		goto fail;
	}
	l->pid = fork();
	if (l->pid < 0) {
		err = -errno;
		goto fail;
	}
	if (l->pid == 0) {
		close(gate[1]);
		close(status[0]);
		child_exec(gate[0], status[1], cmd, child_mask, cred);
	}
	close(gate[0]);
	close(status[1]);
	l->gate_fd = gate[1];
	l->status_fd = status[0];
	return 0;
fail:
	if (gate[0] >= 0) {
		close(gate[0]);
		close(gate[1]);
	}
	if (status[0] >= 0) {
		close(status[0]);
		close(status[1]);
	}
	return err;
}

int launch_release(struct launch *l, enum launch_stage *stage)
{
	struct child_failure fail;
	ssize_t n;

	close(l->gate_fd);
	l->gate_fd = -1;
	do
		n = read(l->status_fd, &fail, sizeof(fail));
	while (n < 0 && errno == EINTR);
	close(l->status_fd);
	l->status_fd = -1;
	if (n != (ssize_t)sizeof(fail))
		return 0;
	*stage = fail.stage;
	return -fail.err;
}

void launch_close(struct launch *l)
{
	/* never let a child that was not released run its command */
	if (l->gate_fd >= 0 && l->pid > 0) {
		kill(l->pid, SIGKILL);
		waitpid(l->pid, NULL, 0);
	}
	if (l->gate_fd >= 0)
		close(l->gate_fd);
	if (l->status_fd >= 0)
		close(l->status_fd);
	l->gate_fd = l->status_fd = -1;
}
