#!/usr/bin/env bash
# usability.sh — the command as a new user meets it: the progress line (drawn
# on a terminal only, never into a pipe or file, never with --quiet), tables
# within 100 columns, the default period, standard input, plurals and the
# refusals that say why.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
source "$(dirname "$0")/lib.sh"
export DSMS_STORE=s.db
ESC=$(printf '\033')

# ---- progress: nothing when stderr is not a terminal, or with --quiet ----
expect_status 0 "$DSMS" init
expect_status 0 "$DSMS" simulate --out sim --people 1500 --years 2 --start-year 2023 --seed 4 \
  --no-early-warning
cp err.txt sim.err
expect_status 0 "$DSMS" simulate --out simq --people 1500 --years 2 --start-year 2023 --seed 4 --quiet \
  --no-early-warning
expect_eq "$(cat sim.err)" "$(cat err.txt)" "simulate: stderr not a terminal = --quiet"
expect_eq "$(wc -c < out.txt)" "0" "simulate --quiet prints nothing"
expect_status 0 "$DSMS" import --tree sim
cp err.txt imp.err
expect_eq "$(cat err.txt)" "" "import --tree of a simulated tree: nothing on stderr"
expect_no_grep "$ESC" out.txt
expect_eq "$(cd sim && find . -type f | sort | xargs cat | sha256sum)" "$(cd simq && find . -type f | sort | xargs cat | sha256sum)" "simulate --quiet wrote other bytes"
expect_status 0 "$DSMS" init q.db
expect_status 0 "$DSMS" import --store q.db --tree sim --quiet
expect_eq "$(cat imp.err)" "$(cat err.txt)" "import --tree: stderr not a terminal = --quiet"
expect_eq "$(wc -c < out.txt)" "0" "import --quiet prints nothing"
nmeasures=$("$DSMS" measures --list | awk 'NR > 1' | wc -l)
expect_status 0 "$DSMS" compute
expect_eq "$(wc -c < err.txt)" "0" "compute: nothing on stderr when it is not a terminal"
expect_no_grep "$ESC" out.txt
expect_grep "^computed $nmeasures measures over [0-9]+ periods" out.txt
expect_status 0 "$DSMS" compute --quiet
expect_eq "$(wc -c < err.txt)$(wc -c < out.txt)" "00" "compute --quiet"
# On a pseudo-terminal the line is drawn, and cleared before the summary.
if command -v script >/dev/null; then
  script -qec "'$DSMS' compute --store s.db" /dev/null > pty.txt 2>&1
  expect_grep "computing: measures  [0-9]+/$nmeasures measures" pty.txt
  expect_grep "${ESC}\[Kcomputed $nmeasures measures" pty.txt
  script -qec "'$DSMS' compute --store s.db --quiet" /dev/null > pty.txt 2>&1
  expect_no_grep "computing" pty.txt
  "$DSMS" init p.db >/dev/null
  mkdir part && cp -r sim/2023-24 part/
  script -qec "'$DSMS' import --store p.db --tree part" /dev/null > pty.txt 2>&1
  expect_grep "importing 2023-24/[A-Z0-9]+  [0-9,]+/[0-9,]+ files" pty.txt
  script -qec "'$DSMS' simulate --out sim3 --people 1500 --years 1 --start-year 2023" /dev/null > pty.txt 2>&1
  expect_grep "simulating 2023-24  [0-9,]+/1,500 people" pty.txt
  # a pipe on stdout, a terminal on stderr: the table has no escape codes
  script -qec "'$DSMS' compute --store p.db > piped.txt" /dev/null > /dev/null 2>&1
  expect_no_grep "$ESC" piped.txt
  expect_grep "^computed $nmeasures" piped.txt
fi

# ---- tables fit 100 columns, with no trailing spaces ----
for area in england E12000001 E08000025; do
  expect_status 0 "$DSMS" measures --area "$area"
  expect_eq "$(awk 'length > 100' out.txt)" "" "measures --area $area: lines over 100 columns"
  expect_eq "$(grep -c ' $' out.txt)" "0" "measures --area $area: trailing spaces"
