#!/bin/bash
# Integration test of the peak virtual size without a per-syscall hook:
# grow the virtual size by 1 GiB without touching a page (mmap then munmap,
# brk up and down, mremap of one page to 1 GiB then munmap), so no RSS
# event ever sees it, and check taskmem's PEAK_VM against the VmSize the
# workload read from the kernel while grown.
#
# Run from the repository root, as root. The environment (TASKMEM, TOOLS, CI)
# and the output lines are described in lib.sh.
set -u

# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

preflight() {
	need_root test_peak_vm.sh && need_tools "$TASKMEM" "$TOOLS/memshape"
}

# vm_case OP: the root's and the tree's peak VM are the grown VmSize, exactly
vm_case() {
	local op=$1 grown base after

	run "vm-$op" 0 -- "$TOOLS/memshape" vm "$op" 1024 || return
	read -r base grown after < <(sed -n \
		's/^vm_base_kb=\([0-9]*\) vm_grown_kb=\([0-9]*\) vm_after_kb=\([0-9]*\)$/\1 \2 \3/p' \
		"$tmp/vm-$op.out")
	if ! is_int "${grown:-}"; then
		result 0 "vm-$op: memshape's VmSize line" "missing" "vm_grown_kb=N"
		return
	fi
	equals "vm-$op: grown by 1 GiB (kB)" $((grown - base)) $((1024 * 1024))
	equals "vm-$op: shrunk back (kB)" "$after" "$base"
	equals "vm-$op: tree.peak_vm_bytes" "$(val .tree.peak_vm_bytes)" \
		$((grown * 1024))
	equals "vm-$op: root peak_vm_bytes" "$(val 'root.peak_vm_bytes')" \
		$((grown * 1024))
}

start preflight
vm_case mmap
vm_case brk
vm_case mremap
finish
