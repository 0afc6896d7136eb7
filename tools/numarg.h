/*
 * Strict whole-number arguments for the workloads in tools/. A workload
 * defines PROG (its name) and usage_text before including this.
 */
#ifndef TOOLS_NUMARG_H
#define TOOLS_NUMARG_H

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* "PROG: <message>", the usage, exit 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage_text, stderr);
	exit(2);
}

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
