// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/bench_report.c: cell statistics, the cost per task,
 * and the table, markdown, CSV, JSON and SVG forms of a bench's results
 * (JSON read back with json-c, SVG with libxml2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include "bench/bench_report.h"

#define KIB 1024.0
#define MIB (1024.0 * KIB)

/*
 * Three programs at N = 1 and 1000, two runs a cell: "threads" ran
 * (1 MiB + 20 KiB a task of footprint, 8 KiB a task of RSS, 1 MiB + 24
 * KiB a task of unique memory), "a|b,c" ran at N = 1 without a memory
 * cgroup and failed at N = 1000, "java" is unavailable.
 */
struct fixture {
	struct bench_results r;
	struct bench_program progs[3];
	struct bench_run runs[3][2][2];
	char *out;
	size_t len;
};

static char *thread_words[] = { "build/threads", "{n}", "{s}" };

#define NO_CGROUP "none: cannot create a memory cgroup: Permission denied"

/* uniq < 0: the runs had no unique memory (NO_CGROUP) */
static void add_runs(struct fixture *fx, int p, int t, double fp, double rss,
		     double uniq)
{
	struct bench_cell *c = &fx->progs[p].cells[t];
	int i;

	c->runs = fx->runs[p][t];
	for (i = 0; i < 2; i++) {
		/* the two runs: 4 KiB below and above the median */
		c->runs[i].footprint = fp + (i ? 4 * KIB : -4 * KIB);
		c->runs[i].rss = rss;
		c->runs[i].threads = fx->r.tasks[t] + 1;
		c->runs[i].procs = 1;
		c->runs[i].wall_s = 1.0 + i * 0.5;
		c->runs[i].lost = i;
		c->runs[i].kstack = 16 * KIB;
		/* 8 KiB below and above */
		c->runs[i].has_unique = uniq >= 0;
		c->runs[i].unique = uniq + (i ? 8 * KIB : -8 * KIB);
		snprintf(c->runs[i].source, sizeof(c->runs[i].source), "%s",
			 uniq >= 0 ? "memcg-v1-sampled" : NO_CGROUP);
	}
	c->nruns = 2;
	c->state = BENCH_OK;
	bench_cell_finish(c);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct bench_results *r;
	int i;

	if (!fx)
		return -1;
	r = &fx->r;
	r->tasks[0] = 1;
	r->tasks[1] = 1000;
	r->ntasks = 2;
	r->runs = 2;
	r->sleep = "10";
	r->progs = fx->progs;
	r->nprogs = 3;
	r->elapsed_s = 65;
	fx->progs[0].name = "threads";
	fx->progs[0].words = thread_words;
	fx->progs[0].nwords = 3;
	add_runs(fx, 0, 0, MIB + 20 * KIB, 512 * KIB + 8 * KIB,
		 MIB + 24 * KIB);
	add_runs(fx, 0, 1, MIB + 20000 * KIB, 512 * KIB + 8000 * KIB,
		 MIB + 24000 * KIB);
	fx->progs[1].name = "a|b,c";
	fx->progs[1].words = thread_words;
	fx->progs[1].nwords = 3;
	add_runs(fx, 1, 0, 2 * MIB, MIB, -1);
	fx->progs[1].cells[1].state = BENCH_FAILED;
	snprintf(fx->progs[1].cells[1].reason, 80, "killed by SIGKILL");
	snprintf(fx->progs[1].cells[1].detail, 160,
		 "fatal error: runtime: cannot allocate memory, said \"go\"");
	fx->progs[2].name = "java";
	fx->progs[2].unavailable = "no JDK 21 in Debian 12";
	for (i = 0; i < 2; i++)
		fx->progs[2].cells[i].state = BENCH_UNAVAILABLE;
	for (i = 0; i < 3; i++)
		bench_fit(r, &fx->progs[i]);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	free(fx->out);
	free(fx);
	return 0;
}

static void render(struct fixture *fx, enum bench_format fmt, bool long_form)
{
	FILE *f;

	free(fx->out);
	fx->out = NULL;
	f = open_memstream(&fx->out, &fx->len);
	assert_non_null(f);
	assert_int_equal(bench_write(f, &fx->r, fmt, long_form), 0);
	assert_int_equal(fclose(f), 0);
}

/* The line of fx->out that starts with prefix, without its newline. */
static const char *line_of(const struct fixture *fx, const char *prefix,
			   char *buf, size_t len)
{
	const char *s = fx->out;

	while (s && *s) {
		const char *end = strchrnul(s, '\n');

		if (!strncmp(s, prefix, strlen(prefix))) {
			snprintf(buf, len, "%.*s", (int)(end - s), s);
			return buf;
		}
		s = *end ? end + 1 : NULL;
	}
	fail_msg("no line starting with '%s' in:\n%s", prefix, fx->out);
	return NULL;
}

static void test_cell_finish(void **state)
{
	struct fixture *fx = *state;
	const struct bench_cell *c = &fx->progs[0].cells[1];

	assert_float_equal(c->fp.median, MIB + 20000 * KIB, 1e-6);
	assert_float_equal(c->fp.min, MIB + 19996 * KIB, 1e-6);
	assert_float_equal(c->fp.max, MIB + 20004 * KIB, 1e-6);
	assert_float_equal(c->wall.median, 1.25, 1e-9);
	assert_float_equal(c->threads, 1001, 0);
	assert_float_equal(c->lost, 1, 0);
	assert_float_equal(c->kstack, 16 * KIB, 0);
	assert_true(c->has_unique);
	assert_float_equal(c->uniq.median, MIB + 24000 * KIB, 1e-6);
	assert_float_equal(c->uniq.min, MIB + 23992 * KIB, 1e-6);
	assert_float_equal(c->uniq.max, MIB + 24008 * KIB, 1e-6);
	assert_string_equal(c->source, "memcg-v1-sampled");
	c = &fx->progs[1].cells[0];
	assert_false(c->has_unique);
	assert_string_equal(c->source, NO_CGROUP);
}

/* One run without unique memory: the cell has none, and says why. */
static void test_cell_finish_mixed(void **state)
{
	struct fixture *fx = *state;
	struct bench_cell *c = &fx->progs[0].cells[1];

	c->runs[1].has_unique = false;
	snprintf(c->runs[1].source, sizeof(c->runs[1].source), "%s",
		 NO_CGROUP);
	bench_cell_finish(c);
	assert_false(c->has_unique);
	assert_string_equal(c->source, NO_CGROUP);
	/* footprint and RSS are still the two runs' */
	assert_float_equal(c->fp.median, MIB + 20000 * KIB, 1e-6);
	bench_fit(&fx->r, &fx->progs[0]);
	assert_true(fx->progs[0].has_slope);
	assert_false(fx->progs[0].has_unique_slope);
}

static void test_fit(void **state)
{
	struct fixture *fx = *state;

	assert_true(fx->progs[0].has_slope);
	assert_float_equal(fx->progs[0].fp_slope, 20 * KIB, 1e-6);
	assert_float_equal(fx->progs[0].rss_slope, 8 * KIB, 1e-6);
	assert_true(fx->progs[0].has_unique_slope);
	assert_float_equal(fx->progs[0].unique_slope, 24 * KIB, 1e-6);
	/* one task count ran: no slope */
	assert_false(fx->progs[1].has_slope);
	assert_false(fx->progs[1].has_unique_slope);
	assert_false(fx->progs[2].has_slope);
}

static void test_table(void **state)
{
	struct fixture *fx = *state;
	char line[512];
	const char *s;

	render(fx, BENCH_TABLE, false);
	line_of(fx, "taskmem bench: 3 programs, N = 1, 1000, 2 runs per cell",
		line, sizeof(line));
	assert_non_null(strstr(line, "1:05"));
	line_of(fx, "PROGRAM", line, sizeof(line));
	assert_non_null(strstr(line, "N=1000"));
	assert_non_null(strstr(line, "PER_TASK"));
	line_of(fx, "threads", line, sizeof(line));
	assert_non_null(strstr(line, "20.00 KiB"));
	/* median (min-max), marked: a run lost records */
	assert_non_null(strstr(line, "20.53 MiB (20.53-20.54)*"));
	line_of(fx, "a|b,c", line, sizeof(line));
	assert_non_null(strstr(line, "killed by SIGKILL: fatal erro..."));
	line_of(fx, "java", line, sizeof(line));
	assert_non_null(strstr(line, "no JDK 21 in Debian 12"));
	/* the notes: the whole failure, and what '*' means */
	line_of(fx, "  a|b,c at N=1000: killed by SIGKILL: fatal error: "
		    "runtime: cannot allocate memory, said \"go\"",
		line, sizeof(line));
	line_of(fx, "  *: records were lost", line, sizeof(line));
	/* unique memory: a row of its own, "-" with the reason noted */
	line_of(fx, "         unique        1.02 MiB (1.02-1.03)*          "
		    "24.44 MiB (24.43-24.45)*  24.00 KiB   1.02 MiB",
		line, sizeof(line));
	line_of(fx, "         unique                            -       ",
		line, sizeof(line));
	line_of(fx, "  unique memory not known for a|b,c at N=1: " NO_CGROUP,
		line, sizeof(line));
	for (s = fx->out; (s = strstr(s, " \n")); s++)
		fail_msg("trailing blank in:\n%s", fx->out);
}

static void test_table_long(void **state)
{
	struct fixture *fx = *state;
	char line[512];

	render(fx, BENCH_TABLE, true);
	line_of(fx, "         threads", line, sizeof(line));
	assert_non_null(strstr(line, "1001"));
	line_of(fx, "         wall", line, sizeof(line));
	assert_non_null(strstr(line, "1.25 s"));
	line_of(fx, "         processes", line, sizeof(line));
}

static void test_markdown(void **state)
{
	struct fixture *fx = *state;
	char line[512];

	render(fx, BENCH_MARKDOWN, false);
	line_of(fx, "| program | measure | N=1 | N=1000 | per task | baseline |",
		line, sizeof(line));
	line_of(fx, "|---|---|---:|---:|---:|---:|", line, sizeof(line));
	line_of(fx, "| threads | footprint |", line, sizeof(line));
	line_of(fx, "|  | rss |", line, sizeof(line));
	line_of(fx, "|  | unique | 1.02 MiB (1.02-1.03)* | 24.44 MiB "
		    "(24.43-24.45)* | 24.00 KiB | 1.02 MiB |", line, sizeof(line));
	line_of(fx, "|  | unique | - | - | - | - |", line, sizeof(line));
	line_of(fx, "- unique memory not known for a|b,c at N=1: " NO_CGROUP,
		line, sizeof(line));
	/* a pipe in a name does not split the cell */
	line_of(fx, "| a\\|b,c | footprint |", line, sizeof(line));
	line_of(fx, "- a|b,c at N=1000: killed by SIGKILL", line, sizeof(line));
}

static void test_csv(void **state)
{
	struct fixture *fx = *state;
	char line[512];
	int rows = 0;
	const char *s;

	render(fx, BENCH_CSV, false);
	for (s = fx->out; *s; s++)
		rows += *s == '\n';
	assert_int_equal(rows, 1 + 3 * 2);
	line_of(fx, "program,n,status,reason,runs_ok,peak_footprint_bytes,",
		line, sizeof(line));
	line_of(fx, "program,n,status,reason,runs_ok,peak_footprint_bytes,",
		line, sizeof(line));
	/* the unique columns come last: the older ones keep their place */
	assert_non_null(strstr(line, ",baseline_footprint_bytes,"
				     "peak_unique_bytes,peak_unique_min_bytes,"
				     "peak_unique_max_bytes,"
				     "unique_per_task_bytes,memory_source"));
	line_of(fx, "threads,1000,ok,,2,21528576,21524480,21532672,8716288,"
		    "8716288,8716288,1001,1,1.250,1,20480.0,8192.0,1069056,"
		    "25624576,25616384,25632768,24576.0,memcg-v1-sampled",
		line, sizeof(line));
	line_of(fx, "\"a|b,c\",1,ok,,2,2097152,", line, sizeof(line));
	assert_non_null(strstr(line, ",2097152,,,,," NO_CGROUP));
	line_of(fx, "\"a|b,c\",1000,failed,\"killed by SIGKILL: fatal error: "
		    "runtime: cannot allocate memory, said \"\"go\"\"\",0,,",
		line, sizeof(line));
	line_of(fx, "java,1,unavailable,no JDK 21 in Debian 12,0,,", line,
		sizeof(line));
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no key '%s' in %s", key,
			 json_object_to_json_string(o));
	return v;
}

