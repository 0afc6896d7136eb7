// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/report.c: byte units, the table and the JSON report. */
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
#include <unistd.h>
#include "output/file.h"
#include "output/report.h"

#define PAGE 4096ULL
#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define PAGES_PER_MIB (MIB / PAGE)
#define T0_NS 1000000000ULL
#define MS_NS 1000000ULL

/* The report under test, what it rendered to, and the parsed JSON. */
struct fixture {
	struct tm_report r;
	char *out;
	struct json_object *json;
	char line[512];
	char cell[64];
};

/* Needs JSON escaping: a quote, a backslash and a control character. */
static char arg_weird[] = "a\"b\\c\x01";
static char *command[] = { "sh", "-c", arg_weird, NULL };

/*
 * A process of the fixture, pid - 100 ms after the root; an exited one
 * ran 500 ms and held its peak when the tree peaked. Its footprint is
 * its RSS plus 1 MiB, its page tables 512 KiB.
 */
static void add_proc(struct tm_report *r, uint32_t pid, uint32_t flags,
		     int status, uint32_t shared_mm_with, int64_t peak_pages)
{
	struct proc_info pi;

	memset(&pi, 0, sizeof(pi));
	pi.pid = pid;
	pi.ppid = pid == 100 ? 1 : 100;
	pi.threads = flags & TM_PROC_EXITED ? 0 : 1;
	pi.peak_threads = 1;
	pi.flags = flags;
	pi.exit_status = status;
	pi.shared_mm_with = shared_mm_with;
	pi.start_ns = T0_NS + (pid - 100) * MS_NS;
	pi.end_ns = flags & TM_PROC_EXITED ? pi.start_ns + 500 * MS_NS : 0;
	pi.peak_rss = pi.peak_anon = peak_pages;
	pi.peak_vm = 2 * peak_pages;
	if (peak_pages) {
		pi.peak_pgtables = 512 * KIB;
		pi.peak_footprint = peak_pages * PAGE + MIB;
	}
	pi.min_flt = pid;
	pi.dead_gen = 256 * PAGES_PER_MIB;
	pi.dead_val = shared_mm_with ? 0 : peak_pages;
	snprintf(pi.comm, sizeof(pi.comm), "p%u", pid);
	assert_int_equal(model_add_proc(r, &pi), 0);
}

/*
 * `sh -c ...` (pid 100, 64 MiB, exit 0) vforked 101, killed by SIGKILL,
 * and started 102, still running on a 192 MiB mm: 256 MiB at the peak,
 * 258 MiB with the kernel's share. 16 KiB kernel stacks, 10 KiB tasks.
 */
static void build_report(struct tm_report *r)
{
	const struct kobj_sizes k = { .task_struct = 10 * KIB,
				      .kstack = 16 * KIB, .proc = 3 * KIB,
				      .mm = 1200, .vma = 184 };
	struct mm_state m;
	struct tree_state t;

	model_init(r, PAGE, T0_NS);
	model_set_kobj(r, &k);
	r->command = command;
	r->command_argc = 3;
	r->exit_code = 0;
	r->duration_s = 1.5;
	r->kernel_maxrss = 64 * MIB;
	add_proc(r, 100, TM_PROC_ROOT | TM_PROC_EXITED, 0, 0,
		 64 * PAGES_PER_MIB);
	add_proc(r, 101, TM_PROC_EXITED, 9, 100, 0);
	add_proc(r, 102, 0, 0, 0, 0);

	memset(&m, 0, sizeof(m));
	m.owner = 102;
	m.cur[TM_ANONPAGES] = m.peak_rss = m.peak_anon = 192 * PAGES_PER_MIB;
	m.peak_vm = 2 * m.peak_rss;
	m.kmem = MIB;
	m.peak_pgtables = MIB;
	m.peak_footprint = 193 * MIB;
	m.snap_gen = 256 * PAGES_PER_MIB;
	m.snap_val = m.peak_rss;
	assert_int_equal(model_add_mm(r, &m), 0);

	memset(&t, 0, sizeof(t));
	t.peak_rss = t.peak[TM_ANONPAGES] = 256 * PAGES_PER_MIB;
	t.peak_vm = 512 * PAGES_PER_MIB;
	t.peak_pgtables = 1536 * KIB;
	t.peak_footprint = 258 * MIB;
	t.peak_threads = t.peak_procs = 3;
	t.procs_total = t.threads_total = 3;
	t.rss = 192 * PAGES_PER_MIB;	/* what 102 holds at the end */
	t.kmem = 1 * MIB;	/* footprint 193 MiB */
	t.threads = t.procs = 1;
	model_finish(r, &t);
}

/* -p 100,102 instead of a command, stopped by -d; 100 had a VmHWM. */
static const int targets[] = { 100, 102 };

static void make_attached(struct tm_report *r)
{
	r->command = NULL;
	r->command_argc = 0;
	r->targets = targets;
	r->ntargets = 2;
	r->stop_reason = "duration";
	r->procs[0].attached = true;
	r->procs[0].kernel_vmhwm = 100 * MIB;
	r->procs[2].attached = true;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	build_report(&fx->r);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	json_object_put(fx->json);
	free(fx->out);
	model_free(&fx->r);
	free(fx);
	return 0;
}

static void report_csv_wrap(FILE *f, const struct tm_report *r, bool l)
{
	(void)l;
	report_csv(f, r);
}

static void json_out(FILE *f, const struct tm_report *r, bool long_table)
{
	(void)long_table;
	report_json(f, r);
}

/* fx->out = what fn wrote for fx->r. */
static const char *render(struct fixture *fx,
			  void (*fn)(FILE *, const struct tm_report *, bool),
			  bool long_table)
{
	size_t len = 0;
	FILE *f;

	free(fx->out);
	fx->out = NULL;
	f = open_memstream(&fx->out, &len);
	assert_non_null(f);
	fn(f, &fx->r, long_table);
	assert_int_equal(fclose(f), 0);
	return fx->out;
}

/* fx->json = report_json's output, parsed by a strict JSON parser. */
static struct json_object *render_json(struct fixture *fx)
{
	const char *text = render(fx, json_out, false);
	size_t len = strlen(text), end;
	struct json_tokener *tok = json_tokener_new();
	enum json_tokener_error err;

