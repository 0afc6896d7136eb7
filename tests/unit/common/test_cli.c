// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/cli.c: `taskmem trace` options and number parsing. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "common/cli.h"

/* What cli_parse_trace() made of one argument vector. */
struct parsed {
	int ret;
	struct trace_opts o;
	char err[256];
};

/*
 * argv is what main() passes on: the arguments after "trace", ending in
 * NULL. It must outlive p, since p->o.cmd points into it.
 */
static void parse(char **argv, struct parsed *p)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(p, 0, sizeof(*p));
	p->ret = cli_parse_trace(argc, argv, &p->o, p->err, sizeof(p->err));
}

/* The parse fails with -EINVAL and a message that contains needle. */
static void expect_error(char **argv, const char *needle)
{
	struct parsed p;

	parse(argv, &p);
	assert_int_equal(p.ret, -EINVAL);
	if (!strstr(p.err, needle))
		fail_msg("error message '%s' does not name '%s'", p.err,
			 needle);
}

static void expect_help(char **argv)
{
	struct parsed p;

	parse(argv, &p);
	assert_int_equal(p.ret, TM_CLI_HELP);
}

/* The parse succeeds with exactly the command line `ls`. */
static void expect_cmd_ls(const struct parsed *p)
{
	assert_int_equal(p->ret, 0);
	assert_int_equal(p->o.cmd_argc, 1);
	assert_string_equal(p->o.cmd[0], "ls");
	assert_null(p->o.cmd[1]);
}

static void test_defaults(void **state)
{
	char *argv[] = { "--", "ls", NULL };
	struct parsed p;

	(void)state;
	parse(argv, &p);
	expect_cmd_ls(&p);
	assert_ptr_equal(p.o.cmd, &argv[1]);
	assert_null(p.o.output);
	assert_int_equal(p.o.format, TM_FORMAT_TABLE);
	assert_false(p.o.wait_all);
	assert_false(p.o.verbose);
	assert_false(p.o.long_table);
	assert_false(p.o.cgroup_check);
	assert_int_equal(p.o.max_procs, 65536);
	assert_int_equal(p.o.npids, 0);
	assert_null(p.o.profile);
	assert_int_equal(p.o.sample_bytes, 2 * 1024 * 1024);
	assert_float_equal(p.o.duration_s, 0.0, 0);
	assert_float_equal(p.o.interval_s, 0.0, 0);
}

static void test_output_forms(void **state)
{
	char *sep[] = { "-o", "out.txt", "--", "ls", NULL };
	char *attached[] = { "-oout.txt", "--", "ls", NULL };
	char *long_sep[] = { "--output", "out.txt", "--", "ls", NULL };
	char *long_eq[] = { "--output=out.txt", "--", "ls", NULL };
	char **forms[] = { sep, attached, long_sep, long_eq };
	struct parsed p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		parse(forms[i], &p);
		expect_cmd_ls(&p);
		assert_non_null(p.o.output);
		assert_string_equal(p.o.output, "out.txt");
	}
}

static void test_format_json(void **state)
{
	char *sep[] = { "-f", "json", "--", "ls", NULL };
	char *attached[] = { "-fjson", "--", "ls", NULL };
	char *long_sep[] = { "--format", "json", "--", "ls", NULL };
	char *long_eq[] = { "--format=json", "--", "ls", NULL };
	char **forms[] = { sep, attached, long_sep, long_eq };
	struct parsed p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		parse(forms[i], &p);
		expect_cmd_ls(&p);
		assert_int_equal(p.o.format, TM_FORMAT_JSON);
	}
}

static void test_format_last_wins(void **state)
{
	char *argv[] = { "-f", "json", "--format=table", "--", "ls", NULL };
	struct parsed p;

	(void)state;
	parse(argv, &p);
	expect_cmd_ls(&p);
	assert_int_equal(p.o.format, TM_FORMAT_TABLE);
}

static void test_flags(void **state)
{
	char *shorts[] = { "-w", "-v", "-l", "--", "ls", NULL };
	char *longs[] = { "--wait-all", "--verbose", "--long", "--", "ls",
			  NULL };
	char **forms[] = { shorts, longs };
	struct parsed p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		parse(forms[i], &p);
		expect_cmd_ls(&p);
		assert_true(p.o.wait_all);
		assert_true(p.o.verbose);
		assert_true(p.o.long_table);
		assert_false(p.o.cgroup_check);
		assert_int_equal(p.o.format, TM_FORMAT_TABLE);
	}
}

