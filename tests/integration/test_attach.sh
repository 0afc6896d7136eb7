#!/bin/bash
# Integration test of attaching (taskmem trace -p): workloads started outside
# taskmem, attached to while they run, and the ways tracing stops: every
# traced process exited, -d, SIGINT; two instances on one process; -i; and
# the targets refused before anything is loaded.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# every case takes a few seconds: a hung taskmem should not eat the minute
RUN_TIMEOUT=20
# how long a workload or taskmem may take to say it is ready
READY_TIMEOUT=10

# proc PID: the jq filter of PID's row in the current report
proc() {
	printf 'first(.processes[] | select(.pid == %s))' "$1"
}

# start_workload NAME CMD ARGS...: starts a workload in the background that
# prints "ready" once its memory is in place, and waits for that line;
# its pid in $wpid, false (after a failed check) when it never said so
start_workload() {
	local name=$1 out=$tmp/$1.workload

	shift
	start_bg "$out" "$@"
	wpid=$bg_pid
	if ! wait_output "$out" '^ready$' "$READY_TIMEOUT" "$wpid"; then
		result 0 "$name: workload ready" \
			"no 'ready' within ${READY_TIMEOUT}s: $(head -c 200 "$out.err")" \
			"'ready' on stdout"
		stop_bg "$wpid"
		return 1
	fi
}

# start_sleeper: a process that does nothing for 30 s; its pid in $spid
start_sleeper() {
	start_bg "$tmp/sleeper.out" sleep 30
	spid=$bg_pid
}

# 192 MiB touched before the attach, a 64 MiB child forked after it; taskmem
# runs until both have exited
case_exited() {
	local n=exited c

	start_workload $n "$TOOLS/memshape" hold-fork 192 1500 64 1000 || return
	if ! run $n 0 -p "$wpid"; then
		stop_bg "$wpid"
		return
	fi
	stop_bg "$wpid"
	c='others[0]'
	equals_str "$n: attached_pids" "$(val '.attached_pids | tojson')" \
		"[$wpid]"
	contains "$n: stop_reason" "$(val .stop_reason)" exited
	equals_str "$n: exit_code" "$(val .exit_code)" null
	bytes_range "$n: target peak_anon_bytes (since attach)" \
		"$(val "$(proc "$wpid").peak_anon_bytes")" $((192 * M)) $((198 * M))
	equals_str "$n: target attached" "$(val "$(proc "$wpid").attached")" true
	bytes_range "$n: target kernel_vmhwm_bytes" \
		"$(val "$(proc "$wpid").kernel_vmhwm_bytes")" $((192 * M)) ""
	equals "$n: tree.processes_total" "$(val .tree.processes_total)" 2
	equals "$n: child ppid" "$(val "$c.ppid")" "$wpid"
	equals_str "$n: child attached" "$(val "$c.attached")" false
	bytes_range "$n: child peak_anon_bytes" "$(val "$c.peak_anon_bytes")" \
		$((64 * M)) ""
	bytes_range "$n: tree.peak_rss_bytes (both at once)" \
		"$(val .tree.peak_rss_bytes)" $((256 * M)) ""
	equals "$n: lost_events" "$(val .lost_events)" 0
}

# -d 1 on a process that outlives it
case_duration() {
	local n=duration t0 wall ok

	start_sleeper
	t0=$EPOCHREALTIME
	run $n 0 -p "$spid" -d 1
	ok=$?
	wall=$(elapsed_since "$t0")
	stop_bg "$spid"
	seconds_range "$n: taskmem wall time" "$wall" 0.9 3
	((ok == 0)) || return
	contains "$n: stop_reason" "$(val .stop_reason)" "1 s elapsed"
	equals_str "$n: target alive_at_end" \
		"$(val "$(proc "$spid").alive_at_end")" true
}

