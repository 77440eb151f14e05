#!/usr/bin/env bash
# collect_live.sh - collect on this machine itself, as root and as an unprivileged user
# (nobody, through setpriv or su). Both runs must produce a bundle with a valid manifest,
# within the default deadline; the unprivileged one says what it could not read. If the
# analyzer is built, both bundles are also read back by `analyze`.
set -euo pipefail
. "$(dirname "$0")/collect_sysroot.inc"

work=$(mktemp -d /tmp/collect_live.XXXXXX)
chmod 0777 "$work"
trap 'rm -rf "$work"' EXIT

check_bundle() {
	local out=$1 who=$2 said=$3
	[ -s "$out" ] || fail "$who: no bundle"
	check_manifest "$out"
	for p in cmd/uname-a cmd/vfio-holders proc/cmdline proc/cpuinfo proc/version; do
		bundle_has "$out" "$p" || fail "$who: $p missing"
	done
	local n
	n=$(ls /sys/bus/pci/devices 2>/dev/null | wc -l)
	if [ "$n" -gt 0 ]; then
		local got
		got=$(tar -tzf "$out" | grep -c '/sys/bus/pci/devices/[^/]*/config$' || true)
		[ "$got" = "$n" ] || fail "$who: $got config files for $n PCI devices"
	fi
	# no hostname left (when it is long enough to be redacted at all)
	local h
	h=$(hostname 2>/dev/null || cat /etc/hostname)
	# uname -a's nodename goes by position, whatever its length ("vm" here)
	local u
	u=$(bundle_file "$out" cmd/uname-a)
	[ "$(awk '{ print $2; exit }' <<<"$u")" != "$(uname -n)" ] || fail "$who: uname -a nodename '$(uname -n)' left: $u"
	grep -F -- " ${h%%.*} " <<<"$u" >/dev/null && fail "$who: host name '$h' left in cmd/uname-a: $u"
	grep >/dev/null '^Linux host[0-9]* ' <<<"$u" || fail "$who: cmd/uname-a nodename is not a host token: $u"
	bundle_file "$out" manifest.json | jq -e '.redaction.counts.hostname > 0' >/dev/null ||
		fail "$who: manifest counts no host name replaced"
	local want
	want=$(bundle_file "$out" manifest.json | jq -r '.redaction.counts.hostname')
	grep >/dev/null "replaced by tokens: $want host name" "$said" ||
		fail "$who: end summary does not say the manifest's $want host names"
	if [ "${#h}" -ge 3 ] && ! grep -qix "$h" <<<"localhost pve proxmox debian ubuntu unraid tower server host node"; then
		tar -xzOf "$out" | grep -aiw -- "$h" >/dev/null && fail "$who: host name '$h' left in the bundle"
	fi
	# no MAC of this machine's interfaces left
	for a in /sys/class/net/*/address; do
		local mac
		mac=$(cat "$a")
		case $mac in 00:00:00:00:00:00 | "") continue ;; esac
		tar -xzOf "$out" | grep -aiF -- "$mac" >/dev/null && fail "$who: MAC $mac left in the bundle"
	done
	return 0
}

# as root
[ "$(id -u)" = 0 ] || { echo "not root: the root half of this test cannot run"; exit 77; }
start=$(date +%s%N)
rc=0
(cd "$work" && "$collect" >"$work/root.txt") || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
cat "$work/root.txt"
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "root run: exit $rc"
root_out=$(ls "$work"/vfio-bundle-*.tar.gz)
check_bundle "$root_out" root "$work/root.txt"
bundle_file "$root_out" manifest.json | jq -e '.root == true' >/dev/null || fail "root run: manifest says not root"
echo "root run: exit $rc in $ms ms, $(stat -c %s "$root_out") bytes"

# as nobody, with the binary copied where nobody can run it
cp "$collect" "$work/collect"
chmod 0755 "$work/collect"
user_out=$work/user/bundle.tar.gz
mkdir -p "$work/user"
chmod 0777 "$work/user"
rc=0
if command -v setpriv >/dev/null; then
	(cd "$work/user" && setpriv --reuid=65534 --regid=65534 --clear-groups "$work/collect" -o "$user_out" >"$work/user.txt") || rc=$?
else
	su nobody -s /bin/sh -c "cd '$work/user' && '$work/collect' -o '$user_out'" >"$work/user.txt" || rc=$?
fi
cat "$work/user.txt"
[ "$rc" = 0 ] || [ "$rc" = 10 ] || fail "unprivileged run: exit $rc"
check_bundle "$user_out" nobody "$work/user.txt"
bundle_file "$user_out" manifest.json | jq -e '.root == false' >/dev/null || fail "unprivileged run: manifest says root"
grep 'not run as root' "$work/user.txt" >/dev/null || fail "unprivileged run: no hint to run as root"
[ "$(stat -c %u "$user_out")" = 65534 ] || fail "unprivileged run: bundle not owned by nobody"
echo "unprivileged run: exit $rc, $(stat -c %s "$user_out") bytes"

# read back by the analyzer, when it has been built
analyze=${VD_BIN_DIR}/analyze
if [ -x "$analyze" ]; then
	for b in "$root_out" "$user_out"; do
		rc=0
		"$analyze" "$b" >"$work/analyze.txt" 2>&1 || rc=$?
		case $rc in
		0) ;;
		*) cat "$work/analyze.txt"; fail "analyze $b: exit $rc" ;;
		esac
		echo "analyze read ${b##*/}: $(wc -l <"$work/analyze.txt") lines of report"
	done
else
	echo "note: $analyze not built; bundles not read back by the analyzer"
fi
echo ok
