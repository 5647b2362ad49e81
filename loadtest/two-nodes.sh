#!/usr/bin/env bash
# The load test against two nodes sharing PostgreSQL and an S3 store, wrk driving both at
# once (half the connections each) on the same 2 cores. Needs JALSA_TEST_DATABASE_URL,
# JALSA_TEST_S3_URL and the AWS_* variables, as .ci/run sets them (moto on 127.0.0.1:9000).
# Usage: loadtest/two-nodes.sh [seconds per test, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
: "${JALSA_TEST_DATABASE_URL:?set JALSA_TEST_DATABASE_URL=postgres://...}"
: "${JALSA_TEST_S3_URL:?set JALSA_TEST_S3_URL=s3://bucket and the AWS_* variables}"
run_id=$(date +%s)
schema="jalsa_load_$run_id"
psql -q "$JALSA_TEST_DATABASE_URL" -c "CREATE SCHEMA $schema"
database="$JALSA_TEST_DATABASE_URL?options=-c%20search_path%3D$schema"
storage="$JALSA_TEST_S3_URL/load-$run_id"
data=$(mktemp -d)
cleanup() {
  kill "${servers[@]}" 2>/dev/null || true
  PGOPTIONS="-c client_min_messages=warning" psql -q "$JALSA_TEST_DATABASE_URL" -c "DROP SCHEMA $schema CASCADE" || true
  rm -rf "$data"
}
trap cleanup EXIT

cargo build --release --quiet
servers=()
for port in 18181 18182; do
  ./target/release/jalsa serve --listen 127.0.0.1:$port --data-dir "$data/$port" --rate-limit 0 \
    --database "$database" --storage "$storage" >"$data/log-$port" 2>&1 &
  servers+=($!)
done
for port in 18181 18182; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
done

# Both wrk at once, each with half the connections; their requests/s add up.
both() {
  local name=$1; shift
  echo "== $name"
  wrk --latency -t1 -c16 -d"${seconds}s" "$@" "http://127.0.0.1:18181${path:-}" >"$data/w1" &
  local w1=$!
  wrk --latency -t1 -c16 -d"${seconds}s" "$@" "http://127.0.0.1:18182${path:-}" >"$data/w2"
  wait $w1
  for f in "$data/w1" "$data/w2"; do grep -E "Requests/sec|99%|Non-2xx|Socket errors" "$f" | sed 's/^/  /'; done
  awk '/Requests\/sec/ {s += $2} END {printf "  total: %.0f requests/s\n", s}' "$data/w1" "$data/w2"
}

path="" both "fresh remixes, distinct captions, hubble at 1200 px" -s loadtest/fresh.lua
curl -s -X POST http://127.0.0.1:18181/api/remixes -H 'content-type: application/json' \
  -d '{"template":"hubble","width":1200,"captions":["hope is priceless","for everything else there is the ballot"]}' >"$data/one.json"
id=$(sed -E 's/.*"id":"([0-9a-f]+)".*/\1/' "$data/one.json")
path="/api/remixes" both "repeat requests, deduplicated" -s loadtest/repeat.lua
curl -s -X POST http://127.0.0.1:18181/api/remixes -H 'content-type: application/json' \
  -d '{"template":"astronaut","captions":["hope is priceless","for everything else there is the ballot"]}' >"$data/small.json"
small=$(sed -E 's/.*"id":"([0-9a-f]+)".*/\1/' "$data/small.json")
path="/i/$small.jpg" both "image GETs, a 512 px remix"
path="/m/$id" both "share pages"
