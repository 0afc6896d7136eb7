// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "plot.h"
#include "report.h"

#define W 960
#define H 540
#define LEFT 80
#define RIGHT 180
#define TOP 56
#define BOTTOM 56
#define PW (W - LEFT - RIGHT)
#define PH (H - TOP - BOTTOM)
#define MARKED_PROCS 5

void plot_xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* XML 1.0 has no place for other control characters */
			fputc((unsigned char)*s < 0x20 ? '?' : *s, f);
		}
	}
}

double plot_nice_step(double max, int ticks, double unit)
{
	static const double mult[] = { 1, 2, 5 };
	double raw = max / ticks, scale = unit;
	int i;

	if (raw <= 0)
		return unit;
	/* below one unit, steps are decimal fractions of it */
	while (scale > raw && scale > 1e-9)
		scale /= 10;
	for (;;) {
		for (i = 0; i < 3; i++)
			if (mult[i] * scale >= raw)
				return mult[i] * scale;
		scale *= 10;
	}
}

/* The byte unit a chart's axis is labelled in. */
static double byte_unit(double max)
{
	double u = 1;

	while (max >= 1024 * u && u < 1099511627776.0)
		u *= 1024;
	return u;
}

static const char *unit_name(double u)
{
	return u >= 1099511627776.0 ? "TiB" : u >= 1073741824.0 ? "GiB" :
	       u >= 1048576.0 ? "MiB" : u >= 1024.0 ? "KiB" : "B";
}

struct scale {
	double tmax;
	double ymax;
};

static double sx(const struct scale *sc, double t)
{
	return LEFT + (sc->tmax > 0 ? t / sc->tmax : 0) * PW;
}

static double sy(const struct scale *sc, double v)
{
	return TOP + PH - (sc->ymax > 0 ? v / sc->ymax : 0) * PH;
}

/* Layers, bottom to top: their top edge is the sum up to them. */
enum layer { L_ANON, L_FILE, L_SHMEM, L_KERNEL, L_NR };

static const struct {
	const char *name;
	const char *color;
} layers[L_NR] = {
	[L_ANON] = { "anon", "#4e79a7" },
	[L_FILE] = { "file", "#f28e2b" },
	[L_SHMEM] = { "shmem", "#76b7b2" },
	[L_KERNEL] = { "kernel memory", "#e15759" },
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

static void draw_layer(FILE *f, const struct scale *sc,
		       const struct timeline *tl, int layer)
{
	size_t i;

	fprintf(f, "<polygon fill=\"%s\" fill-opacity=\"0.85\" points=\"",
		layers[layer].color);
	for (i = 0; i < tl->n; i++)
		fprintf(f, "%.1f,%.1f ", sx(sc, tl->s[i].t),
			sy(sc, layer_top(&tl->s[i], layer)));
	/* back along the layer below */
	for (i = tl->n; i-- > 0;)
		fprintf(f, "%.1f,%.1f ", sx(sc, tl->s[i].t),
			sy(sc, layer ? layer_top(&tl->s[i], layer - 1) : 0));
	fputs("\"/>\n", f);
}

/* The highest footprint between samples: what sampling alone would hide. */
static void draw_max_line(FILE *f, const struct scale *sc,
			  const struct timeline *tl)
{
	size_t i;

	fputs("<polyline fill=\"none\" stroke=\"#333\" stroke-width=\"1.2\" "
	      "stroke-dasharray=\"4 3\" points=\"", f);
	for (i = 0; i < tl->n; i++)
		fprintf(f, "%.1f,%.1f ", sx(sc, tl->s[i].t),
			sy(sc, tl->s[i].max_footprint));
	fputs("\"/>\n", f);
}

static void draw_axes(FILE *f, const struct scale *sc)
{
	double unit = byte_unit(sc->ymax);
	double ystep = plot_nice_step(sc->ymax, 5, unit);
	double tstep = plot_nice_step(sc->tmax, 8, 1);
	double v;

	fprintf(f, "<g font-size=\"12\" fill=\"#333\" stroke=\"none\">\n");
	for (v = 0; v <= sc->ymax * 1.0001; v += ystep) {
		fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
			   "stroke=\"#ddd\"/>\n", LEFT, LEFT + PW, sy(sc, v),
			sy(sc, v));
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g %s"
			   "</text>\n", LEFT - 6, sy(sc, v) + 4, v / unit,
			unit_name(unit));
	}
	for (v = 0; v <= sc->tmax * 1.0001; v += tstep)
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g"
			   "</text>\n", sx(sc, v), TOP + PH + 18, v);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (s)"
		   "</text>\n", LEFT + PW / 2, H - 14);
	fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
		   "stroke=\"#333\"/>\n", LEFT, LEFT + PW, TOP + PH, TOP + PH);
	fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
		   "stroke=\"#333\"/>\n</g>\n", LEFT, LEFT, TOP, TOP + PH);
}

static void draw_legend(FILE *f)
{
	int i, y = TOP + 8;

	fprintf(f, "<g font-size=\"12\" fill=\"#333\">\n");
	for (i = L_NR - 1; i >= 0; i--, y += 20) {
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
			   "fill=\"%s\"/>\n", LEFT + PW + 14, y, layers[i].color);
		fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text>\n",
			LEFT + PW + 32, y + 10, layers[i].name);
	}
	fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\" "
		   "stroke-dasharray=\"4 3\"/>\n", LEFT + PW + 14,
		LEFT + PW + 26, y + 6, y + 6);
	fprintf(f, "<text x=\"%d\" y=\"%d\">max between samples</text>\n</g>\n",
		LEFT + PW + 32, y + 10);
}

