// SPDX-License-Identifier: GPL-2.0
/* `taskmem trace`: run a command (or attach), follow its tree, report. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "taskmem.h"
#include "profile.h"
#include "taskmem.skel.h"
#include "common/asuser.h"
#include "common/creds.h"
#include "common/errors.h"
#include "common/version.h"
#include "trace/procfs.h"
#include "output/file.h"
#include "output/report.h"
#include "trace/cgroup.h"
#include "trace/cmd_trace.h"
#include "trace/exporter.h"
#include "trace/launch.h"
#include "trace/recorder.h"
#include "trace/session.h"
#include "trace/unique_source.h"
#include "profile/profiler.h"

/* Why tracing stopped, for the report. */
enum tm_stop {
	TM_STOP_NONE,
	TM_STOP_EXITED,		/* the command (or every target) exited */
	TM_STOP_ALL_EXITED,	/* --wait-all: every descendant exited */
	TM_STOP_SIGNAL,		/* -p: taskmem got a signal */
	TM_STOP_DURATION,	/* -p: -d elapsed */
};

/* The command taskmem starts (not with -p): who it runs as, where. */
struct workload {
	struct launch child;
	struct launch_cred cred;
	bool done;		/* reaped */
	int status;		/* its wait status, once done */
	struct rusage ru;
};

/* One `taskmem trace`: the BPF session, the workload, the outputs. */
struct trace_run {
	struct tracer t;
	struct workload w;
	struct output out;	/* the report (-o, or stderr) */
	struct recorder rec;	/* the timeline outputs */
	struct exporter exp;	/* --listen, --metrics-file */
	struct memcg cg;	/* the tree's memory cgroup, made or followed */
	pthread_t cg_mover;	/* moves the workload into cg (see below) */
	bool cg_moving;
	int cg_moved;		/* its result: 0 or -errno */
	const struct unique_source *usrc; /* fills report.unique */
	struct unique_state *ust;
	int64_t seen_peak_rss;	/* the tree's peak (pages) at the last look */
	enum tm_stop stop;
	int stop_signal;	/* -p: what stopped tracing */
	int got_signal;		/* command: the last one passed on */
	uint64_t end_ns;
};

#define TRACE_RUN_INIT { .t = TRACER_INIT, \
	.w.child = { .pid = -1, .gate_fd = -1, .status_fd = -1 }, \
	.cg = MEMCG_INIT, .exp = EXPORTER_INIT }

/*
 * The workload's own memory cgroup, made before it execs. Without one the
 * run goes on with RSS figures only, and says why in one line; only
 * --cgroup-check, which asked for it, fails.
 */
static int workload_cgroup_failed(struct trace_run *run,
				  const struct trace_opts *o, const char *why,
				  int err)
{
	memcg_destroy(&run->cg);
	if (o->cgroup_check) {
		tm_err("%s (--cgroup-check)", why);
		return err;
	}
	tm_err("%s; unique and charged memory are not measured", why);
	unique_none(&run->t.report.unique, "%s", why);
	return 0;
}

static void *move_workload(void *arg)
{
	struct trace_run *run = arg;

	run->cg_moved = memcg_enter(&run->cg, run->w.child.pid);
	return NULL;
}

/*
 * Moving a process into a cgroup waits for an RCU grace period (the
 * threadgroup lock is taken for writing): about 10 ms here, a sixth of
 * the start-up budget. A thread does it while the BPF programs load, and
 * workload_cgroup_joined() waits for it before the workload is released.
 */
static int workload_cgroup(struct trace_run *run, const struct trace_opts *o)
{
	char why[PATH_MAX + 256];
	int err;

	err = memcg_create(&run->cg, "", why, sizeof(why));
	if (err)
		return workload_cgroup_failed(run, o, why, err);
	run->cg_moving = !pthread_create(&run->cg_mover, NULL, move_workload,
					 run);
	if (!run->cg_moving)
		move_workload(run);
	return 0;
}

