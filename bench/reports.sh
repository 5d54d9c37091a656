#!/usr/bin/env bash
# reports.sh — report benchmark: England's annual report and every area's
# local report, each in HTML, PDF and XLSX, from a national store (the
# default nation, 800,000 people, simulated over three years unless a store
# is given). Times one process writing them all (the results read once), and
# every area's shared between two processes, one per core. Reports wall time,
# files, bytes and peak memory.
# Usage: bench/reports.sh [STORE]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
out=bench/out
mkdir -p "$out"
export DSMS_TODAY=2026-11-28
store=${1:-}
if [ -z "$store" ]; then
  store=$out/reports.db
  rm -rf "$out/reports-nation" "$store"*
  build/dsms init "$store" >/dev/null
  build/dsms simulate --out "$out/reports-nation" --start-year 2022 --years 3 >/dev/null
  build/dsms import --store "$store" --tree "$out/reports-nation" >/dev/null
  build/dsms compute --store "$store" >/dev/null
fi
export DSMS_STORE=$store

timed() { # label command... -> prints "label seconds peak_kb"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null
  read -r secs kb < "$out/time.txt"
  echo "$label $secs $kb"
}

summary() { # label seconds kb dir
  local files bytes
  files=$(find "$4" -type f | wc -l)
  bytes=$(du -sb "$4" | cut -f1)
  awk -v l="$1" -v s="$2" -v kb="$3" -v f="$files" -v b="$bytes" \
    'BEGIN { printf "%-40s %6.1f s %5d files %7.1f MB %5d MB peak\n", l, s, f, b / 1e6, kb / 1024 }'
}

formats=html,pdf,xlsx
for kind in national "area all"; do
  dir=$out/reports-${kind// /-}
  rm -rf "$dir" && mkdir -p "$dir"
  # shellcheck disable=SC2086
  read -r _ secs kb < <(timed one build/dsms report $kind --format "$formats" --out "$dir")
  summary "report $kind, one process" "$secs" "$kb" "$dir"
done

# every area, shared between two processes: the areas' codes split in two
dir=$out/reports-two && rm -rf "$dir" && mkdir -p "$dir"
sqlite3 "$store" "select code from areas order by code" > "$out/areas.txt"
split -n l/2 "$out/areas.txt" "$out/half-"
start=$(date +%s.%N)
for half in "$out"/half-*; do
  build/dsms report area "$(paste -sd, "$half")" --format "$formats" --out "$dir" >/dev/null &
done
wait
end=$(date +%s.%N)
summary "report area (every area), two processes" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" 0 "$dir"
rm -f "$out"/half-* "$out/areas.txt"
