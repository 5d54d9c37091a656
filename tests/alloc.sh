#!/usr/bin/env bash
# alloc.sh — every failure reaches the user: dsms import, compute and measures
# run with their Nth allocation failing (tests/failalloc.c, preloaded), for
# every N up to WALK and then a sample of the rest. Each run ends either as
# a run without the failure does (same exit status, same stored results or
# same output) or with a non-zero exit and a message on stderr, the store as
# it was; never by a signal, never with a sanitizer's report. $4 is the
# preloaded library. Under AddressSanitizer the library sits before the
# sanitizer's runtime, which then finds its malloc through dlsym like glibc's
# (verify_asan_link_order=0 lets it start so).
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
FAILALLOC=$(realpath "${4:-/nonexistent}" 2>/dev/null)
source "$(dirname "$0")/lib.sh"
if [ ! -f "$FAILALLOC" ]; then
  bad "no allocation-failing library to preload (\$4: '${4:-}')"
  finish
  exit
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
WALK=${DSMS_ALLOC_WALK:-50}       # every N from 1 to WALK
SAMPLE=${DSMS_ALLOC_SAMPLE:-20}   # then this many N, evenly spread over the rest
runs=0

expect_status 0 "$DSMS" simulate --out sim --people 300 --years 2 --start-year 2023 --seed 3
expect_status 0 "$DSMS" init s.db
cp s.db base.db && cp s.db.key base.db.key

# What a run leaves in the store, less the times (when it arrived, when computed).
content() {
  sqlite3 "$1" .dump | grep -Ev '^INSERT INTO (submissions|audit|computations) ' | sha256sum
}

# same_bytes BEFORE: s.db is BEFORE byte for byte, with no write-ahead log.
same_bytes() { cmp -s s.db "$1" && [ ! -s s.db-wal ]; }

# with_failure N CMD...: CMD with its Nth allocation failing; out.txt, err.txt, $rc.
with_failure() {
  local n=$1; shift
  DSMS_FAIL_ALLOC=$n LD_PRELOAD=$FAILALLOC "$@" >out.txt 2>err.txt
  rc=$?
  runs=$((runs + 1))
}

# The Ns to walk for a command that makes $1 allocations: every one to $2,
# then SAMPLE evenly spread over the rest.
points() {
  local total=$1 walk=$2 n step
  for ((n = 1; n <= walk && n <= total; n++)); do echo "$n"; done
  [ "$total" -gt "$walk" ] || return 0
  step=$(((total - walk) / SAMPLE + 1))
  for ((n = walk + step; n <= total; n += step)); do echo "$n"; done
}

# check_runs NAME WALK STORE_BEFORE WANT_RC WANT_CONTENT CMD...: walk N over
# CMD (every N to WALK, then a sample), each run on STORE_BEFORE as s.db;
# WANT_CONTENT is what a successful run leaves ("store:" and its content), or
# its stdout's sha256 when CMD only reads.
check_runs() {
  local name=$1 walk=$2 before=$3 want_rc=$4 want=$5; shift 5
  cp "$before" s.db && cp "$before.key" s.db.key
  DSMS_ALLOC_COUNT=$WORK/count LD_PRELOAD=$FAILALLOC "$@" >/dev/null 2>&1
  local total
  total=$(cat "$WORK/count")
  [ "$total" -gt 100 ] && ok || bad "$name: only $total allocations counted"
  local was walked=0 failures=0 n started=$SECONDS fresh=0
  was=$(fingerprint "$before")
  for n in $(points "$total" "$walk"); do
    [ "$fresh" -eq 1 ] || { cp "$before" s.db && rm -f s.db-wal s.db-shm; }
    with_failure "$n" "$@"
    fresh=0
    local what="$name with allocation $n failing" got=
    if [ "$rc" -ne "$want_rc" ]; then :
    elif [ "$want" = "${want#store:}" ]; then got=$(sha256sum <out.txt)
    else got="store:$(content s.db)"; fi
    if [ "$rc" -ge 128 ]; then
      bad "$what: killed by signal $((rc - 128)): $(head -c 300 err.txt)"
    elif grep -Eq 'Sanitizer|runtime error:' err.txt; then
      bad "$what: sanitizer report: $(grep -E -m1 'Sanitizer|runtime error:' err.txt)"
    elif [ "$rc" -eq "$want_rc" ] && [ "$got" = "$want" ]; then
      ok # ran through: all of it, as without the failure
    elif [ "$rc" -eq 0 ]; then
      bad "$what: exit 0, but not the full result"
    elif [ ! -s err.txt ]; then
      bad "$what: exit $rc with nothing said on stderr"
    elif same_bytes "$before"; then
      ok
      failures=$((failures + 1))
      fresh=1 # the next run can have it as it is
    elif [ "$(fingerprint s.db)" != "$was" ]; then
      bad "$what: exit $rc, but the store was changed: $(head -c 200 err.txt)"
    else
      ok
      failures=$((failures + 1))
    fi
    walked=$((walked + 1))
  done
  [ "$failures" -gt 0 ] && ok || bad "$name: no run failed: the allocation failures did not take"
  echo "$name: $total allocations, $walked runs, $failures failed with a message ($((SECONDS - started)) s)" >&2
}

