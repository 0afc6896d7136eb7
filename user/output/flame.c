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
	fprintf(fl->svg.f, "<g class=\"f\">");
	svg_rect(&fl->svg, x, y, w - 0.5, FRAME_H - 1, colour, tip);
	fit = (size_t)((w - 6) / CHAR_W);
	if (fit >= 3) {
		snprintf(label, sizeof(label), "%s", text);
		if (strlen(label) > fit)
			strcpy(label + fit - 2, "..");
		svg_text(&fl->svg, x + 3, y + FRAME_H - 5, SVG_START, FONT,
			 label);
	}
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
	fprintf(f, "<style>.f:hover rect{stroke:#000;stroke-width:0.5}</style>\n");
	svg_text(&fl.svg, FLAME_WIDTH / 2, 22, SVG_MIDDLE, 15, title);
	snprintf(head, sizeof(head),
		 "%.1f MiB held at the peak; width: bytes; hover for sizes",
		 fl.total / 1048576.0);
	svg_text(&fl.svg, FLAME_WIDTH / 2, 36, SVG_MIDDLE, FONT, head);
	if (fl.total > 0)
		draw_level(&fl, 0, n, 0, PAD);
	err = svg_end(&fl.svg);
	free(idx);
	return err;
}
