// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
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

void recorder_tree(struct recorder *rc, const struct tl_sample *s)
{
	timeline_add(&rc->tl, s);
	if (rc->csv.f)
		timeline_csv_row(rc->csv.f, s);
	if (rc->trace.f)
		perfetto_counter(&rc->pf, s);
}

void recorder_proc(void *ctx, const struct tl_sample *s)
{
	struct recorder *rc = ctx;

	if (rc->csv.f && rc->csv_per_process)
		timeline_csv_row(rc->csv.f, s);
	if (rc->trace.f)
		perfetto_counter(&rc->pf, s);
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
	timeline_free(&rc->tl);
}
