#!/bin/bash
# Integration test of what a newcomer meets first (issue #18): help for a
# command, "-o -" as stdout, the command quoted in the report's header,
# large trees grouped in the table, the terminal's width, option bounds,
# interval tables and the timeline's size.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# run NAME ARGS...: taskmem ARGS, output in $tmp/NAME.out and $tmp/NAME.err,
# the exit status in $status (no --format or -o added)
run() {
	local name=$1

	shift
	(cd "$tmp" && timeout -k 5 "$RUN_TIMEOUT" "$TASKMEM" "$@") \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	status=$?
}

# `taskmem help trace` is trace's help, not the list of commands.
case_help() {
	local c

	for c in trace report bench; do
		run "help-$c" help "$c"
		equals "help $c: exit status" "$status" 0
		equals_str "help $c: first line" "$(head -n 1 "$tmp/help-$c.out")" \
			"$(head -n 1 < <(cd "$tmp" && "$TASKMEM" "$c" --help))"
		contains "help $c: it is $c's" "$(head -n 1 "$tmp/help-$c.out")" \
			"usage: taskmem $c "
	done
	run help-bogus help bogus
	equals "help bogus: exit status" "$status" 64
	contains "help bogus: message" "$(cat "$tmp/help-bogus.err")" "'bogus'"
}

# "-o -" is standard output: the report is there, no file named "-".
case_dash_output() {
	run dash trace -q -f json -o - -- "$TOOLS/memshape" anon 8 0
	equals "-o -: exit status" "$status" 0
	equals_str "-o -: the JSON on stdout, root's peak RSS >= 8 MiB" \
		"$(jq '[.processes[] | select(.root) | .peak_rss_bytes >= 8 * 1048576] | all' \
			"$tmp/dash.out")" true
	equals_str "-o -: no file named '-'" "$([[ -e $tmp/- ]] && echo yes || echo no)" no
	run dash-report report -o - "$tmp/dash.out"
	equals "report -o -: exit status" "$status" 0
	contains "report -o -: the table on stdout" "$(cat "$tmp/dash-report.out")" \
		"(simultaneous)"
}

# The header's command, pasted back into a shell, runs the same words.
case_quoting() {
	local header pasted

	run quote trace -q -- printf '[%s]\n' "it's" 'a b' "$(printf 'x\ty')" '' '$HOME'
	equals "quoting: exit status" "$status" 0
	header=$(head -n 1 "$tmp/quote.err")
	contains "quoting: header" "$header" "taskmem: printf '[%s]\n' 'it'\''s' 'a b' \$'x\ty' '' '\$HOME'"
	pasted=$(eval "${header#taskmem: }")
	equals_str "quoting: the pasted command prints what the traced one did" \
		"$pasted" "$(cat "$tmp/quote.out")"
}

# --user: the kernel's max RSS (wait4) counts the root before exec, a copy of
# taskmem; it must not grow by what switching user loads (NSS: +2 MiB).
case_user_maxrss() {
	local plain as_user

	run plain trace -q -f json -o plain.json -- /bin/true
	plain=$(jq .kernel_maxrss_bytes "$tmp/plain.json")
	run nobody trace -q -f json -o nobody.json --user nobody -- /bin/true
	equals "--user nobody: exit status" "$status" 0
	as_user=$(jq .kernel_maxrss_bytes "$tmp/nobody.json")
	expect_range "--user nobody: kernel max RSS minus the plain run's (bytes)" \
		int $((as_user - plain)) "" $((3 * M / 4))
	run note trace -q --user nobody -- /bin/true
	contains "--user nobody: the table says why the kernel's figure is higher" \
		"$(grep -A1 "kernel's max RSS" "$tmp/note.err")" "a copy of taskmem"
}

