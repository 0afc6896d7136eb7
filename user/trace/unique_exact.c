// SPDX-License-Identifier: GPL-2.0
/*
 * The event-exact way (taskmem trace --exact-unique), the glue of
 * bpf/unique.bpf.c: which cgroup to follow goes into the object's rodata
 * before load, the starting values into its one map entry before attach,
 * and the figures come back from that entry, read under the programs'
 * lock. Also picks the source for a run (unique_source_pick), since only
 * this file knows whether the kernel can give events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "common/errors.h"
#include "trace/features.h"
#include "trace/unique_exact.h"
#include "unique_events.h"
#include "unique.skel.h"

struct unique_state {
	struct unique_bpf *skel;
	struct memcg *cg;
	bool verbose;
};

const struct unique_source *unique_source_pick(const struct trace_opts *o)
{
	if (!o->exact_unique)
		return &unique_sampled;
	if (features_memcg_events())
		return &unique_exact;
	tm_err("cannot follow memory cgroup events: this kernel lacks the "
	       "memcg tracepoints (Linux 6.14); unique memory is sampled "
	       "instead");
	return &unique_sampled;
}

/*
 * The cgroup's depth below the root of its hierarchy: the directories
 * above it up to the hierarchy's mount point, where the file system
 * changes. (In a cgroup namespace, where the mount point is not the real
 * root, this is too shallow and no event matches: finish says so.)
 */
static int cgroup_level(const char *dir, int *level)
{
	char path[PATH_MAX];
	struct stat st, up;
	char *slash;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path) ||
	    stat(path, &st))
		return -ENOENT;
	for (*level = 0; *level < 4096; (*level)++) {
		slash = strrchr(path, '/');
		if (!slash || slash == path)
			return -ENOENT;
		*slash = '\0';
		if (stat(path, &up))
			return -errno;
		if (up.st_dev != st.st_dev)
			return 0;
	}
	return -ELOOP;
}

/* The figures so far, consistent: read under the programs' lock. */
static int read_state(const struct unique_state *st,
		      struct unique_exact_state *s)
{
	struct unique_exact_value v;
	__u32 zero = 0;

	if (bpf_map_lookup_elem_flags(bpf_map__fd(st->skel->maps.unique_state),
				      &zero, &v, BPF_F_LOCK))
		return -errno;
	*s = v.s;
	return 0;
}

/*
 * Start from seed: zeros for a cgroup made for the run, its memory.stat
 * for one that already holds memory. (Events between that read and the
 * attach are missed, or counted twice if they race with the read; and
 * v1's memory.stat does not split kernel memory, whose items then start
 * at zero and read as zero while below it.)
 */
static int seed_state(struct unique_state *st,
		      const struct unique_breakdown *seed)
{
	struct unique_exact_value v;
	__u32 zero = 0;
	int i;

	memset(&v, 0, sizeof(v));
	for (i = 0; i < UNIQUE_KERNEL_OTHER; i++)
		v.s.value[i] = (__s64)seed->item[i];
	unique_exact_now(&v.s, &v.s.at_peak);
	v.s.peak = unique_sum(&v.s.at_peak);
	return bpf_map_update_elem(bpf_map__fd(st->skel->maps.unique_state),
				   &zero, &v, BPF_ANY) ? -errno : 0;
}

static int load(struct unique_state *st, const struct unique_breakdown *seed,
		char *why, size_t len)
{
	int level = 0, err;

	err = cgroup_level(st->cg->path, &level);
	if (err) {
		snprintf(why, len, "cannot find the depth of cgroup %s: %s",
			 st->cg->path, strerror(-err));
		return err;
	}
	st->skel = unique_bpf__open();
	if (!st->skel) {
		err = -errno;
		snprintf(why, len, "cannot open the --exact-unique BPF object: "
			 "%s", strerror(-err));
		return err;
	}
	st->skel->rodata->target_cgid = memcg_id(st->cg);
	st->skel->rodata->target_level = level;
	st->skel->rodata->page_shift =
		__builtin_ctzl((unsigned long)sysconf(_SC_PAGESIZE));
	err = unique_bpf__load(st->skel);
	if (!err)
		err = seed_state(st, seed);
	if (err) {
		snprintf(why, len, "cannot load the --exact-unique BPF "
			 "programs: %s", strerror(-err));
		return err;
	}
	err = unique_bpf__attach(st->skel);
	if (err)
		snprintf(why, len, "cannot attach the --exact-unique BPF "
			 "programs: %s", strerror(-err));
	return err;
}

static void exact_close(struct unique_state *st)
{
	if (!st)
		return;
	unique_bpf__destroy(st->skel);
	free(st);
}

static int exact_start(struct unique_state **out, struct memcg *cg,
		       const struct trace_opts *o, struct unique_result *u,
		       char *why, size_t len)
{
	struct unique_state *st = calloc(1, sizeof(*st));
	struct unique_breakdown seed;
	uint64_t usage = 0;
	int err;

	if (!st)
		return -ENOMEM;
	st->cg = cg;
	st->verbose = o->verbose;
	memset(&seed, 0, sizeof(seed));
	if (!cg->created && (err = memcg_sample(cg, &seed, &usage))) {
		snprintf(why, len, "cannot read %s/memory.stat: %s", cg->path,
			 strerror(-err));
		exact_close(st);
		return err;
	}
	err = load(st, &seed, why, len);
	if (err) {
		exact_close(st);
		return err;
	}
	unique_offer_charged(u, usage);
	snprintf(u->source, sizeof(u->source), "memcg-v%d-events",
		 cg->version);
	u->sample_ms = 0;
	*out = st;
	return 0;
}

static __u64 recursion_misses(const struct bpf_program *prog)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 0;
	return info.recursion_misses;
}

static int exact_finish(struct unique_state *st, struct unique_result *u)
{
	struct unique_exact_state s;
	struct unique_breakdown b;
	uint64_t usage, lost;
	int err = read_state(st, &s);

	if (err) {
		unique_none(u, "cannot read the --exact-unique figures: %s",
			    strerror(-err));
		return err;
	}
	/* an idle cgroup, or a cgroup namespace that hides the real depth */
	if (!s.events && !st->cg->created)
		tm_err("--exact-unique: no memory change in %s while tracing: "
		       "its figures are those read when tracing started (in a "
		       "cgroup namespace, changes cannot be followed)",
		       st->cg->path);
	unique_offer(u, &s.at_peak);
	if (!st->cg->created && !memcg_sample(st->cg, &b, &usage))
		unique_offer_charged(u, usage);
	/*
	 * Events the programs did not see: the same program was already
	 * running on that CPU (an interrupt's memory change while it ran), or
	 * the cgroup was too deep. The kernel counts them for every cgroup of
	 * the machine (a busy one misses a few hundred a second, with empty
	 * programs too) and cannot say whose they were, so they are shown
	 * with -v only.
	 */
	lost = st->skel->bss->lost_too_deep +
	       recursion_misses(st->skel->progs.unique_lruvec) +
	       recursion_misses(st->skel->progs.unique_memcg);
	if (st->verbose)
		tm_err("--exact-unique: %llu changes applied to the job's "
		       "items; %llu memory cgroup events of the machine, of "
		       "any cgroup, were not seen", (unsigned long long)s.events,
		       (unsigned long long)lost);
	return 0;
}

const struct unique_source unique_exact = {
	.name = "events",
	.start = exact_start,
	.poll = NULL,
	.finish = exact_finish,
	.close = exact_close,
};
