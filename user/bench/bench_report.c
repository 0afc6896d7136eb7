// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "bench/bench_report.h"
#include "output/report.h"
#include "output/svg.h"

#define CELL_TEXT 96		/* bytes of a table cell */
#define REASON_SHOWN 32		/* bytes of a failure in a table cell */
#define NR_MEASURES 6
#define SHORT_MEASURES 3	/* without --long */

/* ---- figures ---- */

void bench_clock(double s, char *buf, size_t len)
{
	unsigned long t = s + 0.5;

	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60,
			 t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

void bench_cell_finish(struct bench_cell *c)
{
	double fp[BENCH_RUNS_MAX], rss[BENCH_RUNS_MAX], wall[BENCH_RUNS_MAX];
	double threads[BENCH_RUNS_MAX], procs[BENCH_RUNS_MAX];
	double uniq[BENCH_RUNS_MAX];
	struct bench_range r;
	int i;

	c->lost = 0;
	c->has_unique = c->nruns > 0;
	c->source = c->nruns > 0 ? c->runs[0].source : "";
	for (i = 0; i < c->nruns; i++) {
		fp[i] = c->runs[i].footprint;
		rss[i] = c->runs[i].rss;
		wall[i] = c->runs[i].wall_s;
		threads[i] = c->runs[i].threads;
		procs[i] = c->runs[i].procs;
		uniq[i] = c->runs[i].unique;
		c->lost += c->runs[i].lost;
		/* a median of some runs would not be the cell's: all or none */
		if (!c->runs[i].has_unique && c->has_unique) {
			c->has_unique = false;
			c->source = c->runs[i].source;
		}
	}
	bench_summarize(fp, c->nruns, &c->fp);
	bench_summarize(rss, c->nruns, &c->rss);
	memset(&c->uniq, 0, sizeof(c->uniq));
	if (c->has_unique)
		bench_summarize(uniq, c->nruns, &c->uniq);
	bench_summarize(wall, c->nruns, &c->wall);
	bench_summarize(threads, c->nruns, &r);
	c->threads = r.median;
	bench_summarize(procs, c->nruns, &r);
	c->procs = r.median;
	c->kstack = c->runs[0].kstack;
}

void bench_fit(const struct bench_results *b, struct bench_program *p)
{
	double x[BENCH_MAX_TASKS], fp[BENCH_MAX_TASKS], rss[BENCH_MAX_TASKS];
	double ux[BENCH_MAX_TASKS], uniq[BENCH_MAX_TASKS];
	int n = 0, nu = 0, t;

	for (t = 0; t < b->ntasks; t++) {
		const struct bench_cell *c = &p->cells[t];

		if (c->state != BENCH_OK)
			continue;
		x[n] = b->tasks[t];
		fp[n] = c->fp.median;
		rss[n++] = c->rss.median;
		if (!c->has_unique)
			continue;
		ux[nu] = b->tasks[t];
		uniq[nu++] = c->uniq.median;
	}
	p->has_slope = !bench_slope(x, fp, n, &p->fp_slope) &&
		       !bench_slope(x, rss, n, &p->rss_slope);
	p->has_unique_slope = !bench_slope(ux, uniq, nu, &p->unique_slope);
}

/* ---- text of the results ---- */

/* Bytes that may be negative (a slope), in human units. */
static void human(double v, char *buf, size_t len)
{
	if (v <= -0.5) {
		buf[0] = '-';
		report_human_bytes((uint64_t)(-v + 0.5), buf + 1, len - 1);
		return;
	}
	report_human_bytes(v > 0 ? (uint64_t)(v + 0.5) : 0, buf, len);
}

/*
 * "68.83 MiB"; with several runs "68.83 MiB (68.10-69.20)", the smallest
 * and largest run in the median's unit.
 */
static void range_text(const struct bench_results *b,
		       const struct bench_range *r, char *buf, size_t len)
{
	double div = 1, u;
	char med[32];
	int dec;

	human(r->median, med, sizeof(med));
	if (b->runs < 2) {
		snprintf(buf, len, "%s", med);
		return;
	}
	while (r->median / div >= 1024 && div < 1125899906842624.0)
		div *= 1024;
	u = r->median / div;
	dec = div == 1 || u >= 999.5 ? 0 : u >= 99.995 ? 1 : 2;
	snprintf(buf, len, "%s (%.*f-%.*f)", med, dec, r->min / div, dec,
		 r->max / div);
}

/* A failure as shown in a cell: "exit 1: panic: ..." shortened. */
static void failure_text(const struct bench_cell *c, size_t max, char *buf,
			 size_t len)
{
	char full[sizeof(c->reason) + sizeof(c->detail) + 2];

	snprintf(full, sizeof(full), "%s%s%s", c->reason,
		 *c->detail ? ": " : "", c->detail);
	bench_last_line(full, strlen(full), max, buf, len);
}

enum measure { M_FOOTPRINT, M_RSS, M_UNIQUE, M_THREADS, M_PROCS, M_WALL };

static const char *const measure_names[NR_MEASURES] = {
	"footprint", "rss", "unique", "threads", "processes", "wall",
};

static void cell_text(const struct bench_results *b,
		      const struct bench_program *p, int t, enum measure m,
		      char *buf, size_t len)
{
	const struct bench_cell *c = &p->cells[t];
	const char *mark = c->lost > 0 ? "*" : "";
	char v[CELL_TEXT - 2];

	if (c->state != BENCH_OK) {
		if (m != M_FOOTPRINT)
			snprintf(buf, len, "-");
		else if (c->state == BENCH_NOT_RUN)
			snprintf(buf, len, "not run");
		else if (c->state == BENCH_UNAVAILABLE)
			bench_last_line(p->unavailable, strlen(p->unavailable),
					REASON_SHOWN, buf, len);
		else
			failure_text(c, REASON_SHOWN, buf, len);
		return;
	}
	switch (m) {
	case M_FOOTPRINT:
	case M_RSS:
		range_text(b, m == M_FOOTPRINT ? &c->fp : &c->rss, v,
			   sizeof(v));
		break;
	case M_UNIQUE:
		/* no figures: the notes say why */
		if (!c->has_unique) {
			snprintf(buf, len, "-");
			return;
		}
		range_text(b, &c->uniq, v, sizeof(v));
		break;
	case M_THREADS:
	case M_PROCS:
		snprintf(v, sizeof(v), "%.0f",
			 m == M_THREADS ? c->threads : c->procs);
		break;
	case M_WALL:
		snprintf(v, sizeof(v), "%.2f s", c->wall.median);
		break;
	}
	snprintf(buf, len, "%s%s", v, mark);
}

/* PER_TASK and BASELINE: footprint, RSS and unique rows only. */
static void fit_text(const struct bench_results *b,
		     const struct bench_program *p, enum measure m,
		     bool baseline, char *buf, size_t len)
{
	const struct bench_cell *c = &p->cells[0];
	bool base = b->tasks[0] == 1 && c->state == BENCH_OK;

	buf[0] = '\0';
	if (m == M_UNIQUE) {
		if (baseline && base && c->has_unique)
			human(c->uniq.median, buf, len);
		else if (!baseline && p->has_unique_slope)
			human(p->unique_slope, buf, len);
		else
			snprintf(buf, len, "-");
		return;
	}
	if (m != M_FOOTPRINT && m != M_RSS)
		return;
	if (baseline && base)
		human(m == M_FOOTPRINT ? c->fp.median : c->rss.median, buf,
		      len);
	else if (!baseline && p->has_slope)
		human(m == M_FOOTPRINT ? p->fp_slope : p->rss_slope, buf, len);
	else
		snprintf(buf, len, "-");
}

/* The rows of the table and of markdown, header first. */
struct grid {
	int rows, cols;
	char (*text)[CELL_TEXT];
};

static char *grid_at(struct grid *g, int row, int col)
{
	return g->text[row * g->cols + col];
}

static int build_grid(const struct bench_results *b, struct grid *g,
		      bool markdown, bool long_form)
{
	static const char *const titles[2][4] = {
		{ "PROGRAM", "MEASURE", "PER_TASK", "BASELINE" },
		{ "program", "measure", "per task", "baseline" },
	};
	const char *const *ti = titles[markdown];
	int measures = long_form ? NR_MEASURES : SHORT_MEASURES;
	int i, m, t, row = 1;

	g->cols = b->ntasks + 4;
	g->rows = 1 + b->nprogs * measures;
	g->text = calloc(g->rows * g->cols, sizeof(*g->text));
	if (!g->text)
		return -ENOMEM;
	snprintf(grid_at(g, 0, 0), CELL_TEXT, "%s", ti[0]);
	snprintf(grid_at(g, 0, 1), CELL_TEXT, "%s", ti[1]);
	for (t = 0; t < b->ntasks; t++)
		snprintf(grid_at(g, 0, 2 + t), CELL_TEXT, "N=%lu", b->tasks[t]);
	snprintf(grid_at(g, 0, g->cols - 2), CELL_TEXT, "%s", ti[2]);
	snprintf(grid_at(g, 0, g->cols - 1), CELL_TEXT, "%s", ti[3]);
	for (i = 0; i < b->nprogs; i++) {
		const struct bench_program *p = &b->progs[i];

		for (m = 0; m < measures; m++, row++) {
			if (!m)
				snprintf(grid_at(g, row, 0), CELL_TEXT, "%s",
					 p->name);
			snprintf(grid_at(g, row, 1), CELL_TEXT, "%s",
				 measure_names[m]);
			for (t = 0; t < b->ntasks; t++)
				cell_text(b, p, t, m, grid_at(g, row, 2 + t),
					  CELL_TEXT);
			fit_text(b, p, m, false, grid_at(g, row, g->cols - 2),
				 CELL_TEXT);
			fit_text(b, p, m, true, grid_at(g, row, g->cols - 1),
				 CELL_TEXT);
		}
	}
	return 0;
}

/* Characters, not bytes: UTF-8 continuation bytes take no column. */
static int text_width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += (*s & 0xc0) != 0x80;
	return w;
}

