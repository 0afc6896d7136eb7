/* SPDX-License-Identifier: GPL-2.0 */
/*
 * At-peak attribution (pure): from the samples (each with its interned
 * stack) and the notes of what left RSS when, the bytes each stack held at
 * the instant of the tree's RSS peak, and all it faulted or created.
 *
 * A fault sample lives from its time until the first of: an unmap,
 * madvise, fixed mmap or brk shrink of its mm covering its address (an
 * mremap moves it), or the exit or exec of its process. A sample without
 * a faulting address only dies with its process. A kernel-object sample
 * lives until the task it was taken for ends.
 */
#ifndef TM_ATTRIB_H
#define TM_ATTRIB_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "profile.h"
#include "model/stacks.h"

struct attrib_event {
	uint64_t ts;
	uint32_t kind;		/* PROF_* */
	uint32_t pid;
	uint32_t tid;
	uint32_t stack;		/* samples: id in struct stacks */
	uint64_t mm;
	uint64_t addr;
	uint64_t end;
	uint64_t addr2;
	uint64_t end2;
	uint64_t weight;	/* samples: bytes */
};

struct attrib {
	struct attrib_event *ev;
	size_t n, cap;
};

/* Append an event (any order: attrib_run sorts by time); 0 or -ENOMEM. */
int attrib_add(struct attrib *a, const struct attrib_event *e);

/*
 * Add each sample's weight to its stack in st: to STACK_FAULTED (fault
 * samples) or STACK_KERNEL (kernel objects), and to STACK_PEAK when it was
 * alive at peak_ns. 0 or -ENOMEM.
 */
int attrib_run(struct attrib *a, uint64_t peak_ns, struct stacks *st);
void attrib_free(struct attrib *a);

#endif /* TM_ATTRIB_H */
