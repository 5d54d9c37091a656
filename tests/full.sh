#!/usr/bin/env bash
# full.sh — when the disk gives out in the middle of a write, nothing is
# half-written: an import whose store writes fail leaves the store as it was
# and says so, a report that cannot be finished leaves no file behind, and
# both succeed once there is room. The disk is "full" for a command run
# under a file size limit (ulimit -f, with SIGXFSZ ignored so that a write
# past it fails rather than killing the process). Needs the row generator.
source "$(dirname "$0")/lib.sh"

# limited KB CMD...: run CMD, every file it writes held to KB kilobytes.
limited() {
  local kb=$1; shift
  (trap '' XFSZ; ulimit -f "$kb"; exec "$@")
}

expect_status 0 "$DSMS" init s.db
export DSMS_STORE=s.db
expect_status 0 "$DSMS" import --source P0001 "$EX/episodes.csv" "$EX/interventions.csv"
"$GEN" 20000 > big.csv
before=$(fingerprint s.db)

# The store's writes fail part way: refused, in words, and nothing changed.
expect_status 2 limited 2048 "$DSMS" import --source P0001 big.csv
expect_grep "disk|too large" err.txt
expect_grep "nothing was (stored|changed)" err.txt
expect_no_grep "INSERT|SELECT|PRAGMA" err.txt
expect_eq "$(fingerprint s.db)" "$before" "store after a failed write"
expect_eq "$(sqlite3 s.db 'pragma integrity_check')" "ok" "integrity after a failed write"
expect_status 0 "$DSMS" check s.db

# A report that cannot be finished: no report, not half of one, no temporary.
# (big.csv from P0002: every row is reported as from another organisation.)
expect_status 2 limited 64 "$DSMS" validate --source P0002 --report report.csv big.csv
expect_grep "report.csv: cannot write" err.txt
expect_grep "more diagnostics \(the report was not written\)" err.txt
expect_eq "$(ls report.csv* .report.csv* 2>/dev/null | wc -l)" "0" "files left by an unfinished report"

# With room again, both succeed.
expect_status 0 "$DSMS" import --source P0001 big.csv
expect_status 1 "$DSMS" validate --source P0002 --report report.csv big.csv
expect_eq "$(($(wc -l < report.csv) > 20000))" "1" "every diagnostic in the finished report"
finish
