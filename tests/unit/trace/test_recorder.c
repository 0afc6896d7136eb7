// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/recorder.c: the --timeline CSV, --perfetto trace and
 * --plot SVG a sampled trace writes, read back from a scratch directory.
 */
#define _GNU_SOURCE
#include <errno.h>
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
#include <cmocka.h>
#include "testutil.h"
#include <json-c/json.h>
#include "trace/recorder.h"

#define PAGE 4096ULL
#define MIB (1024ULL * 1024ULL)
#define T0_NS 1000000000ULL
#define CSV_HEADER "time_s,pid,comm,processes,threads,rss_bytes,"

struct fixture {
	char dir[64];
	char csv[128], trace[128], plot[128];
	struct trace_opts o;	/* all three files, sampled every 10 ms */
	struct recorder rc;
	struct tm_report r;
	char text[16384];	/* the file read last */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_recorder.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->csv, sizeof(fx->csv), "%s/t.csv", fx->dir);
	snprintf(fx->trace, sizeof(fx->trace), "%s/t.json", fx->dir);
	snprintf(fx->plot, sizeof(fx->plot), "%s/t.svg", fx->dir);
	fx->o.timeline = fx->csv;
	fx->o.perfetto = fx->trace;
	fx->o.plot = fx->plot;
	fx->o.sample_ms = 10;
	model_init(&fx->r, PAGE, T0_NS);
	*state = fx;
	return 0;
}


static int teardown(void **state)
{
	struct fixture *fx = *state;

	recorder_close(&fx->rc);
	model_free(&fx->r);
	remove_tree(fx->dir);
	free(fx);
	return 0;
}

/* path into fx->text; 0, or -1 when it cannot be read. */
static int slurp(struct fixture *fx, const char *path)
{
	FILE *f = fopen(path, "re");
	size_t n;

	fx->text[0] = '\0';
	if (!f)
		return -1;
	n = fread(fx->text, 1, sizeof(fx->text) - 1, f);
	fx->text[n] = '\0';
	fclose(f);
	return 0;
}

static struct tl_sample sample(double t, uint32_t pid, uint64_t rss_mib)
{
	struct tl_sample s;

	memset(&s, 0, sizeof(s));
	s.t = t;
	s.pid = pid;
	snprintf(s.comm, sizeof(s.comm), pid ? "worker" : "");
	s.processes = s.threads = 1;
	s.rss = s.anon = s.max_rss = rss_mib * MIB;
	s.kmem = MIB;
	s.footprint = s.max_footprint = s.rss + s.kmem;
	return s;
}

/* Open, feed three ticks (the tree and pid 100 each time), finish. */
static void record(struct fixture *fx)
{
	struct proc_info pi;
	struct tree_state t;
	const char *what = NULL;
	int i;

	assert_int_equal(recorder_open(&fx->rc, &fx->o, NULL, &what), 0);
	for (i = 1; i <= 3; i++) {
		struct tl_sample tree = sample(i * 0.01, 0, 8 * i);
		struct tl_sample proc = sample(i * 0.01, 100, 8 * i);

		recorder_tree(&fx->rc, &tree);
		recorder_proc(&fx->rc, &proc);
	}
	memset(&pi, 0, sizeof(pi));
	pi.pid = 100;
	pi.ppid = 1;
	pi.flags = TM_PROC_ROOT | TM_PROC_EXITED;
	pi.start_ns = T0_NS;
	pi.end_ns = T0_NS + 30000000;
	pi.peak_rss = pi.peak_anon = 24 * MIB / PAGE;
	pi.peak_footprint = 25 * MIB;
	snprintf(pi.comm, sizeof(pi.comm), "worker");
	assert_int_equal(model_add_proc(&fx->r, &pi), 0);
	memset(&t, 0, sizeof(t));
	t.peak_rss = 24 * MIB / PAGE;
	t.peak_footprint = 25 * MIB;
	t.peak_procs = t.procs_total = 1;
	model_finish(&fx->r, &t);
	fx->r.duration_s = 0.03;
	fx->r.timeline = &fx->rc.tl;
	fx->r.sample_ms = fx->o.sample_ms;
	assert_int_equal(recorder_finish(&fx->rc, &fx->r, &what), 0);
	assert_int_equal(recorder_commit_plot(&fx->rc, &fx->r), 0);
}

