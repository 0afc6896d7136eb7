// SPDX-License-Identifier: GPL-2.0
/* The libbpf glue: loading, configuring and reading the BPF side. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "taskmem.h"
#include "profile.h"
#include "taskmem.skel.h"
#include "common/errors.h"
#include "model/kobj.h"
#include "trace/features.h"
#include "trace/procfs.h"
#include "profile/profiler.h"
#include "common/text.h"
#include "trace/session.h"

/*
 * The exit records' ring buffer holds what exits between two drains (at
 * most 200 ms apart, sooner when half full): room for a quarter of
 * --max-procs records, at least 1024 (4 MiB at the default 65536).
 */
static __u32 ringbuf_bytes(unsigned long max_procs)
{
	unsigned long want = (max_procs / 4 > 1024 ? max_procs / 4 : 1024) *
			     (sizeof(struct proc_info) + 8);
	__u32 size = 4096;

	while (size < want && size < (1U << 30))
		size <<= 1;
	return size;
}

/* THREAD_SIZE on x86_64 without KASAN; BPF reads the real one per task */
#define KSTACK_DEFAULT (16U << 10)

static bool verbose;
static struct tm_features features;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

uint64_t tracer_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int tracer_check_environment(void)
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
	return features_probe(&features);
}

/*
 * What a thread, a process and an mm cost the kernel: slab object sizes,
 * which include what is allocated with the struct (the FPU state with
 * task_struct on x86). Without /proc/slabinfo, the C struct sizes from
 * BTF are a lower bound.
 */
static void kobj_configure(struct kobj_sizes *out)
{
	char *text = text_read("/proc/slabinfo");
	struct btf *btf = NULL;
	uint64_t size[KOBJ_NR];
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

/*
 * Test hook: TASKMEM_NR_CPUS=N (1 to 4096) loads the programs as if the
 * machine had N possible CPUs, to show that program size and load time do
 * not grow with the CPU count. CPUs that do not exist are never read.
 */
static int possible_cpus(void)
{
	const char *force = getenv("TASKMEM_NR_CPUS");
	char *end;
	long n;

	if (!force)
		return libbpf_num_possible_cpus();
	errno = 0;
	n = strtol(force, &end, 10);
	if (errno || end == force || *end || n < 1 || n > TM_MAX_CPUS) {
		tm_err("cannot use TASKMEM_NR_CPUS '%s': give a whole number "
		       "from 1 to %d", force, TM_MAX_CPUS);
		return -EINVAL;
	}
	return (int)n;
}

/*
 * Test hook: TASKMEM_LOAD_STATS=1 prints what loading cost: wall time and
 * the instructions the verifier walked, in all and per program.
 */
static void print_load_stats(const struct taskmem_bpf *skel, int ncpus,
			     double ms)
{
	struct bpf_program *prog;
	__u64 total = 0;
	char per[512] = "";
	size_t len = 0;

	if (!getenv("TASKMEM_LOAD_STATS"))
		return;
	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_prog_info info = {};
		__u32 info_len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &info_len))
			continue;
		total += info.verified_insns;
		if (len < sizeof(per))
			len += snprintf(per + len, sizeof(per) - len, " %s=%u",
					bpf_program__name(prog),
					info.verified_insns);
	}
	fprintf(stderr, "taskmem: load stats: nr_cpus=%d load_ms=%.1f "
			"verified_insns=%llu%s\n",
		ncpus, ms, (unsigned long long)total, per);
}

/*
 * Learn where each CPU's per-CPU data lives, once, before anything is
 * attached (calibrate_cpus in mm_read.bpf.h). Without every possible CPU,
 * counters are the kernel's approximate ones, and the report says by how
 * much they can be off. The same run finds the level of taskmem's pid
 * namespace (pidns.bpf.h); without it no pid would match: 0 or -errno.
 */
static int calibrate(struct tracer *t, int ncpus)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct taskmem_bpf *skel = t->skel;
	int real = libbpf_num_possible_cpus();
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.calibrate_cpus),
				     &opts);
	(void)ncpus;
	if (!err && opts.retval) {
		tm_err("cannot find taskmem's pid namespace among its own pid's "
		       "levels");
		return -ESRCH;
	}
	if (err || (int)skel->bss->cpus_ready < real) {
		skel->bss->cpus_ready = 0;
		/*
		 * percpu_counter_batch is max(32, 2 * CPUs); each CPU can hold
		 * one less than that, per counter
		 */
		t->report.counter_error_pages =
			(uint64_t)real * ((real * 2 > 32 ? real * 2 : 32) - 1);
	}
	return 0;
}