static void test_json(void **state)
{
	struct fixture *fx = *state;
	struct json_object *root, *progs, *p, *cell;

	render(fx, BENCH_JSON, false);
	root = json_tokener_parse(fx->out);
	if (!root)
		fail_msg("not JSON:\n%s", fx->out);
	assert_int_equal(json_object_get_int(get(root, "runs")), 2);
	assert_string_equal(json_object_get_string(get(root, "sleep")), "10");
	assert_true(json_object_get_boolean(get(root, "complete")));
	assert_int_equal(json_object_array_length(get(root, "tasks")), 2);
	progs = get(root, "programs");
	assert_int_equal(json_object_array_length(progs), 3);

	p = json_object_array_get_idx(progs, 0);
	assert_string_equal(json_object_get_string(get(p, "name")), "threads");
	assert_string_equal(json_object_get_string(
		json_object_array_get_idx(get(p, "command"), 1)), "{n}");
	assert_float_equal(json_object_get_double(
		get(p, "footprint_per_task_bytes")), 20480, 0.1);
	assert_int_equal(json_object_get_int64(
		get(p, "baseline_footprint_bytes")), MIB + 20 * KIB);
	cell = json_object_array_get_idx(get(p, "cells"), 1);
	assert_int_equal(json_object_get_int(get(cell, "n")), 1000);
	assert_string_equal(json_object_get_string(get(cell, "status")), "ok");
	assert_int_equal(json_object_get_int64(get(cell, "peak_footprint_bytes")),
			 MIB + 20000 * KIB);
	assert_int_equal(json_object_get_int64(get(cell, "kstack_bytes")),
			 16 * KIB);
	assert_int_equal(json_object_array_length(get(cell, "runs")), 2);
	assert_float_equal(json_object_get_double(
		get(p, "unique_per_task_bytes")), 24576, 0.1);
	assert_int_equal(json_object_get_int64(get(cell, "peak_unique_bytes")),
			 MIB + 24000 * KIB);
	assert_int_equal(json_object_get_int64(
		get(cell, "peak_unique_min_bytes")), MIB + 23992 * KIB);
	assert_int_equal(json_object_get_int64(
		get(cell, "peak_unique_max_bytes")), MIB + 24008 * KIB);
	assert_string_equal(json_object_get_string(get(cell, "memory_source")),
			    "memcg-v1-sampled");
	assert_int_equal(json_object_get_int64(get(
		json_object_array_get_idx(get(cell, "runs"), 1),
		"peak_unique_bytes")), MIB + 24008 * KIB);

	p = json_object_array_get_idx(progs, 1);
	assert_null(get(p, "footprint_per_task_bytes"));
	assert_null(get(p, "unique_per_task_bytes"));
	cell = json_object_array_get_idx(get(p, "cells"), 0);
	assert_null(get(cell, "peak_unique_bytes"));
	assert_string_equal(json_object_get_string(get(cell, "memory_source")),
			    NO_CGROUP);
	assert_null(get(json_object_array_get_idx(get(cell, "runs"), 0),
			"peak_unique_bytes"));
	cell = json_object_array_get_idx(get(p, "cells"), 1);
	assert_string_equal(json_object_get_string(get(cell, "status")),
			    "failed");
	assert_string_equal(json_object_get_string(get(cell, "reason")),
			    "killed by SIGKILL");
	assert_non_null(strstr(json_object_get_string(get(cell, "stderr")),
			       "said \"go\""));
	assert_null(get(cell, "peak_footprint_bytes"));

	p = json_object_array_get_idx(progs, 2);
	assert_string_equal(json_object_get_string(get(p, "unavailable")),
			    "no JDK 21 in Debian 12");
	cell = json_object_array_get_idx(get(p, "cells"), 0);
	assert_string_equal(json_object_get_string(get(cell, "status")),
			    "unavailable");
	json_object_put(root);
}

