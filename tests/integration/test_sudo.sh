#!/bin/bash
# Integration test of the privilege boundary through sudo: an unprivileged
# user whom sudoers allows only the taskmem binary tries to make taskmem
# write, read or run what that user could not; and bad input (wrong-typed
# JSON, /dev/zero, escape sequences in a process name) fails cleanly.
#
# Creates the user tmsudo (with a home) and /etc/sudoers.d/taskmem-test,
# both removed at exit. Run from the repository root, as root. The
# environment (TASKMEM, TOOLS, CI) and the output lines are in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUN_TIMEOUT=30
SUDO_TEST_USER=tmsudo
SUDOERS=/etc/sudoers.d/taskmem-test
user_created=0
# root-owned copies of taskmem and memshape, the only thing sudo allows
bindir=
# root-only files the user must not reach, in /etc (root's directory)
probe=/etc/taskmem-probe.$$
secret=/etc/taskmem-secret.$$
loopdev=

sudo_cleanup() {
	rm -f "$SUDOERS" "$probe" "$secret" "$probe.new" /etc/out.json
	[[ -n $loopdev ]] && losetup -d "$loopdev" 2>/dev/null
	[[ -n $bindir ]] && rm -rf "$bindir"
	rm -f "/tmp/$SUDO_TEST_USER-link"
	((user_created)) && userdel -r "$SUDO_TEST_USER" 2>/dev/null
}

# as_user CMD...: CMD as the test user, from its home
as_user() {
	(cd "$home" && runuser -u "$SUDO_TEST_USER" -- "$@")
}

# tm NAME ARGS...: `sudo taskmem ARGS` as the test user; stdout and stderr in
# $tmp/NAME.out and .err, the exit status in $status
tm() {
	local name=$1

	shift
	as_user timeout -k 5 "$RUN_TIMEOUT" sudo -n "$bindir/taskmem" "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	status=$?
}

# refused NAME WANT_STATUS WORDS: the status and a sentence on stderr
refused() {
	expect_status "$1" "$2"
	contains "$1: message" "$(head -c 300 "$tmp/$1.err")" "$3"
}

# untouched NAME: the root-only probe still holds what root wrote
untouched() {
	equals_str "$1: root-only file" \
		"$(cat "$probe"):$(stat -c %U:%a "$probe")" "root secret:root:600"
}

make_probe() {
	printf 'root secret' >"$probe"
	chmod 600 "$probe"
}

case_allowed() {
	tm allowed trace -q -f json -o "$home/own.json" -- id -u
	expect_status allowed 0
	equals_str "allowed: workload uid" "$(cat "$tmp/allowed.out")" "$uid"
	equals_str "allowed: report owner" \
		"$(stat -c %U "$home/own.json" 2>/dev/null)" "$SUDO_TEST_USER"
	equals_str "allowed: report is JSON" \
		"$(jq -r '.command[0]' "$home/own.json" 2>/dev/null)" "id"
	# -o /dev/stdout keeps working: here a pipe of the user's shell
	as_user sh -c "sudo -n '$bindir/taskmem' trace -q -f csv -o /dev/stdout \
		-- true | cat" >"$tmp/stdout.out" 2>"$tmp/stdout.err"
	status=$?
	expect_status stdout 0
	contains "stdout: report on stdout" "$(head -c 200 "$tmp/stdout.out")" \
		"pid,ppid,comm"
}

case_write_probes() {
	make_probe
	tm root-only trace -q -o "$probe" -- true
	refused root-only 64 "Permission denied"
	untouched root-only

	as_user ln -sfn "$probe" "/tmp/$SUDO_TEST_USER-link"
	tm tmp-symlink trace -q -o "/tmp/$SUDO_TEST_USER-link" -- true
	refused tmp-symlink 64 "Permission denied"
	untouched tmp-symlink

	for opt in -o --timeline --plot --perfetto; do
		as_user ln -sfn "$probe" "$home/link"
		tm "home-symlink$opt" trace -q "$opt" "$home/link" -- true
		refused "home-symlink$opt" 64 "Permission denied"
		untouched "home-symlink$opt"
	done

	as_user ln -sfn "$probe.new" "$home/dangling"
	tm dangling trace -q -o "$home/dangling" -- true
	refused dangling 64 "No such file"
	equals_str "dangling: created through the link" \
		"$([[ -e $probe.new ]] && echo yes || echo no)" "no"

	tm report-o report -o "$probe" "$home/own.json"
	refused report-o 64 "Permission denied"
	untouched report-o
	tm bench-o bench -o "$probe" -n x -- true '{n}'
	refused bench-o 64 "Permission denied"
	untouched bench-o
}

