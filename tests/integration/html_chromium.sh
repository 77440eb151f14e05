#!/usr/bin/env bash
# html_chromium.sh - the HTML report renders in a real browser (issue 6): Debian's headless
# chromium draws `analyze --format html` of three samples - a GPU whose BAR 3 the boot
# framebuffer holds (pve-gpu-bar3-efifb), a group that is not viable (pve-group-not-viable) and
# a healthy Dell R720 (healthy-pve-r720-bundle) - to PNG and dumps the DOM it built.
#   - the PNG is decoded (zlib + PNG filters, in python3) and must not be blank: enough
#     distinct colours, enough non-white pixels, and the colours of the picture's marks (problem
#     fill #fdecea, passthrough fill #dcecfb, group fill #faf6e8) where the sample has them;
#   - the DOM must hold the expected devices (data-bdf), IOMMU group boxes (data-group), the
#     sample's expected finding ids and exactly the findings of the JSON report (data-finding),
#     and the HTML must load nothing from the network.
# Chromium runs with networking features off and a throw-away profile. Skips (77) only when
# chromium is not installed (tools/deps.sh installs it). HTML_CHROMIUM_SAVE=DIR keeps the PNGs
# (docs/images/ holds copies made that way).
set -euo pipefail

src=${VD_SOURCE_DIR:?run through ctest}
bin=${VD_BIN_DIR:?run through ctest}/analyze

fail() {
	echo "html_chromium: $*" >&2
	exit 1
}

browser=
for cand in chromium chromium-browser; do
	if command -v "$cand" >/dev/null 2>&1; then
		browser=$cand
		break
	fi
done
if [ -z "$browser" ]; then
	echo "html_chromium: SKIP: chromium is not installed (apt-get install chromium; tools/deps.sh does)" >&2
	exit 77
fi
command -v python3 >/dev/null 2>&1 || fail "python3 is missing"
[ -x "$bin" ] || fail "'$bin' is not built"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_browser() { # out-args... file
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-dev-shm-usage --user-data-dir="$(mktemp -d "$tmp/profile.XXXXXX")" "$@"
}

# name | expected bdfs | expected groups | expected finding ids (expected.json; '-': none
# required) | expected mark colours
cases=(
	"pve-gpu-bar3-efifb|0000:04:00.0 0000:42:00.0 0000:42:00.1 0000:00:1f.0 0000:0c:00.0|24 69 29|bar-reserve-conflict|fdecea dcecfb faf6e8"
	"pve-group-not-viable|0000:01:00.0|1|iommu-group-not-viable|fdecea faf6e8"
	"healthy-pve-r720-bundle|0000:00:1f.2 0000:01:00.0 0000:03:00.0 0000:0c:00.0|24 25 27|-|faf6e8"
)

