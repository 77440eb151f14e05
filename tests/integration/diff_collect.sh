#!/usr/bin/env bash
# diff_collect.sh - `analyze diff` of two real collects of this machine: a sysroot mirroring
# this machine's /proc/{cmdline,cpuinfo,iomem,modules,version} and the first PCI devices of
# /sys/bus/pci/devices (attributes copied, driver and iommu_group links recreated with their
# real targets), collected with `collect --sysroot`, then collected again after appending
# " intel_iommu=on iommu=pt" to proc/cmdline only. The diff must show exactly the two added
# parameters in its facts and nothing else (the bundles' time and manifest differ by design and
# are not facts of the host); the reverse diff shows them removed; a bundle against itself
# shows no change.
set -euo pipefail
analyze="${VD_BIN_DIR:?run through ctest}/analyze"
collect="$VD_BIN_DIR/collect"
fail() { echo "diff_collect: $*" >&2; exit 1; }
[ -x "$collect" ] || fail "no collect binary at $collect"

work=$(mktemp -d /tmp/diff_collect.XXXXXX)
trap 'rm -rf "$work"' EXIT
r=$work/root
mkdir -p "$r/proc" "$r/sys/bus/pci/devices"
for f in cmdline cpuinfo iomem modules version; do
	if [ -r "/proc/$f" ]; then cat "/proc/$f" >"$r/proc/$f"; fi
done
[ -s "$r/proc/cmdline" ] || fail "this machine's /proc/cmdline is empty"
grep -qw 'intel_iommu=on' "$r/proc/cmdline" && fail "this machine already boots with intel_iommu=on"

n=0
for d in /sys/bus/pci/devices/*; do
	[ -e "$d/config" ] || continue
	[ "$n" -lt 4 ] || break
	n=$((n + 1))
	bdf=${d##*/}
	dst=$r/sys/bus/pci/devices/$bdf
	mkdir -p "$dst"
	for a in config vendor device subsystem_vendor subsystem_device class revision boot_vga \
		reset_method d3cold_allowed resource enable power_state current_link_speed \
		current_link_width max_link_speed max_link_width; do
		if [ -f "$d/$a" ] && [ -r "$d/$a" ]; then cat "$d/$a" >"$dst/$a" 2>/dev/null || rm -f "$dst/$a"; fi
	done
	if [ -L "$d/driver" ]; then ln -s "$(readlink "$d/driver")" "$dst/driver"; fi
	if [ -L "$d/iommu_group" ]; then
		g=$(basename "$(readlink "$d/iommu_group")")
		ln -s "$(readlink "$d/iommu_group")" "$dst/iommu_group"
		mkdir -p "$r/sys/kernel/iommu_groups/$g/devices"
		ln -s "../../../../devices/pci0000:00/$bdf" "$r/sys/kernel/iommu_groups/$g/devices/$bdf"
	fi
done
echo "diff_collect: sysroot with $n PCI devices of this machine"

run_collect() {
	local rc=0
	"$collect" -q --sysroot "$r" --deadline 20 -o "$1" || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "collect exited $rc"
	[ -s "$1" ] || fail "collect wrote no bundle $1"
}
run_collect "$work/a.tar.gz"
sleep 1 # a later bundle time: it must not show up as a change
sed -i '1s/$/ intel_iommu=on iommu=pt/' "$r/proc/cmdline"
run_collect "$work/b.tar.gz"
tar -xzOf "$work/b.tar.gz" --wildcards 'vfio-bundle-*/proc/cmdline' | grep -q ' intel_iommu=on iommu=pt$' ||
	fail "the second bundle lacks the changed command line"

"$analyze" diff "$work/a.tar.gz" "$work/b.tar.gz" --format json >"$work/d.json" || fail "diff --format json failed"
python3 - "$work/d.json" <<'PY' || fail "JSON diff is not exactly the two added parameters: $(cat "$work/d.json")"
import json, sys
d = json.load(open(sys.argv[1]))
facts = sorted((f["section"], f["key"], f["change"], f["old"], f["new"]) for f in d["facts"])
want = [("cmdline", "intel_iommu", "added", None, "on"), ("cmdline", "iommu", "added", None, "pt")]
assert facts == want, facts
# the sides held more than the command line: devices, drivers, kernel, CPU were compared
assert d["facts_a"] >= 4 and d["facts_b"] == d["facts_a"] + 2, (d["facts_a"], d["facts_b"])
PY

