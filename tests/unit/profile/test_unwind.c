// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/profile/unwind.c: perf map files (untrusted input),
 * frame names made safe, and a real unwind of this test's own stack.
 */
#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "profile/unwind.h"

static void test_perf_map(void **state)
{
	const char *map = "7f0000001000 100 LazyCompile:~foo x.js:1\n"
			  "garbage line\n"
			  "zz 10 bad start\n"
			  "7f0000002000 zz bad size\n"
			  "7f0000003000 10 bar\n"
			  "7f0000004000 10 no newline at the end";
	char name[64];

	(void)state;
	assert_int_equal(unwind_perf_map_lookup(map, 0x7f0000001000, name,
						sizeof(name)), 0);
	assert_string_equal(name, "LazyCompile:~foo x.js:1");
	assert_int_equal(unwind_perf_map_lookup(map, 0x7f00000010ff, name,
						sizeof(name)), 0);
	assert_int_equal(unwind_perf_map_lookup(map, 0x7f0000001100, name,
						sizeof(name)), -ENOENT);
	assert_int_equal(unwind_perf_map_lookup(map, 0x7f000000300f, name,
						sizeof(name)), 0);
	assert_string_equal(name, "bar");
	assert_int_equal(unwind_perf_map_lookup(map, 0x7f0000004000, name,
						sizeof(name)), 0);
	assert_string_equal(name, "no newline at the end");
	/* a long name is cut, never overflows */
	assert_int_equal(unwind_perf_map_lookup(map, 0x7f0000004000, name, 6),
			 0);
	assert_string_equal(name, "no ne");
	assert_int_equal(unwind_perf_map_lookup("", 1, name, sizeof(name)),
			 -ENOENT);
}

static void test_clean_name(void **state)
{
	char name[] = "a;b\nc\td\x7f" "e f";

	(void)state;
	unwind_clean_name(name);
	assert_string_equal(name, "a:b?c?d?e f");
}

/*
 * Registers and stack of this very function, as BPF would copy them. The
 * raw copy reads the callers' frames, ASan's redzones included: byte by
 * byte and uninstrumented, since memcpy's interceptor would check them.
 */
static __attribute__((noinline, no_sanitize_address)) void
capture(struct prof_sample *s)
{
	const volatile unsigned char *top;
	uint64_t sp, ip;
	uint32_t i;

	__asm__ volatile("lea 0(%%rip), %0\n\tmov %%rsp, %1"
			 : "=r"(ip), "=r"(sp));
	memset(s, 0, sizeof(*s));
	s->h.kind = PROF_FAULT;
	s->h.pid = getpid();
	s->regs[PROF_REG_SP] = sp;
	s->regs[PROF_REG_IP] = ip;
	__asm__ volatile("mov %%rbp, %0" : "=r"(s->regs[6]));
	s->stack_len = 1024;
	top = (const volatile unsigned char *)sp;
	for (i = 0; i < s->stack_len; i++)
		s->stack[i] = top[i];
	strcpy(s->comm, "self");
}

static __attribute__((noinline)) uint32_t outer_caller(struct unwinder *u,
						       struct stacks *st,
						       struct prof_sample *s)
{
	capture(s);
	return unwind_sample(u, s, "[kernel] leaf", st);
}

static void test_unwind_self(void **state)
{
	static struct prof_sample s;
	struct unwinder *u = unwind_new();
	struct stacks st = {};
	uint32_t id, i;
	int found = 0;

	(void)state;
	assert_non_null(u);
	unwind_capture(u, getpid(), getppid());
	id = outer_caller(u, &st, &s);
	assert_int_not_equal(id, UINT32_MAX);
	assert_string_equal(st.names.s[st.v[id].frames[0]], "self");
	assert_string_equal(st.names.s[st.v[id].frames[st.v[id].n - 1]],
			    "[kernel] leaf");
	for (i = 0; i < st.v[id].n; i++)
		/* gcc may name a clone capture.constprop.0 */
		found |= !strncmp(st.names.s[st.v[id].frames[i]], "capture", 7);
	assert_true(found);
	stacks_free(&st);
	unwind_free(u);
}

/* A frame-pointer chain as BPF copies it, broken past its second frame. */
static int data_object = 1;

static __attribute__((noinline)) void chain_leaf(void)
{
	__asm__ volatile("");
}

static __attribute__((noinline)) void chain_caller(void)
{
	chain_leaf();
	__asm__ volatile("");
}

static void test_unwind_stops_at_data(void **state)
{
	static struct prof_sample s;
	struct unwinder *u = unwind_new();
	struct stacks st = {};
	const char *const want[] = { "self", "chain_caller", "chain_leaf",
				     "[kernel] leaf" };
	uint32_t id, i;

	(void)state;
	assert_non_null(u);
	chain_caller();
	memset(&s, 0, sizeof(s));
	s.h.kind = PROF_FAULT;
	s.h.pid = getpid();
	strcpy(s.comm, "self");
	/* no registers: the frame-pointer walk is all there is */
	s.ips[0] = (uint64_t)(uintptr_t)chain_leaf;
	/* return addresses: one past a call, looked up one byte back */
	s.ips[1] = (uint64_t)(uintptr_t)chain_caller + 1;
	s.ips[2] = (uint64_t)(uintptr_t)&data_object + 1;
	s.ips[3] = 0x2;
	s.ips[4] = (uint64_t)(uintptr_t)chain_caller + 1;
	s.nr_ips = 5;
	unwind_capture(u, getpid(), getppid());
	id = unwind_sample(u, &s, "[kernel] leaf", &st);
	assert_int_not_equal(id, UINT32_MAX);
	assert_int_equal(st.v[id].n, 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(st.names.s[st.v[id].frames[i]], want[i]);
	/* the second time, the names come from the cache: the same stack */
	assert_int_equal(unwind_sample(u, &s, "[kernel] leaf", &st), id);
	stacks_free(&st);
	unwind_free(u);
}

/*
 * A caller in a library loaded after the process's maps were read (as
 * Python's extension modules are): the maps are read again to name it.
 */
static void test_unwind_library_loaded_later(void **state)
{
	static struct prof_sample s;
	struct unwinder *u = unwind_new();
	struct stacks st = {};
	const char *name;
	void *lib, *fn;
	uint32_t id;

	(void)state;
	assert_non_null(u);
	unwind_capture(u, getpid(), getppid());
	lib = dlopen("libcrypt.so.1", RTLD_NOW | RTLD_LOCAL);
	fn = lib ? dlsym(lib, "crypt") : NULL;
	if (!fn) {
		unwind_free(u);
		skip();
	}
	memset(&s, 0, sizeof(s));
	s.h.kind = PROF_FAULT;
	s.h.pid = getpid();
	strcpy(s.comm, "self");
	s.ips[0] = (uint64_t)(uintptr_t)chain_leaf;
	s.ips[1] = (uint64_t)(uintptr_t)fn + 1;
	s.nr_ips = 2;
	id = unwind_sample(u, &s, NULL, &st);
	assert_int_not_equal(id, UINT32_MAX);
	assert_int_equal(st.v[id].n, 3);
	name = st.names.s[st.v[id].frames[1]];
	assert_true(strncmp(name, "[unknown]", 9) != 0);
	assert_string_equal(st.names.s[st.v[id].frames[2]], "chain_leaf");
	stacks_free(&st);
	unwind_free(u);
	dlclose(lib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_perf_map),
		cmocka_unit_test(test_clean_name),
		cmocka_unit_test(test_unwind_self),
		cmocka_unit_test(test_unwind_stops_at_data),
		cmocka_unit_test(test_unwind_library_loaded_later),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
