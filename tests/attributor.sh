#!/usr/bin/env bash
# attributor.sh — a known client attributor is planted in every kind of row
# (stored, quarantined, malformed, refused consent, other sources) and every
# byte dsms writes is searched for it: the store and its journal files, the
# reports, and everything printed. Only the keyed pseudonym may appear, and it
# must be HMAC-SHA-256 of the normalised attributor under the store's key.
source "$(dirname "$0")/lib.sh"

expect_status 0 "$DSMS" init s.db
export DSMS_STORE=s.db
key=$(tr -d '\n' < s.db.key)

H=$(head -1 "$EX/episodes.csv")
row() { # episode_ref initials dob sex consent area triage
  echo "P0001,C1,$1,$2,$3,$4,$5,A,$6,2025-01-10,self,$7,2025-01-20,C,heroin,,,20,current,nfa,unemployed,not_parent,N,Y,N,,,"
}
{
  echo "$H"
  row E1 "qz " 1931-07-19 f Y E08000025 2025-01-12            # stored (lower case, padded)
  row E2 QZ 1931-07-19 F Y E08000025 2024-12-01               # quarantined: triage before referral
  row E3 QZ 1931-07-19 F Y E06999999 2025-01-12               # quarantined: unknown area
  row E4 QZ 1931-02-30 F Y E08000025 2025-01-12               # quarantined: impossible date of birth
  row E5 QZ 1931-07-19 Q Y E08000025 2025-01-12               # quarantined: bad sex code
  row E6 Q7 1931-07-19 F Y E08000025 2025-01-12               # quarantined: bad initials
  row E7 QZ 1931-07-19 F N E08000025 2025-01-12               # quarantined: consent N with attributor
  row E1 QZ 1931-07-19 F Y E08000025 2025-01-12               # quarantined: duplicate key
  echo "P0001,C1,E8,QZ,1931-07-19,F,Y"                        # quarantined: ragged
  printf 'P0001,C1,E9,QZ,1931-07-19,F,Y,A,E08000025,2025-01-10,self,"x"y,2025-01-20\n' # bad quoting
} > episodes.csv
printf 'prison_code,release_ref,initials,date_of_birth,sex,release_date,release_area_code,treatment_need,substance_group,in_treatment_at_release\nHMP01,R1,QZ,1931-07-19,F,2025-03-01,E08000025,Y,opiate,N\nHMP01,R2,QZ,1931-07-19,F,2025-03-01,E08000025,Y,,N\nHMP01,R1,QZ,1931-07-19,M,2025-03-01,E08000025,Y,opiate,N\n' > releases.csv
printf 'death_ref,initials,date_of_birth,sex,area_code,date_of_death,drug_misuse,substances\nD1,QZ,1931-07-19,F,E08000025,2025-04-01,Y,heroin\nD2,QZ,1931-07-19,F,E08000025,2025-04-01,maybe,heroin\nD1,QZ,1931-07-19,F,E08000025,2025-04-01,Y,heroin\n' > deaths.csv
# an intervention of an episode that does not exist: rejected by the store-side rule
printf 'provider_code,episode_ref,intervention_ref,type,start_date\nP0001,E404,I1,ost,2025-02-01\n' > interventions.csv

# the needles are really in the input (so the searches below can fail).
expect_grep "QZ,1931-07-19" episodes.csv
expect_grep "1931-02-30" episodes.csv

outputs=()
run() { local name=$1; shift; "$@" > "$name.out" 2> "$name.err"; outputs+=("$name.out" "$name.err"); }
run imp "$DSMS" import --source P0001 --report rep.csv episodes.csv
run val "$DSMS" validate --source P0001 --report rep.json episodes.csv
run rel "$DSMS" import --source HMP01 --report rel.csv releases.csv
run dth "$DSMS" import --source ONS --report dth.json deaths.csv
run int "$DSMS" import --source P0001 interventions.csv
run sta "$DSMS" status --json
run qua "$DSMS" quarantine
run qjs "$DSMS" quarantine --json
expect_grep "10 rows read = 1 accepted \+ 9 quarantined" imp.out
expect_grep "3 rows read = 1 accepted \+ 2 quarantined" rel.out
expect_grep "3 rows read = 1 accepted \+ 2 quarantined" dth.out
expect_grep "1 row read = 0 accepted \+ 1 quarantined" int.out
expect_grep "^14 rows in quarantine$" qua.out
# every rejection path was taken: duplicate keys, an unknown episode, bad rows, ragged rows
for rule in unique_key episode_known referral_before_triage csv; do
  expect_grep "\"rule\": \"$rule\"" qjs.out
done
# a still-open journal would be written too: search it as well when present.
files=(s.db s.db-wal s.db-shm rep.csv rep.json rel.csv dth.json "${outputs[@]}")
sqlite3 s.db .dump > dump.sql
files+=(dump.sql)
for f in "${files[@]}"; do
  [ -e "$f" ] || continue
  for needle in QZ1931 1931-07-19 1931-02-30 19310719 "qz 1931"; do
    if grep -aq -- "$needle" "$f"; then bad "'$needle' found in $f"; else ok; fi
  done
  # the initials alone must not appear in anything printed or reported.
  case "$f" in *.db|*.db-wal|*.db-shm) ;; *)
    if grep -aqi -- '"QZ"\|,QZ,\|QZ F\|qz ' "$f"; then bad "initials found in $f"; else ok; fi ;;
  esac
done

# the pseudonym is HMAC-SHA-256(key, "QZ1931-07-19F"), the same in every source.
want=$(python3 -c "import hmac,hashlib,sys; print(hmac.new(bytes.fromhex('$key'), b'QZ1931-07-19F', hashlib.sha256).hexdigest())")
expect_eq "$(sqlite3 s.db "select lower(hex(person)) from episodes where episode_ref = 'E1'")" "$want" "episode pseudonym"
expect_eq "$(sqlite3 s.db "select lower(hex(person)) from prison_releases")" "$want" "release pseudonym"
expect_eq "$(sqlite3 s.db "select lower(hex(person)) from deaths")" "$want" "death pseudonym"
expect_eq "$(sqlite3 s.db "select age from episodes where episode_ref = 'E1'")" "93" "age at referral"
expect_eq "$(sqlite3 s.db "select count(*) from quarantine where record like '%initials%' or record like '%date_of_birth%'")" "0" "attributor fields in quarantine"
# nor the sex: no part of the attributor stays with a rejected row, whichever
# way it was rejected (a duplicate key keeps the stored form of the record).
expect_eq "$(sqlite3 s.db "select count(*) from quarantine where record like '%\"sex\"%'")" "0" "sex in quarantine"
expect_no_grep '"(sex|initials|date_of_birth)": ' qjs.out
expect_eq "$(sqlite3 s.db "select count(*) from quarantine where record like '%\"provider_code\"%' or record like '%\"prison_code\"%' or record like '%\"death_ref\"%'")" "12" "quarantined records keep their other fields (all but the ragged and the badly quoted)"
finish
