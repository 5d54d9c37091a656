#!/usr/bin/env bash
# stats.sh — dsms stats end to end: every method on small inputs with its
# figures checked (published values of PHEindicatormethods where there are
# some, to six significant figures), CSV and JSON output, and refused input:
# exit status 2, a message naming file, line and column, nothing on stdout.
source "$(dirname "$0")/lib.sh"

# near GOT WANT WHAT: GOT within a relative 5e-7 of WANT.
near() {
  if python3 -c 'import sys; g, w = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(g - w) > 5e-7 * abs(w))' "$1" "$2" 2>/dev/null
  then ok; else bad "$3: got '$1', expected $2"; fi
}
# field FILE ROW COLUMN: a CSV cell by row number (1 = first data row) and column name.
field() {
  python3 -c 'import csv, sys; r = list(csv.DictReader(open(sys.argv[1]))); print(r[int(sys.argv[2]) - 1][sys.argv[3]])' "$@"
}
# refused FILE-PATTERN ARGS...: exit 2, the message on stderr, stdout empty.
refused() {
  local want=$1; shift
  expect_status 2 "$DSMS" stats "$@"
  expect_grep "$want" err.txt
  if [ -s out.txt ]; then bad "stdout not empty for $*"; else ok; fi
}

# ---- proportion: Wilson (PHEindicatormethods testdata_B_W, testdata_Prop) ----
printf 'area,numerator,denominator\nA,65,100\nB,1045,5000\nC,,100\n' > prop.csv
expect_status 0 "$DSMS" stats proportion --input prop.csv
cp out.txt prop.out
expect_eq "$(head -1 prop.out)" "area,numerator,denominator,value,lower95,upper95,lower99_8,upper99_8,note" "proportion header"
near "$(field prop.out 1 value)" 65 "65/100"
near "$(field prop.out 1 lower95)" 55.254443296887967 "65/100 lower95"
near "$(field prop.out 1 upper95)" 73.635751756902468 "65/100 upper95"
near "$(field prop.out 1 lower99_8)" 49.549465740704313 "65/100 lower99_8"
near "$(field prop.out 1 upper99_8)" 77.835406140896968 "65/100 upper99_8"
near "$(field prop.out 2 lower95)" 19.795549880013297 "1045/5000 lower95"
expect_grep '^C,,100,,,,,,numerator is empty$' prop.out
expect_status 0 "$DSMS" stats proportion --input prop.csv --multiplier 1 --confidence 99.8
cp out.txt prop1.out
expect_eq "$(head -1 prop1.out)" "area,numerator,denominator,value,lower99_8,upper99_8,note" "one level"
near "$(field prop1.out 2 upper99_8)" 0.22731562902525818 "1045/5000 upper99_8 as a fraction"

# JSON: valid, numbers as numbers, no value as null.
expect_status 0 "$DSMS" stats proportion --input prop.csv --format json
if python3 -m json.tool out.txt > /dev/null; then ok; else bad "proportion JSON does not parse"; fi
expect_eq "$(python3 -c 'import json; r = json.load(open("out.txt")); print(len(r), r[0]["area"], r[0]["numerator"], round(r[0]["lower95"], 6), r[2]["value"], r[2]["note"], r[0]["note"])')" \
  "3 A 65 55.254443 None numerator is empty None" "proportion JSON: null with a note"

# ---- rate: exact below 10 events, Byar's from 10 (testdata_Rate) ----
printf 'area,count,denominator\nA1,1,100\nA5,5,100\nA20,20,100\nA12,250,220\n' > rate.csv
expect_status 0 "$DSMS" stats rate --input rate.csv
cp out.txt rate.out
near "$(field rate.out 1 value)" 1000 "rate 1/100 per 100,000"
near "$(field rate.out 1 lower95)" 25.317807984289896 "rate 1/100 lower95 (exact)"
near "$(field rate.out 2 upper99_8)" 16454.745203680104 "rate 5/100 upper99_8 (exact)"
near "$(field rate.out 3 lower95)" 12211.428834875936 "rate 20/100 lower95 (Byar's)"
near "$(field rate.out 4 upper99_8)" 137651.23772147458 "rate 250/220 upper99_8"
expect_status 0 "$DSMS" stats rate --input rate.csv --multiplier 100 --format json
expect_eq "$(python3 -c 'import json; r = json.load(open("out.txt")); print(round(r[2]["upper95"], 6))')" "30.88988" "rate JSON per 100"

