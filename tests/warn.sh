#!/usr/bin/env bash
# warn.sh — early warning from the command line: ew_reports imported with
# bad rows quarantined like any table's; the novelty, cluster and exceedance
# signals of small hand-made report files, checked figure by figure; alerts
# raised once however often dsms warn run runs, moved through their states
# with each move audited, delivered to an outbox and a webhook (a local
# server that records what it is sent); the EU and UNODC notifications; the
# substance register; and every subcommand refusing bad arguments.
source "$(dirname "$0")/lib.sh"

H=reporter_code,report_ref,source_type,date_sampled,date_reported,area_code,prison_code
H=$H,substances,substance_text,matrix,sold_as,adverse_effects,severity,initials
H=$H,date_of_birth,sex
# row REF SOURCE SAMPLED AREA PRISON SUBSTANCES TEXT MATRIX SOLD_AS SEVERITY: a FEWS
# report, reported a week after it was sampled.
row() {
  local rep
  rep=$(date -u -d "$3 + 7 days" +%F)
  echo "FEWS,$1,$2,$3,$rep,$4,$5,$6,$7,$8,$9,,${10},,,"
}
# The value of a Python expression over the JSON in out.txt (bound to j).
js() { python3 -c "import json, sys; j = json.load(open('out.txt')); print($1)"; }

# A new store: one made by dsms init (the fixture maker's), copied with its key.
"$MAKER" init base.db > /dev/null || bad "dsms init failed"
new_store() { cp base.db "$1" && cp base.db.key "$1.key"; }

# ---- import: good rows stored, bad ones quarantined with line and field ----
export DSMS_STORE=i.db
new_store i.db
{
  echo "$H"
  row G1 forensic_lab 2026-03-02 E08000025 '' isotonitazene '' powder '' ''
  echo "FEWS,G2,forensic_lab,2026-03-02,2026-03-09,E08000025,,isotonitazene,,powder,,,,,"
  echo "FEWS,G3,forensic_lab,2026-02-30,2026-03-09,E08000025,,isotonitazene,,powder,,,,,,"
  row G4 forensic_lab 2026-03-02 E08000025 '' isotonitazene '' dust '' ''
  row G5 forensic_lab 2026-03-02 E08000025 '' isotonitazene '' powder '' '' |
    sed 's/2026-03-09/2026-07-09/'
  row G6 forensic_lab 2026-03-02 E08000025 '' nosuchdrug '' powder '' ''
  row G7 forensic_lab 2026-03-02 '' HMPX1 isotonitazene '' powder '' ''
  row G8 forensic_lab 2026-03-02 E08000025 HMP01 isotonitazene '' powder '' ''
  row G9 forensic_lab 2026-03-02 '' '' isotonitazene '' powder '' ''
  row G10 forensic_lab 2026-03-02 E08000025 '' isotonitazene '' powder '' '' | sed 's/,,,$/,QZ,,/'
  row G1 forensic_lab 2026-03-02 E06000001 '' isotonitazene '' powder '' ''
  row G11 toxicology_hospital 2026-03-03 '' HMP01 '' 'white powder' blood '' severe
  row G12 forensic_lab 2026-03-02 E08000025 '' isotonitazene '' powdr '' ''
  row G13 rumour 2026-03-02 E08000025 '' isotonitazene '' powder '' ''
} > bad.csv
expect_status 1 "$DSMS" import --source FEWS bad.csv
expect_grep '^bad.csv: ew_reports: 14 rows read = 2 accepted \+ 12 quarantined; submission 1$' out.txt
expect_grep '^bad.csv:3: row: row has 15 fields \(expected 16' err.txt
expect_grep "^bad.csv:4: date_sampled: '2026-02-30' is not a valid date" err.txt
expect_grep "^bad.csv:5: matrix: 'dust' is not a known code" err.txt
expect_grep "^bad.csv:6: date_reported: '2026-07-09' is in the future" err.txt
expect_grep "^bad.csv:7: substances: 'nosuchdrug' is not in the substance register.*substance_text" \
  err.txt
