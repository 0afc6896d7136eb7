#!/bin/bash
# exact_unique.sh: what --exact-unique costs on the page-fault storm
# (`make bench`). The storm untraced (A), under `taskmem trace` with its
# default sampled unique memory (B) and under `taskmem trace --exact-unique`
# (C) run interleaved A B C A B C ... RUNS times, each timed inside taskmem
# (its start-up is measured apart, with `-- /bin/true`): wall time, and
# CPU time (user + system of the storm, whose page faults run the BPF
# programs), which waiting for a CPU on a shared machine does not inflate.
# Noise only ever adds time, so the figures that count are the ratios of
# the minimums (the medians of the per-round ratios are printed beside
# them). Then one more --exact-unique run with the kernel's BPF statistics
# on (tools/bpf-stats: BPF_ENABLE_STATS, off again when it exits) counts
# the memcg events its two programs ran on, system wide, and their run
# time: the cost per event is shown both as the programs' own run time and
# as the CPU time C adds to B divided by the events (which includes the
# tracepoint's dispatch).
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

# The storm's own times, inside taskmem or not: "WALL CPU" in seconds (CPU:
# user + system of the storm, where its page faults run the BPF programs;
# on a shared machine wall time also counts waiting for a CPU, CPU time
# does not)
# shellcheck disable=SC2016 # expanded by the bash that runs it
TIMED='out=$1; shift; TIMEFORMAT="%R %U %S"
{ time "$@" >/dev/null; } 2>"$out.t" && awk '\''{ print $1, $2 + $3 }'\'' "$out.t" >>"$out"'

# timed FILE [TASKMEM OPTIONS --]: one storm, its times appended to FILE
timed() {
	local out=$1

	shift
	if (($#)); then
		"$TASKMEM" trace -q --as-root -o /dev/null "$@" \
			bash -c "$TIMED" bash "$out" "${storm[@]}" 2>>"$TMP/log"
	else
		bash -c "$TIMED" bash "$out" "${storm[@]}" 2>>"$TMP/log"
	fi || fail "run the storm ($*): it failed (see $TMP/log)"
}

# startup FILE [OPTIONS]: the wall time of taskmem trace -- /bin/true, in s
startup() {
	local out=$1 t0 t1

	shift
	t0=${EPOCHREALTIME/./}
	"$TASKMEM" trace -q --as-root -o /dev/null "$@" -- /bin/true 2>>"$TMP/log" ||
		fail "run taskmem trace $* -- /bin/true"
	t1=${EPOCHREALTIME/./}
	awk -v us=$((t1 - t0)) 'BEGIN { print us / 1e6 }' >>"$out"
}

storm=("$STRESS" faults "$MIB" "$ROUNDS")
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= RUNS; r++)); do
	echo "exact-unique-bench: round $r of $RUNS" >&2
	timed "$TMP/untraced"
	timed "$TMP/taskmem" --
	timed "$TMP/exact" --exact-unique --
	startup "$TMP/start-taskmem"
	startup "$TMP/start-exact" --exact-unique
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

# col FILE N: column N of FILE; min FILE [N]: its smallest value
col() { awk -v c="${2:-1}" '{ print $c }' "$1"; }
min() { col "$1" "${2:-1}" | sort -g | head -1; }
# mratio A B N: the median over the rounds of B/A, column N
mratio() {
	paste <(col "$1" "$3") <(col "$2" "$3") | awk '{ print $2 / $1 }' | sort -g |
		awk '{ v[NR] = $1 } END { printf "%.4f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# row WHAT N: the table row of column N (1 wall, 2 CPU)
row() {
	awk -v w="$1" -v a="$(min "$TMP/untraced" "$2")" -v b="$(min "$TMP/taskmem" "$2")" \
		-v c="$(min "$TMP/exact" "$2")" -v m1="$(mratio "$TMP/untraced" "$TMP/taskmem" "$2")" \
		-v m2="$(mratio "$TMP/untraced" "$TMP/exact" "$2")" -v m3="$(mratio "$TMP/taskmem" "$TMP/exact" "$2")" \
		'BEGIN { printf "| %s | %.3f s | %.3f s | %.3f s | %+.1f%% | %+.1f%% | %+.1f%% | %+.1f%%, %+.1f%%, %+.1f%% |\n",
			w, a, b, c, (b / a - 1) * 100, (c / a - 1) * 100, (c / b - 1) * 100,
			(m1 - 1) * 100, (m2 - 1) * 100, (m3 - 1) * 100 }'
}
b=$(min "$TMP/taskmem" 2)
c=$(min "$TMP/exact" 2)
{
	echo "## --exact-unique: memcg events in BPF against the sampled default"
	echo
	echo "page-fault storm: $MIB MiB touched page by page, $ROUNDS rounds, timed inside taskmem (start-up apart); $RUNS runs each, interleaved;"
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, Linux $(uname -r), load average $LOAD_START at start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo
	echo "| storm time | untraced min | taskmem min | taskmem --exact-unique min | taskmem / untraced | --exact-unique / untraced | --exact-unique / taskmem | medians of ratios (same order) |"
	echo "|---|---|---|---|---|---|---|---|"
	row wall 1
	row "CPU (user + system)" 2
	echo
	echo "| start-up (\`-- /bin/true\`, min) | taskmem | taskmem --exact-unique |"
	echo "|---|---|---|"
	awk -v a="$(min "$TMP/start-taskmem")" -v b="$(min "$TMP/start-exact")" \
		'BEGIN { printf "| wall | %.3f s | %.3f s |\n", a, b }'
	echo
	echo "| memcg events in one storm (system wide) | programs' run time per event (bpf_stats) | CPU time added per event ((C - B) / events) | peak_unique_bytes |"
	echo "|---|---|---|---|"
	awk -v n="$events" -v ns="$ns" -v b="$b" -v c="$c" \
		-v pk="$(jq -r .tree.peak_unique_bytes "$TMP/stats.json")" \
		'BEGIN { printf "| %d | %.0f ns | %.0f ns | %.1f MiB |\n", n, ns / n,
			(c - b) * 1e9 / n, pk / 1048576 }'
} | tee "$OUT_MD"
