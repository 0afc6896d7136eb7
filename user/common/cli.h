/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line parsing of `taskmem trace` (pure: no libbpf). */
#ifndef TM_CLI_H
#define TM_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include "common/cli_metrics.h"

enum tm_format {
	TM_FORMAT_TABLE,
	TM_FORMAT_JSON,
	TM_FORMAT_CSV,
	TM_FORMAT_MARKDOWN,
	TM_FORMAT_SVG,		/* the timeline chart: report -f svg, --plot */
};

#define TM_MAX_PROCS_DEFAULT 65536UL
#define TM_MAX_TARGETS 64
#define TM_PID_MAX_LIMIT 4194304UL	/* the kernel's PID_MAX_LIMIT */
#define TM_SECONDS_MAX 31536000.0	/* a year */
/* what cli_parse_seconds() accepts, for messages */
#define TM_SECONDS_RANGE "seconds > 0 and at most 31536000, a year"
/* -i: a shorter interval costs more than it shows */
#define TM_INTERVAL_MIN 0.1
#define TM_SAMPLE_MS_DEFAULT 10UL
#define TM_SAMPLE_MS_MAX 60000UL
/* --memory-sample-ms: memory.stat costs tens of microseconds a read */
#define TM_MEMORY_SAMPLE_MS_DEFAULT 50UL
#define TM_MAX_PROCS_LIMIT (1UL << 22)
#define TM_SAMPLE_BYTES_DEFAULT (2UL << 20)
#define TM_SAMPLE_BYTES_MIN 4096UL
#define TM_SAMPLE_BYTES_MAX (1UL << 30)

struct trace_opts {
	const char *output;	/* NULL: stderr */
	enum tm_format format;
	bool wait_all;
	bool verbose;
	bool long_table;
	bool cgroup_check;	/* also the comparison lines and "cgroup" */
	bool no_cgroup;		/* --no-cgroup: no memory cgroup */
	bool exact_unique;	/* --exact-unique: memcg events in BPF */
	const char *cgroup;	/* --cgroup PATH: follow an existing one */
	unsigned long memory_sample_ms; /* memory.stat period */
	bool as_root;		/* --as-root: keep root for the command */
	const char *user;	/* --user NAME */
	const char *timeline;	/* --timeline FILE.csv */
	const char *plot;	/* --plot FILE.svg */
	const char *perfetto;	/* --perfetto FILE.json */
	bool per_process;	/* --per-process: timeline rows per process */
	bool all_processes;	/* --all-processes: no grouped table rows */
	unsigned long per_process_top; /* --per-process=K: the K largest; 0: all */
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
	struct metrics_opts metrics; /* --listen, --metrics-file, ... */
	char **cmd;		/* NULL-terminated, from argv; NULL with -p */
	int cmd_argc;
};

/* `taskmem report`: re-render a saved JSON report. */
struct report_opts {
	const char *file;	/* the saved report */
	const char *output;	/* NULL: stdout */
	enum tm_format format;	/* TM_FORMAT_SVG: the timeline chart */
	bool long_table;
	bool all_processes;
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

/* Put a message in err; returns -EINVAL. */
int cli_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * getopt_long over argv (which has no program name in front), one option
 * at a time, with taskmem's rules on top, for every subcommand: long names
 * only in full (no abbreviations: adding an option must not change what
 * an old command line means), unknown options and missing values named
 * in err. One parse at a time (getopt's state is global).
 */
struct cli_opts {
	int argc;
	char **argv;		/* argv with a program name in front */
	const char *shortopts;
	const struct option *longopts;
	const char *elem;	/* the argument the last option came from */
	bool dashdash;		/* the options ended with "--" */
};

/* 0 or -ENOMEM. */
int cli_opts_init(struct cli_opts *it, int argc, char **argv,
		  const char *shortopts, const struct option *longopts);
/* The next option (1 for a word, with '-' in shortopts), -1 at the end,
 * or -EINVAL with the message in err. */
int cli_opts_next(struct cli_opts *it, char *err, size_t errlen);
/* Where the first argument not taken stands in the caller's argv. */
int cli_opts_rest(const struct cli_opts *it);
void cli_opts_free(struct cli_opts *it);

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
