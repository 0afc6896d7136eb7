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
 * The level of taskmem's namespace, once found (0: not yet; the initial
 * namespace needs no search). Every writer stores the same value.
 */
__u32 view_level_found = 0;

/*
 * The level of taskmem's namespace, found from a task in it or below it;
 * -1 for a task outside. A struct pid holds one number per level, from
 * the initial namespace (0) down to the task's own. Userspace cannot
 * tell its own level (NS_GET_PARENT stops at the caller's namespace), so
 * the first task searches upwards from its own level, usually taskmem's,
 * and the level is kept. Read back from memory, the result is one
 * unknown number to the verifier, not one state per level.
 */
static __always_inline int view_level_of(struct pid *pid)
{
	int i, level;

	if (*(volatile __u32 *)&view_level_found)
		return *(volatile __u32 *)&view_level_found;
	if (!pid)
		return -1;
	level = BPF_CORE_READ(pid, level);
	for (i = MAX_PID_NS_LEVEL; i > 0; i--) {
		struct upid up = {};

		if (i > level)
			continue;
		if (bpf_core_read(&up, sizeof(up), &pid->numbers[i]) || !up.ns)
			return -1;
		if (BPF_CORE_READ(up.ns, ns.inum) == view_ns_inum) {
			view_level_found = i;
			return *(volatile __u32 *)&view_level_found;
		}
	}
	return -1;
}

/*
 * The thread group's pid in taskmem's namespace, or 0 when the task is
 * not in it or below it. Works on any task pointer (reads through
 * bpf_core_read), so also on a walk up real_parent.
 */
static __always_inline __u32 view_tgid_of(struct task_struct *task)
{
	struct pid *pid;
	int level;

	if (!view_ns_inum)
		return BPF_CORE_READ(task, tgid);
	pid = tgid_pid(task);
	level = view_level_of(pid);
	return level < 0 ? 0 : pid_nr_at(pid, level);
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
