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

static void expect_printable(const char *in, const char *also, size_t len,
			     const char *want)
{
	char out[128];

	memset(out, 'X', sizeof(out));
	utf8_printable(in, also, out, len);
	assert_string_equal(out, want);
}

static void test_printable(void **state)
{
	(void)state;
	expect_printable("plain é", NULL, 128, "plain é");
	expect_printable("\x1b[2J\r\n\t\x7f", NULL, 128, "\\e[2J\\r\\n\\t\\x7f");
	/* C1 controls (U+009B is a CSI) and stray bytes */
	expect_printable("a\xc2\x9b" "b\xff", NULL, 128, "a\\xc2\\x9bb\\xff");
	expect_printable("a|b", "|", 128, "a\\|b");
	/* cut at a whole character or escape */
	expect_printable("ab\x1b", NULL, 4, "ab");
	expect_printable("aé", NULL, 3, "a");
	expect_printable("", NULL, 1, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_printable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
