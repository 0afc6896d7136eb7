#!/bin/bash
# Integration test of --listen and --metrics-file: a real Prometheus server
# (Debian's prometheus package) scrapes taskmem tracing a workload that
# holds 96 MiB, and the value it stores for taskmem_tree_peak_rss_bytes is
# checked against taskmem's own JSON report; the textfile export is checked
# with promtool and against the report too.
#
# Everything listens on 127.0.0.1 only, in a temporary directory, and
# everything started here is stopped at exit. Run from the repository
# root, as root; the environment and output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# A COMM that needs escaping in a label value: quote, backslash, newline.
WEIRD=$'q"b\\s\nn'
HOLD_MS=4000
PROM_WAIT=30

prom_port=
prom_pid=

# free_port: a port nothing on 127.0.0.1 listens on
free_port() {
	local p i

	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# query PROMQL: the first result's value from Prometheus's HTTP API, or ""
query() {
	curl -sf --max-time 5 --get "http://127.0.0.1:$prom_port/api/v1/query" \
		--data-urlencode "query=$1" 2>/dev/null |
		jq -r '.data.result[0].value[1] // empty' 2>/dev/null
}

# save PROMQL FILE: the whole answer of Prometheus's HTTP API to FILE
save() {
	curl -sf --max-time 5 --get "http://127.0.0.1:$prom_port/api/v1/query" \
		--data-urlencode "query=$1" >"$2" 2>/dev/null
}

# saved FILE NAME [LABEL]: from a saved answer, the value of the series
# NAME (or its label LABEL), or ""
saved() {
	jq -r --arg n "$2" --arg l "${3:-}" \
		'first(.data.result[] | select(.metric.__name__ == $n)
			| if $l == "" then .value[1] else .metric[$l] end) // empty' \
		"$1" 2>/dev/null
}

# wait_query PROMQL WANT SECS: true once PROMQL's value is WANT
wait_query() {
	local deadline=$((SECONDS + $3))

	until [[ $(query "$1") == "$2" ]]; do
		((SECONDS >= deadline)) && return 1
		sleep 0.2
	done
}

# A Prometheus of its own: config, data and log in $tmp, 1 s scrapes of
# 127.0.0.1:$1.
start_prometheus() {
	local target=$1 deadline

	prom_port=$(free_port) || return 1
	mkdir -p "$tmp/prom"
	cat >"$tmp/prom/prometheus.yml" <<-EOF
		global:
		  scrape_interval: 1s
		  scrape_timeout: 1s
		scrape_configs:
		  - job_name: taskmem
		    static_configs:
		      - targets: ['127.0.0.1:$target']
	EOF
	start_bg "$tmp/prom/log" prometheus \
		--config.file="$tmp/prom/prometheus.yml" \
		--storage.tsdb.path="$tmp/prom/data" \
		--web.listen-address="127.0.0.1:$prom_port" --log.level=warn
	prom_pid=$bg_pid
	deadline=$((SECONDS + PROM_WAIT))
	until curl -sf --max-time 1 "http://127.0.0.1:$prom_port/-/ready" \
		>/dev/null 2>&1; do
		if ((SECONDS >= deadline)) || ! is_running "$prom_pid"; then
			sed -n '1,5s/^/#   /p' "$tmp/prom/log.err"
			return 1
		fi
		sleep 0.2
	done
}

# The workload under a name that needs escaping (COMM is the file name).
weird_memshape() {
	ln -sf "$(realpath "$TOOLS/memshape")" "$tmp/$WEIRD"
	printf '%s' "$tmp/$WEIRD"
}