static void workload_cgroup_wait(struct trace_run *run)
{
	if (run->cg_moving)
		pthread_join(run->cg_mover, NULL);
	run->cg_moving = false;
}

/* 0, or the error of a move that --cgroup-check asked for. */
static int workload_cgroup_joined(struct trace_run *run,
				  const struct trace_opts *o)
{
	char why[PATH_MAX + 256];
	int err;

	workload_cgroup_wait(run);
	err = run->cg_moved;
	if (!run->cg.created || !err)
		return 0;
	snprintf(why, sizeof(why), "cannot move the workload into %s: %s",
		 run->cg.path, strerror(-err));
	return workload_cgroup_failed(run, o, why, err);
}

/*
 * Fork the workload's process before loading BPF, while taskmem is small:
 * the child is a copy of taskmem until it execs, and the kernel's maxrss
 * of the root process counts that copy too.
 */
static int fork_root(struct trace_run *run, const struct trace_opts *o)
{
	int err;

	err = launch_prepare(&run->w.child, o->cmd, &run->t.orig_mask,
			     &run->w.cred);
	if (err) {
		tm_err("cannot start '%s': %s", o->cmd[0], strerror(-err));
		return err;
	}
	if (o->no_cgroup) {
		unique_none(&run->t.report.unique, "--no-cgroup was given");
		return 0;
	}
	return workload_cgroup(run, o);
}

/* How many cgroup processes --cgroup looks at, and the roots it keeps. */
#define FOLLOW_MAX 65536

