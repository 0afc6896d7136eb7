/* SPDX-License-Identifier: GPL-2.0 */
/* Who the workload runs as: --user, --as-root, or sudo's invoking user. */
#ifndef TM_CREDS_H
#define TM_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Who the workload runs as (run through sudo: the invoking user). */
struct launch_cred {
	bool drop;	/* false: keep taskmem's (root) */
	uid_t uid;
	gid_t gid;
	char user[64];
	char home[256];
	/*
	 * The user's groups, looked up here: the workload's process must not
	 * load NSS modules between fork and exec, or the kernel's max RSS of
	 * it (wait4) counts them. -1: too many, the child looks them up.
	 */
	int ngroups;
	gid_t groups[256];
};

/*
 * Fill c from --user NAME (user), --as-root (as_root) or SUDO_UID and
 * SUDO_GID. 0, or -EINVAL (bad input) or -EPERM (through sudo, --as-root
 * or another user than the one behind sudo) with the reason in err.
 */
int creds_resolve(const char *user, int as_root, struct launch_cred *c,
		  char *err, size_t errlen);

#endif /* TM_CREDS_H */
