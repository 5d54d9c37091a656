#!/usr/bin/env bash
# store.sh — a store and what guards it: reports never written over the
# store, its key or an input; a store refuses records under another key and
# keys without entropy; init never overwrites; damaged, truncated, read-only
# and altered stores are refused in plain words (no SQL) and left unchanged;
# dsms check finds each broken invariant.
source "$(dirname "$0")/lib.sh"

sum() { sha256sum "$1" | cut -d' ' -f1; }
# no_sql FILE: a message for users holds no SQL.
no_sql() { expect_no_grep 'INSERT|PRAGMA|SELECT|UPDATE |CREATE |BEGIN|dsms: store: ' "$1"; }

# Each part below has stores of its own, so that each shows its own failures.
expect_status 0 "$DSMS" init s.db
expect_grep 'fingerprint [0-9a-f]{16}' out.txt
fp=$(sqlite3 s.db "select value from meta where key = 'key_fingerprint'")
expect_eq "${#fp}" "16" "the store records a 16-digit key fingerprint"
expect_no_grep "$(tr -d '\n' < s.db.key)" <(sqlite3 s.db .dump)
expect_status 0 "$DSMS" import --store s.db --source P0001 "$EX/episodes.csv"
cp s.db good.db && cp s.db.key good.db.key
good_sum=$(sum good.db)
expect_status 0 "$DSMS" init other.db
other_fp=$(sqlite3 other.db "select value from meta where key = 'key_fingerprint'")

# ---- reports: never over the store, its key, SQLite's files or an input ----
cp good.db rep.db && cp good.db.key rep.db.key
export DSMS_STORE=rep.db
key_sum=$(sum rep.db.key)
store_sum=$(fingerprint rep.db)
for target in rep.db.key rep.db rep.db-wal rep.db-shm rep.db-journal; do
  [ -e "$target" ] && before=$(sum "$target") || before=none
  expect_status 2 "$DSMS" validate --source P0001 --report "$target" "$EX/with-errors/episodes.csv"
  expect_grep "$target: refusing to write there" err.txt
  [ -e "$target" ] && after=$(sum "$target") || after=none
  expect_eq "$after" "$before" "$target after a refused report"
done
expect_grep "write-ahead log of the store rep.db" <("$DSMS" validate --report rep.db-wal "$EX/episodes.csv" 2>&1)
expect_status 2 "$DSMS" import --source P0001 --report rep.db "$EX/with-errors/episodes.csv"
expect_grep 'that is the store rep.db' err.txt
# through another path to the same files
mkdir sub && ln -s .. up
expect_status 2 "$DSMS" validate --report sub/../rep.db.key "$EX/episodes.csv"
expect_status 2 "$DSMS" validate --report up/$(basename "$PWD")/rep.db.key "$EX/episodes.csv"
expect_grep 'that is the key file' err.txt
expect_eq "$(sum rep.db.key)" "$key_sum" "key after refused reports"
expect_eq "$(fingerprint rep.db)" "$store_sum" "store after refused reports"
expect_eq "$(sqlite3 rep.db 'pragma integrity_check')" "ok" "store after refused reports"
# its own input, by name and by hard link
cp "$EX/with-errors/episodes.csv" in.csv
ln in.csv in-link.csv
in_sum=$(sum in.csv)
expect_status 2 "$DSMS" import --source P0001 --report in.csv in.csv
expect_grep 'in.csv: refusing to write there: that is an input file' err.txt
expect_status 2 "$DSMS" validate --report in-link.csv in.csv
expect_eq "$(sum in.csv)" "$in_sum" "input after refused reports"
expect_eq "$(sqlite3 rep.db 'select count(*) from submissions')" "1" "nothing stored by refused imports"
# --tree: nothing inside the tree
mkdir -p tree/2025-01/P0001 && cp "$EX/episodes.csv" tree/2025-01/P0001/
expect_status 2 "$DSMS" import --tree tree --report tree/2025-01/report.csv
expect_grep 'refusing to write inside the input directory tree' err.txt
expect_status 2 "$DSMS" import --tree tree --report tree/2025-01/P0001/episodes.csv
expect_eq "$(sqlite3 rep.db 'select count(*) from submissions')" "1" "nothing stored by a refused tree import"
# a report elsewhere: written whole, the owner's alone, no temporary left
expect_status 1 "$DSMS" validate --report r.csv in.csv
expect_eq "$(stat -c %a r.csv)" "600" "report mode"
expect_grep '^file,line,table' r.csv
expect_eq "$(find . -maxdepth 1 -name '.*' ! -name . | wc -l)" "0" "temporaries left"