done
expect_status 0 "$DSMS" measures --measure effective_treatment
expect_eq "$(awk 'length > 100' out.txt)" "" "measures --measure: lines over 100 columns"
# England's table has no comparison columns (always empty for England).
expect_status 0 "$DSMS" measures --area england
expect_no_grep "vs Eng|vs England|not compared" out.txt
expect_grep "^measure +value +95% CI +count / of$" out.txt
# A missing value says why.
expect_status 0 "$DSMS" measures --area england --period 2023-24
expect_grep "no value: needs three years of data" out.txt
# Three deaths registered in 2024 (the data reach its end): too few for a rate.
expect_status 0 "$DSMS" init --store few.db
{ echo "death_ref,initials,date_of_birth,sex,area_code,date_of_death,drug_misuse,substances,registration_date"
  for d in 2024-01-05 2024-06-05 2024-11-05; do echo "D$d,AB,1980-01-01,M,E06000001,$d,Y,heroin,$d"; done
  echo "D2025,AB,1980-01-01,M,E06000001,2025-01-02,Y,heroin,2025-01-02"; } > few.csv
expect_status 0 "$DSMS" import --store few.db --source ONS few.csv
expect_status 0 "$DSMS" compute --store few.db
expect_status 0 "$DSMS" measures --store few.db --area england --period 2024
expect_grep "no value: fewer than 10 deaths" out.txt

# ---- the default period: the latest financial year the data reach the end of ----
cp s.db d.db && cp s.db.key d.db.key
"$DSMS" import --store d.db --source P0001 "$EX/episodes.csv" "$EX/interventions.csv" >/dev/null 2>&1
expect_status 0 "$DSMS" compute --store d.db
expect_grep "to 2026-27" out.txt
expect_status 0 "$DSMS" measures --store d.db --area england
expect_grep "^England: 2025-26$" out.txt
expect_status 0 "$DSMS" measures --store d.db --area england --period 2026-27
expect_grep "^England: 2026-27 \(incomplete: the data reach 2026-" out.txt

# ---- standard input ----
"$DSMS" init i.db >/dev/null
expect_status 0 sh -c "cat '$EX/episodes.csv' | '$DSMS' import --store i.db --source P0001 -"
expect_grep "^-: episodes: 12 rows read = 12 accepted \+ 0 quarantined" out.txt
expect_eq "$(sqlite3 i.db 'select count(*) from episodes')" "12" "episodes from stdin"
expect_eq "$(sqlite3 i.db "select file_name from submissions order by id desc limit 1")" "-" "stdin named '-'"
before=$(fingerprint i.db)
expect_status 2 sh -c "cut -d, -f1-3 '$EX/interventions.csv' | '$DSMS' import --store i.db --source P0001 -"
expect_grep "^dsms: -:1: header: required column" err.txt
expect_status 2 "$DSMS" import --store i.db --source P0001 - - < "$EX/episodes.csv"
expect_grep "given 2 times" err.txt
expect_eq "$(fingerprint i.db)" "$before" "refused stdin import changed the store"
expect_status 0 "$DSMS" import --store i.db --source P0001 --table episodes - < "$EX/episodes.csv"
expect_grep "identical to submission 1: nothing changed \(12 rows read\)" out.txt

# ---- plurals ----
mkdir -p one/2024-25/P0001 && head -2 "$EX/episodes.csv" > one/2024-25/P0001/episodes.csv
"$DSMS" init o.db >/dev/null
expect_status 0 "$DSMS" import --store o.db --tree one
expect_grep "^2024-25: 1 submission: 1 row read = 1 accepted" out.txt
expect_status 0 "$DSMS" compute --store o.db --measures in_treatment
expect_grep "^computed [0-9]+ measures? over 1 period \(" out.txt
expect_no_grep "over 1 periods" out.txt
expect_grep "^  read     1 episode, 0 interventions" out.txt
expect_grep "^  linked   1 person \(" out.txt
expect_status 0 "$DSMS" status --store o.db --summary
expect_grep "^1 file submitted \(0 with rows quarantined, 0 unchanged resubmissions\)$" out.txt
expect_grep "^1 row read = 1 accepted" out.txt

