/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --plot: memory over time as a self-contained SVG chart (no scripts, no
 * external fonts or files). Pure: no libbpf.
 */
#ifndef TM_PLOT_H
#define TM_PLOT_H

#include <stdio.h>
#include "model.h"
#include "timeline.h"

/* Chart of r's timeline (stacked anon/file/shmem/kernel, peak marked). */
void plot_timeline(FILE *f, const struct tm_report *r,
		   const struct timeline *tl);

/* s with XML's special characters escaped. */
void plot_xml_text(FILE *f, const char *s);

/* A tick step for an axis up to max: 1, 2 or 5 times a power of ten of
 * the unit (1024-based for bytes). */
double plot_nice_step(double max, int ticks, double unit);

#endif /* TM_PLOT_H */