# ---- keys --------------------------------------------------------------------
export DSMS_STORE=s.db
store_sum=$(fingerprint s.db)
expect_status 2 "$DSMS" import --source P0001 --key other.db.key "$EX/interventions.csv"
expect_grep "other.db.key: this is not the key of store s.db" err.txt
expect_grep "key fingerprint $other_fp; the store's key has fingerprint $fp" err.txt
expect_grep 'nothing was stored' err.txt
expect_eq "$(fingerprint s.db)" "$store_sum" "store after an import under another key"
# keys without entropy, at load
printf '%064d\n' 0 > zero.key
python3 -c "print('00ff' * 16)" > two.key
python3 -c "print('000102030405060708090a0b0c0d0e0f' * 2)" > sixteen.key
chmod 600 zero.key two.key sixteen.key
expect_status 2 "$DSMS" import --source P0001 --key zero.key "$EX/interventions.csv"
expect_grep 'zero.key: not a usable key: its 32 bytes are all the same byte' err.txt
expect_status 2 "$DSMS" import --source P0001 --key two.key "$EX/interventions.csv"
expect_grep 'a pattern of 2 bytes repeated' err.txt
expect_status 2 "$DSMS" import --source P0001 --key sixteen.key "$EX/interventions.csv"
expect_grep 'a pattern of 16 bytes repeated' err.txt
expect_eq "$(fingerprint s.db)" "$store_sum" "store after weak keys"
# init: never over an existing key, never a store for it, nothing removed
cp other.db.key spare.key
expect_status 2 "$DSMS" init new.db --key spare.key
expect_grep 'spare.key: a key file already exists there; refusing to overwrite it' err.txt
[ ! -e new.db ] && ok || bad "init made a store for an existing key"
expect_eq "$(sum spare.key)" "$(sum other.db.key)" "existing key after a refused init"
expect_status 2 "$DSMS" init s.db --key fresh.key
[ ! -e fresh.key ] && ok || bad "init made a key for an existing store"
# a failed init removes what it made, and only that: here SQLite cannot
# make its shared-memory file, so the store cannot be set up
mkdir half.db-shm && echo "not init's" > half.db-wal
expect_status 2 "$DSMS" init half.db
no_sql err.txt
[ ! -e half.db ] && [ ! -e half.db.key ] && ok || bad "a failed init left its store or key"
[ -f half.db-wal ] && [ -d half.db-shm ] && ok || bad "a failed init removed files it did not make"
# a store made before fingerprints: the first import records one, once
expect_status 0 "$DSMS" init old.db
sqlite3 old.db "delete from meta where key = 'key_fingerprint'"
expect_status 1 "$DSMS" check old.db
expect_grep 'key: the store records no key fingerprint' out.txt
expect_status 0 "$DSMS" import --store old.db --source P0001 "$EX/episodes.csv"
expect_grep 'old.db: the store recorded no key fingerprint' err.txt
expect_status 0 "$DSMS" import --store old.db --source P0001 "$EX/interventions.csv"
expect_no_grep 'fingerprint' err.txt
expect_status 2 "$DSMS" import --store old.db --key other.db.key --source P0001 "$EX/top.csv"
expect_status 0 "$DSMS" check old.db

