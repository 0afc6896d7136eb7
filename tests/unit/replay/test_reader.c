// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/reader.c: a report built with the model, written by
 * report_json() and read back must come out the same; a damaged one is
 * refused with the field named.
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
#include <json-c/json.h>
#include "replay/reader.h"
#include "output/report.h"

#define PAGE 4096ULL
#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define PAGES_PER_MIB (MIB / PAGE)
#define T0_NS 1000000000ULL
#define MS_NS 1000000ULL

struct fixture {
	struct tm_report r;
	struct timeline tl;
	struct saved_report s;
	char *json;		/* report_json of r */
	char *again;		/* report_json of what was read */
	struct json_object *edit;	/* a changed document */
	char err[256];
};

static char arg_weird[] = "a\"b\\c\x01 \xc3\xa9";
static char *command[] = { "sh", "-c", arg_weird, NULL };
static const int targets[] = { 100, 102 };

/* As in test_report.c: pid - 100 ms after the root, exited ones ran 500 ms. */
static void add_proc(struct tm_report *r, uint32_t pid, uint32_t flags,
		     int status, uint32_t shared_mm_with, int64_t peak_pages)
{
	struct proc_info pi;

	memset(&pi, 0, sizeof(pi));
	pi.pid = pid;
	pi.ppid = pid == 100 ? 1 : 100;
	pi.threads = flags & TM_PROC_EXITED ? 0 : 3;
	pi.peak_threads = 3;
	pi.flags = flags;
	pi.exit_status = status;
	pi.shared_mm_with = shared_mm_with;
	pi.start_ns = T0_NS + (pid - 100) * 123 * MS_NS + 456789;
	pi.end_ns = flags & TM_PROC_EXITED ? pi.start_ns + 500 * MS_NS : 0;
	pi.peak_rss = peak_pages;
	pi.peak_anon = peak_pages - 2;
	pi.peak_file = 1;
	pi.peak_shmem = 1;
	pi.peak_vm = 2 * peak_pages;
	if (peak_pages) {
		pi.peak_pgtables = 512 * KIB;
		pi.peak_footprint = peak_pages * PAGE + MIB + 17;
	}
	pi.min_flt = pid * 1000 + 7;
	pi.maj_flt = pid - 99;
	pi.dead_gen = 256 * PAGES_PER_MIB;
	pi.dead_val = shared_mm_with ? 0 : peak_pages;
	snprintf(pi.comm, sizeof(pi.comm), "p%u", pid);
	assert_int_equal(model_add_proc(r, &pi), 0);
}

/*
 * `sh -c ...` (100, exit 0) vforked 101 (killed by SIGKILL, on 100's mm)
 * and started 102, still running on a 192 MiB mm; --cgroup-check on v1.
 */
static void build_report(struct tm_report *r)
{
	const struct kobj_sizes k = { .task_struct = 5888, .kstack = 16 * KIB,
				      .proc = 3 * KIB, .mm = 1216, .vma = 184 };
	struct mm_state m;
	struct tree_state t;

	model_init(r, PAGE, T0_NS);
	model_set_kobj(r, &k);
	r->command = command;
	r->command_argc = 3;
	r->stop_reason = "the command exited";
	r->exit_code = 3;
	r->duration_s = 1.503217;
	r->kernel_maxrss = 64 * MIB + 12 * KIB;
	r->cgroup.version = 1;
	r->cgroup.usage = 300 * MIB;
	r->cgroup.kmem = 20 * MIB;
	r->cgroup.has_kmem = true;
	add_proc(r, 100, TM_PROC_ROOT | TM_PROC_EXITED, 3 << 8, 0,
		 64 * PAGES_PER_MIB);
	add_proc(r, 101, TM_PROC_EXITED, 9, 100, 0);
	add_proc(r, 102, 0, 0, 0, 0);
	snprintf(r->procs[2].comm, sizeof(r->procs[2].comm), "x,\"y\\z");

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
	t.peak[TM_FILEPAGES] = 2;
	t.peak[TM_SHMEMPAGES] = 3;
	t.peak_vm = 512 * PAGES_PER_MIB;
	t.peak_pgtables = 1536 * KIB;
	t.peak_footprint = 258 * MIB + 5;
	t.peak_threads = 9;
	t.peak_procs = 3;
	t.procs_total = 3;
	t.threads_total = 11;
	t.rss = 192 * PAGES_PER_MIB;
	t.kmem = MIB;
	t.threads = t.procs = 1;
	/* 5 records lost, of which 2 processes */
	t.lost_procs = 2;
	t.lost_events = 3;
	model_finish(r, &t);
}

