// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/model/unique_mem.c: the largest sum kept, the shared part. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "model/unique_mem.h"

#define MIB (1024ULL * 1024ULL)

static struct unique_breakdown make(uint64_t anon, uint64_t shmem,
				    uint64_t mapped, uint64_t kstack)
{
	struct unique_breakdown b;

	memset(&b, 0, sizeof(b));
	b.item[UNIQUE_ANON] = anon;
	b.item[UNIQUE_SHMEM] = shmem;
	b.item[UNIQUE_FILE_MAPPED] = mapped;
	b.item[UNIQUE_KERNEL_STACK] = kstack;
	return b;
}

static void test_largest_sum_wins(void **state)
{
	struct unique_result u;
	struct unique_breakdown a = make(100 * MIB, 0, 0, MIB);
	struct unique_breakdown b = make(50 * MIB, 60 * MIB, 70 * MIB, 0);
	struct unique_breakdown c = make(10 * MIB, 0, 0, 0);

	(void)state;
	memset(&u, 0, sizeof(u));
	assert_true(unique_offer(&u, &a));
	assert_true(u.valid);
	assert_int_equal(u.peak_unique, 101 * MIB);
	/* mapped shmem once: 50 + 60 + (70 - 60) */
	assert_true(unique_offer(&u, &b));
	assert_int_equal(u.peak_unique, 120 * MIB);
	assert_false(unique_offer(&u, &c));
	assert_memory_equal(&u.at_peak, &b, sizeof(b));
	/* the latest, for -i and the status line */
	assert_int_equal(u.cur_unique, 10 * MIB);
	/* an empty first sample still counts as one */
	memset(&u, 0, sizeof(u));
	c = make(0, 0, 0, 0);
	assert_true(unique_offer(&u, &c));
	assert_true(u.valid);
}

static void test_charged_and_shared(void **state)
{
	struct unique_result u;
	struct unique_breakdown b = make(256 * MIB, 0, 2 * MIB, MIB);

	(void)state;
	memset(&u, 0, sizeof(u));
	unique_offer_charged(&u, 300 * MIB);
	unique_offer_charged(&u, 200 * MIB);
	assert_int_equal(u.peak_charged, 300 * MIB);
	unique_offer(&u, &b);
	/* 5 processes of 256 MiB summed: 4 counted more than once */
	unique_finish(&u, 1280 * MIB + 2 * MIB);
	assert_int_equal(u.shared_at_peak, 1024 * MIB);
	/* never below 0 */
	unique_finish(&u, 100 * MIB);
	assert_int_equal(u.shared_at_peak, 0);
}

static void test_none(void **state)
{
	struct unique_result u;
	struct unique_breakdown b = make(MIB, 0, 0, 0);
	char longer[400];

	(void)state;
	unique_offer(&u, &b);
	unique_none(&u, "no memory cgroup (%d)", 2);
	assert_false(u.valid);
	assert_int_equal(u.peak_unique, 0);
	assert_string_equal(u.source, "none: no memory cgroup (2)");
	unique_finish(&u, 10 * MIB);
	assert_int_equal(u.shared_at_peak, 0);
	/* a long reason is cut, still terminated */
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	unique_none(&u, "%s", longer);
	assert_int_equal(strlen(u.source), UNIQUE_SOURCE_LEN - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_largest_sum_wins),
		cmocka_unit_test(test_charged_and_shared),
		cmocka_unit_test(test_none),
	};

	return cmocka_run_group_tests_name("unique_mem", tests, NULL, NULL);
}
