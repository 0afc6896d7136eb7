// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/launch.c: the child waits for launch_release(), then
 * runs the command with the mask and credentials it was given; what
 * failed comes back as -errno and a stage, and as the 126/127 exit code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "testutil.h"
#include "common/errors.h"
#include "trace/launch.h"

#define NOBODY 65534		/* uid and gid of nobody on Debian */

/* taskmem's own credentials (--as-root) */
static const struct launch_cred keep = { .drop = false };

struct fixture {
	char dir[64];
	char path[128];		/* a file in dir, per test */
	sigset_t mask;		/* what the child gets: empty unless set */
	struct launch l;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_launch.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	sigemptyset(&fx->mask);
	fx->l.pid = -1;
	fx->l.gate_fd = fx->l.status_fd = -1;
	*state = fx;
	return 0;
}


static int teardown(void **state)
{
	struct fixture *fx = *state;

	launch_close(&fx->l);
	remove_tree(fx->dir);
	free(fx);
	return 0;
}



/* The child's exit code once it has ended. */
static int reap(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/*
 * Prepare and release cmd; the release's result goes to *ret and
 * *stage (-1: none reported). Returns the child's exit code.
 */
static int run(struct fixture *fx, char **cmd, const struct launch_cred *cred,
	       int *ret)
{
	enum launch_stage stage = (enum launch_stage)-1;

	assert_int_equal(launch_prepare(&fx->l, cmd, &fx->mask,
					cred ? cred : &keep), 0);
	assert_true(fx->l.pid > 0);
	*ret = launch_release(&fx->l, &stage);
	if (*ret)
		assert_int_equal(stage, LAUNCH_EXEC);
	return reap(fx->l.pid);
}

/* The whole contents of fx->path, or "" when it does not exist. */
static void read_path(const struct fixture *fx, char *buf, size_t len)
{
	FILE *f = fopen(fx->path, "re");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

static void test_true_exits_0(void **state)
{
	struct fixture *fx = *state;
	char *cmd[] = { "true", NULL };
	int ret;

	assert_int_equal(run(fx, cmd, NULL, &ret), 0);
	assert_int_equal(ret, 0);
}

static void test_missing_command(void **state)
{
	struct fixture *fx = *state;
	char *cmd[] = { "no-such-command-taskmem", NULL };
	char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	int code, ret;

	/*
	 * execvp() says EACCES (126) rather than ENOENT when a directory of
	 * PATH cannot be searched (root's ~/.cargo/bin seen as nobody): a
	 * PATH every user can search.
	 */
	setenv("PATH", "/usr/bin:/bin", 1);
	code = run(fx, cmd, NULL, &ret);
	if (path)
		setenv("PATH", path, 1);
	free(path);
	assert_int_equal(code, TM_EXIT_NOTFOUND);
	assert_int_equal(ret, -ENOENT);
}

static void test_not_executable(void **state)
{
	struct fixture *fx = *state;
	char *cmd[] = { fx->path, NULL };
	int fd, ret;

	snprintf(fx->path, sizeof(fx->path), "%s/script", fx->dir);
	fd = open(fx->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	/* root may exec nothing without an x bit either */
	assert_int_equal(run(fx, cmd, NULL, &ret), TM_EXIT_NOEXEC);
	assert_int_equal(ret, -EACCES);
}

static void test_close_unreleased_kills(void **state)
{
	struct fixture *fx = *state;
	char script[192];
	char *cmd[] = { "sh", "-c", script, NULL };
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	pid_t pid;

	snprintf(fx->path, sizeof(fx->path), "%s/ran", fx->dir);
	snprintf(script, sizeof(script), "touch '%s'", fx->path);
	assert_int_equal(launch_prepare(&fx->l, cmd, &fx->mask, &keep), 0);
	pid = fx->l.pid;
	nanosleep(&pause, NULL);
	launch_close(&fx->l);
	/* reaped already: nothing left to wait for */
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_int_equal(access(fx->path, F_OK), -1);
	assert_int_equal(fx->l.gate_fd, -1);
	assert_int_equal(fx->l.status_fd, -1);
}

static void test_drop_to_nobody(void **state)
{
	struct fixture *fx = *state;
	struct launch_cred nobody = { .drop = true, .uid = NOBODY,
				      .gid = NOBODY, .user = "nobody",
				      .home = "/nonexistent" };
	char script[192], out[64];
	char *cmd[] = { "sh", "-c", script, NULL };
	int ret;

	need_root();
	assert_int_equal(chmod(fx->dir, 0777), 0);
	snprintf(fx->path, sizeof(fx->path), "%s/id", fx->dir);
	snprintf(script, sizeof(script),
		 "echo $(id -u) $(id -g) $USER $HOME > '%s'", fx->path);
	assert_int_equal(run(fx, cmd, &nobody, &ret), 0);
	assert_int_equal(ret, 0);
	read_path(fx, out, sizeof(out));
	assert_string_equal(out, "65534 65534 nobody /nonexistent\n");
}

/* SigBlk of pid from /proc, or ~0 when it cannot be read. */
static unsigned long long sig_blocked(pid_t pid)
{
	unsigned long long mask = ~0ULL;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return mask;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigBlk: %llx", &mask) == 1)
			break;
	fclose(f);
	return mask;
}

static void test_signal_mask(void **state)
{
	struct fixture *fx = *state;
	char *cmd[] = { "true", NULL };
	unsigned long long want = 1ULL << (SIGUSR1 - 1), got = 0;
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	enum launch_stage stage;
	int i;

	sigaddset(&fx->mask, SIGUSR1);
	assert_int_equal(launch_prepare(&fx->l, cmd, &fx->mask, &keep), 0);
	/* the child sets it first thing: give it up to 2 s to get there */
	for (i = 0; i < 200; i++) {
		got = sig_blocked(fx->l.pid);
		if (got == want)
			break;
		nanosleep(&pause, NULL);
	}
	assert_int_equal(got, want);
	assert_int_equal(launch_release(&fx->l, &stage), 0);
	assert_int_equal(reap(fx->l.pid), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_true_exits_0, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_missing_command, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_executable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_close_unreleased_kills,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_to_nobody, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_signal_mask, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("launch", tests, NULL, NULL);
}
