#!/bin/bash
# Integration test of `taskmem bench`: a matrix of C threads, Python asyncio
# tasks and Node.js promises at N = 1, 100, 1000 with a 1-second sleep, in
# every output form, with charts, failing programs, a plan file, bad usage
# and an interrupted run.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh. Needs cc, python3 and node.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TASKS=1,100,1000
# Debian's own python3 first: a version manager's shim forks several times
PYTHON=/usr/bin/python3
[[ -x $PYTHON ]] || PYTHON=$(command -v python3)

PY_TASKS='import asyncio, sys
async def main(n, s):
    await asyncio.gather(*(asyncio.sleep(s) for _ in range(n)))
asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))'
NODE_TASKS='const [n, s] = process.argv.slice(1).map(Number);
Promise.all(Array.from({ length: n },
	() => new Promise((done) => setTimeout(done, s * 1000))));'

# bench NAME [OPTIONS]: taskmem bench, stdout in $tmp/NAME.out, stderr in
# $tmp/NAME.err, the exit status in $status
bench() {
	local name=$1

	shift
	timeout -k 5 "$RUN_TIMEOUT" "$TASKMEM" bench "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	status=$?
}

# bval FILTER: one value of the JSON results in $tmp/matrix.json
bval() {
	local out

	out=$(jq -r "$1" "$tmp/matrix.json" 2>/dev/null) || out=
	printf '%s\n' "${out:-missing}"
}

# The C program: N threads with the default stack, each sleeping S seconds.
build_threads() {
	cat >"$tmp/threads.c" <<'EOF'
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static unsigned int seconds;

static void *sleeper(void *arg)
{
	(void)arg;
	sleep(seconds);
	return NULL;
}

int main(int argc, char **argv)
{
	long n, i;
	pthread_t *t;

	if (argc != 3)
		return 2;
	n = atol(argv[1]);
	seconds = atoi(argv[2]);
	t = calloc(n, sizeof(*t));
	for (i = 0; t && i < n; i++)
		if (pthread_create(&t[i], NULL, sleeper, NULL)) {
			fprintf(stderr, "threads: cannot create thread %ld\n", i);
			return 1;
		}
	for (i = 0; t && i < n; i++)
		pthread_join(t[i], NULL);
	return t ? 0 : 1;
}
EOF
	cc -O2 -pthread "$tmp/threads.c" -o "$tmp/threads"
}

case_usage() {
	local args name want

	printf 'ok\t%s {n}\nbroken line\n' "$tmp/threads" >"$tmp/bad.tsv"
	while IFS='|' read -r name want args; do
		# shellcheck disable=SC2086 # the arguments are split on purpose
		bench "usage-$name" $args
		equals "usage $name: exit status" "$status" 64
		contains "usage $name: message" "$(head -n 1 "$tmp/usage-$name.err")" \
			"$want"
	done <<EOF
tasks|'x'|--tasks 1,x -n a -- true {n}
tasks-repeated|given twice|--tasks 10,10 -n a -- true {n}
runs|'0'|--runs 0 -n a -- true {n}
sleep|'soon'|--sleep soon -n a -- true {n}
format|'xml'|--format xml -n a -- true {n}
plan-missing|$tmp/none.tsv|--plan $tmp/none.tsv
plan-line|line 2|--plan $tmp/bad.tsv
no-placeholder|{n}|-n a -- true
no-command|'a'|-n a
no-program|no programs|--tasks 1
duplicate|'a' given twice|-n a -- true {n} -n a -- false {n}
unknown|'--bogus'|--bogus -n a -- true {n}
unknown-short|'-x'|-lx -n a -- true {n}
abbreviated|'--ta'|--ta 1 -n a -- true {n}
no-value|'--runs' needs a value|-n a -- true {n} -n b --runs
timeout|'0'|--timeout 0 -n a -- true {n}
output|$tmp/no/such/dir|-o $tmp/no/such/dir/x -n a -- true {n}
EOF
	# nothing ran: no progress line
	equals "usage: progress lines" \
		"$(cat "$tmp"/usage-*.err | grep -c '^bench [0-9]')" 0
}

