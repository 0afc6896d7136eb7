/* Strict whole-number arguments for the workloads in tools/. */
#ifndef TOOLS_NUMARG_H
#define TOOLS_NUMARG_H

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

/* Each workload prints its own usage and exits 2. */
static void bad_usage(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static long parse_num(const char *s, const char *what, long lo, long hi)
{
	char *end;
	long v;

	/* strtol alone accepts " 5", "+5" and "-0": we want plain digits */
	if (!isdigit((unsigned char)s[0]))
		bad_usage("invalid %s '%s'", what, s);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		bad_usage("invalid %s '%s'", what, s);
	return v;
}

#endif
