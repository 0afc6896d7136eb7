// SPDX-License-Identifier: GPL-2.0
/* Folded stacks and the flame graph of a memory profile's at-peak bytes. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "output/pprof.h"
#include "output/svg.h"

static const struct stacks *sort_st;

/* Root first, frame by frame: the order of the folded lines. */
static int by_frames(const void *x, const void *y)
{
	const struct stack *a = &sort_st->v[*(const size_t *)x];
	const struct stack *b = &sort_st->v[*(const size_t *)y];
	uint32_t i;
	int c;

	for (i = 0; i < a->n && i < b->n; i++) {
		c = strcmp(sort_st->names.s[a->frames[i]],
			   sort_st->names.s[b->frames[i]]);
		if (c)
			return c;
	}
	return (a->n > b->n) - (a->n < b->n);
}

/* Indices of the stacks with at-peak bytes, in folded order. */
static size_t *peak_order(const struct stacks *st, size_t *n)
{
	size_t *idx = malloc((st->n ? st->n : 1) * sizeof(*idx)), i;

	*n = 0;
	if (!idx)
		return NULL;
	for (i = 0; i < st->n; i++)
		if (st->v[i].v[STACK_PEAK])
			idx[(*n)++] = i;
	sort_st = st;
	qsort(idx, *n, sizeof(*idx), by_frames);
	return idx;
}

int folded_write(FILE *f, const struct stacks *st)
{
	size_t n, i;
	size_t *idx = peak_order(st, &n);
	uint32_t j;

	if (!idx)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct stack *s = &st->v[idx[i]];

		for (j = 0; j < s->n; j++)
			fprintf(f, "%s%s", j ? ";" : "",
				st->names.s[s->frames[j]]);
		fprintf(f, " %" PRIu64 "\n", s->v[STACK_PEAK]);
	}
	free(idx);
	return ferror(f) ? -EIO : 0;
}

#define FLAME_WIDTH 1200.0
#define FRAME_H 17.0
#define PAD 10.0
#define TOP 40.0
#define FONT 11.0
#define CHAR_W 6.6	/* average width of a FONT-sized character */
#define MIN_W 0.3	/* frames narrower than this are left out */

struct flame {
	struct svg svg;
	const struct stacks *st;
	const size_t *idx;
	double total;
	double height;
	uint32_t depth;
};

static uint32_t max_depth(const struct stacks *st, const size_t *idx, size_t n)
{
	uint32_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (st->v[idx[i]].n > d)
			d = st->v[idx[i]].n;
	return d;
}

/* Warm colours for code, blue for kernel objects, stable per name. */
static void frame_colour(const char *name, char *buf, size_t len)
{
	unsigned h = 5381;
	const char *c;

	for (c = name; *c; c++)
		h = h * 33 + (unsigned char)*c;
	if (!strncmp(name, "[kernel", 7))
		snprintf(buf, len, "rgb(%u,%u,230)", 80 + h % 60, 140 + h % 50);
	else
		snprintf(buf, len, "rgb(%u,%u,%u)", 205 + h % 50,
			 80 + (h >> 8) % 130, 40 + (h >> 16) % 40);
}

static void frame_draw(struct flame *fl, uint32_t depth, uint32_t name,
		       uint64_t bytes, double x)
{
	const char *text = fl->st->names.s[name];
	double w = bytes / fl->total * (FLAME_WIDTH - 2 * PAD);
	double y = fl->height - PAD - (depth + 1) * FRAME_H;
	char colour[32], tip[512], label[256];
	size_t fit;

	if (w < MIN_W)
		return;
	frame_colour(text, colour, sizeof(colour));
	snprintf(tip, sizeof(tip), "%s: %.1f MiB (%.1f%%)", text,
		 bytes / 1048576.0, 100.0 * bytes / fl->total);
	/* where the zoom script finds the frame's place, name and colour */
	fprintf(fl->svg.f, "<g class=\"f\" data-x=\"%.3f\" data-w=\"%.3f\" "
		"data-d=\"%u\" data-c=\"%s\" data-n=\"", x, w, depth, colour);
	svg_escape(fl->svg.f, text);
	fprintf(fl->svg.f, "\">");
	svg_rect(&fl->svg, x, y, w - 0.5, FRAME_H - 1, colour, tip);
	fit = (size_t)((w - 6) / CHAR_W);
	label[0] = 0;
	if (fit >= 3) {
		snprintf(label, sizeof(label), "%s", text);
		if (strlen(label) > fit)
			strcpy(label + fit - 2, "..");
	}
	/* an empty label too: zooming in may give it room */
	svg_text(&fl->svg, x + 3, y + FRAME_H - 5, SVG_START, FONT, label);
	fprintf(fl->svg.f, "</g>\n");
}

