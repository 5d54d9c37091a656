#!/usr/bin/env bash
# simulate.sh — dsms simulate end to end: bad options refused, a small nation
# imported whole, planted errors quarantined exactly where planted.csv says,
# the same seed writing the same bytes, and --calibration.
#
# The imports below commit some 2,600 submissions, each synced to disk; on a
# memory file system (/dev/shm) that takes seconds instead of most of a minute.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
source "$(dirname "$0")/lib.sh"

# Bad options: status 2, a message saying what is wrong, nothing left behind.
expect_status 2 "$DSMS" simulate --out x --people 0
expect_grep "^dsms: --people: '0' is not a number from 1" err.txt
expect_status 2 "$DSMS" simulate --out x --people x
expect_grep "^dsms: --people: 'x' is not a number" err.txt
expect_status 2 "$DSMS" simulate --out x --people 2.5
expect_grep "^dsms: --people: '2.5' is not a whole number" err.txt
expect_status 2 "$DSMS" simulate --out x --error-rate 2
expect_grep "^dsms: --error-rate: '2' is not a number from 0 to 1" err.txt
expect_status 2 "$DSMS" simulate --people 10
expect_grep "^dsms: --out DIR is required" err.txt
mkdir there
expect_status 2 "$DSMS" simulate --out there --people 10 --start-year 2023
expect_grep "^dsms: there: already exists \(expected a new directory\)" err.txt
# DSMS_TODAY is 2026-06-30: the last complete financial year is 2025-26.
expect_status 2 "$DSMS" simulate --out x --people 10 --start-year 2025 --years 2
expect_grep "^dsms: --start-year 2025 with --years 2 reaches past the last complete financial year \(2025-26\)" err.txt
expect_status 2 "$DSMS" simulate --out x --calibration there
expect_grep "^dsms: --calibration DIR reads a tree already written" err.txt
expect_status 2 "$DSMS" simulate --calibration no-such-tree
expect_grep "^dsms: no-such-tree/manifest.csv: cannot open" err.txt
expect_eq "$(ls -d x x.partial-* there.partial-* 2>/dev/null)" "" "refused simulations left files behind"

# A small nation: every row accepted.
expect_status 0 "$DSMS" simulate --out clean --people 8000 --years 2 --start-year 2023
expect_grep "^wrote [0-9]+ rows in [0-9]+ files to clean" out.txt
[ ! -e clean/planted.csv ] && ok || bad "planted.csv without --error-rate"
expect_status 0 "$DSMS" init clean.db
expect_status 0 "$DSMS" import --store clean.db --tree clean
expect_grep "^2023-24: [0-9]+ submissions: [0-9]+ rows read = [0-9]+ accepted \+ 0 quarantined" out.txt
expect_grep "^2024-25: [0-9]+ submissions: [0-9]+ rows read = [0-9]+ accepted \+ 0 quarantined" out.txt
expect_eq "$(sqlite3 clean.db 'select count(*) from quarantine')" "0" "rows quarantined from a clean nation"
# Every row the manifest lists was read.
listed=$(tail -n +2 clean/manifest.csv | awk -F, '{ n += $5 } END { print n }')
read_rows=$(awk '/rows read/ { n += $4 } END { print n }' out.txt)
expect_eq "$read_rows" "$listed" "rows read against the manifest"

# Early-warning reports: every reporter's, all stored; the outbreaks planted, listed with
# their first week (a Monday), and their reports there beside the background.
expect_eq "$(sqlite3 clean.db "select count(*) > 200, count(distinct reporter_code)
                               from ew_reports")" \
  "1|7" "early-warning reports stored, and their reporters"
expect_eq "$(sqlite3 clean.db "select count(*) from ew_reports where prison_code is not null")" \
  "$(sqlite3 clean.db "select count(*) from ew_reports where reporter_code = 'HMPPS'")" \
  "reports from prisons, all HMPPS's"
expect_eq "$(cut -d, -f2 clean/ew_outbreaks.csv | tr '\n' ' ')" \
  "kind nitazene_cluster prison_wave festival_novelty novelty new_matrix " "the outbreaks planted"
cat > outbreaks.py <<'PY'
import csv, datetime, glob, sys
tree = sys.argv[1]
truth = {r["kind"]: r for r in csv.DictReader(open(f"{tree}/ew_outbreaks.csv"))}
reports = [r for f in sorted(glob.glob(f"{tree}/*/*/ew_reports.csv"))
           for r in csv.DictReader(open(f))]
day = datetime.date.fromisoformat
out = []
# Every outbreak starts on a Monday, with reports written, none sampled before it.
out.append(all(day(t["start_date"]).weekday() == 0 and int(t["reports"]) > 0
               for t in truth.values()))
def weeks(t, rows, before):
    s = day(t["start_date"])
    lo, hi = (s - datetime.timedelta(56), s) if before else (s, s + datetime.timedelta(56))
    return sum(1 for r in rows if lo <= day(r["date_sampled"]) < hi)
