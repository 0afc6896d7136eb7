// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "model/attrib.h"

#define NO_DEATH UINT64_MAX
#define PID_MMS 4

/* The live fault samples of one mm (indices into the events). */
struct group {
	uint64_t mm;
	uint32_t owner;		/* the first process sampled on it */
	bool used;
	bool sorted;
	size_t *idx;
	size_t n, cap;
	uint64_t brk;
};

/* The mms a process was sampled on. */
struct pid_mms {
	uint32_t pid;
	bool used;
	uint64_t mm[PID_MMS];
};

struct run {
	struct attrib *a;
	uint64_t *death;
	struct group *groups;
	size_t ngroups;		/* power of two */
	struct pid_mms *pids;
	size_t npids;		/* power of two */
	size_t *task;		/* kernel samples by tid: index + 1 */
	uint32_t *task_tid;
	size_t ntasks;		/* power of two */
};

int attrib_add(struct attrib *a, const struct attrib_event *e)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 1024;
		struct attrib_event *v = realloc(a->ev, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		a->ev = v;
		a->cap = cap;
	}
	a->ev[a->n++] = *e;
	return 0;
}

void attrib_free(struct attrib *a)
{
	free(a->ev);
	memset(a, 0, sizeof(*a));
}

static size_t pow2_above(size_t n)
{
	size_t p = 16;

	while (p < n * 2)
		p *= 2;
	return p;
}

static size_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

/* The group of mm, created when create is set; NULL if none. */
static struct group *group_of(struct run *r, uint64_t mm, bool create)
{
	size_t j = mix(mm) & (r->ngroups - 1);

	for (; r->groups[j].used; j = (j + 1) & (r->ngroups - 1))
		if (r->groups[j].mm == mm)
			return &r->groups[j];
	if (!create)
		return NULL;
	r->groups[j].used = true;
	r->groups[j].mm = mm;
	r->groups[j].sorted = true;
	return &r->groups[j];
}

static struct pid_mms *pid_of(struct run *r, uint32_t pid, bool create)
{
	size_t j = mix(pid) & (r->npids - 1);

	for (; r->pids[j].used; j = (j + 1) & (r->npids - 1))
		if (r->pids[j].pid == pid)
			return &r->pids[j];
	if (!create)
		return NULL;
	r->pids[j].used = true;
	r->pids[j].pid = pid;
	return &r->pids[j];
}

static int group_push(struct group *g, size_t i, uint64_t addr,
		      const struct attrib_event *ev)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		size_t *v = realloc(g->idx, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		g->idx = v;
		g->cap = cap;
	}
	if (g->n && ev[g->idx[g->n - 1]].addr > addr)
		g->sorted = false;
	g->idx[g->n++] = i;
	return 0;
}

static const struct attrib_event *sort_ev;

static int by_addr(const void *x, const void *y)
{
	uint64_t a = sort_ev[*(const size_t *)x].addr;
	uint64_t b = sort_ev[*(const size_t *)y].addr;

	return a < b ? -1 : a > b;
}

/* Drop dead entries and sort the rest by address. */
static void group_tidy(struct run *r, struct group *g)
{
	size_t i, n = 0;

	for (i = 0; i < g->n; i++)
		if (r->death[g->idx[i]] == NO_DEATH)
			g->idx[n++] = g->idx[i];
	g->n = n;
	if (!g->sorted) {
		sort_ev = r->a->ev;
		qsort(g->idx, g->n, sizeof(*g->idx), by_addr);
		g->sorted = true;
	}
}

/* The first entry at or above addr (group sorted). */
static size_t group_lower(struct run *r, struct group *g, uint64_t addr)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->a->ev[g->idx[mid]].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Samples of [start, end) in mm left RSS at ts. */
static void range_gone(struct run *r, uint64_t mm, uint64_t start,
		       uint64_t end, uint64_t ts)
{
	struct group *g = group_of(r, mm, false);
	size_t i;

	if (!g || start >= end)
		return;
	group_tidy(r, g);
	for (i = group_lower(r, g, start);
	     i < g->n && r->a->ev[g->idx[i]].addr < end; i++)
		r->death[g->idx[i]] = ts;
}

/* mremap: what was at [a, end) is now at addr2, up to end2. */
static void range_move(struct run *r, const struct attrib_event *m)
{
	struct group *g = group_of(r, m->mm, false);
	size_t i;

	if (!g || m->addr >= m->end)
		return;
	group_tidy(r, g);
	for (i = group_lower(r, g, m->addr);
	     i < g->n && r->a->ev[g->idx[i]].addr < m->end; i++) {
		struct attrib_event *s = &r->a->ev[g->idx[i]];
		uint64_t moved = m->addr2 + (s->addr - m->addr);

		if (moved >= m->end2)
			r->death[g->idx[i]] = m->ts;
		else
			s->addr = moved;
		g->sorted = false;
	}
}

static void brk_set(struct run *r, const struct attrib_event *b)
{
	struct group *g = group_of(r, b->mm, false);

	if (!g)
		return;
	if (g->brk && b->addr < g->brk)
		range_gone(r, b->mm, b->addr, g->brk, b->ts);
	g->brk = b->addr;
}