static void write_table_grid(FILE *f, struct grid *g)
{
	int w[BENCH_MAX_TASKS + 4] = { 0 }, r, c, pad, last;

	for (r = 0; r < g->rows; r++)
		for (c = 0; c < g->cols; c++)
			if (text_width(grid_at(g, r, c)) > w[c])
				w[c] = text_width(grid_at(g, r, c));
	for (r = 0; r < g->rows; r++) {
		/* no trailing blanks: stop after the last cell with text */
		for (last = g->cols - 1; last > 0 && !*grid_at(g, r, last);)
			last--;
		for (c = 0; c <= last; c++) {
			const char *s = grid_at(g, r, c);

			pad = w[c] - text_width(s);
			/* names left, figures right */
			if (c < 2)
				fprintf(f, "%s%s%*s", c ? "  " : "", s,
					c < last ? pad : 0, "");
			else
				fprintf(f, "  %*s%s", pad, "", s);
		}
		fputc('\n', f);
	}
}

static void write_markdown_grid(FILE *f, struct grid *g)
{
	const char *s;
	int r, c;

	for (r = 0; r < g->rows; r++) {
		fputc('|', f);
		for (c = 0; c < g->cols; c++) {
			fputc(' ', f);
			for (s = grid_at(g, r, c); *s; s++)
				fprintf(f, *s == '|' ? "\\|" : "%c", *s);
			fputs(" |", f);
		}
		fputc('\n', f);
		if (r)
			continue;
		fputc('|', f);
		for (c = 0; c < g->cols; c++)
			fputs(c < 2 ? "---|" : "---:|", f);
		fputc('\n', f);
	}
}

