#!/bin/bash
# Integration test of unique and charged memory (#14): workloads whose
# pages are shared in known ways (tools/sharing.c), each run in a memory
# cgroup of its own; the sum of RSS, unique, charged and the cgroup's own
# peak (--cgroup-check) are printed side by side for every workload. The
# exact-* cases run the workloads again with --exact-unique (memcg events in
# BPF): with CI=true, a kernel without the memcg tracepoints fails them.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

G=$((1024 * M))

# views NAME: the four figures of the current report on one line (the
# cgroup's own peak: --cgroup-check's, or a followed cgroup's watermark)
views() {
	printf '# %-9s sum of RSS %s, unique %s, charged %s, cgroup peak %s (%s)\n' \
		"$1" "$(mib "$(val .tree.peak_rss_bytes)")" \
		"$(mib "$(val .tree.peak_unique_bytes)")" \
		"$(mib "$(val .tree.peak_charged_bytes)")" \
		"$(mib "$(val '.cgroup.peak_usage_bytes // .tree.charged_watermark_bytes')")" \
		"$(val .tree.memory_source)"
}

# pct_of NAME VALUE REF_NAME REF PERCENT
pct_of() {
	close_to "$1" bytes "$2" "$3" "$4" "$5" 0
}

# the sampled source, whichever cgroup version
sampled() {
	contains "$1: tree.memory_source" "$(val .tree.memory_source)" -sampled
}

# a parent touches 256 MiB, 4 children only read it (copy-on-write)
case_cow() {
	local n=cow

	run $n 0 --cgroup-check -- "$TOOLS/sharing" cow 256 4 800 || return
	views $n
	sampled $n
	bytes_range "$n: tree.peak_rss_bytes" "$(val .tree.peak_rss_bytes)" \
		$((1152 * M)) $((1408 * M))
	bytes_range "$n: tree.peak_unique_bytes" \
		"$(val .tree.peak_unique_bytes)" $((230 * M)) $((282 * M))
	bytes_range "$n: tree.shared_bytes_at_peak" \
		"$(val .tree.shared_bytes_at_peak)" $((900 * M)) $((1178 * M))
	bytes_range "$n: tree.unique_at_peak.anon" \
		"$(val .tree.unique_at_peak.anon)" $((256 * M)) $((282 * M))
}

# 200 children exec sleep: one binary, 200 small processes
case_sleepers() {
	local n=sleepers

	run $n 0 --cgroup-check -- "$TOOLS/sharing" sleepers 200 2 || return
	views $n
	sampled $n
	equals "$n: tree.processes_total" "$(val .tree.processes_total)" 201
	pct_of "$n: tree.peak_unique_bytes" "$(val .tree.peak_unique_bytes)" \
		cgroup.peak_usage_bytes "$(val .cgroup.peak_usage_bytes)" 25
}

# a 128 MiB memfd mapped and read by 4 children and its creator
case_memfd() {
	local n=memfd

	run $n 0 --cgroup-check -- "$TOOLS/sharing" memfd 128 4 800 || return
	views $n
	sampled $n
	bytes_range "$n: tree.peak_rss_bytes" "$(val .tree.peak_rss_bytes)" \
		$((640 * M)) ""
	bytes_range "$n: tree.peak_unique_bytes" \
		"$(val .tree.peak_unique_bytes)" $((128 * M)) $((150 * M))
	bytes_range "$n: tree.unique_at_peak.shmem" \
		"$(val .tree.unique_at_peak.shmem)" $((128 * M)) $((129 * M))
}

# 2000 threads: kernel stacks and page tables are most of it
case_threads() {
	local n=threads

	run $n 0 --cgroup-check -- "$TOOLS/demo-threads" 2000 1 || return
	views $n
	sampled $n
	pct_of "$n: tree.peak_unique_bytes" "$(val .tree.peak_unique_bytes)" \
		cgroup.peak_usage_bytes "$(val .cgroup.peak_usage_bytes)" 15
	# 2000 kernel stacks of 16 KiB at least, in v1's kmem or v2's items
	bytes_range "$n: kernel part of unique_at_peak" \
		"$(val '.tree.unique_at_peak | .kernel_stack + .kernel_other')" \
		$((2000 * 16384)) ""
}

