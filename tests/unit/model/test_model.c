// SPDX-License-Identifier: GPL-2.0
/* Unit tests of user/model.c: BPF records (pages) into rows and totals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "model/model.h"

#define PAGE 4096ULL
#define T0_NS 5000000000ULL		/* the root's start: 5 s of uptime */
#define MS_NS 1000000ULL
#define EXIT_STATUS(code) ((code) << 8)	/* wait(2) status of exit(code) */

/* Each test gets a fresh report: model_init(4096, T0_NS) ... model_free. */
static int setup(void **state)
{
	struct tm_report *r = calloc(1, sizeof(*r));

	if (!r)
		return -1;
	model_init(r, PAGE, T0_NS);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	model_free(*state);
	free(*state);
	return 0;
}

/*
 * A process record as BPF sends it. It starts pid ms after the root, so
 * rows come out in pid order unless a test says otherwise; an exited one
 * ran for one second.
 */
static struct proc_info mkproc(uint32_t pid, uint32_t flags, int status)
{
	struct proc_info pi;

	memset(&pi, 0, sizeof(pi));
	pi.pid = pid;
	pi.ppid = 1;
	pi.threads = flags & TM_PROC_EXITED ? 0 : 1;
	pi.peak_threads = 1;
	pi.flags = flags;
	pi.exit_status = status;
	pi.start_ns = T0_NS + pid * MS_NS;
	pi.end_ns = flags & TM_PROC_EXITED ? pi.start_ns + 1000 * MS_NS : 0;
	snprintf(pi.comm, sizeof(pi.comm), "p%u", pid);
	return pi;
}

static struct proc_info exited(uint32_t pid, int status)
{
	return mkproc(pid, TM_PROC_EXITED, status);
}

static struct proc_info live(uint32_t pid)
{
	return mkproc(pid, 0, 0);
}

/* A live mm of owner holding file+anon+shmem pages, its peaks equal to that. */
static struct mm_state mkmm(uint32_t owner, int64_t file, int64_t anon,
			    int64_t shmem)
{
	struct mm_state m;

	memset(&m, 0, sizeof(m));
	m.cur[TM_FILEPAGES] = m.peak_file = file;
	m.cur[TM_ANONPAGES] = m.peak_anon = anon;
	m.cur[TM_SHMEMPAGES] = m.peak_shmem = shmem;
	m.peak_rss = file + anon + shmem;
	m.vm = m.peak_vm = 4 * m.peak_rss;
	m.owner = owner;
	m.users = 1;
	return m;
}

static void add_proc(struct tm_report *r, struct proc_info pi)
{
	assert_int_equal(model_add_proc(r, &pi), 0);
}

static void add_mm(struct tm_report *r, struct mm_state m)
{
	assert_int_equal(model_add_mm(r, &m), 0);
}

/* Finish with a tree whose peak (and so at-peak generation) is gen pages. */
static void finish(struct tm_report *r, int64_t gen)
{
	struct tree_state t;

	memset(&t, 0, sizeof(t));
	t.peak_rss = gen;
	model_finish(r, &t);
}

/* The row of pid that is (or is not) alive; fails the test if none. */
static const struct tm_proc *row(const struct tm_report *r, uint32_t pid,
				 bool alive)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid && r->procs[i].alive == alive)
			return &r->procs[i];
	fail_msg("no %s row for pid %u", alive ? "live" : "exited", pid);
	return NULL;
}

static uint64_t at_peak_sum(const struct tm_report *r)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		sum += r->procs[i].rss_at_tree_peak;
	return sum;
}

static void test_init(void **state)
{
	struct tm_report *r = *state;

	assert_int_equal(r->page_size, PAGE);
	assert_int_equal(r->t0_ns, T0_NS);
	assert_int_equal(r->exit_code, -1);
	assert_int_equal(r->nprocs, 0);
	assert_int_equal(r->nmms, 0);
	assert_int_equal(r->lost_events, 0);
}

static void test_exit_code(void **state)
{
	(void)state;
	assert_int_equal(model_exit_code(0), 0);
	assert_int_equal(model_exit_code(EXIT_STATUS(3)), 3);
	assert_int_equal(model_exit_code(EXIT_STATUS(255)), 255);
	assert_int_equal(model_exit_code(9), 137);		/* SIGKILL */
	assert_int_equal(model_exit_code(15), 143);		/* SIGTERM */
	assert_int_equal(model_exit_code(0x80 | 11), 139);	/* SIGSEGV, core */
}