# ---- dsr: Dobson, 2013 ESP (testdata_multiarea, testresults_DSR) ----
bands="0-4 5-9 10-14 15-19 20-24 25-29 30-34 35-39 40-44 45-49 50-54 55-59 60-64 65-69 70-74 75-79 80-84 85-89 90+"
big=(127 25 18 21 12 27 48 27 29 32 32 34 45 65 38 68 74 82 91)
small=(12 4 3 2 3 4 8 2 2 3 4 5 6 8 5 6 5 5 4)
pop=(636 558 609 543 384 594 669 843 660 576 606 522 426 273 300 288 153 123 207)
{
  echo "area,age_band,count,population"
  i=0; for b in $bands; do echo "big,$b,${big[$i]},${pop[$i]}"; i=$((i + 1)); done
  i=0; for b in $bands; do echo "small,$b,${small[$i]},${pop[$i]}"; i=$((i + 1)); done
  i=0; for b in $bands; do c=0; [ "$b" = 90+ ] && c=9; [ "$b" = 10-14 ] && c=; echo "tiny,$b,$c,${pop[$i]}"; i=$((i + 1)); done
} > dsr.csv
expect_status 0 "$DSMS" stats dsr --input dsr.csv
cp out.txt dsr.out
expect_eq "$(head -1 dsr.out)" "area,total_count,total_population,value,lower95,upper95,lower99_8,upper99_8,note" "dsr header"
near "$(field dsr.out 1 total_count)" 895 "dsr big count"
near "$(field dsr.out 1 value)" 10430.247991469423 "dsr big per 100,000"
near "$(field dsr.out 1 lower95)" 9717.709067985681 "dsr big lower95"
near "$(field dsr.out 2 upper99_8)" 1530.0328948244762 "dsr small upper99_8"
expect_grep '^tiny,9,8970,,,,,,not published: fewer than 10 events$' dsr.out
expect_status 0 "$DSMS" stats dsr --input dsr.csv --multiplier 10000 --format json
expect_eq "$(python3 -c 'import json; r = json.load(open("out.txt")); print(round(r[1]["value"], 6), r[2]["value"])')" "110.321203 None" "dsr JSON per 10,000"

# ---- mean: Student's t (testdata_Mean, Area1) ----
printf 'area,value\n' > mean.csv
for v in 33.09375 48.38596 64.83495 67.98475 22.93556 71.23587 38.78465 82.37927; do echo "Area1,$v" >> mean.csv; done
printf 'One,5\nNone,\n' >> mean.csv
expect_status 0 "$DSMS" stats mean --input mean.csv
cp out.txt mean.out
expect_eq "$(head -1 mean.out)" "area,count,sd,value,lower95,upper95,lower99_8,upper99_8,note" "mean header"
near "$(field mean.out 1 sd)" 20.975575257709309 "mean sd"
near "$(field mean.out 1 value)" 53.704345000000011 "mean value"
near "$(field mean.out 1 lower95)" 36.168325241336504 "mean lower95"
near "$(field mean.out 1 upper99_8)" 89.191984705211183 "mean upper99_8"
expect_grep '^One,1,,5,,,,,one value: no standard deviation or limits$' mean.out
expect_grep '^None,0,,,,,,,no values$' mean.out

# ---- funnel: proportions around the pooled baseline ----
printf 'area,numerator,denominator\nHigh,900,1000\nLow,700,1000\nMid,805,1000\nSmall,3,4\n' > funnel.csv
expect_status 0 "$DSMS" stats funnel --input funnel.csv
cp out.txt funnel.out
expect_eq "$(head -1 funnel.out)" "area,numerator,denominator,value,baseline,lower95,upper95,lower99_8,upper99_8,significance,note" "funnel header"
near "$(field funnel.out 1 baseline)" "$(python3 -c 'print(2408/3004*100)')" "pooled baseline"
expect_eq "$(field funnel.out 1 significance)" "high (99.8%)" "funnel high"
expect_eq "$(field funnel.out 2 significance)" "low (99.8%)" "funnel low"
expect_eq "$(field funnel.out 3 significance)" "not significant" "funnel mid"
expect_eq "$(field funnel.out 4 significance)" "not significant" "funnel small"
# The published limits at population 1,000 around 80.642448% (testdata_funnel_prop_outputs: 1008).
expect_status 0 "$DSMS" stats funnel --baseline 80.642448 --limits 1008:1008
cp out.txt limits.out
expect_eq "$(head -1 limits.out)" "denominator,baseline,lower95,upper95,lower99_8,upper99_8,note" "limits header"
near "$(field limits.out 1 lower95)" 78.203374 "funnel lower95 at 1008"
near "$(field limits.out 1 upper95)" 83.081521 "funnel upper95 at 1008"
near "$(field limits.out 1 lower99_8)" 76.796814 "funnel lower99_8 at 1008"
near "$(field limits.out 1 upper99_8)" 84.488082 "funnel upper99_8 at 1008"
expect_status 0 "$DSMS" stats funnel --baseline 80.642448 --limits 1:110000
expect_eq "$(sed 1d out.txt | wc -l)" "$(sed 1d out.txt | cut -d, -f1 | sort -u | wc -l)" "limits: no repeated denominator"
expect_grep '^1,80.642448,3.204264' out.txt
expect_grep '^110000,' out.txt
expect_status 0 "$DSMS" stats funnel --baseline 50 --limits 100:1000:100 --format json
expect_eq "$(python3 -c 'import json; r = json.load(open("out.txt")); print(len(r), r[0]["denominator"], r[-1]["denominator"])')" "10 100 1000" "limits by step"
# For a rate: count,denominator, per 100,000.
printf 'area,count,denominator\nA,10,10000\nB,30,10000\nC,60,10000\n' > frate.csv
expect_status 0 "$DSMS" stats funnel --type rate --input frate.csv
cp out.txt frate.out
near "$(field frate.out 1 baseline)" 333.333333333333 "rate funnel baseline"
expect_eq "$(field frate.out 1 significance)" "low (99.8%)" "rate funnel low"
expect_eq "$(field frate.out 2 significance)" "not significant" "rate funnel mid"
expect_eq "$(field frate.out 3 significance)" "high (99.8%)" "rate funnel high"

