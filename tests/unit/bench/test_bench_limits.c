// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/bench/bench_limits.c: what N tasks need of the
 * kernel's limits, the state file of `taskmem bench --raise-limits`, and
 * the limit a failed run most likely hit.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "bench/bench_limits.h"

/* This machine's defaults: pid_max 32768, 24 GiB, 20000 files. */
static const struct bench_limits defaults = {
	.sysctl = { 32768, 192725, 65530 },
	.nproc = 96362,
	.nofile = 20000,
};

static void test_needed_small_n_changes_little(void **state)
{
	struct bench_limits want;

	(void)state;
	/* 10 tasks beside 1000 threads: only the mappings grow (the base
	 * is the default, which a process's own libraries use up to) */
	bench_limits_needed(10, 1000, 1048576, &defaults, &want);
	assert_int_equal(want.sysctl[LIM_PID_MAX], 32768);
	assert_int_equal(want.sysctl[LIM_THREADS_MAX], 192725);
	assert_int_equal(want.sysctl[LIM_MAX_MAP_COUNT], 65530 + 40);
	assert_int_equal(want.nproc, 96362);
	assert_int_equal(want.nofile, 20000);
}

static void test_needed_100k(void **state)
{
	struct bench_limits want;

	(void)state;
	bench_limits_needed(100000, 1500, 1048576, &defaults, &want);
	/* every task a thread and a pid, beside the 1500, with slack */
	assert_int_equal(want.sysctl[LIM_PID_MAX], 100000 + 1500 + LIM_SLACK);
	assert_int_equal(want.sysctl[LIM_THREADS_MAX], 192725);
	assert_int_equal(want.sysctl[LIM_MAX_MAP_COUNT], 65530 + 400000);
	assert_int_equal(want.nproc, 100000 + 1500 + LIM_SLACK);
	assert_int_equal(want.nofile, 101024);
}

static void test_needed_capped(void **state)
{
	struct bench_limits want;

	(void)state;
	/* pid_max stops at PID_MAX_LIMIT, files at fs.nr_open */
	bench_limits_needed(10000000, 0, 1048576, &defaults, &want);
	assert_int_equal(want.sysctl[LIM_PID_MAX], LIM_PID_MAX_LIMIT);
	assert_int_equal(want.sysctl[LIM_THREADS_MAX], 10000000 + LIM_SLACK);
	assert_int_equal(want.nofile, 1048576);
	/* nothing ever lowered: a high value stays */
	struct bench_limits high = defaults;

	high.sysctl[LIM_PID_MAX] = LIM_PID_MAX_LIMIT;
	high.nofile = 2000000;
	bench_limits_needed(1, 0, 1048576, &high, &want);
	assert_int_equal(want.sysctl[LIM_PID_MAX], LIM_PID_MAX_LIMIT);
	assert_int_equal(want.nofile, 2000000);
	/* no overflow at the largest N */
	bench_limits_needed(ULONG_MAX, ULONG_MAX, ULONG_MAX, &defaults, &want);
	assert_int_equal(want.sysctl[LIM_MAX_MAP_COUNT], LIM_INT_MAX);
	assert_int_equal(want.nproc, ULONG_MAX);
}

static void test_state_round_trip(void **state)
{
	const unsigned long old[NR_LIM_SYSCTLS] = { 32768, 192725, 65530 };
	unsigned long back[NR_LIM_SYSCTLS] = { 0 };
	char buf[256], err[128];
	long pid = 0;

	(void)state;
	assert_int_equal(bench_limits_format(buf, sizeof(buf), 4242, old), 79);
	assert_string_equal(buf, "pid 4242\nkernel.pid_max 32768\n"
			    "kernel.threads-max 192725\n"
			    "vm.max_map_count 65530\n");
	assert_int_equal(bench_limits_parse(buf, &pid, back, err, sizeof(err)),
			 0);
	assert_int_equal(pid, 4242);
	assert_memory_equal(back, old, sizeof(old));
	/* a short buffer: the length it needs, as snprintf */
	assert_int_equal(bench_limits_format(buf, 10, 4242, old), 79);
	/* any order */
	assert_int_equal(bench_limits_parse("vm.max_map_count 1\npid 2\n"
					    "kernel.threads-max 3\n"
					    "kernel.pid_max 4\n",
					    &pid, back, err, sizeof(err)), 0);
	assert_int_equal(back[LIM_PID_MAX], 4);
	assert_int_equal(back[LIM_MAX_MAP_COUNT], 1);
}

