#!/usr/bin/env bash
# layout.sh — libdsms by stage: every file of lib/ is in a stage folder that
# CMakeLists.txt lists in DSMS_STAGES, and includes only headers of its own
# stage or of one listed before it (core, store, reference, ...). The check
# itself is tested first, on a copy of the tree with one include pointing up
# the stages and one file outside any stage.
source "$(dirname "$0")/lib.sh"

# check_layout ROOT: prints each breach as FILE: WHAT, one a line.
check_layout() {
  local root=$1
  local stages
  stages=$(sed -n 's/^set(DSMS_STAGES \(.*\))$/\1/p' "$root/CMakeLists.txt")
  [ -n "$stages" ] || { echo "CMakeLists.txt: no set(DSMS_STAGES ...)"; return; }
  python3 - "$root" $stages <<'PY'
import os, re, sys
root, stages = sys.argv[1], sys.argv[2:]
rank = {s: i for i, s in enumerate(stages)}
lib = os.path.join(root, "lib")
home = {}  # header -> stage
for entry in sorted(os.listdir(lib)):
    path = os.path.join(lib, entry)
    if not os.path.isdir(path):
        print(f"lib/{entry}: not in a stage folder")
    elif entry not in rank:
        print(f"lib/{entry}/: a folder that DSMS_STAGES in CMakeLists.txt does not list")
    else:
        for f in os.listdir(path):
            if f.endswith(".h"):
                home[f] = entry
for stage in stages:
    folder = os.path.join(lib, stage)
    for f in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if not f.endswith((".c", ".h")):
            continue
        for n, line in enumerate(open(os.path.join(folder, f)), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m:
                continue
            h = os.path.basename(m.group(1))
            if h not in home:
                print(f"lib/{stage}/{f}:{n}: includes {h}, which no stage folder holds")
            elif rank[home[h]] > rank[stage]:
                print(f"lib/{stage}/{f}:{n}: includes {h} from {home[h]}/, a later stage than {stage}/")
PY
}

# The check finds what it should: an include up the stages, a file outside.
copy=$WORK/tree
mkdir -p "$copy" && cp -r "$SRC/lib" "$SRC/CMakeLists.txt" "$copy/"
echo '#include "engine.h"' >> "$copy/lib/core/text.c"
touch "$copy/lib/stray.c"
check_layout "$copy" > planted.txt
expect_grep '^lib/core/text\.c:[0-9]+: includes engine\.h from engine/, a later stage than core/$' planted.txt
expect_grep '^lib/stray\.c: not in a stage folder$' planted.txt
expect_eq "$(wc -l < planted.txt)" 2 "breaches found in the planted tree"

# The tree itself has none.
check_layout "$SRC" > breaches.txt
if [ -s breaches.txt ]; then bad "includes against the stages:"; cat breaches.txt >&2; else ok; fi
finish