static void test_interrupted(void **state)
{
	struct fixture *fx = *state;
	struct json_object *root;
	char line[512];

	fx->r.interrupted = true;
	fx->progs[1].cells[1].state = BENCH_NOT_RUN;
	render(fx, BENCH_TABLE, false);
	line_of(fx, "taskmem bench:", line, sizeof(line));
	assert_non_null(strstr(line, "interrupted"));
	line_of(fx, "a|b,c", line, sizeof(line));
	assert_non_null(strstr(line, "not run"));
	render(fx, BENCH_JSON, false);
	root = json_tokener_parse(fx->out);
	assert_non_null(root);
	assert_false(json_object_get_boolean(get(root, "complete")));
	json_object_put(root);
}

/* No cell had unique memory, for one reason: one note says it. */
static void test_no_unique_anywhere(void **state)
{
	struct fixture *fx = *state;
	char line[512];
	int t, i;

	for (t = 0; t < 2; t++)
		add_runs(fx, 0, t, MIB, MIB, -1);
	add_runs(fx, 1, 0, MIB, MIB, -1);
	for (i = 0; i < 2; i++)
		bench_fit(&fx->r, &fx->progs[i]);
	assert_false(fx->progs[0].has_unique_slope);
	assert_true(fx->progs[0].has_slope);
	render(fx, BENCH_TABLE, false);
	/* threads' unique row: a dash in every column, no figure */
	line_of(fx, "         unique ", line, sizeof(line));
	assert_null(strpbrk(line, "0123456789"));
	assert_non_null(strstr(line, "-         -"));
	line_of(fx, "  unique memory not known in any cell: " NO_CGROUP, line,
		sizeof(line));
	assert_null(strstr(fx->out, "unique memory not known for"));
	/* two reasons: a note each, with its cells */
	snprintf(fx->runs[0][1][0].source, BENCH_SOURCE_LEN, "none: other");
	snprintf(fx->runs[0][1][1].source, BENCH_SOURCE_LEN, "none: other");
	bench_cell_finish(&fx->progs[0].cells[1]);
	render(fx, BENCH_MARKDOWN, false);
	line_of(fx, "- unique memory not known for threads at N=1; a|b,c at "
		    "N=1: " NO_CGROUP, line, sizeof(line));
	line_of(fx, "- unique memory not known for threads at N=1000: none: "
		    "other", line, sizeof(line));
}

