// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/output/metrics.c: the families in the Prometheus text
 * format and in OpenMetrics, label escaping, the top-K selection, content
 * negotiation, and promtool's verdict on the text format.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "testutil.h"
#include "output/metrics.h"

#define MIB (1024ULL * 1024ULL)

static const struct metrics_label run_label[] = {
	{ "run", 3, "nightly \"big\"\\ build\nB" },
	{ "job_2", 5, "x" },
};

/* A row as the model has it after model_finish(). */
static void add_row(struct tm_report *r, uint32_t pid, const char *comm,
		    bool alive, uint64_t cur_rss, uint64_t peak_rss,
		    uint64_t peak_fp, double start_s)
{
	struct proc_info pi = { .pid = pid, .ppid = 1 };
	struct tm_proc *p;

	pi.flags = alive ? 0 : TM_PROC_EXITED;
	assert_int_equal(model_add_proc(r, &pi), 0);
	p = &r->procs[r->nprocs - 1];
	memcpy(p->comm, comm, strnlen(comm, TASK_COMM_LEN - 1));
	p->cur_rss = cur_rss;
	p->peak_rss = peak_rss;
	p->peak_footprint = peak_fp;
	p->start_s = start_s;
}

/* A tree of 3 processes: 96 MiB now, 100 MiB at its peak. */
static void build(struct tm_report *r)
{
	model_init(r, 4096, 0);
	add_row(r, 100, "memshape", true, 96 * MIB, 100 * MIB, 101 * MIB, 0);
	/* COMM can hold anything the process sets with prctl */
	add_row(r, 101, "q\"b\\s\nn\xff", true, 2 * MIB, 3 * MIB, 4 * MIB, 1);
	add_row(r, 102, "small", false, 0, MIB, 2 * MIB, 2);
	r->tree.cur_rss = 98 * MIB;
	r->tree.peak_rss = 100 * MIB;
	r->tree.cur_footprint = 99 * MIB;
	r->tree.peak_footprint = 102 * MIB;
	r->tree.cur_processes = 2;
	r->tree.cur_threads = 5;
	r->lost_events = 7;
}

static char *render(const struct tm_report *r, const struct tm_report *extra,
		    const struct metrics_conf *c, enum metrics_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(metrics_write(f, r, extra, c, fmt), 0);
	fclose(f);
	return buf;
}

static void assert_line(const char *text, const char *line)
{
	char *want;

	assert_true(asprintf(&want, "\n%s\n", line) > 0);
	if (!strstr(text, want) && strncmp(text, want + 1, strlen(want + 1)))
		fail_msg("no line '%s' in:\n%s", line, text);
	free(want);
}

static void assert_no_line(const char *text, const char *start)
{
	char *want;

	assert_true(asprintf(&want, "\n%s", start) > 0);
	if (strstr(text, want))
		fail_msg("unexpected '%s' in:\n%s", start, text);
	free(want);
}

static void text_format_has_help_type_and_values(void **state)
{
	struct metrics_conf c = { .top = 20, .version = "0.1.0" };
	struct tm_report r;
	char *out;

	(void)state;
	build(&r);
	out = render(&r, NULL, &c, METRICS_TEXT);
	assert_true(!strncmp(out, "# HELP taskmem_tree_rss_bytes ", 30));
	assert_line(out, "# TYPE taskmem_tree_rss_bytes gauge");
	assert_line(out, "taskmem_tree_rss_bytes 102760448");
	assert_line(out, "# TYPE taskmem_tree_peak_rss_bytes gauge");
	assert_line(out, "taskmem_tree_peak_rss_bytes 104857600");
	assert_line(out, "taskmem_tree_footprint_bytes 103809024");
	assert_line(out, "taskmem_tree_peak_footprint_bytes 106954752");
	assert_line(out, "taskmem_tree_kernel_bytes 1048576");
	assert_line(out, "taskmem_tree_processes 2");
	assert_line(out, "taskmem_tree_threads 5");
	assert_line(out, "# TYPE taskmem_lost_events_total counter");
	assert_line(out, "taskmem_lost_events_total 7");
	assert_line(out, "# TYPE taskmem_build_info gauge");
	assert_line(out, "taskmem_build_info{version=\"0.1.0\"} 1");
	assert_line(out, "taskmem_process_rss_bytes{pid=\"100\",comm=\"memshape\"} 100663296");
	assert_line(out, "taskmem_process_peak_rss_bytes{pid=\"100\",comm=\"memshape\"} 104857600");
	assert_line(out, "taskmem_process_rss_bytes{pid=\"102\",comm=\"small\"} 0");
	/* no OpenMetrics in the text format */
	assert_null(strstr(out, "# EOF"));
	assert_null(strstr(out, "# UNIT"));
	free(out);
	model_free(&r);
}