static void make_attached(struct tm_report *r)
{
	r->command = NULL;
	r->command_argc = 0;
	r->targets = targets;
	r->ntargets = 2;
	r->stop_reason = "30 s elapsed (-d)";
	r->exit_code = -1;
	r->cgroup.version = 0;
	r->procs[0].attached = true;
	r->procs[0].kernel_vmhwm = 100 * MIB + 4 * KIB;
	r->procs[2].attached = true;
}

/* 40 samples at 10 ms, thinned to points of 4, values up to the TiBs. */
static void add_timeline(struct fixture *fx)
{
	struct tl_sample s;
	size_t i;

	assert_int_equal(timeline_init(&fx->tl, 16), 0);
	for (i = 0; i < 40; i++) {
		memset(&s, 0, sizeof(s));
		s.t = 0.010001 * (i + 1);
		s.processes = i % 4 + 1;
		s.threads = i + 2;
		s.anon = i * MIB + 1;
		s.file = i * 3 * PAGE;
		s.shmem = (1ULL << 42) + i;
		s.rss = s.anon + s.file + s.shmem;
		s.kmem = 12345 + i;
		s.footprint = s.rss + s.kmem;
		s.max_rss = s.rss + (i % 5) * MIB;
		s.max_footprint = s.max_rss + s.kmem + i;
		timeline_add(&fx->tl, &s);
	}
	assert_int_equal(fx->tl.merge, 4);
	fx->r.timeline = &fx->tl;
	fx->r.sample_ms = 10;
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

	reader_free(&fx->s);
	json_object_put(fx->edit);
	model_free(&fx->r);
	timeline_free(&fx->tl);
	free(fx->json);
	free(fx->again);
	free(fx);
	return 0;
}

static char *to_json(const struct tm_report *r)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	report_json(f, r);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* fx->r as JSON, read back into fx->s, which must succeed. */
static void round_trip(struct fixture *fx)
{
	int err;

	fx->json = to_json(&fx->r);
	err = reader_parse(fx->json, &fx->s, fx->err, sizeof(fx->err));
	if (err)
		fail_msg("reader_parse: %d (%s) for:\n%s", err, fx->err,
			 fx->json);
	/* what was read writes the same document again */
	fx->again = to_json(&fx->s.r);
	assert_string_equal(fx->again, fx->json);
}

static void expect_tree(const struct tm_tree *got, const struct tm_tree *want)
{
	assert_int_equal(got->peak_rss, want->peak_rss);
	assert_int_equal(got->peak_anon, want->peak_anon);
	assert_int_equal(got->peak_file, want->peak_file);
	assert_int_equal(got->peak_shmem, want->peak_shmem);
	assert_int_equal(got->peak_vm, want->peak_vm);
	assert_int_equal(got->peak_pgtables, want->peak_pgtables);
	assert_int_equal(got->peak_kstack, want->peak_kstack);
	assert_int_equal(got->peak_task_struct, want->peak_task_struct);
	assert_int_equal(got->peak_footprint, want->peak_footprint);
	assert_int_equal(got->peak_threads, want->peak_threads);
	assert_int_equal(got->peak_processes, want->peak_processes);
	assert_int_equal(got->processes_total, want->processes_total);
	assert_int_equal(got->threads_total, want->threads_total);
	assert_int_equal(got->minor_faults, want->minor_faults);
	assert_int_equal(got->major_faults, want->major_faults);
}

