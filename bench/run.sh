#!/usr/bin/env bash
# run.sh - the whole benchmark table in one command (issue 8, docs/performance.md):
#
#   bash bench/run.sh [BUILD_DIR]     (default: build-bench, else build; configure it Release)
#
# 1. analyze on a typical bundle, on a 50 MB kernel log and on 100 small loose pastes: wall
#    time, CPU time, every stage of `analyze --timings`, peak RSS; beside the floor on the same
#    bytes (decompression plus one pcre2grep pass with every knowledge pattern) and the ratio.
# 2. scaling: time and peak RSS at 1, 10 and 100 MB of kernel log, per MB.
# 3. corpus throughput: `analyze corpus -j2` on 1,000 generated bundles.
# 4. collect: bench/bench_collect.sh (wall, RSS, bundle size, sos report beside it).
#
# The machine is shared and noisy: every figure is measured BENCH_RUNS times (default 3),
# analyze and its floor interleaved so both see the same load, and printed as min/median.
# CPU time (user+sys) is the steadier figure; the ratios use medians. Inputs are generated at
# run time by bench/gen_inputs.py in a scratch directory and removed afterwards.
#
# Environment: BENCH_RUNS (3), BENCH_CASES (1000), BENCH_BIG_MB (50), BENCH_SCALE ("1 10 100"),
# BENCH_SKIP (words of: main scale corpus collect), BENCH_KEEP=1 (keep the scratch dir),
# BENCH_NO_INSTALL=1 (never apt-get install GNU time, pcre2-utils or sosreport),
# BENCH_BASELINE=OTHER_BUILD_DIR (also run that build's analyze, interleaved, and print
# this/baseline: the before and after of an optimisation, measured side by side).
# Times come from bench/bench_time.c (wait4 rusage: microseconds), built here when missing.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}
if [ -z "$build" ]; then
	build=$here/build-bench
	[ -x "$build/bin/analyze" ] || build=$here/build
fi
analyze=$build/bin/analyze
collect=$build/bin/collect
runs=${BENCH_RUNS:-3}
cases=${BENCH_CASES:-1000}
big_mb=${BENCH_BIG_MB:-50}
scale=${BENCH_SCALE:-1 10 100}
skip=" ${BENCH_SKIP:-} "

[ -x "$analyze" ] || { echo "run.sh: no analyze at '$analyze' (build it first)" >&2; exit 1; }
base=${BENCH_BASELINE:+$BENCH_BASELINE/bin/analyze}
[ -z "$base" ] || [ -x "$base" ] || { echo "run.sh: no analyze at '$base'" >&2; exit 1; }

can_install() {
	[ "${BENCH_NO_INSTALL:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null
}
# GNU time: bench/bench_collect.sh reads peak RSS from it
if [ ! -x /usr/bin/time ] && can_install; then apt-get install -y time >/dev/null 2>&1; fi
if ! command -v pcre2grep >/dev/null && can_install; then
	apt-get install -y pcre2-utils >/dev/null 2>&1
fi
btime=$build/bin/bench_time
if [ ! -x "$btime" ]; then
	cmake --build "$build" --target bench_time >/dev/null 2>&1 ||
		{ echo "run.sh: cannot build bench_time in '$build'" >&2; exit 1; }
fi
have_floor=1
command -v pcre2grep >/dev/null || have_floor=0

work=$(mktemp -d /tmp/vd-bench.XXXXXX)
if [ "${BENCH_KEEP:-0}" = 1 ]; then
	echo "scratch: $work (kept)"
else
	trap 'rm -rf "$work"' EXIT
fi

# ---- measuring ----

# run_once NAME CMD...: one run; appends "wall cpu rss" to $work/m/NAME and the --timings
# stage figures, if the command printed them, to $work/m/NAME.stages.
run_once() {
	local name=$1
	shift
	mkdir -p "$work/m"
	"$btime" "$work/m/$name" "$@" >/dev/null 2>"$work/m/err"
	awk '
		$2 == "read" && $5 == "parse" && $8 == "store" { r = $3; p = $6; st = $9 }
		$2 == "knowledge" && $5 == "match" && $8 == "rank" { k = $3; m = $6; rk = $9; rp = $12 }
		END { if (r != "" && k != "") print r, p, st, k, m, rk, rp }
	' "$work/m/err" >>"$work/m/$name.stages"
}

# mstat NAME COL: "min median" of column COL (1 wall s, 2 cpu s, 3 rss KiB) of NAME's runs
mstat() {
	cut -d' ' -f"$2" "$work/m/$1" | sort -g | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "- -"; exit }
			med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			print v[1], med
		}'
}
med() { mstat "$1" "$2" | cut -d' ' -f2; }

