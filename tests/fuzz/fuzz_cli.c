// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the option parsers: the input is split at NUL
 * bytes into an argv for `taskmem trace` and for `taskmem report`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "common/cli.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 1];
	struct trace_opts t;
	struct report_opts r;
	char err[256];
	size_t i, start = 0;
	int argc = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0; i <= size && argc < MAX_ARGS; i++) {
		if (buf[i])
			continue;
		argv[argc++] = buf + start;
		start = i + 1;
	}
	argv[argc] = NULL;
	if (cli_parse_trace(argc, argv, &t, err, sizeof(err)) == 0 &&
	    t.cmd && t.cmd[t.cmd_argc] != NULL)
		abort();
	cli_parse_report(argc, argv, &r, err, sizeof(err));
	free(buf);
	return 0;
}
