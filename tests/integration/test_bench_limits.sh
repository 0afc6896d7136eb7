#!/bin/bash
# Integration test of `taskmem bench --raise-limits`: the limits are raised
# for the run and every value is back afterwards, after a normal end, a
# SIGINT, a SIGKILL of the bench (its watchdog restores) and a bench that
# died with its watchdog (the next one restores); a second bench and sudo
# are refused; without the option a failed run near a limit names it.
#
# Most cases use a fake /proc/sys (TASKMEM_SYSCTL_ROOT, low values) and a
# state file in the test's directory. One case raises the real
# vm.max_map_count a little (65530 + 4 x 2000 areas) and checks that all
# three real sysctls are back as they were, also after a SIGKILL.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SYSCTLS=(kernel/pid_max kernel/threads-max vm/max_map_count)

# fake_root DIR PID_MAX THREADS_MAX MAX_MAP_COUNT: a /proc/sys of 3 files
fake_root() {
	mkdir -p "$1/kernel" "$1/vm"
	echo "$2" >"$1/kernel/pid_max"
	echo "$3" >"$1/kernel/threads-max"
	echo "$4" >"$1/vm/max_map_count"
}

# values DIR: the three values, blank-separated
values() {
	local s

	for s in "${SYSCTLS[@]}"; do
		printf '%s ' "$(cat "$1/$s")"
	done
}

# lbench NAME ROOT [OPTIONS]: taskmem bench with the sysctls under ROOT and
# the state file ROOT.state; output in $tmp/NAME.out/.err, status in $status
lbench() {
	local name=$1 root=$2

	shift 2
	TASKMEM_SYSCTL_ROOT=$root TASKMEM_LIMITS_STATE=$root.state \
		timeout -k 5 "$RUN_TIMEOUT" "$TASKMEM" bench "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	status=$?
}

# lbench_bg NAME ROOT [OPTIONS]: the same in the background, pid in $bg_pid
lbench_bg() {
	local name=$1 root=$2

	shift 2
	TASKMEM_SYSCTL_ROOT=$root TASKMEM_LIMITS_STATE=$root.state \
		"$TASKMEM" bench "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	bg_pid=$!
	background+=("$bg_pid")
}

# restored NAME ROOT WANT [SECS]: within SECS (default 0) the values under
# ROOT are WANT again and the state file is gone
restored() {
	local deadline=$((SECONDS + ${4:-0}))

	while [[ $(values "$2") != "$3" || -e $2.state ]] && ((SECONDS < deadline)); do
		sleep 0.05
	done
	equals_str "$1: values afterwards" "$(values "$2")" "$3"
	equals_str "$1: state file afterwards" "$([[ -e $2.state ]] && echo present || echo gone)" gone
}

# started NAME PID: true once the background bench PID has begun its
# first run; else a failure, and it is stopped
started() {
	wait_output "$tmp/$1.err" '^bench 1/1' 10 "$2" && return 0
	result 0 "$1: bench started" "no progress line" "one"
	stop_bg "$2"
	return 1
}

THREADS=
case_raise() {
	local root=$tmp/raise others want

	fake_root "$root" 1000 1000 1000
	others=$(awk '{ split($4, a, "/"); print a[2] }' /proc/loadavg)
	lbench raise "$root" --raise-limits --tasks 1,200 --sleep 1 -f json \
		-n t -- "$THREADS" '{n}' '{s}'
	expect_status raise 0
	# 200 threads beside the machine's, with 4096 to spare
	want=$((others + 200 + 4096))
	contains "raise: pid_max raised" "$(grep 'pid_max' "$tmp/raise.err" | head -n 1)" \
		"raised kernel.pid_max from 1000 to"
	close_to "raise: pid_max during the run" int \
		"$(sed -n 's/.*raised kernel.pid_max from 1000 to \([0-9]*\).*/\1/p' "$tmp/raise.err")" \
		"threads + 200 + 4096" "$want" 0 200
	equals "raise: max_map_count during the run" \
		"$(sed -n 's/.*raised vm.max_map_count from 1000 to \([0-9]*\).*/\1/p' "$tmp/raise.err")" \
		$((65530 + 4 * 200))
	equals "raise: restore lines" "$(grep -c '^taskmem: restored' "$tmp/raise.err")" 3
	equals "raise: the 200-thread run saw its threads" \
		"$(jq '.programs[0].cells[1].peak_threads' "$tmp/raise.out")" 201
	restored raise "$root" "1000 1000 1000 "
}