/*
 * The stacks idx[lo..hi) share their first depth frames; draw the frame
 * at depth for each run of equal names, then recurse into the run.
 */
static void draw_level(struct flame *fl, size_t lo, size_t hi,
		       uint32_t depth, double x)
{
	const struct stacks *st = fl->st;

	while (lo < hi) {
		const struct stack *s = &st->v[fl->idx[lo]];
		uint64_t bytes = 0;
		size_t end = lo;
		uint32_t name;

		if (s->n <= depth) {
			x += s->v[STACK_PEAK] / fl->total *
			     (FLAME_WIDTH - 2 * PAD);
			lo++;
			continue;
		}
		name = s->frames[depth];
		while (end < hi && st->v[fl->idx[end]].n > depth &&
		       st->v[fl->idx[end]].frames[depth] == name)
			bytes += st->v[fl->idx[end++]].v[STACK_PEAK];
		frame_draw(fl, depth, name, bytes, x);
		draw_level(fl, lo, end, depth + 1, x);
		x += bytes / fl->total * (FLAME_WIDTH - 2 * PAD);
		lo = end;
	}
}

/*
 * Zoom and search, for a browser that opens the SVG on its own (an <img>
 * runs no script and shows the plain graph). Click a frame: it and what it
 * called fill the width, its callers span it, the rest hides; "Reset zoom"
 * undoes it. "Search" takes a regular expression, colours the frames whose
 * name matches and says what share of the bytes they hold. Names are read
 * from attributes and written as text, never as markup.
 */
