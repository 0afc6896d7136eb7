// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/plot.c: tick steps, XML escaping, and the SVG chart,
 * parsed by a real XML parser (libxml2) and queried with XPath.
 */
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
#include <libxml/xmlversion.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include "output/plot.h"
#include "output/svg.h"

#define KIB 1024.0
#define MIB (1024.0 * KIB)
#define GIB (1024.0 * MIB)
#define SVG_NS "http://www.w3.org/2000/svg"

/* The chart's plot area (plot.c: 960 x 540, margins 80/180/56/56). */
#define AREA_X0 88.0
#define AREA_X1 936.0
#define AREA_Y0 78.0
#define AREA_Y1 484.0
/* process labels turn clockwise, the memory axis title the other way */
#define PROC_LABELS "//s:text[starts-with(@transform, 'rotate(90.0')]"

#define NPROCS 6
#define NPOINTS 50
#define PEAK_POINT 20

struct fixture {
	struct tm_report r;
	struct tm_proc procs[NPROCS];
	struct timeline tl;
	char *out;
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
	char text[512];
};

static char *command[] = { "make", "-j2", "all", NULL };

/* The first error libxml2 reports while parsing, for the failure message. */
static char parse_error[256];

/* libxml2 2.12 made the handler's error const */
#if LIBXML_VERSION >= 21200
#define XML_ERROR const xmlError
#else
#define XML_ERROR xmlError
#endif

static void on_xml_error(void *ctx, XML_ERROR *e)
{
	(void)ctx;
	if (!parse_error[0])
		snprintf(parse_error, sizeof(parse_error), "line %d: %s", e->line,
			 e->message ? e->message : "?");
}

/*
 * Six processes 100..105 (104's comm needs escaping, 102 still runs,
 * 103 is the smallest), 50 points 0.1 s apart whose footprint maxima
 * spike to the tree's peak at point 20 (2.00 s).
 */
static int setup(void **state)
{
	static const double fp_mib[NPROCS] = { 50, 10, 200, 5, 80, 30 };
	struct fixture *fx = calloc(1, sizeof(*fx));
	size_t i;

	if (!fx)
		return -1;
	/* filled by hand: the test links plot.o alone */
	fx->tl.s = calloc(TL_MAX_POINTS, sizeof(*fx->tl.s));
	if (!fx->tl.s)
		return -1;
	fx->tl.cap = TL_MAX_POINTS;
	fx->tl.merge = 1;
	fx->r.command = command;
	fx->r.command_argc = 3;
	fx->r.exit_code = 0;
	fx->r.duration_s = 5;
	fx->r.page_size = 4096;
	fx->r.procs = fx->procs;
	fx->r.nprocs = NPROCS;
	for (i = 0; i < NPROCS; i++) {
		struct tm_proc *p = &fx->procs[i];

		p->pid = 100 + i;
		p->ppid = i ? 100 : 1;
		snprintf(p->comm, sizeof(p->comm), "p%zu", 100 + i);
		p->peak_footprint = fp_mib[i] * MIB;
		p->peak_rss = p->peak_footprint / 2;
		p->start_s = 0.1 * i;
		p->end_s = p->start_s + 1;
		p->root = !i;
	}
	snprintf(fx->procs[4].comm, sizeof(fx->procs[4].comm), "<a&b>\"'");
	fx->procs[2].alive = true;
	fx->procs[2].end_s = 0;
	fx->procs[2].exit_code = -1;
	for (i = 0; i < NPOINTS; i++) {
		struct tl_sample s;

		memset(&s, 0, sizeof(s));
		s.t = 0.1 * i;
		s.anon = i * MIB;
		s.file = 2 * MIB;
		s.shmem = MIB;
		s.rss = s.anon + s.file + s.shmem;
		s.kmem = 512 * KIB;
		s.footprint = s.rss + s.kmem;
		s.max_rss = s.rss;
		s.max_footprint = s.footprint + (i == PEAK_POINT ? 100 * MIB : 0);
		fx->tl.s[fx->tl.n++] = s;
	}
	/* 20 + 3.5 + 100 MiB */
	fx->r.tree.peak_footprint = 123.5 * MIB;
	fx->r.tree.peak_rss = 23 * MIB;
	fx->r.timeline = &fx->tl;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	xmlXPathFreeContext(fx->xp);
	xmlFreeDoc(fx->doc);
	free(fx->out);
	free(fx->tl.s);
	free(fx);
	return 0;
}

