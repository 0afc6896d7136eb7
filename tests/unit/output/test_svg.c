// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/svg.c: the documents parse back as XML (libxml2),
 * text survives escaping, and scales have round ticks in human units.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "output/svg.h"

#define KIB 1024.0
#define MIB (1024.0 * KIB)
#define GIB (1024.0 * MIB)

/* A document being written to memory, and what it parsed into. */
struct doc {
	char *buf;
	size_t len;
	FILE *f;
	struct svg s;
	xmlDocPtr xml;
};

static void doc_begin(struct doc *d, const char *title)
{
	memset(d, 0, sizeof(*d));
	d->f = open_memstream(&d->buf, &d->len);
	assert_non_null(d->f);
	svg_begin(&d->s, d->f, 640, 400, title);
}

/* End the document and parse it: it must be well-formed SVG. */
static xmlNodePtr doc_end(struct doc *d)
{
	xmlNodePtr root;

	assert_int_equal(svg_end(&d->s), 0);
	assert_int_equal(fclose(d->f), 0);
	d->xml = xmlReadMemory(d->buf, (int)d->len, "test.svg", "UTF-8",
			       XML_PARSE_NONET);
	if (!d->xml)
		fail_msg("not well-formed XML:\n%s", d->buf);
	root = xmlDocGetRootElement(d->xml);
	assert_non_null(root);
	assert_string_equal((const char *)root->name, "svg");
	assert_non_null(root->ns);
	assert_string_equal((const char *)root->ns->href,
			    "http://www.w3.org/2000/svg");
	return root;
}

static void doc_free(struct doc *d)
{
	xmlFreeDoc(d->xml);
	free(d->buf);
}

/*
 * The text of every element called name below node, in document order,
 * each followed by '|'.
 */
static void collect(xmlNodePtr node, const char *name, char *out, size_t len)
{
	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)node->name, name)) {
			xmlChar *t = xmlNodeGetContent(node);

			strncat(out, (const char *)t, len - strlen(out) - 1);
			strncat(out, "|", len - strlen(out) - 1);
			xmlFree(t);
		}
		collect(node->children, name, out, len);
	}
}

/* The texts of the elements called name below root are want ("a|b|"). */
static void expect_texts(xmlNodePtr root, const char *name, const char *want)
{
	char texts[512] = "";

	collect(root, name, texts, sizeof(texts));
	assert_string_equal(texts, want);
}

/* How many elements called name are below node. */
static int count(xmlNodePtr node, const char *name)
{
	int n = 0;

	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		n += !strcmp((const char *)node->name, name);
		n += count(node->children, name);
	}
	return n;
}

static void test_document(void **state)
{
	static const struct svg_legend_item legend[] = {
		{ "footprint", "#c6dbef" },
		{ "RSS", "#6baed6" },
	};
	xmlChar *width;
	struct doc d;
	xmlNodePtr root;

	(void)state;
	doc_begin(&d, "Peak memory");
	svg_rect(&d.s, 10, 20, 30, 40, "#ff0000", NULL);
	svg_line(&d.s, 0, 0, 100, 100, "#000000", 1);
	svg_text(&d.s, 50, 50, SVG_MIDDLE, 12, "hello");
	svg_text_rotated(&d.s, 60, 60, -90, SVG_START, 10, "turned");
	svg_legend(&d.s, 10, 380, legend, 2);
	root = doc_end(&d);
	width = xmlGetProp(root, BAD_CAST "width");
	assert_string_equal((const char *)width, "640");
	xmlFree(width);
	/* the background, one rect, two legend swatches */
	assert_int_equal(count(root, "rect"), 4);
	assert_int_equal(count(root, "line"), 1);
	expect_texts(root, "text", "hello|turned|footprint|RSS|");
	expect_texts(root, "title", "Peak memory|");
	doc_free(&d);
}

/* Self-contained: nothing runs, nothing is fetched. */
static void test_self_contained(void **state)
{
	static const char *const banned[] = { "<script", "href", "url(",
					      "@import", "<style", "onload" };
	struct svg_scale sc;
	struct svg_area a = { 80, 40, 600, 340 };
	struct doc d;
	size_t i;

	(void)state;
	doc_begin(&d, "chart");
	assert_int_equal(svg_scale_init(&sc, 0, 5 * MIB, a.y1, a.y0,
					SVG_UNIT_BYTES, 5), 0);
	svg_axis_left(&d.s, &sc, &a, "bytes");
	svg_rect(&d.s, 100, 100, 10, 10, "#123456", "a tooltip");
	doc_end(&d);
	for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (strstr(d.buf, banned[i]))
			fail_msg("the SVG contains '%s'", banned[i]);
	doc_free(&d);
}