	assert_non_null(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	fx->json = json_tokener_parse_ex(tok, text, (int)len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!fx->json || err != json_tokener_success)
		fail_msg("invalid JSON at offset %zu (%s):\n%s", end,
			 json_tokener_error_desc(err), text);
	/* one document, then only white space */
	assert_int_equal(strspn(text + end, " \n"), len - end);
	assert_true(json_object_is_type(fx->json, json_type_object));
	return fx->json;
}

/* o[key], which must be present (JSON null gives NULL). */
static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no key '%s' in %s", key, json_object_to_json_string(o));
	return v;
}

static int64_t get_int(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

static double get_double(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	assert_true(json_object_is_type(v, json_type_double));
	return json_object_get_double(v);
}

static bool get_bool(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	assert_true(json_object_is_type(v, json_type_boolean));
	return json_object_get_boolean(v);
}

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	assert_true(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static void expect_null(struct json_object *o, const char *key)
{
	assert_true(json_object_is_type(get(o, key), json_type_null));
}

/* processes[i] of the JSON report, checking there are n of them. */
static struct json_object *json_proc(struct json_object *root, size_t n,
				     size_t i)
{
	struct json_object *a = get(root, "processes");

	assert_true(json_object_is_type(a, json_type_array));
	assert_int_equal(json_object_array_length(a), n);
	return json_object_array_get_idx(a, i);
}

/* The first line of text that starts with prefix, copied into buf. */
static const char *copy_line(const char *text, const char *prefix, char *buf,
			     size_t len)
{
	const char *l;

	for (l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		size_t n = strcspn(l, "\n");

		if (strncmp(l, prefix, strlen(prefix)))
			continue;
		if (n >= len)
			n = len - 1;
		memcpy(buf, l, n);
		buf[n] = '\0';
		return buf;
	}
	fail_msg("no line starting with '%s' in:\n%s", prefix, text);
	return NULL;
}

static const char *line_starting(struct fixture *fx, const char *text,
				 const char *prefix)
{
	return copy_line(text, prefix, fx->line, sizeof(fx->line));
}

#define HEADER "    PID "	/* the start of the table's header line */

/* The table row of pid (rows start with the pid in 7 columns). */
static const char *table_row(struct fixture *fx, const char *text,
			     uint32_t pid)
{
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "%7u ", pid);
	return line_starting(fx, text, prefix);
}

#define MAX_CELLS 32

struct cells {
	size_t n;
	char v[MAX_CELLS][32];
};

static bool is_unit(const char *s)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
					     "PiB" };
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(s, units[i]))
			return true;
	return false;
}

/*
 * A table line's cells, split at white space but for "256.0 MiB" and
 * "(mm of 100)", one cell each (no comm may hold a space); TOTAL gets an
 * empty PPID. Split, not cut at the header's positions, so that a cell
 * wider than its column (see test_table_aligned) hides no value after it.
 */
static void split_cells(const char *line, struct cells *c)
{
	char buf[512], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", line);
	c->n = 0;
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *prev = c->n ? c->v[c->n - 1] : NULL;

		if (prev && (is_unit(tok) ||
			     (prev[0] == '(' && prev[strlen(prev) - 1] != ')'))) {
			size_t l = strlen(prev);

			snprintf(prev + l, sizeof(c->v[0]) - l, " %s", tok);
			continue;
		}
		assert_true(c->n + 2 <= MAX_CELLS);
		snprintf(c->v[c->n++], sizeof(c->v[0]), "%s", tok);
		if (c->n == 1 && !strcmp(tok, "TOTAL"))
			c->v[c->n++][0] = '\0';
	}
}

/* The index of column title in the table's header line, or -1. */
static int column(const char *header, const char *title)
{
	struct cells h;
	size_t i;

	split_cells(header, &h);
	for (i = 0; i < h.n; i++)
		if (!strcmp(h.v[i], title))
			return (int)i;
	return -1;
}

/* The cell of row (a line of the table text) under the column title. */
static const char *cell(struct fixture *fx, const char *text,
			const char *row, const char *title)
{
	char header[512];
	struct cells c;
	int i;

	i = column(copy_line(text, HEADER, header, sizeof(header)), title);
	if (i < 0)
		fail_msg("no column %s in:\n%s", title, header);
	split_cells(row, &c);
	if ((size_t)i >= c.n)
		fail_msg("no %s cell in:\n%s\n%s", title, header, row);
	snprintf(fx->cell, sizeof(fx->cell), "%s", c.v[i]);
	return fx->cell;
}

/* The cell of row under title is want. */
static void expect_cell(struct fixture *fx, const char *text, const char *row,
			const char *title, const char *want)
{
	if (strcmp(cell(fx, text, row, title), want))
		fail_msg("column %s: got '%s', want '%s' in:\n%s", title,
			 fx->cell, want, row);
}

static void expect_contains(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("'%s' not in:\n%s", needle, text);
}

static void expect_human(uint64_t bytes, const char *want)
{
	char buf[32];

	report_human_bytes(bytes, buf, sizeof(buf));
	if (strcmp(buf, want))
		fail_msg("%llu bytes: got '%s', want '%s'",
			 (unsigned long long)bytes, buf, want);
}

/* report_what(r, ...) of the command cmd. */
static const char *what(char **cmd, int argc, char *buf, size_t len)
{
	struct tm_report r = { .command = cmd, .command_argc = argc };

	report_what(&r, buf, len);
	return buf;
}

/* #18: the command can be pasted back into a shell. */
static void test_what_quotes(void **state)
{
	char *plain[] = { "/usr/bin/make", "-j2", "CC=gcc", "a,b:c@d%e+f" };
	char *python[] = { "python3", "-c", "import time; x=[0]*9", "" };
	char *quote[] = { "echo", "it's", "a\\b", "$HOME", "*" };
	char *ctrl[] = { "printf", "a\tb\nc'd\\" };
	int pids[] = { 4242, 4243 };
	struct tm_report att = { .targets = pids, .ntargets = 2 };
	char buf[256], small[12];

	(void)state;
	assert_string_equal(what(plain, 4, buf, sizeof(buf)),
			    "/usr/bin/make -j2 CC=gcc a,b:c@d%e+f");
	assert_string_equal(what(python, 4, buf, sizeof(buf)),
			    "python3 -c 'import time; x=[0]*9' ''");
	assert_string_equal(what(quote, 5, buf, sizeof(buf)),
			    "echo 'it'\\''s' 'a\\b' '$HOME' '*'");
	assert_string_equal(what(ctrl, 2, buf, sizeof(buf)),
			    "printf $'a\\tb\\nc\\'d\\\\'");
	/* cut to the buffer, still terminated */
	assert_string_equal(what(python, 4, small, sizeof(small)),
			    "python3 -c ");
	report_what(&att, buf, sizeof(buf));
	assert_string_equal(buf, "attached to pid 4242,4243");
}

