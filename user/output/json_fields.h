/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JSON report's field names and types, in one table each for a
 * process row, the tree and the kernel objects: report_json() writes by
 * these tables and the replay reader reads by them, so a field is added
 * in one place. Each entry also bounds what a saved report may hold.
 */
#ifndef TM_JSON_FIELDS_H
#define TM_JSON_FIELDS_H

#include <stddef.h>
#include <stdint.h>

enum json_field_kind {
	JF_U32,		/* uint32_t, at most max */
	JF_U64,		/* uint64_t, at most max */
	JF_U64_OR_NULL,	/* uint64_t; 0 is written as null */
	JF_STRING,	/* char[size], NUL-terminated */
	JF_BOOL,	/* bool */
	JF_EXIT,	/* int exit code; null while alive */
	JF_SECONDS,	/* double, 0 to JSON_SECONDS_MAX */
	JF_SECONDS_OR_NULL, /* double; null while alive */
};

struct json_field {
	const char *key;
	enum json_field_kind kind;
	size_t off;		/* in the struct the table describes */
	size_t size;		/* JF_STRING: the buffer's size */
	uint64_t max;		/* JF_U32 and JF_U64 */
};

/* A duration or time of a report: a year of tracing is a lot. */
#define JSON_SECONDS_MAX 1e9
/* Bytes and counts: anything above is not a measurement. */
#define JSON_BYTES_MAX (1ULL << 60)
#define JSON_COUNT_MAX (1ULL << 48)
/* The kernel's PID_MAX_LIMIT. */
#define JSON_PID_MAX 4194304

/* struct tm_proc, in the order a process row is written. */
extern const struct json_field json_proc_fields[];
extern const size_t json_proc_nfields;
/* struct tm_tree (the "tree" object). */
extern const struct json_field json_tree_fields[];
extern const size_t json_tree_nfields;
/* struct unique_result, written inside "tree". */
extern const struct json_field json_unique_fields[];
extern const size_t json_unique_nfields;
/* struct unique_breakdown (tree's "unique_at_peak" object). */
extern const struct json_field json_unique_item_fields[];
extern const size_t json_unique_item_nfields;
/* struct kobj_sizes (the "kernel_objects" object). */
extern const struct json_field json_kobj_fields[];
extern const size_t json_kobj_nfields;

#endif /* TM_JSON_FIELDS_H */
