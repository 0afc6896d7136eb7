/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The privilege boundary: paths a user names are reached with that user's
 * permissions. taskmem runs as root to load BPF; started through sudo
 * (SUDO_UID set and not 0, taskmem root), every file the user names
 * (outputs, inputs, the temporary file and rename of an atomic write,
 * cgroup paths, symbol files...) is opened by a short-lived child process
 * that has become that user (uid, gid, groups; no capabilities) and hands
 * the descriptor back. The kernel's own checks then decide: a symlink leads
 * only where the user could go, a root-only file stays closed, and
 * /dev/stdout or a process substitution keep working. A child rather than
 * setfsuid() in taskmem: capabilities other than the file ones (ptrace)
 * would stay, and glibc's setgroups() is process-wide.
 *
 * Not through sudo, every operation runs in taskmem itself.
 */
#ifndef TM_ASUSER_H
#define TM_ASUSER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define ASUSER_MAX_GROUPS 256

/* The user behind sudo. */
struct asuser {
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[ASUSER_MAX_GROUPS];
	char name[64];
	char home[256];
};

/*
 * Who is behind sudo, from SUDO_UID and SUDO_GID: 1 with *u filled, 0
 * when taskmem was not started through sudo by another user (no SUDO_UID,
 * SUDO_UID 0, or taskmem not root), -EINVAL with the reason in err.
 */
int asuser_from_env(struct asuser *u, char *err, size_t errlen);

/* asuser_from_env() once, for the whole process; 0 or -EINVAL. */
int asuser_init(char *err, size_t errlen);
/* The user every user-named path is opened as; NULL: taskmem's own. */
const struct asuser *asuser_get(void);
/* Set (or with NULL clear) that user: asuser_init() without the env. */
void asuser_set(const struct asuser *u);

/*
 * Run op(arg) as the user: in a child that has become the user, or here
 * when there is none. op returns >= 0 or -errno; with gives_fd its
 * non-negative result is a descriptor, passed back and returned as one of
 * this process. The child's writes to memory are lost: results come back
 * only through the return value and the fd.
 */
int asuser_call(int (*op)(void *arg), void *arg, bool gives_fd);

/* open(2) as the user: a descriptor, or -errno. THE way to open a path
 * a user named. */
int asuser_open(const char *path, int flags, mode_t mode);
/* The path's file type (S_IFREG...) as lstat(2) sees it for the user. */
int asuser_file_type(const char *path);
int asuser_rename(const char *from, const char *to);
int asuser_unlink(const char *path);
int asuser_mkdir(const char *path, mode_t mode);
int asuser_rmdir(const char *path);
/* Give the open, unnamed (O_TMPFILE) file fd the name path. */
int asuser_link_fd(int fd, const char *path);

/*
 * 0 when the user may read pid's memory details (the kernel's ptrace read
 * check, as for /proc/PID/environ), else -errno (-EACCES, -ESRCH).
 */
int asuser_may_inspect(pid_t pid);

/*
 * After a failure with err (-errno) on a user-named path: a sentence that
 * says whose permissions applied, or "" when that is not why.
 */
const char *asuser_hint(int err);

#endif /* TM_ASUSER_H */
