// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "replay/reader.h"

struct ctx {
	char *err;
	size_t errlen;
	int failed;
};

static void bad(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bad(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed++)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
}

static struct json_object *field(struct ctx *c, struct json_object *o,
				 const char *key, json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type)) {
		bad(c, "missing or invalid field '%s'", key);
		return NULL;
	}
	return v;
}

/* A non-negative whole number. */
static uint64_t u64(struct ctx *c, struct json_object *o, const char *key)
{
	struct json_object *v = field(c, o, key, json_type_int);

	if (!v)
		return 0;
	if (json_object_get_int64(v) < 0) {
		bad(c, "negative value for '%s'", key);
		return 0;
	}
	return json_object_get_uint64(v);
}

/* A finite number: json-c also reads NaN and Infinity. */
static bool finite_number(struct json_object *v, double *out)
{
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_double(v);
	return isfinite(*out);
}

static double number(struct ctx *c, struct json_object *o, const char *key)
{
	struct json_object *v;
	double d;

	if (!json_object_object_get_ex(o, key, &v) || !finite_number(v, &d) ||
	    d < 0) {
		bad(c, "missing or invalid field '%s'", key);
		return 0;
	}
	return d;
}

static bool flag(struct ctx *c, struct json_object *o, const char *key)
{
	struct json_object *v = field(c, o, key, json_type_boolean);

	return v && json_object_get_boolean(v);
}

/* An int or null (-1), for exit codes. */
static int int_or_null(struct ctx *c, struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v)) {
		bad(c, "missing field '%s'", key);
		return -1;
	}
	if (!v)
		return -1;
	if (!json_object_is_type(v, json_type_int)) {
		bad(c, "invalid field '%s'", key);
		return -1;
	}
	return json_object_get_int(v);
}

static void read_tree(struct ctx *c, struct json_object *o, struct tm_tree *t)
{
	t->peak_rss = u64(c, o, "peak_rss_bytes");
	t->peak_anon = u64(c, o, "peak_anon_bytes");
	t->peak_file = u64(c, o, "peak_file_bytes");
	t->peak_shmem = u64(c, o, "peak_shmem_bytes");
	t->peak_vm = u64(c, o, "peak_vm_bytes");
	t->peak_pgtables = u64(c, o, "peak_pgtables_bytes");
	t->peak_kstack = u64(c, o, "peak_kstack_bytes");
	t->peak_task_struct = u64(c, o, "peak_task_struct_bytes");
	t->peak_footprint = u64(c, o, "peak_footprint_bytes");
	t->peak_threads = u64(c, o, "peak_threads");
	t->peak_processes = u64(c, o, "peak_processes");
	t->processes_total = u64(c, o, "processes_total");
	t->threads_total = u64(c, o, "threads_total");
	t->minor_faults = u64(c, o, "minor_faults");
	t->major_faults = u64(c, o, "major_faults");
}

static void read_proc(struct ctx *c, struct json_object *o, struct tm_proc *p)
{
	struct json_object *v;

	memset(p, 0, sizeof(*p));
	p->pid = u64(c, o, "pid");
	p->ppid = u64(c, o, "ppid");
	v = field(c, o, "comm", json_type_string);
	if (v)
		snprintf(p->comm, sizeof(p->comm), "%s",
			 json_object_get_string(v));
	p->peak_rss = u64(c, o, "peak_rss_bytes");
	p->peak_anon = u64(c, o, "peak_anon_bytes");
	p->peak_file = u64(c, o, "peak_file_bytes");
	p->peak_shmem = u64(c, o, "peak_shmem_bytes");
	p->peak_vm = u64(c, o, "peak_vm_bytes");
	p->peak_pgtables = u64(c, o, "peak_pgtables_bytes");
	p->peak_kstack = u64(c, o, "peak_kstack_bytes");
	p->peak_task_struct = u64(c, o, "peak_task_struct_bytes");
	p->peak_footprint = u64(c, o, "peak_footprint_bytes");
	p->peak_threads = u64(c, o, "peak_threads");
	p->rss_at_tree_peak = u64(c, o, "rss_at_tree_peak_bytes");
	p->min_flt = u64(c, o, "minor_faults");
	p->maj_flt = u64(c, o, "major_faults");
	p->exit_code = int_or_null(c, o, "exit_code");
	p->alive = flag(c, o, "alive_at_end");
	p->root = flag(c, o, "root");
	p->attached = flag(c, o, "attached");
	if (json_object_object_get_ex(o, "kernel_vmhwm_bytes", &v) && v)
		p->kernel_vmhwm = u64(c, o, "kernel_vmhwm_bytes");
	p->shared_mm_with = u64(c, o, "shared_mm_with");
	p->start_s = number(c, o, "start_s");
	if (json_object_object_get_ex(o, "end_s", &v) && v)
		p->end_s = number(c, o, "end_s");
}