static void expect_proc(const struct tm_proc *got, const struct tm_proc *want)
{
	assert_int_equal(got->pid, want->pid);
	assert_int_equal(got->ppid, want->ppid);
	assert_string_equal(got->comm, want->comm);
	assert_int_equal(got->peak_rss, want->peak_rss);
	assert_int_equal(got->peak_anon, want->peak_anon);
	assert_int_equal(got->peak_file, want->peak_file);
	assert_int_equal(got->peak_shmem, want->peak_shmem);
	assert_int_equal(got->peak_vm, want->peak_vm);
	assert_int_equal(got->peak_pgtables, want->peak_pgtables);
	assert_int_equal(got->peak_kstack, want->peak_kstack);
	assert_int_equal(got->peak_task_struct, want->peak_task_struct);
	assert_int_equal(got->peak_footprint, want->peak_footprint);
	assert_int_equal(got->peak_threads, want->peak_threads);
	assert_int_equal(got->rss_at_tree_peak, want->rss_at_tree_peak);
	assert_int_equal(got->min_flt, want->min_flt);
	assert_int_equal(got->maj_flt, want->maj_flt);
	assert_int_equal(got->exit_code, want->exit_code);
	assert_int_equal(got->alive, want->alive);
	assert_int_equal(got->root, want->root);
	assert_int_equal(got->attached, want->attached);
	assert_int_equal(got->kernel_vmhwm, want->kernel_vmhwm);
	assert_int_equal(got->shared_mm_with, want->shared_mm_with);
	/* times are written in microseconds */
	assert_float_equal(got->start_s, want->start_s, 5e-7);
	assert_float_equal(got->end_s, want->end_s, 5e-7);
}

static void test_round_trip(void **state)
{
	struct fixture *fx = *state;
	const struct tm_report *got = &fx->s.r, *want = &fx->r;
	size_t i;
	int a;

	round_trip(fx);
	assert_int_equal(got->command_argc, 3);
	assert_non_null(got->command);
	for (a = 0; a < 3; a++)
		assert_string_equal(got->command[a], command[a]);
	assert_int_equal(got->ntargets, 0);
	assert_string_equal(got->stop_reason, want->stop_reason);
	assert_int_equal(got->exit_code, 3);
	assert_float_equal(got->duration_s, want->duration_s, 5e-7);
	assert_int_equal(got->kernel_maxrss, want->kernel_maxrss);
	assert_int_equal(got->lost_events, 5);
	assert_int_equal(got->lost_procs, 2);
	assert_int_equal(got->page_size, PAGE);
	assert_memory_equal(&got->ksize, &want->ksize, sizeof(got->ksize));
	assert_int_equal(got->cgroup.version, 1);
	assert_int_equal(got->cgroup.usage, want->cgroup.usage);
	assert_true(got->cgroup.has_kmem);
	assert_int_equal(got->cgroup.kmem, want->cgroup.kmem);
	expect_tree(&got->tree, &want->tree);
	assert_int_equal(got->nprocs, 3);
	for (i = 0; i < 3; i++)
		expect_proc(&got->procs[i], &want->procs[i]);
	/* no timeline was saved */
	assert_null(got->timeline);
}

/* Each format renders the read report as it renders the original. */
static void test_round_trip_formats(void **state)
{
	static const enum tm_format fmts[] = { TM_FORMAT_TABLE, TM_FORMAT_CSV,
					       TM_FORMAT_MARKDOWN };
	struct fixture *fx = *state;
	char *a, *b;
	size_t i, la, lb;
	FILE *fa, *fb;

	round_trip(fx);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		a = b = NULL;
		fa = open_memstream(&a, &la);
		fb = open_memstream(&b, &lb);
		assert_non_null(fa);
		assert_non_null(fb);
		assert_int_equal(report_write(fa, &fx->r, fmts[i], true), 0);
		assert_int_equal(report_write(fb, &fx->s.r, fmts[i], true), 0);
		assert_int_equal(fclose(fa), 0);
		assert_int_equal(fclose(fb), 0);
		assert_string_equal(b, a);
		free(a);
		free(b);
	}
}

static void test_round_trip_no_cgroup(void **state)
{
	struct fixture *fx = *state;

	fx->r.cgroup.version = 0;
	round_trip(fx);
	assert_int_equal(fx->s.r.cgroup.version, 0);
	assert_false(fx->s.r.cgroup.has_kmem);
}