# ---- compare ----
printf 'area,value,lower95,upper95,lower99_8,upper99_8\nA,15,12,18,11,19\nB,25,21,29,19.5,30\nC,20,20,30,18,31\nD,,,,,\n' > cmp.csv
expect_status 0 "$DSMS" stats compare --input cmp.csv --benchmark 20 --polarity high
cp out.txt cmp.out
expect_eq "$(head -1 cmp.out)" "area,value,lower95,upper95,lower99_8,upper99_8,comparison,comparison99_8,note" "compare header"
expect_eq "$(cut -d, -f7,8 cmp.out | sed 1d | tr '\n' ' ')" "worse,worse better,similar similar,similar not compared,not compared " "compare high"
expect_grep '^D,,,,,,not compared,not compared,lower95 is empty; upper95 is empty; lower99_8 is empty; upper99_8 is empty$' cmp.out
expect_status 0 "$DSMS" stats compare --input cmp.csv --benchmark 20 --polarity low
expect_eq "$(cut -d, -f7 out.txt | sed 1d | tr '\n' ' ')" "better worse similar not compared " "compare low"
expect_status 0 "$DSMS" stats compare --input cmp.csv --benchmark 20
expect_eq "$(cut -d, -f7 out.txt | sed 1d | tr '\n' ' ')" "lower higher similar not compared " "compare none"
printf 'area,lower95,upper95,benchmark\nA,1,2,3\nB,1,2,1.5\n' > cmpb.csv
expect_status 0 "$DSMS" stats compare --input cmpb.csv --format json
expect_eq "$(python3 -c 'import json; print([r["comparison"] for r in json.load(open("out.txt"))])')" "['lower', 'similar']" "compare with a benchmark column"

# ---- trend ----
{
  echo "area,period,numerator,denominator"
  for p in 2023 2019 2021 2020 2022; do echo "Up,$p,$(( (p - 2017) * 5 )),100"; done   # 10..30, rows out of order
  for p in 2019 2020 2021 2022 2023; do echo "Down,$p,$(( (2025 - p) * 5 )),100"; done
  for p in 2019 2020 2021 2022 2023; do echo "Flat,$p,20,100"; done
  for p in 2020 2021 2022 2023; do echo "Short,$p,20,100"; done
  for p in 2019 2020 2021 2022; do echo "Gap,$p,20,100"; done; echo "Gap,2023,,100"
  for p in 2019 2020 2021 2022 2023; do echo "Zero,$p,0,100"; done
  for p in 2019 2020 2021 2022; do echo "NoDen,$p,0,100"; done; echo "NoDen,2023,0,0"
} > trend.csv
expect_status 0 "$DSMS" stats trend --input trend.csv
cp out.txt trend.out
expect_eq "$(head -1 trend.out)" "area,from,to,trend,chi_squared,gradient,note" "trend header"
expect_grep '^Up,2019,2023,increasing,15.625,5,$' trend.out
expect_grep '^Down,2019,2023,decreasing,15.625,-5,$' trend.out
expect_grep '^Flat,2019,2023,no significant change,0,0,$' trend.out
expect_grep '^Short,2020,2023,cannot be calculated,,,fewer than 5 points$' trend.out
expect_grep '^Gap,2019,2023,cannot be calculated,,,a point is missing$' trend.out
expect_grep '^Zero,2019,2023,cannot be calculated,,,every point is 0% or every point is 100%$' trend.out
expect_grep '^NoDen,2019,2023,cannot be calculated,,,a point has a denominator of 0$' trend.out
expect_status 0 "$DSMS" stats trend --input trend.csv --format json --confidence 95
if python3 -m json.tool out.txt > /dev/null; then ok; else bad "trend JSON does not parse"; fi

