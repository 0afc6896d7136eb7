// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common/utf8.h"
#include "output/metrics.h"

enum family_type { GAUGE, COUNTER, INFO };

/*
 * A metric family. OpenMetrics names the family without the sample's
 * suffix (a counter "x" has the sample "x_total", an info "x" the sample
 * "x_info"); the text format names it after its sample.
 */
struct family {
	const char *name;
	enum family_type type;
	const char *unit;	/* NULL: none */
	const char *help;
};

static const struct family f_rss = {
	"taskmem_tree_rss_bytes", GAUGE, "bytes",
	"RSS of the traced tree now: file, anon and shmem pages of its "
	"address spaces."
};
static const struct family f_peak_rss = {
	"taskmem_tree_peak_rss_bytes", GAUGE, "bytes",
	"Highest simultaneous RSS of the tree since tracing began, exact "
	"(kept by BPF at every change)."
};
static const struct family f_fp = {
	"taskmem_tree_footprint_bytes", GAUGE, "bytes",
	"Footprint of the tree now: RSS plus page tables, kernel stacks, "
	"task_structs and other kernel objects of its tasks."
};
static const struct family f_peak_fp = {
	"taskmem_tree_peak_footprint_bytes", GAUGE, "bytes",
	"Highest simultaneous footprint of the tree since tracing began, "
	"exact."
};
static const struct family f_kernel = {
	"taskmem_tree_kernel_bytes", GAUGE, "bytes",
	"Kernel memory of the tree now: footprint minus RSS."
};
static const struct family f_unique = {
	"taskmem_tree_unique_bytes", GAUGE, "bytes",
	"Unique memory of the tree now, each page once, from its memory "
	"cgroup's memory.stat (latest sample); only with a memory cgroup."
};
static const struct family f_peak_unique = {
	"taskmem_tree_peak_unique_bytes", GAUGE, "bytes",
	"Highest unique memory of the tree seen since tracing began."
};
static const struct family f_peak_charged = {
	"taskmem_tree_peak_charged_bytes", GAUGE, "bytes",
	"Highest memory charged to the tree's memory cgroup, page cache "
	"included: the kernel's watermark at the end, the highest sample "
	"while running."
};
static const struct family f_procs = {
	"taskmem_tree_processes", GAUGE, NULL,
	"Processes of the tree alive now."
};
static const struct family f_threads = {
	"taskmem_tree_threads", GAUGE, NULL,
	"Threads of the tree alive now."
};
static const struct family f_proc_rss = {
	"taskmem_process_rss_bytes", GAUGE, "bytes",
	"RSS of a process now (0 once it exited), for the processes with the "
	"largest peak footprint (--metrics-top)."
};
static const struct family f_proc_peak = {
	"taskmem_process_peak_rss_bytes", GAUGE, "bytes",
	"Highest RSS of a process's own address spaces, exact, for the "
	"processes with the largest peak footprint (--metrics-top)."
};
static const struct family f_lost = {
	"taskmem_lost_events", COUNTER, NULL,
	"Records taskmem could not keep (full maps or ring buffer): above 0 "
	"the figures are incomplete."
};
static const struct family f_build = {
	"taskmem_build", INFO, NULL,
	"taskmem's version, as a series of value 1."
};

static const char *suffix(const struct family *fam)
{
	return fam->type == COUNTER ? "_total" :
	       fam->type == INFO ? "_info" : "";
}

/* Bytes of the escaped form of the character at s into out (6 bytes). */
static size_t escape_char(const char *s, size_t left, char *out,
			  size_t *outlen)
{
	size_t n = utf8_char(s, left);

	if (!n) {
		memcpy(out, "\xef\xbf\xbd", 3);	/* U+FFFD */
		*outlen = 3;
		return 1;
	}
	if (*s == '\\' || *s == '"' || *s == '\n') {
		out[0] = '\\';
		out[1] = *s == '\n' ? 'n' : *s;
		*outlen = 2;
		return 1;
	}
	memcpy(out, s, n);
	*outlen = n;
	return n;
}

void metrics_label_value(FILE *f, const char *s)
{
	size_t left = strlen(s), n, len;
	char out[8];

	while (left) {
		n = escape_char(s, left, out, &len);
		fwrite(out, 1, len, f);
		s += n;
		left -= n;
	}
}