int tracer_load(struct tracer *t, const struct trace_opts *o, bool verb)
{
	struct taskmem_bpf *skel;
	struct kobj_sizes k;
	uint64_t pidns;
	uint64_t t0;
	int err, ncpus;

	verbose = verb;
	libbpf_set_print(libbpf_print);
	skel = taskmem_bpf__open();
	if (!skel) {
		err = -errno;
		tm_err("cannot open BPF object: %s", strerror(-err));
		return err;
	}
	t->skel = skel;
	ncpus = possible_cpus();
	if (ncpus == -EINVAL)
		return -EINVAL;
	if (ncpus < 0) {
		tm_err("cannot count possible CPUs: %s", strerror(-ncpus));
		return ncpus;
	}
	skel->rodata->nr_cpus = ncpus;
	err = procfs_pid_ns(&pidns);
	if (err) {
		tm_err("cannot read taskmem's pid namespace: %s", strerror(-err));
		return err;
	}
	/* pids in the maps and the report are those of taskmem's namespace */
	skel->rodata->view_ns_inum = pidns;
	skel->rodata->self_tgid = getpid();
	skel->rodata->track_window = o->sample_ms > 0;
	skel->rodata->track_peak_ns = t->prof != NULL;
	skel->rodata->profile_faults = t->prof != NULL;
	skel->rodata->sample_bytes = o->sample_bytes;
	skel->rodata->page_shift = __builtin_ctzl(t->report.page_size);
	kobj_configure((struct kobj_sizes *)&skel->rodata->ksize);
	skel->bss->kstack_bytes = skel->rodata->ksize.kstack;
	bpf_map__set_max_entries(skel->maps.procs, o->max_procs);
	bpf_map__set_max_entries(skel->maps.mms, o->max_procs);
	bpf_map__set_max_entries(skel->maps.targets, TM_MAX_TARGETS);
	bpf_map__set_max_entries(skel->maps.exits, ringbuf_bytes(o->max_procs));
	/* memory attribution's maps, shared with the profiler: empty if off */
	bpf_map__set_max_entries(skel->maps.prof_events,
				 t->prof ? PROF_RINGBUF_BYTES :
					   (unsigned)t->report.page_size);
	bpf_map__set_max_entries(skel->maps.prof_pids,
				 t->prof ? PROF_MAX_PIDS : 1);
	bpf_program__set_autoload(skel->progs.on_mmap_unlock,
				  features.mmap_lock_tp);
	tracer_kobj_sizes(t, &k);
	profiler_configure(t->prof, skel, &k);
	/* the seeding iterator runs on demand (attach.c), for -p only: its
	 * verification took a fifth of the start-up */
	bpf_program__set_autoload(skel->progs.seed_targets, o->npids > 0);
	bpf_program__set_autoattach(skel->progs.seed_targets, false);

	t0 = tracer_now_ns();
	err = taskmem_bpf__load(skel);
	if (err) {
		tm_err("cannot load BPF programs: %s%s", strerror(-err),
		       verbose ? "" : " (run with -v for the verifier's log)");
		return err;
	}
	print_load_stats(skel, ncpus, (tracer_now_ns() - t0) / 1e6);
	err = calibrate(t, ncpus);
	if (err)
		return err;
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
	t->exit_records++;
	if (model_add_proc(&t->report, data))
		t->report.lost_events++;
	return 0;
}

int tracer_setup_signals(struct tracer *t)
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

int tracer_setup_events(struct tracer *t)
{
	struct epoll_event ev = { .events = EPOLLIN };

	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.exits),
				 on_exit_record, t, NULL);
	if (!t->rb)
		return -errno;
	if (t->prof && profiler_add_events(t->prof, t->rb))
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

/*
 * Wait until no BPF program runs any more. Updating a map-in-map waits
 * for an RCU grace period (maybe_wait_bpf_programs() in
 * kernel/bpf/syscall.c, so that "userspace knows all non-sleepable
 * programs use the new value"), and every tracing program runs inside an
 * RCU read-side section: after it, a program that was running when its
 * link went away has returned.
 */
static int wait_for_programs(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	int inner, outer, err = 0;
	__u32 zero = 0;

	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	if (inner < 0)
		return -errno;
	opts.inner_map_fd = inner;
	outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, NULL, 4, 4, 1, &opts);
	if (outer < 0 || bpf_map_update_elem(outer, &zero, &inner, BPF_ANY))
		err = -errno;
	if (outer >= 0)
		close(outer);
	close(inner);
	return err;
}

