#!/usr/bin/env bash
# collect_sysroot.sh - the real collect against four synthetic hosts built from real data
# (collect_sysroot.inc): a Proxmox host passing a GPU through to a running VM, a libvirt host,
# a host without IOMMU, a host without lspci (and without dmesg: the kernel log then comes from
# a kmsg file holding this machine's own /dev/kmsg records).
set -euo pipefail
. "$(dirname "$0")/collect_sysroot.inc"

work=$(mktemp -d /tmp/collect_sysroot.XXXXXX)
trap 'rm -rf "$work"' EXIT

# --- 1. Proxmox, GPU 0000:00:02.0 bound to vfio-pci, group 14 held by a running kvm -------
r=$work/pve
make_base "$r" 0002
add_pci_device "$r" 0000:00:02.0 vfio-pci 14
echo node-home >"$r/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 node-home.lan node-home\n' >"$r/etc/hosts"
mkdir -p "$r/etc/pve/qemu-server" "$r/etc/pve/nodes/node-home" "$r/usr/share/kvm" "$r/dev/vfio"
seed001_vm_config >"$r/etc/pve/qemu-server/103.conf"
grep >/dev/null '^hostpci0: 0000:00:02.0,romfile=12-n100-q10.rom' "$r/etc/pve/qemu-server/103.conf" ||
	fail "seed 001 VM config not found"
head -c 65536 "$r/sys/bus/pci/devices/0000:00:02.0/config" >"$r/usr/share/kvm/12-n100-q10.rom"
: >"$r/dev/vfio/14"
: >"$r/dev/vfio/vfio"
mkdir -p "$r/proc/4242/fd"
ln -s /dev/vfio/14 "$r/proc/4242/fd/23"
ln -s /dev/vfio/vfio "$r/proc/4242/fd/22"
echo kvm >"$r/proc/4242/comm"
task=$r/var/log/pve/tasks/A/UPID:node-home:00004A2C:0001D2B1:676D5B2A:qmstart:103:root@pam:
mkdir -p "${task%/*}"
sed -n '/^Dec 26 09:20:11 server pvedaemon/p' "$shared/seeds/"*.txt | sed -n 1p >"$task"
# seed 004's pvedaemon lines as journalctl prints them: host column "server", a generic word
sed -n '/^Dec 26 09:20:11 server pvedaemon/p' "$shared/seeds/"*.txt >"$r/cmd-fixtures/journalctl-k-b0"
[ "$(wc -l <"$r/cmd-fixtures/journalctl-k-b0")" = 2 ] || fail "seed 004 pvedaemon lines not found"

out=$work/pve.tar.gz
rc=$(run_collect "$out" --sysroot "$r" --deadline 20)
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "proxmox: exit $rc"
[ -s "$out" ] || fail "proxmox: no bundle"
check_manifest "$out"
for p in cmd/dmesg cmd/lspci-nnkvv cmd/uname-a cmd/vfio-holders proc/cmdline proc/cpuinfo \
	sys/bus/pci/devices/0000:00:02.0/config sys/bus/pci/devices/0000:00:02.0/class \
	sys/bus/pci/devices/0000:00:02.0/resource0_resize sys/bus/pci/devices/0000:00:02.0/driver \
	sys/bus/pci/devices/0000:00:02.0/iommu_group sys/kernel/iommu_groups/14/devices \
	etc/pve/qemu-server/103.conf etc/modprobe.d/vfio.conf etc/modules \
	roms/romfile/12-n100-q10.rom; do
	bundle_has "$out" "$p" || fail "proxmox: $p missing from the bundle"
done
bundle_has "$out" sys/bus/pci/devices/0000:00:02.0/uevent && fail "proxmox: uevent is not in the layout"
[ "$(bundle_file "$out" sys/bus/pci/devices/0000:00:02.0/driver)" = "../../../bus/pci/drivers/vfio-pci" ] ||
	fail "proxmox: driver link target wrong"
[ "$(bundle_file "$out" sys/bus/pci/devices/0000:00:02.0/iommu_group)" = "../../../kernel/iommu_groups/14" ] ||
	fail "proxmox: iommu_group link target wrong"
[ "$(bundle_file "$out" sys/kernel/iommu_groups/14/devices)" = "0000:00:02.0" ] || fail "proxmox: group 14 members"
cmp <(bundle_file "$out" sys/bus/pci/devices/0000:00:02.0/config) "$r/sys/bus/pci/devices/0000:00:02.0/config" ||
	fail "proxmox: config bytes differ"
