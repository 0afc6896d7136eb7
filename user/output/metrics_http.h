/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /metrics over HTTP (libmicrohttpd). The server's thread reads only the
 * bodies published here under a mutex; it never touches the tracer.
 */
#ifndef TM_METRICS_HTTP_H
#define TM_METRICS_HTTP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include "output/metrics.h"

struct MHD_Daemon;

struct metrics_http {
	int fd;			/* the listening socket; -1: none */
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	char *body[METRICS_NFORMATS];	/* NULL until the first publish */
	size_t len[METRICS_NFORMATS];
};

#define METRICS_HTTP_INIT { .fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER }

/* Bind and listen on sa (no thread yet); 0 or -errno. */
int metrics_http_bind(struct metrics_http *h, const struct sockaddr *sa,
		      socklen_t salen);
/* The port bound (useful when sa asked for port 0). */
uint16_t metrics_http_port(const struct metrics_http *h);
/*
 * Start serving in a thread of its own, with every signal blocked in it
 * (they stay the main loop's). 0 or -errno.
 */
int metrics_http_start(struct metrics_http *h);
/* Replace the body served in format fmt; h takes body (malloc'd). */
void metrics_http_publish(struct metrics_http *h, enum metrics_format fmt,
			  char *body, size_t len);
/* Stop the thread, close the socket, free the bodies. */
void metrics_http_stop(struct metrics_http *h);

#endif /* TM_METRICS_HTTP_H */
