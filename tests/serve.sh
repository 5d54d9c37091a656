#!/usr/bin/env bash
# serve.sh — dsms serve on a free loopback port: what an attacker tries
# (tests/serve_attacks.py), the rate limit, and the server killed or stopped
# during an upload: the store intact, the upload whole or absent.
source "$(dirname "$0")/lib.sh"
export DSMS_PWHASH_FAST=1 DSMS_PASSWORD=correct-horse-battery

expect_status 0 "$DSMS" init s.db
expect_status 0 "$DSMS" user add nat --role national --store s.db
expect_status 0 "$DSMS" user add prov --role provider --scope P0001 --store s.db
# A password too short is refused, and no account made.
DSMS_PASSWORD=short expect_status 2 "$DSMS" user add weak --role national --store s.db
expect_grep 'password' err.txt
expect_eq "$(sqlite3 s.db "select count(*) from users where name = 'weak'")" 0 "short-password account"
"$DSMS" user token prov --label script --store s.db >tok1.txt 2>/dev/null
"$DSMS" user token prov --label uploads --store s.db >tok2.txt 2>/dev/null
PROV_TOKEN=$(grep -o 'dsms_[0-9a-f]*' tok1.txt)
PROV_TOKEN2=$(grep -o 'dsms_[0-9a-f]*' tok2.txt)
[ -n "$PROV_TOKEN" ] && [ -n "$PROV_TOKEN2" ] && ok || bad "no tokens made: $(cat tok1.txt)"

# serve_start [OPTIONS...]: a server on a free port; $URL, $PID.
serve_start() {
  rm -f url.txt
  "$DSMS" serve --store s.db --listen 127.0.0.1:0 --timeout 3 "$@" >url.txt 2>serve.log &
  PID=$!
  for _ in $(seq 100); do [ -s url.txt ] && break; sleep 0.1; done
  URL=$(head -1 url.txt)
  case "$URL" in http*://127.0.0.1:*) ok ;; *) bad "server did not start: $(cat serve.log)" ;; esac
}
serve_stop() {
  kill -TERM "$PID" 2>/dev/null
  wait "$PID"
  expect_eq "$?" 0 "exit status after SIGTERM"
}

serve_start
PROV_TOKEN=$PROV_TOKEN PROV_TOKEN2=$PROV_TOKEN2 EPISODES=$EX/episodes.csv \
  python3 "$SRC/tests/serve_attacks.py" "$URL" "$WORK/s.db" "$DSMS" >attacks.txt 2>&1
rc=$?
grep '^FAIL' attacks.txt >&2
passed=$((passed + $(grep -c '^ok:' attacks.txt)))
failed=$((failed + $(grep -c '^FAIL' attacks.txt)))
[ "$rc" -eq 0 ] && ok || bad "serve_attacks.py: exit $rc: $(tail -5 attacks.txt)"
serve_stop
# The audit record: logins, the failed one, uploads, token use (once a minute a token).
"$DSMS" audit --store s.db >audit.txt 2>&1
expect_grep ' prov +127\.0\.0\.1 +token use: token [0-9]+' audit.txt
expect_grep ' nat +127\.0\.0\.1 +login' audit.txt
expect_grep 'login failed' audit.txt
expect_grep ' prov +127\.0\.0\.1 +upload' audit.txt
expect_eq "$(grep -c 'token use' audit.txt)" 2 "token use events (two tokens, each once a minute)"
# The log holds no secret: no password, no token.
expect_no_grep "$DSMS_PASSWORD|$PROV_TOKEN2|dsms_[0-9a-f]{64}" serve.log

# The rate limit: the sixth request in a minute is a 429.
serve_start --rate 5
codes=$(for _ in 1 2 3 4 5 6; do
  curl -s -o /dev/null -w '%{http_code} ' "${URL}api/v1/measures"; done)
expect_eq "$codes" "200 200 200 200 200 429 " "statuses under --rate 5"
serve_stop

# HTTPS: the same API, and the session cookie marked Secure.
openssl req -x509 -newkey rsa:2048 -nodes -keyout tls.key -out tls.crt -days 2 \
  -subj /CN=127.0.0.1 >/dev/null 2>&1
serve_start --tls-cert tls.crt --tls-key tls.key
case "$URL" in https://127.0.0.1:*) ok ;; *) bad "not served over https: $URL" ;; esac
expect_eq "$(curl -sk -o /dev/null -w '%{http_code}' "${URL}api/v1/measures")" 200 "https status"
curl -sk -D headers.txt -o /dev/null -H 'Content-Type: application/json' \
  --data "{\"name\": \"nat\", \"password\": \"$DSMS_PASSWORD\"}" "${URL}api/v1/session"
expect_grep '^Set-Cookie: dsms_session=.*; Secure' headers.txt
serve_stop
expect_status 2 "$DSMS" serve --store s.db --listen 127.0.0.1:0 --tls-cert tls.crt
expect_grep 'tls-key' err.txt
expect_status 2 "$DSMS" serve --store s.db --listen nowhere:99999
expect_grep 'listen' err.txt

# SIGKILL during an upload: the store is sound and holds the upload whole or not at all.
big=$WORK/big.csv
"$GEN" 150000 >"$big" 2>/dev/null || cp "$EX/episodes.csv" "$big"
before=$(sqlite3 s.db "select count(*) from submissions")
serve_start
curl -s -o /dev/null -X POST -H "Authorization: Bearer $PROV_TOKEN2" -H 'Content-Type: text/csv' \
  --data-binary @"$big" "${URL}api/v1/submissions?source=P0001" &
CURL=$!
sleep 1.5
kill -KILL "$PID"
wait "$PID" 2>/dev/null
wait "$CURL" 2>/dev/null
"$DSMS" check s.db >check.txt 2>&1
expect_no_grep '^(integrity|tables|schema|counts|orphans|key):' check.txt
after=$(sqlite3 s.db "select count(*) from submissions where status <> 'importing'")
importing=$(sqlite3 s.db "select count(*) from submissions where status = 'importing'")
expect_eq "$importing" 0 "submissions left half-imported after SIGKILL"
[ "$after" -eq "$before" ] || [ "$after" -eq $((before + 1)) ] && ok ||
  bad "after SIGKILL: $before submissions became $after"

# SIGTERM during an upload: the request in flight finishes or rolls back; exit 0.
before=$(sqlite3 s.db "select count(*) from submissions")
serve_start
curl -s -o upload.json -X POST -H "Authorization: Bearer $PROV_TOKEN2" -H 'Content-Type: text/csv' \
  --data-binary @"$big" "${URL}api/v1/submissions?source=P0001" &
CURL=$!
sleep 1
serve_stop
wait "$CURL"
"$DSMS" check s.db >check.txt 2>&1
expect_no_grep '^(integrity|tables|schema|counts|orphans|key):' check.txt
after=$(sqlite3 s.db "select count(*) from submissions")
[ "$after" -eq "$before" ] || [ "$after" -eq $((before + 1)) ] && ok ||
  bad "after SIGTERM: $before submissions became $after"
finish
