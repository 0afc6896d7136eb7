// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/trace/btf_scan.c on a BTF blob built here by hand:
 * an int, a struct with one member, a typedef and a function, and what
 * must not be found or walked.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/btf.h>
#include "trace/btf_scan.h"

/* as the kernel's tools/include/uapi/linux/btf.h, which the uapi header lacks */
#define BTF_INFO_ENC(kind, kflag, vlen) \
	(((__u32)!!(kflag) << 31) | ((kind) << 24) | ((vlen) & BTF_MAX_VLEN))

/* "\0int\0foo\0btf_trace_x\0f\0" */
static const char strs[] = "\0int\0foo\0btf_trace_x\0f";
#define OFF_INT 1
#define OFF_FOO 5
#define OFF_TRACE 9
#define OFF_F 21

struct blob {
	struct btf_header h;
	/* [1] int */
	struct btf_type t_int;
	__u32 int_bits;
	/* [2] struct foo { int a; } */
	struct btf_type t_foo;
	struct btf_member foo_a;
	/* [3] typedef btf_trace_x -> foo */
	struct btf_type t_trace;
	/* [4] func f (its proto left out: the scan does not follow types) */
	struct btf_type t_f;
	char strs[sizeof(strs)];
} __attribute__((packed, aligned(4)));

static struct blob blob;

static int setup(void **state)
{
	(void)state;
	memset(&blob, 0, sizeof(blob));
	blob.h.magic = BTF_MAGIC;
	blob.h.version = 1;
	blob.h.hdr_len = sizeof(blob.h);
	blob.h.type_off = 0;
	blob.h.type_len = offsetof(struct blob, strs) - sizeof(blob.h);
	blob.h.str_off = blob.h.type_len;
	blob.h.str_len = sizeof(strs);
	blob.t_int.name_off = OFF_INT;
	blob.t_int.info = BTF_INFO_ENC(BTF_KIND_INT, 0, 0);
	blob.t_int.size = 4;
	blob.int_bits = 32;
	blob.t_foo.name_off = OFF_FOO;
	blob.t_foo.info = BTF_INFO_ENC(BTF_KIND_STRUCT, 0, 1);
	blob.t_foo.size = 4;
	blob.foo_a.name_off = OFF_INT;	/* any name will do */
	blob.foo_a.type = 1;
	blob.t_trace.name_off = OFF_TRACE;
	blob.t_trace.info = BTF_INFO_ENC(BTF_KIND_TYPEDEF, 0, 0);
	blob.t_trace.type = 2;
	blob.t_f.name_off = OFF_F;
	blob.t_f.info = BTF_INFO_ENC(BTF_KIND_FUNC, 0, 0);
	memcpy(blob.strs, strs, sizeof(strs));
	return 0;
}

static int find(const char *name, int kind)
{
	return btf_scan_find(&blob, sizeof(blob), name, kind);
}

static void test_finds_each_kind(void **state)
{
	(void)state;
	assert_int_equal(find("int", BTF_KIND_INT), 1);
	assert_int_equal(find("foo", BTF_KIND_STRUCT), 2);
	assert_int_equal(find("btf_trace_x", BTF_KIND_TYPEDEF), 3);
	assert_int_equal(find("f", BTF_KIND_FUNC), 4);
}

static void test_name_and_kind_must_both_match(void **state)
{
	(void)state;
	assert_int_equal(find("foo", BTF_KIND_TYPEDEF), 0);
	assert_int_equal(find("bar", BTF_KIND_STRUCT), 0);
	/* the tail or the head of a longer string is not a name */
	assert_int_equal(find("x", BTF_KIND_TYPEDEF), 0);
	assert_int_equal(find("btf_trace", BTF_KIND_TYPEDEF), 0);
	/* the empty name is every anonymous type's: never looked up */
	assert_int_equal(find("", BTF_KIND_STRUCT), 0);
}

static void test_refuses_what_it_cannot_walk(void **state)
{
	(void)state;
	blob.h.magic = 0x9feb;	/* the other byte order */
	assert_int_equal(find("foo", BTF_KIND_STRUCT), -EINVAL);
	setup(state);
	assert_int_equal(btf_scan_find(&blob, sizeof(blob) - 8, "foo",
				       BTF_KIND_STRUCT), -EINVAL);
	assert_int_equal(btf_scan_find(&blob, 4, "foo", BTF_KIND_STRUCT),
			 -EINVAL);
	/* a kind from the future before the name: its size is unknown */
	blob.t_int.info = BTF_INFO_ENC(31, 0, 0);
	assert_int_equal(find("foo", BTF_KIND_STRUCT), -EINVAL);
	/* a member count that runs past the type section */
	setup(state);
	blob.t_foo.info = BTF_INFO_ENC(BTF_KIND_STRUCT, 0, 100);
	assert_int_equal(find("btf_trace_x", BTF_KIND_TYPEDEF), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_finds_each_kind, setup),
		cmocka_unit_test_setup(test_name_and_kind_must_both_match, setup),
		cmocka_unit_test_setup(test_refuses_what_it_cannot_walk, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
