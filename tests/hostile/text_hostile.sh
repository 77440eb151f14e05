#!/usr/bin/env bash
# text_hostile.sh - hostile text around a real failure (samples/amd-polaris-reset-bug: the dmesg
# and libvirtd.log of a Polaris GPU with the reset bug): a 50 MB single line, NUL bytes and
# invalid UTF-8, CRLF line ends and a byte-order mark. Each is a
# bounded analysis (exit 0, under 512 MiB and 60 s) that still finds amd-reset-bug for
# 0000:0b:00.0, warns where a limit cut something, and writes valid UTF-8 JSON.
# shellcheck source=hostile.inc
. "$(dirname "$0")/hostile.inc"

sample=$source_dir/samples/amd-polaris-reset-bug
in=$work/in

python3 - "$sample" "$in" <<'EOF'
import os, sys
sample, out = sys.argv[1:3]
dmesg = open(os.path.join(sample, 'dmesg.txt'), 'rb').read()
log = open(os.path.join(sample, 'libvirtd.log'), 'rb').read()
lines = dmesg.splitlines(keepends=True)

# 50 MB on one line (the real lines joined by spaces), then the real log
joined = b' '.join(l.rstrip(b'\n') for l in lines)
long = (joined + b' ') * (50 * 1024 * 1024 // (len(joined) + 1) + 1)
open(os.path.join(out, 'long.log'), 'wb').write(long[:50 * 1024 * 1024] + b'\n' + dmesg)

# NUL bytes and invalid UTF-8 (a lone continuation byte, an overlong '/', a UTF-16
# surrogate, 0xff) inside every third line
bad = [b'\x00', b'\x80', b'\xc0\xaf', b'\xed\xa0\x80', b'\xff\xfe']
mixed = []
for i, l in enumerate(lines):
    if i % 3 == 0:
        mid = len(l) // 2
        l = l[:mid] + bad[i % len(bad)] + l[mid:]
    mixed.append(l)
open(os.path.join(out, 'nul-utf8.log'), 'wb').write(b''.join(mixed))
open(os.path.join(out, 'nul-libvirtd.log'), 'wb').write(log.replace(b'\n', b'\x00\n', 3))

# CRLF and a UTF-8 byte-order mark
open(os.path.join(out, 'crlf-dmesg.txt'), 'wb').write(b'\xef\xbb\xbf' + dmesg.replace(b'\n', b'\r\n'))
open(os.path.join(out, 'crlf-libvirtd.log'), 'wb').write(b'\xef\xbb\xbf' + log.replace(b'\n', b'\r\n'))

EOF

found() { # NAME: amd-reset-bug for 0000:0b:00.0 in the JSON report, which is strict UTF-8 JSON
	python3 - "$work/res/$1.out" <<'EOF' || fail "$1: amd-reset-bug for 0000:0b:00.0 not found, or the JSON is not valid UTF-8"
import json, sys
d = json.loads(open(sys.argv[1], 'rb').read().decode('utf-8', 'strict'))
assert any(f['id'] == 'amd-reset-bug' and f['subject']['id'] == '0000:0b:00.0' for f in d['findings'])
EOF
}

expect_warned long_line "line of 52428800 bytes truncated to 8192" --format json "$in/long.log" "$sample/libvirtd.log"
found long_line
run long_line_stdin --format json - <"$in/long.log"
[ "$rc" = 0 ] || fail "long_line_stdin: exit $rc"
expect_warned nul_utf8 "NUL bytes replaced" --format json "$in/nul-utf8.log" "$in/nul-libvirtd.log"
found nul_utf8
for fmt in text markdown html; do
	expect_clean "nul_utf8_$fmt" --format "$fmt" "$in/nul-utf8.log" "$in/nul-libvirtd.log"
	iconv -f UTF-8 -t UTF-8 "$work/res/nul_utf8_$fmt.out" >/dev/null 2>&1 || fail "nul_utf8_$fmt: the report is not valid UTF-8"
	! grep -qaP '\x00' "$work/res/nul_utf8_$fmt.out" || fail "nul_utf8_$fmt: a NUL byte reached the report"
done
expect_clean crlf_bom --format json "$in/crlf-dmesg.txt" "$in/crlf-libvirtd.log"
found crlf_bom
"$analyze" --classify "$in/crlf-dmesg.txt" "$in/crlf-libvirtd.log" >"$work/res/crlf.classify" 2>&1 || true
grep -q 'kernel_log' "$work/res/crlf.classify" && grep -q 'libvirt_log' "$work/res/crlf.classify" ||
	fail "crlf_bom: not classified as kernel_log and libvirt_log: $(cat "$work/res/crlf.classify")"
finish
