/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workload's memory cgroup: made for a run (removed afterwards) or an
 * existing one followed as a whole (--cgroup PATH); its memory.stat read
 * into the items of bpf/unique.h, and the kernel's watermark. No libbpf:
 * every path starts at a sysroot ("" for the machine, a fixture tree in
 * the unit tests).
 */
#ifndef TM_CGROUP_H
#define TM_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "model/model.h"	/* struct cgroup_peaks */
#include "model/unique_mem.h"

struct memcg {
	int version;		/* 1 or 2; 0: none */
	bool created;		/* made for this run: removed at the end */
	char path[PATH_MAX];	/* the cgroup's directory */
	char home[PATH_MAX];	/* taskmem's own cgroup, where leftovers go */
	int stat_fd;		/* memory.stat, open while sampling; -1
				 * (may be given, opened as the user) */
	bool files_open;	/* the files below were opened */
	int kmem_fd;		/* v1 memory.kmem.usage_in_bytes; -1 */
	int usage_fd;		/* v1 memory.usage_in_bytes, v2 memory.current */
};

#define MEMCG_INIT { .stat_fd = -1, .kmem_fd = -1, .usage_fd = -1 }

/*
 * Make a cgroup for this run: cgroup v2 where its memory controller is
 * enabled (a child of taskmem's own cgroup, which must have it in
 * cgroup.subtree_control: the root, or a delegated one), else v1 (a child
 * of taskmem's own memory cgroup). 0, or -errno with why (one sentence).
 */
int memcg_create(struct memcg *c, const char *sysroot, char *why, size_t len);
/*
 * Follow an existing cgroup: PATH is its directory, or its path inside
 * the memory hierarchy (/system.slice/x.service). -EBUSY when taskmem
 * itself is in it or below it; 0 or -errno with why.
 */
int memcg_open(struct memcg *c, const char *sysroot, const char *path,
	       char *why, size_t len);
/* The memory cgroup pid is in, followed as by memcg_open(). */
int memcg_of_pid(struct memcg *c, const char *sysroot, pid_t pid,
		 char *why, size_t len);
/* Move pid into it; 0 or -errno. */
int memcg_enter(const struct memcg *c, pid_t pid);
/* The cgroup's id (its directory's inode: what BPF sees as the cgroup id). */
uint64_t memcg_id(const struct memcg *c);
/* The kernel's peak of everything charged (v1 max_usage, v2 peak). */
int memcg_watermark(const struct memcg *c, uint64_t *bytes);
/* The --cgroup-check figures: the watermark, and v1's kmem watermark. */
int memcg_peaks(const struct memcg *c, struct cgroup_peaks *p);
/*
 * One sample: memory.stat (and v1's kmem usage) into b, the charge now
 * into usage. Keeps the files open between calls. 0 or -errno.
 */
int memcg_sample(struct memcg *c, struct unique_breakdown *b,
		 uint64_t *usage);
/*
 * The processes in the cgroup and every cgroup below it, into pids (at
 * most max); the count, or -errno.
 */
int memcg_pids(const struct memcg *c, int *pids, int max);
/* Close the files; a cgroup we made: what still runs goes home, rmdir. */
void memcg_destroy(struct memcg *c);

/* Pure parsers, for the tests. */
/* memory.stat text of version v into b; -EINVAL if it is none. */
int memcg_parse_stat(const char *text, int version,
		     struct unique_breakdown *b);
/* A /proc/PID/cgroup line's path for v2 ("0::") or v1's memory; 0/-ENOENT. */
int memcg_parse_self(const char *text, int version, char *out, size_t len);
/* /proc/self/mountinfo: the mount point of v2, or of v1's memory; 0/-ENOENT. */
int memcg_parse_mount(const char *text, int version, char *out, size_t len);

#endif /* TM_CGROUP_H */
