// SPDX-License-Identifier: GPL-2.0
/* `taskmem trace`: run a command (or attach), follow its tree, report. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "taskmem.h"
#include "taskmem.skel.h"
#include "trace/creds.h"
#include "common/errors.h"
#include "trace/procfs.h"
#include "output/report.h"
#include "trace/cmd_trace.h"
#include "trace/session.h"
#include "profile/profiler.h"

/*
 * Fork the workload's process before loading BPF, while taskmem is small:
 * the child is a copy of taskmem until it execs, and the kernel's maxrss
 * of the root process counts that copy too.
 */
static int fork_root(struct tracer *t, const struct trace_opts *o)
{
	int err;

	err = launch_prepare(&t->child, o->cmd, &t->orig_mask, &t->cred);
	if (err) {
		tm_err("cannot start '%s': %s", o->cmd[0], strerror(-err));
		return err;
	}
	if (!o->cgroup_check)
		return 0;
	err = cgroup_create(&t->cg);
	if (!err)
		err = cgroup_enter(&t->cg, t->child.pid);
	if (err)
		tm_err("cannot set up a memory cgroup for --cgroup-check: %s%s",
		       strerror(-err), err == -ENOENT ?
		       " (no cgroup v1 memory controller or cgroup v2 mounted)" : "");
	return err;
}

static void comm_of(const char *path, char *comm)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	snprintf(comm, TASK_COMM_LEN, "%s", base);
}

