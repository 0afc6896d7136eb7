// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "output/json_fields.h"
#include "common/utf8.h"
#include "output/file.h"
#include "output/plot.h"
#include "output/report.h"

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
	/* pick the decimals by the rounded value: 4 significant digits */
	if (v >= 999.5)
		snprintf(buf, len, "%.0f %s", v, units[u]);
	else if (v >= 99.995)
		snprintf(buf, len, "%.1f %s", v, units[u]);
	else
		snprintf(buf, len, "%.2f %s", v, units[u]);
}

/* Appends to buf (NUL-terminated, cut at len) what fmt gives. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	*used += n > 0 ? (size_t)n : 0;
}

/*
 * arg as a shell word that means arg again: as it is when every character
 * is safe, in single quotes otherwise ('\'' for a quote), and as $'...'
 * with escapes when it holds control characters.
 */
static void append_shell_word(char *buf, size_t len, size_t *used,
			      const char *arg)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_@%+=:,./-";
	bool control = false;
	const char *c;

	if (*arg && strspn(arg, safe) == strlen(arg)) {
		append(buf, len, used, "%s", arg);
		return;
	}
	for (c = arg; *c; c++)
		control |= (unsigned char)*c < 0x20 || *c == 0x7f;
	append(buf, len, used, control ? "$'" : "'");
	for (c = arg; *c; c++) {
		if (*c == '\'' && !control)
			append(buf, len, used, "'\\''");
		else if (control && (*c == '\'' || *c == '\\'))
			append(buf, len, used, "\\%c", *c);
		else if (control && *c == '\n')
			append(buf, len, used, "\\n");
		else if (control && *c == '\t')
			append(buf, len, used, "\\t");
		else if (control && ((unsigned char)*c < 0x20 || *c == 0x7f))
			append(buf, len, used, "\\x%02x", (unsigned char)*c);
		else
			append(buf, len, used, "%c", *c);
	}
	append(buf, len, used, "'");
}

void report_what(const struct tm_report *r, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	if (!r->command)
		append(buf, len, &used, "attached to pid");
	for (i = 0; r->command ? i < r->command_argc : i < r->ntargets; i++) {
		if (r->command) {
			append(buf, len, &used, "%s", i ? " " : "");
			append_shell_word(buf, len, &used, r->command[i]);
		} else {
			append(buf, len, &used, "%s%d", i ? "," : " ",
			       r->targets[i]);
		}
	}
}

/* Text from the traced processes or a saved report: no control bytes. */
#define SAFE_TEXT(name, text, also) \
	char name[4 * sizeof(text) > 64 ? 4 * sizeof(text) : 64]; \
	utf8_printable(text, also, name, sizeof(name))

/* A command line on one line, whatever its arguments hold. */
static void print_command(FILE *f, const struct tm_report *r)
{
	char what[4096], safe[4096];

	report_what(r, what, sizeof(what));
	utf8_printable(what, NULL, safe, sizeof(safe));
	fputs(safe, f);
}

enum col_kind {
	COL_BYTES,
	COL_COUNT,
};

/* A table column: where its value is in a process row and in TOTAL. */
struct column {
	const char *title;
	const char *key;	/* in JSON and CSV */
	enum col_kind kind;
	bool detail;	/* only with --long */
	bool of_mm;	/* the mm's figure: "-" for a process sharing one */
	size_t proc_off;
	size_t tree_off;
};

#define COL(t, key, k, d, m, pf, tf) \
	{ t, key, k, d, m, offsetof(struct tm_proc, pf), \
	  offsetof(struct tm_tree, tf) }

static const struct column columns[] = {
	COL("FOOTPRINT", "peak_footprint_bytes", COL_BYTES, false, true,
	    peak_footprint, peak_footprint),
	COL("PEAK_RSS", "peak_rss_bytes", COL_BYTES, false, true, peak_rss,
	    peak_rss),
	COL("ANON", "peak_anon_bytes", COL_BYTES, true, true, peak_anon,
	    peak_anon),
	COL("FILE", "peak_file_bytes", COL_BYTES, true, true, peak_file,
	    peak_file),
	COL("SHMEM", "peak_shmem_bytes", COL_BYTES, true, true, peak_shmem,
	    peak_shmem),
	COL("PGTABLES", "peak_pgtables_bytes", COL_BYTES, false, true,
	    peak_pgtables, peak_pgtables),
	COL("KSTACK", "peak_kstack_bytes", COL_BYTES, false, false,
	    peak_kstack, peak_kstack),
	COL("TASK_STRUCT", "peak_task_struct_bytes", COL_BYTES, true, false,
	    peak_task_struct, peak_task_struct),
	COL("PEAK_VM", "peak_vm_bytes", COL_BYTES, true, true, peak_vm,
	    peak_vm),
	COL("THREADS", "peak_threads", COL_COUNT, false, false, peak_threads,
	    peak_threads),
	COL("AT_PEAK", "rss_at_tree_peak_bytes", COL_BYTES, false, false,
	    rss_at_tree_peak, peak_rss),
	COL("MINFLT", "minor_faults", COL_COUNT, true, false, min_flt,
	    minor_faults),
	COL("MAJFLT", "major_faults", COL_COUNT, true, false, maj_flt,
	    major_faults),
};

