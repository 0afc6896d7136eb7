// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/cli.h"

const char cli_trace_usage[] =
	"usage: taskmem trace [options] -- COMMAND [ARG...]\n"
	"       taskmem trace [options] -p PID[,PID...]\n"
	"\n"
	"Run COMMAND (or attach to running processes), follow every process\n"
	"and thread created, and report the peak memory of each process and\n"
	"of the whole tree.\n"
	"\n"
	"  -p, --pid PID[,PID...] attach to running processes and their\n"
	"                         descendants, until they exit or Ctrl-C\n"
	"  -d, --duration SECS    with -p: stop after SECS seconds\n"
	"  -i, --interval SECS    print the current and peak table every SECS\n"
	"  -o, --output FILE      write the report to FILE (default: stderr)\n"
	"  -f, --format FORMAT    table (default), json, csv or markdown\n"
	"      --timeline FILE    write the tree's memory over time as CSV\n"
	"      --per-process[=K]  add a timeline row per process to each sample\n"
	"                         (=K: the K largest by current footprint)\n"
	"      --sample-ms N      timeline period in ms (default 10)\n"
	"      --plot FILE        draw memory over time as an SVG chart\n"
	"      --perfetto FILE    write a Chrome/Perfetto trace (JSON)\n"
	"      --profile FILE     write which code paths held memory at the\n"
	"                         peak as a gzip pprof profile\n"
	"      --folded FILE      the same as folded stacks (root;...;leaf BYTES)\n"
	"      --flame FILE       the same as an SVG flame graph\n"
	"      --sample-bytes N   one stack sample per N bytes of RSS growth\n"
	"                         (default 2M; K, M, G suffixes)\n"
	"  -q, --quiet            no live status line on the terminal\n"
	"  -l, --long             add the detail columns to the table\n"
	"      --all-processes    a table row for every process (above 20, the\n"
	"                         15 largest and a row per command name)\n"
	"  -w, --wait-all         also wait for descendants that outlive COMMAND\n"
	"      --cgroup PATH      follow an existing memory cgroup and every\n"
	"                         cgroup below it, its processes as the tree\n"
	"      --no-cgroup        do not run COMMAND in a memory cgroup of its\n"
	"                         own (no unique or charged memory)\n"
	"      --memory-sample-ms N\n"
	"                         read the cgroup's memory.stat every N ms\n"
	"                         (default 50) and at each new RSS peak\n"
	"      --exact-unique     follow the cgroup's statistics in BPF at every\n"
	"                         change instead (costs more: see README)\n"
	"      --cgroup-check     also compare the cgroup's peak with taskmem's\n"
	"                         footprint\n"
	"      --user NAME        run COMMAND as NAME (default: the user who\n"
	"                         ran sudo, else root)\n"
	"      --as-root          run COMMAND as root even under sudo\n"
	"      --max-procs N      processes tracked at once (default 65536)\n"
	"  -v, --verbose          show libbpf's messages\n"
	"      --listen ADDR:PORT serve Prometheus metrics on\n"
	"                         http://ADDR:PORT/metrics while tracing\n"
	"      --metrics-file PATH\n"
	"                         write the metrics to PATH (for node\n"
	"                         exporter's textfile collector)\n"
	"      --metrics-interval SECS\n"
	"                         how often to write it (default 10)\n"
	"      --metrics-top K    per-process series for the K processes with\n"
	"                         the largest footprint (default 20)\n"
	"      --metrics-label KEY=VALUE\n"
	"                         a label on every series (repeatable)\n"
	"      --linger SECS      with --listen: serve the final values for\n"
	"                         SECS after tracing (default 15)\n"
	"  -h, --help             show this help\n";

const char cli_report_usage[] =
	"usage: taskmem report [options] FILE.json\n"
	"\n"
	"Render a report saved with 'taskmem trace --format json' again,\n"
	"without running anything.\n"
	"\n"
	"  -f, --format FORMAT    table (default), json, csv, markdown, or svg\n"
	"                         (the timeline chart: needs a saved timeline)\n"
	"  -l, --long             add the detail columns to the table\n"
	"      --all-processes    a table row for every process (above 20, the\n"
	"                         15 largest and a row per command name)\n"
	"  -o, --output FILE      write to FILE (default: stdout)\n"
	"  -h, --help             show this help\n";

