// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of bpf/accounting.h, the arithmetic the BPF programs run on
 * every event, compiled here as plain C. Each test replays a sequence of
 * kernel events the way taskmem.bpf.c's handlers call the accounting
 * (a counter set per rss_stat event, mm_leave at exec and exit), then reads
 * the result back through the report model as a trace does: the tree's
 * peak, each process's peak and its RSS at the tree's peak, exactly.
 */
#include <linux/types.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "taskmem.h"
#include "model/model.h"

/* The globals accounting.h works on; taskmem.bpf.c defines its own. */
static struct tree_state tree;
static const __u32 page_shift = 12;
static bool track_window;
static bool track_peak_ns;
static struct kobj_sizes ksize;
static __u64 kstack_bytes;
static __u64 clock_ns;

static __u64 acct_now_ns(void)
{
	return ++clock_ns;
}

#include "accounting.h"

#define PAGE 4096ULL
#define MAX_SIM 8

/* A tiny stand-in for the procs and mms maps. */
static struct proc_info procs[MAX_SIM];
static struct mm_state mms[MAX_SIM];
static bool mm_live[MAX_SIM];

static int setup(void **state)
{
	(void)state;
	memset(&tree, 0, sizeof(tree));
	memset(procs, 0, sizeof(procs));
	memset(mms, 0, sizeof(mms));
	memset(mm_live, 0, sizeof(mm_live));
	memset(&ksize, 0, sizeof(ksize));
	kstack_bytes = 0;
	track_window = false;
	track_peak_ns = false;
	clock_ns = 0;
	return 0;
}

static struct proc_info *proc(__u32 pid)
{
	return &procs[pid];
}

/* Process pid starts on a fresh mm number mm (fork, or exec's new mm). */
static void start_on_mm(__u32 pid, int mm)
{
	struct proc_info *p = proc(pid);

	if (!p->pid) {
		p->pid = pid;
		p->threads = 1;
		p->peak_threads = 1;
		tree_add_procs(1);
		tree_add_threads(1);
	}
	p->mm = mm;
	mm_init(&mms[mm], pid, p->threads);
	mm_live[mm] = true;
}

/* Process pid shares mm (vfork, CLONE_VM): one more user, counted once. */
static void share_mm(__u32 pid, int mm)
{
	struct proc_info *p = proc(pid);

	p->pid = pid;
	p->threads = 1;
	p->mm = mm;
	p->shared_mm_with = mms[mm].owner;
	tree_add_procs(1);
	mm_add_tasks(&mms[mm], 1, 1);
}

/* An rss_stat event: mm's anon counter now reads pages. */
static void anon(int mm, __s64 pages)
{
	mm_set(&mms[mm], TM_ANONPAGES, pages);
}

static void file(int mm, __s64 pages)
{
	mm_set(&mms[mm], TM_FILEPAGES, pages);
}

/* pid stops using its mm (taskmem.bpf.c's mm_release). */
static void leave_mm(__u32 pid)
{
	struct proc_info *p = proc(pid);
	struct mm_state *m = &mms[p->mm];
	struct proc_info *owner;

	p->mm = 0;
	if (!mm_leave(p, m))
		return;
	owner = procs[m->owner].pid ? proc(m->owner) : p;
	proc_fold_dead(owner, m);
	mm_live[m - mms] = false;
}

static void exit_proc(__u32 pid)
{
	leave_mm(pid);
	proc(pid)->flags |= TM_PROC_EXITED;
	tree_add_procs(-1);
}

/* What a trace reports from this state: the model over procs and mms. */
static void report(struct tm_report *r)
{
	int i;

	model_init(r, PAGE, 0);
	for (i = 1; i < MAX_SIM; i++) {
		if (procs[i].pid)
			assert_int_equal(model_add_proc(r, &procs[i]), 0);
		if (mm_live[i])
			assert_int_equal(model_add_mm(r, &mms[i]), 0);
	}
	model_finish(r, &tree);
}

static const struct tm_proc *row(const struct tm_report *r, __u32 pid)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	fail_msg("no row for pid %u", pid);
	return NULL;
}

/* Assert pid's peak RSS and its RSS at the tree's peak, in pages. */
static void assert_proc(const struct tm_report *r, __u32 pid, __u64 peak,
			__u64 at_peak)
{
	const struct tm_proc *p = row(r, pid);

	assert_int_equal(p->peak_rss, peak * PAGE);
	assert_int_equal(p->rss_at_tree_peak, at_peak * PAGE);
}

