#!/usr/bin/env bash
# measures.sh — dsms compute and dsms measures end to end on a small simulated
# nation: the commands' errors, the three formats, ranking, disclosure control,
# periods, repeatability, and a computation that cannot write leaving the
# earlier results as they were.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
source "$(dirname "$0")/lib.sh"

expect_status 0 "$DSMS" init --store s.db
expect_status 2 "$DSMS" measures --store s.db --area E06000001
expect_grep "^dsms: measures: the store has no results \(run dsms compute first\)" err.txt
expect_status 0 "$DSMS" compute --store s.db
expect_grep "^nothing to compute: the store holds no records" out.txt
expect_status 2 "$DSMS" compute --store s.db extra
expect_grep "unexpected argument 'extra'" err.txt
expect_status 2 "$DSMS" compute --store missing.db
expect_grep "missing.db: no such store" err.txt

expect_status 0 "$MAKER" simulate --out sim --people 4000 --years 5 --start-year 2020 --seed 3 \
  --no-early-warning
expect_status 0 "$MAKER" import --store s.db --tree sim
expect_status 0 "$DSMS" compute --store s.db
expect_additive s.db
# Expected against actual: each observed count is its measure's numerator, in every
# place and period; England is 100 (its expected is its observed); a ratio is
# observed / expected x 100 within its limits.
for m in successful_completion continuity_of_care deaths_in_treatment; do
  expect_eq "$(sqlite3 s.db "select count(*) from results r join results b
    on b.measure = '$m' and b.area_code = r.area_code and b.period = r.period
    and b.breakdown = 'all' where r.measure = '${m}_vs_expected'
    and (r.numerator is not b.numerator)")" 0 "${m}_vs_expected's observed counts"
  expect_eq "$(sqlite3 s.db "select count(*) from results where measure = '${m}_vs_expected'
    and area_code = 'E92000001' and numerator > 0")" \
    "$(sqlite3 s.db "select count(*) from results where measure = '${m}_vs_expected'
    and area_code = 'E92000001' and abs(value - 100) < 1e-9 and abs(denominator - numerator) < 1e-6
    and lower95 < 100 and upper95 > 100")" "${m}_vs_expected: England is 100"
done
expect_eq "$(sqlite3 s.db "select count(*) from results where measure like '%_vs_%' and denominator > 0
  and (abs(value - 100.0 * numerator / denominator) > 1e-9 * value or value < lower95
       or value > upper95 or lower99_8 > lower95 or upper99_8 < upper95)")" 0 \
  "each ratio and its limits"
[ "$(sqlite3 s.db "select count(*) from results where measure = 'deaths_in_treatment_vs_expected'
  and level = 'area' and numerator > 0")" -gt 0 ] && ok || bad "no deaths in treatment expected"
nmeasures=$("$DSMS" measures --list | awk 'NR > 1' | wc -l)
expect_grep "^computed $nmeasures measures over 17 periods \(2020-21 to 2024-25, and rolling 12 months\)" out.txt
expect_grep "^  linked   [0-9,]+ people" out.txt

# Bad requests: status 2, saying what was expected.
expect_status 2 "$DSMS" measures --store s.db
expect_grep "give --area CODE, --organisation CODE, --measure ID or --all" err.txt
expect_status 2 "$DSMS" measures --store s.db --area E06000001 --measure in_treatment
expect_grep "give --area CODE, --organisation CODE, --measure ID or --all \(one of them\)" err.txt
expect_status 2 "$DSMS" measures --store s.db --all --measure in_treatment
expect_grep "give --area CODE, --organisation CODE, --measure ID or --all \(one of them\)" err.txt
expect_status 2 "$DSMS" measures --store s.db --all
expect_grep "--all writes every result, as csv or json \(add --format csv or --format json\)" err.txt
expect_status 2 "$DSMS" measures --store s.db --all --format csv --period 1999-00
expect_grep "no results for period '1999-00'" err.txt
expect_status 2 "$DSMS" measures --store s.db --area E99999999
expect_grep "'E99999999' is not an area, region or England" err.txt
expect_status 2 "$DSMS" measures --store s.db --measure no_such
expect_grep "'no_such' is not a measure \(dsms measures --list shows them\)" err.txt
expect_status 2 "$DSMS" measures --store s.db --area england --format xml
expect_grep "--format 'xml' \(expected table, csv or json\)" err.txt
expect_status 2 "$DSMS" measures --store s.db --area england --breakdown colour
expect_grep "--breakdown 'colour' \(expected all, substance, sex, age, ethnicity or reason\)" err.txt
expect_status 2 "$DSMS" measures --store s.db --area england --period 1999-00
expect_grep "no results for period '1999-00'" err.txt