# ---- isr: indirectly standardised ratios and rates, worked from the formulas ----
# Two bands; the reference's rates 10/4000 and 30/2000. A: 0 events in
# 1000 x 0.0025 + 500 x 0.015 = 10 expected; B: 3 (exact limits) in 5.7;
# C: 12 (Byar's) in 1.5 + 6 = 7.5.
printf 'area,age_band,count,population,ref_count,ref_population\nA,young,0,1000,10,4000\nA,old,0,500,30,2000\nB,young,3,600,10,4000\nB,old,,280,30,2000\nC,young,2,600,10,4000\nC,old,10,400,30,2000\n' > isr.csv
expect_status 0 "$DSMS" stats isr --input isr.csv
cp out.txt isr.out
expect_eq "$(head -1 isr.out)" "area,observed,expected,value,lower95,upper95,lower99_8,upper99_8,note" "isr header"
expect_grep '^A,0,10,0,0,' isr.out
near "$(field isr.out 1 upper95)" "$(python3 -c 'import math; print(-math.log(0.025) / 10 * 100)')" "isr 0 in 10 upper95"
near "$(field isr.out 2 value)" "$(python3 -c 'print(3 / 5.7 * 100)')" "isr 3 in 5.7"
near "$(field isr.out 2 lower95)" "$(python3 -c 'print(0.61867212289560253 / 5.7 * 100)')" "isr 3 in 5.7 lower95 (exact)"
near "$(field isr.out 3 lower95)" "$(python3 -c 'x = 12; z = 1.959963984540054; print(x * (1 - 1 / (9 * x) - z / (3 * x ** 0.5)) ** 3 / 7.5 * 100)')" "isr 12 in 7.5 lower95 (Byar's)"
near "$(field isr.out 3 upper99_8)" "$(python3 -c 'x = 13; z = 3.090232306167813; print(x * (1 - 1 / (9 * x) + z / (3 * x ** 0.5)) ** 3 / 7.5 * 100)')" "isr 12 in 7.5 upper99_8 (Byar's)"
# The rate: the ratio x the reference's crude rate, 40 in 6000, per 100,000.
expect_status 0 "$DSMS" stats isr --input isr.csv --rate
near "$(field out.txt 3 value)" "$(python3 -c 'print(12 / 7.5 * 40 / 6000 * 100000)')" "isr rate"
expect_status 0 "$DSMS" stats isr --input isr.csv --multiplier 1 --format json
expect_eq "$(python3 -c 'import json; r = json.load(open("out.txt")); print(r[2]["value"], r[0]["observed"])')" "1.6 0" "isr ratio JSON"
# The reference in a file of its own, joined by age_band.
printf 'age_band,ref_count,ref_population\nyoung,10,4000\nold,30,2000\n' > isrref.csv
cut -d, -f1-4 isr.csv > isrin.csv
expect_status 0 "$DSMS" stats isr --input isrin.csv --reference isrref.csv
expect_eq "$(cat out.txt)" "$(cat isr.out)" "isr with --reference"
# Refused: each with its file, line and column.
printf 'area,age_band,count,population\nA,young,1,10\nA,middle,1,10\n' > isrbad.csv
refused "^dsms: isrbad.csv:3: age_band: 'middle' is not a band of the reference isrref.csv \(expected one of its age bands\)$" isr --input isrbad.csv --reference isrref.csv
printf 'area,age_band,count,population\nA,young,1,10\n' > isrshort.csv
refused "^dsms: isrshort.csv: area A has no row for age band old \(expected a row for each band of the reference isrref.csv\)$" isr --input isrshort.csv --reference isrref.csv
printf 'area,age_band,count,population\nA,young,1,10\nA,old,1,10\nA,young,2,10\n' > isrdup.csv
refused "^dsms: isrdup.csv:4: age_band: a second row for area A, band young \(expected one, as on line 2\)$" isr --input isrdup.csv --reference isrref.csv
printf 'age_band,ref_count,ref_population\nyoung,10,0\nold,30,2000\n' > isrref0.csv
refused "^dsms: isrref0.csv:2: ref_population: '0' is 0 " isr --input isrin.csv --reference isrref0.csv
refused "^dsms: isrin.csv: missing column ref_count " isr --input isrin.csv
refused "^dsms: nosuch.csv: cannot open" isr --input isrin.csv --reference nosuch.csv
refused "^dsms: --reference and --rate are for isr" rate --input rate.csv --rate

