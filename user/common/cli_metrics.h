/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The metrics options of `taskmem trace` (--listen, --metrics-file,
 * --metrics-interval, --metrics-top, --metrics-label, --linger): their
 * values and checks. Pure: no libbpf, no HTTP.
 */
#ifndef TM_CLI_METRICS_H
#define TM_CLI_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TM_METRICS_TOP_DEFAULT 20UL
#define TM_METRICS_TOP_MAX 10000UL
#define TM_METRICS_INTERVAL_DEFAULT 10.0
#define TM_LINGER_DEFAULT 15.0
#define TM_METRICS_LABELS_MAX 16
#define TM_METRICS_LABEL_NAME_MAX 128

/* --metrics-label KEY=VALUE: name and value point into the argument. */
struct metrics_label {
	const char *name;	/* not NUL-terminated: name_len bytes */
	size_t name_len;
	const char *value;
};

/* Where --listen binds. */
struct metrics_listen {
	int family;		/* AF_INET or AF_INET6 */
	bool any;		/* ":PORT": no address given */
	uint8_t addr[16];	/* network order: 4 bytes for AF_INET */
	uint16_t port;
};

struct metrics_opts {
	const char *listen;	/* --listen ADDR:PORT as given; NULL: none */
	struct metrics_listen where;
	const char *file;	/* --metrics-file PATH */
	double interval_s;	/* --metrics-interval (0: not given) */
	double linger_s;	/* --linger; < 0: not given */
	unsigned long top;	/* --metrics-top K */
	bool top_set;
	struct metrics_label labels[TM_METRICS_LABELS_MAX];
	int nlabels;
};

/* Defaults before parsing. */
void cli_metrics_init(struct metrics_opts *m);

/*
 * "127.0.0.1:9464", "[::1]:9464", "localhost:9464" (127.0.0.1) or
 * ":9464" (no address: the caller picks). 0 or -EINVAL with the reason
 * (naming the value) in err.
 */
int cli_metrics_parse_listen(const char *s, struct metrics_listen *l,
			     char *err, size_t errlen);

/* Add one KEY=VALUE; 0 or -EINVAL with the reason in err. */
int cli_metrics_add_label(struct metrics_opts *m, const char *kv, char *err,
			  size_t errlen);

/* --linger SECS: decimal seconds, 0 allowed; 0 or -EINVAL. */
int cli_metrics_parse_linger(const char *s, double *out);

/*
 * After parsing: options that need --listen or --metrics-file, and the
 * defaults of what was not given. 0 or -EINVAL with the reason in err.
 */
int cli_metrics_finish(struct metrics_opts *m, char *err, size_t errlen);

/* A Prometheus label name: [a-zA-Z_][a-zA-Z0-9_]*, not "__..." . */
bool cli_metrics_label_name_ok(const char *name, size_t len);

#endif /* TM_CLI_METRICS_H */
