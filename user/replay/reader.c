// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <limits.h>
#include <json-c/json.h>
#include "output/json_fields.h"
#include "replay/reader.h"

struct ctx {
	char *err;
	size_t errlen;
	int failed;
	const char *where;	/* the object being read: "", " in tree"... */
	char where_buf[48];
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

/* The field's JSON type, as a message names it. */
static const char *type_name(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
	case json_type_int:
		return "a number";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "something else";
}

/*
 * A wrong value of o's field key: named by its field, never quoted (it
 * may be anything).
 */
static void bad_value(struct ctx *c, struct json_object *o, const char *key,
		      const char *expected)
{
	struct json_object *v = NULL;
	bool there = json_object_object_get_ex(o, key, &v);

	bad(c, "field '%s'%s is %s, expected %s", key, c->where,
	    !there ? "missing" : v ? type_name(v) : "null", expected);
}

static struct json_object *field(struct ctx *c, struct json_object *o,
				 const char *key, json_type type,
				 const char *expected)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type)) {
		bad_value(c, o, key, expected);
		return NULL;
	}
	return v;
}

/* A whole number from 0 to max. */
static uint64_t u64_max(struct ctx *c, struct json_object *o, const char *key,
			uint64_t max)
{
	struct json_object *v = NULL;
	char expected[64];
	uint64_t n;

	snprintf(expected, sizeof(expected), "a whole number from 0 to %"
		 PRIu64, max);
	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int)) {
		bad_value(c, o, key, expected);
		return 0;
	}
	/* json-c keeps a negative as int64, a large one as uint64 */
	n = json_object_get_uint64(v);
	if (json_object_get_int64(v) < 0 || n > max) {
		bad(c, "field '%s'%s is out of range, expected %s", key,
		    c->where, expected);
		return 0;
	}
	return n;
}

static uint64_t u64(struct ctx *c, struct json_object *o, const char *key)
{
	return u64_max(c, o, key, JSON_BYTES_MAX);
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

/* Seconds, from 0 to JSON_SECONDS_MAX. */
static double seconds(struct ctx *c, struct json_object *o, const char *key)
{
	static const char expected[] = "seconds from 0 to 1e9";
	struct json_object *v = NULL;
	double d;

	if (!json_object_object_get_ex(o, key, &v) || !finite_number(v, &d)) {
		bad_value(c, o, key, expected);
		return 0;
	}
	if (d < 0 || d > JSON_SECONDS_MAX) {
		bad(c, "field '%s'%s is out of range, expected %s", key,
		    c->where, expected);
		return 0;
	}
	return d;
}

static bool flag(struct ctx *c, struct json_object *o, const char *key)
{
	struct json_object *v = field(c, o, key, json_type_boolean,
				      "true or false");

	return v && json_object_get_boolean(v);
}

/* True when the field is there and null. */
static bool is_null(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && !v;
}

/* An exit code (0 to 255, -1 unknown) or null (-1). */
static int exit_code(struct ctx *c, struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	int64_t n;

	if (is_null(o, key))
		return -1;
	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    (n = json_object_get_int64(v)) < -1 || n > 255) {
		bad_value(c, o, key, "an exit code from 0 to 255 or null");
		return -1;
	}
	return (int)n;
}

/* Every field of table t into obj (struct bytes), by kind. */
static void read_fields(struct ctx *c, struct json_object *o,
			const struct json_field *t, size_t n, void *obj)
{
	char *base = obj;
	struct json_object *v;
	size_t i;

	for (i = 0; i < n && !c->failed; i++) {
		void *dst = base + t[i].off;
		const char *key = t[i].key;

		switch (t[i].kind) {
		case JF_U32:
			*(uint32_t *)dst = u64_max(c, o, key, t[i].max);
			break;
		case JF_U64_OR_NULL:
			if (is_null(o, key))
				break;
			/* fall through */
		case JF_U64:
			*(uint64_t *)dst = u64_max(c, o, key, t[i].max);
			break;
		case JF_STRING:
			v = field(c, o, key, json_type_string, "a string");
			if (v)
				snprintf(dst, t[i].size, "%s",
					 json_object_get_string(v));
			break;
		case JF_BOOL:
			*(bool *)dst = flag(c, o, key);
			break;
		case JF_EXIT:
			*(int *)dst = exit_code(c, o, key);
			break;
		case JF_SECONDS_OR_NULL:
			if (is_null(o, key))
				break;
			/* fall through */
		case JF_SECONDS:
			*(double *)dst = seconds(c, o, key);
			break;
		}
	}
}

