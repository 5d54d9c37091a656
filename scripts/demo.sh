#!/usr/bin/env bash
# demo.sh — the main job on a fresh machine: install what is needed, build,
# create a store in demo/, take the example submissions in data/examples/ and
# show what landed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
dsms=build/dsms

rm -rf demo && mkdir demo
export DSMS_STORE=demo/dsms.db
$dsms init
ex=data/examples
$dsms import --source P0001 $ex/episodes.csv $ex/interventions.csv $ex/top.csv
$dsms import --source HMP01 $ex/prison_releases.csv
$dsms import --source F01   $ex/drug_tests.csv
$dsms import --source PR01  $ex/court_orders.csv
$dsms import --source ONS   $ex/deaths.csv
echo
echo "A resubmission with mistakes: bad rows are quarantined, the rest replace what was there."
status=0
$dsms import --source P0001 --report demo/report.csv $ex/with-errors/episodes.csv || status=$?
[ "$status" -le 1 ] || exit "$status"
echo "(exit status $status: some rows quarantined; every diagnostic is in demo/report.csv)"
echo
$dsms status
