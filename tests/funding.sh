#!/usr/bin/env bash
# funding.sh — dsms allocate and dsms incentive on a simulated nation: the
# allocations sum to the budget to the penny, run after run byte for byte;
# tranches, the minimum and the damping hold; payments by a tariff, its cap
# and its pot; every refused formula, tariff, budget and previous
# allocation said as FILE:LINE: FIELD: what was expected, with nothing
# written.
source "$(dirname "$0")/lib.sh"

expect_status 0 "$MAKER" simulate --out sim --people 1000 --years 2 --start-year 2022 --seed 3 --quiet \
  --no-early-warning
expect_status 0 "$DSMS" init n.db
expect_status 0 "$MAKER" import --store n.db --tree sim
expect_status 0 "$MAKER" compute --store n.db

# pence COLUMN FILE: the sum of a CSV column of pounds, in pence
pence() {
  python3 -c "
import csv, sys
print(sum(int(r[sys.argv[1]].replace('.', '')) for r in csv.DictReader(open(sys.argv[2]))
          if r[sys.argv[1]]))" "$1" "$2"
}
head='id: t
name: A test formula
indicators:
  - {id: deprivation, from: {reference: deprivation_score}, weight: 1, normalise: per_head}
  - {id: opiate_crack, from: {reference: opiate_crack_per_1000}, weight: 1, normalise: per_head}
  - {id: people, from: {reference: population_15_64}, weight: 1, normalise: share}'
completion='  - {id: completion, from: {measure: successful_completion}, weight: 1,
     normalise: per_head, missing: england}'
tail='minimum: 100,000
tranches:
  - {name: first, areas: 50, from: 2022-23}
  - {name: second, areas: 50, from: 2023-24}
  - {name: last, from: 2024-25}
damping: {floor: -5, ceiling: 10}'
printf '%s\n' "$head" "$completion" "$tail" > f.yaml

run() { "$DSMS" allocate --store n.db --formula f.yaml --format csv "$@"; }
expect_status 0 run --budget 80,000,000.00 --period 2022-23 --out a1.csv
expect_status 0 run --budget 80,000,000.00 --period 2022-23 --out a2.csv
cmp -s a1.csv a2.csv && ok || bad "two runs differ"
expect_status 0 run --budget 80000000 --period 2022-23
cmp -s a1.csv out.txt && ok || bad "--out and standard output differ, or 80000000 is not 80,000,000.00"
expect_eq "$(pence allocation a1.csv)" 8000000000 "the allocations sum to the budget in pence"
expect_eq "$(wc -l < a1.csv)" 154 "a header and 153 areas"
expect_eq "$(grep -c ',first,yes,' a1.csv)" 50 "tranche 1 funded in 2022-23"
expect_eq "$(grep -c ',no,' a1.csv)" 103 "the others not"
expect_eq "$(grep ',no,' a1.csv | grep -vc ',no,100000.00,')" 0 "an area not funded has the minimum"
# ranks 1 to 50 are the first tranche, each funded area more than the minimum
python3 - a1.csv <<'PY' && ok || bad "ranks, tranches and need"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert sorted(int(r['rank']) for r in rows) == list(range(1, 154))
for r in rows:
    assert (int(r['rank']) <= 50) == (r['tranche'] == 'first'), r
    if r['funded'] == 'yes': assert float(r['allocation']) > 100000, r
top = sorted(rows, key=lambda r: int(r['rank']))
assert all(float(top[i]['need_index']) >= float(top[i + 1]['need_index']) for i in range(152))
PY
# a budget with odd pence, shared exactly too
printf '%s\n' "$head" "$tail" > f2.yaml
expect_status 0 "$DSMS" allocate --formula f2.yaml --format csv --budget 123,456,789.01 \
  --period 2024-25 --out odd.csv
expect_eq "$(pence allocation odd.csv)" 12345678901 "an odd budget to the penny"
expect_eq "$(grep -c ',yes,' odd.csv)" 153 "every tranche funded in 2024-25"

