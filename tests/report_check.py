#!/usr/bin/env python3
"""report_check.py — reads a report back from each of its formats and holds
every figure against what `dsms measures` and `dsms framework show` give.

usage: report_check.py DSMS BASE... [--public] [--organisation CODE] [--scope CODES]
                       [--html-only]
(the store is $DSMS_STORE)

--scope: the report was made for an account bound to these areas
(comma-separated): their figures as `dsms measures` gives them, every other
place's as `dsms measures --public` does. --html-only: a page of the
dashboard, with no XLSX or PDF beside it.

BASE.html, BASE.xlsx and BASE.pdf are the same report. Each table row of the
HTML that carries a key (data-key) is a figure's row:
  measure|area|period|breakdown|category   a result: Value, Lower 95%, Upper 95%,
                                           Count, Of, Observed, Expected, Ratio,
                                           In treatment, England
  framework|area|metric|period             a framework's status
Every such figure must be the one the command gives, shown to the same
decimal places; the XLSX must hold the same rows, with each figure a number
(not text) equal to the command's to its precision; the PDF's text must show
each row's figures in order on one line. Prints what it checked; exits 1 on
the first disagreement of each kind, listing up to 20.
"""
import csv
import io
import os
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from xml.etree import ElementTree

RESULT_COLUMNS = {"Value": "value", "Ratio": "value", "Lower 95%": "lower95",
                  "Upper 95%": "upper95", "Count": "numerator", "Observed": "numerator",
                  "In treatment": "numerator", "Of": "denominator", "Expected": "denominator"}
FRAMEWORK_COLUMNS = {"Value": "value", "Lower 95%": "lower95", "Upper 95%": "upper95",
                     "Baseline": "baseline", "Target": "target", "Trajectory": "trajectory",
                     "Gap": "gap_people"}

FIGURES = set(RESULT_COLUMNS) | set(FRAMEWORK_COLUMNS) | {"England"}

failures = []


def fail(what):
    failures.append(what)


