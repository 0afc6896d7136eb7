#!/bin/bash
# Build the programs of tools/runtimes/plan.tsv into build/runtimes/.
#
# Usage: tools/runtimes/build.sh [--only NAME[,NAME...]]
#
# Installs the missing toolchains from Debian's repositories (as root; no
# other network use: Rust builds offline against Debian's crate sources),
# builds each program, runs it once with one task and no sleep, and prints
# one line per program: "NAME: ok (VERSION)" or "NAME: unavailable: REASON".
# A program that cannot be had does not stop the others.  The result goes
# to build/runtimes/status.tsv (name, status, reason, version); with --only,
# the rows of the other programs are kept from the previous run.  Safe to
# run again: nothing is installed twice and builds are redone in place.
#
# Exit status: 0 when every selected program is ok (or unavailable by
# design in plan.tsv), 1 when one could not be built, 2 on bad usage.
# The build_* and version_* functions are called by name.
# shellcheck disable=SC2317
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$ROOT/build/runtimes
PLAN=$HERE/plan.tsv

# Debian packages each build unit needs.  elixir pulls in the parts of
# Erlang it runs on; the "erlang" metapackage would add X11/wx too.
unit_packages() {
	case $1 in
	c-threads) echo gcc libc6-dev ;;
	c-libuv) echo gcc libc6-dev pkg-config libuv1-dev ;;
	rust-threads) echo rustc cargo ;;
	rust-tokio) echo rustc cargo librust-tokio-dev ;;
	rust-async-std) echo rustc cargo librust-async-std-dev ;;
	go) echo golang-go ;;
	java) echo openjdk-17-jdk-headless ;;
	node) command -v node >/dev/null || echo nodejs ;;
	python) command -v python3 >/dev/null || echo python3 ;;
	elixir) echo elixir ;;
	csharp) echo mono-devel ;;
	esac
}

# Programs that share a build: both C# rows run one executable, both
# Python rows one interpreter.
unit_of() {
	case $1 in
	java-*) echo java ;;
	python-*) echo python ;;
	csharp-*) echo csharp ;;
	*) echo "$1" ;;
	esac
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

missing_packages() {
	local p
	for p in $(unit_packages "$1"); do
		installed "$p" || echo "$p"
	done
}

apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends -o DPkg::Lock::Timeout=300 "$@" \
		>>"$OUT/apt.log" 2>&1
}

# Install what the selected units lack: all in one go, and unit by unit
# when that fails, so one broken package costs only its own unit.
install_toolchains() {
	local u missing
	missing=$(for u in "$@"; do missing_packages "$u"; done |
		awk '!seen[$0]++ { printf " %s", $0 }')
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "runtimes: cannot install$missing: run as root" >&2
		return 0
	fi
	echo "runtimes: installing$missing" >&2
	: >"$OUT/apt.log"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq \
		-o DPkg::Lock::Timeout=300 >>"$OUT/apt.log" 2>&1 ||
		echo "runtimes: apt-get update failed (see $OUT/apt.log)" >&2
	# shellcheck disable=SC2086
	apt_install $missing && return 0
	for u in "$@"; do
		missing=$(missing_packages "$u")
		# shellcheck disable=SC2086
		[ -n "$missing" ] && apt_install $missing
	done
	return 0
}

# Each build_UNIT (- written _) runs with its output in the unit's log and
# returns non-zero on failure; version_UNIT prints one line.

build_c_threads() {
	mkdir -p "$OUT/c-threads" &&
		gcc -g -O2 -Wall -Wextra -Werror -pthread \
			-o "$OUT/c-threads/tasks" "$HERE/c-threads/tasks.c"
}
version_c_threads() {
	echo "$(getconf GNU_LIBC_VERSION) pthreads, gcc $(gcc -dumpfullversion)"
}

# shellcheck disable=SC2046 # pkg-config's flags are separate words
build_c_libuv() {
	mkdir -p "$OUT/c-libuv" &&
		gcc -g -O2 -Wall -Wextra -Werror $(pkg-config --cflags libuv) \
			-o "$OUT/c-libuv/tasks" "$HERE/c-libuv/tasks.c" \
			$(pkg-config --libs libuv)
}
version_c_libuv() {
	echo "libuv $(pkg-config --modversion libuv), gcc $(gcc -dumpfullversion)"
}

