// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/utf8.c: which bytes are one UTF-8 character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "common/utf8.h"

static size_t len_of(const char *s)
{
	return utf8_char(s, strlen(s));
}

static void test_valid(void **state)
{
	(void)state;
	assert_int_equal(len_of("a"), 1);
	assert_int_equal(len_of("\x7f"), 1);
	assert_int_equal(len_of("\xc2\x80"), 2);		/* U+0080 */
	assert_int_equal(len_of("\xc3\xa9x"), 2);		/* é */
	assert_int_equal(len_of("\xe0\xa0\x80"), 3);		/* U+0800 */
	assert_int_equal(len_of("\xe2\x82\xac"), 3);		/* € */
	assert_int_equal(len_of("\xed\x9f\xbf"), 3);		/* U+D7FF */
	assert_int_equal(len_of("\xee\x80\x80"), 3);		/* U+E000 */
	assert_int_equal(len_of("\xf0\x90\x80\x80"), 4);	/* U+10000 */
	assert_int_equal(len_of("\xf4\x8f\xbf\xbf"), 4);	/* U+10FFFF */
}

static void test_invalid(void **state)
{
	(void)state;
	assert_int_equal(len_of("\x80"), 0);		/* continuation */
	assert_int_equal(len_of("\xc0\xaf"), 0);	/* overlong '/' */
	assert_int_equal(len_of("\xc1\xbf"), 0);
	assert_int_equal(len_of("\xe0\x9f\xbf"), 0);	/* overlong */
	assert_int_equal(len_of("\xed\xa0\x80"), 0);	/* surrogate */
	assert_int_equal(len_of("\xf0\x8f\xbf\xbf"), 0);	/* overlong */
	assert_int_equal(len_of("\xf4\x90\x80\x80"), 0);	/* > U+10FFFF */
	assert_int_equal(len_of("\xf5\x80\x80\x80"), 0);
	assert_int_equal(len_of("\xff"), 0);
	assert_int_equal(len_of("\xc3x"), 0);		/* no continuation */
	assert_int_equal(len_of("\xe2\x82x"), 0);
}

/* A character cut off by the end of the buffer is not one. */
static void test_cut(void **state)
{
	(void)state;
	assert_int_equal(utf8_char("\xc3\xa9", 1), 0);
	assert_int_equal(utf8_char("\xe2\x82\xac", 2), 0);
	assert_int_equal(utf8_char("\xf0\x90\x80\x80", 3), 0);
	assert_int_equal(utf8_char("a", 0), 0);
	assert_int_equal(len_of("comm\xc3"), 1);
	assert_int_equal(len_of("\xc3"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