# The three runtimes and a failing program, as JSON: the figures.
case_matrix_json() {
	local t='.programs[] | select(.name == "c-threads")'
	local a='.programs[] | select(.name == "asyncio")'

	bench matrix --tasks "$TASKS" --sleep 1 --format json \
		-o "$tmp/matrix.json" \
		-n c-threads -- "$tmp/threads" '{n}' '{s}' \
		-n asyncio -- "$PYTHON" -c "$PY_TASKS" '{n}' '{s}' \
		-n node -- node -e "$NODE_TASKS" '{n}' '{s}' \
		-n fail -- false '{n}'
	equals "matrix: exit status" "$status" 0
	if ! jq -e '.programs | length == 4' "$tmp/matrix.json" >/dev/null 2>&1; then
		result 0 "matrix: json results" "missing or not 4 programs" \
			"4 programs in matrix.json"
		sed -n '1,5s/^/#   /p' "$tmp/matrix.err"
		return
	fi
	equals_str "matrix: complete" "$(bval .complete)" true
	equals "matrix: cells that ran" \
		"$(bval '[.programs[] | select(.name != "fail") | .cells[] |
			select(.status == "ok")] | length')" 9
	equals "matrix: c-threads threads at N=1000" \
		"$(bval "$t | .cells[2].peak_threads")" 1001
	equals "matrix: asyncio threads at N=1000" \
		"$(bval "$a | .cells[2].peak_threads")" \
		"$(bval "$a | .cells[0].peak_threads")"
	# every thread costs at least its kernel stack
	bytes_range "matrix: c-threads footprint per task" \
		"$(bval "$t | .footprint_per_task_bytes | floor")" \
		"$(bval "$t | .cells[0].kstack_bytes")" ""
	# an asyncio task is a Python object, far cheaper than a thread
	bytes_range "matrix: asyncio footprint per task" \
		"$(bval "$a | .footprint_per_task_bytes | floor")" "" \
		"<$(bval "$t | .footprint_per_task_bytes | floor")"
	# a thread's unique memory holds at least its 16 KiB kernel stack, and
	# no more than its footprint
	bytes_range "matrix: c-threads unique per task" \
		"$(bval "$t | .unique_per_task_bytes | floor")" $((16 * 1024)) \
		"$(bval "$t | .footprint_per_task_bytes * 1.1 | floor")"
	equals_str "matrix: c-threads memory source at N=1000" \
		"$(bval "$t | .cells[2].memory_source")" memcg-v1-sampled
	equals "matrix: c-threads baseline is its N=1 footprint" \
		"$(bval "$t | .baseline_footprint_bytes")" \
		"$(bval "$t | .cells[0].peak_footprint_bytes")"
	bytes_range "matrix: node footprint at N=1000" \
		"$(bval '.programs[] | select(.name == "node") |
			.cells[2].peak_footprint_bytes')" $((10 * M)) ""
	equals_str "matrix: fail cells" \
		"$(bval '[.programs[] | select(.name == "fail") | .cells[] |
			.status + ": " + .reason] | unique | join(",")')" \
		"failed: exit 1"
	equals "matrix: lost events" \
		"$(bval '[.programs[].cells[].lost_events // 0] | add')" 0
	seconds_range "matrix: c-threads wall time at N=1000" \
		"$(bval "$t | .cells[2].duration_s")" 1 5
	# one progress line a run: 3 programs x 3 N, and fail's 3 cells
	equals "matrix: progress lines" \
		"$(grep -cE '^bench [0-9]+/12: .* N=[0-9]+, run 1 of 1' \
			"$tmp/matrix.err")" 12
}

