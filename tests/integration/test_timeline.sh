#!/bin/bash
# Integration test of the pictures of a run: the --timeline CSV, the --plot
# SVG (checked by an XML parser and rendered by a real browser), the
# --perfetto trace, the csv and markdown report formats, and `taskmem
# report` of a saved JSON report.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh. The browser (Debian's
# chromium), xmllint (libxml2-utils) and python3 are installed with apt-get
# when missing.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The --timeline columns, as the README lists them.
CSV_HEADER=time_s,pid,comm,processes,threads,rss_bytes,anon_bytes,file_bytes,shmem_bytes,max_rss_bytes,footprint_bytes,max_footprint_bytes,kernel_bytes,unique_bytes
# The fields of a process in the JSON report (README); the csv format's
# columns are among them.
PROC_FIELDS=(pid ppid comm peak_rss_bytes peak_anon_bytes peak_file_bytes
	peak_shmem_bytes peak_vm_bytes peak_pgtables_bytes peak_kstack_bytes
	peak_task_struct_bytes peak_footprint_bytes peak_threads
	rss_at_tree_peak_bytes minor_faults major_faults exit_code alive_at_end
	root attached kernel_vmhwm_bytes shared_mm_with start_s end_s)
# The chart's size (plot.c) and the browser window it is shot in.
SVG_W=960
SVG_H=540
# The anon layer's colour, #4e79a7 at 85 % opacity on white, as rendered,
# and the background of the banner chromium shows above an SVG it could
# not parse ("This page contains the following errors").
ANON_RGB=(105 141 180)
ERROR_RGB=(255 221 221)

# Where the PNG checks' python script is written (see main).
png_py=

# human BYTES: the figure as the table prints it (report_human_bytes)
human() {
	awk -v b="$1" 'BEGIN {
		split("KiB MiB GiB TiB PiB", u, " ")
		if (b < 1024) { printf "%d B", b; exit }
		v = b; i = 0
		while (v >= 1024 && i < 5) { v /= 1024; i++ }
		if (v >= 999.5) printf "%.0f %s", v, u[i]
		else if (v >= 99.995) printf "%.1f %s", v, u[i]
		else printf "%.2f %s", v, u[i]
	}'
}

# csv_col FILE COLUMN FILTER: the values of COLUMN (a header name) in the rows
# of a timeline CSV whose pid passes FILTER ("tree", "procs" or "all")
csv_col() {
	awk -F, -v col="$2" -v which="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		which == "tree" && $2 != 0 { next }
		which == "procs" && $2 == 0 { next }
		c { print $c }' "$1"
}

# max_of: the largest integer on stdin, "none" when there is none
max_of() {
	sort -n | tail -n 1 | grep . || echo none
}

# need_command COMMAND PACKAGE: true when COMMAND is there, after installing
# PACKAGE with apt-get if it was missing (apt-get update only when the
# first try fails)
need_command() {
	local log

	command -v "$1" >/dev/null && return 0
	log=$tmp/apt-$2.log
	echo "# installing $2 (for $1)"
	if ! apt-get install -y --no-install-recommends "$2" >"$log" 2>&1; then
		apt-get update >>"$log" 2>&1
		apt-get install -y --no-install-recommends "$2" >>"$log" 2>&1
	fi
	command -v "$1" >/dev/null && return 0
	tail -n 3 "$log" | sed 's/^/#   /'
	return 1
}

# need CASE COMMAND PACKAGE: need_command, or say the case cannot run
need() {
	need_command "$2" "$3" && return 0
	cannot_run "$1" "$2 is missing and apt-get could not install $3" \
		"$1: $2" "missing" "installed (apt-get install $3)"
	return 1
}

# trace_format NAME FORMAT CMD ARGS...: CMD under taskmem with the report in
# FORMAT to $tmp/NAME.FORMAT; taskmem's exit status in $status
trace_format() {
	local name=$1 format=$2

	shift 2
	timeout -k 5 "$RUN_TIMEOUT" "$TASKMEM" trace -q -f "$format" \
		-o "$tmp/$name.$format" -- "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	status=$?
}

# report_cmd NAME ARGS...: `taskmem report ARGS`, stdout to $tmp/NAME.out,
# stderr to $tmp/NAME.err, the exit status in $status
report_cmd() {
	local name=$1

	shift
	timeout -k 5 "$RUN_TIMEOUT" "$TASKMEM" report "$@" >"$tmp/$name.out" \
		2>"$tmp/$name.err"
	status=$?
}

