/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --listen and --metrics-file: the report model as Prometheus metrics,
 * published to the HTTP server's thread and written to the textfile as
 * the main loop asks. No libbpf: the main loop builds the model.
 */
#ifndef TM_EXPORTER_H
#define TM_EXPORTER_H

#include <stdbool.h>
#include <stdint.h>
#include "common/cli_metrics.h"
#include "model/model.h"
#include "output/metrics.h"
#include "output/metrics_http.h"
#include "trace/launch.h"

/* The published figures are at most this old (longer for huge trees). */
#define EXPORTER_PUBLISH_NS 1000000000ULL

struct exporter {
	bool on;		/* --listen or --metrics-file */
	const struct metrics_opts *opts;
	const struct launch_cred *owner; /* who gets the metrics file */
	struct metrics_conf conf;
	struct metrics_http http;
	bool listening;
	char url[96];		/* http://ADDR:PORT/metrics */
	uint64_t period;	/* ns between publications */
	uint64_t next_publish;	/* ns (CLOCK_MONOTONIC) */
	uint64_t next_file;
	bool file_failed;	/* said once */
};

#define EXPORTER_INIT { .http = METRICS_HTTP_INIT }

/*
 * Bind --listen's socket and check --metrics-file's path, before the
 * workload starts; a message on stderr and -errno when either fails.
 * Through sudo, ":PORT" binds the loopback address only.
 */
int exporter_open(struct exporter *e, const struct metrics_opts *m,
		  const struct launch_cred *owner, const char *version);
/* Start the HTTP thread (after any fork: none may follow a thread). */
int exporter_start(struct exporter *e);
/* True when new figures are wanted at now (ns, CLOCK_MONOTONIC). */
bool exporter_due(const struct exporter *e, uint64_t now);
/* Lower *wake to when figures are next wanted. */
void exporter_wake(const struct exporter *e, uint64_t *wake);
/*
 * Publish r (with extra's exited rows, see metrics_write()); began is
 * when the caller started building r, which paces the next round. The
 * file is written when its interval is due, or always when final.
 */
void exporter_update(struct exporter *e, const struct tm_report *r,
		     const struct tm_report *extra, uint64_t began,
		     bool final);
/*
 * With --listen: serve the final figures for --linger seconds, or until
 * SIGINT, SIGQUIT, SIGTERM or SIGHUP arrives on the signalfd sfd.
 */
void exporter_linger(struct exporter *e, int sfd);
void exporter_close(struct exporter *e);

#endif /* TM_EXPORTER_H */