for c in "${cases[@]}"; do
	IFS='|' read -r name bdfs groups findings colours <<<"$c"
	sample=$src/samples/$name
	[ -d "$sample" ] || fail "sample '$sample' is missing"
	html=$tmp/$name.html
	"$bin" --format html -o "$html" "$sample" 2>"$tmp/$name.err" ||
		fail "$name: analyze --format html failed: $(head -c 300 "$tmp/$name.err")"

	# self-contained: no src=, no url(), no <link>, no http(s) outside <a href="...">
	if grep -Eqi '<(script|link|img|iframe|object|embed)\b|url\(|@import' "$html"; then
		fail "$name: the HTML loads or runs something: $(grep -Eoi '<(script|link|img|iframe|object|embed)\b|url\(|@import' "$html" | head -3 | tr '\n' ' ')"
	fi
	if sed -E 's/<a href="https?:[^"]*"//g' "$html" | grep -Eq 'https?://[^ <]*"'; then
		fail "$name: an http(s) URL outside an <a href> link"
	fi

	png=$tmp/$name.png
	run_browser --screenshot="$png" --window-size=1400,1300 "file://$html" >"$tmp/$name.shot.log" 2>&1 ||
		fail "$name: chromium --screenshot failed: $(tail -3 "$tmp/$name.shot.log")"
	[ -s "$png" ] || fail "$name: chromium wrote no screenshot"
	run_browser --dump-dom "file://$html" >"$tmp/$name.dom" 2>"$tmp/$name.dom.log" ||
		fail "$name: chromium --dump-dom failed: $(tail -3 "$tmp/$name.dom.log")"
	grep -q '<svg class="tree"' "$tmp/$name.dom" || fail "$name: the DOM has no PCI picture (svg.tree)"

	for b in $bdfs; do
		grep -q "<g class=\"dev[^\"]*\" data-bdf=\"$b\"" "$tmp/$name.dom" ||
			fail "$name: device $b is not drawn in the DOM"
	done
	for g in $groups; do
		grep -q "<g class=\"group[^\"]*\" data-group=\"$g\"" "$tmp/$name.dom" ||
			fail "$name: no box for IOMMU group $g in the DOM"
	done
	# the sample's expected causes, and every finding the JSON report of the same input has
	json_ids=$("$bin" --format json "$sample" 2>/dev/null |
		python3 -c 'import json,sys; print(" ".join(f["id"] for f in json.load(sys.stdin)["findings"]))') ||
		fail "$name: analyze --format json failed"
	[ "$findings" = "-" ] && findings=
	for f in $findings $json_ids; do
		grep -q "data-finding=\"$f\"" "$tmp/$name.dom" || fail "$name: finding $f is not in the DOM"
	done
	n_dom=$(grep -o 'data-finding="[^"]*"' "$tmp/$name.dom" | wc -l)
	n_json=$(echo $json_ids | wc -w)
	[ "$n_dom" = "$n_json" ] || fail "$name: $n_dom findings in the DOM, $n_json in the JSON report"
	grep -q '<table class="ready">' "$tmp/$name.dom" || fail "$name: no readiness table in the DOM"

	python3 - "$png" "$name" "$colours" <<'EOF' || fail "$name: the screenshot looks wrong (see above)"
import struct, sys, zlib

path, name, want = sys.argv[1], sys.argv[2], sys.argv[3].split()
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit(f"{name}: not a PNG")
pos, idat, ihdr = 8, [], None
while pos + 8 <= len(data):
    length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if ctype == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif ctype == b"IDAT":
        idat.append(body)
    elif ctype == b"IEND":
        break
    pos += 12 + length
w, h, depth, ctype, _, _, interlace = ihdr
if depth != 8 or ctype not in (2, 6) or interlace:
    sys.exit(f"{name}: unexpected PNG format depth={depth} colour={ctype} interlace={interlace}")
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(b"".join(idat))
stride = w * bpp
prev = bytearray(stride)
colours = {}
nonwhite = 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    if f == 1:
        for i in range(bpp, stride):
            line[i] = (line[i] + line[i - bpp]) & 255
    elif f == 2:
        line = bytearray((a + b) & 255 for a, b in zip(line, prev))
    elif f == 3:
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
    elif f == 4:
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    elif f != 0:
        sys.exit(f"{name}: bad PNG filter {f} on row {y}")
    prev = line
    for x in range(0, stride, bpp):
        px = bytes(line[x:x + 3])
        colours[px] = colours.get(px, 0) + 1
total = w * h
white = colours.get(b"\xff\xff\xff", 0)
nonwhite = total - white
print(f"html_chromium: {name}: {w}x{h}, {len(colours)} colours, {100 * nonwhite / total:.1f}% not white")
if len(colours) < 50:
    sys.exit(f"{name}: only {len(colours)} distinct colours: the page looks blank")
if nonwhite < total * 0.03:
    sys.exit(f"{name}: {nonwhite} of {total} pixels not white: the page looks blank")
for hexc in want:
    px = bytes.fromhex(hexc)
    if colours.get(px, 0) < 200:
        sys.exit(f"{name}: colour #{hexc} of the picture covers {colours.get(px, 0)} pixels (< 200): the SVG did not render")
EOF
	if [ -n "${HTML_CHROMIUM_SAVE:-}" ]; then
		mkdir -p "$HTML_CHROMIUM_SAVE"
		cp "$png" "$HTML_CHROMIUM_SAVE/html-report-$name.png"
	fi
done
echo "html_chromium: ${#cases[@]} samples rendered and checked"