# ---- funnel for ratios: baseline 1, limits at each row's expected count ----
printf 'area,observed,expected\nHigh,40,20\nLow,5,20\nMid,11,10\nNone,,3\n' > fratio.csv
expect_status 0 "$DSMS" stats funnel --type ratio --input fratio.csv
cp out.txt fratio.out
expect_eq "$(head -1 fratio.out)" "area,observed,expected,value,baseline,lower95,upper95,lower99_8,upper99_8,significance,note" "ratio funnel header"
expect_eq "$(cut -d, -f10 fratio.out | sed 1d | tr '\n' ' ')" "high (99.8%) low (99.8%) not significant  " "ratio funnel significance"
expect_eq "$(field fratio.out 1 baseline)" "1" "ratio funnel baseline"
# The table by observed count: 1 event lies on the upper limit at an expected
# count of -ln(0.975), on the lower at its exact upper limit 5.5716.
expect_status 0 "$DSMS" stats funnel --type ratio --limits 1:10:1 --multiplier 100
cp out.txt fratiol.out
expect_eq "$(head -1 fratiol.out)" "observed,baseline,expected_lower95,lower95,expected_upper95,upper95,expected_lower99_8,lower99_8,expected_upper99_8,upper99_8,note" "ratio limits header"
near "$(field fratiol.out 1 expected_upper95)" "$(python3 -c 'import math; print(-math.log(0.975))')" "ratio limits 1 event expected_upper95"
near "$(field fratiol.out 1 expected_lower95)" 5.5716433909388858 "ratio limits 1 event expected_lower95"
near "$(field fratiol.out 1 lower95)" "$(python3 -c 'print(100 / 5.5716433909388858)')" "ratio limits 1 event lower95"
refused "^dsms: --baseline is not for --type ratio" funnel --type ratio --input fratio.csv --baseline 1
refused "^dsms: limits from 0.5 are out of range" funnel --type ratio --limits 0.5:10

# ---- funnel for directly standardised rates pooled over years ----
# PHEindicatormethods' published limits (testdata_funnel_rate_outputs), 3
# years, baseline 116.1720835 per 100,000: 10 events.
expect_status 0 "$DSMS" stats funnel --type dsr --years 3 --baseline 116.1720835 --limits 10:10
cp out.txt fdsr.out
expect_eq "$(head -1 fdsr.out)" "events,baseline,population_lower95,lower95,population_upper95,upper95,population_lower99_8,lower99_8,population_upper99_8,upper99_8,note" "dsr funnel limits header"
near "$(field fdsr.out 1 population_lower95)" 5276.757672 "dsr funnel 10 events population_lower95"
near "$(field fdsr.out 1 lower95)" 63.17010446 "dsr funnel 10 events lower95"
near "$(field fdsr.out 1 population_upper99_8)" 849.4639547 "dsr funnel 10 events population_upper99_8"
near "$(field fdsr.out 1 upper99_8)" 392.4043292 "dsr funnel 10 events upper99_8"
printf 'area,count,rate\nA,2419,907.6174266\nB,1332,469.5645784\nC,9,50\nD,0,0\n' > fdsr.csv
expect_status 0 "$DSMS" stats funnel --type dsr --years 1 --input fdsr.csv --baseline 700
cp out.txt fdsrr.out
expect_eq "$(cut -d, -f10 fdsrr.out | sed 1d | tr '\n' ' ')" "high (99.8%) low (99.8%)   " "dsr funnel significance"
expect_grep '^C,9,50,18000,700,.*,fewer than 10 events: no significance for a directly standardised rate$' fdsrr.out
expect_grep '^D,0,0,,700,,,,,,no events: no population can be derived from the rate$' fdsrr.out
refused "^dsms: funnel --type dsr needs --years N" funnel --type dsr --input fdsr.csv
refused "^dsms: --years is for funnel --type dsr" funnel --type rate --input fdsr.csv --years 3
printf 'count,rate\n5,0\n' > fdsr0.csv
refused "^dsms: fdsr0.csv:2: rate: 0 with 5 events \(expected a rate more than 0 where there are events\)$" funnel --type dsr --years 3 --input fdsr0.csv

