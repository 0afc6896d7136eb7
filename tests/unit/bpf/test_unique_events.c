// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of bpf/unique_events.h, the arithmetic unique.bpf.c runs on
 * every memcg event of the job (taskmem trace --exact-unique), compiled
 * here as plain C. Each test replays events as the kernel sends them: the
 * kernel's item index and a change in pages.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "unique_events.h"

#define PAGE 4096ULL

/* Linux 6.18's numbers (x86_64), as CO-RE would relocate them. */
enum { K_SLAB_UNRECL = 6, K_ACTIVE_ANON = 2, K_ANON = 17, K_FILE_MAPPED = 18,
       K_SHMEM = 22, K_KSTACK = 36, K_PAGETABLE = 37, K_SOCK = 52,
       K_PERCPU = 53 };

static const struct unique_kidx k618 = { .idx = {
	[UNIQUE_ANON] = K_ANON, [UNIQUE_SHMEM] = K_SHMEM,
	[UNIQUE_FILE_MAPPED] = K_FILE_MAPPED, [UNIQUE_KERNEL_STACK] = K_KSTACK,
	[UNIQUE_PAGETABLES] = K_PAGETABLE, [UNIQUE_SLAB] = K_SLAB_UNRECL,
	[UNIQUE_PERCPU] = K_PERCPU, [UNIQUE_SOCK] = K_SOCK,
} };

static struct unique_exact_state st;

static int setup(void **state)
{
	(void)state;
	memset(&st, 0, sizeof(st));
	return 0;
}

/* One event as the handlers see it; true when it set a new peak. */
static bool event(int kidx, int pages)
{
	int item = unique_item_of(kidx, &k618);

	if (item < 0)
		return false;
	return unique_exact_apply(&st, item, pages, 12);
}

static void test_items(void **state)
{
	struct unique_kidx old = k618;

	(void)state;
	assert_int_equal(unique_item_of(K_ANON, &k618), UNIQUE_ANON);
	assert_int_equal(unique_item_of(K_SOCK, &k618), UNIQUE_SOCK);
	assert_int_equal(unique_item_of(K_SLAB_UNRECL, &k618), UNIQUE_SLAB);
	/* LRU moves, page cache, reclaimable slab: not ours */
	assert_int_equal(unique_item_of(K_ACTIVE_ANON, &k618), -1);
	assert_int_equal(unique_item_of(0, &k618), -1);
	assert_int_equal(unique_item_of(7, &k618), -1);
	/* an item the kernel lacks is -1 and matches nothing real */
	old.idx[UNIQUE_SOCK] = -1;
	assert_int_equal(unique_item_of(K_SOCK, &old), -1);
	/* kernel_other is the sampled v1 item: no event fills it */
	assert_int_equal(sizeof(k618.idx) / sizeof(k618.idx[0]),
			 UNIQUE_KERNEL_OTHER);
}

/* The breakdown is taken at the peak, not at the end. */
static void test_breakdown_at_peak(void **state)
{
	(void)state;
	assert_true(event(K_ANON, 10));
	assert_true(event(K_KSTACK, 4));
	assert_true(event(K_PAGETABLE, 1));
	assert_false(event(K_ACTIVE_ANON, 10));		/* not followed */
	assert_false(event(K_ANON, -8));
	assert_false(event(K_SLAB_UNRECL, 3));		/* 10 < 15 */
	assert_int_equal(st.peak, 15 * PAGE);
	assert_int_equal(st.at_peak.item[UNIQUE_ANON], 10 * PAGE);
	assert_int_equal(st.at_peak.item[UNIQUE_KERNEL_STACK], 4 * PAGE);
	assert_int_equal(st.at_peak.item[UNIQUE_PAGETABLES], PAGE);
	assert_int_equal(st.at_peak.item[UNIQUE_SLAB], 0);
	assert_int_equal(unique_sum(&st.at_peak), st.peak);
	assert_int_equal(st.value[UNIQUE_ANON], 2 * PAGE);
	assert_int_equal(st.value[UNIQUE_SLAB], 3 * PAGE);
	assert_int_equal(st.events, 5);	/* the LRU move was not applied */
	/* growing past it again moves the breakdown */
	assert_true(event(K_SOCK, 11));
	assert_int_equal(st.peak, 21 * PAGE);
	assert_int_equal(st.at_peak.item[UNIQUE_ANON], 2 * PAGE);
	assert_int_equal(st.at_peak.item[UNIQUE_SOCK], 11 * PAGE);
}

