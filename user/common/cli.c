// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
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
	"      --per-process      add a timeline row per process to each sample\n"
	"      --sample-ms N      timeline period in ms (default 10)\n"
	"      --plot FILE        draw memory over time as an SVG chart\n"
	"      --perfetto FILE    write a Chrome/Perfetto trace (JSON)\n"
	"  -q, --quiet            no live status line on the terminal\n"
	"  -l, --long             add the detail columns to the table\n"
	"  -w, --wait-all         also wait for descendants that outlive COMMAND\n"
	"      --cgroup-check     run COMMAND in a new memory cgroup and report\n"
	"                         the kernel's own peak beside taskmem's\n"
	"      --user NAME        run COMMAND as NAME (default: the user who\n"
	"                         ran sudo, else root)\n"
	"      --as-root          run COMMAND as root even under sudo\n"
	"      --max-procs N      processes tracked at once (default 65536)\n"
	"  -v, --verbose          show libbpf's messages\n"
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
	"  -o, --output FILE      write to FILE (default: stdout)\n"
	"  -h, --help             show this help\n";

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
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

enum opt_id { OPT_PID, OPT_DURATION, OPT_INTERVAL, OPT_OUTPUT, OPT_FORMAT,
	      OPT_LONG, OPT_WAIT_ALL, OPT_CGROUP, OPT_USER, OPT_AS_ROOT,
	      OPT_TIMELINE, OPT_PER_PROCESS, OPT_SAMPLE_MS, OPT_PLOT,
	      OPT_PERFETTO, OPT_QUIET, OPT_MAX_PROCS, OPT_VERBOSE, OPT_HELP };

struct opt_def {
	enum opt_id id;
	char shortname;
	const char *longname;
	bool has_arg;
};

static const struct opt_def opt_defs[] = {
	{ OPT_PID, 'p', "pid", true },
	{ OPT_DURATION, 'd', "duration", true },
	{ OPT_INTERVAL, 'i', "interval", true },
	{ OPT_OUTPUT, 'o', "output", true },
	{ OPT_FORMAT, 'f', "format", true },
	{ OPT_LONG, 'l', "long", false },
	{ OPT_WAIT_ALL, 'w', "wait-all", false },
	{ OPT_CGROUP, 0, "cgroup-check", false },
	{ OPT_USER, 0, "user", true },
	{ OPT_AS_ROOT, 0, "as-root", false },
	{ OPT_TIMELINE, 0, "timeline", true },
	{ OPT_PER_PROCESS, 0, "per-process", false },
	{ OPT_SAMPLE_MS, 0, "sample-ms", true },
	{ OPT_PLOT, 0, "plot", true },
	{ OPT_PERFETTO, 0, "perfetto", true },
	{ OPT_QUIET, 'q', "quiet", false },
	{ OPT_MAX_PROCS, 0, "max-procs", true },
	{ OPT_VERBOSE, 'v', "verbose", false },
	{ OPT_HELP, 'h', "help", false },
};

/* Find the definition of argument arg; *inline_val gets "--opt=VALUE". */
static const struct opt_def *find_opt(const char *arg, const char **inline_val)
{
	size_t i, n;

	*inline_val = NULL;
	for (i = 0; i < sizeof(opt_defs) / sizeof(opt_defs[0]); i++) {
		const struct opt_def *d = &opt_defs[i];

		if (arg[1] != '-') {
			if (d->shortname && arg[1] == d->shortname) {
				if (arg[2] && d->has_arg)
					*inline_val = arg + 2;
				else if (arg[2])
					continue;
				return d;
			}
			continue;
		}
		n = strlen(d->longname);
		if (strncmp(arg + 2, d->longname, n))
			continue;
		if (arg[2 + n] == '=' && d->has_arg) {
			*inline_val = arg + 3 + n;
			return d;
		}
		if (!arg[2 + n])
			return d;
	}
	return NULL;
}

