// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/output/timeline_csv.c: the --timeline CSV rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "output/timeline_csv.h"

#define MIB (1024ULL * 1024ULL)
#define CSV_COLUMNS 14

/* A sample whose every field differs, so a swapped column shows. */
static struct tl_sample raw(size_t i)
{
	struct tl_sample s = {
		.t = (double)i / 100, .processes = i + 1, .threads = i + 2,
		.anon = (i + 1) * MIB, .file = 2 * i + 3, .shmem = 3 * i + 4,
		.kmem = 4096 + i,
	};

	s.rss = s.anon + s.file + s.shmem;
	s.footprint = s.rss + s.kmem;
	s.max_rss = s.rss + 1000 * MIB + i;
	s.max_footprint = s.max_rss + s.kmem + 77 * MIB;
	return s;
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
				 "max_footprint_bytes,kernel_bytes,"
				 "unique_bytes\n");
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
	/* no memory cgroup: empty */
	assert_string_equal(f[13], "");
	free(out);
	s.unique = 259 << 20;
	out = csv(timeline_csv_row, &s);
	assert_int_equal(split_csv(out, f, CSV_COLUMNS + 1), CSV_COLUMNS);
	assert_int_equal(strtoull(f[13], NULL, 10), s.unique);
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
		cmocka_unit_test(test_csv_header),
		cmocka_unit_test(test_csv_tree_row),
		cmocka_unit_test(test_csv_process_row),
		cmocka_unit_test(test_csv_quoting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
