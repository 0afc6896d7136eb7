// SPDX-License-Identifier: GPL-2.0
/*
 * profile.proto by hand: the message is small and every field written here
 * is a varint, a packed varint array, a string or a nested message.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "output/pprof.h"

struct pb {
	uint8_t *b;
	size_t n, cap;
	bool nomem;
};

enum { WIRE_VARINT = 0, WIRE_BYTES = 2 };

static void pb_put(struct pb *p, const void *data, size_t n)
{
	if (p->nomem)
		return;
	if (p->n + n > p->cap) {
		size_t cap = p->cap ? p->cap : 4096;
		uint8_t *b;

		while (cap < p->n + n)
			cap *= 2;
		b = realloc(p->b, cap);
		if (!b) {
			p->nomem = true;
			return;
		}
		p->b = b;
		p->cap = cap;
	}
	memcpy(p->b + p->n, data, n);
	p->n += n;
}

static void pb_varint(struct pb *p, uint64_t v)
{
	uint8_t buf[10];
	size_t n = 0;

	do {
		buf[n] = v & 0x7f;
		v >>= 7;
		if (v)
			buf[n] |= 0x80;
		n++;
	} while (v);
	pb_put(p, buf, n);
}

static void pb_uint(struct pb *p, unsigned field, uint64_t v)
{
	pb_varint(p, (uint64_t)field << 3 | WIRE_VARINT);
	pb_varint(p, v);
}

static void pb_bytes(struct pb *p, unsigned field, const void *data, size_t n)
{
	pb_varint(p, (uint64_t)field << 3 | WIRE_BYTES);
	pb_varint(p, n);
	pb_put(p, data, n);
}

/* A nested message, then reset it for the next one. */
static void pb_msg(struct pb *p, unsigned field, struct pb *sub)
{
	pb_bytes(p, field, sub->b, sub->n);
	p->nomem |= sub->nomem;
	sub->n = 0;
}

/* Profile fields */
#define P_SAMPLE_TYPE 1
#define P_SAMPLE 2
#define P_LOCATION 4
#define P_FUNCTION 5
#define P_STRING_TABLE 6
#define P_TIME_NANOS 9
#define P_PERIOD_TYPE 11
#define P_PERIOD 12
#define P_DEFAULT_SAMPLE_TYPE 14

/* Strings besides the frame names, after "" and them. */
static const char *const extra[] = { "peak_bytes", "faulted_bytes",
				     "kernel_bytes", "bytes", "space" };
enum { X_PEAK, X_FAULTED, X_KERNEL, X_BYTES, X_SPACE, X_NR };

static void value_type(struct pb *p, unsigned field, struct pb *sub,
		       uint64_t base, int type, int unit)
{
	pb_uint(sub, 1, base + type);
	pb_uint(sub, 2, base + unit);
	pb_msg(p, field, sub);
}

static void encode(struct pb *p, const struct stacks *st,
		   uint64_t sample_bytes, uint64_t time_ns)
{
	struct pb sub = {}, packed = {};
	uint64_t base = st->names.n + 1; /* index of extra[0] */
	size_t i;
	int k;

	for (k = STACK_PEAK; k < STACK_NR_VALUES; k++)
		value_type(p, P_SAMPLE_TYPE, &sub, base, X_PEAK + k, X_BYTES);
	for (i = 0; i < st->n; i++) {
		const struct stack *s = &st->v[i];
		uint32_t j;

		if (!s->v[STACK_PEAK] && !s->v[STACK_FAULTED] &&
		    !s->v[STACK_KERNEL])
			continue;
		/* locations leaf first; location id = name id + 1 */
		for (j = s->n; j-- > 0;)
			pb_varint(&packed, s->frames[j] + 1);
		pb_msg(&sub, 1, &packed);
		for (k = STACK_PEAK; k < STACK_NR_VALUES; k++)
			pb_varint(&packed, s->v[k]);
		pb_msg(&sub, 2, &packed);
		pb_msg(p, P_SAMPLE, &sub);
	}
	for (i = 0; i < st->names.n; i++) {
		struct pb line = {};

		pb_uint(&line, 1, i + 1);	/* function_id */
		pb_uint(&sub, 1, i + 1);	/* id */
		pb_msg(&sub, 4, &line);
		pb_msg(p, P_LOCATION, &sub);
		free(line.b);
		pb_uint(&sub, 1, i + 1);	/* id */
		pb_uint(&sub, 2, i + 1);	/* name */
		pb_uint(&sub, 3, i + 1);	/* system_name */
		pb_msg(p, P_FUNCTION, &sub);
	}
	pb_bytes(p, P_STRING_TABLE, "", 0);
	for (i = 0; i < st->names.n; i++)
		pb_bytes(p, P_STRING_TABLE, st->names.s[i],
			 strlen(st->names.s[i]));
	for (k = 0; k < X_NR; k++)
		pb_bytes(p, P_STRING_TABLE, extra[k], strlen(extra[k]));
	pb_uint(p, P_TIME_NANOS, time_ns);
	value_type(p, P_PERIOD_TYPE, &sub, base, X_SPACE, X_BYTES);
	pb_uint(p, P_PERIOD, sample_bytes);
	pb_uint(p, P_DEFAULT_SAMPLE_TYPE, base + X_PEAK);
	p->nomem |= sub.nomem || packed.nomem;
	free(sub.b);
	free(packed.b);
}

/* gzip of data to f. */
static int gzip_write(FILE *f, const uint8_t *data, size_t n)
{
	unsigned char out[65536];
	z_stream z = {};
	int ret;

	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	z.next_in = (unsigned char *)data;
	z.avail_in = n;
	do {
		z.next_out = out;
		z.avail_out = sizeof(out);
		ret = deflate(&z, Z_FINISH);
		if (ret == Z_STREAM_ERROR)
			break;
		fwrite(out, 1, sizeof(out) - z.avail_out, f);
	} while (ret != Z_STREAM_END);
	deflateEnd(&z);
	if (ret != Z_STREAM_END)
		return -EIO;
	return ferror(f) ? -EIO : 0;
}

int pprof_write(FILE *f, const struct stacks *st, uint64_t sample_bytes,
		uint64_t time_ns)
{
	struct pb p = {};
	int err;

	encode(&p, st, sample_bytes, time_ns);
	err = p.nomem ? -ENOMEM : gzip_write(f, p.b, p.n);
	free(p.b);
	return err;
}
