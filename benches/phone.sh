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

cargo build --release -q
jalsa=${CARGO_TARGET_DIR:-target}/release/jalsa
data=$(mktemp -d)
port=${PORT:-8192}
base="http://127.0.0.1:$port"
export JALSA_DATA_DIR="$data" JALSA_LISTEN="127.0.0.1:$port" JALSA_PUBLIC_URL="$base"
echo "a long enough password" | "$jalsa" staff add bench >/dev/null
token=$("$jalsa" staff token bench | tail -n1)
"$jalsa" >"$data/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "$base/healthz" && break; sleep 0.2; done
# One featured remix, as a campaign's home page has.
id=$(curl -sf -X POST "$base/api/remixes" -H 'content-type: application/json' \
  -d '{"template":"hubble","captions":["Hope is priceless","ووٹ ضرور ڈالیں"]}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
curl -sf -o /dev/null -X POST "$base/api/staff/remixes/$id/status" \
  -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{"status":"featured"}'

node benches/phone.mjs --base "$base" --runs "${RUNS:-5}"