case_prometheus() {
	local n=prometheus port tpid prog v json sel a

	port=$(free_port) || {
		result 0 "$n: a free port" "none found" "one on 127.0.0.1"
		return
	}
	if ! start_prometheus "$port"; then
		result 0 "$n: prometheus ready" "not within ${PROM_WAIT}s" \
			"ready on 127.0.0.1:$prom_port"
		return
	fi
	# Prometheus hands new targets to its scrapers up to 5 s after it is
	# ready: wait for its first attempt (up is 0 until taskmem listens) so
	# that the workload's hold is scraped
	wait_query 'count(up{job="taskmem"})' 1 $PROM_WAIT
	prog=$(weird_memshape)
	trace_bg $n -q --listen "127.0.0.1:$port" --linger 30 \
		--metrics-label run=ci -- "$prog" anon 96 "$HOLD_MS"
	tpid=$bg_pid
	sel='{job="taskmem",run="ci"}'

	# while the workload holds its 96 MiB, a scrape sees them
	wait_query "taskmem_tree_rss_bytes$sel >= bool $((96 * M))" 1 $PROM_WAIT
	bytes_range "$n: live taskmem_tree_rss_bytes in Prometheus" \
		"$(query "taskmem_tree_rss_bytes$sel")" $((96 * M)) $((100 * M))

	# the report is written before lingering; Prometheus then scrapes the
	# final figures, those of the report
	wait_output "$tmp/$n.json" '}' $PROM_WAIT "$tpid"
	wait_query "taskmem_tree_processes$sel" 0 $PROM_WAIT
	report=$tmp/$n.json
	save "{job=\"taskmem\"}" "$tmp/$n.api"
	a=$tmp/$n.api
	json=$(val .tree.peak_rss_bytes)
	v=$(saved "$a" taskmem_tree_peak_rss_bytes)
	equals "$n: taskmem_tree_peak_rss_bytes from Prometheus's API (JSON report's tree.peak_rss_bytes: $json)" \
		"${v:-missing}" "$json"
	bytes_range "$n: JSON tree.peak_rss_bytes" "$json" $((96 * M)) $((100 * M))
	equals "$n: taskmem_tree_peak_footprint_bytes" \
		"$(saved "$a" taskmem_tree_peak_footprint_bytes)" \
		"$(val .tree.peak_footprint_bytes)"
	equals "$n: taskmem_process_peak_rss_bytes of the workload" \
		"$(saved "$a" taskmem_process_peak_rss_bytes)" \
		"$(val root.peak_rss_bytes)"
	# shown as $'...': the name holds a newline
	equals_str "$n: comm label, escaped and read back" \
		"$(printf %q "$(saved "$a" taskmem_process_peak_rss_bytes comm)")" \
		"$(printf %q "$WEIRD")"
	equals_str "$n: run label" "$(saved "$a" taskmem_tree_rss_bytes run)" ci
	equals "$n: taskmem_lost_events_total" \
		"$(saved "$a" taskmem_lost_events_total)" 0
	equals "$n: taskmem_build_info" "$(saved "$a" taskmem_build_info)" 1
	equals "$n: scrape target up" "$(saved "$a" up)" 1

	# what Prometheus asked for: OpenMetrics, ending in # EOF
	v=$(curl -s --max-time 5 -D "$tmp/$n.headers" -H 'Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1' \
		"http://127.0.0.1:$port/metrics" | tail -n 1)
	equals_str "$n: OpenMetrics last line" "$v" "# EOF"
	contains "$n: OpenMetrics content type" \
		"$(tr -d '\r' <"$tmp/$n.headers" | grep -i '^content-type:')" \
		"application/openmetrics-text; version=1.0.0"
	contains "$n: plain scrape" \
		"$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" | grep '^# TYPE taskmem_lost')" \
		"taskmem_lost_events_total counter"

	# --linger 30, ended by SIGTERM: taskmem exits with the workload's code
	kill -TERM "$tpid" 2>/dev/null
	wait_bg "$tpid" 5
	expect_status $n 0
	stop_bg "$prom_pid"
}

# --metrics-file: rewritten every interval, atomically, final figures last
case_file() {
	local n=file f=$tmp/textfile/taskmem.prom said seen=0 tpid i

	mkdir -p "$tmp/textfile"
	trace_bg $n -q --metrics-file "$f" --metrics-interval 0.2 \
		-- "$(weird_memshape)" anon 32 1500
	tpid=$bg_pid
	# an intermediate file, written while the workload runs
	for ((i = 0; i < 100; i++)); do
		if grep -q '^taskmem_tree_processes 1$' "$f" 2>/dev/null; then
			seen=1
			break
		fi
		sleep 0.05
	done
	equals "$n: a file written while tracing (processes 1)" "$seen" 1
	wait_bg "$tpid"
	expect_status $n 0
	report=$tmp/$n.json
	equals "$n: taskmem_tree_peak_rss_bytes in the file" \
		"$(awk '$1 == "taskmem_tree_peak_rss_bytes" { print $2 }' "$f")" \
		"$(val .tree.peak_rss_bytes)"
	bytes_range "$n: JSON tree.peak_rss_bytes" "$(val .tree.peak_rss_bytes)" \
		$((32 * M)) $((36 * M))
	said=$(promtool check metrics <"$f" 2>&1)
	equals_str "$n: promtool check metrics (exit $?)" "${said:-no findings}" \
		"no findings"
	contains "$n: comm escaped" "$(grep '^taskmem_process_peak_rss_bytes' "$f")" \
		'comm="q\"b\\s\nn"'
	equals "$n: files left in the directory" \
		"$(find "$tmp/textfile" -mindepth 1 | wc -l)" 1
}