/* The chart of fx->r, parsed: fx->doc and an XPath context with "s:". */
static void render(struct fixture *fx)
{
	size_t len = 0;
	FILE *f;

	xmlXPathFreeContext(fx->xp);
	xmlFreeDoc(fx->doc);
	free(fx->out);
	fx->out = NULL;
	f = open_memstream(&fx->out, &len);
	assert_non_null(f);
	plot_timeline(f, &fx->r, &fx->tl);
	assert_int_equal(fclose(f), 0);

	parse_error[0] = '\0';
	fx->doc = xmlReadMemory(fx->out, (int)len, "plot.svg", NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR |
					XML_PARSE_NOWARNING);
	if (!fx->doc)
		fail_msg("not well-formed XML (%s):\n%.2000s", parse_error, fx->out);
	fx->xp = xmlXPathNewContext(fx->doc);
	assert_non_null(fx->xp);
	assert_int_equal(xmlXPathRegisterNs(fx->xp, BAD_CAST "s",
					    BAD_CAST SVG_NS), 0);
}

static xmlXPathObjectPtr query(struct fixture *fx, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, fx->xp);

	if (!o)
		fail_msg("bad XPath expression %s", expr);
	return o;
}

static double number(struct fixture *fx, const char *expr)
{
	xmlXPathObjectPtr o = query(fx, expr);
	double v = xmlXPathCastToNumber(o);

	xmlXPathFreeObject(o);
	return v;
}

static int count(struct fixture *fx, const char *expr)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "count(%s)", expr);
	return (int)number(fx, buf);
}

/* The string value of expr (its first node's text), in fx->text. */
static const char *string(struct fixture *fx, const char *expr)
{
	xmlXPathObjectPtr o = query(fx, expr);
	xmlChar *s = xmlXPathCastToString(o);

	snprintf(fx->text, sizeof(fx->text), "%s", (const char *)s);
	xmlFree(s);
	xmlXPathFreeObject(o);
	return fx->text;
}

/* The nodes of expr; free with xmlXPathFreeObject. */
static xmlNodeSetPtr nodes(struct fixture *fx, const char *expr,
			   xmlXPathObjectPtr *o)
{
	*o = query(fx, expr);
	assert_int_equal((*o)->type, XPATH_NODESET);
	assert_non_null((*o)->nodesetval);
	return (*o)->nodesetval;
}

static double attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	double d;

	if (!v)
		fail_msg("<%s> without %s", (const char *)n->name, name);
	d = strtod((const char *)v, NULL);
	xmlFree(v);
	return d;
}

/* Every "x,y" of a points attribute lies in the plot area. */
static void expect_points_in_area(xmlNodePtr n, size_t want)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST "points");
	const char *p = (const char *)v;
	size_t got = 0;
	double x, y;
	int used;

	assert_non_null(v);
	while (sscanf(p, " %lf,%lf%n", &x, &y, &used) == 2) {
		if (x < AREA_X0 - 0.05 || x > AREA_X1 + 0.05 ||
		    y < AREA_Y0 - 0.05 || y > AREA_Y1 + 0.05)
			fail_msg("point %zu (%g,%g) outside the plot area", got,
				 x, y);
		got++;
		p += used;
	}
	assert_int_equal(strspn(p, " "), strlen(p));
	assert_int_equal(got, want);
	xmlFree(v);
}







