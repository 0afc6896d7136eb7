// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/procfs.c against the live /proc: this process, a
 * reaped child and kthreadd (pid 2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "trace/procfs.h"

#define MIB (1024 * 1024)
#define TOUCHED (4 * MIB)

/* The pid of a child that has exited and been reaped: no such process. */
static pid_t reaped_pid(void)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return pid;
}

/* Is pid 2 kthreadd here? Not in a PID namespace without kernel threads. */
static void need_kthreadd(void)
{
	char comm[32] = "";
	FILE *f = fopen("/proc/2/comm", "r");

	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	if (strcmp(comm, "kthreadd\n"))
		skip();
}

/*
 * Fresh anonymous memory, each small page touched once: at least one
 * minor fault per page (no huge pages, which would fault 2 MiB at once).
 */
static char *touch_fresh(size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p;
	size_t i;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	madvise(p, len, MADV_NOHUGEPAGE);
	for (i = 0; i < len; i += (size_t)page)
		((volatile char *)p)[i] = 1;
	return p;
}

static void expect_message(const char *err, const char *needle)
{
	if (!strstr(err, needle))
		fail_msg("message '%s' does not name '%s'", err, needle);
}

static void test_check_self(void **state)
{
	char err[128] = "";

	(void)state;
	assert_int_equal(procfs_check_target(getpid(), err, sizeof(err)), 0);
	assert_int_equal(procfs_check_target(getppid(), err, sizeof(err)), 0);
}

static void test_check_kernel_thread(void **state)
{
	char err[128] = "";

	(void)state;
	need_kthreadd();
	assert_int_equal(procfs_check_target(2, err, sizeof(err)), -EINVAL);
	expect_message(err, "pid 2 ");
	expect_message(err, "kernel thread");
}

static void test_check_reaped_child(void **state)
{
	char err[128] = "", pid[32];
	pid_t gone = reaped_pid();

	(void)state;
	assert_int_equal(procfs_check_target(gone, err, sizeof(err)), -ESRCH);
	snprintf(pid, sizeof(pid), "pid %d", (int)gone);
	expect_message(err, pid);
}

