#!/usr/bin/env bash
# A supporter's phone on a crowded rally network (benches/phone.mjs): Chromium with a
# Pixel 7 profile at 400 kbps down, 150 kbps up and 400 ms, a fresh cache each run, against
# a release build on loopback. Prints the Urdu home page's load, a caption remix and a
# framed 12 MP phone photo from tapping send to the share page with its picture, what was
# sent for the photo, and the dropped-network case.
#
#   bash benches/phone.sh            # five runs of each, medians
#   RUNS=1 bash benches/phone.sh     # one
set -euo pipefail
cd "$(dirname "$0")/.."

npm_prefix="$HOME/.cache/jalsa-npm"
if [ ! -f "$npm_prefix/node_modules/playwright-core/package.json" ]; then
  mkdir -p "$npm_prefix"
  npm install --prefix "$npm_prefix" --no-audit --no-fund --silent playwright-core@1.64
fi

port=8192
source benches/node.sh

node benches/phone.mjs --base "$base" --runs "${RUNS:-5}"
