#!/usr/bin/env bash
# organisations.sh — each table comes only from organisations of its kind in
# the reference data: providers for episodes, interventions and reviews,
# prisons for releases, police forces for tests on arrest, probation regions
# for court orders, and a mortality register (registers.csv) for deaths. An
# unknown source refuses the submission whole (exit 2, nothing stored), and the
# message says which file to extend. validate without --source reports each
# unknown code as a row error.
source "$(dirname "$0")/lib.sh"

expect_status 0 "$DSMS" init s.db
export DSMS_STORE=s.db
rows() { sqlite3 s.db "select (select count(*) from submissions) || '/' || (select count(*) from quarantine) || '/' || (select count(*) from $1)"; }

# One file per table, the organisation code replaced by an unknown one of the
# right shape. Episodes first, so that interventions and reviews name an
# episode that exists: only the organisation is wrong.
expect_status 0 "$DSMS" import --source P0001 "$EX/episodes.csv"
before=$(fingerprint s.db)
refuse() { # TABLE SOURCE KIND FILE: the example file of TABLE from SOURCE is refused
  local table=$1 source=$2 kind=$3 file=$4
  sed "2,\$s/^[^,]*,/$source,/" "$EX/$table.csv" > "$table.csv"
  [ "$table" = deaths ] && cp "$EX/deaths.csv" deaths.csv
  expect_status 2 "$DSMS" import --source "$source" "$table.csv"
  expect_grep "^dsms: $table.csv: $table: '$source' is not a $kind in the reference data \($file\); add it there and run dsms reference load, or check --source" err.txt
  expect_grep "^dsms: submission refused: nothing was stored$" err.txt
  expect_eq "$(fingerprint s.db)" "$before" "store after $table from $source"
  # validate refuses it the same way
  expect_status 2 "$DSMS" validate --source "$source" "$table.csv"
  expect_grep "'$source' is not a $kind in the reference data \($file\)" err.txt
}
refuse episodes ZZZ99 "treatment provider" providers.csv
refuse interventions ZZZ99 "treatment provider" providers.csv
refuse top ZZZ99 "treatment provider" providers.csv
refuse prison_releases HMP999 prison prisons.csv
refuse drug_tests F99 "police force" police_forces.csv
refuse court_orders PR99 "probation region" probation_regions.csv
refuse deaths ZZZ99 "mortality register" registers.csv
refuse deaths P0001 "mortality register" registers.csv
expect_eq "$(rows prison_releases)/$(rows drug_tests)/$(rows court_orders)/$(rows deaths)" \
  "1/0/0/1/0/0/1/0/0/1/0/0" "submissions/quarantined/records after the refusals"

# The known organisations still land.
for t in prison_releases:HMP01 drug_tests:F01 court_orders:PR01 deaths:ONS; do
  expect_status 0 "$DSMS" import --source "${t#*:}" "$EX/${t%%:*}.csv"
done
expect_eq "$(sqlite3 s.db 'select count(*) from deaths')" "$(($(wc -l < "$EX/deaths.csv") - 1))" "deaths from ONS"

# A register added to the reference data is accepted after reference load.
mkdir extra
printf 'code,name\nONS,Office for National Statistics\nNRS,National Records of Scotland\n' > extra/registers.csv
sed 's/^D/S/' "$EX/deaths.csv" > scot.csv
expect_status 2 "$DSMS" import --source NRS scot.csv
expect_status 0 "$DSMS" reference load extra
expect_status 0 "$DSMS" import --source NRS scot.csv
expect_grep "; submission [0-9]+$" out.txt

# validate without --source: each unknown code is a row error naming the file.

printf 'prison_code,release_ref,initials,date_of_birth,sex,release_date,release_area_code,treatment_need,substance_group,in_treatment_at_release\nHMP01,R1,QZ,1960-01-01,F,2025-03-01,E08000025,N,,N\nHMP999,R2,QZ,1960-01-01,F,2025-03-01,E08000025,N,,N\n' > rel.csv
expect_status 1 "$DSMS" validate rel.csv
expect_grep "^rel.csv:3: prison_code: 'HMP999' is not a prison in the reference data \(prisons.csv\) \(expected the code of a prison listed in prisons.csv; add it there and run dsms reference load\)$" err.txt
expect_no_grep "rel.csv:2:" err.txt
expect_grep "2 rows read = 1 valid \+ 1 rejected" out.txt

# A store of schema 3, made before registers.csv existed, is refused for
# reading until upgraded; opened for writing, it gains the list, with ONS.
expect_status 0 "$DSMS" init old.db
sqlite3 old.db "drop table registers; alter table results drop column suppressed; $SCHEMA4;
                update meta set value = '3' where key = 'schema_version'"
expect_status 2 "$DSMS" reference show registers --store old.db
expect_grep "old.db: a store of schema version 3, older than this dsms's 9: it is upgraded" err.txt
expect_eq "$(sqlite3 old.db "select count(*) from sqlite_schema where name = 'registers'")" "0" "read-only open changed the store"
expect_status 0 "$DSMS" import --store old.db --source ONS "$EX/deaths.csv"
expect_eq "$(sqlite3 old.db 'select code from registers')" "ONS" "registers of an older store"
expect_eq "$(sqlite3 old.db "select value from meta where key = 'schema_version'")" "9" "schema after the upgrade"

# A store of schema 4, holding a death from before registration dates: opened
# for writing, its deaths gain the column (the old death's empty) and its
# results the by_occurrence flag; the deaths' view shows the new column.
expect_status 0 "$DSMS" init four.db
expect_status 0 "$DSMS" import --store four.db --source ONS "$EX/deaths.csv"
sqlite3 four.db "$SCHEMA4; update meta set value = '4' where key = 'schema_version'"
expect_status 2 "$DSMS" status --store four.db
expect_grep "four.db: a store of schema version 4, older than this dsms's 9: it is upgraded" err.txt
printf 'death_ref,initials,date_of_birth,sex,area_code,date_of_death,drug_misuse,substances,registration_date\nD9,QZ,1980-01-01,M,E09000012,2025-11-20,Y,heroin,2026-04-03\n' > reg.csv
expect_status 0 "$DSMS" import --store four.db --source ONS reg.csv
expect_eq "$(sqlite3 four.db "select value from meta where key = 'schema_version'")" "9" "schema after the upgrade from 4"
expect_eq "$(sqlite3 four.db "select death_ref || ':' || ifnull(registration_date, '-') from v_deaths order by death_ref" | tr '\n' ' ')" \
  "D1:- D2:- D9:2026-04-03 " "deaths after the upgrade from 4"
expect_status 0 "$DSMS" compute --store four.db --quiet
expect_eq "$(sqlite3 four.db "select count(*) from results where by_occurrence is null")" 0 "results flagged after the upgrade"
# A registration before the death, or after today, is refused, naming the field.
printf 'death_ref,initials,date_of_birth,sex,area_code,date_of_death,drug_misuse,substances,registration_date\nD10,QZ,1980-01-01,M,E09000012,2025-11-20,Y,heroin,2025-11-19\nD11,QZ,1980-01-01,M,E09000012,2025-11-20,Y,heroin,2026-07-01\n' > early.csv
expect_status 1 "$DSMS" validate early.csv
expect_grep "^early.csv:2: registration_date: '2025-11-19' is before date_of_death '2025-11-20' \(expected on or after date_of_death\)$" err.txt
expect_grep "^early.csv:3: registration_date: '2026-07-01' is in the future" err.txt
finish
