// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/kobj.c: /proc/slabinfo text into kernel object sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "model/kobj.h"

#define HEADER \
	"slabinfo - version: 2.1\n" \
	"# name            <active_objs> <num_objs> <objsize> <objperslab> " \
	"<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : " \
	"slabdata <active_slabs> <num_slabs> <sharedavail>\n"

/* One slabinfo line as the kernel prints it, with objsize size. */
#define LINE(name, size) \
	name "          160    160   " #size "    5    8 : tunables    0    " \
	"0    0 : slabdata     32     32      0\n"

/* A 6.x x86_64 kernel's /proc/slabinfo, cut down, with every cache. */
static const char full[] =
	HEADER
	LINE("btrfs_delayed_node", 312)
	LINE("vm_area_struct", 192)
	LINE("files_cache", 704)
	LINE("signal_cache", 1152)
	LINE("kmalloc-8k", 8192)
	LINE("sighand_cache", 2112)
	LINE("task_struct", 5888)
	LINE("mm_struct", 1600)
	LINE("kmalloc-8", 8);

/* Any value parse must overwrite (absent caches are 0, not left over). */
static void poison(uint64_t objsize[KOBJ_NR])
{
	int i;

	for (i = 0; i < KOBJ_NR; i++)
		objsize[i] = 0xdeadbeef;
}

static void expect_all_zero(const uint64_t objsize[KOBJ_NR])
{
	int i;

	for (i = 0; i < KOBJ_NR; i++)
		assert_int_equal(objsize[i], 0);
}

static void test_cache_table(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < KOBJ_NR; i++) {
		assert_non_null(kobj_caches[i].slab);
		assert_non_null(kobj_caches[i].type);
	}
	assert_string_equal(kobj_caches[KOBJ_TASK_STRUCT].slab, "task_struct");
	assert_string_equal(kobj_caches[KOBJ_MM_STRUCT].slab, "mm_struct");
	assert_string_equal(kobj_caches[KOBJ_VMA].slab, "vm_area_struct");
	assert_string_equal(kobj_caches[KOBJ_SIGNAL].slab, "signal_cache");
	assert_string_equal(kobj_caches[KOBJ_SIGHAND].slab, "sighand_cache");
	assert_string_equal(kobj_caches[KOBJ_FILES].slab, "files_cache");
	assert_string_equal(kobj_caches[KOBJ_SIGNAL].type, "signal_struct");
	assert_string_equal(kobj_caches[KOBJ_SIGHAND].type, "sighand_struct");
	assert_string_equal(kobj_caches[KOBJ_FILES].type, "files_struct");
}

static void test_all_present(void **state)
{
	uint64_t size[KOBJ_NR];

	(void)state;
	poison(size);
	assert_int_equal(kobj_parse_slabinfo(full, size), KOBJ_NR);
	assert_int_equal(size[KOBJ_TASK_STRUCT], 5888);
	assert_int_equal(size[KOBJ_MM_STRUCT], 1600);
	assert_int_equal(size[KOBJ_VMA], 192);
	assert_int_equal(size[KOBJ_SIGNAL], 1152);
	assert_int_equal(size[KOBJ_SIGHAND], 2112);
	assert_int_equal(size[KOBJ_FILES], 704);
}

/* Merged caches (SLUB aliases) are missing from slabinfo: they stay 0. */
static void test_some_absent(void **state)
{
	static const char text[] = HEADER
		LINE("task_struct", 5888)
		LINE("kmalloc-192", 192)
		LINE("sighand_cache", 2112);
	uint64_t size[KOBJ_NR];

	(void)state;
	poison(size);
	assert_int_equal(kobj_parse_slabinfo(text, size), 2);
	assert_int_equal(size[KOBJ_TASK_STRUCT], 5888);
	assert_int_equal(size[KOBJ_SIGHAND], 2112);
	assert_int_equal(size[KOBJ_MM_STRUCT], 0);
	assert_int_equal(size[KOBJ_VMA], 0);
	assert_int_equal(size[KOBJ_SIGNAL], 0);
	assert_int_equal(size[KOBJ_FILES], 0);
}

static void test_header_only(void **state)
{
	uint64_t size[KOBJ_NR];

	(void)state;
	poison(size);
	assert_int_equal(kobj_parse_slabinfo(HEADER, size), 0);
	expect_all_zero(size);
}

static void test_empty(void **state)
{
	uint64_t size[KOBJ_NR];

	(void)state;
	poison(size);
	assert_int_equal(kobj_parse_slabinfo("", size), 0);
	expect_all_zero(size);
	poison(size);
	assert_int_equal(kobj_parse_slabinfo("\n\n\n", size), 0);
	expect_all_zero(size);
}

