#!/bin/bash
# Integration test of the final report's consistency: 20 separate runs whose
# root exits while its tree still forks (memshape fork-tail), so that BPF
# would insert and delete processes while the report is read if taskmem did
# not stop it first. In every report the rows, the totals and the lost
# counters agree: one row per process counted, no pid twice.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS=20
RUN_TIMEOUT=20
# the root exits after WAIT_MS while its spawner forks for FORK_MS more;
# the test ends the tail once the report is written
WAIT_MS=150
FORK_MS=10000

# spawners still running, killed at exit
spawners=()

# end_tail PGID: ends a spawner's process group (it leads one of its own)
# while it is still a memshape; true once the spawner has exited
end_tail() {
	local i

	[[ $(cat "/proc/$1/comm" 2>/dev/null) == memshape ]] &&
		kill -KILL -- "-$1" 2>/dev/null
	# a zombie is gone too: its reaper is init, not us
	for ((i = 0; i < 100; i++)); do
		is_running "$1" || return 0
		sleep 0.05
	done
	return 1
}

kill_spawners() {
	local p

	for p in "${spawners[@]}"; do
		end_tail "$p"
	done
	cleanup
}

case_forking_tail() {
	local i n rows total lost dups agree=0 spawner forked=0

	for ((i = 1; i <= RUNS; i++)); do
		n=tail-$i
		run $n 0 -- "$TOOLS/memshape" fork-tail $WAIT_MS $FORK_MS || continue
		spawner=$(head -n 1 "$tmp/$n.out")
		is_int "$spawner" && spawners+=("$spawner")
		# the tail still forked when the report was taken: BPF held
		# live processes then
		(($(val '[.processes[] | select(.alive_at_end)] | length') > 0)) &&
			forked=$((forked + 1))
		rows=$(val '.processes | length')
		total=$(val .tree.processes_total)
		# every lost record is a process counted without a row
		lost=$(val '.lost_events - .lost_processes')
		dups=$(val '[.processes[].pid] | length - (unique | length)')
		equals "$n: rows + lost records" "$((rows + lost))" "$total"
		equals "$n: pids listed twice" "$dups" 0
		equals "$n: lost_events" "$(val .lost_events)" 0
		if ((rows + lost == total && dups == 0)); then
			agree=$((agree + 1))
		fi
		# the next run starts on a quiet machine
		if is_int "$spawner" && ! end_tail "$spawner"; then
			result 0 "$n: spawner $spawner" "still running 5 s after SIGKILL" \
				"gone"
		fi
	done
	equals "reports that agree" "$agree" "$RUNS"
	equals "runs whose tree still ran at the end" "$forked" "$RUNS"
}

preflight() {
	need_root test_final_report.sh || return 1
	need_tools "$TASKMEM" "$TOOLS/memshape" || return 1
	need_memshape fork-tail || return 1
}

main() {
	start preflight
	trap kill_spawners EXIT

	case_forking_tail

	finish
}

main "$@"
