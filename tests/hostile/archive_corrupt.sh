#!/usr/bin/env bash
# archive_corrupt.sh - truncated and corrupt archives of every supported format (.tar.gz .tar.zst
# .tar.xz .tar .zip), an archive of 100,001 members in tar.gz and zip, and an empty archive.
# Damage is one error, exit 3 (docs/exit-codes.md: corrupt or truncated); too many members is
# exit 4 (MAX_ENTRIES); never a crash, a hang or a partial report on stdout.
# shellcheck source=hostile.inc
. "$(dirname "$0")/hostile.inc"

top=vfio-bundle-h1-20261121T000000Z
real_bundle "$work/b/$top"
# enough real text that every format has a middle to damage: the lspci of four machines
for m in 0002 0003 0004 0005; do
	cp "$shared/corpus/linuxhw/$m/dmesg.txt" "$work/b/$top/cmd/dmesg-$m"
done
in=$work/in
tar -C "$work/b" -cf "$in/good.tar" "$top"
gzip -c "$in/good.tar" >"$in/good.tar.gz"
zstd -q --check -c "$in/good.tar" >"$in/good.tar.zst"
xz -c "$in/good.tar" >"$in/good.tar.xz"
(cd "$work/b" && zip -qr "$in/good.zip" "$top")

# cut: keep 60% of the bytes; flip: overwrite 64 bytes at 50% with 0x5a
python3 - "$in" <<'EOF'
import os, sys
d = sys.argv[1]
for ext in ('tar.gz', 'tar.zst', 'tar.xz', 'tar', 'zip'):
    data = open(os.path.join(d, 'good.' + ext), 'rb').read()
    open(os.path.join(d, 'cut.' + ext), 'wb').write(data[:len(data) * 6 // 10])
    mid = len(data) // 2
    open(os.path.join(d, 'flip.' + ext), 'wb').write(data[:mid] + b'\x5a' * 64 + data[mid + 64:])
EOF
# a plain tar whose second header block has a wrong checksum (the first member's header is at
# 0; find the second one by its name)
python3 - "$in" "$top/cmd/" <<'EOF'
import sys
d, prefix = sys.argv[1], sys.argv[2].encode()
data = bytearray(open(d + '/good.tar', 'rb').read())
hits = [i for i in range(0, len(data), 512) if data[i:i + len(prefix)] == prefix]
h = hits[1]
data[h + 148:h + 156] = b'0000000\0'
open(d + '/badsum.tar', 'wb').write(bytes(data))
EOF

# the undamaged archives are analyzed, all five dmesg files of each
for ext in tar.gz tar.zst tar.xz tar zip; do
	expect_clean "good_$ext" "$in/good.$ext"
	[ "$(grep -c 'cmd/dmesg' "$work/res/good_$ext.out")" -ge 5 ] || fail "good.$ext: the five dmesg files were not all read"
done

for ext in tar.gz tar.zst tar.xz tar zip; do
	expect_error "cut_$ext" 3 "'$in/cut.$ext': (corrupt|truncated)" "$in/cut.$ext"
	[ ! -s "$work/res/cut_$ext.out" ] || fail "cut.$ext: a partial report was written"
done
# damaged compressed data fails its checksum; a plain tar has none over member data, so there
# the damage (64 bytes inside cmd/dmesg-0003) is only text to analyze
for ext in tar.gz tar.zst tar.xz zip; do
	expect_error "flip_$ext" 3 "'$in/flip.$ext': (corrupt|truncated)" "$in/flip.$ext"
done
expect_clean flip_tar "$in/flip.tar"
expect_error badsum_tar 3 "'$in/badsum.tar': (corrupt|damaged)" "$in/badsum.tar"

# 100,001 members: tar.gz and zip (names only, no data)
python3 - "$in" "$top" <<'EOF'
import io, sys, tarfile, zipfile
d, top = sys.argv[1:3]
with tarfile.open(d + '/many.tar.gz', 'w:gz', compresslevel=1) as t:
    for i in range(100001):
        t.addfile(tarfile.TarInfo('%s/cmd/f%06d' % (top, i)))
with zipfile.ZipFile(d + '/many.zip', 'w', zipfile.ZIP_STORED) as z:
    for i in range(100001):
        z.writestr('%s/cmd/f%06d' % (top, i), b'')
EOF
expect_error many_tar 4 "'$in/many.tar.gz': more than 20000 entries" "$in/many.tar.gz"
expect_error many_zip 4 "'$in/many.zip': more than 20000 entries" "$in/many.zip"
finish