/* Process pid exited or exec'ed: the samples it took go. */
static void pid_gone(struct run *r, uint32_t pid, uint64_t ts)
{
	struct pid_mms *p = pid_of(r, pid, false);
	size_t i, k;

	if (!p)
		return;
	for (k = 0; k < PID_MMS; k++) {
		struct group *g = p->mm[k] ? group_of(r, p->mm[k], false) : NULL;

		p->mm[k] = 0;
		if (!g)
			continue;
		for (i = 0; i < g->n; i++) {
			size_t e = g->idx[i];

			if (g->owner == pid || r->a->ev[e].pid == pid)
				if (r->death[e] == NO_DEATH)
					r->death[e] = ts;
		}
		if (g->owner == pid)
			g->n = 0;	/* the mm is gone: its address may come back */
	}
}

static int fault_live(struct run *r, size_t i)
{
	const struct attrib_event *s = &r->a->ev[i];
	struct group *g = group_of(r, s->mm, true);
	struct pid_mms *p = pid_of(r, s->pid, true);
	size_t k, free_k = PID_MMS;

	if (!g->n)
		g->owner = s->pid;
	for (k = 0; k < PID_MMS && p->mm[k] != s->mm; k++)
		if (!p->mm[k] && free_k == PID_MMS)
			free_k = k;
	if (k == PID_MMS)
		p->mm[free_k < PID_MMS ? free_k : PID_MMS - 1] = s->mm;
	return group_push(g, i, s->addr, r->a->ev);
}

static size_t *task_slot(struct run *r, uint32_t tid)
{
	size_t j = mix(tid) & (r->ntasks - 1);

	while (r->task[j] && r->task_tid[j] != tid)
		j = (j + 1) & (r->ntasks - 1);
	r->task_tid[j] = tid;
	return &r->task[j];
}

static int by_time(const void *x, const void *y)
{
	const struct attrib_event *a = x, *b = y;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	/* qsort is not stable: keep samples before what removes them */
	return (a->kind > PROF_LAST_SAMPLE) - (b->kind > PROF_LAST_SAMPLE);
}

static int run_alloc(struct run *r, struct attrib *a)
{
	size_t i, nsamples = 0, ntasks = 0;

	for (i = 0; i < a->n; i++) {
		nsamples += a->ev[i].kind == PROF_FAULT ||
			    a->ev[i].kind == PROF_PGTABLE;
		ntasks += a->ev[i].kind == PROF_THREAD ||
			  a->ev[i].kind == PROF_PROCESS;
	}
	r->a = a;
	r->ngroups = pow2_above(nsamples);
	r->npids = pow2_above(nsamples);
	r->ntasks = pow2_above(ntasks);
	r->death = malloc((a->n ? a->n : 1) * sizeof(*r->death));
	r->groups = calloc(r->ngroups, sizeof(*r->groups));
	r->pids = calloc(r->npids, sizeof(*r->pids));
	r->task = calloc(r->ntasks, sizeof(*r->task));
	r->task_tid = calloc(r->ntasks, sizeof(*r->task_tid));
	if (!r->death || !r->groups || !r->pids || !r->task || !r->task_tid)
		return -ENOMEM;
	for (i = 0; i < a->n; i++)
		r->death[i] = NO_DEATH;
	return 0;
}

static void run_free(struct run *r)
{
	size_t i;

	for (i = 0; r->groups && i < r->ngroups; i++)
		free(r->groups[i].idx);
	free(r->groups);
	free(r->pids);
	free(r->task);
	free(r->task_tid);
	free(r->death);
}

static int run_event(struct run *r, size_t i)
{
	const struct attrib_event *e = &r->a->ev[i];
	size_t *t;

	switch (e->kind) {
	case PROF_FAULT:
	case PROF_PGTABLE:	/* page tables live as the range they map */
		return fault_live(r, i);
	case PROF_THREAD:
	case PROF_PROCESS:
		*task_slot(r, e->tid) = i + 1;
		break;
	case PROF_TASK_END:
		t = task_slot(r, e->tid);
		if (*t && r->death[*t - 1] == NO_DEATH)
			r->death[*t - 1] = e->ts;
		break;
	case PROF_UNMAP:
		range_gone(r, e->mm, e->addr, e->end, e->ts);
		break;
	case PROF_MOVE:
		range_move(r, e);
		break;
	case PROF_BRK:
		brk_set(r, e);
		break;
	case PROF_GONE:
		pid_gone(r, e->pid, e->ts);
		break;
	}
	return 0;
}

int attrib_run(struct attrib *a, uint64_t peak_ns, struct stacks *st)
{
	struct run r = {};
	size_t i;
	int err;

	qsort(a->ev, a->n, sizeof(*a->ev), by_time);
	err = run_alloc(&r, a);
	for (i = 0; !err && i < a->n; i++)
		err = run_event(&r, i);
	for (i = 0; !err && i < a->n; i++) {
		const struct attrib_event *e = &a->ev[i];
		struct stack *s;

		if (e->kind > PROF_LAST_SAMPLE || e->stack >= st->n)
			continue;
		s = &st->v[e->stack];
		s->v[e->kind == PROF_FAULT ? STACK_FAULTED : STACK_KERNEL] +=
			e->weight;
		if (e->ts <= peak_ns && r.death[i] > peak_ns)
			s->v[STACK_PEAK] += e->weight;
	}
	run_free(&r);
	return err;
}
