// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdbool.h>
#include <math.h>
#include <string.h>
#include "output/plot.h"
#include "output/report.h"
#include "output/svg.h"

#define W 960
#define H 540
#define MARKED_PROCS 5

static const struct svg_area area = { 88, 78, W - 24, H - 56 };

/* Layers, bottom to top: their top edge is the sum up to them. */
enum layer { L_ANON, L_FILE, L_SHMEM, L_KERNEL, L_NR };

static const struct svg_legend_item layers[L_NR] = {
	[L_ANON] = { "anon", "#4e79a7" },
	[L_FILE] = { "file", "#f28e2b" },
	[L_SHMEM] = { "shmem", "#76b7b2" },
	[L_KERNEL] = { "kernel memory", "#e15759" },
};

struct chart {
	struct svg svg;
	struct svg_scale x;	/* seconds */
	struct svg_scale y;	/* bytes */
};

static double layer_top(const struct tl_sample *s, int layer)
{
	double v = s->anon;

	if (layer >= L_FILE)
		v += s->file;
	if (layer >= L_SHMEM)
		v += s->shmem;
	if (layer >= L_KERNEL)
		v += s->kmem;
	return v;
}

static void point(const struct chart *c, double t, double v)
{
	fprintf(c->svg.f, "%.1f,%.1f ", svg_scale_at(&c->x, t),
		svg_scale_at(&c->y, v));
}

static void draw_layer(const struct chart *c, const struct timeline *tl,
		       int layer)
{
	size_t i;

	fprintf(c->svg.f, "<polygon fill=\"%s\" fill-opacity=\"0.85\" "
			  "points=\"", layers[layer].fill);
	for (i = 0; i < tl->n; i++)
		point(c, tl->s[i].t, layer_top(&tl->s[i], layer));
	/* back along the layer below */
	for (i = tl->n; i-- > 0;)
		point(c, tl->s[i].t,
		      layer ? layer_top(&tl->s[i], layer - 1) : 0);
	fputs("\"/>\n", c->svg.f);
}

/* The highest footprint between samples: what sampling alone would hide. */
static void draw_max_line(const struct chart *c, const struct timeline *tl)
{
	size_t i;

	fputs("<polyline fill=\"none\" stroke=\"#333\" stroke-width=\"1.2\" "
	      "stroke-dasharray=\"4 3\" points=\"", c->svg.f);
	for (i = 0; i < tl->n; i++)
		point(c, tl->s[i].t, tl->s[i].max_footprint);
	fputs("\"/>\n", c->svg.f);
}

/* Unique memory (each page once, from the memory cgroup), where known. */
static bool has_unique(const struct timeline *tl)
{
	size_t i;

	for (i = 0; i < tl->n; i++)
		if (tl->s[i].unique)
			return true;
	return false;
}

static void draw_unique_line(const struct chart *c, const struct timeline *tl)
{
	size_t i;

	fputs("<polyline class=\"unique\" fill=\"none\" stroke=\"#111\" "
	      "stroke-width=\"2\" points=\"", c->svg.f);
	for (i = 0; i < tl->n; i++)
		if (tl->s[i].unique)
			point(c, tl->s[i].t, tl->s[i].unique);
	fputs("\"/>\n", c->svg.f);
}

/* The tree's peak, at the time BPF noted (or the sample that saw it). */
static void draw_peak(struct chart *c, const struct tm_report *r,
		      const struct timeline *tl)
{
	const struct tl_sample *best = &tl->s[0];
	char value[32], label[96];
	double x, y, when;
	size_t i;

	for (i = 1; i < tl->n; i++)
		if (tl->s[i].max_footprint > best->max_footprint)
			best = &tl->s[i];
	when = r->peak_footprint_s > 0 ? r->peak_footprint_s : best->t;
	report_human_bytes(r->tree.peak_footprint, value, sizeof(value));
	snprintf(label, sizeof(label), "peak %s at %.2f s", value, when);
	x = svg_scale_at(&c->x, when);
	y = svg_scale_at(&c->y, (double)r->tree.peak_footprint);
	fprintf(c->svg.f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
			  "fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/>\n",
		x, y);
	svg_text(&c->svg, x + (x > area.x1 - 200 ? -8 : 8), y - 8,
		 x > area.x1 - 200 ? SVG_END : SVG_START, 13, label);
}

