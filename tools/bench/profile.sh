#!/bin/bash
# profile.sh: what memory attribution (--profile) adds to taskmem on the
# page-fault storm (`make bench`). taskmem alone (A) and taskmem --profile
# at the default sampling rate (B) run interleaved A B A B ... RUNS times;
# noise only ever adds time, so the figure that counts is the ratio of the
# minimum wall times (budget: 1.15), the median of the per-round ratios is
# printed beside it. The profile is written and read back each time, so
# unwinding and symbolization are counted.
#
# Environment: RUNS (default 7), OUT_MD (markdown report, default
# build/bench/profile.md), TASKMEM, STRESS, MIB and ROUNDS (the storm:
# default 1024 MiB, 4 rounds), SAMPLE_BYTES (default: taskmem's).
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
for ((r = 0; r < RUNS; r++)); do
	timed "$TMP/plain" "$TASKMEM" trace -q --as-root -o /dev/null -- "${storm[@]}"
	timed "$TMP/profile" "$TASKMEM" trace -q --as-root -o /dev/null \
		"${SB[@]}" --profile "$TMP/p.pb.gz" -- "${storm[@]}"
done

min() { sort -n "$1" | head -1; }
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
pmin=$(min "$TMP/plain")
qmin=$(min "$TMP/profile")
ratio=$(awk -v a="$qmin" -v b="$pmin" 'BEGIN { printf "%.3f", a / b }')
mratio=$(paste "$TMP/plain" "$TMP/profile" | awk '{ print $2 / $1 }' | sort -n |
	awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
verdict=$(awk -v r="$ratio" -v b="$BUDGET" 'BEGIN { print r <= b ? "PASS" : "MISS" }')
{
	echo "## Memory attribution: taskmem --profile against taskmem alone"
	echo
	echo "page-fault storm: $MIB MiB touched page by page, $ROUNDS rounds; $RUNS runs each, interleaved; sampling: ${SAMPLE_BYTES:-default}"
	echo
	echo "| taskmem min | taskmem --profile min | ratio of minimums | median of ratios | budget | result |"
	echo "|---|---|---|---|---|---|"
	awk -v a="$pmin" -v b="$qmin" -v r="$ratio" -v m="$mratio" -v bu="$BUDGET" -v v="$verdict" \
		'BEGIN { printf "| %.3f s | %.3f s | %+.1f%% | %+.1f%% | <= %+.0f%% | %s |\n", a / 1e6, b / 1e6, (r - 1) * 100, (m - 1) * 100, (bu - 1) * 100, v }'
} | tee "$OUT_MD"
[[ $verdict == PASS ]]