static void test_round_trip_unique(void **state)
{
	struct fixture *fx = *state;
	struct unique_result *u = &fx->r.unique;

	u->at_peak.item[UNIQUE_ANON] = 256 * MIB;
	u->at_peak.item[UNIQUE_SHMEM] = 3 * MIB;
	u->at_peak.item[UNIQUE_SOCK] = 5;
	u->peak_unique = unique_sum(&u->at_peak);
	u->peak_charged = 300 * MIB;
	u->charged_watermark = 400 * MIB;
	u->shared_at_peak = 7 * MIB;
	u->sample_ms = 50;
	u->valid = true;
	snprintf(u->source, sizeof(u->source), "memcg-v2-sampled");
	round_trip(fx);
	assert_memory_equal(&fx->s.r.unique, u, sizeof(*u));
	/* without figures */
	reader_free(&fx->s);
	free(fx->json);
	free(fx->again);
	unique_none(u, "--no-cgroup was given");
	round_trip(fx);
	assert_memory_equal(&fx->s.r.unique, u, sizeof(*u));
}

static void test_round_trip_cgroup_v2(void **state)
{
	struct fixture *fx = *state;

	fx->r.cgroup.version = 2;
	fx->r.cgroup.has_kmem = false;
	fx->r.cgroup.kmem = 0;
	round_trip(fx);
	assert_int_equal(fx->s.r.cgroup.version, 2);
	assert_int_equal(fx->s.r.cgroup.usage, 300 * MIB);
	assert_false(fx->s.r.cgroup.has_kmem);
}

static void test_attached(void **state)
{
	struct fixture *fx = *state;
	const struct tm_report *got = &fx->s.r;
	size_t i;

	make_attached(&fx->r);
	round_trip(fx);
	/* exit_code null: no command to have one */
	assert_non_null(strstr(fx->json, "\"exit_code\": null,\n"));
	assert_null(got->command);
	assert_int_equal(got->command_argc, 0);
	assert_int_equal(got->ntargets, 2);
	assert_int_equal(got->targets[0], 100);
	assert_int_equal(got->targets[1], 102);
	assert_string_equal(got->stop_reason, "30 s elapsed (-d)");
	assert_int_equal(got->exit_code, -1);
	for (i = 0; i < 3; i++)
		expect_proc(&got->procs[i], &fx->r.procs[i]);
	assert_int_equal(got->procs[0].kernel_vmhwm, 100 * MIB + 4 * KIB);
	assert_int_equal(got->procs[1].kernel_vmhwm, 0);
	/* the running one: exit_code and end_s null */
	assert_true(got->procs[2].alive);
	assert_int_equal(got->procs[2].exit_code, -1);
	assert_float_equal(got->procs[2].end_s, 0, 0);
}

static void test_no_processes(void **state)
{
	struct fixture *fx = *state;

	fx->r.nprocs = 0;
	round_trip(fx);
	assert_int_equal(fx->s.r.nprocs, 0);
}

static void test_timeline(void **state)
{
	struct fixture *fx = *state;
	const struct timeline *got;
	size_t i;

	add_timeline(fx);
	round_trip(fx);
	got = fx->s.r.timeline;
	assert_non_null(got);
	assert_int_equal(fx->s.r.sample_ms, 10);
	assert_int_equal(got->samples, 40);
	assert_int_equal(got->merge, 4);
	assert_int_equal(got->n, fx->tl.n);
	for (i = 0; i < got->n; i++) {
		const struct tl_sample *g = &got->s[i], *w = &fx->tl.s[i];

		assert_float_equal(g->t, w->t, 5e-7);
		assert_int_equal(g->processes, w->processes);
		assert_int_equal(g->threads, w->threads);
		assert_int_equal(g->rss, w->rss);
		assert_int_equal(g->anon, w->anon);
		assert_int_equal(g->file, w->file);
		assert_int_equal(g->shmem, w->shmem);
		assert_int_equal(g->max_rss, w->max_rss);
		assert_int_equal(g->footprint, w->footprint);
		assert_int_equal(g->max_footprint, w->max_footprint);
		assert_int_equal(g->kmem, w->kmem);
	}
}

static void test_timeline_empty(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(timeline_init(&fx->tl, 4), 0);
	fx->r.timeline = &fx->tl;
	fx->r.sample_ms = 1000;
	round_trip(fx);
	assert_non_null(fx->s.r.timeline);
	assert_int_equal(fx->s.r.timeline->n, 0);
	assert_int_equal(fx->s.r.sample_ms, 1000);
}