bundle_file "$out" cmd/vfio-holders | grep -x >/dev/null '/dev/vfio/14 pid=4242 comm=kvm' || fail "proxmox: holder of group 14"
manifest_item "$out" /sys/bus/pci/devices/0000:00:02.0/rom | jq -e '.status == "skipped" and (.reason | test("held by pid 4242"))' >/dev/null ||
	fail "proxmox: the ROM of a device a running VM holds must be skipped"
[ "$(cat "$r/sys/bus/pci/devices/0000:00:02.0/rom_enable")" = 0 ] || fail "proxmox: rom toggled although held"
cmp <(bundle_file "$out" etc/pve/qemu-server/103.conf | grep hostpci0) <(grep hostpci0 "$r/etc/pve/qemu-server/103.conf") ||
	fail "proxmox: hostpci0 line changed by redaction"
# the host name is gone everywhere, the task log path included; the top directory says host0
tar -tzf "$out" | grep >/dev/null '^vfio-bundle-host0-[0-9]\{8\}T[0-9]\{6\}Z/manifest.json$' || fail "proxmox: top directory name"
tar -tzf "$out" | grep >/dev/null 'UPID:host0:00004A2C' || fail "proxmox: task log path not redacted"
tar -xzOf "$out" | grep -a >/dev/null node-home && fail "proxmox: host name 'node-home' left in the bundle"
bundle_file "$out" manifest.json | jq -e '.redaction.enabled and .redaction.counts.hostname > 0 and .root == true' >/dev/null ||
	fail "proxmox: manifest redaction summary"
# host names by position: uname -a's nodename (this machine's, whatever its length), the
# journal's host column and the UPID's node ("server", which free text keeps)
node=$(awk '{ print $2; exit }' "$r/cmd-fixtures/uname-a")
[ "$(bundle_file "$out" cmd/uname-a | awk '{ print $2; exit }')" != "$node" ] || fail "proxmox: uname -a nodename '$node' left"
bundle_file "$out" cmd/uname-a | grep >/dev/null '^Linux host[0-9]* ' || fail "proxmox: uname -a nodename not a host token"
[ "$(bundle_file "$out" cmd/journalctl-k-b0 | grep -c '^Dec 26 09:20:11 host[0-9]* pvedaemon\[1324\]: ')" = 2 ] ||
	fail "proxmox: journal host column not replaced"
bundle_file "$out" cmd/journalctl-k-b0 | grep >/dev/null 'UPID:host[0-9]*:00004A2C:' || fail "proxmox: journal UPID node not replaced"
bundle_file "$out" cmd/journalctl-k-b0 | grep -w >/dev/null server && fail "proxmox: 'server' left in the journal"
want=$(bundle_file "$out" manifest.json | jq -r '.redaction.counts.hostname')
grep -q "replaced by tokens: $want host name" <("$collect" -o "$work/pve-summary.tar.gz" --sysroot "$r" --deadline 20 2>&1 || true) ||
	fail "proxmox: end summary does not say the manifest's $want host names"
# the kernel log fixture went through unchanged apart from redaction (linuxhw is anonymised)
[ "$(bundle_file "$out" cmd/dmesg | grep -c 'vfio')" = "$(grep -c vfio "$r/cmd-fixtures/dmesg")" ] ||
	fail "proxmox: vfio lines lost from dmesg"
# --redact-map keeps the map on this machine; --no-redact keeps the names
rc=$(run_collect "$work/pve-map.tar.gz" --sysroot "$r" --redact-map "$work/map.tsv")
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "proxmox --redact-map: exit $rc"
printf 'hostname\thost0\tnode-home\n' | cmp -s - <(grep -P '^hostname\thost0\t' "$work/map.tsv") ||
	fail "proxmox: the redact map lacks host0 -> node-home"
[ "$(stat -c %a "$work/map.tsv")" = 600 ] || fail "proxmox: the redact map is not mode 600"
tar -xzOf "$work/pve-map.tar.gz" | grep -a >/dev/null node-home && fail "proxmox: --redact-map leaked a name into the bundle"
rc=$(run_collect "$work/pve-clear.tar.gz" --sysroot "$r" --no-redact)
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "proxmox --no-redact: exit $rc"
tar -tzf "$work/pve-clear.tar.gz" | grep >/dev/null '^vfio-bundle-node-home-' || fail "proxmox --no-redact: top directory should name the host"
bundle_file "$work/pve-clear.tar.gz" manifest.json | jq -e '.redaction.enabled == false' >/dev/null ||
	fail "proxmox --no-redact: manifest says redacted"
