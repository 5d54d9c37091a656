"""layout_check.py ROOT STAGE... — the rules of docs/layout.md, checked.

Prints each breach as FILE[:LINE]: WHAT, one a line, and nothing for a tree
that keeps them all:
  - every file of lib/ is in a folder named in STAGE (DSMS_STAGES);
  - a public header include/dsms/X.h belongs to the stage whose folder holds
    X.c, and there must be one;
  - libdsms's files include only headers of their own stage or an earlier one;
  - public headers include only public headers;
  - src/ (the command line) includes only public headers and its own;
  - every function a public header declares has a comment over its group
    (the declarations between two blank lines).
"""
import os
import re
import sys

INCLUDE = re.compile(r'\s*#\s*include\s+"([^"]+)"')
FUNCTION = re.compile(r'^[A-Za-z_][\w \*]*?\b(dsms_\w+)\s*\(')


def includes(path):
    for n, line in enumerate(open(path), 1):
        m = INCLUDE.match(line)
        if m:
            yield n, m.group(1)


def stage_homes(root, stages):
    """Each header's stage: lib/STAGE/X.h, or dsms/X.h where lib/STAGE/X.c is."""
    rank = {s: i for i, s in enumerate(stages)}
    lib = os.path.join(root, "lib")
    home, breaches = {}, []
    for entry in sorted(os.listdir(lib)):
        path = os.path.join(lib, entry)
        if not os.path.isdir(path):
            breaches.append(f"lib/{entry}: not in a stage folder")
        elif entry not in rank:
            breaches.append(f"lib/{entry}/: a folder that DSMS_STAGES in CMakeLists.txt does not list")
        else:
            for f in os.listdir(path):
                if f.endswith(".h"):
                    home[f] = entry
    public = os.path.join(root, "include", "dsms")
    for f in sorted(os.listdir(public)):
        source = f[:-2] + ".c"
        owners = [s for s in stages if os.path.exists(os.path.join(lib, s, source))]
        if not owners:
            breaches.append(f"include/dsms/{f}: no stage folder holds {source}, which implements it")
        else:
            home["dsms/" + f] = owners[0]
    return rank, home, breaches


def stage_breaches(root, stages, rank, home):
    """Includes up the stages, from lib/ and from the public headers."""
    files = []
    for stage in stages:
        folder = os.path.join(root, "lib", stage)
        for f in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if f.endswith((".c", ".h")):
                files.append((f"lib/{stage}/{f}", stage))
    for f in sorted(os.listdir(os.path.join(root, "include", "dsms"))):
        if "dsms/" + f in home:
            files.append((f"include/dsms/{f}", home["dsms/" + f]))
    for name, stage in files:
        for n, h in includes(os.path.join(root, name)):
            if h not in home:
                yield f"{name}:{n}: includes {h}, which no stage folder holds"
            elif rank[home[h]] > rank[stage]:
                yield f"{name}:{n}: includes {h} from {home[h]}/, a later stage than {stage}/"
            elif name.startswith("include/") and not h.startswith("dsms/"):
                yield f"{name}:{n}: a public header includes {h}, which is internal"


def src_breaches(root):
    src = os.path.join(root, "src")
    own = {f for f in os.listdir(src) if f.endswith(".h")}
    for f in sorted(os.listdir(src)):
        if f.endswith((".c", ".h")):
            for n, h in includes(os.path.join(src, f)):
                if not h.startswith("dsms/") and h not in own:
                    yield f"src/{f}:{n}: includes {h}, which is internal to libdsms"


def undocumented(root):
    """Public functions declared in a group with no comment over it."""
    public = os.path.join(root, "include", "dsms")
    for f in sorted(os.listdir(public)):
        commented = False
        for n, row in enumerate(open(os.path.join(public, f)), 1):
            if not row.strip():
                commented = False  # a blank line ends a group
            elif "/*" in row:
                commented = True
            else:
                m = FUNCTION.match(row)
                if m and not row.startswith("typedef") and not commented:
                    yield f"include/dsms/{f}:{n}: {m.group(1)} has no comment over it"


def main():
    root, stages = sys.argv[1], sys.argv[2:]
    rank, home, breaches = stage_homes(root, stages)
    breaches += stage_breaches(root, stages, rank, home)
    breaches += src_breaches(root)
    breaches += undocumented(root)
    for b in breaches:
        print(b)


main()
