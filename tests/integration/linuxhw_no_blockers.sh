#!/usr/bin/env bash
# linuxhw_no_blockers.sh - the knowledge base on real machines that nobody reported a problem
# for (issue 5): `analyze --format json` on every /work/shared/corpus/linuxhw/NNNN/ (its
# dmesg.txt, lspci.txt and lscpu.txt as loose files, whichever exist).
#   - a machine whose INDEX.tsv tags have neither dmar-fault nor amdvi-fault (no vfio/IOMMU
#     error line in its log) gets no finding of severity error or blocker;
#   - 0003 (DMAR INTR-REMAP fault on 01:00.0) and 0006 (AMD-Vi IO_PAGE_FAULT on 01:00.0) get
#     dmar-fault on that device, and nothing above warning either;
#   - every unexplained-evidence entry points at a real line: its path is one of the inputs and
#     that file's line holds exactly its text.
# Needs python3 (the JSON is parsed with its standard library only).
set -euo pipefail

shared=${VD_SHARED_DIR:?run through ctest}
bin=${VD_BIN_DIR:?run through ctest}/analyze
corpus=$shared/corpus/linuxhw

fail() {
	echo "linuxhw_no_blockers: $*" >&2
	exit 1
}

command -v python3 >/dev/null 2>&1 || fail "python3 is missing"
[ -x "$bin" ] || fail "'$bin' is not built"
[ -f "$corpus/INDEX.tsv" ] || fail "'$corpus/INDEX.tsv' is missing"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

checked=0
while IFS=$'\t' read -r nnnn _path _kernel _db _lb tags; do
	[ "$nnnn" = nnnn ] && continue
	dir=$corpus/$nnnn
	[ -d "$dir" ] || fail "$nnnn: listed in INDEX.tsv but '$dir' is missing"
	inputs=()
	for f in dmesg.txt lspci.txt lscpu.txt; do
		[ -f "$dir/$f" ] && inputs+=("$dir/$f")
	done
	[ "${#inputs[@]}" -gt 0 ] || fail "$nnnn: no input file"
	rc=0
	"$bin" --format json "${inputs[@]}" >"$tmp/$nnnn.json" 2>"$tmp/$nnnn.err" || rc=$?
	[ "$rc" = 0 ] || fail "$nnnn: analyze exited $rc: $(cat "$tmp/$nnnn.err")"
	fault=none
	case ",$tags," in
	*,dmar-fault,* | *,amdvi-fault,*) fault=yes ;;
	esac
	python3 - "$nnnn" "$fault" "$tmp/$nnnn.json" <<'PY' || exit 1
import json, sys
nnnn, fault, path = sys.argv[1:4]
r = json.load(open(path))
bad = [f"{f['id']} ({f['severity']}) on {f['subject']['id']}" for f in r["findings"]
       if f["severity"] in ("error", "blocker")]
if bad:
    sys.exit(f"linuxhw_no_blockers: {nnnn}: findings above warning: {', '.join(bad)}")
if fault == "yes":
    ids = [(f["id"], f["subject"]["id"]) for f in r["findings"]]
    if ("dmar-fault", "0000:01:00.0") not in ids:
        sys.exit(f"linuxhw_no_blockers: {nnnn}: tagged with an IOMMU fault but no dmar-fault "
                 f"on 0000:01:00.0; findings: {ids}")
inputs = {i["path"] for i in r["inputs"]}
if r["unexplained_total"] < len(r["unexplained"]):
    sys.exit(f"linuxhw_no_blockers: {nnnn}: unexplained_total below the listed count")
for u in r["unexplained"]:
    if u["path"] not in inputs:
        sys.exit(f"linuxhw_no_blockers: {nnnn}: unexplained path {u['path']!r} is no input")
    lines = open(u["path"], encoding="utf-8", errors="replace").read().split("\n")
    if not 1 <= u["line"] <= len(lines) or lines[u["line"] - 1].rstrip("\r") != u["text"]:
        sys.exit(f"linuxhw_no_blockers: {nnnn}: unexplained {u['path']}:{u['line']} does not "
                 f"hold {u['text']!r}")
PY
	checked=$((checked + 1))
done <"$corpus/INDEX.tsv"

[ "$checked" -ge 7 ] || fail "only $checked machines checked"
echo "linuxhw_no_blockers: $checked machines checked"