# A block device the user may open: refused all the same, nothing written.
case_block_device() {
	local img=$tmp/loop.img

	head -c 1048576 /dev/zero >"$img"
	loopdev=$(losetup -f --show "$img" 2>/dev/null)
	if [[ -z $loopdev ]]; then
		mknod "$tmp/blk" b 7 200
		loopdev=
		chmod 666 "$tmp/blk"
		chmod 755 "$tmp"
		tm blockdev trace -q -o "$tmp/blk" -- true
		expect_status blockdev 64
		return
	fi
	chmod 666 "$loopdev"
	tm blockdev trace -q -o "$loopdev" -- true
	refused blockdev 64 "block device"
	equals_str "blockdev: device content" \
		"$(cmp -s "$loopdev" "$img" && echo zeros || echo changed)" zeros
	losetup -d "$loopdev"
	loopdev=
}

# The workload (the user) swaps the report's directory for a link to /etc.
case_swapped_dir() {
	as_user mkdir -p "$home/d"
	tm swapped trace -q -o "$home/d/out.json" -- \
		sh -c "mv '$home/d' '$home/d.old' && ln -s /etc '$home/d'"
	refused swapped 125 "Permission denied"
	equals_str "swapped: /etc/out.json" \
		"$([[ -e /etc/out.json ]] && echo created || echo absent)" absent
	equals "swapped: files left in the old directory" \
		"$(find "$home/d.old" -type f | wc -l)" 0
}

case_run_as() {
	tm as-root trace -q --as-root -- id -u
	refused as-root 64 "refusing --as-root"
	contains "as-root: how a real root does it" "$(cat "$tmp/as-root.err")" \
		"env -u SUDO_UID -u SUDO_GID"
	equals_str "as-root: workload ran" "$(cat "$tmp/as-root.out")" ""
	tm user-root trace -q --user root -- id -u
	refused user-root 64 "refusing --user root"
	equals_str "user-root: workload ran" "$(cat "$tmp/user-root.out")" ""
	# a real root may (issue 18)
	timeout "$RUN_TIMEOUT" "$TASKMEM" trace -q --user root -- id -u \
		>"$tmp/real-root.out" 2>"$tmp/real-root.err"
	status=$?
	expect_status real-root 0
	equals_str "real-root: workload uid" "$(cat "$tmp/real-root.out")" 0
}

# -p: only processes the user could inspect; the report is the user's.
case_attach() {
	local own

	tm attach-root trace -q -p 1 -d 1
	refused attach-root 64 "may not inspect"
	start_bg "$tmp/sleep.out" runuser -u "$SUDO_TEST_USER" -- sleep 30
	sleep 0.2
	own=$(pgrep -u "$SUDO_TEST_USER" -x sleep | head -1)
	tm attach-own trace -q -f json -o "$home/attach.json" -p "$own" -d 1
	expect_status attach-own 0
	equals_str "attach-own: report owner" \
		"$(stat -c %U "$home/attach.json" 2>/dev/null)" "$SUDO_TEST_USER"
	stop_bg "$bg_pid"
	kill "$own" 2>/dev/null
}

# Root-only inputs: refused, and not one byte of them in the message.
case_read_probes() {
	printf 'TOPSECRET\tline {n}\nTOPSECRET2\n' >"$secret"
	chmod 600 "$secret"
	tm plan-secret bench --plan "$secret"
	refused plan-secret 64 "Permission denied"
	tm report-secret report "$secret"
	refused report-secret 64 "Permission denied"
	for n in plan-secret report-secret; do
		equals "$n: secret in the messages" \
			"$(grep -c TOPSECRET "$tmp/$n.err" "$tmp/$n.out" |
				awk -F: '{ s += $2 } END { print s }')" 0
	done
	# a readable plan of the user's own is not quoted back either
	printf 'leaked-line\n' >"$home/plan.tsv"
	tm plan-own bench --plan "$home/plan.tsv"
	refused plan-own 64 "line 1"
	equals "plan-own: line in the message" \
		"$(grep -c leaked-line "$tmp/plan-own.err")" 0
}

# bad_json NAME JQ WORD: the fixture report changed by JQ is refused, exit 64
# with the field named
bad_json() {
	jq "$2" "$home/own.json" >"$tmp/$1.json"
	chmod 644 "$tmp/$1.json"
	timeout "$RUN_TIMEOUT" "$TASKMEM" report "$tmp/$1.json" \
		>"$tmp/$1.out" 2>"$tmp/$1.err"
	status=$?
	refused "$1" 64 "$3"
}

