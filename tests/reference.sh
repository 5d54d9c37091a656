#!/usr/bin/env bash
# reference.sh — the reference data through the dsms command: init loads every
# file, dsms reference list/show/area/check/load, overrides file by file, and a
# refused load that leaves the store as it was.
source "$(dirname "$0")/lib.sh"
FIX=$SRC/tests/data/refdata

# Rows in a CSV file, header excluded.
rows() { python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1]))) - 1)' "$1"; }
# A store's reference tables only (the audit grows with every load).
ref_dump() {
  for t in regions police_forces probation_regions areas population esp2013 prisons providers comparators; do
    sqlite3 "$1" "select * from $t order by rowid"
  done | sha256sum | cut -d' ' -f1
}
# A copy of a fixture file with sed's substitution applied, in directory $1.
edited() { mkdir -p "$1"; sed "$3" "$FIX/$2" > "$1/$2"; }

# init loads every file and computes the comparator groups.
expect_status 0 "$DSMS" init --data "$FIX" s.db
expect_grep "^created store s.db with 17 reference areas$" out.txt
expect_grep "^reference data: 3 regions, 4 police forces, 3 probation regions, 17 areas, 2 prisons, 4 providers, 1 mortality register$" out.txt
export DSMS_STORE=s.db DSMS_DATA=$FIX

# list: each table's rows are its file's rows; 15 comparators an area.
expect_status 0 "$DSMS" reference list
expect_grep "^comparators +\(computed\) +255$" out.txt
expect_status 0 "$DSMS" reference list --json
for f in regions police_forces probation_regions areas population esp2013 prisons providers; do
  got=$(python3 -c 'import json,sys; print([t["rows"] for t in json.load(open("out.txt")) if t["table"] == sys.argv[1]][0])' "$f")
  expect_eq "$got" "$(rows "$FIX/$f.csv")" "$f rows"
done
expect_eq "$(sqlite3 s.db 'select count(*) from comparators where comparator_code = area_code')" "0" "an area among its own comparators"
expect_eq "$(sqlite3 s.db 'select count(*) from (select area_code from comparators group by area_code having count(*) = 15)')" "17" "15 comparators for every area"

# area: characteristics, population and 15 comparators, not itself.
expect_status 0 "$DSMS" reference area E06000001
expect_grep "^E06000001  Hartlepool$" out.txt
expect_grep "^  police force +F02  Cleveland Police$" out.txt
expect_grep "^  population +93,008 \(male 45,573, female 47,435\)$" out.txt
expect_eq "$(sed -n '/^comparators/,$p' out.txt | grep -c '^ *[0-9]\+  E')" "15" "comparator lines"
expect_no_grep "^ +[0-9]+  E06000001 " out.txt
expect_status 0 "$DSMS" reference area E08000003 --json
expect_eq "$(python3 -c '
import json; a = json.load(open("out.txt")); c = a["comparators"]; d = [x["distance"] for x in c]
print(len(c), [x["rank"] for x in c] == list(range(1, 16)), d == sorted(d), a["code"] in [x["code"] for x in c], a["prisons"], a["providers"])')" \
  "15 True True False ['MNI'] ['P0004']" "area JSON"
expect_status 2 "$DSMS" reference area E06000099
expect_grep "'E06000099' is not a reference area" err.txt

# show: CSV in the file's shape (quoted where needed), or JSON.
expect_status 0 "$DSMS" reference show areas.csv
expect_eq "$(head -1 out.txt)" "$(head -1 "$FIX/areas.csv")" "areas header"
expect_grep '^E06000010,"Kingston upon Hull, City of",E12000003,F04,PR03,13.7,40.6$' out.txt
expect_status 0 "$DSMS" reference show providers --json
expect_eq "$(python3 -c 'import json; print([p["prison_code"] for p in json.load(open("out.txt"))])')" "[None, None, 'DMI', 'MNI']" "providers JSON"
expect_status 2 "$DSMS" reference show episodes
expect_grep "'episodes' is not a reference table" err.txt

