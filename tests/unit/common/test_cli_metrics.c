// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/common/cli_metrics.c: --listen addresses, label
 * names and values, --linger, and which options need which.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "common/cli.h"
#include "common/cli_metrics.h"

static char err[512];

static void listen_forms(void **state)
{
	struct metrics_listen l;
	const uint8_t lo4[4] = { 127, 0, 0, 1 };
	uint8_t lo6[16] = { 0 };

	(void)state;
	lo6[15] = 1;
	assert_int_equal(cli_metrics_parse_listen("127.0.0.1:9464", &l, err,
						  sizeof(err)), 0);
	assert_int_equal(l.family, AF_INET);
	assert_int_equal(l.port, 9464);
	assert_false(l.any);
	assert_memory_equal(l.addr, lo4, 4);

	assert_int_equal(cli_metrics_parse_listen("localhost:1", &l, err,
						  sizeof(err)), 0);
	assert_memory_equal(l.addr, lo4, 4);
	assert_int_equal(l.port, 1);

	assert_int_equal(cli_metrics_parse_listen("[::1]:65535", &l, err,
						  sizeof(err)), 0);
	assert_int_equal(l.family, AF_INET6);
	assert_int_equal(l.port, 65535);
	assert_memory_equal(l.addr, lo6, 16);

	assert_int_equal(cli_metrics_parse_listen(":9464", &l, err,
						  sizeof(err)), 0);
	assert_true(l.any);
	assert_int_equal(l.port, 9464);
}

static void listen_rejects_and_names_the_value(void **state)
{
	static const struct {
		const char *arg, *named;
	} bad[] = {
		{ "9464", "'9464'" },
		{ "127.0.0.1:0", "port '0'" },
		{ "127.0.0.1:65536", "port '65536'" },
		{ "127.0.0.1:", "port ''" },
		{ "127.0.0.1:94a", "port '94a'" },
		{ "127.0.0.1:-1", "port '-1'" },
		{ "300.0.0.1:9464", "address '300.0.0.1'" },
		{ "example.com:80", "address 'example.com'" },
		{ "::1:9464", "address '::1'" },
		{ "[::1:9464", "address '[::1'" },
		{ "[127.0.0.1]:9464", "address '[127.0.0.1]'" },
	};
	struct metrics_listen l;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cli_metrics_parse_listen(bad[i].arg, &l, err,
							  sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i].named))
			fail_msg("'%s': message '%s' does not name %s",
				 bad[i].arg, err, bad[i].named);
	}
}

static void label_names_follow_prometheus(void **state)
{
	(void)state;
	assert_true(cli_metrics_label_name_ok("job", 3));
	assert_true(cli_metrics_label_name_ok("_x9", 3));
	assert_true(cli_metrics_label_name_ok("Run_ID", 6));
	assert_false(cli_metrics_label_name_ok("", 0));
	assert_false(cli_metrics_label_name_ok("9x", 2));
	assert_false(cli_metrics_label_name_ok("__name__", 8));
	assert_false(cli_metrics_label_name_ok("a-b", 3));
	assert_false(cli_metrics_label_name_ok("a.b", 3));
	assert_false(cli_metrics_label_name_ok("a b", 3));
	assert_false(cli_metrics_label_name_ok("\xc3\xa9", 2));
}