#define NR_COLUMNS (sizeof(columns) / sizeof(columns[0]))

static uint64_t proc_value(const struct tm_proc *p, const struct column *c)
{
	return *(const uint64_t *)((const char *)p + c->proc_off);
}

static uint64_t tree_value(const struct tm_tree *t, const struct column *c)
{
	return *(const uint64_t *)((const char *)t + c->tree_off);
}

/* How a table is laid out: aligned text, or a Markdown table. */
struct layout {
	bool markdown;
	bool long_table;
	int w[NR_COLUMNS];	/* aligned: the data's, title's or note's width */
};

static void shared_note(const struct tm_proc *p, char *buf, size_t len)
{
	snprintf(buf, len, "(mm of %" PRIu32 ")", p->shared_mm_with);
}

/*
 * The default table fits 100 columns: pids have 7 digits at most
 * (PID_MAX_LIMIT), sizes 9 characters ("999.9 MiB"), counts widen their
 * column only when they need to.
 */
#define PID_WIDTH 7
#define BYTES_WIDTH 9

static void table_layout(const struct tm_report *r, bool long_table,
			 bool markdown, struct layout *lay)
{
	size_t i, j;
	char note[32];

	lay->markdown = markdown;
	lay->long_table = long_table;
	for (i = 0; i < NR_COLUMNS; i++) {
		int title = (int)strlen(columns[i].title);

		lay->w[i] = columns[i].kind == COL_BYTES ? BYTES_WIDTH : 7;
		if (title > lay->w[i])
			lay->w[i] = title;
	}
	/* the note goes in the first column, FOOTPRINT */
	for (j = 0; j < r->nprocs; j++) {
		if (!r->procs[j].shared_mm_with)
			continue;
		shared_note(&r->procs[j], note, sizeof(note));
		if ((int)strlen(note) > lay->w[0])
			lay->w[0] = strlen(note);
	}
}

static bool shown(const struct layout *lay, size_t i)
{
	return lay->long_table || !columns[i].detail;
}

/* One cell; width < 0 aligns left. The first cell opens the line. */
static void put(FILE *f, const struct layout *lay, bool first, int width,
		const char *text)
{
	if (lay->markdown)
		fprintf(f, "| %s ", text);
	else
		fprintf(f, "%s%*s", first ? "" : " ", width, text);
}

static void end_line(FILE *f, const struct layout *lay)
{
	fputs(lay->markdown ? "|\n" : "\n", f);
}