static void test_pages_to_bytes(void **state)
{
	struct tm_report *r = *state;
	struct proc_info pi = exited(100, 0);
	const struct tm_proc *p;

	pi.peak_rss = 10;
	pi.peak_anon = 6;
	pi.peak_file = 3;
	pi.peak_shmem = 1;
	pi.peak_vm = 100;
	add_proc(r, pi);
	finish(r, 0);
	p = row(r, 100, false);
	assert_int_equal(p->peak_rss, 10 * PAGE);
	assert_int_equal(p->peak_anon, 6 * PAGE);
	assert_int_equal(p->peak_file, 3 * PAGE);
	assert_int_equal(p->peak_shmem, 1 * PAGE);
	assert_int_equal(p->peak_vm, 100 * PAGE);
}

/* Page tables and the footprint come from BPF in bytes already. */
static void test_kernel_figures_in_bytes(void **state)
{
	struct tm_report *r = *state;
	struct proc_info pi = exited(100, 0);
	struct proc_info odd = exited(101, 0);
	const struct tm_proc *p;

	pi.peak_rss = 10;
	pi.peak_pgtables = 12288;
	pi.peak_footprint = 10 * PAGE + 12288 + 1000;
	odd.peak_pgtables = -4096;	/* never below 0 in bytes */
	odd.peak_footprint = -1;
	add_proc(r, pi);
	add_proc(r, odd);
	finish(r, 0);
	p = row(r, 100, false);
	assert_int_equal(p->peak_pgtables, 12288);
	assert_int_equal(p->peak_footprint, 10 * PAGE + 12288 + 1000);
	p = row(r, 101, false);
	assert_int_equal(p->peak_pgtables, 0);
	assert_int_equal(p->peak_footprint, 0);
}

/* Kernel stacks and task_structs: one of each per thread at the peak. */
static void test_kernel_objects_per_thread(void **state)
{
	struct tm_report *r = *state;
	const struct kobj_sizes k = { .task_struct = 9152, .kstack = 16384,
				      .proc = 3000, .mm = 1200, .vma = 184 };
	struct proc_info pi = exited(100, 0);
	struct tree_state t;
	const struct tm_proc *p;

	model_set_kobj(r, &k);
	assert_int_equal(r->ksize.kstack, 16384);
	assert_int_equal(r->ksize.vma, 184);
	pi.peak_threads = 3;
	add_proc(r, pi);
	memset(&t, 0, sizeof(t));
	t.peak_threads = 5;
	model_finish(r, &t);
	p = row(r, 100, false);
	assert_int_equal(p->peak_threads, 3);
	assert_int_equal(p->peak_kstack, 3 * 16384);
	assert_int_equal(p->peak_task_struct, 3 * 9152);
	assert_int_equal(r->tree.peak_kstack, 5 * 16384);
	assert_int_equal(r->tree.peak_task_struct, 5 * 9152);
}

static void test_exited_row(void **state)
{
	struct tm_report *r = *state;
	struct proc_info pi = mkproc(100, TM_PROC_EXITED | TM_PROC_ROOT,
				     EXIT_STATUS(3));
	const struct tm_proc *p;

	pi.ppid = 42;
	pi.peak_threads = 7;
	pi.min_flt = 1234;
	pi.maj_flt = 5;
	pi.start_ns = T0_NS;
	pi.end_ns = T0_NS + 2500 * MS_NS;
	strcpy(pi.comm, "make");
	add_proc(r, pi);
	finish(r, 0);
	p = row(r, 100, false);
	assert_int_equal(p->ppid, 42);
	assert_string_equal(p->comm, "make");
	assert_int_equal(p->exit_code, 3);
	assert_false(p->alive);
	assert_true(p->root);
	assert_int_equal(p->peak_threads, 7);
	assert_int_equal(p->min_flt, 1234);
	assert_int_equal(p->maj_flt, 5);
	assert_float_equal(p->start_s, 0.0, 1e-9);
	assert_float_equal(p->end_s, 2.5, 1e-9);
}

static void test_killed_row(void **state)
{
	struct tm_report *r = *state;

	add_proc(r, exited(100, 9));
	finish(r, 0);
	assert_int_equal(row(r, 100, false)->exit_code, 137);
}

