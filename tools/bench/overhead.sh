#!/bin/bash
# shellcheck disable=SC2034 # the W_<name> arrays are read through namerefs
# overhead.sh: what taskmem costs the workloads it traces (`make bench`).
#
# Each workload runs untraced (A), under `taskmem trace` (B) and under a
# bpftrace one-liner that keeps the same per-mm RSS peak (C), interleaved
# A B C A B C ... RUNS times. Noise only ever adds time, so the figure that
# counts is the ratio of the minimum wall times; the median of the per-round
# ratios is printed beside it. taskmem's fixed start-up cost (the minimum
# wall time of `taskmem trace -- /bin/true`) is subtracted from its times and
# reported on its own. Then one more traced run per workload reads the BPF
# run-time statistics, lost events and taskmem's own peak RSS, and a fork
# storm of 10000 processes checks taskmem's RSS budget.
#
# Then taskmem is loaded as if the machine had 2, 64, 256 and 4096 CPUs (the
# TASKMEM_NR_CPUS test hook) to show that verified instructions and load
# time stay flat, and once inside a PID namespace (unshare -pf), where the
# programs must be no larger.
#
# BASELINE=PATH (another taskmem binary, for example the last release's)
# measures that one too, in the same run and interleaved with TASKMEM:
# start-up, the workloads' overhead (its own start-up subtracted), its RSS
# tracing 10000 processes, verified instructions and load times; the tables
# then show it beside TASKMEM. The budgets are TASKMEM's.
#
# Environment: RUNS (default 7; RUNS=3 for a quick look), OUT_MD (markdown
# report, default build/bench/performance.md), TASKMEM, BASELINE, STRESS, PYTHON,
# BPFTRACE (the programs to use), ONLY (a space-separated subset of the
# workloads: faults forks threads asyncio syscalls), SYSCALLS (getppid()
# calls of the syscalls workload, default 10000000).
#
# Changes to the system, each undone on exit, also on error or Ctrl-C:
# - the sysctl kernel.bpf_stats_enabled is set to 1 only around the runs
#   that read the BPF statistics (it adds two clock reads to every BPF
#   program run, so the timed runs go without it), then set back to the
#   value it had;
# - tracefs is mounted on /sys/kernel/tracing when it is not (bpftrace's
#   tracepoint probes need it; a fresh machine does not mount it), and
#   unmounted at the end if this script mounted it.
# taskmem runs as root with --as-root: under sudo it would otherwise run the
# workload as the sudo user, unlike the untraced and bpftrace runs, and the
# statistics runs could not read taskmem's file descriptors.
set -euo pipefail
export LC_ALL=C	# EPOCHREALTIME and awk's numbers with a '.' decimal point

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-7}
OUT_MD=${OUT_MD:-$ROOT/build/bench/performance.md}
TASKMEM=${TASKMEM:-$ROOT/build/taskmem}
BASELINE=${BASELINE:-}
STRESS=${STRESS:-$ROOT/build/tools/stress}
BPFTRACE=${BPFTRACE:-bpftrace}
if [[ -z ${PYTHON:-} ]]; then
	# Debian's own python3 first: a version manager's shim on PATH (pyenv)
	# is a shell script that forks several times before python starts
	PYTHON=/usr/bin/python3
	[[ -x $PYTHON ]] || PYTHON=python3
fi
TRACEFS=/sys/kernel/tracing

# The workloads: name, then the command (W_<name>, read through namerefs).
SYSCALLS=${SYSCALLS:-10000000}
W_NAMES=(faults forks threads asyncio syscalls)
W_DESC=("page-fault storm: 1 GiB touched page by page, 4 rounds"
	"fork storm: 5000 children, one after another"
	"thread storm: 5000 threads, batches of 100"
	"article-style: 100k asyncio tasks sleeping 1 s"
	"syscall loop: $SYSCALLS getppid() calls")
W_faults=("$STRESS" faults 1024 4)
W_forks=("$STRESS" forks 5000)
W_threads=("$STRESS" threads 5000)
W_asyncio=("$PYTHON" "$ROOT/tools/runtimes/python/asyncio_tasks.py" 100000 1)
# every syscall of the machine paid a sys_exit program before 0.x (+45% here)
W_syscalls=("$STRESS" syscalls "$SYSCALLS")
# taskmem's RSS budget holds "while tracing 10k processes"
W_rss10k=("$STRESS" forks 10000)
# overhead budget (ratio of minimums) of each workload
declare -A BUDGET=([faults]=1.10 [forks]=1.10 [threads]=1.10 [asyncio]=1.03
	[syscalls]=1.225)
