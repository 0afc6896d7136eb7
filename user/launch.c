// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>
#include "errors.h"
#include "launch.h"

static void child_exec(int gate, int status, char **cmd,
		       const sigset_t *mask)
{
	char c;
	int err;

	sigprocmask(SIG_SETMASK, mask, NULL);
	/* returns on EOF: the tracer has closed its end */
	while (read(gate, &c, 1) < 0 && errno == EINTR)
		;
	close(gate);
	execvp(cmd[0], cmd);
	err = errno;
	if (write(status, &err, sizeof(err)) < 0)
		_exit(TM_EXIT_FAIL);
	_exit(err == ENOENT ? TM_EXIT_NOTFOUND : TM_EXIT_NOEXEC);
}

int launch_prepare(struct launch *l, char **cmd, const sigset_t *child_mask)
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
		child_exec(gate[0], status[1], cmd, child_mask);
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

int launch_release(struct launch *l)
{
	ssize_t n;
	int err = 0;

	close(l->gate_fd);
	l->gate_fd = -1;
	do
		n = read(l->status_fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(l->status_fd);
	l->status_fd = -1;
	if (n == (ssize_t)sizeof(err))
		return -err;
	return 0;
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
