/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the running kernel offers the BPF side, probed before load so that
 * a missing feature is one sentence, not a verifier log. Part of trace/.
 */
#ifndef TM_FEATURES_H
#define TM_FEATURES_H

#include <stdbool.h>

struct tm_features {
	/* mmap_lock tracepoints: PEAK_VM of memory never touched */
	bool mmap_lock_tp;
};

/*
 * Probe every feature; 0, or -EOPNOTSUPP after saying which required one
 * is missing. TASKMEM_MISSING_FEATURE=NAME (a test hook) makes the
 * feature NAME read as missing.
 */
int features_probe(struct tm_features *f);

/*
 * Whether the kernel has the memcg tracepoints --exact-unique follows
 * (Linux 6.14); TASKMEM_MISSING_FEATURE=memcg_tracepoints says no.
 */
bool features_memcg_events(void);

#endif /* TM_FEATURES_H */
