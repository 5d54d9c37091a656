#!/usr/bin/env bash
# results.sh — what the results say beyond an area's figure for a year: the
# incomplete_history flag (a measure looking back before the first financial
# year held), financial quarters of the counts, results by organisation
# (provider, prison, police force: restricted, never in public output), and a
# store of schema 4 upgraded with its results read back.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
source "$(dirname "$0")/lib.sh"

expect_status 0 "$MAKER" simulate --out sim --people 3000 --years 2 --start-year 2022 --seed 5 \
  --no-early-warning
expect_status 0 "$DSMS" init s.db
expect_status 0 "$MAKER" import --store s.db --tree sim
expect_status 0 "$MAKER" compute --store s.db
# Two years: 2022-23 and 2023-24, three rolling periods, eight quarters.
nmeasures=$("$DSMS" measures --list | awk 'NR > 1' | wc -l)
expect_grep "^computed $nmeasures measures over 5 periods \(2022-23 to 2023-24, and rolling 12 months\) and 8 quarters" out.txt
export DSMS_STORE=s.db
q() { sqlite3 s.db "$1"; }

# Incomplete history: the first year of a look-back measure is flagged, the
# second not; a measure that looks back on nothing never is.
expect_eq "$(q "select incomplete_history from results where measure = 'top_abstinent' and area_code = 'E92000001' and period = '2022-23' and category = 'all'")" 1 "TOP outcome, first year"
expect_eq "$(q "select incomplete_history from results where measure = 'top_abstinent' and area_code = 'E92000001' and period = '2023-24' and category = 'all'")" 0 "TOP outcome, second year"
expect_eq "$(q "select incomplete_history from results where measure = 'new_presentations' and area_code = 'E92000001' and period = '2022-23-Q1'")" 1 "new presentations, first quarter"
expect_eq "$(q "select incomplete_history from results where measure = 'new_presentations' and area_code = 'E92000001' and period = '2022-23-Q2'")" 0 "new presentations, second quarter"
expect_eq "$(q "select count(*) from results where measure = 'in_treatment' and incomplete_history = 1")" 0 "in treatment flagged"
# The first year's TOP outcomes rest on fewer pairs than the second's.
first=$(q "select denominator from results where measure = 'top_abstinent' and area_code = 'E92000001' and period = '2022-23' and category = 'all'")
second=$(q "select denominator from results where measure = 'top_abstinent' and area_code = 'E92000001' and period = '2023-24' and category = 'all'")
[ "${first%.*}" -lt "${second%.*}" ] && ok || bad "TOP pairs: first year $first, second $second"
# Every output says so: csv and json columns, a table's marker and note.
expect_status 0 "$DSMS" measures --area england --period 2022-23 --format csv
expect_grep ",trend,provisional,by_occurrence,incomplete_history$" out.txt
expect_grep "^top_abstinent,E92000001,England,england,2022-23,all,all,.*,0,0,1$" out.txt
expect_grep "^in_treatment,E92000001,England,england,2022-23,all,all,.*,0,0,0$" out.txt
expect_status 0 "$DSMS" measures --area england --period 2022-23 --format json
expect_grep '"incomplete_history": true' out.txt
expect_status 0 "$DSMS" measures --area england --period 2022-23
expect_grep "^    \(.*# incomplete history\)$" out.txt
expect_grep "^# incomplete history: looks back before the first financial year the store$" out.txt
# The second year: the TOP outcomes complete; long-term opiate clients, looking
# two years back, still not.
expect_status 0 "$DSMS" measures --area england --period 2023-24 --format csv
expect_grep "^top_abstinent,E92000001,England,england,2023-24,all,all,.*,0,0,0$" out.txt
expect_grep "^opiate_long_term,E92000001,England,england,2023-24,all,all,.*,0,0,1$" out.txt
expect_status 0 "$DSMS" measures --measure top_abstinent --period 2022-23
expect_grep "^# incomplete history" out.txt

# Quarters: the counts only, "all" only, labelled by financial year; a year's
# people are no more than its quarters' together, and no fewer than any one.
expect_eq "$(q "select count(distinct period) from results where period like '%-Q_'")" 8 "quarters"
expect_eq "$(q "select count(*) from results where period like '%-Q_' and measure not in ('in_treatment', 'in_treatment_secure', 'new_presentations')")" 0 "quarter rows of other measures"
expect_eq "$(q "select count(*) from results where period like '%-Q_' and breakdown <> 'all'")" 0 "quarter rows broken down"
year=$(q "select numerator from results where measure = 'in_treatment' and area_code = 'E92000001' and period = '2023-24' and category = 'all'")
sum=$(q "select sum(numerator) from results where measure = 'in_treatment' and area_code = 'E92000001' and period like '2023-24-Q_'")
most=$(q "select max(numerator) from results where measure = 'in_treatment' and area_code = 'E92000001' and period like '2023-24-Q_'")
awk -v y="$year" -v s="$sum" -v m="$most" 'BEGIN { exit !(y < s && y >= m && m > 0) }' && ok || bad "in treatment 2023-24 $year, quarters sum $sum, largest $most"
expect_status 0 "$DSMS" measures --area england --period 2023-24-Q3 --format csv
expect_grep "^in_treatment,E92000001,England,england,2023-24-Q3,all,all," out.txt
expect_eq "$(awk -F, 'NR > 1 { print $1 }' out.txt | sort | tr '\n' ' ')" \
  "in_treatment in_treatment_secure new_presentations " "England's rows of a quarter"

