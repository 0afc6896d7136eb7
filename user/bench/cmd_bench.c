// SPDX-License-Identifier: GPL-2.0
/*
 * `taskmem bench`: every program at every task count, each run a child
 * `taskmem trace --format json` (the tested code path), into one table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <json-c/json.h>
#include "bench/cmd_bench.h"
#include "bench/bench_report.h"
#include "bench/bench_stats.h"
#include "bench/limits_guard.h"
#include "common/cli.h"
#include "common/asuser.h"
#include "common/creds.h"
#include "common/errors.h"
#include "common/text.h"
#include "output/file.h"
#include "output/report.h"

static const char bench_usage[] =
	"usage: taskmem bench [options] --plan FILE\n"
	"       taskmem bench [options] -n NAME -- COMMAND [ARG...] "
	"[-n NAME -- ...]\n"
	"\n"
	"Trace each program at each task count with `taskmem trace` and\n"
	"compare their peak memory and what one more task costs. In a\n"
	"command, {n} stands for the task count and {s} for the --sleep\n"
	"value. There is no shell: a plan's command is split on blanks.\n"
	"\n"
	"      --tasks LIST       task counts, e.g. 1,10000,100000 (the default)\n"
	"      --runs R           runs per cell (default 1); with R > 1 a cell\n"
	"                         is the median, with the min-max\n"
	"      --sleep S          the value of {s} (default 10)\n"
	"      --plan FILE        programs from FILE, a line each:\n"
	"                         NAME<TAB>COMMAND[<TAB>unavailable: REASON]\n"
	"  -n, --name NAME        a program; its command follows '--' and runs\n"
	"                         to the next -n or the end\n"
	"  -f, --format FORMAT    table (default), markdown, csv or json\n"
	"  -l, --long             add threads, processes and wall time rows\n"
	"  -o, --output FILE      write the results to FILE (default: stdout)\n"
	"      --timeout SECS     stop a run after SECS seconds (SIGTERM, then\n"
	"                         SIGKILL 10 s later); its cell says so\n"
	"      --plot DIR         write SVG charts into DIR: peak-nN.svg for\n"
	"                         each task count and per-task.svg\n"
	"      --raise-limits     raise kernel.pid_max, kernel.threads-max,\n"
	"                         vm.max_map_count, RLIMIT_NPROC and\n"
	"                         RLIMIT_NOFILE to what the largest N needs,\n"
	"                         and restore them afterwards (root, not sudo)\n"
	"  -h, --help             show this help\n";

struct bench {
	struct bench_results r;
	enum bench_format format;
	bool long_form;
	const char *output;
	const char *plot_dir;
	const char *pending;		/* -n NAME still waiting for "--" */
	unsigned long timeout;		/* --timeout: seconds a run may take */
	bool raise_limits;
	struct limits_guard limits;	/* the run's limits, raised or not */
	/* while running */
	struct launch_cred cred;
	struct output out;
	struct output *plots;		/* a chart per task count, then per task */
	char **plot_paths;
	char tmpdir[PATH_MAX];
	char json_path[PATH_MAX + 16];
	char err_path[PATH_MAX + 16];
	double t0;
	int done, total;		/* runs, for the progress lines */
};

/* A plan is a short list of programs: more is not a plan. */
#define BENCH_PLAN_MAX (1UL << 20)

/* A usage error: the message now, -EINVAL for the caller. */
#define usage_error(...) (tm_err(__VA_ARGS__), -EINVAL)

static volatile sig_atomic_t got_signal, timed_out;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

/* No SA_RESTART: a signal must interrupt waitpid() to be passed on. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- options ---- */

enum { OPT_TASKS = 256, OPT_RUNS, OPT_SLEEP, OPT_PLAN, OPT_PLOT,
       OPT_TIMEOUT, OPT_RAISE_LIMITS };

