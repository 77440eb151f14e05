#!/usr/bin/env bash
# manifest_regex.sh - a bundle whose manifest.json lies (sizes, sha256 sums and statuses that do
# not match, item paths outside the bundle) or nests 100,000 arrays deep, or passes
# MAX_JSON_BYTES; and logs whose lines are built to make the knowledge patterns backtrack
# (each pattern's literals followed by 8 KiB of the units PCRE2 backtracks over). Each is a
# bounded analysis: exit 0, the real files analyzed, the manifest problem warned about, no
# file named by the manifest read (a sentinel file's text never reaches the fact store), CPU
# under 60 s.
# shellcheck source=hostile.inc
. "$(dirname "$0")/hostile.inc"

top=vfio-bundle-h1-20261121T000000Z
sentinel=$work/secret.txt
echo "SENTINEL-7f3a9c-never-read" >"$sentinel"

python3 - "$shared/corpus/linuxhw/0001" "$work/in" "$top" "$sentinel" <<'EOF'
import hashlib, io, json, sys, tarfile
src, out, top, sentinel = sys.argv[1:5]
dmesg = open(src + '/dmesg.txt', 'rb').read()
lspci = open(src + '/lspci.txt', 'rb').read()

def bundle(name, manifest):
    with tarfile.open(out + '/' + name, 'w:gz') as t:
        for path, data in (('manifest.json', manifest), ('cmd/dmesg', dmesg),
                           ('cmd/lspci-nnkvv', lspci)):
            ti = tarfile.TarInfo(top + '/' + path)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))

lies = {
    'format': 1, 'collector': 'vfio-doctor 0.1.0', 'time': '2026-11-21T00:00:00Z',
    'items': [
        {'source': 'dmesg', 'path': 'cmd/dmesg', 'status': 'ok', 'bytes': 1,
         'sha256': hashlib.sha256(b'not the content').hexdigest()},
        {'source': '/etc/shadow', 'path': '../../../../etc/shadow', 'status': 'ok', 'bytes': 999999999999},
        {'source': sentinel, 'path': sentinel, 'status': 'ok', 'bytes': 27},
        {'source': 'lspci -nnkvv', 'path': 'cmd/lspci-nnkvv', 'status': 'missing', 'bytes': -5,
         'sha256': 'zz' * 40, 'exit': 2 ** 70},
        {'source': 'x', 'path': 'cmd/' + 'y' * 5000, 'status': 'truncated\u0000\u202e'},
    ],
}
bundle('lies.tar.gz', json.dumps(lies).encode())
bundle('nested.tar.gz', b'{"items": ' + b'[' * 100000 + b']' * 100000 + b'}')
big = {'format': 1, 'items': [{'source': 'dmesg', 'path': 'cmd/dmesg', 'reason': 'r' * 4096}] * 1100}
bundle('big.tar.gz', json.dumps(big).encode())
bundle('notjson.tar.gz', b'\xef\xbb\xbf{"format": 1, "items": [{"path": "cmd/dmesg",' + b'\xff' * 100)

# backtracking bait: every literal of every pattern clause, then 8 KiB of a unit, as kernel
# log lines (the line cap is 8 KiB, so this is the longest a pattern ever sees)
import glob, os
lines = []
for f in sorted(glob.glob(os.environ['VD_SOURCE_DIR'] + '/knowledge/*.json')):
    for c in json.load(open(f))['clauses']:
        if c.get('type') != 'pattern':
            continue
        lits = c.get('literal') or []
        lits = [lits] if isinstance(lits, str) else lits
        for lit in lits:
            for unit in ('a', ' ', '0', '0:', 'a ', lit):
                body = (unit * (8000 // max(1, len(unit)) + 1))[:8000]
                lines.append('[    1.000000] %s%s!' % (lit, body))
                lines.append('[    1.000000] %s%s' % (body, lit))
open(out + '/bait.log', 'w').write('\n'.join(lines) + '\n')
print('%d bait lines' % len(lines))
EOF

in=$work/in
expect_clean lies --format json "$in/lies.tar.gz"
expect_warned nested "manifest.json: nested deeper than 64 levels" --format json "$in/nested.tar.gz"
expect_warned big "manifest.json: larger than 4194304 bytes" --format json "$in/big.tar.gz"
expect_warned notjson "manifest.json: not valid JSON" --format json "$in/notjson.tar.gz"
for n in lies nested big notjson; do
	grep -q '"cmd/lspci-nnkvv"' "$work/res/$n.out" || fail "$n: the real cmd/lspci-nnkvv was not analyzed"
done
rc=0
(cd "$work/cwd" && "$analyze" query "$in/lies.tar.gz" --sql "SELECT count(*) FROM lines WHERE text LIKE '%SENTINEL-7f3a9c%'" >"$work/res/sentinel.out" 2>&1) || rc=$?
[ "$rc" = 0 ] && grep -qE "^ *0$" "$work/res/sentinel.out" || fail "a file the manifest names was read: $(cat "$work/res/sentinel.out")"
! grep -rq 'SENTINEL-7f3a9c' "$work/res/" || fail "the sentinel's text reached a report"

expect_clean bait --format json "$in/bait.log"
echo "    bait: ${cpu} s CPU for $(wc -l <"$in/bait.log") lines"
finish
