#!/usr/bin/env bash
# run.sh — dsms serve's pages in a real browser (Chromium through playwright-core):
# who sees what, an upload fixed and sent again, disclosure control on every public
# page, accessibility (axe-core), the keyboard, each page's weight and origins.
# Screenshots of every main page, desktop and phone, go to $DSMS_SCREENSHOTS
# (default: e2e-screens/ in the directory the test is run from; none: no screenshots,
# a third less time).
#
# usage: run.sh DSMS SRC
# Without Chromium or tests/e2e/node_modules (npm ci there) the test is skipped
# (exit 77), unless DSMS_E2E_REQUIRED=1, as in CI, when it fails.
SCREENS=${DSMS_SCREENSHOTS:-$PWD/e2e-screens}
case "$SCREENS" in none) SCREENS= ;; /*) ;; *) SCREENS=$PWD/$SCREENS ;; esac
source "$(dirname "$0")/../lib.sh"
E2E=$SRC/tests/e2e
CHROMIUM=${DSMS_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}

# skip WHY: skipped (77) on a developer's machine, a failure where it is required.
skip() {
  if [ "${DSMS_E2E_REQUIRED:-0}" = 1 ]; then
    echo "e2e: cannot run: $1 (DSMS_E2E_REQUIRED=1)" >&2
    exit 1
  fi
  echo "e2e: SKIPPED: $1"
  exit 77
}
[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] ||
  skip "no Chromium (apt-get install chromium, or set DSMS_CHROMIUM)"
command -v node >/dev/null || skip "no node (Node.js 20 or later)"
[ -d "$E2E/node_modules/playwright-core" ] && [ -f "$E2E/node_modules/axe-core/axe.min.js" ] ||
  skip "no tests/e2e/node_modules (run: npm ci --prefix tests/e2e)"

export DSMS_PWHASH_FAST=1 DSMS_STORE=$WORK/dsms.db
# The store is made by $MAKER (tests/lib.sh: the optimised build when scripts/test.sh
# names it; under the sanitizers an import of the nation's 2,200 files takes a minute);
# the server is the build under test, or $DSMS_E2E_SERVER (.ci/run names the optimised
# build, to keep CI within its time: tests/web.sh and fuzz_replay_web hold the pages to
# the sanitizers).
SERVER=$DSMS
[ -x "${DSMS_E2E_SERVER:-}" ] && SERVER=$(realpath "$DSMS_E2E_SERVER")
ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)
# A small nation, two years. One provider's last year is held back from the
# import: the upload test sends its episodes through the provider page.
expect_status 0 "$MAKER" init
expect_status 0 "$MAKER" simulate --out nation --people 1500 --start-year 2023 --years 2 --seed 7 --no-early-warning
prov_a=$(cd nation/2024-25 && for p in P*; do
  [ -f "$p/episodes.csv" ] && echo "$(wc -l < "$p/episodes.csv") $p"; done | sort -k1,1nr -k2 |
  head -1 | cut -d' ' -f2)
mkdir held && mv "nation/2024-25/$prov_a" held/
expect_status 0 "$MAKER" import --tree nation
expect_status 0 "$MAKER" compute
# The national framework, as dsms init loads it (loaded here if it was not).
"$MAKER" framework list | grep -q '^national-2021 ' ||
  expect_status 0 "$MAKER" framework load "$SRC/data/frameworks/national-2021.yaml"
expect_grep '^national-2021 ' <("$MAKER" framework list)
prov_b=$(sqlite3 "$DSMS_STORE" "select source from submissions
  where source in (select code from providers)
  and source <> '$prov_a' group by source order by sum(accepted) desc, source limit 1")
area=$(sqlite3 "$DSMS_STORE" "select area_code from results where measure = 'in_treatment'
  and level = 'area' and period = '2024-25' and breakdown = 'all'
  and area_code in (select area_code from partnerships) order by numerator desc limit 1")
partnership=$(sqlite3 "$DSMS_STORE" "select partnership_code from partnerships
  where area_code = '$area'")
members=$(sqlite3 "$DSMS_STORE" "select group_concat(area_code, ',') from partnerships
  where partnership_code = '$partnership'")
expect_eq "$([ -n "$prov_a" ] && [ -n "$prov_b" ] && [ -n "$partnership" ] && echo yes)" yes \
  "two providers and a partnership in the simulated nation"

# One account for each role, with known passwords.
pw() { echo "e2e-$1-password-0123"; }
user() { DSMS_PASSWORD=$(pw "$1") expect_status 0 "$MAKER" user add "$@"; }
user national --role national
user area --role area --scope "$partnership"
user provider-a --role provider --scope "$prov_a"
user provider-b --role provider --scope "$prov_b"
echo "e2e: store made in $(($(ms) - t0)) ms"
if [ "$failed" -ne 0 ]; then finish; exit 1; fi

# The server on a free port, stopped whatever happens.
PID=
stop_server() {
  [ -n "$PID" ] || return 0
  kill -TERM "$PID" 2>/dev/null
  wait "$PID"
  local rc=$?
  PID=
  return $rc
}
trap 'stop_server; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
"$SERVER" serve --listen 127.0.0.1:0 --rate 1000000 --quiet >url.txt 2>serve.log &
PID=$!
for _ in $(seq 200); do [ -s url.txt ] && break; sleep 0.1; done
URL=$(head -1 url.txt)
case "$URL" in
  http://127.0.0.1:*) ok ;;
  *) bad "the server did not start: $(tail -5 serve.log)"; finish; exit 1 ;;
esac

[ -z "$SCREENS" ] || mkdir -p "$SCREENS"
t1=$(ms)
# Two files at a time (a browser each); the upload last and alone: it changes the
# results the others read.
(cd "$E2E" && export DSMS_URL="$URL" DSMS_CHROMIUM="$CHROMIUM" DSMS_SCREENSHOTS="$SCREENS" \
  DSMS_NATIONAL_USER=national DSMS_NATIONAL_PASSWORD="$(pw national)" \
  DSMS_AREA_USER=area DSMS_AREA_PASSWORD="$(pw area)" DSMS_AREA_SCOPE="$partnership" \
  DSMS_AREA_AREAS="$members" \
  DSMS_PROVIDER_A_USER=provider-a DSMS_PROVIDER_A_PASSWORD="$(pw provider-a)" \
  DSMS_PROVIDER_A="$prov_a" DSMS_PROVIDER_A_EPISODES="$WORK/held/$prov_a/episodes.csv" \
  DSMS_PROVIDER_B_USER=provider-b DSMS_PROVIDER_B_PASSWORD="$(pw provider-b)" \
  DSMS_PROVIDER_B="$prov_b"
  node --test --test-concurrency=2 --test-reporter=spec \
    access.test.mjs disclosure.test.mjs pages.test.mjs roles.test.mjs
  first=$?
  node --test --test-reporter=spec upload.test.mjs
  exit $((first | $?)))
rc=$?
echo "e2e: browser tests took $(($(ms) - t1)) ms"
[ "$rc" -eq 0 ] && ok ||
  bad "the browser tests failed (exit $rc); screenshots in ${SCREENS:-(none)}"
stop_server
expect_eq "$?" 0 "the server's exit status after SIGTERM"
# The sanitizers' reports, and any crash, are in the server's log.
expect_no_grep 'ERROR: (Address|Leak)Sanitizer|runtime error:' serve.log
if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' serve.log; then
  grep -E -m1 -A40 'ERROR: (Address|Leak)Sanitizer|runtime error:' serve.log >&2
elif [ "$failed" -ne 0 ]; then
  tail -20 serve.log >&2
fi
finish
