// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include "output/report.h"
#include "output/timeline_csv.h"

void timeline_csv_header(FILE *f)
{
	fputs("time_s,pid,comm,processes,threads,rss_bytes,anon_bytes,"
	      "file_bytes,shmem_bytes,max_rss_bytes,footprint_bytes,"
	      "max_footprint_bytes,kernel_bytes,unique_bytes\n", f);
}

void timeline_csv_row(FILE *f, const struct tl_sample *s)
{
	fprintf(f, "%.6f,%" PRIu32 ",", s->t, s->pid);
	report_csv_string(f, s->pid ? s->comm : "(tree)");
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		   ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		   ",",
		s->processes, s->threads, s->rss, s->anon, s->file, s->shmem,
		s->max_rss, s->footprint, s->max_footprint, s->kmem);
	/* empty: a process's row, or no memory cgroup */
	if (s->unique)
		fprintf(f, "%" PRIu64, s->unique);
	fputc('\n', f);
}
