#!/usr/bin/env bash
# national.sh — the measures engine on a simulated nation at the default scale
# (800,000 people, about 290,000 in treatment): England's figures from dsms
# compute land inside the targets the simulator is calibrated to, and agree
# with the simulator's own count of the same files where the definitions are
# the same (people in treatment, prison releases picked up, drug-misuse deaths).
# Two years are simulated: drug-misuse deaths count by calendar year of
# registration, and the whole of 2024 needs 2023-24's registrations too; the
# other figures are 2024-25's.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
source "$(dirname "$0")/lib.sh"

expect_status 0 "$DSMS" simulate --out sim --start-year 2023 --years 2 --seed 7 --no-early-warning
expect_status 0 "$DSMS" init --store nat.db
expect_status 0 "$DSMS" import --store nat.db --tree sim
expect_status 0 "$DSMS" compute --store nat.db
expect_grep "^computed [0-9]+ measures over 5 periods \(2023-24 to 2024-25" out.txt
# Every count adds up: regions and England are the sums of their areas.
expect_additive nat.db
"$DSMS" simulate --calibration sim > calibration.txt
"$DSMS" measures --store nat.db --area england --format csv > all.csv
"$DSMS" measures --store nat.db --area england --format csv --breakdown substance > groups.csv
"$DSMS" measures --store nat.db --area england --format csv --period 2024 > calendar.csv

# field VALUE-COLUMN MEASURE CATEGORY FILE: a figure of England's results.
col() { head -1 "$4" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
figure() {
  awk -F, -v c="$(col "$1" x x "$4")" -v m="$2" -v k="$3" \
    '$1 == m && $7 == k { print $c }' "$4"
}
# calibrated LABEL: the simulator's own figure for the year.
calibrated() { grep -E "^$1 " calibration.txt | awk '{ print $NF }'; }
# within VALUE LO HI WHAT
within() {
  if awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'; then ok
  else bad "$4: $1 is outside $2 to $3"; fi
}

people=$(figure value in_treatment all all.csv)
within "$people" 250000 330000 "people in treatment"
sim_people=$(calibrated "people in treatment")
within "$people" "$(awk -v n="$sim_people" 'BEGIN { print n * 0.98 }')" \
  "$(awk -v n="$sim_people" 'BEGIN { print n * 1.02 }')" "people in treatment against the simulator's count ($sim_people)"
opiate=$(figure value in_treatment opiate groups.csv)
within "$(awk -v a="$opiate" -v b="$people" 'BEGIN { print a / b }')" 0.45 0.55 "opiate share"

# Successful completion without re-presentation, by group: the PHOF C19 ranges.
within "$(figure value successful_completion opiate groups.csv)" 4 8 "completion: opiate"
within "$(figure value successful_completion non_opiate groups.csv)" 28 42 "completion: non-opiate"
within "$(figure value successful_completion non_opiate_alcohol groups.csv)" 26 42 \
  "completion: non-opiate and alcohol"
within "$(figure value successful_completion alcohol groups.csv)" 28 42 "completion: alcohol"

within "$(figure value waiting_3wk all all.csv)" 85 100 "waited under 3 weeks"

# Continuity of care after prison: inside the target, and the same releases
# and pick-ups as the simulator counts.
within "$(figure value continuity_of_care all all.csv)" 15 49 "continuity of care"
expect_eq "$(figure denominator continuity_of_care all all.csv)" \
  "$(calibrated 'prison releases with a treatment need')" "releases with a treatment need"
expect_eq "$(figure numerator continuity_of_care all all.csv)" \
  "$(calibrated '  in community treatment within 3 weeks')" "releases picked up within 3 weeks"

# Drug-misuse deaths registered in 2024: the standardised rate's numerator is
# the deaths the simulator wrote with a registration date in 2024 (in the files
# of 2023-24 and 2024-25). Only whole calendar years are produced.
deaths=$(figure numerator drug_deaths_dsr all calendar.csv)
within "$deaths" 1500 5000 "drug-misuse deaths"
expect_eq "$deaths" "$(calibrated 'drug misuse, calendar year it starts in')" \
  "drug-misuse deaths against the simulator's count"
within "$(figure value drug_deaths_dsr all calendar.csv)" 2 10 "drug-misuse deaths per 100,000"
expect_eq "$(figure by_occurrence drug_deaths_dsr all calendar.csv)" 0 "deaths counted by occurrence"
expect_eq "$(grep -c '^drug_deaths_dsr,' all.csv)" 0 "drug-misuse deaths by financial year"

# The ethnicity categories add up to "all" (not stated takes Z and missing);
# the reasons of the referrals never started add up to theirs; hepatitis B
# and C are over the same people.
"$DSMS" measures --store nat.db --area england --format csv --breakdown ethnicity > ethnic.csv
"$DSMS" measures --store nat.db --area england --format csv --breakdown reason > reasons.csv
sum() { awk -F, -v c="$(col numerator x x "$2")" -v m="$1" '$1 == m { s += $c } END { print s }' "$2"; }
expect_eq "$(sum in_treatment ethnic.csv)" "$people" "in treatment by ethnicity"
expect_eq "$(sum referrals_not_started reasons.csv)" \
  "$(figure numerator referrals_not_started all all.csv)" "referrals not started by reason"
expect_eq "$(figure denominator hep_b_vaccinated all all.csv)" \
  "$(figure denominator hep_c_tested all all.csv)" "hepatitis B's denominator"
within "$(figure value opiate_long_term all all.csv)" 20 90 "opiate clients in treatment 2 years or more"

# Every measure has an England figure.
for m in $("$DSMS" measures --list | awk 'NR > 1 { print $1 }'); do
  case $m in deaths_in_treatment*) continue ;; esac  # three years pooled: two are not enough
  v=$(figure value "$m" all all.csv; figure value "$m" all calendar.csv)
  if [ -n "$v" ]; then ok; else bad "no England value for $m"; fi
done
finish
