#!/usr/bin/env bash
# ingest_errors.sh - bad inputs to the real `analyze`: each gives exactly one message on stderr,
# naming the input, and the exit code docs/exit-codes.md documents (3 unreadable, corrupt or
# unknown input; 4 a limit; 7 an output that must not be overwritten; 2 usage). Archives are
# built here from real files (linuxhw/0001); big ones are sparse, so the test stays small.
set -euo pipefail
analyze=${VD_BIN_DIR:?}/analyze
shared=${VD_SHARED_DIR:?}
work=$(mktemp -d /tmp/ingest_errors.XXXXXX)
trap 'rm -rf "$work"' EXIT
fails=0

# expect CODE PATTERN ARGS...: exit code CODE, one stderr line matching PATTERN
expect() {
	local code=$1 pattern=$2 rc=0
	shift 2
	"$analyze" "$@" >"$work/out" 2>"$work/err" || rc=$?
	local lines
	lines=$(wc -l <"$work/err")
	if [ "$rc" != "$code" ] || [ "$lines" != 1 ] || ! grep -q -- "$pattern" "$work/err"; then
		echo "FAIL: analyze $*: exit $rc (want $code), $lines stderr lines (want 1):"
		sed 's/^/    /' "$work/err"
		fails=$((fails + 1))
	else
		echo "ok: exit $rc: $(cat "$work/err")"
	fi
}

b=$work/vfio-bundle-h1-20261121T000000Z
mkdir -p "$b/cmd"
cp "$shared/corpus/linuxhw/0001/dmesg.txt" "$b/cmd/dmesg"
cp "$shared/corpus/linuxhw/0001/lspci.txt" "$b/cmd/lspci-nnkvv"
tar -C "$work" -czf "$work/good.tar.gz" vfio-bundle-h1-20261121T000000Z

# unreadable: a path that does not exist, and a directory that cannot be listed
expect 3 "cannot open '$work/missing.txt'" "$work/missing.txt"
# corrupt: a gzip cut short, and zip bytes that stop after the local header
head -c 3000 "$work/good.tar.gz" >"$work/cut.tar.gz"
expect 3 "'$work/cut.tar.gz': corrupt or unreadable archive" "$work/cut.tar.gz"
(cd "$work" && zip -qr good.zip vfio-bundle-h1-20261121T000000Z)
head -c 200 "$work/good.zip" >"$work/cut.zip"
expect 3 "'$work/cut.zip'" "$work/cut.zip"
# unknown binary: an ELF executable is neither a bundle nor a ROM nor config space
head -c 8192 "$(command -v bash)" >"$work/elf.bin"
expect 3 "'$work/elf.bin': binary data of no known kind" "$work/elf.bin"
# oversized entry: a sparse 65 MiB member of an otherwise real bundle
truncate -s 65M "$b/cmd/big"
tar -C "$work" -cSf "$work/big.tar" vfio-bundle-h1-20261121T000000Z
rm "$b/cmd/big"
expect 4 "'$work/big.tar': entry 'cmd/big' is larger than 67108864 bytes" "$work/big.tar"
# oversized loose file
truncate -s 65M "$work/big.log"
expect 4 "'$work/big.log' is larger than 67108864 bytes" "$work/big.log"
# too many entries: 20001 empty files
mkdir -p "$work/many/vfio-bundle-h1-20261121T000000Z/cmd"
(cd "$work/many/vfio-bundle-h1-20261121T000000Z/cmd" && seq -f 'f%05g' 1 20001 | xargs touch)
tar -C "$work/many" -czf "$work/many.tar.gz" vfio-bundle-h1-20261121T000000Z
expect 4 "'$work/many.tar.gz': more than 20000 entries" "$work/many.tar.gz"
expect 4 "more than 20000 entries" "$work/many"
# an archive bomb: 240 MiB of zeros that zstd packs into a few KiB
mkdir -p "$work/bomb/x/cmd"
truncate -s 60M "$work/bomb/x/cmd/a" "$work/bomb/x/cmd/b" "$work/bomb/x/cmd/c" "$work/bomb/x/cmd/d"
tar -C "$work/bomb" -cf - x | zstd -q >"$work/bomb.tar.zst"
rm -rf "$work/bomb"
expect 4 "'$work/bomb.tar.zst': expands more than 1000 times" "$work/bomb.tar.zst"
# --db refuses to overwrite what is not a fact store
cp "$shared/corpus/linuxhw/0001/dmesg.txt" "$work/precious.txt"
expect 7 "'$work/precious.txt' exists and is not a vfio-doctor fact store" --classify --db "$work/precious.txt" "$work/good.tar.gz"
cmp -s "$work/precious.txt" "$shared/corpus/linuxhw/0001/dmesg.txt" || { echo "FAIL: --db changed the file"; fails=$((fails + 1)); }
# query: writes are refused; usage errors
expect 2 "SQL refused: only reading is allowed" query "$work/good.tar.gz" --sql "DELETE FROM lines"
expect 2 "SQL refused" query "$work/good.tar.gz" --sql "ATTACH DATABASE '$work/x.db' AS x"
expect 2 "no INPUT given" --classify
# SQL memory is capped (MAX_SQL_HEAP_BYTES): a query that asks for 900 MB stops with exit 4
expect 4 "more than 448 MiB of SQLite memory (limit)" query "$work/good.tar.gz" --sql "SELECT length(randomblob(900000000))"
expect 2 "unknown option '--frobnicate'" --frobnicate "$work/good.tar.gz"
expect 2 "unknown format 'pdf'" --format pdf "$work/good.tar.gz"
# nothing to read: an empty file, an empty directory, an empty archive
: >"$work/empty.txt"
mkdir -p "$work/emptydir"
tar -C "$work/emptydir" -czf "$work/empty.tar.gz" .
expect 3 "'$work/empty.txt' holds nothing to read" "$work/empty.txt"
expect 3 "'$work/emptydir' holds nothing to read" "$work/emptydir"
expect 3 "'$work/empty.tar.gz' holds nothing to read" "$work/empty.tar.gz"
expect 3 "none of the 2 INPUTs holds anything to read" "$work/empty.txt" "$work/emptydir"
# standard input gets the cap of one file when it is not an archive (70 MB of zeros here)
rc=0
head -c 73400320 /dev/zero | "$analyze" - >"$work/out" 2>"$work/err" || rc=$?
if [ "$rc" != 4 ] || [ "$(wc -l <"$work/err")" != 1 ] || ! grep -q "'standard input' is larger than" "$work/err"; then
	echo "FAIL: 70 MB on standard input: exit $rc (want 4):"
	sed 's/^/    /' "$work/err"
	fails=$((fails + 1))
else
	echo "ok: exit $rc: $(cat "$work/err")"
fi
# an option without its value is not an unknown option; no argument at all is one line too
expect 2 "no INPUT given"
expect 2 "option '--db' needs a value" --db
expect 2 "option '-o' needs a value" -o
expect 2 "option '-j' needs a value" corpus -j
expect 2 "option '-o' needs a value" diff -o
expect 2 "option '--sql' needs a value" query --sql

[ "$fails" = 0 ] || { echo "$fails failures"; exit 1; }
echo "all bad inputs rejected with one message"