static void test_escaping(void **state)
{
	const char *nasty = "a<b & \"c\" 'd' > ]]> &amp; caf\xc3\xa9";
	struct doc d;
	xmlNodePtr root;

	(void)state;
	doc_begin(&d, nasty);
	svg_text(&d.s, 0, 10, SVG_START, 12, nasty);
	svg_rect(&d.s, 0, 0, 1, 1, "#000000", nasty);
	root = doc_end(&d);
	/* everything parses back to what was written */
	expect_texts(root, "text", "a<b & \"c\" 'd' > ]]> &amp; caf\xc3\xa9|");
	expect_texts(root, "title", "a<b & \"c\" 'd' > ]]> &amp; caf\xc3\xa9|"
				    "a<b & \"c\" 'd' > ]]> &amp; caf\xc3\xa9|");
	doc_free(&d);
}

/*
 * XML 1.0 cannot hold most control characters, and a file with bytes
 * that are not UTF-8 cannot be read at all: both become '?'.
 */
static void test_unwritable_characters(void **state)
{
	struct doc d;
	xmlNodePtr root;

	(void)state;
	doc_begin(&d, "comm cut in half: caf\xc3");
	svg_text(&d.s, 0, 10, SVG_START, 12, "a\x01" "b\x1b[0m\x7f");
	svg_text(&d.s, 0, 20, SVG_START, 12,
		 "\xff\xc3x\xed\xa0\x80 ok \xe2\x82\xac");
	svg_rect(&d.s, 0, 0, 1, 1, "#000000", "caf\xc3");
	root = doc_end(&d);
	expect_texts(root, "text", "a?b?[0m?|??x??? ok \xe2\x82\xac|");
	expect_texts(root, "title", "comm cut in half: caf?|caf?|");
	doc_free(&d);
}

static void test_escape_plain(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	svg_escape(f, "<&>\"'x");
	fclose(f);
	assert_string_equal(buf, "&lt;&amp;&gt;&quot;&apos;x");
	free(buf);
}

/* The labels of every tick of sc, each followed by '|'. */
static void tick_labels(const struct svg_scale *sc, char *out, size_t len)
{
	char label[32];
	double v;

	out[0] = '\0';
	for (v = sc->lo; v <= sc->hi + sc->step / 2; v += sc->step) {
		svg_scale_label(sc, v, label, sizeof(label));
		strncat(out, label, len - strlen(out) - 1);
		strncat(out, "|", len - strlen(out) - 1);
	}
}

static void expect_ticks(double lo, double hi, enum svg_unit unit, int max,
			 const char *want)
{
	struct svg_scale sc;
	char labels[512];

	assert_int_equal(svg_scale_init(&sc, lo, hi, 300, 0, unit, max), 0);
	tick_labels(&sc, labels, sizeof(labels));
	assert_string_equal(labels, want);
	/* the data fits, and the steps are no more than asked for */
	assert_true(sc.lo <= lo && sc.hi >= hi);
	assert_true((sc.hi - sc.lo) / sc.step <= max + 1e-9);
}

static void test_scale_bytes(void **state)
{
	(void)state;
	expect_ticks(0, 31.34 * MIB, SVG_UNIT_BYTES, 6,
		     "0|10 MiB|20 MiB|30 MiB|40 MiB|");
	expect_ticks(0, 2.6 * GIB, SVG_UNIT_BYTES, 6,
		     "0|0.5 GiB|1.0 GiB|1.5 GiB|2.0 GiB|2.5 GiB|3.0 GiB|");
	expect_ticks(0, 3000, SVG_UNIT_BYTES, 6,
		     "0|0.5 KiB|1.0 KiB|1.5 KiB|2.0 KiB|2.5 KiB|3.0 KiB|");
	expect_ticks(0, 900 * MIB, SVG_UNIT_BYTES, 5,
		     "0|200 MiB|400 MiB|600 MiB|800 MiB|1000 MiB|");
	expect_ticks(0, 20 * KIB, SVG_UNIT_BYTES, 4,
		     "0|5 KiB|10 KiB|15 KiB|20 KiB|");
}

static void test_scale_whole_bytes(void **state)
{
	(void)state;
	/* no fractions of a byte */
	expect_ticks(0, 3, SVG_UNIT_BYTES, 6, "0|1 B|2 B|3 B|");
	expect_ticks(0, 0, SVG_UNIT_BYTES, 6, "0|1 B|");
}

static void test_scale_negative(void **state)
{
	(void)state;
	expect_ticks(-30, 120, SVG_UNIT_NUMBER, 5, "-50|0|50|100|150|");
	expect_ticks(-2 * KIB, 12 * KIB, SVG_UNIT_BYTES, 7,
		     "-2 KiB|0|2 KiB|4 KiB|6 KiB|8 KiB|10 KiB|12 KiB|");
}