/* Two mms fault in turns; the tree peaks when neither is at its own. */
static void test_two_mms_in_turns(void **state)
{
	struct tm_report r;

	(void)state;
	start_on_mm(1, 1);
	start_on_mm(2, 2);
	anon(1, 10);	/* tree 10 */
	anon(2, 5);	/* 15 */
	anon(1, 20);	/* 25 */
	anon(2, 15);	/* 35: the tree's peak, 1 holds 20 and 2 holds 15 */
	anon(1, 8);	/* 23 */
	anon(2, 25);	/* 33: 2's own peak, not the tree's */
	file(1, 1);	/* 34 */
	report(&r);
	assert_int_equal(r.tree.peak_rss, 35 * PAGE);
	assert_int_equal(r.tree.peak_anon, 35 * PAGE);
	assert_int_equal(r.tree.cur_rss, 34 * PAGE);
	assert_proc(&r, 1, 20, 20);
	assert_proc(&r, 2, 25, 15);
	model_free(&r);
}

/* A process peaks and exits: what it held at the peak stays its share. */
static void test_peak_then_exit(void **state)
{
	struct tm_report r;

	(void)state;
	start_on_mm(1, 1);
	start_on_mm(2, 2);
	anon(1, 30);
	anon(2, 10);	/* 40: the peak */
	exit_proc(1);	/* 10 */
	anon(2, 35);	/* 35, below the peak */
	report(&r);
	assert_int_equal(r.tree.peak_rss, 40 * PAGE);
	assert_int_equal(r.tree.cur_rss, 35 * PAGE);
	assert_proc(&r, 1, 30, 30);
	assert_proc(&r, 2, 35, 10);
	model_free(&r);

	/* a later, higher peak finds 1 dead: it held nothing then */
	anon(2, 50);
	report(&r);
	assert_int_equal(r.tree.peak_rss, 50 * PAGE);
	assert_proc(&r, 1, 30, 0);
	assert_proc(&r, 2, 50, 50);
	assert_int_equal(r.tree.processes_total, 2);
	model_free(&r);
}

/* exec drops the old mm and starts a new one, in the same row. */
static void test_exec_replaces_mm(void **state)
{
	struct tm_report r;

	(void)state;
	start_on_mm(1, 1);
	start_on_mm(2, 2);
	anon(2, 5);
	anon(1, 40);	/* 45: the peak, 1's old mm holds 40 */
	leave_mm(1);	/* exec: the old mm is gone ... */
	start_on_mm(1, 3);
	anon(3, 10);	/* ... the new one grows: 15 */
	report(&r);
	assert_int_equal(r.tree.peak_rss, 45 * PAGE);
	assert_proc(&r, 1, 40, 40);
	assert_proc(&r, 2, 5, 5);
	model_free(&r);

	anon(3, 44);	/* 49: a new peak, only the new mm counts */
	report(&r);
	assert_int_equal(r.tree.peak_rss, 49 * PAGE);
	assert_proc(&r, 1, 44, 44);
	assert_proc(&r, 2, 5, 5);
	assert_int_equal(r.tree.processes_total, 2);
	model_free(&r);
}

/* A vfork child shares its parent's mm, faults on it and leaves. */
static void test_sharer_leaves(void **state)
{
	struct tm_report r;

	(void)state;
	start_on_mm(1, 1);
	anon(1, 10);
	share_mm(2, 1);
	assert_int_equal(mms[1].users, 2);
	assert_int_equal(mms[1].tasks, 2);
	anon(1, 30);	/* the child's faults land on the shared mm */
	exit_proc(2);	/* not the last user: the mm stays, counted once */
	assert_true(mm_live[1]);
	assert_int_equal(mms[1].users, 1);
	assert_int_equal(mms[1].tasks, 1);
	anon(1, 25);
	report(&r);
	assert_int_equal(r.tree.peak_rss, 30 * PAGE);
	assert_int_equal(r.tree.cur_rss, 25 * PAGE);
	assert_proc(&r, 1, 30, 30);
	assert_proc(&r, 2, 0, 0);
	assert_int_equal(row(&r, 2)->shared_mm_with, 1);
	model_free(&r);
}

