#!/usr/bin/env bash
# user.sh — dsms user and dsms audit: accounts added, listed, given passwords
# and tokens, removed; bad input refused with status 2, in words, changing
# nothing; no password or token kept in clear; every change in the audit
# record, as the user running the command, from cli; the record append-only.
source "$(dirname "$0")/lib.sh"

export DSMS_PWHASH_FAST=1 DSMS_STORE=u.db
unset DSMS_PASSWORD
pw='correct horse battery'
expect_status 0 "$DSMS" init u.db

# ---- add ----
expect_status 0 "$DSMS" user add ann --role area --scope E06000001 <<< "$pw"
expect_grep '^account ann added$' out.txt
expect_status 0 "$DSMS" user add cat --role area --scope CDP001 --scope E06000018 <<< "$pw"
expect_status 0 "$DSMS" user add pat --role provider --scope P0001 --scope HMP01 <<< "$pw"
DSMS_PASSWORD=$pw expect_status 0 "$DSMS" user add nat --role national < /dev/null
expect_status 0 "$DSMS" user add gen --role national --generate-password < /dev/null
expect_grep '^password: [A-Za-z0-9]{20}$' out.txt
generated=$(sed -n 's/^password: //p' out.txt)

# refused, in words, with status 2, and nothing added
before=$(fingerprint u.db)
refuse() { # refuse PATTERN ARGS...: dsms user ARGS is refused saying PATTERN
  local want=$1; shift
  expect_status 2 "$DSMS" user "$@" <<< "$pw"
  expect_grep "$want" err.txt
}
refuse "the name 'ann' is taken" add ann --role area --scope E06000001
refuse "'bad name' is not an account name" add "bad name" --role national
refuse "'admin' is not a role" add x --role admin
refuse "'public' is not a role" add x --role public
refuse "needs --role" add x
refuse "takes no scope" add x --role national --scope E06000001
refuse "needs a scope" add x --role area
refuse "'E99999999' is not an area or partnership code" add x --role area --scope E99999999
refuse "'E06000001' is not an organisation code" add x --role provider --scope E06000001
refuse "'CDP001' is not an organisation code" add x --role provider --scope CDP001
refuse "in the scope twice" add x --role area --scope E06000001 --scope E06000001
refuse "is not a subcommand" frobnicate x
refuse "needs an account's name" add --role national
refuse "takes no name" list x
refuse "--json is for user list" remove ann --json
refuse "--label and --revoke are for user token" add x --role national --label y
refuse "needs either --label" token ann
expect_status 2 "$DSMS" user add x --role national <<< "short"
expect_grep 'too short: 5 bytes \(expected at least 12\)' err.txt
expect_status 2 "$DSMS" user add x --role national < /dev/null
expect_grep 'no password' err.txt
refuse "there is no account named 'nobody'" remove nobody
refuse "there is no account named 'nobody'" passwd nobody
expect_eq "$(fingerprint u.db)" "$before" "refusals changed the store"
expect_status 2 "$DSMS" user list --store missing.db
expect_status 2 "$DSMS" user --bogus
expect_status 0 "$DSMS" user --help
expect_grep '^exit status: 0' out.txt

# ---- list ----
expect_status 0 "$DSMS" user list
expect_grep '^ann +area +E06000001 ' out.txt
expect_grep '^cat +area +CDP001 E06000018 ' out.txt
expect_grep '^5 accounts$' out.txt
expect_status 0 "$DSMS" user list --json
expect_eq "$(jq -r '.[] | select(.name == "pat") | .scope' out.txt)" "P0001 HMP01" "pat's scope"
expect_eq "$(jq -r '.[] | select(.name == "nat") | .role' out.txt)" "national" "nat's role"
expect_eq "$(jq length out.txt)" "5" "accounts listed"

