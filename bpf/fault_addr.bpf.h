/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The address of the page fault the current task is handling, from an
 * RSS event it causes (rss_stat has no address). Every page fault, on
 * every architecture, goes through __handle_mm_fault, which builds a
 * struct vm_fault on the faulting task's kernel stack (the VMA, the page
 * address and the exact address) before the page is mapped and the RSS
 * counter moves. So the words between this program's context (the args of
 * the tracepoint, on the same stack) and the task's saved user registers
 * (the top of the stack) hold it: found by its layout (CO-RE offsets) and
 * kept only if the VMA it names belongs to the mm that grew and contains
 * the address. The innermost one is the current fault (a fault inside a
 * syscall nests below the syscall's frames). Growth without a page fault
 * (fork's copy of the parent's pages, khugepaged) has none: 0.
 *
 * Run only when a sample is taken (once per sample_bytes of growth), so the
 * copy and the scan cost nothing on the other events.
 */
#ifndef FAULT_ADDR_BPF_H
#define FAULT_ADDR_BPF_H

#define FAULT_SCAN_BYTES 4096
#define FAULT_SCAN_WORDS (FAULT_SCAN_BYTES / 8)
/* a kernel stack is at most this large (16 KiB, 32 KiB with KASAN) */
#define FAULT_STACK_MAX (64 << 10)

struct fault_scan {
	__u64 w[FAULT_SCAN_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fault_scan);
} fault_scan SEC(".maps");

/* Cheap test of the words of a candidate: a page address inside user space
 * whose exact address is on that page, and a kernel pointer for the VMA. */
static __always_inline bool vmf_shape(__u64 vma, __u64 addr, __u64 real)
{
	return addr && !(addr & 4095) && !(addr >> 56) &&
	       (real & ~4095ULL) == addr && (__s64)vma < 0;
}

static __always_inline bool vmf_vma_ok(__u64 vma_ptr, struct mm_struct *mm,
				       __u64 addr)
{
	struct vm_area_struct *vma = (void *)vma_ptr;
	__u64 start, end;
	void *owner;

	if (bpf_core_read(&owner, sizeof(owner), &vma->vm_mm) ||
	    owner != (void *)mm ||
	    bpf_core_read(&start, sizeof(start), &vma->vm_start) ||
	    bpf_core_read(&end, sizeof(end), &vma->vm_end))
		return false;
	return start <= addr && addr < end;
}

struct vmf_search {
	struct fault_scan *buf;
	__u64 mm;
	__u32 k_addr, k_real;	/* the fields' offsets from the VMA's, in words */
	__u64 found;
};

/* bpf_loop body: is a struct vm_fault of the mm at word i? */
static long vmf_at(__u32 i, void *data)
{
	struct vmf_search *s = data;
	__u64 vma, addr, real;

	if (i >= FAULT_SCAN_WORDS - 16)
		return 1;
	vma = s->buf->w[i];
	addr = s->buf->w[(i + s->k_addr) & (FAULT_SCAN_WORDS - 1)];
	real = s->buf->w[(i + s->k_real) & (FAULT_SCAN_WORDS - 1)];
	if (!vmf_shape(vma, addr, real) ||
	    !vmf_vma_ok(vma, (struct mm_struct *)s->mm, addr))
		return 0;
	s->found = real;
	return 1;
}

/* The scan runs in bpf_loop: verified once, not once per word. */
static __noinline __u64 fault_address(void *ctx, struct mm_struct *mm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vmf_search s = { .mm = (__u64)mm };
	__u32 zero = 0;
	void *top;
	__s64 len;

	s.k_addr = (bpf_core_field_offset(struct vm_fault, address) -
		    bpf_core_field_offset(struct vm_fault, vma)) / 8;
	s.k_real = s.k_addr;
	if (bpf_core_field_exists(struct vm_fault, real_address))
		s.k_real = (bpf_core_field_offset(struct vm_fault,
						  real_address) -
			    bpf_core_field_offset(struct vm_fault, vma)) / 8;
	if (s.k_addr >= 16 || s.k_real >= 16)
		return 0;
	top = (void *)bpf_task_pt_regs(task);
	len = top - ctx;
	if (len <= 0 || len > FAULT_STACK_MAX)
		return 0; /* not on this task's stack */
	if (len > FAULT_SCAN_BYTES)
		len = FAULT_SCAN_BYTES;
	len &= ~7LL;
	s.buf = bpf_map_lookup_elem(&fault_scan, &zero);
	if (!s.buf || len < 8 * 16 || bpf_probe_read_kernel(s.buf, len, ctx))
		return 0;
	bpf_loop(len / 8 - 16, vmf_at, &s, 0);
	return s.found;
}

#endif /* FAULT_ADDR_BPF_H */