/*
 * Has every process tracked so far handed in its exit record (or counted
 * it lost)? Then a program still running after the detach can only be at
 * the tail of one (deleting an exited process's entry, which
 * collect_proc skips, or taking a thread's share out of current sums):
 * no peak, total or lost counter can change any more. Only new processes
 * raise procs_total, and their creator is a tracked thread that has not
 * exited. The memory attribution's programs are not covered.
 */
static bool tree_settled(const struct tracer *t)
{
	const struct tree_state *ts = &t->skel->bss->tree;
	uint64_t lost = __atomic_load_n(&ts->lost_events, __ATOMIC_ACQUIRE);
	int64_t total = __atomic_load_n(&ts->procs_total, __ATOMIC_ACQUIRE);

	return !t->prof && total >= 0 &&
	       t->exit_records + lost >= (uint64_t)total;
}

int tracer_stop(struct tracer *t)
{
	int err;

	taskmem_bpf__detach(t->skel);
	err = ring_buffer__consume(t->rb);
	if (err < 0)
		return err;
	/* the RCU grace period took 6 to 30 ms, a third of a short run */
	if (tree_settled(t))
		return 0;
	err = wait_for_programs();
	if (err) {
		tm_err("cannot wait for the BPF programs to stop: %s",
		       strerror(-err));
		return err;
	}
	err = ring_buffer__consume(t->rb);
	return err < 0 ? err : 0;
}

/* Elements read per bpf_map_lookup_batch() call. */
#define BATCH 4096

typedef int (*elem_fn)(void *ctx, const void *value);

/*
 * every element of the hash map fd (keys of ksize <= 8 bytes, values of
 * vsize) to each: in batches, a syscall per BATCH elements, so that an
 * interval with 20k processes costs milliseconds; one by one where the
 * kernel cannot batch. 0, or what each or the kernel returned.
 */
static int read_map(int fd, size_t ksize, size_t vsize, elem_fn each,
		    void *ctx)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	char *keys = malloc(BATCH * ksize), *vals = malloc(BATCH * vsize);
	__u64 token = 0, prev = 0, key = 0;
	bool first = true, done = false;
	__u32 n, i;
	int err = 0;

	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	while (!done && !err) {
		n = BATCH;
		if (bpf_map_lookup_batch(fd, first ? NULL : &token, &token,
					 keys, vals, &n, &opts)) {
			err = -errno;
			if (err != -ENOENT)
				break;
			/* the last batch: n elements, then no more */
			err = 0;
			done = true;
		}
		first = false;
		for (i = 0; i < n && !err; i++)
			err = each(ctx, vals + (size_t)i * vsize);
	}
	if (err != -EINVAL && err != -EOPNOTSUPP &&
	    err != -524 /* the kernel's ENOTSUPP */)
		goto out;
	err = 0;
	first = true;
	while (!err && !bpf_map_get_next_key(fd, first ? NULL : &prev, &key)) {
		prev = key;
		first = false;
		if (!bpf_map_lookup_elem(fd, &key, vals))
			err = each(ctx, vals);
	}
out:
	free(keys);
	free(vals);
	return err;
}

struct collect {
	struct tm_report *r;
	bool faults;
};

static int collect_proc(void *ctx, const void *value)
{
	const struct collect *c = ctx;
	struct proc_info pi = *(const struct proc_info *)value;
	uint64_t minflt, majflt;

	/* being deleted: its exit record is on its way, or taken already */
	if (pi.flags & TM_PROC_EXITED)
		return 0;
	/* the kernel's sums cover threads that have not exited */
	if (c->faults && !procfs_faults(pi.pid, &minflt, &majflt)) {
		pi.min_flt = minflt;
		pi.maj_flt = majflt;
	}
	return model_add_proc(c->r, &pi) ? -ENOMEM : 0;
}

static int collect_mm(void *ctx, const void *value)
{
	const struct collect *c = ctx;

	return model_add_mm(c->r, value) ? -ENOMEM : 0;
}

int tracer_collect_live(struct tracer *t, struct tm_report *r, bool faults)
{
	struct collect c = { .r = r, .faults = faults };
	int err;

	err = read_map(bpf_map__fd(t->skel->maps.procs), sizeof(__u32),
		       sizeof(struct proc_info), collect_proc, &c);
	if (!err)
		err = read_map(bpf_map__fd(t->skel->maps.mms), sizeof(__u64),
			       sizeof(struct mm_state), collect_mm, &c);
	return err;
}