# Children that only read their parent's 64 MiB: each adds its 64 MiB to
# the sum of RSS, and almost nothing to the unique memory.
case_unique_per_task() {
	local n=unique u r

	bench $n --tasks 1,4 --sleep 1 --format json -o "$tmp/$n.json" \
		-n cow -- "$TOOLS/sharing" cow 64 '{n}' 300
	equals "$n: exit status" "$status" 0
	r=$(jq -r '.programs[0].rss_per_task_bytes | floor' "$tmp/$n.json" 2>/dev/null)
	u=$(jq -r '.programs[0].unique_per_task_bytes | floor' "$tmp/$n.json" 2>/dev/null)
	bytes_range "$n: rss per reading child" "${r:-missing}" $((63 * M)) $((66 * M))
	bytes_range "$n: unique per reading child" "${u:-missing}" 0 $((2 * M))
	bytes_range "$n: unique at N=4" \
		"$(jq -r '.programs[0].cells[1].peak_unique_bytes' "$tmp/$n.json" 2>/dev/null)" \
		$((64 * M)) $((72 * M))
}

# table_row_of FIRST PATTERN WHAT: the line of the table that starts with
# FIRST matches PATTERN
table_row_of() {
	local row ok=0

	row=$(grep -E "^$1 " "$tmp/table.out" | head -n 1)
	[[ $row =~ $2 ]] && ok=1
	result "$ok" "table: $3" "'$row'" "to match /$2/"
}

# table_row NAME PATTERN: NAME's footprint row matches PATTERN
table_row() {
	table_row_of "$1" "$2" "$1 row"
}

# A plan file and -n together, as a table with charts.
case_table_and_plot() {
	local f fp n=0 ok=1 bad=

	printf '%s\n' "$PY_TASKS" >"$tmp/tasks.py"
	printf '%s\n' "$NODE_TASKS" >"$tmp/tasks.js"
	{
		printf '# the runtimes of test_bench.sh\n\n'
		printf 'c-threads\t%s {n} {s}\n' "$tmp/threads"
		printf 'asyncio\t%s %s {n} {s}\n' "$PYTHON" "$tmp/tasks.py"
		printf 'node\tnode %s {n} {s}\n' "$tmp/tasks.js"
		printf 'java\t-\tunavailable: no JDK here\n'
	} >"$tmp/plan.tsv"
	bench table --tasks "$TASKS" --sleep 1 --plan "$tmp/plan.tsv" \
		--plot "$tmp/plots" -n missing -- /nonexistent/tasks '{n}' \
		-n fail -- false '{n}'
	equals "table: exit status" "$status" 0
	table_row_of PROGRAM '^PROGRAM +MEASURE +N=1 +N=100 +N=1000 +PER_TASK +BASELINE$' \
		header
	# three cells, the cost per task and the baseline, in human units
	for f in c-threads asyncio node; do
		table_row "$f" "^$f +footprint( +-?[0-9.]+ (B|KiB|MiB|GiB)){5}\$"
	done
	table_row java '^java +footprint( +no JDK here){3} +- +-$'
	table_row missing '^missing +footprint( +not found){3} +- +-$'
	table_row fail '^fail +footprint( +exit 1){3} +- +-$'

	for f in peak-n1 peak-n100 peak-n1000 per-task; do
		[[ -s $tmp/plots/$f.svg ]] && n=$((n + 1))
		if command -v xmllint >/dev/null; then
			xmllint --noout "$tmp/plots/$f.svg" 2>/dev/null || bad+=" $f"
		else
			grep -q '</svg>' "$tmp/plots/$f.svg" 2>/dev/null ||
				bad+=" $f"
		fi
		grep -q '>c-threads</text>' "$tmp/plots/$f.svg" 2>/dev/null || ok=0
	done
	equals "plot: charts written" "$n" 4
	equals_str "plot: charts not well-formed" "${bad:-none}" none
	result "$ok" "plot: charts name the programs" \
		"$( ((ok)) && echo yes || echo no)" yes
	# the bar's label is the table's figure
	fp=$(grep -E '^c-threads +footprint ' "$tmp/table.out" |
		awk '{ print $7, $8 }')
	contains "plot: c-threads bar at N=1000 labelled" \
		"$(grep -o ">$fp</text>" "$tmp/plots/peak-n1000.svg")" \
		"$fp"
}

