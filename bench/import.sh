#!/usr/bin/env bash
# import.sh — import benchmark: N generated episode rows (default 1,000,000),
# validated, pseudonymised and stored by `dsms import` into a fresh store.
# Reports rows per second and peak memory, and peak memory at a quarter of
# the rows, to show that memory does not grow with the file.
# Usage: bench/import.sh [ROWS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
out=bench/out
mkdir -p "$out"

run() { # rows -> "seconds peak_kb"
  local n=$1
  build/bench/gen_episodes "$n" > "$out/episodes-$n.csv"
  rm -f "$out"/bench.db*
  build/dsms init "$out/bench.db" >/dev/null
  # Cold page cache is not the point: read the file once first.
  cat "$out/episodes-$n.csv" > /dev/null
  /usr/bin/time -f "%e %M" -o "$out/time.txt" \
    build/dsms import --store "$out/bench.db" --source P0001 "$out/episodes-$n.csv" >/dev/null
  cat "$out/time.txt"
}

small=$((rows / 4))
read -r s_small m_small < <(run "$small")
read -r secs peak < <(run "$rows")
bytes=$(stat -c %s "$out/episodes-$rows.csv")
validate=$( { /usr/bin/time -f "%e" build/dsms validate --store "$out/none.db" --source P0001 \
               "$out/episodes-$rows.csv" >/dev/null; } 2>&1 | tail -1 )
awk -v r="$rows" -v b="$bytes" -v s="$secs" -v p="$peak" -v sr="$small" -v ss="$s_small" \
    -v sp="$m_small" -v v="$validate" 'BEGIN {
  printf "import of %d episode rows (%.0f MB): %.2f s, %.0f rows/s, peak memory %.1f MB\n", r, b / 1e6, s, r / s, p / 1024
  printf "import of %d rows: %.2f s, %.0f rows/s, peak memory %.1f MB\n", sr, ss, sr / ss, sp / 1024
  printf "validate only (no store file) of %d rows: %.2f s, %.0f rows/s\n", r, v, r / v
}'
build/bench/sqlite_floor "$rows" 1 "$out/floor.db"
build/bench/sqlite_floor "$rows" 16 "$out/floor.db"
rm -f "$out"/episodes-*.csv "$out"/bench.db* "$out"/floor.db*