# last year's allocation: each change within -5% and +10%, the sum still exact
python3 -c "
import csv
rows = list(csv.DictReader(open('a1.csv')))
with open('prev.csv', 'w') as f:
    f.write('area_code,amount\n')
    for r in rows: f.write('%s,\"%s\"\n' % (r['area_code'], format(float(r['allocation']), ',.2f')))"
expect_status 0 run --budget 85,000,000 --period 2023-24 --previous prev.csv --out a3.csv
expect_eq "$(pence allocation a3.csv)" 8500000000 "damped: the sum to the penny"
expect_eq "$(pence previous a3.csv)" 8000000000 "last year's as given"
python3 - a3.csv <<'PY' && ok || bad "damping outside -5% to +10%"
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    a, p = int(r['allocation'].replace('.', '')), int(r['previous'].replace('.', ''))
    assert a * 100 >= p * 95 or a == 10000000, r
    assert a * 100 <= p * 110 or a == 10000000, r
    assert int(r['change'].replace('.', '')) == a - p, r
PY
# an area with no amount last year is not damped: it may gain more than 10%
sed '2s/,.*/,/' prev.csv > p0.csv
expect_status 0 run --budget 85,000,000 --period 2023-24 --previous p0.csv --out a4.csv
expect_eq "$(pence allocation a4.csv)" 8500000000 "an area not damped: the sum to the penny"
expect_grep "^$(sed -n '2s/,.*//p' prev.csv),.*,[0-9]+\.[0-9]{2},,\$" a4.csv
expect_status 0 run --budget 85,000,000 --period 2023-24 --previous prev.csv --format json
expect_grep '"allocation": "[0-9]+\.[0-9]{2}"' out.txt
expect_status 0 "$DSMS" allocate --store n.db --formula f.yaml --budget 85,000,000 --period 2023-24
expect_grep '^total .* 85000000.00 ' out.txt

# ---- refusals: nothing written --------------------------------------------------------------
# refused CMD...: status 2, the message, no --out file
refused() {
  expect_status 2 "$@"
  [ ! -e gone.csv ] && ok || { bad "gone.csv written: $*"; rm -f gone.csv; }
  expect_eq "$(wc -c < out.txt)" 0 "nothing on standard output: $*"
}
for b in '£80m' 80m '80,00' '1.234' '-5' '1e6' '8 000' ''; do
  refused run --budget "$b" --period 2022-23 --out gone.csv
  expect_grep "^dsms: --budget: '.*' is not an amount \\(expected pounds" err.txt
done
refused run --budget 1,000 --period 2022-23 --out gone.csv
expect_grep '^dsms: the budget 1000.00 is less than 153 areas.? minimum \(15300000.00 in all\)' err.txt
refused run --budget 80,000,000 --period 2022-3 --out gone.csv
expect_grep "^dsms: --period: '2022-3' is not a period" err.txt
refused run --budget 80,000,000 --out gone.csv
expect_grep '^dsms: indicator completion: no period' err.txt
# the damping's ceilings hold the budget in: 10% more than last year's is the most
refused run --budget 90,000,000 --period 2023-24 --previous prev.csv --out gone.csv
expect_grep '^dsms: the budget 90000000.00 is more than the formula can pay \([0-9]+\.[0-9]{2}: every funded area at its ceiling' err.txt
# a missing value is refused, naming the area and the indicator, unless England's is taken
printf '%s\n' "$head" '  - {id: completion, from: {measure: successful_completion}, weight: 1,
     normalise: per_head}' "$tail" > nomiss.yaml