expect_grep "^bad.csv:8: prison_code: 'HMPX1' is not in the reference data" err.txt
expect_grep '^bad.csv:9: prison_code: given although area_code is given too' err.txt
expect_grep '^bad.csv:10: area_code: empty, and so is prison_code' err.txt
expect_grep '^bad.csv:11: date_of_birth: empty although part of the attributor is given' err.txt
expect_grep '^bad.csv:12: report_ref: duplicate key: the same record is at line 2' err.txt
expect_grep "^bad.csv:14: matrix: 'powdr' is not a known code" err.txt
expect_grep "^bad.csv:15: source_type: 'rumour' is not a known code" err.txt
expect_no_grep '^bad.csv:13:' err.txt
expect_eq "$(sqlite3 i.db 'select report_ref, area_code, prison_code from ew_reports order by 1')" \
  "G1|E08000025|
G11||HMP01" "the good rows stored"
expect_eq "$(sqlite3 i.db 'select count(*) from quarantine')" 12 "rows quarantined"
expect_status 0 "$DSMS" status
expect_grep '^ +1 .* FEWS +ew_reports +14 +2 +12 +partial +bad.csv$' out.txt
# A source not in reporters.csv: refused whole; a row naming another reporter.
printf '%s\n' "$H" "$(row X1 forensic_lab 2026-03-02 E08000025 '' isotonitazene '' powder '' '')" |
  sed 's/^FEWS,/LAB9,/' > lab9.csv
expect_status 2 "$DSMS" import --source LAB9 lab9.csv
expect_grep "'LAB9' is not a reporting organisation in the reference data \(reporters.csv\)" err.txt
expect_grep 'nothing was stored' err.txt
expect_status 1 "$DSMS" import --source NPIS lab9.csv
expect_grep "^lab9.csv:2: reporter_code: 'LAB9' is not the submitting organisation" err.txt
expect_eq "$(sqlite3 i.db 'select count(*) from ew_reports')" 2 "nothing else stored"
expect_eq "$(sqlite3 i.db 'select count(*) from submissions')" 2 "the refused one not kept"

# ---- novelty and clusters: two learning weeks, then what is new ----
# Learning weeks (from Monday 2026-01-05): metonitazene as powder in Birmingham
# (West Midlands), MDMB-4en-PINACA as herbal in Hartlepool (North East),
# isotonitazene as powder in Birmingham.
export DSMS_STORE=n.db
new_store n.db
expect_status 0 "$DSMS" substance add --code xylazamine --name Xylazamine --family cathinones \
  --synonyms 'xyla' --legal 'psa:2016-05-26:2026-03-01;class_b:2026-03-01'
expect_grep '^added xylazamine \(Xylazamine\) to the register$' out.txt
{
  echo "$H"
  row L1 forensic_lab 2026-01-05 E08000025 '' metonitazene '' powder '' ''
  row L2 forensic_lab 2026-01-06 E06000001 '' mdmb_4en_pinaca '' herbal '' ''
  row L3 forensic_lab 2026-01-07 E08000025 '' isotonitazene '' powder '' ''
  row L4 forensic_lab 2026-01-12 E06000002 '' mdmb_4en_pinaca '' herbal '' ''
  # after the learning weeks (from 2026-01-19)
  row N1 forensic_lab 2026-02-02 E08000025 '' xylazamine '' powder '' ''
  row N2 drug_checking 2026-02-10 E08000025 '' xylazamine '' powder '' ''
  row N3 forensic_lab 2026-03-16 E06000003 '' xylazamine '' powder '' ''
  row N4 forensic_lab 2026-02-09 E08000025 '' metonitazene '' tablet '' ''
  row N5 test_purchase 2026-02-11 E08000025 '' metonitazene '' tablet alprazolam moderate
  row N6 forensic_lab 2026-02-16 E08000025 '' '' 'Zomboxine' powder '' ''
  row N7 forensic_lab 2026-02-20 E08000025 '' '' '  zomboXINE ' powder '' ''
  row N8 forensic_lab 2026-02-17 E08000025 '' '' isotonitazine powder '' ''
  row N9 forensic_lab 2026-02-18 E08000025 '' '' 2-CMC powder '' ''
  # metonitazene in urine: a body fluid, not a new form of the product
  row N10 toxicology_hospital 2026-02-19 E08000025 '' metonitazene '' urine '' ''
  # clusters of severe reactions to MDMB-4en-PINACA
  row C1 clinician 2026-04-06 '' HMP01 mdmb_4en_pinaca '' herbal '' severe
  row C2 clinician 2026-04-08 '' HMP01 mdmb_4en_pinaca '' herbal '' fatal
  row C3 clinician 2026-04-13 '' HMP01 mdmb_4en_pinaca '' herbal '' severe
  row C4 clinician 2026-04-06 E06000002 '' mdmb_4en_pinaca '' herbal '' severe
  row C5 clinician 2026-04-09 E06000002 '' mdmb_4en_pinaca '' herbal '' severe
  row C6 clinician 2026-04-01 E06000001 '' mdmb_4en_pinaca '' herbal '' severe
  row C7 clinician 2026-04-11 E06000001 '' mdmb_4en_pinaca '' herbal '' severe
  row C8 clinician 2026-04-21 E06000001 '' mdmb_4en_pinaca '' herbal '' fatal
  # moderate reactions never make a cluster
  row C9 clinician 2026-04-06 E06000002 '' mdmb_4en_pinaca '' herbal '' moderate
} > novel.csv
expect_status 0 "$DSMS" import --source FEWS novel.csv
expect_grep ' 23 rows read = 23 accepted' out.txt
# Signals as "kind what key severity areas reports", in order.
sigs() {
  "$DSMS" warn signals --since all --json "$@" > out.txt || bad "warn signals $* failed"
  js "'\\n'.join(' '.join(str(s[k]) for k in
                  ('kind', 'what', 'key', 'severity', 'areas', 'reports')) for s in j)"
}
expect_eq "$(sigs --learning-weeks 2)" \
"novelty country novelty|country|xylazamine high E08000025 2
novelty matrix novelty|matrix|metonitazene|tablet high E08000025 2
novelty sold_as novelty|sold_as|metonitazene|alprazolam high E08000025 1
novelty unregistered novelty|unregistered|zomboxine low E08000025 2
novelty unregistered novelty|unregistered|2-cmc low E08000025 1
novelty region novelty|region|xylazamine|E12000001 medium E06000003 1
cluster severe cluster|mdmb_4en_pinaca|HMP01|2026-04-06 high E08000012 3
novelty region novelty|region|mdmb_4en_pinaca|E12000002 high E08000012 3" \
  "novelty and clusters, two learning weeks"
