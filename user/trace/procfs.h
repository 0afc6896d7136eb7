/* SPDX-License-Identifier: GPL-2.0 */
/* What /proc says about a process (no libbpf). */
#ifndef TM_PROCFS_H
#define TM_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Can pid be attached to? 0, or -ESRCH (no such process) / -EINVAL (a
 * kernel thread), with the reason in err.
 */
int procfs_check_target(pid_t pid, char *err, size_t errlen);

/*
 * Why an attach target was not found by the BPF task iterator: -ESRCH
 * when it has exited (or is a zombie), -EPERM when it runs but the kernel
 * did not show it to BPF; the sentence in err.
 */
int procfs_why_unseen(pid_t pid, char *err, size_t errlen);

/* Minor and major faults of the whole process; 0 or -errno. */
int procfs_faults(pid_t pid, uint64_t *minflt, uint64_t *majflt);

/* The parent's pid (0 for pid 1 and kernel threads); 0 or -errno. */
int procfs_ppid(pid_t pid, pid_t *ppid);

/* The kernel's peak RSS since the process started (VmHWM); 0 or -errno. */
int procfs_vmhwm(pid_t pid, uint64_t *bytes);

/*
 * The inode number of taskmem's PID namespace, 0 for the initial one;
 * 0 or -errno.
 */
int procfs_pid_ns(uint64_t *inum);

/*
 * Is /proc mounted for taskmem's PID namespace? Not after `unshare -pf`
 * without --mount-proc: /proc/PID is then some other process.
 */
bool procfs_is_own(void);

#endif /* TM_PROCFS_H */
