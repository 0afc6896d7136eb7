/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel reads: an mm's counters, sizes and page tables, and the CO-RE
 * fallbacks they need. What is done with the values is accounting.h's.
 *
 * The includer defines, before including it: nr_cpus (rodata), the
 * cpu_anchor per-CPU array map, cpu_off[TM_MAX_CPUS], cpus_ready and
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
 * not reachable without CONFIG_KALLSYMS_ALL, so calibrate_cpus (run once
 * by userspace right after load, before anything is attached) derives it
 * from a per-CPU array map: the address of CPU c's element minus the map's
 * __percpu pointer. Reading pointers as numbers needs CAP_PERFMON.
 */
static long calibrate_one(__u64 cpu, void *data)
{
	__u64 base = *(__u64 *)data;
	__u32 zero = 0;
	void *elem;

	if (cpu >= TM_MAX_CPUS)
		return 1;
	elem = bpf_map_lookup_percpu_elem(&cpu_anchor, &zero, cpu);
	if (!elem)
		return 1;
	cpu_off[cpu] = as_number(elem) - base;
	cpus_ready = cpu + 1;
	return 0;
}

static __always_inline void calibrate_cpu_offsets(void)
{
	__u64 base = 0, arr;

	/* the map's address as a number: arithmetic on map pointers is refused */
	arr = as_number(&cpu_anchor) +
	      bpf_core_field_offset(struct bpf_array, pptrs);
	cpus_ready = 0;
	if (bpf_probe_read_kernel(&base, sizeof(base), (void *)arr) || !base)
		return;
	/* bpf_loop: verified once, whatever the number of CPUs */
	bpf_loop(nr_cpus, calibrate_one, &base, 0);
}

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/*
 * task as an untrusted typed pointer, to read its pointer fields
 * (task->mm): loaded from a trusted task, each one makes the verifier
 * look up "<type>__safe_trusted" and three more names among the kernel's
 * 126k BTF types, one by one (btf_nested_type_is_trusted()), at every
 * visit of the load: most of the load time of on_newtask and on_exec.
 * The reads through it stay plain loads, guarded by the exception table.
 */
static __always_inline struct task_struct *task_fields(struct task_struct *task)
{
	return bpf_rdonly_cast(task, bpf_core_type_id_kernel(struct task_struct));
}

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

struct delta_sum {
	__u64 deltas;	/* the counter's __percpu pointer */
	__u64 skip;	/* a CPU already read */
	__s64 sum;
};

static long add_cpu_delta(__u64 cpu, void *data)
{
	struct delta_sum *s = data;

	if (cpu >= TM_MAX_CPUS)
		return 1;
	if (cpu != s->skip)
		s->sum += cpu_delta(s->deltas + cpu_off[cpu]);
	return 0;
}

/*
 * The pending deltas of every CPU but skip, with bpf_loop (its body is
 * verified once): the program's size and load time do not grow with the
 * number of CPUs. Not inlined, so each program holds it once. (Not a
 * global function: deltas is a kernel pointer, which global functions
 * cannot take before 6.8.)
 */
static __noinline __s64 other_cpus_deltas(__u64 deltas, __u32 skip)
{
	struct delta_sum s = { .deltas = deltas, .skip = skip };

	bpf_loop(cpus_ready, add_cpu_delta, &s, 0);
	return s.sum;
}

/*
 * The exact value of an mm's percpu_counter: the shared count plus every
 * CPU's pending delta (percpu_counter_read() alone can lag by up to
 * batch * nr_cpus pages, too much for exact peaks on large machines).
 *
 * Summing every CPU on every event costs one load per CPU: 128 per page
 * fault on a 128-CPU server. But a delta only changes on its own CPU, by
 * the task running there, and that task then fires this event. So when
 * this event comes from the task that made the last exact sum of this
 * counter, on the same CPU, and that task has not migrated since (its
 * nr_migrations is unchanged), no other CPU's delta can have changed
 * except by a task whose own event is still to come (and will re-sum):
 * this CPU's delta plus the cached sum of the others is exact. Anything
 * else (another thread or task, a migration, even between the counter
 * update and this event on a preemptible kernel) takes the full sum.
 * Without calibrated CPU offsets it is the kernel's approximate count;
 * userspace then says so in the report.
 */
static __always_inline __s64 counter_read(struct mm_state *m, int member,
					  __s64 count, __u64 deltas)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 cpu = bpf_get_smp_processor_id();
	__u64 mig = task->se.nr_migrations;
	__s64 val = count, others;
	int i = member;

	if (cpu >= cpus_ready || cpu >= TM_MAX_CPUS)
		return val > 0 ? val : 0;
	val += cpu_delta(deltas + cpu_off[cpu]);
	if (m->sum_task[i] == (__u64)task && m->sum_cpu[i] == cpu &&
	    m->sum_mig[i] == mig)
		return val + m->others[i] > 0 ? val + m->others[i] : 0;
	others = other_cpus_deltas(deltas, cpu);
	/* task last: a half-written cache never matches */
	m->sum_task[i] = 0;
	m->others[i] = others;
	m->sum_cpu[i] = cpu;
	m->sum_mig[i] = mig;
	m->sum_task[i] = (__u64)task;
	val += others;
	return val > 0 ? val : 0;
}

/*
 * One counter of mm's rss_stat, its shared count and its per-CPU deltas'
 * address. Read as mm->rss_stat[i].field, one CO-RE relocation against
 * mm_struct, not through a struct percpu_counter pointer: each type
 * relocated costs libbpf a scan of the kernel's 126k BTF types at load.
 */
#define RSS_COUNTER(mm, i) \
	(mm)->rss_stat[i].count, (__u64)(mm)->rss_stat[i].counters

static __always_inline void mm_sync_counter(struct mm_state *m,
					    struct mm_struct *mm, int member)
{
	/* constant offsets: the verifier refuses a variable one into an mm */
	switch (member) {
	case TM_FILEPAGES:
		mm_set(m, member, counter_read(m, TM_FILEPAGES,
					       RSS_COUNTER(mm, TM_FILEPAGES)));
		break;
	case TM_ANONPAGES:
		mm_set(m, member, counter_read(m, TM_ANONPAGES,
					       RSS_COUNTER(mm, TM_ANONPAGES)));
		break;
	case TM_SWAPENTS:
		mm_set(m, member, counter_read(m, TM_SWAPENTS,
					       RSS_COUNTER(mm, TM_SWAPENTS)));
		break;
	case TM_SHMEMPAGES:
		mm_set(m, member, counter_read(m, TM_SHMEMPAGES,
					       RSS_COUNTER(mm, TM_SHMEMPAGES)));
		break;
	}
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
	area = task_fields(task)->stack_vm_area;
	if (area && area->nr_pages)
		kstack_bytes = (__u64)area->nr_pages << page_shift;
}

#endif /* MM_READ_BPF_H */
