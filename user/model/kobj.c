// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/kobj.h"

const struct kobj_cache_name kobj_caches[KOBJ_NR] = {
	[KOBJ_TASK_STRUCT] = { "task_struct", "task_struct" },
	[KOBJ_MM_STRUCT] = { "mm_struct", "mm_struct" },
	[KOBJ_VMA] = { "vm_area_struct", "vm_area_struct" },
	[KOBJ_SIGNAL] = { "signal_cache", "signal_struct" },
	[KOBJ_SIGHAND] = { "sighand_cache", "sighand_struct" },
	[KOBJ_FILES] = { "files_cache", "files_struct" },
};

/* "name active num objsize ...": the name and objsize of one line. */
static int parse_line(const char *line, size_t len, char *name,
		      size_t namelen, uint64_t *objsize)
{
	char buf[256], *tok, *save, *end;
	int field = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (tok = strtok_r(buf, " \t", &save); tok && field < 4;
	     tok = strtok_r(NULL, " \t", &save), field++) {
		if (field == 0) {
			snprintf(name, namelen, "%s", tok);
			continue;
		}
		/* counts are plain decimal: no sign, no junk */
		if (*tok < '0' || *tok > '9')
			return -EINVAL;
		errno = 0;
		*objsize = strtoull(tok, &end, 10);
		if (errno || *end)
			return -EINVAL;
	}
	return field == 4 ? 0 : -EINVAL;
}

int kobj_parse_slabinfo(const char *text, uint64_t objsize[KOBJ_NR])
{
	const char *line = text;
	int found = 0, i;

	memset(objsize, 0, sizeof(uint64_t) * KOBJ_NR);
	while (line && *line) {
		const char *next = strchr(line, '\n');
		size_t len = next ? (size_t)(next - line) : strlen(line);
		char name[64];
		uint64_t size;

		if (!parse_line(line, len, name, sizeof(name), &size)) {
			for (i = 0; i < KOBJ_NR; i++) {
				if (strcmp(name, kobj_caches[i].slab) ||
				    objsize[i])
					continue;
				objsize[i] = size;
				found++;
			}
		}
		line = next ? next + 1 : NULL;
	}
	return found;
}

void kobj_sizes_from(const uint64_t objsize[KOBJ_NR], uint64_t kstack,
		     struct kobj_sizes *out)
{
	out->task_struct = objsize[KOBJ_TASK_STRUCT];
	out->kstack = kstack;
	out->proc = objsize[KOBJ_SIGNAL] + objsize[KOBJ_SIGHAND] +
		    objsize[KOBJ_FILES];
	out->mm = objsize[KOBJ_MM_STRUCT];
	out->vma = objsize[KOBJ_VMA];
}