echo "proxmox host: ok ($(stat -c %s "$out") bytes)"

# --- 2. libvirt, GPU 0000:03:00.0 on vfio-pci, group 20 not held: its ROM is dumped --------
r=$work/libvirt
make_base "$r" 0007
add_pci_device "$r" 0000:03:00.0 vfio-pci 20
mkdir -p "$r/etc/libvirt/qemu" "$r/var/log/libvirt/qemu" "$r/dev/vfio"
: >"$r/dev/vfio/20"
# the message catalog's <hostdev> shape with seed 003's <rom file=...>
cat >"$r/etc/libvirt/qemu/win11.xml" <<'EOF'
<domain type='kvm'>
  <name>win11</name>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source><rom bar='on' file='/usr/share/vgabios/gpu.rom'/></hostdev>
  </devices>
</domain>
EOF
mkdir -p "$r/usr/share/vgabios"
head -c 1024 "$r/sys/bus/pci/devices/0000:03:00.0/config" >"$r/usr/share/vgabios/gpu.rom"
grep -h "QEMU unexpectedly closed the monitor (vm='win11')" "$shared/seeds/"*.txt >"$r/var/log/libvirt/qemu/win11.log"
# the start line of a libvirt log (the KubeVirt log of the golden tests) names the host
sed -n 1p "$src/tests/golden/libvirt_log/kubevirt_start_and_vfio.in" >"$r/var/log/libvirt/qemu/win11.log"
grep -h "QEMU unexpectedly closed the monitor (vm='win11')" "$shared/seeds/"*.txt >>"$r/var/log/libvirt/qemu/win11.log"
grep >/dev/null "QEMU unexpectedly" "$r/var/log/libvirt/qemu/win11.log" || fail "seed 003 libvirt line not found"
out=$work/libvirt.tar.gz
rc=$(run_collect "$out" --sysroot "$r" --deadline 20)
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "libvirt: exit $rc"
check_manifest "$out"
for p in etc/libvirt/qemu/win11.xml var/log/libvirt/qemu/win11.log roms/0000:03:00.0.rom roms/romfile/gpu.rom; do
	bundle_has "$out" "$p" || fail "libvirt: $p missing from the bundle"
done
cmp <(bundle_file "$out" roms/0000:03:00.0.rom) "$r/sys/bus/pci/devices/0000:03:00.0/rom" || fail "libvirt: ROM bytes differ"
[ "$(cat "$r/sys/bus/pci/devices/0000:03:00.0/rom_enable")" = 0 ] || fail "libvirt: rom_enable not restored"
bundle_file "$out" cmd/vfio-holders | grep -x >/dev/null '/dev/vfio/20 free' || fail "libvirt: group 20 should be free"
bundle_file "$out" var/log/libvirt/qemu/win11.log | grep >/dev/null ', hostname: host[0-9]*$' || fail "libvirt: log hostname not replaced"
bundle_file "$out" var/log/libvirt/qemu/win11.log | grep >/dev/null "(vm='win11')" || fail "libvirt: seed 003 line changed"
echo "libvirt host: ok"

# --- 3. no IOMMU: linuxhw 0004 (GART, no IVRS), no groups, no /dev/vfio --------------------
r=$work/noiommu
make_base "$r" 0004
add_pci_device "$r" 0000:01:05.0 radeon ""
out=$work/noiommu.tar.gz
rc=$(run_collect "$out" --sysroot "$r" --no-roms)
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "no-iommu: exit $rc"
check_manifest "$out"
tar -tzf "$out" | grep >/dev/null 'sys/kernel/iommu_groups' && fail "no-iommu: iommu groups out of nowhere"
bundle_has "$out" sys/bus/pci/devices/0000:01:05.0/iommu_group && fail "no-iommu: iommu_group without a link"
bundle_file "$out" cmd/vfio-holders | grep >/dev/null 'does not exist' || fail "no-iommu: vfio-holders should say /dev/vfio is absent"
tar -tzf "$out" | grep >/dev/null '/roms/' && fail "no-iommu: --no-roms dumped a ROM"
bundle_file "$out" cmd/dmesg | grep >/dev/null 'PCI-DMA: using GART IOMMU' || fail "no-iommu: dmesg fixture"
echo "no-IOMMU host: ok"