# ---- damaged stores: refused in words, left as they were ----------------------
# garbage over pages in the middle (the episodes table's root among them)
cp good.db bad.db && cp s.db.key bad.db.key
root=$(sqlite3 good.db "select rootpage from sqlite_master where name = 'episodes'")
head -c 4096 /dev/zero | tr '\0' x | dd of=bad.db bs=4096 seek=$((root - 1)) count=1 conv=notrunc 2>/dev/null
bad_sum=$(sum bad.db)
expect_status 2 "$DSMS" import --store bad.db --source P0001 "$EX/interventions.csv"
expect_grep 'bad.db: .*the store is damaged' err.txt
expect_grep 'dsms check bad.db' err.txt
no_sql err.txt
expect_eq "$(sum bad.db)" "$bad_sum" "damaged store after an import"
[ ! -s bad.db-wal ] && ok || bad "an import wrote to the write-ahead log of a damaged store"
expect_status 2 "$DSMS" compute --store bad.db
expect_grep 'the store is damaged' err.txt
expect_status 2 "$DSMS" status --summary --store bad.db
expect_grep 'bad.db: cannot count the records: the store is damaged' err.txt
no_sql err.txt
expect_eq "$(sum bad.db)" "$bad_sum" "damaged store after compute and status"
expect_status 1 "$DSMS" check bad.db
expect_grep '^integrity: damaged' out.txt
expect_grep 'bad.db: [0-9]+ problems? found' out.txt
# compute checks for damage while it reads the records: a damaged leaf page in
# the middle of a table (which opening the store does not read) is refused all
# the same, before anything is written; and a store due an upgrade of its schema
# is checked before the upgrade writes to it.
leaf_page() { # STORE: a leaf page, not the root, of its largest table
  sqlite3 "$1" "select pageno from dbstat where pagetype = 'leaf' and name =
    (select name from dbstat where pagetype = 'leaf' group by name order by count(*) desc limit 1)
    order by pageno desc limit 1"
}
damage_page() { # STORE PAGE
  head -c 4096 /dev/zero | tr '\0' x | dd of="$1" bs=4096 seek=$(($2 - 1)) count=1 conv=notrunc 2>/dev/null
}
cp good.db leaf.db && cp s.db.key leaf.db.key
damage_page leaf.db "$(leaf_page good.db)"
leaf_sum=$(sum leaf.db)
expect_status 2 "$DSMS" compute --store leaf.db
expect_grep '^dsms: leaf.db: .*the store is damaged.*dsms check leaf.db' err.txt
no_sql err.txt
expect_eq "$(sum leaf.db)" "$leaf_sum" "damaged store after compute"
[ ! -s leaf.db-wal ] && ok || bad "compute wrote to the write-ahead log of a damaged store"
cp good.db old4.db && cp s.db.key old4.db.key
sqlite3 old4.db "$SCHEMA4; update meta set value = '4' where key = 'schema_version'"
damage_page old4.db "$(leaf_page old4.db)"
old4_sum=$(sum old4.db)
expect_status 2 "$DSMS" compute --store old4.db
expect_grep 'the store is damaged' err.txt
expect_eq "$(sum old4.db)" "$old4_sum" "damaged store due an upgrade after compute"
# truncated
head -c 200000 good.db > cut.db && cp s.db.key cut.db.key
cut_sum=$(sum cut.db)
expect_status 2 "$DSMS" import --store cut.db --source P0001 "$EX/interventions.csv"
expect_grep 'cut.db: the store is damaged: the file has been cut short' err.txt
expect_status 2 "$DSMS" status --store cut.db
expect_grep 'cut short' err.txt
expect_no_grep 'schema version' err.txt
expect_eq "$(sum cut.db)" "$cut_sum" "truncated store after an import"
expect_status 1 "$DSMS" check cut.db
expect_grep 'cut short' out.txt
# not a store at all
: > empty.db
expect_status 2 "$DSMS" status --store empty.db
expect_grep 'empty.db: an empty file, not a dsms store' err.txt
echo "episode_ref" > text.db
expect_status 2 "$DSMS" status --store text.db
expect_grep 'text.db: not a dsms store \(the file is not an SQLite database\)' err.txt
sqlite3 plain.db "create table t (x)"
expect_status 2 "$DSMS" status --store plain.db
expect_grep "plain.db: not a dsms store \(an SQLite database without dsms's tables" err.txt
expect_status 2 "$DSMS" check missing.db
expect_grep 'missing.db: no such store \(create one with: dsms init missing.db\)' err.txt
# other schema versions
cp good.db newer.db && sqlite3 newer.db "update meta set value = '10' where key = 'schema_version'"
expect_status 2 "$DSMS" status --store newer.db
expect_grep 'newer.db: a store of schema version 10, newer than this dsms .*use a newer dsms' err.txt
cp good.db older.db && sqlite3 older.db "update meta set value = '2' where key = 'schema_version'"
expect_status 2 "$DSMS" status --store older.db
expect_grep 'older.db: a store of schema version 2, older than .*upgraded the next time a command writes' err.txt
# a table dropped outside dsms
cp good.db dropped.db && cp s.db.key dropped.db.key
sqlite3 dropped.db "drop view v_episodes; drop table episodes"
dropped_sum=$(sum dropped.db)
expect_status 2 "$DSMS" import --store dropped.db --source P0001 "$EX/episodes.csv"
expect_grep 'dropped.db: the store has lost its table episodes' err.txt
no_sql err.txt
expect_status 2 "$DSMS" status --summary --store dropped.db
expect_grep 'lost its table episodes' err.txt
no_sql err.txt
expect_eq "$(sum dropped.db)" "$dropped_sum" "store without a table after an import"
expect_status 1 "$DSMS" check dropped.db
expect_grep '^tables: the table episodes is missing' out.txt
# read-only: permissions do not bind root, so as root the checks run as nobody
if [ "$(id -u)" -ne 0 ]; then as=(); elif command -v setpriv >/dev/null; then
  as=(setpriv --reuid=65534 --regid=65534 --clear-groups); chmod 711 "$WORK"
