#!/bin/bash
# Integration test of PID namespaces and of taskmem's own process: taskmem
# inside `unshare -pf --mount-proc` (as in a privileged container), the
# workload one namespace deeper, taskmem outside and the workload inside,
# attaching inside a namespace, /proc of another namespace, taskmem
# attached to its own shell, and -p 1 where the kernel hides pid 1.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUN_TIMEOUT=20

# absolute: the commands run from other shells
TASKMEM=$(realpath "$TASKMEM")
TOOLS=$(realpath "$TOOLS")

# proc PID: the jq filter of PID's row in the current report
proc() {
	printf 'first(.processes[] | select(.pid == %s))' "$1"
}

# The jq filter of the row of the root's child. Its number is not fixed:
# taskmem's own threads (the one that moves the workload into its
# cgroup) take numbers of the namespace too.
ROOT_CHILD='first(.processes[] | select(.ppid == 2))'

# ns_run NAME WANT_STATUS [TASKMEM OPTIONS] -- CMD ARGS...: like run, with
# taskmem itself in a new PID namespace with its own /proc
ns_run() {
	local name=$1 want=$2

	shift 2
	timeout -k 5 "$RUN_TIMEOUT" unshare -pf --mount-proc "$TASKMEM" trace \
		--format json -o "$tmp/$name.json" "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	status=$?
	expect_status "$name" "$want"
	report_json "$name"
}

# taskmem is pid 1 of its namespace, so the root it forks is pid 2: the
# pids of the report are that namespace's, and the peaks are not 0
case_inside() {
	local n=inside c

	ns_run $n 0 -- "$TOOLS/memshape" fork-touch 96 32 300 || return
	c=$ROOT_CHILD
	equals "$n: root pid" "$(val 'root.pid')" 2
	equals "$n: root ppid" "$(val 'root.ppid')" 1
	# a number of taskmem's namespace (the initial one's are far higher)
	expect_range "$n: child pid (its parent is pid 2)" int "$(val "$c.pid")" 3 64
	bytes_range "$n: root peak_anon_bytes" \
		"$(val "$(proc 2).peak_anon_bytes")" $((96 * M)) $((100 * M))
	# the child's RSS holds the 96 MiB it inherited, as the kernel counts it
	bytes_range "$n: child peak_anon_bytes (96 inherited + 32)" \
		"$(val "$c.peak_anon_bytes")" $((128 * M)) $((132 * M))
	bytes_range "$n: tree.peak_rss_bytes (both at once)" \
		"$(val .tree.peak_rss_bytes)" $((224 * M)) $((240 * M))
	equals "$n: tree.processes_total" "$(val .tree.processes_total)" 2
	equals "$n: lost_events" "$(val .lost_events)" 0
}

# the workload in a namespace below taskmem's: still that namespace's pids
case_deeper() {
	local n=deeper

	ns_run $n 0 -- unshare -pf "$TOOLS/memshape" anon 64 300 || return
	equals "$n: tree.processes_total" "$(val .tree.processes_total)" 2
	equals_str "$n: pids: the root's, and its child's above it" \
		"$(val '[.processes[].pid] | sort | [.[0], .[1] > 2] | tojson')" \
		"[2,true]"
	equals "$n: memshape ppid" "$(val "$ROOT_CHILD.ppid")" 2
	bytes_range "$n: memshape peak_anon_bytes" \
		"$(val "$ROOT_CHILD.peak_anon_bytes")" $((64 * M)) $((68 * M))
}

# taskmem in the initial namespace, the workload in a new one: the pids are
# the initial namespace's
case_outside() {
	local n=outside root mem

	run $n 0 -- unshare -pf --mount-proc "$TOOLS/memshape" anon 64 300 ||
		return
	root=$(val 'root.pid')
	mem=$(val "first(.processes[] | select(.comm == \"memshape\")).pid")
	expect_range "$n: memshape pid (the initial namespace's)" int "$mem" 2 ""
	equals "$n: memshape ppid" "$(val "$(proc "$mem").ppid")" "$root"
	bytes_range "$n: memshape peak_anon_bytes" \
		"$(val "$(proc "$mem").peak_anon_bytes")" $((64 * M)) $((68 * M))
}

