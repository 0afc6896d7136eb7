#!/bin/bash
# Integration test of taskmem's hardening: who the workload runs as, signals
# sent to taskmem, SIGKILL, bad input, running out of --max-procs, many
# short-lived processes, and two instances at once.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# the unprivileged user the workload runs as, created (and removed at exit)
# when missing
TEST_USER=tmtest
user_created=0
# the workload a SIGKILLed taskmem left behind, killed at exit if still there
orphan=
# taskmem's BPF programs, by name
PROG_NAMES='["on_rss_stat", "on_newtask", "on_exec", "on_exit", "on_mmap_unlock", "calibrate_cpus"]'

# Before lib.sh's cleanup kills the background taskmem instances: kills their
# workloads (which would outlive a SIGKILLed taskmem) and the orphan, and
# removes the test user if this script created it.
hardening_cleanup() {
	local p kids

	for p in "${background[@]}"; do
		is_our_child "$p" || continue
		kids=$(pgrep -P "$p")
		# shellcheck disable=SC2086 # one pid a word
		[[ -n $kids ]] && kill -KILL $kids 2>/dev/null
	done
	[[ -n $orphan ]] && is_sleep30 "$orphan" && kill -KILL "$orphan"
	((user_created)) && userdel "$TEST_USER"
}

# is_sleep30 PID: PID is still the "sleep 30" a case started
is_sleep30() {
	[[ $(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) == 'sleep 30 ' ]]
}

# launch NAME [TASKMEM OPTIONS] -- CMD ARGS...: trace_bg, but with SIGINT,
# SIGQUIT and SIGHUP at their default action: bash makes a background
# command ignore the first two, a caller run under nohup ignores SIGHUP, and
# an ignored signal never reaches taskmem's signalfd. No -o is added.
launch() {
	local name=$1

	shift
	env --default-signal=INT,QUIT,HUP "$TASKMEM" trace --format json "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" &
	bg_pid=$!
	background+=("$bg_pid")
}

# workload_of PID COMM: the pid of PID's child named COMM (after its exec),
# waiting for it at most 10 s; empty if there is none
workload_of() {
	local i w

	for ((i = 0; i < 200; i++)); do
		w=$(pgrep -P "$1" -x "$2" | head -n 1)
		[[ -n $w ]] && { echo "$w"; return; }
		sleep 0.05
	done
}

# stderr_names NAME WORD: a check that NAME.err contains WORD as a word
stderr_names() {
	local ok=0 first

	grep -qwF -e "$2" "$tmp/$1.err" && ok=1
	first=$(head -n 1 "$tmp/$1.err")
	result "$ok" "$1: stderr" "'$first'" "to name '$2'"
}

# ids of the loaded BPF programs with taskmem's names, one a line
taskmem_prog_ids() {
	bpftool prog list -j |
		jq -r --argjson n "$PROG_NAMES" \
			'.[] | select(.name as $x | $n | index($x)) | .id'
}

