// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/model/attrib.c and stacks.c: at-peak attribution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "model/attrib.h"

#define MM 0xffff888000001000ULL
#define S 4096ULL	/* a sample's weight */

struct fx {
	struct attrib a;
	struct stacks st;
	uint32_t id[4];
};

static uint32_t stack_of(struct stacks *st, const char *leaf)
{
	const char *names[] = { "prog", "main", leaf };

	return stacks_intern_names(st, names, 3);
}

static void fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	f->id[0] = stack_of(&f->st, "a");
	f->id[1] = stack_of(&f->st, "b");
	f->id[2] = stack_of(&f->st, "c");
	f->id[3] = stack_of(&f->st, "threads");
}

static void fx_free(struct fx *f)
{
	attrib_free(&f->a);
	stacks_free(&f->st);
}

static void fault(struct fx *f, uint64_t ts, uint32_t pid, int stack,
		  uint64_t addr)
{
	struct attrib_event e = { .ts = ts, .kind = PROF_FAULT, .pid = pid,
				  .mm = MM + pid, .addr = addr, .weight = S,
				  .stack = f->id[stack] };

	assert_int_equal(attrib_add(&f->a, &e), 0);
}

static void note(struct fx *f, uint64_t ts, uint32_t kind, uint32_t pid,
		 uint64_t addr, uint64_t end, uint64_t addr2, uint64_t end2)
{
	struct attrib_event e = { .ts = ts, .kind = kind, .pid = pid,
				  .tid = pid, .mm = MM + pid, .addr = addr,
				  .end = end, .addr2 = addr2, .end2 = end2 };

	assert_int_equal(attrib_add(&f->a, &e), 0);
}

static uint64_t value(struct fx *f, int stack, enum stack_value v)
{
	return f->st.v[f->id[stack]].v[v];
}

static void test_stacks_intern(void **state)
{
	struct stacks st = {};
	const char *x[] = { "p", "f", "g" }, *y[] = { "p", "f" };
	uint32_t a, b, c;

	(void)state;
	a = stacks_intern_names(&st, x, 3);
	b = stacks_intern_names(&st, y, 2);
	c = stacks_intern_names(&st, x, 3);
	assert_int_equal(a, c);
	assert_int_not_equal(a, b);
	assert_int_equal(st.n, 2);
	assert_int_equal(st.names.n, 3);
	assert_string_equal(st.names.s[st.v[b].frames[1]], "f");
	stacks_free(&st);
}

/* Freed before the peak: 0 at peak; kept: all; after the peak: 0. */
static void test_unmap_before_and_after_peak(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	fault(&f, 10, 1, 0, 0x1000);
	fault(&f, 11, 1, 0, 0x2000);
	note(&f, 20, PROF_UNMAP, 1, 0x1000, 0x3000, 0, 0);
	fault(&f, 30, 1, 1, 0x5000);
	fault(&f, 31, 1, 1, 0x6000);
	/* peak at 40 */
	fault(&f, 50, 1, 2, 0x9000);
	note(&f, 60, PROF_UNMAP, 1, 0x5000, 0x6000, 0, 0);
	assert_int_equal(attrib_run(&f.a, 40, &f.st), 0);
	assert_int_equal(value(&f, 0, STACK_PEAK), 0);
	assert_int_equal(value(&f, 0, STACK_FAULTED), 2 * S);
	assert_int_equal(value(&f, 1, STACK_PEAK), 2 * S);
	assert_int_equal(value(&f, 2, STACK_PEAK), 0);
	assert_int_equal(value(&f, 2, STACK_FAULTED), S);
	fx_free(&f);
}

/* Events arrive out of order across CPUs: attribution sorts them. */
static void test_out_of_order(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	note(&f, 20, PROF_UNMAP, 1, 0x1000, 0x2000, 0, 0);
	fault(&f, 10, 1, 0, 0x1000);
	assert_int_equal(attrib_run(&f.a, 30, &f.st), 0);
	assert_int_equal(value(&f, 0, STACK_PEAK), 0);
	fx_free(&f);
}

static void test_brk_shrink(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	note(&f, 1, PROF_BRK, 1, 0x10000, 0, 0, 0);
	fault(&f, 2, 1, 0, 0x10000);
	note(&f, 3, PROF_BRK, 1, 0x30000, 0, 0, 0);
	fault(&f, 4, 1, 1, 0x20000);
	fault(&f, 5, 1, 1, 0x2f000);
	note(&f, 6, PROF_BRK, 1, 0x20000, 0, 0, 0);
	assert_int_equal(attrib_run(&f.a, 10, &f.st), 0);
	assert_int_equal(value(&f, 0, STACK_PEAK), S);
	assert_int_equal(value(&f, 1, STACK_PEAK), 0);
	fx_free(&f);
}

