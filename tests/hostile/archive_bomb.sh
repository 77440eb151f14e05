#!/usr/bin/env bash
# archive_bomb.sh - zero bombs that inflate to several GiB (4 to 234 GiB) from files of a few MiB,
# in each compression the reader accepts: each must be refused with one error (exit 4,
# docs/limits.md: MAX_COMPRESS_RATIO, MAX_TOTAL_BYTES, MAX_ENTRY_BYTES) within 60 s and 512 MiB.
#
# The bombs are built in seconds without compressing gigabytes: a compressed stream may be a
# sequence of independent members (gzip members, zstd frames, zip entries), so the deflated or
# zstd-packed 60 MiB of zeros is made once and repeated behind each member's tar header.
# shellcheck source=hostile.inc
. "$(dirname "$0")/hostile.inc"

python3 - "$work/in" <<'EOF'
import os, struct, sys, tarfile, zlib, subprocess
out = sys.argv[1]
MIB = 1024 * 1024
SIZE = 60 * MIB                     # under MAX_ENTRY_BYTES: every member is acceptable alone
top = 'vfio-bundle-h1-20261121T000000Z/'
zeros = bytes(MIB)

def tar_header(name, size):
    ti = tarfile.TarInfo(name)
    ti.size = size
    ti.mode = 0o644
    return ti.tobuf(format=tarfile.GNU_FORMAT)

def gzip_member(chunks, level):
    c = zlib.compressobj(level, zlib.DEFLATED, 31)
    return b''.join(c.compress(x) for x in chunks) + c.flush()

def zstd_raw_frame(data):
    # one zstd frame holding data in raw blocks (RFC 8878 3.1.1): magic, a frame header
    # descriptor with no size/checksum/dictionary, a window descriptor, then the blocks
    frame = struct.pack('<IBB', 0xFD2FB528, 0, 0x58)     # window 2^(10+11) = 2 MiB
    for i in range(0, len(data), 128 * 1024):
        part = data[i:i + 128 * 1024]
        last = 1 if i + 128 * 1024 >= len(data) else 0
        frame += struct.pack('<I', (len(part) << 3) | last)[:3] + part
    return frame

def zstd_zeros(size):
    return subprocess.run(['zstd', '-q', '-c', '-19'], input=bytes(size),
                          capture_output=True, check=True).stdout

# gzip level 1 (ratio ~230, under the ratio cap): 70 x 60 MiB = 4.1 GiB of regular members;
# the total-bytes cap must stop it
body1 = gzip_member([zeros] * 60, 1)
with open(os.path.join(out, 'bomb1.tar.gz'), 'wb') as f:
    for i in range(70):
        f.write(gzip_member([tar_header(top + 'cmd/f%02d' % i, SIZE)], 1))
        f.write(body1)
    f.write(gzip_member([bytes(1024)], 1))

# zstd: the same 4.1 GiB at a ratio of ~30000; the ratio cap must stop it
z60 = zstd_zeros(SIZE)
with open(os.path.join(out, 'bomb.tar.zst'), 'wb') as f:
    for i in range(70):
        f.write(zstd_raw_frame(tar_header(top + 'cmd/f%02d' % i, SIZE)))
        f.write(z60)
    f.write(zstd_raw_frame(bytes(1024)))

# zstd, members the reader skips: 4000 x 60 MiB = 234 GiB under '../' names (8 MB on disk).
# Skipping a member still inflates it, so skipped bytes must count against the caps too.
with open(os.path.join(out, 'skipped.tar.zst'), 'wb') as f:
    for i in range(4000):
        f.write(zstd_raw_frame(tar_header('../bomb-%04d' % i, SIZE)))
        f.write(z60)
    f.write(zstd_raw_frame(bytes(1024)))

# a bare gzip stream (no tar) of 320 MiB of real dmesg text: a compressed loose file larger
# than one entry may be (zeros would read as an empty tar: its end-of-archive blocks)
dmesg = open(os.environ['VD_SHARED_DIR'] + '/corpus/linuxhw/0001/dmesg.txt', 'rb').read()
text = (dmesg * (MIB // len(dmesg) + 1))[:MIB]
body9 = gzip_member([text] * 64, 9)
with open(os.path.join(out, 'dmesg.gz'), 'wb') as f:
    for i in range(5):
        f.write(body9)

# zip: 70 deflated members of 60 MiB each, written by hand so the deflate runs once
c = zlib.compressobj(9, zlib.DEFLATED, -15)
raw = b''.join(c.compress(zeros) for _ in range(60)) + c.flush()
crc = 0
for _ in range(60):
    crc = zlib.crc32(zeros, crc)
with open(os.path.join(out, 'bomb.zip'), 'wb') as f:
    central = b''
    for i in range(70):
        name = (top + 'cmd/f%02d' % i).encode()
        off = f.tell()
        f.write(struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 8, 0, 0, crc, len(raw), SIZE,
                            len(name), 0) + name + raw)
        central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 8, 0, 0, crc,
                               len(raw), SIZE, len(name), 0, 0, 0, 0, 0o644 << 16, off) + name
    cd = f.tell()
    f.write(central)
    f.write(struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 70, 70, len(central), cd, 0))

# xz: a tar of two 60 MiB members through `xz -0` (xz cannot be built from repeated parts)
EOF
mkdir -p "$work/x/vfio-bundle-h1-20261121T000000Z/cmd"
truncate -s 60M "$work/x/vfio-bundle-h1-20261121T000000Z/cmd/a" "$work/x/vfio-bundle-h1-20261121T000000Z/cmd/b"
tar -C "$work/x" -cf - vfio-bundle-h1-20261121T000000Z | xz -0 -T1 >"$work/in/bomb.tar.xz"
rm -rf "$work/x"
ls -l "$work/in" | sed 's/^/    /'

in=$work/in
cap="(expands more than 1000 times|more than 268435456 bytes in all)"
expect_error gzip_bomb 4 "'$in/bomb1.tar.gz': .*$cap" "$in/bomb1.tar.gz"
expect_error zstd_bomb 4 "'$in/bomb.tar.zst': expands more than 1000 times" "$in/bomb.tar.zst"
expect_error zstd_skipped_bomb 4 "'$in/skipped.tar.zst': .*(expands more than 1000 times|larger than)" "$in/skipped.tar.zst"
expect_error gzip_stream 4 "'$in/dmesg.gz': .*(expands more than 1000 times|larger than 67108864 bytes)" "$in/dmesg.gz"
expect_error zip_bomb 4 "'$in/bomb.zip': .*$cap" "$in/bomb.zip"
expect_error xz_bomb 4 "'$in/bomb.tar.xz': expands more than 1000 times" "$in/bomb.tar.xz"
# the same bomb on standard input
run stdin_bomb - <"$in/bomb.tar.zst"
[ "$rc" = 4 ] && [ "$(wc -l <"$work/res/stdin_bomb.err")" = 1 ] || fail "stdin_bomb: exit $rc, want 4 and one line: $(head -2 "$work/res/stdin_bomb.err")"
finish
