// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "output/svg.h"
#include "common/utf8.h"

#define GRID_COLOUR "#dddddd"
#define AXIS_COLOUR "#444444"
#define LABEL_SIZE 11.0

void svg_begin(struct svg *s, FILE *f, double width, double height,
	       const char *title)
{
	s->f = f;
	s->width = width;
	s->height = height;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		   "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		   "font-family=\"sans-serif\">\n<title>",
		width, height, width, height);
	svg_escape(f, title);
	fprintf(f, "</title>\n");
	svg_rect(s, 0, 0, width, height, "#ffffff", NULL);
}

int svg_end(struct svg *s)
{
	fprintf(s->f, "</svg>\n");
	return ferror(s->f) ? -EIO : 0;
}

void svg_escape(FILE *f, const char *text)
{
	size_t left = strlen(text), n;
	const char *c;

	for (c = text; *c; c += n, left -= n) {
		n = utf8_char(c, left);
		if (n > 1) {
			fwrite(c, 1, n, f);
			continue;
		}
		n = 1;
		switch (*c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			/*
			 * XML 1.0 has no way to write most control characters;
			 * a byte that is no UTF-8 would make the file unreadable
			 */
			fputc(utf8_char(c, left) && (unsigned char)*c >= 0x20 &&
			      *c != 0x7f ? *c : '?', f);
		}
	}
}

void svg_rect(struct svg *s, double x, double y, double w, double h,
	      const char *fill, const char *tooltip)
{
	fprintf(s->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		      "height=\"%.1f\" fill=\"%s\"",
		x, y, w < 0 ? 0 : w, h < 0 ? 0 : h, fill);
	if (!tooltip) {
		fprintf(s->f, "/>\n");
		return;
	}
	fprintf(s->f, "><title>");
	svg_escape(s->f, tooltip);
	fprintf(s->f, "</title></rect>\n");
}

void svg_line(struct svg *s, double x1, double y1, double x2, double y2,
	      const char *stroke, double width)
{
	fprintf(s->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		      "stroke=\"%s\" stroke-width=\"%.1f\"/>\n",
		x1, y1, x2, y2, stroke, width);
}

void svg_text_rotated(struct svg *s, double x, double y, double angle,
		      enum svg_anchor anchor, double size, const char *text)
{
	static const char *const anchors[] = { "start", "middle", "end" };

	fprintf(s->f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" "
		      "text-anchor=\"%s\" fill=\"#222222\"",
		x, y, size, anchors[anchor]);
	if (angle != 0)
		fprintf(s->f, " transform=\"rotate(%.1f %.1f %.1f)\"", angle,
			x, y);
	fputc('>', s->f);
	svg_escape(s->f, text);
	fprintf(s->f, "</text>\n");
}

void svg_text(struct svg *s, double x, double y, enum svg_anchor anchor,
	      double size, const char *text)
{
	svg_text_rotated(s, x, y, 0, anchor, size, text);
}

/* floor and ceil of small quotients, forgiving rounding error (no libm) */
static double floor_near(double v)
{
	long long i = (long long)(v + 1e-9);

	return (double)(i - (v + 1e-9 < (double)i));
}

static double ceil_near(double v)
{
	long long i = (long long)(v - 1e-9);

	return (double)(i + (v - 1e-9 > (double)i));
}

/* The smallest 1, 2 or 5 times a power of ten that is at least raw. */
static double nice_step(double raw)
{
	double mag = 1;

	while (mag * 10 <= raw)
		mag *= 10;
	while (mag > raw)
		mag /= 10;
	if (raw <= mag)
		return mag;
	if (raw <= 2 * mag)
		return 2 * mag;
	if (raw <= 5 * mag)
		return 5 * mag;
	return 10 * mag;
}

/* Tick labels in the binary unit of the largest value. */
static void bytes_unit(struct svg_scale *sc, double largest)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
					     "PiB" };
	size_t u = 0;

	sc->div = 1;
	while (largest / sc->div >= 1024 &&
	       u + 1 < sizeof(units) / sizeof(units[0])) {
		sc->div *= 1024;
		u++;
	}
	sc->suffix = units[u];
}