/*
 * The document of fx->r, changed by edit (a jq-like path and a new value,
 * or NULL to delete), then read: it must fail naming want.
 */
static void expect_refused(struct fixture *fx, const char *path,
			   const char *value, const char *want)
{
	struct json_object *doc, *o, *v;
	char buf[128], *key, *next, *save;
	const char *text;
	int err;

	if (!fx->json)
		fx->json = to_json(&fx->r);
	json_object_put(fx->edit);
	doc = fx->edit = json_tokener_parse(fx->json);
	assert_non_null(doc);
	/* path: keys and [i] indices separated by dots: "processes.1.pid" */
	snprintf(buf, sizeof(buf), "%s", path);
	o = doc;
	key = strtok_r(buf, ".", &save);
	while ((next = strtok_r(NULL, ".", &save))) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, atoi(key));
		else if (!json_object_object_get_ex(o, key, &o))
			fail_msg("no %s in the report", path);
		assert_non_null(o);
		key = next;
	}
	if (json_object_is_type(o, json_type_array)) {
		assert_non_null(value);
		v = json_tokener_parse(value);
		assert_int_equal(json_object_array_put_idx(o, atoi(key), v), 0);
	} else if (!value) {
		assert_true(json_object_object_get_ex(o, key, NULL));
		json_object_object_del(o, key);
	} else {
		/* json_tokener_parse("null") is NULL: JSON null */
		v = json_tokener_parse(value);
		assert_true(v || !strcmp(value, "null"));
		json_object_object_add(o, key, v);
	}
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	fx->err[0] = '\0';
	err = reader_parse(text, &fx->s, fx->err, sizeof(fx->err));
	if (err != -EINVAL)
		fail_msg("%s = %s: reader_parse gave %d, want -EINVAL", path,
			 value ? value : "(deleted)", err);
	if (!strstr(fx->err, want))
		fail_msg("%s = %s: error '%s' does not name '%s'", path,
			 value ? value : "(deleted)", fx->err, want);
	/* a refused report holds nothing to free */
	assert_null(fx->s.doc);
	assert_null(fx->s.r.procs);
}

static void test_missing_fields(void **state)
{
	static const char *const top[] = {
		"command", "attached_pids", "exit_code", "duration_s",
		"kernel_maxrss_bytes", "lost_events", "lost_processes",
		"page_size", "kernel_objects", "tree", "processes",
	};
	static const char *const tree[] = {
		"peak_rss_bytes", "peak_anon_bytes", "peak_file_bytes",
		"peak_shmem_bytes", "peak_vm_bytes", "peak_pgtables_bytes",
		"peak_kstack_bytes", "peak_task_struct_bytes",
		"peak_footprint_bytes", "peak_threads", "peak_processes",
		"processes_total", "threads_total", "minor_faults",
		"major_faults",
	};
	static const char *const proc[] = {
		"pid", "ppid", "comm", "peak_rss_bytes", "peak_footprint_bytes",
		"peak_threads", "rss_at_tree_peak_bytes", "minor_faults",
		"major_faults", "exit_code", "alive_at_end", "root", "attached",
		"shared_mm_with", "start_s",
	};
	static const char *const kobj[] = {
		"kstack_bytes", "task_struct_bytes", "process_bytes",
		"mm_struct_bytes", "vma_bytes",
	};
	struct fixture *fx = *state;
	char path[96], want[64];
	size_t i;

	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++) {
		snprintf(want, sizeof(want), "'%s'", top[i]);
		expect_refused(fx, top[i], NULL, want);
	}
	for (i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
		snprintf(path, sizeof(path), "tree.%s", tree[i]);
		snprintf(want, sizeof(want), "'%s'", tree[i]);
		expect_refused(fx, path, NULL, want);
	}
	for (i = 0; i < sizeof(proc) / sizeof(proc[0]); i++) {
		snprintf(path, sizeof(path), "processes.1.%s", proc[i]);
		snprintf(want, sizeof(want), "'%s'", proc[i]);
		expect_refused(fx, path, NULL, want);
	}
	for (i = 0; i < sizeof(kobj) / sizeof(kobj[0]); i++) {
		snprintf(path, sizeof(path), "kernel_objects.%s", kobj[i]);
		snprintf(want, sizeof(want), "'%s'", kobj[i]);
		expect_refused(fx, path, NULL, want);
	}
	expect_refused(fx, "cgroup.peak_usage_bytes", NULL,
		       "'peak_usage_bytes'");
	expect_refused(fx, "cgroup.version", NULL, "'version'");
}