# The default 52 learning weeks cover every report: nothing is new, but the cluster.
CLUSTER="cluster severe cluster|mdmb_4en_pinaca|HMP01|2026-04-06 high E08000012 3"
expect_eq "$(sigs)" "$CLUSTER" "52 learning weeks"
# Two severe reactions are a cluster of two; three over 20 days are one within 20 days.
expect_eq "$(sigs --cluster-size 2)" \
"cluster severe cluster|mdmb_4en_pinaca|E06000002|2026-04-06 medium E06000002 2
$CLUSTER" "--cluster-size 2"
expect_eq "$(sigs --cluster-days 10)" "$CLUSTER" "--cluster-days 10"
expect_eq "$(sigs --cluster-days 20)" \
"cluster severe cluster|mdmb_4en_pinaca|E06000001|2026-04-01 high E06000001 3
$CLUSTER" "--cluster-days 20"
expect_eq "$(sigs --cluster-days 6)" "" "--cluster-days 6: 7 days apart is too far"
expect_eq "$(sigs --cluster-size 4)" "" "--cluster-size 4"
"$DSMS" warn signals --since all --json > out.txt
expect_eq "$(js "j[0]['title'] + '|' + j[0]['began'] + '|' + j[0]['substance'] + '|' + j[0]['family']")" \
  "3 severe reactions to MDMB-4en-PINACA in HMP Altcourse over 8 days, deaths among them|2026-04-06|mdmb_4en_pinaca|synthetic_cannabinoids" \
  "the cluster's title"
expect_eq "$(js "[r['ref'] for r in j[0]['evidence']['reports']], j[0]['evidence']['total_reports']")" \
  "['C1', 'C2', 'C3'] 3" "the cluster's evidence"
# Text: the signals one a line; --since leaves out what began before it.
expect_status 0 "$DSMS" warn signals --since all --learning-weeks 2
expect_eq "$(wc -l < out.txt)" 9 "signals: a header and 8 lines"
expect_grep '^2026-02-02 novelty +country +high +First identification in the country: Xylazamine \(Synthetic cathinones\)$' out.txt
expect_eq "$(sigs --learning-weeks 2 --since 2026-03-16 | cut -d' ' -f3)" \
"novelty|region|xylazamine|E12000001
cluster|mdmb_4en_pinaca|HMP01|2026-04-06
novelty|region|mdmb_4en_pinaca|E12000002" "--since"
# The default --since is 12 weeks before today (2026-04-07 for 2026-06-30).
expect_eq "$(DSMS_TODAY=2026-06-29 "$DSMS" warn signals --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
  1 "the default since"