# The live status line fits the terminal (a pty of 40, 60, 80, 200 columns):
# each redraw shorter than the width, so it never wraps.
case_status_width() {
	local cols longest

	if ! command -v script >/dev/null; then
		cannot_run test_newcomer.sh "script(1) is not installed" \
			"status width: script" missing installed
		return
	fi
	for cols in 40 60 80 200; do
		script -qec "stty cols $cols; $(printf '%q' "$TASKMEM") trace -- sleep 0.8 >/dev/null" \
			/dev/null >"$tmp/tty-$cols.txt" 2>&1
		# the redraws: what follows each "\r\e[K" up to the next \r
		longest=$(tr '\r' '\n' <"$tmp/tty-$cols.txt" |
			sed -n 's/^\x1b\[K\(..*\)$/\1/p' |
			awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
		expect_range "status line in $cols columns: longest redraw" int \
			"$longest" 10 $((cols - 1))
	done
}

# -i with many processes: each interval table shows the tree, the 15
# largest processes and one line for the rest, and the tables keep coming.
case_interval_tables() {
	local holder n=0 tables rows

	start_bg "$tmp/holder.out" bash -c 'for i in $(seq 200); do sleep 30 & done; wait'
	holder=$bg_pid
	for _ in $(seq 600); do
		n=$(pgrep -c -P "$holder")
		((n >= 200)) && break
		sleep 0.1
	done
	equals "interval: sleeps started" "$n" 200
	run interval trace -q -p "$holder" -d 2 -i 0.1
	equals "interval: exit status" "$status" 0
	tables=$(grep -c '^\[' "$tmp/interval.err")
	# 20 asked; a loaded machine may skip some, never most
	expect_range "interval: tables in 2 s at -i 0.1" int "$tables" 10 21
	rows=$(awk '/^taskmem: / { exit } /^\[/ { if (n > m) m = n; n = 0; next }
		/^ +[0-9]+ [^ ]/ && !/ more processes/ { n++ } END { if (n > m) m = n; print m + 0 }' \
		"$tmp/interval.err")
	equals "interval: most process rows in one table" "$rows" 15
	contains "interval: the rest on one line" "$(cat "$tmp/interval.err")" \
		"186 more processes, smaller now"
	# shellcheck disable=SC2046 # one pid a word
	kill $(pgrep -P "$holder") 2>/dev/null
	stop_bg "$holder"
}

# --per-process=2: in each sample, the two largest processes only. Four
# children of 4 MiB and their 0 MiB parent: two children a sample.
case_per_process_top() {
	local csv=$tmp/top.csv

	run top trace -q --timeline "$csv" --per-process=2 --sample-ms 50 \
		-- "$TOOLS/memshape" children 4 4 600 parallel
	equals "--per-process=2: exit status" "$status" 0
	expect_range "--per-process=2: most process rows in a sample" int \
		"$(awk -F, 'NR > 1 && $2 != 0 { c[$1]++ }
			END { for (k in c) if (c[k] > m) m = c[k]; print m + 0 }' "$csv")" 1 2
	# while the children hold their 4 MiB, the rows are theirs
	expect_range "--per-process=2: samples with two 4 MiB+ rows" int \
		"$(awk -F, 'NR > 1 && $2 != 0 && $6 >= 4194304 { c[$1]++ }
			END { for (k in c) n += c[k] == 2; print n + 0 }' "$csv")" 3 ""
}

# 31 sleeps, seq and their shell: the table shows 15 processes and one "sleep
# ×17" row; --all-processes and the JSON keep all 33.
case_groups() {
	run groups trace -q -f json -o groups.json -- \
		bash -c 'for i in $(seq 31); do sleep 0.5 & done; wait'
	equals "groups: exit status" "$status" 0
	equals "groups: processes in the JSON" \
		"$(jq '.processes | length' "$tmp/groups.json")" 33
	run groups-table report "$tmp/groups.json"
	equals "groups: process rows in the table" \
		"$(grep -cE '^ +[0-9]+ +[0-9]+ ' "$tmp/groups-table.out")" 15
	# seq's footprint ties with a sleep's: it may be among the 15 or not
	local shown
	shown=$(grep -cE '^ +[0-9]+ +[0-9]+ sleep ' "$tmp/groups-table.out")
	contains "groups: the rest in one row" "$(cat "$tmp/groups-table.out")" \
		"sleep ×$((31 - shown)) "
	contains "groups: the note" "$(cat "$tmp/groups-table.out")" \
		"18 of 33 processes grouped by command"
	expect_range "groups: widest table line (the default fits 100 columns)" int \
		"$(grep -E '^ +([0-9]+ +[0-9]+|TOTAL) ' "$tmp/groups-table.out" |
			awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')" 80 100
	run groups-all report --all-processes "$tmp/groups.json"
	equals "groups: --all-processes rows" \
		"$(grep -cE '^ +[0-9]+ +[0-9]+ ' "$tmp/groups-all.out")" 33
}

# The bounds are named; -i has a floor.
case_bounds() {
	run bound-d trace -p 1 -d 31536001
	equals "-d 31536001: exit status" "$status" 64
	contains "-d 31536001: the bound named" "$(cat "$tmp/bound-d.err")" \
		"at most 31536000"
	run bound-i trace -i 0.000001 -- true
	equals "-i 0.000001: exit status" "$status" 64
	contains "-i 0.000001: the floor named" "$(cat "$tmp/bound-i.err")" \
		"from 0.1"
}

preflight() {
	need_root test_newcomer.sh &&
		need_tools "$TASKMEM" "$TOOLS/memshape" || return
	command -v jq >/dev/null ||
		{ result 0 "preflight: jq" "missing" "installed"; return 1; }
}

main() {
	unset SUDO_UID SUDO_GID SUDO_USER SUDO_COMMAND
	start preflight

	case_help
	case_dash_output
	case_bounds
	case_quoting
	case_user_maxrss
	case_status_width
	case_interval_tables
	case_per_process_top
	case_groups

	finish
}

main "$@"
