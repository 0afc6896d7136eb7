// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/signalfd.h>
#include "common/errors.h"
#include "output/file.h"
#include "trace/exporter.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Started through sudo: a listener without an address stays local. */
static bool via_sudo(void)
{
	const char *uid = getenv("SUDO_UID");

	return geteuid() == 0 && uid && *uid;
}

static int listen_on(struct exporter *e, const struct metrics_listen *l)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	char addr[INET6_ADDRSTRLEN];
	socklen_t len;
	int err;

	if (l->family == AF_INET6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(l->port);
		memcpy(&in6->sin6_addr, l->addr, 16);
		len = sizeof(*in6);
	} else {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(l->port);
		if (l->any)
			in4->sin_addr.s_addr = htonl(via_sudo() ? INADDR_LOOPBACK :
								  INADDR_ANY);
		else
			memcpy(&in4->sin_addr, l->addr, 4);
		len = sizeof(*in4);
	}
	inet_ntop(l->family, l->family == AF_INET6 ? (void *)&in6->sin6_addr :
						      (void *)&in4->sin_addr,
		  addr, sizeof(addr));
	snprintf(e->url, sizeof(e->url), "http://%s%s%s:%u/metrics",
		 l->family == AF_INET6 ? "[" : "", addr,
		 l->family == AF_INET6 ? "]" : "", l->port);
	err = metrics_http_bind(&e->http, (struct sockaddr *)&ss, len);
	if (err == -EADDRINUSE)
		tm_err("cannot listen on %s (--listen '%s'): port %u is in use "
		       "(another taskmem or exporter?)", e->url,
		       e->opts->listen, l->port);
	else if (err == -EADDRNOTAVAIL)
		tm_err("cannot listen on %s (--listen '%s'): %s is not an "
		       "address of this machine", e->url, e->opts->listen,
		       addr);
	else if (err)
		tm_err("cannot listen on %s (--listen '%s'): %s", e->url,
		       e->opts->listen, strerror(-err));
	return err;
}

/* The path is writable now: a bad one wastes no run. */
static int check_file(struct exporter *e)
{
	struct output out;
	int err;

	err = output_open(&out, e->opts->file, NULL, e->owner);
	if (err)
		tm_err("cannot write metrics to '%s': %s", e->opts->file,
		       strerror(-err));
	output_abort(&out);
	return err;
}

int exporter_open(struct exporter *e, const struct metrics_opts *m,
		  const struct launch_cred *owner, const char *version)
{
	int err = 0;

	e->opts = m;
	e->owner = owner;
	e->on = m->listen || m->file;
	e->conf.top = m->top;
	e->conf.labels = m->labels;
	e->conf.nlabels = m->nlabels;
	e->conf.version = version;
	e->period = EXPORTER_PUBLISH_NS;
	e->next_publish = e->next_file = 0;
	if (m->listen)
		err = listen_on(e, &m->where);
	if (!err && m->file)
		err = check_file(e);
	return err;
}

int exporter_start(struct exporter *e)
{
	int err;

	if (!e->opts || !e->opts->listen)
		return 0;
	err = metrics_http_start(&e->http);
	if (err)
		tm_err("cannot serve metrics on %s: %s", e->url,
		       strerror(-err));
	e->listening = !err;
	return err;
}

bool exporter_due(const struct exporter *e, uint64_t now)
{
	if (!e->on)
		return false;
	return (e->listening && now >= e->next_publish) ||
	       (e->opts->file && now >= e->next_file);
}

void exporter_wake(const struct exporter *e, uint64_t *wake)
{
	if (e->listening && e->next_publish < *wake)
		*wake = e->next_publish;
	if (e->on && e->opts->file && e->next_file < *wake)
		*wake = e->next_file;
}

/* The exposition in fmt as a malloc'd buffer; NULL on failure. */
static char *render(const struct exporter *e, const struct tm_report *r,
		    const struct tm_report *extra, enum metrics_format fmt,
		    size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int err;

	if (!f)
		return NULL;
	err = metrics_write(f, r, extra, &e->conf, fmt);
	if (fclose(f) || err) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void write_file(struct exporter *e, const char *text, size_t len)
{
	struct output out;
	int err;

	err = output_open(&out, e->opts->file, NULL, e->owner);
	if (!err) {
		if (fwrite(text, 1, len, out.f) != len)
			err = -EIO;
		err = err ? err : output_commit(&out);
		output_abort(&out);
	}
	/* tracing goes on; the next interval tries again */
	if (err && !e->file_failed)
		tm_err("cannot write metrics to '%s': %s", e->opts->file,
		       strerror(-err));
	e->file_failed = err;
}

void exporter_update(struct exporter *e, const struct tm_report *r,
		     const struct tm_report *extra, uint64_t began, bool final)
{
	uint64_t now = now_ns(), cost = now > began ? now - began : 0;
	char *text, *om = NULL;
	size_t len, om_len = 0;
	bool file;

	if (!e->on)
		return;
	file = e->opts->file && (final || now >= e->next_file);
	text = render(e, r, extra, METRICS_TEXT, &len);
	if (e->listening)
		om = render(e, r, extra, METRICS_OPENMETRICS, &om_len);
	if (file && text) {
		write_file(e, text, len);
		e->next_file = now + (uint64_t)(e->opts->interval_s * 1e9);
	}
	if (e->listening && text && om) {
		metrics_http_publish(&e->http, METRICS_TEXT, text, len);
		metrics_http_publish(&e->http, METRICS_OPENMETRICS, om, om_len);
		text = om = NULL;
	}
	free(text);
	free(om);
	/* a tree so large that a round is slow is published less often */
	if (e->period < 20 * cost)
		e->period = 20 * cost;
	e->next_publish = now + e->period;
}

void exporter_linger(struct exporter *e, int sfd)
{
	uint64_t end = now_ns() + (uint64_t)(e->opts->linger_s * 1e9), now;
	struct signalfd_siginfo si;
	struct pollfd p = { .fd = sfd, .events = POLLIN };

	if (!e->listening || e->opts->linger_s <= 0)
		return;
	while ((now = now_ns()) < end) {
		if (poll(&p, 1, (int)((end - now + 999999) / 1000000)) < 0 &&
		    errno != EINTR)
			return;
		while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			if (si.ssi_signo != SIGCHLD)
				return;
	}
}

void exporter_close(struct exporter *e)
{
	metrics_http_stop(&e->http);
	e->listening = false;
	e->on = false;
}
