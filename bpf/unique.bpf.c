// SPDX-License-Identifier: GPL-2.0
/*
 * taskmem trace --exact-unique: follows the job's memory cgroup statistics
 * as the kernel changes them (the memcg tracepoints, Linux 6.14) and keeps
 * the peak of its unique memory with the breakdown at that exact moment.
 * Loaded only when asked for: these tracepoints fire for every cgroup of
 * the machine, about twelve times per 4 KiB page faulted in and freed
 * (docs/performance.md), so each handler
 * rejects what is not ours as early and as cheaply as it can: first the
 * item (compares against constants), then the cgroup (a few loads).
 *
 * The arithmetic is bpf/unique_events.h; this file only finds the event's
 * item and cgroup.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "unique_events.h"

char LICENSE[] SEC("license") = "GPL";

/* The job's cgroup (set before load): its id (kernfs node id, the inode
 * number of its directory) and its depth below the hierarchy's root. */
const volatile __u64 target_cgid = 0;
const volatile __s32 target_level = 0;
const volatile __u32 page_shift = 12;

/* The job's css, learned from the first event that matches the id. */
__u64 job_css = 0;
/* Events of cgroups more than MAX_BELOW levels below the job's. */
__u64 lost_too_deep = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct unique_exact_value);
} unique_state SEC(".maps");

/*
 * The kernel's index of each item, relocated at load (CO-RE): the enums
 * are renumbered whenever the kernel adds an item. Same order as enum
 * unique_item.
 */
static __always_inline void kernel_items(struct unique_kidx *k)
{
	k->idx[UNIQUE_ANON] = bpf_core_enum_value(enum node_stat_item,
						  NR_ANON_MAPPED);
	k->idx[UNIQUE_SHMEM] = bpf_core_enum_value(enum node_stat_item,
						   NR_SHMEM);
	k->idx[UNIQUE_FILE_MAPPED] = bpf_core_enum_value(enum node_stat_item,
							 NR_FILE_MAPPED);
	k->idx[UNIQUE_KERNEL_STACK] = bpf_core_enum_value(enum node_stat_item,
							  NR_KERNEL_STACK_KB);
	k->idx[UNIQUE_PAGETABLES] = bpf_core_enum_value(enum node_stat_item,
							NR_PAGETABLE);
	k->idx[UNIQUE_SLAB] = bpf_core_enum_value(enum node_stat_item,
						  NR_SLAB_UNRECLAIMABLE_B);
	k->idx[UNIQUE_PERCPU] = bpf_core_enum_value(enum memcg_stat_item,
						    MEMCG_PERCPU_B);
	k->idx[UNIQUE_SOCK] = bpf_core_enum_value(enum memcg_stat_item,
						  MEMCG_SOCK);
}

/* Deepest cgroup below the job's that is followed (a container's). */
#define MAX_BELOW 16

/*
 * The job's cgroup or one below it. Its css address, once an event of it
 * has matched the id, answers with one compare; any other cgroup costs
 * two loads (its level) and one per level it is below the job's: the
 * css's parent pointers, never a helper call. The address is only
 * compared, never followed. It stays the job's for the run: a cgroup made
 * for it is removed after the programs are detached, and a memcg is freed
 * only once nothing is charged to it any more; a followed cgroup that
 * someone removes during the run could, once freed, lend its address to
 * a new one, whose events would then count.
 */
static __always_inline bool in_job(struct mem_cgroup *memcg)
{
	struct cgroup_subsys_state *css = &memcg->css;
	int up, i;

	if ((__u64)css == job_css)
		return true;
	up = css->cgroup->level - target_level;
	if (up < 0)
		return false;
	for (i = 0; i < MAX_BELOW && up > 0; i++, up--)
		css = css->parent;
	if (up > 0) {
		__sync_fetch_and_add(&lost_too_deep, 1);
		return false;
	}
	if ((__u64)css == job_css)
		return true;
	if (job_css || !css || css->cgroup->kn->id != target_cgid)
		return false;
	job_css = (__u64)css;
	return true;
}

static __always_inline void on_stat(struct mem_cgroup *memcg, int kidx,
				    int pages)
{
	struct unique_exact_value *v;
	struct unique_kidx k;
	__u32 zero = 0;
	int item;

	kernel_items(&k);
	item = unique_item_of(kidx, &k);
	if (item < 0 || item >= UNIQUE_KERNEL_OTHER || !in_job(memcg))
		return;
	v = bpf_map_lookup_elem(&unique_state, &zero);
	if (!v)
		return;
	bpf_spin_lock(&v->lock);
	unique_exact_apply(&v->s, item, pages, page_shift);
	bpf_spin_unlock(&v->lock);
}

SEC("tp_btf/mod_memcg_lruvec_state")
int BPF_PROG(unique_lruvec, struct mem_cgroup *memcg, int item, int val)
{
	on_stat(memcg, item, val);
	return 0;
}

SEC("tp_btf/mod_memcg_state")
int BPF_PROG(unique_memcg, struct mem_cgroup *memcg, int item, int val)
{
	on_stat(memcg, item, val);
	return 0;
}
