#!/bin/bash
# profile.sh: what memory attribution (--profile) adds to taskmem on the
# page-fault storm (`make bench`). Four commands run interleaved, RUNS
# rounds: the storm untraced, under taskmem alone (A), under taskmem
# --profile at the default sampling rate (B), and under `perf record -e
# page-faults -g` (the usual way to see which stacks fault, for reference;
# skipped when perf is missing or cannot record). Noise only ever adds
# time, so the figure that counts is the ratio of the minimum wall times
# B/A (budget: 1.15); the median of the per-round ratios is printed beside
# it. The profile is written each time, so unwinding and symbolization
# are counted; perf only records (its report would come after).
#
# Environment: RUNS (default 7), OUT_MD (markdown report, default
# build/bench/profile.md), TASKMEM, STRESS, MIB and ROUNDS (the storm:
# default 1024 MiB, 4 rounds), SAMPLE_BYTES (default: taskmem's), PERF
# (default: perf in PATH; "none" skips it).
# Changes nothing on the system.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-7}
OUT_MD=${OUT_MD:-$ROOT/build/bench/profile.md}
TASKMEM=${TASKMEM:-$ROOT/build/taskmem}
STRESS=${STRESS:-$ROOT/build/tools/stress}
MIB=${MIB:-1024}
ROUNDS=${ROUNDS:-4}
BUDGET=1.15
PERF=${PERF:-$(command -v perf || echo none)}
SB=()
[[ -n ${SAMPLE_BYTES:-} ]] && SB=(--sample-bytes "$SAMPLE_BYTES")

fail() {
	echo "profile-bench: cannot $*" >&2
	exit 1
}

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || fail "use RUNS '$RUNS': give a whole number"
[[ $(id -u) -eq 0 ]] || fail "load BPF programs: run as root"
[[ -x $TASKMEM && -x $STRESS ]] || fail "find $TASKMEM and $STRESS: run make first"
TMP=$(mktemp -d /tmp/taskmem-profile-bench.XXXXXX) || fail "create a temporary directory"
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
perf_cmd=("$PERF" record -q -e page-faults -g -o "$TMP/perf.data" -- "${storm[@]}")
if [[ $PERF != none ]] && ! "$PERF" record -q -e page-faults -g \
	-o "$TMP/perf.data" -- true >/dev/null 2>&1; then
	echo "profile-bench: perf cannot record here: no perf reference" >&2
	PERF=none
fi
for ((r = 0; r < RUNS; r++)); do
	timed "$TMP/bare" "${storm[@]}"
	timed "$TMP/plain" "$TASKMEM" trace -q --as-root -o /dev/null -- "${storm[@]}"
	timed "$TMP/profile" "$TASKMEM" trace -q --as-root -o /dev/null \
		"${SB[@]}" --profile "$TMP/p.pb.gz" -- "${storm[@]}"
	[[ $PERF == none ]] || timed "$TMP/perf" "${perf_cmd[@]}"
done

min() { sort -n "$1" | head -1; }
# median_ratio A B: the median over the rounds of B's time / A's
median_ratio() {
	paste "$1" "$2" | awk '{ print $2 / $1 }' | sort -n |
		awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
bmin=$(min "$TMP/bare")
pmin=$(min "$TMP/plain")
qmin=$(min "$TMP/profile")
ratio=$(awk -v a="$qmin" -v b="$pmin" 'BEGIN { printf "%.3f", a / b }')
mratio=$(median_ratio "$TMP/plain" "$TMP/profile")
verdict=$(awk -v r="$ratio" -v b="$BUDGET" 'BEGIN { print r <= b ? "PASS" : "MISS" }')
# row NAME FILE: min, ratio of minimums and median ratio against untraced
row() {
	awk -v n="$1" -v m="$(min "$2")" -v b="$bmin" -v mr="$(median_ratio "$TMP/bare" "$2")" \
		'BEGIN { printf "| %s | %.3f s | %+.1f%% | %+.1f%% |\n", n, m / 1e6, (m / b - 1) * 100, (mr - 1) * 100 }'
}
{
	echo "## Memory attribution: taskmem --profile against taskmem alone"
	echo
	echo "page-fault storm: $MIB MiB touched page by page, $ROUNDS rounds; $RUNS runs each, interleaved; sampling: ${SAMPLE_BYTES:-default}"
	echo
	echo "| command | min wall | vs untraced (min) | vs untraced (median of rounds) |"
	echo "|---|---|---|---|"
	row "untraced" "$TMP/bare"
	row "taskmem" "$TMP/plain"
	row "taskmem --profile" "$TMP/profile"
	if [[ $PERF == none ]]; then
		echo "| perf record -e page-faults -g | not run: no perf | | |"
	else
		row "perf record -e page-faults -g" "$TMP/perf"
	fi
	echo
	echo "Wall times in run order (s), for a shared machine's noise:"
	echo
	for f in bare plain profile perf; do
		if [[ -s $TMP/$f ]]; then
			awk -v n="$f" '{ printf "%s%.3f", (NR > 1 ? " " : "- " n ": "), $1 / 1e6 } END { print "" }' "$TMP/$f"
		fi
	done
	echo
	echo "| taskmem min | taskmem --profile min | ratio of minimums | median of ratios | budget | result |"
	echo "|---|---|---|---|---|---|"
	awk -v a="$pmin" -v b="$qmin" -v r="$ratio" -v m="$mratio" -v bu="$BUDGET" -v v="$verdict" \
		'BEGIN { printf "| %.3f s | %.3f s | %+.1f%% | %+.1f%% | <= %+.0f%% | %s |\n", a / 1e6, b / 1e6, (r - 1) * 100, (m - 1) * 100, (bu - 1) * 100, v }'
} | tee "$OUT_MD"
[[ $verdict == PASS ]]
