#!/bin/bash
# Where a Rust tokio task's memory goes (docs/results/runtimes.md, "Rust
# tokio"): builds tools/runtimes/tokio-probe offline twice, against
# Debian's tokio and against a copy of it whose timer entries lose their
# cache-line alignment (what tokio 1.26 did upstream), and runs each with
# the JoinHandles in a Vec (as rust-tokio keeps them), dropped, and in a
# JoinSet, on the multi-threaded and the current-thread runtime.
#
# Usage: tools/runtimes/tokio-probe.sh [N...]   (default: 100000 1000000)
# One line per run: the variant, then the probe's figures per task: the
# allocations (count x size/alignment), heap in use, glibc's arena and RSS.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$ROOT/build/tokio-probe
TOKIO=$(ls -d /usr/share/cargo/registry/tokio-1.* | sort -V | tail -n 1)
[ $# -eq 0 ] && set -- 100000 1000000

mkdir -p "$OUT/cargo-home"
cat >"$OUT/cargo-home/config.toml" <<-CONF
	[source.crates-io]
	replace-with = "debian"

	[source.debian]
	directory = "/usr/share/cargo/registry"

	[net]
	offline = true
CONF

# build VARIANT [PATCH_DIR]: the probe into $OUT/VARIANT/probe
build() {
	local dir=$OUT/$1

	rm -rf "$dir/crate" && mkdir -p "$dir/crate"
	cp -rp "$HERE/tokio-probe/Cargo.toml" "$HERE/tokio-probe/src" "$dir/crate/"
	if [ -n "${2:-}" ]; then
		printf '\n[patch.crates-io]\ntokio = { path = "%s" }\n' "$2" \
			>>"$dir/crate/Cargo.toml"
	fi
	CARGO_HOME=$OUT/cargo-home RUSTC=/usr/bin/rustc /usr/bin/cargo build \
		--release --offline -q --manifest-path "$dir/crate/Cargo.toml" \
		--target-dir "$dir/target" >"$dir/build.log" 2>&1 ||
		{ echo "tokio-probe: cannot build $1 (see $dir/build.log)" >&2; exit 1; }
	install -m 755 "$dir/target/release/probe" "$dir/probe"
}

# The copy: CachePadded in the timer entry keeps its fields, loses its
# repr(align(128)) (x86_64; 32, 64 or 256 elsewhere).
rm -rf "$OUT/tokio-nopad"
cp -r "$TOKIO" "$OUT/tokio-nopad"
rm -f "$OUT/tokio-nopad/.cargo-checksum.json"
sed -i 's/repr(align([0-9]*))/repr(C)/' \
	"$OUT/tokio-nopad/src/runtime/time/entry.rs"

build stock
build nopad "$OUT/tokio-nopad"

echo "tokio-probe: $(basename "$TOKIO"), $(/usr/bin/rustc --version)"
for n in "$@"; do
	for m in vec detach joinset; do
		echo "stock multi $("$OUT/stock/probe" "$n" "$m" multi)"
	done
	echo "stock current $("$OUT/stock/probe" "$n" vec current)"
	echo "nopad multi $("$OUT/nopad/probe" "$n" vec multi)"
done