# The list names every measure once.
expect_status 0 "$DSMS" measures --list
expect_eq "$(awk 'NR > 1' out.txt | wc -l)" $nmeasures "measures listed"
expect_grep "^successful_completion +%" out.txt

# An area's table: the latest financial year by default, every measure.
expect_status 0 "$DSMS" measures --store s.db --area Hartlepool
expect_grep "^Hartlepool, North East: 2024-25" out.txt
expect_grep "^Numbers in treatment +[0-9]+ +- +[0-9]+ +[0-9]+ +- +-$" out.txt
expect_grep "^  re-presentation within 6 months$" out.txt
expect_status 0 "$DSMS" measures --store s.db --area E12000001 --period 12m-2023-12
expect_grep "^North East: 12m-2023-12" out.txt

# CSV: one row per measure for "all"; the substance breakdown has its groups.
expect_status 0 "$DSMS" measures --store s.db --area england --format csv
expect_grep "^measure,area_code,area_name,level,period,breakdown,category,numerator,denominator,value,lower95,upper95,lower99_8,upper99_8,vs_england,vs_comparators,trend,provisional,by_occurrence,incomplete_history$" out.txt
# Figures that look past the year's end are provisional while the data stop at it.
expect_grep "^successful_completion,E92000001,England,england,2024-25,all,all,.*,1,0,0$" out.txt
expect_grep "^in_treatment,E92000001,England,england,2024-25,all,all,.*,0,0,0$" out.txt
expect_grep "^sustained_recovery_12m,E92000001,England,england,2024-25,all,all,.*,1,0,0$" out.txt
"$DSMS" measures --store s.db --area england --period 2023-24 --format csv > y23.csv
expect_grep "^successful_completion,E92000001,England,england,2023-24,all,all,.*,0,0,0$" y23.csv
# Every measure but drug-misuse deaths, which are by calendar year of registration.
expect_eq "$(awk 'NR > 1' out.txt | wc -l)" $((nmeasures - 1)) "England's rows"
expect_no_grep "^drug_deaths_dsr," out.txt
expect_status 0 "$DSMS" measures --store s.db --area england --format csv --breakdown substance
expect_grep "^successful_completion,E92000001,England,england,2024-25,substance,opiate," out.txt
# A percentage is numerator / denominator x 100, inside its interval.
awk -F, 'NR > 1 && $1 == "successful_completion" {
  v = $8 / $9 * 100; if (v - $10 > 1e-6 || $10 - v > 1e-6 || $11 > $10 || $12 < $10) bad++ }
  END { exit bad > 0 }' out.txt && ok || bad "successful_completion values or limits inconsistent"

# JSON parses, and carries the same figure as CSV.
expect_status 0 "$DSMS" measures --store s.db --area england --format json
python3 -c 'import json,sys; d=json.load(open("out.txt")); print(len(d), [r["numerator"] for r in d if r["measure"]=="in_treatment"][0])' > json.txt
csv_people=$("$DSMS" measures --store s.db --area england --format csv | awk -F, '$1 == "in_treatment" { print $8 }')
expect_eq "$(cat json.txt)" "$((nmeasures - 1)) $csv_people.0" "JSON rows and people in treatment"

# Ranking: every area once, best first; ranks 1, 2, ... for the values, none
# for a row without one.
expect_status 0 "$DSMS" measures --store s.db --measure successful_completion --format csv
expect_eq "$(awk 'NR > 1' out.txt | wc -l)" 153 "areas ranked"
expect_grep "^rank,measure,area_code," out.txt
python3 - <<'PY' && ok || bad "ranks are not 1, 2, ... over the rows with a value"
import csv, sys
rows = list(csv.DictReader(open("out.txt")))
ranked = [r for r in rows if r["rank"]]
sys.exit(0 if [int(r["rank"]) for r in ranked] == list(range(1, len(ranked) + 1)) and
         all(r["value"] for r in ranked) and not any(r["value"] for r in rows[len(ranked):]) else 1)
PY
# ordered DIRECTION: the CSV's values (names may hold commas) in that order, blanks last.
ordered() {
  python3 - "$1" <<'PY'
import csv, sys
v = [r["value"] for r in csv.DictReader(open("out.txt"))]
known = [float(x) for x in v if x]
blanks_last = all(x for x in v[:len(known)])
want = sorted(known, reverse=sys.argv[1] == "down")
sys.exit(0 if blanks_last and known == want else 1)
PY
}
ordered down && ok || bad "ranking is not best first"
expect_status 0 "$DSMS" measures --store s.db --measure successful_completion --format json
python3 -c 'import json; d = json.load(open("out.txt")); assert d[0]["rank"] == 1 and "rank" in d[-1]' \
  && ok || bad "json ranking has no rank"