# What show prints loads again and changes nothing.
mkdir shown
for t in regions police_forces probation_regions areas population esp2013 prisons providers; do
  "$DSMS" reference show "$t" > "shown/$t.csv"
done
before=$(ref_dump s.db)
expect_status 0 "$DSMS" reference load shown
expect_eq "$(ref_dump s.db)" "$before" "shown files loaded back"

# load with a bad file: refused, the store exactly as it was.
edited bad areas.csv 's/^E06000002,Middlesbrough,E12000001,F02,PR01,16.8/E06000002,Middlesbrough,E12000001,F02,PR01,160.8/'
before=$(fingerprint s.db)
expect_status 2 "$DSMS" reference load bad
expect_grep "bad/areas.csv:3: opiate_crack_per_1000: '160.8' is more than 100 \(expected estimated users per 1,000 aged 15-64, from 0 to 100\)$" err.txt
expect_grep "nothing was changed" err.txt
expect_eq "$(fingerprint s.db)" "$before" "refused load changed the store"
edited bad2 population.csv '$d'
expect_status 2 "$DSMS" reference load bad2
expect_grep "bad2/population.csv: area_code: no row for E06000010, sex F, age band 90\+" err.txt
expect_eq "$(fingerprint s.db)" "$before" "refused load changed the store"
expect_status 2 "$DSMS" reference check bad
expect_grep "bad/areas.csv:3: opiate_crack_per_1000" err.txt
expect_status 0 "$DSMS" reference check
expect_grep "^reference data is good: 3 regions, 4 police forces, 3 probation regions, 17 areas, 2 prisons, 4 providers, 1 mortality register$" out.txt

# load with one file replaced: that file's rows change, the rest stay, the
# comparators are computed again, and the audit says who did it.
edited new areas.csv 's/^E06000001,Hartlepool,E12000001,F02,PR01,14.2,35.0/E06000001,Hartlepool,E12000001,F02,PR01,2.0,5.0/'
old_group=$(sqlite3 s.db "select group_concat(comparator_code) from comparators where area_code = 'E06000001'")
expect_status 0 "$DSMS" reference load new
expect_grep "^replaced the reference data of s.db: 3 regions, 4 police forces, 3 probation regions, 17 areas, 2 prisons, 4 providers, 1 mortality register$" out.txt
expect_eq "$(sqlite3 s.db "select opiate_crack_per_1000, deprivation_score from areas where code = 'E06000001'")" "2.0|5.0" "replaced area"
expect_eq "$(sqlite3 s.db 'select count(*) from population')" "646" "population kept"
new_group=$(sqlite3 s.db "select group_concat(comparator_code) from comparators where area_code = 'E06000001'")
[ "$new_group" != "$old_group" ] && ok || bad "comparators not computed again"
expect_eq "$(sqlite3 s.db "select actor || ' ' || action from audit order by id desc limit 1")" "tester reference load" "audit"

# init --reference: a file of DIR in place of the shipped one.
edited over regions.csv 's/North West/North-West/'
expect_status 0 "$DSMS" init --reference over o.db
expect_eq "$(sqlite3 o.db "select name from regions where code = 'E12000002'")" "North-West" "override in init"
expect_eq "$(sqlite3 o.db 'select count(*) from areas')" "17" "other files shipped"
# a bad override refuses init, leaving neither store nor key.
expect_status 2 "$DSMS" init --reference bad b.db
expect_grep "bad/areas.csv:3: opiate_crack_per_1000" err.txt
[ ! -e b.db ] && [ ! -e b.db.key ] && ok || bad "refused init left files"
# a misspelt file in an override directory is not ignored.
mkdir typo && cp "$FIX/areas.csv" typo/area.csv
expect_status 2 "$DSMS" reference check typo
expect_grep "typo/area.csv: file: not a reference file" err.txt

