// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/errors.c: what a subcommand does once its options
 * are parsed (go on, help on stdout, or the error and a hint on stderr).
 */
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
#include "common/errors.h"

#define USAGE "usage: taskmem thing [options]\n"

/*
 * stdout and stderr go to temporary files while a test calls into
 * errors.c; finish() puts them back before any assertion can print.
 */
struct capture {
	int saved[2];		/* the real fds 1 and 2 */
	FILE *file[2];
	char text[2][1024];	/* what was written to each */
};

static int setup(void **state)
{
	struct capture *c = calloc(1, sizeof(*c));
	int i;

	if (!c)
		return -1;
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		c->file[i] = tmpfile();
		c->saved[i] = dup(i + 1);
		if (!c->file[i] || c->saved[i] < 0 ||
		    dup2(fileno(c->file[i]), i + 1) < 0)
			return -1;
	}
	*state = c;
	return 0;
}

/* Put the real fds back and read what was captured. */
static void finish(struct capture *c)
{
	size_t n;
	int i;

	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		if (c->saved[i] < 0)
			continue;
		dup2(c->saved[i], i + 1);
		close(c->saved[i]);
		c->saved[i] = -1;
		rewind(c->file[i]);
		n = fread(c->text[i], 1, sizeof(c->text[i]) - 1, c->file[i]);
		c->text[i][n] = '\0';
	}
}

static int teardown(void **state)
{
	struct capture *c = *state;
	int i;

	finish(c);
	for (i = 0; i < 2; i++)
		if (c->file[i])
			fclose(c->file[i]);
	free(c);
	return 0;
}

static void test_ok_goes_on(void **state)
{
	struct capture *c = *state;
	int ret = tm_parse_outcome(0, "", USAGE, "thing");

	finish(c);
	assert_int_equal(ret, -1);
	assert_string_equal(c->text[0], "");
	assert_string_equal(c->text[1], "");
}

static void test_help_prints_usage(void **state)
{
	struct capture *c = *state;
	int ret = tm_parse_outcome(1, "", USAGE, "thing");

	finish(c);
	assert_int_equal(ret, TM_EXIT_OK);
	assert_string_equal(c->text[0], USAGE);
	assert_string_equal(c->text[1], "");
}

static void test_error_prints_hint(void **state)
{
	struct capture *c = *state;
	int ret = tm_parse_outcome(-EINVAL, "unknown option '-x'", USAGE,
				   "thing");

	finish(c);
	assert_int_equal(ret, 64);
	assert_string_equal(c->text[0], "");
	assert_string_equal(c->text[1],
			    "taskmem: unknown option '-x'\n"
			    "run 'taskmem thing --help' for the options\n");
}

static void test_tm_err_format(void **state)
{
	struct capture *c = *state;

	tm_err("cannot read '%s': %d", "f.json", 5);
	finish(c);
	assert_string_equal(c->text[1], "taskmem: cannot read 'f.json': 5\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ok_goes_on, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_help_prints_usage, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_error_prints_hint, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tm_err_format, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