static void put_value(FILE *f, const struct layout *lay, size_t i,
		      uint64_t v)
{
	char buf[32];

	if (columns[i].kind == COL_BYTES)
		report_human_bytes(v, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
	put(f, lay, false, lay->w[i], buf);
}

static void table_header(FILE *f, const struct layout *lay)
{
	size_t i;

	put(f, lay, true, PID_WIDTH, "PID");
	put(f, lay, false, PID_WIDTH, "PPID");
	put(f, lay, false, -16, "COMM");
	for (i = 0; i < NR_COLUMNS; i++)
		if (shown(lay, i))
			put(f, lay, false, lay->w[i], columns[i].title);
	put(f, lay, false, 7, "EXIT");
	end_line(f, lay);
	if (!lay->markdown)
		return;
	fputs("|---:|---:|:---", f);
	for (i = 0; i < NR_COLUMNS; i++)
		if (shown(lay, i))
			fputs("|---:", f);
	fputs("|---:|\n", f);
}

/* A name from the traced processes: no control bytes, no cell break. */
static void put_safe(FILE *f, const struct layout *lay, const char *text)
{
	char safe[4 * TASK_COMM_LEN];

	utf8_printable(text, lay->markdown ? "|" : NULL, safe, sizeof(safe));
	put(f, lay, false, -16, safe);
}

static void table_row(FILE *f, const struct tm_proc *p,
		      const struct layout *lay)
{
	char note[32], buf[32];
	bool first = true;
	size_t i;

	snprintf(buf, sizeof(buf), "%" PRIu32, p->pid);
	put(f, lay, true, PID_WIDTH, buf);
	snprintf(buf, sizeof(buf), "%" PRIu32, p->ppid);
	put(f, lay, false, PID_WIDTH, buf);
	put_safe(f, lay, p->comm);
	/* a process on another's mm: that memory is in the owner's row */
	shared_note(p, note, sizeof(note));
	for (i = 0; i < NR_COLUMNS; i++) {
		if (!shown(lay, i))
			continue;
		if (p->shared_mm_with && columns[i].of_mm)
			put(f, lay, false, lay->w[i], first ? note : "-");
		else
			put_value(f, lay, i, proc_value(p, &columns[i]));
		first = false;
	}
	if (p->alive)
		snprintf(buf, sizeof(buf), "running");
	else
		snprintf(buf, sizeof(buf), "%d", p->exit_code);
	put(f, lay, false, 7, buf);
	end_line(f, lay);
}

static void table_total(FILE *f, const struct tm_report *r,
			const struct layout *lay)
{
	char buf[16] = "-";
	size_t i;

	put(f, lay, true, PID_WIDTH, "TOTAL");
	put(f, lay, false, PID_WIDTH, "");
	put(f, lay, false, -16, "(simultaneous)");
	for (i = 0; i < NR_COLUMNS; i++)
		if (shown(lay, i))
			put_value(f, lay, i, tree_value(&r->tree, &columns[i]));
	if (r->command)
		snprintf(buf, sizeof(buf), "%d", r->exit_code);
	put(f, lay, false, 7, buf);
	end_line(f, lay);
}

/* Attached: peaks are since attach; the kernel knows the older peak. */
static void table_vmhwm(FILE *f, const struct tm_report *r)
{
	char buf[32];
	size_t i;

	fprintf(f, "\npeaks above are since attach; the kernel's VmHWM "
		   "(peak RSS since the process started):\n");
	for (i = 0; i < r->nprocs; i++) {
		const struct tm_proc *p = &r->procs[i];

		if (!p->attached || !p->kernel_vmhwm)
			continue;
		SAFE_TEXT(comm, p->comm, NULL);
		report_human_bytes(p->kernel_vmhwm, buf, sizeof(buf));
		fprintf(f, "%8" PRIu32 " %-16s %10s\n", p->pid, comm, buf);
	}
}

/* The kernel's memory cgroup peak beside taskmem's footprint. */
static void table_cgroup(FILE *f, const struct tm_report *r)
{
	const struct cgroup_peaks *c = &r->cgroup;
	char usage[32], kmem[32], fp[32];
	double diff = 0.0;

	report_human_bytes(c->usage, usage, sizeof(usage));
	report_human_bytes(c->kmem, kmem, sizeof(kmem));
	report_human_bytes(r->tree.peak_footprint, fp, sizeof(fp));
	if (c->usage)
		diff = 100.0 * ((double)r->tree.peak_footprint -
				(double)c->usage) / (double)c->usage;
	fprintf(f, "kernel's memory cgroup (v%d) peak: %s", c->version, usage);
	if (c->has_kmem)
		fprintf(f, ", of which kernel memory %s", kmem);
	fprintf(f, "; taskmem's footprint: %s (%+.1f%%)\n", fp, diff);
}

/*
 * The three views of the tree's memory: RSS summed over its processes,
 * unique (each page once, from its memory cgroup) and charged.
 */
static void table_unique(FILE *f, const struct tm_report *r)
{
	const struct unique_result *u = &r->unique;
	const __u64 *it = u->at_peak.item;
	char sum[32], uniq[32], shared[32], charged[32], wm[32];
	char anon[32], shmem[32], mapped[32], kern[32], safe[UNIQUE_SOURCE_LEN];

	if (!u->source[0])
		return;
	utf8_printable(u->source, NULL, safe, sizeof(safe));
	if (!u->valid) {
		fprintf(f, "\nmemory cgroup: %s; shared pages are counted once "
			   "per process\n", safe);
		return;
	}
	report_human_bytes(r->tree.peak_rss, sum, sizeof(sum));
	report_human_bytes(u->peak_unique, uniq, sizeof(uniq));
	report_human_bytes(u->shared_at_peak, shared, sizeof(shared));
	report_human_bytes(u->peak_charged, charged, sizeof(charged));
	report_human_bytes(it[UNIQUE_ANON], anon, sizeof(anon));
	report_human_bytes(it[UNIQUE_SHMEM], shmem, sizeof(shmem));
	report_human_bytes(unique_file_mapped_only(&u->at_peak), mapped,
			   sizeof(mapped));
	report_human_bytes(u->peak_unique - unique_rss(&u->at_peak), kern,
			   sizeof(kern));
	fprintf(f, "\nmemory cgroup (%s", safe);
	if (u->sample_ms)
		fprintf(f, ", every %" PRIu64 " ms and at each new RSS peak",
			u->sample_ms);
	/* what RSS has beyond unique memory: pages shared in the tree, and
	 * file pages cached (and charged) before the run */
	fprintf(f, "):\n  %s of RSS summed over %" PRIu64 " process%s, %s "
		   "unique: %s counted more than once or cached before\n",
		sum, r->tree.peak_processes,
		r->tree.peak_processes == 1 ? "" : "es", uniq, shared);
	fprintf(f, "  unique at its peak: anon %s, shmem %s, mapped files %s, "
		   "kernel %s\n", anon, shmem, mapped, kern);
	if (u->charged_watermark) {
		report_human_bytes(u->charged_watermark, wm, sizeof(wm));
		fprintf(f, "  charged: %s at most while traced (sampled; the "
			   "cgroup's own watermark since it was made: %s)\n",
			charged, wm);
	} else {
		fprintf(f, "  charged: %s at its peak (the kernel's watermark, "
			   "page cache included)\n", charged);
	}
}

static void print_safe(FILE *f, const char *text)
{
	char safe[1024];

	utf8_printable(text, NULL, safe, sizeof(safe));
	fputs(safe, f);
}

/* What could not be recorded or read exactly, each with its remedy. */
static void table_warnings(FILE *f, const struct tm_report *r)
{
	uint64_t full = r->lost_procs + r->lost_mms;
	uint64_t other = r->lost_events - full - r->lost_ring;
	char buf[32];

	if (full)
		fprintf(f, "WARNING: %" PRIu64 " processes and %" PRIu64
			   " mms not tracked (maps full): figures are "
			   "incomplete; raise --max-procs\n",
			r->lost_procs, r->lost_mms);
	if (r->lost_ring)
		fprintf(f, "WARNING: %" PRIu64 " exit records lost (the ring "
			   "buffer was full): those processes' rows are "
			   "missing; the tree's totals still count them\n",
			r->lost_ring);
	if (r->lost_events > full + r->lost_ring && other)
		fprintf(f, "WARNING: %" PRIu64 " records lost (out of "
			   "memory in taskmem): figures are incomplete\n",
			other);
	if (r->lost_peak_raises)
		fprintf(f, "WARNING: %" PRIu64 " peak updates given up "
			   "under contention: a peak may be low by the "
			   "concurrent change\n", r->lost_peak_raises);
	if (r->counter_error_pages) {
		report_human_bytes(r->counter_error_pages * r->page_size, buf,
				   sizeof(buf));
		fprintf(f, "WARNING: per-CPU counters could not be read: RSS "
			   "figures are the kernel's approximate counters, "
			   "each off by up to %s\n", buf);
	}
}

/* The largest peak RSS of one process (what wait4's maxrss measures). */
static uint64_t largest_peak_rss(const struct tm_report *r)
{
	uint64_t max = 0;
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].peak_rss > max)
			max = r->procs[i].peak_rss;
	return max;
}

