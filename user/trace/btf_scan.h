/* SPDX-License-Identifier: GPL-2.0 */
/* Names looked up in raw BTF bytes, no libbpf (trace/features.c's probes). */
#ifndef TM_BTF_SCAN_H
#define TM_BTF_SCAN_H

#include <stddef.h>

/*
 * The id of the type called name, of BTF_KIND_* kind, in the BTF blob
 * data (native byte order, no base BTF: the kernel's vmlinux BTF); 0 when
 * there is none, -EINVAL when data is not BTF this code can walk.
 */
int btf_scan_find(const void *data, size_t size, const char *name, int kind);

#endif /* TM_BTF_SCAN_H */