static void test_plot_document(void **state)
{
	struct fixture *fx = *state;

	render(fx);
	assert_int_equal(count(fx, "/s:svg"), 1);
	assert_string_equal(string(fx, "/s:svg/@width"), "960");
	assert_string_equal(string(fx, "/s:svg/@height"), "540");
	assert_string_equal(string(fx, "/s:svg/@viewBox"), "0 0 960 540");
	/* self-contained: no scripts, links, images or style sheets */
	assert_int_equal(count(fx, "//s:script | //s:image | //s:style | "
				   "//s:foreignObject | //s:use"), 0);
	assert_int_equal(count(fx, "//@*[local-name() = 'href']"), 0);
	assert_null(strstr(fx->out, "url("));
	assert_null(strstr(strstr(fx->out, SVG_NS) + 1, "http"));
	/* every coordinate is a number */
	assert_null(strstr(fx->out, "nan"));
	assert_null(strstr(fx->out, "inf"));
}

static void test_plot_title(void **state)
{
	struct fixture *fx = *state;

	render(fx);
	assert_string_equal(string(fx, "(//s:text)[1]"), "make -j2 all");
	assert_string_equal(string(fx, "(//s:text)[2]"),
			    "memory of the process tree over time (taskmem); "
			    "dashed: the highest footprint between samples");
}

static void test_plot_layers(void **state)
{
	struct fixture *fx = *state;
	xmlXPathObjectPtr o;
	xmlNodeSetPtr ns;
	int i;

	render(fx);
	/* anon, file, shmem, kernel: each there and back */
	ns = nodes(fx, "//s:polygon", &o);
	assert_int_equal(ns->nodeNr, 4);
	for (i = 0; i < ns->nodeNr; i++)
		expect_points_in_area(ns->nodeTab[i], 2 * NPOINTS);
	xmlXPathFreeObject(o);
	ns = nodes(fx, "//s:polyline", &o);
	assert_int_equal(ns->nodeNr, 1);
	expect_points_in_area(ns->nodeTab[0], NPOINTS);
	xmlXPathFreeObject(o);
	/* the legend names them all */
	assert_int_equal(count(fx, "//s:text[. = 'anon' or . = 'file' or "
				   ". = 'shmem' or . = 'kernel memory']"), 4);
	assert_string_equal(string(fx, "//s:text[. = 'time']"), "time");
	assert_string_equal(string(fx, "//s:text[. = 'memory']"), "memory");
}


/* #14: with a memory cgroup, unique memory is a solid line over the layers. */
static void test_plot_unique(void **state)
{
	struct fixture *fx = *state;
	xmlXPathObjectPtr o;
	xmlNodeSetPtr ns;
	size_t i;

	for (i = 0; i < fx->tl.n; i++)
		fx->tl.s[i].unique = 10 * MIB + i;
	render(fx);
	ns = nodes(fx, "//s:polyline[@class = 'unique']", &o);
	assert_int_equal(ns->nodeNr, 1);
	expect_points_in_area(ns->nodeTab[0], NPOINTS);
	xmlXPathFreeObject(o);
	assert_string_equal(string(fx, "(//s:text)[2]"),
			    "memory of the process tree over time (taskmem); "
			    "dashed: the highest footprint between samples; "
			    "black: unique memory (each page once)");
}

/* The peak is marked where the highest maximum was sampled, with its value. */
static void test_plot_peak(void **state)
{
	struct fixture *fx = *state;
	struct svg_scale x, y;
	xmlXPathObjectPtr o;
	xmlNodeSetPtr ns;

	render(fx);
	assert_string_equal(string(fx, "//s:text[starts-with(., 'peak ')]"),
			    "peak 123.5 MiB at 2.00 s");
	ns = nodes(fx, "//s:circle", &o);
	assert_int_equal(ns->nodeNr, 1);
	/* where the chart's own scales put 2 s and 123.5 MiB */
	assert_int_equal(svg_scale_init(&x, 0, 5, AREA_X0, AREA_X1,
					SVG_UNIT_SECONDS, 10), 0);
	assert_int_equal(svg_scale_init(&y, 0, 123.5 * MIB * 1.1, AREA_Y1,
					AREA_Y0, SVG_UNIT_BYTES, 6), 0);
	assert_float_equal(attr(ns->nodeTab[0], "cx"), svg_scale_at(&x, 2),
			   0.05);
	assert_float_equal(attr(ns->nodeTab[0], "cy"),
			   svg_scale_at(&y, 123.5 * MIB), 0.1);
	xmlXPathFreeObject(o);
}