# a 256 MiB file read cold through read(): page cache, charged not unique
case_coldread() {
	local n=coldread dir file cached

	dir=$(mktemp -d /var/tmp/taskmem-unique.XXXXXX) || return
	scratch+=("$dir")
	file=$dir/cold
	if ! dd if=/dev/zero of="$file" bs=1M count=256 status=none; then
		result 0 "$n: make a 256 MiB file in $dir" "failed" "written"
		return
	fi
	run $n 0 --cgroup-check -- "$TOOLS/sharing" coldread "$file" 300 ||
		return
	views $n
	sampled $n
	equals "$n: read_bytes on stdout" \
		"$(awk '$1 == "read_bytes" { print $2 }' "$tmp/$n.out")" $((256 * M))
	# pages DONTNEED left cached were charged to the shell that wrote them
	cached=$(awk '$1 == "cached_before_bytes" { print $2 }' "$tmp/$n.out")
	is_int "$cached" || cached=0
	echo "# $n: $(mib "$cached") of the file stayed cached before the read"
	# 10% below: under memory pressure the kernel may reclaim the first
	# pages read before the last ones are (255.5 MiB seen once, with
	# nothing cached before the read)
	bytes_range "$n: tree.peak_charged_bytes" \
		"$(val .tree.peak_charged_bytes)" $(((256 * M - cached) * 9 / 10)) ""
	bytes_range "$n: tree.peak_unique_bytes" \
		"$(val .tree.peak_unique_bytes)" 1 $((32 * M))
}

# --no-cgroup: the RSS figures only, and why
case_no_cgroup() {
	local n=no-cgroup

	run $n 0 --no-cgroup -- "$TOOLS/sharing" cow 16 1 0 || return
	equals_str "$n: tree.memory_source" "$(val .tree.memory_source)" \
		"none: --no-cgroup was given"
	equals_str "$n: tree.peak_unique_bytes" "$(val .tree.peak_unique_bytes)" null
	equals_str "$n: tree.unique_at_peak" "$(val .tree.unique_at_peak)" null
	bytes_range "$n: tree.peak_rss_bytes" "$(val .tree.peak_rss_bytes)" \
		$((32 * M)) ""
}

# --cgroup PATH that cannot be followed: usage errors (64), nothing run
case_bad_cgroup() {
	local n=bad-cgroup own

	trace $n --cgroup /nonexistent/cgroup
	expect_status $n 64
	contains "$n: message" "$(cat "$tmp/$n.err")" "not a memory cgroup"
	own=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
	[[ -n $own ]] || own=$(awk -F: '$1 == 0 { print $3 }' /proc/self/cgroup)
	trace $n-self --cgroup "$own"
	expect_status $n-self 64
	contains "$n-self: message" "$(cat "$tmp/$n-self.err")" \
		"taskmem itself runs in it"
}

# --cgroup PATH: a v1 cgroup holding a 64 MiB process, followed for 1 s
case_follow() {
	local n=follow own dir pid

	own=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
	if [[ -z $own || ! -d /sys/fs/cgroup/memory$own ]]; then
		echo "skip - $n: needs cgroup v1's memory hierarchy"
		return
	fi
	dir=/sys/fs/cgroup/memory$own/taskmem-test.$$
	mkdir "$dir" || { result 0 "$n: mkdir $dir" failed made; return; }
	# in the cgroup before it touches anything: v1 charges do not move
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" anon 64 5000' sh \
		"$dir" "$TOOLS/memshape" >/dev/null &
	pid=$!
	background+=("$pid")
	sleep 0.5
	run $n 0 --cgroup "$dir" -d 1
	views $n
	sampled $n
	bytes_range "$n: tree.peak_unique_bytes" \
		"$(val .tree.peak_unique_bytes)" $((64 * M)) $((80 * M))
	bytes_range "$n: tree.charged_watermark_bytes" \
		"$(val .tree.charged_watermark_bytes)" $((64 * M)) ""
	# -p: the target is alone in its cgroup, which is then followed
	run $n-p 0 -p "$pid" -d 1
	views $n-p
	sampled $n-p
	bytes_range "$n-p: tree.peak_unique_bytes" \
		"$(val .tree.peak_unique_bytes)" $((64 * M)) $((80 * M))
	# --exact-unique starts from the cgroup's memory.stat
	run $n-exact 0 --exact-unique --cgroup "$dir" -d 1
	views $n-exact
	if exact $n-exact; then
		bytes_range "$n-exact: tree.unique_at_peak.anon" \
			"$(val .tree.unique_at_peak.anon)" $((64 * M)) $((66 * M))
	fi
	kill "$pid"
	wait "$pid" 2>/dev/null
	rmdir "$dir"
}

# --exact-unique: the same workloads, unique memory from memcg events in
# BPF (every change, the breakdown at the exact peak) instead of samples
exact() { # NAME: the events source ran, or why not (skip outside CI)
	if grep -q "lacks the memcg tracepoints" "$tmp/$1.err"; then
		cannot_run test_unique.sh "the kernel lacks the memcg tracepoints" \
			"$1: memcg tracepoints" "missing" "Linux 6.14 (CI=true)"
		return 1
	fi
	contains "$1: tree.memory_source" "$(val .tree.memory_source)" -events
	equals "$1: unique_at_peak.kernel_other (events split it)" \
		"$(val .tree.unique_at_peak.kernel_other)" 0
}

