#!/usr/bin/env bash
# fuzz.sh SECONDS - run every libFuzzer target of build-fuzz/ for SECONDS each, seeded from
# tests/fuzz/corpus/<target>/ (copied to a scratch dir so the tree is not written). Any crash fails.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
n=0
for bin in build-fuzz/bin/fuzz_*; do
	[ -x "$bin" ] || continue
	case "$bin" in *_replay) continue ;; esac
	name=$(basename "$bin")
	target=${name#fuzz_}
	mkdir -p "$scratch/$target"
	cp -r "tests/fuzz/corpus/$target/." "$scratch/$target/" 2>/dev/null || true
	echo "fuzz: $name for ${secs}s"
	"$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=1024 -timeout=10 \
		-artifact_prefix="$scratch/" "$scratch/$target" >"$scratch/$name.log" 2>&1 || {
		tail -40 "$scratch/$name.log"
		echo "fuzz: $name FAILED" >&2
		exit 1
	}
	grep -E '^(#[0-9]+[[:space:]]+DONE|Done [0-9]+ runs)' "$scratch/$name.log" | tail -1 || true
	n=$((n + 1))
done
echo "fuzz: $n targets ran clean"
