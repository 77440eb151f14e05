#!/usr/bin/env bash
# collect_fuse_hang.sh - a wedged pmxcfs costs the items under /etc/pve, not the run. The
# sysroot's /etc/pve is a real FUSE mount whose daemon never answers (fuse_hang): opendir,
# lookup and open on it sleep in the kernel, as on a Proxmox node whose cluster filesystem is
# stuck. collect lists /etc/pve/nodes (host names to redact) and /etc/pve/qemu-server (VM
# configs) before any item runs; both listings must end as "timeout" in the manifest and the
# bundle must appear within the deadline. Skipped (77) when FUSE cannot be mounted here.
set -euo pipefail
. "$(dirname "$0")/collect_sysroot.inc"

hang=$VD_BIN_DIR/fuse_hang
[ -x "$hang" ] || fail "no fuse_hang helper at $hang"
[ "$(id -u)" = 0 ] && [ -c /dev/fuse ] || {
	echo "skip: needs root and /dev/fuse"
	exit 77
}

work=$(mktemp -d /tmp/collect_fuse.XXXXXX)
hpid=
cleanup() {
	# detach first, then end the daemon: every waiter gets ENOTCONN and exits
	[ -n "$hpid" ] && { umount -l "$work/root/etc/pve" 2>/dev/null || true; kill "$hpid" 2>/dev/null || true; wait "$hpid" 2>/dev/null || true; }
	rm -rf "$work"
}
trap cleanup EXIT

r=$work/root
make_base "$r" 0002
add_pci_device "$r" 0000:00:02.0 vfio-pci 14
mkdir -p "$r/etc/pve"
: >"$work/hang.out"
"$hang" "$r/etc/pve" >"$work/hang.out" 2>&1 &
hpid=$!
for _ in $(seq 1 100); do
	grep -q mounted "$work/hang.out" && break
	kill -0 "$hpid" 2>/dev/null || break
	sleep 0.05
done
if ! grep -q mounted "$work/hang.out"; then
	echo "skip: cannot mount FUSE here: $(cat "$work/hang.out")"
	hpid=
	exit 77
fi
# the mount really blocks: a listing of it does not come back
if timeout -s KILL 1 ls "$r/etc/pve/" >/dev/null 2>&1; then
	fail "the FUSE mount answered; it is no stand-in for a wedged pmxcfs"
fi

deadline=20
out=$work/b.tar.gz
start=$(date +%s%N)
rc=0
# a collect that hangs is killed well after its own deadline, so the test ends either way
timeout -s KILL $((deadline + 20)) "$collect" -q -o "$out" --sysroot "$r" --deadline "$deadline" --no-roms || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "collect with a wedged /etc/pve: exit $rc in $ms ms"
[ "$rc" != 137 ] || fail "collect hung on /etc/pve and was killed after $ms ms"
[ "$rc" = 10 ] || fail "expected exit 10 (bundle written, items failed), got $rc"
[ "$ms" -lt $((deadline * 1000)) ] || fail "took $ms ms, past the $deadline s deadline"
[ -s "$out" ] || fail "no bundle"
check_manifest "$out"
manifest_item "$out" /etc/pve/nodes | jq -e '.status == "timeout" and (.reason | test("blocked"))' >/dev/null ||
	fail "the /etc/pve/nodes listing should be a timeout: $(manifest_item "$out" /etc/pve/nodes)"
manifest_item "$out" /etc/pve/qemu-server | jq -e '.status == "timeout"' >/dev/null ||
	fail "the /etc/pve/qemu-server listing should be a timeout: $(manifest_item "$out" /etc/pve/qemu-server)"
manifest_item "$out" /etc/pve/virtual-guest/cpu-models.conf | jq -e '.status == "timeout"' >/dev/null ||
	fail "cpu-models.conf under the wedged mount should be a timeout"
# the rest of the bundle is there
bundle_has "$out" proc/cmdline || fail "proc/cmdline missing"
bundle_has "$out" sys/bus/pci/devices/0000:00:02.0/config || fail "the device's config missing"
echo ok