/* #18: the status line fits the terminal, whatever its width. */
static void test_status_line_fits(void **state)
{
	static const int widths[] = { 200, 104, 103, 80, 60, 49, 30, 10, 1, 0 };
	const struct status_figures s = {
		.elapsed_s = 12.34, .processes = 2000, .threads = 2001,
		.rss = 17 * MIB + 676 * 1024, .peak_rss = 17 * MIB + 676 * 1024,
		.footprint = 68 * MIB + 850 * 1024,
		.peak_footprint = 68 * MIB + 850 * 1024,
	};
	char buf[256];
	size_t i;

	(void)state;
	report_status_line(buf, sizeof(buf), 200, &s);
	assert_string_equal(buf, "[12.3 s] 2000 processes, 2001 threads; RSS "
				 "17.66 MiB (peak 17.66 MiB), footprint "
				 "68.83 MiB (peak 68.83 MiB)");
	report_status_line(buf, sizeof(buf), 80, &s);
	assert_string_equal(buf, "[12s] 2000 proc 2001 thr RSS 17.66 MiB/"
				 "17.66 MiB fp 68.83 MiB/68.83 MiB");
	report_status_line(buf, sizeof(buf), 60, &s);
	assert_string_equal(buf, "[12s] RSS 17.66 MiB fp 68.83 MiB (peak "
				 "68.83 MiB)");
	report_status_line(buf, sizeof(buf), 30, &s);
	assert_string_equal(buf, "fp 68.83 MiB (peak 68.83 MiB)");
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		report_status_line(buf, sizeof(buf), widths[i], &s);
		assert_true((int)strlen(buf) <= (widths[i] > 1 ? widths[i] - 1 : 1));
		assert_true(strlen(buf) > 0);
	}
}


/* #14: unique memory first, when the memory cgroup gives it. */
static void test_status_line_unique(void **state)
{
	struct status_figures s = {
		.elapsed_s = 1.5, .processes = 5, .threads = 5,
		.rss = 1280 * MIB, .peak_rss = 1280 * MIB,
		.footprint = 1290 * MIB, .peak_footprint = 1290 * MIB,
		.unique = 250 * MIB, .peak_unique = 259 * MIB,
	};
	char buf[256];

	(void)state;
	report_status_line(buf, sizeof(buf), 200, &s);
	assert_string_equal(buf, "[1.5 s] 5 processes, 5 threads; RSS "
				 "1.25 GiB (peak 1.25 GiB), footprint 1.26 GiB "
				 "(peak 1.26 GiB), unique 250.0 MiB (peak "
				 "259.0 MiB)");
	/* narrower: the forms without it */
	report_status_line(buf, sizeof(buf), 104, &s);
	assert_null(strstr(buf, "unique"));
	assert_non_null(strstr(buf, "footprint 1.26 GiB"));
}

static void test_human_bytes(void **state)
{
	(void)state;
	expect_human(0, "0 B");
	expect_human(1, "1 B");
	expect_human(1023, "1023 B");
	expect_human(1024, "1.00 KiB");
	expect_human(1536, "1.50 KiB");
	expect_human(10 * KIB, "10.00 KiB");
	expect_human(100 * KIB, "100.0 KiB");
	expect_human(812 * KIB, "812.0 KiB");
	expect_human(1000 * KIB, "1000 KiB");
	expect_human(1023 * KIB, "1023 KiB");
	expect_human(MIB, "1.00 MiB");
	expect_human(268435456, "256.0 MiB");
	expect_human(1536 * MIB, "1.50 GiB");
	expect_human(1000 * 1024 * MIB, "1000 GiB");
	expect_human(MIB * MIB, "1.00 TiB");
	expect_human(MIB * MIB * 1024, "1.00 PiB");
	expect_human(MIB * MIB * MIB, "1024 PiB");	/* no EiB */
}

/*
 * Rounding must not carry a value into a fifth digit: 99.999 KiB is
 * "100.0 KiB", 999.96 KiB is "1000 KiB" (report.h: 4 significant digits).
 */
static void test_human_bytes_rounding(void **state)
{
	(void)state;
	expect_human(102399, "100.0 KiB");
	expect_human(1023959, "1000 KiB");
}

static void test_human_bytes_truncates(void **state)
{
	char buf[6];

	(void)state;
	report_human_bytes(268435456, buf, sizeof(buf));
	assert_string_equal(buf, "256.0");
}

static void test_json_top_level(void **state)
{
	struct fixture *fx = *state;
	struct json_object *root = render_json(fx);

	assert_int_equal(get_int(root, "exit_code"), 0);
	assert_float_equal(get_double(root, "duration_s"), 1.5, 1e-9);
	assert_int_equal(get_int(root, "kernel_maxrss_bytes"), 64 * MIB);
	assert_int_equal(get_int(root, "lost_events"), 0);
	assert_int_equal(get_int(root, "lost_processes"), 0);
	assert_int_equal(get_int(root, "page_size"), PAGE);
	/* no --cgroup-check */
	assert_false(json_object_object_get_ex(root, "cgroup", NULL));
}

static void test_json_kernel_objects(void **state)
{
	struct fixture *fx = *state;
	struct json_object *k = get(render_json(fx), "kernel_objects");

	assert_int_equal(get_int(k, "kstack_bytes"), 16 * KIB);
	assert_int_equal(get_int(k, "task_struct_bytes"), 10 * KIB);
	assert_int_equal(get_int(k, "process_bytes"), 3 * KIB);
	assert_int_equal(get_int(k, "mm_struct_bytes"), 1200);
	assert_int_equal(get_int(k, "vma_bytes"), 184);
}

static void test_json_command_escaped(void **state)
{
	struct fixture *fx = *state;
	struct json_object *cmd = get(render_json(fx), "command");

	assert_true(json_object_is_type(cmd, json_type_array));
	assert_int_equal(json_object_array_length(cmd), 3);
	assert_string_equal(
		json_object_get_string(json_object_array_get_idx(cmd, 0)), "sh");
	assert_string_equal(
		json_object_get_string(json_object_array_get_idx(cmd, 1)), "-c");
	assert_string_equal(
		json_object_get_string(json_object_array_get_idx(cmd, 2)),
		arg_weird);
	expect_contains(fx->out, "\"a\\\"b\\\\c\\u0001\"");
}