expect_status 0 "$DSMS" measures --store s.db --measure representation_6m --format csv --level region
expect_eq "$(awk 'NR > 1' out.txt | wc -l)" 9 "regions ranked"
ordered up && ok || bad "lower is better: ranking is not lowest first"
expect_status 0 "$DSMS" measures --store s.db --measure successful_completion
expect_grep "^England [0-9.]+ \(95% CI [0-9.]+-[0-9.]+; [0-9]+ / [0-9]+\)" out.txt
expect_grep "^   1  E0" out.txt

# Public output: no count from 1 to 5 is shown, and what is hidden is flagged.
expect_status 0 "$DSMS" measures --store s.db --measure top_housing_resolved --format csv --public
python3 - <<'PY' && ok || bad "public output shows a small count, or a hidden row's figures"
import csv, sys
rows = list(csv.DictReader(open("out.txt")))
small = lambda x: x != "" and 1 <= float(x) <= 5
shown = [r for r in rows if small(r["numerator"]) or small(r["denominator"])]
leaky = [r for r in rows if r["suppressed"] == "1" and (r["numerator"] or r["value"])]
hidden = [r for r in rows if r["suppressed"] == "1"]
sys.exit(1 if shown or leaky or not hidden else 0)
PY
expect_status 0 "$DSMS" measures --store s.db --area E06000001 --breakdown sex --public
expect_grep " \* " out.txt
# A hidden row hides its counted denominator in the table too (a population or
# estimate, the standardised rate's or penetration's, stays).
expect_no_grep "^[A-Z][^*]*(% of|[a-z]) +[A-Za-z0-9_-]+ +\* +\* +\* / [0-9]" \
  <(grep -v -e "^Opiate clients in treatment" -e "^Drug-misuse deaths, directly" out.txt)
expect_status 0 "$DSMS" measures --store s.db --measure top_housing_resolved --public
expect_no_grep "\* / [0-9]" out.txt
expect_grep "^   -  E" out.txt

# Some measures alone: theirs replaced, the others' kept.
sqlite3 s.db "select count(*) from results" > before.txt
sqlite3 s.db "update results set value = -1 where measure in ('continuity_of_care', 'mutual_aid')"
expect_status 0 "$DSMS" compute --store s.db --measures continuity_of_care,drr_completion
expect_grep "^computed 3 measures over 17 periods" out.txt  # with continuity_of_care_vs_expected
expect_eq "$(sqlite3 s.db "select count(*) from results")" "$(cat before.txt)" "results after a partial computation"
expect_eq "$(sqlite3 s.db "select count(*) from results where measure = 'continuity_of_care' and value = -1")" 0 "recomputed measure"
expect_grep "^[1-9]" <(sqlite3 s.db "select count(*) from results where measure = 'mutual_aid' and value = -1")
# A measure that shares a count with others (docs/statistics.md) brings them along:
# in_treatment, effective_treatment, mutual_aid, successful_completion,
# sustained_recovery_12m, opiate_long_term (its opiate category), and through
# successful_completion representation_6m and successful_completion_vs_expected.
expect_status 0 "$DSMS" compute --store s.db --measures in_treatment
expect_grep "^computed 8 measures over 17 periods" out.txt
expect_eq "$(sqlite3 s.db "select count(*) from results where measure = 'mutual_aid' and value = -1")" 0 "a measure sharing a count, recomputed"
expect_status 2 "$DSMS" compute --store s.db --measures in_treatment,nope
expect_grep "'nope' is not a measure" err.txt
expect_status 2 "$DSMS" compute --store s.db --measures in_treatment,,mutual_aid
expect_grep "--measures 'in_treatment,,mutual_aid' \(expected measure IDs separated by commas\)" err.txt
expect_status 0 "$DSMS" compute --store s.db --quiet

# The same store computes the same results; a store that cannot be written
# keeps its results.
sqlite3 s.db "select * from results order by 1,2,3,4,5" | sha256sum > first.txt
expect_status 0 "$DSMS" compute --store s.db --quiet
expect_eq "$(cat out.txt)" "" "--quiet prints nothing"
sqlite3 s.db "select * from results order by 1,2,3,4,5" | sha256sum > second.txt
expect_eq "$(cat second.txt)" "$(cat first.txt)" "results of a second computation"
if [ "$(id -u)" -ne 0 ]; then
  chmod a-w s.db
  expect_status 2 "$DSMS" compute --store s.db
  chmod u+w s.db
  sqlite3 s.db "select * from results order by 1,2,3,4,5" | sha256sum > third.txt
  expect_eq "$(cat third.txt)" "$(cat first.txt)" "results after a failed computation"