# --- 4. no lspci, no dmesg: sysfs still there, kernel log from a kmsg file ----------------
r=$work/nolspci
make_base "$r" 0001
rm -f "$r/cmd-fixtures/lspci-nnkvv" "$r/cmd-fixtures/dmesg"
add_pci_device "$r" 0000:00:02.0 i915 1
mkdir -p "$r/dev"
timeout 2 cat /dev/kmsg >"$r/dev/kmsg" 2>/dev/null || true
if [ ! -s "$r/dev/kmsg" ]; then
	# no access to /dev/kmsg here: kmsg(4)'s own example record
	printf '6,339,5140900,-;NET: Registered protocol family 10\n SUBSYSTEM=net\n' >"$r/dev/kmsg"
fi
out=$work/nolspci.tar.gz
rc=$(run_collect "$out" --sysroot "$r")
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "no-lspci: exit $rc"
check_manifest "$out"
manifest_item "$out" "lspci -nnkvv" | jq -e '.status == "missing" and (.reason | test("not found"))' >/dev/null ||
	fail "no-lspci: lspci should be missing, command not found"
bundle_has "$out" sys/bus/pci/devices/0000:00:02.0/config || fail "no-lspci: sysfs config missing"
manifest_item "$out" /dev/kmsg | jq -e '.status == "ok" and .path == "cmd/dmesg"' >/dev/null ||
	fail "no-lspci: dmesg should come from /dev/kmsg"
bundle_file "$out" cmd/dmesg | sed -n 1p | grep >/dev/null '^\[ *[0-9]*\.[0-9]\{6\}\] ' || fail "no-lspci: kmsg not in dmesg format"
# the end summary names what is not installed and what that costs; Debian's
# /etc/modules-load.d/modules.conf -> ../modules is skipped (manifest) but not reported, since
# /etc/modules is an item of its own
mkdir -p "$r/etc/modules-load.d"
ln -s ../modules "$r/etc/modules-load.d/modules.conf"
sum=$("$collect" -o "$work/nolspci2.tar.gz" --sysroot "$r" --no-roms) || true
echo "$sum" | grep -F >/dev/null '  lspci not installed: no lspci -nnkvv, lspci -tv; the sysfs copy' ||
	fail "no-lspci: the summary should name lspci: $sum"
echo "$sum" | grep -F 'modules.conf' && fail "no-lspci: the summary reports the modules.conf symlink"
manifest_item "$work/nolspci2.tar.gz" /etc/modules-load.d/modules.conf | jq -e '.status == "skipped" and (.reason | test("symbolic link to .../modules."))' >/dev/null ||
	fail "no-lspci: modules.conf should stay in the manifest as a skipped symlink"
bundle_has "$work/nolspci2.tar.gz" etc/modules || fail "no-lspci: etc/modules missing"
echo "no-lspci host: ok"

# --- 5. hostile files: a symlink out of the plan, an oversized /proc file, a directory ------
r=$work/hostile
make_base "$r" 0005
ln -s /etc/passwd "$r/etc/modprobe.d/zz-evil.conf"
mkdir "$r/etc/modprobe.d/dir.conf"
# this machine's cpuinfo, doubled until it is past the 4 MiB cap
cp /proc/cpuinfo "$r/proc/cpuinfo"
while [ "$(stat -c %s "$r/proc/cpuinfo")" -lt 5000000 ]; do
	cat "$r/proc/cpuinfo" "$r/proc/cpuinfo" >"$r/proc/cpuinfo.2"
	mv "$r/proc/cpuinfo.2" "$r/proc/cpuinfo"
done
out=$work/hostile.tar.gz
rc=$(run_collect "$out" --sysroot "$r")
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "hostile: exit $rc"
check_manifest "$out"
manifest_item "$out" /etc/modprobe.d/zz-evil.conf | jq -e '.status == "skipped" and .path == null and (.reason | test("/etc/passwd"))' >/dev/null ||
	fail "hostile: a symlink out of the plan must be skipped, not followed"
bundle_has "$out" etc/modprobe.d/zz-evil.conf && fail "hostile: the symlink target got into the bundle"
manifest_item "$out" /etc/modprobe.d/dir.conf | jq -e '.path == null' >/dev/null || fail "hostile: a directory read as a file"
manifest_item "$out" /proc/cpuinfo | jq -e '.status == "truncated" and .bytes == 4194304' >/dev/null ||
	fail "hostile: cpuinfo should be capped at 4 MiB"
echo "hostile files: ok"
