#!/bin/bash
# Integration test: trace the workloads in tools/ under taskmem and check the
# numbers of its JSON report against the memory shapes we know they have.
#
# Run from the repository root, as root. Environment:
#   TASKMEM  taskmem binary (default build/taskmem)
#   TOOLS    directory of the built tools (default build/tools)
#   CI       "true" turns "cannot run here" into a failure instead of a skip
#
# One line per check, "ok   - ..." or "FAIL - ...", with the measured figure
# and the expectation so they can be quoted; the last line is the count.
set -u

TASKMEM=${TASKMEM:-build/taskmem}
TOOLS=${TOOLS:-build/tools}
M=1048576
# far above any case here; it only keeps a hung taskmem from hanging CI
RUN_TIMEOUT=60

passed=0
failed=0
tmp=
filedir=
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
	[[ -n $tmp ]] && rm -rf "$tmp"
	[[ -n $filedir && $filedir != "$tmp" ]] && rm -rf "$filedir"
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

# close_to NAME KIND VALUE REF_NAME REF PERCENT MIN_TOLERANCE: |VALUE - REF|
# may be PERCENT % of REF, or MIN_TOLERANCE if that is larger
close_to() {
	local name=$1 kind=$2 v=$3 ref_name=$4 ref=$5 pct=$6 min=$7
	local ok=0 tol diff want

	if ! is_int "$ref"; then
		result 0 "$name" "$(shown "$kind" "$v")" "$ref_name, which is $ref"
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
	result "$ok" "$name" "$(shown "$kind" "$v")" "$want"
}

seconds_at_least() { # NAME VALUE MIN
	local ok=0

	is_number "$2" && awk -v v="$2" -v m="$3" 'BEGIN { exit !(v + 0 >= m + 0) }' &&
		ok=1
	result "$ok" "$1" "$2 s" ">= $3 s"
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
	report=$tmp/$name.json
	if ! jq -e 'type == "object"' "$report" >/dev/null 2>&1; then
		result 0 "$name: json report" "missing or not a JSON object" \
			"a JSON object in $name.json"
		return 1
	fi
}

# the grandchild pid that "memshape daemon" prints on stdout
daemon_pid() {
	grep -E '^[0-9]+$' "$tmp/$1.out" | tail -n 1
}

# Waits (at most 5 s) until @pid has exited; a zombie counts as exited, as
# reaping orphans is up to init and may take a while.
wait_exited() {
	local pid=$1 state i

	for ((i = 0; i < 100; i++)); do
		state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)
		[[ -z $state || $state == Z ]] && return 0
		sleep 0.05
	done
}

case_anon() {
	run anon 0 -- "$TOOLS/memshape" anon 256 || return
	bytes_range "anon: tree.peak_anon_bytes" "$(val .tree.peak_anon_bytes)" \
		$((256 * M)) $((258 * M))
	bytes_range "anon: tree.peak_rss_bytes" "$(val .tree.peak_rss_bytes)" \
		$((256 * M)) $((260 * M))
	close_to "anon: root peak_rss_bytes" bytes "$(val root.peak_rss_bytes)" \
		kernel_maxrss_bytes "$(val .kernel_maxrss_bytes)" 1 "$M"
	equals "anon: lost_events" "$(val .lost_events)" 0
	equals "anon: exit_code" "$(val .exit_code)" 0
}

case_children_parallel() {
	local n=children-parallel

	run $n 0 -- "$TOOLS/memshape" children 4 64 300 parallel || return
	bytes_range "$n: tree.peak_anon_bytes" "$(val .tree.peak_anon_bytes)" \
		$((256 * M)) "<$((264 * M))"
	bytes_range "$n: largest process peak_rss_bytes" \
		"$(val '[.processes[].peak_rss_bytes] | max')" "" "<$((66 * M))"
	equals "$n: tree.processes_total" "$(val .tree.processes_total)" 5
	equals "$n: tree.peak_processes" "$(val .tree.peak_processes)" 5
	close_to "$n: sum of rss_at_tree_peak_bytes" bytes \
		"$(val '[.processes[].rss_at_tree_peak_bytes] | add')" \
		tree.peak_rss_bytes "$(val .tree.peak_rss_bytes)" 1 0
}

case_children_serial() {
	local n=children-serial

	run $n 0 -- "$TOOLS/memshape" children 4 64 100 serial || return
	bytes_range "$n: tree.peak_anon_bytes" "$(val .tree.peak_anon_bytes)" \
		$((64 * M)) $((72 * M))
	equals "$n: tree.processes_total" "$(val .tree.processes_total)" 5
	equals "$n: tree.peak_processes" "$(val .tree.peak_processes)" 2
}

case_sharedvm() {
	run sharedvm 0 -- "$TOOLS/memshape" sharedvm 128 || return
	bytes_range "sharedvm: tree.peak_anon_bytes" \
		"$(val .tree.peak_anon_bytes)" $((128 * M)) $((132 * M))
	equals "sharedvm: tree.processes_total" "$(val .tree.processes_total)" 2
	equals "sharedvm: child shared_mm_with" \
		"$(val 'others[0].shared_mm_with')" "$(val root.pid)"
	equals "sharedvm: child peak_rss_bytes" \
		"$(val 'others[0].peak_rss_bytes')" 0
}