# Debian's cargo and rustc, whatever else is in PATH (rustup's cargo would
# want crates.io), against the crate sources Debian's librust-*-dev
# packages install.  The crate is copied into build/ so that the
# Cargo.lock cargo writes, resolved afresh each time against what Debian
# has now, stays out of the source tree.
cargo_build() {
	local name=$1 dir=$OUT/$1
	mkdir -p "$OUT/cargo-home" || return 1
	cat >"$OUT/cargo-home/config.toml" <<-EOF
		[source.crates-io]
		replace-with = "debian"

		[source.debian]
		directory = "/usr/share/cargo/registry"

		[net]
		offline = true
	EOF
	rm -rf "$dir/crate" && mkdir -p "$dir/crate" &&
		cp -rp "$HERE/$name/Cargo.toml" "$HERE/$name/src" "$dir/crate/" &&
		CARGO_HOME=$OUT/cargo-home RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
			/usr/bin/cargo build --release --offline \
			--manifest-path "$dir/crate/Cargo.toml" \
			--target-dir "$dir/target" &&
		install -m 755 "$dir/target/release/tasks" "$dir/tasks"
}
build_rust_threads() { cargo_build rust-threads; }
build_rust_tokio() { cargo_build rust-tokio; }
build_rust_async_std() { cargo_build rust-async-std; }
version_rust_threads() { /usr/bin/rustc --version; }
# The version of crate $2 that cargo resolved for program $1.
crate_version() {
	awk -v c="name = \"$2\"" '$0 == c { getline; gsub(/"/, ""); print $3 }' \
		"$OUT/$1/crate/Cargo.lock"
}
version_rust_tokio() {
	echo "$(/usr/bin/rustc --version), tokio $(crate_version rust-tokio tokio)"
}
version_rust_async_std() {
	echo "$(/usr/bin/rustc --version), async-std $(crate_version rust-async-std async-std)"
}

# Standard library only: no module proxy, caches under build/.
build_go() {
	mkdir -p "$OUT/go" &&
		(cd "$HERE/go" &&
			GOPROXY=off GOFLAGS='' GOTOOLCHAIN=local \
				GOCACHE=$OUT/go/cache GOPATH=$OUT/go/path \
				go build -trimpath -o "$OUT/go/tasks" .)
}
version_go() { go version; }

build_java() {
	mkdir -p "$OUT/java" &&
		javac --release 17 -d "$OUT/java" "$HERE/java/Tasks.java"
}
version_java() { java -version 2>&1 | head -n 1; }

# Interpreted: a syntax check is the build.
build_node() { node --check "$HERE/node/tasks.js"; }
version_node() { echo "node $(node --version)"; }

build_python() {
	local f
	for f in asyncio_tasks threads; do
		# Parse without writing __pycache__ into the source tree.
		python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' \
			"$HERE/python/$f.py" || return 1
	done
}
version_python() { python3 --version; }

build_elixir() { command -v elixir; }
version_elixir() {
	local v
	v=$(elixir --version 2>/dev/null)
	echo "$(echo "$v" | grep '^Elixir' | cut -d' ' -f1-2), $(echo "$v" | grep '^Erlang' | cut -d' ' -f1-3)"
}

build_csharp() {
	mkdir -p "$OUT/csharp" &&
		mcs -optimize+ -warnaserror+ -out:"$OUT/csharp/Tasks.exe" "$HERE/csharp/Tasks.cs"
}
version_csharp() { mono --version | head -n 1 | sed 's/ (.*//'; }