static void test_json_tree(void **state)
{
	struct fixture *fx = *state;
	struct json_object *tree = get(render_json(fx), "tree");

	assert_int_equal(get_int(tree, "peak_rss_bytes"), 256 * MIB);
	assert_int_equal(get_int(tree, "peak_anon_bytes"), 256 * MIB);
	assert_int_equal(get_int(tree, "peak_file_bytes"), 0);
	assert_int_equal(get_int(tree, "peak_shmem_bytes"), 0);
	assert_int_equal(get_int(tree, "peak_vm_bytes"), 512 * MIB);
	assert_int_equal(get_int(tree, "peak_pgtables_bytes"), 1536 * KIB);
	assert_int_equal(get_int(tree, "peak_kstack_bytes"), 3 * 16 * KIB);
	assert_int_equal(get_int(tree, "peak_task_struct_bytes"), 30 * KIB);
	assert_int_equal(get_int(tree, "peak_footprint_bytes"), 258 * MIB);
	assert_int_equal(get_int(tree, "peak_threads"), 3);
	assert_int_equal(get_int(tree, "peak_processes"), 3);
	assert_int_equal(get_int(tree, "processes_total"), 3);
	assert_int_equal(get_int(tree, "threads_total"), 3);
	assert_int_equal(get_int(tree, "minor_faults"), 100 + 101 + 102);
	assert_int_equal(get_int(tree, "major_faults"), 0);
}

static void test_json_exited_process(void **state)
{
	struct fixture *fx = *state;
	struct json_object *p = json_proc(render_json(fx), 3, 0);

	assert_int_equal(get_int(p, "pid"), 100);
	assert_int_equal(get_int(p, "ppid"), 1);
	assert_string_equal(get_string(p, "comm"), "p100");
	assert_int_equal(get_int(p, "peak_rss_bytes"), 64 * MIB);
	assert_int_equal(get_int(p, "peak_vm_bytes"), 128 * MIB);
	assert_int_equal(get_int(p, "peak_pgtables_bytes"), 512 * KIB);
	assert_int_equal(get_int(p, "peak_kstack_bytes"), 16 * KIB);
	assert_int_equal(get_int(p, "peak_task_struct_bytes"), 10 * KIB);
	assert_int_equal(get_int(p, "peak_footprint_bytes"), 65 * MIB);
	assert_int_equal(get_int(p, "peak_threads"), 1);
	assert_int_equal(get_int(p, "rss_at_tree_peak_bytes"), 64 * MIB);
	assert_int_equal(get_int(p, "minor_faults"), 100);
	assert_int_equal(get_int(p, "exit_code"), 0);
	assert_false(get_bool(p, "alive_at_end"));
	assert_true(get_bool(p, "root"));
	assert_int_equal(get_int(p, "shared_mm_with"), 0);
	assert_float_equal(get_double(p, "start_s"), 0.0, 1e-9);
	assert_float_equal(get_double(p, "end_s"), 0.5, 1e-9);
}

static void test_json_shared_mm_process(void **state)
{
	struct fixture *fx = *state;
	struct json_object *p = json_proc(render_json(fx), 3, 1);

	assert_int_equal(get_int(p, "pid"), 101);
	assert_int_equal(get_int(p, "ppid"), 100);
	assert_int_equal(get_int(p, "shared_mm_with"), 100);
	assert_int_equal(get_int(p, "rss_at_tree_peak_bytes"), 0);
	assert_int_equal(get_int(p, "exit_code"), 137);
	assert_false(get_bool(p, "root"));
}

static void test_json_live_process(void **state)
{
	struct fixture *fx = *state;
	struct json_object *p = json_proc(render_json(fx), 3, 2);

	assert_int_equal(get_int(p, "pid"), 102);
	assert_int_equal(get_int(p, "peak_rss_bytes"), 192 * MIB);
	assert_int_equal(get_int(p, "peak_footprint_bytes"), 193 * MIB);
	assert_int_equal(get_int(p, "rss_at_tree_peak_bytes"), 192 * MIB);
	expect_null(p, "exit_code");
	expect_null(p, "end_s");
	assert_true(get_bool(p, "alive_at_end"));
}

static void test_json_comm_escaped(void **state)
{
	struct fixture *fx = *state;

	strcpy(fx->r.procs[2].comm, "we\"ird\\\t\x7f");
	assert_string_equal(get_string(json_proc(render_json(fx), 3, 2),
				       "comm"),
			    "we\"ird\\\t\x7f");
}

/*
 * A process that named itself with escape sequences (prctl PR_SET_NAME),
 * or a saved report that says so: no control byte reaches a terminal or a
 * text file, and an argument cannot start a line of its own.
 */
static void test_text_controls_escaped(void **state)
{
	static void (*const forms[])(FILE *, const struct tm_report *, bool) = {
		report_table, report_markdown,
	};
	struct fixture *fx = *state;
	size_t i;

	strcpy(fx->r.procs[2].comm, "\x1b[31mred|x\n");
	for (i = 0; i < 2; i++) {
		render(fx, forms[i], true);
		assert_null(strchr(fx->out, '\x1b'));
		assert_null(strchr(fx->out, '\x01'));
		assert_non_null(strstr(fx->out, i ? "\\e[31mred\\|x\\n" :
						    "\\e[31mred|x\\n"));
		/* the command's \x01, quoted for a shell */
		assert_non_null(strstr(fx->out, "$'a\"b\\\\c\\x01'"));
	}
	fx->r.procs[0].attached = true;
	fx->r.procs[0].kernel_vmhwm = MIB;
	strcpy(fx->r.procs[0].comm, "\x1b]0;title\x07");
	fx->r.command = NULL;
	fx->r.stop_reason = "x\ny";
	render(fx, report_table, false);
	assert_null(strchr(fx->out, '\x1b'));
	assert_null(strchr(fx->out, '\x07'));
	assert_non_null(strstr(fx->out, "stopped: x\\ny"));
	render(fx, report_csv_wrap, false);
	assert_null(strchr(fx->out, '\x1b'));
}

/*
 * The kernel cuts comm at 15 bytes, in the middle of a UTF-8 character
 * for a program named "éééééééé": the JSON must still be UTF-8.
 */
