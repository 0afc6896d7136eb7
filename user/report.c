// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "report.h"

void report_human_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return;
	}
	while (v >= 1024.0 && u < 4) {
		v /= 1024.0;
		u++;
	}
	if (v >= 1000.0)
		snprintf(buf, len, "%.0f %s", v, units[u]);
	else if (v >= 100.0)
		snprintf(buf, len, "%.1f %s", v, units[u]);
	else
		snprintf(buf, len, "%.2f %s", v, units[u]);
}

static void print_command(FILE *f, const struct tm_report *r)
{
	int i;

	for (i = 0; i < r->command_argc; i++)
		fprintf(f, "%s%s", i ? " " : "", r->command[i]);
}

/* The memory columns shared by process rows and the TOTAL row. */
static void table_sizes(FILE *f, uint64_t rss, uint64_t anon, uint64_t file,
			uint64_t shmem, uint64_t vm)
{
	const uint64_t v[] = { rss, anon, file, shmem, vm };
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		report_human_bytes(v[i], buf, sizeof(buf));
		fprintf(f, " %10s", buf);
	}
}

static void table_row(FILE *f, const struct tm_proc *p)
{
	char at_peak[32], exitbuf[16];

	fprintf(f, "%8" PRIu32 " %8" PRIu32 " %-16s", p->pid, p->ppid, p->comm);
	if (p->shared_mm_with) {
		/* its memory is the owner's, counted in the owner's row */
		char shared[32];

		snprintf(shared, sizeof(shared), "(mm of %" PRIu32 ")",
			 p->shared_mm_with);
		fprintf(f, " %10s %10s %10s %10s %10s", shared, "-", "-", "-",
			"-");
	} else {
		table_sizes(f, p->peak_rss, p->peak_anon, p->peak_file,
			    p->peak_shmem, p->peak_vm);
	}
	report_human_bytes(p->rss_at_tree_peak, at_peak, sizeof(at_peak));
	if (p->alive)
		snprintf(exitbuf, sizeof(exitbuf), "running");
	else
		snprintf(exitbuf, sizeof(exitbuf), "%d", p->exit_code);
	fprintf(f, " %7" PRIu32 " %10s %9" PRIu64 " %7" PRIu64 " %7s\n",
		p->peak_threads, at_peak, p->min_flt, p->maj_flt, exitbuf);
}

void report_table(FILE *f, const struct tm_report *r)
{
	const struct tm_tree *t = &r->tree;
	char buf[32];
	size_t i;

	fprintf(f, "taskmem: ");
	print_command(f, r);
	fprintf(f, "\n  exit %d, %.3f s, %" PRIu64 " processes (%" PRIu64
		   " at once), %" PRIu64 " threads (%" PRIu64 " at once)\n\n",
		r->exit_code, r->duration_s, t->processes_total,
		t->peak_processes, t->threads_total, t->peak_threads);
	fprintf(f, "%8s %8s %-16s %10s %10s %10s %10s %10s %7s %10s %9s %7s %7s\n",
		"PID", "PPID", "COMM", "PEAK_RSS", "ANON", "FILE", "SHMEM",
		"PEAK_VM", "THREADS", "AT_PEAK", "MINFLT", "MAJFLT", "EXIT");
	for (i = 0; i < r->nprocs; i++)
		table_row(f, &r->procs[i]);
	fprintf(f, "%8s %8s %-16s", "TOTAL", "", "(simultaneous)");
	table_sizes(f, t->peak_rss, t->peak_anon, t->peak_file, t->peak_shmem,
		    t->peak_vm);
	report_human_bytes(t->peak_rss, buf, sizeof(buf));
	fprintf(f, " %7" PRIu64 " %10s %9" PRIu64 " %7" PRIu64 " %7d\n",
		t->peak_threads, buf, t->minor_faults, t->major_faults,
		r->exit_code);

	report_human_bytes(r->kernel_maxrss, buf, sizeof(buf));
	fprintf(f, "\nkernel max RSS of the root process (wait4): %s\n", buf);
	if (r->lost_events)
		fprintf(f, "WARNING: %" PRIu64 " records lost (%" PRIu64
			   " processes not tracked): figures are incomplete; "
			   "raise --max-procs\n",
			r->lost_events, r->lost_procs);
}

