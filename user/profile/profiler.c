// SPDX-License-Identifier: GPL-2.0
/* The libbpf glue of memory attribution (see profiler.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "taskmem.h"
#include "profile.h"
#include "taskmem.skel.h"
#include "common/errors.h"
#include "model/attrib.h"
#include "model/stacks.h"
#include "output/file.h"
#include "output/pprof.h"
#include "profile/profiler.h"
#include "profile/unwind.h"

static const char *const leaf_thread = "[kernel] thread: stack and task_struct";
static const char *const leaf_pgtable = "[kernel] page tables";
static const char *const leaf_process =
	"[kernel] process: task, stack, mm, signal, files";

struct profiler {
	struct taskmem_bpf *skel;	/* the tracer's */
	struct unwinder *unw;
	struct stacks stacks;
	struct attrib attrib;
	struct output pprof, folded, flame;
	const struct trace_opts *o;
	uint64_t start_wall_ns;
	bool nomem;
};

int profiler_open(struct profiler **out, const struct trace_opts *o,
		  const struct launch_cred *cred, const char **what)
{
	struct profiler *p;
	struct timespec ts;
	int err = 0;

	*out = NULL;
	if (!o->profile && !o->folded && !o->flame)
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	*out = p;
	p->o = o;
	clock_gettime(CLOCK_REALTIME, &ts);
	p->start_wall_ns = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	p->unw = unwind_new();
	if (!p->unw)
		return -ENOMEM;
	if (o->profile && (err = output_open(&p->pprof, o->profile, NULL, cred)))
		*what = o->profile;
	else if (o->folded &&
		 (err = output_open(&p->folded, o->folded, NULL, cred)))
		*what = o->folded;
	else if (o->flame && (err = output_open(&p->flame, o->flame, NULL, cred)))
		*what = o->flame;
	return err;
}

void profiler_configure(struct profiler *p, struct taskmem_bpf *skel,
			const struct kobj_sizes *k)
{
	__u64 thread = k->task_struct + k->kstack;

	if (!p) {
		bpf_program__set_autoload(skel->progs.prof_newtask, false);
		bpf_program__set_autoload(skel->progs.prof_exit, false);
		bpf_program__set_autoload(skel->progs.prof_exec, false);
		bpf_program__set_autoload(skel->progs.prof_sys_exit, false);
		return;
	}
	p->skel = skel;
	skel->rodata->thread_bytes = thread;
	skel->rodata->process_bytes = thread + k->proc + k->mm;
	skel->rodata->nr_mmap = SYS_mmap;
	skel->rodata->nr_munmap = SYS_munmap;
	skel->rodata->nr_brk = SYS_brk;
	skel->rodata->nr_mremap = SYS_mremap;
	skel->rodata->nr_madvise = SYS_madvise;
	bpf_map__set_max_entries(skel->maps.prof_tasks, PROF_MAX_TASKS);
}

static void add_note(struct profiler *p, const struct prof_note *n,
		     uint32_t stack, uint64_t weight)
{
	struct attrib_event e = {
		.ts = n->ts, .kind = n->kind, .pid = n->pid, .tid = n->tid,
		.stack = stack, .mm = n->mm, .addr = n->addr, .end = n->end,
		.addr2 = n->addr2, .end2 = n->end2, .weight = weight,
	};

	if (attrib_add(&p->attrib, &e))
		p->nomem = true;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct profiler *p = ctx;
	const struct prof_sample *s = data;
	const char *leaf = NULL;
	uint32_t stack;

	if (size < sizeof(struct prof_note))
		return 0;
	if (s->h.kind > PROF_LAST_SAMPLE) {
		add_note(p, data, 0, 0);
		return 0;
	}
	if (size < sizeof(*s))
		return 0;
	if (s->h.pad & PROF_FIRST)
		unwind_capture(p->unw, s->h.pid, s->ppid);
	if (s->h.kind == PROF_THREAD)
		leaf = leaf_thread;
	else if (s->h.kind == PROF_PROCESS)
		leaf = leaf_process;
	stack = unwind_sample(p->unw, s, leaf, &p->stacks);
	if (stack == UINT32_MAX) {
		p->nomem = true;
		return 0;
	}
	add_note(p, &s->h, stack, s->weight);
	if (s->h.kind == PROF_FAULT && s->pgtables) {
		struct prof_note pgt = s->h;

		/* the same stack, unwound once, under the page-table leaf */
		pgt.kind = PROF_PGTABLE;
		stack = stacks_with_leaf(&p->stacks, stack, leaf_pgtable);
		if (stack == UINT32_MAX)
			p->nomem = true;
		else
			add_note(p, &pgt, stack, s->pgtables);
	}
	return 0;
}

int profiler_add_events(struct profiler *p, struct ring_buffer *rb)
{
	return ring_buffer__add(rb, bpf_map__fd(p->skel->maps.prof_events),
			       on_event, p);
}

static int write_one(struct output *out, const char *path, int err)
{
	if (!err)
		err = output_commit(out);
	if (err)
		tm_err("cannot write '%s': %s", path, output_strerror(err));
	return err;
}

int profiler_finish(struct profiler *p, uint64_t peak_ns)
{
	struct prof_stats st = {};
	__u32 zero = 0;
	int err = 0;

	bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.prof_counters), &zero, &st);
	if (st.lost_samples || st.lost_notes || st.lost_tasks)
		tm_err("memory profile: %llu samples and %llu notes lost "
		       "(ring buffer full), %llu tasks not followed (map full)",
		       (unsigned long long)st.lost_samples,
		       (unsigned long long)st.lost_notes,
		       (unsigned long long)st.lost_tasks);
	if (p->o->verbose)
		fprintf(stderr, "taskmem: memory profile: %llu samples kept; "
			"%llu more fell on RSS growth without a page fault "
			"(dropped)\n",
			(unsigned long long)st.samples,
			(unsigned long long)st.no_fault);
	if (p->nomem || attrib_run(&p->attrib, peak_ns, &p->stacks)) {
		tm_err("cannot attribute memory: out of memory");
		return -ENOMEM;
	}
	if (p->o->profile)
		err |= write_one(&p->pprof, p->o->profile,
				 pprof_write(p->pprof.f, &p->stacks,
					     p->o->sample_bytes,
					     p->start_wall_ns));
	if (p->o->folded)
		err |= write_one(&p->folded, p->o->folded,
				 folded_write(p->folded.f, &p->stacks));
	if (p->o->flame)
		err |= write_one(&p->flame, p->o->flame,
				 flame_write(p->flame.f, &p->stacks,
					     "Memory held at the peak"));
	return err ? -EIO : 0;
}

void profiler_free(struct profiler *p)
{
	if (!p)
		return;
	output_abort(&p->pprof);
	output_abort(&p->folded);
	output_abort(&p->flame);
	unwind_free(p->unw);
	stacks_free(&p->stacks);
	attrib_free(&p->attrib);
	free(p);
}