# well_formed NAME FILE: xmllint parses FILE
well_formed() {
	local ok=0 why

	if why=$(xmllint --noout "$2" 2>&1); then
		ok=1
		why="parsed"
	else
		why=$(printf '%s' "$why" | head -n 1)
	fi
	result "$ok" "$1" "$why" "well-formed XML (xmllint --noout)"
}

# xpath FILE EXPR: the string value of an XPath expression in FILE
xpath() {
	xmllint --xpath "$2" "$1" 2>/dev/null
}

# shot SVG PNG: a headless screenshot of SVG in a SVG_W x SVG_H window
shot() {
	timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$tmp/chr" --window-size=$SVG_W,$SVG_H \
		--screenshot="$2" "file://$1" >"$2.log" 2>&1 ||
		tail -n 3 "$2.log" | sed 's/^/#   /'
}

# png_size PNG: "WIDTHxHEIGHT" from the IHDR chunk, "not a PNG" otherwise
png_size() {
	local b

	# the signature, then the IHDR chunk's length and type
	if [[ $(od -An -tx1 -N16 "$1" 2>/dev/null | tr -d ' \n') != \
		89504e470d0a1a0a0000000d49484452 ]]; then
		printf 'not a PNG'
		return
	fi
	read -ra b < <(od -An -tu1 -j16 -N8 "$1")
	printf '%dx%d' $(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3])) \
		$(((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]))
}

