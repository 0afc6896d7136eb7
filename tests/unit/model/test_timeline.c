// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/model/timeline.c: the bounded series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "model/timeline.h"

#define MIB (1024ULL * 1024ULL)

/*
 * Raw sample i of a run: at i/100 s, current values that say which sample
 * they are, and maxima with a spike at every seventh sample, so that any
 * merge that keeps the wrong maximum or the wrong current values shows.
 */
static struct tl_sample raw(size_t i)
{
	struct tl_sample s;

	memset(&s, 0, sizeof(s));
	s.t = (double)i / 100;
	s.processes = i % 5 + 1;
	s.threads = i % 9 + 1;
	s.anon = (i + 1) * MIB;
	s.file = 2 * i;
	s.shmem = 3 * i;
	s.rss = s.anon + s.file + s.shmem;
	s.kmem = 4096 + i;
	s.footprint = s.rss + s.kmem;
	s.max_rss = s.rss + (i % 7 == 3 ? 1000 * MIB + i : i % 13);
	s.max_footprint = s.max_rss + s.kmem + (i % 11 == 5 ? 77 * MIB : 0);
	return s;
}

static void add_raw(struct timeline *tl, size_t from, size_t to)
{
	struct tl_sample s;
	size_t i;

	for (i = from; i < to; i++) {
		s = raw(i);
		timeline_add(tl, &s);
		assert_true(tl->n <= tl->cap);
	}
}

/* The raw sample whose time is t (kept points carry their last one's). */
static size_t raw_index(double t)
{
	return (size_t)(t * 100 + 0.5);
}

/*
 * The series holds nraw raw samples: kept points in time order, each
 * with the current values of the last raw sample it covers and the
 * largest maxima of all it covers, every raw sample covered once.
 */
static void expect_series(const struct timeline *tl, size_t nraw)
{
	size_t k, i, first = 0;

	assert_int_equal(tl->samples, nraw);
	assert_true(tl->n >= 1 && tl->n <= tl->cap);
	for (k = 0; k < tl->n; k++) {
		const struct tl_sample *p = &tl->s[k];
		size_t last = raw_index(p->t);
		struct tl_sample want = raw(last);
		uint64_t max_rss = 0, max_fp = 0;

		if (last < first || last >= nraw)
			fail_msg("point %zu: t %.2f s covers no new raw sample "
				 "(next is %zu of %zu)", k, p->t, first, nraw);
		for (i = first; i <= last; i++) {
			struct tl_sample r = raw(i);

			if (r.max_rss > max_rss)
				max_rss = r.max_rss;
			if (r.max_footprint > max_fp)
				max_fp = r.max_footprint;
		}
		if (p->max_rss != max_rss || p->max_footprint != max_fp)
			fail_msg("point %zu (raw %zu..%zu): maxima %llu/%llu, "
				 "want %llu/%llu", k, first, last,
				 (unsigned long long)p->max_rss,
				 (unsigned long long)p->max_footprint,
				 (unsigned long long)max_rss,
				 (unsigned long long)max_fp);
		assert_int_equal(p->processes, want.processes);
		assert_int_equal(p->threads, want.threads);
		assert_int_equal(p->rss, want.rss);
		assert_int_equal(p->anon, want.anon);
		assert_int_equal(p->file, want.file);
		assert_int_equal(p->shmem, want.shmem);
		assert_int_equal(p->footprint, want.footprint);
		assert_int_equal(p->kmem, want.kmem);
		first = last + 1;
	}
	/* the newest raw sample is always the last point's */
	assert_int_equal(first, nraw);
}

static void test_init(void **state)
{
	struct timeline tl;

	(void)state;
	assert_int_equal(timeline_init(&tl, 16), 0);
	assert_non_null(tl.s);
	assert_int_equal(tl.n, 0);
	assert_int_equal(tl.cap, 16);
	assert_int_equal(tl.merge, 1);
	assert_int_equal(tl.samples, 0);
	timeline_free(&tl);
	assert_null(tl.s);
	assert_int_equal(tl.cap, 0);
	/* a series of fewer than two points could not be thinned */
	assert_int_equal(timeline_init(&tl, 0), 0);
	assert_int_equal(tl.cap, 2);
	timeline_free(&tl);
}

static void test_add_below_cap(void **state)
{
	struct timeline tl;
	size_t i;

	(void)state;
	assert_int_equal(timeline_init(&tl, 8), 0);
	add_raw(&tl, 0, 8);
	assert_int_equal(tl.n, 8);
	assert_int_equal(tl.merge, 1);
	for (i = 0; i < 8; i++) {
		struct tl_sample want = raw(i);

		assert_memory_equal(&tl.s[i], &want, sizeof(want));
	}
	expect_series(&tl, 8);
	timeline_free(&tl);
}

static void test_merge(void **state)
{
	struct tl_sample a = raw(3), b = raw(4), c = raw(4), d = raw(5);
	struct tl_sample want = b;

	(void)state;
	/* a has the larger maxima, b the later current values */
	assert_true(a.max_rss > b.max_rss && a.max_footprint > b.max_footprint);
	want.max_rss = a.max_rss;
	want.max_footprint = a.max_footprint;
	timeline_merge(&a, &b);
	assert_memory_equal(&a, &want, sizeof(a));
	/* each maximum from another one: RSS from c, footprint from d */
	c.max_rss = d.max_rss + 10;
	d.max_footprint = c.max_footprint + 10;
	want = d;
	want.max_rss = c.max_rss;
	timeline_merge(&c, &d);
	assert_memory_equal(&c, &want, sizeof(c));
}

/* One past the capacity: the series is halved, nothing lost. */
static void test_thin_once(void **state)
{
	struct timeline tl;

	(void)state;
	assert_int_equal(timeline_init(&tl, 8), 0);
	add_raw(&tl, 0, 9);
	assert_int_equal(tl.n, 5);
	assert_int_equal(tl.merge, 2);
	expect_series(&tl, 9);
	timeline_free(&tl);
}

/* Every count up to many times the capacity, even and odd capacities. */
static void test_thin_keeps_maxima(void **state)
{
	static const size_t caps[] = { 2, 3, 7, 8, 33 };
	struct timeline tl;
	size_t c, n;

	(void)state;
	for (c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		assert_int_equal(timeline_init(&tl, caps[c]), 0);
		for (n = 1; n <= 600; n++) {
			add_raw(&tl, n - 1, n);
			expect_series(&tl, n);
		}
		timeline_free(&tl);
	}
}

/* A long run at the real capacity stays bounded and half full at least. */
static void test_thin_long_run(void **state)
{
	struct timeline tl;

	(void)state;
	assert_int_equal(timeline_init(&tl, TL_MAX_POINTS), 0);
	add_raw(&tl, 0, 100000);
	assert_true(tl.n <= TL_MAX_POINTS);
	assert_true(tl.n >= TL_MAX_POINTS / 2);
	assert_int_equal(tl.merge, 32);
	expect_series(&tl, 100000);
	timeline_free(&tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_add_below_cap),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_thin_once),
		cmocka_unit_test(test_thin_keeps_maxima),
		cmocka_unit_test(test_thin_long_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
