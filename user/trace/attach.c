// SPDX-License-Identifier: GPL-2.0
/* taskmem trace -p: attach to processes that already run. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "taskmem.h"
#include "taskmem.skel.h"
#include "common/asuser.h"
#include "common/errors.h"
#include "trace/procfs.h"
#include "trace/session.h"

int attach_check_targets(const struct trace_opts *o)
{
	char why[128];
	int i;

	for (i = 0; i < o->npids; i++) {
		if (o->pids[i] == getpid()) {
			tm_err("cannot attach to pid %d: that is taskmem itself",
			       o->pids[i]);
			return -EINVAL;
		}
		if (procfs_check_target(o->pids[i], why, sizeof(why))) {
			tm_err("cannot attach to pid %d: %s", o->pids[i], why);
			return -EINVAL;
		}
		/* through sudo: only what the user could inspect anyway */
		if (asuser_get() && asuser_may_inspect(o->pids[i])) {
			tm_err("cannot attach to pid %d: %s may not inspect it "
			       "(taskmem was started through sudo; the kernel's "
			       "ptrace read check decides)", o->pids[i],
			       asuser_get()->name);
			return -EPERM;
		}
	}
	return 0;
}

/* Run the task iterator: it seeds every target and its descendants. */
static int run_seed_iterator(struct tracer *t)
{
	struct bpf_link *link;
	char buf[64];
	int fd, err = 0;
	ssize_t n;

	link = bpf_program__attach_iter(t->skel->progs.seed_targets, NULL);
	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		err = -errno;
	close(fd);
out:
	bpf_link__destroy(link);
	return err;
}

/* The kernel's VmHWM of every seeded process: its peak before attach. */
static void note_vmhwm(struct tracer *t)
{
	int pfd = bpf_map__fd(t->skel->maps.procs);
	__u32 pid, *prev = NULL;
	uint64_t bytes;

	while (!bpf_map_get_next_key(pfd, prev, &pid)) {
		prev = &pid;
		if (!procfs_vmhwm(pid, &bytes))
			model_set_vmhwm(&t->report, pid, bytes);
	}
}

int attach_seed(struct tracer *t, const struct trace_opts *o)
{
	int tfd = bpf_map__fd(t->skel->maps.targets);
	int pfd = bpf_map__fd(t->skel->maps.procs);
	struct proc_info pi;
	__u8 one = 1;
	int i, err, found = 0;

	for (i = 0; i < o->npids; i++) {
		__u32 pid = o->pids[i];

		if (bpf_map_update_elem(tfd, &pid, &one, BPF_ANY))
			return -errno;
	}
	t->t0_ns = tracer_now_ns();
	t->report.t0_ns = t->t0_ns;
	err = run_seed_iterator(t);
	if (err) {
		tm_err("cannot seed the running processes: %s", strerror(-err));
		return err;
	}
	for (i = 0; i < o->npids; i++) {
		__u32 pid = o->pids[i];

		if (!bpf_map_lookup_elem(pfd, &pid, &pi))
			found++;
		else
			tm_err("pid %d exited while taskmem attached: "
			       "not traced", o->pids[i]);
	}
	note_vmhwm(t);
	return found ? 0 : -ESRCH;
}
