#!/bin/bash
# exact_unique.sh: what --exact-unique costs on the page-fault storm
# (`make bench`). The storm untraced (A), under `taskmem trace` with its
# default sampled unique memory (B) and under `taskmem trace --exact-unique`
# (C) run interleaved A B C A B C ... RUNS times; noise only ever adds time,
# so the figures that count are the ratios of the minimum wall times (the
# medians of the per-round ratios are printed beside them). Then one more
# --exact-unique run with the kernel's BPF statistics on (tools/bpf-stats:
# BPF_ENABLE_STATS, off again when it exits) counts the memcg events its
# two programs ran on, system wide, and their run time: the cost per event
# is shown both as the programs' own run time and as the wall time C adds
# to B divided by the events (which includes the tracepoint's dispatch).
#
# Environment: RUNS (default 7), OUT_MD (markdown report, default
# build/bench/exact_unique.md), TASKMEM, STRESS, BPF_STATS, MIB and ROUNDS
# (the storm: default 1024 MiB, 4 rounds). Changes nothing on the system.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-7}
OUT_MD=${OUT_MD:-$ROOT/build/bench/exact_unique.md}
TASKMEM=${TASKMEM:-$ROOT/build/taskmem}
STRESS=${STRESS:-$ROOT/build/tools/stress}
BPF_STATS=${BPF_STATS:-$ROOT/build/tools/bpf-stats}
MIB=${MIB:-1024}
ROUNDS=${ROUNDS:-4}

fail() {
	echo "exact-unique-bench: cannot $*" >&2
	exit 1
}

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || fail "use RUNS '$RUNS': give a whole number"
[[ $(id -u) -eq 0 ]] || fail "load BPF programs: run as root"
[[ -x $TASKMEM && -x $STRESS && -x $BPF_STATS ]] ||
	fail "find $TASKMEM, $STRESS and $BPF_STATS: run make first"
command -v bpftool >/dev/null || fail "find bpftool: install it (apt-get install -y bpftool)"
command -v jq >/dev/null || fail "find jq: install it (apt-get install -y jq)"
TMP=$(mktemp -d /tmp/taskmem-exact-bench.XXXXXX) || fail "create a temporary directory"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$(dirname "$OUT_MD")"

# timed FILE CMD...: appends the wall time of CMD in microseconds to FILE
timed() {
	local out=$1 t0 t1

	shift
	t0=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>>"$TMP/log" || fail "run $*: it failed (see $TMP/log)"
	t1=${EPOCHREALTIME/./}
	echo $((t1 - t0)) >>"$out"
}

storm=("$STRESS" faults "$MIB" "$ROUNDS")
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= RUNS; r++)); do
	echo "exact-unique-bench: round $r of $RUNS" >&2
	timed "$TMP/untraced" "${storm[@]}"
	timed "$TMP/taskmem" "$TASKMEM" trace -q --as-root -o /dev/null -- "${storm[@]}"
	timed "$TMP/exact" "$TASKMEM" trace -q --as-root --exact-unique \
		-o /dev/null -- "${storm[@]}"
done

# The statistics run: after the storm, still inside taskmem, the workload
# lists the programs taskmem (its parent) holds, by their fdinfo.
# shellcheck disable=SC2016 # expanded by the sh that runs it
SNAP='out=$1; shift
"$@" >/dev/null || exit
for f in /proc/$PPID/fdinfo/*; do
	awk '\''$1 == "prog_id:" { print $2 }'\'' "$f" 2>/dev/null
done | while read -r id; do bpftool prog show id "$id" -j; echo; done >"$out"'
"$BPF_STATS" "$TASKMEM" trace -q --as-root --exact-unique -f json \
	-o "$TMP/stats.json" -- sh -c "$SNAP" sh "$TMP/progs.json" "${storm[@]}" \
	2>>"$TMP/log" || fail "run the statistics run (see $TMP/log)"
read -r events ns < <(jq -s -r '[.[] | select(.name == "unique_lruvec" or
	.name == "unique_memcg")] | "\(map(.run_cnt // 0) | add) \(map(.run_time_ns // 0) | add)"' \
	"$TMP/progs.json")
[[ $events -gt 0 ]] || fail "find the --exact-unique programs' statistics"

min() { sort -n "$1" | head -1; }
# mratio A B: the median over the rounds of B/A
mratio() {
	paste "$1" "$2" | awk '{ print $2 / $1 }' | sort -n |
		awk '{ v[NR] = $1 } END { printf "%.4f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
a=$(min "$TMP/untraced")
b=$(min "$TMP/taskmem")
c=$(min "$TMP/exact")
{
	echo "## --exact-unique: memcg events in BPF against the sampled default"
	echo
	echo "page-fault storm: $MIB MiB touched page by page, $ROUNDS rounds; $RUNS runs each, interleaved;"
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, Linux $(uname -r), load average $LOAD_START at start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo
	echo "| untraced min | taskmem min | taskmem --exact-unique min | taskmem / untraced | --exact-unique / untraced | --exact-unique / taskmem | medians of ratios (same order) |"
	echo "|---|---|---|---|---|---|---|"
	awk -v a="$a" -v b="$b" -v c="$c" -v m1="$(mratio "$TMP/untraced" "$TMP/taskmem")" \
		-v m2="$(mratio "$TMP/untraced" "$TMP/exact")" -v m3="$(mratio "$TMP/taskmem" "$TMP/exact")" \
		'BEGIN { printf "| %.3f s | %.3f s | %.3f s | %+.1f%% | %+.1f%% | %+.1f%% | %+.1f%%, %+.1f%%, %+.1f%% |\n",
			a / 1e6, b / 1e6, c / 1e6, (b / a - 1) * 100, (c / a - 1) * 100,
			(c / b - 1) * 100, (m1 - 1) * 100, (m2 - 1) * 100, (m3 - 1) * 100 }'
	echo
	echo "| memcg events in one storm (system wide) | programs' run time per event | wall time added per event ((C - B) / events) | peak_unique_bytes |"
	echo "|---|---|---|---|"
	awk -v n="$events" -v ns="$ns" -v b="$b" -v c="$c" \
		-v pk="$(jq -r .tree.peak_unique_bytes "$TMP/stats.json")" \
		'BEGIN { printf "| %d | %.0f ns | %.0f ns | %.1f MiB |\n", n, ns / n,
			(c - b) * 1000 / n, pk / 1048576 }'
} | tee "$OUT_MD"