int svg_scale_init(struct svg_scale *sc, double lo, double hi, double p0,
		   double p1, enum svg_unit unit, int max_ticks)
{
	double step_u, largest;

	/* also false for NaN */
	if (!(hi >= lo) || hi - lo > 1e300 || max_ticks < 1)
		return -EINVAL;
	if (hi == lo)
		hi = lo + (lo > 0 ? lo : lo < 0 ? -lo : 1);
	memset(sc, 0, sizeof(*sc));
	sc->unit = unit;
	sc->p0 = p0;
	sc->p1 = p1;
	sc->div = 1;
	sc->suffix = unit == SVG_UNIT_SECONDS ? "s" : "";
	largest = hi > -lo ? hi : -lo;
	if (unit == SVG_UNIT_BYTES)
		bytes_unit(sc, largest);
	step_u = nice_step((hi - lo) / sc->div / max_ticks);
	/* no fractions of a byte */
	if (unit == SVG_UNIT_BYTES && sc->div == 1 && step_u < 1)
		step_u = 1;
	sc->step = step_u * sc->div;
	sc->lo = floor_near(lo / sc->step) * sc->step;
	sc->hi = ceil_near(hi / sc->step) * sc->step;
	for (; step_u < 1 - 1e-9 && sc->decimals < 9; step_u *= 10)
		sc->decimals++;
	return 0;
}

double svg_scale_at(const struct svg_scale *sc, double v)
{
	return sc->p0 + (v - sc->lo) / (sc->hi - sc->lo) * (sc->p1 - sc->p0);
}

void svg_scale_label(const struct svg_scale *sc, double v, char *buf,
		     size_t len)
{
	/* a tick at lo + i * step can miss zero by a rounding error */
	if (v < sc->step * 1e-6 && v > -sc->step * 1e-6) {
		snprintf(buf, len, "0");
		return;
	}
	snprintf(buf, len, "%.*f%s%s", sc->decimals, v / sc->div,
		 *sc->suffix ? " " : "", sc->suffix);
}

/* Calls fn for each tick of sc, lo to hi. */
static void each_tick(struct svg *s, const struct svg_scale *sc,
		      const struct svg_area *a,
		      void (*fn)(struct svg *s, const struct svg_scale *sc,
				 const struct svg_area *a, double v))
{
	double n = (sc->hi - sc->lo) / sc->step, i;

	for (i = 0; i <= n + 1e-6; i++)
		fn(s, sc, a, sc->lo + i * sc->step);
}

static void tick_left(struct svg *s, const struct svg_scale *sc,
		      const struct svg_area *a, double v)
{
	double y = svg_scale_at(sc, v);
	char label[32];

	svg_line(s, a->x0, y, a->x1, y, GRID_COLOUR, 1);
	svg_scale_label(sc, v, label, sizeof(label));
	svg_text(s, a->x0 - 6, y + 4, SVG_END, LABEL_SIZE, label);
}

static void tick_bottom(struct svg *s, const struct svg_scale *sc,
			const struct svg_area *a, double v)
{
	double x = svg_scale_at(sc, v);
	char label[32];

	svg_line(s, x, a->y0, x, a->y1, GRID_COLOUR, 1);
	svg_scale_label(sc, v, label, sizeof(label));
	svg_text(s, x, a->y1 + 16, SVG_MIDDLE, LABEL_SIZE, label);
}

void svg_axis_left(struct svg *s, const struct svg_scale *sc,
		   const struct svg_area *a, const char *title)
{
	double x = a->x0 - 64 > 14 ? a->x0 - 64 : 14;

	each_tick(s, sc, a, tick_left);
	svg_line(s, a->x0, a->y0, a->x0, a->y1, AXIS_COLOUR, 1);
	if (title)
		svg_text_rotated(s, x, (a->y0 + a->y1) / 2, -90, SVG_MIDDLE,
				 12, title);
}

void svg_axis_bottom(struct svg *s, const struct svg_scale *sc,
		     const struct svg_area *a, const char *title)
{
	each_tick(s, sc, a, tick_bottom);
	svg_line(s, a->x0, a->y1, a->x1, a->y1, AXIS_COLOUR, 1);
	if (title)
		svg_text(s, (a->x0 + a->x1) / 2, a->y1 + 34, SVG_MIDDLE, 12,
			 title);
}

void svg_legend(struct svg *s, double x, double y,
		const struct svg_legend_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		svg_rect(s, x, y - 10, 12, 12, items[i].fill, NULL);
		svg_text(s, x + 16, y, SVG_START, 12, items[i].label);
		/* no font metrics here: about 7 px a character at 12 px */
		x += 16 + 7.0 * strlen(items[i].label) + 18;
	}
}
