#!/usr/bin/env bash
# series.sh — published series: the catalogue loaded with the reference data
# and checked row by row, dsms series import storing a good file whole and
# refusing a bad one whole (each error as file:line: field: message), a value
# given again replacing the one before, dsms series list, and a store of
# schema 6 upgraded to hold them.
source "$(dirname "$0")/lib.sh"

HEADER=series,period,level,code,value,numerator,denominator,lower,upper,unit,source,as_at
values() { sqlite3 s.db "select series, period, level, code, value, submission_id, line
                         from series_values order by 1, 2, 3, 4"; }

expect_status 0 "$DSMS" init s.db
export DSMS_STORE=s.db

# The catalogue: every shipped series, as in data/series.csv.
expect_status 0 "$DSMS" series catalogue
expect_eq "$(cat out.txt)" "$(cat "$SRC/data/series.csv")" "catalogue as shipped"
expect_eq "$(sqlite3 s.db 'select count(*) from series')" 15 "series in the store"
expect_status 0 "$DSMS" series catalogue --format json
expect_eq "$(python3 -c 'import json; print(len(json.load(open("out.txt"))))')" 15 "catalogue json"
expect_status 0 "$DSMS" reference list
expect_grep '^series +series.csv +15$' out.txt

# A good file: every row stored, rows read = rows stored, one submission.
cat > good.csv <<CSV
$HEADER
drug_use_16_59,2023-24,england,E92000001,9.2,,,8.9,9.5,percent,,2024-12-11
drug_use_16_59,2023-24,region,E12000001,8.1,,,,,,,
admissions_poisoning,2022-23,area,E06000001,25.3,24,94861,16.2,37.6,rate_per_100000,,
heroin_purity,2023,england,E92000001,42,,,,,,National Crime Agency,
class_a_seizures,2023-24-Q1,force,F01,120,,,,,count,,
county_lines_closed,2024-03,england,E92000001,110,,,,,,,
drug_use_11_15,2018-2021,england,E92000001,12.5,,,,,,,
CSV
expect_status 0 "$DSMS" series import good.csv --source ONS
expect_grep '^good.csv: series: 7 rows read = 7 stored; submission 1$' out.txt
expect_eq "$(sqlite3 s.db 'select count(*) from series_values')" 7 "values stored"
expect_eq "$(sqlite3 s.db "select source, table_name, rows_read, accepted, status from submissions")" \
  "ONS|series|7|7|accepted" "the submission"
expect_eq "$(sqlite3 s.db "select action from audit order by id desc limit 1")" "series import" "audited"
expect_eq "$(sqlite3 s.db "select unit, source from series_values where series = 'drug_use_16_59' and level = 'region'")" \
  "percent|ONS Crime Survey for England and Wales" "unit and source from the catalogue"

# A resubmission replaces the value of the same key in place.
printf 'series,period,level,code,value\ndrug_use_16_59,2023-24,england,E92000001,9.4\n' > again.csv
expect_status 0 "$DSMS" series import again.csv
expect_grep '^again.csv: series: 1 row read = 1 stored; submission 2$' out.txt
expect_eq "$(sqlite3 s.db 'select count(*) from series_values')" 7 "values after the resubmission"
expect_eq "$(sqlite3 s.db "select value, submission_id, line from series_values where series = 'drug_use_16_59' and level = 'england'")" \
  "9.4|2|2" "the value replaced"
expect_eq "$(sqlite3 s.db "select source from submissions where id = 2")" "published" "default source"

# list: csv and json, by series and by place.
expect_status 0 "$DSMS" series list
expect_eq "$(wc -l < out.txt)" 8 "list: header and 7 values"
expect_grep '^drug_use_16_59,2023-24,england,E92000001,9.4,,,,,percent,ONS Crime Survey for England and Wales,,2,2$' out.txt
expect_status 0 "$DSMS" series list --series heroin_purity --format json
expect_eq "$(python3 -c 'import json; v = json.load(open("out.txt")); print(len(v), v[0]["value"], v[0]["source"])')" \
  "1 42.0 National Crime Agency" "list --series --format json"
expect_status 0 "$DSMS" series list --area england
expect_eq "$(grep -c E92000001 out.txt)" 4 "list --area england"
expect_status 2 "$DSMS" series list --format xml

# Bad files: each refused whole with its diagnostic, nothing stored.
before=$(fingerprint s.db)
refuse() { # NAME ROW DIAGNOSTIC: a file of a good row and ROW (line 3) is refused so
  printf '%s\n%s\n%s\n' "$HEADER" "heroin_purity,2022,england,E92000001,40,,,,,,," "$2" > "$1.csv"
  expect_status 1 "$DSMS" series import "$1.csv"
  expect_grep "^$1.csv:3: $3" err.txt
  expect_grep "^$1.csv: series: 2 rows read, 1 with errors: the file is refused, nothing was stored$" err.txt
  expect_eq "$(fingerprint s.db)" "$before" "$1: nothing stored"
}
refuse series 'no_such,2023-24,england,E92000001,1,,,,,,,' \
  "series: 'no_such' is not in the series catalogue \(expected a series code listed in series.csv; dsms series catalogue lists them\)$"
refuse level 'drug_use_11_15,2023-24,region,E12000001,1,,,,,,,' \
  "level: 'region' is not a level drug_use_11_15 is given at \(expected england\)$"
refuse nolevel 'drug_use_11_15,2023-24,country,E92000001,1,,,,,,,' \
  "level: 'country' is not a level \(expected england, region, area or force\)$"
refuse code 'drug_use_16_59,2023-24,region,E12000099,1,,,,,,,' \
  "code: 'E12000099' is not a region code in the reference data \(expected the ONS code of a region listed in regions.csv, such as E12000001\)$"
refuse england 'drug_use_16_59,2023-24,england,E12000001,1,,,,,,,' \
  "code: 'E12000001' is not England's code in the reference data \(expected E92000001, England's code\)$"
refuse area 'admissions_poisoning,2023-24,area,E06999999,1,,,,,,,' \
  "code: 'E06999999' is not an area code in the reference data"
refuse force 'class_a_seizures,2023-24,force,F99,1,,,,,,,' \
  "code: 'F99' is not a police force code in the reference data"
refuse period 'drug_use_16_59,2023-25,england,E92000001,1,,,,,,,' \
  "period: '2023-25' is not a period \(expected YYYY, YYYY-YY \(financial year\), YYYY-YY-Qn, YYYY-MM or YYYY-YYYY\)$"
refuse quarter 'drug_use_16_59,2023-24-Q5,england,E92000001,1,,,,,,,' "period: '2023-24-Q5' is not a period"
refuse month 'drug_use_16_59,2023-13,england,E92000001,1,,,,,,,' "period: '2023-13' is not a period"
refuse value 'drug_use_16_59,2023-24,england,E92000001,lots,,,,,,,' \
  "value: 'lots' is not a number \(expected a number\)$"
refuse empty 'drug_use_16_59,2023-24,england,E92000001,,,,,,,,' "value: empty \(expected a number\)$"
refuse percent 'drug_use_16_59,2023-24,england,E92000001,101,,,,,,,' \
  "value: '101' is more than 100 \(expected a percentage from 0 to 100\)$"
refuse unit 'drug_use_16_59,2023-24,england,E92000001,1,,,,,count,,' \
  "unit: 'count' is not the series' unit \(expected percent, the unit of drug_use_16_59 in series.csv, or empty\)$"
refuse future 'drug_use_16_59,2023-24,england,E92000001,1,,,,,,,2026-07-01' \
  "as_at: '2026-07-01' is after today \(expected a date not in the future\)$"
refuse date 'drug_use_16_59,2023-24,england,E92000001,1,,,,,,,2026-02-30' \
  "as_at: '2026-02-30' is not a date \(expected a date, YYYY-MM-DD, or empty\)$"
refuse lower 'drug_use_16_59,2023-24,england,E92000001,5,,,6,7,,,' \
  "lower: '6' is more than the value '5' \(expected at most the value\)$"
refuse upper 'drug_use_16_59,2023-24,england,E92000001,5,,,4,4.5,,,' \
  "upper: '4.5' is less than the value '5' \(expected at least the value\)$"
refuse denominator 'drug_use_16_59,2023-24,england,E92000001,5,1,0,,,,,' \
  "denominator: '0' is not more than 0 \(expected more than 0\)$"
refuse twice 'heroin_purity,2022,england,E92000001,41,,,,,,,' \
  "code: heroin_purity 2022 england E92000001 is a duplicate of line 2 \(expected each series, period, level and code once in a file\)$"
refuse width 'heroin_purity,2021,england,E92000001,41' \
  "row: 5 fields, not 12 \(expected as many fields as the header\)$"

# A header without a required column, or with one that is not a column.
printf 'series,period,level,value\nheroin_purity,2022,england,40\n' > nocode.csv
expect_status 1 "$DSMS" series import nocode.csv
expect_grep "^nocode.csv:1: code: missing column \(expected a header naming series, period, level, code and value\)$" err.txt
printf 'series,period,level,code,value,colour\nheroin_purity,2022,england,E92000001,40,red\n' > extra.csv
expect_status 1 "$DSMS" series import extra.csv
expect_grep "^extra.csv:1: header: 'colour' is not a column of series values" err.txt
expect_status 2 "$DSMS" series import missing.csv
expect_eq "$(fingerprint s.db)" "$before" "bad files: nothing stored"
# check: the same checks, storing nothing.
expect_status 0 "$DSMS" series check good.csv
expect_grep '^good.csv: series: 7 rows read, all good$' out.txt
expect_status 1 "$DSMS" series check twice.csv
expect_eq "$(fingerprint s.db)" "$before" "check stores nothing"

# The catalogue is checked on load: file:line: column: message, nothing changed.
mkdir bad
catalogue_refused() { # ROW MESSAGE
  { head -1 "$SRC/data/series.csv"; echo "$1"; } > bad/series.csv
  expect_status 2 "$DSMS" reference load bad
  expect_grep "bad/series.csv:2: $2" err.txt
  expect_eq "$(fingerprint s.db)" "$before" "a refused catalogue changes nothing"
}
catalogue_refused 'Drug-Use,x,count,low,ONS,england' "code: 'Drug-Use' is not a series code"
catalogue_refused 'x1,X,litres,low,ONS,england' "unit: 'litres' is not a unit \(expected count, percent, rate_per_100000, rate_per_1000, ratio or value\)$"
catalogue_refused 'x1,X,count,up,ONS,england' "polarity: 'up' is not a polarity \(expected high, low or none\)$"
catalogue_refused 'x1,X,count,low,,england' "source: empty \(expected the publisher and publication\)$"
catalogue_refused 'x1,,count,low,ONS,england' "name: empty \(expected the series' name\)$"
catalogue_refused 'x1,X,count,low,ONS,england;town' "levels: 'town' is not a level \(expected england, region, area or force, ';' between levels\)$"
catalogue_refused 'x1,X,count,low,ONS,england;england' "levels: 'england;england' names england twice \(expected each level once\)$"
{ cat "$SRC/data/series.csv"; tail -1 "$SRC/data/series.csv"; } > bad/series.csv
expect_status 2 "$DSMS" reference load bad
expect_grep "bad/series.csv:17: code: 'ons_drug_misuse_deaths' is a duplicate of line 16 \(expected each code once\)$" err.txt

# A store of schema 6 gains the series tables when next written to; the
# catalogue is empty until the reference data is loaded again.
expect_status 0 "$DSMS" init old.db
sqlite3 old.db "$SCHEMA6; update meta set value = '6' where key = 'schema_version'"
expect_status 2 "$DSMS" series list --store old.db
expect_grep "old.db: a store of schema version 6, older than this dsms's 9: it is upgraded" err.txt
expect_status 0 "$DSMS" reference load --store old.db
expect_eq "$(sqlite3 old.db "select value from meta where key = 'schema_version'")" 9 "schema after the upgrade"
expect_eq "$(sqlite3 old.db 'select count(*) from series')" 15 "catalogue after the upgrade"
expect_status 0 "$DSMS" series import good.csv --store old.db
expect_status 0 "$DSMS" check old.db
# ---- a simulated nation's series ---------------------------------------------------
# dsms simulate writes every catalogue series beside the records (sim/series.csv),
# marked simulated; import --tree stores it with them. Four years from 2020-21:
# the national framework's baseline (2020-21), three whole calendar years of
# deaths (2021-2023) and the engine's pooled 2021-2023 for areas.
expect_status 0 "$MAKER" simulate --out sim --people 1000 --years 4 --start-year 2020 --seed 7 \
  --no-early-warning
expect_grep '^wrote [0-9]+ published series values, simulated, to sim/series.csv$' out.txt
expect_status 0 "$DSMS" init n.db
expect_status 0 "$DSMS" validate --store n.db --tree sim
expect_grep '^sim/series.csv: series: [0-9]+ rows read, all good$' out.txt
expect_status 0 "$MAKER" import --store n.db --tree sim
expect_grep '^sim/series.csv: series: ([0-9]+) rows read = \1 stored; submission [0-9]+$' out.txt
expect_eq "$(sqlite3 n.db 'select count(*) from series_values')" \
  "$(($(wc -l < sim/series.csv) - 1))" "every simulated value stored"
# the import's series are held against the frameworks at once, before any computation
expect_eq "$(sqlite3 n.db "select count(*) from framework_status where framework = 'national-2021'
  and area_code = 'E92000001' and metric = 'drug-use-16-59' and latest = 1 and value > 0")" 1 \
  "a series metric's status stored by import --tree"
expect_status 0 "$MAKER" compute --store n.db
sqlite3 -csv -header n.db "select measure, area_code, level, period, numerator from results
  where measure = 'drug_deaths_dsr' and breakdown = 'all'" > dsr.csv
sqlite3 -csv -header n.db "select area_code,
  substr(coalesce(registration_date, date_of_death), 1, 4) as year, count(*) as n
  from v_deaths where drug_misuse = 'Y' and age is not null group by 1, 2" > deaths.csv
python3 - "$SRC/data" sim/series.csv dsr.csv deaths.csv > check.txt 2>&1 <<'PY'
import csv, sys, collections
data, series, dsr, deaths = sys.argv[1:]
def read(path): return list(csv.DictReader(open(path)))
def num(r, col): return float(r[col]) if r[col] else 0.0
areas = read(f'{data}/areas.csv')
places = {'england': ['E92000001'], 'region': [r['code'] for r in read(f'{data}/regions.csv')],
          'area': [a['code'] for a in areas],
          'force': [r['code'] for r in read(f'{data}/police_forces.csv')]}
fy = ['2020-21', '2021-22', '2022-23', '2023-24']
periods = collections.defaultdict(lambda: fy, drug_use_11_15=['2020', '2021', '2022', '2023'],
                                  ons_drug_misuse_deaths=['2021', '2022', '2023'])
rows = read(series)
got = {(r['series'], r['period'], r['level'], r['code']): r for r in rows}
problems = []
def bad(*what): problems.append(' '.join(map(str, what)))
if len(got) != len(rows): bad('a value given twice')
# Every series of the catalogue, at each of its levels, every place, every period.
for c in read(f'{data}/series.csv'):
    for level in c['levels'].split(';'):
        for p in periods[c['code']]:
            for code in places[level]:
                if (c['code'], p, level, code) not in got:
                    bad('missing', c['code'], p, level, code)
    if {r['unit'] for r in rows if r['series'] == c['code']} != {c['unit']}: bad('unit', c)
per = {'percent': 100, 'rate_per_100000': 1e5, 'rate_per_1000': 1e3}
for r in rows:
    if r['source'] != 'Simulated by dsms: not real data': bad('source', r)
    if not r['as_at'] or r['as_at'] > '2026-06-30': bad('as_at', r)
    if r['numerator'] and r['series'] != 'ons_drug_misuse_deaths':
        want = num(r, 'numerator') / num(r, 'denominator') * per[r['unit']]
        if abs(num(r, 'value') - want) > 0.05 + 1e-9:
            bad('value is not numerator over denominator', r)
# Counts (and the numerators and denominators of rates) add up: each region's
# and force's from its areas, each region's from its forces, England's from each level.
to_region = {a['police_force_code']: a['region_code'] for a in areas}
up = {'area': {'region': {a['code']: a['region_code'] for a in areas},
               'force': {a['code']: a['police_force_code'] for a in areas},
               'england': {a['code']: 'E92000001' for a in areas}},
      'force': {'region': to_region, 'england': {f: 'E92000001' for f in to_region}},
      'region': {'england': {r: 'E92000001' for r in places['region']}}}
sums = collections.defaultdict(float)
for (s, p, level, code), r in got.items():
    cols = ('value',) if r['unit'] in ('count', 'value') else ('numerator', 'denominator')
    for col in cols:
        for to, of in up.get(level, {}).items():
            if code in of: sums[(s, p, to, of[code], col, level)] += num(r, col)
checked = 0
for (s, p, level, code, col, part), n in sums.items():
    if (s, p, level, code) not in got: continue
    checked += 1
    if abs(num(got[(s, p, level, code)], col) - n) > 1e-6:
        bad(level, code, s, p, col, 'is not the sum of its', part)
if checked < 500: bad('few sums checked', checked)
# ONS's deaths are the deaths in the store, counted as the engine counts them.
ons = {k: num(r, 'numerator') for k, r in got.items() if k[0] == 'ons_drug_misuse_deaths'}
if sum(ons.values()) == 0: bad('no deaths')
def deaths_in(years, level, code):
    return sum(ons.get(('ons_drug_misuse_deaths', y, level, code), -1) for y in years)
for r in read(dsr):
    single = r['level'] in ('england', 'region') and len(r['period']) == 4
    if single and deaths_in([r['period']], r['level'], r['area_code']) != num(r, 'numerator'):
        bad('deaths', r)
    pooled = r['level'] == 'area' and r['period'] == '2021-2023'
    three = ['2021', '2022', '2023']
    if pooled and deaths_in(three, 'area', r['area_code']) != num(r, 'numerator'):
        bad('pooled deaths', r)
counted = collections.Counter({(r['year'], r['area_code']): float(r['n']) for r in read(deaths)})
for (s, p, level, code), n in ons.items():
    if level == 'area' and counted[(p, code)] != n:
        bad('area deaths', p, code, n, counted[(p, code)])
print('\n'.join(problems[:20]) or 'ok', len(rows))
PY
expect_grep '^ok [0-9]+$' check.txt
# The same seed, the same file; another seed, another.
small="--people 1000 --years 4 --start-year 2020 --quiet"
expect_status 0 "$DSMS" simulate --out again $small --seed 7
cmp -s sim/series.csv again/series.csv && ok || bad "the same seed wrote another series file"
expect_status 0 "$DSMS" simulate --out other $small --seed 8
cmp -s sim/series.csv other/series.csv && bad "another seed wrote the same series file" || ok
# The national framework: every series metric has a figure, the disruptions
# their baseline and a status.
expect_status 0 "$DSMS" framework show --store n.db national-2021 --format csv
expect_no_grep 'no value of its series held' out.txt
codes=$(cut -d, -f1 "$SRC/data/series.csv" | tail -n +2 | paste -sd'|')
expect_eq "$(cut -d, -f5,6 out.txt | grep -cE "^($codes),[0-9]{4}")" 13 \
  "series metrics with a figure"
expect_grep '^national-2021,E92000001,less-supply,disruptions,ocg_disruptions,2023-24,[0-9.]+,[^,]*,[^,]*,'\
'2020-21,[0-9.]+,.*,(on track|off track|achieved),' out.txt
# Every shipped framework for England: each metric with a source has a figure, and each
# with a target a status, stored with the results (the store's results reach back to
# 2020-21, the national baseline; 2017's and 2008's have no targets of their own).
for fw in national-2021 recovery-2017 psa-2008; do
  expect_status 0 "$DSMS" framework show --store n.db $fw --format csv
  expect_no_grep '"no (figure in the results|value of its series held|figure for the baseline period)"' out.txt
  expect_eq "$(grep -c ',not yet assessable,"no source yet",' out.txt)" \
    "$(grep -c 'source: {none:' "$SRC/data/frameworks/$fw.yaml")" "$fw: only metrics with no source go without"
done
expect_status 0 "$DSMS" framework show --store n.db national-2021 --format csv
expect_eq "$(grep -cE ',(achieved|on track|off track),' out.txt)" \
  "$(grep -c '^ *target:' "$SRC/data/frameworks/national-2021.yaml")" "a status for every target"
# One year covers no whole calendar year: no ONS deaths, every other series.
expect_status 0 "$DSMS" simulate --out one --people 500 --years 1 --start-year 2023 --quiet \
  --no-early-warning
expect_eq "$(grep -c '^ons_drug_misuse_deaths,' one/series.csv)" 0 "one year: no ONS deaths"
expect_eq "$(cut -d, -f1 one/series.csv | sort -u | grep -vc '^series$')" 14 "one year: the others"
# A tree without the series file imports as before; a faulty one is refused
# whole, after the records are stored.
mv one/series.csv kept.csv
expect_status 0 "$DSMS" init t.db
expect_status 0 "$DSMS" import --store t.db --tree one
expect_no_grep 'series' out.txt
expect_eq "$(sqlite3 t.db 'select count(*) from series_values')" 0 "no series without the file"
sed '3s/,percent,/,litres,/' kept.csv > one/series.csv
expect_status 0 "$DSMS" init u.db
expect_status 2 "$DSMS" import --store u.db --tree one
expect_grep '^one/series.csv:3: unit: ' err.txt
expect_grep '^dsms: one/series.csv: series: [0-9]+ rows read, 1 with errors: the file is refused' \
  err.txt
expect_eq "$(sqlite3 u.db 'select count(*) from series_values')" 0 "a faulty file: none stored"
[ "$(sqlite3 u.db 'select count(*) from episodes')" -gt 0 ] && ok || bad "records beside a bad file"
finish
