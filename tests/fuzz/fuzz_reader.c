// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target for `taskmem report`'s JSON reader and renderers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output/plot.h"
#include "replay/reader.h"
#include "output/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[256];
	struct saved_report s;
	FILE *null;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (reader_parse(text, &s, err, sizeof(err)) == 0) {
		/* whatever was read must render without a fault */
		null = fopen("/dev/null", "w");
		if (null) {
			report_write(null, &s.r, TM_FORMAT_TABLE, true);
			report_write(null, &s.r, TM_FORMAT_JSON, false);
			report_write(null, &s.r, TM_FORMAT_CSV, false);
			if (s.r.timeline)
				plot_timeline(null, &s.r, s.r.timeline);
			fclose(null);
		}
		reader_free(&s);
	}
	free(text);
	return 0;
}