refused "$DSMS" allocate --store n.db --formula nomiss.yaml --budget 1,000,000 --period 2022-23 --out gone.csv
expect_grep '^dsms: indicator completion \(line 7\): no value of successful_completion for area E[0-9]+ \(.*\) in 2022-23 \(missing: england takes' err.txt
# previous allocations
prev() { printf '%s\n' "$1" > p.csv; tail -n +2 prev.csv | sed -n "${2:-1,\$}p" >> p.csv; }
bad_prev() { # bad_prev PATTERN: p.csv refused, saying PATTERN
  refused run --budget 85,000,000 --period 2023-24 --previous p.csv --out gone.csv
  expect_grep "^dsms: p.csv:$1" err.txt
}
prev 'area,amount'; bad_prev '1: header: expected area_code,amount'
{ cat prev.csv; echo 'E99999999,10.00'; } > p.csv; bad_prev "155: area_code: 'E99999999' is not an area"
{ cat prev.csv; tail -1 prev.csv; } > p.csv; bad_prev '155: area_code: E[0-9]+ is given twice \(as on line 154\)'
sed '3s/,.*/,ten pounds/' prev.csv > p.csv; bad_prev "3: amount: 'ten pounds' is not an amount"
sed '3d' prev.csv > p.csv; bad_prev ' area_code: no row for E[0-9]+'
sed '3s/,.*/,1,2/' prev.csv > p.csv; bad_prev '3: row: expected 2 fields'
# --out may not overwrite the inputs or the store
refused run --budget 85,000,000 --period 2023-24 --previous prev.csv --out prev.csv
refused run --budget 85,000,000 --period 2023-24 --out f.yaml
expect_grep 'the formula' err.txt

# formulas, one fault at a time: FILE:LINE: FIELD: what was expected
refuse() { # refuse LINE FIELD PATTERN TEXT
  printf '%s\n' "$4" > bad.yaml
  refused "$DSMS" allocate --store n.db --formula bad.yaml --budget 1,000,000 --period 2022-23 --out gone.csv
  expect_grep "^dsms: bad.yaml:$1: $2: $3" err.txt
}
ind() { printf 'id: t\nname: T\nindicators:\n  - %s\n' "$1"; }
refuse 3 formula "unknown field 'budget' \\(expected one of id, name, source, indicators" \
  'id: t
name: T
budget: 5
indicators: []'
refuse 1 formula "no 'indicators'" 'id: t
name: T'
refuse 4 reference "'deprivation' is not in the reference data" \
  "$(ind '{id: d, from: {reference: deprivation}, weight: 1, normalise: share}')"
refuse 4 normalise "'rate' is not a normalisation \\(expected per_head or share\\)" \
  "$(ind '{id: d, from: {reference: deprivation_score}, weight: 1, normalise: rate}')"
refuse 4 weight '0 is not a weight' \
  "$(ind '{id: d, from: {reference: deprivation_score}, weight: 0, normalise: share}')"
refuse 4 weight 'expected a number' \
  "$(ind '{id: d, from: {reference: deprivation_score}, weight: heavy, normalise: share}')"
refuse 4 indicator "no 'weight'" "$(ind '{id: d, from: {reference: deprivation_score}, normalise: share}')"
refuse 4 measure "'deaths' is not a measure" "$(ind '{id: d, from: {measure: deaths}, weight: 1, normalise: share}')"
refuse 4 from 'give one of reference:, measure: or series:' \
  "$(ind '{id: d, from: {measure: in_treatment, series: x}, weight: 1, normalise: share}')"
refuse 4 level "'region' is not a level" \
  "$(ind '{id: d, from: {series: neighbourhood_crime, level: region}, weight: 1, normalise: share}')"
refuse 4 missing "'zero' is not a rule for a missing value" \
  "$(ind '{id: d, from: {measure: in_treatment}, weight: 1, normalise: share, missing: zero}')"
refuse 5 id "'d' is given twice \\(as on line 4\\)" "$(ind '{id: d, from: {reference: population}, weight: 1, normalise: share}')
  - {id: d, from: {reference: population}, weight: 1, normalise: share}"
refuse 5 minimum "'£100k' is not an amount" "$(ind '{id: d, from: {reference: population}, weight: 1, normalise: share}')
minimum: £100k"
refuse 6 tranche "no 'areas' \\(only the last tranche" "$(ind '{id: d, from: {reference: population}, weight: 1, normalise: share}')
tranches:
  - {from: 2022-23}
  - {areas: 5}"
refuse 7 from '2022-23 is before the tranche before' "$(ind '{id: d, from: {reference: population}, weight: 1, normalise: share}')
tranches:
  - {areas: 5, from: 2023-24}
  - {from: 2022-23}"