static const struct option long_opts[] = {
	{ "tasks", required_argument, NULL, OPT_TASKS },
	{ "runs", required_argument, NULL, OPT_RUNS },
	{ "sleep", required_argument, NULL, OPT_SLEEP },
	{ "plan", required_argument, NULL, OPT_PLAN },
	{ "name", required_argument, NULL, 'n' },
	{ "format", required_argument, NULL, 'f' },
	{ "long", no_argument, NULL, 'l' },
	{ "output", required_argument, NULL, 'o' },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "raise-limits", no_argument, NULL, OPT_RAISE_LIMITS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static struct bench_program *add_program(struct bench *b, const char *name)
{
	struct bench_program *p;
	int i;

	for (i = 0; i < b->r.nprogs; i++)
		if (!strcmp(b->r.progs[i].name, name)) {
			tm_err("program '%s' given twice: names must be unique",
			       name);
			return NULL;
		}
	p = realloc(b->r.progs, (b->r.nprogs + 1) * sizeof(*p));
	if (!p) {
		tm_err("cannot add program '%s': %s", name, strerror(ENOMEM));
		return NULL;
	}
	b->r.progs = p;
	p = &b->r.progs[b->r.nprogs++];
	memset(p, 0, sizeof(*p));
	p->name = name;
	return p;
}

/* One plan line: the program owns copies of its strings. */
static int add_plan_program(struct bench *b, const struct bench_plan_line *l)
{
	char *name = strdup(l->name), **words = NULL, *why = NULL;
	struct bench_program *p = NULL;
	int n = 0;

	if (l->unavailable)
		why = strdup(l->unavailable);
	else
		n = bench_split(l->template, &words);
	/* the parser lets no empty command through: n < 0 is -ENOMEM */
	if (!name || (l->unavailable && !why) || n < 0)
		tm_err("cannot read the plan: %s", strerror(ENOMEM));
	else
		p = add_program(b, name);
	if (!p) {
		free(name);
		free(words);
		free(why);
		return -EINVAL;
	}
	p->owned[0] = name;
	p->owned[1] = (char *)words;
	p->owned[2] = why;
	p->words = words;
	p->nwords = n;
	p->unavailable = why;
	p->max_tasks = l->max_tasks;
	return 0;
}

static int load_plan(struct bench *b, const char *path)
{
	struct bench_plan_line l;
	char *text, *line, *next, why[256];
	int lineno = 0, ret = 0;

	/* as the user behind sudo, and never quoted back */
	text = text_read_user(path, BENCH_PLAN_MAX);
	if (!text)
		return usage_error("cannot read plan '%s': %s", path,
				   text_strerror(errno, BENCH_PLAN_MAX));
	for (line = text; !ret && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else if (!*line)
			break;
		lineno++;
		ret = bench_parse_plan_line(line, &l, why, sizeof(why));
		if (ret == 1) {
			ret = 0;
			continue;
		}
		if (ret)
			ret = usage_error("cannot read plan '%s': line %d: %s",
					  path, lineno, why);
		else
			ret = add_plan_program(b, &l);
	}
	free(text);
	return ret;
}

static int start_program(struct bench *b, const char *name)
{
	if (b->pending)
		return usage_error("no command for '%s': use -n NAME -- "
				   "COMMAND [ARG...]", b->pending);
	if (!bench_name_ok(name) || name[0] == '-')
		return usage_error("invalid program name '%s' (1 to %d "
				   "characters, no control characters, not "
				   "starting with '-' or a space)",
				   name, BENCH_NAME_MAX);
	b->pending = name;
	return 0;
}

static int parse_format(const char *s, enum bench_format *f)
{
	static const char *const names[] = { "table", "markdown", "csv",
					     "json" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*f = i;
			return 0;
		}
	return usage_error("invalid format '%s' (expected table, markdown, "
			   "csv or json)", s);
}

static int apply_option(struct bench *b, int c, const char *val)
{
	char why[256];
	double secs;
	int n;

	switch (c) {
	case OPT_TASKS:
		n = bench_parse_tasks(val, b->r.tasks, why, sizeof(why));
		if (n < 0)
			return usage_error("%s", why);
		b->r.ntasks = n;
		return 0;
	case OPT_RUNS:
		if (cli_parse_ulong(val, 1, BENCH_RUNS_MAX, &b->r.runs))
			return usage_error("invalid --runs '%s' (expected 1 to "
					   "%d)", val, BENCH_RUNS_MAX);
		return 0;
	case OPT_SLEEP:
		if (cli_parse_seconds(val, &secs))
			return usage_error("invalid --sleep '%s' (expected "
					   TM_SECONDS_RANGE ")", val);
		b->r.sleep = val;
		return 0;
	case OPT_TIMEOUT:
		if (cli_parse_ulong(val, 1, 86400, &b->timeout))
			return usage_error("invalid --timeout '%s' (expected 1 "
					   "to 86400 seconds)", val);
		return 0;
	case OPT_PLAN:
		return load_plan(b, val);
	case 'n':
		return start_program(b, val);
	case 'f':
		return parse_format(val, &b->format);
	case 'l':
		b->long_form = true;
		return 0;
	case 'o':
		if (!*val)
			return usage_error("empty file name for --output");
		b->output = val;
		return 0;
	case OPT_PLOT:
		if (!*val)
			return usage_error("empty directory name for --plot");
		b->plot_dir = val;
		return 0;
	case OPT_RAISE_LIMITS:
		b->raise_limits = true;
		return 0;
	case 'h':
		return TM_CLI_HELP;
	}
	return -EINVAL;	/* cli_opts_next() knows no other */
}

/* parse_options(): the options end with "--", a command follows */
#define OPTS_COMMAND (TM_CLI_HELP + 1)

/*
 * The options from argv[pos] on, with trace's rules (cli_opts). Returns
 * OPTS_COMMAND when they end with "--" (the command starts at *next), 0
 * at the end, TM_CLI_HELP or -EINVAL.
 */
static int parse_options(struct bench *b, int argc, char **argv, int pos,
			 int *next)
{
	struct cli_opts it;
	char err[256];
	int c, ret = 0;

	if (cli_opts_init(&it, argc - pos, argv + pos, "+:n:f:lo:h", long_opts))
		return usage_error("cannot parse the options: %s",
				   strerror(ENOMEM));
	while (!ret && (c = cli_opts_next(&it, err, sizeof(err))) != -1)
		ret = c < 0 ? usage_error("%s", err) :
			      apply_option(b, c, optarg);
	*next = pos + cli_opts_rest(&it);
	if (!ret && it.dashdash)
		ret = OPTS_COMMAND;
	else if (!ret && *next < argc)
		ret = usage_error("unexpected argument '%s' (a command "
				  "follows -n NAME --)", argv[*next]);
	cli_opts_free(&it);
	return ret;
}

static bool ends_command(const char *arg)
{
	return !strcmp(arg, "-n") || !strcmp(arg, "--name") ||
	       !strncmp(arg, "--name=", 7);
}

/* The command of the pending -n: from pos to the next -n or the end. */
static int take_command(struct bench *b, int argc, char **argv, int pos,
			int *next)
{
	struct bench_program *p;
	int end = pos;

	if (!b->pending)
		return usage_error("'--' without -n NAME before it");
	while (end < argc && !ends_command(argv[end]))
		end++;
	if (end == pos)
		return usage_error("no command after '--' for '%s'",
				   b->pending);
	p = add_program(b, b->pending);
	if (!p)
		return -EINVAL;
	p->words = argv + pos;
	p->nwords = end - pos;
	b->pending = NULL;
	*next = end;
	return 0;
}

/* Checks of the whole command line, defaults for what was not given. */
static int check_args(struct bench *b)
{
	static const unsigned long default_tasks[] = { 1, 10000, 100000 };
	int i;

	if (b->pending)
		return usage_error("no command for '%s': use -n NAME -- "
				   "COMMAND [ARG...]", b->pending);
	if (!b->r.nprogs)
		return usage_error("no programs: give --plan FILE or -n NAME "
				   "-- COMMAND [ARG...]");
	for (i = 0; i < b->r.nprogs; i++)
		if (!b->r.progs[i].unavailable &&
		    !bench_has_placeholder(b->r.progs[i].words,
					   b->r.progs[i].nwords, "{n}"))
			return usage_error("the command of '%s' has no {n}: "
					   "it is how a program gets its task "
					   "count", b->r.progs[i].name);
	if (!b->r.ntasks) {
		b->r.ntasks = sizeof(default_tasks) / sizeof(default_tasks[0]);
		memcpy(b->r.tasks, default_tasks, sizeof(default_tasks));
	}
	return 0;
}

static int parse_args(struct bench *b, int argc, char **argv)
{
	int pos = 0, ret;

	b->r.runs = 1;
	b->r.sleep = "10";
	while (pos < argc) {
		ret = parse_options(b, argc, argv, pos, &pos);
		if (ret == OPTS_COMMAND)
			ret = take_command(b, argc, argv, pos, &pos);
		if (ret)
			return ret;
	}
	return check_args(b);
}

/* ---- set-up ---- */

/* An output file, given to the user behind sudo like trace's report. */
static int open_output(struct bench *b, struct output *o, const char *path)
{
	int err = output_open(o, path, stdout, &b->cred);

	if (err)
		tm_err("cannot write '%s': %s", path, output_strerror(err));
	return err;
}

/* As the user behind sudo, like every path the user names. */
static int make_plot_dir(struct bench *b)
{
	int err = asuser_mkdir(b->plot_dir, 0777);

	if (!err)
		return 0;
	if (err != -EEXIST)
		return usage_error("cannot create directory '%s': %s",
				   b->plot_dir, output_strerror(err));
	if (asuser_file_type(b->plot_dir) != S_IFDIR)
		return usage_error("cannot write charts into '%s': not a "
				   "directory", b->plot_dir);
	return 0;
}

/* Every output is opened before the first run: a bad path wastes none. */
static int open_outputs(struct bench *b)
{
	char why[256];
	int i, n = b->r.ntasks + 1;

	if (creds_resolve(NULL, 0, &b->cred, why, sizeof(why)))
		return usage_error("%s", why);
	if (open_output(b, &b->out, b->output))
		return -EINVAL;
	if (!b->plot_dir)
		return 0;
	if (make_plot_dir(b))
		return -EINVAL;
	b->plots = calloc(n, sizeof(*b->plots));
	b->plot_paths = calloc(n, sizeof(*b->plot_paths));
	if (!b->plots || !b->plot_paths)
		return usage_error("cannot set up the charts: %s",
				   strerror(ENOMEM));
	for (i = 0; i < n; i++) {
		int len = i < b->r.ntasks ?
			asprintf(&b->plot_paths[i], "%s/peak-n%lu.svg",
				 b->plot_dir, b->r.tasks[i]) :
			asprintf(&b->plot_paths[i], "%s/per-task.svg",
				 b->plot_dir);

		if (len < 0) {
			b->plot_paths[i] = NULL;
			return usage_error("cannot set up the charts: %s",
					   strerror(ENOMEM));
		}
		if (open_output(b, &b->plots[i], b->plot_paths[i]))
			return -EINVAL;
	}
	return 0;
}

/*
 * The runs' report and messages, in a directory of the user behind sudo:
 * each run's `taskmem trace -o` writes there as that user.
 */
static int make_tmpdir(struct bench *b)
{
	const char *base = getenv("TMPDIR");
	int err = -EEXIST, n;

	if (!base || !*base)
		base = "/tmp";
	for (n = 0; n < 100 && err == -EEXIST; n++) {
		if (snprintf(b->tmpdir, sizeof(b->tmpdir),
			     "%s/taskmem-bench.%d.%d", base, (int)getpid(),
			     n) >= (int)sizeof(b->tmpdir))
			err = -ENAMETOOLONG;
		else
			err = asuser_mkdir(b->tmpdir, 0700);
	}
	if (err) {
		tm_err("cannot create a temporary directory in '%s': %s", base,
		       output_strerror(err));
		b->tmpdir[0] = '\0';
		return err;
	}
	snprintf(b->json_path, sizeof(b->json_path), "%s/run.json", b->tmpdir);
	snprintf(b->err_path, sizeof(b->err_path), "%s/run.err", b->tmpdir);
	return 0;
}

static int alloc_cells(struct bench *b)
{
	int i, t;

	for (i = 0; i < b->r.nprogs; i++) {
		struct bench_program *p = &b->r.progs[i];

		for (t = 0; t < b->r.ntasks; t++) {
			if (p->unavailable) {
				p->cells[t].state = BENCH_UNAVAILABLE;
				continue;
			}
			if (p->max_tasks && b->r.tasks[t] > p->max_tasks) {
				/* a cell that says why it has no figures */
				p->cells[t].state = BENCH_FAILED;
				snprintf(p->cells[t].reason,
					 sizeof(p->cells[t].reason), "not run");
				snprintf(p->cells[t].detail,
					 sizeof(p->cells[t].detail),
					 "above the plan's max-tasks %lu",
					 p->max_tasks);
				continue;
			}
			p->cells[t].runs = calloc(b->r.runs,
						  sizeof(*p->cells[t].runs));
			if (!p->cells[t].runs) {
				tm_err("cannot set up the runs: %s",
				       strerror(ENOMEM));
				return -ENOMEM;
			}
			b->total += b->r.runs;
		}
	}
	return 0;
}

/* ---- one run ---- */

enum run_outcome { RUN_OK, RUN_FAILED, RUN_INTERRUPTED, RUN_FATAL };

/* `taskmem trace --format json -o JSON -- CMD...`, stderr to errfd. */
static int spawn_trace(struct bench *b, char **cmd, int errfd, pid_t *pid)
{
	const char *head[] = { "taskmem", "trace", "--format", "json", "-o",
			       b->json_path, "--" };
	const size_t nhead = sizeof(head) / sizeof(head[0]);
	posix_spawn_file_actions_t fa;
	size_t ncmd = 0;
	char **argv;
	int err;

	while (cmd[ncmd])
		ncmd++;
	argv = calloc(nhead + ncmd + 1, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	memcpy(argv, head, sizeof(head));
	memcpy(argv + nhead, cmd, ncmd * sizeof(*argv));
	err = posix_spawn_file_actions_init(&fa);
	if (!err) {
		/* the workload's stdout is not ours: ours carries the results */
		err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
						       O_RDONLY, 0) ?:
		      posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
						       O_WRONLY, 0) ?:
		      posix_spawn_file_actions_adddup2(&fa, errfd, 2) ?:
		      posix_spawn(pid, "/proc/self/exe", &fa, NULL, argv,
				  environ);
		posix_spawn_file_actions_destroy(&fa);
	}
	free(argv);
	return -err;
}