/* The last line may lack its newline; a line may start with blanks. */
static void test_line_edges(void **state)
{
	static const char text[] = HEADER
		"  mm_struct 100 100 1600 20 8\n"
		"task_struct\t160\t160\t5888";
	uint64_t size[KOBJ_NR];

	(void)state;
	assert_int_equal(kobj_parse_slabinfo(text, size), 2);
	assert_int_equal(size[KOBJ_MM_STRUCT], 1600);
	assert_int_equal(size[KOBJ_TASK_STRUCT], 5888);
}

/* A name is matched whole: prefixes, suffixes and memcg copies are not it. */
static void test_similar_names(void **state)
{
	static const char text[] = HEADER
		LINE("task_struct_ext", 1)
		LINE("xtask_struct", 2)
		LINE("task_struct(12:user.slice)", 3)
		LINE("mm_struct2", 4)
		LINE("mm_", 5)
		LINE("TASK_STRUCT", 6)
		LINE("vm_area_struct:", 7)
		LINE("files_cache", 704);
	uint64_t size[KOBJ_NR];

	(void)state;
	poison(size);
	assert_int_equal(kobj_parse_slabinfo(text, size), 1);
	assert_int_equal(size[KOBJ_FILES], 704);
	assert_int_equal(size[KOBJ_TASK_STRUCT], 0);
	assert_int_equal(size[KOBJ_MM_STRUCT], 0);
	assert_int_equal(size[KOBJ_VMA], 0);
}

/* The first line of a name wins, and is counted once. */
static void test_duplicate_names(void **state)
{
	static const char text[] = HEADER
		LINE("task_struct", 5888)
		LINE("mm_struct", 1600)
		LINE("task_struct", 9999)
		LINE("task_struct", 7777);
	uint64_t size[KOBJ_NR];

	(void)state;
	assert_int_equal(kobj_parse_slabinfo(text, size), 2);
	assert_int_equal(size[KOBJ_TASK_STRUCT], 5888);
	assert_int_equal(size[KOBJ_MM_STRUCT], 1600);
}

/* Lines without three numbers after the name are skipped, not fatal. */
static void test_malformed_lines(void **state)
{
	static const char text[] = HEADER
		"task_struct\n"
		"mm_struct 100 100\n"
		"vm_area_struct a b c d\n"
		"signal_cache 163 224 x1152 14 4\n"
		": tunables 0 0 0\n"
		"sighand_cache 150 150 : tunables 0 0 0\n"
		"files_cache -\n"
		"   \n"
		"\t\n";
	uint64_t size[KOBJ_NR];

	(void)state;
	poison(size);
	assert_int_equal(kobj_parse_slabinfo(text, size), 0);
	expect_all_zero(size);
}

/* A malformed line leaves the good lines around it alone. */
static void test_malformed_between_good(void **state)
{
	static const char text[] = HEADER
		LINE("task_struct", 5888)
		"garbage garbage garbage\n"
		"mm_struct 100\n"
		LINE("mm_struct", 1600)
		"\n"
		LINE("files_cache", 704);
	uint64_t size[KOBJ_NR];

	(void)state;
	assert_int_equal(kobj_parse_slabinfo(text, size), 3);
	assert_int_equal(size[KOBJ_TASK_STRUCT], 5888);
	assert_int_equal(size[KOBJ_MM_STRUCT], 1600);
	assert_int_equal(size[KOBJ_FILES], 704);
}

/*
 * The text is parsed line by line: a short line must not take its
 * numbers from the next one.
 */
static void test_short_line_keeps_to_itself(void **state)
{
	static const char text[] = HEADER
		"task_struct 160 160\n"
		"5888 5 8 : tunables 0 0 0 : slabdata 32 32 0\n"
		"mm_struct\n"
		"100 100 1600 20 8\n";
	uint64_t size[KOBJ_NR];
	int found;

	(void)state;
	found = kobj_parse_slabinfo(text, size);
	if (size[KOBJ_TASK_STRUCT] || size[KOBJ_MM_STRUCT])
		fail_msg("numbers taken from the next line: task_struct %llu, "
			 "mm_struct %llu (expected 0 and 0)",
			 (unsigned long long)size[KOBJ_TASK_STRUCT],
			 (unsigned long long)size[KOBJ_MM_STRUCT]);
	assert_int_equal(found, 0);
}

/* An object size is a plain number: a sign makes the line malformed. */
static void test_negative_size(void **state)
{
	static const char text[] = HEADER
		"task_struct 160 160 -5888 5 8\n";
	uint64_t size[KOBJ_NR];

	(void)state;
	kobj_parse_slabinfo(text, size);
	if (size[KOBJ_TASK_STRUCT])
		fail_msg("'-5888' read as task_struct size %llu (expected 0)",
			 (unsigned long long)size[KOBJ_TASK_STRUCT]);
}

