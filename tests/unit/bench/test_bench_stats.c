// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/bench_stats.c: task lists, statistics, command
 * templates, plan lines and failure texts of `taskmem bench`.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "bench/bench_stats.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void expect_tasks(const char *list, const unsigned long *want, int n)
{
	unsigned long tasks[BENCH_MAX_TASKS];
	char err[256] = "";
	int i;

	assert_int_equal(bench_parse_tasks(list, tasks, err, sizeof(err)), n);
	for (i = 0; i < n; i++)
		assert_int_equal(tasks[i], want[i]);
}

/* The parse fails and the message names needle (the bad value). */
static void expect_bad_tasks(const char *list, const char *needle)
{
	unsigned long tasks[BENCH_MAX_TASKS];
	char err[256] = "";

	assert_int_equal(bench_parse_tasks(list, tasks, err, sizeof(err)),
			 -EINVAL);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not name '%s'", err, needle);
}

static void test_tasks_sorted(void **state)
{
	static const unsigned long one[] = { 1 };
	static const unsigned long four[] = { 1, 10000, 100000, 1000000 };
	static const unsigned long limit[] = { 100000000 };

	(void)state;
	expect_tasks("1", one, 1);
	expect_tasks("1,10000,100000,1000000", four, 4);
	expect_tasks("1000000,1,100000,10000", four, 4);
	expect_tasks("100000000", limit, 1);
}

static void test_tasks_most(void **state)
{
	static const unsigned long want[BENCH_MAX_TASKS] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

	(void)state;
	expect_tasks("16,15,14,13,12,11,10,9,8,7,6,5,4,3,2,1", want,
		     BENCH_MAX_TASKS);
	expect_bad_tasks("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
			 "at most 16");
}

static void test_tasks_bad(void **state)
{
	(void)state;
	expect_bad_tasks("", "''");
	expect_bad_tasks("0", "'0'");
	expect_bad_tasks("100000001", "'100000001'");
	expect_bad_tasks("1,x", "'x'");
	expect_bad_tasks("1,,2", "''");
	expect_bad_tasks("1,", "''");
	expect_bad_tasks(",1", "''");
	expect_bad_tasks("-1", "'-1'");
	expect_bad_tasks(" 1", "' 1'");
	expect_bad_tasks("1e3", "'1e3'");
	expect_bad_tasks("10,10", "10 given twice");
	expect_bad_tasks("99999999999999999999999999999999999",
			 "in --tasks '9999");
}

static void expect_summary(const double *v, size_t n, double median,
			   double min, double max)
{
	struct bench_range r;

	assert_int_equal(bench_summarize(v, n, &r), 0);
	assert_float_equal(r.median, median, 1e-9);
	assert_float_equal(r.min, min, 1e-9);
	assert_float_equal(r.max, max, 1e-9);
}

static void test_summarize(void **state)
{
	static const double one[] = { 42 };
	static const double odd[] = { 5, 1, 3 };
	static const double even[] = { 40, 10, 30, 20 };
	static const double same[] = { 7, 7, 7, 7, 7 };
	double keep[] = { 3, 1, 2 };
	struct bench_range r;

	(void)state;
	expect_summary(one, 1, 42, 42, 42);
	expect_summary(odd, 3, 3, 1, 5);
	expect_summary(even, 4, 25, 10, 40);
	expect_summary(same, 5, 7, 7, 7);
	assert_int_equal(bench_summarize(one, 0, &r), -EINVAL);
	/* the caller's values stay in their order */
	expect_summary(keep, 3, 2, 1, 3);
	assert_float_equal(keep[0], 3, 0);
	assert_float_equal(keep[1], 1, 0);
}

static void test_slope_exact(void **state)
{
	/* 2 MiB + 20 KiB a task: the line itself */
	static const double x[] = { 1, 10000, 100000, 1000000 };
	double y[4], slope = 0;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		y[i] = 2097152 + 20480 * x[i];
	assert_int_equal(bench_slope(x, y, 4, &slope), 0);
	assert_float_equal(slope, 20480, 1e-6);
}