/* Read the object at key with table t; where names it in messages. */
static void read_object(struct ctx *c, struct json_object *doc,
			const char *key, const struct json_field *t, size_t n,
			void *obj)
{
	struct json_object *o = field(c, doc, key, json_type_object,
				      "an object");

	if (!o)
		return;
	snprintf(c->where_buf, sizeof(c->where_buf), " in %s", key);
	c->where = c->where_buf;
	read_fields(c, o, t, n, obj);
	c->where = "";
}

static void read_proc(struct ctx *c, struct json_object *o, size_t i,
		      struct tm_proc *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(c->where_buf, sizeof(c->where_buf), " in processes[%zu]", i);
	c->where = c->where_buf;
	read_fields(c, o, json_proc_fields, json_proc_nfields, p);
	c->where = "";
}

static void read_procs(struct ctx *c, struct json_object *doc,
		       struct tm_report *r)
{
	struct json_object *arr = field(c, doc, "processes", json_type_array,
					"an array");
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
			bad(c, "processes[%zu] is %s, expected an object", i,
			    o ? type_name(o) : "null");
			return;
		}
		read_proc(c, o, i, &r->procs[r->nprocs++]);
	}
}

/* The point columns, in the order report_json() writes them. */
enum { P_T, P_PROCS, P_THREADS, P_RSS, P_ANON, P_FILE, P_SHMEM, P_MAX_RSS,
       P_FP, P_MAX_FP, P_KMEM, P_UNIQUE, P_NR };

static void read_timeline(struct ctx *c, struct json_object *doc,
			  struct saved_report *s)
{
	struct json_object *tl, *pts;
	size_t i, j, n;

