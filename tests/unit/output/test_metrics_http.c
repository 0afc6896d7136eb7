// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/output/metrics_http.c on 127.0.0.1 (an ephemeral
 * port): nothing before the first publication, content negotiation,
 * HEAD, other paths and methods, a port in use, and signals blocked in
 * the server's thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "output/metrics_http.h"

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	return sa;
}

/* One HTTP/1.0 exchange; the whole answer (headers and body), malloc'd. */
static char *exchange(uint16_t port, const char *request)
{
	struct sockaddr_in sa = loopback(port);
	size_t len = 0, cap = 65536;
	char *buf = calloc(1, cap);
	ssize_t n;
	int fd;

	assert_non_null(buf);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, request, strlen(request)),
			 (ssize_t)strlen(request));
	while ((n = read(fd, buf + len, cap - len - 1)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return buf;
}

static char *get(uint16_t port, const char *method, const char *path,
		 const char *accept)
{
	char req[512];

	snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%s%s%s\r\n",
		 method, path, accept ? "Accept: " : "", accept ? accept : "",
		 accept ? "\r\n" : "");
	return exchange(port, req);
}

static int setup(void **state)
{
	struct metrics_http *h = calloc(1, sizeof(*h));
	struct metrics_http init = METRICS_HTTP_INIT;
	struct sockaddr_in sa = loopback(0);

	if (!h)
		return -1;
	*h = init;
	if (metrics_http_bind(h, (struct sockaddr *)&sa, sizeof(sa)) ||
	    metrics_http_start(h))
		return -1;
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	struct metrics_http *h = *state;

	metrics_http_stop(h);
	free(h);
	return 0;
}

static void publish(struct metrics_http *h)
{
	metrics_http_publish(h, METRICS_TEXT, strdup("text body\n"), 10);
	metrics_http_publish(h, METRICS_OPENMETRICS,
			     strdup("om body\n# EOF\n"), 14);
}

static void unavailable_before_the_first_figures(void **state)
{
	struct metrics_http *h = *state;
	char *out = get(metrics_http_port(h), "GET", "/metrics", NULL);

	assert_true(metrics_http_port(h) > 0);
	assert_non_null(strstr(out, " 503 "));
	free(out);
}

static void negotiates_the_format(void **state)
{
	struct metrics_http *h = *state;
	uint16_t port = metrics_http_port(h);
	char *out;

	publish(h);
	out = get(port, "GET", "/metrics", NULL);
	assert_non_null(strstr(out, " 200 "));
	assert_non_null(strstr(out, "text/plain; version=0.0.4"));
	assert_non_null(strstr(out, "\r\n\r\ntext body\n"));
	free(out);

	out = get(port, "GET", "/metrics",
		  "application/openmetrics-text;version=1.0.0,text/plain;"
		  "version=0.0.4;q=0.5");
	assert_non_null(strstr(out, "application/openmetrics-text; version=1.0.0"));
	assert_non_null(strstr(out, "\r\n\r\nom body\n# EOF\n"));
	free(out);

	/* a new publication replaces the old one */
	metrics_http_publish(h, METRICS_TEXT, strdup("second\n"), 7);
	out = get(port, "GET", "/metrics", "text/plain");
	assert_non_null(strstr(out, "\r\n\r\nsecond\n"));
	free(out);
}

static void head_other_paths_and_methods(void **state)
{
	struct metrics_http *h = *state;
	uint16_t port = metrics_http_port(h);
	char *out;

	publish(h);
	out = get(port, "HEAD", "/metrics", NULL);
	assert_non_null(strstr(out, " 200 "));
	assert_null(strstr(out, "text body"));
	free(out);

	out = get(port, "GET", "/", NULL);
	assert_non_null(strstr(out, " 404 "));
	assert_non_null(strstr(out, "/metrics"));
	free(out);

	out = get(port, "POST", "/metrics", NULL);
	assert_non_null(strstr(out, " 405 "));
	assert_non_null(strstr(out, "Allow: GET, HEAD"));
	free(out);
}

static void port_in_use_is_eaddrinuse(void **state)
{
	struct metrics_http *h = *state;
	struct metrics_http other = METRICS_HTTP_INIT;
	struct sockaddr_in sa = loopback(metrics_http_port(h));

	assert_int_equal(metrics_http_bind(&other, (struct sockaddr *)&sa,
					   sizeof(sa)), -EADDRINUSE);
	assert_int_equal(other.fd, -1);
	metrics_http_stop(&other);
}

/*
 * The server's thread blocks every signal, so the ones taskmem reads from
 * its signalfd (SIGINT, SIGTERM, SIGCHLD...) never land there.
 */
static void signals_stay_with_the_main_thread(void **state)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD,
				    SIGUSR1 };
	char path[300], line[256];
	unsigned long long blk;
	int others = 0, i;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		FILE *f;

		if (e->d_name[0] == '.' || atoi(e->d_name) == gettid())
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status",
			 e->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		blk = 0;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "SigBlk: %llx", &blk) == 1)
				break;
		fclose(f);
		for (i = 0; i < (int)(sizeof(sigs) / sizeof(sigs[0])); i++)
			if (!(blk & (1ULL << (sigs[i] - 1))))
				fail_msg("thread %s does not block signal %d "
					 "(SigBlk %llx)", e->d_name, sigs[i], blk);
		others++;
	}
	closedir(d);
	assert_true(others >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unavailable_before_the_first_figures,
						setup, teardown),
		cmocka_unit_test_setup_teardown(negotiates_the_format, setup,
						teardown),
		cmocka_unit_test_setup_teardown(head_other_paths_and_methods,
						setup, teardown),
		cmocka_unit_test_setup_teardown(port_in_use_is_eaddrinuse,
						setup, teardown),
		cmocka_unit_test_setup_teardown(signals_stay_with_the_main_thread,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