static void test_slope_fit(void **state)
{
	/* least squares of (0,1) (1,3) (2,2): slope 1/2 */
	static const double x[] = { 0, 1, 2 }, y[] = { 1, 3, 2 };
	static const double down_y[] = { 10, 8, 6 };
	double slope = 0;

	(void)state;
	assert_int_equal(bench_slope(x, y, 3, &slope), 0);
	assert_float_equal(slope, 0.5, 1e-12);
	assert_int_equal(bench_slope(x, down_y, 3, &slope), 0);
	assert_float_equal(slope, -2, 1e-12);
}

static void test_slope_needs_two_n(void **state)
{
	static const double x[] = { 100, 100, 100 }, y[] = { 1, 2, 3 };
	double slope = 12345;

	(void)state;
	assert_int_equal(bench_slope(x, y, 3, &slope), -EDOM);
	assert_int_equal(bench_slope(x, y, 1, &slope), -EDOM);
	assert_int_equal(bench_slope(x, y, 0, &slope), -EDOM);
	assert_float_equal(slope, 12345, 0);
	assert_int_equal(bench_slope(x, y, 2, &slope), -EDOM);
}

static void expect_split(const char *tmpl, const char *const *want, int n)
{
	char **words = NULL;
	int i;

	assert_int_equal(bench_split(tmpl, &words), n);
	for (i = 0; i < n; i++)
		assert_string_equal(words[i], want[i]);
	assert_null(words[n]);
	free(words);
}

static void test_split(void **state)
{
	static const char *const go[] = { "build/go/tasks", "{n}", "{s}" };
	static const char *const one[] = { "true" };
	static const char *const quoted[] = { "sh", "-c", "'exit", "3'" };

	(void)state;
	expect_split("build/go/tasks {n} {s}", go, 3);
	expect_split("  build/go/tasks\t{n}  \t {s}\t", go, 3);
	expect_split("true", one, 1);
	/* no shell: quotes are ordinary characters */
	expect_split("sh -c 'exit 3'", quoted, 4);
}

static void test_split_empty(void **state)
{
	char **words = NULL;

	(void)state;
	assert_int_equal(bench_split("", &words), -EINVAL);
	assert_int_equal(bench_split(" \t ", &words), -EINVAL);
	assert_null(words);
}

static void test_expand(void **state)
{
	char *words[] = { "node", "-e", "f({n}, {s}){}", "--n={n}{n}", "{x}",
			  "{n" };
	char **argv = NULL;

	(void)state;
	assert_int_equal(bench_expand(words, 6, 1000000, "10", &argv), 0);
	assert_string_equal(argv[0], "node");
	assert_string_equal(argv[1], "-e");
	assert_string_equal(argv[2], "f(1000000, 10){}");
	assert_string_equal(argv[3], "--n=10000001000000");
	assert_string_equal(argv[4], "{x}");
	assert_string_equal(argv[5], "{n");
	assert_null(argv[6]);
	free(argv);
	/* the template is left as it was */
	assert_string_equal(words[2], "f({n}, {s}){}");
}

static void test_expand_empty_word(void **state)
{
	char *words[] = { "prog", "", "{s}" };
	char **argv = NULL;

	(void)state;
	assert_int_equal(bench_expand(words, 3, 1, "0.5", &argv), 0);
	assert_string_equal(argv[1], "");
	assert_string_equal(argv[2], "0.5");
	assert_null(argv[3]);
	free(argv);
}

static void test_has_placeholder(void **state)
{
	char *with[] = { "prog", "--count={n}" };
	char *without[] = { "prog", "{s}", "n" };

	(void)state;
	assert_true(bench_has_placeholder(with, 2, "{n}"));
	assert_false(bench_has_placeholder(with, 1, "{n}"));
	assert_false(bench_has_placeholder(without, 3, "{n}"));
	assert_true(bench_has_placeholder(without, 3, "{s}"));
}

/* Parse a copy of text; the result's strings point into line. */
static int parse_line(const char *text, char *line, size_t len,
		      struct bench_plan_line *l, char *err, size_t errlen)
{
	snprintf(line, len, "%s", text);
	return bench_parse_plan_line(line, l, err, errlen);
}