STARTUP_BUDGET_MS=60
# forced CPU counts: load time at the largest over the smallest at most this
LOAD_FLAT_BUDGET=1.5
FORCED_CPUS=(2 64 256 4096)
RSS_BUDGET_MIB=16

# What a typical user would write to keep each mm's RSS peak: the kernel's
# counters are per member (file, anon, swap entries, shmem), so keep the
# latest value of each and the maximum of file + anon + shmem per mm, system
# wide. BEGIN says when the probe is attached; END drops the scratch map so
# that only the peaks are printed.
BT_PROG='BEGIN { printf("ready\n"); }
tracepoint:kmem:rss_stat {
	@cur[args->mm_id, args->member] = args->size;
	@peak[args->mm_id] = max(@cur[args->mm_id, 0] + @cur[args->mm_id, 1] +
				 @cur[args->mm_id, 3]);
}
END { clear(@cur); }'

fail() {
	echo "overhead: cannot $*" >&2
	exit 1
}

# ---- set-up and clean-up -------------------------------------------------

TMP=
BT_PID=
STATS_OLD=
MOUNTED_TRACEFS=

cleanup() {
	[[ -n $BT_PID ]] && bpftrace_stop KILL
	stats_off
	if [[ -n $MOUNTED_TRACEFS ]]; then
		umount "$TRACEFS" 2>/dev/null ||
			echo "overhead: cannot unmount $TRACEFS: it is busy; left mounted" >&2
	fi
	[[ -n $TMP ]] && rm -rf "$TMP"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

stats_on() {
	STATS_OLD=$(sysctl -n kernel.bpf_stats_enabled) ||
		fail "read kernel.bpf_stats_enabled: is this Linux 5.1 or later?"
	sysctl -qw kernel.bpf_stats_enabled=1 ||
		fail "enable kernel.bpf_stats_enabled: run as root"
}

stats_off() {
	[[ -z $STATS_OLD ]] && return 0
	sysctl -qw kernel.bpf_stats_enabled="$STATS_OLD" ||
		echo "overhead: cannot restore kernel.bpf_stats_enabled=$STATS_OLD" >&2
	STATS_OLD=
}

select_workloads() {
	local names=() descs=() i w

	[[ -z ${ONLY:-} ]] && return 0
	for w in $ONLY; do
		for i in "${!W_NAMES[@]}"; do
			[[ ${W_NAMES[$i]} == "$w" ]] || continue
			names+=("$w")
			descs+=("${W_DESC[$i]}")
		done
		[[ " ${names[*]} " == *" $w "* ]] ||
			fail "use ONLY '$ONLY': '$w' is not a workload (${W_NAMES[*]})"
	done
	W_NAMES=("${names[@]}")
	W_DESC=("${descs[@]}")
}

check_setup() {
	select_workloads
	[[ $RUNS =~ ^[1-9][0-9]*$ ]] ||
		fail "use RUNS '$RUNS': give a whole number of runs, 1 or more"
	[[ $(id -u) -eq 0 ]] || fail "load BPF programs: run as root"
	[[ -x $TASKMEM ]] || fail "find $TASKMEM: run make first"
	[[ -z $BASELINE || -x $BASELINE ]] || fail "run BASELINE '$BASELINE': not an executable"
	[[ -x $STRESS ]] || fail "find $STRESS: run make first"
	command -v "$PYTHON" >/dev/null ||
		fail "find $PYTHON: install it (apt-get install -y python3)"
	command -v "$BPFTRACE" >/dev/null ||
		fail "find $BPFTRACE: install it (apt-get install -y bpftrace)"
	command -v bpftool >/dev/null ||
		fail "find bpftool: install it (apt-get install -y bpftool)"
	command -v jq >/dev/null || fail "find jq: install it (apt-get install -y jq)"
	if ! grep -qs " $TRACEFS tracefs " /proc/mounts; then
		echo "overhead: mounting tracefs on $TRACEFS for bpftrace (unmounted at the end)" >&2
		mount -t tracefs nodev "$TRACEFS" || fail "mount tracefs on $TRACEFS"
		MOUNTED_TRACEFS=1
	fi
	TMP=$(mktemp -d /tmp/taskmem-bench.XXXXXX) || fail "create a temporary directory"
	mkdir -p "$(dirname "$OUT_MD")" || fail "create the directory of $OUT_MD"
}

# ---- one run of each kind: each appends "ROUND MICROSECONDS" to a file ----

# run_untraced NAME ROUND: times the workload alone
run_untraced() {
	local -n cmd=W_$1
	local t0 t1

	t0=${EPOCHREALTIME/./}
	"${cmd[@]}" >/dev/null 2>>"$TMP/log" || fail "run ${cmd[*]}: it failed (see above)"
	t1=${EPOCHREALTIME/./}
	echo "$2 $((t1 - t0))" >>"$TMP/$1.untraced"
}

# run_taskmem NAME ROUND [BIN SUFFIX]: times taskmem trace (or BIN) with the
# workload, start to end
run_taskmem() {
	local -n cmd=W_$1
	local t0 t1 bin=${3:-$TASKMEM}

	t0=${EPOCHREALTIME/./}
	"$bin" trace --as-root -o /dev/null -- "${cmd[@]}" >/dev/null 2>>"$TMP/log" ||
		fail "run $bin trace -- ${cmd[*]}: it failed"
	t1=${EPOCHREALTIME/./}
	echo "$2 $((t1 - t0))" >>"$TMP/$1.taskmem${4:-}"
}

bpftrace_start() {
	local i

	"$BPFTRACE" -e "$BT_PROG" >"$TMP/bpftrace.out" 2>&1 &
	BT_PID=$!
	for ((i = 0; i < 600; i++)); do
		grep -qx ready "$TMP/bpftrace.out" && return 0
		kill -0 "$BT_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$TMP/bpftrace.out" >&2
	fail "start bpftrace: it did not attach within 30 s"
}

# bpftrace_stop [SIGNAL_AT_END]: SIGINT, which makes bpftrace print its maps
# and exit. bpftrace 0.17 misses a SIGINT that arrives just before it
# blocks in epoll_wait, and this one-liner prints nothing that would wake it
# up, so SIGINT is repeated every second; after 30 s, SIGNAL_AT_END (if any).
bpftrace_stop() {
	local i state=Z

	for ((i = 0; i < 300; i++)); do
		((i % 10)) || kill -INT "$BT_PID" 2>/dev/null || break
		state=Z
		read -r _ _ state _ 2>/dev/null <"/proc/$BT_PID/stat" || true
		[[ $state == Z ]] && break
		sleep 0.1
	done
	if [[ $state != Z ]]; then
		[[ -n ${1:-} ]] ||
			fail "stop bpftrace (pid $BT_PID): it ignored SIGINT for 30 s"
		kill "-$1" "$BT_PID" 2>/dev/null || true
	fi
	i=0
	wait "$BT_PID" || i=$?
	BT_PID=
	((i == 0)) || [[ -n ${1:-} ]] ||
		fail "stop bpftrace: it exited with status $i (see $TMP/bpftrace.out)"
}

# run_bpftrace NAME ROUND: times the workload alone while the one-liner is
# attached (bpftrace's compile and start-up are not counted)
run_bpftrace() {
	local -n cmd=W_$1
	local t0 t1

	bpftrace_start
	t0=${EPOCHREALTIME/./}
	"${cmd[@]}" >/dev/null 2>>"$TMP/log" || fail "run ${cmd[*]}: it failed"
	t1=${EPOCHREALTIME/./}
	bpftrace_stop
	echo "$2 $((t1 - t0))" >>"$TMP/$1.bpftrace"
}

# ---- the statistics runs ---------------------------------------------------

# The workload, then a snapshot of the tracer's BPF programs taken while the
# tracer still runs: "prog_id run_time_ns run_cnt recursion_misses" per
# program, from the fdinfo of its program file descriptors, then their
# names. Inside taskmem the tracer is the parent ("parent").
# shellcheck disable=SC2016 # expanded by the sh that runs it
SNAP_SH='tracer=$1 out=$2; shift 2
[ "$tracer" = parent ] && tracer=$PPID
"$@" >/dev/null || exit
for f in /proc/$tracer/fdinfo/*; do
	awk '\''$1 == "prog_type:" { p = 1 } $1 == "prog_id:" { id = $2 }
	     $1 == "run_time_ns:" { ns = $2 } $1 == "run_cnt:" { n = $2 }
	     $1 == "recursion_misses:" { m = $2 }
	     END { if (p) print id, ns, n, m }'\'' "$f" 2>/dev/null
done >"$out"
bpftool prog show -j >"$out.names"'

# snap_join SNAPFILE: "name run_cnt run_time_ns recursion_misses" per program
snap_join() {
	local id ns n m name

	while read -r id ns n m; do
		name=$(jq -r --argjson id "$id" '.[] | select(.id == $id) | .name' \
			"$1.names")
		echo "${name:-prog$id} $n $ns $m"
	done <"$1"
}

# poll_hwm PID: prints the last VmHWM (KiB) of PID before it exits; the
# last, not the largest, because before its exec the pid still has the
# forking shell's memory
poll_hwm() {
	local hwm=0 k v rest found

	while :; do
		found=
		{ while read -r k v rest; do
			[[ $k == VmHWM: ]] && { hwm=$v; found=1; }
		  done <"/proc/$1/status"; } 2>/dev/null || true
		[[ -n $found ]] || break
		sleep 0.01
	done
	echo "$hwm"
}

# run_stats NAME: one taskmem run with JSON, BPF statistics and VmHWM, and
# one bpftrace run with BPF statistics
run_stats() {
	local -n cmd=W_$1
	local tm poller

	"$TASKMEM" trace --as-root -f json -o "$TMP/$1.json" -- \
		sh -c "$SNAP_SH" sh parent "$TMP/$1.tmsnap" "${cmd[@]}" \
		2>>"$TMP/log" &
	tm=$!
	poll_hwm "$tm" >"$TMP/$1.hwm" &
	poller=$!
	wait "$tm" || fail "run taskmem trace -f json -- ${cmd[*]}: it failed"
	wait "$poller"
	snap_join "$TMP/$1.tmsnap" >"$TMP/$1.tmprogs"

	bpftrace_start
	sh -c "$SNAP_SH" sh "$BT_PID" "$TMP/$1.btsnap" "${cmd[@]}" ||
		fail "run ${cmd[*]} under bpftrace"
	bpftrace_stop
	snap_join "$TMP/$1.btsnap" >"$TMP/$1.btprogs"
}

# run_rss10k: taskmem's own peak RSS while it follows 10000 processes, seen
# two ways: its VmHWM polled until it exits (misses growth in its last
# 10 ms), and GNU time's maximum RSS, which is the largest of taskmem and
# every descendant reaped (here each is a 1-2 MiB stress process), so an
# upper bound of taskmem's own. Arguments: the binary (default TASKMEM) and
# a suffix for the files it writes.
run_rss10k() {
	local bin=${1:-$TASKMEM} sfx=${2:-} tp tm="" i poller

	if [[ -x /usr/bin/time ]]; then
		/usr/bin/time -f %M -o "$TMP/rss10k$sfx.time" "$bin" trace --as-root -f json \
			-o "$TMP/rss10k$sfx.json" -- "${W_rss10k[@]}" 2>>"$TMP/log" &
		tp=$!
		for ((i = 0; i < 1000; i++)); do
			read -r tm _ <"/proc/$tp/task/$tp/children" 2>/dev/null || true
			[[ -n $tm ]] && break
			sleep 0.001
		done
		[[ -n $tm ]] || fail "find taskmem's pid under /usr/bin/time"
	else
		"$bin" trace --as-root -f json -o "$TMP/rss10k$sfx.json" -- \
			"${W_rss10k[@]}" 2>>"$TMP/log" &
		tp=$!
		tm=$tp
	fi
	poll_hwm "$tm" >"$TMP/rss10k$sfx.hwm" &
	poller=$!
	wait "$tp" || fail "run taskmem trace -- ${W_rss10k[*]}: it failed"
	wait "$poller"
}

# load_stats BIN [ENV...]: "verified_insns load_ms" of one load of BIN
load_stats() {
	local bin=$1 line

	shift
	line=$(env TASKMEM_LOAD_STATS=1 "$@" "$bin" trace --as-root -o /dev/null \
		-- /bin/true 2>&1 >/dev/null | grep 'load stats:') || return 1
	echo "$(sed -n 's/.* verified_insns=\([0-9]*\).*/\1/p' <<<"$line")" \
		"$(sed -n 's/.* load_ms=\([0-9.]*\).*/\1/p' <<<"$line")"
}