else as=(skip); fi
if [ "${as[0]:-}" = skip ]; then
  echo "skipped: read-only store checks (running as root without setpriv: permissions do not apply)"
else
  mkdir ro && cp good.db ro/r.db && cp s.db.key ro/r.db.key && cp "$EX/top.csv" ro/
  [ "$(id -u)" -eq 0 ] && chown -R 65534:65534 ro
  chmod 444 ro/r.db
  ro_sum=$(sum ro/r.db)
  expect_status 2 "${as[@]}" "$DSMS" import --store ro/r.db --source P0001 ro/top.csv
  expect_grep 'ro/r.db: the store is read-only to you: .*no write permission on the file' err.txt
  no_sql err.txt
  chmod 644 ro/r.db && chmod 555 ro
  expect_status 2 "${as[@]}" "$DSMS" import --store ro/r.db --source P0001 ro/top.csv
  expect_grep 'no write permission on its directory ro, where SQLite keeps the files ro/r.db-wal' err.txt
  no_sql err.txt
  expect_status 2 "${as[@]}" "$DSMS" status --store ro/r.db
  expect_grep 'cannot read the store: SQLite must make the file ro/r.db-shm beside it' err.txt
  chmod 755 ro && chmod 000 ro/r.db
  expect_status 2 "${as[@]}" "$DSMS" status --store ro/r.db
  expect_grep 'cannot read the store: you have no read permission on the file' err.txt
  chmod 644 ro/r.db
  expect_eq "$(sum ro/r.db)" "$ro_sum" "read-only store after an import"
fi

