// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "trace/procfs.h"

#define PF_KTHREAD 0x00200000UL

/* The fields of /proc/PID/stat after "(comm)", which may hold spaces. */
struct pstat {
	unsigned long flags;
	unsigned long minflt;
	unsigned long majflt;
};

static int read_stat(pid_t pid, struct pstat *st)
{
	char path[64], buf[1024], *p;
	int ok = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		ok = sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %lu %lu %*u %lu",
			    &st->flags, &st->minflt, &st->majflt) == 3;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

int procfs_check_target(pid_t pid, char *err, size_t errlen)
{
	struct pstat st;
	int ret;

	ret = read_stat(pid, &st);
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

int procfs_vmhwm(pid_t pid, uint64_t *bytes)
{
	char path[64], line[256];
	uint64_t kb;
	int ret = -ENOENT;
	FILE *f;

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
