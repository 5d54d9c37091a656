#!/usr/bin/env bash
# cli.sh — the dsms command end to end: init, import, validate, status,
# dataset, exit codes, atomic refusal, resubmission and the key file's mode.
source "$(dirname "$0")/lib.sh"

# init: a store, a private key; never over an existing one.
expect_status 0 "$DSMS" init s.db
expect_grep "153 reference areas" out.txt
expect_eq "$(stat -c %a s.db.key)" "600" "key file mode"
expect_status 2 "$DSMS" init s.db
expect_grep "already exists" err.txt
export DSMS_STORE=s.db

# usage errors refuse with status 2.
expect_status 2 "$DSMS" frobnicate
expect_status 2 "$DSMS" import "$EX/episodes.csv"
expect_grep "source" err.txt
expect_status 2 "$DSMS" import --source P0001
expect_status 2 "$DSMS" import --source P0001 no-such-file.csv
expect_grep "no-such-file.csv: cannot open" err.txt
expect_status 0 "$DSMS" import --help
expect_grep "exit status" out.txt

# validate stores nothing.
before=$(fingerprint s.db)
expect_status 0 "$DSMS" validate --source P0001 "$EX/episodes.csv" "$EX/interventions.csv"
expect_grep "episodes: 12 rows read = 12 valid \+ 0 rejected" out.txt
expect_status 1 "$DSMS" validate --source P0001 "$EX/with-errors/episodes.csv"
expect_eq "$(fingerprint s.db)" "$before" "validate changed the store"
# validate without a store checks against the shipped reference data.
expect_status 1 "$DSMS" validate --store none.db "$EX/with-errors/episodes.csv"
expect_grep "E06999999' is not a reference area" err.txt
[ ! -e none.db ] && ok || bad "validate created a store"

# import: counts add up; interventions given first still find their episodes.
expect_status 0 "$DSMS" import --source P0001 "$EX/top.csv" "$EX/interventions.csv" "$EX/episodes.csv"
expect_grep "episodes: 12 rows read = 12 accepted \+ 0 quarantined" out.txt
expect_grep "interventions: 18 rows read = 18 accepted \+ 0 quarantined" out.txt
expect_eq "$(sqlite3 s.db 'select count(*) from episodes')" "12" "episodes stored"

# the same files again change nothing.
before=$(fingerprint s.db)
data_before=$(sqlite3 s.db 'select * from episodes; select * from interventions; select * from top; select count(*) from quarantine' | sha256sum)
expect_status 0 "$DSMS" import --source P0001 "$EX/episodes.csv" "$EX/interventions.csv" "$EX/top.csv"
expect_grep "identical to submission 1: nothing changed" out.txt
expect_eq "$(sqlite3 s.db 'select * from episodes; select * from interventions; select * from top; select count(*) from quarantine' | sha256sum)" "$data_before" "re-import changed data"
expect_eq "$(sqlite3 s.db "select count(*) from submissions where status = 'unchanged'")" "3" "unchanged submissions recorded"

# a resubmission with errors: rows read = accepted + quarantined, exit 1, report written.
expect_status 1 "$DSMS" import --source P0001 --report rep.csv "$EX/with-errors/episodes.csv"
expect_grep "8 rows read = 2 accepted \+ 6 quarantined \(1 warning\)" out.txt
expect_grep "^.*with-errors/episodes.csv:2: triage_date: '2024-12-01' is before referral_date '2025-02-04' \(expected on or after referral_date\)$" err.txt
expect_grep "with-errors/episodes.csv:8: episode_ref: duplicate key: the same record is at line 7" err.txt
expect_grep "with-errors/episodes.csv:9: row: row has 4 fields \(expected 29 fields, as in the header\)" err.txt
expect_eq "$(tail -n +2 rep.csv | wc -l)" "7" "report rows"
expect_grep '^"[^"]*with-errors/episodes.csv",4,"episodes","substance_1","type",error,' rep.csv
expect_eq "$(sqlite3 s.db 'select count(*) from quarantine')" "6" "quarantined rows"
# the accepted resubmitted record replaced the old one.
expect_eq "$(sqlite3 s.db "select discharge_reason from v_episodes where episode_ref = 'E1005'")" "completed_drug_free" "replacement"
expect_eq "$(sqlite3 s.db 'select count(*) from episodes')" "13" "one new episode"
# the quarantine lists every rejected row with its diagnostics.
expect_status 0 "$DSMS" quarantine
expect_grep "^submission 7 from P0001 \(episodes, .*with-errors/episodes.csv\):$" out.txt
expect_grep "^  .*with-errors/episodes.csv:4: substance_1: 'spice' is not a known code" out.txt
expect_grep "^6 rows in quarantine$" out.txt
expect_status 0 "$DSMS" quarantine --submission 1
expect_grep "^0 rows in quarantine$" out.txt
expect_status 0 "$DSMS" quarantine --source P0001 --json
expect_eq "$(python3 -c 'import json; d=json.load(open("out.txt")); print(len(d), sorted(r["line"] for r in d), d[0]["record"]["episode_ref"], "initials" in d[0]["record"])')" "6 [2, 3, 4, 6, 8, 9] E1001 False" "quarantine JSON"
expect_status 2 "$DSMS" quarantine --submission x
# JSON report.
expect_status 1 "$DSMS" validate --source P0001 --report rep.json "$EX/with-errors/episodes.csv"
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open("rep.json"))))')" "7" "JSON report entries"

# a refused submission stores nothing, even when its first file was fine.
printf 'provider_code,episode_ref,client_ref\nP0001,E9,C9\n' > missing-cols.csv
before=$(fingerprint s.db)
expect_status 2 "$DSMS" import --source P0001 "$EX/episodes.csv" missing-cols.csv
expect_grep "missing-cols.csv:1: header: required columns missing: consent, area_code, referral_date" err.txt
expect_grep "nothing was stored" err.txt
expect_eq "$(fingerprint s.db)" "$before" "refused submission changed the store"
printf 'a,b\n1,2\n' > unknown.csv
expect_status 2 "$DSMS" import --source P0001 unknown.csv
expect_grep "matches no table" err.txt
: > empty.csv
expect_status 2 "$DSMS" import --source P0001 empty.csv
expect_grep "empty file" err.txt

# status lists every submission with its counts.
expect_status 0 "$DSMS" status
expect_grep "partial +data/examples/with-errors/episodes.csv|partial .*with-errors/episodes.csv" out.txt
expect_status 0 "$DSMS" status --json
expect_eq "$(python3 -c 'import json; d=json.load(open("out.txt")); print(sum(s["rows_read"]==s["accepted"]+s["quarantined"] for s in d), len(d))')" "7 7" "status counts add up"
expect_eq "$(python3 -c 'import json; print(json.load(open("out.txt"))[0]["sha256"])')" "$(sha256sum < "$EX/episodes.csv" | cut -d' ' -f1)" "file checksum"

# a key readable by others is refused.
chmod 644 s.db.key
expect_status 2 "$DSMS" import --source P0001 "$EX/episodes.csv"
expect_grep "readable or writable by others" err.txt
chmod 600 s.db.key

# the data set definition.
expect_status 0 "$DSMS" dataset episodes
expect_grep "^  referral_date +date +yes" out.txt
expect_status 0 "$DSMS" dataset --json
expect_eq "$(python3 -c 'import json; d=json.load(open("out.txt")); print(len(d["tables"]), sum(len(t["fields"]) for t in d["tables"]))')" "8 117" "tables and fields"
expect_status 2 "$DSMS" dataset nosuchtable

finish