/* A note under the table, the first one after a blank line. */
static void note(FILE *f, bool *first, const char *bullet, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));

static void note(FILE *f, bool *first, const char *bullet, const char *fmt,
		 ...)
{
	va_list ap;

	fprintf(f, "%s%s", *first ? "\n" : "", bullet);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	*first = false;
}

/* Why a cell that ran has no unique memory. */
static const char *unique_why(const struct bench_cell *c)
{
	if (c->state != BENCH_OK || c->has_unique)
		return NULL;
	return *c->source ? c->source : "the report has no memory_source";
}

/* Whether a cell before program i's cell t lacks it for the same reason. */
static bool said_before(const struct bench_results *b, int i, int t,
			const char *why)
{
	const char *w;
	int j, u;

	for (j = 0; j <= i; j++)
		for (u = 0; u < (j < i ? b->ntasks : t); u++) {
			w = unique_why(&b->progs[j].cells[u]);
			if (w && !strcmp(w, why))
				return true;
		}
	return false;
}

/* Append to buf, cut short when it is full. */
static void append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * Why the unique row shows "-" in cells that ran: a note per reason
 * (memory_source, e.g. "none: no memory controller"), with its cells.
 */
static void unique_notes(FILE *f, const struct bench_results *b,
			 const char *bullet, bool *first)
{
	char where[CELL_TEXT * 4];
	const char *why, *w;
	int i, t, j, u, ran = 0, n;

	for (i = 0; i < b->nprogs; i++)
		for (t = 0; t < b->ntasks; t++)
			ran += b->progs[i].cells[t].state == BENCH_OK;
	for (i = 0; i < b->nprogs; i++)
		for (t = 0; t < b->ntasks; t++) {
			why = unique_why(&b->progs[i].cells[t]);
			if (!why || said_before(b, i, t, why))
				continue;
			where[0] = '\0';
			n = 0;
			for (j = i; j < b->nprogs; j++) {
				bool named = false;

				for (u = 0; u < b->ntasks; u++) {
					w = unique_why(&b->progs[j].cells[u]);
					if (!w || strcmp(w, why))
						continue;
					if (!named)
						append(where, sizeof(where),
						       "%s%s at N=", n ? "; " : "",
						       b->progs[j].name);
					append(where, sizeof(where), "%s%lu",
					       named ? "," : "", b->tasks[u]);
					named = true;
					n++;
				}
			}
			note(f, first, bullet, "unique memory not known %s%s: %s",
			     n == ran ? "in any cell" : "for ",
			     n == ran ? "" : where, why);
		}
}

