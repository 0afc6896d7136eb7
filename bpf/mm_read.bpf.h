/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel reads: an mm's counters, sizes and page tables, and the CO-RE
 * fallbacks they need. What is done with the values is accounting.h's.
 *
 * The includer defines, before including it: nr_cpus (rodata), the
 * cpu_anchor per-CPU array map, cpu_off[TM_MAX_CPUS], cpu_off_ready and
 * number_slot (a scratch word, see as_number).
 */
#ifndef MM_READ_BPF_H
#define MM_READ_BPF_H

/* Spill a pointer to memory and load it back: the verifier then sees a number. */
static __always_inline __u64 as_number(void *ptr)
{
	*(volatile __u64 *)&number_slot = (__u64)ptr;
	return *(volatile __u64 *)&number_slot;
}

/*
 * Where each CPU's copy of per-CPU data lives: its address is the __percpu
 * pointer plus cpu_off[cpu]. The kernel's own table (__per_cpu_offset) is
 * not reachable without CONFIG_KALLSYMS_ALL, so it is derived from a
 * per-CPU array map: the address of CPU c's element minus the map's
 * __percpu pointer. Reading pointers as numbers needs CAP_PERFMON.
 */
static __always_inline bool load_cpu_offsets(void)
{
	__u64 base = 0, arr;
	__u32 zero = 0, cpu;

	/* the map's address as a number: arithmetic on map pointers is refused */
	arr = as_number(&cpu_anchor) +
	      bpf_core_field_offset(struct bpf_array, pptrs);
	if (bpf_probe_read_kernel(&base, sizeof(base), (void *)arr) || !base)
		return false;
	for (cpu = 0; cpu < TM_MAX_CPUS; cpu++) {
		void *elem;

		if (cpu >= nr_cpus)
			break;
		elem = bpf_map_lookup_percpu_elem(&cpu_anchor, &zero, cpu);
		if (!elem)
			return false;
		cpu_off[cpu] = as_number(elem) - base;
	}
	cpu_off_ready = true;
	return true;
}

/*
 * The exact value of a percpu_counter: the shared count plus every CPU's
 * pending delta. percpu_counter_read() alone can lag by up to
 * batch * nr_cpus pages, too much for exact peaks on large machines.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/*
 * A CPU's s32 delta, read through an untrusted typed pointer: a plain
 * load guarded by the exception table, far cheaper than a probe_read
 * helper call. refcount_struct is just a named struct holding an int.
 */
static __always_inline __s32 cpu_delta(__u64 addr)
{
	struct refcount_struct *d;

	d = bpf_rdonly_cast((void *)addr,
			    bpf_core_type_id_kernel(struct refcount_struct));
	return d->refs.counter;
}

static __always_inline __s64 counter_sum(struct percpu_counter *pc)
{
	__s64 sum = pc->count;
	__u64 deltas = (__u64)pc->counters;
	__u32 cpu;

	if (!cpu_off_ready && !load_cpu_offsets())
		return sum > 0 ? sum : 0;
	for (cpu = 0; cpu < TM_MAX_CPUS; cpu++) {
		if (cpu >= nr_cpus)
			break;
		sum += cpu_delta(deltas + cpu_off[cpu]);
	}
	return sum > 0 ? sum : 0;
}

static __always_inline __s64 mm_counter(struct mm_struct *mm, int member)
{
	switch (member) {
	case TM_FILEPAGES:
		return counter_sum(&mm->rss_stat[TM_FILEPAGES]);
	case TM_ANONPAGES:
		return counter_sum(&mm->rss_stat[TM_ANONPAGES]);
	case TM_SWAPENTS:
		return counter_sum(&mm->rss_stat[TM_SWAPENTS]);
	case TM_SHMEMPAGES:
		return counter_sum(&mm->rss_stat[TM_SHMEMPAGES]);
	}
	return -1;
}

static __always_inline void mm_sync_counter(struct mm_state *m,
					    struct mm_struct *mm, int member)
{
	mm_set(m, member, mm_counter(mm, member));
}

static __always_inline void mm_sync_vm(struct mm_state *m, struct mm_struct *mm)
{
	__s64 vm = mm->total_vm;

	if (vm != m->vm)
		mm_set_vm(m, vm);
}

/* Page tables and mappings: they change with faults and mmap/munmap. */
static __always_inline void mm_sync_kmem(struct mm_state *m,
					 struct mm_struct *mm)
{
	mm_set_maps(m, mm->pgtables_bytes.counter, mm->map_count);
}

static __always_inline void mm_sync_all(struct mm_state *m, struct mm_struct *mm)
{
	mm_sync_counter(m, mm, TM_FILEPAGES);
	mm_sync_counter(m, mm, TM_ANONPAGES);
	mm_sync_counter(m, mm, TM_SWAPENTS);
	mm_sync_counter(m, mm, TM_SHMEMPAGES);
	mm_sync_vm(m, mm);
	mm_sync_kmem(m, mm);
}

/*
 * The kernel stack's real size, where stacks are vmalloc'ed: task->
 * stack_vm_area exists only with CONFIG_VMAP_STACK (since 4.9); without
 * it the arch's THREAD_SIZE that userspace set stays.
 */
static __always_inline void note_kstack(struct task_struct *task)
{
	struct vm_struct *area;

	if (!bpf_core_field_exists(task->stack_vm_area))
		return;
	area = task->stack_vm_area;
	if (area && area->nr_pages)
		kstack_bytes = (__u64)area->nr_pages << page_shift;
}

#endif /* MM_READ_BPF_H */