void tracer_kobj_sizes(struct tracer *t, struct kobj_sizes *out)
{
	*out = *(const struct kobj_sizes *)&t->skel->rodata->ksize;
	out->kstack = t->skel->bss->kstack_bytes;
}

static uint64_t page_bytes(const struct tracer *t, int64_t pages)
{
	return pages > 0 ? (uint64_t)pages * t->report.page_size : 0;
}

/*
 * The sizes of a sample from page counters (indexed TM_*PAGES) and the
 * kernel memory in bytes; max_rss_pages is the window's maximum.
 */
static void sample_sizes(const struct tracer *t, struct tl_sample *s,
			 const __s64 *cur, int64_t rss, int64_t max_rss_pages,
			 int64_t kmem)
{
	s->rss = page_bytes(t, rss);
	s->anon = page_bytes(t, cur[TM_ANONPAGES]);
	s->file = page_bytes(t, cur[TM_FILEPAGES]);
	s->shmem = page_bytes(t, cur[TM_SHMEMPAGES]);
	s->max_rss = page_bytes(t, max_rss_pages > rss ? max_rss_pages : rss);
	s->kmem = kmem > 0 ? kmem : 0;
	s->footprint = s->rss + s->kmem;
}

/* A live mm as its owner's sample; max_rss from this window only. */
static void mm_sample(struct tracer *t, const struct mm_state *m,
		      uint64_t gen, double t_s, struct tl_sample *s)
{
	int pfd = bpf_map__fd(t->skel->maps.procs);
	int64_t rss = model_mm_rss(m);
	struct proc_info pi;
	__u32 pid = m->owner;

	memset(s, 0, sizeof(*s));
	s->t = t_s;
	s->pid = m->owner;
	if (!bpf_map_lookup_elem(pfd, &pid, &pi))
		memcpy(s->comm, pi.comm, sizeof(s->comm));
	s->comm[sizeof(s->comm) - 1] = '\0';
	s->processes = m->users > 0 ? m->users : 0;
	s->threads = m->tasks > 0 ? m->tasks : 0;
	sample_sizes(t, s, m->cur, rss, m->win_gen == gen ? m->win_max_rss : 0,
		     m->kmem);
	s->max_footprint = s->max_rss + s->kmem;
}

void tracer_sample(struct tracer *t, double t_s, struct tl_sample *s,
		   tracer_sample_fn each_proc, void *ctx)
{
	struct tree_state *ts = &t->skel->bss->tree;
	uint64_t gen = __atomic_load_n(&ts->win_gen, __ATOMIC_ACQUIRE);
	int64_t rss = __atomic_load_n(&ts->rss, __ATOMIC_RELAXED);
	int64_t kmem = __atomic_load_n(&ts->kmem, __ATOMIC_RELAXED);
	int64_t max_rss, max_fp, fp;

	memset(s, 0, sizeof(*s));
	s->t = t_s;
	s->processes = ts->procs > 0 ? ts->procs : 0;
	s->threads = ts->threads > 0 ? ts->threads : 0;
	/* the next window starts from what is held now */
	max_rss = __atomic_exchange_n(&ts->win_max_rss, rss, __ATOMIC_ACQ_REL);
	sample_sizes(t, s, ts->cur, rss, max_rss, kmem);
	fp = (int64_t)s->footprint;
	max_fp = __atomic_exchange_n(&ts->win_max_footprint, fp,
				     __ATOMIC_ACQ_REL);
	s->max_footprint = max_fp > fp ? (uint64_t)max_fp : (uint64_t)fp;

	if (each_proc) {
		int mfd = bpf_map__fd(t->skel->maps.mms);
		__u64 mm, *prev = NULL;
		struct mm_state m;
		struct tl_sample ps;

		while (!bpf_map_get_next_key(mfd, prev, &mm)) {
			prev = &mm;
			if (bpf_map_lookup_elem(mfd, &mm, &m))
				continue;
			mm_sample(t, &m, gen, t_s, &ps);
			each_proc(ctx, &ps);
		}
	}
	__atomic_fetch_add(&ts->win_gen, 1, __ATOMIC_RELEASE);
}

void tracer_close(struct tracer *t)
{
	ring_buffer__free(t->rb);
	profiler_free(t->prof);
	taskmem_bpf__destroy(t->skel);
	if (t->epfd >= 0)
		close(t->epfd);
	if (t->sfd >= 0)
		close(t->sfd);
	model_free(&t->report);
}
