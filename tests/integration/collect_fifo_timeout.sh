#!/usr/bin/env bash
# collect_fifo_timeout.sh - a wedged read costs one item, not the run: a sysfs attribute that
# is a FIFO nobody writes (open blocks for ever) and a command fixture that is one too. Both
# items end as "timeout", the bundle still appears, well within the deadline.
set -euo pipefail
. "$(dirname "$0")/collect_sysroot.inc"

work=$(mktemp -d /tmp/collect_fifo.XXXXXX)
trap 'rm -rf "$work"' EXIT

r=$work/root
make_base "$r" 0002
add_pci_device "$r" 0000:00:02.0 vfio-pci 14
rm "$r/sys/bus/pci/devices/0000:00:02.0/reset_method"
mkfifo "$r/sys/bus/pci/devices/0000:00:02.0/reset_method"
rm "$r/cmd-fixtures/lspci-nnkvv"
mkfifo "$r/cmd-fixtures/lspci-nnkvv"

deadline=20
out=$work/b.tar.gz
start=$(date +%s%N)
rc=0
"$collect" -q -o "$out" --sysroot "$r" --deadline "$deadline" --no-roms || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "collect with two wedged items: exit $rc in $ms ms"
[ "$rc" = 10 ] || fail "expected exit 10 (bundle written, items failed), got $rc"
[ -s "$out" ] || fail "no bundle"
[ "$ms" -lt $((deadline * 1000)) ] || fail "took $ms ms, past the $deadline s deadline"
check_manifest "$out"
manifest_item "$out" /sys/bus/pci/devices/0000:00:02.0/reset_method | jq -e '.status == "timeout" and .path == null' >/dev/null ||
	fail "the FIFO attribute should be a timeout"
manifest_item "$out" "lspci -nnkvv" | jq -e '.status == "timeout"' >/dev/null || fail "the FIFO fixture should be a timeout"
# everything else of the device was still read
bundle_has "$out" sys/bus/pci/devices/0000:00:02.0/config || fail "config missing after the wedged item"
bundle_has "$out" sys/bus/pci/devices/0000:00:02.0/vendor || fail "vendor missing after the wedged item"

# a global deadline shorter than the wedged items: the bundle is still written, exit 11
out=$work/short.tar.gz
start=$(date +%s%N)
rc=0
"$collect" -q -o "$out" --sysroot "$r" --deadline 2 --no-roms || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "collect with --deadline 2: exit $rc in $ms ms"
[ "$rc" = 11 ] || fail "expected exit 11 (deadline), got $rc"
[ "$ms" -lt 3000 ] || fail "took $ms ms with --deadline 2"
check_manifest "$out"
bundle_file "$out" manifest.json | jq -e '[.items[] | select(.status == "skipped" and (.reason | test("deadline")))] | length > 0' >/dev/null ||
	fail "items past the deadline should be skipped with the reason"
echo ok