/* Lines of fx->text that start with prefix. */
static int count_lines(const struct fixture *fx, const char *prefix)
{
	const char *p = fx->text;
	int n = 0;

	while (*p) {
		n += !strncmp(p, prefix, strlen(prefix));
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
	return n;
}

static void check_csv(struct fixture *fx, int proc_rows)
{
	assert_int_equal(slurp(fx, fx->csv), 0);
	assert_int_equal(strncmp(fx->text, CSV_HEADER, strlen(CSV_HEADER)), 0);
	assert_int_equal(count_lines(fx, "0.0"), 3 + proc_rows);
	assert_int_equal(count_lines(fx, "0.010000,0,\"(tree)\",") +
			 count_lines(fx, "0.010000,0,(tree),"), 1);
	assert_int_equal(count_lines(fx, "0.030000,100,"), proc_rows / 3);
}

static void test_all_files(void **state)
{
	struct fixture *fx = *state;
	struct json_object *doc, *events, *ev, *ph, *args, *pid, *rss;
	int tree = 0, procs = 0;
	size_t i;

	record(fx);
	check_csv(fx, 0);

	assert_int_equal(slurp(fx, fx->trace), 0);
	doc = json_tokener_parse(fx->text);
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "traceEvents", &events));
	for (i = 0; i < json_object_array_length(events); i++) {
		ev = json_object_array_get_idx(events, i);
		if (!json_object_object_get_ex(ev, "ph", &ph) ||
		    strcmp(json_object_get_string(ph), "C"))
			continue;
		assert_true(json_object_object_get_ex(ev, "pid", &pid));
		assert_true(json_object_object_get_ex(ev, "args", &args));
		assert_true(json_object_object_get_ex(args, "rss_bytes", &rss));
		assert_true(json_object_get_int64(rss) > 0);
		if (json_object_get_int(pid) == 100)
			procs++;
		else
			tree++;
	}
	json_object_put(doc);
	/* the trace has each process's counters even without --per-process */
	assert_int_equal(tree, 3);
	assert_int_equal(procs, 3);

	assert_int_equal(slurp(fx, fx->plot), 0);
	assert_int_equal(strncmp(fx->text, "<?xml", 5), 0);
	assert_non_null(strstr(fx->text, "</svg>"));
}

static void test_csv_per_process(void **state)
{
	struct fixture *fx = *state;

	fx->o.per_process = true;
	fx->o.perfetto = fx->o.plot = NULL;
	record(fx);
	check_csv(fx, 3);
	assert_int_equal(access(fx->trace, F_OK), -1);
	assert_int_equal(access(fx->plot, F_OK), -1);
}

static void test_unwritable_named(void **state)
{
	struct fixture *fx = *state;
	const char *files[] = { "t.csv", "t.svg", "t.json" };
	const char **field[] = { &fx->o.timeline, &fx->o.plot,
				 &fx->o.perfetto };
	char bad[192];
	const char *what;
	size_t i;

	/* a directory that does not exist stops root too */
	for (i = 0; i < 3; i++) {
		snprintf(bad, sizeof(bad), "%s/no-such-dir/%s", fx->dir,
			 files[i]);
		*field[i] = bad;
		what = NULL;
		assert_true(recorder_open(&fx->rc, &fx->o, NULL, &what) < 0);
		assert_non_null(what);
		assert_string_equal(what, bad);
		recorder_close(&fx->rc);
		/* nothing left behind by the files opened before it */
		assert_int_equal(access(fx->csv, F_OK), -1);
		assert_int_equal(access(fx->plot, F_OK), -1);
		*field[i] = i == 0 ? fx->csv : i == 1 ? fx->plot : fx->trace;
	}
}

static void test_no_sampling_opens_nothing(void **state)
{
	struct fixture *fx = *state;
	const char *what = NULL;

	fx->o.sample_ms = 0;
	assert_int_equal(recorder_open(&fx->rc, &fx->o, NULL, &what), 0);
	assert_false(fx->rc.on);
	assert_null(fx->rc.csv.f);
	assert_null(fx->rc.trace.f);
	assert_null(fx->rc.plot.f);
	assert_null(what);
	assert_int_equal(recorder_finish(&fx->rc, &fx->r, &what), 0);
	assert_int_equal(recorder_commit_plot(&fx->rc, &fx->r), 0);
	assert_int_equal(access(fx->csv, F_OK), -1);
	assert_int_equal(access(fx->trace, F_OK), -1);
	assert_int_equal(access(fx->plot, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_all_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_csv_per_process, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_named, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_sampling_opens_nothing,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("recorder", tests, NULL, NULL);
}