/*
 * Above TABLE_GROUP_ABOVE processes, the table shows the TABLE_GROUP_TOP
 * largest by peak footprint, and a row per command name for the rest.
 */
#define TABLE_GROUP_ABOVE 20
#define TABLE_GROUP_TOP 15

/* The processes of one command name, not shown one by one. */
struct group {
	const char *comm;
	size_t count;
	uint64_t largest;	/* the largest peak footprint of one */
	struct tm_proc sum;	/* each column summed */
	int exit_code;
	bool alive, mixed;	/* some running; exit codes differ */
};

static int by_peak_footprint(const void *a, const void *b)
{
	const struct tm_proc *x = *(const struct tm_proc *const *)a;
	const struct tm_proc *y = *(const struct tm_proc *const *)b;

	if (x->peak_footprint != y->peak_footprint)
		return x->peak_footprint < y->peak_footprint ? 1 : -1;
	return x < y ? -1 : x > y;
}

static int by_comm(const void *a, const void *b)
{
	const struct tm_proc *x = *(const struct tm_proc *const *)a;
	const struct tm_proc *y = *(const struct tm_proc *const *)b;

	return strcmp(x->comm, y->comm);
}

static int by_group_footprint(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->sum.peak_footprint != y->sum.peak_footprint)
		return x->sum.peak_footprint < y->sum.peak_footprint ? 1 : -1;
	return strcmp(x->comm, y->comm);
}

static void group_add(struct group *g, const struct tm_proc *p)
{
	size_t i;

	if (!g->count++) {
		g->comm = p->comm;
		g->exit_code = p->exit_code;
	}
	if (p->peak_footprint > g->largest)
		g->largest = p->peak_footprint;
	for (i = 0; i < NR_COLUMNS; i++) {
		/* a process on another's mm: its memory is the owner's */
		if (p->shared_mm_with && columns[i].of_mm)
			continue;
		*(uint64_t *)((char *)&g->sum + columns[i].proc_off) +=
			proc_value(p, &columns[i]);
	}
	g->alive |= p->alive;
	g->mixed |= p->alive || p->exit_code != g->exit_code;
}

/*
 * The processes not among the largest, by command name, largest group
 * first, into *groups; their number, or 0 (no grouping, or no memory).
 */
static size_t make_groups(const struct tm_report *r, bool *shown_row,
			  struct group **groups)
{
	const struct tm_proc **p = NULL;
	size_t i, n = r->nprocs, ng = 0;

	*groups = NULL;
	if (r->all_processes || n <= TABLE_GROUP_ABOVE)
		return 0;
	p = calloc(n, sizeof(*p));
	*groups = calloc(n, sizeof(**groups));
	if (!p || !*groups)
		goto fail;
	for (i = 0; i < n; i++)
		p[i] = &r->procs[i];
	qsort(p, n, sizeof(*p), by_peak_footprint);
	for (i = 0; i < TABLE_GROUP_TOP; i++)
		shown_row[p[i] - r->procs] = true;
	qsort(p + TABLE_GROUP_TOP, n - TABLE_GROUP_TOP, sizeof(*p), by_comm);
	for (i = TABLE_GROUP_TOP; i < n; i++) {
		if (ng && !strcmp((*groups)[ng - 1].comm, p[i]->comm))
			group_add(&(*groups)[ng - 1], p[i]);
		else
			group_add(&(*groups)[ng++], p[i]);
	}
	qsort(*groups, ng, sizeof(**groups), by_group_footprint);
	free(p);
	return ng;
fail:
	free(p);
	free(*groups);
	*groups = NULL;
	for (i = 0; i < n; i++)
		shown_row[i] = true;
	return 0;
}