static void test_missing_timeline_fields(void **state)
{
	static const char *const keys[] = { "points", "samples",
					    "samples_per_point", "sample_ms" };
	struct fixture *fx = *state;
	char path[64], want[64];
	size_t i;

	add_timeline(fx);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(path, sizeof(path), "timeline.%s", keys[i]);
		snprintf(want, sizeof(want), "'%s'", keys[i]);
		expect_refused(fx, path, NULL, want);
	}
}

static void test_invalid_fields(void **state)
{
	struct fixture *fx = *state;

	expect_refused(fx, "processes.0.pid", "\"100\"", "'pid'");
	expect_refused(fx, "processes.0.pid", "-1", "'pid'");
	expect_refused(fx, "processes.0.pid", "1.5", "'pid'");
	expect_refused(fx, "processes.2.comm", "7", "'comm'");
	expect_refused(fx, "processes.0.alive_at_end", "1", "'alive_at_end'");
	expect_refused(fx, "processes.0.exit_code", "\"0\"", "'exit_code'");
	expect_refused(fx, "processes.0.start_s", "\"0.1\"", "'start_s'");
	expect_refused(fx, "processes.0.end_s", "\"0.6\"", "'end_s'");
	expect_refused(fx, "processes.0.kernel_vmhwm_bytes", "-4096",
		       "'kernel_vmhwm_bytes'");
	expect_refused(fx, "tree.peak_rss_bytes", "-4096", "'peak_rss_bytes'");
	expect_refused(fx, "tree", "[]", "'tree'");
	expect_refused(fx, "duration_s", "\"1.5\"", "'duration_s'");
	expect_refused(fx, "duration_s", "null", "'duration_s'");
	expect_refused(fx, "exit_code", "true", "'exit_code'");
	expect_refused(fx, "command", "\"sh\"", "'command'");
	expect_refused(fx, "attached_pids", "{}", "'attached_pids'");
	expect_refused(fx, "kernel_objects", "7", "'kernel_objects'");
	expect_refused(fx, "page_size", "\"4096\"", "'page_size'");
	expect_refused(fx, "processes", "{}", "'processes'");
	expect_refused(fx, "processes.1", "5", "processes[1]");
	/* type confusion: null, a number for a string, out of range */
	expect_refused(fx, "command", "null", "'command'");
	expect_refused(fx, "command", "[null]", "'command[0]'");
	expect_refused(fx, "command", "[\"sh\", 7]", "'command[1]'");
	expect_refused(fx, "attached_pids", "[null]", "'attached_pids[0]'");
	expect_refused(fx, "attached_pids", "[0]", "'attached_pids[0]'");
	expect_refused(fx, "attached_pids", "[99999999999]",
		       "'attached_pids[0]'");
	expect_refused(fx, "stop_reason", "null", "'stop_reason'");
	expect_refused(fx, "processes.2.comm", "null", "'comm' in processes[2]");
	expect_refused(fx, "processes.0.pid", "4194305", "out of range");
	expect_refused(fx, "processes.0.pid", "null", "is null");
	expect_refused(fx, "tree.peak_rss_bytes", "18446744073709551615",
		       "'peak_rss_bytes' in tree is out of range");
	expect_refused(fx, "tree.peak_rss_bytes", "1e30", "is a number");
	expect_refused(fx, "duration_s", "1e308", "'duration_s' is out of range");
	expect_refused(fx, "processes.0.start_s", "1e308", "'start_s'");
	expect_refused(fx, "exit_code", "99999999999", "'exit_code'");
	expect_refused(fx, "page_size", "3", "'page_size'");
	expect_refused(fx, "page_size", "0", "'page_size'");
	expect_refused(fx, "kernel_objects.vma_bytes", "null",
		       "'vma_bytes' in kernel_objects is null");
	expect_refused(fx, "cgroup", "null", "'cgroup'");
}