/*
 * Wait for a trace run. A run past --timeout gets SIGTERM (taskmem passes
 * it on to the workload and still writes its report), then SIGKILL.
 */
static int wait_trace(const struct bench *b, pid_t pid, int *status)
{
	bool passed = false, termed = false;

	timed_out = 0;
	alarm(b->timeout);
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			alarm(0);
			return -errno;
		}
		/* Ctrl-C reaches the whole group; kill(1) reaches only us */
		if (got_signal && !passed) {
			kill(pid, got_signal);
			passed = true;
		}
		if (timed_out && !passed) {
			kill(pid, termed ? SIGKILL : SIGTERM);
			/* a workload that ignores SIGTERM gets 10 s more */
			if (!termed)
				alarm(10);
			termed = true;
			timed_out = 0;
		}
	}
	alarm(0);
	/* judge() reads it: this run's failure is the time it took */
	timed_out = termed;
	return 0;
}

/* A number at a dotted path of the report, e.g. "tree.peak_rss_bytes". */
static int report_number(struct json_object *o, const char *path, double *v)
{
	char key[64];

	while (path) {
		const char *dot = strchr(path, '.');
		int len = dot ? (int)(dot - path) : (int)strlen(path);

		snprintf(key, sizeof(key), "%.*s", len, path);
		if (!json_object_object_get_ex(o, key, &o))
			return -EINVAL;
		path = dot ? dot + 1 : NULL;
	}
	if (!json_object_is_type(o, json_type_int) &&
	    !json_object_is_type(o, json_type_double))
		return -EINVAL;
	*v = json_object_get_double(o);
	return 0;
}

