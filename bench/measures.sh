#!/usr/bin/env bash
# measures.sh — measures benchmark: the same three measures (people in
# treatment, successful completion without re-presentation, continuity of care
# after prison) for every financial year of a simulated nation, by
#   dsms      init, import --tree, compute (compute when the binary has it)
#   DuckDB    straight from the CSV files (duckdb_measures.mjs, Node)
#   SQLite    the sqlite3 shell: .import the CSV files, then the same SQL
# Prints wall time and peak memory of each step, then the latest year's national
# figures from DuckDB and SQLite side by side. The two must agree to the last
# row, by area and group: the script fails when they do not.
# Per-area results: OUT/TOOL-MEASURE.csv (period,area_code,group,numerator,
# denominator), national rows with area_code "national".
# Usage: bench/measures.sh [DIR]   (default: simulate 5 national years, seed 1,
#        into a scratch directory on /dev/shm)
# Environment: OUT (default bench/out/measures), SCRATCH (default /dev/shm),
#        BUILD (build directory, default build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
out=${OUT:-bench/out/measures}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target dsms_cli >/dev/null
dsms=$build/dsms
mkdir -p "$out"
out=$(cd "$out" && pwd)
scratch=$(mktemp -d "${SCRATCH:-/dev/shm}/dsms-measures.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
results=$scratch/results.txt
: > "$results"

# timed TOOL STEP command... : wall time and peak resident memory (time -v)
timed() {
  local tool=$1 step=$2; shift 2
  /usr/bin/time -v -o "$scratch/time.txt" "$@"
  awk -v t="$tool" -v s="$step" '
    /Elapsed \(wall clock\)/ { n = split($NF, p, ":"); secs = 0
                               for (i = 1; i <= n; i++) secs = secs * 60 + p[i] }
    /Maximum resident set size/ { kb = $NF }
    END { printf "%s %s %.2f %.0f\n", t, s, secs, kb / 1024 }' "$scratch/time.txt" >> "$results"
}

if [ $# -ge 1 ]; then
  dir=$(cd "$1" && pwd)
else
  dir=$scratch/sim
  timed dsms simulate "$dsms" simulate --out "$dir" --years 5 --start-year 2020 --seed 1 >/dev/null
fi
measures="in_treatment successful_completion continuity_of_care"

# ---- (a) dsms ---------------------------------------------------------------
# The three measures alone (what the peers compute), then every measure: each
# reads the whole store, links people and builds journeys first.
"$dsms" init "$scratch/dsms.db" >/dev/null
timed dsms import "$dsms" import --store "$scratch/dsms.db" --tree "$dir" > "$out/dsms-import.txt"
timed dsms compute-3-measures "$dsms" compute --store "$scratch/dsms.db" \
  --measures "${measures// /,}" > "$out/dsms-compute-3.txt"
timed dsms compute-all "$dsms" compute --store "$scratch/dsms.db" > "$out/dsms-compute.txt"
# The results in the peers' form: financial years, England as "national",
# "all" and the substance groups, no empty cells.
for m in $measures; do
  breakdowns="'all', 'substance'"  # the peers give continuity of care for all only
  [ "$m" = continuity_of_care ] && breakdowns="'all'"
  sqlite3 -csv -header "$scratch/dsms.db" "
    SELECT period, CASE level WHEN 'england' THEN 'national' ELSE area_code END AS area_code,
           category AS \"group\", CAST(numerator AS INTEGER) AS numerator,
           CAST(denominator AS INTEGER) AS denominator
    FROM results WHERE measure = '$m' AND level IN ('area', 'england')
      AND period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'
      AND breakdown IN ($breakdowns) AND (numerator > 0 OR coalesce(denominator, 0) > 0)
    ORDER BY 1, 2, 3" > "$out/dsms-$m.csv"
done

# ---- (b) DuckDB -------------------------------------------------------------
[ -d bench/node_modules/@duckdb/node-api ] || npm --prefix bench install --no-audit --no-fund >/dev/null
timed duckdb all node bench/duckdb_measures.mjs "$dir" "$out" > "$scratch/duckdb.txt" 2> "$scratch/duckdb.err"
# The runner's own lines (peak: the high-water mark so far), then the process.
grep -v '^duckdb total' "$scratch/duckdb.txt" > "$scratch/steps.txt"
tail -1 "$results" | sed "s/^duckdb all/duckdb total/" >> "$scratch/steps.txt"
sed -i '$d' "$results"
cat "$scratch/steps.txt" >> "$results"

# ---- (c) SQLite -------------------------------------------------------------
db=$scratch/sqlite.db
pragmas="PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
PRAGMA temp_store = MEMORY; PRAGMA cache_size = -262144;"
ep_cols="provider_code, episode_ref, initials, date_of_birth, sex, consent, area_code,
  referral_date, first_intervention_date, setting, substance_1, substance_2, substance_3,
  discharge_date, discharge_reason, ost_at_exit"
rel_cols="prison_code, release_ref, initials, date_of_birth, sex, release_date,
  release_area_code, treatment_need"
{
  echo "$pragmas"
  echo "CREATE TABLE episodes_raw (period TEXT, $ep_cols);"
  echo "CREATE TABLE releases_raw (period TEXT, $rel_cols);"
  echo "BEGIN;"
  # Each file into a table made from its header (columns by name, in any
  # order), then into the year's rows with the period of its directory.
  find "$dir" -mindepth 3 -maxdepth 3 \( -name episodes.csv -o -name prison_releases.csv \) |
    sort | while read -r f; do
      period=$(basename "$(dirname "$(dirname "$f")")")
      case $f in
        */episodes.csv) table=episodes_raw cols=$ep_cols ;;
        *) table=releases_raw cols=$rel_cols ;;
      esac
      echo ".import --csv '$f' stage"
      echo "INSERT INTO $table SELECT '$period', ${cols//$'\n'/} FROM stage;"
      echo "DROP TABLE stage;"
    done
  echo "COMMIT;"
} > "$scratch/sqlite-import.sql"
rm -f "$db"
timed sqlite import sqlite3 -bail "$db" < "$scratch/sqlite-import.sql" >/dev/null
# One file a step, split at the "-- step: NAME" lines, each run by its own shell.
awk -v d="$scratch" '/^-- step: / { f = d "/sqlite-" $3 ".sql" } f { print > f }' \
  bench/sql/sqlite_prepare.sql bench/sql/measures.sql