static void expect_bad_state(const char *text, const char *needle)
{
	unsigned long old[NR_LIM_SYSCTLS];
	char err[128] = "";
	long pid;

	assert_int_equal(bench_limits_parse(text, &pid, old, err, sizeof(err)),
			 -EINVAL);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not name '%s'", err, needle);
}

static void test_state_bad(void **state)
{
	static const char tail[] = "kernel.threads-max 3\nvm.max_map_count 4\n";
	char text[256];

	(void)state;
	expect_bad_state("pid 1\nkernel.pid_max 2\n", "'kernel.threads-max'");
	snprintf(text, sizeof(text), "kernel.pid_max 2\n%s", tail);
	expect_bad_state(text, "'pid'");
	snprintf(text, sizeof(text), "pid 1\nkernel.pid_max 2\n%spid 5\n", tail);
	expect_bad_state(text, "'pid' given twice");
	snprintf(text, sizeof(text), "pid 1\nkernel.pid_max -2\n%s", tail);
	expect_bad_state(text, "invalid value '-2'");
	snprintf(text, sizeof(text), "pid 1\nkernel.pid_max 0\n%s", tail);
	expect_bad_state(text, "invalid value '0'");
	snprintf(text, sizeof(text), "pid 1\nkernel.pid_max 2x\n%s", tail);
	expect_bad_state(text, "invalid value '2x'");
	snprintf(text, sizeof(text), "pid 1\nkernel.pid_max 99999999999\n%s",
		 tail);
	expect_bad_state(text, "invalid value '99999999999'");
	snprintf(text, sizeof(text), "pid 1\nfs.file-max 2\n%s", tail);
	expect_bad_state(text, "unknown name 'fs.file-max'");
	snprintf(text, sizeof(text), "pid 1\nkernel.pid_max\n%s", tail);
	expect_bad_state(text, "'kernel.pid_max'");
	/* cut short while being written */
	expect_bad_state("pid 1\nkernel.pid_max 2\nkernel.threads-max 3\n"
			 "vm.max_map_count 4", "cut short");
	expect_bad_state("", "no line for");
}

static void test_cause(void **state)
{
	struct bench_limits lim = defaults;
	char buf[128];

	(void)state;
	lim.nproc = ULONG_MAX;	/* root */
	/* C threads stop at 32453 of pid_max 32768 (300 others) */
	assert_true(bench_limits_cause(&lim, 300, 16000, buf, sizeof(buf)));
	assert_string_equal(buf, "vm.max_map_count = 65530");
	assert_true(bench_limits_cause(&lim, 300, 32453, buf, sizeof(buf)));
	assert_string_equal(buf, "vm.max_map_count = 65530 or "
			    "kernel.pid_max = 32768");
	/* far from every limit: no cause */
	assert_false(bench_limits_cause(&lim, 300, 5000, buf, sizeof(buf)));
	assert_string_equal(buf, "");
	/* pid_max raised, threads-max near */
	lim.sysctl[LIM_PID_MAX] = 4194304;
	lim.sysctl[LIM_THREADS_MAX] = 10000;
	lim.sysctl[LIM_MAX_MAP_COUNT] = 1000000;
	assert_true(bench_limits_cause(&lim, 1000, 8500, buf, sizeof(buf)));
	assert_string_equal(buf, "kernel.threads-max = 10000");
	/* a user's RLIMIT_NPROC counts its own threads only */
	lim.nproc = 4096;
	assert_true(bench_limits_cause(&lim, 0, 4000, buf, sizeof(buf)));
	assert_string_equal(buf, "RLIMIT_NPROC = 4096");
	/* a small buffer is cut, not overrun */
	assert_true(bench_limits_cause(&lim, 0, 4000, buf, 8));
	assert_string_equal(buf, "RLIMIT_");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needed_small_n_changes_little),
		cmocka_unit_test(test_needed_100k),
		cmocka_unit_test(test_needed_capped),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_bad),
		cmocka_unit_test(test_cause),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