static void test_json_comm_cut_utf8(void **state)
{
	struct fixture *fx = *state;

	strcpy(fx->r.procs[2].comm, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
				    "\xc3\xa9\xc3\xa9\xc3");
	render_json(fx);
}

static void test_json_lost(void **state)
{
	struct fixture *fx = *state;
	struct json_object *root;

	fx->r.lost_events = 5;
	fx->r.lost_procs = 2;
	root = render_json(fx);
	assert_int_equal(get_int(root, "lost_events"), 5);
	assert_int_equal(get_int(root, "lost_processes"), 2);
}

static void test_json_no_processes(void **state)
{
	struct fixture *fx = *state;

	fx->r.nprocs = 0;
	json_proc(render_json(fx), 0, 0);
}

static void set_cgroup(struct tm_report *r, int version, uint64_t usage,
		       bool has_kmem, uint64_t kmem)
{
	r->cgroup.version = version;
	r->cgroup.usage = usage;
	r->cgroup.has_kmem = has_kmem;
	r->cgroup.kmem = kmem;
}

static void test_json_cgroup_v2(void **state)
{
	struct fixture *fx = *state;
	struct json_object *c;

	set_cgroup(&fx->r, 2, 240 * MIB, false, 0);
	c = get(render_json(fx), "cgroup");
	assert_int_equal(get_int(c, "version"), 2);
	assert_int_equal(get_int(c, "peak_usage_bytes"), 240 * MIB);
	assert_false(json_object_object_get_ex(c, "peak_kmem_bytes", NULL));
}

static void test_json_cgroup_v1_kmem(void **state)
{
	struct fixture *fx = *state;
	struct json_object *c;

	set_cgroup(&fx->r, 1, 240 * MIB, true, 3 * MIB);
	c = get(render_json(fx), "cgroup");
	assert_int_equal(get_int(c, "version"), 1);
	assert_int_equal(get_int(c, "peak_usage_bytes"), 240 * MIB);
	assert_int_equal(get_int(c, "peak_kmem_bytes"), 3 * MIB);
}


/* A memory cgroup's figures: Pool(4)-like, 5 processes sharing. */
static void set_unique(struct tm_report *r)
{
	struct unique_result *u = &r->unique;

	memset(u, 0, sizeof(*u));
	u->at_peak.item[UNIQUE_ANON] = 400 * MIB;
	u->at_peak.item[UNIQUE_FILE_MAPPED] = 2 * MIB;
	u->at_peak.item[UNIQUE_KERNEL_OTHER] = 16 * MIB;
	u->peak_unique = 418 * MIB;
	u->peak_charged = 430 * MIB;
	u->shared_at_peak = 100 * MIB;
	u->sample_ms = 50;
	u->valid = true;
	snprintf(u->source, sizeof(u->source), "memcg-v1-sampled");
}

static void test_json_unique(void **state)
{
	struct fixture *fx = *state;
	struct json_object *t, *at;

	set_unique(&fx->r);
	t = get(render_json(fx), "tree");
	assert_int_equal(get_int(t, "peak_unique_bytes"), 418 * MIB);
	assert_int_equal(get_int(t, "peak_charged_bytes"), 430 * MIB);
	assert_int_equal(get_int(t, "shared_bytes_at_peak"), 100 * MIB);
	assert_int_equal(get_int(t, "memory_sample_ms"), 50);
	assert_string_equal(get_string(t, "memory_source"), "memcg-v1-sampled");
	assert_true(json_object_is_type(get(t, "charged_watermark_bytes"),
					json_type_null));
	at = get(t, "unique_at_peak");
	assert_int_equal(get_int(at, "anon"), 400 * MIB);
	assert_int_equal(get_int(at, "file_mapped"), 2 * MIB);
	assert_int_equal(get_int(at, "kernel_other"), 16 * MIB);
	assert_int_equal(get_int(at, "sock"), 0);
	assert_int_equal(json_object_object_length(at), UNIQUE_NR_ITEMS);
}

static void test_json_unique_none(void **state)
{
	struct fixture *fx = *state;
	struct json_object *t;

	unique_none(&fx->r.unique, "--no-cgroup was given");
	t = get(render_json(fx), "tree");
	assert_string_equal(get_string(t, "memory_source"),
			    "none: --no-cgroup was given");
	assert_true(json_object_is_type(get(t, "peak_unique_bytes"),
					json_type_null));
	assert_true(json_object_is_type(get(t, "unique_at_peak"),
					json_type_null));
	assert_int_equal(get_int(t, "shared_bytes_at_peak"), 0);
}

static void test_table_unique(void **state)
{
	struct fixture *fx = *state;
	const char *out;

	assert_null(strstr(render(fx, report_table, false), "memory cgroup"));
	set_unique(&fx->r);
	fx->r.tree.peak_processes = 5;
	out = render(fx, report_table, false);
	expect_contains(out, "memory cgroup (memcg-v1-sampled, every 50 ms");
	expect_contains(out, "of RSS summed over 5 processes, 418.0 MiB "
			     "unique: 100.0 MiB counted more than once or "
			     "cached before\n");
	expect_contains(out, "unique at its peak: anon 400.0 MiB, shmem 0 B, "
			     "mapped files 2.00 MiB, kernel 16.00 MiB\n");
	expect_contains(out, "charged: 430.0 MiB at its peak");
	fx->r.unique.charged_watermark = 900 * MIB;
	out = render(fx, report_table, false);
	expect_contains(out, "watermark since it was made: 900.0 MiB");
	unique_none(&fx->r.unique, "no memory cgroup");
	out = render(fx, report_table, false);
	expect_contains(out, "memory cgroup: none: no memory cgroup; shared "
			     "pages are counted once per process\n");
}

static void test_json_attached(void **state)
{
	struct fixture *fx = *state;
	struct json_object *root, *pids;

	make_attached(&fx->r);
	root = render_json(fx);
	assert_int_equal(json_object_array_length(get(root, "command")), 0);
	pids = get(root, "attached_pids");
	assert_int_equal(json_object_array_length(pids), 2);
	assert_int_equal(json_object_get_int(json_object_array_get_idx(pids, 0)),
			 100);
	assert_int_equal(json_object_get_int(json_object_array_get_idx(pids, 1)),
			 102);
	assert_string_equal(get_string(root, "stop_reason"), "duration");
	expect_null(root, "exit_code");
	assert_true(get_bool(json_proc(root, 3, 0), "attached"));
	assert_int_equal(get_int(json_proc(root, 3, 0), "kernel_vmhwm_bytes"),
			 100 * MIB);
	assert_false(get_bool(json_proc(root, 3, 1), "attached"));
	expect_null(json_proc(root, 3, 2), "kernel_vmhwm_bytes");
}