static void test_cgroup_check(void **state)
{
	char *argv[] = { "--cgroup-check", "--", "ls", NULL };
	struct parsed p;

	(void)state;
	parse(argv, &p);
	expect_cmd_ls(&p);
	assert_true(p.o.cgroup_check);
	assert_false(p.o.long_table);
}


static void test_memory_cgroup_options(void **state)
{
	char *dflt[] = { "--", "ls", NULL };
	char *none[] = { "--no-cgroup", "--", "ls", NULL };
	char *follow[] = { "--cgroup", "/system.slice/x", "-d", "2", NULL };
	char *ms[] = { "--memory-sample-ms", "20", "--", "ls", NULL };
	char *ms_bad[] = { "--memory-sample-ms", "0", "--", "ls", NULL };
	char *ms_big[] = { "--memory-sample-ms", "60001", "--", "ls", NULL };
	char *empty[] = { "--cgroup", "", NULL };
	char *with_cmd[] = { "--cgroup", "/x", "--", "ls", NULL };
	char *with_pid[] = { "--cgroup", "/x", "-p", "1", NULL };
	char *contra[] = { "--no-cgroup", "--cgroup-check", "--", "ls", NULL };
	char *user[] = { "--cgroup", "/x", "--user", "nobody", NULL };
	char *exact[] = { "--exact-unique", "--cgroup", "/x", NULL };
	char *exact_none[] = { "--no-cgroup", "--exact-unique", "--", "ls",
			       NULL };
	struct parsed p;

	(void)state;
	parse(dflt, &p);
	assert_false(p.o.no_cgroup);
	assert_null(p.o.cgroup);
	assert_int_equal(p.o.memory_sample_ms, TM_MEMORY_SAMPLE_MS_DEFAULT);
	parse(none, &p);
	assert_int_equal(p.ret, 0);
	assert_true(p.o.no_cgroup);
	parse(follow, &p);
	assert_int_equal(p.ret, 0);
	assert_string_equal(p.o.cgroup, "/system.slice/x");
	assert_null(p.o.cmd);
	assert_int_equal(p.o.npids, 0);
	parse(ms, &p);
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.memory_sample_ms, 20);
	expect_error(ms_bad, "'0'");
	expect_error(ms_big, "'60001'");
	expect_error(empty, "--cgroup");
	expect_error(with_cmd, "not several");
	expect_error(with_pid, "not several");
	expect_error(contra, "--no-cgroup");
	expect_error(user, "--user");
	parse(dflt, &p);
	assert_false(p.o.exact_unique);
	parse(exact, &p);
	assert_int_equal(p.ret, 0);
	assert_true(p.o.exact_unique);
	expect_error(exact_none, "--no-cgroup contradicts --exact-unique");
}

static void test_max_procs(void **state)
{
	char *sep[] = { "--max-procs", "1000", "--", "ls", NULL };
	char *eq[] = { "--max-procs=1000", "--", "ls", NULL };
	char *lowest[] = { "--max-procs", "16", "--", "ls", NULL };
	char *highest[] = { "--max-procs", "4194304", "--", "ls", NULL };
	struct parsed p;

	(void)state;
	parse(sep, &p);
	expect_cmd_ls(&p);
	assert_int_equal(p.o.max_procs, 1000);
	parse(eq, &p);
	expect_cmd_ls(&p);
	assert_int_equal(p.o.max_procs, 1000);
	parse(lowest, &p);
	expect_cmd_ls(&p);
	assert_int_equal(p.o.max_procs, 16);
	parse(highest, &p);
	expect_cmd_ls(&p);
	assert_int_equal(p.o.max_procs, TM_MAX_PROCS_LIMIT);
}

/* Everything after "--" is the command's, options and "--" included. */
static void test_command_keeps_its_options(void **state)
{
	char *argv[] = { "-v", "--", "ls", "-l", "--help", "--", "-o", NULL };
	struct parsed p;

	(void)state;
	parse(argv, &p);
	assert_int_equal(p.ret, 0);
	assert_true(p.o.verbose);
	assert_null(p.o.output);
	assert_int_equal(p.o.cmd_argc, 5);
	assert_ptr_equal(p.o.cmd, &argv[2]);
	assert_string_equal(p.o.cmd[0], "ls");
	assert_string_equal(p.o.cmd[1], "-l");
	assert_string_equal(p.o.cmd[2], "--help");
	assert_string_equal(p.o.cmd[3], "--");
	assert_string_equal(p.o.cmd[4], "-o");
	assert_null(p.o.cmd[5]);
}

