/* SPDX-License-Identifier: GPL-2.0 */
/* The --timeline CSV: a header, then one row per sample, as they come. */
#ifndef TM_TIMELINE_CSV_H
#define TM_TIMELINE_CSV_H

#include <stdio.h>
#include "model/timeline.h"

void timeline_csv_header(FILE *f);
/* The tree's row (pid 0) is named "(tree)". */
void timeline_csv_row(FILE *f, const struct tl_sample *s);

#endif /* TM_TIMELINE_CSV_H */
