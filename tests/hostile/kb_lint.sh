#!/usr/bin/env bash
# kb_lint.sh - knowledge safety (issue 7): `analyze kb lint --kb DIR` must reject a signature
# whose pattern backtracks catastrophically, whose SQL writes (or attaches, or runs two
# statements), or whose fix template could emit unbounded output. Each broken directory is made
# here from a real signature (knowledge/vfio-group-busy.json) with one change; the unchanged
# copy must lint clean, so a rejection is caused by the change alone. Lint exits 6 (EXIT_KB)
# and names the file and the clause.
# shellcheck source=hostile.inc
. "$(dirname "$0")/hostile.inc"

base=$source_dir/knowledge/vfio-group-busy.json

# mutate NAME PYTHON: writes $work/kb-NAME/vfio-group-busy.json with sig changed by PYTHON
mutate() {
	mkdir -p "$work/kb-$1"
	python3 - "$base" "$work/kb-$1/vfio-group-busy.json" "$2" <<'EOF'
import json, sys
src, dst, code = sys.argv[1:4]
sig = json.load(open(src))
pat = next(c for c in sig['clauses'] if c['type'] == 'pattern')
sql = next(c for c in sig['clauses'] if c['type'] == 'sql')
exec(code)
json.dump(sig, open(dst, 'w'), indent=1)
EOF
}

# lint_rejects NAME PATTERN: exit 6 and a problem line naming the file and matching PATTERN
lint_rejects() {
	local name=$1 pattern=$2 rc=0
	(cd "$work/cwd" && timeout 60 "$analyze" kb lint --kb "$work/kb-$name" >"$work/res/$name.out" 2>"$work/res/$name.err") || rc=$?
	checks=$((checks + 1))
	if [ "$rc" != 6 ] || ! grep -qE -- "vfio-group-busy.json.*$pattern" "$work/res/$name.out" "$work/res/$name.err"; then
		fail "$name: kb lint exit $rc (want 6 and a problem matching '$pattern'):"
		cat "$work/res/$name.out" "$work/res/$name.err" | head -5 | cut -c1-300 | sed 's/^/    /'
	else
		echo "ok: $name: exit 6: $(grep -hE -- "$pattern" "$work/res/$name.out" "$work/res/$name.err" | head -1 | cut -c1-200)"
	fi
}

mutate clean ''
rc=0
(cd "$work/cwd" && "$analyze" kb lint --kb "$work/kb-clean" >"$work/res/clean.out" 2>&1) || rc=$?
checks=$((checks + 1))
[ "$rc" = 0 ] || fail "the unchanged copy of vfio-group-busy.json does not lint clean (exit $rc): $(head -3 "$work/res/clean.out")"

# catastrophic backtracking, built from the clause's own literal: nested quantifiers over what
# the literal's words are made of, then a character the subject never has
mutate nested_plus "pat['pattern'] = '(?:Device or resource busy|(?:\\\\w+\\\\s?)+)+\$'"
lint_rejects nested_plus "busy_line.*catastrophic backtracking"
mutate alternation_star "pat['pattern'] = 'Device or resource busy(?:a|aa|a a)*X'"
lint_rejects alternation_star "busy_line.*catastrophic backtracking"
mutate dotstar_chain "pat['pattern'] = 'Device or resource busy.*.*.*.*.*.*.*.*=\\\\d{7}\$'"
lint_rejects dotstar_chain "busy_line.*catastrophic backtracking"
# polynomial backtracking over a two-character unit: lazy dots up to each of nine commas (the
# audit's case; a repeated single character never reaches the limit)
mutate comma_chain "pat['pattern'] = 'Device or resource busy(?:.*?,){9}=\\d'"
lint_rejects comma_chain "busy_line.*catastrophic backtracking"

# SQL that writes or reaches outside the fact store
mutate sql_delete "sql['sql'] = 'DELETE FROM lines'"
lint_rejects sql_delete "(read-only|writes|refused)"
mutate sql_insert "sql['sql'] = \"INSERT INTO facts (input_id, scope, subject, key, value) VALUES (1, 'x', 'x', 'x', 'x')\""
lint_rejects sql_insert "(read-only|writes|refused|prepare)"
mutate sql_update "sql['sql'] = \"UPDATE inputs SET path = 'x'\""
lint_rejects sql_update "(read-only|writes|refused)"
mutate sql_cte_delete "sql['sql'] = 'WITH x AS (SELECT 1) DELETE FROM lines'"
lint_rejects sql_cte_delete "(read-only|writes|refused)"
mutate sql_attach "sql['sql'] = \"ATTACH DATABASE '/tmp/vd-evil.db' AS e\""
lint_rejects sql_attach "(read-only|writes|refused|ATTACH)"
mutate sql_pragma "sql['sql'] = 'PRAGMA writable_schema = 1'"
lint_rejects sql_pragma "(read-only|writes|refused|PRAGMA)"
mutate sql_two "sql['sql'] = 'SELECT 1 AS gpu; DELETE FROM lines'"
lint_rejects sql_two "(one statement|more than one|read-only|refused)"
mutate sql_create "sql['sql'] = 'CREATE TABLE evil (x)'"
lint_rejects sql_create "(read-only|writes|refused)"

# a fix template that could emit unbounded output: one captured variable repeated 500 times (3500 bytes of text)
# (each value may be a whole 8 KiB line), and a template whose own text passes MAX_FIX_BYTES
mutate fix_repeat "sig['fix'] = '{{bdf}}' * 500"
lint_rejects fix_repeat "fix.*(output|MAX_FIX_BYTES|bytes|references)"
mutate fix_huge "sig['fix'] = sig['fix'] + ' ' + 'x' * 10000"
lint_rejects fix_huge "fix.*(output|MAX_FIX_BYTES|bytes)"
[ ! -e /tmp/vd-evil.db ] || fail "lint attached /tmp/vd-evil.db"

# an empty knowledge directory (case: qsort of an empty name list, UB that UBSan stops on):
# it loads as zero signatures, for lint and for a run
mkdir -p "$work/kb-empty"
rc=0
(cd "$work/cwd" && "$analyze" kb lint --kb "$work/kb-empty" >"$work/res/empty.out" 2>&1) || rc=$?
checks=$((checks + 1))
[ "$rc" = 0 ] && grep -q '^0 signatures, 0 problems' "$work/res/empty.out" ||
	fail "kb lint of an empty directory: exit $rc: $(head -3 "$work/res/empty.out")"
expect_clean empty_kb_run --kb "$work/kb-empty" "$shared/corpus/linuxhw/0001/dmesg.txt"
finish