# ---- numbers it cannot handle are refused; large ones it can are computed ----
C="expected a count from 0 to 9007199254740992"
# Counts near 1e308 once gave a funnel baseline of 0, blank cells and limits
# equal to the value, all with exit 0.
printf 'area,numerator,denominator\nA,1,1e308\nB,1,1e308\n' > huge.csv
refused "^dsms: huge.csv:2: denominator: '1e308' is more than 9007199254740992 \(expected a number more than 0 and at most 9007199254740992\)$" funnel --input huge.csv
printf 'area,count,denominator\nA,5,10\nB,1e308,1\n' > hugecount.csv
refused "^dsms: hugecount.csv:3: count: '1e308' is more than 9007199254740992 \($C\)$" rate --input hugecount.csv
refused "^dsms: hugecount.csv:3: count: '1e308' is more than 9007199254740992 \($C\)$" funnel --type rate --input hugecount.csv
# One bad count in a column, each way it can be bad (test_stats.c tries each
# in every method that reads counts; here all in proportion, four elsewhere).
bands="0-4 5-9 10-14 15-19 20-24 25-29 30-34 35-39 40-44 45-49 50-54 55-59 60-64 65-69 70-74 75-79 80-84 85-89 90+"
for v in 2.5 1e308 9007199254740993 -0 9007199254740992.5 1e-1 3.00000000000000001 -3 ' 4' '4 ' nan NaN inf -inf 0x10 0x1p3 +5 1,5 ' ' 1e 1e99999999999; do
  case "$v" in
    2.5|1e-1|3.00000000000000001) want="is not a whole number" ;;
    1e308|9007199254740993|9007199254740992.5|1e99999999999) want="is more than 9007199254740992" ;;
    -0) want="has a minus sign" ;;
    -3) want="is negative" ;;
    ' 4'|'4 '|' ') want="has a space before or after it" ;;
    *) want="is not a number" ;;
  esac
  shownv=$(printf '%s' "$v" | sed 's/[][\.*^$+(){}|?]/\\&/g')
  printf 'area,numerator,denominator\nA,1,10\nB,"%s",10\n' "$v" > bad.csv
  refused "^dsms: bad.csv:3: numerator: '$shownv' $want \($C" proportion --input bad.csv
  case "$v" in 2.5|1e308|9007199254740993|-0) ;; *) continue ;; esac
  printf 'area,count,denominator\nB,"%s",10\n' "$v" > bad.csv
  refused "^dsms: bad.csv:2: count: '$shownv' $want \($C" rate --input bad.csv
  refused "^dsms: bad.csv:2: count: '$shownv' $want \($C" funnel --type rate --input bad.csv
  printf 'area,period,numerator,denominator\nA,2020,1,10\nA,2021,"%s",10\n' "$v" > bad.csv
  refused "^dsms: bad.csv:3: numerator: '$shownv' $want \($C" trend --input bad.csv
  { echo "area,age_band,count,population"; for b in $bands; do echo "A,$b,1,100"; done; echo "B,0-4,\"$v\",100"; } > bad.csv
  refused "^dsms: bad.csv:21: count: '$shownv' $want \($C" dsr --input bad.csv
done
# The edges: 0 and 2^53 are counts; "3.0" and "1e3" are whole numbers.
printf 'area,numerator,denominator\nA,0,9007199254740992\nB,9007199254740992,9007199254740992\nC,3.0,10\nD,1e3,1E4\n' > edge.csv
expect_status 0 "$DSMS" stats proportion --input edge.csv --multiplier 1
cp out.txt edge.out
expect_grep '^A,0,9007199254740992,0,0,4.26487603088402e-16,0,1.06021144153737e-15,$' edge.out
near "$(field edge.out 3 value)" 0.3 "3.0 of 10"
near "$(field edge.out 4 value)" 0.1 "1e3 of 1E4"
# At x = n = 2^53 the lower limit is 1 - z^2/(n + z^2): 4e-16 below the value
# of 1, written with the digits that show it, not as 1.
expect_eq "$(field edge.out 2 upper95)" "1" "2^53 of 2^53: upper limit"
expect_eq "$(field edge.out 2 lower95)" "0.99999999999999956" "2^53 of 2^53: lower limit apart from the value"
expect_status 0 "$DSMS" stats proportion --input edge.csv --format json
expect_eq "$(python3 -c 'import json; r = json.load(open("out.txt")); print(r[1]["numerator"], r[1]["denominator"])')" \
  "9007199254740992 9007199254740992" "JSON: 2^53 written exactly"