/* mremap moves samples; what falls past the new end is gone. */
static void test_mremap(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	fault(&f, 1, 1, 0, 0x1000);
	fault(&f, 2, 1, 1, 0x3000);
	note(&f, 3, PROF_MOVE, 1, 0x1000, 0x5000, 0x80000, 0x82000);
	/* the moved sample now dies with its new range */
	note(&f, 4, PROF_UNMAP, 1, 0x80000, 0x81000, 0, 0);
	note(&f, 5, PROF_UNMAP, 1, 0x1000, 0x5000, 0, 0);
	assert_int_equal(attrib_run(&f.a, 10, &f.st), 0);
	assert_int_equal(value(&f, 0, STACK_PEAK), 0);
	assert_int_equal(value(&f, 1, STACK_PEAK), 0);
	fx_free(&f);
}

static void test_mremap_keeps(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	fault(&f, 1, 1, 0, 0x1000);
	note(&f, 3, PROF_MOVE, 1, 0x1000, 0x5000, 0x80000, 0x90000);
	/* the old range is gone, but the sample moved away from it */
	note(&f, 5, PROF_UNMAP, 1, 0x1000, 0x5000, 0, 0);
	assert_int_equal(attrib_run(&f.a, 10, &f.st), 0);
	assert_int_equal(value(&f, 0, STACK_PEAK), S);
	fx_free(&f);
}

/* An exit or exec ends every sample of the process, addressed or not. */
static void test_gone(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f);
	fault(&f, 1, 1, 0, 0);
	fault(&f, 2, 2, 1, 0x1000);
	note(&f, 3, PROF_GONE, 1, 0, 0, 0, 0);
	/* after its exec, pid 2's new samples live on */
	note(&f, 4, PROF_GONE, 2, 0, 0, 0, 0);
	fault(&f, 5, 2, 2, 0x1000);
	assert_int_equal(attrib_run(&f.a, 10, &f.st), 0);
	assert_int_equal(value(&f, 0, STACK_PEAK), 0);
	assert_int_equal(value(&f, 1, STACK_PEAK), 0);
	assert_int_equal(value(&f, 2, STACK_PEAK), S);
	fx_free(&f);
}

/* Kernel objects: alive until their task ends; counted as kernel bytes. */
/* Page tables count as kernel bytes and live as the range they map. */
static void test_page_tables(void **state)
{
	struct attrib_event e = { .ts = 11, .kind = PROF_PGTABLE, .pid = 1,
				  .mm = MM + 1, .addr = 0x200000, .weight = S };
	struct fx f;

	(void)state;
	fx_init(&f);
	e.stack = f.id[0];
	fault(&f, 10, 1, 0, 0x200000);
	assert_int_equal(attrib_add(&f.a, &e), 0);
	e.ts = 13;
	e.addr = 0x400000;
	e.stack = f.id[1];
	assert_int_equal(attrib_add(&f.a, &e), 0);
	note(&f, 20, PROF_UNMAP, 1, 0x200000, 0x400000, 0, 0);
	/* peak at 30: the first range is gone, the second stays */
	assert_int_equal(attrib_run(&f.a, 30, &f.st), 0);
	assert_int_equal(value(&f, 0, STACK_FAULTED), S);
	assert_int_equal(value(&f, 0, STACK_KERNEL), S);
	assert_int_equal(value(&f, 0, STACK_PEAK), 0);
	assert_int_equal(value(&f, 1, STACK_KERNEL), S);
	assert_int_equal(value(&f, 1, STACK_FAULTED), 0);
	assert_int_equal(value(&f, 1, STACK_PEAK), S);
	fx_free(&f);
}

static void test_kernel_tasks(void **state)
{
	struct attrib_event e = { .kind = PROF_THREAD, .pid = 1, .mm = MM,
				  .weight = 3 * S };
	struct fx f;

	(void)state;
	fx_init(&f);
	e.stack = f.id[3];
	e.ts = 1;
	e.tid = 100;
	assert_int_equal(attrib_add(&f.a, &e), 0);
	e.ts = 2;
	e.tid = 101;
	assert_int_equal(attrib_add(&f.a, &e), 0);
	note(&f, 3, PROF_TASK_END, 100, 0, 0, 0, 0);
	assert_int_equal(attrib_run(&f.a, 5, &f.st), 0);
	assert_int_equal(value(&f, 3, STACK_KERNEL), 6 * S);
	assert_int_equal(value(&f, 3, STACK_FAULTED), 0);
	assert_int_equal(value(&f, 3, STACK_PEAK), 3 * S);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stacks_intern),
		cmocka_unit_test(test_unmap_before_and_after_peak),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_brk_shrink),
		cmocka_unit_test(test_mremap),
		cmocka_unit_test(test_mremap_keeps),
		cmocka_unit_test(test_gone),
		cmocka_unit_test(test_kernel_tasks),
		cmocka_unit_test(test_page_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
