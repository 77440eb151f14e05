#!/usr/bin/env bash
# deps.sh - install everything vfio-doctor needs to build and test on Debian 12 (idempotent).
# Runs apt-get as root (directly, or through sudo when not root).
set -euo pipefail

packages=(
	build-essential cmake pkg-config file
	libarchive-dev libpcre2-dev libcjson-dev libsqlite3-dev libxml2-dev zlib1g-dev libmd-dev
	clang libclang-rt-14-dev clang-format
	pciutils zstd xz-utils zip tar time sqlite3 jq
	python3 python3-jsonschema
	chromium
)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "deps.sh: need root (or sudo) to run: $*" >&2
		exit 1
	fi
}

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	as_root apt-get update -qq
	as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "deps.sh: all ${#packages[@]} packages present"
