#!/usr/bin/env bash
# test.sh — build with AddressSanitizer and UndefinedBehaviorSanitizer and run
# every test with ctest. The last lines are ctest's summary. The optimised
# build the demo uses is compiled first: the optimiser finds warnings (and so,
# with -Werror, errors) that a debug build does not.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
cmake -S . -B build-test -DDSMS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-test -j"$(nproc)" >/dev/null
cd build-test
ctest --output-on-failure -j"$(nproc)" "$@"
