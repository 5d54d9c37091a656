#!/usr/bin/env bash
# setup.sh — install every Debian package dsms needs to build, test and benchmark;
# with --fuzz, also clang for the fuzz targets. Safe to run again: it installs
# only what is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config        # the build
  libsqlite3-dev sqlite3                  # the store
  libsodium-dev                           # keys, keyed pseudonyms, file checksums
  libjansson-dev                          # JSON
  libgsl-dev                              # distribution quantiles for the statistics
  libmicrohttpd-dev                       # dsms serve: HTTP
  libfyaml-dev                            # outcomes frameworks: YAML
  libcairo2-dev fonts-dejavu-core         # charts drawn as PDF and PNG; reports as PDF
  libxlsxwriter-dev                       # reports as spreadsheets (XLSX)
  libcurl4-openssl-dev                    # issued alerts posted to a webhook
  poppler-utils unzip                     # tests read reports back (pdftotext, pdftoppm)
  libxml2-utils                           # tests parse HTML reports (xmllint)
  curl openssl                            # tests of dsms serve (requests, a certificate)
  time                                    # peak memory in bench/
  python3                                 # the disclosure audit (tests/disclosure_audit.py)
)
[ "${1:-}" = "--fuzz" ] && packages+=(clang libclang-rt-14-dev)   # libFuzzer

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