/* The processes with the largest footprints, largest first. */
static size_t largest(const struct tm_report *r,
		      const struct tm_proc *top[MARKED_PROCS])
{
	size_t i, j, k, n = 0;

	for (i = 0; i < r->nprocs; i++) {
		const struct tm_proc *p = &r->procs[i];

		for (j = 0; j < MARKED_PROCS; j++) {
			if (j < n && top[j]->peak_footprint >= p->peak_footprint)
				continue;
			if (j > n)
				break;
			for (k = MARKED_PROCS - 1; k > j; k--)
				top[k] = top[k - 1];
			top[j] = p;
			if (n < MARKED_PROCS)
				n++;
			break;
		}
	}
	return n;
}

/* Start (green) and exit (red) of the largest processes, labelled. */
static void draw_processes(struct chart *c, const struct tm_report *r)
{
	const struct tm_proc *top[MARKED_PROCS] = { NULL };
	size_t j, k, n = largest(r, top);
	char label[48];

	for (j = 0; j < n; j++) {
		const struct tm_proc *p = top[j];
		double x0 = svg_scale_at(&c->x, p->start_s), lx = x0 + 4;

		svg_line(&c->svg, x0, area.y0, x0, area.y1, "#2a2", 1);
		if (!p->alive) {
			double x1 = svg_scale_at(&c->x, p->end_s);

			svg_line(&c->svg, x1, area.y0, x1, area.y1, "#a22", 1);
		}
		/* labels of processes started together side by side */
		for (k = 0; k < j; k++)
			if (fabs(svg_scale_at(&c->x, top[k]->start_s) - x0) < 1)
				lx += 12;
		snprintf(label, sizeof(label), "%" PRIu32 " %s", p->pid,
			 p->comm);
		svg_text_rotated(&c->svg, lx, area.y0 + 4, 90, SVG_START, 10,
				 label);
	}
}

/* The command as title, cut to fit the chart's width. */
static void title_of(const struct tm_report *r, char *title, size_t len)
{
	report_what(r, title, len);
	/* svg_escape turns a character cut here into '?' */
	if (strlen(title) > 90)
		strcpy(title + 87, "...");
}

void plot_timeline(FILE *f, const struct tm_report *r,
		   const struct timeline *tl)
{
	double tmax = r->duration_s, ymax = (double)r->tree.peak_footprint;
	struct chart c;
	char title[256];
	size_t i;
	int l;

	for (i = 0; i < tl->n; i++) {
		if (tl->s[i].t > tmax)
			tmax = tl->s[i].t;
		if ((double)tl->s[i].max_footprint > ymax)
			ymax = tl->s[i].max_footprint;
	}
	/* an empty chart still gets a sensible axis */
	if (svg_scale_init(&c.x, 0, tmax > 0 ? tmax : 1, area.x0, area.x1,
			   SVG_UNIT_SECONDS, 10) ||
	    svg_scale_init(&c.y, 0, ymax > 1024 ? ymax * 1.1 : 1024, area.y1,
			   area.y0, SVG_UNIT_BYTES, 6))
		return;
	title_of(r, title, sizeof(title));
	svg_begin(&c.svg, f, W, H, title);
	svg_text(&c.svg, area.x0, 26, SVG_START, 16, title);
	svg_text(&c.svg, area.x0, 44, SVG_START, 12, has_unique(tl) ?
		 "memory of the process tree over time (taskmem); dashed: "
		 "the highest footprint between samples; black: unique "
		 "memory (each page once)" :
		 "memory of the process tree over time (taskmem); dashed: "
		 "the highest footprint between samples");
	svg_legend(&c.svg, area.x0, 66, layers, L_NR);
	svg_axis_left(&c.svg, &c.y, &area, "memory");
	svg_axis_bottom(&c.svg, &c.x, &area, "time");
	if (tl->n) {
		for (l = 0; l < L_NR; l++)
			draw_layer(&c, tl, l);
		draw_max_line(&c, tl);
		if (has_unique(tl))
			draw_unique_line(&c, tl);
		draw_peak(&c, r, tl);
	}
	draw_processes(&c, r);
	svg_end(&c.svg);
}