# forced_load BIN N: "verified_insns load_ms" of BIN loaded with
# TASKMEM_NR_CPUS=N, or inside a PID namespace for N=pidns
forced_load() {
	if [[ $2 == pidns ]]; then
		load_stats "$1" unshare -pf --mount-proc
	else
		load_stats "$1" TASKMEM_NR_CPUS="$2"
	fi
}

# run_forced_cpus: 5 rounds, each loading taskmem (and BASELINE) once per
# forced CPU count and once in a PID namespace with the real count, so a
# noisy moment of the shared machine slows every count alike; keeps
# "cpus verified_insns min_load_ms" in $TMP/forced (and $TMP/forced.base),
# the namespace's row as "pidns ..."
run_forced_cpus() {
	local n r bin sfx insns ms
	local -A best=()

	for ((r = 0; r < 5; r++)); do
		for n in "${FORCED_CPUS[@]}" pidns; do
			for bin in "$TASKMEM" ${BASELINE:+"$BASELINE"}; do
				sfx=; [[ $bin == "$TASKMEM" ]] || sfx=.base
				read -r insns ms < <(forced_load "$bin" "$n") ||
					fail "load $bin with TASKMEM_NR_CPUS=$n (or in a PID namespace)"
				if [[ -z ${best[$n$sfx]:-} ]] ||
				   awk -v a="$ms" -v b="${best[$n$sfx]#* }" 'BEGIN { exit !(a < b) }'; then
					best[$n$sfx]="$insns $ms"
				fi
			done
		done
	done
	for n in "${FORCED_CPUS[@]}" pidns; do
		echo "$n ${best[$n]}" >>"$TMP/forced"
		[[ -z $BASELINE ]] || echo "$n ${best[$n.base]}" >>"$TMP/forced.base"
	done
}

