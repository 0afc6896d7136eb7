// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "model/model.h"

void model_init(struct tm_report *r, uint64_t page_size, uint64_t t0_ns)
{
	memset(r, 0, sizeof(*r));
	r->page_size = page_size;
	r->t0_ns = t0_ns;
	r->exit_code = -1;
}

void model_set_kobj(struct tm_report *r, const struct kobj_sizes *k)
{
	r->ksize = *k;
}

void model_free(struct tm_report *r)
{
	free(r->procs);
	free(r->mms);
	free(r->hwm);
	r->procs = NULL;
	r->mms = NULL;
	r->hwm = NULL;
	r->nprocs = r->nmms = r->cap = r->mms_cap = 0;
	r->nhwm = r->hwm_cap = 0;
}

/* Grow *arr (of *cap elements of size sz) to hold one more. */
static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

int model_exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static uint64_t pages(const struct tm_report *r, int64_t n)
{
	return n > 0 ? (uint64_t)n * r->page_size : 0;
}

static double since_t0(const struct tm_report *r, uint64_t ns)
{
	return ns > r->t0_ns ? (double)(ns - r->t0_ns) / 1e9 : 0.0;
}

int model_add_proc(struct tm_report *r, const struct proc_info *pi)
{
	struct tm_proc *p;

	if (grow((void **)&r->procs, &r->cap, r->nprocs, sizeof(*p)))
		return -ENOMEM;
	p = &r->procs[r->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pi->pid;
	p->ppid = pi->ppid;
	memcpy(p->comm, pi->comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
	p->peak_rss = pages(r, pi->peak_rss);
	p->peak_anon = pages(r, pi->peak_anon);
	p->peak_file = pages(r, pi->peak_file);
	p->peak_shmem = pages(r, pi->peak_shmem);
	p->peak_vm = pages(r, pi->peak_vm);
	p->peak_pgtables = pi->peak_pgtables > 0 ? pi->peak_pgtables : 0;
	p->peak_footprint = pi->peak_footprint > 0 ? pi->peak_footprint : 0;
	p->peak_threads = pi->peak_threads;
	p->cur_threads = pi->threads;
	p->min_flt = pi->min_flt;
	p->maj_flt = pi->maj_flt;
	p->alive = !(pi->flags & TM_PROC_EXITED);
	p->root = pi->flags & TM_PROC_ROOT;
	p->attached = pi->flags & TM_PROC_ATTACHED;
	p->exit_code = p->alive ? -1 : model_exit_code(pi->exit_status);
	p->shared_mm_with = pi->shared_mm_with;
	p->start_s = since_t0(r, pi->start_ns);
	p->end_s = p->alive ? 0.0 : since_t0(r, pi->end_ns);
	p->dead_gen = pi->dead_gen;
	p->dead_val = pi->dead_val;
	return 0;
}

int model_set_vmhwm(struct tm_report *r, uint32_t pid, uint64_t bytes)
{
	size_t i;

	for (i = 0; i < r->nhwm; i++) {
		if (r->hwm[i].pid == pid) {
			r->hwm[i].bytes = bytes;
			return 0;
		}
	}
	if (grow((void **)&r->hwm, &r->hwm_cap, r->nhwm, sizeof(*r->hwm)))
		return -ENOMEM;
	r->hwm[r->nhwm].pid = pid;
	r->hwm[r->nhwm++].bytes = bytes;
	return 0;
}

int model_add_mm(struct tm_report *r, const struct mm_state *m)
{
	if (grow((void **)&r->mms, &r->mms_cap, r->nmms, sizeof(*m)))
		return -ENOMEM;
	r->mms[r->nmms++] = *m;
	return 0;
}

/* By pid, live rows after exited ones, so a search finds the live one. */
static int cmp_pid(const void *a, const void *b)
{
	const struct tm_proc *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->alive != y->alive)
		return x->alive ? 1 : -1;
	return x->start_s < y->start_s ? -1 : x->start_s > y->start_s;
}

static int cmp_start(const void *a, const void *b)
{
	const struct tm_proc *x = a, *y = b;

	if (x->start_s != y->start_s)
		return x->start_s < y->start_s ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Needs the rows sorted by cmp_pid. */
static struct tm_proc *model_find(struct tm_report *r, uint32_t pid)
{
	size_t lo = 0, hi = r->nprocs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->procs[mid].pid <= pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* lo is past the last row with this pid: the live one if any */
	if (lo && r->procs[lo - 1].pid == pid)
		return &r->procs[lo - 1];
	return NULL;
}

static void max_bytes(uint64_t *into, uint64_t val)
{
	if (val > *into)
		*into = val;
}

int64_t model_mm_rss(const struct mm_state *m)
{
	return m->cur[TM_FILEPAGES] + m->cur[TM_ANONPAGES] +
	       m->cur[TM_SHMEMPAGES];
}

/* What a live mm held when the tree peaked at generation gen (pages). */
static int64_t mm_at_peak(const struct mm_state *m, int64_t gen)
{
	if (m->snap_gen == gen)
		return m->snap_val;
	if (m->snap_gen > gen)
		return 0;
	return model_mm_rss(m);
}

static void fold_live_mms(struct tm_report *r, int64_t gen,
			  int64_t *at_peak)
{
	size_t i;

	for (i = 0; i < r->nmms; i++) {
		const struct mm_state *m = &r->mms[i];
		struct tm_proc *p = model_find(r, m->owner);
		uint64_t rss = pages(r, model_mm_rss(m));

		if (!p)
			continue;
		max_bytes(&p->peak_rss, pages(r, m->peak_rss));
		max_bytes(&p->peak_anon, pages(r, m->peak_anon));
		max_bytes(&p->peak_file, pages(r, m->peak_file));
		max_bytes(&p->peak_shmem, pages(r, m->peak_shmem));
		max_bytes(&p->peak_vm, pages(r, m->peak_vm));
		max_bytes(&p->peak_pgtables, m->peak_pgtables);
		max_bytes(&p->peak_footprint, m->peak_footprint);
		p->cur_rss += rss;
		p->cur_footprint += rss + (m->kmem > 0 ? m->kmem : 0);
		at_peak[p - r->procs] += mm_at_peak(m, gen);
	}
}

void model_finish(struct tm_report *r, const struct tree_state *t)
{
	int64_t gen = t->peak_rss;
	int64_t *at_peak;
	size_t i;

	if (r->nprocs)
		qsort(r->procs, r->nprocs, sizeof(*r->procs), cmp_pid);
	at_peak = calloc(r->nprocs ? r->nprocs : 1, sizeof(*at_peak));
	if (at_peak)
		fold_live_mms(r, gen, at_peak);

	memset(&r->tree, 0, sizeof(r->tree));
	for (i = 0; i < r->nprocs; i++) {
		struct tm_proc *p = &r->procs[i];
		int64_t held = p->dead_gen == gen ? p->dead_val : 0;

		if (at_peak)
			held += at_peak[i];
		p->rss_at_tree_peak = pages(r, held);
		p->peak_kstack = p->peak_threads * r->ksize.kstack;
		p->peak_task_struct = p->peak_threads * r->ksize.task_struct;
		r->tree.minor_faults += p->min_flt;
		r->tree.major_faults += p->maj_flt;
	}
	free(at_peak);
	for (i = 0; i < r->nhwm; i++) {
		struct tm_proc *p = model_find(r, r->hwm[i].pid);

		if (p && p->attached)
			p->kernel_vmhwm = r->hwm[i].bytes;
	}
	if (r->nprocs)
		qsort(r->procs, r->nprocs, sizeof(*r->procs), cmp_start);

	r->tree.peak_rss = pages(r, t->peak_rss);
	r->tree.peak_anon = pages(r, t->peak[TM_ANONPAGES]);
	r->tree.peak_file = pages(r, t->peak[TM_FILEPAGES]);
	r->tree.peak_shmem = pages(r, t->peak[TM_SHMEMPAGES]);
	r->tree.peak_vm = pages(r, t->peak_vm);
	r->tree.peak_pgtables = t->peak_pgtables;
	r->tree.peak_footprint = t->peak_footprint;
	r->tree.peak_threads = t->peak_threads;
	r->tree.peak_kstack = t->peak_threads * r->ksize.kstack;
	r->tree.peak_task_struct = t->peak_threads * r->ksize.task_struct;
	r->tree.peak_processes = t->peak_procs;
	r->tree.processes_total = t->procs_total;
	r->tree.threads_total = t->threads_total;
	r->tree.cur_rss = pages(r, t->rss);
	r->tree.cur_footprint = pages(r, t->rss) + (t->kmem > 0 ? t->kmem : 0);
	r->tree.cur_threads = t->threads > 0 ? t->threads : 0;
	r->tree.cur_processes = t->procs > 0 ? t->procs : 0;
	r->lost_procs = t->lost_procs;
	r->lost_mms = t->lost_mms;
	r->lost_ring = t->lost_events;
	r->lost_peak_raises = t->lost_peak_raises;
	r->lost_events += t->lost_procs + t->lost_mms + t->lost_events;
}
