/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small SVG writer for charts (pure: writes to a FILE, no I/O of its
 * own): a document, shapes, escaped text, linear scales with round
 * ("nice") ticks in human units, axes and a legend. The output is
 * self-contained: no scripts, no external fonts or style sheets.
 */
#ifndef TM_SVG_H
#define TM_SVG_H

#include <stddef.h>
#include <stdio.h>

struct svg {
	FILE *f;
	double width;
	double height;
};

enum svg_anchor {
	SVG_START,
	SVG_MIDDLE,
	SVG_END,
};

/* How a scale's tick labels are written. */
enum svg_unit {
	SVG_UNIT_NUMBER,	/* 0, 250, 1000 */
	SVG_UNIT_BYTES,		/* 0, 512 KiB, 1.5 GiB: binary units */
	SVG_UNIT_SECONDS,	/* 0 s, 0.5 s, 10 s */
};

/*
 * A linear map of the values [lo, hi] onto the pixels [p0, p1] (p0 > p1
 * for a vertical axis, whose values grow upwards), with a tick every step
 * from lo. svg_scale_init() widens the values to whole steps.
 */
struct svg_scale {
	double lo, hi, step;
	double p0, p1;
	enum svg_unit unit;
	double div;		/* tick labels are in multiples of div... */
	const char *suffix;	/* ...named suffix ("MiB") */
	int decimals;		/* the decimals the step needs */
};

/* A plot area: x0 < x1 left to right, y0 < y1 top to bottom. */
struct svg_area {
	double x0, y0, x1, y1;
};

struct svg_legend_item {
	const char *label;
	const char *fill;
};

/* Write the prolog and the <svg> element with its <title>. */
void svg_begin(struct svg *s, FILE *f, double width, double height,
	       const char *title);
/* Close the document; 0, or -EIO when a write failed. */
int svg_end(struct svg *s);

/*
 * Text as XML character data or attribute value: &<>"' escaped, control
 * characters and bytes that are not UTF-8 written as '?'.
 */
void svg_escape(FILE *f, const char *text);

/* A filled rectangle; tooltip (NULL: none) shows on hover. */
void svg_rect(struct svg *s, double x, double y, double w, double h,
	      const char *fill, const char *tooltip);
void svg_line(struct svg *s, double x1, double y1, double x2, double y2,
	      const char *stroke, double width);
/* Text whose anchor point is (x, y), on the baseline. */
void svg_text(struct svg *s, double x, double y, enum svg_anchor anchor,
	      double size, const char *text);
/* The same, turned by angle degrees (clockwise) around (x, y). */
void svg_text_rotated(struct svg *s, double x, double y, double angle,
		      enum svg_anchor anchor, double size, const char *text);

/*
 * A scale from lo to hi (hi > lo; lo = hi gets a span of one) onto p0..p1
 * with at most max_ticks intervals of a 1, 2 or 5 step (times a power of
 * ten, of the unit for bytes). 0 or -EINVAL.
 */
int svg_scale_init(struct svg_scale *sc, double lo, double hi, double p0,
		   double p1, enum svg_unit unit, int max_ticks);
/* The pixel of value v. */
double svg_scale_at(const struct svg_scale *sc, double v);
/* The label of tick value v: "0", "250 MiB", "1.5 s". */
void svg_scale_label(const struct svg_scale *sc, double v, char *buf,
		     size_t len);

/* A vertical axis on the left of a: grid lines, tick labels, title. */
void svg_axis_left(struct svg *s, const struct svg_scale *sc,
		   const struct svg_area *a, const char *title);
/* A horizontal axis under a: grid lines, tick labels, title. */
void svg_axis_bottom(struct svg *s, const struct svg_scale *sc,
		     const struct svg_area *a, const char *title);

/* A row of colour swatches and labels starting at (x, y). */
void svg_legend(struct svg *s, double x, double y,
		const struct svg_legend_item *items, size_t n);

#endif /* TM_SVG_H */