/* Put the still-waiting child in the tracked set, then let it exec. */
static int start_root(struct tracer *t, const struct trace_opts *o)
{
	struct tree_state *tree = &t->skel->bss->tree;
	struct proc_info root = {};
	enum launch_stage stage;
	int err;

	t->t0_ns = tracer_now_ns();
	/* exit records arrive from now on: their times count from here */
	t->report.t0_ns = t->t0_ns;
	root.pid = t->child.pid;
	root.ppid = getpid();
	root.threads = 1;
	root.peak_threads = 1;
	root.flags = TM_PROC_ROOT;
	root.start_ns = t->t0_ns;
	comm_of(o->cmd[0], root.comm);
	if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.procs), &root.pid,
				&root, BPF_NOEXIST)) {
		tm_err("cannot track process %d: %s", root.pid, strerror(errno));
		return TM_EXIT_FAIL;
	}
	/* nothing else is tracked yet, so no BPF program races these */
	tree->procs = tree->peak_procs = 1;
	tree->threads = tree->peak_threads = 1;
	tree->procs_total = tree->threads_total = 1;

	err = launch_release(&t->child, &stage);
	if (err && stage == LAUNCH_CRED) {
		tm_err("cannot run '%s' as user %s: %s", o->cmd[0],
		       t->cred.user, strerror(-err));
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

static void reap_root(struct tracer *t)
{
	int status;
	pid_t pid;

	if (t->child.pid <= 0 || t->root_done)
		return;
	while ((pid = wait4(t->child.pid, &status, WNOHANG, &t->root_ru)) < 0 &&
	       errno == EINTR)
		;
	if (pid != t->child.pid)
		return;
	t->root_done = true;
	t->root_status = status;
	t->end_ns = tracer_now_ns();
}

static void stop(struct tracer *t, enum tm_stop why, int sig)
{
	t->stop = why;
	t->stop_signal = sig;
	t->end_ns = tracer_now_ns();
}

static void handle_signals(struct tracer *t, const struct trace_opts *o)
{
	struct signalfd_siginfo si;

	while (read(t->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap_root(t);
			continue;
		}
		/* attached: a signal means "stop and report" */
		if (o->npids) {
			stop(t, TM_STOP_SIGNAL, si.ssi_signo);
			continue;
		}
		/*
		 * The terminal sends SIGINT/SIGQUIT to the whole foreground
		 * group, workload included; pass on only what was sent to
		 * taskmem alone, and keep going to print the report.
		 */
		if (si.ssi_code == SI_USER || si.ssi_signo == SIGTERM ||
		    si.ssi_signo == SIGHUP)
			kill(t->child.pid, si.ssi_signo);
		t->got_signal = si.ssi_signo;
	}
}

static bool tracing_done(struct tracer *t, const struct trace_opts *o,
			 uint64_t deadline)
{
	bool all_gone = t->skel->bss->tree.procs <= 0;

	if (t->stop != TM_STOP_NONE)
		return true;
	if (o->npids) {
		if (all_gone)
			stop(t, TM_STOP_EXITED, 0);
		else if (deadline && tracer_now_ns() >= deadline)
			stop(t, TM_STOP_DURATION, 0);
		return t->stop != TM_STOP_NONE;
	}
	if (!t->root_done)
		return false;
	if (!o->wait_all) {
		t->stop = TM_STOP_EXITED;
		return true;
	}
	if (all_gone)
		stop(t, TM_STOP_ALL_EXITED, 0);
	return t->stop != TM_STOP_NONE;
}

/* -i: the current and peak figures now, on stderr. */
static void print_interim(struct tracer *t)
{
	struct tree_state tree = t->skel->bss->tree;
	struct kobj_sizes ksize;
	struct tm_report r;

	model_init(&r, t->report.page_size, t->t0_ns);
	tracer_kobj_sizes(t, &ksize);
	model_set_kobj(&r, &ksize);
	if (!tracer_collect_live(t, &r)) {
		model_finish(&r, &tree);
		report_interim(stderr, &r,
			       (double)(tracer_now_ns() - t->t0_ns) / 1e9);
	}
	model_free(&r);
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

static void take_sample(struct tracer *t)
{
	struct tl_sample s;
	double t_s = (double)(tracer_now_ns() - t->t0_ns) / 1e9;

	tracer_sample(t, t_s, &s, t->rec.per_process ? recorder_proc : NULL,
		      &t->rec);
	recorder_tree(&t->rec, &s);
}

/*
 * The live status line on a terminal: one line redrawn in place, cleared
 * before anything else is printed.
 */
static void status_line(struct tracer *t, bool clear)
{
	const struct tree_state *ts = &t->skel->bss->tree;
	uint64_t page = t->report.page_size;
	char rss[32], fp[32], peak[32], pfp[32];
	int64_t kmem = ts->kmem > 0 ? ts->kmem : 0;

	if (clear) {
		fputs("\r\033[K", stderr);
		return;
	}
	report_human_bytes(ts->rss * page, rss, sizeof(rss));
	report_human_bytes(ts->rss * page + kmem, fp, sizeof(fp));
	report_human_bytes(ts->peak_rss * page, peak, sizeof(peak));
	report_human_bytes(ts->peak_footprint, pfp, sizeof(pfp));
	fprintf(stderr, "\r\033[K[%.1f s] %lld processes, %lld threads; RSS %s "
			"(peak %s), footprint %s (peak %s)",
		(double)(tracer_now_ns() - t->t0_ns) / 1e9,
		(long long)ts->procs, (long long)ts->threads, rss, peak, fp,
		pfp);
	fflush(stderr);
}

static int run_loop(struct tracer *t, const struct trace_opts *o)
{
	struct ticker interim = {}, sample = {}, status = {};
	struct epoll_event ev[4];
	uint64_t deadline = 0, now, wake;
	bool live = !o->quiet && isatty(STDERR_FILENO);

	if (o->duration_s > 0)
		deadline = t->t0_ns + (uint64_t)(o->duration_s * 1e9);
	ticker_start(&interim, t->t0_ns, o->interval_s);
	ticker_start(&sample, t->t0_ns, o->sample_ms / 1e3);
	/* at most 4 updates a second */
	ticker_start(&status, t->t0_ns, live ? 0.25 : 0);
	if (t->rec.on)
		take_sample(t);
	reap_root(t);
	while (!tracing_done(t, o, deadline)) {
		now = tracer_now_ns();
		wake = now + 200000000ULL;
		if (deadline && deadline < wake)
			wake = deadline;
		ticker_wake(&interim, &wake);
		ticker_wake(&sample, &wake);
		ticker_wake(&status, &wake);
		if (epoll_wait(t->epfd, ev, 4,
			       wake > now ? (wake - now + 999999) / 1000000 : 0) < 0 &&
		    errno != EINTR) {
			tm_err("cannot wait for events: %s", strerror(errno));
			return -errno;
		}
		handle_signals(t, o);
		ring_buffer__consume(t->rb);
		now = tracer_now_ns();
		if (ticker_due(&sample, now))
			take_sample(t);
		if (ticker_due(&interim, now)) {
			if (live)
				status_line(t, true);
			print_interim(t);
		}
		if (ticker_due(&status, now))
			status_line(t, false);
	}
	if (live)
		status_line(t, true);
	/* the last sample holds the maxima since the one before */
	if (t->rec.on)
		take_sample(t);
	ring_buffer__consume(t->rb);
	return 0;
}

static const char *stop_reason(struct tracer *t, const struct trace_opts *o,
			       char *buf, size_t len)
{
	switch (t->stop) {
	case TM_STOP_EXITED:
		return o->npids ? "every traced process exited" :
				  "the command exited";
	case TM_STOP_ALL_EXITED:
		return "the command and every descendant exited";
	case TM_STOP_SIGNAL:
		snprintf(buf, len, "interrupted by SIG%s",
			 sigabbrev_np(t->stop_signal));
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

static int finish_report(struct tracer *t, const struct trace_opts *o)
{
	struct tm_report *r = &t->report;
	struct kobj_sizes ksize;
	const char *what = "";
	char why[64];
	int err;

	r->command = o->cmd;
	r->command_argc = o->cmd_argc;
	r->targets = o->pids;
	r->ntargets = o->npids;
	r->stop_reason = stop_reason(t, o, why, sizeof(why));
	r->exit_code = o->cmd ? model_exit_code(t->root_status) : -1;
	r->duration_s = (double)(t->end_ns - t->t0_ns) / 1e9;
	r->kernel_maxrss = (uint64_t)t->root_ru.ru_maxrss * 1024;
	r->t0_ns = t->t0_ns;
	if (tracer_collect_live(t, r))
		return -ENOMEM;
	update_vmhwm(r);
	if (t->cg.version && cgroup_read(&t->cg, &r->cgroup))
		tm_err("cannot read the cgroup's peak from %s", t->cg.path);
	tracer_kobj_sizes(t, &ksize);
	model_set_kobj(r, &ksize);
	model_finish(r, &t->skel->bss->tree);
	if (t->rec.on) {
		uint64_t ns = t->skel->bss->tree.peak_footprint_ns;

		r->timeline = &t->rec.tl;
		r->sample_ms = o->sample_ms;
		r->peak_footprint_s = ns > t->t0_ns ?
					      (double)(ns - t->t0_ns) / 1e9 : 0;
	}
	if (t->prof && profiler_finish(t->prof, t->skel->bss->tree.peak_rss_ns,
				       t->t0_ns, &what))
		return -EIO;
	err = recorder_finish(&t->rec, r, &what);
	if (err) {
		tm_err("cannot write '%s': %s", what, strerror(-err));
		return err;
	}
	err = report_write(t->out.f, r, o->format, o->long_table);
	if (!err)
		err = output_commit(&t->out);
	if (err)
		tm_err("cannot write report to '%s': %s",
		       o->output ? o->output : "stderr", strerror(-err));
	return err;
}

/* Checks that need no BPF: bad input exits before anything is loaded. */
static int prepare(struct tracer *t, const struct trace_opts *o)
{
	const char *what = "";
	int err;

	char why[128];

	if (o->npids && attach_check_targets(o))
		return TM_EXIT_USAGE;
	if (o->cmd && creds_resolve(o->user, o->as_root, &t->cred, why,
				    sizeof(why))) {
		tm_err("%s", why);
		return TM_EXIT_USAGE;
	}
	if (tracer_check_environment())
		return TM_EXIT_FAIL;
	/* before anything runs, so a bad path wastes no run */
	err = output_open(&t->out, o->output, stderr, &t->cred);
	if (err) {
		tm_err("cannot write report to '%s': %s", o->output,
		       strerror(-err));
		return TM_EXIT_USAGE;
	}
	err = recorder_open(&t->rec, o, &t->cred, &what);
	if (!err)
		err = profiler_open(&t->prof, o, &t->cred, &what);
	if (err) {
		tm_err("cannot write '%s': %s", what, strerror(-err));
		return TM_EXIT_USAGE;
	}
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	struct tracer t = TRACER_INIT;
	struct trace_opts o;
	char err[256];
	int ret;

	ret = cli_parse_trace(argc, argv, &o, err, sizeof(err));
	ret = tm_parse_outcome(ret, err, cli_trace_usage, "trace");
	if (ret >= 0)
		return ret;
	model_init(&t.report, sysconf(_SC_PAGESIZE), 0);
	ret = prepare(&t, &o);
	if (ret)
		goto cleanup;

	ret = TM_EXIT_FAIL;
	if (tracer_setup_signals(&t) || (o.cmd && fork_root(&t, &o)) ||
	    tracer_load(&t, &o, o.verbose))
		goto cleanup;
	if (tracer_setup_events(&t)) {
		tm_err("cannot set up event handling: %s", strerror(errno));
		goto cleanup;
	}
	ret = o.cmd ? start_root(&t, &o) : attach_seed(&t, &o);
	if (ret) {
		ret = ret == -ESRCH ? TM_EXIT_USAGE : ret > 0 ? ret : TM_EXIT_FAIL;
		goto cleanup;
	}
	ret = TM_EXIT_FAIL;
	if (run_loop(&t, &o) || finish_report(&t, &o))
		goto cleanup;
	ret = o.cmd ? t.report.exit_code : TM_EXIT_OK;
	/* a signal taskmem passed on is taskmem's exit status too */
	if (t.got_signal)
		ret = 128 + t.got_signal;
cleanup:
	tracer_close(&t);
	return ret;
}