/*
 * Unique memory, when the run had it: null (no memory cgroup) or missing
 * is no figure, and memory_source says why ("none: <why>").
 */
static void read_unique(struct json_object *root, struct bench_run *r)
{
	struct json_object *tree, *src;

	r->has_unique = !report_number(root, "tree.peak_unique_bytes",
				       &r->unique);
	r->source[0] = '\0';
	if (json_object_object_get_ex(root, "tree", &tree) &&
	    json_object_object_get_ex(tree, "memory_source", &src) &&
	    json_object_is_type(src, json_type_string))
		snprintf(r->source, sizeof(r->source), "%s",
			 json_object_get_string(src));
}

/* 0, -ENOENT when trace wrote no report, -EINVAL when it is unreadable. */
static int read_report(const char *path, struct bench_run *r)
{
	const struct {
		const char *path;
		double *v;
	} fields[] = {
		{ "tree.peak_footprint_bytes", &r->footprint },
		{ "tree.peak_rss_bytes", &r->rss },
		{ "tree.peak_threads", &r->threads },
		{ "tree.peak_processes", &r->procs },
		{ "duration_s", &r->wall_s },
		{ "lost_events", &r->lost },
		{ "kernel_objects.kstack_bytes", &r->kstack },
		{ "exit_code", &r->exit_code },
	};
	struct json_object *root;
	size_t i;
	int err = 0;
	char *text;

	if (asuser_file_type(path) < 0)
		return -ENOENT;
	text = text_read_user(path, TEXT_MAX_DEFAULT);
	root = text ? json_tokener_parse(text) : NULL;
	free(text);
	if (!root)
		return -EINVAL;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]) && !err; i++)
		err = report_number(root, fields[i].path, fields[i].v);
	if (!err)
		read_unique(root, r);
	json_object_put(root);
	return err;
}