static void labels_are_checked(void **state)
{
	struct metrics_opts m;
	int i;

	(void)state;
	cli_metrics_init(&m);
	assert_int_equal(cli_metrics_add_label(&m, "run=a=b \"c\"", err,
					       sizeof(err)), 0);
	assert_int_equal(m.nlabels, 1);
	assert_int_equal(m.labels[0].name_len, 3);
	assert_string_equal(m.labels[0].value, "a=b \"c\"");

	assert_int_equal(cli_metrics_add_label(&m, "1run=x", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'1run'"));
	assert_int_equal(cli_metrics_add_label(&m, "__x=1", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'__x'"));
	assert_int_equal(cli_metrics_add_label(&m, "a-b=1", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'a-b'"));
	assert_int_equal(cli_metrics_add_label(&m, "=1", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(cli_metrics_add_label(&m, "novalue", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "KEY=VALUE"));
	assert_int_equal(cli_metrics_add_label(&m, "x=", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(cli_metrics_add_label(&m, "pid=1", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'pid'"));
	assert_int_equal(cli_metrics_add_label(&m, "x=\xff", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "UTF-8"));
	assert_int_equal(cli_metrics_add_label(&m, "run=again", err,
					       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "twice"));
	assert_int_equal(m.nlabels, 1);

	for (i = 1; i < TM_METRICS_LABELS_MAX; i++) {
		static char kv[TM_METRICS_LABELS_MAX][16];

		snprintf(kv[i], sizeof(kv[i]), "l%d=v", i);
		assert_int_equal(cli_metrics_add_label(&m, kv[i], err,
						       sizeof(err)), 0);
	}
	assert_int_equal(cli_metrics_add_label(&m, "last=v", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "too many"));
}

static void linger_allows_zero(void **state)
{
	double v = -1;

	(void)state;
	assert_int_equal(cli_metrics_parse_linger("0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(cli_metrics_parse_linger("0.0", &v), 0);
	assert_int_equal(cli_metrics_parse_linger("2.5", &v), 0);
	assert_true(v == 2.5);
	assert_int_equal(cli_metrics_parse_linger("", &v), -EINVAL);
	assert_int_equal(cli_metrics_parse_linger(".", &v), -EINVAL);
	assert_int_equal(cli_metrics_parse_linger("-1", &v), -EINVAL);
	assert_int_equal(cli_metrics_parse_linger("1e3", &v), -EINVAL);
}

static void options_need_an_output(void **state)
{
	struct metrics_opts m;

	(void)state;
	cli_metrics_init(&m);
	assert_int_equal(cli_metrics_finish(&m, err, sizeof(err)), 0);
	assert_true(m.interval_s == TM_METRICS_INTERVAL_DEFAULT);
	assert_true(m.linger_s == 0);

	cli_metrics_init(&m);
	m.listen = "127.0.0.1:9";
	assert_int_equal(cli_metrics_finish(&m, err, sizeof(err)), 0);
	assert_true(m.linger_s == TM_LINGER_DEFAULT);
	assert_int_equal(m.top, TM_METRICS_TOP_DEFAULT);

	cli_metrics_init(&m);
	m.interval_s = 1;
	m.listen = "127.0.0.1:9";
	assert_int_equal(cli_metrics_finish(&m, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--metrics-file"));

	cli_metrics_init(&m);
	m.linger_s = 0;
	m.file = "x.prom";
	assert_int_equal(cli_metrics_finish(&m, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--listen"));

	cli_metrics_init(&m);
	m.top_set = true;
	assert_int_equal(cli_metrics_finish(&m, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--metrics-top"));
}

static int parse(struct trace_opts *o, ...)
{
	char *argv[32];
	va_list ap;
	int argc = 0;

	va_start(ap, o);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return cli_parse_trace(argc, argv, o, err, sizeof(err));
}

static void trace_options(void **state)
{
	struct trace_opts o;

	(void)state;
	assert_int_equal(parse(&o, "--listen", "127.0.0.1:9464",
			       "--metrics-top", "5", "--metrics-label", "a=1",
			       "--metrics-label=b=2", "--metrics-file", "m.prom",
			       "--metrics-interval", "0.5", "--linger", "0",
			       "-i", "2", "--", "true", NULL), 0);
	assert_string_equal(o.metrics.listen, "127.0.0.1:9464");
	assert_int_equal(o.metrics.where.port, 9464);
	assert_int_equal(o.metrics.top, 5);
	assert_int_equal(o.metrics.nlabels, 2);
	assert_string_equal(o.metrics.labels[1].value, "2");
	assert_string_equal(o.metrics.file, "m.prom");
	assert_true(o.metrics.interval_s == 0.5);
	assert_true(o.metrics.linger_s == 0);
	/* -i keeps its meaning */
	assert_true(o.interval_s == 2);

	assert_int_equal(parse(&o, "-p", "1", "--listen", ":9", NULL), 0);
	assert_true(o.metrics.where.any);
	assert_true(o.metrics.linger_s == TM_LINGER_DEFAULT);
	assert_true(o.metrics.interval_s == TM_METRICS_INTERVAL_DEFAULT);

	assert_int_equal(parse(&o, "--metrics-top", "10001", "--listen",
			       ":9", "--", "true", NULL), -EINVAL);
	assert_non_null(strstr(err, "'10001'"));
	assert_int_equal(parse(&o, "--linger", "3", "--", "true", NULL),
			 -EINVAL);
	assert_non_null(strstr(err, "--linger needs --listen"));
	assert_int_equal(parse(&o, "--listen", "x", "--", "true", NULL),
			 -EINVAL);
	assert_non_null(strstr(err, "'x'"));
	assert_int_equal(parse(&o, "--metrics-file", "", "--", "true", NULL),
			 -EINVAL);
	assert_int_equal(parse(&o, "--metrics-interval", "0", "--metrics-file",
			       "f", "--", "true", NULL), -EINVAL);
	assert_non_null(strstr(err, "--metrics-interval '0'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(listen_forms),
		cmocka_unit_test(listen_rejects_and_names_the_value),
		cmocka_unit_test(label_names_follow_prometheus),
		cmocka_unit_test(labels_are_checked),
		cmocka_unit_test(linger_allows_zero),
		cmocka_unit_test(options_need_an_output),
		cmocka_unit_test(trace_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
