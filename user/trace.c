// SPDX-License-Identifier: GPL-2.0
/* `taskmem trace`: the libbpf glue around the pure modules. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "taskmem.h"
#include "taskmem.skel.h"
#include "cgroup.h"
#include "cli.h"
#include "errors.h"
#include "kobj.h"
#include "launch.h"
#include "model.h"
#include "output.h"
#include "report.h"
#include "trace.h"

#define RINGBUF_BYTES (4U << 20)
/* THREAD_SIZE on x86_64 without KASAN; BPF reads the real one per task */
#define KSTACK_DEFAULT (16U << 10)

struct tracer {
	struct taskmem_bpf *skel;
	struct ring_buffer *rb;
	struct launch child;
	struct tm_report report;
	struct output out;
	struct cgroup_check cg;
	sigset_t orig_mask;
	int sfd;
	int epfd;
	bool root_done;
	int root_status;
	struct rusage root_ru;
	uint64_t t0_ns;
	uint64_t end_ns;
};

static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!verbose && level != LIBBPF_WARN)
		return 0;
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Environment problems get a sentence that says what to do. */
static int check_environment(void)
{
	if (geteuid() != 0) {
		tm_err("cannot load BPF programs: taskmem needs root "
		       "(CAP_BPF and CAP_PERFMON); run it as root or with sudo");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		tm_err("cannot find kernel BTF at /sys/kernel/btf/vmlinux: "
		       "taskmem needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
		return -ENOENT;
	}
	return 0;
}

static char *read_text(const char *path)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *p;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p)
				break;
			buf = p;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/*
 * What a thread, a process and an mm cost the kernel: slab object sizes,
 * which include what is allocated with the struct (the FPU state with
 * task_struct on x86). Without /proc/slabinfo, the C struct sizes from
 * BTF are a lower bound.
 */
static void kobj_configure(struct kobj_sizes *out)
{
	uint64_t size[KOBJ_NR];
	char *text = read_text("/proc/slabinfo");
	struct btf *btf = NULL;
	int i, id;

	kobj_parse_slabinfo(text ? text : "", size);
	free(text);
	for (i = 0; i < KOBJ_NR; i++) {
		if (size[i])
			continue;
		if (!btf)
			btf = btf__load_vmlinux_btf();
		if (!btf)
			break;
		id = btf__find_by_name_kind(btf, kobj_caches[i].type,
					    BTF_KIND_STRUCT);
		if (id > 0 && btf__resolve_size(btf, id) > 0)
			size[i] = btf__resolve_size(btf, id);
	}
	btf__free(btf);
	kobj_sizes_from(size, KSTACK_DEFAULT, out);
}

static int tracer_load(struct tracer *t, const struct trace_opts *o)
{
	struct taskmem_bpf *skel;
	int err, ncpus;

	libbpf_set_print(libbpf_print);
	skel = taskmem_bpf__open();
	if (!skel) {
		err = -errno;
		tm_err("cannot open BPF object: %s", strerror(-err));
		return err;
	}
	t->skel = skel;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 0) {
		tm_err("cannot count possible CPUs: %s", strerror(-ncpus));
		return ncpus;
	}
	skel->rodata->nr_cpus = ncpus;
	skel->rodata->page_shift = __builtin_ctzl(t->report.page_size);
	kobj_configure((struct kobj_sizes *)&skel->rodata->ksize);
	skel->bss->kstack_bytes = skel->rodata->ksize.kstack;
	bpf_map__set_max_entries(skel->maps.procs, o->max_procs);
	bpf_map__set_max_entries(skel->maps.mms, o->max_procs);
	bpf_map__set_max_entries(skel->maps.exits, RINGBUF_BYTES);

	err = taskmem_bpf__load(skel);
	if (err) {
		tm_err("cannot load BPF programs: %s%s", strerror(-err),
		       verbose ? "" : " (run with -v for the verifier's log)");
		return err;
	}
	err = taskmem_bpf__attach(skel);
	if (err) {
		tm_err("cannot attach BPF programs: %s", strerror(-err));
		return err;
	}
	return 0;
}