# ---- the report --------------------------------------------------------------

# stats FILE: "min median" of the second column
stats() {
	sort -n -k2 "$1" | awk '{ v[NR] = $2 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      print v[1], m }'
}

# pair_stats UNTRACED TRACED OFFSET: "ratio_of_minimums median_of_pair_ratios"
# of TRACED - OFFSET against UNTRACED, rounds matched by their first column
pair_stats() {
	local mins

	mins=$(join <(sort -k1,1 "$1") <(sort -k1,1 "$2") | awk -v off="$3" '
		{ u = $2; t = $3 - off
		  if (NR == 1 || u < umin) umin = u
		  if (NR == 1 || t < tmin) tmin = t }
		END { printf "%.4f", tmin / umin }')
	join <(sort -k1,1 "$1") <(sort -k1,1 "$2") |
		awk -v off="$3" '{ printf "%.6f\n", ($3 - off) / $2 }' | sort -n |
		awk -v mins="$mins" '{ r[NR] = $1 }
		END { m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
		      printf "%s %.4f\n", mins, m }'
}

pct() { awk -v r="$1" 'BEGIN { printf "%+.1f%%", (r - 1) * 100 }'; }
sec() { awk -v us="$1" 'BEGIN { printf "%.3f s", us / 1e6 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
verdict() { awk -v ok="$1" 'BEGIN { print ok ? "PASS" : "MISS" }'; }

# table: rows of '|'-separated cells on stdin (the first is the header) to
# a markdown table padded so that it also reads well in a terminal
table() {
	awk -F'|' '{ row[NR] = $0; for (i = 1; i <= NF; i++) {
			c = $i; gsub(/^ +| +$/, "", c); cell[NR, i] = c
			if (length(c) > w[i]) w[i] = length(c) }
		if (NF > nf) nf = NF }
	END { for (r = 1; r <= NR; r++) {
			line = "|"
			for (i = 1; i <= nf; i++)
				line = line sprintf(" %-" w[i] "s |", cell[r, i])
			print line
			if (r == 1) {
				line = "|"
				for (i = 1; i <= nf; i++) {
					d = ""; for (k = 0; k < w[i] + 2; k++) d = d "-"
					line = line d "|"
				}
				print line
			} } }'
}