static void test_command_ls_l(void **state)
{
	char *argv[] = { "--", "ls", "-l", NULL };
	struct parsed p;

	(void)state;
	parse(argv, &p);
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.cmd_argc, 2);
	assert_string_equal(p.o.cmd[0], "ls");
	assert_string_equal(p.o.cmd[1], "-l");
	assert_null(p.o.cmd[2]);
}

static void test_help(void **state)
{
	char *shortform[] = { "-h", NULL };
	char *longform[] = { "--help", NULL };
	char *among_others[] = { "-v", "--help", "--", "ls", NULL };

	(void)state;
	expect_help(shortform);
	expect_help(longform);
	expect_help(among_others);
}

static void test_unknown_option(void **state)
{
	char *longopt[] = { "--bogus", "--", "ls", NULL };
	char *shortopt[] = { "-x", "--", "ls", NULL };
	/* long names match whole: no prefixes, no longer names */
	char *prefix[] = { "--out=f", "--", "ls", NULL };
	char *longer[] = { "--outputx=f", "--", "ls", NULL };
	/* a flag takes no value */
	char *flag_value[] = { "--wait-all=yes", "--", "ls", NULL };

	(void)state;
	expect_error(longopt, "'--bogus'");
	expect_error(shortopt, "'-x'");
	expect_error(prefix, "'--out=f'");
	expect_error(longer, "'--outputx=f'");
	expect_error(flag_value, "'--wait-all=yes'");
}

static void test_bad_format(void **state)
{
	char *sep[] = { "-f", "xml", "--", "ls", NULL };
	char *eq[] = { "--format=xml", "--", "ls", NULL };
	char *empty[] = { "--format=", "--", "ls", NULL };

	(void)state;
	expect_error(sep, "'xml'");
	expect_error(eq, "'xml'");
	expect_error(empty, "''");
}

static void test_bad_max_procs(void **state)
{
	char *junk[] = { "--max-procs", "12abc", "--", "ls", NULL };
	char *negative[] = { "--max-procs", "-5", "--", "ls", NULL };
	char *zero[] = { "--max-procs", "0", "--", "ls", NULL };
	char *below[] = { "--max-procs", "15", "--", "ls", NULL };
	char *above[] = { "--max-procs", "4194305", "--", "ls", NULL };
	char *overflow[] = { "--max-procs", "99999999999999999999", "--", "ls",
			     NULL };
	char *empty[] = { "--max-procs=", "--", "ls", NULL };

	(void)state;
	expect_error(junk, "'12abc'");
	expect_error(negative, "'-5'");
	expect_error(zero, "'0'");
	expect_error(below, "'15'");
	expect_error(above, "'4194305'");
	expect_error(overflow, "'99999999999999999999'");
	expect_error(empty, "''");
}

static void test_missing_value(void **state)
{
	char *output[] = { "-o", NULL };
	char *format[] = { "--format", NULL };
	char *max_procs[] = { "-v", "--max-procs", NULL };

	(void)state;
	expect_error(output, "'-o'");
	expect_error(format, "'--format'");
	expect_error(max_procs, "'--max-procs'");
}

static void test_empty_output(void **state)
{
	char *sep[] = { "-o", "", "--", "ls", NULL };
	char *eq[] = { "--output=", "--", "ls", NULL };

	(void)state;
	expect_error(sep, "empty file name");
	expect_error(eq, "empty file name");
}

static void test_missing_dashdash(void **state)
{
	char *bare[] = { "ls", NULL };
	char *after_opt[] = { "-v", "ls", "-l", NULL };
	char *dash[] = { "-", NULL };
	/* "--" as -o's value is a file name: it does not end the options */
	char *value[] = { "-o", "--", "ls", NULL };

	(void)state;
	expect_error(bare, "'ls'");
	expect_error(after_opt, "'ls'");
	expect_error(dash, "'-'");
	expect_error(value, "'ls'");
}

static void test_empty_command(void **state)
{
	char *nothing[] = { NULL };
	char *only_opts[] = { "-v", NULL };
	char *dashdash[] = { "--", NULL };
	char *empty_name[] = { "--", "", NULL };

	(void)state;
	expect_error(nothing, "no command");
	expect_error(only_opts, "no command");
	expect_error(dashdash, "no command");
	expect_error(empty_name, "empty command");
}

