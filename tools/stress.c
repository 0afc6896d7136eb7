/*
 * stress: the event storms of the overhead benchmark (tools/bench/overhead.sh).
 * Each subcommand generates as many of one kind of event as it can, one
 * after another, so that the time a tracer adds to each event shows up in
 * the wall time:
 *   faults  one page fault (and one RSS change) per page touched;
 *   forks   one new process, mm, exit and reap per child;
 *   threads one new task and exit per thread;
 *   syscalls one getppid() per call: the cost a tracer adds to every
 *           syscall of the machine.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIB		(1024UL * 1024UL)
/* 64 GiB, or less where size_t could not hold it */
#define MIB_MAX		((long)(SIZE_MAX / MIB / 2 < 65536 ? \
				SIZE_MAX / MIB / 2 : 65536))
#define ROUNDS_MAX	1000000L
#define COUNT_MAX	10000000L
/*
 * Threads are created and joined in batches of this many, so at most
 * THREAD_BATCH + 1 tasks of ours are alive at once whatever N is: a storm
 * of any length cannot run into pid_max or threads-max.
 */
#define THREAD_BATCH	100

static const char usage_text[] =
	"usage: stress faults MIB ROUNDS\n"
	"       stress forks N\n"
	"       stress threads N\n"
	"       stress syscalls N\n"
	"faults: map MIB MiB of anonymous memory (1..65536), write one byte to\n"
	"        every page, unmap it; ROUNDS times (1..1000000).\n"
	"forks:  N times (1..10000000), one after another: fork a child that\n"
	"        exits at once, and wait for it.\n"
	"threads: create and join N threads (1..10000000), in batches of 100.\n"
	"syscalls: call getppid() N times (1..10000000), through syscall(2)\n"
	"        so that no library caches it.\n";

#define PROG "stress"
#include "numarg.h"

/* Prints "stress: cannot <what>: <strerror(err)>" and exits 1. */
static void __attribute__((noreturn, format(printf, 2, 3)))
die(int err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fprintf(stderr, "stress: cannot %s: %s\n", what, strerror(err));
	exit(1);
}

static int cmd_faults(char **argv)
{
	long mib = parse_num(argv[0], "size in MiB", 1, MIB_MAX);
	long rounds = parse_num(argv[1], "number of rounds", 1, ROUNDS_MAX);
	size_t len = (size_t)mib * MIB;
	long ps = sysconf(_SC_PAGESIZE);
	size_t off;
	long r;

	if (ps <= 0)
		die(errno ? errno : EINVAL, "read the page size");
	for (r = 0; r < rounds; r++) {
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die(errno, "map %ld MiB of anonymous memory", mib);
		/* one write per page: one fault per page, no more work */
		for (off = 0; off < len; off += ps)
			p[off] = 1;
		if (munmap((void *)p, len))
			die(errno, "unmap %ld MiB", mib);
	}
	return 0;
}

static int cmd_forks(char **argv)
{
	long n = parse_num(argv[0], "number of children", 1, COUNT_MAX);
	long i;

	for (i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			die(errno, "fork child %ld of %ld", i + 1, n);
		if (pid == 0)
			_exit(0);
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				die(errno, "wait for child %d", (int)pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "stress: child %d did not exit with 0 (status 0x%x)\n",
				(int)pid, status);
			return 1;
		}
	}
	return 0;
}

static void *do_nothing(void *arg)
{
	return arg;
}

static int cmd_threads(char **argv)
{
	long n = parse_num(argv[0], "number of threads", 1, COUNT_MAX);
	pthread_t t[THREAD_BATCH];
	long done = 0;

	while (done < n) {
		long batch = n - done < THREAD_BATCH ? n - done : THREAD_BATCH;
		long i;
		int err;

		for (i = 0; i < batch; i++) {
			err = pthread_create(&t[i], NULL, do_nothing, NULL);
			if (err)
				die(err, "create thread %ld of %ld",
				    done + i + 1, n);
		}
		for (i = 0; i < batch; i++) {
			err = pthread_join(t[i], NULL);
			if (err)
				die(err, "join thread %ld of %ld",
				    done + i + 1, n);
		}
		done += batch;
	}
	return 0;
}

static int cmd_syscalls(char **argv)
{
	long n = parse_num(argv[0], "number of syscalls", 1, COUNT_MAX);
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}

static const struct cmd {
	const char *name;
	int (*fn)(char **argv);
	int nargs;
} cmds[] = {
	{ "faults",	cmd_faults,	2 },
	{ "forks",	cmd_forks,	1 },
	{ "threads",	cmd_threads,	1 },
	{ "syscalls",	cmd_syscalls,	1 },
};

int main(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2)
		bad_usage("missing subcommand");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	for (c = cmds; c < cmds + ARRAY_SIZE(cmds); c++) {
		if (strcmp(argv[1], c->name))
			continue;
		if (argc - 2 != c->nargs)
			bad_usage("%s: wrong number of arguments", c->name);
		return c->fn(argv + 2);
	}
	bad_usage("unknown subcommand '%s'", argv[1]);
}