# Run a plan row's command with one task and no sleep: proves the program
# and its runtime start, create a task, wait and exit 0.
smoke() {
	local cmd=$1
	cmd=${cmd//\{n\}/1}
	cmd=${cmd//\{s\}/0}
	(cd "$ROOT" && timeout 300 sh -c "$cmd")
}

# The last non-blank line of a log, fit for one TSV field.
last_line() {
	local line
	line=$(grep -v '^[[:space:]]*$' "$1" | tail -n 1 | tr '\t' ' ' | cut -c1-200)
	echo "${line:-no output}"
}

# apt's last error about one of the packages named.
apt_error() {
	local p line=""
	for p in $1; do
		line=$(grep "^E:.*$p" "$OUT/apt.log" 2>/dev/null | tail -n 1)
		[ -n "$line" ] && break
	done
	echo "${line:-apt-get install failed}" | tr '\t' ' ' | cut -c1-200
}

# --- main -----------------------------------------------------------------

only=""
case $# in
0) ;;
2) [ "$1" = --only ] && only=$2 ;;
esac
if [ $# -ne 0 ] && [ -z "$only" ]; then
	echo "usage: tools/runtimes/build.sh [--only NAME[,NAME...]]" >&2
	exit 2
fi

all_names=$(grep -v '^#' "$PLAN" | cut -f1)
if [ -n "$only" ]; then
	names=$(echo "$only" | tr ',' '\n')
	for n in $names; do
		if ! echo "$all_names" | grep -qx -- "$n"; then
			echo "runtimes: unknown program '$n' (known: $(echo "$all_names" | tr '\n' ' ' | sed 's/ $//'))" >&2
			exit 2
		fi
	done
else
	names=$all_names
fi

if ! mkdir -p "$OUT/logs" || [ ! -w "$OUT" ] || [ ! -w "$OUT/logs" ]; then
	echo "runtimes: cannot write to $OUT: run as its owner" >&2
	exit 1
fi
units=$(for n in $names; do unit_of "$n"; done | awk '!seen[$0]++')
# shellcheck disable=SC2086
install_toolchains $units

rows=$OUT/status.new
: >"$rows"
rc=0
declare -A unit_result
for name in $names; do
	row=$(awk -F'\t' -v n="$name" '$1 == n' "$PLAN")
	cmd=$(echo "$row" | cut -f2)
	why=$(echo "$row" | cut -f3)
	# "max-tasks: N" is for taskmem bench; only "unavailable: ..." is here
	case $why in unavailable*) ;; *) why= ;; esac
	unit=$(unit_of "$name")
	log=$OUT/logs/$name.log
	status=ok reason=- version=-

	if [ -n "$why" ]; then
		status=unavailable reason=${why#unavailable: }
	elif missing=$(missing_packages "$unit" | tr '\n' ' ') && [ -n "$missing" ]; then
		status=unavailable
		if [ "$(id -u)" -ne 0 ]; then
			reason="package ${missing% } not installed (run as root to install it)"
		else
			reason="cannot install package ${missing% }: $(apt_error "$missing") (see build/runtimes/apt.log)"
		fi
		rc=1
	else
		if [ -z "${unit_result[$unit]:-}" ]; then
			if "build_${unit//-/_}" >"$OUT/logs/$unit.build.log" 2>&1; then
				unit_result[$unit]=ok
			else
				unit_result[$unit]="build failed: $(last_line "$OUT/logs/$unit.build.log") (see build/runtimes/logs/$unit.build.log)"
			fi
		fi
		if [ "${unit_result[$unit]}" != ok ]; then
			status=unavailable reason=${unit_result[$unit]}
			rc=1
		elif ! smoke "$cmd" >"$log" 2>&1; then
			status=unavailable
			reason="run with 1 task failed: $(last_line "$log") (see build/runtimes/logs/$name.log)"
			rc=1
		else
			version=$("version_${unit//-/_}" 2>/dev/null | tr '\t' ' ')
		fi
	fi

	if [ "$status" = ok ]; then
		echo "$name: ok ($version)"
	else
		echo "$name: unavailable: $reason"
	fi
	printf '%s\t%s\t%s\t%s\n' "$name" "$status" "$reason" "$version" >>"$rows"
done

# Merge into status.tsv in plan order, keeping rows this run did not redo.
{
	printf '# name\tstatus\treason\tversion\n'
	for n in $all_names; do
		awk -F'\t' -v n="$n" '$1 == n' "$rows" | grep . ||
			awk -F'\t' -v n="$n" '$1 == n' "$OUT/status.tsv" 2>/dev/null
	done
} >"$OUT/status.tsv.tmp"
mv "$OUT/status.tsv.tmp" "$OUT/status.tsv"
rm -f "$rows"
exit $rc
