#!/usr/bin/env bash
# kb_check.sh - the embedded knowledge base passes its own lint and tests through the real
# binary (`analyze kb lint`, `analyze kb test`), `kb list --format json` is valid JSON with one
# entry per knowledge/*.json, and a broken knowledge directory is refused with exit 6 (EXIT_KB)
# naming the file.
set -euo pipefail
analyze="$VD_BIN_DIR/analyze"
src="$VD_SOURCE_DIR"
fail() { echo "kb_check: $*" >&2; exit 1; }

"$analyze" kb lint || fail "kb lint failed on the embedded knowledge"
"$analyze" kb test || fail "kb test failed on the embedded knowledge"

n_files=$(ls "$src"/knowledge/*.json | wc -l)
n_list=$("$analyze" kb list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["signatures"]))')
[ "$n_files" = "$n_list" ] || fail "kb list shows $n_list signatures, knowledge/ has $n_files files"

# --kb DIR is read instead of the embedded knowledge
"$analyze" kb lint --kb "$src/knowledge" >/dev/null || fail "kb lint --kb knowledge/ failed"

work=$(mktemp -d /tmp/kb_check.XXXXXX)
trap 'rm -rf "$work"' EXIT
# an unknown key: refused, exit 6, the file named
sed 's/"prior":/"priority": 1, "prior":/' "$src/knowledge/rom-invalid-signature.json" >"$work/rom-invalid-signature.json"
rc=0
out=$("$analyze" kb lint --kb "$work" 2>&1) || rc=$?
[ "$rc" = 6 ] || fail "unknown key: expected exit 6, got $rc"
grep -q "rom-invalid-signature.json.*unknown key 'priority'" <<<"$out" || fail "unknown key not named: $out"
# a write through SQL: lint refuses it
python3 - "$src/knowledge/rom-invalid-signature.json" "$work/rom-invalid-signature.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["clauses"][2]["sql"] = "DELETE FROM devices WHERE bdf = :bdf"
json.dump(d, open(sys.argv[2], "w"))
PY
rc=0
out=$("$analyze" kb lint --kb "$work" 2>&1) || rc=$?
[ "$rc" = 6 ] || fail "DELETE in a clause: expected exit 6, got $rc"
grep -q "intel_igd" <<<"$out" || fail "DELETE clause not named: $out"
# a catastrophic pattern: lint flags it
python3 - "$src/knowledge/rom-invalid-signature.json" "$work/rom-invalid-signature.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["clauses"][1]["pattern"] = "vfio-pci: Cannot read device rom at (?:(?:a|a)+)+x"
json.dump(d, open(sys.argv[2], "w"))
PY
rc=0
out=$("$analyze" kb lint --kb "$work" 2>&1) || rc=$?
[ "$rc" = 6 ] || fail "catastrophic pattern: expected exit 6, got $rc"
grep -q "catastrophic backtracking" <<<"$out" || fail "backtracking not flagged: $out"
echo "kb_check: lint, test, list and refusals OK"
