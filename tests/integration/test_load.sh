#!/bin/bash
# Integration test of loading: program size and load time must not grow
# with the number of CPUs (the TASKMEM_NR_CPUS test hook loads as if the
# machine had that many; TASKMEM_LOAD_STATS=1 prints what the verifier
# walked), and when per-CPU counters cannot be read for every CPU the
# report says how approximate its figures are, instead of a silent error.
# A kernel feature reported missing (TASKMEM_MISSING_FEATURE) stops taskmem
# with one sentence naming it, or, for an optional one, a warning.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

preflight() {
	need_root test_load.sh && need_tools "$TASKMEM" "$TOOLS/memshape"
}

# load_stat NAME FIELD: a field of the load-stats line in $tmp/NAME.err
load_stat() {
	sed -n "s/.*load stats:.* $2=\([0-9.]*\).*/\1/p" "$tmp/$1.err" | head -1
}

# The verified instructions are the same for 2 and 4096 CPUs; load time
# stays within noise of the 2-CPU load (it was 8.5 times longer at 4096).
forced_cpus() {
	local n insns ms first_insns= first_ms=

	for n in 2 64 256 4096; do
		TASKMEM_LOAD_STATS=1 TASKMEM_NR_CPUS=$n \
			run "cpus-$n" 0 -- "$TOOLS/memshape" anon 8 0 || continue
		insns=$(load_stat "cpus-$n" verified_insns)
		ms=$(load_stat "cpus-$n" load_ms)
		if [[ -z $first_insns ]]; then
			first_insns=$insns first_ms=$ms
			expect_range "cpus-$n: verified instructions" int "$insns" 1 200000
		else
			equals "cpus-$n: verified instructions (as for 2 CPUs)" \
				"$insns" "$first_insns"
		fi
		result "$(awk -v a="$ms" -v b="$first_ms" 'BEGIN { print (a <= 3 * b + 300) }')" \
			"cpus-$n: load time (ms)" "$ms" "<= 3 x $first_ms + 300 (2 CPUs)"
		equals "cpus-$n: counter_error_bytes" "$(val .counter_error_bytes)" 0
	done
}

# One CPU forced on a machine with more: the other CPUs' offsets are not
# known, so counters are the approximate ones, and the report says so.
approximate() {
	local real bound peak

	real=$(getconf _NPROCESSORS_CONF)
	if ((real < 2)); then
		echo "skip - approximate: needs 2 or more CPUs (have $real)"
		return
	fi
	TASKMEM_NR_CPUS=1 run approx 0 -- "$TOOLS/memshape" anon 64 0 || return
	bound=$(val .counter_error_bytes)
	bytes_range "approx: counter_error_bytes" "$bound" 4096 $((1 << 30))
	peak=$(val .tree.peak_anon_bytes)
	if is_int "$bound" && is_int "$peak"; then
		bytes_range "approx: tree.peak_anon_bytes" "$peak" \
			$((64 * M - bound)) $((65 * M + bound))
	fi
	TASKMEM_NR_CPUS=1 trace approx-table -f table -- "$TOOLS/memshape" anon 8 0
	contains "approx: table warning" "$(grep WARNING "$tmp/approx-table.json")" \
		"per-CPU counters could not be read"
}

bad_hook() {
	TASKMEM_NR_CPUS=0 trace bad-hook -- "$TOOLS/memshape" anon 1 0
	expect_status bad-hook 125
	contains "bad-hook: message" "$(cat "$tmp/bad-hook.err")" \
		"cannot use TASKMEM_NR_CPUS '0'"
}

# A kernel without a required feature: one sentence naming it, exit 125,
# nothing run. Without the optional mmap_lock tracepoints: a warning, and
# the trace goes on.
missing_features() {
	local f

	for f in tp_btf syscall_prog bpf_loop bpf_map_lookup_percpu_elem \
		bpf_rdonly_cast rss_stat; do
		TASKMEM_MISSING_FEATURE=$f trace "no-$f" -- "$TOOLS/memshape" anon 1 0
		expect_status "no-$f" 125
		contains "no-$f: message" "$(cat "$tmp/no-$f.err")" \
			"cannot trace on this kernel: it lacks $f (Linux "
		equals "no-$f: lines on stderr" "$(wc -l <"$tmp/no-$f.err")" 1
	done
	TASKMEM_MISSING_FEATURE=mmap_lock_tracepoints \
		run no-mmap-lock 0 -- "$TOOLS/memshape" anon 8 0 || return
	contains "no-mmap-lock: warning" "$(cat "$tmp/no-mmap-lock.err")" \
		"PEAK_VM is read at RSS changes only"
	bytes_range "no-mmap-lock: tree.peak_anon_bytes" \
		"$(val .tree.peak_anon_bytes)" $((8 * M)) $((9 * M))
	TASKMEM_MISSING_FEATURE=bogus trace bad-feature -- "$TOOLS/memshape" anon 1 0
	expect_status bad-feature 125
	contains "bad-feature: message" "$(cat "$tmp/bad-feature.err")" \
		"cannot use TASKMEM_MISSING_FEATURE 'bogus'"
}

start preflight
forced_cpus
approximate
bad_hook
missing_features
finish