# A memory shape of known peaks, sampled once a second: 128 MiB allocated
# and freed at once, then 64 MiB held for 1.5 s. Every output at once.
case_peaks() {
	local csv=$tmp/peaks.csv gaps

	run peaks 0 --timeline "$csv" --per-process --sample-ms 1000 \
		--plot "$tmp/peaks.svg" --perfetto "$tmp/peaks.trace.json" \
		-- "$TOOLS/memshape" peaks 128 64 1500 || return
	equals_str "peaks: timeline CSV header" "$(head -n 1 "$csv")" "$CSV_HEADER"
	equals "peaks: CSV rows without 14 fields" \
		"$(awk -F, 'NF != 14' "$csv" | wc -l)" 0
	# the tree's rows hold unique memory, the processes' rows none
	expect_range "peaks: tree rows with unique_bytes of 64 MiB or more" int \
		"$(awk -F, '$2 == 0 && $14 >= 67108864' "$csv" | wc -l)" 1 ""
	equals "peaks: process rows with unique_bytes" \
		"$(awk -F, 'NR > 1 && $2 != 0 && $14 != ""' "$csv" | wc -l)" 0
	expect_range "peaks: tree rows (a sample a second, one at exit)" int \
		"$(csv_col "$csv" pid tree | wc -l)" 2 4
	gaps=$(csv_col "$csv" time_s tree | awk 'NR > 1 && $1 - p > m { m = $1 - p }
		{ p = $1 } END { printf "%.3f", m }')
	seconds_range "peaks: longest time between tree rows" "$gaps" 0.9 1.25
	# the 128 MiB lasted a few ms between two samples a second apart
	bytes_range "peaks: highest max_rss_bytes of the tree rows" \
		"$(csv_col "$csv" max_rss_bytes tree | max_of)" $((128 * M)) \
		"<$((136 * M))"
	bytes_range "peaks: highest rss_bytes of the tree rows" \
		"$(csv_col "$csv" rss_bytes tree | max_of)" $((64 * M)) \
		"<$((128 * M))"
	bytes_range "peaks: highest rss_bytes of the process rows" \
		"$(csv_col "$csv" rss_bytes procs | max_of)" $((64 * M)) \
		"<$((128 * M))"
	bytes_range "peaks: highest max_rss_bytes of the process rows" \
		"$(csv_col "$csv" max_rss_bytes procs | max_of)" $((128 * M)) \
		"<$((136 * M))"
	equals_str "peaks: pids of the process rows (--per-process)" \
		"$(csv_col "$csv" pid procs | sort -u | paste -sd ' ')" \
		"$(val root.pid)"
	equals "peaks: JSON timeline.sample_ms" "$(val .timeline.sample_ms)" 1000
	bytes_range "peaks: highest max_rss_bytes of the JSON timeline points" \
		"$(val '[.timeline.points[][7]] | max')" $((128 * M)) \
		"<$((136 * M))"
}

# The SVG of case_peaks: an XML parser reads it, a browser draws it.
case_plot() {
	local svg=$tmp/peaks.svg png=$tmp/peaks.png blank=$tmp/blank.png
	local title peak fp size bsize stats colours drawn anon banner

	[[ -s $svg ]] || { result 0 "plot: $svg" "missing or empty" "the chart"; return; }
	need plot xmllint libxml2-utils || return
	well_formed "plot: SVG" "$svg"
	equals_str "plot: svg size" \
		"$(xpath "$svg" 'string(/*[local-name()="svg"]/@width)')x$(xpath "$svg" 'string(/*[local-name()="svg"]/@height)')" \
		"${SVG_W}x$SVG_H"
	title=$(xpath "$svg" 'string((//*[local-name()="text"])[1])')
	contains "plot: title" "$title" "memshape peaks 128 64 1500"
	fp=$(val .tree.peak_footprint_bytes)
	peak=$(xpath "$svg" 'string(//*[local-name()="text"][starts-with(., "peak ")])')
	contains "plot: peak label" "$peak" "peak $(human "$fp") at "

	need plot chromium chromium || return
	need plot python3 python3 || return
	printf '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d"/>\n' \
		"$SVG_W" "$SVG_H" >"$tmp/blank.svg"
	shot "$tmp/blank.svg" "$blank"
	shot "$svg" "$png"
	equals_str "plot: screenshot size (PNG IHDR)" "$(png_size "$png")" \
		"${SVG_W}x$SVG_H"
	equals_str "plot: blank screenshot size (PNG IHDR)" "$(png_size "$blank")" \
		"${SVG_W}x$SVG_H"
	size=$(stat -c %s "$png" 2>/dev/null || echo 0)
	bsize=$(stat -c %s "$blank" 2>/dev/null || echo 0)
	expect_range "plot: screenshot bytes, 4 x a blank one's ($bsize bytes) or more" \
		int "$size" $((4 * bsize)) ""
	# distinct colours, % of pixels not the background, % of anon's colour,
	# pixels of the error banner's
	stats=$(python3 "$png_py" "$png" "${ANON_RGB[@]}" "${ERROR_RGB[@]}" 2>&1)
	read -r colours drawn anon banner <<<"$stats"
	if ! is_int "${banner:-}"; then
		result 0 "plot: screenshot pixels" "'$stats'" "a decoded PNG"
		return
	fi
	expect_range "plot: distinct colours in the screenshot" int "$colours" 10 ""
	expect_range "plot: % of the screenshot not background" int "$drawn" 5 ""
	expect_range "plot: % of the screenshot in the anon layer's colour" int \
		"$anon" 2 ""
	equals "plot: pixels of chromium's XML error banner" "$banner" 0
}

# A process whose name the kernel cut at 15 bytes inside a character: the
# chart must stay well-formed XML (the JSON report already copes).
case_plot_utf8() {
	local exe=$tmp/memshap-ééééé

	need plot-utf8 xmllint libxml2-utils || return
	cp "$TOOLS/memshape" "$exe" || return
	run plot-utf8 0 --plot "$tmp/plot-utf8.svg" -- "$exe" anon 8 50 || return
	equals_str "plot-utf8: comm in the JSON report" "$(val 'root.comm')" \
		"memshap-ééé�"
	well_formed "plot-utf8: SVG with that comm" "$tmp/plot-utf8.svg"
}

# trace_jq TRACE [JQ OPTIONS] FILTER: jq -rn with the trace events of TRACE
# as $t[0] and the current report as $r[0]; "unreadable" when jq fails
trace_jq() {
	local t=$1

	shift
	jq -rn --slurpfile t "$t" --slurpfile r "$report" "$@" 2>/dev/null ||
		echo "unreadable"
}

# check_perfetto NAME TRACE MIN_S NPROCS: the Perfetto file of the current
# report has counters for each of the NPROCS processes, which all lived
# over MIN_S, and for the tree (pid 0), and a slice per process
check_perfetto() {
	local n=$1 trace=$2 min=$3 nprocs=$4 ok=0

	jq -e '.traceEvents | type == "array"' "$trace" >/dev/null 2>&1 && ok=1
	result "$ok" "$n: perfetto file" "$( ((ok)) && echo parsed || echo unreadable)" \
		"JSON with a traceEvents array (jq)"
	((ok)) || return
	# shellcheck disable=SC2016 # jq variables
	equals "$n: processes that lived over $min s" \
		"$(trace_jq "$trace" --argjson min "$min" '$r[0] as $rep
			| [$rep.processes[]
			   | select((.end_s // $rep.duration_s) - .start_s > $min)]
			| length')" "$nprocs"
	# shellcheck disable=SC2016
	equals_str "$n: of those, pids without counter events" \
		"$(trace_jq "$trace" --argjson min "$min" '$r[0] as $rep
			| $t[0].traceEvents as $ev
			| [$rep.processes[]
			   | select((.end_s // $rep.duration_s) - .start_s > $min)
			   | .pid as $p
			   | select(any($ev[]; .ph == "C" and .pid == $p) | not)
			   | $p]
			| if length == 0 then "none" else map(tostring) | join(" ") end')" \
		none
	# shellcheck disable=SC2016
	equals "$n: tree counter events (pid 0), one per sample" \
		"$(trace_jq "$trace" '[$t[0].traceEvents[]
			| select(.ph == "C" and .pid == 0)] | length')" \
		"$(val .timeline.samples)"
	# shellcheck disable=SC2016
	equals_str "$n: name of pid 0" \
		"$(trace_jq "$trace" 'first(($t[0].traceEvents[]
			| select(.ph == "M" and .pid == 0) | .args.name), "none")')" \
		"(tree)"
	# shellcheck disable=SC2016
	equals_str "$n: pids of the X slices" \
		"$(trace_jq "$trace" '[$t[0].traceEvents[] | select(.ph == "X")
			| .pid] | sort | map(tostring) | join(" ")')" \
		"$(val '[.processes[].pid] | sort | map(tostring) | join(" ")')"
}

case_perfetto() {
	report=$tmp/peaks.json
	check_perfetto peaks "$tmp/peaks.trace.json" 1 1

	# four processes living 400 ms or more, sampled every 50 ms
	run children 0 --perfetto "$tmp/children.trace.json" \
		--timeline "$tmp/children.csv" --sample-ms 50 \
		-- "$TOOLS/memshape" children 3 16 400 parallel || return
	check_perfetto children "$tmp/children.trace.json" 0.05 4
	equals "children: CSV process rows without --per-process" \
		"$(csv_col "$tmp/children.csv" pid procs | wc -l)" 0
	expect_range "children: CSV tree rows" int \
		"$(csv_col "$tmp/children.csv" pid tree | wc -l)" 8 ""
}

# The saved JSON of case_peaks rendered again by `taskmem report`.
case_report() {
	local json=$tmp/peaks.json fp total row mism

	report=$json
	report_cmd report-table "$json"
	expect_status report-table 0
	"$TASKMEM" report -f json "$json" 2>"$tmp/report-pipe.err" |
		"$TASKMEM" report /dev/stdin >"$tmp/report-pipe.out" 2>>"$tmp/report-pipe.err"
	status=$?
	expect_status report-pipe 0
	if cmp -s "$tmp/report-table.out" "$tmp/report-pipe.out"; then
		result 1 "report: table of report -f json | report /dev/stdin" \
			"identical" "the table of the saved JSON"
	else
		result 0 "report: table of report -f json | report /dev/stdin" \
			"differs: $(diff "$tmp/report-table.out" "$tmp/report-pipe.out" | sed -n 2p)" \
			"the table of the saved JSON"
	fi
	report_cmd report-json -f json "$json"
	expect_status report-json 0
	jq -S . "$json" >"$tmp/saved.sorted" 2>/dev/null
	jq -S . "$tmp/report-json.out" >"$tmp/again.sorted" 2>/dev/null
	equals_str "report: -f json of the saved JSON, as jq -S prints them" \
		"$(cmp -s "$tmp/saved.sorted" "$tmp/again.sorted" && echo same ||
			echo different)" same

	# the table's figures are the JSON's
	fp=$(val .tree.peak_footprint_bytes)
	total=$(grep -E '^ +TOTAL ' "$tmp/report-table.out")
	equals_str "report: TOTAL FOOTPRINT and PEAK_RSS cells" \
		"$(awk '{ print $3, $4 "/" $5, $6 }' <<<"$total")" \
		"$(human "$fp")/$(human "$(val .tree.peak_rss_bytes)")"
	row=$(grep -E "^ +$(val root.pid) " "$tmp/report-table.out")
	equals_str "report: root row FOOTPRINT cell" \
		"$(awk '{ print $4, $5 }' <<<"$row")" \
		"$(human "$(val root.peak_footprint_bytes)")"

	# every value of the csv format is the JSON's
	report_cmd report-csv -f csv "$json"
	expect_status report-csv 0
	equals "report: csv lines (header, processes, TOTAL)" \
		"$(wc -l <"$tmp/report-csv.out")" $(($(val '.processes | length') + 2))
	# shellcheck disable=SC2016 # jq variables
	mism=$(jq -rRs --slurpfile r "$json" '
		def norm: if . == true then "1" elif . == false then "0"
			elif . == null then "" else tostring end;
		$r[0] as $j
		| [split("\n")[] | select(length > 0) | split(",")
		   | map(ltrimstr("\"") | rtrimstr("\""))] as $rows
		| $rows[0] as $h
		| [$rows[1:][] as $row
		   | (if $row[0] == "TOTAL" then $j.tree + {exit_code: $j.exit_code,
			rss_at_tree_peak_bytes: $j.tree.peak_rss_bytes}
		      else first($j.processes[] | select((.pid | tostring) == $row[0]))
		      end) as $o
		   | range(0; $h | length) as $i
		   | select($h[$i] != "comm" and ($o | has($h[$i])))
		   | {k: "\($row[0]).\($h[$i])", csv: $row[$i], json: ($o[$h[$i]] | norm)}]
		| map(select(.csv != .json) | "\(.k) csv \(.csv) json \(.json)") as $bad
		| "\(length) compared, differing: \(if $bad == [] then "none"
			else $bad | join(", ") end)"' "$tmp/report-csv.out" 2>/dev/null)
	[[ $mism =~ ^[1-9][0-9]*\ compared,\ differing:\ none$ ]]
	result $(($? == 0)) "report: csv values against the JSON's" \
		"${mism:-unreadable}" "N compared, differing: none"

	report_cmd report-svg -f svg -o "$tmp/report.svg" "$json"
	expect_status report-svg 0
	need report-svg xmllint libxml2-utils && well_formed "report: -f svg" "$tmp/report.svg"
}

# `taskmem report` of what is not a report it can render: exit 64, a reason.
case_report_errors() {
	local json=$tmp/peaks.json

	run plain 0 -- "$TOOLS/memshape" anon 8 0 || return
	equals_str "plain: JSON without sampling has no timeline" \
		"$(val 'has("timeline")')" false
	report_cmd report-no-timeline -f svg -o "$tmp/no-timeline.svg" "$tmp/plain.json"
	expect_status report-no-timeline 64
	contains "report-no-timeline: stderr" "$(head -n 1 "$tmp/report-no-timeline.err")" \
		"timeline"
	equals_str "report-no-timeline: -o file" \
		"$([[ -e $tmp/no-timeline.svg ]] && echo written || echo absent)" absent

	head -c $(($(stat -c %s "$json") / 2)) "$json" >"$tmp/truncated.json"
	report_cmd report-truncated "$tmp/truncated.json"
	expect_status report-truncated 64
	contains "report-truncated: stderr" "$(head -n 1 "$tmp/report-truncated.err")" \
		"taskmem: cannot read report"

	jq 'del(.tree.peak_rss_bytes)' "$json" >"$tmp/no-field.json"
	report_cmd report-no-field "$tmp/no-field.json"
	expect_status report-no-field 64
	contains "report-no-field: stderr" "$(head -n 1 "$tmp/report-no-field.err")" \
		"'peak_rss_bytes'"

	report_cmd report-missing-file "$tmp/nonexistent.json"
	expect_status report-missing-file 64
	contains "report-missing-file: stderr" \
		"$(head -n 1 "$tmp/report-missing-file.err")" "nonexistent.json"

	report_cmd report-no-file
	expect_status report-no-file 64
}

# The csv and markdown formats of trace: a header, a row per process, TOTAL.
case_formats() {
	local f col bad lines

	trace_format fmt-csv csv "$TOOLS/memshape" children 2 8 100 parallel
	expect_status fmt-csv 0
	f=$tmp/fmt-csv.csv
	contains "fmt-csv: header" "$(head -n 1 "$f")" "pid,ppid,comm,"
	bad=
	for col in $(head -n 1 "$f" | tr ',' ' '); do
		[[ " ${PROC_FIELDS[*]} " == *" $col "* ]] || bad+="${bad:+ }$col"
	done
	equals_str "fmt-csv: columns that are no JSON process field" \
		"${bad:-none}" none
	equals "fmt-csv: lines (header, 3 processes, TOTAL)" "$(wc -l <"$f")" 5
	equals "fmt-csv: rows whose field count differs from the header's" \
		"$(awk -F, 'NR == 1 { n = NF } NF != n' "$f" | wc -l)" 0
	equals "fmt-csv: rows of memshape" "$(grep -c '^[0-9]*,[0-9]*,"memshape",' "$f")" 3
	contains "fmt-csv: last row" "$(tail -n 1 "$f")" 'TOTAL,,"(simultaneous)",'

	trace_format fmt-md markdown "$TOOLS/memshape" children 2 8 100 parallel
	expect_status fmt-md 0
	f=$tmp/fmt-md.markdown
	lines=$(grep -c '^|' "$f")
	equals "fmt-md: table lines (header, separator, 3 processes, TOTAL)" \
		"$lines" 6
	contains "fmt-md: header" "$(grep -m 1 '^|' "$f")" \
		"| PID | PPID | COMM | FOOTPRINT | PEAK_RSS |"
	equals "fmt-md: separator rows" \
		"$(grep -cE '^(\|:?-+:?)+\|$' "$f")" 1
	equals_str "fmt-md: separator follows the header" \
		"$(grep '^|' "$f" | sed -n 2p | grep -cE '^(\|:?-+:?)+\|$')" 1
	equals "fmt-md: lines whose cell count differs from the header's" \
		"$(grep '^|' "$f" | awk -F'|' 'NR == 1 { n = NF } NF != n' | wc -l)" 0
	contains "fmt-md: last row" "$(grep '^|' "$f" | tail -n 1)" \
		"| TOTAL |  | (simultaneous) |"
}

# Everything a run needs; false (after saying why) when the test cannot run.
preflight() {
	need_root test_timeline.sh && need_tools "$TASKMEM" "$TOOLS/memshape"
}

write_png_py() {
	# Counts a PNG's pixels: distinct colours, the % that are not the most
	# common colour, the % within 8 of the first RGB given on each channel,
	# and the pixels of exactly the second RGB.
	cat >"$png_py" <<'EOF'
import collections, struct, sys, zlib

def rows(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit('not a PNG')
    pos, idat, hdr = 8, [], None
    while pos + 8 <= len(data):
        n, typ = struct.unpack('>I4s', data[pos:pos + 8])
        if typ == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', data[pos + 8:pos + 8 + n])
        elif typ == b'IDAT':
            idat.append(data[pos + 8:pos + 8 + n])
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        sys.exit('unsupported PNG: depth %d, colour type %d, interlace %d'
                 % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b''.join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    for y in range(h):
        i = y * (stride + 1)
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        for x in (range(stride) if f else ()):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                pr = a
            elif f == 2:
                pr = b
            elif f == 3:
                pr = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line[x] = (line[x] + pr) & 255
        yield [bytes(line[x:x + 3]) for x in range(0, stride, bpp)]
        prev = line

colours = collections.Counter()
for row in rows(sys.argv[1]):
    colours.update(row)
r, g, b = (int(v) for v in sys.argv[2:5])
exact = bytes(int(v) for v in sys.argv[5:8])
total = sum(colours.values())
like = sum(n for c, n in colours.items()
           if abs(c[0] - r) <= 8 and abs(c[1] - g) <= 8 and abs(c[2] - b) <= 8)
print(len(colours), 100 * (total - colours.most_common(1)[0][1]) // total,
      100 * like // total, colours[exact])
EOF
}

main() {
	local t0=$EPOCHREALTIME

	start preflight
	png_py=$tmp/png.py
	write_png_py

	case_peaks
	case_plot
	case_plot_utf8
	case_perfetto
	case_report
	case_report_errors
	case_formats

	echo "# $(elapsed_since "$t0") s"
	finish
}

main "$@"
