/* SPDX-License-Identifier: GPL-2.0 */
/* What /proc says about a process (no libbpf). */
#ifndef TM_PROCFS_H
#define TM_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Can pid be attached to? 0, or -ESRCH (no such process) / -EINVAL (a
 * kernel thread), with the reason in err.
 */
int procfs_check_target(pid_t pid, char *err, size_t errlen);

/* Minor and major faults of the whole process; 0 or -errno. */
int procfs_faults(pid_t pid, uint64_t *minflt, uint64_t *majflt);

/* The kernel's peak RSS since the process started (VmHWM); 0 or -errno. */
int procfs_vmhwm(pid_t pid, uint64_t *bytes);

#endif /* TM_PROCFS_H */