static void test_invalid_timeline(void **state)
{
	struct fixture *fx = *state;

	add_timeline(fx);
	expect_refused(fx, "timeline.points", "{}", "'points'");
	expect_refused(fx, "timeline.points.0", "[1, 2, 3]", "point 0");
	expect_refused(fx, "timeline.points.1", "{}", "point 1");
	expect_refused(fx, "timeline.samples", "-1", "'samples'");
	expect_refused(fx, "timeline", "null", "'timeline'");
	expect_refused(fx, "timeline.sample_ms", "null", "'sample_ms'");
	expect_refused(fx, "timeline.peak_footprint_time_s", "1e308",
		       "'peak_footprint_time_s'");
	expect_refused(fx, "timeline.points.0", "[1e308, 1, 1, 1, 1, 1, 1, 1, "
			   "1, 1, 1]", "point 0");
}


/* Reports from before unique memory: points of 11 columns still read. */
static void test_timeline_without_unique(void **state)
{
	struct fixture *fx = *state;
	struct json_object *doc, *tl, *pts;
	size_t i;
	int err;

	add_timeline(fx);
	fx->tl.s[0].unique = 77 << 20;
	fx->json = to_json(&fx->r);
	doc = json_tokener_parse(fx->json);
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "timeline", &tl));
	assert_true(json_object_object_get_ex(tl, "points", &pts));
	for (i = 0; i < json_object_array_length(pts); i++)
		assert_int_equal(json_object_array_del_idx(
			json_object_array_get_idx(pts, i), 11, 1), 0);
	err = reader_parse(json_object_to_json_string(doc), &fx->s, fx->err,
			   sizeof(fx->err));
	json_object_put(doc);
	assert_int_equal(err, 0);
	assert_int_equal(fx->s.tl.n, fx->tl.n);
	assert_int_equal(fx->s.tl.s[0].unique, 0);
	assert_int_equal(fx->s.tl.s[0].kmem, fx->tl.s[0].kmem);
}

/* Each element of a point is a number, as the columns say, never below 0. */
static void test_invalid_timeline_values(void **state)
{
	struct fixture *fx = *state;

	add_timeline(fx);
	expect_refused(fx, "timeline.points.0",
		       "[0.1, 1, 1, \"x\", 0, 0, 0, 0, 0, 0, 0]", "point 0");
	expect_refused(fx, "timeline.points.2",
		       "[0.1, 1, 1, null, 0, 0, 0, 0, 0, 0, 0]", "point 2");
	expect_refused(fx, "timeline.points.1",
		       "[0.1, 1, 1, -4096, 0, 0, 0, 0, 0, 0, 0]", "point 1");
}

/* json with the value after the first marker (up to , } or ]) replaced. */
static char *replace_after(const char *json, const char *marker,
			   const char *value)
{
	const char *at = strstr(json, marker), *end;
	char *out;

	assert_non_null(at);
	at += strlen(marker);
	end = at + strcspn(at, ",}]");
	out = malloc(strlen(json) + strlen(value) + 1);
	assert_non_null(out);
	sprintf(out, "%.*s%s%s", (int)(at - json), json, value, end);
	return out;
}

/*
 * json-c reads NaN and Infinity, which JSON has not: a report holding
 * them was not written by taskmem, and no chart can scale to them.
 */
static void test_non_finite_numbers(void **state)
{
	static const char *const bad[] = { "NaN", "Infinity", "-Infinity" };
	static const struct {
		const char *marker;
		const char *field;
	} where[] = {
		{ "\"duration_s\": ", "'duration_s'" },
		{ "\"start_s\": ", "'start_s'" },
		{ "\"end_s\": ", "'end_s'" },
		{ "\"points\": [\n      [", "point 0" },
	};
	struct fixture *fx = *state;
	size_t i, j;
	char *doc;
	int err;

	add_timeline(fx);
	fx->json = to_json(&fx->r);
	for (j = 0; j < sizeof(where) / sizeof(where[0]); j++) {
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			doc = replace_after(fx->json, where[j].marker, bad[i]);
			fx->err[0] = '\0';
			err = reader_parse(doc, &fx->s, fx->err,
					   sizeof(fx->err));
			free(doc);
			if (!err) {
				reader_free(&fx->s);
				fail_msg("%s %s was accepted", where[j].field,
					 bad[i]);
			}
			assert_int_equal(err, -EINVAL);
			if (!strstr(fx->err, where[j].field))
				fail_msg("%s %s: error '%s' does not name it",
					 where[j].field, bad[i], fx->err);
		}
	}
}