# The nitazene cluster: its areas' nitazene reports in the eight weeks from its start
# well above the eight before.
t = truth["nitazene_cluster"]
areas = t["areas"].split(";")
nit = [r for r in reports if r["area_code"] in areas and "metonitazene" in r["substances"]]
out.append(weeks(t, nit, False) >= weeks(t, nit, True) + 10)
first = [r for r in nit if day(r["date_sampled"]) - day(t["start_date"]) < datetime.timedelta(7)]
out.append(sum(r["severity"] in ("severe", "fatal")
               for r in first if r["area_code"] == areas[0]) >= 3)
# The prison wave: HMPPS reports at its prisons, no area.
t = truth["prison_wave"]
wave = [r for r in reports
        if r["prison_code"] in t["prisons"].split(";") and "adb_butinaca" in r["substances"]]
out.append(weeks(t, wave, False) >= weeks(t, wave, True) + 10)
out.append(all(r["reporter_code"] == "HMPPS" and not r["area_code"] for r in wave))
# The festival's cathinone: never before its start, June to August, one sold as MDMA.
t = truth["festival_novelty"]
cmc = [r for r in reports if "3_cmc" in r["substances"].split(";")]
out.append(min(day(r["date_sampled"]) for r in cmc) >= day(t["start_date"]))
out.append(all(day(r["date_sampled"]).month in (6, 7, 8) for r in cmc))
out.append(sum(r["sold_as"] == "mdma" for r in cmc) == 1)
# The novelty: none before its start; the new matrix only from its own.
t, u = truth["novelty"], truth["new_matrix"]
new = [r for r in reports if "desalkylgidazepam" in r["substances"]]
out.append(min(day(r["date_sampled"]) for r in new) >= day(t["start_date"]))
powder = [r for r in new if r["matrix"] == "powder" and r["sold_as"] == "heroin"]
out.append(len(powder) > 0 and min(day(r["date_sampled"]) for r in powder) >= day(u["start_date"]))
# Every report an outbreak added is listed, and is in the files.
listed = {(r["reporter_code"], r["report_ref"])
          for r in csv.DictReader(open(f"{tree}/ew_outbreak_reports.csv"))}
refs = {(r["reporter_code"], r["report_ref"]) for r in reports}
out.append(len(listed) == sum(int(t["reports"]) for t in truth.values()) and listed <= refs)
print(" ".join("ok" if x else "NO" for x in out))
PY
expect_eq "$(python3 outbreaks.py clean)" "ok ok ok ok ok ok ok ok ok ok ok" \
  "the outbreaks in the reports"
expect_status 0 "$DSMS" simulate --out calm --people 8000 --years 2 --start-year 2023 --no-outbreaks
expect_no_grep "outbreak" out.txt
[ ! -e calm/ew_outbreaks.csv ] && ok || bad "ew_outbreaks.csv with --no-outbreaks"
expect_eq "$(cat calm/*/*/ew_reports.csv | grep -cE '3_cmc|desalkylgidazepam')" "0" \
  "the novelties without the outbreaks"
expect_status 0 "$DSMS" simulate --out quiet --people 8000 --years 2 --start-year 2023 \
  --no-early-warning
expect_eq "$(grep -c ew_reports quiet/manifest.csv; ls quiet | grep -c '^ew_')" "0
0" "early-warning files with --no-early-warning"
same=$(cmp -s clean/2024-25/P0001/episodes.csv quiet/2024-25/P0001/episodes.csv && echo same)
expect_eq "$same" \
  "same" "the people's records without the reports"

# A test still waiting for its assessment at the year's end is submitted again
# the next year with the assessment's date and outcome, and that record stands.
cat > waiting.py <<'PY'
import csv, glob, sys
def tests(period):
    rows = {}
    for f in glob.glob(f"clean/{period}/*/drug_tests.csv"):
        for r in csv.DictReader(open(f)):
            rows[(r["force_code"], r["test_ref"])] = r
    return rows
first, second = tests("2023-24"), tests("2024-25")
waiting = [k for k, r in first.items() if r["assessment_required"] == "Y" and not r["assessment_outcome"]]
known = [k for k in waiting if k in second and second[k]["test_date"] == first[k]["test_date"]
         and "2024-04-01" <= second[k]["assessment_date"] <= "2025-03-31" and second[k]["assessment_outcome"]]
print(len(waiting) > 0, len(known) == len(waiting))
PY
expect_eq "$(python3 waiting.py)" "True True" "tests waiting at the year's end, and those known the next year"
expect_eq "$(sqlite3 clean.db "select count(*) > 0, sum(assessment_outcome is null) from v_drug_tests
                               where test_date between '2024-03-01' and '2024-03-31' and assessment_required = 'Y'")" \
  "1|0" "March 2024 tests required an assessment and without its outcome in the store"