refuse 7 ceiling 'below the floor' "$(ind '{id: d, from: {reference: population}, weight: 1, normalise: share}')
damping:
  floor: 5
  ceiling: -5"
refuse 5 floor '-2.555 is not a percentage from -100 to 1000 with at most two decimals' "$(ind '{id: d, from: {reference: population}, weight: 1, normalise: share}')
damping: {floor: -2.555, ceiling: 5}"
refuse 2 'not YAML' '' 'id: t
  bad: [
name: y'
printf 'id: t\nname: \x8b\n' > bin.yaml
refused "$DSMS" allocate --formula bin.yaml --budget 1 --out gone.csv
expect_grep '^dsms: bin.yaml:2: not text: byte 13 is not UTF-8' err.txt

# the shipped formula reads; with no series stored it names what is missing
expect_status 2 "$DSMS" allocate --store n.db --formula "$SRC/data/funding/need-2022.yaml" \
  --budget 95,000,000 --period 2022-23
expect_grep '^dsms: indicator drug_deaths \(line [0-9]+\): no value of ons_drug_misuse_deaths for area E06000001 \(Hartlepool\) in 2018-2020, nor for England' err.txt
# series values: deaths for ten areas and England (the rest take England's), the same
# count of crime for every police force (a force's count shared by its areas' people)
python3 - "$SRC" <<'PY'
import csv, sys
areas = list(csv.DictReader(open(sys.argv[1] + '/data/areas.csv')))
forces = sorted({a['police_force_code'] for a in areas})
with open('values.csv', 'w') as f:
    f.write('series,period,level,code,value\n')
    f.write('ons_drug_misuse_deaths,2018-2020,england,E92000001,5.0\n')
    for i, a in enumerate(areas[:10]):
        f.write('ons_drug_misuse_deaths,2018-2020,area,%s,%.1f\n' % (a['code'], 2 + i))
    for c in forces:
        f.write('neighbourhood_crime,2021-22,force,%s,1000\n' % c)
PY
expect_status 0 "$DSMS" series import --store n.db values.csv
expect_status 0 "$DSMS" allocate --store n.db --formula "$SRC/data/funding/need-2022.yaml" \
  --budget 100,000,000 --period 2022-23 --format csv --out ship.csv
expect_eq "$(pence allocation ship.csv)" 10000000000 "the shipped formula: the budget to the penny"
expect_eq "$(grep -c ',yes,' ship.csv)" 50 "the shipped formula: 50 areas funded in 2022-23"
# crime alone: each force's areas share 1/F of the need, in proportion to their people
printf '%s\n' 'id: c
name: Crime
indicators:
  - {id: crime, from: {series: neighbourhood_crime, level: force, period: 2021-22}, weight: 1,
     normalise: share}' > crime.yaml
expect_status 0 "$DSMS" allocate --store n.db --formula crime.yaml --budget 1,000,000 --format csv --out crime.csv
python3 - "$SRC" crime.csv <<'PY' && ok || bad "a force's count shared by its areas' people"
import csv, sys
force = {a['code']: a['police_force_code'] for a in csv.DictReader(open(sys.argv[1] + '/data/areas.csv'))}
by = {}
for r in csv.DictReader(open(sys.argv[2])):
    by[force[r['area_code']]] = by.get(force[r['area_code']], 0) + float(r['share'])
assert all(abs(v - 1 / len(by)) < 1e-6 for v in by.values()), by
PY

# ---- incentive -----------------------------------------------------------------------------
printf '%s\n' 'id: pbr
name: A test tariff
outcomes:
  - id: completions
    measure: successful_completion
    per_person: 50.00
    cap: 1,000
  - id: improvement
    measure: successful_completion
    per_point: 500
    baseline: 2022-23
    threshold: 0.5' > t.yaml
inc() { "$DSMS" incentive --store n.db --tariff t.yaml --period 2023-24 --format csv "$@"; }
expect_status 0 inc --out i1.csv
expect_status 0 inc --out i2.csv
cmp -s i1.csv i2.csv && ok || bad "two runs of incentive differ"
expect_eq "$(wc -l < i1.csv)" 307 "a header and 153 areas by 2 outcomes"
# per person: 50.00 a completion, at most 1,000.00 an area
python3 - i1.csv <<'PY' && ok || bad "payments per person and per point"
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    earned, paid = int(r['earned'].replace('.', '')), int(r['paid'].replace('.', ''))
    if r['outcome'] == 'completions' and r['numerator'] != '-':
        assert earned == 5000 * round(float(r['numerator'])), r
        assert paid == min(earned, 100000), r
    if r['outcome'] == 'improvement' and r['improvement'] != '-':
        imp = float(r['improvement'])
        assert earned == (int(50000 * imp) if imp >= 0.5 else 0), r
        assert paid == earned, r
PY
a=$(sqlite3 n.db "select area_code, cast(numerator as int) from results where measure =
  'successful_completion' and period = '2023-24' and breakdown = 'all' and level = 'area'
  and numerator >= 3 order by area_code limit 1")
expect_grep "^${a%|*},.*,completions,successful_completion,${a#*|}(\.0)?,.*,$((${a#*|} * 50)).00,$((${a#*|} * 50)).00,$((${a#*|} * 50)).00," i1.csv
# a pot smaller than what is earned: paid pro rata, to the penny
printf 'pot: 2,000.01\n' >> t.yaml
expect_status 0 inc --out i3.csv
expect_eq "$(pence paid i3.csv)" 200001 "the pot paid exactly"
[ "$(pence capped i3.csv)" -gt 200001 ] && ok || bad "the pot is not smaller than the earnings"
expect_status 0 "$DSMS" incentive --store n.db --tariff t.yaml --period 2023-24
expect_grep '^total +[0-9.]+ +[0-9.]+ +2000.01$' out.txt
expect_status 0 "$DSMS" incentive --store n.db --tariff t.yaml --period 2023-24 --format json
expect_grep '"paid": "2000.01"' out.txt
# refusals
refused "$DSMS" incentive --store n.db --tariff t.yaml --out gone.csv
expect_grep 'give --tariff FILE and --period P' err.txt
refused "$DSMS" incentive --store n.db --tariff t.yaml --period 23-24 --out gone.csv
refused "$DSMS" incentive --store no-such.db --tariff t.yaml --period 2023-24 --out gone.csv
tariff() { # tariff LINE FIELD PATTERN OUTCOME
  printf 'id: p\nname: P\noutcomes:\n  - %s\n' "$4" > bad.yaml
  refused "$DSMS" incentive --store n.db --tariff bad.yaml --period 2023-24 --out gone.csv
  expect_grep "^dsms: bad.yaml:$1: $2: $3" err.txt
}
tariff 4 outcome 'no payment' '{id: a, measure: in_treatment}'
tariff 4 per_point 'a payment for improvement needs a baseline' \
  '{id: a, measure: successful_completion, per_point: 5}'
tariff 4 per_point 'in_treatment has no polarity' \
  '{id: a, measure: in_treatment, per_point: 5, baseline: 2022-23}'
tariff 4 per_person "'5 pounds' is not an amount" '{id: a, measure: in_treatment, per_person: 5 pounds}'
tariff 4 cap "'-1' is not an amount" '{id: a, measure: in_treatment, per_person: 5, cap: -1}'
tariff 4 threshold 'a threshold is for per_point' '{id: a, measure: in_treatment, per_person: 5, threshold: 2}'
tariff 4 measure "'completions' is not a measure" '{id: a, measure: completions, per_person: 5}'
tariff 4 breakdown "'colour' is not a breakdown of successful_completion" \
  '{id: a, measure: successful_completion, breakdown: colour, per_person: 5}'
tariff 4 outcome "unknown field 'bonus'" '{id: a, measure: in_treatment, per_person: 5, bonus: 1}'
expect_status 0 "$DSMS" incentive --store n.db --tariff "$SRC/data/funding/health-premium-2015.yaml" \
  --period 2023-24 --format csv
[ "$(pence paid out.txt)" -le 500000000 ] && ok || bad "the shipped tariff pays more than its pot"
finish