expect_eq "$(DSMS_TODAY=2026-07-07 "$DSMS" warn signals --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
  0 "the default since, a week on"
# What was reported after today is not seen: the day before C3 was reported.
expect_eq "$(DSMS_TODAY=2026-04-19 sigs)" "" "a report not yet reported"

# ---- exceedance: five years of 4-MEC at 1 to 3 a week in Birmingham ----
# weekly.py SPIKE: the reports, one a day from each week's Tuesday, reported the
# next day; the week of 2026-06-22 has SPIKE of them (its usual count when 0).
cat > weekly.py <<'PY'
import datetime, sys
spike = int(sys.argv[1])
day, n = datetime.date(2021, 5, 3), 0
print(sys.argv[2])
while day <= datetime.date(2026, 6, 22):
    count = [1, 2, 3, 2][n % 4]
    if day == datetime.date(2026, 6, 22) and spike:
        count = spike
    for k in range(count):
        s = day + datetime.timedelta(days=1 + k % 5)
        r = s + datetime.timedelta(days=1)
        print(f"FEWS,W{n}-{k},forensic_lab,{s},{r},E08000025,,4_mec,,powder,,,,,,")
    day, n = day + datetime.timedelta(days=7), n + 1
PY
python3 weekly.py 14 "$H" > spike.csv
python3 weekly.py 0 "$H" > steady.csv
new_store e.db
new_store f.db
expect_status 0 "$MAKER" import --store e.db --source FEWS spike.csv
expect_status 0 "$MAKER" import --store f.db --source FEWS steady.csv
# Exceedance signals as "key count threshold", thresholds to 4 places.
exceed() {
  "$DSMS" warn signals --store "$1" --since all --json > out.txt || bad "warn signals $1 failed"
  js "'\\n'.join(f\"{s['key']} {s['count']:g} {s['threshold']:.4f} {s['expected']:.4f}\"
                 for s in j if s['kind'] == 'exceedance')"
}
SPIKE=$(exceed e.db)
expect_eq "$(echo "$SPIKE" | cut -d' ' -f1,2)" \
"exceedance|reports|cathinones|E08000025|2026-06-22 14
exceedance|reports|cathinones|E92000001|2026-06-22 14" "the spike's exceedance"
expect_eq "$(exceed f.db)" "" "no spike, no exceedance"
expect_eq "$(js "[s['kind'] for s in j]")" "[]" "no signal at all without the spike"
# alpha 0.001 (dsms warn's default): the threshold is the nbPlugin quantile at 0.999
expect_eq "$(exceed e.db | cut -d' ' -f3,4)" "8.0000 2.0694
8.0000 2.0694" "the threshold and expected count"
expect_eq "$(js "[(s['reports'], s['evidence']['total_reports'], len(s['evidence']['reports']),
                   s['evidence']['weeks'][0]['count'], s['severity'], s['areas'])
                  for s in j]")" \
  "[(14, 14, 14, 14.0, 'medium', 'E08000025'), (14, 14, 14, 14.0, 'medium', '')]" \
  "the exceedance's evidence: the week's reports"
# Reports of the spike's week reported after today are not counted: 3 of 14 seen.
expect_eq "$(DSMS_TODAY=2026-06-24 exceed e.db | cut -d' ' -f2)" "" "the spike not yet reported"