# Denominators: more than 0 and at most 2^53; other numbers finite.
printf 'count,denominator\n1,9007199254740993\n' > bigden.csv
refused "^dsms: bigden.csv:2: denominator: '9007199254740993' is more than 9007199254740992" rate --input bigden.csv
printf 'count,denominator\n1,-0\n' > negzero.csv
refused "^dsms: negzero.csv:2: denominator: '-0' has a minus sign" rate --input negzero.csv
printf 'count,denominator\n1,1e-400\n' > tiny.csv
refused "^dsms: tiny.csv:2: denominator: '1e-400' is too close to 0 to be held" rate --input tiny.csv
printf 'area,value\nA,1\nA,1e400\n' > meanbig.csv
refused "^dsms: meanbig.csv:3: value: '1e400' is too large to be held \(expected a number\)$" mean --input meanbig.csv
printf 'area,lower95,upper95\nA,1,inf\n' > cmpinf.csv
refused "^dsms: cmpinf.csv:2: upper95: 'inf' is not a number \(expected a number\)$" compare --input cmpinf.csv --benchmark 1
refused "^dsms: --benchmark: '0x10' is not a number" compare --input cmpinf.csv --benchmark 0x10
refused "^dsms: --confidence: ' 95' is not a list of levels" proportion --input edge.csv --confidence ' 95'
refused "^dsms: --multiplier: '1e10' is not a multiplier \(expected a number more than 0 and at most 1000000000" rate --input rate.csv --multiplier 1e10
refused "^dsms: --limits: '1:1e16' is not a range" funnel --baseline 50 --limits 1:1e16
# Large counts that are allowed: the limits keep their spread. At n = 1e15
# around 90%, the 95% limits are 90 -+ 1.959964 sqrt(0.09/1e15) x 100.
printf 'area,numerator,denominator\nA,900000000000000,1000000000000000\n' > bigfunnel.csv
expect_status 0 "$DSMS" stats funnel --input bigfunnel.csv --baseline 90
cp out.txt bigfunnel.out
# gap GOT REF: |GOT - REF|, for checking a limit's distance from its value,
# which is a millionth of it here.
gap() { python3 -c 'import sys; print(abs(float(sys.argv[1]) - float(sys.argv[2])))' "$1" "$2"; }
near "$(gap "$(field bigfunnel.out 1 lower95)" 90)" 1.859385096e-06 "funnel lower95 at n = 1e15, below 90"
near "$(gap "$(field bigfunnel.out 1 upper99_8)" 90)" 2.931651763e-06 "funnel upper99_8 at n = 1e15, above 90"
# A rate of 0.9 per unit over 2^53 units: expected count e = 8.1e15, limits
# about e -+ z sqrt(e); each level its own (they were once equal).
printf 'count,denominator\n8106479329266893,9007199254740992\n' > bigrate.csv
expect_status 0 "$DSMS" stats funnel --type rate --input bigrate.csv --multiplier 1
cp out.txt bigrate.out
# (To 1e-6 of the gap: the skew of the Poisson adds (z^2 - 1)/6 events, 1e-16 of e.)
near "$(gap "$(field bigrate.out 1 lower95)" 0.9)" "$(python3 -c 'import math; print(1.959963984540054 * math.sqrt(0.9 / 9007199254740992))')" "rate funnel lower95 at e = 8.1e15"
near "$(gap "$(field bigrate.out 1 lower99_8)" 0.9)" "$(python3 -c 'import math; print(3.090232306167813 * math.sqrt(0.9 / 9007199254740992))')" "rate funnel lower99_8 at e = 8.1e15"
expect_eq "$(field bigrate.out 1 significance)" "not significant" "rate funnel at its own baseline"
# Byar's limits at 2^53 events: x (1 -+ z / sqrt x) to 1e-15.
printf 'count,denominator\n9007199254740992,9007199254740992\n' > byar.csv
expect_status 0 "$DSMS" stats rate --input byar.csv --multiplier 1
near "$(field out.txt 1 lower95)" "$(python3 -c 'import math; x = 2.0**53; z = 1.959963984540054; print((1 - 1/(9*x) - z/(3*math.sqrt(x)))**3)')" "Byar lower95 at 2^53"
# A figure not given always says why: an empty cell, too few events, a trend
# too short; in JSON null with the note.
printf 'area,value\nA,5\n' > one.csv
expect_status 0 "$DSMS" stats mean --input one.csv --format json
expect_eq "$(python3 -c 'import json; r = json.load(open("out.txt"))[0]; print(r["sd"], r["lower95"], r["note"])')" \
  "None None one value: no standard deviation or limits" "mean of one value: null with a note"
expect_status 0 "$DSMS" stats trend --input trend.csv --format json
expect_eq "$(python3 -c 'import json; r = [x for x in json.load(open("out.txt")) if x["area"] == "Short"][0]; print(r["trend"], r["chi_squared"], r["note"])')" \
  "cannot be calculated None fewer than 5 points" "trend: null with a note"
# Every output: a blank cell of a column the method adds only with a note.
for m in "proportion prop.csv" "rate rate.csv" "dsr dsr.csv" "mean mean.csv" "funnel funnel.csv" \
         "compare cmp.csv --benchmark 20" "trend trend.csv"; do
  set -- $m
  method=$1 input=$2; shift 2
  "$DSMS" stats "$method" --input "$input" "$@" > all.out
  if python3 -c '
import csv, sys
given = next(csv.reader(open(sys.argv[2])))
rows = list(csv.reader(open(sys.argv[1])))
head = rows[0]
assert head[-1] == "note", head
for r in rows[1:]:
    blank = [h for h, v in zip(head[:-1], r) if v == "" and h not in given]
    assert not blank or r[-1], (r, blank)
' all.out "$input"; then ok; else bad "stats $method: a blank cell without a note"; fi
done

# ---- help and usage ----
expect_status 0 "$DSMS" stats --help
for w in proportion rate dsr mean funnel compare trend --confidence --format --multiplier --benchmark --polarity --type --baseline --limits; do
  if grep -q -- "$w" out.txt; then ok; else bad "help does not mention $w"; fi