static void json_string(FILE *f, const char *s)
{
	const unsigned char *c;

	fputc('"', f);
	for (c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(f, "\\u%04x", *c);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

static void json_u64(FILE *f, const char *key, uint64_t v, const char *sep)
{
	fprintf(f, "\"%s\": %" PRIu64 "%s", key, v, sep);
}

static void json_proc(FILE *f, const struct tm_proc *p, const char *sep)
{
	fprintf(f, "    {");
	json_u64(f, "pid", p->pid, ", ");
	json_u64(f, "ppid", p->ppid, ", ");
	fprintf(f, "\"comm\": ");
	json_string(f, p->comm);
	fprintf(f, ", ");
	json_u64(f, "peak_rss_bytes", p->peak_rss, ", ");
	json_u64(f, "peak_anon_bytes", p->peak_anon, ", ");
	json_u64(f, "peak_file_bytes", p->peak_file, ", ");
	json_u64(f, "peak_shmem_bytes", p->peak_shmem, ", ");
	json_u64(f, "peak_vm_bytes", p->peak_vm, ", ");
	json_u64(f, "peak_threads", p->peak_threads, ", ");
	json_u64(f, "rss_at_tree_peak_bytes", p->rss_at_tree_peak, ", ");
	json_u64(f, "minor_faults", p->min_flt, ", ");
	json_u64(f, "major_faults", p->maj_flt, ", ");
	if (p->alive)
		fprintf(f, "\"exit_code\": null, ");
	else
		fprintf(f, "\"exit_code\": %d, ", p->exit_code);
	fprintf(f, "\"alive_at_end\": %s, ", p->alive ? "true" : "false");
	fprintf(f, "\"root\": %s, ", p->root ? "true" : "false");
	json_u64(f, "shared_mm_with", p->shared_mm_with, ", ");
	fprintf(f, "\"start_s\": %.6f, ", p->start_s);
	if (p->alive)
		fprintf(f, "\"end_s\": null}%s\n", sep);
	else
		fprintf(f, "\"end_s\": %.6f}%s\n", p->end_s, sep);
}

void report_json(FILE *f, const struct tm_report *r)
{
	const struct tm_tree *t = &r->tree;
	size_t i;
	int a;

	fprintf(f, "{\n  \"command\": [");
	for (a = 0; a < r->command_argc; a++) {
		if (a)
			fprintf(f, ", ");
		json_string(f, r->command[a]);
	}
	fprintf(f, "],\n  \"exit_code\": %d,\n", r->exit_code);
	fprintf(f, "  \"duration_s\": %.6f,\n  ", r->duration_s);
	json_u64(f, "kernel_maxrss_bytes", r->kernel_maxrss, ",\n  ");
	json_u64(f, "lost_events", r->lost_events, ",\n  ");
	json_u64(f, "lost_processes", r->lost_procs, ",\n  ");
	json_u64(f, "page_size", r->page_size, ",\n");
	fprintf(f, "  \"tree\": {");
	json_u64(f, "peak_rss_bytes", t->peak_rss, ", ");
	json_u64(f, "peak_anon_bytes", t->peak_anon, ", ");
	json_u64(f, "peak_file_bytes", t->peak_file, ", ");
	json_u64(f, "peak_shmem_bytes", t->peak_shmem, ", ");
	json_u64(f, "peak_vm_bytes", t->peak_vm, ", ");
	json_u64(f, "peak_threads", t->peak_threads, ", ");
	json_u64(f, "peak_processes", t->peak_processes, ", ");
	json_u64(f, "processes_total", t->processes_total, ", ");
	json_u64(f, "threads_total", t->threads_total, ", ");
	json_u64(f, "minor_faults", t->minor_faults, ", ");
	json_u64(f, "major_faults", t->major_faults, "},\n");
	fprintf(f, "  \"processes\": [\n");
	for (i = 0; i < r->nprocs; i++)
		json_proc(f, &r->procs[i], i + 1 < r->nprocs ? "," : "");
	fprintf(f, "  ]\n}\n");
}

int report_write(FILE *f, const struct tm_report *r, enum tm_format fmt)
{
	if (fmt == TM_FORMAT_JSON)
		report_json(f, r);
	else
		report_table(f, r);
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}