# ---- alerts: raised once, moved with audit, delivered ----
export DSMS_STORE=n.db
expect_status 0 "$DSMS" warn run --since all --learning-weeks 2
expect_grep '^8 signals in [0-9.]+ s: 8 new alerts, 0 found again$' out.txt
expect_status 0 "$DSMS" warn run --since all --learning-weeks 2
expect_grep '^8 signals in [0-9.]+ s: 0 new alerts, 8 found again$' out.txt
expect_eq "$(sqlite3 n.db 'select count(*) from alerts')" 8 "one alert a signal"
expect_eq "$(sqlite3 n.db "select detail from audit where action = 'warn.run' order by id")" \
'{"signals":8,"new_alerts":8,"found_again":0}
{"signals":8,"new_alerts":0,"found_again":8}' "runs audited"
expect_status 0 "$DSMS" alerts list
expect_eq "$(sed -n '2,$p' out.txt | awk '{print $1, $2, $3, $4, $5}' | sed "s/ *$//")" \
"8 2026-04-06 novelty new high
7 2026-04-06 cluster new high
6 2026-03-16 novelty new medium
5 2026-02-18 novelty new low
4 2026-02-16 novelty new low
3 2026-02-11 novelty new high
2 2026-02-09 novelty new high
1 2026-02-02 novelty new high
8 alerts" "alerts list"
alert_ids() { "$DSMS" alerts list --json "$@" > out.txt && js "' '.join(str(a['id']) for a in j)"; }
expect_eq "$(alert_ids --kind cluster)" 7 "--kind cluster"
expect_eq "$(alert_ids --kind novelty --area E08000025)" "5 4 3 2 1" "--kind, --area"
expect_eq "$(alert_ids --area E06000003)" 6 "--area"
expect_eq "$(alert_ids --area E0600000)" "" "--area: a whole code"
expect_eq "$(alert_ids --state assessed)" "" "--state"
expect_status 0 "$DSMS" alerts show 7
expect_grep '^alert 7: 3 severe reactions to MDMB-4en-PINACA in HMP Altcourse over 8 days, deaths among them$' out.txt
expect_grep '^  state     new$' out.txt
expect_grep '^evidence: 3 reports$' out.txt
expect_grep '^  2026-04-08 FEWS/C2 clinician +HMP01 +fatal +herbal$' out.txt
expect_status 0 "$DSMS" alerts show 7 --json
expect_eq "$(js "j['id'], j['state'], j['kind'], j['areas'], j['evidence']['total_reports'], j['history']")" \
  "7 new cluster ['E08000012'] 3 []" "alerts show --json"

# Moves: each in the alert's history and the audit record.
mkdir outbox
expect_status 0 "$DSMS" alerts config --outbox "$WORK/outbox"
expect_grep "^outbox  $WORK/outbox$" out.txt
expect_grep '^webhook \(none\)$' out.txt
expect_status 0 "$DSMS" alerts assess 1
expect_grep '^alert 1 assessed$' out.txt
expect_status 2 "$DSMS" alerts assess 1
expect_grep 'alert 1 is assessed: it cannot be assessed' err.txt
expect_status 0 "$DSMS" alerts issue 1 --note 'sent to the national team'
expect_grep '^alert 1 issued$' out.txt
expect_eq "$(python3 -c "import json; a = json.load(open('outbox/alert-1.json'))
print(a['id'], a['state'], a['key'], [h['to'] for h in a['history']])")" \
  "1 issued novelty|country|xylazamine ['assessed', 'issued']" "the outbox file"
expect_status 2 "$DSMS" alerts close 2
expect_grep 'closing an alert needs a note saying why' err.txt
expect_status 2 "$DSMS" alerts close 2 --note ''
expect_status 0 "$DSMS" alerts close 2 --note 'tablets seen before under another name'
expect_status 2 "$DSMS" alerts issue 2
expect_grep 'alert 2 is closed: it cannot be issued' err.txt
expect_status 2 "$DSMS" alerts assess 2
expect_status 2 "$DSMS" alerts close 2 --note again
expect_grep 'alert 2 is closed: it cannot be closed' err.txt
expect_status 2 "$DSMS" alerts deliver 2
expect_grep 'alert 2 is closed: only an issued alert is delivered' err.txt
expect_status 2 "$DSMS" alerts issue 99
expect_grep 'no alert 99' err.txt
expect_eq "$(sqlite3 n.db "select action, detail from audit where action like 'alert%' order by id")" \
'alerts.config|{"outbox":"'"$WORK"'/outbox","webhook":""}
alert.assess|{"alert":1,"from":"new","to":"assessed","note":""}
alert.issue|{"alert":1,"from":"assessed","to":"issued","note":"sent to the national team"}
alert.deliver|{"alert":1,"outbox":"'"$WORK"'/outbox","webhook":""}
alert.close|{"alert":2,"from":"new","to":"closed","note":"tablets seen before under another name"}' \
  "every move audited"
expect_status 0 "$DSMS" audit
expect_grep 'tester .*alert.close' out.txt
# A closed alert stays closed and unchanged when its signal is found again.
before=$(sqlite3 n.db "select state, updated_at, evidence from alerts where id = 2")
expect_status 0 "$DSMS" warn run --since all --learning-weeks 2 --cluster-size 2
expect_grep '^9 signals in [0-9.]+ s: 1 new alert, 8 found again$' out.txt
expect_eq "$(sqlite3 n.db "select state, updated_at, evidence from alerts where id = 2")" \
  "$before" "a closed alert unchanged"
