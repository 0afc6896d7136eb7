// SPDX-License-Identifier: GPL-2.0
/* taskmem: the exact, kernel-aware memory footprint of a process tree. */
#include <stdio.h>
#include <string.h>
#include "bench/cmd_bench.h"
#include "common/asuser.h"
#include "common/errors.h"
#include "replay/cmd_report.h"
#include "trace/cmd_trace.h"
#include "common/version.h"

static int cmd_help(int argc, char **argv);

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} cmds[] = {
	{ "trace", cmd_trace, "run a command and report its tree's peak memory" },
	{ "report", cmd_report, "render a saved JSON report again" },
	{ "bench", cmd_bench, "compare programs' memory at several task counts" },
	{ "help", cmd_help, "show this help" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: taskmem [--version] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nrun 'taskmem COMMAND --help' for its options\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return TM_EXIT_OK;
}

int main(int argc, char **argv)
{
	char err[256];
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return TM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("taskmem %s\n", TASKMEM_VERSION);
		return TM_EXIT_OK;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return cmd_help(0, NULL);
	/* through sudo, every path the user names is opened as that user */
	if (asuser_init(err, sizeof(err))) {
		tm_err("%s", err);
		return TM_EXIT_USAGE;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 2, argv + 2);
	tm_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return TM_EXIT_USAGE;
}