# bad values: exit 64 naming them, before anything runs
case_usage() {
	local n port

	n=bad-label
	trace $n --listen 127.0.0.1:9 --metrics-label 9x=1 -- true
	expect_status $n 64
	contains "$n: message" "$(head -n 1 "$tmp/$n.err")" "'9x'"
	n=bad-port
	trace $n --listen 127.0.0.1:70000 -- true
	expect_status $n 64
	contains "$n: message" "$(head -n 1 "$tmp/$n.err")" "'70000'"
	n=bad-address
	trace $n --listen 127.0.0.256:9 -- true
	expect_status $n 64
	contains "$n: message" "$(head -n 1 "$tmp/$n.err")" "'127.0.0.256'"
	n=port-in-use
	port=$(free_port) || return
	trace_bg $n-holder -q --listen "127.0.0.1:$port" --linger 0 \
		-- "$TOOLS/memshape" anon 1 1500
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.05
	done
	trace $n --listen "127.0.0.1:$port" -- "$TOOLS/memshape" exit 3
	expect_status $n 64
	contains "$n: message" "$(head -n 1 "$tmp/$n.err")" "port $port is in use"
	wait_bg "$bg_pid"
	expect_status $n-holder 0
}

# listen_addr PORT: the address a socket listens on at PORT on IPv4, as
# /proc/net/tcp writes it (0100007F: 127.0.0.1), or ""
listen_addr() {
	awk -v p="$(printf ':%04X' "$1")" \
		'$4 == "0A" && substr($2, 9) == p { print substr($2, 1, 8) }' \
		/proc/net/tcp
}

# through sudo, ":PORT" binds the loopback address only (attached to a
# process of the user behind sudo, so that nothing else is needed)
case_sudo_any() {
	local n=sudo-any port addr= i spid tpid

	port=$(free_port) || return
	start_bg "$tmp/$n-target" setpriv --reuid 65534 --regid 65534 \
		--clear-groups sleep 30
	spid=$bg_pid
	# setpriv is root until it has changed its ids and exec'ed sleep: attach
	# only then (the kernel's check would refuse nobody a root process)
	for ((i = 0; i < 200; i++)); do
		[[ $(stat -c %u "/proc/$spid" 2>/dev/null) == 65534 &&
			$(cat "/proc/$spid/comm" 2>/dev/null) == sleep ]] && break
		sleep 0.02
	done
	start_bg "$tmp/$n" env SUDO_UID=65534 SUDO_GID=65534 "$TASKMEM" trace \
		-q -p "$spid" -d 3 --listen ":$port" --linger 0
	tpid=$bg_pid
	for ((i = 0; i < 200; i++)); do
		addr=$(listen_addr "$port")
		[[ -n $addr ]] && break
		sleep 0.05
	done
	equals_str "$n: address bound for ':$port' (/proc/net/tcp)" \
		"${addr:-none}" 0100007F
	wait_bg "$tpid"
	equals "$n: taskmem exit status" "$status" 0
	((status == 0)) || sed -n '1,3s/^/#   /p' "$tmp/$n.err"
	stop_bg "$spid"
}

# --linger 0: taskmem exits as soon as the report is written
case_linger_zero() {
	local n=linger-zero t0 port

	port=$(free_port) || return
	t0=$EPOCHREALTIME
	run $n 0 -q --listen "127.0.0.1:$port" --linger 0 -- "$TOOLS/memshape" anon 1 0
	seconds_range "$n: taskmem wall time" "$(elapsed_since "$t0")" 0 5
}

preflight() {
	local ok=0 c

	need_root test_metrics.sh || return 1
	need_tools "$TASKMEM" "$TOOLS/memshape" || ok=1
	for c in prometheus promtool curl; do
		command -v $c >/dev/null ||
			{ result 0 "preflight: $c" missing "installed (tools/install-deps.sh)"; ok=1; }
	done
	return $ok
}

main() {
	start preflight
	case_usage
	case_linger_zero
	case_sudo_any
	case_file
	case_prometheus
	finish
}

main "$@"