static void test_table_header(void **state)
{
	struct fixture *fx = *state;
	const char *out = render(fx, report_table, false);

	/* quoted as a shell needs it: the control character as an escape */
	line_starting(fx, out, "taskmem: sh -c $'a\"b\\\\c\\x01'");
	expect_contains(out, "\n  exit 0, 1.500 s, 3 processes (3 at once), "
			     "3 threads (3 at once)\n");
	expect_contains(out, "max RSS");
	expect_contains(strstr(out, "max RSS"), ": 64.00 MiB\n");
}

/* #18: a kernel max RSS above every row's peak says why. */
static void test_table_maxrss_note(void **state)
{
	struct fixture *fx = *state;
	const char *out;

	out = render(fx, report_table, false);
	assert_null(strstr(out, "above the table"));
	fx->r.kernel_maxrss = 300 * MIB;
	out = render(fx, report_table, false);
	expect_contains(out, ": 300.0 MiB\n  (above the table: it counts the "
			     "root before exec, a copy of taskmem)\n");
}

static void test_table_attached(void **state)
{
	struct fixture *fx = *state;
	const char *out;

	make_attached(&fx->r);
	out = render(fx, report_table, false);
	assert_string_equal(line_starting(fx, out, "taskmem: "),
			    "taskmem: attached to pid 100,102");
	expect_contains(out, "\n  stopped: duration, 1.500 s, ");
	expect_cell(fx, out, line_starting(fx, out, "  TOTAL "), "EXIT", "-");
	assert_null(strstr(out, "max RSS"));
	expect_contains(line_starting(fx, out, "     100 p100 "), "100.0 MiB");
	/* no VmHWM known for 102 */
	assert_null(strstr(strstr(out, "VmHWM"), "     102 "));
}

static void test_table_columns(void **state)
{
	static const char *const always[] = {
		"PID", "PPID", "COMM", "FOOTPRINT", "PEAK_RSS", "PGTABLES",
		"KSTACK", "THREADS", "AT_PEAK", "EXIT",
	};
	static const char *const detail[] = {
		"ANON", "FILE", "SHMEM", "TASK_STRUCT", "PEAK_VM", "MINFLT",
		"MAJFLT",
	};
	struct fixture *fx = *state;
	const char *header;
	size_t i;

	header = line_starting(fx, render(fx, report_table, false), HEADER);
	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		assert_true(column(header, always[i]) >= 0);
	for (i = 0; i < sizeof(detail) / sizeof(detail[0]); i++)
		assert_int_equal(column(header, detail[i]), -1);

	header = line_starting(fx, render(fx, report_table, true), HEADER);
	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		assert_true(column(header, always[i]) >= 0);
	for (i = 0; i < sizeof(detail) / sizeof(detail[0]); i++)
		assert_true(column(header, detail[i]) >= 0);
}

static void test_table_total(void **state)
{
	struct fixture *fx = *state;
	const char *out = render(fx, report_table, true);
	const char *row = line_starting(fx, out, "  TOTAL ");

	expect_contains(row, "(simultaneous)");
	expect_cell(fx, out, row, "FOOTPRINT", "258.0 MiB");
	expect_cell(fx, out, row, "PEAK_RSS", "256.0 MiB");
	expect_cell(fx, out, row, "ANON", "256.0 MiB");
	expect_cell(fx, out, row, "FILE", "0 B");
	expect_cell(fx, out, row, "PGTABLES", "1.50 MiB");
	expect_cell(fx, out, row, "KSTACK", "48.00 KiB");
	expect_cell(fx, out, row, "TASK_STRUCT", "30.00 KiB");
	expect_cell(fx, out, row, "PEAK_VM", "512.0 MiB");
	expect_cell(fx, out, row, "THREADS", "3");
	expect_cell(fx, out, row, "AT_PEAK", "256.0 MiB");
	expect_cell(fx, out, row, "MINFLT", "303");
	expect_cell(fx, out, row, "MAJFLT", "0");
	expect_cell(fx, out, row, "EXIT", "0");
}

static void test_table_exited_row(void **state)
{
	struct fixture *fx = *state;
	const char *out = render(fx, report_table, true);
	const char *row = table_row(fx, out, 100);

	expect_contains(row, "       1 p100 ");
	expect_cell(fx, out, row, "FOOTPRINT", "65.00 MiB");
	expect_cell(fx, out, row, "PEAK_RSS", "64.00 MiB");
	expect_cell(fx, out, row, "PGTABLES", "512.0 KiB");
	expect_cell(fx, out, row, "KSTACK", "16.00 KiB");
	expect_cell(fx, out, row, "TASK_STRUCT", "10.00 KiB");
	expect_cell(fx, out, row, "PEAK_VM", "128.0 MiB");
	expect_cell(fx, out, row, "THREADS", "1");
	expect_cell(fx, out, row, "AT_PEAK", "64.00 MiB");
	expect_cell(fx, out, row, "MINFLT", "100");
	expect_cell(fx, out, row, "EXIT", "0");
}

/* Its mm's figures are in the owner's row; its threads are its own. */
static void test_table_shared_mm_row(void **state)
{
	static const char *const of_mm[] = {
		"PEAK_RSS", "ANON", "FILE", "SHMEM", "PGTABLES", "PEAK_VM",
	};
	struct fixture *fx = *state;
	const char *out = render(fx, report_table, true);
	const char *row = table_row(fx, out, 101);
	size_t i;

	expect_cell(fx, out, row, "FOOTPRINT", "(mm of 100)");
	for (i = 0; i < sizeof(of_mm) / sizeof(of_mm[0]); i++)
		expect_cell(fx, out, row, of_mm[i], "-");
	expect_cell(fx, out, row, "KSTACK", "16.00 KiB");
	expect_cell(fx, out, row, "THREADS", "1");
	expect_cell(fx, out, row, "AT_PEAK", "0 B");
	expect_cell(fx, out, row, "EXIT", "137");
}

static void test_table_live_row(void **state)
{
	struct fixture *fx = *state;
	const char *out = render(fx, report_table, false);
	const char *row = table_row(fx, out, 102);

	expect_cell(fx, out, row, "FOOTPRINT", "193.0 MiB");
	expect_cell(fx, out, row, "PEAK_RSS", "192.0 MiB");
	expect_cell(fx, out, row, "AT_PEAK", "192.0 MiB");
	expect_cell(fx, out, row, "EXIT", "running");
}

