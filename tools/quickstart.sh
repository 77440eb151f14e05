#!/usr/bin/env bash
# quickstart.sh - install what is needed, build (binaries in build/bin/), and analyze a sample
# bundle that ships in the repo. Idempotent; the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
echo
echo "== build/bin/analyze samples/pve-gpu-bar3-efifb"
build/bin/analyze samples/pve-gpu-bar3-efifb
