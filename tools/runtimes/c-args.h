// The "N SECONDS" arguments every C workload takes, checked strictly.
#ifndef TASKS_ARGS_H
#define TASKS_ARGS_H

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_TASKS 10000000L
#define MAX_SECONDS 86400L

static long parse_long(const char *arg, const char *what, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	// strtol alone would take leading blanks and a sign.
	if (!isdigit((unsigned char)arg[0]) || errno || *end || v < lo || v > hi) {
		fprintf(stderr, "tasks: invalid %s '%s' (want an integer from %ld to %ld)\n",
			what, arg, lo, hi);
		exit(2);
	}
	return v;
}

// Exits 2 with a message on bad arguments.
static void parse_args(int argc, char **argv, long *n, long *seconds)
{
	if (argc != 3) {
		fprintf(stderr, "usage: tasks N SECONDS\n");
		exit(2);
	}
	*n = parse_long(argv[1], "task count", 1, MAX_TASKS);
	*seconds = parse_long(argv[2], "sleep seconds", 0, MAX_SECONDS);
}

#endif
