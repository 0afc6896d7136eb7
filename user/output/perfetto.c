// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include "output/perfetto.h"
#include "output/report.h"

/* The tree's counters live on a process of their own in the viewer. */
#define TREE_PID 0

void perfetto_begin(struct perfetto *p, FILE *f)
{
	p->f = f;
	p->first = true;
	fputs("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n", f);
}

static void next_event(struct perfetto *p)
{
	if (!p->first)
		fputs(",\n", p->f);
	p->first = false;
}

void perfetto_counter(struct perfetto *p, const struct tl_sample *s)
{
	next_event(p);
	fprintf(p->f,
		"{\"name\": \"memory\", \"ph\": \"C\", \"ts\": %.3f, \"pid\": %"
		PRIu32 ", \"args\": {\"rss_bytes\": %" PRIu64
		", \"kernel_bytes\": %" PRIu64,
		s->t * 1e6, s->pid ? s->pid : TREE_PID, s->rss, s->kmem);
	if (s->unique)
		fprintf(p->f, ", \"unique_bytes\": %" PRIu64, s->unique);
	fputs("}}", p->f);
}

static void name_event(struct perfetto *p, uint32_t pid, const char *name)
{
	next_event(p);
	fprintf(p->f, "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": %"
		      PRIu32 ", \"args\": {\"name\": ", pid);
	report_json_string(p->f, name);
	fputs("}}", p->f);
}

void perfetto_end(struct perfetto *p, const struct tm_report *r)
{
	size_t i;

	name_event(p, TREE_PID, "(tree)");
	for (i = 0; i < r->nprocs; i++) {
		const struct tm_proc *pr = &r->procs[i];
		double end = pr->alive ? r->duration_s : pr->end_s;

		name_event(p, pr->pid, pr->comm);
		next_event(p);
		fprintf(p->f, "{\"name\": ");
		report_json_string(p->f, pr->comm);
		fprintf(p->f, ", \"ph\": \"X\", \"ts\": %.3f, \"dur\": %.3f, "
			      "\"pid\": %" PRIu32 ", \"tid\": %" PRIu32
			      ", \"args\": {\"peak_rss_bytes\": %" PRIu64
			      ", \"peak_footprint_bytes\": %" PRIu64 "}}",
			pr->start_s * 1e6,
			(end > pr->start_s ? end - pr->start_s : 0) * 1e6,
			pr->pid, pr->pid, pr->peak_rss, pr->peak_footprint);
	}
	fputs("\n]}\n", p->f);
}