static void group_row(FILE *f, const struct group *g, const struct layout *lay)
{
	char comm[4 * TASK_COMM_LEN], cell[4 * TASK_COMM_LEN + 32], buf[32];
	size_t i;

	put(f, lay, true, PID_WIDTH, "");
	put(f, lay, false, PID_WIDTH, "");
	utf8_printable(g->comm, lay->markdown ? "|" : NULL, comm, sizeof(comm));
	/* "×" is two bytes and one column: pad by hand */
	snprintf(cell, sizeof(cell), "%s \u00d7%zu", comm, g->count);
	if (lay->markdown)
		fprintf(f, "| %s ", cell);
	else
		fprintf(f, " %s%*s", cell,
			(int)(strlen(cell) - 1 < 16 ? 16 - (strlen(cell) - 1) : 0),
			"");
	for (i = 0; i < NR_COLUMNS; i++)
		if (shown(lay, i))
			put_value(f, lay, i, proc_value(&g->sum, &columns[i]));
	if (g->mixed)
		snprintf(buf, sizeof(buf), "mixed");
	else if (g->alive)
		snprintf(buf, sizeof(buf), "running");
	else
		snprintf(buf, sizeof(buf), "%d", g->exit_code);
	put(f, lay, false, 7, buf);
	end_line(f, lay);
}

/* Under the table: what the grouped rows are, and each group's largest. */
static void group_note(FILE *f, const struct tm_report *r,
		       const struct group *g, size_t ng)
{
	char buf[32], comm[4 * TASK_COMM_LEN];
	size_t i;

	fprintf(f, "\n%zu of %zu processes grouped by command (COMM \u00d7count:"
		   " their peaks summed; --all-processes shows each); the "
		   "largest of one:", r->nprocs - TABLE_GROUP_TOP, r->nprocs);
	for (i = 0; i < ng && i < 8; i++) {
		report_human_bytes(g[i].largest, buf, sizeof(buf));
		utf8_printable(g[i].comm, NULL, comm, sizeof(comm));
		fprintf(f, "%s %s %s", i ? "," : "", comm, buf);
	}
	fputs(i < ng ? ", ...\n" : "\n", f);
}

static void render_table(FILE *f, const struct tm_report *r, bool long_table,
			 bool markdown)
{
	struct group *groups = NULL;
	bool *shown_row;
	size_t ng = 0;
	const struct tm_tree *t = &r->tree;
	struct layout lay;
	char buf[32];
	size_t i;

	fprintf(f, markdown ? "**taskmem**: `" : "taskmem: ");
	print_command(f, r);
	fprintf(f, markdown ? "`\n\n" : "\n  ");
	if (r->command) {
		fprintf(f, "exit %d, ", r->exit_code);
	} else {
		fputs("stopped: ", f);
		print_safe(f, r->stop_reason);
		fputs(", ", f);
	}
	fprintf(f, "%.3f s, %" PRIu64 " processes (%" PRIu64 " at once), %"
		   PRIu64 " threads (%" PRIu64 " at once)\n\n",
		r->duration_s, t->processes_total, t->peak_processes,
		t->threads_total, t->peak_threads);
	table_layout(r, long_table, markdown, &lay);
	table_header(f, &lay);
	shown_row = calloc(r->nprocs ? r->nprocs : 1, sizeof(*shown_row));
	if (shown_row)
		ng = make_groups(r, shown_row, &groups);
	for (i = 0; i < r->nprocs; i++)
		if (!ng || shown_row[i])
			table_row(f, &r->procs[i], &lay);
	for (i = 0; i < ng; i++)
		group_row(f, &groups[i], &lay);
	table_total(f, r, &lay);
	if (ng)
		group_note(f, r, groups, ng);
	free(groups);
	free(shown_row);

	if (r->command) {
		report_human_bytes(r->kernel_maxrss, buf, sizeof(buf));
		fprintf(f, "\nkernel's max RSS of one process (wait4 on the "
			   "root): %s%s\n", buf, r->kernel_maxrss >
			   largest_peak_rss(r) ? "\n  (above the table: it counts "
			   "the root before exec, a copy of taskmem)" : "");
	} else {
		table_vmhwm(f, r);
	}
	table_unique(f, r);
	if (r->cgroup.version)
		table_cgroup(f, r);
	table_warnings(f, r);
}

void report_table(FILE *f, const struct tm_report *r, bool long_table)
{
	render_table(f, r, long_table, false);
}

