#!/bin/bash
# Integration test of memory attribution (--profile, --folded, --flame):
# tools/attrib (built -O2 -g without frame pointers) reaches memory from
# known functions through one helper and libc's memset, and the profile
# must give each function its bytes: at the tree's RSS peak and faulted in
# overall, kernel stacks of new threads to the function that created them,
# a child that exits early symbolized, and pages the kernel faults in for
# a syscall (MAP_POPULATE, read) given to the syscall's caller. `go tool
# pprof` reads the profile, as a user would.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The sampling error of one function's bytes is below one sample (2 MiB by default)
# per stretch of memory it touched; 15 % is the issue's bound.
PCT=15

# folded_sum FILE FRAME: at-peak bytes of the stacks through FRAME
folded_sum() {
	awk -v f=";$2;" '{ line = $0; sub(/ [0-9]+$/, "", line)
		if (index(line ";", f)) s += $NF } END { printf "%d", s }' "$1"
}

# pprof_cum FILE INDEX FUNCTION [PPROF-OPTION]: cumulative bytes of
# FUNCTION in the sample type INDEX, as `go tool pprof -top` prints it;
# "missing" when absent
pprof_cum() {
	go tool pprof -top -cum -sample_index="$2" -unit=B -nodefraction=0 ${4:+"$4"} \
		-nodecount=100000 "$1" 2>/dev/null |
		awk -v fn="$3" '{ name = $0
			sub(/^ *[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +/, "", name) }
			name == fn { sub(/B$/, "", $4); print $4; found = 1; exit }
			END { if (!found) print "missing" }'
}

case_phases() {
	local p=$tmp/phases f=$tmp/phases.folded svg=$tmp/phases.svg v

	run phases 0 -q --profile "$p.pb.gz" --folded "$f" --flame "$svg" \
		-- "$TOOLS/attrib" phases || return
	close_to "phases: at-peak bytes of keeper()" bytes \
		"$(folded_sum "$f" keeper)" "300 MiB" $((300 * M)) $PCT 0
	bytes_range "phases: at-peak bytes of first_phase() (freed before)" \
		"$(folded_sum "$f" first_phase)" 0 $((2 * M))
	bytes_range "phases: at-peak bytes of after_peak() (after the peak)" \
		"$(folded_sum "$f" after_peak)" 0 $((2 * M))
	bytes_range "phases: at-peak bytes of child_alloc() (exited)" \
		"$(folded_sum "$f" child_alloc)" 0 $((2 * M))
	v=$(awk '{ s += $NF } END { printf "%d", s }' "$f")
	close_to "phases: at-peak bytes in the folded file" bytes "$v" \
		"the tree's peak RSS" "$(val '.tree.peak_rss_bytes')" 5 $((2 * M))
	close_to "phases: faulted bytes of first_phase() (pprof)" bytes \
		"$(pprof_cum "$p.pb.gz" faulted_bytes first_phase)" "200 MiB" \
		$((200 * M)) $PCT 0
	close_to "phases: faulted bytes of keeper() (pprof)" bytes \
		"$(pprof_cum "$p.pb.gz" faulted_bytes keeper)" "300 MiB" \
		$((300 * M)) $PCT 0
	close_to "phases: faulted bytes of after_peak() (pprof)" bytes \
		"$(pprof_cum "$p.pb.gz" faulted_bytes after_peak)" "100 MiB" \
		$((100 * M)) $PCT 0
	close_to "phases: at-peak bytes of keeper() (pprof)" bytes \
		"$(pprof_cum "$p.pb.gz" peak_bytes keeper)" "300 MiB" \
		$((300 * M)) $PCT 0
	# the child forked, touched 64 MiB and exited before the run ended
	close_to "phases: faulted bytes of the exited child's child_alloc()" \
		bytes "$(pprof_cum "$p.pb.gz" faulted_bytes child_alloc)" \
		"64 MiB" $((64 * M)) $PCT 0
	v=$(grep -c 'attrib;.*;touch;' "$f")
	expect_range "phases: folded stacks through touch(), root 'attrib'" int \
		"$v" 1 ""
	v=$(grep -c '<rect' "$svg" 2>/dev/null)
	expect_range "phases: frames drawn in the flame graph" int "${v:-0}" 5 ""
	v=$(grep -c '>keeper<' "$svg" 2>/dev/null)
	equals "phases: flame graph frames labelled keeper()" "${v:-0}" 1
}

