#!/usr/bin/env bash
# tree.sh — import --tree and validate --tree: the layout is checked before
# anything is imported (a directory one level off is refused, saying what it
# holds), every entry left out is listed with its reason, and .CSV in any case
# is a CSV file.
source "$(dirname "$0")/lib.sh"

expect_status 0 "$DSMS" simulate --out sim --people 300 --years 1 --start-year 2024 --seed 7 \
  --no-early-warning
expect_status 0 "$DSMS" init s.db
export DSMS_STORE=s.db
before=$(fingerprint s.db)
P=$(dirname "$(ls sim/2024-25/P*/episodes.csv | head -1)")  # a provider's SOURCE directory
SRC_CODE=$(basename "$P")
layout='expected DIR/PERIOD/SOURCE/\*\.csv, the layout dsms simulate writes'

# One level too deep: a PERIOD given as the tree.
expect_status 2 "$DSMS" import --tree sim/2024-25
expect_grep "^dsms: sim/2024-25/[A-Z0-9]+ holds CSV files where SOURCE directories were expected \($layout\): sim/2024-25 looks like one PERIOD directory; give its parent$" err.txt
expect_eq "$(wc -l < err.txt)" "1" "lines for a tree one level off"
expect_eq "$(wc -c < out.txt)" "0" "output for a tree one level off"
expect_status 2 "$DSMS" validate --tree sim/2024-25
expect_grep "looks like one PERIOD directory; give its parent$" err.txt
# Two levels too deep: a SOURCE directory.
expect_status 2 "$DSMS" import --tree $P
expect_grep "^dsms: $P holds CSV files directly, but --tree takes the directory above the PERIOD directories \($layout\): give that one, or import these files with --source$" err.txt
# Empty, or no SOURCE directories, or no CSV files, or not there at all.
mkdir -p empty nosource/2024-25 nocsv/2024-25/P0001
touch nocsv/2024-25/P0001/notes.txt
expect_status 2 "$DSMS" import --tree empty
expect_grep "^dsms: empty holds no PERIOD directories \($layout\)$" err.txt
expect_status 2 "$DSMS" import --tree nosource
expect_grep "^dsms: nosource/2024-25 holds no SOURCE directories \($layout\)$" err.txt
expect_status 2 "$DSMS" import --tree nocsv
expect_grep "^dsms: nocsv/2024-25/P0001 holds no CSV file of the data set \($layout\)$" err.txt
expect_status 2 "$DSMS" import --tree no-such-dir
expect_grep "^dsms: no-such-dir: cannot read directory: No such file or directory" err.txt
expect_status 2 "$DSMS" import --tree sim/manifest.csv
expect_grep "^dsms: sim/manifest.csv: not a directory \($layout\)$" err.txt
expect_eq "$(fingerprint s.db)" "$before" "store after the refused trees"

# Inside a tree: everything left out is named, with its reason.
mv $P/episodes.csv $P/episodes.CSV
echo 'provider_code,episode_ref' > $P/.hidden.csv
echo 'notes' > $P/notes.txt
printf 'colour,size\nred,3\n' > $P/readme.csv
mkdir $P/old sim/.git sim/2024-25/.cache
echo x > sim/2024-25/stray.csv
echo x > sim/2024-25/.DS_Store
expect_status 0 "$DSMS" validate --tree sim
cp err.txt validate-err.txt
expect_status 0 "$DSMS" import --tree sim
for f in err.txt validate-err.txt; do
  expect_grep "^dsms: sim/\.git: not imported: hidden \(its name starts with '\.'\)$" $f
  expect_no_grep "manifest\.csv" $f  # the list dsms simulate writes: passed over
  expect_grep "^dsms: sim/2024-25/\.cache: not imported: hidden" $f
  expect_grep "^dsms: sim/2024-25/\.DS_Store: not imported: hidden" $f
  expect_grep "^dsms: sim/2024-25/stray\.csv: not imported: not a directory \(expected a SOURCE directory in a PERIOD directory\)$" $f
  expect_grep "^dsms: $P/\.hidden\.csv: not imported: hidden" $f
  expect_grep "^dsms: $P/notes\.txt: not imported: not a CSV file \(expected a name ending \.csv\)$" $f
  expect_grep "^dsms: $P/readme\.csv: not imported: table not recognised: its header names no table of the data set \(see dsms dataset\)$" $f
  expect_grep "^dsms: $P/old: not imported: a directory inside a SOURCE directory" $f
  expect_eq "$(grep -c 'not imported' $f)" "8" "entries listed as not imported in $f"
done
expect_grep "^2024-25: [0-9]+ submissions: [0-9]+ rows read = [0-9]+ accepted \+ 0 quarantined$" out.txt
# episodes.CSV was imported: the provider's episodes are there, from that file.
expect_eq "$(sqlite3 s.db "select count(*) > 0 from submissions where file_name = '$P/episodes.CSV' and rows_read > 0")" "1" "episodes.CSV taken"
want=$(($(wc -l < $P/episodes.CSV) - 1))
expect_eq "$(sqlite3 s.db "select count(*) from v_episodes where provider_code = '$SRC_CODE'")" "$want" "episodes of $SRC_CODE"
finish
