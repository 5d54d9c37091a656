#!/usr/bin/env bash
# web.sh — the dashboard's speed and weight: dsms serve started on a national
# store, then how long until England's profile is answered and how long it
# takes; each main page of each role, the first time (made) and the second
# (kept), with its weight; and every area's profile and every measure's page
# one after another, the slowest and the heaviest named.
# Usage: bench/web.sh [STORE]   (default: bench/reports.sh's store, made as it
#   makes it when missing). Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target dsms_cli >/dev/null
dsms=$(pwd)/build/dsms
out=bench/out
mkdir -p "$out"
export DSMS_TODAY=2026-11-28 DSMS_PASSWORD=bench-password-1234
store=${1:-$out/reports.db}
if [ ! -s "$store" ]; then
  rm -rf "$out/reports-nation" "$store"*
  $dsms init "$store" >/dev/null
  $dsms simulate --out "$out/reports-nation" --start-year 2022 --years 3 >/dev/null
  $dsms import --store "$store" --tree "$out/reports-nation" >/dev/null
  $dsms compute --store "$store" >/dev/null
fi
export DSMS_STORE=$store
q() { sqlite3 "$store" "$1"; }
area=$(q "select area_code from partnerships limit 1")
partnership=$(q "select partnership_code from partnerships where area_code = '$area'")
provider=$(q "select source from submissions where table_name = 'episodes'
  group by source order by sum(rows_read) desc limit 1")
for who in "bench-national national" "bench-area area --scope $partnership" \
    "bench-provider provider --scope $provider"; do
  # shellcheck disable=SC2086
  $dsms user remove ${who%% *} >/dev/null 2>&1 || true
  # shellcheck disable=SC2086
  $dsms user add ${who%% *} --role ${who#* } >/dev/null
done

log=$(mktemp)
start=$(date +%s.%N)
$dsms serve --listen 127.0.0.1:0 --quiet >"$out/web-url.txt" 2>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 600); do [ -s "$out/web-url.txt" ] && break; sleep 0.05; done
url=$(head -1 "$out/web-url.txt")
url=${url%/}
first=$(curl -s -o /dev/null -w '%{time_total}' "$url/")
now=$(date +%s.%N)
echo "England's profile, the first request after the server started listening: ${first} s"
echo "  (the server was started $(awk -v a="$start" -v b="$now" 'BEGIN { printf "%.1f", b - a }') s before it was answered)"
sleep 1
grep -E "public's results|read the records" "$log" | sed 's/^/  server: /'

# page JAR PATH: "made" and "kept" times and the bytes of two requests in a row
page() {
  local jar=$1 path=$2 a b size
  a=$(curl -s -b "$jar" -o /dev/null -w '%{time_total}' "$url$path")
  b=$(curl -s -b "$jar" -o "$out/web-page.html" -w '%{time_total} %{size_download}' "$url$path")
  size=${b#* }
  awk -v p="$path" -v a="$a" -v b="${b% *}" -v s="$size" \
    'BEGIN { printf "  %-40s %7.3f s %7.3f s %8.1f KB\n", p, a, b, s / 1024 }'
}
login() {
  curl -s -c "$out/web-$1.jar" -o /dev/null --data-urlencode "name=$1" \
    --data-urlencode "password=$DSMS_PASSWORD" "$url/login"
}
echo
printf "  %-40s %9s %9s %11s\n" page first second weight
: > "$out/web-public.jar"
for p in / "/area/$area" /measure/successful_completion /measure/in_treatment /measures \
    /framework "/?format=csv"; do
  page "$out/web-public.jar" "$p"
done
login bench-national
for p in /national "/provider/$provider" "/partnership/$partnership"; do
  page "$out/web-bench-national.jar" "$p"
done
login bench-area
page "$out/web-bench-area.jar" "/partnership/$partnership"
page "$out/web-bench-area.jar" "/area/$area"
login bench-provider
page "$out/web-bench-provider.jar" "/provider/$provider"

# every area's profile and every measure's page, made one after another
sweep() { # label paths...
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  for p in "$@"; do
    curl -s -o /dev/null -w "%{time_total} %{size_download} $p\n" "$url$p"
  done > "$out/web-sweep.txt"
  t1=$(date +%s.%N)
  sort -n "$out/web-sweep.txt" | tail -1 | awk -v l="$label" -v t="$(awk -v a="$t0" -v b="$t1" \
    'BEGIN { print b - a }')" -v n="$#" '{ printf "%s: %d pages in %.1f s; the slowest %s in %.3f s\n", l, n, t, $3, $1 }'
  sort -n -k2 "$out/web-sweep.txt" | tail -1 | awk '{ printf "  the heaviest %s, %.1f KB\n", $3, $2 / 1024 }'
}
echo
mapfile -t areas < <(q "select '/area/' || code from areas order by code")
sweep "every area's profile" "${areas[@]}"
mapfile -t measures < <($dsms measures --list 2>/dev/null | awk 'NR > 1 { print "/measure/" $1 }')
sweep "every measure's page" "${measures[@]}"
echo "the server's peak memory: $(grep VmHWM /proc/$pid/status | awk '{ printf "%.0f MB", $2 / 1024 }')"