report() {
	local w i um tm bm tr tmed br bmed ok startup_min startup_med lost bmin
	local n ns misses btn btns hwm rows pass=0 miss=0 v

	read -r startup_min startup_med < <(stats "$TMP/startup")

	echo "## Overhead against the untraced run (wall time; taskmem's start-up of $(sec "$startup_min") subtracted)"
	echo
	rows="workload|untraced min|taskmem min, net|taskmem: ratio of minimums|median of ratios|budget|result|bpftrace min|bpftrace: ratio of minimums|median of ratios"
	[[ -z $BASELINE ]] || rows+="|baseline: ratio of minimums|median of ratios"
	[[ -z $BASELINE ]] || read -r bmin _ < <(stats "$TMP/startup.base")
	for i in "${!W_NAMES[@]}"; do
		w=${W_NAMES[$i]}
		read -r um _ < <(stats "$TMP/$w.untraced")
		read -r tm _ < <(stats "$TMP/$w.taskmem")
		read -r bm _ < <(stats "$TMP/$w.bpftrace")
		read -r tr tmed < <(pair_stats "$TMP/$w.untraced" "$TMP/$w.taskmem" "$startup_min")
		read -r br bmed < <(pair_stats "$TMP/$w.untraced" "$TMP/$w.bpftrace" 0)
		if [[ $w == faults ]]; then
			ok=$(awk -v t="$tr" -v b="$br" -v lim="${BUDGET[$w]}" \
				'BEGIN { print t <= lim && t - 1 < (b - 1) / 3 }')
			budget="<= $(pct "${BUDGET[$w]}") and < 1/3 of bpftrace's"
		else
			ok=$(awk -v t="$tr" -v lim="${BUDGET[$w]}" 'BEGIN { print t <= lim }')
			budget="<= $(pct "${BUDGET[$w]}")"
		fi
		v=$(verdict "$ok"); [[ $v == PASS ]] && pass=$((pass + 1)) || miss=$((miss + 1))
		rows+=$'\n'"${W_DESC[$i]}|$(sec "$um")|$(sec "$((tm - startup_min))")|$(pct "$tr")|$(pct "$tmed")|$budget|$v|$(sec "$bm")|$(pct "$br")|$(pct "$bmed")"
		if [[ -n $BASELINE ]]; then
			read -r br bmed < <(pair_stats "$TMP/$w.untraced" "$TMP/$w.taskmem.base" "$bmin")
			rows+="|$(pct "$br")|$(pct "$bmed")"
		fi
	done
	table <<<"$rows"
	echo
	echo "## BPF cost per event, lost events, taskmem's memory (one more run each, kernel.bpf_stats_enabled=1)"
	echo
	rows="workload|BPF program runs|taskmem ns/run|taskmem BPF time / untraced min|bpftrace ns/run|recursion misses|lost events|result|taskmem VmHWM"
	for i in "${!W_NAMES[@]}"; do
		w=${W_NAMES[$i]}
		read -r um _ < <(stats "$TMP/$w.untraced")
		read -r n ns misses < <(awk '{ n += $2; ns += $3; m += $4 } END { print n + 0, ns + 0, m + 0 }' "$TMP/$w.tmprogs")
		read -r btn btns < <(awk '{ n += $2; ns += $3 } END { print n + 0, ns + 0 }' "$TMP/$w.btprogs")
		lost=$(jq -r .lost_events "$TMP/$w.json")
		hwm=$(<"$TMP/$w.hwm")
		v=$(verdict "$([[ $lost == 0 ]] && echo 1 || echo 0)")
		[[ $v == PASS ]] && pass=$((pass + 1)) || miss=$((miss + 1))
		rows+=$'\n'"$w|$n|$(awk -v n="$n" -v ns="$ns" 'BEGIN { printf "%.0f", n ? ns / n : 0 }')|$(awk -v ns="$ns" -v us="$um" 'BEGIN { printf "%.1f%%", ns / 10 / us }')|$(awk -v n="$btn" -v ns="$btns" 'BEGIN { printf "%.0f", n ? ns / n : 0 }')|$misses|$lost (budget 0)|$v|$(mib "$hwm")"
	done
	table <<<"$rows"
	echo
	echo "taskmem's programs, per workload (runs, ns per run, recursion misses):"
	echo
	rows="workload|program|runs|ns/run|recursion misses"
	for w in "${W_NAMES[@]}"; do
		while read -r name n ns misses; do
			rows+=$'\n'"$w|$name|$n|$(awk -v n="$n" -v ns="$ns" 'BEGIN { printf "%.0f", n ? ns / n : 0 }')|$misses"
		done <"$TMP/$w.tmprogs"
	done
	table <<<"$rows"
	echo
	echo "## Start-up and memory"
	echo
	rows="figure|value|budget|result"
	v=$(verdict "$(awk -v m="$startup_med" -v b="$STARTUP_BUDGET_MS" 'BEGIN { print m <= b * 1000 }')")
	[[ $v == PASS ]] && pass=$((pass + 1)) || miss=$((miss + 1))
	rows+=$'\n'"start-up, \`taskmem trace -- /bin/true\` ($(wc -l <"$TMP/startup") runs): median|$(awk -v u="$startup_med" 'BEGIN { printf "%.1f ms", u / 1000 }')|<= $STARTUP_BUDGET_MS ms|$v"
	rows+=$'\n'"start-up: minimum (subtracted above)|$(awk -v u="$startup_min" 'BEGIN { printf "%.1f ms", u / 1000 }')||"
	if [[ -n $BASELINE ]]; then
		read -r bmin bmed < <(stats "$TMP/startup.base")
		rows+=$'\n'"baseline's start-up ($(wc -l <"$TMP/startup.base") runs, interleaved): median / minimum|$(awk -v m="$bmed" -v n="$bmin" 'BEGIN { printf "%.1f ms / %.1f ms", m / 1000, n / 1000 }')||"
	fi
	hwm=$(<"$TMP/rss10k.hwm")
	local tmax=""
	[[ -s $TMP/rss10k.time ]] && tmax=$(tail -n1 "$TMP/rss10k.time")
	# the budget is checked on GNU time's figure when there is one: it
	# bounds taskmem's own from above, where the polled VmHWM may miss
	# the last few milliseconds
	v=$(verdict "$(awk -v h="${tmax:-$hwm}" -v b="$RSS_BUDGET_MIB" 'BEGIN { print h <= b * 1024 }')")
	[[ $v == PASS ]] && pass=$((pass + 1)) || miss=$((miss + 1))
	rows+=$'\n'"taskmem's peak RSS tracing $(jq -r .tree.processes_total "$TMP/rss10k.json") processes (\`stress forks 10000\`): VmHWM polled / GNU time's max RSS|$(mib "$hwm") / $([[ -n $tmax ]] && mib "$tmax" || echo n/a)|<= $RSS_BUDGET_MIB MiB|$v"
	lost=$(jq -r .lost_events "$TMP/rss10k.json")
	v=$(verdict "$([[ $lost == 0 ]] && echo 1 || echo 0)")
	[[ $v == PASS ]] && pass=$((pass + 1)) || miss=$((miss + 1))
	rows+=$'\n'"lost events tracing those 10000 processes|$lost|0|$v"
	if [[ -n $BASELINE ]]; then
		local bt=n/a
		[[ -s $TMP/rss10k.base.time ]] && bt=$(mib "$(tail -n1 "$TMP/rss10k.base.time")")
		rows+=$'\n'"baseline's peak RSS tracing them: VmHWM polled / GNU time's max RSS|$(mib "$(<"$TMP/rss10k.base.hwm")") / $bt||"
	fi
	table <<<"$rows"
	echo
	echo "## Program size and load time against the CPU count (TASKMEM_NR_CPUS, best of 5 interleaved loads)"
	echo
	rows="forced nr_cpus|verified instructions|load time"
	[[ -z $BASELINE ]] || rows+="|baseline: verified instructions|baseline: load time"
	local lo hi i0 flat pidns bn bi bm
	while read -r n insns ms; do
		[[ -z $BASELINE ]] ||
			read -r bn bi bm < <(grep -m1 "^$n " "$TMP/forced.base")
		[[ $n == pidns ]] && n="$(nproc) (real), in a PID namespace"
		rows+=$'\n'"$n|$insns|$ms ms"
		[[ -z $BASELINE ]] || rows+="|$bi|$bm ms"
	done <"$TMP/forced"
	table <<<"$rows"
	echo
	# the flatness is over the forced counts; the namespace's row apart
	read -r lo hi < <(awk '$1 != "pidns" && (!n++ || $3 < lo) { lo = $3 }
		$1 != "pidns" && $3 > hi { hi = $3 } END { print lo, hi }' "$TMP/forced")
	i0=$(awk 'NR == 1 { print $2 }' "$TMP/forced")
	flat=$(awk -v i0="$i0" '$1 != "pidns" && $2 != i0 { d = 1 } END { print !d }' "$TMP/forced")
	pidns=$(awk '$1 == "pidns" { print $2 }' "$TMP/forced")
	rows="figure|value|budget|result"
	v=$(verdict "$flat")
	[[ $v == PASS ]] && pass=$((pass + 1)) || miss=$((miss + 1))
	rows+=$'\n'"verified instructions, 2 to 4096 CPUs|$(grep -v '^pidns ' "$TMP/forced" | cut -d' ' -f2 | sort -u | paste -sd/)|the same for every count|$v"
	v=$(verdict "$(awk -v p="$pidns" -v i="$i0" 'BEGIN { print p <= i * 1.1 }')")
	[[ $v == PASS ]] && pass=$((pass + 1)) || miss=$((miss + 1))
	rows+=$'\n'"verified instructions in a PID namespace / outside|$pidns / $i0|at most +10%|$v"
	v=$(verdict "$(awk -v lo="$lo" -v hi="$hi" -v b="$LOAD_FLAT_BUDGET" 'BEGIN { print hi <= lo * b }')")
	[[ $v == PASS ]] && pass=$((pass + 1)) || miss=$((miss + 1))
	rows+=$'\n'"load time, slowest / fastest count|$(awk -v lo="$lo" -v hi="$hi" 'BEGIN { printf "%.2f", hi / lo }')|<= $LOAD_FLAT_BUDGET|$v"
	table <<<"$rows"
	echo
	echo "Budgets: $pass PASS, $miss MISS."
}

machine() {
	echo "# taskmem overhead benchmark"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) of memory"
	echo "- kernel: $(uname -r)"
	echo "- taskmem: $TASKMEM (repository at $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)); $("$BPFTRACE" --version 2>/dev/null); $("$PYTHON" --version 2>&1)"
	[[ -z $BASELINE ]] || echo "- baseline: $BASELINE, measured in the same run, interleaved with taskmem"
	echo "- load average at start / end: $LOAD_START / $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- $RUNS interleaved runs of each (untraced, taskmem, bpftrace); total time of the benchmark $(($(date +%s) - T_START)) s"
	echo
	echo "bpftrace one-liner (system wide, as a user would type it; its compile and start are not timed):"
	echo
	echo '```'
	echo "$BT_PROG"
	echo '```'
	echo
	echo "Ratios are traced wall time over untraced wall time, as the change in percent:"
	echo "\"ratio of minimums\" compares the fastest run of each (noise only ever adds time),"
	echo "\"median of ratios\" is the median over the rounds of each round's own ratio."
	echo "taskmem's times include its report; bpftrace's include only the workload."
	echo "BPF program runs are counted system wide: both tracers' programs run on every"
	echo "process's events (taskmem filters at the top of each), so a busy machine adds runs."
	echo
}