static bool in_set(const int *pids, int n, int pid)
{
	int i;

	for (i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/*
 * --cgroup PATH: the cgroup's processes become the -p targets; those
 * whose parent is in the cgroup too are found by the attach as
 * descendants, so only the others (the roots) are named.
 */
static int follow_cgroup(struct trace_run *run, struct trace_opts *o)
{
	char why[PATH_MAX + 256];
	int *pids, n, i, err;
	pid_t ppid;

	err = memcg_open(&run->cg, "", o->cgroup, why, sizeof(why));
	if (err) {
		tm_err("%s", why);
		return TM_EXIT_USAGE;
	}
	/* a path the user named: its statistics read with their rights */
	if (asuser_get()) {
		snprintf(why, sizeof(why), "%s/memory.stat", run->cg.path);
		run->cg.stat_fd = asuser_open(why, O_RDONLY | O_CLOEXEC, 0);
		if (run->cg.stat_fd < 0) {
			tm_err("cannot follow cgroup %s: %s may not read its "
			       "memory.stat: %s", o->cgroup, asuser_get()->name,
			       strerror(-run->cg.stat_fd));
			run->cg.stat_fd = -1;
			return TM_EXIT_USAGE;
		}
	}
	pids = malloc(FOLLOW_MAX * sizeof(*pids));
	if (!pids)
		return TM_EXIT_FAIL;
	n = memcg_pids(&run->cg, pids, FOLLOW_MAX);
	for (i = 0; i < n && o->npids <= TM_MAX_TARGETS; i++)
		if (procfs_ppid(pids[i], &ppid) || !in_set(pids, n, ppid)) {
			if (o->npids < TM_MAX_TARGETS)
				o->pids[o->npids] = pids[i];
			o->npids++;
		}
	free(pids);
	if (n <= 0 || o->npids > TM_MAX_TARGETS) {
		tm_err("cannot follow cgroup %s: %s", o->cgroup,
		       n == 0 ? "it holds no process" : n < 0 ?
		       strerror(-n) : "more than 64 of its processes have "
		       "their parent outside it (attach with -p to some)");
		return TM_EXIT_USAGE;
	}
	return 0;
}

/* Whether pid is a target or descends from one. */
static bool from_targets(const struct trace_opts *o, pid_t pid)
{
	int depth;

	for (depth = 0; pid > 1 && depth < 4096; depth++) {
		if (in_set(o->pids, o->npids, pid))
			return true;
		if (procfs_ppid(pid, &pid))
			return false;
	}
	return false;
}

/*
 * -p: the targets' memory cgroup speaks for them when they (and their
 * descendants) are alone in it; otherwise its figures would count
 * other processes, and the tree's shared pages stay counted per process:
 * the report's one line says so (not stderr, where -i tables go).
 */
static void targets_cgroup(struct trace_run *run, const struct trace_opts *o)
{
	struct unique_result *u = &run->t.report.unique;
	char why[PATH_MAX + 256];
	struct memcg other = MEMCG_INIT;
	int *pids, n, i, err;
	bool alone;

	err = memcg_of_pid(&run->cg, "", o->pids[0], why, sizeof(why));
	if (err == -EBUSY)
		snprintf(why, sizeof(why), "the targets share their memory "
			 "cgroup with taskmem itself");
	if (err) {
		unique_none(u, "%s", why);
		return;
	}
	alone = true;
	for (i = 1; i < o->npids && alone; i++) {
		alone = !memcg_of_pid(&other, "", o->pids[i], why, sizeof(why)) &&
			!strcmp(other.path, run->cg.path);
		memcg_destroy(&other);
	}
	pids = malloc(FOLLOW_MAX * sizeof(*pids));
	n = pids ? memcg_pids(&run->cg, pids, FOLLOW_MAX) : -ENOMEM;
	for (i = 0; i < n && alone; i++)
		alone = from_targets(o, pids[i]);
	free(pids);
	if (alone && n > 0)
		return;
	snprintf(why, sizeof(why), "the targets share their memory cgroup "
		 "%s with other processes", run->cg.path);
	memcg_destroy(&run->cg);
	unique_none(u, "%s", why);
}

static void comm_of(const char *path, char *comm)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	snprintf(comm, TASK_COMM_LEN, "%s", base);
}

/* Put the still-waiting child in the tracked set, then let it exec. */
static int start_root(struct trace_run *run, const struct trace_opts *o)
{
	struct tree_state *tree = &run->t.skel->bss->tree;
	struct proc_info root = {};
	enum launch_stage stage;
	int err;

	run->t.t0_ns = tracer_now_ns();
	/* exit records arrive from now on: their times count from here */
	run->t.report.t0_ns = run->t.t0_ns;
	root.pid = run->w.child.pid;
	root.ppid = getpid();
	root.threads = 1;
	root.peak_threads = 1;
	root.flags = TM_PROC_ROOT;
	root.start_ns = run->t.t0_ns;
	comm_of(o->cmd[0], root.comm);
	if (bpf_map_update_elem(bpf_map__fd(run->t.skel->maps.procs), &root.pid,
				&root, BPF_NOEXIST)) {
		tm_err("cannot track process %d: %s", root.pid, strerror(errno));
		return TM_EXIT_FAIL;
	}
	/* nothing else is tracked yet, so no BPF program races these */
	tree->procs = tree->peak_procs = 1;
	tree->threads = tree->peak_threads = 1;
	tree->procs_total = tree->threads_total = 1;

	err = launch_release(&run->w.child, &stage);
	if (err && stage == LAUNCH_CRED) {
		tm_err("cannot run '%s' as user %s: %s", o->cmd[0],
		       run->w.cred.user, strerror(-err));
		return TM_EXIT_FAIL;
	}
	if (err == -ENOENT) {
		tm_err("cannot run '%s': command not found", o->cmd[0]);
		return TM_EXIT_NOTFOUND;
	}
	if (err) {
		tm_err("cannot run '%s': %s", o->cmd[0], strerror(-err));
		return TM_EXIT_NOEXEC;
	}
	return 0;
}

static void reap_root(struct trace_run *run)
{
	int status;
	pid_t pid;

	if (run->w.child.pid <= 0 || run->w.done)
		return;
	while ((pid = wait4(run->w.child.pid, &status, WNOHANG,
			    &run->w.ru)) < 0 && errno == EINTR)
		;
	if (pid != run->w.child.pid)
		return;
	run->w.done = true;
	run->w.status = status;
	run->end_ns = tracer_now_ns();
}

static void stop(struct trace_run *run, enum tm_stop why, int sig)
{
	run->stop = why;
	run->stop_signal = sig;
	run->end_ns = tracer_now_ns();
}

static void handle_signals(struct trace_run *run, const struct trace_opts *o)
{
	struct signalfd_siginfo si;

	while (read(run->t.sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap_root(run);
			continue;
		}
		/* attached: a signal means "stop and report" */
		if (o->npids) {
			stop(run, TM_STOP_SIGNAL, si.ssi_signo);
			continue;
		}
		/*
		 * The terminal sends SIGINT/SIGQUIT to the whole foreground
		 * group, workload included; pass on only what was sent to
		 * taskmem alone, and keep going to print the report.
		 */
		if (si.ssi_code == SI_USER || si.ssi_signo == SIGTERM ||
		    si.ssi_signo == SIGHUP)
			kill(run->w.child.pid, si.ssi_signo);
		run->got_signal = si.ssi_signo;
	}
}

static bool tracing_done(struct trace_run *run, const struct trace_opts *o,
			 uint64_t deadline)
{
	bool all_gone = run->t.skel->bss->tree.procs <= 0;

	if (run->stop != TM_STOP_NONE)
		return true;
	if (o->npids) {
		if (all_gone)
			stop(run, TM_STOP_EXITED, 0);
		else if (deadline && tracer_now_ns() >= deadline)
			stop(run, TM_STOP_DURATION, 0);
		return run->stop != TM_STOP_NONE;
	}
	if (!run->w.done)
		return false;
	if (!o->wait_all) {
		run->stop = TM_STOP_EXITED;
		return true;
	}
	if (all_gone)
		stop(run, TM_STOP_ALL_EXITED, 0);
	return run->stop != TM_STOP_NONE;
}

/* The model of the live processes now, in r (model_free() it); 0 or -errno. */
static int live_model(struct tracer *t, struct tm_report *r)
{
	struct tree_state tree = t->skel->bss->tree;
	struct kobj_sizes ksize;
	int err;

	model_init(r, t->report.page_size, t->t0_ns);
	tracer_kobj_sizes(t, &ksize);
	model_set_kobj(r, &ksize);
	err = tracer_collect_live(t, r, false);
	if (!err)
		model_finish(r, &tree);
	return err;
}

/* -i: the current and peak figures now, on stderr. */
static void print_interim(struct tracer *t)
{
	struct tm_report r;

	if (!live_model(t, &r)) {
		r.unique = t->report.unique;
		report_interim(stderr, &r,
			       (double)(tracer_now_ns() - t->t0_ns) / 1e9);
	}
	model_free(&r);
}

/*
 * --listen, --metrics-file: the live processes with the exit records so
 * far, when due. The HTTP thread only ever sees the rendered text.
 */
static void export_metrics(struct trace_run *run, uint64_t now)
{
	struct tm_report r;

	if (!exporter_due(&run->exp, now))
		return;
	now = tracer_now_ns();
	if (!live_model(&run->t, &r))
		exporter_update(&run->exp, &r, &run->t.report, now, false);
	model_free(&r);
}

/*
 * The tree's cgroup, made or followed: its unique memory source starts
 * before the workload does. Without a cgroup, report.unique says why.
 */
static void unique_begin(struct trace_run *run, const struct trace_opts *o)
{
	struct unique_result *u = &run->t.report.unique;
	char why[PATH_MAX + 256];

	if (!run->cg.version)
		return;
	run->usrc = unique_source_pick(o);
	if (run->usrc->start(&run->ust, &run->cg, o, u, why, sizeof(why))) {
		tm_err("%s; unique and charged memory are not measured", why);
		unique_none(u, "%s", why);
		run->usrc = NULL;
	}
}

/* The last figures and the kernel's watermark, before the cgroup goes. */
static void unique_end(struct trace_run *run)
{
	struct unique_result *u = &run->t.report.unique;
	uint64_t wm;

	if (!run->usrc)
		return;
	run->usrc->finish(run->ust, u);
	if (memcg_watermark(&run->cg, &wm))
		return;
	/* a cgroup made for the run: its watermark is the run's peak */
	if (run->cg.created)
		unique_offer_charged(u, wm);
	else
		u->charged_watermark = wm;
}

/* A periodic job of the event loop. */
struct ticker {
	uint64_t period;	/* ns; 0: off */
	uint64_t next;
};

static void ticker_start(struct ticker *k, uint64_t t0, double seconds)
{
	k->period = seconds * 1e9;
	k->next = t0 + k->period;
}

static bool ticker_due(struct ticker *k, uint64_t now)
{
	if (!k->period || now < k->next)
		return false;
	k->next += k->period;
	/* a slow round skips missed ticks rather than bursting */
	if (k->next <= now)
		k->next = now + k->period;
	return true;
}

static void ticker_wake(const struct ticker *k, uint64_t *wake)
{
	if (k->period && k->next < *wake)
		*wake = k->next;
}

static void take_sample(struct trace_run *run)
{
	struct tl_sample s;
	double t_s = (double)(tracer_now_ns() - run->t.t0_ns) / 1e9;

	char warning[256];

	tracer_sample(&run->t, t_s, &s,
		      run->rec.per_process ? recorder_proc : NULL, &run->rec);
	/* the timeline's unique memory is read for the sample itself */
	if (run->usrc && run->usrc->poll)
		run->usrc->poll(run->ust, &run->t.report.unique, false);
	if (run->t.report.unique.valid)
		s.unique = run->t.report.unique.cur_unique;
	recorder_tree(&run->rec, &s);
	if (recorder_size_warning(&run->rec, t_s, warning, sizeof(warning))) {
		if (isatty(STDERR_FILENO))
			fputs("\r\033[K", stderr);	/* over the status line */
		tm_err("%s", warning);
	}
}

/*
 * The live status line on a terminal: one line redrawn in place, cleared
 * before anything else is printed.
 */
static void status_line(struct tracer *t, bool clear)
{
	const struct tree_state *ts = &t->skel->bss->tree;
	uint64_t page = t->report.page_size;
	int64_t kmem = ts->kmem > 0 ? ts->kmem : 0;
	struct status_figures s = {
		.elapsed_s = (double)(tracer_now_ns() - t->t0_ns) / 1e9,
		.processes = ts->procs > 0 ? ts->procs : 0,
		.threads = ts->threads > 0 ? ts->threads : 0,
		.rss = ts->rss > 0 ? ts->rss * page : 0,
		.peak_rss = ts->peak_rss * page,
		.peak_footprint = ts->peak_footprint,
	};
	struct winsize ws;
	char line[256];

	if (clear) {
		fputs("\r\033[K", stderr);
		return;
	}
	s.footprint = s.rss + kmem;
	if (t->report.unique.valid) {
		s.unique = t->report.unique.cur_unique;
		s.peak_unique = t->report.unique.peak_unique;
	}
	/* asked each time: the terminal may have been resized */
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) || !ws.ws_col)
		ws.ws_col = 80;
	report_status_line(line, sizeof(line), ws.ws_col, &s);
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
}