fi
# Drug-misuse deaths by calendar year of registration: the data hold 2020-21 to
# 2024-25, so the whole calendar years 2021 to 2024, single for England and the
# regions, three pooled (2021-2023, 2022-2024) for areas too. The simulator
# writes every registration date: nothing is counted by occurrence.
expect_status 0 "$DSMS" measures --store s.db --area england --period 2024 --format csv
expect_eq "$(awk -F, 'NR > 1 { print $1 }' out.txt | sort -u)" "drug_deaths_dsr" "measures of 2024"
expect_grep "^drug_deaths_dsr,E92000001,England,england,2024,all,all,[0-9]+,.*,0,0,0$" out.txt
expect_status 0 "$DSMS" measures --store s.db --all --format csv
python3 - > periods.txt <<'PY'
import csv, re
rows = list(csv.DictReader(open("out.txt")))
dsr = [r for r in rows if r["measure"] == "drug_deaths_dsr"]
print(" ".join(sorted({r["period"] for r in dsr})))
print(sum(1 for r in dsr if r["level"] == "area" and len(r["period"]) != 9))
print(sum(1 for r in rows if r["measure"] != "drug_deaths_dsr" and re.fullmatch(r"\d{4}(-\d{4})?", r["period"])))
PY
expect_eq "$(sed -n 1p periods.txt)" "2021 2021-2023 2022 2022-2024 2023 2024" "periods of drug_deaths_dsr"
expect_eq "$(sed -n 2p periods.txt)" 0 "areas' single calendar years"
expect_eq "$(sed -n 3p periods.txt)" 0 "calendar periods of other measures"
# The ranking of a measure by calendar year defaults to its latest pooled period.
expect_status 0 "$DSMS" measures --store s.db --measure drug_deaths_dsr
expect_grep "^Drug-misuse deaths, directly standardised rate .*: 2022-2024$" out.txt
expect_grep "^England [0-9.]+ \(95% CI" out.txt
# A death without a registration date counts in the year of its death, and every
# format says so: registered deaths in H for 2020 to 2024 (data from 2020-21 to
# August 2024: whole years 2021 to 2023), and U1, died 2022-06-01, unregistered.
expect_status 0 "$DSMS" init --store occ.db
python3 - > occ.csv <<'PY'
print("death_ref,initials,date_of_birth,sex,area_code,date_of_death,drug_misuse,substances,registration_date")
for y in range(2020, 2025):
    for i in range(4):
        print(f"R{y}{i},AB,1980-01-01,M,E06000001,{y}-03-0{i + 1},Y,heroin,{y}-0{i + 5}-01")
print("U1,AC,1980-01-01,M,E06000001,2022-06-01,Y,heroin,")
print("U0,AD,1970-01-01,M,E06000001,2015-06-01,Y,heroin,")
PY
expect_status 0 "$DSMS" import --store occ.db --source ONS occ.csv
expect_status 0 "$DSMS" compute --store occ.db
expect_status 0 "$DSMS" measures --store occ.db --area england --period 2022 --format csv
expect_grep "^drug_deaths_dsr,E92000001,England,england,2022,all,all,5,.*,0,1,0$" out.txt
# U0, died 2015 and unregistered, moves no period back: the data begin in 2020.
expect_status 2 "$DSMS" measures --store occ.db --area england --period 2016 --format csv
expect_grep "no results for period '2016'" err.txt
expect_status 0 "$DSMS" measures --store occ.db --area england --period 2021 --format csv
expect_grep "^drug_deaths_dsr,E92000001,England,england,2021,all,all,4,.*,0,0,0$" out.txt
expect_status 0 "$DSMS" measures --store occ.db --area E06000001 --period 2021-2023 --format json
expect_eq "$(python3 -c 'import json; d=json.load(open("out.txt")); print([(r["numerator"], r["by_occurrence"]) for r in d if r["category"] == "all"])')" \
  "[(13.0, True)]" "JSON of H's pooled deaths"
expect_status 0 "$DSMS" measures --store occ.db --area E06000001 --period 2021-2023
expect_grep "^Drug-misuse deaths, directly +5\.3 " out.txt
expect_grep "^    \(some deaths by date of occurrence, for want of a registration date\)$" out.txt
expect_status 0 "$DSMS" measures --store occ.db --measure drug_deaths_dsr
expect_grep "^Drug-misuse deaths, directly standardised rate .*: 2021-2023$" out.txt
expect_grep "^Some deaths counted by date of occurrence" out.txt
expect_grep "^ +1 +E06000001 +Hartlepool +5\.3 " out.txt
finish
