#!/usr/bin/env bash
# test.sh — build with AddressSanitizer and UndefinedBehaviorSanitizer and run
# every test with ctest (the national-scale one in the optimised build, first).
# The last lines are ctest's summary. The optimised
# build of the command the demo uses is compiled first: the optimiser finds
# warnings (and so, with -Werror, errors) that a debug build does not. The
# tests themselves are compiled in the sanitizer build alone.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target dsms_cli >/dev/null
# The national-scale test (a nation at the default size) in the optimised build,
# when every test is asked for; under the sanitizers it would take minutes.
# It runs while the sanitizer build compiles, which leaves a core idle at times.
national=
if [ $# -eq 0 ]; then (cd build && ctest --output-on-failure -R '^national$') & national=$!; fi
cmake -S . -B build-test -DDSMS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-test -j"$(nproc)" >/dev/null
if [ -n "$national" ] && ! wait "$national"; then echo "test.sh: the national test failed" >&2; exit 1; fi
cd build-test
# Fixtures that are not what a test is about (a simulated nation, imported and computed)
# are made by the optimised command (tests/lib.sh, $MAKER).
DSMS_MAKER=$(realpath ../build/dsms) ctest --output-on-failure -j"$(nproc)" "$@"