# interrupted NAME SIGNAL WHOM: a bench whose run sleeps 5 s gets SIGNAL
# once it has raised the limits and started the run
interrupted() {
	local name=$1 sig=$2 root=$tmp/$1 pid

	fake_root "$root" 1000 1000 1000
	lbench_bg "$name" "$root" --raise-limits --tasks 100 --sleep 5 \
		-n t -- "$THREADS" '{n}' '{s}'
	pid=$bg_pid
	started "$name" "$pid" || return
	result "$([[ $(values "$root") != "1000 1000 1000 " ]] && echo 1 || echo 0)" \
		"$name: raised during the run" "$(values "$root")" "not 1000 1000 1000"
	equals_str "$name: state file during the run" \
		"$(head -n 1 "$root.state" 2>/dev/null)" "pid $pid"
	sleep 0.5
	local kill_list p
	kill_list=$(pgrep -P "$pid")
	kill "-$sig" "$pid"
	wait_bg "$pid" 15
	if [[ $sig == KILL ]]; then
		equals "$name: bench status" "$status" 137
		# the trace child and its workload outlive the bench
		for p in $kill_list; do
			kill -KILL "$p" 2>/dev/null
		done
		restored "$name" "$root" "1000 1000 1000 " 5
		contains "$name: the watchdog says so" "$(cat "$tmp/$name.err")" \
			"(left raised by bench pid $pid)"
	else
		equals "$name: bench status" "$status" 130
		restored "$name" "$root" "1000 1000 1000 "
	fi
}

case_sigint() { interrupted sigint INT; }
case_sigkill() { interrupted sigkill KILL; }

# A bench and its watchdog both died: the state file is left over.
case_stale() {
	local root=$tmp/stale

	fake_root "$root" 50000 60000 70000
	printf 'pid 999999\nkernel.pid_max 1000\nkernel.threads-max 1001\nvm.max_map_count 1002\n' \
		>"$root.state"
	lbench stale "$root" --raise-limits --tasks 1 --sleep 1 \
		-n t -- "$THREADS" '{n}' '{s}'
	expect_status stale 0
	contains "stale: restored first" "$(head -n 1 "$tmp/stale.err")" \
		"restored kernel.pid_max from 50000 to 1000 (left raised by bench pid 999999)"
	restored stale "$root" "1000 1001 1002 "

	# a state file that cannot be read is kept, and nothing runs
	printf 'pid 1\nkernel.pid_max 1x\n' >"$root.state"
	lbench stale-bad "$root" --raise-limits --tasks 1 --sleep 1 \
		-n t -- "$THREADS" '{n}' '{s}'
	expect_status stale-bad 125
	contains "stale-bad: message" "$(cat "$tmp/stale-bad.err")" \
		"cannot read '$root.state': invalid value '1x'"
	equals_str "stale-bad: state file kept" "$(head -n 1 "$root.state")" "pid 1"
	rm -f "$root.state"
}

case_busy() {
	local root=$tmp/busy first

	fake_root "$root" 1000 1000 1000
	lbench_bg busy1 "$root" --raise-limits --tasks 10 --sleep 3 \
		-n t -- "$THREADS" '{n}' '{s}'
	first=$bg_pid
	started busy1 "$first" || return
	lbench busy2 "$root" --raise-limits --tasks 10 --sleep 1 \
		-n t -- "$THREADS" '{n}' '{s}'
	expect_status busy2 125
	contains "busy: message" "$(cat "$tmp/busy2.err")" \
		"another 'taskmem bench --raise-limits' (pid $first) holds them"
	wait_bg "$first" 20
	equals "busy: first bench status" "$status" 0
	restored busy "$root" "1000 1000 1000 "
}