/* What the cells cannot show: reasons cut short, lost records. */
static void write_notes(FILE *f, const struct bench_results *b,
			const char *bullet)
{
	char why[CELL_TEXT * 3], shown[CELL_TEXT];
	bool lost = false, first = true;
	int i, t;

	for (i = 0; i < b->nprogs; i++) {
		const char *na = b->progs[i].unavailable;

		if (na && strlen(na) > REASON_SHOWN)
			note(f, &first, bullet, "%s: %s", b->progs[i].name, na);
		for (t = 0; t < b->ntasks; t++) {
			const struct bench_cell *c = &b->progs[i].cells[t];

			lost |= c->state == BENCH_OK && c->lost > 0;
			if (c->state != BENCH_FAILED)
				continue;
			failure_text(c, sizeof(why) - 1, why, sizeof(why));
			failure_text(c, REASON_SHOWN, shown, sizeof(shown));
			if (strcmp(why, shown))
				note(f, &first, bullet, "%s at N=%lu: %s",
				     b->progs[i].name, b->tasks[t], why);
		}
	}
	unique_notes(f, b, bullet, &first);
	if (lost)
		note(f, &first, bullet, "*: records were lost in this cell's "
		     "runs, its figures are incomplete");
}

static int write_text(FILE *f, const struct bench_results *b, bool markdown,
		      bool long_form)
{
	struct grid g;
	char el[32];
	int t;

	if (build_grid(b, &g, markdown, long_form))
		return -ENOMEM;
	bench_clock(b->elapsed_s, el, sizeof(el));
	if (!markdown) {
		fprintf(f, "taskmem bench: %d program%s, N =", b->nprogs,
			b->nprogs > 1 ? "s" : "");
		for (t = 0; t < b->ntasks; t++)
			fprintf(f, "%s %lu", t ? "," : "", b->tasks[t]);
		fprintf(f, ", %lu run%s per cell%s, {s} = %s; %s%s\n\n",
			b->runs, b->runs > 1 ? "s" : "",
			b->runs > 1 ? " (median, min-max)" : "", b->sleep, el,
			b->interrupted ? ", interrupted" : "");
		write_table_grid(f, &g);
	} else {
		write_markdown_grid(f, &g);
	}
	free(g.text);
	write_notes(f, b, markdown ? "- " : "  ");
	return 0;
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *f, const char *s, const char *sep)
{
	const char *c;

	if (!s[strcspn(s, ",\"\r\n")]) {
		fprintf(f, "%s%s", s, sep);
		return;
	}
	fputc('"', f);
	for (c = s; *c; c++)
		fprintf(f, *c == '"' ? "\"\"" : "%c", *c);
	fprintf(f, "\"%s", sep);
}

