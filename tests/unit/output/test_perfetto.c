// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/perfetto.c: the Chrome trace-event JSON, read back
 * with a strict JSON parser (json-c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "output/perfetto.h"

#define MIB (1024ULL * 1024ULL)
#define NPROCS 3

struct fixture {
	struct tm_report r;
	struct tm_proc procs[NPROCS];
	char *out;
	size_t len;
	FILE *f;
	struct perfetto p;
	struct json_object *doc;
};

/*
 * 100 (root, 0 to 2 s, exit 0), 101 (0.5 s to 1.25 s, killed) and 102
 * (from 1 s, still running when tracing stopped at 3 s).
 */
static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	size_t i;

	if (!fx)
		return -1;
	fx->r.duration_s = 3;
	fx->r.procs = fx->procs;
	fx->r.nprocs = NPROCS;
	for (i = 0; i < NPROCS; i++) {
		struct tm_proc *p = &fx->procs[i];

		p->pid = 100 + i;
		p->ppid = i ? 100 : 1;
		snprintf(p->comm, sizeof(p->comm), "p%zu", 100 + i);
		p->peak_rss = (i + 1) * 10 * MIB;
		p->peak_footprint = p->peak_rss + MIB;
	}
	fx->procs[0].root = true;
	fx->procs[0].end_s = 2;
	fx->procs[1].start_s = 0.5;
	fx->procs[1].end_s = 1.25;
	fx->procs[1].exit_code = 137;
	fx->procs[2].start_s = 1;
	fx->procs[2].alive = true;
	fx->procs[2].exit_code = -1;
	fx->f = open_memstream(&fx->out, &fx->len);
	if (!fx->f)
		return -1;
	perfetto_begin(&fx->p, fx->f);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->f)
		fclose(fx->f);
	json_object_put(fx->doc);
	free(fx->out);
	free(fx);
	return 0;
}

static void counter(struct fixture *fx, double t, uint32_t pid, uint64_t rss,
		    uint64_t kmem)
{
	struct tl_sample s;

	memset(&s, 0, sizeof(s));
	s.t = t;
	s.pid = pid;
	s.rss = s.anon = rss;
	s.kmem = kmem;
	s.footprint = rss + kmem;
	s.max_rss = rss;
	s.max_footprint = s.footprint;
	snprintf(s.comm, sizeof(s.comm), "p%u", pid);
	perfetto_counter(&fx->p, &s);
}

/* End the trace and parse it strictly: one JSON document, nothing after. */
static struct json_object *finish(struct fixture *fx)
{
	struct json_tokener *tok = json_tokener_new();
	enum json_tokener_error err;
	size_t end;

