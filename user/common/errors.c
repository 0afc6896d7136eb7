// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include "common/errors.h"

void tm_err(const char *fmt, ...)
{
	va_list ap;

	fputs("taskmem: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int tm_parse_outcome(int ret, const char *err, const char *usage,
		     const char *cmd)
{
	if (ret == 0)
		return -1;
	if (ret > 0) {
		fputs(usage, stdout);
		return TM_EXIT_OK;
	}
	tm_err("%s", err);
	fprintf(stderr, "run 'taskmem %s --help' for the options\n", cmd);
	return TM_EXIT_USAGE;
}