case_bad_json() {
	bad_json json-null-command '.command = [null]' "'command[0]'"
	bad_json json-command-null '.command = null' "'command' is null"
	bad_json json-number-comm '.processes[0].comm = 7' "'comm'"
	bad_json json-huge '.tree.peak_rss_bytes = 18446744073709551615' \
		"'peak_rss_bytes' in tree is out of range"
	bad_json json-1e308 '.duration_s = 1e308' "'duration_s' is out of range"
	bad_json json-pid-string '.processes[0].pid = "1"' "'pid'"
}

case_bounded_input() {
	local t0

	t0=$EPOCHREALTIME
	tm dev-zero report /dev/zero
	refused dev-zero 64 "not a text file"
	seconds_range "dev-zero: time" "$(elapsed_since "$t0")" 0 10
	tm plan-zero bench --plan /dev/zero
	refused plan-zero 64 "not a text file"
	# a pipe is read up to the bound, no further (a plan's: 1 MiB)
	t0=$EPOCHREALTIME
	timeout "$RUN_TIMEOUT" "$TASKMEM" bench --plan <(yes) >"$tmp/pipe.out" \
		2>"$tmp/pipe.err"
	status=$?
	refused pipe 64 "larger than 1 MiB"
	seconds_range "pipe: time" "$(elapsed_since "$t0")" 0 5
	# a large regular file is refused before reading
	truncate -s 300M "$tmp/big.json"
	t0=$EPOCHREALTIME
	timeout "$RUN_TIMEOUT" "$TASKMEM" report "$tmp/big.json" \
		>"$tmp/big.out" 2>"$tmp/big.err"
	status=$?
	refused big 64 "larger than 256 MiB"
	seconds_range "big: time" "$(elapsed_since "$t0")" 0 2
}

# A process that names itself with escape sequences (prctl).
case_comm_escape() {
	local name=$'\e]0;pwned\a\e[2J'

	tm comm-table trace -q -- "$bindir/memshape" name "$name"
	expect_status comm-table 0
	equals "comm-table: ESC or BEL bytes in the table" \
		"$(tr -cd '\033\007' <"$tmp/comm-table.err" | wc -c)" 0
	contains "comm-table: escaped name" "$(cat "$tmp/comm-table.err")" \
		'\e]0;pwned\x07\e[2J'
	tm comm-md trace -q -f markdown -- "$bindir/memshape" name "$name"
	equals "comm-md: ESC or BEL bytes" \
		"$(tr -cd '\033\007' <"$tmp/comm-md.err" | wc -c)" 0
	# an argument cannot start a line of its own in the report
	tm cmdline trace -q -- true $'x\n* * * * * root evil'
	equals "cmdline: lines starting with '* * *'" \
		"$(grep -c '^\* \* \*' "$tmp/cmdline.err")" 0
}

preflight() {
	need_root test_sudo.sh && need_tools "$TASKMEM" "$TOOLS/memshape" ||
		return
	local ok=0 c

	for c in sudo runuser useradd userdel visudo pgrep; do
		command -v "$c" >/dev/null ||
			{ result 0 "preflight: $c" "missing" "installed"; ok=1; }
	done
	return $ok
}

main() {
	unset SUDO_UID SUDO_GID SUDO_USER SUDO_COMMAND
	start preflight
	trap 'sudo_cleanup; cleanup' EXIT

	if ! id -u "$SUDO_TEST_USER" >/dev/null 2>&1; then
		useradd -m -s /bin/sh "$SUDO_TEST_USER" || exit 1
		user_created=1
	fi
	uid=$(id -u "$SUDO_TEST_USER")
	home=$(getent passwd "$SUDO_TEST_USER" | cut -d: -f6)
	bindir=$(mktemp -d /tmp/taskmem-sudo.XXXXXX)
	chmod 755 "$bindir"
	install -m 755 "$TASKMEM" "$bindir/taskmem"
	install -m 755 "$TOOLS/memshape" "$bindir/memshape"
	echo "$SUDO_TEST_USER ALL=(root) NOPASSWD: $bindir/taskmem" >"$SUDOERS"
	chmod 440 "$SUDOERS"
	visudo -cqf "$SUDOERS" || { result 0 "sudoers" "invalid" "valid"; exit 1; }

	case_allowed
	case_write_probes
	case_block_device
	case_swapped_dir
	case_run_as
	case_attach
	case_read_probes
	case_bad_json
	case_bounded_input
	case_comm_escape

	finish
}

main "$@"
