#!/bin/sh
# Install taskmem's build and test dependencies on Debian 12 (and any
# packages named as arguments); does nothing when they are already present,
# so it is safe to run before every build.
set -eu

PKGS="clang llvm make gcc pkg-config libbpf-dev bpftool libelf-dev zlib1g-dev libcmocka-dev libjson-c-dev libclang-rt-14-dev cppcheck jq libxml2-dev libxml2-utils"
# the privilege-boundary tests run taskmem through a real sudo
PKGS="$PKGS sudo"
# profiling: DWARF unwinding and symbols (libdw); the test reads the pprof
# profile back with go tool pprof
PKGS="$PKGS libdw-dev golang-go"
# metrics: the HTTP server, and a real Prometheus (promtool too) in the tests,
# queried with curl
PKGS="$PKGS libmicrohttpd-dev prometheus curl"

# Extra packages for one target may be named on the command line.
missing=""
for p in $PKGS "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "taskmem: cannot install build dependencies:$missing: run as root" >&2
	exit 1
fi

echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