#define PEAK_WATCH_S 0.01

/*
 * Unique memory, sampled: at each tick, and at the first look after BPF
 * raised the tree's RSS peak (a load from the mmapped .bss: no syscall).
 */
static void unique_poll(struct trace_run *run, uint64_t now,
			struct ticker *tick, struct ticker *watch)
{
	bool due = ticker_due(tick, now), grew = false;
	int64_t peak;

	if (!run->usrc || !run->usrc->poll)
		return;
	if (ticker_due(watch, now)) {
		peak = __atomic_load_n(&run->t.skel->bss->tree.peak_rss,
				       __ATOMIC_RELAXED);
		grew = peak > run->seen_peak_rss;
		run->seen_peak_rss = peak;
	}
	if (due || grew)
		run->usrc->poll(run->ust, &run->t.report.unique, !due);
}

static int run_loop(struct trace_run *run, const struct trace_opts *o)
{
	struct ticker interim = {}, sample = {}, status = {};
	struct ticker memsample = {}, peakwatch = {}, profdrain = {};
	struct epoll_event ev[4];
	uint64_t deadline = 0, now, wake;
	bool live = !o->quiet && isatty(STDERR_FILENO);

	if (o->duration_s > 0)
		deadline = run->t.t0_ns + (uint64_t)(o->duration_s * 1e9);
	ticker_start(&interim, run->t.t0_ns, o->interval_s);
	ticker_start(&sample, run->t.t0_ns, o->sample_ms / 1e3);
	/* a source without poll (--exact-unique) needs no ticks: a ticker
	 * nobody advances would wake the loop at once, again and again */
	if (run->usrc && run->usrc->poll) {
		ticker_start(&memsample, run->t.t0_ns, o->memory_sample_ms / 1e3);
		/* a new tree peak is looked for (in .bss) every 10 ms */
		ticker_start(&peakwatch, run->t.t0_ns, PEAK_WATCH_S);
	}
	/* memory attribution's samples wake nobody (profile_sample.bpf.h) */
	if (run->t.prof)
		ticker_start(&profdrain, run->t.t0_ns, PROF_DRAIN_MS / 1e3);
	/* at most 4 updates a second */
	ticker_start(&status, run->t.t0_ns, live ? 0.25 : 0);
	if (run->rec.on)
		take_sample(run);
	export_metrics(run, run->t.t0_ns);
	reap_root(run);
	while (!tracing_done(run, o, deadline)) {
		now = tracer_now_ns();
		wake = now + 200000000ULL;
		if (deadline && deadline < wake)
			wake = deadline;
		ticker_wake(&interim, &wake);
		ticker_wake(&sample, &wake);
		ticker_wake(&status, &wake);
		ticker_wake(&memsample, &wake);
		ticker_wake(&peakwatch, &wake);
		ticker_wake(&profdrain, &wake);
		exporter_wake(&run->exp, &wake);
		if (epoll_wait(run->t.epfd, ev, 4,
			       wake > now ? (wake - now + 999999) / 1000000 : 0) < 0 &&
		    errno != EINTR) {
			tm_err("cannot wait for events: %s", strerror(errno));
			return -errno;
		}
		handle_signals(run, o);
		ring_buffer__consume(run->t.rb);
		now = tracer_now_ns();
		ticker_due(&profdrain, now); /* the drain was just above */
		if (ticker_due(&sample, now))
			take_sample(run);
		unique_poll(run, now, &memsample, &peakwatch);
		if (ticker_due(&interim, now)) {
			if (live)
				status_line(&run->t, true);
			print_interim(&run->t);
		}
		if (ticker_due(&status, now))
			status_line(&run->t, false);
		export_metrics(run, now);
	}
	if (live)
		status_line(&run->t, true);
	/* rows, totals and lost counters must come from one frozen state */
	if (tracer_stop(&run->t))
		return -EIO;
	/* the last sample holds the maxima since the one before */
	if (run->rec.on)
		take_sample(run);
	return 0;
}