static const char *const state_names[] = {
	[BENCH_NOT_RUN] = "not run",
	[BENCH_OK] = "ok",
	[BENCH_FAILED] = "failed",
	[BENCH_UNAVAILABLE] = "unavailable",
};

/* A number, or nothing (CSV) when it is unknown. */
static void csv_number(FILE *f, bool known, double v, int decimals)
{
	if (known)
		fprintf(f, "%.*f", decimals, v);
	fputc(',', f);
}

static int write_csv(FILE *f, const struct bench_results *b)
{
	int i, t;

	fprintf(f, "program,n,status,reason,runs_ok,peak_footprint_bytes,"
		   "peak_footprint_min_bytes,peak_footprint_max_bytes,"
		   "peak_rss_bytes,peak_rss_min_bytes,peak_rss_max_bytes,"
		   "peak_threads,peak_processes,duration_s,lost_events,"
		   "footprint_per_task_bytes,rss_per_task_bytes,"
		   "baseline_footprint_bytes,peak_unique_bytes,"
		   "peak_unique_min_bytes,peak_unique_max_bytes,"
		   "unique_per_task_bytes,memory_source\n");
	for (i = 0; i < b->nprogs; i++) {
		const struct bench_program *p = &b->progs[i];
		bool base = b->tasks[0] == 1 && p->cells[0].state == BENCH_OK;

		for (t = 0; t < b->ntasks; t++) {
			const struct bench_cell *c = &p->cells[t];
			bool ok = c->state == BENCH_OK;
			char why[CELL_TEXT * 3] = "";

			if (c->state == BENCH_FAILED)
				failure_text(c, sizeof(why) - 1, why,
					     sizeof(why));
			else if (c->state == BENCH_UNAVAILABLE)
				snprintf(why, sizeof(why), "%s",
					 p->unavailable);
			csv_field(f, p->name, ",");
			fprintf(f, "%lu,%s,", b->tasks[t],
				state_names[c->state]);
			csv_field(f, why, ",");
			fprintf(f, "%d,", c->nruns);
			csv_number(f, ok, c->fp.median, 0);
			csv_number(f, ok, c->fp.min, 0);
			csv_number(f, ok, c->fp.max, 0);
			csv_number(f, ok, c->rss.median, 0);
			csv_number(f, ok, c->rss.min, 0);
			csv_number(f, ok, c->rss.max, 0);
			csv_number(f, ok, c->threads, 0);
			csv_number(f, ok, c->procs, 0);
			csv_number(f, ok, c->wall.median, 3);
			csv_number(f, ok, c->lost, 0);
			csv_number(f, p->has_slope, p->fp_slope, 1);
			csv_number(f, p->has_slope, p->rss_slope, 1);
			csv_number(f, base, p->cells[0].fp.median, 0);
			/* after the older columns: their positions stay */
			csv_number(f, ok && c->has_unique, c->uniq.median, 0);
			csv_number(f, ok && c->has_unique, c->uniq.min, 0);
			csv_number(f, ok && c->has_unique, c->uniq.max, 0);
			csv_number(f, p->has_unique_slope, p->unique_slope, 1);
			csv_field(f, ok ? c->source : "", "\n");
		}
	}
	return 0;
}

/* A JSON number written with these decimals, or null when unknown. */
static struct json_object *jnum(bool known, double v, int decimals)
{
	char buf[48];

