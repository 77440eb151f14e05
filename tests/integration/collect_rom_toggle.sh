#!/usr/bin/env bash
# collect_rom_toggle.sh - the ROM enable toggle, the only write collect makes, is always
# restored: after a normal dump, and after SIGTERM arrives while the ROM read is blocked (the
# sysroot's rom is a FIFO nobody writes). After the signal nothing is left under the final
# name, no temporary file remains, and the exit status shows the signal.
set -euo pipefail
. "$(dirname "$0")/collect_sysroot.inc"

work=$(mktemp -d /tmp/collect_rom.XXXXXX)
trap 'rm -rf "$work"' EXIT

r=$work/root
make_base "$r" 0002
add_pci_device "$r" 0000:00:02.0 vfio-pci 14
dev=$r/sys/bus/pci/devices/0000:00:02.0

# normal run: dumped, restored
out=$work/normal.tar.gz
rc=$(run_collect "$out" --sysroot "$r")
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "normal run: exit $rc"
cmp <(bundle_file "$out" roms/0000:00:02.0.rom) "$dev/rom" || fail "normal run: ROM bytes differ"
# exactly "0\n": the kernel disables the ROM only on a 2-byte write of "0\n" at offset 0
printf '0\n' | cmp -s - "$dev/rom_enable" || fail "normal run: rom_enable is '$(od -c "$dev/rom_enable")', not 0\\n"
manifest_item "$out" roms/0000:00:02.0.rom | jq -e '.status == "ok" and (.sha256 | length) == 64' >/dev/null ||
	fail "normal run: manifest record of the ROM"
echo "normal run: ROM dumped, enable restored to 0"

# SIGTERM while the ROM read blocks
rm "$dev/rom"
mkfifo "$dev/rom"
out=$work/interrupted.tar.gz
"$collect" -q -o "$out" --sysroot "$r" &
pid=$!
for _ in $(seq 1 200); do
	[ "$(cat "$dev/rom_enable")" = 1 ] && break
	sleep 0.05
done
[ "$(cat "$dev/rom_enable")" = 1 ] || fail "collect never switched the ROM on"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
echo "after SIGTERM: exit $rc, rom_enable $(cat "$dev/rom_enable")"
[ "$rc" = 143 ] || fail "expected death by SIGTERM (143), got $rc"
printf '0\n' | cmp -s - "$dev/rom_enable" || fail "rom_enable not restored to 0\\n after SIGTERM"
[ ! -e "$out" ] || fail "a file exists under the final name after SIGTERM"
ls "$work" | grep 'partial' && fail "temporary archive left behind"
# the blocked reader child is gone too
sleep 0.2
pgrep -f "collect -q -o $out" >/dev/null && fail "a collect process survived"
echo ok