static const char *stop_reason(struct trace_run *run,
			       const struct trace_opts *o, char *buf, size_t len)
{
	switch (run->stop) {
	case TM_STOP_EXITED:
		return o->npids ? "every traced process exited" :
				  "the command exited";
	case TM_STOP_ALL_EXITED:
		return "the command and every descendant exited";
	case TM_STOP_SIGNAL:
		snprintf(buf, len, "interrupted by SIG%s",
			 sigabbrev_np(run->stop_signal));
		return buf;
	case TM_STOP_DURATION:
		snprintf(buf, len, "%g s elapsed (-d)", o->duration_s);
		return buf;
	case TM_STOP_NONE:
		break;
	}
	return "unknown";
}

/* VmHWM again for attached processes still running: it may have grown. */
static void update_vmhwm(struct tm_report *r)
{
	uint64_t bytes;
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].alive && r->procs[i].attached &&
		    !procfs_vmhwm(r->procs[i].pid, &bytes))
			model_set_vmhwm(r, r->procs[i].pid, bytes);
}

static int finish_report(struct trace_run *run, const struct trace_opts *o)
{
	struct tm_report *r = &run->t.report;
	struct kobj_sizes ksize;
	const char *what = "";
	char why[64];
	int err, rec_err, prof_err = 0;

	r->command = o->cmd;
	r->command_argc = o->cmd_argc;
	r->targets = o->pids;
	r->ntargets = o->npids;
	r->stop_reason = stop_reason(run, o, why, sizeof(why));
	r->exit_code = o->cmd ? model_exit_code(run->w.status) : -1;
	r->duration_s = (double)(run->end_ns - run->t.t0_ns) / 1e9;
	r->kernel_maxrss = (uint64_t)run->w.ru.ru_maxrss * 1024;
	r->t0_ns = run->t.t0_ns;
	if (tracer_collect_live(&run->t, r, true))
		return -ENOMEM;
	update_vmhwm(r);
	unique_end(run);
	if (o->cgroup_check && run->cg.version &&
	    memcg_peaks(&run->cg, &r->cgroup))
		tm_err("cannot read the cgroup's peak from %s", run->cg.path);
	tracer_kobj_sizes(&run->t, &ksize);
	model_set_kobj(r, &ksize);
	model_finish(r, &run->t.skel->bss->tree);
	unique_finish(&r->unique, r->tree.peak_rss);
	if (run->rec.on) {
		uint64_t ns = run->t.skel->bss->tree.peak_footprint_ns;

		r->timeline = &run->rec.tl;
		r->sample_ms = o->sample_ms;
		r->peak_footprint_s = ns > run->t.t0_ns ?
					      (double)(ns - run->t.t0_ns) / 1e9 : 0;
	}
	/* a side output that fails does not take the report with it */
	if (run->t.prof)
		prof_err = profiler_finish(run->t.prof,
					   run->t.skel->bss->tree.peak_rss_ns);
	rec_err = recorder_finish(&run->rec, r, &what);
	if (rec_err) {
		tm_err("cannot write '%s': %s", what, output_strerror(rec_err));
		if (o->output)
			tm_err("the report follows on stderr");
		output_abort(&run->out);
		output_open(&run->out, NULL, stderr, NULL);
	}
	r->all_processes = o->all_processes;
	err = report_save(&run->out, r, o->format, o->long_table);
	if (err)
		tm_err("cannot write report to '%s': %s",
		       o->output ? o->output : "stderr", output_strerror(err));
	/* the chart only for a run whose every output is written */
	if (!err && !rec_err) {
		err = recorder_commit_plot(&run->rec, r);
		if (err)
			tm_err("cannot write '%s': %s", o->plot,
			       output_strerror(err));
	}
	return err ?: rec_err ?: prof_err;
}

