// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "model/unique_mem.h"

void unique_none(struct unique_result *u, const char *fmt, ...)
{
	static const char none[] = "none: ";
	va_list ap;

	memset(u, 0, sizeof(*u));
	memcpy(u->source, none, sizeof(none));
	va_start(ap, fmt);
	vsnprintf(u->source + sizeof(none) - 1,
		  sizeof(u->source) - sizeof(none) + 1, fmt, ap);
	va_end(ap);
}

bool unique_offer(struct unique_result *u, const struct unique_breakdown *b)
{
	uint64_t sum = unique_sum(b);

	u->cur_unique = sum;
	if (u->valid && sum <= u->peak_unique)
		return false;
	u->at_peak = *b;
	u->peak_unique = sum;
	u->valid = true;
	return true;
}

void unique_offer_charged(struct unique_result *u, uint64_t bytes)
{
	if (bytes > u->peak_charged)
		u->peak_charged = bytes;
}

void unique_finish(struct unique_result *u, uint64_t tree_peak_rss)
{
	uint64_t rss = unique_rss(&u->at_peak);

	u->shared_at_peak = u->valid && tree_peak_rss > rss ?
				    tree_peak_rss - rss : 0;
}
