/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure part of `taskmem bench --raise-limits`: what N tasks need of
 * the kernel's thread, pid and mapping limits, the state file that keeps
 * the old values until they are restored, and which limit a failed run
 * most likely hit (no I/O).
 */
#ifndef TM_BENCH_LIMITS_H
#define TM_BENCH_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

/* The machine-wide limits, in this order everywhere. */
enum bench_sysctl {
	LIM_PID_MAX,		/* kernel.pid_max */
	LIM_THREADS_MAX,	/* kernel.threads-max */
	LIM_MAX_MAP_COUNT,	/* vm.max_map_count */
	NR_LIM_SYSCTLS,
};

/* What the kernel accepts (PID_MAX_LIMIT on 64-bit, INT_MAX, INT_MAX). */
#define LIM_PID_MAX_LIMIT 4194304UL
#define LIM_INT_MAX 2147483647UL
/* Room for what else the machine starts while the bench runs. */
#define LIM_SLACK 4096UL
/* vm.max_map_count's default, and the most areas one thread maps (its
 * stack, the stack's guard page, and a runtime's own guard and TLS). */
#define LIM_MAP_BASE 65530UL
#define LIM_MAPS_PER_THREAD 4UL
/* A run "near" a limit used at least this share of it. */
#define LIM_NEAR 0.9

struct bench_limits {
	unsigned long sysctl[NR_LIM_SYSCTLS];
	unsigned long nproc;		/* RLIMIT_NPROC, soft */
	unsigned long nofile;		/* RLIMIT_NOFILE, soft */
};

/* "kernel.pid_max" and its path under /proc/sys, "kernel/pid_max". */
const char *bench_sysctl_name(enum bench_sysctl s);
const char *bench_sysctl_path(enum bench_sysctl s);

/*
 * What n tasks need, each possibly an OS thread, on a machine that has
 * `others` threads already: every limit at least as high as now (now),
 * raised where n needs more. nr_open caps RLIMIT_NOFILE.
 */
void bench_limits_needed(unsigned long n, unsigned long others,
			 unsigned long nr_open, const struct bench_limits *now,
			 struct bench_limits *want);

/*
 * The state file: the pid of the bench that raised the limits and the
 * old value of each, a line each ("pid 123", "kernel.pid_max 32768").
 * format returns the bytes written (as snprintf) ; parse returns 0, or
 * -EINVAL with the reason in err for anything but that exact shape.
 */
int bench_limits_format(char *buf, size_t len, long pid,
			const unsigned long old[NR_LIM_SYSCTLS]);
int bench_limits_parse(const char *text, long *pid,
		       unsigned long old[NR_LIM_SYSCTLS], char *err,
		       size_t errlen);

/*
 * The limits a failed run most likely hit, from its peak thread count
 * (others: the machine's other threads; lim->nproc ULONG_MAX when it does
 * not apply, as for root): "kernel.pid_max = 32768 or vm.max_map_count =
 * 65530" in buf, nearest first, and true; false when none was near.
 */
bool bench_limits_cause(const struct bench_limits *lim, unsigned long others,
			double peak_threads, char *buf, size_t len);

#endif /* TM_BENCH_LIMITS_H */
