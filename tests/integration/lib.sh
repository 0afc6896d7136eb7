# Helpers of the integration tests, sourced by each tests/integration/test_*.sh:
# the checks and their output lines, running a workload under taskmem, and
# the preflight. A script defines its cases and a preflight function, then
# calls start, its cases and finish.
#
# Environment:
#   TASKMEM  taskmem binary (default build/taskmem)
#   TOOLS    directory of the built tools (default build/tools)
#   CI       "true" turns "cannot run here" into a failure instead of a skip
#
# One line per check, "ok   - ..." or "FAIL - ...", with the measured figure
# and the expectation so they can be quoted; the last line is the count.
# shellcheck shell=bash disable=SC2034 # variables used by the scripts

TASKMEM=${TASKMEM:-build/taskmem}
TOOLS=${TOOLS:-build/tools}
# absolute, so that a case may run them from its own directory
[[ $TASKMEM == /* ]] || TASKMEM=$PWD/$TASKMEM
[[ $TOOLS == /* ]] || TOOLS=$PWD/$TOOLS
M=1048576
# far above any case here; it only keeps a hung taskmem from hanging CI
RUN_TIMEOUT=60

passed=0
failed=0
tmp=
# directories besides $tmp to remove at exit
scratch=()
# processes started in the background (start_bg), killed at exit if still ours
background=()
report=
status=

# Root process: the row marked "root", or else the one whose parent is not
# traced. Children are the rest.
# shellcheck disable=SC2016 # $pids and $r are jq variables
JQ_DEFS='
def root: [.processes[].pid] as $pids
	| first((.processes[] | select(.root == true)),
		(.processes[] | select(.ppid as $pp | $pids | any(.[]; . == $pp) | not)));
def others: root.pid as $r | [.processes[] | select(.pid != $r)];
'

cleanup() {
	local d p

	for p in "${background[@]}"; do
		is_our_child "$p" && kill -KILL "$p" 2>/dev/null
		# reaped here, bash does not announce the kill
		wait "$p" 2>/dev/null
	done
	[[ -n $tmp ]] && rm -rf "$tmp"
	for d in "${scratch[@]}"; do
		rm -rf "$d"
	done
}

summary() {
	echo "$passed passed, $failed failed"
}

result() { # OK NAME MEASURED EXPECTED
	if (($1)); then
		printf 'ok   - %s: %s (expected %s)\n' "$2" "$3" "$4"
		passed=$((passed + 1))
	else
		printf 'FAIL - %s: %s (expected %s)\n' "$2" "$3" "$4"
		failed=$((failed + 1))
	fi
}

is_int() {
	[[ $1 =~ ^-?[0-9]+$ ]]
}

is_number() {
	[[ $1 =~ ^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]
}

mib() {
	awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'
}

# fmt KIND VALUE: a bound as shown in the expectation
fmt() {
	if [[ $1 == bytes ]] && is_int "$2"; then
		mib "$2"
	else
		printf '%s' "$2"
	fi
}

# shown KIND VALUE: a measured figure, exact bytes included
shown() {
	if [[ $1 == bytes ]] && is_int "$2"; then
		printf '%s (%s)' "$(mib "$2")" "$2"
	else
		printf '%s' "$2"
	fi
}

# expect_range NAME KIND VALUE LO HI: integer bounds, inclusive; either may
# be empty for no bound, and HI may be written "<N" to exclude N.
expect_range() {
	local name=$1 kind=$2 v=$3 lo=$4 hi=$5
	local hi_n=${5#<} close=']' hi_op='<=' want ok=1 b

	if [[ $hi == '<'* ]]; then
		close=')'
		hi_op='<'
	fi
	if [[ -n $lo && $lo == "$hi" ]]; then
		want="== $(fmt "$kind" "$lo")"
	elif [[ -n $lo && -n $hi ]]; then
		want="[$(fmt "$kind" "$lo"), $(fmt "$kind" "$hi_n")$close"
	elif [[ -n $lo ]]; then
		want=">= $(fmt "$kind" "$lo")"
	else
		want="$hi_op $(fmt "$kind" "$hi_n")"
	fi

	is_int "$v" || ok=0
	for b in "$lo" "$hi_n"; do
		[[ -z $b ]] || is_int "$b" || ok=0
	done
	if ((ok)) && [[ -n $lo ]] && ((v < lo)); then
		ok=0
	fi
	if ((ok)) && [[ -n $hi ]]; then
		if [[ $hi_op == '<' ]]; then
			((v < hi_n)) || ok=0
		else
			((v <= hi_n)) || ok=0
		fi
	fi
	result "$ok" "$name" "$(shown "$kind" "$v")" "$want"
}

equals() { # NAME VALUE WANT
	expect_range "$1" int "$2" "$3" "$3"
}

bytes_range() { # NAME VALUE LO HI
	expect_range "$1" bytes "$2" "$3" "$4"
}

equals_str() { # NAME VALUE WANT
	local ok=0

	[[ $2 == "$3" ]] && ok=1
	result "$ok" "$1" "$2" "$3"
}

# close_to NAME KIND VALUE REF_NAME REF PERCENT MIN_TOLERANCE [NOTE]:
# |VALUE - REF| may be PERCENT % of REF, or MIN_TOLERANCE if that is larger;
# NOTE is shown after the measured figure
close_to() {
	local name=$1 kind=$2 v=$3 ref_name=$4 ref=$5 pct=$6 min=$7
	local note=${8:+, $8} ok=0 tol diff want

	if ! is_int "$ref"; then
		result 0 "$name" "$(shown "$kind" "$v")$note" "$ref_name, which is $ref"
		return
	fi
	tol=$((ref * pct / 100))
	((tol < min)) && tol=$min
	want="$ref_name $(fmt "$kind" "$ref") +- $(fmt "$kind" "$tol")"
	if is_int "$v"; then
		diff=$((v - ref))
		((diff < 0)) && diff=$((-diff))
		((diff <= tol)) && ok=1
	fi
	result "$ok" "$name" "$(shown "$kind" "$v")$note" "$want"
}

seconds_at_least() { # NAME VALUE MIN
	local ok=0

	is_number "$2" && awk -v v="$2" -v m="$3" 'BEGIN { exit !(v + 0 >= m + 0) }' &&
		ok=1
	result "$ok" "$1" "$2 s" ">= $3 s"
}

seconds_range() { # NAME VALUE LO HI: decimal seconds, bounds inclusive
	local ok=0

	is_number "$2" &&
		awk -v v="$2" -v lo="$3" -v hi="$4" \
			'BEGIN { exit !(v + 0 >= lo + 0 && v + 0 <= hi + 0) }' &&
		ok=1
	result "$ok" "$1" "$2 s" "[$3 s, $4 s]"
}

contains() { # NAME VALUE SUBSTRING
	local ok=0

	[[ $2 == *"$3"* ]] && ok=1
	result "$ok" "$1" "'$2'" "to contain '$3'"
}

# elapsed_since START: seconds from START (an $EPOCHREALTIME) until now
elapsed_since() {
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}

# val FILTER: one value from the current report, "missing" when there is none
val() {
	local out

	out=$(jq -r "$JQ_DEFS $1" "$report" 2>/dev/null) || out=
	printf '%s\n' "${out:-missing}"
}

# trace NAME [TASKMEM OPTIONS] -- CMD ARGS...: runs CMD under taskmem, the
# report in $tmp/NAME.json, output in $tmp/NAME.out and $tmp/NAME.err;
# taskmem's exit status in $status.
trace() {
	local name=$1

	shift
	timeout -k 5 "$RUN_TIMEOUT" "$TASKMEM" trace --format json \
		-o "$tmp/$name.json" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	status=$?
}

# is_our_child PID: PID is alive (a zombie counts) and this shell's child,
# so that a pid the kernel has since reused is never signalled
is_our_child() {
	local stat

	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat#* } == "$BASHPID "* ]]
}

# is_running PID: PID exists and is not a zombie
is_running() {
	local stat

	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# start_bg OUT CMD ARGS...: runs CMD in the background, stdout to OUT, stderr
# to OUT.err; its pid in $bg_pid, killed at exit if still running
start_bg() {
	local out=$1

	shift
	"$@" >"$out" 2>"$out.err" &
	bg_pid=$!
	background+=("$bg_pid")
}

# trace_bg NAME [TASKMEM OPTIONS]: like trace, in the background (no timeout:
# wait_bg has one); taskmem's pid in $bg_pid
trace_bg() {
	local name=$1

	shift
	"$TASKMEM" trace --format json -o "$tmp/$name.json" "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" &
	bg_pid=$!
	background+=("$bg_pid")
}

# wait_bg PID [SECS]: waits for a process of start_bg or trace_bg, killing it
# after SECS (default RUN_TIMEOUT); its exit status in $status, 124 when it
# was killed
wait_bg() {
	local pid=$1 deadline=$((SECONDS + ${2:-$RUN_TIMEOUT})) timed_out=0

	while is_running "$pid"; do
		if ((SECONDS >= deadline)); then
			kill -KILL "$pid" 2>/dev/null
			timed_out=1
			break
		fi
		sleep 0.05
	done
	wait "$pid" 2>/dev/null
	status=$?
	((timed_out)) && status=124
	return 0
}

# stop_bg PID: kills a process of start_bg and reaps it (no-op once it exited)
stop_bg() {
	is_our_child "$1" && kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# wait_output FILE REGEX SECS [PID]: true once a line of FILE matches REGEX
# (grep -E); false after SECS, or as soon as PID is no longer running
wait_output() {
	local deadline=$((SECONDS + $3))

	until grep -qE -- "$2" "$1" 2>/dev/null; do
		((SECONDS >= deadline)) && return 1
		[[ -n ${4:-} ]] && ! is_running "$4" && ! grep -qE -- "$2" "$1" &&
			return 1
		sleep 0.02
	done
}

expect_status() { # NAME WANT
	equals "$1: taskmem exit status" "$status" "$2"
	if [[ $status != "$2" ]]; then
		((status == 124)) && echo "#   timed out after ${RUN_TIMEOUT}s"
		sed -n '1,5s/^/#   /p' "$tmp/$1.err"
	fi
}

# run NAME WANT_STATUS [TASKMEM OPTIONS] -- CMD ARGS...: trace, check the
# exit status and make the report current for val(); returns 1 when no
# JSON report was written, as nothing else can be checked then.
run() {
	local name=$1 want=$2

	shift 2
	trace "$name" "$@"
	expect_status "$name" "$want"
	report_json "$name"
}

# report_json NAME: makes $tmp/NAME.json current for val(); false (after a
# failed check) when it is not a JSON object
report_json() {
	report=$tmp/$1.json
	if ! jq -e 'type == "object"' "$report" >/dev/null 2>&1; then
		result 0 "$1: json report" "missing or not a JSON object" \
			"a JSON object in $1.json"
		return 1
	fi
}

# cannot_run SCRIPT WHY NAME MEASURED EXPECTED: something the test needs is
# missing here: a failure (NAME MEASURED EXPECTED) with CI=true, else a skip
cannot_run() {
	if [[ ${CI:-} == true ]]; then
		result 0 "$3" "$4" "$5"
	else
		echo "skip - $1: $2"
	fi
}

# need_root SCRIPT: true as root
need_root() {
	[[ $(id -u) == 0 ]] && return 0
	cannot_run "$1" "not root: run as root to trace with BPF" \
		"preflight: user" "uid $(id -u)" "root (CI=true)"
	return 1
}

# need_tools FILE...: true when every FILE is executable and jq is installed;
# a failed check for each one missing
need_tools() {
	local ok=0 f

	for f in "$@"; do
		[[ -x $f ]] || { result 0 "preflight: $f" "missing" "executable (make)"; ok=1; }
	done
	command -v jq >/dev/null || { result 0 "preflight: jq" "missing" "installed"; ok=1; }
	return $ok
}

# need_memshape MODE: true when $TOOLS/memshape has the subcommand MODE
need_memshape() {
	"$TOOLS/memshape" --help | grep -q -- "memshape $1 " && return 0
	result 0 "preflight: $TOOLS/memshape $1" "unknown" "a subcommand (make)"
	return 1
}

# start PREFLIGHT: run the function PREFLIGHT, false (after saying why) when
# the test cannot run, and then exit after the count; else make $tmp.
start() {
	# run through sudo, taskmem would open every file as the user behind
	# it, and $tmp is root's: the tests that want sudo set it themselves
	unset SUDO_UID SUDO_GID SUDO_USER SUDO_COMMAND
	trap cleanup EXIT
	trap 'exit 130' INT TERM

	if ! "$1"; then
		summary
		((failed)) && exit 1
		exit 0
	fi
	tmp=$(mktemp -d /tmp/taskmem-test.XXXXXX) || exit 1
}

# finish: the count; false when a check failed
finish() {
	summary
	((failed == 0))
}
