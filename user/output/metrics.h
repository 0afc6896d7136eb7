/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report model as a Prometheus exposition: the text format 0.0.4 and
 * OpenMetrics 1.0. Pure: no libbpf, no HTTP.
 */
#ifndef TM_METRICS_H
#define TM_METRICS_H

#include <stdio.h>
#include "common/cli_metrics.h"
#include "model/model.h"

enum metrics_format {
	METRICS_TEXT,		/* text/plain; version=0.0.4 */
	METRICS_OPENMETRICS,	/* application/openmetrics-text; 1.0.0 */
	METRICS_NFORMATS,
};

struct metrics_conf {
	unsigned long top;	/* per-process series for this many */
	const struct metrics_label *labels; /* on every sample */
	int nlabels;
	const char *version;	/* taskmem_build_info{version} */
};

/*
 * Write the families of r to f. Rows of exited processes that r lacks
 * (while tracing: the exit records so far) may come in extra; NULL for
 * none. Returns 0, or -EIO when f failed.
 */
int metrics_write(FILE *f, const struct tm_report *r,
		  const struct tm_report *extra, const struct metrics_conf *c,
		  enum metrics_format fmt);

/* The format an HTTP Accept header asks for (NULL: none sent). */
enum metrics_format metrics_negotiate(const char *accept);

/* The Content-Type of fmt. */
const char *metrics_content_type(enum metrics_format fmt);

/*
 * s as a label value inside the quotes: backslash, double quote and
 * newline escaped, bytes that are not UTF-8 as U+FFFD (COMM is any 15
 * bytes).
 */
void metrics_label_value(FILE *f, const char *s);

#endif /* TM_METRICS_H */
