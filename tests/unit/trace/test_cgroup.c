// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/trace/cgroup.c: on the machine's hierarchy (root and
 * a memory cgroup needed), a fresh memory cgroup, a child moved in whose
 * memory the kernel counts, and a removal that leaves what still runs in
 * it alive; on fixture trees (any user), the v1 and v2 layouts, paths and
 * memory.stat.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "testutil.h"
#include "trace/cgroup.h"

#define MIB (1024ULL * 1024ULL)
#define TOUCH (32 * MIB)

struct fixture {
	struct memcg c;
	pid_t child;
	int go;			/* write end: the child touches its memory */
	int done;		/* read end: a byte once it has */
	char why[512];
};


/* Outside CI a test that cannot run here is skipped; in CI it fails. */
static void need(int ok, const char *what)
{
	if (ok)
		return;
	if (ci())
		fail_msg("this test needs %s (CI=true)", what);
	skip();
}

static void need_cgroup(void)
{
	need(geteuid() == 0, "root");
	need(!access("/sys/fs/cgroup/memory/memory.max_usage_in_bytes", F_OK) ||
	     !access("/sys/fs/cgroup/cgroup.controllers", F_OK),
	     "a memory cgroup hierarchy");
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->c = (struct memcg)MEMCG_INIT;
	fx->child = -1;
	fx->go = fx->done = -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->child > 0) {
		kill(fx->child, SIGKILL);
		waitpid(fx->child, NULL, 0);
	}
	if (fx->go >= 0)
		close(fx->go);
	if (fx->done >= 0)
		close(fx->done);
	memcg_destroy(&fx->c);
	free(fx);
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Whether /proc/PID/cgroup names the test's cgroup. */
static int in_cgroup(pid_t pid, const struct memcg *c)
{
	char path[64], line[512], name[64];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	snprintf(name, sizeof(name), "/taskmem.%d\n", (int)getpid());
	f = fopen(path, "re");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, name) &&
		    (c->version == 2 || strstr(line, "memory")))
			found = 1;
	fclose(f);
	return found;
}

/* The child: on a byte from go, touch TOUCH bytes, say so, then wait. */
static void child_main(int go, int done)
{
	volatile char *p;
	size_t i;
	char b;

	if (read(go, &b, 1) != 1)
		_exit(1);
	/* volatile: the compiler may drop a buffer nobody reads */
	p = malloc(TOUCH);
	if (!p)
		_exit(1);
	for (i = 0; i < TOUCH; i += 4096)
		p[i] = 1;
	if (write(done, "x", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static void start_child(struct fixture *fx)
{
	int go[2], done[2];

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	fx->child = fork();
	assert_true(fx->child >= 0);
	if (fx->child == 0) {
		close(go[1]);
		close(done[0]);
		child_main(go[0], done[1]);
	}
	close(go[0]);
	close(done[1]);
	fx->go = go[1];
	fx->done = done[0];
}

static void test_create_and_destroy(void **state)
{
	struct fixture *fx = *state;
	char want[sizeof(fx->c.path) + 32];

	need_cgroup();
	assert_int_equal(memcg_create(&fx->c, "", fx->why, sizeof(fx->why)), 0);
	assert_true(fx->c.version == 1 || fx->c.version == 2);
	/* a child of taskmem's own cgroup */
	snprintf(want, sizeof(want), "%s/taskmem.%d", fx->c.home,
		 (int)getpid());
	assert_string_equal(fx->c.path, want);
	assert_true(fx->c.created);
	assert_true(is_dir(want));
	memcg_destroy(&fx->c);
	assert_false(is_dir(want));
	assert_int_equal(fx->c.version, 0);
}

static void test_usage_of_child(void **state)
{
	struct fixture *fx = *state;
	struct cgroup_peaks p;
	char b;

	need_cgroup();
	assert_int_equal(memcg_create(&fx->c, "", fx->why, sizeof(fx->why)), 0);
	start_child(fx);
	assert_int_equal(memcg_enter(&fx->c, fx->child), 0);
	assert_true(in_cgroup(fx->child, &fx->c));
	assert_int_equal(write(fx->go, "x", 1), 1);
	assert_int_equal(read(fx->done, &b, 1), 1);
	assert_int_equal(memcg_peaks(&fx->c, &p), 0);
	assert_int_equal(p.version, fx->c.version);
	if (p.usage < TOUCH)
		fail_msg("usage %llu < %llu", (unsigned long long)p.usage,
			 TOUCH);
}

static void test_destroy_with_child_inside(void **state)
{
	struct fixture *fx = *state;
	char path[sizeof(fx->c.path)];

	need_cgroup();
	assert_int_equal(memcg_create(&fx->c, "", fx->why, sizeof(fx->why)), 0);
	snprintf(path, sizeof(path), "%s", fx->c.path);
	start_child(fx);
	assert_int_equal(memcg_enter(&fx->c, fx->child), 0);
	memcg_destroy(&fx->c);
	assert_false(is_dir(path));
	/* still running, now outside it */
	assert_int_equal(waitpid(fx->child, NULL, WNOHANG), 0);
	assert_int_equal(kill(fx->child, 0), 0);
	assert_false(in_cgroup(fx->child, &fx->c));
}

static void test_enter_missing_pid(void **state)
{
	struct fixture *fx = *state;

	need_cgroup();
	assert_int_equal(memcg_create(&fx->c, "", fx->why, sizeof(fx->why)), 0);
	/* pid_max is at most 4194304 */
	assert_int_equal(memcg_enter(&fx->c, 4194305), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_and_destroy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_usage_of_child, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_destroy_with_child_inside,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_enter_missing_pid, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