/* Checks that need no BPF: bad input exits before anything is loaded. */
static int prepare(struct trace_run *run, const struct trace_opts *o)
{
	const char *what = "";
	int err;

	char why[512];

	if (o->npids && attach_check_targets(o))
		return TM_EXIT_USAGE;
	if (o->cmd && creds_resolve(o->user, o->as_root, &run->w.cred, why,
				    sizeof(why))) {
		tm_err("%s", why);
		return TM_EXIT_USAGE;
	}
	/* attached: the files belong to the user behind sudo all the same */
	if (o->npids && creds_resolve(NULL, 0, &run->w.cred, why, sizeof(why))) {
		tm_err("%s", why);
		return TM_EXIT_USAGE;
	}
	if (tracer_check_environment())
		return TM_EXIT_FAIL;
	if (o->cmd && !procfs_is_own())
		tm_err("cannot read processes from /proc: it is not mounted for "
		       "taskmem's pid namespace (unshare --mount-proc mounts "
		       "one); fault counts of processes still running at the "
		       "end are left out");
	/* before anything runs, so a bad path wastes no run */
	err = output_open(&run->out, o->output, stderr, &run->w.cred);
	if (err) {
		tm_err("cannot write report to '%s': %s", o->output,
		       output_strerror(err));
		return TM_EXIT_USAGE;
	}
	err = recorder_open(&run->rec, o, &run->w.cred, &what);
	if (!err)
		err = profiler_open(&run->t.prof, o, &run->w.cred, &what);
	if (err) {
		tm_err("cannot write '%s': %s", what, output_strerror(err));
		return TM_EXIT_USAGE;
	}
	if (exporter_open(&run->exp, &o->metrics, &run->w.cred,
			  TASKMEM_VERSION))
		return TM_EXIT_USAGE;
	return 0;
}