/* A message cut to a small buffer is still a terminated string. */
static void test_check_small_buffer(void **state)
{
	char err[8];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(procfs_check_target(reaped_pid(), err, sizeof(err)),
			 -ESRCH);
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

/*
 * /proc/PID/stat holds the command name in parentheses, unescaped: a
 * name with spaces and parentheses must not shift the fields after it.
 */
static void test_odd_command_name(void **state)
{
	char saved[17] = "", err[128] = "";
	uint64_t min0, maj0, min1 = 0, maj1 = 0;
	int ret1, ret2;

	(void)state;
	assert_int_equal(procfs_faults(getpid(), &min0, &maj0), 0);
	assert_int_equal(prctl(PR_GET_NAME, saved), 0);
	assert_int_equal(prctl(PR_SET_NAME, "a) (b c) 1 2 3"), 0);
	ret1 = procfs_check_target(getpid(), err, sizeof(err));
	ret2 = procfs_faults(getpid(), &min1, &maj1);
	prctl(PR_SET_NAME, saved);
	assert_int_equal(ret1, 0);
	assert_int_equal(ret2, 0);
	/* the same counters as under a plain name, not "1" or "2" */
	assert_true(min1 >= min0 && min1 < min0 + 1000);
	assert_true(maj1 >= maj0 && maj1 < maj0 + 1000);
}

static void test_faults_grow(void **state)
{
	uint64_t min0, maj0, min1, maj1;
	char *p;

	(void)state;
	assert_int_equal(procfs_faults(getpid(), &min0, &maj0), 0);
	p = touch_fresh(TOUCHED);
	assert_int_equal(procfs_faults(getpid(), &min1, &maj1), 0);
	munmap(p, TOUCHED);
	if (min1 < min0 + TOUCHED / sysconf(_SC_PAGESIZE))
		fail_msg("minflt %llu -> %llu after touching %ld pages",
			 (unsigned long long)min0, (unsigned long long)min1,
			 TOUCHED / sysconf(_SC_PAGESIZE));
	assert_true(maj1 >= maj0);
}

static void *touch_in_thread(void *arg)
{
	(void)arg;
	munmap(touch_fresh(TOUCHED), TOUCHED);
	return NULL;
}

/* The whole process: a thread's faults count, even once it is gone. */
static void test_faults_other_thread(void **state)
{
	uint64_t min0, maj0, min1, maj1;
	pthread_t t;

	(void)state;
	assert_int_equal(procfs_faults(getpid(), &min0, &maj0), 0);
	assert_int_equal(pthread_create(&t, NULL, touch_in_thread, NULL), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(procfs_faults(getpid(), &min1, &maj1), 0);
	if (min1 < min0 + TOUCHED / sysconf(_SC_PAGESIZE))
		fail_msg("minflt %llu -> %llu after a thread touched %ld pages",
			 (unsigned long long)min0, (unsigned long long)min1,
			 TOUCHED / sysconf(_SC_PAGESIZE));
}

static void test_faults_gone(void **state)
{
	uint64_t min = 7, maj = 7;

	(void)state;
	assert_int_equal(procfs_faults(reaped_pid(), &min, &maj), -ENOENT);
	assert_int_equal(min, 7);	/* untouched on failure */
	assert_int_equal(maj, 7);
}

static void test_vmhwm_self(void **state)
{
	uint64_t hwm = 0;
	char *p;

	(void)state;
	p = touch_fresh(TOUCHED);
	assert_int_equal(procfs_vmhwm(getpid(), &hwm), 0);
	munmap(p, TOUCHED);
	if (hwm < TOUCHED)
		fail_msg("VmHWM %llu bytes, below the %d touched",
			 (unsigned long long)hwm, TOUCHED);
	assert_int_equal(hwm % 1024, 0);	/* kB in /proc */
}

/* A peak: freeing memory does not lower it. */
static void test_vmhwm_stays(void **state)
{
	uint64_t hwm = 0;

	(void)state;
	munmap(touch_fresh(2 * TOUCHED), 2 * TOUCHED);
	assert_int_equal(procfs_vmhwm(getpid(), &hwm), 0);
	if (hwm < 2 * TOUCHED)
		fail_msg("VmHWM %llu bytes after %d were touched and freed",
			 (unsigned long long)hwm, 2 * TOUCHED);
}

/* A kernel thread has no mm, so no VmHWM line. */
static void test_vmhwm_kernel_thread(void **state)
{
	uint64_t hwm = 7;

	(void)state;
	need_kthreadd();
	assert_int_equal(procfs_vmhwm(2, &hwm), -ENOENT);
	assert_int_equal(hwm, 7);
}

static void test_vmhwm_gone(void **state)
{
	uint64_t hwm = 7;

	(void)state;
	assert_int_equal(procfs_vmhwm(reaped_pid(), &hwm), -ENOENT);
	assert_int_equal(hwm, 7);
}

/* A reaped child is gone, a zombie has exited: neither is "hidden". */
static void test_unseen_exited(void **state)
{
	char err[192];
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(procfs_why_unseen(reaped_pid(), err, sizeof(err)),
			 -ESRCH);
	expect_message(err, "exited");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	/* a zombie until reaped: wait without reaping */
	assert_int_equal(waitid(P_PID, pid, NULL, WEXITED | WNOWAIT), 0);
	assert_int_equal(procfs_why_unseen(pid, err, sizeof(err)), -ESRCH);
	expect_message(err, "exited");
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

/* A running process BPF did not see: -EPERM and it runs */
static void test_unseen_running(void **state)
{
	char err[192];

	(void)state;
	assert_int_equal(procfs_why_unseen(getpid(), err, sizeof(err)),
			 -EPERM);
	expect_message(err, "it runs");
	expect_message(err, "task iterator");
}

/* The namespace's inode is /proc/self/ns/pid's, 0 for the initial one. */
static void test_pid_ns(void **state)
{
	struct stat st;
	uint64_t inum = 1;

	(void)state;
	assert_int_equal(stat("/proc/self/ns/pid", &st), 0);
	assert_int_equal(procfs_pid_ns(&inum), 0);
	if (st.st_ino == 0xEFFFFFFCU)
		assert_int_equal(inum, 0);
	else
		assert_int_equal(inum, st.st_ino);
	/* the tests run with their own /proc */
	assert_true(procfs_is_own());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_self),
		cmocka_unit_test(test_check_kernel_thread),
		cmocka_unit_test(test_check_reaped_child),
		cmocka_unit_test(test_check_small_buffer),
		cmocka_unit_test(test_odd_command_name),
		cmocka_unit_test(test_faults_grow),
		cmocka_unit_test(test_faults_other_thread),
		cmocka_unit_test(test_faults_gone),
		cmocka_unit_test(test_vmhwm_self),
		cmocka_unit_test(test_vmhwm_stays),
		cmocka_unit_test(test_vmhwm_kernel_thread),
		cmocka_unit_test(test_vmhwm_gone),
		cmocka_unit_test(test_unseen_exited),
		cmocka_unit_test(test_unseen_running),
		cmocka_unit_test(test_pid_ns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
