#!/usr/bin/env bash
# limits_doc.sh - every cap lives in common/limits.h and has a row in docs/limits.md: each
# constant #defined in limits.h has a row (| `NAME` | ...), each row names a constant of
# limits.h, and no `#define MAX_` appears in analyzer/ or common/ outside limits.h.
# Allowlist (not caps on input; say why when adding one):
#   MAX_REGIONS  analyzer/parse/parse.h: BAR 0..5 and the expansion ROM, fixed by the hardware
set -euo pipefail
src=${VD_SOURCE_DIR:?}
fail() { echo "limits_doc: $*" >&2; exit 1; }
allow='^(MAX_REGIONS)$'

defined=$(sed -nE 's/^#define[[:space:]]+([A-Z][A-Z0-9_]*)[[:space:]].*/\1/p' "$src/common/limits.h" | sort -u)
documented=$(sed -nE 's/^\| `([A-Z][A-Z0-9_]*)` \|.*/\1/p' "$src/docs/limits.md" | sort -u)
[ -n "$defined" ] || fail "no #define found in common/limits.h"

missing=$(comm -23 <(echo "$defined") <(echo "$documented"))
[ -z "$missing" ] || fail "in common/limits.h, no row in docs/limits.md: $(echo $missing)"
stale=$(comm -13 <(echo "$defined") <(echo "$documented"))
[ -z "$stale" ] || fail "rows in docs/limits.md name no constant of common/limits.h: $(echo $stale)"

outside=$(cd "$src" && grep -rnE '^[[:space:]]*#[[:space:]]*define[[:space:]]+MAX_' analyzer common \
	--include='*.c' --include='*.h' | grep -v '^common/limits.h:' || true)
bad=""
while IFS= read -r hit; do
	[ -n "$hit" ] || continue
	name=$(sed -nE 's/^[^:]*:[0-9]+:[[:space:]]*#[[:space:]]*define[[:space:]]+(MAX_[A-Z0-9_]*).*/\1/p' <<<"$hit")
	[[ "$name" =~ $allow ]] || bad+="$hit"$'\n'
done <<<"$outside"
[ -z "$bad" ] || fail "caps defined outside common/limits.h (move them there, or allowlist a non-cap here):
$bad"
echo "limits_doc: $(echo "$defined" | wc -l) constants, all documented; no MAX_ outside limits.h"
