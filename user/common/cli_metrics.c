// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "common/cli.h"
#include "common/cli_metrics.h"
#include "common/utf8.h"

void cli_metrics_init(struct metrics_opts *m)
{
	memset(m, 0, sizeof(*m));
	m->linger_s = -1;
	m->top = TM_METRICS_TOP_DEFAULT;
}

#define LISTEN_FORMS "IPV4:PORT, [IPV6]:PORT, localhost:PORT or :PORT"

int cli_metrics_parse_listen(const char *s, struct metrics_listen *l,
			     char *err, size_t errlen)
{
	const char *colon = strrchr(s, ':');
	char host[INET6_ADDRSTRLEN + 2];
	unsigned long port;
	size_t n;

	memset(l, 0, sizeof(*l));
	if (!colon)
		return cli_fail(err, errlen, "invalid --listen '%s' (expected "
				 LISTEN_FORMS ")", s);
	if (cli_parse_ulong(colon + 1, 1, 65535, &port))
		return cli_fail(err, errlen, "invalid port '%s' in --listen '%s' "
				 "(expected 1 to 65535)", colon + 1, s);
	l->port = port;
	n = colon - s;
	if (n >= sizeof(host))
		return cli_fail(err, errlen, "invalid address in --listen '%s' "
				 "(expected " LISTEN_FORMS ")", s);
	memcpy(host, s, n);
	host[n] = '\0';
	l->family = AF_INET;
	if (!n) {
		l->any = true;
		return 0;
	}
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
		host[n - 1] = '\0';
		l->family = AF_INET6;
		if (inet_pton(AF_INET6, host + 1, l->addr) == 1)
			return 0;
	} else if (inet_pton(AF_INET, host, l->addr) == 1) {
		return 0;
	}
	return cli_fail(err, errlen, "invalid address '%.*s' in --listen '%s' "
			 "(expected " LISTEN_FORMS "; no host names)",
		    (int)n, s, s);
}

bool cli_metrics_label_name_ok(const char *name, size_t len)
{
	size_t i;

	if (!len || (name[0] >= '0' && name[0] <= '9'))
		return false;
	/* names starting with "__" are Prometheus's own */
	if (len >= 2 && name[0] == '_' && name[1] == '_')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!(c == '_' || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* Labels taskmem's own families carry: a constant label cannot repeat them. */
static bool label_taken(const char *name, size_t len)
{
	static const char *const own[] = { "pid", "comm", "version" };
	size_t i;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strlen(own[i]) == len && !memcmp(own[i], name, len))
			return true;
	return false;
}

static bool utf8_ok(const char *s)
{
	size_t left = strlen(s), n;

	while (left) {
		n = utf8_char(s, left);
		if (!n)
			return false;
		s += n;
		left -= n;
	}
	return true;
}

int cli_metrics_add_label(struct metrics_opts *m, const char *kv, char *err,
			  size_t errlen)
{
	const char *eq = strchr(kv, '=');
	size_t len = eq ? (size_t)(eq - kv) : 0;
	int i;

	if (!eq)
		return cli_fail(err, errlen, "invalid --metrics-label '%s' "
				 "(expected KEY=VALUE)", kv);
	if (len > TM_METRICS_LABEL_NAME_MAX ||
	    !cli_metrics_label_name_ok(kv, len))
		return cli_fail(err, errlen, "invalid label name '%.*s' in "
				 "--metrics-label '%s' (expected letters, "
				 "digits and '_', not starting with a digit "
				 "or '__', at most %d characters)",
			    (int)(len > TM_METRICS_LABEL_NAME_MAX ?
				  TM_METRICS_LABEL_NAME_MAX : len), kv, kv,
			    TM_METRICS_LABEL_NAME_MAX);
	if (label_taken(kv, len))
		return cli_fail(err, errlen, "label name '%.*s' in --metrics-label "
				 "'%s' is taskmem's own (pid, comm, version)",
			    (int)len, kv, kv);
	if (!eq[1])
		return cli_fail(err, errlen, "empty value in --metrics-label '%s' "
				 "(Prometheus drops a label with an empty "
				 "value)", kv);
	if (!utf8_ok(eq + 1))
		return cli_fail(err, errlen, "value of --metrics-label '%.*s' is "
				 "not valid UTF-8", (int)len, kv);
	for (i = 0; i < m->nlabels; i++)
		if (m->labels[i].name_len == len &&
		    !memcmp(m->labels[i].name, kv, len))
			return cli_fail(err, errlen, "label '%.*s' given twice in "
					 "--metrics-label", (int)len, kv);
	if (m->nlabels == TM_METRICS_LABELS_MAX)
		return cli_fail(err, errlen, "too many --metrics-label (at most "
				 "%d)", TM_METRICS_LABELS_MAX);
	m->labels[m->nlabels].name = kv;
	m->labels[m->nlabels].name_len = len;
	m->labels[m->nlabels].value = eq + 1;
	m->nlabels++;
	return 0;
}

int cli_metrics_parse_linger(const char *s, double *out)
{
	char *end;

	/* 0 is allowed here: exit at once */
	if (s && *s && strspn(s, "0123456789.") == strlen(s) &&
	    strtod(s, &end) == 0 && !*end) {
		*out = 0;
		return 0;
	}
	return cli_parse_seconds(s, out);
}

int cli_metrics_finish(struct metrics_opts *m, char *err, size_t errlen)
{
	bool out = m->listen || m->file;

	if (m->interval_s > 0 && !m->file)
		return cli_fail(err, errlen,
			    "--metrics-interval needs --metrics-file PATH");
	if (m->linger_s >= 0 && !m->listen)
		return cli_fail(err, errlen, "--linger needs --listen ADDR:PORT");
	if ((m->top_set || m->nlabels) && !out)
		return cli_fail(err, errlen,
			    "%s needs --listen ADDR:PORT or --metrics-file "
			    "PATH", m->top_set ? "--metrics-top" :
						 "--metrics-label");
	if (m->interval_s <= 0)
		m->interval_s = TM_METRICS_INTERVAL_DEFAULT;
	if (m->linger_s < 0)
		m->linger_s = m->listen ? TM_LINGER_DEFAULT : 0;
	return 0;
}