static void test_not_a_report(void **state)
{
	static const char *const texts[] = {
		"", "{", "[]", "42", "\"report\"", "null", "{\"command\": [}",
	};
	struct fixture *fx = *state;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		fx->err[0] = '\0';
		if (reader_parse(texts[i], &fx->s, fx->err, sizeof(fx->err)) !=
		    -EINVAL)
			fail_msg("'%s' was not refused", texts[i]);
		assert_true(fx->err[0]);
	}
	/* an empty object lacks the first field looked for, and says so */
	assert_int_equal(reader_parse("{}", &fx->s, fx->err, sizeof(fx->err)),
			 -EINVAL);
	assert_non_null(strstr(fx->err, "missing"));
}

/* A file holding JSON's null is no report; the reason must say why. */
static void test_null_document(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(reader_parse("null", &fx->s, fx->err, sizeof(fx->err)),
			 -EINVAL);
	if (strstr(fx->err, "success"))
		fail_msg("reason: '%s'", fx->err);
}

/* A whole report followed by something else is a damaged file. */
static void test_trailing_garbage(void **state)
{
	struct fixture *fx = *state;
	char *doc;
	int err;

	fx->json = to_json(&fx->r);
	doc = malloc(strlen(fx->json) + 16);
	assert_non_null(doc);
	sprintf(doc, "%s}{\"x\": 1}", fx->json);
	err = reader_parse(doc, &fx->s, fx->err, sizeof(fx->err));
	free(doc);
	assert_int_equal(err, -EINVAL);
}

/* Without stop_reason a report is refused, or read with one to print. */
static void test_missing_stop_reason(void **state)
{
	struct fixture *fx = *state;
	struct json_object *doc;
	int err;

	make_attached(&fx->r);
	fx->json = to_json(&fx->r);
	doc = json_tokener_parse(fx->json);
	assert_non_null(doc);
	json_object_object_del(doc, "stop_reason");
	err = reader_parse(json_object_to_json_string(doc), &fx->s, fx->err,
			   sizeof(fx->err));
	json_object_put(doc);
	if (err) {
		assert_int_equal(err, -EINVAL);
		assert_non_null(strstr(fx->err, "'stop_reason'"));
	} else {
		/* the table prints it: "stopped: %s" */
		assert_non_null(fx->s.r.stop_reason);
	}
}

/* The reason is cut to the buffer, never beyond it. */
static void test_small_error_buffer(void **state)
{
	struct fixture *fx = *state;
	char err[8];

	memset(err, 'x', sizeof(err));
	assert_int_equal(reader_parse("{}", &fx->s, err, sizeof(err)), -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

/* A refused report leaves nothing behind: freeing it again is harmless. */
static void test_free_after_refusal(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(reader_parse("{\"command\": []}", &fx->s, fx->err,
				      sizeof(fx->err)), -EINVAL);
	reader_free(&fx->s);
	reader_free(&fx->s);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_round_trip),
		TEST(test_round_trip_formats),
		TEST(test_round_trip_no_cgroup),
		TEST(test_round_trip_cgroup_v2),
		TEST(test_round_trip_unique),
		TEST(test_timeline_without_unique),
		TEST(test_attached),
		TEST(test_no_processes),
		TEST(test_timeline),
		TEST(test_timeline_empty),
		TEST(test_missing_fields),
		TEST(test_missing_timeline_fields),
		TEST(test_invalid_fields),
		TEST(test_invalid_timeline),
		TEST(test_invalid_timeline_values),
		TEST(test_non_finite_numbers),
		TEST(test_not_a_report),
		TEST(test_null_document),
		TEST(test_trailing_garbage),
		TEST(test_missing_stop_reason),
		TEST(test_small_error_buffer),
		TEST(test_free_after_refusal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
