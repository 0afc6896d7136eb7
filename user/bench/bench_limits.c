// SPDX-License-Identifier: GPL-2.0
/*
 * What N tasks need of the kernel's limits, the state file of the old
 * values, and which limit a failed run most likely hit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench/bench_limits.h"

static const struct {
	const char *name;
	const char *path;
} sysctls[NR_LIM_SYSCTLS] = {
	[LIM_PID_MAX] = { "kernel.pid_max", "kernel/pid_max" },
	[LIM_THREADS_MAX] = { "kernel.threads-max", "kernel/threads-max" },
	[LIM_MAX_MAP_COUNT] = { "vm.max_map_count", "vm/max_map_count" },
};

const char *bench_sysctl_name(enum bench_sysctl s)
{
	return sysctls[s].name;
}

const char *bench_sysctl_path(enum bench_sysctl s)
{
	return sysctls[s].path;
}

static unsigned long at_least(unsigned long now, unsigned long need,
			      unsigned long cap)
{
	if (need > cap)
		need = cap;
	return need > now ? need : now;
}

/* a + b, at most ULONG_MAX */
static unsigned long add(unsigned long a, unsigned long b)
{
	return a > ULONG_MAX - b ? ULONG_MAX : a + b;
}

void bench_limits_needed(unsigned long n, unsigned long others,
			 unsigned long nr_open, const struct bench_limits *now,
			 struct bench_limits *want)
{
	/* every task a thread with a pid, beside what runs already */
	unsigned long threads = add(add(n, others), LIM_SLACK);
	unsigned long maps = n > (ULONG_MAX - LIM_MAP_BASE) / LIM_MAPS_PER_THREAD ?
		ULONG_MAX : LIM_MAP_BASE + n * LIM_MAPS_PER_THREAD;

	*want = *now;
	want->sysctl[LIM_PID_MAX] = at_least(now->sysctl[LIM_PID_MAX], threads,
					      LIM_PID_MAX_LIMIT);
	want->sysctl[LIM_THREADS_MAX] =
		at_least(now->sysctl[LIM_THREADS_MAX], threads, LIM_INT_MAX);
	want->sysctl[LIM_MAX_MAP_COUNT] =
		at_least(now->sysctl[LIM_MAX_MAP_COUNT], maps, LIM_INT_MAX);
	want->nproc = at_least(now->nproc, threads, ULONG_MAX);
	/* a task may hold a descriptor (a timer, a socket) */
	want->nofile = at_least(now->nofile, add(n, 1024), nr_open);
}

int bench_limits_format(char *buf, size_t len, long pid,
			const unsigned long old[NR_LIM_SYSCTLS])
{
	int i, n, total;

	total = snprintf(buf, len, "pid %ld\n", pid);
	for (i = 0; i < NR_LIM_SYSCTLS && total >= 0; i++) {
		n = snprintf(buf + ((size_t)total < len ? (size_t)total : len),
			     (size_t)total < len ? len - total : 0, "%s %lu\n",
			     sysctls[i].name, old[i]);
		total = n < 0 ? n : total + n;
	}
	return total;
}

static int fail(char *err, size_t errlen, const char *fmt, const char *arg)
{
	snprintf(err, errlen, fmt, arg);
	return -EINVAL;
}

/* A whole decimal number from 0 to max, no sign, no blanks. */
static int number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return *end || errno || *v > max ? -EINVAL : 0;
}

/* One "key value" line; seen: the keys met so far, a bit each. */
static int parse_line(char *line, long *pid, unsigned long *old,
		      unsigned *seen, char *err, size_t errlen)
{
	char *sp = strchr(line, ' ');
	unsigned long v;
	int i;

	if (!sp)
		return fail(err, errlen, "line '%s' is not 'NAME VALUE'", line);
	*sp = '\0';
	for (i = 0; i <= NR_LIM_SYSCTLS; i++)
		if (i == NR_LIM_SYSCTLS ? !strcmp(line, "pid") :
					  !strcmp(line, sysctls[i].name))
			break;
	if (i > NR_LIM_SYSCTLS)
		return fail(err, errlen, "unknown name '%s'", line);
	if (*seen & 1u << i)
		return fail(err, errlen, "'%s' given twice", line);
	*seen |= 1u << i;
	/* no limit and no pid is 0 */
	if (number(sp + 1, i == NR_LIM_SYSCTLS ? INT_MAX : LIM_INT_MAX, &v) ||
	    !v)
		return fail(err, errlen, "invalid value '%s'", sp + 1);
	if (i == NR_LIM_SYSCTLS)
		*pid = (long)v;
	else
		old[i] = v;
	return 0;
}

int bench_limits_parse(const char *text, long *pid,
		       unsigned long old[NR_LIM_SYSCTLS], char *err,
		       size_t errlen)
{
	char *copy = strdup(text), *p, *line;
	unsigned seen = 0;
	int ret = 0, i;

	if (!copy)
		return -ENOMEM;
	for (p = copy; !ret && (line = strsep(&p, "\n"));) {
		if (!*line && !p)
			break;	/* after the last newline */
		ret = parse_line(line, pid, old, &seen, err, errlen);
	}
	for (i = 0; !ret && i <= NR_LIM_SYSCTLS; i++)
		if (!(seen & 1u << i))
			ret = fail(err, errlen, "no line for '%s'",
				   i == NR_LIM_SYSCTLS ? "pid" : sysctls[i].name);
	if (!ret && text[strlen(text) - 1] != '\n')
		ret = fail(err, errlen, "%s", "the last line is cut short");
	free(copy);
	return ret;
}

struct use {
	const char *name;
	unsigned long limit;
	double share;
};

static void append(char *buf, size_t len, const char *fmt, const char *name,
		   unsigned long v)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, fmt, name, v);
}

bool bench_limits_cause(const struct bench_limits *lim, unsigned long others,
			double peak_threads, char *buf, size_t len)
{
	double all = peak_threads + others;
	struct use u[] = {
		{ sysctls[LIM_PID_MAX].name, lim->sysctl[LIM_PID_MAX], all },
		{ sysctls[LIM_THREADS_MAX].name, lim->sysctl[LIM_THREADS_MAX], all },
		/* one process: only its own threads' areas count */
		{ sysctls[LIM_MAX_MAP_COUNT].name, lim->sysctl[LIM_MAX_MAP_COUNT],
		  peak_threads * LIM_MAPS_PER_THREAD },
		{ "RLIMIT_NPROC", lim->nproc, peak_threads },
	};
	const size_t nu = sizeof(u) / sizeof(u[0]);
	size_t i, j, found = 0;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < nu; i++)
		u[i].share = u[i].limit && u[i].limit != ULONG_MAX ?
			u[i].share / u[i].limit : 0;
	/* nearest first: a few entries, a plain selection */
	for (i = 0; i < nu; i++) {
		for (j = i + 1; j < nu; j++)
			if (u[j].share > u[i].share) {
				struct use t = u[i];

				u[i] = u[j];
				u[j] = t;
			}
		if (u[i].share < LIM_NEAR)
			break;
		append(buf, len, found ? " or %s = %lu" : "%s = %lu",
		       u[i].name, u[i].limit);
		found++;
	}
	return found > 0;
}