/* The five largest footprints, largest first: start (and exit) lines. */
static void test_plot_processes(void **state)
{
	static const char *const want[] = { "102 p102", "104 <a&b>\"'",
					    "100 p100", "105 p105", "101 p101" };
	struct fixture *fx = *state;
	struct svg_scale sc;
	xmlXPathObjectPtr o;
	xmlNodeSetPtr ns;
	char expr[128];
	size_t i;

	render(fx);
	ns = nodes(fx, PROC_LABELS, &o);
	assert_int_equal(ns->nodeNr, 5);
	for (i = 0; i < 5; i++) {
		xmlChar *t = xmlNodeGetContent(ns->nodeTab[i]);

		assert_string_equal((const char *)t, want[i]);
		xmlFree(t);
	}
	xmlXPathFreeObject(o);
	/* 103, the smallest, is not marked */
	assert_int_equal(count(fx, "//s:text[contains(., 'p103')]"), 0);
	/* green starts at 80 + 700 * start / 5 s; red exits but for 102 */
	assert_int_equal(count(fx, "//s:line[@stroke = '#2a2']"), 5);
	assert_int_equal(count(fx, "//s:line[@stroke = '#a22']"), 4);
	assert_int_equal(svg_scale_init(&sc, 0, 5, AREA_X0, AREA_X1,
					SVG_UNIT_SECONDS, 10), 0);
	for (i = 0; i < NPROCS; i++) {
		double x = svg_scale_at(&sc, fx->procs[i].start_s);

		snprintf(expr, sizeof(expr),
			 "//s:line[@stroke = '#2a2' and @x1 = '%.1f']", x);
		assert_int_equal(count(fx, expr), i == 3 ? 0 : 1);
	}
}

/* Nothing sampled yet: axes, legend and processes, no layers. */
static void test_plot_empty_timeline(void **state)
{
	struct fixture *fx = *state;

	fx->tl.n = 0;
	render(fx);
	assert_int_equal(count(fx, "//s:polygon | //s:polyline | //s:circle"),
			 0);
	assert_int_equal(count(fx, "//s:text[. = 'time']"), 1);
	assert_int_equal(count(fx, "//s:text[. = 'anon']"), 1);
	assert_null(strstr(fx->out, "nan"));
	assert_null(strstr(fx->out, "inf"));
}

/* One sample at 0 s of a run that took no time, nothing in memory. */
static void test_plot_zero_run(void **state)
{
	struct fixture *fx = *state;

	fx->tl.n = 1;
	memset(&fx->tl.s[0], 0, sizeof(fx->tl.s[0]));
	fx->r.duration_s = 0;
	fx->r.tree.peak_footprint = 0;
	fx->r.nprocs = 1;
	fx->procs[0].start_s = fx->procs[0].end_s = 0;
	render(fx);
	assert_int_equal(count(fx, "//s:polygon"), 4);
	assert_null(strstr(fx->out, "nan"));
	assert_null(strstr(fx->out, "inf"));
}

static void test_plot_no_processes(void **state)
{
	struct fixture *fx = *state;

	fx->r.nprocs = 0;
	render(fx);
	assert_int_equal(count(fx, PROC_LABELS), 0);
	assert_int_equal(count(fx, "//s:polygon"), 4);
}

/* A long series (the most points a timeline keeps) stays well-formed. */
static void test_plot_full_timeline(void **state)
{
	struct fixture *fx = *state;
	struct tl_sample s;
	xmlXPathObjectPtr o;
	xmlNodeSetPtr ns;
	size_t i;

	fx->tl.n = 0;
	for (i = 0; i < TL_MAX_POINTS; i++) {
		memset(&s, 0, sizeof(s));
		s.t = i * 0.01;
		s.anon = s.rss = (i % 100) * MIB;
		s.footprint = s.max_footprint = s.max_rss = s.rss;
		fx->tl.s[fx->tl.n++] = s;
	}
	assert_int_equal(fx->tl.n, TL_MAX_POINTS);
	fx->r.duration_s = 40.96;
	fx->r.tree.peak_footprint = 99 * MIB;
	render(fx);
	ns = nodes(fx, "//s:polyline", &o);
	assert_int_equal(ns->nodeNr, 1);
	expect_points_in_area(ns->nodeTab[0], TL_MAX_POINTS);
	xmlXPathFreeObject(o);
}

