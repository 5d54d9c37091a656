#!/usr/bin/env python3
"""disclosure_audit.py — try to undo public output's disclosure control.

Reads public result rows (dsms measures --public --format csv), works out
every additive relation itself from the reference areas (dsms reference show
areas), as someone with only the published files would, and tries each on
every hidden cell: a hidden numerator or counted denominator is recovered
when one relation gives it exactly, or shows it is at most 5 (a residue from
1 to 5 shared by the hidden parts). It also finds quantities two measures
share (equal in every cell where both are published, as the people in
treatment are one measure's count and another's denominator), and counts a
cell hidden in one but published in the other as recovered. A relation that says a hidden cell is 0
is counted apart: 0 is not a count from 1 to 5 (the rule allows it), and
where a breakdown's categories leave some records out, it is not even true. With the authorised rows (--full) it also
counts primary and secondary suppressions and says whether each relation
holds exactly. Exits 1 when anything is recovered or a hidden row shows a
figure. Shares no code with the suppression it checks.

usage: disclosure_audit.py --public P.csv --areas AREAS.csv [--full F.csv]
                           [--estimated ID,...]
"""
import argparse
import collections
import csv
import sys

ENGLAND = "E92000001"
SMALL = 5
HIDDEN_BLANK = ["numerator", "value", "lower95", "upper95", "lower99_8", "upper99_8",
                "vs_england", "vs_comparators"]


def num(s):
    return float(s) if s not in ("", None) else None


