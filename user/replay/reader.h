/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a saved JSON report (taskmem trace --format json) back into the
 * report model, timeline included, with json-c. No libbpf.
 */
#ifndef TM_READER_H
#define TM_READER_H

#include <stddef.h>
#include "model/model.h"
#include "model/timeline.h"

struct json_object;

/* A loaded report; its strings live in the parsed document. */
struct saved_report {
	struct json_object *doc;
	struct tm_report r;
	struct timeline tl;
	char **command;
	int *targets;
};

/*
 * Parse the JSON text into s; 0, or -EINVAL with the reason (naming the
 * field) in err.
 */
int reader_parse(const char *text, struct saved_report *s, char *err,
		 size_t errlen);
void reader_free(struct saved_report *s);

#endif /* TM_READER_H */