done
expect_status 0 "$DSMS" --help
expect_grep '^  stats METHOD' out.txt

# ---- refused ----
printf 'numerator,denom\n1,2\n' > nocol.csv
refused '^dsms: nocol.csv: missing column denominator \(expected numerator,denominator\)$' proportion --input nocol.csv
printf 'numerator,denominator\n1,2\nabc,2\n' > nan.csv
refused "^dsms: nan.csv:3: numerator: 'abc' is not a number \(expected a count from 0 to 9007199254740992\)$" proportion --input nan.csv
printf 'count,denominator\n1,2\n-4,2\n' > neg.csv
refused "^dsms: neg.csv:3: count: '-4' is negative \(expected a count from 0 to 9007199254740992\)$" rate --input neg.csv
printf 'numerator,denominator\n7,5\n' > over.csv
refused "^dsms: over.csv:2: numerator: 7 is more than the denominator 5" proportion --input over.csv
refused "^dsms: over.csv:2: numerator: 7 is more than the denominator 5" funnel --input over.csv
: > empty.csv
refused '^dsms: empty.csv: empty \(expected a header naming the columns count,denominator\)$' rate --input empty.csv
refused "^dsms: 'median' is not a statistical method" median --input prop.csv
refused "^dsms: --confidence: '95,abc' is not a list of levels" proportion --input prop.csv --confidence 95,abc
refused "^dsms: --confidence: '100' is not a list of levels" proportion --input prop.csv --confidence 100
refused "^dsms: --confidence: '0' is not a list of levels" proportion --input prop.csv --confidence 0
refused "^dsms: prop.csv: 2 confidence levels \(expected one, for trend\)$" trend --input prop.csv --confidence 95,99.8
refused "^dsms: --format: 'xml' is not a format" proportion --input prop.csv --format xml
refused "^dsms: --multiplier: '-1' is not a multiplier" rate --input rate.csv --multiplier -1
refused "^dsms: --polarity: 'up' is not a polarity" compare --input cmp.csv --polarity up --benchmark 1
refused "^dsms: --limits: '5:1' is not a range" funnel --baseline 50 --limits 5:1
refused "^dsms: stats funnel needs --input FILE.csv" funnel --limits 1:10
refused "^dsms: missing.csv: cannot open" proportion --input missing.csv
refused "^dsms: cmp.csv: missing column benchmark" compare --input cmp.csv
printf 'area,age_band,count,population\nA,55-69,1,100\n' > band.csv
refused "^dsms: band.csv:2: age_band: '55-69' is not an age band" dsr --input band.csv
printf 'area,age_band,count,population\nA,0-4,1,100\n' > short.csv
refused "^dsms: short.csv: area A has no row for age band 5-9" dsr --input short.csv
printf 'area,value\nA,1\nA,x\n' > meanbad.csv
refused "^dsms: meanbad.csv:3: value: 'x' is not a number \(expected a number\)$" mean --input meanbad.csv
printf 'area,period,numerator,denominator\nA,2020,1,\nA,2020,1,2\n' > dup.csv
refused "^dsms: dup.csv:3: period: a second row for area A, period 2020" trend --input dup.csv
printf 'numerator,denominator,value\n1,2,3\n' > clash.csv
refused "^dsms: clash.csv: column value is one that proportion adds" proportion --input clash.csv
printf 'numerator,denominator\n1,2,3\n' > ragged.csv
refused "^dsms: ragged.csv:2: row: row has 3 fields \(expected 2 fields" proportion --input ragged.csv
# Standard input.
expect_status 0 sh -c "\"$DSMS\" stats proportion --input - < prop.csv"
expect_eq "$(cat out.txt)" "$(cat prop.out)" "standard input"

# The trend test near 2^53: the same answer whichever way the proportion is
# put (3i of 2^53 rising, 2^53 - 3i falling: chi-squared 10 both), and the
# exact one where the failures alone move (1 to 5 of 9007199254740000: 10/3).
{
  echo "area,period,numerator,denominator"
  for i in 1 2 3 4 5; do
    echo "up,$i,$((3 * i)),9007199254740992"
    echo "down,$i,$((9007199254740992 - 3 * i)),9007199254740992"
    echo "few,$i,$((9007199254740000 - i)),9007199254740000"
  done
} > big_trend.csv
expect_status 0 "$DSMS" stats trend --input big_trend.csv
expect_grep "^down,1,5,decreasing,10,-3.3306690738754[0-9]*e-14,$" out.txt
expect_grep "^up,1,5,increasing,10,3.3306690738754[0-9]*e-14,$" out.txt
expect_grep "^few,1,5,no significant change,3.3333333333333[0-9]*,-1.1102230246252[0-9]*e-14,$" out.txt
finish
