#!/usr/bin/env bash
# safety.sh — what the store's safety checks cost on a national store: the
# damage check every write makes first (an import of a 12-row file, almost
# all of which is that check), dsms check (SQLite's full integrity check and
# dsms's invariants), and dsms compute with its disclosure control, whose
# share of the time compute prints. Each is run twice; wall time and peak
# memory from /usr/bin/time.
# Usage: bench/safety.sh [YEARS]   (default 5 simulated national years, seed 1,
#        in a scratch directory on /dev/shm)
# Environment: SCRATCH (default /dev/shm), BUILD (build directory, default build).
set -euo pipefail
cd "$(dirname "$0")/.."
years=${1:-5}
build=${BUILD:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target dsms_cli >/dev/null
dsms=$(pwd)/$build/dsms
examples=$(pwd)/data/examples
scratch=$(mktemp -d "${SCRATCH:-/dev/shm}/dsms-safety.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

timed() { # LABEL CMD...: wall time and peak memory of CMD, its output kept
  local label=$1; shift
  /usr/bin/time -f "$label: %e s, %M KB" -o time.txt "$@" > out.txt 2>&1 || true
  cat time.txt
}

"$dsms" simulate --out sim --years "$years" > /dev/null
"$dsms" init s.db > /dev/null
timed "import --tree of $years national years" "$dsms" import --store s.db --tree sim
echo "store: $(du -m s.db | cut -f1) MB"
for run in 1 2; do
  timed "import of 12 rows, run $run" "$dsms" import --store s.db --source P0001 \
    "$examples/episodes.csv"
done
for run in 1 2; do timed "dsms check, run $run" "$dsms" check s.db; done
for run in 1 2; do
  timed "dsms compute, run $run" "$dsms" compute --store s.db
  grep -E "^computed|hid|so that" out.txt
done
