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
		"$(grep "kernel's max RSS" "$tmp/note.err")" "a copy of taskmem"
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

	finish
}

main "$@"
