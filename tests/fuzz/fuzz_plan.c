// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for `bench --plan`'s line parser: a plan may be any
 * file the user names, so every line must parse or be refused, never
 * crash, and a refusal never quotes the line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench/bench_stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *next, err[256], **words = NULL;
	struct bench_plan_line l;
	int n, ret;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		err[0] = '\0';
		ret = bench_parse_plan_line(line, &l, err, sizeof(err));
		if (ret < 0 && !err[0])
			abort();	/* a refusal says why */
		if (ret || l.unavailable)
			continue;
		words = NULL;
		/* what the plan gives the runs: words, {n} expanded */
		n = bench_split(l.template, &words);
		if (n > 0) {
			char **cmd = NULL;

			if (!bench_expand(words, n, 100, "10", &cmd))
				free(cmd);
		}
		free(words);
	}
	free(text);
	return 0;
}
