// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/replay.c: `taskmem report` end to end on JSON files
 * written by report_json(), with stdout and stderr sent to files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "testutil.h"
#include "common/errors.h"
#include "replay/cmd_report.h"
#include "output/report.h"

#define PAGE 4096ULL
#define MIB (1024ULL * 1024ULL)
#define T0_NS 1000000000ULL

static char *command[] = { "workload", "--big", NULL };

struct fixture {
	char dir[64];
	char plain[128];	/* a report without a timeline */
	char sampled[128];	/* one with a timeline */
	char out[128];		/* for -o */
	char text[2][16384];	/* what the last run wrote to fds 1 and 2 */
};

/* `worker` (100) peaked at 24 MiB and exited 0, sampled or not. */
static void write_report(const char *path, bool sampled)
{
	struct tm_report r;
	struct timeline tl;
	struct proc_info pi;
	struct tree_state t;
	struct tl_sample s;
	FILE *f;
	int i;

	model_init(&r, PAGE, T0_NS);
	r.command = command;
	r.command_argc = 2;
	r.stop_reason = "the command exited";
	r.duration_s = 0.03;
	memset(&pi, 0, sizeof(pi));
	pi.pid = 100;
	pi.ppid = 1;
	pi.flags = TM_PROC_ROOT | TM_PROC_EXITED;
	pi.start_ns = T0_NS;
	pi.end_ns = T0_NS + 30000000;
	pi.peak_rss = pi.peak_anon = 24 * MIB / PAGE;
	pi.peak_footprint = 25 * MIB;
	snprintf(pi.comm, sizeof(pi.comm), "worker");
	assert_int_equal(model_add_proc(&r, &pi), 0);
	memset(&t, 0, sizeof(t));
	t.peak_rss = 24 * MIB / PAGE;
	t.peak_footprint = 25 * MIB;
	t.peak_procs = t.procs_total = 1;
	model_finish(&r, &t);
	assert_int_equal(timeline_init(&tl, 16), 0);
	for (i = 1; sampled && i <= 3; i++) {
		memset(&s, 0, sizeof(s));
		s.t = i * 0.01;
		s.processes = s.threads = 1;
		s.rss = s.anon = s.max_rss = 8 * i * MIB;
		s.footprint = s.max_footprint = s.rss + MIB;
		s.kmem = MIB;
		timeline_add(&tl, &s);
	}
	if (sampled) {
		r.timeline = &tl;
		r.sample_ms = 10;
	}
	f = fopen(path, "we");
	assert_non_null(f);
	report_json(f, &r);
	assert_int_equal(fclose(f), 0);
	timeline_free(&tl);
	model_free(&r);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_replay.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->plain, sizeof(fx->plain), "%s/plain.json", fx->dir);
	snprintf(fx->sampled, sizeof(fx->sampled), "%s/sampled.json",
		 fx->dir);
	snprintf(fx->out, sizeof(fx->out), "%s/out", fx->dir);
	write_report(fx->plain, false);
	write_report(fx->sampled, true);
	*state = fx;
	return 0;
}


static int teardown(void **state)
{
	struct fixture *fx = *state;

	remove_tree(fx->dir);
	free(fx);
	return 0;
}

/* A whole file into buf ("" when it cannot be read). */
static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

/*
 * cmd_report(args...) in a child with fds 1 and 2 on files in the scratch
 * directory, read back into fx->text; the child's exit code is
 * cmd_report's. A child: cmd_report() may close stdout (see
 * test_stdout_stays_open).
 */