static int apply_opt(const struct opt_def *d, const char *name,
		     const char *val, struct trace_opts *o, char *err,
		     size_t errlen)
{
	switch (d->id) {
	case OPT_PID:
		return parse_pids(val, o, err, errlen);
	case OPT_DURATION:
	case OPT_INTERVAL:
		if (cli_parse_seconds(val, d->id == OPT_DURATION ?
					   &o->duration_s : &o->interval_s))
			return fail(err, errlen,
				    "invalid %s '%s' (expected seconds > 0)",
				    name, val);
		return 0;
	case OPT_OUTPUT:
	case OPT_TIMELINE:
	case OPT_PLOT:
	case OPT_PERFETTO:
		if (!*val)
			return fail(err, errlen, "empty file name for %s", name);
		*(d->id == OPT_OUTPUT ? &o->output :
		  d->id == OPT_TIMELINE ? &o->timeline :
		  d->id == OPT_PLOT ? &o->plot : &o->perfetto) = val;
		return 0;
	case OPT_PER_PROCESS:
		o->per_process = true;
		return 0;
	case OPT_QUIET:
		o->quiet = true;
		return 0;
	case OPT_SAMPLE_MS:
		if (cli_parse_ulong(val, 1, TM_SAMPLE_MS_MAX, &o->sample_ms))
			return fail(err, errlen,
				    "invalid --sample-ms '%s' (expected 1 to %lu)",
				    val, TM_SAMPLE_MS_MAX);
		return 0;
	case OPT_FORMAT:
		if (cli_parse_format(val, &o->format))
			return fail(err, errlen,
				    "invalid format '%s' (expected table, json, "
				    "csv or markdown)", val);
		return 0;
	case OPT_MAX_PROCS:
		if (cli_parse_ulong(val, 16, TM_MAX_PROCS_LIMIT, &o->max_procs))
			return fail(err, errlen,
				    "invalid --max-procs '%s' (expected 16 to %lu)",
				    val, TM_MAX_PROCS_LIMIT);
		return 0;
	case OPT_LONG:
		o->long_table = true;
		return 0;
	case OPT_WAIT_ALL:
		o->wait_all = true;
		return 0;
	case OPT_CGROUP:
		o->cgroup_check = true;
		return 0;
	case OPT_USER:
		if (!*val)
			return fail(err, errlen, "empty user name for %s", name);
		o->user = val;
		return 0;
	case OPT_AS_ROOT:
		o->as_root = true;
		return 0;
	case OPT_VERBOSE:
		o->verbose = true;
		return 0;
	case OPT_HELP:
		return TM_CLI_HELP;
	}
	return -EINVAL;
}

/* Options that only make sense with a command, or only with -p. */
static int check_mode(const struct trace_opts *o, char *err, size_t errlen)
{
	if (o->npids && o->cmd)
		return fail(err, errlen,
			    "give either -p PID or -- COMMAND, not both");
	if (!o->npids && !o->cmd)
		return fail(err, errlen,
			    "no command given: use -- COMMAND, or -p PID to "
			    "attach");
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

/* An option's value: inline ("--opt=v", "-ov") or the next argument. */
static int opt_value(const struct opt_def *d, int argc, char **argv, int *i,
		     const char **val, char *err, size_t errlen)
{
	if (!d->has_arg || *val)
		return 0;
	if (*i + 1 >= argc)
		return fail(err, errlen, "option '%s' needs a value", argv[*i]);
	*val = argv[++*i];
	return 0;
}

int cli_parse_report(int argc, char **argv, struct report_opts *o, char *err,
		     size_t errlen)
{
	bool options = true;
	int i, ret;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *val;
		const struct opt_def *d;

		if (options && !strcmp(arg, "--")) {
			options = false;
			continue;
		}
		if (!options || arg[0] != '-' || !arg[1]) {
			if (o->file)
				return fail(err, errlen,
					    "one report at a time: '%s' and "
					    "'%s'", o->file, arg);
			o->file = arg;
			continue;
		}
		d = find_opt(arg, &val);
		if (d && d->id != OPT_FORMAT && d->id != OPT_LONG &&
		    d->id != OPT_OUTPUT && d->id != OPT_HELP)
			d = NULL;
		if (!d)
			return fail(err, errlen,
				    "unknown option '%s' for taskmem report",
				    arg);
		ret = opt_value(d, argc, argv, &i, &val, err, errlen);
		if (ret)
			return ret;
		if (d->id == OPT_HELP)
			return TM_CLI_HELP;
		if (d->id == OPT_LONG) {
			o->long_table = true;
		} else if (d->id == OPT_OUTPUT) {
			if (!*val)
				return fail(err, errlen,
					    "empty file name for %s", arg);
			o->output = val;
		} else if (!strcmp(val, "svg")) {
			o->svg = true;
		} else if (cli_parse_format(val, &o->format)) {
			return fail(err, errlen,
				    "invalid format '%s' (expected table, json, "
				    "csv, markdown or svg)", val);
		}
	}
	if (!o->file)
		return fail(err, errlen, "no report given: taskmem report "
					 "FILE.json");
	return 0;
}

int cli_parse_trace(int argc, char **argv, struct trace_opts *o, char *err,
		    size_t errlen)
{
	int i, ret;

	memset(o, 0, sizeof(*o));
	o->max_procs = TM_MAX_PROCS_DEFAULT;
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *val;
		const struct opt_def *d;

		if (!strcmp(arg, "--")) {
			i++;
			break;
		}
		if (arg[0] != '-' || !arg[1])
			return fail(err, errlen,
				    "missing '--' before the command '%s'", arg);
		d = find_opt(arg, &val);
		if (!d)
			return fail(err, errlen, "unknown option '%s'", arg);
		ret = opt_value(d, argc, argv, &i, &val, err, errlen);
		if (!ret)
			ret = apply_opt(d, arg, val, o, err, errlen);
		if (ret)
			return ret;
	}
	if (i < argc) {
		if (!argv[i][0])
			return fail(err, errlen, "empty command after '--'");
		o->cmd = argv + i;
		o->cmd_argc = argc - i;
	}
	/* a timeline output without --sample-ms samples at the default */
	if (!o->sample_ms && (o->timeline || o->plot || o->perfetto))
		o->sample_ms = TM_SAMPLE_MS_DEFAULT;
	return check_mode(o, err, errlen);
}
