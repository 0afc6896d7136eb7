#!/bin/bash
# Integration test of the footprint: run workloads under taskmem, in a memory
# cgroup of their own (--cgroup-check), and check taskmem's kernel stacks,
# page tables and footprint against what the workload and the kernel's
# memory cgroup say.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ratio A B: A / B with 3 decimals, "n/a" when either is not a number or B is 0
ratio() {
	if is_int "$1" && is_int "$2" && (($2 != 0)); then
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
	else
		printf 'n/a'
	fi
}

# close_by_ratio NAME VALUE REF_NAME REF PERCENT [NOTE]: byte counts within
# PERCENT % of each other, the ratio shown beside the figure
close_by_ratio() {
	close_to "$1" bytes "$2" "$3" "$4" "$5" 0 \
		"ratio $(ratio "$2" "$4")${6:+; $6}"
}

# sum of integers, "missing" when one is not an integer
sum() {
	local total=0 v

	for v in "$@"; do
		is_int "$v" || { printf 'missing'; return; }
		total=$((total + v))
	done
	printf '%s' "$total"
}

# kmem_note: the cgroup's kernel memory peak beside taskmem's kernel stacks,
# task_structs and page tables in the current report (each a peak of its own)
kmem_note() {
	local kstack task pgt ours theirs

	kstack=$(val .tree.peak_kstack_bytes)
	task=$(val .tree.peak_task_struct_bytes)
	pgt=$(val .tree.peak_pgtables_bytes)
	ours=$(sum "$kstack" "$task" "$pgt")
	theirs=$(val .cgroup.peak_kmem_bytes)
	if is_int "$theirs"; then
		theirs=$(mib "$theirs")
	else
		theirs="n/a (cgroup.version $(val .cgroup.version))"
	fi
	printf 'kmem: cgroup peak %s, taskmem kstack + task_struct + pgtables %s = %s + %s + %s, ratio %s' \
		"$theirs" "$(fmt bytes "$ours")" "$(fmt bytes "$kstack")" \
		"$(fmt bytes "$task")" "$(fmt bytes "$pgt")" \
		"$(ratio "$ours" "$(val .cgroup.peak_kmem_bytes)")"
}

# checks every run gets: nothing lost, footprint not below RSS
common_checks() { # NAME
	equals "$1: lost_events" "$(val .lost_events)" 0
	bytes_range "$1: tree.peak_footprint_bytes >= tree.peak_rss_bytes" \
		"$(val .tree.peak_footprint_bytes)" "$(val .tree.peak_rss_bytes)" ""
}

# what the cgroup reported, and taskmem's footprint against its peak usage
cgroup_checks() { # NAME PERCENT
	expect_range "$1: cgroup.version" int "$(val .cgroup.version)" 1 2
	if [[ $(val .cgroup.version) == 1 ]]; then
		expect_range "$1: cgroup.peak_kmem_bytes" int \
			"$(val .cgroup.peak_kmem_bytes)" 1 ""
	fi
	close_by_ratio "$1: tree.peak_footprint_bytes vs cgroup" \
		"$(val .tree.peak_footprint_bytes)" cgroup.peak_usage_bytes \
		"$(val .cgroup.peak_usage_bytes)" "$2" "$(kmem_note)"
}

# 2000 threads alive at once: their kernel stacks and task_structs dominate
case_threads() {
	local n=threads kstack kstack_min=1

	run $n 0 --cgroup-check -- "$TOOLS/demo-threads" 2000 1 || return
	equals "$n: tree.peak_threads" "$(val .tree.peak_threads)" 2001
	kstack=$(val .kernel_objects.kstack_bytes)
	# THREAD_SIZE: 16 KiB on x86_64 since 3.15
	[[ $(uname -m) == x86_64 ]] && kstack_min=16384
	expect_range "$n: kernel_objects.kstack_bytes" int "$kstack" \
		"$kstack_min" ""
	is_int "$kstack" && kstack=$((2000 * kstack))
	bytes_range "$n: tree.peak_kstack_bytes" \
		"$(val .tree.peak_kstack_bytes)" "$kstack" ""
	common_checks $n
	cgroup_checks $n 15
}

# 2 GiB touched in 4 KiB pages: 512 page-table pages, the kernel's VmPTE
case_pgtables() {
	local n=pgtables vmpte

	run $n 0 -- "$TOOLS/memshape" anon-pte 2048 300 || return
	vmpte=$(awk '$1 == "vmpte_kb" { print $2 }' "$tmp/$n.out" | tail -n 1)
	if ! is_int "$vmpte"; then
		result 0 "$n: vmpte_kb on stdout" "none" "a line 'vmpte_kb N'"
		return
	fi
	bytes_range "$n: tree.peak_pgtables_bytes" \
		"$(val .tree.peak_pgtables_bytes)" $((4 * M)) ""
	close_by_ratio "$n: tree.peak_pgtables_bytes vs VmPTE" \
		"$(val .tree.peak_pgtables_bytes)" "workload's VmPTE" \
		$((vmpte * 1024)) 10
	common_checks $n
}

# anon memory only, four 64 MiB children at once: RSS dominates
case_children() {
	local n=children

	run $n 0 --cgroup-check -- "$TOOLS/memshape" children 4 64 300 parallel ||
		return
	common_checks $n
	cgroup_checks $n 5
}

# Everything a run needs; false (after saying why) when the test cannot run.
preflight() {
	need_root test_footprint.sh || return 1
	need_tools "$TASKMEM" "$TOOLS/memshape" "$TOOLS/demo-threads" || return 1
	if ! "$TASKMEM" trace --help 2>&1 | grep -q -- --cgroup-check; then
		result 0 "preflight: $TASKMEM trace --cgroup-check" "unknown" \
			"an option (make)"
		return 1
	fi
	if [[ ! -e /sys/fs/cgroup/memory/memory.max_usage_in_bytes ]] &&
		! grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
		cannot_run test_footprint.sh \
			"no memory cgroup: mount the v1 memory controller or cgroup v2" \
			"preflight: memory cgroup" "none" "v1 or v2 (CI=true)"
		return 1
	fi
}

main() {
	start preflight

	case_threads
	case_pgtables
	case_children

	finish
}

main "$@"