case_sudo() {
	local root=$tmp/sudo

	fake_root "$root" 1000 1000 1000
	SUDO_UID=65534 SUDO_GID=65534 lbench sudo "$root" --raise-limits \
		--tasks 1 -n t -- "$THREADS" '{n}' '{s}'
	expect_status sudo 64
	contains "sudo: message" "$(cat "$tmp/sudo.err")" \
		"cannot raise limits through sudo: kernel.pid_max"
	equals_str "sudo: nothing run" "$(cat "$tmp/sudo.out")" ""
	restored sudo "$root" "1000 1000 1000 "
}

# Without --raise-limits: a run that fails with its threads near a (fake)
# limit names it; one far from every limit does not.
case_cause() {
	local root=$tmp/cause others

	others=$(awk '{ split($4, a, "/"); print a[2] }' /proc/loadavg)
	# 500 threads and the machine's are 95% of this pid_max
	fake_root "$root" $(((others + 500) * 100 / 95)) 100000000 100000000
	lbench cause "$root" --tasks 500 --sleep 1 -f json \
		-n t -- sh -c "$THREADS \$0 \$1; exit 3" '{n}' '{s}'
	expect_status cause 0
	contains "cause: failure names the limit" \
		"$(jq -r '.programs[0].cells[0].stderr' "$tmp/cause.out")" \
		"near kernel.pid_max = $(cat "$root/kernel/pid_max") (50"
	fake_root "$root" 4194304 100000000 100000000
	lbench cause-far "$root" --tasks 500 --sleep 1 -f json \
		-n t -- sh -c "$THREADS \$0 \$1; exit 3" '{n}' '{s}'
	equals_str "cause-far: no limit named" \
		"$(jq -r '.programs[0].cells[0].stderr | tostring | test("near ")' \
			"$tmp/cause-far.out")" false
}

# The real sysctls: raised for a 2000-thread run, all three back after it,
# and after a SIGKILL of the bench.
case_real() {
	local before during pid kill_list p

	before=$(values /proc/sys)
	timeout -k 5 "$RUN_TIMEOUT" "$TASKMEM" bench --raise-limits --tasks 2000 \
		--sleep 1 -n t -- "$THREADS" '{n}' '{s}' \
		>"$tmp/real.out" 2>"$tmp/real.err"
	status=$?
	expect_status real 0
	during=$(sed -n 's/.*raised vm.max_map_count from [0-9]* to \([0-9]*\).*/\1/p' "$tmp/real.err")
	if (($(cat /proc/sys/vm/max_map_count) < 65530 + 8000)); then
		equals "real: max_map_count raised to" "$during" $((65530 + 8000))
	fi
	equals_str "real: sysctls afterwards" "$(values /proc/sys)" "$before"

	"$TASKMEM" bench --raise-limits --tasks 2000 --sleep 3 \
		-n t -- "$THREADS" '{n}' '{s}' >"$tmp/real-kill.out" 2>"$tmp/real-kill.err" &
	pid=$!
	background+=("$pid")
	if started real-kill "$pid"; then
		sleep 0.5
		kill_list=$(pgrep -P "$pid")
		kill -KILL "$pid"
		wait_bg "$pid" 10
		for p in $kill_list; do
			kill -KILL "$p" 2>/dev/null
		done
		local deadline=$((SECONDS + 5))
		while [[ $(values /proc/sys) != "$before" ]] && ((SECONDS < deadline)); do
			sleep 0.05
		done
	fi
	equals_str "real-kill: sysctls after a SIGKILL" "$(values /proc/sys)" "$before"
	equals_str "real-kill: state file afterwards" \
		"$([[ -e /run/taskmem-bench.limits ]] && echo present || echo gone)" gone
}

preflight() {
	need_root test_bench_limits.sh && need_tools "$TASKMEM" "$TOOLS/demo-threads"
}

main() {
	start preflight
	THREADS=$(realpath "$TOOLS/demo-threads")
	case_sudo
	case_raise
	case_sigint
	case_sigkill
	case_stale
	case_busy
	case_cause
	case_real
	finish
}

main "$@"
