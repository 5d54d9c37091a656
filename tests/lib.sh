# lib.sh — shared by the shell tests: a scratch directory, counted checks and
# the closing "N passed, N failed" line. Source it with the dsms binary and the
# source tree as $1 and $2.
set -u
DSMS=$(realpath "$1")
SRC=$(realpath "$2")
GEN=$(realpath "${3:-/dev/null}")  # the row generator, for tests that need volume
EX=$SRC/data/examples
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dsms-sh-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export DSMS_TODAY=2026-06-30 DSMS_USER=tester
unset DSMS_STORE DSMS_KEY DSMS_DATA
passed=0 failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# expect_status WANT CMD...: run CMD, check its exit status.
expect_status() {
  local want=$1; shift
  "$@" >out.txt 2>err.txt; local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "exit $got, expected $want: $* ($(head -c 400 err.txt))"; fi
}
# expect_grep PATTERN FILE: FILE has a line matching PATTERN (extended regex).
expect_grep() { if grep -Eq -- "$1" "$2"; then ok; else bad "no '$1' in $2: $(head -c 400 "$2")"; fi; }
expect_no_grep() { if grep -Eq -- "$1" "$2"; then bad "unexpected '$1' in $2"; else ok; fi; }
expect_eq() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }
# A store's whole content, for before/after comparisons.
fingerprint() { sqlite3 "$1" .dump | sha256sum | cut -d' ' -f1; }
# SQL that takes a new store back to schema 4: without schema 5's additions.
SCHEMA4="alter table results drop column by_occurrence; drop view v_deaths;
  alter table deaths drop column registration_date; create view v_deaths as select * from deaths"
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