expect_eq "$(sqlite3 n.db "select state from alerts where id = 1")" issued "an issued one kept"

# The webhook: a local server that keeps each body posted to it, a line each.
cat > hook.py <<'PY'
import http.server, json, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        with open('posted.txt', 'a') as f:
            f.write(json.dumps(json.loads(body)) + '\n')
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
server = http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), Hook)
with open('port.tmp', 'w') as f:
    f.write(str(server.server_address[1]))
import os
os.rename('port.tmp', 'port.txt')
server.serve_forever()
PY
HOOK=
start_hook() {
  rm -f port.txt
  python3 hook.py "$1" & HOOK=$!
  for _ in $(seq 100); do [ -s port.txt ] && break; sleep 0.05; done
  PORT=$(cat port.txt)
}
stop_hook() { kill "$HOOK" 2>/dev/null; wait "$HOOK" 2>/dev/null; HOOK=; }
trap '[ -n "$HOOK" ] && kill "$HOOK" 2>/dev/null; rm -rf "$WORK"' EXIT
start_hook 0
expect_status 0 "$DSMS" alerts config --webhook "http://127.0.0.1:$PORT/alerts"
expect_grep "^webhook http://127.0.0.1:$PORT/alerts$" out.txt
expect_status 0 "$DSMS" alerts config
expect_grep "^outbox  $WORK/outbox$" out.txt
expect_status 0 "$DSMS" alerts issue 3
expect_eq "$(python3 -c "import json; a = [json.loads(l) for l in open('posted.txt')]
print(len(a), a[0]['id'], a[0]['state'], a[0]['key'], a[0]['evidence']['total_reports'])")" \
  "1 3 issued novelty|sold_as|metonitazene|alprazolam 1" "the webhook's body"
expect_eq "$(cmp -s <(python3 -c "import json; print(json.dumps(json.load(open('outbox/alert-3.json'))))") \
  <(head -1 posted.txt) && echo same)" same "the outbox and the webhook have the same alert"
# The webhook down: issued all the same, in the outbox, and sent again later.
stop_hook
expect_status 1 "$DSMS" alerts issue 4
expect_grep '^alert 4 issued$' out.txt
expect_grep "alert 4 issued but not delivered: webhook http://127.0.0.1:$PORT/alerts: .*dsms alerts deliver 4" err.txt
expect_eq "$(sqlite3 n.db "select state from alerts where id = 4")" issued "undelivered yet issued"
expect_eq "$(python3 -c "import json; print(json.load(open('outbox/alert-4.json'))['state'])")" \
  issued "undelivered yet in the outbox"
expect_status 2 "$DSMS" alerts deliver 4
expect_grep "webhook http://127.0.0.1:$PORT/alerts: " err.txt
start_hook "$PORT"
expect_status 0 "$DSMS" alerts deliver 4
expect_grep '^alert 4 delivered$' out.txt
expect_eq "$(python3 -c "import json; a = [json.loads(l) for l in open('posted.txt')]
print(len(a), a[-1]['id'], a[-1]['state'])")" "2 4 issued" "delivered again"
stop_hook
expect_eq "$(sqlite3 n.db "select count(*) from audit where action = 'alert.deliver'")" 3 \
  "deliveries audited"
# An address that answers with an error is not a delivery.
expect_status 0 "$DSMS" alerts config --webhook "http://127.0.0.1:1/none" --outbox ''
expect_grep '^outbox  \(none\)$' out.txt
expect_status 1 "$DSMS" alerts issue 5
expect_status 2 "$DSMS" alerts config --webhook ftp://example.org/
expect_grep "not a web address" err.txt
expect_status 0 "$DSMS" alerts config --webhook ''
expect_status 2 "$DSMS" alerts deliver 5
expect_grep 'no outbox or webhook is set' err.txt


# ---- export: a row for each issued alert of a substance new to the country ----
# Issued: 1 (Xylazamine, new to the country), 3, 4 and 5 (other novelty).
expect_status 0 "$DSMS" warn export --format eu
expect_eq "$(head -1 out.txt)" "reporting_country,notification_date,substance_name,other_names,chemical_group,first_identified,sample_sources,physical_forms,sold_as,locations,reports,severe_or_fatal_reactions,legal_status,reporting_organisations,description" \
  "eu header"
