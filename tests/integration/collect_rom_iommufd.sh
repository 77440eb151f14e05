#!/usr/bin/env bash
# collect_rom_iommufd.sh - a device a running VM holds through iommufd keeps its ROM untouched.
# QEMU 8.2+ on kernel 6.6+ opens the device cdev /dev/vfio/devices/vfioN instead of the group
# /dev/vfio/<group>; sysfs names the cdev in <device>/vfio-dev/vfioN. The sysroot's pid 4242
# (comm "qemu-system-x86") holds /dev/vfio/devices/vfio0 and nothing else; the group is free.
# The ROM must be recorded as skipped and rom_enable never written.
set -euo pipefail
. "$(dirname "$0")/collect_sysroot.inc"

[ "$(id -u)" = 0 ] || {
	echo "skip: ROM choice needs root"
	exit 77
}
work=$(mktemp -d /tmp/collect_iommufd.XXXXXX)
trap 'rm -rf "$work"' EXIT

r=$work/root
make_base "$r" 0002
add_pci_device "$r" 0000:00:02.0 vfio-pci 14
dev=$r/sys/bus/pci/devices/0000:00:02.0
mkdir -p "$r/dev/vfio/devices" "$dev/vfio-dev/vfio0" "$r/proc/4242/fd"
: >"$r/dev/vfio/14"
: >"$r/dev/vfio/vfio"
: >"$r/dev/vfio/devices/vfio0"
ln -s /dev/vfio/devices/vfio0 "$r/proc/4242/fd/31"
ln -s /dev/iommu "$r/proc/4242/fd/30"
echo qemu-system-x86 >"$r/proc/4242/comm"

out=$work/b.tar.gz
rc=$(run_collect "$out" --sysroot "$r")
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "exit $rc"
bundle_file "$out" cmd/vfio-holders | grep -x >/dev/null '/dev/vfio/devices/vfio0 pid=4242 comm=qemu-system-x86' ||
	fail "holder of the iommufd cdev not listed: $(bundle_file "$out" cmd/vfio-holders)"
bundle_file "$out" cmd/vfio-holders | grep -x >/dev/null '/dev/vfio/14 free' || fail "group 14 should be free"
manifest_item "$out" /sys/bus/pci/devices/0000:00:02.0/rom | jq -e '.status == "skipped" and (.reason | test("vfio0 is held by pid 4242"))' >/dev/null ||
	fail "ROM of the held device: $(manifest_item "$out" /sys/bus/pci/devices/0000:00:02.0/rom)"
[ "$(cat "$dev/rom_enable")" = 0 ] || fail "rom_enable was toggled although the device is held"
bundle_has "$out" roms/0000:00:02.0.rom && fail "the held device's ROM was dumped"

# the same device with nobody on the cdev: its ROM is dumped
rm "$r/proc/4242/fd/31"
out=$work/free.tar.gz
rc=$(run_collect "$out" --sysroot "$r")
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "free: exit $rc"
bundle_has "$out" roms/0000:00:02.0.rom || fail "free: the ROM should be dumped"
echo ok
