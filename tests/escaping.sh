#!/usr/bin/env bash
# escaping.sh — text from users (file names, sources, --by, header names,
# quoted values) is printed with control characters escaped, C-style (\n, \t,
# \x1b, \\), in tables, lines, diagnostics and CSV reports; JSON escapes them
# itself. An escape sequence in a file name must not reach the terminal, and a
# newline must not split a line or a table row.
source "$(dirname "$0")/lib.sh"

ESC=$'\x1b'
expect_status 0 "$DSMS" init s.db
export DSMS_STORE=s.db
name=$'ep\x1b[2J\nx\ty\\z.csv'
shown='ep\\x1b\[2J\\nx\\ty\\\\z\.csv'     # as a regex: ep\x1b[2J\nx\ty\\z.csv
cp "$EX/episodes.csv" "$name"
# one bad row, so that a diagnostic quotes the file name too
sed '2s/,E08000025,/,E06999999,/; 2s/,E[0-9]\{8\},/,E06999999,/' "$EX/episodes.csv" > "bad$name"
raw() { # FILE has no ESC byte and no line but those expected
  if grep -q "$ESC" "$1"; then bad "raw ESC in $1"; else ok; fi
}

expect_status 0 "$DSMS" import --source P0001 --by $'clerk\x1b]0;owned\x07' "$name"
raw out.txt
expect_grep "^$shown: episodes: [0-9]+ rows read = [0-9]+ accepted \+ 0 quarantined; submission 1$" out.txt
expect_eq "$(wc -l < out.txt)" "1" "lines printed for one file"

expect_status 1 "$DSMS" import --source P0001 --report rep.csv "bad$name"
raw out.txt; raw err.txt; raw rep.csv
expect_grep "^bad$shown:2: area_code: 'E06999999' is not a reference area" err.txt
expect_grep "^bad$shown: episodes: " out.txt
# the CSV report: a header and one line a diagnostic, the name escaped in it
expect_eq "$(wc -l < rep.csv)" "2" "lines of the CSV report"
expect_grep "^\"bad$shown\",2," rep.csv

# status: one table row a submission, the name escaped; JSON gives it exactly.
expect_status 0 "$DSMS" status
raw out.txt
expect_eq "$(wc -l < out.txt)" "3" "status lines (a header and two submissions)"
expect_grep " $shown$" out.txt
expect_grep " bad$shown$" out.txt
expect_status 0 "$DSMS" status --json
raw out.txt
expect_eq "$(python3 -c 'import json,sys; d=json.load(open("out.txt")); print(d[0]["file"] == sys.argv[1], d[0]["submitted_by"] == sys.argv[2])' "$name" $'clerk\x1b]0;owned\x07')" "True True" "status --json names"

# quarantine: the listing's lines escaped; JSON exact.
expect_status 0 "$DSMS" quarantine
raw out.txt
expect_grep "^submission 2 from P0001 \(episodes, bad$shown\):$" out.txt
expect_grep "^  bad$shown:2: area_code: " out.txt
expect_status 0 "$DSMS" quarantine --json
raw out.txt

# A source and a header name with control characters, quoted in messages.
expect_status 2 "$DSMS" import --source $'P\x1b[31m' "$name"
raw err.txt
expect_grep "^dsms: .*'P\\\\x1b\[31m' is not a treatment provider" err.txt
{ head -1 "$EX/episodes.csv" | sed $'s/$/,col\\tour/'; tail -n +2 "$EX/episodes.csv" | sed 's/$/,x/'; } > tab.csv
expect_status 0 "$DSMS" validate --source P0001 tab.csv
expect_grep "^tab.csv:1: col\\\\tour: warning: unknown column" err.txt

# --tree: left-out entries and refusals print escaped, each on one line.
mkdir -p tree/2024-25/P0001
cp "$EX/episodes.csv" tree/2024-25/P0001/
touch "tree/2024-25/P0001/$name.txt"
expect_status 0 "$DSMS" validate --tree tree
raw err.txt
expect_grep "^dsms: tree/2024-25/P0001/$shown\.txt: not imported: not a CSV file" err.txt
expect_eq "$(wc -l < err.txt)" "1" "lines for one entry left out"
finish
