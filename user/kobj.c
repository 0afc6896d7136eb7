// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "kobj.h"

const struct kobj_cache_name kobj_caches[KOBJ_NR] = {
	[KOBJ_TASK_STRUCT] = { "task_struct", "task_struct" },
	[KOBJ_MM_STRUCT] = { "mm_struct", "mm_struct" },
	[KOBJ_VMA] = { "vm_area_struct", "vm_area_struct" },
	[KOBJ_SIGNAL] = { "signal_cache", "signal_struct" },
	[KOBJ_SIGHAND] = { "sighand_cache", "sighand_struct" },
	[KOBJ_FILES] = { "files_cache", "files_struct" },
};

int kobj_parse_slabinfo(const char *text, uint64_t objsize[KOBJ_NR])
{
	const char *line = text;
	int found = 0, i;

	memset(objsize, 0, sizeof(uint64_t) * KOBJ_NR);
	while (line && *line) {
		const char *next = strchr(line, '\n');
		char name[64];
		unsigned long active, num, size;

		/* "name active_objs num_objs objsize ..." */
		if (sscanf(line, "%63s %lu %lu %lu", name, &active, &num,
			   &size) == 4) {
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
