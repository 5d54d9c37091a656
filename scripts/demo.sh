#!/usr/bin/env bash
# demo.sh — the main job on a fresh machine: install what is needed, build,
# create a store in demo/, simulate a nation's submissions from 2020-21 (the
# national outcomes framework's baseline) to the last complete financial year,
# import them all, show what landed, compute every measure, show England's
# headline measures and England against the national framework, raise the
# early-warning alerts. With --serve,
# then serve the store on loopback (dsms serve), with a national account whose password is shown once.
set -euo pipefail
serve=0
case "${1:-}" in
  --serve) serve=1 ;;
  "") ;;
  *) echo "usage: scripts/demo.sh [--serve]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."

scripts/setup.sh

# The build: on a terminal, its progress on one line redrawn in place; the
# whole log is shown only when it fails.
echo "Building build/dsms (cmake, Release; a minute or two the first time)..."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
percent() {
  while IFS= read -r line; do
    case $line in "["*"%]"*) printf '\r\033[K  %.76s' "$line" ;; esac
  done
  printf '\r\033[K'
}
build() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j"$(nproc)"
}
if [ -t 1 ]; then
  build 2>&1 | tee "$log" | percent || { cat "$log" >&2; echo "demo: the build failed" >&2; exit 1; }
else
  build >"$log" 2>&1 || { cat "$log" >&2; echo "demo: the build failed" >&2; exit 1; }
fi
echo "built build/dsms"
dsms=build/dsms

rm -rf demo && mkdir demo
export DSMS_STORE=demo/dsms.db
$dsms init
echo
# From April 2020 to the last financial year complete today.
year=$(date +%Y) month=$(date +%m)
last=$(( 10#$month >= 4 ? year - 1 : year - 2 ))
echo "Simulating a nation the size of England's adult treatment system, 2020-21 to" \
  "$last-$(printf '%02d' $(( (last + 1) % 100 )))..."
$dsms simulate --out demo/nation --start-year 2020 --years $(( last - 2020 + 1 ))
echo
echo "Importing every submission: one per provider, prison, police force and probation region..."
$dsms import --tree demo/nation --report demo/report.csv
echo
$dsms status --summary
echo
echo "How the simulated nation compares with its calibration targets (docs/simulation.md):"
$dsms simulate --calibration demo/nation | sed -n '/^figure/,$p'
echo
echo "Computing every measure for England, its regions and areas (docs/measures.md)..."
$dsms compute
echo
$dsms measures --area england --headline
echo
echo "England against the National Combating Drugs Outcomes Framework, as stored with the"
echo "results (docs/frameworks.md):"
echo
$dsms framework show national-2021
echo
echo "Early warning (docs/early-warning.md): every signal in the early-warning reports and"
echo "deaths since 2020, each raised as an alert; those of high severity, newest first:"
$dsms warn run --since all
# awk reads to the end (no head): a command cut short by a closed pipe would stop the demo
$dsms alerts list --state new | awk 'NR == 1 || ($5 == "high" && shown++ < 15)'
echo
echo "Writing England's annual report and Birmingham's local report as published (with"
echo "disclosure control), as HTML and PDF (docs/reports.md):"
mkdir -p demo/reports
$dsms report national --public --format html,pdf --out demo/reports
$dsms report area E08000025 --public --format html,pdf --out demo/reports
if [ "$serve" -eq 1 ]; then
  echo
  echo "Serving the store on loopback (docs/serve.md); Ctrl-C stops it. Open"
  echo "http://127.0.0.1:8080/ for England's public profile (docs/dashboard.md); log in"
  echo "as 'national' with the password below, shown this once (dsms user passwd national"
  echo "sets another), for the national team's view:"
  $dsms user add national --role national --generate-password | sed -n 's/^password: /  password: /p'
  echo "The server's address, then a line for each request:"
  exec $dsms serve
fi