/* Every sample's family was announced by HELP and TYPE before it. */
static void every_sample_has_help_and_type(void **state)
{
	struct metrics_conf c = { .top = 20, .version = "0.1.0" };
	struct tm_report r;
	char *out, *line, *save = NULL, fam[128] = "";
	int samples = 0;

	(void)state;
	build(&r);
	out = render(&r, NULL, &c, METRICS_TEXT);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[128];

		if (!strncmp(line, "# HELP ", 7)) {
			sscanf(line + 7, "%127s", fam);
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			sscanf(line + 7, "%127s", name);
			assert_string_equal(name, fam);
			continue;
		}
		sscanf(line, "%127[^{ ]", name);
		assert_string_equal(name, fam);
		samples++;
	}
	/* 7 tree gauges, 2 x 3 processes, lost events, build info */
	assert_int_equal(samples, 7 + 6 + 2);
	free(out);
	model_free(&r);
}

static void openmetrics_has_units_total_info_and_eof(void **state)
{
	struct metrics_conf c = { .top = 20, .version = "0.1.0" };
	struct tm_report r;
	char *out;
	size_t len;

	(void)state;
	build(&r);
	out = render(&r, NULL, &c, METRICS_OPENMETRICS);
	assert_true(!strncmp(out, "# TYPE taskmem_tree_rss_bytes gauge\n", 36));
	assert_line(out, "# UNIT taskmem_tree_rss_bytes bytes");
	assert_line(out, "# UNIT taskmem_tree_peak_rss_bytes bytes");
	assert_line(out, "# UNIT taskmem_process_peak_rss_bytes bytes");
	assert_no_line(out, "# UNIT taskmem_tree_processes");
	/* a counter family is named without _total, its sample with it */
	assert_line(out, "# TYPE taskmem_lost_events counter");
	assert_line(out, "taskmem_lost_events_total 7");
	assert_line(out, "# TYPE taskmem_build info");
	assert_line(out, "taskmem_build_info{version=\"0.1.0\"} 1");
	assert_line(out, "taskmem_tree_peak_rss_bytes 104857600");
	/* # EOF once, at the very end */
	len = strlen(out);
	assert_true(len > 6);
	assert_string_equal(out + len - 6, "# EOF\n");
	assert_ptr_equal(strstr(out, "# EOF"), out + len - 6);
	free(out);
	model_free(&r);
}

static void label_values_are_escaped(void **state)
{
	struct metrics_conf c = { .top = 20, .version = "0.1.0",
				  .labels = run_label, .nlabels = 2 };
	struct tm_report r;
	char *out;
	int fmt;

	(void)state;
	build(&r);
	for (fmt = 0; fmt < METRICS_NFORMATS; fmt++) {
		out = render(&r, NULL, &c, fmt);
		/* quote, backslash and newline escaped; a stray byte U+FFFD */
		assert_line(out, "taskmem_process_rss_bytes{run=\"nightly "
				 "\\\"big\\\"\\\\ build\\nB\",job_2=\"x\","
				 "pid=\"101\",comm=\"q\\\"b\\\\s\\nn\xef\xbf\xbd\"} 2097152");
		assert_line(out, "taskmem_tree_threads{run=\"nightly "
				 "\\\"big\\\"\\\\ build\\nB\",job_2=\"x\"} 5");
		free(out);
	}
	model_free(&r);
}

static void label_value_escapes_each_character(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	/* UTF-8 stays, a cut-off character becomes U+FFFD */
	metrics_label_value(f, "\\\"\n\t\xc3\xa9\xe2\x82");
	fclose(f);
	assert_string_equal(buf, "\\\\\\\"\\n\t\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd");
	free(buf);
}

static void top_k_by_peak_footprint(void **state)
{
	struct metrics_conf c = { .top = 2, .version = "v" };
	struct tm_report r;
	char *out;

	(void)state;
	build(&r);
	out = render(&r, NULL, &c, METRICS_TEXT);
	assert_non_null(strstr(out, "pid=\"100\""));
	assert_non_null(strstr(out, "pid=\"101\""));
	assert_null(strstr(out, "pid=\"102\""));
	/* largest first */
	assert_true(strstr(out, "pid=\"100\"") < strstr(out, "pid=\"101\""));
	free(out);

	c.top = 0;
	out = render(&r, NULL, &c, METRICS_TEXT);
	assert_null(strstr(out, "pid="));
	/* the families are still announced */
	assert_line(out, "# TYPE taskmem_process_rss_bytes gauge");
	free(out);
	model_free(&r);
}

/*
 * Exited rows come from a second report while tracing; a pid reused by a
 * process of the same name is one series: the live one.
 */
static void exited_rows_join_and_reused_pids_are_one_series(void **state)
{
	struct metrics_conf c = { .top = 20, .version = "v" };
	struct tm_report r, exited;
	char *out;

	(void)state;
	build(&r);
	model_init(&exited, 4096, 0);
	add_row(&exited, 90, "gone", false, 0, 50 * MIB, 51 * MIB, 0);
	add_row(&exited, 100, "memshape", false, 0, 200 * MIB, 201 * MIB, 0);
	exited.lost_events = 3;
	out = render(&r, &exited, &c, METRICS_TEXT);
	assert_line(out, "taskmem_process_peak_rss_bytes{pid=\"90\",comm=\"gone\"} 52428800");
	assert_line(out, "taskmem_process_peak_rss_bytes{pid=\"100\",comm=\"memshape\"} 104857600");
	assert_null(strstr(out, "209715200"));
	assert_line(out, "taskmem_lost_events_total 10");
	free(out);
	model_free(&exited);
	model_free(&r);
}