/* The row starting with prefix is as wide as the header: columns line up. */
static void check_aligned(struct fixture *fx, bool long_table,
			  const char *prefix)
{
	const char *out = render(fx, report_table, long_table);
	const char *row = line_starting(fx, out, prefix);
	char header[512];

	copy_line(out, HEADER, header, sizeof(header));
	if (strlen(row) != strlen(header))
		fail_msg("%s table: row not aligned with the header:\n%s\n%s",
			 long_table ? "long" : "short", header, row);
}

static void test_table_aligned(void **state)
{
	static const char *const rows[] = { "    100 ", "    102 ",
					    "  TOTAL " };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		check_aligned(*state, false, rows[i]);
		check_aligned(*state, true, rows[i]);
	}
}

/* "(mm of PID)" fits its column, for a pid of 7 digits too. */
static void test_table_shared_row_aligned(void **state)
{
	struct fixture *fx = *state;

	check_aligned(fx, false, "    101 ");
	fx->r.procs[1].shared_mm_with = 4194304;
	check_aligned(fx, false, "    101 ");
}

static void test_table_no_warning(void **state)
{
	struct fixture *fx = *state;

	assert_null(strstr(render(fx, report_table, false), "WARNING"));
}

static void test_table_warning(void **state)
{
	struct fixture *fx = *state;
	const char *out;

	fx->r.lost_events = 5;
	fx->r.lost_procs = 2;
	fx->r.lost_mms = 1;
	fx->r.lost_ring = 2;
	out = render(fx, report_table, false);
	expect_contains(line_starting(fx, out, "WARNING: "),
			"2 processes and 1 mms not tracked (maps full)");
	expect_contains(fx->line, "--max-procs");
	/* a full ring buffer is not a reason to raise --max-procs */
	expect_contains(out, "WARNING: 2 exit records lost (the ring buffer "
			     "was full)");
	assert_null(strstr(strstr(out, "exit records lost"), "--max-procs"));
	assert_null(strstr(out, "out of memory"));
	assert_null(strstr(out, "approximate"));

	fx->r.lost_events = 3;
	fx->r.lost_procs = 0;
	fx->r.lost_mms = 0;
	fx->r.lost_ring = 0;
	fx->r.lost_peak_raises = 4;
	fx->r.counter_error_pages = 62;
	out = render(fx, report_table, false);
	expect_contains(out, "WARNING: 3 records lost (out of memory in taskmem)");
	expect_contains(out, "WARNING: 4 peak updates given up");
	expect_contains(out, "approximate counters, each off by up to 248.0 KiB");
	assert_null(strstr(out, "--max-procs"));
}

static void test_table_cgroup(void **state)
{
	struct fixture *fx = *state;
	const char *out;

	assert_null(strstr(render(fx, report_table, false), "cgroup"));
	set_cgroup(&fx->r, 2, 240 * MIB, false, 0);
	out = render(fx, report_table, false);
	expect_contains(out, "(v2) peak: 240.0 MiB;");
	expect_contains(out, "footprint: 258.0 MiB (+7.5%)\n");
	assert_null(strstr(out, "kernel memory"));
	set_cgroup(&fx->r, 1, 240 * MIB, true, 3 * MIB);
	out = render(fx, report_table, false);
	expect_contains(out, "(v1) peak: 240.0 MiB, of which kernel memory "
			     "3.00 MiB;");
}

/* -i: the tree now and at its peak, then the processes still running. */
static void test_interim(void **state)
{
	struct fixture *fx = *state;
	const char *out;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&fx->out, &len);
	assert_non_null(f);
	report_interim(f, &fx->r, 2.5);
	assert_int_equal(fclose(f), 0);
	out = fx->out;
	assert_string_equal(line_starting(fx, out, "["),
			    "[      2.5 s] 1 processes, 1 threads; RSS 192.0 MiB "
			    "(peak 256.0 MiB), footprint 193.0 MiB (peak "
			    "258.0 MiB)");
	expect_contains(out, "\n     PID COMM ");
	assert_string_equal(line_starting(fx, out, "     102 "),
			    "     102 p102              192.0 MiB  192.0 MiB "
			    " 193.0 MiB  193.0 MiB        1");
	assert_null(strstr(out, "     100 "));	/* exited */
	assert_null(strstr(out, "     101 "));
	/* with a memory cgroup, unique memory now and at its peak */
	free(fx->out);
	fx->out = NULL;
	set_unique(&fx->r);
	fx->r.unique.cur_unique = 300 * MIB;
	f = open_memstream(&fx->out, &len);
	assert_non_null(f);
	report_interim(f, &fx->r, 2.5);
	assert_int_equal(fclose(f), 0);
	expect_contains(fx->out, "footprint 193.0 MiB (peak 258.0 MiB), "
				 "unique 300.0 MiB (peak 418.0 MiB)\n");
}

/* #18: an interval table shows the 15 largest now, then the rest summed. */
static void test_interim_largest(void **state)
{
	struct tm_proc procs[40];
	struct tm_report r;
	char *out = NULL, pid[16];
	const char *at, *prev = NULL;
	size_t len = 0, i;
	FILE *f;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(procs, 0, sizeof(procs));
	for (i = 0; i < 40; i++) {
		procs[i].pid = 1000 + i;
		/* not in footprint order: the table sorts */
		procs[i].cur_footprint = ((i * 7) % 40 + 1) * MIB;
		procs[i].cur_rss = MIB;
		procs[i].alive = true;
		strcpy(procs[i].comm, "w");
	}
	r.procs = procs;
	r.nprocs = 40;
	f = open_memstream(&out, &len);
	assert_non_null(f);
	report_interim(f, &r, 1.0);
	assert_int_equal(fclose(f), 0);
	/* footprints 40 MiB down to 26 MiB, in that order; 25 MiB not shown */
	for (i = 40; i >= 26; i--) {
		size_t k = 0;

		while (((k * 7) % 40 + 1) != i)
			k++;
		snprintf(pid, sizeof(pid), "\n    %zu w ", 1000 + k);
		at = strstr(out, pid);
		assert_non_null(at);
		assert_true(!prev || at > prev);
		prev = at;
	}
	/* 15 rows of processes, no more */
	for (i = 0, at = out; (at = strstr(at, "\n    10")); i++)
		at++;
	assert_int_equal(i, 15);
	/* 25 others: 25 MiB of RSS, 1 + ... + 25 = 325 MiB of footprint */
	assert_non_null(strstr(out, "(others)          25.00 MiB             "
				    "325.0 MiB\n  25 more processes, smaller "
				    "now\n"));
	free(out);
}

