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
	{ "help", cmd_help, "show this help, or a command's: help COMMAND" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: taskmem [--version] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nrun 'taskmem help COMMAND' or 'taskmem COMMAND --help' "
		   "for its options\n");
}

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}

/* `taskmem help [COMMAND]`: COMMAND's own --help, or the list. */
static int cmd_help(int argc, char **argv)
{
	static char help_opt[] = "--help";
	char *args[] = { help_opt, NULL };
	const struct cmd *c;

	if (argc < 1 || !strcmp(argv[0], "help")) {
		usage(stdout);
		return TM_EXIT_OK;
	}
	c = find_cmd(argv[0]);
	if (!c) {
		tm_err("cannot show help for '%s': expected trace, report or "
		       "bench", argv[0]);
		return TM_EXIT_USAGE;
	}
	if (argc > 1) {
		tm_err("cannot show help for '%s %s': give one command",
		       argv[0], argv[1]);
		return TM_EXIT_USAGE;
	}
	return c->fn(1, args);
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	char err[256];

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
	c = find_cmd(argv[1]);
	if (c)
		return c->fn(argc - 2, argv + 2);
	tm_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return TM_EXIT_USAGE;
}
