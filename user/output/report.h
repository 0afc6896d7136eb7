/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/output/: every form a report is written in: the table, JSON, CSV
 * and Markdown (this file), the timeline CSV, the SVG chart (plot.h,
 * svg.h), Perfetto trace events, and the one output-file helper (file.h).
 * Pure: no libbpf. It may use model/ and common/, nothing above.
 */
#ifndef TM_REPORT_H
#define TM_REPORT_H

#include <stdio.h>
#include "common/cli.h"
#include "model/model.h"

/*
 * What was traced: the command line quoted as a shell needs it (it can be
 * pasted back), or "attached to pid 1,2"; cut to len.
 */
void report_what(const struct tm_report *r, char *buf, size_t len);

/* "812 KiB", "256.0 MiB": binary units, 4 significant digits at most. */
void report_human_bytes(uint64_t bytes, char *buf, size_t len);

/* long_table adds the detail columns (anon/file/shmem, VM, faults...). */
void report_table(FILE *f, const struct tm_report *r, bool long_table);
void report_json(FILE *f, const struct tm_report *r);
/* The table as Markdown, for pasting into issues and READMEs. */
void report_markdown(FILE *f, const struct tm_report *r, bool long_table);
/* Every column in bytes, one line per process and TOTAL. */
void report_csv(FILE *f, const struct tm_report *r);

/* s as a CSV field: quoted, quotes doubled, control characters as '?'. */
void report_csv_string(FILE *f, const char *s);

/* s as a JSON string: quoted, escaped, invalid UTF-8 replaced. */
void report_json_string(FILE *f, const char *s);

/* What the live status line shows. Sizes in bytes. */
struct status_figures {
	double elapsed_s;
	uint64_t processes;
	uint64_t threads;
	uint64_t rss;
	uint64_t peak_rss;
	uint64_t footprint;
	uint64_t peak_footprint;
	uint64_t unique;	/* the memory cgroup's unique memory; */
	uint64_t peak_unique;	/* 0: not known, not shown */
};

/*
 * The live status line in at most width - 1 columns (the last one would
 * wrap on some terminals): the longest of its forms that fits, else the
 * shortest cut. buf gets the text (no newline).
 */
void report_status_line(char *buf, size_t len, int width,
			const struct status_figures *s);

/* Processes an interval table shows, the largest by current footprint. */
#define REPORT_INTERIM_TOP 15

/*
 * -i: current and peak figures of the live tree, then of its
 * REPORT_INTERIM_TOP largest processes now, one block per call.
 */
void report_interim(FILE *f, const struct tm_report *r, double elapsed_s);

/*
 * Write r in format fmt (TM_FORMAT_SVG: the chart of r->timeline); 0,
 * -EINVAL for a chart without a timeline, or -EIO.
 */
int report_write(FILE *f, const struct tm_report *r, enum tm_format fmt,
		 bool long_table);

struct output;
/*
 * The one place a report is written: r in format fmt to o (opened with
 * output_open()), then moved into place, or dropped if the write failed.
 * 0 or -errno.
 */
int report_save(struct output *o, const struct tm_report *r,
		enum tm_format fmt, bool long_table);

#endif /* TM_REPORT_H */