static void test_live_row(void **state)
{
	struct tm_report *r = *state;
	const struct tm_proc *p;

	add_proc(r, live(100));
	finish(r, 0);
	p = row(r, 100, true);
	assert_int_equal(p->exit_code, -1);
	assert_true(p->alive);
	assert_false(p->root);
	assert_float_equal(p->start_s, 0.1, 1e-9);
	assert_float_equal(p->end_s, 0.0, 1e-9);
}

/* The kernel's comm is not always NUL-terminated in 16 bytes. */
static void test_comm_terminated(void **state)
{
	struct tm_report *r = *state;
	struct proc_info pi = exited(100, 0);

	memset(pi.comm, 'x', sizeof(pi.comm));
	add_proc(r, pi);
	finish(r, 0);
	assert_string_equal(row(r, 100, false)->comm, "xxxxxxxxxxxxxxx");
}

/* Each peak is the larger of the row's own (dead mms) and the live mm's. */
static void test_live_mm_peaks_folded(void **state)
{
	struct tm_report *r = *state;
	struct proc_info pi = live(100);
	struct mm_state m = mkmm(100, 10, 20, 0);
	const struct tm_proc *p;

	pi.peak_rss = 50;
	pi.peak_anon = 40;
	pi.peak_file = 5;
	pi.peak_shmem = 2;
	pi.peak_vm = 60;
	pi.peak_pgtables = 8192;
	pi.peak_footprint = 50 * PAGE + 8192;
	add_proc(r, pi);
	m.peak_vm = 500;
	m.peak_pgtables = 20480;
	m.peak_footprint = 30 * PAGE + 20480;
	add_mm(r, m);
	finish(r, 0);
	p = row(r, 100, true);
	assert_int_equal(p->peak_rss, 50 * PAGE);
	assert_int_equal(p->peak_anon, 40 * PAGE);
	assert_int_equal(p->peak_file, 10 * PAGE);
	assert_int_equal(p->peak_shmem, 2 * PAGE);
	assert_int_equal(p->peak_vm, 500 * PAGE);
	assert_int_equal(p->peak_pgtables, 20480);
	assert_int_equal(p->peak_footprint, 50 * PAGE + 8192);
}

static void test_dead_at_peak(void **state)
{
	struct tm_report *r = *state;
	struct proc_info at_gen = exited(100, 0);
	struct proc_info older = exited(101, 0);

	at_gen.dead_gen = 300;
	at_gen.dead_val = 120;
	older.dead_gen = 299;	/* died before the final peak */
	older.dead_val = 200;
	add_proc(r, at_gen);
	add_proc(r, older);
	finish(r, 300);
	assert_int_equal(row(r, 100, false)->rss_at_tree_peak, 120 * PAGE);
	assert_int_equal(row(r, 101, false)->rss_at_tree_peak, 0);
}

static void test_live_mm_snap_at_gen(void **state)
{
	struct tm_report *r = *state;
	struct mm_state m = mkmm(100, 1, 2, 3);

	m.snap_gen = 300;
	m.snap_val = 77;
	add_proc(r, live(100));
	add_mm(r, m);
	finish(r, 300);
	assert_int_equal(row(r, 100, true)->rss_at_tree_peak, 77 * PAGE);
}

/* Unchanged since before the peak: it still holds what it held then. */
static void test_live_mm_snap_older(void **state)
{
	struct tm_report *r = *state;
	struct mm_state m = mkmm(100, 10, 20, 4);

	m.cur[TM_SWAPENTS] = 1000;	/* swapped out is not resident */
	m.snap_gen = 250;
	m.snap_val = 999;
	add_proc(r, live(100));
	add_mm(r, m);
	finish(r, 300);
	assert_int_equal(row(r, 100, true)->rss_at_tree_peak, 34 * PAGE);
}

static void test_live_mm_snap_newer(void **state)
{
	struct tm_report *r = *state;
	struct mm_state m = mkmm(100, 10, 20, 4);

	m.snap_gen = 301;
	m.snap_val = 34;
	add_proc(r, live(100));
	add_mm(r, m);
	finish(r, 300);
	assert_int_equal(row(r, 100, true)->rss_at_tree_peak, 0);
}

