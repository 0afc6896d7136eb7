// SPDX-License-Identifier: GPL-2.0
/*
 * A type looked up by name in raw BTF bytes, without building libbpf's
 * index of every type: the kernel's BTF has about 126k types, and
 * btf__load_vmlinux_btf() copies its 5.5 MB twice and indexes them all
 * (10 to 20 ms and 11 MB of memory), where the feature probes want a
 * handful of names. The string section holds each name once (BTF is
 * deduplicated), so the name's offset is found first and the walk over the
 * types compares numbers.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <linux/btf.h>
#include "trace/btf_scan.h"

/* The bytes a type takes in the type section; 0 for a kind not known. */
static size_t type_bytes(const struct btf_type *t)
{
	size_t vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
		return sizeof(*t) + sizeof(__u32);
	case BTF_KIND_ARRAY:
		return sizeof(*t) + sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return sizeof(*t) + vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return sizeof(*t) + vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return sizeof(*t) + vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return sizeof(*t) + vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(*t) + sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return sizeof(*t) + vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(*t) + sizeof(struct btf_decl_tag);
	case BTF_KIND_FWD:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return sizeof(*t);
	}
	return 0;
}

/* The offset of name in the string section, or -1 if it is not there. */
static long string_offset(const char *strs, size_t len, const char *name)
{
	size_t n = strlen(name) + 1;	/* with its NUL */
	const char *p = strs, *end = strs + len;

	while (n <= (size_t)(end - p)) {
		p = memmem(p, end - p, name, n);
		if (!p)
			return -1;
		/* a whole string, not the tail of a longer one */
		if (p == strs || p[-1] == '\0')
			return p - strs;
		p++;
	}
	return -1;
}

int btf_scan_find(const void *data, size_t size, const char *name, int kind)
{
	const struct btf_header *h = data;
	const char *types, *strs;
	size_t off, step;
	long name_off;
	int id;

	if (size < sizeof(*h) || h->magic != BTF_MAGIC || h->version != 1 ||
	    h->hdr_len < sizeof(*h) || h->hdr_len > size ||
	    (size_t)h->type_off + h->type_len > size - h->hdr_len ||
	    (size_t)h->str_off + h->str_len > size - h->hdr_len ||
	    h->type_len % 4 || (h->hdr_len + h->type_off) % 4 ||
	    (uintptr_t)data % 4)
		return -EINVAL;
	types = (const char *)data + h->hdr_len + h->type_off;
	strs = (const char *)data + h->hdr_len + h->str_off;
	name_off = string_offset(strs, h->str_len, name);
	if (name_off <= 0)
		return 0;
	for (off = 0, id = 1; off < h->type_len; off += step, id++) {
		const struct btf_type *t = (const void *)(types + off);

		if (h->type_len - off < sizeof(*t))
			return -EINVAL;
		step = type_bytes(t);
		if (!step || step > h->type_len - off)
			return -EINVAL;
		if (t->name_off == (__u32)name_off &&
		    (int)BTF_INFO_KIND(t->info) == kind)
			return id;
	}
	return 0;
}