def load(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def relations(areas, cells_by_group):
    """(kind, total key, [part keys]) for every relation, keys (code, category)."""
    regions = collections.defaultdict(list)
    for code, region in areas.items():
        regions[region].append(code)
    geos = list(areas) + list(regions) + [ENGLAND]
    for (measure, period), cells in cells_by_group.items():
        cats = {}
        for (code, cat), row in cells.items():
            cats[cat] = row["breakdown"]
        breakdowns = collections.defaultdict(list)
        for cat, bd in cats.items():
            if bd != "all":
                breakdowns[bd].append(cat)
        for g in geos:
            for bd, members in breakdowns.items():
                yield (measure, period), "%s in the total" % bd, (g, "all"), \
                    [(g, c) for c in members]
        for c in cats:
            for r, members in regions.items():
                yield (measure, period), "areas in their region", (r, c), [(a, c) for a in members]
            yield (measure, period), "regions in England", (ENGLAND, c), \
                [(r, c) for r in regions]
            yield (measure, period), "areas in England", (ENGLAND, c), \
                [(a, c) for a in areas]


LINK_MIN = 20  # common published cells above 0 before two quantities are taken as one


def linked_quantities(rows, estimated):
    """Pairs of (measure, field) equal in every cell (period, area, category)
    where both are published, at least LINK_MIN of them above 0 (two counts
    that are 0 wherever both are shown say nothing of each other)."""
    values = collections.defaultdict(dict)
    for r in rows:
        for f in ["numerator"] + ([] if r["measure"] in estimated else ["denominator"]):
            x = num(r[f])
            if x is not None:
                values[(r["measure"], f)][(r["period"], r["area_code"], r["category"])] = x
    keys = sorted(values)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if a[0] == b[0]:
                continue
            common = values[a].keys() & values[b].keys()
            nonzero = sum(1 for c in common if values[a][c] != 0)
            if nonzero >= LINK_MIN and all(values[a][c] == values[b][c] for c in common):
                yield a, b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--public", required=True)
    ap.add_argument("--areas", required=True)
    ap.add_argument("--full")
    ap.add_argument("--estimated", default="penetration_opiate_crack,drug_deaths_dsr")
    a = ap.parse_args()
    estimated = set(a.estimated.split(","))
    areas = {r["code"]: r["region_code"] for r in load(a.areas)}

    groups = collections.defaultdict(dict)
    problems = []
    rows = load(a.public)
    for r in rows:
        key = (r["area_code"], r["category"])
        groups[(r["measure"], r["period"])][key] = r
        hidden = r["suppressed"] == "1"
        counted = r["measure"] not in estimated
        fields = HIDDEN_BLANK + (["denominator"] if counted else [])
        if hidden and any(r[f] for f in fields):
            problems.append("hidden row shows a figure: %s" % dict(r))
        for f in ["numerator"] + (["denominator"] if counted else []):
            x = num(r[f])
            if not hidden and x is not None and 1 <= x <= SMALL:
                problems.append("published %s %g: %s %s %s %s" % (
                    f, x, r["measure"], r["period"], r["area_code"], r["category"]))

    full = {}
    if a.full:
        for r in load(a.full):
            full[(r["measure"], r["period"], r["area_code"], r["category"])] = r

    recovered = {}  # (measure, period, code, category, field) -> how
    zeros = set()  # hidden cells a relation says are 0: not a count from 1 to 5
    exact = collections.Counter()
    inexact = collections.Counter()
    checked = collections.Counter()
    # A hidden cell published under a linked quantity is recovered, and is
    # then used as published by the relations below, as an attacker would.
    by_cell = {(r["measure"], r["period"], r["area_code"], r["category"]): r for r in rows}
    links = list(linked_quantities(rows, estimated))
    for a, b in links:
        for (x, y) in ((a, b), (b, a)):
            for key, r in by_cell.items():
                if key[0] != x[0] or num(r[x[1]]) is not None:
                    continue
                other = by_cell.get((y[0],) + key[1:])
                if other is not None and num(other[y[1]]) is not None:
                    recovered[key + (x[1],)] = "published as %s's %s" % y
                    r[x[1]] = other[y[1]]
    for group, kind, total_key, part_keys in relations(areas, groups):
        cells = groups[group]
        total = cells.get(total_key)
        if total is None:
            continue
        measure, period = group
        fields = ["numerator"] + ([] if measure in estimated else ["denominator"])
        for f in fields:
            if all(num(row[f]) is None for row in cells.values()):
                continue  # no such figure for this measure (a count has no denominator)
            checked[kind] += 1
            parts = [(k, cells.get(k)) for k in part_keys]
            hidden = [k for k, row in parts if row is not None and num(row[f]) is None]
            published = sum(num(row[f]) for _, row in parts if row is not None and
                            num(row[f]) is not None)
            t = num(total[f])
            if full:
                ft = num(full[group + total_key][f]) or 0
                fs = sum(num(full[group + k][f]) or 0 for k, row in parts if row is not None)
                (exact if abs(ft - fs) < 1e-9 else inexact)[(kind, f, "more" if ft > fs else
                                                             "less" if ft < fs else "")] += 1
            if t is None:
                if not hidden and round(published) == 0:
                    zeros.add(group + total_key + (f,))
                elif not hidden:
                    recovered[group + total_key + (f,)] = "%s: total = %g" % (kind, published)
                continue
            rest = round(t - published)
            if len(hidden) == 1 and rest == 0:
                zeros.add(group + hidden[0] + (f,))
            elif len(hidden) == 1:
                recovered[group + hidden[0] + (f,)] = "%s: exactly %g" % (kind, rest)
            elif hidden and 1 <= rest <= SMALL:
                for k in hidden:
                    recovered.setdefault(group + k + (f,), "%s: at most %g" % (kind, rest))

    for a, b in links:
        print("  linked quantities: %s %s = %s %s" % (a + b))
    n = len(rows)
    hidden_rows = [r for r in rows if r["suppressed"] == "1"]
    print("rows %d, published %d, suppressed %d (%.1f%%)" % (
        n, n - len(hidden_rows), len(hidden_rows), 100.0 * len(hidden_rows) / max(n, 1)))
    if full:
        def primary(r):
            f = full[(r["measure"], r["period"], r["area_code"], r["category"])]
            vals = [num(f["numerator"])]
            if r["measure"] not in estimated:
                vals.append(num(f["denominator"]))
            return any(x is not None and 0 < x <= SMALL for x in vals)
        p = sum(1 for r in hidden_rows if primary(r))
        s = len(hidden_rows) - p
        print("  primary %d (a count from 1 to 5), secondary %d: %.1f%% of the rows the "
              "primary rule leaves published" % (p, s, 100.0 * s / max(n - p, 1)))
        for kind in sorted(checked):
            for f in ("numerator", "denominator"):
                ex = sum(v for (k, ff, _), v in exact.items() if k == kind and ff == f)
                bad = {d: v for (k, ff, d), v in inexact.items() if k == kind and ff == f}
                if ex or bad:
                    print("  relation %-26s %-11s holds exactly in %d, total above the sum in "
                          "%d, below in %d" % (kind, f, ex, bad.get("more", 0),
                                               bad.get("less", 0)))
    print("relations tried %d; cells recovered %d" % (sum(checked.values()), len(recovered)))
    if full and recovered:
        small = 0
        for key in recovered:
            f = full.get(key[:4])
            x = num(f[key[4]]) if f else None
            small += x is not None and 1 <= x <= SMALL
        print("  of them with a true value from 1 to 5: %d" % small)
    print("  hidden cells one relation says are 0 (no published part above 0; allowed, 0 is "
          "not a count from 1 to 5): %d" % len(zeros))
    for key, how in sorted(recovered.items())[:int(__import__("os").environ.get("AUDIT_SHOW", "20"))]:
        print("  recovered %s %s %s %s %s (%s)" % (key + (how,)))
    for p in problems[:20]:
        print("  " + p)
    if problems:
        print("problems %d" % len(problems))
    return 1 if recovered or problems else 0


if __name__ == "__main__":
    sys.exit(main())
