/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line parsing of `taskmem trace` (pure: no libbpf). */
#ifndef TM_CLI_H
#define TM_CLI_H

#include <stdbool.h>
#include <stddef.h>

enum tm_format {
	TM_FORMAT_TABLE,
	TM_FORMAT_JSON,
	TM_FORMAT_CSV,
	TM_FORMAT_MARKDOWN,
};

#define TM_MAX_PROCS_DEFAULT 65536UL
#define TM_MAX_TARGETS 64
#define TM_PID_MAX_LIMIT 4194304UL	/* the kernel's PID_MAX_LIMIT */
#define TM_SECONDS_MAX 31536000.0	/* a year */
#define TM_SAMPLE_MS_DEFAULT 10UL
#define TM_SAMPLE_MS_MAX 60000UL
#define TM_MAX_PROCS_LIMIT (1UL << 22)
#define TM_SAMPLE_BYTES_DEFAULT (512UL << 10)
#define TM_SAMPLE_BYTES_MIN 4096UL
#define TM_SAMPLE_BYTES_MAX (1UL << 30)

struct trace_opts {
	const char *output;	/* NULL: stderr */
	enum tm_format format;
	bool wait_all;
	bool verbose;
	bool long_table;
	bool cgroup_check;
	bool as_root;		/* --as-root: keep root for the command */
	const char *user;	/* --user NAME */
	const char *timeline;	/* --timeline FILE.csv */
	const char *plot;	/* --plot FILE.svg */
	const char *perfetto;	/* --perfetto FILE.json */
	bool per_process;	/* --per-process: timeline rows per process */
	bool quiet;		/* -q: no live status line */
	unsigned long sample_ms; /* 0: no sampling */
	unsigned long max_procs;
	int pids[TM_MAX_TARGETS]; /* -p: processes to attach to */
	int npids;
	double duration_s;	/* -d: stop after this long (0: no limit) */
	double interval_s;	/* -i: interim report period (0: none) */
	const char *profile;	/* --profile FILE.pb.gz */
	const char *folded;	/* --folded FILE */
	const char *flame;	/* --flame FILE.svg */
	unsigned long sample_bytes; /* --sample-bytes N */
	char **cmd;		/* NULL-terminated, from argv; NULL with -p */
	int cmd_argc;
};

/* `taskmem report`: re-render a saved JSON report. */
struct report_opts {
	const char *file;	/* the saved report */
	const char *output;	/* NULL: stdout */
	enum tm_format format;
	bool svg;		/* -f svg: the timeline chart */
	bool long_table;
};

/* cli_parse_trace() results besides 0 and -EINVAL */
#define TM_CLI_HELP 1

/*
 * Parse the arguments after "trace". Returns 0, TM_CLI_HELP when help was
 * asked for, or -EINVAL with a message (naming the bad value) in err.
 */
int cli_parse_trace(int argc, char **argv, struct trace_opts *o, char *err,
		    size_t errlen);

/* The arguments after "report"; like cli_parse_trace(). */
int cli_parse_report(int argc, char **argv, struct report_opts *o, char *err,
		     size_t errlen);

/* Whole-string unsigned number in [min, max]; 0 or -EINVAL. */
int cli_parse_ulong(const char *s, unsigned long min, unsigned long max,
		    unsigned long *out);

/*
 * Whole-string byte count with an optional K, M or G suffix (binary), a
 * multiple of 4096 in [min, max]; 0 or -EINVAL.
 */
int cli_parse_bytes(const char *s, unsigned long min, unsigned long max,
		    unsigned long *out);

/* Whole-string decimal seconds in (0, TM_SECONDS_MAX]; 0 or -EINVAL. */
int cli_parse_seconds(const char *s, double *out);

/* Parse a --format name; 0 or -EINVAL. */
int cli_parse_format(const char *s, enum tm_format *f);

extern const char cli_trace_usage[];
extern const char cli_report_usage[];

#endif /* TM_CLI_H */
