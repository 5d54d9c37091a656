#!/usr/bin/env bash
# layout.sh — libdsms by stage, and its public headers (docs/layout.md): every
# file of lib/ is in a stage folder that CMakeLists.txt lists in DSMS_STAGES
# and includes only headers of its own stage or of one listed before it; the
# public headers (include/dsms/) include only each other, and every function
# they declare has a comment; the command line (src/) includes only public
# headers. The rules are in tests/layout_check.py; they are tested first on a
# copy of the tree with one breach of each planted.
source "$(dirname "$0")/lib.sh"

# check_layout ROOT: prints each breach as FILE: WHAT, one a line.
check_layout() {
  local root=$1
  local stages
  stages=$(sed -n 's/^set(DSMS_STAGES \(.*\))$/\1/p' "$root/CMakeLists.txt")
  [ -n "$stages" ] || { echo "CMakeLists.txt: no set(DSMS_STAGES ...)"; return; }
  python3 "$SRC/tests/layout_check.py" "$root" $stages
}

# The check finds what it should, one breach of each rule planted in a copy.
copy=$WORK/tree
mkdir -p "$copy" && cp -r "$SRC/lib" "$SRC/include" "$SRC/src" "$SRC/CMakeLists.txt" "$copy/"
echo '#include "engine.h"' >> "$copy/lib/core/text.c"
touch "$copy/lib/stray.c"
echo '#include "dsms/measures.h"' >> "$copy/include/dsms/csv.h"
echo '#include "store_int.h"' >> "$copy/include/dsms/store.h"
printf '\nint dsms_undocumented(void);\n' >> "$copy/include/dsms/outfile.h"
touch "$copy/include/dsms/orphan.h"
echo '#include "engine.h"' >> "$copy/src/cmd_init.c"
check_layout "$copy" > planted.txt
expect_grep '^lib/core/text\.c:[0-9]+: includes engine\.h from engine/, a later stage than core/$' planted.txt
expect_grep '^lib/stray\.c: not in a stage folder$' planted.txt
expect_grep '^include/dsms/csv\.h:[0-9]+: includes dsms/measures\.h from engine/, a later stage than core/$' planted.txt
expect_grep '^include/dsms/store\.h:[0-9]+: a public header includes store_int\.h, which is internal$' planted.txt
expect_grep '^include/dsms/outfile\.h:[0-9]+: dsms_undocumented has no comment over it$' planted.txt
expect_grep '^include/dsms/orphan\.h: no stage folder holds orphan\.c, which implements it$' planted.txt
expect_grep '^src/cmd_init\.c:[0-9]+: includes engine\.h, which is internal to libdsms$' planted.txt
expect_eq "$(wc -l < planted.txt)" 7 "breaches found in the planted tree"

# The tree itself has none.
check_layout "$SRC" > breaches.txt
if [ -s breaches.txt ]; then bad "includes against the stages:"; cat breaches.txt >&2; else ok; fi
finish