/* -p: a list, several options, duplicates once; no command then. */
static void test_pids(void **state)
{
	char *argv[] = { "-p", "4242,17", "--pid=17", "-p1", "--pid", "99",
			 NULL };
	static const int want[] = { 4242, 17, 1, 99 };
	struct parsed p;
	int i;

	(void)state;
	parse(argv, &p);
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.npids, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(p.o.pids[i], want[i]);
	assert_null(p.o.cmd);
	assert_int_equal(p.o.cmd_argc, 0);
}

static void test_pid_limits(void **state)
{
	char *highest[] = { "-p", "4194304", NULL };
	char *zero[] = { "-p", "0", NULL };
	char *above[] = { "-p", "4194305", NULL };
	char *junk[] = { "-p", "12,3x", NULL };
	char *empty_item[] = { "-p", "1,,2", NULL };
	char *trailing[] = { "-p", "1,", NULL };
	char *negative[] = { "-p", "-1", NULL };
	struct parsed p;

	(void)state;
	parse(highest, &p);
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.pids[0], 4194304);
	expect_error(zero, "'0'");
	expect_error(above, "'4194305'");
	expect_error(junk, "'3x'");
	expect_error(empty_item, "'1,,2'");
	expect_error(trailing, "'1,'");
	expect_error(negative, "'-1'");
}

static void test_too_many_pids(void **state)
{
	char list[TM_MAX_TARGETS * 4 + 8];
	char *argv[] = { "-p", list, NULL };
	struct parsed p;
	size_t len = 0;
	int i;

	(void)state;
	for (i = 1; i <= TM_MAX_TARGETS; i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%d",
				i > 1 ? "," : "", i);
	parse(argv, &p);
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.npids, TM_MAX_TARGETS);
	snprintf(list + len, sizeof(list) - len, ",1,%d",
		 TM_MAX_TARGETS + 1);
	expect_error(argv, "too many");
}

/* -d and -i: seconds; -d only with -p. */
/* #18: --per-process=K, the K largest processes in each sample. */
static void test_per_process_top(void **state)
{
	char *all[] = { "--timeline", "t.csv", "--per-process", "--", "ls", NULL };
	char *top[] = { "--timeline=t.csv", "--per-process=5", "--", "ls", NULL };
	char *zero[] = { "--timeline", "t", "--per-process=0", "--", "ls", NULL };
	char *junk[] = { "--timeline", "t", "--per-process=5x", "--", "ls", NULL };
	struct parsed p;

	(void)state;
	parse(all, &p);
	expect_cmd_ls(&p);
	assert_true(p.o.per_process);
	assert_int_equal(p.o.per_process_top, 0);
	parse(top, &p);
	expect_cmd_ls(&p);
	assert_true(p.o.per_process);
	assert_int_equal(p.o.per_process_top, 5);
	expect_error(zero, "invalid --per-process '0'");
	expect_error(junk, "'5x'");
}

static void test_duration_interval(void **state)
{
	char *attach[] = { "-p", "1", "-d", "2.5", "--interval=0.25", NULL };
	char *run[] = { "-i", "1", "--", "ls", NULL };
	char *run_duration[] = { "-d", "5", "--", "ls", NULL };
	char *bad[] = { "-p", "1", "--duration", "0", NULL };
	char *bad_interval[] = { "-i", "soon", "--", "ls", NULL };
	/* #18: the bounds are named, and -i has a floor */
	char *year[] = { "-p", "1", "-d", "31536001", NULL };
	char *tiny[] = { "-i", "0.000001", "--", "ls", NULL };
	char *below[] = { "-i", "0.099", "--", "ls", NULL };
	char *floor[] = { "-i", "0.1", "--", "ls", NULL };
	struct parsed p;

	(void)state;
	parse(attach, &p);
	assert_int_equal(p.ret, 0);
	assert_float_equal(p.o.duration_s, 2.5, 1e-12);
	assert_float_equal(p.o.interval_s, 0.25, 1e-12);
	parse(run, &p);
	expect_cmd_ls(&p);
	assert_float_equal(p.o.interval_s, 1.0, 1e-12);
	assert_float_equal(p.o.duration_s, 0.0, 1e-12);
	expect_error(run_duration, "-d");
	expect_error(bad, "'0'");
	expect_error(bad_interval, "'soon'");
	expect_error(year, "'31536001' (expected seconds > 0 and at most "
			   "31536000, a year)");
	expect_error(tiny, "'0.000001' (expected seconds from 0.1 to ");
	expect_error(below, "'0.099'");
	parse(floor, &p);
	assert_int_equal(p.ret, 0);
	assert_float_equal(p.o.interval_s, 0.1, 1e-12);
}