# No release from a prison before it opened or after it closed: HMP Dartmoor
# (HMP19) closed on 2024-07-31, HMP Millsike (HMP73) opened on 2025-04-23.
expect_status 0 "$DSMS" simulate --out span --people 40000 --years 3 --start-year 2023
releases() { cat span/*/"$1"/prison_releases.csv 2>/dev/null | awk -F, -v from="$2" -v to="$3" \
  '$1 != "prison_code" && $6 >= from && $6 <= to' | wc -l; }
expect_eq "$(releases HMP19 2024-08-01 2026-03-31)" "0" "releases from Dartmoor after it closed"
[ "$(releases HMP19 2023-04-01 2024-07-31)" -gt 0 ] && ok || bad "no release from Dartmoor while it was open"
expect_eq "$(releases HMP73 2023-04-01 2025-04-22)" "0" "releases from Millsike before it opened"
[ "$(releases HMP73 2025-04-23 2026-03-31)" -gt 0 ] && ok || bad "no release from Millsike once open"

# The figures it was calibrated to.
expect_status 0 "$DSMS" simulate --calibration clean --people 8000
expect_grep "^calibration of clean: 2 years, [0-9]+ rows read \(0 unreadable\)" out.txt
expect_grep "^people in treatment +[0-9]+ +[0-9]+$" out.txt
expect_grep "^opiate share of people in treatment +0.45-0.55 +0\.[0-9]+ +(ok|OUT) +0\.[0-9]+ +(ok|OUT)$" out.txt
expect_grep "^[0-9]+ of 18 figures outside their target \(n/a: too few areas this small to compare\)$" out.txt
expect_grep "^opiate completion, best area / poorest +3-10 +n/a +n/a *$" out.txt

# With errors planted: exactly the planted rows are quarantined.
expect_status 0 "$DSMS" simulate --out errors --people 8000 --years 2 --start-year 2023 --seed 5 --error-rate 0.02
expect_grep "^planted [0-9]+ errors \(list: errors/planted.csv\)" out.txt
expect_status 0 "$DSMS" init errors.db
expect_status 1 "$DSMS" import --store errors.db --tree errors --max-errors 0
tail -n +2 errors/planted.csv | cut -d, -f1,2 | sort > planted.txt
sqlite3 errors.db "select substr(s.file_name, length('errors/') + 1) || ',' || q.line
                   from quarantine q join submissions s on s.id = q.submission_id" | sort > quarantined.txt
[ "$(wc -l < planted.txt)" -gt 100 ] && ok || bad "few errors planted: $(wc -l < planted.txt)"
if cmp -s planted.txt quarantined.txt; then ok; else
  bad "quarantine differs from planted.csv: $(diff planted.txt quarantined.txt | head -5)"
fi

# A tree with one refused submission: that one is left out alone and said; the
# period's others land. validate --tree stores nothing.
mkdir -p mixed/2024-25
cp -r clean/2024-25/P0001 clean/2024-25/P0002 mixed/2024-25/
printf 'provider_code,episode_ref\nP0001,E1\n' > mixed/2024-25/P0001/episodes.csv
expect_status 0 "$DSMS" init mixed.db
before=$(fingerprint mixed.db)
expect_status 2 "$DSMS" validate --store mixed.db --tree mixed
expect_eq "$(fingerprint mixed.db)" "$before" "store after validate --tree"
expect_status 2 "$DSMS" import --store mixed.db --tree mixed
expect_grep "^dsms: mixed/2024-25/P0001: submission refused, nothing stored: .*required columns missing" err.txt
expect_grep "^2024-25: 2 submissions: [0-9]+ rows read = [0-9]+ accepted \+ 0 quarantined; 1 refused$" out.txt
expect_eq "$(sqlite3 mixed.db "select count(*) from submissions where source = 'P0001'")" "0" \
  "submissions stored from the refused source"
expect_eq "$(sqlite3 mixed.db "select count(*) > 0 from v_episodes where provider_code = 'P0002'")" "1" \
  "episodes of the source beside it"
# Importing the same tree again changes nothing.
expect_status 2 "$DSMS" import --store mixed.db --tree mixed
expect_grep "files unchanged; 1 refused$" out.txt
expect_eq "$(sqlite3 mixed.db 'select count(*) from episodes')" \
  "$(sqlite3 mixed.db "select count(*) from v_episodes where provider_code = 'P0002'")" \
  "episodes after importing the tree twice"

# The same options and seed, the same bytes.
expect_status 0 "$DSMS" simulate --out again --people 8000 --years 2 --start-year 2023 --seed 5 --error-rate 0.02
sums() { (cd "$1" && find . -type f | sort | xargs sha256sum); }
expect_eq "$(sums again | sha256sum)" "$(sums errors | sha256sum)" "a second run's files"
[ "$(sums again | wc -l)" -gt 1000 ] && ok || bad "few files compared"

finish