/* A live process that exec'd: a dead mm and its current one both count. */
static void test_live_row_dead_and_live_mm(void **state)
{
	struct tm_report *r = *state;
	struct proc_info pi = live(100);
	struct mm_state m = mkmm(100, 0, 5, 0);

	pi.dead_gen = 300;
	pi.dead_val = 10;
	m.snap_gen = 300;
	m.snap_val = 5;
	add_proc(r, pi);
	add_mm(r, m);
	finish(r, 300);
	assert_int_equal(row(r, 100, true)->rss_at_tree_peak, 15 * PAGE);
}

/* A vfork child runs on its parent's mm: the parent's row holds it. */
static void test_shared_mm_not_counted_twice(void **state)
{
	struct tm_report *r = *state;
	struct proc_info child = live(101);
	struct mm_state m = mkmm(100, 10, 30, 0);

	child.shared_mm_with = 100;
	m.users = 2;
	m.snap_gen = 40;
	m.snap_val = 40;
	add_proc(r, live(100));
	add_proc(r, child);
	add_mm(r, m);
	finish(r, 40);
	assert_int_equal(row(r, 100, true)->rss_at_tree_peak, 40 * PAGE);
	assert_int_equal(row(r, 101, true)->rss_at_tree_peak, 0);
	assert_int_equal(row(r, 101, true)->peak_rss, 0);
	assert_int_equal(row(r, 101, true)->shared_mm_with, 100);
	assert_int_equal(at_peak_sum(r), r->tree.peak_rss);
}

/*
 * The shape of `memshape 4`: the root (50 pages, unchanged since) starts
 * 4 children of 100 pages that run at once, then exit; the tree peaked
 * at 450 with all of them. A first child had exited before that peak.
 */
static void test_four_children_sum_to_peak(void **state)
{
	struct tm_report *r = *state;
	struct proc_info root = mkproc(100, TM_PROC_ROOT, 0);
	struct proc_info early = exited(101, 0);
	struct mm_state m = mkmm(100, 20, 25, 5);
	uint32_t pid;

	early.dead_gen = 150;
	early.dead_val = 100;
	add_proc(r, root);
	add_proc(r, early);
	for (pid = 102; pid < 106; pid++) {
		struct proc_info c = exited(pid, 0);

		c.ppid = 100;
		c.peak_rss = 100;
		c.dead_gen = 450;
		c.dead_val = 100;
		add_proc(r, c);
	}
	m.cur[TM_SWAPENTS] = 8;
	m.snap_gen = 150;
	m.snap_val = 50;
	add_mm(r, m);
	finish(r, 450);
	assert_int_equal(row(r, 100, true)->rss_at_tree_peak, 50 * PAGE);
	assert_int_equal(row(r, 101, false)->rss_at_tree_peak, 0);
	for (pid = 102; pid < 106; pid++)
		assert_int_equal(row(r, pid, false)->rss_at_tree_peak,
				 100 * PAGE);
	assert_int_equal(r->tree.peak_rss, 450 * PAGE);
	assert_int_equal(at_peak_sum(r), r->tree.peak_rss);
}

/* An mm whose owner has no row (not tracked) is dropped, not misassigned. */
static void test_mm_without_owner_row(void **state)
{
	struct tm_report *r = *state;
	struct mm_state m = mkmm(999, 10, 10, 0);

	m.snap_gen = 20;
	m.snap_val = 20;
	add_proc(r, live(100));
	add_mm(r, m);
	finish(r, 20);
	assert_int_equal(row(r, 100, true)->rss_at_tree_peak, 0);
	assert_int_equal(row(r, 100, true)->peak_rss, 0);
}

static void test_tree_totals(void **state)
{
	struct tm_report *r = *state;
	struct tree_state t;

	memset(&t, 0, sizeof(t));
	t.peak_rss = 1000;
	t.peak[TM_ANONPAGES] = 700;
	t.peak[TM_FILEPAGES] = 250;
	t.peak[TM_SHMEMPAGES] = 60;
	t.peak[TM_SWAPENTS] = 9;
	t.peak_vm = 5000;
	t.peak_pgtables = 90112;	/* bytes */
	t.peak_footprint = 1000 * PAGE + 90112 + 50000;
	t.peak_threads = 12;
	t.peak_procs = 4;
	t.procs_total = 9;
	t.threads_total = 30;
	t.cur[TM_ANONPAGES] = 3;	/* what is left at the end: not a total */
	add_proc(r, exited(100, 0));
	model_finish(r, &t);
	assert_int_equal(r->tree.peak_rss, 1000 * PAGE);
	assert_int_equal(r->tree.peak_anon, 700 * PAGE);
	assert_int_equal(r->tree.peak_file, 250 * PAGE);
	assert_int_equal(r->tree.peak_shmem, 60 * PAGE);
	assert_int_equal(r->tree.peak_vm, 5000 * PAGE);
	assert_int_equal(r->tree.peak_pgtables, 90112);
	assert_int_equal(r->tree.peak_footprint, 1000 * PAGE + 90112 + 50000);
	assert_int_equal(r->tree.peak_threads, 12);
	assert_int_equal(r->tree.peak_processes, 4);
	assert_int_equal(r->tree.processes_total, 9);
	assert_int_equal(r->tree.threads_total, 30);
}

