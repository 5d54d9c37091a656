#!/usr/bin/env bash
# disclosure.sh — public output audited from outside, on a small simulated
# nation: every public row (each measure, period, breakdown, area, region and
# England) tried against every additive relation by disclosure_audit.py, which
# re-derives the relations from the reference areas and must recover no hidden
# count; and the table, CSV and JSON of the same request hide the same cells,
# with hidden values unranked. A dsms without --all is audited on the latest
# year, read area by area.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
source "$(dirname "$0")/lib.sh"

expect_status 0 "$MAKER" simulate --out sim --people 10000 --years 2 --seed 5 --no-early-warning
expect_status 0 "$DSMS" init --store s.db
expect_status 0 "$MAKER" import --store s.db --tree sim
expect_status 0 "$DSMS" compute --store s.db
cat out.txt
"$DSMS" reference show areas --store s.db > areas.csv

# gather FLAGS...: every row of the latest year, one geography and breakdown at a time.
gather() {
  local codes
  codes="$(python3 -c 'import csv, sys
for r in csv.DictReader(open("areas.csv")): print(r["code"]); print(r["region_code"])' | sort -u) E92000001"
  for code in $codes; do
    for b in all substance sex age ethnicity reason; do
      "$DSMS" measures --store s.db --area "$code" --breakdown "$b" --format csv "$@" 2>/dev/null
    done
  done | awk 'NR == 1 || !/^measure,/'
}
if "$DSMS" measures --store s.db --all --public --format csv > public.csv 2> err.txt; then
  "$DSMS" measures --store s.db --all --format csv > full.csv
else
  echo "this dsms has no --all: reading the latest year area by area"
  gather --public > public.csv
  gather > full.csv
fi
python3 "$SRC/tests/disclosure_audit.py" --public public.csv --areas areas.csv --full full.csv \
  > audit.txt && ok || bad "the audit recovered hidden counts from public output"
cat audit.txt
expect_grep "^relations tried [1-9][0-9]*; cells recovered 0$" audit.txt
# Recomputing some measures decides those that share a count with them again
# too, so that the shared cells stay hidden together.
cp s.db part.db
expect_status 0 "$DSMS" compute --store part.db --measures effective_treatment
expect_grep "^computed [0-9]+ measures" out.txt
expect_no_grep "^computed 1 measures" out.txt
"$DSMS" measures --store part.db --all --public --format csv > part.csv
python3 "$SRC/tests/disclosure_audit.py" --public part.csv --areas areas.csv > part.txt &&
  ok || bad "the audit recovered hidden counts after a partial compute: $(tail -3 part.txt)"
# The new breakdowns are in public output, and audited with the others.
for b in ethnicity reason; do
  grep -q ",$b," public.csv && ok || bad "no $b rows in public output"
done
expect_grep "ethnicity in the total" audit.txt
# The quantities measures share, found by the audit from public output alone.
for link in "in_treatment numerator = successful_completion denominator" \
            "effective_treatment denominator = in_treatment numerator" \
            "new_presentations numerator = waiting_3wk denominator" \
            "hep_b_vaccinated denominator = hep_c_tested denominator"; do
  expect_grep "linked quantities: $link$" audit.txt
done

# The views: a table shows what its CSV shows, and JSON the same cells null.
views() {
  local kind=$1; shift
  "$DSMS" measures --store s.db "$@" --public > view.txt
  "$DSMS" measures --store s.db "$@" --public --format csv > view.csv
  "$DSMS" measures --store s.db "$@" --public --format json > view.json
  python3 "$SRC/tests/disclosure_views.py" "$kind" view.txt view.csv > diff.txt &&
    python3 "$SRC/tests/disclosure_views.py" json view.json view.csv >> diff.txt &&
    ok || bad "public views differ for $*: $(head -c 600 diff.txt)"
}
for area in E06000017 england; do
  for b in all substance sex age ethnicity; do views area --area "$area" --breakdown "$b"; done
done
views area --area england --breakdown reason
for m in in_treatment successful_completion penetration_opiate_crack waiting_median_days; do
  views rank --measure "$m"
done
views rank --measure successful_completion --level region
# Two years of data hold single calendar years of deaths, for the regions.
views rank --measure drug_deaths_dsr --level region

# Results without a decision (computed before the store kept one) are not
# shown in public, with a way out; the authorised view still is.
sqlite3 s.db ".backup old.db"
sqlite3 s.db "update results set suppressed = null where measure = 'mutual_aid'"
expect_status 2 "$DSMS" measures --store s.db --measure mutual_aid --public
expect_grep "^dsms: the stored results of 'mutual_aid' for [0-9-]+ were computed before disclosure control was kept with them, so none can be shown in public; run dsms compute, then ask again$" err.txt
expect_eq "$(cat out.txt)" "" "output of a refused public view"
expect_status 2 "$DSMS" measures --store s.db --area england --public --format json
expect_grep "'mutual_aid'.*run dsms compute" err.txt
expect_status 0 "$DSMS" measures --store s.db --measure mutual_aid
expect_status 0 "$DSMS" measures --store s.db --measure in_treatment --public

# A store of schema 3 (results without the column, no registers): refused for
# reading with what to do; opened for writing, it gains the column, its old
# results undecided until computed again.
sqlite3 old.db "alter table results drop column suppressed; $SCHEMA4; drop table registers;
                update meta set value = '3' where key = 'schema_version'"
expect_status 2 "$DSMS" measures --store old.db --measure in_treatment --public
expect_grep "old.db: a store of schema version 3, older than this dsms's 9: it is upgraded the next time a command writes to it \(dsms import, dsms compute or dsms reference load\)" err.txt
expect_status 0 "$DSMS" compute --store old.db --measures in_treatment --quiet
expect_eq "$(sqlite3 old.db "select value from meta where key = 'schema_version'")" 9 "schema after the upgrade"
expect_status 0 "$DSMS" measures --store old.db --measure in_treatment --public --format csv
expect_grep ",1$" out.txt
expect_status 2 "$DSMS" measures --store old.db --measure top_abstinent --public
expect_grep "'top_abstinent'.*run dsms compute" err.txt
expect_status 0 "$DSMS" compute --store old.db --quiet
expect_status 0 "$DSMS" measures --store old.db --measure top_abstinent --public
expect_eq "$(sqlite3 old.db "select count(*) from results where suppressed is null")" 0 "undecided results after compute"
finish