/* --listen: serve from now on (the workload is forked already). */
static int start_exporter(struct trace_run *run, const struct trace_opts *o)
{
	if (exporter_start(&run->exp))
		return -1;
	if (o->metrics.listen && !o->quiet)
		tm_err("serving metrics on %s", run->exp.url);
	return 0;
}

/* The final figures: to the metrics file, and served for --linger. */
static void export_final(struct trace_run *run, const struct trace_opts *o)
{
	if (!run->exp.on)
		return;
	exporter_update(&run->exp, &run->t.report, NULL, tracer_now_ns(), true);
	if (run->exp.listening && o->metrics.linger_s > 0 && !o->quiet)
		tm_err("serving the final metrics on %s for %g s (Ctrl-C to "
		       "stop)", run->exp.url, o->metrics.linger_s);
	exporter_linger(&run->exp, run->t.sfd);
}

int cmd_trace(int argc, char **argv)
{
	struct trace_run run = TRACE_RUN_INIT;
	struct trace_opts o;
	char err[256];
	int ret;

	ret = cli_parse_trace(argc, argv, &o, err, sizeof(err));
	ret = tm_parse_outcome(ret, err, cli_trace_usage, "trace");
	if (ret >= 0)
		return ret;
	model_init(&run.t.report, sysconf(_SC_PAGESIZE), 0);
	ret = o.cgroup ? follow_cgroup(&run, &o) : 0;
	if (!ret)
		ret = prepare(&run, &o);
	if (ret)
		goto cleanup;
	if (o.npids && !o.cgroup)
		targets_cgroup(&run, &o);

	ret = TM_EXIT_FAIL;
	if (tracer_setup_signals(&run.t) || (o.cmd && fork_root(&run, &o)) ||
	    tracer_load(&run.t, &o, o.verbose))
		goto cleanup;
	if (tracer_setup_events(&run.t)) {
		tm_err("cannot set up event handling: %s", strerror(errno));
		goto cleanup;
	}
	if (start_exporter(&run, &o) || workload_cgroup_joined(&run, &o))
		goto cleanup;
	unique_begin(&run, &o);
	ret = o.cmd ? start_root(&run, &o) : attach_seed(&run.t, &o);
	if (ret) {
		ret = ret == -ESRCH ? TM_EXIT_USAGE : ret > 0 ? ret : TM_EXIT_FAIL;
		goto cleanup;
	}
	ret = TM_EXIT_FAIL;
	if (run_loop(&run, &o) || finish_report(&run, &o))
		goto cleanup;
	export_final(&run, &o);
	ret = o.cmd ? run.t.report.exit_code : TM_EXIT_OK;
	/* a signal taskmem passed on is taskmem's exit status too */
	if (run.got_signal)
		ret = 128 + run.got_signal;
cleanup:
	workload_cgroup_wait(&run);
	output_abort(&run.out);
	recorder_close(&run.rec);
	exporter_close(&run.exp);
	if (run.usrc && run.usrc->close)
		run.usrc->close(run.ust);
	memcg_destroy(&run.cg);
	launch_close(&run.w.child);
	tracer_close(&run.t);
	return ret;
}