# ---- tokens ----
expect_status 0 "$DSMS" user token pat --label uploads
expect_grep '^dsms_[0-9a-f]{64}$' out.txt
expect_grep 'shown this once' err.txt
token=$(cat out.txt)
refuse "has a token labelled 'uploads' already" token pat --label uploads
refuse "there is no account named 'nobody'" token nobody --label x
expect_status 0 "$DSMS" user list --json
expect_eq "$(jq -r '.[] | select(.name == "pat") | .tokens' out.txt)" "1" "pat's tokens"
expect_status 0 "$DSMS" user token pat --revoke uploads
expect_grep '^token uploads of pat revoked$' out.txt
refuse "no token labelled 'uploads'" token pat --revoke uploads
expect_status 0 "$DSMS" user list --json
expect_eq "$(jq -r '.[] | select(.name == "pat") | .tokens' out.txt)" "0" "revoked"

# ---- passwd, remove ----
expect_status 0 "$DSMS" user passwd ann <<< "another long password"
expect_grep '^account ann given a new password$' out.txt
expect_status 2 "$DSMS" user passwd ann <<< "short"
expect_status 0 "$DSMS" user remove cat
expect_grep '^account cat removed$' out.txt
refuse "there is no account named 'cat'" remove cat

# ---- nothing in clear ----
dump=$(sqlite3 u.db .dump)
for secret in "$pw" "another long password" "$generated" "${token#dsms_}"; do
  if grep -qF -- "$secret" <<< "$dump"; then bad "the store holds a secret in clear"; else ok; fi
done
hashes="select count(*) from users where password_hash not like '\$argon2id\$%'"
expect_eq "$(sqlite3 u.db "$hashes")" "0" "passwords kept as Argon2id hashes"

# ---- the audit record ----
expect_status 0 "$DSMS" audit
expect_grep ' tester +cli +user add: ann role area scope E06000001$' out.txt
expect_grep ' tester +cli +token new: pat label uploads$' out.txt
expect_grep ' tester +cli +token revoke: pat label uploads$' out.txt
expect_grep ' tester +cli +user passwd: ann$' out.txt
expect_grep ' tester +cli +user remove: cat$' out.txt
expect_grep '^[0-9]+ events$' out.txt
expect_no_grep 'horse|dsms_[0-9a-f]' out.txt
expect_status 0 "$DSMS" audit --json --user tester --since 2000-01-01
expect_eq "$(jq '[.[] | select(.origin == "cli")] | length' out.txt)" "10" "events from cli (init too)"
expect_status 0 "$DSMS" audit --json --since 2999-01-01T00:00:00Z
expect_eq "$(jq length out.txt)" "0" "nothing in the future"
expect_status 2 "$DSMS" audit --since yesterday
expect_grep "'yesterday' is not a time" err.txt
expect_status 2 "$DSMS" audit extra
expect_status 0 "$DSMS" audit --help
expect_grep '^exit status: 0' out.txt
before=$(sqlite3 u.db "select count(*) from audit")
if sqlite3 u.db "update audit set actor = 'someone'" 2> sql.txt; then bad "audit updated"
else ok; fi
expect_grep 'the audit record cannot be changed' sql.txt
if sqlite3 u.db "delete from audit" 2> sql.txt; then bad "audit deleted"; else ok; fi
expect_grep 'the audit record cannot be changed' sql.txt
expect_eq "$(sqlite3 u.db "select count(*) from audit")" "$before" "audit lines kept"

# ---- a store of schema 5 gains the accounts when opened for writing ----
"$DSMS" init five.db > /dev/null
sqlite3 five.db "$SCHEMA5; update meta set value = '5' where key = 'schema_version'"
expect_status 2 "$DSMS" user list --store five.db
expect_grep "schema version 5, older than this dsms's 9" err.txt
expect_status 2 "$DSMS" user add ann --role area --scope CDP002 --store five.db <<< "$pw"
expect_grep "'CDP002' is not an area or partnership code" err.txt
expect_status 0 "$DSMS" reference load --store five.db
expect_status 0 "$DSMS" user add ann --role area --scope CDP002 --store five.db <<< "$pw"
expect_eq "$(sqlite3 five.db "select value from meta where key = 'schema_version'")" "9" \
  "schema after the upgrade"
cdp2="select count(*) from partnerships where partnership_code = 'CDP002'"
expect_eq "$(sqlite3 five.db "$cdp2")" "4" "partnerships loaded"
finish