expect_eq "$(wc -l < out.txt)" 2 "eu: one row"
# Psychoactive Substances Act on the day it was first found, Class B today.
expect_eq "$(sed -n 2p out.txt | cut -d, -f1,3-)" \
  "United Kingdom,Xylazamine,xyla,cathinones,2026-02-02,forensic_lab;drug_checking,powder,,E08000025,2,0,Psychoactive Substances Act 2016,FEWS,First identification in the country: Xylazamine (Synthetic cathinones)" \
  "eu row"
expect_status 0 "$DSMS" warn export --format unodc --out unodc.csv
expect_eq "$(cat unodc.csv)" \
"country,substance,substance_group,year_first_reported,date_first_identified,sample_types,physical_forms,national_control,reports,harms_reported
United Kingdom,Xylazamine,Synthetic cathinones,2026,2026-02-02,forensic_lab;drug_checking,powder,Psychoactive Substances Act 2016,2,0" \
  "unodc"
expect_status 0 "$DSMS" warn export --format json
expect_eq "$(js "len(j), j[0]['alert'], j[0]['substance'], j[0]['eu_group'], j[0]['unodc_group'],
                 j[0]['legal_status'], j[0]['reports'], j[0]['places']")" \
  "1 1 xylazamine cathinones Synthetic cathinones Psychoactive Substances Act 2016 2 E08000025" "json"
expect_status 2 "$DSMS" warn export --format xml
expect_grep "'xml' is not an export format \(expected eu, unodc or json\)" err.txt
expect_status 2 "$DSMS" warn export
expect_grep 'export: --format is required' err.txt
expect_status 2 "$DSMS" warn export --format eu --out n.db
expect_grep 'that is the store' err.txt

# ---- the substance register ----
expect_status 0 "$DSMS" substance list
expect_grep '^121 substances$' out.txt
expect_grep '^xylazamine +Xylazamine +cathinones +Class B$' out.txt
expect_status 0 "$DSMS" substance list --family nitazenes --json
expect_eq "$(js "len(j), sorted(set(s['family'] for s in j))")" "14 ['nitazenes']" "--family"
expect_status 0 "$DSMS" substance show xylazamine
expect_grep '^  legal today    Class B$' out.txt
expect_grep '^  legal history  Psychoactive Substances Act 2016 from 2016-05-26 to 2026-03-01; Class B from 2026-03-01$' out.txt
expect_grep '^  reports        3 \(first sampled 2026-02-02, latest 2026-03-16\)$' out.txt
expect_grep '^ +1 2026-02-02 issued +First identification in the country: Xylazamine' out.txt
expect_grep '^ +6 2026-03-16 new +First identification in North East: Xylazamine$' out.txt
expect_status 2 "$DSMS" substance show isotonitazine
expect_grep "'isotonitazine' is not a code of the register; did you mean isotonitazene" err.txt
expect_status 0 "$DSMS" substance match isotonitazene Xanax xyla
expect_eq "$(cut -d' ' -f2,3 out.txt)" "exact isotonitazene
synonym alprazolam
synonym xylazamine" "match: all matched"
expect_status 1 "$DSMS" substance match 2-CMC zomboxine
expect_eq "$(cat out.txt)" "'2-CMC': none
'zomboxine': none" "match: none"
expect_status 1 "$DSMS" substance match isotonitazine zomboxine
expect_grep "^'isotonitazine': near isotonitazene \(Isotonitazene\), did you mean it\?$" out.txt
adds=$(sqlite3 n.db "select count(*) from audit where action = 'substance.add'")
expect_status 2 "$DSMS" substance add --code xylazamine --name Other --family cathinones
expect_grep "code: 'xylazamine' is already in the register" err.txt
expect_status 2 "$DSMS" substance add --code newx --name Newx --family cathinones --synonyms xyla
expect_grep "synonyms: 'xyla' reads as 'xyla', which is a synonym of xylazamine" err.txt
expect_status 2 "$DSMS" substance add --code newx --name Isotonitazene --family nitazenes
expect_grep "name: 'Isotonitazene' reads as 'isotonitazene', which is the code of isotonitazene" err.txt
expect_status 2 "$DSMS" substance add --code newx --name Newx --family dust
expect_grep "family: 'dust' is not a family" err.txt
expect_status 2 "$DSMS" substance add --code newx --name Newx --family cathinones \
  --first-uk 2999-01-01