/* The end of what the run printed on stderr. */
static size_t read_tail(int fd, char *buf, size_t len)
{
	struct stat st;
	off_t from;
	ssize_t n;

	if (fstat(fd, &st))
		return 0;
	from = st.st_size > (off_t)len ? st.st_size - (off_t)len : 0;
	n = pread(fd, buf, len, from);
	return n > 0 ? (size_t)n : 0;
}

/* The end of the run's progress line, then why the matrix stops. */
static enum run_outcome fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static enum run_outcome fatal(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "failed\ntaskmem: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return RUN_FATAL;
}

/* Why a run failed, from trace's exit status and its report. */
static enum run_outcome judge(struct bench_cell *c, int status, int rep,
			      const struct bench_run *r, const char *tail,
			      size_t tlen)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) :
				       128 + WTERMSIG(status);
	char why[32];

	if (got_signal)
		return RUN_INTERRUPTED;
	if (!rep && !r->exit_code && !code && !timed_out)
		return RUN_OK;
	c->detail[0] = '\0';
	if (timed_out) {
		snprintf(c->reason, sizeof(c->reason), "timed out");
		return RUN_FAILED;
	}
	if (rep == -ENOENT && code == TM_EXIT_FAIL) {
		/* not the workload: every run would fail the same way */
		fatal("cannot run the benchmark: 'taskmem trace' failed "
		      "(exit %d):", code);
		fwrite(tail, 1, tlen, stderr);
		return RUN_FATAL;
	}
	if (rep == -ENOENT && code == TM_EXIT_NOTFOUND) {
		snprintf(c->reason, sizeof(c->reason), "not found");
		return RUN_FAILED;
	}
	if (rep == -ENOENT && code == TM_EXIT_NOEXEC) {
		snprintf(c->reason, sizeof(c->reason), "cannot execute");
		return RUN_FAILED;
	}
	if (!rep && r->exit_code) {
		bench_exit_reason((int)r->exit_code, c->reason,
				  sizeof(c->reason));
	} else {
		bench_exit_reason(code, why, sizeof(why));
		snprintf(c->reason, sizeof(c->reason), "taskmem trace %s%s",
			 why, rep == -EINVAL ? ", unreadable report" : "");
	}
	bench_last_line(tail, tlen, sizeof(c->detail) - 1, c->detail,
			sizeof(c->detail));
	return RUN_FAILED;
}