void report_markdown(FILE *f, const struct tm_report *r, bool long_table)
{
	render_table(f, r, long_table, true);
}

/* Every column, in bytes and counts, a row per process and TOTAL. */
void report_csv(FILE *f, const struct tm_report *r)
{
	size_t i, j;

	fputs("pid,ppid,comm", f);
	for (i = 0; i < NR_COLUMNS; i++)
		fprintf(f, ",%s", columns[i].key);
	fputs(",shared_mm_with,alive_at_end,exit_code\n", f);
	for (j = 0; j < r->nprocs; j++) {
		const struct tm_proc *p = &r->procs[j];

		fprintf(f, "%" PRIu32 ",%" PRIu32 ",", p->pid, p->ppid);
		report_csv_string(f, p->comm);
		for (i = 0; i < NR_COLUMNS; i++)
			fprintf(f, ",%" PRIu64, proc_value(p, &columns[i]));
		fprintf(f, ",%" PRIu32 ",%d,", p->shared_mm_with, p->alive);
		if (!p->alive)
			fprintf(f, "%d", p->exit_code);
		fputc('\n', f);
	}
	fputs("TOTAL,,", f);
	report_csv_string(f, "(simultaneous)");
	for (i = 0; i < NR_COLUMNS; i++)
		fprintf(f, ",%" PRIu64, tree_value(&r->tree, &columns[i]));
	fputs(",0,0,", f);
	if (r->command)
		fprintf(f, "%d", r->exit_code);
	fputc('\n', f);
}

void report_status_line(char *buf, size_t len, int width,
			const struct status_figures *s)
{
	char rss[32], prss[32], fp[32], pfp[32], un[32], pun[32], line[384];
	int form, max = width > 1 ? width - 1 : 1;

	report_human_bytes(s->rss, rss, sizeof(rss));
	report_human_bytes(s->peak_rss, prss, sizeof(prss));
	report_human_bytes(s->footprint, fp, sizeof(fp));
	report_human_bytes(s->peak_footprint, pfp, sizeof(pfp));
	report_human_bytes(s->unique, un, sizeof(un));
	report_human_bytes(s->peak_unique, pun, sizeof(pun));
	/* from the fullest form to the tersest; the first that fits wins */
	for (form = s->peak_unique ? -1 : 0; form < 4; form++) {
		switch (form) {
		case -1:
			snprintf(line, sizeof(line), "[%.1f s] %" PRIu64
				 " processes, %" PRIu64 " threads; RSS %s "
				 "(peak %s), footprint %s (peak %s), unique %s "
				 "(peak %s)", s->elapsed_s, s->processes,
				 s->threads, rss, prss, fp, pfp, un, pun);
			break;
		case 0:
			snprintf(line, sizeof(line), "[%.1f s] %" PRIu64
				 " processes, %" PRIu64 " threads; RSS %s "
				 "(peak %s), footprint %s (peak %s)",
				 s->elapsed_s, s->processes, s->threads, rss,
				 prss, fp, pfp);
			break;
		case 1:
			snprintf(line, sizeof(line), "[%.0fs] %" PRIu64 " proc %"
				 PRIu64 " thr RSS %s/%s fp %s/%s",
				 s->elapsed_s, s->processes, s->threads, rss,
				 prss, fp, pfp);
			break;
		case 2:
			snprintf(line, sizeof(line), "[%.0fs] RSS %s fp %s "
				 "(peak %s)", s->elapsed_s, rss, fp, pfp);
			break;
		default:
			snprintf(line, sizeof(line), "fp %s (peak %s)", fp,
				 pfp);
			break;
		}
		if ((int)strlen(line) <= max)
			break;
	}
	snprintf(buf, len, "%.*s", max, line);
}