case_daemon() {
	local gpid g

	run daemon 0 -- "$TOOLS/memshape" daemon 64 1000 || return
	gpid=$(daemon_pid daemon)
	if ! is_int "$gpid"; then
		result 0 "daemon: grandchild pid on stdout" "none" "a pid"
		return
	fi
	g="first(.processes[] | select(.pid == $gpid))"
	equals "daemon: tree.processes_total" "$(val .tree.processes_total)" 3
	equals "daemon: grandchild $gpid rows in processes" \
		"$(val "[.processes[] | select(.pid == $gpid)] | length")" 1
	equals_str "daemon: grandchild alive_at_end" "$(val "$g.alive_at_end")" true
	# the orphan is nobody's to wait for: let it finish before the next run
	wait_exited "$gpid"

	run daemon-wait-all 0 --wait-all -- "$TOOLS/memshape" daemon 64 1000 ||
		return
	gpid=$(daemon_pid daemon-wait-all)
	if ! is_int "$gpid"; then
		result 0 "daemon-wait-all: grandchild pid on stdout" "none" "a pid"
		return
	fi
	g="first(.processes[] | select(.pid == $gpid))"
	equals "daemon-wait-all: tree.processes_total" \
		"$(val .tree.processes_total)" 3
	bytes_range "daemon-wait-all: grandchild peak_anon_bytes" \
		"$(val "$g.peak_anon_bytes")" $((64 * M)) ""
	equals_str "daemon-wait-all: grandchild alive_at_end" \
		"$(val "$g.alive_at_end")" false
	equals "daemon-wait-all: grandchild exit_code" "$(val "$g.exit_code")" 0
	seconds_at_least "daemon-wait-all: duration_s" "$(val .duration_s)" 1
}

case_shmem() {
	run shmem 0 -- "$TOOLS/memshape" shmem 64 || return
	bytes_range "shmem: tree.peak_shmem_bytes" \
		"$(val .tree.peak_shmem_bytes)" $((64 * M)) $((65 * M))
}

case_file() {
	run file 0 -- "$TOOLS/memshape" file 64 "$filedir/f.dat" || return
	bytes_range "file: tree.peak_file_bytes" "$(val .tree.peak_file_bytes)" \
		$((64 * M)) "<$((72 * M))"
}

case_spawn() {
	run spawn 0 -- "$TOOLS/memshape" spawn 3000 || return
	equals "spawn: tree.processes_total" "$(val .tree.processes_total)" 3001
	equals "spawn: processes rows" "$(val '.processes | length')" 3001
	equals "spawn: lost_events" "$(val .lost_events)" 0
}

case_vfork() {
	run vfork 0 -- "$TOOLS/memshape" vfork || return
	equals "vfork: tree.processes_total" "$(val .tree.processes_total)" 2
	equals "vfork: exit_code" "$(val .exit_code)" 0
	equals_str "vfork: child comm" "$(val 'others[0].comm')" true
}

exit_case() { # NAME STATUS CMD ARGS...
	local name=$1 want=$2

	shift 2
	run "$name" "$want" -- "$@" || return
	equals "$name: exit_code" "$(val .exit_code)" "$want"
}

case_exit_codes() {
	exit_case exit-0 0 "$TOOLS/memshape" exit 0
	exit_case exit-3 3 "$TOOLS/memshape" exit 3
	exit_case kill-9 137 "$TOOLS/memshape" kill 9
}

case_exec_failures() {
	local ok=0 first

	trace exec-missing -- /nonexistent/cmd
	expect_status exec-missing 127
	grep -qF /nonexistent/cmd "$tmp/exec-missing.err" && ok=1
	first=$(head -n 1 "$tmp/exec-missing.err")
	result "$ok" "exec-missing: stderr" "'$first'" "to name /nonexistent/cmd"

	printf '#!/bin/sh\nexit 0\n' >"$tmp/noexec"
	chmod 644 "$tmp/noexec"
	trace exec-noexec -- "$tmp/noexec"
	expect_status exec-noexec 126
}

case_threads() {
	run threads 0 -- "$TOOLS/demo-threads" 2000 1 || return
	equals "threads: tree.peak_threads" "$(val .tree.peak_threads)" 2001
	equals "threads: tree.processes_total" "$(val .tree.processes_total)" 1
}

# Everything a run needs; false (after saying why) when the test cannot run.
preflight() {
	local ok=0 f

	if [[ $(id -u) != 0 ]]; then
		if [[ ${CI:-} == true ]]; then
			result 0 "preflight: user" "uid $(id -u)" "root (CI=true)"
		else
			echo "skip - test_trace.sh: not root: run as root to trace with BPF"
		fi
		return 1
	fi
	for f in "$TASKMEM" "$TOOLS/memshape" "$TOOLS/demo-threads"; do
		[[ -x $f ]] || { result 0 "preflight: $f" "missing" "executable (make)"; ok=1; }
	done
	command -v jq >/dev/null || { result 0 "preflight: jq" "missing" "installed"; ok=1; }
	return $ok
}

main() {
	trap cleanup EXIT
	trap 'exit 130' INT TERM

	if ! preflight; then
		summary
		((failed)) && exit 1
		exit 0
	fi
	tmp=$(mktemp -d /tmp/taskmem-test.XXXXXX) || exit 1
	# file pages on tmpfs are shmem: the file case needs a real filesystem
	filedir=$tmp
	if [[ $(stat -f -c %T "$tmp") == tmpfs ]]; then
		filedir=$(mktemp -d /var/tmp/taskmem-test.XXXXXX) || exit 1
	fi

	case_anon
	case_children_parallel
	case_children_serial
	case_sharedvm
	case_daemon
	case_shmem
	case_file
	case_spawn
	case_vfork
	case_exit_codes
	case_exec_failures
	case_threads

	summary
	((failed == 0))
}

main "$@"
