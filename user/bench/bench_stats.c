// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench/bench_stats.h"
#include "common/cli.h"
#include "common/utf8.h"

/* The reason in err, and -EINVAL. */
#define fail(err, errlen, ...) (snprintf(err, errlen, __VA_ARGS__), -EINVAL)

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

int bench_parse_tasks(const char *list, unsigned long *tasks, char *err,
		      size_t errlen)
{
	const char *p = list;
	char item[32];
	int n = 0, i;

	do {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		if (len >= sizeof(item) ||
		    cli_parse_ulong(item, 1, BENCH_TASKS_LIMIT, &tasks[n]))
			return fail(err, errlen,
				    "invalid task count '%s' in --tasks '%s' "
				    "(expected whole numbers from 1 to %lu, "
				    "separated by commas)",
				    item, list, BENCH_TASKS_LIMIT);
		for (i = 0; i < n; i++)
			if (tasks[i] == tasks[n])
				return fail(err, errlen,
					    "task count %lu given twice in "
					    "--tasks '%s'", tasks[n], list);
		if (++n == BENCH_MAX_TASKS && comma)
			return fail(err, errlen,
				    "too many task counts in --tasks '%s' (at "
				    "most %d)", list, BENCH_MAX_TASKS);
		p = comma ? comma + 1 : NULL;
	} while (p);
	qsort(tasks, n, sizeof(*tasks), cmp_ulong);
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int bench_summarize(const double *v, size_t n, struct bench_range *r)
{
	double *s;

	if (!n)
		return -EINVAL;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	r->min = s[0];
	r->max = s[n - 1];
	r->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return 0;
}

int bench_slope(const double *x, const double *y, size_t n, double *slope)
{
	double mx = 0, my = 0, sxx = 0, sxy = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	if (!n)
		return -EDOM;
	mx /= n;
	my /= n;
	/* centred sums: N up to 1e8 squared would lose the small ones */
	for (i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
	}
	if (sxx <= 0)
		return -EDOM;
	*slope = sxy / sxx;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int bench_split(const char *tmpl, char ***words)
{
	size_t len = strlen(tmpl), i;
	char **v, *s;
	int n = 0, w = 0;

	for (i = 0; i < len; i++)
		if (!is_blank(tmpl[i]) && (!i || is_blank(tmpl[i - 1])))
			n++;
	if (!n)
		return -EINVAL;
	v = malloc((n + 1) * sizeof(*v) + len + 1);
	if (!v)
		return -ENOMEM;
	s = memcpy(v + n + 1, tmpl, len + 1);
	for (i = 0; i < len; i++) {
		if (is_blank(s[i]))
			s[i] = '\0';
		else if (!i || !s[i - 1])
			v[w++] = s + i;
	}
	v[n] = NULL;
	*words = v;
	return n;
}

bool bench_has_placeholder(char *const *words, int nwords,
			   const char *placeholder)
{
	int i;

	for (i = 0; i < nwords; i++)
		if (strstr(words[i], placeholder))
			return true;
	return false;
}

/* Expand one word into out (when not NULL); returns its length. */
static size_t expand_word(const char *w, const char *n, const char *sleep,
			  char *out)
{
	size_t len = 0;

	while (*w) {
		const char *with = NULL;

		if (!strncmp(w, "{n}", 3))
			with = n;
		else if (!strncmp(w, "{s}", 3))
			with = sleep;
		if (with) {
			if (out)
				memcpy(out + len, with, strlen(with));
			len += strlen(with);
			w += 3;
			continue;
		}
		if (out)
			out[len] = *w;
		len++;
		w++;
	}
	if (out)
		out[len] = '\0';
	return len;
}

int bench_expand(char *const *words, int nwords, unsigned long n,
		 const char *sleep, char ***argv)
{
	size_t size = (nwords + 1) * sizeof(char *);
	char num[24], **v, *s;
	int i;

	snprintf(num, sizeof(num), "%lu", n);
	for (i = 0; i < nwords; i++)
		size += expand_word(words[i], num, sleep, NULL) + 1;
	v = malloc(size);
	if (!v)
		return -ENOMEM;
	s = (char *)(v + nwords + 1);
	for (i = 0; i < nwords; i++) {
		v[i] = s;
		s += expand_word(words[i], num, sleep, s) + 1;
	}
	v[nwords] = NULL;
	*argv = v;
	return 0;
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

bool bench_name_ok(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len = strlen(name), i, n;

	if (!len || len > BENCH_NAME_MAX || s[0] == ' ' || s[len - 1] == ' ')
		return false;
	for (i = 0; i < len; i += n) {
		n = utf8_char(name + i, len - i);
		if (!n || is_control(s[i]))
			return false;
	}
	return true;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ')
		s++;
	end = s + strlen(s);
	while (end > s && end[-1] == ' ')
		*--end = '\0';
	return s;
}

/* The third field: "unavailable: reason" ("unavailable" alone too). */
static int parse_unavailable(char *field, struct bench_plan_line *out,
			     char *err, size_t errlen)
{
	static const char word[] = "unavailable";
	char *s = trim(field);

	if (strncmp(s, word, sizeof(word) - 1) ||
	    (s[sizeof(word) - 1] && s[sizeof(word) - 1] != ':'))
		return fail(err, errlen,
			    "the third field is not 'unavailable: REASON'");
	s += sizeof(word) - 1;
	if (*s == ':')
		s = trim(s + 1);
	out->unavailable = *s ? s : (char *)word;
	return 0;
}

int bench_parse_plan_line(char *line, struct bench_plan_line *out, char *err,
			  size_t errlen)
{
	char *fields[4], *p = line;
	size_t len = strcspn(line, "\r\n");
	int n = 0;

	line[len] = '\0';
	p += strspn(p, " \t");
	if (!*p || *p == '#')
		return 1;
	memset(out, 0, sizeof(*out));
	for (p = line; p && n < 4; n++)
		fields[n] = strsep(&p, "\t");
	if (n < 2)
		return fail(err, errlen,
			    "no command after the name (the fields are "
			    "separated by tabs)");
	if (n > 3)
		return fail(err, errlen,
			    "more than 3 fields (expected NAME<TAB>COMMAND"
			    "[<TAB>unavailable: REASON])");
	out->name = fields[0];
	if (!bench_name_ok(out->name))
		return fail(err, errlen,
			    "invalid program name (1 to %d characters, "
			    "no control characters, no leading or trailing "
			    "space)", BENCH_NAME_MAX);
	out->template = trim(fields[1]);
	/* a trailing tab is no third field */
	if (n == 3 && *trim(fields[2]) &&
	    parse_unavailable(fields[2], out, err, errlen))
		return -EINVAL;
	if (!out->unavailable && !out->template[strspn(out->template, " \t")])
		return fail(err, errlen, "empty command");
	return 0;
}

void bench_exit_reason(int code, char *buf, size_t len)
{
	const char *sig = code > 128 ? sigabbrev_np(code - 128) : NULL;

	if (sig)
		snprintf(buf, len, "killed by SIG%s", sig);
	else
		snprintf(buf, len, "exit %d", code);
}

void bench_last_line(const char *text, size_t len, size_t max, char *buf,
		     size_t buflen)
{
	const unsigned char *s = (const unsigned char *)text, *start;
	size_t out = 0, n, i;
	bool cut;

	if (!buflen)
		return;
	if (max > buflen - 1)
		max = buflen - 1;
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
		       is_blank(s[len - 1])))
		len--;
	start = s + len;
	while (start > s && start[-1] != '\n')
		start--;
	while (start < s + len && is_blank(*start))
		start++;
	len -= start - s;
	/* room for the "..." of a cut line */
	cut = len > max && max >= 3;
	if (cut)
		max -= 3;
	for (i = 0; i < len; i += n) {
		n = utf8_char((const char *)start + i, len - i);
		if (out + (n ? n : 1) > max)
			break;
		if (!n || is_control(start[i])) {
			buf[out++] = start[i] == '\t' ? ' ' : '?';
			n = 1;
			continue;
		}
		memcpy(buf + out, start + i, n);
		out += n;
	}
	if (cut) {
		memcpy(buf + out, "...", 3);
		out += 3;
	}
	buf[out] = '\0';
}