	perfetto_end(&fx->p, &fx->r);
	assert_int_equal(fclose(fx->f), 0);
	fx->f = NULL;
	assert_non_null(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	fx->doc = json_tokener_parse_ex(tok, fx->out, (int)fx->len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!fx->doc || err != json_tokener_success)
		fail_msg("invalid JSON at offset %zu (%s):\n%s", end,
			 json_tokener_error_desc(err), fx->out);
	assert_int_equal(strspn(fx->out + end, " \n"), fx->len - end);
	assert_true(json_object_is_type(fx->doc, json_type_object));
	return fx->doc;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no key '%s' in %s", key, json_object_to_json_string(o));
	return v;
}

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	assert_true(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static int64_t get_int(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

static double get_number(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	assert_true(json_object_is_type(v, json_type_double) ||
		    json_object_is_type(v, json_type_int));
	return json_object_get_double(v);
}

static struct json_object *events(struct fixture *fx)
{
	struct json_object *ev = get(fx->doc, "traceEvents");

	assert_true(json_object_is_type(ev, json_type_array));
	return ev;
}

/* The n-th event (from 0) of phase ph for pid, or NULL. */
static struct json_object *event(struct fixture *fx, const char *ph,
				 uint32_t pid, size_t n)
{
	struct json_object *ev = events(fx);
	size_t i;

	for (i = 0; i < json_object_array_length(ev); i++) {
		struct json_object *e = json_object_array_get_idx(ev, i);

		if (strcmp(get_string(e, "ph"), ph) ||
		    get_int(e, "pid") != pid)
			continue;
		if (!n--)
			return e;
	}
	return NULL;
}

static size_t count(struct fixture *fx, const char *ph)
{
	struct json_object *ev = events(fx);
	size_t i, n = 0;

	for (i = 0; i < json_object_array_length(ev); i++)
		if (!strcmp(get_string(json_object_array_get_idx(ev, i), "ph"),
			    ph))
			n++;
	return n;
}

static void test_empty(void **state)
{
	struct fixture *fx = *state;

	fx->r.nprocs = 0;
	finish(fx);
	assert_string_equal(get_string(fx->doc, "displayTimeUnit"), "ms");
	/* the tree's name, nothing else */
	assert_int_equal(json_object_array_length(events(fx)), 1);
	assert_int_equal(count(fx, "M"), 1);
}

static void test_counters(void **state)
{
	struct fixture *fx = *state;
	struct json_object *e, *args;

	counter(fx, 0, 0, MIB, 4096);
	counter(fx, 0, 100, MIB, 4096);
	counter(fx, 0.5, 0, 30 * MIB, 65536);
	counter(fx, 0.5, 100, 10 * MIB, 32768);
	counter(fx, 0.5, 101, 20 * MIB, 32768);
	finish(fx);
	assert_int_equal(count(fx, "C"), 5);

	e = event(fx, "C", 0, 1);
	assert_non_null(e);
	assert_string_equal(get_string(e, "name"), "memory");
	/* microseconds */
	assert_float_equal(get_number(e, "ts"), 500000, 0.001);
	args = get(e, "args");
	assert_int_equal(get_int(args, "rss_bytes"), 30 * MIB);
	assert_int_equal(get_int(args, "kernel_bytes"), 65536);

	e = event(fx, "C", 101, 0);
	assert_non_null(e);
	assert_float_equal(get_number(e, "ts"), 500000, 0.001);
	assert_int_equal(get_int(get(e, "args"), "rss_bytes"), 20 * MIB);
	assert_null(event(fx, "C", 101, 1));
	assert_null(event(fx, "C", 102, 0));
}

/* Counters keep their order and sub-microsecond times. */
static void test_counter_times(void **state)
{
	struct fixture *fx = *state;
	size_t i;

	for (i = 0; i < 100; i++)
		counter(fx, i * 0.0105, 0, i * MIB, 0);
	finish(fx);
	for (i = 0; i < 100; i++) {
		struct json_object *e = event(fx, "C", 0, i);

		assert_non_null(e);
		assert_float_equal(get_number(e, "ts"), i * 10500.0, 0.001);
		assert_int_equal(get_int(get(e, "args"), "rss_bytes"), i * MIB);
	}
}

/* A name for the tree and each process, a slice per process lifetime. */
static void test_names_and_slices(void **state)
{
	static const double start[NPROCS] = { 0, 0.5, 1 };
	/* 102 still runs: its slice lasts until tracing stopped, 3 s */
	static const double dur[NPROCS] = { 2, 0.75, 2 };
	struct fixture *fx = *state;
	struct json_object *e, *args;
	size_t i;

	counter(fx, 0, 0, MIB, 0);
	finish(fx);
	e = event(fx, "M", 0, 0);
	assert_non_null(e);
	assert_string_equal(get_string(e, "name"), "process_name");
	assert_string_equal(get_string(get(e, "args"), "name"), "(tree)");
	assert_int_equal(count(fx, "X"), NPROCS);
	assert_int_equal(count(fx, "M"), NPROCS + 1);
	for (i = 0; i < NPROCS; i++) {
		const struct tm_proc *p = &fx->procs[i];

		e = event(fx, "M", p->pid, 0);
		assert_non_null(e);
		assert_string_equal(get_string(e, "name"), "process_name");
		assert_string_equal(get_string(get(e, "args"), "name"), p->comm);
		assert_null(event(fx, "M", p->pid, 1));

		e = event(fx, "X", p->pid, 0);
		assert_non_null(e);
		assert_null(event(fx, "X", p->pid, 1));
		assert_string_equal(get_string(e, "name"), p->comm);
		assert_int_equal(get_int(e, "tid"), p->pid);
		assert_float_equal(get_number(e, "ts"), start[i] * 1e6, 0.001);
		assert_float_equal(get_number(e, "dur"), dur[i] * 1e6, 0.001);
		args = get(e, "args");
		assert_int_equal(get_int(args, "peak_rss_bytes"), p->peak_rss);
		assert_int_equal(get_int(args, "peak_footprint_bytes"),
				 p->peak_footprint);
	}
}

/* A comm with JSON's special characters, one cut inside a character. */
static void test_names_escaped(void **state)
{
	struct fixture *fx = *state;
	struct json_object *e;

	snprintf(fx->procs[0].comm, sizeof(fx->procs[0].comm), "a\"b\\c\td");
	snprintf(fx->procs[1].comm, sizeof(fx->procs[1].comm),
		 "memshap-\xc3\xa9\xc3\xa9\xc3\xa9\xc3");
	finish(fx);
	e = event(fx, "M", 100, 0);
	assert_non_null(e);
	assert_string_equal(get_string(get(e, "args"), "name"), "a\"b\\c\td");
	assert_string_equal(get_string(event(fx, "X", 100, 0), "name"),
			    "a\"b\\c\td");
	/* the half character is replaced, the rest kept */
	e = event(fx, "M", 101, 0);
	assert_non_null(e);
	assert_string_equal(get_string(get(e, "args"), "name"),
			    "memshap-\xc3\xa9\xc3\xa9\xc3\xa9\xef\xbf\xbd");
}

/* A process that ended before it started (clock skew) lasts 0, not < 0. */
static void test_slice_never_negative(void **state)
{
	struct fixture *fx = *state;

	fx->procs[1].end_s = 0.25;
	finish(fx);
	assert_float_equal(get_number(event(fx, "X", 101, 0), "dur"), 0, 0);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_empty),
		TEST(test_counters),
		TEST(test_counter_times),
		TEST(test_names_and_slices),
		TEST(test_names_escaped),
		TEST(test_slice_never_negative),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