	if (!json_object_object_get_ex(doc, "timeline", &tl))
		return;
	tl = field(c, doc, "timeline", json_type_object, "an object");
	if (!tl)
		return;
	c->where = " in timeline";
	pts = field(c, tl, "points", json_type_array, "an array");
	if (!pts)
		return;
	n = json_object_array_length(pts);
	if (timeline_init(&s->tl, n ? n : 1)) {
		bad(c, "out of memory for %zu timeline points", n);
		return;
	}
	s->tl.samples = u64_max(c, tl, "samples", JSON_COUNT_MAX);
	s->tl.merge = u64_max(c, tl, "samples_per_point", JSON_COUNT_MAX);
	s->r.sample_ms = u64_max(c, tl, "sample_ms", 60000);
	s->r.peak_footprint_s = seconds(c, tl, "peak_footprint_time_s");
	c->where = "";
	for (i = 0; i < n && !c->failed; i++) {
		struct json_object *row = json_object_array_get_idx(pts, i);
		struct tl_sample *p = &s->tl.s[i];
		double v[P_NR] = { 0 };
		size_t len = json_type_array == json_object_get_type(row) ?
				     json_object_array_length(row) : 0;

		/* reports before unique memory have one column less */
		if (len != P_NR && len != P_UNIQUE) {
			bad(c, "timeline point %zu is not a row of %d numbers",
			    i, P_NR);
			return;
		}
		for (j = 0; j < len; j++) {
			if (!finite_number(json_object_array_get_idx(row, j),
					   &v[j]) || v[j] < 0 ||
			    v[j] > (j == P_T ? JSON_SECONDS_MAX :
					       (double)JSON_BYTES_MAX)) {
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
		p->unique = v[P_UNIQUE];
	}
	s->tl.n = n;
	s->r.timeline = &s->tl;
}

/* command: strings; attached_pids: pids. Each element is checked. */
static void read_command(struct ctx *c, struct json_object *doc,
			 struct saved_report *s)
{
	struct json_object *cmd = field(c, doc, "command", json_type_array,
					"an array of strings");
	struct json_object *pids = field(c, doc, "attached_pids",
					 json_type_array, "an array of pids");
	struct json_object *v;
	size_t i, n, npids;
	int64_t pid;

	if (!cmd || !pids)
		return;
	n = json_object_array_length(cmd);
	npids = json_object_array_length(pids);
	if (n > INT_MAX / 2 || npids > INT_MAX / 2) {
		bad(c, "field 'command' or 'attached_pids' is too long");
		return;
	}
	s->command = calloc(n + 1, sizeof(*s->command));
	s->targets = calloc(npids + 1, sizeof(*s->targets));
	if (!s->command || !s->targets) {
		bad(c, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(cmd, i);
		if (!json_object_is_type(v, json_type_string)) {
			bad(c, "field 'command[%zu]' is %s, expected a string",
			    i, v ? type_name(v) : "null");
			return;
		}
		s->command[i] = (char *)json_object_get_string(v);
	}
	for (i = 0; i < npids; i++) {
		v = json_object_array_get_idx(pids, i);
		if (!json_object_is_type(v, json_type_int) ||
		    (pid = json_object_get_int64(v)) < 1 ||
		    pid > JSON_PID_MAX) {
			bad(c, "field 'attached_pids[%zu]' is %s, expected a "
			       "pid from 1 to %d", i,
			    v ? type_name(v) : "null", JSON_PID_MAX);
			return;
		}
		s->targets[i] = (int)pid;
	}
	/* a saved attach has no command: the report says so by NULL */
	s->r.command = n ? s->command : NULL;
	s->r.command_argc = n;
	s->r.targets = s->targets;
	s->r.ntargets = npids;
}

/* Counts added after the first reports: optional. */
static void read_lost(struct ctx *c, struct json_object *doc,
		      struct tm_report *r)
{
	if (json_object_object_get_ex(doc, "lost_mms", NULL))
		r->lost_mms = u64_max(c, doc, "lost_mms", JSON_COUNT_MAX);
	if (json_object_object_get_ex(doc, "lost_ring_records", NULL))
		r->lost_ring = u64_max(c, doc, "lost_ring_records",
				       JSON_COUNT_MAX);
	if (json_object_object_get_ex(doc, "lost_peak_raises", NULL))
		r->lost_peak_raises = u64_max(c, doc, "lost_peak_raises",
					      JSON_COUNT_MAX);
	if (json_object_object_get_ex(doc, "counter_error_bytes", NULL))
		r->counter_error_pages = u64(c, doc, "counter_error_bytes") /
					 (r->page_size ? r->page_size : 4096);
}

static void read_cgroup(struct ctx *c, struct json_object *doc,
			struct tm_report *r)
{
	struct json_object *o;

	if (!json_object_object_get_ex(doc, "cgroup", &o))
		return;
	o = field(c, doc, "cgroup", json_type_object, "an object");
	if (!o)
		return;
	c->where = " in cgroup";
	r->cgroup.version = u64_max(c, o, "version", 2);
	if (!c->failed && r->cgroup.version < 1)
		bad(c, "field 'version' in cgroup is out of range, expected "
		       "1 or 2");
	r->cgroup.usage = u64(c, o, "peak_usage_bytes");
	r->cgroup.has_kmem = json_object_object_get_ex(o, "peak_kmem_bytes",
						       NULL);
	if (r->cgroup.has_kmem)
		r->cgroup.kmem = u64(c, o, "peak_kmem_bytes");
	c->where = "";
}

/* The memory cgroup's figures in "tree": optional (older reports). */
static void read_unique(struct ctx *c, struct json_object *doc,
			struct unique_result *u)
{
	struct json_object *tree, *at;

	if (!json_object_object_get_ex(doc, "tree", &tree) ||
	    !json_object_object_get_ex(tree, "memory_source", NULL))
		return;
	c->where = " in tree";
	read_fields(c, tree, json_unique_fields, json_unique_nfields, u);
	if (!c->failed && !is_null(tree, "unique_at_peak")) {
		at = field(c, tree, "unique_at_peak", json_type_object,
			   "an object or null");
		c->where = " in unique_at_peak";
		if (at)
			read_fields(c, at, json_unique_item_fields,
				    json_unique_item_nfields, &u->at_peak);
		u->valid = !c->failed;
	}
	c->where = "";
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
	struct ctx c = { .err = err, .errlen = errlen, .where = "" };
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
	if (!c.failed)
		s->r.exit_code = exit_code(&c, doc, "exit_code");
	v = field(&c, doc, "stop_reason", json_type_string, "a string");
	s->r.stop_reason = v ? json_object_get_string(v) : "";
	s->r.duration_s = seconds(&c, doc, "duration_s");
	s->r.kernel_maxrss = u64(&c, doc, "kernel_maxrss_bytes");
	s->r.lost_events = u64_max(&c, doc, "lost_events", JSON_COUNT_MAX);
	s->r.lost_procs = u64_max(&c, doc, "lost_processes", JSON_COUNT_MAX);
	s->r.page_size = u64_max(&c, doc, "page_size", 1UL << 30);
	if (!c.failed && (s->r.page_size < 512 ||
			  (s->r.page_size & (s->r.page_size - 1))))
		bad(&c, "field 'page_size' is out of range, expected a power "
			"of 2 from 512");
	read_lost(&c, doc, &s->r);
	read_object(&c, doc, "kernel_objects", json_kobj_fields,
		    json_kobj_nfields, &s->r.ksize);
	read_cgroup(&c, doc, &s->r);
	read_object(&c, doc, "tree", json_tree_fields, json_tree_nfields,
		    &s->r.tree);
	if (!c.failed)
		read_unique(&c, doc, &s->r.unique);
	if (!c.failed)
		read_procs(&c, doc, &s->r);
	if (!c.failed)
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