static const char flame_script[] =
	"<script><![CDATA[\n"
	"(function () {\n"
	"var W = %.1f, P = %.1f, CW = %.1f, all = W - 2 * P;\n"
	"var gs = [].slice.call(document.querySelectorAll('g.f'));\n"
	"var reset = document.getElementById('reset');\n"
	"var found = document.getElementById('found');\n"
	"function num(g, a) { return +g.getAttribute(a); }\n"
	"function label(g, w) {\n"
	"  var n = g.getAttribute('data-n'), fit = Math.floor((w - 6) / CW);\n"
	"  g.querySelector('text').textContent = fit < 3 ? '' :\n"
	"    n.length > fit ? n.slice(0, fit - 2) + '..' : n;\n"
	"}\n"
	"function zoom(z) {\n"
	"  var x0 = z ? num(z, 'data-x') : P, w0 = z ? num(z, 'data-w') : all;\n"
	"  var d0 = z ? num(z, 'data-d') : -1, k = all / w0, e = 1e-6;\n"
	"  gs.forEach(function (g) {\n"
	"    var x = num(g, 'data-x'), w = num(g, 'data-w'), d = num(g, 'data-d');\n"
	"    var r = g.querySelector('rect'), t = g.querySelector('text'), nx, nw;\n"
	"    if (d > d0 && x >= x0 - e && x + w <= x0 + w0 + e) {\n"
	"      nx = P + (x - x0) * k; nw = w * k;\n"
	"    } else if (d <= d0 && x <= x0 + e && x + w >= x0 + w0 - e) {\n"
	"      nx = P; nw = all;\n"
	"    } else {\n"
	"      g.style.display = 'none'; return;\n"
	"    }\n"
	"    g.style.display = '';\n"
	"    r.setAttribute('x', nx.toFixed(1));\n"
	"    r.setAttribute('width', Math.max(0, nw - 0.5).toFixed(1));\n"
	"    t.setAttribute('x', (nx + 3).toFixed(1));\n"
	"    label(g, nw);\n"
	"  });\n"
	"  reset.style.display = z ? '' : 'none';\n"
	"}\n"
	"function search() {\n"
	"  var q = prompt('Search frames (a regular expression; empty: clear)', '');\n"
	"  var re = null, spans = [], end = -1, sum = 0;\n"
	"  if (q === null) return;\n"
	"  try { if (q) re = new RegExp(q); } catch (err) {\n"
	"    alert('Not a regular expression: ' + err.message); return;\n"
	"  }\n"
	"  gs.forEach(function (g) {\n"
	"    var m = re && re.test(g.getAttribute('data-n'));\n"
	"    g.querySelector('rect').setAttribute('fill',\n"
	"      m ? 'rgb(230,0,230)' : g.getAttribute('data-c'));\n"
	"    if (m) spans.push([num(g, 'data-x'), num(g, 'data-w')]);\n"
	"  });\n"
	"  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
	"  spans.forEach(function (s) {\n"
	"    var a = Math.max(s[0], end), b = s[0] + s[1];\n"
	"    if (b > a) sum += b - a;\n"
	"    if (b > end) end = b;\n"
	"  });\n"
	"  found.textContent = re ? 'Matched: ' +\n"
	"    (100 * sum / all).toFixed(1) + '%%' : '';\n"
	"}\n"
	"gs.forEach(function (g) {\n"
	"  g.addEventListener('click', function () { zoom(g); });\n"
	"});\n"
	"reset.addEventListener('click', function () { zoom(null); });\n"
	"document.getElementById('search').addEventListener('click', search);\n"
	"reset.style.display = 'none';\n"
	"})();\n"
	"]]></script>\n";

int flame_write(FILE *f, const struct stacks *st, const char *title)
{
	struct flame fl = { .st = st };
	size_t n;
	size_t *idx = peak_order(st, &n);
	char head[256];
	int err;

	if (!idx)
		return -ENOMEM;
	fl.idx = idx;
	fl.total = (double)stacks_total(st, STACK_PEAK);
	fl.depth = max_depth(st, idx, n);
	fl.height = TOP + fl.depth * FRAME_H + 2 * PAD;
	svg_begin(&fl.svg, f, FLAME_WIDTH, fl.height, title);
	fprintf(f, "<style>.f{cursor:pointer}.f:hover rect{stroke:#000;"
		   "stroke-width:0.5}.b{cursor:pointer;fill:#0645ad}</style>\n");
	svg_text(&fl.svg, FLAME_WIDTH / 2, 22, SVG_MIDDLE, 15, title);
	snprintf(head, sizeof(head),
		 "%.1f MiB held at the peak; width: bytes; hover for sizes, "
		 "click to zoom", fl.total / 1048576.0);
	svg_text(&fl.svg, FLAME_WIDTH / 2, 36, SVG_MIDDLE, FONT, head);
	/* the script's controls, and where it says what a search matched */
	fprintf(f, "<text id=\"reset\" class=\"b\" x=\"%.1f\" y=\"22\" "
		   "font-size=\"%.1f\">Reset zoom</text>\n", PAD, FONT);
	fprintf(f, "<text id=\"search\" class=\"b\" x=\"%.1f\" y=\"22\" "
		   "font-size=\"%.1f\" text-anchor=\"end\">Search</text>\n",
		FLAME_WIDTH - PAD, FONT);
	fprintf(f, "<text id=\"found\" x=\"%.1f\" y=\"36\" "
		   "font-size=\"%.1f\" text-anchor=\"end\"></text>\n",
		FLAME_WIDTH - PAD, FONT);
	if (fl.total > 0)
		draw_level(&fl, 0, n, 0, PAD);
	fprintf(f, flame_script, FLAME_WIDTH, PAD, CHAR_W);
	err = svg_end(&fl.svg);
	free(idx);
	return err;
}