/* HELP text: backslash and newline escaped (and quotes in OpenMetrics). */
static void help_text(FILE *f, const char *s, enum metrics_format fmt)
{
	for (; *s; s++) {
		if (*s == '\\' || (*s == '"' && fmt == METRICS_OPENMETRICS))
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void family_header(FILE *f, const struct family *fam,
			  enum metrics_format fmt)
{
	static const char *const types[] = { "gauge", "counter", "info" };

	if (fmt == METRICS_OPENMETRICS) {
		fprintf(f, "# TYPE %s %s\n", fam->name, types[fam->type]);
		if (fam->unit)
			fprintf(f, "# UNIT %s %s\n", fam->name, fam->unit);
		fprintf(f, "# HELP %s ", fam->name);
	} else {
		/* the text format has no info type: a gauge of value 1 */
		fprintf(f, "# HELP %s%s ", fam->name, suffix(fam));
	}
	help_text(f, fam->help, fmt);
	fputc('\n', f);
	if (fmt == METRICS_TEXT)
		fprintf(f, "# TYPE %s%s %s\n", fam->name, suffix(fam),
			fam->type == COUNTER ? "counter" : "gauge");
}

/* One sample: the constant labels, then the family's own (n of them). */
static void sample(FILE *f, const struct family *fam,
		   const struct metrics_conf *c, const char *const *names,
		   const char *const *values, int n, uint64_t v)
{
	int i;

	fprintf(f, "%s%s", fam->name, suffix(fam));
	for (i = 0; i < c->nlabels + n; i++) {
		fputc(i ? ',' : '{', f);
		if (i < c->nlabels) {
			fprintf(f, "%.*s=\"", (int)c->labels[i].name_len,
				c->labels[i].name);
			metrics_label_value(f, c->labels[i].value);
		} else {
			fprintf(f, "%s=\"", names[i - c->nlabels]);
			metrics_label_value(f, values[i - c->nlabels]);
		}
		fputc('"', f);
	}
	fprintf(f, "%s %" PRIu64 "\n", c->nlabels + n ? "}" : "", v);
}

static void gauge(FILE *f, const struct family *fam,
		  const struct metrics_conf *c, enum metrics_format fmt,
		  uint64_t v)
{
	family_header(f, fam, fmt);
	sample(f, fam, c, NULL, NULL, 0, v);
}

/* The top K rows by peak footprint, at most one per (pid, comm) series. */
struct top {
	const struct tm_proc **rows;
	char (*keys)[TASK_COMM_LEN * 3 + 1];
	size_t n, k;
};

static void comm_key(const char *comm, char *key)
{
	size_t left = strnlen(comm, TASK_COMM_LEN), n, len, used = 0;

	while (left) {
		n = escape_char(comm, left, key + used, &len);
		used += len;
		comm += n;
		left -= n;
	}
	key[used] = '\0';
}

static bool ranks_before(const struct tm_proc *a, const struct tm_proc *b)
{
	if (a->peak_footprint != b->peak_footprint)
		return a->peak_footprint > b->peak_footprint;
	if (a->peak_rss != b->peak_rss)
		return a->peak_rss > b->peak_rss;
	return a->pid < b->pid;
}

/* A reused pid: the live process, else the later one, is the series. */
static bool newer(const struct tm_proc *a, const struct tm_proc *b)
{
	if (a->alive != b->alive)
		return a->alive;
	return a->start_s > b->start_s;
}

static void top_remove(struct top *t, size_t i)
{
	memmove(&t->rows[i], &t->rows[i + 1], (t->n - i - 1) * sizeof(*t->rows));
	memmove(&t->keys[i], &t->keys[i + 1], (t->n - i - 1) * sizeof(*t->keys));
	t->n--;
}

static void top_offer(struct top *t, const struct tm_proc *p)
{
	char key[sizeof(*t->keys)];
	size_t i, at;

	if (!t->k || (t->n == t->k && !ranks_before(p, t->rows[t->n - 1])))
		return;
	comm_key(p->comm, key);
	for (i = 0; i < t->n; i++) {
		if (t->rows[i]->pid != p->pid || strcmp(t->keys[i], key))
			continue;
		if (!newer(p, t->rows[i]))
			return;
		top_remove(t, i);
		break;
	}
	if (t->n == t->k)
		t->n--;
	for (at = t->n; at > 0 && ranks_before(p, t->rows[at - 1]); at--)
		;
	memmove(&t->rows[at + 1], &t->rows[at], (t->n - at) * sizeof(*t->rows));
	memmove(&t->keys[at + 1], &t->keys[at], (t->n - at) * sizeof(*t->keys));
	t->rows[at] = p;
	memcpy(t->keys[at], key, sizeof(key));
	t->n++;
}

static int top_select(struct top *t, unsigned long k,
		      const struct tm_report *r, const struct tm_report *extra)
{
	const struct tm_report *from[2] = { r, extra };
	size_t i, j, total = r->nprocs + (extra ? extra->nprocs : 0);

	memset(t, 0, sizeof(*t));
	t->k = k < total ? k : total;
	if (!t->k)
		return 0;
	t->rows = calloc(t->k, sizeof(*t->rows));
	t->keys = calloc(t->k, sizeof(*t->keys));
	if (!t->rows || !t->keys)
		return -ENOMEM;
	for (j = 0; j < 2; j++)
		for (i = 0; from[j] && i < from[j]->nprocs; i++)
			top_offer(t, &from[j]->procs[i]);
	return 0;
}

static void per_process(FILE *f, const struct family *fam,
			const struct metrics_conf *c, enum metrics_format fmt,
			const struct top *t, bool peak)
{
	static const char *const names[] = { "pid", "comm" };
	const char *values[2];
	char pid[16];
	size_t i;

	family_header(f, fam, fmt);
	for (i = 0; i < t->n; i++) {
		const struct tm_proc *p = t->rows[i];

		snprintf(pid, sizeof(pid), "%" PRIu32, p->pid);
		values[0] = pid;
		values[1] = p->comm;
		sample(f, fam, c, names, values, 2,
		       peak ? p->peak_rss : p->cur_rss);
	}
}

int metrics_write(FILE *f, const struct tm_report *r,
		  const struct tm_report *extra, const struct metrics_conf *c,
		  enum metrics_format fmt)
{
	static const char *const version_name[] = { "version" };
	const struct tm_tree *tr = &r->tree;
	const char *version[] = { c->version };
	const struct unique_result *u;
	struct top top;
	int err;

	err = top_select(&top, c->top, r, extra);
	gauge(f, &f_rss, c, fmt, tr->cur_rss);
	gauge(f, &f_peak_rss, c, fmt, tr->peak_rss);
	gauge(f, &f_fp, c, fmt, tr->cur_footprint);
	gauge(f, &f_peak_fp, c, fmt, tr->peak_footprint);
	gauge(f, &f_kernel, c, fmt, tr->cur_footprint > tr->cur_rss ?
					    tr->cur_footprint - tr->cur_rss : 0);
	/* a live report's figures come with the exit records' report */
	u = r->unique.valid ? &r->unique :
	    extra && extra->unique.valid ? &extra->unique : NULL;
	if (u) {
		gauge(f, &f_unique, c, fmt, u->cur_unique);
		gauge(f, &f_peak_unique, c, fmt, u->peak_unique);
		gauge(f, &f_peak_charged, c, fmt, u->peak_charged);
	}
	gauge(f, &f_procs, c, fmt, tr->cur_processes);
	gauge(f, &f_threads, c, fmt, tr->cur_threads);
	if (!err) {
		per_process(f, &f_proc_rss, c, fmt, &top, false);
		per_process(f, &f_proc_peak, c, fmt, &top, true);
	}
	family_header(f, &f_lost, fmt);
	sample(f, &f_lost, c, NULL, NULL, 0,
	       r->lost_events + (extra ? extra->lost_events : 0));
	family_header(f, &f_build, fmt);
	sample(f, &f_build, c, version_name, version, 1, 1);
	if (fmt == METRICS_OPENMETRICS)
		fputs("# EOF\n", f);
	free(top.rows);
	free(top.keys);
	if (err)
		return err;
	return fflush(f) || ferror(f) ? -EIO : 0;
}

const char *metrics_content_type(enum metrics_format fmt)
{
	return fmt == METRICS_OPENMETRICS ?
		       "application/openmetrics-text; version=1.0.0; charset=utf-8" :
		       "text/plain; version=0.0.4; charset=utf-8";
}

/* One media range of an Accept header: its format and q (0 to 1000). */
static int media_range(const char *s, size_t len, enum metrics_format *fmt)
{
	const char *semi = memchr(s, ';', len), *p;
	size_t tlen = semi ? (size_t)(semi - s) : len;
	int q = 1000;

	while (tlen && (s[tlen - 1] == ' ' || s[tlen - 1] == '\t'))
		tlen--;
	if (tlen == 28 && !strncasecmp(s, "application/openmetrics-text", 28))
		*fmt = METRICS_OPENMETRICS;
	else if ((tlen == 10 && !strncasecmp(s, "text/plain", 10)) ||
		 (tlen == 6 && !strncasecmp(s, "text/*", 6)) ||
		 (tlen == 3 && !strncmp(s, "*/*", 3)))
		*fmt = METRICS_TEXT;
	else
		return -1;
	for (p = semi; p && p < s + len; p = memchr(p + 1, ';', s + len - p - 1)) {
		const char *v = p + 1;

		while (v < s + len && (*v == ' ' || *v == '\t'))
			v++;
		if (s + len - v >= 2 && (v[0] == 'q' || v[0] == 'Q') &&
		    v[1] == '=') {
			double d = strtod(v + 2, NULL);

			q = d <= 0 ? 0 : d >= 1 ? 1000 : (int)(d * 1000 + 0.5);
		}
	}
	return q;
}

/*
 * The best q wins, the earlier range on a tie; OpenMetrics only when
 * asked for by name, the text format otherwise (also when nothing
 * matches: scrapers expect it).
 */
enum metrics_format metrics_negotiate(const char *accept)
{
	enum metrics_format best = METRICS_TEXT, fmt = METRICS_TEXT;
	const char *s = accept;
	int best_q = 0, q;

	while (s && *s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		while (len && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		q = media_range(s, len, &fmt);
		if (q > best_q) {
			best_q = q;
			best = fmt;
		}
		s = comma ? comma + 1 : NULL;
	}
	return best;
}
