// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/profile/sampling.c: the page-fault sampling period. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "profile/sampling.h"

static void test_default_period(void **state)
{
	(void)state;
	/* 2 MiB of 4 KiB pages: 512 faults; 509 is the prime below */
	assert_int_equal(fault_sampling_period(2 << 20, 4096), 509);
	/* 64 KiB pages (arm64): 32 faults, 31 */
	assert_int_equal(fault_sampling_period(2 << 20, 65536), 31);
}

static void test_periods_are_prime_and_close(void **state)
{
	uint64_t bytes, d;

	(void)state;
	for (bytes = 1 << 20; bytes <= (1ULL << 30); bytes *= 2) {
		uint64_t p = fault_sampling_period(bytes, 4096);
		uint64_t faults = bytes / 4096;

		for (d = 2; d * d <= p; d++)
			assert_true(p % d != 0);
		assert_true(p <= faults);
		assert_true(p * 100 >= faults * 98);
	}
}

static void test_small_and_bad_inputs(void **state)
{
	(void)state;
	/* one page a sample, or less: every fault */
	assert_int_equal(fault_sampling_period(4096, 4096), 1);
	assert_int_equal(fault_sampling_period(100, 4096), 1);
	assert_int_equal(fault_sampling_period(8192, 4096), 2);
	assert_int_equal(fault_sampling_period(4 << 12, 4096), 3);
	/* no page size: every fault, not a division by zero */
	assert_int_equal(fault_sampling_period(2 << 20, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_period),
		cmocka_unit_test(test_periods_are_prime_and_close),
		cmocka_unit_test(test_small_and_bad_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