"$analyze" diff "$work/a.tar.gz" "$work/b.tar.gz" >"$work/d.txt" || fail "diff (text) failed"
sed -n '/^Facts:$/,/^$/p' "$work/d.txt" >"$work/facts.txt"
printf 'Facts:\n  kernel command line:\n    + intel_iommu=on\n    + iommu=pt\n\n' | cmp -s - "$work/facts.txt" ||
	fail "text facts section is not exactly the two parameters: $(cat "$work/facts.txt")"
grep -q '^Findings:$' "$work/d.txt" || fail "no findings section"

"$analyze" diff "$work/b.tar.gz" "$work/a.tar.gz" --format markdown >"$work/d.md" || fail "diff --format markdown failed"
grep -qx -- '- removed `intel_iommu=on`' "$work/d.md" || fail "reverse diff: intel_iommu=on not removed: $(cat "$work/d.md")"
grep -qx -- '- removed `iommu=pt`' "$work/d.md" || fail "reverse diff: iommu=pt not removed"
[ "$(grep -c '^- \(added\|removed\|changed\) ' "$work/d.md")" = 2 ] || fail "reverse diff: more than two fact changes"

"$analyze" diff "$work/a.tar.gz" "$work/a.tar.gz" >"$work/same.txt" || fail "diff of a bundle with itself failed"
grep -A1 '^Facts:$' "$work/same.txt" | grep -qx '  no change' || fail "a bundle against itself shows changes"
grep -A1 '^Findings:$' "$work/same.txt" | grep -qx '  no change' || fail "a bundle against itself shows finding changes"

# a third collect with one device's driver link changed: exactly that driver change
dev=$(for d in "$r"/sys/bus/pci/devices/*; do [ -L "$d/driver" ] && echo "$d" && break; done || true)
if [ -n "$dev" ]; then
	old=$(basename "$(readlink "$dev/driver")")
	rm "$dev/driver"
	ln -s ../../../bus/pci/drivers/vfio-pci "$dev/driver"
	run_collect "$work/c.tar.gz"
	"$analyze" diff "$work/b.tar.gz" "$work/c.tar.gz" >"$work/dc.txt" || fail "driver diff failed"
	sed -n '/^Facts:$/,/^$/p' "$work/dc.txt" >"$work/facts.txt"
	printf 'Facts:\n  drivers bound:\n    ~ %s: %s -> vfio-pci\n\n' "${dev##*/}" "$old" | cmp -s - "$work/facts.txt" ||
		fail "driver change not shown exactly: $(cat "$work/facts.txt")"
fi

# two pasted lspci -vv outputs whose only difference is the group lspci prints for the GTX 1050
# and its audio function (samples/healthy-pve-r720-bundle): the group change is shown
lspci_a=${VD_SOURCE_DIR:?}/samples/healthy-pve-r720-bundle/cmd/lspci-nnkvv
sed 's/IOMMU group: 69$/IOMMU group: 70/' "$lspci_a" >"$work/lspci-b.txt"
"$analyze" diff "$lspci_a" "$work/lspci-b.txt" >"$work/dg.txt" || fail "lspci group diff failed"
grep -qx '    - group 69: 0000:42:00.0, 0000:42:00.1' "$work/dg.txt" &&
	grep -qx '    ~ group 70: 0000:7f:08.0 -> 0000:42:00.0, 0000:42:00.1, 0000:7f:08.0' "$work/dg.txt" ||
	fail "IOMMU group change in lspci not shown: $(cat "$work/dg.txt")"

rc=0
"$analyze" diff "$work/a.tar.gz" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "one input: expected exit 2, got $rc"
rc=0
"$analyze" diff "$work/a.tar.gz" "$work/b.tar.gz" --format html >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--format html: expected exit 2, got $rc"
rc=0
"$analyze" diff "$work/a.tar.gz" "$work/missing.tar.gz" >/dev/null 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "missing B: expected exit 3, got $rc"
echo "diff_collect: exactly the two added parameters"
