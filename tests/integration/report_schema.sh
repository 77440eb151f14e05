#!/usr/bin/env bash
# report_schema.sh - the real `analyze --format json` output validates against
# docs/report-schema.json (JSON Schema draft 2020-12), on real inputs: seed 001's forum paste
# (dmesg + VM config behind shell prompts), the linuxhw machines' dmesg and lspci, and every
# samples/<case>/ directory. Also checks what the schema cannot say: findings ranked 1..n,
# best first (confidence never rises down the list), evidence_total >= shown evidence, the
# schema accepts nothing it should not (a corrupted copy must fail), and that the text report
# of the same input carries no ANSI escapes when not on a TTY.
#
# Needs the Debian package python3-jsonschema (tools/deps.sh installs it; this script installs
# nothing). Without it the test fails with a message saying so: it is part of the toolchain,
# not an optional extra.
set -euo pipefail

src=${VD_SOURCE_DIR:?run through ctest}
shared=${VD_SHARED_DIR:?run through ctest}
bin=${VD_BIN_DIR:?run through ctest}/analyze
schema=$src/docs/report-schema.json

fail() {
	echo "report_schema: $*" >&2
	exit 1
}

py=
for cand in python3 /usr/bin/python3; do
	if command -v "$cand" >/dev/null 2>&1 &&
		"$cand" -c 'from jsonschema import Draft202012Validator' 2>/dev/null; then
		py=$cand
		break
	fi
done
[ -n "$py" ] || fail "python3 with the jsonschema module is missing; install the Debian package python3-jsonschema (tools/deps.sh does)"
[ -x "$bin" ] || fail "'$bin' is not built"
[ -f "$schema" ] || fail "'$schema' is missing"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name<TAB>input... ; one analyze run each
cases=()
cases+=("seed-001	$shared/seeds/001_08cfc1e37197bab7.txt")
for m in "$shared"/corpus/linuxhw/[0-9]*/; do
	id=$(basename "$m")
	set -- "$m"*.txt
	[ -e "$1" ] && cases+=("linuxhw-$id	$*")
done
if [ -d "$src/samples" ]; then
	for s in "$src"/samples/*/; do
		[ -d "$s" ] && cases+=("sample-$(basename "$s")	${s%/}")
	done
fi
[ "${#cases[@]}" -ge 2 ] || fail "found too few inputs (${#cases[@]}) under '$shared' and '$src/samples'"

n=0
for c in "${cases[@]}"; do
	name=${c%%	*}
	read -r -a inputs <<<"${c#*	}"
	out=$tmp/$name.json
	rc=0
	"$bin" --format json "${inputs[@]}" >"$out" 2>"$tmp/$name.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "$name: analyze exited $rc: $(head -c 300 "$tmp/$name.err")"
	rc=0
	"$bin" --format text "${inputs[@]}" >"$tmp/$name.txt" 2>/dev/null || rc=$?
	[ "$rc" -eq 0 ] || fail "$name: analyze --format text exited $rc"
	if grep -q $'\033' "$tmp/$name.txt"; then
		fail "$name: text report has ANSI escapes although stdout is not a terminal"
	fi
	n=$((n + 1))
done

"$py" - "$schema" "$tmp" <<'EOF'
import glob, json, os, sys
from jsonschema import Draft202012Validator

schema_path, tmp = sys.argv[1], sys.argv[2]
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
bad = 0
n_findings = 0
for path in sorted(glob.glob(os.path.join(tmp, "*.json"))):
    name = os.path.basename(path)[:-5]
    with open(path, "rb") as f:
        raw = f.read()
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        print(f"{name}: not UTF-8 JSON: {e}", file=sys.stderr)
        bad += 1
        continue
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errs[:5]:
        loc = "/".join(str(p) for p in e.absolute_path)
        print(f"{name}: /{loc}: {e.message}", file=sys.stderr)
    bad += bool(errs)
    if errs:
        continue
    prev = None
    for i, f in enumerate(doc["findings"]):
        n_findings += 1
        if f["rank"] != i + 1:
            print(f"{name}: finding {i} has rank {f['rank']}", file=sys.stderr)
            bad += 1
        if prev is not None and f["confidence"] > prev + 1e-9:
            print(f"{name}: finding {f['rank']} is more confident than the one above it", file=sys.stderr)
            bad += 1
        prev = f["confidence"]
    for f in doc["findings"] + doc["ruled_out"]:
        if f["evidence_total"] < len(f["evidence"]):
            print(f"{name}: {f['id']}: evidence_total below the evidence shown", file=sys.stderr)
            bad += 1
    # the schema must reject what the contract forbids
    broken = json.loads(json.dumps(doc))
    broken["schema"] = "vfio-doctor/report/0"
    if v.is_valid(broken):
        print(f"{name}: schema accepted a wrong schema id", file=sys.stderr)
        bad += 1
if n_findings == 0:
    print("no report had a finding, so the finding schema was not exercised (seed 001 should give one)", file=sys.stderr)
    bad += 1
print(f"report_schema: {len(glob.glob(os.path.join(tmp, '*.json')))} reports, {n_findings} findings checked")
sys.exit(1 if bad else 0)
EOF
echo "report_schema: $n inputs analyzed, all valid"