static void read_procs(struct ctx *c, struct json_object *doc,
		       struct tm_report *r)
{
	struct json_object *arr = field(c, doc, "processes", json_type_array);
	size_t i, n;

	if (!arr)
		return;
	n = json_object_array_length(arr);
	r->procs = calloc(n ? n : 1, sizeof(*r->procs));
	if (!r->procs) {
		bad(c, "out of memory for %zu processes", n);
		return;
	}
	r->cap = n;
	for (i = 0; i < n && !c->failed; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(o, json_type_object)) {
			bad(c, "processes[%zu] is not an object", i);
			return;
		}
		read_proc(c, o, &r->procs[r->nprocs++]);
	}
}

/* The point columns, in the order report_json() writes them. */
enum { P_T, P_PROCS, P_THREADS, P_RSS, P_ANON, P_FILE, P_SHMEM, P_MAX_RSS,
       P_FP, P_MAX_FP, P_KMEM, P_NR };

static void read_timeline(struct ctx *c, struct json_object *doc,
			  struct saved_report *s)
{
	struct json_object *tl, *pts;
	size_t i, j, n;

	if (!json_object_object_get_ex(doc, "timeline", &tl))
		return;
	pts = field(c, tl, "points", json_type_array);
	if (!pts)
		return;
	n = json_object_array_length(pts);
	if (timeline_init(&s->tl, n ? n : 1)) {
		bad(c, "out of memory for %zu timeline points", n);
		return;
	}
	s->tl.samples = u64(c, tl, "samples");
	s->tl.merge = u64(c, tl, "samples_per_point");
	s->r.sample_ms = u64(c, tl, "sample_ms");
	s->r.peak_footprint_s = number(c, tl, "peak_footprint_time_s");
	for (i = 0; i < n && !c->failed; i++) {
		struct json_object *row = json_object_array_get_idx(pts, i);
		struct tl_sample *p = &s->tl.s[i];
		double v[P_NR];

		if (!json_object_is_type(row, json_type_array) ||
		    json_object_array_length(row) != P_NR) {
			bad(c, "timeline point %zu is not a row of %d numbers",
			    i, P_NR);
			return;
		}
		for (j = 0; j < P_NR; j++) {
			if (!finite_number(json_object_array_get_idx(row, j),
					   &v[j]) || v[j] < 0 || v[j] > 1e19) {
				bad(c, "timeline point %zu holds an invalid "
				       "value", i);
				return;
			}
		}
		memset(p, 0, sizeof(*p));
		p->t = v[P_T];
		p->processes = v[P_PROCS];
		p->threads = v[P_THREADS];
		p->rss = v[P_RSS];
		p->anon = v[P_ANON];
		p->file = v[P_FILE];
		p->shmem = v[P_SHMEM];
		p->max_rss = v[P_MAX_RSS];
		p->footprint = v[P_FP];
		p->max_footprint = v[P_MAX_FP];
		p->kmem = v[P_KMEM];
	}
	s->tl.n = n;
	s->r.timeline = &s->tl;
}

static void read_command(struct ctx *c, struct json_object *doc,
			 struct saved_report *s)
{
	struct json_object *cmd = field(c, doc, "command", json_type_array);
	struct json_object *pids = field(c, doc, "attached_pids",
					 json_type_array);
	size_t i, n;

	if (!cmd || !pids)
		return;
	n = json_object_array_length(cmd);
	s->command = calloc(n + 1, sizeof(*s->command));
	s->targets = calloc(json_object_array_length(pids) + 1,
			    sizeof(*s->targets));
	if (!s->command || !s->targets) {
		bad(c, "out of memory");
		return;
	}
	for (i = 0; i < n; i++)
		s->command[i] = (char *)json_object_get_string(
			json_object_array_get_idx(cmd, i));
	for (i = 0; i < json_object_array_length(pids); i++)
		s->targets[i] = json_object_get_int(
			json_object_array_get_idx(pids, i));
	/* a saved attach has no command: the report says so by NULL */
	s->r.command = n ? s->command : NULL;
	s->r.command_argc = n;
	s->r.targets = s->targets;
	s->r.ntargets = json_object_array_length(pids);
}

