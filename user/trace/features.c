// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel feature probes, the way libbpf-tools' trace_helpers.c does them:
 * program types and helpers by loading tiny programs (libbpf_probe_*),
 * kfuncs and tracepoints by looking them up in the kernel's BTF.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "common/errors.h"
#include "trace/features.h"

enum probe_kind { PROG_TYPE, HELPER, BTF_FUNC, BTF_TYPEDEF };

struct feature {
	const char *name;	/* for TASKMEM_MISSING_FEATURE and messages */
	const char *since;	/* the Linux version that added it */
	const char *why;	/* what taskmem needs it for */
	enum probe_kind kind;
	int id;			/* program type or helper */
	const char *btf_name;	/* kfunc or tracepoint typedef */
};

static const struct feature required[] = {
	/* libbpf cannot probe tracing programs without a target: the kernel
	 * describes a tracepoint for tp_btf with a btf_trace_ typedef */
	{ "tp_btf", "5.5", "to attach to tracepoints with typed arguments",
	  BTF_TYPEDEF, 0, "btf_trace_sched_process_exec" },
	{ "syscall_prog", "5.14", "to calibrate per-CPU reads at load",
	  PROG_TYPE, BPF_PROG_TYPE_SYSCALL, NULL },
	{ "bpf_loop", "5.17", "to sum per-CPU counters",
	  HELPER, BPF_FUNC_loop, NULL },
	{ "bpf_map_lookup_percpu_elem", "5.19", "to find each CPU's data",
	  HELPER, BPF_FUNC_map_lookup_percpu_elem, NULL },
	{ "bpf_rdonly_cast", "6.2", "to read per-CPU counters exactly",
	  BTF_FUNC, 0, "bpf_rdonly_cast" },
	{ "rss_stat", "5.5", "to see every change of a process's RSS",
	  BTF_TYPEDEF, 0, "btf_trace_rss_stat" },
};

static const struct feature mmap_lock = {
	"mmap_lock_tracepoints", "5.10",
	"to see mmap, munmap, brk and mremap of memory never touched",
	BTF_TYPEDEF, 0, "btf_trace_mmap_lock_released"
};

static bool have(const struct feature *f, const struct btf *btf)
{
	const char *missing = getenv("TASKMEM_MISSING_FEATURE");

	if (missing && !strcmp(missing, f->name))
		return false;
	switch (f->kind) {
	case PROG_TYPE:
		return libbpf_probe_bpf_prog_type(f->id, NULL) == 1;
	case HELPER:
		return libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, f->id,
					       NULL) == 1;
	case BTF_FUNC:
		return btf && btf__find_by_name_kind(btf, f->btf_name,
						     BTF_KIND_FUNC) > 0;
	case BTF_TYPEDEF:
		return btf && btf__find_by_name_kind(btf, f->btf_name,
						     BTF_KIND_TYPEDEF) > 0;
	}
	return false;
}

/* The test hook names a feature, or nothing: a typo must not pass. */
static int check_hook(void)
{
	const char *missing = getenv("TASKMEM_MISSING_FEATURE");
	size_t i;

	if (!missing || !strcmp(missing, mmap_lock.name))
		return 0;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!strcmp(missing, required[i].name))
			return 0;
	tm_err("cannot use TASKMEM_MISSING_FEATURE '%s': not a feature "
	       "taskmem probes (see README)", missing);
	return -EINVAL;
}

int features_probe(struct tm_features *out)
{
	struct btf *btf;
	size_t i;
	int err = check_hook();

	if (err)
		return err;
	btf = btf__load_vmlinux_btf();

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		const struct feature *f = &required[i];

		if (have(f, btf))
			continue;
		tm_err("cannot trace on this kernel: it lacks %s (Linux %s), "
		       "which taskmem needs %s", f->name, f->since, f->why);
		err = -EOPNOTSUPP;
		break;
	}
	out->mmap_lock_tp = !err && have(&mmap_lock, btf);
	if (!err && !out->mmap_lock_tp)
		tm_err("cannot follow mmap, munmap, brk and mremap: this "
		       "kernel lacks %s (Linux %s); PEAK_VM is read at RSS "
		       "changes only", mmap_lock.name, mmap_lock.since);
	btf__free(btf);
	return err;
}