static void test_lost_events(void **state)
{
	struct tm_report *r = *state;
	struct tree_state t;

	memset(&t, 0, sizeof(t));
	t.lost_procs = 2;
	t.lost_mms = 3;
	t.lost_events = 4;
	r->lost_events = 10;	/* e.g. records that did not fit the model */
	model_finish(r, &t);
	assert_int_equal(r->lost_events, 19);
	assert_int_equal(r->lost_procs, 2);
}

static void test_fault_totals(void **state)
{
	struct tm_report *r = *state;
	struct proc_info a = exited(100, 0);
	struct proc_info b = live(101);

	a.min_flt = 1000;
	a.maj_flt = 3;
	b.min_flt = 234;
	b.maj_flt = 4;
	add_proc(r, a);
	add_proc(r, b);
	finish(r, 0);
	assert_int_equal(r->tree.minor_faults, 1234);
	assert_int_equal(r->tree.major_faults, 7);
}

/* Rows by start time, whatever the order of arrival; ties by pid. */
static void test_sorted_by_start(void **state)
{
	struct tm_report *r = *state;
	static const struct { uint32_t pid; uint64_t start_ms; } in[] = {
		{ 300, 20 }, { 100, 0 }, { 50, 30 }, { 200, 20 }, { 400, 10 },
	};
	static const uint32_t want[] = { 100, 400, 200, 300, 50 };
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct proc_info pi = exited(in[i].pid, 0);

		pi.start_ns = T0_NS + in[i].start_ms * MS_NS;
		add_proc(r, pi);
	}
	finish(r, 0);
	assert_int_equal(r->nprocs, 5);
	for (i = 0; i < r->nprocs; i++)
		assert_int_equal(r->procs[i].pid, want[i]);
	assert_float_equal(r->procs[1].start_s, 0.010, 1e-9);
	assert_float_equal(r->procs[4].start_s, 0.030, 1e-9);
}

/* A start before t0 (a clock race) is clamped, not a huge unsigned. */
static void test_start_before_t0(void **state)
{
	struct tm_report *r = *state;
	struct proc_info pi = exited(100, 0);

	pi.start_ns = T0_NS - MS_NS;
	add_proc(r, pi);
	finish(r, 0);
	assert_float_equal(row(r, 100, false)->start_s, 0.0, 1e-9);
}

/*
 * pid 100 exited and was reused by a process still running: the live mm
 * is the live one's, whatever order the records came in.
 */
static void check_pid_reuse(struct tm_report *r, bool live_first)
{
	struct proc_info old = exited(100, 0);
	struct proc_info now = live(100);
	struct mm_state m = mkmm(100, 0, 30, 0);
	const struct tm_proc *p;

	old.start_ns = T0_NS;
	old.peak_rss = 8;
	old.dead_gen = 60;
	old.dead_val = 8;
	now.start_ns = T0_NS + 500 * MS_NS;
	m.snap_gen = 60;
	m.snap_val = 30;
	if (live_first)
		add_proc(r, now);
	add_proc(r, old);
	if (!live_first)
		add_proc(r, now);
	add_mm(r, m);
	finish(r, 60);
	assert_int_equal(r->nprocs, 2);
	p = row(r, 100, false);
	assert_int_equal(p->peak_rss, 8 * PAGE);
	assert_int_equal(p->rss_at_tree_peak, 8 * PAGE);
	p = row(r, 100, true);
	assert_int_equal(p->peak_rss, 30 * PAGE);
	assert_int_equal(p->rss_at_tree_peak, 30 * PAGE);
	/* by start time: the exited one first */
	assert_false(r->procs[0].alive);
	assert_true(r->procs[1].alive);
}

static void test_pid_reuse(void **state)
{
	check_pid_reuse(*state, false);
}