/* Chart i parses as SVG and names every program. */
static void expect_chart(struct fixture *fx, int i, const char *title)
{
	xmlDocPtr doc;
	FILE *f;

	free(fx->out);
	fx->out = NULL;
	f = open_memstream(&fx->out, &fx->len);
	assert_non_null(f);
	assert_int_equal(bench_chart(f, &fx->r, i), 0);
	assert_int_equal(fclose(f), 0);
	doc = xmlReadMemory(fx->out, (int)fx->len, "chart.svg", NULL,
			    XML_PARSE_NONET);
	if (!doc)
		fail_msg("chart %d is not well-formed:\n%s", i, fx->out);
	xmlFreeDoc(doc);
	assert_non_null(strstr(fx->out, title));
	assert_non_null(strstr(fx->out, ">threads</text>"));
	assert_non_null(strstr(fx->out, ">a|b,c</text>"));
	assert_non_null(strstr(fx->out, ">java</text>"));
	assert_null(strstr(fx->out, "<script"));
}

static void test_charts(void **state)
{
	struct fixture *fx = *state;

	expect_chart(fx, 0, "<title>Peak memory of 1 concurrent task</title>");
	expect_chart(fx, 1, "Peak memory of 1000 concurrent tasks");
	/* the failure and the unavailable program say why */
	assert_non_null(strstr(fx->out, ">killed by SIGKILL: fatal erro...<"));
	assert_non_null(strstr(fx->out, ">no JDK 21 in Debian 12<"));
	/* the bar's value, and its RSS part */
	assert_non_null(strstr(fx->out, ">20.53 MiB<"));
	assert_non_null(strstr(fx->out, ">8.31 MiB<"));
	/* unique memory: a mark with its value in the tooltip */
	assert_non_null(strstr(fx->out, "unique: each page once"));
	assert_non_null(strstr(fx->out, "threads: footprint 20.53 MiB, RSS "
					"8.31 MiB, unique 24.44 MiB"));
	expect_chart(fx, 2, "Memory per task: slope over N = 1..1000");
	assert_non_null(strstr(fx->out, ">20.00 KiB<"));
	assert_non_null(strstr(fx->out, "unique 24.00 KiB"));
	assert_non_null(strstr(fx->out, ">fewer than 2 task counts ran<"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cell_finish, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cell_finish_mixed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_long, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_markdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_charts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_unique_anywhere, setup,
						teardown),
	};
	int ret = cmocka_run_group_tests(tests, NULL, NULL);

	xmlCleanupParser();
	return ret;
}
