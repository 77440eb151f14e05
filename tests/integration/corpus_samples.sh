#!/usr/bin/env bash
# corpus_samples.sh - `analyze corpus samples/` passes: every case in samples/ meets its
# expected.json (exit 0). Also checks that the JSON output holds the same cases and verdicts
# as the text table, that -j 1 and -j 2 agree, and that usage errors exit 2.
set -euo pipefail
analyze="${VD_BIN_DIR:?run through ctest}/analyze"
src="${VD_SOURCE_DIR:?run through ctest}"
fail() { echo "corpus_samples: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/corpus_samples.XXXXXX)
trap 'rm -rf "$work"' EXIT

rc=0
"$analyze" corpus "$src/samples" >"$work/table.txt" 2>"$work/err.txt" || rc=$?
if [ "$rc" != 0 ]; then
	cat "$work/table.txt" "$work/err.txt" >&2
	fail "analyze corpus samples/ exited $rc"
fi
n_cases=$(find "$src/samples" -mindepth 2 -maxdepth 2 -name expected.json | wc -l)
[ "$n_cases" -gt 0 ] || fail "no case in samples/"
grep -q "^$n_cases cases: $n_cases passed, 0 failed$" "$work/table.txt" ||
	fail "summary line wrong: $(tail -1 "$work/table.txt")"
for d in "$src"/samples/*/; do
	[ -f "$d/expected.json" ] || continue
	name=$(basename "$d")
	grep -Eq "^$name +.* pass +" "$work/table.txt" || fail "case $name not shown as passed"
done
grep -q '^CAUSE ' "$work/table.txt" || fail "no per-cause table"

# JSON: the same cases, every one passed, recall 1 over the corpus
"$analyze" corpus "$src/samples" --format json -j 1 >"$work/c.json" || fail "--format json -j 1 failed"
python3 - "$work/c.json" "$n_cases" <<'PY' || fail "JSON output wrong"
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert d["corpus_version"] == 1
assert len(d["cases"]) == n and d["summary"]["cases"] == n, (len(d["cases"]), n)
assert all(c["passed"] and c["status"] == "ran" for c in d["cases"])
assert d["summary"]["failed"] == 0 and d["summary"]["fn"] == 0
assert d["summary"]["recall"] == 1
expected = sum(len(c["expect"]) for c in d["cases"])
assert d["summary"]["tp"] == expected, (d["summary"]["tp"], expected)
for c in d["cases"]:
    for e in c["expect"]:
        assert e["met"] and e["rank"] >= 1 and (e["max_rank"] is None or e["rank"] <= e["max_rank"])
PY

# one case directory given directly is a corpus of one
"$analyze" corpus "$src/samples/n100-igpu-rom-cffa" >"$work/one.txt" || fail "single case failed"
grep -q '^1 cases: 1 passed, 0 failed$' "$work/one.txt" || fail "single case summary"

# usage errors
rc=0
"$analyze" corpus >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "no DIR: expected exit 2, got $rc"
rc=0
"$analyze" corpus "$src/samples" -j 0 >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "-j 0: expected exit 2, got $rc"
rc=0
"$analyze" corpus "$src/samples" --format html >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--format html: expected exit 2, got $rc"
rc=0
"$analyze" corpus "$work" >/dev/null 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "a directory without cases: expected exit 3, got $rc"
echo "corpus_samples: $n_cases cases passed"