/* fail(): the short name inside this file */
#define fail cli_fail

int cli_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int cli_parse_ulong(const char *s, unsigned long min, unsigned long max,
		    unsigned long *out)
{
	unsigned long v;
	char *end;

	/* strtoul accepts leading space and '-': neither is a count */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int cli_parse_bytes(const char *s, unsigned long min, unsigned long max,
		    unsigned long *out)
{
	static const char units[] = "KMG";
	unsigned long v, mult = 1;
	char *end;
	const char *u;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (*end) {
		u = strchr(units, *end);
		if (!u || end[1])
			return -EINVAL;
		mult = 1UL << (10 * (u - units + 1));
	}
	if (v > max / mult)
		return -EINVAL;
	v *= mult;
	if (v < min || v % 4096)
		return -EINVAL;
	*out = v;
	return 0;
}

int cli_parse_seconds(const char *s, double *out)
{
	double v;
	char *end;

	/* decimal only: strtod would take hex, exponents and "inf" */
	if (!s || !*s || strspn(s, "0123456789.") != strlen(s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0 || v > TM_SECONDS_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "4242,4243": appended to o->pids, duplicates dropped. */
static int parse_pids(const char *list, struct trace_opts *o, char *err,
		      size_t errlen)
{
	const char *p = list;
	char item[32];

	do {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		unsigned long pid;
		int i;

		snprintf(item, sizeof(item), "%.*s", (int)n, p);
		if (n >= sizeof(item) ||
		    cli_parse_ulong(item, 1, TM_PID_MAX_LIMIT, &pid))
			return fail(err, errlen,
				    "invalid pid '%s' in '%s' (expected a "
				    "process id from 1 to %lu)",
				    item, list, TM_PID_MAX_LIMIT);
		for (i = 0; i < o->npids && o->pids[i] != (int)pid; i++)
			;
		if (i == o->npids) {
			if (o->npids == TM_MAX_TARGETS)
				return fail(err, errlen,
					    "too many pids (at most %d)",
					    TM_MAX_TARGETS);
			o->pids[o->npids++] = (int)pid;
		}
		p = comma ? comma + 1 : NULL;
	} while (p);
	return 0;
}

int cli_parse_format(const char *s, enum tm_format *f)
{
	static const char *const names[] = {
		[TM_FORMAT_TABLE] = "table",
		[TM_FORMAT_JSON] = "json",
		[TM_FORMAT_CSV] = "csv",
		[TM_FORMAT_MARKDOWN] = "markdown",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*f = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Options without a short form: values above any character. */
enum opt_id { OPT_CGROUP = 256, OPT_USER, OPT_AS_ROOT, OPT_TIMELINE,
	      OPT_PER_PROCESS, OPT_SAMPLE_MS, OPT_PLOT, OPT_PERFETTO,
	      OPT_MAX_PROCS,
	      OPT_PROFILE, OPT_FOLDED, OPT_FLAME, OPT_SAMPLE_BYTES,
	      OPT_LISTEN, OPT_METRICS_FILE, OPT_METRICS_INTERVAL,
	      OPT_METRICS_TOP, OPT_METRICS_LABEL, OPT_LINGER,
	      OPT_ALL_PROCESSES, OPT_NO_CGROUP, OPT_CGROUP_PATH,
	      OPT_MEMORY_SAMPLE_MS, OPT_EXACT_UNIQUE };

/* '+': stop at the command; ':': a missing value is reported, not printed */
static const char trace_shortopts[] = "+:p:d:i:o:f:lwqvh";

static const struct option trace_longopts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "duration", required_argument, NULL, 'd' },
	{ "interval", required_argument, NULL, 'i' },
	{ "output", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, 'f' },
	{ "long", no_argument, NULL, 'l' },
	{ "wait-all", no_argument, NULL, 'w' },
	{ "cgroup-check", no_argument, NULL, OPT_CGROUP },
	{ "no-cgroup", no_argument, NULL, OPT_NO_CGROUP },
	{ "cgroup", required_argument, NULL, OPT_CGROUP_PATH },
	{ "memory-sample-ms", required_argument, NULL, OPT_MEMORY_SAMPLE_MS },
	{ "exact-unique", no_argument, NULL, OPT_EXACT_UNIQUE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "as-root", no_argument, NULL, OPT_AS_ROOT },
	{ "timeline", required_argument, NULL, OPT_TIMELINE },
	{ "per-process", optional_argument, NULL, OPT_PER_PROCESS },
	{ "sample-ms", required_argument, NULL, OPT_SAMPLE_MS },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "perfetto", required_argument, NULL, OPT_PERFETTO },
	{ "quiet", no_argument, NULL, 'q' },
	{ "max-procs", required_argument, NULL, OPT_MAX_PROCS },
	{ "all-processes", no_argument, NULL, OPT_ALL_PROCESSES },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "folded", required_argument, NULL, OPT_FOLDED },
	{ "flame", required_argument, NULL, OPT_FLAME },
	{ "sample-bytes", required_argument, NULL, OPT_SAMPLE_BYTES },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
	{ "metrics-interval", required_argument, NULL, OPT_METRICS_INTERVAL },
	{ "metrics-top", required_argument, NULL, OPT_METRICS_TOP },
	{ "metrics-label", required_argument, NULL, OPT_METRICS_LABEL },
	{ "linger", required_argument, NULL, OPT_LINGER },
	{ NULL, 0, NULL, 0 },
};

/* '-': file names come back in order as option 1, wherever they stand */
static const char report_shortopts[] = "-:f:lo:h";

static const struct option report_longopts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "long", no_argument, NULL, 'l' },
	{ "output", required_argument, NULL, 'o' },
	{ "all-processes", no_argument, NULL, OPT_ALL_PROCESSES },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cli_opts_init(struct cli_opts *it, int argc, char **argv,
		  const char *shortopts, const struct option *longopts)
{
	memset(it, 0, sizeof(*it));
	it->argv = calloc((size_t)argc + 2, sizeof(*it->argv));
	if (!it->argv)
		return -ENOMEM;
	it->argv[0] = (char *)"taskmem";
	memcpy(it->argv + 1, argv, (size_t)argc * sizeof(*argv));
	it->argc = argc + 1;
	it->shortopts = shortopts;
	it->longopts = longopts;
	opterr = 0;
	optind = 0;	/* glibc: start afresh, forgetting any earlier parse */
	return 0;
}

int cli_opts_next(struct cli_opts *it, char *err, size_t errlen)
{
	int prev = optind ? optind : 1, idx = -1, c;
	const char *name;
	size_t n;

	c = getopt_long(it->argc, it->argv, it->shortopts, it->longopts, &idx);
	it->elem = prev < it->argc ? it->argv[prev] : "";
	/* only a "--" getopt itself took ends the options, not a value "--" */
	it->dashdash = c == -1 && optind == prev + 1 && prev < it->argc &&
		       !strcmp(it->argv[prev], "--");
	if (c == -1 || c == 1)
		return c;
	if (c == ':')
		return fail(err, errlen, "option '%s' needs a value", it->elem);
	if (c == '?') {
		if (optopt && optopt < 256 && it->elem[1] != '-')
			return fail(err, errlen, "unknown option '-%c'", optopt);
		return fail(err, errlen, "unknown option '%s'", it->elem);
	}
	if (idx >= 0) {
		name = it->elem + 2;
		n = strcspn(name, "=");
		if (n != strlen(it->longopts[idx].name) ||
		    strncmp(name, it->longopts[idx].name, n))
			return fail(err, errlen, "unknown option '%s'",
				    it->elem);
	}
	return c;
}

int cli_opts_rest(const struct cli_opts *it)
{
	(void)it;
	return optind - 1;
}

void cli_opts_free(struct cli_opts *it)
{
	free(it->argv);
	it->argv = NULL;
}

/* --listen, --metrics-*, --linger */
static int apply_metrics_opt(int id, const char *name, const char *val,
			     struct metrics_opts *m, char *err, size_t errlen)
{
	switch (id) {
	case OPT_LISTEN:
		m->listen = val;
		return cli_metrics_parse_listen(val, &m->where, err, errlen);
	case OPT_METRICS_FILE:
		if (!*val)
			return fail(err, errlen, "empty file name for %s", name);
		m->file = val;
		return 0;
	case OPT_METRICS_INTERVAL:
		if (cli_parse_seconds(val, &m->interval_s))
			return fail(err, errlen, "invalid --metrics-interval "
					 "'%s' (expected " TM_SECONDS_RANGE ")",
				    val);
		return 0;
	case OPT_METRICS_TOP:
		m->top_set = true;
		if (cli_parse_ulong(val, 0, TM_METRICS_TOP_MAX, &m->top))
			return fail(err, errlen, "invalid --metrics-top '%s' "
					 "(expected 0 to %lu)", val,
				    TM_METRICS_TOP_MAX);
		return 0;
	case OPT_METRICS_LABEL:
		return cli_metrics_add_label(m, val, err, errlen);
	case OPT_LINGER:
		if (cli_metrics_parse_linger(val, &m->linger_s))
			return fail(err, errlen, "invalid --linger '%s' "
					 "(expected seconds >= 0)", val);
		return 0;
	}
	return fail(err, errlen, "unknown option '%s'", name);
}

/* Memory attribution: --profile, --folded, --flame, --sample-bytes. */
static int apply_profile_opt(int id, const char *name, const char *val,
			     struct trace_opts *o, char *err, size_t errlen)
{
	if (id == OPT_SAMPLE_BYTES) {
		if (cli_parse_bytes(val, TM_SAMPLE_BYTES_MIN,
				    TM_SAMPLE_BYTES_MAX, &o->sample_bytes))
			return fail(err, errlen,
				    "invalid --sample-bytes '%s' (expected "
				    "bytes from 4096 to 1G, a multiple of 4096, "
				    "K, M or G suffix allowed)", val);
		return 0;
	}
	if (!*val)
		return fail(err, errlen, "empty file name for %s", name);
	*(id == OPT_PROFILE ? &o->profile :
	  id == OPT_FOLDED ? &o->folded : &o->flame) = val;
	return 0;
}

static int apply_opt(int id, const char *name, const char *val,
		     struct trace_opts *o, char *err, size_t errlen)
{
	switch (id) {
	case 'p':
		return parse_pids(val, o, err, errlen);
	case 'd':
		if (cli_parse_seconds(val, &o->duration_s))
			return fail(err, errlen, "invalid %s '%s' (expected "
				    TM_SECONDS_RANGE ")", name, val);
		return 0;
	case 'i':
		if (cli_parse_seconds(val, &o->interval_s) ||
		    o->interval_s < TM_INTERVAL_MIN)
			return fail(err, errlen, "invalid %s '%s' (expected "
				    "seconds from 0.1 to 31536000)", name, val);
		return 0;
	case 'o':
	case OPT_TIMELINE:
	case OPT_PLOT:
	case OPT_PERFETTO:
		if (!*val)
			return fail(err, errlen, "empty file name for %s", name);
		*(id == 'o' ? &o->output :
		  id == OPT_TIMELINE ? &o->timeline :
		  id == OPT_PLOT ? &o->plot : &o->perfetto) = val;
		return 0;
	case OPT_PER_PROCESS:
		o->per_process = true;
		if (val && cli_parse_ulong(val, 1, TM_MAX_PROCS_LIMIT,
					   &o->per_process_top))
			return fail(err, errlen, "invalid --per-process '%s' "
				    "(expected 1 to %lu processes)", val,
				    TM_MAX_PROCS_LIMIT);
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case OPT_SAMPLE_MS:
		if (cli_parse_ulong(val, 1, TM_SAMPLE_MS_MAX, &o->sample_ms))
			return fail(err, errlen,
				    "invalid --sample-ms '%s' (expected 1 to %lu)",
				    val, TM_SAMPLE_MS_MAX);
		return 0;
	case 'f':
		if (cli_parse_format(val, &o->format))
			return fail(err, errlen,
				    "invalid format '%s' (expected table, json, "
				    "csv or markdown)", val);
		return 0;
	case OPT_ALL_PROCESSES:
		o->all_processes = true;
		return 0;
	case OPT_PROFILE:
	case OPT_FOLDED:
	case OPT_FLAME:
	case OPT_SAMPLE_BYTES:
		return apply_profile_opt(id, name, val, o, err, errlen);
	case OPT_MAX_PROCS:
		if (cli_parse_ulong(val, 16, TM_MAX_PROCS_LIMIT, &o->max_procs))
			return fail(err, errlen,
				    "invalid --max-procs '%s' (expected 16 to %lu)",
				    val, TM_MAX_PROCS_LIMIT);
		return 0;
	case 'l':
		o->long_table = true;
		return 0;
	case 'w':
		o->wait_all = true;
		return 0;
	case OPT_CGROUP:
		o->cgroup_check = true;
		return 0;
	case OPT_NO_CGROUP:
		o->no_cgroup = true;
		return 0;
	case OPT_EXACT_UNIQUE:
		o->exact_unique = true;
		return 0;
	case OPT_CGROUP_PATH:
		if (!*val)
			return fail(err, errlen, "empty cgroup path for %s", name);
		o->cgroup = val;
		return 0;
	case OPT_MEMORY_SAMPLE_MS:
		if (cli_parse_ulong(val, 1, TM_SAMPLE_MS_MAX,
				    &o->memory_sample_ms))
			return fail(err, errlen, "invalid --memory-sample-ms "
				    "'%s' (expected 1 to %lu)", val,
				    TM_SAMPLE_MS_MAX);
		return 0;
	case OPT_USER:
		if (!*val)
			return fail(err, errlen, "empty user name for %s", name);
		o->user = val;
		return 0;
	case OPT_AS_ROOT:
		o->as_root = true;
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	case 'h':
		return TM_CLI_HELP;
	}
	return apply_metrics_opt(id, name, val, &o->metrics, err, errlen);
}

/* Options that only make sense with a command, or only with -p. */
static int check_mode(const struct trace_opts *o, char *err, size_t errlen)
{
	if ((o->npids > 0) + (o->cmd != NULL) + (o->cgroup != NULL) > 1)
		return fail(err, errlen, "give one of -p PID, --cgroup PATH "
			    "and -- COMMAND, not several");
	if (!o->npids && !o->cmd && !o->cgroup)
		return fail(err, errlen,
			    "no command given: use -- COMMAND, or -p PID or "
			    "--cgroup PATH to attach");
	if (o->no_cgroup && (o->cgroup || o->cgroup_check || o->exact_unique))
		return fail(err, errlen, "--no-cgroup contradicts %s",
			    o->cgroup ? "--cgroup" : o->cgroup_check ?
			    "--cgroup-check" : "--exact-unique");
	if (o->cgroup && (o->wait_all || o->cgroup_check || o->user ||
			  o->as_root))
		return fail(err, errlen, "%s is for a command, not --cgroup",
			    o->wait_all ? "--wait-all" : o->cgroup_check ?
			    "--cgroup-check" : o->user ? "--user" :
			    "--as-root");
	if (o->npids && o->wait_all)
		return fail(err, errlen,
			    "--wait-all is for a command: with -p taskmem "
			    "follows every descendant already");
	if (o->npids && o->cgroup_check)
		return fail(err, errlen,
			    "--cgroup-check needs a command: a running "
			    "process's past charges stay in its own cgroup");
	if (o->per_process && !o->timeline)
		return fail(err, errlen, "--per-process needs --timeline FILE");
	if (o->user && o->as_root)
		return fail(err, errlen,
			    "give either --user or --as-root, not both");
	if (o->npids && (o->user || o->as_root))
		return fail(err, errlen,
			    "--user and --as-root are for a command, not -p");
	if (o->cmd && o->duration_s > 0)
		return fail(err, errlen,
			    "-d is for -p: a command is traced until it exits");
	return 0;
}

static int report_file(struct report_opts *o, const char *arg, char *err,
		       size_t errlen)
{
	if (o->file)
		return fail(err, errlen, "one report at a time: '%s' and '%s'",
			    o->file, arg);
	o->file = arg;
	return 0;
}

int cli_parse_report(int argc, char **argv, struct report_opts *o, char *err,
		     size_t errlen)
{
	struct cli_opts it;
	int c, i, ret = 0;

	memset(o, 0, sizeof(*o));
	if (cli_opts_init(&it, argc, argv, report_shortopts, report_longopts))
		return fail(err, errlen, "out of memory");
	while (!ret && (c = cli_opts_next(&it, err, errlen)) != -1) {
		if (c < 0) {
			ret = c;
		} else if (c == 1) {
			ret = report_file(o, optarg, err, errlen);
		} else if (c == 'h') {
			ret = TM_CLI_HELP;
		} else if (c == 'l') {
			o->long_table = true;
		} else if (c == OPT_ALL_PROCESSES) {
			o->all_processes = true;
		} else if (c == 'o') {
			if (!*optarg)
				ret = fail(err, errlen,
					   "empty file name for %s", it.elem);
			o->output = optarg;
		} else if (!strcmp(optarg, "svg")) {
			o->format = TM_FORMAT_SVG;
		} else if (cli_parse_format(optarg, &o->format)) {
			ret = fail(err, errlen,
				   "invalid format '%s' (expected table, json, "
				   "csv, markdown or svg)", optarg);
		}
	}
	/* after "--", every argument is a file name */
	for (i = cli_opts_rest(&it); !ret && i < argc; i++)
		ret = report_file(o, argv[i], err, errlen);
	cli_opts_free(&it);
	if (!ret && !o->file)
		ret = fail(err, errlen, "no report given: taskmem report "
					"FILE.json");
	return ret;
}

int cli_parse_trace(int argc, char **argv, struct trace_opts *o, char *err,
		    size_t errlen)
{
	struct cli_opts it;
	int c, i, ret = 0;

	memset(o, 0, sizeof(*o));
	o->max_procs = TM_MAX_PROCS_DEFAULT;
	o->sample_bytes = TM_SAMPLE_BYTES_DEFAULT;
	o->memory_sample_ms = TM_MEMORY_SAMPLE_MS_DEFAULT;
	cli_metrics_init(&o->metrics);
	if (cli_opts_init(&it, argc, argv, trace_shortopts, trace_longopts))
		return fail(err, errlen, "out of memory");
	while (!ret && (c = cli_opts_next(&it, err, errlen)) != -1)
		ret = c < 0 ? c : apply_opt(c, it.elem, optarg, o, err, errlen);
	i = cli_opts_rest(&it);
	cli_opts_free(&it);
	if (ret)
		return ret;
	if (i < argc) {
		/* getopt stopped at a word: only "--" may introduce it */
		if (!it.dashdash)
			return fail(err, errlen,
				    "missing '--' before the command '%s'",
				    argv[i]);
		if (!argv[i][0])
			return fail(err, errlen, "empty command after '--'");
		o->cmd = argv + i;
		o->cmd_argc = argc - i;
	}
	/* a timeline output without --sample-ms samples at the default */
	if (!o->sample_ms && (o->timeline || o->plot || o->perfetto))
		o->sample_ms = TM_SAMPLE_MS_DEFAULT;
	ret = cli_metrics_finish(&o->metrics, err, errlen);
	return ret ? ret : check_mode(o, err, errlen);
}
