#!/usr/bin/env bash
# ingest_cli.sh - the real `analyze` on inputs built from real files: --classify (text and
# JSON) of a bundle and of seed 001 as a paste, the same paste on standard input, a bundle on
# standard input, --db written and read back with sqlite3, `analyze query` as a table and as
# JSON, and a hostile tar (../, absolute path, symlink, hard link, FIFO, device) whose bad
# members are skipped with warnings while the rest is read.
set -euo pipefail
analyze=${VD_BIN_DIR:?}/analyze
shared=${VD_SHARED_DIR:?}
seed=$shared/seeds/001_08cfc1e37197bab7.txt
work=$(mktemp -d /tmp/ingest_cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

b=$work/vfio-bundle-h1-20261121T000000Z
mkdir -p "$b/cmd" "$b/proc" "$b/etc/pve/qemu-server"
cp "$shared/corpus/linuxhw/0002/dmesg.txt" "$b/cmd/dmesg"
cp "$shared/corpus/linuxhw/0002/lspci.txt" "$b/cmd/lspci-nnkvv"
cp /proc/cmdline "$b/proc/cmdline"
sed -n 39,63p "$seed" >"$b/etc/pve/qemu-server/103.conf"
tar -C "$work" -czf "$work/b.tar.gz" vfio-bundle-h1-20261121T000000Z

# --classify: one row per bundle file, kinds from the path table
"$analyze" --classify "$work/b.tar.gz" >"$work/classify.txt"
cat "$work/classify.txt"
grep -Eq '^cmd/dmesg +kernel_log +100% +1-' "$work/classify.txt" || fail "cmd/dmesg row"
grep -Eq '^etc/pve/qemu-server/103.conf +pve_conf +100%' "$work/classify.txt" || fail "103.conf row"
"$analyze" --classify --format json "$work/b.tar.gz" >"$work/classify.json"
python3 - "$work/classify.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
kinds = {i["path"]: i["kind"] for i in doc["inputs"]}
assert kinds["cmd/dmesg"] == "kernel_log", kinds
assert kinds["proc/cmdline"] == "cmdline", kinds
assert all(i["confidence"] == 100 for i in doc["inputs"]), doc
PY

# seed 001 as a paste, from a file and from standard input: the same classification
"$analyze" --classify "$seed" | sed "s|$seed|SEED|" >"$work/paste.txt"
"$analyze" --classify - <"$seed" | sed 's|^- |SEED |; s|^-  |SEED|' >"$work/paste-stdin.txt"
cat "$work/paste.txt"
grep -Eq 'kernel_log +90% +8-18 +command \(prompt part\): dmesg \| grep -i vfio' "$work/paste.txt" || fail "paste prompt part"
grep -Eq 'pve_conf +90% +39-63' "$work/paste.txt" || fail "paste config part"
[ "$(awk '{print $2, $3, $4}' "$work/paste.txt")" = "$(awk '{print $2, $3, $4}' "$work/paste-stdin.txt")" ] ||
	fail "standard input classified differently"

# a bundle on standard input
"$analyze" --classify - <"$work/b.tar.gz" | grep -Eq '^cmd/lspci-nnkvv +lspci +100%' || fail "bundle on stdin"

# --db: a file sqlite3 can read; written again over itself
"$analyze" --classify --db "$work/facts.db" "$work/b.tar.gz" "$seed" >/dev/null
"$analyze" --classify --db "$work/facts.db" "$work/b.tar.gz" "$seed" >/dev/null
n=$(sqlite3 "$work/facts.db" "SELECT count(*) FROM vm_hostdevs WHERE bdf = '0000:00:02.0' AND romfile = '12-n100-q10.rom'")
[ "$n" = 2 ] || fail "--db: $n hostpci0 rows, want 2 (bundle and paste)"
[ "$(sqlite3 "$work/facts.db" "SELECT value FROM meta WHERE key = 'format'")" = vfio-doctor-facts ] || fail "meta"

# query: table and JSON
"$analyze" query "$seed" --sql "SELECT lineno, bdf FROM lines WHERE text LIKE '%got 0xcffa'" >"$work/q.txt"
cat "$work/q.txt"
grep -Eq '^ +18 +0000:00:02.0' "$work/q.txt" || fail "query table"
grep -q '^(1 row)$' "$work/q.txt" || fail "query row count"
"$analyze" query "$seed" --format json --sql "SELECT vmid, name FROM vms" >"$work/q.json"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1])) == [{"vmid": "103", "name": "win11-iot"}]' "$work/q.json" ||
	fail "query json: $(cat "$work/q.json")"

# a hostile tar: bad members skipped with a warning each, the rest read
python3 - "$work/hostile.tar" "$shared/corpus/linuxhw/0002/dmesg.txt" <<'PY'
import io, sys, tarfile
data = open(sys.argv[2], "rb").read()
with tarfile.open(sys.argv[1], "w") as t:
    def add(name, **kw):
        ti = tarfile.TarInfo(name)
        for k, v in kw.items():
            setattr(ti, k, v)
        if ti.type == tarfile.REGTYPE:
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
        else:
            t.addfile(ti)
    add("vfio-bundle-x/cmd/dmesg")
    add("vfio-bundle-x/../../etc/cron.d/evil")
    add("/etc/passwd")
    add("vfio-bundle-x/cmd/uname-a", type=tarfile.SYMTYPE, linkname="/etc/shadow")
    add("vfio-bundle-x/cmd/lspci-tv", type=tarfile.LNKTYPE, linkname="vfio-bundle-x/cmd/dmesg")
    add("vfio-bundle-x/proc/fifo", type=tarfile.FIFOTYPE)
    add("vfio-bundle-x/dev/sda", type=tarfile.BLKTYPE, devmajor=8, devminor=0)
PY
"$analyze" --classify "$work/hostile.tar" >"$work/h.txt" 2>"$work/h.err"
cat "$work/h.txt" "$work/h.err"
[ "$(grep -c '^cmd/dmesg ' "$work/h.txt")" = 1 ] || fail "hostile: cmd/dmesg not read"
[ "$(wc -l <"$work/h.txt")" = 2 ] || fail "hostile: only cmd/dmesg may be read"
for w in "'..' in path, skipping" "absolute path, skipping" "'cmd/uname-a': symbolic link, skipping" \
	"'cmd/lspci-tv': hard link, skipping" "FIFO, skipping" "block device, skipping"; do
	grep -qF "$work/hostile.tar: '" "$work/h.err" || fail "hostile: warnings must name the archive"
	grep -qF "$w" "$work/h.err" || fail "hostile: no warning '$w'"
done
# a loose option ROM whose header is the problem: seabios' real vgabios-bochs-display with the
# 0xcffa an Intel iGPU reads back (seed 001) in place of 55 aa is a ROM by its name, and the
# fact store keeps the signature it read; an ELF named .bin is not a ROM
src_rom=${VD_SOURCE_DIR:?}/tests/golden/rom/seabios_vgabios_bochs_display.in
{ printf '\xfa\xcf'; tail -c +3 "$src_rom"; } >"$work/igpu.rom"
"$analyze" --classify "$work/igpu.rom" | grep -Eq "igpu.rom +rom +50% +- +name" || fail "a .rom with a bad header is not read as a ROM"
sig=$("$analyze" query "$work/igpu.rom" --format json --sql "SELECT signature, sig_ok FROM roms" 2>/dev/null)
echo "$sig" | grep -q '53242' || fail "the ROM's signature 0xcffa is not in the store: $sig"
echo "ingest CLI ok"
