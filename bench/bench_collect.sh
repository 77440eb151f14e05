#!/usr/bin/env bash
# bench_collect.sh - collect's wall time, peak RSS and bundle size on this machine, beside
# `sos report -o kernel,pci,processor,libvirt` when sosreport can be had. Prints figures; asserts
# nothing (DESIGN.md targets: about a second, bundle a few hundred KiB, >= 50x faster and a tenth
# of the size of sos report).
#
# usage: bench/bench_collect.sh [path/to/collect] [runs]
# Installs GNU time (apt-get install -y time) and tries sosreport (apt-get install -y sosreport)
# when missing and run as root; set BENCH_NO_INSTALL=1 to forbid that.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
collect=${1:-${VD_BIN_DIR:-$here/build/bin}/collect}
runs=${2:-5}
[ -x "$collect" ] || { echo "bench_collect: no collect at '$collect' (build it first)" >&2; exit 1; }

can_install() {
	[ "${BENCH_NO_INSTALL:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null
}

if [ ! -x /usr/bin/time ] && can_install; then
	apt-get install -y time >/dev/null 2>&1 || true
fi

work=$(mktemp -d /tmp/bench_collect.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "collect: $collect ($(stat -c %s "$collect") bytes; $(file -b "$collect" | cut -d, -f1-4))"
echo "host: $(uname -r), $(ls /sys/bus/pci/devices 2>/dev/null | wc -l) PCI devices, $(nproc) CPUs, uid $(id -u)"

best=
for i in $(seq 1 "$runs"); do
	out=$work/b$i.tar.gz
	s=$(date +%s%N)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v -o "$work/time$i" "$collect" -q -o "$out"
	else
		"$collect" -q -o "$out"
	fi
	ms=$((($(date +%s%N) - s) / 1000000))
	rss=$( [ -f "$work/time$i" ] && awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$work/time$i")
	printf 'run %d: %5d ms wall, peak RSS %s KiB, bundle %d bytes\n' "$i" "$ms" "${rss:-?}" "$(stat -c %s "$out")"
	if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
	size=$(stat -c %s "$out")
done
echo "collect: best of $runs: $best ms; bundle $((size / 1024)) KiB ($(tar -tzf "$work/b1.tar.gz" | wc -l) entries)"
[ -x /usr/bin/time ] || echo "note: GNU time not available, peak RSS not measured"

# sos report, when it exists or can be installed quickly
if ! command -v sos >/dev/null && can_install; then
	timeout 300 apt-get install -y sosreport >/dev/null 2>&1 || true
fi
if command -v sos >/dev/null; then
	mkdir -p /tmp/sos
	s=$(date +%s%N)
	timeout 600 sos report --batch -o kernel,pci,processor,libvirt --tmp-dir /tmp/sos >"$work/sos.log" 2>&1
	sos_ms=$((($(date +%s%N) - s) / 1000000))
	sos_file=$(ls -t /tmp/sos/sosreport-*.tar.* 2>/dev/null | grep -v -e sha256 -e md5 | head -1)
	if [ -n "$sos_file" ]; then
		sos_size=$(stat -c %s "$sos_file")
		echo "sos report -o kernel,pci,processor,libvirt: $sos_ms ms, $((sos_size / 1024)) KiB"
		echo "ratio: collect is $((sos_ms / (best > 0 ? best : 1)))x faster, bundle $((size * 100 / sos_size))% of sos's size"
		rm -f /tmp/sos/sosreport-*
	else
		echo "sos report ran ($sos_ms ms) but wrote no archive; see its log:"
		tail -5 "$work/sos.log"
	fi
else
	echo "sos report: not available here (sosreport not installed and not installable); DESIGN.md's figure on this kind of machine: 56 s, 945 KiB"
fi
