#!/usr/bin/env bash
# collect_static.sh - build/bin/collect is what a forum user can download and run anywhere
# (issue 4): `file` calls it statically linked, it needs no interpreter and no shared library,
# stripped it is at most 1 MiB, and it holds none of the analyzer's libraries (libarchive,
# SQLite, PCRE2, cJSON, libxml2). Skipped (77) in builds configured with VD_STATIC_COLLECTOR=OFF
# (the dev, asan and fuzz presets).
set -euo pipefail
collect=${VD_BIN_DIR:?run through ctest}/collect
fail() { echo "collect_static: $*" >&2; exit 1; }
grep -q '^VD_STATIC_COLLECTOR:BOOL=ON' "${VD_BUILD_DIR:?}/CMakeCache.txt" ||
	{ echo "collect is not built static in this build"; exit 77; }
command -v file >/dev/null || fail "file(1) is not installed (tools/deps.sh installs it)"

desc=$(file -b "$collect")
case $desc in
*"statically linked"*) ;;
*) fail "file says: $desc" ;;
esac
if readelf -l "$collect" | grep -q 'INTERP'; then fail "has a program interpreter"; fi
if readelf -d "$collect" 2>/dev/null | grep -q 'NEEDED'; then fail "needs shared libraries"; fi

work=$(mktemp -d /tmp/collect_static.XXXXXX)
trap 'rm -rf "$work"' EXIT
strip -o "$work/collect" "$collect"
size=$(stat -c %s "$work/collect")
[ "$size" -le 1048576 ] || fail "stripped size $size bytes is over 1 MiB"

# symbols of the analyzer's libraries must not be linked in
nm "$collect" >"$work/syms" 2>/dev/null || true
for sym in archive_read_new sqlite3_open pcre2_compile cJSON_Parse xmlReadMemory; do
	if grep -qw "$sym" "$work/syms"; then fail "links $sym"; fi
done
"$work/collect" --help >/dev/null || fail "the stripped binary does not run --help"
echo "collect_static: $desc; stripped $size bytes ($(( size * 100 / 1048576 ))% of 1 MiB)"