/* The tree's peak: where the highest sampled maximum fell. */
static void draw_peak(FILE *f, const struct scale *sc,
		      const struct tm_report *r, const struct timeline *tl)
{
	const struct tl_sample *best = &tl->s[0];
	char value[32];
	double x, y;
	size_t i;

	for (i = 1; i < tl->n; i++)
		if (tl->s[i].max_footprint > best->max_footprint)
			best = &tl->s[i];
	report_human_bytes(r->tree.peak_footprint, value, sizeof(value));
	x = sx(sc, best->t);
	y = sy(sc, (double)r->tree.peak_footprint);
	fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"none\" "
		   "stroke=\"#000\" stroke-width=\"2\"/>\n", x, y);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
		   "font-weight=\"bold\" text-anchor=\"%s\">peak %s at %.2f s"
		   "</text>\n", x + (x > LEFT + PW * 0.7 ? -8 : 8), y - 8,
		x > LEFT + PW * 0.7 ? "end" : "start", value, best->t);
}

/* Start and exit of the processes with the largest footprints. */
static void draw_processes(FILE *f, const struct scale *sc,
			   const struct tm_report *r)
{
	const struct tm_proc *top[MARKED_PROCS] = { NULL };
	size_t i, j, k;

	for (i = 0; i < r->nprocs; i++) {
		const struct tm_proc *p = &r->procs[i];

		for (j = 0; j < MARKED_PROCS; j++) {
			if (top[j] && top[j]->peak_footprint >= p->peak_footprint)
				continue;
			for (k = MARKED_PROCS - 1; k > j; k--)
				top[k] = top[k - 1];
			top[j] = p;
			break;
		}
	}
	fprintf(f, "<g font-size=\"10\" fill=\"#555\" stroke-opacity=\"0.6\">\n");
	for (j = 0; j < MARKED_PROCS && top[j]; j++) {
		const struct tm_proc *p = top[j];
		double x0 = sx(sc, p->start_s), x1 = sx(sc, p->end_s);
		double label = x0 + 3;

		/* labels of processes started together side by side */
		for (k = 0; k < j; k++)
			if (fabs(sx(sc, top[k]->start_s) - x0) < 1)
				label += 12;
		/* green: started, red: exited */
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
			   "stroke=\"#2a2\"/>\n", x0, x0, TOP, TOP + PH);
		if (!p->alive)
			fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
				   "y2=\"%d\" stroke=\"#a22\"/>\n", x1, x1, TOP,
				TOP + PH);
		fprintf(f, "<text transform=\"translate(%.1f %d) rotate(90)\">%"
			   PRIu32 " ", label, TOP + 4, p->pid);
		plot_xml_text(f, p->comm);
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);
}

/* The command as title, cut to fit the chart's width. */
static void draw_title(FILE *f, const struct tm_report *r)
{
	char title[256] = "attached processes", cut[100];
	size_t len = 0;
	int i;

	if (r->command) {
		title[0] = '\0';
		for (i = 0; i < r->command_argc && len < sizeof(title) - 1; i++)
			len += snprintf(title + len, sizeof(title) - len, "%s%s",
					i ? " " : "", r->command[i]);
	}
	if (strlen(title) > 90) {
		snprintf(cut, sizeof(cut), "%.87s...", title);
		plot_xml_text(f, cut);
	} else {
		plot_xml_text(f, title);
	}
}

void plot_timeline(FILE *f, const struct tm_report *r,
		   const struct timeline *tl)
{
	struct scale sc = { .tmax = r->duration_s, .ymax = 1 };
	size_t i;
	int l;

	for (i = 0; i < tl->n; i++) {
		if (tl->s[i].t > sc.tmax)
			sc.tmax = tl->s[i].t;
		if ((double)tl->s[i].max_footprint > sc.ymax)
			sc.ymax = tl->s[i].max_footprint;
	}
	if ((double)r->tree.peak_footprint > sc.ymax)
		sc.ymax = r->tree.peak_footprint;
	sc.ymax *= 1.1;
	if (sc.tmax <= 0)
		sc.tmax = 1;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		   "height=\"%d\" viewBox=\"0 0 %d %d\" "
		   "font-family=\"sans-serif\">\n"
		   "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
		W, H, W, H);
	fprintf(f, "<text x=\"%d\" y=\"28\" font-size=\"16\" "
		   "font-weight=\"bold\">", LEFT);
	draw_title(f, r);
	fprintf(f, "</text>\n<text x=\"%d\" y=\"46\" font-size=\"12\" "
		   "fill=\"#555\">memory of the process tree over time "
		   "(taskmem)</text>\n", LEFT);
	draw_axes(f, &sc);
	if (tl->n) {
		for (l = 0; l < L_NR; l++)
			draw_layer(f, &sc, tl, l);
		draw_max_line(f, &sc, tl);
		draw_peak(f, &sc, r, tl);
	}
	draw_processes(f, &sc, r);
	draw_legend(f);
	fputs("</svg>\n", f);
}