def run(args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


# ---- the HTML ----

class Tables(HTMLParser):
    """Every table: its headings, and its rows as (key, [cell text])."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell, self.row, self.key, self.in_head = [], None, None, None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append({"headings": [], "rows": []})
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.row, self.key = [], a.get("data-key")
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join(self.cell.split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            t = self.tables[-1]
            if self.in_head:
                t["headings"] = [heading_of(h) for h in self.row]
            else:
                t["rows"].append((self.key, self.row))
            self.row = None
        elif tag == "thead":
            self.in_head = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def heading_of(text):
    """A column's heading without the unit the writer may add to it."""
    for known in list(RESULT_COLUMNS) + list(FRAMEWORK_COLUMNS) + ["England", "Status"]:
        if text == known or text.startswith(known + " ") or text.startswith(known + "("):
            return known
    return text


def cell_shown(text):
    """A cell's figure as shown: the visually-hidden words a writer adds for
    screen readers (a benchmark's name) are after the figure."""
    return text.split(" ")[0] if text else text


# ---- what the command gives ----

def fmt(x, digits):
    return "-" if x in ("", "-", None) else f"{float(x):.{digits}f}"


NO_DENOMINATOR = {}
TITLES = {}  # a measure's title: its id


def measure_digits(dsms):
    """Each measure's decimal places: none for a count of people. Counts
    and medians (in days) show no denominator."""
    kinds = {}
    lines = run([dsms, "measures", "--list"]).splitlines()
    title_at = lines[0].index("what it counts")
    for line in lines[1:]:
        parts = line.split()
        if parts:
            TITLES[line[title_at:].strip()] = parts[0]
            kinds[parts[0]] = 0 if parts[1] in ("people", "referrals") else 1
            NO_DENOMINATOR[parts[0]] = parts[1] in ("people", "referrals", "days")
    return kinds


def results(dsms, public, organisation):
    args = [dsms, "measures", "--all", "--format", "csv"] + (["--public"] if public else [])
    rows = {}
    for r in csv.DictReader(io.StringIO(run(args))):
        rows["|".join([r["measure"], r["area_code"], r["period"], r["breakdown"],
                       r["category"]])] = r
    if organisation:
        out = run([dsms, "measures", "--organisation", organisation, "--format", "csv"])
        for r in csv.DictReader(io.StringIO(out)):
            rows["|".join([r["measure"], r["area_code"], r["period"], r["breakdown"],
                           r["category"]])] = r
    return rows


WITHHELD = set()


def withheld_statuses():
    """The statuses a public report withholds: drawn from a withheld figure."""
    out = run(["sqlite3", os.environ["DSMS_STORE"], "select framework, area_code, metric, "
               "period from framework_status where suppressed = 1"])
    for line in out.splitlines():
        WITHHELD.add(tuple(line.split("|")))


def framework_rows(dsms, fw, area, period):
    args = [dsms, "framework", "show", fw, "--area", area, "--format", "csv"]
    if period:
        args += ["--period", period]
    return {r["metric"]: r for r in csv.DictReader(io.StringIO(run(args)))}


# ---- the checks ----

def expected_result(key, heading, rows, digits, public):
    r = rows.get(key)
    if r is None:
        return None
    measure = key.split("|")[0]
    field = RESULT_COLUMNS.get(heading)
    if heading == "England":
        period = r["period"]
        e = rows.get("|".join([measure, "E92000001", period if len(period) != 9 else
                               period[5:], "all", "all"]))
        return None if e is None else ("*" if e.get("suppressed") == "1" and e["value"] == ""
                                       else fmt(e["value"], digits.get(measure, 1)))
    if field is None:
        return None
    if field == "denominator" and NO_DENOMINATOR.get(measure):
        return "-"
    if public and r.get("suppressed") == "1" and r[field] == "":
        return "*"
    # counts whole (a ratio's expected count to one decimal), as dsms measures shows them
    d = 0 if field in ("numerator", "denominator") else digits.get(measure, 1)
    if field == "denominator" and measure.endswith(("_vs_expected", "_vs_need")):
        d = 1
    return fmt(r[field], d)


def fw_shown(x, heading):
    """As dsms framework show shows it: whole from 100 up, else to one
    decimal; the gap in people whole."""
    if x in ("", "-"):
        return "-"
    v = float(x)
    return f"{v:.0f}" if abs(v) >= 100 or heading == "Gap" else f"{v:.1f}"


def page_year(tables):
    """The financial year of the report's figures: its first result row's."""
    for t in tables:
        for key, _ in t["rows"]:
            parts = (key or "").split("|")
            if len(parts) == 5 and re.fullmatch(r"\d{4}-\d{2}", parts[2]):
                return parts[2]
    return None


def check_places(t, key, cells, rows, digits, public, year):
    """A row of places (similar areas): keyed by the place's code, a column
    for each measure, headed by its title (and unit). Each figure is the
    place's value for the report's year."""
    checked = 0
    for heading, text in zip(t["headings"], cells):
        measure = TITLES.get(re.sub(r"\s*\([^()]*\)$", "", heading))
        if not measure or not year:
            continue
        want = expected_result("|".join([measure, key, year, "all", "all"]), "Value", rows,
                               digits, public)
        if want is None:
            continue
        checked += 1
        if cell_shown(text) != want:
            fail(f"html: {key}: {heading} shows {cell_shown(text)!r}, dsms gives {want!r}")
    return checked


def check_html(tables, dsms, rows, digits, public):
    checked, fw_cache = 0, {}
    keyed = []
    year = page_year(tables)
    for t in tables:
        for key, cells in t["rows"]:
            if not key:
                continue
            if re.fullmatch(r"[A-Z]\d{8}", key):
                checked += check_places(t, key, cells, rows, digits, public, year)
                continue
            parts = key.split("|")
            wanted = []
            for heading, text in zip(t["headings"], cells):
                text = cell_shown(text)
                if len(parts) == 5:
                    want = expected_result(key, heading, rows, digits, public)
                elif len(parts) == 4 and heading in FRAMEWORK_COLUMNS and \
                        parts[0] != "series":
                    fw, area, metric, at = parts
                    if (fw, area, at) not in fw_cache:
                        fw_cache[(fw, area, at)] = framework_rows(dsms, fw, area, at)
                    r = fw_cache[(fw, area, at)].get(metric)
                    want = None if r is None else fw_shown(r[FRAMEWORK_COLUMNS[heading]], heading)
                    if public and (fw, area, metric, at) in WITHHELD:
                        want = "*"
                    elif not at:  # no figure in the report's year
                        want = "-"
                else:
                    want = None
                if len(parts) == 5 and key not in rows:
                    fail(f"html: {key}: no such result in dsms measures")
                    break
                if want is None:
                    continue
                checked += 1
                if text != want:
                    fail(f"html: {key}: {heading} shows {text!r}, dsms gives {want!r}")
                if re.fullmatch(r"-?\d+(\.\d+)?|\*", text):
                    wanted.append((heading, text))
            keyed.append((key, wanted))
    return checked, keyed


def xlsx_sheets(path):
    z = zipfile.ZipFile(path)
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    strings = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
            strings.append("".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")))
    sheets = []
    for name in sorted((n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                       key=lambda n: int(re.findall(r"\d+", n)[0])):
        grid = []
        for row in ElementTree.fromstring(z.read(name)).iter(f"{{{ns['m']}}}row"):
            cells = {}
            for c in row.findall("m:c", ns):
                col = re.match(r"[A-Z]+", c.get("r")).group(0)
                index = 0
                for ch in col:
                    index = index * 26 + ord(ch) - 64
                v = c.find("m:v", ns)
                if v is None:
                    continue
                if c.get("t") == "s":
                    cells[index - 1] = ("s", strings[int(v.text)])
                else:
                    cells[index - 1] = ("n", float(v.text))
            width = max(cells) + 1 if cells else 0
            grid.append([cells.get(i) for i in range(width)])
        sheets.append(grid)
    return sheets


def check_xlsx(path, keyed_html, rows, public):
    """Each keyed row of the HTML is in the workbook, its figures numbers
    that show as the HTML does."""
    found, numbers = {}, 0
    for grid in xlsx_sheets(path):
        headings = None
        for cells in grid:
            texts = [c[1] if c and c[0] == "s" else None for c in cells]
            if texts and texts[-1] == "Key":
                headings = [heading_of(t or "") for t in texts]
                continue
            if not headings or len(cells) != len(headings) or not cells[-1]:
                continue
            found.setdefault(cells[-1][1], []).append(dict(zip(headings, cells)))
    seen = {}
    for key, shown in keyed_html:
        # a key in two tables (a ratio's row among the measures and among
        # those against expected): the rows in the order of the document
        k = seen[key] = seen.get(key, -1) + 1
        row = found[key][k] if key in found and k < len(found[key]) else None
        if row is None:
            fail(f"xlsx: {key}: not in the workbook")
            continue
        for heading, c in row.items():
            if heading != "Key" and c and c[0] == "s" and heading in FIGURES and \
                    re.fullmatch(r"-?\d+(\.\d+)?", c[1]):
                fail(f"xlsx: {key}: {heading} holds {c[1]!r} as text, not a number")
        for heading, want in shown:
            c = row.get(heading)
            if want == "*":
                if not c or c[1] != "*":
                    fail(f"xlsx: {key}: {heading}: {c!r} where the html withholds the figure")
                continue
            if not c or c[0] != "n":
                fail(f"xlsx: {key}: {heading}: {c!r} where the html shows the number {want}")
                continue
            numbers += 1
            digits = len(want.split(".")[1]) if "." in want else 0
            if f"{c[1]:.{digits}f}" != want:
                fail(f"xlsx: {key}: {heading} holds {c[1]!r} where the html shows {want!r}")
    return sum(len(v) for v in found.values()), numbers


def check_pdf(path, keyed_html):
    text = run(["pdftotext", "-layout", path, "-"])
    lines = [line.split() for line in text.splitlines()]
    rows = 0
    for key, shown in keyed_html:
        figures = [text for _, text in shown]
        if not figures:
            continue
        rows += 1
        # a table too wide for the page is drawn in parts: the row's figures
        # in order on one line, or in runs on the lines of its parts
        rest = figures
        while rest:
            run_ = max((k for k in range(len(rest), 0, -1)
                        if any(in_order(rest[:k], tokens) for tokens in lines)), default=0)
            if not run_:
                fail(f"pdf: {key}: no line shows {' '.join(rest)} (of {' '.join(figures)})")
                break
            rest = rest[run_:]
    return rows, text


def in_order(wanted, tokens):
    i = 0
    for t in tokens:
        if i < len(wanted) and t == wanted[i]:
            i += 1
    return i == len(wanted)


def check_one(base, dsms, rows, digits, public, html_only):
    """One report in its three formats: the failures it adds."""
    before = len(failures)
    parser = Tables()
    with open(base + ".html", encoding="utf-8") as f:
        parser.feed(f.read())
    checked, keyed = check_html(parser.tables, dsms, rows, digits, public)
    xrows = numbers = prows = 0
    if not html_only:
        xrows, numbers = check_xlsx(base + ".xlsx", keyed, rows, public)
        prows, _ = check_pdf(base + ".pdf", keyed)
    print(f"report_check: {base}: {checked} figures in {len(keyed)} html rows; {xrows} xlsx rows "
          f"({numbers} numbers); {prows} pdf rows; {len(failures) - before} disagreements")
    if not keyed:
        fail(f"{base}: no keyed rows: nothing was checked")


def main():
    args = sys.argv[1:]
    public = "--public" in args
    organisation = args[args.index("--organisation") + 1] if "--organisation" in args else None
    bases = [a for i, a in enumerate(args[1:], 1)
             if not a.startswith("--") and args[i - 1] != "--organisation"]
    scope = args[args.index("--scope") + 1].split(",") if "--scope" in args else None
    html_only = "--html-only" in args
    bases = [b for b in bases if not (scope and b == ",".join(scope))]
    dsms = args[0]
    digits = measure_digits(dsms)
    public = public or bool(scope)
    if public:
        withheld_statuses()
    rows = results(dsms, public, organisation)
    if scope:
        # the account's own areas as stored; their statuses as they are
        for key, r in results(dsms, False, None).items():
            if r["area_code"] in scope:
                rows[key] = r
        for w in list(WITHHELD):
            if w[1] in scope:
                WITHHELD.discard(w)
    for base in bases:
        check_one(base, dsms, rows, digits, public, html_only)
    for f in failures[:20]:
        print("report_check: " + f)
    print(f"report_check: {len(bases)} reports, {len(failures)} disagreements")
    return 1 if failures or not bases else 0


if __name__ == "__main__":
    sys.exit(main())
