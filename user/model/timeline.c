// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model/timeline.h"

int timeline_init(struct timeline *tl, size_t cap)
{
	memset(tl, 0, sizeof(*tl));
	if (cap < 2)
		cap = 2;
	tl->s = calloc(cap, sizeof(*tl->s));
	if (!tl->s)
		return -ENOMEM;
	tl->cap = cap;
	tl->merge = 1;
	return 0;
}

void timeline_free(struct timeline *tl)
{
	free(tl->s);
	memset(tl, 0, sizeof(*tl));
}

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

void timeline_merge(struct tl_sample *a, const struct tl_sample *b)
{
	uint64_t max_rss = max64(a->max_rss, b->max_rss);
	uint64_t max_fp = max64(a->max_footprint, b->max_footprint);

	*a = *b;
	a->max_rss = max_rss;
	a->max_footprint = max_fp;
}

/* Halve the series: each pair becomes one sample, no maximum lost. */
static void thin(struct timeline *tl)
{
	size_t i;

	for (i = 0; i + 1 < tl->n; i += 2) {
		tl->s[i / 2] = tl->s[i];
		timeline_merge(&tl->s[i / 2], &tl->s[i + 1]);
	}
	if (tl->n % 2)
		tl->s[i / 2] = tl->s[i];
	tl->n = (tl->n + 1) / 2;
	tl->merge *= 2;
	/* the last kept sample may now hold fewer raw ones than merge */
	tl->folded = tl->merge;
}

void timeline_add(struct timeline *tl, const struct tl_sample *s)
{
	tl->samples++;
	if (tl->n && tl->folded < tl->merge) {
		timeline_merge(&tl->s[tl->n - 1], s);
		tl->folded++;
		return;
	}
	if (tl->n == tl->cap)
		thin(tl);
	tl->s[tl->n++] = *s;
	tl->folded = 1;
}
