#!/usr/bin/env bash
# kill.sh — a process killed with SIGKILL in the middle of a large import
# leaves the store exactly as it was before that import, and a re-run then
# succeeds. Needs the row generator as $3.
source "$(dirname "$0")/lib.sh"
ROWS=${DSMS_KILL_ROWS:-400000}

expect_status 0 "$DSMS" init s.db
export DSMS_STORE=s.db
expect_status 0 "$DSMS" import --source P0001 "$EX/episodes.csv" "$EX/interventions.csv"
"$GEN" "$ROWS" > big.csv
before=$(fingerprint s.db)

"$DSMS" import --source P0001 big.csv > kill.out 2>&1 &
pid=$!
# Wait until the import is well under way: its uncommitted pages are
# spilling into the write-ahead log.
for _ in $(seq 1 600); do
  size=$(stat -c %s s.db-wal 2>/dev/null || echo 0)
  [ "$size" -gt 8000000 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if kill -9 "$pid" 2>/dev/null; then ok; else bad "the import finished before it could be killed (raise DSMS_KILL_ROWS)"; fi
wait "$pid" 2>/dev/null
echo "killed with the write-ahead log at $(stat -c %s s.db-wal 2>/dev/null || echo 0) bytes"

expect_eq "$(sqlite3 s.db 'pragma integrity_check')" "ok" "integrity after kill"
expect_eq "$(fingerprint s.db)" "$before" "store after kill"
expect_eq "$(sqlite3 s.db "select count(*) from submissions where table_name = 'episodes'")" "1" "no trace of the killed submission"

expect_status 0 "$DSMS" import --source P0001 big.csv
expect_grep "$ROWS rows read = $ROWS accepted \+ 0 quarantined" out.txt
expect_eq "$(sqlite3 s.db 'select count(*) from episodes')" "$((ROWS + 12))" "rows after re-run"
finish
