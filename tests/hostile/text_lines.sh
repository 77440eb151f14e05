#!/usr/bin/env bash
# text_lines.sh - one loose file of 2,000,100 short lines (50 MB: the first 24 bytes of the real
# Polaris dmesg lines, over and over), past MAX_LINES: a bounded analysis that ignores the rest
# with a warning in the report, under 512 MiB (measured: about 466 MiB, the heaviest hostile
# input; two such files reach about 636 MiB, see docs/limits.md) and 60 s of CPU.
# shellcheck source=hostile.inc
. "$(dirname "$0")/hostile.inc"

python3 - "$source_dir/samples/amd-polaris-reset-bug/dmesg.txt" "$work/in/many-lines.log" <<'EOF'
import sys
lines = open(sys.argv[1], 'rb').read().splitlines(keepends=True)
short = [l[:24].rstrip(b'\n') + b'\n' for l in lines]
reps = 2000100 // len(short) + 1
open(sys.argv[2], 'wb').write(b''.join(short) * reps)
EOF
# about 12 s of CPU; a loaded 2-core machine stretched it to 55 s of wall time, so the wall
# clock gets more room here and run() holds the CPU time to 60 s
timeout_s=240
expect_warned many_lines "more than 2000000 lines, ignoring the rest" --format json "$work/in/many-lines.log"
finish