	if (!known)
		return NULL;
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

static struct json_object *jstr(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

/* NAME_bytes, NAME_min_bytes and NAME_max_bytes of a cell: null unless known */
static void add_range(struct json_object *o, const char *name,
		      const struct bench_range *r, bool known)
{
	char key[64];

	snprintf(key, sizeof(key), "%s_bytes", name);
	json_object_object_add(o, key, jnum(known, r->median, 0));
	snprintf(key, sizeof(key), "%s_min_bytes", name);
	json_object_object_add(o, key, jnum(known, r->min, 0));
	snprintf(key, sizeof(key), "%s_max_bytes", name);
	json_object_object_add(o, key, jnum(known, r->max, 0));
}

static struct json_object *json_runs(const struct bench_cell *c)
{
	struct json_object *a = json_object_new_array(), *o;
	int i;

	for (i = 0; i < c->nruns; i++) {
		const struct bench_run *r = &c->runs[i];

		o = json_object_new_object();
		json_object_object_add(o, "peak_footprint_bytes",
				       jnum(true, r->footprint, 0));
		json_object_object_add(o, "peak_rss_bytes", jnum(true, r->rss, 0));
		json_object_object_add(o, "peak_threads",
				       jnum(true, r->threads, 0));
		json_object_object_add(o, "peak_processes",
				       jnum(true, r->procs, 0));
		json_object_object_add(o, "duration_s", jnum(true, r->wall_s, 6));
		json_object_object_add(o, "lost_events", jnum(true, r->lost, 0));
		json_object_object_add(o, "peak_unique_bytes",
				       jnum(r->has_unique, r->unique, 0));
		json_object_object_add(o, "memory_source", jstr(r->source));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_cell(const struct bench_results *b,
				     const struct bench_program *p, int t)
{
	const struct bench_cell *c = &p->cells[t];
	struct json_object *o = json_object_new_object();
	bool ok = c->state == BENCH_OK, uniq = ok && c->has_unique;

	json_object_object_add(o, "n", json_object_new_int64(b->tasks[t]));
	json_object_object_add(o, "status",
			       json_object_new_string(state_names[c->state]));
	json_object_object_add(o, "reason",
			       jstr(c->state == BENCH_UNAVAILABLE ?
				    p->unavailable : c->state == BENCH_FAILED ?
				    c->reason : NULL));
	json_object_object_add(o, "stderr",
			       jstr(c->state == BENCH_FAILED ? c->detail : NULL));
	add_range(o, "peak_footprint", &c->fp, ok);
	add_range(o, "peak_rss", &c->rss, ok);
	add_range(o, "peak_unique", &c->uniq, uniq);
	json_object_object_add(o, "memory_source",
			       jstr(ok ? c->source : NULL));
	json_object_object_add(o, "peak_threads", jnum(ok, c->threads, 0));
	json_object_object_add(o, "peak_processes", jnum(ok, c->procs, 0));
	json_object_object_add(o, "duration_s", jnum(ok, c->wall.median, 6));
	json_object_object_add(o, "lost_events", jnum(ok, c->lost, 0));
	json_object_object_add(o, "kstack_bytes", jnum(ok, c->kstack, 0));
	json_object_object_add(o, "runs", json_runs(c));
	return o;
}

static struct json_object *json_program(const struct bench_results *b,
					const struct bench_program *p)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cmd = json_object_new_array(), *cells;
	bool base = b->tasks[0] == 1 && p->cells[0].state == BENCH_OK;
	int i;

	json_object_object_add(o, "name", json_object_new_string(p->name));
	for (i = 0; i < p->nwords; i++)
		json_object_array_add(cmd, json_object_new_string(p->words[i]));
	json_object_object_add(o, "command", cmd);
	json_object_object_add(o, "unavailable", jstr(p->unavailable));
	json_object_object_add(o, "footprint_per_task_bytes",
			       jnum(p->has_slope, p->fp_slope, 1));
	json_object_object_add(o, "rss_per_task_bytes",
			       jnum(p->has_slope, p->rss_slope, 1));
	json_object_object_add(o, "unique_per_task_bytes",
			       jnum(p->has_unique_slope, p->unique_slope, 1));
	json_object_object_add(o, "baseline_footprint_bytes",
			       jnum(base, p->cells[0].fp.median, 0));
	cells = json_object_new_array();
	for (i = 0; i < b->ntasks; i++)
		json_object_array_add(cells, json_cell(b, p, i));
	json_object_object_add(o, "cells", cells);
	return o;
}

static int write_json(FILE *f, const struct bench_results *b)
{
	struct json_object *root = json_object_new_object(), *a;
	int i;

	a = json_object_new_array();
	for (i = 0; i < b->ntasks; i++)
		json_object_array_add(a, json_object_new_int64(b->tasks[i]));
	json_object_object_add(root, "tasks", a);
	json_object_object_add(root, "runs", json_object_new_int64(b->runs));
	json_object_object_add(root, "sleep", json_object_new_string(b->sleep));
	json_object_object_add(root, "duration_s",
			       jnum(true, b->elapsed_s, 3));
	json_object_object_add(root, "complete",
			       json_object_new_boolean(!b->interrupted));
	a = json_object_new_array();
	for (i = 0; i < b->nprogs; i++)
		json_object_array_add(a, json_program(b, &b->progs[i]));
	json_object_object_add(root, "programs", a);
	fprintf(f, "%s\n", json_object_to_json_string_ext(root,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return 0;
}

int bench_write(FILE *f, const struct bench_results *r, enum bench_format fmt,
		bool long_form)
{
	int err;

	switch (fmt) {
	case BENCH_CSV:
		err = write_csv(f, r);
		break;
	case BENCH_JSON:
		err = write_json(f, r);
		break;
	default:
		err = write_text(f, r, fmt == BENCH_MARKDOWN, long_form);
	}
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
	return err;
}

/* ---- charts ---- */

#define FP_FILL "#c6dbef"
#define RSS_FILL "#6baed6"
#define UNIQUE_FILL "#d94801"
#define CHART_HEIGHT 420

/* One bar: total (footprint) with its part (RSS) marked. */
struct bar {
	const char *label;
	bool ok;
	double total, part;
	bool has_unique;		/* a mark at unique */
	double unique;
	double lo, hi;			/* the runs' spread of total */
	char why[REASON_SHOWN + 1];	/* not ok: why */
};

static void draw_bar(struct svg *s, const struct svg_scale *y, double x,
		     double w, double v, const char *fill, const char *tip)
{
	double y0 = svg_scale_at(y, 0), y1 = svg_scale_at(y, v);

	svg_rect(s, x, y1 < y0 ? y1 : y0, w, y1 < y0 ? y0 - y1 : y1 - y0,
		 fill, tip);
}

/* The bar of one program, its values and its name. */
static void draw_program(struct svg *s, const struct svg_scale *y,
			 const struct svg_area *a, double cx, double band,
			 const struct bar *bar)
{
	double w = band * 0.6, x = cx - w / 2, top = svg_scale_at(y, bar->total);
	double zero = svg_scale_at(y, 0);
	bool turn = text_width(bar->label) * 7 > band;
	char total[32], part[32], uniq[32], tip[200];

	svg_text_rotated(s, turn ? cx + 4 : cx, a->y1 + 16, turn ? -30 : 0,
			 turn ? SVG_END : SVG_MIDDLE, 12, bar->label);
	if (!bar->ok) {
		svg_text_rotated(s, cx + 4, zero - 6, -90, SVG_START, 10,
				 bar->why);
		return;
	}
	human(bar->total, total, sizeof(total));
	human(bar->part, part, sizeof(part));
	human(bar->unique, uniq, sizeof(uniq));
	snprintf(tip, sizeof(tip), "%s: footprint %s, RSS %s%s%s", bar->label,
		 total, part, bar->has_unique ? ", unique " : "",
		 bar->has_unique ? uniq : "");
	draw_bar(s, y, x, w, bar->total, FP_FILL, tip);
	draw_bar(s, y, x, w, bar->part, RSS_FILL, tip);
	/* unique memory: a mark across the bar, wider than it */
	if (bar->has_unique)
		svg_rect(s, x - 4, svg_scale_at(y, bar->unique) - 1.5, w + 8, 3,
			 UNIQUE_FILL, tip);
	if (bar->hi > bar->lo) {
		svg_line(s, cx, svg_scale_at(y, bar->lo), cx,
			 svg_scale_at(y, bar->hi), "#222222", 1);
		svg_line(s, cx - 5, svg_scale_at(y, bar->hi), cx + 5,
			 svg_scale_at(y, bar->hi), "#222222", 1);
		svg_line(s, cx - 5, svg_scale_at(y, bar->lo), cx + 5,
			 svg_scale_at(y, bar->lo), "#222222", 1);
		if (svg_scale_at(y, bar->hi) < top)
			top = svg_scale_at(y, bar->hi);
	}
	svg_text(s, cx, bar->total >= 0 ? top - 4 : top + 14, SVG_MIDDLE, 11,
		 total);
	/* the RSS figure inside its part, where it fits */
	if (zero - svg_scale_at(y, bar->part) >= 18)
		svg_text(s, cx, svg_scale_at(y, bar->part) + 14, SVG_MIDDLE,
			 10, part);
}

static int bar_chart(FILE *f, const char *title, const char *axis,
		     const struct bar *bars, int n)
{
	static const struct svg_legend_item legend[] = {
		{ "footprint: RSS + kernel memory", FP_FILL },
		{ "RSS", RSS_FILL },
		{ "unique: each page once", UNIQUE_FILL },
	};
	double width = 100 + n * 110.0, band, lo = 0, hi = 0;
	struct svg_scale y;
	struct svg_area a;
	bool uniq = false;
	struct svg s;
	int i;

	if (width < 520)
		width = 520;
	band = (width - 100) / n;
	a = (struct svg_area){ 80, 64, width - 20, CHART_HEIGHT - 100 };
	for (i = 0; i < n; i++) {
		if (!bars[i].ok)
			continue;
		lo = bars[i].lo < lo ? bars[i].lo : lo;
		lo = bars[i].part < lo ? bars[i].part : lo;
		hi = bars[i].hi > hi ? bars[i].hi : hi;
		hi = bars[i].part > hi ? bars[i].part : hi;
		if (!bars[i].has_unique)
			continue;
		uniq = true;
		lo = bars[i].unique < lo ? bars[i].unique : lo;
		hi = bars[i].unique > hi ? bars[i].unique : hi;
	}
	if (svg_scale_init(&y, lo, hi, a.y1, a.y0, SVG_UNIT_BYTES, 6))
		return -EINVAL;
	svg_begin(&s, f, width, CHART_HEIGHT, title);
	svg_text(&s, width / 2, 24, SVG_MIDDLE, 15, title);
	svg_legend(&s, a.x0, 48, legend, uniq ? 3 : 2);
	svg_axis_left(&s, &y, &a, axis);
	for (i = 0; i < n; i++)
		draw_program(&s, &y, &a, a.x0 + band * (i + 0.5), band,
			     &bars[i]);
	svg_line(&s, a.x0, svg_scale_at(&y, 0), a.x1, svg_scale_at(&y, 0),
		 "#444444", 1);
	return svg_end(&s);
}

/* Chart i: task count i, or the cost per task after the last. */
static void fill_bars(const struct bench_results *b, int i, struct bar *bars)
{
	int p;

	for (p = 0; p < b->nprogs; p++) {
		const struct bench_program *pr = &b->progs[p];
		struct bar *bar = &bars[p];
		const char *why;

		memset(bar, 0, sizeof(*bar));
		bar->label = pr->name;
		if (i == b->ntasks) {
			bar->ok = pr->has_slope;
			bar->total = bar->lo = bar->hi = pr->fp_slope;
			bar->part = pr->rss_slope;
			bar->has_unique = pr->has_unique_slope;
			bar->unique = pr->unique_slope;
			why = pr->unavailable ? pr->unavailable :
			      "fewer than 2 task counts ran";
			bench_last_line(why, strlen(why), REASON_SHOWN,
					bar->why, sizeof(bar->why));
		} else if (pr->cells[i].state == BENCH_OK) {
			bar->ok = true;
			bar->total = pr->cells[i].fp.median;
			bar->part = pr->cells[i].rss.median;
			bar->has_unique = pr->cells[i].has_unique;
			bar->unique = pr->cells[i].uniq.median;
			bar->lo = pr->cells[i].fp.min;
			bar->hi = pr->cells[i].fp.max;
		} else {
			cell_text(b, pr, i, M_FOOTPRINT, bar->why,
				  sizeof(bar->why));
		}
	}
}

int bench_chart(FILE *f, const struct bench_results *r, int i)
{
	struct bar *bars = calloc(r->nprogs, sizeof(*bars));
	char title[128];
	int err;

	if (!bars)
		return -ENOMEM;
	fill_bars(r, i, bars);
	if (i < r->ntasks)
		snprintf(title, sizeof(title),
			 "Peak memory of %lu concurrent task%s", r->tasks[i],
			 r->tasks[i] > 1 ? "s" : "");
	else
		snprintf(title, sizeof(title),
			 "Memory per task: slope over N = %lu..%lu",
			 r->tasks[0], r->tasks[r->ntasks - 1]);
	err = bar_chart(f, title,
			i < r->ntasks ? "peak memory" : "bytes per task", bars,
			r->nprogs);
	free(bars);
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
	return err;
}
