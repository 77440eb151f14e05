#!/usr/bin/env bash
# corpus_broken_kb.sh - a regression in one knowledge file makes `analyze corpus` fail: a copy
# of knowledge/ whose rom-invalid-signature pattern no longer matches the 0xcffa line (still
# valid JSON, still loads) must give exit 8 (EXIT_REGRESS) with n100-igpu-rom-cffa failed in
# the table and every other case passing. Also: a case whose input never ends (a FIFO nobody
# writes) is stopped at --timeout and is a failed case, not a hung run, and so is a worker
# killed by SIGSEGV; a broken expected.json fails its case only.
set -euo pipefail
analyze="${VD_BIN_DIR:?run through ctest}/analyze"
src="${VD_SOURCE_DIR:?run through ctest}"
fail() { echo "corpus_broken_kb: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/corpus_broken_kb.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$src/knowledge" "$work/kb"
python3 - "$work/kb/rom-invalid-signature.json" <<'PY'
import json, sys
path = sys.argv[1]
d = json.load(open(path))
hits = 0
for c in d["clauses"]:
    p = c.get("pattern", "")
    if "Invalid PCI ROM header signature" in p:
        c["pattern"] = p.replace("(?<got>0x[0-9a-f]+)", "(?<got>0xffff)")
        hits += c["pattern"] != p
assert hits == 1, "the ROM signature pattern was not found"
json.dump(d, open(path, "w"), indent=1)
PY
"$analyze" kb lint --kb "$work/kb" >/dev/null || fail "the edited knowledge no longer loads: the test must break matching, not the file"

rc=0
"$analyze" corpus "$src/samples" --kb "$work/kb" >"$work/table.txt" 2>"$work/err.txt" || rc=$?
[ "$rc" = 8 ] || { cat "$work/table.txt" "$work/err.txt" >&2; fail "expected exit 8 (EXIT_REGRESS), got $rc"; }
grep -Eq '^n100-igpu-rom-cffa +.* FAIL +rom-invalid-signature missing' "$work/table.txt" ||
	fail "the regressed case is not named as failed: $(grep n100-igpu-rom-cffa "$work/table.txt")"
grep -q "^  n100-igpu-rom-cffa: 'rom-invalid-signature' not reported on '0000:00:02.0'" "$work/table.txt" ||
	fail "no failure line for the regressed case"
n_fail=$(grep -Ec '^[a-z0-9-]+ +.* (FAIL|ERROR|CRASH|TIMEOUT) ' "$work/table.txt")
[ "$n_fail" = 1 ] || fail "expected exactly one failed case, got $n_fail"
grep -Eq '^rom-invalid-signature +1 +0 +1 +0 ' "$work/table.txt" ||
	fail "per-cause line should show 1 expected, 0 TP, 1 FN: $(grep '^rom-invalid-signature' "$work/table.txt")"
"$analyze" corpus "$src/samples" --kb "$work/kb" --format json >"$work/t.json" || rc=$?
python3 - "$work/t.json" <<'PY' || fail "JSON output of the regression wrong"
import json, sys
d = json.load(open(sys.argv[1]))
failed = [c["name"] for c in d["cases"] if not c["passed"]]
assert failed == ["n100-igpu-rom-cffa"], failed
rom = [c for c in d["causes"] if c["id"] == "rom-invalid-signature"][0]
assert rom["tp"] == 0 and rom["fn"] == 1 and rom["recall"] == 0, rom
PY

# a case that never finishes: stopped at the cap, reported, the rest of the corpus still runs
mkdir -p "$work/corpus/hangs" "$work/corpus/badjson"
cp -r "$src/samples/n100-igpu-rom-cffa" "$work/corpus/"
mkfifo "$work/corpus/hangs/dmesg.txt"
echo '{"expect": [{"id": "iommu-disabled"}]}' >"$work/corpus/hangs/expected.json"
cp "$src/samples/n100-igpu-rom-cffa/"* "$work/corpus/badjson/"
echo '{"expect": [{"id": "rom-invalid-signature", "max_rnk": 1}]}' >"$work/corpus/badjson/expected.json"
rc=0
start=$(date +%s)
"$analyze" corpus "$work/corpus" --timeout 2 -j 2 >"$work/t2.txt" 2>&1 || rc=$?
took=$(( $(date +%s) - start ))
[ "$rc" = 8 ] || { cat "$work/t2.txt" >&2; fail "timeout corpus: expected exit 8, got $rc"; }
[ "$took" -lt 30 ] || fail "the hung case held the run for $took s"
grep -Eq '^hangs +.* TIMEOUT ' "$work/t2.txt" || fail "hung case not reported as TIMEOUT: $(cat "$work/t2.txt")"
grep -Eq "^  badjson: bad-expected: .*unknown key 'max_rnk'" "$work/t2.txt" || fail "bad expected.json not reported"
grep -Eq '^n100-igpu-rom-cffa +.* pass ' "$work/t2.txt" || fail "the good case did not pass beside the bad ones"
# a worker that dies is a failed case: the hung worker of a one-case corpus gets SIGSEGV
mkdir -p "$work/crash"
mv "$work/corpus/hangs" "$work/crash/"
# (in the ASan build, ASan would catch the SIGSEGV and abort: let the signal kill the worker)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0 \
	"$analyze" corpus "$work/crash" --timeout 60 -j 1 >"$work/t3.txt" 2>&1 &
parent=$!
child=
for _ in $(seq 1 100); do
	child=$(pgrep -P "$parent" || true)
	[ -n "$child" ] && break
	sleep 0.1
done
[ -n "$child" ] || fail "no worker process appeared"
sleep 0.3 # let the worker reach the FIFO
kill -SEGV "$child"
rc=0
wait "$parent" || rc=$?
[ "$rc" = 8 ] || { cat "$work/t3.txt" >&2; fail "crashed worker: expected exit 8, got $rc"; }
grep -Eq '^hangs +.* CRASH ' "$work/t3.txt" || fail "crashed worker not reported as CRASH: $(cat "$work/t3.txt")"
grep -q "^  hangs: crashed: worker killed by signal 11" "$work/t3.txt" || fail "no crash line: $(cat "$work/t3.txt")"
echo "corpus_broken_kb: regression detected, timeout and bad expected.json reported"