static int on_exit_record(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;

	if (size < sizeof(struct proc_info))
		return 0;
	if (model_add_proc(&t->report, data))
		t->report.lost_events++;
	return 0;
}

/* Signals come through a signalfd so the loop sees them in order. */
static int setup_signals(struct tracer *t)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, &t->orig_mask))
		return -errno;
	t->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (t->sfd < 0)
		return -errno;
	return 0;
}

static int setup_events(struct tracer *t)
{
	struct epoll_event ev = { .events = EPOLLIN };

	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.exits),
				 on_exit_record, t, NULL);
	if (!t->rb)
		return -errno;
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (t->epfd < 0)
		return -errno;
	ev.data.fd = t->sfd;
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->sfd, &ev))
		return -errno;
	ev.data.fd = ring_buffer__epoll_fd(t->rb);
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev))
		return -errno;
	return 0;
}

static void comm_of(const char *path, char *comm)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	snprintf(comm, TASK_COMM_LEN, "%s", base);
}

/*
 * Fork the workload's process before loading BPF, while taskmem is small:
 * the child is a copy of taskmem until it execs, and the kernel's maxrss
 * of the root process counts that copy too.
 */
static int fork_root(struct tracer *t, const struct trace_opts *o)
{
	int err;

	err = setup_signals(t);
	if (!err)
		err = launch_prepare(&t->child, o->cmd, &t->orig_mask);
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

/* Put the still-waiting child in the tracked set, then let it exec. */
static int start_root(struct tracer *t, const struct trace_opts *o)
{
	struct tree_state *tree = &t->skel->bss->tree;
	struct proc_info root = {};
	int err;

	t->t0_ns = now_ns();
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

	err = launch_release(&t->child);
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

	while ((pid = wait4(t->child.pid, &status, WNOHANG, &t->root_ru)) < 0 &&
	       errno == EINTR)
		;
	if (pid != t->child.pid)
		return;
	t->root_done = true;
	t->root_status = status;
	t->end_ns = now_ns();
}

static void handle_signals(struct tracer *t)
{
	struct signalfd_siginfo si;

	while (read(t->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap_root(t);
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
	}
}

static bool tracing_done(struct tracer *t, const struct trace_opts *o)
{
	if (!t->root_done)
		return false;
	if (!o->wait_all)
		return true;
	if (t->skel->bss->tree.procs > 0)
		return false;
	t->end_ns = now_ns();
	return true;
}

static int run_loop(struct tracer *t, const struct trace_opts *o)
{
	struct epoll_event ev[4];
	int n;

	reap_root(t);
	while (!tracing_done(t, o)) {
		n = epoll_wait(t->epfd, ev, 4, 200);
		if (n < 0 && errno != EINTR) {
			tm_err("cannot wait for events: %s", strerror(errno));
			return -errno;
		}
		handle_signals(t);
		ring_buffer__consume(t->rb);
	}
	ring_buffer__consume(t->rb);
	return 0;
}

/* Faults of a live process, from the kernel's own per-process sums. */
static void read_live_faults(struct proc_info *pi)
{
	unsigned long minflt, majflt;
	char path[64], buf[1024], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/stat", pi->pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) &&
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %lu %*u %lu", &minflt,
		   &majflt) == 2) {
		pi->min_flt = minflt;
		pi->maj_flt = majflt;
	}
	fclose(f);
}

/* Records still in the maps: processes and mms alive at the end. */
static int collect_live(struct tracer *t)
{
	int pfd = bpf_map__fd(t->skel->maps.procs);
	int mfd = bpf_map__fd(t->skel->maps.mms);
	__u32 pid, *prev = NULL;
	__u64 mm, *mprev = NULL;
	struct proc_info pi;
	struct mm_state m;

	while (!bpf_map_get_next_key(pfd, prev, &pid)) {
		prev = &pid;
		if (bpf_map_lookup_elem(pfd, &pid, &pi))
			continue;
		read_live_faults(&pi);
		if (model_add_proc(&t->report, &pi))
			return -ENOMEM;
	}
	while (!bpf_map_get_next_key(mfd, mprev, &mm)) {
		mprev = &mm;
		if (bpf_map_lookup_elem(mfd, &mm, &m))
			continue;
		if (model_add_mm(&t->report, &m))
			return -ENOMEM;
	}
	return 0;
}

