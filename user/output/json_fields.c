// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include "model/model.h"
#include "output/json_fields.h"

#define F(k, kind, st, m, max) { k, kind, offsetof(st, m), \
				 sizeof(((st *)0)->m), max }
#define P(k, kind, m, max) F(k, kind, struct tm_proc, m, max)
#define T(k, m, max) F(k, JF_U64, struct tm_tree, m, max)
#define K(k, m) F(k, JF_U64, struct kobj_sizes, m, JSON_BYTES_MAX)

const struct json_field json_proc_fields[] = {
	P("pid", JF_U32, pid, JSON_PID_MAX),
	P("ppid", JF_U32, ppid, JSON_PID_MAX),
	P("comm", JF_STRING, comm, 0),
	P("peak_rss_bytes", JF_U64, peak_rss, JSON_BYTES_MAX),
	P("peak_anon_bytes", JF_U64, peak_anon, JSON_BYTES_MAX),
	P("peak_file_bytes", JF_U64, peak_file, JSON_BYTES_MAX),
	P("peak_shmem_bytes", JF_U64, peak_shmem, JSON_BYTES_MAX),
	P("peak_vm_bytes", JF_U64, peak_vm, JSON_BYTES_MAX),
	P("peak_pgtables_bytes", JF_U64, peak_pgtables, JSON_BYTES_MAX),
	P("peak_kstack_bytes", JF_U64, peak_kstack, JSON_BYTES_MAX),
	P("peak_task_struct_bytes", JF_U64, peak_task_struct, JSON_BYTES_MAX),
	P("peak_footprint_bytes", JF_U64, peak_footprint, JSON_BYTES_MAX),
	P("peak_threads", JF_U64, peak_threads, JSON_COUNT_MAX),
	P("rss_at_tree_peak_bytes", JF_U64, rss_at_tree_peak, JSON_BYTES_MAX),
	P("minor_faults", JF_U64, min_flt, JSON_COUNT_MAX),
	P("major_faults", JF_U64, maj_flt, JSON_COUNT_MAX),
	P("exit_code", JF_EXIT, exit_code, 0),
	P("alive_at_end", JF_BOOL, alive, 0),
	P("root", JF_BOOL, root, 0),
	P("attached", JF_BOOL, attached, 0),
	P("kernel_vmhwm_bytes", JF_U64_OR_NULL, kernel_vmhwm, JSON_BYTES_MAX),
	P("shared_mm_with", JF_U32, shared_mm_with, JSON_PID_MAX),
	P("start_s", JF_SECONDS, start_s, 0),
	P("end_s", JF_SECONDS_OR_NULL, end_s, 0),
};
const size_t json_proc_nfields =
	sizeof(json_proc_fields) / sizeof(json_proc_fields[0]);

const struct json_field json_tree_fields[] = {
	T("peak_rss_bytes", peak_rss, JSON_BYTES_MAX),
	T("peak_anon_bytes", peak_anon, JSON_BYTES_MAX),
	T("peak_file_bytes", peak_file, JSON_BYTES_MAX),
	T("peak_shmem_bytes", peak_shmem, JSON_BYTES_MAX),
	T("peak_vm_bytes", peak_vm, JSON_BYTES_MAX),
	T("peak_pgtables_bytes", peak_pgtables, JSON_BYTES_MAX),
	T("peak_kstack_bytes", peak_kstack, JSON_BYTES_MAX),
	T("peak_task_struct_bytes", peak_task_struct, JSON_BYTES_MAX),
	T("peak_footprint_bytes", peak_footprint, JSON_BYTES_MAX),
	T("peak_threads", peak_threads, JSON_COUNT_MAX),
	T("peak_processes", peak_processes, JSON_COUNT_MAX),
	T("processes_total", processes_total, JSON_COUNT_MAX),
	T("threads_total", threads_total, JSON_COUNT_MAX),
	T("minor_faults", minor_faults, JSON_COUNT_MAX),
	T("major_faults", major_faults, JSON_COUNT_MAX),
};
const size_t json_tree_nfields =
	sizeof(json_tree_fields) / sizeof(json_tree_fields[0]);

#define U(k, kind, m) F(k, kind, struct unique_result, m, JSON_BYTES_MAX)
#define I(k, i) F(k, JF_U64, struct unique_breakdown, item[i], \
		     JSON_BYTES_MAX)

/* In "tree", after json_tree_fields; null without a memory cgroup. */
const struct json_field json_unique_fields[] = {
	U("peak_unique_bytes", JF_U64_OR_NULL, peak_unique),
	U("peak_charged_bytes", JF_U64_OR_NULL, peak_charged),
	U("charged_watermark_bytes", JF_U64_OR_NULL, charged_watermark),
	U("shared_bytes_at_peak", JF_U64, shared_at_peak),
	U("memory_source", JF_STRING, source),
	U("memory_sample_ms", JF_U64_OR_NULL, sample_ms),
};
const size_t json_unique_nfields =
	sizeof(json_unique_fields) / sizeof(json_unique_fields[0]);

/* "unique_at_peak", in enum unique_item order (UNIQUE_ITEM_NAMES). */
const struct json_field json_unique_item_fields[] = {
	I("anon", UNIQUE_ANON),
	I("shmem", UNIQUE_SHMEM),
	I("file_mapped", UNIQUE_FILE_MAPPED),
	I("kernel_stack", UNIQUE_KERNEL_STACK),
	I("pagetables", UNIQUE_PAGETABLES),
	I("slab", UNIQUE_SLAB),
	I("percpu", UNIQUE_PERCPU),
	I("sock", UNIQUE_SOCK),
	I("kernel_other", UNIQUE_KERNEL_OTHER),
};
const size_t json_unique_item_nfields =
	sizeof(json_unique_item_fields) / sizeof(json_unique_item_fields[0]);

const struct json_field json_kobj_fields[] = {
	K("kstack_bytes", kstack),
	K("task_struct_bytes", task_struct),
	K("process_bytes", proc),
	K("mm_struct_bytes", mm),
	K("vma_bytes", vma),
};
const size_t json_kobj_nfields =
	sizeof(json_kobj_fields) / sizeof(json_kobj_fields[0]);
