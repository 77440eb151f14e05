#!/usr/bin/env bash
# collect_valgrind.sh - the collector under valgrind on this machine, once (issue 7): a real run
# (this host's /proc, /sys, /etc and commands) with -o into a temporary directory must give no
# memory error and no leak: `valgrind --error-exitcode=1 --leak-check=full`. The commands the
# collector starts (lspci, dmesg, journalctl) are not traced (--trace-children=no). The bundle
# must exist afterwards and be a readable tar.gz. Skipped (77) only where valgrind is not
# installed, or when the binary is an ASan build (the two cannot run together).
set -euo pipefail
# the same sources as build/bin/collect, linked against the shared glibc (tests/CMakeLists.txt):
# under valgrind a static binary shows glibc's own start-up as errors and hides malloc
collect=${VD_BIN_DIR:?}/collect_dynamic
[ -x "$collect" ] || collect=${VD_BIN_DIR:?}/collect
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
if [ -n "${VD_BUILD_DIR:-}" ] && grep -q 'fsanitize=address' "$VD_BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
	echo "an ASan build: valgrind cannot run it"
	exit 77
fi
work=$(mktemp -d /tmp/collect_valgrind.XXXXXX)
trap 'rm -rf "$work"' EXIT

rc=0
valgrind --quiet --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --trace-children=no --child-silent-after-fork=yes \
	--log-file="$work/valgrind.log" \
	"$collect" -q --deadline 120 -o "$work/bundle.tar.gz" >"$work/out" 2>"$work/err" || rc=$?
# 0 complete, 10 partial (items a non-root or container run cannot read): both wrote a bundle;
# valgrind's own verdict is exit 1 with --error-exitcode=1
if [ "$rc" != 0 ] && [ "$rc" != 10 ]; then
	echo "FAIL: collect under valgrind exited $rc"
	cat "$work/err"
	cat "$work/valgrind.log"
	exit 1
fi
if [ -s "$work/valgrind.log" ]; then
	echo "FAIL: valgrind reported:"
	cat "$work/valgrind.log"
	exit 1
fi
tar -tzf "$work/bundle.tar.gz" >"$work/list" || { echo "FAIL: the bundle is not a readable tar.gz"; exit 1; }
grep -q '/manifest.json$' "$work/list" || { echo "FAIL: the bundle has no manifest.json"; exit 1; }
echo "collect under valgrind: exit $rc, $(wc -l <"$work/list") bundle members, no valgrind errors or leaks"
