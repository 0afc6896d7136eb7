/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between architectures in the BPF code, in one place: the
 * fields of struct pt_regs (each architecture's vmlinux.h has its own) for
 * a task's user registers and its syscall. Built with -D__TARGET_ARCH_*.
 */
#ifndef ARCH_BPF_H
#define ARCH_BPF_H

#include "profile.h"

#if defined(__TARGET_ARCH_x86)

static __always_inline __u64 user_ip(struct pt_regs *r) { return r->ip; }
static __always_inline __u64 user_sp(struct pt_regs *r) { return r->sp; }
/* The syscall a task is leaving (sys_exit): the entry saved its number. */
static __always_inline long syscall_nr(struct pt_regs *r) { return r->orig_ax; }

/* User registers by DWARF number (x86_64 psABI: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 rip). */
static __always_inline void regs_copy(__u64 *d, struct pt_regs *r)
{
	d[0] = r->ax;
	d[1] = r->dx;
	d[2] = r->cx;
	d[3] = r->bx;
	d[4] = r->si;
	d[5] = r->di;
	d[6] = r->bp;
	d[7] = r->sp;
	d[8] = r->r8;
	d[9] = r->r9;
	d[10] = r->r10;
	d[11] = r->r11;
	d[12] = r->r12;
	d[13] = r->r13;
	d[14] = r->r14;
	d[15] = r->r15;
	d[16] = r->ip;
}

#elif defined(__TARGET_ARCH_arm64)

static __always_inline __u64 user_ip(struct pt_regs *r) { return r->pc; }
static __always_inline __u64 user_sp(struct pt_regs *r) { return r->sp; }
static __always_inline long syscall_nr(struct pt_regs *r) { return r->syscallno; }

/* x0..x30 are DWARF 0..30, sp 31; the pc follows. */
static __always_inline void regs_copy(__u64 *d, struct pt_regs *r)
{
	int i;

	for (i = 0; i < 31; i++)
		d[i] = r->regs[i];
	d[31] = r->sp;
	d[32] = r->pc;
}

#else
#error "taskmem: no pt_regs layout for this architecture"
#endif

/* A 32-bit (compat) process: its syscall numbers are another table's. */
static __always_inline bool mm_is_compat(struct mm_struct *mm)
{
	return mm->task_size <= (1ULL << 32);
}

#endif /* ARCH_BPF_H */