# import: a provider's three files, one submission, into a new store (a
# tree's submissions are each kept or refused alone: not all or nothing).
cp base.db s.db && cp base.db.key s.db.key
files=("$EX/episodes.csv" "$EX/interventions.csv" "$EX/top.csv")
expect_status 0 "$DSMS" import --store s.db --source P0001 --quiet "${files[@]}"
check_runs import "$WALK" base.db 0 "store:$(content s.db)" \
  "$DSMS" import --store s.db --source P0001 --quiet "${files[@]}"

# The simulated nation, imported, for compute and measures.
cp base.db s.db && cp base.db.key s.db.key
expect_status 0 "$DSMS" import --store s.db --tree sim --quiet
cp s.db imported.db && cp s.db.key imported.db.key

# compute, on the imported store.
cp imported.db s.db && cp imported.db.key s.db.key
expect_status 0 "$DSMS" compute --store s.db --quiet
computed="store:$(content s.db)"
cp s.db computed.db && cp s.db.key computed.db.key
check_runs compute "$WALK" imported.db 0 "$computed" "$DSMS" compute --store s.db --quiet

# measures, reading the computed store: an area's table, and a ranking as JSON.
# The second shares the first's opening allocations: it walks a sample only.
walk=$WALK
for args in "--area england" "--measure in_treatment --format json --public"; do
  cp computed.db s.db && cp computed.db.key s.db.key
  # shellcheck disable=SC2086
  "$DSMS" measures --store s.db $args >want.txt 2>/dev/null
  [ -s want.txt ] && ok || bad "measures $args printed nothing"
  # shellcheck disable=SC2086
  check_runs "measures $args" "$walk" computed.db 0 "$(sha256sum <want.txt)" "$DSMS" measures --store s.db $args
  walk=0
done
# simulate: a failure leaves no tree behind, whole or partial (simulate.h);
# 40 N spread over its run, each run writing the whole nation.
sim_args=(--people 300 --years 2 --start-year 2023 --seed 3 --quiet)
DSMS_ALLOC_COUNT=$WORK/count LD_PRELOAD=$FAILALLOC "$DSMS" simulate --out t "${sim_args[@]}" \
  >/dev/null 2>&1
total=$(cat "$WORK/count") simulated=0 started=$SECONDS
for n in $(SAMPLE=40 points "$total" 0); do
  rm -rf t t.partial-*
  with_failure "$n" "$DSMS" simulate --out t "${sim_args[@]}"
  what="simulate with allocation $n failing"
  if [ "$rc" -ge 128 ]; then
    bad "$what: killed by signal $((rc - 128)): $(head -c 300 err.txt)"
  elif grep -Eq 'Sanitizer|runtime error:' err.txt; then
    bad "$what: sanitizer report: $(grep -E -m1 'Sanitizer|runtime error:' err.txt)"
  elif [ "$rc" -eq 0 ]; then
    diff -rq sim t >/dev/null && ok || bad "$what: exit 0, but not the same tree"
  elif [ ! -s err.txt ]; then
    bad "$what: exit $rc with nothing said on stderr"
  elif compgen -G "t*" >/dev/null; then
    bad "$what: exit $rc, but left $(echo t*)"
  else
    ok
    simulated=$((simulated + 1))
  fi
done
[ "$simulated" -gt 0 ] && ok || bad "simulate: no run failed: the allocation failures did not take"
echo "simulate: $total allocations, $simulated runs failed with a message ($((SECONDS - started)) s)" >&2

echo "$runs runs with an allocation failing" >&2
finish
