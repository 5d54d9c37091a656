#!/usr/bin/env bash
# simulate.sh — simulator benchmark: one national year (the default 800,000
# people, about 300,000 in treatment) written by `dsms simulate`, then three
# years, to show that memory does not grow with the number of years, then the
# one-year tree imported with `dsms import --tree`. Reports wall time, rows
# per second and peak memory.
# Usage: bench/simulate.sh [PEOPLE]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
people=${1:-800000}
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
out=bench/out
mkdir -p "$out"
export DSMS_TODAY=2026-11-28

timed() { # label command... -> prints "label seconds peak_kb"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >"$out/last.txt"
  read -r secs kb < "$out/time.txt"
  echo "$label $secs $kb"
}

rows() { awk -F, 'NR > 1 { n += $5 } END { print n }' "$1/manifest.csv"; }

report() { # label seconds kb rows
  awk -v l="$1" -v s="$2" -v kb="$3" -v r="$4" \
    'BEGIN { printf "%-34s %7.1f s %10d rows %9.0f rows/s %6d MB peak\n", l, s, r, r / s, kb / 1024 }'
}

for years in 1 3; do
  rm -rf "$out/nation-$years"
  read -r _ secs kb < <(timed sim build/dsms simulate --people "$people" --years "$years" \
                          --start-year 2023 --out "$out/nation-$years")
  report "simulate $years year(s)" "$secs" "$kb" "$(rows "$out/nation-$years")"
done
rm -f "$out"/sim.db*
build/dsms init "$out/sim.db" >/dev/null
read -r _ secs kb < <(timed imp build/dsms import --store "$out/sim.db" --tree "$out/nation-1")
report "import --tree, 1 year" "$secs" "$kb" "$(rows "$out/nation-1")"
