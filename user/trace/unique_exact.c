// SPDX-License-Identifier: GPL-2.0
/*
 * The glue of bpf/unique.bpf.c (taskmem trace --exact-unique): which
 * cgroup to follow goes into the object's rodata before load, the starting
 * values into its one map entry before attach, and the figures come back
 * from that entry read under the programs' lock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "common/errors.h"
#include "trace/unique_exact.h"
#include "unique_events.h"
#include "unique.skel.h"

struct unique_exact {
	struct unique_bpf *skel;
};

bool unique_exact_supported(void)
{
	const char *missing = getenv("TASKMEM_MISSING_FEATURE");
	struct btf *btf;
	bool ok;

	if (missing && !strcmp(missing, "memcg_tracepoints"))
		return false;
	btf = btf__load_vmlinux_btf();
	ok = btf &&
	     btf__find_by_name_kind(btf, "btf_trace_mod_memcg_lruvec_state",
				    BTF_KIND_TYPEDEF) > 0 &&
	     btf__find_by_name_kind(btf, "btf_trace_mod_memcg_state",
				    BTF_KIND_TYPEDEF) > 0;
	btf__free(btf);
	return ok;
}

/*
 * The cgroup's id is its kernfs node's, which is the inode number of its
 * directory on 64-bit machines; its level is its depth below the root.
 */
static int cgroup_ident(const char *root, const char *dir, __u64 *id,
			int *level)
{
	size_t n = strlen(root);
	const char *p;
	struct stat st;

	if (strncmp(dir, root, n) || (dir[n] && dir[n] != '/'))
		return -EINVAL;
	if (stat(dir, &st))
		return -errno;
	*id = st.st_ino;
	*level = 0;
	for (p = dir + n; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			(*level)++;
	return 0;
}

static int seed_state(struct unique_bpf *skel,
		      const struct unique_breakdown *seed)
{
	struct unique_exact_value v;
	__u32 zero = 0;
	int i;

	memset(&v, 0, sizeof(v));
	for (i = 0; seed && i < UNIQUE_NR_ITEMS; i++)
		v.s.value[i] = (__s64)seed->item[i];
	unique_exact_now(&v.s, &v.s.at_peak);
	v.s.peak = unique_sum(&v.s.at_peak);
	return bpf_map_update_elem(bpf_map__fd(skel->maps.unique_state), &zero,
				   &v, BPF_ANY) ? -errno : 0;
}

int unique_exact_start(struct unique_exact **out, const char *root,
		       const char *dir, const struct unique_breakdown *seed,
		       long page_size)
{
	struct unique_exact *u;
	__u64 id = 0;
	int level = 0, err;

	*out = NULL;
	err = cgroup_ident(root, dir, &id, &level);
	if (err) {
		tm_err("cannot follow cgroup '%s': %s", dir, strerror(-err));
		return err;
	}
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	*out = u;
	u->skel = unique_bpf__open();
	if (!u->skel) {
		err = -errno;
		tm_err("cannot open the --exact-unique BPF object: %s",
		       strerror(-err));
		return err;
	}
	u->skel->rodata->target_cgid = id;
	u->skel->rodata->target_level = level;
	u->skel->rodata->page_shift = __builtin_ctzl(page_size);
	err = unique_bpf__load(u->skel);
	if (!err)
		err = seed_state(u->skel, seed);
	if (err) {
		tm_err("cannot load the --exact-unique BPF programs: %s",
		       strerror(-err));
		return err;
	}
	err = unique_bpf__attach(u->skel);
	if (err)
		tm_err("cannot attach the --exact-unique BPF programs: %s",
		       strerror(-err));
	return err;
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

int unique_exact_read(const struct unique_exact *u,
		      struct unique_exact_result *r)
{
	struct unique_exact_value v;
	__u32 zero = 0;

	memset(r, 0, sizeof(*r));
	if (bpf_map_lookup_elem_flags(bpf_map__fd(u->skel->maps.unique_state),
				      &zero, &v, BPF_F_LOCK))
		return -errno;
	r->peak = v.s.peak;
	r->at_peak = v.s.at_peak;
	unique_exact_now(&v.s, &r->now);
	r->events = v.s.events;
	r->clamped = v.s.clamped;
	r->lost = u->skel->bss->lost_too_deep +
		  recursion_misses(u->skel->progs.unique_lruvec) +
		  recursion_misses(u->skel->progs.unique_memcg);
	return 0;
}

void unique_exact_free(struct unique_exact *u)
{
	if (!u)
		return;
	unique_bpf__destroy(u->skel);
	free(u);
}