case_exact_cow() {
	local n=exact-cow

	run $n 0 --exact-unique --cgroup-check -- "$TOOLS/sharing" cow 256 4 800 ||
		return
	views $n
	exact $n || return
	bytes_range "$n: tree.peak_unique_bytes" \
		"$(val .tree.peak_unique_bytes)" $((256 * M)) $((282 * M))
	pct_of "$n: tree.peak_unique_bytes" "$(val .tree.peak_unique_bytes)" \
		cgroup.peak_usage_bytes "$(val .cgroup.peak_usage_bytes)" 3
	bytes_range "$n: tree.unique_at_peak.anon" \
		"$(val .tree.unique_at_peak.anon)" $((256 * M)) $((282 * M))
}

case_exact_memfd() {
	local n=exact-memfd

	run $n 0 --exact-unique --cgroup-check -- "$TOOLS/sharing" memfd 128 4 800 ||
		return
	views $n
	exact $n || return
	bytes_range "$n: tree.peak_unique_bytes" \
		"$(val .tree.peak_unique_bytes)" $((128 * M)) $((150 * M))
	bytes_range "$n: tree.unique_at_peak.shmem" \
		"$(val .tree.unique_at_peak.shmem)" $((128 * M)) $((129 * M))
	pct_of "$n: tree.peak_unique_bytes" "$(val .tree.peak_unique_bytes)" \
		cgroup.peak_usage_bytes "$(val .cgroup.peak_usage_bytes)" 3
}

# kernel memory split: 2000 stacks of 16 KiB (x86_64), page tables, slab
case_exact_threads() {
	local n=exact-threads

	run $n 0 --exact-unique --cgroup-check -- "$TOOLS/demo-threads" 2000 1 ||
		return
	views $n
	exact $n || return
	pct_of "$n: tree.peak_unique_bytes" "$(val .tree.peak_unique_bytes)" \
		cgroup.peak_usage_bytes "$(val .cgroup.peak_usage_bytes)" 15
	bytes_range "$n: tree.unique_at_peak.kernel_stack" \
		"$(val .tree.unique_at_peak.kernel_stack)" $((2000 * 16384)) \
		$((2010 * 16384))
	bytes_range "$n: tree.unique_at_peak.pagetables" \
		"$(val .tree.unique_at_peak.pagetables)" $((2 * M)) $((32 * M))
	bytes_range "$n: tree.unique_at_peak.slab" \
		"$(val .tree.unique_at_peak.slab)" $((2 * M)) $((32 * M))
}

case_exact_sleepers() {
	local n=exact-sleepers

	run $n 0 --exact-unique --cgroup-check -- "$TOOLS/sharing" sleepers 200 2 ||
		return
	views $n
	exact $n || return
	pct_of "$n: tree.peak_unique_bytes" "$(val .tree.peak_unique_bytes)" \
		cgroup.peak_usage_bytes "$(val .cgroup.peak_usage_bytes)" 25
}

# a kernel without the tracepoints: sampled instead, said in one line
case_exact_missing() {
	local n=exact-missing

	TASKMEM_MISSING_FEATURE=memcg_tracepoints \
		run $n 0 --exact-unique -- "$TOOLS/sharing" cow 16 1 0 || return
	sampled $n
	contains "$n: message" "$(cat "$tmp/$n.err")" \
		"lacks the memcg tracepoints (Linux 6.14); unique memory is sampled instead"
}

# Everything a run needs; false (after saying why) when the test cannot run.
preflight() {
	need_root test_unique.sh || return 1
	need_tools "$TASKMEM" "$TOOLS/sharing" "$TOOLS/demo-threads" \
		"$TOOLS/memshape" || return 1
	if ! grep -q memory /proc/self/cgroup; then
		cannot_run test_unique.sh "no memory cgroup" \
			"preflight: memory cgroup" "none" "v1 or v2 (CI=true)"
		return 1
	fi
}

main() {
	local t0=$SECONDS

	start preflight
	case_cow
	case_sleepers
	case_memfd
	case_threads
	case_coldread
	case_no_cgroup
	case_bad_cgroup
	case_follow
	case_exact_cow
	case_exact_memfd
	case_exact_threads
	case_exact_sleepers
	case_exact_missing
	echo "# test_unique.sh took $((SECONDS - t0)) s"
	finish
}

main "$@"