# ---- dsms check: each invariant ------------------------------------------------
expect_status 0 "$DSMS" check good.db
expect_grep '^good.db: no problems found$' out.txt
expect_status 0 "$DSMS" check good.db --json
expect_eq "$(python3 -c 'import json,sys; d=json.load(open("out.txt")); print(d["problems"], len(d["findings"]))')" "0 0" "check --json of a good store"
expect_eq "$(sum good.db)" "$good_sum" "check changes nothing"
broken() { cp good.db "$1.db" && cp s.db.key "$1.db.key" && sqlite3 "$1.db" "$2"; }
broken counts "update submissions set accepted = accepted - 1 where id = 1"
expect_status 1 "$DSMS" check counts.db
expect_grep '^counts: submission 1 \(.*episodes.csv\): 12 rows read, but 11 accepted \+ 0 quarantined = 11' out.txt
broken orphans "delete from submissions where id = 1"
expect_status 1 "$DSMS" check orphans.db
expect_grep '^orphans: 12 records of episodes refer to submissions that do not exist' out.txt
broken nokey "delete from meta where key = 'key_fingerprint'"
expect_status 1 "$DSMS" check nokey.db
expect_grep '^key: the store records no key fingerprint' out.txt
expect_status 1 "$DSMS" check good.db --key other.db.key
expect_grep "^key: the key file is not the store's key: its fingerprint is $other_fp, the store's is $fp" out.txt
expect_status 1 "$DSMS" check good.db --key zero.key
expect_grep '^key: zero.key: not a usable key' out.txt
broken stale "insert into computations (at, seconds, results, detail) values ('2000-01-01T00:00:00Z', 1, 0, '{}')"
expect_status 1 "$DSMS" check stale.db
expect_grep '^results: the results are older than the records: last computed 2000-01-01T00:00:00Z' out.txt
expect_status 0 "$DSMS" compute --store stale.db
expect_status 0 "$DSMS" check stale.db
expect_status 1 "$DSMS" check orphans.db --json
expect_eq "$(python3 -c 'import json; d=json.load(open("out.txt")); print(d["problems"], d["findings"][0]["check"])')" "1 orphans" "check --json of a broken store"
expect_status 0 "$DSMS" check --help
expect_grep 'exit status: 0 no problems found' out.txt
expect_status 0 "$DSMS" --help
expect_grep '^  check \[STORE\]' out.txt

# A key named as the store or one of SQLite's files beside it is refused
# before anything is made (SQLite would take the file over).
expect_status 2 "$DSMS" init kw.db --key kw.db-wal
expect_grep "kw.db-wal: refusing to write there: that is SQLite's write-ahead log of the store kw.db" err.txt
expect_status 2 "$DSMS" init ks.db --key ks.db
expect_grep "ks.db: refusing to write there: that is the store ks.db" err.txt
expect_eq "$(ls kw.db* ks.db* 2>/dev/null | wc -l)" "0" "files made by a refused init"

# A store reached through a link: the files beside the real one are protected.
mkdir -p real && "$DSMS" init real/x.db > /dev/null && ln -s real/x.db linked.db && ln -s real/x.db.key linked.db.key
expect_status 2 "$DSMS" validate --store linked.db --report real/x.db-wal "$EX/with-errors/episodes.csv"
expect_grep "refusing to write there: that is SQLite's write-ahead log of the store linked.db" err.txt
expect_eq "$(ls real)" "$(printf 'x.db\nx.db.key')" "files beside the real store"

# --tree: a report on an input reached through a link out of the tree.
mkdir -p tl/T/2025-26 tl/src && cp "$EX/episodes.csv" tl/src/ && ln -s ../../src tl/T/2025-26/P0001
sum=$(sha256sum < tl/src/episodes.csv)
expect_status 2 "$DSMS" validate --tree tl/T --report tl/src/episodes.csv
expect_grep "tl/src/episodes.csv: refusing to write there: that is an input file" err.txt
expect_eq "$(sha256sum < tl/src/episodes.csv)" "$sum" "an input reached through a link"

# Keys with few different byte values are refused too.
printf '%062d01\n' 0 > few.key && chmod 600 few.key
expect_status 2 "$DSMS" import --store good.db --key few.key --source P0001 "$EX/episodes.csv"
expect_grep "few.key: not a usable key: its 32 bytes hold fewer than 12 different values" err.txt
finish