static void test_scale_seconds(void **state)
{
	(void)state;
	expect_ticks(0, 2.3, SVG_UNIT_SECONDS, 5,
		     "0|0.5 s|1.0 s|1.5 s|2.0 s|2.5 s|");
	expect_ticks(0, 0.07, SVG_UNIT_SECONDS, 4,
		     "0|0.02 s|0.04 s|0.06 s|0.08 s|");
	expect_ticks(0, 600, SVG_UNIT_SECONDS, 6,
		     "0|100 s|200 s|300 s|400 s|500 s|600 s|");
}

static void test_scale_numbers(void **state)
{
	(void)state;
	expect_ticks(0, 1000000, SVG_UNIT_NUMBER, 5,
		     "0|200000|400000|600000|800000|1000000|");
	/* a single value gets a span of itself */
	expect_ticks(3, 3, SVG_UNIT_NUMBER, 4, "3|4|5|6|");
}

static void test_scale_at(void **state)
{
	struct svg_scale sc;

	(void)state;
	/* vertical: values grow upwards, from pixel 300 to pixel 100 */
	assert_int_equal(svg_scale_init(&sc, 0, 100, 300, 100, SVG_UNIT_NUMBER,
					5), 0);
	assert_float_equal(svg_scale_at(&sc, 0), 300, 1e-9);
	assert_float_equal(svg_scale_at(&sc, 100), 100, 1e-9);
	assert_float_equal(svg_scale_at(&sc, 50), 200, 1e-9);
	/* horizontal */
	assert_int_equal(svg_scale_init(&sc, 0, 10, 80, 580, SVG_UNIT_SECONDS,
					5), 0);
	assert_float_equal(svg_scale_at(&sc, 5), 330, 1e-9);
}

static void test_scale_invalid(void **state)
{
	struct svg_scale sc;

	(void)state;
	assert_int_equal(svg_scale_init(&sc, 2, 1, 0, 1, SVG_UNIT_NUMBER, 5),
			 -EINVAL);
	assert_int_equal(svg_scale_init(&sc, 0, NAN, 0, 1, SVG_UNIT_NUMBER, 5),
			 -EINVAL);
	assert_int_equal(svg_scale_init(&sc, NAN, 1, 0, 1, SVG_UNIT_NUMBER, 5),
			 -EINVAL);
	assert_int_equal(svg_scale_init(&sc, 0, INFINITY, 0, 1,
					SVG_UNIT_NUMBER, 5), -EINVAL);
	assert_int_equal(svg_scale_init(&sc, 0, 1, 0, 1, SVG_UNIT_NUMBER, 0),
			 -EINVAL);
}

static void test_axes(void **state)
{
	struct svg_area a = { 80, 40, 600, 340 };
	struct svg_scale y, x;
	struct doc d;
	xmlNodePtr root;

	(void)state;
	assert_int_equal(svg_scale_init(&y, 0, 31.34 * MIB, a.y1, a.y0,
					SVG_UNIT_BYTES, 6), 0);
	assert_int_equal(svg_scale_init(&x, 0, 2.3, a.x0, a.x1,
					SVG_UNIT_SECONDS, 5), 0);
	doc_begin(&d, "axes");
	svg_axis_left(&d.s, &y, &a, "peak memory");
	svg_axis_bottom(&d.s, &x, &a, "time");
	root = doc_end(&d);
	expect_texts(root, "text", "0|10 MiB|20 MiB|30 MiB|40 MiB|peak memory|"
				   "0|0.5 s|1.0 s|1.5 s|2.0 s|2.5 s|time|");
	/* a grid line a tick, and the two axis lines */
	assert_int_equal(count(root, "line"), 5 + 6 + 2);
	doc_free(&d);
}

static void test_write_error(void **state)
{
	struct svg s;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	svg_begin(&s, f, 10, 10, "full");
	assert_int_equal(svg_end(&s), -EIO);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_self_contained),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_unwritable_characters),
		cmocka_unit_test(test_escape_plain),
		cmocka_unit_test(test_scale_bytes),
		cmocka_unit_test(test_scale_whole_bytes),
		cmocka_unit_test(test_scale_negative),
		cmocka_unit_test(test_scale_seconds),
		cmocka_unit_test(test_scale_numbers),
		cmocka_unit_test(test_scale_at),
		cmocka_unit_test(test_scale_invalid),
		cmocka_unit_test(test_axes),
		cmocka_unit_test(test_write_error),
	};
	int ret = cmocka_run_group_tests(tests, NULL, NULL);

	xmlCleanupParser();
	return ret;
}
