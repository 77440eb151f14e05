#!/usr/bin/env bash
# test.sh - install, build and run the whole test suite: format and banned-call checks, the
# release build's ctest, the ASan+UBSan build's ctest, and a brief run of every libFuzzer target.
# Idempotent; the README's test command. FUZZ_SECONDS (default 5) bounds each fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

bash tools/deps.sh
bash tools/check-format
bash tools/check-banned

echo "== release build + tests"
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release

echo "== ASan + UBSan build + tests"
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan

echo "== libFuzzer targets (${FUZZ_SECONDS:-5} s each)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
bash tools/fuzz.sh "${FUZZ_SECONDS:-5}"

echo "== all tests passed in $(( $(date +%s) - start )) s"
