/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Call stacks of a memory profile (pure): frame names interned once,
 * stacks (root first) interned once, and the bytes attributed to each.
 */
#ifndef TM_STACKS_H
#define TM_STACKS_H

#include <stddef.h>
#include <stdint.h>

struct strtab {
	char **s;		/* s[id]: NUL-terminated */
	size_t n, cap;
	uint32_t *slot;		/* open addressing: id + 1, 0 empty */
	size_t nslots;
};

/* The values of a stack, in bytes. */
enum stack_value {
	STACK_PEAK,		/* held at the tree's RSS peak */
	STACK_FAULTED,		/* all RSS growth */
	STACK_KERNEL,		/* kernel objects created */
	STACK_NR_VALUES,
};

struct stack {
	uint32_t *frames;	/* name ids, root first */
	uint32_t n;
	uint64_t v[STACK_NR_VALUES];
};

struct stacks {
	struct strtab names;
	struct stack *v;
	size_t n, cap;
	uint32_t *slot;		/* id + 1, 0 empty */
	size_t nslots;
};

/* The id of text (copied on first sight); UINT32_MAX when out of memory. */
uint32_t strtab_intern(struct strtab *t, const char *text);
void strtab_free(struct strtab *t);

/* The id of the stack frames[0..n) (root first); UINT32_MAX on ENOMEM. */
uint32_t stacks_intern(struct stacks *st, const uint32_t *frames, uint32_t n);
/* Intern a stack of names. */
uint32_t stacks_intern_names(struct stacks *st, const char *const *names,
			     uint32_t n);
/*
 * The stack of stack's frames with one more frame, leaf, at its end (kernel
 * memory under the code that caused it); UINT32_MAX when out of memory.
 */
uint32_t stacks_with_leaf(struct stacks *st, uint32_t stack, const char *leaf);
void stacks_free(struct stacks *st);

/* Sum of value v over every stack. */
uint64_t stacks_total(const struct stacks *st, enum stack_value v);

#endif /* TM_STACKS_H */