# prog_ids_of PID: the BPF programs PID holds (program and link fds)
prog_ids_of() {
	awk '/^prog_id:/ { print $2 }' /proc/"$1"/fdinfo/* 2>/dev/null |
		sort -un
}

# ---- 1. privileges ----------------------------------------------------------

# whoami_case NAME [TASKMEM OPTIONS]: the workload prints its uid, HOME and
# USER; checks them and the report's owner against UID HOME USER in $want_*
whoami_case() {
	local name=$1

	shift
	# shellcheck disable=SC2016 # expanded by the workload
	run "$name" 0 "$@" -- sh -c 'id -u; echo "$HOME"; echo "$USER"' || return
	equals "$name: workload uid" "$(sed -n 1p "$tmp/$name.out")" "$want_uid"
	if [[ -n $want_home ]]; then
		equals_str "$name: workload HOME" "$(sed -n 2p "$tmp/$name.out")" \
			"$want_home"
		equals_str "$name: workload USER" "$(sed -n 3p "$tmp/$name.out")" \
			"$want_user"
	fi
	equals_str "$name: report owner uid:gid" \
		"$(stat -c %u:%g "$tmp/$name.json")" "$want_uid:$want_gid"
}

case_privileges() {
	local uid gid want_uid want_gid want_home want_user

	if ! id -u "$TEST_USER" >/dev/null 2>&1; then
		if ! useradd -M -s /usr/sbin/nologin "$TEST_USER"; then
			result 0 "privileges: useradd $TEST_USER" "failed" "a user"
			return
		fi
		user_created=1
	fi
	uid=$(id -u "$TEST_USER")
	gid=$(id -g "$TEST_USER")
	want_uid=$uid want_gid=$gid want_user=$TEST_USER
	want_home=$(getent passwd "$TEST_USER" | cut -d: -f6)

	# through sudo the report is written as the user: into a directory of
	# theirs (test_sudo.sh checks the boundary itself)
	chown "$TEST_USER" "$tmp"
	SUDO_UID=$uid SUDO_GID=$gid whoami_case priv-sudo
	chown root "$tmp"
	whoami_case priv-user --user "$TEST_USER"
	want_uid=0 want_gid=0 want_home=
	whoami_case priv-user-root --user root
	SUDO_UID=$uid SUDO_GID=$gid bad_input priv-as-root-sudo \
		"refusing --as-root" trace --as-root -- touch "$tmp/ran"

	bad_input priv-nosuchuser nosuchuser trace --user nosuchuser -- \
		touch "$tmp/ran"
	bad_input priv-user-and-as-root --as-root trace --user x --as-root -- \
		touch "$tmp/ran"
}

# ---- 2. signals -------------------------------------------------------------

signal_case() { # SIG WANT_STATUS
	local n=signal-${1,,} wp

	launch "$n" -o "$tmp/$n.json" -- sleep 30
	wp=$(workload_of "$bg_pid" sleep)
	if [[ -z $wp ]]; then
		result 0 "$n: workload started" "no sleep under taskmem after 10 s" \
			"sleep 30 running"
		wait_bg "$bg_pid" 1
		return
	fi
	kill -"$1" "$bg_pid"
	wait_bg "$bg_pid" 10
	expect_status "$n" "$2"
	if ! is_running "$wp"; then
		result 1 "$n: workload $wp" "exited" "exited"
	else
		result 0 "$n: workload $wp" "still running" "exited"
	fi
	report_json "$n" || return
	equals "$n: exit_code" "$(val .exit_code)" "$2"
}

case_signals() {
	signal_case TERM 143
	signal_case HUP 129
	signal_case INT 130
}

# ---- 3. SIGKILL -------------------------------------------------------------

case_sigkill() {
	local n=sigkill dir=$tmp/sigkill.d wp ours left names before after i

	mkdir "$dir"
	before=$(taskmem_prog_ids | wc -l)
	launch $n -o "$dir/r.json" -- sleep 30
	wp=$(workload_of "$bg_pid" sleep)
	if [[ -z $wp ]]; then
		result 0 "$n: workload started" "no sleep under taskmem after 10 s" \
			"sleep 30 running"
		wait_bg "$bg_pid" 1
		return
	fi
	orphan=$wp
	ours=$(prog_ids_of "$bg_pid")
	if [[ -z $ours ]]; then
		result 0 "$n: programs taskmem holds" "none found in fdinfo" \
			"its BPF programs"
		wait_bg "$bg_pid" 1
		return
	fi
	names=$(bpftool prog list -j | jq -r --argjson ids \
		"[$(paste -sd, <<<"$ours")]" \
		'[.[] | select(.id as $i | $ids | index($i)) | .name] | sort | join(",")')
	# seed_targets (the iterator of -p) is not loaded for a command
	equals_str "$n: programs taskmem holds" "$names" \
		"calibrate_cpus,on_exec,on_exit,on_mmap_unlock,on_newtask,on_rss_stat"
	kill -KILL "$bg_pid"
	# no "Killed" notice from bash: the status is checked below
	wait_bg "$bg_pid" 10 2>/dev/null
	expect_status $n 137
	# the kernel frees the programs after the last fd closes, not at once
	for ((i = 0; i < 100; i++)); do
		left=$(bpftool prog list -j | jq -r '.[].id' | grep -cxF -e "$ours")
		((left == 0)) && break
		sleep 0.05
	done
	after=$(taskmem_prog_ids | wc -l)
	# other taskmem instances may come and go meanwhile: the check is on ids
	expect_range "$n: its programs still loaded" int "$left" 0 0
	echo "#   checked $((i * 50)) ms after the kill; programs so named," \
		"of any taskmem instance: $before before, $after after"
	left=$(ls -A "$dir")
	equals_str "$n: files left in the -o directory" "${left:-none}" none
	if is_sleep30 "$wp"; then
		kill -KILL "$wp"
		orphan=
	fi
}

# ---- 4. bad input -----------------------------------------------------------

# bad_input NAME WORD ARGS...: taskmem ARGS exits 64, names WORD on stderr,
# and ran nothing (commands here touch $tmp/ran)
bad_input() {
	local name=$1 word=$2

	shift 2
	rm -f "$tmp/ran"
	timeout -k 5 "$RUN_TIMEOUT" "$TASKMEM" "$@" >"$tmp/$name.out" \
		2>"$tmp/$name.err"
	status=$?
	expect_status "$name" 64
	stderr_names "$name" "$word"
	if [[ -e $tmp/ran ]]; then
		result 0 "$name: command ran" "yes" "no"
	else
		result 1 "$name: command ran" "no" "no"
	fi
}

case_bad_input() {
	local ran=(touch "$tmp/ran")

	bad_input bad-unknown-option --bogus trace --bogus -- "${ran[@]}"
	bad_input bad-missing-dashes touch trace "${ran[@]}"
	bad_input bad-empty-command command trace --
	bad_input bad-format xml trace -f xml -- "${ran[@]}"
	bad_input bad-max-procs-suffix 12abc trace --max-procs 12abc -- "${ran[@]}"
	bad_input bad-max-procs-0 0 trace --max-procs 0 -- "${ran[@]}"
	bad_input bad-output /nonexistent/dir/r.json \
		trace -o /nonexistent/dir/r.json -- "${ran[@]}"
	bad_input bad-interval-0 0 trace -i 0 -- "${ran[@]}"
	bad_input bad-duration-without-p -d trace -d 5 -- "${ran[@]}"
	bad_input bad-subcommand bogus-subcommand bogus-subcommand
	bad_input bad-no-arguments usage
}

# ---- 5. capacity ------------------------------------------------------------

# took_at_most NAME SECS BASE: SECS is at most 3 x BASE + 5 s
took_at_most() {
	local ok=0 limit

	limit=$(awk -v b="$3" 'BEGIN { printf "%.3f", 3 * b + 5 }')
	is_number "$2" && is_number "$3" &&
		awk -v v="$2" -v l="$limit" 'BEGIN { exit !(v + 0 <= l + 0) }' &&
		ok=1
	result "$ok" "$1" "$2 s (untraced $3 s)" "<= 3 x untraced + 5 s = $limit s"
}

case_capacity() {
	local n=max-procs-16 line t0 base rc

	run $n 0 --max-procs 16 -- "$TOOLS/memshape" children 40 1 300 parallel &&
		{
			expect_range "$n: lost_processes" int "$(val .lost_processes)" 1 ""
			expect_range "$n: lost_events" int "$(val .lost_events)" 1 ""
		}
	timeout -k 5 "$RUN_TIMEOUT" "$TASKMEM" trace --max-procs 16 -- \
		"$TOOLS/memshape" children 40 1 300 parallel >"$tmp/$n-table.out" \
		2>"$tmp/$n-table.err"
	line=$(grep -m 1 '^WARNING' "$tmp/$n-table.err")
	contains "$n: table WARNING line" "${line:-none}" --max-procs

	# 30000 processes in a row: pids wrap around (pid_max is 32768 on the
	# development machine). The time is checked against the same run
	# untraced, as other load on the machine slows both.
	n=spawn-30000
	t0=$EPOCHREALTIME
	timeout -k 5 "$RUN_TIMEOUT" "$TOOLS/memshape" spawn 30000 >/dev/null 2>&1
	base=$(elapsed_since "$t0")
	t0=$EPOCHREALTIME
	run $n 0 -- "$TOOLS/memshape" spawn 30000
	rc=$?
	took_at_most "$n: wall time" "$(elapsed_since "$t0")" "$base"
	((rc == 0)) || return
	equals "$n: tree.processes_total" "$(val .tree.processes_total)" 30001
	equals "$n: lost_events" "$(val .lost_events)" 0
}

# ---- 6. two instances at once -----------------------------------------------

case_concurrent() {
	local p128 p64 w128 w64 ok=0 mib

	launch conc-128 -o "$tmp/conc-128.json" -- "$TOOLS/memshape" anon 128 1000
	p128=$bg_pid
	launch conc-64 -o "$tmp/conc-64.json" -- "$TOOLS/memshape" anon 64 1000
	p64=$bg_pid
	w128=$(workload_of "$p128" memshape)
	w64=$(workload_of "$p64" memshape)
	[[ -n $w128 && -n $w64 ]] && is_running "$w128" && ok=1
	result "$ok" "concurrent: both workloads running at once" \
		"pids ${w128:-none} and ${w64:-none}" "two live memshape processes"
	wait_bg "$p128" 30
	expect_status conc-128 0
	wait_bg "$p64" 30
	expect_status conc-64 0
	for mib in 128 64; do
		report_json conc-$mib || continue
		bytes_range "conc-$mib: tree.peak_anon_bytes" \
			"$(val .tree.peak_anon_bytes)" $((mib * M)) $(((mib + 2) * M))
		equals "conc-$mib: tree.processes_total" \
			"$(val .tree.processes_total)" 1
		if [[ $mib == 128 ]]; then
			equals "conc-$mib: root pid" "$(val root.pid)" "${w128:-unknown}"
		else
			equals "conc-$mib: root pid" "$(val root.pid)" "${w64:-unknown}"
		fi
	done
}

# Everything a run needs; false (after saying why) when the test cannot run.
preflight() {
	need_root test_hardening.sh &&
		need_tools "$TASKMEM" "$TOOLS/memshape" || return
	local ok=0 c

	for c in bpftool useradd userdel pgrep; do
		command -v "$c" >/dev/null ||
			{ result 0 "preflight: $c" "missing" "installed"; ok=1; }
	done
	return $ok
}

main() {
	# under sudo, taskmem would run every workload as the invoking user:
	# the cases set SUDO_* themselves where they want it
	unset SUDO_UID SUDO_GID SUDO_USER SUDO_COMMAND
	start preflight
	trap 'hardening_cleanup; cleanup' EXIT

	case_privileges
	case_signals
	case_sigkill
	case_bad_input
	case_capacity
	case_concurrent

	finish
}

main "$@"