/* Attached (-p): the title names the targets, as the table's header does. */
static void test_plot_attached_title(void **state)
{
	static const int targets[] = { 4242, 4243 };
	struct fixture *fx = *state;

	fx->r.command = NULL;
	fx->r.command_argc = 0;
	fx->r.targets = targets;
	fx->r.ntargets = 2;
	render(fx);
	assert_string_equal(string(fx, "(//s:text)[1]"),
			    "attached to pid 4242,4243");
}

static void test_plot_title_escaped(void **state)
{
	static char arg[] = "echo '<b>' && cat \"x\"";
	char *argv[] = { "sh", "-c", arg, NULL };
	struct fixture *fx = *state;

	fx->r.command = argv;
	render(fx);
	assert_string_equal(string(fx, "(//s:text)[1]"),
			    "sh -c 'echo '\\''<b>'\\'' && cat \"x\"'");
}

/* A title up to 90 characters is whole; a longer one is cut to 90. */
static void test_plot_title_cut(void **state)
{
	struct fixture *fx = *state;
	char arg[300], want[100];
	char *argv[] = { "run", arg, NULL };

	fx->r.command = argv;
	fx->r.command_argc = 2;
	memset(arg, 'x', 86);
	arg[86] = '\0';		/* "run " + 86: exactly 90 */
	render(fx);
	assert_int_equal(strlen(string(fx, "(//s:text)[1]")), 90);
	assert_string_equal(fx->text + 4, arg);

	memset(arg, 'x', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';	/* longer than the title buffer */
	render(fx);
	snprintf(want, sizeof(want), "run %.83s...", arg);
	assert_string_equal(string(fx, "(//s:text)[1]"), want);
}

/* Cut inside a multibyte character, the title must stay well-formed. */
static void test_plot_title_cut_utf8(void **state)
{
	struct fixture *fx = *state;
	char arg[200];
	char *argv[] = { arg, NULL };
	size_t i;

	fx->r.command = argv;
	fx->r.command_argc = 1;
	/* 60 x "é": the 87th byte is the first half of the 44th */
	for (i = 0; i < 60; i++)
		memcpy(arg + 2 * i, "\xc3\xa9", 2);
	arg[120] = '\0';
	render(fx);
	assert_true(strlen(string(fx, "(//s:text)[1]")) <= 90);
}

/* A comm the kernel cut inside a character (see test_xml_text_cut_utf8). */
static void test_plot_comm_cut_utf8(void **state)
{
	struct fixture *fx = *state;

	snprintf(fx->procs[2].comm, sizeof(fx->procs[2].comm),
		 "memshap-\xc3\xa9\xc3\xa9\xc3\xa9\xc3");
	render(fx);
	assert_int_equal(count(fx, "//s:text[starts-with(., '102 memshap-')]"),
			 1);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_plot_document),
		TEST(test_plot_title),
		TEST(test_plot_layers),
		TEST(test_plot_unique),
		TEST(test_plot_peak),
		TEST(test_plot_processes),
		TEST(test_plot_empty_timeline),
		TEST(test_plot_zero_run),
		TEST(test_plot_no_processes),
		TEST(test_plot_full_timeline),
		TEST(test_plot_attached_title),
		TEST(test_plot_title_escaped),
		TEST(test_plot_title_cut),
		TEST(test_plot_title_cut_utf8),
		TEST(test_plot_comm_cut_utf8),
	};
	int failed;

	xmlSetStructuredErrorFunc(NULL, on_xml_error);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return failed;
}
