/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --perfetto: Chrome trace-event JSON (opens in ui.perfetto.dev and
 * chrome://tracing): a counter track per process and for the tree, a
 * slice per process lifetime. Streamed while sampling. Pure: no libbpf.
 */
#ifndef TM_PERFETTO_H
#define TM_PERFETTO_H

#include <stdbool.h>
#include <stdio.h>
#include "model/model.h"
#include "model/timeline.h"

struct perfetto {
	FILE *f;
	bool first;	/* no event written yet */
};

void perfetto_begin(struct perfetto *p, FILE *f);
/* A counter event from a sample (pid 0: the tree). */
void perfetto_counter(struct perfetto *p, const struct tl_sample *s);
/* Process slices and names from the final report, then close the JSON. */
void perfetto_end(struct perfetto *p, const struct tm_report *r);

#endif /* TM_PERFETTO_H */
