// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/trace/exporter.c: the metrics file written when due
 * and at the end, a bad path refused before tracing, what ":PORT" binds
 * (loopback through sudo), and the pacing of publications.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "testutil.h"
#include "common/text.h"
#include "trace/exporter.h"

#define MIB (1024ULL * 1024ULL)

struct fixture {
	char dir[64];
	char path[128];
	struct tm_report r;
	struct metrics_opts m;
	struct launch_cred owner;
	struct exporter e;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct exporter init = EXPORTER_INIT;

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/taskmem-exporter-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/taskmem.prom", fx->dir);
	model_init(&fx->r, 4096, 0);
	fx->r.tree.peak_rss = 96 * MIB;
	cli_metrics_init(&fx->m);
	fx->e = init;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	exporter_close(&fx->e);
	model_free(&fx->r);
	remove_tree(fx->dir);
	free(fx);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* 127.0.0.1, an ephemeral port (which --listen does not accept) */
static void loopback(struct metrics_listen *l)
{
	memset(l, 0, sizeof(*l));
	l->family = AF_INET;
	l->addr[0] = 127;
	l->addr[3] = 1;
}

static void file_written_when_due_and_at_the_end(void **state)
{
	struct fixture *fx = *state;
	char *text;
	uint64_t wake = UINT64_MAX;

	fx->m.file = fx->path;
	fx->m.interval_s = 3600;
	assert_int_equal(cli_metrics_finish(&fx->m, NULL, 0), 0);
	assert_int_equal(exporter_open(&fx->e, &fx->m, &fx->owner, "9.9"), 0);
	/* checked, not yet written */
	assert_int_equal(access(fx->path, F_OK), -1);
	assert_true(exporter_due(&fx->e, now_ns()));

	exporter_update(&fx->e, &fx->r, NULL, now_ns(), false);
	text = text_read(fx->path);
	assert_non_null(text);
	assert_non_null(strstr(text, "\ntaskmem_tree_peak_rss_bytes 100663296\n"));
	assert_non_null(strstr(text, "taskmem_build_info{version=\"9.9\"} 1"));
	assert_null(strstr(text, "# EOF"));
	free(text);

	/* an hour to the next file: not due, and the loop may sleep long */
	assert_false(exporter_due(&fx->e, now_ns()));
	exporter_wake(&fx->e, &wake);
	assert_true(wake > now_ns() + 3500ULL * 1000000000ULL);

	/* the end writes whatever the interval */
	fx->r.tree.peak_rss = 97 * MIB;
	exporter_update(&fx->e, &fx->r, NULL, now_ns(), true);
	text = text_read(fx->path);
	assert_non_null(strstr(text, "\ntaskmem_tree_peak_rss_bytes 101711872\n"));
	free(text);
}

static void bad_file_refused_before_tracing(void **state)
{
	struct fixture *fx = *state;

	snprintf(fx->path, sizeof(fx->path), "%s/no/such/dir.prom", fx->dir);
	fx->m.file = fx->path;
	assert_int_equal(cli_metrics_finish(&fx->m, NULL, 0), 0);
	assert_int_equal(exporter_open(&fx->e, &fx->m, &fx->owner, "1"),
			 -ENOENT);
}

static void any_address_is_loopback_through_sudo(void **state)
{
	struct fixture *fx = *state;

	need_root();	/* through sudo: root with SUDO_UID */
	fx->m.listen = ":0";
	loopback(&fx->m.where);
	fx->m.where.any = true;
	assert_int_equal(cli_metrics_finish(&fx->m, NULL, 0), 0);
	setenv("SUDO_UID", "65534", 1);
	assert_int_equal(exporter_open(&fx->e, &fx->m, &fx->owner, "1"), 0);
	unsetenv("SUDO_UID");
	assert_string_equal(fx->e.url, "http://127.0.0.1:0/metrics");
	/* (without sudo it would be 0.0.0.0: not bound here, loopback only) */
}

/* Served figures are renewed every second, slower when a round is slow. */
static void publications_are_paced(void **state)
{
	struct fixture *fx = *state;
	uint64_t t;

	fx->m.listen = "127.0.0.1:0";
	loopback(&fx->m.where);
	assert_int_equal(cli_metrics_finish(&fx->m, NULL, 0), 0);
	assert_int_equal(exporter_open(&fx->e, &fx->m, &fx->owner, "1"), 0);
	assert_false(exporter_due(&fx->e, now_ns()));	/* not serving yet */
	assert_int_equal(exporter_start(&fx->e), 0);
	assert_true(exporter_due(&fx->e, now_ns()));
	t = now_ns();
	exporter_update(&fx->e, &fx->r, NULL, t, false);
	assert_false(exporter_due(&fx->e, now_ns()));
	assert_true(exporter_due(&fx->e, t + EXPORTER_PUBLISH_NS + 100000000ULL));
	assert_non_null(fx->e.http.body[METRICS_TEXT]);
	assert_non_null(strstr(fx->e.http.body[METRICS_OPENMETRICS], "# EOF\n"));

	/* a round that took 200 ms: the next one 4 s later */
	exporter_update(&fx->e, &fx->r, NULL, now_ns() - 200000000ULL, false);
	assert_false(exporter_due(&fx->e, now_ns() + 3500000000ULL));
	assert_true(exporter_due(&fx->e, now_ns() + 4100000000ULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(file_written_when_due_and_at_the_end,
						setup, teardown),
		cmocka_unit_test_setup_teardown(bad_file_refused_before_tracing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(any_address_is_loopback_through_sudo,
						setup, teardown),
		cmocka_unit_test_setup_teardown(publications_are_paced, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