# ---- main ----------------------------------------------------------------------

T_START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
check_setup

echo "overhead: warming up" >&2
for w in "${W_NAMES[@]}"; do run_untraced "$w" 0; done
"$TASKMEM" trace --as-root -o /dev/null -- /bin/true 2>>"$TMP/log" || fail "run taskmem trace -- /bin/true"
bpftrace_start
bpftrace_stop
rm -f "$TMP"/*.untraced

echo "overhead: start-up latency, $((3 * RUNS)) runs" >&2
for ((r = 1; r <= 3 * RUNS; r++)); do
	t0=${EPOCHREALTIME/./}
	"$TASKMEM" trace --as-root -o /dev/null -- /bin/true 2>>"$TMP/log" || fail "run taskmem trace -- /bin/true"
	t1=${EPOCHREALTIME/./}
	echo "$r $((t1 - t0))" >>"$TMP/startup"
	[[ -n $BASELINE ]] || continue
	t0=${EPOCHREALTIME/./}
	"$BASELINE" trace --as-root -o /dev/null -- /bin/true 2>>"$TMP/log" || fail "run $BASELINE trace -- /bin/true"
	t1=${EPOCHREALTIME/./}
	echo "$r $((t1 - t0))" >>"$TMP/startup.base"
done

for ((r = 1; r <= RUNS; r++)); do
	echo "overhead: round $r of $RUNS: ${W_NAMES[*]}" >&2
	for w in "${W_NAMES[@]}"; do
		run_untraced "$w" "$r"
		run_taskmem "$w" "$r"
		[[ -z $BASELINE ]] || run_taskmem "$w" "$r" "$BASELINE" .base
		run_bpftrace "$w" "$r"
	done
done

echo "overhead: BPF statistics, lost events and VmHWM" >&2
stats_on
for w in "${W_NAMES[@]}"; do run_stats "$w"; done
stats_off
echo "overhead: taskmem's RSS tracing 10000 processes" >&2
run_rss10k
[[ -z $BASELINE ]] || run_rss10k "$BASELINE" .base
echo "overhead: loads with nr_cpus forced to ${FORCED_CPUS[*]}, and in a PID namespace" >&2
run_forced_cpus

report >"$TMP/report.md"
cat "$TMP/report.md"
if ! { machine; cat "$TMP/report.md"; } >"$OUT_MD.tmp" ||
	! mv "$OUT_MD.tmp" "$OUT_MD"; then
	fail "write $OUT_MD"
fi
echo "overhead: wrote $OUT_MD ($(( $(date +%s) - T_START )) s)" >&2
