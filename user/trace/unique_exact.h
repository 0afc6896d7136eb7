/* SPDX-License-Identifier: GPL-2.0 */
/*
 * taskmem trace --exact-unique: the unique memory source that follows the
 * cgroup's statistics in BPF (bpf/unique.bpf.c) through the memcg
 * tracepoints, at every change, and keeps the peak of its unique memory
 * with the breakdown at that moment. Loaded only when asked for. Part of
 * trace/; the interface is trace/unique_source.h.
 */
#ifndef TM_UNIQUE_EXACT_H
#define TM_UNIQUE_EXACT_H

#include "trace/unique_source.h"

extern const struct unique_source unique_exact;

#endif /* TM_UNIQUE_EXACT_H */
