#!/usr/bin/env bash
# web.sh — the dashboard's pages from dsms serve, read as a browser would
# get them (curl): every public figure held against dsms measures --public
# (report_check.py), a partnership's against what its account may see, each
# page's CSV the same rows as its tables, the Content-Security-Policy and
# what it allows, who may open which page (logging in and out with the
# forms), a provider's upload and its diagnostics, and bad requests answered
# with a page that says what was wrong. The browser tests (tests/e2e) click
# through the same pages in Chromium.
source "$(dirname "$0")/lib.sh"
export DSMS_STORE=$WORK/dsms.db DSMS_PWHASH_FAST=1 DSMS_PASSWORD=correct-horse-battery
check="python3 $SRC/tests/report_check.py $DSMS"

expect_status 0 "$DSMS" init
expect_status 0 "$MAKER" simulate --out nation --people 1500 --start-year 2023 --years 2 --seed 7 \
  --no-early-warning
expect_status 0 "$MAKER" import --tree nation
expect_status 0 "$DSMS" framework load "$SRC/data/frameworks/national-2021.yaml"
expect_status 0 "$MAKER" compute
q() { sqlite3 "$DSMS_STORE" "$1"; }
area=$(q "select area_code from results where measure = 'in_treatment' and level = 'area'
  and period = '2024-25' and breakdown = 'all' and area_code in (select area_code from
  partnerships) order by numerator desc limit 1")
partnership=$(q "select partnership_code from partnerships where area_code = '$area'")
members=$(q "select group_concat(area_code) from partnerships where partnership_code = '$partnership'")
other_partnership=$(q "select partnership_code from partnerships where partnership_code <>
  '$partnership' limit 1")
read -r prov1 prov2 < <(q "select group_concat(source, ' ') from (select source from submissions
  where table_name = 'episodes' group by source order by sum(rows_read) desc limit 2)")
expect_eq "$([ -n "$area" ] && [ -n "$partnership" ] && [ -n "$prov2" ] && echo yes)" yes \
  "the simulated nation has an area in a partnership and two providers"
expect_status 0 "$DSMS" user add nat --role national
expect_status 0 "$DSMS" user add local --role area --scope "$partnership"
expect_status 0 "$DSMS" user add prov --role provider --scope "$prov1"

"$DSMS" serve --listen 127.0.0.1:0 --quiet --rate 100000 >url.txt 2>serve.log &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
for _ in $(seq 300); do [ -s url.txt ] && break; sleep 0.1; done
URL=$(head -1 url.txt)
URL=${URL%/}
case "$URL" in http://127.0.0.1:*) ok ;; *) bad "server did not start: $(cat serve.log)" ;; esac

# get PATH [CURL OPTIONS]: the page into page.html, its headers into head.txt;
# prints the status
get() {
  local path=$1; shift
  curl -s -D head.txt -o page.html -w '%{http_code}' "$@" "$URL$path"
}

# ---- the public's pages ----
mkdir pages
for page in "/" "/area/$area" "/measure/successful_completion" "/measure/in_treatment" \
    "/framework" "/measures"; do
  name=$(echo "$page" | tr -c 'a-zA-Z0-9\n' '_')
  expect_eq "$(get "$page")" 200 "GET $page"
  cp page.html "pages/$name.html"
  expect_grep '^Content-Type: text/html; charset=utf-8' head.txt
  expect_grep "^Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'" head.txt
  expect_no_grep 'unsafe-inline|unsafe-eval' head.txt
  # no inline script, no inline style, nothing from elsewhere
  expect_no_grep '<script>|<script [^>]*>[^<]|<style|style="|\son[a-z]+="' page.html
  expect_no_grep '(src|href)="(https?:)?//' page.html
  expect_no_grep '="[^"]*(nan|inf)[^"]*"' page.html
  expect_eq "$(grep -c '<main id="main"' page.html)" 1 "$page: one main"
  expect_eq "$(grep -c '<h1>' page.html)" 1 "$page: one h1"
  expect_grep 'class="skip" href="#main"' page.html
  [ "$(stat -c %s page.html)" -lt 512000 ] && ok || bad "$page weighs $(stat -c %s page.html) bytes"
  # the page's tables as CSV: the same rows, keyed the same
  expect_eq "$(get "$page?format=csv")" 200 "GET $page as CSV"
  expect_grep '^Content-Type: text/csv' head.txt
  expect_grep '^Content-Disposition: attachment; filename="[a-z]+' head.txt
  grep -o 'data-key="[^"]*"' "pages/$name.html" | sed 's/data-key="//; s/"$//' |
    sed 's/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g' | sort > keys-html.txt
  python3 -c 'import csv,sys
for r in csv.reader(open("page.html", encoding="utf-8")):
    if len(r) > 1 and r[-1] and r[-1] != "Key": print(r[-1])' | sort > keys-csv.txt
  expect_eq "$(sha256sum < keys-csv.txt)" "$(sha256sum < keys-html.txt)" "$page: CSV rows = page rows"
done
expect_grep 'id="map"' pages/_measure_successful_completion.html
expect_grep 'id="areas"' pages/_measure_successful_completion.html
expect_grep '<a href="/area/' pages/_measure_successful_completion.html
expect_grep 'Numerator: ' pages/_measure_successful_completion.html
# every figure on the public's pages is the one dsms measures --public gives
expect_status 0 $check pages/_ "pages/_area_$area" pages/_measure_successful_completion \
  pages/_measure_in_treatment pages/_framework --public --html-only
expect_grep '^report_check: 5 reports, 0 disagreements$' out.txt
# the public sees no organisation's row and no restricted banner
expect_no_grep 'data-key="[^"]*\|P[0-9]+\|' pages/_.html
expect_no_grep 'Restricted' "pages/_area_$area.html"
expect_eq "$(get /static/dsms.js)" 200 "the script"
expect_grep '^Content-Type: text/javascript' head.txt
expect_eq "$(get /static/dsms.css)" 200 "the styles"
expect_eq "$(get "/area/E92000001")" 303 "England's area page is the front page"
expect_grep '^Location: /\s*$' head.txt

# ---- bad requests: a page that says what was wrong ----
expect_eq "$(get /area/NOWHERE)" 404 "an unknown area"
expect_grep 'NOWHERE: no such area' page.html
expect_eq "$(get /measure/nothing)" 404 "an unknown measure"
expect_grep 'nothing: no such measure' page.html
expect_eq "$(get '/?period=2024')" 400 "a period that is not a financial year"
expect_grep 'expected a financial year such as 2024-25' page.html
expect_eq "$(get '/?period=2019-20')" 404 "a year with no results"
expect_grep 'the results hold 2023-24 to 2024-25' page.html
expect_eq "$(get '/?format=pdf')" 400 "an unknown format"
expect_eq "$(get '/static/../dsms.db')" 404 "a path out of the pages"
expect_eq "$(get '/area/a%2Fb')" 404 "a code with a slash"
expect_eq "$(get /nothing/here)" 404 "no such page"
expect_eq "$(get / -X DELETE)" 405 "a page deleted"
expect_eq "$(get /no-such-page -X PUT)" 405 "a page put"

# ---- who may see what ----
for page in /national "/provider/$prov1" "/partnership/$partnership" /submissions/1 \
    "/reports/partnership/$partnership.pdf"; do
  expect_eq "$(get "$page")" 303 "the public at $page"
  expect_grep '^Location: /login' head.txt
done
# login NAME [PASSWORD [CURL OPTIONS]]: a session for that account in jar-NAME.txt
login() {
  local name=$1 password=${2:-$DSMS_PASSWORD}
  shift $(($# < 2 ? $# : 2))
  rm -f "jar-$name.txt"
  get /login -c "jar-$name.txt" --data-urlencode "name=$name" \
    --data-urlencode "password=$password" "$@"
}
expect_eq "$(login nat "$DSMS_PASSWORD" -H 'Origin: http://elsewhere.example')" 403 \
  "a login form posted from another site"
expect_eq "$(login nat "$DSMS_PASSWORD" -H "Origin: $URL")" 303 "a login form of this site"
expect_eq "$(login nat wrong-password-here)" 401 "a wrong password"
expect_grep 'do not match an account' page.html
expect_no_grep 'dsms_session' head.txt
expect_eq "$(login nat)" 303 "the national account logs in"
expect_grep '^Location: /home' head.txt
expect_grep '^Set-Cookie: dsms_session=[^;]+; Path=/; HttpOnly; SameSite=Strict' head.txt
expect_eq "$(get /home -b jar-nat.txt)" 303 "home"
expect_grep '^Location: /national' head.txt
expect_eq "$(get /national -b jar-nat.txt)" 200 "the national page"
for id in received users audit framework; do expect_grep "id=\"$id\"" page.html; done
expect_grep 'Restricted' page.html
expect_grep 'Organisations that sent a submission, by kind and month' page.html
expect_grep 'have sent nothing this month or last' page.html
# a provider whose submissions all came long ago is late, and named
q "update submissions set received_at = '2020-01-01T00:00:00Z' where source = '$prov2'"
expect_eq "$(get /national -b jar-nat.txt)" 200 "the national page again"
expect_grep "<a href=\"/provider/$prov2\">[^<]* \\($prov2\\)</a>" page.html
expect_grep '<td>2020-01-01</td>' page.html
csrf=$(grep -o 'name="csrf-token" content="[^"]*"' page.html | sed 's/.*content="//; s/"$//')
[ -n "$csrf" ] && ok || bad "no CSRF token on the national page"
expect_eq "$(get "/provider/$prov2" -b jar-nat.txt)" 200 "the national team sees any provider"
expect_eq "$(get /logout -b jar-nat.txt -d csrf=wrong)" 403 "logging out with a wrong token"
expect_eq "$(get /national -b jar-nat.txt)" 200 "still logged in"
expect_eq "$(get /logout -b jar-nat.txt --data-urlencode "csrf=$csrf")" 303 "logging out"
expect_eq "$(get /national -b jar-nat.txt)" 303 "the session has ended"

expect_eq "$(login local)" 303 "the area account logs in"
expect_eq "$(get /home -b jar-local.txt)" 303 "home"
expect_grep "^Location: /partnership/$partnership" head.txt
expect_eq "$(get "/partnership/$partnership" -b jar-local.txt)" 200 "its partnership"
cp page.html pages/partnership.html
expect_no_grep '="[^"]*(nan|inf)[^"]*"' page.html
expect_grep 'id="reports"' page.html
expect_status 0 $check pages/partnership --scope "$members" --html-only
expect_grep '^report_check: 1 reports, 0 disagreements$' out.txt
expect_eq "$(get "/partnership/$other_partnership" -b jar-local.txt)" 404 "another partnership"
expect_eq "$(get /national -b jar-local.txt)" 403 "the national page"
expect_eq "$(get "/provider/$prov1" -b jar-local.txt)" 404 "a provider's page"
expect_eq "$(get "/reports/partnership/$partnership.pdf" -b jar-local.txt)" 200 "its report"
expect_grep '^Content-Type: application/pdf' head.txt
expect_eq "$(head -c 5 page.html)" "%PDF-" "the report is a PDF"
expect_eq "$(get "/reports/partnership/$partnership.xlsx" -b jar-local.txt)" 200 "as XLSX"
unzip -l page.html > zip.txt 2>&1 && ok || bad "the XLSX is no zip"
expect_eq "$(get "/reports/partnership/$other_partnership.pdf" -b jar-local.txt)" 404 \
  "another partnership's report"
expect_eq "$(get "/reports/partnership/$partnership.doc" -b jar-local.txt)" 404 "a format not made"

expect_eq "$(login prov)" 303 "the provider account logs in"
expect_eq "$(get "/provider/$prov1" -b jar-prov.txt)" 200 "its own page"
for id in upload upload-file drop upload-progress upload-result submissions figures; do
  expect_grep "id=\"$id\"" page.html
done
csrf=$(grep -o 'name="csrf-token" content="[^"]*"' page.html | sed 's/.*content="//; s/"$//')
expect_eq "$(get "/provider/$prov2" -b jar-prov.txt)" 404 "another provider's page"
expect_no_grep "$prov2" page.html
theirs=$(q "select id from submissions where source = '$prov2' limit 1")
mine=$(q "select id from submissions where source = '$prov1' limit 1")
expect_eq "$(get "/submissions/$theirs" -b jar-prov.txt)" 404 "another provider's submission"
expect_eq "$(get "/submissions/$mine" -b jar-prov.txt)" 200 "its own submission"
expect_eq "$(get /national -b jar-prov.txt)" 403 "the national page"

# an upload as the page's script sends it: the diagnostics, then its page
episodes=$(find nation -path "*/$prov1/episodes.csv" | sort | tail -1)
# line 3 referred on a day that never was
awk -F, -v OFS=, 'NR == 3 { $10 = "2025-02-31" } { print }' "$episodes" > broken.csv
status=$(curl -s -o up.json -w '%{http_code}' -b jar-prov.txt -H "X-CSRF-Token: $csrf" \
  -H 'Content-Type: text/csv' --data-binary @broken.csv \
  "$URL/api/v1/submissions?source=$prov1&name=broken.csv")
case "$status" in 201|422) ok ;; *) bad "upload answered $status: $(head -c 300 up.json)" ;; esac
expect_grep '"line": ?3' up.json
id=$(python3 -c 'import json; print(json.load(open("up.json")).get("submission") or "")')
if [ -n "$id" ]; then
  expect_eq "$(get "/submissions/$id" -b jar-prov.txt)" 200 "the upload's page"
  expect_grep '2025-02-31|not a date|date' page.html
  expect_grep '<td class="num">3</td>' page.html
fi
status=$(curl -s -o up.json -w '%{http_code}' -b jar-prov.txt -H 'Content-Type: text/csv' \
  --data-binary @broken.csv "$URL/api/v1/submissions?source=$prov1")
expect_eq "$status" 403 "an upload without the session's token"

kill -TERM $PID
wait $PID
expect_eq "$?" 0 "the server stops on SIGTERM"
finish
