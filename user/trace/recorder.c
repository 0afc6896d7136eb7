// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output/report.h"
#include "output/timeline_csv.h"
#include "trace/recorder.h"

int recorder_open(struct recorder *rc, const struct trace_opts *o,
		  const struct launch_cred *cred, const char **what)
{
	int err;

	memset(rc, 0, sizeof(*rc));
	rc->on = o->sample_ms > 0;
	rc->per_process = o->per_process || o->perfetto;
	rc->csv_per_process = o->per_process;
	rc->top = o->per_process_top;
	rc->cred = cred;
	if (!rc->on)
		return 0;
	err = timeline_init(&rc->tl, TL_MAX_POINTS);
	if (err)
		return err;
	if (o->timeline) {
		*what = o->timeline;
		err = output_open(&rc->csv, o->timeline, NULL, cred);
		if (err)
			return err;
		timeline_csv_header(rc->csv.f);
	}
	if (o->plot) {
		*what = o->plot;
		err = output_open(&rc->plot, o->plot, NULL, cred);
		if (err)
			return err;
	}
	if (o->perfetto) {
		*what = o->perfetto;
		err = output_open(&rc->trace, o->perfetto, NULL, cred);
		if (err)
			return err;
		perfetto_begin(&rc->pf, rc->trace.f);
	}
	return 0;
}

static void write_proc(struct recorder *rc, const struct tl_sample *s)
{
	if (rc->csv.f && rc->csv_per_process)
		timeline_csv_row(rc->csv.f, s);
	if (rc->trace.f)
		perfetto_counter(&rc->pf, s);
}

static int by_footprint(const void *a, const void *b)
{
	const struct tl_sample *x = a, *y = b;

	if (x->footprint != y->footprint)
		return x->footprint < y->footprint ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* --per-process=K: the K largest of this sample, largest first. */
static void flush_top(struct recorder *rc)
{
	size_t i;

	qsort(rc->pending, rc->npending, sizeof(*rc->pending), by_footprint);
	for (i = 0; i < rc->npending && i < rc->top; i++)
		write_proc(rc, &rc->pending[i]);
	rc->npending = 0;
}

void recorder_tree(struct recorder *rc, const struct tl_sample *s)
{
	if (rc->top)
		flush_top(rc);
	timeline_add(&rc->tl, s);
	if (rc->csv.f)
		timeline_csv_row(rc->csv.f, s);
	if (rc->trace.f)
		perfetto_counter(&rc->pf, s);
}

void recorder_proc(void *ctx, const struct tl_sample *s)
{
	struct recorder *rc = ctx;
	struct tl_sample *grown;

	if (!rc->top) {
		write_proc(rc, s);
		return;
	}
	if (rc->npending == rc->pending_cap) {
		size_t cap = rc->pending_cap ? 2 * rc->pending_cap : 256;

		grown = realloc(rc->pending, cap * sizeof(*grown));
		if (!grown)
			return;	/* a row less, not a wrong one */
		rc->pending = grown;
		rc->pending_cap = cap;
	}
	rc->pending[rc->npending++] = *s;
}

bool recorder_size_warning(struct recorder *rc, double t_s, char *buf,
			   size_t len)
{
	uint64_t bytes = output_written(&rc->csv) + output_written(&rc->trace);
	double rate;

	/* a second of samples says more than the first few */
	if (rc->warned || t_s < 1.0)
		return false;
	rate = bytes / t_s;
	if (rate < RECORDER_WARN_RATE)
		return false;
	rc->warned = true;
	snprintf(buf, len, "warning: the timeline files grow by %.1f MB/s, "
		 "%.1f GB an hour; --per-process=K keeps the K largest "
		 "processes, a larger --sample-ms fewer samples",
		 rate / 1e6, rate * 3600 / 1e9);
	return true;
}

int recorder_finish(struct recorder *rc, const struct tm_report *r,
		    const char **what)
{
	int err;

	if (rc->csv.f) {
		*what = rc->csv.path;
		err = output_commit(&rc->csv);
		if (err)
			return err;
	}
	if (rc->trace.f) {
		perfetto_end(&rc->pf, r);
		*what = rc->trace.path;
		err = output_commit(&rc->trace);
		if (err)
			return err;
	}
	return 0;
}

int recorder_commit_plot(struct recorder *rc, const struct tm_report *r)
{
	return rc->plot.f ? report_save(&rc->plot, r, TM_FORMAT_SVG, false) : 0;
}

void recorder_close(struct recorder *rc)
{
	output_abort(&rc->csv);
	output_abort(&rc->trace);
	output_abort(&rc->plot);
	free(rc->pending);
	rc->pending = NULL;
	timeline_free(&rc->tl);
}
