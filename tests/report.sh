#!/usr/bin/env bash
# report.sh — dsms report: every kind of report in every format, read back
# (the HTML parsed, the XLSX unzipped, the PDF through pdftotext) by
# report_check.py, which holds each figure against dsms measures and dsms
# framework show; public reports against dsms measures --public. The HTML
# fetches nothing; the PDF has its contents, page numbers and as-at date on
# every page; the XLSX its notes last and frozen headers. Bad requests are
# refused with a clear message and no file written.
source "$(dirname "$0")/lib.sh"
export DSMS_STORE=$WORK/dsms.db
check="python3 $SRC/tests/report_check.py $DSMS"

expect_status 0 "$DSMS" init
expect_status 0 "$MAKER" simulate --out nation --people 1500 --start-year 2023 --years 2 --seed 7 \
  --no-early-warning
expect_status 0 "$MAKER" import --tree nation
expect_status 0 "$MAKER" compute
area=$(sqlite3 "$DSMS_STORE" "select area_code from results where measure = 'in_treatment'
  and level = 'area' and period = '2024-25' and breakdown = 'all'
  and area_code in (select area_code from partnerships) order by numerator desc limit 1")
partnership=$(sqlite3 "$DSMS_STORE" "select partnership_code from partnerships where area_code = '$area'")
provider=$(sqlite3 "$DSMS_STORE" "select area_code from results where level = 'provider'
  and measure = 'in_treatment' and period = '2024-25' order by numerator desc limit 1")
expect_eq "$([ -n "$area" ] && [ -n "$partnership" ] && [ -n "$provider" ] && echo yes)" yes \
  "the simulated nation has an area, its partnership and a provider with people in treatment"

# ---- every kind, every format, read back ----
mkdir out
# report NAME KIND [CODE] [OPTIONS]: write it in all three formats, then check it
report() {
  local name=$1; shift
  expect_status 0 "$DSMS" report "$@" --format html,pdf,xlsx --out out
  local base
  base=$(sed -n 's/\.html$//p' out.txt)
  expect_eq "$(wc -l < out.txt)" 3 "$name: three paths printed"
  mv "$base.html" "out/$name.html" && mv "$base.pdf" "out/$name.pdf" && mv "$base.xlsx" "out/$name.xlsx"
}
report national national
report area area "$area"
report partnership partnership "$partnership"
report provider provider "$provider"
report review review
report national-public national --public
report area-public area "$area" --public
expect_status 0 $check out/national out/area out/partnership out/review out/provider \
  --organisation "$provider"
expect_grep '^report_check: 5 reports, 0 disagreements$' out.txt
expect_eq "$(grep -c ' 0 disagreements$' out.txt)" 6 "each report agrees"
expect_status 0 $check out/national-public out/area-public --public
expect_grep '^report_check: 2 reports, 0 disagreements$' out.txt
# the checker itself finds a figure changed
sed 's/<td class="num">\([0-9]\)/<td class="num">9\1/' out/area.html > out/changed.html
cp out/area.pdf out/changed.pdf && cp out/area.xlsx out/changed.xlsx
expect_status 1 $check out/changed
expect_grep 'html: .*shows' out.txt

# the latest complete year is the default: 2024-25 of a nation that ends there
expect_status 0 "$DSMS" report national --out nat.html
expect_grep '^nat\.html$' out.txt
expect_grep "annual report, 2024-25" nat.html

# ---- HTML: self-contained, no script ----
for f in out/*.html; do
  expect_no_grep '<script|<link|<img|src=|@import|url\(' "$f"
  expect_eq "$(grep -oE '(https?:)?//[^" )]+' "$f" | grep -v '^http://www.w3.org/2000/svg$' | sort -u)" "" \
    "$f fetches nothing"
done
expect_grep 'Disclosure control applied' out/national-public.html
expect_grep 'Restricted' out/national.html
expect_grep 'Data as at' out/area.html

# ---- PDF: contents, page numbers and the as-at date on every page ----
pages=$(pdfinfo out/national.pdf | sed -n 's/^Pages: *//p')
expect_eq "$([ "${pages:-0}" -ge 5 ] && echo yes)" yes "the national report runs to pages ($pages)"
pdftotext -f 1 -l 1 -layout out/national.pdf p1.txt
expect_grep 'Contents' p1.txt
expect_grep 'The outcomes framework +[0-9]+' p1.txt
missing=0
for p in $(seq 2 "$pages"); do
  pdftotext -f "$p" -l "$p" -layout out/national.pdf page.txt
  grep -q "Page $p of $pages" page.txt && grep -q 'Data as at' page.txt || missing=$((missing + 1))
done
expect_eq "$missing" 0 "every page after the first has its number and the as-at date"

# ---- XLSX: the notes last, frozen headers, numbers ----
unzip -p out/national.xlsx xl/workbook.xml > wb.xml
expect_grep '<sheet name="Notes"[^>]*/></sheets>' wb.xml
unzip -p out/national.xlsx xl/worksheets/sheet3.xml > sheet.xml
expect_grep 'state="frozen"' sheet.xml

# ---- the review: strands, commitments and their lines ----
pdftotext -layout out/review.pdf review.txt
for strand in 'Reducing demand' 'Restricting supply' 'Building recovery'; do
  expect_grep "$strand" review.txt
done
expect_grep 'line [0-9]+' review.txt

# ---- bad requests: a clear error, exit 2 and no file ----
# refused WHY PATTERN ARGS...: refused with PATTERN on stderr, nothing in bad/
mkdir bad
refused() {
  local why=$1 pattern=$2; shift 2
  expect_status 2 "$DSMS" report "$@"
  expect_grep "$pattern" err.txt
  expect_eq "$(ls -A bad | wc -l)" 0 "$why: nothing written"
}
refused 'unknown area' 'E99999999: no such area' area E99999999 --out bad/a.html
refused 'no data' '--period 2015-16: no results for that financial year' \
  national --period 2015-16 --out bad/a.html
refused 'missing framework' '--framework nope: no such framework is loaded' \
  national --framework nope --out bad/a.pdf
refused 'unknown kind' "'county' is not a kind of report" county --out bad/a.html
refused 'no format' 'give --format' national --out bad/report
refused 'bad format' '--format docx: expected html, pdf or xlsx' national --format docx --out bad/a
refused 'public provider' 'restricted' provider "$provider" --public --out bad/a.html
refused 'unknown provider' 'P9999: no such provider' provider P9999 --out bad/a.html
refused 'several to one file' 'must be an existing directory' national --format html,pdf \
  --out bad/a.html
refused 'unwritable' 'no-such-dir' national --out bad/no-such-dir/a.html
refused 'the register' 'no-such.yaml' review --commitments bad/no-such.yaml --out bad/a.html
before=$(fingerprint "$DSMS_STORE")
expect_status 2 "$DSMS" report national --format html --out "$DSMS_STORE"
expect_grep 'the store' err.txt
expect_eq "$(fingerprint "$DSMS_STORE")" "$before" "the store is untouched"
expect_status 2 "$DSMS" report national --format pdf --out "$DSMS_STORE.key"
expect_grep 'the key file' err.txt
# a report already there is replaced whole
echo old > bad/keep.html
expect_status 0 "$DSMS" report area "$area" --out bad/keep.html
expect_grep '<!DOCTYPE html>' bad/keep.html
expect_eq "$(ls -A bad)" keep.html "no temporary file left"

finish
