#!/usr/bin/env bash
# manifest_regex.sh - a bundle whose manifest.json lies (sizes, sha256 sums and statuses that do
# not match, item paths outside the bundle) or nests 100,000 arrays deep, or passes
# MAX_JSON_BYTES; and logs whose lines are built to make the knowledge patterns backtrack
# (each pattern's literals followed by 8 KiB of the units PCRE2 backtracks over). Each is a
# bounded analysis: exit 0, the real files analyzed, the manifest problem warned about, no
# file named by the manifest read (a sentinel file's text never reaches the fact store), CPU
# under 60 s. The lies are each warned about in the JSON report's warnings (a member's sha256
# and size, an `ok` item absent from the bundle, unclean paths - not stored as facts -,
# negative bytes, counts that disagree), at most MAX_MANIFEST_WARNINGS (3) per kind and then a
# count; a bundle the real collector just made, read as an archive and as a directory, gives
# none of them.
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
        {'source': 'cat /proc/cmdline', 'path': 'proc/cmdline', 'status': 'ok', 'bytes': 10},
    ] + [{'source': 'c%d' % i, 'path': 'cmd/absent-%d' % i, 'status': 'ok'} for i in range(5)],
    'counts': {'ok': 99, 'missing': -1, 'denied': 2, 'timeout': 0, 'truncated': 1,
               'skipped': 0, 'error': 0},
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
# manifest_warnings NAME: the report's warnings about manifest.json, one a line
manifest_warnings() {
	python3 -c 'import json, sys
for w in json.load(open(sys.argv[1])).get("warnings", []):
    if w["message"].startswith("manifest.json: "):
        print(w["message"])' "$work/res/$1.out"
}
lies_warned=$(manifest_warnings lies)
for want in \
	"item 'cmd/dmesg': sha256 [0-9a-f]{16}\.\.\. differs from the member's [0-9a-f]{16}\.\.\.\$" \
	"item 'cmd/dmesg': bytes 1, but the member holds [0-9]+\$" \
	"item 'cmd/lspci-nnkvv': sha256 'z+\.\.\.' is not 64 hex digits" \
	"item 'cmd/lspci-nnkvv': bytes -5 is negative" \
	"item path '\.\./\.\./\.\./\.\./etc/shadow' is not a clean relative path \(a '\.\.' component\): the item is not stored" \
	"item path '$sentinel' is not a clean relative path \(absolute\)" \
	"item path 'cmd/y+\.\.\.' is not a clean relative path \(longer than 1024 bytes\)" \
	"item 'proc/cmdline' has status ok but the bundle has no such member" \
	"item 'cmd/absent-1' has status ok but the bundle has no such member" \
	"3 more items stored by their status but absent from the bundle, not listed \(limit 3\)" \
	"counts.ok is 99, but 9 items have status ok" \
	"counts.missing is not a whole number of at least 0" \
	"counts.denied is 2, but 0 items have status denied"; do
	grep -qE -- "^manifest.json: $want" <<<"$lies_warned" || fail "lies: no warning matching '$want' in: $lies_warned"
done
grep -q "absent-2'" <<<"$lies_warned" && fail "lies: more than 3 warnings of one kind listed"
checks=$((checks + 1))
# the unclean items are not facts
(cd "$work/cwd" && "$analyze" query "$in/lies.tar.gz" --sql "SELECT count(*) FROM facts WHERE scope = 'manifest' AND (subject LIKE '%shadow%' OR subject LIKE '%secret%' OR subject LIKE 'cmd/yyy%')" >"$work/res/unclean.out" 2>/dev/null) || true
grep -qE "^ *0$" "$work/res/unclean.out" || fail "lies: items with unclean paths were stored as facts: $(cat "$work/res/unclean.out")"

# a clean bundle by the real collector: none of these warnings, as an archive or a directory
crc=0
(cd "$work/cwd" && "$VD_BIN_DIR/collect" -q -o "$in/clean.tar.gz") || crc=$?
[ "$crc" = 0 ] || [ "$crc" = 10 ] || fail "collect: exit $crc"
mkdir "$in/clean-dir" && tar -xzf "$in/clean.tar.gz" -C "$in/clean-dir"
expect_clean clean --format json "$in/clean.tar.gz"
expect_clean clean-dir --format json "$in"/clean-dir/vfio-bundle-*
for n in clean clean-dir; do
	w=$(manifest_warnings "$n")
	[ -z "$w" ] || fail "$n: a bundle collect made draws manifest warnings: $w"
	! grep -q 'manifest.json: ' "$work/res/$n.err" || fail "$n: manifest warnings on stderr"
done
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
