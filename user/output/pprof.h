/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory profiles as files (pure: they write to a FILE): a gzip-compressed
 * pprof profile (profile.proto, read by `go tool pprof`, speedscope,
 * Pyroscope), folded stacks and a flame graph of the at-peak bytes.
 */
#ifndef TM_PPROF_H
#define TM_PPROF_H

#include <stdint.h>
#include <stdio.h>
#include "model/stacks.h"

/*
 * Sample types peak_bytes, faulted_bytes and kernel_bytes (unit bytes);
 * period sample_bytes; time_ns the start. 0 or -errno.
 */
int pprof_write(FILE *f, const struct stacks *st, uint64_t sample_bytes,
		uint64_t time_ns);

/* "root;...;leaf BYTES" per stack with at-peak bytes, sorted; 0 or -EIO. */
int folded_write(FILE *f, const struct stacks *st);

/* A self-contained SVG flame graph of the at-peak bytes; 0 or -errno. */
int flame_write(FILE *f, const struct stacks *st, const char *title);

#endif /* TM_PPROF_H */