static int report(struct fixture *fx, ...)
{
	char *argv[8], path[2][160];
	int argc = 0, status, i, fd;
	va_list ap;
	pid_t pid;

	va_start(ap, fx);
	while (argc < 7 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	for (i = 0; i < 2; i++)
		snprintf(path[i], sizeof(path[i]), "%s/fd%d", fx->dir, i + 1);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (i = 0; i < 2; i++) {
			fd = open(path[i], O_WRONLY | O_CREAT | O_TRUNC |
				  O_CLOEXEC, 0600);
			if (fd < 0 || dup2(fd, i + 1) < 0)
				_exit(255);
		}
		status = cmd_report(argc, argv);
		/* as main() returning would: flush what is still open */
		exit(status);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	for (i = 0; i < 2; i++)
		slurp(path[i], fx->text[i], sizeof(fx->text[i]));
	return WEXITSTATUS(status);
}

static void test_table_to_stdout(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(report(fx, fx->plain, NULL), TM_EXIT_OK);
	assert_non_null(strstr(fx->text[0], "worker"));
	assert_non_null(strstr(fx->text[0], "workload --big"));
	assert_string_equal(fx->text[1], "");
}

static void test_csv(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(report(fx, "-f", "csv", fx->plain, NULL),
			 TM_EXIT_OK);
	/* a header, then a row for pid 100 */
	assert_non_null(strchr(fx->text[0], ','));
	assert_non_null(strstr(fx->text[0], "\n100,"));
	assert_non_null(strstr(fx->text[0], "worker"));
	assert_string_equal(fx->text[1], "");
}

static void test_output_file(void **state)
{
	struct fixture *fx = *state;
	char file[4096];

	assert_int_equal(report(fx, "-o", fx->out, "--format", "json",
				fx->plain, NULL), TM_EXIT_OK);
	assert_string_equal(fx->text[0], "");
	assert_string_equal(fx->text[1], "");
	slurp(fx->out, file, sizeof(file));
	assert_int_equal(file[0], '{');
	assert_non_null(strstr(file, "\"worker\""));
}

static void test_svg(void **state)
{
	struct fixture *fx = *state;
	char file[16384];

	assert_int_equal(report(fx, "-f", "svg", "-o", fx->out, fx->sampled,
				NULL), TM_EXIT_OK);
	slurp(fx->out, file, sizeof(file));
	assert_int_equal(strncmp(file, "<?xml", 5), 0);
	assert_non_null(strstr(file, "</svg>"));
}

static void test_svg_without_timeline(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(report(fx, "-f", "svg", "-o", fx->out, fx->plain,
				NULL), TM_EXIT_USAGE);
	assert_non_null(strstr(fx->text[1], "taskmem: cannot draw"));
	assert_non_null(strstr(fx->text[1], "no timeline"));
	assert_int_equal(access(fx->out, F_OK), -1);
}

static void test_missing_file(void **state)
{
	struct fixture *fx = *state;

	snprintf(fx->out, sizeof(fx->out), "%s/missing.json", fx->dir);
	assert_int_equal(report(fx, fx->out, NULL), TM_EXIT_USAGE);
	assert_non_null(strstr(fx->text[1], "taskmem: cannot read report"));
	assert_non_null(strstr(fx->text[1], fx->out));
	assert_string_equal(fx->text[0], "");
}

static void test_not_a_report(void **state)
{
	struct fixture *fx = *state;
	FILE *f = fopen(fx->out, "we");

	assert_non_null(f);
	fputs("{\"not\": \"a report\"}\n", f);
	fclose(f);
	assert_int_equal(report(fx, fx->out, NULL), TM_EXIT_USAGE);
	assert_non_null(strstr(fx->text[1], "taskmem: cannot read report"));
}

static void test_unknown_option(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(report(fx, "--bogus", fx->plain, NULL),
			 TM_EXIT_USAGE);
	assert_non_null(strstr(fx->text[1], "'--bogus'"));
	assert_non_null(strstr(fx->text[1],
			       "run 'taskmem report --help' for the options"));
	assert_string_equal(fx->text[0], "");
}

static void test_help(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(report(fx, "--help", NULL), TM_EXIT_OK);
	assert_int_equal(strncmp(fx->text[0], "usage: taskmem report", 21),
			 0);
	assert_string_equal(fx->text[1], "");
}

/*
 * The table goes to stdout through output_commit(), which fclose()s any
 * stream but stderr: fd 1 is closed behind the caller's back and stdout
 * is a closed FILE for anything written after (atexit handlers, tests).
 */
static void test_stdout_stays_open(void **state)
{
	struct fixture *fx = *state;
	char path[160];
	int status, fd;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/fd1", fx->dir);
	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { fx->plain, NULL };

		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(255);
		if (cmd_report(1, argv) != TM_EXIT_OK)
			_exit(2);
		_exit(fcntl(1, F_GETFD) < 0 ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 1)
		fail_msg("cmd_report closed fd 1 (stdout)");
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table_to_stdout, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_svg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_svg_without_timeline,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_a_report, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_option, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdout_stays_open, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
