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

expect_status 0 "$DSMS" simulate --out sim --people 20000 --years 2 --seed 5
expect_status 0 "$DSMS" init --store s.db
expect_status 0 "$DSMS" import --store s.db --tree sim
expect_status 0 "$DSMS" compute --store s.db
cat out.txt
"$DSMS" reference show areas --store s.db > areas.csv

# gather FLAGS...: every row of the latest year, one geography and breakdown at a time.
gather() {
  local codes
  codes="$(python3 -c 'import csv, sys
for r in csv.DictReader(open("areas.csv")): print(r["code"]); print(r["region_code"])' | sort -u) E92000001"
  for code in $codes; do
    for b in all substance sex age; do
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
for area in E06000017 E12000004 england; do
  for b in all substance sex age; do views area --area "$area" --breakdown "$b"; done
done
for m in in_treatment successful_completion penetration_opiate drug_deaths_dsr waiting_median_days; do
  views rank --measure "$m"
  views rank --measure "$m" --level region
done
finish