/* Command-only and -p-only options. */
static void test_mode_conflicts(void **state)
{
	char *both[] = { "-p", "1", "--", "ls", NULL };
	char *wait_all[] = { "-p", "1", "-w", NULL };
	char *cgroup[] = { "--cgroup-check", "-p", "1", NULL };

	(void)state;
	expect_error(both, "-p");
	expect_error(wait_all, "--wait-all");
	expect_error(cgroup, "--cgroup-check");
}

/* Short options combine as with any getopt tool; the last may take a value. */
static void test_combined_short_options(void **state)
{
	char *flags[] = { "-qlw", "--", "ls", NULL };
	char *with_value[] = { "-qlo", "r.txt", "-fjson", "--", "ls", NULL };
	char *unknown[] = { "-qZ", "--", "ls", NULL };
	struct parsed p;

	(void)state;
	parse(flags, &p);
	expect_cmd_ls(&p);
	assert_true(p.o.quiet && p.o.long_table && p.o.wait_all);
	parse(with_value, &p);
	expect_cmd_ls(&p);
	assert_true(p.o.quiet && p.o.long_table);
	assert_string_equal(p.o.output, "r.txt");
	assert_int_equal(p.o.format, TM_FORMAT_JSON);
	expect_error(unknown, "'-Z'");
}

/* Two parses in a row start afresh (getopt keeps state between calls). */
static void test_parse_twice(void **state)
{
	char *first[] = { "-ql", "--", "ls", NULL };
	char *second[] = { "-o", "x", "--", "ls", NULL };
	struct parsed p;

	(void)state;
	parse(first, &p);
	expect_cmd_ls(&p);
	parse(second, &p);
	expect_cmd_ls(&p);
	assert_false(p.o.quiet);
	assert_string_equal(p.o.output, "x");
}

static int parse_report(char **argv, struct report_opts *o, char *err,
			size_t errlen)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return cli_parse_report(argc, argv, o, err, errlen);
}