/* #14: unique and charged memory, from the live or the exit records' report. */
static void unique_memory_when_measured(void **state)
{
	struct metrics_conf c = { .top = 20, .version = "v" };
	struct tm_report r, exited;
	char *out;

	(void)state;
	build(&r);
	out = render(&r, NULL, &c, METRICS_TEXT);
	assert_no_line(out, "taskmem_tree_unique_bytes");
	free(out);
	model_init(&exited, 4096, 0);
	exited.unique.valid = true;
	exited.unique.cur_unique = 40 * MIB;
	exited.unique.peak_unique = 50 * MIB;
	exited.unique.peak_charged = 60 * MIB;
	out = render(&r, &exited, &c, METRICS_OPENMETRICS);
	assert_line(out, "# UNIT taskmem_tree_unique_bytes bytes");
	assert_line(out, "taskmem_tree_unique_bytes 41943040");
	assert_line(out, "taskmem_tree_peak_unique_bytes 52428800");
	assert_line(out, "taskmem_tree_peak_charged_bytes 62914560");
	free(out);
	model_free(&exited);
	model_free(&r);
}

static void negotiation_follows_accept(void **state)
{
	(void)state;
	/* what Prometheus 2.42 sends */
	assert_int_equal(metrics_negotiate(
		"application/openmetrics-text;version=1.0.0,application/"
		"openmetrics-text;version=0.0.1;q=0.75,text/plain;"
		"version=0.0.4;q=0.5,*/*;q=0.1"), METRICS_OPENMETRICS);
	assert_int_equal(metrics_negotiate(NULL), METRICS_TEXT);
	assert_int_equal(metrics_negotiate(""), METRICS_TEXT);
	assert_int_equal(metrics_negotiate("*/*"), METRICS_TEXT);
	assert_int_equal(metrics_negotiate("text/plain; version=0.0.4"),
			 METRICS_TEXT);
	assert_int_equal(metrics_negotiate("Application/OpenMetrics-Text"),
			 METRICS_OPENMETRICS);
	assert_int_equal(metrics_negotiate(
		"application/openmetrics-text; q=0.3, text/plain; q=0.5"),
		METRICS_TEXT);
	assert_int_equal(metrics_negotiate(
		"text/plain;q=0.2, application/openmetrics-text;q=0.9"),
		METRICS_OPENMETRICS);
	assert_int_equal(metrics_negotiate("application/openmetrics-text;q=0"),
			 METRICS_TEXT);
	assert_int_equal(metrics_negotiate("application/json, image/png"),
			 METRICS_TEXT);
	assert_non_null(strstr(metrics_content_type(METRICS_OPENMETRICS),
			       "application/openmetrics-text; version=1.0.0"));
	assert_non_null(strstr(metrics_content_type(METRICS_TEXT),
			       "text/plain; version=0.0.4"));
}

/* promtool (Debian's prometheus package) finds nothing to say. */
static void promtool_accepts_the_text_format(void **state)
{
	struct metrics_conf c = { .top = 20, .version = "0.1.0",
				  .labels = run_label, .nlabels = 2 };
	char path[] = "/tmp/taskmem-metrics-XXXXXX", cmd[256], said[4096];
	struct tm_report r;
	size_t n;
	FILE *f, *p;
	int fd, status;

	(void)state;
	if (system("command -v promtool >/dev/null 2>&1")) {
		if (ci())
			fail_msg("promtool is missing (tools/install-deps.sh "
				 "installs prometheus)");
		skip();
	}
	build(&r);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(metrics_write(f, &r, NULL, &c, METRICS_TEXT), 0);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(said, 1, sizeof(said) - 1, p);
	said[n] = '\0';
	status = pclose(p);
	unlink(path);
	model_free(&r);
	if (!WIFEXITED(status) || WEXITSTATUS(status) || n)
		fail_msg("promtool check metrics: status %d: %s", status, said);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_format_has_help_type_and_values),
		cmocka_unit_test(unique_memory_when_measured),
		cmocka_unit_test(every_sample_has_help_and_type),
		cmocka_unit_test(openmetrics_has_units_total_info_and_eof),
		cmocka_unit_test(label_values_are_escaped),
		cmocka_unit_test(label_value_escapes_each_character),
		cmocka_unit_test(top_k_by_peak_footprint),
		cmocka_unit_test(exited_rows_join_and_reused_pids_are_one_series),
		cmocka_unit_test(negotiation_follows_accept),
		cmocka_unit_test(promtool_accepts_the_text_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
