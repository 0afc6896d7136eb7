/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory attribution for `taskmem trace --profile/--folded/--flame`:
 * configures the sampling in the tracer's object (taskmem.bpf.c and
 * profile.bpf.c, linked), turns its samples into stacks as they come, and
 * at the end writes what each stack held at the tree's peak.
 */
#ifndef TM_PROFILER_H
#define TM_PROFILER_H

#include <stdbool.h>
#include <stdint.h>
#include "common/cli.h"
#include "common/creds.h"
#include "taskmem.h"

struct profiler;
struct taskmem_bpf;
struct ring_buffer;

/*
 * NULL in *out when o asks for no profile. Otherwise open its output files
 * now (a bad path wastes no run); 0, or -errno with *what naming the file.
 */
int profiler_open(struct profiler **out, const struct trace_opts *o,
		  const struct launch_cred *cred, const char **what);
/*
 * Before the tracer's object is loaded (profile.bpf.c is linked into it,
 * and its RSS handler samples): size and configure the sampler, with p
 * NULL leave its programs out. Its programs are then attached with the
 * tracer's.
 */
void profiler_configure(struct profiler *p, struct taskmem_bpf *skel,
			const struct kobj_sizes *k);
/* Drain the sampler's events through rb (the tracer's); 0 or -errno. */
int profiler_add_events(struct profiler *p, struct ring_buffer *rb);
/*
 * Attribute to the RSS peak at peak_ns and write the files; 0 or -errno
 * (after saying which file could not be written).
 */
int profiler_finish(struct profiler *p, uint64_t peak_ns);
void profiler_free(struct profiler *p);

#endif /* TM_PROFILER_H */