/*
 * A run that failed with many threads alive: the limit it was near is
 * the likely cause, said first in its detail.
 */
static void name_limit(const struct bench *b, struct bench_cell *c,
		       const struct bench_run *r)
{
	char cause[128], said[sizeof(c->detail)];

	if (!limits_cause(&b->limits, r->threads, cause, sizeof(cause)))
		return;
	snprintf(said, sizeof(said), "%s", c->detail);
	/* the end of what the run said may be cut: the cause comes first */
	if (snprintf(c->detail, sizeof(c->detail), "near %s (%.0f threads)%s%s",
		     cause, r->threads, *said ? ": " : "", said) >=
	    (int)sizeof(c->detail))
		strcpy(c->detail + sizeof(c->detail) - 4, "...");
}

static enum run_outcome run_once(struct bench *b, struct bench_program *p,
				 int t, struct bench_run *r)
{
	char **cmd, tail[8192];
	int errfd, status, err, rep;
	enum run_outcome o;
	size_t tlen;
	pid_t pid;

	if (bench_expand(p->words, p->nwords, b->r.tasks[t], b->r.sleep, &cmd)) {
		return fatal("cannot start a run: %s", strerror(ENOMEM));
	}
	asuser_unlink(b->json_path);
	errfd = asuser_open(b->err_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC |
						 O_NOFOLLOW, 0600);
	if (errfd < 0) {
		free(cmd);
		return fatal("cannot create '%s': %s", b->err_path,
			     output_strerror(errfd));
	}
	err = spawn_trace(b, cmd, errfd, &pid);
	free(cmd);
	if (!err)
		err = wait_trace(b, pid, &status);
	if (err) {
		close(errfd);
		return fatal("cannot run 'taskmem trace': %s", strerror(-err));
	}
	tlen = read_tail(errfd, tail, sizeof(tail));
	close(errfd);
	rep = read_report(b->json_path, r);
	o = judge(&p->cells[t], status, rep, r, tail, tlen);
	if (o == RUN_FAILED && !rep && !timed_out)
		name_limit(b, &p->cells[t], r);
	return o;
}

