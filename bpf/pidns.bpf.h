/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pids as taskmem's own PID namespace sees them: the pids the user gives
 * (-p), the root's pid from fork() and the pids in the report are all
 * numbers of that namespace, so the maps are keyed by them too. Every
 * process of a traced tree has one: a process's children live in its
 * namespace or one below it, and setns() can only go further down.
 */
#ifndef PIDNS_BPF_H
#define PIDNS_BPF_H

/* include/linux/pid_namespace.h */
#define MAX_PID_NS_LEVEL 32

/*
 * Inode number of taskmem's PID namespace, or 0 when that is the initial
 * one, where a pid is the kernel's own task->tgid; set before load.
 */
const volatile __u32 view_ns_inum = 0;
/* taskmem's own pid there: taskmem is never part of a traced tree */
const volatile __u32 self_tgid = 0;

static __always_inline struct pid *tgid_pid(struct task_struct *task)
{
	return BPF_CORE_READ(task, group_leader, thread_pid);
}

/* The number and namespace of pid at one level; 0 when there is none. */
static __always_inline __u32 pid_nr_at(struct pid *pid, __u32 level)
{
	struct upid up = {};

	if (!pid || level > MAX_PID_NS_LEVEL ||
	    BPF_CORE_READ(pid, level) < level ||
	    bpf_core_read(&up, sizeof(up), &pid->numbers[level]) || !up.ns ||
	    BPF_CORE_READ(up.ns, ns.inum) != view_ns_inum)
		return 0;
	return up.nr;
}

/*
 * The level of taskmem's namespace: a struct pid holds one number per
 * level, from the initial namespace (0) down to the task's own. Userspace
 * cannot tell its own level (NS_GET_PARENT stops at the caller's
 * namespace, and NSpid in /proc/self/status lists only the levels its
 * /proc shows), so calibrate_view_level() reads it once after load, from
 * taskmem's own pid, in the calibration program that taskmem's thread
 * runs; handlers then read one number of each pid. (Searched on each
 * event instead, every handler carried a loop over the 32 levels: 207k
 * verified instructions against 34k outside a namespace.) Until then it is
 * 0, the initial namespace's level, where no pid is in taskmem's.
 */
__u32 view_level = 0;

/* 0, or -1 when taskmem's own pid is not in its namespace (it always is). */
static __always_inline int calibrate_view_level(void)
{
	struct pid *pid = tgid_pid((void *)bpf_get_current_task());
	__u32 level = BPF_CORE_READ(pid, level);

	if (!view_ns_inum)
		return 0;
	if (level > MAX_PID_NS_LEVEL)
		return -1;
	view_level = level;
	return pid_nr_at(pid, level) == self_tgid ? 0 : -1;
}

/*
 * The thread group's pid in taskmem's namespace, or 0 when the task is
 * not in it or below it. Works on any task pointer (reads through
 * bpf_core_read), so also on a walk up real_parent.
 */
static __always_inline __u32 view_tgid_of(struct task_struct *task)
{
	if (!view_ns_inum)
		return BPF_CORE_READ(task, tgid);
	return pid_nr_at(tgid_pid(task), *(volatile __u32 *)&view_level);
}

/* The same for a trusted task: the common case is one plain load. */
static __always_inline __u32 view_tgid(struct task_struct *task)
{
	if (!view_ns_inum)
		return task->tgid;
	return view_tgid_of(task);
}

/* The current thread group's pid in taskmem's namespace. */
static __always_inline __u32 view_current_tgid(void)
{
	if (!view_ns_inum)
		return bpf_get_current_pid_tgid() >> 32;
	return view_tgid_of(bpf_get_current_task_btf());
}

#endif /* PIDNS_BPF_H */
