// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/timeline.c: the bounded series and its CSV rows. */
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
#define CSV_COLUMNS 13

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

static char *csv(void (*fn)(FILE *f, const struct tl_sample *s),
		 const struct tl_sample *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	fn(f, s);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void header(FILE *f, const struct tl_sample *s)
{
	(void)s;
	timeline_csv_header(f);
}

/*
 * The fields of one CSV line (RFC 4180: a quoted field may hold commas
 * and doubled quotes), into fields[] of size 64 each; their count.
 */
static size_t split_csv(const char *line, char fields[][64], size_t max)
{
	size_t n = 0, len;
	const char *c = line;

	for (;;) {
		char *out;

		assert_true(n < max);
		out = fields[n++];
		len = 0;
		if (*c == '"') {
			for (c++; *c && !(*c == '"' && c[1] != '"'); c++) {
				if (*c == '"')
					c++;
				assert_true(len < 63);
				out[len++] = *c;
			}
			assert_int_equal(*c, '"');
			c++;
		} else {
			while (*c && *c != ',' && *c != '\n') {
				assert_true(len < 63);
				out[len++] = *c++;
			}
		}
		out[len] = '\0';
		if (*c != ',')
			break;
		c++;
	}
	assert_string_equal(c, "\n");
	return n;
}

static void test_csv_header(void **state)
{
	char *out = csv(header, NULL);
	char f[CSV_COLUMNS + 1][64];

	(void)state;
	/* the columns the README documents, in its order */
	assert_string_equal(out, "time_s,pid,comm,processes,threads,rss_bytes,"
				 "anon_bytes,file_bytes,shmem_bytes,"
				 "max_rss_bytes,footprint_bytes,"
				 "max_footprint_bytes,kernel_bytes\n");
	assert_int_equal(split_csv(out, f, CSV_COLUMNS + 1), CSV_COLUMNS);
	free(out);
}

static void test_csv_tree_row(void **state)
{
	struct tl_sample s = raw(3);
	char f[CSV_COLUMNS + 1][64];
	char *out;

	(void)state;
	s.t = 1.25;
	/* the tree's row is named (tree), whatever its comm holds */
	snprintf(s.comm, sizeof(s.comm), "junk");
	out = csv(timeline_csv_row, &s);
	assert_int_equal(split_csv(out, f, CSV_COLUMNS + 1), CSV_COLUMNS);
	assert_string_equal(f[0], "1.250000");
	assert_string_equal(f[1], "0");
	assert_string_equal(f[2], "(tree)");
	assert_int_equal(strtoull(f[3], NULL, 10), s.processes);
	assert_int_equal(strtoull(f[4], NULL, 10), s.threads);
	assert_int_equal(strtoull(f[5], NULL, 10), s.rss);
	assert_int_equal(strtoull(f[6], NULL, 10), s.anon);
	assert_int_equal(strtoull(f[7], NULL, 10), s.file);
	assert_int_equal(strtoull(f[8], NULL, 10), s.shmem);
	assert_int_equal(strtoull(f[9], NULL, 10), s.max_rss);
	assert_int_equal(strtoull(f[10], NULL, 10), s.footprint);
	assert_int_equal(strtoull(f[11], NULL, 10), s.max_footprint);
	assert_int_equal(strtoull(f[12], NULL, 10), s.kmem);
	free(out);
}

static void test_csv_process_row(void **state)
{
	struct tl_sample s = raw(2);
	char f[CSV_COLUMNS + 1][64];
	char *out;

	(void)state;
	s.pid = 4242;
	s.max_rss = UINT64_MAX;		/* no field is cut or signed */
	snprintf(s.comm, sizeof(s.comm), "worker");
	out = csv(timeline_csv_row, &s);
	assert_int_equal(split_csv(out, f, CSV_COLUMNS + 1), CSV_COLUMNS);
	assert_string_equal(f[1], "4242");
	assert_string_equal(f[2], "worker");
	assert_string_equal(f[9], "18446744073709551615");
	free(out);
}

/* A comm may hold anything but NUL: quotes, commas, control characters. */
static void test_csv_quoting(void **state)
{
	struct tl_sample s = raw(1);
	char f[CSV_COLUMNS + 1][64];
	char *out;

	(void)state;
	s.pid = 7;
	snprintf(s.comm, sizeof(s.comm), "a\"b,c\nd\"");
	out = csv(timeline_csv_row, &s);
	/* one line: the newline became '?' */
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	assert_non_null(strstr(out, ",\"a\"\"b,c?d\"\"\","));
	assert_int_equal(split_csv(out, f, CSV_COLUMNS + 1), CSV_COLUMNS);
	assert_string_equal(f[2], "a\"b,c?d\"");
	assert_int_equal(strtoull(f[12], NULL, 10), s.kmem);
	free(out);
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
		cmocka_unit_test(test_csv_header),
		cmocka_unit_test(test_csv_tree_row),
		cmocka_unit_test(test_csv_process_row),
		cmocka_unit_test(test_csv_quoting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