/* ---- the matrix ---- */

/* The start of a run's progress line; the run's outcome ends it. */
static void progress(struct bench *b, const struct bench_program *p, int t,
		     unsigned long run)
{
	double elapsed = now_s() - b->t0;
	char el[32], left[32];

	bench_clock(elapsed, el, sizeof(el));
	fprintf(stderr, "bench %d/%d: %s, N=%lu, run %lu of %lu; %d left, "
			"%s elapsed", b->done + 1, b->total, p->name,
		b->r.tasks[t], run + 1, b->r.runs, b->total - b->done - 1, el);
	if (b->done) {
		bench_clock(elapsed / b->done * (b->total - b->done), left,
			   sizeof(left));
		fprintf(stderr, ", ~%s to go", left);
	}
	fprintf(stderr, " ... ");
	fflush(stderr);
}

/* A cell's runs; after a failed one the rest are skipped. */
static enum run_outcome run_cell(struct bench *b, struct bench_program *p,
				 int t)
{
	struct bench_cell *c = &p->cells[t];
	enum run_outcome o;
	char fp[32], un[32];
	unsigned long i;

	for (i = 0; i < b->r.runs; i++) {
		progress(b, p, t, i);
		o = run_once(b, p, t, &c->runs[c->nruns]);
		b->done++;
		if (o == RUN_OK) {
			const struct bench_run *r = &c->runs[c->nruns];

			report_human_bytes(r->footprint, fp, sizeof(fp));
			report_human_bytes(r->has_unique ? r->unique : 0, un,
					   sizeof(un));
			fprintf(stderr, "%s, unique %s, %.2f s\n", fp,
				r->has_unique ? un : "-", r->wall_s);
			c->nruns++;
			continue;
		}
		if (o != RUN_FAILED) {
			/* fatal() has ended the line */
			if (o == RUN_INTERRUPTED)
				fprintf(stderr, "interrupted\n");
			return o;
		}
		fprintf(stderr, "failed: %s%s%s\n", c->reason,
			*c->detail ? ": " : "", c->detail);
		c->state = BENCH_FAILED;
		b->total -= b->r.runs - i - 1;
		return RUN_FAILED;
	}
	c->state = BENCH_OK;
	bench_cell_finish(c);
	return RUN_OK;
}

