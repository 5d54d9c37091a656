#!/usr/bin/env bash
# serve.sh — load benchmark of dsms serve: a simulated nation's store served
# on a loopback port, read by load_client (bench/load.c) at a fixed open-loop
# rate for SECONDS, with the server's resident memory sampled every second;
# then the same load while a provider uploads a submission and the results
# are computed again in the background, timing how long after the upload
# finished the results' "as_of" changes.
# Phase 1: GET /api/v1/results for every measure x a spread of areas (England,
# the regions, every tenth local area) x financial year, and each measure's
# ranking of all areas, in a fixed shuffled order. Phase 2 needs a provider
# account (dsms user add, dsms user token); without one it is skipped, saying
# so.
# Usage: bench/serve.sh [SECONDS]   (default 60)
# Environment: PEOPLE (default 200000; 800000 is the national scale), YEARS (3),
#   RATE (requests a second, 1000), CONNECTIONS (8), READ_TOKEN (a bearer token
#   sent with every read, default none), SCRATCH (default /dev/shm),
#   BUILD (build directory, default build).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
people=${PEOPLE:-200000}
years=${YEARS:-3}
rate=${RATE:-1000}
connections=${CONNECTIONS:-8}
build=${BUILD:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target dsms_cli load_client >/dev/null
dsms=$(pwd)/$build/dsms
load=$(pwd)/$build/bench/load_client
scratch=$(mktemp -d "${SCRATCH:-/dev/shm}/dsms-serve.XXXXXX")
server=""
sampler=""
client=""

# Whatever happens: the server stopped (SIGTERM, then SIGKILL if it will not
# go), the background jobs ended, the scratch directory removed.
cleanup() {
  local rc=$?
  for pid in $client $sampler; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"
    for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server" 2>/dev/null; then
      echo "the server did not stop within 10 s of SIGTERM: killed" >&2
      kill -KILL "$server" 2>/dev/null || true
    fi
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$scratch"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$scratch"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; } # seconds since T

# ---- the store ------------------------------------------------------------------------
echo "simulating $people people over $years years, importing and computing..."
t0=$(now)
"$dsms" simulate --out sim --people "$people" --years "$years" --quiet
"$dsms" init s.db >/dev/null
"$dsms" import --store s.db --tree sim >/dev/null
"$dsms" compute --store s.db >/dev/null
echo "store: $(du -m s.db | cut -f1) MB, $(sqlite3 s.db 'select count(*) from results') results," \
  "made in $(since "$t0") s"

# ---- the paths: results a dashboard asks for ----------------------------------------
fy="period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'"
sqlite3 s.db "SELECT DISTINCT area_code FROM results WHERE level = 'area' ORDER BY 1" |
  awk 'NR % 10 == 1' > areas.txt
sqlite3 s.db "SELECT DISTINCT area_code FROM results WHERE level IN ('england', 'region')" \
  >> areas.txt
sqlite3 s.db <<EOF |
CREATE TEMP TABLE a (code TEXT PRIMARY KEY);
.import areas.txt a
SELECT DISTINCT '/api/v1/results?measure=' || measure || '&area=' || area_code ||
       '&period=' || period || '&limit=50'
FROM results WHERE area_code IN (SELECT code FROM a) AND $fy;
SELECT DISTINCT '/api/v1/results?measure=' || measure || '&period=' || period || '&limit=500'
FROM results WHERE level = 'area' AND $fy;
EOF
  awk 'BEGIN { srand(1) } { printf "%.8f\t%s\n", rand(), $0 }' | sort | cut -f2 > paths.txt
echo "paths: $(wc -l < paths.txt) ($(wc -l < areas.txt) areas, every measure and financial year)"

# ---- the server -----------------------------------------------------------------------
# Loopback, a request limit no client here reaches (the command's largest),
# no line per request.
"$dsms" serve --store s.db --listen 127.0.0.1:0 --rate 1000000 --quiet > url.txt 2> serve.log &
server=$!
for _ in $(seq 100); do
  [ -s url.txt ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
url=$(head -1 url.txt)
case $url in http://*) ;; *) echo "the server did not start: $(cat serve.log)" >&2; exit 1 ;; esac
url=${url%/}
echo "serving $url (pid $server)"
# The server reads the records into memory as it starts (its log says when):
# reads are measured once that is done.
for _ in $(seq 600); do
  grep -q "read the records" serve.log && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
grep "read the records" serve.log || echo "the server did not say it had read the records" >&2

# sample FILE: the server's resident memory (kB) every second, until killed.
sample() {
  while kill -0 "$server" 2>/dev/null; do
    awk '/^VmRSS:/ { print $2 }' "/proc/$server/status" >> "$1" 2>/dev/null || true
    sleep 1
  done
}
# memory FILE: min, max, first and last samples in MB, and how much the second
# half's peak is above the first half's (about 0 when memory is flat: the
# first seconds include each connection's store handle being opened).
memory() {
  awk '{ v[NR] = $1 / 1024 }
       END { if (!NR) exit
             lo = hi = v[1]; h1 = h2 = 0
             for (i = 1; i <= NR; i++) {
               if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i]
               if (i <= NR / 2) { if (v[i] > h1) h1 = v[i] } else if (v[i] > h2) h2 = v[i] }
             printf "server memory (VmRSS, %d samples): min %.1f MB, max %.1f MB, first %.1f MB," \
                    " last %.1f MB; second half over the first: %+.1f MB\n",
                    NR, lo, hi, v[1], v[NR], h2 - h1 }' "$1"
}
headers=()
[ -n "${READ_TOKEN:-}" ] && headers=(--header "Authorization: Bearer $READ_TOKEN")
run_load() { # OUT: load_client for SECONDS at RATE
  "$load" --url "$url" --rate "$rate" --seconds "$seconds" --connections "$connections" \
    --paths paths.txt "${headers[@]}" > "$1"
}

# ---- phase 1: reads alone -------------------------------------------------------------
echo
echo "== reads: $rate req/s for $seconds s over $connections connections"
sample rss1.txt & sampler=$!
run_load load1.txt || { cat load1.txt; echo "load_client failed" >&2; exit 1; }
kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=""
cat load1.txt
memory rss1.txt

# ---- phase 2: reads during an upload and its recomputation ---------------------------
echo
echo "== reads during an upload and the recomputation it starts"
latest=$(ls sim | grep -E '^[0-9]{4}-[0-9]{2}$' | sort | tail -1)
# The provider with the most episodes in the latest year sends them again.
read -r source upload < <(awk -F, -v p="$latest" '$1 == p && $3 == "episodes" && $5 > n {
                            n = $5; s = $2; f = $4 } END { print s, f }' sim/manifest.csv)
token=""
if ! "$dsms" user --help >/dev/null 2>&1; then
  echo "skipped: this dsms has no accounts (dsms user), so nothing can upload"
elif ! DSMS_PASSWORD=${DSMS_PASSWORD:-bench-password-not-secret} "$dsms" user add bench-upload \
         --role provider --scope "$source" --store s.db > user.txt 2>&1; then
  echo "skipped: no provider account could be made: $(tail -1 user.txt)"
elif ! token=$("$dsms" user token bench-upload --label bench --store s.db 2>user.txt |
               grep -o 'dsms_[0-9a-f]*' | head -1) || [ -z "$token" ]; then
  echo "skipped: no token for the provider account: $(tail -1 user.txt)"
  token=""
fi
as_of() { # the "as_of" of the results (a string or a number), or nothing
  curl -s --max-time 5 "${headers[@]/#--header/-H}" "$url/api/v1/results?limit=1" |
    grep -oE '"as_of" *: *("[^"]*"|[0-9.]+)' | head -1 |
    sed -E 's/^"as_of" *: *"?//; s/"$//' || true
}
if [ -n "$token" ]; then
  before=$(as_of)
  [ -n "$before" ] || echo "note: the results carry no \"as_of\": the wait cannot be timed"
  echo "upload: $upload ($(du -k "sim/$upload" | cut -f1) kB) as $source;" \
    "results as of: ${before:-?}"
  sample rss2.txt & sampler=$!
  run_load load2.txt & client=$!
  sleep "$(( seconds > 20 ? 5 : seconds / 4 ))"
  # The file again less its last row: a new submission (the same bytes would
  # be recognised as unchanged, and start no computation).
  head -n -1 "sim/$upload" >resubmission.csv
  u0=$(now)
  code=$(curl -s -o upload.txt -w '%{http_code}' --max-time 600 -X POST \
    -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
    --data-binary @resubmission.csv "$url/api/v1/submissions?source=$source" || true)
  u1=$(now)
  echo "upload: HTTP $code in $(awk -v a="$u0" -v b="$u1" 'BEGIN { printf "%.2f", b - a }') s:" \
    "$(head -c 200 upload.txt)"
  after=""
  case $code in 2??) ;; *) [ -n "$before" ] && echo "the upload was refused: no wait to time"
                           before="" ;; esac
  if [ -n "$before" ]; then
    # Every 100 ms, for as long as the load runs and two minutes more.
    limit=$(( ${u1%.*} + seconds + 120 ))
    while [ "$(date +%s)" -lt "$limit" ]; do
      after=$(as_of)
      [ -n "$after" ] && [ "$after" != "$before" ] && break
      after=""
      sleep 0.1
    done
    if [ -n "$after" ]; then
      echo "results as of $after: $(since "$u1") s after the upload finished"
    else
      echo "the results' as_of did not change within $seconds s + 120 s of the upload"
    fi
  fi
  wait "$client" || echo "load_client failed" >&2
  client=""
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=""
  cat load2.txt
  memory rss2.txt
fi

# ---- the end ------------------------------------------------------------------------------
kill -TERM "$server"
wait "$server" && stopped=0 || stopped=$?
server=""
echo
echo "server stopped on SIGTERM with status $stopped"
grep -v '^$' serve.log | tail -5 || true
