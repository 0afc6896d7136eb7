/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `taskmem bench --raise-limits`: raise kernel.pid_max, kernel.threads-max,
 * vm.max_map_count and the process's RLIMIT_NPROC/RLIMIT_NOFILE for a run,
 * and put every value back afterwards, also when the bench is killed.
 *
 * The old values go to a state file under /run (locked while a bench
 * runs: a second one is refused) before anything changes. A watchdog
 * process in its own session waits on a pipe from the bench: when the
 * bench ends without restoring (SIGKILL, a crash), it restores from the
 * state file. When both die, the next bench restores first.
 */
#ifndef TM_LIMITS_GUARD_H
#define TM_LIMITS_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "bench/bench_limits.h"

#define LIMITS_STATE_FILE "/run/taskmem-bench.limits"

struct limits_guard {
	const char *sysctl_root;	/* /proc/sys, or a test's directory */
	const char *state_path;
	int state_fd;			/* the state file, locked; -1 */
	int lifeline;			/* the watchdog's pipe; -1 */
	pid_t watchdog;
	bool raised;
	struct bench_limits old;	/* before the run */
	struct bench_limits now;	/* what the run has */
	unsigned long others;		/* threads on the machine at the start */
};

/*
 * Read the limits and the machine's thread count into g (without raising
 * anything): what a failed run's likely cause is judged against. The
 * environment's TASKMEM_SYSCTL_ROOT and TASKMEM_LIMITS_STATE replace
 * /proc/sys and the state file (for tests). 0 or -errno.
 */
int limits_guard_init(struct limits_guard *g);

/*
 * Raise the limits to what n tasks need, saying what changed on stderr.
 * -EACCES through sudo, -EPERM when not root, -EBUSY while another bench holds
 * them, else 0 or -errno; the message is out.
 */
int limits_raise(struct limits_guard *g, unsigned long n);

/*
 * The limits a failed run with that many threads at its peak most likely
 * hit, as bench_limits_cause() says them, against the values of the run.
 */
bool limits_cause(const struct limits_guard *g, double threads, char *buf,
		  size_t len);

/* Put back what limits_raise() changed (a no-op otherwise). */
void limits_restore(struct limits_guard *g);

#endif /* TM_LIMITS_GUARD_H */