case_threads() {
	local p=$tmp/threads.pb.gz all under

	run threads 0 -q --profile "$p" -- "$TOOLS/attrib" threads 2000 || return
	all=$(pprof_cum "$p" kernel_bytes "[kernel] thread: stack and task_struct")
	# the threads' own objects: their stacks' page tables are counted apart
	under=$(pprof_cum "$p" kernel_bytes spawn_threads '-ignore=page tables')
	expect_range "threads: kernel bytes of new threads" bytes "$all" \
		$((2000 * 16384 * 85 / 100)) ""
	if is_int "$all" && is_int "$under" && ((all > 0)); then
		expect_range "threads: % of them under spawn_threads()" int \
			$((under * 100 / all)) 80 100
	else
		result 0 "threads: kernel bytes under spawn_threads()" \
			"$under of $all" ">= 80 %"
	fi
}

# 4 GiB touched a page every 2 MiB: 2048 page-table pages (8 MiB) grown by
# sparse_toucher()'s faults, attributed to it under "[kernel] page tables"
case_sparse() {
	local p=$tmp/sparse.pb.gz f=$tmp/sparse.folded pgt under

	run sparse 0 -q --profile "$p" --folded "$f" --sample-bytes 256K \
		-- "$TOOLS/attrib" sparse 4096 || return
	pgt=$(pprof_cum "$p" kernel_bytes "[kernel] page tables")
	under=$(pprof_cum "$p" kernel_bytes sparse_toucher)
	expect_range "sparse: kernel bytes under sparse_toucher()" bytes \
		"$under" $((8 * M * 80 / 100)) $((8 * M * 120 / 100))
	if is_int "$pgt" && is_int "$under" && ((pgt > 0)); then
		expect_range "sparse: % of the page tables under sparse_toucher()" \
			int $((under * 100 / pgt)) 80 100
	else
		result 0 "sparse: page tables under sparse_toucher()" \
			"$under of $pgt" ">= 80 %"
	fi
	# kept to the end: at the peak too
	expect_range "sparse: at-peak page tables in the folded file" bytes \
		"$(folded_sum "$f" "[kernel] page tables")" $((8 * M * 80 / 100)) \
		$((8 * M * 120 / 100))
}

# Pages the kernel faults in for a syscall, 64 MiB each, are sampled at
# the syscall's stack: MAP_POPULATE and read() into a fresh buffer
case_kernel_faults() {
	local p=$tmp/kernel.pb.gz fn

	run kernel 0 -q --profile "$p" -- "$TOOLS/attrib" kernel 64 || return
	for fn in populate_mapping read_into; do
		close_to "kernel: faulted bytes of $fn()" bytes \
			"$(pprof_cum "$p" faulted_bytes "$fn")" "64 MiB" \
			$((64 * M)) $PCT 0
		close_to "kernel: at-peak bytes of $fn()" bytes \
			"$(pprof_cum "$p" peak_bytes "$fn")" "64 MiB" \
			$((64 * M)) $PCT 0
	done
}

case_bad_input() {
	trace bad_sample_bytes -q --profile "$tmp/x.pb.gz" --sample-bytes 1000 \
		-- /bin/true
	expect_status bad_sample_bytes 64
	contains "bad_sample_bytes: message names the value" \
		"$(cat "$tmp/bad_sample_bytes.err")" "'1000'"
	trace bad_profile_path -q --profile /nonexistent/dir/x.pb.gz -- /bin/true
	expect_status bad_profile_path 64
}

preflight() {
	need_root test_profile.sh || return 1
	need_tools "$TASKMEM" "$TOOLS/attrib" || return 1
	if ! command -v go >/dev/null; then
		cannot_run test_profile.sh "no go: install golang-go" \
			"preflight: go tool pprof" "none" "golang-go (CI=true)"
		return 1
	fi
}

main() {
	start preflight

	case_phases
	case_threads
	case_sparse
	case_kernel_faults
	case_bad_input

	finish
}

main "$@"
