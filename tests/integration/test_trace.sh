#!/bin/bash
# Integration test: trace the workloads in tools/ under taskmem and check the
# numbers of its JSON report against the memory shapes we know they have.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# the file case's directory (see main)
filedir=

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
	need_root test_trace.sh &&
		need_tools "$TASKMEM" "$TOOLS/memshape" "$TOOLS/demo-threads"
}

main() {
	start preflight
	# file pages on tmpfs are shmem: the file case needs a real filesystem
	filedir=$tmp
	if [[ $(stat -f -c %T "$tmp") == tmpfs ]]; then
		filedir=$(mktemp -d /var/tmp/taskmem-test.XXXXXX) || exit 1
		scratch+=("$filedir")
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

	finish
}

main "$@"
