#!/usr/bin/env bash
# docs.sh — docs/data-set.md is exactly what `dsms dataset --markdown` prints.
source "$(dirname "$0")/lib.sh"
"$DSMS" dataset --markdown > generated.md
if diff -u "$SRC/docs/data-set.md" generated.md > diff.txt; then ok; else
  bad "docs/data-set.md differs from dsms dataset --markdown (regenerate it):"; head -40 diff.txt >&2
fi
finish
