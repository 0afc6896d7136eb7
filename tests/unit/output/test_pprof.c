// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/output/pprof.c and flame.c: the profile is read back
 * (gunzip, then a small protobuf decoder), the folded lines and the flame
 * graph are checked as text, the graph also parsed as XML (libxml2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>
#include <libxml/parser.h>
#include "output/pprof.h"

static void two_stacks(struct stacks *st)
{
	const char *keep[] = { "prog", "main", "keeper" };
	const char *gone[] = { "prog", "main", "a<b&c\"x'" };
	uint32_t k, g;

	memset(st, 0, sizeof(*st));
	k = stacks_intern_names(st, keep, 3);
	g = stacks_intern_names(st, gone, 3);
	st->v[k].v[STACK_PEAK] = 300;
	st->v[k].v[STACK_FAULTED] = 310;
	st->v[g].v[STACK_FAULTED] = 200;
	st->v[g].v[STACK_KERNEL] = 7;
}

/* f's whole content, as written. */
static char *contents(FILE *f, size_t *n)
{
	char *buf;

	fflush(f);
	*n = ftell(f);
	buf = malloc(*n + 1);
	assert_non_null(buf);
	rewind(f);
	assert_int_equal(fread(buf, 1, *n, f), *n);
	buf[*n] = '\0';
	return buf;
}

static uint64_t varint(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;
	int shift = 0;

	while (*p < end) {
		uint8_t b = *(*p)++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
	fail_msg("truncated varint");
	return 0;
}

struct decoded {
	char *strings[64];
	int nstrings;
	uint64_t values[8][3];	/* per sample */
	uint64_t leaf[8];	/* location id of each sample's first frame */
	int nsamples;
	int nlocations;
	int nfunctions;
	uint64_t period;
};

static void decode_sample(struct decoded *d, const uint8_t *p,
			  const uint8_t *end)
{
	int n = d->nsamples++;

	while (p < end) {
		uint64_t key = varint(&p, end), len = varint(&p, end);
		const uint8_t *sub = p, *stop = p + len;
		int i = 0;

		assert_int_equal(key & 7, 2);
		if ((key >> 3) == 1)
			d->leaf[n] = varint(&sub, stop);
		while ((key >> 3) == 2 && sub < stop)
			d->values[n][i++] = varint(&sub, stop);
		p = stop;
	}
}

static void decode(struct decoded *d, const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;

	memset(d, 0, sizeof(*d));
	while (p < end) {
		uint64_t key = varint(&p, end), field = key >> 3, len;

		if ((key & 7) == 0) {
			len = varint(&p, end);
			if (field == 12)
				d->period = len;
			continue;
		}
		assert_int_equal(key & 7, 2);
		len = varint(&p, end);
		assert_true(len <= (uint64_t)(end - p));
		if (field == 6 && d->nstrings < 64)
			d->strings[d->nstrings++] = strndup((const char *)p, len);
		if (field == 2)
			decode_sample(d, p, p + len);
		d->nlocations += field == 4;
		d->nfunctions += field == 5;
		p += len;
	}
}

static void test_pprof_reads_back(void **state)
{
	struct stacks st;
	struct decoded d;
	z_stream z = {};
	uint8_t out[65536];
	size_t n;
	char *gz;
	FILE *f = tmpfile();
	int i;

	(void)state;
	two_stacks(&st);
	assert_int_equal(pprof_write(f, &st, 524288, 1), 0);
	gz = contents(f, &n);
	assert_true(n > 18 && (uint8_t)gz[0] == 0x1f && (uint8_t)gz[1] == 0x8b);
	assert_int_equal(inflateInit2(&z, 15 + 32), Z_OK);
	z.next_in = (uint8_t *)gz;
	z.avail_in = n;
	z.next_out = out;
	z.avail_out = sizeof(out);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	decode(&d, out, sizeof(out) - z.avail_out);
	inflateEnd(&z);

	/* "", the 4 names, then the sample types and units */
	assert_int_equal(d.nstrings, 1 + 4 + 5);
	assert_string_equal(d.strings[0], "");
	assert_string_equal(d.strings[3], "keeper");
	assert_string_equal(d.strings[4], "a<b&c\"x'");
	assert_string_equal(d.strings[5], "peak_bytes");
	assert_string_equal(d.strings[7], "kernel_bytes");
	assert_int_equal(d.nlocations, 4);
	assert_int_equal(d.nfunctions, 4);
	assert_int_equal(d.period, 524288);
	assert_int_equal(d.nsamples, 2);
	/* leaf first: location ids are name ids + 1 */
	assert_int_equal(d.leaf[0], 3);
	assert_int_equal(d.values[0][0], 300);
	assert_int_equal(d.values[0][1], 310);
	assert_int_equal(d.values[1][2], 7);
	for (i = 0; i < d.nstrings; i++)
		free(d.strings[i]);
	free(gz);
	fclose(f);
	stacks_free(&st);
}

static void test_folded(void **state)
{
	struct stacks st;
	FILE *f = tmpfile();
	size_t n;
	char *text;

	(void)state;
	two_stacks(&st);
	assert_int_equal(folded_write(f, &st), 0);
	text = contents(f, &n);
	/* only stacks with at-peak bytes */
	assert_string_equal(text, "prog;main;keeper 300\n");
	free(text);
	fclose(f);
	stacks_free(&st);
}

static void test_flame(void **state)
{
	xmlDocPtr doc;
	struct stacks st;
	FILE *f = tmpfile();
	size_t n;
	char *text;

	(void)state;
	two_stacks(&st);
	st.v[1].v[STACK_PEAK] = 100;
	assert_int_equal(flame_write(f, &st, "t"), 0);
	text = contents(f, &n);
	assert_non_null(strstr(text, "<title>keeper: 0.0 MiB (75.0%)</title>"));
	/* names are escaped, never raw markup, in text and attributes */
	assert_non_null(strstr(text, "a&lt;b&amp;c&quot;x&apos;"));
	assert_non_null(strstr(text, "data-n=\"a&lt;b&amp;c&quot;x&apos;\""));
	assert_null(strstr(text, "a<b"));
	/* each frame tells the zoom script its place: main spans the graph */
	assert_non_null(strstr(text, "data-x=\"10.000\" data-w=\"1180.000\" "
				     "data-d=\"1\""));
	/* the script and its controls, once */
	assert_non_null(strstr(text, "<script><![CDATA["));
	assert_null(strstr(strstr(text, "<script>") + 1, "<script>"));
	assert_non_null(strstr(text, "id=\"reset\""));
	assert_non_null(strstr(text, "id=\"search\""));
	assert_non_null(strstr(text, "</svg>"));
	doc = xmlReadMemory(text, (int)n, "flame.svg", NULL, XML_PARSE_NONET);
	if (!doc)
		fail_msg("the flame graph is not well-formed:\n%s", text);
	xmlFreeDoc(doc);
	free(text);
	fclose(f);
	stacks_free(&st);
}

/* Kernel memory under a stack: the same frames and one leaf more. */
static void test_stack_with_leaf(void **state)
{
	struct stacks st;
	uint32_t leafed, again;

	(void)state;
	two_stacks(&st);
	leafed = stacks_with_leaf(&st, 0, "[kernel] page tables");
	assert_int_equal(leafed, 2);
	assert_int_equal(st.v[leafed].n, 4);
	assert_memory_equal(st.v[leafed].frames, st.v[0].frames,
			    3 * sizeof(uint32_t));
	assert_string_equal(st.names.s[st.v[leafed].frames[3]],
			    "[kernel] page tables");
	/* interned: asked again, the same stack */
	again = stacks_with_leaf(&st, 0, "[kernel] page tables");
	assert_int_equal(again, leafed);
	assert_int_equal(st.n, 3);
	assert_int_equal(stacks_with_leaf(&st, 7, "x"), UINT32_MAX);
	stacks_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pprof_reads_back),
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_flame),
		cmocka_unit_test(test_stack_with_leaf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
