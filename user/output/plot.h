/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --plot: memory over time as a self-contained SVG chart (no scripts, no
 * external fonts or files), drawn with svg.c. Pure: no libbpf.
 */
#ifndef TM_PLOT_H
#define TM_PLOT_H

#include <stdio.h>
#include "model/model.h"
#include "model/timeline.h"

/* Chart of r's timeline (stacked anon/file/shmem/kernel, peak marked). */
void plot_timeline(FILE *f, const struct tm_report *r,
		   const struct timeline *tl);

#endif /* TM_PLOT_H */