# Markdown, with two runs a cell: median and min-max.
case_markdown() {
	local rows

	bench markdown --tasks 1,100 --sleep 1 --runs 2 --format markdown \
		-o "$tmp/bench.md" -n c-threads -- "$tmp/threads" '{n}' '{s}' \
		-n fail -- false '{n}'
	equals "markdown: exit status" "$status" 0
	equals_str "markdown: header" "$(sed -n 1p "$tmp/bench.md")" \
		"| program | measure | N=1 | N=100 | per task | baseline |"
	equals_str "markdown: separator" "$(sed -n 2p "$tmp/bench.md")" \
		"|---|---|---:|---:|---:|---:|"
	rows=$(grep -cE '^\| (c-threads|fail) \| footprint \|' "$tmp/bench.md")
	equals "markdown: a row per program" "$rows" 2
	contains "markdown: median with min-max" \
		"$(grep '^| c-threads |' "$tmp/bench.md")" "iB ("
	equals "markdown: stdout" "$(wc -c <"$tmp/markdown.out")" 0
	# fail's second runs are skipped: 4 + 2 runs
	equals "markdown: progress lines" \
		"$(grep -c '^bench [0-9]' "$tmp/markdown.err")" 6
}

# --timeout: a run past it is stopped, its cell says so, the matrix goes on.
case_timeout() {
	local t0=$SECONDS

	bench timeout --tasks 1 --sleep 30 --timeout 1 \
		-n slow -- "$tmp/threads" '{n}' '{s}' \
		-n quick -- "$tmp/threads" '{n}' 0
	equals "timeout: exit status" "$status" 0
	contains "timeout: slow cell" \
		"$(grep -E '^slow +footprint ' "$tmp/timeout.out")" "timed out"
	contains "timeout: quick cell" \
		"$(grep -E '^quick +footprint ' "$tmp/timeout.out")" "iB"
	seconds_range "timeout: seconds taken" $((SECONDS - t0)) 0 15
}

# SIGINT to taskmem bench alone: the run stops, the results so far are out.
case_interrupt() {
	mkdir "$tmp/tmpdir"
	TMPDIR=$tmp/tmpdir env --default-signal=INT "$TASKMEM" bench \
		--tasks 1,10 --sleep 2 -n c-threads -- "$tmp/threads" '{n}' '{s}' \
		>"$tmp/int.out" 2>"$tmp/int.err" &
	bg_pid=$!
	background+=("$bg_pid")
	if ! wait_output "$tmp/int.err" '^bench 2/2' 20 "$bg_pid"; then
		result 0 "interrupt: second run started" "no" "yes"
		return
	fi
	kill -INT "$bg_pid"
	wait_bg "$bg_pid" 20
	equals "interrupt: exit status" "$status" 130
	contains "interrupt: header" "$(head -n 1 "$tmp/int.out")" interrupted
	contains "interrupt: cell not run" \
		"$(grep -E '^c-threads +footprint ' "$tmp/int.out")" "not run"
	equals "interrupt: temporary files left" \
		"$(find "$tmp/tmpdir" -mindepth 1 | wc -l)" 0
}

# Everything a run needs; false (after saying why) when the test cannot run.
preflight() {
	local tool ok=0

	need_root test_bench.sh && need_tools "$TASKMEM" || return 1
	for tool in cc node "$PYTHON"; do
		if ! command -v "$tool" >/dev/null; then
			cannot_run test_bench.sh "$tool is not installed" \
				"preflight: $tool" missing installed
			ok=1
		fi
	done
	return $ok
}

main() {
	start preflight
	# the workload may run as the user behind sudo: it must reach $tmp
	chmod 755 "$tmp"
	if ! build_threads; then
		result 0 "threads.c" "does not compile" "compiles with cc"
		finish
		return
	fi

	case_usage
	case_matrix_json
	case_unique_per_task
	case_table_and_plot
	case_markdown
	case_timeout
	case_interrupt

	finish
}

main "$@"