/* Rows of out that start with a pid (process rows). */
static int process_rows(const char *out)
{
	int n = 0;

	for (; (out = strchr(out, '\n')); out++)
		n += out[1] == ' ' && strspn(out + 1, " ") < 8 &&
		     out[1 + strspn(out + 1, " ")] >= '1' &&
		     out[1 + strspn(out + 1, " ")] <= '9';
	return n;
}

/*
 * #18: 40 processes: 10 "big" of 10..19 MiB, 29 "sleep" of 1 MiB (one
 * still running) and a "cc" of 2 MiB. The table shows the 15 largest and
 * a row per command for the rest; --all-processes and JSON keep all.
 */
static void test_table_groups(void **state)
{
	struct tm_proc procs[40];
	struct tm_report r;
	char *out = NULL;
	size_t len = 0, i;
	FILE *f;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(procs, 0, sizeof(procs));
	for (i = 0; i < 40; i++) {
		procs[i].pid = 2000 + i;
		procs[i].ppid = 2000;
		strcpy(procs[i].comm, i < 10 ? "big" : i < 39 ? "sleep" : "cc");
		procs[i].peak_footprint = i < 10 ? (10 + i) * MIB :
					  i < 39 ? MIB : 2 * MIB;
		procs[i].peak_rss = procs[i].peak_footprint / 2;
		procs[i].rss_at_tree_peak = i % 2 ? 0 : 4096;
		procs[i].peak_threads = 1;
		procs[i].alive = i == 20;
	}
	r.procs = procs;
	r.nprocs = 40;
	r.command = command;
	r.command_argc = 1;
	for (i = 0; i < 2; i++) {
		free(out);
		out = NULL;
		f = open_memstream(&out, &len);
		assert_non_null(f);
		report_table(f, &r, false);
		assert_int_equal(fclose(f), 0);
		if (i)
			break;
		/* the 10 big ones, then cc and 4 sleeps: 15 rows */
		assert_int_equal(process_rows(out), 15);
		assert_non_null(strstr(out, "\n   2009 "));
		assert_non_null(strstr(out, "\n   2039 "));
		/* 25 sleeps left: 25 MiB summed, 13 of them with 4 KiB at
		 * the peak, one running: exit codes differ */
		assert_non_null(strstr(out, "\n                sleep \u00d725"
					    "        25.00 MiB 12.50 MiB "));
		assert_non_null(strstr(out, " 52.00 KiB   mixed\n"));
		assert_non_null(strstr(out, "\n25 of 40 processes grouped by "
					    "command"));
		r.all_processes = true;
	}
	assert_int_equal(process_rows(out), 40);
	assert_null(strstr(out, "\u00d7"));
	free(out);
}

static void test_write_formats(void **state)
{
	struct fixture *fx = *state;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&fx->out, &len);
	assert_non_null(f);
	assert_int_equal(report_write(f, &fx->r, TM_FORMAT_JSON, true), 0);
	assert_int_equal(report_write(f, &fx->r, TM_FORMAT_TABLE, false), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(strncmp(fx->out, "{\n", 2), 0);
	expect_contains(fx->out, "}\ntaskmem: sh -c");
	assert_null(strstr(fx->out, "PEAK_VM"));	/* short table */
}

static void test_write_error(void **state)
{
	struct fixture *fx = *state;
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();
	assert_int_equal(report_write(f, &fx->r, TM_FORMAT_JSON, false),
			 -EIO);
	fclose(f);
}

/* report_save: a written report is moved into place, a failed one dropped. */
static void test_save(void **state)
{
	struct fixture *fx = *state;
	char dir[] = "/tmp/taskmem-save.XXXXXX", path[64];
	struct output o;
	char *text;
	size_t len = 0;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.csv", dir);
	assert_int_equal(output_open(&o, path, NULL, NULL), 0);
	assert_int_equal(report_save(&o, &fx->r, TM_FORMAT_CSV, false), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	text = NULL;
	assert_true(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	assert_int_equal(strncmp(text, "pid,ppid,comm,", 14), 0);
	free(text);
	assert_int_equal(unlink(path), 0);
	/* no timeline to draw: nothing is left behind */
	assert_null(fx->r.timeline);
	assert_int_equal(output_open(&o, path, NULL, NULL), 0);
	assert_int_equal(report_save(&o, &fx->r, TM_FORMAT_SVG, false),
			 -EINVAL);
	assert_null(o.f);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(rmdir(dir), 0);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_quotes),
		cmocka_unit_test(test_status_line_fits),
		cmocka_unit_test(test_status_line_unique),
		cmocka_unit_test(test_human_bytes),
		cmocka_unit_test(test_human_bytes_rounding),
		cmocka_unit_test(test_human_bytes_truncates),
		TEST(test_save),
		TEST(test_json_top_level),
		TEST(test_json_kernel_objects),
		TEST(test_json_command_escaped),
		TEST(test_json_tree),
		TEST(test_json_exited_process),
		TEST(test_json_shared_mm_process),
		TEST(test_json_live_process),
		TEST(test_json_comm_escaped),
		TEST(test_json_comm_cut_utf8),
		TEST(test_json_lost),
		TEST(test_json_no_processes),
		TEST(test_json_cgroup_v2),
		TEST(test_json_unique),
		TEST(test_json_unique_none),
		TEST(test_json_cgroup_v1_kmem),
		TEST(test_json_attached),
		TEST(test_table_header),
		TEST(test_table_maxrss_note),
		TEST(test_table_attached),
		TEST(test_table_columns),
		TEST(test_table_total),
		TEST(test_table_exited_row),
		TEST(test_table_shared_mm_row),
		TEST(test_table_live_row),
		TEST(test_table_aligned),
		TEST(test_table_shared_row_aligned),
		TEST(test_table_no_warning),
		TEST(test_table_warning),
		TEST(test_table_cgroup),
		TEST(test_table_unique),
		TEST(test_interim),
		cmocka_unit_test(test_interim_largest),
		cmocka_unit_test(test_table_groups),
		TEST(test_write_formats),
		TEST(test_write_error),
		TEST(test_text_controls_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