# Prisons' opened and closed: optional (the fixture has neither), stored,
# shown, and checked with file:line: column.
printf 'code,name,area_code,capacity,opened,closed\nDMI,HMP Durham,E06000047,985,,2024-07-31\nMNI,HMP Manchester,E08000003,1138,2023-05-29,\n' > dates.csv
mkdir dated && cp dates.csv dated/prisons.csv
expect_status 0 "$DSMS" reference load dated
expect_eq "$(sqlite3 s.db "select code || ' ' || ifnull(opened, '-') || ' ' || ifnull(closed, '-') from prisons order by code" | tr '\n' ';')" \
  "DMI - 2024-07-31;MNI 2023-05-29 -;" "prisons' dates stored"
expect_status 0 "$DSMS" reference show prisons
expect_eq "$(cat out.txt)" "$(cat dates.csv)" "prisons shown with their dates"
for bad in "2024-02-30|closed: '2024-02-30' is not a date \(expected YYYY-MM-DD, or empty\)" \
           "31/07/2024|closed: '31/07/2024' is not a date" \
           "2023-05-28|closed: '2023-05-28' is before opened 2023-05-29 \(expected the day the prison closed, on or after the day it opened\)"; do
  mkdir -p badprison && sed "s|1138,2023-05-29,|1138,2023-05-29,${bad%%|*}|" dates.csv > badprison/prisons.csv
  before=$(fingerprint s.db)
  expect_status 2 "$DSMS" reference load badprison
  expect_grep "badprison/prisons.csv:3: ${bad#*|}" err.txt
  expect_eq "$(fingerprint s.db)" "$before" "refused prisons.csv changed the store"
done

# A store of schema 4, made before prisons had dates: refused for reading,
# upgraded when written to, its prisons' dates then empty until loaded.
expect_status 0 "$DSMS" init v4.db
sqlite3 v4.db "$SCHEMA4;
               update meta set value = '4' where key = 'schema_version'"
expect_status 2 "$DSMS" reference show prisons --store v4.db
expect_grep "v4.db: a store of schema version 4, older than this dsms's 9: it is upgraded" err.txt
expect_status 0 "$DSMS" reference load dated --store v4.db
expect_eq "$(sqlite3 v4.db "select value from meta where key = 'schema_version'")" "9" "schema after the upgrade"
expect_eq "$(sqlite3 v4.db "select group_concat(ifnull(closed, '-')) from prisons")" "2024-07-31,-" "dates after the upgrade"

# The shipped data: HMP New Hall is in Kirklees, Cookham Wood an adult prison,
# Dartmoor closed.
expect_status 0 "$DSMS" init --data "$SRC/data" shipped.db
expect_status 0 "$DSMS" reference area E08000034 --store shipped.db --data "$SRC/data" --json
expect_eq "$(python3 -c 'import json; print("HMP76" in json.load(open("out.txt"))["prisons"])')" "True" "New Hall in Kirklees"
expect_status 0 "$DSMS" reference area E08000036 --store shipped.db --data "$SRC/data" --json
expect_eq "$(python3 -c 'import json; print(sorted(json.load(open("out.txt"))["prisons"]))')" "['HMP105']" "Wakefield's prisons"
expect_eq "$(sqlite3 shipped.db "select name from prisons where code = 'HMP18'")" "HMP Cookham Wood" "Cookham Wood's name"
expect_eq "$(sqlite3 shipped.db "select closed from prisons where code = 'HMP19'")" "2024-07-31" "Dartmoor's closing day"

# usage
expect_status 2 "$DSMS" reference
expect_status 2 "$DSMS" reference frobnicate
expect_grep "not a reference command" err.txt
for c in list show area check load; do
  expect_status 0 "$DSMS" reference "$c" --help
  expect_grep "^usage: dsms reference $c" out.txt
done
expect_status 0 "$DSMS" init --help
expect_grep "--reference DIR" out.txt
expect_status 2 "$DSMS" reference load --store none.db
expect_grep "no such store" err.txt
[ ! -e none.db ] && ok || bad "load created a store"

finish