static void read_extras(struct ctx *c, struct json_object *doc,
			struct tm_report *r)
{
	struct json_object *o;

	o = field(c, doc, "kernel_objects", json_type_object);
	if (o) {
		r->ksize.kstack = u64(c, o, "kstack_bytes");
		r->ksize.task_struct = u64(c, o, "task_struct_bytes");
		r->ksize.proc = u64(c, o, "process_bytes");
		r->ksize.mm = u64(c, o, "mm_struct_bytes");
		r->ksize.vma = u64(c, o, "vma_bytes");
	}
	/* added after the first reports: optional */
	if (json_object_object_get_ex(doc, "lost_mms", NULL))
		r->lost_mms = u64(c, doc, "lost_mms");
	if (json_object_object_get_ex(doc, "lost_ring_records", NULL))
		r->lost_ring = u64(c, doc, "lost_ring_records");
	if (json_object_object_get_ex(doc, "lost_peak_raises", NULL))
		r->lost_peak_raises = u64(c, doc, "lost_peak_raises");
	if (json_object_object_get_ex(doc, "counter_error_bytes", NULL))
		r->counter_error_pages = u64(c, doc, "counter_error_bytes") /
					 (r->page_size ? r->page_size : 4096);
	if (json_object_object_get_ex(doc, "cgroup", &o)) {
		r->cgroup.version = u64(c, o, "version");
		r->cgroup.usage = u64(c, o, "peak_usage_bytes");
		r->cgroup.has_kmem = json_object_object_get_ex(
			o, "peak_kmem_bytes", NULL);
		if (r->cgroup.has_kmem)
			r->cgroup.kmem = u64(c, o, "peak_kmem_bytes");
	}
}

/*
 * The whole text as one JSON value, strictly: nothing may follow it.
 * *jerr is json_tokener_success for a document that is not an object.
 */
static struct json_object *parse_whole(const char *text,
				       enum json_tokener_error *jerr)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc;
	size_t len = strlen(text), used;

	if (!tok) {
		*jerr = json_tokener_error_parse_unexpected;
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	doc = json_tokener_parse_ex(tok, text, (int)len);
	*jerr = json_tokener_get_error(tok);
	/* the whole text was given: waiting for more means it was cut */
	if (*jerr == json_tokener_continue)
		*jerr = json_tokener_error_parse_eof;
	used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (*jerr != json_tokener_success) {
		json_object_put(doc);
		return NULL;
	}
	/* white space may follow the value, nothing else */
	for (; used < len; used++) {
		if (!strchr(" \t\r\n", text[used])) {
			json_object_put(doc);
			*jerr = json_tokener_error_parse_unexpected;
			return NULL;
		}
	}
	return doc;
}

int reader_parse(const char *text, struct saved_report *s, char *err,
		 size_t errlen)
{
	struct ctx c = { .err = err, .errlen = errlen };
	enum json_tokener_error jerr;
	struct json_object *doc, *v;

	memset(s, 0, sizeof(*s));
	doc = parse_whole(text, &jerr);
	if (!doc || !json_object_is_type(doc, json_type_object)) {
		snprintf(err, errlen, "not a taskmem JSON report: %s",
			 jerr != json_tokener_success ?
				 json_tokener_error_desc(jerr) :
				 "not a JSON object");
		json_object_put(doc);
		return -EINVAL;
	}
	s->doc = doc;
	model_init(&s->r, 4096, 0);
	read_command(&c, doc, s);
	s->r.exit_code = int_or_null(&c, doc, "exit_code");
	v = field(&c, doc, "stop_reason", json_type_string);
	s->r.stop_reason = v ? json_object_get_string(v) : "";
	s->r.duration_s = number(&c, doc, "duration_s");
	s->r.kernel_maxrss = u64(&c, doc, "kernel_maxrss_bytes");
	s->r.lost_events = u64(&c, doc, "lost_events");
	s->r.lost_procs = u64(&c, doc, "lost_processes");
	s->r.page_size = u64(&c, doc, "page_size");
	read_extras(&c, doc, &s->r);
	v = field(&c, doc, "tree", json_type_object);
	if (v)
		read_tree(&c, v, &s->r.tree);
	read_procs(&c, doc, &s->r);
	read_timeline(&c, doc, s);
	if (c.failed) {
		reader_free(s);
		return -EINVAL;
	}
	return 0;
}

void reader_free(struct saved_report *s)
{
	model_free(&s->r);
	timeline_free(&s->tl);
	free(s->command);
	free(s->targets);
	json_object_put(s->doc);
	memset(s, 0, sizeof(*s));
}