{ head -1 "$EX/episodes.csv"; echo only-one; } > one-field.csv
expect_status 1 "$DSMS" validate --source P0001 one-field.csv
expect_grep "^one-field.csv:2: row: row has 1 field \(expected [0-9]+ fields, as in the header\)$" err.txt
expect_grep "^one-field.csv: episodes: 1 row read = 0 valid \+ 1 rejected$" out.txt

# ---- refusals that say why ----
expect_status 2 "$DSMS" measures --area england --period 1999-00
expect_grep "no results for period '1999-00' \(expected one the results hold: financial years 2023-24 and 2024-25; calendar years \(drug-misuse deaths\) 2024; quarters 2023-24-Q1 to 2024-25-Q4; 12 months to a quarter's end, 12m-2024-06 to 12m-2024-12\)" err.txt
expect_status 2 "$DSMS" measures --area england --period 12m-2025-06 --breakdown sex
expect_grep "rolling 12 months, which carries 'all' only" err.txt
expect_status 0 "$DSMS" measures --area england --breakdown sex
expect_grep "^Not broken down by sex: (.*, )?waiting_median_days(,|$)" out.txt
expect_status 2 "$DSMS" measures --measure drug_deaths_dsr --breakdown substance
expect_grep "drug_deaths_dsr has no substance breakdown" err.txt
python3 -c "print(','.join('c%d' % i for i in range(5000)))" > wide.csv
expect_status 2 "$DSMS" import --source P0001 wide.csv
expect_grep "wide.csv:1: header: more than 4096 columns, starting 'c0,c1,c2,...' \(expected the columns of one table of the data set, at most [0-9]+" err.txt
# Periods and levels a request cannot have, refused with the reason; the
# breakdowns' footnote names the measures each leaves out.
expect_status 2 "$DSMS" measures --area england --breakdown sex --period 2025-26-Q1
expect_grep "period 2025-26-Q1 is a quarter, which carries 'all' only" err.txt
expect_status 2 "$DSMS" measures --area E06000001 --period 2025
expect_grep "period 2025 is a single calendar year, which drug-misuse deaths have for England and the regions only" err.txt
expect_status 2 "$DSMS" measures --measure in_treatment --level prison
expect_grep "in_treatment is produced by provider, not by prison \(expected --level provider, area or region\)" err.txt
expect_status 2 "$DSMS" measures --measure top_abstinent --level provider
expect_grep "top_abstinent is produced by no organisation" err.txt
expect_status 0 "$DSMS" measures --area england --breakdown reason
expect_grep "^Not broken down by reason: in_treatment," out.txt
expect_no_grep "referrals_not_started(,|$)" <(grep -A3 "^Not broken down" out.txt)
expect_status 2 "$DSMS" measures --store few.db --measure drug_deaths_dsr --level area --period 2024
expect_grep "period 2024 is a single calendar year" err.txt

# ---- the examples' commands run as typed, from a copy of the repository ----
mkdir -p repo/build && cp -r "$SRC/data" repo/ && ln -s "$DSMS" repo/build/dsms
awk '/^```sh/ { inb = 1; next } /^```/ { inb = 0 } inb' "$SRC/data/examples/README.md" > repo/cmds.sh
expect_grep "^dsms import --source HMP01 " repo/cmds.sh
(cd repo && bash -e cmds.sh) > ex.out 2> ex.err; rc=$?
expect_eq "$rc" "1" "data/examples/README.md: the commands end with the partial import"
expect_grep "^-: episodes: 12 rows read = 12 accepted \+ 0 quarantined; submission 1$" ex.out
for t in interventions top prison_releases drug_tests court_orders deaths; do
  expect_grep "^data/examples/$t.csv: $t: [0-9]+ rows read = [0-9]+ accepted \+ 0 quarantined" ex.out
done
expect_grep "with-errors/episodes.csv: episodes: 8 rows read = 2 accepted \+ 6 quarantined \(1 warning\); submission 8$" ex.out

finish
