#!/usr/bin/env bash
# Load test on loopback: fresh remixes, repeats, image GETs and share pages against a
# release build, with wrk as the client on the same 2 cores. Prints wrk's reports and the
# server's memory. Usage: loadtest/run.sh [seconds per test, default 15]
seconds=${1:-15}
port=18080
# shellcheck source=loadtest/common.sh
. "$(dirname "$0")/common.sh"
./target/release/jalsa serve --listen 127.0.0.1:$port --data-dir "$data" --rate-limit 0 >"$data/log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

rss() { awk '/VmRSS|VmHWM/ {printf "%s %s %s  ", $1, $2, $3}' "/proc/$server/status"; echo; }
run() { echo "== $1"; shift; wrk --latency -t2 -c"${CONNECTIONS:-32}" -d"${seconds}s" "$@"; rss; echo; }

run "fresh remixes, distinct captions, hubble at 1200 px (POST /api/remixes)" -s loadtest/fresh.lua "$base"
curl -s -X POST "$base/api/remixes" -H 'content-type: application/json' \
  -d '{"template":"hubble","width":1200,"captions":["hope is priceless","for everything else there is the ballot"]}' >"$data/one.json"
id=$(sed -E 's/.*"id":"([0-9a-f]+)".*/\1/' "$data/one.json")
curl -s "$base/i/$id.jpg" -o "$data/one.jpg"
run "repeat requests, deduplicated (POST /api/remixes)" -s loadtest/repeat.lua "$base/api/remixes"
run "image GETs, the 1200 px remix ($(stat -c %s "$data/one.jpg") bytes, GET /i/$id.jpg)" "$base/i/$id.jpg"
curl -s -X POST "$base/api/remixes" -H 'content-type: application/json' \
  -d '{"template":"astronaut","captions":["hope is priceless","for everything else there is the ballot"]}' >"$data/small.json"
small=$(sed -E 's/.*"id":"([0-9a-f]+)".*/\1/' "$data/small.json")
curl -s "$base/i/$small.jpg" -o "$data/small.jpg"
run "image GETs, a 512 px remix ($(stat -c %s "$data/small.jpg") bytes, GET /i/$small.jpg)" "$base/i/$small.jpg"
run "share pages (GET /m/$id)" "$base/m/$id"
echo "renders and dedup hits:"; curl -s "$base/metrics" | grep -E '^jalsa_(renders|dedup_hits)_total'
