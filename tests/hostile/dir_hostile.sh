#!/usr/bin/env bash
# dir_hostile.sh - an unpacked bundle directory as a stranger might leave it: an empty
# subdirectory, symlinks to files and directories outside it, a FIFO (which must not block the
# walk), directories nested past MAX_DIR_DEPTH, an unreadable file. A bounded analysis: exit 0,
# the real files read, each oddity skipped with a warning, nothing outside the directory read
# (a sentinel file's text never reaches the fact store).
# shellcheck source=hostile.inc
. "$(dirname "$0")/hostile.inc"

b=$work/in/vfio-bundle-h1-20261121T000000Z
real_bundle "$b"
sentinel=$work/secret.txt
echo "SENTINEL-d1r-never-read" >"$sentinel"
mkdir -p "$b/etc/modprobe.d" "$b/var/log/empty"
ln -s "$sentinel" "$b/proc/cmdline"
ln -s "$work" "$b/etc/modprobe.d/outside"
ln -s ../../../../../../../../etc/passwd "$b/etc/modules"
mkfifo "$b/cmd/lspci-tv"
deep=$b/var
for i in $(seq 1 20); do deep=$deep/d$i; done
mkdir -p "$deep"
cp "$shared/corpus/linuxhw/0001/dmesg.txt" "$deep/dmesg"

# an empty directory alone (case: qsort of an empty name list, UB that UBSan stops on), its
# one file nested deeper than the reader goes: nothing to analyze, one error
expect_error empty_subdir 3 "holds nothing to read" "$b/var"
expect_warned dir_links "(symbolic link|link)" --format json "$b"
grep -q '"cmd/lspci-nnkvv"' "$work/res/dir_links.out" || fail "dir_links: the real cmd/lspci-nnkvv was not analyzed"
grep -qE "(FIFO|fifo|special)" "$work/res/dir_links.out" || fail "dir_links: the FIFO was not warned about"
grep -qE "(deep|depth)" "$work/res/dir_links.out" || fail "dir_links: nesting past MAX_DIR_DEPTH was not warned about"
rc=0
(cd "$work/cwd" && "$analyze" query "$b" --sql "SELECT count(*) FROM lines WHERE text LIKE '%SENTINEL-d1r%' OR text LIKE 'root:%'" >"$work/res/sentinel.out" 2>&1) || rc=$?
[ "$rc" = 0 ] && grep -qE "^ *0$" "$work/res/sentinel.out" || fail "a file outside the directory was read: $(cat "$work/res/sentinel.out")"
finish