# SIGINT stops taskmem, which reports and leaves the target running
case_sigint() {
	local n=sigint tpid alive=dead

	start_sleeper
	# -i only to know when taskmem is in its loop: its first interim block
	trace_bg $n -p "$spid" -i 0.2
	tpid=$bg_pid
	if ! wait_output "$tmp/$n.err" '^\[' "$READY_TIMEOUT" "$tpid"; then
		result 0 "$n: taskmem attached" \
			"no interim block within ${READY_TIMEOUT}s" "a line '[...'"
	fi
	kill -INT "$tpid" 2>/dev/null
	wait_bg "$tpid"
	expect_status $n 0
	is_running "$spid" && alive=alive
	equals_str "$n: target after taskmem exited" "$alive" alive
	stop_bg "$spid"
	report=$tmp/$n.json
	if ! jq -e 'type == "object"' "$report" >/dev/null 2>&1; then
		result 0 "$n: json report" "missing or not a JSON object" \
			"a JSON object in $n.json"
		return
	fi
	contains "$n: stop_reason" "$(val .stop_reason)" SIGINT
	equals_str "$n: target alive_at_end" \
		"$(val "$(proc "$spid").alive_at_end")" true
}

# two instances on one process at once: each has its own maps and report
case_two_instances() {
	local n=two i pids=()

	start_workload $n "$TOOLS/memshape" hold-fork 64 30000 0 0 || return
	for i in 1 2; do
		trace_bg $n-$i -p "$wpid" -d 1
		pids+=("$bg_pid")
	done
	for i in 1 2; do
		wait_bg "${pids[i - 1]}"
		expect_status $n-$i 0
	done
	stop_bg "$wpid"
	for i in 1 2; do
		report=$tmp/$n-$i.json
		bytes_range "$n-$i: target peak_anon_bytes" \
			"$(val "$(proc "$wpid").peak_anon_bytes")" $((64 * M)) ""
	done
}

# refused: exit 64, stderr naming the value
bad_target() { # NAME VALUE [EXTRA ARGS...]
	local name=$1 v=$2 ok=0 first

	shift 2
	trace "$name" -p "$v" "$@"
	expect_status "$name" 64
	grep -qE -- "(^|[^[:alnum:]-])$v(\$|[^[:alnum:]])" "$tmp/$name.err" && ok=1
	first=$(head -n 1 "$tmp/$name.err")
	result "$ok" "$name: stderr" "'$first'" "to name $v"
}

case_bad_targets() {
	local gone flags=0 ok=0

	bad_target bad-pid-0 0
	bad_target bad-pid-negative -5
	bad_target bad-pid-garbage 12abc
	bad_target bad-pid-above-max 99999999
	true &
	gone=$!
	wait "$gone"
	bad_target bad-pid-exited "$gone"
	# PF_KTHREAD is 0x00200000 in the flags, field 9 of /proc/PID/stat
	flags=$(awk '{ print $9 }' /proc/2/stat 2>/dev/null)
	is_int "$flags" && (((flags & 0x00200000) != 0)) && ok=1
	if ((ok)); then
		bad_target bad-pid-kthread 2
	else
		result 0 "bad-pid-kthread: pid 2" "not a kernel thread here" \
			"kthreadd"
	fi
	trace bad-pid-and-command -p $$ -- ls
	expect_status bad-pid-and-command 64
}

# -i with -p: interim blocks on stderr, then the report
case_interval() {
	local n=interval blocks ok

	start_sleeper
	run $n 0 -p "$spid" -i 0.5 -d 1.6
	ok=$?
	stop_bg "$spid"
	blocks=$(grep -c '^\[' "$tmp/$n.err")
	expect_range "$n: interim blocks on stderr" int "$blocks" 2 ""
	((ok == 0)) || return
	contains "$n: stop_reason" "$(val .stop_reason)" "elapsed"
	equals "$n: processes rows" "$(val '.processes | length')" 1
}

# Everything a run needs; false (after saying why) when the test cannot run.
preflight() {
	need_root test_attach.sh || return 1
	need_tools "$TASKMEM" "$TOOLS/memshape" || return 1
	if ! "$TASKMEM" trace --help 2>&1 | grep -q -- --pid; then
		result 0 "preflight: $TASKMEM trace --pid" "unknown" "an option (make)"
		return 1
	fi
	need_memshape hold-fork || return 1
}

main() {
	start preflight

	case_exited
	case_duration
	case_sigint
	case_two_instances
	case_bad_targets
	case_interval

	finish
}

main "$@"