# stages NAME: median of each --timings stage, in ms
stages() {
	[ -s "$work/m/$1.stages" ] || { echo "(no --timings output)"; return; }
	awk '
		{ for (i = 1; i <= NF; i++) { v[i, NR] = $i }; n = NR; nf = NF }
		END {
			split("read parse store knowledge match rank report", name, " ")
			for (i = 1; i <= nf; i++) {
				m = 0
				for (j = 1; j <= n; j++) a[j] = v[i, j] + 0
				# insertion sort, n is small
				for (j = 2; j <= n; j++) { x = a[j]; k = j - 1
					while (k >= 1 && a[k] > x) { a[k + 1] = a[k]; k-- }
					a[k + 1] = x }
				m = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
				printf "%s %.1f  ", name[i], m
			}
			printf "(ms, median)\n"
		}' "$work/m/$1.stages"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
bytes_of() { cat "$@" | wc -c; }

# side_by_side LABEL BYTES ANALYZE_CMD -- FLOOR_CMD: interleaved runs, then one table row
side_by_side() {
	local label=$1 bytes=$2 name
	shift 2
	local -a acmd=() fcmd=()
	while [ "$1" != -- ]; do acmd+=("$1"); shift; done
	shift
	fcmd=("$@")
	name=$(echo "$label" | tr -c 'a-zA-Z0-9\n' _)
	for _ in $(seq 1 "$runs"); do
		run_once "$name" "${acmd[@]}"
		[ "$have_floor" = 1 ] && run_once "$name.floor" "${fcmd[@]}"
		[ -n "$base" ] && run_once "$name.base" "$base" "${acmd[@]:1}"
	done
	printf '%-22s %8s MB  analyze wall %s s, cpu %s s, RSS %s MiB\n' "$label" "$(mb "$bytes")" \
		"$(mstat "$name" 1 | tr ' ' /)" "$(mstat "$name" 2 | tr ' ' /)" \
		"$(awk -v k="$(med "$name" 3)" 'BEGIN { printf "%.1f", k / 1024 }')"
	printf '%-22s %11s  stages: %s\n' "" "" "$(stages "$name")"
	if [ "$have_floor" = 1 ]; then
		printf '%-22s %11s  floor   wall %s s, cpu %s s, RSS %s MiB\n' "" "" \
			"$(mstat "$name.floor" 1 | tr ' ' /)" "$(mstat "$name.floor" 2 | tr ' ' /)" \
			"$(awk -v k="$(med "$name.floor" 3)" 'BEGIN { printf "%.1f", k / 1024 }')"
		printf '%-22s %11s  analyze/floor: cpu %sx, wall %sx (goal <= 2x)\n' "" "" \
			"$(ratio "$(med "$name" 2)" "$(med "$name.floor" 2)")" \
			"$(ratio "$(med "$name" 1)" "$(med "$name.floor" 1)")"
	fi
	[ -n "$base" ] && baseline_row "$name"
}

# baseline_row NAME: the baseline build's figures for NAME and this/baseline
baseline_row() {
	printf '%-22s %11s  baseline wall %s s, cpu %s s, RSS %s MiB; this/baseline: cpu %sx, wall %sx\n' \
		"" "" "$(mstat "$1.base" 1 | tr ' ' /)" "$(mstat "$1.base" 2 | tr ' ' /)" \
		"$(awk -v k="$(med "$1.base" 3)" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$(ratio "$(med "$1" 2)" "$(med "$1.base" 2)")" "$(ratio "$(med "$1" 1)" "$(med "$1.base" 1)")"
}

# ---- inputs ----

echo "vfio-doctor benchmarks: $(date -u +%FT%TZ), $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "analyze: $analyze ($(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'); $(grep -m1 CMAKE_BUILD_TYPE:STRING "$build/CMakeCache.txt" 2>/dev/null | cut -d= -f2) build)"
echo "runs: $runs per figure, min/median; cpu = user+sys; RSS = peak resident set (bench_time: wait4 rusage)"
[ -z "$base" ] || echo "baseline: $base, interleaved with every analyze run"
[ "$have_floor" = 1 ] || echo "floor: pcre2grep not available (apt-get install pcre2-utils); floor columns left out"
gen_cases=$cases
case "$skip" in *" corpus "*) gen_cases=0 ;; esac
python3 "$here/bench/gen_inputs.py" "$work/in" --cases "$gen_cases" --big-mb "$big_mb" \
	--scale "$(echo "$scale" | tr ' ' ,)" || exit 1
in=$work/in
pat=$in/patterns.txt
echo "floor: decompression (tar -xzO where the input is an archive) + one pcre2grep -f pass with all $(wc -l <"$pat") knowledge patterns"

if [[ "$skip" != *" main "* ]]; then
	echo
	echo "== 1. analyze against the floor"
	side_by_side "typical bundle" "$(tar -xzOf "$in/typical/bundle.tar.gz" | wc -c)" \
		"$analyze" --timings -o /dev/null "$in/typical/bundle.tar.gz" -- \
		sh -c 'tar -xzOf "$1" | pcre2grep -a -c -f "$2"' sh "$in/typical/bundle.tar.gz" "$pat"
	echo "  (typical: samples/pve-gpu-bar3-efifb as a .tar.gz of $(stat -c %s "$in/typical/bundle.tar.gz") bytes)"
	side_by_side "big kernel log" "$(bytes_of "$in"/big/*)" \
		"$analyze" --timings -o /dev/null "$in"/big/* -- \
		pcre2grep -a -c -f "$pat" "$in"/big/*
	side_by_side "100 loose pastes" "$(bytes_of "$in"/pastes/*)" \
		"$analyze" --timings -o /dev/null "$in"/pastes/* -- \
		pcre2grep -a -c -f "$pat" "$in"/pastes/*
	echo "  (pastes: seed 001 and the samples' loose files, 100 INPUTs of one analyze run)"
fi

if [[ "$skip" != *" scale "* ]]; then
	echo
	echo "== 2. scaling (linuxhw kernel logs repeated; inputs of at most 25 MB each)"
	for s in $scale; do
		name=scale_$s
		for _ in $(seq 1 "$runs"); do
			run_once "$name" "$analyze" -o /dev/null "$in/scale/$s"/*
			[ -n "$base" ] && run_once "$name.base" "$base" -o /dev/null "$in/scale/$s"/*
		done
		awk -v s="$s" -v w="$(med "$name" 1)" -v c="$(med "$name" 2)" -v r="$(med "$name" 3)" \
			'BEGIN { printf "%5d MB: wall %6.2f s, cpu %6.2f s, RSS %7.1f MiB | per MB: wall %5.3f s, cpu %5.3f s, RSS %5.2f MiB\n",
				s, w, c, r / 1024, w / s, c / s, r / 1024 / s }'
		[ -n "$base" ] && baseline_row "$name"
	done
	prev=
	for s in $scale; do
		if [ -n "$prev" ]; then
			awk -v a="$prev" -v b="$s" -v ca="$(med "scale_$prev" 2)" -v cb="$(med "scale_$s" 2)" \
				-v ra="$(med "scale_$prev" 3)" -v rb="$(med "scale_$s" 3)" 'BEGIN {
				printf "marginal %d -> %d MB: cpu %.3f s per MB, RSS %.2f MiB per MB\n",
					a, b, (cb - ca) / (b - a), (rb - ra) / 1024 / (b - a) }'
		fi
		prev=$s
	done
	first=${scale%% *}
	last=${scale##* }
	echo "linearity: cpu per MB at $last MB / at $first MB = $(ratio \
		"$(awk -v c="$(med "scale_$last" 2)" -v s="$last" 'BEGIN { print c / s }')" \
		"$(awk -v c="$(med "scale_$first" 2)" -v s="$first" 'BEGIN { print c / s }')")" \
		"(1.0 = linear); RSS at $last MB / at $first MB = $(ratio "$(med "scale_$last" 3)" "$(med "scale_$first" 3)")" \
		"for $((last / first))x the input"
fi

if [[ "$skip" != *" corpus "* ]]; then
	echo
	echo "== 3. corpus throughput: $cases bundles (linuxhw backgrounds, a catalog failure example or none); one run"
	if "$analyze" corpus --help >/dev/null 2>&1; then
		run_once corpus "$analyze" corpus "$in/corpus" -j2 -o "$work/corpus.out"
		[ -n "$base" ] && run_once corpus.base "$base" corpus "$in/corpus" -j2 -o "$work/corpus.base"
		w=$(med corpus 1)
		c=$(med corpus 2)
		awk -v n="$cases" -v w="$w" -v c="$c" -v r="$(med corpus 3)" 'BEGIN {
			printf "analyze corpus -j2: wall %.1f s, cpu %.1f s, largest RSS %.1f MiB\n", w, c, r / 1024
			printf "throughput: %.0f bundles/min by wall; %.0f bundles/min on 2 cores by cpu (goal >= 1000)\n",
				n * 60 / w, n * 60 / (c / 2) }'
		grep -E '^[0-9]+ cases:' "$work/corpus.out" | sed 's/^/verdicts: /'
		[ -n "$base" ] && baseline_row corpus
	else
		echo "corpus mode not built yet: measuring a loop of single analyze runs instead"
		n=$((cases < 100 ? cases : 100))
		run_once corpus_loop sh -c 'ls -d "$1"/c* | head -n "$3" | while read -r d; do
			"$2" -o /dev/null "$d/bundle.tar.gz"; done' sh "$in/corpus" "$analyze" "$n"
		awk -v n="$n" -v w="$(med corpus_loop 1)" 'BEGIN {
			printf "loop of %d single runs (1 core): %.1f s, %.0f bundles/min\n", n, w, n * 60 / w }'
	fi
fi

if [[ "$skip" != *" collect "* ]]; then
	echo
	echo "== 4. collect"
	if [ -x "$collect" ]; then
		bash "$here/bench/bench_collect.sh" "$collect" "$runs"
	else
		echo "collect not built at '$collect'"
	fi
fi
