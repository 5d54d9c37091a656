# lib.sh — shared by the shell tests: a scratch directory, counted checks and
# the closing "N passed, N failed" line. Source it with the dsms binary and the
# source tree as $1 and $2.
set -u
DSMS=$(realpath "$1")
SRC=$(realpath "$2")
GEN=$(realpath "${3:-/dev/null}")  # the row generator, for tests that need volume
# What makes a test's fixtures (a simulated nation, imported, computed) when they are
# not what the test is about: the optimised build when scripts/test.sh names it
# ($DSMS_MAKER), so that the sanitizers' time goes to the commands under test.
MAKER=$DSMS
[ -x "${DSMS_MAKER:-}" ] && MAKER=$(realpath "$DSMS_MAKER")
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
# SQL that takes a new store back to schema 8: without schema 9's additions.
SCHEMA8="drop table alert_events; drop table alerts; drop table substances;
  drop table reporters; drop view v_ew_reports; drop table ew_reports;
  delete from codes where list in ('ew_source', 'matrix', 'adverse_effect', 'severity')"
# SQL that takes a new store back to schema 7: without schema 8's or 9's additions.
SCHEMA7="$SCHEMA8; drop table framework_status; drop table frameworks"
# SQL that takes a new store back to schema 6: without schema 7's or 8's additions.
SCHEMA6="$SCHEMA7; drop table series_values; drop table series"
# SQL that takes a new store back to schema 5: without schema 6's, 7's or 8's additions.
SCHEMA5="$SCHEMA6; drop trigger audit_no_update; drop trigger audit_no_delete;
  alter table audit drop column origin; drop table sessions; drop table tokens;
  drop table users; drop table partnerships"
# SQL that takes a new store back to schema 4: without schema 5's to 8's additions.
SCHEMA4="$SCHEMA5; alter table results drop column by_occurrence; drop view v_deaths;
  alter table results drop column incomplete_history;
  alter table prisons drop column opened; alter table prisons drop column closed;
  alter table deaths drop column registration_date; create view v_deaths as select * from deaths"
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
# expect_additive STORE: every count of every result adds up — each region's
# numerator and denominator are the sums of its areas', and England's the sum
# of every area's (data whose records all name an area), in every period the
# areas have (a single calendar year of deaths is for England and regions only). Prints the cells that
# do not and counts one failure for them.
expect_additive() {
  local sql="
    WITH a AS (
      SELECT r.measure, r.period, r.breakdown, r.category, x.region_code AS region,
             coalesce(r.numerator, 0) AS n, coalesce(r.denominator, 0) AS d
      FROM results r JOIN areas x ON x.code = r.area_code WHERE r.level = 'area'),
    sums AS (
      SELECT measure, period, breakdown, category, region AS code, sum(n) AS n, sum(d) AS d
      FROM a GROUP BY 1, 2, 3, 4, 5
      UNION ALL
      SELECT measure, period, breakdown, category, 'E92000001', sum(n), sum(d)
      FROM a GROUP BY 1, 2, 3, 4),
    tops AS (
      SELECT measure, period, breakdown, category, area_code AS code,
             coalesce(numerator, 0) AS n, coalesce(denominator, 0) AS d
      FROM results WHERE level IN ('region', 'england')
        AND (measure, period) IN (SELECT measure, period FROM a))
    SELECT t.measure, t.period, t.code, t.category, t.n, coalesce(s.n, 0), t.d, coalesce(s.d, 0)
    FROM tops t LEFT JOIN sums s USING (measure, period, breakdown, category, code)
    WHERE abs(t.n - coalesce(s.n, 0)) > 1e-6 * (1 + abs(t.n))
       OR abs(t.d - coalesce(s.d, 0)) > 1e-6 * (1 + abs(t.d))
    UNION ALL
    SELECT s.measure, s.period, s.code, s.category, 'missing', s.n, '', s.d
    FROM sums s LEFT JOIN tops t USING (measure, period, breakdown, category, code)
    WHERE t.code IS NULL AND (s.n <> 0 OR s.d <> 0)
    LIMIT 20;"
  local cells
  cells=$(sqlite3 -separator ' ' "$1" "$sql") || { bad "additivity check could not run on $1"; return; }
  local rows
  rows=$(sqlite3 "$1" "SELECT count(*) FROM results WHERE level = 'area'")
  if [ -z "$cells" ] && [ "$rows" -gt 0 ]; then ok
  else bad "results of $1 that do not add up (measure period code category n sum d sum): $cells"; fi
}
