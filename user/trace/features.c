// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel feature probes, the way libbpf-tools' trace_helpers.c does them:
 * program types and helpers by loading tiny programs (libbpf_probe_*),
 * kfuncs and tracepoints by looking them up in the kernel's BTF. The BTF
 * is scanned raw (btf_scan.c), not parsed with libbpf: the load parses it
 * once more anyway, and a parse here cost 10 to 20 ms of start-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include "common/errors.h"
#include "trace/btf_scan.h"
#include "trace/features.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

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

/* --exact-unique only: without it, unique memory is sampled */
static const struct feature memcg_events = {
	"memcg_tracepoints", "6.14",
	"to follow a memory cgroup's statistics at every change",
	BTF_TYPEDEF, 0, "btf_trace_mod_memcg_lruvec_state"
};

/* The kernel's BTF, mapped (Linux 6.16+ can) or read. */
struct raw_btf {
	void *data;
	size_t size;
	bool mapped;
};

static void raw_btf_free(struct raw_btf *b)
{
	if (b->mapped)
		munmap(b->data, b->size);
	else
		free(b->data);
	b->data = NULL;
}

/* 0, or -errno; a kernel whose BTF cannot be read has no typed features. */
static int raw_btf_load(struct raw_btf *b)
{
	int fd = open(VMLINUX_BTF, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;
	ssize_t n = 0;
	int err = 0;

	b->data = NULL;
	b->mapped = false;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_size <= 0) {
		err = -EINVAL;
		goto out;
	}
	b->size = st.st_size;
	b->data = mmap(NULL, b->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (b->data != MAP_FAILED) {
		b->mapped = true;
		goto out;
	}
	b->data = malloc(b->size);
	if (!b->data) {
		err = -ENOMEM;
		goto out;
	}
	/* sysfs hands out a page per read */
	while (got < b->size && (n = read(fd, (char *)b->data + got,
					   b->size - got)) > 0)
		got += n;
	if (got < b->size) {
		err = n < 0 ? -errno : -EIO;
		raw_btf_free(b);
	}
out:
	close(fd);
	return err;
}

static bool btf_has(const struct raw_btf *b, const char *name, int kind)
{
	return b->data && btf_scan_find(b->data, b->size, name, kind) > 0;
}

static bool have(const struct feature *f, const struct raw_btf *btf)
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
		return btf_has(btf, f->btf_name, BTF_KIND_FUNC);
	case BTF_TYPEDEF:
		return btf_has(btf, f->btf_name, BTF_KIND_TYPEDEF);
	}
	return false;
}

/* The test hook names a feature, or nothing: a typo must not pass. */
static int check_hook(void)
{
	const char *missing = getenv("TASKMEM_MISSING_FEATURE");
	size_t i;

	if (!missing || !strcmp(missing, mmap_lock.name) ||
	    !strcmp(missing, memcg_events.name))
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
	struct raw_btf btf;
	size_t i;
	int err = check_hook();

	if (err)
		return err;
	raw_btf_load(&btf);

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		const struct feature *f = &required[i];

		if (have(f, &btf))
			continue;
		tm_err("cannot trace on this kernel: it lacks %s (Linux %s), "
		       "which taskmem needs %s", f->name, f->since, f->why);
		err = -EOPNOTSUPP;
		break;
	}
	out->mmap_lock_tp = !err && have(&mmap_lock, &btf);
	if (!err && !out->mmap_lock_tp)
		tm_err("cannot follow mmap, munmap, brk and mremap: this "
		       "kernel lacks %s (Linux %s); PEAK_VM is read at RSS "
		       "changes only", mmap_lock.name, mmap_lock.since);
	raw_btf_free(&btf);
	return err;
}

bool features_memcg_events(void)
{
	struct raw_btf btf;
	bool ok;

	raw_btf_load(&btf);
	/* both tracepoints came in one change (Linux 6.14) */
	ok = have(&memcg_events, &btf) &&
	     btf_has(&btf, "btf_trace_mod_memcg_state", BTF_KIND_TYPEDEF);
	raw_btf_free(&btf);
	return ok;
}