expect_grep "first-uk: '2999-01-01' is in the future" err.txt
expect_status 2 "$DSMS" substance add --code newx --name Newx --family cathinones --legal class_z:2020-01-01
expect_grep "legal_status: 'class_z' is not a legal status" err.txt
expect_status 2 "$DSMS" substance add --code newx --name Newx --family cathinones --legal class_a:2020-13-01
expect_grep "'2020-13-01' in 'class_a:2020-13-01' is not a date" err.txt
expect_status 2 "$DSMS" substance add --code newx --name Newx --family cathinones \
  --legal class_a:2020-01-01:2019-01-01
expect_grep 'ends on or before the day it starts' err.txt
expect_status 2 "$DSMS" substance add --code 'New X' --name Newx --family cathinones
expect_grep "code: 'New X' is not a substance code" err.txt
expect_status 2 "$DSMS" substance add --code newx --name Newx --family cathinones --first-uk bad
expect_grep "first_uk: 'bad' is not a date" err.txt
expect_status 2 "$DSMS" substance add --code newx --name Newx
expect_grep 'substance add: --family is required' err.txt
expect_status 2 "$DSMS" substance add --code newx --name Newx --family cathinones --colour blue
expect_grep "substance add: unexpected '--colour'" err.txt
expect_eq "$(sqlite3 n.db "select count(*) from audit where action = 'substance.add'")" "$adds" \
  "nothing refused audited"
expect_status 0 "$DSMS" substance list
expect_grep '^121 substances$' out.txt
expect_eq "$(sqlite3 n.db "select actor, detail from audit where action = 'substance.add'")" \
  'tester|{"substance":"xylazamine"}' "the add audited"

# ---- bad arguments: exit 2 and what was wrong ----
refused() { # refused PATTERN ARGS...: dsms ARGS exits 2 saying PATTERN
  local want=$1; shift
  expect_status 2 "$DSMS" "$@"
  expect_grep "$want" err.txt
}
refused 'usage: dsms warn' warn
refused "warn: 'bogus' is not a subcommand" warn bogus
refused 'warn export: takes --format and --out only' warn export --format eu --since all
refused 'warn run: --format and --out belong to dsms warn export' warn run --format eu
refused 'warn signals: --format and --out belong to dsms warn export' warn signals --out x.csv
refused "--since: '2026-13-01' is not a date" warn run --since 2026-13-01
refused "--learning-weeks: '0' is not a whole number" warn run --learning-weeks 0
refused "--cluster-size: 'x' is not a whole number" warn signals --cluster-size x
refused "--cluster-days: '1001' is not a whole number" warn signals --cluster-days 1001
refused "--years-back: '0' is not a whole number" warn signals --years-back 0
refused "--window: '26' is not a whole number from 0 to 25" warn signals --window 26
refused "--alpha: '1' is not a number between 0 and 1" warn signals --alpha 1
refused "warn: unexpected 'extra'" warn signals extra
refused "warn: unexpected 'extra'" warn run extra
refused "unrecognized option '--bogus'" warn signals --bogus
refused "requires an argument" warn export --format
refused "cannot write" warn export --format eu --out /nonexistent/x.csv
refused 'usage: dsms alerts' alerts
refused "alerts: 'bogus' is not a subcommand" alerts bogus
refused "'x' is not an alert id" alerts show x
refused "'0' is not an alert id" alerts assess 0
refused "no alert 99 \(dsms alerts list\)" alerts show 99
refused "alerts show: unexpected '--bogus'" alerts show 1 --bogus
refused "alerts deliver: unexpected 'extra'" alerts deliver 1 extra
refused "--state: 'bogus' is not a state" alerts list --state bogus
refused "--kind: 'bogus' is not a kind" alerts list --kind bogus
refused "unrecognized option '--bogus'" alerts list --bogus
refused "alerts list: unexpected 'extra'" alerts list extra
refused "expected --note TEXT, not '--bogus'" alerts assess 6 --bogus
refused "expected --note TEXT, not '--note'" alerts assess 6 --note
refused "expected --outbox DIR or --webhook URL, not '--bogus'" alerts config --bogus x
refused 'usage: dsms substance' substance
refused "substance: 'bogus' is not a subcommand" substance bogus
refused 'substance show: give one code' substance show
refused "'nope' is not a code of the register \(dsms substance list\)" substance show nope
refused "--family: 'nope' is not a family" substance list --family nope
refused "substance list: unexpected '--bogus'" substance list --bogus
refused 'substance match: give a name to match' substance match
expect_eq "$(sqlite3 n.db "select state from alerts where id = 6")" new "nothing moved by the refusals"

finish
