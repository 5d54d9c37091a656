#!/usr/bin/env bash
# warn.sh — early warning on a simulated nation: ten years of early-warning
# reports and deaths with outbreaks planted at known weeks (dsms simulate,
# ew_outbreaks.csv); then the time to find every signal over the ten years for
# every substance family and area (dsms warn signals --since all), each
# planted outbreak's detection delay (weeks from its first week to the first
# signal that names its substance or family in its places), and the signals
# that match no outbreak: false alarms a year, by kind.
# Usage: bench/warn.sh [PEOPLE]   (default 800000, England's size: the reports
#   and deaths scale with it). Only the deaths and the early-warning reports
#   are imported: the treatment records play no part in early warning.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target dsms_cli >/dev/null
out=bench/out/warn
export DSMS_TODAY=2026-11-28 DSMS_STORE=$out/warn.db
# KEEP=1: the store made before, and only the signals found again.
if [ "${KEEP:-0}" = 1 ] && [ -s "$DSMS_STORE" ]; then
  cp build/dsms "$out/dsms"
  dsms=$(pwd)/$out/dsms
else
rm -rf "$out" && mkdir -p "$out"
cp build/dsms "$out/dsms" # a rebuild while this runs leaves it be
dsms=$(pwd)/$out/dsms
$dsms init >/dev/null
$dsms simulate --out "$out/nation" --start-year 2016 --years 10 --people "${1:-800000}" --quiet
tail -n +2 "$out/nation/manifest.csv" | while IFS=, read -r period source table file rows; do
  case $table in
    deaths|ew_reports) $dsms import --source "$source" "$out/nation/$file" >/dev/null ;;
  esac
done
fi
echo "reports: $(sqlite3 "$DSMS_STORE" 'select count(*) from ew_reports'),"\
  "deaths: $(sqlite3 "$DSMS_STORE" 'select count(*) from deaths'),"\
  "areas: $(sqlite3 "$DSMS_STORE" 'select count(*) from areas')"
best=
for run in 1 2 3; do
  start=$(date +%s.%N)
  $dsms warn signals --since all --json > "$out/signals.json"
  t=$(echo "$(date +%s.%N) - $start" | bc)
  best=$(echo "if (\"$best\" == \"\" || $t < ${best:-999}) $t else ${best:-999}" | bc 2>/dev/null || echo "$t")
  echo "find every signal, run $run: ${t} s"
done
/usr/bin/time -f "peak memory: %M KB" $dsms warn signals --since all > /dev/null
python3 - "$out/nation/ew_outbreaks.csv" data/prisons.csv "$out/signals.json" <<'PY'
import csv, json, sys, datetime as dt
outbreaks = list(csv.DictReader(open(sys.argv[1])))
prison_area = {r["code"]: r["area_code"] for r in csv.DictReader(open(sys.argv[2]))}
signals = json.load(open(sys.argv[3]))
day = lambda s: dt.date.fromisoformat(s)
def places(o):
    areas = set(filter(None, o["areas"].split(";")))
    areas |= {prison_area[p] for p in filter(None, o["prisons"].split(";")) if p in prison_area}
    return areas
def matches(s, o):
    subs = set(o["substances"].split(";"))
    if s["substance"] not in subs and s["family"] != o["family"]:
        return False
    if s["substance"] in {"heroin"} and s["family"] != o["family"]:
        return False
    b, start, end = day(s["began"]), day(o["start_date"]), day(o["end_date"])
    if b < start - dt.timedelta(days=7) or b > end + dt.timedelta(days=28):
        return False
    where = places(o)
    got = set(filter(None, s["areas"].split(";")))
    return not where or not got or bool(where & got) or (o["region"] and s["what"] == "region")
matched = set()
print("\nplanted outbreak                       first week   first signal  delay  kind")
for o in outbreaks:
    hits = sorted((s for s in signals if matches(s, o)), key=lambda s: s["began"])
    for s in hits: matched.add(s["key"])
    if hits:
        d = (day(hits[0]["began"]) - day(o["start_date"])).days / 7
        print(f"{o['id']:>2} {o['kind']:<18} {o['family']:<16} {o['start_date']}  "
              f"{hits[0]['began']}  {d:5.1f}w  {hits[0]['kind']}/{hits[0]['what']}"
              f"  ({len(hits)} signals)")
    else:
        print(f"{o['id']:>2} {o['kind']:<18} {o['family']:<16} {o['start_date']}  not found")
false = [s for s in signals if s["key"] not in matched]
# the years in which a signal could be raised: after the learning year
first = min(day(s["began"]) for s in signals) if signals else day("2017-04-01")
years = max((day("2026-03-31") - first).days / 365.25, 1)
print(f"\nsignals: {len(signals)}; matching no planted outbreak: {len(false)} over "
      f"{years:.1f} years")
by = {}
for s in false: by.setdefault(f"{s['kind']}/{s['what']}", []).append(s)
for k, v in sorted(by.items(), key=lambda kv: -len(kv[1])):
    print(f"  {k:<22} {len(v):5d}  {len(v) / years:6.1f} a year")
PY
