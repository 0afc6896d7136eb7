// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "trace/procfs.h"

/* include/linux/proc_ns.h: the initial PID namespace's fixed inode */
#define PROC_PID_INIT_INO 0xEFFFFFFCU

#define PF_KTHREAD 0x00200000UL

/* The fields of /proc/PID/stat after "(comm)", which may hold spaces. */
struct pstat {
	char state;
	int ppid;
	unsigned long flags;
	unsigned long minflt;
	unsigned long majflt;
};

static int read_stat(pid_t pid, struct pstat *st)
{
	char path[64], buf[1024], *p;
	int ok = 0;
	FILE *f;

	if (!procfs_is_own())
		return -ENXIO;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		ok = sscanf(p + 2, "%c %d %*d %*d %*d %*d %lu %lu %*u %lu",
			    &st->state, &st->ppid, &st->flags, &st->minflt,
			    &st->majflt) == 5;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

int procfs_check_target(pid_t pid, char *err, size_t errlen)
{
	struct pstat st;
	int ret;

	ret = read_stat(pid, &st);
	if (ret == -ENXIO) {
		snprintf(err, errlen, "/proc is not mounted for taskmem's pid "
			 "namespace, so pid %d cannot be checked (mount it, as "
			 "unshare --mount-proc does)", (int)pid);
		return ret;
	}
	if (ret == -ENOENT) {
		snprintf(err, errlen, "no process with pid %d", (int)pid);
		return -ESRCH;
	}
	if (ret) {
		snprintf(err, errlen, "cannot read /proc/%d/stat: %s", (int)pid,
			 strerror(-ret));
		return ret;
	}
	if (st.flags & PF_KTHREAD) {
		snprintf(err, errlen,
			 "pid %d is a kernel thread: it has no user memory",
			 (int)pid);
		return -EINVAL;
	}
	return 0;
}

int procfs_why_unseen(pid_t pid, char *err, size_t errlen)
{
	char path[64], exe[16];
	struct pstat st;

	if (read_stat(pid, &st) || st.state == 'Z' || st.state == 'X') {
		snprintf(err, errlen, "pid %d exited while taskmem attached",
			 (int)pid);
		return -ESRCH;
	}
	/* the kernel may shield a process even from root (an LSM, a sandbox) */
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (readlink(path, exe, sizeof(exe)) < 0 &&
	    (errno == EACCES || errno == EPERM)) {
		snprintf(err, errlen,
			 "it runs, but the kernel hides it from BPF (its task "
			 "iterator did not return it) and denies reading %s "
			 "even to root", path);
		return -EPERM;
	}
	snprintf(err, errlen,
		 "it runs, but the kernel's BPF task iterator did not return it");
	return -EPERM;
}

int procfs_faults(pid_t pid, uint64_t *minflt, uint64_t *majflt)
{
	struct pstat st;
	int ret = read_stat(pid, &st);

	if (ret)
		return ret;
	*minflt = st.minflt;
	*majflt = st.majflt;
	return 0;
}

int procfs_ppid(pid_t pid, pid_t *ppid)
{
	struct pstat st;
	int ret = read_stat(pid, &st);

	if (!ret)
		*ppid = st.ppid;
	return ret;
}

int procfs_vmhwm(pid_t pid, uint64_t *bytes)
{
	char path[64], line[256];
	uint64_t kb;
	int ret = -ENOENT;
	FILE *f;

	if (!procfs_is_own())
		return -ENXIO;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmHWM: %" SCNu64 " kB", &kb) == 1) {
			*bytes = kb * 1024;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

int procfs_pid_ns(uint64_t *inum)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st))
		return -errno;
	*inum = st.st_ino == PROC_PID_INIT_INO ? 0 : st.st_ino;
	return 0;
}

bool procfs_is_own(void)
{
	/* pid namespaces do not change under a running process */
	static int own = -1;
	char buf[32];
	ssize_t n;

	if (own >= 0)
		return own;
	n = readlink("/proc/self", buf, sizeof(buf) - 1);
	if (n > 0)
		buf[n] = '\0';
	own = n > 0 && strtol(buf, NULL, 10) == (long)getpid();
	return own;
}