/* Larger current footprint first; then by pid, so the order is stable. */
static int by_cur_footprint(const void *a, const void *b)
{
	const struct tm_proc *x = *(const struct tm_proc *const *)a;
	const struct tm_proc *y = *(const struct tm_proc *const *)b;

	if (x->cur_footprint != y->cur_footprint)
		return x->cur_footprint < y->cur_footprint ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

void report_interim(FILE *f, const struct tm_report *r, double elapsed_s)
{
	const struct tm_tree *t = &r->tree;
	char rss[32], prss[32], fp[32], pfp[32];
	const struct tm_proc **live;
	uint64_t rest_rss = 0, rest_fp = 0;
	size_t i, n = 0;

	report_human_bytes(t->cur_rss, rss, sizeof(rss));
	report_human_bytes(t->peak_rss, prss, sizeof(prss));
	report_human_bytes(t->cur_footprint, fp, sizeof(fp));
	report_human_bytes(t->peak_footprint, pfp, sizeof(pfp));
	fprintf(f, "[%9.1f s] %" PRIu64 " processes, %" PRIu64 " threads; RSS "
		   "%s (peak %s), footprint %s (peak %s)",
		elapsed_s, t->cur_processes, t->cur_threads, rss, prss, fp, pfp);
	if (r->unique.valid) {
		report_human_bytes(r->unique.cur_unique, fp, sizeof(fp));
		report_human_bytes(r->unique.peak_unique, pfp, sizeof(pfp));
		fprintf(f, ", unique %s (peak %s)", fp, pfp);
	}
	fputc('\n', f);
	fprintf(f, "%8s %-16s %10s %10s %10s %10s %8s\n", "PID", "COMM", "RSS",
		"PEAK_RSS", "FOOTPRINT", "PEAK_FP", "THREADS");
	/* the largest now: a table of 20k rows every interval helps no one */
	live = calloc(r->nprocs ? r->nprocs : 1, sizeof(*live));
	for (i = 0; live && i < r->nprocs; i++)
		if (r->procs[i].alive)
			live[n++] = &r->procs[i];
	if (live)
		qsort(live, n, sizeof(*live), by_cur_footprint);
	for (i = 0; i < n; i++) {
		const struct tm_proc *p = live[i];

		if (i >= REPORT_INTERIM_TOP) {
			rest_rss += p->cur_rss;
			rest_fp += p->cur_footprint;
			continue;
		}
		SAFE_TEXT(comm, p->comm, NULL);
		report_human_bytes(p->cur_rss, rss, sizeof(rss));
		report_human_bytes(p->peak_rss, prss, sizeof(prss));
		report_human_bytes(p->cur_footprint, fp, sizeof(fp));
		report_human_bytes(p->peak_footprint, pfp, sizeof(pfp));
		fprintf(f, "%8" PRIu32 " %-16s %10s %10s %10s %10s %8" PRIu64
			   "\n", p->pid, comm, rss, prss, fp, pfp,
			p->cur_threads);
	}
	if (n > REPORT_INTERIM_TOP) {
		report_human_bytes(rest_rss, rss, sizeof(rss));
		report_human_bytes(rest_fp, fp, sizeof(fp));
		fprintf(f, "%8s %-16s %10s %10s %10s\n", "",
			"(others)", rss, "", fp);
		fprintf(f, "  %zu more processes, smaller now\n",
			n - REPORT_INTERIM_TOP);
	}
	free(live);
	fflush(f);
}

void report_csv_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
	}
	fputc('"', f);
}

/* A comm cut at 15 bytes by the kernel can end in half a character. */
void report_json_string(FILE *f, const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	size_t left = strlen(s), n;

	fputc('"', f);
	while (*c) {
		n = utf8_char((const char *)c, left);
		left -= n ? n : 1;
		if (!n) {
			fputs("\\ufffd", f);
			c++;
		} else if (*c == '"' || *c == '\\') {
			fprintf(f, "\\%c", *c++);
		} else if (*c < 0x20 || *c == 0x7f) {
			fprintf(f, "\\u%04x", *c++);
		} else {
			fwrite(c, 1, n, f);
			c += n;
		}
	}
	fputc('"', f);
}

static void json_u64(FILE *f, const char *key, uint64_t v, const char *sep)
{
	fprintf(f, "\"%s\": %" PRIu64 "%s", key, v, sep);
}

/* The fields of table t in obj, ", " apart; alive: a process still running. */
static void json_fields(FILE *f, const struct json_field *t, size_t n,
			const void *obj, bool alive)
{
	const char *base = obj;
	size_t i;

	for (i = 0; i < n; i++) {
		const void *v = base + t[i].off;

		fprintf(f, "%s\"%s\": ", i ? ", " : "", t[i].key);
		switch (t[i].kind) {
		case JF_U32:
			fprintf(f, "%" PRIu32, *(const uint32_t *)v);
			break;
		case JF_U64:
			fprintf(f, "%" PRIu64, *(const uint64_t *)v);
			break;
		case JF_U64_OR_NULL:
			if (*(const uint64_t *)v)
				fprintf(f, "%" PRIu64, *(const uint64_t *)v);
			else
				fputs("null", f);
			break;
		case JF_STRING:
			report_json_string(f, v);
			break;
		case JF_BOOL:
			fputs(*(const bool *)v ? "true" : "false", f);
			break;
		case JF_EXIT:
			if (alive)
				fputs("null", f);
			else
				fprintf(f, "%d", *(const int *)v);
			break;
		case JF_SECONDS:
		case JF_SECONDS_OR_NULL:
			if (alive && t[i].kind == JF_SECONDS_OR_NULL)
				fputs("null", f);
			else
				fprintf(f, "%.6f", *(const double *)v);
			break;
		}
	}
}

static void json_proc(FILE *f, const struct tm_proc *p, const char *sep)
{
	fprintf(f, "    {");
	json_fields(f, json_proc_fields, json_proc_nfields, p, p->alive);
	fprintf(f, "}%s\n", sep);
}