static void test_plan_line(void **state)
{
	struct bench_plan_line l;
	char line[256], err[256];

	(void)state;
	assert_int_equal(parse_line("go\tbuild/go/tasks {n} {s}\n", line,
				    sizeof(line), &l, err, sizeof(err)), 0);
	assert_string_equal(l.name, "go");
	assert_string_equal(l.template, "build/go/tasks {n} {s}");
	assert_null(l.unavailable);

	/* CRLF, and a name with spaces */
	assert_int_equal(parse_line("Rust tokio\tr {n}\r\n", line,
				    sizeof(line), &l, err, sizeof(err)), 0);
	assert_string_equal(l.name, "Rust tokio");
	assert_string_equal(l.template, "r {n}");
}

static void test_plan_unavailable(void **state)
{
	struct bench_plan_line l;
	char line[256], err[256];

	(void)state;
	assert_int_equal(parse_line("java-virtual\t-\tunavailable: no JDK 21\n",
				    line, sizeof(line), &l, err, sizeof(err)),
			 0);
	assert_string_equal(l.name, "java-virtual");
	assert_string_equal(l.unavailable, "no JDK 21");
	/* no reason given, and no command: still a row of the table */
	assert_int_equal(parse_line("x\t\tunavailable", line, sizeof(line), &l,
				    err, sizeof(err)), 0);
	assert_string_equal(l.unavailable, "unavailable");
	assert_int_equal(parse_line("x\tc {n}\t unavailable:  ", line,
				    sizeof(line), &l, err, sizeof(err)), 0);
	assert_string_equal(l.unavailable, "unavailable");
}

static void test_plan_skipped(void **state)
{
	static const char *const skipped[] = { "", "\n", "   \t \r\n",
		"# name\tcommand", "  # indented comment" };
	struct bench_plan_line l;
	char line[256], err[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(skipped); i++)
		assert_int_equal(parse_line(skipped[i], line, sizeof(line), &l,
					    err, sizeof(err)), 1);
}

static void expect_bad_line(const char *text, const char *needle)
{
	struct bench_plan_line l;
	char line[256], err[256] = "";

	assert_int_equal(parse_line(text, line, sizeof(line), &l, err,
				    sizeof(err)), -EINVAL);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not name '%s'", err, needle);
}

static void test_plan_bad(void **state)
{
	(void)state;
	/* a plan's text is never quoted back: it may not be the user's */
	expect_bad_line("go build/go/tasks {n}", "no command after the name");
	expect_bad_line("go\t \t", "empty command");
	expect_bad_line("go\tcmd {n}\tmaybe later", "third field");
	expect_bad_line("go\tcmd {n}\tunavailablex", "third field");
	expect_bad_line("go\tcmd {n}\tunavailable: x\textra", "more than 3");
	expect_bad_line("\tcmd {n}", "invalid program name (");
	expect_bad_line(" go\tcmd {n}", "invalid program name (");
	expect_bad_line("a\x01\tcmd {n}", "invalid program name (");
	expect_bad_line("secret-line", "no command after the name (");
}

static void test_name_ok(void **state)
{
	char longest[BENCH_NAME_MAX + 2];

	(void)state;
	assert_true(bench_name_ok("go"));
	assert_true(bench_name_ok("Java virtual threads"));
	assert_true(bench_name_ok("C# .NET 9 (Task.Run)"));
	assert_true(bench_name_ok("caf\xc3\xa9"));
	assert_false(bench_name_ok(""));
	assert_false(bench_name_ok(" go"));
	assert_false(bench_name_ok("go "));
	assert_false(bench_name_ok("go\tx"));
	assert_false(bench_name_ok("go\x7f"));
	assert_false(bench_name_ok("caf\xc3"));		/* cut in half */
	assert_false(bench_name_ok("\xed\xa0\x80"));	/* a surrogate */
	assert_false(bench_name_ok("\xc0\xaf"));	/* overlong '/' */
	memset(longest, 'a', sizeof(longest));
	longest[BENCH_NAME_MAX] = '\0';
	assert_true(bench_name_ok(longest));
	longest[BENCH_NAME_MAX] = 'a';
	longest[BENCH_NAME_MAX + 1] = '\0';
	assert_false(bench_name_ok(longest));
}