/* A huge line (a long name, then junk) does not hide the next lines. */
static void test_very_long_line(void **state)
{
	size_t junk = 256 * 1024, len = 0;
	uint64_t size[KOBJ_NR];
	char *text;

	(void)state;
	text = malloc(junk + 4096);
	assert_non_null(text);
	len += (size_t)sprintf(text + len, "%s", HEADER);
	/* a 64-byte-plus name: past the parser's 63-character field */
	memset(text + len, 'x', 100);
	len += 100;
	len += (size_t)sprintf(text + len, " 1 1 4242 1 1\n");
	memset(text + len, 'z', junk);
	len += junk;
	len += (size_t)sprintf(text + len, " 1 2 3\n%s%s",
			       LINE("task_struct", 5888),
			       LINE("vm_area_struct", 192));
	assert_int_equal(kobj_parse_slabinfo(text, size), 2);
	assert_int_equal(size[KOBJ_TASK_STRUCT], 5888);
	assert_int_equal(size[KOBJ_VMA], 192);
	free(text);
}

/* Thousands of caches, as on a machine with many memcg copies. */
static void test_many_lines(void **state)
{
	size_t cap = 5000 * 128, len = 0;
	uint64_t size[KOBJ_NR];
	char *text;
	int i;

	(void)state;
	text = malloc(cap);
	assert_non_null(text);
	len += (size_t)snprintf(text, cap, "%s", HEADER);
	for (i = 0; i < 5000; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"cache_%d %d %d %d 1 1\n", i, i, i, i);
	snprintf(text + len, cap - len, "%s", LINE("signal_cache", 1152));
	assert_int_equal(kobj_parse_slabinfo(text, size), 1);
	assert_int_equal(size[KOBJ_SIGNAL], 1152);
	free(text);
}

static void test_sizes_from(void **state)
{
	uint64_t size[KOBJ_NR] = {
		[KOBJ_TASK_STRUCT] = 5888,
		[KOBJ_MM_STRUCT] = 1600,
		[KOBJ_VMA] = 192,
		[KOBJ_SIGNAL] = 1152,
		[KOBJ_SIGHAND] = 2112,
		[KOBJ_FILES] = 704,
	};
	struct kobj_sizes k;

	(void)state;
	memset(&k, 0xff, sizeof(k));
	kobj_sizes_from(size, 16384, &k);
	assert_int_equal(k.task_struct, 5888);
	assert_int_equal(k.kstack, 16384);
	assert_int_equal(k.proc, 1152 + 2112 + 704);
	assert_int_equal(k.mm, 1600);
	assert_int_equal(k.vma, 192);
}

/* Absent caches count as 0: a lower bound, never garbage. */
static void test_sizes_from_absent(void **state)
{
	uint64_t size[KOBJ_NR] = { 0 };
	struct kobj_sizes k;

	(void)state;
	memset(&k, 0xff, sizeof(k));
	kobj_sizes_from(size, 0, &k);
	assert_int_equal(k.task_struct, 0);
	assert_int_equal(k.kstack, 0);
	assert_int_equal(k.proc, 0);
	assert_int_equal(k.mm, 0);
	assert_int_equal(k.vma, 0);

	size[KOBJ_SIGHAND] = 2112;
	kobj_sizes_from(size, 8192, &k);
	assert_int_equal(k.proc, 2112);
	assert_int_equal(k.kstack, 8192);
}

static void test_parse_then_fold(void **state)
{
	uint64_t size[KOBJ_NR];
	struct kobj_sizes k;

	(void)state;
	assert_int_equal(kobj_parse_slabinfo(full, size), KOBJ_NR);
	kobj_sizes_from(size, 16384, &k);
	assert_int_equal(k.task_struct, 5888);
	assert_int_equal(k.kstack, 16384);
	assert_int_equal(k.proc, 3968);
	assert_int_equal(k.mm, 1600);
	assert_int_equal(k.vma, 192);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_table),
		cmocka_unit_test(test_all_present),
		cmocka_unit_test(test_some_absent),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_line_edges),
		cmocka_unit_test(test_similar_names),
		cmocka_unit_test(test_duplicate_names),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_malformed_between_good),
		cmocka_unit_test(test_short_line_keeps_to_itself),
		cmocka_unit_test(test_negative_size),
		cmocka_unit_test(test_very_long_line),
		cmocka_unit_test(test_many_lines),
		cmocka_unit_test(test_sizes_from),
		cmocka_unit_test(test_sizes_from_absent),
		cmocka_unit_test(test_parse_then_fold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