/* The kept samples, as rows of numbers under named columns. */
static void json_timeline(FILE *f, const struct tm_report *r)
{
	const struct timeline *tl = r->timeline;
	size_t i;

	fprintf(f, "  \"timeline\": {\"sample_ms\": %lu, \"samples\": %"
		   PRIu64 ", \"samples_per_point\": %zu, "
		   "\"peak_footprint_time_s\": %.6f,\n", r->sample_ms,
		tl->samples, tl->merge, r->peak_footprint_s);
	fputs("    \"columns\": [\"time_s\", \"processes\", \"threads\", "
	      "\"rss_bytes\", \"anon_bytes\", \"file_bytes\", \"shmem_bytes\", "
	      "\"max_rss_bytes\", \"footprint_bytes\", \"max_footprint_bytes\", "
	      "\"kernel_bytes\", \"unique_bytes\"],\n    \"points\": [", f);
	for (i = 0; i < tl->n; i++) {
		const struct tl_sample *s = &tl->s[i];

		fprintf(f, "%s\n      [%.6f, %" PRIu64 ", %" PRIu64 ", %" PRIu64
			   ", %" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %" PRIu64
			   ", %" PRIu64 ", %" PRIu64 ", %" PRIu64 ", %" PRIu64
			   "]",
			i ? "," : "", s->t, s->processes, s->threads, s->rss,
			s->anon, s->file, s->shmem, s->max_rss, s->footprint,
			s->max_footprint, s->kmem, s->unique);
	}
	fputs("]},\n", f);
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
		report_json_string(f, r->command[a]);
	}
	fprintf(f, "],\n  \"attached_pids\": [");
	for (a = 0; a < r->ntargets; a++)
		fprintf(f, "%s%d", a ? ", " : "", r->targets[a]);
	fprintf(f, "],\n  \"stop_reason\": ");
	report_json_string(f, r->stop_reason ? r->stop_reason : "");
	if (r->command)
		fprintf(f, ",\n  \"exit_code\": %d,\n", r->exit_code);
	else
		fprintf(f, ",\n  \"exit_code\": null,\n");
	fprintf(f, "  \"duration_s\": %.6f,\n  ", r->duration_s);
	json_u64(f, "kernel_maxrss_bytes", r->kernel_maxrss, ",\n  ");
	json_u64(f, "lost_events", r->lost_events, ",\n  ");
	json_u64(f, "lost_processes", r->lost_procs, ",\n  ");
	json_u64(f, "lost_mms", r->lost_mms, ",\n  ");
	json_u64(f, "lost_ring_records", r->lost_ring, ",\n  ");
	json_u64(f, "lost_peak_raises", r->lost_peak_raises, ",\n  ");
	json_u64(f, "counter_error_bytes",
		 r->counter_error_pages * r->page_size, ",\n  ");
	json_u64(f, "page_size", r->page_size, ",\n");
	fprintf(f, "  \"kernel_objects\": {");
	json_fields(f, json_kobj_fields, json_kobj_nfields, &r->ksize, false);
	fprintf(f, "},\n");
	if (r->cgroup.version) {
		fprintf(f, "  \"cgroup\": {\"version\": %d, ", r->cgroup.version);
		json_u64(f, "peak_usage_bytes", r->cgroup.usage,
			 r->cgroup.has_kmem ? ", " : "},\n");
		if (r->cgroup.has_kmem)
			json_u64(f, "peak_kmem_bytes", r->cgroup.kmem, "},\n");
	}
	fprintf(f, "  \"tree\": {");
	json_fields(f, json_tree_fields, json_tree_nfields, t, false);
	fputs(",\n    ", f);
	json_fields(f, json_unique_fields, json_unique_nfields, &r->unique,
		    false);
	fputs(",\n    \"unique_at_peak\": ", f);
	if (r->unique.valid) {
		fputc('{', f);
		json_fields(f, json_unique_item_fields, json_unique_item_nfields,
			    &r->unique.at_peak, false);
		fputc('}', f);
	} else {
		fputs("null", f);
	}
	fprintf(f, "},\n");
	if (r->timeline)
		json_timeline(f, r);
	fprintf(f, "  \"processes\": [\n");
	for (i = 0; i < r->nprocs; i++)
		json_proc(f, &r->procs[i], i + 1 < r->nprocs ? "," : "");
	fprintf(f, "  ]\n}\n");
}

int report_write(FILE *f, const struct tm_report *r, enum tm_format fmt,
		 bool long_table)
{
	switch (fmt) {
	case TM_FORMAT_JSON:
		report_json(f, r);
		break;
	case TM_FORMAT_CSV:
		report_csv(f, r);
		break;
	case TM_FORMAT_MARKDOWN:
		report_markdown(f, r, long_table);
		break;
	case TM_FORMAT_TABLE:
		report_table(f, r, long_table);
		break;
	case TM_FORMAT_SVG:
		if (!r->timeline)
			return -EINVAL;
		plot_timeline(f, r, r->timeline);
		break;
	}
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}

int report_save(struct output *o, const struct tm_report *r,
		enum tm_format fmt, bool long_table)
{
	int err = report_write(o->f, r, fmt, long_table);

	/* a write error is output_commit()'s to tell exactly (ENOSPC) */
	if (err && err != -EIO) {
		output_abort(o);
		return err;
	}
	return output_commit(o);
}