/* taskmem report: options before or after the file, "--" before a file. */
static void test_report_options(void **state)
{
	char *after[] = { "r.json", "-lfcsv", "-o", "out.csv", NULL };
	char *dashdash[] = { "-f", "svg", "--", "-odd.json", NULL };
	char *two[] = { "a.json", "b.json", NULL };
	char *prefix[] = { "--form=csv", "a.json", NULL };
	char *none[] = { "-l", NULL };
	struct report_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse_report(after, &o, err, sizeof(err)), 0);
	assert_string_equal(o.file, "r.json");
	assert_true(o.long_table);
	assert_int_equal(o.format, TM_FORMAT_CSV);
	assert_string_equal(o.output, "out.csv");
	assert_int_equal(parse_report(dashdash, &o, err, sizeof(err)), 0);
	assert_string_equal(o.file, "-odd.json");
	assert_int_equal(o.format, TM_FORMAT_SVG);
	assert_int_equal(parse_report(two, &o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'b.json'"));
	assert_int_equal(parse_report(prefix, &o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'--form=csv'"));
	assert_int_equal(parse_report(none, &o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no report"));
}

static void test_seconds(void **state)
{
	static const char *const bad[] = {
		"0", "0.0", "-1", "+1", " 1", "1 ", "1s", "", ".", "inf",
		"nan", "31536001", "1e400",
	};
	double v = 0;
	size_t i;

	(void)state;
	assert_int_equal(cli_parse_seconds("0.5", &v), 0);
	assert_float_equal(v, 0.5, 1e-12);
	assert_int_equal(cli_parse_seconds(".5", &v), 0);
	assert_float_equal(v, 0.5, 1e-12);
	assert_int_equal(cli_parse_seconds("31536000", &v), 0);
	assert_float_equal(v, TM_SECONDS_MAX, 1e-6);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 42;
		if (cli_parse_seconds(bad[i], &v) != -EINVAL)
			fail_msg("cli_parse_seconds accepted '%s'", bad[i]);
		assert_float_equal(v, 42, 0);
	}
	v = 42;
	assert_int_equal(cli_parse_seconds(NULL, &v), -EINVAL);
}

/* cli.h: "decimal seconds"; strtod also reads hexadecimal. */
static void test_seconds_decimal_only(void **state)
{
	static const char *const hex[] = { "0x10", "0x1p3", "0X.8" };
	double v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hex) / sizeof(hex[0]); i++) {
		v = 42;
		if (cli_parse_seconds(hex[i], &v) != -EINVAL)
			fail_msg("cli_parse_seconds accepted '%s' as %g",
				 hex[i], v);
	}
}

/* cli_parse_ulong() accepts s in [min, max] as the number want. */
static void expect_ulong(const char *s, unsigned long min, unsigned long max,
			 unsigned long want)
{
	unsigned long v = 12345;

	assert_int_equal(cli_parse_ulong(s, min, max, &v), 0);
	assert_int_equal(v, want);
}

/* cli_parse_ulong() rejects s and leaves its output alone. */
static void expect_bad_ulong(const char *s, unsigned long min,
			     unsigned long max)
{
	unsigned long v = 12345;

	if (cli_parse_ulong(s, min, max, &v) != -EINVAL)
		fail_msg("cli_parse_ulong accepted '%s'", s ? s : "(null)");
	assert_int_equal(v, 12345);
}

static void test_ulong_whole_numbers(void **state)
{
	(void)state;
	expect_ulong("0", 0, 10, 0);
	expect_ulong("5", 0, 10, 5);
	expect_ulong("007", 0, 10, 7);
	expect_ulong("18446744073709551615", 0, ULONG_MAX, ULONG_MAX);
}

static void test_ulong_rejects_partial(void **state)
{
	static const char *const bad[] = {
		" 5", "5 ", "+5", "-1", "-0", "", "0x10", "5k", "1e3", "5\n",
		"18446744073709551616", "99999999999999999999",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad_ulong(bad[i], 0, ULONG_MAX);
	expect_bad_ulong(NULL, 0, ULONG_MAX);
}

static void test_ulong_range(void **state)
{
	(void)state;
	expect_ulong("16", 16, 100, 16);
	expect_ulong("100", 16, 100, 100);
	expect_bad_ulong("15", 16, 100);
	expect_bad_ulong("101", 16, 100);
	expect_bad_ulong("0", 1, 100);
}

static void test_profile_options(void **state)
{
	char *all[] = { "--profile", "p.pb.gz", "--folded=f", "--flame", "x.svg",
			"--sample-bytes", "64K", "--", "ls", NULL };
	char *bytes[] = { "--profile", "p", "--sample-bytes", "8192", "--",
			  "ls", NULL };
	char *odd[] = { "--profile", "p", "--sample-bytes", "1000", "--",
			"ls", NULL };
	char *huge[] = { "--profile", "p", "--sample-bytes", "2G", "--", "ls",
			 NULL };
	char *unit[] = { "--profile", "p", "--sample-bytes", "4KB", "--",
			 "ls", NULL };
	char *empty[] = { "--folded", "", "--", "ls", NULL };
	struct parsed p;

	(void)state;
	parse(all, &p);
	expect_cmd_ls(&p);
	assert_string_equal(p.o.profile, "p.pb.gz");
	assert_string_equal(p.o.folded, "f");
	assert_string_equal(p.o.flame, "x.svg");
	assert_int_equal(p.o.sample_bytes, 65536);
	parse(bytes, &p);
	assert_int_equal(p.o.sample_bytes, 8192);
	expect_error(odd, "'1000'");
	expect_error(huge, "'2G'");
	expect_error(unit, "'4KB'");
	expect_error(empty, "--folded");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_options),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_output_forms),
		cmocka_unit_test(test_format_json),
		cmocka_unit_test(test_format_last_wins),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_cgroup_check),
		cmocka_unit_test(test_memory_cgroup_options),
		cmocka_unit_test(test_max_procs),
		cmocka_unit_test(test_command_keeps_its_options),
		cmocka_unit_test(test_command_ls_l),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_bad_format),
		cmocka_unit_test(test_bad_max_procs),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_empty_output),
		cmocka_unit_test(test_missing_dashdash),
		cmocka_unit_test(test_empty_command),
		cmocka_unit_test(test_pids),
		cmocka_unit_test(test_pid_limits),
		cmocka_unit_test(test_too_many_pids),
		cmocka_unit_test(test_per_process_top),
		cmocka_unit_test(test_duration_interval),
		cmocka_unit_test(test_mode_conflicts),
		cmocka_unit_test(test_combined_short_options),
		cmocka_unit_test(test_parse_twice),
		cmocka_unit_test(test_report_options),
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_seconds_decimal_only),
		cmocka_unit_test(test_ulong_whole_numbers),
		cmocka_unit_test(test_ulong_rejects_partial),
		cmocka_unit_test(test_ulong_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