/* 0 when the matrix is done, 1 when interrupted, -1 on a fatal error. */
static int run_matrix(struct bench *b)
{
	enum run_outcome o;
	int i, t;

	b->t0 = now_s();
	for (i = 0; i < b->r.nprogs; i++) {
		for (t = 0; t < b->r.ntasks; t++) {
			if (b->r.progs[i].unavailable ||
			    b->r.progs[i].cells[t].state == BENCH_FAILED)
				continue;
			o = run_cell(b, &b->r.progs[i], t);
			if (o == RUN_FATAL)
				return -1;
			if (o == RUN_INTERRUPTED) {
				b->r.interrupted = true;
				return 1;
			}
		}
	}
	return 0;
}

static int write_results(struct bench *b)
{
	int err;

	b->r.elapsed_s = now_s() - b->t0;
	bench_write(b->out.f, &b->r, b->format, b->long_form);
	err = output_commit(&b->out);
	if (err)
		tm_err("cannot write the results to '%s': %s",
		       b->output ? b->output : "stdout", output_strerror(err));
	return err;
}

static int write_plots(struct bench *b)
{
	int i, err = 0;

	for (i = 0; i <= b->r.ntasks && !err; i++) {
		/* a write error is output_commit()'s to tell exactly */
		err = bench_chart(b->plots[i].f, &b->r, i);
		if (!err || err == -EIO)
			err = output_commit(&b->plots[i]);
		if (err)
			tm_err("cannot write chart '%s': %s",
			       b->plot_paths[i], output_strerror(err));
	}
	return err;
}

/* ---- the command ---- */

static void bench_free(struct bench *b)
{
	int i, t;

	if (b->tmpdir[0]) {
		asuser_unlink(b->json_path);
		asuser_unlink(b->err_path);
		asuser_rmdir(b->tmpdir);
	}
	output_abort(&b->out);
	for (i = 0; b->plots && i <= b->r.ntasks; i++) {
		output_abort(&b->plots[i]);
		free(b->plot_paths[i]);
	}
	free(b->plots);
	free(b->plot_paths);
	for (i = 0; i < b->r.nprogs; i++) {
		for (t = 0; t < BENCH_MAX_TASKS; t++)
			free(b->r.progs[i].cells[t].runs);
		for (t = 0; t < 3; t++)
			free(b->r.progs[i].owned[t]);
	}
	free(b->r.progs);
}

int cmd_bench(int argc, char **argv)
{
	struct bench b;
	int ret, i;

	memset(&b, 0, sizeof(b));
	/* unreadable limits only leave failures without a likely cause */
	limits_guard_init(&b.limits);
	ret = parse_args(&b, argc, argv);
	if (ret == TM_CLI_HELP) {
		fputs(bench_usage, stdout);
		ret = TM_EXIT_OK;
		goto cleanup;
	}
	if (ret) {
		fprintf(stderr, "run 'taskmem bench --help' for the options\n");
		ret = TM_EXIT_USAGE;
		goto cleanup;
	}
	/* before anything is written: a refusal leaves no files behind */
	if (b.raise_limits) {
		ret = limits_raise(&b.limits, b.r.tasks[b.r.ntasks - 1]);
		if (ret) {
			ret = ret == -EACCES ? TM_EXIT_USAGE : TM_EXIT_FAIL;
			goto cleanup;
		}
	}
	ret = TM_EXIT_USAGE;
	if (open_outputs(&b))
		goto cleanup;
	ret = TM_EXIT_FAIL;
	if (make_tmpdir(&b) || alloc_cells(&b))
		goto cleanup;
	catch_signals();
	ret = run_matrix(&b);
	limits_restore(&b.limits);
	if (ret < 0) {
		ret = TM_EXIT_FAIL;
		goto cleanup;
	}
	for (i = 0; i < b.r.nprogs; i++)
		bench_fit(&b.r, &b.r.progs[i]);
	ret = TM_EXIT_FAIL;
	if (write_results(&b) || (b.plot_dir && write_plots(&b)))
		goto cleanup;
	/* interrupted: the partial results are out, the signal is the status */
	ret = b.r.interrupted ? 128 + got_signal : TM_EXIT_OK;
cleanup:
	limits_restore(&b.limits);
	bench_free(&b);
	return ret;
}
