// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "model/stacks.h"

static uint64_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	while (n--) {
		h ^= *c++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Grow an open-addressing index to twice its size and rehash. */
static int index_grow(uint32_t **slot, size_t *nslots, size_t n,
		      uint64_t (*hash)(const void *ctx, uint32_t id),
		      const void *ctx)
{
	size_t ns = *nslots ? *nslots * 2 : 64, i;
	uint32_t *s = calloc(ns, sizeof(*s));

	if (!s)
		return -1;
	for (i = 0; i < n; i++) {
		size_t j = hash(ctx, i) & (ns - 1);

		while (s[j])
			j = (j + 1) & (ns - 1);
		s[j] = i + 1;
	}
	free(*slot);
	*slot = s;
	*nslots = ns;
	return 0;
}

static uint64_t str_hash(const void *ctx, uint32_t id)
{
	const struct strtab *t = ctx;

	return hash_bytes(t->s[id], strlen(t->s[id]));
}

uint32_t strtab_intern(struct strtab *t, const char *text)
{
	uint64_t h = hash_bytes(text, strlen(text));
	size_t j;

	if ((t->n + 1) * 2 > t->nslots &&
	    index_grow(&t->slot, &t->nslots, t->n, str_hash, t))
		return UINT32_MAX;
	for (j = h & (t->nslots - 1); t->slot[j]; j = (j + 1) & (t->nslots - 1))
		if (!strcmp(t->s[t->slot[j] - 1], text))
			return t->slot[j] - 1;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **s = realloc(t->s, cap * sizeof(*s));

		if (!s)
			return UINT32_MAX;
		t->s = s;
		t->cap = cap;
	}
	t->s[t->n] = strdup(text);
	if (!t->s[t->n])
		return UINT32_MAX;
	t->slot[j] = ++t->n;
	return t->n - 1;
}

void strtab_free(struct strtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

static uint64_t stack_hash(const void *ctx, uint32_t id)
{
	const struct stacks *st = ctx;

	return hash_bytes(st->v[id].frames, st->v[id].n * sizeof(uint32_t));
}

uint32_t stacks_intern(struct stacks *st, const uint32_t *frames, uint32_t n)
{
	uint64_t h = hash_bytes(frames, n * sizeof(uint32_t));
	struct stack *s;
	size_t j;

	if ((st->n + 1) * 2 > st->nslots &&
	    index_grow(&st->slot, &st->nslots, st->n, stack_hash, st))
		return UINT32_MAX;
	for (j = h & (st->nslots - 1); st->slot[j];
	     j = (j + 1) & (st->nslots - 1)) {
		s = &st->v[st->slot[j] - 1];
		if (s->n == n && !memcmp(s->frames, frames, n * sizeof(*frames)))
			return st->slot[j] - 1;
	}
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 64;
		struct stack *v = realloc(st->v, cap * sizeof(*v));

		if (!v)
			return UINT32_MAX;
		st->v = v;
		st->cap = cap;
	}
	s = &st->v[st->n];
	memset(s, 0, sizeof(*s));
	s->frames = malloc((n ? n : 1) * sizeof(*frames));
	if (!s->frames)
		return UINT32_MAX;
	memcpy(s->frames, frames, n * sizeof(*frames));
	s->n = n;
	st->slot[j] = ++st->n;
	return st->n - 1;
}

uint32_t stacks_intern_names(struct stacks *st, const char *const *names,
			     uint32_t n)
{
	uint32_t ids[256], i;

	if (n > 256)
		n = 256;
	for (i = 0; i < n; i++) {
		ids[i] = strtab_intern(&st->names, names[i]);
		if (ids[i] == UINT32_MAX)
			return UINT32_MAX;
	}
	return stacks_intern(st, ids, n);
}

uint32_t stacks_with_leaf(struct stacks *st, uint32_t stack, const char *leaf)
{
	uint32_t id = strtab_intern(&st->names, leaf), n, *frames;

	if (id == UINT32_MAX || stack >= st->n)
		return UINT32_MAX;
	/* a copy: interning may move st->v */
	n = st->v[stack].n;
	frames = malloc((n + 1) * sizeof(*frames));
	if (!frames)
		return UINT32_MAX;
	memcpy(frames, st->v[stack].frames, n * sizeof(*frames));
	frames[n] = id;
	id = stacks_intern(st, frames, n + 1);
	free(frames);
	return id;
}

void stacks_free(struct stacks *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->v[i].frames);
	free(st->v);
	free(st->slot);
	strtab_free(&st->names);
	memset(st, 0, sizeof(*st));
}

uint64_t stacks_total(const struct stacks *st, enum stack_value v)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < st->n; i++)
		sum += st->v[i].v[v];
	return sum;
}