static void test_exit_reason(void **state)
{
	char buf[64];

	(void)state;
	bench_exit_reason(1, buf, sizeof(buf));
	assert_string_equal(buf, "exit 1");
	bench_exit_reason(127, buf, sizeof(buf));
	assert_string_equal(buf, "exit 127");
	bench_exit_reason(128 + 9, buf, sizeof(buf));
	assert_string_equal(buf, "killed by SIGKILL");
	bench_exit_reason(128 + 11, buf, sizeof(buf));
	assert_string_equal(buf, "killed by SIGSEGV");
	bench_exit_reason(128 + 6, buf, sizeof(buf));
	assert_string_equal(buf, "killed by SIGABRT");
	/* 128 itself and beyond the signals: a plain exit code */
	bench_exit_reason(128, buf, sizeof(buf));
	assert_string_equal(buf, "exit 128");
	bench_exit_reason(255, buf, sizeof(buf));
	assert_string_equal(buf, "exit 255");
}

static void expect_last(const char *text, size_t max, const char *want)
{
	char buf[64];

	memset(buf, 'X', sizeof(buf));
	bench_last_line(text, strlen(text), max, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_true(strlen(buf) <= max);
}

static void test_last_line(void **state)
{
	(void)state;
	expect_last("", 40, "");
	expect_last("\n\n  \n", 40, "");
	expect_last("one line", 40, "one line");
	expect_last("first\nsecond\n", 40, "second");
	expect_last("first\r\nsecond\r\n\r\n", 40, "second");
	expect_last("panic: x\n\tat main.go:3\n", 40, "at main.go:3");
	expect_last("Error: boom\n    at f (x.js:1:1)\n\nNode.js v20\n\n", 40,
		    "Node.js v20");
}

static void test_last_line_shortened(void **state)
{
	(void)state;
	expect_last("0123456789", 10, "0123456789");
	expect_last("0123456789A", 10, "0123456...");
	expect_last("0123456789", 2, "01");
	/* never half a character: "é" is two bytes */
	expect_last("abcd\xc3\xa9\xc3\xa9\xc3\xa9xyz", 8, "abcd...");
	expect_last("ab\xc3\xa9\xc3\xa9\xc3\xa9xyz", 10, "ab\xc3\xa9\xc3\xa9...");
}

static void test_last_line_cleaned(void **state)
{
	(void)state;
	/* a colour escape, a tab, a stray byte and a surrogate */
	expect_last("\x1b[31mred\x1b[0m", 40, "?[31mred?[0m");
	expect_last("a\tb", 40, "a b");
	expect_last("bad \xff byte", 40, "bad ? byte");
	expect_last("sur\xed\xa0\x80", 40, "sur???");
	expect_last("ok \xe2\x82\xac", 40, "ok \xe2\x82\xac");
}

static void test_last_line_small_buffer(void **state)
{
	char buf[6];

	(void)state;
	bench_last_line("a long line", 11, 100, buf, sizeof(buf));
	assert_string_equal(buf, "a ...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tasks_sorted),
		cmocka_unit_test(test_tasks_most),
		cmocka_unit_test(test_tasks_bad),
		cmocka_unit_test(test_summarize),
		cmocka_unit_test(test_slope_exact),
		cmocka_unit_test(test_slope_fit),
		cmocka_unit_test(test_slope_needs_two_n),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_empty),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_empty_word),
		cmocka_unit_test(test_has_placeholder),
		cmocka_unit_test(test_plan_line),
		cmocka_unit_test(test_plan_unavailable),
		cmocka_unit_test(test_plan_skipped),
		cmocka_unit_test(test_plan_bad),
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test(test_exit_reason),
		cmocka_unit_test(test_last_line),
		cmocka_unit_test(test_last_line_shortened),
		cmocka_unit_test(test_last_line_cleaned),
		cmocka_unit_test(test_last_line_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