static void test_pid_reuse_live_first(void **state)
{
	check_pid_reuse(*state, true);
}

/* -p: the kernel's VmHWM belongs to rows of processes attached to. */
static void test_vmhwm(void **state)
{
	struct tm_report *r = *state;

	add_proc(r, mkproc(100, TM_PROC_ATTACHED, 0));
	add_proc(r, live(101));		/* started while traced */
	assert_int_equal(model_set_vmhwm(r, 100, 1 << 20), 0);
	assert_int_equal(model_set_vmhwm(r, 100, 3 << 20), 0);
	assert_int_equal(model_set_vmhwm(r, 101, 5 << 20), 0);
	assert_int_equal(model_set_vmhwm(r, 999, 7 << 20), 0);
	finish(r, 0);
	assert_true(row(r, 100, true)->attached);
	assert_int_equal(row(r, 100, true)->kernel_vmhwm, 3 << 20);
	assert_false(row(r, 101, true)->attached);
	assert_int_equal(row(r, 101, true)->kernel_vmhwm, 0);
}

/* What the live mms and the tree hold at the end (swap is not resident). */
static void test_current_figures(void **state)
{
	struct tm_report *r = *state;
	struct proc_info pi = live(100);
	struct mm_state m = mkmm(100, 10, 20, 4);
	struct tree_state t;
	const struct tm_proc *p;

	pi.threads = 3;
	m.cur[TM_SWAPENTS] = 100;
	m.kmem = 8192;
	add_proc(r, pi);
	add_mm(r, m);
	memset(&t, 0, sizeof(t));
	t.rss = 34;
	t.kmem = 8192;
	t.threads = 3;
	t.procs = 1;
	model_finish(r, &t);
	p = row(r, 100, true);
	assert_int_equal(p->cur_threads, 3);
	assert_int_equal(p->cur_rss, 34 * PAGE);
	assert_int_equal(p->cur_footprint, 34 * PAGE + 8192);
	assert_int_equal(r->tree.cur_rss, 34 * PAGE);
	assert_int_equal(r->tree.cur_footprint, 34 * PAGE + 8192);
	assert_int_equal(r->tree.cur_threads, 3);
	assert_int_equal(r->tree.cur_processes, 1);
}

/* Beyond the first allocation (64 rows) nothing is lost or mixed up. */
static void test_many_rows(void **state)
{
	struct tm_report *r = *state;
	uint32_t pid;

	for (pid = 1; pid <= 1000; pid++) {
		struct proc_info pi = live(pid);

		pi.peak_rss = pid;
		add_proc(r, pi);
		add_mm(r, mkmm(pid, 0, pid + 1, 0));
	}
	finish(r, 0);
	assert_int_equal(r->nprocs, 1000);
	for (pid = 1; pid <= 1000; pid++) {
		assert_int_equal(r->procs[pid - 1].pid, pid);
		assert_int_equal(r->procs[pid - 1].peak_rss, (pid + 1) * PAGE);
	}
}

static void test_empty(void **state)
{
	struct tm_report *r = *state;

	finish(r, 7);
	assert_int_equal(r->nprocs, 0);
	assert_int_equal(r->tree.peak_rss, 7 * PAGE);
	assert_int_equal(r->tree.minor_faults, 0);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_init),
		TEST(test_exit_code),
		TEST(test_pages_to_bytes),
		TEST(test_kernel_figures_in_bytes),
		TEST(test_kernel_objects_per_thread),
		TEST(test_exited_row),
		TEST(test_killed_row),
		TEST(test_live_row),
		TEST(test_comm_terminated),
		TEST(test_live_mm_peaks_folded),
		TEST(test_dead_at_peak),
		TEST(test_live_mm_snap_at_gen),
		TEST(test_live_mm_snap_older),
		TEST(test_live_mm_snap_newer),
		TEST(test_live_row_dead_and_live_mm),
		TEST(test_shared_mm_not_counted_twice),
		TEST(test_four_children_sum_to_peak),
		TEST(test_mm_without_owner_row),
		TEST(test_tree_totals),
		TEST(test_lost_events),
		TEST(test_fault_totals),
		TEST(test_sorted_by_start),
		TEST(test_start_before_t0),
		TEST(test_pid_reuse),
		TEST(test_pid_reuse_live_first),
		TEST(test_vmhwm),
		TEST(test_current_figures),
		TEST(test_many_rows),
		TEST(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
