#!/usr/bin/env bash
# farrington.sh — dsms stats farrington end to end: salmonella.agona (the data
# set shipped with R's surveillance) gives farringtonFlexible's figures for
# every week with enough history, with the original settings and Noufaily's
# (tests/data/farrington, made by tests/farrington_vectors.R), whether its
# weeks are ISO weeks or dates and whatever the order of its rows; JSON; and
# refused input: exit status 2, a message naming file, line and column,
# nothing on stdout.
source "$(dirname "$0")/lib.sh"
DATA=$SRC/tests/data/farrington

# agree GOT WANT WHAT: dsms's output GOT against R's figures WANT
# (week,expected,threshold,alarm): the same weeks, each figure within a
# relative 1e-6, alarms equal, and no figure where R has none (NA).
agree() {
  if python3 - "$1" "$2" <<'EOF'
import csv, sys
got = list(csv.DictReader(open(sys.argv[1])))
want = list(csv.DictReader(open(sys.argv[2])))
if [r["week"] for r in got] != [r["week"] for r in want]:
    sys.exit("weeks differ: %d rows, R %d" % (len(got), len(want)))
for g, w in zip(got, want):
    for k in ("expected", "threshold"):
        if (g[k] == "") != (w[k] == ""):
            sys.exit("%s %s: %r, R %r" % (g["week"], k, g[k], w[k]))
        if w[k] and abs(float(g[k]) - float(w[k])) > 1e-6 * abs(float(w[k])):
            sys.exit("%s %s: %s, R %s" % (g["week"], k, g[k], w[k]))
    if g["alarm"] != w["alarm"]:
        sys.exit("%s alarm: %r, R %r" % (g["week"], g["alarm"], w["alarm"]))
EOF
  then ok; else bad "$3"; fi
}

# ---- salmonella.agona against R ----
expect_status 0 "$DSMS" stats farrington --input "$DATA/salmonella_agona.csv"
cp out.txt original.out
expect_eq "$(head -1 original.out)" "series,week,count,expected,threshold,alarm,note" "header"
expect_eq "$(sed -n 2p original.out | cut -d, -f1-3)" "salmonella.agona,1994-W04,0" \
  "the first week with four years and three weeks of history"
agree original.out "$DATA/salmonella_agona_original.csv" "original settings against R"
expect_grep ',1,$' original.out    # some alarms
expect_grep 'fewer than 5 cases in the last 4 weeks: no threshold$' original.out
expect_status 0 "$DSMS" stats farrington --noufaily --input "$DATA/salmonella_agona.csv"
agree out.txt "$DATA/salmonella_agona_noufaily.csv" "Noufaily's settings against R"

# The same weeks as dates (the file's date column as week), rows in reverse order.
awk -F, 'NR == 1 { print "count,week,series"; next } { print $3 "," $4 "," $1 }' \
  "$DATA/salmonella_agona.csv" | { read -r h; echo "$h"; tac; } > dates.csv
expect_status 0 "$DSMS" stats farrington --input dates.csv
cut -d, -f3- out.txt > dates.cut
cut -d, -f3- original.out > original.cut
expect_eq "$(cmp -s dates.cut original.cut && echo same)" same "dates, rows reversed: same figures"
expect_grep "^salmonella.agona,1994-01-24,0," out.txt   # the week as given

# The last weeks only; two series, each its own.
expect_status 0 "$DSMS" stats farrington --input "$DATA/salmonella_agona.csv" --weeks-to-assess 3
expect_eq "$(wc -l < out.txt)" 4 "three weeks"
expect_eq "$(tail -3 out.txt)" "$(tail -3 original.out)" "the last three weeks, as when all are"
A=$DATA/salmonella_agona.csv
{ cat "$A"; sed '1d; s/^salmonella.agona/copy/' "$A"; } > two.csv
expect_status 0 "$DSMS" stats farrington --input two.csv --format json
if python3 - <<'EOF'
import json, sys
r = json.load(open("out.txt"))
s = [x for x in r if x["series"] == "copy"]
a = [x for x in r if x["series"] == "salmonella.agona"]
sys.exit(not (len(s) == len(a) == 100 and [x["threshold"] for x in s] == [x["threshold"] for x in a]
              and isinstance(a[0]["count"], int) and a[0]["alarm"] in (0, 1)))
EOF
then ok; else bad "two series in JSON: the same figures each"; fi

# A series with too little history has its last week, with a note.
printf 'series,week,count\nshort,2024-W01,3\nshort,2024-W02,4\n' > short.csv
expect_status 0 "$DSMS" stats farrington --input short.csv
expect_eq "$(tail -1 out.txt)" \
  "short,2024-W02,4,,,,too little history: 4 years back (and 3 weeks around) is before the \
series starts" \
  "short series"