/* A memfd of 128 pages mapped: shmem once, not again as a mapped file. */
static void test_mapped_shmem_once(void **state)
{
	(void)state;
	event(K_SHMEM, 128);
	event(K_FILE_MAPPED, 128);
	event(K_FILE_MAPPED, 5);		/* a mapped regular file */
	assert_int_equal(st.peak, 133 * PAGE);
	assert_int_equal(unique_rss(&st.at_peak), 133 * PAGE);
	/* unmapping the shmem leaves it resident: nothing grows */
	assert_false(event(K_FILE_MAPPED, -128));
	assert_int_equal(st.peak, 133 * PAGE);
	/* shmem leaving can uncover a mapped file page it hid, never more */
	assert_false(event(K_SHMEM, -128));
}

/*
 * Values a pre-existing cgroup's seed did not hold (or rounded byte items)
 * can go below zero: they read as zero, are counted once per dip, and the
 * peak never sees a negative item.
 */
static void test_clamped(void **state)
{
	(void)state;
	event(K_ANON, 4);
	assert_false(event(K_SLAB_UNRECL, -2));
	assert_int_equal(st.clamped, 1);
	assert_false(event(K_SLAB_UNRECL, -1));		/* still below */
	assert_int_equal(st.clamped, 1);
	assert_int_equal(st.value[UNIQUE_SLAB], -3 * (__s64)PAGE);
	assert_false(event(K_SLAB_UNRECL, 2));		/* -1 reads as 0 */
	assert_int_equal(st.peak, 4 * PAGE);
	assert_true(event(K_SLAB_UNRECL, 3));
	assert_int_equal(st.peak, 6 * PAGE);
	assert_int_equal(st.at_peak.item[UNIQUE_SLAB], 2 * PAGE);
}

/* A seed (an existing cgroup's memory.stat) is where the peak starts. */
static void test_seeded(void **state)
{
	struct unique_breakdown b;

	(void)state;
	st.value[UNIQUE_ANON] = 100 * PAGE;
	st.value[UNIQUE_SHMEM] = 7 * PAGE;
	unique_exact_now(&st, &st.at_peak);
	st.peak = unique_sum(&st.at_peak);
	assert_false(event(K_ANON, -50));
	assert_false(event(K_ANON, 49));
	assert_int_equal(st.peak, 107 * PAGE);
	assert_true(event(K_PERCPU, 2));	/* 99 + 7 + 2 */
	assert_int_equal(st.peak, 108 * PAGE);
	unique_exact_now(&st, &b);
	assert_memory_equal(&b, &st.at_peak, sizeof(b));
}

/* Other page sizes: 64 KiB pages (page_shift 16). */
static void test_page_shift(void **state)
{
	(void)state;
	unique_exact_apply(&st, UNIQUE_ANON, 3, 16);
	unique_exact_apply(&st, UNIQUE_ANON, -1, 16);
	assert_int_equal(st.value[UNIQUE_ANON], 2 << 16);
	assert_int_equal(st.peak, 3 << 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_items, setup),
		cmocka_unit_test_setup(test_breakdown_at_peak, setup),
		cmocka_unit_test_setup(test_mapped_shmem_once, setup),
		cmocka_unit_test_setup(test_clamped, setup),
		cmocka_unit_test_setup(test_seeded, setup),
		cmocka_unit_test_setup(test_page_shift, setup),
	};

	return cmocka_run_group_tests_name("unique_events", tests, NULL, NULL);
}
