/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --cgroup-check: run the workload in a fresh memory cgroup and read the
 * kernel's own peak, to set beside taskmem's footprint.
 */
#ifndef TM_CGROUP_H
#define TM_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "model/model.h"	/* struct cgroup_peaks */

struct cgroup_check {
	int version;		/* 1 or 2; 0 when not set up */
	char root[128];		/* mount point of the memory hierarchy */
	char path[192];		/* the workload's cgroup */
};

/* Find the memory hierarchy and make a cgroup for this run; 0 or -errno. */
int cgroup_create(struct cgroup_check *c);
/* Move pid into it; 0 or -errno. */
int cgroup_enter(const struct cgroup_check *c, pid_t pid);
/* Read the kernel's peaks; 0 or -errno. */
int cgroup_read(const struct cgroup_check *c, struct cgroup_peaks *p);
/* Move what still runs back to the root and remove the cgroup. */
void cgroup_destroy(struct cgroup_check *c);

#endif /* TM_CGROUP_H */
