/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stacks of memory samples: DWARF CFI unwinding (elfutils libdw) from the
 * registers and the copy of the top of the user stack a sample carries,
 * the frame-pointer walk where it goes further, and symbols from .symtab,
 * .dynsym, debug files (build-id, .gnu_debuglink under /usr/lib/debug) and
 * perf map files (/tmp/perf-PID.map) for JIT code. The mappings of each
 * process are captured while it lives (unwind_capture), so processes that
 * exit early are still symbolized.
 */
#ifndef TM_UNWIND_H
#define TM_UNWIND_H

#include <stdint.h>
#include <linux/types.h>
#include "profile.h"
#include "model/stacks.h"

struct unwinder;

struct unwinder *unwind_new(void);
void unwind_free(struct unwinder *u);

/*
 * Read /proc/PID/maps now (the first sample of a process); a process that
 * is already gone borrows its parent's mappings (a fork without exec).
 */
void unwind_capture(struct unwinder *u, uint32_t pid, uint32_t ppid);

/*
 * The stack of sample s interned in st, root first: the process name, the
 * callers, the frame that faulted, then leaf (NULL: none). UINT32_MAX on
 * ENOMEM.
 */
uint32_t unwind_sample(struct unwinder *u, const struct prof_sample *s,
		       const char *leaf, struct stacks *st);

/* Name of an address in a perf map file's text; 0 or -ENOENT (pure). */
int unwind_perf_map_lookup(const char *text, uint64_t addr, char *name,
			   size_t len);

/*
 * A frame name made safe for the outputs: ';' (the folded separator)
 * becomes ':', control characters and newlines become '?' (pure).
 */
void unwind_clean_name(char *name);

#endif /* TM_UNWIND_H */
