// SPDX-License-Identifier: GPL-2.0
/*
 * The sampled way: memory.stat every --memory-sample-ms and soon after
 * each new tree RSS peak; the largest sum of the items wins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace/unique_source.h"

struct unique_state {
	struct memcg *cg;
};

static void sampled_poll(struct unique_state *st, struct unique_result *u,
			 bool peak)
{
	struct unique_breakdown b;
	uint64_t usage;

	(void)peak;
	if (memcg_sample(st->cg, &b, &usage))
		return;
	unique_offer(u, &b);
	unique_offer_charged(u, usage);
}

static int sampled_start(struct unique_state **out, struct memcg *cg,
			 const struct trace_opts *o, struct unique_result *u,
			 char *why, size_t len)
{
	struct unique_state *st = calloc(1, sizeof(*st));
	struct unique_breakdown b;
	uint64_t usage;
	int err;

	if (!st)
		return -ENOMEM;
	st->cg = cg;
	/* the files stay open from here: a sample is three preads */
	err = memcg_sample(cg, &b, &usage);
	if (err) {
		snprintf(why, len, "cannot read %s/memory.stat: %s", cg->path,
			 strerror(-err));
		free(st);
		return err;
	}
	/* an existing cgroup (--cgroup, -p) holds memory already */
	unique_offer(u, &b);
	unique_offer_charged(u, usage);
	snprintf(u->source, sizeof(u->source), "memcg-v%d-sampled",
		 cg->version);
	u->sample_ms = o->memory_sample_ms;
	*out = st;
	return 0;
}

static int sampled_finish(struct unique_state *st, struct unique_result *u)
{
	sampled_poll(st, u, false);
	return 0;
}

static void sampled_close(struct unique_state *st)
{
	free(st);
}

const struct unique_source unique_sampled = {
	.name = "sampled",
	.start = sampled_start,
	.poll = sampled_poll,
	.finish = sampled_finish,
	.close = sampled_close,
};
