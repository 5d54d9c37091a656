#!/usr/bin/env python3
"""disclosure_views.py — public output shows the same cells in every format.

usage: disclosure_views.py area|rank TABLE.txt CSV.csv
       disclosure_views.py json JSON.json CSV.csv

A table (dsms measures --public) against the CSV of the same request, row by
row: a hidden row shows '*' for its value and interval and no count but a
denominator CSV shows too (a population or estimate); a ranking ranks no hidden
row. JSON against CSV: the same rows, the same cells null, the same flags.
Exits 1 at any difference, printing the first few.
"""
import csv
import json
import re
import sys


VALUE = re.compile(r"^(\*|-|-?[0-9][0-9.]*)$")
CI = re.compile(r"^(\*|-|-?[0-9.]+--?[0-9.]+)$")
# the counts: "n / of" (a ratio's expected count to one decimal), or n alone
COUNTS = re.compile(r"^(\*|-|[0-9*]+( / [0-9*]+(\.[0-9])?)?)$")


def table_rows(path, kind):
    """The figures of each row, at the columns the header line places them:
    value right-aligned to its header, then the interval and the counts;
    a wrapped title, a category's heading and a note under a row have none."""
    lines = open(path).read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith(("measure ", "rank ")))
    head = lines[start]
    vend = head.index("value") + 5
    cend = head.index("count / of") + 10
    rows = []
    for l in lines[start + 1:]:
        if not l.strip():
            break
        value, ci, counts = l[vend - 7:vend].strip(), l[vend + 2:vend + 13].strip(), \
            l[vend + 15:cend].strip()
        if l.lstrip().startswith("(") or not (VALUE.match(value) and CI.match(ci) and
                                              COUNTS.match(counts)):
            continue
        rows.append({"rank": l[0:4].strip() if kind == "rank" else None, "value": value,
                     "ci": ci, "counts": counts})
    return rows


def check_table(kind, table, rows):
    diffs = []
    t = table_rows(table, kind)
    if len(t) != len(rows):
        return ["%d table rows, %d csv rows" % (len(t), len(rows))]
    for i, (a, r) in enumerate(zip(t, rows)):
        hidden = r["suppressed"] == "1"
        where = "row %d (%s %s %s)" % (i + 1, r["measure"], r["area_code"], r["category"])
        if hidden and (a["value"] != "*" or a["ci"] != "*"):
            diffs.append("%s: hidden in csv, table shows value %s, interval %s" %
                         (where, a["value"], a["ci"]))
        if not hidden and "*" in a["value"] + a["ci"] + a["counts"]:
            diffs.append("%s: published in csv, '*' in the table" % where)
        # each number shown is the numerator or the denominator as the table rounds it
        # (whole, or to one decimal for a ratio's expected count)
        allowed = [float(x) for x in (r["numerator"], r["denominator"]) if x]
        for n in re.findall(r"[0-9]+(?:\.[0-9])?", a["counts"]):
            if not any(abs(float(n) - x) <= (0.05 if "." in n else 0.5) + 1e-9 for x in allowed):
                diffs.append("%s: table shows count %s (%s), csv shows %s / %s" %
                             (where, n, a["counts"], r["numerator"] or "-",
                              r["denominator"] or "-"))
        if kind == "rank":
            if hidden and a["rank"] != "-":
                diffs.append("%s: hidden, yet ranked %s" % (where, a["rank"]))
            if "rank" in r and (r["rank"] or "-") != a["rank"]:
                diffs.append("%s: rank %s in the table, %s in csv" % (where, a["rank"], r["rank"]))
    return diffs


def check_json(path, rows):
    data = json.load(open(path))
    if len(data) != len(rows):
        return ["%d json rows, %d csv rows" % (len(data), len(rows))]
    diffs = []
    for i, (o, r) in enumerate(zip(data, rows)):
        if bool(o.get("suppressed")) != (r["suppressed"] == "1"):
            diffs.append("row %d: suppressed %s in json, %s in csv" % (i + 1, o.get("suppressed"),
                                                                      r["suppressed"]))
        for f in ("numerator", "denominator", "value", "lower95", "upper95"):
            if (o[f] is None) != (r[f] == ""):
                diffs.append("row %d %s: json %s, csv '%s'" % (i + 1, f, o[f], r[f]))
    return diffs


def main():
    kind, other, path = sys.argv[1:4]
    rows = list(csv.DictReader(open(path, newline="")))
    diffs = check_json(other, rows) if kind == "json" else check_table(kind, other, rows)
    for d in diffs[:10]:
        print(d)
    if diffs:
        print("%d differences between %s and %s" % (len(diffs), other, path))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