for step in prepare $measures; do
  { echo "$pragmas"; cat "$scratch/sqlite-$step.sql"; } > "$scratch/run.sql"
  timed sqlite "$step" sqlite3 -bail "$db" < "$scratch/run.sql" >/dev/null
done
export_sql=""
for m in $measures; do
  export_sql+=".once '$out/sqlite-$m.csv'
SELECT period, area_code, grp AS \"group\", numerator, denominator FROM m_$m
ORDER BY period, area_code, grp;
"
done
timed sqlite export sqlite3 -bail -csv -header "$db" <<< "$export_sql" >/dev/null
awk '$1 == "sqlite" && $2 != "export" { s += $3; if ($4 > m) m = $4 }
     END { printf "sqlite total %.2f %.0f\n", s, m }' "$results" >> "$results"

# ---- report ------------------------------------------------------------------
echo "data: $dir ($(find "$dir" -name '*.csv' | wc -l) files), $(nproc) cores"
echo "$(head -1 "$scratch/duckdb.err"); SQLite $(sqlite3 --version | cut -d' ' -f1)"
printf '%-8s %-22s %9s %9s\n' tool step seconds "peak MB"
awk '{ printf "%-8s %-22s %9s %9s\n", $1, $2, $3, $4 }' "$results"
bad=0
for m in $measures; do
  if ! cmp -s "$out/duckdb-$m.csv" "$out/sqlite-$m.csv"; then
    echo "MISMATCH: $m differs between DuckDB and SQLite:" >&2
    diff "$out/duckdb-$m.csv" "$out/sqlite-$m.csv" | head -20 >&2
    bad=1
  fi
done
latest=$(tail -n +2 "$out/duckdb-in_treatment.csv" | cut -d, -f1 | sort | tail -1)
echo
echo "national figures, $latest"
printf '%-22s %-19s %22s %22s\n' measure group DuckDB SQLite
for m in $measures; do
  join -t, -j1 \
    <(awk -F, -v p="$latest" '$1 == p && $2 == "national" { print $3 "," $4 "," $5 }' \
        "$out/duckdb-$m.csv" | sort) \
    <(awk -F, -v p="$latest" '$1 == p && $2 == "national" { print $3 "," $4 "," $5 }' \
        "$out/sqlite-$m.csv" | sort) |
  awk -F, -v m="$m" 'function f(n, d) {
      return d == "" ? sprintf("%d", n) : sprintf("%d / %d = %.1f%%", n, d, 100 * n / d) }
    { printf "%-22s %-19s %22s %22s%s\n", m, $1, f($2, $3), f($4, $5),
        ($2 == $4 && $3 == $5) ? "" : "  DIFFERENT" }'
done
# dsms against the peers: the same rows, or how many differ (docs/measures.md
# and bench/README.md say why a definition may differ).
echo
printf '%-22s %s\n' measure "dsms against DuckDB (rows: period, area, group)"
for m in $measures; do
  total=$(tail -n +2 "$out/duckdb-$m.csv" | wc -l)
  differ=$(diff <(tail -n +2 "$out/duckdb-$m.csv") <(tail -n +2 "$out/dsms-$m.csv") | grep -c '^>' || true)
  if [ "$differ" -eq 0 ]; then printf '%-22s identical: %d rows\n' "$m" "$total"
  else printf '%-22s %d of %d rows differ\n' "$m" "$differ" "$total"; fi
done
# Speed: the peers' whole work for the three measures over dsms's.
awk '$1 == "dsms" && $2 == "compute-3-measures" { d = $3 }
     $1 == "dsms" && $2 == "compute-all" { a = $3 }
     $1 == "duckdb" && $2 == "total" { k = $3 }
     $1 == "sqlite" && $2 == "total" { s = $3 }
     $1 == "sqlite" && $2 == "import" { si = $3 }
     END { if (d > 0) {
             printf "\nDuckDB (load, prepare, 3 measures) / dsms compute of the 3 measures: %.1fx\n", k / d
             printf "SQLite (prepare, 3 measures, after its import) / dsms: %.1fx\n", (s - si) / d
             printf "SQLite (with its import) / dsms: %.1fx\n", s / d
             printf "dsms compute of every measure: %.2f s\n", a } }' "$results"
echo
if [ "$bad" -ne 0 ]; then
  echo "FAILED: DuckDB and SQLite do not agree (results in $out)" >&2
  exit 1
fi
echo "DuckDB and SQLite agree on every row (results in $out)"