# A header and no rows: the header alone.
printf 'series,week,count\n' > none.csv
expect_status 0 "$DSMS" stats farrington --input none.csv
expect_eq "$(cat out.txt)" "series,week,count,expected,threshold,alarm,note" "no rows"
# All zeros: no threshold (fewer than 5 cases), no alarm.
python3 -c 'import datetime as d
print("series,week,count")
for i in range(300): print("z,%s,0" % (d.date(2015, 1, 5) + d.timedelta(weeks=i)))' > zeros.csv
expect_status 0 "$DSMS" stats farrington --input zeros.csv --weeks-to-assess 5
expect_eq "$(sed 1d out.txt | cut -d, -f4-6 | sort -u)" ",,0" "zeros: no threshold, alarm 0"
# Options.
expect_status 0 "$DSMS" stats farrington --input "$DATA/salmonella_agona.csv" --years-back 2 \
  --window 1 --alpha 0.01
expect_eq "$(sed -n 2p out.txt | cut -d, -f2)" "1992-W02" "two years and a week of history"

# ---- refused ----
refused() {
  local want=$1; shift
  expect_status 2 "$DSMS" stats farrington "$@"
  expect_grep "$want" err.txt
  if [ -s out.txt ]; then bad "stdout not empty for $*"; else ok; fi
}
bad_input() {
  printf "$1" > in.csv
  refused "$2" --input in.csv
}
bad_input 'series,week,count\na,2024-W01,1\na,2024-W03,2\n' \
  "^dsms: in.csv:3: week: series 'a' has no rows for the 1 week between '2024-W01' \(line 2\) \
and '2024-W03' \(line 3\) \(expected every week"
bad_input 'series,week,count\na,2024-W02,1\na,2024-W01,2\na,2024-01-08,2\n' \
  "^dsms: in.csv:4: week: '2024-01-08' is a week series 'a' already has, on line 2 \
\(expected each week of a series once\)"
bad_input 'series,week,count\na,2024-W01,1.5\n' \
  "^dsms: in.csv:2: count: '1.5' is not a whole number \(expected a count"
bad_input 'series,week,count\na,2024-W01,-2\n' \
  "^dsms: in.csv:2: count: '-2' is negative \(expected a count"
bad_input 'series,week,count\na,2024-W01,NaN\n' "^dsms: in.csv:2: count: 'NaN' is not a number"
bad_input 'series,week,count\na,2024-W01,\n' "^dsms: in.csv:2: count: is empty \(expected a count"
bad_input 'series,week,count\na,2024-W01,1\na,2021-W53,1\n' \
  "^dsms: in.csv:3: week: '2021-W53' is not a week \(expected an ISO week such as 2024-W07, \
or a date YYYY-MM-DD\)"
bad_input 'series,week,count\na,24-W01,1\n' "^dsms: in.csv:2: week: '24-W01' is not a week"
bad_input 'series,week,count\na,2024-02-30,1\n' "^dsms: in.csv:2: week: '2024-02-30' is not a week"
bad_input 'series,week,count\na,2024-01-01,1\na,2024-01-10,1\n' \
  "^dsms: in.csv:3: week: '2024-01-10' is 9 days from '2024-01-01' on line 2 in series 'a' \
\(expected weeks 7 days apart"
bad_input 'series,count\na,1\n' \
  "^dsms: in.csv: missing column week \(expected the columns series,week,count\)$"
bad_input 'week,count\n2024-W01,1\n' "^dsms: in.csv: missing column series"
bad_input 'series,week,count\n,2024-W01,1\n' "^dsms: in.csv:2: series: is empty"
bad_input 'series,week,count\na,2024-W01,1,9\n' \
  "^dsms: in.csv:2: row: row has 4 fields \(expected 3"
bad_input 'series,week,count,count\n' "^dsms: in.csv:1: header: column 'count' appears twice"
bad_input '' "^dsms: in.csv: empty \(expected a header naming the columns series,week,count\)"
# The first problem in the file is the one named, whatever its kind.
bad_input 'series,week,count\na,2024-W01,1\na,2024-W03,1\nb,2024-W01,x\n' \
  "^dsms: in.csv:4: count: 'x'"
bad_input 'series,week,count\nb,2024-W05,1\na,2024-W01,1\na,2024-W03,1\nb,2024-W05,1\n' \
  "^dsms: in.csv:4: week: series 'a' has no rows"
refused "^dsms: --window: '26' is not a half-window" --input in.csv --window 26
refused "^dsms: --years-back: '0' is not a number of years" --input in.csv --years-back 0
refused "^dsms: --alpha: '1.5' is not a level" --input in.csv --alpha 1.5
refused "^dsms: --weeks-to-assess: 'x' is not a number of weeks" --input in.csv \
  --weeks-to-assess x
refused "^dsms: --format: 'xml' is not a format" --input in.csv --format xml
refused "^dsms: stats farrington needs --input FILE.csv" --noufaily
refused "^dsms: no-such.csv: cannot open" --input no-such.csv
refused "^dsms: farrington: noPeriods is not from 1 to 52 - 2w" --input in.csv --noufaily \
  --window 22

# The help names the method and its options.
expect_status 0 "$DSMS" stats --help
for word in farrington --noufaily --years-back --window --alpha --weeks-to-assess; do
  expect_grep "$word" out.txt
done

finish