static int write_report(struct tracer *t, const struct trace_opts *o)
{
	int err;

	err = report_write(t->out.f, &t->report, o->format, o->long_table);
	if (!err)
		err = output_commit(&t->out);
	if (err)
		tm_err("cannot write report to '%s': %s",
		       o->output ? o->output : "stderr", strerror(-err));
	return err;
}

static int finish_report(struct tracer *t, const struct trace_opts *o)
{
	struct tm_report *r = &t->report;
	struct kobj_sizes ksize;

	r->command = o->cmd;
	r->command_argc = o->cmd_argc;
	r->exit_code = model_exit_code(t->root_status);
	r->duration_s = (double)(t->end_ns - t->t0_ns) / 1e9;
	r->kernel_maxrss = (uint64_t)t->root_ru.ru_maxrss * 1024;
	if (collect_live(t))
		return -ENOMEM;
	/* the kernel stack size BPF saw on new tasks */
	if (t->cg.version && cgroup_read(&t->cg, &r->cgroup))
		tm_err("cannot read the cgroup's peak from %s", t->cg.path);
	ksize = *(const struct kobj_sizes *)&t->skel->rodata->ksize;
	ksize.kstack = t->skel->bss->kstack_bytes;
	model_set_kobj(r, &ksize);
	model_finish(r, &t->skel->bss->tree);
	return write_report(t, o);
}

static void tracer_close(struct tracer *t)
{
	output_abort(&t->out);
	cgroup_destroy(&t->cg);
	launch_close(&t->child);
	ring_buffer__free(t->rb);
	taskmem_bpf__destroy(t->skel);
	if (t->epfd >= 0)
		close(t->epfd);
	if (t->sfd >= 0)
		close(t->sfd);
	model_free(&t->report);
}

int cmd_trace(int argc, char **argv)
{
	struct tracer t = { .sfd = -1, .epfd = -1,
			    .child = { .pid = -1, .gate_fd = -1, .status_fd = -1 } };
	struct trace_opts o;
	char err[256];
	int ret;

	ret = cli_parse_trace(argc, argv, &o, err, sizeof(err));
	if (ret == TM_CLI_HELP) {
		fputs(cli_trace_usage, stdout);
		return TM_EXIT_OK;
	}
	if (ret) {
		tm_err("%s", err);
		fputs(cli_trace_usage, stderr);
		return TM_EXIT_USAGE;
	}
	verbose = o.verbose;
	if (check_environment())
		return TM_EXIT_FAIL;
	/* before anything runs, so a bad path wastes no run */
	ret = output_open(&t.out, o.output);
	if (ret) {
		tm_err("cannot write report to '%s': %s", o.output,
		       strerror(-ret));
		return TM_EXIT_USAGE;
	}

	ret = TM_EXIT_FAIL;
	model_init(&t.report, sysconf(_SC_PAGESIZE), 0);
	if (fork_root(&t, &o) || tracer_load(&t, &o))
		goto cleanup;
	if (setup_events(&t)) {
		tm_err("cannot set up event handling: %s", strerror(errno));
		goto cleanup;
	}
	ret = start_root(&t, &o);
	if (ret)
		goto cleanup;
	t.report.t0_ns = t.t0_ns;
	ret = TM_EXIT_FAIL;
	if (run_loop(&t, &o))
		goto cleanup;
	if (finish_report(&t, &o))
		goto cleanup;
	ret = t.report.exit_code;
cleanup:
	tracer_close(&t);
	return ret;
}