/* The last user of a shared mm is not its owner: the owner gets the share. */
static void test_owner_leaves_first(void **state)
{
	struct tm_report r;

	(void)state;
	start_on_mm(1, 1);
	share_mm(2, 1);
	anon(1, 12);	/* the peak */
	leave_mm(1);	/* the owner execs away; 2 keeps the old mm */
	start_on_mm(1, 2);
	exit_proc(2);	/* the mm dies: its share goes to its owner, 1 */
	report(&r);
	assert_int_equal(r.tree.peak_rss, 12 * PAGE);
	assert_int_equal(r.tree.cur_rss, 0);
	assert_proc(&r, 1, 12, 12);
	assert_proc(&r, 2, 0, 0);
	model_free(&r);
}

/* Footprint: RSS plus kernel memory, whose peak can come from either. */
static void test_footprint_peak(void **state)
{
	(void)state;
	ksize.mm = 1000;
	ksize.task_struct = 100;
	kstack_bytes = 16;
	start_on_mm(1, 1);
	mm_add_tasks(&mms[1], 0, 0);	/* kmem: mm + 1 thread */
	assert_int_equal(tree.kmem, 1116);
	anon(1, 2);
	assert_int_equal(tree.peak_footprint, 2 * PAGE + 1116);
	mm_add_tasks(&mms[1], 3, 0);	/* three more threads */
	assert_int_equal(tree.peak_footprint, 2 * PAGE + 1116 + 3 * 116);
	mm_set_maps(&mms[1], 8192, 4);	/* page tables are kernel memory */
	assert_int_equal(tree.peak_pgtables, 8192);
	assert_int_equal(tree.peak_footprint, 2 * PAGE + 1116 + 3 * 116 + 8192);
	assert_int_equal(mms[1].peak_footprint, tree.peak_footprint);
	exit_proc(1);
	assert_int_equal(tree.kmem, 0);
	assert_int_equal(tree.rss, 0);
}

/* The timeline's window maxima restart with each sample's generation. */
static void test_window_maxima(void **state)
{
	(void)state;
	track_window = true;
	start_on_mm(1, 1);
	anon(1, 50);
	anon(1, 20);
	assert_int_equal(tree.win_max_rss, 50);
	assert_int_equal(mms[1].win_max_rss, 50);
	/* a sample: userspace resets the tree's maximum and bumps win_gen */
	tree.win_max_rss = tree.rss;
	tree.win_gen++;
	anon(1, 30);
	assert_int_equal(tree.win_max_rss, 30);
	assert_int_equal(mms[1].win_gen, tree.win_gen);
	assert_int_equal(mms[1].win_max_rss, 30);
	assert_int_equal(mms[1].peak_rss, 50);
}

/* swap entries are counted per mm but are not RSS. */
static void test_swap_not_rss(void **state)
{
	(void)state;
	start_on_mm(1, 1);
	anon(1, 7);
	mm_set(&mms[1], TM_SWAPENTS, 100);
	assert_int_equal(tree.rss, 7);
	assert_int_equal(tree.peak_rss, 7);
	assert_int_equal(mms[1].cur[TM_SWAPENTS], 100);
	mm_set(&mms[1], 9, 5);	/* an unknown member is ignored */
	assert_int_equal(tree.rss, 7);
}

/* With track_peak_ns, the clock at the last raise of the RSS peak. */
static void test_peak_rss_ns(void **state)
{
	(void)state;
	start_on_mm(1, 1);
	anon(1, 10);
	assert_int_equal(tree.peak_rss_ns, 0);	/* off: never read */
	track_peak_ns = true;
	anon(1, 20);
	assert_int_equal(tree.peak_rss_ns, clock_ns);
	anon(1, 5);
	anon(1, 15);				/* below the peak */
	assert_int_equal(tree.peak_rss_ns, 1);
	anon(1, 30);
	assert_int_equal(tree.peak_rss_ns, clock_ns);
	assert_true(clock_ns > 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_peak_rss_ns, setup),
		cmocka_unit_test_setup(test_two_mms_in_turns, setup),
		cmocka_unit_test_setup(test_peak_then_exit, setup),
		cmocka_unit_test_setup(test_exec_replaces_mm, setup),
		cmocka_unit_test_setup(test_sharer_leaves, setup),
		cmocka_unit_test_setup(test_owner_leaves_first, setup),
		cmocka_unit_test_setup(test_footprint_peak, setup),
		cmocka_unit_test_setup(test_window_maxima, setup),
		cmocka_unit_test_setup(test_swap_not_rss, setup),
	};

	return cmocka_run_group_tests_name("accounting", tests, NULL, NULL);
}