# Organisations: each person in treatment counted once, at the provider of
# their latest episode, so the providers add up to England (every simulated
# provider is in the reference data).
eng=$(q "select numerator from results where measure = 'in_treatment' and level = 'england' and period = '2023-24' and category = 'all'")
prov=$(q "select sum(numerator) from results where measure = 'in_treatment' and level = 'provider' and period = '2023-24'")
expect_eq "${prov%.0}" "${eng%.0}" "providers' people in treatment against England's"
expect_eq "$(q "select group_concat(distinct level) from (select level from results where level in ('provider', 'prison', 'police_force', 'probation_region') order by level)")" "police_force,prison,probation_region,provider" "organisation levels"
expect_eq "$(q "select count(*) from results where level = 'probation_region' and measure <> 'drr_completion'")" 0 "probation rows of other measures"
expect_eq "$(q "select count(*) from results where level in ('provider', 'prison', 'police_force', 'probation_region') and (breakdown <> 'all' or period like '%-Q_' or vs_comparators is not null or suppressed <> 1)")" 0 "organisation rows: all only, no quarters, no comparators, never public"
expect_eq "$(q "select count(*) from results where level = 'prison' and measure <> 'continuity_of_care'")" 0 "prison rows of other measures"
expect_eq "$(q "select count(*) from results where level = 'police_force' and vs_england is null")" 0 "police force rows compared with England"
prison=$(q "select area_code from results where level = 'prison' and period = '2023-24' order by area_code limit 1")
expect_status 0 "$DSMS" measures --organisation "$prison" --period 2023-24
expect_grep "\(prison\): 2023-24" out.txt
expect_grep "^Engaged in community treatment " out.txt
provider=$(q "select area_code from results where level = 'provider' and measure = 'in_treatment' and period = '2023-24' order by numerator desc limit 1")
expect_status 0 "$DSMS" measures --organisation "$provider" --period 2023-24 --format csv
expect_grep "^in_treatment,$provider,[^,]+,provider,2023-24,all,all," out.txt
expect_grep "^effective_treatment,$provider,[^,]+,provider,2023-24,all,all," out.txt
expect_status 0 "$DSMS" measures --measure test_positive_rate --level police_force --period 2023-24
expect_grep "^ +1  F[0-9]+ " out.txt
expect_status 2 "$DSMS" measures --organisation P0001 --public
expect_grep "an organisation's results are restricted, never public output" err.txt
expect_status 2 "$DSMS" measures --measure in_treatment --level provider --public
expect_grep "restricted, never public output" err.txt
expect_status 2 "$DSMS" measures --organisation NOSUCH
expect_grep "'NOSUCH' is not a provider, prison, police force or probation region" err.txt
expect_status 2 "$DSMS" measures --measure in_treatment --level ward
expect_grep "expected area, region, provider, prison, police_force or probation_region" err.txt
# Public output has none of them; the authorised view has them all.
expect_status 0 "$DSMS" measures --all --format csv --public
expect_no_grep ",(provider|prison|police_force|probation_region),[0-9]{4}-" out.txt
expect_grep ",area,2023-24-Q1,all,all," out.txt
expect_status 0 "$DSMS" measures --all --format csv
expect_grep "^in_treatment,$provider,[^,]+,provider,2023-24," out.txt

# A store of schema 4 (no incomplete_history column): refused for reading,
# upgraded by a command that writes, its results read back as they were,
# flagged 0 until computed again.
cp s.db old.db
sqlite3 old.db "$SCHEMA4;
                update meta set value = '4' where key = 'schema_version'"
before=$(sqlite3 old.db "select count(*) || ':' || sum(numerator) from results where measure = 'top_abstinent'")
expect_status 2 "$DSMS" measures --store old.db --area england
expect_grep "old.db: a store of schema version 4, older than this dsms's 9" err.txt
expect_status 0 "$DSMS" compute --store old.db --measures in_treatment --quiet
expect_eq "$(sqlite3 old.db "select value from meta where key = 'schema_version'")" 9 "schema after the upgrade"
expect_eq "$(sqlite3 old.db "select count(*) || ':' || sum(numerator) from results where measure = 'top_abstinent'")" "$before" "results kept"
expect_status 0 "$DSMS" measures --store old.db --area england --period 2022-23 --format csv
expect_grep "^top_abstinent,E92000001,England,england,2022-23,all,all,.*,0,0,0$" out.txt
# effective_treatment shares its denominator with in_treatment: computed again,
# flagged in its first year (the deaths, without their registration dates after
# going back to schema 4, count by date of death, which reaches further back).
first=$(sqlite3 old.db "select min(period) from results where measure = 'effective_treatment' and period glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]'")
expect_eq "$(sqlite3 old.db "select incomplete_history from results where measure = 'effective_treatment' and area_code = 'E92000001' and period = '$first' and category = 'all'")" 1 "a recomputed measure flagged"
finish