# -p inside a namespace: the target is pid 2 there (after the shell)
case_attach_inside() {
	local n=attach-inside script

	# shellcheck disable=SC2016 # expanded by the inner shell
	script='"$1" hold-fork 64 1500 32 500 >"$3" &
		until grep -q ready "$3" 2>/dev/null; do sleep 0.02; done
		"$2" trace --format json -o "$4" -p $!'
	timeout -k 5 "$RUN_TIMEOUT" unshare -pf --mount-proc bash -c "$script" \
		sh "$TOOLS/memshape" "$TASKMEM" "$tmp/$n.workload" "$tmp/$n.json" \
		>"$tmp/$n.out" 2>"$tmp/$n.err"
	status=$?
	expect_status $n 0
	report_json $n || return
	equals_str "$n: attached_pids" "$(val '.attached_pids | tojson')" "[2]"
	bytes_range "$n: target peak_anon_bytes (since attach)" \
		"$(val "$(proc 2).peak_anon_bytes")" $((64 * M)) $((68 * M))
	equals "$n: child ppid" "$(val 'others[0].ppid')" 2
	bytes_range "$n: child peak_anon_bytes" \
		"$(val 'others[0].peak_anon_bytes')" $((32 * M)) ""
	bytes_range "$n: target kernel_vmhwm_bytes (its /proc)" \
		"$(val "$(proc 2).kernel_vmhwm_bytes")" $((64 * M)) ""
}

# /proc of the parent namespace (no --mount-proc): -p cannot be checked
case_foreign_proc() {
	local n=foreign-proc

	timeout -k 5 "$RUN_TIMEOUT" unshare -pf "$TASKMEM" trace -p 2 -d 1 \
		>"$tmp/$n.out" 2>"$tmp/$n.err"
	status=$?
	expect_status $n 64
	contains "$n: stderr" "$(head -n 1 "$tmp/$n.err")" \
		"/proc is not mounted for taskmem's pid namespace"
}

# attached to the shell that runs it, taskmem leaves itself out
case_self() {
	local n=self sh

	# "; :" keeps bash from exec'ing taskmem in place of itself
	# shellcheck disable=SC2016 # expanded by the inner shell
	timeout -k 5 "$RUN_TIMEOUT" bash -c \
		'echo $$ >"$2"; "$1" trace --format json -o "$3" -d 1 -p $$; :' \
		sh "$TASKMEM" "$tmp/$n.shell" "$tmp/$n.json" \
		>"$tmp/$n.out" 2>"$tmp/$n.err"
	status=$?
	expect_status $n 0
	report_json $n || return
	sh=$(cat "$tmp/$n.shell")
	equals_str "$n: pids" "$(val '[.processes[].pid] | tojson')" "[$sh]"
	equals "$n: rows named taskmem" \
		"$(val '[.processes[] | select(.comm == "taskmem")] | length')" 0
	equals "$n: tree.processes_total" "$(val .tree.processes_total)" 1
}

# -p 1: traced where BPF sees it; where the kernel hides it (this VM's
# process_api), one sentence saying so and 125, never "pid 1 exited"
case_pid1() {
	local n=pid1

	trace $n -p 1 -d 0.5
	if readlink /proc/1/exe >/dev/null 2>&1; then
		expect_status $n 0
		report_json $n || return
		equals_str "$n: attached_pids" "$(val '.attached_pids | tojson')" \
			"[1]"
		return
	fi
	expect_status $n 125
	contains "$n: stderr" "$(head -n 1 "$tmp/$n.err")" \
		"cannot attach to pid 1: it runs, but the kernel"
}

preflight() {
	need_root test_pidns.sh || return 1
	need_tools "$TASKMEM" "$TOOLS/memshape" || return 1
	if ! command -v unshare >/dev/null; then
		result 0 "preflight: unshare" "missing" "installed (util-linux)"
		return 1
	fi
}

main() {
	start preflight

	case_inside
	case_deeper
	case_outside
	case_attach_inside
	case_foreign_proc
	case_self
	case_pid1

	finish
}

main "$@"
